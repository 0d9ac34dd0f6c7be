/* criu command lines and the formats around them. Pure: see criu.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "husk/cleanup.h"
#include "husk/criu.h"

static const char *const cg_modes[] = {
	[CRIU_CG_SOFT] = "soft", [CRIU_CG_FULL] = "full",
	[CRIU_CG_STRICT] = "strict", [CRIU_CG_IGNORE] = "ignore",
};

int criu_cg_mode_parse(const char *s, enum criu_cg_mode *mode, struct husk_err **err)
{
	for (int m = CRIU_CG_SOFT; m <= CRIU_CG_IGNORE; m++) {
		if (!strcmp(s, cg_modes[m])) {
			*mode = m;
			return 0;
		}
	}
	return husk_error(err, 0, "--manage-cgroups-mode: invalid value \"%s\" "
			  "(want soft, full, strict or ignore)", s);
}

const char *criu_cg_mode_name(enum criu_cg_mode mode)
{
	return mode == CRIU_CG_DEFAULT ? NULL : cg_modes[mode];
}

/* ADDRESS:PORT, or [IPV6]:PORT */
int criu_page_server_parse(const char *s, struct criu_page_server *ps, struct husk_err **err)
{
	const char *colon, *addr = s, *port;
	size_t len;
	char *end;
	long n;

	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (!close || close[1] != ':')
			goto bad;
		addr = s + 1;
		len = close - addr;
		port = close + 2;
	} else {
		colon = strrchr(s, ':');
		if (!colon || strchr(s, ':') != colon)
			goto bad;
		len = colon - s;
		port = colon + 1;
	}
	if (len == 0 || len >= sizeof(ps->address) || !*port)
		goto bad;
	errno = 0;
	n = strtol(port, &end, 10);
	if (errno || *end || n < 1 || n > 65535)
		return husk_error(err, 0, "--page-server \"%s\": invalid port \"%s\"", s, port);
	memcpy(ps->address, addr, len);
	ps->address[len] = '\0';
	ps->port = (int)n;
	return 0;
bad:
	return husk_error(err, 0, "--page-server \"%s\": want ADDRESS:PORT", s);
}

int criu_empty_ns_parse(const char *s, bool *net, struct husk_err **err)
{
	if (strcmp(s, "network"))
		return husk_error(err, 0, "--empty-ns \"%s\": criu can leave only the \"network\" "
				  "namespace empty", s);
	*net = true;
	return 0;
}

int criu_parent_path_check(const char *parent, struct husk_err **err)
{
	if (!*parent)
		return husk_error(err, 0, "--parent-path: must not be empty");
	if (parent[0] == '/')
		return husk_error(err, 0, "--parent-path \"%s\": must be relative to --image-path",
				  parent);
	return 0;
}

int criu_version_parse(const char *out)
{
	const char *v = strstr(out, "Version: ");
	int major = 0, minor = 0, sub = 0;

	if (!v || sscanf(v + 9, "%d.%d.%d", &major, &minor, &sub) < 2)
		return -1;
	return major * 10000 + minor * 100 + sub;
}

void criu_version_string(int version, char *buf, size_t size)
{
	snprintf(buf, size, "%d.%d.%d", version / 10000, version / 100 % 100, version % 100);
}

/* ------------------------------------------------------------- mounts */

char *criu_clean_path(const char *path)
{
	size_t len = strlen(path);
	char *out = malloc(len + 2);
	size_t n = 0;

	if (!out)
		return NULL;
	out[n++] = '/';
	for (const char *p = path; *p; ) {
		size_t seg;

		while (*p == '/')
			p++;
		seg = strcspn(p, "/");
		if (seg == 0)
			break;
		if (seg == 1 && p[0] == '.') {
			/* nothing */
		} else if (seg == 2 && p[0] == '.' && p[1] == '.') {
			while (n > 1 && out[n - 1] != '/')
				n--;
			if (n > 1)
				n--;	/* the slash before the dropped segment */
		} else {
			if (n > 1)
				out[n++] = '/';
			memcpy(out + n, p, seg);
			n += seg;
		}
		p += seg;
	}
	out[n] = '\0';
	return out;
}

void criu_ext_mounts_free(struct criu_ext_mounts *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->v[i].key);
		free(m->v[i].val);
	}
	free(m->v);
	m->v = NULL;
	m->n = 0;
}

/* Add key -> val unless key is there already (the first one wins). */
static int add_mount(struct criu_ext_mounts *m, const char *key, const char *val,
		     struct husk_err **err)
{
	struct criu_ext_mount *grown;

	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->v[i].key, key))
			return 0;
	grown = realloc(m->v, (m->n + 1) * sizeof(*grown));
	if (!grown)
		return husk_error(err, ENOMEM, "criu external mounts");
	m->v = grown;
	m->v[m->n].key = strdup(key);
	m->v[m->n].val = strdup(val);
	if (!m->v[m->n].key || !m->v[m->n].val) {
		free(m->v[m->n].key);
		free(m->v[m->n].val);
		return husk_error(err, ENOMEM, "criu external mounts");
	}
	m->n++;
	return 0;
}

