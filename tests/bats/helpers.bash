# Helpers shared by every husk bats file: `load helpers` in each.
#
# Every test gets
#   - its own state root      $HUSK_ROOT   (under $BATS_TEST_TMPDIR)
#   - its own bundle          $BUNDLE      (make_bundle: a copy of a cached
#                                           busybox-static rootfs + husk spec)
#   - unique container ids    new_id       (recorded for the leak checks)
# and a teardown that force-deletes whatever is left under $HUSK_ROOT and then
# asserts that nothing leaked: no state dir, no cgroup directory for any of
# the test's ids in any hierarchy, no process running from any of the test's
# root filesystems, and the host mount table as it was at setup.

HUSK_SRC=${HUSK_SRC:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}
HUSK_BIN_FROM_ENV=${HUSK_BIN:-}
HUSK_BIN=${HUSK_BIN:-$HUSK_SRC/husk}
BUSYBOX=${BUSYBOX:-/bin/busybox}
# Bump when the rootfs recipe below changes, so a stale cache is not reused.
ROOTFS_RECIPE=2
CGROUP_ROOT=${CGROUP_ROOT:-/sys/fs/cgroup}

# ---------------------------------------------------------------- assertions

fail() {
	printf '%s\n' "$@" >&2
	return 1
}

assert_success() {
	[ "$status" -eq 0 ] || fail "expected success, got status $status" "output: $output"
}

# assert_failure [STATUS]
assert_failure() {
	if [ $# -gt 0 ]; then
		[ "$status" -eq "$1" ] || fail "expected status $1, got $status" "output: $output"
	else
		[ "$status" -ne 0 ] || fail "expected failure, got status 0" "output: $output"
	fi
}

# refute CMD...: CMD fails. (A bare `! CMD` never fails a bats test.)
refute() {
	if "$@"; then
		fail "unexpectedly succeeded: $*"
	fi
}

assert_equal() {	# ACTUAL EXPECTED
	[ "$1" = "$2" ] || fail "expected: '$2'" "actual:   '$1'"
}

assert_output() {	# EXPECTED: the whole of $output
	assert_equal "$output" "$1"
}

assert_output_contains() {
	local s
	for s in "$@"; do
		case $output in
		*"$s"*) ;;
		*) fail "output does not contain '$s'" "output: $output" || return ;;
		esac
	done
}

assert_output_not_contains() {
	local s
	for s in "$@"; do
		case $output in
		*"$s"*) fail "output contains '$s'" "output: $output" || return ;;
		esac
	done
}

assert_line() {	# a line of $output equals $1
	local l
	while IFS= read -r l; do
		[ "$l" = "$1" ] && return 0
	done <<<"$output"
	fail "no line '$1' in output" "output: $output"
}

assert_no_line() {
	local l
	while IFS= read -r l; do
		[ "$l" = "$1" ] && fail "unexpected line '$1' in output" "output: $output" && return 1
	done <<<"$output"
	return 0
}

# ------------------------------------------------------------------- rootfs

# populate_rootfs DIR: a busybox-static root filesystem in the empty DIR.
populate_rootfs() {
	local d=$1 applet
	mkdir -p "$d"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,root,var/tmp,run,mnt,home/tester} &&
		chmod 755 "$d" && chmod 1777 "$d/tmp" "$d/var/tmp" && chmod 700 "$d/root" &&
		cp "$BUSYBOX" "$d/bin/busybox" && chmod 755 "$d/bin/busybox" || return
	for applet in $("$BUSYBOX" --list-full); do
		# busybox lists itself as an applet: never symlink over it
		case $applet in */busybox | busybox) continue ;; esac
		[ -e "$d/$applet" ] || [ -L "$d/$applet" ] || ln -s /bin/busybox "$d/$applet" || return
	done
	cat >"$d/etc/passwd" <<-'EOF2' || return
		root:x:0:0:root:/root:/bin/sh
		daemon:x:1:1:daemon:/usr/sbin:/bin/false
		tester:x:1000:1000:tester:/home/tester:/bin/sh
		nobody:x:65534:65534:nobody:/nonexistent:/bin/false
	EOF2
	cat >"$d/etc/group" <<-'EOF2' || return
		root:x:0:
		daemon:x:1:
		tty:x:5:
		wheel:x:10:tester
		audio:x:29:daemon,tester
		users:x:100:daemon
		tester:x:1000:
		nogroup:x:65534:
	EOF2
	chown 1000:1000 "$d/home/tester" && echo husk-test-rootfs >"$d/etc/marker"
}

