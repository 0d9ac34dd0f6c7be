/* linux.resources -> cgroup files. Each resource goes to the hierarchy
 * that holds its controller, v1 or v2, so v1, v2 and hybrid hosts share
 * this one dispatch. Everything checkable is checked before the first
 * write (cgroup_check), so a config the host cannot honour fails before
 * anything is made. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup-internal.h"
#include "husk/cleanup.h"
#include "husk/log.h"
#include "husk/oci.h"

uint64_t cgroup_shares_to_weight(uint64_t shares)
{
	double l, exponent;

	if (shares == 0)
		return 0;
	if (shares <= 2)
		return 1;
	if (shares >= 262144)
		return 10000;
	/* a quadratic in log2(shares) through (2, 1), (1024, 100) and
	 * (262144, 10000): the defaults of v1 and v2 line up, unlike the old
	 * linear mapping that made 1024 shares weight 39 */
	l = log2((double)shares);
	exponent = (l * l + 125 * l) / 612.0 - 7.0 / 34.0;
	return (uint64_t)ceil(pow(10, exponent));
}

uint64_t cgroup_blkio_to_io_weight(uint64_t weight)
{
	if (weight == 0)
		return 0;
	return 1 + (weight - 10) * 9999 / 990;
}

bool cg_hugepage_size(const char *name, uint64_t *bytes)
{
	char *end;
	unsigned long long n;

	if (!name || name[0] < '1' || name[0] > '9')
		return false;
	n = strtoull(name, &end, 10);
	if (!strcmp(end, "KB"))
		*bytes = n << 10;
	else if (!strcmp(end, "MB"))
		*bytes = n << 20;
	else if (!strcmp(end, "GB"))
		*bytes = n << 30;
	else
		return false;
	return n > 0 && n < (1u << 20);
}

/* The page sizes this host has, in the kernel's names: "2MB, 1GB". */
static void host_page_sizes(const char *dir, char *out, size_t size)
{
	DIR *d = opendir(dir ? dir : "/sys/kernel/mm/hugepages");
	struct dirent *de;
	size_t n = 0;

	out[0] = '\0';
	while (d && (de = readdir(d))) {
		unsigned long long kb;

		if (sscanf(de->d_name, "hugepages-%llukB", &kb) != 1)
			continue;
		if (kb >= (1u << 20))
			n += snprintf(out + n, size - n, "%s%lluGB", n ? ", " : "", kb >> 20);
		else if (kb >= (1u << 10))
			n += snprintf(out + n, size - n, "%s%lluMB", n ? ", " : "", kb >> 10);
		else
			n += snprintf(out + n, size - n, "%s%lluKB", n ? ", " : "", kb);
		if (n >= size)
			break;
	}
	if (d)
		closedir(d);
}

static bool in_list(const char *list, const char *item)
{
	size_t len = strlen(item);

	for (const char *p = strstr(list, item); p; p = strstr(p + 1, item))
		if ((p == list || p[-1] == ' ' || p[-1] == ',') && (p[len] == ',' || p[len] == '\0'))
			return true;
	return false;
}

static bool memory_set(const struct oci_memory *m)
{
	return m && (m->limit.set || m->reservation.set || m->swap.set || m->kernel.set ||
		     m->kernel_tcp.set || m->swappiness.set || m->disable_oom_killer.set ||
		     m->use_hierarchy.set);
}

static bool cpu_set(const struct oci_cpu *c)
{
	return c && (c->shares.set || c->quota.set || c->period.set || c->burst.set ||
		     c->realtime_runtime.set || c->realtime_period.set || c->idle.set);
}

static bool cpuset_set(const struct oci_cpu *c)
{
	return c && ((c->cpus && *c->cpus) || (c->mems && *c->mems));
}

static bool blkio_set(const struct oci_block_io *b)
{
	return b && (b->weight.set || b->leaf_weight.set || b->n_weight_device ||
		     b->n_throttle_read_bps || b->n_throttle_write_bps ||
		     b->n_throttle_read_iops || b->n_throttle_write_iops);
}

/* The hierarchy of a controller, or an error naming the field. */
static const struct cgroup_hierarchy *need(const struct cg_ctx *c, const char *field,
					   const char *ctrl, struct husk_err **err)
{
	const struct cgroup_hierarchy *h = cgroup_find(c->l, ctrl);

	if (!h)
		cg_fail(c, field, err, "the %s cgroup controller is not available on this host "
			"(cgroup %s)", ctrl, cgroup_mode_name(c->l->mode));
	return h;
}

