#!/usr/bin/env bash
# pm_yarn_pnpm.sh - pkgtrace under yarn classic (v1) and pnpm, for real.
# One project (tests/pm/project) mixes pure libraries, a benign install
# script and corpus attacks; it is installed from the loopback registry
# with `yarn install --frozen-lockfile` and `pnpm install --frozen-lockfile`
# under pkgtrace, inside the corpus's private network namespace, with a
# throwaway bait HOME and empty caches.  The report must name exactly the
# expected (package, version, rule) findings (tests/pm/expected.json).
#
# The registry port is dynamic, so each lockfile is made first, outside
# pkgtrace, by an install with --ignore-scripts (or pnpm's --lockfile-only)
# in a scratch copy with its own HOME and caches; the traced install then
# starts cold from that lockfile.
# Knobs: CORPUS_KEEP=1 keeps $TMP; PM_ONLY="yarn" runs one manager.
CORPUS_RECORD=${CORPUS_RECORD-1}
. "$(dirname "$0")/../corpus/lib.sh"
PM_DIR=$TOP/tests/pm
PM_PACKAGES="banner/packages/core-js-lite command-shadowing/packages/kube-tools-lite
	cred-steal/packages/env-telemetry own-bin/packages/json-pretty-printer
	persistence/packages/build-cache-warm transitive/packages/date-helpers
	transitive/packages/tiny-locale-data skipped-script/packages/denied-helper"

for pm in yarn pnpm; do
	PATH=$CORPUS_PATH command -v "$pm" >/dev/null || { fail "$pm is installed (make deps)"; done_testing; }
done
corpus_start

# The corpus packages, packed once into the registry.
mkdir -p "$TMP/pack/home" "$TMP/pack/tmp"
dirs=()
for p in $PM_PACKAGES; do dirs+=("$CORPUS_DIR/npm/$p/"); done
if ! corpus_env "$TMP/pack/home" "$TMP/pack/tmp" npm pack --silent --pack-destination "$REGDIR" \
	"${dirs[@]}" >"$TMP/pack.log" 2>&1; then
	fail "npm pack the corpus packages" "$(tail -3 "$TMP/pack.log")"
	done_testing
fi

# pm_config DIR HOME: the project's registry and cache settings, every path
# under HOME so that nothing is shared between the lockfile run and the
# traced one, and nothing reaches beyond loopback.
pm_config() {
	local dir=$1 home=$2
	printf 'registry=http://127.0.0.1:%s/\naudit=false\nfund=false\nupdate-notifier=false\nstore-dir=%s\ncache-dir=%s\n' \
		"$REG_PORT" "$home/.pnpm-store" "$home/.cache/pnpm" >"$dir/.npmrc"
	printf 'registry "http://127.0.0.1:%s/"\ncache-folder "%s"\ndisable-self-update-check true\n' \
		"$REG_PORT" "$home/.cache/yarn" >"$dir/.yarnrc"
}

