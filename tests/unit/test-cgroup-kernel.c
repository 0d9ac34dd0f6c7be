/* cgroup code against the real kernel (root only; each test is skipped,
 * saying why, when the host lacks what it needs):
 *  - the eBPF device program, loaded and attached to a real cgroup v2
 *    directory, denies a device even to root with CAP_MKNOD; replacing it
 *    leaves one program;
 *  - the v2 freezer (cgroup.freeze) freezes a real process, and SIGKILL
 *    through cgroup.kill kills it while frozen;
 *  - cgroup_create in every hierarchy of the host, the v1 freezer, and
 *    SIGKILL of a v1-frozen process (which needs a thaw), then removal;
 *  - the parents cgroup_create makes: a v1 cpuset parent husk made gets
 *    clone_children (so the kernel fills the leaves), one that was there
 *    is left alone, and every leaf gets its parent's cpus and mems;
 *  - cgroup_enter (exec) joins an existing cgroup with no mkdir, makes it
 *    where it went missing, refills a cpuset emptied since; removal of a
 *    cgroup with children of its own (EBUSY first).
 * It prints TAP itself (unit.h has no skips). */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../src/linux/cgroup-internal.h"
#include "husk/cgroup.h"

static int failed;

static void result(int n, const char *name, const char *skip, bool ok)
{
	if (skip)
		printf("ok %d - %s # SKIP %s\n", n, name, skip);
	else
		printf("%sok %d - %s\n", ok ? "" : "not ", n, name);
	failed |= !skip && !ok;
	fflush(stdout);
}

#define EXPECT(cond) do {						\
		if (!(cond)) {						\
			printf("# %s:%d: %s\n", __FILE__, __LINE__, #cond); \
			ok = false;					\
		}							\
	} while (0)

/* A child that waits for a byte on fd, then runs fn and exits with its
 * result. */
static pid_t spawn(int *go, int (*fn)(void *), void *arg)
{
	int p[2];
	pid_t pid;

	if (pipe(p) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		char c;

		close(p[1]);
		if (read(p[0], &c, 1) != 1)
			_exit(100);
		_exit(fn ? fn(arg) : 0);
	}
	close(p[0]);
	*go = p[1];
	return pid;
}

