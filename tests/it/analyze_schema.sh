#!/usr/bin/env bash
# analyze_schema.sh - the reports of the synthetic analysis cases
# (build/tests/test_analyze) validate against schemas/report.schema.json,
# the SARIF output has the shape GitHub code scanning reads, and the
# built-in baseline validates against schemas/baseline.schema.json.
. "$(dirname "$0")/../lib.sh"

if ! PKGTRACE_TEST_REPORTS="$TMP" "$TOP/build/tests/test_analyze"; then
	fail "analysis reports written" "test_analyze exited non-zero"
	done_testing
fi

python3 - "$TOP" "$TMP" <<'PY'
import json, sys
import jsonschema

top, tmp = sys.argv[1], sys.argv[2]
schema = json.load(open(f"{top}/schemas/report.schema.json"))
rules = schema["definitions"]["rule"]["enum"]

def check(name, cond, why=""):
    print(f"ok - {name}" if cond else f"FAIL - {name}\n#   {why}")

for case in ("attack", "benign", "pip"):
    rep = json.load(open(f"{tmp}/{case}.json"))
    try:
        jsonschema.validate(rep, schema)
        check(f"report schema: {case}", True)
    except jsonschema.ValidationError as e:
        check(f"report schema: {case}", False, e.message)

for case in ("attack", "benign"):
    s = json.load(open(f"{tmp}/{case}.sarif"))
    run = s["runs"][0]
    ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    check(f"sarif {case}: version 2.1.0", s.get("version") == "2.1.0")
    check(f"sarif {case}: rules are the report's rule ids", ids == rules, ids)
    bad = [r for r in run["results"]
           if r["ruleId"] not in ids or ids[r["ruleIndex"]] != r["ruleId"]
           or r["level"] not in ("error", "warning", "note")
           or not r["message"]["text"]
           or r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith("/")]
    check(f"sarif {case}: results well-formed", not bad, bad[:1])

bschema = json.load(open(f"{top}/schemas/baseline.schema.json"))
try:
    jsonschema.validate(json.load(open(f"{top}/baseline/default.json")), bschema)
    check("baseline schema: default.json", True)
except jsonschema.ValidationError as e:
    check("baseline schema: default.json", False, e.message)
PY
done_testing
