/* The device allowlist (linux.resources.devices).
 *
 * The OCI rules are the v1 devices cgroup's writes, applied in order on
 * top of an allow-all parent. husk emulates the kernel's v1 semantics
 * (security/device_cgroup.c) to get the final state: a default (allow or
 * deny) and a list of exceptions. On v1 that state is written to
 * devices.allow/devices.deny; on v2, where there is no devices controller,
 * it is compiled into a BPF_PROG_TYPE_CGROUP_DEVICE program attached to
 * the container's cgroup. The program is called for every open and mknod
 * of a device node and returns 1 to allow, 0 to deny (EPERM). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup-internal.h"
#include "husk/cleanup.h"
#include "husk/log.h"

#define ALL_ACCESS (CG_DEV_MKNOD | CG_DEV_READ | CG_DEV_WRITE)
#define PROG_NAME "husk_devices"

/* What every container may use whatever its rules say (after them, as runc
 * appends them): mknod of anything, and the nodes husk makes in /dev. */
static const struct cg_dev_exception defaults[] = {
	{ 'c', -1, -1, CG_DEV_MKNOD },
	{ 'b', -1, -1, CG_DEV_MKNOD },
	{ 'c', 1, 3, ALL_ACCESS },	/* null */
	{ 'c', 1, 5, ALL_ACCESS },	/* zero */
	{ 'c', 1, 7, ALL_ACCESS },	/* full */
	{ 'c', 1, 8, ALL_ACCESS },	/* random */
	{ 'c', 1, 9, ALL_ACCESS },	/* urandom */
	{ 'c', 5, 0, ALL_ACCESS },	/* tty */
	{ 'c', 5, 1, ALL_ACCESS },	/* console */
	{ 'c', 5, 2, ALL_ACCESS },	/* ptmx */
	{ 'c', 136, -1, ALL_ACCESS },	/* pts/N */
};

void cg_dev_state_free(struct cg_dev_state *st)
{
	free(st->ex);
	st->ex = NULL;
	st->n = 0;
}

static struct cg_dev_exception *find_exact(struct cg_dev_state *st, char type, int64_t major,
					   int64_t minor)
{
	for (size_t i = 0; i < st->n; i++)
		if (st->ex[i].type == type && st->ex[i].major == major && st->ex[i].minor == minor)
			return &st->ex[i];
	return NULL;
}

/* One v1 write of a c or b rule. Like the kernel: a rule that agrees with
 * the default takes its access out of a matching exception; one that
 * disagrees adds (or widens) an exception. */
static int write_rule(struct cg_dev_state *st, bool allow, char type, int64_t major,
		      int64_t minor, unsigned access)
{
	struct cg_dev_exception *e = find_exact(st, type, major, minor);

	if (allow == st->allow) {
		if (e) {
			e->access &= ~access;
			if (!e->access)
				*e = st->ex[--st->n];
		}
		return 0;
	}
	if (e) {
		e->access |= access;
		return 0;
	}
	e = realloc(st->ex, (st->n + 1) * sizeof(*e));
	if (!e)
		return -1;
	st->ex = e;
	st->ex[st->n++] = (struct cg_dev_exception){ type, major, minor, access };
	return 0;
}

static int parse_access(const char *s, unsigned *out)
{
	*out = 0;
	if (!s)
		s = "rwm";
	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s == 'r')
			*out |= CG_DEV_READ;
		else if (*s == 'w')
			*out |= CG_DEV_WRITE;
		else if (*s == 'm')
			*out |= CG_DEV_MKNOD;
		else
			return -1;
	}
	return 0;
}

int cg_dev_emulate(const struct oci_device_rule *rules, size_t n, bool add_defaults,
		   struct cg_dev_state *st, struct husk_err **err)
{
	*st = (struct cg_dev_state){ .allow = true };
	for (size_t i = 0; i < n; i++) {
		const struct oci_device_rule *r = &rules[i];
		int64_t major = r->major.set ? r->major.v : -1;
		int64_t minor = r->minor.set ? r->minor.v : -1;
		char type = r->type ? r->type : 'a';
		unsigned access;
		int ret = 0;

		if (parse_access(r->access, &access) < 0) {
			cg_dev_state_free(st);
			return husk_error(err, 0, "config.json: .linux.resources.devices[%zu].access: "
					  "\"%s\" is not a combination of r, w and m", i, r->access);
		}
		if (type != 'a' && type != 'c' && type != 'b') {
			cg_dev_state_free(st);
			return husk_error(err, 0, "config.json: .linux.resources.devices[%zu].type: "
					  "\"%c\" is not a, c or b", i, type);
		}
		if (major < -1 || minor < -1 || major > 0xfff || minor > 0xfffff) {
			cg_dev_state_free(st);
			return husk_error(err, 0, "config.json: .linux.resources.devices[%zu]: %" PRId64
					  ":%" PRId64 " is not a device number", i, major, minor);
		}
		if (type == 'a' && major < 0 && minor < 0 && access == ALL_ACCESS) {
			/* "a": a new default, and no exceptions */
			cg_dev_state_free(st);
			st->allow = r->allow;
		} else if (type == 'a') {
			ret = write_rule(st, r->allow, 'c', major, minor, access) |
			      write_rule(st, r->allow, 'b', major, minor, access);
		} else {
			ret = write_rule(st, r->allow, type, major, minor, access);
		}
		if (ret < 0) {
			cg_dev_state_free(st);
			return husk_error(err, ENOMEM, "device rules");
		}
	}
	for (size_t i = 0; add_defaults && i < sizeof(defaults) / sizeof(defaults[0]); i++) {
		const struct cg_dev_exception *d = &defaults[i];

		if (write_rule(st, true, d->type, d->major, d->minor, d->access) < 0) {
			cg_dev_state_free(st);
			return husk_error(err, ENOMEM, "device rules");
		}
	}
	return 0;
}

