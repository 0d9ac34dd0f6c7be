/*
 * sigstate: run a command with signals ignored and blocked, for the tests
 * of what the container process starts with.
 *
 *   sigstate SIGNAL... -- COMMAND [ARG...]
 *
 * Each SIGNAL (a number) is set to SIG_IGN and blocked, with the system
 * calls themselves: glibc refuses 32 and 33 (its own), which a caller of
 * husk written in another language may well have ignored. Then COMMAND is
 * exec'd, inheriting both. Exit status 2 on a usage error, 127 when
 * COMMAND cannot be run.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct { void (*handler)(int); unsigned long flags; void (*restorer)(void); uint64_t mask; }
		ign = { SIG_IGN, 0, NULL, 0 };
	uint64_t blocked = 0;
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		long sig = strtol(argv[i], NULL, 10);

		if (sig < 1 || sig > 64 || syscall(SYS_rt_sigaction, (int)sig, &ign, NULL, sizeof(ign.mask)) < 0) {
			fprintf(stderr, "sigstate: cannot ignore signal %s\n", argv[i]);
			return 2;
		}
		blocked |= 1ULL << (sig - 1);
	}
	if (i + 1 >= argc) {
		fprintf(stderr, "usage: sigstate SIGNAL... -- COMMAND [ARG...]\n");
		return 2;
	}
	if (syscall(SYS_rt_sigprocmask, SIG_BLOCK, &blocked, NULL, sizeof(blocked)) < 0) {
		perror("sigstate: block");
		return 2;
	}
	execvp(argv[i + 1], argv + i + 1);
	perror("sigstate: exec");
	return 127;
}
