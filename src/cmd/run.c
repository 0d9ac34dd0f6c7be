#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "husk/args.h"
#include "husk/cli.h"
#include "husk/container.h"
#include "husk/log.h"
#include "husk/monitor.h"
#include "husk/reaper.h"

static int run_foreground(const struct create_opts *o, bool keep, struct husk_err **err)
{
	struct husk_err *cleanup_err = NULL;
	struct created c;
	sigset_t old;
	int code;

	if (reaper_prepare(&old, err) < 0 || container_create(o, &c, err) < 0)
		return -1;
	if (container_start(o->root, o->id, err) < 0) {
		container_delete(o->root, o->id, true, NULL);
		close(c.pidfd);
		return -1;
	}
	code = reaper_wait(c.pid, c.pidfd, c.pty_master, err);
	close(c.pidfd);
	if (c.pty_master >= 0)
		close(c.pty_master);
	if (!keep && container_delete(o->root, o->id, true, &cleanup_err) < 0) {
		log_error("%s", cleanup_err->msg);
		husk_err_free(&cleanup_err);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return code;
}

int cmd_run(const struct husk_globals *g, int argc, char **argv, struct husk_err **err)
{
	struct create_opts o = { .root = g->root, .systemd_cgroup = g->systemd_cgroup };
	bool detach = false, keep = false, monitor = false;
	const struct arg_opt opts[] = {
		{ "b,bundle", ARG_STRING, &o.bundle, "DIR", "bundle directory (default: current directory)" },
		{ "d,detach", ARG_BOOL, &detach, NULL, "start the container and return at once" },
		{ "pid-file", ARG_STRING, &o.pid_file, "FILE", "write the init's pid to FILE" },
		{ "console-socket", ARG_STRING, &o.console_socket, "PATH",
		  "unix socket that receives the pty master (with -d and process.terminal)" },
		{ "keep", ARG_BOOL, &keep, NULL, "keep the stopped container (do not delete it)" },
		{ "monitor", ARG_BOOL, &monitor, NULL, "keep a monitor process that records the exit" },
		{ "no-pivot", ARG_BOOL, &o.no_pivot, NULL, "use MS_MOVE and chroot instead of pivot_root" },
		{ "no-new-keyring", ARG_BOOL, &o.no_new_keyring, NULL, "keep the caller's session keyring" },
		{ "preserve-fds", ARG_INT, &o.preserve_fds, "N", "pass N extra fds (from 3) to the container" },
		{ NULL },
	};
	const struct arg_cmd cmd = { "run", "[options] ID",
		"Create and start a container. In the foreground husk waits for it,\n"
		"forwards signals to it, deletes it and exits with its exit code\n"
		"(128+N when it was killed by signal N).", opts, false, 1, 1, NULL };
	struct created c;
	char **pos;
	int npos, r = args_parse(&cmd, argc, argv, &pos, &npos, err);

	if (r != 0)
		return args_status(r);
	o.id = pos[0];
	free(pos);
	o.foreground = !detach;
	if (!detach && monitor)
		return husk_error(err, 0, "run: --monitor needs -d (in the foreground husk itself waits)");
	if (!detach)
		return run_foreground(&o, keep, err);
	if (monitor && monitor_create(&o, err) < 0)
		return -1;
	if (!monitor && container_create(&o, &c, err) < 0)
		return -1;
	if (!monitor)
		close(c.pidfd);
	if (container_start(o.root, o.id, err) < 0) {
		container_delete(o.root, o.id, true, NULL);
		return -1;
	}
	return 0;
}
