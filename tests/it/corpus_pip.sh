#!/usr/bin/env bash
# corpus_pip.sh - every pip case of tests/corpus/pip: local sdists installed
# into a fresh venv with `pkgtrace --report r.json -- pip install` inside a
# private network namespace; each report is judged against the case's
# expected.json (tests/corpus/check.py), and its recorded trace replayed
# to the same report.
# Each case is recorded too and replayed: same report, byte for byte.
CORPUS_RECORD=${CORPUS_RECORD-1}
corpus_after_case() { [ -n "$CORPUS_RECORD" ] && corpus_replay_check "$@"; }
. "$(dirname "$0")/../corpus/lib.sh"
corpus_start
for c in $(corpus_cases pip); do
	pip_case "$c"
done
done_testing
