#!/usr/bin/env bash
# trace_paths: paths are absolute and resolved in the kernel - relative opens
# after cd, symlinked directories, a tmpfs and a bind mount (made in a
# private mount namespace).
. "$(dirname "$0")/trace_common.inc"
mkdir -p "$TMP/d/sub" "$TMP/real" "$TMP/mnt" "$TMP/bind"
ln -s real "$TMP/link"
echo data > "$TMP/real/f"

E=$TMP/rel.jsonl
trace rel -- sh -c "cd '$TMP/d' && echo x > rel.txt && cat ./sub/../rel.txt >/dev/null && mkdir newdir && mv rel.txt newdir/moved.txt && rm newdir/moved.txt && rmdir newdir"
expect "relative create after cd is absolute" "$E" \
	"[e for e in j if e['type']=='open' and e['path']=='$TMP/d/rel.txt' and 'O_CREAT' in e['flags'] and e['ret']>=0]"
expect "./sub/../rel.txt is folded" "$E" \
	"[e for e in j if e['type']=='open' and e['path']=='$TMP/d/rel.txt' and e['flags'][0]=='O_RDONLY' and e['comm']=='cat']"
expect "mkdir of a relative dir" "$E" \
	"[e for e in j if e['type']=='mkdir' and e['path']=='$TMP/d/newdir' and e['ret']==0]"
expect "rename: both paths absolute" "$E" \
	"[e for e in j if e['type']=='rename' and e['path']=='$TMP/d/rel.txt' and e['path2']=='$TMP/d/newdir/moved.txt' and e['ret']==0]"
expect "unlink and rmdir absolute" "$E" \
	"[e for e in j if e['type']=='unlink' and e['path']=='$TMP/d/newdir/moved.txt'] and [e for e in j if e['type']=='unlink' and e['path']=='$TMP/d/newdir' and 'AT_REMOVEDIR' in e['flags']]"
expect "no relative paths anywhere (among at least 10 paths)" "$E" \
	"len([e for e in j if 'path' in e and e['type']!='memfd']) >= 10 and all(e['path'].startswith('/') for e in j if 'path' in e and e['type']!='memfd')"

E=$TMP/sym.jsonl
ln -s d/sub "$TMP/subl"
trace sym -- sh -c "cat '$TMP/link/f' >/dev/null; echo y > '$TMP/link/new'; chmod 600 '$TMP/link/new'; ln -s f '$TMP/link/sl'; ln '$TMP/link/f' '$TMP/link/hard'; mkdir '$TMP/subl/../made'"
expect "read through a symlinked dir resolves to the real dir" "$E" \
	"[e for e in j if e['type']=='open' and e['path']=='$TMP/real/f' and e['ret']>=0]"
expect "create through a symlinked dir resolves to the real dir" "$E" \
	"[e for e in j if e['type']=='open' and e['path']=='$TMP/real/new' and 'O_CREAT' in e['flags']]"
# Path calls (chmod, symlink, link, mkdir, ...) are seen at sys_exit with
# their string as given: no tracepoint offers the kernel's lookup, so the
# directories are not resolved through symlinks in the record, which says
# so (dir_as_given); the collector resolves them at receipt for the rules
# (analyze/where.c, tests/unit/test_rules.c test_path_calls_resolved).
expect "chmod: path as given, flagged dir_as_given, and mode" "$E" \
	"[e for e in j if e['type']=='chmod' and e['path']=='$TMP/link/new' and e.get('dir_as_given') and e['mode']==0o600 and e['ret']==0]"
expect "symlink: link path as given, flagged, target as given" "$E" \
	"[e for e in j if e['type']=='symlink' and e['path']=='$TMP/link/sl' and e.get('dir_as_given') and e['target']=='f' and e['ret']==0]"
expect "link: both paths as given, flagged" "$E" \
	"[e for e in j if e['type']=='link' and e['path']=='$TMP/link/f' and e['path2']=='$TMP/link/hard' and e.get('dir_as_given') and e['ret']==0]"
# ".." after a symlinked directory is the target's parent ($TMP/d/made
# here), not the link's: the record keeps it rather than fold it to a
# place the call never touched ($TMP/made)
[ -d "$TMP/d/made" ] && ok "mkdir subl/../made made d/made" || fail "mkdir subl/../made made d/made"
expect "mkdir through symlink/..: '..' kept, not folded to the wrong directory" "$E" \
	"[e for e in j if e['type']=='mkdir' and e['path']=='$TMP/subl/../made' and e.get('dir_as_given') and e['ret']==0] and not [e for e in j if e.get('path')=='$TMP/made']"

E=$TMP/mnt.jsonl
trace mnt -- unshare -m sh -c "mount -t tmpfs pt-tmpfs '$TMP/mnt' && echo t > '$TMP/mnt/t.txt' && cat '$TMP/mnt/t.txt' >/dev/null && mount --bind '$TMP/real' '$TMP/bind' && cat '$TMP/bind/f' >/dev/null && echo b > '$TMP/bind/g' && cd '$TMP/mnt' && echo r > rel-on-tmpfs"
[ "$RC" -eq 0 ] && ok "mount namespace script ran" || fail "mount namespace script ran" "rc=$RC $(cat "$TMP/mnt.err")"
expect "file on a tmpfs: path through its mount point" "$E" \
	"[e for e in j if e['type']=='open' and e['path']=='$TMP/mnt/t.txt' and 'O_CREAT' in e['flags'] and e['ret']>=0] and [e for e in j if e['type']=='open' and e['path']=='$TMP/mnt/t.txt' and e['flags'][0]=='O_RDONLY']"
expect "relative create on a tmpfs" "$E" \
	"[e for e in j if e['type']=='open' and e['path']=='$TMP/mnt/rel-on-tmpfs']"
expect "file on a bind mount: path through the bind mount" "$E" \
	"[e for e in j if e['type']=='open' and e['path']=='$TMP/bind/f' and e['ret']>=0] and [e for e in j if e['type']=='open' and e['path']=='$TMP/bind/g' and 'O_CREAT' in e['flags']]"
done_testing
