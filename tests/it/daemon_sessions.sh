#!/usr/bin/env bash
# daemon_sessions.sh - pkgtrace daemon under real BPF: which execs start a
# session (--session-cmds: bare names, "prog word..." specs matched in the
# kernel, version suffixes, #! scripts), --max-sessions reports what it
# cannot take, SIGTERM reports open sessions as interrupted and exits 0,
# SIGHUP reopens --output, and bad arguments exit 2.
# The session commands are private names (a random tag, then npm, pip...),
# so installs other tests run on this machine at the same time, even this
# test, never enter this daemon's sessions.
. "$(dirname "$0")/daemon_common.inc"
trap daemon_cleanup EXIT

BIN=$TMP/bin
W=$TMP/w
T=$(tr -dc 'a-z' </dev/urandom | head -c 4)
mkdir -p "$BIN" "$W"
# Each fake command records that it ran; "${T}wait" blocks until ./go exists.
for n in ${T}npm ${T}pip3.11 ${T}py3.12 ${T}po; do
	printf '#!/bin/sh\necho "$0 $*" >ran.txt\nexit 0\n' >"$BIN/$n"
done
printf '#!/bin/sh\necho 1 >started\nwhile [ ! -e go ]; do sleep 0.05; done\n' >"$BIN/${T}wait"
chmod +x "$BIN"/*
CMDS="${T}npm,${T}pip,${T}py -m pip,${T}po install,${T}wait"

# run DIR CMD...: CMD in a fresh directory $W/DIR
run() {
	local d=$W/$1; shift
	mkdir -p "$d"
	(cd "$d" && PATH=$BIN:$PATH "$@") >"$d.out" 2>&1
}

for bad in "--grace x" "--max-sessions 0" "--session-cmds ptaveryveryverylongname" \
	"--session-cmds ,," "--bogus" "extra"; do
	expect_usage "$bad"
done
"$PKGTRACE" daemon --help >"$TMP/help.out" 2>&1 && grep -q -- '--session-cmds' "$TMP/help.out" &&
	ok "daemon --help" || fail "daemon --help" "$(head -3 "$TMP/help.out")"

daemon_start --session-cmds "$CMDS" --grace 500 --max-sessions 2 || done_testing
if grep -qF "\"session_cmds\":[\"${T}npm\",\"${T}pip\",\"${T}py -m pip\",\"${T}po install\",\"${T}wait\"]" "$OUT"; then
	ok "started notice lists the normalised session commands"
else fail "started notice lists the normalised session commands" "$(head -1 "$OUT")"; fi

# Execs that must not start a session first, then those that must: a
# session for the first ones would be reported before the SIGTERM flush.
run no-show ${T}po show
run no-pipx ${T}py3.12 -m pipx
run no-c ${T}py3.12 -c 1
# one at a time: --max-sessions is 2 and a session stays open until its
# report is out
n=0
for c in "yes-npm ${T}npm ci" "yes-pip ${T}pip3.11 install x" "yes-pym ${T}py3.12 -m pip install y" \
	"yes-po ${T}po install"; do
	# shellcheck disable=SC2086 # the words are the command
	run $c
	n=$((n + 1))
	wait_lines $n 60 || break
done
if [ "$(report_count)" -eq 4 ]; then ok "four sessions reported"; else fail "four sessions reported" "$(cut -c1-200 "$OUT")"; fi
for d in yes-npm:${T}npm:ci yes-pip:${T}pip3.11:install,x yes-pym:${T}py3.12:-m,pip,install,y yes-po:${T}po:install; do
	IFS=: read -r dir prog args <<<"$d"
	want="['$BIN/$prog'] + '$args'.split(',')"
	f=$(report_where "$dir" "r['command']['cwd'] == '$W/$dir'")
	if [ -n "$f" ] && jpy "$f" "j['command']['argv'] == $want and j['command']['exit_code'] == 0"; then
		ok "$dir: one report, the command as typed (#! interpreter dropped)"
	else fail "$dir: one report, the command as typed (#! interpreter dropped)" "$(grep -o "\"argv\":[^]]*\],\"cwd\":\"$W/$dir\"" "$OUT")"; fi
done

# --max-sessions 2: two sessions held open, the third is said to be dropped.
run block1 ${T}wait &
B1=$!
run block2 ${T}wait &
B2=$!
corpus_wait_file "$W/block1/started" && corpus_wait_file "$W/block2/started" &&
	ok "two blocking sessions running" || fail "two blocking sessions running"
run over ${T}npm install
for i in $(seq 1 100); do grep -q '"event":"session-dropped"' "$OUT" && break; sleep 0.1; done
if python3 - "$OUT" "${T}npm" <<'PY'
import json, sys
n = [json.loads(l) for l in open(sys.argv[1])]
d = [x for x in n if x.get("event") == "session-dropped"]
sys.exit(0 if len(d) == 1 and d[0]["reason"] == "max-sessions" and d[0]["comm"] == sys.argv[2] else 1)
PY
then ok "--max-sessions: the third session is reported dropped"
else fail "--max-sessions: the third session is reported dropped" "$(grep dropped "$OUT")"; fi

# SIGHUP: --output is reopened (a log rotation moved the old file away).
mv "$OUT" "$OUT.1"
kill -HUP "$DPID"
for i in $(seq 1 50); do [ -e "$OUT" ] && break; sleep 0.1; done
[ -e "$OUT" ] && ok "SIGHUP reopens --output" || fail "SIGHUP reopens --output"

daemon_stop
[ "$DRC" = 0 ] && ok "SIGTERM: exit 0" || fail "SIGTERM: exit 0" "rc=$DRC $(tail -3 "$TMP/daemon.err")"
for b in block1 block2; do
	f=$(report_where "$b" "r['command']['cwd'] == '$W/$b'")
	if [ -n "$f" ] && jpy "$f" 'j["events"]["interrupted"] and j["command"]["exit_status"] == -1 and any(f["rule"] == "trace-incomplete" for f in j["findings"])'; then
		ok "SIGTERM: $b reported, interrupted, still running"
	else fail "SIGTERM: $b reported, interrupted, still running" "$(cut -c1-300 "$OUT")"; fi
done
if python3 - "$OUT" <<'PY'
import json, sys
n = [json.loads(l) for l in open(sys.argv[1])]
sys.exit(0 if n[-1].get("event") == "stopped" and n[-1]["dropped_sessions"] == 1 and n[-1]["reports"] == 6 else 1)
PY
then ok "stopped notice: 6 reports, 1 dropped session"
else fail "stopped notice: 6 reports, 1 dropped session" "$(tail -1 "$OUT")"; fi
if daemon_schema "$OUT.1" "$OUT" >"$TMP/schema.out"; then ok "notices valid against schemas/daemon.schema.json"
else fail "notices valid against schemas/daemon.schema.json" "$(cat "$TMP/schema.out")"; fi
for d in no-show no-pipx no-c; do
	if [ -s "$W/$d/ran.txt" ] && ! grep -q "\"cwd\":\"$W/$d\"" "$OUT" "$OUT.1"; then
		ok "$d: ran, no session"
	else fail "$d: ran, no session" "$(cat "$W/$d/ran.txt" 2>&1)"; fi
done
touch "$W/block1/go" "$W/block2/go"
wait $B1 $B2
if [ ! -s "$TMP/daemon.err" ]; then ok "daemon said nothing on stderr"
else fail "daemon said nothing on stderr" "$(head -5 "$TMP/daemon.err")"; fi

# --max-duration: a session that never ends (npm start) is reported and
# its slot freed while the daemon runs on.
daemon_start --session-cmds ${T}wait --max-duration 1 || done_testing
run block3 ${T}wait &
B3=$!
if wait_lines 1 30 && f=$(report_where block3 "r['command']['cwd'] == '$W/block3'") &&
	jpy "$f" 'j["events"]["interrupted"] and j["command"]["exit_status"] == -1' && kill -0 "$DPID"; then
	ok "--max-duration: a never-ending session is reported, the daemon runs on"
else fail "--max-duration: a never-ending session is reported, the daemon runs on" "$(cut -c1-300 "$OUT")"; fi
touch "$W/block3/go"
wait $B3
daemon_stop
done_testing
