#!/usr/bin/env bash
# trace_tree: the tree is followed by inheritance - a setsid double-forked
# grandchild after its parent exited, threads, lingering processes - and
# nothing outside it is seen.
. "$(dirname "$0")/trace_common.inc"

E=$TMP/daemon.jsonl
# mid.sh forks a setsid grandchild and exits; the grandchild waits until mid
# is gone (its pid passed as $1), then writes.  kill -0, not /proc/$1: $$ is
# a pid of the command's own PID namespace, /proc is the host's.
cat > "$TMP/gc.sh" <<'GC'
while kill -0 "$1" 2>/dev/null; do sleep 0.05; done
echo late > "$2"
GC
echo "setsid sh '$TMP/gc.sh' \$\$ '$TMP/late.txt' </dev/null >/dev/null 2>&1 & exit 0" > "$TMP/mid.sh"
trace daemon -- sh -c "sh '$TMP/mid.sh'; exit 0"
[ "$RC" -eq 0 ] && ok "double-fork run exits 0" || fail "double-fork run exits 0" "rc=$RC"
check "grandchild did its work" test -s "$TMP/late.txt"
expect "grandchild's open is seen after its parent exited" "$E" "
(lambda o: bool(o) and any(f['type']=='fork' and f['child_pid']==o[0]['pid']
   and any(x['type']=='exit' and x['pid']==f['pid'] and x['time_ns'] < o[0]['time_ns'] for x in j)
   for f in j))([e for e in j if e['type']=='open' and e['path']=='$TMP/late.txt'])"
expect "grandchild's exit is seen" "$E" "
(lambda o: any(x['type']=='exit' and x['pid']==o[0]['pid'] for x in j))([e for e in j if e['type']=='open' and e['path']=='$TMP/late.txt'])"

E=$TMP/threads.jsonl
trace threads -- python3 -c "
import threading
def w(i): open('$TMP/thread-%d' % i, 'w').close()
ts = [threading.Thread(target=w, args=(i,)) for i in range(4)]
[t.start() for t in ts]; [t.join() for t in ts]"
expect "opens from 4 threads: one pid, other tids" "$E" "
(lambda o: len(o)==4 and len({e['pid'] for e in o})==1 and all(e['tid']!=e['pid'] for e in o) and len({e['tid'] for e in o})>=1)(
 [e for e in j if e['type']=='open' and e['path'].startswith('$TMP/thread-')])"
expect "threads are not reported as processes (no fork for a tid)" "$E" "
not ({e['tid'] for e in j if e['type']=='open' and e['path'].startswith('$TMP/thread-')} & {e['child_pid'] for e in j if e['type']=='fork'})"

# Outside the tree: a process started by this test while pkgtrace runs.
E=$TMP/outside.jsonl
rm -f "$TMP/go" "$TMP/done"
(
	while [ ! -e "$TMP/go" ]; do sleep 0.05; done
	cat /etc/hostname > "$TMP/outside.txt"
	sh -c "echo outsider > '$TMP/outside2.txt'"
	touch "$TMP/done"
) &
outsider=$!
trace outside -- sh -c "touch '$TMP/go'; while [ ! -e '$TMP/done' ]; do sleep 0.05; done; echo in > '$TMP/inside.txt'"
wait "$outsider"
expect "the traced side is seen" "$E" "[e for e in j if e['type']=='open' and e['path']=='$TMP/inside.txt']"
expect "a process outside the tree produces no events" "$E" \
	"not [e for e in j if e.get('path','').startswith('$TMP/outside') or e['pid']==$outsider or e['ppid']==$outsider]"

# Lingering: a setsid sleeper outlives the command and the grace period;
# with no window to trace it longer, it is killed at once (trace_monitor
# tests the window and --keep-survivors).
E=$TMP/linger.jsonl
trace linger --grace 100 --linger-watch 0 -- sh -c "setsid sleep 30 </dev/null >/dev/null 2>&1 & exit 0"
[ "$RC" -eq 0 ] && ok "lingering run passes the command's status" || fail "lingering run passes the command's status" "rc=$RC"
check "lingering process is reported on stderr" grep -q 'still running' "$TMP/linger.err"
spid=$(jpy "$E" "[e['pid'] for e in j if e['type']=='exec' and e['argv'][:1]==['sleep']][0]" 2>/dev/null)
if [ -n "$spid" ] && ! kill -0 "$spid" 2>/dev/null; then
	ok "lingering process was killed with the install's PID namespace"
else
	fail "lingering process was killed with the install's PID namespace" "pid '$spid'"
	[ -n "$spid" ] && kill "$spid"
fi
expect "lingering process: exec seen, no exit" "$E" \
	"[e for e in j if e['type']=='exec' and e['pid']==$spid] and not [e for e in j if e['type']=='exit' and e['pid']==$spid]"
done_testing
