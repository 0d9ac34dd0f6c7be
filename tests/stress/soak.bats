#!/usr/bin/env bats
# Soak: HUSK_SOAK_CYCLES sequential run/delete cycles (make check: 200,
# make soak: 1000). At the end, against the first cycle:
#   - the mount count of the mount namespace husk runs in is unchanged
#     (the soak runs in a private mount namespace, so that mounts made by
#     other work on the machine cannot blur the count);
#   - the open fds of the husk process are the same, and so are those of
#     the container's init (nothing leaks across runs or into containers);
#   - the cgroup count under the soak's own cgroup parent is unchanged (no
#     cgroup left in any hierarchy);
#   - no state dir, process or cgroup of any cycle is left.
# Counts are compared, never durations.

load ../bats/helpers

teardown() {
	husk_teardown
	# the soak's cgroup parent, in every hierarchy (husk made it: it only
	# removes the container's own cgroup)
	[ -n "${PARENT:-}" ] && find "$CGROUP_ROOT" -mindepth 1 -maxdepth 2 -type d \
		-name "$PARENT" -exec rmdir {} + 2>/dev/null
	return 0
}

CYCLES=${HUSK_SOAK_CYCLES:-200}

# soak_cgroups: cgroup directories under the soak's parent, every hierarchy.
soak_cgroups() {
	find "$CGROUP_ROOT" -mindepth 2 -maxdepth 3 -type d -path "*/$PARENT/*" 2>/dev/null | sort
}

# one_cycle N: husk run --keep of a container that blocks on a fifo; while
# it runs, record husk's and the init's fds; then let it exit, delete it,
# and record the mount and cgroup counts. Writes "$BATS_TEST_TMPDIR/cycle".
one_cycle() {
	local n=$1 id pid init st i
	id=$(new_id soak$n)
	cfg '.linux.cgroupsPath = $p' --arg p "/$PARENT/$id"
	"$HUSK_BIN" --root "$HUSK_ROOT" run --keep -b "$BUNDLE" "$id" </dev/null \
		>"$BATS_TEST_TMPDIR/run.out" 2>&1 3>&- &
	pid=$!
	for i in $(seq 400); do	# deadlock guard only
		init=$(husk state "$id" 2>/dev/null | jq -r '.pid // empty')
		st=$(husk state "$id" 2>/dev/null | jq -r .status)
		[ -n "$init" ] && [ "$st" = running ] && [ -e "/proc/$init/fd/3" ] && break
		sleep 0.02
	done
	[ -e "/proc/$init/fd/3" ] || fail "cycle $n: the container never opened its gate" \
		"$(cat "$BATS_TEST_TMPDIR/run.out")" || return
	{
		echo "husk-fds: $(ls /proc/$pid/fd | wc -l)"
		echo "init-fds: $(ls /proc/$init/fd | tr '\n' ' ')"
	} >"$BATS_TEST_TMPDIR/cycle"
	echo go >"$ROOTFS/gate"
	wait "$pid" || fail "cycle $n: husk run exited $?" "$(cat "$BATS_TEST_TMPDIR/run.out")" || return
	husk delete "$id" >/dev/null || fail "cycle $n: delete failed" || return
	{
		echo "mounts: $(wc -l </proc/self/mountinfo)"
		echo "cgroups: $(soak_cgroups | wc -l)"
		echo "state: $(ls -A "$HUSK_ROOT" | wc -l)"
	} >>"$BATS_TEST_TMPDIR/cycle"
}

soak() {
	local n first
	for n in $(seq "$CYCLES"); do
		one_cycle "$n" || return
		[ "$n" -eq 1 ] && first=$(cat "$BATS_TEST_TMPDIR/cycle")
	done
	echo "$first" >"$BATS_TEST_TMPDIR/first"
	cp "$BATS_TEST_TMPDIR/cycle" "$BATS_TEST_TMPDIR/last"
}

@test "soak: $CYCLES run/delete cycles leave mounts, fds and cgroups as the first did" {
	command -v unshare >/dev/null || skip "no unshare (util-linux)"
	make_bundle
	cfg '.root.readonly = true'
	mkfifo "$ROOTFS/gate"
	# the init's fd 3 is its end of the gate (read-write: opening does not
	# wait for a writer): once it is there, the user process runs
	set_args sh -c 'exec 3<>/gate; read -r x <&3'
	PARENT=husk-soak-$$-$RANDOM
	export PARENT
	# a private mount namespace, so that only husk's mounts count
	run unshare --mount --propagation private -- bash -c \
		'source "$1"; source "$2"; soak' _ "$BATS_TEST_DIRNAME/../bats/helpers.bash" \
		<(declare -f soak_cgroups one_cycle soak; declare -p HUSK_ROOT BUNDLE ROOTFS CYCLES \
			BATS_TEST_TMPDIR HUSK_BIN PARENT CGROUP_ROOT HUSK_TEST_TIMEOUT)
	rm -f "$ROOTFS/gate"
	assert_success
	echo "# first cycle: $(cat "$BATS_TEST_TMPDIR/first" | tr '\n' ' ')" >&3
	echo "# last cycle:  $(cat "$BATS_TEST_TMPDIR/last" | tr '\n' ' ')" >&3
	assert_equal "$(cat "$BATS_TEST_TMPDIR/last")" "$(cat "$BATS_TEST_TMPDIR/first")"
	grep -qx "cgroups: 0" "$BATS_TEST_TMPDIR/last" || fail "cgroups left: $(cat "$BATS_TEST_TMPDIR/last")"
	grep -qx "state: 0" "$BATS_TEST_TMPDIR/last" || fail "state left: $(ls -A "$HUSK_ROOT")"
	assert_no_leftovers
}
