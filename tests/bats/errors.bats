#!/usr/bin/env bats
# Failure paths: each fails with a non-zero exit and a message that says
# what is wrong, and leaves nothing behind: no state dir, no cgroup, no
# process, no host mount.

load helpers

# assert_nothing_left ID: the failed container left no trace (the teardown
# checks the same again for every id of the test)
assert_nothing_left() {
	local id=$1
	[ ! -e "$HUSK_ROOT/$id" ] || fail "state dir $HUSK_ROOT/$id left"
	[ ! -d "$HUSK_ROOT" ] || assert_equal "$(ls -A "$HUSK_ROOT")" "" || return
	run husk list -q
	assert_output "" || return
	assert_no_leftovers "$id"
}

# fails_cleanly SUBSTRING...: `husk run` and `husk create` of $BUNDLE fail,
# both with a message containing every SUBSTRING, and leave nothing
fails_cleanly() {
	local cmd id
	for cmd in run create; do
		id=$(new_id)
		run husk "$cmd" -b "$BUNDLE" "$id" </dev/null
		assert_failure || return
		assert_output_contains "$@" || return
		assert_nothing_left "$id" || return
	done
}

@test "missing config.json" {
	make_bundle
	rm "$BUNDLE/config.json"
	fails_cleanly config.json "No such file"
}

@test "bundle directory that does not exist" {
	make_bundle
	id=$(new_id)
	run husk run -b "$BATS_TEST_TMPDIR/no-such-bundle" "$id"
	assert_failure
	assert_output_contains no-such-bundle
	assert_nothing_left "$id"
}

@test "malformed JSON" {
	make_bundle
	printf '{"ociVersion": "1.2.0", "process": {"args": ["sh"' >"$BUNDLE/config.json"
	fails_cleanly config.json
	echo '' >"$BUNDLE/config.json"
	fails_cleanly config.json
	echo '[]' >"$BUNDLE/config.json"
	fails_cleanly config.json
}

@test "wrong types and values name the JSON path" {
	make_bundle
	cp "$BUNDLE/config.json" "$BATS_TEST_TMPDIR/good.json"
	while IFS='|' read -r filter path; do
		jq "$filter" "$BATS_TEST_TMPDIR/good.json" >"$BUNDLE/config.json"
		fails_cleanly "config.json" "$path" || fail "for $filter"
	done <<-'EOF'
		.process.args = "sh"|.process.args
		.process.args = [1]|.process.args
		.process.args = []|.process.args
		.hostname = 5|.hostname
		.mounts[1].options = "ro"|.mounts[1].options
		.process.user.uid = -1|.process.user.uid
		.process.user.uid = "root"|.process.user.uid
		.process.rlimits[0].soft = "x"|.process.rlimits[0].soft
		.linux.namespaces = {}|.linux.namespaces
		.root = "rootfs"|.root
		del(.ociVersion)|ociVersion
		.process.env = ["A=1", 2]|.process.env
	EOF
}

@test "missing rootfs" {
	make_bundle
	cfg '.root.path = "no-such-rootfs"'
	fails_cleanly no-such-rootfs
}

@test "rootfs that is a symlink is refused" {
	make_bundle
	mv "$ROOTFS" "$BUNDLE/real-rootfs"
	ln -s real-rootfs "$ROOTFS"
	echo "$BUNDLE/real-rootfs" >>"$BATS_TEST_TMPDIR/.rootfses"
	fails_cleanly rootfs symlink
}

@test "rootfs that is a file" {
	make_bundle
	rm -rf "$ROOTFS"
	echo x >"$ROOTFS"
	fails_cleanly rootfs
}

@test "bind mount source missing names .mounts[N].source" {
	make_bundle
	add_mount /mnt/x bind "$BATS_TEST_TMPDIR/no-such-source" bind
	n=$(($(jq '.mounts | length' "$BUNDLE/config.json") - 1))
	fails_cleanly ".mounts[$n].source" no-such-source
}

@test "a mount that fails inside the container (after other mounts)" {
	make_bundle
	add_mount /mnt/a tmpfs tmpfs size=64k
	add_mount /mnt/b nosuchfstype none
	fails_cleanly /mnt/b
}

@test "args naming a missing binary: not found" {
	make_bundle
	set_args no-such-binary
	fails_cleanly no-such-binary "not found"
	set_args /bin/no-such-binary
	fails_cleanly /bin/no-such-binary "No such file"
}

@test "args naming a file that is not executable" {
	make_bundle
	set_args /etc/passwd
	fails_cleanly /etc/passwd "Permission denied"
}

@test "invalid cwd: relative, or not a directory" {
	make_bundle
	cfg '.process.cwd = "tmp"'
	fails_cleanly .process.cwd
	cfg '.process.cwd = "/etc/passwd"'
	fails_cleanly /etc/passwd "Not a directory"
}

@test "joining a namespace path that does not exist" {
	make_bundle
	cfg '.linux.namespaces |= map(if .type == "network" then .path = "/proc/999999999/ns/net" else . end)'
	fails_cleanly /proc/999999999/ns/net
}

@test "joining a namespace path of the wrong type" {
	make_bundle
	cfg '.linux.namespaces |= map(if .type == "network" then .path = "/proc/self/ns/uts" else . end)'
	fails_cleanly network
}

@test "--pid-file that cannot be written: the created container is undone" {
	make_bundle
	set_args sleep 1000
	for cmd in create run; do
		id=$(new_id)
		extra=()
		[ $cmd = run ] && extra=(-d)
		run husk $cmd "${extra[@]}" --pid-file "$BATS_TEST_TMPDIR/no/such/dir/pid" -b "$BUNDLE" "$id" </dev/null
		assert_failure
		assert_output_contains pid
		assert_nothing_left "$id"
	done
}

@test "bad --log-format" {
	run husk --log-format xml list
	assert_failure
	assert_output_contains log-format xml
	make_bundle
	id=$(new_id)
	run husk --log-format xml run -b "$BUNDLE" "$id"
	assert_failure
	assert_nothing_left "$id"
}

@test "unknown flags, global and per command" {
	make_bundle
	id=$(new_id)
	run husk run --bogus -b "$BUNDLE" "$id"
	assert_failure
	assert_output_contains --bogus
	assert_nothing_left "$id"
	run husk --bogus list
	assert_failure
	assert_output_contains --bogus
	# the hint names a real command
	assert_output_not_contains "husk husk"
	run husk kill --bogus x
	assert_failure
	assert_output_contains --bogus
}

@test "unknown command" {
	run husk frobnicate
	assert_failure
	assert_output_contains frobnicate
	run husk
	assert_failure
}

@test "missing ID" {
	make_bundle
	for cmd in create run start state kill delete; do
		run husk $cmd
		assert_failure
		assert_output_contains ID
	done
	[ ! -d "$HUSK_ROOT" ] || assert_equal "$(ls -A "$HUSK_ROOT")" ""
}

@test "too many arguments" {
	make_bundle
	id=$(new_id)
	run husk create -b "$BUNDLE" "$id" extra
	assert_failure
	assert_output_contains "too many"
	assert_nothing_left "$id"
}
