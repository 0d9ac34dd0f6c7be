#!/usr/bin/env bats
# The opt-in monitor (create --monitor, run -d --monitor): it parents the
# init, records the exit (code, signal, time) in the state dir, and stays
# until delete. With it: exitCode/exitSignal/exitedAt in `husk state`,
# `husk wait` exits with the code, `husk events` streams lifecycle events
# as JSON lines. Without it: wait says the code is unknown (255).

load helpers
load session_helpers

# A container that runs until /go exists, then exits with $CODE (default 0)
GATED='touch /ready; while [ ! -e /go ]; do sleep 0.1; done; exit ${CODE:-0}'

# bg OUTFILE ARGS...: husk ARGS in the background, stdout to OUTFILE and
# stderr to OUTFILE.err; sets BGPID
bg() {
	local out=$1
	shift
	"$HUSK_BIN" --root "$HUSK_ROOT" "$@" </dev/null >"$out" 2>"$out.err" 3>&- &
	BGPID=$!
	echo "$BGPID" >>"$BATS_TEST_TMPDIR/.helpers"
}

# holds_events PID ID: process PID has ID's events file open (it found the
# container, so a delete from here on is one it sees)
holds_events() {
	ls -l "/proc/$1/fd" 2>/dev/null | grep -qF "$HUSK_ROOT/$2/events.jsonl"
}

# wait_bg: wait for the last bg; sets rc
wait_bg() {
	rc=0
	wait "$BGPID" || rc=$?
}

# monitor_of ID: the monitor's pid (the init's parent)
monitor_of() {
	local pid
	pid=$(container_pid "$1") || return
	ppid_of "$pid"
}

# event_types FILE: the "type" of each JSON line, space-separated
event_types() {
	jq -r .type <"$1" | tr '\n' ' ' | sed 's/ $//'
}

@test "run -d --monitor: state has exitCode, exitSignal, exitedAt; wait blocks, then exits with the code" {
	make_bundle
	set_args sh -c "$GATED"
	cfg '.process.env += ["CODE=3"]'
	id=$(new_id)
	run_detached "$id" --monitor
	wait_file "$ROOTFS/ready"
	bg "$BATS_TEST_TMPDIR/wait" wait "$id"
	waiter=$BGPID
	# a running container has no exit yet
	run husk state "$id"
	assert_success
	assert_equal "$(jq -r '.status, has("exitCode")' <<<"$output" | tr '\n' ' ')" "running false "
	pid_alive "$waiter" || fail "husk wait returned while the container runs: $(cat "$BATS_TEST_TMPDIR/wait.err")"
	before=$(date -u +%s)
	touch "$ROOTFS/go"
	wait_bg
	assert_equal "$rc" 3
	run husk state "$id"
	assert_success
	assert_equal "$(jq -r .status <<<"$output")" stopped
	assert_equal "$(jq -r .exitCode <<<"$output")" 3
	assert_equal "$(jq -r .exitSignal <<<"$output")" 0
	at=$(jq -r .exitedAt <<<"$output")
	[[ $at =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z$ ]] || fail "exitedAt '$at'"
	# exitedAt is when it exited: not before the go was given
	[ "$(date -u -d "$at" +%s)" -ge "$before" ] || fail "exitedAt $at is before $(date -u -d "@$before")"
	# wait on an already stopped container returns at once with the code
	run husk wait "$id"
	assert_failure 3
	run husk wait "$id"
	assert_failure 3
}

@test "run -d --monitor: exit code 0 makes wait succeed" {
	make_bundle
	set_args true
	id=$(new_id)
	run_detached "$id" --monitor
	run husk wait "$id"
	assert_success
	assert_equal "$(state_field "$id" .exitCode)" 0
}

@test "create --monitor, start: a killed container: wait 137, state exitCode 137 exitSignal 9" {
	make_bundle
	set_args sleep 1000
	id=$(new_id)
	create_container "$id" --monitor
	bg "$BATS_TEST_TMPDIR/wait2" wait "$id"
	waiter2=$BGPID
	bg "$BATS_TEST_TMPDIR/wait" wait "$id"
	husk start "$id"
	wait_status "$id" running
	pid_alive "$BGPID"
	husk kill "$id" KILL
	wait_bg
	assert_equal "$rc" 137
	# every waiter gets it
	rc=0
	wait "$waiter2" || rc=$?
	assert_equal "$rc" 137
	assert_equal "$(state_field "$id" .exitCode)" 137
	assert_equal "$(state_field "$id" .exitSignal)" 9
	# a signal the container dies of, other than KILL (no pid namespace, so
	# no pid 1 protection)
	id2=$(new_id)
	cfg '.linux.namespaces |= map(select(.type != "pid"))'
	create_container "$id2" --monitor
	husk start "$id2"
	wait_until cmdline_has "$(container_pid "$id2")" 1000
	husk kill "$id2" USR1
	run husk wait "$id2"
	assert_failure 138
	assert_equal "$(state_field "$id2" .exitSignal)" 10
}

