#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "husk/log.h"

static struct {
	int fd;		/* --log file, -1 when none */
	bool json;
	bool debug;
} logger = { .fd = -1 };

static const char *level_names[] = { "error", "warning", "info", "debug" };

int log_init(const char *path, const char *format, bool debug)
{
	logger.debug = debug;
	if (format && strcmp(format, "json") == 0)
		logger.json = true;
	else if (format && strcmp(format, "text") != 0) {
		fprintf(stderr, "husk: --log-format: unknown format \"%s\" (want text or json)\n", format);
		return -1;
	}
	if (path && *path) {
		logger.fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
		if (logger.fd < 0) {
			fprintf(stderr, "husk: --log: open \"%s\": %m\n", path);
			return -1;
		}
	}
	return 0;
}

static void json_escape(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
}

/* Days since 1970-01-01 to a proleptic Gregorian date: the days are
 * counted from 0000-03-01 in 400-year eras of 146097 days, so that the
 * leap day ends each year. */
static void civil_date(long long days, long long *year, int *month, int *day)
{
	long long z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
	long long doe = z - era * 146097;				/* [0, 146096] */
	long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;	/* [0, 399] */
	long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);	/* [0, 365] */
	long long mp = (5 * doy + 2) / 153;				/* March = 0 */

	*day = (int)(doy - (153 * mp + 2) / 5 + 1);
	*month = (int)(mp < 10 ? mp + 3 : mp - 9);
	*year = yoe + era * 400 + (*month <= 2);
}

void log_time_utc(const struct timespec *ts, char *buf, size_t size)
{
	long long secs = ts->tv_sec, days = secs / 86400, rem = secs % 86400, year;
	int month, day;

	if (rem < 0) {
		rem += 86400;
		days--;
	}
	civil_date(days, &year, &month, &day);
	snprintf(buf, size, "%04lld-%02d-%02dT%02lld:%02lld:%02lld.%09ldZ", year, month, day,
		 rem / 3600, rem / 60 % 60, rem % 60, ts->tv_nsec);
}

static void write_log_file(enum log_level level, const char *msg)
{
	char stamp[64], *line = NULL;
	size_t len = 0;
	struct timespec ts;
	FILE *f;

	clock_gettime(CLOCK_REALTIME, &ts);
	log_time_utc(&ts, stamp, sizeof(stamp));
	f = open_memstream(&line, &len);
	if (!f)
		return;
	if (logger.json) {
		fprintf(f, "{\"level\":\"%s\",\"msg\":\"", level_names[level]);
		json_escape(f, msg);
		fprintf(f, "\",\"time\":\"%s\"}\n", stamp);
	} else {
		fprintf(f, "%s %s: %s\n", stamp, level_names[level], msg);
	}
	fclose(f);
	/* a failing log write has nowhere left to be reported */
	(void)!write(logger.fd, line, len);
	free(line);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	char *msg = NULL;
	va_list ap;

	if (level == LOG_DEBUG && !logger.debug)
		return;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (!msg)
		return;
	if (logger.fd >= 0)
		write_log_file(level, msg);
	if (level <= LOG_WARN || logger.fd < 0)
		fprintf(stderr, "husk: %s%s\n", level == LOG_WARN ? "warning: " : "", msg);
	free(msg);
}
