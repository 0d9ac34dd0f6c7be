#!/usr/bin/env bats
# containerd's runc shim (io.containerd.runc.v2) with husk as its runtime
# binary (ctr run --runc-binary), under a private containerd that this file
# starts and stops: its own root, state, sockets and config under a temp
# dir. The image is an OCI image archive built here by hand from the
# busybox-static test rootfs (oci-layout, index.json, a manifest, a config
# and one tar layer) and imported with ctr. Each test removes what it
# made; teardown checks that no task, container, husk state, shim or
# cgroup is left.

bats_require_minimum_version 1.5.0
load helpers

IMAGE=localhost/husk-busybox:test

setup_file() {
	husk_snapshot
	export CTRD_SKIP=
	if [ "$(id -u)" != 0 ]; then
		CTRD_SKIP="needs root"
	elif ! command -v containerd >/dev/null || ! command -v ctr >/dev/null ||
		! command -v containerd-shim-runc-v2 >/dev/null; then
		CTRD_SKIP="containerd, ctr or containerd-shim-runc-v2 is not installed (make test-deps installs them)"
	elif ! command -v jq >/dev/null || [ ! -x "$BUSYBOX" ]; then
		CTRD_SKIP="needs jq and busybox-static"
	elif [ ! -x "$HUSK_BIN" ]; then
		CTRD_SKIP="no husk binary at $HUSK_BIN (run make)"
	fi
	[ -z "$CTRD_SKIP" ] || return 0
	# short: unix socket paths are at most 107 bytes
	CT=$(mktemp -d /tmp/husk-ctrd.XXXXXX)
	export CT NS=husk-test-$$
	# overlayfs cannot stack on overlayfs (a test machine in a container)
	export SNAPSHOTTER=${CTRD_SNAPSHOTTER:-overlayfs}
	[ "$(stat -f -c %T "$CT")" != overlayfs ] || SNAPSHOTTER=native
	export CTRD_RUNTIME=${CTRD_RUNTIME:-$HUSK_BIN}
	mkdir -p "$CT/fifo"
	# The shim keeps its sockets in /run/containerd/s whatever the config
	# says: removed at the end if this file made them.
	: >"$CT/host-paths"
	for p in /run/containerd/s /run/containerd; do
		[ -e "$p" ] || echo "$p" >>"$CT/host-paths"
	done
	cat >"$CT/config.toml" <<-EOF
		version = 2
		root = "$CT/root"
		state = "$CT/state"
		disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.internal.v1.tracing",
			"io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs",
			"io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs"]
		[grpc]
		  address = "$CT/c.sock"
		[ttrpc]
		  address = "$CT/c.sock.ttrpc"
		[debug]
		  address = "$CT/debug.sock"
		[plugins."io.containerd.internal.v1.opt"]
		  path = "$CT/opt"
	EOF
	containerd --config "$CT/config.toml" >"$CT/containerd.log" 2>&1 3>&- &
	echo $! >"$CT/containerd.pid"
	local i
	for i in $(seq 100); do
		ctr --address "$CT/c.sock" version >/dev/null 2>&1 && break
		kill -0 "$(cat "$CT/containerd.pid")" 2>/dev/null ||
			{ CTRD_SKIP="containerd did not start: $(tail -n 5 "$CT/containerd.log")"; return 0; }
		sleep 0.1
	done
	make_image_archive "$CT/image" "$CT/image.tar" || return
	c images import --snapshotter "$SNAPSHOTTER" "$CT/image.tar" >/dev/null
}

