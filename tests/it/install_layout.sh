#!/usr/bin/env bash
# install_layout.sh - `make install DESTDIR=... PREFIX=/usr` lays out the
# binary, the man page, the bash completion, the schemas and the licenses;
# `make uninstall` removes them; `make deb` builds a Debian package whose
# Depends are the libraries the binary links, installed into a scratch
# dpkg root and removed again.  The man page renders with `man -l` without
# warnings and names every option the binary's --help lists; the completion
# offers them; the licenses cover every SPDX identifier in the tree.
. "$(dirname "$0")/../lib.sh"

ROOT=$TMP/root
VERSION=$(cat "$TOP/VERSION")

if ! make -s -C "$TOP" install DESTDIR="$ROOT" PREFIX=/usr >"$TMP/install.log" 2>&1; then
	fail "make install DESTDIR PREFIX=/usr" "$(tail -5 "$TMP/install.log")"
	done_testing
fi
ok "make install DESTDIR PREFIX=/usr"

# path mode: what make install must have put there
while read -r path mode; do
	if [ -f "$ROOT$path" ] && [ "$(stat -c %a "$ROOT$path")" = "$mode" ]; then ok "installed $path ($mode)"
	else fail "installed $path ($mode)" "$(ls -l "$ROOT$path" 2>&1)"; fi
done <<EOF2
/usr/bin/pkgtrace 755
/usr/share/man/man8/pkgtrace.8 644
/usr/share/bash-completion/completions/pkgtrace 644
/usr/share/pkgtrace/schemas/report.schema.json 644
/usr/share/pkgtrace/schemas/event.schema.json 644
/usr/share/pkgtrace/schemas/baseline.schema.json 644
/usr/share/pkgtrace/schemas/trace-format.md 644
/usr/share/doc/pkgtrace/LICENSE 644
/usr/share/doc/pkgtrace/GPL-2.0.txt 644
/usr/share/doc/pkgtrace/BSD-3-Clause.txt 644
/usr/share/doc/pkgtrace/CHANGELOG.md 644
EOF2
stray=$(find "$ROOT" -type f | grep -v "^$ROOT/usr/" | head -3)
if [ -z "$stray" ]; then ok "nothing installed outside PREFIX"; else fail "nothing installed outside PREFIX" "$stray"; fi

out=$("$ROOT/usr/bin/pkgtrace" --version 2>&1)
case "$out" in *"$VERSION"*) ok "installed binary runs: $out" ;; *) fail "installed binary runs" "$out" ;; esac

# the man page: renders cleanly, is this version, names every option
MAN=$ROOT/usr/share/man/man8/pkgtrace.8
warn=$(MANWIDTH=80 man --warnings -l "$MAN" 2>&1 >"$TMP/man.txt")
if [ -z "$warn" ] && grep -q "^NAME" "$TMP/man.txt" && grep -q "EXIT STATUS" "$TMP/man.txt"; then
	ok "man -l renders pkgtrace.8 without warnings"
else
	fail "man -l renders pkgtrace.8 without warnings" "$(echo "$warn" | head -3)"
fi
if grep -q "^\.TH PKGTRACE 8 .*\"pkgtrace $VERSION\"" "$MAN"; then ok "man page is version $VERSION"
else fail "man page is version $VERSION" "$(grep '^\.TH' "$MAN")"; fi
opts() { "$TOP/pkgtrace" "$@" 2>&1 | grep -oE -- '--[a-z][a-z-]+' | sort -u; }
missing=
for o in $( (opts --help; opts replay --help; opts daemon --help) | sort -u); do
	grep -qF -- "$o" "$TMP/man.txt" || missing="$missing $o"
done
if [ -z "$missing" ]; then ok "man page names every option of --help, replay --help, daemon --help"
else fail "man page names every option of --help, replay --help, daemon --help" "missing:$missing"; fi
for c in doctor replay daemon; do
	if grep -qE "^ +$c" "$TMP/man.txt"; then ok "man page has the $c command"
	else fail "man page has the $c command"; fi
done

# the completion: subcommands, values, and every run option
complete_words() { # complete_words WORD...: what completing the last word offers
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _pkgtrace; printf "%s\n" "${COMPREPLY[@]}"' \
		complete "$ROOT/usr/share/bash-completion/completions/pkgtrace" "$@"
}
same() { # same NAME GOT WANT
	if [ "$2" = "$3" ]; then ok "$1"; else fail "$1" "got '$2', want '$3'"; fi
}
same "completion: pkgtrace re -> replay" "$(complete_words pkgtrace re | tr '\n' ' ')" "replay "
same "completion: --format values" "$(complete_words pkgtrace --format "" | tr '\n' ' ')" \
	"text json sarif markdown "
same "completion: --fail-on values" "$(complete_words pkgtrace --fail-on h | tr '\n' ' ')" "high "
same "completion: a file name with a blank stays one word" \
	"$(cd "$TMP" && touch "a b.sarif" && complete_words pkgtrace --sarif "a")" "a b.sarif"
offered=$(complete_words pkgtrace --)
missing=
for o in $(opts --help); do
	# --print is baseline's (its synopsis line), checked below
	case "$o" in --help | --version | --print) continue ;; esac
	grep -qx -- "$o" <<<"$offered" || missing="$missing $o"
