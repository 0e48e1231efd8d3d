/* argus's record server (Argus 3 remote protocol). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "log.h"
#include "remotecmd.h"
#include "server.h"

#define CMD_MAX 4096
/* room kept for MARs: a full queue still takes the next status report */
#define MAR_RESERVE 512
/* Argus clients send one filter; more is somebody playing */
#define MAX_FILTERS 8
/* a started client whose queue has not moved for this long is gone */
#define STALL_TIMEOUT_US (60 * 1000000LL)
/* refused connections are logged at most this often */
#define REFUSAL_LOG_INTERVAL_US 1000000LL

enum client_state { WAITING, STARTED, DONE };

struct client {
	int fd;
	enum client_state state;
	char name[INET6_ADDRSTRLEN + 16]; /* "127.0.0.1:40000", "[::1]:40000" */
	int64_t connected_us;
	void *filter; /* compiled FILTER: expression, or NULL */
	char cmd[CMD_MAX];
	size_t cmd_len;
	uint8_t *ring; /* the queue: len bytes from head, wrapping at cap */
	size_t cap, head, len;
	uint64_t sent, dropped;
	int dropping; /* the queue is full now: said once */
	unsigned filters;     /* FILTER: commands so far */
	int64_t progress_us;  /* last time its queue was empty or moved */
};

struct argus_server {
	struct argus_server_config cfg;
	int listen_fd[ARGUS_SERVER_MAX_LISTEN];
	size_t n_listen;
	struct client *clients[ARGUS_SERVER_MAX_CLIENTS];
	size_t n_clients;
	uint64_t dropped;
	int64_t refusal_logged_us; /* rate limit of "refused" messages */
	unsigned long refusals_unlogged;
	struct argus_record scratch; /* a MAR made a client's own */
	uint8_t buf[ARGUS_ENCODE_MAX];
};

static int64_t now_us(void)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

/* ---- listening ----------------------------------------------------------- */

static int listen_on(struct argus_server *s, const char *host, char *err, size_t errlen)
{
	struct addrinfo hints, *res, *ai;
	char port[16];
	int rc, bound = 0, last_errno = 0;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	snprintf(port, sizeof port, "%u", s->cfg.port);
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0) {
		snprintf(err, errlen, "bind address %s: %s", host ? host : "(any)", gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		int fd, one = 1;

		if (s->n_listen == ARGUS_SERVER_MAX_LISTEN) {
			snprintf(err, errlen, "at most %d bind addresses", ARGUS_SERVER_MAX_LISTEN);
			freeaddrinfo(res);
			return -1;
		}
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
			    ai->ai_protocol);
		if (fd < 0) {
			last_errno = errno;
			continue;
		}
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		/* one socket per family: :: must not take 0.0.0.0's port */
		if (ai->ai_family == AF_INET6)
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 16) != 0) {
			last_errno = errno;
			close(fd);
			continue;
		}
		s->listen_fd[s->n_listen++] = fd;
		bound++;
	}
	freeaddrinfo(res);
	if (!bound) {
		snprintf(err, errlen, "cannot listen on %s port %u: %s", host ? host : "any address",
			 s->cfg.port, strerror(last_errno ? last_errno : EADDRNOTAVAIL));
		return -1;
	}
	return 0;
}

struct argus_server *argus_server_open(const struct argus_server_config *cfg, char *err,
				       size_t errlen)
{
	struct argus_server *s = calloc(1, sizeof *s);

	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->cfg = *cfg;
	if (s->cfg.max_clients == 0 || s->cfg.max_clients > ARGUS_SERVER_MAX_CLIENTS)
		s->cfg.max_clients = ARGUS_SERVER_MAX_CLIENTS;
	if (s->cfg.queue_bytes < 2 * ARGUS_ENCODE_MAX)
		s->cfg.queue_bytes = 2 * ARGUS_ENCODE_MAX;
	if (!cfg->bind) {
		if (listen_on(s, NULL, err, errlen) != 0)
			goto fail;
	} else {
		const char *p = cfg->bind;
		while (*p) {
			char host[256];
			size_t len;

			p += strspn(p, ", \t");
			len = strcspn(p, ", \t");
			if (len == 0)
				break;
			if (len >= sizeof host) {
				snprintf(err, errlen, "bind address too long");
				goto fail;
			}
			memcpy(host, p, len);
			host[len] = '\0';
			p += len;
			if (listen_on(s, host, err, errlen) != 0)
				goto fail;
		}
		if (s->n_listen == 0) {
			snprintf(err, errlen, "no bind address given");
			goto fail;
		}
	}
	return s;
fail:
	for (size_t i = 0; i < s->n_listen; i++)
		close(s->listen_fd[i]);
	free(s);
	return NULL;
}

