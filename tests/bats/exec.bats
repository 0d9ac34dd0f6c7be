#!/usr/bin/env bats
# husk exec: a process in a running container's namespaces and cgroup,
# with the container's confinement or what the flags override, a real
# member of the container (ps, kill --all, delete --force), its exit code,
# and the errors of every flag. Terminals (-t) are in terminal.bats.
#
# The init of these containers is `sleep 4242` (sleeper_bundle), so that
# it is easy to tell from the exec'd processes.

load helpers
load session_helpers

NS_TYPES="cgroup ipc mnt net pid uts"

# ns_of PID TYPES...: "type link" lines for the namespaces of PID (host view)
ns_of() {
	local pid=$1 t
	shift
	for t in "$@"; do
		echo "$t $(readlink "/proc/$pid/ns/$t")"
	done
}

# exec_sh ID SCRIPT [EXEC OPTION...]: husk exec [OPTIONS] ID sh -c SCRIPT,
# stdin /dev/null; for `run`
exec_sh() {
	local id=$1 script=$2
	shift 2
	husk exec "$@" "$id" sh -c "$script" </dev/null 3>&-
}

# exec_detached [EXEC OPTION...] ID CMD...: husk exec -d, with the stdio of
# husk and of the process on files (a process holding a pipe of bats would
# keep `run` waiting); husk's messages are printed if it fails
exec_detached() {
	local out=$BATS_TEST_TMPDIR/exec-d.$RANDOM
	"$HUSK_BIN" --root "$HUSK_ROOT" exec -d "$@" </dev/null >"$out.out" 2>"$out.err" 3>&- ||
		{ local rc=$?; cat "$out.err" "$out.out"; return $rc; }
	cat "$out.out"
}

# groups_of: the Groups: line of /proc/self/status in $output, sorted
sorted_groups() {
	awk '$1 == "Groups:" { $1 = ""; print }' <<<"$output" | tr ' ' '\n' | sed '/^$/d' | sort -n | tr '\n' ' '
}

@test "exec: joins every namespace of the container (cgroup ipc mnt net pid uts)" {
	sleeper_bundle
	id=$(new_id)
	running "$id"
	run exec_sh "$id" 'for t in '"$NS_TYPES"'; do echo "$t $(readlink /proc/self/ns/$t)"; done'
	assert_success
	assert_output "$(ns_of "$INIT" $NS_TYPES)"
	# and those are the container's own, not the host's
	for t in $NS_TYPES; do
		[ "$(readlink "/proc/$INIT/ns/$t")" != "$(readlink "/proc/self/ns/$t")" ] ||
			fail "the container shares the host's $t namespace: the test proves nothing"
	done
}

@test "exec: joins the user and time namespaces too" {
	require_userns
	[ -e /proc/self/ns/time ] || skip "the kernel has no time namespaces"
	sleeper_bundle
	cfg '.linux.namespaces += [{type: "user"}, {type: "time"}] |
		.linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}] |
		.linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}] |
		.linux.timeOffsets = {monotonic: {secs: 86400, nanosecs: 0}}'
	# the mapped root must be able to reach the rootfs
	d=$BUNDLE
	while [ "$d" != / ] && [ "$d" != "$(dirname "$BATS_RUN_TMPDIR")" ]; do
		chmod o+x "$d"
		d=$(dirname "$d")
	done
	id=$(new_id)
	running "$id"
	run exec_sh "$id" 'for t in user time '"$NS_TYPES"'; do echo "$t $(readlink /proc/self/ns/$t)"; done
		cat /proc/self/uid_map | tr -s " " | sed "s/^ //"; id -u'
	assert_success
	assert_output "$(ns_of "$INIT" user time $NS_TYPES)
0 100000 65536
0"
	for t in user time; do
		[ "$(readlink "/proc/$INIT/ns/$t")" != "$(readlink "/proc/self/ns/$t")" ] ||
			fail "the container shares the host's $t namespace"
	done
}

# What husk's caller ignores and blocks is inherited by husk, and must not
# reach the process; husk blocks signals itself while it waits. 32 and 33
# are among them: glibc keeps them for itself, other programs use them.
@test "exec: the process starts with default signal dispositions and nothing blocked" {
	sigstate=$(sigstate_bin) || fail "cannot build tests/tools/sigstate"
	sleeper_bundle
	id=$(new_id)
	running "$id"
	run "$sigstate" 1 2 3 10 13 15 32 33 -- "$HUSK_BIN" --root "$HUSK_ROOT" exec "$id" \
		grep -E "^Sig(Ign|Blk)" /proc/self/status </dev/null
	assert_success
	assert_output "SigBlk:	0000000000000000
SigIgn:	0000000000000000"
}

