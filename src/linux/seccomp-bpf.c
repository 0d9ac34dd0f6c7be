#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "husk/log.h"
#include "husk/seccomp.h"
#include "husk/seccomp-bpf.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define X32_BIT 0x40000000u
#define MAX_INSNS 4096		/* BPF_MAXINSNS */
#define MAX_ERRNO 4095		/* libseccomp takes no larger errno */
#define X86_SOCKETCALL 102
#define X86_IPC 117
/* the low half of the first argument: what a 32-bit rule compares */
#define ARG0_LO offsetof(struct seccomp_data, args[0])

/* The x86 socket and SysV IPC calls. libseccomp resolves their names on
 * x86 to pseudo numbers (-101..-120 go through socketcall, -201..-224
 * through ipc, the call number being the pseudo number's last two
 * digits) and adds a rule for the direct syscall too, where there is one
 * (-1: none). The unit test's profiles name every one of them, and a
 * wrong number shows as an x86 syscall whose action differs. */
static const struct { const char *name; int direct; } x86_muxed[] = {
	{ "socket", 359 }, { "socketpair", 360 }, { "bind", 361 }, { "connect", 362 },
	{ "listen", 363 }, { "accept4", 364 }, { "getsockopt", 365 }, { "setsockopt", 366 },
	{ "getsockname", 367 }, { "getpeername", 368 }, { "sendto", 369 }, { "sendmsg", 370 },
	{ "recvfrom", 371 }, { "recvmsg", 372 }, { "shutdown", 373 }, { "recvmmsg", 337 },
	{ "sendmmsg", 345 }, { "accept", -1 }, { "send", -1 }, { "recv", -1 },
	{ "semop", -1 }, { "semget", 393 }, { "semctl", 394 }, { "semtimedop", -1 },
	{ "msgsnd", 400 }, { "msgrcv", 401 }, { "msgget", 399 }, { "msgctl", 402 },
	{ "shmat", 397 }, { "shmdt", 398 }, { "shmget", 395 }, { "shmctl", 396 },
};

/* libseccomp keeps one rule database per architecture; x86_64 and x32
 * share a BPF block (same AUDIT_ARCH) but not a database. */
enum { DB_X86_64, DB_X32, DB_X86, N_DB };
enum { MUX_SOCKETCALL, MUX_IPC, N_MUX };
#define MAX_NR 1024	/* numbers (less the x32 bit) handled; larger: libseccomp */
#define MAX_CALL 32	/* socketcall/ipc call numbers: 1..20, 1..24 */

/* What a syscall number of one database ends up with, folded as
 * libseccomp's database folds the rules it is given, in order: the first
 * unconditional rule wins over any later one and replaces the multiplexed
 * ones (socketcall/ipc on x86, by call number) before it. */
enum { SLOT_NONE, SLOT_UNCOND, SLOT_CALLS };
struct slot { uint32_t act; uint8_t state; };
struct call { uint32_t act; bool set; };

/* A point of a number line: numbers from lo up to the next point's lo
 * get act, or the calls of multiplexer mux (>= 0). */
struct pt { uint32_t lo, act; int mux; };
struct line { struct pt *v; size_t n, cap; };

struct emit {
	struct slot (*slots)[MAX_NR];	/* [N_DB] */
	struct call calls[N_MUX][MAX_CALL];
	struct line nrs, calls_line;	/* of a block; of a socketcall/ipc */
	/* the program, last instruction first: a label is an instruction's
	 * index in this array, so every jump target is known when the jump
	 * is written (classic BPF jumps only forward) */
	struct sock_filter *rev; uint32_t n; size_t cap;
	struct { uint32_t act, label; } rets[8]; size_t n_rets;
	uint32_t def;
	bool oom, x86, x32, notify, unknown;
};

static void *grow(void *v, size_t *cap, size_t n, size_t size, bool *oom)
{
	void *p;

	if (n < *cap)
		return v;
	p = realloc(v, (*cap ? *cap * 2 : 64) * size);
	if (!p) {
		*oom = true;
		return NULL;
	}
	*cap = *cap ? *cap * 2 : 64;
	return p;
}

/* Whether libseccomp takes the action (else it fails the profile, and the
 * libseccomp path reports it). */
