#!/usr/bin/env python3
"""tests/realworld/judge.py - judge one real-world install's pkgtrace report.
Prints one "ok - ..." / "FAIL - ..." line per assertion (the tests/run
protocol) and exits 1 when any failed.

Usage: judge.py CASE REPORT_JSON SPEC_JSON [TRUTH_JSON]
Environment: RW_RC pkgtrace's exit code; RW_TEXT the text report (stdout).

SPEC_JSON (a file):
  packages   [{name, version, scripts_ran?}]: each must be in the report's
             packages[] under exactly this name (the metadata Name) and
             version (elsewhere pip names compare canonicalised, PEP 503)
  owners     extra names a finding may be charged to besides the packages
             above and the report's own packages[] names that the spec
             lists; null owners are always allowed
  allowed    [{rule, package, severity, why}]: findings at or above medium
             that are genuine (a real network attempt); every other
             finding at or above medium is a false alarm
  required   [{rule, package, severity}]: findings that must be there
  findings   [{rule, package, severity}]: when given, the report's findings,
             as a set of (rule, package, severity), must be exactly these
             (package null: charged to the package manager)
  pkgtrace_exit  the exit code pkgtrace must give (default 0: CMD
             succeeded and nothing reached --fail-on high)
  pip        true: pip has no approval mechanism, so every package's
             scripts_approved must be null
TRUTH_JSON (npm only, made by npm_truth.py from npm's own output):
  {"name@version": {"ran": bool, "verdict": true|false|null}} for every
  installed package that has install scripts; the report must agree.
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "corpus"))
from check import load_report  # noqa: E402  (tests/corpus/check.py)

SEV = ["info", "low", "medium", "high", "critical"]


def canon(name):
    return re.sub(r"[-_.]+", "-", name).lower() if isinstance(name, str) else name


def main():
    case, rep_path, spec_path = sys.argv[1], sys.argv[2], sys.argv[3]
    truth = json.load(open(sys.argv[4])) if len(sys.argv) > 4 else None
    spec = json.load(open(spec_path))
    pip = spec.get("pip", False)
    norm = canon if pip else (lambda n: n)
    failed = 0

    def ok(name):
        print(f"ok - {case}: {name}")

    def fail(name, why):
        nonlocal failed
        failed += 1
        print(f"FAIL - {case}: {name}")
        for line in str(why).splitlines()[:40]:
            print(f"#   {line}")

    def check(cond, name, why=""):
        (ok if cond else lambda n: fail(n, why))(name)

    rep = load_report(rep_path, ok, fail)
    if rep is None:
        return 1

    findings = rep.get("findings", [])
    packages = rep.get("packages", [])

    def fmt(f):
        return (f"{f.get('severity')} {f.get('rule')} {f.get('package')}@{f.get('version')}"
                f" x{f.get('count')}: {f.get('summary', '')[:200]}")

    code = rep.get("command", {}).get("exit_code")
    check(code == 0, "the install itself succeeded", f"command exit_code {code}")

    # 1. No finding at or above medium except the genuine ones.
    allowed = spec.get("allowed", [])

    def is_allowed(f):
        return any(a["rule"] == f.get("rule") and norm(a["package"]) == norm(f.get("package"))
                   and a["severity"] == f.get("severity") for a in allowed)
    loud = [f for f in findings if SEV.index(f["severity"]) >= SEV.index("medium")]
    false_alarms = [f for f in loud if not is_allowed(f)]
    check(not false_alarms, "no finding at or above medium besides genuine network attempts",
          "\n".join(fmt(f) for f in false_alarms))
    for r in spec.get("required", []):
        got = [f for f in findings if f.get("rule") == r["rule"]
               and norm(f.get("package")) == norm(r["package"])]
        check(any(f["severity"] == r["severity"] for f in got),
              f"{r['rule']} {r['severity']} against {r['package']} ({r.get('why', 'expected')})",
              "got: " + ("; ".join(fmt(f) for f in got) or "nothing"))

    if "findings" in spec:
        want = {(w["rule"], norm(w["package"]), w["severity"]) for w in spec["findings"]}
        got = {(f.get("rule"), norm(f.get("package")), f.get("severity")) for f in findings}
        extra = [fmt(f) for f in findings
                 if (f.get("rule"), norm(f.get("package")), f.get("severity")) not in want]
        missing = [f"{s} {r} {p}" for r, p, s in sorted(want - got, key=str)]
        check(not extra and not missing, "exactly the expected findings: " +
              (", ".join(f"{s} {r} {p}" for r, p, s in sorted(want, key=str)) or "none"),
              "\n".join(["unexpected: " + e for e in extra] + ["missing: " + m for m in missing]))

    # 2. Right package names and versions.
    by_name = {}
    for p in packages:
        by_name.setdefault(norm(p.get("name")), []).append(p)
    for want in spec.get("packages", []):
        got = by_name.get(norm(want["name"]), [])
        seen = sorted(f"{p.get('name')}@{p.get('version')}" for p in got)
        check(any(p.get("name") == want["name"] and p.get("version") == want["version"] for p in got),
              f"package reported as {want['name']}@{want['version']} (its metadata name and version)",
              f"reported as: {seen or 'nothing'}; "
              f"all names: {sorted(str(p.get('name')) for p in packages)[:40]}")
        if "scripts_ran" in want:
            check(any(p.get("scripts_ran") == want["scripts_ran"] for p in got),
                  f"package {want['name']} scripts_ran is {want['scripts_ran']}",
                  f"got {[p.get('scripts_ran') for p in got]}")
    known = {norm(w["name"]) for w in spec.get("packages", [])}
    known |= {norm(n) for n in spec.get("owners", [])}
    strays = [f for f in findings if f.get("package") is not None and norm(f["package"]) not in known]
    if known:
        check(not strays, "every finding is charged to a package the install really has",
              "\n".join(fmt(f) for f in strays))
    unnamed = [fmt(f) for f in findings if f.get("package") is not None
               and canon(f["package"]) not in canon(f.get("summary", ""))]
    check(not unnamed, "every finding's summary names its package", "\n".join(unnamed))
    if pip:
        nulls = [f"{p.get('name')}@{p.get('version')}" for p in packages
                 if p.get("kind") == "dependency" and p.get("version") is None]
        check(not nulls, "every pip package has a version", ", ".join(nulls))

    # 3. Approval verdicts: the package manager's own.
    if pip:
        wrong = [f"{p.get('name')}: {p.get('scripts_approved')}" for p in packages
                 if p.get("scripts_approved") is not None]
        check(not wrong, "pip packages carry no approval verdict (pip has none)", ", ".join(wrong))
        text_path = os.environ.get("RW_TEXT")
        if text_path and os.path.exists(text_path):
            npm_words = [line.strip() for line in open(text_path, errors="replace")
                         if "allowScripts" in line or "by npm" in line]
            check(not npm_words, "the text report names no npm approval for pip scripts",
                  "\n".join(npm_words[:10]))
    if truth is not None:
        rep_pkgs = {f"{p.get('name')}@{p.get('version')}": p for p in packages
                    if p.get("kind") == "dependency"}
        for key, t in sorted(truth.items()):
            p = rep_pkgs.get(key)
            if p is None:
                fail(f"{key}: in the report (it has install scripts)",
                     f"report packages: {sorted(rep_pkgs)[:40]}")
                continue
            check(p.get("scripts_approved") == t["verdict"] and p.get("scripts_ran") == t["ran"],
                  f"{key}: verdict {t['verdict']}, ran {t['ran']} (as npm decided)",
                  f"report: scripts_approved {p.get('scripts_approved')}, "
                  f"scripts_ran {p.get('scripts_ran')}, skipped {p.get('scripts_skipped')}")

    want_rc = spec.get("pkgtrace_exit", 0)
    rc = int(os.environ.get("RW_RC", "-1"))
    check(rc == want_rc, f"pkgtrace exit {want_rc}", f"got {rc}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
