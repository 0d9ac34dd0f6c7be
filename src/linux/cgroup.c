/* Cgroups, the common part: layout, paths, listing and signalling a
 * container's processes, freezing, and the file helpers the controller
 * writers share. Making, joining and removing: cgroup-make.c. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgroup-internal.h"
#include "husk/cleanup.h"
#include "husk/fs.h"

/* ------------------------------------------------------------ file helpers */

void cg_dir(const struct cgroup_hierarchy *h, const char *path, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s", h->mount, path);
}

/* O_TRUNC, as runc does: the kernel ignores it, a fake tree in a test
 * then holds the last value. */
int cg_put_path(const char *p, const char *value)
{
	int fd = open(p, O_WRONLY | O_TRUNC | O_CLOEXEC), e;
	size_t len = strlen(value);
	ssize_t w;

	if (fd < 0)
		return -1;
	do
		w = write(fd, value, len);
	while (w < 0 && errno == EINTR);
	e = w == (ssize_t)len ? 0 : w < 0 ? errno : EIO;
	close(fd);
	errno = e;
	return e ? -1 : 0;
}

int cg_put(const char *dir, const char *file, const char *value)
{
	char p[4096];

	snprintf(p, sizeof(p), "%s/%s", dir, file);
	return cg_put_path(p, value);
}

bool cg_has(const char *dir, const char *file)
{
	char p[4096];

	snprintf(p, sizeof(p), "%s/%s", dir, file);
	return access(p, F_OK) == 0;
}

char *cg_read(const char *dir, const char *file)
{
	char p[4096];

	snprintf(p, sizeof(p), "%s/%s", dir, file);
	return fs_read_file(p, NULL, NULL);
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!strncmp(s, "max", 3)) {
		*out = UINT64_MAX;
		return 0;
	}
	if (*s == '-') {	/* v1 "-1": unlimited */
		*out = UINT64_MAX;
		return 0;
	}
	errno = 0;
	*out = strtoull(s, &end, 10);
	return end == s || errno ? -1 : 0;
}

int cg_read_u64(const char *dir, const char *file, uint64_t *out)
{
	cleanup_free char *buf = cg_read(dir, file);

	*out = 0;
	return buf ? parse_u64(buf, out) : -1;
}

int cg_read_key(const char *dir, const char *file, const char *key, uint64_t *out)
{
	cleanup_free char *buf = cg_read(dir, file);
	size_t len = strlen(key);

	*out = 0;
	for (char *line = buf; line && *line; ) {
		char *nl = strchr(line, '\n');

		if (!strncmp(line, key, len) && line[len] == ' ')
			return parse_u64(line + len + 1, out);
		line = nl ? nl + 1 : NULL;
	}
	return -1;
}

void cg_field(const struct cg_ctx *c, const char *field, char *buf, size_t size)
{
	const char *label = c->o && c->o->label ? c->o->label(field) : NULL;

	if (label)
		snprintf(buf, size, "%s", label);
	else
		snprintf(buf, size, "%s%s", c->o && c->o->what ? c->o->what : "linux.resources", field);
}

int cg_fail(const struct cg_ctx *c, const char *field, struct husk_err **err,
	    const char *fmt, ...)
{
	char name[256];
	cleanup_free char *msg = NULL;
	va_list ap;

	cg_field(c, field, name, sizeof(name));
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	return husk_error(err, 0, "%s: %s", name, msg ? msg : "failed");
}

void cg_hint(struct husk_err **err, const char *fmt, ...)
{
	char *hint = NULL, *full = NULL;
	va_list ap;

	if (!err || !*err)
		return;
	va_start(ap, fmt);
	if (vasprintf(&hint, fmt, ap) < 0)
		hint = NULL;
	va_end(ap);
	if (hint && asprintf(&full, "%s (%s)", (*err)->msg, hint) >= 0) {
		free((*err)->msg);
		(*err)->msg = full;
	}
	free(hint);
}

void cg_parent_hint(const char *dir, const char *file, struct husk_err **err)
{
	char parent[4096];
	cleanup_free char *avail = NULL;

	snprintf(parent, sizeof(parent), "%s/..", dir);
	avail = cg_read(parent, file);
	if (avail) {
		avail[strcspn(avail, "\n")] = '\0';
		cg_hint(err, "the parent cgroup has %s", avail[0] ? avail : "none");
	}
}

