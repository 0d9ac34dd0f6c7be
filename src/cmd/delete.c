#include <errno.h>
#include <stdlib.h>

#include "husk/args.h"
#include "husk/cli.h"
#include "husk/container.h"

int cmd_delete(const struct husk_globals *g, int argc, char **argv, struct husk_err **err)
{
	bool force = false;
	const struct arg_opt opts[] = {
		{ "f,force", ARG_BOOL, &force, NULL, "kill a running container first" },
		{ NULL },
	};
	const struct arg_cmd cmd = { "delete", "[options] ID",
		"Delete a container: kill what is left of it, remove its cgroup and state.\n"
		"With --force a running container is killed first, and a container that\n"
		"does not exist is not an error.", opts, false, 1, 1, NULL };
	char **pos;
	int npos, r = args_parse(&cmd, argc, argv, &pos, &npos, err);

	if (r != 0)
		return args_status(r);
	r = container_delete(g->root, pos[0], force, err);
	free(pos);
	if (r < 0 && force && (*err)->errnum == ENOENT) {
		husk_err_free(err);
		return 0;
	}
	return r;
}
