#!/usr/bin/env bash
# corpus_npm.sh - every npm case of tests/corpus/npm, published to the
# loopback registry and installed with `pkgtrace --report r.json -- npm ci`
# inside a private network namespace; each report is judged against the
# case's expected.json (tests/corpus/check.py).
# Each case is recorded too and replayed: same report, byte for byte.
CORPUS_RECORD=${CORPUS_RECORD-1}
corpus_after_case() { [ -n "$CORPUS_RECORD" ] && corpus_replay_check "$@"; }
. "$(dirname "$0")/../corpus/lib.sh"
corpus_start
for c in $(corpus_cases npm); do
	npm_case "$c"
done
done_testing
