/* The default config.json of `husk spec`, close to `runc spec`. */
#include <string.h>

#include "internal.h"

struct mount_def {
	const char *destination, *type, *source;
	const char *options[8];		/* NULL-terminated */
};

static const struct mount_def mounts[] = {
	{ "/proc", "proc", "proc", { NULL } },
	{ "/dev", "tmpfs", "tmpfs", { "nosuid", "strictatime", "mode=755", "size=65536k", NULL } },
	{ "/dev/pts", "devpts", "devpts",
	  { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5", NULL } },
	{ "/dev/shm", "tmpfs", "shm", { "nosuid", "noexec", "nodev", "mode=1777", "size=65536k", NULL } },
	{ "/dev/mqueue", "mqueue", "mqueue", { "nosuid", "noexec", "nodev", NULL } },
	{ "/sys", "sysfs", "sysfs", { "nosuid", "noexec", "nodev", "ro", NULL } },
	{ "/sys/fs/cgroup", "cgroup", "cgroup", { "nosuid", "noexec", "nodev", "relatime", "ro", NULL } },
};

/* Without a network namespace of its own, a rootless container cannot
 * mount sysfs: it gets the host's, read-only. */
static const struct mount_def rootless_sys =
	{ "/sys", "none", "/sys", { "rbind", "nosuid", "noexec", "nodev", "ro", NULL } };

static const char *const masked_paths[] = {
	"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
	"/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
	"/sys/firmware", "/sys/devices/virtual/powercap", NULL
};

static const char *const readonly_paths[] = {
	"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL
};

static void gen_process(struct jgen *g)
{
	static const char *const args[] = { "sh", NULL };
	static const char *const env[] = {
		"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"TERM=xterm", NULL
	};
	static const char *const caps[] = {
		"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", NULL
	};

	jg_str(g, "process");
	jg_map(g, true);
	jg_str(g, "terminal");
	jg_bool(g, true);
	jg_str(g, "user");
	jg_map(g, true);
	jg_key_int(g, "uid", 0);
	jg_key_int(g, "gid", 0);
	jg_map(g, false);
	jg_key_strs(g, "args", args);
	jg_key_strs(g, "env", env);
	jg_key_str(g, "cwd", "/");
	jg_str(g, "capabilities");
	jg_map(g, true);
	jg_key_strs(g, "bounding", caps);
	jg_key_strs(g, "effective", caps);
	jg_key_strs(g, "permitted", caps);
	jg_map(g, false);
	jg_str(g, "rlimits");
	jg_array(g, true);
	jg_map(g, true);
	jg_key_str(g, "type", "RLIMIT_NOFILE");
	jg_key_int(g, "hard", 1024);
	jg_key_int(g, "soft", 1024);
	jg_map(g, false);
	jg_array(g, false);
	jg_str(g, "noNewPrivileges");
	jg_bool(g, true);
	jg_map(g, false);
}

/* Rootless drops uid=/gid= options: those ids may not be mapped. */
static void gen_mount(struct jgen *g, const struct mount_def *m, bool rootless)
{
	jg_map(g, true);
	jg_key_str(g, "destination", m->destination);
	jg_key_str(g, "type", m->type);
	jg_key_str(g, "source", m->source);
	if (m->options[0]) {
		jg_str(g, "options");
		jg_array(g, true);
		for (const char *const *o = m->options; *o; o++)
			if (!rootless || (strncmp(*o, "uid=", 4) && strncmp(*o, "gid=", 4)))
				jg_str(g, *o);
		jg_array(g, false);
	}
	jg_map(g, false);
}

static void gen_mounts(struct jgen *g, bool rootless)
{
	jg_str(g, "mounts");
	jg_array(g, true);
	for (size_t i = 0; i < ARRAY_SIZE(mounts); i++) {
		bool sys = strcmp(mounts[i].destination, "/sys") == 0;

		gen_mount(g, rootless && sys ? &rootless_sys : &mounts[i], rootless);
	}
	jg_array(g, false);
}

static void gen_id_mapping(struct jgen *g, const char *key, unsigned host_id)
{
	jg_str(g, key);
	jg_array(g, true);
	jg_map(g, true);
	jg_key_int(g, "containerID", 0);
	jg_key_int(g, "hostID", host_id);
	jg_key_int(g, "size", 1);
	jg_map(g, false);
	jg_array(g, false);
}

/* Rootless: a user namespace mapping root to the caller, no network
 * namespace (it could not be configured), no cgroup limits. */
static void gen_linux(struct jgen *g, bool rootless, uid_t uid, gid_t gid)
{
	static const char *const ns[] = { "pid", "network", "ipc", "uts", "mount", "cgroup" };

	jg_str(g, "linux");
	jg_map(g, true);
	if (rootless) {
		gen_id_mapping(g, "uidMappings", uid);
		gen_id_mapping(g, "gidMappings", gid);
	} else {
		jg_str(g, "resources");
		jg_map(g, true);
		jg_str(g, "devices");
		jg_array(g, true);
		jg_map(g, true);
		jg_str(g, "allow");
		jg_bool(g, false);
		jg_key_str(g, "access", "rwm");
		jg_map(g, false);
		jg_array(g, false);
		jg_map(g, false);
	}
	jg_str(g, "namespaces");
	jg_array(g, true);
	for (size_t i = 0; i < ARRAY_SIZE(ns); i++) {
		if (rootless && strcmp(ns[i], "network") == 0)
			continue;
		jg_map(g, true);
		jg_key_str(g, "type", ns[i]);
		jg_map(g, false);
	}
	if (rootless) {
		jg_map(g, true);
		jg_key_str(g, "type", "user");
		jg_map(g, false);
	}
	jg_array(g, false);
	jg_key_strs(g, "maskedPaths", masked_paths);
	jg_key_strs(g, "readonlyPaths", readonly_paths);
	jg_map(g, false);
}

char *oci_default_spec(bool rootless, uid_t uid, gid_t gid)
{
	struct jgen g;

	if (jg_init(&g, true) < 0)
		return NULL;
	jg_map(&g, true);
	jg_key_str(&g, "ociVersion", "1.2.0");
	gen_process(&g);
	jg_str(&g, "root");
	jg_map(&g, true);
	jg_key_str(&g, "path", "rootfs");
	jg_str(&g, "readonly");
	jg_bool(&g, true);
	jg_map(&g, false);
	jg_key_str(&g, "hostname", "husk");
	gen_mounts(&g, rootless);
	gen_linux(&g, rootless, uid, gid);
	jg_map(&g, false);
	return jg_finish(&g, "default spec", NULL);
}
