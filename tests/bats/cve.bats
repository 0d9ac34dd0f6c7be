#!/usr/bin/env bats
# husk must not be a way out: regression tests for the container breakouts
# runtimes have had. Each test fails on a runtime with the hole.

load helpers
load security_helpers

LONG=(sh -c 'touch /started; exec sleep 1000')

have_exec() {
	"$HUSK_BIN" exec --help >/dev/null 2>&1
}

# ------------------------------------------------------ CVE-2019-5736

# The attack: get an fd for /proc/PID/exe of a husk process, wait for it to
# exit (no more ETXTBSY), then write through /proc/self/fd/N. husk runs from
# a read-only view of itself, so the fd is read-only, and the write fails. Done
# here from the host, where root can open any /proc/PID/exe: the strongest
# attacker there is.
@test "CVE-2019-5736: /proc/PID/exe of husk is read-only: writing through it never reaches the binary" {
	husk_copy
	before=$(sha256sum <"$HUSK_BIN")
	make_bundle
	set_args "${LONG[@]}"
	id=$(new_id)
	create_container "$id"
	pid=$(container_pid "$id")
	# a read-only view of husk (a detached read-only mount, or a sealed
	# memfd where that cannot be had): never the writable binary itself
	run readlink "/proc/$pid/exe"
	assert_success
	[ "$output" != "$(realpath "$HUSK_BIN")" ] || fail "/proc/$pid/exe is the husk binary: $output"
	run bash -c 'exec 7<"/proc/$1/exe" || exit 9
		"$2" --root "$3" delete --force "$4" || exit 8
		echo overwritten 2>/dev/null >>/proc/self/fd/7 && echo WROTE
		printf "\x7fELF-overwritten" 2>/dev/null | dd of=/proc/self/fd/7 conv=notrunc 2>/dev/null && echo WROTE
		exit 0' _ "$pid" "$HUSK_BIN" "$HUSK_ROOT" "$id"
	assert_success
	assert_output_not_contains WROTE
	assert_equal "$(sha256sum <"$HUSK_BIN")" "$before"
}

# /proc/PID/map_files and the mappings themselves are other ways to the
# file: whether husk re-exec'd from the read-only view or moved onto it in
# place, the waiting init maps husk's file only through the view.
@test "CVE-2019-5736: no mapping of a husk process is of the writable binary" {
	husk_copy
	bin=$(realpath "$HUSK_BIN")
	make_bundle
	set_args sleep 1000
	id=$(new_id)
	create_container "$id"
	pid=$(container_pid "$id")
	cp "/proc/$pid/maps" "$BATS_TEST_TMPDIR/maps"
	run grep -F -- "$bin" "$BATS_TEST_TMPDIR/maps"
	assert_output ""
	run awk -v ino="$(stat -c %i "$bin")" '$5 == ino' "$BATS_TEST_TMPDIR/maps"
	[ -n "$output" ] || fail "husk's file is not mapped at all: the test proves nothing"
	for f in /proc/$pid/map_files/*; do
		[ "$(readlink "$f")" != "$bin" ] || fail "$f is the writable binary"
	done
}

# Two containers share a pid namespace: the first sees the second's init
# while it waits to exec (running husk code). Same user, same capabilities:
# only husk being non-dumpable keeps /proc/PID/exe (and environ, fd, mem)
# closed - until the user process is exec'd, which makes it dumpable again.
@test "CVE-2019-5736: a container cannot open /proc/PID/exe of a husk process; it can once the user process runs" {
	have_exec || skip "husk has no exec command"
	make_bundle
	set_args sleep 1000
	a=$(new_id)
	run_detached "$a"
	apid=$(container_pid "$a")
	make_bundle "$BATS_TEST_TMPDIR/b2"
	BUNDLE=$BATS_TEST_TMPDIR/b2
	cfg '.linux.namespaces |= map(if .type == "pid" then .path = $p else . end) | .process.args = ["sleep", "1000"]' \
		--arg p "/proc/$apid/ns/pid"
	b=$(new_id)
	create_container "$b"
	bpid=$(container_pid "$b")
	# B's init as A sees it
	nspid=$(awk '/^NSpid:/ { print $3 }' "/proc/$bpid/status")
	[ -n "$nspid" ]
	run husk exec "$a" ls -l "/proc/$nspid/exe"
	assert_output_contains "cannot read link: Permission denied"
	run husk exec "$a" cat "/proc/$nspid/environ"
	assert_failure
	assert_output_contains "Permission denied"
	husk start "$b"
	wait_until grep -q sleep "/proc/$bpid/cmdline"
	run husk exec "$a" readlink "/proc/$nspid/exe"
	assert_success
	# busybox, named from A's root (a longer path when husk runs chrooted)
	[[ $output == */bin/busybox ]] || fail "not busybox: $output"
}

