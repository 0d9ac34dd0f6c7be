/* pause, resume, update, ps and runc-style events: the container's state
 * decides what is allowed, its cgroup does the work. */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "husk/cgctl.h"
#include "husk/cleanup.h"
#include "husk/events.h"
#include "husk/proc.h"
#include "husk/state.h"

/* The container, its state and the host's cgroup layout. */
struct target {
	struct state_dir sd;
	struct container_state st;
	struct cgroup_layout l;
	const char *status;
};

static int open_target(const char *root, const char *id, bool lock, struct target *t,
		       struct husk_err **err)
{
	memset(t, 0, sizeof(*t));
	if (state_open(root, id, lock, &t->sd, err) < 0)
		return -1;
	if (state_read(&t->sd, &t->st, err) < 0) {
		state_close(&t->sd);
		return -1;
	}
	t->status = state_status(&t->sd, &t->st);
	if (!t->st.cgroup_path) {
		husk_error(err, 0, "container \"%s\" has no cgroup", id);
	} else if (cgroup_layout_detect(&t->l, err) == 0) {
		return 0;
	}
	state_free(&t->st);
	state_close(&t->sd);
	return -1;
}

static void close_target(struct target *t)
{
	cgroup_layout_free(&t->l);
	state_free(&t->st);
	state_close(&t->sd);
}

int cgctl_pause(const char *root, const char *id, struct husk_err **err)
{
	struct target t;
	int ret = -1;

	if (open_target(root, id, true, &t, err) < 0)
		return -1;
	if (strcmp(t.status, "running") && strcmp(t.status, "created"))
		husk_error(err, 0, "cannot pause container \"%s\": it is %s, not running", id, t.status);
	else if (cgroup_freeze(&t.l, t.st.cgroup_path, true, CGCTL_FREEZE_TIMEOUT_MS, err) == 0)
		ret = 0;
	if (ret == 0)
		events_append(t.sd.fd, id, "paused", NULL);
	close_target(&t);
	return ret < 0 ? husk_err_wrap(err, "pause \"%s\"", id) : 0;
}

int cgctl_resume(const char *root, const char *id, struct husk_err **err)
{
	struct target t;
	int ret = -1;

	if (open_target(root, id, true, &t, err) < 0)
		return -1;
	if (strcmp(t.status, "paused"))
		husk_error(err, 0, "cannot resume container \"%s\": it is %s, not paused", id, t.status);
	else if (cgroup_freeze(&t.l, t.st.cgroup_path, false, CGCTL_FREEZE_TIMEOUT_MS, err) == 0)
		ret = 0;
	if (ret == 0)
		events_append(t.sd.fd, id, "resumed", NULL);
	close_target(&t);
	return ret < 0 ? husk_err_wrap(err, "resume \"%s\"", id) : 0;
}

int cgctl_update(const char *root, const char *id, const struct oci_resources *r,
		 const struct cgroup_apply_opts *o, struct husk_err **err)
{
	struct cgroup_apply_opts opts = *o;
	struct target t;
	int ret = -1;

	opts.update = true;
	if (open_target(root, id, true, &t, err) < 0)
		return -1;
	if (!strcmp(t.status, "stopped") || !strcmp(t.status, "creating"))
		husk_error(err, 0, "cannot update container \"%s\": it is %s", id, t.status);
	else
		ret = cgroup_apply(&t.l, t.st.cgroup_path, r, &opts, err);
	close_target(&t);
	return ret < 0 ? husk_err_wrap(err, "update \"%s\"", id) : 0;
}

int cgctl_pids(const char *root, const char *id, pid_t **pids, size_t *n,
	       struct husk_err **err)
{
	struct target t;
	int ret = -1;

	*pids = NULL;
	*n = 0;
	if (open_target(root, id, false, &t, err) < 0)
		return -1;
	if (!strcmp(t.status, "stopped"))
		husk_error(err, 0, "container \"%s\" is not running", id);
	else
		ret = cgroup_pids(&t.l, t.st.cgroup_path, pids, n, err);
	close_target(&t);
	return ret;
}

