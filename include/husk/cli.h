/* Global flags and the subcommand entry points (src/cmd/, one per file). */
#ifndef HUSK_CLI_H
#define HUSK_CLI_H

#include <stdbool.h>

#include "husk/error.h"

struct husk_globals {
	const char *root;
	const char *log;
	const char *log_format;
	const char *criu;
	const char *rootless;
	bool debug;
	bool systemd_cgroup;
};

/* Each returns the process exit status, or -1 with *err set. */
typedef int (*cmd_fn)(const struct husk_globals *g, int argc, char **argv,
		      struct husk_err **err);

int cmd_create(const struct husk_globals *g, int argc, char **argv, struct husk_err **err);
int cmd_start(const struct husk_globals *g, int argc, char **argv, struct husk_err **err);
int cmd_exec(const struct husk_globals *g, int argc, char **argv, struct husk_err **err);
int cmd_run(const struct husk_globals *g, int argc, char **argv, struct husk_err **err);
int cmd_state(const struct husk_globals *g, int argc, char **argv, struct husk_err **err);
int cmd_list(const struct husk_globals *g, int argc, char **argv, struct husk_err **err);
int cmd_kill(const struct husk_globals *g, int argc, char **argv, struct husk_err **err);
int cmd_delete(const struct husk_globals *g, int argc, char **argv, struct husk_err **err);
int cmd_wait(const struct husk_globals *g, int argc, char **argv, struct husk_err **err);
int cmd_events(const struct husk_globals *g, int argc, char **argv, struct husk_err **err);
int cmd_pause(const struct husk_globals *g, int argc, char **argv, struct husk_err **err);
int cmd_resume(const struct husk_globals *g, int argc, char **argv, struct husk_err **err);
int cmd_update(const struct husk_globals *g, int argc, char **argv, struct husk_err **err);
int cmd_ps(const struct husk_globals *g, int argc, char **argv, struct husk_err **err);
int cmd_checkpoint(const struct husk_globals *g, int argc, char **argv, struct husk_err **err);
int cmd_restore(const struct husk_globals *g, int argc, char **argv, struct husk_err **err);
int cmd_spec(const struct husk_globals *g, int argc, char **argv, struct husk_err **err);
int cmd_features(const struct husk_globals *g, int argc, char **argv, struct husk_err **err);

#endif