/* ---- clients ----------------------------------------------------------------- */

static void peer_name(const struct sockaddr *sa, socklen_t len, char *out, size_t outlen)
{
	char host[INET6_ADDRSTRLEN], port[8];

	if (getnameinfo(sa, len, host, sizeof host, port, sizeof port,
			NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
		snprintf(out, outlen, "(unknown)");
		return;
	}
	if (sa->sa_family == AF_INET6 && strncmp(host, "::ffff:", 7) != 0)
		snprintf(out, outlen, "[%s]:%s", host, port);
	else
		snprintf(out, outlen, "%s:%s", strncmp(host, "::ffff:", 7) == 0 ? host + 7 : host,
			 port);
}

static size_t started_clients(const struct argus_server *s)
{
	size_t n = 0;

	for (size_t i = 0; i < s->n_clients; i++)
		n += s->clients[i]->state == STARTED;
	return n;
}

static void client_free(struct argus_server *s, struct client *c)
{
	if (c->filter)
		s->cfg.filter_ops->free(c->filter);
	if (c->fd >= 0)
		close(c->fd);
	free(c->ring);
	free(c);
}

/* Close client I; WHY is logged (NULL: a normal end, logged as info). */
static void client_drop(struct argus_server *s, size_t i, const char *why)
{
	struct client *c = s->clients[i];

	if (c->dropped)
		argus_log(ARGUS_LOG_WARNING,
			  "client %s: %s; %llu records sent, %llu dropped (the client read too slowly)",
			  c->name, why ? why : "disconnected", (unsigned long long)c->sent,
			  (unsigned long long)c->dropped);
	else
		argus_log(why ? ARGUS_LOG_WARNING : ARGUS_LOG_INFO, "client %s: %s; %llu records sent",
			  c->name, why ? why : "disconnected", (unsigned long long)c->sent);
	client_free(s, c);
	s->clients[i] = s->clients[--s->n_clients];
}

static void ring_put(struct client *c, const uint8_t *p, size_t n)
{
	size_t tail = (c->head + c->len) % c->cap;
	size_t first = n < c->cap - tail ? n : c->cap - tail;

	memcpy(c->ring + tail, p, first);
	memcpy(c->ring, p + first, n - first);
	c->len += n;
}

/* Bytes the protocol itself sends (the opening MAR, OK, ER): always queued,
 * the queue keeps room for them. */
static int queue_bytes(struct client *c, const void *p, size_t n)
{
	if (c->cap - c->len < n)
		return -1;
	ring_put(c, p, n);
	return 0;
}

/* Send what is queued until the socket is full; -1 when the client is gone. */
static int client_send(struct client *c, const char **why)
{
	while (c->len) {
		size_t seg = c->len < c->cap - c->head ? c->len : c->cap - c->head;
		ssize_t n = send(c->fd, c->ring + c->head, seg, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n > 0) {
			c->head = (c->head + (size_t)n) % c->cap;
			c->len -= (size_t)n;
			c->progress_us = now_us();
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		*why = n < 0 ? strerror(errno) : "connection closed";
		return -1;
	}
	if (c->len == 0)
		c->head = 0;
	return 0;
}

/* Say that a connection was refused, at most once a second: somebody
 * connecting again and again must not fill the log. */
static void refused(struct argus_server *s, int64_t now, const char *name, const char *why)
{
	if (now - s->refusal_logged_us < REFUSAL_LOG_INTERVAL_US) {
		s->refusals_unlogged++;
		return;
	}
	if (s->refusals_unlogged)
		argus_log(ARGUS_LOG_WARNING, "client %s refused: %s (and %lu refusals not logged)",
			  name, why, s->refusals_unlogged);
	else
		argus_log(ARGUS_LOG_WARNING, "client %s refused: %s", name, why);
	s->refusal_logged_us = now;
	s->refusals_unlogged = 0;
}

static void client_accept(struct argus_server *s, int lfd, int64_t now)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	struct argus_record mar;
	struct client *c;
	char name[INET6_ADDRSTRLEN + 16];
	long n;
	int flags, fd = accept(lfd, (struct sockaddr *)&ss, &len);

	if (fd < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
		    errno != ECONNABORTED)
			argus_log(ARGUS_LOG_WARNING, "accepting a client: %s", strerror(errno));
		return;
	}
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) != 0) {
		close(fd);
		return;
	}
	peer_name((struct sockaddr *)&ss, len, name, sizeof name);
	if (s->cfg.access && !argus_netacl_allows(s->cfg.access, (struct sockaddr *)&ss)) {
		refused(s, now, name, "not in ARGUS_ACCESS_LIST");
		close(fd);
		return;
	}
	if (s->n_clients >= s->cfg.max_clients) {
		refused(s, now, name, "the clients allowed are all connected");
		close(fd);
		return;
	}
	c = calloc(1, sizeof *c);
	if (c)
		c->ring = malloc(s->cfg.queue_bytes);
	if (!c || !c->ring) {
		argus_log(ARGUS_LOG_WARNING, "client %s refused: out of memory", name);
		free(c);
		close(fd);
		return;
	}
	c->fd = fd;
	c->cap = s->cfg.queue_bytes;
	c->connected_us = c->progress_us = now;
	c->state = WAITING;
	snprintf(c->name, sizeof c->name, "%s", name);
	s->clients[s->n_clients++] = c;
	argus_log(ARGUS_LOG_INFO, "client %s connected", name);
	/* the protocol: the opening MAR (with the stream cookie) at once */
	memset(&mar, 0, sizeof mar);
	s->cfg.mar(s->cfg.mar_ctx, ARGUS_CAUSE_START, now, &mar);
	mar.mar.clients = (uint32_t)started_clients(s);
	n = s->cfg.encode(s->cfg.encode_state, &mar, 1, s->buf, sizeof s->buf);
	if (n > 0)
		queue_bytes(c, s->buf, (size_t)n);
}