@test "exec: the process is in the container's cgroup (host and container views)" {
	sleeper_bundle
	id=$(new_id)
	running "$id"
	run exec_detached --pid-file "$BATS_TEST_TMPDIR/p" "$id" sleep 2001
	assert_success
	pid=$(cat "$BATS_TEST_TMPDIR/p")
	pid_alive "$pid"
	assert_equal "$(cat "/proc/$pid/cgroup")" "$(cat "/proc/$INIT/cgroup")"
	# not merely the same as husk's own
	[ "$(cat "/proc/$INIT/cgroup")" != "$(cat /proc/self/cgroup)" ]
	# inside, through the cgroup namespace
	run exec_sh "$id" 'cat /proc/self/cgroup; echo ==; cat /proc/1/cgroup'
	assert_success
	assert_equal "$(sed -n '1,/^==$/p' <<<"$output" | sed '$d')" "$(sed -n '/^==$/,$p' <<<"$output" | sed 1d)"
}

@test "exec: same pid namespace: the init is pid 1 and the exec'd process sees it" {
	sleeper_bundle
	id=$(new_id)
	running "$id"
	run exec_sh "$id" 'echo "self $$"; echo "one $(tr "\0" " " </proc/1/cmdline)"; ps -o pid,args'
	assert_success
	assert_line "one sleep 4242 "
	assert_no_line "self 1"
	grep -Eq '^ *1 +sleep 4242$' <<<"$output" || fail "ps does not show the init as pid 1" "$output"
}

@test "exec: the exec'd process is listed by husk ps" {
	husk_has ps || skip "husk has no ps command yet"
	sleeper_bundle
	id=$(new_id)
	running "$id"
	run exec_detached --pid-file "$BATS_TEST_TMPDIR/p" "$id" sleep 2002
	assert_success
	pid=$(cat "$BATS_TEST_TMPDIR/p")
	run husk ps --format json "$id"
	assert_success
	jq -e --argjson p "$pid" 'index($p) != null' <<<"$output" || fail "exec'd pid $pid not in husk ps" "$output"
	jq -e --argjson p "$INIT" 'index($p) != null' <<<"$output" || fail "init pid $INIT not in husk ps" "$output"
	run husk ps "$id"
	assert_success
	assert_output_contains "sleep 2002" "sleep 4242"
}

@test "exec: stdio passes through; the process gets the container's env, not husk's" {
	sleeper_bundle
	cfg '.process.env += ["FROM_CONFIG=yes"]'
	id=$(new_id)
	running "$id"
	run bash -c 'echo "to stdin" | FROM_CALLER=leak "$0" --root "$1" exec "$2" sh -c "cat; echo to-stderr >&2; env" 3>&-' \
		"$HUSK_BIN" "$HUSK_ROOT" "$id"
	assert_success
	assert_line "to stdin"
	assert_line to-stderr
	assert_line FROM_CONFIG=yes
	assert_output_not_contains FROM_CALLER
}

@test "exec: exit codes propagate (7, 1, 128+N for signal N)" {
	sleeper_bundle
	id=$(new_id)
	running "$id"
	run exec_sh "$id" 'exit 7'
	assert_failure 7
	run husk exec "$id" false </dev/null 3>&-
	assert_failure 1
	run husk exec "$id" true </dev/null 3>&-
	assert_success
	run exec_sh "$id" 'kill -9 $$'
	assert_failure 137
	run exec_sh "$id" 'kill -TERM $$'
	assert_failure 143
	run exec_sh "$id" 'kill -USR1 $$'
	assert_failure 138
	# the container is unharmed by all this
	assert_equal "$(state_field "$id" .status)" running
	pid_alive "$INIT"
}

@test "exec: a command that does not exist fails and names it, nothing left" {
	sleeper_bundle
	id=$(new_id)
	running "$id"
	run husk exec "$id" /no/such/command </dev/null 3>&-
	assert_failure
	assert_output_contains /no/such/command
	run husk exec "$id" nosuchcommand </dev/null 3>&-
	assert_failure
	assert_output_contains nosuchcommand
	assert_equal "$(count_in_rootfs)" 1
}

