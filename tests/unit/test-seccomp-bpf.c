/* husk's seccomp emitter against libseccomp: both compile the same
 * profiles, a classic-BPF interpreter runs both programs on every
 * syscall number (x86_64, x86 and x32 numbers, -1, pseudo numbers, the
 * socketcall/ipc call numbers) under the listed and unlisted
 * architectures, and every result must be the same action. */
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "husk/oci.h"
#include "husk/seccomp.h"
#include "husk/seccomp-bpf.h"
#include "unit.h"

#define X32_BIT 0x40000000u

/* ------------------------------------------------------- interpreter */

/* The classic BPF that seccomp programs use. 0 with *ret set; -1 for an
 * instruction the kernel would refuse or a run off the end. */
static int bpf_run(const struct sock_filter *f, uint32_t len, const struct seccomp_data *d,
		   uint32_t *ret)
{
	uint32_t a = 0, x = 0;

	for (uint32_t pc = 0; pc < len; pc++) {
		const struct sock_filter *i = &f[pc];
		uint32_t k = i->k, src = BPF_SRC(i->code) == BPF_X ? x : k;
		bool cond;

		switch (BPF_CLASS(i->code)) {
		case BPF_LD:
			if (i->code != (BPF_LD | BPF_W | BPF_ABS) || k % 4 || k + 4 > sizeof(*d))
				return -1;
			memcpy(&a, (const char *)d + k, 4);
			continue;
		case BPF_ALU:
			if (BPF_OP(i->code) != BPF_AND)
				return -1;
			a &= src;
			continue;
		case BPF_MISC:
			if (i->code == (BPF_MISC | BPF_TAX))
				x = a;
			else
				a = x;
			continue;
		case BPF_RET:
			*ret = BPF_RVAL(i->code) == BPF_A ? a : k;
			return 0;
		case BPF_JMP:
			break;
		default:
			return -1;
		}
		switch (BPF_OP(i->code)) {
		case BPF_JA:
			pc += k;
			continue;
		case BPF_JEQ: cond = a == src; break;
		case BPF_JGT: cond = a > src; break;
		case BPF_JGE: cond = a >= src; break;
		case BPF_JSET: cond = (a & src) != 0; break;
		default: return -1;
		}
		pc += cond ? i->jt : i->jf;
	}
	return -1;
}

/* ----------------------------------------------------------- profiles */

struct sbuf { char *s; size_t len; };

static void add(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	char *grown;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	grown = realloc(b->s, b->len + n + 1);
	if (!grown)
		abort();
	b->s = grown;
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, n + 1, fmt, ap);
	va_end(ap);
	b->len += n;
}

static struct oci_config *parse_seccomp(const char *seccomp_json)
{
	struct sbuf b = { 0 };
	struct husk_err *err = NULL;
	struct oci_config *c;

	add(&b, "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},\"linux\":{\"seccomp\":%s}}",
	    seccomp_json);
	c = oci_config_parse(b.s, b.len, "config.json", &err);
	if (!c)
		printf("# parse: %s\n# %s\n", err ? err->msg : "?", seccomp_json);
	husk_err_free(&err);
	free(b.s);
	return c;
}

/* The inputs both programs run on. */
static const uint32_t archs[] = {
	AUDIT_ARCH_X86_64, AUDIT_ARCH_I386, AUDIT_ARCH_AARCH64, AUDIT_ARCH_ARM, 0, 0xffffffffu,
};
static const int32_t specials[] = {
	-1, -2, -101, -109, -117, -120, -201, -224, -10060, -10067, -10001,
	0x3fffffff, 0x40000000, 0x7fffffff, (int32_t)0x80000000, 0x4000ffff,
};
static const uint64_t arg0s[] = {
	0, 1, 2, 3, 4, 5, 8, 9, 10, 11, 12, 13, 14, 17, 18, 19, 20, 21, 22, 23, 24, 25, 31,
	0x100000001ull, 0xffffffff00000003ull, 0xffffffffull,
};

struct outcome { long runs, mismatches; };

static void compare_one(const struct seccomp_prog *mine, const struct seccomp_prog *lib,
			struct seccomp_data *d, struct outcome *o, const char *what)
{
	uint32_t r1 = 0xdead, r2 = 0xbeef;
	int e1 = bpf_run(mine->insns, mine->len, d, &r1);
	int e2 = bpf_run(lib->insns, lib->len, d, &r2);