/* Keep what a client says printable for the log. */
static void printable(const char *p, size_t n, char *out, size_t outlen)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 5 < outlen; i++) {
		unsigned char ch = (unsigned char)p[i];
		if (ch >= 0x20 && ch < 0x7f && ch != '\\')
			out[o++] = (char)ch;
		else
			o += (size_t)snprintf(out + o, outlen - o, "\\x%02x", ch);
	}
	out[o] = '\0';
}

/* The commands in the client's buffer: 0, 1 when it asked to stop (DONE:),
 * -1 with *why when it said something that is not the protocol. */
static int client_commands(struct argus_server *s, struct client *c, const char **why)
{
	size_t off = 0;

	for (;;) {
		const char *arg;
		size_t used, arglen;
		enum argus_remote_cmd cmd = argus_remote_cmd_next(c->cmd + off, c->cmd_len - off, &used,
								  &arg, &arglen);
		char expr[CMD_MAX + 1], ferr[256] = "", shown[200];
		void *prog = NULL;
		int ok;

		switch (cmd) {
		case ARGUS_REMOTE_NONE:
			break;
		case ARGUS_REMOTE_START:
			if (c->state == WAITING) {
				c->state = STARTED;
				argus_log(ARGUS_LOG_INFO, "client %s started", c->name);
			}
			break;
		case ARGUS_REMOTE_DONE:
			c->cmd_len = 0;
			return 1;
		case ARGUS_REMOTE_FILTER:
			if (++c->filters > MAX_FILTERS) {
				*why = "too many FILTER: commands, closed";
				return -1;
			}
			while (arglen && (*arg == ' ' || *arg == '\t')) {
				arg++;
				arglen--;
			}
			while (arglen && (arg[arglen - 1] == '\r' || arg[arglen - 1] == ' '))
				arglen--;
			memcpy(expr, arg, arglen);
			expr[arglen] = '\0';
			ok = s->cfg.filter_ops &&
			     s->cfg.filter_ops->compile(s->cfg.filter_state, expr, &prog, ferr,
							sizeof ferr) == 0;
			printable(expr, arglen, shown, sizeof shown);
			if (ok) {
				if (c->filter)
					s->cfg.filter_ops->free(c->filter);
				c->filter = prog;
				argus_log(ARGUS_LOG_INFO, "client %s: filter '%s'", c->name, shown);
			} else {
				argus_log(ARGUS_LOG_WARNING, "client %s: filter '%s' refused: %s",
					  c->name, shown, ferr[0] ? ferr : "no filter module");
			}
			queue_bytes(c, ok ? "OK" : "ER", 2);
			break;
		case ARGUS_REMOTE_GARBAGE: {
			static char text[160];
			char start[100];
			const char *bad = c->cmd + off + used;
			size_t badlen = c->cmd_len - off - used;
			printable(bad, badlen < 24 ? badlen : 24, start, sizeof start);
			snprintf(text, sizeof text, "not the Argus protocol ('%s'), closed", start);
			*why = text;
			return -1;
		}
		}
		off += used;
		if (cmd == ARGUS_REMOTE_NONE)
			break;
	}
	memmove(c->cmd, c->cmd + off, c->cmd_len - off);
	c->cmd_len -= off;
	return 0;
}

