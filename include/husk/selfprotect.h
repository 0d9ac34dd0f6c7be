/* husk against the containers it runs.
 *
 * Not dumpable: /proc/PID of a husk process (the container init before it
 * execs, an exec'd process before it execs) is closed to the container's
 * processes: no /proc/PID/exe, /proc/PID/fd, /proc/PID/mem, no ptrace.
 * execve of the user process makes it dumpable again, as it should be.
 *
 * Read-only binary (CVE-2019-5736): commands that run code in a container
 * (create, run, exec) move husk onto a detached read-only clone of the
 * mount holding it (or, without CAP_SYS_ADMIN, onto a sealed memfd copy),
 * so that /proc/PID/exe of any husk process - including a husk the
 * container tricks into being executed as "#!/proc/self/exe" - cannot be
 * written, and never reaches the husk binary on the host. With
 * CAP_SYS_RESOURCE the move is done in place (exe_swap); otherwise husk
 * re-execs itself from the view (or the copy). */
#ifndef HUSK_SELFPROTECT_H
#define HUSK_SELFPROTECT_H

#include <stdbool.h>

/* Call first thing with the command name and husk's argv; may re-exec. */
void self_protect(const char *command, char **argv);
/* Let go of the read-only view's mount (husk keeps running from it): the
 * kernel then waits for an RCU grace period, so call it where husk waits
 * anyway, e.g. while the container process runs; otherwise exit does it. */
void self_protect_release(void);

/* Make view (a readable fd of husk's own file, on a read-only mount) the
 * file husk runs from without exec: each mapping of husk's file becomes
 * the same pages of view, or an anonymous copy where the loader wrote,
 * then /proc/PID/exe is pointed at view (PR_SET_MM_EXE_FILE). False when
 * that cannot be done; husk then still runs, from identical mappings. */
bool exe_swap(int view);

#endif
