/*
 * dns.h - the query name of a DNS message, for UDP sends to port 53.
 * The payload comes from an untrusted process and may be cut by
 * PT_PAYLOAD_MAX, so the decoder checks every length against the buffer.
 */
#ifndef PKGTRACE_DNS_H
#define PKGTRACE_DNS_H

#include <stddef.h>
#include <stdint.h>

#define DNS_NAME_MAX 1024 /* room for 255 wire bytes with \DDD escapes */

/* dns_qname: writes the first question's name of the DNS message msg[0..len)
 * into out as dotted text ("example.com", "." for the root), bytes outside
 * [!-~] and '.' or '\\' inside a label escaped as \DDD.  Follows compression
 * pointers only backwards, so it always ends.  Returns the text length, or
 * -EINVAL when msg is not a query with a well-formed name inside len bytes,
 * -ENOSPC when out (outlen bytes) is too small. */
int dns_qname(const uint8_t *msg, size_t len, char *out, size_t outlen);

#endif