	o->runs++;
	if (e1 == 0 && e2 == 0 && r1 == r2)
		return;
	if (o->mismatches++ < 5)
		printf("# %s: arch 0x%x nr %d (0x%x) arg0 0x%llx: husk %s0x%x, libseccomp %s0x%x\n",
		       what, d->arch, d->nr, (uint32_t)d->nr, (unsigned long long)d->args[0],
		       e1 ? "bad program " : "", r1, e2 ? "bad program " : "", r2);
}

static void compare_nr(const struct seccomp_prog *mine, const struct seccomp_prog *lib,
		       uint32_t arch, uint32_t nr, struct outcome *o, const char *what)
{
	struct seccomp_data d = { .nr = (int)nr, .arch = arch };

	compare_one(mine, lib, &d, o, what);
	/* socketcall and ipc look at the call number, on every arch */
	if (nr == 102 || nr == 117 || nr == (102 | X32_BIT))
		for (size_t i = 0; i < sizeof(arg0s) / sizeof(*arg0s); i++) {
			d.args[0] = arg0s[i];
			compare_one(mine, lib, &d, o, what);
		}
}

/* Every input, both programs: the number of different results. */
static long compare(const struct seccomp_prog *mine, const struct seccomp_prog *lib,
		    uint32_t max_nr, const char *what)
{
	struct outcome o = { 0 };

	for (size_t a = 0; a < sizeof(archs) / sizeof(*archs); a++) {
		for (uint32_t nr = 0; nr <= max_nr; nr++) {
			compare_nr(mine, lib, archs[a], nr, &o, what);
			compare_nr(mine, lib, archs[a], nr | X32_BIT, &o, what);
		}
		for (size_t s = 0; s < sizeof(specials) / sizeof(*specials); s++)
			compare_nr(mine, lib, archs[a], (uint32_t)specials[s], &o, what);
	}
	if (o.mismatches)
		printf("# %s: %ld of %ld inputs differ (%u vs %u instructions)\n", what,
		       o.mismatches, o.runs, mine->len, lib->len);
	return o.mismatches;
}

/* Compile with both; 1 when the emitter took it, 0 when it left it to
 * libseccomp, -1 when something failed. Differences are printed. */
static int both(const char *json, uint32_t max_nr, const char *what, long *diff)
{
	struct oci_config *c = parse_seccomp(json);
	struct seccomp_prog mine = { 0 }, lib = { 0 };
	struct husk_err *err = NULL;
	uint32_t def;
	int rc = -1;

	*diff = 0;
	if (!c)
		return -1;
	const struct oci_seccomp *s = c->linux_cfg->seccomp;

	if (seccomp_parse_action(s->default_action, s->default_errno_ret, "", "", &def, NULL) < 0)
		goto out;
	rc = seccomp_bpf_emit(s, def, &mine);
	if (seccomp_compile_libseccomp(s, &lib, &err) < 0) {
		/* an error of libseccomp's is never a program of husk's */
		if (rc != 0)
			printf("# %s: libseccomp failed (%s), the emitter did not\n", what, err->msg);
		rc = rc == 0 ? 0 : -1;
		goto out;
	}
	if (rc == 1)
		*diff = compare(&mine, &lib, max_nr, what);
	if (rc == 1 && mine.notify != lib.notify) {
		printf("# %s: notify differs\n", what);
		*diff += 1;
	}
out:
	husk_err_free(&err);
	seccomp_prog_free(&mine);
	seccomp_prog_free(&lib);
	oci_config_free(c);
	return rc;
}

/* Expect the emitter to take the profile and agree everywhere. */
#define SAME(json) do {							\
		long diff_;						\
		int rc_ = both((json), 1100, __func__, &diff_);		\
		CHECK(rc_ == 1);					\
		CHECK(diff_ == 0);					\
	} while (0)

/* Expect the emitter to leave the profile to libseccomp. */
#define LEFT(json) do {							\
		long diff_;						\
		CHECK(both((json), 10, __func__, &diff_) == 0);		\
	} while (0)

/* ------------------------------------------------------------ names */

/* The names libseccomp knows, found through every number of the three
 * architectures and the pseudo numbers. */
static char **known_names(size_t *n)
{
	static const uint32_t tok[] = { SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_X32 };
	char **v = NULL, **grown;

	*n = 0;
	for (size_t t = 0; t < 3; t++)
		for (int nr = -11000; nr < 1200; nr++) {
			int num = tok[t] == SCMP_ARCH_X32 && nr >= 0 ? (int)(nr | X32_BIT) : nr;
			char *name = seccomp_syscall_resolve_num_arch(tok[t], num);
			size_t i = 0;

			if (!name)
				continue;
			while (i < *n && strcmp(v[i], name))
				i++;
			if (i < *n) {
				free(name);
				continue;
			}
			grown = realloc(v, (*n + 1) * sizeof(*v));
			if (!grown) {
				free(name);
				return v;
			}
			v = grown;
			v[(*n)++] = name;
		}
	return v;
}

