#!/usr/bin/env bash
# replay_record.sh - pkgtrace --record under real BPF, then replay: the same
# report, stdout and events; a recording killed with SIGKILL, or cut short by
# a full disk, is still read up to its last complete block, and its report
# says the trace is incomplete (trace_file), not that the run was interrupted.
. "$(dirname "$0")/trace_common.inc"

# blocks FILE: how many complete blocks FILE holds (frames checked by length)
blocks() {
	python3 - "$1" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
off, n = 16, 0
while off + 12 <= len(d):
    raw, comp, crc = struct.unpack_from("<III", d, off)
    if off + 12 + comp > len(d):
        break
    off += 12 + comp
    n += 1
print(n)
PY
}

# A live run: report, stdout (text) and events, then the same from replay.
mkdir -p "$TMP/w"
cat >"$TMP/w/job.sh" <<'EOF'
mkdir -p out/a/b && echo hi >out/a/b/c.txt && mv out/a/b/c.txt out/a/b/d.txt
ln -s d.txt out/a/b/e && cat /etc/hostname >/dev/null && rm -r out
sh -c 'cat "$HOME/.npmrc" >/dev/null 2>&1; true'
EOF
(cd "$TMP/w" && timeout -k 5 120 "$PKGTRACE" --no-color --report "$TMP/live.json" --events "$TMP/live.jsonl" \
	--record "$TMP/live.ptr" -- sh job.sh >"$TMP/live.txt" 2>"$TMP/live.err")
rc=$?
if [ "$rc" -eq 77 ] || [ "$rc" -eq 78 ]; then
	fail "record: pkgtrace could not load BPF (exit $rc)" "$(cat "$TMP/live.err")"
	done_testing
fi
if [ -s "$TMP/live.ptr" ]; then ok "record: --record wrote a trace"; else fail "record: --record wrote a trace" "$(cat "$TMP/live.err")"; fi
"$PKGTRACE" replay --no-color --report "$TMP/rep.json" --events "$TMP/rep.jsonl" "$TMP/live.ptr" >"$TMP/rep.txt" 2>"$TMP/rep.err"
rrc=$?
if [ "$rrc" -eq "$rc" ]; then ok "replay: exit $rc as live"; else fail "replay: exit $rc as live" "exit $rrc: $(cat "$TMP/rep.err")"; fi
for f in json jsonl txt; do
	if cmp -s "$TMP/live.$f" "$TMP/rep.$f"; then ok "replay: $f identical"
	else fail "replay: $f identical" "$(diff "$TMP/live.$f" "$TMP/rep.$f" | head -5)"; fi
done
"$PKGTRACE" --format sarif -q --record "$TMP/s.ptr" -- true 2>/dev/null
"$PKGTRACE" --format sarif --record "$TMP/s2.ptr" -- true >"$TMP/live.sarif" 2>/dev/null
"$PKGTRACE" replay --format sarif "$TMP/s2.ptr" >"$TMP/rep.sarif" 2>/dev/null
if cmp -s "$TMP/live.sarif" "$TMP/rep.sarif"; then ok "replay: sarif identical"; else fail "replay: sarif identical"; fi

# Unwritable --record: a clear error, nothing run.
"$PKGTRACE" -q --record /nonexistent/dir/t.ptr -- true 2>"$TMP/unw.err"
rc=$?
if [ "$rc" -ne 0 ] && grep -q -- "--record /nonexistent/dir/t.ptr" "$TMP/unw.err"; then
	ok "unwritable --record: an error naming it"
else
	fail "unwritable --record: an error naming it" "exit $rc: $(cat "$TMP/unw.err")"
fi

# SIGKILL while recording: the blocks written so far are read back.  The
# command makes files with long names until told to stop; once the trace
# holds a complete block past its header, pkgtrace is killed.
mkdir -p "$TMP/k"
cat >"$TMP/k/loop.sh" <<'EOF'
i=0
while [ ! -e ../stop ]; do
	i=$((i + 1))
	: >"f-$i-some-long-name-so-that-a-block-fills-up-soon-$i$i$i.txt"
done
EOF
(cd "$TMP/k" && exec "$PKGTRACE" -q --grace 0 --record "$TMP/killed.ptr" -- sh loop.sh 2>"$TMP/killed.err") &
pid=$!
n=0
for _ in $(seq 1 1200); do
	[ -s "$TMP/killed.ptr" ] && n=$(blocks "$TMP/killed.ptr")
	[ "$n" -ge 2 ] && break
	sleep 0.1
done
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
touch "$TMP/stop"
if [ "$n" -ge 2 ]; then ok "kill -9: the trace had $n blocks"; else fail "kill -9: the trace had $n blocks" "$(cat "$TMP/killed.err")"; fi
"$PKGTRACE" replay -q --fail-on never --report "$TMP/killed.json" "$TMP/killed.ptr" 2>"$TMP/killed.rep.err"
rc=$?
if [ "$rc" -eq 65 ] && [ "$(wc -l <"$TMP/killed.rep.err")" -eq 1 ] && grep -q "truncated at byte" "$TMP/killed.rep.err"; then
	ok "kill -9: replay exits 65 with one line saying truncated"
else
	fail "kill -9: replay exits 65 with one line saying truncated" "exit $rc: $(cat "$TMP/killed.rep.err")"
fi
# the recording was killed, not the command: the report says the trace is
# incomplete, not that the run was interrupted (no end record says so)
if jpy "$TMP/killed.json" 'j["events"]["seen"] > 1000 and not j["events"]["interrupted"] and j["command"]["exit_status"] == -1 and j["trace_file"]["problem"] in ("truncated", "missing-end-record") and not j["trace_file"]["end_record"] and j["trace_file"]["events_read"] == j["events"]["seen"] and j["trace_file"]["reason"] in open("'"$TMP/killed.rep.err"'").read()'; then
	ok "kill -9: the report covers the complete blocks and says the trace is incomplete"
else
	fail "kill -9: the report covers the complete blocks and says the trace is incomplete" "$(head -c 300 "$TMP/killed.json")"
fi

# A full disk: the trace stops at the last block that fit.
if unshare -m true 2>/dev/null; then
	mkdir -p "$TMP/full"
	unshare -m sh -c 'mount -t tmpfs -o size=64k tmpfs "$1" && cd "$2" &&
		"$3" -q --grace 0 --record "$1/t.ptr" -- sh -c "i=0; while [ \$i -lt 60000 ]; do i=\$((i+1)); : >g-\$i-a-long-file-name-to-fill-the-trace-\$i\$i; done" \
		2>"$4"; rc=$?; cp "$1/t.ptr" "$5"; exit $rc' \
		sh "$TMP/full" "$TMP/k" "$PKGTRACE" "$TMP/full.err" "$TMP/full.ptr"
	rc=$?
	if [ "$rc" -eq 125 ] && grep -q "No space left on device" "$TMP/full.err"; then
		ok "full disk: the run says so and exits 125"
	else
		fail "full disk: the run says so and exits 125" "exit $rc: $(cat "$TMP/full.err")"
	fi
	"$PKGTRACE" replay -q --fail-on never "$TMP/full.ptr" 2>"$TMP/full.rep.err"
	rc=$?
	if [ "$rc" -eq 65 ] && grep -q "truncated at byte" "$TMP/full.rep.err"; then
		ok "full disk: replay reads up to the last block, exit 65"
	else
		fail "full disk: replay reads up to the last block, exit 65" "exit $rc: $(cat "$TMP/full.rep.err")"
	fi
else
	fail "full disk: unshare -m is not available"
fi
done_testing