static const struct cgroup_hierarchy *blkio_hierarchy(const struct cgroup_layout *l)
{
	const struct cgroup_hierarchy *h = cgroup_find(l, "blkio");

	return h && !h->v2 ? h : cgroup_find(l, "io");
}

static int check_unified(const struct cg_ctx *c, const struct oci_map *u, struct husk_err **err)
{
	const struct cgroup_hierarchy *v2 = cgroup_v2(c->l);

	if (!u->n)
		return 0;
	if (!v2)
		return cg_fail(c, ".unified", err, "needs cgroup v2, and this host has cgroup v1 only");
	for (size_t i = 0; i < u->n; i++) {
		const char *k = u->v[i].key;
		const char *dot = strchr(k, '.');
		char field[300], ctrl[64];

		snprintf(field, sizeof(field), ".unified[\"%s\"]", k);
		if (!dot || dot == k || strchr(k, '/') || !strcmp(k, ".") || !strcmp(k, ".."))
			return cg_fail(c, field, err, "not a cgroup v2 file name (controller.knob)");
		if (!strcmp(k, "cgroup.procs") || !strcmp(k, "cgroup.threads") ||
		    !strcmp(k, "cgroup.kill") || !strcmp(k, "cgroup.subtree_control"))
			return cg_fail(c, field, err, "husk manages this file itself");
		snprintf(ctrl, sizeof(ctrl), "%.*s", (int)(dot - k), k);
		if (strcmp(ctrl, "cgroup") && !in_list(v2->controllers, ctrl) &&
		    strcmp(ctrl, "cpu") /* cpu.stat, cpu.pressure are core */) {
			if (c->l->mode == CGROUP_HYBRID)
				return cg_fail(c, field, err, "the %s controller is not on the cgroup v2 "
					       "hierarchy of this hybrid host (%s offers: %s)", ctrl,
					       v2->mount, v2->controllers[0] ? v2->controllers : "none");
			return cg_fail(c, field, err, "the %s controller is not available (%s offers: %s)",
				       ctrl, v2->mount, v2->controllers[0] ? v2->controllers : "none");
		}
	}
	return 0;
}

static int check_hugetlb(const struct cg_ctx *c, const struct oci_resources *r,
			 struct husk_err **err)
{
	char sizes[256], field[64];

	if (!r->n_hugepage_limits)
		return 0;
	if (!need(c, ".hugepageLimits", "hugetlb", err))
		return -1;
	host_page_sizes(c->o->hugepages_dir, sizes, sizeof(sizes));
	for (size_t i = 0; i < r->n_hugepage_limits; i++) {
		const char *ps = r->hugepage_limits[i].page_size;
		uint64_t bytes;

		snprintf(field, sizeof(field), ".hugepageLimits[%zu].pageSize", i);
		if (!cg_hugepage_size(ps, &bytes))
			return cg_fail(c, field, err, "\"%s\" is not a page size like \"2MB\" or \"1GB\"",
				       ps ? ps : "");
		if (!in_list(sizes, ps))
			return cg_fail(c, field, err, "this host has no %s huge pages (it has: %s)",
				       ps, sizes[0] ? sizes : "none");
	}
	return 0;
}

static int check_memory(const struct cg_ctx *c, const struct oci_memory *m, struct husk_err **err)
{
	const struct cgroup_hierarchy *h;

	if (!memory_set(m))
		return 0;
	if (!(h = need(c, ".memory", "memory", err)))
		return -1;
	if (m->swappiness.set && m->swappiness.v > 100)
		return cg_fail(c, ".memory.swappiness", err, "%" PRIu64 " is out of range 0-100",
			       m->swappiness.v);
	if (m->limit.set && m->limit.v < -1)
		return cg_fail(c, ".memory.limit", err, "%" PRId64 " is negative (-1 means unlimited)",
			       m->limit.v);
	if (m->swap.set && m->swap.v < -1)
		return cg_fail(c, ".memory.swap", err, "%" PRId64 " is negative (-1 means unlimited)",
			       m->swap.v);
	if (m->reservation.set && m->reservation.v < -1)
		return cg_fail(c, ".memory.reservation", err, "%" PRId64 " is negative (-1 means unlimited)",
			       m->reservation.v);
	if (m->limit.set && m->swap.set && m->limit.v > 0 && m->swap.v > 0 && m->swap.v < m->limit.v)
		return cg_fail(c, ".memory.swap", err, "%" PRId64 " is below the memory limit %" PRId64
			       " (swap is the limit of memory plus swap)", m->swap.v, m->limit.v);
	if (h->v2 && m->swap.set && m->swap.v > 0 && (!m->limit.set || m->limit.v <= 0) && !c->o->update)
		return cg_fail(c, ".memory.swap", err, "needs a memory limit on cgroup v2 (swap is "
			       "memory plus swap; memory.swap.max is swap alone)");
	return 0;
}

