/* oci_config_parse: every error path, with the exact message, and the
 * leniencies the spec asks for (unknown keys, null as absent). */
#include <stdint.h>

#include "oci-test.h"

#define IDMAP(fields) CFG(LINUX("'uidMappings': [{" fields "}]"))
#define U32_FIELD(v) IDMAP("'containerID': 0, 'hostID': 0, 'size': " v)
#define I32_FIELD(v) CFG(PROC(",'oomScoreAdj': " v))
#define U16_FIELD(v) CFG(LINUX("'resources': {'blockIO': {'weight': " v "}}"))
#define U64_FIELD(v) CFG(PROC(",'rlimits': [{'type': 'RLIMIT_CORE', 'soft': 0, 'hard': " v "}]"))
#define I64_FIELD(v) CFG(LINUX("'resources': {'memory': {'limit': " v "}}"))

#define U32_ERR ".linux.uidMappings[0].size: expected an unsigned 32-bit integer"
#define I32_ERR ".process.oomScoreAdj: expected a 32-bit integer"
#define U16_ERR ".linux.resources.blockIO.weight: expected an unsigned 16-bit integer"
#define U64_ERR ".process.rlimits[0].hard: expected an unsigned 64-bit integer"
#define I64_ERR ".linux.resources.memory.limit: expected a 64-bit integer"

static struct oci_config *parse_ok(const char *json, int *unit_failed)
{
	char *msg = NULL;
	struct oci_config *c = parse_q(json, &msg);

	CHECK(c != NULL);
	if (!c)
		printf("# %s\n", msg);
	free(msg);
	return c;
}

/* --- wrong types --- */

TEST(type_string)
{
	PARSE_FAILS(CFG(",'hostname': 5"), ".hostname: expected a string");
	PARSE_FAILS(CFG(",'domainname': ['x']"), ".domainname: expected a string");
	PARSE_FAILS("{'ociVersion': 1, 'root': {'path': 'r'}}", ".ociVersion: expected a string");
}

TEST(type_boolean)
{
	PARSE_FAILS(CFG(PROC(",'terminal': 'yes'")), ".process.terminal: expected a boolean");
	PARSE_FAILS(CFG(PROC(",'noNewPrivileges': 1")), ".process.noNewPrivileges: expected a boolean");
	PARSE_FAILS(CFG(LINUX("'resources': {'memory': {'disableOOMKiller': 0}}")),
		    ".linux.resources.memory.disableOOMKiller: expected a boolean");
}

TEST(type_string_array)
{
	PARSE_FAILS("{" BASE ",'process': {'cwd': '/', 'args': 'sh'}}",
		    ".process.args: expected an array of strings");
	PARSE_FAILS(CFG(PROC(",'env': ['A=1', 2]")), ".process.env[1]: expected a string");
	PARSE_FAILS(CFG(PROC(",'env': [null]")), ".process.env[0]: expected a string");
	PARSE_FAILS(CFG(PROC(",'capabilities': {'ambient': {}}")),
		    ".process.capabilities.ambient: expected an array of strings");
}

TEST(type_string_map)
{
	PARSE_FAILS(CFG(",'annotations': []"), ".annotations: expected an object of strings");
	PARSE_FAILS(CFG(",'annotations': {'a': true}"), ".annotations.a: expected a string");
	PARSE_FAILS(CFG(",'annotations': {'org.a': 1}"), ".annotations[\"org.a\"]: expected a string");
	PARSE_FAILS(CFG(LINUX("'sysctl': {'a\\\"b\\\\c': 1}")),
		    ".linux.sysctl[\"a\\\"b\\\\c\"]: expected a string");
	PARSE_FAILS(CFG(LINUX("'resources': {'unified': {'memory.max': 1}}")),
		    ".linux.resources.unified[\"memory.max\"]: expected a string");
}

TEST(type_integer_array)
{
	PARSE_FAILS(CFG(PROC(",'user': {'uid': 0, 'gid': 0, 'additionalGids': 5}")),
		    ".process.user.additionalGids: expected an array");
	PARSE_FAILS(CFG(PROC(",'user': {'uid': 0, 'gid': 0, 'additionalGids': [1, -1]}")),
		    ".process.user.additionalGids[1]: expected an unsigned 32-bit integer");
}