/* ------------------------------------------------------------- JSON */

static void key(yajl_gen g, const char *k)
{
	yajl_gen_string(g, (const unsigned char *)k, strlen(k));
}

static void u64(yajl_gen g, uint64_t v)
{
	char buf[24];
	int n = snprintf(buf, sizeof(buf), "%" PRIu64, v);

	yajl_gen_number(g, buf, n);
}

/* Go's encoding/json: "omitempty" drops zero numbers */
static void key_u64(yajl_gen g, const char *k, uint64_t v, bool omitempty)
{
	if (omitempty && !v)
		return;
	key(g, k);
	u64(g, v);
}

static void key_u64s(yajl_gen g, const char *k, const uint64_t *v, size_t n)
{
	if (!n)
		return;
	key(g, k);
	yajl_gen_array_open(g);
	for (size_t i = 0; i < n; i++)
		u64(g, v[i]);
	yajl_gen_array_close(g);
}

static void key_u16s(yajl_gen g, const char *k, const uint16_t *v, size_t n)
{
	if (!n)
		return;
	key(g, k);
	yajl_gen_array_open(g);
	for (size_t i = 0; i < n; i++)
		u64(g, v[i]);
	yajl_gen_array_close(g);
}

static void mem_entry(yajl_gen g, const char *k, const struct cgroup_mem_entry *e)
{
	key(g, k);
	yajl_gen_map_open(g);
	key_u64(g, "limit", e->limit, false);
	key_u64(g, "usage", e->usage, true);
	key_u64(g, "max", e->max, true);
	key_u64(g, "failcnt", e->failcnt, false);
	yajl_gen_map_close(g);
}

