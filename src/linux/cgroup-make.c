/* Cgroups: making a container's cgroup in every hierarchy, moving a
 * process into it, and removing it.
 *
 * Each of these is kernel work under cgroup_mutex, on every `run` and
 * `exec`, once per hierarchy (ten on a hybrid host), so the common case
 * takes the fewest calls: the leaf is made first and its parents only when
 * it is refused with ENOENT; a v1 cpuset parent husk makes gets
 * clone_children, so that the kernel fills the cpus and mems of the
 * leaves made below it; exec writes cgroup.procs with no mkdir; removal
 * tries rmdir before it lists children. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup-internal.h"
#include "husk/cleanup.h"
#include "husk/fs.h"

char *cgroup_absent(const struct cgroup_layout *l, const char *path)
{
	char *out = NULL;
	size_t len = 0;

	for (size_t i = 0; i < l->n; i++) {
		char dir[4096];
		size_t m = strlen(l->h[i].mount);
		char *grown;

		cg_dir(&l->h[i], path, dir, sizeof(dir));
		if (access(dir, F_OK) == 0 || errno != ENOENT)
			continue;
		grown = realloc(out, len + m + 2);
		if (!grown)
			break;
		out = grown;
		memcpy(out + len, l->h[i].mount, m);
		len += m;
		out[len++] = '\n';
		out[len] = '\0';
	}
	if (out && len)
		out[len - 1] = '\0';
	return out;
}

/* ------------------------------------------------------------------ cpuset */

static bool v1_cpuset(const struct cgroup_hierarchy *h)
{
	return !h->v2 && cg_list_has(h->controllers, "cpuset", ',');
}

static bool empty(const char *value)
{
	return !value || !value[0] || value[0] == '\n';
}

/* A new v1 cpuset cgroup starts with no cpus and mems (unless its parent
 * has clone_children), and a task cannot join it until they are set:
 * copy them from the parent. */
static int cpuset_inherit(const char *dir, struct husk_err **err)
{
	static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };

	for (int i = 0; i < 2; i++) {
		char path[4096], parent[4096];
		cleanup_free char *cur = NULL, *val = NULL;

		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		cur = fs_read_file(path, NULL, NULL);
		if (!empty(cur))
			continue;
		snprintf(parent, sizeof(parent), "%s/../%s", dir, files[i]);
		val = fs_read_file(parent, NULL, err);
		if (!val)
			return -1;
		if (cg_put_path(path, val) < 0)
			return husk_syserr(err, "write %s", path);
	}
	return 0;
}

/* cpuset_inherit on every cgroup of the path, from the top: the slow
 * way, for where cpuset_fresh cannot tell what the kernel filled in. */
static int cpuset_fill_path(const struct cgroup_hierarchy *h, const char *path,
			    struct husk_err **err)
{
	char dir[4096];
	size_t base = snprintf(dir, sizeof(dir), "%s", h->mount);

	for (const char *p = path; *p; ) {
		size_t n;

		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (!n)
			break;
		base += snprintf(dir + base, sizeof(dir) - base, "/%.*s", (int)n, p);
		p += n;
		if (cpuset_inherit(dir, err) < 0)
			return husk_err_wrap(err, "cgroup %s", dir);
	}
	return 0;
}

/* A leaf husk has just made is empty unless its parent has clone_children:
 * the kernel then copied the parent's cpus and mems, and the flag too (the
 * leaf's flag says which). So the leaf's cpus and mems need no reading,
 * and with the flag, the parent's neither. */
static int cpuset_fresh(const struct cgroup_hierarchy *h, const char *path, const char *dir,
			struct husk_err **err)
{
	cleanup_free char *clone = NULL, *cpus = NULL, *mems = NULL;
	char parent[4096];

	clone = cg_read(dir, "cgroup.clone_children");
	if (clone && clone[0] == '1') {
		/* the container's own cgroup keeps the kernel's default */
		if (cg_put(dir, "cgroup.clone_children", "0") < 0)
			return husk_syserr(err, "write %s/cgroup.clone_children", dir);
		return 0;
	}
	snprintf(parent, sizeof(parent), "%s/..", dir);
	cpus = cg_read(parent, "cpuset.cpus");
	mems = cg_read(parent, "cpuset.mems");
	/* an empty parent is filled from above first */
	if (empty(cpus) || empty(mems))
		return cpuset_fill_path(h, path, err);
	if (cg_put(dir, "cpuset.cpus", cpus) < 0)
		return husk_syserr(err, "write %s/cpuset.cpus", dir);
	if (cg_put(dir, "cpuset.mems", mems) < 0)
		return husk_syserr(err, "write %s/cpuset.mems", dir);
	return 0;
}

/* ------------------------------------------------------------------ making */

/* mkdir -p of the parents of the leaf, below the mount. A cpuset parent
 * gets its cpus and mems, and when husk made it, clone_children: the
 * kernel then fills the leaves made below it. Parents husk did not make
 * are never changed but for empty cpus or mems. */
