#!/usr/bin/env bats
# The container's root filesystem: pid 1, hostname, mounts, /dev, masked and
# read-only paths, propagation, --no-pivot, symlinks that point out.

load helpers

# mountinfo_line MOUNTINFO DEST: the last mountinfo line mounted at DEST
mountinfo_line() {
	awk -v d="$2" '$5 == d { l = $0 } END { if (l == "") exit 1; print l }' <<<"$1"
}

# mount_opts LINE: the per-mount options; super_opts LINE: the fs options;
# fstype LINE
mount_opts() { awk '{ print $6 }' <<<"$1"; }
super_opts() { awk '{ for (i = 7; $i != "-"; i++); print $(i + 3) }' <<<"$1"; }
fstype() { awk '{ for (i = 7; $i != "-"; i++); print $(i + 1) }' <<<"$1"; }
# optional fields (shared:N master:N unbindable)
opt_fields() { awk '{ s = ""; for (i = 7; $i != "-"; i++) s = s " " $i; print s }' <<<"$1"; }

# has_opt LIST OPT: comma-separated LIST contains OPT
has_opt() {
	case ",$1," in
	*",$2,"*) return 0 ;;
	*) fail "'$2' not in options '$1'" ;;
	esac
}

@test "the process is pid 1 and sees only its own pid namespace" {
	make_bundle
	run sh_in_container 'echo $$; echo /proc/[0-9]*; true'
	assert_success
	assert_output "1
/proc/1"
}

@test "hostname and domainname come from the config, the host's are untouched" {
	make_bundle
	cfg '.hostname = "ctr-host" | .domainname = "example.test"'
	host_before=$(hostname)
	dom_before=$(cat /proc/sys/kernel/domainname)
	run sh_in_container 'hostname; cat /proc/sys/kernel/hostname /proc/sys/kernel/domainname'
	assert_success
	assert_output "ctr-host
ctr-host
example.test"
	assert_equal "$(hostname)" "$host_before"
	assert_equal "$(cat /proc/sys/kernel/domainname)" "$dom_before"
}

@test "default mounts: proc, /dev tmpfs, devpts, shm, mqueue, sysfs ro, cgroup" {
	make_bundle
	run run_in_container cat /proc/self/mountinfo
	assert_success
	mi=$output
	l=$(mountinfo_line "$mi" /proc)
	assert_equal "$(fstype "$l")" proc
	l=$(mountinfo_line "$mi" /dev)
	assert_equal "$(fstype "$l")" tmpfs
	has_opt "$(mount_opts "$l")" nosuid
	has_opt "$(super_opts "$l")" mode=755
	has_opt "$(super_opts "$l")" size=65536k
	l=$(mountinfo_line "$mi" /dev/pts)
	assert_equal "$(fstype "$l")" devpts
	has_opt "$(mount_opts "$l")" noexec
	has_opt "$(super_opts "$l")" ptmxmode=666
	has_opt "$(super_opts "$l")" mode=620
	has_opt "$(super_opts "$l")" gid=5
	l=$(mountinfo_line "$mi" /dev/shm)
	assert_equal "$(fstype "$l")" tmpfs
	for o in nosuid noexec nodev; do has_opt "$(mount_opts "$l")" $o; done
	l=$(mountinfo_line "$mi" /dev/mqueue)
	assert_equal "$(fstype "$l")" mqueue
	l=$(mountinfo_line "$mi" /sys)
	assert_equal "$(fstype "$l")" sysfs
	for o in ro nosuid noexec nodev; do has_opt "$(mount_opts "$l")" $o; done
	l=$(mountinfo_line "$mi" /sys/fs/cgroup)
	has_opt "$(mount_opts "$l")" ro
	# the cgroup filesystems themselves are reachable under it
	grep -Eq ' /sys/fs/cgroup(/[^ ]*)? .* - cgroup2? ' <<<"$mi"
}

