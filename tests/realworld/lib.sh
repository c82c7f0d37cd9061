# shellcheck shell=bash
# tests/realworld/lib.sh - shared harness of the real-world tier
# (tests/it/realworld_npm.sh, tests/it/realworld_pip.sh): real packages
# installed under the real BPF monitor, `pkgtrace --report --events -- CMD`,
# and each report judged by tests/realworld/judge.py.
#
# Every traced install runs offline, inside a private network namespace
# with only lo up (rw_offline): npm from a cache warmed beforehand from the
# npm registry (the only network use of the tier, outside pkgtrace), pip
# from local sdists and wheels. A package that tries to reach the network
# then makes a real, failing attempt, which the report must show.
#
# Knobs: RW_KEEP=1 keeps $TMP (reports, events, logs) for inspection;
#        RW_CASES="a b" runs only these cases;
#        PKGTRACE_RW_STATE=DIR where the warm npm cache lives
#        (default build/realworld: survives between runs, `make clean` drops it).
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
RW_DIR=$TOP/tests/realworld
RW_STATE=${PKGTRACE_RW_STATE:-$TOP/build/realworld}
RW_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
RW_RC=
# The work tree (projects, HOMEs, venvs, TMPDIRs) lives under RW_STATE, not
# /tmp: a user's project, HOME and venv are not in /tmp, and the baseline
# lets a script write anywhere under /tmp, which would hide false alarms.
mkdir -p "$RW_STATE"
rm -rf "$TMP"
TMP=$(mktemp -d "$RW_STATE/run.XXXXXX") || { echo "FAIL - mktemp under $RW_STATE"; exit 1; }
[ -n "${RW_KEEP:-}" ] && trap 'echo "# kept $TMP"' EXIT

# rw_want CASE: true when CASE is selected by RW_CASES (all by default).
rw_want() {
	[ -z "${RW_CASES:-}" ] && return 0
	case " $RW_CASES " in *" $1 "*) return 0 ;; esac
	return 1
}

# rw_env HOME TMPDIR [VAR=VALUE...] CMD...: CMD with a clean environment:
# the throwaway HOME, its own TMPDIR and a system PATH (no pyenv shims, no
# npm_config_* of the caller), plus the given variables.
rw_env() {
	local home=$1 tmpdir=$2; shift 2
	env -i PATH="$RW_PATH" HOME="$home" USER=root LOGNAME=root \
		TERM=dumb LANG=C.UTF-8 TMPDIR="$tmpdir" "$@"
}

# "${RW_OFFLINE[@]}" CMD...: CMD in a new network namespace with only lo up.
RW_OFFLINE=(unshare -n bash -c 'ip link set lo up && exec "$@"' rw_offline)

# rw_trace ST CWD ENV... -- CMD...: CMD in CWD, offline, clean environment
# (HOME=ST/home, TMPDIR=ST/tmp, plus the VAR=VALUE words before --), under
# pkgtrace with --report ST/r.json and --events ST/events.jsonl.
# Sets RW_RC (pkgtrace's exit code); output in ST/install.out and .err.
rw_trace() {
	local st=$1 cwd=$2; shift 2
	local vars=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do vars+=("$1"); shift; done
	shift
	mkdir -p "$st/home" "$st/tmp"
	(cd "$cwd" && rw_env "$st/home" "$st/tmp" "${vars[@]}" "${RW_OFFLINE[@]}" \
		"$PKGTRACE" --no-color --report "$st/r.json" --html "$st/r.html" \
		--events "$st/events.jsonl" -- "$@") \
		>"$st/install.out" 2>"$st/install.err"
	RW_RC=$?
}

# rw_judge CASE ST SPEC [TRUTH]: ST/r.json against SPEC (see judge.py).
rw_judge() {
	local case=$1 st=$2; shift 2
	if [ ! -s "$st/r.json" ]; then
		fail "$case: pkgtrace wrote a report" "exit $RW_RC: $(tail -5 "$st/install.err")"
		return
	fi
	RW_RC=$RW_RC RW_TEXT=$st/install.out PATH=$RW_PATH python3 "$RW_DIR/judge.py" "$case" "$st/r.json" "$@"
	[ $? -eq 0 ] || T_FAILED=$((T_FAILED + 1))
}

# rw_git_init DIR: DIR becomes a git repository with one commit, as a
# user's project is (husky and the tamper rule look at it).
rw_git_init() {
	(cd "$1" && git init -q . && git add -A &&
		git -c user.name=rw -c user.email=rw@example.invalid commit -qm init)
}
