/* cgroup code against the real kernel (root only; each test is skipped,
 * saying why, when the host lacks what it needs):
 *  - the eBPF device program, loaded and attached to a real cgroup v2
 *    directory, denies a device even to root with CAP_MKNOD; replacing it
 *    leaves one program;
 *  - the v2 freezer (cgroup.freeze) freezes a real process, and SIGKILL
 *    through cgroup.kill kills it while frozen;
 *  - cgroup_create in every hierarchy of the host, the v1 freezer, and
 *    SIGKILL of a v1-frozen process (which needs a thaw), then removal.
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
	char path[64], *made = NULL, buf[8192], want[128];
	bool ok = true;
	int go, r, fd;
	pid_t pid;
	ssize_t len;

	snprintf(path, sizeof(path), "/husk-unit-host-%d", getpid());
	pid = spawn(&go, sleeper, NULL);
	EXPECT(cgroup_create(l, path, pid, &made, &err) == 0);
	EXPECT(made != NULL);
	/* the process is in the cgroup in every hierarchy */
	snprintf(buf, sizeof(buf), "/proc/%d/cgroup", pid);
	fd = open(buf, O_RDONLY);
	len = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	if (fd >= 0)
		close(fd);
	buf[len > 0 ? len : 0] = '\0';
	snprintf(want, sizeof(want), ":%s", path);
	for (char *line = buf, *nl; (nl = strchr(line, '\n')); line = nl + 1) {
		size_t ll = (size_t)(nl - line), wl = strlen(want);

		/* "N:controllers:/path": the path is the end of the line */
		if (ll < wl || strncmp(nl - wl, want, wl)) {
			printf("# not in %s: %.*s\n", path, (int)ll, line);
			ok = false;
		}
	}
	EXPECT(len > 0);
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

int main(void)
{
	struct cgroup_layout l;
	struct husk_err *err = NULL;
	const char *skip = NULL;

	printf("1..3\n");
	if (geteuid() != 0)
		skip = "needs root";
	else if (cgroup_layout_detect(&l, &err) < 0)
		skip = "no cgroup file system";
	if (skip) {
		result(1, "bpf device program", skip, false);
		result(2, "v2 freezer", skip, false);
		result(3, "cgroup_create on the host", skip, false);
		husk_err_free(&err);
		return 0;
	}
	test_bpf(1, &l);
	test_v2_freezer(2, &l);
	test_host_create_freeze_kill(3, &l);
	cgroup_layout_free(&l);
	return failed;
}
