/* The commands an Argus 3 client sends to the server: "START: ",
 * "FILTER: EXPR" and "DONE: ".  A pure parser over the bytes received so
 * far, shared by argus's server and its fuzz target. */
#ifndef ARGUS_CORE_REMOTECMD_H
#define ARGUS_CORE_REMOTECMD_H

#include <stddef.h>

enum argus_remote_cmd {
	ARGUS_REMOTE_NONE,    /* nothing complete yet: wait for more bytes */
	ARGUS_REMOTE_START,   /* send the records */
	ARGUS_REMOTE_FILTER,  /* *arg, *arglen: the expression */
	ARGUS_REMOTE_DONE,    /* the client is finished */
	ARGUS_REMOTE_GARBAGE, /* not the protocol */
};

/* The first command in BUF[0..LEN).  *used is how many bytes it took
 * (separators before it included), also for NONE (blank bytes only).
 * A FILTER expression runs to a line end or NUL, else to the end of BUF:
 * Argus clients send it alone and wait for the answer. */
enum argus_remote_cmd argus_remote_cmd_next(const char *buf, size_t len, size_t *used,
					    const char **arg, size_t *arglen);

#endif
