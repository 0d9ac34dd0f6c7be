#!/usr/bin/env bats
# The man pages: one per subcommand, every flag of --help documented, all
# of them render with man(1) without warnings, and `make install` lays
# them out with the binary and the completions.
#
# Self-contained: needs only a built ./husk (HUSK_BIN overrides it).

setup() {
	SRC=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
	HUSK=${HUSK_BIN:-$SRC/husk}
	[ -x "$HUSK" ] || { echo "no husk binary at $HUSK: run make first" >&2; return 1; }
}

help_commands() {
	"$HUSK" --help | awk '/^Commands:/ { on = 1; next } /^$/ { on = 0 } on { print $1 }'
}

# The flags (short and long) that `husk [CMD] --help` prints.
help_flags() {
	{ "$HUSK" "$@" --help || true; } | grep -E '^  -' |
		grep -oE '(^  |, )--?[A-Za-z][A-Za-z0-9-]*' | sed 's/^  //; s/^, //'
}

# Is flag $1 documented in roff file $2? Dashes are written \- in roff.
documented() {
	local roff=${1//-/\\\\-}
	grep -qE -- "${roff}([^A-Za-z\\\\-]|\\\\f|\$)" "$2"
}

@test "every subcommand has a man page, and husk(8) points to it" {
	local cmd
	for cmd in $(help_commands); do
		[ -f "$SRC/docs/husk-$cmd.8" ] || { echo "no docs/husk-$cmd.8"; return 1; }
		grep -qF "husk\\-$cmd (8)" "$SRC/docs/husk.8" || { echo "husk.8 does not name husk-$cmd(8)"; return 1; }
		grep -qF ".B $cmd" "$SRC/docs/husk-$cmd.8" || { echo "husk-$cmd.8 has no synopsis"; return 1; }
	done
}

@test "no man page for a subcommand husk does not have" {
	local page cmd
	for page in "$SRC"/docs/husk-*.8; do
		cmd=${page##*/husk-}
		cmd=${cmd%.8}
		help_commands | grep -qx "$cmd" || { echo "$page: husk has no command $cmd"; return 1; }
	done
}

@test "husk(8) documents every global flag of husk --help" {
	local flag
	for flag in $(help_flags); do
		documented "$flag" "$SRC/docs/husk.8" || { echo "husk.8: no $flag"; return 1; }
	done
}

@test "every subcommand's man page documents every flag of its --help" {
	local cmd flag n=0
	for cmd in $(help_commands); do
		for flag in $(help_flags "$cmd") -h --help; do
			documented "$flag" "$SRC/docs/husk-$cmd.8" ||
				{ echo "husk-$cmd.8: no $flag"; return 1; }
			n=$((n + 1))
		done
	done
	[ "$n" -gt 20 ]
}

@test "the man pages render with man -l, without warnings" {
	command -v man >/dev/null || skip "man is not installed"
	local page out
	for page in "$SRC"/docs/*.8; do
		out=$(MANWIDTH=80 LC_ALL=C.UTF-8 man --warnings -E UTF-8 -l "$page" 2>&1 >/dev/null)
		[ -z "$out" ] || { echo "$page:"; echo "$out"; return 1; }
		MANWIDTH=80 man -l "$page" 2>/dev/null | grep -q '^NAME' || { echo "$page: no NAME"; return 1; }
	done
	run env MANWIDTH=80 man -l "$SRC/docs/husk-run.8"
	[ "$status" -eq 0 ]
	[[ $output == *"husk-run - create and start a container"* ]]
	[[ $output == *"--detach"* ]]
}

@test "make install lays out the binary, man pages and completions" {
	local d=$BATS_TEST_TMPDIR/dest page
	run make --no-print-directory -s -C "$SRC" install DESTDIR="$d" PREFIX=/usr
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[ -x "$d/usr/sbin/husk" ]
	for page in "$SRC"/docs/*.8; do
		[ -f "$d/usr/share/man/man8/${page##*/}" ] || { echo "missing ${page##*/}"; return 1; }
	done
	cmp "$SRC/completions/husk.bash" "$d/usr/share/bash-completion/completions/husk"
	cmp "$SRC/completions/_husk" "$d/usr/share/zsh/site-functions/_husk"
	cmp "$SRC/completions/husk.fish" "$d/usr/share/fish/vendor_completions.d/husk.fish"
	run make --no-print-directory -s -C "$SRC" uninstall DESTDIR="$d" PREFIX=/usr
	[ "$status" -eq 0 ]
	[ -z "$(find "$d" -type f)" ]
}
