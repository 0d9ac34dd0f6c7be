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

int proc_stat(pid_t pid, uint64_t *start_time, char *state)
{
	char path[64], buf[1024];
	unsigned long long start = 0;
	char st = 0, *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* comm may contain spaces and ')': fields restart after the last ')' */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 1, " %c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u"
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
