/* Statistics of a container's cgroup (runc's types.Stats) and OOM
 * notifications, from whichever hierarchy holds each controller. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "cgroup-internal.h"
#include "husk/cleanup.h"
#include "husk/fs.h"

/* "1 2 3" -> array */
static size_t read_u64s(const char *dir, const char *file, uint64_t **out)
{
	cleanup_free char *buf = cg_read(dir, file);
	size_t n = 0, cap = 0;

	*out = NULL;
	for (char *p = buf; p && *p; ) {
		char *end;
		uint64_t v = strtoull(p, &end, 10);

		if (end == p)
			break;
		if (n == cap) {
			uint64_t *grown = realloc(*out, (cap = cap ? cap * 2 : 8) * sizeof(*grown));

			if (!grown)
				break;
			*out = grown;
		}
		(*out)[n++] = v;
		p = end;
	}
	return n;
}

/* cpuset list "0-2,5" -> [0,1,2,5] */
static size_t read_cpulist(const char *dir, const char *file, uint16_t **out)
{
	cleanup_free char *buf = cg_read(dir, file);
	size_t n = 0, cap = 0;

	*out = NULL;
	for (char *p = buf; p && *p && *p != '\n'; ) {
		char *end;
		unsigned long a = strtoul(p, &end, 10), b;

		if (end == p)
			break;
		b = a;
		p = end;
		if (*p == '-') {
			b = strtoul(p + 1, &end, 10);
			p = end;
		}
		for (unsigned long i = a; i <= b && i < 65536; i++) {
			if (n == cap) {
				uint16_t *grown = realloc(*out, (cap = cap ? cap * 2 : 16) * sizeof(*grown));

				if (!grown)
					return n;
				*out = grown;
			}
			(*out)[n++] = (uint16_t)i;
		}
		if (*p == ',')
			p++;
	}
	return n;
}

static void cpu_v1(const char *acct, const char *cpu, struct cgroup_stats *s)
{
	long ticks = sysconf(_SC_CLK_TCK);
	cleanup_free char *all = NULL;
	uint64_t v;

	if (acct[0]) {
		cg_read_u64(acct, "cpuacct.usage", &s->cpu.total);
		s->cpu.n_percpu = read_u64s(acct, "cpuacct.usage_percpu", &s->cpu.percpu);
		if (ticks <= 0)
			ticks = 100;
		if (cg_read_key(acct, "cpuacct.stat", "user", &v) == 0)
			s->cpu.user = v * (1000000000ULL / (uint64_t)ticks);
		if (cg_read_key(acct, "cpuacct.stat", "system", &v) == 0)
			s->cpu.kernel = v * (1000000000ULL / (uint64_t)ticks);
		/* "cpu user system" then one line per cpu */
		all = cg_read(acct, "cpuacct.usage_all");
		for (char *line = all ? strchr(all, '\n') : NULL; line && line[1]; ) {
			unsigned long long cpuno, user, sys;

			line++;
			if (sscanf(line, "%llu %llu %llu", &cpuno, &user, &sys) == 3) {
				uint64_t *u = realloc(s->cpu.percpu_user, (s->cpu.n_percpu_user + 1) * sizeof(*u));
				uint64_t *k;

				if (!u)
					break;
				s->cpu.percpu_user = u;
				u[s->cpu.n_percpu_user++] = user;
				k = realloc(s->cpu.percpu_kernel, (s->cpu.n_percpu_kernel + 1) * sizeof(*k));
				if (!k)
					break;
				s->cpu.percpu_kernel = k;
				k[s->cpu.n_percpu_kernel++] = sys;
			}
			line = strchr(line, '\n');
		}
	}
	if (cpu[0]) {
		cg_read_key(cpu, "cpu.stat", "nr_periods", &s->cpu.periods);
		cg_read_key(cpu, "cpu.stat", "nr_throttled", &s->cpu.throttled_periods);
		cg_read_key(cpu, "cpu.stat", "throttled_time", &s->cpu.throttled_time);
	}
}

