#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "husk/cgroup.h"
#include "husk/cleanup.h"
#include "husk/confine.h"
#include "husk/container.h"
#include "husk/crashpoint.h"
#include "husk/events.h"
#include "husk/fs.h"
#include "husk/hooks.h"
#include "husk/log.h"
#include "husk/namespaces.h"
#include "husk/oci.h"
#include "husk/proc.h"
#include "husk/init.h"
#include "husk/seccomp.h"
#include "husk/selfprotect.h"
#include "husk/state.h"
#include "husk/terminal.h"

#define KILL_TIMEOUT_MS 10000

static const struct cgroup_apply_opts resources_opts = { .what = "config.json: .linux.resources" };

/* Everything create has done so far, so a failure can undo exactly that. */
struct create_ctx {
	const struct create_opts *o;
	struct oci_config *cfg;
	char *config_text;
	size_t config_len;
	char *bundle, *rootfs, *cgroup_path;
	struct cgroup_layout cgroups;
	struct ns_plan ns;
	struct state_dir sd;
	struct container_state st;
	bool state_made, cgroup_made;
	int gate_fd, sync_fd[2], pidfd, pty_master;
	int keep_fds;		/* fds beyond 0-2 that the container gets */
	pid_t pid;
	struct seccomp_prog seccomp;	/* compiled before the clone */
	bool hooks_ran;		/* create hooks began: a failure runs poststop */
};

/* Socket activation (sd_listen_fds): fds 3.. named by LISTEN_FDS pass on
 * to the container, whose init is pid 1 there. */
static int add_listen_fds(struct create_ctx *c, struct husk_err **err)
{
	const char *val = getenv("LISTEN_FDS");
	struct oci_strv *env = &c->cfg->process->env;
	char **grown;
	int n;

	c->keep_fds = c->o->preserve_fds;
	if (!val || (n = atoi(val)) <= 0)
		return 0;
	c->keep_fds += n;
	grown = realloc(env->v, (env->n + 3) * sizeof(char *));
	if (!grown)
		return husk_error(err, ENOMEM, "LISTEN_FDS");
	env->v = grown;
	if (asprintf(&env->v[env->n], "LISTEN_FDS=%d", n) < 0 ||
	    !(env->v[env->n + 1] = strdup("LISTEN_PID=1")))
		return husk_error(err, ENOMEM, "LISTEN_FDS");
	env->n += 2;
	env->v[env->n] = NULL;
	return 0;
}

static int load_config(struct create_ctx *c, struct husk_err **err)
{
	char path[PATH_MAX];

	c->bundle = realpath(c->o->bundle ? c->o->bundle : ".", NULL);
	if (!c->bundle)
		return husk_syserr(err, "bundle \"%s\"", c->o->bundle ? c->o->bundle : ".");
	snprintf(path, sizeof(path), "%s/config.json", c->bundle);
	c->config_text = fs_read_regular(path, OCI_CONFIG_MAX_SIZE, &c->config_len, err);
	if (!c->config_text)
		return husk_err_wrap(err, "bundle \"%s\"", c->bundle);
	c->cfg = oci_config_parse(c->config_text, c->config_len, "config.json", err);
	if (!c->cfg || oci_config_validate(c->cfg, "config.json", err) < 0)
		return -1;
	if (!c->cfg->process)
		return husk_error(err, 0, "config.json: .process: required to create a container");
	if (c->cfg->process->terminal && !c->o->console_socket && !c->o->foreground)
		return husk_error(err, 0, "config.json: .process.terminal is true: a detached container "
				  "needs --console-socket to receive its pty");
	if (!c->cfg->process->terminal && c->o->console_socket)
		return husk_error(err, 0, "--console-socket: config.json: .process.terminal is false, "
				  "so there is no pty to send");
	return add_listen_fds(c, err);
}

/* What can be checked without changing anything is checked before the
 * first change, so a bad bundle leaves no trace at all. */
