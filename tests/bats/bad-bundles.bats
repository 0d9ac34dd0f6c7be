#!/usr/bin/env bats
# Bad bundles: a corpus of broken bundles, generated here from a good one,
# each one edit away from it. Every one must make husk create fail with
# status 1 and a message that names the problem (asserted), and leave
# nothing behind: no state dir (not even a half-made .new-* one), cgroup,
# process or mount. Also bad state roots (read-only, full) and bad ids and
# signal names. docs/testing.md lists what the corpus covers.

load helpers

setup() {
	husk_setup
	make_bundle
}

# refused MESSAGE...: husk create of $BUNDLE fails with status 1, its
# message contains each MESSAGE, and nothing is left. (stdio on files: a
# container that is wrongly created must not hold a pipe of bats.)
refused() {
	local id out=$BATS_TEST_TMPDIR/refused.out left
	id=$(new_id bad)
	status=0
	husk create -b "$BUNDLE" "$id" </dev/null >"$out" 2>&1 3>&- || status=$?
	output=$(cat "$out")
	assert_failure 1
	assert_output_contains "husk: create \"$id\": " "$@"
	assert_no_leftovers "$id"
	# nothing at all in the state root but the seccomp cache (by design)
	left=$(ls -A "$HUSK_ROOT" 2>/dev/null | grep -vx '.seccomp' || :)
	[ -z "$left" ] || fail "left in the state root: $left"
}

# config TEXT: config.json becomes TEXT (printf format, with the rest).
config() {
	# shellcheck disable=SC2059
	printf "$@" >"$BUNDLE/config.json"
}

# ------------------------------------------------------------ not JSON

@test "bad bundle: no config.json" {
	rm "$BUNDLE/config.json"
	refused "open \"$(realpath "$BUNDLE")/config.json\": No such file or directory"
}

@test "bad bundle: bundle directory does not exist" {
	BUNDLE=$BATS_TEST_TMPDIR/nowhere
	refused "bundle \"$BUNDLE\": No such file or directory"
}

@test "bad bundle: empty config.json" {
	config ''
	refused "config.json: invalid JSON at line 1: parse error: premature EOF"
}

@test "bad bundle: malformed JSON (a trailing comma)" {
	config '{"ociVersion": "1.2.0",\n}'
	refused "config.json: invalid JSON at line 2: parse error: invalid object key (must be a string)"
}

@test "bad bundle: truncated JSON names the line" {
	head -n 10 "$BUNDLE/config.json" >"$BUNDLE/c" && mv "$BUNDLE/c" "$BUNDLE/config.json"
	refused "config.json: invalid JSON at line 11: parse error: premature EOF"
}

@test "bad bundle: comments are not JSON" {
	sed -i '1s|^|// a comment\n|' "$BUNDLE/config.json"
	refused "config.json: invalid JSON at line 1" "comments are not enabled"
}

@test "bad bundle: a JSON array instead of an object" {
	config '["ociVersion"]'
	refused "config.json: expected an object"
}

@test "bad bundle: invalid UTF-8" {
	config '{"ociVersion": "1.2.0", "hostname": "\xff\xfe"}'
	refused "config.json: invalid JSON at line 1" "invalid bytes in UTF8 string"
}

@test "bad bundle: a raw NUL byte" {
	config '{"ociVersion": "1.2.0",\0 "hostname": "x"}'
	refused "config.json: contains a NUL byte at offset 23"
}

@test "bad bundle: a \\u0000 escape (strings would be cut short)" {
	cfg '.hostname = "box\u0000evil"'
	refused "config.json: line" "string contains a NUL character (\\u0000)"
}

@test "bad bundle: JSON nested 100000 deep" {
	{ printf '{"ociVersion": "1.2.0", "annotations": {"a": '
	  head -c 100000 /dev/zero | tr '\0' '['; head -c 100000 /dev/zero | tr '\0' ']'
	  printf '}}'; } >"$BUNDLE/config.json"
	refused "config.json: line 1: JSON nested deeper than 512 levels"
}