static void free_names(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* The emitter looks names up on each architecture directly; libseccomp
 * goes through the native number and back to a name. The same thing as
 * long as no two names share a native number. */
TEST(no_two_names_share_a_native_number)
{
	size_t n;
	char **names = known_names(&n);

	CHECK(n > 400);
	for (size_t i = 0; i < n; i++) {
		int nr = seccomp_syscall_resolve_name(names[i]);
		char *back = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);

		if (!back || strcmp(back, names[i])) {
			printf("# %s -> %d -> %s\n", names[i], nr, back ? back : "(none)");
			*unit_failed = 1;
		}
		free(back);
	}
	free_names(names, n);
}

/* --------------------------------------------------------- profiles */

static char *read_allowlist(void)
{
	FILE *f = fopen("bench/seccomp-allow.txt", "r");
	struct sbuf b = { 0 };
	char line[128];
	bool first = true;

	if (!f)
		return NULL;
	add(&b, "[");
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		add(&b, "%s\"%s\"", first ? "" : ",", line);
		first = false;
	}
	fclose(f);
	add(&b, "]");
	return b.s;
}

static char *bench_profile(const char *archs_json, const char *extra_rules)
{
	char *names = read_allowlist();
	struct sbuf b = { 0 };

	if (!names)
		return NULL;
	add(&b, "{\"defaultAction\":\"SCMP_ACT_ERRNO\",%s\"syscalls\":[{\"names\":%s,"
	    "\"action\":\"SCMP_ACT_ALLOW\"}%s]}", archs_json, names, extra_rules);
	free(names);
	return b.s;
}

#define ALL3 "\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"],"

TEST(bench_allowlist_three_archs)
{
	char *p = bench_profile(ALL3, "");

	CHECK(p != NULL);
	if (p)
		SAME(p);
	free(p);
}

TEST(bench_allowlist_listed_and_unlisted_archs)
{
	static const char *const sets[] = {
		"",
		"\"architectures\":[],",
		"\"architectures\":[\"SCMP_ARCH_X86_64\"],",
		"\"architectures\":[\"SCMP_ARCH_X86\"],",
		"\"architectures\":[\"SCMP_ARCH_X32\"],",
		"\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\"],",
		"\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X32\"],",
		"\"architectures\":[\"SCMP_ARCH_X32\",\"SCMP_ARCH_X86\",\"SCMP_ARCH_X86\"],",
	};

	for (size_t i = 0; i < sizeof(sets) / sizeof(*sets); i++) {
		char *p = bench_profile(sets[i], "");

		if (p)
			SAME(p);
		free(p);
	}
}

/* Like a container engine's default: an allowlist, socketcall and ipc
 * among the names, errnoRet rules and other actions after it. */
TEST(docker_like)
{
	char *p = bench_profile(ALL3,
		",{\"names\":[\"socketcall\",\"ipc\",\"_llseek\",\"stat64\",\"waitpid\"],\"action\":\"SCMP_ACT_ALLOW\"}"
		",{\"names\":[\"mount\",\"umount2\",\"unshare\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1}"
		",{\"names\":[\"ptrace\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":38}"
		",{\"names\":[\"kexec_load\",\"reboot\"],\"action\":\"SCMP_ACT_KILL_PROCESS\"}"
		",{\"names\":[\"syslog\"],\"action\":\"SCMP_ACT_LOG\"}");

	if (p)
		SAME(p);
	free(p);
}

TEST(errno_ret_variants)
{
	SAME("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":18," ALL3
	     "\"syscalls\":[{\"names\":[\"read\",\"write\",\"exit_group\"],\"action\":\"SCMP_ACT_ALLOW\"},"
	     "{\"names\":[\"mkdir\",\"mkdirat\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":13},"
	     "{\"names\":[\"rmdir\"],\"action\":\"SCMP_ACT_ERRNO\"},"
	     "{\"names\":[\"unlink\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":0},"
	     "{\"names\":[\"chmod\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":4094}]}");
	SAME("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\"],"
	     "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":5}]}");
	/* a rule equal to the default is no rule */
	SAME("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"mkdir\"],"
	     "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1},{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ALLOW\"}]}");
	/* libseccomp takes no errno of 4095 or more: its error, not a program */
	LEFT("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\"],"
	     "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":4095}]}");
	LEFT("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":5000}");
}

