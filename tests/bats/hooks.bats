#!/usr/bin/env bats
# OCI hooks: all six kinds, in order, at the right moment, in the right
# namespaces, with the state on stdin; args, env, timeouts; what a failing
# hook of each kind does.

load helpers
load security_helpers

# hook_script: a host hook that appends one line to $LOG:
#   NAME status=S pid=P id=I ann=A mnt=MNTNS extra...
# and exits with $HOOK_EXIT (default 0). NAME is its first argument.
hook_script() {
	HOOK=$BATS_TEST_TMPDIR/hook
	LOG=$BATS_TEST_TMPDIR/log
	: >"$LOG"
	cat >"$HOOK" <<-'EOF'
		#!/bin/sh
		name=$1
		state=$(cat)
		pid=$(printf '%s' "$state" | jq -r '.pid // "none"')
		extra=
		case $name in
		createRuntime*)
			# the container's mounts are made, pivot_root is still to come
			grep -q " $ROOTFS/proc " /proc/$pid/mountinfo && extra="$extra mounted"
			# the same directory as the hook's root (compared by inode:
			# under a chroot the name differs across mount namespaces)
			[ /proc/$pid/root -ef /proc/self/root ] && extra="$extra not-pivoted" ;;
		poststart*)
			extra=" cmd=$(tr '\0' ' ' </proc/$pid/cmdline)" ;;
		poststop*)
			[ -e "$HUSK_ROOT/$(printf '%s' "$state" | jq -r .id)" ] || extra=" state-gone" ;;
		esac
		printf '%s status=%s pid=%s id=%s ann=%s mnt=%s%s\n' "$name" \
			"$(printf '%s' "$state" | jq -r .status)" "$pid" \
			"$(printf '%s' "$state" | jq -r .id)" \
			"$(printf '%s' "$state" | jq -r '.annotations["org.husk.hook"] // "none"')" \
			"$(readlink /proc/self/ns/mnt)" "$extra" >>"$LOG"
		[ -n "$HOOK_OUT" ] && echo "$HOOK_OUT" >&2
		exit ${HOOK_EXIT:-0}
	EOF
	chmod 755 "$HOOK"
	export LOG ROOTFS HUSK_ROOT
}

# add_hook KIND NAME [ENV...]: append a run of $HOOK NAME to hooks.KIND
add_hook() {
	local kind=$1 name=$2
	shift 2
	cfg '.hooks[$k] += [{path: $p, args: ["hook", $n]} + (if $e == [] then {} else {env: $e} end)]' \
		--arg k "$kind" --arg p "$HOOK" --arg n "$name" --argjson e "$(json_array "$@")"
}

# names of the log's lines, in order
log_names() {
	cut -d' ' -f1 "$LOG" | tr '\n' ' '
}

# startContainer runs in the container, after pivot_root: its program and
# the file it writes are the container's (/shared is bound to the host).
start_hook() {	# EXIT
	mkdir -p "$BATS_TEST_TMPDIR/shared" "$ROOTFS/shared"
	add_mount /shared bind "$BATS_TEST_TMPDIR/shared" rbind
	# only in the rootfs: if it runs, its path was resolved in the container
	cat >"$ROOTFS/start-hook" <<-'EOF'
		#!/bin/sh
		case $(cat) in *'"status": "created"'*) st=created ;; *) st=other ;; esac
		echo "startContainer status=$st started=$([ -e /started ] && echo yes || echo no)" >>/shared/log
		exit $1
	EOF
	chmod 755 "$ROOTFS/start-hook"
	cfg '.hooks.startContainer += [{path: "/start-hook", args: ["start-hook", $x]}]' --arg x "${1:-0}"
}

LONG=(sh -c 'touch /started; exec sleep 1000')

@test "hooks: all six kinds run in order with the state document on stdin" {
	make_bundle
	writable_root
	hook_script
	set_args "${LONG[@]}"
	cfg '.annotations = {"org.husk.hook": "yes"}'
	for k in prestart createRuntime createContainer poststart poststop; do
		add_hook "$k" "$k"
	done
	start_hook
	id=$(new_id)
	run_detached "$id"
	pid=$(container_pid "$id")
	husk kill "$id" KILL
	wait_status "$id" stopped
	run husk delete "$id"
	assert_success
	assert_equal "$(log_names)" "prestart createRuntime createContainer poststart poststop "
	for k in prestart createRuntime createContainer; do
		grep -q "^$k status=creating pid=$pid id=$id ann=yes " "$LOG" || fail "$k: $(cat "$LOG")"
	done
	grep -q "^poststart status=running pid=$pid id=$id ann=yes " "$LOG"
	grep -q "^poststop status=stopped pid=none id=$id ann=yes " "$LOG"
	# startContainer ran between createContainer and poststart: after start,
	# before the user process, in the container
	assert_equal "$(cat "$BATS_TEST_TMPDIR/shared/log")" "startContainer status=created started=no"
}

