/* config.json: the top-level schema, loading and the JSON pre-scan. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_parse.h>

#include "husk/cleanup.h"
#include "internal.h"

#define STR_(x) #x
#define STR(x) STR_(x)

static const struct jfield id_mapping_fields[] = {
	F_REQ("containerID", J_U32, struct oci_id_mapping, container_id),
	F_REQ("hostID", J_U32, struct oci_id_mapping, host_id),
	F_REQ("size", J_U32, struct oci_id_mapping, size),
};
const struct jschema oci_id_mapping_schema =
	SCHEMA(struct oci_id_mapping, id_mapping_fields, NULL);

static const struct jfield root_fields[] = {
	F_REQ("path", J_STR, struct oci_root, path),
	F("readonly", J_BOOL, struct oci_root, readonly),
};
static const struct jschema root_schema = SCHEMA(struct oci_root, root_fields, NULL);

static const struct jfield mount_fields[] = {
	F_REQ("destination", J_STR, struct oci_mount, destination),
	F("source", J_STR, struct oci_mount, source),
	F("type", J_STR, struct oci_mount, type),
	F("options", J_STRV, struct oci_mount, options),
	F_ARRAY("uidMappings", struct oci_mount, uid_mappings, n_uid_mappings, oci_id_mapping_schema),
	F_ARRAY("gidMappings", struct oci_mount, gid_mappings, n_gid_mappings, oci_id_mapping_schema),
};
static const struct jschema mount_schema = SCHEMA(struct oci_mount, mount_fields, NULL);

static const struct jfield hook_fields[] = {
	F_REQ("path", J_STR, struct oci_hook, path),
	F("args", J_STRV, struct oci_hook, args),
	F("env", J_STRV, struct oci_hook, env),
	F("timeout", J_OPT_I32, struct oci_hook, timeout),
};
static const struct jschema hook_schema = SCHEMA(struct oci_hook, hook_fields, NULL);

#define HOOKS(k, m) F_ARRAY(k, struct oci_hooks, m.v, m.n, hook_schema)
static const struct jfield hooks_fields[] = {
	HOOKS("prestart", prestart),
	HOOKS("createRuntime", create_runtime),
	HOOKS("createContainer", create_container),
	HOOKS("startContainer", start_container),
	HOOKS("poststart", poststart),
	HOOKS("poststop", poststop),
};
static const struct jschema hooks_schema = SCHEMA(struct oci_hooks, hooks_fields, NULL);

const char *oci_hook_name(size_t i)
{
	return i < ARRAY_SIZE(hooks_fields) ? hooks_fields[i].key : NULL;
}

static const struct jfield config_fields[] = {
	F_REQ("ociVersion", J_STR, struct oci_config, oci_version),
	F_SUB("process", J_PTR, struct oci_config, process, oci_process_schema),
	F_SUB("root", J_INLINE, struct oci_config, root, root_schema),
	F_ARRAY("mounts", struct oci_config, mounts, n_mounts, mount_schema),
	F("hostname", J_STR, struct oci_config, hostname),
	F("domainname", J_STR, struct oci_config, domainname),
	F_SUB("hooks", J_INLINE, struct oci_config, hooks, hooks_schema),
	F("annotations", J_MAP, struct oci_config, annotations),
	F_SUB("linux", J_PTR, struct oci_config, linux_cfg, oci_linux_schema),
};
static const struct jschema config_schema = SCHEMA(struct oci_config, config_fields, NULL);

static const char *const ns_names[OCI_NS_COUNT] = {
	[OCI_NS_PID] = "pid", [OCI_NS_NETWORK] = "network", [OCI_NS_MOUNT] = "mount",
	[OCI_NS_IPC] = "ipc", [OCI_NS_UTS] = "uts", [OCI_NS_USER] = "user",
	[OCI_NS_CGROUP] = "cgroup", [OCI_NS_TIME] = "time",
};

int oci_ns_type_from_name(const char *name)
{
	for (int t = 0; t < OCI_NS_COUNT; t++)
		if (strcmp(ns_names[t], name) == 0)
			return t;
	return -1;
}

const char *oci_ns_type_name(enum oci_ns_type t)
{
	return (unsigned)t < OCI_NS_COUNT ? ns_names[t] : NULL;
}

const struct oci_namespace *oci_config_namespace(const struct oci_config *cfg,
						 enum oci_ns_type t)
{
	const struct oci_linux *l = cfg->linux_cfg;

	for (size_t i = 0; l && i < l->n_namespaces; i++)
		if (l->namespaces[i].type == t)
			return &l->namespaces[i];
	return NULL;
}

void oci_config_free(struct oci_config *cfg)
{
	if (!cfg)
		return;
	j_free(&config_schema, cfg);
	free(cfg);
}

/* A streaming pass before yajl_tree: it yields the line of a syntax error
 * (yajl_tree does not), rejects nesting that would overflow the stack in
 * yajl_tree_free(), and catches "\u0000" in strings, which the tree would
 * silently truncate. Comments are rejected: yajl_tree allows them. */