static bool is_bind(const struct oci_mount *m)
{
	if (m->type && !strcmp(m->type, "bind"))
		return true;
	for (size_t i = 0; i < m->options.n; i++)
		if (!strcmp(m->options.v[i], "bind") || !strcmp(m->options.v[i], "rbind"))
			return true;
	return false;
}

/* The device nodes every container gets (runtime-spec "Default Devices"),
 * as src/linux/devices.c makes them. */
static const char *const default_devices[] = {
	"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty",
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* The mount point of a destination: resolved in the rootfs when the
 * caller can, else cleaned lexically. */
static char *mount_point(const struct criu_fs *fs, const char *dest)
{
	char *p = fs && fs->resolve ? fs->resolve(fs->arg, dest) : NULL;

	return p ? p : criu_clean_path(dest);
}

/* Bind mounts: on dump "dest" -> "dest", on restore "dest" -> source. */
static int add_binds(const struct oci_config *cfg, const char *cwd, const struct criu_fs *fs,
		     struct criu_ext_mounts *out, struct husk_err **err)
{
	for (size_t i = 0; i < cfg->n_mounts; i++) {
		const struct oci_mount *m = &cfg->mounts[i];
		cleanup_free char *dest = NULL, *src = NULL;

		if (!is_bind(m))
			continue;
		dest = mount_point(fs, m->destination);
		if (!dest)
			return husk_error(err, ENOMEM, "criu external mounts");
		if (!cwd) {
			if (add_mount(out, dest, dest, err) < 0)
				return -1;
			continue;
		}
		if (!m->source)
			return husk_error(err, 0, "config.json: .mounts[%zu].source: a bind mount needs one", i);
		if (m->source[0] == '/')
			src = strdup(m->source);
		else if (asprintf(&src, "%s/%s", cwd, m->source) < 0)
			src = NULL;
		if (!src)
			return husk_error(err, ENOMEM, "criu external mounts");
		if (add_mount(out, dest, src, err) < 0)
			return -1;
	}
	return 0;
}

static int add_devices(const struct oci_config *cfg, struct criu_ext_mounts *out,
		       struct husk_err **err)
{
	const struct oci_linux *lx = cfg->linux_cfg;

	for (size_t i = 0; i < N(default_devices); i++)
		if (add_mount(out, default_devices[i], default_devices[i], err) < 0)
			return -1;
	for (size_t i = 0; lx && i < lx->n_devices; i++) {
		cleanup_free char *path = criu_clean_path(lx->devices[i].path);

		if (!path)
			return husk_error(err, ENOMEM, "criu external mounts");
		if (add_mount(out, path, path, err) < 0)
			return -1;
	}
	return 0;
}

int criu_dump_mounts(const struct oci_config *cfg, const struct criu_fs *fs,
		     struct criu_ext_mounts *out, struct husk_err **err)
{
	const struct oci_linux *lx = cfg->linux_cfg;

	memset(out, 0, sizeof(*out));
	if (add_binds(cfg, NULL, fs, out, err) < 0)
		goto fail;
	for (size_t i = 0; lx && i < lx->masked_paths.n; i++) {
		cleanup_free char *path = criu_clean_path(lx->masked_paths.v[i]);

		if (!path) {
			husk_error(err, ENOMEM, "criu external mounts");
			goto fail;
		}
		if (!fs || !fs->kind || fs->kind(fs->arg, path) != CRIU_PATH_FILE)
			continue;
		if (add_mount(out, path, "/dev/null", err) < 0)
			goto fail;
	}
	if (add_devices(cfg, out, err) < 0)
		goto fail;
	return 0;
fail:
	criu_ext_mounts_free(out);
	return -1;
}

int criu_restore_mounts(const struct oci_config *cfg, const char *cwd, const struct criu_fs *fs,
			struct criu_ext_mounts *out, struct husk_err **err)
{
	const struct oci_linux *lx = cfg->linux_cfg;

	memset(out, 0, sizeof(*out));
	if (add_binds(cfg, cwd ? cwd : "/", fs, out, err) < 0)
		goto fail;
	if (lx && lx->masked_paths.n && add_mount(out, "/dev/null", "/dev/null", err) < 0)
		goto fail;
	if (add_devices(cfg, out, err) < 0)
		goto fail;
	return 0;
fail:
	criu_ext_mounts_free(out);
	return -1;
}

/* --------------------------------------------------------- namespaces */

int criu_namespaces_check(const struct oci_config *cfg, struct husk_err **err)
{
	const struct oci_namespace *ns = oci_config_namespace(cfg, OCI_NS_CGROUP);

	if (ns && ns->path)
		return husk_error(err, 0, "config.json: .linux.namespaces: criu cannot restore into "
				  "a cgroup namespace joined by path (\"%s\")", ns->path);
	return 0;
}

const char *criu_ns_key(enum oci_ns_type t)
{
	return t == OCI_NS_NETWORK ? "extRootNetNS" : t == OCI_NS_PID ? "extRootPidNS" : NULL;
}

const char *criu_ns_name(enum oci_ns_type t)
{
	static const char *const names[OCI_NS_COUNT] = {
		[OCI_NS_PID] = "pid", [OCI_NS_NETWORK] = "net", [OCI_NS_MOUNT] = "mnt",
		[OCI_NS_IPC] = "ipc", [OCI_NS_UTS] = "uts", [OCI_NS_USER] = "user",
		[OCI_NS_CGROUP] = "cgroup", [OCI_NS_TIME] = "time",
	};

	return (unsigned)t < OCI_NS_COUNT ? names[t] : NULL;
}

/* -------------------------------------------------------- descriptors */

char *criu_descriptors_json(char *const fds[3])
{
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;
	char *out = NULL;

	if (!g)
		return NULL;
	yajl_gen_array_open(g);
	for (int i = 0; i < 3; i++)
		yajl_gen_string(g, (const unsigned char *)(fds[i] ? fds[i] : ""),
				fds[i] ? strlen(fds[i]) : 0);
	yajl_gen_array_close(g);
	if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok && (out = malloc(len + 1))) {
		memcpy(out, buf, len);
		out[len] = '\0';
	}
	yajl_gen_free(g);
	return out;
}

