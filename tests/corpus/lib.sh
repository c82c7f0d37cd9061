# tests/corpus/lib.sh - shared harness of the attack/benign corpus
# (tests/it/corpus_npm.sh, tests/it/corpus_pip.sh, and the replay tests).
#
# Sourcing it re-executes the calling script inside a fresh network
# namespace with only lo up, so every byte the fixtures, npm and pip send
# stays on loopback and any escape attempt fails.  It then sources
# tests/lib.sh (ok/fail/check/jpy, $TMP, $PKGTRACE).
#
# Environment knobs:
#   CORPUS_CASES="a b"  run only these cases
#   CORPUS_BARE=1       run installs without pkgtrace: verifies that the
#                       fixtures really do what their incident does
#   CORPUS_STRACE=1     with CORPUS_BARE: strace -f each install into
#                       STAGE/install.strace
#   CORPUS_KEEP=1       keep $TMP for inspection
#   CORPUS_RECORD=1     also pass --record STAGE/trace.ptr; a sourcing script
#                       may define corpus_after_case CASE STAGE, called after
#                       each case is judged (replay tests compare reports);
#                       corpus_npm.sh and corpus_pip.sh record by default and
#                       check each replay (CORPUS_RECORD= to skip)
CORPUS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ -z "${PKGTRACE_CORPUS_NETNS:-}" ]; then
	exec unshare -n env PKGTRACE_CORPUS_NETNS=1 \
		bash -c 'ip link set lo up && exec bash "$@"' corpus "$0" "$@"
fi
. "$CORPUS_DIR/../lib.sh"

CORPUS_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
REGDIR=$TMP/registry
LOGS=$TMP/logs
REG_PORT=
CORPUS_PIDS=()

# corpus_env HOME TMPDIR CMD...: runs CMD with a clean environment: only
# the throwaway HOME, its own TMPDIR and a system PATH (no pyenv shims,
# no npm_config_* leaking in from the caller).
corpus_env() {
	local home=$1 tmpdir=$2; shift 2
	env -i PATH="$CORPUS_PATH" HOME="$home" USER=root LOGNAME=root \
		TERM=dumb LANG=C.UTF-8 TMPDIR="$tmpdir" "$@"
}

# corpus_wait_file FILE: polls until FILE is non-empty (readiness, not timing).
corpus_wait_file() {
	local i
	for i in $(seq 1 200); do
		[ -s "$1" ] && return 0
		sleep 0.05
	done
	return 1
}

# corpus_start: the loopback registry (port 0) and the attacker listeners.
corpus_start() {
	mkdir -p "$REGDIR" "$LOGS"
	node "$TOP/tests/registry/registry.js" --dir "$REGDIR" --port 0 \
		--port-file "$TMP/registry.port" --timeout 900 >"$LOGS/registry.out" 2>&1 &
	CORPUS_PIDS+=($!)
	node "$CORPUS_DIR/listeners.js" "$LOGS" --timeout 900 >"$LOGS/listeners.out" 2>&1 &
	CORPUS_PIDS+=($!)
	corpus_wait_file "$TMP/registry.port" || { fail "corpus: registry started" "$(cat "$LOGS/registry.out")"; exit 1; }
	corpus_wait_file "$LOGS/listeners.out" || { fail "corpus: listeners started" "$(cat "$LOGS/listeners.out")"; exit 1; }
	REG_PORT=$(cat "$TMP/registry.port")
	trap corpus_cleanup EXIT
}