static void blkio_entries(yajl_gen g, const char *k, const struct cgroup_blkio_entry *v, size_t n)
{
	if (!n)
		return;
	key(g, k);
	yajl_gen_array_open(g);
	for (size_t i = 0; i < n; i++) {
		yajl_gen_map_open(g);
		key_u64(g, "major", v[i].major, true);
		key_u64(g, "minor", v[i].minor, true);
		if (v[i].op[0]) {
			key(g, "op");
			yajl_gen_string(g, (const unsigned char *)v[i].op, strlen(v[i].op));
		}
		key_u64(g, "value", v[i].value, true);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
}

static int cmp_kv(const void *a, const void *b)
{
	return strcmp(((const struct cgroup_kv *)a)->key, ((const struct cgroup_kv *)b)->key);
}

static int cmp_huge(const void *a, const void *b)
{
	return strcmp(((const struct cgroup_hugetlb_stats *)a)->size,
		      ((const struct cgroup_hugetlb_stats *)b)->size);
}

static void gen_stats(yajl_gen g, const struct cgroup_stats *s)
{
	yajl_gen_map_open(g);
	key(g, "cpu");
	yajl_gen_map_open(g);
	key(g, "usage");
	yajl_gen_map_open(g);
	key_u64(g, "total", s->cpu.total, true);
	key_u64s(g, "percpu", s->cpu.percpu, s->cpu.n_percpu);
	key_u64s(g, "percpu_kernel", s->cpu.percpu_kernel, s->cpu.n_percpu_kernel);
	key_u64s(g, "percpu_user", s->cpu.percpu_user, s->cpu.n_percpu_user);
	key_u64(g, "kernel", s->cpu.kernel, false);
	key_u64(g, "user", s->cpu.user, false);
	yajl_gen_map_close(g);
	key(g, "throttling");
	yajl_gen_map_open(g);
	key_u64(g, "periods", s->cpu.periods, true);
	key_u64(g, "throttledPeriods", s->cpu.throttled_periods, true);
	key_u64(g, "throttledTime", s->cpu.throttled_time, true);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);

	key(g, "cpuset");
	yajl_gen_map_open(g);
	key_u16s(g, "cpus", s->cpuset.cpus, s->cpuset.n_cpus);
	key_u64(g, "cpu_exclusive", s->cpuset.cpu_exclusive, false);
	key_u16s(g, "mems", s->cpuset.mems, s->cpuset.n_mems);
	key_u64(g, "mem_hardwall", s->cpuset.mem_hardwall, false);
	key_u64(g, "mem_exclusive", s->cpuset.mem_exclusive, false);
	key_u64(g, "memory_migrate", s->cpuset.memory_migrate, false);
	key_u64(g, "memory_spread_page", s->cpuset.memory_spread_page, false);
	key_u64(g, "memory_spread_slab", s->cpuset.memory_spread_slab, false);
	key_u64(g, "memory_pressure", s->cpuset.memory_pressure, false);
	key_u64(g, "sched_load_balance", s->cpuset.sched_load_balance, false);
	key(g, "sched_relax_domain_level");
	yajl_gen_integer(g, s->cpuset.sched_relax_domain_level);
	yajl_gen_map_close(g);

	key(g, "memory");
	yajl_gen_map_open(g);
	key_u64(g, "cache", s->memory.cache, true);
	mem_entry(g, "usage", &s->memory.usage);
	mem_entry(g, "swap", &s->memory.swap);
	mem_entry(g, "kernel", &s->memory.kernel);
	mem_entry(g, "kernelTCP", &s->memory.kernel_tcp);
	if (s->memory.n_raw) {
		struct cgroup_kv *sorted = malloc(s->memory.n_raw * sizeof(*sorted));

		key(g, "raw");
		yajl_gen_map_open(g);
		if (sorted) {
			memcpy(sorted, s->memory.raw, s->memory.n_raw * sizeof(*sorted));
			qsort(sorted, s->memory.n_raw, sizeof(*sorted), cmp_kv);
			for (size_t i = 0; i < s->memory.n_raw; i++)
				key_u64(g, sorted[i].key, sorted[i].value, false);
			free(sorted);
		}
		yajl_gen_map_close(g);
	}
	key(g, "event_count");
	yajl_gen_map_open(g);
	key_u64(g, "low", s->memory.ev_low, true);
	key_u64(g, "high", s->memory.ev_high, true);
	key_u64(g, "max", s->memory.ev_max, true);
	key_u64(g, "oom", s->memory.ev_oom, true);
	key_u64(g, "oom_kill", s->memory.ev_oom_kill, true);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);

	key(g, "pids");
	yajl_gen_map_open(g);
	key_u64(g, "current", s->pids.current, true);
	key_u64(g, "limit", s->pids.limit, true);
	yajl_gen_map_close(g);

	key(g, "blkio");
	yajl_gen_map_open(g);
	blkio_entries(g, "ioServiceBytesRecursive", s->blkio.service_bytes, s->blkio.n_service_bytes);
	blkio_entries(g, "ioServicedRecursive", s->blkio.serviced, s->blkio.n_serviced);
	yajl_gen_map_close(g);

	key(g, "hugetlb");
	yajl_gen_map_open(g);
	if (s->n_hugetlb) {
		struct cgroup_hugetlb_stats *sorted = malloc(s->n_hugetlb * sizeof(*sorted));

		if (sorted) {
			memcpy(sorted, s->hugetlb, s->n_hugetlb * sizeof(*sorted));
			qsort(sorted, s->n_hugetlb, sizeof(*sorted), cmp_huge);
			for (size_t i = 0; i < s->n_hugetlb; i++) {
				key(g, sorted[i].size);
				yajl_gen_map_open(g);
				key_u64(g, "usage", sorted[i].usage, true);
				key_u64(g, "max", sorted[i].max, true);
				key_u64(g, "failcnt", sorted[i].failcnt, false);
				yajl_gen_map_close(g);
			}
			free(sorted);
		}
	}
	yajl_gen_map_close(g);
	key(g, "intel_rdt");
	yajl_gen_map_open(g);
	yajl_gen_map_close(g);
	key(g, "network_interfaces");
	yajl_gen_null(g);
	yajl_gen_map_close(g);
}

