#!/usr/bin/env bats
# Crash recovery: husk killed with SIGKILL at each step of create (the
# test-only HUSK_CRASH_AT=STEP, src/util/crashpoint.c), as a kill -9 or an
# OOM kill would. Then list and state must work and tell the truth (the
# create failed: "stopped", and start refuses it), and delete --force must
# remove every trace: state dir, init process, cgroups, mounts. Also what
# a damaged state.json does to list, state and delete.

load helpers

LONG=(sh -c 'touch /started; exec sleep 1000')

# crash_create STEP ID: husk create, killed at STEP (status 137). Its
# stdio goes to files: an init left behind must not hold a pipe of bats.
crash_create() {
	local step=$1 id=$2 rc=0
	HUSK_CRASH_AT="$step" husk create -b "$BUNDLE" "$id" </dev/null \
		>"$BATS_TEST_TMPDIR/crash.out" 2>"$BATS_TEST_TMPDIR/crash.err" 3>&- || rc=$?
	[ "$rc" -eq 137 ] || fail "create with HUSK_CRASH_AT=$step: status $rc, expected 137 (SIGKILL)" \
		"$(cat "$BATS_TEST_TMPDIR/crash.err")"
}

# after_crash ID: what any crash leaves must read as a failed create.
after_crash() {
	local id=$1 state
	[ -d "$HUSK_ROOT/$id" ] || fail "no state dir after the crash"

	run husk list
	assert_success
	assert_output_contains "$id"
	[ "$(awk -v id="$id" '$1 == id { print $3 }' <<<"$output")" = stopped ] ||
		fail "list: $id is not stopped" "$output"
	run husk list -f json
	assert_success
	assert_equal "$(jq -r --arg id "$id" '.[] | select(.id == $id) | .status' <<<"$output")" stopped

	run husk state "$id"
	assert_success
	state=$output
	assert_equal "$(jq -r .status <<<"$state")" stopped
	assert_equal "$(jq -r ".pid // 0" <<<"$state")" 0	# (omitted when stopped)
	assert_equal "$(jq -r .id <<<"$state")" "$id"

	# a half-made container can never be started or killed
	run husk start "$id"
	assert_failure
	assert_output_contains "cannot start container \"$id\": it is stopped, not created"
	[ ! -e "$ROOTFS/started" ]
	run husk kill "$id" KILL
	assert_failure
	assert_output_contains "not running"
}

# delete_removes_all ID: delete --force leaves nothing.
delete_removes_all() {
	run husk delete --force "$1"
	assert_success
	assert_no_leftovers "$1"
	run husk state "$1"
	assert_failure
	assert_output_contains "container \"$1\" does not exist"
	run husk list -q
	assert_success
	assert_output ""
}

@test "crash at state-created: the state dir alone; delete --force removes it" {
	make_bundle
	set_args "${LONG[@]}"
	id=$(new_id)
	crash_create state-created "$id"
	after_crash "$id"
	[ -z "$(cgroups_of "$id")" ]
	delete_removes_all "$id"
}

@test "crash at after-clone: the init is gone; delete --force removes the rest" {
	make_bundle
	set_args "${LONG[@]}"
	id=$(new_id)
	crash_create after-clone "$id"
	after_crash "$id"
	delete_removes_all "$id"
}

@test "crash at before-cgroup: the init started its mounts; delete --force removes the rest" {
	make_bundle
	set_args "${LONG[@]}"
	id=$(new_id)
	crash_create before-cgroup "$id"
	after_crash "$id"
	delete_removes_all "$id"
}

# The init makes its first mounts while husk makes the cgroups. When the
# init fails first (husk stalled before or after its cgroup work), the
# init's error is the one reported, not the failed send of G.
@test "the init fails while husk makes the cgroups: its error is reported, nothing is left" {
	make_bundle
	cfg '.mounts = [{destination: "/mnt", type: "nosuchfs", source: "x"}] + .mounts'
	for step in before-cgroup after-cgroup; do
		id=$(new_id)
		HUSK_STALL_AT=$step run husk create -b "$BUNDLE" "$id"
		assert_failure
		assert_output_contains "mounts[0]: mount on \"/mnt\": mount \"x\" (type nosuchfs): No such device"
		assert_no_leftovers "$id"
	done
}

@test "crash at after-cgroup: cgroup made, init in it; delete --force removes both" {
	make_bundle
	set_args "${LONG[@]}"
	id=$(new_id)
	crash_create after-cgroup "$id"
	[ -n "$(cgroups_of "$id")" ] || fail "no cgroup after a crash at after-cgroup"
	after_crash "$id"
	delete_removes_all "$id"
}

@test "crash during-hooks (createRuntime): the hook ran; delete --force removes everything" {
	make_bundle
	set_args "${LONG[@]}"
	cfg '.hooks.createRuntime = [{path: "/bin/sh", args: ["sh", "-c", "echo ran >\($m)"]}]' \
		--arg m "$BATS_TEST_TMPDIR/hook-ran"
	id=$(new_id)
	crash_create during-hooks "$id"
	wait_file "$BATS_TEST_TMPDIR/hook-ran"
	[ -n "$(cgroups_of "$id")" ] || fail "no cgroup after a crash during the hooks"
	after_crash "$id"
	delete_removes_all "$id"
}