static int check_cpu(const struct cg_ctx *c, const struct oci_cpu *cpu, struct husk_err **err)
{
	const struct cgroup_hierarchy *h;

	if (cpu_set(cpu)) {
		if (!(h = need(c, ".cpu", "cpu", err)))
			return -1;
		if (h->v2 && (cpu->realtime_runtime.set || cpu->realtime_period.set))
			return cg_fail(c, cpu->realtime_runtime.set ? ".cpu.realtimeRuntime" :
				       ".cpu.realtimePeriod", err, "realtime scheduling limits are "
				       "cgroup v1 only (cpu.rt_*); cgroup v2 has no equivalent");
		if (cpu->shares.set && cpu->shares.v && (cpu->shares.v < 2 || cpu->shares.v > 262144))
			return cg_fail(c, ".cpu.shares", err, "%" PRIu64 " is out of range 2-262144",
				       cpu->shares.v);
		if (cpu->quota.set && cpu->quota.v < -1)
			return cg_fail(c, ".cpu.quota", err, "%" PRId64 " is negative (-1 means unlimited)",
				       cpu->quota.v);
		if (cpu->period.set && cpu->period.v && (cpu->period.v < 1000 || cpu->period.v > 1000000))
			return cg_fail(c, ".cpu.period", err, "%" PRIu64 " is out of range 1000-1000000 "
				       "microseconds", cpu->period.v);
		if (cpu->idle.set && cpu->idle.v != 0 && cpu->idle.v != 1)
			return cg_fail(c, ".cpu.idle", err, "%" PRId64 " must be 0 or 1", cpu->idle.v);
	}
	if (cpuset_set(cpu) && !need(c, cpu->cpus && *cpu->cpus ? ".cpu.cpus" : ".cpu.mems",
				     "cpuset", err))
		return -1;
	return 0;
}

static int check_blkio(const struct cg_ctx *c, const struct oci_block_io *b, struct husk_err **err)
{
	char field[96];

	if (!blkio_set(b))
		return 0;
	if (!blkio_hierarchy(c->l))
		return cg_fail(c, ".blockIO", err, "neither the blkio (v1) nor the io (v2) cgroup "
			       "controller is available on this host (cgroup %s)",
			       cgroup_mode_name(c->l->mode));
	if (b->weight.set && b->weight.v && (b->weight.v < 10 || b->weight.v > 1000))
		return cg_fail(c, ".blockIO.weight", err, "%u is out of range 10-1000", b->weight.v);
	for (size_t i = 0; i < b->n_weight_device; i++) {
		const struct oci_weight_device *d = &b->weight_device[i];

		snprintf(field, sizeof(field), ".blockIO.weightDevice[%zu].weight", i);
		if (d->weight.set && d->weight.v && (d->weight.v < 10 || d->weight.v > 1000))
			return cg_fail(c, field, err, "%u is out of range 10-1000", d->weight.v);
	}
	return 0;
}

int cgroup_check(const struct cgroup_layout *l, const struct oci_resources *r,
		 const struct cgroup_apply_opts *o, struct husk_err **err)
{
	struct cgroup_apply_opts defaults = { 0 };
	struct cg_ctx c = { .o = o ? o : &defaults, .l = l };

	if (!r)
		return 0;
	if (check_memory(&c, r->memory, err) < 0 || check_cpu(&c, r->cpu, err) < 0 ||
	    check_blkio(&c, r->block_io, err) < 0 || check_hugetlb(&c, r, err) < 0 ||
	    check_unified(&c, &r->unified, err) < 0)
		return -1;
	if (r->has_pids && r->pids_limit.set && !need(&c, ".pids", "pids", err))
		return -1;
	if (r->net_class_id.set && !need(&c, ".network.classID", "net_cls", err))
		return -1;
	if (r->n_net_priorities && !need(&c, ".network.priorities", "net_prio", err))
		return -1;
	if (r->n_rdma && !need(&c, ".rdma", "rdma", err))
		return -1;
	if (r->n_devices && !c.o->update) {
		struct cg_dev_state st;

		if (!need(&c, ".devices", "devices", err))
			return -1;
		if (cg_dev_emulate(r->devices, r->n_devices, true, &st, err) < 0)
			return -1;
		cg_dev_state_free(&st);
	}
	return 0;
}

