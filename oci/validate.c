/* Semantic checks of a decoded config: names, ranges, duplicates and the
 * rules that tie fields together. Pure: no file system access. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

struct vctx {
	struct jctx c;
	const struct oci_config *cfg;
	const struct oci_linux *lx;	/* cfg->linux_cfg, or an empty one */
};

/* Validation messages carry their JSON path in the text. */
#define fail(v, ...) j_fail(&(v)->c, NULL, __VA_ARGS__)

#define NOT_ABS "\"%s\" is not an absolute path"
#define OUT_OF_RANGE "%lld is out of range %lld..%lld"

static bool absolute(const char *path)
{
	return path && path[0] == '/';
}

static bool in_set(const char *const *set, const char *s)
{
	for (; s && *set; set++)
		if (strcmp(*set, s) == 0)
			return true;
	return false;
}

static const char *const rlimits[] = {
	"RLIMIT_AS", "RLIMIT_CORE", "RLIMIT_CPU", "RLIMIT_DATA", "RLIMIT_FSIZE",
	"RLIMIT_LOCKS", "RLIMIT_MEMLOCK", "RLIMIT_MSGQUEUE", "RLIMIT_NICE",
	"RLIMIT_NOFILE", "RLIMIT_NPROC", "RLIMIT_RSS", "RLIMIT_RTPRIO",
	"RLIMIT_RTTIME", "RLIMIT_SIGPENDING", "RLIMIT_STACK", NULL
};

/* Linux capabilities 0 (CAP_CHOWN) to 40 (CAP_CHECKPOINT_RESTORE). */
static const char *const capabilities[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
	"CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP",
	"CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
	"CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
	"CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
	"CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
	"CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD",
	"CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
	"CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
	"CAP_CHECKPOINT_RESTORE", NULL
};

static const char *const propagations[] = {
	"shared", "slave", "private", "unbindable",
	"rshared", "rslave", "rprivate", "runbindable", NULL
};

static const char *const seccomp_actions[] = {
	"SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
	"SCMP_ACT_TRAP", "SCMP_ACT_ERRNO", "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW",
	"SCMP_ACT_LOG", "SCMP_ACT_NOTIFY", NULL
};

static const char *const seccomp_ops[] = {
	"SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ",
	"SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ", NULL
};

static const char *const sched_policies[] = {
	"SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH",
	"SCHED_ISO", "SCHED_IDLE", "SCHED_DEADLINE", NULL
};

static const char *const io_classes[] = {
	"IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE", NULL
};

static const char *const personality_domains[] = { "LINUX", "LINUX32", NULL };

static const char *digits(const char *s)
{
	if (!isdigit((unsigned char)*s))
		return NULL;
	while (isdigit((unsigned char)*s))
		s++;
	return s;
}

/* 1.MINOR.PATCH with an optional SemVer suffix: minor releases of the
 * spec stay backward compatible, so any 1.x is accepted. */
static int check_version(struct vctx *v)
{
	const char *ver = v->cfg->oci_version, *s = ver;

	if (s && strncmp(s, "1.", 2) == 0 && (s = digits(s + 2)) && *s == '.' &&
	    (s = digits(s + 1)) && (!*s || *s == '-' || *s == '+'))
		return 0;
	return fail(v, ".ociVersion: unsupported version \"%s\" (expected 1.MINOR.PATCH)",
		    ver ? ver : "");
}

static int check_root(struct vctx *v)
{
	if (!v->cfg->root.path)
		return fail(v, "missing required field \"root\"");
	if (!*v->cfg->root.path)
		return fail(v, ".root.path: must not be empty");
	return 0;
}

static int check_rlimits(struct vctx *v, const struct oci_process *p)
{
	for (size_t i = 0; i < p->n_rlimits; i++) {
		const struct oci_rlimit *r = &p->rlimits[i];

		if (!in_set(rlimits, r->type))
			return fail(v, ".process.rlimits[%zu].type: unknown resource limit \"%s\"",
				    i, r->type);
		for (size_t j = 0; j < i; j++)
			if (strcmp(p->rlimits[j].type, r->type) == 0)
				return fail(v, ".process.rlimits[%zu].type: duplicate resource limit \"%s\"",
					    i, r->type);
		if (r->soft > r->hard)
			return fail(v, ".process.rlimits[%zu]: soft limit %llu exceeds hard limit %llu",
				    i, (unsigned long long)r->soft, (unsigned long long)r->hard);
	}
	return 0;
}

