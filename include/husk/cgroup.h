/* Placing containers in cgroups on v1, v2 (unified) and hybrid hosts.
 * A container's cgroup is one path that exists in every hierarchy. */
#ifndef HUSK_CGROUP_H
#define HUSK_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "husk/error.h"

enum cgroup_mode { CGROUP_V1, CGROUP_HYBRID, CGROUP_V2 };

struct cgroup_hierarchy {
	char *mount;		/* e.g. /sys/fs/cgroup/memory */
	char *controllers;	/* "memory", "cpu,cpuacct", "name=systemd"; "" for v2 */
	bool v2;
};

struct cgroup_layout {
	enum cgroup_mode mode;
	struct cgroup_hierarchy *h;
	size_t n;
};

/* Read the layout from /proc/self/mountinfo (once per command). */
int cgroup_layout_detect(struct cgroup_layout *l, struct husk_err **err);
void cgroup_layout_free(struct cgroup_layout *l);
/* The hierarchy holding a controller ("memory", "pids"...), or NULL. */
const struct cgroup_hierarchy *cgroup_find(const struct cgroup_layout *l, const char *ctrl);

/* cgroupsPath -> the path husk uses: absolute kept, relative under
 * "/husk", absent "/husk/ID". The systemd form "slice:prefix:name" maps to
 * "/slice/prefix-name.scope". malloc'd. */
char *cgroup_path_for(const char *cgroups_path, const char *id, struct husk_err **err);

/* Make the cgroup in every hierarchy and move pid into it. *owned tells
 * whether husk made the leaf (and so may remove it). On failure nothing
 * that was made is left. */
int cgroup_enter(const struct cgroup_layout *l, const char *path, pid_t pid,
		 bool *owned, struct husk_err **err);
/* Remove the leaf in every hierarchy (it must be empty). */
int cgroup_remove(const struct cgroup_layout *l, const char *path, struct husk_err **err);
/* Pids in the cgroup (cgroup.procs of one hierarchy). */
int cgroup_pids(const struct cgroup_layout *l, const char *path, pid_t **pids,
		size_t *n, struct husk_err **err);
/* True when the container's cgroup is frozen (v1 freezer or v2 cgroup.freeze). */
bool cgroup_is_frozen(const char *path);

#endif