struct scan {
	size_t depth;
	const char *why;
};

static int scan_open(void *ctx)
{
	struct scan *s = ctx;

	if (++s->depth <= OCI_JSON_MAX_DEPTH)
		return 1;
	s->why = "JSON nested deeper than " STR(OCI_JSON_MAX_DEPTH) " levels";
	return 0;
}

static int scan_close(void *ctx)
{
	((struct scan *)ctx)->depth--;
	return 1;
}

static int scan_string(void *ctx, const unsigned char *str, size_t len)
{
	if (!memchr(str, 0, len))
		return 1;
	((struct scan *)ctx)->why = "string contains a NUL character (\\u0000)";
	return 0;
}

static const yajl_callbacks scan_callbacks = {
	.yajl_string = scan_string,
	.yajl_start_map = scan_open,
	.yajl_map_key = scan_string,
	.yajl_end_map = scan_close,
	.yajl_start_array = scan_open,
	.yajl_end_array = scan_close,
};

static size_t line_at(const char *buf, size_t off)
{
	size_t line = 1;

	for (size_t i = 0; i < off; i++)
		line += buf[i] == '\n';
	return line;
}

static int scan_error(struct jctx *c, yajl_handle h, const struct scan *s, size_t line)
{
	unsigned char *msg;
	size_t n;

	if (s->why)
		return husk_error(c->err, 0, "%s: line %zu: %s", c->name, line, s->why);
	msg = yajl_get_error(h, 0, NULL, 0);
	if (!msg)
		return husk_error(c->err, ENOMEM, "%s", c->name);
	n = strlen((char *)msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	husk_error(c->err, 0, "%s: invalid JSON at line %zu: %s", c->name, line, msg);
	yajl_free_error(h, msg);
	return -1;
}

static int json_scan(struct jctx *c, const char *buf, size_t len)
{
	struct scan s = { 0, NULL };
	yajl_handle h = yajl_alloc(&scan_callbacks, NULL, &s);
	yajl_status st;
	size_t off;
	int r = 0;

	if (!h)
		return husk_error(c->err, ENOMEM, "%s", c->name);
	st = yajl_parse(h, (const unsigned char *)buf, len);
	off = yajl_get_bytes_consumed(h);
	if (st == yajl_status_ok) {
		st = yajl_complete_parse(h);
		off = len;
	}
	if (st != yajl_status_ok)
		r = scan_error(c, h, &s, line_at(buf, off));
	yajl_free(h);
	return r;
}

static void tree_freep(yajl_val *v)
{
	yajl_tree_free(*v);
}

int oci_json_check(const char *buf, size_t len, const char *name, struct husk_err **err)
{
	struct jctx c = { name, err };
	const char *nul = memchr(buf, '\0', len);

	if (len > OCI_CONFIG_MAX_SIZE)
		return husk_error(err, 0, "%s: too large (%zu bytes, the limit is %u)",
				  c.name, len, OCI_CONFIG_MAX_SIZE);
	if (nul)
		return husk_error(err, 0, "%s: contains a NUL byte at offset %zu", c.name,
				  (size_t)(nul - buf));
	return json_scan(&c, buf, len);
}

/* Parse a JSON document into the struct a schema describes. */
static void *parse_document(const char *buf, size_t len, const char *name,
			    const struct jschema *schema, struct husk_err **err)
{
	struct jctx c = { name, err };
	__attribute__((cleanup(tree_freep))) yajl_val tree = NULL;
	cleanup_free char *text = NULL;
	void *obj;
	char yerr[256];

	if (oci_json_check(buf, len, c.name, err) < 0)
		return NULL;
	text = strndup(buf, len);
	if (!text) {
		husk_error(err, ENOMEM, "%s", c.name);
		return NULL;
	}
	/* After the scan, only allocation failure can make this fail. */
	tree = yajl_tree_parse(text, yerr, sizeof(yerr));
	obj = tree ? calloc(1, schema->size) : NULL;
	if (!obj) {
		husk_error(err, ENOMEM, "%s", c.name);
		return NULL;
	}
	if (j_object(&c, NULL, tree, schema, obj) < 0) {
		j_free(schema, obj);
		free(obj);
		return NULL;
	}
	return obj;
}

struct oci_config *oci_config_parse(const char *buf, size_t len, const char *name,
				    struct husk_err **err)
{
	return parse_document(buf, len, name ? name : "config.json", &config_schema, err);
}

struct oci_process *oci_process_parse(const char *buf, size_t len, const char *name,
				      struct husk_err **err)
{
	return parse_document(buf, len, name ? name : "process.json", &oci_process_schema, err);
}

void oci_process_free(struct oci_process *p)
{
	if (!p)
		return;
	j_free(&oci_process_schema, p);
	free(p);
}

/* Reads at most OCI_CONFIG_MAX_SIZE + 1 bytes, so a file that is not
 * regular (or grows meanwhile) is still bounded. */
static char *read_bounded(int fd, const char *name, size_t *len, struct husk_err **err)
{
	size_t cap = 64 * 1024, n = 0;
	cleanup_free char *buf = NULL;

	for (;;) {
		ssize_t r;

		if (n == cap || !buf) {
			char *nb;

			cap = buf ? cap * 2 : cap;
			nb = realloc(buf, cap);
			if (!nb) {
				husk_error(err, ENOMEM, "read \"%s\"", name);
				return NULL;
			}
			buf = nb;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			husk_syserr(err, "read \"%s\"", name);
			return NULL;
		}
		if (r == 0)
			break;
		n += r;
		if (n > OCI_CONFIG_MAX_SIZE) {
			husk_error(err, 0, "%s: too large (over the limit of %u bytes)",
				   name, OCI_CONFIG_MAX_SIZE);
			return NULL;
		}
	}
	*len = n;
	return steal_ptr(buf);
}

/* Error messages are prefixed with the path of the file actually read, as
 * the caller spelled it: "BUNDLE/config.json", or "config.json" for ".". */
static char *config_name(const char *dir)
{
	size_t n = strlen(dir);
	char *name = NULL;

	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (n == 1 && dir[0] == '.')
		return strdup("config.json");
	if (asprintf(&name, "%.*s%sconfig.json", (int)n, dir,
		     dir[n - 1] == '/' ? "" : "/") < 0)
		return NULL;
	return name;
}

static int open_config(const char *path, char **name, struct husk_err **err)
{
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	int cfd;

	if (fd < 0)
		return husk_syserr(err, "open \"%s\"", path);
	if (fstat(fd, &st) < 0)
		return husk_syserr(err, "stat \"%s\"", path);
	*name = S_ISDIR(st.st_mode) ? config_name(path) : strdup(path);
	if (!*name)
		return husk_error(err, ENOMEM, "open \"%s\"", path);
	if (!S_ISDIR(st.st_mode))
		return steal_fd(fd);
	cfd = openat(fd, "config.json", O_RDONLY | O_CLOEXEC);
	if (cfd < 0)
		return husk_syserr(err, "open \"%s\"", *name);
	return cfd;
}

/* Read a bounded JSON file (DIR/config.json for a directory). */
static char *load_file(const char *path, char **name, size_t *len, struct husk_err **err)
{
	cleanup_close int fd = open_config(path, name, err);
	struct stat st;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0) {
		husk_syserr(err, "stat \"%s\"", *name);
		return NULL;
	}
	if (S_ISREG(st.st_mode) && st.st_size > OCI_CONFIG_MAX_SIZE) {
		husk_error(err, 0, "%s: too large (%lld bytes, the limit is %u)",
			   *name, (long long)st.st_size, OCI_CONFIG_MAX_SIZE);
		return NULL;
	}
	return read_bounded(fd, *name, len, err);
}

struct oci_config *oci_config_load(const char *path, struct husk_err **err)
{
	cleanup_free char *name = NULL;
	size_t len;
	cleanup_free char *buf = load_file(path, &name, &len, err);

	return buf ? oci_config_parse(buf, len, name, err) : NULL;
}

struct oci_process *oci_process_load(const char *path, struct husk_err **err)
{
	cleanup_free char *name = NULL;
	size_t len;
	cleanup_free char *buf = load_file(path, &name, &len, err);

	return buf ? oci_process_parse(buf, len, name, err) : NULL;
}