static int check_capabilities(struct vctx *v, const struct oci_capabilities *caps)
{
	static const struct { const char *name; size_t off; } sets[] = {
		{ "bounding", offsetof(struct oci_capabilities, bounding) },
		{ "effective", offsetof(struct oci_capabilities, effective) },
		{ "inheritable", offsetof(struct oci_capabilities, inheritable) },
		{ "permitted", offsetof(struct oci_capabilities, permitted) },
		{ "ambient", offsetof(struct oci_capabilities, ambient) },
	};

	for (size_t s = 0; caps && s < ARRAY_SIZE(sets); s++) {
		const struct oci_strv *sv = (const void *)((const char *)caps + sets[s].off);

		for (size_t i = 0; i < sv->n; i++)
			if (!in_set(capabilities, sv->v[i]))
				return fail(v, ".process.capabilities.%s[%zu]: unknown capability \"%s\"",
					    sets[s].name, i, sv->v[i]);
	}
	return 0;
}

static int check_process_attrs(struct vctx *v, const struct oci_process *p)
{
	const struct oci_io_priority *io = p->io_priority;

	if (p->oom_score_adj.set && (p->oom_score_adj.v < -1000 || p->oom_score_adj.v > 1000))
		return fail(v, ".process.oomScoreAdj: " OUT_OF_RANGE,
			    (long long)p->oom_score_adj.v, -1000LL, 1000LL);
	if (io && !in_set(io_classes, io->class))
		return fail(v, ".process.ioPriority.class: unknown class \"%s\"", io->class);
	if (io && (io->priority < 0 || io->priority > 7))
		return fail(v, ".process.ioPriority.priority: " OUT_OF_RANGE,
			    (long long)io->priority, 0LL, 7LL);
	if (p->scheduler && !in_set(sched_policies, p->scheduler->policy))
		return fail(v, ".process.scheduler.policy: unknown policy \"%s\"",
			    p->scheduler->policy);
	return 0;
}

/* (uid_t)-1 means "leave unchanged" to setresuid: a process asking for it
 * would keep running as root. */
static int check_user(struct vctx *v, const struct oci_user *u)
{
	if (u->uid == UINT32_MAX)
		return fail(v, ".process.user.uid: %u is not a valid user id", u->uid);
	if (u->gid == UINT32_MAX)
		return fail(v, ".process.user.gid: %u is not a valid group id", u->gid);
	for (size_t i = 0; i < u->n_additional_gids; i++)
		if (u->additional_gids[i] == UINT32_MAX)
			return fail(v, ".process.user.additionalGids[%zu]: %u is not a valid group id",
				    i, u->additional_gids[i]);
	return 0;
}

static int check_process(struct vctx *v)
{
	const struct oci_process *p = v->cfg->process;

	if (!p)
		return 0;
	if (!p->args.n)
		return fail(v, ".process.args: must not be empty");
	if (!absolute(p->cwd))
		return fail(v, ".process.cwd: " NOT_ABS, p->cwd ? p->cwd : "");
	for (size_t i = 0; i < p->env.n; i++)
		if (!strchr(p->env.v[i], '='))
			return fail(v, ".process.env[%zu]: \"%s\" is not of the form KEY=VALUE",
				    i, p->env.v[i]);
	if (check_user(v, &p->user) < 0)
		return -1;
	if (check_rlimits(v, p) < 0 || check_capabilities(v, p->capabilities) < 0)
		return -1;
	return check_process_attrs(v, p);
}

/* The kernel's own limit on the lines of uid_map and gid_map. */
#define MAX_ID_MAPPINGS 340

/* [a, a + n) and [b, b + m) share an id */
static bool ranges_overlap(uint64_t a, uint64_t n, uint64_t b, uint64_t m)
{
	return a < b + m && b < a + n;
}

