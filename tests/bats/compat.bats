#!/usr/bin/env bats
# runc command-line compatibility: the exact command lines that conmon
# (podman), containerd's runc shim (go-runc) and podman itself send to
# their runtime, each given to husk with runc's meaning checked. Sources:
# conmon src/runtime_args.c, podman libpod/oci_conmon_*.go, go-runc
# runc.go. podman.bats and containerd.bats run the managers themselves.

load helpers

setup() {
	husk_setup
	LOG=$BATS_TEST_TMPDIR/log.json
}

# g ARGS...: husk with the global flags the managers put first.
g() {
	husk --log "$LOG" --log-format json "$@"
}

# quiet CMD...: CMD with stdio on files, not bats' pipes (a container
# process would hold them open), its output then in $output, its status in
# $status.
quiet() {
	local out=$BATS_TEST_TMPDIR/.quiet
	status=0
	"$@" </dev/null >"$out" 2>&1 3>&- || status=$?
	output=$(cat "$out")
}

sleeper() {
	make_bundle
	set_args sh -c 'echo $$ >/tmp/init; exec sleep 1000'
}

@test "compat: --version as go-runc parses it (version, commit: , spec: lines)" {
	run husk --version
	assert_success
	[[ ${lines[0]} == "husk version "* ]]
	assert_equal "$(grep -c '^commit: ' <<<"$output")" 1
	assert_equal "$(grep -c '^spec: ' <<<"$output")" 1
	assert_equal "$(grep -c '^libseccomp: ' <<<"$output")" 1
}

@test "compat: global flags: --root, -root, --log, --log-format, --debug, --criu, --rootless, --systemd-cgroup" {
	sleeper
	id=$(new_id)
	# runc takes single-dash long flags and --flag=value alike
	quiet "$HUSK_BIN" -root "$HUSK_ROOT" --log="$LOG" --log-format=json --debug --criu /usr/sbin/criu \
		--rootless=false create -b "$BUNDLE" "$id"
	assert_success
	run husk --rootless true state "$id"
	assert_success
	run husk --rootless=auto --criu=criu list --format=json
	assert_success
	assert_equal "$(jq -r '.[0].id' <<<"$output")" "$id"
	run husk --rootless=sometimes list
	assert_failure
	assert_output_contains "--rootless"
	husk delete --force "$id"
	# --debug lines went to the log
	jq -e -s 'map(select(.level == "debug")) | length > 0' "$LOG" >/dev/null
	# --systemd-cgroup is taken and, without systemd, refused clearly
	id=$(new_id)
	quiet husk --systemd-cgroup create -b "$BUNDLE" "$id"
	assert_failure
	assert_output_contains "--systemd-cgroup"
	[ ! -e "$HUSK_ROOT/$id" ]
}

@test "compat: conmon's create, start, state, exec, pause, resume, kill, delete" {
	sleeper
	id=$(new_id)
	local pidfile=$BATS_TEST_TMPDIR/pidfile
	# conmon: [global args] create --bundle B --pid-file P [--no-pivot] [--no-new-keyring] ID
	quiet g create --bundle "$BUNDLE" --pid-file "$pidfile" --no-pivot --no-new-keyring "$id"
	assert_success
	pid=$(cat "$pidfile")
	assert_equal "$(state_field "$id" .pid)" "$pid"
	assert_equal "$(state_field "$id" .status)" created
	run g start "$id"
	assert_success
	wait_status "$id" running

	# conmon exec: exec --pid-file P --process F --detach ID
	jq -n '{terminal: false, cwd: "/", args: ["sh", "-c", "echo exec-ok >/tmp/exec; sleep 1000"],
		env: ["PATH=/bin:/usr/bin"], user: {uid: 0, gid: 0}}' >"$BATS_TEST_TMPDIR/process.json"
	quiet g exec --pid-file "$BATS_TEST_TMPDIR/exec.pid" --process "$BATS_TEST_TMPDIR/process.json" \
		--detach "$id"
	assert_success
	epid=$(cat "$BATS_TEST_TMPDIR/exec.pid")
	pid_alive "$epid"
	wait_until test -s "$ROOTFS/tmp/exec"

	# podman: pause ID, resume ID, kill ID SIG, kill --all ID SIG
	run g pause "$id"
	assert_success
	assert_equal "$(state_field "$id" .status)" paused
	run g resume "$id"
	assert_success
	assert_equal "$(state_field "$id" .status)" running
	run g kill --all "$id" 9
	assert_success
	wait_gone "$epid"
	wait_status "$id" stopped
	# a stopped container: kill without --all says so in runc's words
	# (containerd and podman look for them); with --all it is no error
	run g kill "$id" 15
	assert_failure
	assert_output_contains "container not running"
	run g kill --all "$id" 9
	assert_success
	# podman: delete --force ID
	run g delete --force "$id"
	assert_success
	[ ! -e "$HUSK_ROOT/$id" ]
	# and of a container that is gone: "does not exist", podman's cue
	run g state "$id"
	assert_failure
	assert_output_contains "does not exist"
	run g delete --force "$id"
	assert_success
}