static bool ex_matches(const struct cg_dev_exception *e, char type, int64_t major, int64_t minor)
{
	return e->type == type && (e->major < 0 || e->major == major) &&
	       (e->minor < 0 || e->minor == minor);
}

bool cg_dev_allowed(const struct cg_dev_state *st, char type, int64_t major, int64_t minor,
		    unsigned access)
{
	for (size_t i = 0; i < st->n; i++) {
		const struct cg_dev_exception *e = &st->ex[i];

		if (!ex_matches(e, type, major, minor))
			continue;
		/* default allow: an exception denying any part of the access
		 * denies it; default deny: one exception must grant all of it */
		if (st->allow && (access & e->access))
			return false;
		if (!st->allow && !(access & ~e->access))
			return true;
	}
	return st->allow;
}

/* ------------------------------------------------------------ eBPF program */

struct prog_buf {
	struct bpf_insn *v;
	size_t n, cap;
	bool oom;
};

static size_t emit(struct prog_buf *p, struct bpf_insn insn)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		struct bpf_insn *grown = realloc(p->v, cap * sizeof(*grown));

		if (!grown) {
			p->oom = true;
			return p->n;
		}
		p->v = grown;
		p->cap = cap;
	}
	p->v[p->n] = insn;
	return p->n++;
}

static struct bpf_insn ins(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	return (struct bpf_insn){ .code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm };
}

#define LDX_W(dst, src, off) ins(BPF_LDX | BPF_W | BPF_MEM, dst, src, off, 0)
#define MOV32_REG(dst, src) ins(BPF_ALU | BPF_MOV | BPF_X, dst, src, 0, 0)
#define AND32_IMM(dst, imm) ins(BPF_ALU | BPF_AND | BPF_K, dst, 0, 0, imm)
#define RSH32_IMM(dst, imm) ins(BPF_ALU | BPF_RSH | BPF_K, dst, 0, 0, imm)
#define JNE_IMM(dst, imm) ins(BPF_JMP | BPF_JNE | BPF_K, dst, 0, 0, imm)
#define JEQ_IMM(dst, imm) ins(BPF_JMP | BPF_JEQ | BPF_K, dst, 0, 0, imm)
#define MOV64_IMM(dst, imm) ins(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm)
#define EXIT() ins(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

/* Registers: r2 device type, r3 access, r4 major, r5 minor (from struct
 * bpf_cgroup_dev_ctx), r1 scratch. One block per exception, each jumping
 * to the next block when the request does not match it; the first match
 * decides (exceptions never overlap in meaning: all allow or all deny). */
int cg_bpf_compile(const struct cg_dev_state *st, struct cg_bpf_prog *out, struct husk_err **err)
{
	struct prog_buf p = { 0 };

	emit(&p, LDX_W(2, 1, 0));
	emit(&p, MOV32_REG(3, 2));
	emit(&p, AND32_IMM(2, 0xffff));
	emit(&p, RSH32_IMM(3, 16));
	emit(&p, LDX_W(4, 1, 4));
	emit(&p, LDX_W(5, 1, 8));
	for (size_t i = 0; i < st->n; i++) {
		const struct cg_dev_exception *e = &st->ex[i];
		size_t jumps[4], nj = 0;

		jumps[nj++] = emit(&p, JNE_IMM(2, e->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR));
		emit(&p, MOV32_REG(1, 3));
		if (st->allow) {
			emit(&p, AND32_IMM(1, (int32_t)e->access));
			jumps[nj++] = emit(&p, JEQ_IMM(1, 0));
		} else {
			emit(&p, AND32_IMM(1, (int32_t)(~e->access & ALL_ACCESS)));
			jumps[nj++] = emit(&p, JNE_IMM(1, 0));
		}
		if (e->major >= 0)
			jumps[nj++] = emit(&p, JNE_IMM(4, (int32_t)e->major));
		if (e->minor >= 0)
			jumps[nj++] = emit(&p, JNE_IMM(5, (int32_t)e->minor));
		emit(&p, MOV64_IMM(0, st->allow ? 0 : 1));
		emit(&p, EXIT());
		if (p.oom)
			break;
		for (size_t j = 0; j < nj; j++)
			p.v[jumps[j]].off = (int16_t)(p.n - jumps[j] - 1);
	}
	emit(&p, MOV64_IMM(0, st->allow ? 1 : 0));
	emit(&p, EXIT());
	if (p.oom) {
		free(p.v);
		return husk_error(err, ENOMEM, "device program");
	}
	out->insns = p.v;
	out->n = p.n;
	return 0;
}

