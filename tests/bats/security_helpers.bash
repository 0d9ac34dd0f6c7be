# Helpers of the security tests (security, seccomp, userns, hooks, cve):
# `load security_helpers` after `load helpers`.

CAP_NAMES=(CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID
	SETPCAP LINUX_IMMUTABLE NET_BIND_SERVICE NET_BROADCAST NET_ADMIN NET_RAW
	IPC_LOCK IPC_OWNER SYS_MODULE SYS_RAWIO SYS_CHROOT SYS_PTRACE SYS_PACCT
	SYS_ADMIN SYS_BOOT SYS_NICE SYS_RESOURCE SYS_TIME SYS_TTY_CONFIG MKNOD
	LEASE AUDIT_WRITE AUDIT_CONTROL SETFCAP MAC_OVERRIDE MAC_ADMIN SYSLOG
	WAKE_ALARM BLOCK_SUSPEND AUDIT_READ PERFMON BPF CHECKPOINT_RESTORE)

# cap_number NAME: CAP_NET_ADMIN or NET_ADMIN -> 12
cap_number() {
	local want=${1#CAP_} i
	for i in "${!CAP_NAMES[@]}"; do
		[ "${CAP_NAMES[$i]}" = "$want" ] && echo "$i" && return 0
	done
	fail "unknown capability $1"
}

# cap_mask NAME...: the 16-digit hex mask /proc/PID/status shows for them
cap_mask() {
	local m=0 c n
	for c in "$@"; do
		n=$(cap_number "$c") || return
		m=$((m | (1 << n)))
	done
	printf '%016x\n' "$m"
}

# status_field FILE FIELD: the value of "FIELD:" in a /proc/PID/status text
status_field() {
	awk -v f="$2:" '$1 == f { print $2 }' "$1"
}

# host_has_cap NAME: husk (running as this shell's user) holds NAME
host_has_cap() {
	local n bnd
	n=$(cap_number "$1") || return 1
	bnd=$(status_field /proc/self/status CapBnd)
	(( (16#$bnd >> n) & 1 ))
}

# set_caps JSON-OBJECT: process.capabilities of $BUNDLE
set_caps() {
	cfg '.process.capabilities = $c' --argjson c "$1"
}

# seccomp_set JSON-OBJECT: linux.seccomp of $BUNDLE
seccomp_set() {
	cfg '.linux.seccomp = $s' --argjson s "$1"
}

# deny_profile ACTION [ERRNO]: allow all, but ACTION on mkdir/mkdirat
deny_profile() {
	local errno=${2:-}
	jq -nc --arg a "$1" --arg e "$errno" '{defaultAction: "SCMP_ACT_ALLOW",
		architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
		syscalls: [{names: ["mkdir", "mkdirat"], action: $a}
			| if $e != "" then .errnoRet = ($e | tonumber) else . end]}'
}

# writable_root: the tests write into their rootfs
writable_root() {
	cfg '.root.readonly = false'
}

# A copy of husk for the tests that try to overwrite it: if one ever
# succeeded, only the copy would be damaged.
husk_copy() {
	local copy=$BATS_TEST_TMPDIR/husk-copy
	cp "$HUSK_BIN" "$copy" && chmod 755 "$copy" && HUSK_BIN=$copy
}

# agent_bin: the seccomp listener of the tests (build/tools/seccomp-agent);
# fails when it cannot be built
agent_bin() {
	local b=$HUSK_SRC/build/tools/seccomp-agent
	if [ ! -x "$b" ]; then
		make -C "$HUSK_SRC" --no-print-directory build/tools/seccomp-agent >/dev/null 2>&1 ||
			return 1
	fi
	echo "$b"
}

# no_leftovers: assert_no_leftovers under `run` (its greps that find
# nothing must not trip errexit in a test body)
no_leftovers() {
	run assert_no_leftovers
	[ "$status" -eq 0 ] || fail "$output"
}