static char *event_json(const char *type, const char *id, const struct cgroup_stats *s,
			struct husk_err **err)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;
	char *out;

	if (!g) {
		husk_error(err, ENOMEM, "events");
		return NULL;
	}
	yajl_gen_map_open(g);
	key(g, "type");
	yajl_gen_string(g, (const unsigned char *)type, strlen(type));
	key(g, "id");
	yajl_gen_string(g, (const unsigned char *)id, strlen(id));
	if (s) {
		key(g, "data");
		gen_stats(g, s);
	}
	yajl_gen_map_close(g);
	if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok) {
		yajl_gen_free(g);
		husk_error(err, 0, "events: JSON of \"%s\"", id);
		return NULL;
	}
	out = strndup((const char *)buf, len);
	yajl_gen_free(g);
	if (!out)
		husk_error(err, ENOMEM, "events");
	return out;
}

char *cgctl_stats_json(const char *id, const struct cgroup_stats *s, struct husk_err **err)
{
	return event_json("stats", id, s, err);
}

/* ------------------------------------------------------------- events */

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static int print_stats(const struct target *t, const char *id, FILE *out, struct husk_err **err)
{
	struct cgroup_stats s;
	cleanup_free char *line = NULL;

	if (cgroup_stats(&t->l, t->st.cgroup_path, &s, err) < 0)
		return -1;
	line = cgctl_stats_json(id, &s, err);
	cgroup_stats_free(&s);
	if (!line)
		return -1;
	fprintf(out, "%s\n", line);
	fflush(out);
	return 0;
}

int cgctl_events(const char *root, const char *id, long interval_ms, FILE *out,
		 struct husk_err **err)
{
	struct target t;
	struct cgroup_oom_watch w = { .fd = -1 };
	cleanup_close int pidfd = -1;
	long long next;
	int ret = -1;

	if (open_target(root, id, false, &t, err) < 0)
		return -1;
	/* nothing more is read from the state: no need to keep it open */
	state_close(&t.sd);
	if (!strcmp(t.status, "stopped")) {
		husk_error(err, 0, "events: container \"%s\" is not running", id);
		goto out;
	}
	if (interval_ms <= 0) {
		ret = print_stats(&t, id, out, err);
		goto out;
	}
	pidfd = proc_pidfd(t.st.pid, t.st.pid_start);
	if (pidfd < 0) {
		husk_error(err, 0, "events: container \"%s\" is not running", id);
		goto out;
	}
	/* without a memory controller there are no OOM events to wait for */
	if (cgroup_find(&t.l, "memory") &&
	    cgroup_oom_watch_open(&t.l, t.st.cgroup_path, &w, err) < 0)
		goto out;
	next = now_ms() + interval_ms;
	for (;;) {
		struct pollfd p[2] = { { .fd = pidfd, .events = POLLIN }, { .fd = w.fd, .events = POLLIN } };
		long long wait = next - now_ms();
		int r = poll(p, w.fd >= 0 ? 2 : 1, wait > 0 ? (int)(wait > 60000 ? 60000 : wait) : 0);

		if (r < 0 && errno != EINTR) {
			husk_syserr(err, "events: poll");
			goto out;
		}
		if (r > 0 && (p[1].revents & POLLIN)) {
			int n = cgroup_oom_watch_read(&w);

			for (int i = 0; i < n; i++) {
				cleanup_free char *line = event_json("oom", id, NULL, err);

				if (!line)
					goto out;
				fprintf(out, "%s\n", line);
				fflush(out);
			}
			if (n < 0)
				break;	/* the cgroup is gone */
		}
		if (r > 0 && (p[0].revents & POLLIN))
			break;		/* the init is gone: so is the container */
		if (now_ms() >= next) {
			if (print_stats(&t, id, out, err) < 0) {
				/* it stopped between two looks: not an error */
				if (!proc_alive(t.st.pid, t.st.pid_start)) {
					husk_err_free(err);
					break;
				}
				goto out;
			}
			next += interval_ms;
			if (next < now_ms())
				next = now_ms() + interval_ms;
		}
	}
	ret = 0;
out:
	cgroup_oom_watch_close(&w);
	cgroup_layout_free(&t.l);
	state_free(&t.st);
	return ret;
}