@test "hooks: each kind runs in its namespace, at its moment" {
	make_bundle
	writable_root
	hook_script
	set_args "${LONG[@]}"
	for k in prestart createRuntime createContainer poststart poststop; do
		add_hook "$k" "$k"
	done
	id=$(new_id)
	run_detached "$id"
	pid=$(container_pid "$id")
	cmnt=$(readlink "/proc/$pid/ns/mnt" | sed "s/[][]/\\\\&/g")	# as regexes
	hmnt=$(readlink /proc/self/ns/mnt | sed "s/[][]/\\\\&/g")
	husk delete --force "$id"
	grep -q "^prestart .* mnt=$hmnt$" "$LOG" || fail "$(cat "$LOG")"
	grep -q "^createRuntime .* mnt=$hmnt mounted not-pivoted$" "$LOG" || fail "$(cat "$LOG")"
	grep -q "^createContainer .* mnt=$cmnt$" "$LOG"
	grep -q "^poststart .* mnt=$hmnt cmd=sleep 1000 $" "$LOG" || fail "$(cat "$LOG")"
	grep -q "^poststop .* mnt=$hmnt state-gone$" "$LOG"
}

@test "hooks: args and env are passed as given; no env means husk's environment" {
	make_bundle
	# argv[0] as given shows in /proc/self/cmdline; env is exactly the list
	cfg '.hooks.prestart = [{path: "/bin/sh", env: ["A=1", "B=x y"], args: ["my-argv0", "-c",
		"cat >/dev/null; { tr \"\\0\" \" \" </proc/$$/cmdline; echo; env | grep -v ^PWD= | sort | tr \"\\n\" \" \"; echo; } >>\"$0\"",
		$log]}, {path: "/bin/sh", args: ["sh", "-c", "cat >/dev/null; echo mark=$HUSK_HOOK_MARK >>\"$0\"", $log]}]' \
		--arg log "$BATS_TEST_TMPDIR/env.log"
	HUSK_HOOK_MARK=inherited run husk run -b "$BUNDLE" "$(new_id)"
	assert_success
	run cat "$BATS_TEST_TMPDIR/env.log"
	assert_line "my-argv0 -c cat >/dev/null; { tr \"\\0\" \" \" </proc/\$\$/cmdline; echo; env | grep -v ^PWD= | sort | tr \"\\n\" \" \"; echo; } >>\"\$0\" $BATS_TEST_TMPDIR/env.log "
	assert_line "A=1 B=x y "
	assert_line "mark=inherited"
}

@test "hooks: a hook that outlives its timeout is killed and fails the operation; nothing is left" {
	make_bundle
	marker=sleep-$RANDOM$RANDOM
	ln -s /bin/sleep "$BATS_TEST_TMPDIR/$marker"
	cfg '.hooks.createRuntime = [{path: $p, args: ["sleep", "1000"], timeout: 1}]' \
		--arg p "$BATS_TEST_TMPDIR/$marker"
	run husk run -b "$BUNDLE" "$(new_id)"
	assert_failure
	assert_output_contains 'hooks.createRuntime[0]' 'timed out after 1 s'
	! pgrep -f "$marker" || fail "the hook still runs"
	no_leftovers
	# in the container too
	cfg 'del(.hooks.createRuntime) | .hooks.createContainer = [{path: $p, args: ["sleep", "1000"], timeout: 1}]' \
		--arg p "$BATS_TEST_TMPDIR/$marker"
	run husk run -b "$BUNDLE" "$(new_id)"
	assert_failure
	assert_output_contains 'hooks.createContainer[0]' 'timed out after 1 s'
	! pgrep -f "$marker" || fail "the hook still runs"
	no_leftovers
}

@test "hooks: a failing prestart, createRuntime or createContainer hook fails create; poststop runs; nothing is left" {
	for failing in prestart createRuntime createContainer; do
		make_bundle "$BATS_TEST_TMPDIR/b-$failing"
		BUNDLE=$BATS_TEST_TMPDIR/b-$failing ROOTFS=$BUNDLE/rootfs
		cfg '.root.readonly = false'
		hook_script
		set_args sh -c 'touch /started'
		for k in prestart createRuntime createContainer poststop; do
			if [ "$k" = "$failing" ]; then
				cfg '.hooks[$k] += [{path: "/bin/sh", args: ["sh", "-c", "cat >/dev/null; echo hook-said-no >&2; exit 3"]}]' --arg k "$k"
			fi
			add_hook "$k" "$k"
		done
		run husk create -b "$BUNDLE" "$(new_id)"
		assert_failure
		assert_output_contains "hooks.$failing[0]" "exit status 3" "hook-said-no"
		# the hooks before the failing one ran, those after it did not
		case $failing in
		prestart) want="poststop " ;;
		createRuntime) want="prestart poststop " ;;
		createContainer) want="prestart createRuntime poststop " ;;
		esac
		assert_equal "$(log_names)" "$want"
		[ ! -e "$ROOTFS/started" ]
		no_leftovers
	done
}

