#!/usr/bin/env bats
# podman with husk as its OCI runtime (podman --runtime PATH/husk), through
# conmon, as people run it. Everything podman keeps is under a temp dir of
# this file (--root, --runroot, --tmpdir, the network config dir, a
# containers.conf); the image is imported from a tarball of the
# busybox-static test rootfs (no registry); containers are placed under a
# cgroup parent of this file. Each test removes what it started; teardown
# checks that no container, husk state, conmon or cgroup is left.
#
# The same tests pass with runc (PODMAN_RUNTIME=/usr/sbin/runc bats
# tests/bats/podman.bats), which is how husk's behaviour was compared.

bats_require_minimum_version 1.5.0
load helpers

IMAGE=localhost/husk-busybox:test

setup_file() {
	husk_snapshot
	export PODMAN_SKIP=
	if [ "$(id -u)" != 0 ]; then
		PODMAN_SKIP="needs root"
	elif ! command -v podman >/dev/null || ! command -v conmon >/dev/null; then
		PODMAN_SKIP="podman or conmon is not installed (make test-deps installs them)"
	elif ! command -v jq >/dev/null || [ ! -x "$BUSYBOX" ]; then
		PODMAN_SKIP="needs jq and busybox-static"
	elif [ ! -x "$HUSK_BIN" ]; then
		PODMAN_SKIP="no husk binary at $HUSK_BIN (run make)"
	fi
	[ -z "$PODMAN_SKIP" ] || return 0
	# short: conmon's attach sockets live under it
	PT=$(mktemp -d /tmp/husk-podman.XXXXXX)
	export PT
	export PODMAN_RUNTIME=${PODMAN_RUNTIME:-$HUSK_BIN}
	export CGP=/husk-podman-$$
	mkdir -p "$PT/tmp" "$PT/net"
	# Host paths podman 4 writes whatever its flags say: removed at the
	# end only if this file made them.
	: >"$PT/host-paths"
	for p in /run/containers/networks /run/containers /var/lib/containers/cache /var/lib/containers; do
		[ -e "$p" ] || echo "$p" >>"$PT/host-paths"
	done
	# podman 4 does not pass --runtime-flag to the cleanup it has conmon
	# run, so husk keeps its default root, /run/husk, as runc keeps
	# /run/runc; the seccomp programs husk caches there for podman's
	# profile are removed at the end
	ls -A /run/husk/.seccomp >"$PT/seccomp-before" 2>/dev/null || :
	for p in /run/husk/.seccomp /run/husk; do
		[ -e "$p" ] || echo "$p" >>"$PT/host-paths"
	done
	# husk reports its errors in podman's oci-log when podman knows it
	# speaks JSON (runc and crun are on podman's list; husk is added).
	# Limits of open files and processes that a root without
	# CAP_SYS_RESOURCE can give (podman's default is 1048576).
	cat >"$PT/containers.conf" <<-EOF
		[containers]
		netns = "none"
		default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]
		[engine]
		cgroup_manager = "cgroupfs"
		events_logger = "file"
		image_copy_tmp_dir = "$PT/tmp"
		runtime_supports_json = ["husk", "crun", "runc"]
	EOF
	export CONTAINERS_CONF=$PT/containers.conf TMPDIR=$PT/tmp
	# the image: the test rootfs, with something under /run for tmpcopyup
	local rootfs
	rootfs=$(test_rootfs) || return
	mkdir -p "$PT/image/run/husk-test"
	echo copied-up >"$PT/image/run/husk-test/keep"
	tar -C "$rootfs" --exclude=./.complete -cf "$PT/image.tar" . &&
		tar -C "$PT/image" -rf "$PT/image.tar" ./run/husk-test || return
	pm import "$PT/image.tar" "$IMAGE" >/dev/null
}

