#!/usr/bin/env bats
# --version

load helpers

@test "--version: husk version, commit, spec version, libseccomp" {
	for flag in --version -v; do
		run husk "$flag"
		assert_success
		[[ ${lines[0]} =~ ^husk\ version\ [0-9]+\.[0-9]+\.[0-9]+ ]] || fail "line 1: ${lines[0]}"
		[[ $output =~ (^|$'\n')commit:\ [0-9a-f]{7,40}(-dirty)?($'\n'|$) ]] || fail "no commit line: $output"
		[[ $output =~ (^|$'\n')spec:\ 1\.[0-9]+\.[0-9]+($'\n'|$) ]] || fail "no spec line: $output"
		[[ $output =~ (^|$'\n')libseccomp:\ [0-9]+\.[0-9]+\.[0-9]+($'\n'|$) ]] || fail "no libseccomp line: $output"
	done
}

@test "--version: the version is the Makefile's, the spec version what spec writes" {
	run husk --version
	assert_success
	want=$(sed -n 's/^VERSION[[:space:]]*:*=[[:space:]]*//p' "$HUSK_SRC/Makefile")
	assert_line "husk version $want"
	spec=$(sed -n 's/^spec: //p' <<<"$output")
	mkdir "$BATS_TEST_TMPDIR/s"
	husk spec -b "$BATS_TEST_TMPDIR/s"
	assert_equal "$(jq -r .ociVersion "$BATS_TEST_TMPDIR/s/config.json")" "$spec"
}

@test "--version: libseccomp is the version linked in" {
	command -v dpkg-query >/dev/null || skip "no dpkg-query to ask for libseccomp's version"
	deb=$(dpkg-query -W -f='${Version}' libseccomp-dev 2>/dev/null) || skip "libseccomp-dev not installed"
	run husk --version
	assert_success
	ver=$(sed -n 's/^libseccomp: //p' <<<"$output")
	# Debian's 2.5.4-1+deb12u1 is upstream 2.5.4
	assert_equal "$ver" "$(sed 's/^[0-9]*://; s/-.*//' <<<"$deb")"
}

@test "--help and COMMAND --help print usage and succeed" {
	run husk --help
	assert_success
	for cmd in create start run state list kill delete spec; do
		assert_output_contains "$cmd"
	done
	for cmd in create start run state list kill delete spec; do
		run husk "$cmd" --help
		assert_success
		assert_output_contains "Usage: husk $cmd"
	done
}
