/* The container process, init or exec'd: the confinement of
 * process.* (rlimits, user, capabilities, no_new_privs, cwd) applied in the
 * container's namespaces, then execve. Also the sync socket both kinds use
 * to report to the husk parent:
 *   parent -> child  SYNC_GO     ids mapped, cgroup joined: go on
 *   child -> parent  SYNC_PTY    (with the pty master as SCM_RIGHTS)
 *   child -> parent  SYNC_READY  all set up
 *   child -> parent  SYNC_ERROR  followed by the error text; child exits */
#ifndef HUSK_PROCESS_H
#define HUSK_PROCESS_H

#include <stdbool.h>

#include "husk/error.h"
#include "husk/oci.h"

enum sync_msg { SYNC_GO = 'G', SYNC_PTY = 'P', SYNC_READY = 'R', SYNC_ERROR = 'E' };

/* What process_prepare settled, for process_exec. */
struct exec_plan {
	const struct oci_process *p;
	char **env;	/* process.env, plus HOME when it was missing */
	char *exe;	/* args[0] resolved through PATH */
};

/* Everything before execve that can fail, so failures are reported to the
 * parent while it still waits: rlimits, oomScoreAdj, umask, user, groups,
 * capabilities, no_new_privs, cwd and finding the executable. */
int process_prepare(const struct oci_process *p, struct exec_plan *plan, struct husk_err **err);
/* execve; on failure prints the reason and exits 127. */
__attribute__((noreturn)) void process_exec(const struct exec_plan *plan);

/* Report err to the parent and exit 1. */
__attribute__((noreturn)) void process_fail(int sync_fd, struct husk_err *err);
void process_reset_signals(void);
/* Close every fd but 0-2, 3..3+keep_fds-1 and the listed ones. */
void process_close_fds(int keep_fds, const int *also, int n_also);

int sync_send(int fd, enum sync_msg msg, const char *text);
/* Receive one message: its type, 0 on EOF, -1 on error. text (malloc'd)
 * gets what follows the type; passed_fd an fd sent along (SYNC_PTY). */
int sync_recv(int fd, char **text, int *passed_fd);

/* Find an executable for args[0] in PATH from env (as execvp would inside
 * the container). Returns a malloc'd path or NULL with *err set. */
char *process_find_executable(const char *name, char *const env[], struct husk_err **err);

#endif
