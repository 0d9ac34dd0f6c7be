/* The OCI runtime-spec config model (1.0 - 1.2, Linux part).
 * oci/ turns config.json into these structs and validates them; it knows
 * JSON and nothing of Linux. Every optional scalar carries a `set` flag so
 * "absent" and "zero" stay distinct. String vectors are NULL-terminated. */
#ifndef HUSK_OCI_H
#define HUSK_OCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "husk/error.h"

struct oci_strv { char **v; size_t n; };	/* v[n] == NULL; v NULL when n == 0 */
struct oci_kv { char *key, *value; };
struct oci_map { struct oci_kv *v; size_t n; };	/* JSON object order kept */

struct opt_u32 { bool set; uint32_t v; };
struct opt_i32 { bool set; int32_t v; };
struct opt_u64 { bool set; uint64_t v; };
struct opt_i64 { bool set; int64_t v; };
struct opt_bool { bool set; bool v; };

struct oci_user {
	uint32_t uid, gid;
	struct opt_u32 umask;
	uint32_t *additional_gids;
	size_t n_additional_gids;
};

struct oci_capabilities {
	struct oci_strv bounding, effective, inheritable, permitted, ambient;
};

struct oci_rlimit { char *type; uint64_t hard, soft; };

struct oci_io_priority { char *class; int32_t priority; };

struct oci_scheduler {
	char *policy;
	struct opt_i32 nice, priority;
	struct oci_strv flags;
	struct opt_u64 runtime, deadline, period;
};

struct oci_cpu_affinity { char *initial, *final; };

struct oci_process {
	bool terminal;
	bool has_console_size;
	uint32_t console_height, console_width;
	struct oci_user user;
	struct oci_strv args;
	char *command_line;		/* Windows only; kept for completeness */
	struct oci_strv env;
	char *cwd;
	struct oci_capabilities *capabilities;	/* NULL when absent */
	struct oci_rlimit *rlimits;
	size_t n_rlimits;
	bool no_new_privileges;
	char *apparmor_profile;
	struct opt_i32 oom_score_adj;
	char *selinux_label;
	struct oci_io_priority *io_priority;	/* NULL when absent */
	struct oci_scheduler *scheduler;	/* NULL when absent */
	struct oci_cpu_affinity *exec_cpu_affinity; /* NULL when absent */
};

struct oci_root { char *path; bool readonly; };

struct oci_id_mapping { uint32_t container_id, host_id, size; };

struct oci_mount {
	char *destination;
	char *source;	/* may be NULL */
	char *type;	/* may be NULL (bind mounts) */
	struct oci_strv options;
	struct oci_id_mapping *uid_mappings, *gid_mappings;
	size_t n_uid_mappings, n_gid_mappings;
};

struct oci_hook {
	char *path;
	struct oci_strv args, env;
	struct opt_i32 timeout;	/* seconds, > 0 when set */
};

struct oci_hook_list { struct oci_hook *v; size_t n; };

struct oci_hooks {
	struct oci_hook_list prestart, create_runtime, create_container,
		start_container, poststart, poststop;
};

enum oci_ns_type {
	OCI_NS_PID, OCI_NS_NETWORK, OCI_NS_MOUNT, OCI_NS_IPC, OCI_NS_UTS,
	OCI_NS_USER, OCI_NS_CGROUP, OCI_NS_TIME,
	OCI_NS_COUNT
};

struct oci_namespace { enum oci_ns_type type; char *path; /* NULL: new */ };

struct oci_time_offset { bool set; int64_t secs; uint32_t nanosecs; };

struct oci_device {
	char *path;
	char type;	/* 'c', 'b', 'u', 'p' */
	int64_t major, minor;
	struct opt_u32 file_mode, uid, gid;
};

struct oci_device_rule {
	bool allow;
	char type;	/* 'a', 'c', 'b'; 'a' when absent */
	struct opt_i64 major, minor;	/* absent means wildcard */
	char *access;	/* subset of "rwm", NULL means "rwm" */
};

struct oci_memory {
	struct opt_i64 limit, reservation, swap, kernel, kernel_tcp;
	struct opt_u64 swappiness;
	struct opt_bool disable_oom_killer, use_hierarchy, check_before_update;
};

struct oci_cpu {
	struct opt_u64 shares, period, realtime_period, burst;
	struct opt_i64 quota, realtime_runtime, idle;
	char *cpus, *mems;
};

struct oci_weight_device { int64_t major, minor; struct opt_u32 weight, leaf_weight; };
struct oci_throttle_device { int64_t major, minor; uint64_t rate; };

struct oci_block_io {
	struct opt_u32 weight, leaf_weight;	/* 10-1000 */
	struct oci_weight_device *weight_device; size_t n_weight_device;
	struct oci_throttle_device *throttle_read_bps, *throttle_write_bps,
		*throttle_read_iops, *throttle_write_iops;
	size_t n_throttle_read_bps, n_throttle_write_bps,
		n_throttle_read_iops, n_throttle_write_iops;
};

struct oci_hugepage_limit { char *page_size; uint64_t limit; };
struct oci_net_priority { char *name; uint32_t priority; };
struct oci_rdma { char *device; struct opt_u32 hca_handles, hca_objects; };

