/* Test-only fault injection: with HUSK_CRASH_AT=STEP in the environment,
 * husk kills itself with SIGKILL when it reaches STEP, as a kill -9 from
 * outside would at that moment. The crash-recovery tests use it to prove
 * that `delete --force` removes every trace of a half-made container.
 * Steps: state-created, after-clone, before-cgroup, after-cgroup,
 * before-ready, during-hooks (any hook, right after it was started),
 * start-signalled (husk start, the init told to go), and state-hidden
 * (delete: the state directory renamed out of sight, not yet emptied).
 * HUSK_STALL_AT=STEP instead makes husk wait 0.3 s there, to let the
 * container init, which works alongside, get ahead of it. */
#ifndef HUSK_CRASHPOINT_H
#define HUSK_CRASHPOINT_H

void crashpoint(const char *step);

#endif
