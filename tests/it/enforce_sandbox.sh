#!/usr/bin/env bash
# enforce_sandbox: issue 15 items 3-5, judged from witnesses outside
# pkgtrace.  A dependency's postinstall (tests/corpus/enforce-npm/sandbox,
# probes from tests/helpers/evade.c) is installed with `npm ci` from the
# loopback registry, in a network namespace (tests/corpus/lib.sh), under
# `pkgtrace --enforce --shield` started as if through sudo (SUDO_UID and
# SUDO_GID of a throwaway user this test creates, and removes).  The
# script writes what it got into a directory outside the install's HOME:
# its uid, capabilities, the bait ~/.ssh/id_rsa, each refused call's
# result, a signal to the collector, and what node read with
# UV_USE_IO_URING=1.  The report must say each refusal ("action":
# "refused"), the user and the hidden stores; its replay must be the same.
CORPUS_RECORD=1
corpus_after_case() { corpus_replay_check "$@"; }
. "$(dirname "$0")/../corpus/lib.sh"
NPM_CASES_DIR=$TOP/tests/corpus/enforce-npm
if [ ! -x "$TOP/build/helpers/evade" ]; then
	fail "helper built" "build/helpers/evade missing: run 'make unit'"
	done_testing
fi

# ---- bad --user: one line, exit 67, nothing run --------------------------
"$PKGTRACE" --user pkgtrace-no-such-user -- touch "$TMP/ran" >"$TMP/nouser.out" 2>"$TMP/nouser.err"
rc=$?
if [ "$rc" -eq 67 ] && [ ! -e "$TMP/ran" ] && [ "$(wc -l <"$TMP/nouser.err")" -eq 1 ] &&
	grep -q "no such user 'pkgtrace-no-such-user'" "$TMP/nouser.err"; then
	ok "--user with no such user: one line, exit 67, the command not run"
else
	fail "--user with no such user: one line, exit 67, the command not run" "exit $rc: $(cat "$TMP/nouser.err")"
fi
"$PKGTRACE" --user root:pkgtrace-no-such-group -- true >/dev/null 2>"$TMP/nogroup.err"
rc=$?
if [ "$rc" -eq 67 ] && grep -q "no such group" "$TMP/nogroup.err"; then
	ok "--user with no such group: exit 67"
else
	fail "--user with no such group: exit 67" "exit $rc: $(cat "$TMP/nogroup.err")"
fi

# ---- the throwaway user, and the stage it can reach ----------------------
USERNAME=pkgtrace-t$$
st=$TMP/npm/sandbox
run=$st/run
mkdir -p "$st" "$run"
corpus_start
if ! useradd -M -d "$st/home" -s /bin/sh -U "$USERNAME" 2>"$TMP/useradd.err"; then
	fail "useradd $USERNAME" "$(cat "$TMP/useradd.err")"
	done_testing
fi
trap 'userdel "$USERNAME" 2>/dev/null; corpus_cleanup' EXIT
T_UID=$(id -u "$USERNAME")
T_GID=$(id -g "$USERNAME")
chmod 755 "$TMP" "$TMP/npm" "$st"
chmod 1777 "$run"

# The stage was made by root (pack, lockfile, npm cache): the user's now,
# as its own HOME and project would be.
corpus_before_run() {
	chown -R "$USERNAME:$USERNAME" "$2/home" "$2/project" "$2/tmp"
}
# Started "through sudo": SUDO_UID/SUDO_GID name the user; the wrapper
# writes the collector's pid (bash execs pkgtrace: the same pid) for the
# script to aim its signal at.
CORPUS_PKGTRACE_PRE=(SUDO_UID="$T_UID" SUDO_GID="$T_GID" SUDO_USER="$USERNAME"
	bash -c 'echo $$ >"$0"; exec "$@"' "$run/collector.pid")
CORPUS_PKGTRACE_OPTS=(--enforce --shield)
npm_case sandbox

R=$st/r.json
H=$st/home
if [ -s "$R" ] && [ "$CORPUS_RC" -eq 10 ]; then
	ok "pkgtrace ran to its end (exit 10: findings) and wrote its report"
else
	fail "pkgtrace ran to its end (exit 10: findings) and wrote its report" \
		"exit $CORPUS_RC: $(tail -5 "$st/install.err")"
fi

# ---- least privilege (item 4) --------------------------------------------
if [ "$(cat "$run/uid" 2>/dev/null)" = "$T_UID" ]; then
	ok "the install ran as SUDO_UID ($T_UID), not root"
else
	fail "the install ran as SUDO_UID ($T_UID), not root" "uid file: $(cat "$run/uid" 2>&1)"
fi
if grep -q '^CapEff:[[:space:]]*0000000000000000$' "$run/caps" &&
	grep -q '^CapBnd:[[:space:]]*0000000000000000$' "$run/caps" &&
	grep -q '^CapAmb:[[:space:]]*0000000000000000$' "$run/caps" &&
	grep -q '^NoNewPrivs:[[:space:]]*1$' "$run/nnp"; then
	ok "the install has no capabilities (effective, bounding, ambient) and no_new_privs"
else
	fail "the install has no capabilities (effective, bounding, ambient) and no_new_privs" \
		"$(cat "$run/caps" "$run/nnp" 2>&1 | tr '\n' ' ')"
fi
if grep -q "running the install as $USERNAME (uid $T_UID, the sudo caller)" "$st/install.err"; then
	ok "stderr says the install runs as the sudo caller"