# corpus_kill_payloads DIR: kills, by pid, every process whose executable
# lives under DIR (the fixtures' lingering copies of /bin/sleep).
corpus_kill_payloads() {
	local p exe
	for p in /proc/[0-9]*; do
		exe=$(readlink "$p/exe" 2>/dev/null) || continue
		case "$exe" in "$1"/*) kill -9 "${p#/proc/}" 2>/dev/null ;; esac
	done
}

# corpus_payloads DIR: names of live processes whose executable is under DIR.
corpus_payloads() {
	local p exe
	for p in /proc/[0-9]*; do
		exe=$(readlink "$p/exe" 2>/dev/null) || continue
		case "$exe" in "$1"/*) basename "${exe% (deleted)}" ;; esac
	done
}

corpus_cleanup() {
	local pid
	corpus_kill_payloads "$TMP"
	for pid in "${CORPUS_PIDS[@]}"; do kill "$pid" 2>/dev/null; done
	wait 2>/dev/null
	if [ -n "${CORPUS_KEEP:-}" ]; then echo "# kept $TMP"; else rm -rf "$TMP"; fi
}

# corpus_bait_home DIR: a throwaway HOME full of bait credentials.
corpus_bait_home() {
	local h=$1
	mkdir -p "$h/.aws" "$h/.ssh" "$h/.config/google-chrome/Default" "$h/.docker"
	printf '//registry.npmjs.org/:_authToken=npm_CORPUSBAIT0000000000000000000000000000\n' >"$h/.npmrc"
	printf '[default]\naws_access_key_id = AKIACORPUSBAIT000000\naws_secret_access_key = corpus/bait/secret/key\n' \
		>"$h/.aws/credentials"
	printf -- '-----BEGIN OPENSSH PRIVATE KEY-----\ncorpus-bait-key\n-----END OPENSSH PRIVATE KEY-----\n' \
		>"$h/.ssh/id_rsa"
	chmod 600 "$h/.ssh/id_rsa"
	printf 'SQLite format 3\0corpus bait\n' >"$h/.config/google-chrome/Default/Login Data"
	printf '{"auths":{"corpus.invalid":{"auth":"Y29ycHVzOmJhaXQ="}}}\n' >"$h/.docker/config.json"
	printf '# bait .bashrc\n' >"$h/.bashrc"
	printf '# bait .zshrc\n' >"$h/.zshrc"
	mkdir -p "$h/.config/gh"
	printf 'github.com:\n    oauth_token: gho_CORPUSBAIT000000000000000000000000\n' >"$h/.config/gh/hosts.yml"
	printf 'https://corpus:ghp_CORPUSBAIT@github.com\n' >"$h/.git-credentials"
	printf '[user]\n\tname = corpus\n\temail = corpus@example.invalid\n' >"$h/.gitconfig"
	# an AI agent CLI the user has installed (npm/ai-agent): it just exits
	mkdir -p "$h/.local/bin"
	printf '#!/bin/sh\nexit 0\n' >"$h/.local/bin/claude"
	chmod 755 "$h/.local/bin/claude"
}

# corpus_cases ECO: the case names of one ecosystem, filtered by CORPUS_CASES.
corpus_cases() {
	local c
	for c in "$CORPUS_DIR/$1"/*/; do
		c=$(basename "$c")
		if [ -n "${CORPUS_CASES:-}" ]; then
			case " $CORPUS_CASES " in *" $c "*) ;; *) continue ;; esac
		fi
		echo "$c"
	done
}

corpus_reset_logs() {
	: >"$LOGS/c2.log"; : >"$LOGS/http.log"; : >"$LOGS/dns.log"; : >"$LOGS/shell.log"
}

