#!/usr/bin/env bats
# Terminals: process.terminal in the foreground (a pty relayed to the
# caller's terminal, raw mode, window size), the --console-socket hand-off
# of the pty master (create, run -d, exec -d -t), and their errors.
#
# Foreground sessions run in a pty made by script(1) (tty_session): the
# session script starts husk, and observations are written to files under
# $BATS_TEST_TMPDIR by the session or into the container's rootfs by the
# container, so that assertions never depend on how output interleaves.

load helpers
load session_helpers

# session FILE: write the session script (stdin of this function) to FILE
# with the common variables set first
session() {
	{
		echo "H='$HUSK_BIN --root $HUSK_ROOT'"
		echo "T='$BATS_TEST_TMPDIR'"
		echo "R='$ROOTFS'"
		echo "B='$BUNDLE'"
		echo "waitfor() { i=0; while [ ! -e \"\$1\" ] && [ \$i -lt 100 ]; do sleep 0.1; i=\$((i + 1)); done; }"
		cat
	} >"$1"
}

# decode_tty_nr TTY_NR: "major:minor" in hex, as stat %t:%T prints them
decode_tty_nr() {
	local n=$1
	printf '%x:%x\n' $(((n >> 8) & 0xfff)) $(((n & 0xff) | ((n >> 12) & 0xfff00)))
}

@test "run, terminal true: the container gets a pty as stdio, controlling terminal and /dev/console" {
	make_bundle
	cfg '.process.terminal = true'
	set_args sh -c '
		tty >/tty
		for fd in 0 1 2; do [ -t $fd ] && echo $fd >>/stdio-ttys; done
		: </dev/tty && echo ok >/ctty
		stat -c "%t:%T %d:%i" "$(tty)" >/tty.stat
		stat -c "%t:%T %d:%i" /dev/console >/console.stat
		cut -d" " -f7 /proc/$$/stat >/tty_nr
		echo "hello from the container"
		exit 3'
	id=$(new_id)
	session "$BATS_TEST_TMPDIR/s.sh" <<-EOF
		stat -L -c %d:%i /proc/self/fd/0 >\$T/caller.stat
		\$H run -b \$B $id
		echo "rc=\$?"
	EOF
	tty_session "$BATS_TEST_TMPDIR/s.sh"
	assert_success
	assert_line "hello from the container"
	assert_line "rc=3"
	grep -Eqx '/dev/pts/[0-9]+' "$ROOTFS/tty" || fail "tty printed: $(cat "$ROOTFS/tty")"
	assert_equal "$(cat "$ROOTFS/stdio-ttys" | tr '\n' ' ')" "0 1 2 "
	assert_equal "$(cat "$ROOTFS/ctty")" ok
	# /dev/console is the very pty the init has as its terminal
	assert_equal "$(cat "$ROOTFS/console.stat")" "$(cat "$ROOTFS/tty.stat")"
	# and that pty is the init's controlling terminal
	assert_equal "$(decode_tty_nr "$(cat "$ROOTFS/tty_nr")")" "$(cut -d' ' -f1 "$ROOTFS/tty.stat")"
	# a pty of the container's own, not the caller's terminal passed through
	[ "$(cut -d' ' -f2 "$ROOTFS/tty.stat")" != "$(cat "$BATS_TEST_TMPDIR/caller.stat")" ]
	[ ! -e "$HUSK_ROOT/$id" ]
}

@test "run, terminal true: input is relayed to the container and its output back" {
	make_bundle
	cfg '.process.terminal = true'
	set_args sh -c 'read -r line; echo "got<$line>"; read -r line; echo "got<$line>"'
	id=$(new_id)
	printf 'first line\nsecond\n' >"$BATS_TEST_TMPDIR/tty.in"
	session "$BATS_TEST_TMPDIR/s.sh" <<-EOF
		\$H run -b \$B $id
		echo "rc=\$?"
	EOF
	tty_session "$BATS_TEST_TMPDIR/s.sh"
	assert_success
	assert_line "got<first line>"
	assert_line "got<second>"
	assert_line "rc=0"
}

@test "run, terminal true, stdin and stdout not a terminal: relayed both ways all the same" {
	make_bundle
	cfg '.process.terminal = true'
	set_args sh -c '[ -t 0 ] && echo pty-inside; read -r line; echo "got<$line>"; exit 2'
	id=$(new_id)
	run bash -c 'printf "piped in\n" | "$0" --root "$1" run -b "$2" "$3" 3>&-' "$HUSK_BIN" "$HUSK_ROOT" "$BUNDLE" "$id"
	assert_failure 2
	output=$(tr -d '\r' <<<"$output")
	assert_line pty-inside
	assert_line "got<piped in>"
	[ ! -e "$HUSK_ROOT/$id" ]
}

