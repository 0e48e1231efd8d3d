/* argus --threads: worker threads over capture files (workers.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "ifspec.h"
#include "log.h"
#include "workers.h"

/* ICMP error mappings from one worker to another, in packet order. */
#define RELAY_SLOTS 256
struct relay_ring {
	_Alignas(64) _Atomic uint64_t head; /* next to take */
	_Alignas(64) _Atomic uint64_t tail; /* next to fill */
	struct argus_flow_related slot[RELAY_SLOTS];
};

/* A status MAR waiting for every worker to reach its packet. */
struct pending_mar {
	int64_t now_us;
	unsigned arrived;
	struct argus_flowtable_stats sum;
	uint64_t written; /* flow records the workers had written then */
};

struct argus_workers;
struct worker;

/* Live: a worker's socket on one interface. */
struct live_socket {
	struct argus_capture cap;
	struct worker *w;
	size_t iface;
	int64_t cut_us;      /* packets stamped before it are left out */
	int64_t retry_at_us; /* closed after a failure: when to open it again */
	uint64_t old_received, old_dropped; /* the kernel's counts of earlier openings */
};

/* Live: packets and mappings passed on to another worker, as messages
 * (struct pass_msg, then the packet's bytes or the mapping, padded to 8). */
struct pass_buf {
	uint8_t *data;
	size_t len, cap;
};
struct pass_block {
	struct pass_block *next;
	size_t len;
	_Alignas(8) uint8_t data[];
};
enum { PASS_PACKET, PASS_RELATED };
struct pass_msg {
	uint32_t kind, caplen, len;
	int32_t dlt;
	int64_t sec, usec;
};
/* What others passed on to a worker, and a pipe to wake it. */
struct inbox {
	pthread_mutex_t lock;
	struct pass_block *head, *tail;
	size_t bytes;
	int wake[2];
};
/* A worker waits (taking its own inbox meanwhile) while another's holds
 * more than this. */
#define INBOX_MAX (64u << 20)

struct worker {
	struct argus_workers *g;
	unsigned index;
	pthread_t thread;
	struct argus_monitor_input *in;
	uint64_t written; /* flow records written (under the lock) */
	uint64_t mars;    /* status MARs reached */
	int status;       /* 1: an input could not be read */
	char err[1024];   /* the first such error */
	_Atomic int done; /* read everything it will read */
	int encoding;     /* it encodes its records (workers_config.encode) */
	void *encoder;    /* with this encode() state */
	uint8_t *out;     /* records it encoded, not yet written */
	size_t out_len;
	uint64_t out_records;
	struct argus_flowtable_stats published; /* the table's counters (under the lock) */
	/* live */
	struct live_socket *socks; /* one per interface */
	struct pass_buf pass[ARGUS_WORKERS_MAX]; /* to each other worker */
	struct inbox inbox;
	uint64_t received, dropped; /* the kernel's counts (under the lock) */
	int64_t counted_at_us;
	uint64_t left_out; /* stamped before the cut */
	uint64_t lost;     /* could not be passed on (out of memory) */
};

/* A worker's encoded records go out in blocks of about this size. */
#define OUT_BLOCK (256 * 1024)

struct argus_workers {
	struct argus_monitor *m;
	const struct argus_workers_config *wc;
	unsigned n;
	pthread_mutex_t lock; /* the monitor's output and what follows */
	struct worker w[ARGUS_WORKERS_MAX];
	struct relay_ring *rings; /* [from * n + to] */
	_Atomic uint32_t seq;     /* flow records numbered as made */
	uint64_t records_base;    /* records written before the workers began */
	struct pending_mar *mars; /* from the oldest one not written */
	size_t n_mars, cap_mars;
	uint64_t mars_written;
	_Atomic int abort; /* output failed: every worker stops */
	_Atomic unsigned started;
	/* live */
	int live;
	uint16_t groups[ARGUS_IFSPEC_MAX]; /* fanout group per interface */
	_Atomic unsigned passed_last; /* workers done passing packets on */
};

