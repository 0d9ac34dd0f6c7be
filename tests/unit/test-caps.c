/* Capabilities without libcap-ng: the names it took, and the sets applied
 * to a forked child of the test (only where the test runs with
 * CAP_SETPCAP, as make check does). */
#include <errno.h>
#include <linux/capability.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "husk/caps.h"
#include "unit.h"

TEST(names_any_case_with_or_without_prefix)
{
	CHECK(caps_from_name("CAP_CHOWN") == CAP_CHOWN);
	CHECK(caps_from_name("chown") == CAP_CHOWN);
	CHECK(caps_from_name("cap_Net_Admin") == CAP_NET_ADMIN);
	CHECK(caps_from_name("SYS_ADMIN") == CAP_SYS_ADMIN);
	CHECK(caps_from_name("CAP_CHECKPOINT_RESTORE") == 40);
	CHECK(caps_from_name("CAP_BOGUS") == -1);
	CHECK(caps_from_name("CAP_CAP_CHOWN") == -1);
	CHECK(caps_from_name("0") == -1);
	CHECK(caps_from_name("") == -1);
	CHECK(caps_from_name("CAP_") == -1);
	CHECK(caps_from_name(" chown") == -1);
}

TEST(known_names_in_number_order)
{
	char **v = caps_known_names();
	int n = 0;

	CHECK(v != NULL);
	if (!v)
		return;
	for (; v[n]; n++)
		CHECK(caps_from_name(v[n]) == n);
	CHECK(n == 41);
	CHECK_STR(v[0], "CAP_CHOWN");
	CHECK_STR(v[21], "CAP_SYS_ADMIN");
	CHECK_STR(v[40], "CAP_CHECKPOINT_RESTORE");
	caps_names_free(v);
}

TEST(list_has)
{
	char *names[] = { "CAP_KILL", "net_raw", NULL };
	struct oci_strv l = { names, 2 };

	CHECK(caps_list_has(&l, CAP_KILL));
	CHECK(caps_list_has(&l, CAP_NET_RAW));
	CHECK(!caps_list_has(&l, CAP_CHOWN));
}

static uint64_t bit(int cap)
{
	return 1ULL << cap;
}

static int get_caps(uint64_t *eff, uint64_t *prm, uint64_t *inh)
{
	struct __user_cap_header_struct hd = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = { { 0 } };

	if (syscall(SYS_capget, &hd, d) < 0)
		return -1;
	*eff = (uint64_t)d[1].effective << 32 | d[0].effective;
	*prm = (uint64_t)d[1].permitted << 32 | d[0].permitted;
	*inh = (uint64_t)d[1].inheritable << 32 | d[0].inheritable;
	return 0;
}

static uint64_t bounding_now(void)
{
	uint64_t set = 0;

	for (int cap = 0; cap < 64 && prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++)
		if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 1)
			set |= bit(cap);
	return set;
}

static bool can_set_bounding(void)
{
	uint64_t eff, prm, inh;

	return get_caps(&eff, &prm, &inh) == 0 && (eff & bit(CAP_SETPCAP)) &&
	       (prm & bit(CAP_KILL)) && (prm & bit(CAP_CHOWN)) && (prm & bit(CAP_SYS_ADMIN));
}

/* Run fn in a child; its exit code is the number of failed checks. */
static int in_child(int (*fn)(void))
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(fn());
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static int sets_exactly(void)
{
	char *bnd[] = { "CAP_KILL", "CAP_CHOWN", NULL }, *eff[] = { "CAP_KILL", NULL },
	     *prm[] = { "CAP_KILL", "CAP_CHOWN", NULL }, *inh[] = { "CAP_CHOWN", NULL };
	struct oci_capabilities c = { .bounding = { bnd, 2 }, .effective = { eff, 1 },
				      .permitted = { prm, 2 }, .inheritable = { inh, 1 } };
	struct husk_err *err = NULL;
	uint64_t e, p, i;
	int bad = 0;

	bad += caps_apply_bounding(&c, &err) != 0;
	bad += bounding_now() != (bit(CAP_KILL) | bit(CAP_CHOWN));
	/* a second time drops nothing more and still succeeds */
	bad += caps_apply_bounding(&c, &err) != 0;
	bad += caps_apply(&c, -1, &err) != 0;
	bad += get_caps(&e, &p, &i) != 0;
	bad += e != bit(CAP_KILL) || p != (bit(CAP_KILL) | bit(CAP_CHOWN)) || i != bit(CAP_CHOWN);
	return bad;
}

TEST(sets_applied_exactly)
{
	if (!can_set_bounding())
		return;
	CHECK(in_child(sets_exactly) == 0);
}

static int kept_then_finished(void)
{
	char *eff[] = { "CAP_KILL", NULL };
	struct oci_capabilities c = { .effective = { eff, 1 }, .permitted = { eff, 1 } };
	struct husk_err *err = NULL;
	uint64_t e, p, i;
	int bad = 0;

	bad += caps_apply(&c, CAP_SYS_ADMIN, &err) != 0;
	bad += get_caps(&e, &p, &i) != 0;
	bad += e != (bit(CAP_KILL) | bit(CAP_SYS_ADMIN)) || p != e;
	bad += caps_finish(&c, CAP_SYS_ADMIN, &err) != 0;
	bad += get_caps(&e, &p, &i) != 0;
	bad += e != bit(CAP_KILL) || p != bit(CAP_KILL);
	return bad;
}

TEST(kept_capability_dropped_by_finish)
{
	if (!can_set_bounding())
		return;
	CHECK(in_child(kept_then_finished) == 0);
}

static int bounding_without_setpcap(void)
{
	char *bnd[] = { "CAP_KILL", NULL };
	struct oci_capabilities c = { .bounding = { bnd, 1 } };
	struct husk_err *err = NULL;
	char *keep[] = { "CAP_KILL", "CAP_CHOWN", NULL };
	struct oci_capabilities no_setpcap = { .effective = { keep, 2 }, .permitted = { keep, 2 } };
	uint64_t before;

	if (caps_apply(&no_setpcap, -1, &err) != 0)
		return 1;
	before = bounding_now();
	if (caps_apply_bounding(&c, &err) != -1 || !err || !strstr(err->msg, "bounding set"))
		return 1;
	return bounding_now() != before;
}

TEST(bounding_needs_setpcap_and_changes_nothing_without)
{
	if (!can_set_bounding())
		return;
	CHECK(in_child(bounding_without_setpcap) == 0);
}

static int unknown_name(void)
{
	char *eff[] = { "CAP_KILL", "CAP_BOGUS", NULL };
	struct oci_capabilities c = { .effective = { eff, 2 } };
	struct husk_err *err = NULL;

	if (caps_apply(&c, -1, &err) != -1 || !err)
		return 1;
	return !strstr(err->msg, "process.capabilities.effective[1]") || !strstr(err->msg, "CAP_BOGUS");
}

TEST(unknown_name_names_the_field)
{
	CHECK(in_child(unknown_name) == 0);
}
