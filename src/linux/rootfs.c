#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <linux/openat2.h>

#include "husk/cleanup.h"
#include "husk/fs.h"
#include "husk/mount.h"
#include "husk/rootfs.h"

static bool is_bind(const struct oci_mount *m)
{
	if (m->type && !strcmp(m->type, "bind"))
		return true;
	for (size_t i = 0; i < m->options.n; i++)
		if (!strcmp(m->options.v[i], "bind") || !strcmp(m->options.v[i], "rbind"))
			return true;
	return false;
}

/* husk makes /dev unless the config binds the host's /dev over it. */
static bool dev_from_host(const struct oci_config *cfg)
{
	for (size_t i = 0; i < cfg->n_mounts; i++)
		if (!strcmp(cfg->mounts[i].destination, "/dev") && is_bind(&cfg->mounts[i]))
			return true;
	return false;
}

/* A mount that shows the process's own cgroups: it must be in them. */
static bool is_cgroup_mount(const struct oci_mount *m)
{
	return m->type && (!strcmp(m->type, "cgroup") || !strcmp(m->type, "cgroup2"));
}

static bool has_mount_at(const struct oci_config *cfg, const char *dest)
{
	for (size_t i = 0; i < cfg->n_mounts; i++)
		if (!strcmp(cfg->mounts[i].destination, dest))
			return true;
	return false;
}

/* Mount events of the container must not reach the host: "/" becomes
 * rootfsPropagation (default rslave) before anything is mounted. */
static int prepare_propagation(const struct oci_config *cfg, struct husk_err **err)
{
	const char *prop = cfg->linux_cfg ? cfg->linux_cfg->rootfs_propagation : NULL;
	unsigned long flags = prop ? mount_propagation(prop) : MS_SLAVE | MS_REC;

	if (mount(NULL, "/", NULL, flags | MS_REC, NULL) < 0)
		return husk_syserr(err, "make / %s", prop ? prop : "rslave");
	return 0;
}

/* mountinfo escapes space, tab, newline and backslash as \ooo */
static void unescape_octal(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*w++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
			s += 3;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
}

/* pivot_root refuses a new root whose parent mount is shared, and an
 * unbindable mount cannot be bound onto itself: as runc does, the mount
 * that holds the rootfs is made private (in the container's mount
 * namespace only) before the rootfs is bound. rootfsPropagation is applied
 * to the new / afterwards, by rootfs_finish. */
static int rootfs_parent_private(const char *rootfs, struct husk_err **err)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[8192], mp[4096], best[4096] = "/";
	size_t best_len = 0;

	if (!f)
		return husk_syserr(err, "read /proc/self/mountinfo");
	while (fgets(line, sizeof(line), f)) {
		size_t n;

		if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) != 1)
			continue;
		unescape_octal(mp);
		n = strlen(mp);
		if (n == 1 && mp[0] == '/')
			n = 0;
		if (n >= best_len && !strncmp(rootfs, mp, n) && (rootfs[n] == '/' || rootfs[n] == '\0')) {
			snprintf(best, sizeof(best), "%s", n ? mp : "/");
			best_len = n;
		}
	}
	fclose(f);
	if (mount(NULL, best, NULL, MS_PRIVATE, NULL) < 0)
		return husk_syserr(err, "make \"%s\", the mount holding the rootfs, private", best);
	return 0;
}

/* Device nodes and links, all made in /dev resolved once inside the root;
 * with a devpts mount, /dev/ptmx leads to its ptmx. */
static int populate_dev(int rootfd, const struct oci_config *cfg, bool in_userns,
			struct husk_err **err)
{
	cleanup_close int dev = fs_open_in_root(rootfd, "/dev", FS_DIR, err);

	if (dev < 0 || devices_create(rootfd, dev, cfg, in_userns, err) < 0)
		return -1;
	if (!has_mount_at(cfg, "/dev/pts") || symlinkat("pts/ptmx", dev, "ptmx") == 0)
		return 0;
	if (errno == EEXIST) {
		unlinkat(dev, "ptmx", 0);
		if (symlinkat("pts/ptmx", dev, "ptmx") == 0)
			return 0;
	}
	return husk_syserr(err, "symlink /dev/ptmx");
}

