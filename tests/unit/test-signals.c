/* signal_from_name: kill's SIGNAL argument. Includes what fuzz-args found. */
#include <signal.h>

#include "husk/signals.h"
#include "unit.h"

TEST(names_numbers_and_prefixes)
{
	CHECK(signal_from_name("KILL") == SIGKILL);
	CHECK(signal_from_name("SIGKILL") == SIGKILL);
	CHECK(signal_from_name("sigterm") == SIGTERM);
	CHECK(signal_from_name("9") == 9);
	CHECK(signal_from_name("64") == 64);
	CHECK(signal_from_name("0") == -1);
	CHECK(signal_from_name("65") == -1);
	CHECK(signal_from_name("-1") == -1);
	CHECK(signal_from_name("") == -1);
	CHECK(signal_from_name("SIG") == -1);
	CHECK(signal_from_name("NOPE") == -1);
	CHECK(signal_from_name("99999999999999999999") == -1);
}

TEST(realtime_signals)
{
	CHECK(signal_from_name("RTMIN") == SIGRTMIN);
	CHECK(signal_from_name("SIGRTMIN+3") == SIGRTMIN + 3);
	CHECK(signal_from_name("rtmax") == SIGRTMAX);
	CHECK(signal_from_name("RTMAX-2") == SIGRTMAX - 2);
	CHECK(signal_from_name("RTMIN+" "30") == SIGRTMAX);
	CHECK(signal_from_name("RTMIN+31") == -1);
	CHECK(signal_from_name("RTMAX-31") == -1);
	/* only the sign that stays in range, and digits after it */
	CHECK(signal_from_name("RTMIN-1") == -1);
	CHECK(signal_from_name("RTMAX+1") == -1);
	CHECK(signal_from_name("RTMIN1") == -1);
	CHECK(signal_from_name("RTMIN+") == -1);
	CHECK(signal_from_name("RTMIN+-1") == -1);
	CHECK(signal_from_name("RTMIN+ 1") == -1);
}

/* fuzz-args (tests/fuzz/corpus/args/crash-signal-overflow): strtol
 * saturates at LONG_MAX, and SIGRTMIN + LONG_MAX overflowed a long. */
TEST(huge_realtime_offsets_do_not_overflow)
{
	CHECK(signal_from_name("rtmin1111111111111111111111111") == -1);
	CHECK(signal_from_name("RTMIN+9223372036854775807") == -1);
	CHECK(signal_from_name("RTMIN+99999999999999999999999") == -1);
	CHECK(signal_from_name("RTMAX-9223372036854775807") == -1);
}