@test "bad bundle: a 100 MB config.json is refused before it is read" {
	config '{"ociVersion": "1.2.0", "annotations": {"pad": "'
	truncate -s 100M "$BUNDLE/config.json"
	refused "config.json\": too large (104857600 bytes, the limit is 16777216)"
}

@test "bad bundle: config.json a directory" {
	rm "$BUNDLE/config.json" && mkdir "$BUNDLE/config.json"
	refused "config.json\" is not a regular file"
}

@test "bad bundle: config.json a FIFO (reading it would block forever)" {
	rm "$BUNDLE/config.json" && mkfifo "$BUNDLE/config.json"
	refused "config.json\" is not a regular file"
}

@test "bad bundle: config.json a symlink to /dev/zero (reading it would never end)" {
	ln -sf /dev/zero "$BUNDLE/config.json"
	refused "config.json\" is not a regular file"
}

# ------------------------------------------------------ types and values

@test "bad bundle: ociVersion missing, a number, unsupported" {
	cfg 'del(.ociVersion)'
	refused 'config.json: missing required field "ociVersion"'
	cfg '.ociVersion = 1'
	refused "config.json: .ociVersion: expected a string"
	cfg '.ociVersion = "2.0.0"'
	refused 'config.json: .ociVersion: unsupported version "2.0.0"'
}

@test "bad bundle: process missing or a string" {
	cfg 'del(.process)'
	refused "config.json: .process: required to create a container"
	cfg '.process = "sh"'
	refused "config.json: .process: expected an object"
}

@test "bad bundle: process.args a string" {
	cfg '.process.args = "true"'
	refused "config.json: .process.args: expected an array of strings"
}

@test "bad bundle: process.args empty" {
	cfg '.process.args = []'
	refused "config.json: .process.args: must not be empty"
}

@test "bad bundle: process.args holding a number" {
	cfg '.process.args = ["true", 1]'
	refused "config.json: .process.args[1]: expected a string"
}

@test "bad bundle: process.env entry without =" {
	cfg '.process.env += ["NOEQUALS"]'
	refused 'is not of the form KEY=VALUE' '"NOEQUALS"'
}

@test "bad bundle: negative, huge and fractional uids" {
	for uid in -1 4294967296 1.5 99999999999999999999999; do
		config '%s' "$(jq -c '.process.user.uid = 0' "$BUNDLE/config.json" | sed "s/\"uid\":0/\"uid\":$uid/")"
		refused "config.json: .process.user.uid: expected an unsigned 32-bit integer"
	done
}

@test "bad bundle: uid 4294967295 (setresuid's 'unchanged')" {
	cfg '.process.user.uid = 4294967295'
	refused "config.json: .process.user.uid: 4294967295"
}

@test "bad bundle: relative cwd" {
	cfg '.process.cwd = "relative"'
	refused 'config.json: .process.cwd: "relative" is not an absolute path'
}

@test "bad bundle: unknown rlimit; soft above hard" {
	cfg '.process.rlimits = [{type: "RLIMIT_BOGUS", hard: 1, soft: 1}]'
	refused 'config.json: .process.rlimits[0].type: unknown resource limit "RLIMIT_BOGUS"'
	cfg '.process.rlimits = [{type: "RLIMIT_NOFILE", hard: 1, soft: 2}]'
	refused "config.json: .process.rlimits[0]: soft limit 2 exceeds hard limit 1"
}

@test "bad bundle: unknown capability" {
	cfg '.process.capabilities.bounding += ["CAP_BOGUS"]'
	refused '.process.capabilities.bounding[' 'unknown capability "CAP_BOGUS"'
}

@test "bad bundle: oomScoreAdj out of range" {
	cfg '.process.oomScoreAdj = 5000'
	refused "config.json: .process.oomScoreAdj: 5000 is out of range -1000..1000"
}

@test "bad bundle: terminal without a console socket (detached)" {
	cfg '.process.terminal = true'
	refused "config.json: .process.terminal is true: a detached container needs --console-socket"
}

