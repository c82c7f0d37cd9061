#!/usr/bin/env bash
# bench/rss.sh - the collector's memory: peak RSS of `pkgtrace -- npm ci`
# on npm-medium, and the daemon's RSS over a long run of installs.
#
# Usage: bench/rss.sh [-n ROUNDS] [-d SECONDS] [--project DIR]
#   -n ROUNDS      traced npm-medium installs for the peak (default 3; 0 skips)
#   -d SECONDS     how long the daemon runs while installs loop (default 600;
#                  0 skips)
#   --project DIR  the workload (default ../shared/bench/npm-medium)
#
# Peak: VmHWM of the pkgtrace process itself (not npm's), sampled every
# 10 ms by bench/runner.c.  Daemon: `pkgtrace daemon` runs for SECONDS while
# `npm ci --prefer-offline` installs loop back to back (each one a daemon
# session); its VmRSS is sampled every 5 s.  Bounded means the RSS of the
# last quarter of the run is not above the first quarter's: the growth
# per install (least-squares slope) should be ~0.
. "$(dirname "$0")/lib.sh"

rounds=3 dur=600 project=$ROOT/../shared/bench/npm-medium
while [ $# -gt 0 ]; do
	case $1 in
	-n) rounds=${2:?-n needs a number}; shift ;;
	-d) dur=${2:?-d needs seconds}; shift ;;
	--project) project=${2:?--project needs a directory}; shift ;;
	-h|--help) bench_help ;;
	*) bench_bad_arg "$1" ;;
	esac
	shift
done
case $rounds$dur in *[!0-9]*) bench_die "-n and -d take non-negative integers" ;; esac
[ -f "$project/package-lock.json" ] || bench_die "no npm-medium project at $project (--project DIR)"
need_cmd npm node
bench_setup
if [ "$dur" -gt 0 ] && ! "$PT" daemon --help >/dev/null 2>&1; then
	bench_die "this pkgtrace has no 'daemon' command (use -d 0 to skip the daemon run)"
fi

proj=$WORK/npm-medium
cp -r "$project" "$proj"
rm -rf "$proj/node_modules"
NPM=(npm ci --prefer-offline --no-audit --no-fund)
echo "warming the npm cache (one untimed install)..." >&2
(cd "$proj" && npm ci --no-audit --no-fund >"$WORK/warm.log" 2>&1) ||
	bench_die "the warm-up install failed: $(tail -3 "$WORK/warm.log")"
load0=$(cut -d' ' -f1 /proc/loadavg)

S=$WORK/samples
: >"$S"
for ((r = 1; r <= rounds; r++)); do
	rm -rf "$proj/node_modules"
	(cd "$proj" && "$RUNNER" -- "$PT" --report "$WORK/r.json" -- "${NPM[@]}" \
		>"$WORK/out.log" 2>&1 3>"$WORK/kv") ||
		bench_die "round $r: pkgtrace -- npm ci failed: $(tail -3 "$WORK/out.log")"
	echo "$r peak hwm_kb $(runner_kv "$WORK/kv" hwm_kb)" >>"$S"
	echo "$r peak events $(report_kv "$WORK/r.json" seen)" >>"$S"
	echo "  round $r: peak $(runner_kv "$WORK/kv" hwm_kb) kB" >&2
done

D=$WORK/daemon.samples
: >"$D"
installs=0
if [ "$dur" -gt 0 ]; then
	"$PT" daemon --output "$WORK/daemon.jsonl" >/dev/null 2>"$WORK/daemon.err" &
	dpid=$!
	BG_PIDS+=("$dpid")
	for _ in $(seq 200); do
		n=0
		for f in /proc/"$dpid"/fd/*; do
			[ "$(readlink "$f" 2>/dev/null)" = "anon_inode:bpf_link" ] && n=$((n + 1))
		done
		[ "$n" -ge 4 ] && break
		kill -0 "$dpid" 2>/dev/null || bench_die "the daemon exited: $(head -2 "$WORK/daemon.err")"
		sleep 0.05
	done
	# Installs loop in the background, in their own process group so the
	# one running at the end is stopped with it; the daemon's RSS is
	# sampled here.
	: >"$WORK/installs"
	PROJ=$proj INST=$WORK/installs setsid bash -c '
		while :; do
			rm -rf "$PROJ/node_modules"
			(cd "$PROJ" && npm ci --prefer-offline --no-audit --no-fund >/dev/null 2>&1)
			echo x >>"$INST"
		done' &
	lpid=$!
	BG_PIDS+=("-$lpid")
	t0=$(date +%s)
	while [ $(($(date +%s) - t0)) -lt "$dur" ]; do
		kill -0 "$dpid" 2>/dev/null || bench_die "the daemon died: $(tail -2 "$WORK/daemon.err")"
		rss=$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' /proc/"$dpid"/status)
		done_n=$(wc -l <"$WORK/installs")
		echo "$(($(date +%s) - t0)) $rss $done_n" >>"$D"
		sleep 5
	done
	kill -- "-$lpid" 2>/dev/null
	wait "$lpid" 2>/dev/null
	installs=$(wc -l <"$WORK/installs")
	hwm=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\).*/\1/p' /proc/"$dpid"/status)
	kill -TERM "$dpid"
	wait "$dpid" 2>/dev/null
	echo "daemon $hwm $installs $(grep -c . "$WORK/daemon.jsonl" 2>/dev/null || echo 0)" >"$D.end"
fi

machine_line "start $load0, end"
python3 "$ROOT/bench/summary.py" rss "$S" "$D"
