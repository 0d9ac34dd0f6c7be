#!/usr/bin/env bats
# husk features: the runtime-spec features document, checked against what
# husk really does. Whatever it advertises is used in a real container and
# must work; what it says it lacks must be refused, not ignored.

load helpers
load security_helpers

features() {
	husk features
}

# feat JQ-FILTER: a value of the document, raw
feat() {
	husk features | jq -r "$1"
}

# A container of $BUNDLE running `true` must succeed ("what" names it in
# the failure).
runs() {
	local what=$1
	run husk run -b "$BUNDLE" "$(new_id)" </dev/null
	[ "$status" -eq 0 ] || fail "$what: husk run failed ($status)" "$output"
}

@test "features: a JSON document with the versions husk takes" {
	run husk features
	assert_success
	echo "$output" | jq -e . >/dev/null
	echo "$output" | jq -e '.ociVersionMin == "1.0.0"' >/dev/null
	# the newest version is the one husk implements (--version, husk spec)
	max=$(echo "$output" | jq -r .ociVersionMax)
	run husk --version
	assert_line "spec: $max"
	mkdir "$BATS_TEST_TMPDIR/s"
	husk spec -b "$BATS_TEST_TMPDIR/s"
	assert_equal "$(jq -r .ociVersion "$BATS_TEST_TMPDIR/s/config.json")" "$max"
	# both ends are accepted in a config
	make_bundle
	for v in "$(feat .ociVersionMin)" "$max"; do
		cfg '.ociVersion = $v' --arg v "$v"
		runs "ociVersion $v"
	done
	# husk features --help, and no stray arguments
	run husk features --help
	assert_success
	assert_output_contains "Usage: husk features"
	run husk features extra
	assert_failure
}

@test "features: annotations name this husk and its libseccomp" {
	run husk --version
	ver=$(sed -n 's/^husk version //p' <<<"$output")
	commit=$(sed -n 's/^commit: //p' <<<"$output")
	sc=$(sed -n 's/^libseccomp: //p' <<<"$output")
	assert_equal "$(feat '.annotations["org.husk.version"]')" "$ver"
	assert_equal "$(feat '.annotations["org.husk.commit"]')" "$commit"
	assert_equal "$(feat '.annotations["io.github.seccomp.libseccomp.version"]')" "$sc"
	assert_equal "$(feat '.potentiallyUnsafeConfigAnnotations | join(",")')" "org.criu.config"
}

@test "features: every advertised mount option is accepted" {
	make_bundle
	local opts opt i=0 mounts='[]'
	opts=$(feat '.mountOptions[]')
	[ "$(wc -l <<<"$opts")" -gt 40 ]
	grep -qx tmpcopyup <<<"$opts"
	mkdir -p "$BATS_TEST_TMPDIR/src"
	for opt in $opts; do
		i=$((i + 1))
		case $opt in
		bind | rbind)	# a bind mount takes a source
			mounts=$(jq -c --arg d "/mnt/$i-$opt" --arg s "$BATS_TEST_TMPDIR/src" --arg o "$opt" \
				'. + [{destination: $d, type: "bind", source: $s, options: [$o]}]' <<<"$mounts") ;;
		remount)	# changes a mount that is there: a tmpfs, then read-only
			mounts=$(jq -c --arg d "/mnt/$i-$opt" \
				'. + [{destination: $d, type: "tmpfs", source: "tmpfs"},
				      {destination: $d, type: "tmpfs", source: "tmpfs", options: ["remount", "ro"]}]' \
				<<<"$mounts") ;;
		*)
			mounts=$(jq -c --arg d "/mnt/$i-$opt" --arg o "$opt" \
				'. + [{destination: $d, type: "tmpfs", source: "tmpfs", options: [$o]}]' <<<"$mounts") ;;
		esac
	done
	cfg '.mounts += $m' --argjson m "$mounts"
	set_args sh -c 'grep -c " /mnt/" /proc/self/mounts'
	run husk run -b "$BUNDLE" "$(new_id)" </dev/null
	assert_success
	# one mount each (remount changes its tmpfs in place)
	assert_equal "${lines[-1]}" "$i"
}

