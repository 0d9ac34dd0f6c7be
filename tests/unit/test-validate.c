/* oci_config_validate: each rule, passing and failing, with exact messages. */
#include "oci-test.h"

#define V(ver) "{'ociVersion': '" ver "', 'root': {'path': 'r'}}"
#define NS(list) LINUX("'namespaces': [" list "]")
#define USERNS_MAPS "'uidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 1}]," \
	"'gidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 1}]"
#define RES(r) CFG(LINUX("'resources': {" r "}"))
#define SECCOMP(s) CFG(LINUX("'seccomp': {" s "}"))
#define SYSCALL(sc) SECCOMP("'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': [{" sc "}]")

TEST(version)
{
	VALID(V("1.0.0"));
	VALID(V("1.0.2-dev"));
	VALID(V("1.1.0"));
	VALID(V("1.2.1"));
	VALID(V("1.3.0+build.5"));
	INVALID(V("2.0.0"), ".ociVersion: unsupported version \"2.0.0\" (expected 1.MINOR.PATCH)");
	INVALID(V("0.5.0"), ".ociVersion: unsupported version \"0.5.0\" (expected 1.MINOR.PATCH)");
	INVALID(V("1.0"), ".ociVersion: unsupported version \"1.0\" (expected 1.MINOR.PATCH)");
	INVALID(V("1.x.0"), ".ociVersion: unsupported version \"1.x.0\" (expected 1.MINOR.PATCH)");
	INVALID(V("1.0.0rc1"), ".ociVersion: unsupported version \"1.0.0rc1\" (expected 1.MINOR.PATCH)");
	INVALID(V(""), ".ociVersion: unsupported version \"\" (expected 1.MINOR.PATCH)");
}

TEST(root)
{
	VALID(CFG(""));
	INVALID("{'ociVersion': '1.2.0'}", "missing required field \"root\"");
	INVALID("{'ociVersion': '1.2.0', 'root': {'path': ''}}", ".root.path: must not be empty");
}

TEST(process_args_cwd_env)
{
	VALID(CFG(PROC(",'env': ['A=1', 'B=']")));
	INVALID("{" BASE ",'process': {'cwd': '/', 'args': []}}", ".process.args: must not be empty");
	INVALID("{" BASE ",'process': {'cwd': 'work', 'args': ['sh']}}",
		".process.cwd: \"work\" is not an absolute path");
	INVALID("{" BASE ",'process': {'cwd': '', 'args': ['sh']}}",
		".process.cwd: \"\" is not an absolute path");
	INVALID(CFG(PROC(",'env': ['A=1', 'B']")), ".process.env[1]: \"B\" is not of the form KEY=VALUE");
}

TEST(process_user_ids)
{
	VALID(CFG(PROC(",'user': {'uid': 4294967294, 'gid': 0, 'additionalGids': [4294967294]}")));
	INVALID(CFG(PROC(",'user': {'uid': 4294967295, 'gid': 0}")),
		".process.user.uid: 4294967295 is not a valid user id");
	INVALID(CFG(PROC(",'user': {'uid': 0, 'gid': 4294967295}")),
		".process.user.gid: 4294967295 is not a valid group id");
	INVALID(CFG(PROC(",'user': {'uid': 0, 'gid': 0, 'additionalGids': [1, 4294967295]}")),
		".process.user.additionalGids[1]: 4294967295 is not a valid group id");
}

#define RLIMITS(l) CFG(PROC(",'rlimits': [" l "]"))
#define RL(type, soft, hard) "{'type': '" type "', 'soft': " soft ", 'hard': " hard "}"

