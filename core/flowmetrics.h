/* Optional per-flow metrics, kept apart from the flow entry so that a table
 * without -J, -Z or -U pays nothing: inter-packet time statistics (-J),
 * packet size range (-Z) and the first payload bytes of each direction
 * (-U).  The flow table keeps one block of argus_fm.size bytes per flow in a
 * pool parallel to its flow pool; nothing here allocates. */
#ifndef ARGUS_CORE_FLOWMETRICS_H
#define ARGUS_CORE_FLOWMETRICS_H

#include <stddef.h>
#include <stdint.h>

#include <argus/record.h>

struct argus_fm {
	size_t size;        /* bytes per flow, 0 when no metric is on */
	size_t jit_off, psize_off, user_off;
	uint32_t user_len;  /* -U: bytes kept per direction (0 = off) */
	int jitter, psize;
	int64_t jit_limit_us; /* intervals at or above it are not counted */
};

/* Lay out the block for the options; status_interval_s bounds the jitter
 * intervals as in Argus (twice the interval; 0 counts none). */
void argus_fm_setup(struct argus_fm *fm, int jitter, int psize, uint32_t user_len,
		    uint32_t status_interval_s);
/* A new flow. */
void argus_fm_init(const struct argus_fm *fm, void *m);
/* One packet of direction dir (ARGUS_DIR_*): wirelen is the frame length;
 * active is Argus's "in protocol" verdict (active or idle statistics);
 * payload/captured/wire delimit the application payload (NULL: none). */
void argus_fm_packet(const struct argus_fm *fm, void *m, int dir, int64_t ts_us, uint32_t wirelen,
		     int active, const uint8_t *payload, uint32_t captured, uint32_t wire);
/* Put the sections of the current report into rec. */
void argus_fm_fill(const struct argus_fm *fm, const void *m, struct argus_record *rec);
/* A record was emitted and the flow goes on: start the next report (the
 * time of each direction's last packet is kept, as Argus keeps it). */
void argus_fm_report_done(const struct argus_fm *fm, void *m);

#endif