static void cpu_v2(const char *dir, struct cgroup_stats *s)
{
	uint64_t v;

	if (cg_read_key(dir, "cpu.stat", "usage_usec", &v) == 0)
		s->cpu.total = v * 1000;
	if (cg_read_key(dir, "cpu.stat", "user_usec", &v) == 0)
		s->cpu.user = v * 1000;
	if (cg_read_key(dir, "cpu.stat", "system_usec", &v) == 0)
		s->cpu.kernel = v * 1000;
	cg_read_key(dir, "cpu.stat", "nr_periods", &s->cpu.periods);
	cg_read_key(dir, "cpu.stat", "nr_throttled", &s->cpu.throttled_periods);
	if (cg_read_key(dir, "cpu.stat", "throttled_usec", &v) == 0)
		s->cpu.throttled_time = v * 1000;
}

static void cpuset_stats(const char *dir, bool v2, struct cgroup_stats *s)
{
	uint64_t v;

	s->cpuset.n_cpus = read_cpulist(dir, v2 ? "cpuset.cpus.effective" : "cpuset.cpus",
					&s->cpuset.cpus);
	s->cpuset.n_mems = read_cpulist(dir, v2 ? "cpuset.mems.effective" : "cpuset.mems",
					&s->cpuset.mems);
	if (v2)
		return;
	cg_read_u64(dir, "cpuset.cpu_exclusive", &s->cpuset.cpu_exclusive);
	cg_read_u64(dir, "cpuset.mem_hardwall", &s->cpuset.mem_hardwall);
	cg_read_u64(dir, "cpuset.mem_exclusive", &s->cpuset.mem_exclusive);
	cg_read_u64(dir, "cpuset.memory_migrate", &s->cpuset.memory_migrate);
	cg_read_u64(dir, "cpuset.memory_spread_page", &s->cpuset.memory_spread_page);
	cg_read_u64(dir, "cpuset.memory_spread_slab", &s->cpuset.memory_spread_slab);
	cg_read_u64(dir, "cpuset.memory_pressure", &s->cpuset.memory_pressure);
	cg_read_u64(dir, "cpuset.sched_load_balance", &s->cpuset.sched_load_balance);
	if (cg_read_u64(dir, "cpuset.sched_relax_domain_level", &v) == 0)
		s->cpuset.sched_relax_domain_level = v == UINT64_MAX ? -1 : (int64_t)v;
}

static void read_raw(const char *dir, const char *file, struct cgroup_stats *s)
{
	cleanup_free char *buf = cg_read(dir, file);

	for (char *line = buf; line && *line; ) {
		char *nl = strchr(line, '\n'), key[128];
		unsigned long long v;

		if (nl)
			*nl = '\0';
		if (sscanf(line, "%127s %llu", key, &v) == 2) {
			struct cgroup_kv *grown = realloc(s->memory.raw, (s->memory.n_raw + 1) * sizeof(*grown));

			if (!grown)
				break;
			s->memory.raw = grown;
			grown[s->memory.n_raw].key = strdup(key);
			grown[s->memory.n_raw].value = v;
			if (grown[s->memory.n_raw].key)
				s->memory.n_raw++;
		}
		line = nl ? nl + 1 : NULL;
	}
}

static uint64_t raw(const struct cgroup_stats *s, const char *key)
{
	for (size_t i = 0; i < s->memory.n_raw; i++)
		if (!strcmp(s->memory.raw[i].key, key))
			return s->memory.raw[i].value;
	return 0;
}

static void mem_entry(const char *dir, const char *prefix, struct cgroup_mem_entry *e)
{
	char f[96];

	snprintf(f, sizeof(f), "%susage_in_bytes", prefix);
	cg_read_u64(dir, f, &e->usage);
	snprintf(f, sizeof(f), "%smax_usage_in_bytes", prefix);
	cg_read_u64(dir, f, &e->max);
	snprintf(f, sizeof(f), "%sfailcnt", prefix);
	cg_read_u64(dir, f, &e->failcnt);
	snprintf(f, sizeof(f), "%slimit_in_bytes", prefix);
	cg_read_u64(dir, f, &e->limit);
}

static void memory_v1(const char *dir, struct cgroup_stats *s)
{
	read_raw(dir, "memory.stat", s);
	s->memory.cache = raw(s, "cache");
	mem_entry(dir, "memory.", &s->memory.usage);
	mem_entry(dir, "memory.memsw.", &s->memory.swap);
	mem_entry(dir, "memory.kmem.", &s->memory.kernel);
	mem_entry(dir, "memory.kmem.tcp.", &s->memory.kernel_tcp);
	cg_read_key(dir, "memory.oom_control", "oom_kill", &s->memory.ev_oom_kill);
}