# test_rootfs: build once (cached under build/test-rootfs/<busybox sha>-r<recipe>)
# a busybox-static root filesystem and print its path.
test_rootfs() {
	local sum dir tmp parent lock rc=0
	[ -x "$BUSYBOX" ] || fail "no $BUSYBOX: install busybox-static" || return
	sum=$(sha256sum "$BUSYBOX") || return
	parent=${HUSK_TEST_CACHE:-$HUSK_SRC/build/test-rootfs}
	dir=$parent/${sum:0:16}-r$ROOTFS_RECIPE
	if [ ! -e "$dir/.complete" ]; then
		mkdir -p "$parent" || return
		exec {lock}>>"$parent/.lock"
		flock "$lock"
		if [ ! -e "$dir/.complete" ]; then
			rm -rf "$dir"
			tmp=$(mktemp -d "$parent/.tmp.XXXXXX") &&
				populate_rootfs "$tmp" && touch "$tmp/.complete" && mv "$tmp" "$dir" || rc=1
			[ $rc -eq 0 ] || rm -rf "$tmp"
		fi
		exec {lock}>&-
		[ $rc -eq 0 ] || fail "building the test rootfs in $parent failed" || return
	fi
	echo "$dir"
}

# ------------------------------------------------------------------- husk

# husk ARGS...: the husk under test, with this test's state root. A husk
# that hangs is killed after HUSK_TEST_TIMEOUT seconds (a deadlock guard, not
# a timing assertion: status 124 then).
HUSK_TEST_TIMEOUT=${HUSK_TEST_TIMEOUT:-120}
husk() {
	timeout --foreground -k 10 "$HUSK_TEST_TIMEOUT" "$HUSK_BIN" --root "$HUSK_ROOT" "$@"
}

# new_id [PREFIX]: a container id unique to this run and test, remembered
# so that teardown can look for leftovers of it.
new_id() {
	local id
	id=${1:-c}-$$-${BATS_SUITE_TEST_NUMBER:-0}-$RANDOM$RANDOM
	echo "$id" >>"$BATS_TEST_TMPDIR/.ids"
	echo "$id"
}

# make_bundle [DIR]: a fresh bundle (default $BATS_TEST_TMPDIR/bundle, which
# becomes $BUNDLE) with its own copy of the rootfs and a config.json made by
# `husk spec`, then set up for tests: terminal false, writable root, args
# `true`. Prints nothing; sets BUNDLE and ROOTFS when DIR is the default.
make_bundle() {
	local dir=${1:-$BATS_TEST_TMPDIR/bundle} src
	[ -x "$BUSYBOX" ] || skip "no $BUSYBOX to make a rootfs from (install busybox-static)"
	src=$(test_rootfs) || return
	mkdir -p "$dir" || return
	# a private copy: tests may write to it, and its inodes identify the
	# test's processes. (Retry once: the cache may have been cleaned meanwhile.)
	if ! cp -a "$src" "$dir/rootfs" 2>/dev/null; then
		rm -rf "$dir/rootfs"
		src=$(test_rootfs) && cp -a "$src" "$dir/rootfs" || return
	fi
	rm -f "$dir/rootfs/.complete"
	echo "$dir/rootfs" >>"$BATS_TEST_TMPDIR/.rootfses"
	"$HUSK_BIN" spec -b "$dir" || fail "husk spec -b $dir failed" || return
	jq '.process.terminal = false | .root.readonly = false | .process.args = ["true"]' \
		"$dir/config.json" >"$dir/config.json.new" &&
		mv "$dir/config.json.new" "$dir/config.json" || return
	if [ -z "${1:-}" ]; then
		BUNDLE=$dir
		ROOTFS=$dir/rootfs
	fi
}