int cg_write(const struct cg_ctx *c, const char *field, const char *dir, const char *file,
	     const char *value, struct husk_err **err)
{
	char p[4096], name[256];

	snprintf(p, sizeof(p), "%s/%s", dir, file);
	if (cg_put_path(p, value) == 0)
		return 0;
	cg_field(c, field, name, sizeof(name));
	if (errno == ENOENT)
		return husk_error(err, 0, "%s: not supported on this host: there is no %s", name, p);
	return husk_error(err, errno, "%s: write \"%s\" to %s", name, value, p);
}

int cg_write_each(const struct cg_ctx *c, const char *field, const char *dir, const char *file,
		  const char *const *values, size_t n, struct husk_err **err)
{
	char p[4096], name[256];
	cleanup_close int fd = -1;
	size_t i = 0;

	if (!n)
		return 0;
	snprintf(p, sizeof(p), "%s/%s", dir, file);
	fd = open(p, O_WRONLY | O_TRUNC | O_CLOEXEC);
	for (; fd >= 0 && i < n; i++) {
		size_t len = strlen(values[i]);
		ssize_t w;

		do
			w = write(fd, values[i], len);
		while (w < 0 && errno == EINTR);
		if (w != (ssize_t)len) {
			if (w >= 0)
				errno = EIO;
			break;
		}
	}
	if (i == n)
		return 0;
	cg_field(c, field, name, sizeof(name));
	if (errno == ENOENT)
		return husk_error(err, 0, "%s: not supported on this host: there is no %s", name, p);
	return husk_error(err, errno, "%s: write \"%s\" to %s", name, values[i], p);
}

int cg_writef(const struct cg_ctx *c, const char *field, const char *dir, const char *file,
	      struct husk_err **err, const char *fmt, ...)
{
	char value[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	return cg_write(c, field, dir, file, value, err);
}

/* ------------------------------------------------------------------ layout */

bool cg_list_has(const char *list, const char *item, char sep)
{
	size_t len = strlen(item);

	for (const char *p = list; p && *p; ) {
		const char *e = strchr(p, sep);
		size_t n = e ? (size_t)(e - p) : strlen(p);

		if (n == len && !strncmp(p, item, len))
			return true;
		p = e ? e + 1 : NULL;
	}
	return false;
}

static int add_hierarchy(struct cgroup_layout *l, const char *mount, const char *ctrls, bool v2)
{
	struct cgroup_hierarchy *h = realloc(l->h, (l->n + 1) * sizeof(*h));

	if (!h)
		return -1;
	l->h = h;
	h[l->n].mount = strdup(mount);
	h[l->n].controllers = strdup(ctrls);
	h[l->n].v2 = v2;
	l->n++;
	return h[l->n - 1].mount && h[l->n - 1].controllers ? 0 : -1;
}

/* The controllers of a v1 mount are the super options that are not the
 * generic ones ("rw", "relatime"...). */
static void v1_controllers(char *super_opts, char *out, size_t size)
{
	static const char *const generic[] = { "rw", "ro", "relatime", "noatime", "nosuid",
		"nodev", "noexec", "clone_children", "noprefix", "xattr", "cpuset_v2_mode",
		"favordynmods", NULL };
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

/* v2: "cpu io memory\n" -> "cpu,io,memory" */
static void v2_controllers(const char *mount, char *out, size_t size)
{
	cleanup_free char *buf = cg_read(mount, "cgroup.controllers");
	size_t n = 0;

	out[0] = '\0';
	for (char *p = buf; p && *p && n + 1 < size; p++) {
		char ch = (*p == ' ' || *p == '\n') ? ',' : *p;

		if (ch == ',' && (n == 0 || out[n - 1] == ','))
			continue;
		out[n++] = ch;
	}
	if (n && out[n - 1] == ',')
		n--;
	out[n] = '\0';
}

/* mountinfo escapes blanks and backslashes as \ooo. */
static void unescape(char *s)
{
	char *w = s;

	for (char *r = s; *r; ) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '7' && r[2] >= '0' && r[2] <= '7' &&
		    r[3] >= '0' && r[3] <= '7') {
			*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
			r += 4;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
}

static bool under(const char *path, const char *root)
{
	size_t len = strlen(root);

	while (len > 1 && root[len - 1] == '/')
		len--;
	return !strncmp(path, root, len) && (path[len] == '\0' || path[len] == '/');
}

static bool seen_hierarchy(const struct cgroup_layout *l, const char *ctrls, bool v2)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->h[i].v2 == v2 && (v2 || !strcmp(l->h[i].controllers, ctrls)))
			return true;
	return false;
}

