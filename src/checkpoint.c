/* Checkpoint and restore through the criu binary: gather the facts the
 * command lines need (src/criu.c builds them), run criu, and turn what it
 * did into husk's state. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "husk/cgroup.h"
#include "husk/checkpoint.h"
#include "husk/cleanup.h"
#include "husk/events.h"
#include "husk/fs.h"
#include "husk/log.h"
#include "husk/oci.h"
#include "husk/process.h"
#include "husk/state.h"

#define CRIU_ROOT "criu-root"	/* in the state dir: the rootfs for criu --root */
#define CRIU_PIDFILE "criu.pid"
#define LOG_ERRORS 5		/* criu's last error lines quoted in husk's error */

/* ------------------------------------------------------- running criu */

/* The child's side of run_criu: stdio, the fds it keeps, exec. An exec
 * failure is reported as errno on report_fd (close-on-exec). */
__attribute__((noreturn))
static void exec_child(char *const argv[], int out_fd, int report_fd)
{
	int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	process_reset_signals();
	if (null_fd < 0 || dup2(null_fd, 0) < 0 || (out_fd >= 0 && (dup2(out_fd, 1) < 0 || dup2(out_fd, 2) < 0)))
		goto fail;
	process_close_fds(0, &report_fd, 1);
	execvp(argv[0], argv);
fail:
	(void)!write(report_fd, &errno, sizeof(errno));
	_exit(127);
}

/* Run criu (stdin /dev/null) and wait for it. Its stdout and stderr are
 * collected into *out when out is not NULL, else go to husk's stderr.
 * Returns the wait status, or -1 with *err when it could not be run. */
