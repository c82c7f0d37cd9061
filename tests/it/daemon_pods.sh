#!/usr/bin/env bash
# daemon_pods.sh - pkgtrace daemon under real BPF: two npm installs at once,
# each in its own kubelet-style cgroup (pod + containerd container), give
# one report each with the right container, pod and only their own
# findings; a nested npm stays in its outer session; an install already
# running at start is reported partial; --record-dir keeps one trace per
# session.  A third pod (cri-o naming) runs a pip install of an sdist.  Network: loopback only, in a fresh namespace.
# The daemon traces every install on the node, other tests' too: this test
# finds its own reports by their exact cwd, and its own sessions by the
# ids in its traces' names; what other installs add is left alone.
. "$(dirname "$0")/daemon_common.inc"

UID_A=6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f
UID_B=7a2b3c4d-5e6f-4a7b-9c8d-1e2f3a4b5c6d
CID_A=$(printf 'container-a' | sha256sum | cut -d' ' -f1)
CID_B=$(printf 'container-b' | sha256sum | cut -d' ' -f1)
UID_C=8b3c4d5e-6f7a-4b8c-8d9e-2f3a4b5c6d7e
CID_C=$(printf 'container-c' | sha256sum | cut -d' ' -f1)
PODS=$TMP/pods
mkdir -p "$PODS/ci-runners_build-cred-x7k2p_$UID_A" "$PODS/team-b_build-persist-q9z4m_$UID_B" \
	"$PODS/py-jobs_wheel-build-5hx8c_$UID_C" \
	"$PODS/kube-system_unrelated_00000000-1111-2222-3333-444444444444" "$TMP/rec"

corpus_start
trap daemon_cleanup EXIT
[ -n "$CG_ROOT" ] || { fail "cgroup2 mount found in /proc/self/mountinfo"; done_testing; }

npm_stage cred-steal || { fail "stage cred-steal" "$(tail -3 "$TMP"/npm/cred-steal/*.log)"; done_testing; }
npm_stage persistence || { fail "stage persistence" "$(tail -3 "$TMP"/npm/persistence/*.log)"; done_testing; }
pip_stage pth-persistence || { fail "stage pth-persistence" "$(tail -3 "$TMP"/pip/pth-persistence/*.log)"; done_testing; }

# A project whose own script runs npm again (nested), and one whose script
# is already running when the daemon starts.
NEST=$TMP/nest
mkdir -p "$NEST/home" "$NEST/tmp"
printf '{"name":"nest","version":"1.0.0","private":true,"scripts":{"hello":"npm --version >inner.txt"}}\n' \
	>"$NEST/package.json"
EARLY=$TMP/early
mkdir -p "$EARLY/home" "$EARLY/tmp"
printf '//127.0.0.1/:_authToken=EARLYBAIT\n' >"$EARLY/home/.npmrc"
printf '{"name":"early","version":"1.0.0","private":true,"scripts":{"wait":"touch waiting; while [ ! -e go ]; do sleep 0.05; done; cat $HOME/.npmrc >read.txt"}}\n' \
	>"$EARLY/package.json"
(cd "$EARLY" && corpus_env "$EARLY/home" "$EARLY/tmp" npm run wait) >"$EARLY/out" 2>&1 &
EARLY_PID=$!
corpus_wait_file "$EARLY/waiting" || touch "$EARLY/waiting.missing"
[ -e "$EARLY/waiting" ] && ok "early install is running before the daemon" ||
	fail "early install is running before the daemon" "$(cat "$EARLY/out")"
# its processes, to tell the scan's words about it from those about others
EARLY_PIDS=$(for p in /proc/[0-9]*; do [ "$(readlink "$p/cwd" 2>/dev/null)" = "$EARLY" ] && echo "${p#/proc/}"; done)

daemon_start --pods-dir "$PODS" --record-dir "$TMP/rec" --grace 3000 || done_testing
ok "daemon started"
if grep -q '"partial_sessions":[1-9]' "$OUT"; then ok "daemon took the running install as partial"
else fail "daemon took the running install as partial" "$(head -1 "$OUT")"; fi

CG_A=$(kube_cgroup "$UID_A" "$CID_A") && CG_B=$(kube_cgroup "$UID_B" "$CID_B") &&
	CG_C=$(kube_cgroup "$UID_C" "$CID_C" crio-) ||
	{ fail "kubelet-style cgroups created under $CG_ROOT"; done_testing; }
ok "kubelet-style cgroups created under $CG_ROOT"