teardown_file() {
	[ -n "${CT:-}" ] && [ -d "$CT" ] || return 0
	local id pid m d p
	for id in $(c containers list -q 2>/dev/null); do
		c tasks kill -s SIGKILL "$id" >/dev/null 2>&1 || :
		c tasks delete -f "$id" >/dev/null 2>&1 || :
		c containers delete "$id" >/dev/null 2>&1 || :
	done
	c images remove "$IMAGE" >/dev/null 2>&1 || :
	pid=$(cat "$CT/containerd.pid" 2>/dev/null) || :
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null || :
		wait_gone "$pid" || kill -9 "$pid" 2>/dev/null || :
	fi
	for pid in $(pgrep -f "containerd-shim-runc-v2 -namespace $NS" || :); do
		kill -9 "$pid" 2>/dev/null || :
	done
	for m in $(awk -v t="$CT" 'index($5, t) == 1 { print $5 }' /proc/self/mountinfo | sort -r); do
		umount -l "$m" 2>/dev/null || :
	done
	for d in $(find "$CGROUP_ROOT" -mindepth 1 -maxdepth 3 -type d -name "$NS" 2>/dev/null | sort -r); do
		rmdir "$d" 2>/dev/null || :
	done
	while read -r p; do
		rmdir "$p" 2>/dev/null || :
	done <"$CT/host-paths"
	rm -rf "$CT"
}

setup() {
	[ -z "$CTRD_SKIP" ] || skip "$CTRD_SKIP"
	[ -n "${CT:-}" ] || skip "setup_file did not run"
	husk_setup
	: >"$BATS_TEST_TMPDIR/ctrs"
}

teardown() {
	[ -n "${CT:-}" ] || return 0
	local problems=() id left
	while read -r id; do
		[ -n "$id" ] || continue
		c tasks kill -s SIGKILL "$id" >/dev/null 2>&1 || :
		c tasks delete -f "$id" >/dev/null 2>&1 || :
		c containers delete "$id" >/dev/null 2>&1 || :
		[ ! -e "$CT/runc/$NS/$id" ] || problems+=("husk state left: $CT/runc/$NS/$id")
		left=$(cgroups_of "$id")
		[ -z "$left" ] || problems+=("cgroup left: $left")
		left=$(pgrep -f "containerd-shim-runc-v2 -namespace $NS -id $id " || :)
		[ -z "$left" ] || problems+=("shim left: $left")
	done <"$BATS_TEST_TMPDIR/ctrs"
	left=$(c containers list -q)
	[ -z "$left" ] || problems+=("containers left: $left")
	husk_teardown
	[ ${#problems[@]} -eq 0 ] || fail "LEAK:" "${problems[@]}"
}

# c ARGS...: ctr against this file's containerd, in its namespace.
c() {
	timeout --foreground -k 10 120 ctr --address "$CT/c.sock" --namespace "$NS" "$@"
}

# ctr_run ARGS... (of ctr run, before the image): with husk as the shim's
# runtime, its state under this file's dir.
ctr_run() {
	c run --snapshotter "$SNAPSHOTTER" --runc-binary "$CTRD_RUNTIME" --runc-root "$CT/runc" \
		--fifo-dir "$CT/fifo" "$@"
}

# new_ctr: a container id, recorded for teardown's checks.
new_ctr() {
	local id
	id=$(new_id ctr)
	echo "$id" >>"$BATS_TEST_TMPDIR/ctrs"
	echo "$id"
}

# The tests pass with runc as well (CTRD_RUNTIME=/usr/sbin/runc): what is
# husk's own (its state, its messages) is checked only with husk.
is_husk() {
	[ "$CTRD_RUNTIME" = "$HUSK_BIN" ]
}

# runtime_status ID: what the runtime says of the container
runtime_status() {
	"$CTRD_RUNTIME" --root "$CT/runc/$NS" state "$1" | jq -r .status
}

# task_field ID COLUMN: STATUS or PID of `ctr tasks ls`.
task_field() {
	c tasks ls | awk -v id="$1" -v col="$2" '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) n = i; next }
		$1 == id { print $n }'
}

wait_task() {	# ID STATUS (deadlock guard, not a timing assertion)
	local i s
	for i in $(seq 100); do
		s=$(task_field "$1" STATUS)
		[ "$s" = "$2" ] && return 0
		sleep 0.1
	done
	fail "task $1: status '$s', expected '$2'"
}

# blob DIR FILE: move FILE into DIR/blobs/sha256 under its digest; prints
# "DIGEST SIZE".
blob() {
	local sum size
	sum=$(sha256sum "$2" | cut -d' ' -f1) && size=$(stat -c %s "$2") &&
		mv "$2" "$1/blobs/sha256/$sum" && echo "sha256:$sum $size"
}

# make_image_archive DIR TAR: an OCI image layout of the test rootfs in
# DIR, archived as TAR: one uncompressed layer, a config, a manifest, and
# an index naming the image.
make_image_archive() {
	local dir=$1 rootfs layer config manifest arch
	rootfs=$(test_rootfs) || return
	case $(uname -m) in
	x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; *) arch=$(uname -m) ;;
	esac
	mkdir -p "$dir/blobs/sha256" || return
	tar -C "$rootfs" --exclude=./.complete -cf "$dir/layer.tar" . || return
	read -r ldigest lsize < <(blob "$dir" "$dir/layer.tar")
	jq -n --arg a "$arch" --arg l "$ldigest" '{architecture: $a, os: "linux",
		config: {Env: ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"], Cmd: ["sh"], WorkingDir: "/"},
		rootfs: {type: "layers", diff_ids: [$l]}}' >"$dir/config.json"
	read -r cdigest csize < <(blob "$dir" "$dir/config.json")
	jq -n --arg c "$cdigest" --argjson cs "$csize" --arg l "$ldigest" --argjson ls "$lsize" \
		'{schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
		config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $c, size: $cs},
		layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar", digest: $l, size: $ls}]}' \
		>"$dir/manifest.json"
	read -r mdigest msize < <(blob "$dir" "$dir/manifest.json")
	jq -n --arg m "$mdigest" --argjson ms "$msize" --arg n "$IMAGE" --arg a "$arch" \
		'{schemaVersion: 2, manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json",
		digest: $m, size: $ms, platform: {architecture: $a, os: "linux"},
		annotations: {"io.containerd.image.name": $n, "org.opencontainers.image.ref.name": "test"}}]}' \
		>"$dir/index.json"
	echo '{"imageLayoutVersion": "1.0.0"}' >"$dir/oci-layout"
	tar -C "$dir" -cf "$2" oci-layout index.json blobs
}

