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

void log_time_utc(const struct timespec *ts, char *buf, size_t size)
{
	struct tm tm;

	gmtime_r(&ts->tv_sec, &tm);
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts->tv_nsec);
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
