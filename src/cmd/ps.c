#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "husk/args.h"
#include "husk/cgctl.h"
#include "husk/cleanup.h"
#include "husk/cli.h"

/* Run the host's ps with args; its stdout and stderr together. */
static char *run_ps(char **args, struct husk_err **err)
{
	int p[2], status;
	char *out = NULL;
	size_t len = 0, cap = 0;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0) {
		husk_syserr(err, "ps: pipe");
		return NULL;
	}
	pid = fork();
	if (pid < 0) {
		husk_syserr(err, "ps: fork");
		close(p[0]);
		close(p[1]);
		return NULL;
	}
	if (pid == 0) {
		if (dup2(p[1], 1) < 0 || dup2(p[1], 2) < 0)
			_exit(127);
		execvp("ps", args);
		fprintf(stderr, "exec ps: %s\n", strerror(errno));
		_exit(127);
	}
	close(p[1]);
	for (;;) {
		ssize_t n;

		if (len + 4096 + 1 > cap) {
			char *grown = realloc(out, cap = cap ? cap * 2 : 65536);

			if (!grown)
				break;
			out = grown;
		}
		n = read(p[0], out + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
	}
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!out) {
		husk_error(err, ENOMEM, "ps");
		return NULL;
	}
	out[len] = '\0';
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		husk_error(err, 0, "ps %s failed (status %d): %s", args[1] ? args[1] : "",
			   WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), out);
		free(out);
		return NULL;
	}
	return out;
}

static bool has_pid(const pid_t *pids, size_t n, long pid)
{
	for (size_t i = 0; i < n; i++)
		if (pids[i] == pid)
			return true;
	return false;
}

/* The header of ps, then its lines whose PID column is one of pids. */
static int filter(char *out, const pid_t *pids, size_t n, struct husk_err **err)
{
	char *nl = strchr(out, '\n');
	int col = -1, i = 0;
	char *header = strndup(out, nl ? (size_t)(nl - out) : strlen(out));
	char *save = NULL;

	if (!header)
		return husk_error(err, ENOMEM, "ps");
	for (char *tok = strtok_r(header, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save), i++)
		if (!strcmp(tok, "PID")) {
			col = i;
			break;
		}
	free(header);
	if (col < 0)
		return husk_error(err, 0, "ps: the output of ps has no PID column");
	printf("%.*s\n", nl ? (int)(nl - out) : (int)strlen(out), out);
	for (char *line = nl ? nl + 1 : NULL; line && *line; ) {
		char *end = strchr(line, '\n'), *p = line, *num;
		long pid;

		if (end)
			*end = '\0';
		for (i = 0; i < col && *p; i++) {
			p += strspn(p, " \t");
			p += strcspn(p, " \t");
		}
		p += strspn(p, " \t");
		pid = strtol(p, &num, 10);
		if (num == p)
			return husk_error(err, 0, "ps: cannot read a pid in the PID column of \"%s\"", line);
		if (has_pid(pids, n, pid))
			printf("%s\n", line);
		line = end ? end + 1 : NULL;
	}
	return 0;
}

int cmd_ps(const struct husk_globals *g, int argc, char **argv, struct husk_err **err)
{
	const char *format = "table";
	const struct arg_opt opts[] = {
		{ "f,format", ARG_STRING, &format, "FORMAT", "table (the host's ps, filtered) or json (the pids)" },
		{ NULL },
	};
	const struct arg_cmd cmd = { "ps", "[options] ID [-- PS-ARGS...]",
		"List the processes of a container. As a table, husk runs the host's ps\n"
		"with PS-ARGS (default -ef) and keeps the header and the lines of the\n"
		"container's processes; with --format json it prints their host pids.",
		opts, true, 1, -1, NULL };
	pid_t *pids = NULL;
	size_t n = 0;
	char **pos;
	int npos, r = args_parse(&cmd, argc, argv, &pos, &npos, err);

	if (r != 0)
		return args_status(r);
	if (strcmp(format, "table") && strcmp(format, "json")) {
		free(pos);
		return husk_error(err, 0, "ps: --format: unknown format \"%s\" (want table or json)", format);
	}
	r = cgctl_pids(g->root, pos[0], &pids, &n, err);
	if (r == 0 && !strcmp(format, "json")) {
		printf("[");
		for (size_t i = 0; i < n; i++)
			printf("%s%d", i ? "," : "", pids[i]);
		printf("]\n");
	} else if (r == 0) {
		/* "ps ID -- -o pid,comm": the "--" only ends husk's flags */
		int first = npos > 1 && !strcmp(pos[1], "--") ? 2 : 1;
		char **args = calloc(npos - first + 3, sizeof(char *));
		cleanup_free char *out = NULL;

		if (!args) {
			r = husk_error(err, ENOMEM, "ps");
		} else {
			args[0] = "ps";
			for (int i = first; i < npos; i++)
				args[i - first + 1] = pos[i];
			if (npos <= first)
				args[1] = "-ef";
			out = run_ps(args, err);
			r = out ? filter(out, pids, n, err) : -1;
			free(args);
		}
	}
	free(pids);
	free(pos);
	return r;
}
