#!/usr/bin/env bats
# The container lifecycle: create, start, state, kill, delete, run, list.

load helpers

# The user process has not run until start: it leaves /started in the rootfs.
LONG=(sh -c 'touch /started; exec sleep 1000')

@test "create: state created, pid file, waiting init, process not started" {
	make_bundle
	set_args "${LONG[@]}"
	cfg '.annotations = {"org.example.k": "v"}'
	id=$(new_id)
	create_container "$id" --pid-file "$BATS_TEST_TMPDIR/pidfile"

	run husk state "$id"
	assert_success
	state=$output
	assert_equal "$(jq -r .status <<<"$state")" created
	assert_equal "$(jq -r .id <<<"$state")" "$id"
	assert_equal "$(jq -r .bundle <<<"$state")" "$(realpath "$BUNDLE")"
	assert_equal "$(jq -r '.annotations["org.example.k"]' <<<"$state")" v
	jq -e '.ociVersion | test("^1\\.")' <<<"$state"
	pid=$(jq -r .pid <<<"$state")
	[ "$pid" -gt 0 ]
	assert_equal "$(cat "$BATS_TEST_TMPDIR/pidfile")" "$pid"
	[ -d "/proc/$pid" ]
	pid_alive "$pid"
	# the init lives in the container's rootfs, but the user process has
	# not been started
	assert_equal "$(stat -L -c %d:%i "/proc/$pid/root")" "$(stat -c %d:%i "$ROOTFS")"
	[ ! -e "$ROOTFS/started" ]
	[ -d "$HUSK_ROOT/$id" ]
}

@test "start: created -> running, the user process runs as the same pid" {
	make_bundle
	set_args "${LONG[@]}"
	id=$(new_id)
	create_container "$id"
	pid=$(container_pid "$id")

	run husk start "$id"
	assert_success
	wait_file "$ROOTFS/started"
	assert_equal "$(state_field "$id" .status)" running
	assert_equal "$(state_field "$id" .pid)" "$pid"
	wait_until grep -qx 'sleep.1000.' <(tr '\0' . <"/proc/$pid/cmdline")
}

@test "kill: running -> stopped; delete removes state dir and cgroup" {
	make_bundle
	set_args "${LONG[@]}"
	id=$(new_id)
	run_detached "$id"
	pid=$(container_pid "$id")
	[ -n "$(cgroups_of "$id")" ]

	run husk kill "$id" KILL
	assert_success
	wait_status "$id" stopped
	wait_gone "$pid"

	run husk delete "$id"
	assert_success
	[ ! -e "$HUSK_ROOT/$id" ]
	assert_equal "$(cgroups_of "$id")" ""
	run husk state "$id"
	assert_failure
}

@test "kill: default signal is SIGTERM" {
	make_bundle
	# pid 1 only gets signals it handles: a TERM handler that exits 0
	set_args sh -c 'trap "exit 0" TERM; while :; do sleep 0.1; done'
	id=$(new_id)
	run_detached "$id"
	pid=$(container_pid "$id")
	wait_until sigcaught "$pid" 15
	run husk kill "$id"
	assert_success
	wait_status "$id" stopped
}

# sigcaught PID SIGNO: PID has a handler for SIGNO
sigcaught() {
	local mask
	mask=$(awk '/^SigCgt:/ {print $2}' "/proc/$1/status") || return
	(((0x$mask >> ($2 - 1)) & 1))
}

@test "run: foreground exit code is the container's" {
	make_bundle
	run run_in_container sh -c 'echo out; echo err >&2; exit 42'
	assert_failure 42
	assert_line out
	assert_line err
	run run_in_container true
	assert_success
	run run_in_container false
	assert_failure 1
}

@test "run: foreground, killed by SIGKILL -> 137, container deleted" {
	make_bundle
	set_args sleep 1000
	id=$(new_id)
	"$HUSK_BIN" --root "$HUSK_ROOT" run -b "$BUNDLE" "$id" </dev/null >"$BATS_TEST_TMPDIR/out" 2>&1 3>&- &
	runpid=$!
	wait_status "$id" running
	husk kill "$id" KILL
	rc=0
	wait "$runpid" || rc=$?
	assert_equal "$rc" 137
	[ ! -e "$HUSK_ROOT/$id" ]
}

@test "run: foreground, no pid namespace, killed by its own SIGTERM -> 143" {
	make_bundle
	cfg '.linux.namespaces |= map(select(.type != "pid"))'
	run run_in_container sh -c 'kill -TERM $$; sleep 5'
	assert_failure 143
}