/* Write what the worker has encoded. */
static int worker_drain(struct worker *w)
{
	struct argus_workers *g = w->g;
	int rc = 0;

	if (w->out_len) {
		pthread_mutex_lock(&g->lock);
		rc = argus_monitor_write_encoded(g->m, w->out, w->out_len, w->out_records);
		pthread_mutex_unlock(&g->lock);
		w->out_len = 0;
		w->out_records = 0;
	}
	if (rc != 0)
		atomic_store(&g->abort, 1);
	return rc;
}

static int worker_emit(void *ctx, const struct argus_record *rec)
{
	struct worker *w = ctx;
	struct argus_workers *g = w->g;
	/* the table's own scratch record, numbered here */
	struct argus_record *r = (struct argus_record *)(uintptr_t)rec;
	uint64_t before;
	int rc;

	r->seq = atomic_fetch_add(&g->seq, 1) + 1;
	if (w->encoding) {
		long n;
		if (OUT_BLOCK - w->out_len < ARGUS_ENCODE_MAX && worker_drain(w) != 0)
			return -1;
		n = g->wc->encode(w->encoder, r, 0, w->out + w->out_len, OUT_BLOCK - w->out_len);
		if (n < 0) {
			argus_log(ARGUS_LOG_ERROR, "cannot encode a flow record (error %ld)", n);
			atomic_store(&g->abort, 1);
			return -1;
		}
		w->out_len += (size_t)n;
		w->out_records++;
		w->written++;
		return atomic_load(&g->abort) ? -1 : 0;
	}
	pthread_mutex_lock(&g->lock);
	before = g->m->records;
	rc = argus_monitor_write_flow(g->m, r);
	w->written += g->m->records - before;
	pthread_mutex_unlock(&g->lock);
	if (rc != 0)
		atomic_store(&g->abort, 1);
	return rc;
}

static struct worker *worker_of(struct argus_workers *g, const struct argus_monitor_input *in)
{
	for (unsigned i = 0; i < g->n; i++)
		if (g->w[i].in == in)
			return &g->w[i];
	return NULL;
}

/* The worker's counters, for MARs the monitor writes meanwhile (a new
 * output's or a new client's first). */
static void worker_publish(struct worker *w)
{
	pthread_mutex_lock(&w->g->lock);
	w->published = *argus_flowtable_stats(w->in->ft);
	pthread_mutex_unlock(&w->g->lock);
}

/* Write the MARs every worker has reached, oldest first.  Records before
 * a MAR: those before the workers began, the status MARs since, and each
 * worker's flow records then. */
static void write_ready_mars(struct argus_workers *g)
{
	size_t done = 0;

	while (done < g->n_mars && g->mars[done].arrived == g->n) {
		struct pending_mar *p = &g->mars[done++];
		if (argus_monitor_write_status_mar(g->m, p->now_us, &p->sum,
						   g->records_base + g->mars_written +
							   p->written) != 0)
			atomic_store(&g->abort, 1);
		g->mars_written++;
	}
	if (done) {
		memmove(g->mars, g->mars + done, (g->n_mars - done) * sizeof *g->mars);
		g->n_mars -= done;
	}
}

static void worker_status_mar(struct argus_monitor_input *in, int64_t now_us)
{
	struct argus_workers *g = in->m->workers;
	struct worker *w = worker_of(g, in);
	struct pending_mar *p;
	size_t at;

	pthread_mutex_lock(&g->lock);
	at = (size_t)(w->mars++ - g->mars_written);
	if (at >= g->cap_mars) {
		size_t cap = g->cap_mars ? g->cap_mars * 2 : 16;
		struct pending_mar *grown = realloc(g->mars, cap * sizeof *grown);
		if (!grown) {
			/* this MAR cannot be kept: the stream goes on without it */
			argus_log(ARGUS_LOG_ERROR, "out of memory for a status MAR");
			atomic_store(&g->abort, 1);
			pthread_mutex_unlock(&g->lock);
			return;
		}
		g->mars = grown;
		g->cap_mars = cap;
	}
	while (g->n_mars <= at) {
		memset(&g->mars[g->n_mars], 0, sizeof g->mars[0]);
		g->mars[g->n_mars++].now_us = now_us;
	}
	p = &g->mars[at];
	argus_flowtable_stats_add(&p->sum, argus_flowtable_stats(in->ft));
	p->written += w->written;
	p->arrived++;
	write_ready_mars(g);
	pthread_mutex_unlock(&g->lock);
}

