#!/usr/bin/env python3
"""tests/pm/check.py - judge a pkgtrace report of the yarn/pnpm project
(tests/it/pm_yarn_pnpm.sh) against tests/pm/expected.json, exactly.
Prints one "ok - ..." / "FAIL - ..." line per assertion; exits 1 when any
failed.

Usage: check.py PM EXPECTED_JSON REPORT_JSON EXIT_CODE PROJECT_DIR

expected.json:
  exit              the exact exit code of pkgtrace
  findings          every finding, as (package, version, rule, severity)
                    with its number of findings ("count", default 1);
                    nothing else may be reported, for any owner
  findings_by_pm    PM -> further findings of that package manager only
  clean             packages with no finding at all
  packages          name -> version: exactly one packages[] entry each
                    (besides the project), and no other dependency
  scripts_approved  the packages whose scripts ran, approved
  scripts_unapproved PM -> packages whose scripts ran, not approved (before
                    scripts_approved: yarn has no list, so none is)
  scripts_skipped   PM -> packages whose scripts the manager did not run
  layout            PM -> the install path of a package, relative to the
                    project ({name}, {version})
  executables       name -> the bin entries the package is charged with
"""
import collections
import json
import re
import sys


def main():
    pm, exp_path, rep_path, rc, project = sys.argv[1:6]
    exp = json.load(open(exp_path))
    failed = 0

    def check(name, good, why=""):
        nonlocal failed
        if good:
            print(f"ok - {pm}: {name}")
        else:
            failed += 1
            print(f"FAIL - {pm}: {name}")
            if why:
                print(f"#   {why}")

    try:
        rep = json.load(open(rep_path))
    except (OSError, ValueError) as e:
        check("report is valid JSON", False, f"{rep_path}: {e}")
        return 1
    check(f"exit code {exp['exit']}", int(rc) == exp["exit"], f"got {rc}")
    check("report names the command", rep["command"]["argv"] == [pm, "install", "--frozen-lockfile"],
          str(rep["command"]["argv"]))

    got = collections.Counter((f.get("package"), f.get("version"), f["rule"], f["severity"])
                              for f in rep["findings"])
    want = collections.Counter({(e["package"], e["version"], e["rule"], e["severity"]): e.get("count", 1)
                                for e in exp["findings"] + exp.get("findings_by_pm", {}).get(pm, [])})
    missing, extra = want - got, got - want
    check("findings are exactly the expected ones", not missing and not extra,
          f"missing {sorted(missing.items())}; unexpected {sorted(extra.items(), key=str)}")
    unowned = [f for f in rep["findings"] if f.get("package") is None]
    check("no finding is left to the package manager or the install", not unowned,
          "; ".join(f["summary"] for f in unowned))
    for name in exp["clean"]:
        dirty = [f["rule"] for f in rep["findings"] if f.get("package") == name]
        check(f"{name} (pure library) has no finding", not dirty, str(dirty))

    deps = [p for p in rep["packages"] if p.get("kind") == "dependency"]
    names = collections.Counter(p["name"] for p in deps)
    check("one packages[] entry per installed package",
          dict(names) == {n: 1 for n in exp["packages"]}, str(sorted(names.items())))
    layout = exp["layout"][pm]
    for p in deps:
        name = p["name"]
        if name not in exp["packages"]:
            continue
        ver = exp["packages"][name]
        path = f"{project}/" + layout.format(name=name, version=ver)
        check(f"{name}@{ver} at its {pm} path", p["version"] == ver and p["path"] == path,
              f"got {p['version']} at {p['path']}, want {path}")
        # yarn has no approval list: its "unapproved" names every package
        if name in exp.get("scripts_unapproved", {}).get(pm, []):
            state, good = "ran, not approved", p["scripts_ran"] is True and p["scripts_approved"] is not True
        elif name in exp["scripts_approved"]:
            state, good = "ran, approved", p["scripts_ran"] is True and p["scripts_approved"] is True
        elif name in exp.get("scripts_skipped", {}).get(pm, []):
            state, good = "skipped", p["scripts_ran"] is False and bool(p["scripts_skipped"])
        else:
            state, good = "none", p["scripts_ran"] is False and not p["scripts_skipped"]
        check(f"{name}: installed by {pm}", p.get("package_manager") == pm, f"got {p.get('package_manager')}")
        check(f"{name}: scripts {state}", good,
              f"scripts_ran {p['scripts_ran']} approved {p['scripts_approved']} skipped {p['scripts_skipped']}")
        # The package manager's own processes (yarn, pnpm, their node) are
        # never charged to a package.
        pmprocs = [c for c in p["processes"] if re.search(r"(^|[ /])(yarn|pnpm)(\.c?js)?( |$)", c)]
        check(f"{name}: none of its processes is the package manager", not pmprocs, str(pmprocs))
        bins = sorted(e[len(project) + 1:] for e in p["executables"] if e.startswith(project + "/"))
        want_bins = sorted(exp["executables"].get(name, []))
        check(f"{name}: executables {want_bins or 'none'}", bins == want_bins and
              len(bins) == len(p["executables"]), str(p["executables"]))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
