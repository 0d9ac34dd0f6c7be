#!/usr/bin/env bats
# The container process: args, env, cwd, user, umask, HOME, fds, rlimits,
# no_new_privs, capabilities, namespaces, cgroup.

load helpers

# status_field NAME: the value of NAME: in $output (a /proc/self/status dump)
# with runs of blanks squeezed to one space
status_field() {
	sed -n "s/^$1:[[:space:]]*//p" <<<"$output" | tr -s ' \t' '  ' | sed 's/ $//'
}

@test "args are passed exactly, argv0 included" {
	make_bundle
	run run_in_container sh -c 'echo "0=[$0] n=$#"; for a in "$@"; do echo "[$a]"; done' \
		myname 'a b' '' 'c*' '-x' '$HOME' "quote'd"
	assert_success
	assert_output "0=[myname] n=6
[a b]
[]
[c*]
[-x]
[\$HOME]
[quote'd]"
}

@test "args[0] is looked up in the container's PATH, or taken as a path" {
	make_bundle
	cfg '.process.env = ["PATH=/usr/sbin:/sbin"]'
	# only /sbin has ifconfig among these; `echo` is not on this PATH
	run run_in_container ifconfig -a
	assert_success
	assert_output_contains "lo"
	run run_in_container /bin/echo absolute
	assert_success
	assert_output absolute
}

@test "env is exactly the config's (plus HOME), nothing of the host" {
	make_bundle
	cfg '.process.env = ["PATH=/bin:/usr/bin", "FOO=bar baz", "EMPTY=", "EQ=a=b"]'
	export HUSK_HOST_ONLY=leaked
	run run_in_container env
	assert_success
	assert_equal "$(sort <<<"$output")" "$(printf '%s\n' EMPTY= EQ=a=b 'FOO=bar baz' HOME=/root PATH=/bin:/usr/bin | sort)"
}

@test "env: an explicit HOME is kept" {
	make_bundle
	cfg '.process.env += ["HOME=/custom"] | .process.user = {uid: 1000, gid: 1000}'
	run sh_in_container 'echo "HOME=$HOME"'
	assert_success
	assert_output HOME=/custom
}

@test "HOME comes from the container's /etc/passwd, / for an unknown uid" {
	make_bundle
	for u in 0:/root 1000:/home/tester 1:/usr/sbin 4242:/; do
		cfg '.process.user = {uid: $u, gid: $u}' --argjson u "${u%%:*}"
		run sh_in_container 'echo "$HOME"'
		assert_success
		assert_output "${u#*:}"
	done
}

@test "cwd: the process starts there; a missing cwd is created" {
	make_bundle
	cfg '.process.cwd = "/tmp"'
	run run_in_container pwd
	assert_success
	assert_output /tmp
	cfg '.process.cwd = "/does/not/exist/yet"'
	run run_in_container pwd
	assert_success
	assert_output /does/not/exist/yet
	[ -d "$ROOTFS/does/not/exist/yet" ]
}

@test "user: uid, gid and exactly additionalGids (not the groups of /etc/group, as runc)" {
	make_bundle
	cfg '.process.user = {uid: 1000, gid: 1000, additionalGids: [100]}'
	run sh_in_container 'cat /proc/self/status; id; touch /tmp/f; stat -c "owner=%u:%g" /tmp/f'
	assert_success
	assert_equal "$(status_field Uid)" "1000 1000 1000 1000"
	assert_equal "$(status_field Gid)" "1000 1000 1000 1000"
	# 10 (wheel) and 29 (audio) list tester in /etc/group: the config did
	# not ask for them (runc and podman agree: the manager lists them)
	assert_equal "$(status_field Groups | tr ' ' '\n' | grep -vx 1000 | sort -n | xargs)" "100"
	assert_line owner=1000:1000
	assert_output_contains "uid=1000(tester) gid=1000(tester)"
}

@test "user: root gets only its additionalGids, no host groups" {
	make_bundle
	cfg '.process.user = {uid: 0, gid: 0, additionalGids: [5, 29]}'
	run run_in_container cat /proc/self/status
	assert_success
	assert_equal "$(status_field Uid)" "0 0 0 0"
	assert_equal "$(status_field Groups | tr ' ' '\n' | grep -vx 0 | sort -n | xargs)" "5 29"
}

@test "user: a uid that is not in /etc/passwd" {
	make_bundle
	cfg '.process.user = {uid: 4242, gid: 4343}'
	run run_in_container cat /proc/self/status
	assert_success
	assert_equal "$(status_field Uid)" "4242 4242 4242 4242"
	assert_equal "$(status_field Gid)" "4343 4343 4343 4343"
	assert_equal "$(status_field Groups | tr ' ' '\n' | grep -vx 4343 | xargs)" ""
}

@test "umask from process.user.umask" {
	make_bundle
	cfg '.process.user.umask = 23'	# 0027
	run sh_in_container 'umask; touch /tmp/f; mkdir /tmp/d; stat -c "%n %a" /tmp/f /tmp/d'
	assert_success
	assert_output "0027
/tmp/f 640
/tmp/d 750"
}

@test "fds: the container sees exactly 0, 1, 2 (inside)" {
	make_bundle
	# a busybox sh -c does not open fds of its own: list pid 1's (the sh's)
	# from a child, while the caller holds extra fds (bats' 3, and 5, 9)
	exec 5</dev/null 9<"$ROOTFS/etc/passwd"
	run sh_in_container 'ls /proc/1/fd; true'
	exec 5<&- 9<&-
	assert_success
	assert_output "0
1
2"
}

@test "fds: the container sees exactly 0, 1, 2 (seen from the host)" {
	make_bundle
	set_args sleep 1000
	id=$(new_id)
	exec 5</dev/null
	run_detached "$id"
	exec 5<&-
	pid=$(container_pid "$id")
	assert_equal "$(ls /proc/"$pid"/fd | sort -n | xargs)" "0 1 2"
}

@test "fds: --preserve-fds N passes fds 3..N+2 and no more" {
	make_bundle
	echo three >"$BATS_TEST_TMPDIR/f3"
	echo four >"$BATS_TEST_TMPDIR/f4"
	# (no pipeline: pid 1 would hold the pipe's fds while ls runs)
	set_args sh -c 'ls /proc/1/fd; cat <&3; cat <&4; true'
	run husk run --preserve-fds 2 -b "$BUNDLE" "$(new_id)" \
		</dev/null 3<"$BATS_TEST_TMPDIR/f3" 4<"$BATS_TEST_TMPDIR/f4" 5</dev/null
	assert_success
	assert_output "0
1
2
3
4
three
four"
}

@test "fds: LISTEN_FDS passes the socket-activation fds and sets LISTEN_FDS, LISTEN_PID" {
	make_bundle
	echo three >"$BATS_TEST_TMPDIR/f3"
	echo four >"$BATS_TEST_TMPDIR/f4"
	set_args sh -c 'ls /proc/1/fd; cat <&3; cat <&4; echo "$LISTEN_FDS $LISTEN_PID"; true'
	id=$(new_id)
	# LISTEN_PID names husk itself, as a service manager would
	run env LISTEN_FDS=2 HUSK_BIN="$HUSK_BIN" HUSK_ROOT="$HUSK_ROOT" BUNDLE="$BUNDLE" ID="$id" \
		sh -c 'LISTEN_PID=$$ exec "$HUSK_BIN" --root "$HUSK_ROOT" run -b "$BUNDLE" "$ID"' \
		</dev/null 3<"$BATS_TEST_TMPDIR/f3" 4<"$BATS_TEST_TMPDIR/f4" 5</dev/null
	assert_success
	assert_output "0
1
2
3
4
three
four
2 1"
}

@test "fds: LISTEN_FDS and --preserve-fds add up" {
	make_bundle
	set_args sh -c 'ls /proc/1/fd; true'
	id=$(new_id)
	run env LISTEN_FDS=1 HUSK_BIN="$HUSK_BIN" HUSK_ROOT="$HUSK_ROOT" BUNDLE="$BUNDLE" ID="$id" \
		sh -c 'LISTEN_PID=$$ exec "$HUSK_BIN" --root "$HUSK_ROOT" run --preserve-fds 1 -b "$BUNDLE" "$ID"' \
		</dev/null 3</dev/null 4</dev/null 5</dev/null
	assert_success
	assert_equal "$(xargs <<<"$output")" "0 1 2 3 4"
}

@test "rlimits are applied" {
	make_bundle
	cfg '.process.rlimits = [
		{type: "RLIMIT_NOFILE", soft: 123, hard: 456},
		{type: "RLIMIT_NPROC", soft: 777, hard: 888},
		{type: "RLIMIT_CORE", soft: 0, hard: 0}]'
	run sh_in_container 'cat /proc/self/limits; echo "n=$(ulimit -n)"'
	assert_success
	assert_equal "$(awk '/^Max open files/ {print $4, $5}' <<<"$output")" "123 456"
	assert_equal "$(awk '/^Max processes/ {print $3, $4}' <<<"$output")" "777 888"
	assert_equal "$(awk '/^Max core file size/ {print $5, $6}' <<<"$output")" "0 0"
	assert_line n=123
}