static void memory_v2(const char *dir, struct cgroup_stats *s)
{
	uint64_t swap_cur = 0, swap_max = 0;

	read_raw(dir, "memory.stat", s);
	s->memory.cache = raw(s, "file");
	cg_read_u64(dir, "memory.current", &s->memory.usage.usage);
	cg_read_u64(dir, "memory.max", &s->memory.usage.limit);
	cg_read_u64(dir, "memory.peak", &s->memory.usage.max);
	cg_read_key(dir, "memory.events", "max", &s->memory.usage.failcnt);
	/* as v1 reports it: memory plus swap */
	if (cg_read_u64(dir, "memory.swap.current", &swap_cur) == 0) {
		cg_read_u64(dir, "memory.swap.max", &swap_max);
		s->memory.swap.usage = swap_cur + s->memory.usage.usage;
		s->memory.swap.limit = swap_max == UINT64_MAX || s->memory.usage.limit == UINT64_MAX ?
				       UINT64_MAX : swap_max + s->memory.usage.limit;
		cg_read_key(dir, "memory.swap.events", "max", &s->memory.swap.failcnt);
	}
	cg_read_key(dir, "memory.events", "low", &s->memory.ev_low);
	cg_read_key(dir, "memory.events", "high", &s->memory.ev_high);
	cg_read_key(dir, "memory.events", "max", &s->memory.ev_max);
	cg_read_key(dir, "memory.events", "oom", &s->memory.ev_oom);
	cg_read_key(dir, "memory.events", "oom_kill", &s->memory.ev_oom_kill);
}

static int add_blkio(struct cgroup_blkio_entry **v, size_t *n, uint64_t major, uint64_t minor,
		     const char *op, uint64_t value)
{
	struct cgroup_blkio_entry *grown = realloc(*v, (*n + 1) * sizeof(*grown));

	if (!grown)
		return -1;
	*v = grown;
	grown[*n] = (struct cgroup_blkio_entry){ .major = major, .minor = minor, .value = value };
	snprintf(grown[*n].op, sizeof(grown[*n].op), "%s", op);
	(*n)++;
	return 0;
}

/* "254:0 Read 4096" lines; the device-less "Total N" is left out. */
static size_t blkio_file(const char *dir, const char *file, struct cgroup_blkio_entry **v,
			 size_t *n)
{
	cleanup_free char *buf = cg_read(dir, file);
	size_t added = 0;

	for (char *line = buf; line && *line; ) {
		char *nl = strchr(line, '\n'), op[16];
		unsigned long long major, minor, value;

		if (nl)
			*nl = '\0';
		if (sscanf(line, "%llu:%llu %15s %llu", &major, &minor, op, &value) == 4 &&
		    add_blkio(v, n, major, minor, op, value) == 0)
			added++;
		line = nl ? nl + 1 : NULL;
	}
	return added;
}

static void blkio_v1(const char *dir, struct cgroup_stats *s)
{
	/* BFQ's accounting when the devices use it, else the throttling
	 * layer's, which sees all I/O */
	if (!blkio_file(dir, "blkio.bfq.io_service_bytes_recursive", &s->blkio.service_bytes,
			&s->blkio.n_service_bytes))
		blkio_file(dir, "blkio.throttle.io_service_bytes_recursive", &s->blkio.service_bytes,
			   &s->blkio.n_service_bytes);
	if (!blkio_file(dir, "blkio.bfq.io_serviced_recursive", &s->blkio.serviced,
			&s->blkio.n_serviced))
		blkio_file(dir, "blkio.throttle.io_serviced_recursive", &s->blkio.serviced,
			   &s->blkio.n_serviced);
}

