/* cgroup v1 writers: one controller per hierarchy, the files of
 * Documentation/admin-guide/cgroup-v1/. Only what is set is written. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup-internal.h"
#include "husk/cleanup.h"
#include "husk/log.h"

static void warn_ignored(const struct cg_ctx *c, const char *field, const char *why)
{
	char name[256];

	cg_field(c, field, name, sizeof(name));
	log_warn("%s: ignored: %s", name, why);
}

static int write_i64(const struct cg_ctx *c, const char *field, const char *dir,
		     const char *file, int64_t v, struct husk_err **err)
{
	return cg_writef(c, field, dir, file, err, "%" PRId64, v);
}

static int check_usage(const struct cg_ctx *c, const char *dir, const char *usage_file,
		       const struct oci_memory *m, int64_t limit, struct husk_err **err)
{
	uint64_t usage;

	if (!c->o->update || !m->check_before_update.set || !m->check_before_update.v ||
	    limit <= 0 || cg_read_u64(dir, usage_file, &usage) < 0 || usage <= (uint64_t)limit)
		return 0;
	return cg_fail(c, ".memory.limit", err, "%" PRId64 " is below the current usage of %" PRIu64
		       " bytes (checkBeforeUpdate)", limit, usage);
}

static int write_limit(const struct cg_ctx *c, const char *dir, int64_t limit,
		       struct husk_err **err)
{
	uint64_t usage = 0, memsw = 0;

	if (write_i64(c, ".memory.limit", dir, "memory.limit_in_bytes", limit, err) == 0)
		return 0;
	if ((*err)->errnum == EBUSY) {
		cg_read_u64(dir, "memory.usage_in_bytes", &usage);
		cg_hint(err, "the usage, %" PRIu64 " bytes, is above it and could not be reclaimed",
			usage);
	} else if ((*err)->errnum == EINVAL && cg_read_u64(dir, "memory.memsw.limit_in_bytes", &memsw) == 0 &&
		   memsw != UINT64_MAX && limit > 0 && (uint64_t)limit > memsw) {
		cg_hint(err, "the memory+swap limit is %" PRIu64 "; raise the swap limit with it", memsw);
	}
	return -1;
}

static int write_swap(const struct cg_ctx *c, const char *dir, int64_t swap, struct husk_err **err)
{
	/* no swap accounting: "unlimited" is what there is anyway */
	if (swap == -1 && !cg_has(dir, "memory.memsw.limit_in_bytes"))
		return 0;
	return write_i64(c, ".memory.swap", dir, "memory.memsw.limit_in_bytes", swap, err);
}

int cgv1_memory(const struct cg_ctx *c, const char *dir, const struct oci_memory *m,
		struct husk_err **err)
{
	int64_t limit = m->limit.set ? m->limit.v : 0;
	int64_t swap = m->swap.set ? m->swap.v : 0;

	if (m->kernel.set)
		warn_ignored(c, ".memory.kernel", "the kernel no longer enforces kernel memory limits "
			     "(writes to memory.kmem.limit_in_bytes have no effect)");
	/* unlimited memory with swap unsaid means both unlimited (runc) */
	if (limit == -1 && swap == 0)
		swap = -1;
	if (check_usage(c, dir, "memory.usage_in_bytes", m, limit, err) < 0)
		return -1;
	if (limit && swap) {
		uint64_t cur = 0;

		/* memory+swap must never be below memory: order the writes so
		 * that each one keeps it so */
		cg_read_u64(dir, "memory.limit_in_bytes", &cur);
		if (swap == -1 || cur <= (uint64_t)swap) {
			if (write_swap(c, dir, swap, err) < 0 || write_limit(c, dir, limit, err) < 0)
				return -1;
		} else if (write_limit(c, dir, limit, err) < 0 || write_swap(c, dir, swap, err) < 0) {
			return -1;
		}
	} else if ((limit && write_limit(c, dir, limit, err) < 0) ||
		   (swap && write_swap(c, dir, swap, err) < 0)) {
		return -1;
	}
	if (m->reservation.set && m->reservation.v &&
	    write_i64(c, ".memory.reservation", dir, "memory.soft_limit_in_bytes",
		      m->reservation.v, err) < 0)
		return -1;
	if (m->kernel_tcp.set && m->kernel_tcp.v &&
	    write_i64(c, ".memory.kernelTCP", dir, "memory.kmem.tcp.limit_in_bytes",
		      m->kernel_tcp.v, err) < 0)
		return -1;
	if (m->swappiness.set &&
	    cg_writef(c, ".memory.swappiness", dir, "memory.swappiness", err, "%" PRIu64,
		      m->swappiness.v) < 0)
		return -1;
	if (m->disable_oom_killer.set &&
	    cg_write(c, ".memory.disableOOMKiller", dir, "memory.oom_control",
		     m->disable_oom_killer.v ? "1" : "0", err) < 0)
		return -1;
	if (m->use_hierarchy.set &&
	    cg_write(c, ".memory.useHierarchy", dir, "memory.use_hierarchy",
		     m->use_hierarchy.v ? "1" : "0", err) < 0) {
		if (!m->use_hierarchy.v && (*err)->errnum == EINVAL)
			cg_hint(err, "this kernel's memory cgroups are always hierarchical");
		return -1;
	}
	return 0;
}