static int stopping(const struct argus_workers *g)
{
	return atomic_load(&g->abort) || *g->wc->stop;
}

static void relay_send(void *ctx, uint32_t to, const struct argus_flow_related *rel)
{
	struct worker *w = ctx;
	struct argus_workers *g = w->g;
	struct relay_ring *r = &g->rings[w->index * g->n + to];
	uint64_t t = atomic_load_explicit(&r->tail, memory_order_relaxed);

	while (t - atomic_load_explicit(&r->head, memory_order_acquire) == RELAY_SLOTS) {
		if (stopping(g) || atomic_load(&g->w[to].done))
			return;
		sched_yield();
	}
	r->slot[t % RELAY_SLOTS] = *rel;
	atomic_store_explicit(&r->tail, t + 1, memory_order_release);
}

/* The mapping FROM sent for PACKET.  Both sides number packets alike and
 * go in packet order, so the next message is it; a worker waits only for
 * one that has not reached this packet, so no two wait for each other. */
static int relay_receive(void *ctx, uint32_t from, uint64_t packet, struct argus_flow_related *out)
{
	struct worker *w = ctx;
	struct argus_workers *g = w->g;
	struct relay_ring *r = &g->rings[from * g->n + w->index];

	for (;;) {
		uint64_t h = atomic_load_explicit(&r->head, memory_order_relaxed);
		if (h != atomic_load_explicit(&r->tail, memory_order_acquire)) {
			const struct argus_flow_related *next = &r->slot[h % RELAY_SLOTS];
			if (next->packet > packet)
				return 0;
			*out = *next;
			atomic_store_explicit(&r->head, h + 1, memory_order_release);
			if (out->packet == packet)
				return 1;
			continue;
		}
		if (atomic_load(&g->w[from].done) &&
		    h == atomic_load_explicit(&r->tail, memory_order_acquire))
			return 0;
		if (stopping(g))
			return 0;
		sched_yield();
	}
}

/* Read one file; 0 at its end, 1 when it could not be read. */
static int worker_file(struct worker *w, size_t file)
{
	struct argus_workers *g = w->g;
	const struct argus_workers_config *wc = g->wc;
	struct argus_capture cap;
	uint64_t packets = 0;
	int status = 0;

	if (argus_capture_open_file(&cap, wc->inputs[file], wc->bpf, wc->optimize, w->err,
				    sizeof w->err) != 0)
		return 1;
	while (!stopping(g)) {
		int eof;
		int n = argus_capture_dispatch(&cap, argus_monitor_packets, w->in, &eof, w->err,
					       sizeof w->err);
		if (n < 0) {
			status = 1;
			break;
		}
		if (eof)
			break;
		packets += (uint64_t)n;
		worker_publish(w);
		if (w->index == 0 && wc->between_blocks) {
			pthread_mutex_lock(&g->lock);
			wc->between_blocks(wc->ctx, file, argus_capture_offset(&cap), packets,
					   cap.file_size);
			pthread_mutex_unlock(&g->lock);
		}
	}
	argus_capture_close(&cap);
	return status;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct argus_workers *g = w->g;

	for (size_t i = 0; i < g->wc->n_inputs && !stopping(g); i++) {
		if (worker_file(w, i) != 0) {
			if (w->index == 0)
				argus_log(ARGUS_LOG_ERROR, "%s", w->err);
			w->status = 1;
		}
	}
	atomic_store(&w->done, 1);
	argus_flowtable_flush(w->in->ft);
	worker_drain(w);
	return NULL;
}

/* ---- live interfaces ---- */

