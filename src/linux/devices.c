#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "husk/cleanup.h"
#include "husk/fs.h"
#include "husk/rootfs.h"

/* The devices every container gets (runtime-spec "Default Devices"). */
static const struct oci_device default_devices[] = {
	{ .path = "/dev/null", .type = 'c', .major = 1, .minor = 3 },
	{ .path = "/dev/zero", .type = 'c', .major = 1, .minor = 5 },
	{ .path = "/dev/full", .type = 'c', .major = 1, .minor = 7 },
	{ .path = "/dev/random", .type = 'c', .major = 1, .minor = 8 },
	{ .path = "/dev/urandom", .type = 'c', .major = 1, .minor = 9 },
	{ .path = "/dev/tty", .type = 'c', .major = 5, .minor = 0 },
};

static const struct { const char *target, *link; } default_links[] = {
	{ "/proc/self/fd", "/dev/fd" },
	{ "/proc/self/fd/0", "/dev/stdin" },
	{ "/proc/self/fd/1", "/dev/stdout" },
	{ "/proc/self/fd/2", "/dev/stderr" },
	{ "/proc/kcore", "/dev/core" },
};

static mode_t type_mode(char type)
{
	return type == 'b' ? S_IFBLK : type == 'p' ? S_IFIFO : S_IFCHR;
}

/* Split "/dev/x/y" into a parent fd (made if missing) and the last name. */
static int open_parent(int rootfd, const char *path, const char **name,
		       struct husk_err **err)
{
	char parent[4096];
	const char *slash = strrchr(path, '/');

	*name = slash + 1;
	snprintf(parent, sizeof(parent), "%.*s", (int)(slash - path), path);
	return fs_open_in_root(rootfd, parent[0] ? parent : "/", FS_DIR, err);
}

/* In a user namespace mknod is refused, so the host's node is bound over a
 * placeholder file instead: only when it is the very device the config
 * names, so a device entry can never bind some other host file in. */
static int bind_host_device(int rootfd, const struct oci_device *d, struct husk_err **err)
{
	cleanup_close int fd = -1;
	char path[FS_FD_PATH_MAX];
	struct stat st;

	if (lstat(d->path, &st) < 0)
		return husk_syserr(err, "bind device \"%s\" from the host", d->path);
	if ((st.st_mode & S_IFMT) != type_mode(d->type) ||
	    (d->type != 'p' && (major(st.st_rdev) != d->major || minor(st.st_rdev) != d->minor)))
		return husk_error(err, 0, "bind device \"%s\" from the host: it is not the %c %lld:%lld "
				  "device asked for", d->path, d->type, (long long)d->major,
				  (long long)d->minor);
	fd = fs_open_in_root(rootfd, d->path, FS_FILE, err);
	if (fd < 0)
		return -1;
	if (mount(d->path, fs_fd_path(fd, path), NULL, MS_BIND, NULL) < 0)
		return husk_syserr(err, "bind device \"%s\"", d->path);
	return 0;
}

static int make_device(int rootfd, const struct oci_device *d, bool in_userns,
		       struct husk_err **err)
{
	mode_t mode = d->file_mode.set ? d->file_mode.v & 07777 : 0666;
	cleanup_close int dirfd = -1;
	const char *name;

	if (in_userns)
		return bind_host_device(rootfd, d, err);
	dirfd = open_parent(rootfd, d->path, &name, err);
	if (dirfd < 0)
		return -1;
	/* O_PATH dirfd: operate through its /proc path, which pins the dir */
	char dirpath[FS_FD_PATH_MAX];
	cleanup_close int real = open(fs_fd_path(dirfd, dirpath), O_DIRECTORY | O_RDONLY | O_CLOEXEC);

	if (real < 0)
		return husk_syserr(err, "open parent of device \"%s\"", d->path);
	if (unlinkat(real, name, 0) < 0 && errno != ENOENT && errno != EISDIR)
		return husk_syserr(err, "replace device \"%s\"", d->path);
	if (mknodat(real, name, type_mode(d->type) | mode, makedev(d->major, d->minor)) < 0)
		return husk_syserr(err, "mknod \"%s\"", d->path);
	if (fchmodat(real, name, mode, 0) < 0)
		return husk_syserr(err, "chmod device \"%s\"", d->path);
	if ((d->uid.set || d->gid.set) &&
	    fchownat(real, name, d->uid.set ? d->uid.v : (uid_t)-1,
		     d->gid.set ? d->gid.v : (gid_t)-1, AT_SYMLINK_NOFOLLOW) < 0)
		return husk_syserr(err, "chown device \"%s\"", d->path);
	return 0;
}

static int make_link(int rootfd, const char *target, const char *link, struct husk_err **err)
{
	cleanup_close int dirfd = -1, real = -1;
	char dirpath[FS_FD_PATH_MAX];
	const char *name;

	dirfd = open_parent(rootfd, link, &name, err);
	if (dirfd < 0)
		return -1;
	real = open(fs_fd_path(dirfd, dirpath), O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (real < 0)
		return husk_syserr(err, "open parent of \"%s\"", link);
	if (symlinkat(target, real, name) < 0 && errno != EEXIST)
		return husk_syserr(err, "symlink \"%s\"", link);
	return 0;
}

static bool configured(const struct oci_config *cfg, const char *path)
{
	const struct oci_linux *lx = cfg->linux_cfg;

	for (size_t i = 0; lx && i < lx->n_devices; i++)
		if (!strcmp(lx->devices[i].path, path))
			return true;
	return false;
}

int devices_create(int rootfd, const struct oci_config *cfg, bool in_userns,
		   struct husk_err **err)
{
	const struct oci_linux *lx = cfg->linux_cfg;

	for (size_t i = 0; i < sizeof(default_devices) / sizeof(default_devices[0]); i++) {
		if (configured(cfg, default_devices[i].path))
			continue;
		if (make_device(rootfd, &default_devices[i], in_userns, err) < 0)
			return -1;
	}
	for (size_t i = 0; lx && i < lx->n_devices; i++)
		if (make_device(rootfd, &lx->devices[i], in_userns, err) < 0)
			return husk_err_wrap(err, "linux.devices[%zu]", i);
	for (size_t i = 0; i < sizeof(default_links) / sizeof(default_links[0]); i++) {
		/* as runc: /dev/core only where the kernel has /proc/kcore (the
		 * host's /proc is still the one in sight here) */
		if (!strcmp(default_links[i].link, "/dev/core") && access("/proc/kcore", F_OK) < 0)
			continue;
		if (make_link(rootfd, default_links[i].target, default_links[i].link, err) < 0)
			return -1;
	}
	return 0;
}
