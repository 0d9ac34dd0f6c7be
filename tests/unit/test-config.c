/* oci_config_parse: every field of the Linux config decoded into oci.h. */
#include "oci-test.h"

static const char full_config[] =
	"{'ociVersion': '1.2.0',"
	" 'process': {"
	"  'terminal': true, 'consoleSize': {'height': 25, 'width': 80},"
	"  'user': {'uid': 1001, 'gid': 1002, 'umask': 18, 'additionalGids': [5, 4294967294]},"
	"  'args': ['sh', '-c', 'true'], 'commandLine': 'cmd /c',"
	"  'env': ['PATH=/bin', 'TERM=xterm'], 'cwd': '/work',"
	"  'capabilities': {'bounding': ['CAP_KILL', 'CAP_CHOWN'], 'effective': ['CAP_KILL'],"
	"   'inheritable': ['CAP_SETUID'], 'permitted': ['CAP_SETGID'], 'ambient': ['CAP_BPF']},"
	"  'rlimits': [{'type': 'RLIMIT_NOFILE', 'hard': 18446744073709551615, 'soft': 1024},"
	"              {'type': 'RLIMIT_CORE', 'hard': 7, 'soft': 6}],"
	"  'noNewPrivileges': true, 'apparmorProfile': 'aa', 'oomScoreAdj': -999,"
	"  'selinuxLabel': 'system_u:system_r:container_t:s0',"
	"  'ioPriority': {'class': 'IOPRIO_CLASS_BE', 'priority': 4},"
	"  'scheduler': {'policy': 'SCHED_DEADLINE', 'nice': -5, 'priority': 3,"
	"   'flags': ['SCHED_FLAG_RESET_ON_FORK'], 'runtime': 100, 'deadline': 200, 'period': 300},"
	"  'execCPUAffinity': {'initial': '0-1', 'final': '2-3'}},"
	" 'root': {'path': 'rootfs', 'readonly': true},"
	" 'mounts': [{'destination': '/proc', 'type': 'proc', 'source': 'proc'},"
	"   {'destination': '/data', 'source': '/srv', 'options': ['rbind', 'idmap'],"
	"    'uidMappings': [{'containerID': 0, 'hostID': 100000, 'size': 65536}],"
	"    'gidMappings': [{'containerID': 1, 'hostID': 200000, 'size': 10}]}],"
	" 'hostname': 'box', 'domainname': 'example.org',"
	" 'hooks': {"
	"  'prestart': [{'path': '/bin/pre', 'args': ['pre', 'x'], 'env': ['A=1'], 'timeout': 5}],"
	"  'createRuntime': [{'path': '/bin/cr'}, {'path': '/bin/cr2'}],"
	"  'createContainer': [{'path': '/bin/cc'}],"
	"  'startContainer': [{'path': '/bin/sc'}],"
	"  'poststart': [{'path': '/bin/ps'}],"
	"  'poststop': [{'path': '/bin/pst', 'timeout': 9}]},"
	" 'annotations': {'org.example.key': 'value', 'b': ''},"
	" 'linux': {"
	"  'namespaces': [{'type': 'pid'}, {'type': 'network', 'path': '/run/netns/x'},"
	"   {'type': 'mount'}, {'type': 'ipc'}, {'type': 'uts'}, {'type': 'user'},"
	"   {'type': 'cgroup'}, {'type': 'time'}],"
	"  'uidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 1},"
	"                  {'containerID': 1, 'hostID': 100000, 'size': 65536}],"
	"  'gidMappings': [{'containerID': 0, 'hostID': 1001, 'size': 2}],"
	"  'timeOffsets': {'monotonic': {'secs': -9223372036854775808, 'nanosecs': 5},"
	"                  'boottime': {'secs': 42}},"
	"  'devices': [{'path': '/dev/fuse', 'type': 'c', 'major': 10, 'minor': 229,"
	"               'fileMode': 438, 'uid': 0, 'gid': 7},"
	"              {'path': '/dev/fifo', 'type': 'p'}],"
	"  'cgroupsPath': '/husk/box',"
	"  'resources': {"
	"   'devices': [{'allow': false, 'access': 'rwm'},"
	"               {'allow': true, 'type': 'c', 'major': 1, 'minor': 3, 'access': 'rw'}],"
	"   'memory': {'limit': 536870912, 'reservation': 1, 'swap': -1, 'kernel': 2,"
	"              'kernelTCP': 3, 'swappiness': 18446744073709551615,"
	"              'disableOOMKiller': true, 'useHierarchy': false, 'checkBeforeUpdate': true},"
	"   'cpu': {'shares': 1024, 'quota': -1, 'burst': 5, 'period': 100000,"
	"           'realtimeRuntime': 950000, 'realtimePeriod': 1000000,"
	"           'cpus': '0-3', 'mems': '0', 'idle': 1},"
	"   'pids': {'limit': 9223372036854775807},"
	"   'blockIO': {'weight': 500, 'leafWeight': 300,"
	"    'weightDevice': [{'major': 8, 'minor': 0, 'weight': 600, 'leafWeight': 1000}],"
	"    'throttleReadBpsDevice': [{'major': 8, 'minor': 1, 'rate': 18446744073709551615}],"
	"    'throttleWriteBpsDevice': [{'major': 8, 'minor': 2, 'rate': 11}],"
	"    'throttleReadIOPSDevice': [{'major': 8, 'minor': 3, 'rate': 12}],"
	"    'throttleWriteIOPSDevice': [{'major': 8, 'minor': 4, 'rate': 13}]},"
	"   'hugepageLimits': [{'pageSize': '2MB', 'limit': 18446744073709551614}],"
	"   'network': {'classID': 1048577, 'priorities': [{'name': 'eth0', 'priority': 500}]},"
	"   'rdma': {'mlx5_1': {'hcaHandles': 3, 'hcaObjects': 10000}, 'mlx4_0': {}},"
	"   'unified': {'memory.high': '1G', 'io.weight': 'default 100'}},"
	"  'rootfsPropagation': 'rslave',"
	"  'seccomp': {'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': 38,"
	"   'architectures': ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86'],"
	"   'flags': ['SECCOMP_FILTER_FLAG_LOG'], 'listenerPath': '/run/seccomp.sock',"
	"   'listenerMetadata': 'meta',"
	"   'syscalls': [{'names': ['read', 'write'], 'action': 'SCMP_ACT_ALLOW'},"
	"    {'names': ['personality'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 1,"
	"     'args': [{'index': 0, 'value': 18446744073709551615, 'valueTwo': 2, 'op': 'SCMP_CMP_MASKED_EQ'},"
	"              {'index': 5, 'value': 0, 'op': 'SCMP_CMP_NE'}]}]},"
	"  'sysctl': {'net.ipv4.ip_forward': '1', 'kernel.shmmax': '4096'},"
	"  'maskedPaths': ['/proc/kcore'], 'readonlyPaths': [],"
	"  'mountLabel': 'system_u:object_r:container_file_t:s0',"
	"  'personality': {'domain': 'LINUX32', 'flags': ['f1']},"
	"  'intelRdt': {'closID': 'clos1', 'l3CacheSchema': 'L3:0=ff', 'memBwSchema': 'MB:0=50',"
	"               'enableCMT': true, 'enableMBM': true}}}";

