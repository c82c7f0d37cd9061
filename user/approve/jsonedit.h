/*
 * jsonedit.h - set one member of a JSON document by editing its text, so
 * that everything else stays byte for byte as the user wrote it: other
 * keys, their order, indentation, line endings, a trailing newline.
 *
 * Why not parse and print: json-c would reformat the whole file (and a
 * package.json is a file people review in diffs).  The document is still
 * parsed first, so a file that is not JSON is refused, not patched.
 */
#ifndef PKGTRACE_JSONEDIT_H
#define PKGTRACE_JSONEDIT_H

#include <stddef.h>

struct json_object;

/* jsonedit_set: text (NUL-terminated) must be a JSON object.  Sets the
 * member named by path[0..depth-1] (keys from the top-level object down;
 * missing objects on the way are created) to value, printed in the file's
 * own indentation unit and line ending.  Of duplicate keys the last is
 * edited, as JSON.parse keeps the last.  Returns 0 and a malloc'ed new
 * text in *out; -EINVAL when text is not a JSON object or a key on the way
 * holds something other than an object; -ENOMEM. */
int jsonedit_set(const char *text, const char *const *path, size_t depth,
		 struct json_object *value, char **out);

#endif