TEST(type_object)
{
	PARSE_FAILS(CFG(",'process': []"), ".process: expected an object");
	PARSE_FAILS("{'ociVersion': '1.2.0', 'root': 'rootfs'}", ".root: expected an object");
	PARSE_FAILS(CFG(",'linux': true"), ".linux: expected an object");
	PARSE_FAILS(CFG(",'hooks': []"), ".hooks: expected an object");
	PARSE_FAILS(CFG(PROC(",'consoleSize': 80")), ".process.consoleSize: expected an object");
	PARSE_FAILS(CFG(LINUX("'timeOffsets': {'boottime': 5}")),
		    ".linux.timeOffsets.boottime: expected an object");
	PARSE_FAILS(CFG(LINUX("'resources': {'pids': 5}")), ".linux.resources.pids: expected an object");
}

TEST(type_object_array)
{
	PARSE_FAILS(CFG(",'mounts': {}"), ".mounts: expected an array");
	PARSE_FAILS(CFG(",'mounts': [{'destination': '/a'}, '/proc']"), ".mounts[1]: expected an object");
	PARSE_FAILS(CFG(",'hooks': {'poststop': {'path': '/x'}}"), ".hooks.poststop: expected an array");
	PARSE_FAILS(CFG(LINUX("'seccomp': {'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{"
			      "'names': ['read'], 'action': 'SCMP_ACT_ALLOW', 'args': [[]]}]}")),
		    ".linux.seccomp.syscalls[0].args[0]: expected an object");
}

TEST(type_keyed_objects)
{
	PARSE_FAILS(CFG(LINUX("'resources': {'rdma': []}")), ".linux.resources.rdma: expected an object");
	PARSE_FAILS(CFG(LINUX("'resources': {'rdma': {'mlx': 1}}")),
		    ".linux.resources.rdma.mlx: expected an object");
	PARSE_FAILS(CFG(LINUX("'resources': {'rdma': {'mlx5-1': {'hcaHandles': -1}}}")),
		    ".linux.resources.rdma[\"mlx5-1\"].hcaHandles: expected an unsigned 32-bit integer");
}

TEST(type_single_character)
{
	PARSE_FAILS(CFG(LINUX("'devices': [{'path': '/dev/x', 'type': 'cc', 'major': 1, 'minor': 1}]")),
		    ".linux.devices[0].type: expected a single-character string");
	PARSE_FAILS(CFG(LINUX("'devices': [{'path': '/dev/x', 'type': '', 'major': 1, 'minor': 1}]")),
		    ".linux.devices[0].type: expected a single-character string");
	PARSE_FAILS(CFG(LINUX("'resources': {'devices': [{'allow': true, 'type': 99}]}")),
		    ".linux.resources.devices[0].type: expected a single-character string");
}

TEST(type_namespace)
{
	PARSE_FAILS(CFG(LINUX("'namespaces': [{'type': 5}]")),
		    ".linux.namespaces[0].type: expected a string");
	PARSE_FAILS(CFG(LINUX("'namespaces': [{'type': 'pid'}, {'type': 'net'}]")),
		    ".linux.namespaces[1].type: unknown namespace type \"net\"");
}

TEST(type_document)
{
	PARSE_FAILS("[]", "expected an object");
	PARSE_FAILS("'config'", "expected an object");
	PARSE_FAILS("42", "expected an object");
	PARSE_FAILS("null", "expected an object");
}

/* --- numbers --- */

TEST(u32_range)
{
	struct oci_config *c = parse_ok(U32_FIELD("4294967295"), unit_failed);

	CHECK(c && c->linux_cfg->uid_mappings[0].size == UINT32_MAX);
	oci_config_free(c);
	PARSE_FAILS(U32_FIELD("4294967296"), U32_ERR);
	PARSE_FAILS(U32_FIELD("18446744073709551616"), U32_ERR);
	PARSE_FAILS(U32_FIELD("-1"), U32_ERR);
	PARSE_FAILS(U32_FIELD("-0"), U32_ERR);
}

