/* cgroup v2 writers: the files of Documentation/admin-guide/cgroup-v2.rst,
 * with the v1-shaped OCI values converted (swap is memory+swap in OCI and
 * swap alone in memory.swap.max; shares become a weight; -1 is "max"). */
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
	log_warn("%s: ignored on cgroup v2: %s", name, why);
}

/* -1 -> "max" */
static void v2num(int64_t v, char *buf, size_t size)
{
	if (v < 0)
		snprintf(buf, size, "max");
	else
		snprintf(buf, size, "%" PRId64, v);
}

int cgv2_memory(const struct cg_ctx *c, const char *dir, const struct oci_memory *m,
		struct husk_err **err)
{
	int64_t limit = m->limit.set ? m->limit.v : 0;
	int64_t swap = m->swap.set ? m->swap.v : 0;
	int64_t swap_only = 0;
	bool write_swap = false;
	char val[32];

	if (m->kernel.set)
		warn_ignored(c, ".memory.kernel", "kernel memory is part of memory.max");
	if (m->kernel_tcp.set)
		warn_ignored(c, ".memory.kernelTCP", "TCP buffers are part of memory.max");
	if (m->swappiness.set)
		warn_ignored(c, ".memory.swappiness", "there is no per-cgroup swappiness");
	if (m->disable_oom_killer.set && m->disable_oom_killer.v)
		warn_ignored(c, ".memory.disableOOMKiller", "the OOM killer cannot be disabled");
	if (m->use_hierarchy.set && !m->use_hierarchy.v)
		warn_ignored(c, ".memory.useHierarchy", "cgroup v2 is always hierarchical");
	if (c->o->update && m->check_before_update.set && m->check_before_update.v && limit > 0) {
		uint64_t usage;

		if (cg_read_u64(dir, "memory.current", &usage) == 0 && usage > (uint64_t)limit)
			return cg_fail(c, ".memory.limit", err, "%" PRId64 " is below the current usage "
				       "of %" PRIu64 " bytes (checkBeforeUpdate)", limit, usage);
	}
	if (swap && !limit && c->o->update) {
		uint64_t cur;

		/* update of swap alone: relative to the memory limit in force */
		if (cg_read_u64(dir, "memory.max", &cur) == 0)
			limit = cur == UINT64_MAX ? -1 : (int64_t)cur;
	}
	if (limit == -1 && swap == 0) {
		swap_only = -1, write_swap = true;
	} else if (swap == -1) {
		swap_only = -1, write_swap = true;
	} else if (swap > 0) {
		if (limit == -1) {
			swap_only = swap;
		} else if (limit == 0) {
			return cg_fail(c, ".memory.swap", err, "needs a memory limit (swap is memory "
				       "plus swap)");
		} else if (swap < limit) {
			return cg_fail(c, ".memory.swap", err, "%" PRId64 " is below the memory limit %"
				       PRId64 " (swap is memory plus swap)", swap, limit);
		} else {
			swap_only = swap - limit;
		}
		write_swap = true;
	}
	if (write_swap) {
		v2num(swap_only, val, sizeof(val));
		/* no swap accounting: unlimited or no swap is what there is */
		if (!(swap_only <= 0 && !cg_has(dir, "memory.swap.max")) &&
		    cg_write(c, ".memory.swap", dir, "memory.swap.max", val, err) < 0)
			return -1;
	}
	if (m->limit.set && m->limit.v) {
		v2num(m->limit.v, val, sizeof(val));
		if (cg_write(c, ".memory.limit", dir, "memory.max", val, err) < 0)
			return -1;
	}
	if (m->reservation.set && m->reservation.v) {
		v2num(m->reservation.v, val, sizeof(val));
		if (cg_write(c, ".memory.reservation", dir, "memory.low", val, err) < 0)
			return -1;
	}
	return 0;
}

int cgv2_cpu(const struct cg_ctx *c, const char *dir, const struct oci_cpu *cpu,
	     struct husk_err **err)
{
	bool quota = cpu->quota.set && cpu->quota.v;
	bool period = cpu->period.set && cpu->period.v;

	if (cpu->shares.set && cpu->shares.v &&
	    cg_writef(c, ".cpu.shares", dir, "cpu.weight", err, "%" PRIu64,
		      cgroup_shares_to_weight(cpu->shares.v)) < 0)
		return -1;
	if (quota || period) {
		char q[32] = "max";
		const char *field = quota ? ".cpu.quota" : ".cpu.period";

		if (quota && cpu->quota.v > 0) {
			snprintf(q, sizeof(q), "%" PRId64, cpu->quota.v);
		} else if (!quota) {
			/* cpu.max is "QUOTA PERIOD": keep the quota in force */
			cleanup_free char *cur = cg_read(dir, "cpu.max");

			if (cur)
				snprintf(q, sizeof(q), "%.*s", (int)strcspn(cur, " \n"), cur);
		}
		if (period ? cg_writef(c, field, dir, "cpu.max", err, "%s %" PRIu64, q, cpu->period.v) :
			     cg_write(c, field, dir, "cpu.max", q, err))
			return -1;
	}
	if (cpu->burst.set &&
	    cg_writef(c, ".cpu.burst", dir, "cpu.max.burst", err, "%" PRIu64, cpu->burst.v) < 0)
		return -1;
	if (cpu->idle.set &&
	    cg_writef(c, ".cpu.idle", dir, "cpu.idle", err, "%" PRId64, cpu->idle.v) < 0)
		return -1;
	return 0;
}

