#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "husk/args.h"
#include "husk/cgctl.h"
#include "husk/cleanup.h"
#include "husk/cli.h"
#include "husk/units.h"
#include "husk/fs.h"
#include "husk/log.h"
#include "husk/oci.h"

/* The flag that set a field, for error messages. */
static const char *flag_label(const char *field)
{
	static const struct { const char *field, *label; } map[] = {
		{ ".memory.limit", "--memory" },
		{ ".memory.swap", "--memory-swap" },
		{ ".memory.reservation", "--memory-reservation" },
		{ ".memory", "--memory" },
		{ ".cpu.shares", "--cpu-share" },
		{ ".cpu.quota", "--cpu-quota" },
		{ ".cpu.period", "--cpu-period" },
		{ ".cpu.burst", "--cpu-burst" },
		{ ".cpu.realtimeRuntime", "--cpu-rt-runtime" },
		{ ".cpu.realtimePeriod", "--cpu-rt-period" },
		{ ".cpu.cpus", "--cpuset-cpus" },
		{ ".cpu.mems", "--cpuset-mems" },
		{ ".cpu.idle", "--cpu-idle" },
		{ ".pids.limit", "--pids-limit" },
		{ ".pids", "--pids-limit" },
		{ ".blockIO.weight", "--blkio-weight" },
		{ ".blockIO", "--blkio-weight" },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(field, map[i].field))
			return map[i].label;
	return NULL;
}

static int parse_u64(const char *flag, const char *v, struct opt_u64 *out, struct husk_err **err)
{
	char *end;

	if (!v)
		return 0;
	errno = 0;
	out->v = strtoull(v, &end, 10);
	if (!*v || *end || errno || v[0] == '-')
		return husk_error(err, 0, "update: --%s: \"%s\" is not a non-negative integer", flag, v);
	out->set = true;
	return 0;
}

static int parse_i64(const char *flag, const char *v, struct opt_i64 *out, struct husk_err **err)
{
	char *end;

	if (!v)
		return 0;
	errno = 0;
	out->v = strtoll(v, &end, 10);
	if (!*v || *end || errno)
		return husk_error(err, 0, "update: --%s: \"%s\" is not an integer", flag, v);
	out->set = true;
	return 0;
}

static int parse_mem(const char *flag, const char *v, struct opt_i64 *out, struct husk_err **err)
{
	long long n;

	if (!v)
		return 0;
	n = strcmp(v, "-1") ? units_parse_size(v) : -1;
	if (n < -1 || (n == -1 && strcmp(v, "-1")))
		return husk_error(err, 0, "update: --%s: \"%s\" is not a size (bytes, or a number "
				  "with k, m, g, t or p; -1 for unlimited)", flag, v);
	out->v = n;
	out->set = true;
	return 0;
}

/* -r FILE: the linux.resources object of a config. */
static struct oci_config *read_resources(const char *path, struct husk_err **err)
{
	const char *name = strcmp(path, "-") ? path : "<stdin>";
	cleanup_free char *text = NULL, *wrapped = NULL;
	struct oci_config *cfg;
	struct husk_err *bad = NULL;
	size_t len = 0;
	char msg[256];
	yajl_val v;

	text = fs_read_file(strcmp(path, "-") ? path : "/dev/stdin", &len, err);
	if (!text) {
		husk_err_wrap(err, "update: -r");
		return NULL;
	}
	/* bounded nesting first: yajl_tree_free recurses once per level */
	if (oci_json_check(text, len, name, &bad) < 0) {
		husk_error(err, bad->errnum, "update: %s: not valid JSON: %s", name,
			   bad->msg + strlen(name) + 2);	/* past "NAME: " */
		husk_err_free(&bad);
		return NULL;
	}
	v = yajl_tree_parse(text, msg, sizeof(msg));
	if (!v) {
		msg[strcspn(msg, "\n")] = '\0';
		husk_error(err, 0, "update: %s: not valid JSON: %s", name, msg);
		return NULL;
	}
	if (!YAJL_IS_OBJECT(v)) {
		yajl_tree_free(v);
		husk_error(err, 0, "update: %s: expected a JSON object (the linux.resources of a config)",
			   name);
		return NULL;
	}
	yajl_tree_free(v);
	/* the config parser knows the resources schema: give it a config */
	if (asprintf(&wrapped, "{\"ociVersion\":\"1.2.0\",\"linux\":{\"resources\":%s}}", text) < 0) {
		husk_error(err, ENOMEM, "update");
		return NULL;
	}
	cfg = oci_config_parse(wrapped, strlen(wrapped), name, err);
	if (!cfg && *err) {
		/* "FILE: .linux.resources.memory.limit: ..." -> "FILE: .memory.limit: ..." */
		char *at = strstr((*err)->msg, ".linux.resources");

		if (at)
			memmove(at, at + 16, strlen(at + 16) + 1);
		husk_err_wrap(err, "update");
	}
	return cfg;
}

