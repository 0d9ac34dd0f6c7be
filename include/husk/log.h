/* Logging: errors and debug messages to stderr and, with --log, to a file
 * in text or JSON lines (the form containerd's shim reads back). */
#ifndef HUSK_LOG_H
#define HUSK_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

int log_init(const char *path, const char *format, bool debug);
void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ts as RFC 3339 in UTC with nanoseconds, "2006-01-02T15:04:05.000000000Z".
 * No strftime or gmtime_r: glibc's read /etc/localtime (tzset) even for
 * UTC. */
void log_time_utc(const struct timespec *ts, char *buf, size_t size);

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
