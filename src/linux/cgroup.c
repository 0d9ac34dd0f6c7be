#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "husk/cgroup.h"
#include "husk/cleanup.h"
#include "husk/fs.h"

#define CGROUP_ROOT "/sys/fs/cgroup"
#define DEFAULT_PARENT "/husk"

static int add_hierarchy(struct cgroup_layout *l, const char *mount, const char *ctrls, bool v2)
{
	struct cgroup_hierarchy *h = realloc(l->h, (l->n + 1) * sizeof(*h));

	if (!h)
		return -1;
	l->h = h;
	h[l->n].mount = strdup(mount);
	h[l->n].controllers = strdup(ctrls);
	h[l->n].v2 = v2;
	if (!h[l->n].mount || !h[l->n].controllers)
		return -1;
	l->n++;
	return 0;
}

/* The controllers of a v1 mount are the super options that are not the
 * generic ones ("rw", "relatime"...). */
static void v1_controllers(char *super_opts, char *out, size_t size)
{
	static const char *const generic[] = { "rw", "ro", "relatime", "noatime", "nosuid",
		"nodev", "noexec", "clone_children", "noprefix", "xattr", "cpuset_v2_mode", NULL };
	char *save = NULL;

	out[0] = '\0';
	for (char *o = strtok_r(super_opts, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
		bool skip = !strncmp(o, "release_agent=", 14);

		for (int i = 0; generic[i] && !skip; i++)
			skip = !strcmp(o, generic[i]);
		if (skip)
			continue;
		if (out[0])
			strncat(out, ",", size - strlen(out) - 1);
		strncat(out, o, size - strlen(out) - 1);
	}
}

int cgroup_layout_detect(struct cgroup_layout *l, struct husk_err **err)
{
	cleanup_fclose FILE *f = fopen("/proc/self/mountinfo", "re");
	cleanup_free char *line = NULL;
	size_t cap = 0;
	bool v1 = false, v2 = false;

	memset(l, 0, sizeof(*l));
	if (!f)
		return husk_syserr(err, "open /proc/self/mountinfo");
	while (getline(&line, &cap, f) > 0) {
		char mnt[4096], type[64], opts[1024], ctrls[1024];
		char *sep = strstr(line, " - ");

		if (!sep || sscanf(line, "%*d %*d %*s %*s %4095s", mnt) != 1 ||
		    sscanf(sep, " - %63s %*s %1023s", type, opts) != 2)
			continue;
		if (strncmp(mnt, CGROUP_ROOT, strlen(CGROUP_ROOT)))
			continue;
		if (!strcmp(type, "cgroup2")) {
			v2 = true;
			if (add_hierarchy(l, mnt, "", true) < 0)
				goto oom;
		} else if (!strcmp(type, "cgroup")) {
			v1 = true;
			v1_controllers(opts, ctrls, sizeof(ctrls));
			if (add_hierarchy(l, mnt, ctrls, false) < 0)
				goto oom;
		}
	}
	if (!v1 && !v2)
		return husk_error(err, 0, "no cgroup file system mounted under " CGROUP_ROOT);
	l->mode = v1 && v2 ? CGROUP_HYBRID : v2 ? CGROUP_V2 : CGROUP_V1;
	return 0;
oom:
	cgroup_layout_free(l);
	return husk_error(err, ENOMEM, "read cgroup layout");
}

void cgroup_layout_free(struct cgroup_layout *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->h[i].mount);
		free(l->h[i].controllers);
	}
	free(l->h);
	memset(l, 0, sizeof(*l));
}

static bool has_controller(const char *list, const char *ctrl)
{
	size_t len = strlen(ctrl);

	for (const char *p = list; *p; ) {
		size_t n = strcspn(p, ",");

		if (n == len && !strncmp(p, ctrl, len))
			return true;
		p += n + (p[n] == ',');
	}
	return false;
}

const struct cgroup_hierarchy *cgroup_find(const struct cgroup_layout *l, const char *ctrl)
{
	for (size_t i = 0; i < l->n; i++)
		if (!l->h[i].v2 && has_controller(l->h[i].controllers, ctrl))
			return &l->h[i];
	if (l->mode == CGROUP_V2)
		return &l->h[0];
	return NULL;
}

char *cgroup_path_for(const char *cgroups_path, const char *id, struct husk_err **err)
{
	char *out = NULL;
	int r;

	if (!cgroups_path || !*cgroups_path)
		r = asprintf(&out, DEFAULT_PARENT "/%s", id);
	else if (cgroups_path[0] == '/')
		r = asprintf(&out, "%s", cgroups_path);
	else if (strchr(cgroups_path, ':')) {
		char slice[256], prefix[256], name[256];

		if (sscanf(cgroups_path, "%255[^:]:%255[^:]:%255s", slice, prefix, name) != 3) {
			husk_error(err, 0, "linux.cgroupsPath: \"%s\" is not of the form slice:prefix:name",
				   cgroups_path);
			return NULL;
		}
		r = asprintf(&out, "/%s/%s-%s.scope", slice, prefix, name);
	} else
		r = asprintf(&out, DEFAULT_PARENT "/%s", cgroups_path);
	if (r < 0) {
		husk_error(err, ENOMEM, "cgroup path");
		return NULL;
	}
	if (strstr(out, "/../") || (strlen(out) >= 3 && !strcmp(out + strlen(out) - 3, "/.."))) {
		husk_error(err, 0, "linux.cgroupsPath: \"%s\" must not contain \"..\"", cgroups_path);
		free(out);
		return NULL;
	}
	return out;
}

