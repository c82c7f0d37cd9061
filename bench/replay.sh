#!/usr/bin/env bash
# bench/replay.sh [N] - the record/replay figures on npm-medium.
#
# Records ../shared/bench/npm-medium once under pkgtrace (a warm-cache
# `npm ci --offline`, as ../shared/bench/README.md says; needs root and
# BPF), checks that a replay gives the live report byte for byte, then
# replays the trace N times (default 11) on one core and prints:
#
#   events, trace bytes, bytes/event, replay events/s (median, min-max),
#   end to end (process start to exit) and for the event loop alone (read,
#   decode, analyse: `pkgtrace -v replay` reports it).
#
# Knobs: NPM_MEDIUM=DIR (the workload), TRACE=FILE (reuse a recorded trace
# and its report FILE.report.json instead of recording), KEEP=1.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
PKGTRACE=$TOP/pkgtrace
case ${1:-} in
-h|--help) sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
esac
N=${1:-11}
case $N in ''|*[!0-9]*|0) echo "bench/replay.sh: '$N' is not a positive number of replays (see --help)" >&2; exit 2 ;; esac
SRC=${NPM_MEDIUM:-$TOP/../shared/bench/npm-medium}
WORK=$(mktemp -d /tmp/pkgtrace-bench-replay.XXXXXX)
cleanup() { if [ -n "${KEEP:-}" ]; then echo "# kept $WORK" >&2; else rm -rf "$WORK"; fi; }
trap cleanup EXIT
pin=()
command -v taskset >/dev/null && pin=(taskset -c 0)

if [ -n "${TRACE:-}" ]; then
	trace=$TRACE
	live=$TRACE.report.json
else
	trace=$WORK/npm-medium.ptr
	live=$WORK/live.json
	cp -r "$SRC" "$WORK/npm-medium"
	echo "# recording npm ci --offline in $WORK/npm-medium ..." >&2
	if ! (cd "$WORK/npm-medium" && "$PKGTRACE" -q --fail-on never --report "$live" --record "$trace" \
		-- npm ci --offline --no-audit --no-fund >"$WORK/npm.out" 2>"$WORK/npm.err"); then
		echo "recording failed:" >&2
		tail -5 "$WORK/npm.err" >&2
		exit 1
	fi
fi

"$PKGTRACE" replay -q --fail-on never --report "$WORK/replay.json" "$trace"
identical=no
cmp -s "$live" "$WORK/replay.json" && identical=yes

events=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["events"]["seen"])' "$live")
bytes=$(stat -c %s "$trace")

: >"$WORK/runs"
for _ in $(seq 1 "$N"); do
	t0=$(date +%s%N)
	"${pin[@]}" "$PKGTRACE" -v replay -q --fail-on never "$trace" 2>"$WORK/v.err"
	t1=$(date +%s%N)
	loop=$(sed -n 's/.* events in \([0-9.]*\) ms .*/\1/p' "$WORK/v.err")
	echo "$(( t1 - t0 )) $loop" >>"$WORK/runs"
done

python3 - "$events" "$bytes" "$identical" "$WORK/runs" <<'PY'
import statistics, sys
events, size, identical, runs = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
rows = [l.split() for l in open(runs) if l.strip()]
e2e = sorted(events / (int(r[0]) / 1e9) for r in rows)
loop = sorted(events / (float(r[1]) / 1e3) for r in rows if len(r) > 1 and float(r[1]) > 0)
def fmt(v):
    return "%.2f M/s (%.2f-%.2f)" % (statistics.median(v) / 1e6, v[0] / 1e6, v[-1] / 1e6) if v else "n/a"
print("| events | trace bytes | bytes/event | replay ev/s end to end | replay ev/s event loop | report identical |")
print("|---|---|---|---|---|---|")
print("| %d | %d | %.2f | %s | %s | %s |" % (events, size, size / events, fmt(e2e), fmt(loop), identical))
print("(%d replays, median (min-max))" % len(rows))
PY