TEST(rlimits)
{
	VALID(RLIMITS(RL("RLIMIT_NOFILE", "1024", "1024") "," RL("RLIMIT_CORE", "0", "18446744073709551615")));
	VALID(RLIMITS(RL("RLIMIT_AS", "1", "1") "," RL("RLIMIT_CPU", "1", "1") "," RL("RLIMIT_DATA", "1", "1")
		      "," RL("RLIMIT_FSIZE", "1", "1") "," RL("RLIMIT_LOCKS", "1", "1") "," RL("RLIMIT_MEMLOCK", "1", "1")
		      "," RL("RLIMIT_MSGQUEUE", "1", "1") "," RL("RLIMIT_NICE", "1", "1") "," RL("RLIMIT_NPROC", "1", "1")
		      "," RL("RLIMIT_RSS", "1", "1") "," RL("RLIMIT_RTPRIO", "1", "1") "," RL("RLIMIT_RTTIME", "1", "1")
		      "," RL("RLIMIT_SIGPENDING", "1", "1") "," RL("RLIMIT_STACK", "1", "1")));
	INVALID(RLIMITS(RL("RLIMIT_NOFILE", "1", "1") "," RL("RLIMIT_FOO", "1", "1")),
		".process.rlimits[1].type: unknown resource limit \"RLIMIT_FOO\"");
	INVALID(RLIMITS(RL("nofile", "1", "1")), ".process.rlimits[0].type: unknown resource limit \"nofile\"");
	INVALID(RLIMITS(RL("RLIMIT_NOFILE", "2048", "1024")),
		".process.rlimits[0]: soft limit 2048 exceeds hard limit 1024");
	INVALID(RLIMITS(RL("RLIMIT_NOFILE", "1", "2") "," RL("RLIMIT_CORE", "1", "2") "," RL("RLIMIT_NOFILE", "1", "2")),
		".process.rlimits[2].type: duplicate resource limit \"RLIMIT_NOFILE\"");
}

#define CAPS(c) CFG(PROC(",'capabilities': {" c "}"))

TEST(capabilities)
{
	VALID(CAPS("'bounding': ['CAP_CHOWN', 'CAP_CHECKPOINT_RESTORE', 'CAP_SYS_ADMIN', 'CAP_BPF',"
		   " 'CAP_PERFMON', 'CAP_AUDIT_READ'], 'ambient': []"));
	INVALID(CAPS("'bounding': ['CAP_KILL', 'CAP_CHOWN', 'CAP_SETUID', 'CAP_FOO']"),
		".process.capabilities.bounding[3]: unknown capability \"CAP_FOO\"");
	INVALID(CAPS("'effective': ['kill']"), ".process.capabilities.effective[0]: unknown capability \"kill\"");
	INVALID(CAPS("'inheritable': ['CAP_KILL', 'CAP_KILL ']"),
		".process.capabilities.inheritable[1]: unknown capability \"CAP_KILL \"");
	INVALID(CAPS("'permitted': ['CAP_MAC_ADMIN', 'CAP_CHECKPOINT']"),
		".process.capabilities.permitted[1]: unknown capability \"CAP_CHECKPOINT\"");
	INVALID(CAPS("'ambient': ['CAP_']"), ".process.capabilities.ambient[0]: unknown capability \"CAP_\"");
}

TEST(oom_score_adj)
{
	VALID(CFG(PROC(",'oomScoreAdj': -1000")));
	VALID(CFG(PROC(",'oomScoreAdj': 1000")));
	INVALID(CFG(PROC(",'oomScoreAdj': 1001")), ".process.oomScoreAdj: 1001 is out of range -1000..1000");
	INVALID(CFG(PROC(",'oomScoreAdj': -1001")), ".process.oomScoreAdj: -1001 is out of range -1000..1000");
}

#define IOPRIO(class, prio) CFG(PROC(",'ioPriority': {'class': '" class "', 'priority': " prio "}"))

TEST(io_priority)
{
	VALID(IOPRIO("IOPRIO_CLASS_RT", "0"));
	VALID(IOPRIO("IOPRIO_CLASS_BE", "7"));
	VALID(IOPRIO("IOPRIO_CLASS_IDLE", "3"));
	INVALID(IOPRIO("IOPRIO_CLASS_NONE", "0"), ".process.ioPriority.class: unknown class \"IOPRIO_CLASS_NONE\"");
	INVALID(IOPRIO("IOPRIO_CLASS_BE", "8"), ".process.ioPriority.priority: 8 is out of range 0..7");
	INVALID(IOPRIO("IOPRIO_CLASS_BE", "-1"), ".process.ioPriority.priority: -1 is out of range 0..7");
}

#define SCHED(policy) CFG(PROC(",'scheduler': {'policy': '" policy "'}"))