teardown_file() {
	[ -n "${PT:-}" ] && [ -d "$PT" ] || return 0
	pm rm -a -f -t 0 >/dev/null 2>&1 || :
	pm rmi -a -f >/dev/null 2>&1 || :
	# conmon and its children, should any be left
	local pid m p d
	for pid in $(pgrep -f "conmon.*$PT" || :); do
		kill -9 "$pid" 2>/dev/null || :
	done
	for m in $(awk -v t="$PT" 'index($5, t) == 1 { print $5 }' /proc/self/mountinfo | sort -r); do
		umount -l "$m" 2>/dev/null || :
	done
	for d in $(find "$CGROUP_ROOT" -mindepth 1 -maxdepth 4 -type d -path "*$CGP*" 2>/dev/null | sort -r); do
		rmdir "$d" 2>/dev/null || :
	done
	for p in /run/husk/.seccomp/*; do
		[ -e "$p" ] || continue
		grep -qxF "${p##*/}" "$PT/seccomp-before" || rm -f "$p" || :
	done
	while read -r p; do
		if [ "$p" = /var/lib/containers/cache ]; then
			rm -f /var/lib/containers/cache/blob-info-cache-v1.boltdb || :
		fi
		rmdir "$p" 2>/dev/null || :
	done <"$PT/host-paths"
	rm -rf "$PT"
}

setup() {
	[ -z "$PODMAN_SKIP" ] || skip "$PODMAN_SKIP"
	[ -n "${PT:-}" ] || skip "setup_file did not run"
	husk_setup
	: >"$BATS_TEST_TMPDIR/ctrs"
}

