/* The state directory of a container: ROOT/ID/ holding state.json (what
 * husk knows), config.json (the config snapshot taken at create) and
 * exec.fifo (the start gate, present until start). Every mutating command
 * holds an exclusive flock on the directory; state.json is replaced
 * atomically so lock-free readers never see a partial file. */
#ifndef HUSK_STATE_H
#define HUSK_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "husk/error.h"
#include "husk/oci.h"

#define STATE_FILE "state.json"
#define STATE_CONFIG "config.json"
#define STATE_FIFO "exec.fifo"
#define STATE_EXIT "exit.json"

struct container_state {
	char *id;
	char *bundle;		/* absolute */
	char *rootfs;		/* absolute */
	char *created;		/* RFC 3339, UTC */
	char *cgroup_path;	/* in every hierarchy, e.g. "/husk/ID" */
	bool cgroup_owned;	/* husk made the cgroup, so delete removes it */
	char *cgroup_made;	/* where: hierarchy mounts, one a line (NULL: all) */
	bool created_done;	/* false while create is still running */
	/* what start and delete would otherwise parse the config snapshot
	 * to learn */
	bool start_hooks;	/* startContainer or poststart hooks */
	bool poststop_hooks;
	bool own_pidns;		/* a new pid namespace: its init's death ends all */
	pid_t pid;		/* container init, host pid; 0 before clone */
	uint64_t pid_start;	/* its start time, to spot a recycled pid */
	pid_t creator;		/* the husk create process */
	uint64_t creator_start;
	pid_t monitor;		/* the --monitor process, 0 when none */
	uint64_t monitor_start;
	uid_t owner;
	struct oci_map annotations;
};

struct state_dir {
	int fd;		/* locked directory fd */
	char *path;
	char *id;
};

/* Refuse ids that are empty, too long, or not [A-Za-z0-9_.+-] (so no '/',
 * and never "." or ".."). */
int state_check_id(const char *id, struct husk_err **err);
/* Make ROOT/ID atomically with an initial state, locked; EEXIST if taken. */
int state_create(const char *root, const char *id, const struct container_state *st,
		 struct state_dir *sd, struct husk_err **err);
/* Open an existing ROOT/ID, taking the lock when `lock`. */
int state_open(const char *root, const char *id, bool lock, struct state_dir *sd,
	       struct husk_err **err);
void state_close(struct state_dir *sd);
int state_read(const struct state_dir *sd, struct container_state *st, struct husk_err **err);
/* The parsing half of state_read, pure: the text of a state.json (len
 * bytes, NUL-terminated) into *st; on failure *st is left empty. */
int state_parse(const char *buf, size_t len, struct container_state *st, struct husk_err **err);
int state_write(const struct state_dir *sd, const struct container_state *st,
		struct husk_err **err);
void state_free(struct container_state *st);
/* Remove the whole state directory. */
int state_remove(struct state_dir *sd, struct husk_err **err);
/* Ids under root, sorted. */
int state_list(const char *root, char ***ids, size_t *n, struct husk_err **err);

/* How the init ended, as its monitor recorded it. */
struct exit_info {
	int code;	/* exit code, 128+N for signal N */
	int signal;	/* 0 unless killed by a signal */
	char exited_at[64];	/* RFC 3339, UTC */
};

int state_write_exit(const struct state_dir *sd, int wait_status, struct husk_err **err);
/* False when no exit was recorded. */
bool state_read_exit(const struct state_dir *sd, struct exit_info *ei);
/* The current time in RFC 3339 with nanoseconds, UTC. */
void state_now(char *buf, size_t size);

/* creating, created, running, paused or stopped, derived from the facts. */
const char *state_status(const struct state_dir *sd, const struct container_state *st);

#endif
