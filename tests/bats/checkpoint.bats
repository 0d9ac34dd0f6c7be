#!/usr/bin/env bats
# checkpoint and restore through criu. The criu in use is $HUSK_TEST_CRIU,
# else the one on PATH; the tests that need a working criu skip (saying
# why criu said no) when `criu check` fails for it. The failure paths run
# whatever criu there is, with stand-ins for a missing, old or broken one.

load helpers

CRIU=${HUSK_TEST_CRIU:-$(command -v criu || echo criu)}

# The counter: line k of /data/count (a bind mount of $DATA) is k. After a
# restore the sequence goes on where it was; a restarted counter would
# write 1 again.
COUNTER='i=0; while :; do i=$((i+1)); echo $i >>/data/count; sleep 0.1; done'

teardown() {
	[ -z "${PAGE_SERVER:-}" ] || kill "$PAGE_SERVER" 2>/dev/null || true
	husk_teardown
	[ -z "${NETNS:-}" ] || ip netns del "$NETNS" 2>/dev/null || true
}

setup() {
	husk_setup
	DATA=$BATS_TEST_TMPDIR/data
	IMG=$BATS_TEST_TMPDIR/img
	mkdir -p "$DATA"
}

# requires_criu: skip unless `criu check` passes for $CRIU, with its reason.
requires_criu() {
	local out
	command -v "$CRIU" >/dev/null || skip "criu not installed ($CRIU)"
	out=$("$CRIU" check 2>&1) && return 0
	skip "criu check fails for $CRIU: $(grep -m1 -i error <<<"$out" || tail -n1 <<<"$out")"
}

# criu_hk ARGS...: husk with the criu in use
criu_hk() {
	husk --criu "$CRIU" "$@"
}

counter_bundle() {
	make_bundle
	set_args sh -c "$COUNTER"
	add_mount /data bind "$DATA" rbind rw
}

# run_piped ID: husk run -d with the container's stdio on pipes (criu saves
# pipes, not the host files create_container would give it)
run_piped() {
	husk run -d -b "$BUNDLE" "$1" < <(:) > >(exec cat >"$BATS_TEST_TMPDIR/$1.out" 3>&-) 2>&1 3>&- ||
		fail "husk run -d $1 failed"
}

# restore_piped ID [RESTORE OPTION...]: husk restore -d, stdio as run_piped
restore_piped() {
	local id=$1
	shift
	criu_hk restore -d -b "$BUNDLE" "$@" "$id" < <(:) \
		> >(exec cat >"$BATS_TEST_TMPDIR/$id.restore.out" 3>&-) 2>"$BATS_TEST_TMPDIR/$id.restore.err" 3>&- ||
		fail "husk restore $id failed: $(cat "$BATS_TEST_TMPDIR/$id.restore.err")"
}

count_lines() {
	wc -l <"$DATA/count" 2>/dev/null || echo 0
}

# lines_beyond N: the counter has written more than N lines
lines_beyond() {
	[ "$(count_lines)" -gt "$1" ]
}

# consecutive FROM: from line FROM on, each line of the count holds one
# more than the line before it
consecutive() {
	awk -v from="$1" 'NR > from && $1 != prev + 1 { bad = NR } { prev = $1 }
		END { if (bad) { print "line " bad " breaks the sequence"; exit 1 } }' "$DATA/count"
}

line_at() {
	sed -n "$1p" "$DATA/count"
}

# in_cgroup PID ID: the process is in the container's cgroup in every hierarchy
in_cgroup() {
	local bad
	bad=$(grep -v ":/husk/$2\$" "/proc/$1/cgroup") || return 0
	fail "pid $1 is not in /husk/$2: $bad"
}

# A stand-in criu: `fake_criu MODE` writes $BATS_TEST_TMPDIR/fake-criu and
# prints its path. MODE old: version 2.0; broken: a current version whose
# dump and restore fail with the error Debian's criu 3.17 has on kernels
# that split the vDSO area, logged where criu logs.
fake_criu() {
	local f=$BATS_TEST_TMPDIR/fake-criu version=4.1
	[ "$1" = old ] && version=2.0
	cat >"$f" <<-EOF
		#!/bin/sh
		[ "\$1" = --version ] && { echo "Version: $version"; exit 0; }
		dir=. log=criu.log
		for a; do
			case \$a in
			--images-dir=*) [ "\$dir" = . ] && dir=\${a#*=} ;;
			--work-dir=*) dir=\${a#*=} ;;
			--log-file=*) log=\${a#*=} ;;
			esac
		done
		echo "(00.000010) Error (criu/vdso.c:381): vdso: Unexpected rt vDSO area bounds" >"\$dir/\$log"
		echo "(00.000020) Error (criu/crtools.c:260): Could not initialize kernel features detection." >>"\$dir/\$log"
		exit 1
	EOF
	chmod +x "$f"
	echo "$f"
}