TEST(i32_range)
{
	struct oci_config *lo = parse_ok(I32_FIELD("-2147483648"), unit_failed);
	struct oci_config *hi = parse_ok(I32_FIELD("2147483647"), unit_failed);

	CHECK(lo && lo->process->oom_score_adj.v == INT32_MIN);
	CHECK(hi && hi->process->oom_score_adj.v == INT32_MAX);
	oci_config_free(lo);
	oci_config_free(hi);
	PARSE_FAILS(I32_FIELD("2147483648"), I32_ERR);
	PARSE_FAILS(I32_FIELD("-2147483649"), I32_ERR);
	PARSE_FAILS(I32_FIELD("99999999999999999999999"), I32_ERR);
}

TEST(u16_range)
{
	struct oci_config *c = parse_ok(U16_FIELD("65535"), unit_failed);

	CHECK(c && c->linux_cfg->resources->block_io->weight.v == 65535);
	oci_config_free(c);
	PARSE_FAILS(U16_FIELD("65536"), U16_ERR);
	PARSE_FAILS(U16_FIELD("-10"), U16_ERR);
}

TEST(u64_range)
{
	struct oci_config *c = parse_ok(U64_FIELD("18446744073709551615"), unit_failed);
	struct oci_config *c2 = parse_ok(U64_FIELD("9007199254740993"), unit_failed);

	CHECK(c && c->process->rlimits[0].hard == UINT64_MAX);
	/* 2^53 + 1: a double would round it. */
	CHECK(c2 && c2->process->rlimits[0].hard == 9007199254740993ULL);
	oci_config_free(c);
	oci_config_free(c2);
	PARSE_FAILS(U64_FIELD("18446744073709551616"), U64_ERR);
	PARSE_FAILS(U64_FIELD("-1"), U64_ERR);
	PARSE_FAILS(U64_FIELD("1e19"), U64_ERR);
}

TEST(i64_range)
{
	struct oci_config *lo = parse_ok(I64_FIELD("-9223372036854775808"), unit_failed);
	struct oci_config *hi = parse_ok(I64_FIELD("9223372036854775807"), unit_failed);

	CHECK(lo && lo->linux_cfg->resources->memory->limit.v == INT64_MIN);
	CHECK(hi && hi->linux_cfg->resources->memory->limit.v == INT64_MAX);
	oci_config_free(lo);
	oci_config_free(hi);
	PARSE_FAILS(I64_FIELD("9223372036854775808"), I64_ERR);
	PARSE_FAILS(I64_FIELD("-9223372036854775809"), I64_ERR);
}

TEST(float_is_not_an_integer)
{
	PARSE_FAILS(U32_FIELD("1.0"), U32_ERR);
	PARSE_FAILS(U32_FIELD("1.5"), U32_ERR);
	PARSE_FAILS(U32_FIELD("1e3"), U32_ERR);
	PARSE_FAILS(U32_FIELD("1E3"), U32_ERR);
	PARSE_FAILS(I32_FIELD("-0.5"), I32_ERR);
	PARSE_FAILS(I64_FIELD("2.0"), I64_ERR);
}

TEST(non_number_is_not_an_integer)
{
	PARSE_FAILS(U32_FIELD("'1'"), U32_ERR);
	PARSE_FAILS(U32_FIELD("true"), U32_ERR);
	PARSE_FAILS(U32_FIELD("[1]"), U32_ERR);
	PARSE_FAILS(I64_FIELD("'max'"), I64_ERR);
}

/* --- required fields --- */

TEST(required_top_level)
{
	PARSE_FAILS("{'root': {'path': 'r'}}", "missing required field \"ociVersion\"");
	PARSE_FAILS("{'ociVersion': null, 'root': {'path': 'r'}}", "missing required field \"ociVersion\"");
	PARSE_FAILS("{'ociVersion': '1.2.0', 'root': {'readonly': true}}",
		    ".root: missing required field \"path\"");
	PARSE_FAILS(CFG(",'mounts': [{'destination': '/a'}, {'destination': '/b'}, {'type': 'tmpfs'}]"),
		    ".mounts[2]: missing required field \"destination\"");
	PARSE_FAILS(CFG(",'mounts': [{'destination': null}]"),
		    ".mounts[0]: missing required field \"destination\"");
}

