/* Access lists of client networks. */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netacl.h"

static const uint8_t v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

static int parse_entry(const char *text, struct argus_netacl_entry *e, char *err, size_t errlen)
{
	char addr[INET6_ADDRSTRLEN + 8];
	const char *slash = strchr(text, '/');
	size_t alen = slash ? (size_t)(slash - text) : strlen(text);
	unsigned max;

	memset(e, 0, sizeof *e);
	if (alen == 0 || alen >= sizeof addr)
		goto bad;
	memcpy(addr, text, alen);
	addr[alen] = '\0';
	if (inet_pton(AF_INET, addr, e->addr) == 1) {
		e->family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, addr, e->addr) == 1) {
		e->family = AF_INET6;
		max = 128;
	} else {
		goto bad;
	}
	e->prefix = max;
	if (slash) {
		char *end;
		long bits;

		if (!isdigit((unsigned char)slash[1]))
			goto bad;
		errno = 0;
		bits = strtol(slash + 1, &end, 10);
		if (errno || *end || bits < 0 || bits > (long)max)
			goto bad;
		e->prefix = (unsigned)bits;
	}
	/* peers are checked as the IPv4 address a mapped one stands for, so
	 * is an entry like ::ffff:10.0.0.0/104 */
	if (e->family == AF_INET6 && e->prefix >= 96 && memcmp(e->addr, v4mapped, 12) == 0) {
		e->family = AF_INET;
		memmove(e->addr, e->addr + 12, 4);
		memset(e->addr + 4, 0, 12);
		e->prefix -= 96;
	}
	return 0;
bad:
	snprintf(err, errlen, "'%s' is not an address or network (ADDR or ADDR/BITS)", text);
	return -1;
}

int argus_netacl_parse(const char *text, struct argus_netacl *acl, char *err, size_t errlen)
{
	const char *p = text;

	acl->n = 0;
	for (;;) {
		char item[128];
		size_t len;

		while (*p == ',' || isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		len = 0;
		while (p[len] && p[len] != ',' && !isspace((unsigned char)p[len]))
			len++;
		if (len >= sizeof item) {
			snprintf(err, errlen, "'%.40s...' is not an address or network", p);
			return -1;
		}
		memcpy(item, p, len);
		item[len] = '\0';
		p += len;
		if (acl->n == ARGUS_NETACL_MAX) {
			snprintf(err, errlen, "at most %d networks", ARGUS_NETACL_MAX);
			return -1;
		}
		if (parse_entry(item, &acl->e[acl->n], err, errlen) != 0)
			return -1;
		acl->n++;
	}
	if (acl->n == 0) {
		snprintf(err, errlen, "no network given");
		return -1;
	}
	return 0;
}

static int prefix_equal(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	unsigned bytes = bits / 8, rest = bits % 8;

	if (memcmp(a, b, bytes) != 0)
		return 0;
	if (rest) {
		uint8_t mask = (uint8_t)(0xffu << (8 - rest));
		return (a[bytes] & mask) == (b[bytes] & mask);
	}
	return 1;
}

int argus_netacl_allows(const struct argus_netacl *acl, const struct sockaddr *sa)
{
	uint8_t addr[16];
	int family;

	if (acl->n == 0)
		return 1;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;
		family = AF_INET;
		memcpy(addr, &in->sin_addr, 4);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;
		family = AF_INET6;
		memcpy(addr, &in6->sin6_addr, 16);
		if (memcmp(addr, v4mapped, 12) == 0) {
			family = AF_INET;
			memmove(addr, addr + 12, 4);
		}
	} else {
		return 0;
	}
	for (size_t i = 0; i < acl->n; i++)
		if (acl->e[i].family == family && prefix_equal(addr, acl->e[i].addr, acl->e[i].prefix))
			return 1;
	return 0;
}
