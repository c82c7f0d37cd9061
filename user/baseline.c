// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* baseline.c - loading and querying the pure-library baseline. */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "analyze.h"
#include "baseline.h"

/* build/baseline_default.c, generated from baseline/default.json */
extern const char baseline_default_json[];

#define BL_MAGIC "pkgtrace-baseline/1"
#define BL_FILE_MAX (4u << 20)

struct baseline {
	char **list[BL_NLISTS];
	size_t n[BL_NLISTS];
};

/* Where each list lives in the JSON document: section.key, or key. */
static const struct {
	const char *section, *key;
} bl_keys[BL_NLISTS] = {
	[BL_PM_WRITE] = { "package_manager", "write" },
	[BL_SCRIPT_EXEC] = { "script", "exec" },
	[BL_SCRIPT_WRITE] = { "script", "write" },
	[BL_NET_TOOLS] = { "unexpected_exec", "network_tools" },
	[BL_SYS_TOOLS] = { "unexpected_exec", "system_tools" },
	[BL_INTERPRETERS] = { "unexpected_exec", "interpreters" },
	[BL_PAYLOAD_MARKERS] = { "unexpected_exec", "payload_markers" },
	[BL_WELL_KNOWN] = { NULL, "well_known_commands" },
	[BL_BENIGN_PTH] = { NULL, "benign_pth" },
};

static const char *const bl_top_keys[] = {
	"baseline", "description", "package_manager", "script", "unexpected_exec",
	"well_known_commands", "benign_pth", NULL,
};

void baseline_free(struct baseline *bl)
{
	if (!bl)
		return;
	for (int l = 0; l < BL_NLISTS; l++) {
		for (size_t i = 0; i < bl->n[l]; i++)
			free(bl->list[l][i]);
		free(bl->list[l]);
	}
	free(bl);
}

static bool known_key(const char *k, const char *section)
{
	if (!section) {
		for (int i = 0; bl_top_keys[i]; i++)
			if (!strcmp(k, bl_top_keys[i]))
				return true;
		return false;
	}
	for (int l = 0; l < BL_NLISTS; l++)
		if (bl_keys[l].section && !strcmp(bl_keys[l].section, section) &&
		    !strcmp(bl_keys[l].key, k))
			return true;
	return false;
}

/* check_keys: every key of obj is known (typos must not silently weaken
 * the baseline).  Returns the first unknown key or NULL. */
static const char *check_keys(struct json_object *obj, const char *section)
{
	json_object_object_foreach(obj, k, val) {
		(void)val;
		if (!known_key(k, section))
			return k;
	}
	return NULL;
}

static int take_list(struct baseline *bl, int l, struct json_object *arr,
		     const char *where, char *err, size_t errlen)
{
	size_t n;

	if (!json_object_is_type(arr, json_type_array)) {
		snprintf(err, errlen, "%s must be an array of strings", where);
		return -EINVAL;
	}
	n = json_object_array_length(arr);
	bl->list[l] = calloc(n ? n : 1, sizeof(char *));
	if (!bl->list[l])
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		struct json_object *s = json_object_array_get_idx(arr, i);

		if (!json_object_is_type(s, json_type_string) || !json_object_get_string_len(s)) {
			snprintf(err, errlen, "%s[%zu] must be a non-empty string", where, i);
			return -EINVAL;
		}
		bl->list[l][i] = strdup(json_object_get_string(s));
		if (!bl->list[l][i])
			return -ENOMEM;
		bl->n[l]++;
	}
	return 0;
}

