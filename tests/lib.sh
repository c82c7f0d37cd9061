# tests/lib.sh - sourced by every integration test in tests/it/.
# Each check prints "ok - NAME" or "FAIL - NAME"; tests/run counts them.
set -u
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
# document, or the list of documents for a .jsonl file).
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
if isinstance(r, bool):
    sys.exit(0 if r else 1)
print(r if isinstance(r, str) else json.dumps(r))
PY
}

done_testing() { exit $T_FAILED; }