# corpus_effects CASE EXPECTED STAGE: asserts the fixture really did what
# its incident does (so a quiet report cannot come from a dud fixture).
corpus_effects() {
	local case=$1 exp=$2 st=$3 s f live
	for s in $(jpy "$exp" '" ".join(j.get("c2_contains", []))'); do
		if grep -q -- "$s" "$LOGS/c2.log"; then ok "$case: C2 received $s"
		else fail "$case: C2 received $s" "c2.log: $(head -c 300 "$LOGS/c2.log")"; fi
	done
	for f in $(jpy "$exp" '" ".join(j.get("files", []))'); do
		f=${f/#HOME/$st/home}; f=${f/#PROJECT/$st/project}; f=${f/#TMP/$st/tmp}
		if [ -e "$f" ]; then ok "$case: wrote ${f#$st/}"; else fail "$case: wrote ${f#$st/}"; fi
	done
	for f in $(jpy "$exp" '" ".join(j.get("files_absent", []))'); do
		f=${f/#HOME/$st/home}; f=${f/#PROJECT/$st/project}
		if [ ! -e "$f" ]; then ok "$case: did not write ${f#$st/}"; else fail "$case: did not write ${f#$st/}"; fi
	done
	s=$(jpy "$exp" 'j.get("dns_suffix", "")')
	if [ -n "$s" ]; then
		if grep -q -- "\\.$s\$" "$LOGS/dns.log"; then ok "$case: DNS probe reached the resolver"
		else fail "$case: DNS probe reached the resolver" "dns.log: $(cat "$LOGS/dns.log")"; fi
	fi
	if jpy "$exp" 'j.get("shell_session", False)'; then
		if [ -s "$LOGS/shell.log" ]; then ok "$case: reverse shell connected"
		else fail "$case: reverse shell connected"; fi
	fi
	# lingering: bare, the payload outlives the install; under pkgtrace it
	# survives the grace period, is traced for the window, then killed
	live=" $(corpus_payloads "$st" | tr '\n' ' ') "
	for s in $(jpy "$exp" '" ".join(j.get("lingering", []))'); do
		if [ -n "${CORPUS_BARE:-}" ]; then
			case "$live" in *" $s "*) ok "$case: $s outlived the install" ;;
			*) fail "$case: $s outlived the install" "live payloads:$live" ;; esac
		elif case "$live" in *" $s "*) false ;; esac &&
			jpy "$st/r.json" 'j["survivors"]["count"] >= 1 and j["survivors"]["fate"] == "killed"'; then
			ok "$case: $s outlived the install, was traced, then killed"
		else
			fail "$case: $s outlived the install, was traced, then killed" \
				"live payloads:$live; survivors: $(jpy "$st/r.json" 'j.get("survivors")' 2>&1)"
		fi
	done
}

# corpus_run ST CWD LOGPREFIX CMD...: runs CMD in CWD (clean environment,
# HOME=ST/home), under pkgtrace unless CORPUS_BARE; sets CORPUS_RC.
# A sourcing script may set the arrays CORPUS_PKGTRACE_PRE (words run
# before pkgtrace: env settings, a wrapper) and CORPUS_PKGTRACE_OPTS
# (pkgtrace's own options, --enforce...).
# The JSON report goes to ST/r.json, stdout/stderr to LOGPREFIX.out/.err.
corpus_run() {
	local st=$1 cwd=$2 log=$3; shift 3
	local trace=()
	[ -n "${CORPUS_RECORD:-}" ] && trace=(--record "$st/trace.ptr")
	if [ -n "${CORPUS_BARE:-}" ]; then
		local st_wrap=()
		[ -n "${CORPUS_STRACE:-}" ] && st_wrap=(strace -f -o "$log.strace" \
			-e trace=process,file,network,dup2,dup3,memfd_create)
		(cd "$cwd" && corpus_env "$st/home" "$st/tmp" "${st_wrap[@]}" "$@") >"$log.out" 2>"$log.err"
	else
		(cd "$cwd" && corpus_env "$st/home" "$st/tmp" \
			${CORPUS_PKGTRACE_PRE[@]+"${CORPUS_PKGTRACE_PRE[@]}"} "$PKGTRACE" --report "$st/r.json" \
			"${trace[@]}" ${CORPUS_PKGTRACE_OPTS[@]+"${CORPUS_PKGTRACE_OPTS[@]}"} -- "$@") \
			>"$log.out" 2>"$log.err"
	fi
	CORPUS_RC=$?
}

# corpus_replay_check CASE ST: replays ST/trace.ptr (recorded live with
# CORPUS_RECORD) and requires its report to be the live one, byte for byte.
corpus_replay_check() {
	local case=$1 st=$2 rc
	[ -n "${CORPUS_BARE:-}" ] && return 0
	if [ ! -s "$st/trace.ptr" ]; then
		fail "$case: live run recorded a trace" "$(tail -3 "$st/install.err")"
		return
	fi
	"$PKGTRACE" replay -q --fail-on never --report "$st/replay.json" "$st/trace.ptr" 2>"$st/replay.err"
	rc=$?
	if [ "$rc" -eq 0 ] && [ -s "$st/r.json" ] && cmp -s "$st/r.json" "$st/replay.json"; then
		ok "$case: replayed report == live report"
	else
		fail "$case: replayed report == live report" \
			"exit $rc $(head -c 300 "$st/replay.err") $(diff "$st/r.json" "$st/replay.json" 2>&1 | head -6)"
	fi
}

