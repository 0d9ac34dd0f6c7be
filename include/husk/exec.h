/* Running another process in a running container: it joins every
 * namespace and the cgroup of the container init and gets the confinement
 * of process.* from the config snapshot, or from --process / the flags. */
#ifndef HUSK_EXEC_H
#define HUSK_EXEC_H

#include <stdbool.h>

#include "husk/args.h"
#include "husk/error.h"

struct exec_opts {
	const char *root, *id;
	const char *process_file;	/* --process: a runtime-spec process object */
	char **args;			/* the command; NULL with --process */
	int n_args;
	struct arg_list env, caps, additional_gids;
	const char *cwd, *user, *console_socket, *pid_file, *apparmor, *process_label;
	bool tty, detach, no_new_privs, ignore_paused;
	int preserve_fds;
};

/* Returns the exit code of the process in the foreground, 0 when detached. */
int container_exec(const struct exec_opts *o, struct husk_err **err);

#endif
