#include <stdlib.h>

#include "husk/args.h"
#include "husk/cli.h"
#include "husk/container.h"

int cmd_start(const struct husk_globals *g, int argc, char **argv, struct husk_err **err)
{
	const struct arg_opt opts[] = { { NULL } };
	const struct arg_cmd cmd = { "start", "ID",
		"Start the user process of a created container.", opts, false, 1, 1, NULL };
	char **pos;
	int npos, r = args_parse(&cmd, argc, argv, &pos, &npos, err);

	if (r != 0)
		return args_status(r);
	r = container_start(g->root, pos[0], err);
	free(pos);
	return r;
}