static int run_criu(char *const argv[], char **out, struct husk_err **err)
{
	int report[2] = { -1, -1 }, output[2] = { -1, -1 };
	int status = 0, child_errno = 0;
	size_t len = 0, cap = 0;
	char *buf = NULL;
	pid_t pid;

	if (out)
		*out = NULL;
	if (pipe2(report, O_CLOEXEC) < 0 || (out && pipe2(output, O_CLOEXEC) < 0)) {
		husk_syserr(err, "criu: pipe");
		goto fail;
	}
	pid = fork();
	if (pid < 0) {
		husk_syserr(err, "criu: fork");
		goto fail;
	}
	if (pid == 0)
		exec_child(argv, out ? output[1] : 2, report[1]);
	close(report[1]);
	report[1] = -1;
	if (out) {
		close(output[1]);
		output[1] = -1;
		for (;;) {
			char scratch[512], *to = scratch;
			size_t room = sizeof(scratch);
			ssize_t n;

			if (len + 4096 > cap) {
				char *grown = realloc(buf, cap ? cap * 2 : 8192);

				if (grown) {
					buf = grown;
					cap = cap ? cap * 2 : 8192;
				}
			}
			if (len + 1 < cap) {	/* else drain, so criu never blocks */
				to = buf + len;
				room = cap - len - 1;
			}
			n = read(output[0], to, room);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			if (to != scratch)
				len += n;
		}
		if (buf)
			buf[len] = '\0';
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (read(report[0], &child_errno, sizeof(child_errno)) == sizeof(child_errno)) {
		husk_error(err, child_errno, "criu \"%s\"", argv[0]);
		goto fail;
	}
	close(report[0]);
	if (out) {
		close(output[0]);
		*out = buf ? buf : strdup("");
	}
	return status;
fail:
	for (int i = 0; i < 2; i++) {
		if (report[i] >= 0)
			close(report[i]);
		if (output[i] >= 0)
			close(output[i]);
	}
	free(buf);
	return -1;
}

static void describe_status(int status, char *buf, size_t size)
{
	if (WIFEXITED(status))
		snprintf(buf, size, "exit status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, size, "killed by signal %d", WTERMSIG(status));
	else
		snprintf(buf, size, "wait status %#x", status);
}

int criu_check_binary(const char *criu, struct husk_err **err)
{
	char *argv[] = { (char *)criu, "--version", NULL };
	cleanup_free char *out = NULL;
	char have[32], need[32];
	int status = run_criu(argv, &out, err), version;

	criu_version_string(CRIU_MIN_VERSION, need, sizeof(need));
	if (status < 0) {
		/* "criu "PATH": No such file or directory", with what to do */
		cleanup_free char *msg = err && *err ? strdup((*err)->msg) : NULL;

		if (!msg)
			return -1;
		husk_err_free(err);
		return husk_error(err, 0, "%s (husk needs criu %s or newer; --criu PATH names it)",
				  msg, need);
	}
	version = criu_version_parse(out);
	if (version < 0) {
		out[strcspn(out, "\n")] = '\0';
		return husk_error(err, 0, "criu \"%s\": \"--version\" printed no version (\"%s\")",
				  criu, out);
	}
	if (version < CRIU_MIN_VERSION) {
		criu_version_string(version, have, sizeof(have));
		return husk_error(err, 0, "criu \"%s\" is version %s, too old: husk needs criu %s or newer",
				  criu, have, need);
	}
	return 0;
}

/* A pre-dump, and a dump on top of a parent, need the kernel to track
 * which pages change (soft-dirty bits). */
static int check_mem_tracking(const char *criu, const char *flag, struct husk_err **err)
{
	char *argv[] = { (char *)criu, "check", "--feature", "mem_dirty_track", NULL };
	cleanup_free char *out = NULL;
	int status = run_criu(argv, &out, err);

	if (status < 0)
		return -1;
	if (status == 0)
		return 0;
	for (char *p = out; *p; p++)
		if (*p == '\n')
			*p = p[1] ? ' ' : '\0';
	return husk_error(err, 0, "%s: criu cannot track memory changes on this kernel (no soft-dirty "
			  "page tracking), which it needs for this: `criu check --feature "
			  "mem_dirty_track` says: %s", flag, *out ? out : "(nothing)");
}

/* The error of a failed criu run: its last error lines and the log's path. */
static int criu_failed(const char *what, int status, const char *log_dir, const char *log_name,
		       const char *output, struct husk_err **err)
{
	char path[PATH_MAX], how[64];
	cleanup_free char *log = NULL, *errors = NULL;

	snprintf(path, sizeof(path), "%s/%s", log_dir, log_name);
	describe_status(status, how, sizeof(how));
	log = fs_read_file(path, NULL, NULL);
	errors = log ? criu_log_errors(log, LOG_ERRORS) : NULL;
	if (!errors && output && *output) {
		errors = strdup(output);
		if (errors)
			errors[strcspn(errors, "\n")] = '\0';
	}
	return husk_error(err, 0, "criu %s failed (%s): %s (log: %s)", what, how,
			  errors ? errors : "no error in its log", path);
}

/* ------------------------------------------------------------ helpers */

char *checkpoint_abs_path(const char *path, const char *flag, struct husk_err **err)
{
	cleanup_free char *cwd = NULL;
	char *out = NULL;

	if (!*path) {
		husk_error(err, 0, "%s: must not be empty", flag);
		return NULL;
	}
	if (path[0] == '/')
		out = strdup(path);
	else if ((cwd = getcwd(NULL, 0)) && asprintf(&out, "%s/%s", cwd, path) < 0)
		out = NULL;
	if (!out)
		husk_syserr(err, "%s \"%s\"", flag, path);
	return out;
}

static bool has_token(const char *list, const char *tok)
{
	size_t len = strlen(tok);

	for (const char *p = list; *p; ) {
		size_t n = strcspn(p, ",");

		if (n == len && !strncmp(p, tok, len))
			return true;
		p += n + (p[n] == ',');
	}
	return false;
}

/* The directory criu freezes the container with: the v1 freezer, else
 * the v2 cgroup (cgroup.freeze). NULL: none, criu uses ptrace alone. */
static char *freezer_dir(const char *cgroup_path)
{
	struct cgroup_layout l;
	char *dir = NULL;

	if (!cgroup_path || cgroup_layout_detect(&l, NULL) < 0)
		return NULL;
	for (size_t i = 0; i < l.n && !dir; i++)
		if (!l.h[i].v2 && has_token(l.h[i].controllers, "freezer") &&
		    asprintf(&dir, "%s%s", l.h[i].mount, cgroup_path) < 0)
			dir = NULL;
	for (size_t i = 0; i < l.n && !dir; i++) {
		char file[PATH_MAX];

		snprintf(file, sizeof(file), "%s%s/cgroup.freeze", l.h[i].mount, cgroup_path);
		if (l.h[i].v2 && access(file, F_OK) == 0 &&
		    asprintf(&dir, "%s%s", l.h[i].mount, cgroup_path) < 0)
			dir = NULL;
	}
	cgroup_layout_free(&l);
	return dir;
}

/* What the freezer says now ("THAWED", "0"...), to put it back after a
 * failed dump; NULL when unknown. */
static char *freezer_read(const char *dir, const char **file)
{
	char path[PATH_MAX];
	char *val;

	*file = "freezer.state";
	snprintf(path, sizeof(path), "%s/%s", dir, *file);
	val = fs_read_file(path, NULL, NULL);
	if (val)
		return val;
	*file = "cgroup.freeze";
	snprintf(path, sizeof(path), "%s/%s", dir, *file);
	return fs_read_file(path, NULL, NULL);
}

/* criu_fs answered from a root directory: the container's (/proc/PID/root)
 * for the kinds of paths, its rootfs on the host for mount points. */
struct fs_probe {
	int rootfd;		/* /proc/PID/root, for kind */
	int rootfs_fd;		/* the rootfs, for resolve */
	char rootfs[PATH_MAX];	/* its host path, as /proc/self/fd shows it */
};

static enum criu_path_kind probe_kind(void *arg, const char *path)
{
	const struct fs_probe *p = arg;
	cleanup_close int fd = fs_open_in_root(p->rootfd, path, FS_ANY, NULL);
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0)
		return CRIU_PATH_ABSENT;
	return S_ISDIR(st.st_mode) ? CRIU_PATH_DIR : CRIU_PATH_FILE;
}

/* A mount destination as the mount point really is, with the rootfs'
 * symlinks followed inside it (/var/run/x -> /run/x), as create mounts it. */
static char *probe_resolve(void *arg, const char *dest)
{
	const struct fs_probe *p = arg;
	cleanup_close int fd = fs_open_in_root(p->rootfs_fd, dest, FS_ANY, NULL);
	char link[FS_FD_PATH_MAX], target[PATH_MAX];
	size_t len = strlen(p->rootfs);
	ssize_t n;

	if (fd < 0 || (n = readlink(fs_fd_path(fd, link), target, sizeof(target) - 1)) < 0)
		return NULL;
	target[n] = '\0';
	if (strncmp(target, p->rootfs, len) || (target[len] != '/' && target[len] != '\0'))
		return NULL;
	return strdup(target[len] ? target + len : "/");
}

static int fs_probe_open(struct fs_probe *p, pid_t pid, const char *rootfs, struct husk_err **err)
{
	char path[64];
	ssize_t n;

	p->rootfs_fd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (p->rootfs_fd < 0)
		return husk_syserr(err, "open rootfs \"%s\"", rootfs);
	n = readlink(fs_fd_path(p->rootfs_fd, path), p->rootfs, sizeof(p->rootfs) - 1);
	if (n < 0)
		return husk_syserr(err, "rootfs \"%s\"", rootfs);
	p->rootfs[n] = '\0';
	if (pid <= 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/root", pid);
	p->rootfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	return p->rootfd < 0 ? husk_syserr(err, "open %s", path) : 0;
}

static void fs_probe_close(struct fs_probe *p)
{
	if (p->rootfd >= 0)
		close(p->rootfd);
	if (p->rootfs_fd >= 0)
		close(p->rootfs_fd);
	p->rootfd = p->rootfs_fd = -1;
}

/* fds 0-2 of the init, as /proc shows them. */
static int read_descriptors(pid_t pid, char *fds[3], struct husk_err **err)
{
	for (int i = 0; i < 3; i++) {
		char link[64], target[PATH_MAX];
		ssize_t n;

		snprintf(link, sizeof(link), "/proc/%d/fd/%d", pid, i);
		n = readlink(link, target, sizeof(target) - 1);
		if (n < 0 && errno == ENOENT) {
			fds[i] = strdup("");
			continue;
		}
		if (n < 0)
			return husk_syserr(err, "read %s", link);
		target[n] = '\0';
		fds[i] = strdup(target);
		if (!fds[i])
			return husk_error(err, ENOMEM, "descriptors");
	}
	return 0;
}

/* Namespaces joined by path that criu must treat as external (net, pid):
 * "TYPE[INODE]:KEY" for dump. */
static int external_namespaces(const struct oci_config *cfg, char *ext[2], size_t *n,
			       struct husk_err **err)
{
	static const enum oci_ns_type types[] = { OCI_NS_NETWORK, OCI_NS_PID };

	*n = 0;
	for (size_t i = 0; i < 2; i++) {
		const struct oci_namespace *ns = oci_config_namespace(cfg, types[i]);
		struct stat st;

		if (!ns || !ns->path)
			continue;
		if (stat(ns->path, &st) < 0)
			return husk_syserr(err, "config.json: .linux.namespaces: %s namespace \"%s\"",
					   criu_ns_name(types[i]), ns->path);
		if (asprintf(&ext[*n], "%s[%lu]:%s", criu_ns_name(types[i]), (unsigned long)st.st_ino,
			     criu_ns_key(types[i])) < 0)
			return husk_error(err, ENOMEM, "external namespaces");
		(*n)++;
	}
	return 0;
}

static int make_dir(const char *path, const char *flag, struct husk_err **err)
{
	if (fs_mkdir_p(path, 0700, err) < 0)
		return husk_err_wrap(err, "%s", flag);
	return 0;
}

/* --------------------------------------------------------- checkpoint */

struct dump_ctx {
	struct state_dir sd;
	struct container_state st;
	struct oci_config *cfg;
	struct criu_ext_mounts mounts;
	char *fds[3], *ext[2], *freezer, *freezer_was;
	size_t n_ext;
	char **argv;
	struct fs_probe fs;
};

static void dump_ctx_free(struct dump_ctx *d)
{
	criu_argv_free(d->argv);
	criu_ext_mounts_free(&d->mounts);
	for (int i = 0; i < 3; i++)
		free(d->fds[i]);
	for (size_t i = 0; i < d->n_ext; i++)
		free(d->ext[i]);
	free(d->freezer);
	free(d->freezer_was);
	fs_probe_close(&d->fs);
	oci_config_free(d->cfg);
	state_free(&d->st);
	if (d->sd.fd >= 0)
		state_close(&d->sd);
}

/* Everything that can be found out before criu runs. */
static int dump_prepare(const struct checkpoint_opts *o, struct dump_ctx *d, struct husk_err **err)
{
	const struct criu_opts *c = &o->c;
	const char *status;
	char path[PATH_MAX];
	struct stat st;

	if (state_open(o->root, o->id, true, &d->sd, err) < 0 || state_read(&d->sd, &d->st, err) < 0)
		return -1;
	status = state_status(&d->sd, &d->st);
	if (strcmp(status, "running") && strcmp(status, "paused"))
		return husk_error(err, 0, "cannot checkpoint container \"%s\": it is %s, not running",
				  o->id, status);
	snprintf(path, sizeof(path), "%s/" STATE_CONFIG, d->sd.path);
	d->cfg = oci_config_load(path, err);
	if (!d->cfg)
		return husk_err_wrap(err, "config snapshot of \"%s\"", o->id);
	if (d->cfg->process && d->cfg->process->terminal)
		return husk_error(err, 0, "cannot checkpoint container \"%s\": it has a terminal "
				  "(process.terminal), which husk cannot restore", o->id);
	if (criu_namespaces_check(d->cfg, err) < 0 || criu_check_binary(o->criu, err) < 0)
		return -1;
	if (c->parent_path) {
		/* relative to the image dir, which may not be there yet */
		cleanup_free char *parent = NULL;

		snprintf(path, sizeof(path), "%s/%s", c->image_path, c->parent_path);
		parent = criu_clean_path(path);
		if (!parent)
			return husk_error(err, ENOMEM, "--parent-path");
		if (stat(parent, &st) < 0)
			return husk_syserr(err, "--parent-path \"%s\": \"%s\"", c->parent_path, parent);
		if (!S_ISDIR(st.st_mode))
			return husk_error(err, ENOTDIR, "--parent-path \"%s\": \"%s\"", c->parent_path, parent);
	}
	if (c->pre_dump && check_mem_tracking(o->criu, "--pre-dump", err) < 0)
		return -1;
	if (!c->pre_dump && c->parent_path && check_mem_tracking(o->criu, "--parent-path", err) < 0)
		return -1;
	if (make_dir(c->image_path, "--image-path", err) < 0 ||
	    (c->work_path && make_dir(c->work_path, "--work-path", err) < 0))
		return -1;
	if (fs_probe_open(&d->fs, d->st.pid, d->st.rootfs, err) < 0)
		return husk_err_wrap(err, "container \"%s\"", o->id);
	if (criu_dump_mounts(d->cfg, &(struct criu_fs){ probe_kind, probe_resolve, &d->fs },
			     &d->mounts, err) < 0 ||
	    external_namespaces(d->cfg, d->ext, &d->n_ext, err) < 0 ||
	    read_descriptors(d->st.pid, d->fds, err) < 0)
		return -1;
	d->freezer = freezer_dir(d->st.cgroup_path);
	return 0;
}

static int write_descriptors(const struct criu_opts *c, char *fds[3], struct husk_err **err)
{
	cleanup_free char *json = criu_descriptors_json(fds);
	cleanup_close int dirfd = open(c->image_path, O_DIRECTORY | O_PATH | O_CLOEXEC);

	if (!json)
		return husk_error(err, ENOMEM, CRIU_DESCRIPTORS);
	if (dirfd < 0)
		return husk_syserr(err, "--image-path \"%s\"", c->image_path);
	if (fs_write_atomic(dirfd, CRIU_DESCRIPTORS, json, strlen(json), 0600, err) < 0)
		return husk_err_wrap(err, "--image-path \"%s\"", c->image_path);
	return 0;
}

/* criu thaws what it froze, even when it fails; should it die half way,
 * the container is not left frozen unless it was paused before. */
static void restore_freezer(const struct dump_ctx *d)
{
	const char *file;
	cleanup_free char *now = NULL;
	char path[PATH_MAX];

	if (!d->freezer || !d->freezer_was)
		return;
	now = freezer_read(d->freezer, &file);
	if (!now || !strcmp(now, d->freezer_was))
		return;
	snprintf(path, sizeof(path), "%s/%s", d->freezer, file);
	if (fs_write_file(path, d->freezer_was, strlen(d->freezer_was), NULL) < 0)
		log_warn("checkpoint: could not put %s back to %s", path, d->freezer_was);
}

int container_checkpoint(const struct checkpoint_opts *o, struct husk_err **err)
{
	const struct criu_opts *c = &o->c;
	struct dump_ctx d = { .sd = { .fd = -1 }, .fs = { -1, -1, "" } };
	cleanup_free char *output = NULL;
	struct criu_dump_plan plan;
	const char *file;
	int status, ret = -1;
	bool gone;

	if (dump_prepare(o, &d, err) < 0)
		goto out;
	plan = (struct criu_dump_plan){
		.criu = o->criu, .o = c, .pid = d.st.pid, .rootfs = d.st.rootfs,
		.freeze_cgroup = d.freezer, .config_file = criu_config_file(d.cfg),
		.mounts = &d.mounts, .external = d.ext, .n_external = d.n_ext,
	};
	d.argv = criu_dump_argv(&plan, err);
	if (!d.argv || (!c->pre_dump && write_descriptors(c, d.fds, err) < 0))
		goto out;
	if (d.freezer)
		d.freezer_was = freezer_read(d.freezer, &file);
	status = run_criu(d.argv, &output, err);
	if (status < 0)
		goto out;
	if (status != 0) {
		restore_freezer(&d);
		criu_failed(c->pre_dump ? "pre-dump" : "dump", status, c->work_path ? c->work_path : c->image_path,
			    CRIU_DUMP_LOG, output, err);
		goto out;
	}
	events_append(d.sd.fd, o->id, c->pre_dump ? "pre-dumped" : "checkpointed", NULL);
	/* criu has killed the processes: the container goes, as with runc
	 * (delete takes the lock itself) */
	state_close(&d.sd);
	gone = !c->leave_running && !c->pre_dump;
	ret = gone ? container_delete(o->root, o->id, true, err) : 0;
	if (ret < 0 && (*err)->errnum == ENOENT) {
		/* a foreground `husk run` saw its init end and deleted it first */
		husk_err_free(err);
		ret = 0;
	}
out:
	dump_ctx_free(&d);
	return ret < 0 ? husk_err_wrap(err, "checkpoint \"%s\"", o->id) : 0;
}

/* ------------------------------------------------------------ restore */

struct restore_ctx {
	const struct restore_opts *o;
	struct criu_ext_mounts mounts;
	char *fds[3];
	struct criu_inherit inherit[5];
	size_t n_inherit;
	struct criu_join join[OCI_NS_COUNT];
	size_t n_join;
	int ns_fds[2];		/* become fds 3 and 4 of criu */
	size_t n_ns_fds;
	char *croot, *pidfile, *log_dir;
	char **argv;
	int go[2], report[2];
	pid_t helper;
};

/* Mount points of the bind mounts, made as create makes them, in case
 * the rootfs is a fresh copy (those on a tmpfs come back with it). */
static int make_mountpoints(const struct oci_config *cfg, const char *rootfs, struct husk_err **err)
{
	cleanup_close int rootfd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (rootfd < 0)
		return husk_syserr(err, "open rootfs \"%s\"", rootfs);
	for (size_t i = 0; i < cfg->n_mounts; i++) {
		const struct oci_mount *m = &cfg->mounts[i];
		bool bind = m->type && !strcmp(m->type, "bind"), on_tmpfs = false;
		struct stat st;
		int fd;

		for (size_t j = 0; j < m->options.n; j++)
			bind |= !strcmp(m->options.v[j], "bind") || !strcmp(m->options.v[j], "rbind");
		for (size_t j = 0; j < cfg->n_mounts && !on_tmpfs; j++) {
			size_t len = strlen(cfg->mounts[j].destination);

			on_tmpfs = j != i && cfg->mounts[j].type && !strcmp(cfg->mounts[j].type, "tmpfs") &&
				   !strncmp(m->destination, cfg->mounts[j].destination, len) &&
				   m->destination[len] == '/';
		}
		if (!bind || on_tmpfs || !m->source || stat(m->source, &st) < 0)
			continue;
		fd = fs_open_in_root(rootfd, m->destination, S_ISDIR(st.st_mode) ? FS_DIR : FS_FILE, err);
		if (fd < 0)
			return husk_err_wrap(err, "restore: mount point of mounts[%zu]", i);
		close(fd);
	}
	return 0;
}

/* Namespaces joined by path: net and pid are inherited fds under criu's
 * keys, the others joined by criu (--join-ns). */
static int restore_namespaces(struct restore_ctx *r, const struct oci_config *cfg,
			      struct husk_err **err)
{
	const struct oci_linux *lx = cfg->linux_cfg;

	for (size_t i = 0; lx && i < lx->n_namespaces; i++) {
		const struct oci_namespace *ns = &lx->namespaces[i];
		const char *key = criu_ns_key(ns->type);

		if (!ns->path)
			continue;
		if (!key) {
			r->join[r->n_join++] = (struct criu_join){ criu_ns_name(ns->type), ns->path };
			continue;
		}
		r->ns_fds[r->n_ns_fds] = open(ns->path, O_RDONLY | O_CLOEXEC);
		if (r->ns_fds[r->n_ns_fds] < 0)
			return husk_syserr(err, "config.json: .linux.namespaces: %s namespace \"%s\"",
					   criu_ns_name(ns->type), ns->path);
		r->inherit[r->n_inherit++] = (struct criu_inherit){ 3 + (int)r->n_ns_fds, key };
		r->n_ns_fds++;
	}
	return 0;
}

static void restore_ctx_free(struct restore_ctx *r)
{
	criu_argv_free(r->argv);
	criu_ext_mounts_free(&r->mounts);
	for (int i = 0; i < 3; i++)
		free(r->fds[i]);
	for (size_t i = 0; i < r->n_ns_fds; i++)
		close(r->ns_fds[i]);
	for (int i = 0; i < 2; i++) {
		if (r->go[i] >= 0)
			close(r->go[i]);
		if (r->report[i] >= 0)
			close(r->report[i]);
	}
	free(r->croot);
	free(r->pidfile);
	free(r->log_dir);
}

__attribute__((noreturn, format(printf, 2, 3)))
static void helper_fail(int report_fd, const char *fmt, ...)
{
	int saved = errno;
	char msg[1024];
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (len >= (int)sizeof(msg))
		len = sizeof(msg) - 1;
	len += snprintf(msg + len, sizeof(msg) - len, ": %s", strerror(saved));
	(void)!write(report_fd, msg, len);
	_exit(127);
}

/* criu runs in a mount namespace of its own, where the rootfs is bound on
 * a mount point (criu --root wants one): nothing of it shows on the host,
 * and it goes away with criu. It starts once it is in the cgroup. */
__attribute__((noreturn))
static void helper_main(struct restore_ctx *r, const struct restore_target *t)
{
	int keep[1];
	char byte;

	process_reset_signals();
	close(r->go[1]);
	close(r->report[0]);
	/* above 3 and 4, where the namespace fds go */
	keep[0] = r->report[1] = fcntl(r->report[1], F_DUPFD_CLOEXEC, 10);
	if (keep[0] < 0)
		_exit(127);
	if (unshare(CLONE_NEWNS) < 0)
		helper_fail(r->report[1], "restore: unshare the mount namespace of criu");
	if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		helper_fail(r->report[1], "restore: make / rslave for criu");
	if (mount(t->rootfs, r->croot, NULL, MS_BIND | MS_REC, NULL) < 0)
		helper_fail(r->report[1], "restore: bind rootfs \"%s\" on \"%s\"", t->rootfs, r->croot);
	if (read(r->go[0], &byte, 1) != 1)
		_exit(1);	/* husk gave up */
	/* namespace fds to 3, 4: first out of the way, then into place */
	for (size_t i = 0; i < r->n_ns_fds; i++) {
		int fd = fcntl(r->ns_fds[i], F_DUPFD_CLOEXEC, 10);

		if (fd < 0)
			helper_fail(r->report[1], "restore: namespace fd");
		r->ns_fds[i] = fd;
	}
	for (size_t i = 0; i < r->n_ns_fds; i++)
		if (dup2(r->ns_fds[i], 3 + (int)i) < 0)
			helper_fail(r->report[1], "restore: namespace fd");
	process_close_fds((int)r->n_ns_fds, keep, 1);
	execvp(r->argv[0], r->argv);
	helper_fail(r->report[1], "criu \"%s\"", r->argv[0]);
}

static pid_t restore_spawn(void *arg, const struct restore_target *t, struct husk_err **err)
{
	struct restore_ctx *r = arg;
	const struct criu_opts *c = &r->o->c;
	cleanup_free char *cwd = getcwd(NULL, 0);
	struct fs_probe fs = { -1, -1, "" };
	struct criu_restore_plan plan;
	struct stat st;
	int ret;

	if (t->cfg->process && t->cfg->process->terminal)
		return husk_error(err, 0, "config.json: .process.terminal is true: husk cannot restore "
				  "a container with a terminal (criu hands out a new pty only through "
				  "its RPC interface)");
	if (criu_namespaces_check(t->cfg, err) < 0 || restore_namespaces(r, t->cfg, err) < 0 ||
	    make_mountpoints(t->cfg, t->rootfs, err) < 0 || fs_probe_open(&fs, 0, t->rootfs, err) < 0)
		return -1;
	ret = criu_restore_mounts(t->cfg, cwd, &(struct criu_fs){ NULL, probe_resolve, &fs },
				  &r->mounts, err);
	fs_probe_close(&fs);
	if (ret < 0)
		return -1;
	if (asprintf(&r->croot, "%s/" CRIU_ROOT, t->state_dir) < 0 ||
	    asprintf(&r->pidfile, "%s/" CRIU_PIDFILE, t->state_dir) < 0)
		return husk_error(err, ENOMEM, "restore");
	if (mkdir(r->croot, 0700) < 0 && !(errno == EEXIST && stat(r->croot, &st) == 0))
		return husk_syserr(err, "restore: create \"%s\"", r->croot);
	r->n_inherit += criu_stdio_inherit(r->fds, r->inherit + r->n_inherit);
	plan = (struct criu_restore_plan){
		.criu = r->o->criu, .o = c, .root = r->croot, .cgroup_root = t->cgroup_path,
		.pidfile = r->pidfile, .config_file = criu_config_file(t->cfg), .mounts = &r->mounts,
		.inherit = r->inherit, .n_inherit = r->n_inherit, .join = r->join, .n_join = r->n_join,
	};
	r->argv = criu_restore_argv(&plan, err);
	if (!r->argv)
		return -1;
	/* go is a socket: sending to a helper that died early is EPIPE, not
	 * SIGPIPE */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, r->go) < 0 ||
	    pipe2(r->report, O_CLOEXEC) < 0)
		return husk_syserr(err, "restore: pipe");
	r->helper = fork();
	if (r->helper < 0)
		return husk_syserr(err, "restore: fork criu");
	if (r->helper == 0)
		helper_main(r, t);
	close(r->go[0]);
	close(r->report[1]);
	r->go[0] = r->report[1] = -1;
	return r->helper;
}

