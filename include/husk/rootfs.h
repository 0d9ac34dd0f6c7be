/* Building the container's root: mounts, /dev, pivot_root, and the
 * finishing touches (masked and read-only paths, read-only root). Runs in
 * the container init, inside its mount namespace. */
#ifndef HUSK_ROOTFS_H
#define HUSK_ROOTFS_H

#include <stdbool.h>

#include "husk/error.h"
#include "husk/oci.h"

struct cgroup_layout;

struct rootfs_opts {
	const char *rootfs;	/* absolute host path */
	bool no_pivot;
	bool in_userns;
	const struct cgroup_layout *cgroups;	/* the host's, as husk found it */
	/* called with the mounts made, right before pivot_root, with the
	 * rootfs as cwd: the createRuntime/createContainer hook point */
	int (*before_pivot)(void *arg, struct husk_err **err);
	/* called once, before the first cgroup mount and before any device
	 * node is made: from there on the process must be in its cgroups */
	int (*in_cgroup)(void *arg, struct husk_err **err);
	void *arg;
};

/* Everything up to and including the switch to the new root. */
int rootfs_setup(const struct oci_config *cfg, const struct rootfs_opts *o,
		 struct husk_err **err);
/* After the switch: masked and read-only paths, read-only /. */
int rootfs_finish(const struct oci_config *cfg, struct husk_err **err);

/* Default device nodes and those of linux.devices, under rootfd's /dev
 * (devfd: that /dev, resolved inside the root). */
int devices_create(int rootfd, int devfd, const struct oci_config *cfg, bool in_userns,
		   struct husk_err **err);

#endif
