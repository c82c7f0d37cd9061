#!/usr/bin/env bash
# report_html: the HTML report (--html) opened in headless Chromium.
#   1. the page of a corpus attack (the replay of tests/fixtures/npm-cred-steal.ptr):
#      the attacking package, its findings, what it ran, read and where it
#      connected are in the rendered DOM, in the first package card, with no
#      console message; a screenshot is kept in build/test-artifacts/.
#   2. a live install (BPF, a network namespace with nothing up) whose
#      dependency names files and argv with markup made to run script in the
#      page ('<script>', '"><img onerror>', "'><svg onload>"), bytes that are
#      not UTF-8 and a bidi override: the page runs none of it (the title
#      and the DOM stay as written), with its Content-Security-Policy and
#      without it (the escaping alone holds); the payloads show as text; the
#      replay of the recorded trace gives the same page byte for byte.
# The npm-large page (size and render time) is checked by realworld_npm.sh.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/html_common.inc"
TMP=$(realpath "$TMP")
FIX=$TOP/tests/fixtures

# ---- 1. a corpus attack ----
html=$TMP/cred-steal.html
"$PKGTRACE" replay -q --fail-on never --html "$html" "$FIX/npm-cred-steal.ptr" 2>"$TMP/replay.err"
rc=$?
if [ "$rc" -eq 0 ] && [ -s "$html" ]; then
	ok "replay --html wrote the page"
else
	fail "replay --html wrote the page" "exit $rc $(cat "$TMP/replay.err")"
fi
html_static cred-steal "$html"
if html_open report_html-cred-steal "$html"; then
	html_clean report_html-cred-steal
	python3 - "$TMP/report_html-cred-steal.dom" <<'PY'
import html.parser, sys

class Cards(html.parser.HTMLParser):
    """text of each package card (details.card), of the header, and the title"""
    def __init__(self):
        super().__init__()
        self.cards, self.depth, self.header, self.in_header, self.title, self.in_title = [], 0, '', False, '', False
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == 'details' and 'card' in (a.get('class') or '').split() and self.depth == 0:
            self.cards.append('')
            self.depth = 1
        elif tag == 'details' and self.depth:
            self.depth += 1
        if tag == 'header':
            self.in_header = True
        if tag == 'title':
            self.in_title = True
    def handle_endtag(self, tag):
        if tag == 'details' and self.depth:
            self.depth -= 1
        if tag == 'header':
            self.in_header = False
        if tag == 'title':
            self.in_title = False
    def handle_data(self, d):
        if self.depth:
            self.cards[-1] += d
        if self.in_header:
            self.header += d
        if self.in_title:
            self.title += d

p = Cards()
p.feed(open(sys.argv[1], encoding='utf-8').read())
failed = 0
def check(label, cond, detail=''):
    global failed
    print(('ok - ' if cond else 'FAIL - ') + 'cred-steal page: ' + label)
    if not cond:
        print('#   ' + detail[:300])
        failed += 1

first = p.cards[0] if p.cards else ''
check('the title gives the verdict', p.title.startswith('pkgtrace: high'), p.title)
check('the header says high and one package flagged', 'High' in p.header and '1 package flagged' in p.header, p.header)
check('the first card is the attacking package', 'env-telemetry' in first[:200], first[:200])
for what in ('credential-access', 'network-egress', 'install-script'):
    check('its card has the ' + what + ' finding', what in first, first[:300])
check('what it ran: node collect.js', 'node collect.js' in first, first[:300])
check('what it read: the aws, npm-token and ssh-key bait', all(s in first for s in
      ('.aws/credentials', '.npmrc', '.ssh/id_rsa', 'aws', 'npm-token', 'ssh-key')), first[:600])
check('where it connected: 127.0.0.1:9999/tcp', '127.0.0.1:9999/tcp' in first, first[:600])
check('the clean project is not a card of its own', not any('corpus-cred-steal' in c[:120] for c in p.cards[:1]), '')
sys.exit(1 if failed else 0)
PY
	[ $? -eq 0 ] || T_FAILED=$((T_FAILED + 1))
	# the network view marks the endpoint as unexpected
	if grep -q '127.0.0.1:9999/tcp</code></td><td><span class="st st-unexpected">unexpected' "$TMP/report_html-cred-steal.dom"; then
		ok "cred-steal page: network view marks 127.0.0.1:9999/tcp unexpected"
	else
		fail "cred-steal page: network view marks 127.0.0.1:9999/tcp unexpected"
	fi