# corpus_judge CASE EXPECTED ST: the report against expected.json.
corpus_judge() {
	local case=$1 exp=$2 st=$3
	[ -n "${CORPUS_BARE:-}" ] && return 0
	if [ ! -s "$st/r.json" ]; then
		fail "$case: pkgtrace wrote a report" "exit $CORPUS_RC: $(tail -3 "$st/install.err")"
		return
	fi
	PATH=$CORPUS_PATH python3 "$CORPUS_DIR/check.py" "$case" "$exp" "$st/r.json" "$CORPUS_RC"
	[ $? -eq 0 ] || T_FAILED=$((T_FAILED + 1))
}

# npm_scripts_crosscheck CASE EXPECTED ST: with "npm_install_scripts_ls"
# in expected.json, npm's own verdict (`npm install-scripts ls --json`: the
# packages whose install scripts allowScripts does not cover) must be the
# report's: the dependencies with scripts whose scripts_approved is null.
npm_scripts_crosscheck() {
	local case=$1 exp=$2 st=$3
	[ -n "${CORPUS_BARE:-}" ] && return 0
	jpy "$exp" 'j.get("npm_install_scripts_ls", False)' || return 0
	if ! (cd "$st/project" && corpus_env "$st/home" "$st/tmp" npm install-scripts ls --json) \
		>"$st/isls.json" 2>"$st/isls.err"; then
		fail "$case: npm install-scripts ls" "$(tail -3 "$st/isls.err")"; return
	fi
	python3 - "$st/isls.json" "$st/r.json" <<'PY'
import json, sys
npm = {e["name"] for e in json.load(open(sys.argv[1])).get("allowScripts", [])
       if any(c.get("change") == "pending" for c in e.get("changes", []))}
rep = {p["name"] for p in json.load(open(sys.argv[2]))["packages"]
       if p["kind"] == "dependency" and (p["scripts_ran"] or p["scripts_skipped"])
       and p["scripts_approved"] is None}
sys.exit(0 if npm == rep else print(f"npm: {sorted(npm)} pkgtrace: {sorted(rep)}") or 1)
PY
	if [ $? -eq 0 ]; then ok "$case: not covered by allowScripts: npm install-scripts ls agrees"
	else fail "$case: not covered by allowScripts: npm install-scripts ls agrees"; fi
}

