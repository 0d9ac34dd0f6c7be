/*
 * floor: the least any OCI runtime must do to run a command in a container,
 * as a yardstick for bench/. Not a runtime: no config, no state, no cgroups,
 * no error recovery beyond reporting the failing step.
 *
 *   floor ROOTFS CMD [ARG...]    run CMD in a new container on ROOTFS:
 *       clone with new mount, pid, uts, ipc and net namespaces; in the
 *       child make every mount private, bind the rootfs onto itself,
 *       pivot_root into it, detach the old root, mount /proc, set the
 *       hostname and exec; the parent waits and exits with the child's
 *       status (128+N for signal N).
 *   floor -e PID CMD [ARG...]    the least an exec must do: join PID's
 *       mount, uts, ipc, net and pid namespaces, fork (the pid namespace
 *       applies to children), exec CMD there and wait for it.
 *   floor --version              print a version line: the cost of a
 *       static hello world, the floor of `RUNTIME --version`.
 *
 * Built static (see bench/Makefile.inc), like husk.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "floor: %s: %s\n", what, strerror(errno));
	_exit(125);
}

static int exit_status(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return 125;
}

struct child_args {
	const char *rootfs;
	char **argv;
};

static char *const child_env[] = {
	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
	"TERM=xterm", "HOME=/root", NULL,
};

static int child(void *p)
{
	struct child_args *a = p;

	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		die("make / private");
	if (mount(a->rootfs, a->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
		die("bind the rootfs");
	if (chdir(a->rootfs) < 0)
		die("chdir to the rootfs");
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		die("pivot_root");
	if (umount2(".", MNT_DETACH) < 0)
		die("detach the old root");
	if (chdir("/") < 0)
		die("chdir /");
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		die("mount /proc");
	if (sethostname("floor", 5) < 0)
		die("sethostname");
	execve(a->argv[0], a->argv, child_env);
	/* like a runtime, look the command up in the container's PATH */
	if (!strchr(a->argv[0], '/')) {
		static const char *const dirs[] = { "/usr/sbin", "/usr/bin", "/sbin", "/bin" };
		char path[4096];
		for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) {
			snprintf(path, sizeof path, "%s/%s", dirs[i], a->argv[0]);
			execve(path, a->argv, child_env);
		}
	}
	die(a->argv[0]);
	return 125;
}

static int run(const char *rootfs, char **argv)
{
	static char stack[64 * 1024] __attribute__((aligned(16)));
	struct child_args a = { rootfs, argv };
	int st;
	pid_t pid = clone(child, stack + sizeof stack,
			  CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC |
				  CLONE_NEWNET | SIGCHLD,
			  &a);
	if (pid < 0)
		die("clone");
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			die("waitpid");
	return exit_status(st);
}

static int exec_in(const char *pidstr, char **argv)
{
	/* user, cgroup and time namespaces are not joined: the bench
	 * containers have none of their own */
	static const char *const ns[] = { "ipc", "uts", "net", "pid", "mnt" };
	int fds[sizeof ns / sizeof *ns], st, root;
	char path[64];

	/* the init's root, taken explicitly after entering its mount
	 * namespace (a chrooted caller would land at the namespace's root) */
	snprintf(path, sizeof path, "/proc/%s/root", pidstr);
	root = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		die(path);
	for (size_t i = 0; i < sizeof ns / sizeof *ns; i++) {
		snprintf(path, sizeof path, "/proc/%s/ns/%s", pidstr, ns[i]);
		fds[i] = open(path, O_RDONLY | O_CLOEXEC);
		if (fds[i] < 0)
			die(path);
	}
	for (size_t i = 0; i < sizeof ns / sizeof *ns; i++)
		if (setns(fds[i], 0) < 0)
			die("setns");
	if (fchdir(root) < 0 || chroot(".") < 0)
		die("enter the container's root");
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		if (chdir("/") < 0)
			die("chdir /");
		execve(argv[0], argv, child_env);
		if (!strchr(argv[0], '/')) {
			snprintf(path, sizeof path, "/bin/%s", argv[0]);
			execve(path, argv, child_env);
		}
		die(argv[0]);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			die("waitpid");
	return exit_status(st);
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--version") == 0) {
		puts("floor version 1");
		return 0;
	}
	if (argc >= 4 && strcmp(argv[1], "-e") == 0)
		return exec_in(argv[2], argv + 3);
	if (argc < 3 || argv[1][0] != '/') {
		fprintf(stderr, "usage: floor ROOTFS CMD [ARG...]   (ROOTFS absolute)\n"
				"       floor -e PID CMD [ARG...]\n"
				"       floor --version\n");
		return 2;
	}
	return run(argv[1], argv + 2);
}