@test "bad bundle: annotation that is not a string" {
	cfg '.annotations = {"a": 1}'
	refused "config.json: .annotations.a: expected a string"
}

# negative and huge numbers, numbers written with an exponent
@test "bad bundle: negative, huge and exponent numbers in resources" {
	cfg '.linux.resources.cpu.shares = -1'
	refused "config.json: .linux.resources.cpu.shares: expected an unsigned 64-bit integer"
	cfg '.linux.resources = {memory: {limit: 12345}}'
	sed -i 's/12345/99999999999999999999999/' "$BUNDLE/config.json"
	refused "config.json: .linux.resources.memory.limit: expected a 64-bit integer"
	sed -i 's/99999999999999999999999/1e3/' "$BUNDLE/config.json"
	refused "config.json: .linux.resources.memory.limit: expected a 64-bit integer"
	cfg '.linux.resources = {pids: {limit: "10"}}'
	refused "config.json: .linux.resources.pids.limit: expected a 64-bit integer"
}

@test "bad bundle: a memory limit too small for the init to set up" {
	cfg '.linux.resources = {memory: {limit: 1000}}'
	refused "container init was killed (SIGKILL) during set-up" \
		"config.json: .linux.resources.memory.limit is 1000 bytes"
}

# ---------------------------------------------------------------- root

@test "bad bundle: root missing" {
	cfg 'del(.root)'
	refused 'config.json: missing required field "root"'
}

@test "bad bundle: rootfs does not exist" {
	cfg '.root.path = "nope"'
	refused "config.json: .root.path: \"$(realpath "$BUNDLE")/nope\": No such file or directory"
}

@test "bad bundle: rootfs a symlink" {
	mv "$BUNDLE/rootfs" "$BUNDLE/real"
	ln -s real "$BUNDLE/rootfs"
	refused "config.json: .root.path: \"$(realpath "$BUNDLE")/rootfs\" is a symlink; name the directory itself"
	rm "$BUNDLE/rootfs" && mv "$BUNDLE/real" "$BUNDLE/rootfs"
}

@test "bad bundle: rootfs a file" {
	mv "$BUNDLE/rootfs" "$BUNDLE/real"
	touch "$BUNDLE/rootfs"
	refused "config.json: .root.path: \"$(realpath "$BUNDLE")/rootfs\" is not a directory"
	rm "$BUNDLE/rootfs" && mv "$BUNDLE/real" "$BUNDLE/rootfs"
}

@test "bad bundle: rootfsPropagation unknown; relative maskedPaths" {
	cfg '.linux.rootfsPropagation = "bogus"'
	refused 'config.json: .linux.rootfsPropagation: unknown propagation "bogus"'
	cfg 'del(.linux.rootfsPropagation) | .linux.maskedPaths = ["relative"]'
	refused 'config.json: .linux.maskedPaths[0]: "relative" is not an absolute path'
}

# ---------------------------------------------------------- namespaces

@test "bad bundle: unknown namespace type" {
	cfg '.linux.namespaces += [{type: "bogus"}]'
	refused '.linux.namespaces[' 'unknown namespace type "bogus"'
}

@test "bad bundle: duplicate namespaces" {
	cfg '.linux.namespaces += [{type: "pid"}]'
	refused '.linux.namespaces[' 'duplicate namespace "pid"'
}

@test "bad bundle: a namespace path that does not exist" {
	cfg '.linux.namespaces = [.linux.namespaces[] | if .type == "network" then .path = "/nonexistent/ns" else . end]'
	refused '.path: open "/nonexistent/ns": No such file or directory'
}

@test "bad bundle: hostname without a UTS namespace" {
	cfg '.linux.namespaces = [.linux.namespaces[] | select(.type != "uts")] | .hostname = "h"'
	refused "config.json: .hostname: requires a UTS namespace"
}

# ------------------------------------------------------------ mappings

USERNS='.linux.namespaces += [{type: "user"}] | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'

@test "bad bundle: mapping of size 0" {
	cfg "$USERNS"' | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 0}]'
	refused "config.json: .linux.uidMappings[0].size: must be greater than 0"
}

