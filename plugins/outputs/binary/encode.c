/* binary output: the Argus 3 record writer.
 *
 * Records are encoded straight into one large buffer and written with
 * write(2) when it fills, on flush and on close; a failed write leaves a
 * regular file cut back to its last whole record.  DSRs come in Argus order:
 * TRANSPORT, FLOW, TIME, METRIC, AGR, NETWORK, VLAN, MPLS, JITTER, IPATTR,
 * PSIZE, DATA (src, dst), MAC, ICMP, ENCAPS.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/outbuf.h" /* argus_out_cut_tail() */
#include "wire.h"

static uint8_t *dsr_header(uint8_t *p, unsigned type, unsigned subtype, unsigned qual, size_t words)
{
	p[0] = (uint8_t)type;
	p[1] = (uint8_t)subtype;
	p[2] = (uint8_t)qual;
	p[3] = (uint8_t)words;
	return p + 4;
}

static uint8_t cause_byte(uint8_t cause)
{
	if (cause == 0 || cause > 0x0f)
		cause = ARGUS_CAUSE_START;
	return (uint8_t)(cause << 4);
}

static int all_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return 0;
	return 1;
}

static int is_icmp_flow(const struct argus_flow_key *k)
{
	return (k->family == ARGUS_KEY_IPV4 && k->proto == 1) ||
	       (k->family == ARGUS_KEY_IPV6 && k->proto == 58);
}

/* ---- TRANSPORT ------------------------------------------------------------ */

static uint8_t *put_transport(const struct argus_record *rec, uint8_t *p)
{
	const struct argus_srcid *id = &rec->srcid;
	uint8_t *q = p + 4;
	unsigned qual;
	uint32_t v;

	switch (id->type) {
	case ARGUS_SRCID_IPV4:
		qual = AB_ID_IPV4;
		memcpy(q, id->value, 4);
		q += 4;
		break;
	case ARGUS_SRCID_IPV6:
		qual = AB_ID_IPV6;
		memcpy(q, id->value, 16);
		q += 16;
		break;
	case ARGUS_SRCID_INT:
		qual = AB_ID_INT;
		memcpy(&v, id->value, 4);
		ab_put32(q, v);
		q += 4;
		break;
	case ARGUS_SRCID_STRING:
		qual = AB_ID_STRING;
		memset(q, 0, 4);
		memcpy(q, id->value, id->len < 4 ? id->len : 4);
		q += 4;
		break;
	default:
		qual = AB_ID_NONE;
		memset(q, 0, 4);
		q += 4;
		break;
	}
	ab_put32(q, rec->seq);
	q += 4;
	dsr_header(p, AB_DSR_TRANSPORT, AB_TRANS_SRCID | AB_TRANS_SEQ, qual, (size_t)(q - p) / 4);
	return q;
}

/* ---- FLOW ------------------------------------------------------------------ */

/* Identifier kept in a fragment key (IPv4 IP id, IPv6 fragment id): the
 * flow table keys unmatched fragments by it in dport. */
static uint16_t frag_ident(const struct argus_record *rec)
{
	if (!rec->key.dport && (rec->present & ARGUS_HAS_IPATTR) && rec->sattr.valid)
		return rec->sattr.ipid;
	return rec->key.dport;
}

static void swap_bytes(uint8_t *a, uint8_t *b, size_t n)
{
	while (n--) {
		uint8_t t = *a;
		*a++ = *b;
		*b++ = t;
	}
}

/* A key the reader found reversed (Argus subtype bit 0x40) is written back
 * reversed, as Argus stored it: Argus ra does not swap Ethernet keys, so
 * only the stored orientation prints the same.  This undoes exactly the
 * swap the reader made. */
static unsigned stored_key(const struct argus_record *rec, struct argus_flow_key *k)
{
	int frag = (rec->flags & ARGUS_FLAG_FRAG_ONLY) != 0;
	int icmp = is_icmp_flow(&rec->key);

	*k = rec->key;
	if (!rec->reversed || k->family == ARGUS_KEY_NONE)
		return 0;
	swap_bytes(k->saddr, k->daddr, sizeof k->saddr);
	/* an IPv4 ESP key's SPI is one number, not two ports: never swapped */
	if (k->family == ARGUS_KEY_ETHER ||
	    ((k->family == ARGUS_KEY_IPV4 || k->family == ARGUS_KEY_IPV6) && !frag && !icmp &&
	     !(k->family == ARGUS_KEY_IPV4 && k->proto == 50))) {
		uint16_t t = k->sport;
		k->sport = k->dport;
		k->dport = t;
	}
	return AB_FLOW_REVERSE;
}

