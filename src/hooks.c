#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "husk/cleanup.h"
#include "husk/crashpoint.h"
#include "husk/hooks.h"
#include "husk/log.h"
#include "husk/process.h"

#define OUTPUT_KEEP 2048	/* the tail of a hook's output kept for errors */

extern char **environ;

/* What the hook wrote to stdout and stderr, its last OUTPUT_KEEP bytes. */
struct output {
	char buf[OUTPUT_KEEP + 1];
	size_t len;
};

static void output_add(struct output *o, const char *data, size_t n)
{
	if (n >= OUTPUT_KEEP) {
		memcpy(o->buf, data + n - OUTPUT_KEEP, OUTPUT_KEEP);
		o->len = OUTPUT_KEEP;
		return;
	}
	if (o->len + n > OUTPUT_KEEP) {
		size_t drop = o->len + n - OUTPUT_KEEP;

		memmove(o->buf, o->buf + drop, o->len - drop);
		o->len -= drop;
	}
	memcpy(o->buf + o->len, data, n);
	o->len += n;
}

/* Read what is there now; false at EOF. */
static bool output_pump(struct output *o, int fd)
{
	char chunk[4096];
	ssize_t n;

	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n > 0) {
			output_add(o, chunk, n);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		return n < 0 && errno == EAGAIN;
	}
}

static const char *output_text(struct output *o)
{
	while (o->len && (o->buf[o->len - 1] == '\n' || o->buf[o->len - 1] == '\r'))
		o->len--;
	o->buf[o->len] = '\0';
	return o->buf;
}

/* The state document as a file: the hook reads it at its own pace and may
 * seek, and a hook that never reads cannot block husk. */
static int state_file(const char *state_json, struct husk_err **err)
{
	int fd = memfd_create("husk-hook-state", MFD_CLOEXEC);
	size_t len = strlen(state_json), off = 0;

	if (fd < 0)
		return husk_syserr(err, "hook: memfd_create");
	while (off < len) {
		ssize_t n = write(fd, state_json + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			close(fd);
			return husk_syserr(err, "hook: write the state");
		}
		off += n;
	}
	if (lseek(fd, 0, SEEK_SET) < 0) {
		close(fd);
		return husk_syserr(err, "hook: rewind the state");
	}
	return fd;
}

__attribute__((noreturn)) static void hook_child(const struct oci_hook *h, int in, int out,
						 char *const *env)
{
	char *const argv0[] = { h->path, NULL };

	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
		_exit(126);
	syscall(SYS_close_range, 3, ~0U, 0);
	process_reset_signals();
	execve(h->path, h->args.n ? h->args.v : argv0, env);
	dprintf(2, "exec \"%s\": %s", h->path, strerror(errno));
	_exit(127);
}

static long ms_left(const struct timespec *deadline)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (deadline->tv_sec - now.tv_sec) * 1000 + (deadline->tv_nsec - now.tv_nsec) / 1000000;
}

static int run_one(const struct oci_hook *h, const char *where, const char *state_json,
		   char *const *default_env, struct husk_err **err)
{
	cleanup_close int in = -1, pidfd = -1, rd = -1, wr = -1;
	struct output out = { .len = 0 };
	struct timespec deadline;
	bool timed_out = false, open_pipe = true;
	char *const *env = h->env.n ? h->env.v : default_env ? default_env : environ;
	int pipefd[2], status = 0;
	pid_t pid;

	in = state_file(state_json, err);
	if (in < 0)
		return husk_err_wrap(err, "%s", where);
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return husk_syserr(err, "%s: pipe", where);
	rd = pipefd[0];
	wr = pipefd[1];
	pid = fork();
	if (pid < 0)
		return husk_syserr(err, "%s: fork", where);
	if (pid == 0)
		hook_child(h, in, wr, env);
	crashpoint("during-hooks");	/* test-only: husk killed while a hook runs */
	close(wr);
	wr = -1;
	fcntl(rd, F_SETFL, O_NONBLOCK);
	pidfd = syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return husk_syserr(err, "%s: pidfd_open", where);
	}
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += h->timeout.set ? h->timeout.v : 0;
	for (;;) {
		struct pollfd pfd[2] = { { .fd = pidfd, .events = POLLIN },
					 { .fd = open_pipe ? rd : -1, .events = POLLIN } };
		long wait_ms = h->timeout.set ? ms_left(&deadline) : -1;
		int n;

		if (h->timeout.set && wait_ms <= 0) {
			timed_out = true;
			syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
			break;
		}
		n = poll(pfd, 2, (int)(wait_ms > 0x7fffffff ? 0x7fffffff : wait_ms));
		if (n < 0 && errno != EINTR) {
			syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
			husk_syserr(err, "%s: poll", where);
			waitpid(pid, NULL, 0);
			return -1;
		}
		if (n > 0 && pfd[1].revents)
			open_pipe = output_pump(&out, rd);
		if (n > 0 && pfd[0].revents)
			break;
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	/* what it wrote before it ended; a child of the hook may still hold
	 * the pipe, so only what is there now */
	if (open_pipe)
		output_pump(&out, rd);
	if (timed_out)
		return husk_error(err, 0, "%s \"%s\": timed out after %d s%s%s", where, h->path,
				  h->timeout.v, out.len ? ": " : "", output_text(&out));
	if (WIFSIGNALED(status))
		return husk_error(err, 0, "%s \"%s\": killed by signal %d%s%s", where, h->path,
				  WTERMSIG(status), out.len ? ": " : "", output_text(&out));
	if (WEXITSTATUS(status))
		return husk_error(err, 0, "%s \"%s\": exit status %d%s%s", where, h->path,
				  WEXITSTATUS(status), out.len ? ": " : "", output_text(&out));
	if (out.len)
		log_debug("%s \"%s\": %s", where, h->path, output_text(&out));
	return 0;
}

int hooks_run(const struct oci_hook_list *list, const char *kind, const char *state_json,
	      char *const *default_env, struct husk_err **err)
{
	for (size_t i = 0; i < list->n; i++) {
		char where[64];

		snprintf(where, sizeof(where), "hooks.%s[%zu]", kind, i);
		log_debug("running %s \"%s\"", where, list->v[i].path);
		if (run_one(&list->v[i], where, state_json, default_env, err) < 0)
			return -1;
	}
	return 0;
}

void hooks_run_logged(const struct oci_hook_list *list, const char *kind, const char *state_json)
{
	for (size_t i = 0; i < list->n; i++) {
		struct husk_err *err = NULL;
		char where[64];

		snprintf(where, sizeof(where), "hooks.%s[%zu]", kind, i);
		if (run_one(&list->v[i], where, state_json, NULL, &err) < 0) {
			log_warn("%s", err->msg);
			husk_err_free(&err);
		}
	}
}