static struct oci_config *full(void)
{
	char *msg = NULL;
	struct oci_config *c = parse_q(full_config, &msg);

	if (!c) {
		printf("# full config: %s\n", msg);
		exit(1);
	}
	return c;
}

static int strv_is(const struct oci_strv *sv, const char *const *want)
{
	size_t n = 0;

	while (want[n])
		n++;
	if (sv->n != n || (n && sv->v[n] != NULL) || (!n && sv->v))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (strcmp(sv->v[i], want[i]) != 0)
			return 0;
	return 1;
}

#define STRV_IS(sv, ...) CHECK(strv_is(&(sv), (const char *const[]){ __VA_ARGS__, NULL }))
#define STRV_EMPTY(sv) CHECK((sv).n == 0 && (sv).v == NULL)

TEST(full_config_top_level)
{
	struct oci_config *c = full();

	CHECK_STR(c->oci_version, "1.2.0");
	CHECK_STR(c->root.path, "rootfs");
	CHECK(c->root.readonly);
	CHECK_STR(c->hostname, "box");
	CHECK_STR(c->domainname, "example.org");
	CHECK(c->annotations.n == 2);
	CHECK_STR(c->annotations.v[0].key, "org.example.key");
	CHECK_STR(c->annotations.v[0].value, "value");
	CHECK_STR(c->annotations.v[1].key, "b");
	CHECK_STR(c->annotations.v[1].value, "");
	oci_config_free(c);
}

