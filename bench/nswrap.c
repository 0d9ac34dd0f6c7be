/*
 * nswrap: run a command in a private mount namespace where the cgroup v2
 * mount of a hybrid host, /sys/fs/cgroup/unified, is gone.
 *
 *   nswrap CMD [ARG...]
 *
 * crun refuses to run on a hybrid cgroup host; with the unified hierarchy
 * out of its sight it sees plain cgroup v1 and works. bench/ runs every crun
 * command through this (a static C program rather than `unshare -m sh -c`
 * so that the wrapper costs as little as possible; bench/ also times the
 * wrapper alone so its share is known). On a host without
 * /sys/fs/cgroup/unified it only unshares the mount namespace.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: nswrap CMD [ARG...]\n");
		return 2;
	}
	if (unshare(CLONE_NEWNS) < 0) {
		fprintf(stderr, "nswrap: unshare(CLONE_NEWNS): %s\n", strerror(errno));
		return 125;
	}
	/* the unmount must not propagate to the host's namespace: make its
	 * parent private here (only that mount: a recursive walk costs) */
	if (mount(NULL, "/sys/fs/cgroup", NULL, MS_PRIVATE, NULL) == 0 &&
	    umount2("/sys/fs/cgroup/unified", MNT_DETACH) < 0 && errno != EINVAL &&
	    errno != ENOENT) {
		fprintf(stderr, "nswrap: umount /sys/fs/cgroup/unified: %s\n", strerror(errno));
		return 125;
	}
	execvp(argv[1], argv + 1);
	fprintf(stderr, "nswrap: %s: %s\n", argv[1], strerror(errno));
	return 127;
}
