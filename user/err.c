// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include <stdarg.h>
#include <stdio.h>
#include <json-c/json.h>
#include "err.h"

bool err_json;
int verbose;

/* usage: NULL, or the synopsis a usage error carries (see p_usage) */
static void vreport(const char *level, const char *usage, const char *fmt, va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (err_json) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, level, json_object_new_string(msg));
		if (usage)
			json_object_object_add(o, "usage", json_object_new_string(usage));
		fprintf(stderr, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
		json_object_put(o);
	} else {
		fprintf(stderr, "pkgtrace: %s%s\n", level[0] == 'e' ? "" : "warning: ", msg);
		if (usage)
			fprintf(stderr, "Usage: %s\n", usage);
	}
}

void p_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("error", NULL, fmt, ap);
	va_end(ap);
}

void p_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("warning", NULL, fmt, ap);
	va_end(ap);
}

int p_usage(const char *synopsis, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("error", synopsis, fmt, ap);
	va_end(ap);
	return PT_EXIT_USAGE;
}

void p_info(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
