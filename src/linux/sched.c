#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "husk/sched.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* struct sched_attr of sched_setattr(2) (SCHED_ATTR_SIZE_VER1); older C
 * libraries do not declare it. */
struct husk_sched_attr {
	uint32_t size, sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime, sched_deadline, sched_period;
	uint32_t sched_util_min, sched_util_max;
};

static const struct { const char *name; int policy; } policies[] = {
	{ "SCHED_OTHER", 0 }, { "SCHED_FIFO", 1 }, { "SCHED_RR", 2 }, { "SCHED_BATCH", 3 },
	{ "SCHED_ISO", 4 }, { "SCHED_IDLE", 5 }, { "SCHED_DEADLINE", 6 },
};

static const struct { const char *name; uint64_t flag; } sched_flags[] = {
	{ "SCHED_FLAG_RESET_ON_FORK", 0x01 }, { "SCHED_FLAG_RECLAIM", 0x02 },
	{ "SCHED_FLAG_DL_OVERRUN", 0x04 }, { "SCHED_FLAG_KEEP_POLICY", 0x08 },
	{ "SCHED_FLAG_KEEP_PARAMS", 0x10 }, { "SCHED_FLAG_UTIL_CLAMP_MIN", 0x20 },
	{ "SCHED_FLAG_UTIL_CLAMP_MAX", 0x40 },
};

static const struct { const char *name; int class; } io_classes[] = {
	{ "IOPRIO_CLASS_RT", 1 }, { "IOPRIO_CLASS_BE", 2 }, { "IOPRIO_CLASS_IDLE", 3 },
};

static int policy_of(const char *name)
{
	for (size_t i = 0; name && i < N(policies); i++)
		if (!strcmp(policies[i].name, name))
			return policies[i].policy;
	return -1;
}

/* "0-3,7" into set; -1 when malformed. */
static int parse_cpus(const char *s, cpu_set_t *set)
{
	CPU_ZERO(set);
	if (!s || !*s)
		return -1;
	while (*s) {
		char *end;
		unsigned long lo = strtoul(s, &end, 10), hi = lo;

		if (end == s)
			return -1;
		if (*end == '-') {
			s = end + 1;
			hi = strtoul(s, &end, 10);
			if (end == s || hi < lo)
				return -1;
		}
		if (hi >= CPU_SETSIZE)
			return -1;
		for (unsigned long c = lo; c <= hi; c++)
			CPU_SET(c, set);
		if (*end == ',')
			end++;
		else if (*end)
			return -1;
		s = end;
	}
	return 0;
}

static int check_scheduler(const struct oci_scheduler *s, struct husk_err **err)
{
	int policy = policy_of(s->policy);

	if (policy < 0)
		return husk_error(err, 0, "config.json: .process.scheduler.policy: unknown policy \"%s\"",
				  s->policy ? s->policy : "");
	if (s->nice.set && (s->nice.v < -20 || s->nice.v > 19))
		return husk_error(err, 0, "config.json: .process.scheduler.nice: %d is out of range -20..19",
				  s->nice.v);
	if (s->priority.set && s->priority.v != 0 && policy != 1 && policy != 2)
		return husk_error(err, 0, "config.json: .process.scheduler.priority: only SCHED_FIFO and "
				  "SCHED_RR take a priority");
	if (policy != 6 && ((s->runtime.set && s->runtime.v) || (s->deadline.set && s->deadline.v) ||
			    (s->period.set && s->period.v)))
		return husk_error(err, 0, "config.json: .process.scheduler: runtime, deadline and period "
				  "are for SCHED_DEADLINE only");
	for (size_t i = 0; i < s->flags.n; i++) {
		size_t f = 0;

		while (f < N(sched_flags) && strcmp(sched_flags[f].name, s->flags.v[i]))
			f++;
		if (f == N(sched_flags))
			return husk_error(err, 0, "config.json: .process.scheduler.flags[%zu]: unknown flag \"%s\"",
					  i, s->flags.v[i]);
	}
	return 0;
}