@test "features: every advertised seccomp action, operator and architecture compiles and loads" {
	agent=$(agent_bin) || skip "cannot build the seccomp agent (tests/tools/seccomp-agent.c)"
	make_bundle
	local rules='[]' act op arch archs
	# one rule per action, on syscalls `true` never makes
	for act in $(feat '.linux.seccomp.actions[]'); do
		rules=$(jq -c --arg a "$act" '. + [{names: ["acct"], action: $a}]' <<<"$rules")
	done
	for op in $(feat '.linux.seccomp.operators[]'); do
		rules=$(jq -c --arg o "$op" '. + [{names: ["swapon"], action: "SCMP_ACT_ERRNO",
			args: [{index: 1, value: 7, valueTwo: 7, op: $o}]}]' <<<"$rules")
	done
	archs=$(feat '[.linux.seccomp.archs[]]')
	[ "$(jq length <<<"$archs")" -ge 10 ]
	jq -e 'index("SCMP_ARCH_X86_64") or index("SCMP_ARCH_AARCH64")' <<<"$archs" >/dev/null
	# each action alone, so that one failing is named (the agent answers
	# the notify listener)
	for act in $(feat '.linux.seccomp.actions[]'); do
		local sock=$BATS_TEST_TMPDIR/agent-$act.sock prof
		prof=$(jq -nc --arg a "$act" --arg l "$sock" '{defaultAction: "SCMP_ACT_ALLOW",
			syscalls: [{names: ["acct"], action: $a}]} |
			if $a == "SCMP_ACT_NOTIFY" then .listenerPath = $l else . end')
		if [ "$act" = SCMP_ACT_NOTIFY ]; then
			"$agent" "$sock" "$BATS_TEST_TMPDIR/agent.json" 1 3>&- &
			wait_file "$sock"
		fi
		cfg '.linux.seccomp = $p' --argjson p "$prof"
		runs "action $act"
		[ "$act" != SCMP_ACT_NOTIFY ] || wait
	done
	# every operator in one profile, for every architecture
	for arch in $(jq -r '.[]' <<<"$archs"); do
		rules=$(jq -c '[.[] | select(.action != "SCMP_ACT_NOTIFY")]' <<<"$rules")
		cfg '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", architectures: [$a], syscalls: $r}' \
			--arg a "$arch" --argjson r "$rules"
		runs "architecture $arch"
	done
}

@test "features: supported seccomp flags load, known ones are a subset, others are refused" {
	agent=$(agent_bin) || skip "cannot build the seccomp agent (tests/tools/seccomp-agent.c)"
	make_bundle
	local flag sock
	run feat '.linux.seccomp.knownFlags - .linux.seccomp.supportedFlags | length'
	[ "$output" -le "$(feat '.linux.seccomp.knownFlags | length')" ]
	feat '.linux.seccomp.supportedFlags - .linux.seccomp.knownFlags == []' | grep -qx true
	for flag in $(feat '.linux.seccomp.supportedFlags[]'); do
		sock=$BATS_TEST_TMPDIR/agent-$flag.sock
		if [ "$flag" = SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV ]; then
			# only with a listener
			"$agent" "$sock" "$BATS_TEST_TMPDIR/agent.json" 1 3>&- &
			wait_file "$sock"
			cfg '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", flags: [$f], listenerPath: $l,
				syscalls: [{names: ["acct"], action: "SCMP_ACT_NOTIFY"}]}' --arg f "$flag" --arg l "$sock"
			runs "flag $flag"
			wait
		else
			cfg '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", flags: [$f],
				syscalls: [{names: ["acct"], action: "SCMP_ACT_ERRNO"}]}' --arg f "$flag"
			runs "flag $flag"
		fi
	done
	cfg '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", flags: ["SECCOMP_FILTER_FLAG_NONSENSE"]}'
	run husk run -b "$BUNDLE" "$(new_id)" </dev/null
	assert_failure
	assert_output_contains "SECCOMP_FILTER_FLAG_NONSENSE"
}

