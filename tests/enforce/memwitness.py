#!/usr/bin/env python3
# tests/enforce/memwitness.py - the two halves of tests/it/enforce_redteam.sh's
# /proc/<pid>/mem check, run as the same unprivileged user:
#   memwitness.py victim ADDRFILE LOG   a process outside the install: writes
#       "PID ADDRESS" of a buffer to ADDRFILE, logs to LOG if the buffer ever
#       changes (someone wrote its memory), exits after 60 s
#   memwitness.py inject ADDRFILE OUT   the install's side: writes the buffer
#       through /proc/PID/mem, notes the result in OUT
import ctypes, os, sys, time

mode, addrfile, out = sys.argv[1:4]
if mode == "victim":
    buf = ctypes.create_string_buffer(b"ORIGINAL" * 4, 32)
    with open(addrfile + ".tmp", "w") as f:
        f.write("%d %d\n" % (os.getpid(), ctypes.addressof(buf)))
    os.rename(addrfile + ".tmp", addrfile)
    for _ in range(600):
        if buf.raw[:8] != b"ORIGINAL":
            with open(out, "a") as f:
                f.write("changed %r\n" % buf.raw[:16])
            break
        time.sleep(0.1)
else:
    pid, addr = map(int, open(addrfile).read().split())
    with open(out, "a") as o:
        try:
            with open("/proc/%d/mem" % pid, "r+b", buffering=0) as f:
                f.seek(addr)
                f.write(b"INJECTED")
            o.write("inject wrote\n")
        except OSError as e:
            o.write("inject error %s\n" % type(e).__name__)
