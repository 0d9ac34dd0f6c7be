/* Container operations that go through its cgroup: pause, resume,
 * update, ps, and runc-style events (statistics and OOM). The commands in
 * src/cmd/ are thin wrappers around these; src/linux/cgroup*.c does the
 * cgroupfs work. */
#ifndef HUSK_CGCTL_H
#define HUSK_CGCTL_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "husk/cgroup.h"
#include "husk/error.h"
#include "husk/oci.h"

/* How long pause waits for the freezer before giving up and thawing. */
#define CGCTL_FREEZE_TIMEOUT_MS 10000

int cgctl_pause(const char *root, const char *id, struct husk_err **err);
int cgctl_resume(const char *root, const char *id, struct husk_err **err);
/* Apply what is set in r to a created, running or paused container
 * (devices are left alone, as runc does). */
int cgctl_update(const char *root, const char *id, const struct oci_resources *r,
		 const struct cgroup_apply_opts *o, struct husk_err **err);
/* The pids of the container's processes (host pids). */
int cgctl_pids(const char *root, const char *id, pid_t **pids, size_t *n,
	       struct husk_err **err);

/* One {"type":"stats","id":ID,"data":{...}} line (runc's types.Stats),
 * malloc'd, without the newline. */
char *cgctl_stats_json(const char *id, const struct cgroup_stats *s, struct husk_err **err);
/* events: with interval_ms 0 print the stats once; else print them every
 * interval_ms, and {"type":"oom","id":ID} as OOM kills happen, until the
 * container stops. */
int cgctl_events(const char *root, const char *id, long interval_ms, FILE *out,
		 struct husk_err **err);

#endif