@test "events: created, started, exited (with the code), deleted, in order; the stream ends on delete" {
	make_bundle
	set_args sh -c "$GATED"
	cfg '.process.env += ["CODE=5"]'
	id=$(new_id)
	create_container "$id" --monitor
	bg "$BATS_TEST_TMPDIR/events" events "$id"
	events=$BGPID
	husk start "$id"
	wait_file "$ROOTFS/ready"
	touch "$ROOTFS/go"
	run husk wait "$id"
	assert_failure 5
	pid_alive "$events" || fail "events stopped before delete: $(cat "$BATS_TEST_TMPDIR/events.err")"
	husk delete "$id"
	wait_bg
	assert_equal "$rc" 0
	ev=$BATS_TEST_TMPDIR/events
	assert_equal "$(event_types "$ev")" "created started exited deleted"
	# the envelope: {"type":..., "id":..., "data":{...}} on every line
	assert_equal "$(jq -c --arg id "$id" 'select((keys != ["data", "id", "type"]) or .id != $id or
		(.data | type) != "object")' <"$ev")" ""
	assert_equal "$(jq -c 'select(.type == "exited") | .data | {exitCode, signal}' <"$ev")" \
		'{"exitCode":5,"signal":0}'
}

@test "events --no-follow: what happened so far, then returns" {
	make_bundle
	set_args sh -c "$GATED"
	id=$(new_id)
	run_detached "$id" --monitor
	wait_file "$ROOTFS/ready"
	run husk events --no-follow "$id"
	assert_success
	assert_equal "$(jq -r .type <<<"$output" | tr '\n' ' ')" "created started "
	touch "$ROOTFS/go"
	run husk wait "$id"
	assert_success
	run husk events --no-follow "$id"
	assert_success
	assert_equal "$(jq -r .type <<<"$output" | tr '\n' ' ')" "created started exited "
	assert_equal "$(jq -r 'select(.type == "exited") | .data.exitCode' <<<"$output")" 0
}

@test "events: a follower that joins late gets the history, then the rest" {
	make_bundle
	set_args sh -c "$GATED"
	id=$(new_id)
	run_detached "$id" --monitor
	wait_file "$ROOTFS/ready"
	bg "$BATS_TEST_TMPDIR/ev1" events "$id"
	e1=$BGPID
	bg "$BATS_TEST_TMPDIR/ev2" events "$id"
	e2=$BGPID
	touch "$ROOTFS/go"
	husk wait "$id" || true
	husk delete "$id"
	for p in "$e1" "$e2"; do
		rc=0
		wait "$p" || rc=$?
		assert_equal "$rc" 0
	done
	assert_equal "$(event_types "$BATS_TEST_TMPDIR/ev1")" "created started exited deleted"
	assert_equal "$(event_types "$BATS_TEST_TMPDIR/ev2")" "created started exited deleted"
}

@test "events: paused and resumed" {
	husk_has pause || skip "husk has no pause command yet"
	make_bundle
	set_args sleep 1000
	id=$(new_id)
	run_detached "$id" --monitor
	run husk pause "$id"
	[ "$status" -eq 0 ] || skip "husk pause does not work here: $output"
	husk resume "$id"
	husk kill "$id" KILL
	run husk wait "$id"
	assert_failure 137
	run husk events --no-follow "$id"
	assert_equal "$(jq -r .type <<<"$output" | tr '\n' ' ')" "created started paused resumed exited "
}

# oom_bundle: $BUNDLE with a 16 MiB memory limit whose process, once /go
# exists, fills a 64 MiB buffer (dd's) from /dev/zero
oom_bundle() {
	make_bundle
	cfg '.linux.resources.memory = {limit: 16777216}'
	set_args sh -c 'touch /ready; while [ ! -e /go ]; do sleep 0.1; done; exec dd if=/dev/zero of=/dev/null bs=64M count=1'
}

