#!/usr/bin/env bash
# bench/untracked.sh - what pkgtrace costs processes outside any traced
# tree: ns added per syscall of an untraced loop while pkgtrace runs.
#
# Usage: bench/untracked.sh [-n ROUNDS] [-m MODES]
#   -n ROUNDS  rounds (default 5)
#   -m MODES   comma-separated, from: none (no tracer), run (`pkgtrace --
#              sleep` tracing an idle tree), daemon (`pkgtrace daemon`);
#              default none,run,daemon (daemon is skipped with a note when
#              this pkgtrace has no daemon command)
#
# Loops (bench/driver.c), run outside any traced tree: getppid (one
# syscall per op) and open+close (two syscalls per op; in daemon mode no
# session command is involved, so nothing is recorded).  ns are the loop's
# CPU time (user+sys) per syscall, which preemption by other work does not
# inflate; the BPF hooks run inside the syscall, so they are in it.  The modes
# alternate within each round; added ns/syscall = (mode - none ns/op) /
# syscalls per op.  Other tracers attached to sys_exit at the same time
# (say, another user's pkgtrace) are in every mode alike; their number is
# printed.
. "$(dirname "$0")/lib.sh"

rounds=5 modes=none,run,daemon
while [ $# -gt 0 ]; do
	case $1 in
	-n) rounds=${2:?-n needs a number}; shift ;;
	-m) modes=${2:?-m needs a list}; shift ;;
	-h|--help) bench_help ;;
	*) bench_bad_arg "$1" ;;
	esac
	shift
done
case $rounds in ''|*[!0-9]*|0) bench_die "-n: '$rounds' is not a positive number" ;; esac
bench_setup
IFS=, read -r -a mlist <<<"$modes"
for m in "${mlist[@]}"; do
	case $m in none|run|daemon) ;; *) bench_die "-m: unknown mode '$m'" ;; esac
done
if [[ " ${mlist[*]} " == *" daemon "* ]] && ! "$PT" daemon --help >/dev/null 2>&1; then
	echo "note: this pkgtrace has no 'daemon' command; daemon mode skipped" >&2
	mlist=("${mlist[@]/daemon/}")
fi
[[ " ${mlist[*]} " == *" none "* ]] || mlist=(none "${mlist[@]}")

S=$WORK/samples
: >"$S"
load0=$(cut -d' ' -f1 /proc/loadavg)
declare -A ops=([getppid]=1000000 [open]=200000)
declare -A per=([getppid]=1 [open]=2)

# attached PID: true once PID holds its four BPF links (fork, exit, exec,
# sys_exit), i.e. tracing is live.
attached() {
	local n=0 f
	for f in /proc/"$1"/fd/*; do
		[ "$(readlink "$f" 2>/dev/null)" = "anon_inode:bpf_link" ] && n=$((n + 1))
	done
	[ "$n" -ge 4 ]
}

start_tracer() { # MODE -> TRACER pid
	TRACER=
	case $1 in
	none) return 0 ;;
	run) "$PT" -q --grace 0 -- sleep 3600 >/dev/null 2>"$WORK/tracer.err" & ;;
	daemon) "$PT" daemon --output "$WORK/daemon.jsonl" >/dev/null 2>"$WORK/tracer.err" & ;;
	esac
	TRACER=$!
	BG_PIDS+=("$TRACER")
	for _ in $(seq 200); do
		attached "$TRACER" && return 0
		kill -0 "$TRACER" 2>/dev/null || bench_die "$1: pkgtrace exited: $(head -2 "$WORK/tracer.err")"
		sleep 0.05
	done
	bench_die "$1: pkgtrace did not attach within 10 s"
}

stop_tracer() {
	[ -n "$TRACER" ] || return 0
	kill -TERM "$TRACER" 2>/dev/null
	wait "$TRACER" 2>/dev/null
	TRACER=
}

others=$(bpftool prog show 2>/dev/null | grep -c ' name sys_exit ' || true)
for ((r = 1; r <= rounds; r++)); do
	n=${#mlist[@]}
	for ((i = 0; i < n; i++)); do
		m=${mlist[$(((i + r - 1) % n))]}
		[ -n "$m" ] || continue
		start_tracer "$m"
		for l in getppid open; do
			mkdir -p "$WORK/d"
			line=$("$DRIVER" -n "${ops[$l]}" "$l" "$WORK/d") || bench_die "driver $l failed"
			rm -rf "$WORK/d"
			ns=$(echo "$line" | tr ' ' '\n' | sed -n 's/^cpu_ns_per_op=//p')
			echo "$r $m $l $(python3 -c "print($ns / ${per[$l]})")" >>"$S"
		done
		stop_tracer
	done
	echo "  round $r done" >&2
done

machine_line "start $load0, end"
echo "# sys_exit programs attached by others before the runs: $others"
python3 "$ROOT/bench/summary.py" untracked "$S"
