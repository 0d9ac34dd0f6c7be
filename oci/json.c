/* Schema-driven decoding of yajl trees into the oci.h structs, with errors
 * that name the JSON path of the offending value. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "husk/cleanup.h"
#include "internal.h"

static bool is_ident(const char *s)
{
	if (!isalpha((unsigned char)*s) && *s != '_')
		return false;
	while (*++s)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return false;
	return true;
}

/* jq syntax: .a.b[0]["key.with.dots"] */
static void path_put(FILE *f, const struct jpath *p)
{
	if (!p)
		return;
	path_put(f, p->up);
	if (!p->key) {
		fprintf(f, "[%zu]", p->index);
	} else if (is_ident(p->key)) {
		fprintf(f, ".%s", p->key);
	} else {
		fputs("[\"", f);
		for (const unsigned char *s = (const unsigned char *)p->key; *s; s++) {
			if (*s == '"' || *s == '\\')
				fprintf(f, "\\%c", *s);
			else if (*s < 0x20)
				fprintf(f, "\\u%04x", *s);
			else
				fputc(*s, f);
		}
		fputs("\"]", f);
	}
}

static int oom(struct jctx *c)
{
	return husk_error(c->err, ENOMEM, "%s", c->name);
}

int j_fail(struct jctx *c, const struct jpath *p, const char *fmt, ...)
{
	cleanup_free char *msg = NULL;
	cleanup_free char *path = NULL;
	size_t len = 0;
	FILE *f;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r < 0)
		msg = NULL;	/* undefined after a failure */
	f = open_memstream(&path, &len);
	if (f) {
		path_put(f, p);
		fclose(f);
	}
	if (r < 0 || !f || !path)
		return oom(c);
	return husk_error(c->err, 0, "%s: %s%s%s", c->name, path, *path ? ": " : "", msg);
}

yajl_val j_member(yajl_val obj, const char *key)
{
	for (size_t i = obj->u.object.len; i-- > 0;)
		if (strcmp(obj->u.object.keys[i], key) == 0)
			return obj->u.object.values[i];
	return NULL;
}

bool j_present(yajl_val obj, const char *key)
{
	yajl_val v = j_member(obj, key);

	return v && !YAJL_IS_NULL(v);
}

struct kidx { const char *key; size_t i; };

static int kidx_cmp(const void *a, const void *b)
{
	const struct kidx *x = a, *y = b;
	int r = strcmp(x->key, y->key);

	return r ? r : (x->i > y->i) - (x->i < y->i);
}

/* Which members of an object to skip when it is read as a map: nulls (absent)
 * and keys repeated later (the last one wins, as with most JSON decoders).
 * Sorting keeps this O(n log n) for huge objects. */
static bool *map_skips(yajl_val v, size_t *kept)
{
	size_t n = v->u.object.len;
	cleanup_free struct kidx *idx = malloc(n * sizeof(*idx));
	bool *skip = calloc(n, sizeof(*skip));

	if (!idx || !skip) {
		free(skip);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		idx[i] = (struct kidx){ v->u.object.keys[i], i };
	qsort(idx, n, sizeof(*idx), kidx_cmp);
	for (size_t i = 0; i + 1 < n; i++)
		if (strcmp(idx[i].key, idx[i + 1].key) == 0)
			skip[idx[i].i] = true;
	*kept = 0;
	for (size_t i = 0; i < n; i++) {
		skip[i] = skip[i] || YAJL_IS_NULL(v->u.object.values[i]);
		*kept += !skip[i];
	}
	return skip;
}

struct numtype {
	const char *what;
	bool is_signed;
	int64_t min;
	uint64_t max;
};

static const struct numtype numtypes[] = {
	[J_U32] = { "an unsigned 32-bit integer", false, 0, UINT32_MAX },
	[J_OPT_U32] = { "an unsigned 32-bit integer", false, 0, UINT32_MAX },
	[J_OPT_U16] = { "an unsigned 16-bit integer", false, 0, UINT16_MAX },
	[J_I32] = { "a 32-bit integer", true, INT32_MIN, INT32_MAX },
	[J_OPT_I32] = { "a 32-bit integer", true, INT32_MIN, INT32_MAX },
	[J_U64] = { "an unsigned 64-bit integer", false, 0, UINT64_MAX },
	[J_OPT_U64] = { "an unsigned 64-bit integer", false, 0, UINT64_MAX },
	[J_I64] = { "a 64-bit integer", true, INT64_MIN, INT64_MAX },
	[J_OPT_I64] = { "a 64-bit integer", true, INT64_MIN, INT64_MAX },
};

/* From yajl's raw number text, so 64-bit values are exact: yajl's own
 * long long and double conversions lose the top of the uint64 range. */
static bool parse_int(const char *r, const struct numtype *t, uint64_t *u, int64_t *i)
{
	if (strpbrk(r, ".eE"))
		return false;
	errno = 0;
	if (t->is_signed) {
		long long x = strtoll(r, NULL, 10);

		*i = x;
		return !errno && x >= t->min && x <= (long long)t->max;
	}
	if (*r == '-')
		return false;
	*u = strtoull(r, NULL, 10);
	return !errno && *u <= t->max;
}

static int j_number(struct jctx *c, const struct jpath *p, yajl_val v,
		    enum jkind kind, void *at)
{
	const struct numtype *t = &numtypes[kind];
	uint64_t u = 0;
	int64_t i = 0;

	if (!YAJL_IS_NUMBER(v) || !parse_int(v->u.number.r, t, &u, &i))
		return j_fail(c, p, "expected %s", t->what);
	switch (kind) {
	case J_U32: *(uint32_t *)at = u; break;
	case J_OPT_U32:
	case J_OPT_U16: *(struct opt_u32 *)at = (struct opt_u32){ true, u }; break;
	case J_I32: *(int32_t *)at = i; break;
	case J_OPT_I32: *(struct opt_i32 *)at = (struct opt_i32){ true, i }; break;
	case J_U64: *(uint64_t *)at = u; break;
	case J_OPT_U64: *(struct opt_u64 *)at = (struct opt_u64){ true, u }; break;
	case J_I64: *(int64_t *)at = i; break;
	default: *(struct opt_i64 *)at = (struct opt_i64){ true, i }; break;
	}
	return 0;
}

static int j_str(struct jctx *c, const struct jpath *p, yajl_val v, char **out)
{
	if (!YAJL_IS_STRING(v))
		return j_fail(c, p, "expected a string");
	*out = strdup(v->u.string);
	return *out ? 0 : oom(c);
}

static int j_bool(struct jctx *c, const struct jpath *p, yajl_val v, bool *out)
{
	if (!YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v))
		return j_fail(c, p, "expected a boolean");
	*out = YAJL_IS_TRUE(v);
	return 0;
}

