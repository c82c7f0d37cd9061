/*
 * netaddr.h - the one text form of an IP address, for the events, the
 * rules and the report alike.  An IPv4-mapped IPv6 address (::ffff:a.b.c.d,
 * what a dual-stack socket sends to an IPv4 peer) is shown as a.b.c.d, the
 * host it reaches, so a registry at 127.0.0.1 matches either way.
 */
#ifndef PKGTRACE_NETADDR_H
#define PKGTRACE_NETADDR_H

#include <stddef.h>

#define NETADDR_MAX 46 /* INET6_ADDRSTRLEN */

/* netaddr_format: the text of the address a[0..len): AF_INET with 4 bytes
 * or AF_INET6 with 16.  Returns 0, or -EINVAL for another family or length
 * (out is then ""). outlen: NETADDR_MAX is always enough. */
int netaddr_format(unsigned long family, const void *a, size_t len, char *out, size_t outlen);

/* netaddr_endpoint: "addr:port", or "[addr]:port" when addr is IPv6 text. */
void netaddr_endpoint(const char *addr, unsigned port, char *out, size_t outlen);

#endif