@test "bad bundle: overlapping mappings (the kernel says only EINVAL)" {
	cp "$BUNDLE/config.json" "$BATS_TEST_TMPDIR/good.json"
	cfg "$USERNS"' | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 100},
		{containerID: 50, hostID: 200000, size: 100}]'
	refused "config.json: .linux.uidMappings[1]: container ids 50-149 overlap those of .linux.uidMappings[0]"
	cp "$BATS_TEST_TMPDIR/good.json" "$BUNDLE/config.json"
	cfg "$USERNS"' | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 100},
		{containerID: 100, hostID: 100050, size: 1}]'
	refused "config.json: .linux.uidMappings[1]: host ids 100050-100050 overlap those of .linux.uidMappings[0]"
}

@test "bad bundle: mapping past the last id" {
	cfg "$USERNS"' | .linux.uidMappings = [{containerID: 4294967295, hostID: 1, size: 2}]'
	refused "config.json: .linux.uidMappings[0]: containerID 4294967295 + size 2 is past the last id, 4294967294"
}

@test "bad bundle: mappings without a user namespace" {
	cfg '.linux.uidMappings = [{containerID: 0, hostID: 100000, size: 10}]'
	refused "config.json: .linux.uidMappings: only allowed with a new user namespace"
}

# -------------------------------------------------------------- mounts

@test "bad bundle: relative mount destination" {
	cfg '.mounts += [{destination: "relative/dir", type: "tmpfs", source: "tmpfs"}]'
	refused '.destination: "relative/dir" is not an absolute path'
}

@test "bad bundle: bind mount source that does not exist" {
	add_mount /mnt bind /nonexistent/src rbind
	refused '.source: "/nonexistent/src": No such file or directory'
}

@test "bad bundle: unknown filesystem type" {
	add_mount /mnt nosuchfs x
	refused 'mount on "/mnt": mount "x" (type nosuchfs): No such device'
}

@test "bad bundle: mount options the filesystem refuses are named" {
	add_mount /mnt tmpfs t size=bogus nosuid
	refused 'mount on "/mnt": mount "t" (type tmpfs, options "size=bogus"): Invalid argument'
}

# --------------------------------------------------------------- hooks

@test "bad bundle: relative hook path; timeout not above 0" {
	cfg '.hooks.prestart = [{path: "relative/hook"}]'
	refused 'config.json: .hooks.prestart[0].path: "relative/hook" is not an absolute path'
	cfg '.hooks.prestart = [{path: "/bin/true", timeout: 0}]'
	refused "config.json: .hooks.prestart[0].timeout: must be greater than 0"
	cfg '.hooks.prestart = [{path: "/bin/true", timeout: -5}]'
	refused "config.json: .hooks.prestart[0].timeout: must be greater than 0"
}

@test "bad bundle: a hook that does not exist" {
	cfg '.hooks.createRuntime = [{path: "/nonexistent/hook"}]'
	refused 'hooks.createRuntime[0] "/nonexistent/hook": exit status 127: exec "/nonexistent/hook": No such file or directory'
}

@test "bad bundle: a hook that fails" {
	cfg '.hooks.createRuntime = [{path: "/bin/sh", args: ["sh", "-c", "echo no way >&2; exit 3"]}]'
	refused 'hooks.createRuntime[0] "/bin/sh": exit status 3: no way'
}

# ---------------------------------------------------------- the rest

@test "bad bundle: unknown seccomp action" {
	cfg '.linux.seccomp = {defaultAction: "SCMP_ACT_BOGUS"}'
	refused 'config.json: .linux.seccomp.defaultAction: unknown action "SCMP_ACT_BOGUS"'
}

@test "bad bundle: unknown device type" {
	cfg '.linux.devices = [{path: "/dev/x", type: "q", major: 1, minor: 1}]'
	refused 'config.json: .linux.devices[0].type: unknown device type "q"'
}