static int j_char(struct jctx *c, const struct jpath *p, yajl_val v, char *out)
{
	if (!YAJL_IS_STRING(v) || strlen(v->u.string) != 1)
		return j_fail(c, p, "expected a single-character string");
	*out = v->u.string[0];
	return 0;
}

static int j_strv(struct jctx *c, const struct jpath *p, yajl_val v, struct oci_strv *sv)
{
	size_t n;

	if (!YAJL_IS_ARRAY(v))
		return j_fail(c, p, "expected an array of strings");
	n = v->u.array.len;
	if (!n)
		return 0;
	sv->v = calloc(n + 1, sizeof(*sv->v));
	if (!sv->v)
		return oom(c);
	sv->n = n;
	for (size_t i = 0; i < n; i++) {
		struct jpath ep = { p, NULL, i };

		if (j_str(c, &ep, v->u.array.values[i], &sv->v[i]) < 0)
			return -1;
	}
	return 0;
}

static int j_map(struct jctx *c, const struct jpath *p, yajl_val v, struct oci_map *m)
{
	cleanup_free bool *skip = NULL;
	size_t kept;

	if (!YAJL_IS_OBJECT(v))
		return j_fail(c, p, "expected an object of strings");
	if (!v->u.object.len)
		return 0;
	skip = map_skips(v, &kept);
	if (!skip)
		return oom(c);
	if (!kept)
		return 0;
	m->v = calloc(kept, sizeof(*m->v));
	if (!m->v)
		return oom(c);
	for (size_t i = 0; i < v->u.object.len; i++) {
		struct jpath ep = { p, v->u.object.keys[i], 0 };
		struct oci_kv *kv;

		if (skip[i])
			continue;
		kv = &m->v[m->n++];
		kv->key = strdup(v->u.object.keys[i]);
		if (!kv->key)
			return oom(c);
		if (j_str(c, &ep, v->u.object.values[i], &kv->value) < 0)
			return -1;
	}
	return 0;
}

static int j_u32v(struct jctx *c, const struct jpath *p, yajl_val v,
		  const struct jfield *f, char *obj)
{
	size_t n;
	uint32_t *a;

	if (!YAJL_IS_ARRAY(v))
		return j_fail(c, p, "expected an array");
	n = v->u.array.len;
	if (!n)
		return 0;
	a = calloc(n, sizeof(*a));
	if (!a)
		return oom(c);
	*(uint32_t **)(obj + f->off) = a;
	*(size_t *)(obj + f->off_n) = n;
	for (size_t i = 0; i < n; i++) {
		struct jpath ep = { p, NULL, i };

		if (j_number(c, &ep, v->u.array.values[i], J_U32, &a[i]) < 0)
			return -1;
	}
	return 0;
}

/* Allocate n elements of a struct array and hang them on obj at once, so
 * that j_free() releases them whatever happens next. */
static char *j_elems(struct jctx *c, const struct jfield *f, char *obj, size_t n)
{
	char *a = calloc(n, f->sub->size);

	if (!a) {
		oom(c);
		return NULL;
	}
	memcpy(obj + f->off, &a, sizeof(a));
	*(size_t *)(obj + f->off_n) = n;
	return a;
}

