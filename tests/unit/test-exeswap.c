/* exe_swap: the test binary moves itself onto a read-only view of its own
 * file, in a forked child, and goes on running with its data intact.
 * Needs CAP_SYS_ADMIN (for the view); skipped without it and under ASan,
 * where exe_swap declines by design. */
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "husk/selfprotect.h"
#include "unit.h"

static int counter = 41;		/* .data: must survive the copy */
static const char *const words[] = { "read", "only", NULL };	/* relocated: RELRO in a PIE */
static char scratch[8192];		/* .bss */

/* fd of the test binary on a detached read-only clone of its mount; 0
 * when that cannot be had here (no CAP_SYS_ADMIN), -1 on error */
static int view_of_self(const char *exe)
{
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
	char dir[4096];
	char *slash;
	int tree, fd;

	snprintf(dir, sizeof(dir), "%s", exe);
	slash = strrchr(dir, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	tree = syscall(SYS_open_tree, AT_FDCWD, *dir ? dir : "/", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree < 0)
		return errno == EPERM ? 0 : -1;
	if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
		return errno == EPERM ? 0 : -1;
	fd = openat(tree, slash + 1, O_RDONLY | O_CLOEXEC);
	return fd;	/* tree stays open: the child exits soon */
}

static bool maps_name(const char *path)
{
	char line[4096];
	FILE *f = fopen("/proc/self/maps", "re");
	bool found = false;
	size_t len = strlen(path);

	while (f && fgets(line, sizeof(line), f)) {
		char *name = strchr(line, '/');

		if (name && !strncmp(name, path, len) && name[len] == '\n')
			found = true;
	}
	if (f)
		fclose(f);
	return found;
}

/* exit code: 0 swapped and all well, 77 skipped, else the failed step */
static int swap_in_child(void)
{
	char exe[4096], now[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	struct statvfs sv;
	int view;

	if (n <= 0)
		return 1;
	exe[n] = '\0';
	view = view_of_self(exe);
	if (view == 0)
		return 77;
	if (view < 0 || !maps_name(exe))
		return 2;
	scratch[100] = 'x';
	if (!exe_swap(view))
		return 3;
	n = readlink("/proc/self/exe", now, sizeof(now) - 1);
	if (n <= 0 || (now[n] = '\0', !strcmp(now, exe)))
		return 4;
	if (statvfs("/proc/self/exe", &sv) < 0 || !(sv.f_flag & ST_RDONLY))
		return 5;
	if (maps_name(exe))
		return 6;
	/* data, relocated pointers and bss as they were, and still writable */
	if (++counter != 42 || strcmp(words[1], "only") || scratch[100] != 'x')
		return 7;
	scratch[8000] = 'y';
	if (open("/proc/self/exe", O_WRONLY | O_CLOEXEC) >= 0)
		return 8;
	return 0;
}

TEST(swap_keeps_running_from_the_view)
{
	pid_t pid;
	int status = -1;

#if defined(__SANITIZE_ADDRESS__)
	return;
#endif
	pid = fork();
	if (pid == 0)
		_exit(swap_in_child());
	CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 77)
		printf("# skipped: no CAP_SYS_ADMIN for a read-only view\n");
	else if (WIFEXITED(status) && WEXITSTATUS(status))
		printf("# the swapped child failed at step %d\n", WEXITSTATUS(status));
	CHECK(WIFEXITED(status) && (WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 77));
}
