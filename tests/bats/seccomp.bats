#!/usr/bin/env bats
# linux.seccomp: actions, errno, architectures, flags, argument conditions,
# unknown syscalls, the notify listener, the BPF cache, and when the filter
# is loaded.

load helpers
load security_helpers
bats_require_minimum_version 1.5.0

# mkdir in a forked child (busybox runs some applets inside the shell):
# prints the result, or how the child died
MKDIR='(mkdir /tmp/d) 2>&1; echo "status=$?"'

# cond_deny_profile [ERRNO]: mkdir and mkdirat fail (EPERM or ERRNO)
# under a condition that always holds (mode >= 0): a profile with
# argument conditions, which libseccomp compiles and husk caches
cond_deny_profile() {
	jq -nc --argjson e "${1:-1}" '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [
		{names: ["mkdir"], action: "SCMP_ACT_ERRNO", errnoRet: $e,
		 args: [{index: 1, value: 0, op: "SCMP_CMP_GE"}]},
		{names: ["mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: $e,
		 args: [{index: 2, value: 0, op: "SCMP_CMP_GE"}]}]}'
}

@test "seccomp: SCMP_ACT_ERRNO denies mkdir with EPERM by default" {
	make_bundle
	writable_root
	seccomp_set "$(deny_profile SCMP_ACT_ERRNO)"
	run run_in_container sh -c "$MKDIR; touch /tmp/f && echo touched"
	assert_success
	assert_output_contains "Operation not permitted" "status=1" "touched"
	[ ! -e "$ROOTFS/tmp/d" ]
}

@test "seccomp: errnoRet is the errno returned" {
	make_bundle
	writable_root
	seccomp_set "$(deny_profile SCMP_ACT_ERRNO 5)"	# EIO
	run run_in_container sh -c "$MKDIR"
	assert_success
	assert_output_contains "Input/output error"
	seccomp_set '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}'
	run run_in_container sh -c "$MKDIR"
	assert_output_contains "Permission denied"
}

@test "seccomp: defaultAction SCMP_ACT_ERRNO with defaultErrnoRet" {
	make_bundle
	# everything not allowed fails with EXDEV (18); sh runs a builtin
	# echo, and mkdir is not on the list
	allowed=$(jq -nc '[ "execve", "execveat", "arch_prctl", "set_tid_address", "set_robust_list",
		"rseq", "brk", "mmap", "munmap", "mprotect", "prlimit64", "getrandom", "readlink",
		"uname", "getuid", "geteuid", "getgid", "getegid", "getpid", "getppid", "rt_sigaction",
		"rt_sigprocmask", "rt_sigreturn", "write", "writev", "read", "close", "fstat",
		"newfstatat", "ioctl", "exit", "exit_group", "wait4", "clone", "clone3", "vfork",
		"fork", "getcwd", "stat", "lstat", "openat", "open", "fcntl", "dup2", "dup3",
		"lseek", "sigaltstack", "futex", "getpgrp", "setpgid", "statx", "access", "faccessat",
		"faccessat2", "pipe", "pipe2", "sysinfo", "poll", "ppoll", "capget", "capset",
		"prctl", "close_range", "getdents64", "gettid", "tgkill", "kill" ]')
	seccomp_set "$(jq -nc --argjson a "$allowed" '{defaultAction: "SCMP_ACT_ERRNO", defaultErrnoRet: 18,
		syscalls: [{names: $a, action: "SCMP_ACT_ALLOW"}]}')"
	run run_in_container sh -c "$MKDIR"
	assert_success
	assert_output_contains "Invalid cross-device link" "status=1"
}

@test "seccomp: KILL_PROCESS, KILL_THREAD, KILL and TRAP end the caller with SIGSYS" {
	make_bundle
	writable_root
	for action in SCMP_ACT_KILL_PROCESS SCMP_ACT_KILL_THREAD SCMP_ACT_KILL SCMP_ACT_TRAP; do
		seccomp_set "$(deny_profile $action)"
		run run_in_container sh -c "$MKDIR"
		assert_success
		assert_output_contains "status=159"	# 128 + SIGSYS
	done
	[ ! -e "$ROOTFS/tmp/d" ]
}

