#!/usr/bin/env bash
# cli_args: usage errors (exit 2, usage on stderr), --help/--version,
# non-root (exit 77), --json-errors, doctor.
. "$(dirname "$0")/../lib.sh"

usage_case() {
	local name=$1; shift
	"$PKGTRACE" "$@" >"$TMP/out" 2>"$TMP/err"
	local rc=$?
	if [ "$rc" -eq 2 ] && grep -q '^Usage:' "$TMP/err" && [ ! -s "$TMP/out" ]; then
		ok "$name: exit 2, usage on stderr"
	else
		fail "$name: exit 2, usage on stderr" "rc=$rc $(head -3 "$TMP/err")"
	fi
}
usage_case "no arguments"
usage_case "unknown command" frobnicate
usage_case "unknown option" --bogus -- true
usage_case "bad --format" --format xml -- true
usage_case "bad --fail-on" --fail-on severe -- true
usage_case "bad --grace" --grace 12abc -- true
usage_case "negative --grace" --grace -5 -- true
usage_case "bad --linger-watch" --linger-watch 5s -- true
usage_case "--linger-watch past its bound" --linger-watch 600001 -- true
usage_case "missing option value" --record
usage_case "nothing after --" --events x --
usage_case "options without --" --events x true
usage_case "doctor with arguments" doctor extra
check "bad --format names the problem" grep -q "'xml' is not text, json, sarif or markdown" <("$PKGTRACE" --format xml -- true 2>&1)

out=$("$PKGTRACE" --help); rc=$?
[ $rc -eq 0 ] && echo "$out" | grep -q -- '--fail-on' && echo "$out" | grep -q 'Exit status' \
	&& ok "--help on stdout, exit 0" || fail "--help on stdout, exit 0" "rc=$rc"
check "--version prints VERSION" test "$("$PKGTRACE" --version)" = "pkgtrace $(cat "$TOP/VERSION")"
check "version command" test "$("$PKGTRACE" version)" = "pkgtrace $(cat "$TOP/VERSION")"

err=$("$PKGTRACE" --json-errors --format xml -- true 2>&1 >/dev/null | head -1)
echo "$err" | python3 -c 'import json,sys; d=json.loads(sys.stdin.readline()); assert "xml" in d["error"]' \
	&& ok "--json-errors: one JSON object" || fail "--json-errors: one JSON object" "$err"

"$PKGTRACE" -q --events /nonexistent-dir/e.jsonl -- true >"$TMP/out" 2>"$TMP/err"; rc=$?
[ $rc -eq 125 ] && [ "$(wc -l < "$TMP/err")" -eq 1 ] && grep -q 'nonexistent-dir' "$TMP/err" \
	&& ok "unwritable --events: one line, exit 125" || fail "unwritable --events: one line, exit 125" "rc=$rc $(cat "$TMP/err")"
echo '{not json' > "$TMP/bad-baseline.json"
"$PKGTRACE" -q --baseline "$TMP/bad-baseline.json" -- true >"$TMP/out" 2>"$TMP/err"; rc=$?
[ $rc -eq 65 ] && [ "$(wc -l < "$TMP/err")" -eq 1 ] \
	&& ok "malformed --baseline: one line, exit 65" || fail "malformed --baseline: one line, exit 65" "rc=$rc $(cat "$TMP/err")"

cp "$PKGTRACE" "$TMP/pkgtrace"; chmod 755 "$TMP" "$TMP/pkgtrace"
setpriv --reuid=65534 --regid=65534 --clear-groups "$TMP/pkgtrace" -- true >"$TMP/out" 2>"$TMP/err"
rc=$?
[ $rc -eq 77 ] && [ "$(wc -l < "$TMP/err")" -eq 1 ] && ok "non-root: one line, exit 77" \
	|| fail "non-root: one line, exit 77" "rc=$rc $(cat "$TMP/err")"

"$PKGTRACE" doctor >"$TMP/doc" 2>&1; rc=$?
[ $rc -eq 0 ] && grep -q '^ok  *cgroup v2  *'"$(findmnt -n -t cgroup2 -o TARGET | head -1)"'$' "$TMP/doc" \
	&& grep -q '^ok  *[a-z_]*/[a-z_/]*  *present$' "$TMP/doc" && ! grep -q '^FAIL' "$TMP/doc" \
	&& grep -q '^ok  *BPF load' "$TMP/doc" && ok "doctor passes here, cgroup v2 from mountinfo" \
	|| fail "doctor passes here, cgroup v2 from mountinfo" "rc=$rc $(grep -v '^ok' "$TMP/doc")"
setpriv --reuid=65534 --regid=65534 --clear-groups "$TMP/pkgtrace" doctor >"$TMP/doc" 2>&1; rc=$?
[ $rc -ne 0 ] && grep -q '^FAIL root .*fix: run as root' "$TMP/doc" \
	&& ok "doctor as nobody fails with the fix" || fail "doctor as nobody fails with the fix" "rc=$rc"
done_testing
