/* yajl_gen behind a sticky status: the first failure is kept and later
 * calls do nothing, so emitters check once, at the end. */
#include <errno.h>
#include <string.h>

#include "internal.h"

int jg_init(struct jgen *g, bool pretty)
{
	g->g = yajl_gen_alloc(NULL);
	g->st = yajl_gen_status_ok;
	if (!g->g)
		return -1;
	/* Reject invalid UTF-8 rather than emit a document nobody can read. */
	yajl_gen_config(g->g, yajl_gen_validate_utf8, 1);
	if (pretty) {
		yajl_gen_config(g->g, yajl_gen_beautify, 1);
		yajl_gen_config(g->g, yajl_gen_indent_string, "\t");
	}
	return 0;
}

void jg_str(struct jgen *g, const char *s)
{
	if (g->st == yajl_gen_status_ok)
		g->st = yajl_gen_string(g->g, (const unsigned char *)s, strlen(s));
}

void jg_int(struct jgen *g, long long v)
{
	if (g->st == yajl_gen_status_ok)
		g->st = yajl_gen_integer(g->g, v);
}

void jg_bool(struct jgen *g, bool v)
{
	if (g->st == yajl_gen_status_ok)
		g->st = yajl_gen_bool(g->g, v);
}

void jg_map(struct jgen *g, bool open)
{
	if (g->st == yajl_gen_status_ok)
		g->st = open ? yajl_gen_map_open(g->g) : yajl_gen_map_close(g->g);
}

void jg_array(struct jgen *g, bool open)
{
	if (g->st == yajl_gen_status_ok)
		g->st = open ? yajl_gen_array_open(g->g) : yajl_gen_array_close(g->g);
}

void jg_key_str(struct jgen *g, const char *k, const char *v)
{
	jg_str(g, k);
	jg_str(g, v);
}

void jg_key_int(struct jgen *g, const char *k, long long v)
{
	jg_str(g, k);
	jg_int(g, v);
}

void jg_key_strs(struct jgen *g, const char *k, const char *const *v)
{
	jg_str(g, k);
	jg_array(g, true);
	for (; *v; v++)
		jg_str(g, *v);
	jg_array(g, false);
}

char *jg_finish(struct jgen *g, const char *what, struct husk_err **err)
{
	const unsigned char *buf;
	size_t len;
	char *out = NULL;

	if (g->st == yajl_gen_status_ok) {
		yajl_gen_get_buf(g->g, &buf, &len);
		out = strndup((const char *)buf, len);
		if (!out)
			husk_error(err, ENOMEM, "%s", what);
	} else if (g->st == yajl_gen_invalid_string) {
		husk_error(err, 0, "%s: a string is not valid UTF-8", what);
	} else {
		husk_error(err, 0, "%s: JSON generator error %d", what, (int)g->st);
	}
	yajl_gen_free(g->g);
	return out;
}
