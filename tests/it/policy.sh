#!/usr/bin/env bash
# policy.sh - the policy file (--policy, ./.pkgtrace.json) on the committed
# traces of tests/fixtures: a suppression by package, version and rule
# changes the exit status and stays in the JSON report, SARIF and summary
# with its reason; an expired one is a policy-expired finding; allowed
# endpoints by CIDR; malformed policies are one line and exit 65.  Then,
# live: --sarif/--markdown files, JSON on stdout with CMD's own output on
# stderr, and the line that says why the exit status is 10.
. "$(dirname "$0")/../lib.sh"
TMP=$(realpath "$TMP")
FIX=$TOP/tests/fixtures
FILELESS=$FIX/npm-fileless.ptr
CRED=$FIX/npm-cred-steal.ptr

# one_line NAME FILE: FILE (stderr) is exactly one line
one_line() {
	local n
	n=$(wc -l <"$2")
	if [ "$n" -eq 1 ]; then ok "$1: one line on stderr"; else fail "$1: one line on stderr" "$n lines: $(cat "$2")"; fi
}

# schema_ok NAME FILE SCHEMA: FILE validates against schemas/SCHEMA
schema_ok() {
	if python3 - "$2" "$TOP/schemas/$3" 2>"$TMP/schema.err" <<'PY'
import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))
PY
	then ok "$1"; else fail "$1" "$(tail -3 "$TMP/schema.err")"; fi
}

# --- a suppression by package, version range and rule ----------------------
cat >"$TMP/suppress.json" <<'EOF'
{
  "$schema": "../schemas/policy.schema.json",
  "suppressions": [
    { "ecosystem": "npm", "package": "perf-hooks-native", "version": ">=1.0.0 <2", "rule": "fileless-exec",
      "match": "/memfd:*", "reason": "its loader, reviewed in PR 12", "expires": "2999-12-31" }
  ]
}
EOF
schema_ok "the suppression policy validates against policy.schema.json" "$TMP/suppress.json" policy.schema.json
"$PKGTRACE" replay -q "$FILELESS" 2>/dev/null
rc=$?
[ "$rc" -eq 10 ] && ok "without a policy: exit 10" || fail "without a policy: exit 10" "exit $rc"
"$PKGTRACE" replay -q --policy "$TMP/suppress.json" --report "$TMP/s.json" --sarif "$TMP/s.sarif" \
	--markdown "$TMP/s.md" "$FILELESS" 2>"$TMP/s.err"
rc=$?
[ "$rc" -eq 0 ] && ok "the only high finding suppressed: exit 0" || fail "the only high finding suppressed: exit 0" "exit $rc $(cat "$TMP/s.err")"
[ ! -s "$TMP/s.err" ] && ok "a policy fully used: nothing on stderr" || fail "a policy fully used: nothing on stderr" "$(cat "$TMP/s.err")"
if jpy "$TMP/s.json" '([f for f in j["findings"] if f["rule"] == "fileless-exec" and f["severity"] == "critical"
	and f["suppressed"] == {"reason": "its loader, reviewed in PR 12", "policy": "'"$TMP/suppress.json"'"}])' >/dev/null; then
	ok "the suppressed finding stays in the report, with its reason and the policy"
else
	fail "the suppressed finding stays in the report, with its reason and the policy" "$(jpy "$TMP/s.json" 'j["findings"]')"
fi
if jpy "$TMP/s.json" '(j["summary"]["suppressed"] == 1 and j["summary"]["findings"] == 2
	and j["summary"]["by_severity"]["critical"] == 0 and j["summary"]["max_severity"] == "info"
	and j["policy"] == {"file": "'"$TMP/suppress.json"'", "suppressed": 1, "unused": []})' >/dev/null; then
	ok "summary: counted as suppressed, not by severity"
else
	fail "summary: counted as suppressed, not by severity" "$(jpy "$TMP/s.json" '[j["summary"], j.get("policy")]')"
