/* The opt-in per-container monitor: a small process that is the parent of
 * the container init, so it alone learns the exit status. It records the
 * exit into the state directory (exit.json) and an "exited" event, then
 * lingers until the container is deleted. */
#ifndef HUSK_MONITOR_H
#define HUSK_MONITOR_H

#include "husk/container.h"
#include "husk/error.h"

/* create, done by a new monitor process; returns in the caller with the
 * outcome of the create. */
int monitor_create(const struct create_opts *o, struct husk_err **err);

#endif
