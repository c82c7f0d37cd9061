// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* dns.c - decoding of a DNS query name (RFC 1035 section 4.1). */
#include <errno.h>
#include <stdio.h>
#include "dns.h"

#define DNS_HDR_LEN 12
#define DNS_WIRE_NAME_MAX 255 /* RFC 1035 2.3.4 */
#define DNS_LABEL_MAX 63

static int put_char(char *out, size_t outlen, size_t *n, unsigned char c)
{
	int need = (c > ' ' && c <= '~' && c != '.' && c != '\\') ? 1 : 4;

	if (*n + need >= outlen)
		return -ENOSPC;
	if (need == 1)
		out[(*n)++] = (char)c;
	else
		*n += (size_t)snprintf(out + *n, outlen - *n, "\\%03u", c);
	return 0;
}

int dns_qname(const uint8_t *msg, size_t len, char *out, size_t outlen)
{
	size_t pos = DNS_HDR_LEN, n = 0, wire = 0;
	int err;

	if (!msg || !out || outlen < 2 || len < DNS_HDR_LEN + 1)
		return -EINVAL;
	if (msg[2] & 0x80) /* QR set: a response, not a query */
		return -EINVAL;
	if (((msg[4] << 8) | msg[5]) == 0) /* QDCOUNT */
		return -EINVAL;
	for (;;) {
		uint8_t l;

		if (pos >= len)
			return -EINVAL;
		l = msg[pos];
		if ((l & 0xc0) == 0xc0) {
			size_t target;

			if (pos + 1 >= len)
				return -EINVAL;
			target = ((size_t)(l & 0x3f) << 8) | msg[pos + 1];
			/* Only strictly backwards and past the header: each
			 * jump lowers pos, so loops are impossible. */
			if (target >= pos || target < DNS_HDR_LEN)
				return -EINVAL;
			pos = target;
			continue;
		}
		if (l & 0xc0) /* 0x40/0x80: extended or reserved label types */
			return -EINVAL;
		if (l == 0)
			break;
		wire += 1 + l;
		if (wire + 1 > DNS_WIRE_NAME_MAX || pos + 1 + l > len)
			return -EINVAL;
		if (n > 0) {
			if (n + 1 >= outlen)
				return -ENOSPC;
			out[n++] = '.';
		}
		for (size_t i = 0; i < l; i++) {
			err = put_char(out, outlen, &n, msg[pos + 1 + i]);
			if (err)
				return err;
		}
		pos += 1 + l;
	}
	if (n == 0)
		out[n++] = '.';
	out[n] = '\0';
	return (int)n;
}
