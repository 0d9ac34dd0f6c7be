/* Internals of the OCI layer.
 *
 * config.json is decoded by walking schemas: one table per struct that maps
 * JSON member names to struct offsets and value kinds. The same tables drive
 * freeing, so a field that is decoded is also released. JSON paths for error
 * messages are chains of stack nodes, only rendered when an error is raised. */
#ifndef HUSK_OCI_INTERNAL_H
#define HUSK_OCI_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "husk/oci.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Deeper JSON makes yajl_tree_free() recurse off the stack. */
#define OCI_JSON_MAX_DEPTH 512

struct jpath {
	const struct jpath *up;	/* NULL: child of the document root */
	const char *key;	/* member name, or NULL for an array element */
	size_t index;
};

struct jctx {
	const char *name;	/* error prefix: "config.json" */
	struct husk_err **err;
};

enum jkind {
	J_STR, J_CHAR, J_BOOL, J_OPT_BOOL,
	J_U32, J_OPT_U32, J_OPT_U16, J_I32, J_OPT_I32,
	J_U64, J_OPT_U64, J_I64, J_OPT_I64,
	J_STRV, J_MAP, J_U32V,
	J_INLINE,	/* object decoded into the struct at off */
	J_PTR,		/* object decoded into a new struct stored at off */
	J_ARRAY,	/* array of objects: pointer at off, count at off_n */
	J_KEYED,	/* object of objects, as J_ARRAY; each element starts
			 * with a char * that receives the member name */
	J_CUSTOM,	/* fn decodes the value into the enclosing struct */
};

typedef int (*jfn)(struct jctx *c, const struct jpath *p, yajl_val v, void *obj);

struct jschema;

struct jfield {
	const char *key;
	enum jkind kind;
	bool required;
	size_t off;
	size_t off_n;		/* J_ARRAY, J_KEYED, J_U32V: the count */
	size_t flag;		/* offset + 1 of a bool set when present; 0: none */
	const struct jschema *sub; /* J_INLINE, J_PTR, J_ARRAY, J_KEYED */
	jfn fn;			/* J_CUSTOM */
};

struct jschema {
	const struct jfield *fields;
	size_t n_fields;
	size_t size;		/* of the struct, for J_PTR, J_ARRAY, J_KEYED */
	jfn check;		/* optional, runs after all fields are decoded */
};

#define SCHEMA(T, fields_, check_) \
	{ fields_, ARRAY_SIZE(fields_), sizeof(T), check_ }

#define F(k, kind_, T, m) { .key = k, .kind = kind_, .off = offsetof(T, m) }
#define F_REQ(k, kind_, T, m) \
	{ .key = k, .kind = kind_, .required = true, .off = offsetof(T, m) }
#define F_FLAG(k, kind_, T, m, flag_) \
	{ .key = k, .kind = kind_, .off = offsetof(T, m), .flag = offsetof(T, flag_) + 1 }
#define F_SUB(k, kind_, T, m, sub_) \
	{ .key = k, .kind = kind_, .off = offsetof(T, m), .sub = &sub_ }
/* A JSON object whose members live directly in the enclosing struct T,
 * optionally recording its presence in T's bool flag_. */
#define F_HERE(k, sub_) { .key = k, .kind = J_INLINE, .sub = &sub_ }
#define F_HERE_FLAG(k, T, sub_, flag_) \
	{ .key = k, .kind = J_INLINE, .sub = &sub_, .flag = offsetof(T, flag_) + 1 }
#define F_ARRAY(k, T, m, n, sub_) \
	{ .key = k, .kind = J_ARRAY, .off = offsetof(T, m), .off_n = offsetof(T, n), .sub = &sub_ }
#define F_KEYED(k, T, m, n, sub_) \
	{ .key = k, .kind = J_KEYED, .off = offsetof(T, m), .off_n = offsetof(T, n), .sub = &sub_ }
#define F_U32V(k, T, m, n) \
	{ .key = k, .kind = J_U32V, .off = offsetof(T, m), .off_n = offsetof(T, n) }
#define F_CUSTOM(k, required_, fn_) \
	{ .key = k, .kind = J_CUSTOM, .required = required_, .fn = fn_ }

/* json.c */
int j_fail(struct jctx *c, const struct jpath *p, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
yajl_val j_member(yajl_val obj, const char *key);	/* last one wins */
bool j_present(yajl_val obj, const char *key);		/* and not null */
int j_object(struct jctx *c, const struct jpath *p, yajl_val v,
	     const struct jschema *s, void *obj);
void j_free(const struct jschema *s, void *obj);

/* Schemas of the config sections, one file each. */
extern const struct jschema oci_process_schema;
extern const struct jschema oci_linux_schema;
extern const struct jschema oci_resources_schema;
extern const struct jschema oci_id_mapping_schema;

/* gen.c: yajl_gen with a sticky status, so emitters need not check each call. */
struct jgen {
	yajl_gen g;
	yajl_gen_status st;
};

int jg_init(struct jgen *g, bool pretty);	/* -1: out of memory */
void jg_str(struct jgen *g, const char *s);
void jg_int(struct jgen *g, long long v);
void jg_bool(struct jgen *g, bool v);
void jg_map(struct jgen *g, bool open);
void jg_array(struct jgen *g, bool open);
void jg_key_str(struct jgen *g, const char *k, const char *v);
void jg_key_int(struct jgen *g, const char *k, long long v);
void jg_key_strs(struct jgen *g, const char *k, const char *const *v); /* NULL-terminated */
/* The text (malloc'd), or NULL with *err set naming `what`; frees the generator. */
char *jg_finish(struct jgen *g, const char *what, struct husk_err **err);

#endif
