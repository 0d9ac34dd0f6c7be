#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "husk/caps.h"
#include "husk/cgroup.h"
#include "husk/cleanup.h"
#include "husk/confine.h"
#include "husk/exec.h"
#include "husk/fs.h"
#include "husk/namespaces.h"
#include "husk/oci.h"
#include "husk/proc.h"
#include "husk/process.h"
#include "husk/reaper.h"
#include "husk/sched.h"
#include "husk/seccomp.h"
#include "husk/selfprotect.h"
#include "husk/state.h"
#include "husk/terminal.h"
#include "husk/user.h"

struct exec_ctx {
	const struct exec_opts *o;
	struct state_dir sd;
	struct container_state st;
	struct oci_config *cfg;
	struct oci_process *p;	/* the process to run: cfg->process, edited */
	int init_pidfd;
	int init_root;	/* the init's root directory, O_PATH */
	int own_ns;	/* husk's /proc/self/ns, O_PATH */
	struct cgroup_layout layout;
	bool have_layout;
	uint64_t join_early, join_late;	/* CLONE_NEW* to enter before/after clone */
	int sync_fd[2], pidfd, pty_master;
	pid_t pid;
	struct seccomp_prog seccomp;	/* the container's filter, compiled here */
};

static const char *const ns_files[OCI_NS_COUNT] = {
	[OCI_NS_PID] = "pid", [OCI_NS_NETWORK] = "net", [OCI_NS_MOUNT] = "mnt",
	[OCI_NS_IPC] = "ipc", [OCI_NS_UTS] = "uts", [OCI_NS_USER] = "user",
	[OCI_NS_CGROUP] = "cgroup", [OCI_NS_TIME] = "time",
};

/* The namespace link of a type in dir ("mnt:[4026531841]": the inode
 * names the namespace); ENOENT when the kernel lacks the type. readlink
 * costs less than stat here: it needs no nsfs dentry. */