@test "seccomp: TRACE without a tracer fails with ENOSYS; LOG and ALLOW let the call through" {
	make_bundle
	writable_root
	seccomp_set "$(deny_profile SCMP_ACT_TRACE)"
	run run_in_container sh -c "$MKDIR"
	assert_output_contains "Function not implemented"
	seccomp_set "$(deny_profile SCMP_ACT_LOG)"
	run run_in_container sh -c "$MKDIR"
	assert_output_contains "status=0"
	[ -d "$ROOTFS/tmp/d" ]
}

# The bench's allowlist (299 names, three architectures): a profile husk's
# own emitter compiles (tests/unit/test-seccomp-bpf.c proves it gives
# libseccomp's actions); busybox adjtimex reads the clock (clock_adjtime,
# no privilege needed), which is not on the list.
@test "seccomp: husk's emitter: an allowlist runs the container, denies the rest with EPERM" {
	make_bundle
	writable_root
	set_args sh -c 'adjtimex >/dev/null; echo "adjtimex=$?"; mkdir /tmp/d && echo made; ls -d /tmp/d'
	run husk run -b "$BUNDLE" "$(new_id)" </dev/null
	assert_success
	assert_output_contains "adjtimex=0" "made"	# the probe works without a filter
	rm -rf "$ROOTFS/tmp/d"
	allowed=$(grep -v '^#' "$HUSK_SRC/bench/seccomp-allow.txt" | jq -Rnc '[inputs | select(length > 0)]')
	seccomp_set "$(jq -nc --argjson a "$allowed" '{defaultAction: "SCMP_ACT_ERRNO",
		architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
		syscalls: [{names: $a, action: "SCMP_ACT_ALLOW"}]}')"
	# compiled each time (as fast as a cache hit), so nothing is cached
	for i in 1 2; do
		run husk --debug run -b "$BUNDLE" "$(new_id)" </dev/null
		assert_success
		assert_output_contains "Operation not permitted" "adjtimex=1" "made" "/tmp/d" \
			"by husk)"
		assert_output_not_contains "from cache"
		rm -rf "$ROOTFS/tmp/d"
	done
	[ -z "$(ls -A "$HUSK_ROOT/.seccomp" 2>/dev/null)" ] || fail "husk's own programs were cached"
}

# Argument conditions are libseccomp's to compile.
@test "seccomp: a profile with argument conditions is compiled by libseccomp" {
	make_bundle
	# clock_adjtime(CLOCK_REALTIME, ...) is denied, other clocks are not
	seccomp_set '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["adjtimex", "clock_adjtime"],
		"action": "SCMP_ACT_ERRNO", "errnoRet": 13, "args": [{"index": 0, "value": 0, "op": "SCMP_CMP_EQ"}]}]}'
	set_args sh -c 'adjtimex >/dev/null; echo "adjtimex=$?"'
	run husk --debug run -b "$BUNDLE" "$(new_id)" </dev/null
	assert_success
	assert_output_contains "compiled filter" "by libseccomp)" "Permission denied" "adjtimex=1"
}

@test "seccomp: argument conditions (EQ, MASKED_EQ, two on one argument are OR'ed)" {
	make_bundle
	writable_root
	# chmod(path, mode) and fchmodat(dfd, path, mode): busybox chmod uses the first
	rules() {	# OP VALUE [VALUE2]: deny modes matching, on both syscalls
		local v2=${3:-0}
		jq -nc --arg op "$1" --argjson v "$2" --argjson v2 "$v2" '[
			{names: ["chmod"], action: "SCMP_ACT_ERRNO",
			 args: [{index: 1, value: $v, valueTwo: $v2, op: $op}]},
			{names: ["fchmodat"], action: "SCMP_ACT_ERRNO",
			 args: [{index: 2, value: $v, valueTwo: $v2, op: $op}]}]'
	}
	probe() {	# MODE...: try each mode on its own file, print which worked
		run run_in_container sh -c 'cd /tmp; for m in "$@"; do touch f$m; chmod $m f$m 2>/dev/null; echo "$m=$?"; done' sh "$@"
	}
	seccomp_set "$(jq -nc --argjson r "$(rules SCMP_CMP_EQ 448)" '{defaultAction: "SCMP_ACT_ALLOW", syscalls: $r}')"
	probe 700 755	# 448 = 0700
	assert_success
	assert_output "700=1
