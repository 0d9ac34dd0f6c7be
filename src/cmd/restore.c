#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "husk/args.h"
#include "husk/checkpoint.h"
#include "husk/cli.h"
#include "husk/log.h"
#include "husk/lsm.h"
#include "husk/reaper.h"

/* --lsm-profile TYPE:NAME, as runc takes it: the module must be on. */
static int lsm_profile_check(const char *v, struct husk_err **err)
{
	const char *colon = strchr(v, ':');
	size_t len = colon ? (size_t)(colon - v) : 0;

	if (!colon || !colon[1])
		return husk_error(err, 0, "restore: --lsm-profile: \"%s\" is not TYPE:NAME", v);
	if (len == 8 && !strncmp(v, "apparmor", 8))
		return lsm_apparmor_enabled() ? 0 :
		       husk_error(err, 0, "restore: --lsm-profile: AppArmor is not enabled on this host");
	if (len == 7 && !strncmp(v, "selinux", 7))
		return lsm_selinux_enabled() ? 0 :
		       husk_error(err, 0, "restore: --lsm-profile: SELinux is not enabled on this host");
	return husk_error(err, 0, "restore: --lsm-profile: unknown module \"%.*s\" "
			  "(want apparmor or selinux)", (int)len, v);
}

/* Without -d husk waits for the restored container as run does, deletes
 * it and exits with its exit code. */
static int restore_foreground(const struct restore_opts *o, struct husk_err **err)
{
	struct husk_err *cleanup_err = NULL;
	struct created c;
	sigset_t old;
	int code;

	if (reaper_prepare(&old, err) < 0)
		return -1;
	if (container_restore(o, &c, err) < 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		return -1;
	}
	code = reaper_wait(c.pid, c.pidfd, -1, err);
	close(c.pidfd);
	if (container_delete(o->create.root, o->create.id, true, &cleanup_err) < 0) {
		log_error("%s", cleanup_err->msg);
		husk_err_free(&cleanup_err);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return code;
}

int cmd_restore(const struct husk_globals *g, int argc, char **argv, struct husk_err **err)
{
	struct restore_opts o = { .create = { .root = g->root, .systemd_cgroup = g->systemd_cgroup },
				  .criu = g->criu };
	const char *image = "checkpoint", *work = NULL, *cg_mode = NULL;
	bool detach = false, no_subreaper = false, lazy_pages = false;
	struct arg_list empty_ns = { 0 };
	const struct arg_opt opts[] = {
		{ "image-path", ARG_STRING, &image, "DIR", "the images to restore from (default: ./checkpoint)" },
		{ "work-path", ARG_STRING, &work, "DIR", "where criu writes its log (default: the image path)" },
		{ "b,bundle", ARG_STRING, &o.create.bundle, "DIR", "bundle directory (default: current directory)" },
		{ "d,detach", ARG_BOOL, &detach, NULL, "return once the container is restored" },
		{ "pid-file", ARG_STRING, &o.create.pid_file, "FILE", "write the restored init's pid to FILE" },
		{ "console-socket", ARG_STRING, &o.create.console_socket, "PATH",
		  "unix socket that receives the pty master (with process.terminal)" },
		{ "no-pivot", ARG_BOOL, &o.create.no_pivot, NULL, "accepted for runc compatibility (criu sets up the root)" },
		{ "no-subreaper", ARG_BOOL, &no_subreaper, NULL, "accepted for runc compatibility" },
		{ "tcp-established", ARG_BOOL, &o.c.tcp_established, NULL, "restore open TCP connections" },
		{ "ext-unix-sk", ARG_BOOL, &o.c.ext_unix_sk, NULL, "allow external unix sockets" },
		{ "shell-job", ARG_BOOL, &o.c.shell_job, NULL, "restore a shell job onto husk's terminal" },
		{ "file-locks", ARG_BOOL, &o.c.file_locks, NULL, "restore file locks" },
		{ "manage-cgroups-mode", ARG_STRING, &cg_mode, "MODE", "cgroups mode: soft, full, strict or ignore (default: soft)" },
		{ "empty-ns", ARG_LIST, &empty_ns, "NS", "create the namespace but do not restore its contents (network)" },
		{ "auto-dedup", ARG_BOOL, &o.c.auto_dedup, NULL, "free the images' memory as it is restored" },
		{ "lazy-pages", ARG_BOOL, &lazy_pages, NULL, "restore the memory lazily (not supported: an error)" },
		{ "lsm-profile", ARG_STRING, &o.c.lsm_profile, "TYPE:NAME",
		  "the apparmor or selinux profile of the restored processes" },
		{ "lsm-mount-context", ARG_STRING, &o.c.lsm_mount_context, "CONTEXT",
		  "the SELinux mount context of the restored mounts" },
		{ 0 },
	};
	const struct arg_cmd cmd = { "restore", "[options] ID",
		"Restore a container from a checkpoint: make container ID from the bundle,\n"
		"as create does, with its processes brought back by criu from the images,\n"
		"running. In the foreground husk waits for it, deletes it and exits with\n"
		"its exit code.", opts, false, 1, 1, NULL };
	char *image_abs = NULL, *work_abs = NULL;
	char **pos = NULL;
	int npos, ret = -1, r = args_parse(&cmd, argc, argv, &pos, &npos, err);
	struct created c;

	if (r != 0) {
		free(empty_ns.v);
		return args_status(r);
	}
	o.create.id = pos[0];
	o.create.foreground = !detach;
	if (lazy_pages) {
		husk_error(err, 0, "restore: --lazy-pages: lazy migration is not supported by husk");
		goto out;
	}
	if (o.c.lsm_profile && lsm_profile_check(o.c.lsm_profile, err) < 0)
		goto out;
	if (o.c.lsm_mount_context && !lsm_selinux_enabled()) {
		husk_error(err, 0, "restore: --lsm-mount-context: SELinux is not enabled on this host");
		goto out;
	}
	if (cg_mode && criu_cg_mode_parse(cg_mode, &o.c.cg_mode, err) < 0)
		goto out;
	for (int i = 0; i < empty_ns.n; i++)
		if (criu_empty_ns_parse(empty_ns.v[i], &o.c.empty_net, err) < 0)
			goto out;
	if (!(image_abs = checkpoint_abs_path(image, "--image-path", err)) ||
	    (work && !(work_abs = checkpoint_abs_path(work, "--work-path", err))))
		goto out;
	o.c.image_path = image_abs;
	o.c.work_path = work_abs;
	if (!detach) {
		ret = restore_foreground(&o, err);
		goto out;
	}
	ret = container_restore(&o, &c, err);
	if (ret == 0)
		close(c.pidfd);
out:
	free(image_abs);
	free(work_abs);
	free(empty_ns.v);
	free(pos);
	return ret;
}
