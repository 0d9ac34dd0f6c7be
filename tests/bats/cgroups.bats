#!/usr/bin/env bats
# cgroups: each resource of linux.resources applied at create and proved
# enforced by the kernel where this host can show it (an OOM kill, a fork
# bomb stopped, a device refused, CPU throttling...), update, pause and
# resume, ps, events --stats/--interval, cgroupsPath forms and ownership,
# and the failure paths (a clear error naming the field, nothing left).
# A test the host cannot run is skipped with the reason.

load helpers

# ---------------------------------------------------------------- helpers

# The mount of the hierarchy that holds controller $1: a v1 mount with it
# among its options, else the cgroup2 mount when its root offers it
# ("freezer" and "devices" are core v2 features).
cg_hier() {
	local m
	m=$(awk -v c="$1" -v r="$CGROUP_ROOT" '{
		for (i = 7; $i != "-"; i++);
		if ($(i + 1) == "cgroup" && index($5, r) == 1) {
			n = split($(i + 3), o, ",");
			for (j = 1; j <= n; j++) if (o[j] == c) { print $5; exit }
		} }' /proc/self/mountinfo)
	if [ -z "$m" ]; then
		m=$(awk -v r="$CGROUP_ROOT" '{
			for (i = 7; $i != "-"; i++);
			if ($(i + 1) == "cgroup2" && index($5, r) == 1) { print $5; exit } }' /proc/self/mountinfo)
		case $1 in
		freezer | devices) ;;
		*) [ -n "$m" ] && grep -qw -- "$1" "$m/cgroup.controllers" || m= ;;
		esac
	fi
	echo "$m"
}

# The cgroup2 mount, if any.
cg_v2() {
	awk -v r="$CGROUP_ROOT" '{ for (i = 7; $i != "-"; i++);
		if ($(i + 1) == "cgroup2" && index($5, r) == 1) { print $5; exit } }' /proc/self/mountinfo
}

is_v2() {
	[ "$(stat -f -c %T "$1")" = cgroup2fs ]
}

# need CTRL: skip the test when the host has no such controller; sets H
# to its hierarchy.
need() {
	H=$(cg_hier "$1")
	[ -n "$H" ] || skip "no $1 cgroup controller on this host"
}

# The container's cgroup (default cgroupsPath) in the hierarchy of CTRL.
cgdir() {
	echo "$(cg_hier "$1")/husk/$2"
}

# The value of "KEY N" in a flat-keyed cgroup file.
cg_key() {
	awk -v k="$2" '$1 == k { print $2; found = 1 } END { if (!found) print "" }' "$1"
}