# cgroup_view ID [CGROUPNS]: the container's mountinfo lines under
# /sys/fs/cgroup, run with or without a cgroup namespace
cgroup_view() {
	local id=$1
	[ -n "${2:-}" ] || cfg '.linux.namespaces |= map(select(.type != "cgroup"))'
	set_args cat /proc/self/mountinfo
	run husk run -b "$BUNDLE" "$id" </dev/null
	assert_success
}

# check_cgroup_view ID ROOT: every hierarchy of the host is at
# /sys/fs/cgroup/NAME, read-only and nosuid,nodev,noexec, its root ROOT
# (the container's cgroup, or / in a cgroup namespace); the tmpfs holding
# them is read-only too
check_cgroup_view() {
	local l name fs root=$2 n=0
	l=$(mountinfo_line "$output" /sys/fs/cgroup)
	if [ "$(fstype "$l")" = cgroup2 ]; then	# a unified host
		for o in ro nosuid nodev noexec; do has_opt "$(mount_opts "$l")" $o; done
		return
	fi
	assert_equal "$(fstype "$l")" tmpfs
	has_opt "$(mount_opts "$l")" ro
	has_opt "$(super_opts "$l")" ro
	has_opt "$(super_opts "$l")" mode=755
	while read -r name fs; do
		l=$(mountinfo_line "$output" "/sys/fs/cgroup/$name") || fail "no /sys/fs/cgroup/$name" "$output"
		assert_equal "$(fstype "$l")" "$fs"
		for o in ro nosuid nodev noexec; do has_opt "$(mount_opts "$l")" $o; done
		assert_equal "$(awk '{ print $4 }' <<<"$l")" "$root"
		n=$((n + 1))
	done < <(awk '($3 == "cgroup" || $3 == "cgroup2") && $2 ~ "^/sys/fs/cgroup/" {
		n = split($2, p, "/"); print p[n], $3 }' /proc/self/mounts)
	[ "$n" -gt 0 ]
}

@test "/sys/fs/cgroup: each host hierarchy, read-only, rooted at the container's cgroup" {
	make_bundle
	id=$(new_id)
	cgroup_view "$id"
	check_cgroup_view "$id" "/husk/$id"
}

@test "/sys/fs/cgroup: in a cgroup namespace each hierarchy is rooted at the namespace's root" {
	make_bundle
	jq -e '.linux.namespaces | map(.type) | index("cgroup")' "$BUNDLE/config.json" >/dev/null ||
		cfg '.linux.namespaces += [{type: "cgroup"}]'
	id=$(new_id)
	cgroup_view "$id" cgroupns
	check_cgroup_view "$id" /
}

@test "/sys/fs/cgroup without ro: the tmpfs and the hierarchies stay writable" {
	make_bundle
	cfg '.mounts |= map(if .destination == "/sys/fs/cgroup" then .options |= map(select(. != "ro")) else . end)'
	id=$(new_id)
	cgroup_view "$id"
	l=$(mountinfo_line "$output" /sys/fs/cgroup)
	has_opt "$(mount_opts "$l")" rw
	[ "$(fstype "$l")" = cgroup2 ] && return
	has_opt "$(super_opts "$l")" rw
	l=$(grep ' /sys/fs/cgroup/[^ ]* ' <<<"$output" | head -1)
	has_opt "$(mount_opts "$l")" rw
}

@test "tmpfs mount with size, mode, nosuid, nodev, noexec" {
	make_bundle
	add_mount /mnt/t tmpfs tmpfs nosuid nodev noexec size=8m mode=750
	run sh_in_container 'cat /proc/self/mountinfo; stat -c "mode=%a" /mnt/t
		cp /bin/busybox /mnt/t/bb && /mnt/t/bb true && echo EXECUTED; true'
	assert_success
	l=$(mountinfo_line "$output" /mnt/t)
	assert_equal "$(fstype "$l")" tmpfs
	for o in nosuid nodev noexec; do has_opt "$(mount_opts "$l")" $o; done
	has_opt "$(super_opts "$l")" size=8192k
	has_opt "$(super_opts "$l")" mode=750
	assert_line mode=750
	assert_output_not_contains EXECUTED
	assert_output_contains "Permission denied"
}

