#!/usr/bin/env bats
# The reaper of foreground `run` and `exec`: signals husk receives are
# forwarded to the container's process, every child that ends up with husk
# (a child subreaper) is reaped, and husk exits with the process's exit code,
# 128+N for signal N. Detached containers are left to the caller's reaper.
#
# husk is started in the background straight from bats ("$HUSK_BIN" ... &),
# so that $! is husk itself and not a subshell.

load helpers
load session_helpers

SIGNALS="TERM INT HUP QUIT USR1 USR2 WINCH ALRM"

# A script that traps every signal of $SIGNALS, logs each one it gets to
# /sigs, says it is ready with /ready, and exits 3 once /done exists.
TRAPPER='for s in '"$SIGNALS"'; do trap "echo $s >>/sigs" $s; done
	touch /ready
	while [ ! -e /done ]; do sleep 0.1; done
	exit 3'

# husk_bg OUTFILE ARGS...: husk ARGS in the background, stdio on files;
# sets HPID
husk_bg() {
	local out=$1
	shift
	"$HUSK_BIN" --root "$HUSK_ROOT" "$@" </dev/null >"$out" 2>&1 3>&- &
	HPID=$!
	echo "$HPID" >>"$BATS_TEST_TMPDIR/.helpers"
}

# wait_hpid: wait for husk; sets rc
wait_hpid() {
	rc=0
	wait "$HPID" || rc=$?
}

# send_each_and_check: send every signal of $SIGNALS to husk; each one must
# show up in $ROOTFS/sigs, in order, with husk still alive
send_each_and_check() {
	local s n=0
	got_n() { [ "$(wc -l <"$ROOTFS/sigs" 2>/dev/null)" = "$n" ]; }
	for s in $SIGNALS; do
		kill -s "$s" "$HPID"
		n=$((n + 1))
		wait_until got_n ||
			fail "signal $s was not forwarded; got: $(cat "$ROOTFS/sigs" 2>/dev/null)" || return
		assert_equal "$(tail -n1 "$ROOTFS/sigs")" "$s" || return
		pid_alive "$HPID" || fail "husk died of SIG$s" || return
	done
}

# runs_in_rootfs CMDLINE: a process of $ROOTFS runs CMDLINE
runs_in_rootfs() {
	[ -n "$(pids_in_rootfs "$ROOTFS" "$1")" ]
}

