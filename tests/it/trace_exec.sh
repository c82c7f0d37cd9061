#!/usr/bin/env bash
# trace_exec: a shell pipeline's execs (argv, absolute paths), exit status and
# signal pass-through, missing / non-executable commands.
. "$(dirname "$0")/trace_common.inc"
E=$TMP/pipe.jsonl
TR=$(realpath "$(command -v tr)"); WC=$(realpath "$(command -v wc)")
SH=$(realpath "$(command -v sh)")

trace pipe -- sh -c 'echo hello | tr a-z A-Z | wc -c >/dev/null; exit 0'
[ "$RC" -eq 0 ] && ok "pipeline exits 0" || fail "pipeline exits 0" "rc=$RC"
expect "root exec is the shell with its argv" "$E" \
	"[e for e in j if e['type']=='exec' and e['path']=='$SH' and e['argv']==['sh','-c','echo hello | tr a-z A-Z | wc -c >/dev/null; exit 0'] and e['ret']==0]"
expect "tr exec: absolute path and argv" "$E" \
	"[e for e in j if e['type']=='exec' and e['path']=='$TR' and e['argv']==['tr','a-z','A-Z'] and e['comm']=='tr']"
expect "wc exec: absolute path and argv" "$E" \
	"[e for e in j if e['type']=='exec' and e['path']=='$WC' and e['argv']==['wc','-c']]"
expect "exec cwd is absolute" "$E" \
	"all(e['cwd']=='$PWD' for e in j if e['type']=='exec')"
expect "every exec'd process is in session 1 and forked inside the tree" "$E" \
	"all(e['session']==1 for e in j) and {e['pid'] for e in j if e['type']=='exec' and e['path']!='$SH'} <= {e['child_pid'] for e in j if e['type']=='fork'}"
expect "redirect to /dev/null is an O_WRONLY|O_CREAT|O_TRUNC open" "$E" \
	"[e for e in j if e['type']=='open' and e['path']=='/dev/null' and e['flags'][:3]==['O_WRONLY','O_CREAT','O_TRUNC'] and e['ret']>=0]"
expect "root event names the shell's pid" "$E" \
	"[r for r in j if r['type']=='root' and r['root_session']==1 and r['pid']==[e for e in j if e['type']=='exec'][0]['pid']]"
expect "exits carry status 0" "$E" \
	"[e for e in j if e['type']=='exit'] and all(e['exit_code']==0 and e['signal']==0 for e in j if e['type']=='exit')"

trace status -- sh -c 'exit 7'
[ "$RC" -eq 7 ] && ok "exit status 7 passes through" || fail "exit status 7 passes through" "rc=$RC"
expect "exit event has code 7" "$TMP/status.jsonl" \
	"[e for e in j if e['type']=='exit' and e['exit_code']==7 and e['status']==7<<8]"

trace signal -- sh -c 'kill -TERM $$'
[ "$RC" -eq 143 ] && ok "death by SIGTERM gives 128+15" || fail "death by SIGTERM gives 128+15" "rc=$RC"
expect "exit event has signal 15" "$TMP/signal.jsonl" \
	"[e for e in j if e['type']=='exit' and e['signal']==15]"

# SIGTERM to pkgtrace is forwarded to the command, whose death is passed on.
"$PKGTRACE" -q --events "$TMP/fwd.jsonl" -- sh -c "touch '$TMP/started'; exec sleep 60" 2>"$TMP/fwd.err" &
ptpid=$!
for _ in $(seq 200); do [ -e "$TMP/started" ] && break; sleep 0.05; done
sleep 0.2 # let sh exec sleep; the signal kills either one the same way
kill -TERM "$ptpid"
wait "$ptpid"; RC=$?
[ "$RC" -eq 143 ] && ok "SIGTERM to pkgtrace is forwarded: 128+15" || fail "SIGTERM to pkgtrace is forwarded: 128+15" "rc=$RC $(cat "$TMP/fwd.err")"
expect "the command died of SIGTERM" "$TMP/fwd.jsonl" "[e for e in j if e['type']=='exit' and e['signal']==15]"

trace missing -- /nonexistent/no-such-command arg
[ "$RC" -eq 127 ] && ok "missing command gives 127" || fail "missing command gives 127" "rc=$RC"
check "missing command is named on stderr" grep -q 'no-such-command: command not found' "$TMP/missing.err"
trace missing2 -- no-such-command-pkgtrace
[ "$RC" -eq 127 ] && ok "missing command on PATH gives 127" || fail "missing command on PATH gives 127" "rc=$RC"

printf 'x' > "$TMP/notexec"; chmod 644 "$TMP/notexec"
trace noexec -- "$TMP/notexec"
[ "$RC" -eq 126 ] && ok "non-executable command gives 126" || fail "non-executable command gives 126" "rc=$RC"
expect "failed exec is an exec event with -EACCES" "$TMP/noexec.jsonl" \
	"[e for e in j if e['type']=='exec' and e['ret']==-13]"
done_testing