# cfg FILTER [JQ ARGS...]: edit $BUNDLE/config.json with jq.
cfg() {
	local filter=$1
	shift
	jq "$filter" "$@" <"$BUNDLE/config.json" >"$BUNDLE/config.json.new" ||
		fail "jq $filter failed" || return
	mv "$BUNDLE/config.json.new" "$BUNDLE/config.json"
}

# json_array STRING...: a JSON array of the strings (any string, even one
# that looks like a jq option).
json_array() {
	local a=() i=0 s
	for s in "$@"; do
		a+=(--arg "$i" "$s")
		i=$((i + 1))
	done
	jq -nc "${a[@]}" '$ARGS.named | to_entries | sort_by(.key | tonumber) | map(.value)'
}

# set_args ARG...: process.args of $BUNDLE.
set_args() {
	cfg '.process.args = $a' --argjson a "$(json_array "$@")"
}

# add_mount DEST TYPE SOURCE [OPTION...]
add_mount() {
	local dest=$1 type=$2 src=$3
	shift 3
	cfg '.mounts += [{destination: $d, type: $t, source: $s, options: $o}]' \
		--arg d "$dest" --arg t "$type" --arg s "$src" --argjson o "$(json_array "$@")"
}

# run_in_container ARG...: run ARGs in a fresh foreground container of
# $BUNDLE (stdin /dev/null); prints its output, returns its exit code.
# Use as `run run_in_container cmd args`.
# (The output goes through a file, not the caller's pipe: a container init
# left behind by a husk bug must not keep `run` waiting for EOF.)
run_in_container() {
	local out=$BATS_TEST_TMPDIR/.run-output rc=0
	set_args "$@" || return
	husk run -b "$BUNDLE" "$(new_id)" </dev/null >"$out" 2>&1 3>&- || rc=$?
	cat "$out"
	return $rc
}

# sh_in_container SCRIPT: run_in_container sh -c SCRIPT
sh_in_container() {
	run_in_container sh -c "$1"
}

# state_field ID JQ-FILTER
state_field() {
	husk state "$1" | jq -r "$2"
}

# wait_status ID STATUS: poll `husk state` until STATUS (a deadlock guard of
# ~10s, not a timing assertion).
wait_status() {
	local i s
	for i in $(seq 100); do
		s=$(husk state "$1" 2>/dev/null | jq -r .status)
		[ "$s" = "$2" ] && return 0
		sleep 0.1
	done
	fail "container $1: status '$s', expected '$2'"
}

# wait_gone PID: until /proc/PID is gone or a zombie.
wait_gone() {
	local i st
	for i in $(seq 100); do
		[ -e "/proc/$1" ] || return 0
		st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 0
		[ "$st" = Z ] && return 0
		sleep 0.1
	done
	fail "process $1 still alive"
}

# pid_alive PID: running and not a zombie
pid_alive() {
	local st
	st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
	[ -n "$st" ] && [ "$st" != Z ]
}

# The host mount table (other work on the machine may mount and unmount
# meanwhile, so the leak check below looks only at what concerns this test).
host_mounts() {
	cat /proc/self/mountinfo
}

# mount_leaks BEFORE: mounts that appeared since BEFORE (a saved host_mounts)
# on or from this test's directory, and mounts that existed before and
# changed (options, propagation), like "/" made shared.
mount_leaks() {
	# a mount is known by id, device, root and mount point together: ids
	# are recycled by mounts that others make meanwhile
	awk -v t="$BATS_TEST_TMPDIR" '
		{ k = $1 " " $3 " " $4 " " $5 }
		NR == FNR { before[k] = $0; next }
		k in before { if (before[k] != $0) print "changed: " $0; next }
		index($5, t) == 1 || index($4, t) == 1 { print "new: " $0 }' "$1" <(host_mounts)
}

# Processes (not zombies) whose root or executable is in ROOTFS.
procs_in_rootfs() {
	local rootfs=$1 rid bid p
	rid=$(stat -L -c %d:%i "$rootfs" 2>/dev/null) || return 0
	bid=$(stat -L -c %d:%i "$rootfs/bin/busybox" 2>/dev/null) || bid=none
	# one stat for all: "/proc/PID/root DEV:INO" lines
	stat -L -c '%n %d:%i' /proc/[0-9]*/root /proc/[0-9]*/exe 2>/dev/null |
		awk -v r="root $rid" -v b="exe $bid" '
			{ split($1, f, "/"); k = f[4] " " $2 }
			k == r || k == b { print f[3] }' | sort -un |
		while read -r p; do
			if pid_alive "$p"; then
				echo "$p $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)"
			fi
		done
	return 0
}

