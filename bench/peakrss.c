/*
 * peakrss: the peak resident set size of a command, from wait4's rusage
 * (the largest of the command and the descendants it waited for, in KiB),
 * over several runs.
 *
 *   peakrss N CMD [ARG...]    prints "MIN MEDIAN MAX" in KiB; exits 1 if
 *                             any run failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static int cmp(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	int n = argc > 2 ? atoi(argv[1]) : 0, failed = 0;
	if (n < 1) {
		fprintf(stderr, "usage: peakrss N CMD [ARG...]\n");
		return 2;
	}
	long *kib = calloc((size_t)n, sizeof *kib);
	if (!kib)
		return 1;
	for (int i = 0; i < n; i++) {
		struct rusage ru;
		int st;
		pid_t pid = fork();
		if (pid < 0) {
			perror("peakrss: fork");
			return 1;
		}
		if (pid == 0) {
			int null = open("/dev/null", O_RDWR);
			if (null >= 0) {
				dup2(null, 0);
				dup2(null, 1);
			}
			execvp(argv[2], argv + 2);
			fprintf(stderr, "peakrss: %s: %s\n", argv[2], strerror(errno));
			_exit(127);
		}
		while (wait4(pid, &st, 0, &ru) < 0)
			if (errno != EINTR) {
				perror("peakrss: wait4");
				return 1;
			}
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			failed = 1;
		kib[i] = ru.ru_maxrss;
	}
	qsort(kib, (size_t)n, sizeof *kib, cmp);
	printf("%ld %ld %ld\n", kib[0], kib[n / 2], kib[n - 1]);
	return failed;
}
