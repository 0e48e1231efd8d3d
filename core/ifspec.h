/* Which interfaces to capture on: the -i arguments and ARGUS_INTERFACE,
 * in Argus's syntax ("eth0", "eth0/10.0.0.1", "ind:eth0/\"e0\",eth1/2",
 * "bond:eth0,eth1/7", "any", "all"), and the default interface. */
#ifndef ARGUS_CORE_IFSPEC_H
#define ARGUS_CORE_IFSPEC_H

#include <stddef.h>

#define ARGUS_IFSPEC_MAX 32

struct argus_ifspec {
	char name[64];
	char srcid[256]; /* the "/SRCID" tag without quotes; empty: none */
};

/* Append the interfaces named in TEXT to list[*n].  Elements are separated
 * by commas or blanks; an "ind:" prefix changes nothing, "bond:"/"dup:"
 * give every element the tag of the last one.  0, or -1 with a message. */
int argus_ifspec_parse(const char *text, struct argus_ifspec *list, size_t *n,
		       char *err, size_t errlen);

/* Replace "all" by every interface that is up and running (loopback and
 * pseudo devices left out), each with the tag "all" had; an empty list
 * becomes the first such interface.  0, or -1 when there is none. */
int argus_ifspec_resolve(struct argus_ifspec *list, size_t *n, char *err, size_t errlen);

#endif
