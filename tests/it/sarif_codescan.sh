#!/usr/bin/env bash
# sarif_codescan.sh - the SARIF of a real traced install, as GitHub code
# scanning takes it: the corpus's cred-steal case (`npm ci` of a package
# that reads bait credentials and sends them to a loopback C2) runs in two
# different directories, each recorded and replayed with --format sarif.
# Both logs validate against the official SARIF 2.1.0 schema; each result
# of the package points at its "node_modules/<name>" line of the project's
# package-lock.json, relative to SRCROOT (the directory npm ran in); the
# fingerprints are the same in both directories.
# The schema is fetched before the corpus harness moves into its
# loopback-only network namespace (this part runs again inside it, where
# build/ already has it).
SARIF_SCHEMA=$("$(dirname "$0")/../sarif-schema") || SARIF_SCHEMA=
CORPUS_RECORD=1
corpus_after_case() {
	"$PKGTRACE" replay --fail-on never --format sarif "$2/trace.ptr" >"$2/r.sarif" 2>"$2/sarif.err" ||
		fail "$1: replay --format sarif" "$(head -3 "$2/sarif.err")"
}
. "$(dirname "$0")/../corpus/lib.sh"
if [ -z "$SARIF_SCHEMA" ]; then
	fail "official SARIF 2.1.0 schema fetched" "tests/sarif-schema failed"
	done_testing
fi
corpus_start
RUN_TMP=$TMP
TMP=$RUN_TMP/first npm_case cred-steal
TMP=$RUN_TMP/elsewhere/second npm_case cred-steal
TMP=$RUN_TMP

python3 - "$SARIF_SCHEMA" "$TMP/first/npm/cred-steal" "$TMP/elsewhere/second/npm/cred-steal" <<'PY'
import json, sys
import jsonschema

schema = json.load(open(sys.argv[1]))
stages = sys.argv[2:]

def check(name, cond, why=""):
    print(f"ok - {name}" if cond else f"FAIL - {name}\n#   {why}")

fps = []
for n, st in enumerate(stages):
    try:
        s = json.load(open(f"{st}/r.sarif"))
    except (OSError, ValueError) as e:
        check(f"run {n}: SARIF parses", False, e)
        continue
    errs = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in jsonschema.Draft4Validator(schema).iter_errors(s)]
    check(f"run {n}: valid against the official SARIF 2.1.0 schema", not errs, errs[:3])
    run = s["runs"][0]
    base = run.get("originalUriBaseIds", {}).get("SRCROOT", {}).get("uri")
    check(f"run {n}: SRCROOT is the project npm ran in", base == f"file://{st}/project/", base)
    mine = [r for r in run["results"] if r["properties"].get("package") == "env-telemetry"]
    check(f"run {n}: env-telemetry has credential-access and network-egress results",
          {"credential-access", "network-egress"} <= {r["ruleId"] for r in mine},
          [r["ruleId"] for r in run["results"]])
    lock = open(f"{st}/project/package-lock.json").read().split("\n")
    bad = []
    for r in mine:
        pl = r["locations"][0].get("physicalLocation", {})
        uri = pl.get("artifactLocation", {}).get("uri")
        line = pl.get("region", {}).get("startLine", 0)
        if uri != "package-lock.json" or pl["artifactLocation"].get("uriBaseId") != "SRCROOT" \
           or not 0 < line <= len(lock) or '"node_modules/env-telemetry": {' not in lock[line - 1]:
            bad.append((r["ruleId"], uri, line))
    check(f"run {n}: results point at the package's lockfile entry", mine and not bad, bad)
    absolute = [r["properties"]["fingerprintInput"] for r in run["results"]
                if st in r["properties"]["fingerprintInput"]]
    check(f"run {n}: no fingerprint holds the run's directory", not absolute, absolute)
    fps.append(sorted((r["ruleId"], r["partialFingerprints"]["pkgtraceFinding/v2"]) for r in run["results"]))
check("fingerprints equal across the two directories", len(fps) == 2 and fps[0] == fps[1] and fps[0],
      fps if len(fps) == 2 and fps[0] != fps[1] else "")
PY
[ $? -eq 0 ] || T_FAILED=$((T_FAILED + 1))
done_testing