static void blkio_v2(const char *dir, struct cgroup_stats *s)
{
	static const struct { const char *key, *op; bool bytes; } keys[] = {
		{ "rbytes", "Read", true }, { "wbytes", "Write", true }, { "dbytes", "Discard", true },
		{ "rios", "Read", false }, { "wios", "Write", false }, { "dios", "Discard", false },
	};
	cleanup_free char *buf = cg_read(dir, "io.stat");

	for (char *line = buf; line && *line; ) {
		char *nl = strchr(line, '\n');
		unsigned long long major, minor;
		int off;

		if (nl)
			*nl = '\0';
		if (sscanf(line, "%llu:%llu%n", &major, &minor, &off) == 2) {
			for (char *tok = line + off; *tok; ) {
				char key[32];
				unsigned long long v;
				int used;

				if (sscanf(tok, " %31[^=]=%llu%n", key, &v, &used) != 2)
					break;
				tok += used;
				for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
					if (strcmp(key, keys[i].key))
						continue;
					if (keys[i].bytes)
						add_blkio(&s->blkio.service_bytes, &s->blkio.n_service_bytes,
							  major, minor, keys[i].op, v);
					else
						add_blkio(&s->blkio.serviced, &s->blkio.n_serviced,
							  major, minor, keys[i].op, v);
				}
			}
		}
		line = nl ? nl + 1 : NULL;
	}
}

static void hugetlb_stats(const char *dir, bool v2, struct cgroup_stats *s)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	const char *suffix = v2 ? ".current" : ".usage_in_bytes";

	while (d && (de = readdir(d))) {
		size_t len = strlen(de->d_name), sl = strlen(suffix);
		struct cgroup_hugetlb_stats *h, *grown;
		char size[16], f[128];

		if (strncmp(de->d_name, "hugetlb.", 8) || len <= 8 + sl ||
		    strcmp(de->d_name + len - sl, suffix) || strstr(de->d_name, ".rsvd."))
			continue;
		snprintf(size, sizeof(size), "%.*s", (int)(len - 8 - sl), de->d_name + 8);
		grown = realloc(s->hugetlb, (s->n_hugetlb + 1) * sizeof(*grown));
		if (!grown)
			break;
		s->hugetlb = grown;
		h = &grown[s->n_hugetlb++];
		memset(h, 0, sizeof(*h));
		snprintf(h->size, sizeof(h->size), "%s", size);
		cg_read_u64(dir, de->d_name, &h->usage);
		if (v2) {
			snprintf(f, sizeof(f), "hugetlb.%s.events", size);
			cg_read_key(dir, f, "max", &h->failcnt);
		} else {
			snprintf(f, sizeof(f), "hugetlb.%s.max_usage_in_bytes", size);
			cg_read_u64(dir, f, &h->max);
			snprintf(f, sizeof(f), "hugetlb.%s.failcnt", size);
			cg_read_u64(dir, f, &h->failcnt);
		}
	}
	if (d)
		closedir(d);
}

static bool dir_of(const struct cgroup_layout *l, const char *path, const char *ctrl,
		   char *dir, size_t size, bool *v2)
{
	const struct cgroup_hierarchy *h = cgroup_find(l, ctrl);

	dir[0] = '\0';
	if (!h)
		return false;
	cg_dir(h, path, dir, size);
	*v2 = h->v2;
	return true;
}

int cgroup_stats(const struct cgroup_layout *l, const char *path, struct cgroup_stats *s,
		 struct husk_err **err)
{
	const struct cgroup_hierarchy *v2h = cgroup_v2(l);
	char dir[4096], cpu[4096];
	bool v2 = false;

	memset(s, 0, sizeof(*s));
	/* a container whose cgroup is gone has no statistics to give */
	if (v2h) {
		cg_dir(v2h, path, dir, sizeof(dir));
		if (access(dir, F_OK) < 0)
			return husk_syserr(err, "cgroup %s", dir);
	} else if (l->n) {
		cg_dir(&l->h[0], path, dir, sizeof(dir));
		if (access(dir, F_OK) < 0)
			return husk_syserr(err, "cgroup %s", dir);
	}
	if (dir_of(l, path, "cpuacct", dir, sizeof(dir), &v2) && !v2) {
		dir_of(l, path, "cpu", cpu, sizeof(cpu), &v2);
		cpu_v1(dir, v2 ? "" : cpu, s);
	} else if (v2h) {
		/* cpu.stat's usage is a core v2 file; periods need the cpu controller */
		cg_dir(v2h, path, dir, sizeof(dir));
		cpu_v2(dir, s);
	}
	if (dir_of(l, path, "cpuset", dir, sizeof(dir), &v2))
		cpuset_stats(dir, v2, s);
	if (dir_of(l, path, "memory", dir, sizeof(dir), &v2))
		v2 ? memory_v2(dir, s) : memory_v1(dir, s);
	if (dir_of(l, path, "pids", dir, sizeof(dir), &v2)) {
		cg_read_u64(dir, "pids.current", &s->pids.current);
		cg_read_u64(dir, "pids.max", &s->pids.limit);
		if (s->pids.limit == UINT64_MAX)
			s->pids.limit = 0;	/* "max": no limit, as runc reports it */
	}
	if (dir_of(l, path, "blkio", dir, sizeof(dir), &v2) && !v2)
		blkio_v1(dir, s);
	else if (dir_of(l, path, "io", dir, sizeof(dir), &v2))
		blkio_v2(dir, s);
	if (dir_of(l, path, "hugetlb", dir, sizeof(dir), &v2))
		hugetlb_stats(dir, v2, s);
	return 0;
}

