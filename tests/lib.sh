# tests/lib.sh - sourced by every integration test in tests/it/.
# Each check prints "ok - NAME" or "FAIL - NAME"; tests/run counts them.
set -u
# Under sudo, pkgtrace runs installs as the caller (README, Enforce): the
# suite's runs are root's unless a test says otherwise.
unset SUDO_UID SUDO_GID SUDO_USER SUDO_COMMAND
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PKGTRACE="$TOP/pkgtrace"
TMP=$(mktemp -d /tmp/pkgtrace-test.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
T_FAILED=0

ok() { echo "ok - $*"; }
fail() { echo "FAIL - $1"; shift; [ $# -gt 0 ] && echo "#   $*"; T_FAILED=$((T_FAILED + 1)); }

# check NAME CMD...: runs CMD; passes when it exits 0.
check() {
	local name=$1; shift
	local out
	if out=$("$@" 2>&1); then ok "$name"; else fail "$name" "$(echo "$out" | tail -5)"; fi
}

# jq-free JSON queries: jpy FILE 'python expression over j' (j is the parsed
# document, or the list of documents for a .jsonl file).  A string result is
# printed and exits 0 (a value to use); any other result is printed as JSON
# and exits 1 when it is falsy (False, None, 0, [] or {}), so that a check
# such as 'any(...) and j["list"]' cannot pass on an empty list.
jpy() {
	python3 - "$1" "$2" <<'PY'
import json, sys
path, expr = sys.argv[1], sys.argv[2]
with open(path) as f:
    if path.endswith('.jsonl'):
        j = [json.loads(l) for l in f if l.strip()]
    else:
        j = json.load(f)
r = eval(expr)
if isinstance(r, str):
    print(r)
    sys.exit(0)
if not isinstance(r, bool):
    print(json.dumps(r))
sys.exit(0 if r else 1)
PY
}

done_testing() { exit $T_FAILED; }
