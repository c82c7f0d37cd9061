#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# ci/pkgtrace-ci.sh - the steps of the GitHub Action (action.yml) and the
# GitLab CI template (ci/gitlab/pkgtrace.gitlab-ci.yml), one script for both:
#
#   ci/pkgtrace-ci.sh deps    install the build dependencies (apt-get)
#   ci/pkgtrace-ci.sh build   build pkgtrace from this checkout and install
#                             it under PKGTRACE_PREFIX (default /usr/local)
#   ci/pkgtrace-ci.sh run     run PKGTRACE_COMMAND under pkgtrace
#
# run reads (empty: not passed):
#   PKGTRACE_COMMAND        the install command, run by sh -c (required)
#   PKGTRACE_WORKDIR        the directory to run it in (default .)
#   PKGTRACE_FAIL_ON        --fail-on (default high)
#   PKGTRACE_POLICY         --policy FILE
#   PKGTRACE_SARIF_FILE     --sarif FILE
#   PKGTRACE_REPORT_FILE    --report FILE
#   PKGTRACE_MARKDOWN_FILE  --markdown FILE (default: a temp file)
#   PKGTRACE_EXTRA_ARGS     more options, split on blanks
#   PKGTRACE_BIN            the binary (default PKGTRACE_PREFIX/bin/pkgtrace)
# Relative file names are relative to PKGTRACE_WORKDIR.  The markdown
# summary is appended to $GITHUB_STEP_SUMMARY when that is set, and
# exit-code=N to $GITHUB_OUTPUT.  Exits with pkgtrace's status (10: a
# finding at or above --fail-on; see pkgtrace(8)).  pkgtrace needs root:
# when not root, it runs through sudo, and what the install wrote in the
# working directory and the reports are given back to the caller.
set -u
SRC=$(cd "$(dirname "$0")/.." && pwd)
PREFIX=${PKGTRACE_PREFIX:-/usr/local}
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO="sudo --preserve-env"

# Debian/Ubuntu packages to build pkgtrace (the Makefile's DEB_BUILD_DEPS);
# Ubuntu ships bpftool in linux-tools.
deps() {
	local pkgs="clang llvm libbpf-dev libelf-dev zlib1g-dev libjson-c-dev make gcc pkg-config"
	$SUDO apt-get update -qq || return
	if apt-cache show bpftool >/dev/null 2>&1; then pkgs="$pkgs bpftool"
	else pkgs="$pkgs linux-tools-common linux-tools-$(uname -r)"; fi
	# shellcheck disable=SC2086 # a list of package names
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $pkgs
}

build() {
	make -C "$SRC" -j"$(nproc)" pkgtrace || return
	$SUDO make -C "$SRC" install PREFIX="$PREFIX"
}

run() {
	local bin=${PKGTRACE_BIN:-$PREFIX/bin/pkgtrace} md=${PKGTRACE_MARKDOWN_FILE:-} rc
	local -a args extra=()

	if [ -z "${PKGTRACE_COMMAND:-}" ]; then
		echo "pkgtrace-ci: no command given (the action's 'command' input, PKGTRACE_COMMAND)" >&2
		return 2
	fi
	cd "${PKGTRACE_WORKDIR:-.}" || return 2
	[ -n "$md" ] || md=$(mktemp "${TMPDIR:-/tmp}/pkgtrace-summary.XXXXXX.md") || return 125
	args=(--fail-on "${PKGTRACE_FAIL_ON:-high}" --markdown "$md")
	[ -n "${PKGTRACE_POLICY:-}" ] && args+=(--policy "$PKGTRACE_POLICY")
	[ -n "${PKGTRACE_SARIF_FILE:-}" ] && args+=(--sarif "$PKGTRACE_SARIF_FILE")
	[ -n "${PKGTRACE_REPORT_FILE:-}" ] && args+=(--report "$PKGTRACE_REPORT_FILE")
	# shellcheck disable=SC2206 # extra options are split on blanks, as documented
	[ -n "${PKGTRACE_EXTRA_ARGS:-}" ] && extra=($PKGTRACE_EXTRA_ARGS)
	echo "pkgtrace-ci: $bin ${args[*]} ${extra[*]} -- sh -c '$PKGTRACE_COMMAND'"
	# through sudo, PATH and HOME as the job has them: sudo's secure_path
	# would lose the node or python a setup step put on PATH
	$SUDO ${SUDO:+env "PATH=$PATH" "HOME=$HOME"} "$bin" "${args[@]}" "${extra[@]}" \
		-- sh -c "$PKGTRACE_COMMAND"
	rc=$?
	if [ -n "$SUDO" ]; then
		# the install ran as root: give the tree and the reports back
		$SUDO chown -R "$(id -u):$(id -g)" . "$md" ${PKGTRACE_SARIF_FILE:+"$PKGTRACE_SARIF_FILE"} \
			${PKGTRACE_REPORT_FILE:+"$PKGTRACE_REPORT_FILE"} 2>/dev/null
	fi
	if [ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ -s "$md" ]; then
		cat "$md" >>"$GITHUB_STEP_SUMMARY"
	fi
	[ -n "${GITHUB_OUTPUT:-}" ] && echo "exit-code=$rc" >>"$GITHUB_OUTPUT"
	[ -n "${PKGTRACE_MARKDOWN_FILE:-}" ] || rm -f "$md"
	return "$rc"
}

case "${1:-}" in
deps | build | run) "$1" ;;
*) echo "usage: $0 deps|build|run" >&2; exit 2 ;;
esac