# A session where the container runs until told to go on, and the caller's
# terminal is looked at meanwhile; $1: how the run ends
raw_mode_session() {
	local how=$1 id
	make_bundle
	cfg '.process.terminal = true'
	set_args sh -c 'trap "exit 5" TERM; touch /ready; while [ ! -e /go ]; do sleep 0.1; done; exit ${CODE:-0}'
	id=$(new_id)
	[ "$how" = exit3 ] && cfg '.process.env += ["CODE=3"]'
	session "$BATS_TEST_TMPDIR/s.sh" <<-EOF
		stty -g >\$T/before
		stty -a >\$T/before.a
		\$H run -b \$B $id </dev/tty &
		hp=\$!
		waitfor \$R/ready
		stty -a >\$T/during
		case $how in
		exit0|exit3) touch \$R/go ;;
		killed) \$H kill $id KILL ;;
		sigterm) kill -TERM \$hp ;;
		esac
		wait \$hp
		echo "rc=\$?"
		stty -g >\$T/after
	EOF
	tty_session "$BATS_TEST_TMPDIR/s.sh"
}

assert_raw_then_restored() {
	# raw while the container ran: no echo, no line editing, no signals
	# from keys, no output processing
	for flag in -icanon -echo -isig -opost; do
		grep -qw -- "$flag" "$BATS_TEST_TMPDIR/during" ||
			fail "caller's terminal not raw during the run (no $flag)" "$(cat "$BATS_TEST_TMPDIR/during")" ||
			return
	done
	grep -qw -- icanon "$BATS_TEST_TMPDIR/before.a" || fail "the session terminal was not cooked at first" || return
	[ -s "$BATS_TEST_TMPDIR/after" ] || fail "no terminal settings after the run" || return
	assert_equal "$(cat "$BATS_TEST_TMPDIR/after")" "$(cat "$BATS_TEST_TMPDIR/before")"
}

@test "run, terminal true: the caller's terminal is raw during the run and restored after exit 0" {
	raw_mode_session exit0
	assert_success
	assert_line "rc=0"
	assert_raw_then_restored
}

@test "run, terminal true: terminal restored after exit 3" {
	raw_mode_session exit3
	assert_success
	assert_line "rc=3"
	assert_raw_then_restored
}

@test "run, terminal true: terminal restored after the container is killed (137)" {
	raw_mode_session killed
	assert_success
	assert_line "rc=137"
	assert_raw_then_restored
}

@test "run, terminal true: terminal restored after SIGTERM to husk (forwarded, container exits 5)" {
	raw_mode_session sigterm
	assert_success
	assert_line "rc=5"
	assert_raw_then_restored
}

@test "run, terminal true: ^C typed at the caller's raw terminal reaches the container through its pty" {
	make_bundle
	cfg '.process.terminal = true'
	set_args sh -c 'trap "echo INT >/got; exit 9" INT; touch /ready; while :; do sleep 0.1; done'
	id=$(new_id)
	session "$BATS_TEST_TMPDIR/s.sh" <<-EOF
		tty >\$T/tty.name
		\$H run -b \$B $id
		echo "rc=\$?"
	EOF
	tty_session_start "$BATS_TEST_TMPDIR/s.sh"
	wait_file "$ROOTFS/ready"
	# once husk has made the caller's terminal raw, ^C is a byte like any
	# other there: no SIGINT for husk or the session; the container's own
	# pty turns it into SIGINT for the container
	caller_raw() { stty -F "$(cat "$BATS_TEST_TMPDIR/tty.name")" -a | grep -qw -- -isig; }
	wait_until caller_raw
	tty_type '\003'
	tty_session_wait
	assert_success
	# (the container's pty echoes the ^C, with no newline after it)
	grep -q 'rc=9$' <<<"$output" || fail "no rc=9" "$output"
	assert_equal "$(cat "$ROOTFS/got")" INT
}

