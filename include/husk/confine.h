/* The checks of everything that confines the container process which can
 * be made before anything is changed: LSM labels, sysctls against the
 * container's namespaces, scheduler, I/O priority, CPU affinity and
 * personality, masked and read-only paths. create and exec call it with
 * the rest of their validation. */
#ifndef HUSK_CONFINE_H
#define HUSK_CONFINE_H

#include "husk/error.h"
#include "husk/oci.h"

int confine_check(const struct oci_config *cfg, struct husk_err **err);

#endif