@test "containerd: the image built by hand is imported and unpacked" {
	run c images ls -q
	assert_success
	assert_line "$IMAGE"
	run c images check
	assert_success
	assert_output_contains "complete"
}

@test "containerd: ctr run --rm runs the task through husk and returns its exit code" {
	id=$(new_ctr)
	run ctr_run --rm "$IMAGE" "$id" sh -c 'echo hello from $(cat /etc/marker); exit 3'
	assert_failure 3
	assert_output "hello from husk-test-rootfs"
	id=$(new_ctr)
	run ctr_run --rm "$IMAGE" "$id" true
	assert_success
	[ -z "$(c containers list -q)" ]
}

@test "containerd: run -d, tasks ls and ps, exec, pause, resume, kill, delete" {
	id=$(new_ctr)
	run ctr_run -d "$IMAGE" "$id" sh -c 'trap "exit 7" TERM; sleep 1000 & wait'
	assert_success
	wait_task "$id" RUNNING
	pid=$(task_field "$id" PID)
	[ "$pid" -gt 0 ]
	# the shim's runtime is husk: the container is husk's, same init
	run "$CTRD_RUNTIME" --root "$CT/runc/$NS" state "$id"
	assert_success
	assert_equal "$(jq -r .status <<<"$output")" running
	assert_equal "$(jq -r .pid <<<"$output")" "$pid"

	run c tasks exec --exec-id e1 --fifo-dir "$CT/fifo" "$id" sh -c 'echo in-the-container; cat /proc/1/cmdline | tr "\0" " "; exit 4'
	assert_failure 4
	assert_output_contains in-the-container "sh -c trap"
	run c tasks exec --exec-id e2 --fifo-dir "$CT/fifo" --user 1000 --cwd /tmp "$id" sh -c 'id -u; pwd'
	assert_success
	assert_output "1000
/tmp"

	# tasks ps: husk ps --format json, the init and a process exec'd
	c tasks exec --exec-id e3 --fifo-dir "$CT/fifo" "$id" sleep 1000 3>&- &
	wait_until eval "[ \$(c tasks ps $id | tail -n +2 | wc -l) -eq 3 ]"
	run c tasks ps "$id"
	assert_success
	assert_output_contains "$pid"
	c tasks kill --exec-id e3 -s SIGKILL "$id"
	wait

	run c tasks pause "$id"
	assert_success
	assert_equal "$(task_field "$id" STATUS)" PAUSED
	assert_equal "$(runtime_status "$id")" paused
	run c tasks resume "$id"
	assert_success
	assert_equal "$(task_field "$id" STATUS)" RUNNING
	assert_equal "$(runtime_status "$id")" running

	run c tasks kill -s SIGTERM "$id"
	assert_success
	wait_task "$id" STOPPED
	run c tasks delete "$id"
	assert_success
	assert_output_contains "exit code 7"
	[ ! -e "$CT/runc/$NS/$id" ]
	run c containers delete "$id"
	assert_success
	[ -z "$(c containers list -q)" ]
}

