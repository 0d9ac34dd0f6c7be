/* log_time_utc: the timestamps of --log lines and of state.json. */
#include "husk/log.h"
#include "unit.h"

TEST(rfc3339_utc_with_nanoseconds)
{
	char buf[64];

	log_time_utc(&(struct timespec){ 0, 5 }, buf, sizeof(buf));
	CHECK_STR(buf, "1970-01-01T00:00:00.000000005Z");
	log_time_utc(&(struct timespec){ 1700000000, 123456789 }, buf, sizeof(buf));
	CHECK_STR(buf, "2023-11-14T22:13:20.123456789Z");
	log_time_utc(&(struct timespec){ 4102444799, 999999999 }, buf, sizeof(buf));
	CHECK_STR(buf, "2099-12-31T23:59:59.999999999Z");
}

TEST(utc_whatever_the_zone)
{
	char buf[64];

	setenv("TZ", "Pacific/Kiritimati", 1);
	log_time_utc(&(struct timespec){ 86400, 0 }, buf, sizeof(buf));
	CHECK_STR(buf, "1970-01-02T00:00:00.000000000Z");
}

TEST(before_1970_and_leap_days)
{
	char buf[64];

	log_time_utc(&(struct timespec){ -1, 0 }, buf, sizeof(buf));
	CHECK_STR(buf, "1969-12-31T23:59:59.000000000Z");
	log_time_utc(&(struct timespec){ 951782400, 0 }, buf, sizeof(buf));
	CHECK_STR(buf, "2000-02-29T00:00:00.000000000Z");
	log_time_utc(&(struct timespec){ 4107542400, 0 }, buf, sizeof(buf));
	CHECK_STR(buf, "2100-03-01T00:00:00.000000000Z");
}

/* gmtime_r as the oracle, over four centuries in uneven steps */
TEST(agrees_with_gmtime)
{
	char buf[64], want[64];
	struct tm tm;

	setenv("TZ", "UTC", 1);
	for (long long t = -2208988800LL; t < 10413792000LL; t += 86400LL * 97 + 3607) {
		time_t tt = (time_t)t;

		gmtime_r(&tt, &tm);
		snprintf(want, sizeof(want), "%04d-%02d-%02dT%02d:%02d:%02d.000000042Z", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
		log_time_utc(&(struct timespec){ tt, 42 }, buf, sizeof(buf));
		if (strcmp(buf, want)) {
			CHECK_STR(buf, want);
			break;
		}
	}
}

TEST(truncated_safely)
{
	char buf[11];

	log_time_utc(&(struct timespec){ 0, 0 }, buf, sizeof(buf));
	CHECK_STR(buf, "1970-01-01");
}