/* with_v2_controllers: read what the v2 root offers (the freezer alone
 * does not need it). */
static int layout_parse(struct cgroup_layout *l, const char *mountinfo, const char *root,
			bool with_v2_controllers, struct husk_err **err)
{
	/* stdio would size its buffer from st_blksize, 1 KiB for proc files:
	 * one read for a usual mountinfo instead of one a line or so */
	char iobuf[16384];
	cleanup_fclose FILE *f = fopen(mountinfo, "re");
	cleanup_free char *line = NULL;
	size_t cap = 0;
	bool v1 = false, v2 = false;

	memset(l, 0, sizeof(*l));
	if (!f)
		return husk_syserr(err, "open %s", mountinfo);
	setvbuf(f, iobuf, _IOFBF, sizeof(iobuf));
	while (getline(&line, &cap, f) > 0) {
		char mnt[4096], type[64], opts[1024], ctrls[1024];
		char *sep = strstr(line, " - ");

		if (!sep || sscanf(line, "%*d %*d %*s %*s %4095s", mnt) != 1 ||
		    sscanf(sep, " - %63s %*s %1023s", type, opts) != 2)
			continue;
		unescape(mnt);
		if (!under(mnt, root))
			continue;
		if (!strcmp(type, "cgroup2")) {
			if (seen_hierarchy(l, "", true))
				continue;
			v2 = true;
			ctrls[0] = '\0';
			if (with_v2_controllers)
				v2_controllers(mnt, ctrls, sizeof(ctrls));
			if (add_hierarchy(l, mnt, ctrls, true) < 0)
				goto oom;
		} else if (!strcmp(type, "cgroup")) {
			v1_controllers(opts, ctrls, sizeof(ctrls));
			if (!ctrls[0] || seen_hierarchy(l, ctrls, false))
				continue;
			v1 = true;
			if (add_hierarchy(l, mnt, ctrls, false) < 0)
				goto oom;
		}
	}
	if (!v1 && !v2)
		return husk_error(err, 0, "no cgroup file system is mounted under %s", root);
	l->mode = v1 && v2 ? CGROUP_HYBRID : v2 ? CGROUP_V2 : CGROUP_V1;
	return 0;
oom:
	cgroup_layout_free(l);
	return husk_error(err, ENOMEM, "read the cgroup layout");
}

int cgroup_layout_parse(struct cgroup_layout *l, const char *mountinfo, const char *root,
			struct husk_err **err)
{
	return layout_parse(l, mountinfo, root, true, err);
}

int cgroup_layout_detect(struct cgroup_layout *l, struct husk_err **err)
{
	return cgroup_layout_parse(l, "/proc/self/mountinfo", CGROUP_ROOT, err);
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

const struct cgroup_hierarchy *cgroup_v2(const struct cgroup_layout *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->h[i].v2)
			return &l->h[i];
	return NULL;
}

const struct cgroup_hierarchy *cgroup_find(const struct cgroup_layout *l, const char *ctrl)
{
	const struct cgroup_hierarchy *v2 = cgroup_v2(l);

	for (size_t i = 0; i < l->n; i++)
		if (!l->h[i].v2 && cg_list_has(l->h[i].controllers, ctrl, ','))
			return &l->h[i];
	if (v2 && cg_list_has(v2->controllers, ctrl, ','))
		return v2;
	if (v2 && (!strcmp(ctrl, "freezer") || !strcmp(ctrl, "devices")))
		return v2;
	return NULL;
}

const char *cgroup_mode_name(enum cgroup_mode m)
{
	return m == CGROUP_V1 ? "v1" : m == CGROUP_V2 ? "v2 (unified)" : "hybrid";
}

