/* Cgroups on v1, v2 (unified) and hybrid hosts: placing a container,
 * applying linux.resources, freezing, killing, statistics and OOM events.
 *
 * A container's cgroup is one path ("/husk/ID") that exists in every
 * hierarchy. Each resource goes to the hierarchy that holds its
 * controller, whatever its version, so a hybrid host (v1 controllers plus
 * a cgroup2 mount with the rest, e.g. hugetlb) needs no special casing.
 * Every function that touches cgroupfs takes the layout, whose mount
 * points may be a fake tree in tests. */
#ifndef HUSK_CGROUP_H
#define HUSK_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "husk/error.h"

struct oci_resources;

#define CGROUP_ROOT "/sys/fs/cgroup"
#define CGROUP_DEFAULT_PARENT "/husk"

enum cgroup_mode { CGROUP_V1, CGROUP_HYBRID, CGROUP_V2 };

struct cgroup_hierarchy {
	char *mount;		/* e.g. /sys/fs/cgroup/memory */
	/* v1: the mount's controllers ("memory", "cpu,cpuacct",
	 * "name=systemd"); v2: those the root offers (cgroup.controllers),
	 * comma-separated, "" when none */
	char *controllers;
	bool v2;
};

struct cgroup_layout {
	enum cgroup_mode mode;
	struct cgroup_hierarchy *h;
	size_t n;
};

/* Read the layout from /proc/self/mountinfo (once per command). */
int cgroup_layout_detect(struct cgroup_layout *l, struct husk_err **err);
/* The same from any mountinfo file, keeping the cgroup mounts at or below
 * root (tests point both at a fake tree). */
int cgroup_layout_parse(struct cgroup_layout *l, const char *mountinfo, const char *root,
			struct husk_err **err);
void cgroup_layout_free(struct cgroup_layout *l);
/* The hierarchy holding a controller ("memory", "pids", "io"...), or NULL.
 * "freezer" and "devices" are found in a v2 hierarchy too (cgroup.freeze
 * and eBPF device programs are core v2 features). */
const struct cgroup_hierarchy *cgroup_find(const struct cgroup_layout *l, const char *ctrl);
/* The cgroup2 hierarchy (unified host, or the v2 mount of a hybrid one). */
const struct cgroup_hierarchy *cgroup_v2(const struct cgroup_layout *l);
const char *cgroup_mode_name(enum cgroup_mode m);

/* cgroupsPath -> the path husk uses: absolute kept, relative under
 * "/husk", absent "/husk/ID". The systemd form "slice:prefix:name" maps to
 * the path systemd would use ("/a.slice/a-b.slice/prefix-name.scope").
 * malloc'd. */
char *cgroup_path_for(const char *cgroups_path, const char *id, struct husk_err **err);
/* --systemd-cgroup: the cgroup is to be made by systemd. run_systemd is
 * the directory that exists when systemd is PID 1 (NULL: /run/systemd/system).
 * Fails with a clear error when systemd is not running, or when the path is
 * not of the systemd form. */
int cgroup_systemd_check(const char *cgroups_path, const char *run_systemd,
			 struct husk_err **err);

/* Hierarchies where the cgroup does not exist yet: newline-separated
 * mount points, malloc'd; NULL when it exists everywhere. Recorded before
 * cgroup_create so that delete removes exactly what husk made, even after
 * a crash half way. */
char *cgroup_absent(const struct cgroup_layout *l, const char *path);
/* Make the cgroup in every hierarchy (v2: enabling the controllers the
 * root offers along the path) and move pid (unless 0) into it. *made (may be NULL)
 * receives the hierarchies where husk made the leaf, as cgroup_absent.
 * When making fails, nothing that was made is left; when moving pid in
 * fails, the cgroups are left for the caller to remove (cgroup_remove_made
 * with what cgroup_absent said before) once pid is dead. */
int cgroup_create(const struct cgroup_layout *l, const char *path, pid_t pid, char **made,
		  struct husk_err **err);
/* Move pid into the cgroup, making it (as cgroup_create) only in the
 * hierarchies where it is missing: *owned when husk made any leaf. */
int cgroup_enter(const struct cgroup_layout *l, const char *path, pid_t pid,
		 bool *owned, struct husk_err **err);
/* Move pid into an existing cgroup; makes nothing. */
int cgroup_join(const struct cgroup_layout *l, const char *path, pid_t pid,
		struct husk_err **err);
/* Remove the cgroup, and any cgroups the container made below it, in the
 * hierarchies listed in made (as cgroup_absent returns), or in all when
 * made is NULL. What is listed but gone already is fine. */
int cgroup_remove_made(const struct cgroup_layout *l, const char *path, const char *made,
		       struct husk_err **err);
int cgroup_remove(const struct cgroup_layout *l, const char *path, struct husk_err **err);

/* Pids in the cgroup and below it. */
int cgroup_pids(const struct cgroup_layout *l, const char *path, pid_t **pids,
		size_t *n, struct husk_err **err);