/* cpu.rt_runtime_us of a cgroup cannot exceed its parent's, and a new
 * cgroup's parent often has 0: raise the ancestors (top down) first. */
static int rt_ancestors(const struct cg_ctx *c, const struct cgroup_hierarchy *h,
			int64_t runtime, struct husk_err **err)
{
	char dir[4096];
	size_t base = snprintf(dir, sizeof(dir), "%s", h->mount);

	for (const char *p = c->path; *p; ) {
		uint64_t cur;
		size_t n;

		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (!n || !p[n] || !p[n + strspn(p + n, "/")])
			break;
		base += snprintf(dir + base, sizeof(dir) - base, "/%.*s", (int)n, p);
		p += n;
		if (cg_read_u64(dir, "cpu.rt_runtime_us", &cur) == 0 && cur < (uint64_t)runtime &&
		    write_i64(c, ".cpu.realtimeRuntime", dir, "cpu.rt_runtime_us", runtime, err) < 0)
			return -1;
	}
	return 0;
}

int cgv1_cpu(const struct cg_ctx *c, const struct cgroup_hierarchy *h, const char *dir,
	     const struct oci_cpu *cpu, struct husk_err **err)
{
	if (cpu->shares.set && cpu->shares.v) {
		uint64_t got;

		if (cg_writef(c, ".cpu.shares", dir, "cpu.shares", err, "%" PRIu64, cpu->shares.v) < 0)
			return -1;
		if (cg_read_u64(dir, "cpu.shares", &got) == 0 && got != cpu->shares.v)
			return cg_fail(c, ".cpu.shares", err, "the kernel set %" PRIu64 " for %" PRIu64
				       " (its range is 2-262144)", got, cpu->shares.v);
	}
	if (cpu->period.set && cpu->period.v) {
		if (cg_writef(c, ".cpu.period", dir, "cpu.cfs_period_us", err, "%" PRIu64,
			      cpu->period.v) < 0) {
			/* a period that only fits with the new quota: quota first */
			if (!cpu->quota.set || !cpu->quota.v || (*err)->errnum != EINVAL)
				return -1;
			husk_err_free(err);
			if (write_i64(c, ".cpu.quota", dir, "cpu.cfs_quota_us", cpu->quota.v, err) < 0 ||
			    cg_writef(c, ".cpu.period", dir, "cpu.cfs_period_us", err, "%" PRIu64,
				      cpu->period.v) < 0)
				return -1;
		}
	}
	if (cpu->quota.set && cpu->quota.v &&
	    write_i64(c, ".cpu.quota", dir, "cpu.cfs_quota_us", cpu->quota.v, err) < 0)
		return -1;
	if (cpu->burst.set &&
	    cg_writef(c, ".cpu.burst", dir, "cpu.cfs_burst_us", err, "%" PRIu64, cpu->burst.v) < 0)
		return -1;
	if (cpu->realtime_period.set && cpu->realtime_period.v &&
	    cg_writef(c, ".cpu.realtimePeriod", dir, "cpu.rt_period_us", err, "%" PRIu64,
		      cpu->realtime_period.v) < 0)
		return -1;
	if (cpu->realtime_runtime.set && cpu->realtime_runtime.v) {
		int64_t rt = cpu->realtime_runtime.v;

		if (write_i64(c, ".cpu.realtimeRuntime", dir, "cpu.rt_runtime_us", rt, err) < 0) {
			if (rt < 0 || ((*err)->errnum != EINVAL && (*err)->errnum != EBUSY))
				return -1;
			husk_err_free(err);
			if (rt_ancestors(c, h, rt, err) < 0 ||
			    write_i64(c, ".cpu.realtimeRuntime", dir, "cpu.rt_runtime_us", rt, err) < 0)
				return -1;
		}
	}
	if (cpu->idle.set &&
	    write_i64(c, ".cpu.idle", dir, "cpu.idle", cpu->idle.v, err) < 0)
		return -1;
	return 0;
}

