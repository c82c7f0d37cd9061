/*
 * sessenv.h - which environment variables of a traced command go into its
 * session_info (and so into traces and reports): where things live, the
 * package managers' configuration, proxies; never anything that looks like
 * a secret, and URLs with user:password@ masked.  Shared by the run command
 * (pkgtrace's own environment) and the daemon (the root exec's environment).
 */
#ifndef PKGTRACE_SESSENV_H
#define PKGTRACE_SESSENV_H

#include <stdbool.h>
#include <stddef.h>

/* sessenv_wanted: true when KEY=VALUE kv may be kept. */
bool sessenv_wanted(const char *kv);

/* sessenv_masked: a malloc'd copy of kv with a URL's userinfo replaced by
 * "***"; NULL on allocation failure. */
char *sessenv_masked(const char *kv);

/* sessenv_filter: the wanted variables of the NULL-terminated array env
 * (or, when env is NULL, of the n NUL-separated strings in buf/len), masked,
 * as a malloc'd NULL-terminated array in *out with its count in *outc.
 * Returns 0 or -ENOMEM (nothing allocated then). */
int sessenv_filter(char *const *env, const char *buf, size_t len, char ***out, int *outc);

/* sessenv_free: frees what sessenv_filter returned. */
void sessenv_free(char **env, int envc);

#endif