static int preflight(struct create_ctx *c, struct husk_err **err)
{
	const char *root = c->cfg->root.path;
	struct stat st;

	if (!root)
		return husk_error(err, 0, "config.json: .root.path: required");
	if (asprintf(&c->rootfs, "%s%s%s", root[0] == '/' ? "" : c->bundle,
		     root[0] == '/' ? "" : "/", root) < 0)
		return husk_error(err, ENOMEM, "root.path");
	if (lstat(c->rootfs, &st) < 0)
		return husk_syserr(err, "config.json: .root.path: \"%s\"", c->rootfs);
	if (S_ISLNK(st.st_mode))
		return husk_error(err, 0, "config.json: .root.path: \"%s\" is a symlink; name the directory itself",
				  c->rootfs);
	if (!S_ISDIR(st.st_mode))
		return husk_error(err, 0, "config.json: .root.path: \"%s\" is not a directory", c->rootfs);
	if (!oci_config_namespace(c->cfg, OCI_NS_MOUNT))
		return husk_error(err, 0, "config.json: .linux.namespaces: a mount namespace is required");
	for (size_t i = 0; i < c->cfg->n_mounts; i++) {
		const struct oci_mount *m = &c->cfg->mounts[i];
		bool bind = m->type && !strcmp(m->type, "bind");

		for (size_t j = 0; j < m->options.n; j++)
			bind |= !strcmp(m->options.v[j], "bind") || !strcmp(m->options.v[j], "rbind");
		if (bind && (!m->source || stat(m->source, &st) < 0))
			return husk_syserr(err, "config.json: .mounts[%zu].source: \"%s\"", i,
					   m->source ? m->source : "");
	}
	if (confine_check(c->cfg, err) < 0)
		return -1;
	/* compiled here, by husk: a bad profile fails with nothing made, and
	 * the init inherits the program with its memory */
	if (c->cfg->linux_cfg && c->cfg->linux_cfg->seccomp &&
	    seccomp_prepare(c->cfg->linux_cfg->seccomp, c->o->root, &c->seccomp, err) < 0)
		return -1;
	if (ns_plan_make(c->cfg, &c->ns, err) < 0)
		return -1;
	if (cgroup_layout_detect(&c->cgroups, err) < 0)
		return -1;
	c->cgroup_path = cgroup_path_for(c->cfg->linux_cfg ? c->cfg->linux_cfg->cgroups_path : NULL,
					 c->o->id, err);
	if (!c->cgroup_path)
		return -1;
	if (c->o->systemd_cgroup &&
	    cgroup_systemd_check(c->cfg->linux_cfg ? c->cfg->linux_cfg->cgroups_path : NULL, NULL, err) < 0)
		return -1;
	return cgroup_check(&c->cgroups, c->cfg->linux_cfg ? c->cfg->linux_cfg->resources : NULL,
			    &resources_opts, err);
}

static int make_state(struct create_ctx *c, struct husk_err **err)
{
	char created[64];

	state_now(created, sizeof(created));
	c->st = (struct container_state){
		.id = (char *)c->o->id, .bundle = c->bundle, .rootfs = c->rootfs,
		.created = created, .cgroup_path = c->cgroup_path,
		.creator = getpid(), .owner = geteuid(),
		.annotations = c->cfg->annotations,
		.start_hooks = c->cfg->hooks.start_container.n || c->cfg->hooks.poststart.n,
		.poststop_hooks = c->cfg->hooks.poststop.n > 0,
		.own_pidns = c->ns.clone_flags & CLONE_NEWPID,
	};
	proc_stat(getpid(), &c->st.creator_start, NULL);
	if (c->o->monitored) {
		c->st.monitor = c->st.creator;
		c->st.monitor_start = c->st.creator_start;
	}
	if (state_create(c->o->root, c->o->id, &c->st, &c->sd, err) < 0) {
		c->st.created = NULL;	/* the stack buffer: free_create must not free it */
		return -1;
	}
	c->state_made = true;
	crashpoint("state-created");
	c->st.created = strdup(created);
	if (fs_write_atomic(c->sd.fd, STATE_CONFIG, c->config_text, c->config_len, 0600, err) < 0)
		return husk_err_wrap(err, "snapshot config");
	if (c->o->restorer)
		return 0;	/* restored processes are past the start gate */
	if (mkfifoat(c->sd.fd, STATE_FIFO, 0600) < 0)
		return husk_syserr(err, "create exec fifo");
	/* read-write, so opening never blocks; start writes the byte that
	 * lets the init exec */
	c->gate_fd = openat(c->sd.fd, STATE_FIFO, O_RDWR | O_CLOEXEC);
	if (c->gate_fd < 0)
		return husk_syserr(err, "open exec fifo");
	return 0;
}