# pm_case PM LOCKFILE LOCKCMD...: lockfile outside pkgtrace, then the
# frozen install under it; the report is judged by tests/pm/check.py.
pm_case() {
	local pm=$1 lock=$2; shift 2
	local st=$TMP/$pm
	mkdir -p "$st/home" "$st/tmp" "$st/lockhome" "$st/locktmp"
	corpus_bait_home "$st/home"
	cp -r "$PM_DIR/project" "$st/lockproj"
	pm_config "$st/lockproj" "$st/lockhome"
	if ! (cd "$st/lockproj" && corpus_env "$st/lockhome" "$st/locktmp" "$@") >"$st/lock.log" 2>&1; then
		fail "$pm: lockfile" "$(tail -5 "$st/lock.log")"; return
	fi
	if [ ! -s "$st/lockproj/$lock" ]; then
		fail "$pm: wrote $lock" "$(tail -5 "$st/lock.log")"; return
	fi
	# yarn.lock keeps tarball URLs; pnpm-lock.yaml only integrity hashes
	if [ "$pm" = yarn ] && ! grep -q "127.0.0.1:$REG_PORT/" "$st/lockproj/$lock"; then
		fail "$pm: lockfile names the loopback registry" "$(head -c 400 "$st/lockproj/$lock")"; return
	fi
	if grep -q -e registry.npmjs.org -e registry.yarnpkg.com "$st/lockproj/$lock"; then
		fail "$pm: lockfile resolves only to loopback"; return
	fi
	cp -r "$PM_DIR/project" "$st/project"
	cp "$st/lockproj/$lock" "$st/project/"
	pm_config "$st/project" "$st/home"
	(cd "$st/project" && git init -q . && git add -A && git -c user.name=c -c user.email=c@x \
		commit -qm init) || { fail "$pm: git init"; return; }
	corpus_reset_logs
	corpus_run "$st" "$st/project" "$st/install" "$pm" install --frozen-lockfile
	corpus_effects "$pm" "$PM_DIR/effects.json" "$st"
	# the core-js-like banner goes to os.tmpdir(): pnpm points TMPDIR at
	# the package's own node_modules/.tmp
	local banner=$st/tmp/core-js-lite-banner
	[ "$pm" = pnpm ] && banner=$st/project/node_modules/.pnpm/core-js-lite@1.0.0/node_modules/core-js-lite/node_modules/.tmp/core-js-lite-banner
	if [ -s "$banner" ]; then ok "$pm: core-js-lite wrote its banner"
	else fail "$pm: core-js-lite wrote its banner" "no ${banner#$st/}"; fi
	# yarn runs every dependency's scripts; pnpm 10 only those in
	# pnpm.onlyBuiltDependencies, which does not name denied-helper
	if [ "$pm" = yarn ]; then
		check "$pm: denied-helper's script ran" test -s "$st/home/denied-helper-ran"
	else
		check "$pm: denied-helper's script did not run" test ! -e "$st/home/denied-helper-ran"
	fi
	if [ -L "$st/project/node_modules/.bin/kubectl" ] || [ -f "$st/project/node_modules/.bin/kubectl" ]; then
		ok "$pm: installed node_modules/.bin/kubectl"
	else
		fail "$pm: installed node_modules/.bin/kubectl"
	fi
	if [ ! -s "$st/r.json" ]; then
		fail "$pm: pkgtrace wrote a report" "exit $CORPUS_RC: $(tail -3 "$st/install.err")"
	else
		PATH=$CORPUS_PATH python3 "$PM_DIR/check.py" "$pm" "$PM_DIR/expected.json" "$st/r.json" \
			"$CORPUS_RC" "$st/project" || T_FAILED=$((T_FAILED + 1))
	fi
	corpus_kill_payloads "$st"
	[ -n "$CORPUS_RECORD" ] && corpus_replay_check "$pm" "$st" && pm_sarif_check "$pm" "$lock" "$st"
}

# pm_sarif_check PM LOCKFILE ST: the replayed SARIF points each
# dependency's result at its own entry in the manager's lockfile.
pm_sarif_check() {
	local pm=$1 lock=$2 st=$3
	if ! "$PKGTRACE" replay --fail-on never --format sarif "$st/trace.ptr" >"$st/r.sarif" 2>"$st/sarif.err"; then
		fail "$pm: replay --format sarif" "$(head -3 "$st/sarif.err")"; return
	fi
	python3 - "$st/r.sarif" "$st/project/$lock" "$lock" <<'PY'
import json, sys
sarif, lockpath, lock = sys.argv[1:]
lines = open(lockpath).read().split("\n")
bad, seen = [], 0
for r in json.load(open(sarif))["runs"][0]["results"]:
    name, version = r["properties"].get("package"), r["properties"].get("version")
    if not name:
        continue
    seen += 1
    pl = r["locations"][0].get("physicalLocation", {})
    uri, line = pl.get("artifactLocation", {}).get("uri"), pl.get("region", {}).get("startLine", 0)
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    # yarn: the block's header `name@range:`; pnpm: `name@version:` (or /name@version:)
    if uri != lock or f"{name}@" not in text or (lock == "pnpm-lock.yaml" and f"{name}@{version}" not in text):
        bad.append((r["ruleId"], name, uri, line, text.strip()))
ok = seen and not bad
print(f"ok - {sys.argv[3]}: each dependency's SARIF result is on its lockfile entry" if ok else
      f"FAIL - {sys.argv[3]}: each dependency's SARIF result is on its lockfile entry\n#   {bad[:3] or 'no results'}")
sys.exit(0 if ok else 1)
PY
	[ $? -eq 0 ] || T_FAILED=$((T_FAILED + 1))
}

case " ${PM_ONLY:-yarn pnpm} " in *" yarn "*)
	pm_case yarn yarn.lock yarn install --ignore-scripts --non-interactive ;;
esac
case " ${PM_ONLY:-yarn pnpm} " in *" pnpm "*)
	pm_case pnpm pnpm-lock.yaml pnpm install --lockfile-only ;;
esac
done_testing