TEST(full_config_process)
{
	struct oci_config *c = full();
	const struct oci_process *p = c->process;

	CHECK(p->terminal);
	CHECK(p->has_console_size && p->console_height == 25 && p->console_width == 80);
	CHECK(p->user.uid == 1001 && p->user.gid == 1002);
	CHECK(p->user.umask.set && p->user.umask.v == 18);
	CHECK(p->user.n_additional_gids == 2);
	CHECK(p->user.additional_gids[0] == 5 && p->user.additional_gids[1] == UINT32_MAX - 1);
	STRV_IS(p->args, "sh", "-c", "true");
	CHECK_STR(p->command_line, "cmd /c");
	STRV_IS(p->env, "PATH=/bin", "TERM=xterm");
	CHECK_STR(p->cwd, "/work");
	CHECK(p->no_new_privileges);
	CHECK_STR(p->apparmor_profile, "aa");
	CHECK(p->oom_score_adj.set && p->oom_score_adj.v == -999);
	CHECK_STR(p->selinux_label, "system_u:system_r:container_t:s0");
	oci_config_free(c);
}

TEST(full_config_capabilities_and_rlimits)
{
	struct oci_config *c = full();
	const struct oci_process *p = c->process;

	STRV_IS(p->capabilities->bounding, "CAP_KILL", "CAP_CHOWN");
	STRV_IS(p->capabilities->effective, "CAP_KILL");
	STRV_IS(p->capabilities->inheritable, "CAP_SETUID");
	STRV_IS(p->capabilities->permitted, "CAP_SETGID");
	STRV_IS(p->capabilities->ambient, "CAP_BPF");
	CHECK(p->n_rlimits == 2);
	CHECK_STR(p->rlimits[0].type, "RLIMIT_NOFILE");
	CHECK(p->rlimits[0].hard == UINT64_MAX);
	CHECK(p->rlimits[0].soft == 1024);
	CHECK_STR(p->rlimits[1].type, "RLIMIT_CORE");
	CHECK(p->rlimits[1].hard == 7 && p->rlimits[1].soft == 6);
	oci_config_free(c);
}

TEST(full_config_io_priority_scheduler_affinity)
{
	struct oci_config *c = full();
	const struct oci_process *p = c->process;
	const struct oci_scheduler *s = p->scheduler;

	CHECK_STR(p->io_priority->class, "IOPRIO_CLASS_BE");
	CHECK(p->io_priority->priority == 4);
	CHECK_STR(s->policy, "SCHED_DEADLINE");
	CHECK(s->nice.set && s->nice.v == -5);
	CHECK(s->priority.set && s->priority.v == 3);
	STRV_IS(s->flags, "SCHED_FLAG_RESET_ON_FORK");
	CHECK(s->runtime.set && s->runtime.v == 100);
	CHECK(s->deadline.set && s->deadline.v == 200);
	CHECK(s->period.set && s->period.v == 300);
	CHECK_STR(p->exec_cpu_affinity->initial, "0-1");
	CHECK_STR(p->exec_cpu_affinity->final, "2-3");
	oci_config_free(c);
}

