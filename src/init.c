#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "husk/cleanup.h"
#include "husk/fs.h"
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

/* The namespaces, then the root file system, then the process itself. */
static int setup(struct init_ctx *ctx, struct exec_plan *plan, struct husk_err **err)
{
	const struct oci_config *cfg = ctx->cfg;
	struct rootfs_opts ro = { .rootfs = ctx->rootfs, .no_pivot = ctx->no_pivot,
				  .in_userns = ctx->ns->new_userns || ctx->ns->join_fd[OCI_NS_USER] >= 0 };

	if (ctx->ns->new_userns && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0))
		return husk_syserr(err, "become root in the user namespace");
	if (ns_join_in_child(ctx->ns, err) < 0)
		return -1;
	if (ctx->ns->new_cgroup_ns && unshare(CLONE_NEWCGROUP) < 0)
		return husk_syserr(err, "create cgroup namespace");
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

__attribute__((noreturn)) void init_main(struct init_ctx *ctx)
{
	struct husk_err *err = NULL;
	struct exec_plan plan = { 0 };
	int keep[] = { ctx->sync_fd, ctx->gate_fd };

	process_reset_signals();
	/* die with a husk that dies mid-create; detached once ready */
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (sync_recv(ctx->sync_fd, NULL, NULL) != SYNC_GO)
		_exit(1);
	if (setup(ctx, &plan, &err) < 0)
		process_fail(ctx->sync_fd, err);
	process_close_fds(ctx->keep_fds, keep, 2);
	prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
	if (sync_send(ctx->sync_fd, SYNC_READY, NULL) < 0)
		_exit(1);
	close(ctx->sync_fd);
	wait_for_start(ctx);
	process_exec(&plan);
}