/* Read what the client sent; -1 with *why when it has to go. */
/* Read once what the client sent (one read per turn of the capture loop:
 * a client that never stops talking must not keep argus from capturing);
 * -1 with *why when it has to go. */
static int client_read(struct argus_server *s, struct client *c, const char **why)
{
	ssize_t n;
	int rc;

	if (c->cmd_len == sizeof c->cmd) {
		*why = "command too long, closed";
		return -1;
	}
	n = recv(c->fd, c->cmd + c->cmd_len, sizeof c->cmd - c->cmd_len, MSG_DONTWAIT);
	if (n == 0) {
		*why = NULL;
		return -1;
	}
	if (n < 0) {
		if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		*why = strerror(errno);
		return -1;
	}
	c->cmd_len += (size_t)n;
	rc = client_commands(s, c, why);
	if (rc < 0)
		return -1;
	if (rc > 0)
		c->state = DONE; /* close once its queue is sent */
	return 0;
}

size_t argus_server_pollfds(const struct argus_server *s, struct pollfd *pfd)
{
	size_t n = 0;

	for (size_t i = 0; i < s->n_listen; i++) {
		pfd[n].fd = s->listen_fd[i];
		pfd[n].events = POLLIN;
		pfd[n++].revents = 0;
	}
	for (size_t i = 0; i < s->n_clients; i++) {
		const struct client *c = s->clients[i];
		pfd[n].fd = c->fd;
		pfd[n].events = (short)((c->state != DONE ? POLLIN : 0) | (c->len ? POLLOUT : 0));
		pfd[n++].revents = 0;
	}
	return n;
}

static struct client *client_by_fd(const struct argus_server *s, int fd, size_t *index)
{
	for (size_t i = 0; i < s->n_clients; i++)
		if (s->clients[i]->fd == fd) {
			*index = i;
			return s->clients[i];
		}
	return NULL;
}

void argus_server_serve(struct argus_server *s, const struct pollfd *pfd, size_t n,
			int64_t now)
{
	for (size_t k = 0; k < n; k++) {
		struct client *c;
		const char *why = NULL;
		size_t i;

		if (!pfd[k].revents)
			continue;
		if (k < s->n_listen && pfd[k].fd == s->listen_fd[k]) {
			client_accept(s, pfd[k].fd, now);
			continue;
		}
		c = client_by_fd(s, pfd[k].fd, &i);
		if (!c)
			continue;
		if ((pfd[k].revents & (POLLIN | POLLHUP | POLLERR)) && c->state != DONE &&
		    client_read(s, c, &why) != 0) {
			client_drop(s, i, why);
			continue;
		}
		if ((pfd[k].revents & POLLOUT) && client_send(c, &why) != 0) {
			client_drop(s, i, why);
			continue;
		}
	}
	for (size_t i = 0; i < s->n_clients;) {
		struct client *c = s->clients[i];
		if (c->state == WAITING && now - c->connected_us > s->cfg.start_timeout_us) {
			client_drop(s, i, "never started: timed out");
			continue;
		}
		if (c->state == DONE && c->len == 0) {
			client_drop(s, i, NULL);
			continue;
		}
		if (c->len == 0)
			c->progress_us = now;
		else if (now - c->progress_us > STALL_TIMEOUT_US) {
			client_drop(s, i, "read nothing for 60 s, closed");
			continue;
		}
		i++;
	}
}

