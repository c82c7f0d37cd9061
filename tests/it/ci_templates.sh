#!/usr/bin/env bash
# ci_templates.sh - the GitHub Action (action.yml) and the GitLab template
# (ci/gitlab/pkgtrace.gitlab-ci.yml) as far as they can be tried here: both
# parse as YAML; their inputs and variables are the ones ci/pkgtrace-ci.sh
# reads; every option the script passes is one `pkgtrace --help` lists; and
# the action's steps run as GitHub runs a composite action (bash -eo
# pipefail, ${{ inputs.* }} substituted, `if:` honoured) with inputs set,
# around a real traced `sh -c` command: pkgtrace built and installed under a
# temp prefix, the reports written, the summary appended to
# $GITHUB_STEP_SUMMARY, exit-code in $GITHUB_OUTPUT, the command's status
# passed through.
. "$(dirname "$0")/../lib.sh"

mkdir -p "$TMP/proj" "$TMP/proj2"
"$TOP/pkgtrace" --help >"$TMP/help.txt" 2>&1

python3 - "$TOP" "$TMP" <<'PY'
import json, os, re, subprocess, sys
import yaml

top, tmp = sys.argv[1], sys.argv[2]
script = open(f"{top}/ci/pkgtrace-ci.sh").read()
helptext = open(f"{tmp}/help.txt").read()

def check(name, cond, why=""):
    print(f"ok - {name}" if cond else f"FAIL - {name}\n#   {why}")

def load(path):
    try:
        return yaml.safe_load(open(f"{top}/{path}"))
    except (OSError, yaml.YAMLError) as e:
        check(f"{path} parses as YAML", False, e)
        return None

action = load("action.yml")
gitlab = load("ci/gitlab/pkgtrace.gitlab-ci.yml")
check("action.yml and the GitLab template parse as YAML", action and gitlab)
if not action or not gitlab:
    sys.exit(0)

# --- the action's shape ---
inputs = action.get("inputs", {})
want = {"command", "fail-on", "policy", "sarif-file", "report-file", "extra-args", "working-directory"}
check("action.yml: a composite action", action.get("runs", {}).get("using") == "composite")
check("action.yml: inputs command, fail-on, policy, sarif-file, report-file, extra-args, working-directory",
      want <= set(inputs), sorted(want - set(inputs)))
steps = action["runs"]["steps"]
text = open(f"{top}/action.yml").read()
used = set(re.findall(r"\$\{\{\s*inputs\.([a-z-]+)", text))
check("action.yml: every ${{ inputs.X }} is a declared input", used <= set(inputs), sorted(used - set(inputs)))
check("action.yml: every input is used", set(inputs) <= used, sorted(set(inputs) - used))
check("action.yml: every step says its shell", all(s.get("shell") == "bash" for s in steps))
modes = [re.search(r"pkgtrace-ci\.sh\"? (\w+)", s["run"]).group(1) for s in steps]
check("action.yml: the steps are ci/pkgtrace-ci.sh deps, build, run", modes == ["deps", "build", "run"], modes)

# --- the variables the action and the template set are the script's ---
read = set(re.findall(r"\b(PKGTRACE_[A-Z_]+)", script))
aenv = {k for s in steps for k in (s.get("env") or {})}
check("action.yml: every PKGTRACE_* it sets is read by ci/pkgtrace-ci.sh", aenv <= read, sorted(aenv - read))
job = gitlab.get(".pkgtrace", {})
gvars = set(job.get("variables", {})) - {"PKGTRACE_REPO", "PKGTRACE_REF"}
check("GitLab template: every PKGTRACE_* variable is read by ci/pkgtrace-ci.sh", gvars and gvars <= read,
      sorted(gvars - read))
check("GitLab template: the reports are artifacts, kept when the job fails",
      job.get("artifacts", {}).get("when") == "always" and len(job["artifacts"].get("paths", [])) == 3)
check("GitLab template: runs ci/pkgtrace-ci.sh deps, build, run",
      " ".join(job.get("before_script", []) + job.get("script", [])).count("pkgtrace-ci.sh") == 3)

# --- every option the script passes is a real one ---
flags = sorted(set(re.findall(r"args(?:\+)?=\(([^)]*)\)", script) and
                   re.findall(r"(--[a-z][a-z-]+)", " ".join(re.findall(r"args\+?=\(([^)]*)\)", script)))))