@test "features: every advertised namespace can be made, capability granted, hook run" {
	require_userns
	make_bundle
	local ns caps
	run feat '.linux.namespaces | sort | join(" ")'
	assert_output "cgroup ipc mount network pid time user uts"
	# all of them at once (the user namespace maps the host's ids 1:1, so
	# that the rootfs stays usable)
	cfg '.linux.namespaces = [$n[] | {type: .}] |
		.linux.uidMappings = [{containerID: 0, hostID: 0, size: 65536}] |
		.linux.gidMappings = [{containerID: 0, hostID: 0, size: 65536}]' \
		--argjson n "$(feat '.linux.namespaces')"
	set_args sh -c 'for n in cgroup ipc mnt net pid time user uts; do readlink /proc/self/ns/$n; done'
	run husk run -b "$BUNDLE" "$(new_id)" </dev/null
	assert_success
	for ns in cgroup ipc mnt net pid time user uts; do
		if grep -qxF "$ns:$(readlink /proc/self/ns/$ns | cut -d: -f2)" <<<"$output"; then
			fail "$ns: the container is in the host's namespace" "$output"
		fi
	done

	make_bundle "$BATS_TEST_TMPDIR/b2"
	BUNDLE=$BATS_TEST_TMPDIR/b2
	caps=$(feat '.linux.capabilities')
	[ "$(jq length <<<"$caps")" -ge 38 ]
	jq -e 'index("CAP_SYS_ADMIN") and index("CAP_CHOWN")' <<<"$caps" >/dev/null
	cfg '.process.capabilities = {bounding: $c, effective: $c, permitted: $c}' --argjson c "$caps"
	runs "every capability"

	# every hook kind writes its name (startContainer runs in the
	# container, where /marks is the host's directory)
	mkdir -p "$BATS_TEST_TMPDIR/marks"
	add_mount /marks bind "$BATS_TEST_TMPDIR/marks" rbind
	cfg '.hooks = (reduce $h[] as $k ({}; .[$k] = [{path: "/bin/sh",
		args: ["sh", "-c", "echo \($k) >> \(if $k == "startContainer" then "/marks" else $m end)/hooks"]}]))' \
		--argjson h "$(feat '.hooks')" --arg m "$BATS_TEST_TMPDIR/marks"
	runs "every hook"
	run sort "$BATS_TEST_TMPDIR/marks/hooks"
	assert_output "$(feat '.hooks[]' | sort)"
}

@test "features: cgroup v1 and v2 managed, systemd not (and --systemd-cgroup says so)" {
	make_bundle
	assert_equal "$(feat '.linux.cgroup | [.v1, .v2, .systemd, .systemdUser, .rdma] | map(tostring) | join(" ")')" \
		"true true false false true"
	cfg '.linux.resources = {pids: {limit: 50}}'
	set_args sh -c 'cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max'
	run husk run -b "$BUNDLE" "$(new_id)" </dev/null
	assert_success
	assert_output 50
	run husk --systemd-cgroup run -b "$BUNDLE" "$(new_id)" </dev/null
	assert_failure
	assert_output_contains "--systemd-cgroup"
}

@test "features: AppArmor and SELinux as the host has them; intelRdt and idmap refused" {
	make_bundle
	local aa=false se=false
	if [ -e /sys/kernel/security/apparmor ] && grep -q Y /sys/module/apparmor/parameters/enabled 2>/dev/null; then
		aa=true
	fi
	[ "$(stat -f -c %T /sys/fs/selinux 2>/dev/null)" = selinux ] && se=true
	assert_equal "$(feat .linux.apparmor.enabled)" "$aa"
	assert_equal "$(feat .linux.selinux.enabled)" "$se"
	if [ "$aa" = false ]; then
		cfg '.process.apparmorProfile = "husk-test"'
		run husk run -b "$BUNDLE" "$(new_id)" </dev/null
		assert_failure
		assert_output_contains "AppArmor is not enabled"
		cfg 'del(.process.apparmorProfile)'
	fi
	if [ "$se" = false ]; then
		cfg '.process.selinuxLabel = "system_u:system_r:container_t:s0"'
		run husk run -b "$BUNDLE" "$(new_id)" </dev/null
		assert_failure
		assert_output_contains "SELinux is not enabled"
		cfg 'del(.process.selinuxLabel)'
	fi

	assert_equal "$(feat .linux.intelRdt.enabled)" false
	cfg '.linux.intelRdt = {closID: "husk"}'
	run husk run -b "$BUNDLE" "$(new_id)" </dev/null
	assert_failure
	assert_output_contains ".linux.intelRdt: Intel RDT is not supported"
	cfg 'del(.linux.intelRdt)'

	assert_equal "$(feat .linux.mountExtensions.idmap.enabled)" false
	mkdir -p "$BATS_TEST_TMPDIR/src"
	cfg '.mounts += [{destination: "/idmapped", type: "bind", source: $s, options: ["rbind", "idmap"],
		uidMappings: [{containerID: 0, hostID: 100000, size: 1}],
		gidMappings: [{containerID: 0, hostID: 100000, size: 1}]}]' --arg s "$BATS_TEST_TMPDIR/src"
	run husk run -b "$BUNDLE" "$(new_id)" </dev/null
	assert_failure
	assert_output_contains "id-mapped mounts) are not supported"
	[ ! -e "$ROOTFS/idmapped" ]
}