@test "crash at before-ready: the init waits at the start gate; delete --force kills it" {
	make_bundle
	set_args "${LONG[@]}"
	id=$(new_id)
	crash_create before-ready "$id"
	# the init is alive (it set up the container and waits to be started)
	init=$(procs_in_rootfs "$ROOTFS" | cut -d' ' -f1)
	[ -n "$init" ] || fail "no init left after a crash at before-ready"
	after_crash "$id"
	delete_removes_all "$id"
	wait_gone "$init"
}

@test "crash: delete without --force also cleans up a crashed create" {
	make_bundle
	set_args "${LONG[@]}"
	id=$(new_id)
	crash_create before-ready "$id"
	run husk delete "$id"
	assert_success
	assert_no_leftovers "$id"
}

@test "crash: another create of the same id after a crash says it exists; after delete it works" {
	make_bundle
	set_args "${LONG[@]}"
	id=$(new_id)
	crash_create after-cgroup "$id"
	run husk create -b "$BUNDLE" "$id" </dev/null 3>&-
	assert_failure
	assert_output_contains "container \"$id\" already exists"
	run husk delete --force "$id"
	assert_success
	create_container "$id"
	assert_equal "$(state_field "$id" .status)" created
}

# ------------------------------------------------------ damaged state.json

# damaged_state ID: a container whose create crashed early, so that no
# process or cgroup depends on its state, and then its state.json damaged
# with the rest of the arguments' content.
damage() {
	local id=$1
	shift
	printf "$@" >"$HUSK_ROOT/$id/state.json"
}

@test "damaged state.json: state names the file and the problem, list shows it as unknown, delete --force removes it" {
	make_bundle
	for kind in truncated garbage deep nul toobig; do
		id=$(new_id)
		crash_create state-created "$id"
		case $kind in
		truncated) damage "$id" '{"id":"%s","pid":1' "$id" ;;
		garbage) damage "$id" 'not json' ;;
		nul) damage "$id" '{"id":"a\\u0000b"}' ;;
		# nesting that overflowed the stack of every reader (SIGSEGV)
		deep) { printf '{"id":"x","a":'; head -c 2000000 /dev/zero | tr '\0' '['
			head -c 2000000 /dev/zero | tr '\0' ']'; printf '}'; } >"$HUSK_ROOT/$id/state.json" ;;
		toobig) damage "$id" '{"id":"%s","pid":4294967297}' "$id" ;;
		esac
		run husk state "$id"
		assert_failure 1
		assert_output_contains "container \"$id\": $HUSK_ROOT/$id/state.json: corrupt state"
		case $kind in
		deep) assert_output_contains "nested deeper than 512 levels" ;;
		nul) assert_output_contains "NUL" ;;
		toobig) assert_output_contains '"pid" is not an integer' ;;
		*) assert_output_contains "invalid JSON" ;;
		esac

		run husk list
		assert_success
		[ "$(awk -v id="$id" '$1 == id { print $3 }' <<<"$output")" = unknown ] ||
			fail "list: $id is not listed as unknown" "$output"
		run husk list -q
		assert_success
		assert_line "$id"

		run husk start "$id"
		assert_failure 1
		assert_output_contains "corrupt state"
		run husk delete "$id"
		assert_failure 1
		assert_output_contains "corrupt state"
		[ -d "$HUSK_ROOT/$id" ]

		run husk delete --force "$id"
		assert_success
		assert_output_contains "removing the state directory (--force)"
		[ ! -e "$HUSK_ROOT/$id" ]
	done
	run husk list -q
	assert_output ""
}

# A directory under the root without any state.json was never a container
# of husk's (husk writes state.json before the directory gets its name):
# a wrong --root must not make delete --force remove somebody's files.
@test "delete --force leaves a directory without state.json alone" {
	mkdir -p "$HUSK_ROOT/etc/sub"
	echo keep >"$HUSK_ROOT/etc/passwd"
	echo keep >"$HUSK_ROOT/etc/sub/file"
	run husk delete etc
	assert_failure 1
	assert_output_contains 'container "etc" does not exist'
	# as for any container that does not exist, --force says nothing
	run husk delete --force etc
	assert_success
	assert_equal "$(cat "$HUSK_ROOT/etc/passwd" "$HUSK_ROOT/etc/sub/file")" "keep
keep"
	rm -rf "${HUSK_ROOT:?}/etc"
}

@test "crash at state-hidden (delete): the id is free at once; what is left is hidden" {
	make_bundle
	id=$(new_id)
	create_container "$id"
	rc=0
	HUSK_CRASH_AT=state-hidden husk delete --force "$id" >"$BATS_TEST_TMPDIR/del.out" 2>&1 || rc=$?
	assert_equal "$rc" 137
	[ ! -e "$HUSK_ROOT/$id" ]
	run husk state "$id"
	assert_failure
	assert_output_contains "container \"$id\" does not exist"
	run husk list -q
	assert_output ""
	create_container "$id"
	run husk delete --force "$id"
	assert_success
	rm -rf "$HUSK_ROOT"/.gone-"$id"-*
}
