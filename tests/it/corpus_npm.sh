#!/usr/bin/env bash
# corpus_npm.sh - every npm case of tests/corpus/npm, published to the
# loopback registry and installed with `pkgtrace --report r.json -- npm ci`
# inside a private network namespace; each report is judged against the
# case's expected.json (tests/corpus/check.py).
. "$(dirname "$0")/../corpus/lib.sh"
corpus_start
for c in $(corpus_cases npm); do
	npm_case "$c"
done
done_testing
