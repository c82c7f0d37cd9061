#!/usr/bin/env bash
# replay_fixtures.sh - pkgtrace replay on the committed traces of
# tests/fixtures (recorded live from corpus cases; no root, no BPF needed):
# each report is byte for byte the live one; damaged traces get one line
# naming the problem and its offset, exit 65, and a report whose trace_file
# says what is wrong (not that the run was interrupted); replay runs as
# nobody.
. "$(dirname "$0")/../lib.sh"
FIX=$TOP/tests/fixtures

# one_line NAME FILE: FILE (stderr) is exactly one line
one_line() {
	local n
	n=$(wc -l <"$2")
	if [ "$n" -eq 1 ]; then ok "$1: one line on stderr"; else fail "$1: one line on stderr" "$n lines: $(cat "$2")"; fi
}

for t in "$FIX"/*.ptr; do
	name=$(basename "$t" .ptr)
	"$PKGTRACE" replay -q --fail-on never --report "$TMP/$name.json" "$t" 2>"$TMP/$name.err"
	rc=$?
	if [ "$rc" -eq 0 ] && cmp -s "$TMP/$name.json" "$FIX/$name.report.json"; then
		ok "$name: replay report == live report"
	else
		fail "$name: replay report == live report" "exit $rc $(cat "$TMP/$name.err"); $(diff "$FIX/$name.report.json" "$TMP/$name.json" | head -5)"
	fi
	# stdout --format json is the --report file; findings at high -> 10
	"$PKGTRACE" replay --format json "$t" >"$TMP/$name.stdout.json" 2>/dev/null
	rc=$?
	if [ "$rc" -eq 10 ] && cmp -s "$TMP/$name.stdout.json" "$FIX/$name.report.json"; then
		ok "$name: --format json on stdout, exit 10"
	else
		fail "$name: --format json on stdout, exit 10" "exit $rc"
	fi
	"$PKGTRACE" replay -q --events "$TMP/$name.jsonl" --fail-on never "$t"
	seen=$(jpy "$FIX/$name.report.json" 'str(j["events"]["seen"])')
	if [ "$(wc -l <"$TMP/$name.jsonl")" -eq "$seen" ]; then
		ok "$name: --events has the $seen events"
	else
		fail "$name: --events has the $seen events" "$(wc -l <"$TMP/$name.jsonl") lines"
	fi
done

t=$FIX/npm-cred-steal.ptr
exp=$FIX/npm-cred-steal.report.json

# the other formats and exit codes
"$PKGTRACE" replay --format sarif "$t" >"$TMP/s.sarif" 2>/dev/null
rc=$?
if [ "$rc" -eq 10 ] && jpy "$TMP/s.sarif" 'j["version"] == "2.1.0"'; then ok "sarif replay"; else fail "sarif replay" "exit $rc"; fi
"$PKGTRACE" replay --format text --no-color "$t" >"$TMP/s.txt" 2>/dev/null
if [ -s "$TMP/s.txt" ]; then ok "text replay"; else fail "text replay"; fi
"$PKGTRACE" replay -q --fail-on critical "$t" 2>/dev/null
rc=$?
want=$(jpy "$exp" '"10" if any(f["severity"] == "critical" for f in j["findings"]) else "0"')
if [ "$rc" -eq "$want" ]; then ok "--fail-on critical: exit $want"; else fail "--fail-on critical: exit $want" "exit $rc"; fi
# usage errors: exit 2, the problem on one line and the synopsis on the
# next; with --json-errors both in one JSON object
synopsis="pkgtrace replay [OPTIONS] TRACE  (pkgtrace replay --help for more)"
"$PKGTRACE" replay -q "$t" "$t" >"$TMP/u.out" 2>"$TMP/u.err"
rc=$?
if [ "$rc" -eq 2 ] && [ ! -s "$TMP/u.out" ] && [ "$(cat "$TMP/u.err")" = "pkgtrace: one trace file only ('$t' is extra)
Usage: $synopsis" ]; then
	ok "two traces: usage error"
else
	fail "two traces: usage error" "exit $rc: $(cat "$TMP/u.err")"
fi
"$PKGTRACE" replay -q 2>"$TMP/u.err"
rc=$?
if [ "$rc" -eq 2 ] && [ "$(cat "$TMP/u.err")" = "pkgtrace: missing the trace file
Usage: $synopsis" ]; then
	ok "no trace: usage error"
else
	fail "no trace: usage error" "exit $rc: $(cat "$TMP/u.err")"
fi
"$PKGTRACE" --json-errors replay --format xml "$t" 2>"$TMP/u.err"
rc=$?
if [ "$rc" -eq 2 ] && [ "$(wc -l <"$TMP/u.err")" -eq 1 ] &&
	jpy "$TMP/u.err" 'j == {"error": "--format: \x27xml\x27 is not text, json, sarif or markdown", "usage": "'"$synopsis"'"}'; then
	ok "--json-errors usage error: one JSON object"
else
	fail "--json-errors usage error: one JSON object" "exit $rc: $(cat "$TMP/u.err")"
fi

# a newer baseline applies to an old trace: one that lists nothing as
# benign flags at least what the default one does
python3 - "$TOP/baseline/default.json" "$TMP/strict.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
def empty(o):
    if isinstance(o, dict):
        return {k: empty(v) for k, v in o.items()}
    return [] if isinstance(o, list) else o
json.dump(empty(b), open(sys.argv[2], "w"))
PY
"$PKGTRACE" replay -q --fail-on never --baseline "$TMP/strict.json" --report "$TMP/strict.report.json" "$t" 2>"$TMP/strict.err"
rc=$?
if [ "$rc" -eq 0 ] && jpy "$TMP/strict.report.json" "len(j['findings']) >= $(jpy "$exp" 'str(len(j["findings"]))')"; then
	ok "replay with another baseline"
else
	fail "replay with another baseline" "exit $rc $(cat "$TMP/strict.err")"
fi
printf '{ not json' >"$TMP/broken-baseline.json"
"$PKGTRACE" replay -q --baseline "$TMP/broken-baseline.json" "$t" 2>"$TMP/bb.err"
rc=$?
if [ "$rc" -eq 65 ]; then ok "malformed baseline: 65"; else fail "malformed baseline: 65" "exit $rc"; fi

# as an unprivileged user, from a directory it can read
mkdir -p "$TMP/pub" && cp "$t" "$TMP/pub/t.ptr" && chmod -R a+rX "$TMP" && chmod a+w "$TMP/pub"
if command -v setpriv >/dev/null && [ "$(id -u)" -eq 0 ]; then
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$PKGTRACE" replay -q --fail-on never --report "$TMP/pub/nobody.json" "$TMP/pub/t.ptr" 2>"$TMP/nobody.err"
	rc=$?
	if [ "$rc" -eq 0 ] && cmp -s "$TMP/pub/nobody.json" "$exp"; then
		ok "replay as nobody: same report"
	else
		fail "replay as nobody: same report" "exit $rc $(cat "$TMP/nobody.err")"
	fi
else
	ok "replay as nobody: skipped (not root, so this run already is unprivileged)"
fi

# damaged traces: exit 65, one line naming the problem and the offset
bad() {
	local name=$1 file=$2 want=$3 rc
	"$PKGTRACE" replay -q --fail-on never --report "$TMP/bad.json" "$file" 2>"$TMP/bad.err"
	rc=$?
	if [ "$rc" -eq 65 ] && grep -q -- "$want" "$TMP/bad.err"; then
		ok "$name: exit 65, says '$want'"
	else
		fail "$name: exit 65, says '$want'" "exit $rc: $(cat "$TMP/bad.err")"
	fi
	one_line "$name" "$TMP/bad.err"
}
: >"$TMP/empty.ptr"
bad "empty file" "$TMP/empty.ptr" "the file is empty"
head -c 5000 /dev/urandom | tr -d 'P' >"$TMP/garbage.ptr"
bad "garbage" "$TMP/garbage.ptr" "not a pkgtrace trace: no PKGTRACE magic at byte 0"
cp "$TOP/README.md" "$TMP/readme.ptr" 2>/dev/null || echo "some text" >"$TMP/readme.ptr"
bad "a text file" "$TMP/readme.ptr" "not a pkgtrace trace"
bad "a directory" "$TMP" "a directory"
bad "missing file" "$TMP/nope.ptr" "cannot open"
python3 - "$t" "$TMP/v2.ptr" <<'PY'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
d[8] = 2
open(sys.argv[2], "wb").write(d)
PY
bad "wrong version" "$TMP/v2.ptr" "unsupported trace format version 2.0 at byte 8"
head -c 10 "$t" >"$TMP/cut10.ptr"
bad "cut in the file header" "$TMP/cut10.ptr" "truncated at byte 10"
# blocks: [(offset, end)] of the frames
blocks=$(python3 - "$t" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
off = 16
while off + 12 <= len(d):
    raw, comp, crc = struct.unpack_from("<III", d, off)
    print(off, off + 12 + comp)
    off += 12 + comp
PY
)
read -r b0 e0 <<<"$(echo "$blocks" | sed -n 1p)"
read -r b1 e1 <<<"$(echo "$blocks" | sed -n 2p)"
head -c $((b1 + 100)) "$t" >"$TMP/torn.ptr"
bad "torn last block" "$TMP/torn.ptr" "truncated at byte $b1: the block there is cut short"
head -c "$e0" "$t" >"$TMP/noend.ptr"
bad "no end record (killed)" "$TMP/noend.ptr" "truncated at byte $e0: the recording stopped before its end record"
if jpy "$TMP/bad.json" 'not j["events"]["interrupted"] and j["events"]["seen"] == 0 and j["trace_file"]["problem"] == "missing-end-record"'; then
	ok "a truncated trace's report says the trace is incomplete, not that the run was interrupted"
else
	fail "a truncated trace's report says the trace is incomplete, not that the run was interrupted" "$(head -c 400 "$TMP/bad.json")"
fi
python3 - "$t" "$TMP/flip.ptr" "$((b1 + 40))" <<'PY'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
d[int(sys.argv[3])] ^= 0x20
open(sys.argv[2], "wb").write(d)
PY
bad "a flipped bit" "$TMP/flip.ptr" "corrupt block at byte $b1: CRC mismatch"
{ cat "$t"; printf 'trailing'; } >"$TMP/trail.ptr"
bad "bytes after the end" "$TMP/trail.ptr" "after the end record"

# A damaged trace is not an interrupted run: the report's trace_file says
# what is wrong and where, events.interrupted stays what the end record
# says (false without one), and intact replays have no trace_file at all.
# pip-pth-persistence.ptr has three blocks: the header, 2944 events, and
# the other 3101 events with the end record.
p=$FIX/pip-pth-persistence.ptr
pexp=$FIX/pip-pth-persistence.report.json
read -r pb2 psize <<<"$(python3 - "$p" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
off, frames = 16, []
while off + 12 <= len(d):
    frames.append(off)
    off += 12 + struct.unpack_from("<III", d, off)[1]
print(frames[2], len(d))
PY
)"
head -c "$pb2" "$p" >"$TMP/d-noend.ptr"
head -c $((pb2 + 100)) "$p" >"$TMP/d-torn.ptr"
{ cat "$p"; printf 'trailing'; } >"$TMP/d-trail.ptr"
# a flipped bit in the last block's data; and that block re-made sound
# around a record tag 0 where its first record starts
python3 - "$p" "$pb2" "$TMP/d-flip.ptr" "$TMP/d-record.ptr" <<'PY'
import struct, sys, zlib
d = open(sys.argv[1], "rb").read()
off = int(sys.argv[2])
flip = bytearray(d)
flip[off + 12 + 500] ^= 0x20
open(sys.argv[3], "wb").write(flip)
raw, comp, crc = struct.unpack_from("<III", d, off)
blk = bytearray(zlib.decompress(d[off + 12:off + 12 + comp]))
ctl = 0
for _ in range(5):  # the five stream lengths, varints
    while blk[ctl] & 0x80:
        ctl += 1
    ctl += 1
blk[ctl] = 0
z = zlib.compress(bytes(blk))
frame = struct.pack("<II", len(blk), len(z))
open(sys.argv[4], "wb").write(d[:off] + frame + struct.pack("<I", zlib.crc32(z, zlib.crc32(frame))) + z)
print(ctl, file=open(sys.argv[4] + ".ctl", "w"))
PY
pctl=$(cat "$TMP/d-record.ptr.ctl")

# damaged NAME FILE EVENTS PROBLEM OFFSET END_RECORD REASON: exit 65, the
# exact stderr line, the exact trace_file, the report valid against the
# schema, and the same in text and SARIF
damaged() {
	local name=$1 file=$2 events=$3 problem=$4 offset=$5 endrec=$6 reason=$7 rc
	"$PKGTRACE" replay -q --fail-on never --report "$TMP/d.json" "$file" 2>"$TMP/d.err"
	rc=$?
	if [ "$rc" -eq 65 ] && [ "$(cat "$TMP/d.err")" = "pkgtrace: $file: $reason; the report covers the $events event(s) before it" ]; then
		ok "$name: exit 65, one line: $reason"
	else
		fail "$name: exit 65, one line: $reason" "exit $rc: $(cat "$TMP/d.err")"
	fi
	if jpy "$TMP/d.json" 'j["trace_file"] == {"complete": False, "problem": "'"$problem"'", "offset": '"$offset"', "events_read": '"$events"', "end_record": '"$endrec"', "reason": "'"$reason"'"} and j["events"]["seen"] == '"$events"''; then
		ok "$name: trace_file $problem at $offset after $events events"
	else
		fail "$name: trace_file $problem at $offset after $events events" "$(jpy "$TMP/d.json" 'j.get("trace_file")')"
	fi
	if python3 - "$TOP/schemas/report.schema.json" "$TMP/d.json" <<'PY'
import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))
PY
	then ok "$name: the report fits the schema"; else fail "$name: the report fits the schema"; fi
	"$PKGTRACE" replay --no-color "$file" 2>/dev/null | sed -n 3p >"$TMP/d.txt"
	"$PKGTRACE" replay --format sarif "$file" >"$TMP/d.sarif" 2>/dev/null
	if [ "$(cat "$TMP/d.txt")" = "  trace damaged ($problem): $reason; the report covers the $events events before it" ] &&
		jpy "$TMP/d.sarif" 'j["runs"][0]["invocations"] == [{"executionSuccessful": False, "toolExecutionNotifications": [{"level": "error", "message": {"text": "'"$reason"'"}}]}]'; then
		ok "$name: said in the text and SARIF reports"
	else
		fail "$name: said in the text and SARIF reports" "$(cat "$TMP/d.txt")"
	fi
}
damaged "killed before the end record" "$TMP/d-noend.ptr" 2944 missing-end-record "$pb2" False \
	"truncated at byte $pb2: the recording stopped before its end record"
if jpy "$TMP/d.json" 'not j["events"]["interrupted"] and j["command"]["exit_status"] == -1 and j["timings"]["started_at"] != "unknown" and not any(f["rule"] == "trace-incomplete" and "interrupted" in f["summary"] for f in j["findings"])'; then
	ok "killed before the end record: not called interrupted, exit status unknown, timings from the events"
else
	fail "killed before the end record: not called interrupted, exit status unknown, timings from the events" "$(jpy "$TMP/d.json" '[j["events"], j["command"], j["timings"]]')"
fi
damaged "torn last block" "$TMP/d-torn.ptr" 2944 truncated "$pb2" False \
	"truncated at byte $pb2: the block there is cut short (88 of $((psize - pb2 - 12)) bytes)"
damaged "flipped bit" "$TMP/d-flip.ptr" 2944 corrupt-block "$pb2" False \
	"corrupt block at byte $pb2: CRC mismatch"
damaged "bad record" "$TMP/d-record.ptr" 2944 corrupt-record "$pb2" False \
	"corrupt record at byte $pctl of the (uncompressed) block at byte $pb2: record tag 0"
damaged "bytes after the end record" "$TMP/d-trail.ptr" 6045 trailing-data "$psize" True \
	"corrupt: data after the end record at byte $psize"
if python3 - "$TMP/d.json" "$pexp" <<'PY'
import json, sys
rep = json.load(open(sys.argv[1]))
del rep["trace_file"]
sys.exit(0 if rep == json.load(open(sys.argv[2])) else 1)
PY
then ok "bytes after the end record: otherwise the live report (the end record was read)"
else fail "bytes after the end record: otherwise the live report (the end record was read)"; fi
if ! grep -q '"trace_file"' "$FIX"/*.report.json "$TMP"/npm-*.json "$TMP"/pip-*.json; then
	ok "whole traces' replays have no trace_file"
else
	fail "whole traces' replays have no trace_file"
fi
done_testing