fi
schema_ok "the report with suppressions validates against report.schema.json" "$TMP/s.json" report.schema.json
if jpy "$TMP/s.sarif" '([r for r in j["runs"][0]["results"] if r["ruleId"] == "fileless-exec"
	and r["suppressions"] == [{"kind": "external", "justification": "its loader, reviewed in PR 12"}]]
	and all("suppressions" not in r for r in j["runs"][0]["results"] if r["ruleId"] != "fileless-exec"))' >/dev/null; then
	ok "SARIF: suppressions [{kind: external, justification: reason}] on that result only"
else
	fail "SARIF: suppressions [{kind: external, justification: reason}] on that result only"
fi
if grep -q '^## :white_check_mark: pkgtrace: no finding at or above high$' "$TMP/s.md" &&
	grep -q '^| perf-hooks-native@1.0.0 | 0 | 0 | 0 | 0 | 1 | 1 |$' "$TMP/s.md" &&
	grep -q '^- ~~critical~~ `fileless-exec` .*suppressed:\* its loader, reviewed in PR 12$' "$TMP/s.md"; then
	ok "summary: passes, the table counts the suppressed one, the finding struck with its reason"
else
	fail "summary: passes, the table counts the suppressed one, the finding struck with its reason" "$(cat "$TMP/s.md")"
fi

# the same policy, but another version range: nothing suppressed, unused
sed 's/>=1.0.0 <2/^2.0.0/' "$TMP/suppress.json" >"$TMP/other.json"
"$PKGTRACE" replay -q --policy "$TMP/other.json" --report "$TMP/o.json" "$FILELESS" 2>"$TMP/o.err"
rc=$?
[ "$rc" -eq 10 ] && ok "a range that misses the version: exit 10" || fail "a range that misses the version: exit 10" "exit $rc"
if jpy "$TMP/o.json" '(j["policy"]["unused"] == [{"index": 0, "rule": "fileless-exec", "package": "perf-hooks-native",
	"reason": "its loader, reviewed in PR 12"}] and not any("suppressed" in f for f in j["findings"]))' >/dev/null &&
	grep -q "warning: policy $TMP/other.json: suppressions\[0\] (fileless-exec for perf-hooks-native) matched no finding" "$TMP/o.err"; then
	ok "a suppression that matched nothing: listed unused in the report, a warning on stderr"
else
	fail "a suppression that matched nothing: listed unused in the report, a warning on stderr" "$(cat "$TMP/o.err")"
fi

# --- an expired suppression ---------------------------------------------------
sed 's/2999-12-31/2001-01-01/' "$TMP/suppress.json" >"$TMP/expired.json"
"$PKGTRACE" replay -q --policy "$TMP/expired.json" --report "$TMP/e.json" "$FILELESS" 2>"$TMP/e.err"
rc=$?
[ "$rc" -eq 10 ] && ok "an expired suppression does not apply: exit 10" || fail "an expired suppression does not apply: exit 10" "exit $rc"
if jpy "$TMP/e.json" '([f for f in j["findings"] if f["rule"] == "policy-expired" and f["severity"] == "low"
	and f["package"] == "perf-hooks-native" and "expired on 2001-01-01" in f["summary"]]
	and not any("suppressed" in f for f in j["findings"]) and j["policy"]["unused"] == [])' >/dev/null; then
	ok "an expired suppression is a policy-expired finding (low)"
else
	fail "an expired suppression is a policy-expired finding (low)" "$(jpy "$TMP/e.json" 'j["findings"]')"
fi
schema_ok "the report with policy-expired validates" "$TMP/e.json" report.schema.json
"$PKGTRACE" replay -q --policy "$TMP/expired.json" --fail-on low "$FILELESS" 2>"$TMP/e2.err"
if grep -q '^pkgtrace: exit 10: 2 findings at or above low (1 critical, 1 low): fileless-exec perf-hooks-native@1.0.0, policy-expired perf-hooks-native@1.0.0$' "$TMP/e2.err"; then
	ok "--fail-on low: the exit-10 line names the policy-expired finding too"
else
	fail "--fail-on low: the exit-10 line names the policy-expired finding too" "$(cat "$TMP/e2.err")"
