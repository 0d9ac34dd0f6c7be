/* File helpers: whole-file reads and writes, atomic replacement, and path
 * resolution confined to a root directory (never following a symlink out). */
#ifndef HUSK_FS_H
#define HUSK_FS_H

#include <stddef.h>
#include <sys/types.h>

#include "husk/error.h"

/* Read a whole file (NUL-terminated; *len without the NUL). */
char *fs_read_file(const char *path, size_t *len, struct husk_err **err);
char *fs_read_fileat(int dirfd, const char *path, size_t *len, struct husk_err **err);
/* As fs_read_file, but only a regular file of at most max bytes: a FIFO
 * (which would block) or a device (which may never end, like /dev/zero)
 * is refused before anything is read. */
char *fs_read_regular(const char *path, size_t max, size_t *len, struct husk_err **err);
/* Write buf to an existing file (e.g. in /proc or cgroupfs). */
int fs_write_file(const char *path, const char *buf, size_t len, struct husk_err **err);
int fs_write_fileat(int dirfd, const char *path, const char *buf, size_t len,
		    struct husk_err **err);
/* Replace dirfd/name atomically: temp file, then rename over the name. */
int fs_write_atomic(int dirfd, const char *name, const char *buf, size_t len,
		    mode_t mode, struct husk_err **err);
/* Write a pid file atomically, so a manager polling it never reads half. */
int fs_write_pid_file(const char *path, pid_t pid, struct husk_err **err);
/* mkdir -p with mode for the created components. */
int fs_mkdir_p(const char *path, mode_t mode, struct husk_err **err);
/* rm -rf of a directory tree (never following symlinks). */
int fs_remove_tree(int dirfd, const char *name, struct husk_err **err);

enum fs_kind { FS_ANY, FS_DIR, FS_FILE };
/* Open `path` inside the tree rooted at rootfd, resolving ".." and symlinks
 * as if rootfd were "/" (openat2 RESOLVE_IN_ROOT). With create != FS_ANY the
 * missing components are made (directories, and a final file or directory).
 * Returns an O_PATH fd. */
int fs_open_in_root(int rootfd, const char *path, enum fs_kind create,
		    struct husk_err **err);

/* "/proc/self/fd/N" for an fd, in a caller buffer. */
#define FS_FD_PATH_MAX 32
const char *fs_fd_path(int fd, char buf[FS_FD_PATH_MAX]);

#endif
