#!/usr/bin/env bash
# trace_evasion_findings: the evasions of issue 14 classes 3, 4 and 6 end
# in a finding naming the package that did them.  A dependency's
# postinstall (tests/corpus/evade-npm/outside, probes from
# tests/helpers/evade.c) is installed with `npm ci` under pkgtrace from the
# loopback registry, in a network namespace (tests/corpus/lib.sh), with a
# throwaway HOME of bait credentials.  It reads secrets by a hard link, a
# chroot, a bind mount in a private mount namespace and an open_tree
# detached mount; renames a file into a symlinked directory that is
# HOME; and talks to processes this test started outside the install: a
# listener on a docker.sock, its memory (process_vm_readv), a FIFO it
# holds open.  The run is recorded and replayed: same report.
CORPUS_RECORD=1
corpus_after_case() { corpus_replay_check "$@"; }
. "$(dirname "$0")/../corpus/lib.sh"
NPM_CASES_DIR=$TOP/tests/corpus/evade-npm
if [ ! -x "$TOP/build/helpers/evade" ]; then
	fail "helper built" "build/helpers/evade missing: run 'make unit'"
	done_testing
fi
corpus_start
st=$TMP/npm/outside
run=$st/run
mkdir -p "$run"
# outside the install: a unix listener named like a container engine's
# socket, and a process holding a FIFO open (both end with this test)
python3 -c "
import socket, os
s = socket.socket(socket.AF_UNIX); s.bind('$run/docker.sock'); s.listen(4)
open('$run/listener.pid', 'w').write(str(os.getpid()))
s.settimeout(120)
try:
    while True:
        c, _ = s.accept(); c.close()
except Exception:
    pass" &
LISTENER=$!
mkfifo "$run/ctl"
bash -c 'exec 3<>"$1"; sleep 120' fifo-holder "$run/ctl" &
HOLDER=$!
corpus_wait_file "$run/listener.pid" || fail "listener started"
npm_case outside
kill "$LISTENER" "$HOLDER" 2>/dev/null
wait "$LISTENER" "$HOLDER" 2>/dev/null

R=$st/r.json
h=$st/home
t=$st/tmp
# finding RULE SEVERITY 'python condition over f (the finding)'
finding() {
	local name=$1 rule=$2 sev=$3 cond=$4
	if jpy "$R" "bool([f for f in j['findings'] if f['rule']=='$rule' and f.get('package')=='sneaky' and f['severity']=='$sev' and ($cond)])" >/dev/null 2>"$TMP/jpy.err"; then
		ok "$name"
	else
		fail "$name" "$(jpy "$R" "[(f['rule'], f.get('package'), f['severity'], f['summary'], [e.get('path') for e in f['evidence']]) for f in j['findings']]" 2>&1 | head -c 2000)"
	fi
}
finding "hard link of ~/.aws/credentials: linking is access" credential-access high \
	"'linked aws secrets: $h/.aws/credentials' in f['summary'] and [e for e in f['evidence'] if e['event']=='link']"
finding "the secret read under its new name: known by its inode" credential-access high \
	"[e for e in f['evidence'] if e['event']=='open' and e['path']=='$t/innocent']"
finding "chroot into ~/.ssh: /id_rsa is the key" credential-access high \
	"'ssh-key secrets: /id_rsa (the file of $h/.ssh/id_rsa)' in f['summary']"
finding "bind mount of ~/.docker in a private mount namespace" credential-access high \
	"'docker secrets: $t/mnt/config.json (the file of $h/.docker/config.json)' in f['summary']"
finding "open_tree detached mount of ~/.config/gh" credential-access high \
	"'cloud-cli secrets: /hosts.yml (the file of $h/.config/gh/hosts.yml)' in f['summary']"
finding "process_vm_readv of a process outside the install (an attempt: refused by the pid namespace)" credential-access high \
	"'the memory of pid $(cat "$run/listener.pid")' in f['summary']"
finding "rename through a symlinked directory: ~/.profile" persistence high \
	"[e for e in f['evidence'] if e['event']=='rename' and e['path']=='$h/.profile']"
finding "docker.sock served outside the install" ipc-outside high \
	"'$run/docker.sock' in f['summary'] and 'pid $(cat "$run/listener.pid")' in f['summary']"
finding "a FIFO held open outside the install" ipc-outside medium \
	"'$run/ctl' in f['summary'] and 'pid $HOLDER' in f['summary']"
if jpy "$R" "not [f for f in j['findings'] if f['rule'] in ('credential-access','ipc-outside') and f.get('package')!='sneaky']" >/dev/null; then
	ok "npm's own reads of ~/.npmrc stay quiet"
else
	fail "npm's own reads of ~/.npmrc stay quiet"
fi
done_testing