TEST(every_action)
{
	static const char *const defaults[] = {
		"SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS",
		"SCMP_ACT_TRAP", "SCMP_ACT_LOG", "SCMP_ACT_TRACE",
	};

	for (size_t i = 0; i < sizeof(defaults) / sizeof(*defaults); i++) {
		struct sbuf b = { 0 };

		add(&b, "{\"defaultAction\":\"%s\"," ALL3 "\"listenerPath\":\"/x\",\"syscalls\":["
		    "{\"names\":[\"read\",\"write\",\"socket\",\"semop\"],\"action\":\"SCMP_ACT_ALLOW\"},"
		    "{\"names\":[\"mkdir\",\"connect\",\"shmat\"],\"action\":\"SCMP_ACT_ERRNO\"},"
		    "{\"names\":[\"rmdir\",\"bind\"],\"action\":\"SCMP_ACT_KILL_THREAD\"},"
		    "{\"names\":[\"getpid\",\"recv\"],\"action\":\"SCMP_ACT_KILL_PROCESS\"},"
		    "{\"names\":[\"getppid\",\"send\"],\"action\":\"SCMP_ACT_TRAP\"},"
		    "{\"names\":[\"gettid\",\"accept\"],\"action\":\"SCMP_ACT_LOG\"},"
		    "{\"names\":[\"uname\",\"msgget\"],\"action\":\"SCMP_ACT_TRACE\",\"errnoRet\":7},"
		    "{\"names\":[\"mkdirat\",\"listen\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}", defaults[i]);
		SAME(b.s);
		free(b.s);
	}
}

/* A name twice: the first rule's action, on every architecture; an
 * unconditional socketcall replaces the multiplexed rules before it and
 * wins over those after it. */
TEST(duplicates_and_multiplexers)
{
	SAME("{\"defaultAction\":\"SCMP_ACT_ALLOW\"," ALL3 "\"syscalls\":["
	     "{\"names\":[\"mkdir\",\"getpid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1},"
	     "{\"names\":[\"mkdir\",\"getpid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":2},"
	     "{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_KILL\"}]}");
	SAME("{\"defaultAction\":\"SCMP_ACT_ERRNO\"," ALL3 "\"syscalls\":["
	     "{\"names\":[\"socket\",\"connect\",\"semget\"],\"action\":\"SCMP_ACT_ALLOW\"},"
	     "{\"names\":[\"socketcall\"],\"action\":\"SCMP_ACT_LOG\"},"
	     "{\"names\":[\"bind\",\"shmdt\"],\"action\":\"SCMP_ACT_ALLOW\"}]}");
	SAME("{\"defaultAction\":\"SCMP_ACT_ALLOW\"," ALL3 "\"syscalls\":["
	     "{\"names\":[\"ipc\",\"socketcall\"],\"action\":\"SCMP_ACT_ERRNO\"},"
	     "{\"names\":[\"socket\",\"semop\",\"msgrcv\"],\"action\":\"SCMP_ACT_LOG\"}]}");
	/* every socket and IPC call, each with its own action */
	SAME("{\"defaultAction\":\"SCMP_ACT_KILL_PROCESS\",\"architectures\":[\"SCMP_ARCH_X86\"],\"syscalls\":["
	     "{\"names\":[\"socket\",\"bind\",\"listen\",\"getsockname\",\"socketpair\",\"recv\",\"sendto\","
	     "\"shutdown\",\"getsockopt\",\"recvmsg\",\"recvmmsg\",\"semop\",\"semctl\",\"msgsnd\",\"msgget\","
	     "\"shmat\",\"shmget\"],\"action\":\"SCMP_ACT_ALLOW\"},"
	     "{\"names\":[\"connect\",\"accept\",\"getpeername\",\"send\",\"recvfrom\",\"setsockopt\","
	     "\"sendmsg\",\"accept4\",\"sendmmsg\",\"semget\",\"semtimedop\",\"msgrcv\",\"msgctl\",\"shmdt\","
	     "\"shmctl\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":97}]}");
}

TEST(no_rules)
{
	SAME("{\"defaultAction\":\"SCMP_ACT_ALLOW\"}");
	SAME("{\"defaultAction\":\"SCMP_ACT_KILL_PROCESS\"," ALL3 "\"syscalls\":[]}");
	/* only names this libseccomp does not know */
	SAME("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"no_such_call\"],"
	     "\"action\":\"SCMP_ACT_ALLOW\"}]}");
}

