/* host[:port] parsing. */
#include "config.h"

#include <string.h>

#include "hostport.h"

int argus_hostport_split(const char *text, const char *default_port, char *host, size_t hostlen,
			 char *port, size_t portlen)
{
	const char *colon;
	size_t hlen;

	if (text[0] == '[') {
		const char *close = strchr(text, ']');
		if (!close || (close[1] && close[1] != ':'))
			return -1;
		hlen = (size_t)(close - text - 1);
		text++;
		colon = close[1] == ':' ? close + 1 : NULL;
	} else {
		colon = strrchr(text, ':');
		if (colon && strchr(text, ':') != colon)
			colon = NULL; /* a bare IPv6 address */
		hlen = colon ? (size_t)(colon - text) : strlen(text);
	}
	if (hlen == 0 || hlen >= hostlen)
		return -1;
	if (colon) {
		size_t plen = strlen(colon + 1);
		if (plen == 0 || plen >= portlen || strspn(colon + 1, "0123456789") != plen)
			return -1;
		memcpy(port, colon + 1, plen + 1);
	} else {
		if (!default_port || strlen(default_port) >= portlen)
			return -1;
		memcpy(port, default_port, strlen(default_port) + 1);
	}
	memcpy(host, text, hlen);
	host[hlen] = '\0';
	return 0;
}