@test "exec: the container's confinement applies by default (user, caps, no_new_privs, rlimits, seccomp)" {
	sleeper_bundle
	cfg '.process.user = {uid: 1000, gid: 1000} |
		.process.noNewPrivileges = true |
		.process.rlimits = [{type: "RLIMIT_NOFILE", hard: 321, soft: 123}] |
		.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
			syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: 1}]}'
	id=$(new_id)
	running "$id"
	run exec_detached --pid-file "$BATS_TEST_TMPDIR/p" "$id" sleep 2003
	assert_success
	pid=$(cat "$BATS_TEST_TMPDIR/p")
	for f in Uid Gid CapBnd CapEff CapPrm CapInh CapAmb NoNewPrivs Seccomp; do
		assert_equal "$f $(status_field "$pid" $f)" "$f $(status_field "$INIT" $f)"
	done
	assert_equal "$(status_field "$pid" Seccomp)" 2
	assert_equal "$(awk '/^Max open files/ {print $4, $5}' "/proc/$pid/limits")" "123 321"
	run exec_sh "$id" 'mkdir /tmp/x'
	assert_failure
	assert_output_contains "Operation not permitted"
}

@test "exec -u: user and group" {
	sleeper_bundle
	id=$(new_id)
	running "$id"
	run exec_sh "$id" 'id -u; id -g; echo "$HOME"'
	assert_output "0
0
/root"
	run exec_sh "$id" 'id -u; id -g; echo "$HOME"' -u 1000:1000
	assert_success
	assert_output "1000
1000
/home/tester"
	run exec_sh "$id" 'id -u; id -g' --user 1000
	assert_success
	assert_output "1000
0"
	run exec_sh "$id" 'id -u; id -g' -u 65534:100
	assert_success
	assert_output "65534
100"
}

@test "exec --additional-gids: supplementary groups" {
	sleeper_bundle
	id=$(new_id)
	running "$id"
	run exec_sh "$id" 'cat /proc/self/status'
	assert_success
	assert_equal "$(sorted_groups)" ""
	run exec_sh "$id" 'cat /proc/self/status' --additional-gids 100 --additional-gids 29
	assert_success
	assert_equal "$(sorted_groups)" "29 100 "
	# with -u, not the groups /etc/group gives the user (wheel 10, audio
	# 29): as runc, only those asked for
	run exec_sh "$id" 'cat /proc/self/status' -u 1000:1000 --additional-gids 100
	assert_success
	assert_equal "$(sorted_groups)" "100 "
}

@test "exec --cwd: working directory; default is the config's" {
	sleeper_bundle
	cfg '.process.cwd = "/etc"'
	id=$(new_id)
	running "$id"
	run exec_sh "$id" 'pwd'
	assert_output /etc
	run exec_sh "$id" 'pwd' --cwd /tmp
	assert_success
	assert_output /tmp
	run exec_sh "$id" 'pwd' --cwd /home/tester
	assert_output /home/tester
}

@test "exec -e: sets and replaces variables of the config's env" {
	sleeper_bundle
	id=$(new_id)
	running "$id"
	run exec_sh "$id" 'env' -e FOO=bar --env 'SPACED=a b=c' -e TERM=dumb -e EMPTY=
	assert_success
	assert_line FOO=bar
	assert_line "SPACED=a b=c"
	assert_line EMPTY=
	assert_line TERM=dumb
	assert_no_line TERM=xterm
	assert_equal "$(grep -c '^TERM=' <<<"$output")" 1
	# the rest of the config's env stays
	assert_line "$(jq -r '.process.env[] | select(startswith("PATH="))' "$BUNDLE/config.json")"
}

@test "exec --cap: added to bounding, effective and permitted, never inheritable" {
	sleeper_bundle
	id=$(new_id)
	running "$id"
	run exec_detached --pid-file "$BATS_TEST_TMPDIR/p0" "$id" sleep 2004
	assert_success
	p0=$(cat "$BATS_TEST_TMPDIR/p0")
	run exec_detached --pid-file "$BATS_TEST_TMPDIR/p1" --cap CAP_SYS_ADMIN --cap CAP_NET_ADMIN "$id" sleep 2005
	assert_success
	p1=$(cat "$BATS_TEST_TMPDIR/p1")
	# CAP_NET_ADMIN 12, CAP_SYS_ADMIN 21
	for f in CapBnd CapEff CapPrm; do
		! cap_bit "$(status_field "$p0" $f)" 21 || fail "$f has SYS_ADMIN without --cap"
		cap_bit "$(status_field "$p1" $f)" 21 || fail "$f lacks SYS_ADMIN with --cap"
		cap_bit "$(status_field "$p1" $f)" 12 || fail "$f lacks NET_ADMIN with --cap"
	done
	assert_equal "$(status_field "$p1" CapInh)" 0000000000000000
	assert_equal "$(status_field "$p1" CapAmb)" 0000000000000000
	# the init keeps what it had
	! cap_bit "$(status_field "$INIT" CapEff)" 21
	# and the capability works: with CAP_SYS_ADMIN, sethostname succeeds
	run exec_sh "$id" 'hostname exec-host && hostname' --cap CAP_SYS_ADMIN
	assert_success
	assert_output exec-host
	run exec_sh "$id" 'hostname other'
	assert_failure
}

