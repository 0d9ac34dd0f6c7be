#include <stdlib.h>

#include "husk/args.h"
#include "husk/cgctl.h"
#include "husk/cli.h"

int cmd_resume(const struct husk_globals *g, int argc, char **argv, struct husk_err **err)
{
	const struct arg_opt opts[] = { { NULL } };
	const struct arg_cmd cmd = { "resume", "ID",
		"Thaw a paused container: its processes run again and the state is\n"
		"running.", opts, false, 1, 1, NULL };
	char **pos;
	int npos, r = args_parse(&cmd, argc, argv, &pos, &npos, err);

	if (r != 0)
		return args_status(r);
	r = cgctl_resume(g->root, pos[0], err);
	free(pos);
	return r;
}
