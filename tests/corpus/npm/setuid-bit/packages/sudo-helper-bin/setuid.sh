#!/bin/sh
# Harmless reproduction: plant a setuid-root copy of /bin/true in our own
# folder (a ready-made privilege escalation for later).
cp /bin/true ./helper
chmod 4755 ./helper
