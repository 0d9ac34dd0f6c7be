/* Checkpoint and restore of a container through the criu binary, with
 * runc's flags and semantics. Checkpoint saves the running container into
 * an image directory and (unless told to leave it running) removes it;
 * restore makes a container from a bundle, as create does, whose
 * processes come back from the images instead of being started. */
#ifndef HUSK_CHECKPOINT_H
#define HUSK_CHECKPOINT_H

#include "husk/container.h"
#include "husk/criu.h"
#include "husk/error.h"

struct checkpoint_opts {
	const char *root, *id;
	const char *criu;	/* the binary, found in PATH unless it has a '/' */
	struct criu_opts c;
};

/* A path flag made absolute (criu works in another directory). */
char *checkpoint_abs_path(const char *path, const char *flag, struct husk_err **err);

/* criu's presence and version (>= CRIU_MIN_VERSION), from criu --version. */
int criu_check_binary(const char *criu, struct husk_err **err);

int container_checkpoint(const struct checkpoint_opts *o, struct husk_err **err);

struct restore_opts {
	struct create_opts create;	/* root, id, bundle, pid file, ... */
	const char *criu;
	struct criu_opts c;
};

/* The restored init is a child of the caller (out->pid, out->pidfd). */
int container_restore(const struct restore_opts *o, struct created *out, struct husk_err **err);

#endif