@test "bind mounts of a host dir: ro cannot be written, rw writes reach the host" {
	make_bundle
	h=$BATS_TEST_TMPDIR/host
	mkdir -p "$h/ro" "$h/rw"
	echo from-host >"$h/ro/file"
	echo rw-host >"$h/rw/file"
	add_mount /mnt/ro bind "$h/ro" bind ro nosuid nodev noexec
	add_mount /mnt/rw none "$h/rw" bind rw
	run sh_in_container 'cat /mnt/ro/file /mnt/rw/file
		touch /mnt/ro/new && echo RO-WRITTEN
		echo from-container >/mnt/rw/new
		cat /proc/self/mountinfo'
	assert_success
	assert_line from-host
	assert_line rw-host
	assert_output_not_contains RO-WRITTEN
	assert_output_contains "Read-only file system"
	l=$(mountinfo_line "$output" /mnt/ro)
	for o in ro nosuid nodev noexec; do has_opt "$(mount_opts "$l")" $o; done
	l=$(mountinfo_line "$output" /mnt/rw)
	has_opt "$(mount_opts "$l")" rw
	[ ! -e "$h/ro/new" ]
	assert_equal "$(cat "$h/rw/new")" from-container
}

@test "a bind's remount, propagation and recursive options apply together, to the bind" {
	# (what propagation a bind ends with is not checked: the old root made
	# rslave at pivot_root changes it)
	make_bundle
	h=$BATS_TEST_TMPDIR/host
	mkdir -p "$h/d"
	echo from-host >"$h/d/file"
	add_mount /mnt/a bind "$h/d" rbind ro nosuid rprivate
	add_mount /mnt/b bind "$h/d" rbind rro rnoexec rshared
	run sh_in_container 'cat /mnt/a/file; touch /mnt/b/new && echo B-WRITTEN; cat /proc/self/mountinfo'
	assert_success
	assert_line from-host
	assert_output_not_contains B-WRITTEN
	l=$(mountinfo_line "$output" /mnt/a)
	for o in ro nosuid; do has_opt "$(mount_opts "$l")" $o; done
	l=$(mountinfo_line "$output" /mnt/b)
	for o in ro noexec; do has_opt "$(mount_opts "$l")" $o; done
}

@test "tmpcopyup: the tmpfs starts as a copy of what it covers, with its owner and mode" {
	make_bundle
	mkdir -p "$ROOTFS/srv/sub"
	echo data >"$ROOTFS/srv/sub/file"
	ln -s sub/file "$ROOTFS/srv/link"
	chmod 0710 "$ROOTFS/srv"
	chown 1000:1000 "$ROOTFS/srv/sub"
	add_mount /srv tmpfs tmpfs tmpcopyup nosuid
	add_mount /empty tmpfs tmpfs tmpcopyup mode=0701
	run sh_in_container 'cat /srv/sub/file /srv/link; stat -c "%n %a %u" /srv /srv/sub /empty
		grep " /srv " /proc/self/mountinfo; echo new >/srv/new'
	assert_success
	assert_line data
	assert_equal "$(grep -c '^data$' <<<"$output")" 2
	assert_line "/srv 710 0"
	assert_line "/srv/sub 755 1000"
	assert_line "/empty 701 0"
	assert_output_contains " - tmpfs "
	[ ! -e "$ROOTFS/srv/new" ]
}

@test "rbind carries submounts, bind does not" {
	make_bundle
	h=$BATS_TEST_TMPDIR/tree
	mkdir -p "$h/sub"
	echo under >"$h/sub/under"
	mount -t tmpfs -o size=64k husk-test-sub "$h/sub"
	echo "$h/sub" >>"$BATS_TEST_TMPDIR/.hostmounts"
	echo submount >"$h/sub/marker"
	add_mount /mnt/rbind bind "$h" rbind
	add_mount /mnt/bind bind "$h" bind
	run sh_in_container 'ls /mnt/rbind/sub; echo --; ls /mnt/bind/sub'
	assert_success
	assert_output "marker
--
under"
}

