#include <stdio.h>
#include <stdlib.h>

#include "husk/args.h"
#include "husk/cgctl.h"
#include "husk/cli.h"
#include "husk/units.h"
#include "husk/events.h"

int cmd_events(const struct husk_globals *g, int argc, char **argv, struct husk_err **err)
{
	bool no_follow = false, stats = false;
	const char *interval = NULL;
	const struct arg_opt opts[] = {
		{ "no-follow", ARG_BOOL, &no_follow, NULL, "print the events so far and return" },
		{ "stats", ARG_BOOL, &stats, NULL, "print the container's resource statistics once" },
		{ "interval", ARG_STRING, &interval, "DURATION",
		  "print statistics every DURATION (e.g. 5s, 500ms) and OOM events" },
		{ NULL },
	};
	const struct arg_cmd cmd = { "events", "[options] ID",
		"Stream the lifecycle events of a container as JSON lines:\n"
		"created, started, paused, resumed, exited (with the exit code, from the\n"
		"monitor), oom and deleted. Ends when the container is deleted.\n"
		"With --stats or --interval, as runc: {\"type\":\"stats\",...} lines of\n"
		"cgroup statistics (once, or every interval) and {\"type\":\"oom\"} lines,\n"
		"until the container stops.", opts, false, 1, 1, NULL };
	char **pos;
	long ms = 0;
	int npos, r = args_parse(&cmd, argc, argv, &pos, &npos, err);

	if (r != 0)
		return args_status(r);
	if (interval && (ms = units_parse_duration(interval)) <= 0)
		r = husk_error(err, 0, "events: --interval: \"%s\" is not a positive duration "
			       "(e.g. 5s, 500ms, 1m)", interval);
	else if (stats || interval)
		r = cgctl_events(g->root, pos[0], stats ? 0 : ms, stdout, err);
	else
		r = events_follow(g->root, pos[0], !no_follow, err);
	free(pos);
	return r;
}