int cmd_update(const struct husk_globals *g, int argc, char **argv, struct husk_err **err)
{
	const char *resources = NULL, *blkio_weight = NULL, *cpu_period = NULL, *cpu_quota = NULL,
		   *cpu_burst = NULL, *cpu_share = NULL, *cpu_rt_period = NULL, *cpu_rt_runtime = NULL,
		   *cpuset_cpus = NULL, *cpuset_mems = NULL, *kernel_memory = NULL,
		   *kernel_memory_tcp = NULL, *memory = NULL, *cpu_idle = NULL,
		   *memory_reservation = NULL, *memory_swap = NULL, *pids_limit = NULL,
		   *l3_cache_schema = NULL, *mem_bw_schema = NULL;
	const struct arg_opt opts[] = {
		{ "r,resources", ARG_STRING, &resources, "FILE",
		  "linux.resources JSON to apply (- for stdin); the other flags are then ignored" },
		{ "blkio-weight", ARG_STRING, &blkio_weight, "N", "block I/O weight, 10-1000" },
		{ "cpu-period", ARG_STRING, &cpu_period, "US", "CFS period in microseconds" },
		{ "cpu-quota", ARG_STRING, &cpu_quota, "US", "CFS quota in microseconds per period (-1: none)" },
		{ "cpu-burst", ARG_STRING, &cpu_burst, "US", "CFS burst in microseconds" },
		{ "cpu-share", ARG_STRING, &cpu_share, "N", "CPU shares (relative weight)" },
		{ "cpu-shares", ARG_STRING, &cpu_share, "N", "the same as --cpu-share" },
		{ "cpu-rt-period", ARG_STRING, &cpu_rt_period, "US", "realtime period in microseconds" },
		{ "cpu-rt-runtime", ARG_STRING, &cpu_rt_runtime, "US", "realtime runtime in microseconds" },
		{ "cpuset-cpus", ARG_STRING, &cpuset_cpus, "LIST", "CPUs to run on, e.g. 0-2,4" },
		{ "cpuset-mems", ARG_STRING, &cpuset_mems, "LIST", "memory nodes to allocate on" },
		{ "cpu-idle", ARG_STRING, &cpu_idle, "0|1", "SCHED_IDLE for the cgroup" },
		{ "memory", ARG_STRING, &memory, "SIZE", "memory limit, e.g. 512m (-1: none)" },
		{ "memory-reservation", ARG_STRING, &memory_reservation, "SIZE", "memory soft limit" },
		{ "memory-swap", ARG_STRING, &memory_swap, "SIZE", "memory plus swap limit (-1: none)" },
		{ "pids-limit", ARG_STRING, &pids_limit, "N", "maximum number of processes (-1: none)" },
		{ "kernel-memory", ARG_STRING, &kernel_memory, "SIZE", "ignored (obsolete)" },
		{ "kernel-memory-tcp", ARG_STRING, &kernel_memory_tcp, "SIZE", "ignored (obsolete)" },
		{ "l3-cache-schema", ARG_STRING, &l3_cache_schema, "SCHEMA", "Intel RDT (not supported)" },
		{ "mem-bw-schema", ARG_STRING, &mem_bw_schema, "SCHEMA", "Intel RDT (not supported)" },
		{ NULL },
	};
	const struct arg_cmd cmd = { "update", "[options] ID",
		"Change the resource limits of a created, running or paused container.\n"
		"Only what is given changes; SIZE takes k, m, g suffixes (binary).", opts, false, 1, 1, NULL };
	struct oci_memory mem = { 0 };
	struct oci_cpu cpu = { 0 };
	struct oci_block_io bio = { 0 };
	struct oci_resources flags_res = { 0 };
	struct cgroup_apply_opts o = { .what = "linux.resources", .label = flag_label };
	struct oci_config *cfg = NULL;
	const struct oci_resources *r = &flags_res;
	struct opt_u64 weight = { 0 };
	struct opt_i64 pids = { 0 };
	char **pos;
	char what[300];
	int npos, ret = args_parse(&cmd, argc, argv, &pos, &npos, err);

	if (ret != 0)
		return args_status(ret);
	if (l3_cache_schema || mem_bw_schema) {
		free(pos);
		return husk_error(err, 0, "update: --%s: Intel RDT is not supported by husk",
				  l3_cache_schema ? "l3-cache-schema" : "mem-bw-schema");
	}
	if (resources) {
		cfg = read_resources(resources, err);
		if (!cfg) {
			free(pos);
			return -1;
		}
		r = cfg->linux_cfg ? cfg->linux_cfg->resources : NULL;
		snprintf(what, sizeof(what), "%s: ", strcmp(resources, "-") ? resources : "<stdin>");
		o = (struct cgroup_apply_opts){ .what = what };
		if (r && r->n_devices)
			log_warn("update: %s: devices are not updated (as with runc)", resources);
	} else {
		if (kernel_memory || kernel_memory_tcp)
			log_warn("--%s is ignored (kernel memory limits are obsolete)",
				 kernel_memory ? "kernel-memory" : "kernel-memory-tcp");
		if (parse_mem("memory", memory, &mem.limit, err) < 0 ||
		    parse_mem("memory-swap", memory_swap, &mem.swap, err) < 0 ||
		    parse_mem("memory-reservation", memory_reservation, &mem.reservation, err) < 0 ||
		    parse_u64("cpu-share", cpu_share, &cpu.shares, err) < 0 ||
		    parse_u64("cpu-period", cpu_period, &cpu.period, err) < 0 ||
		    parse_u64("cpu-burst", cpu_burst, &cpu.burst, err) < 0 ||
		    parse_u64("cpu-rt-period", cpu_rt_period, &cpu.realtime_period, err) < 0 ||
		    parse_i64("cpu-quota", cpu_quota, &cpu.quota, err) < 0 ||
		    parse_i64("cpu-rt-runtime", cpu_rt_runtime, &cpu.realtime_runtime, err) < 0 ||
		    parse_i64("cpu-idle", cpu_idle, &cpu.idle, err) < 0 ||
		    parse_i64("pids-limit", pids_limit, &pids, err) < 0 ||
		    parse_u64("blkio-weight", blkio_weight, &weight, err) < 0) {
			free(pos);
			return -1;
		}
		if (weight.set && weight.v > 65535) {
			free(pos);
			return husk_error(err, 0, "update: --blkio-weight: %" PRIu64 " is out of range 10-1000",
					  weight.v);
		}
		/* runc: unlimited memory with swap unsaid means both unlimited */
		if (mem.limit.set && mem.limit.v == -1 && !mem.swap.set)
			mem.swap = (struct opt_i64){ true, -1 };
		cpu.cpus = (char *)cpuset_cpus;
		cpu.mems = (char *)cpuset_mems;
		bio.weight = (struct opt_u32){ weight.set, (uint32_t)weight.v };
		flags_res.memory = &mem;
		flags_res.cpu = &cpu;
		flags_res.block_io = &bio;
		flags_res.has_pids = pids.set;
		flags_res.pids_limit = pids;
	}
	ret = cgctl_update(g->root, pos[0], r, &o, err);
	oci_config_free(cfg);
	free(pos);
	return ret;
}