fi

# ---- 2. hostile names, live ----
H=$TMP/home
mkdir -p "$TMP/pkg" "$TMP/project" "$H"
cat >"$TMP/pkg/package.json" <<'JSON'
{"name": "hostile-html", "version": "1.0.0",
 "scripts": {"postinstall": "sh make.sh '\"><img src=x onerror=\"document.title=`PWNED4`\">'"}}
JSON
# The payloads, each of which would change document.title if the page ran it:
# a path holding "<script>...</script>" (split over two directories: a name
# cannot hold '/'), attribute breakouts with both quotes, an ESC, bytes that
# are not UTF-8 and a right-to-left override; as file names and as argv.
cat >"$TMP/pkg/make.sh" <<'SH'
s1="<script>document.title='PWNED1';document.documentElement.setAttribute('data-pwned','1')<"
s2="script>"
n2='"><img src=x onerror="document.title=`PWNED2`">'
n3="'><svg onload=document.title='PWNED3'>"
n4=$(printf 'bad\033[2K\377\376\342\200\256txt.exe')
d="$HOME/.config/autostart"
mkdir -p "$d/$s1" "$HOME/.cache"
printf '[Desktop Entry]\n' >"$d/$s1/$s2.desktop"
printf '[Desktop Entry]\n' >"$d/$n2.desktop"
printf '[Desktop Entry]\n' >"$d/$n3.desktop"
printf '[Desktop Entry]\n' >"$d/$n4.desktop"
cp /bin/true "$HOME/.cache/$n2"
"$HOME/.cache/$n2" "$s1/$s2" "$n3" "$n4" "$1"
SH
if ! (cd "$TMP/pkg" && HOME=$H npm pack --silent >/dev/null 2>"$TMP/pack.err"); then
	fail "npm pack" "$(cat "$TMP/pack.err")"
	done_testing
fi
cat >"$TMP/project/package.json" <<'JSON'
{"name": "proj", "version": "1.0.0", "dependencies": {"hostile-html": "file:../pkg/hostile-html-1.0.0.tgz"}}
JSON
(cd "$TMP/project" && unshare -n env -i PATH=/usr/bin:/bin HOME="$H" \
	"$PKGTRACE" -q --html "$TMP/live.html" --report "$TMP/r.json" --record "$TMP/t.ptr" \
	--fail-on never -- npm install --offline --no-audit --no-fund >"$TMP/run.out" 2>"$TMP/run.err")
rc=$?
if [ "$rc" -eq 77 ] || [ "$rc" -eq 78 ]; then
	fail "pkgtrace could not load BPF (exit $rc)" "$(cat "$TMP/run.err")"
	done_testing
fi
[ "$rc" -eq 0 ] && [ -s "$TMP/live.html" ] && ok "live run with --html wrote the page" ||
	fail "live run with --html wrote the page" "exit $rc $(tail -3 "$TMP/run.err")"
# the payloads really are in the report (else the test proves nothing)
jpy "$TMP/r.json" 'any("PWNED1" in (e.get("path") or "") for f in j["findings"] for e in f["evidence"]) and any("PWNED2" in " ".join(n["argv"]) for n in j["process_tree"]["nodes"]) and any("PWNED3" in " ".join(n["argv"]) for n in j["process_tree"]["nodes"])' >/dev/null &&
	ok "hostile: the report holds the payloads (paths and argv)" ||
	fail "hostile: the report holds the payloads (paths and argv)"
"$PKGTRACE" replay -q --fail-on never --html "$TMP/replay.html" "$TMP/t.ptr" 2>/dev/null
cmp -s "$TMP/live.html" "$TMP/replay.html" && ok "hostile: replay --html == live --html" ||
	fail "hostile: replay --html == live --html" "$(diff "$TMP/live.html" "$TMP/replay.html" | head -4)"
