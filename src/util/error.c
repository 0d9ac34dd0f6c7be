#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "husk/error.h"

static int set_error(struct husk_err **err, int errnum, const char *fmt, va_list ap)
{
	struct husk_err *e;
	char *msg = NULL;

	if (!err || *err)	/* keep the first, most specific error */
		return -1;
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	if (msg && errnum) {
		char *full = NULL;

		if (asprintf(&full, "%s: %s", msg, strerror(errnum)) >= 0) {
			free(msg);
			msg = full;
		}
	}
	e = calloc(1, sizeof(*e));
	if (!e) {
		free(msg);
		return -1;
	}
	e->errnum = errnum;
	e->msg = msg ? msg : strdup("out of memory");
	*err = e;
	return -1;
}

int husk_error(struct husk_err **err, int errnum, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_error(err, errnum, fmt, ap);
	va_end(ap);
	return -1;
}

int husk_syserr(struct husk_err **err, const char *fmt, ...)
{
	int errnum = errno;
	va_list ap;

	va_start(ap, fmt);
	set_error(err, errnum, fmt, ap);
	va_end(ap);
	errno = errnum;
	return -1;
}

int husk_err_wrap(struct husk_err **err, const char *fmt, ...)
{
	char *ctx = NULL, *full = NULL;
	va_list ap;

	if (!err || !*err)
		return -1;
	va_start(ap, fmt);
	if (vasprintf(&ctx, fmt, ap) < 0)
		ctx = NULL;
	va_end(ap);
	if (ctx && asprintf(&full, "%s: %s", ctx, (*err)->msg) >= 0) {
		free((*err)->msg);
		(*err)->msg = full;
	}
	free(ctx);
	return -1;
}

void husk_err_free(struct husk_err **err)
{
	if (!err || !*err)
		return;
	free((*err)->msg);
	free(*err);
	*err = NULL;
}
