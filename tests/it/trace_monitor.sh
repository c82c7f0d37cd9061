#!/usr/bin/env bash
# trace_monitor: the install can neither stop its collector nor outlive it
# (CMD runs in a PID namespace of its own, user/nsinit.c), and survivors
# are traced for --linger-watch after the grace period, then killed.
. "$(dirname "$0")/trace_common.inc"

# A marked copy of sleep: its comm and exe name the install's processes.
MARK=ptmark-$$
cp /bin/sleep "$TMP/$MARK"
# marked_alive: pids of live processes whose exe or comm is the mark
marked_alive() {
	local p exe comm out=
	for p in /proc/[0-9]*; do
		exe=$(readlink "$p/exe" 2>/dev/null)
		comm=$(cat "$p/comm" 2>/dev/null)
		case "$exe $comm" in *"$MARK"*) out="$out ${p#/proc/}" ;; esac
	done
	echo $out
}

# 1. The install aims kill -9 at its collector (host pid passed in), at
#    pid 1 of its namespace and at its parent; pidfd_open, a pidfd from
#    /proc/<pid>, ptrace and process_vm_readv at the collector; then
#    kill(0, SIGKILL) on its own process group.  The collector survives all of it and reports.
cat >"$TMP/attack.py" <<'PY'
import ctypes, errno, os, signal, sys, time
c = int(os.environ["COLLECTOR"])
res = {}
def t(name, f):
    try:
        f()
        res[name] = "ok"
    except OSError as e:
        res[name] = errno.errorcode.get(e.errno, str(e.errno))
libc = ctypes.CDLL(None, use_errno=True)
def ptrace_attach():
    if libc.ptrace(16, c, None, None) != 0:  # PTRACE_ATTACH
        raise OSError(ctypes.get_errno(), "ptrace")
class iovec(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]
def vm_read():
    buf = ctypes.create_string_buffer(8)
    local, remote = iovec(ctypes.addressof(buf), 8), iovec(0x400000, 8)
    if libc.process_vm_readv(c, ctypes.byref(local), 1, ctypes.byref(remote), 1, 0) < 0:
        raise OSError(ctypes.get_errno(), "process_vm_readv")
res["pid"] = os.getpid()
t("kill_collector", lambda: os.kill(c, signal.SIGKILL))
t("kill_pid1", lambda: os.kill(1, signal.SIGKILL))
t("pidfd_open", lambda: os.pidfd_open(c))
t("pidfd_proc", lambda: signal.pidfd_send_signal(os.open("/proc/%d" % c, os.O_RDONLY), signal.SIGKILL))
t("ptrace", ptrace_attach)
t("process_vm_readv", vm_read)
t("kill_collector_group", lambda: os.killpg(os.getpgid(c), signal.SIGKILL))
t("kill_parent", lambda: os.kill(os.getppid(), signal.SIGKILL))
time.sleep(0.3)
# still here: pid 1 of the namespace did not die (its death kills us)
res["after"] = "alive"
with open(sys.argv[1], "w") as f:
    f.write(repr(res))
os.kill(0, signal.SIGKILL)
PY
(
	export COLLECTOR=$BASHPID
	# --fail-on never: the attack is itself a finding (monitor-tamper,
	# checked below), whose exit 10 would hide CMD's status
	exec timeout -k 5 120 "$PKGTRACE" -q --fail-on never --events "$TMP/attack.jsonl" --report "$TMP/attack.json" \
		-- sh -c "python3 '$TMP/attack.py' '$TMP/attack.out'; echo parent-survived > '$TMP/attack.parent'"
) 2>"$TMP/attack.err"
RC=$?
[ "$RC" -eq 77 ] || [ "$RC" -eq 78 ] && { fail "BPF loads" "$(cat "$TMP/attack.err")"; done_testing; }
check "the attack script ran to its end" test -s "$TMP/attack.out"
res=$(cat "$TMP/attack.out" 2>/dev/null)
want() { # want NAME OUTCOME
	if python3 -c "import sys; r = eval(sys.argv[1]); sys.exit(r.get(sys.argv[2]) != sys.argv[3])" "$res" "$1" "$2"; then
		ok "from inside: $1 -> $2"
	else
		fail "from inside: $1 -> $2" "$res"
	fi
}
want kill_collector ESRCH
want pidfd_open ESRCH
want pidfd_proc EINVAL
want ptrace ESRCH
want process_vm_readv ESRCH
want kill_collector_group ESRCH
want kill_pid1 ok   # accepted, and dropped by the kernel
want after alive
[ "$RC" -eq 137 ] && ok "the collector survived and passes CMD's status (killed by its own script: 137)" \
	|| fail "the collector survived and passes CMD's status (killed by its own script: 137)" "rc=$RC $(cat "$TMP/attack.err")"
