/* Durations and sizes as runc's flags take them. */
#ifndef HUSK_UNITS_H
#define HUSK_UNITS_H

/* A duration the way Go writes one ("5s", "100ms", "1m30s", "1.5s"), in
 * milliseconds rounded up; -1 when malformed. */
long units_parse_duration(const char *s);
/* A size the way docker's RAMInBytes reads one ("128m", "1g", "512k",
 * "1.5G", "100", "64MiB"): binary multiples; -1 when malformed. */
long long units_parse_size(const char *s);

#endif