html_static hostile "$TMP/live.html"
# the same page without its CSP: the escaping alone must hold
sed 's|<meta http-equiv="Content-Security-Policy"[^>]*>||' "$TMP/live.html" >"$TMP/nocsp.html"
grep -q 'http-equiv="Content-Security-Policy"' "$TMP/nocsp.html" && fail "hostile: CSP removed for the second check"

hostile_dom() {
	local name=$1
	python3 - "$TMP/$name.dom" "$name" <<'PY'
import html.parser, sys
dom = open(sys.argv[1], encoding='utf-8', errors='surrogateescape').read()
name = sys.argv[2]

class Tags(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.attrs, self.title, self.in_title, self.text = set(), [], '', False, ''
    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attrs += [k for k, _ in attrs]
        self.in_title = tag == 'title'
    def handle_endtag(self, tag):
        self.in_title = False if tag == 'title' else self.in_title
    def handle_data(self, d):
        if self.in_title:
            self.title += d
        self.text += d

p = Tags()
p.feed(dom)
failed = 0
def check(label, cond, detail=''):
    global failed
    print(('ok - ' if cond else 'FAIL - ') + name + ': ' + label)
    if not cond:
        print('#   ' + detail[:300])
        failed += 1

check('the title is the one written (no payload ran)', p.title.startswith('pkgtrace: ') and 'PWNED' not in p.title, p.title)
check('no element the payloads would make (script, img, svg)', not ({'script', 'img', 'svg'} & p.tags), str(p.tags))
check('no event-handler or data-pwned attribute', not [a for a in p.attrs if a.startswith('on') or a == 'data-pwned'], str(p.attrs[:20]))
check('the payloads are shown as text', all(s in p.text for s in (
    "<script>document.title='PWNED1'", '"><img src=x onerror="document.title=`PWNED2`">',
    "'><svg onload=document.title='PWNED3'>")), '')
check('bytes that are not UTF-8, ESC and the RLO are shown escaped',
      '\\xff\\xfe' in p.text and '\\x1b[2K' in p.text and '\\u202e' in p.text and '\u202e' not in p.text, '')
sys.exit(1 if failed else 0)
PY
	[ $? -eq 0 ] || T_FAILED=$((T_FAILED + 1))
}
if html_open report_html-hostile "$TMP/live.html"; then
	html_clean report_html-hostile
	hostile_dom report_html-hostile
fi
if html_open report_html-hostile-nocsp "$TMP/nocsp.html"; then
	html_clean report_html-hostile-nocsp
	hostile_dom report_html-hostile-nocsp
fi

# the control: the CSP-less page with one payload unescaped does run it, so
# the checks above can see a payload that runs
python3 - "$TMP/nocsp.html" "$TMP/control.html" <<'PY'
import sys
page = open(sys.argv[1], encoding='utf-8').read()
bad = page.replace('&quot;&gt;&lt;img src=x onerror=&quot;document.title=`PWNED2`&quot;&gt;',
                   '"><img src=x onerror="document.title=`PWNED2`">', 1)
open(sys.argv[2], 'w', encoding='utf-8').write(bad)
sys.exit(0 if bad != page else 1)
PY
if [ $? -eq 0 ] && html_chromium --dump-dom "file://$TMP/control.html" 2>/dev/null |
	grep -q '<title>PWNED2</title>'; then
	ok "control: an unescaped payload in the page does run (the check can fail)"
else
	fail "control: an unescaped payload in the page does run (the check can fail)"
fi

# ---- bad input: an unwritable --html is one line and exit 125 ----
"$PKGTRACE" replay -q --fail-on never --html /nonexistent/dir/r.html "$FIX/npm-cred-steal.ptr" 2>"$TMP/bad.err"
rc=$?
if [ "$rc" -eq 125 ] && [ "$(wc -l <"$TMP/bad.err")" -eq 1 ] && grep -q -- '--html /nonexistent/dir/r.html' "$TMP/bad.err"; then
	ok "unwritable --html: one line, exit 125"
else
	fail "unwritable --html: one line, exit 125" "exit $rc: $(cat "$TMP/bad.err")"
fi
done_testing
