#!/usr/bin/env bash
# trace_pidns: pkgtrace itself inside a PID namespace (a CI container) sees
# the same events, with host pids.
. "$(dirname "$0")/trace_common.inc"
SCRIPT="cat /etc/hostname >/dev/null; echo ns > '$TMP/ns.txt'; sh -c 'exit 3'"
trace host -- sh -c "$SCRIPT"
host_rc=$RC
"$(command -v timeout)" 120 unshare -p -f --mount-proc "$PKGTRACE" -q --events "$TMP/ns.jsonl" -- sh -c "$SCRIPT; echo \$\$ > '$TMP/nspid'" 2>"$TMP/ns.err"
RC=$?
[ "$RC" -eq 0 ] && [ "$host_rc" -eq 3 ] && ok "runs inside unshare -p -f --mount-proc" || fail "runs inside unshare -p -f --mount-proc" "rc=$RC host=$host_rc $(cat "$TMP/ns.err")"
E=$TMP/ns.jsonl
expect "same exec and open events as outside the namespace" "$E" "
(lambda a, b: a <= b)(

 {(e['type'], e['path']) for e in [__import__('json').loads(l) for l in open('$TMP/host.jsonl')] if e['type'] in ('exec','open') and not e['path'].startswith('/proc')},
 {(e['type'], e['path']) for e in j if e['type'] in ('exec','open')})"
expect "events carry host pids, not namespace pids" "$E" \
	"(lambda r: r['pid'] > 2 and r['pid'] != int(open('$TMP/nspid').read()))([e for e in j if e['type']=='root'][0])"
expect "the inner exit status 3 is seen" "$E" "[e for e in j if e['type']=='exit' and e['exit_code']==3]"
done_testing