@test "bind mount of a single file, onto a new and an existing file" {
	make_bundle
	echo "file content" >"$BATS_TEST_TMPDIR/hostfile"
	add_mount /etc/newfile bind "$BATS_TEST_TMPDIR/hostfile" bind ro
	add_mount /etc/marker bind "$BATS_TEST_TMPDIR/hostfile" bind
	run sh_in_container 'cat /etc/newfile /etc/marker; [ -f /etc/newfile ] && echo IS-FILE'
	assert_success
	assert_output "file content
file content
IS-FILE"
	# the rootfs' own file is intact underneath
	assert_equal "$(cat "$ROOTFS/etc/marker")" husk-test-rootfs
}

@test "readonly root: writes fail, mounts on it stay writable" {
	make_bundle
	cfg '.root.readonly = true'
	run sh_in_container 'touch /newfile && echo WRITTEN; touch /tmp/x && echo TMP-WRITTEN
		touch /dev/shm/x && echo SHM-OK; cat /proc/self/mountinfo'
	assert_success
	assert_output_not_contains WRITTEN
	assert_output_contains "Read-only file system" SHM-OK
	has_opt "$(mount_opts "$(mountinfo_line "$output" /)")" ro
	[ ! -e "$ROOTFS/newfile" ]
	# only the container's view is read-only
	touch "$ROOTFS/host-can-write"
}

@test "writable root by default in tests (root.readonly false)" {
	make_bundle
	run sh_in_container 'echo data >/written'
	assert_success
	assert_equal "$(cat "$ROOTFS/written")" data
}

@test "default /dev: nodes with the right major:minor, links, working devices" {
	make_bundle
	run sh_in_container 'for n in null zero full random urandom tty; do
			stat -c "%n %F %t:%T %a" /dev/$n; done
		for l in fd stdin stdout stderr; do echo "/dev/$l -> $(readlink /dev/$l)"; done
		echo "ptmx $(stat -c %F /dev/ptmx) $(readlink /dev/ptmx) $(stat -L -c "%F %t:%T" /dev/ptmx)"
		echo hi >/dev/null && echo NULL-OK
		echo "zero $(head -c 4 /dev/zero | od -An -tx1)"
		echo x >/dev/full || echo FULL-FAILED
		echo "urandom $(head -c 16 /dev/urandom | wc -c)"
		echo "fd0 $(readlink /dev/fd/0)"
		grep " /dev/shm " /proc/self/mountinfo >/dev/null && echo SHM-MOUNTED
		touch /dev/shm/f && echo SHM-WRITABLE'
	assert_success
	assert_line "/dev/null character special file 1:3 666"
	assert_line "/dev/zero character special file 1:5 666"
	assert_line "/dev/full character special file 1:7 666"
	assert_line "/dev/random character special file 1:8 666"
	assert_line "/dev/urandom character special file 1:9 666"
	assert_line "/dev/tty character special file 5:0 666"
	assert_line "/dev/fd -> /proc/self/fd"
	assert_line "/dev/stdin -> /proc/self/fd/0"
	assert_line "/dev/stdout -> /proc/self/fd/1"
	assert_line "/dev/stderr -> /proc/self/fd/2"
	# /dev/ptmx: a link to pts/ptmx (or a 5:2 node), reaching the devpts ptmx
	assert_output_contains "character special file 5:2"
	assert_line NULL-OK
	assert_line "zero  00 00 00 00"
	assert_line FULL-FAILED
	assert_output_contains "No space left on device"
	assert_line "urandom 16"
	# the caller's /dev/null, named as the host sees it (under a chroot, a
	# longer path)
	grep -qE '^fd0 (/.*)?/dev/null$' <<<"$output" || fail "fd 0 is not /dev/null" "$output"
	assert_line SHM-MOUNTED
	assert_line SHM-WRITABLE
}

