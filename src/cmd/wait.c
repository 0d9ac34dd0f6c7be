#include <stdlib.h>

#include "husk/args.h"
#include "husk/cli.h"
#include "husk/container.h"
#include "husk/log.h"

int cmd_wait(const struct husk_globals *g, int argc, char **argv, struct husk_err **err)
{
	const struct arg_opt opts[] = { { NULL } };
	const struct arg_cmd cmd = { "wait", "ID",
		"Wait until a container stops and exit with its exit code (128+N for\n"
		"signal N). The code is known only for a container created with\n"
		"--monitor; for others wait says so and exits 255.", opts, false, 1, 1, NULL };
	char **pos;
	int npos, r = args_parse(&cmd, argc, argv, &pos, &npos, err);

	if (r != 0)
		return args_status(r);
	r = container_wait(g->root, pos[0], err);
	if (r == CONTAINER_EXIT_UNKNOWN)
		log_warn("container \"%s\" stopped; its exit code is unknown (it has no monitor: "
			 "create it with --monitor)", pos[0]);
	free(pos);
	return r == CONTAINER_EXIT_UNKNOWN ? 255 : r;
}
