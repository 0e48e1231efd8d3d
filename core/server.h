/* argus's record server: the Argus 3 remote protocol on TCP (argus -P,
 * ARGUS_ACCESS_PORT), read by ra -S and radium.
 *
 * A client gets the opening MAR at once, may send "FILTER: EXPR" (answered
 * "OK" or "ER"), and gets the live records after "START: "; "DONE: " ends
 * the session.  Every socket is non-blocking and each client has a bounded
 * queue: a client that stops reading loses records (counted, and reported
 * in the MARs it gets), never the capture its time. */
#ifndef ARGUS_CORE_SERVER_H
#define ARGUS_CORE_SERVER_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include <argus/plugin.h>

#include "netacl.h"

#define ARGUS_SERVER_MAX_LISTEN 8
#define ARGUS_SERVER_MAX_CLIENTS 64
#define ARGUS_SERVER_MAX_FDS (ARGUS_SERVER_MAX_LISTEN + ARGUS_SERVER_MAX_CLIENTS)

struct argus_server;

/* Fill OUT with a MAR describing the monitor now (the opening MAR of a
 * new client). */
typedef void (*argus_server_mar_fn)(void *ctx, enum argus_cause cause, int64_t now_us,
				    struct argus_record *out);

struct argus_server_config {
	const char *bind;  /* addresses separated by commas; NULL: every address */
	unsigned port;
	const struct argus_netacl *access; /* NULL or empty: anyone */
	size_t queue_bytes;		   /* per client */
	unsigned max_clients;		   /* at most ARGUS_SERVER_MAX_CLIENTS */
	int64_t start_timeout_us;	   /* a client without START: is dropped then */
	/* the binary output's encode() */
	long (*encode)(void *state, const struct argus_record *rec, int first, uint8_t *buf,
		       size_t cap);
	void *encode_state;
	/* the filter clients' FILTER: expressions are compiled with */
	const struct argus_filter_ops *filter_ops;
	void *filter_state;
	argus_server_mar_fn mar;
	void *mar_ctx;
};

/* Listen on every bind address.  NULL with a message on failure ("bind
 * 127.0.0.1 port 561: Address already in use"). */
struct argus_server *argus_server_open(const struct argus_server_config *cfg, char *err,
				       size_t errlen);
/* Put the descriptors to wait for into pfd (room for ARGUS_SERVER_MAX_FDS);
 * returns how many. */
size_t argus_server_pollfds(const struct argus_server *s, struct pollfd *pfd);
/* Handle what poll() reported for the descriptors of argus_server_pollfds:
 * new connections, commands, queued data going out, start timeouts. */
void argus_server_serve(struct argus_server *s, const struct pollfd *pfd, size_t n,
			int64_t now_us);
/* A record of the live stream: a copy to every started client it passes
 * the filter of (MARs to all, with the client's own queue counts). */
void argus_server_record(struct argus_server *s, const struct argus_record *rec);
/* Clients connected, and records dropped for slow clients so far. */
size_t argus_server_clients(const struct argus_server *s);
uint64_t argus_server_dropped(const struct argus_server *s);
/* Send what is queued for up to WAIT_US, then close every socket. */
void argus_server_close(struct argus_server *s, int64_t wait_us);

#endif