# Can the memory controller account swap? (then swap = limit is set in
# the OOM tests, so that a host with swap cannot swap the hog out)
swap_accounting() {
	local h
	h=$(cg_hier memory)
	if is_v2 "$h"; then
		ls "$h"/*/memory.swap.max >/dev/null 2>&1
	else
		[ -e "$h/memory.memsw.limit_in_bytes" ]
	fi
}

# Add capabilities to every set of the process.
add_caps() {
	cfg '.process.capabilities |= with_entries(.value += $c)' --argjson c "$(json_array "$@")"
}

resources() {	# JQ-OBJECT: merged into linux.resources
	cfg ".linux.resources += $1"
}

LONG=(sh -c 'exec sleep 1000')

# A memory hog that faults its pages in user space (a string doubled to
# 128 MiB), so that a memory cgroup at its limit OOM-kills it, or, with
# the OOM killer disabled, makes it wait.
HOG='awk "BEGIN { s = \"x\"; for (i = 0; i < 27; i++) s = s s; print length(s) }"'

teardown() {
	local rc=0
	husk_teardown || rc=$?
	[ -z "${LOOP:-}" ] || losetup -d "$LOOP" || true
	[ -z "${HUGE_WAS:-}" ] || echo "$HUGE_WAS" >/proc/sys/vm/nr_hugepages || true
	return $rc
}

# --------------------------------------------------------- memory

@test "memory: a process going over the limit is OOM-killed, the limit is in the cgroup" {
	need memory
	make_bundle
	set_args sh -c "$HOG; echo hog=\$?"
	resources '{"memory":{"limit":16777216}}'
	swap_accounting && resources '{"memory":{"limit":16777216,"swap":16777216}}'
	id=$(new_id)
	run husk run --keep -b "$BUNDLE" "$id" </dev/null
	assert_output_contains "hog=137"
	assert_output_not_contains 134217728
	d=$(cgdir memory "$id")
	if is_v2 "$H"; then
		assert_equal "$(cat "$d/memory.max")" 16777216
		[ "$(cg_key "$d/memory.events" oom_kill)" -ge 1 ]
	else
		assert_equal "$(cat "$d/memory.limit_in_bytes")" 16777216
		[ "$(cg_key "$d/memory.oom_control" oom_kill)" -ge 1 ]
	fi
	husk delete "$id"
	[ ! -e "$d" ]
}

@test "memory: the same process without a limit is not killed" {
	need memory
	make_bundle
	set_args sh -c "$HOG; echo hog=\$?"
	run husk run -b "$BUNDLE" "$(new_id)" </dev/null
	assert_success
	assert_output_contains 134217728 "hog=0"
}

@test "memory: disableOOMKiller makes the hog wait under OOM instead of dying (v1)" {
	need memory
	is_v2 "$H" && skip "cgroup v2 has no way to disable the OOM killer"
	make_bundle
	set_args sh -c "$HOG"
	resources '{"memory":{"limit":16777216,"disableOOMKiller":true,"reservation":8388608,"swappiness":10,"kernelTCP":33554432,"useHierarchy":true}}'
	id=$(new_id)
	run_detached "$id"
	d=$(cgdir memory "$id")
	wait_until grep -qx "under_oom 1" "$d/memory.oom_control"
	grep -qx "oom_kill_disable 1" "$d/memory.oom_control"
	assert_equal "$(cg_key "$d/memory.oom_control" oom_kill)" 0
	assert_equal "$(state_field "$id" .status)" running
	assert_equal "$(cat "$d/memory.soft_limit_in_bytes")" 8388608
	assert_equal "$(cat "$d/memory.swappiness")" 10
	assert_equal "$(cat "$d/memory.kmem.tcp.limit_in_bytes")" 33554432
	assert_equal "$(cat "$d/memory.use_hierarchy")" 1
	# a task waiting under OOM still dies of SIGKILL
	run husk delete --force "$id"
	assert_success
}

@test "memory: a kernel limit is ignored with a warning, not an error" {
	need memory
	make_bundle
	set_args true
	resources '{"memory":{"kernel":1048576}}'
	run husk run -b "$BUNDLE" "$(new_id)" </dev/null
	assert_success
	assert_output_contains "linux.resources.memory.kernel: ignored"
}

# ------------------------------------------------------------ cpu

@test "cpu: quota and period are in the cgroup and a busy loop is throttled" {
	need cpu
	make_bundle
	set_args sh -c 'while :; do :; done'
	resources '{"cpu":{"quota":10000,"period":100000,"shares":512}}'
	id=$(new_id)
	run_detached "$id"
	d=$(cgdir cpu "$id")
	if is_v2 "$H"; then
		assert_equal "$(cat "$d/cpu.max")" "10000 100000"
		assert_equal "$(cat "$d/cpu.weight")" 59
	else
		assert_equal "$(cat "$d/cpu.cfs_quota_us")" 10000
		assert_equal "$(cat "$d/cpu.cfs_period_us")" 100000
		assert_equal "$(cat "$d/cpu.shares")" 512
	fi
	# throttled: the kernel stopped it for want of quota
	wait_until eval '[ "$(cg_key "$d/cpu.stat" nr_throttled)" -gt 0 ]'
	husk delete --force "$id"
}

@test "cpu: burst and idle are in the cgroup" {
	need cpu
	make_bundle
	set_args "${LONG[@]}"
	id=$(new_id)
	d=$(cgdir cpu "$id")
	if is_v2 "$H"; then
		resources '{"cpu":{"quota":50000,"period":100000,"burst":20000,"idle":1}}'
		run_detached "$id"
		assert_equal "$(cat "$d/cpu.max.burst")" 20000
		assert_equal "$(cat "$d/cpu.idle")" 1
	else
		[ -e "$H/husk/cpu.cfs_burst_us" ] || [ -e "$H/cpu.cfs_burst_us" ] || skip "no cpu.cfs_burst_us (Linux < 5.14)"
		resources '{"cpu":{"quota":50000,"period":100000,"burst":20000,"idle":1}}'
		run_detached "$id"
		assert_equal "$(cat "$d/cpu.cfs_burst_us")" 20000
		assert_equal "$(cat "$d/cpu.idle")" 1
	fi
	husk delete --force "$id"
}

@test "cpu: shares divide a CPU between two busy containers" {
	need cpu
	need cpuset
	make_bundle
	set_args sh -c 'while :; do :; done'
	resources '{"cpu":{"cpus":"0","shares":1024}}'
	hi=$(new_id)
	create_container "$hi"
	resources '{"cpu":{"cpus":"0","shares":2}}'
	lo=$(new_id)
	create_container "$lo"
	husk start "$hi"
	husk start "$lo"
	acct=$(cg_hier cpuacct)
	usage() {	# ID: CPU time used, in µs
		if [ -n "$acct" ]; then
			echo $(($(cat "$acct/husk/$1/cpuacct.usage") / 1000))
		else
			cg_key "$(cgdir cpu "$1")/cpu.stat" usage_usec
		fi
	}
	h0=$(usage "$hi") l0=$(usage "$lo")
	# until the favoured one has had 300 ms more of the CPU
	wait_until eval '[ $(($(usage "$hi") - h0)) -gt 300000 ]'
	h1=$(usage "$hi") l1=$(usage "$lo")
	echo "favoured: $((h1 - h0)) µs, other: $((l1 - l0)) µs"
	# 1024 against 2 shares: the other gets a small fraction
	[ $(((l1 - l0) * 4)) -lt $((h1 - h0)) ]
	husk delete --force "$hi"
	husk delete --force "$lo"
}

@test "cpuset: cpus and mems confine the container" {
	need cpuset
	[ "$(nproc --all)" -ge 2 ] || skip "needs 2 CPUs to show a confinement"
	make_bundle
	resources '{"cpu":{"cpus":"1","mems":"0"}}'
	run sh_in_container 'grep -E "^(Cpus|Mems)_allowed_list" /proc/self/status'
	assert_success
	assert_line $'Cpus_allowed_list:\t1'
	assert_line $'Mems_allowed_list:\t0'
}

@test "cpu: realtimeRuntime lets the container use SCHED_FIFO; without it the kernel refuses (v1)" {
	need cpu
	is_v2 "$H" && skip "realtime limits are cgroup v1 only"
	[ -e "$H/cpu.rt_runtime_us" ] || skip "kernel without CONFIG_RT_GROUP_SCHED"
	command -v cc >/dev/null || skip "no C compiler for the SCHED_FIFO helper"
	make_bundle
	cc -static -O -o "$ROOTFS/fifo" "$BATS_TEST_DIRNAME/cgroup-helpers/fifo.c" ||
		skip "cannot build a static helper"
	add_caps CAP_SYS_NICE
	set_args /fifo
	rt_was=$(cat "$H/husk/cpu.rt_runtime_us" 2>/dev/null) || rt_was=0
	run husk run -b "$BUNDLE" "$(new_id)" </dev/null
	assert_failure
	assert_output_contains "SCHED_FIFO: Operation not permitted"
	resources '{"cpu":{"realtimePeriod":1000000,"realtimeRuntime":10000}}'
	id=$(new_id)
	run husk run --keep -b "$BUNDLE" "$id" </dev/null
	assert_success
	assert_output_contains "SCHED_FIFO: ok"
	assert_equal "$(cat "$(cgdir cpu "$id")/cpu.rt_runtime_us")" 10000
	husk delete "$id"
	# husk gave /husk the runtime its child needed: give it back
	[ -z "$rt_was" ] || echo "$rt_was" >"$H/husk/cpu.rt_runtime_us"
}

# ----------------------------------------------------------- pids

@test "pids: a fork bomb stops at the limit" {
	need pids
	make_bundle
	# the inner shell gives up at the first failed fork; the outer one goes on
	set_args sh -c '(for i in $(seq 40); do sleep 1000 & done) 2>/tmp/err; echo started; exec sleep 1000'
	resources '{"pids":{"limit":10}}'
	id=$(new_id)
	run_detached "$id"
	d=$(cgdir pids "$id")
	wait_until grep -q started "$BATS_TEST_TMPDIR/$id.out"
	assert_equal "$(cat "$d/pids.max")" 10
	[ "$(cat "$d/pids.current")" -le 10 ]
	[ "$(cg_key "$d/pids.events" max)" -gt 0 ]
	run husk ps --format json "$id"
	[ "$(jq length <<<"$output")" -le 10 ]
	grep -q "can't fork" "$ROOTFS/tmp/err"
	husk delete --force "$id"
}

# ------------------------------------------------------ blkio / io

@test "blkio: weight is in the cgroup, or the error says why not" {
	need blkio
	make_bundle
	resources '{"blockIO":{"weight":300}}'
	id=$(new_id)
	set_args true
	run husk run --keep -b "$BUNDLE" "$id" </dev/null
	if [ "$status" -ne 0 ]; then
		# no weight file on this kernel: the error names the field
		assert_output_contains "config.json: .linux.resources.blockIO.weight: not supported on this host"
		return 0
	fi
	d=$(cgdir blkio "$id")
	cat "$d/blkio.weight" 2>/dev/null | grep -qx 300 || grep -qx "default 300" "$d/blkio.bfq.weight" ||
		grep -qx 300 "$d/blkio.bfq.weight"
	husk delete "$id"
}

@test "blkio: a read throttle holds direct reads back until update lifts it" {
	need blkio
	command -v losetup >/dev/null || skip "no losetup"
	truncate -s 8M "$BATS_TEST_TMPDIR/disk.img"
	LOOP=$(losetup -f --show "$BATS_TEST_TMPDIR/disk.img" 2>/dev/null) || skip "cannot set up a loop device"
	read -r major minor < <(tr : ' ' <"/sys/class/block/${LOOP#/dev/}/dev")
	make_bundle
	cfg '.linux.devices += [{"path":"/dev/disk0","type":"b","major":$ma,"minor":$mi}]' \
		--argjson ma "$major" --argjson mi "$minor"
	resources "{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,\"type\":\"b\",\"major\":$major,\"minor\":$minor,\"access\":\"r\"}],
		\"blockIO\":{\"throttleReadIOPSDevice\":[{\"major\":$major,\"minor\":$minor,\"rate\":1}]}}"
	# 30 reads at 1 a second: half a minute at least while throttled
	set_args sh -c 'dd if=/dev/disk0 of=/dev/null bs=4096 count=30 iflag=direct 2>/tmp/dd; touch /tmp/done; exec sleep 1000'
	id=$(new_id)
	run_detached "$id"
	d=$(cgdir blkio "$id")
	if is_v2 "$H"; then
		grep -q "^$major:$minor .*riops=1" "$d/io.max"
	else
		grep -qx "$major:$minor 1" "$d/blkio.throttle.read_iops_device"
	fi
	wait_until eval 'husk ps "$id" | grep -q "dd if"'
	[ ! -e "$ROOTFS/tmp/done" ]
	# lifted: the reads finish
	run husk update -r - "$id" <<<"{\"blockIO\":{\"throttleReadIOPSDevice\":[{\"major\":$major,\"minor\":$minor,\"rate\":0}]}}"
	assert_success
	wait_file "$ROOTFS/tmp/done"
	grep -q "30+0 records in" "$ROOTFS/tmp/dd"
	husk delete --force "$id"
}

# -------------------------------------------------------- hugetlb

# 2 MB huge pages for the hugetlb tests: at least N free (the pool is
# grown for the test and put back afterwards).
huge_pages() {
	local want=$1 have
	[ -e /sys/kernel/mm/hugepages/hugepages-2048kB ] || skip "no 2MB huge pages on this host"
	HUGE_WAS=$(cat /proc/sys/vm/nr_hugepages)
	have=$(awk '/HugePages_Free/ { print $2 }' /proc/meminfo)
	if [ "$have" -lt "$want" ]; then
		echo $((HUGE_WAS + want - have)) >/proc/sys/vm/nr_hugepages 2>/dev/null
		have=$(awk '/HugePages_Free/ { print $2 }' /proc/meminfo)
	fi
	[ "$have" -ge "$want" ] || skip "cannot get $want free 2MB huge pages"
}

@test "hugetlb: pages beyond hugepageLimits cannot be had" {
	need hugetlb
	grep -qw hugetlbfs /proc/filesystems || skip "no hugetlbfs"
	huge_pages 2
	make_bundle
	add_mount /hp hugetlbfs hugetlbfs pagesize=2M
	resources '{"hugepageLimits":[{"pageSize":"2MB","limit":2097152}]}'
	set_args sh -c 'fallocate -l 2097152 /hp/a && echo first=ok; fallocate -l 2097152 /hp/b && echo second=ok; rm -f /hp/a /hp/b'
	id=$(new_id)
	run husk run --keep -b "$BUNDLE" "$id" </dev/null
	assert_output_contains "first=ok"
	assert_output_not_contains "second=ok"
	d=$(cgdir hugetlb "$id")
	if is_v2 "$H"; then
		assert_equal "$(cat "$d/hugetlb.2MB.max")" 2097152
	else
		assert_equal "$(cat "$d/hugetlb.2MB.limit_in_bytes")" 2097152
	fi
	husk delete "$id"
}

@test "hugetlb: without a limit both pages can be had" {
	need hugetlb
	grep -qw hugetlbfs /proc/filesystems || skip "no hugetlbfs"
	huge_pages 2
	make_bundle
	add_mount /hp hugetlbfs hugetlbfs pagesize=2M
	set_args sh -c 'fallocate -l 2097152 /hp/a && echo first=ok; fallocate -l 2097152 /hp/b && echo second=ok; rm -f /hp/a /hp/b'
	run husk run -b "$BUNDLE" "$(new_id)" </dev/null
	assert_output_contains "first=ok" "second=ok"
}

@test "hugetlb: a page size the host does not have is refused at create" {
	need hugetlb
	make_bundle
	resources '{"hugepageLimits":[{"pageSize":"3MB","limit":2097152}]}'
	id=$(new_id)
	run husk run -b "$BUNDLE" "$id" </dev/null
	assert_failure
	assert_output_contains "config.json: .linux.resources.hugepageLimits[0].pageSize: this host has no 3MB huge pages"
	assert_no_leftovers "$id"
}

# -------------------------------------------------------- network

@test "network: classID and priorities go to net_cls/net_prio, or a clear error without them" {
	make_bundle
	set_args true
	resources '{"network":{"classID":1048577}}'
	id=$(new_id)
	run husk run --keep -b "$BUNDLE" "$id" </dev/null
	if [ -z "$(cg_hier net_cls)" ]; then
		assert_failure
		assert_output_contains "config.json: .linux.resources.network.classID: the net_cls cgroup controller is not available"
		assert_no_leftovers "$id"
		return 0
	fi
	assert_success
	assert_equal "$(cat "$(cgdir net_cls "$id")/net_cls.classid")" 1048577
	husk delete "$id"
}

# -------------------------------------------------------- devices

@test "devices: a denied device cannot be opened even with CAP_MKNOD; an allowed one can" {
	need devices
	make_bundle
	# CAP_SYSLOG: /dev/kmsg itself lets the process read; only the device
	# cgroup stands in the way
	add_caps CAP_MKNOD CAP_SYSLOG
	# the default spec denies everything; /dev/null stays usable
	set_args sh -c 'rm -f /kmsg; mknod /kmsg c 1 11 && echo mknod=ok; true </kmsg && echo open=ok; true >/dev/null && echo null=ok'
	run husk run -b "$BUNDLE" "$(new_id)" </dev/null
	assert_output_contains "mknod=ok" "null=ok" "Operation not permitted"
	assert_output_not_contains "open=ok"
	resources '{"devices":[{"allow":false,"access":"rwm"},{"allow":true,"type":"c","major":1,"minor":11,"access":"r"}]}'
	run husk run -b "$BUNDLE" "$(new_id)" </dev/null
	assert_output_contains "mknod=ok" "open=ok" "null=ok"
}

# -------------------------------------------------------- unified

@test "unified: v2 files written last and enforced; rejected where v2 lacks them" {
	v2=$(cg_v2)
	make_bundle
	set_args "${LONG[@]}"
	id=$(new_id)
	if [ -z "$v2" ]; then
		resources '{"unified":{"pids.max":"5"}}'
		run husk run -d -b "$BUNDLE" "$id" </dev/null
		assert_failure
		assert_output_contains "config.json: .linux.resources.unified: needs cgroup v2"
		assert_no_leftovers "$id"
		return 0
	fi
	# cgroup.max.descendants is a core file: no sub-cgroup can be made
	resources '{"unified":{"cgroup.max.descendants":"0"}}'
	run_detached "$id"
	assert_equal "$(cat "$v2/husk/$id/cgroup.max.descendants")" 0
	run mkdir "$v2/husk/$id/sub"
	assert_failure
	[ ! -d "$v2/husk/$id/sub" ]
	husk delete --force "$id"
	if ! grep -qw pids "$v2/cgroup.controllers"; then
		# hybrid: pids is a v1 controller here
		resources '{"unified":{"pids.max":"5"}}'
		id=$(new_id)
		run husk run -d -b "$BUNDLE" "$id" </dev/null
		assert_failure
		assert_output_contains 'unified["pids.max"]: the pids controller is not on the cgroup v2 hierarchy'
		assert_no_leftovers "$id"
	fi
}

# ------------------------------------------------ failures leave nothing

@test "bad resources: a clear error naming the field, and nothing left" {
	make_bundle
	set_args true
	bad() {	# JQ-RESOURCES EXPECTED-MESSAGE
		local id
		cfg '.linux.resources = {} | .linux.resources += $r' --argjson r "$1"
		id=$(new_id)
		run husk run -b "$BUNDLE" "$id" </dev/null
		assert_failure || return
		assert_output_contains "$2" || return
		assert_no_leftovers "$id"
	}
	bad '{"memory":{"limit":2000000,"swap":1000000}}' \
		'config.json: .linux.resources.memory.swap: 1000000 is below the memory limit'
	bad '{"cpu":{"shares":1}}' 'config.json: .linux.resources.cpu.shares: 1 is out of range 2-262144'
	bad '{"blockIO":{"weight":5}}' 'config.json: .linux.resources.blockIO.weight'
	bad '{"devices":[{"allow":true,"access":"rwx"}]}' '.linux.resources.devices[0].access'
	if [ -n "$(cg_hier cpuset)" ]; then
		# the kernel refuses it: the error names the field, file and value
		bad '{"cpu":{"cpus":"4095"}}' 'config.json: .linux.resources.cpu.cpus: write "4095" to '
	fi
	if [ -n "$(cg_hier cpu)" ] && ! is_v2 "$(cg_hier cpu)"; then
		bad '{"cpu":{"quota":1000,"period":1000000000}}' 'config.json: .linux.resources.cpu.period'
	fi
}

# ---------------------------------------------------- pause / resume

@test "pause: every process is frozen, state paused; resume thaws them" {
	need freezer
	make_bundle
	set_args sh -c 'trap "echo got-usr1 >>/tmp/sig" USR1; sleep 1000 & while :; do wait; done'
	id=$(new_id)
	run_detached "$id"
	pid=$(container_pid "$id")
	wait_until eval 'husk ps --format json "$id" | jq -e "length == 2" >/dev/null'
	run husk pause "$id"
	assert_success
	assert_equal "$(state_field "$id" .status)" paused
	d=$(cgdir freezer "$id")
	if is_v2 "$H"; then
		grep -qx "frozen 1" "$d/cgroup.events"
	else
		assert_equal "$(cat "$d/freezer.state")" FROZEN
	fi
	# a signal sent now is handled only after resume
	kill -USR1 "$pid"
	run husk resume "$id"
	assert_success
	assert_equal "$(state_field "$id" .status)" running
	if is_v2 "$H"; then
		grep -qx "frozen 0" "$d/cgroup.events"
	else
		assert_equal "$(cat "$d/freezer.state")" THAWED
	fi
	wait_until grep -q got-usr1 "$ROOTFS/tmp/sig"
	run husk events --no-follow "$id"
	assert_output_contains '"type":"paused"' '"type":"resumed"'
	husk delete --force "$id"
}

@test "pause: kill KILL and delete --force work on a paused container" {
	need freezer
	make_bundle
	set_args "${LONG[@]}"
	a=$(new_id)
	run_detached "$a"
	husk pause "$a"
	run husk kill "$a" KILL
	assert_success
	wait_status "$a" stopped
	husk delete "$a"
	b=$(new_id)
	run_detached "$b"
	husk pause "$b"
	assert_equal "$(state_field "$b" .status)" paused
	run husk delete --force "$b"
	assert_success
	assert_no_leftovers "$a" "$b"
}

@test "pause and resume refuse the wrong states" {
	need freezer
	make_bundle
	set_args "${LONG[@]}"
	id=$(new_id)
	run_detached "$id"
	run husk resume "$id"
	assert_failure
	assert_output_contains "cannot resume container \"$id\": it is running, not paused"
	husk kill "$id" KILL
	wait_status "$id" stopped
	run husk pause "$id"
	assert_failure
	assert_output_contains "cannot pause container \"$id\": it is stopped"
	run husk pause nosuch-container
	assert_failure
	assert_output_contains 'container "nosuch-container" does not exist'
}

# --------------------------------------------------------------- ps

@test "ps: the container's processes only, as a table, with ps args, or as JSON pids" {
	make_bundle
	set_args sh -c 'sleep 1001 & exec sleep 1002'
	id=$(new_id)
	run_detached "$id"
	wait_until eval 'husk ps --format json "$id" | jq -e "length == 2" >/dev/null'
	run husk ps --format json "$id"
	assert_success
	for p in $(jq '.[]' <<<"$output"); do
		grep -q "sleep.100[12]" <(tr '\0' ' ' <"/proc/$p/cmdline")
	done
	run husk ps "$id"
	assert_success
	assert_equal "${lines[0]}" "$(ps -ef | head -1)"
	assert_equal "${#lines[@]}" 3
	assert_output_contains "sleep 1001" "sleep 1002"
	assert_output_not_contains "bats"
	run husk ps "$id" -- -o pid,comm
	assert_success
	assert_equal "$(echo "${lines[0]}" | xargs)" "PID COMMAND"
	assert_equal "${#lines[@]}" 3
	run husk ps "$id" -o pid=
	assert_failure
	assert_output_contains "no PID column"
	run husk ps --format yaml "$id"
	assert_failure
	assert_output_contains 'ps: --format: unknown format "yaml"'
	husk delete --force "$id"
}

# ----------------------------------------------------------- events

@test "events --stats: runc's JSON with the container's figures" {
	make_bundle
	set_args "${LONG[@]}"
	resources '{"memory":{"limit":67108864},"pids":{"limit":20}}'
	id=$(new_id)
	run_detached "$id"
	run husk events --stats "$id"
	assert_success
	assert_equal "${#lines[@]}" 1
	j=$output
	jq -e --arg id "$id" '.type == "stats" and .id == $id' <<<"$j"
	jq -e '.data | has("cpu") and has("cpuset") and has("memory") and has("pids") and has("blkio")
		and has("hugetlb") and .intel_rdt == {} and .network_interfaces == null' <<<"$j"
	if [ -n "$(cg_hier memory)" ]; then
		jq -e '.data.memory.usage.limit == 67108864 and .data.memory.usage.usage > 0' <<<"$j"
	fi
	if [ -n "$(cg_hier pids)" ]; then
		jq -e '.data.pids.current >= 1 and .data.pids.limit == 20' <<<"$j"
	fi
	jq -e '.data.cpu.usage.total > 0 and (.data.cpu.usage | has("kernel") and has("user"))' <<<"$j"
	if [ -n "$(cg_hier cpuacct)" ]; then
		jq -e --argjson n "$(nproc --all)" '.data.cpu.usage.percpu | length == $n' <<<"$j"
	fi
	husk delete --force "$id"
	run husk events --stats "$id"
	assert_failure
}

@test "events --interval: stats every interval and an oom event for an OOM kill" {
	need memory
	make_bundle
	set_args sh -c "$HOG; exec sleep 1000"
	resources '{"memory":{"limit":16777216}}'
	swap_accounting && resources '{"memory":{"limit":16777216,"swap":16777216}}'
	id=$(new_id)
	create_container "$id"
	out=$BATS_TEST_TMPDIR/events.out
	husk events --interval 200ms "$id" >"$out" 2>"$BATS_TEST_TMPDIR/events.err" &
	ev=$!
	# the watch is set up before the first stats line
	wait_until grep -q '"type":"stats"' "$out"
	husk start "$id"
	wait_until grep -q '"type":"oom"' "$out"
	# the stream is still being written: read whole lines only
	grep -m1 '"type":"oom"' "$out" | jq -e --arg id "$id" '.id == $id'
	[ "$(grep -c '"type":"stats"' "$out")" -ge 1 ]
	husk kill "$id" KILL
	# the stream ends with the container
	wait_until eval '! kill -0 $ev 2>/dev/null'
	wait "$ev"
	husk delete "$id"
}

@test "events: --interval must be a duration" {
	make_bundle
	set_args "${LONG[@]}"
	id=$(new_id)
	run_detached "$id"
	run husk events --interval 5x "$id"
	assert_failure
	assert_output_contains 'events: --interval: "5x" is not a positive duration'
	husk delete --force "$id"
}

# ----------------------------------------------------------- update

@test "update: runc's flags change a running container's limits, and the kernel enforces them" {
	need pids
	make_bundle
	set_args "${LONG[@]}"
	resources '{"pids":{"limit":100}}'
	id=$(new_id)
	run_detached "$id"
	run husk update --pids-limit 3 "$id"
	assert_success
	assert_equal "$(cat "$(cgdir pids "$id")/pids.max")" 3
	# the init is one; two more fit, ten do not
	run husk exec "$id" sh -c 'for i in 1 2 3 4 5 6 7 8 9 10; do sleep 100 & done 2>&1; echo done'
	assert_output_contains "can't fork"
	if [ -n "$(cg_hier memory)" ]; then
		run husk update --memory 64m --memory-reservation 32m "$id"
		assert_success
		d=$(cgdir memory "$id")
		if is_v2 "$(cg_hier memory)"; then
			assert_equal "$(cat "$d/memory.max")" 67108864
			assert_equal "$(cat "$d/memory.low")" 33554432
		else
			assert_equal "$(cat "$d/memory.limit_in_bytes")" 67108864
			assert_equal "$(cat "$d/memory.soft_limit_in_bytes")" 33554432
		fi
		if swap_accounting && ! is_v2 "$(cg_hier memory)"; then
			# memory+swap first or last, whichever keeps the kernel happy
			run husk update --memory 128m --memory-swap 256m "$id"
			assert_success
			assert_equal "$(cat "$d/memory.memsw.limit_in_bytes")" 268435456
			run husk update --memory 32m --memory-swap 48m "$id"
			assert_success
			assert_equal "$(cat "$d/memory.limit_in_bytes")" 33554432
			assert_equal "$(cat "$d/memory.memsw.limit_in_bytes")" 50331648
		fi
	fi
	if [ -n "$(cg_hier cpu)" ]; then
		run husk update --cpu-quota 20000 --cpu-period 50000 --cpu-share 256 "$id"
		assert_success
		d=$(cgdir cpu "$id")
		if is_v2 "$(cg_hier cpu)"; then
			assert_equal "$(cat "$d/cpu.max")" "20000 50000"
		else
			assert_equal "$(cat "$d/cpu.cfs_quota_us")" 20000
			assert_equal "$(cat "$d/cpu.cfs_period_us")" 50000
			assert_equal "$(cat "$d/cpu.shares")" 256
		fi
	fi
	if [ -n "$(cg_hier cpuset)" ]; then
		run husk update --cpuset-cpus 0 "$id"
		assert_success
		assert_equal "$(cat "$(cgdir cpuset "$id")/cpuset.cpus")" 0
		grep -q $'Cpus_allowed_list:\t0$' "/proc/$(container_pid "$id")/status"
	fi
	husk delete --force "$id"
}

@test "update -r: a resources.json from a file or stdin" {
	need pids
	make_bundle
	set_args "${LONG[@]}"
	id=$(new_id)
	run_detached "$id"
	echo '{"pids":{"limit":7}}' >"$BATS_TEST_TMPDIR/r.json"
	run husk update -r "$BATS_TEST_TMPDIR/r.json" "$id"
	assert_success
	assert_equal "$(cat "$(cgdir pids "$id")/pids.max")" 7
	run husk update --resources - "$id" <<<'{"pids":{"limit":-1}}'
	assert_success
	assert_equal "$(cat "$(cgdir pids "$id")/pids.max")" max
	# devices are not updated, as with runc
	run husk update -r - "$id" <<<'{"devices":[{"allow":true,"access":"rwm"}]}'
	assert_success
	assert_output_contains "devices are not updated"
	husk delete --force "$id"
}

@test "update: bad values are refused naming the flag or field, and change nothing" {
	need pids
	make_bundle
	set_args "${LONG[@]}"
	resources '{"pids":{"limit":50}}'
	id=$(new_id)
	run_detached "$id"
	d=$(cgdir pids "$id")
	run husk update --memory 12x "$id"
	assert_failure
	assert_output_contains 'update: --memory: "12x" is not a size'
	run husk update --cpu-share 1 --pids-limit 5 "$id"
	assert_failure
	assert_output_contains "--cpu-share: 1 is out of range 2-262144"
	assert_equal "$(cat "$d/pids.max")" 50
	run husk update --blkio-weight 5 "$id"
	assert_failure
	assert_output_contains "--blkio-weight: 5 is out of range 10-1000"
	run husk update --pids-limit lots "$id"
	assert_failure
	assert_output_contains 'update: --pids-limit: "lots" is not an integer'
	if [ -n "$(cg_hier cpuset)" ]; then
		run husk update --cpuset-cpus 4095 "$id"
		assert_failure
		assert_output_contains '--cpuset-cpus: write "4095" to '
	fi
	run husk update -r - "$id" <<<'{"pids": [1]}'
	assert_failure
	assert_output_contains "<stdin>: .pids"
	run husk update -r - "$id" <<<'{not json'
	assert_failure
	assert_output_contains "update: <stdin>: not valid JSON"
	run husk update -r "$BATS_TEST_TMPDIR/none.json" "$id"
	assert_failure
	assert_output_contains "none.json"
	run husk update --l3-cache-schema L3:0=f "$id"
	assert_failure
	assert_output_contains "Intel RDT is not supported"
	assert_equal "$(cat "$d/pids.max")" 50
	husk kill "$id" KILL
	wait_status "$id" stopped
	run husk update --pids-limit 5 "$id"
	assert_failure
	assert_output_contains "cannot update container \"$id\": it is stopped"
	husk delete "$id"
}

# ------------------------------------------ cgroupsPath and ownership

@test "cgroupsPath: relative under /husk, absolute, systemd form; delete removes the leaf" {
	need pids
	make_bundle
	set_args "${LONG[@]}"
	pre=
	[ ! -d "$H/system.slice" ] || pre=1
	for form in "rel" "abs" "systemd"; do
		id=$(new_id)
		case $form in
		rel) path=kids/$id want=/husk/kids/$id ;;
		abs) path=/husk-abs-$id want=/husk-abs-$id ;;
		systemd) path=system.slice:husk:$id want=/system.slice/husk-$id.scope ;;
		esac
		cfg '.linux.cgroupsPath = $p' --arg p "$path"
		run_detached "$id"
		grep -q ":$want\$" "/proc/$(container_pid "$id")/cgroup"
		[ -d "$H$want" ]
		husk delete --force "$id"
		[ ! -e "$H$want" ]
	done
	# the parents husk made stay (they may be shared); tidy them up
	for v in $(awk -v r="$CGROUP_ROOT" '{ for (i = 7; $i != "-"; i++);
		if ($(i + 1) ~ /^cgroup2?$/ && index($5, r) == 1) print $5 }' /proc/self/mountinfo); do
		rmdir "$v/husk/kids" 2>/dev/null || true
		[ -n "$pre" ] || rmdir "$v/system.slice" 2>/dev/null || true
	done
}

@test "cgroupsPath: bad forms are refused before anything is made" {
	make_bundle
	for path in "/a/../b" "../up" "notaslice:husk:x" "/"; do
		cfg '.linux.cgroupsPath = $p' --arg p "$path"
		id=$(new_id)
		run husk run -b "$BUNDLE" "$id" </dev/null
		assert_failure
		assert_output_contains "config.json: .linux.cgroupsPath: \"$path\""
		assert_no_leftovers "$id"
	done
	cfg 'del(.linux.cgroupsPath)'
	run husk --systemd-cgroup run -b "$BUNDLE" "$(new_id)" </dev/null
	assert_failure
	assert_output_contains "--systemd-cgroup:"
}

@test "delete never removes a cgroup husk did not make" {
	need pids
	make_bundle
	set_args "${LONG[@]}"
	id=$(new_id)
	# made beforehand in the pids hierarchy only, by someone else
	mkdir "$H/husk-pre-$id"
	cfg '.linux.cgroupsPath = $p' --arg p "/husk-pre-$id"
	run_detached "$id"
	made=$(jq -r '.cgroup_made' "$HUSK_ROOT/$id/state.json")
	[[ $made != *"$H"* ]]
	husk delete --force "$id"
	# the one made beforehand is there; the others husk made are gone
	[ -d "$H/husk-pre-$id" ]
	for v in $(awk -v r="$CGROUP_ROOT" '{ for (i = 7; $i != "-"; i++);
		if ($(i + 1) ~ /^cgroup2?$/ && index($5, r) == 1) print $5 }' /proc/self/mountinfo); do
		[ "$v" = "$H" ] || [ ! -e "$v/husk-pre-$id" ]
	done
	rmdir "$H/husk-pre-$id"
}