/* The directory of a controller's hierarchy, enabling the controller
 * along the path when it lives in a v2 hierarchy. */
static int ctrl_dir(const struct cg_ctx *c, const struct cgroup_hierarchy *h, const char *ctrl,
		    char *dir, size_t size, struct husk_err **err)
{
	cg_dir(h, c->path, dir, size);
	if (h->v2 && in_list(h->controllers, ctrl) &&
	    cgv2_enable(h, c->path, ctrl, true, err) < 0)
		return husk_err_wrap(err, "cgroup %s", c->path);
	return 0;
}

static int apply_devices(const struct cg_ctx *c, const struct oci_resources *r,
			 struct husk_err **err)
{
	const struct cgroup_hierarchy *h = cgroup_find(c->l, "devices");
	struct cg_dev_state st;
	char dir[4096];
	int ret;

	if (!r->n_devices || c->o->update)
		return 0;
	if (cg_dev_emulate(r->devices, r->n_devices, true, &st, err) < 0)
		return -1;
	cg_dir(h, c->path, dir, sizeof(dir));
	if (!h->v2) {
		ret = cgv1_devices(c, dir, &st, err);
	} else {
		struct cg_bpf_prog p;

		ret = cg_bpf_compile(&st, &p, err);
		if (ret == 0) {
			ret = cg_bpf_attach(&p, dir, err);
			cg_bpf_free(&p);
		}
		if (ret < 0)
			husk_err_wrap(err, "%s.devices", c->o->what ? c->o->what : "linux.resources");
	}
	cg_dev_state_free(&st);
	return ret;
}

int cgroup_apply(const struct cgroup_layout *l, const char *path,
		 const struct oci_resources *r, const struct cgroup_apply_opts *o,
		 struct husk_err **err)
{
	struct cgroup_apply_opts defaults = { 0 };
	struct cg_ctx c = { .o = o ? o : &defaults, .l = l, .path = path };
	const struct cgroup_hierarchy *h;
	char dir[4096];

	if (!r)
		return 0;
	if (cgroup_check(l, r, c.o, err) < 0)
		return -1;
	if (apply_devices(&c, r, err) < 0)
		return -1;
	if (cpuset_set(r->cpu)) {
		h = cgroup_find(l, "cpuset");
		if (ctrl_dir(&c, h, "cpuset", dir, sizeof(dir), err) < 0 ||
		    (h->v2 ? cgv2_cpuset(&c, dir, r->cpu, err) : cgv1_cpuset(&c, dir, r->cpu, err)) < 0)
			return -1;
	}
	if (memory_set(r->memory)) {
		h = cgroup_find(l, "memory");
		if (ctrl_dir(&c, h, "memory", dir, sizeof(dir), err) < 0 ||
		    (h->v2 ? cgv2_memory(&c, dir, r->memory, err) :
			     cgv1_memory(&c, dir, r->memory, err)) < 0)
			return -1;
	}
	if (cpu_set(r->cpu)) {
		h = cgroup_find(l, "cpu");
		if (ctrl_dir(&c, h, "cpu", dir, sizeof(dir), err) < 0 ||
		    (h->v2 ? cgv2_cpu(&c, dir, r->cpu, err) : cgv1_cpu(&c, h, dir, r->cpu, err)) < 0)
			return -1;
	}
	if (r->has_pids && r->pids_limit.set && r->pids_limit.v != 0) {
		h = cgroup_find(l, "pids");
		if (ctrl_dir(&c, h, "pids", dir, sizeof(dir), err) < 0 ||
		    cg_pids(&c, dir, r->pids_limit.v, err) < 0)
			return -1;
	}
	if (blkio_set(r->block_io)) {
		h = blkio_hierarchy(l);
		if (ctrl_dir(&c, h, "io", dir, sizeof(dir), err) < 0 ||
		    (h->v2 ? cgv2_io(&c, dir, r->block_io, err) :
			     cgv1_blkio(&c, dir, r->block_io, err)) < 0)
			return -1;
	}
	if (r->n_hugepage_limits) {
		h = cgroup_find(l, "hugetlb");
		if (ctrl_dir(&c, h, "hugetlb", dir, sizeof(dir), err) < 0 ||
		    (h->v2 ? cgv2_hugetlb(&c, dir, r, err) : cgv1_hugetlb(&c, dir, r, err)) < 0)
			return -1;
	}
	if (r->net_class_id.set || r->n_net_priorities) {
		char cls[4096] = "", prio[4096] = "";

		if ((h = cgroup_find(l, "net_cls")))
			cg_dir(h, path, cls, sizeof(cls));
		if ((h = cgroup_find(l, "net_prio")))
			cg_dir(h, path, prio, sizeof(prio));
		if (cgv1_net(&c, cls, prio, r, err) < 0)
			return -1;
	}
	if (r->n_rdma) {
		h = cgroup_find(l, "rdma");
		if (ctrl_dir(&c, h, "rdma", dir, sizeof(dir), err) < 0 || cg_rdma(&c, dir, r, err) < 0)
			return -1;
	}
	if (r->unified.n) {
		h = cgroup_v2(l);
		cg_dir(h, path, dir, sizeof(dir));
		for (size_t i = 0; i < r->unified.n; i++) {
			const char *k = r->unified.v[i].key;
			char ctrl[64];

			snprintf(ctrl, sizeof(ctrl), "%.*s", (int)strcspn(k, "."), k);
			if (in_list(h->controllers, ctrl) && cgv2_enable(h, path, ctrl, true, err) < 0)
				return husk_err_wrap(err, "cgroup %s", path);
		}
		if (cgv2_unified(&c, dir, &r->unified, err) < 0)
			return -1;
	}
	return 0;
}

