# Helpers for the terminal, exec, reaper and monitor tests (issue 5).
# `load helpers` first, then `load session_helpers`.

RECEIVER=${RECEIVER:-$HUSK_SRC/build/tools/console-receiver}

# husk_files ARGS...: husk ARGS with stdin /dev/null and stdout and stderr on
# a file that is printed afterwards; husk's exit status. For `run` with
# commands that should fail: if one wrongly succeeds, the process it leaves
# holds a file, not the pipe `run` reads to its end (which would hang).
husk_files() {
	local f=$BATS_TEST_TMPDIR/husk_files.$RANDOM rc=0
	"$HUSK_BIN" --root "$HUSK_ROOT" "$@" </dev/null >"$f" 2>&1 3>&- || rc=$?
	cat "$f"
	return $rc
}

# need_receiver: skip unless the console-socket receiver is built.
need_receiver() {
	[ -x "$RECEIVER" ] ||
		skip "no $RECEIVER: build it with 'make build/tools/console-receiver' (make check does)"
}

# start_receiver NAME [RECEIVER OPTION...]: a console-receiver listening on
# $BATS_TEST_TMPDIR/NAME.sock in the background, its pty output going to
# NAME.out, its messages to NAME.err and what it received to NAME.info.
# Its pid is remembered for wait_receiver and for teardown.
start_receiver() {
	local name=$1
	shift
	need_receiver
	"$RECEIVER" -n "$BATS_TEST_TMPDIR/$name.info" "$@" "$BATS_TEST_TMPDIR/$name.sock" \
		</dev/null >"$BATS_TEST_TMPDIR/$name.out" 2>"$BATS_TEST_TMPDIR/$name.err" 3>&- &
	echo "$!" >"$BATS_TEST_TMPDIR/$name.pid"
	echo "$!" >>"$BATS_TEST_TMPDIR/.helpers"
	wait_file "$BATS_TEST_TMPDIR/$name.sock"
}

# wait_receiver NAME: wait for the receiver to finish; sets $status to its exit
# status and $output to the pty output it printed, carriage returns removed.
wait_receiver() {
	local pid
	pid=$(cat "$BATS_TEST_TMPDIR/$1.pid")
	status=0
	wait "$pid" || status=$?
	output=$(tr -d '\r' <"$BATS_TEST_TMPDIR/$1.out")
	[ "$status" -eq 0 ] || fail "console-receiver $1 exited $status: $(cat "$BATS_TEST_TMPDIR/$1.err")" \
		"pty output: $output"
}

# info_field NAME KEY: a key=value line of the receiver's info file.
info_field() {
	sed -n "s/^$2=//p" "$BATS_TEST_TMPDIR/$1.info"
}

# kill_helpers: end the background helpers this test started (by pid).
kill_helpers() {
	local p
	[ -f "$BATS_TEST_TMPDIR/.helpers" ] || return 0
	while read -r p; do
		kill -9 "$p" 2>/dev/null
	done <"$BATS_TEST_TMPDIR/.helpers"
	rm -f "$BATS_TEST_TMPDIR/.helpers"
}

teardown() {
	kill_helpers
	husk_teardown
}

# cmdline_has PID STRING: /proc/PID/cmdline has an argument equal to STRING
cmdline_has() {
	local a
	while IFS= read -r -d '' a; do
		[ "$a" = "$2" ] && return 0
	done <"/proc/$1/cmdline" 2>/dev/null
	return 1
}

