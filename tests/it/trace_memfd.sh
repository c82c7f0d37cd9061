#!/usr/bin/env bash
# trace_memfd: memfd_create and an exec of the memfd (fileless execution).
. "$(dirname "$0")/trace_common.inc"
E=$TMP/memfd.jsonl
trace memfd -- python3 -c "
import os
fd = os.memfd_create('stage2', 0)
os.write(fd, open('/bin/true', 'rb').read())
os.execve('/proc/self/fd/%d' % fd, ['stage2-true', 'x'], {})"
# fileless-exec is a critical finding: exit 10 with the default --fail-on high
[ "$RC" -eq 10 ] && ok "memfd exec is a finding: exit 10" || fail "memfd exec is a finding: exit 10" "rc=$RC $(cat "$TMP/memfd.err")"
expect "memfd_create is seen with its name" "$E" \
	"[e for e in j if e['type']=='memfd' and e['name']=='stage2' and e['ret']>=0]"
expect "exec of the memfd is flagged memfd, with its argv" "$E" \
	"[e for e in j if e['type']=='exec' and e['memfd'] and e['argv']==['stage2-true','x'] and e['ret']==0]"
expect "plain execs are not flagged" "$E" \
	"[e for e in j if e['type']=='exec' and not e['memfd'] and not e['deleted']]"
trace memfd2 --fail-on never -- python3 -c "
import os
fd = os.memfd_create('stage2', 0)
os.write(fd, open('/bin/true', 'rb').read())
os.execve('/proc/self/fd/%d' % fd, ['stage2-true'], {})"
[ "$RC" -eq 0 ] && ok "--fail-on never passes the command's status" || fail "--fail-on never passes the command's status" "rc=$RC"
done_testing