else
	fail "stderr says the install runs as the sudo caller" "$(head -3 "$st/install.err")"
fi
if jpy "$R" "j['enforcement']['user'] == {'uid': $T_UID, 'gid': $T_GID, 'name': '$USERNAME'} and j['enforcement']['mode'] == 'enforce'" >/dev/null; then
	ok "report: enforcement.user is the sudo caller"
else
	fail "report: enforcement.user is the sudo caller" "$(jpy "$R" "j.get('enforcement')" 2>&1 | head -c 600)"
fi

# ---- shield (item 5) -----------------------------------------------------
if [ ! -s "$run/ssh" ] && grep -q 'No such file' "$run/ssh.err" && grep -q '^exit 1$' "$run/ssh.err" &&
	[ ! -s "$run/aws" ] && [ ! -s "$run/git-credentials" ]; then
	ok "--shield: the script's read of ~/.ssh/id_rsa failed; ~/.aws and ~/.git-credentials read empty"
else
	fail "--shield: the script's read of ~/.ssh/id_rsa failed; ~/.aws and ~/.git-credentials read empty" \
		"ssh: $(head -c 100 "$run/ssh" 2>&1) / $(cat "$run/ssh.err" 2>&1) aws: $(head -c 60 "$run/aws" 2>&1)"
fi
if grep -q corpus-bait-key "$H/.ssh/id_rsa" && ! grep -q " $H/" /proc/self/mountinfo; then
	ok "--shield: the bait key is intact, and no cover reached the host's mounts"
else
	fail "--shield: the bait key is intact, and no cover reached the host's mounts" "$(grep " $H/" /proc/self/mountinfo)"
fi
if jpy "$R" "all(p in j['enforcement']['shield']['hidden'] for p in ['~/.ssh', '~/.aws', '~/.docker/config.json', '~/.git-credentials', '~/.config/gh/hosts.yml'])" >/dev/null; then
	ok "report: enforcement.shield.hidden names the bait stores"
else
	fail "report: enforcement.shield.hidden names the bait stores" "$(jpy "$R" "j['enforcement'].get('shield')" 2>&1)"
fi

# ---- seccomp (item 3) ----------------------------------------------------
# each refused call got ENOSYS (-38) in the script; the signal did not
# reach the collector (no such pid in the install's namespace, or not
# the user's to signal)
for call in io_uring_setup int80_getpid x32_getpid bpf ptrace unshare mount; do
	if grep -qx "$call -38" "$run/refusals"; then
		ok "refused in the script: $call (ENOSYS)"
	else
		fail "refused in the script: $call (ENOSYS)" "$(cat "$run/refusals" 2>&1 | tr '\n' ' ')"
	fi
done
if grep -Eqx 'kill -(3|1)' "$run/refusals" && jpy "$R" "not j['events']['interrupted']" >/dev/null; then
	ok "the script's SIGTERM to the collector did not reach it (ESRCH/EPERM; the run was not interrupted)"
else
	fail "the script's SIGTERM to the collector did not reach it" "$(grep kill "$run/refusals")"
fi
if [ "$(cat "$run/node" 2>/dev/null)" = "$(cat "$TOP/tests/corpus/enforce-npm/sandbox/packages/boxed/index.js")" ]; then
	ok "node with UV_USE_IO_URING=1 still read its file (libuv fell back)"
else
	fail "node with UV_USE_IO_URING=1 still read its file (libuv fell back)" "$(cat "$run/node" 2>&1)"
fi
# refused FINDING-KEY-SUBSTRING RULE: a finding of the package with action refused
refused() {
	local what=$1 rule=$2
	if jpy "$R" "bool([f for f in j['findings'] if f.get('package') == 'boxed' and f['rule'] == '$rule' and f.get('action') == 'refused' and '$what' in f['summary']])" >/dev/null; then
		ok "report: $rule finding for $what, action refused"
	else
		fail "report: $rule finding for $what, action refused" \
			"$(jpy "$R" "[(f['rule'], f['summary'], f.get('action')) for f in j['findings']]" 2>&1 | head -c 1500)"
	fi
}
refused "io_uring_setup" evasion
refused "ia32 (int 0x80) call 20" evasion
refused "x32 call" evasion
refused "tried bpf" monitor-tamper
refused "tried ptrace" monitor-tamper
refused "tried unshare" evasion
refused "tried mount" evasion
refused "pkgtrace (its collector" monitor-tamper
refused "tried to read ssh-key secrets: $H/.ssh/id_rsa (hidden by --shield" credential-access
if jpy "$R" "j['enforcement']['counts']['refused'] >= 9 and 'io_uring_setup' in j['enforcement']['seccomp']['refused']" >/dev/null; then
	ok "report: enforcement.counts.refused counts the refusals (node's io_uring_setup too)"
else
	fail "report: enforcement.counts.refused counts the refusals" "$(jpy "$R" "j['enforcement']['counts']" 2>&1)"
fi
if jpy "$R" 'j["findings"] and not any("proc-secrets" in f["summary"] for f in j["findings"])'; then
	ok "sandbox: its own /proc/<pid>/maps by its namespace's number is no proc-secrets read"
else
	fail "sandbox: its own /proc/<pid>/maps by its namespace's number is no proc-secrets read" \
		"$(jpy "$R" '[f["summary"] for f in j["findings"] if "proc" in f["summary"]]' 2>&1 | head -c 300)"
fi
done_testing