teardown() {
	[ -n "${PT:-}" ] || return 0
	local problems=() id left
	pm rm -a -f -t 0 >/dev/null 2>&1 || :
	# every container this test made is gone, for podman and for husk
	while read -r id; do
		[ -n "$id" ] || continue
		[ ! -e "/run/husk/$id" ] || problems+=("husk state left: /run/husk/$id")
		left=$(find "$CGROUP_ROOT" -mindepth 2 -maxdepth 3 -type d -name "libpod-$id" 2>/dev/null)
		[ -z "$left" ] || problems+=("cgroup left: $left")
	done <"$BATS_TEST_TMPDIR/ctrs"
	left=$(pm ps -a -q 2>/dev/null)
	[ -z "$left" ] || problems+=("containers left: $left")
	left=$(conmons)
	[ -z "$left" ] || problems+=("conmon left: $left")
	husk_teardown
	[ ${#problems[@]} -eq 0 ] || fail "LEAK:" "${problems[@]}"
}

# pm ARGS...: podman with this file's storage, runtime and config, run
# from $PT: conmon, which inherits the directory, writes a file "oom" in
# it when the container meets the OOM killer.
pm() {
	(cd "$PT" && timeout --foreground -k 10 120 podman --root "$PT/root" --runroot "$PT/runroot" \
		--tmpdir "$PT/tmp" --network-config-dir "$PT/net" --runtime "$PODMAN_RUNTIME" "$@")
}

# prun ARGS...: podman run under this file's cgroup parent; the id of a
# detached container is recorded for the leak checks.
prun() {
	pm run --cgroup-parent "$CGP" "$@"
}

# pstart NAME ARGS...: podman run -d --name NAME ARGS..., recorded.
pstart() {
	local name=$1 id
	shift
	id=$(pm run -d --cgroup-parent "$CGP" --name "$name" "$@") ||
		fail "podman run -d $name failed: $id" || return
	echo "$id" >>"$BATS_TEST_TMPDIR/ctrs"
	echo "$id"
}

# Live conmon processes of this file (conmon's zombies, left to an init
# that does not reap, do not count).
conmons() {
	local pid
	for pid in $(pgrep -f "conmon.*$PT" || :); do
		pid_alive "$pid" && echo "$pid"
	done
	return 0
}

# husk_state ID: the status husk gives (when podman runs husk).
husk_status() {
	if [ "$PODMAN_RUNTIME" = "$HUSK_BIN" ]; then
		"$HUSK_BIN" state "$1" | jq -r .status
	else
		inspect "$1" '{{.State.Status}}'
	fi
}

# inspect NAME GO-TEMPLATE
inspect() {
	pm inspect --format "$2" "$1"
}

# wait_logs NAME TEXT: until podman logs NAME shows TEXT (deadlock guard
# of ~10s, not a timing assertion).
wait_logs() {
	local i
	for i in $(seq 100); do
		pm logs "$1" 2>&1 | grep -qF -- "$2" && return 0
		sleep 0.1
	done
	fail "podman logs $1: no '$2' in: $(pm logs "$1" 2>&1)"
}

# wait_status NAME STATUS: until podman says so (deadlock guard).
wait_podman_status() {
	local i s
	for i in $(seq 100); do
		s=$(inspect "$1" '{{.State.Status}}')
		[ "$s" = "$2" ] && return 0
		sleep 0.1
	done
	fail "container $1: status '$s', expected '$2'"
}

@test "podman run --rm: output, exit code, and nothing left behind" {
	run prun --rm "$IMAGE" sh -c 'echo hello from $(cat /etc/marker); exit 0'
	assert_success
	assert_output "hello from husk-test-rootfs"
	run prun --rm "$IMAGE" sh -c 'exit 42'
	assert_failure 42
	[ -z "$(pm ps -a -q)" ]
}

@test "podman run -d, exec, logs, top, stop, rm" {
	id=$(pstart web "$IMAGE" sh -c 'trap "echo bye; exit 3" TERM; echo started; sleep 1000 & wait')
	wait_logs web started
	assert_equal "$(inspect web '{{.State.Status}}')" running
	pid=$(inspect web '{{.State.Pid}}')
	# husk knows it under podman's id, with the same init
	if [ "$PODMAN_RUNTIME" = "$HUSK_BIN" ]; then
		run "$HUSK_BIN" state "$id"
		assert_success
		assert_equal "$(jq -r .status <<<"$output")" running
		assert_equal "$(jq -r .pid <<<"$output")" "$pid"
	fi

	run pm exec web sh -c 'echo in-$(hostname); cat /proc/1/cmdline | tr "\0" " "'
	assert_success
	assert_output_contains "in-" "sh -c trap"
	run pm exec -u 1000:1000 web id
	assert_success
	assert_output_contains "uid=1000(tester) gid=1000(tester)"
	run pm exec -e HUSK_X=42 -w /etc web sh -c 'echo $HUSK_X $PWD'
	assert_output "42 /etc"
	run pm exec web sh -c 'exit 5'
	assert_failure 5

	run pm top web
	assert_success
	assert_output_contains "sleep 1000"

	run pm stop -t 20 web
	assert_success
	assert_equal "$(inspect web '{{.State.Status}}')" exited
	assert_equal "$(inspect web '{{.State.ExitCode}}')" 3
	run pm logs web
	assert_output "started
bye"
	run pm rm web
	assert_success
	[ ! -e "/run/husk/$id" ]
	run pm inspect web
	assert_failure
}

@test "podman run -it, exec -it, run -dt: a pty driven through script(1), one through conmon" {
	command -v script >/dev/null || skip "no script(1) (util-linux)"
	local podman="podman --root $PT/root --runroot $PT/runroot --tmpdir $PT/tmp"
	podman+=" --network-config-dir $PT/net --runtime $PODMAN_RUNTIME"
	# script gives podman a terminal; what the test writes is typed at it
	run timeout 120 script -qec "$podman run -it --rm --cgroup-parent $CGP $IMAGE sh" /dev/null \
		<<<'tty; echo in-$((6*7)); exit 3'
	assert_failure 3
	assert_output_contains "/dev/pts/0" "in-42"

	pstart box "$IMAGE" sleep 1000 >/dev/null
	run timeout 120 script -qec "$podman exec -it box sh" /dev/null \
		<<<'tty; test -t 0 && echo a-tty; exit 4'
	assert_failure 4
	assert_output_contains "/dev/pts/" "a-tty"
	# without -t, no terminal
	run pm exec box sh -c 'test -t 0 || echo no-tty'
	assert_output no-tty
	# run -dt: the pty goes to conmon through --console-socket, its
	# output to the log
	pstart ttyd -t "$IMAGE" sh -c 'tty; echo via-the-pty; sleep 1000' >/dev/null
	wait_logs ttyd via-the-pty
	run pm logs ttyd
	assert_output_contains /dev/pts/0
}

@test "podman pause and unpause freeze and thaw the container" {
	# a tick written aside and renamed: never seen half written
	id=$(pstart frozen "$IMAGE" sh -c 'while :; do date +%s%N >/tmp/t; mv /tmp/t /tmp/tick; usleep 20000; done')
	wait_until pm exec frozen test -s /tmp/tick
	run pm pause frozen
	assert_success
	assert_equal "$(inspect frozen '{{.State.Status}}')" paused
	assert_equal "$(husk_status "$id")" paused
	# frozen: the loop writes no more
	tick=$(inspect frozen '{{.GraphDriver.Data.MergedDir}}')/tmp/tick
	a=$(cat "$tick")
	[ -n "$a" ]
	sleep 0.3
	assert_equal "$(cat "$tick")" "$a"
	run pm exec frozen true
	assert_failure
	run pm unpause frozen
	assert_success
	assert_equal "$(inspect frozen '{{.State.Status}}')" running
	assert_equal "$(husk_status "$id")" running
	wait_until pm exec frozen sh -c "[ \"\$(cat /tmp/tick)\" != $a ]"
}

@test "podman kill with a signal reaches the container's init" {
	pstart sig "$IMAGE" sh -c 'trap "echo got-usr1" USR1; trap "echo got-hup; exit 7" HUP;
		echo ready; while :; do sleep 1000 & wait; done' >/dev/null
	wait_logs sig ready
	run pm kill -s USR1 sig
	assert_success
	wait_logs sig got-usr1
	assert_equal "$(inspect sig '{{.State.Status}}')" running
	run pm kill -s SIGHUP sig
	assert_success
	wait_podman_status sig exited
	assert_equal "$(inspect sig '{{.State.ExitCode}}')" 7
	# SIGKILL (podman kill's default): 128+9, as with runc
	pstart sig2 "$IMAGE" sleep 1000 >/dev/null
	run pm kill sig2
	assert_success
	wait_podman_status sig2 exited
	assert_equal "$(inspect sig2 '{{.State.ExitCode}}')" 137
}

@test "podman run: the exit code of the container is podman's, wait returns it" {
	pstart code "$IMAGE" sh -c 'sleep 0.2; exit 9' >/dev/null
	run pm wait code
	assert_success
	assert_output 9
	assert_equal "$(inspect code '{{.State.ExitCode}}')" 9
	# a command that cannot be run: husk's own error, through conmon and
	# podman's oci-log
	run -127 prun --rm "$IMAGE" /no/such/binary
	[ "$PODMAN_RUNTIME" != "$HUSK_BIN" ] ||
		assert_output_contains 'exec "/no/such/binary": No such file or directory'
	run -126 prun --rm "$IMAGE" /etc/passwd
	[ "$PODMAN_RUNTIME" != "$HUSK_BIN" ] ||
		assert_output_contains 'exec "/etc/passwd": Permission denied'
}

@test "podman --memory and --pids-limit: the limits are set, seen inside and enforced" {
	run prun --rm --memory 32m --memory-swap 32m "$IMAGE" sh -c '
		cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max
		tail /dev/zero; echo "tail: $?"'
	assert_success
	assert_line 33554432
	# tail keeps /dev/zero, one endless line, in memory: the OOM killer
	assert_line "tail: 137"

	# a shell that forks 20 sleeps dies at the first fork refused
	run prun --rm --pids-limit 10 "$IMAGE" sh -c '
		cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max
		sh -c "i=0; while [ \$i -lt 20 ]; do sleep 1000 & i=\$((i + 1)); done" 2>/tmp/err
		echo "forks: $?"
		kill -9 -1; wait
		cat /tmp/err'
	assert_success
	assert_equal "${lines[0]}" 10
	assert_line "forks: 2"
	assert_output_contains "can't fork"
}

@test "podman --user and --cap-drop" {
	# a uid:gid gets no more groups than asked for (as with runc)...
	run prun --rm --user 1000:1000 "$IMAGE" id
	assert_output "uid=1000(tester) gid=1000(tester) groups=1000(tester)"
	# ...a name, those podman finds in /etc/group (tester is in wheel, audio)
	run prun --rm --user tester "$IMAGE" id
	assert_output "uid=1000(tester) gid=1000(tester) groups=10(wheel),29(audio),1000(tester)"
	run prun --rm --user 65534 "$IMAGE" sh -c 'id -u; touch /root/x'
	assert_failure
	assert_line 65534

	run prun --rm --cap-drop ALL "$IMAGE" grep -E '^Cap(Prm|Eff|Bnd|Amb)' /proc/self/status
	assert_success
	assert_equal "$(awk '{print $2}' <<<"$output" | sort -u)" 0000000000000000
	run prun --rm "$IMAGE" sh -c 'grep ^CapBnd /proc/self/status'
	full=$((16#$(awk '{print $2}' <<<"$output")))
	run prun --rm --cap-drop NET_RAW "$IMAGE" sh -c 'grep ^CapBnd /proc/self/status'
	dropped=$((16#$(awk '{print $2}' <<<"$output")))
	[ $((full & (1 << 13))) -ne 0 ] || fail "NET_RAW not in podman's default set"
	assert_equal $((full & ~(1 << 13))) "$dropped"
	# as the capability says: a raw socket needs it
	run prun --rm --cap-drop NET_RAW --network none "$IMAGE" ping -c 1 127.0.0.1
	assert_failure
}

@test "podman --read-only and --tmpfs" {
	run prun --rm --read-only "$IMAGE" sh -c '
		touch /x 2>&1; echo "root: $?"
		touch /tmp/y && echo tmp-writable
		cat /run/husk-test/keep
		grep -E " /(tmp|run|var/tmp) " /proc/mounts | cut -d" " -f2,3 | sort'
	assert_success
	assert_output_contains "Read-only file system" "root: 1" tmp-writable
	# /run is a tmpfs that starts as a copy of the image's /run (tmpcopyup)
	assert_line copied-up
	assert_line "/run tmpfs"
	assert_line "/tmp tmpfs"
	assert_line "/var/tmp tmpfs"

	run prun --rm --tmpfs /scratch:size=1m,mode=1770 "$IMAGE" sh -c '
		grep " /scratch " /proc/mounts | cut -d" " -f3,4
		stat -c %a /scratch
		head -c 2097152 /dev/zero >/scratch/big; echo "write: $?"'
	assert_success
	assert_line "tmpfs rw,nosuid,nodev,relatime,size=1024k,mode=1770"
	assert_line 1770
	assert_line "write: 1"
}

@test "podman -v: bind mounts, read-write and read-only, directories and files" {
	local vol=$BATS_TEST_TMPDIR/vol
	mkdir -p "$vol/dir"
	echo host-data >"$vol/dir/in"
	echo single-file >"$vol/file"
	run prun --rm -v "$vol/dir:/data" -v "$vol/file:/etc/single:ro" "$IMAGE" sh -c '
		cat /data/in /etc/single
		echo from-container >/data/out
		{ echo x >/etc/single; } 2>/dev/null || echo file-ro'
	assert_success
	assert_output "host-data
single-file
file-ro"
	assert_equal "$(cat "$vol/dir/out")" from-container
	run prun --rm -v "$vol/dir:/data:ro" "$IMAGE" sh -c 'cat /data/in; touch /data/new'
	assert_failure
	assert_output_contains host-data "Read-only file system"
	[ ! -e "$vol/dir/new" ]
}
