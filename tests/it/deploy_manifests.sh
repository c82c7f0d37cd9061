#!/usr/bin/env bash
# deploy_manifests.sh - deploy/kubernetes/*.yaml and deploy/Dockerfile:
# YAML syntax, the fields that matter (host PID, BPF capabilities, the
# mounts, resources, tolerations, no API token), and a cross-check against
# the real daemon: every --flag in the manifest is in `pkgtrace daemon
# --help`, the arguments parse, the paths the flags name are mounted, and
# the image's runtime libraries are the ones the binary links.
. "$(dirname "$0")/../lib.sh"
DEPLOY=$TOP/deploy

"$PKGTRACE" daemon --help >"$TMP/help.txt" 2>&1 || fail "pkgtrace daemon --help"

python3 - "$DEPLOY/kubernetes" "$TMP/help.txt" "$TMP/args.txt" <<'PY'
import os, re, sys
import yaml

kdir, help_path, args_out = sys.argv[1:4]
failed = 0

def check(name, cond, why=""):
    global failed
    if cond:
        print(f"ok - {name}")
    else:
        failed += 1
        print(f"FAIL - {name}")
        if why:
            print(f"#   {why}")

docs = {}
for f in ("namespace.yaml", "serviceaccount.yaml", "daemonset.yaml"):
    try:
        loaded = [d for d in yaml.safe_load_all(open(os.path.join(kdir, f))) if d]
        check(f"{f}: valid YAML", len(loaded) == 1, f"{len(loaded)} documents")
        docs[f] = loaded[0]
    except (OSError, yaml.YAMLError) as e:
        check(f"{f}: valid YAML", False, str(e))
        docs[f] = {}

ns, sa, ds = docs["namespace.yaml"], docs["serviceaccount.yaml"], docs["daemonset.yaml"]
check("namespace: v1 Namespace", ns.get("apiVersion") == "v1" and ns.get("kind") == "Namespace")
nsname = ns.get("metadata", {}).get("name")
check("serviceaccount: in the namespace, no token",
      sa.get("kind") == "ServiceAccount" and sa["metadata"].get("namespace") == nsname
      and sa.get("automountServiceAccountToken") is False)
check("daemonset: apps/v1 DaemonSet in the namespace",
      ds.get("apiVersion") == "apps/v1" and ds.get("kind") == "DaemonSet"
      and ds.get("metadata", {}).get("namespace") == nsname)
spec = ds.get("spec", {})
tmpl = spec.get("template", {})
labels = tmpl.get("metadata", {}).get("labels", {})
sel = spec.get("selector", {}).get("matchLabels", {})
check("daemonset: selector matches the pod labels",
      sel and all(labels.get(k) == v for k, v in sel.items()))
pod = tmpl.get("spec", {})
check("pod: runs as the service account", pod.get("serviceAccountName") == sa["metadata"].get("name"))
check("pod: no API token mounted", pod.get("automountServiceAccountToken") is False)
check("pod: hostPID", pod.get("hostPID") is True)
check("pod: no host network (the daemon needs none)", not pod.get("hostNetwork"))
check("pod: tolerates every taint",
      any(t.get("operator") == "Exists" and "key" not in t and "effect" not in t
          for t in pod.get("tolerations", [])))
check("pod: a termination grace for the SIGTERM flush", pod.get("terminationGracePeriodSeconds", 30) >= 10)
conts = pod.get("containers", [])
check("pod: one container", len(conts) == 1)
c = conts[0] if conts else {}
sc = c.get("securityContext", {})
caps = set(sc.get("capabilities", {}).get("add", []))
check("container: privileged, or BPF + PERFMON + SYS_ADMIN",
      sc.get("privileged") is True or {"BPF", "PERFMON", "SYS_ADMIN"} <= caps, str(caps))
if not sc.get("privileged"):
    check("container: every other capability dropped", sc.get("capabilities", {}).get("drop") == ["ALL"])
    check("container: seccomp lets bpf() through", sc.get("seccompProfile", {}).get("type") == "Unconfined")
check("container: runs as root", sc.get("runAsUser", 0) == 0)
check("container: read-only root filesystem", sc.get("readOnlyRootFilesystem") is True)
res = c.get("resources", {})
check("container: cpu and memory requests and limits",
      all(k in res.get(w, {}) for w in ("requests", "limits") for k in ("cpu", "memory")), str(res))
check("container: image set", bool(c.get("image")))
check("container: no command override (the image's ENTRYPOINT is pkgtrace)", "command" not in c)

# mounts: hostPath volumes by name
vols = {v["name"]: v.get("hostPath", {}).get("path") for v in pod.get("volumes", [])}
mounts = {m["mountPath"]: (vols.get(m["name"]), m.get("readOnly", False)) for m in c.get("volumeMounts", [])}
def mounted(host):
    return [mp for mp, (h, ro) in mounts.items() if h == host]
for host in ("/sys/kernel/btf", "/sys/fs/cgroup", "/var/log/pods"):
    mps = mounted(host)
    check(f"mount: {host} read-only", mps and all(mounts[mp][1] for mp in mps), str(mounts))
check("mount: tracefs (/sys/kernel/tracing or /sys/kernel/debug) read-only",
      any(mounts[mp][1] for h in ("/sys/kernel/tracing", "/sys/kernel/debug") for mp in mounted(h)))