/* The cwd is the rootfs already. */
static int switch_root(const char *rootfs, bool no_pivot, struct husk_err **err)
{
	if (no_pivot) {
		if (mount(rootfs, "/", NULL, MS_MOVE, NULL) < 0)
			return husk_syserr(err, "move rootfs \"%s\" to /", rootfs);
		if (chroot(".") < 0)
			return husk_syserr(err, "chroot into \"%s\"", rootfs);
		return chdir("/") < 0 ? husk_syserr(err, "chdir /") : 0;
	}
	/* pivot_root(".", ".") stacks the old root on top of the new one, so
	 * it can be detached without a directory to park it in */
	cleanup_close int old_root = open("/", O_DIRECTORY | O_PATH | O_CLOEXEC);

	if (old_root < 0)
		return husk_syserr(err, "open /");
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return husk_syserr(err, "pivot_root to \"%s\"", rootfs);
	/* "." is still the new root (a path does not follow onto what is
	 * stacked on its last component): step into the old one, or the
	 * container's own mounts would be made slaves, losing "rshared" */
	if (fchdir(old_root) < 0)
		return husk_syserr(err, "chdir to the old root");
	if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return husk_syserr(err, "make old root rslave");
	if (umount2(".", MNT_DETACH) < 0)
		return husk_syserr(err, "detach old root");
	return chdir("/") < 0 ? husk_syserr(err, "chdir /") : 0;
}

int rootfs_setup(const struct oci_config *cfg, const struct rootfs_opts *o,
		 struct husk_err **err)
{
	cleanup_close int rootfd = -1;
	bool in_cgroup = false;

