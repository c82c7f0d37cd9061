#!/usr/bin/env bash
# bench/micro.sh - deterministic syscall loops (bench/driver.c), bare and
# under pkgtrace, in interleaved rounds: what tracing adds per event.
#
# Usage: bench/micro.sh [-n ROUNDS] [-s SCALE]
#   -n ROUNDS  rounds (default 5)
#   -s SCALE   multiplies the op counts (default 1: ~1 s per loop here)
#
# Loops (one op each; see bench/driver.c):
#   open      open + close of one file                    1 event per op
#   write     open(O_CREAT) + pwrite 64 B + close         1 event per op
#   rename    rename a -> b (and back next op)            1 event per op
#   forkexec  fork + exec + wait                          fork, exec, exit
#             and the new image's loader opens (~6 events per op)
#   getppid   a syscall pkgtrace does not record          0 events: the
#             price of being in the traced tree at all
# ns/op is the loop's own CPU time (user+sys, children included) per op:
# pkgtrace's start-up is not in it, and unlike wall time it does not grow
# when other work on a busy machine preempts the loop.  BPF programs run in
# the loop's syscalls, so their cost is in it; the collector's is not (see
# npm-medium.sh for that).  events/op is events.seen in the report over
# ops; ns added per event = (traced - bare ns/op) / events per op.
. "$(dirname "$0")/lib.sh"

rounds=5 scale=1
while [ $# -gt 0 ]; do
	case $1 in
	-n) rounds=${2:?-n needs a number}; shift ;;
	-s) scale=${2:?-s needs a number}; shift ;;
	-h|--help) bench_help ;;
	*) bench_bad_arg "$1" ;;
	esac
	shift
done
case $rounds$scale in *[!0-9]*) bench_die "-n and -s take positive integers" ;; esac
[ "$rounds" -gt 0 ] && [ "$scale" -gt 0 ] || bench_die "-n and -s take positive integers"
bench_setup

declare -A ops=([open]=150000 [write]=100000 [rename]=100000 [forkexec]=300 [getppid]=500000)
modes=(open write rename forkexec getppid)
S=$WORK/samples
: >"$S"
load0=$(cut -d' ' -f1 /proc/loadavg)

one() { # MODE ROUND VARIANT
	local m=$1 r=$2 v=$3 n=$((ops[$1] * scale)) line
	mkdir -p "$WORK/d"
	if [ "$v" = bare ]; then
		line=$("$DRIVER" -n "$n" "$m" "$WORK/d") || bench_die "driver $m failed"
	else
		line=$("$PT" -q --report "$WORK/r.json" -- "$DRIVER" -n "$n" "$m" "$WORK/d") ||
			bench_die "pkgtrace -- driver $m failed"
		echo "$r $m events_per_op $(python3 -c "print($(report_kv "$WORK/r.json" seen) / $n)")" >>"$S"
		echo "$r $m dropped $(report_kv "$WORK/r.json" dropped)" >>"$S"
	fi
	echo "$r $m $v $(echo "$line" | tr ' ' '\n' | sed -n 's/^cpu_ns_per_op=//p')" >>"$S.ns"
	rm -rf "$WORK/d"
}

for ((r = 1; r <= rounds; r++)); do
	for m in "${modes[@]}"; do
		if ((r % 2)); then one "$m" "$r" bare; one "$m" "$r" pkgtrace
		else one "$m" "$r" pkgtrace; one "$m" "$r" bare; fi
	done
	echo "  round $r done" >&2
done
# samples: round MODE.variant ns value, plus per-mode events/drops
awk '{print $1, $2 "." $3, "ns", $4}' "$S.ns" >>"$S"

machine_line "start $load0, end"
python3 "$ROOT/bench/summary.py" micro "$S"
