/* The container init: everything between clone and execve of the first
 * process: joining namespaces, building the root file system, hostname,
 * sysctls; then it waits at the start gate (the exec fifo) until `start`
 * writes a byte into it. */
#ifndef HUSK_INIT_H
#define HUSK_INIT_H

#include <stdbool.h>

#include "husk/namespaces.h"
#include "husk/oci.h"

struct cgroup_layout;
#include "husk/process.h"

struct seccomp_prog;

struct init_ctx {
	const struct oci_config *cfg;
	const char *rootfs;
	const struct ns_plan *ns;
	const struct cgroup_layout *cgroups;	/* detected by husk before the clone */
	int sync_fd;		/* the init's end of the sync pair */
	int gate_fd;		/* exec fifo, opened O_RDWR by the parent */
	int keep_fds;		/* fds 3 .. 3+keep_fds-1 go to the container */
	bool no_pivot;
	bool no_new_keyring;
	const char *keyring_name;	/* the container id */
	const char *bundle;		/* for the state hooks get */
	const struct seccomp_prog *seccomp;	/* compiled by husk; NULL: none */
	pid_t host_pid;			/* the init's pid as husk sees it */
	bool in_cgroup;			/* husk has said G */
};

/* Never returns: execs the user process or exits after reporting. */
__attribute__((noreturn)) void init_main(struct init_ctx *ctx);

#endif
