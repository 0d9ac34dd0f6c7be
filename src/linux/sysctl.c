#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "husk/procfs.h"
#include "husk/sysctl.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* The System V IPC parameters live in the IPC namespace. */
static const char *const ipc_keys[] = {
	"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem", "kernel.shmall",
	"kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
};

/* "net.ipv4.ip_forward" and "net/ipv4/ip_forward" both name
 * sys/net/ipv4/ip_forward (as sysctl(8): with a slash first, dots are
 * part of names, as in net/ipv4/conf/eth0.100/forwarding). Into path; the
 * dotted form into dotted. -1 for keys that would leave /proc/sys. */
static int key_path(const char *key, char *path, size_t size, char *dotted, size_t dsize)
{
	size_t slash = strcspn(key, "/"), dot = strcspn(key, ".");
	bool slashes = slash < dot;
	size_t len = snprintf(path, size, "sys/%s", key);

	if (len >= size || !*key || key[0] == '/' || key[0] == '.')
		return -1;
	snprintf(dotted, dsize, "%s", key);
	for (char *p = path + 4; *p; p++)
		if (!slashes && *p == '.')
			*p = '/';
	for (char *p = dotted; *p; p++)
		if (slashes && *p == '/')
			*p = '.';
	/* no empty, "." or ".." component: nothing but /proc/sys/... */
	for (const char *c = path + 4; *c;) {
		size_t n = strcspn(c, "/");

		if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return -1;
		c += n;
		if (*c)
			c++;
		if (!*c && c[-1] == '/')
			return -1;
	}
	return 0;
}

static bool has_ns(const struct oci_config *cfg, enum oci_ns_type t)
{
	return oci_config_namespace(cfg, t) != NULL;
}

/* A network namespace joined by path may be the host's own. */
static bool joins_host_netns(const struct oci_config *cfg)
{
	const struct oci_namespace *ns = oci_config_namespace(cfg, OCI_NS_NETWORK);
	struct stat a, b;

	return ns && ns->path && stat(ns->path, &a) == 0 && stat("/proc/self/ns/net", &b) == 0 &&
	       a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

int sysctl_check(const struct oci_config *cfg, struct husk_err **err)
{
	const struct oci_map *m = cfg->linux_cfg ? &cfg->linux_cfg->sysctl : NULL;

	for (size_t i = 0; m && i < m->n; i++) {
		const char *key = m->v[i].key;
		char path[4096], k[4096];
		bool ipc = false;

		if (key_path(key, path, sizeof(path), k, sizeof(k)) < 0)
			return husk_error(err, 0, "config.json: .linux.sysctl[\"%s\"]: invalid key", key);
		for (size_t j = 0; j < N(ipc_keys); j++)
			ipc |= !strcmp(k, ipc_keys[j]);
		if (ipc || !strncmp(k, "fs.mqueue.", 10)) {
			if (!has_ns(cfg, OCI_NS_IPC))
				return husk_error(err, 0, "config.json: .linux.sysctl[\"%s\"]: needs an IPC "
						  "namespace (it would change the host's)", key);
		} else if (!strncmp(k, "net.", 4)) {
			if (!has_ns(cfg, OCI_NS_NETWORK) || joins_host_netns(cfg))
				return husk_error(err, 0, "config.json: .linux.sysctl[\"%s\"]: needs a network "
						  "namespace of the container's own (it would change the host's)", key);
		} else if (!strcmp(k, "kernel.domainname")) {
			if (!has_ns(cfg, OCI_NS_UTS))
				return husk_error(err, 0, "config.json: .linux.sysctl[\"%s\"]: needs a UTS "
						  "namespace (it would change the host's)", key);
		} else if (!strcmp(k, "kernel.hostname")) {
			return husk_error(err, 0, "config.json: .linux.sysctl[\"%s\"]: set the hostname "
					  "field instead", key);
		} else {
			return husk_error(err, 0, "config.json: .linux.sysctl[\"%s\"]: not scoped by any "
					  "namespace of the container (it would change the host)", key);
		}
	}
	return 0;
}

int sysctl_apply(const struct oci_map *sysctl, struct husk_err **err)
{
	for (size_t i = 0; i < sysctl->n; i++) {
		const char *key = sysctl->v[i].key, *val = sysctl->v[i].value;
		char path[4096], dotted[4096];

		if (key_path(key, path, sizeof(path), dotted, sizeof(dotted)) < 0)
			return husk_error(err, 0, "linux.sysctl[\"%s\"]: invalid key", key);
		if (procfs_write(path, val, strlen(val), err) < 0)
			return husk_err_wrap(err, "linux.sysctl[\"%s\"]", key);
	}
	return 0;
}
