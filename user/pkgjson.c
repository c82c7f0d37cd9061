/*
 * pkgjson.c - a strict, tree-less reader of package.json's name, version
 * and script names.  See pkgjson.h for the contract.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "pkgjson.h"

/* json-c refuses nesting past JSON_TOKENER_DEFAULT_DEPTH (32): anything
 * near it is left to json-c, so both agree on what fails. */
#define DEPTH_MAX 30
/* Longer numbers may not fit json-c's int64: left to json-c. */
#define DIGITS_MAX 18

struct scan {
	const char *p;
};

struct span {
	const char *s;
	size_t n;
	bool esc; /* holds a backslash escape */
};

static void skip_ws(struct scan *sc)
{
	while (*sc->p == ' ' || *sc->p == '\t' || *sc->p == '\n' || *sc->p == '\r')
		sc->p++;
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* A string at sc->p (its opening quote); its raw bytes in out. */
static int read_string(struct scan *sc, struct span *out)
{
	const char *p = sc->p + 1;

	if (*sc->p != '"')
		return -EINVAL;
	out->s = p;
	out->esc = false;
	for (;;) {
		unsigned char c = *p;

		if (c == '"')
			break;
		if (c < 0x20) /* a control byte or the end of the text */
			return -EINVAL;
		if (c == '\\') {
			out->esc = true;
			p++;
			if (*p == 'u') {
				for (int i = 1; i <= 4; i++)
					if (!is_hex(p[i]))
						return -EINVAL;
				p += 4;
			} else if (!*p || !strchr("\"\\/bfnrt", *p)) {
				return -EINVAL;
			}
		}
		p++;
	}
	out->n = (size_t)(p - out->s);
	sc->p = p + 1;
	return 0;
}

static int skip_number(struct scan *sc)
{
	const char *p = sc->p, *digits;

	if (*p == '-')
		p++;
	digits = p;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (*p >= '0' && *p <= '9')
			p++;
	else
		return -EINVAL;
	if (p - digits > DIGITS_MAX)
		return -EINVAL;
	if (*p == '.') {
		p++;
		if (!(*p >= '0' && *p <= '9'))
			return -EINVAL;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!(*p >= '0' && *p <= '9'))
			return -EINVAL;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	sc->p = p;
	return 0;
}

static int skip_value(struct scan *sc, int depth);

/* Reads the value of one member of an object (key set) or element of an
 * array (key NULL), at depth; it must consume the value. */
typedef int (*member_fn)(struct scan *sc, const struct span *key, int depth, void *arg);

/* The object or array at sc->p, each value handed to fn at depth + 1. */
static int walk_container(struct scan *sc, int depth, member_fn fn, void *arg)
{
	char close = *sc->p == '{' ? '}' : ']';
	struct span key;
	int err;

	if (depth > DEPTH_MAX)
		return -EINVAL;
	sc->p++;
	skip_ws(sc);
	if (*sc->p == close) {
		sc->p++;
		return 0;
	}
	for (;;) {
		if (close == '}') {
			err = read_string(sc, &key);
			if (err)
				return err;
			skip_ws(sc);
			if (*sc->p++ != ':')
				return -EINVAL;
			skip_ws(sc);
		}
		err = fn(sc, close == '}' ? &key : NULL, depth + 1, arg);
		if (err)
			return err;
		skip_ws(sc);
		if (*sc->p == close) {
			sc->p++;
			return 0;
		}
		if (*sc->p++ != ',')
			return -EINVAL;
		skip_ws(sc);
	}
}

static int skip_member(struct scan *sc, const struct span *key, int depth, void *arg)
{
	(void)key;
	(void)arg;
	return skip_value(sc, depth);
}

static int skip_value(struct scan *sc, int depth)
{
	struct span s;

	switch (*sc->p) {
	case '"':
		return read_string(sc, &s);
	case '{':
	case '[':
		return walk_container(sc, depth, skip_member, NULL);
	case 't':
		if (strncmp(sc->p, "true", 4))
			return -EINVAL;
		sc->p += 4;
		return 0;
	case 'f':
		if (strncmp(sc->p, "false", 5))
			return -EINVAL;
		sc->p += 5;
		return 0;
	case 'n':
		if (strncmp(sc->p, "null", 4))
			return -EINVAL;
		sc->p += 4;
		return 0;
	default:
		return skip_number(sc);
	}
}

struct fields {
	const char *const *scripts; /* the script names looked for */
	struct pkgjson *out;
};

static bool key_is(const struct span *key, const char *name)
{
	return strlen(name) == key->n && !memcmp(key->s, name, key->n);
}

/* A member of "scripts": is its key one of the wanted names? */
static int script_member(struct scan *sc, const struct span *key, int depth, void *arg)
{
	struct fields *f = arg;

	if (key->esc)
		return -EINVAL;
	for (int k = 0; k < 32 && f->scripts[k]; k++)
		if (key_is(key, f->scripts[k]))
			f->out->scripts |= 1u << k;
	return skip_value(sc, depth);
}

/* A top-level string field's value, copied (the last one wins, as in
 * json-c's object). */
static int take_string(struct scan *sc, char **dst)
{
	struct span v;
	char *copy;
	int err;

	if (*sc->p != '"')
		return -EINVAL; /* json-c would turn a number into a string: its call */
	err = read_string(sc, &v);
	if (err)
		return err;
	if (v.esc)
		return -EINVAL;
	copy = strndup(v.s, v.n);
	if (!copy)
		return -ENOMEM;
	free(*dst);
	*dst = copy;
	return 0;
}

static int top_member(struct scan *sc, const struct span *key, int depth, void *arg)
{
	struct fields *f = arg;

	if (key->esc)
		return -EINVAL;
	if (key_is(key, "name"))
		return take_string(sc, &f->out->name);
	if (key_is(key, "version"))
		return take_string(sc, &f->out->version);
	if (key_is(key, "scripts")) {
		/* the last "scripts" wins; one that is no object has no scripts */
		f->out->scripts = 0;
		if (*sc->p == '{')
			return walk_container(sc, depth, script_member, f);
	}
	return skip_value(sc, depth);
}

int pkgjson_scan(const char *text, const char *const *scripts, struct pkgjson *out)
{
	struct scan sc = { .p = text };
	struct fields f = { .scripts = scripts, .out = out };
	int err = -EINVAL;

	memset(out, 0, sizeof(*out));
	skip_ws(&sc);
	if (*sc.p != '{')
		goto cleanup;
	err = walk_container(&sc, 0, top_member, &f);
	if (err)
		goto cleanup;
	skip_ws(&sc);
	if (*sc.p) { /* json-c stops at the object; what follows is its call */
		err = -EINVAL;
		goto cleanup;
	}
	return 0;

cleanup:
	pkgjson_clear(out);
	return err;
}

void pkgjson_clear(struct pkgjson *out)
{
	free(out->name);
	free(out->version);
	memset(out, 0, sizeof(*out));
}
