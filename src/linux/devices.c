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

/* The directory to make path's last component in: /dev itself (devfd,
 * resolved once by the caller) for "/dev/NAME", else the parent resolved
 * (and made) inside the root, returned in *opened for the caller to close. */
static int parent_dir(int rootfd, int devfd, const char *path, const char **name,
		      int *opened, struct husk_err **err)
{
	const char *slash = strrchr(path, '/');
	char parent[4096];

	*name = slash + 1;
	if (slash - path == 4 && !strncmp(path, "/dev", 4))
		return devfd;
	snprintf(parent, sizeof(parent), "%.*s", (int)(slash - path), path);
	*opened = fs_open_in_root(rootfd, parent[0] ? parent : "/", FS_DIR, err);
	return *opened;
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

/* mknod, replacing what is there (but not a directory). A fresh /dev (a
 * tmpfs) has nothing to replace, so mknod goes first; once a node is found
 * in the way, the /dev is one that has them, and the rest unlink first. */
static int mknod_over(int dirfd, const char *name, mode_t mode, dev_t dev, bool *unlink_first,
		      const char *path, struct husk_err **err)
{
	if (!*unlink_first) {
		if (mknodat(dirfd, name, mode, dev) == 0)
			return 0;
		if (errno != EEXIST)
			return husk_syserr(err, "mknod \"%s\"", path);
		*unlink_first = true;
	}
	if (unlinkat(dirfd, name, 0) < 0 && errno != ENOENT && errno != EISDIR)
		return husk_syserr(err, "replace device \"%s\"", path);
	if (mknodat(dirfd, name, mode, dev) < 0)
		return husk_syserr(err, "mknod \"%s\"", path);
	return 0;
}

static int make_device(int rootfd, int devfd, const struct oci_device *d, bool in_userns,
		       bool *unlink_first, struct husk_err **err)
{
	mode_t mode = d->file_mode.set ? d->file_mode.v & 07777 : 0666;
	cleanup_close int opened = -1;
	const char *name;
	int dirfd;

	if (in_userns)
		return bind_host_device(rootfd, d, err);
	dirfd = parent_dir(rootfd, devfd, d->path, &name, &opened, err);
	if (dirfd < 0)
		return -1;
	if (mknod_over(dirfd, name, type_mode(d->type) | mode, makedev(d->major, d->minor),
		       unlink_first, d->path, err) < 0)
		return -1;
	/* the umask (or a default ACL) has had its say on mknod's mode */
	if (fchmodat(dirfd, name, mode, 0) < 0)
		return husk_syserr(err, "chmod device \"%s\"", d->path);
	if ((d->uid.set || d->gid.set) &&
	    fchownat(dirfd, name, d->uid.set ? d->uid.v : (uid_t)-1,
		     d->gid.set ? d->gid.v : (gid_t)-1, AT_SYMLINK_NOFOLLOW) < 0)
		return husk_syserr(err, "chown device \"%s\"", d->path);
	return 0;
}

static int make_link(int rootfd, int devfd, const char *target, const char *link,
		     struct husk_err **err)
{
	cleanup_close int opened = -1;
	const char *name;
	int dirfd = parent_dir(rootfd, devfd, link, &name, &opened, err);

	if (dirfd < 0)
		return -1;
	if (symlinkat(target, dirfd, name) < 0 && errno != EEXIST)
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

int devices_create(int rootfd, int devfd, const struct oci_config *cfg, bool in_userns,
		   struct husk_err **err)
{
	const struct oci_linux *lx = cfg->linux_cfg;
	bool unlink_first = false;

	for (size_t i = 0; i < sizeof(default_devices) / sizeof(default_devices[0]); i++) {
		if (configured(cfg, default_devices[i].path))
			continue;
		if (make_device(rootfd, devfd, &default_devices[i], in_userns, &unlink_first, err) < 0)
			return -1;
	}
	for (size_t i = 0; lx && i < lx->n_devices; i++)
		if (make_device(rootfd, devfd, &lx->devices[i], in_userns, &unlink_first, err) < 0)
			return husk_err_wrap(err, "linux.devices[%zu]", i);
	for (size_t i = 0; i < sizeof(default_links) / sizeof(default_links[0]); i++) {
		/* as runc: /dev/core only where the kernel has /proc/kcore (the
		 * host's /proc is still the one in sight here) */
		if (!strcmp(default_links[i].link, "/dev/core") && access("/proc/kcore", F_OK) < 0)
			continue;
		if (make_link(rootfd, devfd, default_links[i].target, default_links[i].link, err) < 0)
			return -1;
	}
	return 0;
}