static uint8_t *put_flow(const struct argus_record *rec, uint8_t *p)
{
	struct argus_flow_key key;
	const struct argus_flow_key *k = &key;
	uint8_t *b = p + 4;
	unsigned frag = (rec->flags & ARGUS_FLAG_FRAG_ONLY) ? AB_ADDR_FRAG : 0;
	unsigned rev = stored_key(rec, &key);
	const uint8_t *sha;

	switch (k->family) {
	case ARGUS_KEY_IPV4:
		memcpy(b, k->saddr, 4);
		memcpy(b + 4, k->daddr, 4);
		b[8] = k->proto;
		b[9] = 0;
		if (frag) {
			memset(b + 10, 0, 4);
			ab_put16(b + 14, frag_ident(rec));
		} else if (k->proto == 1) {
			b[10] = ARGUS_ICMP_TYPE(k);
			b[11] = ARGUS_ICMP_CODE(k);
			ab_put16(b + 12, k->dport);
			b[14] = b[15] = 0;
		} else if (k->proto == 50) {
			/* ESP: the SPI (sport:dport) in bytes 12-15, as Argus writes it */
			b[10] = b[11] = 0;
			ab_put16(b + 12, k->sport);
			ab_put16(b + 14, k->dport);
		} else {
			ab_put16(b + 10, k->sport);
			ab_put16(b + 12, k->dport);
			b[14] = b[15] = 0;
		}
		dsr_header(p, AB_DSR_FLOW, AB_FLOW_CLASSIC | rev, AB_ADDR_IPV4 | frag, 5);
		return p + 20;
	case ARGUS_KEY_IPV6:
		memcpy(b, k->saddr, 16);
		memcpy(b + 16, k->daddr, 16);
		ab_put32(b + 32, (uint32_t)k->proto << 24);
		if (frag) {
			ab_put32(b + 36, frag_ident(rec));
		} else if (k->proto == 58) {
			b[36] = ARGUS_ICMP_TYPE(k);
			b[37] = ARGUS_ICMP_CODE(k);
			ab_put16(b + 38, k->dport);
		} else {
			ab_put16(b + 36, k->sport);
			ab_put16(b + 38, k->dport);
		}
		dsr_header(p, AB_DSR_FLOW, AB_FLOW_CLASSIC | rev, AB_ADDR_IPV6 | frag, 11);
		return p + 44;
	case ARGUS_KEY_ETHER:
		/* struct ether_header order: destination first. */
		memcpy(b, k->daddr, 6);
		memcpy(b + 6, k->saddr, 6);
		ab_put16(b + 12, k->ethertype);
		b[14] = (uint8_t)k->dport; /* DSAP */
		b[15] = (uint8_t)k->sport; /* SSAP */
		dsr_header(p, AB_DSR_FLOW, AB_FLOW_CLASSIC | rev, AB_ADDR_ETHER, 5);
		return p + 20;
	case ARGUS_KEY_ARP:
		/* Unlike argus 3.0.8 (6 words, hardware address cut to 4 bytes),
		 * write the whole key: 7 words. */
		sha = k->saddr + 4;
		if (!rev && all_zero(sha, 6) && (rec->present & ARGUS_HAS_MAC))
			sha = rec->smac;
		ab_put16(b, 1);      /* hardware: Ethernet */
		ab_put16(b + 2, 0x0800);
		b[4] = 6;
		b[5] = 4;
		ab_put16(b + 6, k->sport ? k->sport : 1);
		if (k->ethertype == AB_ETHERTYPE_RARP) {
			memcpy(b + 8, k->daddr, 4);
			memcpy(b + 12, sha, 6);
			memcpy(b + 18, k->daddr + 4, 6);
			dsr_header(p, AB_DSR_FLOW, AB_FLOW_ARP | rev, AB_ADDR_RARP, 7);
		} else {
			memcpy(b + 8, k->saddr, 4);
			memcpy(b + 12, k->daddr, 4);
			memcpy(b + 16, sha, 6);
			b[22] = b[23] = 0;
			dsr_header(p, AB_DSR_FLOW, AB_FLOW_ARP | rev, AB_ADDR_ARP, 7);
		}
		return p + 28;
	case ARGUS_KEY_WLAN:
		memcpy(b, k->daddr, 6);
		memcpy(b + 6, k->saddr, 6);
		memcpy(b + 12, k->saddr + 6, 6);
		memset(b + 18, 0, AB_WLAN_FLOW_WORDS * 4 - 4 - 18);
		memcpy(b + 18, rec->wlan_ssid,
		       rec->wlan_ssid_len < ARGUS_WLAN_SSID_MAX ? rec->wlan_ssid_len : ARGUS_WLAN_SSID_MAX);
		dsr_header(p, AB_DSR_FLOW, AB_FLOW_CLASSIC, AB_ADDR_WLAN, AB_WLAN_FLOW_WORDS);
		return p + AB_WLAN_FLOW_WORDS * 4;
	case ARGUS_KEY_ISIS:
		memset(b, 0, AB_ISIS_FLOW_WORDS * 4 - 4);
		ab_put32(b, k->proto);
		memcpy(b + 4, k->saddr, 6);
		memcpy(b + 10, k->daddr, 6);
		b[16] = (uint8_t)k->sport;
		if (AB_ISIS_IS_HELLO(k->proto)) {
			memcpy(b + 20, k->saddr + 6, 6);
			memcpy(b + 26, k->daddr + 6, 7);
		} else if (AB_ISIS_IS_LSP(k->proto)) {
			memcpy(b + 20, k->saddr + 6, 8);
			for (int i = 0; i < 4; i++)
				b[28 + i] = k->daddr[9 - i];
		} else {
			memcpy(b + 20, k->saddr + 6, 7);
		}
		ab_put16(b + 36, k->ethertype);
		dsr_header(p, AB_DSR_FLOW, AB_FLOW_CLASSIC, AB_ADDR_ISIS, AB_ISIS_FLOW_WORDS);
		return p + AB_ISIS_FLOW_WORDS * 4;
	default:
		return p;
	}
}