check("mount: libbpf finds BTF at /sys/kernel/btf", "/sys/kernel/btf" in mounts)

# arguments against the daemon's real flags
args = [str(a) for a in c.get("args", [])]
check("args: the daemon command", args[:1] == ["daemon"], str(args))
help_text = open(help_path).read()
real = set(re.findall(r"--[a-z][a-z-]+", help_text))
flags = [a for a in args if a.startswith("--")]
check("args: flags given", bool(flags))
for f in flags:
    check(f"args: {f} is a real daemon flag", f.split("=")[0] in real, f"daemon --help knows {sorted(real)}")
val = {}
for i, a in enumerate(args):
    if a.startswith("--") and "=" not in a and i + 1 < len(args) and not args[i + 1].startswith("--"):
        val[a] = args[i + 1]
    elif a.startswith("--") and "=" in a:
        k, v = a.split("=", 1)
        val[k] = v
# the paths the daemon reads or writes, as the flags set them or by default
pods = val.get("--pods-dir", "/var/log/pods")
check("paths: --pods-dir is the /var/log/pods mount", mounts.get(pods, (None,))[0] == "/var/log/pods",
      f"{pods} in {mounts}")
if "--cgroup-root" in val:
    check("paths: --cgroup-root is the host cgroup mount",
          mounts.get(val["--cgroup-root"], (None,))[0] == "/sys/fs/cgroup", str(mounts))
if "--record-dir" in val:
    rd = val["--record-dir"]
    check("paths: --record-dir is a writable mount", rd in mounts and not mounts[rd][1], str(mounts))
if "--output" in val:
    out = val["--output"]
    check("paths: --output is under a writable mount",
          any(out.startswith(mp + "/") and not ro for mp, (h, ro) in mounts.items()))
open(args_out, "w").write("\n".join(args[1:]) + "\n")
sys.exit(1 if failed else 0)
PY
[ $? -eq 0 ] || T_FAILED=$((T_FAILED + 1))

# The manifest's arguments parse (values included): --help last makes the
# daemon stop after parsing, before loading anything.
mapfile -t ARGS <"$TMP/args.txt"
if "$PKGTRACE" daemon "${ARGS[@]}" --help >/dev/null 2>"$TMP/parse.err"; then
	ok "args: the daemon accepts the manifest's arguments"
else
	fail "args: the daemon accepts the manifest's arguments" "$(cat "$TMP/parse.err")"
fi

# Dockerfile: multi-stage, Debian, only the runtime libraries the binary
# links in the final stage.
python3 - "$DEPLOY/Dockerfile" "$PKGTRACE" <<'PY'
import re, subprocess, sys
path, binary = sys.argv[1:3]
failed = 0
def check(name, cond, why=""):
    global failed
    print(("ok - " if cond else "FAIL - ") + name)
    if not cond:
        failed += 1
        if why:
            print(f"#   {why}")

text = open(path).read().replace("\\\n", " ")
stages = re.split(r"(?m)^FROM\s+", text)[1:]
froms = re.findall(r"(?m)^FROM\s+(\S+)", text)
check("Dockerfile: multi-stage", len(stages) >= 2, str(froms))
check("Dockerfile: Debian bookworm bases", all(f.startswith("debian:bookworm") for f in froms), str(froms))
def pkgs(stage):
    out = set()
    for m in re.finditer(r"apt-get install ([^&\n]*)", stage):
        out |= {w for w in m.group(1).split() if not w.startswith("-")}
    return out
build, final = pkgs(stages[0]), pkgs(stages[-1])
check("Dockerfile: build stage has clang, bpftool, libbpf-dev",
      {"clang", "bpftool", "libbpf-dev"} <= build, str(build))
# the packages holding the libraries the binary links (Debian names)
libs = re.findall(r"=>\s*(\S+)", subprocess.run(["ldd", binary], capture_output=True, text=True).stdout)
need = set()
for lib in libs:
    r = subprocess.run(["dpkg", "-S", lib], capture_output=True, text=True)
    if r.returncode != 0:
        r = subprocess.run(["dpkg", "-S", "/usr" + lib if not lib.startswith("/usr") else lib[4:]],
                           capture_output=True, text=True)
    if r.returncode == 0:
        need.add(r.stdout.split(":")[0])
need -= {"libc6"}
check("Dockerfile: final stage installs exactly the linked libraries' packages",
      final == need, f"final {sorted(final)}, ldd needs {sorted(need)}")
check("Dockerfile: no compiler in the final stage",
      not ({"clang", "gcc", "llvm", "make"} & final) and "bpftool" not in final)
check("Dockerfile: the binary copied from the build stage",
      re.search(r"(?m)^COPY --from=build \S*pkgtrace /usr/local/bin/pkgtrace", stages[-1]) is not None)
check("Dockerfile: ENTRYPOINT is pkgtrace, default command daemon",
      '["/usr/local/bin/pkgtrace"]' in stages[-1] and re.search(r'(?m)^CMD \["daemon"\]', stages[-1]) is not None)
sys.exit(1 if failed else 0)
PY
[ $? -eq 0 ] || T_FAILED=$((T_FAILED + 1))
done_testing