TEST(scheduler)
{
	static const char *const ok[] = {
		SCHED("SCHED_OTHER"), SCHED("SCHED_FIFO"), SCHED("SCHED_RR"), SCHED("SCHED_BATCH"),
		SCHED("SCHED_ISO"), SCHED("SCHED_IDLE"), SCHED("SCHED_DEADLINE"),
	};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		VALID(ok[i]);
	INVALID(SCHED("SCHED_NORMAL"), ".process.scheduler.policy: unknown policy \"SCHED_NORMAL\"");
}

TEST(console_size_without_terminal_is_fine)
{
	VALID(CFG(PROC(",'terminal': false, 'consoleSize': {'height': 1, 'width': 1}")));
}

TEST(mounts)
{
	VALID(CFG(",'mounts': [{'destination': '/proc', 'type': 'proc'},"
		  " {'destination': '/m', 'uidMappings': [{'containerID': 0, 'hostID': 1, 'size': 1}]}]"));
	INVALID(CFG(",'mounts': [{'destination': '/a'}, {'destination': 'proc'}]"),
		".mounts[1].destination: \"proc\" is not an absolute path");
	INVALID(CFG(",'mounts': [{'destination': '/m', 'uidMappings': [{'containerID': 0, 'hostID': 1, 'size': 0}]}]"),
		".mounts[0].uidMappings[0].size: must be greater than 0");
	INVALID(CFG(",'mounts': [{'destination': '/m', 'gidMappings': [{'containerID': 0, 'hostID': 1, 'size': 1},"
		    " {'containerID': 1, 'hostID': 2, 'size': 0}]}]"),
		".mounts[0].gidMappings[1].size: must be greater than 0");
}

TEST(hooks)
{
	VALID(CFG(",'hooks': {'prestart': [{'path': '/a', 'timeout': 1}], 'poststop': [{'path': '/b'}]}"));
	INVALID(CFG(",'hooks': {'createRuntime': [{'path': 'hook'}]}"),
		".hooks.createRuntime[0].path: \"hook\" is not an absolute path");
	INVALID(CFG(",'hooks': {'poststart': [{'path': '/a'}, {'path': '/b', 'timeout': 0}]}"),
		".hooks.poststart[1].timeout: must be greater than 0");
	INVALID(CFG(",'hooks': {'createContainer': [{'path': '/a', 'timeout': -5}]}"),
		".hooks.createContainer[0].timeout: must be greater than 0");
	INVALID(CFG(",'hooks': {'startContainer': [{'path': 'x'}]}"),
		".hooks.startContainer[0].path: \"x\" is not an absolute path");
	INVALID(CFG(",'hooks': {'prestart': [{'path': './x'}]}"),
		".hooks.prestart[0].path: \"./x\" is not an absolute path");
	INVALID(CFG(",'hooks': {'poststop': [{'path': 'x'}]}"),
		".hooks.poststop[0].path: \"x\" is not an absolute path");
}

TEST(namespaces)
{
	VALID(CFG(NS("{'type': 'pid'}, {'type': 'network', 'path': '/run/netns/a'}, {'type': 'mount'},"
		     "{'type': 'ipc'}, {'type': 'uts'}, {'type': 'cgroup'}, {'type': 'time'}")));
	INVALID(CFG(NS("{'type': 'pid'}, {'type': 'ipc'}, {'type': 'pid', 'path': '/proc/1/ns/pid'}")),
		".linux.namespaces[2].type: duplicate namespace \"pid\"");
	INVALID(CFG(NS("{'type': 'network', 'path': 'netns'}")),
		".linux.namespaces[0].path: \"netns\" is not an absolute path");
}

TEST(namespace_type_out_of_range)
{
	char *msg = NULL;
	struct oci_config *c = parse_q(CFG(NS("{'type': 'pid'}")), &msg);

	CHECK(c != NULL);
	if (!c)
		return;
	c->linux_cfg->namespaces[0].type = OCI_NS_COUNT;
	CHECK(validate(c, &msg) < 0);
	CHECK_STR(msg, "config.json: .linux.namespaces[0].type: unknown namespace type 8");
	free(msg);
	oci_config_free(c);
}