TEST(required_process)
{
	PARSE_FAILS(CFG(",'process': {'args': ['sh']}"), ".process: missing required field \"cwd\"");
	PARSE_FAILS(CFG(",'process': {'cwd': '/'}"), ".process: missing required field \"args\"");
	PARSE_FAILS(CFG(PROC(",'user': {'gid': 0}")), ".process.user: missing required field \"uid\"");
	PARSE_FAILS(CFG(PROC(",'user': {'uid': 0}")), ".process.user: missing required field \"gid\"");
	PARSE_FAILS(CFG(PROC(",'consoleSize': {'width': 80}")),
		    ".process.consoleSize: missing required field \"height\"");
	PARSE_FAILS(CFG(PROC(",'consoleSize': {'height': 80}")),
		    ".process.consoleSize: missing required field \"width\"");
}

TEST(required_process_details)
{
	PARSE_FAILS(CFG(PROC(",'rlimits': [{'hard': 1, 'soft': 1}]")),
		    ".process.rlimits[0]: missing required field \"type\"");
	PARSE_FAILS(CFG(PROC(",'rlimits': [{'type': 'RLIMIT_CORE', 'soft': 1}]")),
		    ".process.rlimits[0]: missing required field \"hard\"");
	PARSE_FAILS(CFG(PROC(",'rlimits': [{'type': 'RLIMIT_CORE', 'hard': 1}]")),
		    ".process.rlimits[0]: missing required field \"soft\"");
	PARSE_FAILS(CFG(PROC(",'ioPriority': {'priority': 1}")),
		    ".process.ioPriority: missing required field \"class\"");
	PARSE_FAILS(CFG(PROC(",'ioPriority': {'class': 'IOPRIO_CLASS_BE'}")),
		    ".process.ioPriority: missing required field \"priority\"");
	PARSE_FAILS(CFG(PROC(",'scheduler': {'nice': 1}")),
		    ".process.scheduler: missing required field \"policy\"");
}

TEST(required_hooks)
{
	PARSE_FAILS(CFG(",'hooks': {'poststop': [{'path': '/a'}, {'args': ['x']}]}"),
		    ".hooks.poststop[1]: missing required field \"path\"");
	PARSE_FAILS(CFG(",'hooks': {'createRuntime': [{}]}"),
		    ".hooks.createRuntime[0]: missing required field \"path\"");
}

TEST(required_namespaces_and_mappings)
{
	PARSE_FAILS(CFG(LINUX("'namespaces': [{'path': '/proc/1/ns/net'}]")),
		    ".linux.namespaces[0]: missing required field \"type\"");
	PARSE_FAILS(IDMAP("'hostID': 0, 'size': 1"),
		    ".linux.uidMappings[0]: missing required field \"containerID\"");
	PARSE_FAILS(IDMAP("'containerID': 0, 'size': 1"),
		    ".linux.uidMappings[0]: missing required field \"hostID\"");
	PARSE_FAILS(IDMAP("'containerID': 0, 'hostID': 0"),
		    ".linux.uidMappings[0]: missing required field \"size\"");
	PARSE_FAILS(CFG(",'mounts': [{'destination': '/a', 'gidMappings': [{'containerID': 0, 'size': 1}]}]"),
		    ".mounts[0].gidMappings[0]: missing required field \"hostID\"");
}

TEST(required_devices)
{
	PARSE_FAILS(CFG(LINUX("'devices': [{'type': 'c', 'major': 1, 'minor': 3}]")),
		    ".linux.devices[0]: missing required field \"path\"");
	PARSE_FAILS(CFG(LINUX("'devices': [{'path': '/dev/null', 'major': 1, 'minor': 3}]")),
		    ".linux.devices[0]: missing required field \"type\"");
	PARSE_FAILS(CFG(LINUX("'devices': [{'path': '/dev/null', 'type': 'c', 'minor': 3}]")),
		    ".linux.devices[0]: missing required field \"major\"");
	PARSE_FAILS(CFG(LINUX("'devices': [{'path': '/dev/sda', 'type': 'b', 'major': 8}]")),
		    ".linux.devices[0]: missing required field \"minor\"");
	PARSE_FAILS(CFG(LINUX("'devices': [{'path': '/dev/u', 'type': 'u', 'major': null, 'minor': 1}]")),
		    ".linux.devices[0]: missing required field \"major\"");
	PARSE_OK(CFG(LINUX("'devices': [{'path': '/dev/fifo', 'type': 'p'}]")));
}