@test "delete: no pid namespace, the init exited: what it left in the cgroup is killed" {
	make_bundle
	cfg '.linux.namespaces |= map(select(.type != "pid"))'
	set_args sh -c 'trap "" HUP; sleep 2013 & echo $! >/tmp/orphan'
	id=$(new_id)
	run_detached "$id"
	wait_status "$id" stopped
	orphan=$(cat "$ROOTFS/tmp/orphan")
	pid_alive "$orphan"
	run husk delete "$id"
	assert_success
	wait_gone "$orphan"
	assert_no_leftovers "$id"
}

@test "run: foreground forwards signals to the container" {
	make_bundle
	set_args sh -c 'trap "exit 7" TERM; while :; do sleep 0.1; done'
	id=$(new_id)
	"$HUSK_BIN" --root "$HUSK_ROOT" run -b "$BUNDLE" "$id" </dev/null >"$BATS_TEST_TMPDIR/out" 2>&1 3>&- &
	runpid=$!
	wait_status "$id" running
	pid=$(container_pid "$id")
	wait_until sigcaught "$pid" 15
	kill -TERM "$runpid"
	rc=0
	wait "$runpid" || rc=$?
	assert_equal "$rc" 7
}

@test "run: foreground deletes the container; --keep keeps it stopped" {
	make_bundle
	set_args sh -c 'exit 3'
	id=$(new_id)
	run husk run -b "$BUNDLE" "$id"
	assert_failure 3
	[ ! -e "$HUSK_ROOT/$id" ]
	run husk list -q
	assert_success
	assert_output ""

	id=$(new_id)
	run husk run --keep -b "$BUNDLE" "$id"
	assert_failure 3
	assert_equal "$(state_field "$id" .status)" stopped
	run husk list -q
	assert_output "$id"
	run husk delete "$id"
	assert_success
	[ ! -e "$HUSK_ROOT/$id" ]
}

@test "run -d: returns at once, container running" {
	make_bundle
	set_args "${LONG[@]}"
	id=$(new_id)
	run_detached "$id" --pid-file "$BATS_TEST_TMPDIR/pidfile"
	assert_equal "$(state_field "$id" .status)" running
	pid=$(container_pid "$id")
	assert_equal "$(cat "$BATS_TEST_TMPDIR/pidfile")" "$pid"
	pid_alive "$pid"
	wait_file "$ROOTFS/started"
}

@test "a process that exits on its own: stopped, and delete cleans up" {
	make_bundle
	set_args sh -c 'touch /started; exit 5'
	id=$(new_id)
	run_detached "$id"
	wait_status "$id" stopped
	[ -e "$ROOTFS/started" ]
	run husk delete "$id"
	assert_success
	[ ! -e "$HUSK_ROOT/$id" ]
	assert_equal "$(cgroups_of "$id")" ""
}

@test "kill of a created container stops it before it ever runs" {
	make_bundle
	set_args "${LONG[@]}"
	id=$(new_id)
	create_container "$id"
	run husk kill "$id" KILL
	assert_success
	wait_status "$id" stopped
	run husk start "$id"
	assert_failure
	[ ! -e "$ROOTFS/started" ]
}

@test "the config is locked in at create: start, state, kill, delete ignore the bundle" {
	make_bundle
	set_args "${LONG[@]}"
	id=$(new_id)
	create_container "$id"
	echo 'not json' >"$BUNDLE/config.json"
	run husk start "$id"
	assert_success
	wait_file "$ROOTFS/started"
	rm "$BUNDLE/config.json"
	assert_equal "$(state_field "$id" .status)" running
	run husk kill "$id" KILL
	assert_success
	wait_status "$id" stopped
	run husk delete "$id"
	assert_success
	[ ! -e "$HUSK_ROOT/$id" ]
}

@test "state: bundle is absolute when -b is relative" {
	make_bundle
	set_args "${LONG[@]}"
	id=$(new_id)
	cd "$BATS_TEST_TMPDIR"
	husk create -b bundle "$id" </dev/null >/dev/null 2>&1 3>&-
	assert_equal "$(state_field "$id" .bundle)" "$(realpath "$BUNDLE")"
}

@test "state: unknown id fails and names the id" {
	make_bundle
	run husk state nosuchcontainer
	assert_failure
	assert_output_contains nosuchcontainer
	run husk start nosuchcontainer
	assert_failure
	assert_output_contains nosuchcontainer
	run husk kill nosuchcontainer KILL
	assert_failure
	assert_output_contains nosuchcontainer
}

