#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# ci/mkdeb.sh ROOT VERSION OUT.deb - a Debian package of a staged install
# (`make install DESTDIR=ROOT PREFIX=/usr`, as `make deb` does) with
# dpkg-deb.  Its Depends are the runtime libraries the binary links
# (ELF NEEDED), each as the Debian package that ships it on this machine,
# at least its version here (without the Debian revision).  The man page
# is gzipped and the license is the package's copyright file, as Debian
# policy wants.  One line on stderr and exit 1 when something is missing.
set -eu
[ $# -eq 3 ] || { echo "usage: $0 ROOT VERSION OUT.deb" >&2; exit 2; }
ROOT=$1 VERSION=$2 OUT=$3
BIN=$ROOT/usr/bin/pkgtrace
[ -x "$BIN" ] || { echo "mkdeb: no $BIN (stage with make install DESTDIR=ROOT PREFIX=/usr)" >&2; exit 1; }

# lib_package SONAME: the package that ships the library this binary loads
lib_package() {
	local path real cand pkg
	path=$(ldconfig -p | awk -v l="$1" '$1 == l { print $NF; exit }')
	[ -n "$path" ] || return 1
	real=$(realpath "$path")
	# usrmerge: dpkg may know the file under /lib or /usr/lib
	for cand in "$path" "$real" "/lib/${real#/usr/lib/}" "/usr/lib/${real#/lib/}"; do
		pkg=$(dpkg -S "$cand" 2>/dev/null | head -1 | cut -d: -f1)
		[ -n "$pkg" ] && { echo "$pkg"; return 0; }
	done
	return 1
}

depends=
for soname in $(objdump -p "$BIN" | awk '$1 == "NEEDED" { print $2 }'); do
	pkg=$(lib_package "$soname") || { echo "mkdeb: no Debian package ships $soname" >&2; exit 1; }
	ver=$(dpkg-query -W -f='${Version}' "$pkg")
	depends="${depends:+$depends, }$pkg (>= ${ver%-*})"
done

gzip -9nf "$ROOT/usr/share/man/man8/pkgtrace.8"
install -m 0644 "$(dirname "$0")/../LICENSE" "$ROOT/usr/share/doc/pkgtrace/copyright"
mkdir -p "$ROOT/DEBIAN"
cat >"$ROOT/DEBIAN/control" <<EOF2
Package: pkgtrace
Version: $VERSION
Architecture: $(dpkg --print-architecture)
Maintainer: The pkgtrace authors <pkgtrace@users.noreply.github.com>
Installed-Size: $(du -sk --exclude=DEBIAN "$ROOT" | cut -f1)
Depends: $depends
Section: admin
Priority: optional
Homepage: https://github.com/pkgtrace/pkgtrace
Description: package install behaviour monitor (eBPF tracepoints)
 pkgtrace runs a package install (npm, pnpm, yarn, bun, pip) and traces its
 whole process tree from kernel tracepoints, then reports, package by
 package, what each dependency did that a pure library never does: ran a
 second stage, read credentials, reached a host other than the registry,
 planted persistence, shadowed a command or left a process behind.
 Reports as text, JSON and SARIF; a node-wide daemon; record and replay.
EOF2
dpkg-deb --root-owner-group -Zxz --build "$ROOT" "$OUT" >/dev/null
echo "$OUT"
