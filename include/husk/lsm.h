/* Linux security modules: process.apparmorProfile, process.selinuxLabel
 * and linux.mountLabel. A label asked for on a host whose LSM is off is
 * an error (silently running unconfined would be worse); with the LSM on,
 * the exec label is set through a verified procfs right before the user
 * process is started. */
#ifndef HUSK_LSM_H
#define HUSK_LSM_H

#include <stdbool.h>

#include "husk/error.h"
#include "husk/oci.h"

bool lsm_apparmor_enabled(void);
bool lsm_selinux_enabled(void);

/* In husk, before anything is made: every label asked for can be had. */
int lsm_check(const struct oci_config *cfg, struct husk_err **err);
/* In the container process: the labels its execve will take. */
int lsm_apply_exec(const struct oci_process *p, struct husk_err **err);

#endif
