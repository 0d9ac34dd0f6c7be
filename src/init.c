#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "husk/cleanup.h"
#include "husk/fs.h"
#include "husk/hooks.h"
#include "husk/init.h"
#include "husk/rootfs.h"
#include "husk/sysctl.h"
#include "husk/terminal.h"

static int set_hostnames(const struct oci_config *cfg, struct husk_err **err)
{
	if (cfg->hostname && sethostname(cfg->hostname, strlen(cfg->hostname)) < 0)
		return husk_syserr(err, "hostname: set \"%s\"", cfg->hostname);
	if (cfg->domainname && setdomainname(cfg->domainname, strlen(cfg->domainname)) < 0)
		return husk_syserr(err, "domainname: set \"%s\"", cfg->domainname);
	return 0;
}

static int prepare_cwd(const struct oci_process *p, struct husk_err **err)
{
	cleanup_close int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	cleanup_close int fd = root < 0 ? -1 : fs_open_in_root(root, p->cwd, FS_DIR, err);

	return fd < 0 ? husk_err_wrap(err, "process.cwd") : 0;
}

static int join_keyring(const struct init_ctx *ctx, struct husk_err **err)
{
	if (ctx->no_new_keyring)
		return 0;
	if (syscall(SYS_keyctl, 1 /* KEYCTL_JOIN_SESSION_KEYRING */, ctx->keyring_name) < 0 &&
	    errno != ENOSYS && errno != EACCES)
		return husk_syserr(err, "create session keyring");
	return 0;
}

/* The state document hooks run by the init read on stdin. */
static char *hook_state(const struct init_ctx *ctx, const char *status, struct husk_err **err)
{
	struct oci_state st = {
		.oci_version = "1.2.0", .id = ctx->keyring_name, .status = status,
		.bundle = ctx->bundle, .pid = ctx->host_pid, .annotations = &ctx->cfg->annotations,
	};

	return oci_state_json(&st, err);
}

/* With the container's mounts made and before pivot_root: husk runs
 * prestart and createRuntime hooks (asked for over the sync socket), then
 * the init runs createContainer hooks here, in the container's
 * namespaces. */
static int create_hooks(void *arg, struct husk_err **err)
{
	const struct init_ctx *ctx = arg;
	const struct oci_hooks *h = &ctx->cfg->hooks;
	cleanup_free char *state = NULL;

	/* asked for even with createContainer hooks only: husk learns that the
	 * hook phase began, so a failure from here on runs poststop hooks */
	if (h->prestart.n || h->create_runtime.n || h->create_container.n) {
		if (sync_send(ctx->sync_fd, SYNC_HOOKS, NULL) < 0)
			return husk_syserr(err, "ask husk to run createRuntime hooks");
		/* on failure husk reports it and kills this process */
		if (sync_recv(ctx->sync_fd, NULL, NULL) != SYNC_GO)
			_exit(1);
	}
	if (!h->create_container.n)
		return 0;
	state = hook_state(ctx, "creating", err);
	return state ? hooks_run(&h->create_container, "createContainer", state, NULL, err) : -1;
}

/* The init's pid as husk sees it: /proc is still the host's here. */
static pid_t pid_seen_by_husk(void)
{
	char buf[32] = "";

	return readlink("/proc/self", buf, sizeof(buf) - 1) > 0 ? (pid_t)atoi(buf) : getpid();
}

/* husk says G once the init is in its cgroups (and, with a user
 * namespace, once its id maps are written). */
static void wait_for_go(struct init_ctx *ctx)
{
	if (sync_recv(ctx->sync_fd, NULL, NULL) != SYNC_GO)
		_exit(1);
	ctx->in_cgroup = true;
}

/* The rootfs work up to the first cgroup mount runs while husk makes and
 * joins the cgroups; the cgroup namespace is made only once in them. */