@test "linux.devices: extra char device and fifo with mode and owner" {
	make_bundle
	cfg '.linux.devices = [
		{path: "/dev/mynull", type: "c", major: 1, minor: 3, fileMode: 416, uid: 1000, gid: 10},
		{path: "/dev/sub/myzero", type: "c", major: 1, minor: 5, fileMode: 438, uid: 0, gid: 0},
		{path: "/dev/myfifo", type: "p", fileMode: 420}]'
	run sh_in_container 'stat -c "%n %F %t:%T %a %u %g" /dev/mynull /dev/sub/myzero
		stat -c "%n %F %a" /dev/myfifo
		echo hi >/dev/sub/myzero && echo WRITE-OK
		head -c 2 /dev/sub/myzero | od -An -tx1'
	assert_success
	assert_line "/dev/mynull character special file 1:3 640 1000 10"
	assert_line "/dev/sub/myzero character special file 1:5 666 0 0"
	assert_line "/dev/myfifo fifo 644"
	assert_line WRITE-OK
	assert_line " 00 00"
}

@test "/dev of the rootfs itself: what is in the way of a node is replaced, nodes are remade" {
	make_bundle
	cfg '.mounts |= map(select(.destination | startswith("/dev") | not))'
	mkdir -p "$ROOTFS/dev"
	echo planted >"$ROOTFS/dev/null"
	ln -s /etc/passwd "$ROOTFS/dev/zero"
	mkfifo "$ROOTFS/dev/random"
	for i in 1 2; do	# the second run finds the nodes of the first
		run sh_in_container 'stat -c "%n %F %t:%T %a" /dev/null /dev/zero /dev/random /dev/full'
		assert_success
		assert_line "/dev/null character special file 1:3 666"
		assert_line "/dev/zero character special file 1:5 666"
		assert_line "/dev/random character special file 1:8 666"
		assert_line "/dev/full character special file 1:7 666"
	done
	grep -q root "$ROOTFS/etc/passwd"
}

@test "/dev of the rootfs itself: a directory where a node goes is an error naming it" {
	make_bundle
	cfg '.mounts |= map(select(.destination | startswith("/dev") | not))'
	mkdir -p "$ROOTFS/dev/full"
	id=$(new_id)
	run husk run -b "$BUNDLE" "$id" </dev/null
	assert_failure
	assert_output_contains 'mknod "/dev/full": File exists'
	assert_no_leftovers "$id"
}

@test "maskedPaths: each masked directory is its own mount, with its own peer group under shared" {
	make_bundle
	mkdir -p "$ROOTFS/var/m1" "$ROOTFS/var/m2" "$ROOTFS/var/m3"
	cfg '.linux.rootfsPropagation = "shared" | .linux.maskedPaths += ["/var/m1", "/var/m2", "/var/m3"]'
	run run_in_container cat /proc/self/mountinfo
	assert_success
	groups=()
	for d in /var/m1 /var/m2 /var/m3 /sys/firmware; do
		l=$(mountinfo_line "$output" $d) || fail "$d is not masked" "$output"
		assert_equal "$(fstype "$l")" tmpfs
		for o in ro nosuid nodev noexec; do has_opt "$(mount_opts "$l")" $o; done
		g=$(grep -o 'shared:[0-9]*' <<<"$(opt_fields "$l")") || fail "$d is not shared: $l"
		groups+=("$g")
	done
	assert_equal "$(printf '%s\n' "${groups[@]}" | sort -u | wc -l)" 4
}

@test "maskedPaths: files read empty, directories are empty and read-only" {
	make_bundle
	mkdir -p "$ROOTFS/var/secret"
	echo s3cret >"$ROOTFS/var/secret/key"
	echo s3cret >"$ROOTFS/etc/secretfile"
	cfg '.linux.maskedPaths += ["/var/secret", "/etc/secretfile", "/does/not/exist"]'
	masked_files=(/proc/timer_list /proc/keys)
	[ -e /proc/kcore ] && masked_files+=(/proc/kcore)
	run sh_in_container "for f in ${masked_files[*]} /etc/secretfile; do echo \"\$f \$(cat \$f | wc -c)\"; done
		echo \"secret: \$(ls -A /var/secret)\"
		echo \"firmware: \$(ls -A /sys/firmware)\"
		touch /var/secret/x && echo WRITTEN
		true"
	assert_success
	for f in "${masked_files[@]}" /etc/secretfile; do
		assert_line "$f 0"
	done
	assert_line "secret: "
	assert_line "firmware: "
	assert_output_not_contains WRITTEN s3cret
	# and the host's are not masked
	[ -n "$(head -c1 /proc/timer_list)" ]
	assert_equal "$(cat "$ROOTFS/var/secret/key")" s3cret
}

