#!/usr/bin/env bats
# Smoke tests of the bench harness (bench/): the floor program, fanout, the
# bench bundles and the report generator. No timings are judged here: make
# bench measures, these only check that its parts work.

load helpers

BENCH_BIN=$HUSK_SRC/build/bench/bin

bench_tool() {	# bench_tool NAME: skip unless built (make bench-tools)
	[ -x "$BENCH_BIN/$1" ] || skip "no $BENCH_BIN/$1 (make bench-tools)"
}

@test "bench floor: runs a command in new namespaces on the rootfs" {
	bench_tool floor
	local rootfs
	rootfs=$(test_rootfs)
	run "$BENCH_BIN/floor" "$rootfs" sh -c 'echo $$ $(hostname); cat /etc/marker; grep -c "^[0-9]* [0-9]* [0-9:]* / /proc .* - proc " /proc/self/mountinfo'
	assert_success
	assert_output "1 floor
husk-test-rootfs
1"
	run "$BENCH_BIN/floor" "$rootfs" sh -c 'exit 7'
	assert_failure 7
	run "$BENCH_BIN/floor" --version
	assert_success
}

@test "bench floor -e: joins a running container" {
	bench_tool floor
	make_bundle
	set_args sleep 100
	local id
	id=$(new_id)
	run_detached "$id"
	run "$BENCH_BIN/floor" -e "$(container_pid "$id")" sh -c 'cat /etc/marker; hostname'
	assert_success
	assert_output "husk-test-rootfs
$(jq -r .hostname "$BUNDLE/config.json")"
}

@test "bench fanout: COUNT jobs, {} substituted, ';' sequences, failure reported" {
	bench_tool fanout
	local f=$BATS_TEST_TMPDIR/out
	run "$BENCH_BIN/fanout" -n 4 -j 2 sh -c "echo a{} >>$f" \; sh -c "echo b{} >>$f"
	assert_success
	run sort "$f"
	assert_output "a0
a1
a2
a3
b0
b1
b2
b3"
	run "$BENCH_BIN/fanout" -n 3 sh -c '[ {} != 1 ]'
	assert_failure 1
}

@test "bench bundles: husk runs the full and the seccomp bundle" {
	make_bundle
	"$HUSK_SRC/bench/mkbundles" "$BATS_TEST_TMPDIR/bundles" "$ROOTFS"
	local b
	for b in full seccomp; do
		run husk run -b "$BATS_TEST_TMPDIR/bundles/$b" "$(new_id)" </dev/null
		assert_success
	done
	# the profile is installed
	cfg '.linux.seccomp = $s' --argjson s "$(jq .linux.seccomp "$BATS_TEST_TMPDIR/bundles/seccomp/config.json")"
	run run_in_container grep Seccomp: /proc/self/status
	assert_success
	assert_output_contains 2
}

@test "bench report: min, median and ratios from pooled hyperfine samples" {
	local d=$BATS_TEST_TMPDIR/bench
	mkdir -p "$d/raw"
	hf() {	# hf FILE NAME TIMES-JSON
		jq -n --arg n "$2" --argjson t "$3" '{results: [{command: $n, times: $t}]}' >"$d/raw/$1"
	}
	hf run.1.floor.json floor '[0.002, 0.001]'
	hf run.2.floor.json floor '[0.003]'
	hf run.1.husk.json husk '[0.004, 0.005]'
	hf run.2.husk.json husk '[0.003, 0.006]'
	hf run.1.crun.json crun '[0.010]'
	printf 'run\t`run true`\n' >"$d/scenarios.tsv"
	run "$HUSK_SRC/bench/report" "$d"
	assert_success
	# floor: min 1, median 2; husk: min 3, median 4.5; crun 10
	assert_line "| run | floor | 3 | 1.00 | 2.00 | 1.00 (1.00) | 0.20 (0.10) |"
	assert_line "| run | husk | 4 | 3.00 | 4.50 | 2.25 (3.00) | 0.45 (0.30) |"
	assert_line "| run | crun | 1 | 10.00 | 10.00 | 5.00 (10.00) | 1.00 (1.00) |"
	assert_output_contains "| run true <= 2x floor (median) | 2.25x floor"
	# scenarios that were not run get no verdict, neither yes nor no
	assert_output_contains "| exec true >= 2x faster than crun's | –x (min: –x) | – |"
}
