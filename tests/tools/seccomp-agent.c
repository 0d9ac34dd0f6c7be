/* seccomp-agent: the far end of linux.seccomp.listenerPath for the bats
 * tests, a minimal seccomp agent.
 *
 *   seccomp-agent SOCKET OUT ERRNO
 *
 * Listens on the unix stream socket SOCKET, takes one connection, reads
 * the container process state JSON the runtime sends (written to OUT) and
 * the notify fd that came with it (SCM_RIGHTS). Then it answers every
 * notification with -ERRNO and appends "syscall NR" to OUT.notes, until
 * no process uses the filter any more. Exits 0 after that, 1 on errors.
 * Plain kernel UAPI: no libseccomp needed. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int die(const char *what)
{
	fprintf(stderr, "seccomp-agent: %s: %s\n", what, strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char ctrl[CMSG_SPACE(sizeof(int))], buf[65536], notes[4096];
	size_t len = 0;
	int lsock, conn, notify_fd = -1, err_no;
	FILE *out, *log;

	if (argc != 4) {
		fprintf(stderr, "usage: seccomp-agent SOCKET OUT ERRNO\n");
		return 2;
	}
	err_no = atoi(argv[3]);
	if (strlen(argv[1]) >= sizeof(sa.sun_path))
		return die("socket path too long");
	strcpy(sa.sun_path, argv[1]);
	lsock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lsock < 0 || bind(lsock, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(lsock, 1) < 0)
		return die("listen");
	conn = accept4(lsock, NULL, NULL, SOCK_CLOEXEC);
	if (conn < 0)
		return die("accept");
	for (;;) {
		struct iovec iov = { .iov_base = buf + len, .iov_len = sizeof(buf) - 1 - len };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
				     .msg_control = ctrl, .msg_controllen = sizeof(ctrl) };
		struct cmsghdr *c;
		ssize_t n = recvmsg(conn, &mh, MSG_CMSG_CLOEXEC);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return die("recvmsg");
		if (n == 0)
			break;
		for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
			if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
				memcpy(&notify_fd, CMSG_DATA(c), sizeof(int));
		len += n;
		if (len >= sizeof(buf) - 1)
			break;
	}
	buf[len] = '\0';
	out = fopen(argv[2], "w");
	if (!out)
		return die("open OUT");
	fprintf(out, "%s\n", buf);
	fclose(out);
	if (notify_fd < 0) {
		fprintf(stderr, "seccomp-agent: no fd came with the state\n");
		return 1;
	}
	snprintf(notes, sizeof(notes), "%s.notes", argv[2]);
	log = fopen(notes, "w");
	if (!log)
		return die("open OUT.notes");
	setvbuf(log, NULL, _IOLBF, 0);
	for (;;) {
		struct pollfd p = { .fd = notify_fd, .events = POLLIN };
		struct seccomp_notif req;
		struct seccomp_notif_resp resp;

		if (poll(&p, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			return die("poll");
		}
		if (p.revents & (POLLHUP | POLLERR))
			break;	/* the filter has no users left */
		memset(&req, 0, sizeof(req));
		if (ioctl(notify_fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
			if (errno == EINTR || errno == ENOENT)
				continue;
			return die("SECCOMP_IOCTL_NOTIF_RECV");
		}
		fprintf(log, "syscall %d\n", req.data.nr);
		resp = (struct seccomp_notif_resp){ .id = req.id, .error = -err_no };
		if (ioctl(notify_fd, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 && errno != ENOENT)
			return die("SECCOMP_IOCTL_NOTIF_SEND");
	}
	fclose(log);
	return 0;
}
