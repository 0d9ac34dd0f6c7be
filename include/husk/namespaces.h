/* Linux namespaces: which to create, which to join by path, and the clone
 * that starts the container init inside them. */
#ifndef HUSK_NAMESPACES_H
#define HUSK_NAMESPACES_H

#include <stdint.h>
#include <sys/types.h>

#include "husk/error.h"
#include "husk/oci.h"

struct ns_plan {
	uint64_t clone_flags;		/* new namespaces made by clone */
	bool new_cgroup_ns;		/* unshared after joining the cgroup */
	bool new_userns;
	/* a new time namespace is made by husk before the clone (unshare,
	 * then its offsets), since a namespace with a process in it cannot
	 * take offsets any more: the init is born into it */
	bool new_timens;
	struct oci_time_offset monotonic, boottime;
	int join_fd[OCI_NS_COUNT];	/* namespaces joined by path, -1 if none */
	/* husk's own pid_for_children and time_for_children, to go back to
	 * after the clone (hooks husk runs belong in its namespaces) */
	int restore_pid_fd, restore_time_fd;
};

/* Open every namespace path and check its type; nothing is entered yet. */
int ns_plan_make(const struct oci_config *cfg, struct ns_plan *p, struct husk_err **err);
void ns_plan_close(struct ns_plan *p);
/* In the parent before clone: namespaces that only affect children (pid,
 * time) are joined, or made (time), here so the init is born in them. */
int ns_join_before_clone(const struct ns_plan *p, struct husk_err **err);
/* In the parent after clone: back to its own pid and time namespaces for
 * children. */
int ns_restore_after_clone(const struct ns_plan *p, struct husk_err **err);
/* In the init: join the rest, user namespace first. */
int ns_join_in_child(const struct ns_plan *p, struct husk_err **err);
/* clone3 with a pidfd: returns 0 in the child, the pid in the parent. */
pid_t ns_clone(uint64_t flags, int *pidfd, struct husk_err **err);
/* Write uid_map and gid_map of pid from the config. */
int ns_write_id_maps(const struct oci_config *cfg, pid_t pid, struct husk_err **err);
/* CLONE_NEW* flag of a namespace type. */
uint64_t ns_flag(enum oci_ns_type t);

#endif
