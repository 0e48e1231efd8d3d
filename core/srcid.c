/* Monitor source id (-e, ARGUS_MONITOR_ID). */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <argus/plugin.h>

#include "srcid.h"

int argus_srcid_parse(const char *text, struct argus_srcid *out, char *err, size_t errlen)
{
	char *end;
	unsigned long n;
	size_t len = strlen(text);

	memset(out, 0, sizeof *out);
	if (len == 0) {
		snprintf(err, errlen, "empty source id");
		return ARGUS_EINVAL;
	}
	if (inet_pton(AF_INET, text, out->value) == 1) {
		out->type = ARGUS_SRCID_IPV4;
		out->len = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, text, out->value) == 1) {
		out->type = ARGUS_SRCID_IPV6;
		out->len = 16;
		return 0;
	}
	if (isdigit((unsigned char)text[0])) {
		errno = 0;
		n = strtoul(text, &end, 0);
		if (!errno && !*end && n <= 0xffffffffUL) {
			uint32_t v = (uint32_t)n;
			out->type = ARGUS_SRCID_INT;
			out->len = 4;
			memcpy(out->value, &v, 4);
			return 0;
		}
	}
	/* Argus 3 carries a string id in 4 bytes; longer names are host names. */
	if (len <= 4) {
		out->type = ARGUS_SRCID_STRING;
		out->len = (uint8_t)len;
		memcpy(out->value, text, len);
		return 0;
	}
	{
		struct addrinfo hints, *res = NULL;
		memset(&hints, 0, sizeof hints);
		hints.ai_family = AF_INET;
		if (getaddrinfo(text, NULL, &hints, &res) == 0 && res) {
			const struct sockaddr_in *sin = (const struct sockaddr_in *)(void *)res->ai_addr;
			memcpy(out->value, &sin->sin_addr, 4);
			out->type = ARGUS_SRCID_IPV4;
			out->len = 4;
			freeaddrinfo(res);
			return 0;
		}
		if (res)
			freeaddrinfo(res);
	}
	snprintf(err, errlen,
		 "source id '%s' is not a number, an address, a string of up to 4 "
		 "characters or a resolvable host name",
		 text);
	return ARGUS_EINVAL;
}