TEST(required_resources)
{
	PARSE_FAILS(CFG(LINUX("'resources': {'devices': [{'access': 'rwm'}]}")),
		    ".linux.resources.devices[0]: missing required field \"allow\"");
	PARSE_FAILS(CFG(LINUX("'resources': {'blockIO': {'weightDevice': [{'minor': 0}]}}")),
		    ".linux.resources.blockIO.weightDevice[0]: missing required field \"major\"");
	PARSE_FAILS(CFG(LINUX("'resources': {'blockIO': {'weightDevice': [{'major': 0}]}}")),
		    ".linux.resources.blockIO.weightDevice[0]: missing required field \"minor\"");
	PARSE_FAILS(CFG(LINUX("'resources': {'blockIO': {'throttleWriteIOPSDevice': [{'major': 8, 'minor': 0}]}}")),
		    ".linux.resources.blockIO.throttleWriteIOPSDevice[0]: missing required field \"rate\"");
	PARSE_FAILS(CFG(LINUX("'resources': {'hugepageLimits': [{'limit': 1}]}")),
		    ".linux.resources.hugepageLimits[0]: missing required field \"pageSize\"");
	PARSE_FAILS(CFG(LINUX("'resources': {'hugepageLimits': [{'pageSize': '2MB'}]}")),
		    ".linux.resources.hugepageLimits[0]: missing required field \"limit\"");
	PARSE_FAILS(CFG(LINUX("'resources': {'network': {'priorities': [{'priority': 1}]}}")),
		    ".linux.resources.network.priorities[0]: missing required field \"name\"");
	PARSE_FAILS(CFG(LINUX("'resources': {'network': {'priorities': [{'name': 'lo'}]}}")),
		    ".linux.resources.network.priorities[0]: missing required field \"priority\"");
}

#define SYSCALL(fields) CFG(LINUX("'seccomp': {'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [" fields "]}"))
#define ARG(fields) SYSCALL("{'names': ['read'], 'action': 'SCMP_ACT_ERRNO', 'args': [{" fields "}]}")

TEST(required_seccomp)
{
	PARSE_FAILS(CFG(LINUX("'seccomp': {'syscalls': []}")),
		    ".linux.seccomp: missing required field \"defaultAction\"");
	PARSE_FAILS(SYSCALL("{'action': 'SCMP_ACT_ALLOW'}"),
		    ".linux.seccomp.syscalls[0]: missing required field \"names\"");
	PARSE_FAILS(SYSCALL("{'names': ['read']}"),
		    ".linux.seccomp.syscalls[0]: missing required field \"action\"");
	PARSE_FAILS(ARG("'value': 1, 'op': 'SCMP_CMP_EQ'"),
		    ".linux.seccomp.syscalls[0].args[0]: missing required field \"index\"");
	PARSE_FAILS(ARG("'index': 1, 'op': 'SCMP_CMP_EQ'"),
		    ".linux.seccomp.syscalls[0].args[0]: missing required field \"value\"");
	PARSE_FAILS(ARG("'index': 1, 'value': 1"),
		    ".linux.seccomp.syscalls[0].args[0]: missing required field \"op\"");
}

TEST(required_personality)
{
	PARSE_FAILS(CFG(LINUX("'personality': {'flags': []}")),
		    ".linux.personality: missing required field \"domain\"");
}

/* --- malformed input --- */

TEST(invalid_json_names_the_line)
{
	PARSE_FAILS("{\n'ociVersion': '1.2.0',\n'root': x\n}",
		    "invalid JSON at line 3: lexical error: invalid char in json text.");
	PARSE_FAILS("{'ociVersion': ", "invalid JSON at line 1: parse error: premature EOF");
	PARSE_FAILS("", "invalid JSON at line 1: parse error: premature EOF");
	PARSE_FAILS("{'a': 1,}\n", "invalid JSON at line 1: parse error: invalid object key (must be a string)");
	PARSE_FAILS(CFG("") "\n\n{}", "invalid JSON at line 3: parse error: trailing garbage");
}

