/* "host", "host:port", "[IPv6 address]:port" and a bare IPv6 address:
 * the address forms of ra -S and argus -w argus-udp://. */
#ifndef ARGUS_CORE_HOSTPORT_H
#define ARGUS_CORE_HOSTPORT_H

#include <stddef.h>

/* Split TEXT into HOST and PORT (decimal digits).  Without a port, PORT is
 * DEFAULT_PORT, or the text is refused when DEFAULT_PORT is NULL.
 * 0, or -1 when TEXT is not one of the forms or does not fit. */
int argus_hostport_split(const char *text, const char *default_port, char *host, size_t hostlen,
			 char *port, size_t portlen);

#endif
