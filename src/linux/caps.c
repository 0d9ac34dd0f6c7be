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

#define BIT(cap) (1ULL << (cap))

/* Numbers 0 (chown) to 40 (checkpoint_restore), spelt as libcap-ng did
 * when husk used it, so the names husk takes are the same. */
static const char *const cap_names[] = {
	"chown", "dac_override", "dac_read_search", "fowner", "fsetid", "kill",
	"setgid", "setuid", "setpcap", "linux_immutable", "net_bind_service",
	"net_broadcast", "net_admin", "net_raw", "ipc_lock", "ipc_owner",
	"sys_module", "sys_rawio", "sys_chroot", "sys_ptrace", "sys_pacct",
	"sys_admin", "sys_boot", "sys_nice", "sys_resource", "sys_time",
	"sys_tty_config", "mknod", "lease", "audit_write", "audit_control",
	"setfcap", "mac_override", "mac_admin", "syslog", "wake_alarm",
	"block_suspend", "audit_read", "perfmon", "bpf", "checkpoint_restore",
};
#define N_NAMES (int)(sizeof(cap_names) / sizeof(cap_names[0]))

int caps_from_name(const char *name)
{
	if (!strncasecmp(name, "CAP_", 4))
		name += 4;
	for (int cap = 0; cap < N_NAMES; cap++)
		if (!strcasecmp(name, cap_names[cap]))
			return cap;
	return -1;
}

bool caps_list_has(const struct oci_strv *names, int cap)
{
	for (size_t i = 0; i < names->n; i++)
		if (caps_from_name(names->v[i]) == cap)
			return true;
	return false;
}

static bool cap_exists(int cap)
{
	return prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0 || errno != EINVAL;
}

/* The kernel's highest capability: PR_CAPBSET_READ refuses any above it
 * with EINVAL, which saves reading /proc/sys/kernel/cap_last_cap. Usually
 * two probes from the guess of the headers. */
static int last_cap = -1;

static int kernel_last_cap(void)
{
	int cap = CAP_LAST_CAP;

	if (last_cap >= 0)
		return last_cap;
	if (cap_exists(cap)) {
		while (cap < 63 && cap_exists(cap + 1))
			cap++;
	} else {
		while (cap > 0 && !cap_exists(cap))
			cap--;
	}
	return last_cap = cap;
}

/* The bounding set now; it learns the last capability on the way. */
static uint64_t read_bounding(void)
{
	uint64_t set = 0;
	int cap;

	for (cap = 0; cap < 64; cap++) {
		int r = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);

		if (r < 0 && errno == EINVAL)
			break;
		if (r == 1)
			set |= BIT(cap);
	}
	last_cap = cap - 1;
	return set;
}

struct capsets {
	uint64_t effective, permitted, inheritable;
};

static int get_sets(struct capsets *s)
{
	struct __user_cap_header_struct hd = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = { { 0 } };

	if (syscall(SYS_capget, &hd, d) < 0)
		return -1;
	s->effective = (uint64_t)d[1].effective << 32 | d[0].effective;
	s->permitted = (uint64_t)d[1].permitted << 32 | d[0].permitted;
	s->inheritable = (uint64_t)d[1].inheritable << 32 | d[0].inheritable;
	return 0;
}

static int set_sets(const struct capsets *s)
{
	struct __user_cap_header_struct hd = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = {
		{ (uint32_t)s->effective, (uint32_t)s->permitted, (uint32_t)s->inheritable },
		{ s->effective >> 32, s->permitted >> 32, s->inheritable >> 32 },
	};

	return syscall(SYS_capset, &hd, d);
}

/* The permitted set husk holds now: what it can hand on. */
static uint64_t held_permitted(void)
{
	struct capsets s;

	return get_sets(&s) < 0 ? ~0ULL : s.permitted;	/* else the kernel judges */
}

/* One set from names into *set. held: capabilities husk can grant. */
static int fill(const struct oci_strv *list, const char *field, uint64_t held, uint64_t *set,
		struct husk_err **err)
{
	for (size_t i = 0; i < list->n; i++) {
		int cap = caps_from_name(list->v[i]);

		if (cap < 0)
			return husk_error(err, 0, "process.capabilities.%s[%zu]: unknown capability \"%s\"",
					  field, i, list->v[i]);
		if (cap > kernel_last_cap()) {
			log_warn("process.capabilities.%s[%zu]: this kernel has no \"%s\"; left out",
				 field, i, list->v[i]);
			continue;
		}
		if (!(held & BIT(cap))) {
			log_warn("process.capabilities.%s[%zu]: \"%s\" cannot be granted (husk does not "
				 "hold it); left out", field, i, list->v[i]);
			continue;
		}
		*set |= BIT(cap);
	}
	return 0;
}

/* Only what is in the set and unwanted is dropped: each drop commits new
 * credentials, reading a bit costs next to nothing. */
int caps_apply_bounding(const struct oci_capabilities *caps, struct husk_err **err)
{
	uint64_t have, want = 0;
	struct capsets now;

	if (!caps)
		return 0;
	have = read_bounding();
	if (fill(&caps->bounding, "bounding", have, &want, err) < 0)
		return -1;
	/* changing the bounding set needs CAP_SETPCAP, even to drop nothing */
	if (get_sets(&now) < 0 || !(now.effective & BIT(CAP_SETPCAP)))
		return husk_error(err, EPERM, "apply the capability bounding set");
	for (int cap = 0; cap <= last_cap; cap++)
		if ((have & ~want & BIT(cap)) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
			return husk_error(err, EPERM, "apply the capability bounding set");
	return 0;
}

/* What caps_apply set and what husk held then (the capabilities it could
 * grant): caps_finish needs both after keep changed the sets. */
static struct capsets applied;
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
		if (cap > kernel_last_cap() || !(held_at_apply & BIT(cap))) {
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
	struct capsets s = { 0 };

	if (!caps)
		return 0;
	held_at_apply = held_permitted();
	if (fill(&caps->effective, "effective", held_at_apply, &s.effective, err) < 0 ||
	    fill(&caps->permitted, "permitted", held_at_apply, &s.permitted, err) < 0 ||
	    fill(&caps->inheritable, "inheritable", held_at_apply, &s.inheritable, err) < 0)
		return -1;
	if (keep >= 0) {
		s.effective |= BIT(keep);
		s.permitted |= BIT(keep);
	}
	if (set_sets(&s) < 0)
		return husk_error(err, EPERM, "apply capabilities");
	applied = s;
	return keep >= 0 ? 0 : raise_ambient(caps, err);
}

int caps_finish(const struct oci_capabilities *caps, int keep, struct husk_err **err)
{
	if (!caps)
		return 0;
	if (!caps_list_has(&caps->effective, keep))
		applied.effective &= ~BIT(keep);
	if (!caps_list_has(&caps->permitted, keep))
		applied.permitted &= ~BIT(keep);
	if (set_sets(&applied) < 0)
		return husk_error(err, EPERM, "apply capabilities");
	return raise_ambient(caps, err);
}

char **caps_known_names(void)
{
	char **v = calloc(N_NAMES + 1, sizeof(*v));

	if (!v)
		return NULL;
	for (int cap = 0; cap < N_NAMES; cap++) {
		if (asprintf(&v[cap], "CAP_%s", cap_names[cap]) < 0) {
			v[cap] = NULL;
			caps_names_free(v);
			return NULL;
		}
		for (char *p = v[cap]; *p; p++)
			*p = (char)toupper((unsigned char)*p);
	}
	return v;
}

void caps_names_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}