@test "events --interval: an oom line when the memory limit is hit (runc's stream)" {
	"$HUSK_BIN" events --help 2>&1 | grep -q -- --interval || skip "husk events has no --interval yet"
	oom_bundle
	id=$(new_id)
	run_detached "$id"
	wait_file "$ROOTFS/ready"
	bg "$BATS_TEST_TMPDIR/events" events --interval 100ms "$id"
	# the first stats line: the OOM watch is set up by then
	wait_until grep -q '"type":"stats"' "$BATS_TEST_TMPDIR/events"
	touch "$ROOTFS/go"
	wait_bg
	assert_equal "$rc" 0
	assert_equal "$(jq -c 'select(.type == "oom")' <"$BATS_TEST_TMPDIR/events" | sort -u)" \
		"$(jq -nc --arg id "$id" '{type: "oom", id: $id}')"
	wait_status "$id" stopped
}

@test "events (lifecycle, monitored): oom, then exited 137" {
	oom_bundle
	id=$(new_id)
	run_detached "$id" --monitor
	wait_file "$ROOTFS/ready"
	touch "$ROOTFS/go"
	run husk wait "$id"
	assert_failure 137
	run husk events --no-follow "$id"
	assert_success
	types=$(jq -r .type <<<"$output" | tr '\n' ' ')
	assert_equal "$types" "created started oom exited "
}

@test "the monitor parents the init, lets go of the caller's stdio, lingers until delete, then exits" {
	make_bundle
	set_args sh -c "$GATED"
	id=$(new_id)
	# the caller reads husk's stdout to EOF: with the init gone, only a
	# monitor holding it would keep the pipe open (bounded by timeout)
	cfg '.process.args = ["sh", "-c", "exec >/dev/null 2>&1; touch /ready; while [ ! -e /go ]; do sleep 0.1; done"]'
	rc=0
	{ "$HUSK_BIN" --root "$HUSK_ROOT" run -d --monitor -b "$BUNDLE" "$id" </dev/null 2>&1 3>&-; } |
		timeout 30 cat >"$BATS_TEST_TMPDIR/out" || rc=$?
	assert_equal "$rc" 0
	wait_file "$ROOTFS/ready"
	mon=$(monitor_of "$id")
	cmdline_has "$mon" "$id" || fail "the init's parent $mon is not a husk of $id: $(tr '\0' ' ' <"/proc/$mon/cmdline")"
	for fd in 0 1 2; do
		assert_equal "fd $fd $(readlink "/proc/$mon/fd/$fd")" "fd $fd /dev/null"
	done
	touch "$ROOTFS/go"
	run husk wait "$id"
	assert_success
	pid_alive "$mon" || fail "the monitor left before delete"
	assert_equal "$(procs_with_arg "$id")" "$mon"
	run husk delete "$id"
	assert_success
	wait_gone "$mon"
	assert_equal "$(procs_with_arg "$id")" ""
}

@test "delete --force of a running monitored container: the exit is recorded first; wait gets 137" {
	make_bundle
	set_args sleep 1000
	id=$(new_id)
	run_detached "$id" --monitor
	mon=$(monitor_of "$id")
	bg "$BATS_TEST_TMPDIR/events" events "$id"
	events=$BGPID
	bg "$BATS_TEST_TMPDIR/wait" wait "$id"
	waiter=$BGPID
	# both must have found the container before delete removes it
	wait_until holds_events "$events" "$id" || fail "husk events never opened the events file"
	wait_until holds_events "$waiter" "$id" || fail "husk wait never opened the events file"
	run husk delete --force "$id"
	assert_success
	wait_gone "$mon"
	wrc=0
	wait "$waiter" || wrc=$?
	erc=0
	wait "$events" || erc=$?
	assert_equal "wait=$wrc events=$erc: $(event_types "$BATS_TEST_TMPDIR/events")" \
		"wait=137 events=0: created started exited deleted"
}

