/* Access lists of client networks ("127.0.0.1, 10.0.0.0/8, ::1, fd00::/8"):
 * who may read records from argus's remote port (ARGUS_ACCESS_LIST). */
#ifndef ARGUS_CORE_NETACL_H
#define ARGUS_CORE_NETACL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define ARGUS_NETACL_MAX 64

struct argus_netacl_entry {
	int family; /* AF_INET or AF_INET6 */
	uint8_t addr[16];
	unsigned prefix; /* bits that must match */
};

struct argus_netacl {
	struct argus_netacl_entry e[ARGUS_NETACL_MAX];
	size_t n; /* 0: everyone is allowed */
};

/* Parse a list of addresses or networks (ADDR or ADDR/BITS) separated by
 * commas or blanks.  0, or -1 with a message naming the bad element. */
int argus_netacl_parse(const char *text, struct argus_netacl *acl, char *err, size_t errlen);

/* 1 if the peer at SA may connect (an empty list allows everyone).
 * IPv4-mapped IPv6 peers are checked as the IPv4 address they are. */
int argus_netacl_allows(const struct argus_netacl *acl, const struct sockaddr *sa);

#endif