void cgroup_stats_free(struct cgroup_stats *s)
{
	free(s->cpu.percpu);
	free(s->cpu.percpu_kernel);
	free(s->cpu.percpu_user);
	free(s->cpuset.cpus);
	free(s->cpuset.mems);
	for (size_t i = 0; i < s->memory.n_raw; i++)
		free(s->memory.raw[i].key);
	free(s->memory.raw);
	free(s->blkio.service_bytes);
	free(s->blkio.serviced);
	free(s->hugetlb);
	memset(s, 0, sizeof(*s));
}

/* ----------------------------------------------------------------- OOM */

int cgroup_oom_watch_open(const struct cgroup_layout *l, const char *path,
			  struct cgroup_oom_watch *w, struct husk_err **err)
{
	const struct cgroup_hierarchy *h = cgroup_find(l, "memory");
	char dir[4096], file[4200], buf[64];
	cleanup_close int ctl = -1;
	int len;

	memset(w, 0, sizeof(*w));
	w->fd = -1;
	if (!h)
		return husk_error(err, 0, "OOM events: no memory cgroup controller on this host");
	cg_dir(h, path, dir, sizeof(dir));
	w->dir = strdup(dir);
	w->v2 = h->v2;
	if (!w->dir)
		return husk_error(err, ENOMEM, "OOM events");
	if (h->v2) {
		w->fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
		snprintf(file, sizeof(file), "%s/memory.events", dir);
		if (w->fd < 0 || inotify_add_watch(w->fd, file, IN_MODIFY) < 0) {
			husk_syserr(err, "OOM events: watch %s", file);
			cgroup_oom_watch_close(w);
			return -1;
		}
		cg_read_key(dir, "memory.events", "oom_kill", &w->count);
		return 0;
	}
	/* v1: an eventfd registered for memory.oom_control */
	w->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	snprintf(file, sizeof(file), "%s/memory.oom_control", dir);
	ctl = open(file, O_RDONLY | O_CLOEXEC);
	if (w->fd < 0 || ctl < 0) {
		husk_syserr(err, "OOM events: open %s", file);
		cgroup_oom_watch_close(w);
		return -1;
	}
	len = snprintf(buf, sizeof(buf), "%d %d", w->fd, ctl);
	snprintf(file, sizeof(file), "%s/cgroup.event_control", dir);
	if (fs_write_file(file, buf, len, err) < 0) {
		cgroup_oom_watch_close(w);
		return husk_err_wrap(err, "OOM events");
	}
	return 0;
}

int cgroup_oom_watch_read(struct cgroup_oom_watch *w)
{
	uint64_t n = 0;

	if (!w->v2) {
		ssize_t r = read(w->fd, &n, sizeof(n));

		/* the kernel signals the eventfd when the cgroup goes too */
		if (!cg_has(w->dir, "memory.oom_control"))
			return -1;
		return r == sizeof(n) ? (int)n : 0;
	} else {
		char ev[4096];
		uint64_t now;

		while (read(w->fd, ev, sizeof(ev)) > 0)
			;
		if (cg_read_key(w->dir, "memory.events", "oom_kill", &now) < 0)
			return -1;
		n = now > w->count ? now - w->count : 0;
		w->count = now;
		return (int)n;
	}
}

void cgroup_oom_watch_close(struct cgroup_oom_watch *w)
{
	if (w->fd >= 0)
		close(w->fd);
	free(w->dir);
	w->fd = -1;
	w->dir = NULL;
}
