/*
 * console-receiver: the far end of `--console-socket`, for the tests.
 *
 *   console-receiver [-i INPUT] [-n INFO_FILE] [-t SECONDS] SOCKET
 *
 * Listens on the unix socket SOCKET (created atomically: bound under a
 * temporary name and renamed, so a client that sees the path can connect),
 * accepts one connection and receives one message carrying file descriptors
 * with SCM_RIGHTS, the protocol runc, conmon and containerd's shim use.
 * Then it writes INPUT (if any) to the received pty master and copies what
 * the pty prints to stdout until every slave is closed (EIO/EOF).
 *
 * INFO_FILE gets what was received, one "key=value" a line:
 *   name=<the message text>   fds=<how many fds came>   ptn=<pty number>
 * (ptn is from TIOCGPTN, which only a pty master answers; "ptn=none" else).
 *
 * Exit status: 0 on EOF of the pty, 2 on a usage or socket error, 3 when no
 * fd came, 4 when the fd is not a pty master, 5 when SECONDS (default 60, a
 * deadlock guard) pass first.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAX_FDS 8

static void usage(void)
{
	fprintf(stderr, "usage: console-receiver [-i INPUT] [-n INFO_FILE] [-t SECONDS] SOCKET\n");
	exit(2);
}

static int listen_at(const char *path)
{
	struct sockaddr_un tmp = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || snprintf(tmp.sun_path, sizeof(tmp.sun_path), "%s.tmp", path) >=
			      (int)sizeof(tmp.sun_path)) {
		fprintf(stderr, "console-receiver: socket \"%s\": %s\n", path,
			fd < 0 ? strerror(errno) : "path too long");
		exit(2);
	}
	unlink(tmp.sun_path);
	if (bind(fd, (struct sockaddr *)&tmp, sizeof(tmp)) < 0 || listen(fd, 1) < 0 ||
	    rename(tmp.sun_path, path) < 0) {
		fprintf(stderr, "console-receiver: listen on \"%s\": %m\n", path);
		exit(2);
	}
	return fd;
}

/* One message; returns the number of fds it carried, stored in fds. */
static int receive(int conn, char *name, size_t name_size, int *fds)
{
	char ctrl[CMSG_SPACE(MAX_FDS * sizeof(int))];
	struct iovec iov = { .iov_base = name, .iov_len = name_size - 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = ctrl, .msg_controllen = sizeof(ctrl) };
	ssize_t n;
	int count = 0;

	do
		n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		perror("console-receiver: recvmsg");
		exit(2);
	}
	name[n] = '\0';
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

		for (size_t i = 0; i < k && count < MAX_FDS; i++)
			memcpy(&fds[count++], CMSG_DATA(c) + i * sizeof(int), sizeof(int));
	}
	return count;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, buf, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		buf += w;
		len -= w;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *input = NULL, *info = NULL;
	int opt, seconds = 60, fds[MAX_FDS], nfds, lfd, conn, ptn = -1;
	char name[4096];
	struct timespec start, now;

	while ((opt = getopt(argc, argv, "i:n:t:")) != -1) {
		switch (opt) {
		case 'i': input = optarg; break;
		case 'n': info = optarg; break;
		case 't': seconds = atoi(optarg); break;
		default: usage();
		}
	}
	if (optind != argc - 1)
		usage();
	signal(SIGPIPE, SIG_IGN);
	lfd = listen_at(argv[optind]);
	do
		conn = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	while (conn < 0 && errno == EINTR);
	if (conn < 0) {
		perror("console-receiver: accept");
		return 2;
	}
	nfds = receive(conn, name, sizeof(name), fds);
	close(conn);
	close(lfd);
	if (nfds > 0 && ioctl(fds[0], TIOCGPTN, &ptn) < 0)
		ptn = -1;
	if (info) {
		FILE *f = fopen(info, "w");

		if (!f) {
			fprintf(stderr, "console-receiver: %s: %m\n", info);
			return 2;
		}
		fprintf(f, "name=%s\nfds=%d\n", name, nfds);
		if (ptn >= 0)
			fprintf(f, "ptn=%d\n", ptn);
		else
			fprintf(f, "ptn=none\n");
		fclose(f);
	}
	if (nfds == 0) {
		fprintf(stderr, "console-receiver: no fd received\n");
		return 3;
	}
	if (ptn < 0) {
		fprintf(stderr, "console-receiver: the fd received is not a pty master\n");
		return 4;
	}
	if (input && write_all(fds[0], input, strlen(input)) < 0) {
		perror("console-receiver: write to the pty");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		struct pollfd p = { .fd = fds[0], .events = POLLIN };
		char buf[4096];
		ssize_t n;
		int r;

		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec >= seconds) {
			fprintf(stderr, "console-receiver: no EOF on the pty after %d s\n", seconds);
			return 5;
		}
		r = poll(&p, 1, 1000);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			continue;
		n = read(fds[0], buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)	/* EIO: the last slave is closed */
			break;
		if (write_all(STDOUT_FILENO, buf, n) < 0)
			return 2;
	}
	return 0;
}
