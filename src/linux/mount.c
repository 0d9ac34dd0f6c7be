#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/mount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "husk/cgroup.h"
#include "husk/cleanup.h"
#include "husk/fs.h"
#include "husk/mount.h"

struct flag_opt { const char *name; bool clear; unsigned long flag; };

static const struct flag_opt flag_opts[] = {
	{ "async", true, MS_SYNCHRONOUS }, { "atime", true, MS_NOATIME },
	{ "bind", false, MS_BIND }, { "defaults", false, 0 },
	{ "dev", true, MS_NODEV }, { "diratime", true, MS_NODIRATIME },
	{ "dirsync", false, MS_DIRSYNC }, { "exec", true, MS_NOEXEC },
	{ "iversion", false, MS_I_VERSION }, { "lazytime", false, MS_LAZYTIME },
	{ "loud", true, MS_SILENT }, { "mand", false, MS_MANDLOCK },
	{ "noatime", false, MS_NOATIME }, { "nodev", false, MS_NODEV },
	{ "nodiratime", false, MS_NODIRATIME }, { "noexec", false, MS_NOEXEC },
	{ "noiversion", true, MS_I_VERSION }, { "nolazytime", true, MS_LAZYTIME },
	{ "nomand", true, MS_MANDLOCK }, { "norelatime", true, MS_RELATIME },
	{ "nostrictatime", true, MS_STRICTATIME }, { "nosuid", false, MS_NOSUID },
	{ "nosymfollow", false, MS_NOSYMFOLLOW }, { "rbind", false, MS_BIND | MS_REC },
	{ "relatime", false, MS_RELATIME }, { "remount", false, MS_REMOUNT },
	{ "ro", false, MS_RDONLY }, { "rw", true, MS_RDONLY },
	{ "silent", false, MS_SILENT }, { "strictatime", false, MS_STRICTATIME },
	{ "suid", true, MS_NOSUID }, { "symfollow", true, MS_NOSYMFOLLOW },
	{ "sync", false, MS_SYNCHRONOUS },
};

static const struct { const char *name; unsigned long flag; } propagations[] = {
	{ "private", MS_PRIVATE }, { "rprivate", MS_PRIVATE | MS_REC },
	{ "shared", MS_SHARED }, { "rshared", MS_SHARED | MS_REC },
	{ "slave", MS_SLAVE }, { "rslave", MS_SLAVE | MS_REC },
	{ "unbindable", MS_UNBINDABLE }, { "runbindable", MS_UNBINDABLE | MS_REC },
};

/* runtime-spec 1.1 recursive options, applied with mount_setattr(2).
 * The atime mode is one field (MOUNT_ATTR__ATIME) the kernel changes only
 * when attr_clr names all of it: the atime options always clear it, and
 * set their mode (MOUNT_ATTR_RELATIME is 0; "ratime", "rnorelatime" and
 * "rnostrictatime" go back to it, the default). */
