#!/usr/bin/env bats
# The last suite of make check-asan (tests/asan/run): no husk process wrote
# an ASan, LSan or UBSan report during the bats suites before it.

@test "no sanitizer report from any husk process" {
	[ -n "${HUSK_ASAN_LOGS:-}" ] || skip "only under make check-asan"
	local f n=0
	for f in "$HUSK_ASAN_LOGS"/*; do
		[ -e "$f" ] || continue
		n=$((n + 1))
		echo "=== $f" >&2
		head -n 60 "$f" >&2
	done
	[ "$n" -eq 0 ]
}