static int make_parents(const struct cgroup_hierarchy *h, const char *path,
			struct husk_err **err)
{
	char dir[4096];
	size_t base = snprintf(dir, sizeof(dir), "%s", h->mount);

	for (const char *p = path; *p; ) {
		size_t n = strspn(p, "/");
		bool made;

		p += n;
		n = strcspn(p, "/");
		if (!n || !p[n + strspn(p + n, "/")])
			break;	/* the leaf is the caller's */
		base += snprintf(dir + base, sizeof(dir) - base, "/%.*s", (int)n, p);
		p += n;
		made = mkdir(dir, 0755) == 0;
		if (!made && errno != EEXIST)
			return husk_syserr(err, "create cgroup %s", dir);
		if (!v1_cpuset(h))
			continue;
		if (cpuset_inherit(dir, err) < 0)
			return husk_err_wrap(err, "cgroup %s", dir);
		if (made && cg_put(dir, "cgroup.clone_children", "1") < 0)
			return husk_syserr(err, "write %s/cgroup.clone_children", dir);
	}
	return 0;
}

/* Make the leaf (and, when it is refused with ENOENT, its parents);
 * *made_leaf says if husk made it. */
static int make_path(const struct cgroup_hierarchy *h, const char *path, bool *made_leaf,
		     struct husk_err **err)
{
	char dir[4096];
	int r;

	cg_dir(h, path, dir, sizeof(dir));
	r = mkdir(dir, 0755);
	if (r < 0 && errno == ENOENT) {
		if (make_parents(h, path, err) < 0)
			return -1;
		r = mkdir(dir, 0755);
	}
	*made_leaf = r == 0;
	if (r < 0 && errno != EEXIST)
		return husk_syserr(err, "create cgroup %s", dir);
	if (!v1_cpuset(h))
		return 0;
	return *made_leaf ? cpuset_fresh(h, path, dir, err) : cpuset_fill_path(h, path, err);
}

