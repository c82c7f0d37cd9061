#!/usr/bin/env python3
# tests/enforce/ttywitness.py - tests/it/enforce_redteam.sh's terminal check.
#   ttywitness.py OUT CMD...   runs CMD on a new pseudo-terminal (its
#       controlling one), then reads that terminal as the caller's shell
#       would after CMD exits: what it read goes to OUT ("read: ...")
#   ttywitness.py inject       the install's side: pushes "echo PWNED\n"
#       into its terminal with TIOCSTI; prints the result
import fcntl, os, pty, select, sys, termios

if sys.argv[1] == "inject":
    try:
        for c in b"echo PWNED\n":
            fcntl.ioctl(0, termios.TIOCSTI, bytes([c]))
        print("tiocsti ok")
    except OSError as e:
        print("tiocsti error %d" % e.errno)
    sys.exit(0)
out, cmd = sys.argv[1], sys.argv[2:]
pid, fd = pty.fork()
if pid == 0:
    # CMD's output to a file: only injected input reaches the terminal
    r = os.spawnvp(os.P_WAIT, cmd[0], cmd)
    line = ""
    if select.select([0], [], [], 1)[0]:
        line = os.read(0, 100).decode(errors="replace").strip()
    with open(out, "w") as f:
        f.write("exit %d\nread: %s\n" % (r, line))
    os._exit(0)
while True:
    try:
        if not os.read(fd, 1024):
            break
    except OSError:
        break
os.waitpid(pid, 0)