fi

# --- allowed endpoints --------------------------------------------------------
echo '{"allowed_endpoints": ["127.0.0.0/8"]}' >"$TMP/cidr.json"
"$PKGTRACE" replay -q --policy "$TMP/cidr.json" --report "$TMP/c.json" "$CRED" 2>"$TMP/c.err"
rc=$?
if jpy "$TMP/c.json" '([f for f in j["findings"] if f["rule"] == "network-egress"
	and f["suppressed"]["reason"] == "allowed endpoint 127.0.0.0/8 (allowed_endpoints)"]
	and all("suppressed" not in f for f in j["findings"] if f["rule"] != "network-egress"))' >/dev/null; then
	ok "allowed endpoint 127.0.0.0/8 suppresses the egress to 127.0.0.1:9999, nothing else"
else
	fail "allowed endpoint 127.0.0.0/8 suppresses the egress to 127.0.0.1:9999, nothing else" "$(jpy "$TMP/c.json" 'j["findings"]')"
fi
# credential-access still counts: exit 10, and the line names it, not the egress
[ "$rc" -eq 10 ] && ok "credential reads still count: exit 10" || fail "credential reads still count: exit 10" "exit $rc"
if [ "$(cat "$TMP/c.err")" = "pkgtrace: exit 10: 3 findings at or above high (3 high): credential-access env-telemetry@1.0.0" ]; then
	ok "the exit-10 line: count by severity, rule and package, suppressed ones left out"
else
	fail "the exit-10 line: count by severity, rule and package, suppressed ones left out" "$(cat "$TMP/c.err")"
fi
echo '{"allowed_endpoints": ["127.0.0.1:9998", "10.0.0.0/8"]}' >"$TMP/cidr2.json"
"$PKGTRACE" replay -q --policy "$TMP/cidr2.json" --report "$TMP/c2.json" "$CRED" 2>/dev/null
if jpy "$TMP/c2.json" 'not any("suppressed" in f for f in j["findings"])' >/dev/null; then
	ok "another port or network: not allowed"
else
	fail "another port or network: not allowed"
fi

# --- severity overrides ---------------------------------------------------------
echo '{"severity_overrides": [{"rule": "fileless-exec", "severity": "medium", "package": "perf-hooks-native"}]}' >"$TMP/sev.json"
"$PKGTRACE" replay -q --policy "$TMP/sev.json" --report "$TMP/v.json" "$FILELESS" 2>/dev/null
rc=$?
if [ "$rc" -eq 0 ] && jpy "$TMP/v.json" '([f for f in j["findings"] if f["rule"] == "fileless-exec" and f["severity"] == "medium"]
	and j["summary"]["max_severity"] == "medium")' >/dev/null; then
	ok "a severity override to medium: below --fail-on high, exit 0"
else
	fail "a severity override to medium: below --fail-on high, exit 0" "exit $rc"
fi

# --- the default location, and --no-policy --------------------------------------
mkdir -p "$TMP/proj"
cp "$TMP/suppress.json" "$TMP/proj/.pkgtrace.json"
(cd "$TMP/proj" && "$PKGTRACE" replay -q --report "$TMP/d.json" "$FILELESS" 2>/dev/null)
rc=$?
if [ "$rc" -eq 0 ] && jpy "$TMP/d.json" 'j["policy"]["file"] == ".pkgtrace.json"' >/dev/null; then
	ok "./.pkgtrace.json is read by default"
else
	fail "./.pkgtrace.json is read by default" "exit $rc"
fi
(cd "$TMP/proj" && "$PKGTRACE" replay -q --no-policy --report "$TMP/n.json" "$FILELESS" 2>/dev/null)
rc=$?
if [ "$rc" -eq 10 ] && jpy "$TMP/n.json" '"policy" not in j' >/dev/null; then
	ok "--no-policy: not read"
else
	fail "--no-policy: not read" "exit $rc"
