#!/usr/bin/env bash
# deploy_manifests.sh - deploy/kubernetes/*.yaml, deploy/kustomization.yaml
# and deploy/Dockerfile: YAML syntax, the order kubectl apply -f takes the
# files in (namespace and priority class first), the fields that matter
# (host PID, the four capabilities and no privilege escalation, probes,
# priority class, the mounts, retention, resources, tolerations, no API
# token), and a cross-check against the real daemon: every --flag in the
# manifest is in `pkgtrace daemon --help`, the arguments parse, the paths
# the flags name are mounted, the daemon run with exactly the manifest's
# capabilities traces an install, its probe commands pass against it and
# fail once it is gone, and the image's runtime libraries are the ones the
# binary links.
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

# kubectl apply -f DIR reads the folder's .yaml/.yml/.json files in name
# order, documents in file order: every object a later one needs (its
# namespace, its priority class) must come first.
files = sorted(f for f in os.listdir(kdir) if f.endswith((".yaml", ".yml", ".json")))
objs = []
for f in files:
    try:
        loaded = [d for d in yaml.safe_load_all(open(os.path.join(kdir, f))) if d]
        check(f"{f}: valid YAML, Kubernetes objects",
              loaded and all(d.get("apiVersion") and d.get("kind") and d.get("metadata", {}).get("name")
                             for d in loaded), str(loaded)[:200])
        objs += [(f, d) for d in loaded]
    except (OSError, yaml.YAMLError) as e:
        check(f"{f}: valid YAML", False, str(e))
def first(kind):
    return next((d for f, d in objs if d.get("kind") == kind), {})
ns, sa, ds, pc = first("Namespace"), first("ServiceAccount"), first("DaemonSet"), first("PriorityClass")
order = [(d.get("kind"), d.get("metadata", {}).get("name")) for f, d in objs]
def pos(kind, name):
    return order.index((kind, name)) if (kind, name) in order else None
nsname = ns.get("metadata", {}).get("name")
late = [f"{k}/{n}" for (k, n), (f, d) in zip(order, objs)
        if d.get("metadata", {}).get("namespace") and
        (pos("Namespace", d["metadata"]["namespace"]) is None or pos("Namespace", d["metadata"]["namespace"]) > order.index((k, n)))]
check("apply -f order: every namespaced object after its Namespace", not late and nsname, f"{late} in {order}")
pcname = ds.get("spec", {}).get("template", {}).get("spec", {}).get("priorityClassName")
check("pod: a priorityClassName", bool(pcname))
if pcname and not pcname.startswith("system-"):
    check("apply -f order: the PriorityClass before the DaemonSet",
          pos("PriorityClass", pcname) is not None and pos("PriorityClass", pcname) < pos("DaemonSet", ds["metadata"]["name"]),
          str(order))
    check("PriorityClass: not the global default, below system-*",
          pc.get("globalDefault") is False and 0 < pc.get("value", 0) < 2000000000, str(pc))
# kustomize: deploy/kustomization.yaml lists exactly these files
kust = yaml.safe_load(open(os.path.join(kdir, "..", "kustomization.yaml")))
res = kust.get("resources", [])
check("kustomization.yaml: every manifest, in apply order, and nothing else",
      res == [f"kubernetes/{f}" for f in files], f"{res} vs {files}")

check("namespace: v1 Namespace", ns.get("apiVersion") == "v1" and ns.get("kind") == "Namespace")
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
check("container: not privileged", sc.get("privileged") is False)
check("container: exactly BPF, PERFMON, SYS_PTRACE, DAC_READ_SEARCH (no SYS_ADMIN)",
      caps == {"BPF", "PERFMON", "SYS_PTRACE", "DAC_READ_SEARCH"}, str(caps))
check("container: every other capability dropped", sc.get("capabilities", {}).get("drop") == ["ALL"])
check("container: allowPrivilegeEscalation false", sc.get("allowPrivilegeEscalation") is False)
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
rd = val.get("--record-dir")
check("paths: --record-dir is a writable hostPath mount (the node's disk)",
      rd in mounts and not mounts[rd][1] and mounts[rd][0], str(mounts))
check("retention: --traces-max-bytes and --traces-max-age bound it",
      "--traces-max-bytes" in val and "--traces-max-age" in val, str(val))
sf = val.get("--status-file", "")
vol_of = {m["mountPath"]: m["name"] for m in c.get("volumeMounts", [])}
sf_mount = [mp for mp in mounts if sf.startswith(mp + "/") and not mounts[mp][1]]
check("paths: --status-file on a writable mount", bool(sf_mount), f"{sf} in {mounts}")
# probes: the daemon's own --health against the same status file
probes = {}
for kind in ("startupProbe", "readinessProbe", "livenessProbe"):
    cmd = c.get(kind, {}).get("exec", {}).get("command", [])
    check(f"{kind}: pkgtrace daemon --status-file <the daemon's> --health",
          cmd[:2] == ["/usr/local/bin/pkgtrace", "daemon"] and "--health" in cmd
          and "--status-file" in cmd and cmd[cmd.index("--status-file") + 1] == sf, str(cmd))
    probes[kind] = cmd[1:]
