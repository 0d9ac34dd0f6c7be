#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "husk/args.h"
#include "husk/cli.h"
#include "husk/features.h"
#include "husk/log.h"
#include "husk/selfprotect.h"

#define DEFAULT_ROOT "/run/husk"
#define SPEC_VERSION OCI_VERSION_MAX

static const struct {
	const char *name;
	cmd_fn fn;
	const char *summary;
} commands[] = {
	{ "create", cmd_create, "create a container from a bundle, ready to start" },
	{ "start", cmd_start, "run the user process of a created container" },
	{ "run", cmd_run, "create and start a container" },
	{ "exec", cmd_exec, "run a process in a running container" },
	{ "state", cmd_state, "print the state of a container as JSON" },
	{ "list", cmd_list, "list containers" },
	{ "kill", cmd_kill, "send a signal to a container's init" },
	{ "delete", cmd_delete, "delete a container and everything it holds" },
	{ "spec", cmd_spec, "write a default config.json" },
	{ "wait", cmd_wait, "wait for a container to stop and exit with its code" },
	{ "events", cmd_events, "stream a container's lifecycle events, or its resource statistics" },
	{ "checkpoint", cmd_checkpoint, "checkpoint a running container with criu" },
	{ "restore", cmd_restore, "restore a container from a checkpoint" },
	{ "pause", cmd_pause, "freeze every process of a container" },
	{ "resume", cmd_resume, "thaw a paused container" },
	{ "update", cmd_update, "change the resource limits of a container" },
	{ "ps", cmd_ps, "list the processes of a container" },
	{ "features", cmd_features, "print the runtime-spec features this husk implements" },
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
	fprintf(out, "Usage: husk [global options] COMMAND [options] [args]\n\n"
		"husk is an OCI container runtime.\n\nCommands:\n");
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\nGlobal options:\n"
		"  --root DIR             state directory (default " DEFAULT_ROOT ")\n"
		"  --log FILE             also write messages to FILE\n"
		"  --log-format FORMAT    text or json (default text)\n"
		"  --debug                log debug messages\n"
		"  --systemd-cgroup       have systemd make the cgroup (not supported: an error)\n"
		"  --rootless VALUE       accepted for runc compatibility\n"
		"  --criu PATH            criu binary (default criu)\n"
		"  -v, --version          print the version\n"
		"  -h, --help             print this help\n\n"
		"Run 'husk COMMAND --help' for the options of a command.\n");
}

static void version(void)
{
	const struct scmp_version *v = seccomp_version();

	printf("husk version %s\ncommit: %s\nspec: %s\nlibseccomp: %u.%u.%u\n",
	       HUSK_VERSION, HUSK_COMMIT, SPEC_VERSION, v->major, v->minor, v->micro);
}

static const struct arg_opt global_opts[] = {
	{ "root", ARG_STRING, NULL, "DIR", "" },
	{ "log", ARG_STRING, NULL, "FILE", "" },
	{ "log-format", ARG_STRING, NULL, "FORMAT", "" },
	{ "criu", ARG_STRING, NULL, "PATH", "" },
	{ "rootless", ARG_STRING, NULL, "VALUE", "" },
	{ "debug", ARG_BOOL, NULL, NULL, "" },
	{ "systemd-cgroup", ARG_BOOL, NULL, NULL, "" },
	{ "v,version", ARG_BOOL, NULL, NULL, "" },
	{ NULL },
};

/* Global flags stop at the command name; returns its index. */
static int parse_globals(int argc, char **argv, struct husk_globals *g, bool *show_version,
			 struct husk_err **err)
{
	struct arg_opt opts[sizeof(global_opts) / sizeof(global_opts[0])];
	struct arg_cmd cmd = { .name = "husk", .usage = "", .summary = "", .opts = opts,
			       .flags_end_at_first_arg = true, .max_args = -1, .help = usage };
	void *outs[] = { &g->root, &g->log, &g->log_format, &g->criu, &g->rootless,
			 &g->debug, &g->systemd_cgroup, show_version };
	char **pos = NULL;
	int npos = 0, ret;

	memcpy(opts, global_opts, sizeof(opts));
	for (size_t i = 0; i < sizeof(outs) / sizeof(outs[0]); i++)
		opts[i].out = outs[i];
	ret = args_parse(&cmd, argc, argv, &pos, &npos, err);
	if (ret == 1)
		exit(0);
	if (ret < 0)
		return -1;
	ret = argc;
	for (int i = 1; npos && i < argc; i++)
		if (argv[i] == pos[0]) {
			ret = i;
			break;
		}
	free(pos);
	return ret;
}

int main(int argc, char **argv)
{
	struct husk_globals g = { .root = DEFAULT_ROOT, .criu = "criu" };
	struct husk_err *err = NULL;
	bool show_version = false;
	int at, code;

	at = parse_globals(argc, argv, &g, &show_version, &err);
	if (at < 0) {
		/* managers read errors back from --log: there too, if it came first */
		if (g.log && log_init(g.log, g.log_format, false) == 0)
			log_error("%s", err->msg);
		else
			fprintf(stderr, "husk: %s\n", err->msg);
		husk_err_free(&err);
		return 2;
	}
	if (show_version) {
		version();
		return 0;
	}
	if (at >= argc) {
		usage(stderr);
		return 2;
	}
	if (log_init(g.log, g.log_format, g.debug) < 0)
		return 2;
	if (g.rootless && strcmp(g.rootless, "true") && strcmp(g.rootless, "false") &&
	    strcmp(g.rootless, "auto")) {
		log_error("--rootless: invalid value \"%s\" (want true, false or auto)", g.rootless);
		return 2;
	}
	self_protect(argv[at], argv);
	for (size_t i = 0; i < N_COMMANDS; i++) {
		if (strcmp(argv[at], commands[i].name))
			continue;
		code = commands[i].fn(&g, argc - at, argv + at, &err);
		if (code < 0) {
			log_error("%s", err ? err->msg : "failed");
			husk_err_free(&err);
			return 1;
		}
		return code;
	}
	log_error("unknown command \"%s\" (see husk --help)", argv[at]);
	return 2;
}
