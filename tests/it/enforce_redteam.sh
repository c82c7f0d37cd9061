#!/usr/bin/env bash
# enforce_redteam.sh - routes around pkgtrace --enforce's network policy
# that got through once, judged by witnesses outside pkgtrace
# (tests/enforce/witness.py) in a network namespace of the test's own:
#   - a DNS query over TCP to the allowed resolver, for another name, left
#     in an orphaned socket when the command exits: the kernel retransmits
#     it after pkgtrace has exited, which must still be refused (the packet
#     check outlives pkgtrace's links);
#   - UDP GSO to the resolver, whose second datagram carried another query;
#   - sockets the cgroup hooks cannot judge (AF_PACKET, (AF_INET,
#     SOCK_PACKET), AF_VSOCK): refused by the seccomp filter (ENOSYS),
#     counted in enforcement.counts.refused;
#   - (root) a cgroup made inside the install's: both removed at the end;
#   - an install run from /: no unix socket outside it reachable;
#   - a write to /proc/<pid>/mem of a process of the same user outside the
#     install (tests/enforce/memwitness.py): the install's /proc is its own;
#   - (--user) a key in the caller's session keyring: not the install's;
#   - (--user) TIOCSTI into the caller's terminal (tests/enforce/ttywitness.py).
if [ -z "${PKGTRACE_CORPUS_NETNS:-}" ]; then
	exec unshare -n -m env PKGTRACE_CORPUS_NETNS=1 \
		bash -c 'ip link set lo up && mount --make-rprivate / && exec bash "$@"' enforce "$0" "$@"
fi
. "$(dirname "$0")/../corpus/lib.sh"
SRC=$TOP/tests/enforce
st=$TMP/red
mkdir -p "$st/home" "$st/tmp" "$st/project" "$LOGS" "$TMP/etc"
printf '127.0.0.1 localhost\n127.0.0.1 registry.test\n127.0.0.1 pypi.org\n127.0.0.1 files.pythonhosted.org\n' >"$TMP/etc/hosts"
printf 'nameserver 127.0.0.1\n' >"$TMP/etc/resolv.conf"
mount --bind "$TMP/etc/hosts" /etc/hosts && mount --bind "$TMP/etc/resolv.conf" /etc/resolv.conf ||
	{ fail "bind-mount hosts and resolv.conf"; done_testing; }
printf 'registry=http://registry.test:8080/\n' >"$st/project/.npmrc"
python3 "$SRC/witness.py" "$LOGS" "$st/outside.sock" >"$LOGS/witness.out" 2>&1 &
CORPUS_PIDS+=($!)
trap corpus_cleanup EXIT
corpus_wait_file "$LOGS/witness.out" || { fail "witnesses started" "$(cat "$LOGS/witness.out")"; done_testing; }

(cd "$st/project" && corpus_env "$st/home" "$st/tmp" timeout -k 5 120 "$PKGTRACE" --enforce \
	--fail-on never --report "$st/r.json" --events "$st/ev.jsonl" -- \
	python3 "$SRC/redteam.py" "$st/res.txt") >"$st/out" 2>"$st/err"
rc=$?
if [ "$rc" -eq 77 ] || [ "$rc" -eq 78 ] || [ "$rc" -eq 69 ]; then
	fail "pkgtrace --enforce could load its BPF (exit $rc)" "$(cat "$st/err")"
	done_testing
fi
check "the command ran under --enforce (exit $rc)" test "$rc" -eq 0
res=$(cat "$st/res.txt" 2>/dev/null)
check "the orphaned DNS query was sent" grep -qx 'orphan-dns sent' <<<"$res"
# the kernel retransmits the queued segment at 0.2, 0.6, 1.4, 3 s...: it
# arrived 0.4 s after pkgtrace exited when the check went with its links
sleep 4
check "resolver: the orphaned socket's query never arrived, after pkgtrace exited" \
	bash -c "! grep -q orphan-exfil '$LOGS/dns-tcp.log'"
check "UDP GSO to the resolver: refused (EPERM)" grep -qx 'gso error EPERM' <<<"$res"
check "resolver: the query in the second GSO datagram never arrived" bash -c "! grep -q gso-exfil '$LOGS/dns.log'"
check "report: the query was blocked" jpy "$st/r.json" \
	'any(f["rule"] == "dns-query" and f.get("action") == "blocked" and any(e.get("dns") == "orphan-exfil.c2.example" for e in f["evidence"]) for f in j["findings"])'
cg=$(sed -n 's/^subcgroup //p' <<<"$res")
cg2=$(findmnt -n -o TARGET -t cgroup2 | head -1)
check "the install made a cgroup inside its own ($cg/sub)" test -n "$cg"
check "... and its cgroup was removed with it" test -n "$cg" -a ! -e "$cg2$cg"
for s in packet sock-packet vsock; do
	check "$s socket: refused by the seccomp filter (ENOSYS)" grep -qx "$s error ENOSYS" <<<"$res"
