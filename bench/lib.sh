# bench/lib.sh - sourced by the bench/*.sh scripts (not run by itself).
#
# Sets ROOT (the repository), WORK (a private temp dir, removed on exit),
# PT (a private copy of the pkgtrace binary, so a rebuild during a long run
# cannot change it under the benchmark) and builds the C helpers into WORK:
# $DRIVER (bench/driver.c) and $RUNNER (bench/runner.c).
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=
BG_PIDS=()

bench_die() { echo "${0##*/}: $*" >&2; exit 1; }

bench_cleanup() {
	local p
	for p in "${BG_PIDS[@]:-}"; do # a pid, or -pgid for a process group
		[ -n "$p" ] && kill -- "$p" 2>/dev/null && wait "${p#-}" 2>/dev/null
	done
	[ -n "$WORK" ] && [ -d "$WORK" ] && rm -rf "$WORK"
	return 0
}

# bench_help: the script's usage, which is its header comment (down to the
# line that sources this file); exits 0.
bench_help() {
	sed -n '2,/^\. /p' "$0" | sed '$d; s/^# \{0,1\}//'
	exit 0
}

# bench_bad_arg ARG: the one line for an option the script does not know.
bench_bad_arg() { bench_die "unknown argument '$1' (see --help)"; }

need_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || bench_die "needs '$c' (not found in PATH)"
	done
}

# bench_setup: the checks and helpers every script needs.
bench_setup() {
	[ "$(id -u)" -eq 0 ] || bench_die "run as root (pkgtrace loads BPF programs)"
	need_cmd cc python3
	local src=${PKGTRACE:-$ROOT/pkgtrace}
	[ -x "$src" ] || bench_die "no pkgtrace binary at $src: run 'make' first (or set PKGTRACE=)"
	WORK=$(mktemp -d /tmp/ptbench.XXXXXX) || bench_die "mktemp failed"
	trap bench_cleanup EXIT
	trap 'exit 130' INT TERM
	PT=$WORK/pkgtrace
	cp "$src" "$PT"
	DRIVER=$WORK/driver
	RUNNER=$WORK/runner
	cc -O2 -Wall -o "$DRIVER" "$ROOT/bench/driver.c" || bench_die "cannot build bench/driver.c"
	cc -O2 -Wall -o "$RUNNER" "$ROOT/bench/runner.c" -lbpf ||
		bench_die "cannot build bench/runner.c (needs libbpf-dev)"
	"$PT" -q -- true >/dev/null 2>"$WORK/probe.err" ||
		bench_die "pkgtrace cannot trace here: $(head -1 "$WORK/probe.err")"
}

# machine_line: what the numbers were measured on, and how busy it was.
machine_line() {
	local model
	model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
	echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs ($model), kernel $(uname -r)"
	echo "# load average at $1: $(cut -d' ' -f1-3 /proc/loadavg)"
}

# runner_kv FILE KEY: a value from the runner's key=value line.
runner_kv() { tr ' ' '\n' <"$1" | sed -n "s/^$2=//p" | tail -1; }

# report_kv FILE KEY: events.seen / events.dropped from a JSON report.
report_kv() {
	python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["events"][sys.argv[2]])' "$1" "$2"
}