/* ------------------------------------------------------------------- paths */

/* systemd's slice naming: "a-b-c.slice" lives at /a.slice/a-b.slice/a-b-c.slice,
 * "-.slice" is the root. */
static int expand_slice(const char *slice, char *out, size_t size)
{
	size_t len = strlen(slice);
	size_t n = 0;

	out[0] = '\0';
	if (!strcmp(slice, "-.slice"))
		return 0;
	if (len <= 6 || strcmp(slice + len - 6, ".slice") || strchr(slice, '/'))
		return -1;
	len -= 6;
	if (slice[0] == '-' || slice[len - 1] == '-' || strstr(slice, "--"))
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (slice[i] != '-')
			continue;
		n += snprintf(out + n, size - n, "/%.*s.slice", (int)i, slice);
		if (n >= size)
			return -1;
	}
	n += snprintf(out + n, size - n, "/%s", slice);
	return n < size ? 0 : -1;
}

static bool systemd_form(const char *p, char *slice, char *prefix, char *name, size_t size)
{
	const char *a = strchr(p, ':'), *b = a ? strchr(a + 1, ':') : NULL;

	if (!b || strchr(b + 1, ':') || p[0] == '/')
		return false;
	snprintf(slice, size, "%.*s", (int)(a - p), p);
	snprintf(prefix, size, "%.*s", (int)(b - a - 1), a + 1);
	snprintf(name, size, "%s", b + 1);
	return true;
}

static bool has_dot_component(const char *p)
{
	for (const char *s = p; *s; ) {
		size_t n;

		while (*s == '/')
			s++;
		n = strcspn(s, "/");
		if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
			return true;
		s += n;
	}
	return false;
}

char *cgroup_path_for(const char *cgroups_path, const char *id, struct husk_err **err)
{
	char slice[256], prefix[256], name[256], expanded[1024];
	char *out = NULL;
	int r;

	if (!cgroups_path || !*cgroups_path) {
		r = asprintf(&out, CGROUP_DEFAULT_PARENT "/%s", id);
	} else if (cgroups_path[0] == '/') {
		r = asprintf(&out, "%s", cgroups_path);
	} else if (systemd_form(cgroups_path, slice, prefix, name, sizeof(slice))) {
		if (expand_slice(slice[0] ? slice : "system.slice", expanded, sizeof(expanded)) < 0) {
			husk_error(err, 0, "config.json: .linux.cgroupsPath: \"%s\": \"%s\" is not a valid "
				   "systemd slice name", cgroups_path, slice);
			return NULL;
		}
		if (!name[0] || strchr(name, '/') || strchr(prefix, '/')) {
			husk_error(err, 0, "config.json: .linux.cgroupsPath: \"%s\" is not of the form "
				   "slice:prefix:name", cgroups_path);
			return NULL;
		}
		if (strlen(name) > 6 && !strcmp(name + strlen(name) - 6, ".slice"))
			r = asprintf(&out, "%s/%s", expanded, name);
		else
			r = asprintf(&out, "%s/%s%s%s.scope", expanded, prefix, prefix[0] ? "-" : "", name);
	} else {
		r = asprintf(&out, CGROUP_DEFAULT_PARENT "/%s", cgroups_path);
	}
	if (r < 0) {
		husk_error(err, ENOMEM, "cgroup path");
		return NULL;
	}
	if (has_dot_component(out)) {
		husk_error(err, 0, "config.json: .linux.cgroupsPath: \"%s\" must not contain \".\" or "
			   "\"..\" components", cgroups_path);
		free(out);
		return NULL;
	}
	/* "/" or "" would be the root cgroup: never the container's own */
	if (strspn(out, "/") == strlen(out)) {
		husk_error(err, 0, "config.json: .linux.cgroupsPath: \"%s\" names the root cgroup",
			   cgroups_path);
		free(out);
		return NULL;
	}
	return out;
}

int cgroup_systemd_check(const char *cgroups_path, const char *run_systemd,
			 struct husk_err **err)
{
	char slice[256], prefix[256], name[256];
	struct stat st;