done
check "report: the three sockets counted as refused" jpy "$st/r.json" 'j["enforcement"]["counts"]["refused"] >= 3'
check "--events: refused socket records with their family (17 packet, 2 inet, 40 vsock)" python3 -c '
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
fams = {e["arg0"] for e in evs if e["type"] == "refused" and e.get("call") == "socket"}
sys.exit(0 if {17, 2, 40} <= fams else "families: %s" % fams)' "$st/ev.jsonl"

# ---- an install run from / (a Dockerfile's default WORKDIR) ---------------
# (python3 -c: its default registries, PyPI, resolve from /etc/hosts)
# The project's directory is where unix sockets are allowed: "/" allowed
# them all (docker.sock included).  Now / and the shared temporary
# directories are never the install's own.
(cd / && corpus_env "$st/home" "$st/tmp" timeout -k 5 60 "$PKGTRACE" --enforce --fail-on never \
	--report "$st/root.json" -- python3 -c '
import socket, sys
try:
    socket.socket(socket.AF_UNIX).connect(sys.argv[1])
    print("unix-from-root connected")
except OSError as e:
    print("unix-from-root error %s" % e.errno)' "$st/outside.sock") >"$st/root.out" 2>"$st/root.err"
rc=$?
check "the install ran from / (exit $rc)" test "$rc" -eq 0
check "from /: the unix socket outside the install was refused" grep -qx 'unix-from-root error 1' "$st/root.out"
check "from /: the unix witness logged no connection" test ! -s "$LOGS/unix.log"
check "report: / is not among the unix socket directories" jpy "$st/root.json" \
	'"/" not in j["enforcement"]["network"]["unix_dirs"]'

# ---- /proc/<pid>/mem of a process of the same user outside the install --
# The host's /proc named it: the install (--user, no ptrace) wrote into its
# memory, code outside the cgroup and its policy.  Now the install has a
# /proc of its own PID namespace, where no such pid exists.
mem=$TMP/mem
mkdir -p "$mem/project" "$mem/home"
cp "$st/project/.npmrc" "$mem/project/"
chmod 755 "$TMP" && chmod 777 "$mem" "$mem/project" "$mem/home"
setpriv --reuid=65534 --regid=65534 --clear-groups /usr/bin/python3 "$SRC/memwitness.py" victim \
	"$mem/victim.addr" "$mem/victim.log" &
CORPUS_PIDS+=($!)
corpus_wait_file "$mem/victim.addr" || { fail "the victim started"; done_testing; }
(cd "$mem/project" && corpus_env "$mem/home" "$mem/project" timeout -k 5 120 "$PKGTRACE" --enforce \
	--user nobody --fail-on never --report "$mem/r.json" -- \
	/usr/bin/python3 "$SRC/memwitness.py" inject "$mem/victim.addr" "$mem/res.txt") >"$mem/out" 2>"$mem/err"
rc=$?
check "the injector ran under --enforce --user nobody (exit $rc)" test "$rc" -eq 0
check "its write to the outside process's /proc/<pid>/mem failed" grep -q '^inject error' "$mem/res.txt"
sleep 0.5
check "the process outside the install: its memory unchanged" test ! -s "$mem/victim.log"

# ---- a key in the caller's session keyring --------------------------------
# A possessor reads a key whatever its uid: the --user install inherited
# root's session keyring and read its key.  Now it gets one of its own.
(cd "$mem/project" && corpus_env "$mem/home" "$mem/project" timeout -k 5 60 python3 -c '
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall(250, 1, b"pkgtrace-redteam")  # KEYCTL_JOIN_SESSION_KEYRING
libc.syscall(248, b"user", b"redteam-key", b"ROOT-SECRET", 11, -3)  # add_key to @s
os.execvp(sys.argv[1], sys.argv[1:])' "$PKGTRACE" --enforce --user nobody --fail-on never -q -- \
	/usr/bin/python3 -c '
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
kid = libc.syscall(250, 10, -3, b"user", b"redteam-key", 0)  # KEYCTL_SEARCH in @s
print("key found" if kid > 0 else "key error %d" % ctypes.get_errno())') >"$mem/key.out" 2>"$mem/key.err"
check "the caller's session key: not found by the --user install (ENOKEY)" grep -qx 'key error 126' "$mem/key.out"

# ---- TIOCSTI: input pushed into the caller's terminal ---------------------
# The install shares its caller's controlling terminal: a --user nobody
# install typed a command that the root shell read after pkgtrace exited.
(cd "$mem/project" && corpus_env "$mem/home" "$mem/project" timeout -k 5 60 python3 "$SRC/ttywitness.py" \
	"$mem/tty.txt" sh -c '"$0" --enforce --user nobody --fail-on never -q -- /usr/bin/python3 "$1" inject \
	>"$2" 2>&1' "$PKGTRACE" "$SRC/ttywitness.py" "$mem/inject.out") >/dev/null 2>&1
check "TIOCSTI from the install: refused (ENOSYS)" grep -qx 'tiocsti error 38' "$mem/inject.out"
check "the caller's terminal: pkgtrace exited 0, nothing injected to read" bash -c \
	"grep -qx 'exit 0' '$mem/tty.txt' && grep -qx 'read: ' '$mem/tty.txt'"
done_testing
