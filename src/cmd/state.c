#include <stdio.h>
#include <stdlib.h>

#include "husk/args.h"
#include "husk/cli.h"
#include "husk/container.h"

int cmd_state(const struct husk_globals *g, int argc, char **argv, struct husk_err **err)
{
	const struct arg_opt opts[] = { { NULL } };
	const struct arg_cmd cmd = { "state", "ID",
		"Print the runtime-spec state of a container as JSON.", opts, false, 1, 1, NULL };
	char **pos, *json;
	int npos, r = args_parse(&cmd, argc, argv, &pos, &npos, err);

	if (r != 0)
		return args_status(r);
	json = container_state_json(g->root, pos[0], err);
	free(pos);
	if (!json)
		return -1;
	printf("%s\n", json);
	free(json);
	return 0;
}