static size_t pass_msg_size(const struct pass_msg *msg)
{
	size_t body = msg->kind == PASS_PACKET ? msg->caplen : sizeof(struct argus_flow_related);
	return sizeof *msg + ((body + 7) & ~(size_t)7);
}

/* The messages in B (those lost when it cannot be handed over). */
static uint64_t pass_count(const struct pass_buf *b)
{
	uint64_t n = 0;

	for (size_t at = 0; at < b->len; n++) {
		struct pass_msg msg;
		memcpy(&msg, b->data + at, sizeof msg);
		at += pass_msg_size(&msg);
	}
	return n;
}

static int pass_put(struct worker *w, uint32_t to, const struct pass_msg *msg, const void *body,
		    size_t n)
{
	struct pass_buf *b = &w->pass[to];
	size_t need = pass_msg_size(msg);

	if (b->cap - b->len < need) {
		size_t cap = b->cap ? b->cap : 64 * 1024;
		uint8_t *grown;
		while (cap - b->len < need)
			cap *= 2;
		if (!(grown = realloc(b->data, cap))) {
			w->lost++;
			return -1;
		}
		b->data = grown;
		b->cap = cap;
	}
	memcpy(b->data + b->len, msg, sizeof *msg);
	memcpy(b->data + b->len + sizeof *msg, body, n);
	b->len += need;
	return 0;
}

/* A packet of another share (argus_monitor_input's forward). */
static void pass_packet(struct argus_monitor_input *in, uint32_t owner, int dlt,
			const struct pcap_pkthdr *h, const uint8_t *data)
{
	struct pass_msg msg;

	msg.kind = PASS_PACKET;
	msg.caplen = h->caplen;
	msg.len = h->len;
	msg.dlt = dlt;
	msg.sec = h->ts.tv_sec;
	msg.usec = h->ts.tv_usec;
	pass_put(worker_of(in->m->workers, in), owner, &msg, data, h->caplen);
}

/* An ICMP error's mapping onto a flow of share TO (send_related). */
static void pass_related(void *ctx, uint32_t to, const struct argus_flow_related *rel)
{
	struct pass_msg msg;

	memset(&msg, 0, sizeof msg);
	msg.kind = PASS_RELATED;
	pass_put(ctx, to, &msg, rel, sizeof *rel);
}

/* Take what others passed on: their packets go into the table in order,
 * a run at a time, and their mappings between them. */
static void inbox_take(struct worker *w)
{
	struct pcap_pkthdr h[64];
	const uint8_t *data[64];
	struct pass_block *b, *next;
	unsigned n = 0;
	int dlt = -1;
	char drain[64];

	while (read(w->inbox.wake[0], drain, sizeof drain) > 0)
		;
	pthread_mutex_lock(&w->inbox.lock);
	b = w->inbox.head;
	w->inbox.head = w->inbox.tail = NULL;
	w->inbox.bytes = 0;
	pthread_mutex_unlock(&w->inbox.lock);
	for (; b; b = next) {
		for (size_t at = 0; at < b->len;) {
			struct pass_msg msg;
			const uint8_t *body = b->data + at + sizeof msg;
			memcpy(&msg, b->data + at, sizeof msg);
			at += pass_msg_size(&msg);
			if (n && (msg.kind != PASS_PACKET || msg.dlt != dlt || n == 64)) {
				argus_monitor_packets(w->in, dlt, h, data, n);
				n = 0;
			}
			if (msg.kind == PASS_RELATED) {
				struct argus_flow_related rel;
				memcpy(&rel, body, sizeof rel);
				argus_flowtable_take_related(w->in->ft, &rel);
				continue;
			}
			dlt = msg.dlt;
			h[n].ts.tv_sec = (time_t)msg.sec;
			h[n].ts.tv_usec = (suseconds_t)msg.usec;
			h[n].caplen = msg.caplen;
			h[n].len = msg.len;
			data[n++] = body;
		}
		if (n) {
			argus_monitor_packets(w->in, dlt, h, data, n);
			n = 0;
		}
		next = b->next;
		free(b);
	}
}