static int child_wait(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* pid is in path in every hierarchy ("N:controllers:/path" lines). */
static bool in_cgroup(pid_t pid, const char *path)
{
	char file[64], buf[8192], want[128];
	bool ok = true;
	ssize_t len;
	int fd;

	snprintf(file, sizeof(file), "/proc/%d/cgroup", pid);
	fd = open(file, O_RDONLY);
	len = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	if (fd >= 0)
		close(fd);
	buf[len > 0 ? len : 0] = '\0';
	snprintf(want, sizeof(want), ":%s", path);
	for (char *line = buf, *nl; (nl = strchr(line, '\n')); line = nl + 1) {
		size_t ll = (size_t)(nl - line), wl = strlen(want);

		if (ll < wl || strncmp(nl - wl, want, wl)) {
			printf("# pid %d not in %s: %.*s\n", pid, path, (int)ll, line);
			ok = false;
		}
	}
	return ok && len > 0;
}

/* The content of DIR/FILE, without the newline ("" when unreadable). */
static const char *file_text(const char *dir, const char *file, char *buf, size_t size)
{
	char path[4096];
	ssize_t len;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_RDONLY);
	len = fd >= 0 ? read(fd, buf, size - 1) : -1;
	if (fd >= 0)
		close(fd);
	buf[len > 0 ? len : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

/* ------------------------------------------------------------ devices */

struct dev_probe { const char *node; };

/* bit 0: /dev/null not usable; bit 1: mknod refused; bit 2: the node opened
 * (should be denied); bit 3: it failed with something else than EPERM */
static int probe_devices(void *arg)
{
	struct dev_probe *p = arg;
	int r = 0, fd = open("/dev/null", O_RDWR);

	if (fd < 0)
		r |= 1;
	else
		close(fd);
	unlink(p->node);
	if (mknod(p->node, S_IFCHR | 0600, makedev(1, 11)) < 0)
		return r | 2;
	fd = open(p->node, O_RDONLY | O_NONBLOCK);
	if (fd >= 0) {
		close(fd);
		r |= 4;
	} else if (errno != EPERM) {
		r |= 8;
	}
	unlink(p->node);
	return r;
}

/* With the node allowed: 0 when it opens. */
static int probe_open(void *arg)
{
	struct dev_probe *p = arg;
	int fd;

	unlink(p->node);
	if (mknod(p->node, S_IFCHR | 0600, makedev(1, 11)) < 0)
		return 2;
	fd = open(p->node, O_RDONLY | O_NONBLOCK);
	unlink(p->node);
	if (fd < 0)
		return 4;
	close(fd);
	return 0;
}

static int attach_rules(const struct oci_device_rule *rules, size_t n, const char *dir)
{
	struct cg_dev_state st;
	struct cg_bpf_prog p;
	struct husk_err *err = NULL;
	int r = -1;

	if (cg_dev_emulate(rules, n, true, &st, &err) == 0 && cg_bpf_compile(&st, &p, &err) == 0) {
		r = cg_bpf_attach(&p, dir, &err);
		cg_bpf_free(&p);
	}
	if (err)
		printf("# %s\n", err->msg);
	cg_dev_state_free(&st);
	husk_err_free(&err);
	return r;
}

static int attached_programs(const char *dir)
{
	union bpf_attr a;
	uint32_t ids[16];
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r;

	memset(&a, 0, sizeof(a));
	a.query.target_fd = fd;
	a.query.attach_type = BPF_CGROUP_DEVICE;
	a.query.prog_ids = (uint64_t)(uintptr_t)ids;
	a.query.prog_cnt = 16;
	r = (int)syscall(SYS_bpf, BPF_PROG_QUERY, &a, sizeof(a));
	close(fd);
	return r < 0 ? -1 : (int)a.query.prog_cnt;
}

static void test_bpf(int n, const struct cgroup_layout *host)
{
	const struct cgroup_hierarchy *v2 = cgroup_v2(host);
	struct oci_device_rule deny_all = { .allow = false, .type = 'a' };
	struct oci_device_rule allow_kmsg[2] = {
		{ .allow = false, .type = 'a' },
		{ .allow = true, .type = 'c', .major = { true, 1 }, .minor = { true, 11 }, .access = "r" },
	};
	struct cgroup_layout l;
	struct husk_err *err = NULL;
	char dir[4096], path[64], node[64];
	struct dev_probe probe = { node };
	bool ok = true;
	int go, r;
	pid_t pid;

	if (!v2) {
		result(n, "bpf device program", "no cgroup v2 hierarchy on this host", false);
		return;
	}
	/* a layout of the v2 hierarchy alone */
	snprintf(path, sizeof(path), "/husk-unit-bpf-%d", getpid());
	snprintf(dir, sizeof(dir), "%s%s", v2->mount, path);
	snprintf(node, sizeof(node), "/tmp/husk-unit-kmsg-%d", getpid());
	if (mkdir(dir, 0755) < 0) {
		result(n, "bpf device program", "cannot make a cgroup in the v2 hierarchy", false);
		return;
	}
	if (cgroup_layout_parse(&l, "/proc/self/mountinfo", v2->mount, &err) < 0) {
		printf("# %s\n", err->msg);
		ok = false;
		goto out;
	}
	if (attach_rules(&deny_all, 1, dir) < 0) {
		ok = false;
		goto out;
	}
	EXPECT(attached_programs(dir) == 1);
	pid = spawn(&go, probe_devices, &probe);
	EXPECT(cgroup_join(&l, path, pid, &err) == 0);
	r = write(go, "x", 1) == 1 ? child_wait(pid) : -1;
	close(go);
	if (r)
		printf("# probe: %d (1: /dev/null denied, 2: mknod refused, 4: kmsg node opened, "
		       "8: not EPERM)\n", r);
	EXPECT(r == 0);
	/* replaced by a program that allows reading c 1:11: one program left */
	EXPECT(attach_rules(allow_kmsg, 2, dir) == 0);
	EXPECT(attached_programs(dir) == 1);
	pid = spawn(&go, probe_open, &probe);
	EXPECT(cgroup_join(&l, path, pid, &err) == 0);
	r = write(go, "x", 1) == 1 ? child_wait(pid) : -1;
	close(go);
	EXPECT(r == 0);
	cgroup_layout_free(&l);
out:
	husk_err_free(&err);
	if (rmdir(dir) < 0)
		printf("# rmdir %s: %s\n", dir, strerror(errno));
	result(n, "bpf device program: denied device cannot be opened even with CAP_MKNOD", NULL, ok);
}

/* ------------------------------------------------------------ freezers */

static int sleeper(void *arg)
{
	for (;;)
		pause();
	return 0;
}

static char proc_state(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;
	size_t len;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return '?';
	len = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[len] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] ? p[2] : '?';
}

static void test_v2_freezer(int n, const struct cgroup_layout *host)
{
	const struct cgroup_hierarchy *v2 = cgroup_v2(host);
	struct cgroup_layout l;
	struct husk_err *err = NULL;
	char dir[4096], path[64];
	bool ok = true;
	int go, r;
	pid_t pid;

	if (!v2) {
		result(n, "v2 freezer", "no cgroup v2 hierarchy on this host", false);
		return;
	}
	snprintf(path, sizeof(path), "/husk-unit-freeze-%d", getpid());
	snprintf(dir, sizeof(dir), "%s%s", v2->mount, path);
	if (mkdir(dir, 0755) < 0 || !cg_has(dir, "cgroup.freeze")) {
		rmdir(dir);
		result(n, "v2 freezer", "no cgroup.freeze in the v2 hierarchy (Linux < 5.2)", false);
		return;
	}
	if (cgroup_layout_parse(&l, "/proc/self/mountinfo", v2->mount, &err) < 0) {
		printf("# %s\n", err->msg);
		husk_err_free(&err);
		rmdir(dir);
		result(n, "v2 freezer", NULL, false);
		return;
	}
	pid = spawn(&go, sleeper, NULL);
	EXPECT(cgroup_join(&l, path, pid, &err) == 0);
	EXPECT(write(go, "x", 1) == 1);
	EXPECT(cgroup_freeze(&l, path, true, 5000, &err) == 0);
	EXPECT(cgroup_freezer_state(&l, path) == CGROUP_FROZEN);
	EXPECT(cgroup_freeze(&l, path, false, 5000, &err) == 0);
	EXPECT(cgroup_freezer_state(&l, path) == CGROUP_THAWED);
	/* frozen again, then killed through cgroup.kill */
	EXPECT(cgroup_freeze(&l, path, true, 5000, &err) == 0);
	EXPECT(cgroup_signal_all(&l, path, SIGKILL, &err) == 0);
	r = child_wait(pid);
	EXPECT(r == 128 + SIGKILL);
	close(go);
	if (err)
		printf("# %s\n", err->msg);
	husk_err_free(&err);
	EXPECT(cgroup_remove(&l, path, NULL) == 0);
	EXPECT(access(dir, F_OK) < 0);
	cgroup_layout_free(&l);
	result(n, "v2 freezer: freeze, thaw, SIGKILL while frozen", NULL, ok);
}

static void test_host_create_freeze_kill(int n, struct cgroup_layout *l)
{
	const struct cgroup_hierarchy *fz = cgroup_find(l, "freezer");
	struct husk_err *err = NULL;
	char path[64], *made = NULL;
	bool ok = true;
	int go, r;
	pid_t pid;

	snprintf(path, sizeof(path), "/husk-unit-host-%d", getpid());
	pid = spawn(&go, sleeper, NULL);
	EXPECT(cgroup_create(l, path, pid, &made, &err) == 0);
	EXPECT(made != NULL);
	/* the process is in the cgroup in every hierarchy */
	EXPECT(in_cgroup(pid, path));
	EXPECT(write(go, "x", 1) == 1);
	if (fz) {
		EXPECT(cgroup_freeze(l, path, true, 5000, &err) == 0);
		EXPECT(cgroup_freezer_state(l, path) == CGROUP_FROZEN);
		for (int i = 0; i < 100 && proc_state(pid) != 'D' && proc_state(pid) != 'S'; i++)
			usleep(10000);
		/* SIGKILL alone does not end a v1-frozen process: signal_all thaws */
		EXPECT(cgroup_signal_all(l, path, SIGKILL, &err) == 0);
	} else {
		kill(pid, SIGKILL);
	}
	r = child_wait(pid);
	EXPECT(r == 128 + SIGKILL);
	close(go);
	EXPECT(cgroup_remove_made(l, path, made, &err) == 0);
	free(made);
	made = cgroup_absent(l, path);
	EXPECT(made != NULL);
	for (size_t i = 0; i < l->n; i++) {
		char dir[4096];

		snprintf(dir, sizeof(dir), "%s%s", l->h[i].mount, path);
		EXPECT(access(dir, F_OK) < 0);
	}
	if (err)
		printf("# %s\n", err->msg);
	husk_err_free(&err);
	free(made);
	result(n, fz && !fz->v2 ? "cgroup_create in every hierarchy, v1 freezer, SIGKILL of a frozen "
	       "process, removal" : "cgroup_create in every hierarchy, freezer, kill, removal", NULL, ok);
}

/* ------------------------------------------------- parents, enter, removal */

/* rmdir DIR/REL in every hierarchy, deepest first (test tidying). */
static void rmdir_all(const struct cgroup_layout *l, const char *const *rels)
{
	for (size_t i = 0; i < l->n; i++)
		for (const char *const *r = rels; *r; r++) {
			char dir[4096];

			snprintf(dir, sizeof(dir), "%s%s", l->h[i].mount, *r);
			rmdir(dir);
		}
}

static void test_host_parents_cpuset(int n, struct cgroup_layout *l)
{
	const struct cgroup_hierarchy *cs = cgroup_find(l, "cpuset");
	const struct cgroup_hierarchy *other = cgroup_find(l, "pids");
	struct husk_err *err = NULL;
	char top[64], mid[96], leaf[128], pre[64], leaf2[96], dir[4096], a[256], b[256];
	char *made = NULL, *made2 = NULL;
	bool ok = true;
	int go;
	pid_t pid;

	if (!cs || cs->v2 || !other || other->v2) {
		result(n, "cgroup_create: cpuset parents", "no v1 cpuset and pids hierarchies", false);
		return;
	}
	snprintf(top, sizeof(top), "/husk-unit-par-%d", getpid());
	snprintf(mid, sizeof(mid), "%s/mid", top);
	snprintf(leaf, sizeof(leaf), "%s/c1", mid);
	snprintf(pre, sizeof(pre), "/husk-unit-pre-%d", getpid());
	snprintf(leaf2, sizeof(leaf2), "%s/c2", pre);
	pid = spawn(&go, sleeper, NULL);
	/* top and mid are made by husk: clone_children on them, in cpuset only */
	EXPECT(cgroup_create(l, leaf, pid, &made, &err) == 0);
	EXPECT(in_cgroup(pid, leaf));
	snprintf(dir, sizeof(dir), "%s%s", cs->mount, top);
	EXPECT(!strcmp(file_text(dir, "cgroup.clone_children", a, sizeof(a)), "1"));
	snprintf(dir, sizeof(dir), "%s%s", cs->mount, mid);
	EXPECT(!strcmp(file_text(dir, "cgroup.clone_children", a, sizeof(a)), "1"));
	snprintf(dir, sizeof(dir), "%s%s", cs->mount, leaf);
	EXPECT(!strcmp(file_text(dir, "cgroup.clone_children", a, sizeof(a)), "0"));
	EXPECT(!strcmp(file_text(dir, "cpuset.cpus", a, sizeof(a)),
		       file_text(cs->mount, "cpuset.cpus", b, sizeof(b))) && a[0]);
	EXPECT(!strcmp(file_text(dir, "cpuset.mems", a, sizeof(a)),
		       file_text(cs->mount, "cpuset.mems", b, sizeof(b))) && a[0]);
	snprintf(dir, sizeof(dir), "%s%s", other->mount, top);
	EXPECT(!strcmp(file_text(dir, "cgroup.clone_children", a, sizeof(a)), "0"));
	/* a parent that was there: left as it was, the leaf filled by husk */
	for (size_t i = 0; i < l->n; i++) {
		snprintf(dir, sizeof(dir), "%s%s", l->h[i].mount, pre);
		EXPECT(mkdir(dir, 0755) == 0);
	}
	snprintf(dir, sizeof(dir), "%s%s", cs->mount, pre);
	EXPECT(cg_put(dir, "cpuset.cpus", file_text(cs->mount, "cpuset.cpus", b, sizeof(b))) == 0);
	EXPECT(cg_put(dir, "cpuset.mems", file_text(cs->mount, "cpuset.mems", b, sizeof(b))) == 0);
	EXPECT(cgroup_create(l, leaf2, pid, &made2, &err) == 0);
	EXPECT(in_cgroup(pid, leaf2));
	EXPECT(!strcmp(file_text(dir, "cgroup.clone_children", a, sizeof(a)), "0"));
	snprintf(dir, sizeof(dir), "%s%s", cs->mount, leaf2);
	EXPECT(!strcmp(file_text(dir, "cpuset.cpus", a, sizeof(a)),
		       file_text(cs->mount, "cpuset.cpus", b, sizeof(b))) && a[0]);
	kill(pid, SIGKILL);
	EXPECT(child_wait(pid) == 128 + SIGKILL);
	close(go);
	/* only the leaves are husk's to remove: the parents stay */
	EXPECT(made && made2 && cgroup_remove_made(l, leaf, made, &err) == 0 &&
	       cgroup_remove_made(l, leaf2, made2, &err) == 0);
	snprintf(dir, sizeof(dir), "%s%s", cs->mount, leaf);
	EXPECT(access(dir, F_OK) < 0);
	snprintf(dir, sizeof(dir), "%s%s", cs->mount, mid);
	EXPECT(access(dir, F_OK) == 0);
	if (err)
		printf("# %s\n", err->msg);
	husk_err_free(&err);
	free(made);
	free(made2);
	rmdir_all(l, (const char *const[]){ leaf, mid, top, leaf2, pre, NULL });
	result(n, "cgroup_create: a cpuset parent husk makes gets clone_children, one that was there "
	       "is left alone, the leaves get cpus and mems", NULL, ok);
}

/* Every mount point, newline-separated (what cgroup_absent lists when the
 * cgroup is nowhere). */
static char *all_mounts(const struct cgroup_layout *l)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	for (size_t i = 0; f && i < l->n; i++)
		fprintf(f, "%s%s", i ? "\n" : "", l->h[i].mount);
	if (f)
		fclose(f);
	return out;
}