@test "noNewPrivileges true and false" {
	make_bundle
	cfg '.process.noNewPrivileges = true'
	run run_in_container cat /proc/self/status
	assert_success
	assert_equal "$(status_field NoNewPrivs)" 1
	cfg '.process.noNewPrivileges = false'
	run run_in_container cat /proc/self/status
	assert_success
	assert_equal "$(status_field NoNewPrivs)" 0
}

@test "capabilities: the default spec's sets" {
	make_bundle
	run run_in_container cat /proc/self/status
	assert_success
	# CAP_KILL (5), CAP_NET_BIND_SERVICE (10), CAP_AUDIT_WRITE (29)
	assert_equal "$(status_field CapBnd)" 0000000020000420
	assert_equal "$(status_field CapEff)" 0000000020000420
	assert_equal "$(status_field CapPrm)" 0000000020000420
	assert_equal "$(status_field CapInh)" 0000000000000000
	assert_equal "$(status_field CapAmb)" 0000000000000000
}

@test "capabilities: custom sets for root, enforced" {
	make_bundle
	cfg '.process.capabilities = {bounding: ["CAP_CHOWN", "CAP_SYS_ADMIN"],
		effective: ["CAP_CHOWN"], permitted: ["CAP_CHOWN"]}'
	run sh_in_container 'cat /proc/self/status; touch /tmp/f; chown 1000 /tmp/f && echo CHOWN-OK
		hostname other && echo HOSTNAME-CHANGED; true'
	assert_success
	assert_equal "$(status_field CapBnd)" 0000000000200001
	assert_equal "$(status_field CapEff)" 0000000000000001
	assert_equal "$(status_field CapPrm)" 0000000000000001
	assert_line CHOWN-OK
	# CAP_SYS_ADMIN is only in the bounding set
	assert_output_not_contains HOSTNAME-CHANGED

	cfg '.process.capabilities = {bounding: [], effective: [], permitted: []}'
	run sh_in_container 'cat /proc/self/status; touch /tmp/f; chown 1000 /tmp/f && echo CHOWN-OK; true'
	assert_success
	assert_equal "$(status_field CapBnd)" 0000000000000000
	assert_equal "$(status_field CapEff)" 0000000000000000
	assert_output_not_contains CHOWN-OK
}

