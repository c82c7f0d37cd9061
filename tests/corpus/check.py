#!/usr/bin/env python3
"""tests/corpus/check.py - judge a pkgtrace JSON report against a case's
expected.json.  Prints one "ok - ..." / "FAIL - ..." line per assertion
(the tests/run protocol) and exits 1 when any failed.

Usage: check.py CASE_NAME EXPECTED_JSON REPORT_JSON EXIT_CODE

expected.json:
  kind          "attack" or "benign"
  findings      [{package, rules, min_severity?}]: every (package, rule) must
                be reported (at min_severity or above when given)
  also_allowed  [{package, rules}]: may be reported at any severity
  clean_packages [names]: must carry no finding above info at all
  benign_max    highest severity allowed for any finding (benign cases)
  scripts       {"approved": [..], "unapproved": [..], "skipped": [..],
                 "project": bool}:
                the report's packages[] say whose scripts ran approved,
                whose npm skipped, and that the root project's own ran
  exit          exact exit code; when absent the code must follow the
                report: 10 when a finding is >= high (default --fail-on),
                else 0
"""
import json
import os
import sys

SEV = ["info", "low", "medium", "high", "critical"]


def sev(f):
    s = f.get("severity")
    return SEV.index(s) if s in SEV else -1


def load_report(rep_path, ok, fail):
    """The report at rep_path, validated against schemas/report.schema.json
    (reported through ok/fail), or None when it is not JSON. Shared with
    tests/realworld/judge.py."""
    try:
        rep = json.load(open(rep_path))
    except (OSError, ValueError) as e:
        fail("report is valid JSON", f"{rep_path}: {e}")
        return None
    schema_path = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                               "..", "..", "schemas", "report.schema.json")
    try:
        import jsonschema
        jsonschema.validate(rep, json.load(open(schema_path)))
        ok("report validates against schemas/report.schema.json")
    except ImportError:
        # python3-jsonschema is in DEB_TEST_DEPS (make deps); without it
        # the schema is left to the report's own tests.
        print("# python3-jsonschema missing: report schema not checked")
    except (OSError, ValueError) as e:
        fail("report validates against schemas/report.schema.json", str(e))
    except jsonschema.ValidationError as e:
        fail("report validates against schemas/report.schema.json",
             f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}")
    return rep


def main():
    case, exp_path, rep_path, rc = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    exp = json.load(open(exp_path))
    failed = 0

    def ok(name):
        print(f"ok - {case}: {name}")

    def fail(name, why):
        nonlocal failed
        failed += 1
        print(f"FAIL - {case}: {name}")
        print(f"#   {why}")

    rep = load_report(rep_path, ok, fail)
    if rep is None:
        return 1
    findings = rep.get("findings")
    if not isinstance(findings, list):
        fail("report has a findings array", f"got {type(findings).__name__}")
        return 1
    got = sorted({(f.get("package"), f.get("rule"), f.get("severity")) for f in findings},
                 key=lambda t: (str(t[0]), str(t[1])))
    got_txt = ", ".join(f"{p}:{r}:{s}" for p, r, s in got) or "(none)"

    required = {(e["package"], r) for e in exp.get("findings", []) for r in e["rules"]}
    allowed = required | {(e["package"], r) for e in exp.get("also_allowed", []) for r in e["rules"]}

    for pkg, rule in sorted(required):
        if any(f.get("package") == pkg and f.get("rule") == rule for f in findings):
            ok(f"{rule} reported for {pkg}")
        else:
            fail(f"{rule} reported for {pkg}", f"got {got_txt}")
    # min_severity: the rule's finding ranks at least that high
    for e in exp.get("findings", []):
        if "min_severity" not in e:
            continue
        for rule in e["rules"]:
            best = max((sev(f) for f in findings
                        if f.get("package") == e["package"] and f.get("rule") == rule), default=-1)
            if best >= SEV.index(e["min_severity"]):
                ok(f"{rule} for {e['package']} at {e['min_severity']} or above")
            else:
                fail(f"{rule} for {e['package']} at {e['min_severity']} or above", f"got {got_txt}")

    # Nothing >= medium beyond what the case allows, for any owner.
    extra = [f for f in findings if sev(f) >= SEV.index("medium")
             and (f.get("package"), f.get("rule")) not in allowed]
    if extra:
        fail("no unexpected finding at >= medium",
             ", ".join(f"{f.get('package')}:{f.get('rule')}:{f.get('severity')}" for f in extra))
    else:
        ok("no unexpected finding at >= medium")

    # The attack's rules are never blamed on another owner (above info).
    rules = {r for _, r in required}
    misblamed = [f for f in findings if f.get("rule") in rules and sev(f) > 0
                 and (f.get("package"), f.get("rule")) not in allowed]
    if rules:
        if misblamed:
            fail("attack rules blamed only on the attacker",
                 ", ".join(f"{f.get('package')}:{f.get('rule')}:{f.get('severity')}" for f in misblamed))
        else:
            ok("attack rules blamed only on the attacker")

    for clean in exp.get("clean_packages", []):
        dirty = [f for f in findings if f.get("package") == clean and sev(f) > 0]
        if dirty:
            fail(f"{clean} is clean", ", ".join(f"{f.get('rule')}:{f.get('severity')}" for f in dirty))
        else:
            ok(f"{clean} is clean")

    if "benign_max" in exp:
        limit = SEV.index(exp["benign_max"])
        worst = max((sev(f) for f in findings), default=-1)
        if worst <= limit:
            ok(f"benign: nothing above {exp['benign_max']}")
        else:
            fail(f"benign: nothing above {exp['benign_max']}", f"got {got_txt}")

    packages = rep.get("packages") if isinstance(rep.get("packages"), list) else []
    byname = {p.get("name"): p for p in packages}
    scripts = exp.get("scripts", {})
    for name in scripts.get("approved", []):
        p = byname.get(name, {})
        if p.get("scripts_ran") is True and p.get("scripts_approved") is True:
            ok(f"{name}: scripts ran, approved")
        else:
            fail(f"{name}: scripts ran, approved", f"packages entry: {p or '(none)'}")
    for name in scripts.get("unapproved", []):
        p = byname.get(name, {})
        if p.get("scripts_ran") is True and p.get("scripts_approved") is not True:
            ok(f"{name}: scripts ran, not approved")
        else:
            fail(f"{name}: scripts ran, not approved", f"packages entry: {p or '(none)'}")
    for name in scripts.get("skipped", []):
        p = byname.get(name, {})
        # scripts_skipped names the lifecycle events that did not run.
        if p.get("scripts_skipped") and p.get("scripts_ran") is not True:
            ok(f"{name}: scripts skipped by npm")
        else:
            fail(f"{name}: scripts skipped by npm", f"packages entry: {p or '(none)'}")
    if scripts.get("project"):
        proj = [p for p in packages if p.get("kind") == "project"]
        if proj and proj[0].get("scripts_ran") is True:
            ok("root project's own scripts reported")
        else:
            fail("root project's own scripts reported", f"project entry: {proj or '(none)'}")

    worst = max((sev(f) for f in findings), default=-1)
    want = exp.get("exit")
    if want is None:
        want = 10 if worst >= SEV.index("high") else 0
    if rc == want:
        ok(f"exit code {want}")
    else:
        fail(f"exit code {want}", f"got {rc}; findings {got_txt}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
