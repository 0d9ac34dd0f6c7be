/* The container process, init or exec'd: the confinement of
 * process.* (rlimits, user, capabilities, no_new_privs, cwd) applied in the
 * container's namespaces, then execve. Also the sync socket both kinds use
 * to report to the husk parent:
 *   parent -> child  SYNC_GO     ids mapped, cgroup joined: go on
 *   child -> parent  SYNC_PTY    (with the pty master as SCM_RIGHTS)
 *   child -> parent  SYNC_READY  all set up
 *   child -> parent  SYNC_ERROR  followed by the error text; child exits
 *   init -> parent   SYNC_HOOKS  mounts made: run prestart/createRuntime,
 *                                answer SYNC_GO
 *   child -> parent  SYNC_SECCOMP (with a seccomp notify fd as SCM_RIGHTS) */
#ifndef HUSK_PROCESS_H
#define HUSK_PROCESS_H

#include <stdbool.h>

#include "husk/error.h"
#include "husk/oci.h"

enum sync_msg { SYNC_GO = 'G', SYNC_PTY = 'P', SYNC_READY = 'R', SYNC_ERROR = 'E',
		SYNC_HOOKS = 'H',	/* init -> husk: run prestart/createRuntime, answer GO */
		SYNC_SECCOMP = 'S',	/* -> husk: a seccomp notify fd for the listener */
};

struct seccomp_prog;

/* What process_prepare settled, for process_exec. */
struct exec_plan {
	const struct oci_process *p;
	char **env;	/* process.env, plus HOME when it was missing */
	char *exe;	/* args[0] resolved through PATH */
	/* set by the caller before process_prepare (zero: none) */
	const struct oci_linux *lx;		/* linux.personality */
	const struct seccomp_prog *seccomp;	/* compiled by husk before the clone */
	int sync_fd;		/* where a notify fd goes (SYNC_SECCOMP) */
	/* caps_apply_bounding ran already: the bounding set depends on no
	 * namespace but the user one, so it can be cut while husk still
	 * works on the process (cgroup) */
	bool bounding_done;
	/* set by process_prepare */
	bool caps_kept;		/* CAP_SYS_ADMIN kept until the filter is in */
};

/* Everything before execve that can fail, so failures are reported to the
 * parent while it still waits: rlimits, oomScoreAdj, scheduler, ioPriority,
 * personality, umask, user, groups, capabilities, no_new_privs, cwd,
 * finding the executable and the LSM exec label. A seccomp filter with
 * SCMP_ACT_NOTIFY rules is installed here too, because its notify fd must
 * reach the listener while husk still waits; any other filter is
 * installed by process_exec, right before execve. */
int process_prepare(const struct oci_process *p, struct exec_plan *plan, struct husk_err **err);
/* Install the seccomp filter (and drop what was kept for it), then
 * execve; on failure prints the reason and exits 127. */
__attribute__((noreturn)) void process_exec(const struct exec_plan *plan);

/* Report err to the parent and exit 1. */
__attribute__((noreturn)) void process_fail(int sync_fd, struct husk_err *err);
void process_reset_signals(void);
/* Close every fd but 0-2, 3..3+keep_fds-1 and the listed ones. */
void process_close_fds(int keep_fds, const int *also, int n_also);

int sync_send(int fd, enum sync_msg msg, const char *text);
/* A message with an fd passed along (SCM_RIGHTS). */
int sync_send_fd(int fd, enum sync_msg msg, int passed);
/* Receive one message: its type, 0 on EOF, -1 on error. text (malloc'd)
 * gets what follows the type; passed_fd an fd sent along (SYNC_PTY). */
int sync_recv(int fd, char **text, int *passed_fd);

/* Find an executable for args[0] in PATH from env (as execvp would inside
 * the container). Returns a malloc'd path or NULL with *err set. */
char *process_find_executable(const char *name, char *const env[], struct husk_err **err);

#endif
