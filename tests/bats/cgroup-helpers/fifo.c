/* Ask for SCHED_FIFO: prints "SCHED_FIFO: ok" or the reason it was
 * refused, exits 0 or 1. (busybox has no chrt.) */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
	struct sched_param p = { .sched_priority = 1 };

	if (sched_setscheduler(0, SCHED_FIFO, &p) < 0) {
		printf("SCHED_FIFO: %s\n", strerror(errno));
		return 1;
	}
	printf("SCHED_FIFO: ok\n");
	return 0;
}