# End to end: an exec into a container whose binary is "#!/proc/self/exe"
# makes the kernel run husk itself as the interpreter, inside the
# container; a process of the container grabs /proc/PID/exe of every husk
# it sees and writes through it once that husk is gone.
@test "CVE-2019-5736: the husk binary is unchanged after an exec of a #!/proc/self/exe binary" {
	have_exec || skip "husk has no exec command"
	husk_copy
	before=$(sha256sum <"$HUSK_BIN")
	make_bundle
	writable_root
	printf '#!/proc/self/exe\n' >"$ROOTFS/bin/evil"
	chmod 755 "$ROOTFS/bin/evil"
	cat >"$ROOTFS/bin/grab" <<-'EOF'
		#!/bin/sh
		# every process whose exe is not busybox: hold its exe, write later
		while :; do
			for p in /proc/[0-9]*; do
				e=$(readlink $p/exe 2>/dev/null) || continue
				case $e in /bin/busybox|"") continue ;; esac
				echo "$e" >>/seen
				( exec 7<$p/exe || exit; while [ -e $p ]; do :; done
				  echo pwned 2>/dev/null >>/proc/self/fd/7 && echo "wrote $e" >>/result ) &
			done
		done
	EOF
	chmod 755 "$ROOTFS/bin/grab"
	set_args sh -c '/bin/grab & exec sleep 1000'
	id=$(new_id)
	run_detached "$id"
	for i in 1 2 3 4 5; do
		run husk exec "$id" /bin/evil
	done
	sleep 0.5	# let the grabbers that got an fd try their write
	[ ! -e "$ROOTFS/result" ] || fail "a write went through: $(cat "$ROOTFS/result")"
	assert_equal "$(sha256sum <"$HUSK_BIN")" "$before"
	# what the container could see of husk was never the binary on the host
	# (a read-only view names the file inside its detached mount)
	if [ -e "$ROOTFS/seen" ]; then
		run grep -Fx -e "$(realpath "$HUSK_BIN")" "$ROOTFS/seen"
		assert_output ""
	fi
}

# ------------------------------------------------------ CVE-2024-21626

@test "CVE-2024-21626: the container sees only fds 0, 1 and 2 (plus --preserve-fds)" {
	make_bundle
	# ls as the container's process, no shell (a shell holds pipe and
	# saved fds of its own at times): the last fd listed is the one ls
	# opened the directory with, the lowest free one, so any fd husk let
	# through shows up as one more
	set_args ls /proc/self/fd
	run husk run -b "$BUNDLE" "$(new_id)" </dev/null 7</etc/hostname 8<"$BATS_TEST_TMPDIR" 9<"$HUSK_SRC"
	assert_success
	assert_output "$(printf '%s\n' 0 1 2 3)"
	run husk run --preserve-fds 1 -b "$BUNDLE" "$(new_id)" </dev/null 3</etc/hostname 8<"$BATS_TEST_TMPDIR"
	assert_success
	assert_output "$(printf '%s\n' 0 1 2 3 4)"
}