static bool action_ok(uint32_t act)
{
	switch (act & SECCOMP_RET_ACTION_FULL) {
	case SCMP_ACT_ERRNO(0):
		return (act & SECCOMP_RET_DATA) < MAX_ERRNO;
	case SCMP_ACT_KILL_THREAD:
	case SCMP_ACT_TRAP:
	case SCMP_ACT_TRACE(0):
	case SCMP_ACT_ALLOW:
		return true;
	case SCMP_ACT_LOG:
	case SCMP_ACT_KILL_PROCESS:
	case SCMP_ACT_NOTIFY:
		/* level 5: the kernel takes all three */
		return seccomp_api_get() >= 5;
	}
	return false;
}

/* ------------------------------------------------------------- rules */

/* One rule for one database; false when the emitter leaves the profile
 * to libseccomp (a number past MAX_NR, two multiplexed rules of one call
 * that disagree: libseccomp's tree merge). arg is the socketcall/ipc call
 * number of a multiplexed rule, -1 for an unconditional one. */
static bool add_op(struct emit *e, uint8_t db, uint32_t nr, uint32_t act, int32_t arg)
{
	uint32_t i = db == DB_X32 ? nr & ~X32_BIT : nr;
	struct slot *s;
	struct call *c;

	if (i >= MAX_NR || (db == DB_X32 && !(nr & X32_BIT)) || arg >= MAX_CALL)
		return false;
	s = &e->slots[db][i];
	if (s->state == SLOT_UNCOND)
		return true;
	if (arg < 0) {
		*s = (struct slot){ act, SLOT_UNCOND };
		return true;
	}
	s->state = SLOT_CALLS;
	c = &e->calls[nr == X86_SOCKETCALL ? MUX_SOCKETCALL : MUX_IPC][arg];
	if (c->set)
		return c->act == act;
	*c = (struct call){ act, true };
	return true;
}

/* The x86 rules of a name: 1 added (or nothing to add), 0 not supported. */
static int add_x86(struct emit *e, const char *name, uint32_t act)
{
	int nr = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86, name);
	bool sock = nr <= -100 && nr >= -120, ipc = nr <= -200 && nr >= -224;
	size_t i = 0;

	if (nr == __NR_SCMP_ERROR)
		return 0;
	if (!sock && !ipc)	/* a pseudo number: not an x86 syscall */
		return nr < 0 || add_op(e, DB_X86, (uint32_t)nr, act, -1);
	while (i < N(x86_muxed) && strcmp(x86_muxed[i].name, name))
		i++;
	if (i == N(x86_muxed))
		return 0;
	if (!add_op(e, DB_X86, sock ? X86_SOCKETCALL : X86_IPC, act, sock ? -nr % 100 : -nr % 200))
		return 0;
	return x86_muxed[i].direct < 0 || add_op(e, DB_X86, (uint32_t)x86_muxed[i].direct, act, -1);
}

/* A name libseccomp knows on the native x86_64 as nr: its rules on every
 * architecture of the filter. Names translate one to one (the unit test
 * checks that no two names share a number). */
static int add_name(struct emit *e, const char *name, int nr, uint32_t act)
{
	if (nr >= 0 && !add_op(e, DB_X86_64, (uint32_t)nr, act, -1))
		return 0;
	if (e->x32) {
		int n = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X32, name);

		if (n == __NR_SCMP_ERROR || (n >= 0 && !add_op(e, DB_X32, (uint32_t)n, act, -1)))
			return 0;
	}
	return e->x86 ? add_x86(e, name, act) : 1;
}

/* What the rules of s ask of libseccomp, in order; 0 when the profile is
 * one the emitter leaves to libseccomp. */
static int collect(struct emit *e, const struct oci_seccomp *s)
{
	for (size_t i = 0; i < s->n_syscalls; i++) {
		const struct oci_seccomp_syscall *sc = &s->syscalls[i];
		uint32_t act;

		if (sc->n_args || seccomp_parse_action(sc->action, sc->errno_ret, "", "", &act, NULL) < 0)
			return 0;
		for (size_t j = 0; j < sc->names.n; j++) {
			int nr = seccomp_syscall_resolve_name(sc->names.v[j]);

			if (nr == __NR_SCMP_ERROR) {
				e->unknown = true;	/* skipped, as seccomp.c does */
				continue;
			}
			if (act == SCMP_ACT_NOTIFY && !strcmp(sc->names.v[j], "sendmsg"))
				return 0;
			if (act == e->def)
				continue;
			if (!action_ok(act) || !add_name(e, sc->names.v[j], nr, act))
				return 0;
			e->notify |= act == SCMP_ACT_NOTIFY;
		}
	}
	return 1;
}

