// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* strmap.c - distinct strings with a cap, open addressing on FNV-1a. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "strmap.h"

static uint32_t fnv(const char *s, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

void strmap_init(struct strmap *m, size_t limit)
{
	memset(m, 0, sizeof(*m));
	m->limit = limit;
}

void strmap_clear(struct strmap *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->items[i]);
	free(m->items);
	free(m->tab);
	strmap_init(m, m->limit);
}

static long lookup(const struct strmap *m, const char *s, size_t len, size_t *slot)
{
	size_t mask = m->tab_size - 1, i;

	if (!m->tab_size)
		return -1;
	for (i = fnv(s, len) & mask; m->tab[i]; i = (i + 1) & mask) {
		const char *it = m->items[m->tab[i] - 1];

		if (!strncmp(it, s, len) && it[len] == '\0')
			return m->tab[i] - 1;
	}
	if (slot)
		*slot = i;
	return -1;
}

static int grow(struct strmap *m)
{
	size_t size = m->tab_size ? m->tab_size * 2 : 16;
	uint32_t *tab = calloc(size, sizeof(*tab));

	if (!tab)
		return -ENOMEM;
	for (size_t k = 0; k < m->n; k++) {
		size_t i = fnv(m->items[k], strlen(m->items[k])) & (size - 1);

		while (tab[i])
			i = (i + 1) & (size - 1);
		tab[i] = k + 1;
	}
	free(m->tab);
	m->tab = tab;
	m->tab_size = size;
	return 0;
}

int strmap_put(struct strmap *m, const char *s, size_t len, size_t *idx)
{
	size_t slot = 0;
	long found = lookup(m, s, len, &slot);
	char *copy;

	if (found >= 0) {
		if (idx)
			*idx = found;
		return 0;
	}
	if (m->limit && m->n >= m->limit) {
		m->over++;
		return -ENOSPC;
	}
	if ((m->n + 1) * 2 > m->tab_size) { /* keep the load under one half */
		if (grow(m))
			return -ENOMEM;
		lookup(m, s, len, &slot);
	}
	if (m->n == m->items_cap) {
		size_t cap = m->items_cap ? m->items_cap * 2 : 8;
		char **items = realloc(m->items, cap * sizeof(*items));

		if (!items)
			return -ENOMEM;
		m->items = items;
		m->items_cap = cap;
	}
	copy = malloc(len + 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, s, len);
	copy[len] = '\0';
	m->items[m->n] = copy;
	m->tab[slot] = m->n + 1;
	if (idx)
		*idx = m->n;
	m->n++;
	return 1;
}

int strmap_add(struct strmap *m, const char *s, size_t *idx)
{
	return strmap_put(m, s, strlen(s), idx);
}

long strmap_find(const struct strmap *m, const char *s)
{
	return lookup(m, s, strlen(s), NULL);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

const char **strmap_sorted(const struct strmap *m)
{
	const char **v;

	if (!m->n)
		return NULL;
	v = malloc(m->n * sizeof(*v));
	if (!v)
		return NULL;
	memcpy(v, m->items, m->n * sizeof(*v));
	qsort(v, m->n, sizeof(*v), cmp_str);
	return v;
}
