/* raview: a record as Argus 3.0.8's ra shows it, and filters it.
 *
 * What Debian's ra 3.0.8.2 prints is not always the record as stored, and
 * its filter selects on what it prints (`dst port 80` matches a mid-stream
 * record it shows as "...:80 <? ..."), so the text output and the ra
 * program's filter both work on this view.  The csv, json and binary
 * outputs keep the record as stored.  The rules (established by feeding
 * hand-made records to Debian's ra 3.0.8.2):
 *
 * 1. Mid-stream TCP (argus-record-format.md 6a): an IPv4 TCP record with TCP
 *    state (a NETWORK TCP section) but neither SYN nor SYN/ACK seen, whose
 *    source port looks like a server's, is shown the other way round:
 *    addresses, ports and every per-direction counter and attribute swap.
 *    A port looks like a server's when it is below 1024 or named for tcp in
 *    the services database (ra reads /etc/services at run time); when both
 *    ports do, the lower one is the server's.  IPv6, UDP and TCP without a
 *    state section are never swapped.  The TCP status word and the
 *    encapsulation bits are not swapped (ra's flgs column keeps its src/dst
 *    letters, and its filter's `src encaps` the stored source's).
 * 2. Non-IP Ethernet keys: ra ignores the reversed-key bit (subtype 0x40),
 *    so the key is shown as stored (the reader turned it round).
 * 3. A flow record without a TIME section shows times of 0.
 *
 * Header only (static functions), so each user compiles its own copy; the
 * services names come from services.c (liboutbuf).  Nothing here allocates
 * per record. */
#ifndef ARGUS_PLUGINS_OUTPUTS_RAVIEW_H
#define ARGUS_PLUGINS_OUTPUTS_RAVIEW_H

#include <stdint.h>
#include <string.h>

#include <argus/record.h>

#include "services.h"

/* ra's server-port test. */
static inline int argus_raview_server_port(unsigned port)
{
	return port < 1024 || argus_service_name(6, port) != NULL;
}

/* Rule 1: does ra show R turned round? */
static inline int argus_raview_swaps_tcp(const struct argus_record *r)
{
	const struct argus_flow_key *k = &r->key;

	if (r->kind != ARGUS_RECORD_FLOW || !(r->present & ARGUS_HAS_FLOW) ||
	    !(r->present & ARGUS_HAS_TCP) || k->family != ARGUS_KEY_IPV4 || k->proto != 6 ||
	    (r->tcp.status & (ARGUS_TCP_SAW_SYN | ARGUS_TCP_SAW_SYN_SENT)) ||
	    !argus_raview_server_port(k->sport))
		return 0;
	return k->sport < k->dport || !argus_raview_server_port(k->dport);
}

#define ARGUS_RAVIEW_SWAP(type, a, b)                                                            \
	do {                                                                                     \
		type swap_tmp_ = (a);                                                            \
		(a) = (b);                                                                       \
		(b) = swap_tmp_;                                                                 \
	} while (0)

#define ARGUS_RAVIEW_SWAP_ARRAY(a, b)                                                            \
	do {                                                                                     \
		uint8_t swap_buf_[sizeof(a)];                                                    \
		memcpy(swap_buf_, (a), sizeof swap_buf_);                                        \
		memcpy((a), (b), sizeof swap_buf_);                                              \
		memcpy((b), swap_buf_, sizeof swap_buf_);                                        \
	} while (0)

static inline void argus_raview_swap_key(struct argus_flow_key *k)
{
	ARGUS_RAVIEW_SWAP_ARRAY(k->saddr, k->daddr);
	ARGUS_RAVIEW_SWAP(uint16_t, k->sport, k->dport);
}

/* Turn V round: what the destination did becomes the source's. */
static inline void argus_raview_swap_directions(struct argus_record *v)
{
	uint8_t vv = v->vlan_valid;

	argus_raview_swap_key(&v->key);
	ARGUS_RAVIEW_SWAP(uint64_t, v->spkts, v->dpkts);
	ARGUS_RAVIEW_SWAP(uint64_t, v->sbytes, v->dbytes);
	ARGUS_RAVIEW_SWAP(uint64_t, v->sappbytes, v->dappbytes);
	ARGUS_RAVIEW_SWAP(struct argus_ipattr, v->sattr, v->dattr);
	ARGUS_RAVIEW_SWAP_ARRAY(v->smac, v->dmac);
	ARGUS_RAVIEW_SWAP(uint16_t, v->svlan, v->dvlan);
	v->vlan_valid = (uint8_t)((vv & ~3u) | ((vv & 1u) << 1) | ((vv >> 1) & 1u));
	ARGUS_RAVIEW_SWAP(struct argus_tcp_dir, v->tcp.src, v->tcp.dst);
	ARGUS_RAVIEW_SWAP(struct argus_jitter, v->sjit, v->djit);
	ARGUS_RAVIEW_SWAP(uint16_t, v->spsize_min, v->dpsize_min);
	ARGUS_RAVIEW_SWAP(uint16_t, v->spsize_max, v->dpsize_max);
	ARGUS_RAVIEW_SWAP(uint8_t, v->n_smpls, v->n_dmpls);
	ARGUS_RAVIEW_SWAP_ARRAY(v->smpls, v->dmpls);
	ARGUS_RAVIEW_SWAP(uint16_t, v->suser_len, v->duser_len);
	ARGUS_RAVIEW_SWAP_ARRAY(v->suser, v->duser);
}

/* The record as ra shows it: REC itself, or VIEW made from it. */
static inline const struct argus_record *argus_raview_of(const struct argus_record *rec,
							 struct argus_record *view)
{
	int unswap_ether, swap_tcp, no_time;

	if (rec->kind != ARGUS_RECORD_FLOW)
		return rec;
	unswap_ether = rec->reversed && (rec->present & ARGUS_HAS_FLOW) &&
		       rec->key.family == ARGUS_KEY_ETHER;
	swap_tcp = argus_raview_swaps_tcp(rec);
	no_time = !(rec->present & ARGUS_HAS_TIME);
	if (!unswap_ether && !swap_tcp && !no_time)
		return rec;
	*view = *rec;
	if (unswap_ether)
		argus_raview_swap_key(&view->key);
	if (swap_tcp)
		argus_raview_swap_directions(view);
	if (no_time) {
		view->present |= ARGUS_HAS_TIME;
		view->stime_us = view->ltime_us = 0;
	}
	return view;
}

#endif
