/* One error type for all of husk: an errno plus a message with context.
 * Functions that can fail take `husk_err **err` and return a negative value;
 * callers add context with husk_err_wrap() on the way up. */
#ifndef HUSK_ERROR_H
#define HUSK_ERROR_H

#include <stdarg.h>

struct husk_err {
	int errnum;	/* errno value, 0 when the error is not a system error */
	char *msg;	/* "context: context: cause" (strerror appended if errnum) */
};

/* Set *err (if err and *err is empty) and return -1. errnum 0 means no errno. */
int husk_error(struct husk_err **err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Same as husk_error(err, errno, ...). */
int husk_syserr(struct husk_err **err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Prefix the message of an existing error with context: "ctx: old". Returns -1. */
int husk_err_wrap(struct husk_err **err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void husk_err_free(struct husk_err **err);

#endif