@test "wait without a monitor: blocks until the init is gone, says the code is unknown, exits 255" {
	make_bundle
	set_args sh -c "$GATED"
	cfg '.process.env += ["CODE=3"]'
	id=$(new_id)
	run_detached "$id"
	wait_file "$ROOTFS/ready"
	bg "$BATS_TEST_TMPDIR/wait" wait "$id"
	pid_alive "$BGPID" || fail "wait returned while the container runs"
	touch "$ROOTFS/go"
	wait_bg
	assert_equal "$rc" 255
	grep -q unknown "$BATS_TEST_TMPDIR/wait.err" || fail "wait said: $(cat "$BATS_TEST_TMPDIR/wait.err")"
	grep -q -- --monitor "$BATS_TEST_TMPDIR/wait.err"
	# a stopped container without a monitor: no exit fields in state
	wait_status "$id" stopped
	assert_equal "$(husk state "$id" | jq -r 'has("exitCode"), has("exitSignal"), has("exitedAt")' | tr '\n' ' ')" \
		"false false false "
	run husk wait "$id"
	assert_failure 255
	assert_output_contains unknown
}

@test "wait and events: a container that does not exist is an error naming it" {
	run husk wait nosuchcontainer
	assert_failure
	[ "$status" -ne 255 ] || fail "exit 255 reads as 'stopped, code unknown'"
	assert_output_contains nosuchcontainer
	run husk events --no-follow nosuchcontainer
	assert_failure
	assert_output_contains nosuchcontainer
	run husk events nosuchcontainer
	assert_failure
	assert_output_contains nosuchcontainer
}

@test "create --monitor failures leave nothing: no state, no monitor, no cgroup" {
	make_bundle
	set_args sleep 1000
	id=$(new_id)
	check_nothing_left() {
		[ ! -e "$HUSK_ROOT/$id" ] || fail "state left" || return
		assert_equal "$(procs_with_arg "$id")" "" || return
		assert_equal "$(count_in_rootfs)" 0 || return
		assert_equal "$(cgroups_of "$id")" ""
	}
	# a cwd that is a file (a missing one would be made, as runc does)
	cfg '.process.cwd = "/etc/passwd"'
	run husk_files create --monitor -b "$BUNDLE" "$id"
	assert_failure
	assert_output_contains /etc/passwd
	check_nothing_left
	run husk_files run -d --monitor -b "$BUNDLE" "$id"
	assert_failure
	assert_output_contains /etc/passwd
	check_nothing_left

	cfg '.process.cwd = "/" | .process.args = ["/no/such/program"]'
	run husk_files create --monitor -b "$BUNDLE" "$id"
	assert_failure
	assert_output_contains /no/such/program
	check_nothing_left

	cfg '.process.args = ["sleep", "1000"] | .process.terminal = true'
	run husk_files create --monitor -b "$BUNDLE" "$id"
	assert_failure
	assert_output_contains console-socket
	check_nothing_left

	run husk_files create --monitor -b "$BATS_TEST_TMPDIR/no-bundle" "$id"
	assert_failure
	assert_output_contains no-bundle
	check_nothing_left

	cfg '.process.terminal = false'
	add_mount /mnt/x bind "$BATS_TEST_TMPDIR/no-such-source" rbind
	run husk_files create --monitor -b "$BUNDLE" "$id"
	assert_failure
	assert_output_contains no-such-source
	check_nothing_left
}

@test "create --monitor with an id that exists: refused, the existing container and its monitor untouched" {
	make_bundle
	set_args sleep 1000
	id=$(new_id)
	create_container "$id" --monitor
	pid=$(container_pid "$id")
	mon=$(monitor_of "$id")
	run husk_files create --monitor -b "$BUNDLE" "$id"
	assert_failure
	assert_output_contains "$id"
	assert_equal "$(container_pid "$id")" "$pid"
	assert_equal "$(state_field "$id" .status)" created
	# just the one monitor, and the init (husk code until start)
	assert_equal "$(procs_with_arg "$id" | sort -n | tr '\n' ' ')" "$(printf '%s\n' "$mon" "$pid" | sort -n | tr '\n' ' ')"
}

@test "run --monitor without -d is refused" {
	make_bundle
	id=$(new_id)
	run husk_files run --monitor -b "$BUNDLE" "$id"
	assert_failure
	assert_output_contains --monitor
	[ ! -e "$HUSK_ROOT/$id" ]
}

@test "events without a monitor: created, started, deleted (no exit to report)" {
	make_bundle
	set_args true
	id=$(new_id)
	run_detached "$id"
	wait_status "$id" stopped
	bg "$BATS_TEST_TMPDIR/events" events "$id"
	wait_until holds_events "$BGPID" "$id" || fail "husk events never opened the events file"
	husk delete "$id"
	wait_bg
	assert_equal "$rc" 0
	assert_equal "$(event_types "$BATS_TEST_TMPDIR/events")" "created started deleted"
}