TEST(full_config_mounts)
{
	struct oci_config *c = full();
	const struct oci_mount *m = c->mounts;

	CHECK(c->n_mounts == 2);
	CHECK_STR(m[0].destination, "/proc");
	CHECK_STR(m[0].type, "proc");
	CHECK_STR(m[0].source, "proc");
	STRV_EMPTY(m[0].options);
	CHECK(m[0].n_uid_mappings == 0 && m[0].uid_mappings == NULL);
	CHECK_STR(m[1].destination, "/data");
	CHECK(m[1].type == NULL);
	CHECK_STR(m[1].source, "/srv");
	STRV_IS(m[1].options, "rbind", "idmap");
	CHECK(m[1].n_uid_mappings == 1 && m[1].n_gid_mappings == 1);
	CHECK(m[1].uid_mappings[0].container_id == 0);
	CHECK(m[1].uid_mappings[0].host_id == 100000);
	CHECK(m[1].uid_mappings[0].size == 65536);
	CHECK(m[1].gid_mappings[0].container_id == 1);
	CHECK(m[1].gid_mappings[0].host_id == 200000);
	CHECK(m[1].gid_mappings[0].size == 10);
	oci_config_free(c);
}

TEST(full_config_hooks)
{
	struct oci_config *c = full();
	const struct oci_hooks *h = &c->hooks;

	CHECK(h->prestart.n == 1);
	CHECK_STR(h->prestart.v[0].path, "/bin/pre");
	STRV_IS(h->prestart.v[0].args, "pre", "x");
	STRV_IS(h->prestart.v[0].env, "A=1");
	CHECK(h->prestart.v[0].timeout.set && h->prestart.v[0].timeout.v == 5);
	CHECK(h->create_runtime.n == 2);
	CHECK_STR(h->create_runtime.v[0].path, "/bin/cr");
	CHECK_STR(h->create_runtime.v[1].path, "/bin/cr2");
	CHECK(!h->create_runtime.v[0].timeout.set);
	STRV_EMPTY(h->create_runtime.v[0].args);
	CHECK(h->create_container.n == 1);
	CHECK_STR(h->create_container.v[0].path, "/bin/cc");
	CHECK(h->start_container.n == 1);
	CHECK_STR(h->start_container.v[0].path, "/bin/sc");
	CHECK(h->poststart.n == 1);
	CHECK_STR(h->poststart.v[0].path, "/bin/ps");
	CHECK(h->poststop.n == 1);
	CHECK_STR(h->poststop.v[0].path, "/bin/pst");
	CHECK(h->poststop.v[0].timeout.v == 9);
	oci_config_free(c);
}

TEST(full_config_namespaces_and_mappings)
{
	struct oci_config *c = full();
	const struct oci_linux *l = c->linux_cfg;
	static const enum oci_ns_type order[] = {
		OCI_NS_PID, OCI_NS_NETWORK, OCI_NS_MOUNT, OCI_NS_IPC,
		OCI_NS_UTS, OCI_NS_USER, OCI_NS_CGROUP, OCI_NS_TIME,
	};

	CHECK(l->n_namespaces == 8);
	for (size_t i = 0; i < 8 && i < l->n_namespaces; i++)
		CHECK(l->namespaces[i].type == order[i]);
	CHECK(l->namespaces[0].path == NULL);
	CHECK_STR(l->namespaces[1].path, "/run/netns/x");
	CHECK(oci_config_namespace(c, OCI_NS_NETWORK) == &l->namespaces[1]);
	CHECK(l->n_uid_mappings == 2 && l->n_gid_mappings == 1);
	CHECK(l->uid_mappings[0].container_id == 0 && l->uid_mappings[0].host_id == 1000 &&
	      l->uid_mappings[0].size == 1);
	CHECK(l->uid_mappings[1].container_id == 1 && l->uid_mappings[1].host_id == 100000 &&
	      l->uid_mappings[1].size == 65536);
	CHECK(l->gid_mappings[0].host_id == 1001 && l->gid_mappings[0].size == 2);
	CHECK(l->monotonic.set && l->monotonic.secs == INT64_MIN && l->monotonic.nanosecs == 5);
	CHECK(l->boottime.set && l->boottime.secs == 42 && l->boottime.nanosecs == 0);
	oci_config_free(c);
}