	if (prepare_propagation(cfg, err) < 0 || rootfs_parent_private(o->rootfs, err) < 0)
		return -1;
	if (mount(o->rootfs, o->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
		return husk_syserr(err, "bind rootfs \"%s\"", o->rootfs);
	rootfd = open(o->rootfs, O_DIRECTORY | O_PATH | O_CLOEXEC);
	if (rootfd < 0)
		return husk_syserr(err, "open rootfs \"%s\"", o->rootfs);
	for (size_t i = 0; i < cfg->n_mounts; i++) {
		if (!in_cgroup && is_cgroup_mount(&cfg->mounts[i])) {
			if (o->in_cgroup(o->arg, err) < 0)
				return -1;
			in_cgroup = true;
		}
		if (mount_one(rootfd, &cfg->mounts[i], o->in_userns, o->cgroups, err) < 0)
			return husk_err_wrap(err, "mounts[%zu]", i);
	}
	if (!in_cgroup && o->in_cgroup(o->arg, err) < 0)
		return -1;
	if (!dev_from_host(cfg) && populate_dev(rootfd, cfg, o->in_userns, err) < 0)
		return -1;
	if (fchdir(rootfd) < 0)
		return husk_syserr(err, "chdir to rootfs \"%s\"", o->rootfs);
	if (o->before_pivot && o->before_pivot(o->arg, err) < 0)
		return -1;
	return switch_root(o->rootfs, o->no_pivot, err);
}

/* The mounts below are made with the new mount API on file descriptors:
 * the target is the fd fs_open_in_root resolved inside the root, never a
 * path resolved again (or a /proc/self/fd path, which needs /proc to be
 * trusted), so nothing the container's files do can move a mount out of
 * place. */

/* Attach the detached mount tree onto the object target refers to. */
static int attach(int tree, int target, const char *what, struct husk_err **err)
{
	if (move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return husk_syserr(err, "mount %s", what);
	return 0;
}

/* The container's /dev/null, verified to be the null device itself and
 * not some other file planted there (CVE-2025-31133): binding it over a
 * masked path must hide that path, not expose something. Symlinks are
 * resolved inside the root; what they lead to must still be char 1:3. */
static int open_dev_null(int rootfd, struct husk_err **err)
{
	struct open_how how = { .flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
				.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
	int fd = syscall(SYS_openat2, rootfd, "/dev/null", &how, sizeof(how));
	struct stat st;

	if (fd < 0)
		return husk_syserr(err, "open /dev/null to mask with");
	if (fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3)) {
		close(fd);
		return husk_error(err, 0, "/dev/null is not the null device (char 1:3): refusing to mask "
				  "with it");
	}
	return fd;
}

/* What masking needs, made on first use: the container's /dev/null, and
 * the empty read-only tmpfs of the first masked directory. */
struct masks {
	int null_fd;
	int tmpfs;
};

static void masks_close(struct masks *m)
{
	husk_closep(&m->null_fd);
	husk_closep(&m->tmpfs);
}

/* An empty read-only tmpfs for a masked directory. One superblock serves
 * them all: the first is made, the others are clones of its mount. Each
 * clone is made private before it is attached: the first mask became
 * shared if its parent was, some kernels put a clone of a shared mount in
 * its peer group, and a mask must propagate as a fresh mount would. */
static int mask_tmpfs(const struct masks *m, const char *path, struct husk_err **err)
{
	struct mount_attr priv = { .propagation = MS_PRIVATE };
	cleanup_close int fs = -1, tree = -1;

	if (m->tmpfs >= 0) {
		tree = open_tree(m->tmpfs, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
		if (tree < 0 || mount_setattr(tree, "", AT_EMPTY_PATH, &priv, sizeof(priv)) < 0)
			return husk_syserr(err, "mask \"%s\": make a tmpfs", path);
		return steal_fd(tree);
	}
	fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
	if (fs < 0 || fsconfig(fs, FSCONFIG_SET_STRING, "size", "0", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "mode", "555", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return husk_syserr(err, "mask \"%s\": make a tmpfs", path);
	tree = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
		       MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	if (tree < 0)
		return husk_syserr(err, "mask \"%s\"", path);
	return steal_fd(tree);
}

/* A masked file gets /dev/null bound over it, a masked directory an empty
 * read-only tmpfs; paths that do not exist need no masking. */
static int mask_path(int rootfd, struct masks *m, const char *path, struct husk_err **err)
{
	cleanup_close int fd = -1, tree = -1;
	struct stat st;

	fd = fs_open_in_root(rootfd, path, FS_ANY, NULL);
	if (fd < 0)
		return 0;
	if (fstat(fd, &st) < 0)
		return husk_syserr(err, "stat masked path \"%s\"", path);
	if (S_ISDIR(st.st_mode)) {
		tree = mask_tmpfs(m, path, err);
		if (tree < 0)
			return -1;
	} else {
		if (m->null_fd < 0 && (m->null_fd = open_dev_null(rootfd, err)) < 0)
			return husk_err_wrap(err, "mask \"%s\"", path);
		tree = open_tree(m->null_fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
		if (tree < 0)
			return husk_syserr(err, "mask \"%s\"", path);
	}
	if (attach(tree, fd, path, err) < 0)
		return husk_err_wrap(err, "mask");
	/* the first tmpfs, attached now, is what the next ones clone */
	if (S_ISDIR(st.st_mode) && m->tmpfs < 0)
		m->tmpfs = steal_fd(tree);
	return 0;
}

/* A read-only path is a read-only recursive bind of itself; only the
 * read-only attribute is added, so nosuid, nodev and the like stay. */
static int readonly_path(int rootfd, const char *path, struct husk_err **err)
{
	cleanup_close int fd = fs_open_in_root(rootfd, path, FS_ANY, NULL);
	cleanup_close int tree = -1;
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };

	if (fd < 0)
		return 0;
	tree = open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
	if (tree < 0)
		return husk_syserr(err, "bind read-only path \"%s\"", path);
	if (mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
		return husk_syserr(err, "make \"%s\" read-only", path);
	return attach(tree, fd, path, err);
}

static int readonly_root(struct husk_err **err)
{
	struct statvfs sv;
	unsigned long keep = 0;

	if (statvfs("/", &sv) == 0) {
		keep |= sv.f_flag & ST_NOSUID ? MS_NOSUID : 0;
		keep |= sv.f_flag & ST_NODEV ? MS_NODEV : 0;
		keep |= sv.f_flag & ST_NOEXEC ? MS_NOEXEC : 0;
	}
	if (mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | keep, NULL) < 0)
		return husk_syserr(err, "make root read-only");
	return 0;
}

int rootfs_finish(const struct oci_config *cfg, struct husk_err **err)
{
	const struct oci_linux *lx = cfg->linux_cfg;
	cleanup_close int rootfd = open("/", O_DIRECTORY | O_PATH | O_CLOEXEC);
	__attribute__((cleanup(masks_close))) struct masks m = { -1, -1 };

	if (rootfd < 0)
		return husk_syserr(err, "open /");
	for (size_t i = 0; lx && i < lx->masked_paths.n; i++)
		if (mask_path(rootfd, &m, lx->masked_paths.v[i], err) < 0)
			return husk_err_wrap(err, "linux.maskedPaths[%zu]", i);
	for (size_t i = 0; lx && i < lx->readonly_paths.n; i++)
		if (readonly_path(rootfd, lx->readonly_paths.v[i], err) < 0)
			return husk_err_wrap(err, "linux.readonlyPaths[%zu]", i);
	if (lx && lx->rootfs_propagation &&
	    mount(NULL, "/", NULL, mount_propagation(lx->rootfs_propagation) | MS_REC, NULL) < 0)
		return husk_syserr(err, "linux.rootfsPropagation: set \"%s\" on /", lx->rootfs_propagation);
	if (cfg->root.readonly && readonly_root(err) < 0)
		return -1;
	return 0;
}
