#!/usr/bin/env bash
# daemon_webhook.sh - pkgtrace daemon --webhook under real BPF, against
# loopback HTTP servers (tests/helpers/webhook_server.py) in a fresh network
# namespace: an npm install with a finding is POSTed as the report line
# (JSON naming the package, the extra header sent); an endpoint answering
# 500 once gets the alert on the retry; an HTTPS endpoint with a private CA
# gets it with --webhook-ca and the @FILE headers, and refuses it (no
# retry) without; with a stuck endpoint and a closed
# port the installs are still reported at once, failures and queue drops
# are counted in --status-file and the stopped notice, and SIGTERM still
# exits 0 within its bound.  Also --status-file/--health, and bad
# arguments exit 2.
# The daemon traces every npm on the node: this test finds its own reports
# and alerts by their exact cwd.
. "$(dirname "$0")/daemon_common.inc"
SERVER=$TOP/tests/helpers/webhook_server.py
SPIDS=()
webhook_cleanup() {
	local p
	for p in "${SPIDS[@]}"; do kill "$p" 2>/dev/null; done
	daemon_cleanup
}

for bad in "--webhook ftp://127.0.0.1/x" "--webhook 127.0.0.1:80" \
	"--webhook http://127.0.0.1/ --webhook-header NoColon" \
	"--webhook http://127.0.0.1/ --webhook-header :empty-name" \
	"--webhook-header X:1" "--webhook http://127.0.0.1/ --webhook-retries 11" \
	"--webhook http://127.0.0.1/ --webhook-queue 0" "--health" "--traces-max-bytes 1M" \
	"--record-dir /tmp --traces-max-bytes 0" "--record-dir /tmp --traces-max-bytes 5X" \
	"--webhook-ca /etc/hostname" "--webhook http://127.0.0.1/ --webhook-header @"; do
	expect_usage "$bad"
done

# server NAME ARGS...: a webhook_server.py; its port in $PORT
server() {
	local name=$1; shift
	python3 "$SERVER" --port-file "$TMP/$name.port" --log "$TMP/$name.log" "$@" \
		>"$TMP/$name.out" 2>&1 &
	SPIDS+=($!)
	corpus_wait_file "$TMP/$name.port" || { fail "server $name listening" "$(cat "$TMP/$name.out")"; return 1; }
	PORT=$(cat "$TMP/$name.port")
}

# alerts_for NAME CWD: the alerts server NAME logged for the install in CWD
alerts_for() {
	python3 - "$TMP/$1.log" "$2" <<'PY'
import json, sys
log, cwd = sys.argv[1:3]
try:
    lines = [json.loads(l) for l in open(log)]
except FileNotFoundError:
    lines = []
print(json.dumps([e for e in lines
                  if isinstance(e["body"], dict) and e["body"].get("command", {}).get("cwd") == cwd]))
PY
}

corpus_start
# after corpus_start, which sets its own
trap webhook_cleanup EXIT
npm_stage cred-steal || { fail "stage cred-steal" "$(tail -3 "$TMP"/npm/cred-steal/*.log)"; done_testing; }
A=$TMP/npm/cred-steal

# install: npm ci of cred-steal, its report in $OUT
install() {
	(cd "$A/project" && corpus_env "$A/home" "$A/tmp" npm ci) >"$A/install.out" 2>&1
}
reports_for() { grep -c "\"cwd\":\"$A/project\"" "$OUT"; }

# a header file (a mounted Secret) must parse, or the daemon does not start
printf 'X-From-File: yes\nnot a header SECRETVALUE\n' >"$TMP/bad-headers"
"$PKGTRACE" daemon --webhook http://127.0.0.1:9/ --webhook-header @"$TMP/bad-headers" >"$TMP/bad.out" 2>&1
rc=$?
if [ $rc = 65 ] && grep -q "line 2 is not 'Name: value'" "$TMP/bad.out" && ! grep -q SECRETVALUE "$TMP/bad.out"; then
	ok "--webhook-header @FILE with a bad line: exit 65, the line's number said, not its text"
else fail "--webhook-header @FILE with a bad line: exit 65" "rc=$rc $(cat "$TMP/bad.out")"; fi
printf '# from a Secret\nX-From-File: yes\n\n' >"$TMP/headers"

# a private CA and an HTTPS endpoint certified by it for 127.0.0.1
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/key.pem" -out "$TMP/cert.pem" -days 1 \
	-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1 ||
	fail "openssl: a certificate for 127.0.0.1"
server tls --tls "$TMP/cert.pem" "$TMP/key.pem" || done_testing
TLS=$PORT

