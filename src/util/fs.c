#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <dirent.h>
#include <stdbool.h>

#include "husk/cleanup.h"
#include "husk/fs.h"

/* All of fd (path names it in errors), NUL-terminated. */
static char *read_fd(int fd, const char *path, size_t *len, struct husk_err **err)
{
	size_t cap = 4096, n = 0;
	char *buf;

	buf = malloc(cap + 1);
	while (buf) {
		ssize_t r = read(fd, buf + n, cap - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			husk_syserr(err, "read \"%s\"", path);
			free(buf);
			return NULL;
		}
		if (r == 0)
			break;
		n += r;
		if (n == cap) {
			char *bigger = realloc(buf, cap * 2 + 1);

			if (!bigger)
				free(buf);
			buf = bigger;
			cap *= 2;
		}
	}
	if (!buf) {
		husk_error(err, ENOMEM, "read \"%s\"", path);
		return NULL;
	}
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

char *fs_read_fileat(int dirfd, const char *path, size_t *len, struct husk_err **err)
{
	cleanup_close int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		husk_syserr(err, "open \"%s\"", path);
		return NULL;
	}
	return read_fd(fd, path, len, err);
}

char *fs_read_file(const char *path, size_t *len, struct husk_err **err)
{
	return fs_read_fileat(AT_FDCWD, path, len, err);
}

char *fs_read_regular(const char *path, size_t max, size_t *len, struct husk_err **err)
{
	/* O_NONBLOCK: opening a FIFO for reading would wait for a writer */
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0) {
		husk_syserr(err, "open \"%s\"", path);
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		husk_error(err, 0, "\"%s\" is not a regular file", path);
		return NULL;
	}
	if ((unsigned long long)st.st_size > max) {
		husk_error(err, 0, "\"%s\": too large (%lld bytes, the limit is %zu)", path,
			   (long long)st.st_size, max);
		return NULL;
	}
	return read_fd(fd, path, len, err);
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t w = write(fd, buf, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		buf += w;
		len -= w;
	}
	return 0;
}

int fs_write_fileat(int dirfd, const char *path, const char *buf, size_t len,
		    struct husk_err **err)
{
	cleanup_close int fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return husk_syserr(err, "open \"%s\"", path);
	if (write_all(fd, buf, len) < 0)
		return husk_syserr(err, "write \"%s\"", path);
	return 0;
}

int fs_write_file(const char *path, const char *buf, size_t len, struct husk_err **err)
{
	return fs_write_fileat(AT_FDCWD, path, buf, len, err);
}

int fs_write_atomic(int dirfd, const char *name, const char *buf, size_t len,
		    mode_t mode, struct husk_err **err)
{
	char tmp[256];
	cleanup_close int fd = -1;

	snprintf(tmp, sizeof(tmp), ".%s.%d.tmp", name, getpid());
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return husk_syserr(err, "create \"%s\"", tmp);
	/* no fsync: state lives on /run and means nothing after a reboot;
	 * the rename alone keeps readers from seeing a partial file */
	if (write_all(fd, buf, len) < 0) {
		husk_syserr(err, "write \"%s\"", tmp);
		unlinkat(dirfd, tmp, 0);
		return -1;
	}
	if (renameat(dirfd, tmp, dirfd, name) < 0) {
		husk_syserr(err, "rename \"%s\" to \"%s\"", tmp, name);
		unlinkat(dirfd, tmp, 0);
		return -1;
	}
	return 0;
}

int fs_mkdir_p(const char *path, mode_t mode, struct husk_err **err)
{
	cleanup_free char *copy = strdup(path);

	if (!copy)
		return husk_error(err, ENOMEM, "mkdir \"%s\"", path);
	for (char *p = copy + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;

		*p = '\0';
		if (mkdir(copy, mode) < 0 && errno != EEXIST)
			return husk_syserr(err, "mkdir \"%s\"", copy);
		*p = saved;
		if (!saved)
			break;
	}
	return 0;
}