TEST(comments_are_rejected)
{
	PARSE_FAILS("{\n/* c */ " BASE "}",
		    "invalid JSON at line 2: lexical error: probable comment found in input text, "
		    "comments are not enabled.");
}

TEST(invalid_utf8_is_rejected)
{
	PARSE_FAILS(CFG(",'hostname': '\xff\xfe'"),
		    "invalid JSON at line 1: lexical error: invalid bytes in UTF8 string.");
	PARSE_OK(CFG(",'hostname': 'h\xc3\xa9'"));
}

TEST(nul_byte_is_rejected)
{
	static const char buf[] = "{\"ociVersion\": \"1.2.0\"\0}";
	struct husk_err *err = NULL;

	CHECK(oci_config_parse(buf, sizeof(buf) - 1, "config.json", &err) == NULL);
	CHECK(err && err->errnum == 0);
	CHECK_STR(err ? err->msg : NULL, "config.json: contains a NUL byte at offset 22");
	husk_err_free(&err);
}

TEST(escaped_nul_is_rejected)
{
	PARSE_FAILS(CFG(",\n'hostname': 'a\\u0000b'"),
		    "line 2: string contains a NUL character (\\u0000)");
	PARSE_FAILS(CFG(",'annotations': {'a\\u0000': 'x'}"),
		    "line 1: string contains a NUL character (\\u0000)");
	PARSE_OK(CFG(",'hostname': 'a\\u0001b'"));
}

static char *nested(size_t depth)
{
	char *s = malloc(2 * depth + 64);
	size_t n = 0;

	n += sprintf(s, "{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"r\"}, \"x\": ");
	memset(s + n, '[', depth);
	memset(s + n + depth, ']', depth);
	strcpy(s + n + 2 * depth, "}");
	return s;
}

TEST(deep_nesting_is_rejected)
{
	struct husk_err *err = NULL;
	char *ok = nested(511), *deep = nested(512), *huge = nested(2000000);
	struct oci_config *c = oci_config_parse(ok, strlen(ok), NULL, &err);

	/* 511 arrays inside the top-level object: 512 levels. */
	CHECK(c != NULL && err == NULL);
	oci_config_free(c);
	CHECK(oci_config_parse(deep, strlen(deep), NULL, &err) == NULL);
	CHECK_STR(err ? err->msg : NULL, "config.json: line 1: JSON nested deeper than 512 levels");
	husk_err_free(&err);
	CHECK(oci_config_parse(huge, strlen(huge), NULL, &err) == NULL);
	CHECK_STR(err ? err->msg : NULL, "config.json: line 1: JSON nested deeper than 512 levels");
	husk_err_free(&err);
	free(ok);
	free(deep);
	free(huge);
}

TEST(oversized_buffer_is_rejected)
{
	size_t len = OCI_CONFIG_MAX_SIZE + 1;
	char *buf = calloc(1, len);
	struct husk_err *err = NULL;

	CHECK(oci_config_parse(buf, len, "big.json", &err) == NULL);
	CHECK_STR(err ? err->msg : NULL, "big.json: too large (16777217 bytes, the limit is 16777216)");
	husk_err_free(&err);
	free(buf);
}

TEST(name_prefixes_errors)
{
	struct husk_err *err = NULL;

	CHECK(oci_config_parse("{}", 2, "/b/config.json", &err) == NULL);
	CHECK_STR(err ? err->msg : NULL, "/b/config.json: missing required field \"ociVersion\"");
	husk_err_free(&err);
	CHECK(oci_config_parse("{}", 2, NULL, &err) == NULL);
	CHECK_STR(err ? err->msg : NULL, "config.json: missing required field \"ociVersion\"");
	husk_err_free(&err);
}

TEST(buffer_need_not_be_nul_terminated)
{
	static const char buf[] = "{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"r\"}}garbage";
	struct husk_err *err = NULL;
	struct oci_config *c = oci_config_parse(buf, sizeof(buf) - 1 - 7, NULL, &err);

	CHECK(c != NULL && err == NULL);
	oci_config_free(c);
}

/* --- leniency --- */