int criu_descriptors_parse(const char *json, char *fds[3], struct husk_err **err)
{
	char msg[128];
	yajl_val root = yajl_tree_parse(json, msg, sizeof(msg));
	size_t n;

	for (int i = 0; i < 3; i++)
		fds[i] = NULL;
	if (!root || !YAJL_IS_ARRAY(root)) {
		yajl_tree_free(root);
		return husk_error(err, 0, CRIU_DESCRIPTORS ": expected a JSON array of strings");
	}
	n = root->u.array.len;
	for (size_t i = 0; i < n && i < 3; i++) {
		const char *s = YAJL_GET_STRING(root->u.array.values[i]);

		if (!s) {
			yajl_tree_free(root);
			for (size_t j = 0; j < i; j++) {
				free(fds[j]);
				fds[j] = NULL;
			}
			return husk_error(err, 0, CRIU_DESCRIPTORS ": [%zu]: expected a string", i);
		}
		fds[i] = strdup(s);
	}
	yajl_tree_free(root);
	return 0;
}

size_t criu_stdio_inherit(char *const fds[3], struct criu_inherit out[3])
{
	size_t n = 0;

	for (int i = 0; i < 3; i++)
		if (fds[i] && strstr(fds[i], "pipe:"))
			out[n++] = (struct criu_inherit){ .fd = i, .key = fds[i] };
	return n;
}

const char *criu_config_file(const struct oci_config *cfg)
{
	for (size_t i = 0; i < cfg->annotations.n; i++)
		if (!strcmp(cfg->annotations.v[i].key, CRIU_CONFIG_ANNOTATION))
			return cfg->annotations.v[i].value[0] ? cfg->annotations.v[i].value : NULL;
	return CRIU_DEFAULT_CONFIG;
}

/* --------------------------------------------------------------- argv */

struct argv_buf {
	char **v;
	size_t n, cap;
	bool oom;
};

__attribute__((format(printf, 2, 3)))
static void add(struct argv_buf *a, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (a->oom)
		return;
	if (a->n + 2 > a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 32;
		char **grown = realloc(a->v, cap * sizeof(char *));

		if (!grown) {
			a->oom = true;
			return;
		}
		a->v = grown;
		a->cap = cap;
	}
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0) {
		a->oom = true;
		s = NULL;
	}
	va_end(ap);
	if (!s)
		return;
	a->v[a->n++] = s;
	a->v[a->n] = NULL;
}

void criu_argv_free(char **argv)
{
	for (size_t i = 0; argv && argv[i]; i++)
		free(argv[i]);
	free(argv);
}

static char **finish(struct argv_buf *a, struct husk_err **err)
{
	if (a->oom) {
		criu_argv_free(a->v);
		husk_error(err, ENOMEM, "criu command line");
		return NULL;
	}
	return a->v;
}