@test "bad bundle: a sysctl that would change the host" {
	cfg '.linux.sysctl = {"vm.swappiness": "10"}'
	refused 'config.json: .linux.sysctl["vm.swappiness"]: not scoped by any namespace of the container'
}

@test "bad bundle: cgroupsPath escaping with .." {
	cfg '.linux.cgroupsPath = "../../escape"'
	refused 'config.json: .linux.cgroupsPath: "../../escape" must not contain "." or ".." components'
}

# ------------------------------------------------------ ids and signals

@test "bad ids: empty, a path, dot-dot, too long" {
	local long
	long=$(printf 'a%.0s' $(seq 201))
	for id in "" "a/b" ".." "x y" "$long"; do
		run husk create -b "$BUNDLE" "$id" </dev/null 3>&-
		assert_failure 1
		case $id in
		"") assert_output_contains "container id must not be empty" ;;
		"$long") assert_output_contains "container id is 201 bytes long, at most 200 allowed" ;;
		*) assert_output_contains "invalid container id \"$id\"" ;;
		esac
	done
	assert_equal "$(ls -A "$HUSK_ROOT" 2>/dev/null)" ""
}

@test "bad signal names: kill refuses them and the container is untouched" {
	set_args sleep 1000
	id=$(new_id)
	create_container "$id"
	for sig in NOPE SIGNOPE 0 65 RTMIN+99999999999999999999 RTMIN-1 RTMAX+1 ""; do
		run husk kill "$id" "$sig"
		assert_failure 1
		assert_output_contains "kill: unknown signal \"$sig\""
	done
	assert_equal "$(state_field "$id" .status)" created
	run husk delete --force "$id"
	assert_success
}

# ---------------------------------------------------------- state roots

@test "bad state root: read-only (a read-only tmpfs)" {
	mkdir "$BATS_TEST_TMPDIR/ro"
	mount -t tmpfs -o ro,size=64k tmpfs "$BATS_TEST_TMPDIR/ro"
	host_mounts >"$BATS_TEST_TMPDIR/.mounts"	# the leak checks start from here
	HUSK_ROOT=$BATS_TEST_TMPDIR/ro/run
	refused "state root: mkdir \"$HUSK_ROOT\": Read-only file system"
	mount -o remount,rw "$BATS_TEST_TMPDIR/ro" && mkdir "$HUSK_ROOT" &&
		mount -o remount,ro "$BATS_TEST_TMPDIR/ro"
	refused "create state dir \"$HUSK_ROOT/.new-" "Read-only file system"
	umount "$BATS_TEST_TMPDIR/ro"
	HUSK_ROOT=$BATS_TEST_TMPDIR/root
}

@test "bad state root: full (a tiny tmpfs, full or with room for a page)" {
	mkdir "$BATS_TEST_TMPDIR/full"
	mount -t tmpfs -o size=16k tmpfs "$BATS_TEST_TMPDIR/full"
	host_mounts >"$BATS_TEST_TMPDIR/.mounts"	# the leak checks start from here
	HUSK_ROOT=$BATS_TEST_TMPDIR/full/run
	mkdir "$HUSK_ROOT"
	head -c 1M /dev/zero >"$BATS_TEST_TMPDIR/full/fill" 2>/dev/null || :
	refused "No space left on device"
	# one page left: the state file fits, the config snapshot does not
	rm "$BATS_TEST_TMPDIR/full/fill"
	head -c 12288 /dev/zero >"$BATS_TEST_TMPDIR/full/fill"
	refused "No space left on device"
	# no inode left for the state directory
	umount "$BATS_TEST_TMPDIR/full"
	mount -t tmpfs -o size=1m,nr_inodes=2 tmpfs "$BATS_TEST_TMPDIR/full"
	host_mounts >"$BATS_TEST_TMPDIR/.mounts"
	mkdir "$HUSK_ROOT"
	refused "create state dir \"$HUSK_ROOT/.new-" "No space left on device"
	umount "$BATS_TEST_TMPDIR/full"
	HUSK_ROOT=$BATS_TEST_TMPDIR/root
}