/* A new v1 cpuset cgroup starts with no cpus and mems, and a task cannot
 * join it until they are set: copy them from the parent. */
static int cpuset_inherit(const char *dir, struct husk_err **err)
{
	static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };

	for (int i = 0; i < 2; i++) {
		char path[4096], parent[4096];
		cleanup_free char *cur = NULL, *val = NULL;

		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		cur = fs_read_file(path, NULL, NULL);
		if (cur && cur[0] && cur[0] != '\n')
			continue;
		snprintf(parent, sizeof(parent), "%s/../%s", dir, files[i]);
		val = fs_read_file(parent, NULL, err);
		if (!val || fs_write_file(path, val, strlen(val), err) < 0)
			return -1;
	}
	return 0;
}

/* mkdir -p below the hierarchy's mount; *made_leaf says if the last
 * component was new. */
static int make_path(const struct cgroup_hierarchy *h, const char *path, bool *made_leaf,
		     struct husk_err **err)
{
	char dir[4096];
	size_t base = snprintf(dir, sizeof(dir), "%s", h->mount);
	bool cpuset = !h->v2 && has_controller(h->controllers, "cpuset");

	*made_leaf = false;
	for (const char *p = path; *p; ) {
		size_t n;

		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (!n)
			break;
		base += snprintf(dir + base, sizeof(dir) - base, "/%.*s", (int)n, p);
		p += n;
		if (mkdir(dir, 0755) < 0) {
			if (errno != EEXIST)
				return husk_syserr(err, "create cgroup \"%s\"", dir);
			*made_leaf = false;
			continue;
		}
		*made_leaf = true;
		if (cpuset && cpuset_inherit(dir, err) < 0)
			return husk_err_wrap(err, "cgroup \"%s\"", dir);
	}
	return 0;
}

static int join(const struct cgroup_hierarchy *h, const char *path, pid_t pid,
		struct husk_err **err)
{
	char file[4096], buf[32];
	int len = snprintf(buf, sizeof(buf), "%d", pid);

	snprintf(file, sizeof(file), "%s%s/cgroup.procs", h->mount, path);
	return fs_write_file(file, buf, len, err);
}

int cgroup_enter(const struct cgroup_layout *l, const char *path, pid_t pid,
		 bool *owned, struct husk_err **err)
{
	bool made_any = false;

	*owned = false;
	for (size_t i = 0; i < l->n; i++) {
		bool made = false;

		if (make_path(&l->h[i], path, &made, err) < 0 || join(&l->h[i], path, pid, err) < 0) {
			if (made_any || made) {
				*owned = true;
				cgroup_remove(l, path, NULL);
			}
			return husk_err_wrap(err, "cgroup \"%s\"", path);
		}
		made_any |= made;
	}
	*owned = made_any;
	return 0;
}

int cgroup_remove(const struct cgroup_layout *l, const char *path, struct husk_err **err)
{
	int ret = 0;

	for (size_t i = 0; i < l->n; i++) {
		char dir[4096];

		snprintf(dir, sizeof(dir), "%s%s", l->h[i].mount, path);
		/* the last tasks may still be leaving the cgroup: retry briefly */
		for (int tries = 0; rmdir(dir) < 0; tries++) {
			if (errno == ENOENT)
				break;
			if (errno != EBUSY || tries == 100) {
				ret = husk_syserr(err, "remove cgroup \"%s\"", dir);
				break;
			}
			usleep(10000);
		}
	}
	return ret;
}

int cgroup_pids(const struct cgroup_layout *l, const char *path, pid_t **pids,
		size_t *n, struct husk_err **err)
{
	const struct cgroup_hierarchy *h = cgroup_find(l, "pids");
	cleanup_free char *buf = NULL;
	char file[4096];
	size_t cap = 0;

	if (!h)
		h = cgroup_find(l, "freezer");
	if (!h)
		h = &l->h[0];
	snprintf(file, sizeof(file), "%s%s/cgroup.procs", h->mount, path);
	*pids = NULL;
	*n = 0;
	buf = fs_read_file(file, NULL, err);
	if (!buf)
		return -1;
	for (char *p = buf; *p; ) {
		char *end;
		long v = strtol(p, &end, 10);

		if (end == p)
			break;
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			pid_t *grown = realloc(*pids, cap * sizeof(pid_t));

			if (!grown) {
				free(*pids);
				*pids = NULL;
				return husk_error(err, ENOMEM, "read \"%s\"", file);
			}
			*pids = grown;
		}
		(*pids)[(*n)++] = (pid_t)v;
		p = end;
	}
	return 0;
}

bool cgroup_is_frozen(const char *path)
{
	char file[4096];
	cleanup_free char *buf = NULL;

	snprintf(file, sizeof(file), CGROUP_ROOT "/freezer%s/freezer.state", path);
	buf = fs_read_file(file, NULL, NULL);
	if (buf)
		return !strncmp(buf, "FROZEN", 6) || !strncmp(buf, "FREEZING", 8);
	snprintf(file, sizeof(file), CGROUP_ROOT "%s/cgroup.freeze", path);
	buf = fs_read_file(file, NULL, NULL);
	return buf && buf[0] == '1';
}
