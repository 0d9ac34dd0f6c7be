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
 * CAP_SYS_ADMIN; -1 when it cannot be had. */
static int readonly_view(void)
{
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV };
	char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
	char *slash;
	int tree, fd;

	if (n <= 0 || n >= (ssize_t)sizeof(path) - 1)
		return -1;
	path[n] = '\0';
	slash = strrchr(path, '/');
	if (!slash || strstr(path, " (deleted)"))
		return -1;
	*slash = '\0';
	tree = syscall(SYS_open_tree, AT_FDCWD, *path ? path : "/", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree < 0)
		return -1;
	fd = -1;
	if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &attr, sizeof(attr)) == 0)
		fd = openat(tree, slash + 1, O_PATH | O_CLOEXEC);
	close(tree);
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

void self_protect(const char *command, char **argv)
{
	int mfd;

	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (getenv(SEALED_ENV)) {
		unsetenv(SEALED_ENV);
		prctl(PR_SET_NAME, "husk", 0, 0, 0);	/* not the fd number */
		return;
	}
	if (!runs_container_code(command) || exe_is_sealed())
		return;
	mfd = readonly_view();
	if (mfd < 0)
		mfd = sealed_copy();
	if (mfd >= 0) {
		setenv(SEALED_ENV, "1", 1);
		syscall(SYS_execveat, mfd, "", argv, environ, AT_EMPTY_PATH);
		unsetenv(SEALED_ENV);
		close(mfd);
	}
	log_warn("cannot run from a sealed copy of husk (%s): /proc/PID/exe of husk processes "
		 "will name the binary on the host", strerror(errno));
}