TEST(user_namespace_mappings)
{
	VALID(CFG(LINUX("'namespaces': [{'type': 'user'}], " USERNS_MAPS)));
	VALID(CFG(LINUX("'namespaces': [{'type': 'user', 'path': '/proc/1/ns/user'}]")));
	INVALID(CFG(NS("{'type': 'user'}")), ".linux.uidMappings: required with a new user namespace");
	INVALID(CFG(LINUX("'namespaces': [{'type': 'user'}],"
			  "'uidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 1}]")),
		".linux.gidMappings: required with a new user namespace");
	INVALID(CFG(LINUX(USERNS_MAPS)), ".linux.uidMappings: only allowed with a new user namespace");
	INVALID(CFG(LINUX("'gidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 1}]")),
		".linux.gidMappings: only allowed with a new user namespace");
	INVALID(CFG(LINUX("'namespaces': [{'type': 'user', 'path': '/proc/1/ns/user'}], " USERNS_MAPS)),
		".linux.uidMappings: only allowed with a new user namespace");
	INVALID(CFG(LINUX("'namespaces': [{'type': 'user'}],"
			  "'uidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 1},"
			  " {'containerID': 1, 'hostID': 2000, 'size': 0}],"
			  "'gidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 1}]")),
		".linux.uidMappings[1].size: must be greater than 0");
}

#define UIDMAPS(m) CFG(LINUX("'namespaces': [{'type': 'user'}], 'uidMappings': [" m "]," \
	"'gidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 1}]"))

/* what the kernel would refuse with a bare EINVAL on writing uid_map */
TEST(id_mappings_the_kernel_refuses)
{
	VALID(UIDMAPS("{'containerID': 0, 'hostID': 100000, 'size': 100},"
		      " {'containerID': 100, 'hostID': 100100, 'size': 1}"));
	VALID(UIDMAPS("{'containerID': 0, 'hostID': 1, 'size': 4294967294}"));
	INVALID(UIDMAPS("{'containerID': 0, 'hostID': 100000, 'size': 100},"
			" {'containerID': 50, 'hostID': 200000, 'size': 100}"),
		".linux.uidMappings[1]: container ids 50-149 overlap those of .linux.uidMappings[0]");
	INVALID(UIDMAPS("{'containerID': 0, 'hostID': 100000, 'size': 100},"
			" {'containerID': 100, 'hostID': 100099, 'size': 1}"),
		".linux.uidMappings[1]: host ids 100099-100099 overlap those of .linux.uidMappings[0]");
	INVALID(UIDMAPS("{'containerID': 4294967295, 'hostID': 1, 'size': 1}"),
		".linux.uidMappings[0]: containerID 4294967295 + size 1 is past the last id, 4294967294");
	INVALID(UIDMAPS("{'containerID': 0, 'hostID': 4294967200, 'size': 96}"),
		".linux.uidMappings[0]: hostID 4294967200 + size 96 is past the last id, 4294967294");
	INVALID(CFG(",'mounts': [{'destination': '/m', 'uidMappings': [{'containerID': 0, 'hostID': 1, 'size': 2},"
		    " {'containerID': 1, 'hostID': 5, 'size': 1}]}]"),
		".mounts[0].uidMappings[1]: container ids 1-1 overlap those of .mounts[0].uidMappings[0]");
}

TEST(too_many_id_mappings)
{
	char maps[341 * 64], *p = maps, *cfg;
	struct husk_err *err = NULL;
	struct oci_config *c;

	for (int i = 0; i < 341; i++)
		p += sprintf(p, "%s{\"containerID\": %d, \"hostID\": %d, \"size\": 1}",
			     i ? "," : "", i, 1000 + i);
	if (asprintf(&cfg, "{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"r\"},"
		     " \"linux\": {\"namespaces\": [{\"type\": \"user\"}], \"uidMappings\": [%s],"
		     " \"gidMappings\": [{\"containerID\": 0, \"hostID\": 1, \"size\": 1}]}}", maps) < 0)
		return;
	c = oci_config_parse(cfg, strlen(cfg), "config.json", &err);
	CHECK(c != NULL);
	CHECK(c && oci_config_validate(c, "config.json", &err) < 0);
	CHECK(err && strstr(err->msg, ".linux.uidMappings: 341 mappings, the kernel takes at most 340"));
	husk_err_free(&err);
	oci_config_free(c);
	free(cfg);
}

