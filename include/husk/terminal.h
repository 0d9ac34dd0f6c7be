/* Pseudo-terminals for containers with process.terminal. The pty is opened
 * inside the container (so it belongs to the container's devpts), its
 * master handed to husk over the sync socket, and from there either to a
 * --console-socket (the protocol conmon and containerd's shim speak) or
 * relayed to husk's own stdio in the foreground. */
#ifndef HUSK_TERMINAL_H
#define HUSK_TERMINAL_H

#include <stdbool.h>
#include <termios.h>

#include "husk/error.h"
#include "husk/oci.h"

/* In the container, after its /dev is in place: open a pty, size it, bind
 * the slave on /dev/console when `console`, send the master over sync_fd,
 * and make the slave the controlling terminal and fds 0-2. */
int terminal_setup(int sync_fd, const struct oci_process *p, bool console,
		   struct husk_err **err);

/* Send an fd with SCM_RIGHTS and a short text payload. */
int terminal_send_fd(int sock, int fd, const char *name, struct husk_err **err);

/* Connect to a --console-socket and hand it the master. */
int terminal_to_socket(const char *path, int master, struct husk_err **err);

/* Foreground: relay between husk's stdin/stdout and the master, with the
 * caller's terminal in raw mode and window size changes passed on, until
 * the master hangs up or done_fd (a pidfd) becomes readable. */
struct terminal_relay {
	int master;
	bool raw;		/* stdin was a tty put in raw mode */
	struct termios saved;
};
int terminal_relay_start(struct terminal_relay *r, int master, struct husk_err **err);
/* Copy what is readable; returns -1 when the master is gone. */
int terminal_relay_pump(struct terminal_relay *r, int ready_fd);
void terminal_relay_resize(struct terminal_relay *r);
void terminal_relay_stop(struct terminal_relay *r);

#endif
