/* config.json "linux", except "resources". */
#include "internal.h"

#define L struct oci_linux

static int ns_type(struct jctx *c, const struct jpath *p, yajl_val v, void *obj)
{
	struct oci_namespace *ns = obj;
	int t;

	if (!YAJL_IS_STRING(v))
		return j_fail(c, p, "expected a string");
	t = oci_ns_type_from_name(v->u.string);
	if (t < 0)
		return j_fail(c, p, "unknown namespace type \"%s\"", v->u.string);
	ns->type = t;
	return 0;
}

static const struct jfield namespace_fields[] = {
	F_CUSTOM("type", true, ns_type),
	F("path", J_STR, struct oci_namespace, path),
};
static const struct jschema namespace_schema =
	SCHEMA(struct oci_namespace, namespace_fields, NULL);

static int time_offset_set(struct jctx *c, const struct jpath *p, yajl_val v, void *obj)
{
	((struct oci_time_offset *)obj)->set = true;
	return 0;
}

static const struct jfield time_offset_fields[] = {
	F("secs", J_I64, struct oci_time_offset, secs),
	F("nanosecs", J_U32, struct oci_time_offset, nanosecs),
};
static const struct jschema time_offset_schema =
	SCHEMA(struct oci_time_offset, time_offset_fields, time_offset_set);

static const struct jfield time_offsets_fields[] = {
	F_SUB("monotonic", J_INLINE, L, monotonic, time_offset_schema),
	F_SUB("boottime", J_INLINE, L, boottime, time_offset_schema),
};
static const struct jschema time_offsets_schema = SCHEMA(L, time_offsets_fields, NULL);

/* major and minor are required unless the device is a fifo. */
static int device_check(struct jctx *c, const struct jpath *p, yajl_val v, void *obj)
{
	static const char *const nums[] = { "major", "minor" };

	if (((struct oci_device *)obj)->type == 'p')
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(nums); i++)
		if (!j_present(v, nums[i]))
			return j_fail(c, p, "missing required field \"%s\"", nums[i]);
	return 0;
}

static const struct jfield device_fields[] = {
	F_REQ("path", J_STR, struct oci_device, path),
	F_REQ("type", J_CHAR, struct oci_device, type),
	F("major", J_I64, struct oci_device, major),
	F("minor", J_I64, struct oci_device, minor),
	F("fileMode", J_OPT_U32, struct oci_device, file_mode),
	F("uid", J_OPT_U32, struct oci_device, uid),
	F("gid", J_OPT_U32, struct oci_device, gid),
};
static const struct jschema device_schema = SCHEMA(struct oci_device, device_fields, device_check);

static const struct jfield seccomp_arg_fields[] = {
	F_REQ("index", J_U32, struct oci_seccomp_arg, index),
	F_REQ("value", J_U64, struct oci_seccomp_arg, value),
	F("valueTwo", J_OPT_U64, struct oci_seccomp_arg, value_two),
	F_REQ("op", J_STR, struct oci_seccomp_arg, op),
};
static const struct jschema seccomp_arg_schema =
	SCHEMA(struct oci_seccomp_arg, seccomp_arg_fields, NULL);

#define SC struct oci_seccomp_syscall
static const struct jfield syscall_fields[] = {
	F_REQ("names", J_STRV, SC, names),
	F_REQ("action", J_STR, SC, action),
	F("errnoRet", J_OPT_U32, SC, errno_ret),
	F_ARRAY("args", SC, args, n_args, seccomp_arg_schema),
};
static const struct jschema syscall_schema = SCHEMA(SC, syscall_fields, NULL);

#define S struct oci_seccomp
static const struct jfield seccomp_fields[] = {
	F_REQ("defaultAction", J_STR, S, default_action),
	F("defaultErrnoRet", J_OPT_U32, S, default_errno_ret),
	F("architectures", J_STRV, S, architectures),
	F("flags", J_STRV, S, flags),
	F("listenerPath", J_STR, S, listener_path),
	F("listenerMetadata", J_STR, S, listener_metadata),
	F_ARRAY("syscalls", S, syscalls, n_syscalls, syscall_schema),
};
static const struct jschema seccomp_schema = SCHEMA(S, seccomp_fields, NULL);

static const struct jfield personality_fields[] = {
	F_REQ("domain", J_STR, struct oci_personality, domain),
	F("flags", J_STRV, struct oci_personality, flags),
};
static const struct jschema personality_schema =
	SCHEMA(struct oci_personality, personality_fields, NULL);

#define RDT struct oci_intel_rdt
static const struct jfield intel_rdt_fields[] = {
	F("closID", J_STR, RDT, clos_id),
	F("l3CacheSchema", J_STR, RDT, l3_cache_schema),
	F("memBwSchema", J_STR, RDT, mem_bw_schema),
	F("enableCMT", J_BOOL, RDT, enable_cmt),
	F("enableMBM", J_BOOL, RDT, enable_mbm),
};
static const struct jschema intel_rdt_schema = SCHEMA(RDT, intel_rdt_fields, NULL);

static const struct jfield linux_fields[] = {
	F_ARRAY("namespaces", L, namespaces, n_namespaces, namespace_schema),
	F_ARRAY("uidMappings", L, uid_mappings, n_uid_mappings, oci_id_mapping_schema),
	F_ARRAY("gidMappings", L, gid_mappings, n_gid_mappings, oci_id_mapping_schema),
	F_HERE("timeOffsets", time_offsets_schema),
	F_ARRAY("devices", L, devices, n_devices, device_schema),
	F("cgroupsPath", J_STR, L, cgroups_path),
	F_SUB("resources", J_PTR, L, resources, oci_resources_schema),
	F("rootfsPropagation", J_STR, L, rootfs_propagation),
	F_SUB("seccomp", J_PTR, L, seccomp, seccomp_schema),
	F("sysctl", J_MAP, L, sysctl),
	F_FLAG("maskedPaths", J_STRV, L, masked_paths, has_masked_paths),
	F_FLAG("readonlyPaths", J_STRV, L, readonly_paths, has_readonly_paths),
	F("mountLabel", J_STR, L, mount_label),
	F_SUB("personality", J_PTR, L, personality, personality_schema),
	F_SUB("intelRdt", J_PTR, L, intel_rdt, intel_rdt_schema),
};
const struct jschema oci_linux_schema = SCHEMA(L, linux_fields, NULL);
