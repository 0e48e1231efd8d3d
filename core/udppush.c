/* Records pushed to a collector over UDP. */
#include "config.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hostport.h"
#include "udppush.h"

#define MAR_BYTES 128 /* a MAR is always 32 words */

struct argus_udppush {
	int fd;
	int blocking;
	argus_udppush_encode_fn encode;
	void *encode_state;
	uint64_t sent, lost;
	uint8_t buf[ARGUS_ENCODE_MAX];
};

int argus_udppush_is_url(const char *path)
{
	return path && strncmp(path, ARGUS_UDPPUSH_SCHEME, strlen(ARGUS_UDPPUSH_SCHEME)) == 0;
}

struct argus_udppush *argus_udppush_open(const char *url, argus_udppush_encode_fn encode,
					 void *encode_state, int blocking, char *err,
					 size_t errlen)
{
	struct addrinfo hints, *res, *ai;
	struct argus_udppush *p;
	char host[256], port[8];
	long portnum;
	int rc, fd = -1, last_errno = 0;

	if (!argus_udppush_is_url(url) ||
	    argus_hostport_split(url + strlen(ARGUS_UDPPUSH_SCHEME), NULL, host, sizeof host, port,
				 sizeof port) != 0 ||
	    (portnum = strtol(port, NULL, 10)) < 1 || portnum > 65535) {
		snprintf(err, errlen, "%s: expected argus-udp://HOST:PORT", url);
		return NULL;
	}
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICSERV;
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0) {
		snprintf(err, errlen, "%s: %s", url, gai_strerror(rc));
		return NULL;
	}
	for (ai = res; ai && fd < 0; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0) {
			last_errno = errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
			last_errno = errno;
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(res);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", url, strerror(last_errno));
		return NULL;
	}
	{
		/* Argus's multicast reach: records may go some distance */
		int ttl = 128;
		setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl);
		setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &ttl, sizeof ttl);
	}
	p = calloc(1, sizeof *p);
	if (!p) {
		close(fd);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	p->fd = fd;
	p->blocking = blocking;
	p->encode = encode;
	p->encode_state = encode_state;
	return p;
}

void argus_udppush_record(struct argus_udppush *p, const struct argus_record *rec)
{
	long n = p->encode(p->encode_state, rec, p->sent == 0, p->buf, sizeof p->buf);
	size_t off = 0;

	if (n <= 0)
		return;
	/* a flow record that opens the stream came with its opening MAR:
	 * that is a datagram of its own */
	if (p->sent == 0 && rec->kind == ARGUS_RECORD_FLOW && n > MAR_BYTES) {
		if (send(p->fd, p->buf, MAR_BYTES, p->blocking ? 0 : MSG_DONTWAIT) == MAR_BYTES)
			p->sent++;
		off = MAR_BYTES;
	}
	for (;;) {
		ssize_t w = send(p->fd, p->buf + off, (size_t)n - off, p->blocking ? 0 : MSG_DONTWAIT);
		if (w >= 0) {
			p->sent++;
			return;
		}
		if (errno == EINTR)
			continue;
		/* ECONNREFUSED: no collector listens yet; EAGAIN: socket full */
		p->lost++;
		return;
	}
}

uint64_t argus_udppush_sent(const struct argus_udppush *p) { return p->sent; }

uint64_t argus_udppush_lost(const struct argus_udppush *p) { return p->lost; }

void argus_udppush_close(struct argus_udppush *p)
{
	if (!p)
		return;
	close(p->fd);
	free(p);
}