TEST(hostname_needs_uts_namespace)
{
	VALID(CFG(",'hostname': 'box'" NS("{'type': 'uts'}")));
	VALID(CFG(",'hostname': 'box'" NS("{'type': 'uts', 'path': '/proc/1/ns/uts'}")));
	VALID(CFG(",'hostname': ''"));
	INVALID(CFG(",'hostname': 'box'"), ".hostname: requires a UTS namespace");
	INVALID(CFG(",'hostname': 'box'" NS("{'type': 'pid'}")), ".hostname: requires a UTS namespace");
	INVALID(CFG(",'domainname': 'example.org'"), ".domainname: requires a UTS namespace");
}

TEST(time_offsets_need_time_namespace)
{
	VALID(CFG(LINUX("'namespaces': [{'type': 'time'}], 'timeOffsets': {'boottime': {'secs': 1}}")));
	VALID(CFG(LINUX("'timeOffsets': {}")));
	INVALID(CFG(LINUX("'timeOffsets': {'monotonic': {'secs': 1}}")),
		".linux.timeOffsets: requires a time namespace");
	INVALID(CFG(LINUX("'namespaces': [{'type': 'time'}],"
			  "'timeOffsets': {'monotonic': {'nanosecs': 1000000000}}")),
		".linux.timeOffsets.monotonic.nanosecs: 1000000000 is out of range 0..999999999");
}

#define DEV(path, type) CFG(LINUX("'devices': [{'path': '" path "', 'type': '" type "', 'major': 1, 'minor': 1}]"))

TEST(devices)
{
	VALID(DEV("/dev/a", "c"));
	VALID(DEV("/dev/a", "b"));
	VALID(DEV("/dev/a", "u"));
	VALID(DEV("/dev/a", "p"));
	INVALID(DEV("/dev/a", "x"), ".linux.devices[0].type: unknown device type \"x\" (expected c, b, u or p)");
	INVALID(DEV("/dev/a", "a"), ".linux.devices[0].type: unknown device type \"a\" (expected c, b, u or p)");
	INVALID(DEV("dev/a", "c"), ".linux.devices[0].path: \"dev/a\" is not an absolute path");
}

TEST(device_cgroup_rules)
{
	VALID(RES("'devices': [{'allow': false}, {'allow': true, 'type': 'c', 'access': 'rwm'},"
		  " {'allow': true, 'type': 'b', 'access': 'r'}, {'allow': true, 'type': 'a', 'access': 'mw'}]"));
	INVALID(RES("'devices': [{'allow': true, 'type': 'p'}]"),
		".linux.resources.devices[0].type: unknown device type \"p\" (expected a, c or b)");
	INVALID(RES("'devices': [{'allow': true}, {'allow': true, 'access': 'rwx'}]"),
		".linux.resources.devices[1].access: \"rwx\" is not a combination of r, w and m");
}

TEST(block_io_weights)
{
	VALID(RES("'blockIO': {'weight': 10, 'leafWeight': 1000,"
		  " 'weightDevice': [{'major': 8, 'minor': 0, 'weight': 500}]}"));
	INVALID(RES("'blockIO': {'weight': 9}"), ".linux.resources.blockIO.weight: 9 is out of range 10..1000");
	INVALID(RES("'blockIO': {'leafWeight': 1001}"),
		".linux.resources.blockIO.leafWeight: 1001 is out of range 10..1000");
	INVALID(RES("'blockIO': {'weightDevice': [{'major': 8, 'minor': 0}, {'major': 8, 'minor': 1, 'weight': 0}]}"),
		".linux.resources.blockIO.weightDevice[1].weight: 0 is out of range 10..1000");
	INVALID(RES("'blockIO': {'weightDevice': [{'major': 8, 'minor': 0, 'leafWeight': 2000}]}"),
		".linux.resources.blockIO.weightDevice[0].leafWeight: 2000 is out of range 10..1000");
}

