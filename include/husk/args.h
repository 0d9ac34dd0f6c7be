/* runc-compatible flag parsing: "-f", "--flag", "-flag", "--flag=value",
 * "--flag value"; "--" ends the flags. Options are described by a table. */
#ifndef HUSK_ARGS_H
#define HUSK_ARGS_H

#include <stdbool.h>
#include <stdio.h>

#include "husk/error.h"

enum arg_kind {
	ARG_BOOL,	/* bool *; also accepts --flag=true|false */
	ARG_STRING,	/* const char ** */
	ARG_INT,	/* int *, non-negative */
	ARG_LIST,	/* struct arg_list *, flag may repeat */
};

struct arg_list { const char **v; int n; };

struct arg_opt {
	const char *names;	/* comma-separated, e.g. "b,bundle" */
	enum arg_kind kind;
	void *out;
	const char *metavar;	/* NULL for ARG_BOOL */
	const char *help;
};

struct arg_cmd {
	const char *name;
	const char *usage;	/* after "husk NAME " */
	const char *summary;
	const struct arg_opt *opts;	/* terminated by { NULL } */
	bool flags_end_at_first_arg;	/* exec: the command's own args follow */
	int min_args, max_args;	/* positional counts; max -1: unlimited */
	void (*help)(FILE *out);	/* prints --help instead of args_usage */
};

/* Parse argv[1..argc-1] (argv[0] is the command name). Positional args are
 * returned in *pos / *npos (pointers into argv). Returns 1 when --help was
 * printed, 0 on success, -1 with *err set. */
int args_parse(const struct arg_cmd *cmd, int argc, char **argv,
	       char ***pos, int *npos, struct husk_err **err);
void args_usage(const struct arg_cmd *cmd, FILE *out);

/* What a command returns after args_parse gave r != 0: after --help it
 * succeeded, after an error it failed. */
static inline int args_status(int r)
{
	return r < 0 ? -1 : 0;
}

#endif
