#!/usr/bin/env bash
# realworld_pip.sh - benign distributions installed with
# `pkgtrace -- VENV/bin/pip install FILE` under the real BPF monitor, for
# every python3 of the machine (the first on PATH, e.g. a pyenv 3.11 with
# pip 23.2, and Debian's /usr/bin/python3 with its venv's pip 23.0), each
# into a venv inside the project (PROJECT/.venv, the usual layout) and one
# outside it. Fixtures (tests/realworld/pip_fixtures.py), made locally:
#   setup.py-only sdist (src/ layout), installed before and after `wheel`
#   is in the venv (pip's legacy `setup.py install`/`bdist_wheel` through
#   <pip-setuptools-caller>, or a PEP 517 build, depending on pip's version),
#   a pyproject.toml sdist (isolated PEP 517 build), a pure wheel, and a C
#   extension sdist (gcc).
# Offline: a private network namespace, --no-index, the build backend from
# local wheels: setuptools from the interpreter's own ensurepip bundle when
# it has one (Debian's setuptools wheel is patched for Debian's Python and
# breaks bdist_wheel elsewhere: "AttributeError: install_layout"), else
# from Debian's /usr/share/python-wheels; wheel from the latter.
# Each report must hold exactly the expected findings (only install-script
# info for a build), the distribution's metadata name and version, and no
# approval verdict (pip has no approval mechanism).
. "$(dirname "$0")/../realworld/lib.sh"
PIP_WHEELS=${PIP_WHEELS:-/usr/share/python-wheels}
DIST=$TMP/dist

python3 "$RW_DIR/pip_fixtures.py" "$DIST" || { fail "pip fixtures"; done_testing; }
ls "$PIP_WHEELS"/setuptools-*.whl "$PIP_WHEELS"/wheel-*.whl >/dev/null 2>&1 ||
	{ fail "setuptools and wheel wheels in $PIP_WHEELS (make deps)"; done_testing; }

# The pythons: the first python3 on the caller's PATH and Debian's, by the
# interpreter they really are (a pyenv shim resolves to its version's binary).
declare -A seen=()
PYTHONS=()
for py in "$(command -v python3)" /usr/bin/python3; do
	[ -x "$py" ] || continue
	real=$("$py" -c 'import os, sys; print(os.path.realpath(sys.executable))' 2>/dev/null) || continue
	[ -n "${seen[$real]:-}" ] && continue
	seen[$real]=1
	PYTHONS+=("$real")
done
[ ${#PYTHONS[@]} -ge 1 ] || { fail "a python3 to test"; done_testing; }

# pip_case LABEL ST VENV FILE NAME VERSION [RULE:SEVERITY...]: `pip install
# FILE` into VENV under pkgtrace, in ST/project; the report must name
# NAME@VERSION and hold exactly the (rule, NAME, severity) findings given.
pip_case() {
	local label=$1 st=$2 venv=$3 file=$4 name=$5 version=$6; shift 6
	rw_want "$label" || return 0
	local cst=$st/$name
	mkdir -p "$cst"
	rw_trace "$cst" "$st/project" -- "$venv/bin/pip" install --no-index \
		--disable-pip-version-check --find-links "$wheels" --find-links "$DIST" "$file"
	python3 - "$name" "$version" "$@" >"$cst/spec.json" <<'PY' || { fail "$label: spec"; return; }
import json, sys
name, version, want = sys.argv[1], sys.argv[2], sys.argv[3:]
print(json.dumps({"pip": True,
                  "packages": [{"name": name, "version": version}],
                  "owners": [name, "setuptools", "wheel", "pip"],
                  "findings": [{"rule": w.split(":")[0], "package": name,
                                "severity": w.split(":")[1]} for w in want]}))
PY
	rw_judge "$label" "$cst" "$cst/spec.json"
}

# py_wheelhouse PY DIR: the build backend's wheels for PY in DIR.
py_wheelhouse() {
	local py=$1 dir=$2 bundled st
	bundled=$("$py" -c 'import ensurepip, os; print(os.path.dirname(ensurepip.__file__))')/_bundled
	mkdir -p "$dir"
	st=$(ls "$bundled"/setuptools-*.whl 2>/dev/null | head -1)
	[ -n "$st" ] || st=$(ls "$PIP_WHEELS"/setuptools-*.whl | head -1)
	cp "$st" "$PIP_WHEELS"/wheel-*.whl "$dir/"
}

for py in "${PYTHONS[@]}"; do
	pyname="python$("$py" -c 'import platform; print(platform.python_version())')@$py"
	wheels=$TMP/wheels/$(echo "$pyname" | tr -c 'A-Za-z0-9.\n' _)
	py_wheelhouse "$py" "$wheels" || { fail "$pyname: build backend wheels"; continue; }
	for where in in-project outside; do
		st=$TMP/pip/$(echo "$pyname" | tr -c 'A-Za-z0-9.\n' _)/$where
		mkdir -p "$st/project" "$st/home" "$st/tmp"
		printf 'import rw_setuppy\n' >"$st/project/app.py"
		printf 'rw-setuppy\n' >"$st/project/requirements.txt"
		rw_git_init "$st/project" || { fail "$pyname $where: git init"; continue; }
		if [ $where = in-project ]; then venv=$st/project/.venv; else venv=$st/venv; fi
		if ! rw_env "$st/home" "$st/tmp" "${RW_OFFLINE[@]}" "$py" -m venv "$venv" >"$st/venv.log" 2>&1; then
			fail "$pyname $where: python3 -m venv" "$(tail -3 "$st/venv.log")"; continue
		fi
		pipv=$("$venv/bin/pip" --version | cut -d' ' -f2)
		l="$pyname pip $pipv venv $where"
		# build steps of a build: install-script info, nothing else
		pip_case "$l: setup.py-only sdist, no wheel" "$st" "$venv" "$DIST/rw_setuppy-1.2.3.tar.gz" \
			rw-setuppy 1.2.3 install-script:info
		pip_case "$l: pyproject sdist" "$st" "$venv" "$DIST/rw_pyproject-2.1.0.tar.gz" \
			rw-pyproject 2.1.0 install-script:info
		pip_case "$l: wheel" "$st" "$venv" "$DIST/rw_wheel-3.0.1-py3-none-any.whl" rw-wheel 3.0.1
		pip_case "$l: C extension sdist" "$st" "$venv" "$DIST/rw_cext-0.9.2.tar.gz" \
			rw-cext 0.9.2 install-script:info
		if ! rw_env "$st/home" "$st/tmp" "${RW_OFFLINE[@]}" "$venv/bin/pip" install --no-index \
			--disable-pip-version-check --find-links "$wheels" wheel >"$st/wheel.log" 2>&1; then
			fail "$l: install wheel into the venv" "$(tail -3 "$st/wheel.log")"; continue
		fi
		pip_case "$l: setup.py-only sdist, with wheel" "$st" "$venv" \
			"$DIST/rw_setuppy_wheel-1.4.0.tar.gz" rw-setuppy-wheel 1.4.0 install-script:info
		check "$l: the C extension imports and runs" \
			rw_env "$st/home" "$st/tmp" "$venv/bin/python" -c 'import rw_cext, sys; sys.exit(rw_cext.add(2, 3) != 5)'
	done
done
done_testing