# cgroup directories named after ID, in any hierarchy.
cgroups_of() {
	# (other work may remove cgroups meanwhile: find's complaints are noise)
	find "$CGROUP_ROOT" -mindepth 1 -maxdepth 8 -type d -name "$1" 2>/dev/null || :
}

# assert_no_leftovers [ID...]: nothing of these ids (default: all this test's
# ids) is left: state, cgroups, processes, host mounts.
assert_no_leftovers() {
	local ids=("$@") id problems=() r left
	if [ ${#ids[@]} -eq 0 ] && [ -f "$BATS_TEST_TMPDIR/.ids" ]; then
		mapfile -t ids < <(sort -u "$BATS_TEST_TMPDIR/.ids")
	fi
	for id in "${ids[@]}"; do
		if [ -d "$HUSK_ROOT" ]; then
			left=$(ls -A "$HUSK_ROOT" | grep -F -- "$id" || :)
			[ -z "$left" ] || problems+=("state left under $HUSK_ROOT: $left")
		fi
		left=$(cgroups_of "$id")
		[ -z "$left" ] || problems+=("cgroup left: $left")
	done
	if [ -f "$BATS_TEST_TMPDIR/.rootfses" ]; then
		while read -r r; do
			left=$(procs_in_rootfs "$r")
			[ -z "$left" ] || problems+=("process left in $r: $left")
		done <"$BATS_TEST_TMPDIR/.rootfses"
	fi
	if [ -f "$BATS_TEST_TMPDIR/.mounts" ]; then
		left=$(mount_leaks "$BATS_TEST_TMPDIR/.mounts")
		[ -z "$left" ] || problems+=("host mounts: $left")
	fi
	[ ${#problems[@]} -eq 0 ] && return 0
	[ -n "${HUSK_CLEAN_LEAKS:-}" ] && clean_leaks "${ids[@]}"
	fail "LEAK:" "${problems[@]}"
}

# clean_leaks ID...: after a leak was reported, put the host back as found
# by hand so that one husk bug does not cascade into every later test.
clean_leaks() {
	local id r p d m
	if [ -f "$BATS_TEST_TMPDIR/.rootfses" ]; then
		while read -r r; do
			for p in $(procs_in_rootfs "$r" | cut -d' ' -f1); do
				kill -9 "$p" 2>/dev/null
				wait_gone "$p" 2>/dev/null
			done
		done <"$BATS_TEST_TMPDIR/.rootfses"
	fi
	for id in "$@"; do
		for d in $(cgroups_of "$id" | sort -r); do
			for p in $(cat "$d/cgroup.procs" 2>/dev/null); do
				kill -9 "$p" 2>/dev/null
				wait_gone "$p" 2>/dev/null
			done
			rmdir "$d" 2>/dev/null
		done
		[ -d "$HUSK_ROOT" ] && ls -A "$HUSK_ROOT" | grep -F -- "$id" |
			while read -r d; do rm -rf "${HUSK_ROOT:?}/$d"; done
	done
	for m in $(awk -v t="$BATS_TEST_TMPDIR" 'index($5, t) == 1 { print $5 }' /proc/self/mountinfo | sort -r); do
		umount -l "$m" 2>/dev/null
	done
}

# sigstate_bin: tests/tools/sigstate (run a command with signals ignored
# and blocked), built when missing; fails when it cannot be built
sigstate_bin() {
	local b=$HUSK_SRC/build/tools/sigstate
	[ -x "$b" ] || make -C "$HUSK_SRC" --no-print-directory build/tools/sigstate >/dev/null 2>&1 ||
		return 1
	echo "$b"
}

# ------------------------------------------------------------ setup/teardown

# The binary under test is snapshotted once per bats run (other work may
# rebuild ./husk meanwhile); HUSK_BIN from the environment is used as is.
husk_snapshot() {
	local snap=$BATS_RUN_TMPDIR/husk lock i
	[ -z "${HUSK_BIN_FROM_ENV:-}" ] || return 0
	if [ ! -x "$snap" ]; then
		exec {lock}>>"$BATS_RUN_TMPDIR/.husk.lock"
		flock "$lock"
		for i in 1 2 3 4 5 6 7 8 9 10; do
			[ -x "$snap" ] && break
			[ -x "$HUSK_SRC/husk" ] || break
			cp "$HUSK_SRC/husk" "$snap.tmp" && "$snap.tmp" --version >/dev/null 2>&1 &&
				mv "$snap.tmp" "$snap" && break
			sleep 0.5	# being rebuilt right now
		done
		exec {lock}>&-
	fi
	[ -x "$snap" ] && HUSK_BIN=$snap
}

husk_setup() {
	husk_snapshot
	[ -x "$HUSK_BIN" ] || skip "no husk binary at $HUSK_BIN (run make)"
	[ "$(id -u)" = 0 ] || skip "needs root"
	command -v jq >/dev/null || skip "no jq (make test-deps installs it)"
	HUSK_ROOT=$BATS_TEST_TMPDIR/root
	: >"$BATS_TEST_TMPDIR/.ids"
	host_mounts >"$BATS_TEST_TMPDIR/.mounts"
}

husk_teardown() {
	local id ids=()
	[ -n "${HUSK_ROOT:-}" ] || return 0
	if [ -d "$HUSK_ROOT" ]; then
		mapfile -t ids < <(husk list -q 2>/dev/null)
	fi
	[ -f "$BATS_TEST_TMPDIR/.ids" ] && mapfile -t -O ${#ids[@]} ids <"$BATS_TEST_TMPDIR/.ids"
	for id in $(printf '%s\n' "${ids[@]}" | sort -u); do
		[ -e "$HUSK_ROOT/$id" ] && husk delete --force "$id" >/dev/null 2>&1
	done
	HUSK_CLEAN_LEAKS=1 assert_no_leftovers
}

setup() {
	husk_setup
}

teardown() {
	husk_teardown
}

# create_container ID [CREATE OPTION...]: husk create -b $BUNDLE, with the
# container's stdio on files ($BATS_TEST_TMPDIR/ID.out, ID.err) so that no
# pipe of bats is held open by the container.
create_container() {
	local id=$1
	shift
	husk create -b "$BUNDLE" "$@" "$id" </dev/null >"$BATS_TEST_TMPDIR/$id.out" \
		2>"$BATS_TEST_TMPDIR/$id.err" 3>&- ||
		fail "husk create $id failed: $(cat "$BATS_TEST_TMPDIR/$id.err")"
}

# run_detached ID [RUN OPTION...]: husk run -d, stdio as create_container.
run_detached() {
	local id=$1
	shift
	husk run -d -b "$BUNDLE" "$@" "$id" </dev/null >"$BATS_TEST_TMPDIR/$id.out" \
		2>"$BATS_TEST_TMPDIR/$id.err" 3>&- ||
		fail "husk run -d $id failed: $(cat "$BATS_TEST_TMPDIR/$id.err")"
}

# container_pid ID
container_pid() {
	husk state "$1" | jq -er '.pid | select(. > 0)'
}

# wait_file PATH: until PATH exists (deadlock guard only).
wait_file() {
	local i
	for i in $(seq 100); do
		[ -e "$1" ] && return 0
		sleep 0.1
	done
	fail "$1 never appeared"
}

# wait_until CMD...: until CMD succeeds (deadlock guard only).
wait_until() {
	local i
	for i in $(seq 100); do
		"$@" && return 0
		sleep 0.1
	done
	fail "never true: $*"
}

# require_userns: skip when this environment cannot create user namespaces
# at all (a chroot cannot: the kernel refuses CLONE_NEWUSER there).
require_userns() {
	[ -e /proc/self/ns/user ] || skip "the kernel has no user namespaces"
	local why
	why=$(unshare --user true 2>&1) ||
		skip "this environment cannot create user namespaces: $why"
}
