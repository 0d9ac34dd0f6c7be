#include <stdio.h>
#include <string.h>

#include "husk/fs.h"
#include "husk/sysctl.h"

int sysctl_apply(const struct oci_map *sysctl, struct husk_err **err)
{
	for (size_t i = 0; i < sysctl->n; i++) {
		const char *key = sysctl->v[i].key, *val = sysctl->v[i].value;
		char path[4096];
		size_t len = snprintf(path, sizeof(path), "/proc/sys/%s", key);

		/* "net.ipv4.ip_forward" names /proc/sys/net/ipv4/ip_forward */
		for (char *p = path + strlen("/proc/sys/"); p < path + len; p++)
			if (*p == '.')
				*p = '/';
		if (strstr(key, "..") || strchr(key, '/'))
			return husk_error(err, 0, "linux.sysctl: invalid key \"%s\"", key);
		if (fs_write_file(path, val, strlen(val), err) < 0)
			return husk_err_wrap(err, "linux.sysctl[\"%s\"]", key);
	}
	return 0;
}