/* ------------------------------------------------- shared by v1 and v2 */

int cg_pids(const struct cg_ctx *c, const char *dir, int64_t limit, struct husk_err **err)
{
	if (limit < 0)
		return cg_write(c, ".pids.limit", dir, "pids.max", "max", err);
	return cg_writef(c, ".pids.limit", dir, "pids.max", err, "%" PRId64, limit);
}

int cg_rdma(const struct cg_ctx *c, const char *dir, const struct oci_resources *r,
	    struct husk_err **err)
{
	for (size_t i = 0; i < r->n_rdma; i++) {
		const struct oci_rdma *d = &r->rdma[i];
		char field[300], handles[32] = "max", objects[32] = "max";

		snprintf(field, sizeof(field), ".rdma[\"%s\"]", d->device);
		if (!d->hca_handles.set && !d->hca_objects.set)
			continue;
		if (d->hca_handles.set)
			snprintf(handles, sizeof(handles), "%u", d->hca_handles.v);
		if (d->hca_objects.set)
			snprintf(objects, sizeof(objects), "%u", d->hca_objects.v);
		if (cg_writef(c, field, dir, "rdma.max", err, "%s hca_handle=%s hca_object=%s",
			      d->device, handles, objects) < 0)
			return -1;
	}
	return 0;
}

/* unified keys are written last, so they override what the structured
 * fields wrote (as runc and crun do). */
int cgv2_unified(const struct cg_ctx *c, const char *dir, const struct oci_map *u,
		 struct husk_err **err)
{
	for (size_t i = 0; i < u->n; i++) {
		char field[300];

		snprintf(field, sizeof(field), ".unified[\"%s\"]", u->v[i].key);
		if (cg_write(c, field, dir, u->v[i].key, u->v[i].value, err) < 0)
			return -1;
	}
	return 0;
}

/* v1 net_cls / net_prio; there is no v2 equivalent (an eBPF program
 * attached by a network manager does that job there). */
int cgv1_net(const struct cg_ctx *c, const char *cls_dir, const char *prio_dir,
	     const struct oci_resources *r, struct husk_err **err)
{
	if (r->net_class_id.set &&
	    cg_writef(c, ".network.classID", cls_dir, "net_cls.classid", err, "%u",
		      r->net_class_id.v) < 0)
		return -1;
	for (size_t i = 0; i < r->n_net_priorities; i++) {
		char field[64];

		snprintf(field, sizeof(field), ".network.priorities[%zu]", i);
		if (cg_writef(c, field, prio_dir, "net_prio.ifpriomap", err, "%s %u",
			      r->net_priorities[i].name, r->net_priorities[i].priority) < 0)
			return -1;
	}
	return 0;
}