/* ---- TIME ------------------------------------------------------------------ */

static uint8_t *put_time(const struct argus_record *rec, uint8_t *p)
{
	if (rec->stime_us == rec->ltime_us) {
		dsr_header(p, AB_DSR_TIME, AB_TIME_ONE, AB_TIME_USEC, 3);
		ab_put_time(p + 4, rec->stime_us);
		return p + 12;
	}
	dsr_header(p, AB_DSR_TIME, AB_TIME_RANGE, AB_TIME_USEC, 5);
	ab_put_time(p + 4, rec->stime_us);
	ab_put_time(p + 12, rec->ltime_us);
	return p + 20;
}

/* ---- METRIC ---------------------------------------------------------------- */

static unsigned counter_width(uint64_t max, unsigned min)
{
	if (max <= 0xffu && min <= 1)
		return 1;
	if (max <= 0xffffu)
		return 2;
	if (max <= 0xffffffffu)
		return 4;
	return 8;
}

static uint8_t *put_counter(uint8_t *q, uint64_t v, unsigned w)
{
	switch (w) {
	case 1:
		*q = (uint8_t)v;
		break;
	case 2:
		ab_put16(q, (uint16_t)v);
		break;
	case 4:
		ab_put32(q, (uint32_t)v);
		break;
	default:
		ab_put64(q, v);
		break;
	}
	return q + w;
}

static uint64_t max3(uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t m = a > b ? a : b;
	return m > c ? m : c;
}

/* Width code of the qualifier: 1,2,4,8 bytes -> 0,1,2,3. */
static unsigned width_index(unsigned w)
{
	return w == 1 ? 0u : w == 2 ? 1u : w == 4 ? 2u : 3u;
}

static uint8_t *put_metric(const struct argus_record *rec, uint8_t *p)
{
	int app = (rec->present & ARGUS_HAS_APPBYTES) != 0;
	uint64_t sa = app ? rec->sappbytes : 0, da = app ? rec->dappbytes : 0;
	int has_src = rec->spkts || rec->sbytes || sa;
	int has_dst = rec->dpkts || rec->dbytes || da;
	uint8_t *q = p + 4, *end;
	unsigned w, qual;
	size_t words;

	/* argus's choice (format doc 5.4): both directions -> 1/2/4/8 bytes by the
	 * largest value; one direction -> 2/4/8 bytes. */
	if (has_src && has_dst) {
		uint64_t m = max3(rec->spkts, rec->sbytes, sa);
		uint64_t d = max3(rec->dpkts, rec->dbytes, da);
		w = counter_width(m > d ? m : d, 1);
		qual = 0x01 + width_index(w);
	} else if (has_dst) {
		w = counter_width(max3(rec->dpkts, rec->dbytes, da), 2);
		qual = 0x09 + width_index(w);
	} else {
		w = counter_width(max3(rec->spkts, rec->sbytes, sa), 2);
		qual = 0x05 + width_index(w);
	}
	if (qual <= 0x08) {
		q = put_counter(q, rec->spkts, w);
		q = put_counter(q, rec->sbytes, w);
		if (app)
			q = put_counter(q, sa, w);
	}
	if (qual <= 0x04 || qual >= 0x09) {
		q = put_counter(q, rec->dpkts, w);
		q = put_counter(q, rec->dbytes, w);
		if (app)
			q = put_counter(q, da, w);
	}
	words = ((size_t)(q - p) + 3) / 4;
	end = p + words * 4;
	while (q < end)
		*q++ = 0;
	dsr_header(p, AB_DSR_METRIC, app ? AB_METRIC_APP : AB_METRIC_PKTS_BYTES, qual, words);
	return end;
}

/* ---- AGR ------------------------------------------------------------------- */

/* The layout racluster writes: count, two times, then duration statistics
 * (n, min, mean, stddev, max as x86 floats, seconds) that ra prints as
 * mean/stddev/min/max.  We only know the count and the overall duration,
 * so the statistics read like those of one record. */
static uint8_t *put_agr(const struct argus_record *rec, uint8_t *p)
{
	float dur = (float)(rec->present & ARGUS_HAS_TIME ? rec->ltime_us - rec->stime_us : 0) / 1e6f;
	uint32_t bits;

	memcpy(&bits, &dur, sizeof bits);
	dsr_header(p, AB_DSR_AGR, 0x04, 0x01, 20);
	memset(p + 4, 0, 76);
	ab_put32(p + 4, rec->trans);
	ab_put32le(p + 24, rec->trans);
	ab_put32le(p + 28, bits);
	ab_put32le(p + 32, bits);
	ab_put32le(p + 40, bits);
	return p + 80;
}

/* ---- NETWORK --------------------------------------------------------------- */

