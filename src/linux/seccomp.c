#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "husk/cleanup.h"
#include "husk/fs.h"
#include "husk/log.h"
#include "husk/seccomp.h"
#include "husk/seccomp-bpf.h"

#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4)
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define CACHE_DIR ".seccomp"
#define CACHE_MAGIC "HUSKBPF1"
#define MAX_INSNS 4096		/* BPF_MAXINSNS: the kernel takes no more */

/* On-disk header of a cached program; the instructions and then the
 * SHA-256 of the instructions follow. Native byte order: the key covers
 * the architecture, so a file never meets a host of another one. */
struct cache_header {
	char magic[8];
	char key[64];
	uint32_t flags, notify, len, reserved;
};

static const struct { const char *name; uint32_t flag; } filter_flags[] = {
	{ "SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC },
	{ "SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG },
	{ "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW },
	{ "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV },
};

static const struct { const char *name; enum scmp_compare op; } compare_ops[] = {
	{ "SCMP_CMP_NE", SCMP_CMP_NE }, { "SCMP_CMP_LT", SCMP_CMP_LT },
	{ "SCMP_CMP_LE", SCMP_CMP_LE }, { "SCMP_CMP_EQ", SCMP_CMP_EQ },
	{ "SCMP_CMP_GE", SCMP_CMP_GE }, { "SCMP_CMP_GT", SCMP_CMP_GT },
	{ "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
};

static const struct { const char *name; uint32_t act; bool takes_errno; } actions[] = {
	{ "SCMP_ACT_KILL", SCMP_ACT_KILL_THREAD, false },
	{ "SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD, false },
	{ "SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS, false },
	{ "SCMP_ACT_TRAP", SCMP_ACT_TRAP, false },
	{ "SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0), true },
	{ "SCMP_ACT_TRACE", SCMP_ACT_TRACE(0), true },
	{ "SCMP_ACT_ALLOW", SCMP_ACT_ALLOW, false },
	{ "SCMP_ACT_LOG", SCMP_ACT_LOG, false },
	{ "SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY, false },
};

/* An action name (and errnoRet) as a libseccomp action. field names the
 * JSON path of the action for errors; errno_field that of errnoRet. */
int seccomp_parse_action(const char *name, struct opt_u32 errno_ret, const char *field,
			 const char *errno_field, uint32_t *out, struct husk_err **err)
{
	for (size_t i = 0; name && i < N(actions); i++) {
		if (strcmp(name, actions[i].name))
			continue;
		if (!actions[i].takes_errno) {
			if (errno_ret.set)
				return husk_error(err, 0, "config.json: %s: %s takes no errno "
						  "(only SCMP_ACT_ERRNO and SCMP_ACT_TRACE do)",
						  errno_field, name);
			*out = actions[i].act;
			return 0;
		}
		if (errno_ret.set && errno_ret.v > 0xffff)
			return husk_error(err, 0, "config.json: %s: %u is out of range 0..65535",
					  errno_field, errno_ret.v);
		*out = actions[i].act | (errno_ret.set ? errno_ret.v : EPERM);
		return 0;
	}
	return husk_error(err, 0, "config.json: %s: unknown action \"%s\"", field, name ? name : "");
}

/* "SCMP_ARCH_X86_64" -> the libseccomp token; 0 when unknown. */
uint32_t seccomp_arch_token(const char *name)
{
	char lower[32];
	size_t i;

	if (strncmp(name, "SCMP_ARCH_", 10))
		return 0;
	name += 10;
	for (i = 0; i < sizeof(lower) - 1 && name[i]; i++)
		lower[i] = (char)tolower((unsigned char)name[i]);
	lower[i] = '\0';
	return name[i] ? 0 : seccomp_arch_resolve_name(lower);
}

/* ----------------------------------------------------------- features */

/* Every architecture name of the runtime-spec; those libseccomp knows are
 * the ones husk recognises. */
static const char *const spec_archs[] = {
	"SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_ARM",
	"SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32",
	"SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",
	"SCMP_ARCH_PPC64", "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390", "SCMP_ARCH_S390X",
	"SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64", "SCMP_ARCH_LOONGARCH64",
	"SCMP_ARCH_M68K", "SCMP_ARCH_SH", "SCMP_ARCH_SHEB",
};

static int probe_flags(uint32_t flags, struct husk_err **err);

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static const char **sorted(const char **v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_names);
	return v;
}

int seccomp_features(struct seccomp_names *out)
{
	size_t n;

	memset(out, 0, sizeof(*out));
	out->actions = calloc(N(actions) + 1, sizeof(char *));
	out->operators = calloc(N(compare_ops) + 1, sizeof(char *));
	out->archs = calloc(N(spec_archs) + 1, sizeof(char *));
	out->known_flags = calloc(N(filter_flags) + 1, sizeof(char *));
	out->supported_flags = calloc(N(filter_flags) + 1, sizeof(char *));
	if (!out->actions || !out->operators || !out->archs || !out->known_flags ||
	    !out->supported_flags) {
		seccomp_names_free(out);
		return -1;
	}
	for (size_t i = 0; i < N(actions); i++)
		out->actions[i] = actions[i].name;
	sorted(out->actions, N(actions));
	for (size_t i = 0; i < N(compare_ops); i++)
		out->operators[i] = compare_ops[i].name;
	sorted(out->operators, N(compare_ops));
	n = 0;
	for (size_t i = 0; i < N(spec_archs); i++)
		if (seccomp_arch_token(spec_archs[i]))
			out->archs[n++] = spec_archs[i];
	sorted(out->archs, n);
	n = 0;
	for (size_t i = 0; i < N(filter_flags); i++) {
		out->known_flags[i] = filter_flags[i].name;
		/* WAIT_KILLABLE_RECV is only taken along with a listener */
		if (probe_flags(filter_flags[i].flag |
				(filter_flags[i].flag == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV ?
				 SECCOMP_FILTER_FLAG_NEW_LISTENER : 0), NULL) == 0)
			out->supported_flags[n++] = filter_flags[i].name;
	}
	return 0;
}

void seccomp_names_free(struct seccomp_names *n)
{
	free(n->actions);
	free(n->operators);
	free(n->archs);
	free(n->known_flags);
	free(n->supported_flags);
	memset(n, 0, sizeof(*n));
}

/* ---------------------------------------------------------------- key */

static void put_u64(struct sha256 *h, uint64_t v)
{
	sha256_update(h, &v, sizeof(v));
}

/* A tag byte (NULL and "" differ) and the string with its NUL: a C string
 * holds no NUL, so no two sequences of strings serialise alike, in fewer
 * bytes to hash than with a length (names are short). */
static void put_str(struct sha256 *h, const char *s)
{
	sha256_update(h, s ? "\1" : "", 1);
	if (s)
		sha256_update(h, s, strlen(s) + 1);
}

static void put_strv(struct sha256 *h, const struct oci_strv *v)
{
	put_u64(h, v->n);
	for (size_t i = 0; i < v->n; i++)
		put_str(h, v->v[i]);
}

static void put_opt(struct sha256 *h, bool set, uint64_t v)
{
	put_u64(h, set);
	put_u64(h, set ? v : 0);
}

/* Everything that shapes the program or its load flags, arrays counted
 * and strings tagged so no two profiles serialise alike; listenerPath and
 * listenerMetadata only matter after the load and are left out. */
static void cache_key(const struct oci_seccomp *s, char out[SHA256_HEX_LEN])
{
	const struct scmp_version *v = seccomp_version();
	struct sha256 h;
	uint8_t d[SHA256_LEN];

	sha256_init(&h);
	/* only libseccomp's programs are cached: its version, not the
	 * emitter's, shapes them */
	put_str(&h, "husk seccomp cache v3");
	put_u64(&h, v ? v->major : 0);
	put_u64(&h, v ? v->minor : 0);
	put_u64(&h, v ? v->micro : 0);
	put_u64(&h, seccomp_arch_native());
	put_str(&h, s->default_action);
	put_opt(&h, s->default_errno_ret.set, s->default_errno_ret.v);
	put_strv(&h, &s->architectures);
	put_strv(&h, &s->flags);
	put_u64(&h, s->n_syscalls);
	for (size_t i = 0; i < s->n_syscalls; i++) {
		const struct oci_seccomp_syscall *sc = &s->syscalls[i];

		put_strv(&h, &sc->names);
		put_str(&h, sc->action);
		put_opt(&h, sc->errno_ret.set, sc->errno_ret.v);
		put_u64(&h, sc->n_args);
		for (size_t j = 0; j < sc->n_args; j++) {
			put_u64(&h, sc->args[j].index);
			put_u64(&h, sc->args[j].value);
			put_opt(&h, sc->args[j].value_two.set, sc->args[j].value_two.v);
			put_str(&h, sc->args[j].op);
		}
	}
	sha256_final(&h, d);
	sha256_to_hex(d, out);
}

/* ------------------------------------------------------------ compile */

static int add_rule(scmp_filter_ctx ctx, const struct oci_seccomp_syscall *sc, size_t i,
		    size_t j, int nr, uint32_t act, struct husk_err **err)
{
	struct scmp_arg_cmp cmp[6];
	unsigned per_index[6] = { 0 };
	bool split = false;
	int rc = 0;

	if (sc->n_args > N(cmp))
		return husk_error(err, 0, "config.json: .linux.seccomp.syscalls[%zu].args: "
				  "at most 6 conditions", i);
	for (size_t k = 0; k < sc->n_args; k++) {
		const struct oci_seccomp_arg *a = &sc->args[k];
		size_t o = 0;

		while (o < N(compare_ops) && strcmp(compare_ops[o].name, a->op ? a->op : ""))
			o++;
		if (o == N(compare_ops))
			return husk_error(err, 0, "config.json: .linux.seccomp.syscalls[%zu].args[%zu].op: "
					  "unknown operator \"%s\"", i, k, a->op ? a->op : "");
		if (a->index > 5)
			return husk_error(err, 0, "config.json: .linux.seccomp.syscalls[%zu].args[%zu].index: "
					  "%u is out of range 0..5", i, k, a->index);
		cmp[k] = (struct scmp_arg_cmp){ .arg = a->index, .op = compare_ops[o].op,
						.datum_a = a->value, .datum_b = a->value_two.v };
		split |= ++per_index[a->index] > 1;
	}
	/* libseccomp ANDs the conditions of a rule but cannot hold two on one
	 * argument; like runc, such a list becomes one rule per condition
	 * (their OR), which is what profiles with them mean. */
	if (split) {
		for (size_t k = 0; k < sc->n_args && rc == 0; k++)
			rc = seccomp_rule_add_array(ctx, act, nr, 1, &cmp[k]);
	} else {
		rc = seccomp_rule_add_array(ctx, act, nr, (unsigned)sc->n_args, cmp);
	}
	if (rc < 0)
		return husk_error(err, -rc, "config.json: .linux.seccomp.syscalls[%zu].names[%zu]: "
				  "add rule for \"%s\"", i, j, sc->names.v[j]);
	return 0;
}

static int add_rules(scmp_filter_ctx ctx, const struct oci_seccomp *s, uint32_t def,
		     bool *notify, struct husk_err **err)
{
	for (size_t i = 0; i < s->n_syscalls; i++) {
		const struct oci_seccomp_syscall *sc = &s->syscalls[i];
		char field[96], errno_field[96];
		uint32_t act;

		snprintf(field, sizeof(field), ".linux.seccomp.syscalls[%zu].action", i);
		snprintf(errno_field, sizeof(errno_field), ".linux.seccomp.syscalls[%zu].errnoRet", i);
		if (seccomp_parse_action(sc->action, sc->errno_ret, field, errno_field, &act, err) < 0)
			return -1;
		for (size_t j = 0; j < sc->names.n; j++) {
			int nr = seccomp_syscall_resolve_name(sc->names.v[j]);

			if (nr == __NR_SCMP_ERROR) {
				/* as runc: a profile written for newer kernels
				 * or other architectures still loads */
				log_debug("seccomp: unknown syscall \"%s\" ignored", sc->names.v[j]);
				continue;
			}
			if (act == SCMP_ACT_NOTIFY && !strcmp(sc->names.v[j], "sendmsg"))
				return husk_error(err, 0, "config.json: .linux.seccomp.syscalls[%zu].names[%zu]: "
						  "SCMP_ACT_NOTIFY cannot be used for sendmsg: husk passes "
						  "the notify fd with it", i, j);
			/* a rule that does what the default does is no rule */
			if (act == def)
				continue;
			if (add_rule(ctx, sc, i, j, nr, act, err) < 0)
				return -1;
			*notify |= act == SCMP_ACT_NOTIFY;
		}
	}
	return 0;
}

static int parse_flags(const struct oci_seccomp *s, uint32_t *flags, struct husk_err **err)
{
	for (size_t i = 0; i < s->flags.n; i++) {
		size_t f = 0;

		while (f < N(filter_flags) && strcmp(filter_flags[f].name, s->flags.v[i]))
			f++;
		if (f == N(filter_flags))
			return husk_error(err, 0, "config.json: .linux.seccomp.flags[%zu]: unknown flag \"%s\"",
					  i, s->flags.v[i]);
		*flags |= filter_flags[f].flag;
	}
	return 0;
}

/* libseccomp 2.5 exports only to an fd: a memfd, read back. */
static int export_bpf(scmp_filter_ctx ctx, struct seccomp_prog *out, struct husk_err **err)
{
	cleanup_close int fd = memfd_create("husk-seccomp", MFD_CLOEXEC);
	struct stat st;
	int rc;

	if (fd < 0)
		return husk_syserr(err, "seccomp: memfd_create");
	rc = seccomp_export_bpf(ctx, fd);
	if (rc < 0)
		return husk_error(err, -rc, "linux.seccomp: export the compiled filter");
	if (fstat(fd, &st) < 0)
		return husk_syserr(err, "seccomp: stat the compiled filter");
	if (st.st_size == 0 || st.st_size % sizeof(struct sock_filter) ||
	    st.st_size / sizeof(struct sock_filter) > MAX_INSNS)
		return husk_error(err, 0, "linux.seccomp: the compiled filter has %lld bytes: "
				  "not a program the kernel takes (at most %d instructions)",
				  (long long)st.st_size, MAX_INSNS);
	out->len = st.st_size / sizeof(struct sock_filter);
	out->insns = malloc(st.st_size);
	if (!out->insns)
		return husk_error(err, ENOMEM, "seccomp");
	if (pread(fd, out->insns, st.st_size, 0) != st.st_size)
		return husk_syserr(err, "seccomp: read the compiled filter");
	return 0;
}

int seccomp_compile_libseccomp(const struct oci_seccomp *s, struct seccomp_prog *out,
			       struct husk_err **err)
{
	scmp_filter_ctx ctx;
	uint32_t def = 0;	/* set unless seccomp_parse_action fails (clang-tidy cannot know) */
	int ret = -1, rc;

	if (seccomp_parse_action(s->default_action, s->default_errno_ret, ".linux.seccomp.defaultAction",
				 ".linux.seccomp.defaultErrnoRet", &def, err) < 0)
		return -1;
	if (def == SCMP_ACT_NOTIFY)
		return husk_error(err, 0, "config.json: .linux.seccomp.defaultAction: SCMP_ACT_NOTIFY "
				  "cannot be the default action");
	ctx = seccomp_init(def);
	if (!ctx)
		return husk_error(err, 0, "linux.seccomp: libseccomp refused default action \"%s\"",
				  s->default_action);
	for (size_t i = 0; i < s->architectures.n; i++) {
		uint32_t arch = seccomp_arch_token(s->architectures.v[i]);

		if (!arch) {
			husk_error(err, 0, "config.json: .linux.seccomp.architectures[%zu]: "
				   "unknown architecture \"%s\"", i, s->architectures.v[i]);
			goto out;
		}
		rc = seccomp_arch_add(ctx, arch);
		/* an architecture of the other byte order cannot share the
		 * filter; its syscalls never reach this kernel either */
		if (rc == -EDOM) {
			log_debug("seccomp: architecture \"%s\" never runs on this host: left out",
				  s->architectures.v[i]);
			continue;
		}
		if (rc < 0 && rc != -EEXIST) {
			husk_error(err, -rc, "config.json: .linux.seccomp.architectures[%zu]: add \"%s\"",
				   i, s->architectures.v[i]);
			goto out;
		}
	}
	/* a binary search tree over the syscall numbers for long profiles */
	if (s->n_syscalls > 32)
		seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (add_rules(ctx, s, def, &out->notify, err) < 0 || export_bpf(ctx, out, err) < 0)
		goto out;
	ret = 0;
out:
	seccomp_release(ctx);
	return ret;
}

/* husk's own emitter, for profiles it covers: 1 when it made the program,
 * 0 when the profile is libseccomp's to compile, -1 out of memory. */
static int emit(const struct oci_seccomp *s, struct seccomp_prog *out)
{
	uint32_t def = 0;	/* set unless seccomp_parse_action fails */

	if (seccomp_parse_action(s->default_action, s->default_errno_ret, "", "", &def, NULL) == 0 &&
	    def != SCMP_ACT_NOTIFY)
		return seccomp_bpf_emit(s, def, out);
	return 0;
}

/* -------------------------------------------------------------- cache */

/* ROOT/.seccomp/KEY.bpf, or its directory when key is NULL */
static void cache_path(char *buf, size_t size, const char *root, const char *key)
{
	if (key)
		snprintf(buf, size, "%s/" CACHE_DIR "/%s.bpf", root, key);
	else
		snprintf(buf, size, "%s/" CACHE_DIR, root);
}

/* 1 when a valid program was read, 0 when there is none, -1 when the file
 * is there but unusable (then it is replaced). A file cut short or filled
 * with zeros by a crash (it is written without fsync) fails the size or
 * digest check. One open, fstat, read and close on a hit. */
static int cache_read(const char *path, const char *key, struct seccomp_prog *out)
{
	cleanup_close int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	cleanup_free char *buf = NULL;
	struct cache_header hd;
	struct stat st;
	uint8_t digest[SHA256_LEN];
	struct sha256 h;
	size_t body;

	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (size_t)st.st_size < sizeof(hd) + SHA256_LEN ||
	    (size_t)st.st_size > sizeof(hd) + MAX_INSNS * sizeof(struct sock_filter) + SHA256_LEN)
		return -1;
	buf = malloc(st.st_size);
	if (!buf || read(fd, buf, st.st_size) != st.st_size)
		return -1;
	memcpy(&hd, buf, sizeof(hd));
	body = (size_t)hd.len * sizeof(struct sock_filter);
	if (memcmp(hd.magic, CACHE_MAGIC, 8) || memcmp(hd.key, key, 64) ||
	    hd.len == 0 || hd.len > MAX_INSNS || (size_t)st.st_size != sizeof(hd) + body + SHA256_LEN)
		return -1;
	sha256_init(&h);
	sha256_update(&h, buf + sizeof(hd), body);
	sha256_final(&h, digest);
	if (memcmp(digest, buf + sizeof(hd) + body, SHA256_LEN))
		return -1;
	out->insns = malloc(body);
	if (!out->insns)
		return -1;
	memcpy(out->insns, buf + sizeof(hd), body);
	out->len = hd.len;
	out->notify = hd.notify;
	return 1;
}

/* Written aside and renamed into place: a reader sees the whole file or
 * none. Without `replace` an existing file wins (another husk raced us
 * to the same content). No fsync: the cache is only an optimisation, and
 * a file a crash left damaged is detected when read, and replaced. */
static int cache_write(const char *root, const struct seccomp_prog *p, bool replace,
		       struct husk_err **err)
{
	struct cache_header hd = { .notify = p->notify, .len = p->len };
	size_t body = (size_t)p->len * sizeof(struct sock_filter);
	size_t size = sizeof(hd) + body + SHA256_LEN;
	cleanup_free char *buf = malloc(size);
	cleanup_close int fd = -1;
	struct sha256 h;
	char dir[4096], tmp[4096 + 64], path[4096 + 80];

	if (!buf)
		return husk_error(err, ENOMEM, "seccomp cache");
	cache_path(dir, sizeof(dir), root, NULL);
	/* the root exists (husk made it): its parents only when it does not */
	if (mkdir(dir, 0700) < 0 && errno != EEXIST && fs_mkdir_p(dir, 0700, err) < 0)
		return husk_err_wrap(err, "seccomp cache");
	memcpy(hd.magic, CACHE_MAGIC, 8);
	memcpy(hd.key, p->key, 64);
	memcpy(buf, &hd, sizeof(hd));
	memcpy(buf + sizeof(hd), p->insns, body);
	sha256_init(&h);
	sha256_update(&h, p->insns, body);
	sha256_final(&h, (uint8_t *)buf + sizeof(hd) + body);
	snprintf(tmp, sizeof(tmp), "%s/.%.16s.%d.tmp", dir, p->key, getpid());
	cache_path(path, sizeof(path), root, p->key);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return husk_syserr(err, "seccomp cache: create \"%s\"", tmp);
	if (write(fd, buf, size) != (ssize_t)size) {
		husk_syserr(err, "seccomp cache: write \"%s\"", tmp);
		unlink(tmp);
		return -1;
	}
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, replace ? 0 : RENAME_NOREPLACE) < 0) {
		int e = errno;

		unlink(tmp);
		if (e != EEXIST)
			return husk_error(err, e, "seccomp cache: rename \"%s\" into place", tmp);
	}
	return 0;
}

/* seccomp(2) checks the flags before it reads the program: with a NULL
 * program a kernel that takes them answers EFAULT, one that does not
 * EINVAL. So unsupported flags fail create, not the later load. */
static int probe_flags(uint32_t flags, struct husk_err **err)
{
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, NULL) < 0 && errno == EFAULT)
		return 0;
	return husk_error(err, errno == EFAULT ? 0 : errno,
			  "config.json: .linux.seccomp.flags: the kernel does not take filter flags 0x%x",
			  flags);
}

/* libseccomp's program for cfg: from the cache under root (if any), else
 * compiled and cached. */
static int load_or_compile(const struct oci_seccomp *cfg, const char *root,
			   struct seccomp_prog *out, struct husk_err **err)
{
	char path[4096];
	int found = 0;

	cache_key(cfg, out->key);
	if (root) {
		cache_path(path, sizeof(path), root, out->key);
		found = cache_read(path, out->key, out);
		if (found < 0)
			log_warn("seccomp cache: %s is damaged; replacing it", path);
	}
	if (found > 0) {
		out->from_cache = true;
		log_debug("seccomp: loaded filter %s (%u instructions) from cache %s/" CACHE_DIR,
			  out->key, out->len, root);
		return 0;
	}
	if (seccomp_compile_libseccomp(cfg, out, err) < 0) {
		seccomp_prog_free(out);
		return -1;
	}
	log_debug("seccomp: compiled filter %s (%u instructions, by libseccomp)", out->key, out->len);
	if (root && cache_write(root, out, found < 0, err) < 0) {
		seccomp_prog_free(out);
		return -1;
	}
	return 0;
}

int seccomp_prepare(const struct oci_seccomp *cfg, const char *root,
		    struct seccomp_prog *out, struct husk_err **err)
{
	uint32_t flags = 0;
	int emitted;

	memset(out, 0, sizeof(*out));
	if (parse_flags(cfg, &flags, err) < 0)
		return -1;
	/* husk's emitter takes about as long as a cache hit would, so only
	 * libseccomp's programs are worth a file */
	emitted = emit(cfg, out);
	if (emitted < 0)
		return husk_error(err, ENOMEM, "linux.seccomp: compile the filter");
	if (emitted)
		log_debug("seccomp: compiled filter (%u instructions, by husk)", out->len);
	else if (load_or_compile(cfg, root, out, err) < 0)
		return -1;
	if ((flags & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV) && !out->notify) {
		seccomp_prog_free(out);
		return husk_error(err, 0, "config.json: .linux.seccomp.flags: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV "
				  "needs an SCMP_ACT_NOTIFY rule");
	}
	if (out->notify && !cfg->listener_path) {
		seccomp_prog_free(out);
		return husk_error(err, 0, "config.json: .linux.seccomp.listenerPath: required with "
				  "SCMP_ACT_NOTIFY rules");
	}
	if (out->notify) {
		flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
		if (flags & SECCOMP_FILTER_FLAG_TSYNC)
			flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
	}
	out->flags = flags;
	if (probe_flags(flags, err) < 0) {
		seccomp_prog_free(out);
		return -1;
	}
	return 0;
}

void seccomp_prog_free(struct seccomp_prog *p)
{
	free(p->insns);
	p->insns = NULL;
	p->len = 0;
}

int seccomp_install(const struct seccomp_prog *p, struct husk_err **err)
{
	struct sock_fprog prog = { .len = (unsigned short)p->len, .filter = p->insns };
	long fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, p->flags, &prog);

	if (fd < 0)
		return husk_syserr(err, "linux.seccomp: load the filter%s",
				   errno == EACCES ? " (without process.noNewPrivileges it needs CAP_SYS_ADMIN)" : "");
	return p->notify ? (int)fd : 0;
}

/* ----------------------------------------------------------- listener */

static int append(char **buf, size_t *len, const char *s, size_t n)
{
	char *grown = realloc(*buf, *len + n + 1);

	if (!grown)
		return -1;
	memcpy(grown + *len, s, n);
	*len += n;
	grown[*len] = '\0';
	*buf = grown;
	return 0;
}

static int append_json_string(char **buf, size_t *len, const char *s)
{
	if (append(buf, len, "\"", 1) < 0)
		return -1;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[8];

		if (c == '"' || c == '\\')
			snprintf(esc, sizeof(esc), "\\%c", c);
		else if (c < 0x20)
			snprintf(esc, sizeof(esc), "\\u%04x", c);
		else
			snprintf(esc, sizeof(esc), "%c", c);
		if (append(buf, len, esc, strlen(esc)) < 0)
			return -1;
	}
	return append(buf, len, "\"", 1);
}

int seccomp_send_listener(const struct oci_seccomp *cfg, int notify_fd, pid_t pid,
			  const char *state_json, struct husk_err **err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	cleanup_free char *msg = NULL;
	cleanup_close int sock = -1;
	char head[160], ctrl[CMSG_SPACE(sizeof(int))] = { 0 };
	size_t len = 0, off = 0;
	struct cmsghdr *c;

	snprintf(head, sizeof(head), "{\"ociVersion\":\"1.2.0\",\"fds\":[\"seccompFd\"],\"pid\":%d,"
		 "\"metadata\":", (int)pid);
	if (append(&msg, &len, head, strlen(head)) < 0 ||
	    append_json_string(&msg, &len, cfg->listener_metadata ? cfg->listener_metadata : "") < 0 ||
	    append(&msg, &len, ",\"state\":", 9) < 0 ||
	    append(&msg, &len, state_json, strlen(state_json)) < 0 || append(&msg, &len, "}", 1) < 0)
		return husk_error(err, ENOMEM, "linux.seccomp.listenerPath");
	if (strlen(cfg->listener_path) >= sizeof(sa.sun_path))
		return husk_error(err, 0, "config.json: .linux.seccomp.listenerPath: \"%s\" is too long "
				  "for a socket address", cfg->listener_path);
	strcpy(sa.sun_path, cfg->listener_path);
	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0 || connect(sock, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return husk_syserr(err, "linux.seccomp.listenerPath: connect to \"%s\"", cfg->listener_path);
	while (off < len) {
		struct iovec iov = { .iov_base = msg + off, .iov_len = len - off };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t n;

		if (off == 0) {	/* the fd rides on the first byte */
			mh.msg_control = ctrl;
			mh.msg_controllen = sizeof(ctrl);
			c = CMSG_FIRSTHDR(&mh);
			c->cmsg_level = SOL_SOCKET;
			c->cmsg_type = SCM_RIGHTS;
			c->cmsg_len = CMSG_LEN(sizeof(int));
			memcpy(CMSG_DATA(c), &notify_fd, sizeof(int));
		}
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return husk_syserr(err, "linux.seccomp.listenerPath: send to \"%s\"", cfg->listener_path);
		off += n;
	}
	return 0;
}
