#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "husk/crashpoint.h"

void crashpoint(const char *step)
{
	const char *at = getenv("HUSK_CRASH_AT"), *stall = getenv("HUSK_STALL_AT");

	if (at && !strcmp(at, step))
		kill(getpid(), SIGKILL);
	if (stall && !strcmp(stall, step))
		usleep(300 * 1000);
}
