#!/usr/bin/env bash
# approve.sh - `pkgtrace approve -- npm ci` on a project with two install
# scripts: fast-build compiles in its own folder, sneaky-telemetry reads
# the bait ~/.npmrc and uploads it to the loopback "C2".  The first must
# be proposed for approval, the second denied with its reasons; the C2
# must receive nothing and the bait must not be readable (the trial runs
# under --enforce --shield); the user's project must stay untouched until
# --write, which then writes an allowScripts that npm itself honours.
# Witnesses are outside pkgtrace: the C2's log, the script's own record of
# what it could read, files on disk, a bare `npm ci` afterwards.
. "$(dirname "$0")/../corpus/lib.sh"
corpus_start

st=$TMP/approve
P=$st/project
mkdir -p "$st/pkgs" "$st/home" "$st/tmp"
cp -r "$TOP/tests/approve/packages/." "$st/pkgs/"
corpus_bait_home "$st/home"
if ! (cd "$st/pkgs" && corpus_env "$st/home" "$st/tmp" npm pack --silent \
	--pack-destination "$REGDIR" "$st"/pkgs/*/) >"$st/pack.log" 2>&1; then
	fail "approve: npm pack" "$(tail -3 "$st/pack.log")"; done_testing
fi
cp -r "$TOP/tests/approve/project" "$P"
printf 'registry=http://127.0.0.1:%s/\naudit=false\nfund=false\nupdate-notifier=false\n' "$REG_PORT" >"$P/.npmrc"
if ! (cd "$P" && corpus_env "$st/home" "$st/tmp" npm install --package-lock-only) >"$st/lock.log" 2>&1; then
	fail "approve: lockfile" "$(tail -5 "$st/lock.log")"; done_testing
fi
cp "$P/package.json" "$st/package.json.orig"
cp "$P/package-lock.json" "$st/package-lock.json.orig"
corpus_reset_logs

# 1. the proposal, printed as JSON, nothing written
(cd "$P" && corpus_env "$st/home" "$st/tmp" APPROVE_WITNESS="$st/witness.log" \
	"$PKGTRACE" approve --format json --report "$st/trial.json" -- npm ci) >"$st/approve.json" 2>"$st/approve.err"
rc=$?
if [ "$rc" -eq 10 ]; then ok "approve: exit 10 when a package is denied"
else fail "approve: exit 10 when a package is denied" "exit $rc: $(tail -5 "$st/approve.err")"; fi
if jpy "$st/approve.json" '{p["name"]: p["verdict"] for p in j["packages"]} == {"fast-build": "approve", "sneaky-telemetry": "deny"}'; then
	ok "approve: fast-build approved, sneaky-telemetry denied"
else
	fail "approve: fast-build approved, sneaky-telemetry denied" "$(head -c 1500 "$st/approve.json") $(tail -3 "$st/approve.err")"
fi
if jpy "$st/approve.json" 'any(p["name"] == "sneaky-telemetry" and p["why"] and ("network-egress" in p["why"] or "credential-access" in p["why"]) and "collect.js" in p["did"] for p in j["packages"])'; then
	ok "approve: the denial gives its reasons and what the script ran"
else
	fail "approve: the denial gives its reasons and what the script ran" "$(head -c 1500 "$st/approve.json")"
fi
if jpy "$st/approve.json" 'any(p["name"] == "fast-build" and p["why"] is None and "nothing outside its own folder" in p["did"] for p in j["packages"])'; then
	ok "approve: the approval says the build stayed in its own folder"
else
	fail "approve: the approval says the build stayed in its own folder" "$(head -c 1500 "$st/approve.json")"
fi
if jpy "$st/approve.json" 'j["changed"] and not j["written"] and "+" in j["diff"] and "fast-build@1.0.0" in j["diff"]'; then
	ok "approve: without --write, the change is a diff"
else
	fail "approve: without --write, the change is a diff" "$(head -c 800 "$st/approve.json")"
fi
if python3 -c 'import json, sys, jsonschema; jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))' \
	"$st/approve.json" "$TOP/schemas/approve.schema.json" 2>"$st/schema.err"; then
	ok "approve: the JSON validates against schemas/approve.schema.json"
else
	fail "approve: the JSON validates against schemas/approve.schema.json" "$(tail -3 "$st/schema.err")"
fi
if [ ! -s "$LOGS/c2.log" ]; then ok "approve: the C2 received nothing during the trial"
else fail "approve: the C2 received nothing during the trial" "c2.log: $(head -c 200 "$LOGS/c2.log")"; fi
if [ -s "$st/witness.log" ] && ! grep -q CORPUSBAIT "$st/witness.log"; then
	ok "approve: the script ran and could not read the bait ~/.npmrc"
else
	fail "approve: the script ran and could not read the bait ~/.npmrc" "witness: $(cat "$st/witness.log" 2>&1 | head -c 300)"
fi
if cmp -s "$P/package.json" "$st/package.json.orig" && cmp -s "$P/package-lock.json" "$st/package-lock.json.orig" &&
	[ ! -e "$P/node_modules" ]; then
	ok "approve: the project is untouched without --write"
else
	fail "approve: the project is untouched without --write" "$(ls -a "$P")"
fi
if ! ls "$st/tmp" | grep -q pkgtrace-approve; then ok "approve: the throwaway copy is gone"
else fail "approve: the throwaway copy is gone" "$(ls "$st/tmp")"; fi
if jpy "$st/trial.json" 'j["packages"] and any(p["name"] == "fast-build" and p["scripts_ran"] for p in j["packages"])'; then
	ok "approve: --report keeps the trial's report"
else
	fail "approve: --report keeps the trial's report" "$(head -c 300 "$st/trial.json" 2>&1)"
fi

# 2. --write: only allowScripts changes, byte for byte elsewhere
corpus_reset_logs
(cd "$P" && corpus_env "$st/home" "$st/tmp" "$PKGTRACE" approve --write -- npm ci) >"$st/write.out" 2>"$st/write.err"
rc=$?
if [ "$rc" -eq 10 ] && grep -q 'Wrote package.json' "$st/write.out"; then ok "approve --write: wrote package.json"
else fail "approve --write: wrote package.json" "exit $rc: $(tail -5 "$st/write.out") $(tail -3 "$st/write.err")"; fi
if jpy "$P/package.json" 'j["allowScripts"] == {"left-alone": True, "fast-build@1.0.0": True, "sneaky-telemetry": False}'; then
	ok "approve --write: allowScripts approves fast-build@1.0.0, denies sneaky-telemetry, keeps the rest"
else
	fail "approve --write: allowScripts approves fast-build@1.0.0, denies sneaky-telemetry, keeps the rest" "$(cat "$P/package.json")"
fi
if diff "$st/package.json.orig" "$P/package.json" | grep '^[<>]' | grep -v -e allowScripts -e left-alone \
	-e fast-build@1.0.0 -e '"sneaky-telemetry": false' -e '^[<>] *},\?$' | grep -q .; then
	fail "approve --write: every other line as it was" "$(diff "$st/package.json.orig" "$P/package.json")"
elif grep -qF '"keywords": ["kept", "as",   "written"]' "$P/package.json"; then
	ok "approve --write: every other line as it was"
else
	fail "approve --write: every other line as it was" "$(cat "$P/package.json")"
fi

# 3. npm honours it: a bare npm ci runs the approved script only
rm -f "$st/witness2.log"
corpus_reset_logs
(cd "$P" && corpus_env "$st/home" "$st/tmp" APPROVE_WITNESS="$st/witness2.log" npm ci) >"$st/bare.out" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && [ -f "$P/node_modules/fast-build/build/fast.so" ] && [ ! -e "$st/witness2.log" ] &&
	[ ! -s "$LOGS/c2.log" ]; then
	ok "approve --write: npm ci then runs fast-build's script and not sneaky-telemetry's"
else
	fail "approve --write: npm ci then runs fast-build's script and not sneaky-telemetry's" \
		"exit $rc: $(tail -5 "$st/bare.out"); witness: $(cat "$st/witness2.log" 2>&1 | head -c 200)"
fi

# 3b. started as if through sudo: the trial runs as the caller (the run's
# rule), in a copy that is the caller's, and still gives its verdicts
USERNAME=pkgtrace-a$$
su_st=$st/sudo
mkdir -p "$su_st/home" "$su_st/tmp"
if useradd -M -d "$su_st/home" -s /bin/sh -U "$USERNAME" 2>"$st/useradd.err"; then
	trap 'userdel "$USERNAME" 2>/dev/null; corpus_cleanup' EXIT
	chmod 755 "$TMP" "$st"
	cp -r "$TOP/tests/approve/project" "$su_st/project"
	cp "$P/.npmrc" "$P/package-lock.json" "$su_st/project/"
	corpus_bait_home "$su_st/home"
	chown -R "$USERNAME:$USERNAME" "$su_st"
	corpus_reset_logs
	(cd "$su_st/project" && corpus_env "$su_st/home" "$su_st/tmp" SUDO_UID="$(id -u "$USERNAME")" \
		SUDO_GID="$(id -g "$USERNAME")" SUDO_USER="$USERNAME" APPROVE_WITNESS="$su_st/tmp/witness.log" \
		"$PKGTRACE" approve --format json --report "$su_st/trial.json" -- npm ci) \
		>"$su_st/approve.json" 2>"$su_st/approve.err"
	rc=$?
	if [ "$rc" -eq 10 ] && jpy "$su_st/approve.json" '{p["name"]: p["verdict"] for p in j["packages"]} == {"fast-build": "approve", "sneaky-telemetry": "deny"}' &&
		jpy "$su_st/trial.json" "j['enforcement']['user']['uid'] == $(id -u "$USERNAME")"; then
		ok "approve under sudo: the trial ran as the caller and gave the same verdicts"
	else
		fail "approve under sudo: the trial ran as the caller and gave the same verdicts" \
			"exit $rc: $(tail -5 "$su_st/approve.err") $(head -c 600 "$su_st/approve.json")"
	fi
	if [ ! -s "$LOGS/c2.log" ] && ! grep -q CORPUSBAIT "$su_st/tmp/witness.log" 2>/dev/null; then
		ok "approve under sudo: nothing reached the C2, the bait was not read"
	else
		fail "approve under sudo: nothing reached the C2, the bait was not read" \
			"c2: $(head -c 200 "$LOGS/c2.log"); witness: $(cat "$su_st/tmp/witness.log" 2>&1 | head -c 200)"
	fi
else
	fail "approve under sudo: useradd" "$(cat "$st/useradd.err")"
fi

# 4. bad input: one line, a documented exit code
bad=$st/bad
mkdir -p "$bad/notjson" "$bad/none"
printf '{"name": "x",\n' >"$bad/notjson/package.json"
(cd "$bad/notjson" && "$PKGTRACE" approve -- npm ci) >"$st/bad1.out" 2>"$st/bad1.err"
rc=$?
if [ "$rc" -eq 65 ] && [ "$(wc -l <"$st/bad1.err")" -eq 1 ] && grep -q 'package.json' "$st/bad1.err"; then
	ok "approve: a package.json that is not JSON: exit 65, one line"
else
	fail "approve: a package.json that is not JSON: exit 65, one line" "exit $rc: $(cat "$st/bad1.err")"
fi
(cd "$bad/none" && "$PKGTRACE" approve -- npm ci) >/dev/null 2>"$st/bad2.err"
rc=$?
if [ "$rc" -eq 66 ] && [ "$(wc -l <"$st/bad2.err")" -eq 1 ]; then ok "approve: no package.json: exit 66, one line"
else fail "approve: no package.json: exit 66, one line" "exit $rc: $(cat "$st/bad2.err")"; fi
(cd "$bad/none" && "$PKGTRACE" approve -- make) >/dev/null 2>"$st/bad3.err"
rc=$?
if [ "$rc" -eq 2 ] && grep -q -- '--pm' "$st/bad3.err"; then ok "approve: an unknown package manager: exit 2"
else fail "approve: an unknown package manager: exit 2" "exit $rc: $(cat "$st/bad3.err")"; fi
if [ ! -e "$bad/notjson/node_modules" ]; then ok "approve: nothing installed on bad input"
else fail "approve: nothing installed on bad input"; fi
done_testing
