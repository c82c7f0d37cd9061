#!/bin/sh
# The evasion probes of tests/it/trace_evasion_findings.sh, each a
# harmless read of a bait credential in the throwaway HOME, or a message to
# a process the test started outside the install (in $HOME/../run).
E=./bin/evade
RUN=$HOME/../run
T=${TMPDIR:-/tmp}
# a hard link to a secret, read under its new name
ln "$HOME/.aws/credentials" "$T/innocent" && cat "$T/innocent" >/dev/null
# the secret's folder as the root: its path is /id_rsa
$E chroot-read "$HOME/.ssh" id_rsa
# a bind mount in a private mount namespace
mkdir -p "$T/mnt" && $E bind-read "$HOME/.docker" "$T/mnt" config.json
# a detached copy of the mount: the path is /hosts.yml
$E tree-read "$HOME/.config/gh" hosts.yml
# a rename into a symlinked directory writes ~/.profile
ln -s "$HOME" "$T/link-to-home"
echo 'echo pwned' > rc
mv rc "$T/link-to-home/.profile"
# processes outside the install: a docker.sock listener, its memory, a FIFO
$E unix "$RUN/docker.sock"
$E procvm "$(cat "$RUN/listener.pid")"
echo 'id' > "$RUN/ctl"
exit 0
