#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "husk/cleanup.h"
#include "husk/process.h"
#include "husk/terminal.h"

int terminal_send_fd(int sock, int fd, const char *name, struct husk_err **err)
{
	char ctrl[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = (void *)name, .iov_len = strlen(name) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = ctrl, .msg_controllen = sizeof(ctrl) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	if (sendmsg(sock, &msg, MSG_NOSIGNAL) < 0)
		return husk_syserr(err, "send the pty master");
	return 0;
}

/* /dev/console is the pty slave, as on a real console. */
static int bind_console(const char *slave, struct husk_err **err)
{
	cleanup_close int fd = open("/dev/console", O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0 && errno != EEXIST)
		return husk_syserr(err, "create /dev/console");
	if (mount(slave, "/dev/console", NULL, MS_BIND, NULL) < 0)
		return husk_syserr(err, "bind \"%s\" on /dev/console", slave);
	return 0;
}

int terminal_setup(int sync_fd, const struct oci_process *p, bool console,
		   struct husk_err **err)
{
	cleanup_close int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	cleanup_close int slave = -1;
	char name[64];

	if (master < 0)
		return husk_syserr(err, "process.terminal: open /dev/ptmx");
	if (unlockpt(master) < 0 || ptsname_r(master, name, sizeof(name)) != 0)
		return husk_syserr(err, "process.terminal: unlock pty");
	slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		return husk_syserr(err, "process.terminal: open \"%s\"", name);
	if (p->has_console_size) {
		struct winsize ws = { .ws_row = p->console_height, .ws_col = p->console_width };

		if (ioctl(slave, TIOCSWINSZ, &ws) < 0)
			return husk_syserr(err, "process.consoleSize");
	} else {
		/* Without consoleSize, the caller's terminal (still our stdin)
		 * gives the size: the foreground relay keeps it in sync, but
		 * only once the process runs, which may already have looked. */
		struct winsize ws;

		if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col &&
		    ioctl(slave, TIOCSWINSZ, &ws) < 0)
			return husk_syserr(err, "process.terminal: set the window size");
	}
	if (console && bind_console(name, err) < 0)
		return -1;
	if (terminal_send_fd(sync_fd, master, (char[]){ SYNC_PTY, 0 }, err) < 0)
		return -1;
	for (int fd = 0; fd < 3; fd++)
		if (dup2(slave, fd) < 0)
			return husk_syserr(err, "process.terminal: use pty as fd %d", fd);
	if (ioctl(0, TIOCSCTTY, 0) < 0)
		return husk_syserr(err, "process.terminal: make the pty the controlling terminal");
	return 0;
}

int terminal_to_socket(const char *path, int master, struct husk_err **err)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	cleanup_close int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (strlen(path) >= sizeof(addr.sun_path))
		return husk_error(err, 0, "--console-socket: path \"%s\" is too long", path);
	strcpy(addr.sun_path, path);
	if (sock < 0 || connect(sock, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return husk_syserr(err, "--console-socket: connect to \"%s\"", path);
	if (terminal_send_fd(sock, master, "/dev/ptmx", err) < 0)
		return husk_err_wrap(err, "--console-socket \"%s\"", path);
	return 0;
}

int terminal_relay_start(struct terminal_relay *r, int master, struct husk_err **err)
{
	memset(r, 0, sizeof(*r));
	r->master = master;
	if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &r->saved) == 0) {
		struct termios raw = r->saved;

		cfmakeraw(&raw);
		if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) < 0)
			return husk_syserr(err, "put the terminal in raw mode");
		r->raw = true;
	}
	terminal_relay_resize(r);
	return 0;
}

void terminal_relay_resize(struct terminal_relay *r)
{
	struct winsize ws;

	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
		ioctl(r->master, TIOCSWINSZ, &ws);
}

static int copy(int from, int to)
{
	char buf[8192];
	ssize_t n = read(from, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n <= 0)
		return -1;
	for (ssize_t off = 0; off < n; ) {
		ssize_t w = write(to, buf + off, n - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		off += w;
	}
	return 0;
}

int terminal_relay_pump(struct terminal_relay *r, int ready_fd)
{
	if (ready_fd == r->master)
		return copy(r->master, STDOUT_FILENO);
	/* stdin closing is not the end: the container may still print */
	return copy(STDIN_FILENO, r->master) < 0 ? 1 : 0;
}

void terminal_relay_stop(struct terminal_relay *r)
{
	if (r->raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &r->saved);
	r->raw = false;
}
