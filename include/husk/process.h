/* The container init: everything between clone and execve, run inside the
 * new namespaces. It talks to the parent over a SOCK_SEQPACKET pair:
 *   parent -> init  SYNC_GO     ids mapped, cgroup joined: go on
 *   init -> parent  SYNC_READY  all set up, waiting at the start gate
 *   init -> parent  SYNC_ERROR  followed by the error text; init exits
 * and then blocks on the exec fifo until `start` writes a byte into it. */
#ifndef HUSK_PROCESS_H
#define HUSK_PROCESS_H

#include <stdbool.h>

#include "husk/error.h"
#include "husk/namespaces.h"
#include "husk/oci.h"

enum sync_msg { SYNC_GO = 'G', SYNC_READY = 'R', SYNC_ERROR = 'E' };

struct init_ctx {
	const struct oci_config *cfg;
	const char *rootfs;
	const struct ns_plan *ns;
	int sync_fd;		/* the init's end of the sync pair */
	int gate_fd;		/* exec fifo, opened O_RDWR by the parent */
	int keep_fds;		/* fds 3 .. 3+keep_fds-1 go to the container */
	bool no_pivot;
	bool no_new_keyring;
	const char *keyring_name;	/* the container id */
};

/* Never returns: execs the user process or exits after reporting. */
__attribute__((noreturn)) void init_main(struct init_ctx *ctx);

/* Send a message (and optional text) over the sync socket. */
int sync_send(int fd, enum sync_msg msg, const char *text);
/* Receive one message; text (malloc'd) for SYNC_ERROR. 0 on EOF. */
int sync_recv(int fd, char **text);

/* Find an executable for args[0] in PATH from env (as execvp would inside
 * the container). Returns a malloc'd path or NULL with *err set. */
char *process_find_executable(const char *name, char *const env[], struct husk_err **err);

#endif
