/* The flow table: bidirectional flows keyed on addresses, protocol and the
 * decoder's ports or identifiers; packet time drives status reports, idle
 * timeouts and closes; every packet lands in some emitted record. */
#ifndef ARGUS_CORE_FLOWTABLE_H
#define ARGUS_CORE_FLOWTABLE_H

#include <stddef.h>
#include <stdint.h>

#include <argus/plugin.h>

#include "dissect.h"

struct argus_flowtable;

struct argus_flowtable_config {
	uint32_t status_interval_s; /* 0: no status reports */
	uint32_t max_flows;         /* cap on live flows: the oldest idle is emitted early */
	uint32_t ip_timeout_s;      /* IP protocols without a decoder */
	uint32_t nonip_timeout_s;   /* non-IP Ethernet flows */
	uint32_t frag_timeout_s;    /* how long a first fragment's flow is remembered */
	int want_mac;               /* put the MAC section into records */
	struct argus_srcid srcid;
};

/* Receives every record; a negative return (output failure) makes
 * argus_flowtable_failed() true. */
typedef int (*argus_emit_fn)(void *ctx, const struct argus_record *rec);

struct argus_flowtable_stats {
	uint64_t packets;   /* packets given to the table */
	uint64_t bytes;     /* their wire bytes */
	uint64_t malformed; /* packets no flow could be keyed for */
	uint64_t flows;     /* flows created */
	uint64_t live;      /* flows in the table now */
	uint64_t records;   /* flow records emitted */
	uint64_t evicted;   /* flows emitted early because of the cap */
};

struct argus_flowtable *argus_flowtable_new(const struct argus_flowtable_config *cfg,
					    argus_emit_fn emit, void *ctx, char *err, size_t errlen);
/* Register a decoder before the first packet; idle_timeout_s overrides the
 * decoder's default.  Two decoders claiming one protocol: the first wins. */
int argus_flowtable_add_decoder(struct argus_flowtable *ft, const char *name,
				const struct argus_decoder_ops *ops, void *state,
				uint32_t idle_timeout_s, char *err, size_t errlen);
void argus_flowtable_packet(struct argus_flowtable *ft, enum argus_dissect_result kind,
			    const struct argus_packet *pkt);
/* Run the timers up to NOW (packet time); called by _packet too. */
void argus_flowtable_advance(struct argus_flowtable *ft, int64_t now_us);
/* Emit every live flow and empty the table (end of input, signal). */
void argus_flowtable_flush(struct argus_flowtable *ft);
const struct argus_flowtable_stats *argus_flowtable_stats(const struct argus_flowtable *ft);
int argus_flowtable_failed(const struct argus_flowtable *ft);
void argus_flowtable_free(struct argus_flowtable *ft);

#endif