int cgv1_cpuset(const struct cg_ctx *c, const char *dir, const struct oci_cpu *cpu,
		struct husk_err **err)
{
	if (cpu->mems && *cpu->mems &&
	    cg_write(c, ".cpu.mems", dir, "cpuset.mems", cpu->mems, err) < 0) {
		cg_parent_hint(dir, "cpuset.mems", err);
		return -1;
	}
	if (cpu->cpus && *cpu->cpus &&
	    cg_write(c, ".cpu.cpus", dir, "cpuset.cpus", cpu->cpus, err) < 0) {
		cg_parent_hint(dir, "cpuset.cpus", err);
		return -1;
	}
	return 0;
}

static void device_hint(struct husk_err **err)
{
	if (!err || !*err)
		return;
	if ((*err)->errnum == ENODEV)
		cg_hint(err, "there is no block device with that major:minor");
	else if ((*err)->errnum == EOPNOTSUPP)
		cg_hint(err, "the device does not use the bfq I/O scheduler");
}

static int throttle(const struct cg_ctx *c, const char *dir, const char *name, const char *file,
		    const struct oci_throttle_device *t, size_t n, struct husk_err **err)
{
	for (size_t i = 0; i < n; i++) {
		char field[96];

		snprintf(field, sizeof(field), ".blockIO.%s[%zu]", name, i);
		if (cg_writef(c, field, dir, file, err, "%" PRId64 ":%" PRId64 " %" PRIu64,
			      t[i].major, t[i].minor, t[i].rate) < 0) {
			device_hint(err);
			return -1;
		}
	}
	return 0;
}

int cgv1_blkio(const struct cg_ctx *c, const char *dir, const struct oci_block_io *b,
	       struct husk_err **err)
{
	/* CFQ's blkio.weight went with CFQ (Linux 5.0); BFQ has its own */
	const char *weight = cg_has(dir, "blkio.weight") ? "blkio.weight" : "blkio.bfq.weight";
	const char *weight_dev = cg_has(dir, "blkio.weight_device") ? "blkio.weight_device" :
				 "blkio.bfq.weight_device";

