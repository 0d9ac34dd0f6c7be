#include <stdlib.h>
#include <unistd.h>

#include "husk/args.h"
#include "husk/cli.h"
#include "husk/container.h"
#include "husk/monitor.h"

int cmd_create(const struct husk_globals *g, int argc, char **argv, struct husk_err **err)
{
	struct create_opts o = { .root = g->root, .systemd_cgroup = g->systemd_cgroup };
	bool monitor = false;
	const struct arg_opt opts[] = {
		{ "b,bundle", ARG_STRING, &o.bundle, "DIR", "bundle directory (default: current directory)" },
		{ "pid-file", ARG_STRING, &o.pid_file, "FILE", "write the init's pid to FILE" },
		{ "console-socket", ARG_STRING, &o.console_socket, "PATH",
		  "unix socket that receives the pty master (with process.terminal)" },
		{ "monitor", ARG_BOOL, &monitor, NULL, "keep a monitor process that records the exit" },
		{ "no-pivot", ARG_BOOL, &o.no_pivot, NULL, "use MS_MOVE and chroot instead of pivot_root" },
		{ "no-new-keyring", ARG_BOOL, &o.no_new_keyring, NULL, "keep the caller's session keyring" },
		{ "preserve-fds", ARG_INT, &o.preserve_fds, "N", "pass N extra fds (from 3) to the container" },
		{ NULL },
	};
	const struct arg_cmd cmd = { "create", "[options] ID",
		"Create a container: set up its namespaces, rootfs and cgroup, and leave\n"
		"its init waiting for 'husk start'.", opts, false, 1, 1, NULL };
	struct created c;
	char **pos;
	int npos, r = args_parse(&cmd, argc, argv, &pos, &npos, err);

	if (r != 0)
		return args_status(r);
	o.id = pos[0];
	free(pos);
	if (monitor)
		return monitor_create(&o, err);
	if (container_create(&o, &c, err) < 0)
		return -1;
	close(c.pidfd);
	return 0;
}