static pid_t read_pidfile(const char *path, struct husk_err **err)
{
	cleanup_free char *buf = fs_read_file(path, NULL, err);
	char *end;
	long pid;

	if (!buf)
		return husk_err_wrap(err, "restore: criu's pid file");
	pid = strtol(buf, &end, 10);
	if (end == buf || pid <= 0)
		return husk_error(err, 0, "restore: criu's pid file \"%s\" holds \"%s\"", path, buf);
	unlink(path);
	return (pid_t)pid;
}

static pid_t restore_finish(void *arg, struct husk_err **err)
{
	struct restore_ctx *r = arg;
	char msg[1024];
	ssize_t n;
	int status;
	pid_t pid;

	(void)!send(r->go[1], "", 1, MSG_NOSIGNAL);
	close(r->go[1]);
	r->go[1] = -1;
	while (waitpid(r->helper, &status, 0) < 0 && errno == EINTR)
		;
	n = read(r->report[0], msg, sizeof(msg) - 1);
	rmdir(r->croot);
	if (n > 0) {
		msg[n] = '\0';
		unlink(r->pidfile);
		return husk_error(err, 0, "%s", msg);
	}
	if (status != 0) {
		unlink(r->pidfile);
		return criu_failed("restore", status, r->log_dir, CRIU_RESTORE_LOG, NULL, err);
	}
	pid = read_pidfile(r->pidfile, err);
	if (pid < 0)
		return -1;
	/* criu --restore-sibling: the init is husk's child, reaped by husk */
	if (waitpid(pid, &status, WNOHANG) != 0)
		return husk_error(err, 0, "restore: the restored init (pid %d) is not running", pid);
	return pid;
}