static uint8_t *put_tcp_dir(uint8_t *q, const struct argus_tcp_dir *d)
{
	if (d->last_time_us)
		ab_put_time(q, d->last_time_us);
	else
		memset(q, 0, 8);
	ab_put32(q + 8, d->status);
	ab_put32(q + 12, d->seqbase);
	ab_put32(q + 16, d->seq);
	ab_put32(q + 20, d->ack);
	ab_put32(q + 24, d->winnum);
	ab_put32(q + 28, d->bytes);
	ab_put32(q + 32, d->retrans);
	ab_put32(q + 36, d->ackbytes);
	ab_put32(q + 40, d->winbytes);
	ab_put16(q + 44, d->win);
	q[46] = d->flags;
	q[47] = d->winshift;
	return q + AB_TCP_DIR_BYTES;
}

/* Record flags that Argus keeps in the TCP status word. */
static uint32_t tcp_status(const struct argus_record *rec)
{
	uint32_t s = rec->tcp.status;
	uint32_t f = rec->flags;

	if (f & ARGUS_FLAG_SRC_RETRANS)
		s |= ARGUS_TCP_SRC_PKTS_RETRANS;
	if (f & ARGUS_FLAG_DST_RETRANS)
		s |= ARGUS_TCP_DST_PKTS_RETRANS;
	if (f & ARGUS_FLAG_SRC_WINSHUT)
		s |= ARGUS_TCP_SRC_WINDOW_SHUT;
	if (f & ARGUS_FLAG_DST_WINSHUT)
		s |= ARGUS_TCP_DST_WINDOW_SHUT;
	if ((f & ARGUS_FLAG_ECN) && !(s & (ARGUS_TCP_SRC_CONG | ARGUS_TCP_DST_CONG)))
		s |= ARGUS_TCP_SRC_CONG;
	if ((f & ARGUS_FLAG_OUTOFORDER) &&
	    !(s & (ARGUS_TCP_SRC_OUTOFORDER | ARGUS_TCP_DST_OUTOFORDER)))
		s |= ARGUS_TCP_SRC_OUTOFORDER;
	return s;
}

/* The ICMP object of a NETWORK DSR: argus writes it in host (x86) order. */
static void put_icmp_le(uint8_t *b, uint8_t type, uint8_t code, uint16_t seq, uint32_t osrc,
			uint32_t odst, uint32_t isrc, uint32_t idst, uint32_t gw)
{
	b[0] = type;
	b[1] = code;
	ab_put16le(b + 2, seq);
	ab_put32le(b + 4, osrc);
	ab_put32le(b + 8, odst);
	ab_put32le(b + 12, isrc);
	ab_put32le(b + 16, idst);
	ab_put32le(b + 20, gw);
}

static uint8_t *put_network(const struct argus_record *rec, uint8_t *p)
{
	const struct argus_tcp *t = &rec->tcp;
	const struct argus_flow_key *k = &rec->key;
	uint8_t *q;

	if (rec->present & ARGUS_HAS_TCP) {
		if (t->have_dst) {
			dsr_header(p, AB_DSR_NETWORK, AB_NET_TCP_PERF, 0, AB_NET_TCP_PERF_WORDS);
			ab_put32(p + 4, tcp_status(rec));
			ab_put32(p + 8, t->state);
			ab_put32(p + 12, t->options);
			ab_put32(p + 16, t->synack_us);
			ab_put32(p + 20, t->ackdat_us);
			q = put_tcp_dir(p + 24, &t->src);
			return put_tcp_dir(q, &t->dst);
		}
		dsr_header(p, AB_DSR_NETWORK, AB_NET_TCP_INIT, 0, 5);
		ab_put32(p + 4, tcp_status(rec));
		ab_put32(p + 8, t->src.seqbase);
		ab_put32(p + 12, t->options);
		ab_put16(p + 16, t->src.win);
		p[18] = t->src.flags;
		p[19] = t->src.winshift;
		return p + 20;
	}
	if (rec->flags & ARGUS_FLAG_FRAG_ONLY) {
		/* argus's fragment state is a memory dump; ra only needs to see
		 * the subtype to print 'f' */
		dsr_header(p, AB_DSR_NETWORK, AB_NET_FRAG, 0, 1);
		return p + 4;
	}
	if (is_icmp_flow(k) && (rec->present & (ARGUS_HAS_ICMP | ARGUS_HAS_NET))) {
		dsr_header(p, AB_DSR_NETWORK, AB_NET_ICMP, 0, 7);
		if ((rec->present & ARGUS_HAS_ICMP) && !(rec->flags & ARGUS_FLAG_ICMP_MAPPED)) {
			const struct argus_icmp *ic = &rec->icmp;
			put_icmp_le(p + 4, ic->type, ic->code, ic->seq, ic->osrc, ic->odst, ic->isrc,
				    ic->idst, ic->gateway);
		} else {
			/* The flow's own ICMP message; the error detail goes to
			 * the ICMP DSR. */
			int v4 = k->family == ARGUS_KEY_IPV4;
			put_icmp_le(p + 4, ARGUS_ICMP_TYPE(k), ARGUS_ICMP_CODE(k), 0,
				    v4 ? ab_get32(k->saddr) : 0, v4 ? ab_get32(k->daddr) : 0, 0, 0, 0);
		}
		return p + 28;
	}
	if (rec->present & ARGUS_HAS_NET) {
		dsr_header(p, AB_DSR_NETWORK, AB_NET_NONE, 0, 1);
		return p + 4;
	}
	return p;
}

/* ---- VLAN, MPLS, JITTER, IPATTR, PSIZE, DATA, MAC, ICMP, ENCAPS ------------ */