fi
# without a policy the report is byte for byte what it was
"$PKGTRACE" replay -q --fail-on never --report "$TMP/plain.json" "$FILELESS" 2>/dev/null
cmp -s "$TMP/plain.json" "$FIX/npm-fileless.report.json" && ok "no policy: the report unchanged" ||
	fail "no policy: the report unchanged"

# --- malformed policies: one line naming the file and the problem, exit 65 -------
bad() {
	local name=$1 text=$2 want=$3
	printf '%s' "$text" >"$TMP/bad.json"
	"$PKGTRACE" replay -q --policy "$TMP/bad.json" "$FILELESS" >"$TMP/bad.out" 2>"$TMP/bad.err"
	local rc=$?
	if [ "$rc" -eq 65 ] && [ "$(wc -l <"$TMP/bad.err")" -eq 1 ] && [ ! -s "$TMP/bad.out" ] &&
		grep -qF "pkgtrace: policy $TMP/bad.json: $want" "$TMP/bad.err"; then
		ok "malformed policy ($name): exit 65, one line"
	else
		fail "malformed policy ($name): exit 65, one line" "exit $rc: $(cat "$TMP/bad.err")"
	fi
}
bad "not JSON" 'suppressions: []' "not JSON"
bad "unknown key" '{"suppressions": [], "allow": []}' 'unknown key "allow"'
bad "missing reason" '{"suppressions": [{"package": "a", "rule": "dns-query"}]}' 'suppressions[0]: missing "reason"'
bad "bad date" '{"suppressions": [{"package": "a", "rule": "dns-query", "reason": "r", "expires": "2026-13-01"}]}' 'suppressions[0]: expires "2026-13-01" is not a date YYYY-MM-DD'
bad "bad range" '{"suppressions": [{"package": "a", "rule": "dns-query", "reason": "r", "version": ">=1.0 <"}]}' 'suppressions[0]: version ">=1.0 <" is not a version range'
bad "unknown rule" '{"suppressions": [{"package": "a", "rule": "dns", "reason": "r"}]}' 'suppressions[0]: rule "dns" is not a rule id'
bad "bad CIDR" '{"allowed_endpoints": ["10.0.0.0/40"]}' 'allowed_endpoints[0]: "10.0.0.0/40" is not a host'
"$PKGTRACE" replay -q --policy "$TMP/missing.json" "$FILELESS" 2>"$TMP/m.err"
rc=$?
[ "$rc" -eq 65 ] && grep -qx "pkgtrace: policy $TMP/missing.json: No such file or directory" "$TMP/m.err" &&
	ok "a missing --policy file: exit 65, one line" || fail "a missing --policy file: exit 65, one line" "exit $rc $(cat "$TMP/m.err")"
"$PKGTRACE" --json-errors replay -q --policy "$TMP/bad.json" "$FILELESS" 2>"$TMP/j.err"
if jpy "$TMP/j.err" 'j["error"].startswith("policy ") and "is not a host" in j["error"]' >/dev/null; then
	ok "--json-errors: the policy error as one JSON object"
else
	fail "--json-errors: the policy error as one JSON object" "$(cat "$TMP/j.err")"
fi
# the README's example policy: valid for the schema and for pkgtrace
python3 - "$TOP/README.md" >"$TMP/readme.json" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
sec = text[text.index("### Policy file"):]
print(re.search(r"```json\n(.*?)```", sec, re.S).group(1))
PY
schema_ok "the README's example policy validates against policy.schema.json" "$TMP/readme.json" policy.schema.json
"$PKGTRACE" replay -q --fail-on never --policy "$TMP/readme.json" --report "$TMP/rd.json" "$CRED" 2>"$TMP/rd.err"
rc=$?
[ "$rc" -eq 0 ] && jpy "$TMP/rd.json" 'len(j["policy"]["unused"]) == 2' >/dev/null &&
	ok "the README's example policy loads (its two suppressions unused here)" ||
	fail "the README's example policy loads (its two suppressions unused here)" "exit $rc $(cat "$TMP/rd.err")"
