#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "husk/fs.h"
#include "husk/namespaces.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const uint64_t ns_flags[OCI_NS_COUNT] = {
	[OCI_NS_PID] = CLONE_NEWPID, [OCI_NS_NETWORK] = CLONE_NEWNET,
	[OCI_NS_MOUNT] = CLONE_NEWNS, [OCI_NS_IPC] = CLONE_NEWIPC,
	[OCI_NS_UTS] = CLONE_NEWUTS, [OCI_NS_USER] = CLONE_NEWUSER,
	[OCI_NS_CGROUP] = CLONE_NEWCGROUP, [OCI_NS_TIME] = CLONE_NEWTIME,
};

uint64_t ns_flag(enum oci_ns_type t)
{
	return ns_flags[t];
}

static int open_ns(const struct oci_namespace *ns, int index, struct husk_err **err)
{
	int fd = open(ns->path, O_RDONLY | O_CLOEXEC);
	int type;

	if (fd < 0)
		return husk_syserr(err, "linux.namespaces[%d].path: open \"%s\"", index, ns->path);
	type = ioctl(fd, NS_GET_NSTYPE);
	if (type >= 0 && (uint64_t)type != ns_flags[ns->type]) {
		close(fd);
		return husk_error(err, 0, "linux.namespaces[%d].path: \"%s\" is not a %s namespace",
				  index, ns->path, oci_ns_type_name(ns->type));
	}
	return fd;
}