static uint8_t *put_vlan(const struct argus_record *rec, uint8_t *p)
{
	dsr_header(p, AB_DSR_VLAN, 0, rec->vlan_valid & 0x03u, 2);
	ab_put16(p + 4, rec->svlan);
	ab_put16(p + 6, rec->dvlan);
	return p + 8;
}

/* One label stack entry per direction, as Argus 3.0.8 writes (see wire.h). */
static uint8_t *put_mpls(const struct argus_record *rec, uint8_t *p)
{
	unsigned st = 0, qual = 0;
	uint8_t *q = p + 4;

	if (rec->n_smpls) {
		st |= AB_MPLS_SRC;
		qual |= 0x10u;
		ab_put32(q, rec->smpls[0]);
		q += 4;
	}
	if (rec->n_dmpls) {
		st |= AB_MPLS_DST;
		qual |= 0x01u;
		ab_put32(q, rec->dmpls[0]);
		q += 4;
	}
	if (!st)
		return p;
	dsr_header(p, AB_DSR_MPLS, st, qual, (size_t)(q - p) / 4);
	return q;
}

static uint8_t *put_jitter_block(uint8_t *q, const struct argus_jitter_stats *j)
{
	const float *f[4] = {&j->min, &j->mean, &j->stddev, &j->max};
	uint32_t v;
	int i;

	ab_put32(q, j->n);
	for (i = 0; i < 4; i++) {
		memcpy(&v, f[i], sizeof v);
		ab_put32(q + 4 + 4 * i, v);
	}
	return q + AB_JIT_BLOCK_BYTES;
}

static uint8_t *put_jitter(const struct argus_record *rec, uint8_t *p)
{
	unsigned qual = 0;
	uint8_t *q = p + 4;

	if (rec->sjit.valid & 0x01u) {
		qual |= AB_JIT_SRC_ACTIVE;
		q = put_jitter_block(q, &rec->sjit.active);
	}
	if (rec->sjit.valid & 0x02u) {
		qual |= AB_JIT_SRC_IDLE;
		q = put_jitter_block(q, &rec->sjit.idle);
	}
	if (rec->djit.valid & 0x01u) {
		qual |= AB_JIT_DST_ACTIVE;
		q = put_jitter_block(q, &rec->djit.active);
	}
	if (rec->djit.valid & 0x02u) {
		qual |= AB_JIT_DST_IDLE;
		q = put_jitter_block(q, &rec->djit.idle);
	}
	if (!qual)
		return p;
	dsr_header(p, AB_DSR_JITTER, 0, qual, (size_t)(q - p) / 4);
	return q;
}

/* Argus writes packet sizes as 2-byte values for the directions that have
 * packets; a direction that has none has size 0 here. */
static uint8_t *put_psize(const struct argus_record *rec, uint8_t *p)
{
	int src = rec->spsize_min || rec->spsize_max;
	int dst = rec->dpsize_min || rec->dpsize_max;
	uint8_t *q = p + 4;

	if (!src && !dst)
		return p;
	if (src) {
		ab_put16(q, rec->spsize_min);
		ab_put16(q + 2, rec->spsize_max);
		q += 4;
	}
	if (dst) {
		ab_put16(q, rec->dpsize_min);
		ab_put16(q + 2, rec->dpsize_max);
		q += 4;
	}
	dsr_header(p, AB_DSR_PSIZE, 0,
		   src && dst ? AB_PSIZE_BOTH16 : src ? AB_PSIZE_SRC16 : AB_PSIZE_DST16,
		   (size_t)(q - p) / 4);
	return q;
}

/* User data: 16-bit length form.  The buffer size field is Argus's -U
 * capture length, which the record does not keep: the byte count stands
 * in for it (ra prints the same; racluster appends nothing more). */
static uint8_t *put_data(uint8_t *p, unsigned dir, const uint8_t *data, uint16_t len)
{
	size_t n = len < ARGUS_USERDATA_MAX ? len : ARGUS_USERDATA_MAX;
	size_t words = 2 + (n + 3) / 4;

	if (!n)
		return p;
	p[0] = AB_DSR_DATA;
	p[1] = (uint8_t)(AB_DSR_LEN16 | dir);
	ab_put16(p + 2, (uint16_t)words);
	ab_put16(p + 4, (uint16_t)n);
	ab_put16(p + 6, (uint16_t)n);
	memcpy(p + 8, data, n);
	memset(p + 8 + n, 0, words * 4 - 8 - n);
	return p + words * 4;
}

static uint8_t *put_ipattr_obj(uint8_t *q, const struct argus_ipattr *a)
{
	q[0] = a->ttl;
	q[1] = a->tos;
	ab_put16(q + 2, a->ipid);
	return q + 4;
}