TEST(full_config_devices)
{
	struct oci_config *c = full();
	const struct oci_linux *l = c->linux_cfg;
	const struct oci_device *d = l->devices;

	CHECK(l->n_devices == 2);
	CHECK_STR(d[0].path, "/dev/fuse");
	CHECK(d[0].type == 'c' && d[0].major == 10 && d[0].minor == 229);
	CHECK(d[0].file_mode.set && d[0].file_mode.v == 438);
	CHECK(d[0].uid.set && d[0].uid.v == 0);
	CHECK(d[0].gid.set && d[0].gid.v == 7);
	CHECK_STR(d[1].path, "/dev/fifo");
	CHECK(d[1].type == 'p' && !d[1].file_mode.set && !d[1].uid.set && !d[1].gid.set);
	CHECK_STR(l->cgroups_path, "/husk/box");
	oci_config_free(c);
}

TEST(full_config_device_rules_memory_cpu)
{
	struct oci_config *c = full();
	const struct oci_resources *r = c->linux_cfg->resources;
	const struct oci_memory *m = r->memory;
	const struct oci_cpu *cpu = r->cpu;

	CHECK(r->n_devices == 2);
	CHECK(!r->devices[0].allow && r->devices[0].type == 'a');
	CHECK(!r->devices[0].major.set && !r->devices[0].minor.set);
	CHECK_STR(r->devices[0].access, "rwm");
	CHECK(r->devices[1].allow && r->devices[1].type == 'c');
	CHECK(r->devices[1].major.set && r->devices[1].major.v == 1);
	CHECK(r->devices[1].minor.set && r->devices[1].minor.v == 3);
	CHECK_STR(r->devices[1].access, "rw");
	CHECK(m->limit.set && m->limit.v == 536870912);
	CHECK(m->reservation.set && m->reservation.v == 1);
	CHECK(m->swap.set && m->swap.v == -1);
	CHECK(m->kernel.set && m->kernel.v == 2);
	CHECK(m->kernel_tcp.set && m->kernel_tcp.v == 3);
	CHECK(m->swappiness.set && m->swappiness.v == UINT64_MAX);
	CHECK(m->disable_oom_killer.set && m->disable_oom_killer.v);
	CHECK(m->use_hierarchy.set && !m->use_hierarchy.v);
	CHECK(m->check_before_update.set && m->check_before_update.v);
	CHECK(cpu->shares.set && cpu->shares.v == 1024);
	CHECK(cpu->quota.set && cpu->quota.v == -1);
	CHECK(cpu->burst.set && cpu->burst.v == 5);
	CHECK(cpu->period.set && cpu->period.v == 100000);
	CHECK(cpu->realtime_runtime.set && cpu->realtime_runtime.v == 950000);
	CHECK(cpu->realtime_period.set && cpu->realtime_period.v == 1000000);
	CHECK_STR(cpu->cpus, "0-3");
	CHECK_STR(cpu->mems, "0");
	CHECK(cpu->idle.set && cpu->idle.v == 1);
	oci_config_free(c);
}

TEST(full_config_pids_block_io_hugepages)
{
	struct oci_config *c = full();
	const struct oci_resources *r = c->linux_cfg->resources;
	const struct oci_block_io *b = r->block_io;

	CHECK(r->has_pids && r->pids_limit.set && r->pids_limit.v == INT64_MAX);
	CHECK(b->weight.set && b->weight.v == 500);
	CHECK(b->leaf_weight.set && b->leaf_weight.v == 300);
	CHECK(b->n_weight_device == 1);
	CHECK(b->weight_device[0].major == 8 && b->weight_device[0].minor == 0);
	CHECK(b->weight_device[0].weight.set && b->weight_device[0].weight.v == 600);
	CHECK(b->weight_device[0].leaf_weight.set && b->weight_device[0].leaf_weight.v == 1000);
	CHECK(b->n_throttle_read_bps == 1 && b->throttle_read_bps[0].minor == 1 &&
	      b->throttle_read_bps[0].rate == UINT64_MAX);
	CHECK(b->n_throttle_write_bps == 1 && b->throttle_write_bps[0].minor == 2 &&
	      b->throttle_write_bps[0].rate == 11);
	CHECK(b->n_throttle_read_iops == 1 && b->throttle_read_iops[0].minor == 3 &&
	      b->throttle_read_iops[0].rate == 12);
	CHECK(b->n_throttle_write_iops == 1 && b->throttle_write_iops[0].major == 8 &&
	      b->throttle_write_iops[0].minor == 4 && b->throttle_write_iops[0].rate == 13);
	CHECK(r->n_hugepage_limits == 1);
	CHECK_STR(r->hugepage_limits[0].page_size, "2MB");
	CHECK(r->hugepage_limits[0].limit == UINT64_MAX - 1);
	oci_config_free(c);
}

