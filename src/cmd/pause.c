#include <stdlib.h>

#include "husk/args.h"
#include "husk/cgctl.h"
#include "husk/cli.h"

int cmd_pause(const struct husk_globals *g, int argc, char **argv, struct husk_err **err)
{
	const struct arg_opt opts[] = { { NULL } };
	const struct arg_cmd cmd = { "pause", "ID",
		"Freeze every process of a running container (v1 freezer or v2\n"
		"cgroup.freeze), waiting until the kernel reports it frozen. A freeze\n"
		"that does not complete is undone and reported. The state becomes paused.",
		opts, false, 1, 1, NULL };
	char **pos;
	int npos, r = args_parse(&cmd, argc, argv, &pos, &npos, err);

	if (r != 0)
		return args_status(r);
	r = cgctl_pause(g->root, pos[0], err);
	free(pos);
	return r;
}
