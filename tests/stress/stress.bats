#!/usr/bin/env bats
# Stress: many containers at once, and commands racing on one id. Sizes are
# bounded for make check (HUSK_STRESS_N containers, default 50;
# HUSK_STRESS_ROUNDS races, default 10). No test asserts a duration: the
# per-command timeout of helpers.bash only guards against deadlocks.
# After each test: no state dir, cgroup (any hierarchy), mount, process or
# open fd of any of its containers is left.

load ../bats/helpers

N=${HUSK_STRESS_N:-50}
ROUNDS=${HUSK_STRESS_ROUNDS:-10}

# One bundle for all: a read-only rootfs the containers share.
shared_bundle() {
	make_bundle
	cfg '.root.readonly = true'
	set_args sh -c 'exec sleep 1000'
}

# fds_into DIR: open fds of any process that point under DIR.
fds_into() {
	local dir=$1
	find /proc/[0-9]*/fd -maxdepth 1 -type l -printf '%p -> %l\n' 2>/dev/null |
		awk -v d="$dir/" 'index($3, d) == 1' || :
}

# assert_all_gone ID...: the leak checks of helpers.bash, plus no fd into
# the state root or the bundle, and list empty.
assert_all_gone() {
	local left
	assert_no_leftovers "$@"
	left=$(fds_into "$HUSK_ROOT"; fds_into "$BUNDLE")
	[ -z "$left" ] || fail "fds left open:" "$left"
	run husk list -q
	assert_success
	assert_output ""
}

# lifecycle ID: create, start, exec, kill, wait for stopped, delete; the
# first failing step's message goes to ID.fail.
lifecycle() {
	local id=$1 out=$BATS_TEST_TMPDIR/$1 i s
	step() {
		"$@" </dev/null >"$out.out" 2>"$out.err" 3>&- && return 0
		echo "$* (status $?): $(cat "$out.err")" >"$out.fail"
		return 1
	}
	step husk create -b "$BUNDLE" "$id" || return
	step husk start "$id" || return
	step husk exec "$id" sh -c 'echo exec-in-$(hostname)' || return
	[ "$(cat "$out.out")" = "exec-in-$(jq -r .hostname "$BUNDLE/config.json")" ] ||
		{ echo "exec printed '$(cat "$out.out")'" >"$out.fail"; return 1; }
	step husk kill "$id" KILL || return
	for i in $(seq 200); do	# a deadlock guard, not a timing assertion
		s=$(husk state "$id" 2>/dev/null | jq -r .status)
		[ "$s" = stopped ] && break
		sleep 0.05
	done
	[ "$s" = stopped ] || { echo "never stopped: $s" >"$out.fail"; return 1; }
	step husk delete "$id"
}

@test "stress: $N containers created, started, exec'd into, killed and deleted at once" {
	shared_bundle
	local ids=() pids=() id f failures=()
	for i in $(seq "$N"); do
		ids+=("$(new_id s$i)")
	done
	for id in "${ids[@]}"; do
		lifecycle "$id" &
		pids+=($!)
	done
	for i in "${!pids[@]}"; do
		wait "${pids[$i]}" || failures+=("${ids[$i]}: $(cat "$BATS_TEST_TMPDIR/${ids[$i]}.fail" 2>/dev/null)")
	done
	[ ${#failures[@]} -eq 0 ] || fail "${#failures[@]} of $N failed:" "${failures[@]}"
	assert_all_gone "${ids[@]}"
}

@test "stress: the same id created twice at once: exactly one wins, the other says it exists" {
	shared_bundle
	local r id a b ra rb
	for r in $(seq "$ROUNDS"); do
		id=$(new_id same)
		husk create -b "$BUNDLE" "$id" </dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/a.err" 3>&- &
		a=$!
		husk create -b "$BUNDLE" "$id" </dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/b.err" 3>&- &
		b=$!
		ra=0 rb=0
		wait "$a" || ra=$?
		wait "$b" || rb=$?
		if [ "$ra" -eq 0 ] && [ "$rb" -ne 0 ]; then
			loser=$BATS_TEST_TMPDIR/b.err
		elif [ "$rb" -eq 0 ] && [ "$ra" -ne 0 ]; then
			loser=$BATS_TEST_TMPDIR/a.err
		else
			fail "round $r: statuses $ra and $rb, expected one 0" "$(cat "$BATS_TEST_TMPDIR/a.err" "$BATS_TEST_TMPDIR/b.err")"
		fi
		grep -q "container \"$id\" already exists" "$loser" ||
			fail "round $r: the loser said: $(cat "$loser")"
		# the winner's container is whole; the loser left nothing of its own
		assert_equal "$(state_field "$id" .status)" created
		assert_equal "$(ls -A "$HUSK_ROOT")" "$id"
		assert_equal "$(procs_in_rootfs "$ROOTFS" | wc -l)" 1
		run husk delete "$id"
		assert_success
		assert_all_gone "$id"
	done
}

# race_start_delete FORCE: start and delete [--force] of one created
# container at once, ROUNDS times. Whatever the order, each command either
# succeeds or fails with a clear error, and nothing is left after a final
# delete --force.
race_start_delete() {
	local force=$1 r id s d rs rd
	for r in $(seq "$ROUNDS"); do
		id=$(new_id race)
		create_container "$id"
		husk start "$id" </dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/s.err" 3>&- &
		s=$!
		husk delete $force "$id" </dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/d.err" 3>&- &
		d=$!
		rs=0 rd=0
		wait "$s" || rs=$?
		wait "$d" || rd=$?
		if [ "$rs" -ne 0 ]; then
			grep -q -e "container \"$id\" does not exist" -e "cannot start container \"$id\"" \
				"$BATS_TEST_TMPDIR/s.err" || fail "round $r: start said: $(cat "$BATS_TEST_TMPDIR/s.err")"
		fi
		if [ "$rd" -ne 0 ]; then
			[ -z "$force" ] || fail "round $r: delete --force failed: $(cat "$BATS_TEST_TMPDIR/d.err")"
			grep -q "cannot delete container \"$id\": it is running" "$BATS_TEST_TMPDIR/d.err" ||
				fail "round $r: delete said: $(cat "$BATS_TEST_TMPDIR/d.err")"
			[ "$rs" -eq 0 ] || fail "round $r: both failed"
		fi
		[ -n "$force" ] || [ "$rs" -ne 0 ] || [ "$rd" -ne 0 ] ||
			fail "round $r: start and a plain delete both succeeded"
		if [ -e "$HUSK_ROOT/$id" ]; then
			run husk delete --force "$id"
			assert_success
		fi
		assert_all_gone "$id"
	done
}

@test "stress: delete racing start" {
	shared_bundle
	race_start_delete ""
}

@test "stress: delete --force racing start" {
	shared_bundle
	race_start_delete --force
}
