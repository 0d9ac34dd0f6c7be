/* Writing through /proc safely: a hostile rootfs or mount can put a
 * directory, a tmpfs or symlinks where /proc should be, so that a label,
 * a sysctl or an oom score "written to /proc" lands in a plain file and
 * the protection silently does not happen (CVE-2019-16884,
 * CVE-2019-19921). Every write of husk into /proc inside the container
 * goes through procfs_open. */
#ifndef HUSK_PROCFS_H
#define HUSK_PROCFS_H

#include <stddef.h>

#include "husk/error.h"

/* Open /proc/REL (e.g. "thread-self/attr/exec", "sys/net/ipv4/ip_forward")
 * with flags, refusing unless /proc and the file opened are on procfs and
 * REL stays beneath /proc without magic links. */
int procfs_open(const char *rel, int flags, struct husk_err **err);
/* procfs_open + write the whole buffer. */
int procfs_write(const char *rel, const char *buf, size_t len, struct husk_err **err);

#endif