static int remove_entry(int at, const char *name, struct husk_err **err)
{
	if (unlinkat(at, name, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno == EISDIR)
		return fs_remove_tree(at, name, err);
	return husk_syserr(err, "remove \"%s\"", name);
}

int fs_remove_tree(int at, const char *name, struct husk_err **err)
{
	int fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct dirent *de;
	DIR *dir;
	int ret = 0;

	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0 && (errno == ENOTDIR || errno == ELOOP))
		return remove_entry(at, name, err);
	if (fd < 0)
		return husk_syserr(err, "open \"%s\"", name);
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return husk_syserr(err, "opendir \"%s\"", name);
	}
	while (ret == 0 && (de = readdir(dir))) {
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			ret = remove_entry(fd, de->d_name, err);
	}
	closedir(dir);
	if (ret == 0 && unlinkat(at, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		ret = husk_syserr(err, "remove \"%s\"", name);
	return ret;
}

const char *fs_fd_path(int fd, char buf[FS_FD_PATH_MAX])
{
	snprintf(buf, FS_FD_PATH_MAX, "/proc/self/fd/%d", fd);
	return buf;
}

static int openat2_in_root(int rootfd, const char *path, int flags)
{
	struct open_how how = {
		.flags = flags | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};

	return syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
}

/* The error for a path that does not open (not because something is
 * missing): named after its first prefix that does not open, as a walk
 * from the root meets it. */
static int open_error(int rootfd, char *path, struct husk_err **err)
{
	int saved = errno;

	for (char *p = path + 1; *p; p++) {
		int fd;

		if (*p != '/' || p[-1] == '/')
			continue;
		*p = '\0';
		fd = openat2_in_root(rootfd, path, O_PATH);
		if (fd < 0) {
			husk_syserr(err, "open \"%s\"", path);
			*p = '/';
			return -1;
		}
		close(fd);
		*p = '/';
	}
	errno = saved;
	return husk_syserr(err, "open \"%s\"", path);
}

static int open_or_make(int rootfd, char *path, enum fs_kind kind, struct husk_err **err);

/* path's parent exists or is made (as a directory); then its last
 * component is made relative to the resolved parent, never through a
 * path, and opened again from the root. */
static int make_missing(int rootfd, char *path, enum fs_kind kind, struct husk_err **err)
{
	char *name = strrchr(path, '/'), *end = name;
	cleanup_close int parent = -1;
	int fd;

	while (end && end > path && end[-1] == '/')
		end--;
	if (!end || end == path) {	/* "name" or "/name": made in the root */
		parent = openat2_in_root(rootfd, "/", O_PATH | O_DIRECTORY);
		if (parent < 0)
			return husk_syserr(err, "open root of \"%s\"", path);
	} else {
		*end = '\0';
		parent = open_or_make(rootfd, path, FS_DIR, err);
		*end = '/';
		if (parent < 0)
			return -1;
	}
	name = name ? name + 1 : path;
	if (kind == FS_FILE) {
		fd = openat(parent, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd < 0 && errno != EEXIST)
			return husk_syserr(err, "create \"%s\"", path);
		if (fd >= 0)
			close(fd);
	} else if (mkdirat(parent, name, 0755) < 0 && errno != EEXIST) {
		return husk_syserr(err, "mkdir \"%s\"", path);
	}
	fd = openat2_in_root(rootfd, path, O_PATH);
	if (fd < 0)
		return husk_syserr(err, "open \"%s\"", path);
	return fd;
}

/* Open path (no trailing slash) inside the root, making what is missing.
 * Every open goes from the root, so a symlink planted in the rootfs
 * cannot lead the creation out of it; what exists costs one openat2. */
static int open_or_make(int rootfd, char *path, enum fs_kind kind, struct husk_err **err)
{
	int fd = openat2_in_root(rootfd, path, O_PATH);

	if (fd >= 0)
		return fd;
	if (errno != ENOENT)
		return open_error(rootfd, path, err);
	return make_missing(rootfd, path, kind, err);
}

int fs_open_in_root(int rootfd, const char *path, enum fs_kind create,
		    struct husk_err **err)
{
	cleanup_free char *copy = NULL;
	size_t len;
	int fd;

	if (create == FS_ANY) {
		fd = openat2_in_root(rootfd, path, O_PATH);
		if (fd < 0)
			return husk_syserr(err, "open \"%s\"", path);
		return fd;
	}
	copy = strdup(path);
	if (!copy)
		return husk_error(err, ENOMEM, "resolve \"%s\"", path);
	for (len = strlen(copy); len > 1 && copy[len - 1] == '/'; len--)
		copy[len - 1] = '\0';
	/* no component at all: the root itself */
	return open_or_make(rootfd, *copy ? copy : (char[]){ "/" }, create, err);
}

int fs_write_pid_file(const char *path, pid_t pid, struct husk_err **err)
{
	cleanup_free char *dir = strdup(path);
	cleanup_close int dirfd = -1;
	char buf[32], *slash;
	int len = snprintf(buf, sizeof(buf), "%d", pid);

	if (!dir)
		return husk_error(err, ENOMEM, "--pid-file");
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	dirfd = open(slash ? (*dir ? dir : "/") : ".", O_DIRECTORY | O_PATH | O_CLOEXEC);
	if (dirfd < 0)
		return husk_syserr(err, "--pid-file: open the directory of \"%s\"", path);
	if (fs_write_atomic(dirfd, slash ? slash + 1 : path, buf, len, 0644, err) < 0)
		return husk_err_wrap(err, "--pid-file");
	return 0;
}
