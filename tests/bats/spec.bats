#!/usr/bin/env bats
# husk spec

load helpers

@test "spec writes a valid default config.json in the current directory" {
	mkdir "$BATS_TEST_TMPDIR/s"
	cd "$BATS_TEST_TMPDIR/s"
	run husk spec
	assert_success
	[ -f config.json ]
	jq -e '.ociVersion | test("^1\\.[0-9]+\\.[0-9]+$")' config.json
	assert_equal "$(jq -r .root.path config.json)" rootfs
	assert_equal "$(jq -c .process.args config.json)" '["sh"]'
	assert_equal "$(jq -r '[.linux.namespaces[].type] | sort | join(" ")' config.json)" \
		"cgroup ipc mount network pid uts"
	jq -e '[.mounts[].destination] | index("/proc") != null' config.json
}

@test "spec: the default config runs once args and terminal are set" {
	make_bundle
	rm "$BUNDLE/config.json"
	husk spec -b "$BUNDLE"
	# only what a terminal-less test needs: the rest is the default
	cfg '.process.terminal = false | .process.args = ["sh", "-c", "echo $$; hostname; touch /x || echo RO"]'
	run husk run -b "$BUNDLE" "$(new_id)" </dev/null
	assert_success
	assert_output_contains "Read-only file system"
	assert_line 1
	assert_line "$(jq -r .hostname "$BUNDLE/config.json")"
	assert_line RO
}

@test "spec refuses to overwrite an existing config.json" {
	mkdir "$BATS_TEST_TMPDIR/s"
	echo '{"mine": true}' >"$BATS_TEST_TMPDIR/s/config.json"
	cd "$BATS_TEST_TMPDIR/s"
	run husk spec
	assert_failure
	assert_output_contains config.json
	assert_equal "$(cat config.json)" '{"mine": true}'
	run husk spec --rootless
	assert_failure
	assert_equal "$(cat config.json)" '{"mine": true}'
	run husk spec -b "$BATS_TEST_TMPDIR/s"
	assert_failure
	assert_equal "$(cat config.json)" '{"mine": true}'
}

@test "spec -b/--bundle DIR writes there, not in the current directory" {
	mkdir "$BATS_TEST_TMPDIR/cwd" "$BATS_TEST_TMPDIR/b1" "$BATS_TEST_TMPDIR/b2"
	cd "$BATS_TEST_TMPDIR/cwd"
	run husk spec -b "$BATS_TEST_TMPDIR/b1"
	assert_success
	run husk spec --bundle ../b2
	assert_success
	jq -e . "$BATS_TEST_TMPDIR/b1/config.json" >/dev/null
	jq -e . "$BATS_TEST_TMPDIR/b2/config.json" >/dev/null
	[ ! -e config.json ]
	run husk spec -b "$BATS_TEST_TMPDIR/no-such-dir"
	assert_failure
	assert_output_contains no-such-dir
}

@test "spec --rootless: a user namespace mapping the caller's ids" {
	mkdir "$BATS_TEST_TMPDIR/s"
	run husk spec --rootless -b "$BATS_TEST_TMPDIR/s"
	assert_success
	c=$BATS_TEST_TMPDIR/s/config.json
	jq -e '[.linux.namespaces[].type] | index("user") != null' "$c"
	assert_equal "$(jq -c '.linux.uidMappings' "$c")" "[{\"containerID\":0,\"hostID\":$(id -u),\"size\":1}]"
	assert_equal "$(jq -c '.linux.gidMappings' "$c")" "[{\"containerID\":0,\"hostID\":$(id -g),\"size\":1}]"
	# no network namespace to configure without privileges
	jq -e '[.linux.namespaces[].type] | index("network") == null' "$c"
}

@test "spec --rootless: the config runs, in a user namespace with those mappings" {
	require_userns
	[ -e /proc/self/ns/user ] || skip "no user namespaces"
	make_bundle
	rm "$BUNDLE/config.json"
	husk spec --rootless -b "$BUNDLE"
	cfg '.process.terminal = false | .process.args = ["sh", "-c", "cat /proc/self/uid_map /proc/self/gid_map; readlink /proc/self/ns/user"]'
	# the mapped ids must reach the rootfs through bats' private tmp dirs
	run husk run -b "$BUNDLE" "$(new_id)" </dev/null
	assert_success
	assert_equal "$(sed -n 1p <<<"$output" | xargs)" "0 $(id -u) 1"
	assert_equal "$(sed -n 2p <<<"$output" | xargs)" "0 $(id -g) 1"
	[ "$(sed -n 3p <<<"$output")" != "$(readlink /proc/self/ns/user)" ]
}
