#include <signal.h>
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

/* "RTMIN+3", "RTMAX-1" */
static int realtime_signal(const char *name)
{
	int base = !strncasecmp(name, "RTMIN", 5) ? SIGRTMIN : !strncasecmp(name, "RTMAX", 5) ? SIGRTMAX : -1;
	char *end;
	long off;

	if (base < 0)
		return -1;
	if (!name[5])
		return base;
	off = strtol(name + 5, &end, 10);
	if (*end || base + off < SIGRTMIN || base + off > SIGRTMAX)
		return -1;
	return base + off;
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