/* Hand what this worker gathered for the others to their inboxes.  While
 * one is full it takes its own, so two never wait for each other; the
 * last pass (LAST) does not wait. */
static void pass_on(struct worker *w, int last)
{
	struct argus_workers *g = w->g;

	for (unsigned to = 0; to < g->n; to++) {
		struct pass_buf *pb = &w->pass[to];
		struct inbox *ib = &g->w[to].inbox;
		struct pass_block *blk;
		if (!pb->len)
			continue;
		if (!(blk = malloc(sizeof *blk + pb->len))) {
			w->lost += pass_count(pb);
			pb->len = 0;
			continue;
		}
		blk->next = NULL;
		blk->len = pb->len;
		memcpy(blk->data, pb->data, pb->len);
		pb->len = 0;
		pthread_mutex_lock(&ib->lock);
		while (!last && !stopping(g) && ib->bytes > INBOX_MAX) {
			pthread_mutex_unlock(&ib->lock);
			inbox_take(w);
			sched_yield();
			pthread_mutex_lock(&ib->lock);
		}
		if (ib->tail)
			ib->tail->next = blk;
		else
			ib->head = blk;
		ib->tail = blk;
		ib->bytes += blk->len;
		pthread_mutex_unlock(&ib->lock);
		if (write(ib->wake[1], "", 1) < 0 && errno != EAGAIN)
			argus_log(ARGUS_LOG_ERROR, "waking thread %u: %s", to + 1, strerror(errno));
	}
}

/* The capture's callback: packets from before the cut are another
 * socket's too. */
static void live_packets(void *ctx, int dlt, const struct pcap_pkthdr *h,
			 const uint8_t *const *data, unsigned n)
{
	struct live_socket *s = ctx;
	unsigned skip = 0;

	while (skip < n && (int64_t)h[skip].ts.tv_sec * 1000000 + h[skip].ts.tv_usec < s->cut_us)
		skip++;
	s->w->left_out += skip;
	if (skip < n)
		argus_monitor_packets_shared(s->w->in, dlt, h + skip, data + skip, n - skip);
}

/* Open the worker's socket on its interface and join the interface's
 * fanout group; 0, or -1 with the message in err. */
static int live_open(struct live_socket *s, char *err, size_t errlen)
{
	struct argus_workers *g = s->w->g;
	const struct argus_workers_config *wc = g->wc;

	if (argus_capture_open_live(&s->cap, wc->ifaces[s->iface], wc->bpf, wc->live, err,
				    errlen) != 0)
		return -1;
	if (argus_capture_join_fanout(&s->cap, &g->groups[s->iface], g->n, err, errlen) != 0) {
		argus_capture_close(&s->cap);
		return -1;
	}
	s->cut_us = argus_monitor_wall_us();
	return 0;
}

static void live_failed(struct live_socket *s, const char *why, int64_t now_us)
{
	uint64_t r, d;

	argus_capture_stats(&s->cap, &r, &d);
	s->old_received += r;
	s->old_dropped += d;
	argus_capture_close(&s->cap);
	s->retry_at_us = now_us + ARGUS_CAPTURE_REOPEN_US;
	if (s->w->index == 0) /* every worker's socket fails alike */
		argus_log(ARGUS_LOG_ERROR, "%s; capture stopped, trying to reopen %s every %d s",
			  why, s->w->g->wc->ifaces[s->iface], ARGUS_CAPTURE_REOPEN_US / 1000000);
}

static void live_retry(struct live_socket *s, int64_t now_us)
{
	char err[1024];

	if (live_open(s, err, sizeof err) != 0) {
		s->retry_at_us = now_us + ARGUS_CAPTURE_REOPEN_US;
		return;
	}
	s->retry_at_us = 0;
	if (s->w->index == 0)
		argus_log(ARGUS_LOG_WARNING, "%s: capture reopened", s->w->g->wc->ifaces[s->iface]);
}