# still_running ID PID: the container is running with the same init and
# its counter goes on
still_running() {
	local n
	assert_equal "$(state_field "$1" .status)" running || return
	assert_equal "$(state_field "$1" .pid)" "$2" || return
	n=$(count_lines)
	wait_until lines_beyond "$n"
}

@test "checkpoint and restore: the counter goes on where it was, running in its cgroup; exec, kill, delete" {
	requires_criu
	counter_bundle
	id=$(new_id)
	run_piped "$id"
	wait_until lines_beyond 2

	run criu_hk checkpoint --image-path "$IMG" "$id"
	assert_success
	# the container is gone: processes, cgroup and state
	run husk state "$id"
	assert_failure
	assert_equal "$(procs_in_rootfs "$ROOTFS")" ""
	assert_equal "$(cgroups_of "$id")" ""
	[ -e "$IMG/inventory.img" ]
	[ -e "$IMG/dump.log" ]
	jq -e 'length == 3 and all(startswith("pipe:"))' "$IMG/descriptors.json"
	n=$(count_lines)
	assert_equal "$(line_at "$n")" "$n"

	restore_piped "$id" --image-path "$IMG" --pid-file "$BATS_TEST_TMPDIR/pid"
	assert_equal "$(state_field "$id" .status)" running
	pid=$(container_pid "$id")
	assert_equal "$(cat "$BATS_TEST_TMPDIR/pid")" "$pid"
	in_cgroup "$pid" "$id"
	[ -e "$IMG/restore.log" ]
	wait_until lines_beyond $((n + 2))
	# n+1 follows n: the restored shell had i == n
	run consecutive 1
	assert_success

	run husk exec "$id" sh -c 'tr "\0" " " </proc/1/cmdline; cat /proc/self/cgroup'
	assert_success
	assert_output_contains "i=\$((i+1))"
	refute grep -q "^0::/husk" <<<"$output"	# the cgroup namespace came back too
	# masked files are /dev/null again (an external mount of criu's)
	run husk exec "$id" stat -c %t:%T /proc/keys
	assert_success
	assert_output "1:3"
	run husk kill "$id" KILL
	assert_success
	wait_status "$id" stopped
	run husk delete "$id"
	assert_success
	assert_equal "$(cgroups_of "$id")" ""
}

@test "checkpoint --leave-running, restore under a new id, checkpoint the restored container again" {
	requires_criu
	counter_bundle
	a=$(new_id a)
	run_piped "$a"
	wait_until lines_beyond 2
	pid=$(container_pid "$a")
	before=$(count_lines)

	run criu_hk checkpoint --leave-running --image-path "$IMG" --work-path "$BATS_TEST_TMPDIR/work" "$a"
	assert_success
	still_running "$a" "$pid"
	# criu's log went to the work path
	[ -e "$BATS_TEST_TMPDIR/work/dump.log" ]
	[ ! -e "$IMG/dump.log" ]
	run husk kill "$a" KILL
	assert_success
	wait_status "$a" stopped
	run husk delete "$a"
	assert_success
	last=$(count_lines)

	b=$(new_id b)
	restore_piped "$b" --image-path "$IMG" --work-path "$BATS_TEST_TMPDIR/work"
	[ -e "$BATS_TEST_TMPDIR/work/restore.log" ]
	assert_equal "$(state_field "$b" .status)" running
	in_cgroup "$(container_pid "$b")" "$b"
	wait_until lines_beyond $((last + 2))
	# the restored counter went on from where it was at the checkpoint:
	# past what it had written before, and never from 1 again
	first=$(line_at $((last + 1)))
	[ "$first" -gt "$before" ] && [ "$first" -le $((last + 1)) ] ||
		fail "first restored value $first not in ($before, $((last + 1))]"
	run consecutive $((last + 1))
	assert_success

	# and the restored container checkpoints and restores like any other
	run criu_hk checkpoint --image-path "$IMG.2" "$b"
	assert_success
	assert_equal "$(cgroups_of "$b")" ""
	n=$(count_lines)
	restore_piped "$b" --image-path "$IMG.2"
	wait_until lines_beyond $((n + 2))
	assert_equal "$(line_at $((n + 1)))" $(($(line_at "$n") + 1))
	run husk delete --force "$b"
	assert_success
}

