#!/usr/bin/env bats
# --log, --log-format and --debug.

load helpers

# log_lines LEVEL FILE: the msg of every JSON line of FILE at LEVEL (and
# fails if any line of FILE is not a JSON object)
json_msgs() {
	jq -e -r --arg l "$1" 'if type != "object" then error("not an object") else . end
		| select(.level == $l) | .msg' "$2"
}

@test "--log-format json: a failure writes an error line with the message" {
	log=$BATS_TEST_TMPDIR/log.json
	run husk --log "$log" --log-format json state no-such-ctr
	assert_failure
	# the message still reaches stderr
	assert_output_contains no-such-ctr
	run json_msgs error "$log"
	assert_success
	assert_output_contains no-such-ctr "does not exist"
	# every line is one JSON object with level, msg and an RFC 3339 time
	run jq -e -s 'length >= 1 and all(.[]; (.level | type) == "string" and (.msg | type) == "string"
		and (.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9:]+)$")))' "$log"
	assert_success
}

@test "--log-format json: a failing create logs why" {
	make_bundle
	set_args no-such-binary
	log=$BATS_TEST_TMPDIR/log.json
	id=$(new_id)
	run husk --log "$log" --log-format json run -b "$BUNDLE" "$id"
	assert_failure
	run json_msgs error "$log"
	assert_success
	assert_output_contains no-such-binary "not found" "$id"
}

@test "--log-format text: a failure writes a line with the level and message" {
	log=$BATS_TEST_TMPDIR/log.txt
	run husk --log "$log" --log-format text state no-such-ctr
	assert_failure
	run cat "$log"
	assert_output_contains error no-such-ctr
	# text, not JSON
	refute jq -e . "$log"
}

@test "--log appends" {
	log=$BATS_TEST_TMPDIR/log.json
	echo '{"level":"info","msg":"earlier","time":"2000-01-01T00:00:00Z"}' >"$log"
	husk --log "$log" --log-format json state first-ctr || :
	husk --log "$log" --log-format json state second-ctr || :
	run json_msgs error "$log"
	assert_success
	assert_output_contains first-ctr second-ctr
	run json_msgs info "$log"
	assert_output earlier
}

@test "--log to a path that cannot be opened fails" {
	run husk --log "$BATS_TEST_TMPDIR/no/such/dir/log" list
	assert_failure
	assert_output_contains "$BATS_TEST_TMPDIR/no/such/dir/log"
}

@test "without --debug a successful run logs no debug lines" {
	make_bundle
	cfg '.hooks = {createRuntime: [{path: "/bin/true"}]}'
	log=$BATS_TEST_TMPDIR/log.json
	run husk --log "$log" --log-format json run -b "$BUNDLE" "$(new_id)"
	assert_success
	[ ! -s "$log" ] || assert_equal "$(json_msgs debug "$log")" ""
}

@test "--debug logs debug lines (a hook being run)" {
	make_bundle
	cfg '.hooks = {createRuntime: [{path: "/bin/true"}]}'
	log=$BATS_TEST_TMPDIR/log.json
	run husk --debug --log "$log" --log-format json run -b "$BUNDLE" "$(new_id)"
	assert_success
	run json_msgs debug "$log"
	assert_success
	assert_output_contains /bin/true
}

@test "--debug logs the lifecycle of a plain container" {
	make_bundle
	log=$BATS_TEST_TMPDIR/log.json
	id=$(new_id)
	run husk --debug --log "$log" --log-format json run -b "$BUNDLE" "$id"
	assert_success
	[ -s "$log" ] || fail "--debug wrote nothing to the log for create/start/delete"
	run json_msgs debug "$log"
	assert_success
	[ -n "$output" ] || fail "no debug lines"
}
