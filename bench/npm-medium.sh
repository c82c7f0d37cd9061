#!/usr/bin/env bash
# bench/npm-medium.sh - the npm-medium install: bare, under pkgtrace, and
# under `strace -f` as a peer, in interleaved rounds (the order rotates each
# round, so slow drift on a shared machine hits every variant alike).
#
# Usage: bench/npm-medium.sh [-n ROUNDS] [--no-strace] [--enforce] [--project DIR]
#   -n ROUNDS      rounds (default 7; the targets are read off >= 7)
#   --no-strace    skip the strace peer (it takes ~3x a bare install)
#   --enforce      add a variant "pkgtrace --enforce" (target: <= 1.03x, 0 drops)
#   --project DIR  the workload (default ../shared/bench/npm-medium next
#                  to the repository; see its README)
#
# Timed command, in a copy of the project with a warm npm cache:
#   npm ci --prefer-offline --no-audit --no-fund
#   pkgtrace --report r.json -- npm ci ...   (full tracing, analysis, report)
#   strace -f -o /dev/null -- npm ci ...
# Prints medians with min-max over rounds; a ratio is variant/bare within
# the same round.  pkgtrace's CPU share = (collector CPU + BPF run time) /
# the bare install's CPU; BPF run time comes from BPF_ENABLE_STATS during
# a third variant, "pkgtrace+stats", and includes what the sys_exit hook
# costs every other process on the machine meanwhile.  The stats are kept
# out of the plain pkgtrace variant: with them on, every run of every BPF
# program reads the clock twice, which in this VM added ~15 % to the
# traced install's own CPU time and would be charged to pkgtrace's wall.
. "$(dirname "$0")/lib.sh"

rounds=7 strace=1 enforce=0 project=$ROOT/../shared/bench/npm-medium
while [ $# -gt 0 ]; do
	case $1 in
	-n) rounds=${2:?-n needs a number}; shift ;;
	--no-strace) strace=0 ;;
	--enforce) enforce=1 ;;
	--project) project=${2:?--project needs a directory}; shift ;;
	-h|--help) bench_help ;;
	*) bench_bad_arg "$1" ;;
	esac
	shift
done
case $rounds in ''|*[!0-9]*|0) bench_die "-n: '$rounds' is not a positive number" ;; esac
[ -f "$project/package-lock.json" ] || bench_die "no npm-medium project at $project (--project DIR)"
need_cmd npm node
[ $strace = 0 ] || need_cmd strace
bench_setup

proj=$WORK/npm-medium
cp -r "$project" "$proj"
rm -rf "$proj/node_modules"
NPM=(npm ci --prefer-offline --no-audit --no-fund)
echo "warming the npm cache and the page cache (one untimed install)..." >&2
(cd "$proj" && npm ci --no-audit --no-fund >"$WORK/warm.log" 2>&1) ||
	bench_die "the warm-up install failed: $(tail -3 "$WORK/warm.log")"

variants=(bare pkgtrace pt-stats)
[ $strace = 1 ] && variants+=(strace)
[ $enforce = 1 ] && variants+=(pt-enforce)
S=$WORK/samples
: >"$S"
load0=$(cut -d' ' -f1 /proc/loadavg)

run_variant() { # VARIANT ROUND
	local v=$1 r=$2 kv=$WORK/kv cmd
	rm -rf "$proj/node_modules" "$WORK/r.json"
	# The last round's 160 MB of node_modules are written back now, not
	# during this one: whichever variant ran after another paid for its
	# writeback otherwise.
	sync
	case $v in
	bare) cmd=("$RUNNER" -- "${NPM[@]}") ;;
	pkgtrace) cmd=("$RUNNER" -- "$PT" --report "$WORK/r.json" -- "${NPM[@]}") ;;
	pt-stats) cmd=("$RUNNER" -b -- "$PT" --report "$WORK/r.json" -- "${NPM[@]}") ;;
	pt-enforce) cmd=("$RUNNER" -- "$PT" --enforce --report "$WORK/r.json" -- "${NPM[@]}") ;;
	strace) cmd=("$RUNNER" -- strace -f -o /dev/null -- "${NPM[@]}") ;;
	esac
	(cd "$proj" && "${cmd[@]}" >"$WORK/out.log" 2>&1 3>"$kv") ||
		bench_die "round $r: $v failed: $(tail -3 "$WORK/out.log")"
	for k in wall_s cpu_s; do echo "$r $v $k $(runner_kv "$kv" $k)"; done >>"$S"
	if [ "$v" != bare ] && [ "$v" != strace ]; then
		for k in self_cpu_s child_cpu_s hwm_kb bpf_run_ns; do
			echo "$r $v $k $(runner_kv "$kv" $k)"
		done >>"$S"
		echo "$r $v events $(report_kv "$WORK/r.json" seen)" >>"$S"
		echo "$r $v dropped $(report_kv "$WORK/r.json" dropped)" >>"$S"
	fi
	printf '  round %d %-8s %6.1f s\n' "$r" "$v" "$(runner_kv "$kv" wall_s)" >&2
}

for ((r = 1; r <= rounds; r++)); do
	n=${#variants[@]}
	for ((i = 0; i < n; i++)); do
		run_variant "${variants[$(((i + r - 1) % n))]}" "$r"
	done
done

machine_line "start $load0, end"
python3 "$ROOT/bench/summary.py" npm-medium "$S"