@test "a network namespace joined by path is external: the restored container is back in it" {
	requires_criu
	counter_bundle
	NETNS=husk-ckpt-$$-$RANDOM
	ip netns add "$NETNS"
	cfg '.linux.namespaces |= map(if .type == "network" then .path = $p else . end)' \
		--arg p "/run/netns/$NETNS"
	id=$(new_id)
	run_piped "$id"
	wait_until lines_beyond 1
	run criu_hk checkpoint --image-path "$IMG" "$id"
	assert_success
	restore_piped "$id" --image-path "$IMG"
	pid=$(container_pid "$id")
	assert_equal "$(stat -L -c %i "/proc/$pid/ns/net")" "$(stat -L -c %i "/run/netns/$NETNS")"
	n=$(count_lines)
	wait_until lines_beyond "$n"
	run consecutive 1
	assert_success
}

@test "restore in the foreground waits for the container and exits with its code" {
	requires_criu
	counter_bundle
	id=$(new_id)
	run_piped "$id"
	wait_until lines_beyond 1
	run criu_hk checkpoint --image-path "$IMG" "$id"
	assert_success

	criu_hk restore --image-path "$IMG" -b "$BUNDLE" "$id" < <(:) >/dev/null 2>"$BATS_TEST_TMPDIR/fg.err" 3>&- &
	fg=$!
	wait_status "$id" running
	run husk kill "$id" KILL
	assert_success
	code=0
	wait "$fg" || code=$?
	assert_equal "$code" 137
	# and it deleted the container
	run husk state "$id"
	assert_failure
}

@test "checkpoint with a missing, old or broken criu fails with criu's error and leaves the container running" {
	counter_bundle
	id=$(new_id)
	run_piped "$id"
	wait_until lines_beyond 1
	pid=$(container_pid "$id")

	run husk --criu /nonexistent/criu checkpoint --image-path "$IMG" "$id"
	assert_failure
	assert_output_contains 'checkpoint "'"$id"'"' 'criu "/nonexistent/criu"' "No such file or directory"
	still_running "$id" "$pid"

	run husk --criu "$(fake_criu old)" checkpoint --image-path "$IMG" "$id"
	assert_failure
	assert_output_contains "version 2.0.0, too old" "3.15.0 or newer"
	still_running "$id" "$pid"

	run husk --criu "$(fake_criu broken)" checkpoint --image-path "$IMG" "$id"
	assert_failure
	assert_output_contains "criu dump failed (exit status 1)" \
		"Error (criu/vdso.c:381): vdso: Unexpected rt vDSO area bounds" "(log: $IMG/dump.log)"
	still_running "$id" "$pid"
	in_cgroup "$pid" "$id"

	# and a real criu that cannot work here (Debian 12's 3.17 on this kernel)
	if command -v "$CRIU" >/dev/null && ! "$CRIU" check >/dev/null 2>&1; then
		run criu_hk checkpoint --image-path "$IMG.real" "$id"
		assert_failure
		assert_output_contains "criu dump failed" "Error (" "(log: $IMG.real/dump.log)"
		still_running "$id" "$pid"
		in_cgroup "$pid" "$id"
	fi
}

