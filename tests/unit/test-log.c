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

TEST(truncated_safely)
{
	char buf[11];

	log_time_utc(&(struct timespec){ 0, 0 }, buf, sizeof(buf));
	CHECK_STR(buf, "1970-01-01");
}
