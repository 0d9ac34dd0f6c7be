#include <stdlib.h>

#include "husk/args.h"
#include "husk/cli.h"
#include "husk/container.h"
#include "husk/signals.h"

int cmd_kill(const struct husk_globals *g, int argc, char **argv, struct husk_err **err)
{
	bool all = false;
	const struct arg_opt opts[] = {
		{ "a,all", ARG_BOOL, &all, NULL, "signal every process of the container" },
		{ NULL },
	};
	const struct arg_cmd cmd = { "kill", "[options] ID [SIGNAL]",
		"Send a signal (default SIGTERM) to a container. SIGNAL is a name, with or\n"
		"without SIG (KILL, SIGKILL), or a number.", opts, false, 1, 2, NULL };
	char **pos;
	int sig = 15, npos, r = args_parse(&cmd, argc, argv, &pos, &npos, err);

	if (r != 0)
		return args_status(r);
	if (npos == 2 && (sig = signal_from_name(pos[1])) < 0)
		r = husk_error(err, 0, "kill: unknown signal \"%s\"", pos[1]);
	else
		r = container_kill(g->root, pos[0], sig, all, err);
	free(pos);
	return r;
}
