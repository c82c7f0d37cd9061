#!/usr/bin/env bash
# trace_schema: every --events line of a varied run validates against
# schemas/event.schema.json; drops are counted in the report.
. "$(dirname "$0")/trace_common.inc"
E=$TMP/mix.jsonl
trace mix --report "$TMP/r.json" -- sh -c "
cd '$TMP'; mkdir dir; echo a > dir/f; mv dir/f dir/g; ln -s g dir/s; ln dir/g dir/h; chmod 700 dir/g
truncate -s 1 dir/g; rm dir/s dir/h; rm -r dir; ls /nonexistent 2>/dev/null
python3 -c 'import os; os.memfd_create(\"m\")'
unshare -n sh -c 'ip link set lo up; python3 -c \"import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.sendto(b\\\"junk\\\", (\\\"127.0.0.1\\\", 53))\"'
exit 0"
[ "$RC" -eq 0 ] && ok "mixed run exits 0" || fail "mixed run exits 0" "rc=$RC $(cat "$TMP/mix.err")"
out=$(python3 - "$TOP/schemas/event.schema.json" "$E" <<'PY' 2>&1
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
v = jsonschema.Draft202012Validator(schema)
types, n = set(), 0
for i, line in enumerate(open(sys.argv[2]), 1):
    e = json.loads(line)
    errs = list(v.iter_errors(e))
    if errs:
        sys.exit("line %d: %s: %s" % (i, errs[0].message, line[:300]))
    types.add(e['type']); n += 1
need = {'root', 'exec', 'fork', 'exit', 'open', 'mkdir', 'rename', 'symlink', 'link', 'chmod', 'truncate', 'unlink', 'memfd', 'send'}
if not need <= types:
    sys.exit("missing types: %s" % sorted(need - types))
print(n)
PY
)
if [ $? -eq 0 ] && [ "$out" -gt 50 ]; then ok "all $out events validate against event.schema.json"; else fail "events validate against event.schema.json" "$out"; fi
expect "a non-DNS payload to port 53 has no dns field" "$E" \
	"[e for e in j if e['type']=='send' and e['port']==53 and 'dns' not in e]"
expect "report counts events and drops" "$TMP/r.json" \
	"j['events']['dropped']==0 and j['events']['seen']==len(open('$E').readlines())"

# --format json on stdout is the --report document
"$PKGTRACE" --format json --report "$TMP/r2.json" -- true >"$TMP/stdout.json" 2>"$TMP/fmt.err"
RC=$?
[ "$RC" -eq 0 ] && python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$TMP/stdout.json" \
	&& cmp -s "$TMP/stdout.json" "$TMP/r2.json" && ok "--format json on stdout equals --report" \
	|| fail "--format json on stdout equals --report" "rc=$RC $(cat "$TMP/fmt.err")"
"$PKGTRACE" -q --report "$TMP/r3.json" -- true >"$TMP/quiet.out" 2>&1
check "--quiet prints nothing" test ! -s "$TMP/quiet.out"
done_testing