static uint8_t *put_ipattr(const struct argus_record *rec, uint8_t *p)
{
	unsigned qual = 0;
	uint8_t *q = p + 4;

	if (rec->present & ARGUS_HAS_IPATTR) {
		if (rec->sattr.valid) {
			qual |= AB_IPATTR_SRC;
			q = put_ipattr_obj(q, &rec->sattr);
			if (rec->sattr.options) {
				qual |= AB_IPATTR_SRC_OPTS;
				ab_put32(q, rec->sattr.options);
				q += 4;
			}
		}
		if (rec->dattr.valid) {
			qual |= AB_IPATTR_DST;
			q = put_ipattr_obj(q, &rec->dattr);
			if (rec->dattr.options) {
				qual |= AB_IPATTR_DST_OPTS;
				ab_put32(q, rec->dattr.options);
				q += 4;
			}
		}
		if (rec->sattr.frag)
			qual |= AB_IPATTR_SRC_FRAG;
		if (rec->dattr.frag)
			qual |= AB_IPATTR_DST_FRAG;
	}
	/* ra prints 'F' for these bits and for a fragment key, 'f' for the
	 * NETWORK fragment subtype; a fragment-only flow has the latter two. */
	if ((rec->flags & (ARGUS_FLAG_FRAG | ARGUS_FLAG_FRAG_ONLY)) == ARGUS_FLAG_FRAG &&
	    !(qual & (AB_IPATTR_SRC_FRAG | AB_IPATTR_DST_FRAG)))
		qual |= AB_IPATTR_SRC_FRAG;
	if (!qual)
		return p;
	dsr_header(p, AB_DSR_IPATTR, 0, qual, (size_t)(q - p) / 4);
	return q;
}

static uint8_t *put_mac(const struct argus_record *rec, uint8_t *p)
{
	int ether = rec->key.family == ARGUS_KEY_ETHER && (rec->present & ARGUS_HAS_FLOW);

	dsr_header(p, AB_DSR_MAC, 0, (rec->flags & ARGUS_FLAG_MULTI_MAC) ? AB_MAC_MULTI : 0, 5);
	memcpy(p + 4, rec->dmac, 6);
	memcpy(p + 10, rec->smac, 6);
	ab_put16le(p + 16, rec->mac_ethertype); /* x86 argus never swapped it */
	p[18] = ether ? (uint8_t)rec->key.dport : 0;
	p[19] = ether ? (uint8_t)rec->key.sport : 0;
	return p + 20;
}

/* The ICMP DSR's qualifier names the kind of error mapped onto the flow
 * (ra prints 'U' for any); none when the record has no mapping flag. */
static unsigned icmp_qual(const struct argus_record *rec)
{
	if (!(rec->flags & ARGUS_FLAG_ICMP_MAPPED))
		return 0;
	switch (rec->icmp.type) {
	case 5: /* redirect */
		return AB_ICMP_REDIRECT_MAPPED;
	case 11: /* time exceeded */
		return AB_ICMP_TIMXCED_MAPPED;
	default:
		return AB_ICMP_UNREACH_MAPPED;
	}
}

static uint8_t *put_icmp(const struct argus_record *rec, uint8_t *p)
{
	const struct argus_icmp *ic = &rec->icmp;

	dsr_header(p, AB_DSR_ICMP, 0, icmp_qual(rec), 8);
	p[4] = ic->type;
	p[5] = ic->code;
	ab_put16(p + 6, ic->seq);
	ab_put32(p + 8, ic->osrc);
	ab_put32(p + 12, ic->odst);
	ab_put32(p + 16, ic->isrc);
	ab_put32(p + 20, ic->idst);
	ab_put32(p + 24, ic->gateway);
	ab_put32(p + 28, 0);
	return p + 32;
}

static uint8_t *put_encaps(const struct argus_record *rec, uint8_t *p)
{
	dsr_header(p, AB_DSR_ENCAPS, 0, 0, 3);
	ab_put32(p + 4, rec->sencaps);
	ab_put32(p + 8, rec->dencaps);
	return p + 12;
}

/* ---- records --------------------------------------------------------------- */

/* TRANSPORT (IPv6 id) + FLOW (WLAN, the largest) + TIME + METRIC (8-byte, app bytes) + AGR +
 * NETWORK (TCP perf) + VLAN + MPLS + JITTER + IPATTR + PSIZE + 2 DATA + MAC +
 * ICMP + ENCAPS, header included. */
static uint8_t *put_ext(const struct argus_record *rec, uint8_t *p)
{
	size_t n = rec->ext_len <= ARGUS_RECORD_EXT_MAX ? rec->ext_len : 0;
	size_t words = 2 + (n + 3) / 4;

	if (!n)
		return p;
	dsr_header(p, AB_DSR_EXT, 0, 0, words);
	ab_put16(p + 4, (uint16_t)n);
	ab_put16(p + 6, 0);
	memcpy(p + 8, rec->ext, n);
	memset(p + 8 + n, 0, words * 4 - 8 - n);
	return p + words * 4;
}

_Static_assert(4 + 24 + 56 + 20 + 52 + 80 + 120 + 8 + 12 + 84 + 20 + 12 +
			       2 * (8 + ARGUS_USERDATA_MAX) + 20 + 32 + 12 + 8 +
			       ARGUS_RECORD_EXT_MAX <=
		       AB_MAX_FAR_BYTES,
	       "AB_MAX_FAR_BYTES too small");

