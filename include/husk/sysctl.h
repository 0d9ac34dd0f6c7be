/* linux.sysctl: kernel parameters written through the container's
 * /proc/sys. Only parameters the container's own namespaces scope may be
 * set, or the host would be changed: the IPC ones need an IPC namespace,
 * net.* a network namespace (not the host's), kernel.domainname a UTS
 * namespace (and kernel.hostname is the hostname field's business). */
#ifndef HUSK_SYSCTL_H
#define HUSK_SYSCTL_H

#include "husk/error.h"
#include "husk/oci.h"

/* In husk, before anything is made. Errors name the key. */
int sysctl_check(const struct oci_config *cfg, struct husk_err **err);
/* In the container, with its /proc mounted (verified to be procfs). */
int sysctl_apply(const struct oci_map *sysctl, struct husk_err **err);

#endif
