#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "husk/args.h"
#include "husk/cleanup.h"
#include "husk/cli.h"
#include "husk/oci.h"

int cmd_spec(const struct husk_globals *g, int argc, char **argv, struct husk_err **err)
{
	const char *bundle = ".";
	bool rootless = false;
	const struct arg_opt opts[] = {
		{ "b,bundle", ARG_STRING, &bundle, "DIR", "where to write config.json (default: .)" },
		{ "rootless", ARG_BOOL, &rootless, NULL, "a config for a container run by an unprivileged user" },
		{ NULL },
	};
	const struct arg_cmd cmd = { "spec", "[options]",
		"Write a default config.json, refusing to overwrite one.", opts, false, 0, 0, NULL };
	cleanup_free char *json = NULL;
	cleanup_close int dir = -1, fd = -1;
	size_t len;
	char **pos;
	int npos, r = args_parse(&cmd, argc, argv, &pos, &npos, err);

	if (r != 0)
		return args_status(r);
	free(pos);
	json = oci_default_spec(rootless, getuid(), getgid());
	if (!json)
		return husk_error(err, ENOMEM, "spec");
	dir = open(bundle, O_DIRECTORY | O_PATH | O_CLOEXEC);
	if (dir < 0)
		return husk_syserr(err, "spec: --bundle \"%s\"", bundle);
	fd = openat(dir, "config.json", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0 && errno == EEXIST)
		return husk_error(err, 0, "spec: %s/config.json already exists; remove it first", bundle);
	if (fd < 0)
		return husk_syserr(err, "spec: create %s/config.json", bundle);
	len = strlen(json);
	if (write(fd, json, len) != (ssize_t)len)
		return husk_syserr(err, "spec: write %s/config.json", bundle);
	return 0;
}
