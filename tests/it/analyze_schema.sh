#!/usr/bin/env bash
# analyze_schema.sh - the reports of the synthetic analysis cases
# (build/tests/test_analyze) validate against schemas/report.schema.json,
# the SARIF output has the shape GitHub code scanning reads, and the
# built-in baseline validates against schemas/baseline.schema.json.
# The SARIF is validated against the official SARIF 2.1.0 schema
# (tests/sarif-schema fetches it) and checked for what code scanning uses.
. "$(dirname "$0")/../lib.sh"

if ! SARIF_SCHEMA=$("$TOP/tests/sarif-schema"); then
	fail "official SARIF 2.1.0 schema fetched" "tests/sarif-schema failed (see its stderr)"
	done_testing
fi

if ! PKGTRACE_TEST_REPORTS="$TMP" "$TOP/build/tests/test_analyze"; then
	fail "analysis reports written" "test_analyze exited non-zero"
	done_testing
fi

python3 - "$TOP" "$TMP" "$SARIF_SCHEMA" <<'PY'
import json, re, sys
import jsonschema

top, tmp = sys.argv[1], sys.argv[2]
sarif_schema = json.load(open(sys.argv[3]))
readme = open(f"{top}/README.md").read()
# GitHub's heading anchors: lower case, punctuation but '-' dropped, spaces to '-'
anchors = {re.sub(r"[^a-z0-9 -]", "", h.strip().lower()).replace(" ", "-")
           for h in re.findall(r"^#+ (.*)$", readme, re.M)}
scores = {"info": "1.0", "low": "3.0", "medium": "5.5", "high": "8.0", "critical": "9.5"}
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
    errs = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in jsonschema.Draft4Validator(sarif_schema).iter_errors(s)]
    check(f"sarif {case}: valid against the official SARIF 2.1.0 schema", not errs, errs[:3])
    drv = run["tool"]["driver"]
    check(f"sarif {case}: driver informationUri, version, semanticVersion",
          drv.get("informationUri", "").startswith("https://") and drv.get("version")
          and re.match(r"^\d+\.\d+\.\d+", drv.get("semanticVersion", "")), drv.get("informationUri"))
    nohelp = [r["id"] for r in drv["rules"]
              if not r.get("help", {}).get("text") or not r["help"].get("markdown")
              or r.get("helpUri", "").split("#")[-1] != r["id"] or r["id"] not in anchors]
    check(f"sarif {case}: every rule has help and a helpUri to its README anchor", not nohelp, nohelp)
    badsev = [r for r in run["results"]
              if r["properties"]["security-severity"] != scores[r["properties"]["severity"]]]
    check(f"sarif {case}: security-severity per result from its own severity", not badsev, badsev[:1])
    fps = [r["partialFingerprints"].get("pkgtraceFinding/v2", "") for r in run["results"]]
    check(f"sarif {case}: fingerprints are 32 hex digits, distinct",
          all(re.fullmatch(r"[0-9a-f]{32}", f) for f in fps) and len(set(fps)) == len(fps), fps)
    leak = [r["properties"]["fingerprintInput"] for r in run["results"]
            if "/work/proj" in r["properties"]["fingerprintInput"]
            or "/tmp/" in r["properties"]["fingerprintInput"]]
    check(f"sarif {case}: fingerprints hold no absolute project or temp path", not leak, leak)
    base = run.get("originalUriBaseIds", {}).get("SRCROOT", {}).get("uri", "")
    check(f"sarif {case}: SRCROOT is the install's directory", base == "file:///work/proj/", base)
    nophys = [r for r in run["results"] if "physicalLocation" not in r["locations"][0]
              and not r["locations"][0].get("logicalLocations")]
    check(f"sarif {case}: every result has a physical or a logical location", not nophys, nophys[:1])

bschema = json.load(open(f"{top}/schemas/baseline.schema.json"))
try:
    jsonschema.validate(json.load(open(f"{top}/baseline/default.json")), bschema)
    check("baseline schema: default.json", True)
except jsonschema.ValidationError as e:
    check("baseline schema: default.json", False, e.message)
PY
done_testing