/* What the kernel would refuse with a bare EINVAL when husk writes the
 * map: empty ranges, ranges past the 32-bit id space (4294967295 is no
 * id), overlapping ranges on either side, too many lines. */
static int check_sizes(struct vctx *v, const char *path,
		       const struct oci_id_mapping *m, size_t n)
{
	if (n > MAX_ID_MAPPINGS)
		return fail(v, "%s: %zu mappings, the kernel takes at most %d", path, n,
			    MAX_ID_MAPPINGS);
	for (size_t i = 0; i < n; i++) {
		if (!m[i].size)
			return fail(v, "%s[%zu].size: must be greater than 0", path, i);
		if ((uint64_t)m[i].container_id + m[i].size > UINT32_MAX)
			return fail(v, "%s[%zu]: containerID %u + size %u is past the last id, 4294967294",
				    path, i, m[i].container_id, m[i].size);
		if ((uint64_t)m[i].host_id + m[i].size > UINT32_MAX)
			return fail(v, "%s[%zu]: hostID %u + size %u is past the last id, 4294967294",
				    path, i, m[i].host_id, m[i].size);
		for (size_t j = 0; j < i; j++) {
			if (ranges_overlap(m[i].container_id, m[i].size, m[j].container_id, m[j].size))
				return fail(v, "%s[%zu]: container ids %u-%u overlap those of %s[%zu]",
					    path, i, m[i].container_id,
					    m[i].container_id + m[i].size - 1, path, j);
			if (ranges_overlap(m[i].host_id, m[i].size, m[j].host_id, m[j].size))
				return fail(v, "%s[%zu]: host ids %u-%u overlap those of %s[%zu]",
					    path, i, m[i].host_id, m[i].host_id + m[i].size - 1, path, j);
		}
	}
	return 0;
}

static int check_mounts(struct vctx *v)
{
	for (size_t i = 0; i < v->cfg->n_mounts; i++) {
		const struct oci_mount *m = &v->cfg->mounts[i];
		char uid_path[64], gid_path[64];

		if (!absolute(m->destination))
			return fail(v, ".mounts[%zu].destination: " NOT_ABS, i, m->destination);
		snprintf(uid_path, sizeof(uid_path), ".mounts[%zu].uidMappings", i);
		snprintf(gid_path, sizeof(gid_path), ".mounts[%zu].gidMappings", i);
		if (check_sizes(v, uid_path, m->uid_mappings, m->n_uid_mappings) < 0 ||
		    check_sizes(v, gid_path, m->gid_mappings, m->n_gid_mappings) < 0)
			return -1;
	}
	return 0;
}

static int check_hooks(struct vctx *v)
{
	static const struct { const char *name; size_t off; } lists[] = {
		{ "prestart", offsetof(struct oci_hooks, prestart) },
		{ "createRuntime", offsetof(struct oci_hooks, create_runtime) },
		{ "createContainer", offsetof(struct oci_hooks, create_container) },
		{ "startContainer", offsetof(struct oci_hooks, start_container) },
		{ "poststart", offsetof(struct oci_hooks, poststart) },
		{ "poststop", offsetof(struct oci_hooks, poststop) },
	};

	for (size_t l = 0; l < ARRAY_SIZE(lists); l++) {
		const struct oci_hook_list *hl =
			(const void *)((const char *)&v->cfg->hooks + lists[l].off);

		for (size_t i = 0; i < hl->n; i++) {
			const struct oci_hook *h = &hl->v[i];

			if (!absolute(h->path))
				return fail(v, ".hooks.%s[%zu].path: " NOT_ABS,
					    lists[l].name, i, h->path);
			if (h->timeout.set && h->timeout.v <= 0)
				return fail(v, ".hooks.%s[%zu].timeout: must be greater than 0",
					    lists[l].name, i);
		}
	}
	return 0;
}

