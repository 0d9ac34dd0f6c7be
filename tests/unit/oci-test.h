/* Helpers for the oci/ unit tests. JSON in tests is written with single
 * quotes, turned into double quotes before parsing, to stay readable. */
#ifndef HUSK_OCI_TEST_H
#define HUSK_OCI_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#include "husk/oci.h"
#include "unit.h"

#define BASE "'ociVersion':'1.2.0','root':{'path':'rootfs'}"
#define CFG(extra) "{" BASE extra "}"
#define PROC(extra) ",'process':{'cwd':'/','args':['sh']" extra "}"
#define LINUX(extra) ",'linux':{" extra "}"

/* What a JSON writer returned (text, malloc'd: freed here; or NULL with
 * err), parsed back with yajl_tree: an object, else NULL and a failed check. */
static inline yajl_val parse_back(char *text, struct husk_err *err, int *unit_failed)
{
	char ebuf[256];
	yajl_val v;

	CHECK(text != NULL && err == NULL);
	if (!text) {
		printf("# %s\n", err ? err->msg : "no text");
		husk_err_free(&err);
		return NULL;
	}
	v = yajl_tree_parse(text, ebuf, sizeof(ebuf));
	CHECK(YAJL_IS_OBJECT(v));
	free(text);
	return v;
}

static inline char *dq(const char *s)
{
	char *d = strdup(s);

	for (char *p = d; p && *p; p++)
		if (*p == '\'')
			*p = '"';
	return d;
}

/* Parse; on failure *msg gets the error message (malloc'd). */
static inline struct oci_config *parse_q(const char *json, char **msg)
{
	char *d = dq(json);
	struct husk_err *err = NULL;
	struct oci_config *c = oci_config_parse(d, strlen(d), "config.json", &err);

	*msg = err ? strdup(err->msg) : NULL;
	husk_err_free(&err);
	free(d);
	return c;
}

static inline int validate(const struct oci_config *c, char **msg)
{
	struct husk_err *err = NULL;
	int r = oci_config_validate(c, "config.json", &err);

	*msg = err ? strdup(err->msg) : NULL;
	husk_err_free(&err);
	return r;
}

/* Whether the messages match; shows the input when they do not. */
static inline int same_msg(const char *got, const char *want, const char *json)
{
	if (got && want && strcmp(got, want) == 0)
		return 1;
	printf("# input: %s\n#   got: %s\n#  want: %s\n", json, got ? got : "(none)",
	       want ? want : "(none)");
	return 0;
}

/* The parse fails with exactly `want` (want NULL: the parse succeeds). */
static inline int parse_result(const char *json, const char *want)
{
	char *msg;
	struct oci_config *c = parse_q(json, &msg);
	int ok;

	if (want)
		ok = same_msg(c ? NULL : msg, want, json);
	else if (!(ok = c != NULL))
		printf("# input: %s\n# unexpected error: %s\n", json, msg);
	oci_config_free(c);
	free(msg);
	return ok;
}

/* The config parses; validation fails with `want`, or passes if NULL. */
static inline int validate_result(const char *json, const char *want)
{
	char *msg;
	struct oci_config *c = parse_q(json, &msg);
	int ok, r;

	if (!c) {
		printf("# input: %s\n# parse error: %s\n", json, msg);
		free(msg);
		return 0;
	}
	r = validate(c, &msg);
	if (want)
		ok = same_msg(r < 0 ? msg : NULL, want, json);
	else if (!(ok = r == 0))
		printf("# input: %s\n# unexpected error: %s\n", json, msg);
	oci_config_free(c);
	free(msg);
	return ok;
}

#define PARSE_OK(json) CHECK(parse_result(json, NULL))
#define PARSE_FAILS(json, want) CHECK(parse_result(json, "config.json: " want))
#define VALID(json) CHECK(validate_result(json, NULL))
#define INVALID(json, want) CHECK(validate_result(json, "config.json: " want))

#endif