int cgv2_cpuset(const struct cg_ctx *c, const char *dir, const struct oci_cpu *cpu,
		struct husk_err **err)
{
	if (cpu->cpus && *cpu->cpus &&
	    cg_write(c, ".cpu.cpus", dir, "cpuset.cpus", cpu->cpus, err) < 0) {
		cg_parent_hint(dir, "cpuset.cpus.effective", err);
		return -1;
	}
	if (cpu->mems && *cpu->mems &&
	    cg_write(c, ".cpu.mems", dir, "cpuset.mems", cpu->mems, err) < 0) {
		cg_parent_hint(dir, "cpuset.mems.effective", err);
		return -1;
	}
	return 0;
}

static int io_max(const struct cg_ctx *c, const char *dir, const char *name, const char *key,
		  const struct oci_throttle_device *t, size_t n, struct husk_err **err)
{
	for (size_t i = 0; i < n; i++) {
		char field[96];

		snprintf(field, sizeof(field), ".blockIO.%s[%zu]", name, i);
		if (cg_writef(c, field, dir, "io.max", err, "%" PRId64 ":%" PRId64 " %s=%" PRIu64,
			      t[i].major, t[i].minor, key, t[i].rate) < 0) {
			if ((*err)->errnum == ENODEV)
				cg_hint(err, "there is no block device with that major:minor");
			return -1;
		}
	}
	return 0;
}

int cgv2_io(const struct cg_ctx *c, const char *dir, const struct oci_block_io *b,
	    struct husk_err **err)
{
	/* BFQ takes the v1 range (1-1000) as is; io.weight is 1-10000 */
	bool bfq = cg_has(dir, "io.bfq.weight");

	if (b->leaf_weight.set)
		warn_ignored(c, ".blockIO.leafWeight", "there are no leaf weights");
	if (b->weight.set && b->weight.v) {
		if (bfq ? cg_writef(c, ".blockIO.weight", dir, "io.bfq.weight", err, "%u", b->weight.v) :
			  cg_writef(c, ".blockIO.weight", dir, "io.weight", err, "default %" PRIu64,
				    cgroup_blkio_to_io_weight(b->weight.v)))
			return -1;
	}
	for (size_t i = 0; i < b->n_weight_device; i++) {
		const struct oci_weight_device *d = &b->weight_device[i];
		char field[96];

		if (!d->weight.set)
			continue;
		snprintf(field, sizeof(field), ".blockIO.weightDevice[%zu].weight", i);
		if (bfq ? cg_writef(c, field, dir, "io.bfq.weight", err, "%" PRId64 ":%" PRId64 " %u",
				    d->major, d->minor, d->weight.v) :
			  cg_writef(c, field, dir, "io.weight", err, "%" PRId64 ":%" PRId64 " %" PRIu64,
				    d->major, d->minor, cgroup_blkio_to_io_weight(d->weight.v)))
			return -1;
	}
	return io_max(c, dir, "throttleReadBpsDevice", "rbps", b->throttle_read_bps,
		      b->n_throttle_read_bps, err) ||
	       io_max(c, dir, "throttleWriteBpsDevice", "wbps", b->throttle_write_bps,
		      b->n_throttle_write_bps, err) ||
	       io_max(c, dir, "throttleReadIOPSDevice", "riops", b->throttle_read_iops,
		      b->n_throttle_read_iops, err) ||
	       io_max(c, dir, "throttleWriteIOPSDevice", "wiops", b->throttle_write_iops,
		      b->n_throttle_write_iops, err) ? -1 : 0;
}

int cgv2_hugetlb(const struct cg_ctx *c, const char *dir, const struct oci_resources *r,
		 struct husk_err **err)
{
	for (size_t i = 0; i < r->n_hugepage_limits; i++) {
		const struct oci_hugepage_limit *h = &r->hugepage_limits[i];
		char field[64], file[96];

		snprintf(field, sizeof(field), ".hugepageLimits[%zu].limit", i);
		snprintf(file, sizeof(file), "hugetlb.%s.max", h->page_size);
		if (cg_writef(c, field, dir, file, err, "%" PRIu64, h->limit) < 0)
			return -1;
		snprintf(file, sizeof(file), "hugetlb.%s.rsvd.max", h->page_size);
		if (cg_has(dir, file) && cg_writef(c, field, dir, file, err, "%" PRIu64, h->limit) < 0)
			return -1;
	}
	return 0;
}