static const struct { const char *name; bool clear; uint64_t attr; bool atime; } recursive_opts[] = {
	{ "rro", false, MOUNT_ATTR_RDONLY, false }, { "rrw", true, MOUNT_ATTR_RDONLY, false },
	{ "rnosuid", false, MOUNT_ATTR_NOSUID, false }, { "rsuid", true, MOUNT_ATTR_NOSUID, false },
	{ "rnodev", false, MOUNT_ATTR_NODEV, false }, { "rdev", true, MOUNT_ATTR_NODEV, false },
	{ "rnoexec", false, MOUNT_ATTR_NOEXEC, false }, { "rexec", true, MOUNT_ATTR_NOEXEC, false },
	{ "rnodiratime", false, MOUNT_ATTR_NODIRATIME, false }, { "rdiratime", true, MOUNT_ATTR_NODIRATIME, false },
	{ "rnoatime", false, MOUNT_ATTR_NOATIME, true }, { "ratime", true, 0, true },
	{ "rrelatime", false, MOUNT_ATTR_RELATIME, true }, { "rnorelatime", true, 0, true },
	{ "rstrictatime", false, MOUNT_ATTR_STRICTATIME, true }, { "rnostrictatime", true, 0, true },
	{ "rnosymfollow", false, MOUNT_ATTR_NOSYMFOLLOW, false }, { "rsymfollow", true, MOUNT_ATTR_NOSYMFOLLOW, false },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

const char **mount_option_names(void)
{
	size_t n = 0, max = N(flag_opts) + N(propagations) + N(recursive_opts) + 2;
	const char **v = calloc(max, sizeof(*v));

	if (!v)
		return NULL;
	for (size_t i = 0; i < N(flag_opts); i++)
		v[n++] = flag_opts[i].name;
	for (size_t i = 0; i < N(propagations); i++)
		v[n++] = propagations[i].name;
	for (size_t i = 0; i < N(recursive_opts); i++)
		v[n++] = recursive_opts[i].name;
	v[n++] = "tmpcopyup";
	qsort(v, n, sizeof(*v), cmp_names);
	return v;
}

unsigned long mount_propagation(const char *name)
{
	for (size_t i = 0; i < N(propagations); i++)
		if (!strcmp(name, propagations[i].name))
			return propagations[i].flag;
	return 0;
}

static bool parse_flag_opt(const char *opt, struct mount_opts *o)
{
	for (size_t i = 0; i < N(flag_opts); i++) {
		if (strcmp(opt, flag_opts[i].name))
			continue;
		if (flag_opts[i].clear)
			o->flags &= ~flag_opts[i].flag;
		else
			o->flags |= flag_opts[i].flag;
		return true;
	}
	return false;
}

static bool parse_recursive_opt(const char *opt, struct mount_opts *o)
{
	for (size_t i = 0; i < N(recursive_opts); i++) {
		if (strcmp(opt, recursive_opts[i].name))
			continue;
		if (recursive_opts[i].atime) {
			o->attr_clr |= MOUNT_ATTR__ATIME;
			o->attr_set = (o->attr_set & ~MOUNT_ATTR__ATIME) | recursive_opts[i].attr;
			return true;
		}
		if (recursive_opts[i].clear)
			o->attr_clr |= recursive_opts[i].attr;
		else
			o->attr_set |= recursive_opts[i].attr;
		return true;
	}
	return false;
}

static int append_data(struct mount_opts *o, const char *opt)
{
	size_t old = o->data ? strlen(o->data) : 0;
	char *grown = realloc(o->data, old + strlen(opt) + 2);

	if (!grown)
		return -1;
	if (old)
		grown[old++] = ',';
	strcpy(grown + old, opt);
	o->data = grown;
	return 0;
}

int mount_opts_parse(const struct oci_strv *options, struct mount_opts *o,
		     struct husk_err **err)
{
	memset(o, 0, sizeof(*o));
	for (size_t i = 0; i < options->n; i++) {
		const char *opt = options->v[i];
		unsigned long prop = mount_propagation(opt);

		if (prop)
			o->propagation = prop;
		else if (!strcmp(opt, "tmpcopyup"))
			o->copyup = true;
		else if (!parse_flag_opt(opt, o) && !parse_recursive_opt(opt, o) &&
			 append_data(o, opt) < 0)
			return husk_error(err, ENOMEM, "mount options");
	}
	o->bind = o->flags & MS_BIND;
	return 0;
}

void mount_opts_free(struct mount_opts *o)
{
	free(o->data);
	o->data = NULL;
}

static enum fs_kind dest_kind(const struct oci_mount *m, bool bind)
{
	struct stat st;

	if (bind && m->source && stat(m->source, &st) == 0 && !S_ISDIR(st.st_mode))
		return FS_FILE;
	return FS_DIR;
}

/* Flags a bind remount in a user namespace must keep: the kernel refuses
 * (EPERM) to clear the flags of a mount locked by a more privileged one. */
static unsigned long locked_flags(const char *target)
{
	static const struct { unsigned long st, ms; } map[] = {
		{ ST_NOSUID, MS_NOSUID }, { ST_NODEV, MS_NODEV }, { ST_NOEXEC, MS_NOEXEC },
		{ ST_NOATIME, MS_NOATIME }, { ST_NODIRATIME, MS_NODIRATIME },
		{ ST_RELATIME, MS_RELATIME },
	};
	unsigned long flags = 0;
	struct statvfs sv;

	if (statvfs(target, &sv) < 0)
		return 0;
	for (size_t i = 0; i < N(map); i++)
		if (sv.f_flag & map[i].st)
			flags |= map[i].ms;
	return flags;
}

static int remount_bind(int top, const char *dest, unsigned long flags, bool in_userns,
			struct husk_err **err)
{
	char path[FS_FD_PATH_MAX];

	fs_fd_path(top, path);
	if (in_userns)
		flags |= locked_flags(path);
	if (mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | flags, NULL) < 0)
		return husk_syserr(err, "remount \"%s\"", dest);
	return 0;
}