static int spawn_init(struct create_ctx *c, struct husk_err **err)
{
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, c->sync_fd) < 0)
		return husk_syserr(err, "create sync socket");
	if (ns_join_before_clone(&c->ns, err) < 0)
		return -1;
	c->pid = ns_clone(c->ns.clone_flags, &c->pidfd, err);
	if (c->pid < 0)
		return -1;
	if (c->pid == 0) {
		struct init_ctx ic = {
			.cfg = c->cfg, .rootfs = c->rootfs, .ns = &c->ns, .cgroups = &c->cgroups,
			.sync_fd = c->sync_fd[1], .gate_fd = c->gate_fd,
			.keep_fds = c->keep_fds, .no_pivot = c->o->no_pivot,
			.no_new_keyring = c->o->no_new_keyring, .keyring_name = c->o->id,
			.bundle = c->bundle, .seccomp = c->seccomp.insns ? &c->seccomp : NULL,
		};

		close(c->sd.fd);
		close(c->sync_fd[0]);
		init_main(&ic);
	}
	close(c->sync_fd[1]);
	c->sync_fd[1] = -1;
	return ns_restore_after_clone(&c->ns, err);
}

static char *create_state_json(const struct create_ctx *c, const char *status, struct husk_err **err)
{
	struct oci_state st = {
		.oci_version = "1.2.0", .id = c->o->id, .status = status, .bundle = c->bundle,
		.pid = strcmp(status, "stopped") ? c->pid : 0, .annotations = &c->cfg->annotations,
	};

	return oci_state_json(&st, err);
}

/* prestart and createRuntime, in husk's namespaces, once the init has
 * made the container's mounts (it waits for the answer). */
static int run_create_hooks(struct create_ctx *c, struct husk_err **err)
{
	cleanup_free char *state = create_state_json(c, "creating", err);

	c->hooks_ran = true;
	if (!state || hooks_run(&c->cfg->hooks.prestart, "prestart", state, NULL, err) < 0 ||
	    hooks_run(&c->cfg->hooks.create_runtime, "createRuntime", state, NULL, err) < 0)
		return -1;
	if (sync_send(c->sync_fd[0], SYNC_GO, NULL) < 0)
		return husk_syserr(err, "resume the container init after the hooks");
	return 0;
}

static int forward_notify_fd(struct create_ctx *c, int fd, struct husk_err **err)
{
	cleanup_free char *state = NULL;

	if (fd < 0)
		return husk_error(err, 0, "linux.seccomp: the init sent no notify fd");
	state = create_state_json(c, "creating", err);
	if (!state)
		return -1;
	return seccomp_send_listener(c->cfg->linux_cfg->seccomp, fd, c->pid, state, err);
}

/* Serve the init's requests while it sets up (its pty, the hook point, a
 * seccomp notify fd); returns the first other message, -1 with *err set. */
static int serve_init(struct create_ctx *c, char **text, struct husk_err **err)
{
	for (;;) {
		int passed = -1, msg, ret = 0;

		free(*text);
		*text = NULL;
		msg = sync_recv(c->sync_fd[0], text, &passed);
		if (msg == SYNC_PTY) {
			c->pty_master = passed;
			continue;
		}
		if (msg == SYNC_HOOKS)
			ret = run_create_hooks(c, err);
		else if (msg == SYNC_SECCOMP)
			ret = forward_notify_fd(c, passed, err);
		if (passed >= 0)
			close(passed);
		if (ret < 0)
			return -1;
		if (msg != SYNC_HOOKS && msg != SYNC_SECCOMP)
			return msg < 0 ? 0 : msg;
	}
}

/* Restore: the restorer's helper (criu) stands in for the init until it is
 * in the cgroup, then brings the container's processes back. */
