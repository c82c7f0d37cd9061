#!/bin/sh
# The probes of tests/it/enforce_sandbox.sh.  Each writes what it got into
# $HOME/../run (made by the test, outside the install's HOME), so the test
# judges from files, not from pkgtrace's report.
OUT=$HOME/../run
id -u >"$OUT/uid"
id -G >"$OUT/groups"
grep '^Cap\(Eff\|Prm\|Bnd\|Amb\)' /proc/self/status >"$OUT/caps"
grep '^NoNewPrivs' /proc/self/status >"$OUT/nnp"
# the bait key, hidden by --shield: what the read got, and how it ended
cat "$HOME/.ssh/id_rsa" >"$OUT/ssh" 2>"$OUT/ssh.err"
echo "exit $?" >>"$OUT/ssh.err"
cat "$HOME/.aws/credentials" >"$OUT/aws" 2>/dev/null
cat "$HOME/.git-credentials" >"$OUT/git-credentials" 2>/dev/null
# its own maps by the number its PID namespace gives it (what node does):
# under --enforce /proc is that namespace's, so this is no other's secret
read -r _ </proc/$$/maps
# the refused calls, and a signal to the collector (its host pid, written
# by the test's wrapper before pkgtrace started)
./bin/evade refusals "$(cat "$OUT/collector.pid")" >"$OUT/refusals" 2>&1
# node reads a file with io_uring asked for: libuv falls back
UV_USE_IO_URING=1 node -e 'require("fs").readFile("index.js", "utf8",
	(e, d) => require("fs").writeFileSync(process.argv[1], e ? "error " + e.code : d))' "$OUT/node"
exit 0