@test "CVE-2024-21626: a cwd of /proc/self/fd/N is refused or stays in the container" {
	make_bundle
	echo host-side >"$BUNDLE/HOST-MARKER"
	mkdir -p "$HUSK_ROOT" && echo host-side >"$HUSK_ROOT/HOST-MARKER"
	set_args sh -c 'pwd; ls -a'
	for n in 3 4 5 6 7 8 9 10 11 12; do
		cfg '.process.cwd = $c' --arg c "/proc/self/fd/$n"
		run husk run -b "$BUNDLE" "$(new_id)" </dev/null
		if [ "$status" -ne 0 ]; then
			assert_output_contains "process.cwd"
		else
			assert_output_not_contains HOST-MARKER
		fi
	done
	no_leftovers
}

# ------------------------------------ symlinks in the rootfs pointing out

@test "CVE-2021-30465 style: a mount destination through a symlink out of the rootfs stays inside" {
	make_bundle
	outside=$BATS_TEST_TMPDIR/outside
	# the target exists on the host and, as the same path, in the rootfs:
	# followed on the host it leads out, resolved in the root it stays in
	mkdir -p "$outside" "$ROOTFS/$outside" "$ROOTFS/mnt"
	ln -s "$outside" "$ROOTFS/mnt/evil"	# absolute: the host's path
	add_mount /mnt/evil/sub tmpfs tmpfs
	add_mount /mnt/evil/file bind /etc/hostname bind
	set_args sh -c 'ls /mnt/evil; grep -c " /mnt/evil/sub " /proc/self/mountinfo || true'
	run husk run -b "$BUNDLE" "$(new_id)" </dev/null
	assert_success
	assert_equal "$(ls -A "$outside")" ""
	# it was made inside the rootfs, where the symlink points from there
	[ -d "$ROOTFS/$outside/sub" ]
}

@test "CVE-2019-19921 style: /proc and /dev symlinked out of the rootfs are mounted inside it" {
	make_bundle
	outp=$BATS_TEST_TMPDIR/outside-proc
	outd=$BATS_TEST_TMPDIR/outside-dev
	mkdir -p "$outp" "$outd" "$ROOTFS/$outp" "$ROOTFS/$outd"
	rm -rf "$ROOTFS/proc" "$ROOTFS/dev"
	ln -s "$outp" "$ROOTFS/proc"
	ln -s "$outd" "$ROOTFS/dev"
	# no /dev mount: husk makes the device nodes in the rootfs's /dev
	cfg '.mounts |= map(select(.destination | startswith("/dev") | not)) |
		.linux.devices = [{path: "/dev/husk-null", type: "c", major: 1, minor: 3}]'
	run run_in_container sh -c 'ls /proc/self/status && ls /dev/null /dev/husk-null'
	assert_success
	assert_equal "$(ls -A "$outp")" ""
	assert_equal "$(ls -A "$outd")" ""
	[ -c "$ROOTFS/$outd/husk-null" ]
}

@test "CVE-2025-31133 style: a /dev/null that is not the null device is never used to mask" {
	make_bundle
	before=$(cat /proc/sys/kernel/core_pattern)
	devdir=$BATS_TEST_TMPDIR/devdir
	mkdir -p "$devdir"
	ln -s /proc/sys/kernel/core_pattern "$devdir/null"
	cfg '.mounts |= map(select(.destination | startswith("/dev") | not)) |
		.mounts += [{destination: "/dev", type: "bind", source: $d, options: ["rbind"]}] |
		.linux.maskedPaths = ["/proc/timer_list"]' --arg d "$devdir"
	set_args sh -c 'echo "|/bin/pwned" > /proc/timer_list; cat /proc/timer_list'
	run husk run -b "$BUNDLE" "$(new_id)" </dev/null
	assert_failure
	assert_output_contains "/dev/null" "null device"
	assert_equal "$(cat /proc/sys/kernel/core_pattern)" "$before"
	no_leftovers
}