static int restore_spawn(struct create_ctx *c, struct husk_err **err)
{
	const struct restore_target t = {
		.id = c->o->id, .bundle = c->bundle, .rootfs = c->rootfs,
		.cgroup_path = c->cgroup_path, .state_dir = c->sd.path, .cfg = c->cfg,
	};

	c->pid = c->o->restorer->spawn(c->o->restorer->arg, &t, err);
	if (c->pid < 0) {
		c->pid = 0;
		return -1;
	}
	c->pidfd = syscall(SYS_pidfd_open, c->pid, 0);
	return c->pidfd < 0 ? husk_syserr(err, "pidfd of pid %d", c->pid) : 0;
}

static int restore_finish(struct create_ctx *c, struct husk_err **err)
{
	pid_t pid = c->o->restorer->finish(c->o->restorer->arg, err);

	close(c->pidfd);	/* the helper is gone either way */
	c->pidfd = -1;
	c->pid = 0;
	if (pid < 0)
		return -1;
	c->pidfd = syscall(SYS_pidfd_open, pid, 0);
	if (c->pidfd < 0) {
		husk_syserr(err, "pidfd of the restored pid %d", pid);
		kill(pid, SIGKILL);	/* a child not yet reaped: its pid is still ours */
		waitpid(pid, NULL, 0);
		return -1;
	}
	c->pid = c->st.pid = pid;
	proc_stat(pid, &c->st.pid_start, NULL);
	return 0;
}

/* The init ended during set-up without a word (its E message is the
 * usual way to fail): say how, with the likely cause of a SIGKILL. */
static int init_died(struct create_ctx *c, struct husk_err **err)
{
	const struct oci_resources *r = c->cfg->linux_cfg ? c->cfg->linux_cfg->resources : NULL;
	int status;

	if (waitpid(c->pid, &status, 0) != c->pid)
		return husk_error(err, 0, "container init exited during set-up");
	if (WIFEXITED(status))
		return husk_error(err, 0, "container init exited with status %d during set-up",
				  WEXITSTATUS(status));
	if (WTERMSIG(status) == SIGKILL && r && r->memory && r->memory->limit.set)
		return husk_error(err, 0, "container init was killed (SIGKILL) during set-up: out of "
				  "memory? config.json: .linux.resources.memory.limit is %lld bytes",
				  (long long)r->memory->limit.v);
	return husk_error(err, 0, "container init was killed by signal %d (%s) during set-up",
			  WTERMSIG(status), strsignal(WTERMSIG(status)));
}

/* The parent's share of the set-up, then wait for the init to be ready. */
static int finish_init(struct create_ctx *c, struct husk_err **err)
{
	cleanup_free char *text = NULL;
	int msg;

	/* recorded before anything is made, so a husk killed from here on
	 * leaves a state that delete --force can clean up */
	c->st.pid = c->pid;
	proc_stat(c->pid, &c->st.pid_start, NULL);
	/* where the cgroup is there already (made by a manager, say), it is
	 * not husk's to remove */
	c->st.cgroup_made = cgroup_absent(&c->cgroups, c->cgroup_path);
	c->st.cgroup_owned = c->st.cgroup_made != NULL;
	if (state_write(&c->sd, &c->st, err) < 0)
		return -1;
	crashpoint("after-clone");
	if (c->ns.new_userns && !c->o->restorer && ns_write_id_maps(c->cfg, c->pid, err) < 0)
		return -1;
	/* from here a failure removes what cgroup_absent listed, after the
	 * init is killed */
	c->cgroup_made = c->st.cgroup_owned;
	crashpoint("before-cgroup");
	/* limits first: the init is at work already, and what it uses in
	 * its cgroup before a memory limit is set may exceed that limit */
	if (cgroup_create(&c->cgroups, c->cgroup_path, 0, NULL, err) < 0)
		return -1;
	if (cgroup_apply(&c->cgroups, c->cgroup_path, c->cfg->linux_cfg ? c->cfg->linux_cfg->resources : NULL,
			 &resources_opts, err) < 0)
		return -1;
	if (cgroup_join(&c->cgroups, c->cgroup_path, c->pid, err) < 0)
		return husk_err_wrap(err, "cgroup %s", c->cgroup_path);
	crashpoint("after-cgroup");
	if (c->o->restorer)
		return restore_finish(c, err);
	/* the init may have failed meanwhile (it sets up its mounts while
	 * husk makes the cgroups): its error is still there to read */
	if (sync_send(c->sync_fd[0], SYNC_GO, NULL) < 0 && errno != EPIPE)
		return husk_syserr(err, "start the container init");
	/* its RCU wait overlaps the init's set-up rather than husk's exit */
	self_protect_release();
	msg = serve_init(c, &text, err);
	if (msg < 0)
		return -1;
	if (msg == SYNC_READY) {
		crashpoint("before-ready");
		return 0;
	}
	if (msg == SYNC_ERROR)
		return husk_error(err, 0, "%s", text ? text : "container init failed");
	return init_died(c, err);
}