int cgv2_enable(const struct cgroup_hierarchy *h, const char *path, const char *ctrls,
		bool strict, struct husk_err **err)
{
	char dir[4096], want[1024];
	size_t base = snprintf(dir, sizeof(dir), "%s", h->mount);

	for (const char *p = path; *p; ) {
		size_t n, w = 0;
		cleanup_free char *avail = NULL, *enabled = NULL;

		avail = cg_read(dir, "cgroup.controllers");
		enabled = cg_read(dir, "cgroup.subtree_control");
		for (char *q = avail; q && *q; q++)
			*q = *q == '\n' ? ' ' : *q;
		for (char *q = enabled; q && *q; q++)
			*q = *q == '\n' ? ' ' : *q;
		want[0] = '\0';
		for (const char *c = ctrls; *c; ) {
			size_t len = strcspn(c, " ,");
			char name[64];

			snprintf(name, sizeof(name), "%.*s", (int)len, c);
			c += len + (c[len] != '\0');
			if (!len)
				continue;
			if (!avail || !cg_list_has(avail, name, ' ')) {
				if (strict)
					return husk_error(err, 0, "controller %s is not available in %s", name, dir);
				continue;
			}
			if (enabled && cg_list_has(enabled, name, ' '))
				continue;
			w += snprintf(want + w, sizeof(want) - w, "%s+%s", w ? " " : "", name);
		}
		if (w) {
			char file[4096];

			snprintf(file, sizeof(file), "%s/cgroup.subtree_control", dir);
			if (cg_put_path(file, want) < 0) {
				/* one by one, so one refused controller does not stop the rest */
				char *save = NULL;

				for (char *tok = strtok_r(want, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
					if (cg_put_path(file, tok) < 0 && strict)
						return husk_syserr(err, "enable the %s controller in %s", tok + 1, file);
			}
		}
		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (!n || !p[n] || !p[n + strspn(p + n, "/")])
			break;	/* the leaf's own subtree_control is left alone */
		base += snprintf(dir + base, sizeof(dir) - base, "/%.*s", (int)n, p);
		p += n;
	}
	return 0;
}

/* ----------------------------------------------------------------- joining */

/* Write pid to DIR/cgroup.procs; -1 with errno. */
static int procs_write(const char *dir, const char *pid)
{
	char file[4096 + 16];

	snprintf(file, sizeof(file), "%s/cgroup.procs", dir);
	for (int tries = 0; ; tries++) {
		if (cg_put_path(file, pid) == 0)
			return 0;
		/* a task still being forked (TASK_NEW) is refused with EINVAL */
		if (errno != EINVAL || tries == 5)
			return -1;
		usleep(10000);
	}
}

/* Move pid into the cgroup in hierarchy h. 1 (and no error) when the
 * cgroup is missing and missing_ok. */
static int join(const struct cgroup_hierarchy *h, const char *path, pid_t pid, bool missing_ok,
		struct husk_err **err)
{
	char dir[4096], buf[32];

	cg_dir(h, path, dir, sizeof(dir));
	snprintf(buf, sizeof(buf), "%d", pid);
	if (procs_write(dir, buf) == 0)
		return 0;
	if (errno == ENOENT && missing_ok)
		return 1;
	/* a v1 cpuset cgroup whose cpus or mems were emptied since it was
	 * made (or never filled) takes no task: fill it as making it does */
	if (errno == ENOSPC && v1_cpuset(h)) {
		if (cpuset_fill_path(h, path, err) < 0)
			return husk_err_wrap(err, "move pid %d into cgroup %s", pid, dir);
		if (procs_write(dir, buf) == 0)
			return 0;
	}
	return husk_syserr(err, "move pid %d into cgroup %s", pid, dir);
}

static void append_line(char **list, const char *item)
{
	size_t len = *list ? strlen(*list) : 0;
	char *grown = realloc(*list, len + strlen(item) + 2);

	if (!grown)
		return;
	if (len)
		grown[len++] = '\n';
	strcpy(grown + len, item);
	*list = grown;
}

int cgroup_create(const struct cgroup_layout *l, const char *path, pid_t pid, char **made,
		  struct husk_err **err)
{
	char *list = NULL;

	if (made)
		*made = NULL;
	/* every directory first: while no process is in them, a failure can
	 * take them all back */
	for (size_t i = 0; i < l->n; i++) {
		const struct cgroup_hierarchy *h = &l->h[i];
		bool leaf = false;
		int r = make_path(h, path, &leaf, err);

		if (leaf)
			append_line(&list, h->mount);
		if (r == 0 && h->v2 && l->mode == CGROUP_V2 && h->controllers[0])
			r = cgv2_enable(h, path, h->controllers, false, err);
		if (r < 0) {
			if (list)
				cgroup_remove_made(l, path, list, NULL);
			free(list);
			return husk_err_wrap(err, "cgroup %s", path);
		}
	}
	if (made)
		*made = list;
	else
		free(list);
	/* a pid that joined some of them keeps those busy: removing them is
	 * for the caller, once it has killed the process */
	if (pid > 0 && cgroup_join(l, path, pid, err) < 0)
		return husk_err_wrap(err, "cgroup %s", path);
	return 0;
}

int cgroup_enter(const struct cgroup_layout *l, const char *path, pid_t pid,
		 bool *owned, struct husk_err **err)
{
	char *made = NULL;
	int r = 0;

	*owned = false;
	/* the container made its cgroup: join it with no mkdir, and make it
	 * only where it has gone missing since */
	for (size_t i = 0; i < l->n && r == 0; i++) {
		r = join(&l->h[i], path, pid, true, err);
		if (r < 0)
			return husk_err_wrap(err, "cgroup %s", path);
	}
	if (r == 0)
		return 0;
	r = cgroup_create(l, path, pid, &made, err);
	*owned = made != NULL;
	free(made);
	return r;
}

int cgroup_join(const struct cgroup_layout *l, const char *path, pid_t pid,
		struct husk_err **err)
{
	for (size_t i = 0; i < l->n; i++)
		if (join(&l->h[i], path, pid, false, err) < 0)
			return -1;
	return 0;
}

/* ----------------------------------------------------------------- removal */

static int remove_dir(const char *dir, struct husk_err **err);

/* The cgroups the container made below its own (depth first). */
static int remove_children(const char *dir, struct husk_err **err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int ret = 0;

	if (!d)
		return errno == ENOENT ? 0 : husk_syserr(err, "open cgroup %s", dir);
	while ((de = readdir(d))) {
		char sub[4096];

		if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", dir, de->d_name);
		if (remove_dir(sub, err) < 0)
			ret = -1;
	}
	closedir(d);
	return ret;
}

/* rmdir a cgroup; one with children (EBUSY, or ENOTEMPTY on other file
 * systems) loses them first. The last tasks may still be leaving: EBUSY
 * is retried for a while. */
static int remove_dir(const char *dir, struct husk_err **err)
{
	int ret;

	if (rmdir(dir) == 0 || errno == ENOENT)
		return 0;
	if (errno != EBUSY && errno != ENOTEMPTY)
		return husk_syserr(err, "remove cgroup %s", dir);
	ret = remove_children(dir, err);
	for (int tries = 0; rmdir(dir) < 0; tries++) {
		if (errno == ENOENT)
			break;
		if (errno != EBUSY || tries == 200)
			return husk_syserr(err, "remove cgroup %s", dir);
		usleep(10000);
	}
	return ret;
}

int cgroup_remove_made(const struct cgroup_layout *l, const char *path, const char *made,
		       struct husk_err **err)
{
	int ret = 0;

	for (size_t i = 0; i < l->n; i++) {
		char dir[4096];

		if (made && !cg_list_has(made, l->h[i].mount, '\n'))
			continue;
		cg_dir(&l->h[i], path, dir, sizeof(dir));
		if (remove_dir(dir, err) < 0)
			ret = -1;
	}
	return ret;
}

int cgroup_remove(const struct cgroup_layout *l, const char *path, struct husk_err **err)
{
	return cgroup_remove_made(l, path, NULL, err);
}
