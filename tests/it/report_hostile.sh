#!/usr/bin/env bash
# report_hostile: file names made to break reports - terminal escapes
# (ESC[2K ESC[1A CR erase and overwrite the line above), bytes that are not
# UTF-8 (0xff 0xfe), markup - from a dependency's postinstall, traced live
# by npm in a network namespace with nothing up.  The text report holds no
# raw control character; --events, --report and SARIF parse as strict UTF-8
# and give back every byte (user/jsonstr.h), and 0xff 0xfe stays distinct
# from a real "ÿþ".
. "$(dirname "$0")/../lib.sh"
TMP=$(realpath "$TMP")
H=$TMP/home
mkdir -p "$TMP/pkg" "$TMP/project" "$H"

cat >"$TMP/pkg/package.json" <<'JSON'
{"name": "hostile-names", "version": "1.0.0", "scripts": {"postinstall": "sh make.sh"}}
JSON
# a persistence hook and a dropped copy of /bin/true, both under hostile
# names, and the same hook named with a real "ÿþ" (UTF-8 c3 bf c3 be)
cat >"$TMP/pkg/make.sh" <<'SH'
n=$(printf 'x\033[2K\033[1A\rgone\377\376<script>alert(1)')
mkdir -p "$HOME/.config/autostart" "$HOME/.cache"
printf '[Desktop Entry]\n' >"$HOME/.config/autostart/$n.desktop"
printf '[Desktop Entry]\n' >"$HOME/.config/autostart/real-$(printf '\303\277\303\276').desktop"
cp /bin/true "$HOME/.cache/$n"
"$HOME/.cache/$n" "$n"
SH
if ! (cd "$TMP/pkg" && HOME=$H npm pack --silent >/dev/null 2>"$TMP/pack.err"); then
	fail "npm pack" "$(cat "$TMP/pack.err")"
	done_testing
fi
cat >"$TMP/project/package.json" <<'JSON'
{"name": "proj", "version": "1.0.0", "dependencies": {"hostile-names": "file:../pkg/hostile-names-1.0.0.tgz"}}
JSON

(cd "$TMP/project" && unshare -n env -i PATH=/usr/bin:/bin HOME="$H" \
	"$PKGTRACE" --events "$TMP/e.jsonl" --report "$TMP/r.json" --record "$TMP/t.ptr" \
	--format sarif --fail-on never -- npm install --offline --no-audit --no-fund \
	>"$TMP/s.sarif" 2>"$TMP/run.err")
rc=$?
if [ "$rc" -eq 77 ] || [ "$rc" -eq 78 ]; then
	fail "pkgtrace could not load BPF (exit $rc)" "$(cat "$TMP/run.err")"
	done_testing
fi
# npm's own output goes to the same stdout as --format sarif: keep the JSON
sed -n '/^{/,$p' "$TMP/s.sarif" >"$TMP/s.only.sarif"
[ "$rc" -eq 0 ] && ok "traced install ran" || fail "traced install ran" "exit $rc $(tail -3 "$TMP/run.err")"
"$PKGTRACE" replay --format text --no-color --fail-on never "$TMP/t.ptr" >"$TMP/r.txt" 2>/dev/null \
	&& ok "text report from the trace" || fail "text report from the trace"

python3 - "$TMP" "$H" <<'PY'
import json, sys
tmp, home = sys.argv[1], sys.argv[2]
name = b'x\x1b[2K\x1b[1A\rgone\xff\xfe<script>alert(1)'
real = 'real-\u00ff\u00fe.desktop'.encode()
failed = 0

def check(label, cond, detail=''):
    global failed
    print(('ok - ' if cond else 'FAIL - ') + label)
    if not cond:
        failed += 1
        if detail:
            print('#   ' + str(detail)[:300])

def raw(s):
    # the documented decoding: U+EF80..U+EFFF stand for the bytes 0x80..0xff
    return b''.join(bytes([ord(c) - 0xef00]) if 0xef80 <= ord(c) <= 0xefff
                    else c.encode('utf-8') for c in s)

def strings(j):
    if isinstance(j, str):
        yield j
    elif isinstance(j, list):
        for x in j:
            yield from strings(x)
    elif isinstance(j, dict):
        for x in j.values():
            yield from strings(x)

def load(path, lines=False):
    with open(path, encoding='utf-8', errors='strict') as f:
        text = f.read()
    return [json.loads(l) for l in text.splitlines() if l.strip()] if lines else json.loads(text)

docs = {}
for label, path, lines in (('--events', tmp + '/e.jsonl', True), ('--report', tmp + '/r.json', False),
                           ('SARIF', tmp + '/s.only.sarif', False)):
    try:
        docs[label] = load(path, lines)
        check(label + ': strict UTF-8 JSON', True)
    except Exception as e:
        check(label + ': strict UTF-8 JSON', False, e)
        docs[label] = []
    all_raw = [raw(s) for s in strings(docs[label])]
    check(label + ': the hostile name comes back byte for byte',
          any(name in b for b in all_raw))
    check(label + ': no string holds a lone surrogate',
          not any(0xd800 <= ord(c) <= 0xdfff for s in strings(docs[label]) for c in s))

ev = docs['--events']
dropped = (home + '/.cache/').encode() + name
check('--events: the exec of the dropped file, path and argv',
      any(e.get('type') == 'exec' and raw(e.get('path', '')) == dropped
          and [raw(a) for a in e.get('argv', [])] == [dropped, name] for e in ev))
hooks = [raw(e['path']) for e in ev if e.get('type') == 'open' and 'autostart/' in e.get('path', '')]
check('--events: 0xff 0xfe and a real "ÿþ" stay distinct',
      any(h.endswith(b'/' + name + b'.desktop') for h in hooks)
      and any(h.endswith(b'/' + real) for h in hooks), hooks)

rep = docs['--report'] or {}
fs = {f['rule']: f for f in rep.get('findings', [])}
check('--report: dropper evidence path is the dropped file',
      'dropper' in fs and any(raw(e.get('path', '')) == dropped for e in fs['dropper']['evidence']))
check('--report: persistence names the hook, whole',
      'persistence' in fs and name + b'.desktop' in raw(fs['persistence']['summary']))
sarif = docs['SARIF'] or {}
msgs = [raw(r['message']['text']) for run in sarif.get('runs', []) for r in run.get('results', [])]
check('SARIF: result messages carry the name', any(name in m for m in msgs), msgs)

with open(tmp + '/r.txt', 'rb') as f:
    text = f.read()
bad = [c for c in text if (c < 0x20 and c != 0x0a) or c == 0x7f]
check('text: no raw control character', not bad, bad[:10])
try:
    t = text.decode('utf-8', errors='strict')
    check('text: valid UTF-8 without C1 controls', not any(0x80 <= ord(c) <= 0x9f for c in t))
except UnicodeDecodeError as e:
    check('text: valid UTF-8 without C1 controls', False, e)
check('text: the name escaped, visibly',
      b'x\\x1b[2K\\x1b[1A\\x0dgone\\xff\\xfe<script>alert(1)' in text)
sys.exit(1 if failed else 0)
PY
[ $? -eq 0 ] || T_FAILED=$((T_FAILED + 1))
done_testing