corpus_reset_logs
A=$TMP/npm/cred-steal B=$TMP/npm/persistence
# A's project is only visible in its own mount namespace, at a path that
# is an empty folder on the host, as in a container: what the analysis
# reads (package.json allowScripts) must come from the install's view.
mkdir -p "$TMP/ctr-a"
(corpus_env "$A/home" "$A/tmp" unshare -m sh -c \
	'mount --bind "$1" "$2" && echo $$ >"$0/cgroup.procs" && cd "$2" && exec npm ci' \
	"$CG_A" "$A/project" "$TMP/ctr-a") >"$A/install.out" 2>&1 &
PA=$!
(cd "$B/project" && corpus_env "$B/home" "$B/tmp" \
	sh -c 'echo $$ >"$0/cgroup.procs" && exec npm ci' "$CG_B") >"$B/install.out" 2>&1 &
PB=$!
(cd "$NEST" && corpus_env "$NEST/home" "$NEST/tmp" npm run hello) >"$NEST/out" 2>&1 &
PN=$!
C=$TMP/pip/pth-persistence
# shellcheck disable=SC2046 # pip_args is a list of words
(cd "$C/work" && corpus_env "$C/home" "$C/tmp" \
	sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$CG_C" "$C/venv/bin/pip" $(pip_args pth-persistence)) \
	>"$C/install.out" 2>&1 &
PC=$!
touch "$EARLY/go"
wait $PA; RA=$?
wait $PB; RB=$?
wait $PN; RN=$?
wait $PC; RC_=$?
wait $EARLY_PID
[ $RA -eq 0 ] && [ $RB -eq 0 ] && [ $RC_ -eq 0 ] && ok "the three pod installs succeeded" ||
	fail "the three pod installs succeeded" "A=$RA B=$RB C=$RC_ $(for f in "$A" "$B" "$C"; do tail -n 3 "$f/install.out"; done)"
[ $RN -eq 0 ] && [ -s "$NEST/inner.txt" ] && ok "nested npm ran" || fail "nested npm ran" "$(cat "$NEST/out")"

for w in "$TMP/ctr-a" "$B/project" "$NEST" "$EARLY" "$C/work"; do
	for i in $(seq 1 1800); do grep -qF "\"cwd\":\"$w\"" "$OUT" && break; sleep 0.1; done
done
# exactly one report for each of the five installs, whatever else ran
if python3 - "$OUT" "$TMP/ctr-a" "$B/project" "$NEST" "$EARLY" "$C/work" <<'PY'
import json, sys
cwds = [json.loads(l)["command"]["cwd"] for l in open(sys.argv[1]) if '"pkgtrace-report/1"' in l]
sys.exit(0 if all(cwds.count(w) == 1 for w in sys.argv[2:]) else 1)
PY
then ok "five reports written, one per install"
else fail "five reports written, one per install" "$(grep -o '"cwd":"[^"]*"' "$OUT")"; fi

# --- the two pod installs ---
RA_JSON=$(report_where cred "r['command']['cwd'] == '$TMP/ctr-a'")
RB_JSON=$(report_where persist "r['command']['cwd'] == '$B/project'")
RC_JSON=$(report_where pip "r['command']['cwd'] == '$C/work'")
for x in "$RA_JSON:$UID_A:$CID_A:ci-runners:build-cred-x7k2p:npm:cred-steal:containerd:cri-containerd-" \
	"$RB_JSON:$UID_B:$CID_B:team-b:build-persist-q9z4m:npm:persistence:containerd:cri-containerd-" \
	"$RC_JSON:$UID_C:$CID_C:py-jobs:wheel-build-5hx8c:pip:pth-persistence:cri-o:crio-"; do
	IFS=: read -r file uid cid ns name eco case runtime prefix <<<"$x"
	if [ -z "$file" ]; then fail "$case: report line found" "$(cut -c1-300 "$OUT")"; continue; fi
	ok "$case: report line found"
	expect_j() {
		if jpy "$file" "$2" 2>"$TMP/jpy.err"; then ok "$case: $1"; else fail "$case: $1" "$2 $(tail -1 "$TMP/jpy.err")"; fi
	}
	expect_j "container id and runtime" "j['container'] == {'id': '$cid', 'runtime': '$runtime'}"
	expect_j "pod uid, name, namespace" "j['pod'] == {'uid': '$uid', 'name': '$name', 'namespace': '$ns'}"
	expect_j "cgroup path" "j['cgroup'].endswith('/$prefix$cid.scope') and j['cgroup'].startswith('/kubepods.slice/')"
	if [ "$eco" = npm ]; then
		expect_j "command is npm ci" "j['command']['argv'][-1] == 'ci' and j['command']['argv'][0].endswith('npm')"
	else
		expect_j "command is venv/bin/pip install" "j['command']['argv'][0].endswith('/venv/bin/pip') and j['command']['argv'][1] == 'install'"
	fi
	expect_j "not partial, not interrupted" "not j['events']['partial'] and not j['events']['interrupted']"
	# the case's own findings, judged as the corpus does; the daemon has no
	# exit status per session, so the one the report implies is passed
	PATH=$CORPUS_PATH python3 "$CORPUS_DIR/check.py" "daemon $case" "$CORPUS_DIR/$eco/$case/expected.json" \
		"$file" "$(jpy "$file" 'str(10 if j["summary"]["max_severity"] in ("high", "critical") else 0)')"
	[ $? -eq 0 ] || T_FAILED=$((T_FAILED + 1))
done
if [ -n "$RA_JSON" ] && [ -n "$RB_JSON" ] && [ -n "$RC_JSON" ]; then
	if jpy "$RA_JSON" '"build-cache-warm" not in json.dumps(j) and "llmproxyx" not in json.dumps(j) and "persistence" not in json.dumps(j["findings"])' &&
		jpy "$RB_JSON" '"env-telemetry" not in json.dumps(j) and "llmproxyx" not in json.dumps(j) and "credential-access" not in [f["rule"] for f in j["findings"]]' &&
		jpy "$RC_JSON" '"env-telemetry" not in json.dumps(j) and "build-cache-warm" not in json.dumps(j)'; then
		ok "no event of one install in the other's report"
	else
		fail "no event of one install in the other's report"
	fi
fi

# --- nesting: one session for npm run hello and the npm it ran ---
RN_JSON=$(report_where nest "r['command']['cwd'] == '$NEST'")
if [ -n "$RN_JSON" ]; then
	ok "nested: report of the outer npm"
	if jpy "$RN_JSON" 'j["command"]["argv"][1:] == ["run", "hello"] and j["container"] is None and j["pod"] is None'; then
		ok "nested: outer command, no container, no pod"
	else fail "nested: outer command, no container, no pod" "$(cut -c1-400 "$RN_JSON")"; fi
	if python3 - "$OUT" "$NEST" <<'PY'
import json, sys
reps = [json.loads(l) for l in open(sys.argv[1])]
reps = [r for r in reps if r["format"] == "pkgtrace-report/1"]
# the inner npm runs in the project folder too: a session of its own
# would be a second report with that cwd (npm --version elsewhere on the
# node is another install's)
mine = [r for r in reps if r["command"]["cwd"] == sys.argv[2]]
inner = [r for r in mine if "--version" in r["command"]["argv"]]
sys.exit(0 if len(mine) == 1 and not inner else 1)
PY
	then ok "nested: the inner npm is no session of its own"
	else fail "nested: the inner npm is no session of its own" "$(grep -o '"argv":\[[^]]*\],"cwd":"[^"]*"' "$OUT")"; fi
	if jpy "$RN_JSON" 'any("--version" in p for pk in j["packages"] for p in pk["processes"]) or j["events"]["seen"] > 20'; then
		ok "nested: the inner npm's events are in the outer report"
	else fail "nested: the inner npm's events are in the outer report" "$(cut -c1-600 "$RN_JSON")"; fi
else
	fail "nested: report of the outer npm" "$(cut -c1-300 "$OUT")"
fi

# --- the install already running at start ---
RE_JSON=$(report_where early "r['command']['cwd'] == '$EARLY'")
if [ -n "$RE_JSON" ]; then
	ok "partial: report of the running install"
	if jpy "$RE_JSON" 'j["events"]["partial"] and j["command"]["argv"][-2:] == ["run", "wait"]'; then
		ok "partial: marked partial, its command from /proc"
	else fail "partial: marked partial, its command from /proc" "$(cut -c1-400 "$RE_JSON")"; fi
	if jpy "$RE_JSON" 'any(f["rule"] == "trace-incomplete" for f in j["findings"])'; then
		ok "partial: trace-incomplete finding"
	else fail "partial: trace-incomplete finding"; fi
	if jpy "$RE_JSON" 'any(p == "cat '"$EARLY"'/home/.npmrc" for pk in j["packages"] if pk["name"] == "early" for p in pk["processes"]) and j["packages"][0]["scripts_ran"]'; then
		ok "partial: its running script is attributed, and what it did after the start is traced"
	else fail "partial: its running script is attributed, and what it did after the start is traced" "$(cut -c1-1500 "$RE_JSON")"; fi
	if jpy "$RE_JSON" '"env-telemetry" not in json.dumps(j) and "build-cache-warm" not in json.dumps(j) and "inner.txt" not in json.dumps(j)'; then
		ok "partial: nothing of the other installs in it"
	else fail "partial: nothing of the other installs in it"; fi
else
	fail "partial: report of the running install" "$(cut -c1-300 "$OUT")"
fi

# every report line validates against the schema
if python3 - "$OUT" "$TOP/schemas/report.schema.json" <<'PY'
import json, sys, jsonschema
schema = json.load(open(sys.argv[2]))
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r["format"] == "pkgtrace-report/1":
        jsonschema.validate(r, schema)
PY
then ok "every report line validates against the schema"; else fail "every report line validates against the schema"; fi

# --- one trace per session ---
for f in "$RA_JSON" "$RB_JSON" "$RC_JSON" "$RN_JSON" "$RE_JSON"; do
	[ -n "$f" ] && t=$(jpy "$f" 'j["trace"] or ""') && [ -n "$t" ] && [ -s "$t" ] && [ "$(dirname "$t")" = "$TMP/rec" ] || t=
	if [ -n "$t" ]; then ok "--record-dir: $(basename "$f" .json) has its trace $(basename "$t")"
	else fail "--record-dir: $(basename "$f" .json) has its trace" "$(ls -la "$TMP/rec")"; fi
done
for f in "$RA_JSON" "$RB_JSON" "$RC_JSON"; do
	[ -n "$f" ] || continue
	t=$(jpy "$f" 'j["trace"] or ""')
	"$PKGTRACE" replay --format json "$t" >"$TMP/replay.json" 2>"$TMP/replay.err"
	if python3 - "$f" "$TMP/replay.json" <<'PY'
import json, sys
live = json.load(open(sys.argv[1]))
rep = json.load(open(sys.argv[2]))
for k in ("container", "pod", "cgroup", "trace"):
    live.pop(k, None)
sys.exit(0 if live == rep else 1)
PY
	then ok "--record-dir: replay of $(basename "$f" .json) equals the daemon's report (without container/pod/cgroup/trace)"
	else fail "--record-dir: replay of $(basename "$f" .json) equals the daemon's report" \
		"$(cat "$TMP/replay.err"; diff <(python3 -m json.tool "$f") <(python3 -m json.tool "$TMP/replay.json") | head -10)"; fi
done

daemon_stop
[ "$DRC" -eq 0 ] && ok "daemon exits 0 on SIGTERM" || fail "daemon exits 0 on SIGTERM" "rc=$DRC $(tail -3 "$TMP/daemon.err")"
if python3 -c 'import json,sys; l=[json.loads(x) for x in open(sys.argv[1])]; sys.exit(0 if l[-1]["event"] == "stopped" and l[-1]["reports"] == sum(x["format"] == "pkgtrace-report/1" for x in l) >= 5 else 1)' "$OUT"
then ok "stopped notice counts the reports"
else fail "stopped notice counts the reports" "$(tail -1 "$OUT")"; fi
# stderr: nothing about this test's sessions (ids from its traces' names,
# <UTC start>-<session>.ptr) or its running install; lines naming other
# installs' sessions or pids are theirs
OURS=$(for f in "$RA_JSON" "$RB_JSON" "$RC_JSON" "$RN_JSON" "$RE_JSON"; do
	[ -n "$f" ] && t=$(jpy "$f" 'j["trace"] or ""') && [ -n "$t" ] && basename "$t" .ptr | sed 's/.*-//'
done)
if python3 - "$TMP/daemon.err" "$OURS" "$EARLY_PIDS" <<'PY'
import re, sys
ours, early = set(sys.argv[2].split()), set(sys.argv[3].split())
bad = []
for line in open(sys.argv[1]):
    m = re.search(r"daemon: session (\d+):", line) or re.search(r"install pid (\d+) already running", line)
    if m and m.group(1) not in (ours if "session" in m.group(0) else early):
        print("# another install's:", line.rstrip())
        continue
    bad.append(line)
sys.stdout.write("".join("# " + l for l in bad[:5]))
sys.exit(1 if bad or len(ours) != 5 else 0)
PY
then ok "daemon said nothing on stderr about this test's installs"
else fail "daemon said nothing on stderr about this test's installs" "sessions: $(echo $OURS)"; fi
corpus_kill_payloads "$TMP"
cgroups_cleanup
if [ ! -e "$CG_A" ] && [ ! -e "$CG_B" ] && [ ! -e "$CG_C" ] && [ ! -e "$(dirname "$CG_A")" ]; then
	ok "test cgroups removed"
else fail "test cgroups removed" "$(ls -d "$CG_A" "$CG_B" "$CG_C" 2>&1)"; fi
done_testing