# the policy schema's rule ids are the report's
if python3 -c "
import json, sys
p = json.load(open('$TOP/schemas/policy.schema.json'))['definitions']['rule']['enum']
r = json.load(open('$TOP/schemas/report.schema.json'))['definitions']['rule']['enum']
sys.exit(p != r)"; then
	ok "policy.schema.json's rule ids are report.schema.json's"
else
	fail "policy.schema.json's rule ids are report.schema.json's"
fi

# --- replay --format markdown on stdout ----------------------------------------
"$PKGTRACE" replay --format markdown "$CRED" >"$TMP/md.out" 2>/dev/null
if grep -q '^## :x: pkgtrace: 4 findings at or above high$' "$TMP/md.out" &&
	grep -q '^| env-telemetry@1.0.0 | 0 | 4 | 0 | 0 | 1 | 0 |$' "$TMP/md.out"; then
	ok "replay --format markdown: the verdict and the table"
else
	fail "replay --format markdown: the verdict and the table" "$(head -12 "$TMP/md.out")"
fi

# --- baseline --print -------------------------------------------------------------
"$PKGTRACE" baseline --print >"$TMP/bl.json"
cmp -s "$TMP/bl.json" "$TOP/baseline/default.json" && ok "baseline --print: the built-in baseline, byte for byte" ||
	fail "baseline --print: the built-in baseline, byte for byte"
"$PKGTRACE" -q --baseline "$TMP/bl.json" --fail-on never --grace 0 -- true 2>/dev/null
[ $? -eq 0 ] && ok "baseline --print: usable as --baseline" || fail "baseline --print: usable as --baseline"
"$PKGTRACE" baseline --bogus 2>"$TMP/b.err"
rc=$?
[ "$rc" -eq 2 ] && head -1 "$TMP/b.err" | grep -qx "pkgtrace: unknown option '--bogus'" &&
	ok "baseline --bogus: usage error" || fail "baseline --bogus: usage error" "exit $rc $(cat "$TMP/b.err")"

# --- live runs ----------------------------------------------------------------------
live() { timeout -k 5 120 "$PKGTRACE" --grace 200 "$@"; }
cd "$TMP" || exit 1
live --format json -- sh -c 'echo hello' >"$TMP/l.out" 2>"$TMP/l.err"
rc=$?
if [ "$rc" -eq 77 ] || [ "$rc" -eq 78 ]; then
	fail "live: pkgtrace could not load BPF (exit $rc)" "$(cat "$TMP/l.err")"
	done_testing
fi
if [ "$rc" -eq 0 ] && jpy "$TMP/l.out" 'j["format"] == "pkgtrace-report/1"' >/dev/null && grep -qx hello "$TMP/l.err"; then
	ok "--format json: stdout parses, CMD's own stdout is on stderr"
else
	fail "--format json: stdout parses, CMD's own stdout is on stderr" "exit $rc; stdout: $(head -3 "$TMP/l.out"); stderr: $(cat "$TMP/l.err")"
fi
live --format sarif -- sh -c 'echo hello' >"$TMP/l.sarif" 2>"$TMP/l.err"
jpy "$TMP/l.sarif" 'j["version"] == "2.1.0"' >/dev/null && grep -qx hello "$TMP/l.err" &&
	ok "--format sarif: stdout parses, CMD's stdout on stderr" || fail "--format sarif: stdout parses, CMD's stdout on stderr"
live -- sh -c 'echo hello' >"$TMP/t.out" 2>/dev/null
grep -qx hello "$TMP/t.out" && ok "--format text: CMD's stdout stays on stdout" || fail "--format text: CMD's stdout stays on stdout"

MEMFD="import os
fd = os.memfd_create('stage2', 0)
os.write(fd, open('/bin/true', 'rb').read())
os.execve('/proc/self/fd/%d' % fd, ['stage2-true'], {})"
live -q --sarif "$TMP/r.sarif" --markdown "$TMP/r.md" --report "$TMP/r.json" -- python3 -c "$MEMFD" 2>"$TMP/r.err"
rc=$?
[ "$rc" -eq 10 ] && ok "live memfd exec: exit 10" || fail "live memfd exec: exit 10" "exit $rc $(cat "$TMP/r.err")"
if [ "$(cat "$TMP/r.err")" = "pkgtrace: exit 10: 1 finding at or above high (1 critical): fileless-exec (no package)" ]; then
	ok "live: one line on stderr says why the exit status is 10"
