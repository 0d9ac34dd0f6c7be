/* libFuzzer target: husk's runc-style flag parser (src/util/args.c) and
 * the parsers of flag values (signal names, durations, sizes), fed with an
 * argv made of the input's NUL-separated pieces. The first byte picks the
 * shape of the command (positional counts, flags ending at the first
 * argument as for exec, a --help printer or the generated usage). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "husk/args.h"
#include "husk/signals.h"
#include "husk/units.h"

#define MAX_ARGS 64

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* --help output: libFuzzer reports on stderr */
	if (!freopen("/dev/null", "w", stdout))
		abort();
	return 0;
}

static void help(FILE *out)
{
	fputs("help\n", out);
}

static void values(const char *s)
{
	if (!s)
		return;
	signal_from_name(s);
	units_parse_duration(s);
	units_parse_size(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *bundle = NULL, *pid_file = NULL, *user = NULL;
	bool detach = false, tty = false;
	int preserve = 0, npos = 0, argc = 1, r;
	struct arg_list env = { 0 };
	const struct arg_opt opts[] = {
		{ "b,bundle", ARG_STRING, &bundle, "DIR", "bundle" },
		{ "pid-file", ARG_STRING, &pid_file, "FILE", "pid file" },
		{ "u,user", ARG_STRING, &user, "UID[:GID]", "user" },
		{ "d,detach", ARG_BOOL, &detach, NULL, "detach" },
		{ "t,tty", ARG_BOOL, &tty, NULL, "tty" },
		{ "preserve-fds", ARG_INT, &preserve, "N", "fds" },
		{ "e,env", ARG_LIST, &env, "K=V", "env" },
		{ NULL, ARG_BOOL, NULL, NULL, NULL },
	};
	struct arg_cmd cmd = { "fuzz", "[options] ID", "fuzzing", opts, false, 0, -1, NULL };
	char *argv[MAX_ARGS + 1], **pos = NULL, *text;
	size_t off = 1;

	if (size < 1)
		return 0;
	cmd.flags_end_at_first_arg = data[0] & 1;
	cmd.min_args = (data[0] >> 1) & 3;
	cmd.max_args = ((data[0] >> 3) & 3) - 1;
	cmd.help = data[0] & 0x20 ? help : NULL;
	/* the pieces, each NUL-terminated as in a real argv */
	text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	argv[0] = "fuzz";
	while (off < size && argc < MAX_ARGS) {
		argv[argc++] = text + off - 1;
		off += strlen(text + off - 1) + 1;
	}
	argv[argc] = NULL;

	struct husk_err *err = NULL;

	r = args_parse(&cmd, argc, argv, &pos, &npos, &err);
	if (r == 0) {
		for (int i = 0; i < npos; i++)
			values(pos[i]);
		free(pos);
	} else if (r < 0 && (!err || !err->msg)) {
		abort();	/* a failure must say why */
	}
	values(bundle);
	values(user);
	for (int i = 0; i < env.n; i++)
		values(env.v[i]);
	free(env.v);
	husk_err_free(&err);
	if (data[0] & 0x40)
		args_usage(&cmd, stdout);
	free(text);
	return 0;
}
