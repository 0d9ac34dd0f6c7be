#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
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

/* runtime-spec 1.1 recursive options, applied with mount_setattr(2). */
static const struct { const char *name; bool clear; uint64_t attr; } recursive_opts[] = {
	{ "rro", false, MOUNT_ATTR_RDONLY }, { "rrw", true, MOUNT_ATTR_RDONLY },
	{ "rnosuid", false, MOUNT_ATTR_NOSUID }, { "rsuid", true, MOUNT_ATTR_NOSUID },
	{ "rnodev", false, MOUNT_ATTR_NODEV }, { "rdev", true, MOUNT_ATTR_NODEV },
	{ "rnoexec", false, MOUNT_ATTR_NOEXEC }, { "rexec", true, MOUNT_ATTR_NOEXEC },
	{ "rnodiratime", false, MOUNT_ATTR_NODIRATIME }, { "rdiratime", true, MOUNT_ATTR_NODIRATIME },
	{ "rnoatime", false, MOUNT_ATTR_NOATIME }, { "ratime", true, MOUNT_ATTR__ATIME },
	{ "rrelatime", false, MOUNT_ATTR_RELATIME }, { "rnorelatime", true, MOUNT_ATTR__ATIME },
	{ "rstrictatime", false, MOUNT_ATTR_STRICTATIME }, { "rnostrictatime", true, MOUNT_ATTR__ATIME },
	{ "rnosymfollow", false, MOUNT_ATTR_NOSYMFOLLOW }, { "rsymfollow", true, MOUNT_ATTR_NOSYMFOLLOW },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

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

static int remount_bind(int rootfd, const char *dest, const struct mount_opts *o,
			bool in_userns, struct husk_err **err)
{
	unsigned long flags = o->flags & ~(MS_BIND | MS_REC | MS_REMOUNT);
	cleanup_close int fd = -1;
	char path[FS_FD_PATH_MAX];

	if (!flags)
		return 0;
	fd = fs_open_in_root(rootfd, dest, FS_ANY, err);
	if (fd < 0)
		return -1;
	fs_fd_path(fd, path);
	if (in_userns)
		flags |= locked_flags(path);
	if (mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | flags, NULL) < 0)
		return husk_syserr(err, "remount \"%s\"", dest);
	return 0;
}

static int apply_after(int rootfd, const char *dest, const struct mount_opts *o,
		       struct husk_err **err)
{
	cleanup_close int fd = -1;
	char path[FS_FD_PATH_MAX];

	if (!o->propagation && !o->attr_set && !o->attr_clr)
		return 0;
	fd = fs_open_in_root(rootfd, dest, FS_ANY, err);
	if (fd < 0)
		return -1;
	if (o->propagation && mount(NULL, fs_fd_path(fd, path), NULL, o->propagation, NULL) < 0)
		return husk_syserr(err, "set propagation of \"%s\"", dest);
	if (o->attr_set || o->attr_clr) {
		struct mount_attr attr = { .attr_set = o->attr_set, .attr_clr = o->attr_clr };

		if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE,
			    &attr, sizeof(attr)) < 0)
			return husk_syserr(err, "set recursive options of \"%s\"", dest);
	}
	return 0;
}

/* "cgroup" in a config means the container's view of the host's cgroup
 * hierarchies: cgroup2 on a unified host, else a tmpfs holding one v1
 * mount per controller (the cgroup namespace makes each show the
 * container's own cgroup as its root). */
static int mount_cgroup(int rootfd, const char *dest, const struct mount_opts *o,
			struct husk_err **err)
{
	unsigned long flags = (o->flags & ~MS_RDONLY) | MS_NOSUID | MS_NODEV | MS_NOEXEC;
	struct cgroup_layout l;
	cleanup_close int fd = -1;
	char path[FS_FD_PATH_MAX];
	int ret = 0;

	if (cgroup_layout_detect(&l, err) < 0)
		return -1;
	fd = fs_open_in_root(rootfd, dest, FS_DIR, err);
	if (fd < 0)
		goto out;
	if (l.mode == CGROUP_V2) {
		if (mount("cgroup2", fs_fd_path(fd, path), "cgroup2", flags | (o->flags & MS_RDONLY), NULL) < 0)
			ret = husk_syserr(err, "mount cgroup2 on \"%s\"", dest);
		goto out;
	}
	if (mount("tmpfs", fs_fd_path(fd, path), "tmpfs", flags, "mode=755") < 0) {
		ret = husk_syserr(err, "mount tmpfs on \"%s\"", dest);
		goto out;
	}
	for (size_t i = 0; i < l.n && ret == 0; i++) {
		const char *name = strrchr(l.h[i].mount, '/') + 1;
		cleanup_close int sub = -1;
		char subpath[4096];
		char where[FS_FD_PATH_MAX];

		snprintf(subpath, sizeof(subpath), "%s/%s", dest, name);
		sub = fs_open_in_root(rootfd, subpath, FS_DIR, err);
		if (sub < 0) {
			ret = -1;
			break;
		}
		if (mount("cgroup", fs_fd_path(sub, where), l.h[i].v2 ? "cgroup2" : "cgroup",
			  flags | (o->flags & MS_RDONLY), l.h[i].v2 ? NULL : l.h[i].controllers) < 0)
			ret = husk_syserr(err, "mount cgroup \"%s\" on \"%s\"", l.h[i].controllers, subpath);
	}
	if (ret == 0 && (o->flags & MS_RDONLY)) {
		close(fd);
		fd = fs_open_in_root(rootfd, dest, FS_ANY, err);
		if (fd < 0 || mount(NULL, fs_fd_path(fd, path), NULL,
				    MS_REMOUNT | MS_RDONLY | flags, "mode=755") < 0)
			ret = husk_syserr(err, "remount \"%s\" read-only", dest);
	}
out:
	cgroup_layout_free(&l);
	return ret;
}

int mount_one(int rootfd, const struct oci_mount *m, bool in_userns, struct husk_err **err)
{
	struct mount_opts o;
	cleanup_close int fd = -1;
	char path[FS_FD_PATH_MAX];
	const char *type = m->type;
	int ret = -1;

	if (mount_opts_parse(&m->options, &o, err) < 0)
		return -1;
	if (type && !strcmp(type, "bind"))
		o.bind = true;
	if (!o.bind && type && !strcmp(type, "cgroup")) {
		ret = mount_cgroup(rootfd, m->destination, &o, err);
		goto out;
	}
	fd = fs_open_in_root(rootfd, m->destination, dest_kind(m, o.bind), err);
	if (fd < 0)
		goto out;
	if (o.bind) {
		if (mount(m->source, fs_fd_path(fd, path), NULL, MS_BIND | (o.flags & MS_REC), NULL) < 0) {
			husk_syserr(err, "bind \"%s\"", m->source);
			goto out;
		}
		if (remount_bind(rootfd, m->destination, &o, in_userns, err) < 0)
			goto out;
	} else if (mount(m->source ? m->source : type, fs_fd_path(fd, path), type,
			 o.flags & ~MS_REC, o.data) < 0) {
		husk_syserr(err, "mount \"%s\" (type %s)", m->source ? m->source : "none",
			    type ? type : "none");
		goto out;
	}
	ret = apply_after(rootfd, m->destination, &o, err);
out:
	mount_opts_free(&o);
	return ret < 0 ? husk_err_wrap(err, "mount on \"%s\"", m->destination) : 0;
}
