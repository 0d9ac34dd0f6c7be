/* Facts about host processes from /proc, and pidfds that pin them. */
#ifndef HUSK_PROC_H
#define HUSK_PROC_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* Start time (clock ticks since boot, /proc/PID/stat field 22) and state
 * letter of a pid. Returns -1 if it does not exist. */
int proc_stat(pid_t pid, uint64_t *start_time, char *state);
/* /proc/PID/stat (pid 0: this process) read into buf: the text after the
 * command name, which starts with field 3 (state). NULL when unreadable. */
char *proc_stat_fields(pid_t pid, char *buf, size_t size);
/* True when pid is alive (not a zombie) and still the process that started
 * at start_time: a recycled pid is not "alive". */
bool proc_alive(pid_t pid, uint64_t start_time);
/* A pidfd for pid, verified to be the process started at start_time.
 * -1 with errno ESRCH if it is gone or the pid was recycled. */
int proc_pidfd(pid_t pid, uint64_t start_time);
/* Wait until the process behind pidfd exits, up to timeout_ms (-1 forever).
 * Returns 0 when it is gone, -1 with ETIMEDOUT otherwise. */
int proc_wait_gone(int pidfd, pid_t pid, int timeout_ms);

#endif