@test "run, terminal true: terminal untouched when the container fails to start" {
	make_bundle
	cfg '.process.terminal = true'
	set_args /no/such/program
	id=$(new_id)
	session "$BATS_TEST_TMPDIR/s.sh" <<-EOF
		stty -g >\$T/before
		\$H run -b \$B $id
		echo "rc=\$?"
		stty -g >\$T/after
	EOF
	tty_session "$BATS_TEST_TMPDIR/s.sh"
	assert_success
	assert_output_contains /no/such/program
	assert_no_line "rc=0"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/after")" "$(cat "$BATS_TEST_TMPDIR/before")"
	[ ! -e "$HUSK_ROOT/$id" ]
}

@test "run, terminal true: the container starts with the caller's window size and follows SIGWINCH" {
	make_bundle
	cfg '.process.terminal = true'
	# stty size right away, as the first thing the container does: the
	# size must already be there, not arrive a little later
	set_args sh -c 'stty size >/size.start
		trap "stty size >/size.winch; exit 0" WINCH
		touch /ready
		while :; do sleep 0.1; done'
	id=$(new_id)
	session "$BATS_TEST_TMPDIR/s.sh" <<-EOF
		stty rows 33 cols 77
		\$H run -b \$B $id </dev/tty &
		hp=\$!
		waitfor \$R/ready
		# the kernel sends SIGWINCH to the terminal's foreground process
		# group, husk's: it must pass the new size to the container's pty
		stty rows 44 cols 99
		wait \$hp
		echo "rc=\$?"
	EOF
	tty_session "$BATS_TEST_TMPDIR/s.sh"
	assert_success
	assert_line "rc=0"
	assert_equal "$(cat "$ROOTFS/size.start")" "33 77"
	assert_equal "$(cat "$ROOTFS/size.winch")" "44 99"
}

@test "run, terminal true: the first command sees the window size (no race with the relay)" {
	make_bundle
	cfg '.process.terminal = true'
	set_args stty size
	id=$(new_id)
	# twenty runs: the size must be set before the process starts, every time
	session "$BATS_TEST_TMPDIR/s.sh" <<-EOF
		stty rows 21 cols 61
		for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
			\$H run -b \$B $id-\$i
		done
	EOF
	for i in $(seq 20); do echo "$id-$i" >>"$BATS_TEST_TMPDIR/.ids"; done
	tty_session "$BATS_TEST_TMPDIR/s.sh"
	assert_success
	assert_equal "$(grep -c '^21 61$' <<<"$output")" 20
}

@test "exec -t in the foreground: pty, relay, window size, raw mode restored, exit code" {
	make_bundle
	set_args sleep 4242
	id=$(new_id)
	running "$id"
	session "$BATS_TEST_TMPDIR/s.sh" <<-EOF
		stty rows 30 cols 70
		stty -g >\$T/before
		\$H exec -t $id sh -c 'stty size; tty; [ -t 0 ] && [ -t 1 ] && echo stdio-tty; : </dev/tty && echo ctty-ok; read -r l; echo "got<\$l>"; exit 6'
		echo "rc=\$?"
		stty -g >\$T/after
	EOF
	echo 'typed' >"$BATS_TEST_TMPDIR/tty.in"
	tty_session "$BATS_TEST_TMPDIR/s.sh"
	assert_success
	assert_line "30 70"
	grep -Eqx '/dev/pts/[0-9]+' <<<"$output" || fail "no /dev/pts/N printed" "$output"
	assert_line stdio-tty
	assert_line ctty-ok
	assert_line "got<typed>"
	assert_line "rc=6"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/after")" "$(cat "$BATS_TEST_TMPDIR/before")"
	# the container goes on
	assert_equal "$(state_field "$id" .status)" running
}

@test "exec -t in the foreground: raw during, restored after, SIGWINCH followed" {
	make_bundle
	set_args sleep 4242
	id=$(new_id)
	running "$id"
	session "$BATS_TEST_TMPDIR/s.sh" <<-EOF
		stty rows 31 cols 71
		stty -g >\$T/before
		\$H exec -t $id sh -c 'stty size >/x.start; trap "stty size >/x.winch; exit 0" WINCH; touch /x.ready; while :; do sleep 0.1; done' </dev/tty &
		hp=\$!
		waitfor \$R/x.ready
		stty -a >\$T/during
		stty rows 41 cols 81
		wait \$hp
		echo "rc=\$?"
		stty -g >\$T/after
	EOF
	tty_session "$BATS_TEST_TMPDIR/s.sh"
	assert_success
	assert_line "rc=0"
	assert_equal "$(cat "$ROOTFS/x.start")" "31 71"
	assert_equal "$(cat "$ROOTFS/x.winch")" "41 81"
	grep -qw -- -icanon "$BATS_TEST_TMPDIR/during" || fail "not raw during exec -t"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/after")" "$(cat "$BATS_TEST_TMPDIR/before")"
}

