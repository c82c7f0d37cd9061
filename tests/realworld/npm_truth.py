#!/usr/bin/env python3
"""tests/realworld/npm_truth.py - what npm itself decided about each
installed package's install scripts, from npm's own output.

Usage: npm_truth.py PROJECT_DIR INSTALL_SCRIPTS_LS_JSON NPM_LOGS_DIR > truth.json

Sources, all npm's:
  - package-lock.json "packages": which installed packages have install
    scripts (hasInstallScript, recorded by npm) and their versions;
  - `npm install-scripts ls --json` (run after the install): the packages
    whose scripts allowScripts does not cover, "pending" (verdict null);
  - npm's debug log of the traced install ("info run NAME@VERSION EVENT"):
    whose scripts npm ran.
A package that is covered (not pending) was approved when npm ran its
scripts and denied when it did not. npm 11 still runs a dependency's
scripts that are merely not covered; pkgtrace must say "ran, not covered"
then, not "approved".
Prints {"name@version": {"ran": bool, "verdict": true|false|null}}.
"""
import glob
import json
import os
import re
import sys


def main():
    project, ls_path, logs_dir = sys.argv[1:4]
    lock = json.load(open(os.path.join(project, "package-lock.json")))
    with_scripts = {}
    for key, entry in lock.get("packages", {}).items():
        if not key or not entry.get("hasInstallScript"):
            continue
        if not os.path.isdir(os.path.join(project, key)):
            continue  # an optional dependency for another platform
        name = entry.get("name") or key.rsplit("node_modules/", 1)[-1]
        with_scripts[f"{name}@{entry.get('version')}"] = key
    pending = set()
    for item in json.load(open(ls_path)).get("allowScripts", []):
        for change in item.get("changes", []):
            if change.get("change") == "pending":
                pending.add(change["key"])
    ran = set()
    run_line = re.compile(r" info run (\S+@[^@\s]+) (preinstall|install|postinstall) ")
    for log in glob.glob(os.path.join(logs_dir, "*debug*.log")):
        for line in open(log, errors="replace"):
            m = run_line.search(line)
            if m:
                ran.add(m.group(1))
    truth = {}
    for key in sorted(with_scripts):
        truth[key] = {"ran": key in ran, "verdict": None if key in pending else key in ran}
    json.dump(truth, sys.stdout, indent=1, sort_keys=True)
    print()


if __name__ == "__main__":
    main()
