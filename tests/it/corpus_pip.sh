#!/usr/bin/env bash
# corpus_pip.sh - every pip case of tests/corpus/pip: local sdists installed
# into a fresh venv with `pkgtrace --report r.json -- pip install` inside a
# private network namespace; each report is judged against the case's
# expected.json (tests/corpus/check.py).
. "$(dirname "$0")/../corpus/lib.sh"
corpus_start
for c in $(corpus_cases pip); do
	pip_case "$c"
done
done_testing