@test "exec without -t in a pty session: the caller's terminal passed through as is" {
	make_bundle
	set_args sleep 4242
	id=$(new_id)
	running "$id"
	session "$BATS_TEST_TMPDIR/s.sh" <<-EOF
		stat -L -c %d:%i /proc/self/fd/0 >\$T/caller.stat
		stty -g >\$T/before
		\$H exec $id sh -c 'stat -L -c %d:%i /proc/self/fd/0 >/fd0.stat; stty -a >/stty.a; exit 0'
		echo "rc=\$?"
		stty -g >\$T/after
	EOF
	tty_session "$BATS_TEST_TMPDIR/s.sh"
	assert_line "rc=0"
	# no pty of its own: its stdin is the caller's terminal, left cooked
	assert_equal "$(cat "$ROOTFS/fd0.stat")" "$(cat "$BATS_TEST_TMPDIR/caller.stat")"
	grep -qw icanon "$ROOTFS/stty.a" || fail "the terminal was not left cooked" "$(cat "$ROOTFS/stty.a")"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/after")" "$(cat "$BATS_TEST_TMPDIR/before")"
}

@test "create --console-socket: the pty master arrives by SCM_RIGHTS and talks to the container" {
	make_bundle
	cfg '.process.terminal = true'
	set_args sh -c 'tty; [ -t 0 ] && [ -t 1 ] && [ -t 2 ] && echo stdio-tty; : </dev/tty && echo ctty-ok
		stat -c "%t:%T %d:%i" "$(tty)" /dev/console | uniq | wc -l
		read -r line; echo "got<$line>"; exit 4'
	id=$(new_id)
	start_receiver r -i $'ping\n'
	create_container "$id" --console-socket "$BATS_TEST_TMPDIR/r.sock"
	assert_equal "$(state_field "$id" .status)" created
	husk start "$id"
	wait_receiver r
	assert_equal "$(info_field r fds)" 1
	ptn=$(info_field r ptn)
	[ "$ptn" != none ] || fail "the fd received is not a pty master"
	# the master received is the one of the container's pty
	assert_line "/dev/pts/$ptn"
	assert_line stdio-tty
	assert_line ctty-ok
	assert_line 1	# /dev/console and the tty: one and the same
	assert_line "got<ping>"
	wait_status "$id" stopped
	# nothing of the pty went to husk's own stdio
	assert_equal "$(cat "$BATS_TEST_TMPDIR/$id.out")" ""
}

@test "create --console-socket: process.consoleSize is the pty's size" {
	make_bundle
	cfg '.process.terminal = true | .process.consoleSize = {height: 25, width: 90}'
	set_args stty size
	id=$(new_id)
	start_receiver r
	create_container "$id" --console-socket "$BATS_TEST_TMPDIR/r.sock"
	husk start "$id"
	wait_receiver r
	assert_line "25 90"
}

@test "run -d --console-socket: the pty master arrives; husk returns with the container running" {
	make_bundle
	cfg '.process.terminal = true'
	set_args sh -c 'echo started; read -r line; echo "got<$line>"'
	id=$(new_id)
	start_receiver r -i $'over the socket\n'
	run_detached "$id" --console-socket "$BATS_TEST_TMPDIR/r.sock"
	wait_receiver r
	assert_line started
	assert_line "got<over the socket>"
	wait_status "$id" stopped
}

@test "run -d --console-socket: closing the master hangs the container up" {
	make_bundle
	cfg '.process.terminal = true'
	set_args sh -c 'echo started; read -r line; echo "got<$line>"; exit 0'
	id=$(new_id)
	start_receiver r
	run_detached "$id" --console-socket "$BATS_TEST_TMPDIR/r.sock"
	pid=$(container_pid "$id")
	wait_until grep -q started "$BATS_TEST_TMPDIR/r.out"
	# husk kept no copy of the master: when the receiver lets go of it, the
	# container's terminal is hung up
	kill -9 "$(cat "$BATS_TEST_TMPDIR/r.pid")"
	wait_status "$id" stopped
	wait_gone "$pid"
}