# zombie_children PID: children of PID that are zombies
zombie_children() {
	local p
	for p in /proc/[0-9]*; do
		p=${p#/proc/}
		[ "$(ppid_of "$p" 2>/dev/null)" = "$1" ] && [ "$(proc_state "$p" 2>/dev/null)" = Z ] && echo "$p"
	done
	return 0
}

# children_of PID: live or zombie children of PID
children_of() {
	local p
	for p in /proc/[0-9]*; do
		p=${p#/proc/}
		[ "$(ppid_of "$p" 2>/dev/null)" = "$1" ] && echo "$p"
	done
	return 0
}

@test "run in the foreground forwards TERM INT HUP QUIT USR1 USR2 WINCH ALRM to the container" {
	make_bundle
	set_args sh -c "$TRAPPER"
	id=$(new_id)
	husk_bg "$BATS_TEST_TMPDIR/out" run -b "$BUNDLE" "$id"
	wait_file "$ROOTFS/ready"
	send_each_and_check
	touch "$ROOTFS/done"
	wait_hpid
	assert_equal "$rc" 3
	[ ! -e "$HUSK_ROOT/$id" ]
}

@test "exec in the foreground forwards TERM INT HUP QUIT USR1 USR2 WINCH ALRM to the process" {
	sleeper_bundle
	id=$(new_id)
	running "$id"
	husk_bg "$BATS_TEST_TMPDIR/out" exec "$id" sh -c "$TRAPPER"
	wait_file "$ROOTFS/ready"
	send_each_and_check
	touch "$ROOTFS/done"
	wait_hpid
	assert_equal "$rc" 3
	# the init got none of them
	pid_alive "$INIT"
	assert_equal "$(state_field "$id" .status)" running
}

@test "run: a forwarded signal that kills the container gives 128+N (no pid namespace: no pid 1 protection)" {
	make_bundle
	cfg '.linux.namespaces |= map(select(.type != "pid"))'
	set_args sh -c 'touch /ready; exec sleep 1000'
	for sig in TERM:143 HUP:129 USR1:138 INT:130; do
		id=$(new_id)
		rm -f "$ROOTFS/ready"
		husk_bg "$BATS_TEST_TMPDIR/out" run -b "$BUNDLE" "$id"
		wait_file "$ROOTFS/ready"
		wait_until cmdline_has "$(container_pid "$id")" 1000
		kill -s "${sig%:*}" "$HPID"
		wait_hpid
		assert_equal "$sig rc=$rc" "$sig rc=${sig#*:}"
		[ ! -e "$HUSK_ROOT/$id" ]
	done
}

@test "run: the container killing itself with signal N gives 128+N" {
	make_bundle
	cfg '.linux.namespaces |= map(select(.type != "pid"))'
	for sig in USR2:140 ALRM:142 KILL:137 TERM:143; do
		run run_in_container sh -c "kill -${sig%:*} \$\$; sleep 5"
		assert_equal "$sig status=$status" "$sig status=${sig#*:}"
	done
}

@test "exec: signals to husk that kill the process give 128+N" {
	sleeper_bundle
	id=$(new_id)
	running "$id"
	for sig in TERM:143 HUP:129 INT:130 QUIT:131 USR1:138; do
		rm -f "$ROOTFS/ready"
		husk_bg "$BATS_TEST_TMPDIR/out" exec "$id" sh -c 'touch /ready; exec sleep 1001'
		wait_file "$ROOTFS/ready"
		wait_until runs_in_rootfs 'sleep 1001'
		kill -s "${sig%:*}" "$HPID"
		wait_hpid
		assert_equal "$sig rc=$rc" "$sig rc=${sig#*:}"
		assert_equal "$(pids_in_rootfs "$ROOTFS" 'sleep 1001')" ""
	done
	pid_alive "$INIT"
}

@test "run without a pid namespace: orphans are re-parented to husk and reaped, no zombies" {
	make_bundle
	cfg '.linux.namespaces |= map(select(.type != "pid"))'
	# a long-lived orphan (its pid is a host pid: no pid namespace) and
	# five short-lived ones, all double-forked away from the container process
	set_args sh -c '(sleep 1002 & echo $! >/orphan.pid)
		for i in 1 2 3 4 5; do (sleep 0.1 &); done
		touch /ready
		while [ ! -e /done ]; do sleep 0.1; done'
	id=$(new_id)
	husk_bg "$BATS_TEST_TMPDIR/out" run -b "$BUNDLE" "$id"
	wait_file "$ROOTFS/ready"
	cpid=$(container_pid "$id")
	orphan=$(cat "$ROOTFS/orphan.pid")
	# husk is a child subreaper: the orphan is now husk's child
	assert_equal "$(ppid_of "$orphan")" "$HPID"
	# (its fork may not have exec'd sleep yet)
	wait_until cmdline_has "$orphan" 1002
	# the short-lived ones die; husk reaps them while the container runs
	only_container_left() {
		[ "$(children_of "$HPID" | sort -n | tr '\n' ' ')" = "$(printf '%s\n' "$cpid" "$orphan" | sort -n | tr '\n' ' ')" ]
	}
	wait_until only_container_left || fail "children of husk: $(children_of "$HPID")"
	# the long-lived one dies too: gone entirely, not left a zombie
	kill -9 "$orphan"
	orphan_reaped() { [ ! -e "/proc/$orphan" ]; }
	wait_until orphan_reaped || fail "orphan $orphan left as a zombie of husk ($(proc_state "$orphan"))"
	assert_equal "$(zombie_children "$HPID")" ""
	touch "$ROOTFS/done"
	wait_hpid
	assert_equal "$rc" 0
}

@test "exec without a pid namespace: orphans of the exec'd process are reaped by husk" {
	sleeper_bundle
	cfg '.linux.namespaces |= map(select(.type != "pid"))'
	id=$(new_id)
	running "$id"
	husk_bg "$BATS_TEST_TMPDIR/out" exec "$id" sh -c '(sleep 1003 & echo $! >/orphan.pid)
		for i in 1 2 3 4 5; do (sleep 0.1 &); done
		touch /ready
		while [ ! -e /done ]; do sleep 0.1; done; exit 4'
	wait_file "$ROOTFS/ready"
	orphan=$(cat "$ROOTFS/orphan.pid")
	assert_equal "$(ppid_of "$orphan")" "$HPID"
	two_children() { [ "$(children_of "$HPID" | wc -l)" = 2 ]; }
	wait_until two_children || fail "children of husk: $(children_of "$HPID")"
	assert_equal "$(zombie_children "$HPID")" ""
	kill -9 "$orphan"
	orphan_reaped() { [ ! -e "/proc/$orphan" ]; }
	wait_until orphan_reaped || fail "orphan $orphan left as a zombie of husk"
	touch "$ROOTFS/done"
	wait_hpid
	assert_equal "$rc" 4
}

@test "exec: husk returns with the process's code while an orphan it adopted still runs" {
	sleeper_bundle
	cfg '.linux.namespaces |= map(select(.type != "pid"))'
	id=$(new_id)
	running "$id"
	run husk exec "$id" sh -c '(exec sleep 1004 </dev/null >/dev/null 2>&1 &); exit 5' </dev/null 3>&-
	assert_failure 5
	# the orphan stays a member of the container
	wait_until runs_in_rootfs 'sleep 1004'
	orphan=$(pids_in_rootfs "$ROOTFS" 'sleep 1004')
	assert_equal "$(cat "/proc/$orphan/cgroup")" "$(cat "/proc/$INIT/cgroup")"
	husk delete --force "$id"
	wait_gone "$orphan"
}

@test "create (no monitor): nothing of husk stays; the init goes to the caller's subreaper" {
	command -v python3 >/dev/null || skip "no python3 to make a subreaper with"
	make_bundle
	set_args sleep 1005
	id=$(new_id)
	# a caller that is a child subreaper, like conmon or containerd's shim
	run python3 -c '
import ctypes, os, subprocess, sys
if ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) != 0:  # PR_SET_CHILD_SUBREAPER
    sys.exit("prctl failed")
rc = subprocess.call(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL)
if rc != 0:
    sys.exit("husk create failed: %d" % rc)
pid = int(subprocess.check_output(sys.argv[1:4] + ["state", sys.argv[-1]]).decode().split("\"pid\":")[1].split(",")[0])
with open("/proc/%d/stat" % pid) as f:
    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
print("ppid-is-caller" if ppid == os.getpid() else "ppid %d, caller %d" % (ppid, os.getpid()))
' "$HUSK_BIN" --root "$HUSK_ROOT" create -b "$BUNDLE" "$id"
	assert_success
	assert_output ppid-is-caller
	# no husk process of the container is left behind but the init (which
	# runs husk's code until start)
	assert_equal "$(procs_with_arg "$id")" "$(container_pid "$id")"
}
