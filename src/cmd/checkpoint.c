#include <stdlib.h>

#include "husk/args.h"
#include "husk/checkpoint.h"
#include "husk/cli.h"

int cmd_checkpoint(const struct husk_globals *g, int argc, char **argv, struct husk_err **err)
{
	struct checkpoint_opts o = { .root = g->root, .criu = g->criu };
	const char *image = "checkpoint", *work = NULL, *cg_mode = NULL, *page_server = NULL;
	struct arg_list empty_ns = { 0 };
	bool lazy_pages = false;
	int status_fd = -1;
	const struct arg_opt opts[] = {
		{ "image-path", ARG_STRING, &image, "DIR", "where criu saves the images (default: ./checkpoint)" },
		{ "work-path", ARG_STRING, &work, "DIR", "where criu writes its log (default: the image path)" },
		{ "parent-path", ARG_STRING, &o.c.parent_path, "DIR",
		  "images of a previous pre-dump, relative to --image-path" },
		{ "leave-running", ARG_BOOL, &o.c.leave_running, NULL, "leave the container running after the checkpoint" },
		{ "tcp-established", ARG_BOOL, &o.c.tcp_established, NULL, "allow open TCP connections" },
		{ "ext-unix-sk", ARG_BOOL, &o.c.ext_unix_sk, NULL, "allow external unix sockets" },
		{ "shell-job", ARG_BOOL, &o.c.shell_job, NULL, "allow a shell job (stdio on the caller's terminal)" },
		{ "file-locks", ARG_BOOL, &o.c.file_locks, NULL, "checkpoint file locks" },
		{ "pre-dump", ARG_BOOL, &o.c.pre_dump, NULL,
		  "save the memory only and leave the container running" },
		{ "manage-cgroups-mode", ARG_STRING, &cg_mode, "MODE", "cgroups mode: soft, full, strict or ignore (default: soft)" },
		{ "empty-ns", ARG_LIST, &empty_ns, "NS", "create the namespace but do not restore its contents (network)" },
		{ "auto-dedup", ARG_BOOL, &o.c.auto_dedup, NULL, "deduplicate the memory images against the parent" },
		{ "page-server", ARG_STRING, &page_server, "ADDRESS:PORT", "send the memory pages to a criu page server" },
		{ "lazy-pages", ARG_BOOL, &lazy_pages, NULL, "leave the memory to be fetched lazily (not supported: an error)" },
		{ "status-fd", ARG_INT, &status_fd, "FD", "with --lazy-pages: where to say that the pages are ready" },
		{ 0 },
	};
	const struct arg_cmd cmd = { "checkpoint", "[options] ID",
		"Checkpoint a running container with criu: save its processes into an\n"
		"image directory and remove the container (unless --leave-running or\n"
		"--pre-dump). `husk restore` brings it back.", opts, false, 1, 1, NULL };
	char *image_abs = NULL, *work_abs = NULL;
	char **pos = NULL;
	int npos, ret = -1, r = args_parse(&cmd, argc, argv, &pos, &npos, err);

	if (r != 0) {
		free(empty_ns.v);
		return args_status(r);
	}
	o.id = pos[0];
	if (lazy_pages) {
		husk_error(err, 0, "checkpoint: --lazy-pages: lazy migration is not supported by husk");
		goto out;
	}
	if (status_fd >= 0) {
		husk_error(err, 0, "checkpoint: --status-fd only works with --lazy-pages");
		goto out;
	}
	if (cg_mode && criu_cg_mode_parse(cg_mode, &o.c.cg_mode, err) < 0)
		goto out;
	if (page_server && criu_page_server_parse(page_server, &o.c.ps, err) < 0)
		goto out;
	for (int i = 0; i < empty_ns.n; i++)
		if (criu_empty_ns_parse(empty_ns.v[i], &o.c.empty_net, err) < 0)
			goto out;
	if (o.c.parent_path && criu_parent_path_check(o.c.parent_path, err) < 0)
		goto out;
	if (!(image_abs = checkpoint_abs_path(image, "--image-path", err)) ||
	    (work && !(work_abs = checkpoint_abs_path(work, "--work-path", err))))
		goto out;
	o.c.image_path = image_abs;
	o.c.work_path = work_abs;
	ret = container_checkpoint(&o, err);
out:
	free(image_abs);
	free(work_abs);
	free(empty_ns.v);
	free(pos);
	return ret;
}