TEST(full_config_network_rdma_unified)
{
	struct oci_config *c = full();
	const struct oci_resources *r = c->linux_cfg->resources;

	CHECK(r->has_network);
	CHECK(r->net_class_id.set && r->net_class_id.v == 1048577);
	CHECK(r->n_net_priorities == 1);
	CHECK_STR(r->net_priorities[0].name, "eth0");
	CHECK(r->net_priorities[0].priority == 500);
	CHECK(r->n_rdma == 2);
	CHECK_STR(r->rdma[0].device, "mlx5_1");
	CHECK(r->rdma[0].hca_handles.set && r->rdma[0].hca_handles.v == 3);
	CHECK(r->rdma[0].hca_objects.set && r->rdma[0].hca_objects.v == 10000);
	CHECK_STR(r->rdma[1].device, "mlx4_0");
	CHECK(!r->rdma[1].hca_handles.set && !r->rdma[1].hca_objects.set);
	CHECK(r->unified.n == 2);
	CHECK_STR(r->unified.v[0].key, "memory.high");
	CHECK_STR(r->unified.v[0].value, "1G");
	CHECK_STR(r->unified.v[1].key, "io.weight");
	CHECK_STR(r->unified.v[1].value, "default 100");
	oci_config_free(c);
}

TEST(full_config_seccomp)
{
	struct oci_config *c = full();
	const struct oci_seccomp *s = c->linux_cfg->seccomp;
	const struct oci_seccomp_syscall *sc = s->syscalls;

	CHECK_STR(s->default_action, "SCMP_ACT_ERRNO");
	CHECK(s->default_errno_ret.set && s->default_errno_ret.v == 38);
	STRV_IS(s->architectures, "SCMP_ARCH_X86_64", "SCMP_ARCH_X86");
	STRV_IS(s->flags, "SECCOMP_FILTER_FLAG_LOG");
	CHECK_STR(s->listener_path, "/run/seccomp.sock");
	CHECK_STR(s->listener_metadata, "meta");
	CHECK(s->n_syscalls == 2);
	STRV_IS(sc[0].names, "read", "write");
	CHECK_STR(sc[0].action, "SCMP_ACT_ALLOW");
	CHECK(!sc[0].errno_ret.set && sc[0].n_args == 0 && sc[0].args == NULL);
	STRV_IS(sc[1].names, "personality");
	CHECK(sc[1].errno_ret.set && sc[1].errno_ret.v == 1);
	CHECK(sc[1].n_args == 2);
	CHECK(sc[1].args[0].index == 0 && sc[1].args[0].value == UINT64_MAX);
	CHECK(sc[1].args[0].value_two.set && sc[1].args[0].value_two.v == 2);
	CHECK_STR(sc[1].args[0].op, "SCMP_CMP_MASKED_EQ");
	CHECK(sc[1].args[1].index == 5 && sc[1].args[1].value == 0);
	CHECK(!sc[1].args[1].value_two.set);
	CHECK_STR(sc[1].args[1].op, "SCMP_CMP_NE");
	oci_config_free(c);
}

TEST(full_config_linux_misc)
{
	struct oci_config *c = full();
	const struct oci_linux *l = c->linux_cfg;

	CHECK_STR(l->rootfs_propagation, "rslave");
	CHECK(l->sysctl.n == 2);
	CHECK_STR(l->sysctl.v[0].key, "net.ipv4.ip_forward");
	CHECK_STR(l->sysctl.v[0].value, "1");
	CHECK_STR(l->sysctl.v[1].key, "kernel.shmmax");
	CHECK_STR(l->sysctl.v[1].value, "4096");
	CHECK(l->has_masked_paths);
	STRV_IS(l->masked_paths, "/proc/kcore");
	CHECK(l->has_readonly_paths);
	STRV_EMPTY(l->readonly_paths);
	CHECK_STR(l->mount_label, "system_u:object_r:container_file_t:s0");
	CHECK_STR(l->personality->domain, "LINUX32");
	STRV_IS(l->personality->flags, "f1");
	CHECK_STR(l->intel_rdt->clos_id, "clos1");
	CHECK_STR(l->intel_rdt->l3_cache_schema, "L3:0=ff");
	CHECK_STR(l->intel_rdt->mem_bw_schema, "MB:0=50");
	CHECK(l->intel_rdt->enable_cmt && l->intel_rdt->enable_mbm);
	oci_config_free(c);
}

