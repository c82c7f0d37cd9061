#!/usr/bin/env bash
# trace_evasion: what a package could do to hide from the monitor still ends
# in an event with the right identity - 32-bit syscalls, io_uring, DNS over
# write/writev/sendmmsg/TCP/[::1], bpf(), signals and process_vm_readv aimed
# at its parent (the init of CMD's PID namespace), mounts and roots,
# open_by_handle_at, a padded argv, unix sockets served from outside the
# tree, FIFOs.  The probes are
# tests/helpers/evade.c (built by 'make unit'); network traffic stays on
# loopback inside a network namespace this test creates.
. "$(dirname "$0")/trace_common.inc"
EVADE=$TOP/build/helpers/evade
if [ ! -x "$EVADE" ]; then
	fail "helper built" "$EVADE missing: run 'make unit'"
	done_testing
fi
mkdir -p "$TMP/real" "$TMP/mnt"
ln -s real "$TMP/link"
echo secret > "$TMP/cred"
mkfifo "$TMP/fifo"

# 32-bit syscalls
E=$TMP/i386.jsonl
trace i386 -- "$EVADE" int80-open "$TMP/cred" >/dev/null
expect "int 0x80 open (i386 nr 5) is an open of the file, flagged compat32" "$E" \
	"[e for e in j if e['type']=='open' and e['path']=='$TMP/cred' and e.get('compat32') and e['ret']>=0]"
expect "no fstat-like misreading: no other record of evade's int 0x80 call" "$E" \
	"not [e for e in j if e.get('compat32') and e['type'] not in ('open',)]"

# network probes, one namespace
E=$TMP/net.jsonl
trace net -- unshare -n sh -c "ip link set lo up && '$EVADE' int80-net 9 && '$EVADE' uring '$TMP/cred' 9 && '$EVADE' dns" >/dev/null
[ "$RC" -eq 0 ] && ok "network probes ran" || fail "network probes ran" "rc=$RC $(cat "$TMP/net.err")"
expect "socketcall connect and i386 connect: address and port, compat32" "$E" \
	"len([e for e in j if e['type']=='connect' and e.get('compat32') and e['addr']=='127.0.0.1' and e['port']==9]) == 2"
expect "socketcall sendto: the DNS name, compat32" "$E" \
	"[e for e in j if e['type']=='send' and e.get('compat32') and e.get('dns')=='int80.example']"
expect "io_uring_setup is a sys record" "$E" \
	"[e for e in j if e['type']=='sys' and e['call']=='io_uring_setup' and e['ret']>=0 and e['entries']==4]"
expect "io_uring OPENAT: an open of the file, flagged io_uring" "$E" \
	"[e for e in j if e['type']=='open' and e['path']=='$TMP/cred' and e.get('io_uring')]"
expect "io_uring CONNECT: address and port" "$E" \
	"[e for e in j if e['type']=='connect' and e.get('io_uring') and e['addr']=='127.0.0.1' and e['port']==9]"
expect "io_uring SEND on connected UDP: the DNS name" "$E" \
	"[e for e in j if e['type']=='send' and e.get('io_uring') and e.get('dns')=='uring.example']"
expect "write on connected UDP: the DNS name" "$E" \
	"[e for e in j if e['type']=='send' and e.get('dns')=='write.example' and e['proto']=='udp']"
expect "writev with the query split over two iovecs: the DNS name" "$E" \
	"[e for e in j if e['type']=='send' and e.get('dns')=='writev.example']"
expect "sendmmsg: a record per message, the second one's DNS name" "$E" \
	"[e for e in j if e['type']=='send' and e.get('dns')=='mmsg.example'] and len([e for e in j if e['type']=='send' and e['ret']==2]) == 2"
expect "DNS over TCP, length prefix in the same write" "$E" \
	"[e for e in j if e['type']=='send' and e.get('dns')=='tcp.example' and e.get('dns_tcp') and e['proto']=='tcp']"
expect "DNS over TCP, writev of length then message" "$E" \
	"[e for e in j if e['type']=='send' and e.get('dns')=='tcpv.example' and e.get('dns_tcp')]"