@test "exec --no-new-privs: sets no_new_privs over a config without it" {
	sleeper_bundle
	cfg '.process.noNewPrivileges = false'
	id=$(new_id)
	running "$id"
	run exec_sh "$id" 'grep NoNewPrivs /proc/self/status'
	assert_output "$(printf 'NoNewPrivs:\t0')"
	run exec_sh "$id" 'grep NoNewPrivs /proc/self/status' --no-new-privs
	assert_success
	assert_output "$(printf 'NoNewPrivs:\t1')"
}

@test "exec --preserve-fds N: fds 3..3+N-1 pass to the process, the rest do not" {
	sleeper_bundle
	id=$(new_id)
	running "$id"
	echo three >"$BATS_TEST_TMPDIR/f3"
	echo four >"$BATS_TEST_TMPDIR/f4"
	echo five >"$BATS_TEST_TMPDIR/f5"
	script='cat <&3; cat <&4; for f in 3 4 5 6; do [ -L /proc/$$/fd/$f ] && echo "has $f"; done; true'
	run bash -c 'exec 3<"$1/f3" 4<"$1/f4" 5<"$1/f5"; "$2" --root "$3" exec --preserve-fds 2 "$4" sh -c "$5" </dev/null' \
		_ "$BATS_TEST_TMPDIR" "$HUSK_BIN" "$HUSK_ROOT" "$id" "$script"
	assert_success
	assert_output "three
four
has 3
has 4"
	run bash -c 'exec 3<"$1/f3" 4<"$1/f4"; "$2" --root "$3" exec "$4" sh -c "for f in 3 4; do [ -L /proc/\$\$/fd/\$f ] && echo has \$f; done; true" </dev/null' \
		_ "$BATS_TEST_TMPDIR" "$HUSK_BIN" "$HUSK_ROOT" "$id"
	assert_success
	assert_output ""
}

@test "exec --process FILE: the process object from the file" {
	sleeper_bundle
	id=$(new_id)
	running "$id"
	jq -n '{args: ["sh", "-c", "id -u; id -g; pwd; echo $FROMFILE; grep NoNewPrivs /proc/self/status"],
		env: ["PATH=/bin:/usr/bin", "FROMFILE=yes"], cwd: "/tmp",
		user: {uid: 1000, gid: 100}, noNewPrivileges: true}' >"$BATS_TEST_TMPDIR/process.json"
	run husk exec --process "$BATS_TEST_TMPDIR/process.json" "$id" </dev/null 3>&-
	if [ "$status" -ne 0 ] && [[ $output == *"not supported"* ]]; then
		skip "exec --process is not implemented yet: $output"
	fi
	assert_success
	assert_output "1000
100
/tmp
yes
$(printf 'NoNewPrivs:\t1')"
	# -e still applies on top of the file
	run husk exec --process "$BATS_TEST_TMPDIR/process.json" -e FROMFILE=flag "$id" </dev/null 3>&-
	assert_success
	assert_line flag
}

@test "exec --process FILE: a bad file is refused, naming it, and nothing runs" {
	sleeper_bundle
	id=$(new_id)
	running "$id"
	run husk exec --process "$BATS_TEST_TMPDIR/missing.json" "$id" </dev/null 3>&-
	assert_failure
	assert_output_contains missing.json
	echo '{"args": "not an array", "cwd": "/"}' >"$BATS_TEST_TMPDIR/bad.json"
	run husk exec --process "$BATS_TEST_TMPDIR/bad.json" "$id" </dev/null 3>&-
	assert_failure
	[[ $output == *"not supported"* ]] && skip "exec --process is not implemented yet: $output"
	assert_output_contains args
	assert_equal "$(count_in_rootfs)" 1
}