static void live_count(struct worker *w)
{
	uint64_t received = 0, dropped = 0;

	for (size_t k = 0; k < w->g->wc->n_ifaces; k++) {
		struct live_socket *s = &w->socks[k];
		uint64_t r, d;
		argus_capture_stats(&s->cap, &r, &d);
		received += s->old_received + r;
		dropped += s->old_dropped + d;
	}
	pthread_mutex_lock(&w->g->lock);
	w->received = received;
	w->dropped = dropped;
	pthread_mutex_unlock(&w->g->lock);
}

static void *worker_live_main(void *arg)
{
	struct worker *w = arg;
	struct argus_workers *g = w->g;
	size_t n_ifaces = g->wc->n_ifaces;
	int64_t last_idle = argus_monitor_wall_us();

	while (!stopping(g)) {
		struct pollfd pfd[ARGUS_IFSPEC_MAX + 1];
		size_t which[ARGUS_IFSPEC_MAX];
		int64_t now = argus_monitor_wall_us();
		nfds_t nfds = 0;
		int got = 0;

		for (size_t k = 0; k < n_ifaces; k++) {
			struct live_socket *s = &w->socks[k];
			if (!s->cap.pcap && now >= s->retry_at_us)
				live_retry(s, now);
			if (s->cap.pcap) {
				pfd[nfds].fd = s->cap.fd;
				pfd[nfds].events = POLLIN;
				pfd[nfds].revents = 0;
				which[nfds++] = k;
			}
		}
		pfd[nfds].fd = w->inbox.wake[0];
		pfd[nfds].events = POLLIN;
		pfd[nfds].revents = 0;
		if (poll(pfd, nfds + 1, 100) < 0 && errno != EINTR) {
			snprintf(w->err, sizeof w->err, "waiting for packets: %s", strerror(errno));
			if (w->index == 0)
				argus_log(ARGUS_LOG_ERROR, "%s", w->err);
			w->status = 1;
			break;
		}
		for (nfds_t i = 0; i < nfds; i++) {
			struct live_socket *s = &w->socks[which[i]];
			int eof, n;
			if (!pfd[i].revents)
				continue;
			n = argus_capture_dispatch(&s->cap, live_packets, s, &eof, w->err,
						   sizeof w->err);
			if (n < 0)
				live_failed(s, w->err, argus_monitor_wall_us());
			else
				got += n;
		}
		pass_on(w, 0);
		inbox_take(w);
		worker_publish(w);
		now = argus_monitor_wall_us();
		if (now - w->counted_at_us >= 1000000) {
			live_count(w);
			w->counted_at_us = now;
		}
		/* a quiet share's flows time out, and its status MARs come */
		if (got == 0 || now - last_idle >= 1000000) {
			argus_monitor_input_idle(w->in, now);
			last_idle = now;
		}
	}
	/* What the others passed on before they stopped is counted too: their
	 * packets in a first round, then the mappings those packets made.  A
	 * worker that could not start never arrives: the run is failing. */
	for (unsigned round = 1; round <= 2; round++) {
		pass_on(w, 1);
		atomic_fetch_add(&g->passed_last, 1);
		while (atomic_load(&g->passed_last) < round * g->n &&
		       !(atomic_load(&g->abort) && atomic_load(&g->started) < g->n))
			sched_yield();
		inbox_take(w);
	}
	atomic_store(&w->done, 1);
	live_count(w);
	argus_flowtable_flush(w->in->ft);
	return NULL;
}

