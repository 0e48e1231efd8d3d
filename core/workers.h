/* argus --threads N on capture files: N worker threads each read every
 * file and own the flows of one share of the packets (flowtable.h,
 * struct argus_flowtable_share).  Every worker sees every packet's time,
 * so flow records are those of one thread, in another order: records are
 * numbered as they are written, and a status MAR is written once every
 * worker has reached its packet, with the counters of all of them then.
 * Records are numbered as they are made; when the workers encode their
 * own (see encode below) the output takes them a block at a time, so a
 * MAR can come before a record made ahead of it. */
#ifndef ARGUS_CORE_WORKERS_H
#define ARGUS_CORE_WORKERS_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "monitor.h"

/* Tables per monitor leave room for the single-thread table. */
#define ARGUS_WORKERS_MAX 16

struct argus_workers_config {
	unsigned threads; /* 2 to ARGUS_WORKERS_MAX */
	const char *const *inputs; /* capture files, read in order; not "-" */
	size_t n_inputs;
	const char *bpf; /* capture filter or NULL */
	int optimize;
	/* set (by a signal) to stop reading */
	const volatile sig_atomic_t *stop;
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

/* Read the inputs with CFG's tables, one per worker, added to M; their
 * flows are flushed at the end.  0, 1 if an input could not be read
 * (reported), or -1 (reported) when the workers could not be set up. */
int argus_workers_run(struct argus_monitor *m, const struct argus_flowtable_config *cfg,
		      const struct argus_workers_config *wc);

#endif