static void test_host_enter_remove(int n, struct cgroup_layout *l)
{
	const struct cgroup_hierarchy *cs = cgroup_find(l, "cpuset");
	struct husk_err *err = NULL;
	char path[64], dir[4096], sub[4096], a[256], b[256];
	char *made = NULL, *all = all_mounts(l);
	bool ok = true, owned = true;
	int go[3];
	pid_t pid[3];

	snprintf(path, sizeof(path), "/husk-unit-enter-%d", getpid());
	pid[0] = spawn(&go[0], sleeper, NULL);
	EXPECT(cgroup_create(l, path, pid[0], &made, &err) == 0);
	/* present everywhere: joined, nothing made */
	pid[1] = spawn(&go[1], sleeper, NULL);
	EXPECT(cgroup_enter(l, path, pid[1], &owned, &err) == 0);
	EXPECT(!owned && in_cgroup(pid[1], path));
	kill(pid[0], SIGKILL);
	kill(pid[1], SIGKILL);
	EXPECT(child_wait(pid[0]) == 128 + SIGKILL && child_wait(pid[1]) == 128 + SIGKILL);
	/* gone from one hierarchy since, and a v1 cpuset emptied */
	snprintf(dir, sizeof(dir), "%s%s", l->h[l->n - 1].mount, path);
	EXPECT(rmdir(dir) == 0);
	snprintf(dir, sizeof(dir), "%s%s", cs ? cs->mount : "", path);
	if (cs && !cs->v2 && l->h[l->n - 1].mount != cs->mount)
		EXPECT(cg_put(dir, "cpuset.cpus", "\n") == 0 &&
		       !strcmp(file_text(dir, "cpuset.cpus", a, sizeof(a)), ""));
	pid[2] = spawn(&go[2], sleeper, NULL);
	EXPECT(cgroup_enter(l, path, pid[2], &owned, &err) == 0);
	EXPECT(owned && in_cgroup(pid[2], path));
	if (cs && !cs->v2)
		EXPECT(!strcmp(file_text(dir, "cpuset.cpus", a, sizeof(a)),
			       file_text(cs->mount, "cpuset.cpus", b, sizeof(b))) && a[0]);
	kill(pid[2], SIGKILL);
	EXPECT(child_wait(pid[2]) == 128 + SIGKILL);
	for (int i = 0; i < 3; i++)
		close(go[i]);
	/* the container made cgroups of its own below: removed first */
	for (size_t i = 0; i < l->n; i++) {
		snprintf(sub, sizeof(sub), "%s%s/sub/deeper", l->h[i].mount, path);
		*strrchr(sub, '/') = '\0';
		EXPECT(mkdir(sub, 0755) == 0);
		strcat(sub, "/deeper");
		EXPECT(mkdir(sub, 0755) == 0);
	}
	EXPECT(all && cgroup_remove_made(l, path, all, &err) == 0);
	for (size_t i = 0; i < l->n; i++) {
		snprintf(dir, sizeof(dir), "%s%s", l->h[i].mount, path);
		EXPECT(access(dir, F_OK) < 0);
	}
	/* listed but gone already is fine */
	EXPECT(cgroup_remove_made(l, path, all, &err) == 0);
	if (err)
		printf("# %s\n", err->msg);
	husk_err_free(&err);
	free(made);
	free(all);
	result(n, "cgroup_enter: joins with no mkdir, makes what went missing, refills an emptied "
	       "cpuset; removal of a cgroup with children", NULL, ok);
}

int main(void)
{
	struct cgroup_layout l;
	struct husk_err *err = NULL;
	const char *skip = NULL;

	printf("1..5\n");
	if (geteuid() != 0)
		skip = "needs root";
	else if (cgroup_layout_detect(&l, &err) < 0)
		skip = "no cgroup file system";
	if (skip) {
		result(1, "bpf device program", skip, false);
		result(2, "v2 freezer", skip, false);
		result(3, "cgroup_create on the host", skip, false);
		result(4, "cgroup_create: cpuset parents", skip, false);
		result(5, "cgroup_enter and removal", skip, false);
		husk_err_free(&err);
		return 0;
	}
	test_bpf(1, &l);
	test_v2_freezer(2, &l);
	test_host_create_freeze_kill(3, &l);
	test_host_parents_cpuset(4, &l);
	test_host_enter_remove(5, &l);
	cgroup_layout_free(&l);
	return failed;
}