static int live_setup(struct argus_workers *g)
{
	char err[1024];
	int64_t cut;

	for (unsigned i = 0; i < g->n; i++)
		g->w[i].inbox.wake[0] = g->w[i].inbox.wake[1] = -1;
	for (unsigned i = 0; i < g->n; i++) {
		struct worker *w = &g->w[i];
		if (pipe(w->inbox.wake) != 0 || fcntl(w->inbox.wake[0], F_SETFL, O_NONBLOCK) != 0 ||
		    fcntl(w->inbox.wake[1], F_SETFL, O_NONBLOCK) != 0) {
			argus_log(ARGUS_LOG_ERROR, "a pipe for thread %u: %s", i + 1, strerror(errno));
			return -1;
		}
		w->socks = calloc(g->wc->n_ifaces, sizeof *w->socks);
		if (!w->socks) {
			argus_log(ARGUS_LOG_ERROR, "out of memory for %u threads", g->n);
			return -1;
		}
		w->in->share = i;
		w->in->forward = pass_packet;
	}
	/* interface by interface, so each group's members join in order */
	for (size_t k = 0; k < g->wc->n_ifaces; k++)
		for (unsigned i = 0; i < g->n; i++) {
			struct live_socket *s = &g->w[i].socks[k];
			s->w = &g->w[i];
			s->iface = k;
			s->cap.fd = -1;
			if (live_open(s, err, sizeof err) != 0) {
				argus_log(ARGUS_LOG_ERROR, "%s", err);
				return -1;
			}
		}
	/* until the last one joined, a socket saw every packet */
	cut = argus_monitor_wall_us();
	for (unsigned i = 0; i < g->n; i++)
		for (size_t k = 0; k < g->wc->n_ifaces; k++)
			g->w[i].socks[k].cut_us = cut;
	return 0;
}

static void live_free(struct argus_workers *g)
{
	for (unsigned i = 0; i < g->n; i++) {
		struct worker *w = &g->w[i];
		struct pass_block *b, *next;
		for (size_t k = 0; w->socks && k < g->wc->n_ifaces; k++)
			argus_capture_close(&w->socks[k].cap);
		free(w->socks);
		for (unsigned j = 0; j < ARGUS_WORKERS_MAX; j++)
			free(w->pass[j].data);
		for (b = w->inbox.head; b; b = next) {
			next = b->next;
			free(b);
		}
		if (w->inbox.wake[0] >= 0)
			close(w->inbox.wake[0]);
		if (w->inbox.wake[1] >= 0)
			close(w->inbox.wake[1]);
	}
}

static int workers_setup(struct argus_workers *g, const struct argus_flowtable_config *cfg)
{
	struct argus_flowtable_config wcfg = *cfg;
	char err[1024];

	for (unsigned i = 0; i < g->n; i++)
		pthread_mutex_init(&g->w[i].inbox.lock, NULL);
	/* the cap is on the flows of all of them */
	wcfg.max_flows = (cfg->max_flows + g->n - 1) / g->n;
	g->rings = calloc((size_t)g->n * g->n, sizeof *g->rings);
	if (!g->rings) {
		argus_log(ARGUS_LOG_ERROR, "out of memory for %u threads", g->n);
		return -1;
	}
	for (unsigned i = 0; i < g->n; i++) {
		struct worker *w = &g->w[i];
		struct argus_flowtable_share share;
		w->g = g;
		w->index = i;
		w->in = argus_monitor_add_worker(g->m, &wcfg, worker_emit, w, err, sizeof err);
		if (!w->in) {
			argus_log(ARGUS_LOG_ERROR, "%s", err);
			return -1;
		}
		w->in->next_mar_us = INT64_MIN;
		w->in->status_mar = worker_status_mar;
		w->in->published = &w->published;
		if (g->wc->attach(g->wc->ctx, w->in->ft, i) != 0)
			return -1;
		if (g->wc->encode && !g->live) {
			if (g->wc->encoder_state(g->wc->ctx, i, &w->encoder) != 0)
				return -1;
			if (!(w->out = malloc(OUT_BLOCK))) {
				argus_log(ARGUS_LOG_ERROR, "out of memory for %u threads", g->n);
				return -1;
			}
			w->encoding = 1;
		}
		memset(&share, 0, sizeof share);
		share.index = i;
		share.count = g->n;
		share.live = g->live;
		share.ctx = w;
		share.send_related = g->live ? pass_related : relay_send;
		share.receive_related = relay_receive;
		argus_flowtable_set_share(w->in->ft, &share);
	}
	return 0;
}

