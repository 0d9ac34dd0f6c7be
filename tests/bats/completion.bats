#!/usr/bin/env bats
# Shell completions. The bash completion is sourced and asked as bash would
# ask it (COMP_WORDS split the way readline splits them); all three are
# checked against what `husk --help` and `husk CMD --help` print, so a flag
# added to husk without its completion fails here.
#
# Self-contained: needs only a built ./husk (HUSK_BIN overrides it).

setup() {
	SRC=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
	HUSK=${HUSK_BIN:-$SRC/husk}
	[ -x "$HUSK" ] || { echo "no husk binary at $HUSK: run make first" >&2; return 1; }
	# the completion runs `husk list -q`: make sure it finds this husk
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	ln -sf "$HUSK" "$BATS_TEST_TMPDIR/bin/husk"
	PATH=$BATS_TEST_TMPDIR/bin:$PATH
	ROOT=$BATS_TEST_TMPDIR/root
	# shellcheck source=../../completions/husk.bash
	source "$SRC/completions/husk.bash"
}

teardown() {
	if [ -n "${REAL_ID:-}" ]; then
		"$HUSK" --root "$ROOT" delete --force "$REAL_ID" || true
	fi
}

# Ask the bash completion: the arguments are the words of the command line
# as bash splits them, the last one is the word under the cursor. Prints
# the answers sorted, one a line.
complete_words() {
	COMP_WORDS=("$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE="$*"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_husk
	[ ${#COMPREPLY[@]} -eq 0 ] || printf '%s\n' "${COMPREPLY[@]}" | sort
}

# What `husk --help` lists as commands, sorted.
help_commands() {
	"$HUSK" --help | awk '/^Commands:/ { on = 1; next } /^$/ { on = 0 } on { print $1 }' | sort
}

# The flags (short and long) that `husk [CMD] --help` prints, sorted; every
# subcommand also takes -h and --help, which its help does not list.
help_flags() {
	{
		{ "$HUSK" "$@" --help || true; } | grep -E '^  -' |
			grep -oE '(^  |, )--?[A-Za-z][A-Za-z0-9-]*' | sed 's/^  //; s/^, //'
		printf '%s\n' -h --help
	} | sort -u
}

help_long_flags() {
	help_flags "$@" | grep -- '^--'
}

# A hand-made state root: two containers, one being created (private
# name, never offered), one whose state cannot be read (offered, as husk
# list -q shows it, so that it can be deleted).
fake_root() {
	mkdir -p "$ROOT/alpha" "$ROOT/beta" "$ROOT/.new-gamma-123" "$ROOT/broken"
	echo '{"id":"alpha","bundle":"/nonexistent","pid":0}' >"$ROOT/alpha/state.json"
	echo '{"id":"beta","bundle":"/nonexistent","pid":0}' >"$ROOT/beta/state.json"
	echo '{"id":"gamma"}' >"$ROOT/.new-gamma-123/state.json"
}

lines() {
	printf '%s\n' "$@"
}

# ------------------------------------------------------------------ bash

@test "bash: husk <TAB> offers exactly the subcommands of husk --help" {
	run complete_words husk ""
	[ "$status" -eq 0 ]
	[ -n "$output" ]
	[ "$output" = "$(help_commands)" ]
}

@test "bash: a subcommand prefix completes to that subcommand" {
	run complete_words husk st
	[ "$output" = "$(lines start state)" ]
	run complete_words husk --root /x de
	[ "$output" = delete ]
}

@test "bash: husk --<TAB> offers exactly the global flags of husk --help" {
	run complete_words husk --
	[ "$output" = "$(help_long_flags)" ]
	run complete_words husk -
	[ "$output" = "$(help_flags)" ]
}

@test "bash: husk run --<TAB> offers exactly the flags of husk run --help" {
	run complete_words husk run --
	[ -n "$output" ]
	[ "$output" = "$(help_long_flags run)" ]
	echo "$output" | grep -qx -- --detach
	echo "$output" | grep -qx -- --bundle
}

@test "bash: every subcommand offers exactly the flags of its --help" {
	local cmd
	for cmd in $(help_commands); do
		run complete_words husk "$cmd" -
		[ "$output" = "$(help_flags "$cmd")" ] ||
			{ echo "husk $cmd: completion offers:"; echo "$output"; echo "help has:"; help_flags "$cmd"; return 1; }
	done
}

@test "bash: global flags after other global flags and before the subcommand" {
	run complete_words husk --debug --root /x --log-f
	[ "$output" = --log-format ]
}

@test "bash: container ids come from husk list -q under the --root given earlier" {
	fake_root
	run complete_words husk --root "$ROOT" kill ""
	[ "$output" = "$(lines alpha beta broken)" ]
	# --root=DIR, split by bash at '='
	run complete_words husk --root = "$ROOT" delete ""
	[ "$output" = "$(lines alpha beta broken)" ]
	# -root, as runc spells it too, and other global flags around it
	run complete_words husk --debug -root "$ROOT" --log-format json state a
	[ "$output" = alpha ]
	# after the subcommand's own flags
	run complete_words husk --root "$ROOT" delete --force be
	[ "$output" = beta ]
}

@test "bash: every subcommand that takes an existing container completes ids" {
	local cmd
	fake_root
	for cmd in start state kill delete exec wait events; do
		help_commands | grep -qx "$cmd" || continue
		run complete_words husk --root "$ROOT" "$cmd" ""
		[ "$output" = "$(lines alpha beta broken)" ] || { echo "husk $cmd: got '$output'"; return 1; }
	done
}

@test "bash: ids of another root are not offered, nor for a new container" {
	fake_root
	run complete_words husk --root "$BATS_TEST_TMPDIR/elsewhere" kill ""
	[ -z "$output" ]
	run complete_words husk --root "$ROOT" create ""
	[ -z "$output" ]
	run complete_words husk --root "$ROOT" run -d ""
	[ -z "$output" ]
}

@test "bash: kill completes signals after the id" {
	fake_root
	run complete_words husk --root "$ROOT" kill alpha ""
	echo "$output" | grep -qx KILL
	echo "$output" | grep -qx TERM
	run complete_words husk --root "$ROOT" kill alpha SIGK
	[ "$output" = SIGKILL ]
	run complete_words husk --root "$ROOT" kill --all alpha HU
	[ "$output" = HUP ]
	run complete_words husk --root "$ROOT" kill alpha TERM ""
	[ -z "$output" ]
}

@test "bash: flag values" {
	run complete_words husk --log-format ""
	[ "$output" = "$(lines json text)" ]
	run complete_words husk --log-format = j
	[ "$output" = json ]
	run complete_words husk list --format ""
	[ "$output" = "$(lines json table)" ]
	run complete_words husk list -f = t
	[ "$output" = table ]
	mkdir -p "$BATS_TEST_TMPDIR/dirs/one" "$BATS_TEST_TMPDIR/dirs/two"
	touch "$BATS_TEST_TMPDIR/dirs/ofile"
	run complete_words husk --root "$BATS_TEST_TMPDIR/dirs/o"
	[ "$output" = "$BATS_TEST_TMPDIR/dirs/one" ]
	run complete_words husk run -b "$BATS_TEST_TMPDIR/dirs/t"
	[ "$output" = "$BATS_TEST_TMPDIR/dirs/two" ]
	# a flag value is not taken for the subcommand or an id
	run complete_words husk --root "$ROOT" ""
	echo "$output" | grep -qx run
}

@test "bash: exec takes no more husk flags after the id" {
	fake_root
	run complete_words husk --root "$ROOT" exec -e A = b al
	[ "$output" = alpha ]
	run complete_words husk --root "$ROOT" exec alpha --
	[ -z "$output" ]
	run complete_words husk --root "$ROOT" exec alpha ls -
	[ -z "$output" ]
}

@test "bash: ids of a real container" {
	[ "$(id -u)" = 0 ] || skip "needs root to create a container"
	[ -x /bin/busybox ] || skip "needs busybox-static"
	local bundle=$BATS_TEST_TMPDIR/bundle
	mkdir -p "$bundle/rootfs/bin" "$bundle/rootfs/proc" "$bundle/rootfs/dev" "$bundle/rootfs/sys"
	cp /bin/busybox "$bundle/rootfs/bin/busybox"
	ln -s busybox "$bundle/rootfs/bin/sh"
	"$HUSK" spec --bundle "$bundle"
	sed -i 's/"terminal": true/"terminal": false/' "$bundle/config.json"
	REAL_ID=completion-$$
	"$HUSK" --root "$ROOT" create --bundle "$bundle" "$REAL_ID"
	run complete_words husk --root "$ROOT" start comp
	[ "$output" = "$REAL_ID" ]
	"$HUSK" --root "$ROOT" delete --force "$REAL_ID"
	REAL_ID=
	run complete_words husk --root "$ROOT" start comp
	[ -z "$output" ]
}

# -------------------------------------------------- zsh and fish, and drift

@test "zsh: _husk names every subcommand and every long flag of --help" {
	local file=$SRC/completions/_husk cmd flag
	head -n 1 "$file" | grep -qx '#compdef husk'
	for cmd in $(help_commands); do
		grep -q "'$cmd:" "$file" || { echo "zsh: no subcommand $cmd"; return 1; }
		for flag in $(help_long_flags "$cmd"); do
			grep -q -- "$flag" "$file" || { echo "zsh: husk $cmd: no $flag"; return 1; }
		done
	done
	for flag in $(help_long_flags); do
		grep -q -- "$flag" "$file" || { echo "zsh: no global $flag"; return 1; }
	done
	if command -v zsh >/dev/null; then
		zsh -n "$file"
	fi
}

@test "fish: husk.fish offers every subcommand and every flag of --help" {
	local file=$SRC/completions/husk.fish cmd flag
	if ! command -v fish >/dev/null; then
		# without fish, at least every name must be there
		for cmd in $(help_commands); do
			grep -q -- "-a $cmd " "$file" || { echo "fish: no subcommand $cmd"; return 1; }
			for flag in $(help_long_flags "$cmd"); do
				grep -q -- "-l ${flag#--} " "$file" || { echo "fish: husk $cmd: no $flag"; return 1; }
			done
		done
		return 0
	fi
	fish -n "$file"
	ask_fish() {
		fish --no-config -c "source '$file'; complete -C'$*'" | cut -f1 | sort
	}
	run ask_fish "husk "
	[ "$output" = "$(help_commands)" ]
	run ask_fish "husk --"
	[ "$output" = "$(help_long_flags)" ]
	for cmd in $(help_commands); do
		run ask_fish "husk $cmd --"
		[ "$output" = "$(help_long_flags "$cmd")" ] ||
			{ echo "fish: husk $cmd: offers:"; echo "$output"; return 1; }
	done
	fake_root
	run ask_fish "husk --root $ROOT kill "
	[ "$output" = "$(lines alpha beta broken)" ]
}
