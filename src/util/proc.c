#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "husk/proc.h"

char *proc_stat_fields(pid_t pid, char *buf, size_t size)
{
	char path[64];
	ssize_t n;
	int fd;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(pid ? path : "/proc/self/stat", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	/* comm may contain spaces and ')': fields restart after the last ')' */
	buf = strrchr(buf, ')');
	return buf ? buf + 1 : NULL;
}

int proc_stat(pid_t pid, uint64_t *start_time, char *state)
{
	char buf[1024], st = 0, *p = proc_stat_fields(pid, buf, sizeof(buf));
	unsigned long long start = 0;

	if (!p || sscanf(p, " %c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u"
			 " %*d %*d %*d %*d %*d %*d %llu", &st, &start) != 2)
		return -1;
	if (start_time)
		*start_time = start;
	if (state)
		*state = st;
	return 0;
}

bool proc_alive(pid_t pid, uint64_t start_time)
{
	uint64_t start;
	char st;

	if (pid <= 0 || proc_stat(pid, &start, &st) < 0)
		return false;
	return start == start_time && st != 'Z' && st != 'X';
}

int proc_pidfd(pid_t pid, uint64_t start_time)
{
	int fd = syscall(SYS_pidfd_open, pid, 0);

	if (fd < 0)
		return -1;
	/* checked after opening: from here on the pidfd pins this process */
	if (!proc_alive(pid, start_time)) {
		close(fd);
		errno = ESRCH;
		return -1;
	}
	return fd;
}

int proc_wait_gone(int pidfd, pid_t pid, int timeout_ms)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };
	int r;

	do
		r = poll(&p, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	if (r > 0)
		return 0;
	/* a zombie whose reaper is slow is gone for us as well */
	char st;
	if (proc_stat(pid, NULL, &st) < 0 || st == 'Z' || st == 'X')
		return 0;
	errno = ETIMEDOUT;
	return -1;
}