if jpy "$TMP/attack.json" 'j["command"]["signal"] == 9 and j["events"]["seen"] > 0'; then
	ok "the report is written"
else
	fail "the report is written" "$(head -c 300 "$TMP/attack.json" 2>&1)"
fi
expect "the attack on the collector is reported: monitor-tamper critical (process_vm_readv)" "$TMP/attack.json" \
	"[f for f in j['findings'] if f['rule']=='monitor-tamper' and f['severity']=='critical']"
expect "the script's pid and parent in records are host pids, not 1 or 2" "$TMP/attack.jsonl" "
(lambda ex: ex and ex[0]['pid'] > 2 and ex[0]['ppid'] > 2 and ex[0]['pid'] != $(python3 -c "print(eval(open('$TMP/attack.out').read())['pid'])" 2>/dev/null || echo 0))(
 [e for e in j if e['type']=='exec' and 'attack.py' in ' '.join(e.get('argv', []))])"
expect "the namespace's init is not in the trace (the root is CMD, the first record)" "$TMP/attack.jsonl" "
j[0]['type']=='root' and not [e for e in j if e['pid']==j[0]['ppid']]"

# 2. pkgtrace killed with SIGKILL from outside mid-install: nothing of the
#    install runs on, detached (setsid, nohup) or not.
rm -f "$TMP/started" "$TMP/killed.pid"
# (in a subshell whose stderr is /dev/null: bash's "Killed" notice goes there)
(
	"$PKGTRACE" -q --events "$TMP/killed.jsonl" -- sh -c "
		'$TMP/$MARK' 1000 &
		setsid '$TMP/$MARK' 1001 </dev/null >/dev/null 2>&1 &
		nohup '$TMP/$MARK' 1002 </dev/null >/dev/null 2>&1 &
		setsid sh -c \"'$TMP/$MARK' 1003 & wait\" </dev/null >/dev/null 2>&1 &
		sleep 0.3; touch '$TMP/started'; wait" 2>"$TMP/killed.err" &
	echo $! >"$TMP/killed.pid"
	wait $!
) 2>/dev/null &
wrapper=$!
for _ in $(seq 1 100); do [ -e "$TMP/started" ] && break; sleep 0.1; done
before=$(marked_alive)
set -- $before
[ $# -eq 4 ] && ok "4 marked processes run before the kill" || fail "4 marked processes run before the kill" "pids: $before"
pt=$(cat "$TMP/killed.pid")
kill -9 "$pt"
t0=$(date +%s%N)
left=$(marked_alive)
while [ -n "$left" ] && [ $(( ($(date +%s%N) - t0) / 1000000 )) -lt 1000 ]; do
	sleep 0.05
	left=$(marked_alive)
done
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
wait "$wrapper"
rc=$?
[ "$rc" -eq 137 ] && ok "pkgtrace itself was the one killed" || fail "pkgtrace itself was the one killed" "rc=$rc"
[ -z "$left" ] && ok "pkgtrace killed: no process of the install remains after ${ms} ms" \
	|| { fail "pkgtrace killed: no process of the install remains within a second" "left: $left"; kill -9 $left 2>/dev/null; }

# 3. A detached survivor (setsid nohup) reads a bait credential after the
#    grace period: the read is traced, the survivor reported and killed at
#    the end of the window.
mkdir -p "$TMP/home/.aws"
echo "[default]" >"$TMP/home/.aws/credentials"
SURV="setsid nohup sh -c \"sleep 1.5; cat '$TMP/home/.aws/credentials' >/dev/null; exec '$TMP/$MARK' 100\" </dev/null >/dev/null 2>&1 & exit 0"
t0=$(date +%s%N)
HOME=$TMP/home timeout -k 5 120 "$PKGTRACE" -q --grace 500 --linger-watch 3000 --events "$TMP/late.jsonl" \
	--report "$TMP/late.json" -- sh -c "$SURV" 2>"$TMP/late.err"
RC=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
left=$(marked_alive)
[ "$RC" -eq 0 ] && ok "survivor run passes CMD's status" || fail "survivor run passes CMD's status" "rc=$RC $(cat "$TMP/late.err")"
expect "the credential read after the grace period is traced" "$TMP/late.jsonl" "
(lambda x, o: x and o and o[0]['time_ns'] - x[0]['time_ns'] > 500*10**6)(
 [e for e in j if e['type']=='exit' and e['pid']==j[0]['pid']],
 [e for e in j if e['type']=='open' and e['path']=='$TMP/home/.aws/credentials'])"
expect "the survivor's exec of the marked sleep is traced, its death by our kill is not" "$TMP/late.jsonl" "
(lambda x: x and not [e for e in j if e['type']=='exit' and e['pid']==x[0]['pid']])(
 [e for e in j if e['type']=='exec' and '$MARK' in e.get('path','')])"
if jpy "$TMP/late.json" 'j["survivors"]["fate"] == "killed" and j["survivors"]["count"] == 1 and 2500 <= j["survivors"]["traced_ms"] <= 4000 and any(f["rule"] == "lingering-process" for f in j["findings"])'; then
	ok "report: a lingering-process finding, the survivor traced for the window and killed"
else
	fail "report: a lingering-process finding, the survivor traced for the window and killed" "$(jpy "$TMP/late.json" 'j["survivors"]' 2>&1) $(jpy "$TMP/late.json" '[f["rule"] for f in j["findings"]]' 2>&1)"
fi
[ -z "$left" ] && ok "the survivor is gone when pkgtrace returns" || { fail "the survivor is gone when pkgtrace returns" "$left"; kill -9 $left; }
[ "$ms" -lt 8000 ] && ok "the window bounds the run (${ms} ms for grace 500 + window 3000)" || fail "the window bounds the run" "${ms} ms"
check "stderr says the survivor was killed" grep -q "killed with the install's PID namespace" "$TMP/late.err"

# 3b. The same with --record: the replayed report says the same.
HOME=$TMP/home timeout -k 5 120 "$PKGTRACE" -q --grace 200 --linger-watch 2500 --record "$TMP/late.ptr" \
	--report "$TMP/late2.json" -- sh -c "$SURV" 2>"$TMP/late2.err"
"$PKGTRACE" replay -q --fail-on never --report "$TMP/late2.replay.json" "$TMP/late.ptr" 2>"$TMP/late2.replay.err"
if cmp -s "$TMP/late2.json" "$TMP/late2.replay.json" && jpy "$TMP/late2.json" 'j["survivors"]["fate"] == "killed"'; then
	ok "replay: the same report, survivors included"
else
	fail "replay: the same report, survivors included" "$(diff "$TMP/late2.json" "$TMP/late2.replay.json" | head -5)"
fi
left=$(marked_alive); [ -n "$left" ] && kill -9 $left

# 4. --keep-survivors: left running, untraced, and said loudly.
HOME=$TMP/home timeout -k 5 120 "$PKGTRACE" --no-color --grace 200 --linger-watch 0 --keep-survivors \
	--report "$TMP/kept.json" -- sh -c "setsid '$TMP/$MARK' 100 </dev/null >/dev/null 2>&1 & exit 0" \
	>"$TMP/kept.out" 2>"$TMP/kept.err"
RC=$?
left=$(marked_alive)
[ -n "$left" ] && ok "--keep-survivors: the survivor runs on" || fail "--keep-survivors: the survivor runs on" "$(cat "$TMP/kept.err")"
[ -n "$left" ] && kill -9 $left
if jpy "$TMP/kept.json" 'j["survivors"] == {"count": 1, "traced_ms": 0, "fate": "left-running"}' &&
	grep -q "LEFT RUNNING, UNTRACED" "$TMP/kept.out" && grep -q "LEFT RUNNING, UNTRACED" "$TMP/kept.err"; then
	ok "--keep-survivors: report, text and stderr say so"
else
	fail "--keep-survivors: report, text and stderr say so" "$(cat "$TMP/kept.out" "$TMP/kept.err" | head -5)"
fi

# 5. SIGTERM to pkgtrace still reaches CMD (through the init).
timeout -k 5 120 "$PKGTRACE" -q --report "$TMP/term.json" -- sh -c "trap 'echo got-term > \"$TMP/term.txt\"; exit 7' TERM; touch '$TMP/term.ready'; while :; do sleep 0.05; done" 2>"$TMP/term.err" &
pt=$!
for _ in $(seq 1 100); do [ -e "$TMP/term.ready" ] && break; sleep 0.1; done
kill -TERM "$pt"
wait "$pt"
RC=$?
if [ "$RC" -eq 7 ] && [ -s "$TMP/term.txt" ] && jpy "$TMP/term.json" 'j["events"]["interrupted"] and j["command"]["exit_code"] == 7'; then
	ok "SIGTERM to pkgtrace is forwarded to CMD; the report says interrupted"
else
	fail "SIGTERM to pkgtrace is forwarded to CMD; the report says interrupted" "rc=$RC $(cat "$TMP/term.err")"
fi
done_testing