@test "readonlyPaths: writes fail with EROFS, other paths stay writable" {
	make_bundle
	mkdir -p "$ROOTFS/var/rodir" "$ROOTFS/var/rwdir"
	cfg '.linux.readonlyPaths += ["/var/rodir"]'
	run sh_in_container 'touch /var/rodir/x && echo RO-WRITTEN
		touch /var/rwdir/x && echo RW-WRITTEN
		echo x >/proc/sys/kernel/domainname && echo SYSCTL-WRITTEN
		cat /proc/self/mountinfo'
	assert_success
	assert_output_not_contains RO-WRITTEN SYSCTL-WRITTEN
	assert_line RW-WRITTEN
	assert_output_contains "Read-only file system"
	has_opt "$(mount_opts "$(mountinfo_line "$output" /var/rodir)")" ro
	has_opt "$(mount_opts "$(mountinfo_line "$output" /proc/sys)")" ro
	[ ! -e "$ROOTFS/var/rodir/x" ]
}

# propagation_of_root VALUE: run with rootfsPropagation VALUE; prints the
# optional fields of "/" in the container
root_propagation() {
	cfg '.linux.rootfsPropagation = $p' --arg p "$1"
	run run_in_container cat /proc/self/mountinfo
	assert_success || return
	opt_fields "$(mountinfo_line "$output" /)"
}

@test "rootfsPropagation private: / has no peers" {
	make_bundle
	p=$(root_propagation private)
	[[ $p != *shared:* && $p != *master:* && $p != *unbindable* ]] || fail "propagation of /: $p"
}

@test "rootfsPropagation shared: / is shared" {
	make_bundle
	p=$(root_propagation shared)
	[[ $p == *shared:* ]] || fail "propagation of /: '$p'"
}

@test "rootfsPropagation slave: the container runs, / is not shared" {
	make_bundle
	p=$(root_propagation slave)
	[[ $p != *shared:* ]] || fail "propagation of /: '$p'"
}

@test "rootfsPropagation unbindable: / is unbindable" {
	make_bundle
	p=$(root_propagation unbindable)
	[[ $p == *unbindable* ]] || fail "propagation of /: '$p'"
}

@test "container mounts do not propagate to the host" {
	make_bundle
	add_mount /mnt/t tmpfs tmpfs size=64k
	run sh_in_container 'grep -c " /mnt/t " /proc/self/mountinfo'
	assert_success
	assert_output 1
	# the teardown compares the host mount table; also look by name
	refute grep -q "$ROOTFS" /proc/self/mountinfo
}

@test "--no-pivot: the rootfs is / and the host is out of sight" {
	make_bundle
	[ -d /usr/lib ]
	[ ! -e "$ROOTFS/usr/lib" ]
	set_args sh -c 'echo "pid=$$"; cat /etc/marker; ls -d /usr/lib && echo HOST-VISIBLE
		echo "proc=$(grep -c " /proc " /proc/self/mountinfo)"'
	run husk run --no-pivot -b "$BUNDLE" "$(new_id)" </dev/null
	assert_success
	assert_line pid=1
	assert_line husk-test-rootfs
	assert_output_not_contains HOST-VISIBLE
	assert_line proc=1
}

@test "--no-pivot with create and start" {
	make_bundle
	set_args sh -c 'cat /etc/marker >/started-ok'
	id=$(new_id)
	create_container "$id" --no-pivot
	husk start "$id"
	wait_file "$ROOTFS/started-ok"
	assert_equal "$(cat "$ROOTFS/started-ok")" husk-test-rootfs
}