/* ---- the record stream --------------------------------------------------------- */

static void client_lost(struct argus_server *s, struct client *c)
{
	c->dropped++;
	s->dropped++;
	if (!c->dropping) {
		c->dropping = 1;
		argus_log(ARGUS_LOG_WARNING,
			  "client %s is not keeping up: its queue of %zu bytes is full, dropping records",
			  c->name, c->cap);
	}
}

static void record_mar(struct argus_server *s, const struct argus_record *rec)
{
	uint32_t started = (uint32_t)started_clients(s);

	for (size_t i = 0; i < s->n_clients; i++) {
		struct client *c = s->clients[i];
		long n;

		if (c->state != STARTED)
			continue;
		/* the client's own view: its queue and what it lost */
		s->scratch = *rec;
		s->scratch.mar.clients = started;
		s->scratch.mar.queue = (uint32_t)(c->len > UINT32_MAX ? UINT32_MAX : c->len);
		s->scratch.mar.bufs = (uint32_t)(c->dropped > UINT32_MAX ? UINT32_MAX : c->dropped);
		n = s->cfg.encode(s->cfg.encode_state, &s->scratch, 0, s->buf, sizeof s->buf);
		if (n <= 0)
			continue;
		if (c->cap - c->len < (size_t)n)
			client_lost(s, c);
		else {
			ring_put(c, s->buf, (size_t)n);
			c->sent++;
		}
	}
}

void argus_server_record(struct argus_server *s, const struct argus_record *rec)
{
	long n = -1;

	if (rec->kind == ARGUS_RECORD_MAR) {
		record_mar(s, rec);
		return;
	}
	for (size_t i = 0; i < s->n_clients; i++) {
		struct client *c = s->clients[i];

		if (c->state != STARTED)
			continue;
		if (c->filter && !s->cfg.filter_ops->match(c->filter, rec))
			continue;
		if (n < 0) {
			n = s->cfg.encode(s->cfg.encode_state, rec, 0, s->buf, sizeof s->buf);
			if (n <= 0)
				return;
		}
		if (c->cap - c->len < (size_t)n + MAR_RESERVE) {
			client_lost(s, c);
			continue;
		}
		if (c->dropping && c->cap - c->len > c->cap / 2)
			c->dropping = 0; /* caught up: say so again if it falls behind */
		ring_put(c, s->buf, (size_t)n);
		c->sent++;
	}
}

size_t argus_server_clients(const struct argus_server *s) { return s->n_clients; }

uint64_t argus_server_dropped(const struct argus_server *s) { return s->dropped; }

void argus_server_close(struct argus_server *s, int64_t wait_us)
{
	int64_t deadline = now_us() + wait_us;

	if (!s)
		return;
	for (;;) {
		struct pollfd pfd[ARGUS_SERVER_MAX_CLIENTS];
		nfds_t n = 0;
		int64_t left = deadline - now_us();

		for (size_t i = 0; i < s->n_clients; i++)
			if (s->clients[i]->len && s->clients[i]->state != WAITING) {
				pfd[n].fd = s->clients[i]->fd;
				pfd[n].events = POLLOUT;
				pfd[n++].revents = 0;
			}
		if (n == 0 || left <= 0)
			break;
		if (poll(pfd, n, (int)(left / 1000) + 1) < 0 && errno != EINTR)
			break;
		for (nfds_t k = 0; k < n; k++) {
			const char *why = NULL;
			size_t i;
			struct client *c = client_by_fd(s, pfd[k].fd, &i);
			if (c && pfd[k].revents && client_send(c, &why) != 0)
				client_drop(s, i, why);
		}
	}
	while (s->n_clients)
		client_drop(s, s->n_clients - 1, NULL);
	for (size_t i = 0; i < s->n_listen; i++)
		close(s->listen_fd[i]);
	free(s);
}
