/* linux.seccomp: the profile compiled to a BPF program by husk itself
 * (before the container process exists, so a bad profile fails create or
 * exec with nothing made), kept in a content-addressed cache under the
 * state root, and installed by the container process as late as it can:
 * right before execve. Plain profiles are compiled by husk's emitter
 * (seccomp-bpf.h), the others by libseccomp.
 *
 * Cache (libseccomp's programs only: the emitter is as fast as a cache
 * hit): ROOT/.seccomp/SHA256.bpf, where SHA256 covers the profile (every
 * field but the listener's), the libseccomp version and the native
 * architecture. A file is written once (temp file, rename without
 * replace; no fsync) and never rewritten; readers check its size, header
 * and a digest of the program, so a torn, truncated or corrupt file is
 * never loaded: it is compiled again and replaced. */
#ifndef HUSK_SECCOMP_H
#define HUSK_SECCOMP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "husk/error.h"
#include "husk/oci.h"
#include "husk/sha256.h"

struct sock_filter;

struct seccomp_prog {
	struct sock_filter *insns;
	uint32_t len;		/* instructions */
	uint32_t flags;		/* SECCOMP_FILTER_FLAG_* for seccomp(2) */
	bool notify;		/* has SCMP_ACT_NOTIFY rules: a listener fd comes back */
	bool from_cache;
	char key[SHA256_HEX_LEN];
};

/* Compile cfg (or find it in the cache under root; root NULL: no cache)
 * and check that the kernel takes its flags. Errors name the field. */
int seccomp_prepare(const struct oci_seccomp *cfg, const char *root,
		    struct seccomp_prog *out, struct husk_err **err);
void seccomp_prog_free(struct seccomp_prog *p);

/* In the container process: install the filter. Returns the notify fd
 * when p->notify, else 0; -1 with *err set. */
int seccomp_install(const struct seccomp_prog *p, struct husk_err **err);

/* In husk: hand the notify fd to cfg->listener_path with the container
 * process state the runtime-spec describes ({ociVersion, fds, pid,
 * metadata, state}); state_json is the container state document. */
int seccomp_send_listener(const struct oci_seccomp *cfg, int notify_fd, pid_t pid,
			  const char *state_json, struct husk_err **err);

/* What `husk features` reports: the action, operator, architecture and
 * flag names husk recognises (supported_flags: those this kernel takes).
 * NULL-terminated arrays of static strings; -1 when out of memory. */
struct seccomp_names {
	const char **actions, **operators, **archs, **known_flags, **supported_flags;
};
int seccomp_features(struct seccomp_names *out);
void seccomp_names_free(struct seccomp_names *n);

#endif