755=0"
	# (mode & 007) == 007: world-writable modes are refused
	seccomp_set "$(jq -nc --argjson r "$(rules SCMP_CMP_MASKED_EQ 7 7)" '{defaultAction: "SCMP_ACT_ALLOW", syscalls: $r}')"
	probe 777 775 707
	assert_output "777=1
775=0
707=1"
	# greater than 0755 (493): 0777 and 0775 refused, 0700 allowed
	seccomp_set "$(jq -nc --argjson r "$(rules SCMP_CMP_GT 493)" '{defaultAction: "SCMP_ACT_ALLOW", syscalls: $r}')"
	probe 777 700
	assert_output "777=1
700=0"
	# two conditions on the mode: 0700 or 0750 is refused
	seccomp_set '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["chmod"], "action": "SCMP_ACT_ERRNO", "args": [
			{"index": 1, "value": 448, "op": "SCMP_CMP_EQ"}, {"index": 1, "value": 488, "op": "SCMP_CMP_EQ"}]},
		{"names": ["fchmodat"], "action": "SCMP_ACT_ERRNO", "args": [
			{"index": 2, "value": 448, "op": "SCMP_CMP_EQ"}, {"index": 2, "value": 488, "op": "SCMP_CMP_EQ"}]}]}'
	probe 700 750 755
	assert_output "700=1
750=1
755=0"
}

@test "seccomp: unknown syscall names are skipped; a rule equal to the default is dropped" {
	make_bundle
	writable_root
	seccomp_set '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["no_such_syscall_ever", "mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"},
		{"names": ["getpid"], "action": "SCMP_ACT_ALLOW"}]}'
	set_args sh -c "$MKDIR"
	run husk --debug run -b "$BUNDLE" "$(new_id)" </dev/null
	assert_success
	assert_output_contains 'unknown syscall "no_such_syscall_ever" ignored' "Operation not permitted"
}

@test "seccomp: Seccomp mode 2 with one filter; flags TSYNC, LOG and SPEC_ALLOW are taken" {
	make_bundle
	seccomp_set '{"defaultAction": "SCMP_ACT_ALLOW",
		"flags": ["SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"],
		"syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO"}]}'
	run run_in_container grep -E '^Seccomp(_filters)?:' /proc/self/status
	assert_success
	assert_output "Seccomp:	2
Seccomp_filters:	1"
}

@test "seccomp: bad profiles are errors naming the field; nothing is left" {
	make_bundle
	check() {	# PROFILE EXPECTED...
		local p=$1
		shift
		seccomp_set "$p"
		run husk run -b "$BUNDLE" "$(new_id)"
		assert_failure
		assert_output_contains "$@"
	}
	check '{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_BOGUS"]}' \
		'.linux.seccomp.architectures[0]' SCMP_ARCH_BOGUS
	check '{"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_BOGUS"]}' \
		'.linux.seccomp.flags[0]'
	check '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_KILL", "errnoRet": 1}]}' \
		'.linux.seccomp.syscalls[0].errnoRet'
	check '{"defaultAction": "SCMP_ACT_ALLOW", "defaultErrnoRet": 1}' '.linux.seccomp.defaultErrnoRet'
	check '{"defaultAction": "SCMP_ACT_BOGUS"}' '.linux.seccomp.defaultAction'
	check '{"defaultAction": "SCMP_ACT_NOTIFY", "listenerPath": "/x"}' '.linux.seccomp.defaultAction' 'SCMP_ACT_NOTIFY'
	check '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]}' \
		'.linux.seccomp.listenerPath' 'required'
	check '{"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"],
		"syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO"}]}' 'WAIT_KILLABLE_RECV' 'SCMP_ACT_NOTIFY'
	check "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"$BATS_TEST_TMPDIR/nobody-listens\",
		\"syscalls\": [{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}" \
		'linux.seccomp.listenerPath' 'nobody-listens'
	no_leftovers
}