# --- an endpoint that fails once, then takes the alert ------------------
server flaky --fail-first 1 --match "\"cwd\":\"$A/project\"" || done_testing
STATUS=$TMP/status.json
daemon_start --webhook "http://127.0.0.1:$PORT/alerts" --webhook "https://127.0.0.1:$TLS/tls" \
	--webhook-ca "$TMP/cert.pem" --webhook-header 'Authorization: Bearer t0ken' \
	--webhook-header 'X-Pkgtrace-Test: 1' --webhook-header @"$TMP/headers" --status-file "$STATUS" \
	--grace 3000 || done_testing
if [ -s "$STATUS" ] && "$PKGTRACE" daemon --status-file "$STATUS" --health >"$TMP/health.out" 2>&1; then
	ok "--health: a running daemon is healthy ($(cat "$TMP/health.out"))"
else fail "--health: a running daemon is healthy" "$(cat "$TMP/health.out" "$STATUS" 2>&1)"; fi
install
for i in $(seq 1 100); do
	alerts_for flaky "$A/project" >"$TMP/flaky.json"
	jpy "$TMP/flaky.json" 'len(j) >= 2' >/dev/null && break
	sleep 0.1
done
if [ "$(reports_for)" = 1 ]; then ok "the install is reported on --output"
else fail "the install is reported on --output" "$(cut -c1-300 "$OUT")"; fi
if jpy "$TMP/flaky.json" '[e["status"] for e in j] == [500, 200] and j[0]["body"] == j[1]["body"]'; then
	ok "500 then 200: the same alert retried once and delivered"
else fail "500 then 200: the same alert retried once and delivered" "$(cut -c1-400 "$TMP/flaky.json")"; fi
if jpy "$TMP/flaky.json" 'j[-1]["path"] == "/alerts" and j[-1]["headers"].get("Authorization") == "Bearer t0ken" and j[-1]["headers"].get("X-Pkgtrace-Test") == "1" and j[-1]["headers"].get("Content-Type") == "application/json" and j[-1]["headers"].get("User-Agent", "").startswith("pkgtrace/")'; then
	ok "POST to the URL's path with Content-Type, User-Agent and the --webhook-header lines"
else fail "POST to the URL's path with Content-Type, User-Agent and the --webhook-header lines" "$(cut -c1-600 "$TMP/flaky.json")"; fi
if jpy "$TMP/flaky.json" 'j[-1]["body"]["format"] == "pkgtrace-report/1" and any(f.get("package") == "env-telemetry" and f["rule"] == "credential-access" for f in j[-1]["body"]["findings"]) and "pod" in j[-1]["body"]'; then
	ok "the alert is the report line: it parses and names env-telemetry's credential-access"
else fail "the alert is the report line: it parses and names env-telemetry's credential-access" "$(cut -c1-600 "$TMP/flaky.json")"; fi
for i in $(seq 1 50); do
	alerts_for tls "$A/project" >"$TMP/tls.json"
	jpy "$TMP/tls.json" 'len(j) >= 1' >/dev/null && break
	sleep 0.1
done
if jpy "$TMP/tls.json" 'len(j) == 1 and j[0]["path"] == "/tls" and j[0]["headers"].get("X-From-File") == "yes" and j[0]["body"]["command"]["argv"][-1] == "ci"'; then
	ok "HTTPS with --webhook-ca: delivered, with the @FILE header"
else fail "HTTPS with --webhook-ca: delivered, with the @FILE header" "$(cut -c1-400 "$TMP/tls.json")"; fi
if jpy "$TMP/flaky.json" 'j[-1]["headers"].get("X-From-File") == "yes"'; then ok "@FILE headers go to every URL"
else fail "@FILE headers go to every URL"; fi
# the alert is the same object as the --output line
python3 - "$OUT" "$TMP/flaky.json" "$A/project" <<'PY' && ok "alert body equals the --output report line" || fail "alert body equals the --output report line"
import json, sys
out, alerts, cwd = sys.argv[1:4]
line = [json.loads(l) for l in open(out) if f'"cwd":"{cwd}"' in l][0]
sys.exit(0 if json.load(open(alerts))[-1]["body"] == line else 1)
PY
sleep 1.2 # one status refresh
if jpy "$STATUS" 'j["format"] == "pkgtrace-daemon-status/1" and j["webhook"]["sent"] >= 1 and j["webhook"]["retries"] >= 1 and j["reports"] >= 1 and j["open_sessions"] >= 0'; then
	ok "status file counts the delivery and the retry"
