/* Monitor source id (-e, ARGUS_MONITOR_ID): number, IPv4/IPv6 address,
 * short string, or a host name resolved to its IPv4 address. */
#ifndef ARGUS_CORE_SRCID_H
#define ARGUS_CORE_SRCID_H

#include <stddef.h>

#include <argus/record.h>

int argus_srcid_parse(const char *text, struct argus_srcid *out, char *err, size_t errlen);

#endif