/* ------------------------------------------------------ number line */

/* Numbers from lo on get act (mux < 0) or the calls of mux; a point that
 * changes nothing is not kept. */
static void put_pt(struct emit *e, struct line *l, uint32_t lo, uint32_t act, int mux)
{
	struct pt *last, *v;

	if (l->n && l->v[l->n - 1].lo == lo)
		l->n--;
	last = l->n ? &l->v[l->n - 1] : NULL;
	if (last && mux < 0 && last->mux < 0 && last->act == act)
		return;
	v = grow(l->v, &l->cap, l->n, sizeof(*v), &e->oom);
	if (!v)
		return;
	l->v = v;
	l->v[l->n++] = (struct pt){ lo, act, mux };
}

/* The syscalls of database db on line l, numbers from base on. */
static void put_db(struct emit *e, struct line *l, uint8_t db, uint32_t base)
{
	for (uint32_t i = 0; i < MAX_NR; i++) {
		const struct slot *s = &e->slots[db][i];

		if (s->state == SLOT_NONE)
			continue;
		put_pt(e, l, base | i, s->act, s->state == SLOT_UNCOND ? -1 :
		       i == X86_SOCKETCALL ? MUX_SOCKETCALL : MUX_IPC);
		put_pt(e, l, (base | i) + 1, e->def, -1);
	}
}

/* The number line of one BPF block: x86, or x86_64 with x32 (x32
 * numbers all have X32_BIT, x86_64 ones none). */
static void number_line(struct emit *e, bool x86_64)
{
	struct line *l = &e->nrs;

	l->n = 0;
	put_pt(e, l, 0, e->def, -1);
	if (!x86_64) {
		put_db(e, l, DB_X86, 0);
		return;
	}
	put_db(e, l, DB_X86_64, 0);
	if (e->x32) {
		put_db(e, l, DB_X32, X32_BIT);
		return;
	}
	/* x86_64 without x32: x32 numbers are a bad architecture, but for -1,
	 * with which a tracer skips the call */
	put_pt(e, l, X32_BIT, SCMP_ACT_KILL_THREAD, -1);
	put_pt(e, l, UINT32_MAX, e->def, -1);
}

/* ------------------------------------------------------------ emit */

static uint32_t put(struct emit *e, uint16_t code, uint8_t jt, uint8_t jf, uint32_t k)
{
	struct sock_filter *rev;

	/* past the kernel's limit the program is libseccomp's to refuse */
	if (e->n > MAX_INSNS)
		return 0;
	rev = grow(e->rev, &e->cap, e->n, sizeof(*rev), &e->oom);
	if (!rev)
		return 0;
	e->rev = rev;
	e->rev[e->n] = (struct sock_filter)BPF_JUMP(code, k, jt, jf);
	return e->n++;
}

static uint32_t dist(const struct emit *e, uint32_t label)
{
	return label < e->n ? e->n - label - 1 : 0;
}

static uint32_t put_ja(struct emit *e, uint32_t label)
{
	return put(e, BPF_JMP | BPF_JA, 0, 0, dist(e, label));
}

/* A conditional jump; targets beyond its 8-bit offsets go through
 * unconditional jumps, which have 32 bits. */
static uint32_t put_jump(struct emit *e, uint16_t op, uint32_t k, uint32_t lt, uint32_t lf)
{
	if (dist(e, lf) > 255)
		lf = put_ja(e, lf);
	if (dist(e, lt) > 255)
		lt = put_ja(e, lt);
	if (dist(e, lf) > 255)	/* the jt trampoline pushed it out */
		lf = put_ja(e, lf);
	return put(e, BPF_JMP | op | BPF_K, (uint8_t)dist(e, lt), (uint8_t)dist(e, lf), k);
}

/* A return of act, shared with a recent one when near. */
static uint32_t put_ret(struct emit *e, uint32_t act)
{
	size_t i = 0;

	while (i < e->n_rets && e->rets[i].act != act)
		i++;
	if (i < e->n_rets && dist(e, e->rets[i].label) < 64)
		return e->rets[i].label;
	if (i == e->n_rets && i == N(e->rets))
		i = 0;
	e->rets[i].act = act;
	e->rets[i].label = put(e, BPF_RET | BPF_K, 0, 0, act);
	if (i == e->n_rets)
		e->n_rets++;
	return e->rets[i].label;
}

