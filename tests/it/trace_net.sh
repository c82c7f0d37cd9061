#!/usr/bin/env bash
# trace_net: connect to 127.0.0.1, ::1 and ::ffff:127.0.0.1, bind/listen/
# accept, and a UDP DNS query to 127.0.0.1:53 with its name decoded - all on
# loopback inside a network namespace this test creates.
. "$(dirname "$0")/trace_common.inc"
E=$TMP/net.jsonl
cat > "$TMP/net.py" <<'PY'
import socket
for fam, host in ((socket.AF_INET, '127.0.0.1'), (socket.AF_INET6, '::1')):
    srv = socket.socket(fam, socket.SOCK_STREAM)
    srv.bind((host, 0)); srv.listen(1)
    port = srv.getsockname()[1]
    c = socket.socket(fam, socket.SOCK_STREAM); c.connect((host, port))
    a, _ = srv.accept(); a.close(); c.close(); srv.close()
    print(fam, port)
m = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM); srv.bind(('127.0.0.1', 0)); srv.listen(1)
m.connect(('::ffff:127.0.0.1', srv.getsockname()[1])); m.close()
print('mapped', srv.getsockname()[1]); srv.close()
q = bytes.fromhex('abcd01000001000000000000') + b'\x07pkgtest\x07example\x03org\x00' + b'\x00\x01\x00\x01'
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.sendto(q, ('127.0.0.1', 53)); u.close()
PY
trace net -- unshare -n sh -c "ip link set lo up && python3 '$TMP/net.py' > '$TMP/ports'"
[ "$RC" -eq 0 ] && ok "network script ran in its own namespace" || fail "network script ran in its own namespace" "rc=$RC $(cat "$TMP/net.err")"
P4=$(awk '$1==2{print $2}' "$TMP/ports"); P6=$(awk '$1==10{print $2}' "$TMP/ports")
PM=$(awk '$1=="mapped"{print $2}' "$TMP/ports")
expect "connect to 127.0.0.1: family, addr, port, proto, ret" "$E" \
	"[e for e in j if e['type']=='connect' and e['family']=='inet' and e['addr']=='127.0.0.1' and e['port']==${P4:-0} and e['proto']=='tcp' and e['ret']==0]"
expect "connect to ::1" "$E" \
	"[e for e in j if e['type']=='connect' and e['family']=='inet6' and e['addr']=='::1' and e['port']==${P6:-0} and e['ret']==0]"
# an IPv4-mapped address is shown as the IPv4 address it reaches (user/netaddr.c);
# the family stays that of the socket
expect "connect to IPv4-mapped ::ffff:127.0.0.1: shown as 127.0.0.1 on an inet6 socket" "$E" \
	"[e for e in j if e['type']=='connect' and e['family']=='inet6' and e['addr']=='127.0.0.1' and e['port']==${PM:-0} and e['ret']==0]"
expect "no address is shown in the ::ffff: form" "$E" \
	"[e for e in j if e['type']=='connect'] and not [e for e in j if 'ffff' in str(e.get('addr'))]"
expect "bind and listen are seen" "$E" \
	"[e for e in j if e['type']=='bind' and e.get('addr')=='127.0.0.1' and e['ret']==0] and [e for e in j if e['type']=='listen']"
expect "accept is seen" "$E" "[e for e in j if e['type']=='accept']"
expect "UDP send to 127.0.0.1:53 with the DNS name decoded" "$E" \
	"[e for e in j if e['type']=='send' and e['addr']=='127.0.0.1' and e['port']==53 and e['proto']=='udp' and e['dns']=='pkgtest.example.org']"
done_testing