static int apply_after(int top, const char *dest, const struct mount_opts *o,
		       struct husk_err **err)
{
	char path[FS_FD_PATH_MAX];

	if (o->propagation && mount(NULL, fs_fd_path(top, path), NULL, o->propagation, NULL) < 0)
		return husk_syserr(err, "set propagation of \"%s\"", dest);
	if (o->attr_set || o->attr_clr) {
		struct mount_attr attr = { .attr_set = o->attr_set, .attr_clr = o->attr_clr };

		if (syscall(SYS_mount_setattr, top, "", AT_EMPTY_PATH | AT_RECURSIVE,
			    &attr, sizeof(attr)) < 0)
			return husk_syserr(err, "set recursive options of \"%s\"", dest);
	}
	return 0;
}

/* ------------------------------------------------------------ tmpcopyup */

static int copy_data(int in, int out)
{
	char buf[65536];

	for (;;) {
		ssize_t n = copy_file_range(in, NULL, out, NULL, 1 << 30, 0);

		if (n == 0)
			return 0;
		if (n > 0)
			continue;
		if (errno == EINTR)
			continue;
		if (errno != EXDEV && errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
			return -1;
		break;	/* no copy_file_range between these: read and write */
	}
	for (;;) {
		ssize_t n = read(in, buf, sizeof(buf)), off = 0;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return (int)n;
		while (off < n) {
			ssize_t w = write(out, buf + off, n - off);

			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				return -1;
			off += w;
		}
	}
}

/* Owner, mode and times of st onto dst/name (fd >= 0: onto fd). Owner
 * first: chown clears the set-id bits that chmod then puts back. */
static int copy_attrs(int dst, const char *name, int fd, const struct stat *st)
{
	struct timespec t[2] = { st->st_atim, st->st_mtim };

	if (fd >= 0)
		return fchown(fd, st->st_uid, st->st_gid) < 0 || fchmod(fd, st->st_mode & 07777) < 0 ||
		       futimens(fd, t) < 0 ? -1 : 0;
	if (fchownat(dst, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0)
		return -1;
	if (!S_ISLNK(st->st_mode) && fchmodat(dst, name, st->st_mode & 07777, 0) < 0)
		return -1;
	return utimensat(dst, name, t, AT_SYMLINK_NOFOLLOW);
}

/* Copy the entries of directory src into directory dst, keeping types,
 * owners, modes and times (hard links become separate copies). */
static int copy_tree(int src, int dst, const char *where, struct husk_err **err)
{
	int dupfd = fcntl(src, F_DUPFD_CLOEXEC, 0);
	DIR *d = dupfd >= 0 ? fdopendir(dupfd) : NULL;
	struct dirent *e;
	int ret = 0;

	if (!d) {
		if (dupfd >= 0)
			close(dupfd);
		return husk_syserr(err, "tmpcopyup: read \"%s\"", where);
	}
	while (ret == 0 && (errno = 0, e = readdir(d))) {
		cleanup_close int in = -1, out = -1;
		const char *name = e->d_name;
		char path[4096], target[4096];
		struct stat st;
		ssize_t len;

		if (!strcmp(name, ".") || !strcmp(name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", where, name);
		if (fstatat(src, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			ret = husk_syserr(err, "tmpcopyup: stat \"%s\"", path);
			break;
		}
		switch (st.st_mode & S_IFMT) {
		case S_IFDIR:
			if (mkdirat(dst, name, 0700) < 0 ||
			    (in = openat(src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0 ||
			    (out = openat(dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
				ret = husk_syserr(err, "tmpcopyup: copy directory \"%s\"", path);
				break;
			}
			ret = copy_tree(in, out, path, err);
			if (ret == 0 && copy_attrs(dst, name, out, &st) < 0)
				ret = husk_syserr(err, "tmpcopyup: set owner and mode of \"%s\"", path);
			break;
		case S_IFREG:
			in = openat(src, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
			out = openat(dst, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
			if (in < 0 || out < 0 || copy_data(in, out) < 0 || copy_attrs(dst, name, out, &st) < 0)
				ret = husk_syserr(err, "tmpcopyup: copy file \"%s\"", path);
			break;
		case S_IFLNK:
			len = readlinkat(src, name, target, sizeof(target) - 1);
			if (len >= 0)
				target[len] = '\0';
			if (len < 0 || symlinkat(target, dst, name) < 0 || copy_attrs(dst, name, -1, &st) < 0)
				ret = husk_syserr(err, "tmpcopyup: copy symlink \"%s\"", path);
			break;
		default:	/* devices, fifos, sockets */
			if (mknodat(dst, name, st.st_mode, st.st_rdev) < 0 || copy_attrs(dst, name, -1, &st) < 0)
				ret = husk_syserr(err, "tmpcopyup: copy \"%s\"", path);
			break;
		}
	}
	if (ret == 0 && errno)
		ret = husk_syserr(err, "tmpcopyup: read \"%s\"", where);
	closedir(d);
	return ret;
}

/* After the tmpfs went over dest: copy into it what it covers (still
 * reachable through `under`, opened before the mount), and give its root
 * the owner and mode of the directory it covers. */
static int tmpfs_copyup(int top, const char *dest, int under, struct husk_err **err)
{
	cleanup_close int dir = -1;
	char path[FS_FD_PATH_MAX];
	struct stat st;

	dir = open(fs_fd_path(top, path), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0 || fstat(under, &st) < 0)
		return husk_syserr(err, "tmpcopyup: open \"%s\"", dest);
	if (copy_tree(under, dir, dest, err) < 0)
		return -1;
	if (copy_attrs(-1, NULL, dir, &st) < 0)
		return husk_syserr(err, "tmpcopyup: set owner and mode of \"%s\"", dest);
	return 0;
}

/* Are the comma-separated lists a and b the same set? */
static bool same_set(const char *a, const char *b)
{
	size_t na = 0, nb = 0;

	for (const char *p = a; *p; ) {
		size_t len = strcspn(p, ",");
		const char *q = b;

		while (*q) {
			size_t l2 = strcspn(q, ",");

			if (l2 == len && !strncmp(p, q, len))
				break;
			q += l2 + (q[l2] == ',');
		}
		if (!*q)
			return false;
		na++;
		p += len + (p[len] == ',');
	}
	for (const char *q = b; *q; q += strcspn(q, ","), q += *q == ',')
		nb++;
	return na == nb;
}

/* This process's cgroup in hierarchy h, from /proc/self/cgroup (in buf);
 * NULL when not listed. Inside a cgroup namespace every path reads "/". */
static const char *own_cgroup(const struct cgroup_hierarchy *h, char *buf)
{
	for (char *line = buf, *next; line && *line; line = next) {
		char *ctrl, *path;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		ctrl = strchr(line, ':');
		path = ctrl ? strchr(ctrl + 1, ':') : NULL;
		if (!path)
			continue;
		*ctrl++ = '\0';
		*path++ = '\0';
		if (h->v2 ? !strcmp(line, "0") && !*ctrl : same_set(ctrl, h->controllers))
			return path;
	}
	return NULL;
}

/* One hierarchy at `where` (a directory of the new tmpfs): without a cgroup
 * namespace a bind of the container's own cgroup directory, as runc does,
 * so that the container sees its limits at the top
 * (/sys/fs/cgroup/memory/memory.limit_in_bytes); in one (or when the
 * container's cgroup is the root) a cgroupfs mount, whose root is the
 * namespace's. cg is /proc/self/cgroup, read once for all hierarchies. */
static int mount_hierarchy(const struct cgroup_hierarchy *h, const char *cg, const char *where,
			   const char *subpath, unsigned long flags, struct husk_err **err)
{
	cleanup_free char *lines = cg ? strdup(cg) : NULL;
	const char *own = lines ? own_cgroup(h, lines) : NULL;
	char src[4096];

	if (!own || !strcmp(own, "/")) {
		if (mount("cgroup", where, h->v2 ? "cgroup2" : "cgroup", flags,
			  h->v2 ? NULL : h->controllers) < 0)
			return husk_syserr(err, "mount cgroup \"%s\" on \"%s\"", h->controllers, subpath);
		return 0;
	}
	snprintf(src, sizeof(src), "%s%s", h->mount, own);
	if (mount(src, where, NULL, MS_BIND | MS_REC, NULL) < 0)
		return husk_syserr(err, "bind cgroup \"%s\" on \"%s\"", src, subpath);
	/* `where` now leads to the top of the bind, which the remount needs;
	 * keeping the flags of the host's mount also keeps a user namespace
	 * from refusing the remount (locked flags) */
	if (mount(NULL, where, NULL, MS_BIND | MS_REMOUNT | flags | locked_flags(where), NULL) < 0)
		return husk_syserr(err, "remount cgroup \"%s\" on \"%s\"", src, subpath);
	return 0;
}

/* The v1 hierarchies, each in a directory made in the fresh tmpfs whose
 * root is top. Only husk has seen that tmpfs: its directories are reached
 * through top's /proc/self/fd path (the host's /proc, trusted before
 * pivot_root), not resolved from the container's root again. */
static int mount_hierarchies(const struct cgroup_layout *l, int top, const char *dest,
			     unsigned long flags, struct husk_err **err)
{
	cleanup_free char *cg = fs_read_file("/proc/self/cgroup", NULL, NULL);

	for (size_t i = 0; i < l->n; i++) {
		const char *name = strrchr(l->h[i].mount, '/') + 1;
		char subpath[4096], where[FS_FD_PATH_MAX + NAME_MAX + 1];

		snprintf(subpath, sizeof(subpath), "%s/%s", dest, name);
		if (mkdirat(top, name, 0755) < 0 && errno != EEXIST)
			return husk_syserr(err, "mkdir \"%s\"", subpath);
		snprintf(where, sizeof(where), "/proc/self/fd/%d/%s", top, name);
		if (mount_hierarchy(&l->h[i], cg, where, subpath, flags, err) < 0)
			return -1;
	}
	return 0;
}

/* "cgroup" in a config means the container's view of the host's cgroup
 * hierarchies: cgroup2 on a unified host, else a tmpfs holding one v1
 * mount per controller (its root the container's own cgroup: see
 * mount_hierarchy). */
static int mount_cgroup(int rootfd, const char *dest, const struct mount_opts *o,
			const struct cgroup_layout *l, struct husk_err **err)
{
	unsigned long flags = (o->flags & ~MS_RDONLY) | MS_NOSUID | MS_NODEV | MS_NOEXEC;
	cleanup_close int fd = -1, top = -1;
	char path[FS_FD_PATH_MAX];

	fd = fs_open_in_root(rootfd, dest, FS_DIR, err);
	if (fd < 0)
		return -1;
	if (l->mode == CGROUP_V2) {
		if (mount("cgroup2", fs_fd_path(fd, path), "cgroup2", flags | (o->flags & MS_RDONLY), NULL) < 0)
			return husk_syserr(err, "mount cgroup2 on \"%s\"", dest);
		return 0;
	}
	if (mount("tmpfs", fs_fd_path(fd, path), "tmpfs", flags, "mode=755") < 0)
		return husk_syserr(err, "mount tmpfs on \"%s\"", dest);
	/* fd is the directory the tmpfs covers; its root is found from the
	 * container's root once */
	top = fs_open_in_root(rootfd, dest, FS_ANY, err);
	if (top < 0 || mount_hierarchies(l, top, dest, flags | (o->flags & MS_RDONLY), err) < 0)
		return -1;
	if ((o->flags & MS_RDONLY) && mount(NULL, fs_fd_path(top, path), NULL,
					    MS_REMOUNT | MS_RDONLY | flags, "mode=755") < 0)
		return husk_syserr(err, "remount \"%s\" read-only", dest);
	return 0;
}

/* What is done to a mount once it is in place (bind remount, tmpcopyup,
 * propagation, recursive attributes) is done on its top: dest resolved
 * again, once, now that the mount covers it. */
static int finish_mount(int rootfd, const char *dest, const struct mount_opts *o,
			bool in_userns, int under, struct husk_err **err)
{
	unsigned long remount = o->bind ? o->flags & ~(MS_BIND | MS_REC | MS_REMOUNT) : 0;
	cleanup_close int top = -1;

	if (!remount && under < 0 && !o->propagation && !o->attr_set && !o->attr_clr)
		return 0;
	top = fs_open_in_root(rootfd, dest, FS_ANY, err);
	if (top < 0)
		return -1;
	if (remount && remount_bind(top, dest, remount, in_userns, err) < 0)
		return -1;
	if (under >= 0 && tmpfs_copyup(top, dest, under, err) < 0)
		return -1;
	return apply_after(top, dest, o, err);
}

int mount_one(int rootfd, const struct oci_mount *m, bool in_userns,
	      const struct cgroup_layout *cgroups, struct husk_err **err)
{
	struct mount_opts o;
	cleanup_close int fd = -1, under = -1;
	char path[FS_FD_PATH_MAX];
	const char *type = m->type;
	int ret = -1;

	/* `husk features` says idmap: false; better refused than ignored */
	if (m->n_uid_mappings || m->n_gid_mappings)
		return husk_error(err, 0, "mount on \"%s\": uidMappings and gidMappings (id-mapped "
				  "mounts) are not supported by husk", m->destination);
	if (mount_opts_parse(&m->options, &o, err) < 0)
		return -1;
	if (type && !strcmp(type, "bind"))
		o.bind = true;
	if (!o.bind && type && !strcmp(type, "cgroup")) {
		ret = mount_cgroup(rootfd, m->destination, &o, cgroups, err);
		goto out;
	}
	/* tmpcopyup copies what is there: a directory husk makes has nothing,
	 * and its tmpfs keeps the mode= it was given (as runc) */
	if (o.copyup) {
		fd = fs_open_in_root(rootfd, m->destination, FS_ANY, NULL);
		o.copyup = fd >= 0;
	}
	if (fd < 0)
		fd = fs_open_in_root(rootfd, m->destination, dest_kind(m, o.bind), err);
	if (fd < 0)
		goto out;
	if (o.bind) {
		if (mount(m->source, fs_fd_path(fd, path), NULL, MS_BIND | (o.flags & MS_REC), NULL) < 0) {
			husk_syserr(err, "bind \"%s\"", m->source);
			goto out;
		}
	} else {
		if (o.copyup && type && !strcmp(type, "tmpfs")) {
			under = open(fs_fd_path(fd, path), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (under < 0) {
				husk_syserr(err, "tmpcopyup: open \"%s\"", m->destination);
				goto out;
			}
		}
		if (mount(m->source ? m->source : type, fs_fd_path(fd, path), type,
			  o.flags & ~MS_REC, o.data) < 0) {
			/* the data options are what the filesystem refused, often */
			husk_syserr(err, "mount \"%s\" (type %s%s%s%s)", m->source ? m->source : "none",
				    type ? type : "none", o.data && *o.data ? ", options \"" : "",
				    o.data && *o.data ? o.data : "", o.data && *o.data ? "\"" : "");
			goto out;
		}
	}
	ret = finish_mount(rootfd, m->destination, &o, in_userns, under, err);
out:
	mount_opts_free(&o);
	return ret < 0 ? husk_err_wrap(err, "mount on \"%s\"", m->destination) : 0;
}