void cg_bpf_free(struct cg_bpf_prog *p)
{
	free(p->insns);
	p->insns = NULL;
	p->n = 0;
}

static int bpf(int cmd, union bpf_attr *attr)
{
	return (int)syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

static int prog_load(const struct cg_bpf_prog *p, struct husk_err **err)
{
	static char log[16384];
	union bpf_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	a.insns = (uint64_t)(uintptr_t)p->insns;
	a.insn_cnt = (uint32_t)p->n;
	a.license = (uint64_t)(uintptr_t)"Dual MIT/GPL";
	snprintf(a.prog_name, sizeof(a.prog_name), PROG_NAME);
	fd = bpf(BPF_PROG_LOAD, &a);
	if (fd >= 0 || errno != EACCES)
		return fd >= 0 ? fd : husk_syserr(err, "load the device eBPF program");
	/* rejected by the verifier: load again for its log */
	log[0] = '\0';
	a.log_level = 1;
	a.log_buf = (uint64_t)(uintptr_t)log;
	a.log_size = sizeof(log);
	fd = bpf(BPF_PROG_LOAD, &a);
	if (fd >= 0)
		return fd;
	log[strcspn(log, "\n")] = '\0';
	return husk_error(err, EACCES, "load the device eBPF program (verifier: %s)", log);
}

/* Programs named PROG_NAME attached to the cgroup: husk's earlier ones. */
static void detach_old(int cgfd, int keep_fd)
{
	uint32_t ids[64], cnt = 64;
	union bpf_attr a;
	struct bpf_prog_info keep = { 0 };

	memset(&a, 0, sizeof(a));
	a.info.bpf_fd = keep_fd;
	a.info.info_len = sizeof(keep);
	a.info.info = (uint64_t)(uintptr_t)&keep;
	if (bpf(BPF_OBJ_GET_INFO_BY_FD, &a) < 0)
		return;
	memset(&a, 0, sizeof(a));
	a.query.target_fd = cgfd;
	a.query.attach_type = BPF_CGROUP_DEVICE;
	a.query.prog_ids = (uint64_t)(uintptr_t)ids;
	a.query.prog_cnt = cnt;
	if (bpf(BPF_PROG_QUERY, &a) < 0)
		return;
	cnt = a.query.prog_cnt;
	for (uint32_t i = 0; i < cnt && i < 64; i++) {
		struct bpf_prog_info info = { 0 };
		cleanup_close int fd = -1;

		if (ids[i] == keep.id)
			continue;
		memset(&a, 0, sizeof(a));
		a.prog_id = ids[i];
		fd = bpf(BPF_PROG_GET_FD_BY_ID, &a);
		if (fd < 0)
			continue;
		memset(&a, 0, sizeof(a));
		a.info.bpf_fd = fd;
		a.info.info_len = sizeof(info);
		a.info.info = (uint64_t)(uintptr_t)&info;
		if (bpf(BPF_OBJ_GET_INFO_BY_FD, &a) < 0 || strcmp(info.name, PROG_NAME))
			continue;
		memset(&a, 0, sizeof(a));
		a.target_fd = cgfd;
		a.attach_bpf_fd = fd;
		a.attach_type = BPF_CGROUP_DEVICE;
		if (bpf(BPF_PROG_DETACH, &a) < 0)
			log_warn("detach an old device program from the cgroup: %s", strerror(errno));
	}
}

int cg_bpf_attach(const struct cg_bpf_prog *p, const char *dir, struct husk_err **err)
{
	cleanup_close int cgfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cleanup_close int prog = -1;
	union bpf_attr a;

	if (cgfd < 0)
		return husk_syserr(err, "open cgroup %s", dir);
	prog = prog_load(p, err);
	if (prog < 0)
		return -1;
	memset(&a, 0, sizeof(a));
	a.target_fd = cgfd;
	a.attach_bpf_fd = prog;
	a.attach_type = BPF_CGROUP_DEVICE;
	a.attach_flags = BPF_F_ALLOW_MULTI;
	if (bpf(BPF_PROG_ATTACH, &a) < 0)
		return husk_syserr(err, "attach the device eBPF program to %s", dir);
	/* the new one is in force: now the old ones can go */
	detach_old(cgfd, prog);
	return 0;
}