static void undo_create(struct create_ctx *c)
{
	if (c->pid > 0) {
		syscall(SYS_pidfd_send_signal, c->pidfd, SIGKILL, NULL, 0);
		waitpid(c->pid, NULL, 0);
	}
	if (c->cgroup_made)
		cgroup_remove_made(&c->cgroups, c->cgroup_path, c->st.cgroup_made, NULL);
	if (c->state_made)
		state_remove(&c->sd, NULL);
	/* the runtime-spec: a failed create hook stops the container and the
	 * lifecycle goes on with its deletion, poststop hooks included */
	if (c->hooks_ran) {
		cleanup_free char *state = create_state_json(c, "stopped", NULL);

		if (state)
			hooks_run_logged(&c->cfg->hooks.poststop, "poststop", state);
	}
}

static void free_create(struct create_ctx *c)
{
	for (int i = 0; i < 2; i++)
		if (c->sync_fd[i] >= 0)
			close(c->sync_fd[i]);
	if (c->gate_fd >= 0)
		close(c->gate_fd);
	if (c->pty_master >= 0)
		close(c->pty_master);
	if (c->state_made)
		state_close(&c->sd);
	free(c->st.created);
	free(c->st.cgroup_made);
	seccomp_prog_free(&c->seccomp);
	ns_plan_close(&c->ns);
	cgroup_layout_free(&c->cgroups);
	oci_config_free(c->cfg);
	free(c->config_text);
	free(c->bundle);
	free(c->rootfs);
	free(c->cgroup_path);
}

int container_create(const struct create_opts *o, struct created *out, struct husk_err **err)
{
	struct create_ctx c = { .o = o, .gate_fd = -1, .sync_fd = { -1, -1 }, .pidfd = -1,
				.pty_master = -1 };
	int ret = -1;

	for (int i = 0; i < OCI_NS_COUNT; i++)
		c.ns.join_fd[i] = -1;
	if (state_check_id(o->id, err) < 0 || load_config(&c, err) < 0 || preflight(&c, err) < 0)
		goto out;
	if (make_state(&c, err) < 0 ||
	    (o->restorer ? restore_spawn(&c, err) : spawn_init(&c, err)) < 0 ||
	    finish_init(&c, err) < 0)
		goto undo;
	c.st.created_done = true;
	if (state_write(&c.sd, &c.st, err) < 0)
		goto undo;
	if (o->console_socket && terminal_to_socket(o->console_socket, c.pty_master, err) < 0)
		goto undo;
	if (o->pid_file && fs_write_pid_file(o->pid_file, c.pid, err) < 0)
		goto undo;
	log_debug("container \"%s\": init pid %d, cgroup %s, rootfs %s", o->id, c.pid,
		  c.cgroup_path, c.rootfs);
	events_append(c.sd.fd, o->id, o->restorer ? "restored" : "created", NULL);
	out->pid = c.pid;
	out->pidfd = steal_fd(c.pidfd);
	out->pty_master = o->foreground && !o->console_socket ? steal_fd(c.pty_master) : -1;
	ret = 0;
	goto out;
undo:
	undo_create(&c);
out:
	if (c.pidfd >= 0)
		close(c.pidfd);
	free_create(&c);
	return ret < 0 ? husk_err_wrap(err, "%s \"%s\"", o->restorer ? "restore" : "create", o->id) : 0;
}