@test "capabilities: a non-root user keeps caps through ambient" {
	make_bundle
	cfg '.process.user = {uid: 1000, gid: 1000} |
		.process.capabilities = {bounding: ["CAP_CHOWN", "CAP_KILL"], effective: ["CAP_CHOWN"],
			permitted: ["CAP_CHOWN"], inheritable: ["CAP_CHOWN"], ambient: ["CAP_CHOWN"]}'
	run run_in_container cat /proc/self/status
	assert_success
	assert_equal "$(status_field CapBnd)" 0000000000000021
	assert_equal "$(status_field CapEff)" 0000000000000001
	assert_equal "$(status_field CapPrm)" 0000000000000001
	assert_equal "$(status_field CapInh)" 0000000000000001
	assert_equal "$(status_field CapAmb)" 0000000000000001
}

NS_TYPES="pid net ipc uts mnt cgroup"

cmdline_is() {	# PID STRING: /proc/PID/cmdline, NULs as spaces, is STRING
	[ "$(tr '\0' ' ' <"/proc/$1/cmdline")" = "$2" ]
}

ns_differs() {	# PID TYPE: PID's TYPE namespace is not ours
	[ "$(readlink "/proc/$1/ns/$2")" != "$(readlink "/proc/self/ns/$2")" ]
}

@test "namespaces: every configured one differs from the host's" {
	make_bundle
	run sh_in_container "for n in $NS_TYPES; do echo \"\$n \$(readlink /proc/self/ns/\$n)\"; done"
	assert_success
	for n in $NS_TYPES; do
		inside=$(awk -v n="$n" '$1 == n {print $2}' <<<"$output")
		[ -n "$inside" ] || fail "no $n namespace inside: $output"
		[ "$inside" != "$(readlink /proc/self/ns/$n)" ] || fail "$n namespace is the host's: $inside"
	done
}

@test "namespaces: one left out of the config is shared with the host" {
	make_bundle
	cfg '.linux.namespaces |= map(select(.type != "network" and .type != "ipc"))'
	run sh_in_container 'for n in net ipc uts; do readlink /proc/self/ns/$n; done'
	assert_success
	assert_equal "$(sed -n 1p <<<"$output")" "$(readlink /proc/self/ns/net)"
	assert_equal "$(sed -n 2p <<<"$output")" "$(readlink /proc/self/ns/ipc)"
	[ "$(sed -n 3p <<<"$output")" != "$(readlink /proc/self/ns/uts)" ]
}