static int j_array(struct jctx *c, const struct jpath *p, yajl_val v,
		   const struct jfield *f, char *obj)
{
	size_t n;
	char *a;

	if (!YAJL_IS_ARRAY(v))
		return j_fail(c, p, "expected an array");
	n = v->u.array.len;
	if (!n)
		return 0;
	a = j_elems(c, f, obj, n);
	if (!a)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct jpath ep = { p, NULL, i };

		if (j_object(c, &ep, v->u.array.values[i], f->sub, a + i * f->sub->size) < 0)
			return -1;
	}
	return 0;
}

static int j_keyed(struct jctx *c, const struct jpath *p, yajl_val v,
		   const struct jfield *f, char *obj)
{
	cleanup_free bool *skip = NULL;
	size_t kept, k = 0;
	char *a;

	if (!YAJL_IS_OBJECT(v))
		return j_fail(c, p, "expected an object");
	if (!v->u.object.len)
		return 0;
	skip = map_skips(v, &kept);
	if (!skip)
		return oom(c);
	if (!kept)
		return 0;
	a = j_elems(c, f, obj, kept);
	if (!a)
		return -1;
	for (size_t i = 0; i < v->u.object.len; i++) {
		struct jpath ep = { p, v->u.object.keys[i], 0 };
		char *elem;

		if (skip[i])
			continue;
		elem = a + k++ * f->sub->size;
		*(char **)elem = strdup(v->u.object.keys[i]);
		if (!*(char **)elem)
			return oom(c);
		if (j_object(c, &ep, v->u.object.values[i], f->sub, elem) < 0)
			return -1;
	}
	return 0;
}

static int j_ptr(struct jctx *c, const struct jpath *p, yajl_val v,
		 const struct jfield *f, char *obj)
{
	void *o = calloc(1, f->sub->size);

	if (!o)
		return oom(c);
	memcpy(obj + f->off, &o, sizeof(o));
	return j_object(c, p, v, f->sub, o);
}

static int j_field(struct jctx *c, const struct jpath *p, yajl_val v,
		   const struct jfield *f, char *obj)
{
	char *at = obj + f->off;

	switch (f->kind) {
	case J_STR: return j_str(c, p, v, (char **)at);
	case J_CHAR: return j_char(c, p, v, at);
	case J_BOOL: return j_bool(c, p, v, (bool *)at);
	case J_OPT_BOOL:
		((struct opt_bool *)at)->set = true;
		return j_bool(c, p, v, &((struct opt_bool *)at)->v);
	case J_STRV: return j_strv(c, p, v, (struct oci_strv *)at);
	case J_MAP: return j_map(c, p, v, (struct oci_map *)at);
	case J_U32V: return j_u32v(c, p, v, f, obj);
	case J_INLINE: return j_object(c, p, v, f->sub, at);
	case J_PTR: return j_ptr(c, p, v, f, obj);
	case J_ARRAY: return j_array(c, p, v, f, obj);
	case J_KEYED: return j_keyed(c, p, v, f, obj);
	case J_CUSTOM: return f->fn(c, p, v, obj);
	default: return j_number(c, p, v, f->kind, at);
	}
}

int j_object(struct jctx *c, const struct jpath *p, yajl_val v,
	     const struct jschema *s, void *obj)
{
	if (!YAJL_IS_OBJECT(v))
		return j_fail(c, p, "expected an object");
	for (size_t i = 0; i < s->n_fields; i++) {
		const struct jfield *f = &s->fields[i];
		yajl_val fv = j_member(v, f->key);
		struct jpath fp = { p, f->key, 0 };

		if (!fv || YAJL_IS_NULL(fv)) {
			if (f->required)
				return j_fail(c, p, "missing required field \"%s\"", f->key);
			continue;
		}
		if (j_field(c, &fp, fv, f, obj) < 0)
			return -1;
		if (f->flag)
			*(bool *)((char *)obj + f->flag - 1) = true;
	}
	return s->check ? s->check(c, p, v, obj) : 0;
}

static void strv_free(struct oci_strv *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
}

static void map_free(struct oci_map *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->v[i].key);
		free(m->v[i].value);
	}
	free(m->v);
}

static void elems_free(const struct jfield *f, char *obj)
{
	char *a;
	size_t n = *(size_t *)(obj + f->off_n);

	memcpy(&a, obj + f->off, sizeof(a));
	for (size_t i = 0; i < n; i++) {
		char *elem = a + i * f->sub->size;

		if (f->kind == J_KEYED)
			free(*(char **)elem);
		j_free(f->sub, elem);
	}
	free(a);
}

void j_free(const struct jschema *s, void *obj)
{
	for (size_t i = 0; i < s->n_fields; i++) {
		const struct jfield *f = &s->fields[i];
		char *at = (char *)obj + f->off;
		void *p;

		switch (f->kind) {
		case J_STR: free(*(char **)at); break;
		case J_STRV: strv_free((struct oci_strv *)at); break;
		case J_MAP: map_free((struct oci_map *)at); break;
		case J_U32V: free(*(uint32_t **)at); break;
		case J_INLINE: j_free(f->sub, at); break;
		case J_PTR:
			memcpy(&p, at, sizeof(p));
			if (p)
				j_free(f->sub, p);
			free(p);
			break;
		case J_ARRAY:
		case J_KEYED: elems_free(f, obj); break;
		default: break;
		}
	}
}
