#include <errno.h>
#include <stdbool.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "husk/cleanup.h"
#include "husk/reaper.h"

static void forwarded_set(sigset_t *set)
{
	sigfillset(set);
	/* synchronous faults and the unstoppable ones stay with husk */
	sigdelset(set, SIGKILL);
	sigdelset(set, SIGSTOP);
	sigdelset(set, SIGSEGV);
	sigdelset(set, SIGBUS);
	sigdelset(set, SIGILL);
	sigdelset(set, SIGFPE);
	sigdelset(set, SIGABRT);
	sigdelset(set, SIGTRAP);
	sigdelset(set, SIGSYS);
}

int reaper_prepare(sigset_t *old, struct husk_err **err)
{
	sigset_t set;

	forwarded_set(&set);
	if (sigprocmask(SIG_BLOCK, &set, old) < 0)
		return husk_syserr(err, "block signals");
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
		return husk_syserr(err, "become a child subreaper");
	return 0;
}

int reaper_exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 255;
}

/* Reap everything that has exited; returns true once pid is among them. */
static bool reap(pid_t pid, int *code)
{
	bool done = false;
	int status;
	pid_t p;

	while ((p = waitpid(-1, &status, WNOHANG)) > 0) {
		if (p == pid) {
			*code = reaper_exit_code(status);
			done = true;
		}
	}
	return done;
}

int reaper_wait(pid_t pid, int pidfd, struct husk_err **err)
{
	sigset_t set;
	cleanup_close int sfd = -1;
	int code = 255;

	forwarded_set(&set);
	sfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (sfd < 0)
		return husk_syserr(err, "signalfd");
	if (reap(pid, &code))
		return code;
	for (;;) {
		struct signalfd_siginfo si;
		ssize_t n = read(sfd, &si, sizeof(si));

		if (n < 0 && errno == EINTR)
			continue;
		if (n != sizeof(si))
			return husk_syserr(err, "read signalfd");
		if (si.ssi_signo == SIGCHLD) {
			if (reap(pid, &code))
				return code;
			continue;
		}
		syscall(SYS_pidfd_send_signal, pidfd, si.ssi_signo, NULL, 0);
	}
}
