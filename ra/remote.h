/* ra -S: read the record stream of a remote argus or radium (the Argus 3
 * remote protocol: the server's opening MAR, optional "FILTER: ", then
 * "START: "). */
#ifndef RA_REMOTE_H
#define RA_REMOTE_H

#include <stddef.h>
#include <sys/types.h>

#define RA_REMOTE_DEFAULT_PORT "561"

/* Connect to HOSTPORT ("host", "host:port", "[v6addr]:port"), send
 * FILTER (if not NULL) and START, and start a child process that copies the
 * stream into a pipe, reconnecting with backoff (1 s doubling to 30 s) when
 * the server goes away.  Returns the pipe's read end, for the record
 * reader, with the child in *child; or -1 with the message in err (the
 * first connection failed, or the server refused the filter). */
/* "argus-udp://host:port" instead receives the records an argus pushes
 * with -w argus-udp://host:port: ra binds that address (no filter goes to
 * the sender) and the child copies each datagram of whole records. */
int ra_remote_open(const char *hostport, const char *filter, pid_t *child, char *err,
		   size_t errlen);

/* Stop the child and reap it. */
void ra_remote_close(int fd, pid_t child);

#endif
