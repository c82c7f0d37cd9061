#!/usr/bin/env bash
# trace_setid: credential changes (privilege-change) carry the call and
# exactly its ids; setuid/setgid have one, the others two; and the real,
# effective and saved ids after the call.
. "$(dirname "$0")/trace_common.inc"
E=$TMP/setid.jsonl
trace setid --fail-on never -- python3 -c "
import os
os.setregid(0, 0)
os.setreuid(0, 0)
os.setresgid(-1, -1, -1)
os.setgid(65534)
os.setuid(65534)"
[ "$RC" -eq 0 ] && ok "setid: command ran" || fail "setid: command ran" "rc=$RC $(cat "$TMP/setid.err")"
expect "setregid(0, 0): two ids" "$E" \
	"[e for e in j if e['type']=='setid' and e['call']=='setregid' and e['ids']==[0,0] and e['ret']==0]"
expect "setreuid(0, 0): two ids" "$E" \
	"[e for e in j if e['type']=='setid' and e['call']=='setreuid' and e['ids']==[0,0] and e['ret']==0]"
expect "setresgid(-1, -1, -1): the first two ids" "$E" \
	"[e for e in j if e['type']=='setid' and e['call']=='setresgid' and e['ids']==[-1,-1]]"
expect "setgid(65534): one id" "$E" \
	"[e for e in j if e['type']=='setid' and e['call']=='setgid' and e['ids']==[65534] and e['ret']==0]"
expect "setuid(65534): one id, and the uid of later events is 65534" "$E" \
	"[e for e in j if e['type']=='setid' and e['call']=='setuid' and e['ids']==[65534] and e['ret']==0] and j[-1]['uid']==65534"
expect "setresgid(-1, -1, -1): the gids after it are unchanged" "$E" \
	"[e for e in j if e['type']=='setid' and e['call']=='setresgid' and e['after']==[0,0,0]]"
expect "setgid(65534) as root: all three gids after it are 65534" "$E" \
	"[e for e in j if e['type']=='setid' and e['call']=='setgid' and e['after']==[65534,65534,65534]]"
expect "setuid(65534) as root: all three uids after it are 65534" "$E" \
	"[e for e in j if e['type']=='setid' and e['call']=='setuid' and e['after']==[65534,65534,65534]]"
done_testing