@test "seccomp: SCMP_ACT_NOTIFY hands the fd and the container process state to the listener" {
	agent=$(agent_bin) || skip "cannot build the seccomp agent (tests/tools/seccomp-agent.c)"
	make_bundle
	writable_root
	sock=$BATS_TEST_TMPDIR/agent.sock
	out=$BATS_TEST_TMPDIR/agent.json
	"$agent" "$sock" "$out" 25 3>&- &	# ENOTTY for every notified call
	agent_pid=$!
	wait_file "$sock"
	seccomp_set "$(jq -nc --arg l "$sock" '{defaultAction: "SCMP_ACT_ALLOW", listenerPath: $l,
		listenerMetadata: "team=husk;probe=\"1\"",
		syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_NOTIFY"}]}')"
	cfg '.annotations = {"org.husk.test": "notify"}'
	id=$(new_id)
	set_args sh -c "$MKDIR"
	run husk run -b "$BUNDLE" "$id" </dev/null
	assert_success
	assert_output_contains "Inappropriate ioctl for device"
	wait "$agent_pid"	# it ends once no process uses the filter
	jq -e --arg id "$id" --arg b "$BUNDLE" '.ociVersion == "1.2.0" and .fds == ["seccompFd"] and
		.metadata == "team=husk;probe=\"1\"" and .pid > 0 and .state.id == $id and
		.state.pid == .pid and .state.status == "creating" and .state.bundle == $b and
		.state.annotations["org.husk.test"] == "notify"' "$out"
	grep -Eq '^syscall (83|258)$' "$out.notes"
	[ ! -e "$ROOTFS/tmp/d" ]
}