	if (b->weight.set && b->weight.v &&
	    cg_writef(c, ".blockIO.weight", dir, weight, err, "%u", b->weight.v) < 0)
		return -1;
	if (b->leaf_weight.set && b->leaf_weight.v &&
	    cg_writef(c, ".blockIO.leafWeight", dir, "blkio.leaf_weight", err, "%u",
		      b->leaf_weight.v) < 0)
		return -1;
	for (size_t i = 0; i < b->n_weight_device; i++) {
		const struct oci_weight_device *d = &b->weight_device[i];
		char field[96];

		snprintf(field, sizeof(field), ".blockIO.weightDevice[%zu].weight", i);
		if (d->weight.set && cg_writef(c, field, dir, weight_dev, err, "%" PRId64 ":%" PRId64 " %u",
					       d->major, d->minor, d->weight.v) < 0) {
			device_hint(err);
			return -1;
		}
		snprintf(field, sizeof(field), ".blockIO.weightDevice[%zu].leafWeight", i);
		if (d->leaf_weight.set &&
		    cg_writef(c, field, dir, "blkio.leaf_weight_device", err, "%" PRId64 ":%" PRId64 " %u",
			      d->major, d->minor, d->leaf_weight.v) < 0) {
			device_hint(err);
			return -1;
		}
	}
	return throttle(c, dir, "throttleReadBpsDevice", "blkio.throttle.read_bps_device",
			b->throttle_read_bps, b->n_throttle_read_bps, err) ||
	       throttle(c, dir, "throttleWriteBpsDevice", "blkio.throttle.write_bps_device",
			b->throttle_write_bps, b->n_throttle_write_bps, err) ||
	       throttle(c, dir, "throttleReadIOPSDevice", "blkio.throttle.read_iops_device",
			b->throttle_read_iops, b->n_throttle_read_iops, err) ||
	       throttle(c, dir, "throttleWriteIOPSDevice", "blkio.throttle.write_iops_device",
			b->throttle_write_iops, b->n_throttle_write_iops, err) ? -1 : 0;
}

int cgv1_hugetlb(const struct cg_ctx *c, const char *dir, const struct oci_resources *r,
		 struct husk_err **err)
{
	for (size_t i = 0; i < r->n_hugepage_limits; i++) {
		const struct oci_hugepage_limit *h = &r->hugepage_limits[i];
		char field[64], file[96];

		snprintf(field, sizeof(field), ".hugepageLimits[%zu].limit", i);
		snprintf(file, sizeof(file), "hugetlb.%s.limit_in_bytes", h->page_size);
		if (cg_writef(c, field, dir, file, err, "%" PRIu64, h->limit) < 0)
			return -1;
		/* reservations too (Linux 5.7+), so a mapping cannot reserve
		 * pages it would then fault on */
		snprintf(file, sizeof(file), "hugetlb.%s.rsvd.limit_in_bytes", h->page_size);
		if (cg_has(dir, file) && cg_writef(c, field, dir, file, err, "%" PRIu64, h->limit) < 0)
			return -1;
	}
	return 0;
}

#define DEV_RULE_MAX 96

static void dev_rule_text(const struct cg_dev_exception *e, char *buf, size_t size)
{
	char major[24], minor[24], acc[4];
	int n = 0;

	if (e->major < 0)
		snprintf(major, sizeof(major), "*");
	else
		snprintf(major, sizeof(major), "%" PRId64, e->major);
	if (e->minor < 0)
		snprintf(minor, sizeof(minor), "*");
	else
		snprintf(minor, sizeof(minor), "%" PRId64, e->minor);
	if (e->access & CG_DEV_READ)
		acc[n++] = 'r';
	if (e->access & CG_DEV_WRITE)
		acc[n++] = 'w';
	if (e->access & CG_DEV_MKNOD)
		acc[n++] = 'm';
	acc[n] = '\0';
	snprintf(buf, size, "%c %s:%s %s", e->type, major, minor, acc);
}

/* The emulated final state, written as the kernel would have built it:
 * the default first ("a" resets the exceptions), then the exceptions. */
int cgv1_devices(const struct cg_ctx *c, const char *dir, const struct cg_dev_state *st,
		 struct husk_err **err)
{
	const char *def = st->allow ? "devices.allow" : "devices.deny";
	const char *exc = st->allow ? "devices.deny" : "devices.allow";
	cleanup_free char *text = malloc(st->n * DEV_RULE_MAX + 1);
	cleanup_free const char **rules = malloc((st->n + 1) * sizeof(*rules));

	if (!text || !rules)
		return husk_error(err, ENOMEM, "device rules for %s", dir);
	for (size_t i = 0; i < st->n; i++) {
		dev_rule_text(&st->ex[i], text + i * DEV_RULE_MAX, DEV_RULE_MAX);
		rules[i] = text + i * DEV_RULE_MAX;
	}
	if (cg_write(c, ".devices", dir, def, "a", err) < 0)
		return -1;
	return cg_write_each(c, ".devices", dir, exc, rules, st->n, err);
}