	if (!run_systemd)
		run_systemd = "/run/systemd/system";
	if (cgroups_path && *cgroups_path &&
	    !systemd_form(cgroups_path, slice, prefix, name, sizeof(slice)))
		return husk_error(err, 0, "--systemd-cgroup: config.json: .linux.cgroupsPath: \"%s\" "
				  "must be of the form slice:prefix:name", cgroups_path);
	if (stat(run_systemd, &st) < 0 || !S_ISDIR(st.st_mode))
		return husk_error(err, 0, "--systemd-cgroup: systemd is not running on this host (no %s); "
				  "drop the flag to let husk manage cgroupfs directly", run_systemd);
	return husk_error(err, 0, "--systemd-cgroup: creating the cgroup through systemd over D-Bus "
			  "is not supported by this build of husk; drop the flag to let husk manage "
			  "cgroupfs directly");
}

/* ---------------------------------------------------------------- processes */

static const struct cgroup_hierarchy *procs_hierarchy(const struct cgroup_layout *l)
{
	const struct cgroup_hierarchy *h = l->mode == CGROUP_V1 ? NULL : cgroup_v2(l);

	if (!h)
		h = cgroup_find(l, "pids");
	if (!h)
		h = cgroup_find(l, "freezer");
	return h ? h : l->n ? &l->h[0] : NULL;
}

struct pid_list { pid_t *v; size_t n, cap; };

static int collect(const char *dir, struct pid_list *pl, bool top, struct husk_err **err)
{
	cleanup_free char *buf = cg_read(dir, "cgroup.procs");
	DIR *d;
	struct dirent *de;

	if (!buf)
		return top ? husk_syserr(err, "read %s/cgroup.procs", dir) : 0;
	for (char *p = buf; *p; ) {
		char *end;
		long v = strtol(p, &end, 10);

		if (end == p)
			break;
		if (pl->n == pl->cap) {
			size_t cap = pl->cap ? pl->cap * 2 : 16;
			pid_t *grown = realloc(pl->v, cap * sizeof(pid_t));

			if (!grown)
				return husk_error(err, ENOMEM, "list the processes of %s", dir);
			pl->v = grown;
			pl->cap = cap;
		}
		pl->v[pl->n++] = (pid_t)v;
		p = end;
	}
	d = opendir(dir);
	while (d && (de = readdir(d))) {
		char sub[4096];

		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", dir, de->d_name);
		if (collect(sub, pl, false, err) < 0) {
			closedir(d);
			return -1;
		}
	}
	if (d)
		closedir(d);
	return 0;
}

int cgroup_pids(const struct cgroup_layout *l, const char *path, pid_t **pids,
		size_t *n, struct husk_err **err)
{
	const struct cgroup_hierarchy *h = procs_hierarchy(l);
	struct pid_list pl = { 0 };
	char dir[4096];

	*pids = NULL;
	*n = 0;
	if (!h)
		return husk_error(err, 0, "no cgroup hierarchy to list processes from");
	cg_dir(h, path, dir, sizeof(dir));
	if (collect(dir, &pl, true, err) < 0) {
		free(pl.v);
		return -1;
	}
	*pids = pl.v;
	*n = pl.n;
	return 0;
}

int cgroup_signal_all(const struct cgroup_layout *l, const char *path, int sig,
		      struct husk_err **err)
{
	const struct cgroup_hierarchy *v2 = cgroup_v2(l);
	char dir[4096];
	bool done = false;
	int ret = 0;

	if (sig == SIGKILL && v2) {
		cg_dir(v2, path, dir, sizeof(dir));
		/* a kernel without cgroup.kill: ENOENT, and the pids are listed */
		done = cg_put(dir, "cgroup.kill", "1") == 0;
	}
	if (!done) {
		pid_t *pids = NULL;
		size_t n = 0;

		ret = cgroup_pids(l, path, &pids, &n, err);
		for (size_t i = 0; i < n; i++)
			kill(pids[i], sig);
		free(pids);
	}
	/* a v1-frozen task acts on SIGKILL only once thawed */
	if (sig == SIGKILL) {
		enum cgroup_freezer fs = cgroup_freezer_state(l, path);

		if (fs == CGROUP_FROZEN || fs == CGROUP_FREEZING)
			cgroup_freeze(l, path, false, 1000, NULL);
	}
	return ret;
}