static int check_namespaces(struct vctx *v)
{
	bool seen[OCI_NS_COUNT] = { false };

	for (size_t i = 0; i < v->lx->n_namespaces; i++) {
		const struct oci_namespace *ns = &v->lx->namespaces[i];

		if ((unsigned)ns->type >= OCI_NS_COUNT)
			return fail(v, ".linux.namespaces[%zu].type: unknown namespace type %d",
				    i, (int)ns->type);
		if (seen[ns->type])
			return fail(v, ".linux.namespaces[%zu].type: duplicate namespace \"%s\"",
				    i, oci_ns_type_name(ns->type));
		seen[ns->type] = true;
		if (ns->path && !absolute(ns->path))
			return fail(v, ".linux.namespaces[%zu].path: " NOT_ABS, i, ns->path);
	}
	return 0;
}

/* Mappings are written for a user namespace the runtime creates; a joined
 * one already has them. */
static int check_id_mappings(struct vctx *v)
{
	const struct oci_namespace *ns = oci_config_namespace(v->cfg, OCI_NS_USER);
	bool new_userns = ns && !ns->path;
	const struct { const char *path; const struct oci_id_mapping *m; size_t n; } maps[] = {
		{ ".linux.uidMappings", v->lx->uid_mappings, v->lx->n_uid_mappings },
		{ ".linux.gidMappings", v->lx->gid_mappings, v->lx->n_gid_mappings },
	};

	for (size_t i = 0; i < ARRAY_SIZE(maps); i++) {
		if (new_userns && !maps[i].n)
			return fail(v, "%s: required with a new user namespace", maps[i].path);
		if (!new_userns && maps[i].n)
			return fail(v, "%s: only allowed with a new user namespace", maps[i].path);
		if (check_sizes(v, maps[i].path, maps[i].m, maps[i].n) < 0)
			return -1;
	}
	return 0;
}

/* Both need a UTS namespace, or they would rename the host. */
static int check_names(struct vctx *v)
{
	static const char *const fields[] = { "hostname", "domainname" };
	const char *values[] = { v->cfg->hostname, v->cfg->domainname };

	for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
		if (values[i] && *values[i] && !oci_config_namespace(v->cfg, OCI_NS_UTS))
			return fail(v, ".%s: requires a UTS namespace", fields[i]);
	return 0;
}

static int check_time_offsets(struct vctx *v)
{
	const struct { const char *name; const struct oci_time_offset *t; } clocks[] = {
		{ "monotonic", &v->lx->monotonic },
		{ "boottime", &v->lx->boottime },
	};

	for (size_t i = 0; i < ARRAY_SIZE(clocks); i++) {
		if (!clocks[i].t->set)
			continue;
		if (!oci_config_namespace(v->cfg, OCI_NS_TIME))
			return fail(v, ".linux.timeOffsets: requires a time namespace");
		if (clocks[i].t->nanosecs > 999999999)
			return fail(v, ".linux.timeOffsets.%s.nanosecs: " OUT_OF_RANGE, clocks[i].name,
				    (long long)clocks[i].t->nanosecs, 0LL, 999999999LL);
	}
	return 0;
}

static int check_devices(struct vctx *v)
{
	for (size_t i = 0; i < v->lx->n_devices; i++) {
		const struct oci_device *d = &v->lx->devices[i];

		if (!d->type || !strchr("cbup", d->type))
			return fail(v, ".linux.devices[%zu].type: unknown device type \"%c\" (expected c, b, u or p)",
				    i, d->type);
		if (!absolute(d->path))
			return fail(v, ".linux.devices[%zu].path: " NOT_ABS, i, d->path);
	}
	return 0;
}

static int check_weight(struct vctx *v, const char *path, struct opt_u32 w)
{
	if (!w.set || (w.v >= 10 && w.v <= 1000))
		return 0;
	return fail(v, "%s: " OUT_OF_RANGE, path, (long long)w.v, 10LL, 1000LL);
}

static int check_block_io(struct vctx *v, const struct oci_block_io *b)
{
	if (check_weight(v, ".linux.resources.blockIO.weight", b->weight) < 0 ||
	    check_weight(v, ".linux.resources.blockIO.leafWeight", b->leaf_weight) < 0)
		return -1;
	for (size_t i = 0; i < b->n_weight_device; i++) {
		char w[80], lw[80];

		snprintf(w, sizeof(w), ".linux.resources.blockIO.weightDevice[%zu].weight", i);
		snprintf(lw, sizeof(lw), ".linux.resources.blockIO.weightDevice[%zu].leafWeight", i);
		if (check_weight(v, w, b->weight_device[i].weight) < 0 ||
		    check_weight(v, lw, b->weight_device[i].leaf_weight) < 0)
			return -1;
	}
	return 0;
}

