#!/usr/bin/env bash
# bench/stress.sh - tracked processes that open files in a tight loop, with
# pkgtrace's default settings: the event rate it keeps up with, drops, and
# a forced overflow that shows drops are counted and reported.
#
# Usage: bench/stress.sh [-n ROUNDS] [-t SECONDS] [-j WORKERS]
#   -n ROUNDS   rounds (default 3)
#   -t SECONDS  length of each loop (default 3)
#   -j WORKERS  loop processes (default: the number of CPUs)
#
# Loops: open (open+close of one file) and openfail (open of a missing
# file: ENOENT, cheaper, so a higher rate), each with 1 and WORKERS
# workers, bare and traced.  One event per op.  events/s = events.seen /
# loop time; "traced / bare" is the loop rate ratio in the same round.
# The overflow run stops the collector (SIGSTOP) for 3 s while WORKERS
# openfail loops run, so the per-CPU ring buffers must overflow; it passes
# when the report's events.dropped is > 0 and pkgtrace warns on stderr.
. "$(dirname "$0")/lib.sh"

rounds=3 secs=3 workers=$(nproc)
while [ $# -gt 0 ]; do
	case $1 in
	-n) rounds=${2:?-n needs a number}; shift ;;
	-t) secs=${2:?-t needs seconds}; shift ;;
	-j) workers=${2:?-j needs a number}; shift ;;
	-h|--help) bench_help ;;
	*) bench_bad_arg "$1" ;;
	esac
	shift
done
case $rounds$secs$workers in *[!0-9]*) bench_die "-n, -t and -j take positive integers" ;; esac
[ "$rounds" -gt 0 ] && [ "$secs" -gt 0 ] && [ "$workers" -gt 0 ] ||
	bench_die "-n, -t and -j take positive integers"
bench_setup

S=$WORK/samples
: >"$S"
load0=$(cut -d' ' -f1 /proc/loadavg)
kv() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

one() { # MODE WORKERS ROUND VARIANT
	local m=$1 j=$2 r=$3 v=$4 line key=$1.j$2
	mkdir -p "$WORK/d"
	if [ "$v" = bare ]; then
		line=$("$DRIVER" -j "$j" -t "$secs" "$m" "$WORK/d") || bench_die "driver $m failed"
	else
		line=$("$PT" -q --report "$WORK/r.json" -- "$DRIVER" -j "$j" -t "$secs" "$m" "$WORK/d") ||
			bench_die "pkgtrace -- driver $m failed"
		echo "$r $key events_per_s $(python3 -c "print($(report_kv "$WORK/r.json" seen) / $(kv "$line" secs))")" >>"$S"
		echo "$r $key dropped $(report_kv "$WORK/r.json" dropped)" >>"$S"
	fi
	echo "$r $key $v.ops_per_s $(kv "$line" ops_per_s)" >>"$S"
	rm -rf "$WORK/d"
}

for ((r = 1; r <= rounds; r++)); do
	for m in open openfail; do
		for j in 1 "$workers"; do
			if ((r % 2)); then one $m $j $r bare; one $m $j $r pkgtrace
			else one $m $j $r pkgtrace; one $m $j $r bare; fi
			[ "$workers" = 1 ] && break
		done
	done
	echo "  round $r done" >&2
done

# Forced overflow: the collector is stopped while the loops run.
mkdir -p "$WORK/d"
"$PT" -q --report "$WORK/over.json" -- "$DRIVER" -j "$workers" -t 5 openfail "$WORK/d" \
	>"$WORK/over.out" 2>"$WORK/over.err" &
ptpid=$!
BG_PIDS+=("$ptpid")
sleep 1
kill -STOP "$ptpid"
sleep 3
kill -CONT "$ptpid"
wait "$ptpid" || bench_die "the overflow run failed: $(tail -2 "$WORK/over.err")"
over_seen=$(report_kv "$WORK/over.json" seen)
over_dropped=$(report_kv "$WORK/over.json" dropped)
over_warn=no
grep -q 'dropped' "$WORK/over.err" && over_warn=yes

machine_line "start $load0, end"
python3 "$ROOT/bench/summary.py" stress "$S"
echo
echo "forced overflow (collector stopped 3 s, $workers openfail loops):"
echo "  events.seen=$over_seen events.dropped=$over_dropped  warning on stderr: $over_warn"
echo "  stderr: $(grep dropped "$WORK/over.err" | head -1)"
if [ "$over_dropped" -gt 0 ] && [ $over_warn = yes ]; then
	echo "  PASS: drops are counted and reported"
else
	echo "  FAIL: an overflow went unreported"
	exit 1
fi
