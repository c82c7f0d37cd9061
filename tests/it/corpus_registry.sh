#!/usr/bin/env bash
# corpus_registry.sh - the loopback npm registry (tests/registry/registry.js)
# on its own: packuments for plain and scoped names, integrity and shasum
# of the bytes it serves, tarballs, 404s, and that it dies with its parent.
. "$(dirname "$0")/../corpus/lib.sh"
corpus_start
home=$TMP/home
mkdir -p "$home" "$TMP/tmp" "$TMP/p/plain" "$TMP/p/scoped"
printf '{"name":"plain-pkg","version":"1.2.3","license":"MIT"}\n' >"$TMP/p/plain/package.json"
printf '{"name":"@corp/scoped-pkg","version":"0.1.0","license":"MIT"}\n' >"$TMP/p/scoped/package.json"
for p in plain scoped; do
	(cd "$TMP/p/$p" && corpus_env "$home" "$TMP/tmp" npm pack --silent --pack-destination "$REGDIR") \
		>/dev/null 2>&1 || fail "npm pack $p"
done

# fetch PATH OUT: GET http://127.0.0.1:PORT/PATH into OUT; prints the status.
fetch() {
	node -e '
		const http = require("http"), fs = require("fs");
		http.get({ host: "127.0.0.1", port: +process.argv[1], path: process.argv[2] }, (r) => {
			const b = []; r.on("data", (d) => b.push(d));
			r.on("end", () => { fs.writeFileSync(process.argv[3], Buffer.concat(b)); console.log(r.statusCode); });
		}).on("error", (e) => { console.log("error " + e.message); });
	' "$REG_PORT" "$1" "$2"
}

check "packument of a plain name" test "$(fetch /plain-pkg "$TMP/plain.json")" = 200
check "packument of a scoped name (%2f)" test "$(fetch /@corp%2fscoped-pkg "$TMP/scoped.json")" = 200
check "unknown package is 404" test "$(fetch /no-such-pkg "$TMP/none.json")" = 404
check "plain packument: latest and tarball URL" jpy "$TMP/plain.json" \
	'j["dist-tags"]["latest"] == "1.2.3" and j["versions"]["1.2.3"]["dist"]["tarball"].endswith("/plain-pkg/-/plain-pkg-1.2.3.tgz")'
check "scoped packument: tarball URL keeps the scope" jpy "$TMP/scoped.json" \
	'j["versions"]["0.1.0"]["dist"]["tarball"].endswith("/@corp/scoped-pkg/-/scoped-pkg-0.1.0.tgz")'
check "tarball served" test "$(fetch /plain-pkg/-/plain-pkg-1.2.3.tgz "$TMP/got.tgz")" = 200
check "tarball bytes are the packed file" cmp -s "$TMP/got.tgz" "$REGDIR/plain-pkg-1.2.3.tgz"
want_sha512="sha512-$(openssl dgst -sha512 -binary "$REGDIR/plain-pkg-1.2.3.tgz" 2>/dev/null | base64 -w0)"
[ "$want_sha512" != "sha512-" ] || want_sha512="sha512-$(python3 -c 'import hashlib,base64,sys; print(base64.b64encode(hashlib.sha512(open(sys.argv[1],"rb").read()).digest()).decode())' "$REGDIR/plain-pkg-1.2.3.tgz")"
check "integrity is sha512 of the tarball" jpy "$TMP/plain.json" \
	"j['versions']['1.2.3']['dist']['integrity'] == '$want_sha512'"
check "shasum is sha1 of the tarball" jpy "$TMP/plain.json" \
	"j['versions']['1.2.3']['dist']['shasum'] == '$(sha1sum "$REGDIR/plain-pkg-1.2.3.tgz" | cut -d' ' -f1)'"
check "scoped tarball served" test "$(fetch /@corp/scoped-pkg/-/scoped-pkg-0.1.0.tgz "$TMP/s.tgz")" = 200
check "missing tarball is 404" test "$(fetch /plain-pkg/-/plain-pkg-9.9.9.tgz "$TMP/x.tgz")" = 404

# Dies with its parent: start it under a shell that exits at once.
# The shell waits until the registry listens (it has read its ppid by then).
bash -c 'node "$1" --dir "$2" --port 0 --port-file "$3" >/dev/null 2>&1 & echo $! >"$4"
	for _ in $(seq 1 200); do [ -s "$3" ] && exit 0; sleep 0.05; done' _ \
	"$TOP/tests/registry/registry.js" "$REGDIR" "$TMP/orphan.port" "$TMP/orphan.pid"
check "second registry started" test -s "$TMP/orphan.port"
orphan=$(cat "$TMP/orphan.pid")
gone=no
for _ in $(seq 1 100); do
	kill -0 "$orphan" 2>/dev/null || { gone=yes; break; }
	sleep 0.1
done
check "registry exits when its parent dies" test "$gone" = yes
kill "$orphan" 2>/dev/null
done_testing