check("livenessProbe: a longer age bound than readiness",
      "--health-max-age" in probes["livenessProbe"] and "--health-max-age" not in probes["readinessProbe"])
if "--output" in val:
    out = val["--output"]
    check("paths: --output is under a writable mount",
          any(out.startswith(mp + "/") and not ro for mp, (h, ro) in mounts.items()))
open(args_out, "w").write("\n".join(args[1:]) + "\n")
# for the run below: the capabilities, the probes, the container paths
with open(args_out + ".caps", "w") as f:
    f.write(",".join("+" + x.lower() for x in sorted(caps)) + "\n")
with open(args_out + ".probes", "w") as f:
    for kind, cmd in probes.items():
        f.write(kind + "\t" + "\t".join(cmd) + "\n")
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

# The manifest's daemon for real: its arguments (container paths mapped to
# this machine's), with exactly its capabilities and no_new_privs
# (allowPrivilegeEscalation: false), traces an install; then its probes'
# commands pass against it, and fail once it is gone.  Private session
# command names keep the machine's other installs out.
CG_ROOT=$(awk '{ for (i = 1; i <= NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup2") print $5; break } }' \
	/proc/self/mountinfo | head -1)
R=$TMP/root
mkdir -p "$R/var/log/pods" "$R/var/lib/pkgtrace/traces" "$R/run/pkgtrace" "$TMP/bin" "$TMP/w"
remap() {
	case $1 in
	/host/sys/fs/cgroup*) echo "$CG_ROOT${1#/host/sys/fs/cgroup}" ;;
	/var/log/pods* | /var/lib/pkgtrace/* | /run/pkgtrace*) echo "$R$1" ;;
	*) echo "$1" ;;
	esac
}
RUN_ARGS=()
for a in "${ARGS[@]}"; do RUN_ARGS+=("$(remap "$a")"); done
CAPS=$(cat "$TMP/args.txt.caps")
T=$(tr -dc 'a-z' </dev/urandom | head -c 4)
printf '#!/bin/sh\ncat /etc/hostname >/dev/null\n' >"$TMP/bin/${T}npm"
chmod +x "$TMP/bin/${T}npm"
OUT=$TMP/daemon.jsonl
setpriv --no-new-privs --inh-caps=-all --bounding-set="-all,$CAPS" -- \
	"$PKGTRACE" daemon "${RUN_ARGS[@]}" --session-cmds "${T}npm" --grace 300 --output "$OUT" \
	2>"$TMP/daemon.err" &
DPID=$!
trap 'kill -KILL $DPID 2>/dev/null; rm -rf "$TMP"' EXIT
for i in $(seq 1 300); do
	grep -q '"event":"started"' "$OUT" 2>/dev/null && break
	kill -0 $DPID 2>/dev/null || break
	sleep 0.05
done
if grep -q '"event":"started"' "$OUT" 2>/dev/null && grep -q "^CapEff:.*$(printf '%016x' $(( (1 << 39) | (1 << 38) | (1 << 19) | (1 << 2) )))" "/proc/$DPID/status"; then
	ok "daemon runs with exactly the manifest's capabilities ($CAPS), no_new_privs"
else fail "daemon runs with exactly the manifest's capabilities ($CAPS)" "$(cat "$TMP/daemon.err"; grep Cap "/proc/$DPID/status" 2>&1)"; fi
(cd "$TMP/w" && PATH=$TMP/bin:$PATH "${T}npm" install)
for i in $(seq 1 100); do grep -q '"format":"pkgtrace-report/1"' "$OUT" 2>/dev/null && break; sleep 0.1; done
if grep -q "\"cwd\":\"$TMP/w\"" "$OUT" && ls "$R/var/lib/pkgtrace/traces/"*.ptr >/dev/null 2>&1; then
	ok "with those capabilities: the install traced, reported and its trace kept"
else fail "with those capabilities: the install traced, reported and its trace kept" "$(cut -c1-300 "$OUT"; cat "$TMP/daemon.err")"; fi
sleep 1.2 # a status refresh after the report
while IFS=$'\t' read -r kind cmd; do
	IFS=$'\t' read -r -a words <<<"$cmd"
	probe=()
	for a in "${words[@]}"; do probe+=("$(remap "$a")"); done
	if "$PKGTRACE" "${probe[@]}" >"$TMP/probe.out" 2>&1; then ok "$kind: passes against the running daemon"
	else fail "$kind: passes against the running daemon" "$(cat "$TMP/probe.out")"; fi
	echo "$kind ${probe[*]}" >>"$TMP/probes.run"
done <"$TMP/args.txt.probes"
kill -TERM $DPID
wait $DPID
rc=$?
[ $rc = 0 ] && ok "daemon: SIGTERM, exit 0" || fail "daemon: SIGTERM, exit 0" "rc=$rc $(cat "$TMP/daemon.err")"
read -r kind rest <"$TMP/probes.run"
# shellcheck disable=SC2086 # the probe's words
if "$PKGTRACE" $rest >"$TMP/probe.out" 2>&1; then fail "$kind: fails once the daemon is gone" "$(cat "$TMP/probe.out")"
else ok "$kind: fails once the daemon is gone"; fi

# SYS_PTRACE: an install by another user, already running when the daemon
# starts, is taken from /proc; its cwd (and environment, and files through
# /proc/<pid>/root) can be read only with it.
NB=$(mktemp -d /tmp/pkgtrace-nobody.XXXXXX)
chmod 755 "$NB"
printf '#!/bin/sh\nwhile [ ! -e go ]; do sleep 0.05; done\n' >"$NB/${T}npm"
chmod 755 "$NB/${T}npm"
trap 'kill -KILL $DPID 2>/dev/null; rm -rf "$TMP" "$NB"' EXIT
# partial_cwd CAPS: the cwd the daemon reports for that install (or None)
partial_cwd() {
	local caps=$1 out=$TMP/partial.jsonl i p
	rm -f "$NB/go" "$out"
	setpriv --reuid=nobody --regid=nogroup --clear-groups sh -c 'cd "$1" && exec ./"$2" install' sh "$NB" "${T}npm" &
	p=$!
	sleep 0.3
	setpriv --no-new-privs --inh-caps=-all --bounding-set="-all,$caps" -- \
		"$PKGTRACE" daemon --session-cmds "${T}npm" --grace 300 --output "$out" 2>>"$TMP/partial.err" &
	DPID=$!
	for i in $(seq 1 300); do grep -q '"event":"started"' "$out" 2>/dev/null && break; sleep 0.05; done
	touch "$NB/go"
	wait $p
	for i in $(seq 1 100); do grep -q '"format":"pkgtrace-report/1"' "$out" 2>/dev/null && break; sleep 0.1; done
	kill -TERM $DPID
	wait $DPID
	python3 -c 'import json, sys
r = [json.loads(l) for l in open(sys.argv[1]) if "pkgtrace-report/1" in l]
print(r[0]["command"]["cwd"] if r and r[0]["events"]["partial"] else "no-partial-report")' "$out"
}
with=$(partial_cwd "$CAPS")
without=$(partial_cwd "$(echo ",$CAPS," | sed 's/,+sys_ptrace,/,/; s/^,//; s/,$//')")
if [ "$with" = "$NB" ] && [ "$without" = None ]; then
	ok "SYS_PTRACE: another user's running install reported with its cwd; without it, none"
else fail "SYS_PTRACE: another user's running install reported with its cwd; without it, none" \
	"with: $with, without: $without $(cat "$TMP/partial.err")"; fi

# Each of BPF and PERFMON is needed: without either the daemon exits 77
# with one line, before tracing anything.
for need in bpf perfmon; do
	less=$(echo ",$CAPS," | sed "s/,+$need,/,/; s/^,//; s/,$//")
	setpriv --no-new-privs --inh-caps=-all --bounding-set="-all,$less" -- \
		"$PKGTRACE" daemon --session-cmds "${T}npm" --output "$TMP/less.jsonl" >/dev/null 2>"$TMP/less.err"
	rc=$?
	if [ $rc = 77 ] && [ "$(wc -l <"$TMP/less.err")" = 1 ] && grep -q "CAP_BPF and CAP_PERFMON" "$TMP/less.err"; then
		ok "without ${need^^} ($less): exit 77, one line"
	else fail "without ${need^^} ($less): exit 77, one line" "rc=$rc $(cat "$TMP/less.err")"; fi
done

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
# the packages holding the libraries the binary links itself (DT_NEEDED;
# theirs come with them as package dependencies), Debian names
needed = set(re.findall(r"\(NEEDED\)\s+Shared library: \[([^]]+)\]",
                        subprocess.run(["readelf", "-d", binary], capture_output=True, text=True).stdout))
libs = [path for name, path in re.findall(r"^\s*(\S+)\s+=>\s*(\S+)",
                                          subprocess.run(["ldd", binary], capture_output=True, text=True).stdout, re.M)
        if name in needed]
need = set()
for lib in libs:
    r = subprocess.run(["dpkg", "-S", lib], capture_output=True, text=True)
    if r.returncode != 0:
        r = subprocess.run(["dpkg", "-S", "/usr" + lib if not lib.startswith("/usr") else lib[4:]],
                           capture_output=True, text=True)
    if r.returncode == 0:
        need.add(r.stdout.split(":")[0])
need -= {"libc6"}
# ca-certificates: libcurl's CA store for https --webhook URLs
check("Dockerfile: final stage installs exactly the linked libraries' packages (+ ca-certificates)",
      final == need | {"ca-certificates"}, f"final {sorted(final)}, DT_NEEDED needs {sorted(need)}")
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
