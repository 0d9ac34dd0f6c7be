/* husk's own seccomp BPF emitter, for the common profile: rules without
 * argument conditions, on an x86_64 host, for the x86_64, x86 and x32
 * architectures. It gives every (architecture, syscall number, arguments)
 * the action libseccomp's program gives (the unit test runs both on every
 * syscall number), as a balanced binary search over the numbers: a few
 * comparisons per syscall where libseccomp's list has hundreds, and a
 * compile of microseconds where libseccomp takes milliseconds.
 *
 * What libseccomp does that the emitter reproduces:
 *   - the native architecture is always in the filter; other listed ones
 *     are added, any other architecture gets SCMP_ACT_KILL_THREAD (the
 *     "bad architecture" action);
 *   - x32 shares AUDIT_ARCH_X86_64 and sets __X32_SYSCALL_BIT in the
 *     number: without x32 listed, x86_64 numbers with that bit (except -1,
 *     which tracers use to skip a call) get the bad-architecture action;
 *     with it, they are looked up as x32 syscalls;
 *   - on x86 the socket and SysV IPC calls exist twice: as direct syscalls
 *     and multiplexed through socketcall(2)/ipc(2) on their first argument;
 *   - a name listed twice keeps the first rule's action, and an
 *     unconditional rule on socketcall/ipc replaces the multiplexed ones.
 * Everything else (argument conditions, other architectures, an action
 * the kernel does not take, ...) is left to libseccomp, which also gives
 * the errors. */
#ifndef HUSK_SECCOMP_BPF_H
#define HUSK_SECCOMP_BPF_H

#include <stdbool.h>
#include <stdint.h>

#include "husk/error.h"
#include "husk/oci.h"

struct seccomp_prog;

/* 1: out->insns, len and notify are set; 0: the profile needs libseccomp
 * (nothing set); -1: out of memory. def is the parsed default action. */
int seccomp_bpf_emit(const struct oci_seccomp *s, uint32_t def, struct seccomp_prog *out);

/* Shared with seccomp.c: an action name (and errnoRet) as a libseccomp
 * action, with errors naming the JSON fields; "SCMP_ARCH_X86_64" as a
 * libseccomp architecture token (0 when unknown). */
int seccomp_parse_action(const char *name, struct opt_u32 errno_ret, const char *field,
			 const char *errno_field, uint32_t *out, struct husk_err **err);
uint32_t seccomp_arch_token(const char *name);

/* libseccomp's compiler, whatever the profile (the unit test compares
 * the emitter with it). */
int seccomp_compile_libseccomp(const struct oci_seccomp *s, struct seccomp_prog *out,
			       struct husk_err **err);

#endif