@test "seccomp: the compiled filter is cached once under the root and loaded from there" {
	make_bundle
	writable_root
	seccomp_set "$(cond_deny_profile)"
	set_args sh -c "$MKDIR"
	run husk --debug run -b "$BUNDLE" "$(new_id)" </dev/null
	assert_success
	assert_output_contains "Operation not permitted" "seccomp: compiled filter"
	assert_output_not_contains "from cache"
	files=("$HUSK_ROOT"/.seccomp/*.bpf)
	assert_equal "${#files[@]}" 1
	key=$(basename "${files[0]}" .bpf)
	[[ $output == *"compiled filter $key"* ]]
	before=$(stat -c '%i %Y.%y %s' "${files[0]}")
	sleep 1.1	# so that a rewrite would show in the mtime, not a timing check
	run husk --debug run -b "$BUNDLE" "$(new_id)" </dev/null
	assert_success
	assert_output_contains "Operation not permitted" "seccomp: loaded filter $key" "from cache"
	assert_output_not_contains "compiled filter"
	assert_equal "$(stat -c '%i %Y.%y %s' "${files[0]}")" "$before"
	files=("$HUSK_ROOT"/.seccomp/*.bpf)
	assert_equal "${#files[@]}" 1
	# another profile, another file
	seccomp_set "$(cond_deny_profile 5)"
	run husk --debug run -b "$BUNDLE" "$(new_id)" </dev/null
	assert_output_contains "compiled filter" "Input/output error"
	files=("$HUSK_ROOT"/.seccomp/*.bpf)
	assert_equal "${#files[@]}" 2
}

@test "seccomp: a damaged cache file is never loaded; it is replaced" {
	make_bundle
	writable_root
	seccomp_set "$(cond_deny_profile)"
	set_args sh -c "$MKDIR"
	run husk run -b "$BUNDLE" "$(new_id)" </dev/null
	assert_success
	file=$(echo "$HUSK_ROOT"/.seccomp/*.bpf)
	# an allow-everything program in its place would disable the filter:
	# flip bytes of the program and keep the size
	size=$(stat -c %s "$file")
	head -c 100 "$file" >"$file.new" && head -c $((size - 100)) /dev/zero >>"$file.new" && mv "$file.new" "$file"
	run husk --debug run -b "$BUNDLE" "$(new_id)" </dev/null
	assert_success
	assert_output_contains "is damaged; replacing it" "compiled filter" "Operation not permitted"
	run husk --debug run -b "$BUNDLE" "$(new_id)" </dev/null
	assert_output_contains "from cache" "Operation not permitted"
}

# The filter goes in right before execve: it may deny every syscall husk
# makes after the set-up (reading the start gate, closing fds, dropping
# privileges, ...) and the container still starts.
@test "seccomp: the filter is loaded after everything husk does, right before execve" {
	make_bundle
	cfg '.process.noNewPrivileges = true'
	seccomp_set '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"action": "SCMP_ACT_ERRNO", "names": [
		"read", "write", "close", "close_range", "getcwd", "chdir", "prctl", "capset", "capget",
		"setresuid", "setresgid", "setgroups", "sendto", "sendmsg", "recvfrom", "recvmsg",
		"openat", "fstat", "newfstatat", "umask", "prlimit64", "setrlimit", "sched_setattr",
		"ioprio_set", "personality", "socket", "connect", "dup2", "dup3", "fcntl",
		"rt_sigprocmask", "rt_sigaction", "mount", "pivot_root"]}]}'
	set_args true
	id=$(new_id)
	create_container "$id"
	pid=$(container_pid "$id")
	# not in force while the init waits
	assert_equal "$(grep '^Seccomp:' "/proc/$pid/status" | cut -f2)" 0
	run husk start "$id"
	assert_success
	wait_status "$id" stopped
}

@test "seccomp: without noNewPrivileges a non-root user still gets the filter, and its capabilities" {
	make_bundle
	writable_root
	cfg '.process.noNewPrivileges = false | .process.user = {uid: 1000, gid: 1000}'
	set_caps '{"bounding": ["CAP_KILL", "CAP_CHOWN"], "permitted": ["CAP_KILL", "CAP_CHOWN"],
		"effective": ["CAP_KILL"], "inheritable": ["CAP_CHOWN"], "ambient": ["CAP_CHOWN"]}'
	seccomp_set "$(deny_profile SCMP_ACT_ERRNO)"
	run run_in_container sh -c "grep -E '^(Cap|Seccomp:|NoNewPrivs)' /proc/self/status; $MKDIR"
	assert_success
	assert_output_contains "Operation not permitted" "Seccomp:	2" "NoNewPrivs:	0" \
		"CapAmb:	$(cap_mask CHOWN)" "CapEff:	$(cap_mask CHOWN)" "CapBnd:	$(cap_mask CHOWN KILL)"
}

@test "seccomp: if dropping what was kept for the load fails, the process never runs" {
	make_bundle
	cfg '.process.noNewPrivileges = false | .process.user = {uid: 1000, gid: 1000}'
	set_caps '{"bounding": ["CAP_KILL"], "permitted": ["CAP_KILL"], "effective": ["CAP_KILL"]}'
	seccomp_set '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["capset"], "action": "SCMP_ACT_ERRNO"}]}'
	set_args sh -c 'echo the user process ran'
	run -127 husk run -b "$BUNDLE" "$(new_id)" </dev/null
	assert_output_contains "capabilities"
	assert_output_not_contains "the user process ran"
}

@test "seccomp: exec'd processes get the container's filter" {
	husk exec --help >/dev/null 2>&1 || skip "husk has no exec command"
	make_bundle
	writable_root
	seccomp_set "$(deny_profile SCMP_ACT_ERRNO)"
	set_args sleep 1000
	id=$(new_id)
	run_detached "$id"
	run husk exec "$id" sh -c "$MKDIR"
	assert_success
	assert_output_contains "Operation not permitted"
}