/* An image directory criu can restore from, and what fds 0-2 were. */
static int restore_preflight(struct restore_ctx *r, struct husk_err **err)
{
	const struct criu_opts *c = &r->o->c;
	char path[PATH_MAX];
	cleanup_free char *json = NULL;

	snprintf(path, sizeof(path), "%s/inventory.img", c->image_path);
	if (access(path, F_OK) < 0)
		return husk_syserr(err, "--image-path \"%s\": no checkpoint there (%s)", c->image_path,
				   "inventory.img");
	snprintf(path, sizeof(path), "%s/" CRIU_DESCRIPTORS, c->image_path);
	json = fs_read_file(path, NULL, err);
	if (!json || criu_descriptors_parse(json, r->fds, err) < 0)
		return husk_err_wrap(err, "--image-path \"%s\"", c->image_path);
	if (criu_check_binary(r->o->criu, err) < 0)
		return -1;
	if (c->work_path && make_dir(c->work_path, "--work-path", err) < 0)
		return -1;
	r->log_dir = strdup(c->work_path ? c->work_path : c->image_path);
	return r->log_dir ? 0 : husk_error(err, ENOMEM, "restore");
}

int container_restore(const struct restore_opts *o, struct created *out, struct husk_err **err)
{
	struct restore_ctx r = { .o = o, .go = { -1, -1 }, .report = { -1, -1 } };
	const struct create_restorer restorer = { restore_spawn, restore_finish, &r };
	struct create_opts co = o->create;
	int ret = -1;

	if (state_check_id(o->create.id, err) < 0 || restore_preflight(&r, err) < 0) {
		husk_err_wrap(err, "restore \"%s\"", o->create.id);
		goto out;
	}
	co.restorer = &restorer;
	ret = container_create(&co, out, err);
out:
	restore_ctx_free(&r);
	return ret;
}