@test "exec --process FILE: user ids that setresuid reads as 'unchanged' are refused" {
	sleeper_bundle
	id=$(new_id)
	running "$id"
	for user in '{"uid": 4294967295, "gid": 100}' '{"uid": 1000, "gid": 4294967295}'; do
		jq -n --argjson u "$user" '{args: ["sh", "-c", "touch /ran; id -u; id -g"], cwd: "/", user: $u}' \
			>"$BATS_TEST_TMPDIR/process.json"
		run husk exec --process "$BATS_TEST_TMPDIR/process.json" "$id" </dev/null 3>&-
		[[ $output == *"not supported"* ]] && skip "exec --process is not implemented yet: $output"
		assert_failure
		assert_output_contains user
		[ ! -e "$ROOTFS/ran" ] || fail "ran as $(echo "$output" | tr '\n' ' ') with user $user"
	done
}

@test "exec -d --pid-file: returns at once, the process runs in the container" {
	sleeper_bundle
	id=$(new_id)
	running "$id"
	run exec_detached --pid-file "$BATS_TEST_TMPDIR/p" "$id" sh -c 'touch /exec-ran; exec sleep 2006'
	assert_success
	assert_output ""
	pid=$(cat "$BATS_TEST_TMPDIR/p")
	[[ $pid =~ ^[0-9]+$ ]] || fail "pid file holds '$pid'"
	wait_file "$ROOTFS/exec-ran"
	pid_alive "$pid"
	wait_until cmdline_has "$pid" 2006
	assert_equal "$(stat -L -c %d:%i "/proc/$pid/root")" "$(stat -c %d:%i "$ROOTFS")"
	assert_equal "$(pids_in_rootfs "$ROOTFS" 'sleep 2006')" "$pid"
	# a relative --pid-file is relative to husk's working directory
	cd "$BATS_TEST_TMPDIR"
	run exec_detached --pid-file rel.pid "$id" sleep 2007
	assert_success
	assert_equal "$(cat "$BATS_TEST_TMPDIR/rel.pid")" "$(pids_in_rootfs "$ROOTFS" 'sleep 2007')"
}

@test "exec --pid-file that cannot be written: error names it, no process left" {
	sleeper_bundle
	id=$(new_id)
	running "$id"
	fg_exec() {	# foreground, stdio on files (a leftover must not hold a pipe)
		"$HUSK_BIN" --root "$HUSK_ROOT" exec "$@" </dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/fg.err" 3>&-
		local rc=$?
		cat "$BATS_TEST_TMPDIR/fg.err"
		return $rc
	}
	for how in exec_detached fg_exec; do
		run $how --pid-file "$BATS_TEST_TMPDIR/no/such/dir/p" "$id" sleep 2008
		assert_failure
		assert_output_contains "$BATS_TEST_TMPDIR/no/such/dir/p"
		assert_equal "$(count_in_rootfs)" 1
	done
}

@test "exec: the exec'd process dies with kill --all, the init ignores TERM as pid 1" {
	sleeper_bundle
	id=$(new_id)
	running "$id"
	exec_detached --pid-file "$BATS_TEST_TMPDIR/p" "$id" sleep 2009
	pid=$(cat "$BATS_TEST_TMPDIR/p")
	run husk kill "$id" TERM
	assert_success
	pid_alive "$pid"
	run husk kill --all "$id" TERM
	assert_success
	wait_gone "$pid"
	pid_alive "$INIT"
	assert_equal "$(state_field "$id" .status)" running
}

@test "exec: delete --force kills the exec'd processes (with a pid namespace)" {
	sleeper_bundle
	id=$(new_id)
	running "$id"
	exec_detached --pid-file "$BATS_TEST_TMPDIR/p" "$id" sleep 2010
	pid=$(cat "$BATS_TEST_TMPDIR/p")
	run husk delete --force "$id"
	assert_success
	wait_gone "$pid"
	[ ! -e "$HUSK_ROOT/$id" ]
}

@test "exec: delete --force kills the exec'd processes (no pid namespace: the init's death is not enough)" {
	sleeper_bundle
	cfg '.linux.namespaces |= map(select(.type != "pid"))'
	id=$(new_id)
	running "$id"
	exec_detached --pid-file "$BATS_TEST_TMPDIR/p" "$id" sh -c 'trap "" HUP TERM; exec sleep 2011'
	pid=$(cat "$BATS_TEST_TMPDIR/p")
	wait_until cmdline_has "$pid" 2011
	run husk delete --force "$id"
	assert_success
	wait_gone "$pid"
	assert_equal "$(count_in_rootfs)" 0
}