static int ns_link(int dir, const char *type, char *buf, size_t size)
{
	ssize_t n = readlinkat(dir, type, buf, size - 1);

	if (n < 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

/* The namespaces where the container differs from husk: only those are
 * entered (entering one's own user namespace is an error). pid and time
 * apply to children only, so they are entered before the clone. Each
 * /proc/PID/ns directory is opened once: the links are read in it. */
static int plan_namespaces(struct exec_ctx *x, struct husk_err **err)
{
	char path[64];
	cleanup_close int theirs = -1;

	snprintf(path, sizeof(path), "/proc/%d/ns", x->st.pid);
	theirs = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (theirs < 0)
		return husk_syserr(err, "exec: inspect the namespaces of pid %d", x->st.pid);
	x->own_ns = open("/proc/self/ns", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (x->own_ns < 0)
		return husk_syserr(err, "exec: inspect husk's own namespaces");
	for (int t = 0; t < OCI_NS_COUNT; t++) {
		char a[64], b[64];

		if (ns_link(theirs, ns_files[t], a, sizeof(a)) < 0) {
			if (errno == ENOENT && ns_link(x->own_ns, ns_files[t], b, sizeof(b)) < 0)
				continue;	/* the kernel lacks this namespace type */
			return husk_syserr(err, "exec: inspect %s namespace of pid %d", ns_files[t], x->st.pid);
		}
		if (ns_link(x->own_ns, ns_files[t], b, sizeof(b)) == 0 && !strcmp(a, b))
			continue;
		if (t == OCI_NS_PID || t == OCI_NS_TIME)
			x->join_early |= ns_flag(t);
		else
			x->join_late |= ns_flag(t);
	}
	return 0;
}

/* A uid or gid: decimal digits only (strtoul would take "-1" and wrap), and
 * never (uint32_t)-1, which setresuid/setresgid read as "leave unchanged":
 * `-u -1` ran the process as root. */
static bool parse_id(const char *s, char **end, uint32_t *out)
{
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, end, 10);
	if (errno || v >= UINT32_MAX)
		return false;
	*out = v;
	return true;
}

static int parse_user(const char *spec, struct oci_user *u, struct husk_err **err)
{
	char *end;

	if (!parse_id(spec, &end, &u->uid) || (*end && *end != ':'))
		return husk_error(err, 0, "exec: --user \"%s\": want UID[:GID], numbers below 4294967295", spec);
	if (*end == ':' && (!parse_id(end + 1, &end, &u->gid) || *end))
		return husk_error(err, 0, "exec: --user \"%s\": want UID[:GID], numbers below 4294967295", spec);
	return 0;
}

static int strv_set(struct oci_strv *v, char **items, int n, struct husk_err **err)
{
	for (size_t i = 0; i < v->n; i++)
		free(v->v[i]);
	free(v->v);
	v->v = calloc(n + 1, sizeof(char *));
	v->n = 0;
	if (!v->v)
		return husk_error(err, ENOMEM, "exec");
	for (int i = 0; i < n; i++) {
		v->v[i] = strdup(items[i]);
		if (!v->v[i])
			return husk_error(err, ENOMEM, "exec");
		v->n++;
	}
	return 0;
}

static int strv_add(struct oci_strv *v, const char *item, struct husk_err **err)
{
	char **grown = realloc(v->v, (v->n + 2) * sizeof(char *));

	if (!grown)
		return husk_error(err, ENOMEM, "exec");
	v->v = grown;
	v->v[v->n] = strdup(item);
	if (!v->v[v->n])
		return husk_error(err, ENOMEM, "exec");
	v->v[++v->n] = NULL;
	return 0;
}

/* -e KEY=VALUE replaces KEY from the config or adds it. */
static int env_set(struct oci_strv *env, const char *kv, struct husk_err **err)
{
	size_t klen = strcspn(kv, "=");

	if (!kv[klen])
		return husk_error(err, 0, "exec: --env \"%s\": want KEY=VALUE", kv);
	for (size_t i = 0; i < env->n; i++) {
		if (!strncmp(env->v[i], kv, klen) && env->v[i][klen] == '=') {
			char *dup = strdup(kv);

			if (!dup)
				return husk_error(err, ENOMEM, "exec");
			free(env->v[i]);
			env->v[i] = dup;
			return 0;
		}
	}
	return strv_add(env, kv, err);
}

/* --cap adds to the bounding, effective and permitted sets; never to the
 * inheritable one (CVE-2022-29162). */
static int add_caps(struct oci_process *p, const struct arg_list *caps, struct husk_err **err)
{
	if (!caps->n)
		return 0;
	if (!p->capabilities && !(p->capabilities = calloc(1, sizeof(*p->capabilities))))
		return husk_error(err, ENOMEM, "exec");
	for (int i = 0; i < caps->n; i++) {
		if (strv_add(&p->capabilities->bounding, caps->v[i], err) < 0 ||
		    strv_add(&p->capabilities->effective, caps->v[i], err) < 0 ||
		    strv_add(&p->capabilities->permitted, caps->v[i], err) < 0)
			return -1;
	}
	return 0;
}

static int add_gids(struct oci_user *u, const struct arg_list *gids, struct husk_err **err)
{
	uint32_t *grown;

	if (!gids->n)
		return 0;
	grown = realloc(u->additional_gids, (u->n_additional_gids + gids->n) * sizeof(uint32_t));
	if (!grown)
		return husk_error(err, ENOMEM, "exec");
	u->additional_gids = grown;
	for (int i = 0; i < gids->n; i++) {
		char *end;
		uint32_t g;

		if (!parse_id(gids->v[i], &end, &g) || *end)
			return husk_error(err, 0, "exec: --additional-gids \"%s\": not a gid", gids->v[i]);
		u->additional_gids[u->n_additional_gids++] = g;
	}
	return 0;
}

/* --process FILE replaces the config's process whole. */
static int load_process_file(struct exec_ctx *x, struct husk_err **err)
{
	struct oci_process *p = oci_process_load(x->o->process_file, err);

	if (!p || oci_process_validate(p, x->o->process_file, err) < 0) {
		oci_process_free(p);
		return husk_err_wrap(err, "exec: --process");
	}
	/* as runc: without its own, the process gets the container's */
	if (!p->oom_score_adj.set && x->cfg->process)
		p->oom_score_adj = x->cfg->process->oom_score_adj;
	oci_process_free(x->cfg->process);
	x->cfg->process = p;
	return 0;
}

/* The config's process (or --process), edited by the flags. */
static int build_process(struct exec_ctx *x, struct husk_err **err)
{
	const struct exec_opts *o = x->o;
	struct oci_process *p;

	if (o->process_file && load_process_file(x, err) < 0)
		return -1;
	p = x->cfg->process;
	if (!p)
		return husk_error(err, 0, "exec: the container's config has no process");
	x->p = p;
	if (o->n_args && strv_set(&p->args, o->args, o->n_args, err) < 0)
		return -1;
	if (!p->args.n)
		return husk_error(err, 0, "exec: no command given");
	for (int i = 0; i < o->env.n; i++)
		if (env_set(&p->env, o->env.v[i], err) < 0)
			return -1;
	if (o->cwd) {
		free(p->cwd);
		p->cwd = strdup(o->cwd);
	}
	if (o->user) {
		free(p->user.additional_gids);
		p->user = (struct oci_user){ 0 };
		if (parse_user(o->user, &p->user, err) < 0)
			return -1;
	}
	if (add_gids(&p->user, &o->additional_gids, err) < 0 || add_caps(p, &o->caps, err) < 0)
		return -1;
	p->terminal = o->process_file ? p->terminal || o->tty : o->tty;
	p->has_console_size = false;
	p->no_new_privileges |= o->no_new_privs;
	if (o->apparmor || p->apparmor_profile)
		return husk_error(err, 0, "exec: %s: AppArmor is not enabled on this host",
				  o->apparmor ? "--apparmor" : "process.apparmorProfile");
	if (p->terminal && o->detach && !o->console_socket)
		return husk_error(err, 0, "exec: -t with -d needs --console-socket to receive the pty");
	if (!p->terminal && o->console_socket)
		return husk_error(err, 0, "exec: --console-socket needs -t");
	return 0;
}

/* The container's status as state_status derives it, from facts read once
 * for exec as a whole: the pidfd taken here pins the init (it is checked
 * to be the same process after opening), and the cgroup layout detected
 * for the freezer is the one spawn joins. */
static const char *status(struct exec_ctx *x, struct husk_err **err)
{
	enum cgroup_freezer f;

	if (!x->st.created_done)
		return state_status(&x->sd, &x->st);
	x->init_pidfd = proc_pidfd(x->st.pid, x->st.pid_start);
	if (x->init_pidfd < 0)
		return "stopped";
	if (faccessat(x->sd.fd, STATE_FIFO, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		return "created";
	if (cgroup_layout_detect(&x->layout, err) < 0)
		return NULL;
	x->have_layout = true;
	f = x->st.cgroup_path ? cgroup_freezer_state(&x->layout, x->st.cgroup_path) : CGROUP_THAWED;
	return f == CGROUP_FROZEN || f == CGROUP_FREEZING ? "paused" : "running";
}

static int load(struct exec_ctx *x, struct husk_err **err)
{
	const char *st;
	char path[4096];

	if (state_open(x->o->root, x->o->id, false, &x->sd, err) < 0 ||
	    state_read(&x->sd, &x->st, err) < 0)
		return -1;
	st = status(x, err);
	if (!st)
		return husk_err_wrap(err, "exec: container \"%s\"", x->o->id);
	if (!strcmp(st, "stopped") || !strcmp(st, "creating"))
		return husk_error(err, 0, "exec: container \"%s\" is %s", x->o->id, st);
	if (!strcmp(st, "paused") && !x->o->ignore_paused)
		return husk_error(err, 0, "exec: container \"%s\" is paused (use --ignore-paused)", x->o->id);
	if (!x->have_layout) {
		if (cgroup_layout_detect(&x->layout, err) < 0)
			return -1;
		x->have_layout = true;
	}
	snprintf(path, sizeof(path), "/proc/%d/root", x->st.pid);
	x->init_root = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (x->init_root < 0)
		return husk_syserr(err, "exec: open the root of container \"%s\"", x->o->id);
	snprintf(path, sizeof(path), "%s/" STATE_CONFIG, x->sd.path);
	x->cfg = oci_config_load(path, err);
	if (!x->cfg)
		return husk_err_wrap(err, "exec: config snapshot of \"%s\"", x->o->id);
	if (build_process(x, err) < 0 || confine_check(x->cfg, err) < 0)
		return -1;
	/* the container's seccomp filter applies to every process in it */
	if (x->cfg->linux_cfg && x->cfg->linux_cfg->seccomp &&
	    seccomp_prepare(x->cfg->linux_cfg->seccomp, x->o->root, &x->seccomp, err) < 0)
		return -1;
	return plan_namespaces(x, err);
}

__attribute__((noreturn)) static void child(struct exec_ctx *x)
{
	struct husk_err *err = NULL;
	struct exec_plan plan = { 0 };
	int fd = x->sync_fd[1];

	process_reset_signals();
	/* while husk moves this process into the cgroup; joining a user
	 * namespace would fill the bounding set again */
	if (!(x->join_late & CLONE_NEWUSER) && caps_apply_bounding(x->p->capabilities, &err) == 0)
		plan.bounding_done = true;
	if (sync_recv(fd, NULL, NULL) != SYNC_GO)
		_exit(1);
	if (!err && x->join_late && setns(x->init_pidfd, (int)x->join_late) < 0)
		husk_syserr(&err, "exec: join the namespaces of the container");
	/* entering a mount namespace puts a process at the namespace's root
	 * mount, which is not the init's root when husk itself runs chrooted:
	 * take the init's root explicitly */
	if (!err && (x->join_late & CLONE_NEWNS) &&
	    (fchdir(x->init_root) < 0 || chroot(".") < 0 || chdir("/") < 0))
		husk_syserr(&err, "exec: enter the root of the container");
	if (!err && x->p->terminal && setsid() < 0)
		husk_syserr(&err, "exec: setsid");
	if (!err && x->p->terminal)
		terminal_setup(fd, x->p, false, &err);
	if (!err && x->p->exec_cpu_affinity)
		sched_apply_affinity(0, x->p->exec_cpu_affinity->final,
				     "process.execCPUAffinity.final", &err);
	plan.lx = x->cfg->linux_cfg;
	plan.seccomp = x->seccomp.insns ? &x->seccomp : NULL;
	plan.sync_fd = fd;
	if (!err)
		process_prepare(x->p, &plan, &err);
	if (err)
		process_fail(fd, err);
	process_close_fds(x->o->preserve_fds, &fd, 1);
	if (sync_send(fd, SYNC_READY, NULL) < 0)
		_exit(1);
	process_exec(&plan);
}

/* A seccomp notify fd of the new process goes to the listener with the
 * container's state. */
static int forward_notify_fd(struct exec_ctx *x, int fd, struct husk_err **err)
{
	struct oci_state st = {
		.oci_version = "1.2.0", .id = x->st.id, .status = "running", .bundle = x->st.bundle,
		.pid = x->st.pid, .annotations = &x->st.annotations,
	};
	cleanup_free char *state = NULL;

	if (fd < 0)
		return husk_error(err, 0, "exec: linux.seccomp: no notify fd came");
	state = oci_state_json(&st, err);
	return state ? seccomp_send_listener(x->cfg->linux_cfg->seccomp, fd, x->pid, state, err) : -1;
}

static int spawn(struct exec_ctx *x, struct husk_err **err)
{
	cleanup_free char *text = NULL;
	/* husk's own pid and time namespaces: joining the container's only
	 * sets those of husk's next children, which must be the exec'd
	 * process alone (not, say, LeakSanitizer's tracer at exit, which
	 * then cannot see husk and spins forever) */
	cleanup_close int own_pid = -1, own_time = -1;
	bool owned;
	int msg, ret;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, x->sync_fd) < 0)
		return husk_syserr(err, "exec: create sync socket");
	if ((x->join_early & CLONE_NEWPID) &&
	    (own_pid = openat(x->own_ns, "pid", O_RDONLY | O_CLOEXEC)) < 0)
		return husk_syserr(err, "exec: open husk's pid namespace");
	if ((x->join_early & CLONE_NEWTIME) &&
	    (own_time = openat(x->own_ns, "time", O_RDONLY | O_CLOEXEC)) < 0)
		return husk_syserr(err, "exec: open husk's time namespace");
	if (x->join_early && setns(x->init_pidfd, (int)x->join_early) < 0)
		return husk_syserr(err, "exec: join the pid namespace of the container");
	x->pid = ns_clone(0, &x->pidfd, err);
	if (x->pid < 0)
		return -1;
	if (x->pid == 0)
		child(x);
	if ((own_pid >= 0 && setns(own_pid, CLONE_NEWPID) < 0) ||
	    (own_time >= 0 && setns(own_time, CLONE_NEWTIME) < 0))
		return husk_syserr(err, "exec: return to husk's own namespaces");
	close(x->sync_fd[1]);
	x->sync_fd[1] = -1;
	/* before the move into the container's cgroup (and its cpuset) */
	if (x->p->exec_cpu_affinity &&
	    sched_apply_affinity(x->pid, x->p->exec_cpu_affinity->initial,
				 "process.execCPUAffinity.initial", err) < 0)
		return -1;
	ret = cgroup_enter(&x->layout, x->st.cgroup_path, x->pid, &owned, err);
	if (ret < 0 || sync_send(x->sync_fd[0], SYNC_GO, NULL) < 0)
		return ret < 0 ? -1 : husk_syserr(err, "exec: start the process");
	for (;;) {
		int passed = -1;

		free(text);
		text = NULL;
		msg = sync_recv(x->sync_fd[0], &text, &passed);
		if (msg == SYNC_PTY) {
			x->pty_master = passed;
			continue;
		}
		if (msg == SYNC_SECCOMP) {
			ret = forward_notify_fd(x, passed, err);
			if (passed >= 0)
				close(passed);
			if (ret < 0)
				return -1;
			continue;
		}
		if (passed >= 0)
			close(passed);
		break;
	}
	if (msg == SYNC_READY)
		return 0;
	if (msg == SYNC_ERROR)
		return husk_error(err, 0, "%s", text ? text : "exec failed");
	return husk_error(err, 0, "exec: the process exited during set-up");
}

static void exec_ctx_free(struct exec_ctx *x)
{
	for (int i = 0; i < 2; i++)
		if (x->sync_fd[i] >= 0)
			close(x->sync_fd[i]);
	if (x->init_root >= 0)
		close(x->init_root);
	if (x->own_ns >= 0)
		close(x->own_ns);
	if (x->have_layout)
		cgroup_layout_free(&x->layout);
	if (x->init_pidfd >= 0)
		close(x->init_pidfd);
	if (x->pidfd >= 0)
		close(x->pidfd);
	if (x->pty_master >= 0)
		close(x->pty_master);
	oci_config_free(x->cfg);
	seccomp_prog_free(&x->seccomp);
	state_free(&x->st);
	if (x->sd.fd >= 0)
		state_close(&x->sd);
}

int container_exec(const struct exec_opts *o, struct husk_err **err)
{
	struct exec_ctx x = { .o = o, .sd = { .fd = -1 }, .init_pidfd = -1, .init_root = -1, .own_ns = -1,
			      .sync_fd = { -1, -1 }, .pidfd = -1, .pty_master = -1 };
	sigset_t old;
	int ret = -1;

	if (load(&x, err) < 0)
		goto out;
	if (!o->detach && reaper_prepare(&old, err) < 0)
		goto out;
	if (spawn(&x, err) < 0)
		goto undo;
	/* while the process runs rather than at exit */
	self_protect_release();
	/* past this point the process runs: a failure must not leave it
	 * running in the container with nobody told of it */
	if (o->pid_file && fs_write_pid_file(o->pid_file, x.pid, err) < 0)
		goto undo;
	if (o->detach) {
		if (o->console_socket && terminal_to_socket(o->console_socket, x.pty_master, err) < 0)
			goto undo;
		ret = 0;
		goto out;
	}
	ret = reaper_wait(x.pid, x.pidfd, x.pty_master, err);
	goto out;
undo:
	if (x.pid > 0) {
		syscall(SYS_pidfd_send_signal, x.pidfd, SIGKILL, NULL, 0);
		waitpid(x.pid, NULL, 0);
	}
out:
	exec_ctx_free(&x);
	return ret;
}
