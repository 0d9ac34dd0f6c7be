#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "husk/args.h"
#include "husk/cli.h"
#include "husk/state.h"

struct row {
	struct container_state st;
	const char *status;
};

static void gen_str(yajl_gen g, const char *key, const char *val)
{
	yajl_gen_string(g, (const unsigned char *)key, strlen(key));
	yajl_gen_string(g, (const unsigned char *)(val ? val : ""), val ? strlen(val) : 0);
}

static void print_json(const struct row *rows, size_t n)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;

	yajl_gen_array_open(g);
	for (size_t i = 0; i < n; i++) {
		const struct container_state *st = &rows[i].st;
		bool stopped = !strcmp(rows[i].status, "stopped");

		yajl_gen_map_open(g);
		gen_str(g, "ociVersion", "1.2.0");
		gen_str(g, "id", st->id);
		yajl_gen_string(g, (const unsigned char *)"pid", 3);
		yajl_gen_integer(g, stopped ? 0 : st->pid);
		gen_str(g, "status", rows[i].status);
		gen_str(g, "bundle", st->bundle);
		gen_str(g, "rootfs", st->rootfs);
		gen_str(g, "created", st->created);
		yajl_gen_string(g, (const unsigned char *)"owner", 5);
		yajl_gen_integer(g, st->owner);
		if (st->annotations.n) {
			yajl_gen_string(g, (const unsigned char *)"annotations", 11);
			yajl_gen_map_open(g);
			for (size_t j = 0; j < st->annotations.n; j++)
				gen_str(g, st->annotations.v[j].key, st->annotations.v[j].value);
			yajl_gen_map_close(g);
		}
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	yajl_gen_get_buf(g, &buf, &len);
	printf("%.*s\n", (int)len, buf);
	yajl_gen_free(g);
}

static void print_table(const struct row *rows, size_t n)
{
	printf("%-20s %-8s %-10s %-40s %-31s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER");
	for (size_t i = 0; i < n; i++) {
		const struct container_state *st = &rows[i].st;
		bool stopped = !strcmp(rows[i].status, "stopped");

		printf("%-20s %-8d %-10s %-40s %-31s %u\n", st->id, stopped ? 0 : st->pid,
		       rows[i].status, st->bundle ? st->bundle : "", st->created ? st->created : "",
		       (unsigned)st->owner);
	}
}

/* A container whose state cannot be read (damaged: state.json is replaced
 * atomically, so never half-written) is listed with status "unknown", not
 * fatal: list must work whatever one container looks like. */
static size_t load_rows(const char *root, char **ids, size_t n, struct row *rows)
{
	size_t m = 0;

	for (size_t i = 0; i < n; i++) {
		struct state_dir sd;

		if (state_open(root, ids[i], false, &sd, NULL) < 0)
			continue;
		if (state_read(&sd, &rows[m].st, NULL) == 0) {
			rows[m].status = state_status(&sd, &rows[m].st);
			m++;
		} else if ((rows[m].st.id = strdup(ids[i]))) {
			/* listed all the same, so that it can be seen and deleted */
			rows[m++].status = "unknown";
		}
		state_close(&sd);
	}
	return m;
}

int cmd_list(const struct husk_globals *g, int argc, char **argv, struct husk_err **err)
{
	bool quiet = false;
	const char *format = "table";
	const struct arg_opt opts[] = {
		{ "q,quiet", ARG_BOOL, &quiet, NULL, "print only the container ids" },
		{ "f,format", ARG_STRING, &format, "FORMAT", "table or json" },
		{ NULL },
	};
	const struct arg_cmd cmd = { "list", "[options]", "List the containers under --root.",
		opts, false, 0, 0, NULL };
	struct row *rows;
	char **ids, **pos;
	size_t n, m;
	int npos, r = args_parse(&cmd, argc, argv, &pos, &npos, err);

	if (r != 0)
		return args_status(r);
	free(pos);
	if (strcmp(format, "table") && strcmp(format, "json"))
		return husk_error(err, 0, "list: --format: unknown format \"%s\" (want table or json)", format);
	if (state_list(g->root, &ids, &n, err) < 0)
		return -1;
	rows = calloc(n + 1, sizeof(*rows));
	m = rows ? load_rows(g->root, ids, n, rows) : 0;
	if (quiet)
		for (size_t i = 0; i < m; i++)
			printf("%s\n", rows[i].st.id);
	else if (!strcmp(format, "json"))
		print_json(rows, m);
	else
		print_table(rows, m);
	for (size_t i = 0; i < m; i++)
		state_free(&rows[i].st);
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	free(rows);
	return 0;
}