missing = [f for f in flags if not re.search(rf"^\s+{re.escape(f)}\b", helptext, re.M)]
check(f"options the action passes exist in pkgtrace --help: {' '.join(flags)}", flags and not missing, missing)

# --- the action's steps, run as GitHub runs a composite action ---
def run_action(given, name):
    vals = {k: str(v.get("default", "")) for k, v in inputs.items()}
    vals.update(given)
    sub = lambda s: re.sub(r"\$\{\{\s*inputs\.([a-z-]+)\s*\}\}", lambda m: vals[m.group(1)], str(s))
    summary, output = f"{tmp}/{name}.summary.md", f"{tmp}/{name}.output"
    open(summary, "w").close(); open(output, "w").close()
    rc = 0
    for s in steps:
        cond = s.get("if")
        if cond:
            m = re.fullmatch(r"\$\{\{\s*inputs\.([a-z-]+)\s*==\s*'([^']*)'\s*\}\}", cond.strip())
            if not m:
                check(f"{name}: step condition understood", False, cond)
                return None
            if vals[m.group(1)] != m.group(2):
                continue
        env = dict(os.environ, GITHUB_ACTION_PATH=top, GITHUB_STEP_SUMMARY=summary, GITHUB_OUTPUT=output)
        env.update({k: sub(v) for k, v in (s.get("env") or {}).items()})
        p = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", sub(s["run"])],
                           env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        open(f"{tmp}/{name}.log", "a").write(p.stdout)
        rc = p.returncode
        if rc:
            break
    return rc, open(summary).read(), open(output).read()

prefix = f"{tmp}/prefix"
cmd = "echo traced >out.txt && ls /etc >/dev/null"
r = run_action({"command": cmd, "working-directory": f"{tmp}/proj", "install-deps": "false",
                "prefix": prefix}, "pass")
if r:
    rc, summary, output = r
    log = open(f"{tmp}/pass.log").read()
    check("action: the steps succeed on a clean install", rc == 0, f"exit {rc}: {log[-600:]}")
    check("action: pkgtrace built and installed under the prefix", os.access(f"{prefix}/bin/pkgtrace", os.X_OK))
    check("action: the command ran, traced, in working-directory",
          open(f"{tmp}/proj/out.txt").read().strip() == "traced" if os.path.exists(f"{tmp}/proj/out.txt") else False)
    try:
        rep = json.load(open(f"{tmp}/proj/pkgtrace-report.json"))
        check("action: report-file is the run's JSON report",
              rep.get("command", {}).get("argv", [])[-1:] == [cmd] if isinstance(rep.get("command"), dict)
              else cmd in json.dumps(rep), json.dumps(rep)[:300])
    except (OSError, ValueError) as e:
        check("action: report-file is the run's JSON report", False, e)
    try:
        sarif = json.load(open(f"{tmp}/proj/pkgtrace.sarif"))
        check("action: sarif-file is SARIF 2.1.0", sarif.get("version") == "2.1.0")
    except (OSError, ValueError) as e:
        check("action: sarif-file is SARIF 2.1.0", False, e)
    check("action: the Markdown summary is appended to $GITHUB_STEP_SUMMARY", len(summary.strip()) > 0,
          log[-300:])
    check("action: exit-code=0 in $GITHUB_OUTPUT", "exit-code=0" in output.split(), output)

r = run_action({"command": "exit 3", "working-directory": f"{tmp}/proj2", "install-deps": "false",
                "prefix": prefix, "sarif-file": "", "extra-args": "--grace 500"}, "fail")
if r:
    rc, summary, output = r
    check("action: the command's status fails the step (3)", rc == 3, f"exit {rc}: {open(tmp + '/fail.log').read()[-400:]}")
    check("action: exit-code=3 in $GITHUB_OUTPUT, summary still appended",
          "exit-code=3" in output.split() and summary.strip(), output)
    check("action: an empty sarif-file writes no SARIF", not os.path.exists(f"{tmp}/proj2/pkgtrace.sarif"))
PY
[ $? -eq 0 ] || T_FAILED=$((T_FAILED + 1))
done_testing
