/* Waiting for a foreground container: husk becomes a child subreaper,
 * forwards the signals it receives to the container process, reaps every
 * child that ends up with it, and reports the exit as a shell would. */
#ifndef HUSK_REAPER_H
#define HUSK_REAPER_H

#include <signal.h>
#include <sys/types.h>

#include "husk/error.h"

/* Block the forwarded signals (call before the container is spawned, so
 * none is lost) and become a subreaper. Fills the previous mask. */
int reaper_prepare(sigset_t *old, struct husk_err **err);
/* Wait for pid; returns its exit code, or 128+N when killed by signal N.
 * With a pty master (>= 0) its I/O is relayed to husk's stdio meanwhile. */
int reaper_wait(pid_t pid, int pidfd, int pty_master, struct husk_err **err);
/* waitpid status as an exit code (128+N for signal N). */
int reaper_exit_code(int status);

#endif
