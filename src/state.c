#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "husk/cgroup.h"
#include "husk/cleanup.h"
#include "husk/crashpoint.h"
#include "husk/fs.h"
#include "husk/log.h"
#include "husk/proc.h"
#include "husk/state.h"

#define ID_MAX 200

int state_check_id(const char *id, struct husk_err **err)
{
	size_t len = strlen(id);

	if (len == 0)
		return husk_error(err, 0, "container id must not be empty");
	if (len > ID_MAX)
		return husk_error(err, 0, "container id is %zu bytes long, at most %d allowed", len, ID_MAX);
	if (!strcmp(id, ".") || !strcmp(id, ".."))
		return husk_error(err, 0, "invalid container id \"%s\"", id);
	if (strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.+-") != len)
		return husk_error(err, 0, "invalid container id \"%s\": only letters, digits and _ . + - are allowed", id);
	return 0;
}

static int open_root(const char *root, bool create, struct husk_err **err)
{
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	/* made only when missing: almost always it is there */
	if (fd < 0 && errno == ENOENT && create) {
		if (fs_mkdir_p(root, 0700, err) < 0)
			return husk_err_wrap(err, "state root");
		fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	if (fd < 0)
		return husk_syserr(err, "open state root \"%s\"", root);
	return fd;
}

static int fill_dir(struct state_dir *sd, const char *root, const char *id, int fd)
{
	sd->fd = fd;
	sd->id = strdup(id);
	if (asprintf(&sd->path, "%s/%s", root, id) < 0)
		sd->path = NULL;
	return sd->id && sd->path ? 0 : -1;
}

/* The directory is prepared under a private name and renamed into place, so
 * the id appears already locked and with a state file: two creates of one id
 * race on the rename and exactly one wins. */
int state_create(const char *root, const char *id, const struct container_state *st,
		 struct state_dir *sd, struct husk_err **err)
{
	cleanup_close int rootfd = open_root(root, true, err);
	cleanup_close int fd = -1;
	char tmp[ID_MAX + 64];

	if (rootfd < 0)
		return -1;
	if (faccessat(rootfd, id, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		return husk_error(err, EEXIST, "container \"%s\" already exists", id);
	snprintf(tmp, sizeof(tmp), ".new-%s-%d", id, getpid());
	if (mkdirat(rootfd, tmp, 0711) < 0)
		return husk_syserr(err, "create state dir \"%s/%s\"", root, tmp);
	fd = openat(rootfd, tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || flock(fd, LOCK_EX) < 0) {
		husk_syserr(err, "lock state dir \"%s/%s\"", root, tmp);
		goto fail;
	}
	fill_dir(sd, root, id, fd);
	if (state_write(sd, st, err) < 0)
		goto fail;
	if (renameat2(rootfd, tmp, rootfd, id, RENAME_NOREPLACE) < 0) {
		/* a create of the same id that won the race */
		if (errno == EEXIST)
			husk_error(err, EEXIST, "container \"%s\" already exists", id);
		else
			husk_syserr(err, "container \"%s\"", id);
		goto fail;
	}
	fd = -1;
	return 0;
fail:
	fs_remove_tree(rootfd, tmp, NULL);
	free(sd->id);
	free(sd->path);
	sd->fd = -1;
	return -1;
}

int state_open(const char *root, const char *id, bool lock, struct state_dir *sd,
	       struct husk_err **err)
{
	cleanup_close int rootfd = -1;
	int fd;

	if (state_check_id(id, err) < 0)
		return -1;
	rootfd = open_root(root, false, err);
	if (rootfd < 0) {
		if ((*err)->errnum == ENOENT) {
			husk_err_free(err);
			return husk_error(err, ENOENT, "container \"%s\" does not exist", id);
		}
		return -1;
	}
	fd = openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return husk_error(err, ENOENT, "container \"%s\" does not exist", id);
	if (fd < 0)
		return husk_syserr(err, "open state of container \"%s\"", id);
	if (lock && flock(fd, LOCK_EX) < 0) {
		close(fd);
		return husk_syserr(err, "lock container \"%s\"", id);
	}
	if (fill_dir(sd, root, id, fd) < 0) {
		close(fd);
		return husk_error(err, ENOMEM, "open container \"%s\"", id);
	}
	return 0;
}

void state_close(struct state_dir *sd)
{
	if (sd->fd >= 0)
		close(sd->fd);
	sd->fd = -1;
	free(sd->path);
	free(sd->id);
	sd->path = sd->id = NULL;
}

int state_remove(struct state_dir *sd, struct husk_err **err)
{
	cleanup_free char *root = strdup(sd->path);
	cleanup_close int rootfd = -1;
	char *slash = root ? strrchr(root, '/') : NULL, gone[ID_MAX + 64];

	if (!slash)
		return husk_error(err, ENOMEM, "remove state of \"%s\"", sd->id);
	*slash = '\0';
	rootfd = open(*root ? root : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return husk_syserr(err, "open state root \"%s\"", root);
	/* out of sight in one step, then emptied: a husk killed half way
	 * leaves a hidden directory, never ID without its state.json (which
	 * would read as no container of husk's, and stay) */
	snprintf(gone, sizeof(gone), ".gone-%s-%d", sd->id, getpid());
	if (renameat(rootfd, sd->id, rootfd, gone) < 0)
		return husk_syserr(err, "remove state of \"%s\"", sd->id);
	crashpoint("state-hidden");
	return fs_remove_tree(rootfd, gone, err);
}

static void gen_str(yajl_gen g, const char *key, const char *val)
{
	yajl_gen_string(g, (const unsigned char *)key, strlen(key));
	if (val)
		yajl_gen_string(g, (const unsigned char *)val, strlen(val));
	else
		yajl_gen_null(g);
}

static void gen_int(yajl_gen g, const char *key, long long val)
{
	yajl_gen_string(g, (const unsigned char *)key, strlen(key));
	yajl_gen_integer(g, val);
}

static void gen_bool(yajl_gen g, const char *key, bool val)
{
	yajl_gen_string(g, (const unsigned char *)key, strlen(key));
	yajl_gen_bool(g, val);
}

int state_write(const struct state_dir *sd, const struct container_state *st,
		struct husk_err **err)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;
	int ret;

	if (!g)
		return husk_error(err, ENOMEM, "write state");
	yajl_gen_map_open(g);
	gen_str(g, "id", st->id);
	gen_str(g, "bundle", st->bundle);
	gen_str(g, "rootfs", st->rootfs);
	gen_str(g, "created", st->created);
	gen_str(g, "cgroup_path", st->cgroup_path);
	gen_bool(g, "cgroup_owned", st->cgroup_owned);
	if (st->cgroup_made)
		gen_str(g, "cgroup_made", st->cgroup_made);
	gen_bool(g, "created_done", st->created_done);
	gen_bool(g, "start_hooks", st->start_hooks);
	gen_bool(g, "poststop_hooks", st->poststop_hooks);
	gen_bool(g, "own_pidns", st->own_pidns);
	gen_int(g, "pid", st->pid);
	gen_int(g, "pid_start", (long long)st->pid_start);
	gen_int(g, "creator", st->creator);
	gen_int(g, "creator_start", (long long)st->creator_start);
	gen_int(g, "monitor", st->monitor);
	gen_int(g, "monitor_start", (long long)st->monitor_start);
	gen_int(g, "owner", st->owner);
	yajl_gen_string(g, (const unsigned char *)"annotations", 11);
	yajl_gen_map_open(g);
	for (size_t i = 0; i < st->annotations.n; i++)
		gen_str(g, st->annotations.v[i].key, st->annotations.v[i].value);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
	yajl_gen_get_buf(g, &buf, &len);
	ret = fs_write_atomic(sd->fd, STATE_FILE, (const char *)buf, len, 0600, err);
	yajl_gen_free(g);
	return ret < 0 ? husk_err_wrap(err, "container \"%s\": write state", sd->id) : 0;
}

static char *get_str(yajl_val root, const char *key)
{
	const char *path[] = { key, NULL };
	const char *s = YAJL_GET_STRING(yajl_tree_get(root, path, yajl_t_string));

	return s ? strdup(s) : NULL;
}

/* An integer member within [min, max]; absent or null reads as 0. */
static int get_int(yajl_val root, const char *key, long long min, long long max,
		   long long *out, struct husk_err **err)
{
	const char *path[] = { key, NULL };
	yajl_val v = yajl_tree_get(root, path, yajl_t_any);

	*out = 0;
	if (!v || YAJL_IS_NULL(v))
		return 0;
	if (!YAJL_IS_INTEGER(v) || YAJL_GET_INTEGER(v) < min || YAJL_GET_INTEGER(v) > max)
		return husk_error(err, 0, "corrupt state: \"%s\" is not an integer from %lld to %lld",
				  key, min, max);
	*out = YAJL_GET_INTEGER(v);
	return 0;
}

static bool get_bool(yajl_val root, const char *key)
{
	const char *path[] = { key, NULL };

	return YAJL_IS_TRUE(yajl_tree_get(root, path, yajl_t_true));
}

static int get_annotations(yajl_val root, struct oci_map *map)
{
	const char *path[] = { "annotations", NULL };
	yajl_val obj = yajl_tree_get(root, path, yajl_t_object);

	if (!obj || !obj->u.object.len)
		return 0;
	map->v = calloc(obj->u.object.len, sizeof(*map->v));
	if (!map->v)
		return -1;
	for (size_t i = 0; i < obj->u.object.len; i++) {
		const char *val = YAJL_GET_STRING(obj->u.object.values[i]);

		map->v[map->n].key = strdup(obj->u.object.keys[i]);
		map->v[map->n].value = strdup(val ? val : "");
		if (!map->v[map->n].key || !map->v[map->n++].value)
			return -1;
	}
	return 0;
}

static void tree_freep(yajl_val *v)
{
	yajl_tree_free(*v);
}

int state_parse(const char *buf, size_t len, struct container_state *st, struct husk_err **err)
{
	__attribute__((cleanup(tree_freep))) yajl_val root = NULL;
	long long pid, pid_start, creator, creator_start, monitor, monitor_start, owner;

	memset(st, 0, sizeof(*st));
	/* also bounds the nesting, which yajl_tree_free would recurse through */
	if (oci_json_check(buf, len, "corrupt state", err) < 0)
		return -1;
	root = yajl_tree_parse(buf, NULL, 0);
	if (!root)
		return husk_error(err, ENOMEM, "read state");
	if (!YAJL_IS_OBJECT(root))
		return husk_error(err, 0, "corrupt state: not a JSON object");
	if (get_int(root, "pid", 0, INT32_MAX, &pid, err) < 0 ||
	    get_int(root, "pid_start", 0, INT64_MAX, &pid_start, err) < 0 ||
	    get_int(root, "creator", 0, INT32_MAX, &creator, err) < 0 ||
	    get_int(root, "creator_start", 0, INT64_MAX, &creator_start, err) < 0 ||
	    get_int(root, "monitor", 0, INT32_MAX, &monitor, err) < 0 ||
	    get_int(root, "monitor_start", 0, INT64_MAX, &monitor_start, err) < 0 ||
	    get_int(root, "owner", 0, UINT32_MAX, &owner, err) < 0)
		return -1;
	*st = (struct container_state){
		.id = get_str(root, "id"), .bundle = get_str(root, "bundle"),
		.rootfs = get_str(root, "rootfs"), .created = get_str(root, "created"),
		.cgroup_path = get_str(root, "cgroup_path"),
		.cgroup_owned = get_bool(root, "cgroup_owned"),
		.cgroup_made = get_str(root, "cgroup_made"),
		.created_done = get_bool(root, "created_done"),
		.start_hooks = get_bool(root, "start_hooks"),
		.poststop_hooks = get_bool(root, "poststop_hooks"),
		.own_pidns = get_bool(root, "own_pidns"),
		.pid = pid, .pid_start = pid_start, .creator = creator,
		.creator_start = creator_start, .monitor = monitor,
		.monitor_start = monitor_start, .owner = owner,
	};
	if (get_annotations(root, &st->annotations) < 0) {
		state_free(st);
		return husk_error(err, ENOMEM, "read state");
	}
	if (!st->id) {
		state_free(st);
		return husk_error(err, 0, "corrupt state: no \"id\"");
	}
	return 0;
}

int state_read(const struct state_dir *sd, struct container_state *st, struct husk_err **err)
{
	size_t len = 0;
	cleanup_free char *buf = fs_read_fileat(sd->fd, STATE_FILE, &len, err);

	memset(st, 0, sizeof(*st));
	if (!buf && err && *err && (*err)->errnum == ENOENT) {
		/* state.json is in place before the directory appears, so it is
		 * gone only because a delete removed (or is removing) the
		 * container after this command opened it */
		husk_err_free(err);
		return husk_error(err, ENOENT, "container \"%s\" does not exist", sd->id);
	}
	if (!buf)
		return husk_err_wrap(err, "container \"%s\": read state", sd->id);
	if (state_parse(buf, len, st, err) < 0)
		return husk_err_wrap(err, "container \"%s\": %s/%s", sd->id, sd->path, STATE_FILE);
	return 0;
}

void state_free(struct container_state *st)
{
	free(st->id);
	free(st->bundle);
	free(st->rootfs);
	free(st->created);
	free(st->cgroup_path);
	free(st->cgroup_made);
	for (size_t i = 0; i < st->annotations.n; i++) {
		free(st->annotations.v[i].key);
		free(st->annotations.v[i].value);
	}
	free(st->annotations.v);
	memset(st, 0, sizeof(*st));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int state_list(const char *root, char ***ids, size_t *n, struct husk_err **err)
{
	DIR *dir = opendir(root);
	struct dirent *de;
	size_t cap = 0;

	*ids = NULL;
	*n = 0;
	if (!dir)
		return errno == ENOENT ? 0 : husk_syserr(err, "open state root \"%s\"", root);
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.' || de->d_type != DT_DIR)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*ids = realloc(*ids, cap * sizeof(**ids));
			if (!*ids) {
				closedir(dir);
				return husk_error(err, ENOMEM, "list \"%s\"", root);
			}
		}
		(*ids)[(*n)++] = strdup(de->d_name);
	}
	closedir(dir);
	if (*n)
		qsort(*ids, *n, sizeof(**ids), cmp_str);
	return 0;
}

const char *state_status(const struct state_dir *sd, const struct container_state *st)
{
	if (!st->created_done)
		return proc_alive(st->creator, st->creator_start) ? "creating" : "stopped";
	if (!proc_alive(st->pid, st->pid_start))
		return "stopped";
	if (faccessat(sd->fd, STATE_FIFO, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		return "created";
	if (st->cgroup_path && cgroup_is_frozen(st->cgroup_path))
		return "paused";
	return "running";
}

void state_now(char *buf, size_t size)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	log_time_utc(&ts, buf, size);
}

int state_write_exit(const struct state_dir *sd, int wait_status, struct husk_err **err)
{
	char buf[256], now[64];
	int sig = WIFSIGNALED(wait_status) ? WTERMSIG(wait_status) : 0;
	int code = sig ? 128 + sig : WEXITSTATUS(wait_status);
	int len;

	state_now(now, sizeof(now));
	len = snprintf(buf, sizeof(buf), "{\"exitCode\":%d,\"signal\":%d,\"exitedAt\":\"%s\"}",
		       code, sig, now);
	return fs_write_atomic(sd->fd, STATE_EXIT, buf, len, 0600, err);
}

bool state_read_exit(const struct state_dir *sd, struct exit_info *ei)
{
	cleanup_free char *buf = fs_read_fileat(sd->fd, STATE_EXIT, NULL, NULL);
	const char *code_path[] = { "exitCode", NULL }, *sig_path[] = { "signal", NULL };
	const char *at_path[] = { "exitedAt", NULL };
	yajl_val root, code, sig;
	const char *at;

	if (!buf || oci_json_check(buf, strlen(buf), STATE_EXIT, NULL) < 0 ||
	    !(root = yajl_tree_parse(buf, NULL, 0)))
		return false;
	code = yajl_tree_get(root, code_path, yajl_t_number);
	sig = yajl_tree_get(root, sig_path, yajl_t_number);
	at = YAJL_GET_STRING(yajl_tree_get(root, at_path, yajl_t_string));
	if (code)
		*ei = (struct exit_info){ .code = YAJL_GET_INTEGER(code),
					  .signal = sig ? YAJL_GET_INTEGER(sig) : 0 };
	if (code && at)
		snprintf(ei->exited_at, sizeof(ei->exited_at), "%s", at);
	yajl_tree_free(root);
	return code != NULL;
}