TEST(seccomp_actions)
{
	static const char *const ok[] = {
		SECCOMP("'defaultAction': 'SCMP_ACT_KILL'"),
		SECCOMP("'defaultAction': 'SCMP_ACT_KILL_PROCESS'"),
		SECCOMP("'defaultAction': 'SCMP_ACT_KILL_THREAD'"),
		SECCOMP("'defaultAction': 'SCMP_ACT_TRAP'"),
		SECCOMP("'defaultAction': 'SCMP_ACT_ERRNO'"),
		SECCOMP("'defaultAction': 'SCMP_ACT_TRACE'"),
		SECCOMP("'defaultAction': 'SCMP_ACT_ALLOW'"),
		SECCOMP("'defaultAction': 'SCMP_ACT_LOG'"),
		SECCOMP("'defaultAction': 'SCMP_ACT_NOTIFY'"),
	};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		VALID(ok[i]);
	INVALID(SECCOMP("'defaultAction': 'SCMP_ACT_DENY'"),
		".linux.seccomp.defaultAction: unknown action \"SCMP_ACT_DENY\"");
	INVALID(SYSCALL("'names': ['read'], 'action': 'allow'"),
		".linux.seccomp.syscalls[0].action: unknown action \"allow\"");
	INVALID(SYSCALL("'names': [], 'action': 'SCMP_ACT_ALLOW'"),
		".linux.seccomp.syscalls[0].names: must not be empty");
}

#define SCARG(a) SYSCALL("'names': ['read'], 'action': 'SCMP_ACT_ALLOW', 'args': [" a "]")
#define OP(op) "{'index': 1, 'value': 2, 'op': '" op "'}"

TEST(seccomp_args)
{
	VALID(SCARG(OP("SCMP_CMP_NE") "," OP("SCMP_CMP_LT") "," OP("SCMP_CMP_LE") "," OP("SCMP_CMP_EQ") ","
		    OP("SCMP_CMP_GE") "," OP("SCMP_CMP_GT") "," OP("SCMP_CMP_MASKED_EQ")));
	VALID(SCARG("{'index': 5, 'value': 0, 'op': 'SCMP_CMP_EQ'}"));
	INVALID(SCARG(OP("SCMP_CMP_EQ") "," OP("EQ")),
		".linux.seccomp.syscalls[0].args[1].op: unknown operator \"EQ\"");
	INVALID(SCARG("{'index': 6, 'value': 0, 'op': 'SCMP_CMP_EQ'}"),
		".linux.seccomp.syscalls[0].args[0].index: 6 is out of range 0..5");
}

TEST(rootfs_propagation)
{
	static const char *const ok[] = {
		CFG(LINUX("'rootfsPropagation': 'shared'")), CFG(LINUX("'rootfsPropagation': 'slave'")),
		CFG(LINUX("'rootfsPropagation': 'private'")), CFG(LINUX("'rootfsPropagation': 'unbindable'")),
		CFG(LINUX("'rootfsPropagation': 'rshared'")), CFG(LINUX("'rootfsPropagation': 'rslave'")),
		CFG(LINUX("'rootfsPropagation': 'rprivate'")), CFG(LINUX("'rootfsPropagation': 'runbindable'")),
	};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		VALID(ok[i]);
	INVALID(CFG(LINUX("'rootfsPropagation': 'recursive'")),
		".linux.rootfsPropagation: unknown propagation \"recursive\"");
}

TEST(sysctl_keys)
{
	VALID(CFG(LINUX("'sysctl': {'net.ipv4.ip_forward': '1'}")));
	INVALID(CFG(LINUX("'sysctl': {'a': '1', '': '2'}")), ".linux.sysctl[\"\"]: empty key");
}

TEST(personality)
{
	VALID(CFG(LINUX("'personality': {'domain': 'LINUX'}")));
	VALID(CFG(LINUX("'personality': {'domain': 'LINUX32'}")));
	INVALID(CFG(LINUX("'personality': {'domain': 'PER_BSD'}")),
		".linux.personality.domain: unknown domain \"PER_BSD\" (expected LINUX or LINUX32)");
}

TEST(validate_uses_name_and_defaults)
{
	char *msg = NULL;
	struct oci_config *c = parse_q(V("9.9.9"), &msg);
	struct husk_err *err = NULL;

	CHECK(c != NULL);
	if (!c)
		return;
	CHECK(oci_config_validate(c, "b/config.json", &err) < 0);
	CHECK_STR(err ? err->msg : NULL,
		  "b/config.json: .ociVersion: unsupported version \"9.9.9\" (expected 1.MINOR.PATCH)");
	CHECK(err && err->errnum == 0);
	husk_err_free(&err);
	CHECK(oci_config_validate(c, NULL, &err) < 0);
	CHECK(err && strncmp(err->msg, "config.json: ", 13) == 0);
	husk_err_free(&err);
	oci_config_free(c);
}
