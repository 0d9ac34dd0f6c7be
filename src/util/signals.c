#include <ctype.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "husk/signals.h"

static const struct { const char *name; int sig; } signals[] = {
	{ "ABRT", SIGABRT }, { "ALRM", SIGALRM }, { "BUS", SIGBUS }, { "CHLD", SIGCHLD },
	{ "CONT", SIGCONT }, { "FPE", SIGFPE }, { "HUP", SIGHUP }, { "ILL", SIGILL },
	{ "INT", SIGINT }, { "IO", SIGIO }, { "IOT", SIGIOT }, { "KILL", SIGKILL },
	{ "PIPE", SIGPIPE }, { "POLL", SIGPOLL }, { "PROF", SIGPROF }, { "PWR", SIGPWR },
	{ "QUIT", SIGQUIT }, { "SEGV", SIGSEGV }, { "STKFLT", SIGSTKFLT },
	{ "STOP", SIGSTOP }, { "SYS", SIGSYS }, { "TERM", SIGTERM }, { "TRAP", SIGTRAP },
	{ "TSTP", SIGTSTP }, { "TTIN", SIGTTIN }, { "TTOU", SIGTTOU }, { "URG", SIGURG },
	{ "USR1", SIGUSR1 }, { "USR2", SIGUSR2 }, { "VTALRM", SIGVTALRM },
	{ "WINCH", SIGWINCH }, { "XCPU", SIGXCPU }, { "XFSZ", SIGXFSZ },
};

/* "RTMIN", "RTMIN+3", "RTMAX", "RTMAX-1" */
static int realtime_signal(const char *name)
{
	bool min = !strncasecmp(name, "RTMIN", 5), max = !strncasecmp(name, "RTMAX", 5);
	char *end;
	long off;

	if (!min && !max)
		return -1;
	if (!name[5])
		return min ? SIGRTMIN : SIGRTMAX;
	if (name[5] != (min ? '+' : '-') || !isdigit((unsigned char)name[6]))
		return -1;
	/* bounded before any arithmetic: strtol saturates at LONG_MAX */
	off = strtol(name + 6, &end, 10);
	if (*end || off > SIGRTMAX - SIGRTMIN)
		return -1;
	return min ? SIGRTMIN + (int)off : SIGRTMAX - (int)off;
}

int signal_from_name(const char *name)
{
	char *end;
	long n = strtol(name, &end, 10);

	if (*name && !*end)
		return n > 0 && n < NSIG ? (int)n : -1;
	if (!strncasecmp(name, "SIG", 3))
		name += 3;
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (!strcasecmp(name, signals[i].name))
			return signals[i].sig;
	return realtime_signal(name);
}