TEST(unknown_keys_are_ignored)
{
	struct oci_config *c = parse_ok(
		"{'ociVersion': '1.2.0', 'root': {'path': 'r', 'x': 1}, 'windows': {'layerFolders': 5},"
		" 'vm': [1, {'a': null}], 'future': {'deep': [[[{}]]]},"
		" 'process': {'cwd': '/', 'args': ['sh'], 'user': {'uid': 1, 'gid': 1, 'username': 'u'},"
		"   'ioPriority': {'class': 'IOPRIO_CLASS_BE', 'priority': 0, 'extra': []}},"
		" 'mounts': [{'destination': '/a', 'extra': 'x'}],"
		" 'hooks': {'later': [], 'poststop': [{'path': '/p', 'x': 1}]},"
		" 'linux': {'netDevices': {'eth0': {}}, 'memoryPolicy': {'mode': 'MPOL_BIND'},"
		"   'intelRdt': {'schemata': ['L3:0=f'], 'enableMonitoring': true},"
		"   'resources': {'foo': 1, 'memory': {'bar': 'x'}},"
		"   'timeOffsets': {'realtime': {'secs': 'x'}}}}", unit_failed);

	CHECK(c && c->process->user.uid == 1 && c->n_mounts == 1 && c->hooks.poststop.n == 1);
	CHECK(c && c->linux_cfg->resources->memory && !c->linux_cfg->monotonic.set);
	oci_config_free(c);
}

TEST(null_means_absent)
{
	struct oci_config *c = parse_ok(CFG(",'process': null, 'hostname': null, 'mounts': null,"
					    "'annotations': {'a': null, 'b': 'x'}, 'hooks': null,"
					    "'linux': {'resources': null, 'maskedPaths': null,"
					    " 'seccomp': null, 'sysctl': null}"), unit_failed);
	struct oci_config *p = parse_ok(CFG(PROC(",'terminal': null, 'oomScoreAdj': null,"
					       "'user': null, 'capabilities': null")), unit_failed);

	CHECK(c && !c->process && !c->hostname && !c->n_mounts);
	CHECK(c && c->annotations.n == 1 && strcmp(c->annotations.v[0].key, "b") == 0);
	CHECK(c && !c->linux_cfg->resources && !c->linux_cfg->has_masked_paths);
	CHECK(c && !c->linux_cfg->seccomp && !c->linux_cfg->sysctl.n);
	CHECK(p && !p->process->terminal && !p->process->oom_score_adj.set);
	CHECK(p && !p->process->capabilities);
	oci_config_free(c);
	oci_config_free(p);
}

TEST(duplicate_keys_last_wins)
{
	struct oci_config *c = parse_ok(CFG(",'hostname': 'a', 'hostname': 'b',"
					    "'annotations': {'k': '1', 'j': '2', 'k': '3'},"
					    "'linux': {'resources': {'rdma': {'d': {'hcaHandles': 1},"
					    " 'd': {'hcaHandles': 2}}}}"), unit_failed);

	if (!c)
		return;
	CHECK_STR(c->hostname, "b");
	CHECK(c->annotations.n == 2);
	CHECK_STR(c->annotations.v[0].key, "j");
	CHECK_STR(c->annotations.v[1].key, "k");
	CHECK_STR(c->annotations.v[1].value, "3");
	CHECK(c->linux_cfg->resources->n_rdma == 1);
	CHECK(c->linux_cfg->resources->rdma[0].hca_handles.v == 2);
	oci_config_free(c);
}

TEST(first_error_wins_and_nothing_leaks)
{
	/* Fails deep inside, after many allocations; ASan/LSan checks the unwinding. */
	PARSE_FAILS(CFG(",'annotations': {'a': 'b'}, 'mounts': [{'destination': '/a', 'options': ['x']}],"
			"'hooks': {'prestart': [{'path': '/h', 'args': ['a']}]}"
			PROC(",'env': ['A=1'], 'capabilities': {'bounding': ['CAP_KILL']}")
			LINUX("'resources': {'rdma': {'d': {}}, 'unified': {'a': 'b'},"
			      " 'blockIO': {'weightDevice': [{'major': 1, 'minor': 1}, {'major': 'x'}]}}")),
		    ".linux.resources.blockIO.weightDevice[1].major: expected a 64-bit integer");
}
