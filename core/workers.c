/* argus --threads: worker threads over capture files (workers.h). */
#include "config.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
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

static int workers_setup(struct argus_workers *g, const struct argus_flowtable_config *cfg)
{
	struct argus_flowtable_config wcfg = *cfg;
	char err[1024];

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
		if (g->wc->attach(g->wc->ctx, w->in->ft, i) != 0)
			return -1;
		if (g->wc->encode) {
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
		share.ctx = w;
		share.send_related = relay_send;
		share.receive_related = relay_receive;
		argus_flowtable_set_share(w->in->ft, &share);
	}
	return 0;
}

int argus_workers_run(struct argus_monitor *m, const struct argus_flowtable_config *cfg,
		      const struct argus_workers_config *wc)
{
	struct argus_workers *g;
	unsigned started = 0;
	int status = 0;

	g = calloc(1, sizeof *g);
	if (!g) {
		argus_log(ARGUS_LOG_ERROR, "out of memory for %u threads", wc->threads);
		return -1;
	}
	g->m = m;
	g->wc = wc;
	g->n = wc->threads;
	g->records_base = m->records;
	pthread_mutex_init(&g->lock, NULL);
	m->workers = g;
	if (workers_setup(g, cfg) != 0)
		status = -1;
	for (unsigned i = 0; i < g->n && status == 0; i++, started++) {
		int rc = pthread_create(&g->w[i].thread, NULL, worker_main, &g->w[i]);
		if (rc != 0) {
			argus_log(ARGUS_LOG_ERROR, "starting thread %u: %s", i + 1, strerror(rc));
			atomic_store(&g->abort, 1);
			status = -1;
		}
	}
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
	}
	m->workers = NULL;
	for (unsigned i = 0; i < g->n; i++)
		free(g->w[i].out);
	pthread_mutex_destroy(&g->lock);
	free(g->rings);
	free(g->mars);
	free(g);
	return status;
}
