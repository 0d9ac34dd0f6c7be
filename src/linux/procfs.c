#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "husk/cleanup.h"
#include "husk/procfs.h"

static bool on_procfs(int fd)
{
	struct statfs sfs;

	return fstatfs(fd, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC;
}

int procfs_open(const char *rel, int flags, struct husk_err **err)
{
	cleanup_close int proc = open("/proc", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	/* beneath /proc: no "..", no absolute symlinks, no /proc/PID/fd-style
	 * jumps; "self" and "thread-self" are plain relative links */
	struct open_how how = {
		.flags = (uint64_t)(flags | O_NOFOLLOW | O_CLOEXEC),
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	int fd;

	if (proc < 0)
		return husk_syserr(err, "open /proc");
	if (!on_procfs(proc))
		return husk_error(err, 0, "/proc is not a procfs mount: refusing to write \"/proc/%s\" "
				  "through it", rel);
	fd = syscall(SYS_openat2, proc, rel, &how, sizeof(how));
	if (fd < 0)
		return husk_syserr(err, "open \"/proc/%s\"", rel);
	if (!on_procfs(fd)) {
		close(fd);
		return husk_error(err, 0, "\"/proc/%s\" is not on procfs (something is mounted over it): "
				  "refusing to write it", rel);
	}
	return fd;
}

int procfs_write(const char *rel, const char *buf, size_t len, struct husk_err **err)
{
	cleanup_close int fd = procfs_open(rel, O_WRONLY, err);

	if (fd < 0)
		return -1;
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return husk_syserr(err, "write \"/proc/%s\"", rel);
		buf += n;
		len -= n;
	}
	return 0;
}
