/* Mount options of config.json mounts, and mounting them inside a rootfs. */
#ifndef HUSK_MOUNT_H
#define HUSK_MOUNT_H

#include <stdbool.h>
#include <stdint.h>

#include "husk/error.h"
#include "husk/oci.h"

struct cgroup_layout;

struct mount_opts {
	unsigned long flags;		/* MS_* to set */
	unsigned long propagation;	/* MS_SHARED/SLAVE/PRIVATE/UNBINDABLE (|MS_REC) */
	uint64_t attr_set, attr_clr;	/* recursive MOUNT_ATTR_* ("rro"...) */
	char *data;			/* filesystem options, comma-joined */
	bool bind;
	bool copyup;			/* tmpcopyup: the tmpfs starts as a copy of what it covers */
};

/* Split options into flags, propagation, recursive attributes and data. */
int mount_opts_parse(const struct oci_strv *options, struct mount_opts *o,
		     struct husk_err **err);
void mount_opts_free(struct mount_opts *o);
/* MS_* propagation of a name ("rslave", ...); 0 when unknown. */
unsigned long mount_propagation(const char *name);
/* Every option name mount_opts_parse recognises (not the filesystem data
 * it passes on), sorted: NULL-terminated, malloc'd array of static strings. */
const char **mount_option_names(void);

/* Mount m at its destination inside the tree rooted at rootfd. in_userns
 * selects the ways that work inside a user namespace. */
int mount_one(int rootfd, const struct oci_mount *m, bool in_userns,
	      const struct cgroup_layout *cgroups, struct husk_err **err);

#endif
