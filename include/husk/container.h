/* The container lifecycle of the runtime-spec: create, start, kill,
 * delete, state. Commands in src/cmd/ are thin wrappers around these. */
#ifndef HUSK_CONTAINER_H
#define HUSK_CONTAINER_H

#include <stdbool.h>
#include <sys/types.h>

#include "husk/error.h"

struct oci_config;

/* What a restorer works on: the container as create has prepared it. */
struct restore_target {
	const char *id, *bundle, *rootfs, *cgroup_path;
	const char *state_dir;		/* ROOT/ID, made and locked */
	const struct oci_config *cfg;
};

/* Restore instead of a new init (husk restore): create does everything
 * else as for a new container (bundle, state, cgroup, pid file). spawn
 * starts a helper that waits while create places it in the container's
 * cgroup; finish lets it go and returns the pid of the restored init, a
 * child of the caller. Each reaps its helper when it fails. */
struct create_restorer {
	pid_t (*spawn)(void *arg, const struct restore_target *t, struct husk_err **err);
	pid_t (*finish)(void *arg, struct husk_err **err);
	void *arg;
};

struct create_opts {
	const char *root;
	const char *id;
	const char *bundle;	/* NULL: current directory */
	const char *pid_file;
	const char *console_socket;	/* where the pty master goes */
	bool foreground;	/* run without -d: husk keeps the pty master */
	bool monitored;		/* create runs in the monitor process */
	bool no_pivot;
	bool no_new_keyring;
	bool systemd_cgroup;	/* --systemd-cgroup: the cgroup is systemd's to make */
	int preserve_fds;	/* plus LISTEN_FDS from the environment */
	const struct create_restorer *restorer;	/* NULL: a new init */
};

/* The container init after a successful create. */
struct created {
	pid_t pid;
	int pidfd;
	int pty_master;	/* -1 unless foreground with process.terminal */
};

int container_create(const struct create_opts *o, struct created *out, struct husk_err **err);
int container_start(const char *root, const char *id, struct husk_err **err);
int container_kill(const char *root, const char *id, int sig, bool all, struct husk_err **err);
int container_delete(const char *root, const char *id, bool force, struct husk_err **err);
/* Block until the container stops; its exit code, CONTAINER_EXIT_UNKNOWN
 * when it had no monitor to record it, or -1 with *err. */
#define CONTAINER_EXIT_UNKNOWN 1000
int container_wait(const char *root, const char *id, struct husk_err **err);
/* runtime-spec state JSON of a container (malloc'd). */
char *container_state_json(const char *root, const char *id, struct husk_err **err);

#endif
