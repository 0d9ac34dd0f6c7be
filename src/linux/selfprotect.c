#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <linux/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

#include "husk/log.h"
#include "husk/selfprotect.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)
/* set across the re-exec only: the copy knows it is the copy */
#define SEALED_ENV "_HUSK_SEALED_COPY"

extern char **environ;

static bool runs_container_code(const char *command)
{
	return command && (!strcmp(command, "create") || !strcmp(command, "run") ||
			   !strcmp(command, "exec"));
}

/* Already safe: a sealed copy, or a binary on a read-only mount (which
 * includes our own detached read-only view of it after the re-exec). */
static bool exe_is_sealed(void)
{
	int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	int seals = fd >= 0 ? fcntl(fd, F_GET_SEALS) : -1;
	struct statvfs sv;
	bool readonly = fd >= 0 && fstatvfs(fd, &sv) == 0 && (sv.f_flag & ST_RDONLY);

	if (fd >= 0)
		close(fd);
	return readonly || (seals >= 0 && (seals & SEALS) == SEALS);
}

/* husk's own file seen through a private, detached, read-only clone of
 * the mount holding it: nothing appears in any mount table, the page cache
 * is shared, and a write through /proc/PID/exe meets EROFS. Needs
 * CAP_SYS_ADMIN. Returns an fd of the file, and in *tree the
 * mount's: closing the last reference to that dissolves the mount, which
 * waits for an RCU grace period (~0.2 ms here), so it is kept open until
 * self_protect_release. -1 when it cannot be had. */
static int readonly_view(int *tree)
{
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV };
	char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
	char *slash;
	int fd = -1;

	if (n <= 0 || n >= (ssize_t)sizeof(path) - 1)
		return -1;
	path[n] = '\0';
	slash = strrchr(path, '/');
	if (!slash || strstr(path, " (deleted)"))
		return -1;
	*slash = '\0';
	*tree = syscall(SYS_open_tree, AT_FDCWD, *path ? path : "/", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (*tree < 0)
		return -1;
	/* readable for exe_swap's mappings; O_PATH is enough to exec */
	if (syscall(SYS_mount_setattr, *tree, "", AT_EMPTY_PATH, &attr, sizeof(attr)) == 0 &&
	    (fd = openat(*tree, slash + 1, O_RDONLY | O_CLOEXEC)) < 0)
		fd = openat(*tree, slash + 1, O_PATH | O_CLOEXEC);
	if (fd < 0)
		close(*tree);
	return fd;
}

/* A sealed, executable memfd holding husk's own image; -1 on failure. */
static int sealed_copy(void)
{
	int src = open("/proc/self/exe", O_RDONLY | O_CLOEXEC), mfd = -1;
	struct stat st;
	off_t off = 0;

	if (src < 0 || fstat(src, &st) < 0)
		goto fail;
	mfd = memfd_create("husk", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
	if (mfd < 0 && errno == EINVAL)	/* kernels before 6.3 know no MFD_EXEC */
		mfd = memfd_create("husk", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (mfd < 0)
		goto fail;
	while (off < st.st_size) {
		ssize_t n = sendfile(mfd, src, &off, st.st_size - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail;
	}
	if (fcntl(mfd, F_ADD_SEALS, SEALS) < 0)
		goto fail;
	close(src);
	return mfd;
fail:
	if (src >= 0)
		close(src);
	if (mfd >= 0)
		close(mfd);
	return -1;
}

/* The read-only view's mount after the re-exec, inherited on purpose. */
static int view_tree = -1;

/* SEALED_ENV holds the fd of the read-only view's mount ("1" after a
 * memfd copy, which needs no keeping). */
static void adopt_view(const char *value)
{
	char *end;
	long fd = strtol(value, &end, 10);
	struct stat tree, exe;

	if (*end || fd <= 2 || fd > INT_MAX || fstat((int)fd, &tree) < 0 || !S_ISDIR(tree.st_mode) ||
	    stat("/proc/self/exe", &exe) < 0 || tree.st_dev != exe.st_dev)
		return;
	fcntl((int)fd, F_SETFD, FD_CLOEXEC);
	view_tree = (int)fd;
}

void self_protect_release(void)
{
	if (view_tree >= 0)
		close(view_tree);
	view_tree = -1;
}

/* tree: the mount to keep across the exec, -1 for none */
static void reexec(int fd, int tree, char **argv)
{
	char value[16];

	snprintf(value, sizeof(value), "%d", tree >= 0 ? tree : 1);
	if (tree >= 0 && fcntl(tree, F_SETFD, 0) < 0)
		return;
	setenv(SEALED_ENV, value, 1);
	syscall(SYS_execveat, fd, "", argv, environ, AT_EMPTY_PATH);
	unsetenv(SEALED_ENV);
}

void self_protect(const char *command, char **argv)
{
	const char *sealed = getenv(SEALED_ENV);
	int fd, tree = -1;

	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (sealed) {
		adopt_view(sealed);
		unsetenv(SEALED_ENV);
		prctl(PR_SET_NAME, "husk", 0, 0, 0);	/* not the fd number */
		return;
	}
	if (!runs_container_code(command) || exe_is_sealed())
		return;
	fd = readonly_view(&tree);
	if (fd >= 0 && exe_swap(fd)) {
		close(fd);
		view_tree = tree;
		return;
	}
	if (fd < 0)
		fd = sealed_copy();
	if (fd >= 0) {
		reexec(fd, tree, argv);
		close(fd);
	}
	if (tree >= 0)
		close(tree);
	log_warn("cannot run from a sealed copy of husk (%s): /proc/PID/exe of husk processes "
		 "will name the binary on the host", strerror(errno));
}