@test "compat: containerd's shim: create --preserve-fds, exec, ps --format json, update --resources -, events --stats, delete" {
	sleeper
	set_args sh -c 'cat <&3 >/tmp/fd3; exec sleep 1000'
	id=$(new_id)
	local pidfile=$BATS_TEST_TMPDIR/init.pid
	echo passed-as-fd-3 >"$BATS_TEST_TMPDIR/extra"
	# go-runc: --root R --log L --log-format json create --bundle B --pid-file P --preserve-fds 1 ID
	husk --log "$LOG" --log-format json create --bundle "$BUNDLE" --pid-file "$pidfile" \
		--preserve-fds 1 "$id" </dev/null >"$BATS_TEST_TMPDIR/create.out" 2>&1 3<"$BATS_TEST_TMPDIR/extra" ||
		fail "create --preserve-fds 1 failed: $(cat "$BATS_TEST_TMPDIR/create.out")"
	run g start "$id"
	assert_success
	wait_until test -s "$ROOTFS/tmp/fd3"
	assert_equal "$(cat "$ROOTFS/tmp/fd3")" passed-as-fd-3

	# exec --process F --detach --pid-file P ID (go-runc's order)
	jq -n '{terminal: false, cwd: "/tmp", args: ["sleep", "1000"], env: ["PATH=/bin"],
		user: {uid: 1000, gid: 1000}}' >"$BATS_TEST_TMPDIR/p.json"
	quiet g exec --process "$BATS_TEST_TMPDIR/p.json" --detach --pid-file "$BATS_TEST_TMPDIR/e.pid" "$id"
	assert_success
	epid=$(cat "$BATS_TEST_TMPDIR/e.pid")
	# ps --format json ID: the host pids of the container's processes
	run g ps --format json "$id"
	assert_success
	jq -e --argjson a "$(cat "$pidfile")" --argjson b "$epid" 'index($a) != null and index($b) != null' \
		<<<"$output" >/dev/null
	# ps --format table ID ARGS (containerd's Top)
	run g ps --format table "$id" -o pid,comm
	assert_success
	assert_output_contains PID sleep

	# update --resources - ID, and --resources=- (newer go-runc)
	run g update --resources - "$id" <<<'{"pids": {"limit": 77}}'
	assert_success
	run g update --resources=- "$id" <<<'{"pids": {"limit": 78}}'
	assert_success
	run g events --stats "$id"
	assert_success
	assert_equal "$(jq -r .type <<<"$output")" stats
	assert_equal "$(jq -r .data.pids.limit <<<"$output")" 78

	# list --format=json
	run g list --format=json
	assert_equal "$(jq -r --arg id "$id" '.[] | select(.id == $id) | .status' <<<"$output")" running
	# kill ID 9, then delete ID (the shim deletes after the exit)
	run g kill "$id" 9
	assert_success
	wait_status "$id" stopped
	run g delete "$id"
	assert_success
	[ ! -e "$HUSK_ROOT/$id" ]
}

