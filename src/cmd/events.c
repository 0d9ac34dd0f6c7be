#include <stdlib.h>

#include "husk/args.h"
#include "husk/cli.h"
#include "husk/events.h"

int cmd_events(const struct husk_globals *g, int argc, char **argv, struct husk_err **err)
{
	bool no_follow = false;
	const struct arg_opt opts[] = {
		{ "no-follow", ARG_BOOL, &no_follow, NULL, "print the events so far and return" },
		{ NULL },
	};
	const struct arg_cmd cmd = { "events", "[options] ID",
		"Stream the lifecycle events of a container as JSON lines:\n"
		"created, started, paused, resumed, exited (with the exit code, from the\n"
		"monitor), oom and deleted. Ends when the container is deleted.", opts, false, 1, 1, NULL };
	char **pos;
	int npos, r = args_parse(&cmd, argc, argv, &pos, &npos, err);

	if (r != 0)
		return args_status(r);
	r = events_follow(g->root, pos[0], !no_follow, err);
	free(pos);
	return r;
}