else
	fail "live: one line on stderr says why the exit status is 10" "$(cat "$TMP/r.err")"
fi
schema_ok "live --report validates" "$TMP/r.json" report.schema.json
jpy "$TMP/r.sarif" '[r for r in j["runs"][0]["results"] if r["ruleId"] == "fileless-exec"]' >/dev/null &&
	ok "live --sarif: written, with the finding" || fail "live --sarif: written, with the finding"
if grep -q '^## :x: pkgtrace: 1 finding at or above high$' "$TMP/r.md" &&
	grep -q '^| (no package) | 1 | 0 | 0 | 0 | 0 | 0 |$' "$TMP/r.md" &&
	grep -q '^- \*\*critical\*\* `fileless-exec` ' "$TMP/r.md"; then
	ok "live --markdown: verdict, table, the finding"
else
	fail "live --markdown: verdict, table, the finding" "$(cat "$TMP/r.md")"
fi
# a policy in a live run: any package's fileless-exec accepted
echo '{"suppressions": [{"package": "*", "rule": "fileless-exec", "reason": "the test stages it"}]}' >"$TMP/live.json"
live -q --policy "$TMP/live.json" --report "$TMP/lp.json" -- python3 -c "$MEMFD" 2>"$TMP/lp.err"
rc=$?
if [ "$rc" -eq 0 ] && jpy "$TMP/lp.json" '([f for f in j["findings"] if f["rule"] == "fileless-exec"
	and f["suppressed"]["reason"] == "the test stages it"])' >/dev/null; then
	ok "live --policy: suppressed, exit 0 (the command's)"
else
	fail "live --policy: suppressed, exit 0 (the command's)" "exit $rc $(cat "$TMP/lp.err")"
fi

# --- the daemon's --policy -------------------------------------------------------
# a private session command name, so no other install on this machine is ours
T=$(tr -dc 'a-z' </dev/urandom | head -c 6)
mkdir -p "$TMP/bin"
printf '#!/usr/bin/python3\n%s\n' "$MEMFD" >"$TMP/bin/${T}mfd"
chmod +x "$TMP/bin/${T}mfd"
"$PKGTRACE" daemon --policy "$TMP/nope.json" 2>"$TMP/dn.err"
rc=$?
[ "$rc" -eq 65 ] && [ "$(wc -l <"$TMP/dn.err")" -eq 1 ] && ok "daemon --policy missing: exit 65, one line" ||
	fail "daemon --policy missing: exit 65, one line" "exit $rc $(cat "$TMP/dn.err")"
"$PKGTRACE" daemon --output "$TMP/d.jsonl" --session-cmds "${T}mfd" --grace 200 --policy "$TMP/live.json" 2>"$TMP/d.err" &
DPID=$!
for _ in $(seq 1 300); do grep -q '"event":"started"' "$TMP/d.jsonl" 2>/dev/null && break; sleep 0.05; done
"$TMP/bin/${T}mfd" 2>/dev/null
for _ in $(seq 1 200); do grep -q '"format":"pkgtrace-report/1"' "$TMP/d.jsonl" 2>/dev/null && break; sleep 0.05; done
kill -TERM "$DPID"
wait "$DPID"
grep '"format":"pkgtrace-report/1"' "$TMP/d.jsonl" | head -1 >"$TMP/d.json"
if jpy "$TMP/d.json" '([f for f in j["findings"] if f["rule"] == "fileless-exec"
	and f["suppressed"]["reason"] == "the test stages it"] and j["summary"]["max_severity"] is None)' >/dev/null; then
	ok "daemon --policy: the report's finding suppressed"
else
	fail "daemon --policy: the report's finding suppressed" "$(cut -c1-300 "$TMP/d.jsonl") $(cat "$TMP/d.err")"
fi
done_testing