# escape_links: $out1 and $out2 are host directories ($out2/sub/file exists),
# $ROOTFS/escape-abs -> $out1 (absolute), $ROOTFS/escape-rel -> ../../..$out2
escape_links() {
	out1=$BATS_TEST_TMPDIR/outside1
	out2=$BATS_TEST_TMPDIR/outside2
	mkdir -p "$out1" "$out2/sub" "$BATS_TEST_TMPDIR/hostsrc"
	echo keep >"$out2/sub/file"
	echo bound >"$BATS_TEST_TMPDIR/hostsrc/bound"
	ln -s "$out1" "$ROOTFS/escape-abs"
	ln -s "../../../../../../../../../../..$out2" "$ROOTFS/escape-rel"
	add_mount /escape-abs/new/dir tmpfs tmpfs size=64k
	add_mount /escape-rel/sub tmpfs tmpfs size=64k
	add_mount /escape-rel/sub2 bind "$BATS_TEST_TMPDIR/hostsrc" bind
}

assert_outside_untouched() {
	assert_equal "$(ls -A "$out1")" ""
	assert_equal "$(ls -A "$out2")" sub
	assert_equal "$(ls -A "$out2/sub")" file
}

@test "mount destinations through symlinks to the host: nothing made outside" {
	make_bundle
	escape_links
	# the links dangle inside the rootfs
	run sh_in_container 'cat /proc/self/mountinfo'
	assert_outside_untouched
	if [ "$status" -eq 0 ]; then
		# resolved inside the rootfs: the targets taken as container paths
		mountinfo_line "$output" "$out1/new/dir"
		mountinfo_line "$output" "$out2/sub"
		mountinfo_line "$output" "$out2/sub2"
		[ -d "$ROOTFS$out1/new/dir" ]
	else
		# or refused, naming the destination
		assert_output_contains escape
	fi
}

@test "mount destinations through symlinks resolve inside the rootfs" {
	make_bundle
	escape_links
	# the links' targets exist inside the rootfs too
	mkdir -p "$ROOTFS$out1" "$ROOTFS$out2/sub"
	run sh_in_container 'cat /proc/self/mountinfo; echo "sub: $(ls -A /escape-rel/sub)"
		echo "sub2: $(ls -A /escape-rel/sub2)"; touch /escape-abs/new/dir/x && echo TMPFS-WRITABLE'
	assert_success
	assert_outside_untouched
	mountinfo_line "$output" "$out1/new/dir"
	assert_equal "$(fstype "$(mountinfo_line "$output" "$out2/sub")")" tmpfs
	mountinfo_line "$output" "$out2/sub2"
	assert_line "sub: "
	assert_line "sub2: bound"
	assert_line TMPFS-WRITABLE
	[ -d "$ROOTFS$out1/new/dir" ]
	[ -d "$ROOTFS$out2/sub2" ]
}

teardown() {
	local m
	if [ -f "$BATS_TEST_TMPDIR/.hostmounts" ]; then
		while read -r m; do umount "$m"; done <"$BATS_TEST_TMPDIR/.hostmounts"
	fi
	husk_teardown
}

# The old root is made rslave before it is detached; that must reach the
# old root only, not the container's own mounts (as runc).
@test "a bind's propagation option holds after pivot_root: rshared stays shared, rprivate private" {
	make_bundle
	mkdir -p "$BATS_TEST_TMPDIR/shared-src" "$BATS_TEST_TMPDIR/private-src"
	add_mount /mnt/shared bind "$BATS_TEST_TMPDIR/shared-src" rbind rshared
	add_mount /mnt/private bind "$BATS_TEST_TMPDIR/private-src" rbind rprivate
	for pivot in "" --no-pivot; do
		set_args sh -c 'grep " /mnt/" /proc/self/mountinfo'
		run husk run $pivot -b "$BUNDLE" "$(new_id)" </dev/null
		assert_success
		assert_equal "$(awk '$5 == "/mnt/shared"' <<<"$output" | grep -c ' shared:')" 1
		assert_equal "$(awk '$5 == "/mnt/private"' <<<"$output" | grep -cE ' (shared|master):')" 0
	done
}