int sched_check(const struct oci_config *cfg, struct husk_err **err)
{
	const struct oci_process *p = cfg->process;
	const struct oci_personality *pers = cfg->linux_cfg ? cfg->linux_cfg->personality : NULL;
	cpu_set_t set;

	if (p && p->scheduler && check_scheduler(p->scheduler, err) < 0)
		return -1;
	if (p && p->io_priority) {
		size_t c = 0;

		while (c < N(io_classes) && strcmp(io_classes[c].name, p->io_priority->class))
			c++;
		if (c == N(io_classes))
			return husk_error(err, 0, "config.json: .process.ioPriority.class: unknown class \"%s\"",
					  p->io_priority->class);
		if (p->io_priority->priority < 0 || p->io_priority->priority > 7)
			return husk_error(err, 0, "config.json: .process.ioPriority.priority: %d is out of range 0..7",
					  p->io_priority->priority);
	}
	if (p && p->exec_cpu_affinity) {
		const struct oci_cpu_affinity *a = p->exec_cpu_affinity;

		if (a->initial && *a->initial && parse_cpus(a->initial, &set) < 0)
			return husk_error(err, 0, "config.json: .process.execCPUAffinity.initial: \"%s\" is not "
					  "a CPU list like \"0-3,7\"", a->initial);
		if (a->final && *a->final && parse_cpus(a->final, &set) < 0)
			return husk_error(err, 0, "config.json: .process.execCPUAffinity.final: \"%s\" is not "
					  "a CPU list like \"0-3,7\"", a->final);
	}
	if (pers) {
		if (!pers->domain || (strcmp(pers->domain, "LINUX") && strcmp(pers->domain, "LINUX32")))
			return husk_error(err, 0, "config.json: .linux.personality.domain: unknown domain \"%s\" "
					  "(expected LINUX or LINUX32)", pers->domain ? pers->domain : "");
		/* the runtime-spec defines no flag values yet */
		if (pers->flags.n)
			return husk_error(err, 0, "config.json: .linux.personality.flags[0]: unknown flag \"%s\"",
					  pers->flags.v[0]);
	}
	return 0;
}

int sched_apply(const struct oci_scheduler *s, struct husk_err **err)
{
	struct husk_sched_attr attr = { .size = sizeof(attr) };

	if (!s)
		return 0;
	attr.sched_policy = (uint32_t)policy_of(s->policy);
	attr.sched_nice = s->nice.set ? s->nice.v : 0;
	attr.sched_priority = s->priority.set ? (uint32_t)s->priority.v : 0;
	attr.sched_runtime = s->runtime.set ? s->runtime.v : 0;
	attr.sched_deadline = s->deadline.set ? s->deadline.v : 0;
	attr.sched_period = s->period.set ? s->period.v : 0;
	for (size_t i = 0; i < s->flags.n; i++)
		for (size_t f = 0; f < N(sched_flags); f++)
			if (!strcmp(sched_flags[f].name, s->flags.v[i]))
				attr.sched_flags |= sched_flags[f].flag;
	if (syscall(SYS_sched_setattr, 0, &attr, 0) < 0)
		return husk_syserr(err, "process.scheduler: set policy %s", s->policy);
	return 0;
}

int sched_apply_ioprio(const struct oci_io_priority *io, struct husk_err **err)
{
	int class = 0;

	if (!io)
		return 0;
	for (size_t c = 0; c < N(io_classes); c++)
		if (!strcmp(io_classes[c].name, io->class))
			class = io_classes[c].class;
	/* IOPRIO_PRIO_VALUE(class, data): the class above 13 bits of data */
	if (syscall(SYS_ioprio_set, 1 /* IOPRIO_WHO_PROCESS */, 0, class << 13 | io->priority) < 0)
		return husk_syserr(err, "process.ioPriority: set %s priority %d", io->class, io->priority);
	return 0;
}

int sched_apply_personality(const struct oci_personality *p, struct husk_err **err)
{
	unsigned long persona;

	if (!p)
		return 0;
	persona = !strcmp(p->domain, "LINUX32") ? PER_LINUX32 : PER_LINUX;
	if (personality(persona) < 0)
		return husk_syserr(err, "linux.personality: set domain %s", p->domain);
	return 0;
}

int sched_apply_affinity(pid_t pid, const char *cpus, const char *field, struct husk_err **err)
{
	cpu_set_t set;

	if (!cpus || !*cpus)
		return 0;
	if (parse_cpus(cpus, &set) < 0)
		return husk_error(err, 0, "%s: \"%s\" is not a CPU list", field, cpus);
	if (sched_setaffinity(pid, sizeof(set), &set) < 0)
		return husk_syserr(err, "%s: pin to CPUs \"%s\"", field, cpus);
	return 0;
}