@test "compat: checkpoint and restore take every flag the managers pass" {
	sleeper
	id=$(new_id)
	run_detached "$id"
	# go-runc checkpoint options; --lazy-pages is refused clearly (husk
	# does not do lazy migration), before criu runs
	run g checkpoint --image-path "$BATS_TEST_TMPDIR/img" --work-path "$BATS_TEST_TMPDIR/work" \
		--tcp-established --ext-unix-sk --shell-job --file-locks --manage-cgroups-mode soft \
		--empty-ns network --lazy-pages --status-fd 3 --leave-running "$id"
	assert_failure
	assert_output_contains "--lazy-pages: lazy migration is not supported"
	run g checkpoint --status-fd 3 --leave-running "$id"
	assert_failure
	assert_output_contains "--status-fd only works with --lazy-pages"
	assert_equal "$(state_field "$id" .status)" running
	# podman's restore through conmon: restore --bundle B --pid-file P
	# --detach --image-path I --work-path W [--tcp-established]
	# [--file-locks] [--lsm-profile TYPE:NAME] [--lsm-mount-context C];
	# go-runc's adds -no-subreaper
	local lsm=""
	[ "$(stat -f -c %T /sys/fs/selinux 2>/dev/null)" = selinux ] || lsm=1
	if [ -n "$lsm" ]; then
		quiet g restore --bundle "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/r.pid" --detach \
			--image-path "$BATS_TEST_TMPDIR/img" --work-path "$BATS_TEST_TMPDIR/work" --tcp-established \
			--file-locks --lsm-profile selinux:system_u:system_r:container_t:s0 -no-subreaper \
			--no-pivot "$(new_id)"
		assert_failure
		assert_output_contains "--lsm-profile: SELinux is not enabled on this host"
		quiet g restore --lsm-mount-context system_u:object_r:container_file_t:s0 --detach "$(new_id)"
		assert_failure
		assert_output_contains "--lsm-mount-context: SELinux is not enabled on this host"
	fi
	quiet g restore --lsm-profile nonsense --detach "$(new_id)"
	assert_failure
	assert_output_contains 'is not TYPE:NAME'
	quiet g restore --lazy-pages --detach "$(new_id)"
	assert_failure
	assert_output_contains "--lazy-pages: lazy migration is not supported"
	# the failures are in the log, for containerd to read
	jq -e -s 'map(select(.level == "error")) | length >= 4' "$LOG" >/dev/null
}

@test "compat: errors before the command, in the --log for the manager to read" {
	run husk --log "$LOG" --log-format json --no-such-flag state x
	assert_failure
	run husk --log "$LOG" --log-format json no-such-command
	assert_failure
	run jq -r -s 'map(select(.level == "error") | .msg) | join("\n")' "$LOG"
	assert_output_contains '--no-such-flag' 'unknown command "no-such-command"'
}

@test "compat: exec'd processes get the container's oomScoreAdj, or their --process's (as runc)" {
	sleeper
	cfg '.process.oomScoreAdj = 300'
	id=$(new_id)
	run_detached "$id"
	wait_status "$id" running
	run husk exec "$id" cat /proc/self/oom_score_adj
	assert_output 300
	jq -n '{cwd: "/", args: ["cat", "/proc/self/oom_score_adj"], user: {uid: 0, gid: 0}}' \
		>"$BATS_TEST_TMPDIR/p.json"
	run husk exec --process "$BATS_TEST_TMPDIR/p.json" "$id"
	assert_output 300
	jq '.oomScoreAdj = 400' "$BATS_TEST_TMPDIR/p.json" >"$BATS_TEST_TMPDIR/p2.json"
	run husk exec --process "$BATS_TEST_TMPDIR/p2.json" "$id"
	assert_output 400
}

@test "compat: ambient capabilities that are not inheritable are left out with a warning, as runc" {
	# what `runc spec` writes, for a non-root user: ambient without inheritable
	make_bundle
	cfg '.process.user = {uid: 1000, gid: 1000} | .process.capabilities = {
		bounding: ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
		effective: ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
		permitted: ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
		ambient: ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]}'
	run run_in_container grep -E '^Cap(Amb|Eff|Bnd)' /proc/self/status
	assert_success
	assert_output_contains "CapAmb:	0000000000000000" "CapEff:	0000000000000000" \
		"CapBnd:	0000000020000420" 'warning: process.capabilities.ambient[0]: "CAP_AUDIT_WRITE"'
}
