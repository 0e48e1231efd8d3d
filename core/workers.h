/* argus --threads N: N worker threads each own the flows of one share of
 * the packets (flowtable.h, struct argus_flowtable_share).
 *
 * Capture files: every worker reads every file, so every worker sees
 * every packet's time and flow records are those of one thread, in
 * another order: records are numbered as they are written, and a status
 * MAR is written once every worker has reached its packet, with the
 * counters of all of them then.  When the workers encode their own (see
 * encode below) the output takes them a block at a time, so a MAR can
 * come before a record made ahead of it.
 *
 * Live interfaces: each worker opens every interface, and the sockets of
 * one interface form a kernel fanout group whose program sends each IP
 * packet to the worker owning its flow (capture.h).  A packet the program
 * could not place (not IP at the network layer, a tunnel, IGMP keyed by
 * its group) is copied to its owner, as is an ICMP error's mapping onto a
 * flow of another share.  Each worker keeps time by its own packets and
 * the wall clock; status MARs are written once every worker has reached
 * them, as for files.  Packets stamped before the last socket of a group
 * joined it are left out (each socket sees every packet until it joins). */
#ifndef ARGUS_CORE_WORKERS_H
#define ARGUS_CORE_WORKERS_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "monitor.h"

/* Tables per monitor leave room for the single-thread table. */
#define ARGUS_WORKERS_MAX 16

struct argus_live_opts;

struct argus_workers_config {
	unsigned threads; /* 2 to ARGUS_WORKERS_MAX */
	const char *const *inputs; /* capture files, read in order; not "-" */
	size_t n_inputs;
	/* or live interfaces (n_inputs 0), opened with live */
	const char *const *ifaces;
	size_t n_ifaces;
	const struct argus_live_opts *live;
	const char *bpf; /* capture filter or NULL */
	int optimize;
	/* set (by a signal) to stop reading */
	const _Atomic int *stop;
	/* give worker WORKER's table its decoders; 0, or -1 (reported) */
	int (*attach)(void *ctx, struct argus_flowtable *ft, unsigned worker);
	/* run by the first worker between blocks of packets, with the output
	 * locked: the current file (index in inputs), bytes of it read,
	 * packets handled in it */
	void (*between_blocks)(void *ctx, size_t file, uint64_t offset, uint64_t packets,
			       uint64_t file_size);
	/* Optional: each worker encodes its flow records itself, with
	 * encode() and the state encoder_state gives it (a binary output
	 * without a -w filter or remote clients), and the output takes them
	 * in large blocks.  NULL: every record goes through the monitor. */
	long (*encode)(void *state, const struct argus_record *rec, int first, uint8_t *buf,
		       size_t cap);
	int (*encoder_state)(void *ctx, unsigned worker, void **state); /* 0 or -1 (reported) */
	void *ctx;
};

struct argus_workers;

/* Read the inputs with CFG's tables, one per worker, added to M; their
 * flows are flushed at the end.  0, 1 if an input could not be read
 * (reported), or -1 (reported) when the workers could not be set up. */
int argus_workers_run(struct argus_monitor *m, const struct argus_flowtable_config *cfg,
		      const struct argus_workers_config *wc);

/* Live interfaces, in three steps: set up the tables and open the
 * interfaces (as root, before a daemon detaches: NULL when they could not
 * be, reported); start the threads; when *wc->stop is set, wait for them
 * to flush their flows and end (0, or -1 when they could not start).
 * Between start and finish the monitor's output belongs to the workers:
 * another thread writes to it or reads its counters only under lock. */
struct argus_workers *argus_workers_open_live(struct argus_monitor *m,
					      const struct argus_flowtable_config *cfg,
					      const struct argus_workers_config *wc);
int argus_workers_start(struct argus_workers *g);
int argus_workers_finish(struct argus_workers *g);
void argus_workers_lock(struct argus_workers *g);
void argus_workers_unlock(struct argus_workers *g);
/* The output failed: the workers are stopping. */
int argus_workers_failed(struct argus_workers *g);
/* The kernel's counts over every worker's sockets, as last read by the
 * workers (about once a second); call under lock. */
void argus_workers_capture_stats(struct argus_workers *g, uint64_t *received, uint64_t *dropped);

#endif
