#include <stdlib.h>

#include "husk/args.h"
#include "husk/cli.h"
#include "husk/exec.h"

int cmd_exec(const struct husk_globals *g, int argc, char **argv, struct husk_err **err)
{
	struct exec_opts o = { .root = g->root };
	const struct arg_opt opts[] = {
		{ "d,detach", ARG_BOOL, &o.detach, NULL, "start the process and return at once" },
		{ "t,tty", ARG_BOOL, &o.tty, NULL, "give the process a pty" },
		{ "console-socket", ARG_STRING, &o.console_socket, "PATH",
		  "unix socket that receives the pty master (with -d -t)" },
		{ "pid-file", ARG_STRING, &o.pid_file, "FILE", "write the process's pid to FILE" },
		{ "cwd", ARG_STRING, &o.cwd, "DIR", "working directory in the container" },
		{ "e,env", ARG_LIST, &o.env, "KEY=VALUE", "set an environment variable (repeatable)" },
		{ "u,user", ARG_STRING, &o.user, "UID[:GID]", "user to run as" },
		{ "additional-gids", ARG_LIST, &o.additional_gids, "GID", "add a supplementary group (repeatable)" },
		{ "c,cap", ARG_LIST, &o.caps, "CAP", "add a capability (repeatable)" },
		{ "no-new-privs", ARG_BOOL, &o.no_new_privs, NULL, "set no_new_privs" },
		{ "apparmor", ARG_STRING, &o.apparmor, "PROFILE", "AppArmor profile" },
		{ "process-label", ARG_STRING, &o.process_label, "LABEL", "SELinux label" },
		{ "p,process", ARG_STRING, &o.process_file, "FILE", "a runtime-spec process object (JSON)" },
		{ "preserve-fds", ARG_INT, &o.preserve_fds, "N", "pass N extra fds (from 3) to the process" },
		{ "ignore-paused", ARG_BOOL, &o.ignore_paused, NULL, "exec even if the container is paused" },
		{ NULL },
	};
	const struct arg_cmd cmd = { "exec", "[options] ID [COMMAND [ARG...]]",
		"Run a process in a running container: it joins the container's namespaces\n"
		"and cgroup and gets its confinement. In the foreground husk waits and exits\n"
		"with the process's exit code (128+N for signal N).", opts, true, 1, -1, NULL };
	char **pos;
	int npos, r = args_parse(&cmd, argc, argv, &pos, &npos, err);

	if (r != 0)
		return args_status(r);
	o.id = pos[0];
	o.args = pos + 1;
	o.n_args = npos - 1;
	if (o.process_label)
		r = husk_error(err, 0, "exec: --process-label: SELinux is not enabled on this host");
	else if (!o.process_file && o.n_args == 0)
		r = husk_error(err, 0, "exec: no command given (usage: husk exec [options] ID COMMAND [ARG...])");
	else
		r = container_exec(&o, err);
	free(pos);
	free(o.env.v);
	free(o.caps.v);
	free(o.additional_gids.v);
	return r;
}