@test "exec -d -t --console-socket: the exec'd process's pty arrives at the socket" {
	make_bundle
	set_args sleep 4242
	id=$(new_id)
	running "$id"
	start_receiver r -i $'to exec\n'
	run husk exec -d -t --console-socket "$BATS_TEST_TMPDIR/r.sock" --pid-file "$BATS_TEST_TMPDIR/exec.pid" \
		"$id" sh -c 'tty; : </dev/tty && echo ctty-ok; read -r l; echo "got<$l>"; exit 0' 3>&-
	assert_success
	pid=$(cat "$BATS_TEST_TMPDIR/exec.pid")
	[ "$pid" -gt 0 ]
	wait_receiver r
	ptn=$(info_field r ptn)
	assert_line "/dev/pts/$ptn"
	assert_line ctty-ok
	assert_line "got<to exec>"
	wait_gone "$pid"
	assert_equal "$(state_field "$id" .status)" running
}

@test "create with terminal true and no --console-socket: clear error, nothing created" {
	make_bundle
	cfg '.process.terminal = true'
	set_args sleep 4242
	id=$(new_id)
	run husk_files create -b "$BUNDLE" "$id"
	assert_failure
	assert_output_contains console-socket terminal
	[ ! -e "$HUSK_ROOT/$id" ]
	assert_equal "$(count_in_rootfs)" 0
	assert_equal "$(cgroups_of "$id")" ""

	run husk_files run -d -b "$BUNDLE" "$id"
	assert_failure
	assert_output_contains console-socket terminal
	[ ! -e "$HUSK_ROOT/$id" ]
	assert_equal "$(count_in_rootfs)" 0
}

@test "--console-socket with terminal false: clear error, nothing created" {
	make_bundle
	set_args sleep 4242
	id=$(new_id)
	start_receiver r -t 5
	run husk_files create -b "$BUNDLE" --console-socket "$BATS_TEST_TMPDIR/r.sock" "$id"
	assert_failure
	assert_output_contains console-socket terminal
	[ ! -e "$HUSK_ROOT/$id" ]
	run husk_files run -d -b "$BUNDLE" --console-socket "$BATS_TEST_TMPDIR/r.sock" "$id"
	assert_failure
	assert_output_contains console-socket terminal
	[ ! -e "$HUSK_ROOT/$id" ]
	assert_equal "$(count_in_rootfs)" 0
	# nobody connected to the socket
	[ ! -s "$BATS_TEST_TMPDIR/r.info" ]
}

@test "create --console-socket to a path nobody listens on: error names it, nothing left" {
	make_bundle
	cfg '.process.terminal = true'
	set_args sleep 4242
	id=$(new_id)
	for sock in "$BATS_TEST_TMPDIR/nobody.sock" "$BATS_TEST_TMPDIR/plainfile"; do
		: >"$BATS_TEST_TMPDIR/plainfile"
		run husk_files create -b "$BUNDLE" --console-socket "$sock" "$id"
		assert_failure
		assert_output_contains "$sock"
		[ ! -e "$HUSK_ROOT/$id" ]
		assert_equal "$(count_in_rootfs)" 0
		assert_equal "$(cgroups_of "$id")" ""
	done
}

@test "exec: -t -d without --console-socket, --console-socket without -t: clear errors, no process" {
	make_bundle
	set_args sleep 4242
	id=$(new_id)
	running "$id"
	before=$(count_in_rootfs)
	run husk exec -d -t "$id" sleep 77 3>&-
	assert_failure
	assert_output_contains console-socket
	start_receiver r -t 5
	run husk exec -d --console-socket "$BATS_TEST_TMPDIR/r.sock" "$id" sleep 77 3>&-
	assert_failure
	assert_output_contains console-socket
	assert_equal "$(count_in_rootfs)" "$before"
	[ ! -s "$BATS_TEST_TMPDIR/r.info" ]
}

@test "exec -d -t --console-socket to a path nobody listens on: error names it, no process left" {
	make_bundle
	set_args sleep 4242
	id=$(new_id)
	running "$id"
	before=$(count_in_rootfs)
	# a process that survives the hang-up of its terminal
	run husk exec -d -t --console-socket "$BATS_TEST_TMPDIR/nobody.sock" "$id" \
		sh -c 'trap "" HUP; exec sleep 77' 3>&-
	assert_failure
	assert_output_contains "$BATS_TEST_TMPDIR/nobody.sock"
	# a process started anyway would be in the container's root by now
	# (husk let it go past setns before it connected to the socket)
	assert_equal "$(count_in_rootfs)" "$before"
}