int ns_plan_make(const struct oci_config *cfg, struct ns_plan *p, struct husk_err **err)
{
	const struct oci_linux *lx = cfg->linux_cfg;

	memset(p, 0, sizeof(*p));
	for (int i = 0; i < OCI_NS_COUNT; i++)
		p->join_fd[i] = -1;
	p->restore_pid_fd = p->restore_time_fd = -1;
	for (size_t i = 0; lx && i < lx->n_namespaces; i++) {
		const struct oci_namespace *ns = &lx->namespaces[i];

		if (ns->path) {
			p->join_fd[ns->type] = open_ns(ns, (int)i, err);
			if (p->join_fd[ns->type] < 0) {
				ns_plan_close(p);
				return -1;
			}
		} else if (ns->type == OCI_NS_CGROUP) {
			p->new_cgroup_ns = true;
		} else {
			p->clone_flags |= ns_flags[ns->type];
		}
	}
	p->new_userns = p->clone_flags & CLONE_NEWUSER;
	if (p->clone_flags & CLONE_NEWTIME) {
		p->clone_flags &= ~(uint64_t)CLONE_NEWTIME;
		p->new_timens = true;
		p->monotonic = lx->monotonic;
		p->boottime = lx->boottime;
	}
	if (p->join_fd[OCI_NS_PID] >= 0 &&
	    (p->restore_pid_fd = open("/proc/self/ns/pid_for_children", O_RDONLY | O_CLOEXEC)) < 0) {
		ns_plan_close(p);
		return husk_syserr(err, "open /proc/self/ns/pid_for_children");
	}
	if ((p->join_fd[OCI_NS_TIME] >= 0 || p->new_timens) &&
	    (p->restore_time_fd = open("/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC)) < 0) {
		ns_plan_close(p);
		return husk_syserr(err, "linux.namespaces: time namespaces: open /proc/self/ns/time_for_children");
	}
	if (p->join_fd[OCI_NS_USER] >= 0 && (p->clone_flags & CLONE_NEWPID)) {
		ns_plan_close(p);
		return husk_error(err, 0, "linux.namespaces: a new pid namespace cannot be "
				  "combined with joining a user namespace by path");
	}
	return 0;
}

void ns_plan_close(struct ns_plan *p)
{
	for (int i = 0; i < OCI_NS_COUNT; i++) {
		if (p->join_fd[i] >= 0)
			close(p->join_fd[i]);
		p->join_fd[i] = -1;
	}
	if (p->restore_pid_fd >= 0)
		close(p->restore_pid_fd);
	if (p->restore_time_fd >= 0)
		close(p->restore_time_fd);
	p->restore_pid_fd = p->restore_time_fd = -1;
}

/* The offsets go to /proc/self/timens_offsets after unshare and before
 * any process enters the namespace. */
static int make_time_ns(const struct ns_plan *p, struct husk_err **err)
{
	char buf[128];
	int len = 0;

	if (unshare(CLONE_NEWTIME) < 0)
		return husk_syserr(err, "create time namespace");
	if (p->monotonic.set)
		len += snprintf(buf + len, sizeof(buf) - len, "monotonic %lld %u\n",
				(long long)p->monotonic.secs, p->monotonic.nanosecs);
	if (p->boottime.set)
		len += snprintf(buf + len, sizeof(buf) - len, "boottime %lld %u\n",
				(long long)p->boottime.secs, p->boottime.nanosecs);
	if (len && fs_write_file("/proc/self/timens_offsets", buf, len, err) < 0)
		return husk_err_wrap(err, "linux.timeOffsets");
	return 0;
}

int ns_join_before_clone(const struct ns_plan *p, struct husk_err **err)
{
	static const enum oci_ns_type early[] = { OCI_NS_PID, OCI_NS_TIME };

	for (size_t i = 0; i < 2; i++) {
		int fd = p->join_fd[early[i]];

		if (fd >= 0 && setns(fd, ns_flags[early[i]]) < 0)
			return husk_syserr(err, "join %s namespace", oci_ns_type_name(early[i]));
	}
	return p->new_timens ? make_time_ns(p, err) : 0;
}

int ns_restore_after_clone(const struct ns_plan *p, struct husk_err **err)
{
	if (p->restore_pid_fd >= 0 && setns(p->restore_pid_fd, CLONE_NEWPID) < 0)
		return husk_syserr(err, "return to husk's pid namespace");
	if (p->restore_time_fd >= 0 && setns(p->restore_time_fd, CLONE_NEWTIME) < 0)
		return husk_syserr(err, "return to husk's time namespace");
	return 0;
}

int ns_join_in_child(const struct ns_plan *p, struct husk_err **err)
{
	static const enum oci_ns_type order[] = { OCI_NS_USER, OCI_NS_MOUNT, OCI_NS_NETWORK,
		OCI_NS_IPC, OCI_NS_UTS, OCI_NS_CGROUP };

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		int fd = p->join_fd[order[i]];

		if (fd >= 0 && setns(fd, ns_flags[order[i]]) < 0)
			return husk_syserr(err, "join %s namespace", oci_ns_type_name(order[i]));
	}
	/* a joined user namespace must own the namespaces made afterwards */
	if (p->join_fd[OCI_NS_USER] >= 0 && p->clone_flags &&
	    unshare(p->clone_flags & ~(uint64_t)(CLONE_NEWPID | CLONE_NEWTIME)) < 0)
		return husk_syserr(err, "create namespaces");
	return 0;
}

pid_t ns_clone(uint64_t flags, int *pidfd, struct husk_err **err)
{
	struct clone_args args = {
		.flags = flags | CLONE_PIDFD,
		.pidfd = (uint64_t)(uintptr_t)pidfd,
		.exit_signal = SIGCHLD,
	};
	pid_t pid = syscall(SYS_clone3, &args, sizeof(args));

	if (pid < 0)
		husk_syserr(err, "clone the container init");
	return pid;
}

static int write_map(pid_t pid, const char *file, const struct oci_id_mapping *m, size_t n,
		     struct husk_err **err)
{
	char path[64], buf[4096];
	size_t len = 0;

	for (size_t i = 0; i < n && len < sizeof(buf); i++)
		len += snprintf(buf + len, sizeof(buf) - len, "%u %u %u\n",
				m[i].container_id, m[i].host_id, m[i].size);
	snprintf(path, sizeof(path), "/proc/%d/%s", pid, file);
	return fs_write_file(path, buf, len, err);
}

int ns_write_id_maps(const struct oci_config *cfg, pid_t pid, struct husk_err **err)
{
	const struct oci_linux *lx = cfg->linux_cfg;

	if (write_map(pid, "uid_map", lx->uid_mappings, lx->n_uid_mappings, err) < 0)
		return husk_err_wrap(err, "linux.uidMappings");
	if (write_map(pid, "gid_map", lx->gid_mappings, lx->n_gid_mappings, err) < 0)
		return husk_err_wrap(err, "linux.gidMappings");
	return 0;
}
