/* config.json "linux.resources". */
#include "internal.h"

#define R struct oci_resources

static int device_rule_check(struct jctx *c, const struct jpath *p, yajl_val v, void *obj)
{
	struct oci_device_rule *d = obj;

	if (!d->type)
		d->type = 'a';
	return 0;
}

#define DR struct oci_device_rule
static const struct jfield device_rule_fields[] = {
	F_REQ("allow", J_BOOL, DR, allow),
	F("type", J_CHAR, DR, type),
	F("major", J_OPT_I64, DR, major),
	F("minor", J_OPT_I64, DR, minor),
	F("access", J_STR, DR, access),
};
static const struct jschema device_rule_schema = SCHEMA(DR, device_rule_fields, device_rule_check);

#define M struct oci_memory
static const struct jfield memory_fields[] = {
	F("limit", J_OPT_I64, M, limit),
	F("reservation", J_OPT_I64, M, reservation),
	F("swap", J_OPT_I64, M, swap),
	F("kernel", J_OPT_I64, M, kernel),
	F("kernelTCP", J_OPT_I64, M, kernel_tcp),
	F("swappiness", J_OPT_U64, M, swappiness),
	F("disableOOMKiller", J_OPT_BOOL, M, disable_oom_killer),
	F("useHierarchy", J_OPT_BOOL, M, use_hierarchy),
	F("checkBeforeUpdate", J_OPT_BOOL, M, check_before_update),
};
static const struct jschema memory_schema = SCHEMA(M, memory_fields, NULL);

#define C struct oci_cpu
static const struct jfield cpu_fields[] = {
	F("shares", J_OPT_U64, C, shares),
	F("quota", J_OPT_I64, C, quota),
	F("burst", J_OPT_U64, C, burst),
	F("period", J_OPT_U64, C, period),
	F("realtimeRuntime", J_OPT_I64, C, realtime_runtime),
	F("realtimePeriod", J_OPT_U64, C, realtime_period),
	F("cpus", J_STR, C, cpus),
	F("mems", J_STR, C, mems),
	F("idle", J_OPT_I64, C, idle),
};
static const struct jschema cpu_schema = SCHEMA(C, cpu_fields, NULL);

static const struct jfield pids_fields[] = {
	F("limit", J_OPT_I64, R, pids_limit),
};
static const struct jschema pids_schema = SCHEMA(R, pids_fields, NULL);

#define WD struct oci_weight_device
static const struct jfield weight_device_fields[] = {
	F_REQ("major", J_I64, WD, major),
	F_REQ("minor", J_I64, WD, minor),
	F("weight", J_OPT_U16, WD, weight),
	F("leafWeight", J_OPT_U16, WD, leaf_weight),
};
static const struct jschema weight_device_schema = SCHEMA(WD, weight_device_fields, NULL);

#define TD struct oci_throttle_device
static const struct jfield throttle_fields[] = {
	F_REQ("major", J_I64, TD, major),
	F_REQ("minor", J_I64, TD, minor),
	F_REQ("rate", J_U64, TD, rate),
};
static const struct jschema throttle_schema = SCHEMA(TD, throttle_fields, NULL);

#define B struct oci_block_io
static const struct jfield block_io_fields[] = {
	F("weight", J_OPT_U16, B, weight),
	F("leafWeight", J_OPT_U16, B, leaf_weight),
	F_ARRAY("weightDevice", B, weight_device, n_weight_device, weight_device_schema),
	F_ARRAY("throttleReadBpsDevice", B, throttle_read_bps, n_throttle_read_bps, throttle_schema),
	F_ARRAY("throttleWriteBpsDevice", B, throttle_write_bps, n_throttle_write_bps, throttle_schema),
	F_ARRAY("throttleReadIOPSDevice", B, throttle_read_iops, n_throttle_read_iops, throttle_schema),
	F_ARRAY("throttleWriteIOPSDevice", B, throttle_write_iops, n_throttle_write_iops, throttle_schema),
};
static const struct jschema block_io_schema = SCHEMA(B, block_io_fields, NULL);

#define HP struct oci_hugepage_limit
static const struct jfield hugepage_fields[] = {
	F_REQ("pageSize", J_STR, HP, page_size),
	F_REQ("limit", J_U64, HP, limit),
};
static const struct jschema hugepage_schema = SCHEMA(HP, hugepage_fields, NULL);

#define NP struct oci_net_priority
static const struct jfield net_priority_fields[] = {
	F_REQ("name", J_STR, NP, name),
	F_REQ("priority", J_U32, NP, priority),
};
static const struct jschema net_priority_schema = SCHEMA(NP, net_priority_fields, NULL);

static const struct jfield network_fields[] = {
	F("classID", J_OPT_U32, R, net_class_id),
	F_ARRAY("priorities", R, net_priorities, n_net_priorities, net_priority_schema),
};
static const struct jschema network_schema = SCHEMA(R, network_fields, NULL);

static const struct jfield rdma_fields[] = {
	F("hcaHandles", J_OPT_U32, struct oci_rdma, hca_handles),
	F("hcaObjects", J_OPT_U32, struct oci_rdma, hca_objects),
};
static const struct jschema rdma_schema = SCHEMA(struct oci_rdma, rdma_fields, NULL);

static const struct jfield resources_fields[] = {
	F_ARRAY("devices", R, devices, n_devices, device_rule_schema),
	F_SUB("memory", J_PTR, R, memory, memory_schema),
	F_SUB("cpu", J_PTR, R, cpu, cpu_schema),
	F_HERE_FLAG("pids", R, pids_schema, has_pids),
	F_SUB("blockIO", J_PTR, R, block_io, block_io_schema),
	F_ARRAY("hugepageLimits", R, hugepage_limits, n_hugepage_limits, hugepage_schema),
	F_HERE_FLAG("network", R, network_schema, has_network),
	F_KEYED("rdma", R, rdma, n_rdma, rdma_schema),
	F("unified", J_MAP, R, unified),
};
const struct jschema oci_resources_schema = SCHEMA(R, resources_fields, NULL);