static uint32_t put_tree(struct emit *e, const struct pt *v, size_t i, size_t j);

/* socketcall/ipc on x86: a search over the call number (the low half of
 * the first argument, all a 32-bit rule compares), else the default. */
static uint32_t put_calls(struct emit *e, int mux)
{
	struct line *l = &e->calls_line;

	l->n = 0;
	put_pt(e, l, 0, e->def, -1);
	for (uint32_t k = 0; k < MAX_CALL; k++)
		if (e->calls[mux][k].set) {
			put_pt(e, l, k, e->calls[mux][k].act, -1);
			put_pt(e, l, k + 1, e->def, -1);
		}
	if (e->oom)
		return 0;
	put_tree(e, l->v, 0, l->n - 1);
	return put(e, BPF_LD | BPF_W | BPF_ABS, 0, 0, ARG0_LO);
}

/* A balanced binary search over the points i..j of a line. */
static uint32_t put_tree(struct emit *e, const struct pt *v, size_t i, size_t j)
{
	size_t m;
	uint32_t right, left;

	if (i == j)
		return v[i].mux < 0 ? put_ret(e, v[i].act) : put_calls(e, v[i].mux);
	m = i + (j - i + 1) / 2;
	right = put_tree(e, v, m, j);
	left = put_tree(e, v, i, m - 1);
	return put_jump(e, BPF_JGE, v[m].lo, right, left);
}

static uint32_t put_block(struct emit *e, bool x86_64)
{
	number_line(e, x86_64);
	if (e->oom)
		return 0;
	put_tree(e, e->nrs.v, 0, e->nrs.n - 1);
	return put(e, BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, nr));
}

/* The whole program: architecture, then the block of its numbers. */
static void put_program(struct emit *e)
{
	uint32_t b86 = 0, b64, next;

	if (e->x86)
		b86 = put_block(e, false);
	b64 = put_block(e, true);
	next = put_ret(e, SCMP_ACT_KILL_THREAD);	/* libseccomp's bad-arch action */
	if (e->x86)
		next = put_jump(e, BPF_JEQ, AUDIT_ARCH_I386, b86, next);
	put_jump(e, BPF_JEQ, AUDIT_ARCH_X86_64, b64, next);
	put(e, BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, arch));
}

static int archs(struct emit *e, const struct oci_seccomp *s)
{
	for (size_t i = 0; i < s->architectures.n; i++) {
		switch (seccomp_arch_token(s->architectures.v[i])) {
		case SCMP_ARCH_X86_64:
			break;
		case SCMP_ARCH_X86:
			e->x86 = true;
			break;
		case SCMP_ARCH_X32:
			e->x32 = true;
			break;
		default:
			return 0;
		}
	}
	return 1;
}

/* Said once the emitter has the profile (a profile left to libseccomp is
 * logged there). */
static void log_unknown(const struct oci_seccomp *s)
{
	for (size_t i = 0; i < s->n_syscalls; i++)
		for (size_t j = 0; j < s->syscalls[i].names.n; j++)
			if (seccomp_syscall_resolve_name(s->syscalls[i].names.v[j]) == __NR_SCMP_ERROR)
				log_debug("seccomp: unknown syscall \"%s\" ignored", s->syscalls[i].names.v[j]);
}

static void emit_free(struct emit *e)
{
	free(e->slots);
	free(e->nrs.v);
	free(e->calls_line.v);
	free(e->rev);
}

int seccomp_bpf_emit(const struct oci_seccomp *s, uint32_t def, struct seccomp_prog *out)
{
	struct emit e = { .def = def };
	int ok;

	e.slots = calloc(N_DB, sizeof(*e.slots));
	e.oom = !e.slots;
	ok = !e.oom && seccomp_arch_native() == SCMP_ARCH_X86_64 && action_ok(def) &&
	     archs(&e, s) && collect(&e, s);
	if (ok) {
		put_program(&e);
		ok = !e.oom && e.n <= MAX_INSNS;
	}
	if (ok) {
		out->insns = malloc(e.n * sizeof(*out->insns));
		ok = out->insns != NULL;
		e.oom |= !ok;
	}
	if (ok) {
		for (uint32_t i = 0; i < e.n; i++)
			out->insns[i] = e.rev[e.n - 1 - i];
		out->len = e.n;
		out->notify = e.notify;
		if (e.unknown)
			log_unknown(s);
	}
	emit_free(&e);
	return e.oom ? -1 : ok;
}