@test "list: -q, table and json" {
	make_bundle
	set_args "${LONG[@]}"
	a=$(new_id a)
	b=$(new_id b)
	create_container "$a"
	run_detached "$b"
	pa=$(container_pid "$a")
	pb=$(container_pid "$b")

	run husk list -q
	assert_success
	assert_equal "$(sort <<<"$output")" "$(printf '%s\n' "$a" "$b" | sort)"

	run husk list
	assert_success
	assert_equal "$(head -n1 <<<"$output" | awk '{print $1, $2, $3}')" "ID PID STATUS"
	assert_equal "$(wc -l <<<"$output")" 3
	assert_equal "$(awk -v id="$a" '$1 == id {print $2, $3}' <<<"$output")" "$pa created"
	assert_equal "$(awk -v id="$b" '$1 == id {print $2, $3}' <<<"$output")" "$pb running"
	assert_output_contains "$(realpath "$BUNDLE")"

	run husk list --format json
	assert_success
	assert_equal "$(jq -r --arg id "$a" '.[] | select(.id == $id) | "\(.pid) \(.status) \(.bundle)"' <<<"$output")" \
		"$pa created $(realpath "$BUNDLE")"
	assert_equal "$(jq -r --arg id "$b" '.[] | select(.id == $id) | "\(.pid) \(.status)"' <<<"$output")" \
		"$pb running"
	assert_equal "$(jq length <<<"$output")" 2

	run husk list --format yaml
	assert_failure
}

@test "list: empty or missing root lists nothing" {
	run husk list -q
	assert_success
	assert_output ""
	run husk list --format json
	assert_success
	assert_equal "$(jq length <<<"$output")" 0
}

@test "kill: signal names SIGKILL, KILL, 9 and kill all work" {
	make_bundle
	set_args sleep 1000
	for sig in SIGKILL KILL 9 kill; do
		id=$(new_id)
		run_detached "$id"
		pid=$(container_pid "$id")
		run husk kill "$id" "$sig"
		assert_success
		wait_status "$id" stopped
		wait_gone "$pid"
		husk delete "$id"
	done
}

@test "kill: a bad signal is refused and the container keeps running" {
	make_bundle
	set_args sleep 1000
	id=$(new_id)
	run_detached "$id"
	pid=$(container_pid "$id")
	for sig in SIGFOO 0x9 999 -1 ""; do
		run husk kill "$id" "$sig"
		assert_failure
		assert_output_contains "$sig"
	done
	assert_equal "$(state_field "$id" .status)" running
	pid_alive "$pid"
}

# pid_of_cmd ROOTFS CMDLINE: pids of processes of ROOTFS running CMDLINE
pids_of_cmd() {
	procs_in_rootfs "$1" | awk -v c="$2" '{ p = $1; $1 = ""; sub(/^ /, ""); sub(/ $/, "") } $0 == c { print p }'
}

has_cmd() {	# ROOTFS CMDLINE: some process of ROOTFS runs CMDLINE
	[ -n "$(pids_of_cmd "$1" "$2")" ]
}

@test "kill --all: signals every process, not just the init" {
	make_bundle
	# init is `sleep 1000` (pid 1 ignores a TERM it does not handle); its
	# children sleep 1001 and 1002 die of TERM
	set_args sh -c 'sleep 1001 & sleep 1002 & exec sleep 1000'
	id=$(new_id)
	run_detached "$id"
	pid=$(container_pid "$id")
	wait_until has_cmd "$ROOTFS" 'sleep 1002'
	wait_until has_cmd "$ROOTFS" 'sleep 1001'
	c1=$(pids_of_cmd "$ROOTFS" 'sleep 1001')
	c2=$(pids_of_cmd "$ROOTFS" 'sleep 1002')

	run husk kill "$id" TERM
	assert_success
	pid_alive "$c1"
	pid_alive "$c2"

	run husk kill --all "$id" TERM
	assert_success
	wait_gone "$c1"
	wait_gone "$c2"
	pid_alive "$pid"
	assert_equal "$(state_field "$id" .status)" running

	run husk kill -a "$id" KILL
	assert_success
	wait_status "$id" stopped
}

@test "kill: a stopped container is an error" {
	make_bundle
	set_args sleep 1000
	id=$(new_id)
	run_detached "$id"
	pid=$(container_pid "$id")
	husk kill "$id" KILL
	wait_status "$id" stopped
	wait_gone "$pid"
	run husk kill "$id" KILL
	assert_failure
	assert_output_contains "$id"
}

@test "delete: a running container needs --force" {
	make_bundle
	set_args sleep 1000
	id=$(new_id)
	run_detached "$id"
	pid=$(container_pid "$id")

	run husk delete "$id"
	assert_failure
	assert_output_contains "$id"
	assert_equal "$(state_field "$id" .status)" running
	pid_alive "$pid"
	[ -n "$(cgroups_of "$id")" ]

	run husk delete --force "$id"
	assert_success
	refute pid_alive "$pid"
	[ ! -e "$HUSK_ROOT/$id" ]
	assert_equal "$(cgroups_of "$id")" ""
}

@test "delete --force of a created container kills its init" {
	make_bundle
	set_args "${LONG[@]}"
	id=$(new_id)
	create_container "$id"
	pid=$(container_pid "$id")
	run husk delete -f "$id"
	assert_success
	refute pid_alive "$pid"
	[ ! -e "$ROOTFS/started" ]
	[ ! -e "$HUSK_ROOT/$id" ]
}

