/* state_parse: the reader of a container's state.json (src/state.c).
 * list, state and delete --force must survive whatever a crash, a full
 * disk or a hand edit left in the file: every damage is an error naming
 * the problem, never a crash or a made-up pid. */
#include <stdint.h>
#include <time.h>

#include "husk/state.h"
#include "unit.h"

static int parse(const char *text, struct container_state *st, char **msg)
{
	struct husk_err *err = NULL;
	int r = state_parse(text, strlen(text), st, &err);

	*msg = NULL;
	if (r < 0) {
		*msg = err && err->msg ? strdup(err->msg) : NULL;
		husk_err_free(&err);
	}
	return r;
}

static int contains(const char *s, const char *part)
{
	if (!s || !strstr(s, part)) {
		printf("# \"%s\" does not contain \"%s\"\n", s ? s : "(null)", part);
		return 0;
	}
	return 1;
}

TEST(a_full_state)
{
	struct container_state st;
	char *msg;

	CHECK(parse("{\"id\":\"c1\",\"bundle\":\"/b\",\"rootfs\":\"/b/r\",\"created\":\"t\","
		    "\"cgroup_path\":\"/husk/c1\",\"cgroup_owned\":true,\"cgroup_made\":\"/sys\\n\","
		    "\"created_done\":true,\"pid\":42,\"pid_start\":9000000000,\"creator\":41,"
		    "\"creator_start\":7,\"monitor\":40,\"monitor_start\":6,\"owner\":4294967294,"
		    "\"start_hooks\":true,\"poststop_hooks\":false,\"own_pidns\":true,"
		    "\"annotations\":{\"a\":\"1\",\"b\":7}}", &st, &msg) == 0);
	CHECK_STR(st.id, "c1");
	CHECK_STR(st.bundle, "/b");
	CHECK_STR(st.cgroup_made, "/sys\n");
	CHECK(st.cgroup_owned && st.created_done);
	CHECK(st.start_hooks && !st.poststop_hooks && st.own_pidns);
	CHECK(st.pid == 42 && st.pid_start == 9000000000ULL);
	CHECK(st.creator == 41 && st.creator_start == 7);
	CHECK(st.monitor == 40 && st.monitor_start == 6);
	CHECK(st.owner == 4294967294U);
	CHECK(st.annotations.n == 2);
	CHECK_STR(st.annotations.v[1].value, "");	/* not a string: empty */
	state_free(&st);
	free(msg);
}

TEST(absent_fields_read_as_zero)
{
	struct container_state st;
	char *msg;

	CHECK(parse("{\"id\":\"x\",\"pid\":null}", &st, &msg) == 0);
	CHECK(st.pid == 0 && !st.created_done && !st.bundle && !st.annotations.n);
	/* a state without the hook flags makes start and delete skip the
	 * snapshot; without own_pidns, delete signals the cgroup: the safe way */
	CHECK(!st.start_hooks && !st.poststop_hooks && !st.own_pidns);
	state_free(&st);
}

TEST(damage_is_an_error_that_says_what)
{
	static const struct { const char *text, *says; } cases[] = {
		{ "", "invalid JSON" },
		{ "{\"id\":\"x\"", "invalid JSON" },
		{ "{\"id\":\"x\"} {}", "invalid JSON" },
		{ "[]", "not a JSON object" },
		{ "{\"pid\":1}", "no \"id\"" },
		{ "{\"id\":7}", "no \"id\"" },
		{ "{\"id\":\"x\",\"pid\":\"1\"}", "\"pid\" is not an integer" },
		{ "{\"id\":\"x\",\"pid\":1.5}", "\"pid\" is not an integer" },
		{ "{\"id\":\"x\",\"pid_start\":-1}", "\"pid_start\" is not an integer" },
		{ "{\"id\":\"x\",\"owner\":4294967296}", "\"owner\" is not an integer" },
		{ "{\"id\":\"a\\u0000b\"}", "NUL" },
		{ "{\"id\":\"\xff\"}", "invalid JSON" },
		{ "/**/{\"id\":\"x\"}", "invalid JSON" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct container_state st;
		char *msg;

		CHECK(parse(cases[i].text, &st, &msg) < 0);
		CHECK(contains(msg, "corrupt state"));
		CHECK(contains(msg, cases[i].says));
		CHECK(!st.id && !st.bundle && !st.annotations.v);
		free(msg);
	}
}

/* A pid out of pid_t's range was truncated: 4294967297 became pid 1, the
 * host's init, which delete --force would then have signalled had its
 * start time matched. Negative pids are refused as well. */
TEST(pids_out_of_range_are_refused_not_truncated)
{
	const char *texts[] = {
		"{\"id\":\"x\",\"pid\":4294967297}", "{\"id\":\"x\",\"pid\":-1}",
		"{\"id\":\"x\",\"creator\":2147483648}", "{\"id\":\"x\",\"monitor\":-2147483648}",
	};

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct container_state st;
		char *msg;

		CHECK(parse(texts[i], &st, &msg) < 0);
		CHECK(contains(msg, "is not an integer from 0 to 2147483647"));
		free(msg);
	}
}

/* yajl_tree_free recurses once per level: a 4 MB state.json of nested
 * arrays made list, state and delete --force die of a stack overflow
 * (SIGSEGV). Nesting is now bounded before a tree is built. */
TEST(deep_nesting_is_refused_before_the_tree)
{
	size_t depth = 2000000, len = 2 * depth + 16;
	char *text = malloc(len), *p = text, *msg;
	struct container_state st;

	p += sprintf(p, "{\"id\":\"x\",\"a\":");
	memset(p, '[', depth);
	memset(p + depth, ']', depth);
	strcpy(p + 2 * depth, "}");
	CHECK(parse(text, &st, &msg) < 0);
	CHECK(contains(msg, "nested deeper than 512 levels"));
	free(msg);
	free(text);
}

/* by hand, not strftime: the same RFC 3339 UTC text, no time zone read */
TEST(state_now_is_rfc3339_utc_with_nanoseconds)
{
	char buf[64], want[32];
	struct timespec before, after;	/* the clock state_now reads: time() lags it */
	struct tm tm;
	int ok = 0;

	clock_gettime(CLOCK_REALTIME, &before);
	state_now(buf, sizeof(buf));
	clock_gettime(CLOCK_REALTIME, &after);
	CHECK(strlen(buf) == 30 && buf[19] == '.' && buf[29] == 'Z');
	for (time_t t = before.tv_sec; t <= after.tv_sec; t++) {
		gmtime_r(&t, &tm);
		strftime(want, sizeof(want), "%Y-%m-%dT%H:%M:%S", &tm);
		ok |= !strncmp(buf, want, 19);
	}
	CHECK(ok);
}