static int open_existing(const char *root, const char *id, struct state_dir *sd,
			 struct container_state *st, struct husk_err **err)
{
	if (state_open(root, id, true, sd, err) < 0)
		return -1;
	if (state_read(sd, st, err) < 0) {
		state_close(sd);
		return -1;
	}
	return 0;
}

/* The config snapshot taken at create. */
static struct oci_config *load_snapshot(const struct state_dir *sd, struct husk_err **err)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/" STATE_CONFIG, sd->path);
	return oci_config_load(path, err);
}

static char *state_json_of(const struct container_state *st, const char *status,
			   struct husk_err **err)
{
	struct oci_state out = {
		.oci_version = "1.2.0", .id = st->id, .status = status, .bundle = st->bundle,
		.pid = strcmp(status, "stopped") ? st->pid : 0, .annotations = &st->annotations,
	};

	return oci_state_json(&out, err);
}

/* After the start byte: wait until the init has exec'd the user process
 * (its end of the exec fifo closes on exec) or died. Right before the
 * exec it writes a NUL into the fifo; a startContainer hook that failed
 * left its error there instead. */
static int wait_for_exec(int fifo, const struct container_state *st, struct husk_err **err)
{
	struct pollfd p = { .fd = fifo, .events = 0 };	/* POLLERR: no reader left */
	char path[FS_FD_PATH_MAX], msg[4096];
	cleanup_close int rd = -1;
	ssize_t n = -1;

	while (poll(&p, 1, -1) < 0 && errno == EINTR)
		;
	rd = open(fs_fd_path(fifo, path), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (rd >= 0)
		n = read(rd, msg, sizeof(msg) - 1);
	if (n > 0 && msg[0] != '\0') {
		msg[n] = '\0';
		return husk_error(err, 0, "%s", msg);
	}
	if (n <= 0 && !proc_alive(st->pid, st->pid_start))
		return husk_error(err, 0, "the container process ended before it was started");
	return 0;
}

int container_start(const char *root, const char *id, struct husk_err **err)
{
	struct state_dir sd;
	struct container_state st;
	struct oci_config *cfg = NULL;
	const char *status;
	cleanup_close int fd = -1;
	int ret = -1;

	if (open_existing(root, id, &sd, &st, err) < 0)
		return -1;
	status = state_status(&sd, &st);
	if (strcmp(status, "created")) {
		husk_error(err, 0, "cannot start container \"%s\": it is %s, not created", id, status);
		goto out;
	}
	if (st.start_hooks && !(cfg = load_snapshot(&sd, err)))
		goto out;
	/* non-blocking: with the init gone there is no reader and this fails */
	fd = openat(sd.fd, STATE_FIFO, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || write(fd, "0", 1) != 1) {
		husk_syserr(err, "start container \"%s\": signal the init", id);
		goto out;
	}
	crashpoint("start-signalled");
	if (unlinkat(sd.fd, STATE_FIFO, 0) < 0) {
		husk_syserr(err, "start container \"%s\": remove exec fifo", id);
		goto out;
	}
	/* with hooks, start returns once the user process runs: startContainer
	 * hooks must have passed, and poststart hooks come after the exec */
	if (cfg) {
		cleanup_free char *state = NULL;

		if (wait_for_exec(fd, &st, err) < 0) {
			husk_err_wrap(err, "start container \"%s\"", id);
			goto out;
		}
		state = state_json_of(&st, "running", NULL);
		if (state)
			hooks_run_logged(&cfg->hooks.poststart, "poststart", state);
	}
	events_append(sd.fd, id, "started", NULL);
	ret = 0;
out:
	oci_config_free(cfg);
	state_free(&st);
	state_close(&sd);
	return ret;
}

static int signal_cgroup(const struct container_state *st, int sig, struct husk_err **err)
{
	struct cgroup_layout l;
	int ret;

	if (cgroup_layout_detect(&l, err) < 0)
		return -1;
	/* SIGKILL also thaws a paused container: frozen tasks die only then */
	ret = cgroup_signal_all(&l, st->cgroup_path, sig, err);
	cgroup_layout_free(&l);
	return ret;
}

/* A paused (frozen) container acts on SIGKILL only once thawed. */
static void thaw_for_kill(const struct container_state *st)
{
	struct cgroup_layout l;

	if (!st->cgroup_path || cgroup_layout_detect(&l, NULL) < 0)
		return;
	if (cgroup_freezer_state(&l, st->cgroup_path) == CGROUP_FROZEN ||
	    cgroup_freezer_state(&l, st->cgroup_path) == CGROUP_FREEZING)
		cgroup_freeze(&l, st->cgroup_path, false, 1000, NULL);
	cgroup_layout_free(&l);
}

int container_kill(const char *root, const char *id, int sig, bool all, struct husk_err **err)
{
	struct state_dir sd;
	struct container_state st;
	cleanup_close int pidfd = -1;
	int ret = -1;

	if (open_existing(root, id, &sd, &st, err) < 0)
		return -1;
	if (!strcmp(state_status(&sd, &st), "stopped")) {
		/* as runc: --all still reaches what is left in the cgroup (the
		 * children of an init that shared a pid namespace); without it
		 * the message holds runc's words, which managers look for */
		if (all && st.cgroup_path)
			ret = signal_cgroup(&st, sig, err);
		else
			husk_error(err, 0, "cannot kill container \"%s\": container not running", id);
		goto out;
	}
	pidfd = proc_pidfd(st.pid, st.pid_start);
	if (pidfd < 0 || syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0) {
		husk_syserr(err, "kill container \"%s\" (pid %d)", id, st.pid);
		goto out;
	}
	ret = all ? signal_cgroup(&st, sig, err) : 0;
	if (sig == SIGKILL && !all)
		thaw_for_kill(&st);
out:
	state_free(&st);
	state_close(&sd);
	return ret;
}

/* Kill whatever is left of the container and wait until it is gone. */
static int stop_everything(const struct container_state *st, const struct cgroup_layout *l,
			   struct husk_err **err)
{
	cleanup_close int pidfd = proc_pidfd(st->pid, st->pid_start);

	if (pidfd >= 0)
		syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
	/* before waiting: this also thaws a paused container. With its own
	 * pid namespace, an init that is gone took every process with it. */
	if (st->cgroup_path && (pidfd >= 0 || !st->own_pidns))
		cgroup_signal_all(l, st->cgroup_path, SIGKILL, NULL);
	if (pidfd >= 0 && proc_wait_gone(pidfd, st->pid, KILL_TIMEOUT_MS) < 0)
		return husk_syserr(err, "wait for pid %d to die", st->pid);
	return 0;
}

/* The monitor writes exit.json right after the init is reaped: give it a
 * moment once the init is gone. */
static bool wait_exit_record(const struct state_dir *sd, struct exit_info *ei)
{
	for (int i = 0; i < 500; i++) {
		if (state_read_exit(sd, ei))
			return true;
		usleep(10000);
	}
	return false;
}

int container_delete(const char *root, const char *id, bool force, struct husk_err **err)
{
	struct state_dir sd;
	struct container_state st;
	struct exit_info ei;
	struct cgroup_layout l = { 0 };
	struct oci_config *cfg = NULL;
	cleanup_free char *poststop_state = NULL;
	const char *status;
	int ret = -1;

	if (state_open(root, id, true, &sd, err) < 0)
		return -1;
	if (state_read(&sd, &st, err) < 0) {
		/* nothing in an unreadable state can be trusted (a pid to
		 * signal, a cgroup to remove): --force removes the directory,
		 * so that the id is not stuck forever. Without any state.json
		 * the directory is not a container of husk's (a wrong --root,
		 * say): it is left alone. */
		if (force && (*err)->errnum != ENOENT) {
			log_warn("%s: removing the state directory (--force)", (*err)->msg);
			husk_err_free(err);
			ret = state_remove(&sd, err);
		}
		state_close(&sd);
		return ret < 0 ? husk_err_wrap(err, "delete \"%s\"", id) : 0;
	}
	status = state_status(&sd, &st);
	/* poststop hooks come from the snapshot, read before it goes away; a
	 * snapshot that cannot be read does not keep a container alive */
	cfg = st.poststop_hooks ? load_snapshot(&sd, NULL) : NULL;
	if (cfg)
		poststop_state = state_json_of(&st, "stopped", NULL);
	if (!force && strcmp(status, "stopped") && strcmp(status, "created")) {
		husk_error(err, 0, "cannot delete container \"%s\": it is %s (use --force)", id, status);
		goto out;
	}
	if (strcmp(status, "stopped") && !st.created_done && !force) {
		husk_error(err, 0, "cannot delete container \"%s\": it is still being created", id);
		goto out;
	}
	/* a layout that cannot be read matters only with a cgroup to remove */
	if (st.cgroup_path && cgroup_layout_detect(&l, err) < 0) {
		if (st.cgroup_owned)
			goto out;
		husk_err_free(err);
	}
	if (stop_everything(&st, &l, err) < 0)
		goto out;
	/* exits are facts owned by the monitor: let it record this one
	 * before the state directory goes */
	if (proc_alive(st.monitor, st.monitor_start))
		wait_exit_record(&sd, &ei);
	if (st.cgroup_owned && st.cgroup_path &&
	    cgroup_remove_made(&l, st.cgroup_path, st.cgroup_made, err) < 0)
		goto out;
	events_append(sd.fd, id, "deleted", NULL);
	ret = state_remove(&sd, err);
	if (ret == 0 && poststop_state)
		hooks_run_logged(&cfg->hooks.poststop, "poststop", poststop_state);
out:
	oci_config_free(cfg);
	cgroup_layout_free(&l);
	state_free(&st);
	state_close(&sd);
	return ret < 0 ? husk_err_wrap(err, "delete \"%s\"", id) : 0;
}

char *container_state_json(const char *root, const char *id, struct husk_err **err)
{
	struct state_dir sd;
	struct container_state st;
	struct oci_state out;
	struct exit_info ei;
	const char *status;
	char *json;

	if (state_open(root, id, false, &sd, err) < 0)
		return NULL;
	if (state_read(&sd, &st, err) < 0) {
		state_close(&sd);
		return NULL;
	}
	status = state_status(&sd, &st);
	out = (struct oci_state){
		.oci_version = "1.2.0", .id = st.id, .status = status, .bundle = st.bundle,
		.pid = strcmp(status, "stopped") ? st.pid : 0, .annotations = &st.annotations,
		.rootfs = st.rootfs, .created = st.created,
	};
	if (!strcmp(status, "stopped") && state_read_exit(&sd, &ei)) {
		out.has_exit = true;
		out.exit_code = ei.code;
		out.exit_signal = ei.signal;
		out.exited_at = ei.exited_at;
	}
	json = oci_state_json(&out, err);
	state_free(&st);
	state_close(&sd);
	return json;
}

/* The exit code of the "exited" event in an events file, or fallback. */
static int exit_code_from_events(int fd, int fallback)
{
	char path[FS_FD_PATH_MAX];
	cleanup_free char *buf = fs_read_file(fs_fd_path(fd, path), NULL, NULL);
	const char *ev = buf ? strstr(buf, "{\"type\":\"exited\"") : NULL;
	const char *code = ev ? strstr(ev, "\"exitCode\":") : NULL;

	return code ? atoi(code + strlen("\"exitCode\":")) : fallback;
}

int container_wait(const char *root, const char *id, struct husk_err **err)
{
	struct state_dir sd;
	struct container_state st;
	struct exit_info ei;
	int ret = CONTAINER_EXIT_UNKNOWN;
	cleanup_close int pidfd = -1, events = -1;

	if (state_open(root, id, false, &sd, err) < 0)
		return -1;
	if (state_read(&sd, &st, err) < 0) {
		state_close(&sd);
		return -1;
	}
	/* opened now: a delete racing this wait may remove the directory
	 * right after the monitor recorded the exit, and the "exited" event
	 * is still readable through this fd then */
	events = openat(sd.fd, EVENTS_FILE, O_RDONLY | O_CLOEXEC);
	pidfd = proc_pidfd(st.pid, st.pid_start);
	if (pidfd >= 0)
		proc_wait_gone(pidfd, st.pid, -1);
	if (st.monitor && wait_exit_record(&sd, &ei))
		ret = ei.code;
	else if (st.monitor && events >= 0)
		ret = exit_code_from_events(events, ret);
	state_free(&st);
	state_close(&sd);
	return ret;
}