/* What dump and restore share. */
static void add_common(struct argv_buf *a, const struct criu_opts *o, const char *log,
		       const char *config_file, const struct criu_ext_mounts *mounts)
{
	const char *mode = criu_cg_mode_name(o->cg_mode);

	if (config_file)
		add(a, "--config=%s", config_file);
	add(a, "--images-dir=%s", o->image_path);
	if (o->work_path)
		add(a, "--work-dir=%s", o->work_path);
	add(a, "--log-file=%s", log);
	add(a, "-v4");
	if (mode)
		add(a, "--manage-cgroups=%s", mode);
	else
		add(a, "--manage-cgroups");
	if (o->tcp_established)
		add(a, "--tcp-established");
	if (o->ext_unix_sk)
		add(a, "--ext-unix-sk");
	if (o->shell_job)
		add(a, "--shell-job");
	if (o->file_locks)
		add(a, "--file-locks");
	if (o->auto_dedup)
		add(a, "--auto-dedup");
	if (o->empty_net)
		add(a, "--empty-ns=net");
	for (size_t i = 0; mounts && i < mounts->n; i++)
		add(a, "--external=mnt[%s]:%s", mounts->v[i].key, mounts->v[i].val);
}

char **criu_dump_argv(const struct criu_dump_plan *p, struct husk_err **err)
{
	const struct criu_opts *o = p->o;
	struct argv_buf a = { 0 };

	add(&a, "%s", p->criu);
	add(&a, "%s", o->pre_dump ? "pre-dump" : "dump");
	add(&a, "--tree=%d", (int)p->pid);
	add(&a, "--root=%s", p->rootfs);
	add_common(&a, o, CRIU_DUMP_LOG, p->config_file, o->pre_dump ? NULL : p->mounts);
	if (o->leave_running && !o->pre_dump)
		add(&a, "--leave-running");
	if (p->freeze_cgroup)
		add(&a, "--freeze-cgroup=%s", p->freeze_cgroup);
	/* a pre-dump tracks memory changes by itself */
	if (o->parent_path) {
		add(&a, "--prev-images-dir=%s", o->parent_path);
		add(&a, "--track-mem");
	}
	if (o->ps.address[0]) {
		add(&a, "--page-server");
		add(&a, "--address=%s", o->ps.address);
		add(&a, "--port=%d", o->ps.port);
	}
	for (size_t i = 0; i < p->n_external; i++)
		add(&a, "--external=%s", p->external[i]);
	return finish(&a, err);
}

char **criu_restore_argv(const struct criu_restore_plan *p, struct husk_err **err)
{
	const struct criu_opts *o = p->o;
	struct argv_buf a = { 0 };

	add(&a, "%s", p->criu);
	add(&a, "restore");
	add(&a, "--root=%s", p->root);
	add_common(&a, o, CRIU_RESTORE_LOG, p->config_file, p->mounts);
	add(&a, "--restore-detached");
	add(&a, "--restore-sibling");
	add(&a, "--evasive-devices");
	add(&a, "--pidfile=%s", p->pidfile);
	if (o->lsm_profile)
		add(&a, "--lsm-profile=%s", o->lsm_profile);
	if (o->lsm_mount_context)
		add(&a, "--lsm-mount-context=%s", o->lsm_mount_context);
	if (p->cgroup_root)
		add(&a, "--cgroup-root=%s", p->cgroup_root);
	for (size_t i = 0; i < p->n_inherit; i++)
		add(&a, "--inherit-fd=fd[%d]:%s", p->inherit[i].fd, p->inherit[i].key);
	for (size_t i = 0; i < p->n_join; i++)
		add(&a, "--join-ns=%s:%s", p->join[i].ns, p->join[i].path);
	return finish(&a, err);
}

/* ---------------------------------------------------------------- log */

char *criu_log_errors(const char *log, size_t max)
{
	const char **lines = calloc(max ? max : 1, sizeof(char *));
	size_t *lens = calloc(max ? max : 1, sizeof(size_t));
	size_t n = 0, total = 0, first;
	char *out = NULL, *p;

	if (!lines || !lens || !max)
		goto out;
	/* a ring of the last `max` error lines */
	for (const char *l = log; *l; ) {
		size_t len = strcspn(l, "\n");
		const char *e = memmem(l, len, "Error (", 7);

		if (e) {
			lines[n % max] = e;
			lens[n % max] = len - (e - l);
			n++;
		}
		l += len + (l[len] == '\n');
	}
	if (!n)
		goto out;
	first = n > max ? n - max : 0;
	for (size_t i = first; i < n; i++)
		total += lens[i % max] + 2;
	out = malloc(total + 1);
	if (!out)
		goto out;
	p = out;
	for (size_t i = first; i < n; i++) {
		if (p != out) {
			memcpy(p, "; ", 2);
			p += 2;
		}
		memcpy(p, lines[i % max], lens[i % max]);
		p += lens[i % max];
	}
	*p = '\0';
out:
	free(lines);
	free(lens);
	return out;
}