static int check_resources(struct vctx *v)
{
	const struct oci_resources *r = v->lx->resources;

	for (size_t i = 0; r && i < r->n_devices; i++) {
		const struct oci_device_rule *d = &r->devices[i];

		if (!d->type || !strchr("acb", d->type))
			return fail(v, ".linux.resources.devices[%zu].type: unknown device type \"%c\" (expected a, c or b)",
				    i, d->type);
		if (d->access && d->access[strspn(d->access, "rwm")])
			return fail(v, ".linux.resources.devices[%zu].access: \"%s\" is not a combination of r, w and m",
				    i, d->access);
	}
	return r && r->block_io ? check_block_io(v, r->block_io) : 0;
}

static int check_syscall(struct vctx *v, size_t i, const struct oci_seccomp_syscall *sc)
{
	if (!sc->names.n)
		return fail(v, ".linux.seccomp.syscalls[%zu].names: must not be empty", i);
	if (!in_set(seccomp_actions, sc->action))
		return fail(v, ".linux.seccomp.syscalls[%zu].action: unknown action \"%s\"",
			    i, sc->action);
	for (size_t j = 0; j < sc->n_args; j++) {
		const struct oci_seccomp_arg *a = &sc->args[j];

		if (a->index > 5)
			return fail(v, ".linux.seccomp.syscalls[%zu].args[%zu].index: " OUT_OF_RANGE,
				    i, j, (long long)a->index, 0LL, 5LL);
		if (!in_set(seccomp_ops, a->op))
			return fail(v, ".linux.seccomp.syscalls[%zu].args[%zu].op: unknown operator \"%s\"",
				    i, j, a->op);
	}
	return 0;
}

static int check_seccomp(struct vctx *v)
{
	const struct oci_seccomp *s = v->lx->seccomp;

	if (!s)
		return 0;
	if (!in_set(seccomp_actions, s->default_action))
		return fail(v, ".linux.seccomp.defaultAction: unknown action \"%s\"",
			    s->default_action);
	for (size_t i = 0; i < s->n_syscalls; i++)
		if (check_syscall(v, i, &s->syscalls[i]) < 0)
			return -1;
	return 0;
}

static int check_linux_misc(struct vctx *v)
{
	const struct oci_linux *l = v->lx;

	if (l->rootfs_propagation && !in_set(propagations, l->rootfs_propagation))
		return fail(v, ".linux.rootfsPropagation: unknown propagation \"%s\"",
			    l->rootfs_propagation);
	for (size_t i = 0; i < l->sysctl.n; i++)
		if (!*l->sysctl.v[i].key)
			return fail(v, ".linux.sysctl[\"\"]: empty key");
	if (l->personality && !in_set(personality_domains, l->personality->domain))
		return fail(v, ".linux.personality.domain: unknown domain \"%s\" (expected LINUX or LINUX32)",
			    l->personality->domain);
	return 0;
}

int oci_config_validate(const struct oci_config *cfg, const char *name,
			struct husk_err **err)
{
	static int (*const checks[])(struct vctx *) = {
		check_version, check_root, check_process, check_mounts, check_hooks,
		check_namespaces, check_id_mappings, check_names, check_time_offsets,
		check_devices, check_resources, check_seccomp, check_linux_misc,
	};
	static const struct oci_linux no_linux;
	struct vctx v = {
		{ name ? name : "config.json", err }, cfg,
		cfg->linux_cfg ? cfg->linux_cfg : &no_linux,
	};

	for (size_t i = 0; i < ARRAY_SIZE(checks); i++)
		if (checks[i](&v) < 0)
			return -1;
	return 0;
}

int oci_process_validate(const struct oci_process *p, const char *name, struct husk_err **err)
{
	static const struct oci_linux no_linux;
	const struct oci_config cfg = { .process = (struct oci_process *)p };
	struct vctx v = { { name ? name : "process.json", err }, &cfg, &no_linux };

	return check_process(&v);
}
