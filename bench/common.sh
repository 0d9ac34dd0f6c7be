# bench/common.sh: paths and the runtime command lines shared by bench/run
# and bench/prep (sourced, bash).
#
# Environment (all optional):
#   HUSK         the husk binary             (default: ./husk of the tree)
#   BENCH_DIR    work and output directory   (default: build/bench)
#   BENCH_STATE  parent of the state roots   (default: /run/husk-bench)
#   BENCH_ID     prefix of container ids     (set by bench/run per run)

BENCH_SRC=${BENCH_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
HUSK=${HUSK:-$BENCH_SRC/husk}
BENCH_DIR=${BENCH_DIR:-$BENCH_SRC/build/bench}
BENCH_BIN=$BENCH_DIR/bin
BENCH_STATE=${BENCH_STATE:-/run/husk-bench}
BENCH_ROOTFS=$BENCH_DIR/rootfs
BENCH_BUNDLES=$BENCH_DIR/bundles

# rt_words RUNTIME: the command line prefix of RUNTIME's container commands,
# as words (for hyperfine, which splits its commands like a shell).
# crun runs through nswrap: it refuses a hybrid cgroup host otherwise.
rt_words() {
	case $1 in
	husk) echo "$HUSK --root $BENCH_STATE/husk" ;;
	runc) echo "$(command -v runc) --root $BENCH_STATE/runc" ;;
	crun) echo "$BENCH_BIN/nswrap $(command -v crun) --root $BENCH_STATE/crun" ;;
	*) echo "bench: unknown runtime $1" >&2; return 1 ;;
	esac
}

# rt RUNTIME ARGS...: run a container command of RUNTIME.
rt() {
	local w
	w=$(rt_words "$1") || return
	shift
	# shellcheck disable=SC2086 # words by design
	$w "$@"
}