@test "hooks: a failing startContainer hook fails start; the user process never runs" {
	make_bundle
	writable_root
	hook_script
	set_args "${LONG[@]}"
	add_hook poststart poststart
	add_hook poststop poststop
	start_hook 4
	id=$(new_id)
	create_container "$id"
	run husk start "$id"
	assert_failure
	assert_output_contains 'hooks.startContainer[0]' 'exit status 4'
	wait_status "$id" stopped
	[ ! -e "$ROOTFS/started" ]
	run husk delete "$id"
	assert_success
	assert_equal "$(log_names)" "poststop "
}

@test "hooks: failing poststart and poststop hooks are warnings; the operation goes on" {
	make_bundle
	hook_script
	set_args sleep 1000
	cfg '.hooks.poststart = [{path: $p, args: ["hook", "poststart"], env: ["HOOK_EXIT=5", "LOG=" + $l, "HUSK_ROOT=" + $r, "PATH=/usr/bin:/bin"]}] |
		.hooks.poststop = [{path: $p, args: ["hook", "poststop"], env: ["HOOK_EXIT=6", "LOG=" + $l, "HUSK_ROOT=" + $r, "PATH=/usr/bin:/bin"]},
			{path: $p, args: ["hook", "poststop-second"], env: ["LOG=" + $l, "HUSK_ROOT=" + $r, "PATH=/usr/bin:/bin"]}]' \
		--arg p "$HOOK" --arg l "$LOG" --arg r "$HUSK_ROOT"
	id=$(new_id)
	create_container "$id"
	run husk start "$id"
	assert_success
	assert_output_contains "warning" 'hooks.poststart[0]' "exit status 5"
	assert_equal "$(state_field "$id" .status)" running
	run husk delete --force "$id"
	assert_success
	assert_output_contains "warning" 'hooks.poststop[0]' "exit status 6"
	[ ! -e "$HUSK_ROOT/$id" ]
	# the hook after the failing one still ran
	assert_equal "$(log_names)" "poststart poststop poststop-second "
}

@test "hooks: with poststart hooks, start succeeds even when the process is over before start looks" {
	make_bundle
	hook_script
	add_hook poststart after
	id=$(new_id)
	create_container "$id"
	# husk start stalls right after releasing the init: `true` is gone by then
	HUSK_STALL_AT=start-signalled run husk start "$id"
	assert_success
	assert_equal "$(log_names)" "after "
	run husk delete "$id"
	assert_success
}

@test "hooks: several of one kind run in order, and the first failure stops the rest" {
	make_bundle
	hook_script
	add_hook prestart first
	add_hook prestart second
	add_hook prestart third
	run husk run -b "$BUNDLE" "$(new_id)"
	assert_success
	assert_equal "$(log_names)" "first second third "
	: >"$LOG"
	cfg '.hooks.prestart[1].env = ["HOOK_EXIT=1", "LOG=" + $l, "PATH=/usr/bin:/bin"]' --arg l "$LOG"
	run husk run -b "$BUNDLE" "$(new_id)"
	assert_failure
	assert_output_contains 'hooks.prestart[1]'
	assert_equal "$(log_names)" "first second "
	no_leftovers
}

@test "hooks: a relative hook path is an error naming the field" {
	make_bundle
	cfg '.hooks.poststart = [{path: "bin/true"}]'
	run husk run -b "$BUNDLE" "$(new_id)"
	assert_failure
	assert_output_contains '.hooks.poststart[0].path'
	no_leftovers
}

# What husk's caller ignores and blocks must not reach the hooks either
# (32 and 33 included, which glibc's signal() refuses to reset).
@test "hooks: a hook starts with default dispositions and nothing blocked" {
	sigstate=$(sigstate_bin) || fail "cannot build tests/tools/sigstate"
	make_bundle
	cfg '.hooks.prestart = [{path: "/bin/sh", args: ["sh", "-c", "grep -E \"^Sig(Ign|Blk)\" /proc/self/status >\($f)"]}]' \
		--arg f "$BATS_TEST_TMPDIR/sig"
	run "$sigstate" 1 2 3 10 13 15 32 33 -- "$HUSK_BIN" --root "$HUSK_ROOT" run -b "$BUNDLE" "$(new_id)" </dev/null
	assert_success
	run cat "$BATS_TEST_TMPDIR/sig"
	assert_output "SigBlk:	0000000000000000
SigIgn:	0000000000000000"
}
