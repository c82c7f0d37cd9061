#!/usr/bin/env bash
# daemon_health.sh - pkgtrace daemon under real BPF: --status-file is kept
# fresh by the poll loop and `daemon --health` (the Kubernetes probes'
# command) passes while it is, fails once the loop stops (SIGSTOP: rings no
# longer read) and passes again after SIGCONT; --traces-max-age and
# --traces-max-bytes bound --record-dir, oldest first, never removing the
# trace of a session still open nor files that are not traces.
# The session commands are private names, so other installs on the machine
# never enter this daemon's sessions.
. "$(dirname "$0")/daemon_common.inc"
trap daemon_cleanup EXIT

BIN=$TMP/bin W=$TMP/w REC=$TMP/rec STATUS=$TMP/run/status.json
T=$(tr -dc 'a-z' </dev/urandom | head -c 4)
mkdir -p "$BIN" "$W" "$REC" "$TMP/run"
printf '#!/bin/sh\necho "$0 $*" >ran.txt\n' >"$BIN/${T}npm"
printf '#!/bin/sh\necho 1 >started\nwhile [ ! -e go ]; do sleep 0.05; done\n' >"$BIN/${T}wait"
chmod +x "$BIN"/*
run() {
	local d=$W/$1; shift
	mkdir -p "$d"
	(cd "$d" && PATH=$BIN:$PATH "$@") >"$d.out" 2>&1
}
health() { "$PKGTRACE" daemon --status-file "$STATUS" --health "$@" >"$TMP/health.out" 2>&1; }

# The directory before start: one trace two days old, six of 16 KiB a
# minute apart, and a file that is not a trace.
touch -d '2 days ago' "$REC/20240101T000000Z-1.ptr"
for i in 1 2 3 4 5 6; do
	dd if=/dev/urandom of="$REC/old-$i.ptr" bs=16K count=1 status=none
	touch -d "$((10 - i)) minutes ago" "$REC/old-$i.ptr"
done
echo keep >"$REC/notes.txt"
BLK=$(($(stat -c %b "$REC/old-1.ptr") * 512))

health
rc=$?
[ $rc = 65 ] && ok "--health without a status file: exit 65" || fail "--health without a status file: exit 65" "rc=$rc $(cat "$TMP/health.out")"

# bound: four of the six
daemon_start --session-cmds "${T}npm,${T}wait" --grace 300 --record-dir "$REC" \
	--traces-max-age 3600 --traces-max-bytes $((4 * BLK)) --status-file "$STATUS" || done_testing
left() { (cd "$REC" && ls | sort | tr '\n' ' '); }
if [ "$(left)" = "notes.txt old-3.ptr old-4.ptr old-5.ptr old-6.ptr " ]; then
	ok "at start: the two-day-old trace and the two oldest over the size bound removed"
else fail "at start: the two-day-old trace and the two oldest over the size bound removed" "$(left)"; fi
if health && grep -q '^healthy: pid' "$TMP/health.out"; then ok "--health: fresh ($(cat "$TMP/health.out"))"
else fail "--health: fresh" "$(cat "$TMP/health.out" "$STATUS")"; fi
if jpy "$STATUS" 'j["traces"]["removed"] == 3 and j["traces"]["kept"] == 4 and j["webhook"] is None and j["pid"] > 0'; then
	ok "status file: traces removed and kept"
else fail "status file: traces removed and kept" "$(cat "$STATUS")"; fi

# a session's trace: kept (newest), the oldest goes to make room
run s1 ${T}npm install
wait_lines 1 30 || fail "session s1 reported"
sleep 0.3
new=$(cd "$REC" && ls | grep -v '^old-' | grep '\.ptr$')
if [ -n "$new" ] && [ ! -e "$REC/old-3.ptr" ] && [ -e "$REC/old-4.ptr" ]; then
	ok "after a report: its trace kept ($new), the oldest removed to stay under the bound"
else fail "after a report: its trace kept, the oldest removed" "$(left)"; fi

# The poll loop stopped (as if stuck): the status file ages, --health fails;
# resumed: healthy again.
kill -STOP "$DPID"
sleep 2.5
health --health-max-age 2
rc=$?
if [ $rc = 1 ] && grep -q "no longer reads its rings" "$TMP/health.out"; then
	ok "--health: exit 1 when the loop stops reading ($(cat "$TMP/health.out"))"
else fail "--health: exit 1 when the loop stops reading" "rc=$rc $(cat "$TMP/health.out")"; fi
kill -CONT "$DPID"
sleep 1.5
if health --health-max-age 2; then ok "--health: healthy again after SIGCONT"
else fail "--health: healthy again after SIGCONT" "$(cat "$TMP/health.out")"; fi
daemon_stop

# A bound smaller than any trace: every closed trace goes, the trace of the
# session still open stays until its report.
daemon_start --session-cmds "${T}npm,${T}wait" --grace 300 --record-dir "$REC" \
	--traces-max-bytes 1K --status-file "$STATUS" || done_testing
run blk ${T}wait &
B=$!
corpus_wait_file "$W/blk/started" || fail "blocking session running"
run s2 ${T}npm install
wait_lines 1 30 || fail "session s2 reported"
sleep 0.3
if [ "$(cd "$REC" && ls | grep -c '\.ptr$')" = 1 ] && [ -e "$REC/notes.txt" ]; then
	ok "1K bound: only the open session's trace is left (and notes.txt)"
else fail "1K bound: only the open session's trace is left" "$(left)"; fi
touch "$W/blk/go"
wait $B
wait_lines 2 30 || fail "blocking session reported"
sleep 0.3
if [ "$(cd "$REC" && ls | grep -c '\.ptr$')" = 0 ]; then ok "1K bound: its trace goes once it is reported"
else fail "1K bound: its trace goes once it is reported" "$(left)"; fi
daemon_stop
[ "$DRC" = 0 ] && ok "SIGTERM: exit 0" || fail "SIGTERM: exit 0" "rc=$DRC"
if daemon_schema "$OUT" "$STATUS" >"$TMP/schema.out"; then ok "notices and status file valid against schemas/daemon.schema.json"
else fail "notices and status file valid against schemas/daemon.schema.json" "$(cat "$TMP/schema.out")"; fi
if [ ! -s "$TMP/daemon.err" ]; then ok "daemon said nothing on stderr"
else fail "daemon said nothing on stderr" "$(head -5 "$TMP/daemon.err")"; fi
done_testing