@test "delete: nonexistent id fails, with --force succeeds" {
	run husk delete nosuchcontainer
	assert_failure
	assert_output_contains nosuchcontainer
	run husk delete --force nosuchcontainer
	assert_success
}

@test "create: concurrent creates of one id, exactly one wins" {
	make_bundle
	set_args sleep 1000
	id=$(new_id)
	pids=()
	for i in 1 2 3 4 5 6; do
		husk create -b "$BUNDLE" "$id" </dev/null >"$BATS_TEST_TMPDIR/out.$i" 2>&1 3>&- &
		pids+=($!)
	done
	ok=0
	for i in 0 1 2 3 4 5; do
		rc=0
		wait "${pids[$i]}" || rc=$?
		[ "$rc" -eq 0 ] && ok=$((ok + 1))
	done
	assert_equal "$ok" 1
	assert_equal "$(state_field "$id" .status)" created
	run husk list -q
	assert_output "$id"
	# exactly one init process
	assert_equal "$(procs_in_rootfs "$ROOTFS" | wc -l)" 1
	assert_equal "$(ls -A "$HUSK_ROOT" | grep -c -F -- "$id")" 1
}

@test "create: an existing id is refused" {
	make_bundle
	set_args sleep 1000
	id=$(new_id)
	create_container "$id"
	pid=$(container_pid "$id")
	run husk create -b "$BUNDLE" "$id"
	assert_failure
	assert_output_contains "$id"
	assert_equal "$(container_pid "$id")" "$pid"
	assert_equal "$(state_field "$id" .status)" created
}

@test "create and run: invalid ids are refused, nothing is created" {
	make_bundle
	long=$(printf 'x%.0s' $(seq 300))
	for id in "" "a/b" ".." "." "../x" "$long"; do
		for cmd in create run; do
			run husk "$cmd" -b "$BUNDLE" "$id"
			assert_failure
			assert_output_contains "id"
		done
	done
	[ ! -d "$HUSK_ROOT" ] || assert_equal "$(ls -A "$HUSK_ROOT" | grep -v '^\.' )" ""
	[ ! -e "$BATS_TEST_TMPDIR/a" ]
	[ ! -e "$BATS_TEST_TMPDIR/x" ]
	assert_equal "$(procs_in_rootfs "$ROOTFS")" ""
}

@test "start: twice fails, the second start changes nothing" {
	make_bundle
	set_args "${LONG[@]}"
	id=$(new_id)
	create_container "$id"
	husk start "$id"
	wait_file "$ROOTFS/started"
	rm "$ROOTFS/started"
	run husk start "$id"
	assert_failure
	assert_output_contains "$id"
	assert_equal "$(state_field "$id" .status)" running
	[ ! -e "$ROOTFS/started" ]
}

@test "start: a stopped container cannot be started" {
	make_bundle
	id=$(new_id)
	run husk run --keep -b "$BUNDLE" "$id"
	assert_success
	assert_equal "$(state_field "$id" .status)" stopped
	run husk start "$id"
	assert_failure
}

@test "state: a recycled pid does not make a stopped container look alive" {
	[ -w /proc/sys/kernel/ns_last_pid ] || skip "no writable /proc/sys/kernel/ns_last_pid"
	make_bundle
	set_args sleep 1000
	id=$(new_id)
	run_detached "$id"
	pid=$(container_pid "$id")
	husk kill "$id" KILL
	# wait until the pid is reaped and free again
	for i in $(seq 100); do
		[ -e "/proc/$pid" ] || break
		sleep 0.1
	done
	[ ! -e "/proc/$pid" ] || skip "pid $pid of the dead init is never reaped here"
	# make a host process that gets the same pid
	other=
	for try in 1 2 3 4 5 6 7 8 9 10; do
		echo $((pid - 1)) >/proc/sys/kernel/ns_last_pid
		sleep 1000 </dev/null >/dev/null 2>&1 3>&- &
		if [ "$!" = "$pid" ]; then
			other=$!
			break
		fi
		kill "$!"
	done
	[ -n "$other" ] || skip "could not get pid $pid again"
	echo "$other" >"$BATS_TEST_TMPDIR/other"

	assert_equal "$(state_field "$id" .status)" stopped
	run husk kill "$id" KILL
	assert_failure
	pid_alive "$other"
	run husk delete "$id"
	assert_success
	pid_alive "$other"
	run husk delete --force "$id"
	pid_alive "$other"
	[ ! -e "$HUSK_ROOT/$id" ]
}

teardown() {
	if [ -f "$BATS_TEST_TMPDIR/other" ]; then
		kill "$(cat "$BATS_TEST_TMPDIR/other")" 2>/dev/null || :
	fi
	husk_teardown
}