# npm_case CASE: pack the fixture packages into the registry, make the
# consuming project and its lockfile, `npm ci` it under pkgtrace, judge.
# The case is in $NPM_CASES_DIR (default: the corpus's npm/).  A sourcing
# script may define corpus_before_run CASE STAGE, called just before the
# install (to hand the stage to another user, say).
npm_case() {
	local case=$1 src=${NPM_CASES_DIR:-$CORPUS_DIR/npm}/$1 st=$TMP/npm/$1
	local exp=$src/expected.json
	mkdir -p "$st/pkgs" "$st/home" "$st/tmp"
	cp -r "$src/packages/." "$st/pkgs/"
	if [ -x "$src/stage.sh" ]; then "$src/stage.sh" "$st/pkgs" || { fail "$case: stage"; return; }; fi
	corpus_bait_home "$st/home"
	# One npm pack for all the case's packages: one node start-up, not N.
	if ! (cd "$st/pkgs" && corpus_env "$st/home" "$st/tmp" npm pack --silent \
		--pack-destination "$REGDIR" "$st"/pkgs/*/) >"$st/pack.log" 2>&1; then
		fail "$case: npm pack" "$(tail -3 "$st/pack.log")"; return
	fi
	cp -r "$src/project" "$st/project"
	printf 'registry=http://127.0.0.1:%s/\naudit=false\nfund=false\nupdate-notifier=false\n' \
		"$REG_PORT" >"$st/project/.npmrc"
	(cd "$st/project" && git init -q . && git add -A && git -c user.name=c -c user.email=c@x \
		commit -qm init) || { fail "$case: git init"; return; }
	if ! (cd "$st/project" && corpus_env "$st/home" "$st/tmp" npm install \
		--package-lock-only) >"$st/lock.log" 2>&1; then
		fail "$case: lockfile" "$(tail -5 "$st/lock.log")"; return
	fi
	if grep -q 'registry.npmjs.org' "$st/project/package-lock.json"; then
		fail "$case: lockfile resolves only to loopback"; return
	fi
	if declare -F corpus_before_run >/dev/null; then corpus_before_run "$case" "$st"; fi
	corpus_reset_logs
	corpus_run "$st" "$st/project" "$st/install" npm ci
	if [ -n "${CORPUS_BARE:-}" ]; then
		if [ "$CORPUS_RC" -eq 0 ]; then ok "$case: bare npm ci"
		else fail "$case: bare npm ci" "exit $CORPUS_RC: $(tail -5 "$st/install.err")"; fi
	fi
	corpus_effects "$case" "$exp" "$st"
	corpus_judge "$case" "$exp" "$st"
	npm_scripts_crosscheck "$case" "$exp" "$st"
	corpus_kill_payloads "$st"
	if declare -F corpus_after_case >/dev/null; then corpus_after_case "$case" "$st"; fi
}

# pip_case CASE: make the case's sdists, a fresh venv from /usr/bin/python3,
# `pip install` the sdists under pkgtrace (offline: --no-index, build
# isolation served from Debian's wheels), judge.
PIP_WHEELS=${PIP_WHEELS:-/usr/share/python-wheels}
pip_case() {
	local case=$1 src=$CORPUS_DIR/pip/$1 st=$TMP/pip/$1 d f
	local exp=$src/expected.json
	# work/ is the user's project directory pip runs in; it holds neither
	# the temp directory nor the venv, as on a real machine.
	mkdir -p "$st/home" "$st/tmp" "$st/dist" "$st/work"
	corpus_bait_home "$st/home"
	for d in "$src"/src/*/; do
		d=$(basename "$d")
		tar -C "$src/src" --owner=0 --group=0 -czf "$st/dist/$d.tar.gz" "$d" ||
			{ fail "$case: sdist $d"; return; }
	done
	if ! corpus_env "$st/home" "$st/tmp" /usr/bin/python3 -m venv "$st/venv" >"$st/venv.log" 2>&1; then
		fail "$case: venv" "$(tail -3 "$st/venv.log")"; return
	fi
	corpus_reset_logs
	# pip_install names the top-level requirements (the others are then
	# found as dependencies in dist/); by default every sdist is top-level.
	local reqs
	reqs=$(jpy "$exp" '" ".join(j.get("pip_install", []))')
	[ -n "$reqs" ] || reqs=$(echo "$st"/dist/*.tar.gz)
	# shellcheck disable=SC2086 # reqs is a list of words
	corpus_run "$st" "$st/work" "$st/install" "$st/venv/bin/pip" install --no-index \
		--disable-pip-version-check --find-links "$PIP_WHEELS" --find-links "$st/dist" $reqs
	if [ -n "${CORPUS_BARE:-}" ]; then
		if [ "$CORPUS_RC" -eq 0 ]; then ok "$case: bare pip install"
		else fail "$case: bare pip install" "exit $CORPUS_RC: $(tail -5 "$st/install.err")"; fi
	fi
	corpus_effects "$case" "$exp" "$st"
	for f in $(jpy "$exp" '" ".join(j.get("venv_bin", []))'); do
		if [ -x "$st/venv/bin/$f" ]; then ok "$case: installed venv/bin/$f"
		else fail "$case: installed venv/bin/$f"; fi
	done
	for f in $(jpy "$exp" '" ".join(j.get("venv_files", []))'); do
		if [ -n "$(find "$st/venv/lib" -name "$f")" ]; then ok "$case: installed $f"
		else fail "$case: installed $f"; fi
	done
	corpus_judge "$case" "$exp" "$st"
	corpus_kill_payloads "$st"
	if declare -F corpus_after_case >/dev/null; then corpus_after_case "$case" "$st"; fi
}