/* ------------------------------------------------------------------ freezer */

enum cgroup_freezer cgroup_freezer_state(const struct cgroup_layout *l, const char *path)
{
	const struct cgroup_hierarchy *h = cgroup_find(l, "freezer");
	cleanup_free char *buf = NULL;
	char dir[4096];
	uint64_t frozen;

	if (!h)
		return CGROUP_NO_FREEZER;
	cg_dir(h, path, dir, sizeof(dir));
	if (!h->v2) {
		buf = cg_read(dir, "freezer.state");
		if (!buf)
			return CGROUP_NO_FREEZER;
		return !strncmp(buf, "FROZEN", 6) ? CGROUP_FROZEN :
		       !strncmp(buf, "FREEZING", 8) ? CGROUP_FREEZING : CGROUP_THAWED;
	}
	buf = cg_read(dir, "cgroup.freeze");
	if (!buf)
		return CGROUP_NO_FREEZER;
	if (buf[0] != '1')
		return CGROUP_THAWED;
	return cg_read_key(dir, "cgroup.events", "frozen", &frozen) == 0 && frozen == 1 ?
	       CGROUP_FROZEN : CGROUP_FREEZING;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static const char *freezer_name(enum cgroup_freezer s)
{
	return s == CGROUP_FROZEN ? "FROZEN" : s == CGROUP_FREEZING ? "FREEZING" : "THAWED";
}

/* v2: cgroup.events changes are signalled with POLLPRI (kernfs notify). */
static void wait_events(const char *dir, int ms)
{
	char file[4096];
	cleanup_close int fd = -1;
	char buf[256];
	struct pollfd p;

	snprintf(file, sizeof(file), "%s/cgroup.events", dir);
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read(fd, buf, sizeof(buf)) < 0) {
		usleep(ms * 1000);
		return;
	}
	p = (struct pollfd){ .fd = fd, .events = POLLPRI };
	poll(&p, 1, ms);
}

int cgroup_freeze(const struct cgroup_layout *l, const char *path, bool freeze,
		  int timeout_ms, struct husk_err **err)
{
	const struct cgroup_hierarchy *h = cgroup_find(l, "freezer");
	enum cgroup_freezer want = freeze ? CGROUP_FROZEN : CGROUP_THAWED, got;
	long long deadline = now_ms() + timeout_ms;
	int step = 1;
	char dir[4096];
	const char *file;

	if (!h)
		return husk_error(err, 0, "no freezer on this host: neither a v1 freezer hierarchy "
				  "nor cgroup v2");
	cg_dir(h, path, dir, sizeof(dir));
	file = h->v2 ? "cgroup.freeze" : "freezer.state";
	for (;;) {
		/* v1: writing FROZEN again retries the tasks that did not stop yet */
		if (cg_put(dir, file, h->v2 ? (freeze ? "1" : "0") : (freeze ? "FROZEN" : "THAWED")) < 0)
			return husk_syserr(err, "%s %s/%s", freeze ? "freeze" : "thaw", dir, file);
		got = cgroup_freezer_state(l, path);
		if (got == want)
			return 0;
		if (now_ms() >= deadline)
			break;
		if (h->v2)
			wait_events(dir, step);
		else
			usleep(step * 1000);
		if (step < 50)
			step *= 2;
	}
	if (freeze) {
		cg_put(dir, file, h->v2 ? "0" : "THAWED");
		return husk_error(err, ETIMEDOUT, "freeze %s: still %s after %d ms; thawed it again",
				  dir, freezer_name(got), timeout_ms);
	}
	return husk_error(err, ETIMEDOUT, "thaw %s: still %s after %d ms", dir, freezer_name(got),
			  timeout_ms);
}

bool cgroup_is_frozen(const char *path)
{
	struct cgroup_layout l;
	enum cgroup_freezer s;

	if (layout_parse(&l, "/proc/self/mountinfo", CGROUP_ROOT, false, NULL) < 0)
		return false;
	s = cgroup_freezer_state(&l, path);
	cgroup_layout_free(&l);
	return s == CGROUP_FROZEN || s == CGROUP_FREEZING;
}