struct oci_resources {
	struct oci_device_rule *devices; size_t n_devices;
	struct oci_memory *memory;	/* each NULL when absent */
	struct oci_cpu *cpu;
	struct opt_i64 pids_limit;	/* set when "pids" present */
	bool has_pids;
	struct oci_block_io *block_io;
	struct oci_hugepage_limit *hugepage_limits; size_t n_hugepage_limits;
	bool has_network;
	struct opt_u32 net_class_id;
	struct oci_net_priority *net_priorities; size_t n_net_priorities;
	struct oci_rdma *rdma; size_t n_rdma;
	struct oci_map unified;
};

struct oci_seccomp_arg { uint32_t index; uint64_t value; struct opt_u64 value_two; char *op; };

struct oci_seccomp_syscall {
	struct oci_strv names;
	char *action;
	struct opt_u32 errno_ret;
	struct oci_seccomp_arg *args; size_t n_args;
};

struct oci_seccomp {
	char *default_action;
	struct opt_u32 default_errno_ret;
	struct oci_strv architectures, flags;
	char *listener_path, *listener_metadata;
	struct oci_seccomp_syscall *syscalls; size_t n_syscalls;
};

struct oci_personality { char *domain; struct oci_strv flags; };

struct oci_intel_rdt {
	char *clos_id, *l3_cache_schema, *mem_bw_schema;
	bool enable_cmt, enable_mbm;
};

struct oci_linux {
	struct oci_namespace *namespaces; size_t n_namespaces;
	struct oci_id_mapping *uid_mappings, *gid_mappings;
	size_t n_uid_mappings, n_gid_mappings;
	struct oci_time_offset monotonic, boottime;
	struct oci_device *devices; size_t n_devices;
	char *cgroups_path;
	struct oci_resources *resources;	/* NULL when absent */
	char *rootfs_propagation;
	struct oci_seccomp *seccomp;		/* NULL when absent */
	struct oci_map sysctl;
	struct oci_strv masked_paths, readonly_paths;
	bool has_masked_paths, has_readonly_paths; /* absent vs [] differ */
	char *mount_label;
	struct oci_personality *personality;	/* NULL when absent */
	struct oci_intel_rdt *intel_rdt;	/* NULL when absent */
};

struct oci_config {
	char *oci_version;
	struct oci_process *process;	/* NULL when absent (allowed for create-only tools) */
	struct oci_root root;
	struct oci_mount *mounts; size_t n_mounts;
	char *hostname, *domainname;
	struct oci_hooks hooks;
	struct oci_map annotations;
	struct oci_linux *linux_cfg;	/* "linux" (a predefined macro in gnu11); NULL when absent */
};

/* Parse a config from memory. `name` prefixes error messages
 * ("config.json: .process.args: expected an array of strings"). */
struct oci_config *oci_config_parse(const char *buf, size_t len, const char *name,
				    struct husk_err **err);
/* Larger configs are refused by both functions. */
#define OCI_CONFIG_MAX_SIZE (16u << 20)

/* The checks oci_config_parse makes before it builds a yajl tree, for
 * other JSON read with yajl_tree: at most OCI_CONFIG_MAX_SIZE bytes, no NUL
 * byte, valid JSON (the error names the line) without comments, nested at
 * most 512 levels (deeper trees overflow the stack in yajl_tree_free). */
int oci_json_check(const char *buf, size_t len, const char *name, struct husk_err **err);

/* Read and parse DIR/config.json (or a file path when it is not a dir).
 * Errors are prefixed with the path read: "DIR/config.json" ("config.json"
 * when DIR is "."), or the file path as given. */
struct oci_config *oci_config_load(const char *path, struct husk_err **err);
void oci_config_free(struct oci_config *cfg);

/* A runtime-spec process object on its own (exec --process FILE). */
struct oci_process *oci_process_parse(const char *buf, size_t len, const char *name,
				      struct husk_err **err);
struct oci_process *oci_process_load(const char *path, struct husk_err **err);
void oci_process_free(struct oci_process *p);
/* The process checks of oci_config_validate (paths read ".process..."). */
int oci_process_validate(const struct oci_process *p, const char *name, struct husk_err **err);

/* Semantic checks beyond types: required fields, ranges, duplicates, names.
 * Pure: touches no file system. Errors name the JSON path. */
int oci_config_validate(const struct oci_config *cfg, const char *name,
			struct husk_err **err);

/* The names of the hook lists config.json may hold ("prestart", ...):
 * the i-th, NULL past the last. */
const char *oci_hook_name(size_t i);

/* "pid" -> OCI_NS_PID etc; -1 when unknown. */
int oci_ns_type_from_name(const char *name);
const char *oci_ns_type_name(enum oci_ns_type t);

/* Namespace entry of a type, or NULL. */
const struct oci_namespace *oci_config_namespace(const struct oci_config *cfg,
						 enum oci_ns_type t);

/* The default config.json `husk spec` writes (NUL-terminated, malloc'd). */
char *oci_default_spec(bool rootless, uid_t uid, gid_t gid);

/* The runtime-spec state document. */
struct oci_state {
	const char *oci_version, *id, *status, *bundle;
	int pid;	/* 0: omitted */
	const struct oci_map *annotations;
	/* runc's extensions, omitted when NULL */
	const char *rootfs, *created;
	/* husk's: how a monitored container ended */
	bool has_exit;
	int exit_code, exit_signal;
	const char *exited_at;
};
/* JSON text of a state (malloc'd, NUL-terminated). */
char *oci_state_json(const struct oci_state *st, struct husk_err **err);

#endif