# procs_with_arg STRING: pids of live processes (not zombies) with an
# argument equal to STRING (a container id: finds husk processes of it).
procs_with_arg() {
	local p
	for p in /proc/[0-9]*; do
		p=${p#/proc/}
		[ "$p" = "$$" ] || [ "$p" = "$BASHPID" ] && continue
		cmdline_has "$p" "$1" && pid_alive "$p" && echo "$p"
	done
	return 0
}

# pids_in_rootfs ROOTFS CMDLINE: pids of the processes of ROOTFS whose
# command line (arguments joined by spaces) is CMDLINE
pids_in_rootfs() {
	procs_in_rootfs "$1" |
		awk -v c="$2" '{ p = $1; $1 = ""; sub(/^ /, ""); sub(/ $/, "") } $0 == c { print p }'
}

# ppid_of PID
ppid_of() {
	sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f2
}

# proc_state PID: the one-letter state (R, S, Z...)
proc_state() {
	sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f1
}

# sigcaught PID SIGNO: PID has a handler for SIGNO
sigcaught() {
	local mask
	mask=$(awk '/^SigCgt:/ {print $2}' "/proc/$1/status") || return
	(((0x$mask >> ($2 - 1)) & 1))
}

# status_field PID NAME: a field of /proc/PID/status (CapEff, NoNewPrivs...)
status_field() {
	awk -v k="$2:" '$1 == k { $1 = ""; sub(/^[ \t]+/, ""); print }' "/proc/$1/status"
}

# cap_bit HEXMASK BIT: the capability BIT is set in HEXMASK
cap_bit() {
	(((0x$1 >> $2) & 1))
}

# husk_has COMMAND: husk knows the subcommand (skip-worthy when not)
husk_has() {
	"$HUSK_BIN" "$1" --help >/dev/null 2>&1
}

# sleeper_bundle: $BUNDLE whose init is a unique, long sleep (`sleep 4242`),
# so that the init is easy to tell from exec'd processes.
sleeper_bundle() {
	make_bundle && set_args sleep 4242
}

# running ID: a detached container of $BUNDLE, running; prints nothing and
# sets INIT (its pid)
running() {
	run_detached "$1" || return
	INIT=$(container_pid "$1") || fail "no pid for $1" || return
}

# count_in_rootfs: how many processes run from $ROOTFS
count_in_rootfs() {
	procs_in_rootfs "$ROOTFS" | wc -l
}

# Foreground sessions on a pty: tty_session runs a shell script in a new
# pty with script(1), so husk's stdin, stdout and stderr are a terminal.
# The session's stdin is a FIFO that the test keeps open (script(1) would
# type a NUL or EOF into the session if its own stdin ended), fed from
# $BATS_TEST_TMPDIR/tty.in when that exists.
#
# tty_session SCRIPT_FILE: $output gets what the session printed, carriage
# returns removed; $status its exit status.
tty_session() {
	local fifo=$BATS_TEST_TMPDIR/tty.fifo fd
	command -v script >/dev/null || skip "no script(1) (util-linux)"
	rm -f "$fifo"
	mkfifo "$fifo"
	exec {fd}<>"$fifo"
	[ -f "$BATS_TEST_TMPDIR/tty.in" ] && cat "$BATS_TEST_TMPDIR/tty.in" >&$fd
	status=0
	output=$(script -qec "sh $1" /dev/null <&$fd 3>&- 2>&1) || status=$?
	exec {fd}>&-
	output=$(tr -d '\r' <<<"$output")
}

# tty_session_start SCRIPT_FILE: tty_session in the background, so that the
# test can type into it meanwhile (tty_type) and then tty_session_wait.
tty_session_start() {
	local fifo=$BATS_TEST_TMPDIR/tty.fifo
	command -v script >/dev/null || skip "no script(1) (util-linux)"
	rm -f "$fifo"
	mkfifo "$fifo"
	exec {TTY_FD}<>"$fifo"
	script -qec "sh $1" /dev/null <&$TTY_FD >"$BATS_TEST_TMPDIR/tty.out" 2>&1 3>&- &
	TTY_PID=$!
	echo "$TTY_PID" >>"$BATS_TEST_TMPDIR/.helpers"
}

# tty_type STRING: type STRING (printf format) at the session's terminal
tty_type() {
	# shellcheck disable=SC2059
	printf "$1" >&$TTY_FD
}

# tty_session_wait: as tty_session sets them, $status and $output
tty_session_wait() {
	status=0
	wait "$TTY_PID" || status=$?
	exec {TTY_FD}>&-
	output=$(tr -d '\r' <"$BATS_TEST_TMPDIR/tty.out")
}