expect "connected UDP to [::1]:53: the DNS name" "$E" \
	"[e for e in j if e['type']=='send' and e['family']=='inet6' and e['addr']=='::1' and e.get('dns')=='v6.example']"

# the monitor itself
E=$TMP/tamper.jsonl
trace tamper -- "$EVADE" tamper >/dev/null
# CMD runs in a PID namespace of its own (user/nsinit.c): the helper's
# parent is the namespace's init, pid 1 in its view, the root record's
# ppid on the host.  A signal's or process_vm's target is the caller's view;
# a pidfd's is the host pid.
INIT=$(jpy "$E" "[e['ppid'] for e in j if e['type']=='root'][0]")
expect "bpf(): map create and a lookup naming the map id" "$E" \
	"[e for e in j if e['type']=='bpf' and e['cmd']=='BPF_MAP_CREATE' and e['ret']>=0] and [e for e in j if e['type']=='bpf' and e['cmd']=='BPF_MAP_LOOKUP_ELEM' and e.get('map_id',0)>0]"
expect "kill(parent, 0): target (the namespace's pid 1) and signal" "$E" \
	"[e for e in j if e['type']=='signal' and e['call']=='kill' and e['target_pid']==1 and e['signal']==0 and e['ret']==0]"
expect "pidfd_send_signal: the pidfd's host pid" "$E" \
	"$INIT > 1 and [e for e in j if e['type']=='signal' and e['call']=='pidfd_send_signal' and e['target_pid']==$INIT]"
expect "process_vm_readv of the parent: target" "$E" \
	"[e for e in j if e['type']=='process_vm' and e['target_pid']==1 and e['write'] is False]"

# mounts, roots, handles, argv, unix sockets, FIFOs
python3 -c "
import socket, os, sys, time
s = socket.socket(socket.AF_UNIX); s.bind('$TMP/real/sock'); s.listen(4)
print(os.getpid(), flush=True); s.settimeout(60)
try:
    while True:
        c, _ = s.accept(); c.close()
except Exception:
    pass" > "$TMP/listener.pid" &
LISTENER=$!
for _ in $(seq 50); do [ -s "$TMP/listener.pid" ] && break; sleep 0.1; done
E=$TMP/sys.jsonl
trace sys -- sh -c "'$EVADE' sys '$TMP/mnt' '$TMP/cred'; '$EVADE' unix '$TMP/link/sock'; '$EVADE' fifo '$TMP/fifo'; '$EVADE' longargv" >/dev/null
kill "$LISTENER" 2>/dev/null
expect "unshare(CLONE_NEWNS)" "$E" \
	"[e for e in j if e['type']=='sys' and e['call']=='unshare' and 'CLONE_NEWNS' in e['flags'] and e['ret']==0]"
expect "mount of a tmpfs: target, source, fstype" "$E" \
	"[e for e in j if e['type']=='sys' and e['call']=='mount' and e['target']=='$TMP/mnt' and e['source']=='evade-tmpfs' and e['fstype']=='tmpfs']"
expect "open_tree and chroot" "$E" \
	"[e for e in j if e['type']=='sys' and e['call']=='open_tree' and e['path']=='$TMP/mnt'] and [e for e in j if e['type']=='sys' and e['call']=='chroot' and e['path']=='/']"
expect "open_by_handle_at: an open of the real file" "$E" \
	"[e for e in j if e['type']=='open' and e.get('by_handle') and e['path']=='$TMP/cred' and e['ret']>=0]"
expect "unix connect: the listener outside the tree and its resolved path" "$E" \
	"[e for e in j if e['type']=='connect' and e['family']=='unix' and e['addr']=='$TMP/link/sock' and e.get('peer_pid')==$(cat "$TMP/listener.pid") and e.get('peer_path')=='$TMP/real/sock']"
expect "FIFO open is flagged" "$E" \
	"[e for e in j if e['type']=='open' and e['path']=='$TMP/fifo' and e.get('fifo')]"
expect "argv past 4 KiB keeps its tail: /dev/tcp is there" "$E" \
	"[e for e in j if e['type']=='exec' and e.get('argv_tail') and 'argv' in e.get('truncated',[]) and '/dev/tcp/127.0.0.1/4444' in ''.join(e['argv']) and e['argv'][0]=='true']"
done_testing