@test "exec into a stopped container fails clearly" {
	make_bundle
	set_args true
	id=$(new_id)
	run_detached "$id"
	wait_status "$id" stopped
	run husk exec "$id" true </dev/null 3>&-
	assert_failure
	assert_output_contains "$id" stopped
	run exec_detached "$id" sleep 2012
	assert_failure
	assert_output_contains "$id" stopped
	assert_equal "$(count_in_rootfs)" 0
}

@test "exec into a container that does not exist fails and names it" {
	run husk exec nosuchcontainer true </dev/null 3>&-
	assert_failure
	assert_output_contains nosuchcontainer
}

@test "exec into a paused container fails unless --ignore-paused" {
	husk_has pause || skip "husk has no pause command yet"
	sleeper_bundle
	id=$(new_id)
	running "$id"
	run husk pause "$id"
	[ "$status" -eq 0 ] || skip "husk pause does not work here: $output"
	assert_equal "$(state_field "$id" .status)" paused
	run husk exec "$id" sh -c 'touch /not-here' </dev/null 3>&-
	assert_failure
	assert_output_contains "$id" paused --ignore-paused
	assert_equal "$(count_in_rootfs)" 1
	# --ignore-paused: the process joins the frozen container, so it can
	# only finish setting up once the container is resumed (as with runc:
	# `exec -d --ignore-paused &` then `resume`)
	"$HUSK_BIN" --root "$HUSK_ROOT" exec -d --ignore-paused --pid-file "$BATS_TEST_TMPDIR/p" \
		"$id" sh -c 'touch /ran; exec sleep 2013' \
		</dev/null >"$BATS_TEST_TMPDIR/ip.out" 2>"$BATS_TEST_TMPDIR/ip.err" 3>&- &
	execpid=$!
	echo "$execpid" >>"$BATS_TEST_TMPDIR/.helpers"
	# resume only once the new process is in the (frozen) cgroup
	cg=$(cgroups_of "$id" | head -n1)
	two_in_cgroup() { [ "$(wc -l <"$cg/cgroup.procs")" -ge 2 ]; }
	wait_until two_in_cgroup
	run husk resume "$id"
	assert_success
	rc=0
	wait "$execpid" || rc=$?
	[ "$rc" -eq 0 ] || fail "exec --ignore-paused failed ($rc): $(cat "$BATS_TEST_TMPDIR/ip.err")"
	wait_file "$ROOTFS/ran"
	pid_alive "$(cat "$BATS_TEST_TMPDIR/p")"
	[ ! -e "$ROOTFS/not-here" ]
}

@test "exec: bad flags are refused, naming the flag, and nothing runs" {
	sleeper_bundle
	id=$(new_id)
	running "$id"
	check() {	# SUBSTRING EXEC ARGS...
		local want=$1
		shift
		run husk exec "$@" </dev/null 3>&-
		assert_failure || return
		assert_output_contains "$want" || return
		assert_equal "$(count_in_rootfs)" 1 || return
		[ ! -e "$ROOTFS/ran" ] || fail "the process ran"
	}
	check --user -u abc "$id" touch /ran
	check --user -u 1000:x "$id" touch /ran
	check --user -u -5 "$id" touch /ran
	# (uid_t)-1 means "unchanged" to setresuid: these must never run as root
	check --user -u -1 "$id" touch /ran
	check --user -u 4294967295 "$id" touch /ran
	check --user -u 4294967296 "$id" touch /ran
	check --user -u 1000:-1 "$id" touch /ran
	check --user -u 1000:4294967295 "$id" touch /ran
	check --additional-gids --additional-gids -1 "$id" touch /ran
	check --additional-gids --additional-gids users "$id" touch /ran
	check --env -e NOEQUALS "$id" touch /ran
	check CAP_BOGUS --cap CAP_BOGUS "$id" touch /ran
	check /no/such/dir --cwd /no/such/dir "$id" touch /ran
	check preserve-fds --preserve-fds x "$id" touch /ran
	check preserve-fds --preserve-fds -1 "$id" touch /ran
	check --no-such-flag --no-such-flag "$id" touch /ran
	check command "$id"
	if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" != Y ]; then
		check --apparmor --apparmor some-profile "$id" touch /ran
	fi
	if [ ! -e /sys/fs/selinux/enforce ]; then
		check --process-label --process-label system_u:system_r:container_t:s0 "$id" touch /ran
	fi
	assert_equal "$(state_field "$id" .status)" running
}