size_t argus_binary_encode_far(const struct argus_record *rec, uint8_t *out)
{
	uint32_t has = rec->present;
	uint8_t *p = out + 4;
	size_t len;

	if (has & ARGUS_HAS_TRANSPORT)
		p = put_transport(rec, p);
	if (has & ARGUS_HAS_FLOW)
		p = put_flow(rec, p);
	if (has & ARGUS_HAS_TIME)
		p = put_time(rec, p);
	if (has & ARGUS_HAS_METRIC)
		p = put_metric(rec, p);
	if ((has & ARGUS_HAS_AGR) && rec->trans > 1)
		p = put_agr(rec, p);
	p = put_network(rec, p);
	if (has & ARGUS_HAS_VLAN)
		p = put_vlan(rec, p);
	if (has & ARGUS_HAS_MPLS)
		p = put_mpls(rec, p);
	if (has & ARGUS_HAS_JITTER)
		p = put_jitter(rec, p);
	p = put_ipattr(rec, p); /* also carries ARGUS_FLAG_FRAG */
	if (has & ARGUS_HAS_PSIZE)
		p = put_psize(rec, p);
	if (has & ARGUS_HAS_USERDATA) {
		p = put_data(p, AB_DATA_SRC, rec->suser, rec->suser_len);
		p = put_data(p, AB_DATA_DST, rec->duser, rec->duser_len);
	}
	if (has & ARGUS_HAS_MAC)
		p = put_mac(rec, p);
	if ((has & ARGUS_HAS_ICMP) &&
	    (!is_icmp_flow(&rec->key) || (rec->flags & ARGUS_FLAG_ICMP_MAPPED)))
		p = put_icmp(rec, p);
	if (has & ARGUS_HAS_ENCAPS)
		p = put_encaps(rec, p);
	p = put_ext(rec, p);

	len = (size_t)(p - out);
	out[0] = (uint8_t)(AB_REC_FAR | AB_VERSION);
	out[1] = cause_byte(rec->cause);
	ab_put16(out + 2, (uint16_t)(len / 4));
	return len;
}

/* Source id as the MAR's 32-bit id and the status word's id-type nibble. */
static uint32_t mar_srcid(const struct argus_record *rec, uint32_t *nibble)
{
	const struct argus_srcid *id = &rec->srcid;
	uint32_t v = 0;

	*nibble = 0;
	if (!(rec->present & ARGUS_HAS_TRANSPORT))
		return 0;
	switch (id->type) {
	case ARGUS_SRCID_IPV4:
		*nibble = 0x8;
		return ab_get32(id->value);
	case ARGUS_SRCID_INT:
		*nibble = 0x4;
		memcpy(&v, id->value, 4);
		return v;
	case ARGUS_SRCID_STRING: {
		uint8_t s[4] = {0, 0, 0, 0};
		memcpy(s, id->value, id->len < 4 ? id->len : 4);
		*nibble = 0x2;
		return ab_get32(s);
	}
	default:
		return 0;
	}
}

size_t argus_binary_encode_mar(const struct argus_record *rec, int first_mar, uint8_t *out)
{
	static const struct argus_mar none;
	const struct argus_mar *m = (rec->present & ARGUS_HAS_MAR) ? &rec->mar : &none;
	uint32_t nibble, id = mar_srcid(rec, &nibble);
	uint32_t status = m->status;

	/* the record's source id is unambiguous; mar.thisid is the fallback */
	if (!nibble)
		id = m->thisid;
	if (!(status & 0x00f00000u))
		status |= nibble << 20;

	memset(out, 0, AB_MAR_BYTES);
	out[0] = (uint8_t)(AB_REC_MAR | AB_VERSION);
	out[1] = cause_byte(rec->cause);
	ab_put16(out + 2, AB_MAR_WORDS);
	ab_put32(out + 4, status);
	ab_put32(out + 8, first_mar ? AB_COOKIE_V3 : id);
	ab_put32(out + 12, m->localnet);
	ab_put32(out + 16, m->netmask);
	ab_put32(out + 20, m->sequence);
	ab_put_time(out + 24, m->start_us);
	ab_put_time(out + 32, m->now_us);
	out[40] = m->major;
	out[41] = m->minor;
	out[42] = m->iftype;
	out[43] = m->ifstatus;
	ab_put16(out + 44, m->flow_interval);
	ab_put16(out + 46, m->mar_interval);
	ab_put64(out + 48, m->pkts_rcvd);
	ab_put64(out + 56, m->bytes_rcvd);
	ab_put64(out + 64, (uint64_t)m->drift);
	ab_put32(out + 72, m->records);
	ab_put32(out + 76, m->flows);
	ab_put32(out + 80, m->dropped);
	ab_put32(out + 84, m->queue);
	ab_put32(out + 88, m->output);
	ab_put32(out + 92, m->clients);
	ab_put32(out + 96, m->bufs);
	ab_put32(out + 100, m->bytes);
	ab_put16(out + 104, m->suserlen);
	ab_put16(out + 106, m->duserlen);
	/* later MARs have the id at 8 and 0 here, like argus; an id equal to
	 * the cookie would read as "no id" then, so it goes here as well */
	ab_put32(out + 120, first_mar || id == AB_COOKIE_V3 ? id : 0);
	ab_put32(out + 124, 0xffffffffu);
	return AB_MAR_BYTES;
}

