/*
 * fanout: run COUNT jobs, at most PAR at a time, without a shell's cost
 * between them (bench/ times many containers one after another or at once).
 *
 *   fanout [-n COUNT] [-j PAR] CMD [ARG...] [';' CMD [ARG...]]...
 *
 * A job is the ';'-separated commands run in order (the next only if the
 * previous exited 0); in every argument "{}" is replaced by the job's number
 * (0..COUNT-1), so each job can name its own container. fanout waits for
 * every job and exits 1 if any command failed (printing which), else 0.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char **cmd;	/* the template, ';' separators included */
static int ncmd;

/* argument a with every "{}" replaced by n */
static char *subst(const char *a, int n)
{
	char num[16], *out, *o;
	size_t len = strlen(a), k;
	int nl = snprintf(num, sizeof num, "%d", n);

	out = o = malloc(len * (size_t)nl + 1);
	if (!out)
		abort();
	for (k = 0; k < len; k++) {
		if (a[k] == '{' && a[k + 1] == '}') {
			memcpy(o, num, (size_t)nl);
			o += nl;
			k++;
		} else {
			*o++ = a[k];
		}
	}
	*o = 0;
	return out;
}

static int run_one(char **argv)
{
	int st;
	pid_t pid = fork();
	if (pid < 0) {
		perror("fanout: fork");
		return 1;
	}
	if (pid == 0) {
		execvp(argv[0], argv);
		fprintf(stderr, "fanout: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return 1;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	fprintf(stderr, "fanout: %s ... failed (status %#x)\n", argv[0], st);
	return 1;
}

/* the commands of job n, in order; returns the exit status of the job */
static int job(int n)
{
	char *argv[ncmd + 1];
	int i = 0, argc = 0;

	for (;;) {
		if (i == ncmd || strcmp(cmd[i], ";") == 0) {
			argv[argc] = NULL;
			if (argc > 0 && run_one(argv) != 0)
				return 1;
			argc = 0;
			if (i == ncmd)
				return 0;
		} else {
			argv[argc++] = subst(cmd[i], n);
		}
		i++;
	}
}

int main(int argc, char **argv)
{
	int count = 1, par = 1, opt, running = 0, failed = 0, next = 0, st;

	while ((opt = getopt(argc, argv, "+n:j:")) != -1) {
		switch (opt) {
		case 'n': count = atoi(optarg); break;
		case 'j': par = atoi(optarg); break;
		default: goto usage;
		}
	}
	if (optind >= argc || count < 1 || par < 1)
		goto usage;
	cmd = argv + optind;
	ncmd = argc - optind;

	if (par == 1) {	/* in this process: no fork per job */
		for (int n = 0; n < count; n++)
			failed |= job(n);
		return failed;
	}
	while (next < count || running > 0) {
		while (running < par && next < count) {
			pid_t pid = fork();
			if (pid < 0) {
				perror("fanout: fork");
				failed = 1;
				next = count;
				break;
			}
			if (pid == 0)
				_exit(job(next));
			next++;
			running++;
		}
		if (running == 0)
			break;
		if (wait(&st) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		running--;
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			failed = 1;
	}
	return failed;
usage:
	fprintf(stderr, "usage: fanout [-n COUNT] [-j PAR] CMD [ARG...] [';' CMD [ARG...]]...\n");
	return 2;
}
