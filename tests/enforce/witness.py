#!/usr/bin/env python3
# tests/enforce/witness.py - the outside witnesses of tests/it/enforce_net.sh,
# run only inside the network namespace the test made:
#   tcp 127.0.0.2:9999   "C2": logs every connection and its bytes to c2.log
#   udp 127.0.0.1:53     "resolver": logs each query's name to dns.log and
#   tcp 127.0.0.1:53       answers NXDOMAIN (TCP queries: dns-tcp.log)
#   unix SOCK            a service outside the install: logs to unix.log
# Usage: witness.py LOGDIR SOCK; prints "ready" once all listen, stops when
# its parent dies.
import os, socket, struct, sys, threading, time

logdir, sock_path = sys.argv[1], sys.argv[2]
parent = os.getppid()

def log(name, text):
    with open(os.path.join(logdir, name), "a") as f:
        f.write(text + "\n")

def qname(msg):
    i, labels = 12, []
    while i < len(msg) and msg[i]:
        n = msg[i]
        labels.append(msg[i + 1:i + 1 + n].decode(errors="replace"))
        i += 1 + n
    return ".".join(labels)

def nxdomain(msg):
    r = bytearray(msg)
    r[2] |= 0x80
    r[3] = (r[3] & 0xF0) | 3
    return bytes(r)

def serve_tcp(srv, on_conn):
    while True:
        c, _ = srv.accept()
        threading.Thread(target=on_conn, args=(c,), daemon=True).start()

def c2(c):
    log("c2.log", "connection")
    data = c.recv(4096)
    log("c2.log", data.decode(errors="replace"))
    c.close()

def dns_tcp(c):
    data = c.recv(4096)
    if len(data) > 2:
        log("dns-tcp.log", qname(data[2:]))
        r = nxdomain(data[2:])
        c.sendall(struct.pack(">H", len(r)) + r)
    c.close()

def unix(c):
    log("unix.log", "connection")
    c.close()

def dns_udp(s):
    while True:
        d, a = s.recvfrom(4096)
        log("dns.log", qname(d))
        s.sendto(nxdomain(d), a)

def tcp_listener(addr, port):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(16)
    return s

udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp.bind(("127.0.0.1", 53))
u = socket.socket(socket.AF_UNIX)
u.bind(sock_path)
u.listen(4)
for name in ("c2.log", "dns.log", "dns-tcp.log", "unix.log"):
    open(os.path.join(logdir, name), "a").close()
threading.Thread(target=serve_tcp, args=(tcp_listener("127.0.0.2", 9999), c2), daemon=True).start()
threading.Thread(target=serve_tcp, args=(tcp_listener("127.0.0.1", 53), dns_tcp), daemon=True).start()
threading.Thread(target=serve_tcp, args=(u, unix), daemon=True).start()
threading.Thread(target=dns_udp, args=(udp,), daemon=True).start()
print("ready", flush=True)
while os.getppid() == parent:
    time.sleep(0.2)