TEST(full_config_validates)
{
	struct oci_config *c = full();
	char *msg = NULL;

	CHECK(validate(c, &msg) == 0);
	if (msg)
		printf("# %s\n", msg);
	free(msg);
	oci_config_free(c);
}

TEST(minimal_config_leaves_everything_absent)
{
	char *msg = NULL;
	struct oci_config *c = parse_q(CFG(""), &msg);

	CHECK(c != NULL);
	if (!c)
		return;
	CHECK_STR(c->oci_version, "1.2.0");
	CHECK_STR(c->root.path, "rootfs");
	CHECK(!c->root.readonly);
	CHECK(c->process == NULL && c->linux_cfg == NULL);
	CHECK(c->mounts == NULL && c->n_mounts == 0);
	CHECK(c->hostname == NULL && c->domainname == NULL);
	CHECK(c->hooks.prestart.n == 0 && c->hooks.poststop.v == NULL);
	CHECK(c->annotations.n == 0 && c->annotations.v == NULL);
	oci_config_free(c);
}

TEST(minimal_sections_keep_optionals_unset)
{
	char *msg = NULL;
	struct oci_config *c = parse_q(CFG(PROC("") LINUX("'resources': {'pids': {}, 'network': {}}")), &msg);
	const struct oci_process *p = c ? c->process : NULL;
	const struct oci_linux *l = c ? c->linux_cfg : NULL;

	CHECK(p && l);
	if (!p || !l)
		return;
	CHECK(!p->terminal && !p->has_console_size && !p->no_new_privileges);
	CHECK(!p->user.umask.set && p->user.uid == 0 && p->user.n_additional_gids == 0);
	CHECK(!p->oom_score_adj.set);
	CHECK(!p->capabilities && !p->io_priority && !p->scheduler && !p->exec_cpu_affinity);
	CHECK(!l->monotonic.set && !l->boottime.set);
	CHECK(!l->has_masked_paths && !l->has_readonly_paths);
	CHECK(!l->seccomp && !l->personality && !l->intel_rdt);
	CHECK(l->resources->has_pids && !l->resources->pids_limit.set);
	CHECK(l->resources->has_network && !l->resources->net_class_id.set);
	CHECK(!l->resources->memory && !l->resources->cpu && !l->resources->block_io);
	oci_config_free(c);
}

TEST(namespace_names_round_trip)
{
	static const char *const names[] = {
		"pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time"
	};

	for (int t = 0; t < OCI_NS_COUNT; t++) {
		CHECK_STR(oci_ns_type_name(t), names[t]);
		CHECK(oci_ns_type_from_name(names[t]) == t);
	}
	CHECK(oci_ns_type_from_name("net") == -1);
	CHECK(oci_ns_type_from_name("") == -1);
	CHECK(oci_ns_type_name(OCI_NS_COUNT) == NULL);
}

TEST(config_namespace_lookup)
{
	char *msg = NULL;
	struct oci_config *c = parse_q(CFG(LINUX("'namespaces': [{'type': 'uts'}]")), &msg);
	struct oci_config *bare = parse_q(CFG(""), &msg);

	CHECK(c && bare);
	if (!c || !bare)
		return;
	CHECK(oci_config_namespace(c, OCI_NS_UTS) == &c->linux_cfg->namespaces[0]);
	CHECK(oci_config_namespace(c, OCI_NS_PID) == NULL);
	CHECK(oci_config_namespace(bare, OCI_NS_UTS) == NULL);
	oci_config_free(c);
	oci_config_free(bare);
}

TEST(free_accepts_null)
{
	oci_config_free(NULL);
	CHECK(1);
}