static struct argus_workers *workers_new(struct argus_monitor *m,
					 const struct argus_flowtable_config *cfg,
					 const struct argus_workers_config *wc, int live)
{
	struct argus_workers *g = calloc(1, sizeof *g);

	if (!g) {
		argus_log(ARGUS_LOG_ERROR, "out of memory for %u threads", wc->threads);
		return NULL;
	}
	g->m = m;
	g->wc = wc;
	g->n = wc->threads;
	g->live = live;
	g->records_base = m->records;
	pthread_mutex_init(&g->lock, NULL);
	m->workers = g;
	if (workers_setup(g, cfg) != 0 || (live && live_setup(g) != 0)) {
		argus_workers_finish(g);
		return NULL;
	}
	return g;
}

struct argus_workers *argus_workers_open_live(struct argus_monitor *m,
					      const struct argus_flowtable_config *cfg,
					      const struct argus_workers_config *wc)
{
	return workers_new(m, cfg, wc, 1);
}

int argus_workers_start(struct argus_workers *g)
{
	for (unsigned i = 0; i < g->n; i++, atomic_fetch_add(&g->started, 1)) {
		int rc = pthread_create(&g->w[i].thread, NULL, g->live ? worker_live_main : worker_main,
					&g->w[i]);
		if (rc != 0) {
			argus_log(ARGUS_LOG_ERROR, "starting thread %u: %s", i + 1, strerror(rc));
			atomic_store(&g->abort, 1);
			return -1;
		}
	}
	return 0;
}

int argus_workers_finish(struct argus_workers *g)
{
	struct argus_monitor *m = g->m;
	uint64_t left_out = 0, lost = 0;
	unsigned started = atomic_load(&g->started);
	int status = started < g->n ? -1 : 0;

	for (unsigned i = 0; i < started; i++)
		pthread_join(g->w[i].thread, NULL);
	for (unsigned i = 0; i < started; i++) {
		struct worker *w = &g->w[i];
		if (w->status)
			status = status < 0 ? status : 1;
		/* every worker reads the same bytes: another's error is news
		 * only when it is not the first one's */
		if (i > 0 && w->status && strcmp(w->err, g->w[0].err) != 0)
			argus_log(ARGUS_LOG_ERROR, "thread %u: %s", i + 1, w->err);
		left_out += w->left_out;
		lost += w->lost;
	}
	if (left_out)
		argus_log(ARGUS_LOG_INFO,
			  "%llu packets captured before every thread's socket was ready were left out",
			  (unsigned long long)left_out);
	if (lost)
		argus_log(ARGUS_LOG_ERROR,
			  "%llu packets or mappings could not be passed to their thread (out of memory)",
			  (unsigned long long)lost);
	if (g->live) {
		uint64_t received, dropped;
		argus_workers_capture_stats(g, &received, &dropped);
		m->pcap_received = received;
		m->pcap_dropped = dropped;
		live_free(g);
	}
	m->workers = NULL;
	for (unsigned i = 0; i < g->n; i++) {
		if (g->w[i].in)
			g->w[i].in->published = NULL; /* the table's own, now final */
		free(g->w[i].out);
		pthread_mutex_destroy(&g->w[i].inbox.lock);
	}
	pthread_mutex_destroy(&g->lock);
	free(g->rings);
	free(g->mars);
	free(g);
	return status;
}

int argus_workers_run(struct argus_monitor *m, const struct argus_flowtable_config *cfg,
		      const struct argus_workers_config *wc)
{
	struct argus_workers *g = workers_new(m, cfg, wc, 0);

	if (!g)
		return -1;
	if (argus_workers_start(g) != 0) {
		argus_workers_finish(g);
		return -1;
	}
	return argus_workers_finish(g);
}

void argus_workers_lock(struct argus_workers *g) { pthread_mutex_lock(&g->lock); }

void argus_workers_unlock(struct argus_workers *g) { pthread_mutex_unlock(&g->lock); }

int argus_workers_failed(struct argus_workers *g) { return atomic_load(&g->abort); }

void argus_workers_capture_stats(struct argus_workers *g, uint64_t *received, uint64_t *dropped)
{
	*received = *dropped = 0;
	for (unsigned i = 0; i < g->n; i++) {
		*received += g->w[i].received;
		*dropped += g->w[i].dropped;
	}
}
