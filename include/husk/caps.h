/* Capability sets of the container process, through libcap-ng. */
#ifndef HUSK_CAPS_H
#define HUSK_CAPS_H

#include "husk/error.h"
#include "husk/oci.h"

/* Drop the bounding set to what caps allows; needs CAP_SETPCAP, so it runs
 * before the switch to the container user. caps NULL: leave all. */
int caps_apply_bounding(const struct oci_capabilities *caps, struct husk_err **err);
/* Set effective, permitted, inheritable and ambient sets exactly. */
int caps_apply(const struct oci_capabilities *caps, struct husk_err **err);
/* Capability number of "CAP_NET_ADMIN" (or "NET_ADMIN"); -1 if unknown. */
int caps_from_name(const char *name);

#endif
