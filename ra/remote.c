/* ra -S: the client side of the Argus 3 remote protocol. */
#include "config.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <argus/plugin.h>

#include "core/hostport.h"
#include "core/log.h"
#include "remote.h"

#define IO_TIMEOUT_MS 10000
#define MAR_MAX 4096 /* the opening MAR: 128 bytes from Argus 3 */
#define BACKOFF_MAX_S 30
#define UDP_SCHEME "argus-udp://"

struct remote {
	char host[256];
	char port[16];
	const char *filter;
};

static int split_hostport(const char *text, struct remote *r, char *err, size_t errlen)
{
	if (argus_hostport_split(text, RA_REMOTE_DEFAULT_PORT, r->host, sizeof r->host, r->port,
				 sizeof r->port) == 0)
		return 0;
	snprintf(err, errlen, "-S %s: expected host, host:port or [IPv6 address]:port", text);
	return -1;
}

/* Wait until FD is readable; 0, or -1 on timeout. */
static int wait_readable(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	int rc;

	do
		rc = poll(&p, 1, IO_TIMEOUT_MS);
	while (rc < 0 && errno == EINTR);
	return rc > 0 ? 0 : -1;
}

/* Read exactly N bytes; 0, or -1 (closed, error, timeout). */
static int read_exact(int fd, uint8_t *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r;
		if (wait_readable(fd) != 0)
			return -1;
		r = read(fd, buf + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

static int write_all(int fd, const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n > 0) {
		ssize_t w = write(fd, b, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Connect and do the handshake.  The opening MAR goes to MAR (MAR_LEN bytes).
 * Returns the socket, or -1 with a message; *refused is set when the
 * server answered ER to the filter. */
static int connect_and_start(const struct remote *r, uint8_t *mar, size_t *mar_len, int *refused,
			     char *err, size_t errlen)
{
	struct addrinfo hints, *res = NULL, *ai;
	int fd = -1, rc;
	size_t len;

	*refused = 0;
	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(r->host, r->port, &hints, &res);
	if (rc != 0) {
		snprintf(err, errlen, "%s:%s: %s", r->host, r->port, gai_strerror(rc));
		return -1;
	}
	snprintf(err, errlen, "%s:%s: no address", r->host, r->port);
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		snprintf(err, errlen, "%s:%s: %s", r->host, r->port, strerror(errno));
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		return -1;
	/* the server speaks first: its opening MAR */
	if (read_exact(fd, mar, 4) != 0)
		goto lost;
	len = (size_t)(mar[2] << 8 | mar[3]) * 4;
	if ((mar[0] & 0xf0) != 0x80 || len < 8 || len > MAR_MAX) {
		snprintf(err, errlen, "%s:%s: not an Argus server (no management record first)",
			 r->host, r->port);
		close(fd);
		return -1;
	}
	if (read_exact(fd, mar + 4, len - 4) != 0)
		goto lost;
	*mar_len = len;
	if (r->filter) {
		char line[4200];
		uint8_t answer[2];
		int n = snprintf(line, sizeof line, "FILTER: man or (%s)", r->filter);
		if (n < 0 || (size_t)n >= sizeof line || write_all(fd, line, (size_t)n) != 0 ||
		    read_exact(fd, answer, 2) != 0)
			goto lost;
		if (memcmp(answer, "OK", 2) != 0) {
			*refused = 1;
			snprintf(err, errlen, "%s:%s: the server refused the filter '%s'", r->host,
				 r->port, r->filter);
			close(fd);
			return -1;
		}
	}
	if (write_all(fd, "START: ", 7) != 0)
		goto lost;
	return fd;
lost:
	snprintf(err, errlen, "%s:%s: the connection failed during the start", r->host, r->port);
	close(fd);
	return -1;
}

/* The child: copy the stream into OUT, reconnecting when it ends. */
static void pump(const struct remote *r, int sock, const uint8_t *mar, size_t mar_len, int out)
{
	uint8_t buf[65536];
	unsigned backoff = 1;
	char err[512];

	signal(SIGPIPE, SIG_IGN);
	for (;;) {
		if (write_all(out, mar, mar_len) != 0)
			_exit(0); /* ra is gone */
		for (;;) {
			ssize_t n = read(sock, buf, sizeof buf);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			backoff = 1;
			if (write_all(out, buf, (size_t)n) != 0)
				_exit(0);
		}
		close(sock);
		argus_log(ARGUS_LOG_WARNING, "-S %s:%s: the server closed the connection; "
			  "reconnecting in %u s", r->host, r->port, backoff);
		for (;;) {
			uint8_t next[MAR_MAX];
			int refused;
			sleep(backoff);
			backoff = backoff * 2 > BACKOFF_MAX_S ? BACKOFF_MAX_S : backoff * 2;
			sock = connect_and_start(r, next, &mar_len, &refused, err, sizeof err);
			if (sock >= 0) {
				argus_log(ARGUS_LOG_WARNING, "-S %s:%s: connected again", r->host, r->port);
				memcpy(buf, next, mar_len);
				mar = buf;
				break;
			}
			if (refused) {
				argus_log(ARGUS_LOG_ERROR, "-S %s", err);
				_exit(1);
			}
			argus_log(ARGUS_LOG_WARNING, "-S %s; trying again in %u s", err, backoff);
		}
	}
}

/* ---- argus-udp://: records pushed by argus -w argus-udp:// ------------------ */

/* 1 if the datagram D[0..N) is whole records, nothing more or less. */
static int whole_records(const uint8_t *d, size_t n)
{
	size_t off = 0;

	while (off + 4 <= n) {
		size_t len = (size_t)(d[off + 2] << 8 | d[off + 3]) * 4;
		if (len < 4 || off + len > n)
			return 0;
		off += len;
	}
	return off == n && n > 0;
}

/* The opening MAR of a stream joined late: what a reader needs first (the
 * header, 32 words, the V3 cookie), the rest zero. */
static void opening_mar(uint8_t *m)
{
	static const uint8_t head[] = {0x83, 0x10, 0x00, 0x20, 0, 0, 0, 0, 0xe5, 0x71, 0x2d, 0xcb};

	memset(m, 0, 128);
	memcpy(m, head, sizeof head);
	memset(m + 124, 0xff, 4);
}

static int udp_bind(const struct remote *r, char *err, size_t errlen)
{
	struct addrinfo hints, *res = NULL, *ai;
	int fd = -1, rc;

	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_PASSIVE;
	rc = getaddrinfo(r->host, r->port, &hints, &res);
	if (rc != 0) {
		snprintf(err, errlen, "argus-udp://%s:%s: %s", r->host, r->port, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai && fd < 0; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0)
			continue;
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
			snprintf(err, errlen, "argus-udp://%s:%s: %s", r->host, r->port,
				 strerror(errno));
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(res);
	return fd;
}

/* The child: every datagram that is whole records into OUT; a stream
 * joined after its opening MAR gets one made up. */
static void udp_pump(const struct remote *r, int sock, int out)
{
	static uint8_t buf[65536];
	int opened = 0;
	unsigned long bad = 0;

	signal(SIGPIPE, SIG_IGN);
	for (;;) {
		ssize_t n = recv(sock, buf, sizeof buf, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			_exit(1);
		if (!whole_records(buf, (size_t)n)) {
			if (bad++ % 1000 == 0)
				argus_log(ARGUS_LOG_WARNING,
					  "argus-udp://%s:%s: a datagram that is not whole Argus "
					  "records was ignored (%lu so far)",
					  r->host, r->port, bad);
			continue;
		}
		if (!opened) {
			int is_opening = (buf[0] & 0xf0) == 0x80 && n >= 12 && buf[8] == 0xe5 &&
					 buf[9] == 0x71 && buf[10] == 0x2d && buf[11] == 0xcb;
			uint8_t m[128];
			opening_mar(m);
			if (!is_opening && write_all(out, m, sizeof m) != 0)
				_exit(0);
			opened = 1;
		}
		if (write_all(out, buf, (size_t)n) != 0)
			_exit(0); /* ra is gone */
	}
}

int ra_remote_open(const char *hostport, const char *filter, pid_t *child, char *err,
		   size_t errlen)
{
	static struct remote r;
	uint8_t mar[MAR_MAX];
	size_t mar_len = 0;
	int refused, sock, p[2], udp = strncmp(hostport, UDP_SCHEME, strlen(UDP_SCHEME)) == 0;
	pid_t pid;

	if (udp)
		hostport += strlen(UDP_SCHEME);
	if (split_hostport(hostport, &r, err, errlen) != 0)
		return -1;
	/* a push stream has no server to filter: ra filters it alone */
	r.filter = udp ? NULL : filter;
	sock = udp ? udp_bind(&r, err, errlen)
		   : connect_and_start(&r, mar, &mar_len, &refused, err, errlen);
	if (sock < 0)
		return -1;
	if (pipe(p) != 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		close(sock);
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(sock);
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
#ifdef __linux__
		prctl(PR_SET_PDEATHSIG, SIGTERM);
#endif
		signal(SIGINT, SIG_IGN); /* ra ends us when it is done */
		signal(SIGTERM, SIG_DFL);
		close(p[0]);
		if (udp)
			udp_pump(&r, sock, p[1]);
		else
			pump(&r, sock, mar, mar_len, p[1]);
		_exit(0);
	}
	close(sock);
	close(p[1]);
	*child = pid;
	return p[0];
}

void ra_remote_close(int fd, pid_t child)
{
	int st;

	close(fd);
	if (child > 0) {
		kill(child, SIGTERM);
		while (waitpid(child, &st, 0) < 0 && errno == EINTR)
			;
	}
}