static int join_cgroup(void *arg, struct husk_err **err)
{
	struct init_ctx *ctx = arg;

	if (!ctx->in_cgroup)
		wait_for_go(ctx);
	if (ctx->ns->new_cgroup_ns && unshare(CLONE_NEWCGROUP) < 0)
		return husk_syserr(err, "create cgroup namespace");
	return 0;
}

/* The namespaces, then the root file system, then the process itself. */
static int setup(struct init_ctx *ctx, struct exec_plan *plan, struct husk_err **err)
{
	const struct oci_config *cfg = ctx->cfg;
	bool in_userns = ctx->ns->new_userns || ctx->ns->join_fd[OCI_NS_USER] >= 0;
	struct rootfs_opts ro = { .rootfs = ctx->rootfs, .no_pivot = ctx->no_pivot,
				  .in_userns = in_userns, .cgroups = ctx->cgroups,
				  .before_pivot = create_hooks,
				  .in_cgroup = join_cgroup, .arg = ctx };

	/* nothing works in a user namespace before its id maps */
	if (in_userns)
		wait_for_go(ctx);
	if (ctx->ns->new_userns && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0))
		return husk_syserr(err, "become root in the user namespace");
	if (ns_join_in_child(ctx->ns, err) < 0)
		return -1;
	if (setsid() < 0)
		return husk_syserr(err, "setsid");
	if (rootfs_setup(cfg, &ro, err) < 0)
		return -1;
	if (cfg->process->terminal && terminal_setup(ctx->sync_fd, cfg->process, true, err) < 0)
		return -1;
	if (set_hostnames(cfg, err) < 0)
		return -1;
	if (cfg->linux_cfg && sysctl_apply(&cfg->linux_cfg->sysctl, err) < 0)
		return -1;
	if (rootfs_finish(cfg, err) < 0 || join_keyring(ctx, err) < 0)
		return -1;
	if (prepare_cwd(cfg->process, err) < 0)
		return -1;
	plan->lx = cfg->linux_cfg;
	plan->seccomp = ctx->seccomp;
	plan->sync_fd = ctx->sync_fd;
	return process_prepare(cfg->process, plan, err);
}

static void wait_for_start(struct init_ctx *ctx)
{
	char byte;
	ssize_t n;

	do
		n = read(ctx->gate_fd, &byte, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		_exit(1);
}

/* startContainer hooks, in the container, right before the user process.
 * A failure is written back into the exec fifo for `husk start` (which
 * waits for this process to exec or die) to report, and ends the init. */
static void start_hooks(const struct init_ctx *ctx, const struct exec_plan *plan)
{
	struct husk_err *err = NULL;
	cleanup_free char *state = hook_state(ctx, "created", &err);

	if (state && hooks_run(&ctx->cfg->hooks.start_container, "startContainer", state,
			       plan->env, &err) == 0)
		return;
	(void)!write(ctx->gate_fd, err->msg, strnlen(err->msg, 4000));
	_exit(1);
}

__attribute__((noreturn)) void init_main(struct init_ctx *ctx)
{
	struct husk_err *err = NULL;
	struct exec_plan plan = { 0 };
	int keep[] = { ctx->sync_fd, ctx->gate_fd };

	process_reset_signals();
	/* die with a husk that dies mid-create; detached once ready */
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	ctx->host_pid = pid_seen_by_husk();
	if (setup(ctx, &plan, &err) < 0)
		process_fail(ctx->sync_fd, err);
	process_close_fds(ctx->keep_fds, keep, 2);
	prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
	if (sync_send(ctx->sync_fd, SYNC_READY, NULL) < 0)
		_exit(1);
	close(ctx->sync_fd);
	wait_for_start(ctx);
	if (ctx->cfg->hooks.start_container.n)
		start_hooks(ctx, &plan);
	/* a `husk start` waiting for the exec learns it was reached: `true`
	 * may be over before start looks for the process */
	if (ctx->cfg->hooks.start_container.n || ctx->cfg->hooks.poststart.n)
		(void)!write(ctx->gate_fd, "", 1);
	process_exec(&plan);
}