TEST(names_unknown_on_some_architectures)
{
	/* x86-only, x86_64-only, x32-only and nowhere-known names */
	SAME("{\"defaultAction\":\"SCMP_ACT_ALLOW\"," ALL3 "\"syscalls\":[{\"names\":["
	     "\"socketcall\",\"ipc\",\"_llseek\",\"stat64\",\"waitpid\",\"sigreturn\",\"vm86\",\"tuxcall\","
	     "\"security\",\"arch_prctl\",\"uselib\",\"create_module\",\"no_such_syscall\",\"readv\","
	     "\"rt_sigreturn\",\"execve\",\"mmap2\",\"time\",\"getrlimit\",\"ugetrlimit\"],"
	     "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1}]}");
}

TEST(left_to_libseccomp)
{
	/* argument conditions */
	LEFT("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"chmod\"],"
	     "\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":1,\"value\":448,\"op\":\"SCMP_CMP_EQ\"}]}]}");
	/* other architectures */
	LEFT("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_AARCH64\"],"
	     "\"syscalls\":[{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\"}]}");
	/* two multiplexed rules of one call that disagree */
	LEFT("{\"defaultAction\":\"SCMP_ACT_ALLOW\"," ALL3 "\"syscalls\":["
	     "{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ERRNO\"},"
	     "{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_LOG\"}]}");
	/* errors are libseccomp's (and seccomp.c's) to give */
	LEFT("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_BOGUS\"]}");
	LEFT("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/x\",\"syscalls\":"
	     "[{\"names\":[\"sendmsg\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}");
	LEFT("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\"],"
	     "\"action\":\"SCMP_ACT_BOGUS\"}]}");
}

/* ------------------------------------------------------------ random */

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

static const char *const random_actions[] = {
	"\"SCMP_ACT_ALLOW\"", "\"SCMP_ACT_ERRNO\"", "\"SCMP_ACT_ERRNO\",\"errnoRet\":13",
	"\"SCMP_ACT_KILL_PROCESS\"", "\"SCMP_ACT_KILL_THREAD\"", "\"SCMP_ACT_TRAP\"",
	"\"SCMP_ACT_LOG\"", "\"SCMP_ACT_TRACE\",\"errnoRet\":2", "\"SCMP_ACT_NOTIFY\"",
};
static const char *const random_archs[] = {
	"\"SCMP_ARCH_X86_64\"", "\"SCMP_ARCH_X86\"", "\"SCMP_ARCH_X32\"",
};

/* Random profiles of libseccomp's own names: rules of many names, some
 * listed twice, random actions and architectures. */
static char *random_profile(char **names, size_t n_names)
{
	struct sbuf b = { 0 };
	uint32_t rules = 1 + rnd(5), mask = rnd(8);
	const char *def = random_actions[rnd(8)];	/* never NOTIFY */

	add(&b, "{\"defaultAction\":%s,\"listenerPath\":\"/x\",\"architectures\":[", def);
	for (uint32_t a = 0, first = 1; a < 3; a++)
		if (mask & (1u << a)) {
			add(&b, "%s%s", first ? "" : ",", random_archs[a]);
			first = 0;
		}
	add(&b, "],\"syscalls\":[");
	for (uint32_t r = 0; r < rules; r++) {
		uint32_t count = 1 + rnd(r == 0 ? 300 : 40);

		add(&b, "%s{\"names\":[", r ? "," : "");
		for (uint32_t k = 0; k < count; k++) {
			const char *name = names[rnd((uint32_t)n_names)];

			if (!strcmp(name, "sendmsg"))	/* no NOTIFY on it */
				name = "no_such_syscall";
			add(&b, "%s\"%s\"", k ? "," : "", name);
		}
		add(&b, "],\"action\":%s}", random_actions[rnd(9)]);
	}
	add(&b, "]}");
	return b.s;
}

TEST(random_profiles)
{
	size_t n_names;
	char **names = known_names(&n_names);
	int emitted = 0;

	for (int i = 0; i < 60; i++) {
		char *p = random_profile(names, n_names);
		long diff;
		int rc = both(p, 700, "random", &diff);

		CHECK(rc >= 0);
		CHECK(diff == 0);
		if (diff)
			printf("# profile: %s\n", p);
		emitted += rc == 1;
		free(p);
	}
	printf("# %d of 60 random profiles emitted by husk\n", emitted);
	CHECK(emitted >= 40);
	free_names(names, n_names);
}
