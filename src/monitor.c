#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/wait.h>
#include <unistd.h>

#include "husk/cgroup.h"
#include "husk/cleanup.h"
#include "husk/events.h"
#include "husk/monitor.h"
#include "husk/process.h"
#include "husk/state.h"

static void record_exit(const struct create_opts *o, int status)
{
	struct state_dir sd;
	char data[64];
	int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;

	/* no lock: a delete --force holds it while it waits for this record,
	 * and the atomic write needs none */
	if (state_open(o->root, o->id, false, &sd, NULL) < 0)
		return;	/* deleted already: nobody left to tell */
	state_write_exit(&sd, status, NULL);
	snprintf(data, sizeof(data), "{\"exitCode\":%d,\"signal\":%d}",
		 sig ? 128 + sig : WEXITSTATUS(status), sig);
	events_append(sd.fd, o->id, "exited", data);
	state_close(&sd);
}

/* Linger until the state directory goes away with `delete`. */
static void wait_for_delete(const struct create_opts *o)
{
	cleanup_close int in = inotify_init1(IN_CLOEXEC);
	char path[4096], buf[4096];

	snprintf(path, sizeof(path), "%s/%s", o->root, o->id);
	if (in < 0 || inotify_add_watch(in, path, IN_DELETE_SELF | IN_MOVE_SELF) < 0)
		return;
	while (read(in, buf, sizeof(buf)) < 0 && errno == EINTR)
		;
}

/* An OOM watch on the container's memory cgroup; w->fd -1 when there is
 * none (no memory controller): exits are still recorded. */
static void watch_oom(const struct create_opts *o, struct cgroup_oom_watch *w)
{
	struct state_dir sd;
	struct container_state st;
	struct cgroup_layout l;

	memset(w, 0, sizeof(*w));
	w->fd = -1;
	if (state_open(o->root, o->id, false, &sd, NULL) < 0)
		return;
	if (state_read(&sd, &st, NULL) == 0 && st.cgroup_path &&
	    cgroup_layout_detect(&l, NULL) == 0) {
		cgroup_oom_watch_open(&l, st.cgroup_path, w, NULL);
		cgroup_layout_free(&l);
	}
	state_free(&st);
	state_close(&sd);
}

static void record_oom(const struct create_opts *o)
{
	struct state_dir sd;

	if (state_open(o->root, o->id, false, &sd, NULL) < 0)
		return;
	events_append(sd.fd, o->id, "oom", NULL);
	state_close(&sd);
}

/* Until the init exits: OOM kills become "oom" events on the way. */
static int wait_init(const struct create_opts *o, const struct created *c,
		     struct cgroup_oom_watch *w)
{
	struct pollfd p[2] = { { .fd = c->pidfd, .events = POLLIN },
			       { .fd = w->fd, .events = POLLIN } };
	int status;

	while (!(p[0].revents & POLLIN)) {
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if (p[1].revents) {
			int n = cgroup_oom_watch_read(w);

			if (n > 0)
				record_oom(o);
			if (n < 0)
				p[1].fd = -1;
		}
	}
	while (waitpid(c->pid, &status, 0) < 0 && errno == EINTR)
		;
	return status;
}

__attribute__((noreturn)) static void monitor_main(const struct create_opts *o, int report_fd)
{
	struct create_opts mine = *o;
	struct husk_err *err = NULL;
	struct cgroup_oom_watch w;
	struct created c;
	int status, null_fd;

	setsid();
	mine.monitored = true;
	if (container_create(&mine, &c, &err) < 0) {
		(void)!write(report_fd, err->msg, strlen(err->msg));
		_exit(1);
	}
	watch_oom(o, &w);
	(void)!write(report_fd, "", 1);
	/* the caller may read its stdio, or any fd it passed, to EOF: the
	 * monitor lets go of all of them */
	process_close_fds(0, (int[]){ c.pidfd, w.fd }, 2);
	null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	for (int fd = 0; fd < 3 && null_fd >= 0; fd++)
		dup2(null_fd, fd);
	status = wait_init(o, &c, &w);
	record_exit(o, status);
	cgroup_oom_watch_close(&w);
	wait_for_delete(o);
	_exit(0);
}

int monitor_create(const struct create_opts *o, struct husk_err **err)
{
	int p[2];
	char buf[4096];
	ssize_t n, len = 0;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return husk_syserr(err, "create \"%s\": monitor pipe", o->id);
	pid = fork();
	if (pid < 0)
		return husk_syserr(err, "create \"%s\": fork the monitor", o->id);
	if (pid == 0) {
		close(p[0]);
		monitor_main(o, p[1]);
	}
	close(p[1]);
	while ((n = read(p[0], buf + len, sizeof(buf) - 1 - len)) > 0 ||
	       (n < 0 && errno == EINTR))
		len += n > 0 ? n : 0;
	close(p[0]);
	if (len == 1 && buf[0] == '\0')
		return 0;
	waitpid(pid, NULL, 0);
	buf[len] = '\0';
	return husk_error(err, 0, "%s", len ? buf : "create: the monitor died");
}
