#include <cap-ng.h>
#include <ctype.h>
#include <errno.h>
#include <linux/capability.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "husk/caps.h"
#include "husk/log.h"

int caps_from_name(const char *name)
{
	if (!strncasecmp(name, "CAP_", 4))
		name += 4;
	return capng_name_to_capability(name);
}

bool caps_list_has(const struct oci_strv *names, int cap)
{
	for (size_t i = 0; i < names->n; i++)
		if (caps_from_name(names->v[i]) == cap)
			return true;
	return false;
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

/* The permitted set husk holds now: what it can hand on. */
static uint64_t held_permitted(void)
{
	struct __user_cap_header_struct hd = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = { { 0 } };

	if (syscall(SYS_capget, &hd, d) < 0)
		return ~0ULL;	/* let the kernel be the judge */
	return (uint64_t)d[1].permitted << 32 | d[0].permitted;
}

/* Fill one set from names. held: capabilities husk can grant. */
static int fill(capng_type_t type, const struct oci_strv *names, const char *field,
		uint64_t held, struct husk_err **err)
{
	for (size_t i = 0; i < names->n; i++) {
		int cap = caps_from_name(names->v[i]);

		if (cap < 0)
			return husk_error(err, 0, "process.capabilities.%s[%zu]: unknown capability \"%s\"",
					  field, i, names->v[i]);
		if (cap > kernel_last_cap()) {
			log_warn("process.capabilities.%s[%zu]: this kernel has no \"%s\"; left out",
				 field, i, names->v[i]);
			continue;
		}
		if (!(held & (1ULL << cap))) {
			log_warn("process.capabilities.%s[%zu]: \"%s\" cannot be granted (husk does not "
				 "hold it); left out", field, i, names->v[i]);
			continue;
		}
		if (capng_update(CAPNG_ADD, type, cap) < 0)
			return husk_error(err, 0, "process.capabilities.%s[%zu]: cannot set \"%s\"",
					  field, i, names->v[i]);
	}
	return 0;
}

int caps_apply_bounding(const struct oci_capabilities *caps, struct husk_err **err)
{
	uint64_t bounding = 0;

	if (!caps)
		return 0;
	for (int cap = 0; cap <= kernel_last_cap() && cap < 64; cap++)
		if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 1)
			bounding |= 1ULL << cap;
	capng_clear(CAPNG_SELECT_BOUNDS);
	if (fill(CAPNG_BOUNDING_SET, &caps->bounding, "bounding", bounding, err) < 0)
		return -1;
	if (capng_apply(CAPNG_SELECT_BOUNDS) < 0)
		return husk_error(err, EPERM, "apply the capability bounding set");
	return 0;
}

/* What husk held when caps_apply ran: the capabilities it could grant.
 * caps_finish needs the same answer after keep changed the sets. */
static uint64_t held_at_apply = ~0ULL;

/* the ambient set is raised one by one: each must be permitted and
 * inheritable as well. One that is not cannot be granted: a warning, as the
 * runtime-spec asks and runc does (its default spec for a non-root user
 * lists ambient capabilities without the inheritable set) */
static int raise_ambient(const struct oci_capabilities *caps, struct husk_err **err)
{
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return husk_syserr(err, "clear ambient capabilities");
	for (size_t i = 0; i < caps->ambient.n; i++) {
		int cap = caps_from_name(caps->ambient.v[i]);

		if (cap < 0)
			return husk_error(err, 0, "process.capabilities.ambient[%zu]: unknown capability \"%s\"",
					  i, caps->ambient.v[i]);
		if (cap > kernel_last_cap() || !(held_at_apply & (1ULL << cap))) {
			log_warn("process.capabilities.ambient[%zu]: \"%s\" cannot be granted; left out",
				 i, caps->ambient.v[i]);
			continue;
		}
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) == 0)
			continue;
		if (errno != EPERM)
			return husk_syserr(err, "process.capabilities.ambient[%zu]: raise \"%s\"",
					   i, caps->ambient.v[i]);
		log_warn("process.capabilities.ambient[%zu]: \"%s\" is not both permitted and "
			 "inheritable, so it cannot be ambient; left out", i, caps->ambient.v[i]);
	}
	return 0;
}

int caps_apply(const struct oci_capabilities *caps, int keep, struct husk_err **err)
{
	if (!caps)
		return 0;
	held_at_apply = held_permitted();
	capng_clear(CAPNG_SELECT_CAPS);
	if (fill(CAPNG_EFFECTIVE, &caps->effective, "effective", held_at_apply, err) < 0 ||
	    fill(CAPNG_PERMITTED, &caps->permitted, "permitted", held_at_apply, err) < 0 ||
	    fill(CAPNG_INHERITABLE, &caps->inheritable, "inheritable", held_at_apply, err) < 0)
		return -1;
	if (keep >= 0 && capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED, keep) < 0)
		return husk_error(err, 0, "keep capability %d", keep);
	if (capng_apply(CAPNG_SELECT_CAPS) < 0)
		return husk_error(err, EPERM, "apply capabilities");
	return keep >= 0 ? 0 : raise_ambient(caps, err);
}

int caps_finish(const struct oci_capabilities *caps, int keep, struct husk_err **err)
{
	if (!caps)
		return 0;
	/* libcap-ng still holds the sets caps_apply built */
	if (!caps_list_has(&caps->effective, keep) &&
	    capng_update(CAPNG_DROP, CAPNG_EFFECTIVE, keep) < 0)
		return husk_error(err, 0, "drop capability %d", keep);
	if (!caps_list_has(&caps->permitted, keep) &&
	    capng_update(CAPNG_DROP, CAPNG_PERMITTED, keep) < 0)
		return husk_error(err, 0, "drop capability %d", keep);
	if (capng_apply(CAPNG_SELECT_CAPS) < 0)
		return husk_error(err, EPERM, "apply capabilities");
	return raise_ambient(caps, err);
}

char **caps_known_names(void)
{
	char **v = calloc(64 + 1, sizeof(*v));
	size_t n = 0;

	if (!v)
		return NULL;
	for (unsigned cap = 0; cap < 64; cap++) {
		const char *name = capng_capability_to_name(cap);

		/* the names husk takes are those libcap-ng resolves back */
		if (!name || capng_name_to_capability(name) != (int)cap)
			continue;
		if (asprintf(&v[n], "CAP_%s", name) < 0) {
			caps_names_free(v);
			return NULL;
		}
		for (char *p = v[n]; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		n++;
	}
	return v;
}

void caps_names_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}
