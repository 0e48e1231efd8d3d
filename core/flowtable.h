/* The flow table: bidirectional flows keyed on addresses, protocol and the
 * decoder's ports or identifiers; packet time drives status reports, idle
 * timeouts and closes; every packet lands in some emitted record. */
#ifndef ARGUS_CORE_FLOWTABLE_H
#define ARGUS_CORE_FLOWTABLE_H

#include <stddef.h>
#include <stdint.h>

#include <argus/plugin.h>

#include "dissect.h"
#include "share.h"

struct argus_flowtable;

struct argus_flowtable_config {
	uint32_t status_interval_s; /* 0: no status reports */
	uint32_t max_flows;         /* cap on live flows: the oldest idle is emitted early */
	uint32_t ip_timeout_s;      /* IP protocols without a decoder (ARGUS_IP_TIMEOUT) */
	uint32_t igmp_timeout_s;    /* IGMP without a decoder (ARGUS_IGMP_TIMEOUT) */
	uint32_t nonip_timeout_s;   /* non-IP flows without a decoder (ARGUS_OTHER_TIMEOUT) */
	uint32_t frag_timeout_s;    /* how long a first fragment's flow is remembered */
	int want_mac;               /* -m: MAC section (and 'M') in records */
	int want_appbytes;          /* -A: application bytes */
	int want_jitter;            /* -J: inter-packet time statistics */
	int want_psize;             /* -Z: packet size range */
	uint32_t user_len;          /* -U: payload bytes kept per direction (0 = none) */
	/* Argus 3.0.8 timing (ARGUS_TIMEOUT_AT_STATUS): a flow's idle timeout is
	 * looked at only when its status report falls due; 0 = timeouts fire on
	 * time. */
	int timeout_at_status;
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
/* Register a decoder before the first packet.  abi_minor is the module's
 * (the ABI 1.2 members are read only when it is 2 or more); idle_timeout_s
 * overrides the decoder's default.  Two decoders claiming one protocol or
 * ethertype: the first wins. */
int argus_flowtable_add_decoder(struct argus_flowtable *ft, const char *name,
				const struct argus_decoder_ops *ops, unsigned abi_minor, void *state,
				uint32_t idle_timeout_s, char *err, size_t errlen);
void argus_flowtable_packet(struct argus_flowtable *ft, enum argus_dissect_result kind,
			    const struct argus_packet *pkt);

/* A packet's key, found ahead of its turn so that its hash slot and flow
 * entry come into the cache while the packets before it are counted:
 * argus_flowtable_prepare for a run of packets (keys, and the fetch of
 * their slots, then of the first ARGUS_FLOWTABLE_AHEAD entries), then
 * argus_flowtable_packets for the run, which fetches each entry that many
 * packets before its turn.  Keys depend on the packet alone (decoders' key
 * operations have no side effects), so a hint stays right whatever the
 * packets before it do to the table; only the common case (IP, not a
 * fragment) is prepared. */
#define ARGUS_FLOWTABLE_AHEAD 8
struct argus_flow_hint {
	struct argus_flow_key key;
	uint32_t hash;
	uint8_t cls, decoder;
	uint8_t valid;
	uint8_t foreign; /* another share's (argus --threads): key found, not prepared */
};
void argus_flowtable_prepare(const struct argus_flowtable *ft,
			     const enum argus_dissect_result *kind,
			     const struct argus_packet *pkt, struct argus_flow_hint *hint,
			     unsigned n);
/* argus_flowtable_packet for N packets in order, with their hints (or
 * NULL); stops after the first packet whose time is UNTIL_US or later and
 * returns how many it took (N if none). */
unsigned argus_flowtable_packets(struct argus_flowtable *ft, const enum argus_dissect_result *kind,
				 const struct argus_packet *pkt, const struct argus_flow_hint *hint,
				 unsigned n, int64_t until_us);
/* Run the timers up to NOW (packet time); called by _packet too. */
void argus_flowtable_advance(struct argus_flowtable *ft, int64_t now_us);
/* Emit every live flow and empty the table (end of input, signal). */
void argus_flowtable_flush(struct argus_flowtable *ft);
/* Timeouts from the configuration, with Argus's names and defaults:
 * ARGUS_IP_TIMEOUT (30), ARGUS_IGMP_TIMEOUT (30), ARGUS_OTHER_TIMEOUT (30),
 * ARGUS_FRAG_TIMEOUT (5), each 0 to 65534 seconds.  ARGUS_EINVAL with
 * "FILE: line N: VARIABLE: ..." in err for a bad value. */
int argus_flowtable_config_timeouts(struct argus_flowtable_config *cfg, char *err, size_t errlen);
/* A decoder's idle timeout: its default, then Argus's variable for what it
 * claims (ARGUS_TCP_TIMEOUT, ARGUS_ICMP_TIMEOUT, ARGUS_IGMP_TIMEOUT,
 * ARGUS_ARP_TIMEOUT for ARP/RARP, ARGUS_IP_TIMEOUT for other IP protocols,
 * ARGUS_OTHER_TIMEOUT for other ethertypes), then the decoder's own
 * timeout_config variable when it names another one. */
int argus_flowtable_decoder_timeout(const struct argus_decoder_ops *ops, unsigned abi_minor,
				    uint32_t *out, char *err, size_t errlen);
/* argus --threads N: N tables read the same packets, and each owns the
 * flows of one share of them.  The share is a symmetric hash of the two
 * IP addresses of the flow's key (of the whole key for non-IP flows), so
 * both directions of a flow, its fragments, and ICMP errors from its own
 * hosts stay in one table.  (Fragments go by their IP addresses: a
 * fragmented packet of a decoder that keys other addresses, IGMP's
 * group, may land in another table than the flow's whole packets.)
 *
 * Capture files: every table sees every packet's time, so timers and
 * status reports fall as they do in a single table; only the owner counts
 * a packet (malformed packets are share 0's).  An ICMP error quoting a
 * flow of another share is counted by its own flow's owner, which sends
 * the mapping (the error's detail) to the quoted flow's owner; that table
 * takes it at the same packet.
 *
 * Live capture (live set): a table is given only the packets the caller
 * found to be its own (argus_flowtable_live_owner), and counts malformed
 * ones too; an ICMP error's mapping goes to the quoted flow's owner with
 * the quoted key and the error's time, to be taken when it comes
 * (argus_flowtable_take_related). */
struct argus_flow_related {
	uint64_t packet; /* the error's number among all packets, from 1 (files) */
	uint8_t map;     /* 0: the error's owner could not count it (out of memory) */
	uint8_t has_icmp;
	struct argus_icmp icmp;
	struct argus_flow_key key; /* live: the quoted flow's key */
	int64_t ts_us;             /* live: the error's time */
};
struct argus_flowtable_share {
	uint32_t index, count;
	int live;
	void *ctx;
	void (*send_related)(void *ctx, uint32_t to, const struct argus_flow_related *rel);
	/* files: blocks until FROM has sent packet's mapping; 0: FROM stopped early */
	int (*receive_related)(void *ctx, uint32_t from, uint64_t packet,
			       struct argus_flow_related *rel);
};
/* Before the first packet. */
void argus_flowtable_set_share(struct argus_flowtable *ft, const struct argus_flowtable_share *s);
/* Which of COUNT shares owns the flow with key K. */
uint32_t argus_flowtable_share_of(const struct argus_flow_key *k, uint32_t count);
/* Live shares: which share owns the packet, with its hint from prepare
 * (or NULL).  A malformed packet is counted where it was seen. */
uint32_t argus_flowtable_live_owner(struct argus_flowtable *ft, enum argus_dissect_result kind,
				    const struct argus_packet *pkt,
				    const struct argus_flow_hint *hint);
/* Live shares: a mapping another share sent. */
void argus_flowtable_take_related(struct argus_flowtable *ft, const struct argus_flow_related *rel);
const struct argus_flowtable_stats *argus_flowtable_stats(const struct argus_flowtable *ft);
/* TO += ST, counter by counter (the totals of several tables). */
void argus_flowtable_stats_add(struct argus_flowtable_stats *to,
			       const struct argus_flowtable_stats *st);
int argus_flowtable_failed(const struct argus_flowtable *ft);
void argus_flowtable_free(struct argus_flowtable *ft);

#endif
