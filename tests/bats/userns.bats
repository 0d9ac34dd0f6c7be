#!/usr/bin/env bats
# User namespaces with uid/gid mappings, mounts inside them, and time
# namespaces with offsets.

load helpers
load security_helpers

MAP_HOST=100000

# userns_bundle: $BUNDLE with a new user namespace, root inside mapped to
# $MAP_HOST outside
userns_bundle() {
	[ -e /proc/self/ns/user ] || skip "the kernel has no user namespaces"
	make_bundle
	cfg '.linux.namespaces += [{type: "user"}] |
		.linux.uidMappings = [{containerID: 0, hostID: $h, size: 65536}] |
		.linux.gidMappings = [{containerID: 0, hostID: $h, size: 65536}]' --argjson h "$MAP_HOST"
	# the mapped root must be able to reach the rootfs: search permission
	# on the (0700) directories bats makes above it
	local d=$BUNDLE
	while [ "$d" != / ] && [ "$d" != "$(dirname "$BATS_RUN_TMPDIR")" ]; do
		chmod o+x "$d"
		d=$(dirname "$d")
	done
}

@test "userns: root inside is an unprivileged uid outside (uid_map, host view)" {
	require_userns
	userns_bundle
	set_args sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u; id -g; exec sleep 1000'
	id=$(new_id)
	create_container "$id"
	pid=$(container_pid "$id")
	# seen from the host, the container's root is uid 100000
	assert_equal "$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "/proc/$pid/status")" \
		"$MAP_HOST $MAP_HOST $MAP_HOST $MAP_HOST"
	assert_equal "$(awk '/^Gid:/ { print $2 }' "/proc/$pid/status")" "$MAP_HOST"
	husk start "$id"
	wait_until grep -q sleep "/proc/$pid/cmdline"
	run cat "$BATS_TEST_TMPDIR/$id.out"
	assert_equal "$(echo "$output" | tr -s ' ' | sed 's/^ //')" "0 $MAP_HOST 65536
0 $MAP_HOST 65536
0
0"
}

@test "userns: files on a bind mount are owned by the mapped uid on the host" {
	require_userns
	userns_bundle
	writable_root
	data=$BATS_TEST_TMPDIR/data
	mkdir -p "$data" "$ROOTFS/data"
	chown "$MAP_HOST:$MAP_HOST" "$data"
	echo host >"$data/root-owned"	# owned by the host's root
	add_mount /data bind "$data" rbind
	run run_in_container sh -c 'touch /data/made-inside && ls -ln /data/root-owned | awk "{print \$3, \$4}";
		echo inside 2>/dev/null >>/data/root-owned && echo wrote-root-owned; echo done'
	assert_success
	# the host's root is nobody inside, and its file cannot be written
	assert_output "65534 65534
done"
	assert_equal "$(stat -c '%u:%g' "$data/made-inside")" "$MAP_HOST:$MAP_HOST"
	assert_equal "$(cat "$data/root-owned")" host
}

@test "userns: proc, sysfs, tmpfs, devpts, mqueue and cgroup mounts work inside it" {
	require_userns
	userns_bundle
	run run_in_container sh -c 'awk "{ print \$5, \$(NF-2) }" /proc/self/mountinfo | sort'
	assert_success
	for m in "/proc proc" "/dev tmpfs" "/dev/pts devpts" "/dev/shm tmpfs" "/dev/mqueue mqueue" "/sys sysfs"; do
		assert_line "$m"
	done
	assert_output_contains "/sys/fs/cgroup"
}

@test "userns: devices are the host's, bound in (mknod is not allowed there)" {
	require_userns
	userns_bundle
	run run_in_container sh -c 'stat -c "%n %t:%T" /dev/null /dev/zero /dev/tty; echo x >/dev/null && echo null-ok;
		grep -c " /dev/null " /proc/self/mountinfo'
	assert_success
	assert_output "/dev/null 1:3
/dev/zero 1:5
/dev/tty 5:0
null-ok
1"
}

@test "userns: a mapping the kernel refuses fails create naming the field; nothing is left" {
	require_userns
	userns_bundle
	cfg '.linux.uidMappings = [{containerID: 0, hostID: 4294967290, size: 100}]'
	run husk run -b "$BUNDLE" "$(new_id)"
	assert_failure
	assert_output_contains "linux.uidMappings"
	no_leftovers
}

@test "timeOffsets: the init is born into a time namespace with the offsets" {
	[ -e /proc/self/ns/time ] || skip "the kernel has no time namespaces"
	make_bundle
	# ten years of boot time, one day of monotonic time
	cfg '.linux.namespaces += [{type: "time"}] |
		.linux.timeOffsets = {boottime: {secs: 315360000, nanosecs: 0}, monotonic: {secs: 86400, nanosecs: 0}}'
	# a hook husk runs after the clone lives in husk's namespaces, not the container's
	cfg '.hooks.prestart = [{path: "/bin/sh", args: ["sh", "-c", "cut -d. -f1 /proc/uptime > \"$0\"", $f]}]' \
		--arg f "$BATS_TEST_TMPDIR/hook-uptime"
	run run_in_container sh -c 'tr -s " " </proc/self/timens_offsets; cut -d. -f1 /proc/uptime'
	assert_success
	assert_line "monotonic 86400 0"
	assert_line "boottime 315360000 0"
	uptime=$(echo "$output" | tail -n 1)
	[ "$uptime" -ge 315360000 ] || fail "uptime inside is $uptime"
	[ "$(cut -d. -f1 /proc/uptime)" -lt 315360000 ]
	[ "$(cat "$BATS_TEST_TMPDIR/hook-uptime")" -lt 315360000 ] ||
		fail "a hook ran in the container's time namespace"
}

@test "timeOffsets: without a time namespace they are an error" {
	make_bundle
	cfg '.linux.timeOffsets = {boottime: {secs: 10, nanosecs: 0}}'
	run husk run -b "$BUNDLE" "$(new_id)"
	assert_failure
	assert_output_contains ".linux.timeOffsets" "time namespace"
	no_leftovers
}