@test "namespaces: joining a network namespace by path" {
	command -v unshare >/dev/null || skip "no unshare(1)"
	make_bundle
	unshare --net sleep 1000 </dev/null >/dev/null 2>&1 3>&- &
	holder=$!
	echo "$holder" >"$BATS_TEST_TMPDIR/holder"
	wait_until ns_differs "$holder" net
	want=$(readlink /proc/$holder/ns/net)
	cfg '.linux.namespaces |= map(if .type == "network" then .path = $p else . end)' \
		--arg p "/proc/$holder/ns/net"
	run sh_in_container 'readlink /proc/self/ns/net; ip -o link | cut -d: -f2 | xargs'
	assert_success
	assert_line "$want"
	assert_line lo
	# the namespace outlives the container
	assert_equal "$(readlink /proc/$holder/ns/net)" "$want"
}

@test "namespaces: joining a uts namespace by path keeps its hostname when none is set" {
	command -v unshare >/dev/null || skip "no unshare(1)"
	make_bundle
	unshare --uts sh -c 'hostname joined-uts; exec sleep 1000' </dev/null >/dev/null 2>&1 3>&- &
	holder=$!
	echo "$holder" >"$BATS_TEST_TMPDIR/holder"
	wait_until cmdline_is "$holder" "sleep 1000 "
	cfg 'del(.hostname) | .linux.namespaces |= map(if .type == "uts" then .path = $p else . end)' \
		--arg p "/proc/$holder/ns/uts"
	run sh_in_container 'readlink /proc/self/ns/uts; hostname'
	assert_success
	assert_line "$(readlink /proc/$holder/ns/uts)"
	assert_line joined-uts
}

@test "cgroup: the container is in /husk/<id> in every hierarchy" {
	make_bundle
	# without a cgroup namespace the container sees its real path
	cfg '.linux.namespaces |= map(select(.type != "cgroup"))'
	set_args sh -c 'cat /proc/self/cgroup; exec sleep 1000'
	id=$(new_id)
	run_detached "$id"
	pid=$(container_pid "$id")
	wait_until grep -q . "$BATS_TEST_TMPDIR/$id.out"
	inside=$(cat "$BATS_TEST_TMPDIR/$id.out")
	[ -n "$inside" ]
	while IFS=: read -r n ctrl path; do
		assert_equal "$path" "/husk/$id"
	done <<<"$inside"
	assert_equal "$(cat /proc/$pid/cgroup)" "$inside"
	# and every hierarchy has the directory, holding the init
	while read -r mnt; do
		grep -qx "$pid" "$mnt/husk/$id/cgroup.procs" || fail "$pid not in $mnt/husk/$id"
	done < <(awk '$3 == "cgroup" || $3 == "cgroup2" {print $2}' /proc/self/mounts)
}

@test "cgroup: with a cgroup namespace the container sees / and the host /husk/<id>" {
	make_bundle
	set_args sh -c 'cat /proc/self/cgroup; exec sleep 1000'
	id=$(new_id)
	run_detached "$id"
	pid=$(container_pid "$id")
	wait_until grep -q . "$BATS_TEST_TMPDIR/$id.out"
	while IFS=: read -r n ctrl path; do
		assert_equal "$path" /
	done <"$BATS_TEST_TMPDIR/$id.out"
	while IFS=: read -r n ctrl path; do
		assert_equal "$path" "/husk/$id"
	done </proc/$pid/cgroup
}

@test "cgroup: linux.cgroupsPath places the container, delete removes it" {
	make_bundle
	leaf=$(new_id cg)
	cfg '.linux.cgroupsPath = $p' --arg p "/husk/$leaf"
	set_args sleep 1000
	id=$(new_id)
	run_detached "$id"
	pid=$(container_pid "$id")
	while IFS=: read -r n ctrl path; do
		assert_equal "$path" "/husk/$leaf"
	done </proc/$pid/cgroup
	[ -z "$(cgroups_of "$id")" ]
	husk delete --force "$id"
	assert_equal "$(cgroups_of "$leaf")" ""
}

teardown() {
	if [ -f "$BATS_TEST_TMPDIR/holder" ]; then
		kill "$(cat "$BATS_TEST_TMPDIR/holder")" 2>/dev/null || :
	fi
	husk_teardown
}

# What husk's caller ignores and blocks is inherited by husk, and must not
# reach the container process. 32 and 33 are among them: glibc keeps them
# for itself, other programs use them.
@test "signals: the process starts with default dispositions and nothing blocked" {
	sigstate=$(sigstate_bin) || fail "cannot build tests/tools/sigstate"
	make_bundle
	set_args grep -E "^Sig(Ign|Blk)" /proc/self/status
	run "$sigstate" 1 2 3 10 13 15 32 33 -- "$HUSK_BIN" --root "$HUSK_ROOT" run -b "$BUNDLE" "$(new_id)" </dev/null
	assert_success
	assert_output "SigBlk:	0000000000000000
SigIgn:	0000000000000000"
}