/* A stream that starts with a flow record still needs the opening MAR. */
static size_t encode_start_mar(const struct argus_record *far, uint8_t *out)
{
	struct argus_record m;

	memset(&m, 0, sizeof m);
	m.kind = ARGUS_RECORD_MAR;
	m.cause = ARGUS_CAUSE_START;
	m.present = ARGUS_HAS_MAR | (far->present & ARGUS_HAS_TRANSPORT);
	m.srcid = far->srcid;
	m.mar.major = 3;
	if (far->present & ARGUS_HAS_TIME)
		m.mar.start_us = m.mar.now_us = far->stime_us;
	return argus_binary_encode_mar(&m, 1, out);
}

_Static_assert(AB_WRITE_RESERVE <= ARGUS_ENCODE_MAX, "ARGUS_ENCODE_MAX too small");

long argus_binary_encode(void *state, const struct argus_record *rec, int first, uint8_t *buf,
			 size_t cap)
{
	size_t n = 0;

	(void)state;
	if (cap < AB_WRITE_RESERVE)
		return ARGUS_EINVAL;
	switch (rec->kind) {
	case ARGUS_RECORD_MAR:
		return (long)argus_binary_encode_mar(rec, first, buf);
	case ARGUS_RECORD_FLOW:
		if (first)
			n = encode_start_mar(rec, buf);
		return (long)(n + argus_binary_encode_far(rec, buf + n));
	default:
		return ARGUS_EINVAL;
	}
}

/* ---- output stream ---------------------------------------------------------- */

/* Bytes at the end of buf[0..off) that do not make a whole record.  The
 * buffer holds whole records from its start (it is only drained between
 * records), each with its length in words in header bytes 2-3, so the
 * boundaries need no bookkeeping. */
static size_t incomplete_tail(const struct argus_binary_writer *w, size_t off)
{
	size_t b = 0, n;

	while (b + 4 <= off && (n = (size_t)ab_get16(w->buf + b + 2) * 4) != 0 && b + n <= off)
		b += n;
	return off - b;
}

/* The write failed with ERR_NO (0: no progress) after DONE bytes of the
 * buffer went out: cut a regular file back to its last whole record, keep
 * the error. */
static int fail(struct argus_binary_writer *w, int err_no, size_t done)
{
	int cut = argus_out_cut_tail(w->fd, incomplete_tail(w, done));
	const char *why = err_no ? strerror(err_no) : "no progress";

	w->error = ARGUS_EIO;
	if (cut)
		snprintf(w->errmsg, sizeof w->errmsg,
			 "write failed: %s (cannot remove the incomplete last record: %s)", why,
			 strerror(cut));
	else
		snprintf(w->errmsg, sizeof w->errmsg, "write failed: %s", why);
	w->len = 0;
	return ARGUS_EIO;
}

static int drain(struct argus_binary_writer *w)
{
	size_t off = 0;

	while (off < w->len) {
		ssize_t n = write(w->fd, w->buf + off, w->len - off);

		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct pollfd pfd = {.fd = w->fd, .events = POLLOUT};

			if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
				return fail(w, errno, off);
			continue;
		}
		return fail(w, n < 0 ? errno : 0, off);
	}
	w->len = 0;
	return 0;
}

static int report(const struct argus_binary_writer *w, char *err, size_t errlen)
{
	if (err && errlen)
		snprintf(err, errlen, "%s", w->errmsg);
	return w->error;
}

int argus_binary_open(void *state, int fd, const struct argus_output_opts *opts, void **stream,
		      char *err, size_t errlen)
{
	struct argus_binary_writer *w;

	(void)state;
	(void)opts;
	*stream = NULL;
	if (fd < 0) {
		snprintf(err, errlen, "no file descriptor to write to");
		return ARGUS_EINVAL;
	}
	w = malloc(sizeof *w);
	if (!w) {
		snprintf(err, errlen, "out of memory for the output buffer");
		return ARGUS_ENOMEM;
	}
	w->fd = fd;
	w->error = 0;
	w->nmar = 0;
	w->len = 0;
	w->errmsg[0] = '\0';
	*stream = w;
	return 0;
}

int argus_binary_write(void *stream, const struct argus_record *rec, char *err, size_t errlen)
{
	struct argus_binary_writer *w = stream;

	if (w->error)
		return report(w, err, errlen);
	if (sizeof w->buf - w->len < AB_WRITE_RESERVE && drain(w))
		return report(w, err, errlen);

	switch (rec->kind) {
	case ARGUS_RECORD_MAR:
		w->len += argus_binary_encode_mar(rec, w->nmar == 0, w->buf + w->len);
		w->nmar++;
		return 0;
	case ARGUS_RECORD_FLOW:
		if (w->nmar == 0) {
			w->len += encode_start_mar(rec, w->buf + w->len);
			w->nmar++;
		}
		w->len += argus_binary_encode_far(rec, w->buf + w->len);
		return 0;
	default:
		snprintf(err, errlen, "cannot write a record of kind %u", (unsigned)rec->kind);
		return ARGUS_EINVAL;
	}
}

int argus_binary_flush(void *stream, char *err, size_t errlen)
{
	struct argus_binary_writer *w = stream;

	if (w->error || drain(w))
		return report(w, err, errlen);
	return 0;
}

int argus_binary_close(void *stream, char *err, size_t errlen)
{
	struct argus_binary_writer *w = stream;
	int rc = 0;

	if (!w)
		return 0;
	if (w->error || drain(w))
		rc = report(w, err, errlen);
	free(w);
	return rc;
}