@test "checkpoint: bad flags and states fail before anything, naming the flag" {
	counter_bundle
	id=$(new_id)
	run_piped "$id"
	pid=$(container_pid "$id")
	c=$(fake_criu broken)	# never reached

	run husk --criu "$c" checkpoint --image-path "$IMG" --manage-cgroups-mode props "$id"
	assert_failure
	assert_output_contains '--manage-cgroups-mode: invalid value "props" (want soft, full, strict or ignore)'
	run husk --criu "$c" checkpoint --image-path "$IMG" --page-server nowhere "$id"
	assert_failure
	assert_output_contains '--page-server "nowhere": want ADDRESS:PORT'
	run husk --criu "$c" checkpoint --image-path "$IMG" --page-server host:70000 "$id"
	assert_failure
	assert_output_contains '--page-server "host:70000": invalid port "70000"'
	run husk --criu "$c" checkpoint --image-path "$IMG" --empty-ns ipc "$id"
	assert_failure
	assert_output_contains '--empty-ns "ipc": criu can leave only the "network" namespace empty'
	run husk --criu "$c" checkpoint --image-path "$IMG" --parent-path /abs "$id"
	assert_failure
	assert_output_contains '--parent-path "/abs": must be relative to --image-path'
	run husk --criu "$c" checkpoint --image-path "$IMG" --no-such-flag "$id"
	assert_failure
	assert_output_contains 'unknown flag "--no-such-flag"'
	run husk --criu "$c" checkpoint --image-path "" "$id"
	assert_failure
	assert_output_contains "--image-path: must not be empty"
	run husk --criu "$c" checkpoint --image-path "$IMG"
	assert_failure
	assert_output_contains "missing argument"
	[ ! -e "$IMG" ]
	run husk --criu "$c" checkpoint --image-path "$IMG" --parent-path nothere "$id"
	assert_failure
	assert_output_contains '--parent-path "nothere"' "No such file or directory"
	still_running "$id" "$pid"

	run husk checkpoint --image-path "$IMG" no-such-container
	assert_failure
	assert_output_contains 'container "no-such-container" does not exist'

	created=$(new_id)
	create_container "$created"
	run husk --criu "$c" checkpoint --image-path "$IMG" "$created"
	assert_failure
	assert_output_contains "cannot checkpoint container \"$created\": it is created, not running"
	assert_equal "$(state_field "$created" .status)" created
}

@test "checkpoint refuses a container with a terminal, which husk cannot restore" {
	make_bundle
	set_args sleep 1000
	cfg '.process.terminal = true'
	sock=$BATS_TEST_TMPDIR/console.sock
	# the far end of the console socket: takes the pty master and drops it
	socat UNIX-LISTEN:"$sock" OPEN:/dev/null 3>&- &
	wait_file "$sock"
	id=$(new_id)
	husk run -d --console-socket "$sock" -b "$BUNDLE" "$id" </dev/null >/dev/null 2>&1 3>&- ||
		fail "husk run $id failed"
	pid=$(container_pid "$id")
	run husk --criu "$(fake_criu broken)" checkpoint --image-path "$IMG" "$id"
	assert_failure
	assert_output_contains "cannot checkpoint container \"$id\": it has a terminal (process.terminal)"
	assert_equal "$(state_field "$id" .status)" running
	assert_equal "$(state_field "$id" .pid)" "$pid"
	[ ! -e "$IMG" ]
	wait
}

@test "--pre-dump needs dirty memory tracking: a clear error without it, else pre-dump then dump" {
	requires_criu
	counter_bundle
	id=$(new_id)
	run_piped "$id"
	wait_until lines_beyond 1
	pid=$(container_pid "$id")

	if ! "$CRIU" check --feature mem_dirty_track >/dev/null 2>&1; then
		run criu_hk checkpoint --pre-dump --image-path "$IMG/1" "$id"
		assert_failure
		assert_output_contains "--pre-dump: criu cannot track memory changes on this kernel" \
			"mem_dirty_track"
		still_running "$id" "$pid"
		mkdir -p "$IMG/1"	# as if the pre-dump had worked
		run criu_hk checkpoint --image-path "$IMG/2" --parent-path ../1 "$id"
		assert_failure
		assert_output_contains "--parent-path: criu cannot track memory changes"
		still_running "$id" "$pid"
		return
	fi
	run criu_hk checkpoint --pre-dump --image-path "$IMG/1" "$id"
	assert_success
	still_running "$id" "$pid"
	run criu_hk checkpoint --image-path "$IMG/2" --parent-path ../1 "$id"
	assert_success
	n=$(count_lines)
	restore_piped "$id" --image-path "$IMG/2"
	wait_until lines_beyond $((n + 2))
	run consecutive 1
	assert_success
}