struct baseline *baseline_parse(const char *text, const char *name, char *err, size_t errlen)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *root = NULL, *magic;
	struct baseline *bl = calloc(1, sizeof(*bl));
	char msg[256] = "";
	const char *bad;

	if (!tok || !bl) {
		snprintf(msg, sizeof(msg), "out of memory");
		goto cleanup;
	}
	root = json_tokener_parse_ex(tok, text, (int)strlen(text));
	if (!root || json_tokener_get_error(tok) != json_tokener_success ||
	    tok->char_offset < (int)strlen(text)) {
		enum json_tokener_error e = json_tokener_get_error(tok);

		snprintf(msg, sizeof(msg), "not valid JSON at offset %d (%s)", (int)tok->char_offset,
			 e == json_tokener_success ? "trailing data" :
			 e == json_tokener_continue ? "unexpected end" : json_tokener_error_desc(e));
		goto cleanup;
	}
	if (!json_object_is_type(root, json_type_object)) {
		snprintf(msg, sizeof(msg), "top level must be an object");
		goto cleanup;
	}
	if (!json_object_object_get_ex(root, "baseline", &magic) ||
	    !json_object_is_type(magic, json_type_string) ||
	    strcmp(json_object_get_string(magic), BL_MAGIC)) {
		snprintf(msg, sizeof(msg), "\"baseline\" must be \"%s\"", BL_MAGIC);
		goto cleanup;
	}
	if ((bad = check_keys(root, NULL))) {
		snprintf(msg, sizeof(msg), "unknown key \"%s\"", bad);
		goto cleanup;
	}
	for (int l = 0; l < BL_NLISTS; l++) {
		struct json_object *sec = root, *arr;
		char where[96];

		if (bl_keys[l].section) {
			if (!json_object_object_get_ex(root, bl_keys[l].section, &sec) ||
			    !json_object_is_type(sec, json_type_object)) {
				snprintf(msg, sizeof(msg), "\"%s\" must be an object", bl_keys[l].section);
				goto cleanup;
			}
			if ((bad = check_keys(sec, bl_keys[l].section))) {
				snprintf(msg, sizeof(msg), "unknown key \"%s.%s\"", bl_keys[l].section, bad);
				goto cleanup;
			}
			snprintf(where, sizeof(where), "%s.%s", bl_keys[l].section, bl_keys[l].key);
		} else {
			snprintf(where, sizeof(where), "%s", bl_keys[l].key);
		}
		if (!json_object_object_get_ex(sec, bl_keys[l].key, &arr)) {
			snprintf(msg, sizeof(msg), "missing \"%s\"", where);
			goto cleanup;
		}
		if (take_list(bl, l, arr, where, msg, sizeof(msg))) {
			if (!msg[0])
				snprintf(msg, sizeof(msg), "out of memory");
			goto cleanup;
		}
	}
cleanup:
	if (tok)
		json_tokener_free(tok);
	json_object_put(root);
	if (msg[0]) {
		snprintf(err, errlen, "baseline %s: %s", name, msg);
		baseline_free(bl);
		return NULL;
	}
	return bl;
}

struct baseline *baseline_load(const char *path, char *err, size_t errlen)
{
	struct baseline *bl = NULL;
	char *text = NULL;
	FILE *fp = NULL;
	size_t n;

	if (!path)
		return baseline_parse(baseline_default_json, "(built-in)", err, errlen);
	fp = fopen(path, "rb");
	if (!fp) {
		snprintf(err, errlen, "baseline %s: %s", path, strerror(errno));
		goto cleanup;
	}
	text = malloc(BL_FILE_MAX + 1);
	if (!text) {
		snprintf(err, errlen, "baseline %s: out of memory", path);
		goto cleanup;
	}
	n = fread(text, 1, BL_FILE_MAX + 1, fp);
	if (ferror(fp)) {
		snprintf(err, errlen, "baseline %s: read error", path);
		goto cleanup;
	}
	if (n > BL_FILE_MAX) {
		snprintf(err, errlen, "baseline %s: larger than %u bytes", path, BL_FILE_MAX);
		goto cleanup;
	}
	if (memchr(text, '\0', n)) {
		snprintf(err, errlen, "baseline %s: not a text file (NUL byte)", path);
		goto cleanup;
	}
	text[n] = '\0';
	bl = baseline_parse(text, path, err, errlen);
cleanup:
	if (fp)
		fclose(fp);
	free(text);
	return bl;
}

/* expand: pattern with {project} etc. replaced; false when a placeholder
 * has no value or the result does not fit. */
static bool expand(const char *pat, const struct bl_vars *v, char *out, size_t outlen)
{
	static const char *const names[] = { "{project}", "{home}", "{tmp}", "{own}" };
	size_t o = 0;

	while (*pat) {
		const char *val = NULL;
		size_t skip = 0;

		if (*pat == '{') {
			const char *vals[] = { v ? v->project : NULL, v ? v->home : NULL,
					       v ? v->tmp : NULL, v ? v->own : NULL };

			for (int i = 0; i < 4; i++)
				if (!strncmp(pat, names[i], strlen(names[i]))) {
					if (!vals[i] || !vals[i][0])
						return false;
					val = vals[i];
					skip = strlen(names[i]);
				}
		}
		if (val) {
			size_t l = strlen(val);

			if (o + l >= outlen)
				return false;
			memcpy(out + o, val, l);
			o += l;
			pat += skip;
		} else {
			if (o + 1 >= outlen)
				return false;
			out[o++] = *pat++;
		}
	}
	out[o] = '\0';
	return true;
}

bool baseline_match(const struct baseline *bl, enum bl_list list, const char *s,
		    const struct bl_vars *vars)
{
	char pat[4096 + 256];

	for (size_t i = 0; i < bl->n[list]; i++) {
		const char *p = bl->list[list][i];

		if (strchr(p, '{')) {
			if (!expand(p, vars, pat, sizeof(pat)))
				continue;
			p = pat;
		}
		if (!fnmatch(p, s, 0))
			return true;
	}
	return false;
}

bool baseline_contains(const struct baseline *bl, enum bl_list list, const char *s)
{
	for (size_t i = 0; i < bl->n[list]; i++)
		if (strstr(s, bl->list[list][i]))
			return true;
	return false;
}
