/* config.json "process". */
#include "internal.h"

#define P struct oci_process

static const struct jfield console_fields[] = {
	F_REQ("height", J_U32, P, console_height),
	F_REQ("width", J_U32, P, console_width),
};
static const struct jschema console_schema = SCHEMA(P, console_fields, NULL);

static const struct jfield user_fields[] = {
	F_REQ("uid", J_U32, struct oci_user, uid),
	F_REQ("gid", J_U32, struct oci_user, gid),
	F("umask", J_OPT_U32, struct oci_user, umask),
	F_U32V("additionalGids", struct oci_user, additional_gids, n_additional_gids),
};
static const struct jschema user_schema = SCHEMA(struct oci_user, user_fields, NULL);

static const struct jfield caps_fields[] = {
	F("bounding", J_STRV, struct oci_capabilities, bounding),
	F("effective", J_STRV, struct oci_capabilities, effective),
	F("inheritable", J_STRV, struct oci_capabilities, inheritable),
	F("permitted", J_STRV, struct oci_capabilities, permitted),
	F("ambient", J_STRV, struct oci_capabilities, ambient),
};
static const struct jschema caps_schema = SCHEMA(struct oci_capabilities, caps_fields, NULL);

static const struct jfield rlimit_fields[] = {
	F_REQ("type", J_STR, struct oci_rlimit, type),
	F_REQ("hard", J_U64, struct oci_rlimit, hard),
	F_REQ("soft", J_U64, struct oci_rlimit, soft),
};
static const struct jschema rlimit_schema = SCHEMA(struct oci_rlimit, rlimit_fields, NULL);

static const struct jfield io_priority_fields[] = {
	F_REQ("class", J_STR, struct oci_io_priority, class),
	F_REQ("priority", J_I32, struct oci_io_priority, priority),
};
static const struct jschema io_priority_schema =
	SCHEMA(struct oci_io_priority, io_priority_fields, NULL);

static const struct jfield scheduler_fields[] = {
	F_REQ("policy", J_STR, struct oci_scheduler, policy),
	F("nice", J_OPT_I32, struct oci_scheduler, nice),
	F("priority", J_OPT_I32, struct oci_scheduler, priority),
	F("flags", J_STRV, struct oci_scheduler, flags),
	F("runtime", J_OPT_U64, struct oci_scheduler, runtime),
	F("deadline", J_OPT_U64, struct oci_scheduler, deadline),
	F("period", J_OPT_U64, struct oci_scheduler, period),
};
static const struct jschema scheduler_schema =
	SCHEMA(struct oci_scheduler, scheduler_fields, NULL);

static const struct jfield affinity_fields[] = {
	F("initial", J_STR, struct oci_cpu_affinity, initial),
	F("final", J_STR, struct oci_cpu_affinity, final),
};
static const struct jschema affinity_schema =
	SCHEMA(struct oci_cpu_affinity, affinity_fields, NULL);

static const struct jfield process_fields[] = {
	F("terminal", J_BOOL, P, terminal),
	F_HERE_FLAG("consoleSize", P, console_schema, has_console_size),
	F_SUB("user", J_INLINE, P, user, user_schema),
	F_REQ("args", J_STRV, P, args),
	F("commandLine", J_STR, P, command_line),
	F("env", J_STRV, P, env),
	F_REQ("cwd", J_STR, P, cwd),
	F_SUB("capabilities", J_PTR, P, capabilities, caps_schema),
	F_ARRAY("rlimits", P, rlimits, n_rlimits, rlimit_schema),
	F("noNewPrivileges", J_BOOL, P, no_new_privileges),
	F("apparmorProfile", J_STR, P, apparmor_profile),
	F("oomScoreAdj", J_OPT_I32, P, oom_score_adj),
	F("selinuxLabel", J_STR, P, selinux_label),
	F_SUB("ioPriority", J_PTR, P, io_priority, io_priority_schema),
	F_SUB("scheduler", J_PTR, P, scheduler, scheduler_schema),
	F_SUB("execCPUAffinity", J_PTR, P, exec_cpu_affinity, affinity_schema),
};
const struct jschema oci_process_schema = SCHEMA(P, process_fields, NULL);
