/* Scheduling of the container process: process.scheduler (sched_setattr),
 * process.ioPriority (ioprio_set), process.execCPUAffinity (exec only),
 * linux.personality. The *_check functions run in husk before anything
 * is made; the others in the container process while it is privileged. */
#ifndef HUSK_SCHED_H
#define HUSK_SCHED_H

#include <sys/types.h>

#include "husk/error.h"
#include "husk/oci.h"

/* process.scheduler, ioPriority, execCPUAffinity and linux.personality:
 * names, ranges and the combinations the runtime-spec allows. */
int sched_check(const struct oci_config *cfg, struct husk_err **err);

int sched_apply(const struct oci_scheduler *s, struct husk_err **err);
int sched_apply_ioprio(const struct oci_io_priority *io, struct husk_err **err);
int sched_apply_personality(const struct oci_personality *p, struct husk_err **err);
/* Pin pid (0: the caller) to a CPU list like "0-3,7"; field names the
 * config field for errors. */
int sched_apply_affinity(pid_t pid, const char *cpus, const char *field, struct husk_err **err);

#endif