done
if [ -z "$missing" ]; then ok "completion offers every run option of --help"
else fail "completion offers every run option of --help" "missing:$missing"; fi
if grep -q "baseline --print" "$TMP/man.txt"; then
	same "completion: pkgtrace baseline --p" "$(complete_words pkgtrace baseline --p)" "--print"
fi
offered=$(complete_words pkgtrace daemon --)
missing=
for o in $(opts daemon --help); do grep -qx -- "$o" <<<"$offered" || missing="$missing $o"; done
if [ -z "$missing" ]; then ok "completion offers every daemon option"
else fail "completion offers every daemon option" "missing:$missing"; fi

# the licenses: a text for every SPDX identifier in the sources
ids=$(grep -rhoE "SPDX-License-Identifier: [A-Za-z0-9. -]+" "$TOP/user" "$TOP/bpf" "$TOP/tests" \
	"$TOP/doc" "$TOP/completion" 2>/dev/null | sed 's/.*: //; s/ OR /\n/g; s/ *\*\/.*//' | tr -d ' ' | sort -u)
missing=
for id in $ids; do [ -s "$TOP/LICENSES/$id.txt" ] || missing="$missing $id"; done
if [ -n "$ids" ] && [ -z "$missing" ]; then ok "LICENSES/ has a text for each SPDX id: $(echo "$ids" | tr '\n' ' ')"
else fail "LICENSES/ has a text for each SPDX id" "missing:$missing"; fi

if make -s -C "$TOP" uninstall DESTDIR="$ROOT" PREFIX=/usr >"$TMP/uninstall.log" 2>&1 &&
	[ -z "$(find "$ROOT" -type f)" ]; then
	ok "make uninstall removes every file"
else
	fail "make uninstall removes every file" "$(find "$ROOT" -type f | head -3)"
fi

# make deb: a package dpkg installs and removes (in a scratch dpkg root)
DEB=$TOP/build/pkgtrace_${VERSION}_$(dpkg --print-architecture).deb
rm -f "$DEB"
if ! make -s -C "$TOP" deb >"$TMP/deb.log" 2>&1 || [ ! -s "$DEB" ]; then
	fail "make deb" "$(tail -5 "$TMP/deb.log")"
	done_testing
fi
ok "make deb: ${DEB#$TOP/}"
deps=$(dpkg-deb -f "$DEB" Depends)
missing=
for lib in $(objdump -p "$TOP/pkgtrace" | awk '$1 == "NEEDED" { print $2 }'); do
	case "$lib" in
	libbpf.so.*) want=libbpf1 ;; libz.so.*) want=zlib1g ;; libjson-c.so.*) want=libjson-c5 ;;
	libc.so.*) want=libc6 ;; libelf.so.*) want=libelf1 ;; libcurl.so.*) want=libcurl4 ;; *) want="?$lib" ;;
	esac
	case ", $deps" in *", $want ("*) ;; *) missing="$missing $want" ;; esac
done
if [ -z "$missing" ]; then ok "deb Depends are the linked libraries' packages: $deps"
else fail "deb Depends are the linked libraries' packages" "missing:$missing in '$deps'"; fi
unmet=
while read -r pkg ver; do
	have=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null)
	dpkg --compare-versions "$have" ge "$ver" || unmet="$unmet $pkg($have<$ver)"
done < <(echo "$deps" | tr ',' '\n' | sed -E 's/^ *([^ ]+) \(>= ([^)]+)\)/\1 \2/')
if [ -z "$unmet" ]; then ok "deb Depends are met on this machine"; else fail "deb Depends are met on this machine" "$unmet"; fi
DROOT=$TMP/dpkgroot
mkdir -p "$DROOT/var/lib/dpkg/info" "$DROOT/var/lib/dpkg/updates"
: >"$DROOT/var/lib/dpkg/status"
# --force-depends: the scratch root's database knows no libraries
if dpkg --root="$DROOT" --force-depends --force-script-chrootless --log=/dev/null -i "$DEB" \
	>"$TMP/dpkg.log" 2>&1 && "$DROOT/usr/bin/pkgtrace" --version | grep -q "$VERSION" &&
	[ -z "$(MANWIDTH=80 man --warnings -l "$DROOT/usr/share/man/man8/pkgtrace.8.gz" 2>&1 >/dev/null)" ] &&
	[ -s "$DROOT/usr/share/doc/pkgtrace/copyright" ]; then
	ok "dpkg -i: the binary runs, the gzipped man page renders, copyright is there"
else
	fail "dpkg -i: the binary runs, the gzipped man page renders, copyright is there" "$(tail -3 "$TMP/dpkg.log")"
fi
if dpkg --root="$DROOT" --force-script-chrootless --log=/dev/null -r pkgtrace >>"$TMP/dpkg.log" 2>&1 &&
	[ -z "$(find "$DROOT/usr" -type f 2>/dev/null)" ]; then
	ok "dpkg -r removes every file"
else
	fail "dpkg -r removes every file" "$(find "$DROOT/usr" -type f | head -3)"
fi
done_testing
