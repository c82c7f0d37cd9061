// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* netaddr.c - IP addresses as text (netaddr.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include "netaddr.h"

int netaddr_format(unsigned long family, const void *a, size_t len, char *out, size_t outlen)
{
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	if (outlen)
		out[0] = '\0';
	if (!a)
		return -EINVAL;
	if (family == AF_INET && len == 4)
		return inet_ntop(AF_INET, a, out, outlen) ? 0 : -EINVAL;
	if (family == AF_INET6 && len == 16) {
		if (!memcmp(a, mapped, sizeof(mapped)))
			return inet_ntop(AF_INET, (const unsigned char *)a + 12, out, outlen) ? 0 : -EINVAL;
		return inet_ntop(AF_INET6, a, out, outlen) ? 0 : -EINVAL;
	}
	return -EINVAL;
}

void netaddr_endpoint(const char *addr, unsigned port, char *out, size_t outlen)
{
	snprintf(out, outlen, strchr(addr, ':') ? "[%s]:%u" : "%s:%u", addr, port);
}
