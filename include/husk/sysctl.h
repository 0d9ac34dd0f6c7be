/* linux.sysctl: kernel parameters written through the container's /proc/sys. */
#ifndef HUSK_SYSCTL_H
#define HUSK_SYSCTL_H

#include "husk/error.h"
#include "husk/oci.h"

int sysctl_apply(const struct oci_map *sysctl, struct husk_err **err);

#endif