else fail "status file counts the delivery and the retry" "$(cat "$STATUS")"; fi
DPID_A=$DPID
daemon_stop
[ "$DRC" = 0 ] && ok "SIGTERM: exit 0" || fail "SIGTERM: exit 0" "rc=$DRC $(tail -3 "$TMP/daemon.err")"
if daemon_schema "$OUT" "$STATUS" >"$TMP/schema.out"; then ok "notices and status file valid against schemas/daemon.schema.json"
else fail "notices and status file valid against schemas/daemon.schema.json" "$(cat "$TMP/schema.out")"; fi
if python3 - "$OUT" <<'PY'
import json, sys
n = [json.loads(l) for l in open(sys.argv[1])]
w = n[-1].get("webhook") or {}
sys.exit(0 if n[-1]["event"] == "stopped" and w.get("sent", 0) >= 1 and w.get("retries", 0) >= 1 else 1)
PY
then ok "stopped notice: webhook sent and retries"
else fail "stopped notice: webhook sent and retries" "$(tail -1 "$OUT")"; fi
# the daemon is gone: the probe says so
"$PKGTRACE" daemon --status-file "$STATUS" --health >"$TMP/health.out" 2>&1
rc=$?
if [ $rc = 1 ] && grep -q "pid $DPID_A) is gone" "$TMP/health.out"; then ok "--health: exit 1 once the daemon is gone"
else fail "--health: exit 1 once the daemon is gone" "rc=$rc $(cat "$TMP/health.out")"; fi

# --- a stuck endpoint and a closed port: tracing goes on ---------------
server stuck --hang || done_testing
STUCK=$PORT
# a port nothing listens on (bound, closed: refused)
DEAD=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
: >"$TMP/tls.log"
# the HTTPS one first: the sender takes the URLs in turn
daemon_start --webhook "https://127.0.0.1:$TLS/" --webhook "http://127.0.0.1:$STUCK/" \
	--webhook "http://127.0.0.1:$DEAD/" \
	--webhook-timeout 4000 --webhook-retries 2 --webhook-queue 1 --status-file "$STATUS" \
	--grace 3000 || done_testing
# three installs back to back while the sender waits on the stuck endpoint
# (4 s an attempt, 3 attempts): each report comes as soon as its tree is
# gone, within --grace, whatever the webhook does
slow= lag=
for n in 1 2 3; do
	install
	t0=$(date +%s%N)
	for i in $(seq 1 600); do [ "$(reports_for)" -ge $n ] && break; sleep 0.01; done
	t1=$(date +%s%N)
	ms=$(((t1 - t0) / 1000000))
	[ "$ms" -lt 3500 ] || slow="$slow $n:${ms}ms"
	lag="$lag ${ms}ms"
done
if [ "$(reports_for)" = 3 ] && [ -z "$slow" ]; then
	ok "stuck webhook: three installs reported, none waited for it (install end to report:$lag)"
else fail "stuck webhook: three installs reported, none waited for it" "reports $(reports_for), slow $slow"; fi
sleep 1.2
if jpy "$STATUS" 'j["webhook"]["dropped"] >= 1 and j["webhook"]["sent"] == 0 and j["reports"] >= 3'; then
	ok "status: alerts dropped from the full queue are counted, none sent"
else fail "status: alerts dropped from the full queue are counted, none sent" "$(cat "$STATUS")"; fi
t0=$(date +%s)
daemon_stop
t1=$(date +%s)
if [ "$DRC" = 0 ] && [ $((t1 - t0)) -le 12 ]; then ok "SIGTERM with a stuck webhook: exit 0 in $((t1 - t0)) s"
else fail "SIGTERM with a stuck webhook: exit 0 in bounded time" "rc=$DRC $((t1 - t0)) s"; fi
if python3 - "$OUT" <<'PY'
import json, sys
n = [json.loads(l) for l in open(sys.argv[1])]
w = n[-1].get("webhook") or {}
# the first alert failed on HTTPS (certificate) and the stuck URL
# (retries spent or stopping), the two others were pushed out of the
# one-slot queue or left in it at stop
sys.exit(0 if n[-1]["event"] == "stopped" and w["sent"] == 0 and w["failed"] >= 2
         and w["dropped"] >= 2 else 1)
PY
then ok "stopped notice: failures and drops counted ($(tail -1 "$OUT" | grep -o '"webhook":{[^}]*}'))"
else fail "stopped notice: failures and drops counted" "$(tail -1 "$OUT")"; fi
if grep -q "webhook http://127.0.0.1:$STUCK/: an alert was not delivered" "$TMP/daemon.err"; then
	ok "a failed delivery is said on stderr"
else fail "a failed delivery is said on stderr" "$(head -5 "$TMP/daemon.err")"; fi
# without --webhook-ca the private CA's certificate does not verify: the
# alert is refused at once (no retry can change it), nothing reaches it
if [ ! -s "$TMP/tls.log" ] && grep -q "webhook https://127.0.0.1:$TLS/: .*certificate" "$TMP/daemon.err" &&
	grep -q "webhook https://127.0.0.1:$TLS/: an alert was not delivered (refused)" "$TMP/daemon.err"; then
	ok "HTTPS without --webhook-ca: the certificate refused, no retry, nothing delivered"
else fail "HTTPS without --webhook-ca: the certificate refused, no retry" "$(grep "$TLS" "$TMP/daemon.err" | head -3)"; fi
done_testing