@test "containerd: a task killed with SIGKILL, kill --all of the shim" {
	id=$(new_ctr)
	ctr_run -d "$IMAGE" "$id" sleep 1000
	wait_task "$id" RUNNING
	run c tasks kill -a -s SIGKILL "$id"
	assert_success
	wait_task "$id" STOPPED
	run c tasks delete "$id"
	assert_output_contains "exit code 137"
	c containers delete "$id"
}

@test "containerd: a failing create is reported with husk's error message" {
	id=$(new_ctr)
	run ctr_run --rm "$IMAGE" "$id" /no/such/binary
	assert_failure
	# containerd reads it from husk's --log in --log-format json
	assert_output_contains "OCI runtime create failed"
	! is_husk || assert_output_contains "create \"$id\": exec \"/no/such/binary\": No such file or directory"
	[ -z "$(c containers list -q)" ]
	[ ! -e "$CT/runc/$NS/$id" ]
}

@test "containerd: a failing start is reported with husk's error message" {
	# ctr run --config: a whole spec (husk's default, on a rootfs of its
	# own) with a startContainer hook that fails: the create succeeds, and
	# husk start reports the hook
	id=$(new_ctr)
	make_bundle
	local spec=$BATS_TEST_TMPDIR/spec.json
	jq '.root.path = $r | .linux.cgroupsPath = $cg |
		.hooks.startContainer = [{path: "/bin/sh", args: ["sh", "-c", "echo no-start-today >&2; exit 9"]}]' \
		--arg r "$ROOTFS" --arg cg "/$NS/$id" "$BUNDLE/config.json" >"$spec"
	run ctr_run --rm --config "$spec" "$id"
	assert_failure
	# (runc 1.1 reports the hook from the container's init, after its
	# start returned: only the hook's stderr reaches ctr)
	assert_output_contains "no-start-today"
	! is_husk || assert_output_contains "OCI runtime start failed" \
		"start container \"$id\": hooks.startContainer[0]"
	c tasks delete -f "$id" >/dev/null 2>&1 || :
	c containers delete "$id" >/dev/null 2>&1 || :
	[ ! -e "$CT/runc/$NS/$id" ]
}

@test "containerd: a failing exec is reported with husk's error message" {
	id=$(new_ctr)
	ctr_run -d "$IMAGE" "$id" sleep 1000
	wait_task "$id" RUNNING
	run c tasks exec --exec-id bad --fifo-dir "$CT/fifo" "$id" /no/such/tool
	assert_failure
	assert_output_contains "OCI runtime exec failed"
	! is_husk || assert_output_contains 'exec "/no/such/tool": No such file or directory'
	# the task is fine
	run c tasks exec --exec-id good --fifo-dir "$CT/fifo" "$id" true
	assert_success
	c tasks kill -s SIGKILL "$id"
	wait_task "$id" STOPPED
	c tasks delete "$id" >/dev/null 2>&1 || :
	c containers delete "$id"
}

@test "containerd: ctr run -t: the pty comes back through --console-socket" {
	command -v script >/dev/null || skip "no script(1) (util-linux)"
	id=$(new_ctr)
	run timeout 120 script -qec "ctr --address $CT/c.sock --namespace $NS run -t --rm \
		--snapshotter $SNAPSHOTTER --runc-binary $CTRD_RUNTIME --runc-root $CT/runc --fifo-dir $CT/fifo $IMAGE $id sh" /dev/null \
		<<<'tty; echo in-$((6*7)); exit 5'
	assert_failure 5
	assert_output_contains "/dev/pts/0" "in-42"
}
