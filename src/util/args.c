#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "husk/args.h"

static bool name_matches(const char *names, const char *name, size_t len)
{
	while (*names) {
		size_t n = strcspn(names, ",");

		if (n == len && strncmp(names, name, len) == 0)
			return true;
		names += n;
		if (*names == ',')
			names++;
	}
	return false;
}

static const struct arg_opt *find_opt(const struct arg_opt *opts, const char *name, size_t len)
{
	for (; opts->names; opts++)
		if (name_matches(opts->names, name, len))
			return opts;
	return NULL;
}

static int parse_bool(const char *flag, const char *value, bool *out, struct husk_err **err)
{
	if (!value || !strcmp(value, "true") || !strcmp(value, "1"))
		*out = true;
	else if (!strcmp(value, "false") || !strcmp(value, "0"))
		*out = false;
	else
		return husk_error(err, 0, "--%s: invalid boolean \"%s\"", flag, value);
	return 0;
}

static int set_value(const struct arg_opt *opt, const char *flag, const char *value,
		     struct husk_err **err)
{
	struct arg_list *list;
	char *end;
	long n;

	switch (opt->kind) {
	case ARG_BOOL:
		return parse_bool(flag, value, opt->out, err);
	case ARG_STRING:
		*(const char **)opt->out = value;
		return 0;
	case ARG_INT:
		errno = 0;
		n = strtol(value, &end, 10);
		if (errno || end == value || *end || n < 0 || n > INT_MAX)
			return husk_error(err, 0, "--%s: invalid number \"%s\"", flag, value);
		*(int *)opt->out = (int)n;
		return 0;
	case ARG_LIST:
		list = opt->out;
		list->v = realloc(list->v, sizeof(*list->v) * (list->n + 1));
		if (!list->v)
			return husk_error(err, ENOMEM, "--%s", flag);
		list->v[list->n++] = value;
		return 0;
	}
	return 0;
}

/* One flag at argv[*i]; advances *i past a separate value. */
static int parse_flag(const struct arg_cmd *cmd, int argc, char **argv, int *i,
		      struct husk_err **err)
{
	const char *arg = argv[*i] + (argv[*i][1] == '-' ? 2 : 1);
	const char *eq = strchr(arg, '=');
	size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
	const struct arg_opt *opt = find_opt(cmd->opts, arg, len);
	char flag[64];

	snprintf(flag, sizeof(flag), "%.*s", (int)len, arg);
	if (!opt && cmd->help)	/* the global flags */
		return husk_error(err, 0, "unknown global flag \"%s\" (see husk --help)", argv[*i]);
	if (!opt)
		return husk_error(err, 0, "%s: unknown flag \"%s\" (see husk %s --help)",
				  cmd->name, argv[*i], cmd->name);
	if (opt->kind == ARG_BOOL)
		return parse_bool(flag, eq ? eq + 1 : NULL, opt->out, err);
	if (eq)
		return set_value(opt, flag, eq + 1, err);
	if (*i + 1 >= argc)
		return husk_error(err, 0, "%s: flag --%s needs a value", cmd->name, flag);
	(*i)++;
	return set_value(opt, flag, argv[*i], err);
}

static bool is_help(const char *arg)
{
	return !strcmp(arg, "-h") || !strcmp(arg, "--help") || !strcmp(arg, "-help");
}

int args_parse(const struct arg_cmd *cmd, int argc, char **argv,
	       char ***pos, int *npos, struct husk_err **err)
{
	char **out = calloc(argc + 1, sizeof(*out));
	bool flags_done = false;
	int n = 0;

	if (!out)
		return husk_error(err, ENOMEM, "%s: parse flags", cmd->name);
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (!flags_done && !strcmp(arg, "--")) {
			flags_done = true;
		} else if (!flags_done && is_help(arg)) {
			if (cmd->help)
				cmd->help(stdout);
			else
				args_usage(cmd, stdout);
			free(out);
			return 1;
		} else if (!flags_done && arg[0] == '-' && arg[1]) {
			if (parse_flag(cmd, argc, argv, &i, err) < 0) {
				free(out);
				return -1;
			}
		} else {
			out[n++] = argv[i];
			if (cmd->flags_end_at_first_arg)
				flags_done = true;
		}
	}
	if (n < cmd->min_args || (cmd->max_args >= 0 && n > cmd->max_args)) {
		free(out);
		if (n < cmd->min_args)
			return husk_error(err, 0, "%s: missing argument (usage: husk %s %s)",
					  cmd->name, cmd->name, cmd->usage);
		return husk_error(err, 0, "%s: too many arguments (usage: husk %s %s)",
				  cmd->name, cmd->name, cmd->usage);
	}
	*pos = out;
	*npos = n;
	return 0;
}

void args_usage(const struct arg_cmd *cmd, FILE *out)
{
	fprintf(out, "Usage: husk %s %s\n\n%s\n", cmd->name, cmd->usage, cmd->summary);
	if (!cmd->opts || !cmd->opts->names)
		return;
	fprintf(out, "\nOptions:\n");
	for (const struct arg_opt *o = cmd->opts; o->names; o++) {
		char left[80];
		const char *names = o->names;
		size_t first = strcspn(names, ",");
		int len;

		if (first == 1 && names[1] == ',')
			len = snprintf(left, sizeof(left), "-%c, --%s", names[0], names + 2);
		else
			len = snprintf(left, sizeof(left), "--%s", names);
		if (o->metavar)
			snprintf(left + len, sizeof(left) - len, " %s", o->metavar);
		fprintf(out, "  %-32s %s\n", left, o->help);
	}
}