@test "checkpoint --page-server sends the memory to a criu page server" {
	requires_criu
	counter_bundle
	id=$(new_id)
	run_piped "$id"
	wait_until lines_beyond 1
	mkdir -p "$BATS_TEST_TMPDIR/pages"
	# a free port from the kernel: bind to 0 and ask
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null) ||
		port=$((20000 + RANDOM % 20000))
	"$CRIU" page-server -d --images-dir "$BATS_TEST_TMPDIR/pages" --address 127.0.0.1 --port "$port" \
		--pidfile "$BATS_TEST_TMPDIR/ps.pid" -o ps.log 3>&- || fail "criu page-server did not start"
	# it serves one dump and exits; should the dump not come, it goes too
	PAGE_SERVER=$(cat "$BATS_TEST_TMPDIR/ps.pid")

	run criu_hk checkpoint --page-server "127.0.0.1:$port" --image-path "$IMG" "$id"
	assert_success
	# the pages went to the server, the rest stayed
	ls "$BATS_TEST_TMPDIR"/pages/pages-*.img
	refute ls "$IMG"/pages-*.img
	n=$(count_lines)
	cp "$BATS_TEST_TMPDIR"/pages/*.img "$IMG"/
	restore_piped "$id" --image-path "$IMG"
	wait_until lines_beyond $((n + 2))
	run consecutive 1
	assert_success
}

@test "restore: bad flags, images and a failing criu leave nothing behind" {
	counter_bundle
	id=$(new_id)

	run husk restore -d -b "$BUNDLE" --image-path "$IMG" "$id"
	assert_failure
	assert_output_contains "--image-path \"$IMG\": no checkpoint there"
	run husk restore -d -b "$BUNDLE" --manage-cgroups-mode bogus "$id"
	assert_failure
	assert_output_contains '--manage-cgroups-mode: invalid value "bogus"'
	run husk restore -d -b "$BUNDLE" --empty-ns pid "$id"
	assert_failure
	assert_output_contains '--empty-ns "pid"'
	run husk restore -d -b "$BUNDLE" --no-such-flag "$id"
	assert_failure
	assert_output_contains 'unknown flag "--no-such-flag"'

	# an image directory that looks right, and criu fails in it
	mkdir -p "$IMG"
	: >"$IMG/inventory.img"
	echo '["pipe:[1]","pipe:[2]","pipe:[2]"]' >"$IMG/descriptors.json"
	run husk --criu /nonexistent/criu restore -d -b "$BUNDLE" --image-path "$IMG" "$id"
	assert_failure
	assert_output_contains 'restore "'"$id"'"' 'criu "/nonexistent/criu"' "No such file or directory"
	run husk --criu "$(fake_criu broken)" restore -d -b "$BUNDLE" --image-path "$IMG" "$id" < <(:)
	assert_failure
	assert_output_contains "criu restore failed (exit status 1)" \
		"vdso: Unexpected rt vDSO area bounds" "(log: $IMG/restore.log)"
	run husk --criu "$(fake_criu broken)" restore -d -b "$BUNDLE" --console-socket /x --image-path "$IMG" "$id"
	assert_failure
	assert_output_contains "--console-socket" "process.terminal is false"
	echo 'not json' >"$IMG/descriptors.json"
	run husk --criu "$(fake_criu broken)" restore -d -b "$BUNDLE" --image-path "$IMG" "$id"
	assert_failure
	assert_output_contains "descriptors.json"
	run husk list -q
	assert_output ""
	assert_no_leftovers "$id"
}

@test "a restore that criu gives up half way leaves nothing behind" {
	requires_criu
	counter_bundle
	id=$(new_id)
	run_piped "$id"
	wait_until lines_beyond 1
	run criu_hk checkpoint --image-path "$IMG.real" "$id"
	assert_success
	rm "$IMG.real"/pstree.img
	run criu_hk restore -d -b "$BUNDLE" --image-path "$IMG.real" "$id" < <(:)
	assert_failure
	assert_output_contains "criu restore failed" "(log: $IMG.real/restore.log)"
	run husk list -q
	assert_output ""
	assert_no_leftovers "$id"
}

@test "restore refuses an id that exists and leaves that container alone" {
	counter_bundle
	id=$(new_id)
	run_piped "$id"
	pid=$(container_pid "$id")
	mkdir -p "$IMG"
	: >"$IMG/inventory.img"
	echo '[]' >"$IMG/descriptors.json"
	run husk --criu "$(fake_criu broken)" restore -d -b "$BUNDLE" --image-path "$IMG" "$id"
	assert_failure
	assert_output_contains "File exists"
	still_running "$id" "$pid"
	in_cgroup "$pid" "$id"
}