/* Send sig to every process of the cgroup. SIGKILL uses cgroup.kill where
 * the kernel has it, and thaws a frozen cgroup so that the processes can
 * die (a v1-frozen task does not act on SIGKILL until thawed). */
int cgroup_signal_all(const struct cgroup_layout *l, const char *path, int sig,
		      struct husk_err **err);

enum cgroup_freezer { CGROUP_THAWED, CGROUP_FREEZING, CGROUP_FROZEN, CGROUP_NO_FREEZER };
enum cgroup_freezer cgroup_freezer_state(const struct cgroup_layout *l, const char *path);
/* Freeze (or thaw) and wait until the kernel says it is done, up to
 * timeout_ms. A freeze that does not complete is rolled back (thawed) and
 * is an error saying so. */
int cgroup_freeze(const struct cgroup_layout *l, const char *path, bool freeze,
		  int timeout_ms, struct husk_err **err);
/* True when the container's cgroup is frozen (or freezing). */
bool cgroup_is_frozen(const char *path);

/* Applying linux.resources. */
struct cgroup_apply_opts {
	/* prefix of the field names in errors, e.g.
	 * "config.json: .linux.resources" -> "...resources.memory.limit" */
	const char *what;
	/* optional: a better name for a field (".memory.limit" -> "--memory");
	 * NULL to use what + field */
	const char *(*label)(const char *field);
	/* update of a running container: devices are left alone (as runc),
	 * memory.checkBeforeUpdate is honoured */
	bool update;
	/* where the host's huge page sizes are listed (NULL:
	 * /sys/kernel/mm/hugepages), for tests */
	const char *hugepages_dir;
};

/* Everything that can be checked without writing: each requested
 * resource has its controller on this host, unified is not used on a
 * v1-only host, page sizes exist, values are in range. */
int cgroup_check(const struct cgroup_layout *l, const struct oci_resources *r,
		 const struct cgroup_apply_opts *o, struct husk_err **err);
/* cgroup_check, then write r to the container's cgroup. Errors name the
 * field, the file and the value. */
int cgroup_apply(const struct cgroup_layout *l, const char *path,
		 const struct oci_resources *r, const struct cgroup_apply_opts *o,
		 struct husk_err **err);

/* v1 cpu.shares -> v2 cpu.weight (the mapping runc and crun use now:
 * 2 -> 1, 1024 -> 100, 262144 -> 10000), and blkio weight -> io.weight. */
uint64_t cgroup_shares_to_weight(uint64_t shares);
uint64_t cgroup_blkio_to_io_weight(uint64_t weight);

/* Statistics, in the shape of runc's types.Stats. Zero means unknown. */
struct cgroup_mem_entry { uint64_t limit, usage, max, failcnt; };
struct cgroup_blkio_entry { uint64_t major, minor; char op[12]; uint64_t value; };
struct cgroup_hugetlb_stats { char size[16]; uint64_t usage, max, failcnt; };
struct cgroup_kv { char *key; uint64_t value; };

struct cgroup_stats {
	struct {
		uint64_t total, kernel, user;
		uint64_t *percpu, *percpu_kernel, *percpu_user;
		size_t n_percpu, n_percpu_kernel, n_percpu_user;
		uint64_t periods, throttled_periods, throttled_time;
	} cpu;
	struct {
		uint16_t *cpus, *mems;
		size_t n_cpus, n_mems;
		uint64_t cpu_exclusive, mem_hardwall, mem_exclusive, memory_migrate,
			memory_spread_page, memory_spread_slab, memory_pressure,
			sched_load_balance;
		int64_t sched_relax_domain_level;
	} cpuset;
	struct {
		uint64_t cache;
		struct cgroup_mem_entry usage, swap, kernel, kernel_tcp;
		struct cgroup_kv *raw;
		size_t n_raw;
		uint64_t ev_low, ev_high, ev_max, ev_oom, ev_oom_kill;
	} memory;
	struct { uint64_t current, limit; } pids;
	struct {
		struct cgroup_blkio_entry *service_bytes, *serviced;
		size_t n_service_bytes, n_serviced;
	} blkio;
	struct cgroup_hugetlb_stats *hugetlb;
	size_t n_hugetlb;
};

int cgroup_stats(const struct cgroup_layout *l, const char *path, struct cgroup_stats *s,
		 struct husk_err **err);
void cgroup_stats_free(struct cgroup_stats *s);

/* OOM notifications: v1 memory.oom_control through cgroup.event_control
 * and an eventfd, v2 inotify on memory.events. Poll fd for POLLIN. */
struct cgroup_oom_watch {
	int fd;
	bool v2;
	char *dir;		/* the memory cgroup directory */
	uint64_t count;		/* v2: oom events seen so far */
};

int cgroup_oom_watch_open(const struct cgroup_layout *l, const char *path,
			  struct cgroup_oom_watch *w, struct husk_err **err);
/* After POLLIN: how many OOM events happened (0: none, spurious), or -1
 * when the cgroup is gone. */
int cgroup_oom_watch_read(struct cgroup_oom_watch *w);
void cgroup_oom_watch_close(struct cgroup_oom_watch *w);

#endif
