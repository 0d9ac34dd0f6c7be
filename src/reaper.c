#include <errno.h>
#include <stdbool.h>
#include <signal.h>
#include <sys/prctl.h>
#include <poll.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "husk/cleanup.h"
#include "husk/reaper.h"
#include "husk/terminal.h"

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

/* Forward a signal; a window change goes to the pty instead. */
static void on_signal(int signo, int pidfd, struct terminal_relay *relay)
{
	if (signo == SIGWINCH && relay) {
		terminal_relay_resize(relay);
		return;
	}
	syscall(SYS_pidfd_send_signal, pidfd, signo, NULL, 0);
}

/* After the exit, what the container wrote last is still in the pty. */
static void drain(struct terminal_relay *relay)
{
	struct pollfd p = { .fd = relay->master, .events = POLLIN };

	while (poll(&p, 1, 0) > 0 && terminal_relay_pump(relay, relay->master) == 0)
		;
}

int reaper_wait(pid_t pid, int pidfd, int pty_master, struct husk_err **err)
{
	struct terminal_relay relay, *r = NULL;
	struct pollfd fds[3];
	cleanup_close int sfd = -1;
	sigset_t set;
	int code = 255, nfds = 1;

	forwarded_set(&set);
	sfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (sfd < 0)
		return husk_syserr(err, "signalfd");
	if (pty_master >= 0) {
		if (terminal_relay_start(&relay, pty_master, err) < 0)
			return -1;
		r = &relay;
		nfds = 3;
	}
	fds[0] = (struct pollfd){ .fd = sfd, .events = POLLIN };
	fds[1] = (struct pollfd){ .fd = pty_master, .events = POLLIN };
	fds[2] = (struct pollfd){ .fd = r ? STDIN_FILENO : -1, .events = POLLIN };
	while (!reap(pid, &code)) {
		struct signalfd_siginfo si;

		if (poll(fds, nfds, -1) < 0 && errno != EINTR)
			break;
		for (int i = 1; i < nfds; i++) {
			if (!fds[i].revents)
				continue;
			/* a hung-up side is dropped from the poll set */
			if (terminal_relay_pump(r, fds[i].fd) != 0)
				fds[i].fd = -1;
		}
		if ((fds[0].revents & POLLIN) && read(sfd, &si, sizeof(si)) == sizeof(si) &&
		    si.ssi_signo != SIGCHLD)
			on_signal(si.ssi_signo, pidfd, r);
	}
	if (r) {
		drain(r);
		terminal_relay_stop(r);
	}
	return code;
}
