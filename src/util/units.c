/* Durations and sizes written the way runc's users write them. */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "husk/units.h"

long units_parse_duration(const char *s)
{
	static const struct { const char *unit; double ms; } units[] = {
		{ "ns", 1e-6 }, { "us", 1e-3 }, { "\xc2\xb5s", 1e-3 }, { "ms", 1 },
		{ "s", 1000 }, { "m", 60000 }, { "h", 3600000 },
	};
	double total = 0;

	if (!s || !*s)
		return -1;
	if (!strcmp(s, "0"))
		return 0;
	while (*s) {
		char *end;
		double v;
		size_t best = 0, best_len = 0;

		if (!isdigit((unsigned char)*s) && *s != '.')
			return -1;
		v = strtod(s, &end);
		if (end == s)
			return -1;
		s = end;
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
			size_t len = strlen(units[i].unit);

			if (!strncmp(s, units[i].unit, len) && len > best_len) {
				best = i;
				best_len = len;
			}
		}
		if (!best_len)
			return -1;
		total += v * units[best].ms;
		s += best_len;
	}
	if (total > 1e12)
		return -1;
	return (long)ceil(total);
}

long long units_parse_size(const char *s)
{
	char *end;
	double v;
	long long mult = 1;

	if (!s || !isdigit((unsigned char)*s))
		return -1;
	v = strtod(s, &end);
	if (end == s)
		return -1;
	if (*end == ' ')
		end++;
	switch (tolower((unsigned char)*end)) {
	case 'k': mult = 1LL << 10; end++; break;
	case 'm': mult = 1LL << 20; end++; break;
	case 'g': mult = 1LL << 30; end++; break;
	case 't': mult = 1LL << 40; end++; break;
	case 'p': mult = 1LL << 50; end++; break;
	default: break;
	}
	if (mult > 1 && tolower((unsigned char)*end) == 'i')
		end++;
	if (tolower((unsigned char)*end) == 'b')
		end++;
	if (*end || v * mult > 9.2e18)
		return -1;
	return (long long)(v * mult);
}
