/* Capability sets of the container process, with capset and prctl (one
 * capset per change, bounding bits dropped only where set). The five
 * sets are set exactly as configured. A name that is no capability at all
 * is refused when the config is validated; a capability this kernel lacks,
 * or that husk itself does not hold (so cannot grant), is left out with a
 * warning, as the runtime-spec asks. */
#ifndef HUSK_CAPS_H
#define HUSK_CAPS_H

#include <stdbool.h>

#include "husk/error.h"
#include "husk/oci.h"

/* Drop the bounding set to what caps allows; needs CAP_SETPCAP, so it runs
 * before the switch to the container user. caps NULL: leave all. */
int caps_apply_bounding(const struct oci_capabilities *caps, struct husk_err **err);
/* Set the effective, permitted and inheritable sets exactly, then the
 * ambient set. With keep >= 0, that capability stays in the effective and
 * permitted sets as well and the ambient set is left alone: husk still
 * needs it (CAP_SYS_ADMIN to load seccomp without no_new_privs) and calls
 * caps_finish once done. */
int caps_apply(const struct oci_capabilities *caps, int keep, struct husk_err **err);
/* After caps_apply(caps, keep): drop keep (unless configured) and raise
 * the ambient set. */
int caps_finish(const struct oci_capabilities *caps, int keep, struct husk_err **err);
/* Capability number of "CAP_NET_ADMIN" (or "NET_ADMIN"); -1 if unknown. */
int caps_from_name(const char *name);
/* "CAP_CHOWN", ... every capability name husk recognises, in number
 * order: NULL-terminated, malloc'd (caps_names_free). NULL: out of memory. */
char **caps_known_names(void);
void caps_names_free(char **v);
/* Whether the list names capability cap. */
bool caps_list_has(const struct oci_strv *names, int cap);

#endif
