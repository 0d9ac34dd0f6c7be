#include <cap-ng.h>
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>

#include "husk/caps.h"

int caps_from_name(const char *name)
{
	if (!strncasecmp(name, "CAP_", 4))
		name += 4;
	return capng_name_to_capability(name);
}

static int kernel_last_cap(void)
{
	static int last = -1;
	char buf[16] = "";
	FILE *f;

	if (last >= 0)
		return last;
	f = fopen("/proc/sys/kernel/cap_last_cap", "re");
	last = f && fgets(buf, sizeof(buf), f) ? atoi(buf) : CAP_LAST_CAP;
	if (f)
		fclose(f);
	return last;
}

static int fill(capng_type_t type, const struct oci_strv *names, const char *field,
		struct husk_err **err)
{
	for (size_t i = 0; i < names->n; i++) {
		int cap = caps_from_name(names->v[i]);

		if (cap < 0)
			return husk_error(err, 0, "process.capabilities.%s[%zu]: unknown capability \"%s\"",
					  field, i, names->v[i]);
		/* a capability this kernel does not know cannot be granted */
		if (cap > kernel_last_cap())
			continue;
		if (capng_update(CAPNG_ADD, type, cap) < 0)
			return husk_error(err, 0, "process.capabilities.%s[%zu]: cannot set \"%s\"",
					  field, i, names->v[i]);
	}
	return 0;
}

int caps_apply_bounding(const struct oci_capabilities *caps, struct husk_err **err)
{
	if (!caps)
		return 0;
	capng_clear(CAPNG_SELECT_BOUNDS);
	if (fill(CAPNG_BOUNDING_SET, &caps->bounding, "bounding", err) < 0)
		return -1;
	if (capng_apply(CAPNG_SELECT_BOUNDS) < 0)
		return husk_error(err, EPERM, "apply the capability bounding set");
	return 0;
}

int caps_apply(const struct oci_capabilities *caps, struct husk_err **err)
{
	if (!caps)
		return 0;
	capng_clear(CAPNG_SELECT_CAPS);
	if (fill(CAPNG_EFFECTIVE, &caps->effective, "effective", err) < 0 ||
	    fill(CAPNG_PERMITTED, &caps->permitted, "permitted", err) < 0 ||
	    fill(CAPNG_INHERITABLE, &caps->inheritable, "inheritable", err) < 0)
		return -1;
	if (capng_apply(CAPNG_SELECT_CAPS) < 0)
		return husk_error(err, EPERM, "apply capabilities");
	/* the ambient set is raised one by one: each must be permitted and
	 * inheritable, which the sets above made sure of */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return husk_syserr(err, "clear ambient capabilities");
	for (size_t i = 0; i < caps->ambient.n; i++) {
		int cap = caps_from_name(caps->ambient.v[i]);

		if (cap < 0)
			return husk_error(err, 0, "process.capabilities.ambient[%zu]: unknown capability \"%s\"",
					  i, caps->ambient.v[i]);
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
			return husk_syserr(err, "process.capabilities.ambient[%zu]: raise \"%s\"",
					   i, caps->ambient.v[i]);
	}
	return 0;
}
