/*
 * strmap.h - a set of distinct strings with an optional cap, each with a
 * small integer index (insertion order) so callers keep parallel arrays.
 * The analysis keeps its per-package sets in these, so memory grows with
 * distinct behaviour, not with the number of events.
 */
#ifndef PKGTRACE_STRMAP_H
#define PKGTRACE_STRMAP_H

#include <stddef.h>
#include <stdint.h>

struct strmap {
	char **items;      /* items[i]: i-th distinct string, owned */
	size_t n;          /* number of items */
	size_t items_cap;
	uint32_t *tab;     /* open addressing: index + 1, 0 = empty */
	size_t tab_size;   /* power of two */
	size_t limit;      /* 0: unbounded */
	uint64_t over;     /* distinct strings refused because of limit */
};

/* strmap_init: an empty map keeping at most limit strings (0: no cap). */
void strmap_init(struct strmap *m, size_t limit);
void strmap_clear(struct strmap *m);

/* strmap_put: adds s of length len (no NUL needed).  Returns 1 and *idx
 * when added, 0 and *idx when already present, -ENOSPC when the cap
 * refused it (counted in over), -ENOMEM. idx may be NULL. */
int strmap_put(struct strmap *m, const char *s, size_t len, size_t *idx);

/* strmap_add: strmap_put for a NUL-terminated string. */
int strmap_add(struct strmap *m, const char *s, size_t *idx);

/* strmap_find: index of s, or -1. */
long strmap_find(const struct strmap *m, const char *s);

/* strmap_sorted: a malloc'd array of the items in strcmp order (the
 * strings stay owned by m), or NULL when empty or out of memory. */
const char **strmap_sorted(const struct strmap *m);

#endif
