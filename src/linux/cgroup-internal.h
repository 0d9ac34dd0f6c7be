/* Internals shared by the cgroup files (cgroup.c, cgroup-make.c,
 * cgroup-v1.c, cgroup-v2.c, cgroup-devices.c, cgroup-stats.c). Not a
 * public contract: unit tests include it to reach the writers directly. */
#ifndef HUSK_CGROUP_INTERNAL_H
#define HUSK_CGROUP_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "husk/cgroup.h"
#include "husk/oci.h"

/* What the writers need besides the resources: where to write and how to
 * name a field in an error. */
struct cg_ctx {
	const struct cgroup_apply_opts *o;
	const struct cgroup_layout *l;
	const char *path;	/* the container's cgroup, "/husk/ID" */
};

/* "config.json: .linux.resources.memory.limit", or what the label
 * callback of the options says for the field (".memory.limit"). */
void cg_field(const struct cg_ctx *c, const char *field, char *buf, size_t size);

/* Fail naming the field: "<field>: <message>". Returns -1. */
int cg_fail(const struct cg_ctx *c, const char *field, struct husk_err **err,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Append " (hint)" to the message of *err. */
void cg_hint(struct husk_err **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hint with what the parent cgroup has in FILE (e.g. the cpus a cpuset
 * write may take from). */
void cg_parent_hint(const char *dir, const char *file, struct husk_err **err);

/* Write a value to DIR/FILE; the error names the field, the file, the
 * value and what the errno means for cgroup files. */
int cg_write(const struct cg_ctx *c, const char *field, const char *dir, const char *file,
	     const char *value, struct husk_err **err);
int cg_writef(const struct cg_ctx *c, const char *field, const char *dir, const char *file,
	      struct husk_err **err, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* cg_write of n values, in order, through one open of the file: each
 * write(2) is one value (one rule of devices.allow, say). */
int cg_write_each(const struct cg_ctx *c, const char *field, const char *dir, const char *file,
		  const char *const *values, size_t n, struct husk_err **err);

/* Write a whole cgroup file, PATH or DIR/FILE: 0, or -1 with errno. */
int cg_put_path(const char *path, const char *value);
int cg_put(const char *dir, const char *file, const char *value);
/* item is one of the sep-separated items of list. */
bool cg_list_has(const char *list, const char *item, char sep);

/* DIR/FILE exists. */
bool cg_has(const char *dir, const char *file);
/* Read DIR/FILE (malloc'd, NUL-terminated) or NULL. */
char *cg_read(const char *dir, const char *file);
/* First number in DIR/FILE; "max" reads as UINT64_MAX. -1 when missing. */
int cg_read_u64(const char *dir, const char *file, uint64_t *out);
/* Value of "key N" in a flat-keyed file (memory.stat, cpu.stat...). */
int cg_read_key(const char *dir, const char *file, const char *key, uint64_t *out);

/* The directory of the container's cgroup in hierarchy h. */
void cg_dir(const struct cgroup_hierarchy *h, const char *path, char *buf, size_t size);

/* v1 and v2 writers: each applies one controller's share of r to the
 * cgroup directory dir. They apply only what is set in r. */
int cgv1_memory(const struct cg_ctx *c, const char *dir, const struct oci_memory *m,
		struct husk_err **err);
int cgv1_cpu(const struct cg_ctx *c, const struct cgroup_hierarchy *h, const char *dir,
	     const struct oci_cpu *cpu, struct husk_err **err);
int cgv1_cpuset(const struct cg_ctx *c, const char *dir, const struct oci_cpu *cpu,
		struct husk_err **err);
int cgv1_blkio(const struct cg_ctx *c, const char *dir, const struct oci_block_io *b,
	       struct husk_err **err);
int cgv1_hugetlb(const struct cg_ctx *c, const char *dir, const struct oci_resources *r,
		 struct husk_err **err);
int cgv1_net(const struct cg_ctx *c, const char *cls_dir, const char *prio_dir,
	     const struct oci_resources *r, struct husk_err **err);

int cgv2_memory(const struct cg_ctx *c, const char *dir, const struct oci_memory *m,
		struct husk_err **err);
int cgv2_cpu(const struct cg_ctx *c, const char *dir, const struct oci_cpu *cpu,
	     struct husk_err **err);
int cgv2_cpuset(const struct cg_ctx *c, const char *dir, const struct oci_cpu *cpu,
		struct husk_err **err);
int cgv2_io(const struct cg_ctx *c, const char *dir, const struct oci_block_io *b,
	    struct husk_err **err);
int cgv2_hugetlb(const struct cg_ctx *c, const char *dir, const struct oci_resources *r,
		 struct husk_err **err);
int cgv2_unified(const struct cg_ctx *c, const char *dir, const struct oci_map *u,
		 struct husk_err **err);

/* pids.max is the same file in both versions. */
int cg_pids(const struct cg_ctx *c, const char *dir, int64_t limit, struct husk_err **err);
/* rdma.max is the same file in both versions. */
int cg_rdma(const struct cg_ctx *c, const char *dir, const struct oci_resources *r,
	    struct husk_err **err);

/* "2MB" -> true, with the size in bytes; the page sizes husk accepts are
 * the kernel's names (KB, MB, GB suffixes). */
bool cg_hugepage_size(const char *name, uint64_t *bytes);

/* Enable controllers (space-separated "cpu memory") for the children of
 * every ancestor of path in a v2 hierarchy, from the root down to the
 * parent of the leaf. Missing ones are an error only when strict. */
int cgv2_enable(const struct cgroup_hierarchy *h, const char *path, const char *ctrls,
		bool strict, struct husk_err **err);

/* Devices: the v1 devices cgroup emulated (rules in order on top of an
 * allow-all parent), and the final state written to v1 files or compiled
 * into an eBPF program for v2. */
#define CG_DEV_MKNOD 1u
#define CG_DEV_READ 2u
#define CG_DEV_WRITE 4u

struct cg_dev_exception {
	char type;		/* 'c' or 'b' */
	int64_t major, minor;	/* -1: any */
	unsigned access;	/* CG_DEV_* bits */
};

struct cg_dev_state {
	bool allow;		/* the default: allow (exceptions deny) or deny */
	struct cg_dev_exception *ex;
	size_t n;
};

/* Fold the rules, then the defaults every container gets (/dev/null, ...,
 * mknod of anything), into a state that starts as "allow all". */
int cg_dev_emulate(const struct oci_device_rule *rules, size_t n, bool add_defaults,
		   struct cg_dev_state *st, struct husk_err **err);
void cg_dev_state_free(struct cg_dev_state *st);
/* The kernel's decision for one access under a state (what the BPF
 * program computes too; used by tests). */
bool cg_dev_allowed(const struct cg_dev_state *st, char type, int64_t major, int64_t minor,
		    unsigned access);
int cgv1_devices(const struct cg_ctx *c, const char *dir, const struct cg_dev_state *st,
		 struct husk_err **err);

/* The eBPF program (BPF_PROG_TYPE_CGROUP_DEVICE) for a state. */
struct cg_bpf_prog {
	void *insns;		/* struct bpf_insn[] */
	size_t n;
};
int cg_bpf_compile(const struct cg_dev_state *st, struct cg_bpf_prog *p, struct husk_err **err);
void cg_bpf_free(struct cg_bpf_prog *p);
/* Load the program and attach it to the cgroup directory (a v2 cgroup),
 * replacing the programs husk attached before. */
int cg_bpf_attach(const struct cg_bpf_prog *p, const char *dir, struct husk_err **err);

#endif