@test "device nodes: a symlinked parent directory does not take mknod out of the rootfs" {
	make_bundle
	out=$BATS_TEST_TMPDIR/outside-nodes
	mkdir -p "$out" "$ROOTFS/dev" "$ROOTFS/$out"
	cfg '.mounts |= map(select(.destination | startswith("/dev") | not)) |
		.linux.devices = [{path: "/dev/sub/husk-null", type: "c", major: 1, minor: 3}]'
	ln -s "$out" "$ROOTFS/dev/sub"
	run run_in_container ls /dev/sub/husk-null
	assert_success
	assert_equal "$(ls -A "$out")" ""
	[ -c "$ROOTFS/$out/husk-null" ]
}

# ------------------------------------------------------ CVE-2019-16884

# A rootfs (or a mount) that puts something else on /proc: sysctls, the
# oom score and LSM labels "written to /proc" would land in plain files and
# silently not happen. husk checks it writes to procfs.
@test "CVE-2019-16884: a fake /proc is refused for sysctl and oomScoreAdj writes" {
	make_bundle
	fake=$BATS_TEST_TMPDIR/fakeproc
	mkdir -p "$fake/sys/kernel" "$fake/self"
	echo untouched >"$fake/sys/kernel/domainname"
	echo untouched >"$fake/self/oom_score_adj"
	cfg '.mounts |= map(if .destination == "/proc" then {destination: "/proc", type: "bind",
		source: $f, options: ["rbind"]} else . end) | .linux.sysctl = {"kernel.domainname": "pwned"}' \
		--arg f "$fake"
	run husk run -b "$BUNDLE" "$(new_id)" </dev/null
	assert_failure
	assert_output_contains "procfs" 'linux.sysctl["kernel.domainname"]'
	cfg 'del(.linux.sysctl) | .process.oomScoreAdj = 100'
	run husk run -b "$BUNDLE" "$(new_id)" </dev/null
	assert_failure
	assert_output_contains "procfs" "process.oomScoreAdj"
	assert_equal "$(cat "$fake/sys/kernel/domainname") $(cat "$fake/self/oom_score_adj")" "untouched untouched"
	no_leftovers
}

# ------------------------------------------------------ CVE-2022-29162

@test "CVE-2022-29162: exec --cap leaves the inheritable set empty" {
	have_exec || skip "husk has no exec command"
	make_bundle
	set_args sleep 1000
	id=$(new_id)
	run_detached "$id"
	run husk exec --cap CAP_NET_ADMIN "$id" cat /proc/self/status
	assert_success
	echo "$output" >"$BATS_TEST_TMPDIR/st"
	assert_equal "$(status_field "$BATS_TEST_TMPDIR/st" CapInh)" 0000000000000000
	assert_equal "$(status_field "$BATS_TEST_TMPDIR/st" CapAmb)" 0000000000000000
	assert_equal "$(status_field "$BATS_TEST_TMPDIR/st" CapEff)" \
		"$(cap_mask AUDIT_WRITE KILL NET_BIND_SERVICE NET_ADMIN)"
}

# ------------------------------------------ what the config asks is what runs

@test "a seccomp deny of mkdir really gets EPERM inside; CapEff matches the config" {
	make_bundle
	writable_root
	seccomp_set "$(deny_profile SCMP_ACT_ERRNO)"
	set_caps '{"bounding": ["CAP_CHOWN", "CAP_KILL"], "permitted": ["CAP_CHOWN", "CAP_KILL"],
		"effective": ["CAP_CHOWN", "CAP_KILL"]}'
	run run_in_container sh -c 'mkdir /tmp/d; grep CapEff /proc/self/status'
	assert_success
	assert_output_contains "Operation not permitted" "CapEff:	$(cap_mask CHOWN KILL)"
	[ ! -e "$ROOTFS/tmp/d" ]
}
