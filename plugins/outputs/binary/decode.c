/* binary output: the Argus 3 record reader.
 *
 * The reader keeps its own buffer (one maximal record plus read-ahead), so
 * no allocation ever depends on a length read from the input.  Bad data is
 * reported once (ARGUS_ESKIP) and skipped: a record whose DSRs do not fit
 * its length, or an implausible header, makes the reader scan forward byte
 * by byte to the next plausible record.
 *
 * A stream that starts with the gzip magic (1f 8b) is inflated on the fly,
 * through a fixed-size input buffer, member after member (`cat a.gz b.gz`).
 * Input errors (a failed read, corrupt or truncated gzip data) end the
 * input; they are reported after the records decoded before them.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "wire.h"

#define RD_BUFSIZE (AB_MAX_RECORD + 128u * 1024u)
#define RD_ZBUFSIZE (64u * 1024u)

enum { GZ_UNKNOWN = -1, GZ_NO = 0, GZ_YES = 1 };

struct argus_binary_reader {
	int fd;
	int eof;      /* the source has no more bytes */
	int started;  /* the opening MAR was accepted */
	int done;     /* nothing more to return */
	int fatal;    /* fatal error, repeated on later calls */
	uint64_t base; /* stream offset of buf[0] */
	uint64_t nrec; /* records read, bad ones included */
	size_t pos, end; /* unread bytes: buf[pos..end) */
	char errmsg[256];

	/* the source: the descriptor, inflated when it holds gzip data */
	int gz;         /* GZ_* */
	int zlive;      /* zs is initialised */
	int zmember;    /* inside a gzip member (else between members) */
	int in_eof;     /* read() returned 0 or failed */
	int src_err;    /* an input error ended the source: srcmsg, reported at the end */
	uint64_t raw;   /* bytes read from the descriptor */
	uint64_t zused; /* compressed bytes consumed */
	size_t zpos, zend; /* unread raw bytes: zbuf[zpos..zend) */
	z_stream zs;
	char srcmsg[224];
	uint8_t zbuf[RD_ZBUFSIZE];
	uint8_t buf[RD_BUFSIZE];
};

/* ---- DSR decoding ------------------------------------------------------------ */

struct dctx {
	struct argus_record *rec;
	char *err;
	size_t errlen;
	int icmp_dsr; /* an ICMP DSR was seen: it owns rec->icmp */
};

static int too_short(struct dctx *c, const char *what, size_t have)
{
	snprintf(c->err, c->errlen, "%s DSR too short (%zu bytes)", what, have + 4);
	return AB_DECODE_CONTENT;
}

static int d_transport(struct dctx *c, unsigned st, unsigned q, const uint8_t *b, size_t n)
{
	struct argus_record *rec = c->rec;
	struct argus_srcid *id = &rec->srcid;
	size_t idlen = n;
	uint32_t v;

	if (st & AB_TRANS_SEQ) {
		if (n < 4)
			return too_short(c, "TRANSPORT", n);
		rec->seq = ab_get32(b + n - 4);
		idlen = n - 4;
	}
	if (st & AB_TRANS_SRCID) {
		switch (q & 0x3fu) {
		case AB_ID_IPV4:
			if (idlen < 4)
				return too_short(c, "TRANSPORT", n);
			id->type = ARGUS_SRCID_IPV4;
			id->len = 4;
			memcpy(id->value, b, 4);
			break;
		case AB_ID_IPV6:
			if (idlen < 16)
				return too_short(c, "TRANSPORT", n);
			id->type = ARGUS_SRCID_IPV6;
			id->len = 16;
			memcpy(id->value, b, 16);
			break;
		case AB_ID_INT:
			if (idlen < 4)
				return too_short(c, "TRANSPORT", n);
			id->type = ARGUS_SRCID_INT;
			id->len = 4;
			v = ab_get32(b);
			memcpy(id->value, &v, 4);
			break;
		case AB_ID_STRING: {
			size_t l = 0, max = idlen < sizeof id->value ? idlen : sizeof id->value;

			while (l < max && b[l])
				l++;
			id->type = ARGUS_SRCID_STRING;
			id->len = (uint8_t)l;
			memcpy(id->value, b, l);
			break;
		}
		default: /* no id, or an Ethernet id we have no place for */
			break;
		}
	}
	rec->present |= ARGUS_HAS_TRANSPORT;
	return 0;
}

static void swap_bytes(uint8_t *a, uint8_t *b, size_t n)
{
	while (n--) {
		uint8_t t = *a;
		*a++ = *b;
		*b++ = t;
	}
}

static int d_flow(struct dctx *c, unsigned st, unsigned q, const uint8_t *b, size_t n)
{
	struct argus_record *rec = c->rec;
	struct argus_flow_key *k = &rec->key;
	unsigned form = st & 0x3fu, atype = q & 0x1fu;
	int frag = (q & AB_ADDR_FRAG) != 0;
	int swap_ports = 0;

	if (form == AB_FLOW_CLASSIC && atype == AB_ADDR_IPV4) {
		if (n < 16)
			return too_short(c, "FLOW", n);
		k->family = ARGUS_KEY_IPV4;
		memcpy(k->saddr, b, 4);
		memcpy(k->daddr, b + 4, 4);
		k->proto = b[8];
		if (frag) {
			k->dport = ab_get16(b + 14); /* IP id: one flow per datagram */
		} else if (k->proto == 1) {
			k->sport = (uint16_t)(b[10] << 8 | b[11]);
			k->dport = ab_get16(b + 12);
		} else if (k->proto == 50) {
			k->sport = ab_get16(b + 12); /* ESP: the SPI */
			k->dport = ab_get16(b + 14);
		} else {
			k->sport = ab_get16(b + 10);
			k->dport = ab_get16(b + 12);
			swap_ports = 1;
		}
	} else if (form == AB_FLOW_CLASSIC && atype == AB_ADDR_IPV6) {
		if (n < 40)
			return too_short(c, "FLOW", n);
		k->family = ARGUS_KEY_IPV6;
		memcpy(k->saddr, b, 16);
		memcpy(k->daddr, b + 16, 16);
		k->proto = b[32];
		if (frag) {
			k->dport = ab_get16(b + 38); /* low half of the fragment id */
		} else if (k->proto == 58) {
			k->sport = (uint16_t)(b[36] << 8 | b[37]);
			k->dport = ab_get16(b + 38);
		} else {
			k->sport = ab_get16(b + 36);
			k->dport = ab_get16(b + 38);
			swap_ports = 1;
		}
	} else if (form == AB_FLOW_CLASSIC && atype == AB_ADDR_ETHER) {
		if (n < 16)
			return too_short(c, "FLOW", n);
		k->family = ARGUS_KEY_ETHER;
		memcpy(k->daddr, b, 6);
		memcpy(k->saddr, b + 6, 6);
		k->ethertype = ab_get16(b + 12);
		k->dport = b[14]; /* DSAP */
		k->sport = b[15]; /* SSAP */
		swap_ports = 1;
	} else if (form == AB_FLOW_CLASSIC && atype == AB_ADDR_WLAN) {
		if (n < 18)
			return too_short(c, "FLOW", n);
		size_t ssid_len = n > 18 ? n - 18 : 0;

		k->family = ARGUS_KEY_WLAN;
		memcpy(k->daddr, b, 6);
		memcpy(k->saddr, b + 6, 6);
		memcpy(k->saddr + 6, b + 12, 6); /* BSSID */
		/* the SSID, zero-padded: its length is up to the last non-zero byte */
		if (ssid_len > ARGUS_WLAN_SSID_MAX)
			ssid_len = ARGUS_WLAN_SSID_MAX;
		while (ssid_len && b[18 + ssid_len - 1] == 0)
			ssid_len--;
		memcpy(rec->wlan_ssid, b + 18, ssid_len);
		rec->wlan_ssid[ssid_len] = '\0';
		rec->wlan_ssid_len = (uint8_t)ssid_len;
		argus_wlan_ssid_key(b + 18, ssid_len, k->daddr + 6);
	} else if (form == AB_FLOW_CLASSIC && atype == AB_ADDR_ISIS) {
		uint32_t type;

		if (n < AB_ISIS_FLOW_WORDS * 4 - 4)
			return too_short(c, "FLOW", n);
		type = ab_get32(b);
		k->family = ARGUS_KEY_ISIS;
		k->proto = type > 0xff ? 0 : (uint8_t)type;
		memcpy(k->saddr, b + 4, 6);
		memcpy(k->daddr, b + 10, 6);
		k->sport = b[16];
		if (AB_ISIS_IS_HELLO(type)) {
			memcpy(k->saddr + 6, b + 20, 6);
			memcpy(k->daddr + 6, b + 26, 7);
		} else if (AB_ISIS_IS_LSP(type)) {
			memcpy(k->saddr + 6, b + 20, 8);
			for (int i = 0; i < 4; i++)
				k->daddr[9 - i] = b[28 + i];
		} else {
			memcpy(k->saddr + 6, b + 20, 7);
		}
		k->ethertype = ab_get16(b + 36);
	} else if (form == AB_FLOW_CLASSIC && atype == AB_ADDR_ARP) {
		/* old layout: sender IP, target IP, hardware address */
		if (n < 8)
			return too_short(c, "FLOW", n);
		k->family = ARGUS_KEY_ARP;
		k->ethertype = AB_ETHERTYPE_ARP;
		memcpy(k->saddr, b, 4);
		memcpy(k->daddr, b + 4, 4);
		memcpy(k->saddr + 4, b + 8, n - 8 < 6 ? n - 8 : 6);
	} else if (form == AB_FLOW_ARP && (atype == AB_ADDR_ARP || atype == AB_ADDR_RARP)) {
		size_t hln, pln, off, h;

		if (n < 8)
			return too_short(c, "FLOW", n);
		hln = b[4] < 6 ? b[4] : 6;
		pln = b[5];
		if (pln > 16) {
			snprintf(c->err, c->errlen, "ARP flow key with protocol address length %zu", pln);
			return AB_DECODE_CONTENT;
		}
		k->family = ARGUS_KEY_ARP;
		k->sport = ab_get16(b + 6); /* opcode */
		off = 8;
		if (atype == AB_ADDR_ARP) {
			k->ethertype = AB_ETHERTYPE_ARP;
			if (n < off + 2 * pln)
				return too_short(c, "FLOW", n);
			memcpy(k->saddr, b + off, pln < 4 ? pln : 4);
			memcpy(k->daddr, b + off + pln, pln < 4 ? pln : 4);
			off += 2 * pln;
			/* argus 3.0.8 cuts the hardware address short: take what is there */
			h = n - off < hln ? n - off : hln;
			memcpy(k->saddr + 4, b + off, h);
		} else {
			k->ethertype = AB_ETHERTYPE_RARP;
			if (n < off + pln)
				return too_short(c, "FLOW", n);
			memcpy(k->daddr, b + off, pln < 4 ? pln : 4);
			off += pln;
			h = n - off < hln ? n - off : hln;
			memcpy(k->saddr + 4, b + off, h);
			off += h;
			h = n - off < hln ? n - off : hln;
			memcpy(k->daddr + 4, b + off, h);
		}
	} else {
		return 0; /* a key form argus 3.0.8 does not write: ignore */
	}

	if (frag)
		rec->flags |= ARGUS_FLAG_FRAG;
	if (st & AB_FLOW_REVERSE) {
		swap_bytes(k->saddr, k->daddr, sizeof k->saddr);
		if (swap_ports) {
			uint16_t t = k->sport;
			k->sport = k->dport;
			k->dport = t;
		}
		rec->reversed = 1;
	}
	rec->present |= ARGUS_HAS_FLOW;
	return 0;
}

static int d_time(struct dctx *c, unsigned st, unsigned q, const uint8_t *b, size_t n)
{
	static const unsigned which[4] = {AB_TIME_SRC_START, AB_TIME_SRC_END, AB_TIME_DST_START,
					  AB_TIME_DST_END};
	struct argus_record *rec = c->rec;
	int nsec = (q == 0x19u || q == 0x1bu);
	unsigned form = st & 0x07u, bits = st & 0x78u;
	int relative = form >= 3 && form <= 5;
	size_t off = 0;
	int64_t first = 0, lo = 0, hi = 0;
	int have = 0, i;

	if (n < 8)
		return too_short(c, "TIME", n);
	if (!bits) {
		/* one or two timestamps; the length says which */
		rec->stime_us = rec->ltime_us = ab_get_time(b, nsec);
		if (relative && n >= 12) {
			int32_t d = (int32_t)ab_get32(b + 8);
			rec->ltime_us = rec->stime_us + (nsec ? d / 1000 : d);
		} else if (!relative && n >= 16) {
			rec->ltime_us = ab_get_time(b + 8, nsec);
		}
		rec->present |= ARGUS_HAS_TIME;
		return 0;
	}
	/* Bidirectional form: one timestamp per bit (src start, src end, dst
	 * start, dst end); in the relative forms all but the first are signed
	 * offsets from the first. */
	for (i = 0; i < 4; i++) {
		int64_t t;

		if (!(bits & which[i]))
			continue;
		if (have && relative) {
			int32_t d;

			if (n < off + 4)
				return too_short(c, "TIME", n);
			d = (int32_t)ab_get32(b + off);
			t = first + (nsec ? d / 1000 : d);
			off += 4;
		} else {
			if (n < off + 8)
				return too_short(c, "TIME", n);
			if (!ab_get32(b + off) && !ab_get32(b + off + 4)) {
				off += 8; /* direction never seen */
				continue;
			}
			t = ab_get_time(b + off, nsec);
			off += 8;
		}
		if (!have) {
			first = lo = hi = t;
			have = 1;
			continue;
		}
		if (t < lo)
			lo = t;
		if (t > hi)
			hi = t;
	}
	if (have) {
		rec->stime_us = lo;
		rec->ltime_us = hi;
	}
	rec->present |= ARGUS_HAS_TIME;
	return 0;
}

static uint64_t get_counter(const uint8_t *p, unsigned w)
{
	switch (w) {
	case 1:
		return *p;
	case 2:
		return ab_get16(p);
	case 4:
		return ab_get32(p);
	default:
		return ab_get64(p);
	}
}

static int d_metric(struct dctx *c, unsigned st, unsigned q, const uint8_t *b, size_t n)
{
	static const uint8_t width[16] = {0, 1, 2, 4, 8, 1, 2, 4, 8, 1, 2, 4, 8, 0, 0, 0};
	struct argus_record *rec = c->rec;
	unsigned code = q & 0x0fu, w = width[code];
	int app = st == AB_METRIC_APP;
	int src = code <= 8, dst = code <= 4 || code >= 9;
	size_t per = app ? 3 : 2, need;

	if (!w) {
		snprintf(c->err, c->errlen, "METRIC DSR with unknown width qualifier 0x%02x", q);
		return AB_DECODE_CONTENT;
	}
	need = per * w * (size_t)(src + dst);
	if (n < need)
		return too_short(c, "METRIC", n);
	if (src) {
		rec->spkts = get_counter(b, w);
		rec->sbytes = get_counter(b + w, w);
		if (app)
			rec->sappbytes = get_counter(b + 2 * w, w);
		b += per * w;
	}
	if (dst) {
		rec->dpkts = get_counter(b, w);
		rec->dbytes = get_counter(b + w, w);
		if (app)
			rec->dappbytes = get_counter(b + 2 * w, w);
	}
	rec->present |= ARGUS_HAS_METRIC | (app ? ARGUS_HAS_APPBYTES : 0);
	return 0;
}

static void get_tcp_dir(const uint8_t *b, struct argus_tcp_dir *d)
{
	d->last_time_us = (ab_get32(b) || ab_get32(b + 4)) ? ab_get_time(b, 0) : 0;
	d->status = ab_get32(b + 8);
	d->seqbase = ab_get32(b + 12);
	d->seq = ab_get32(b + 16);
	d->ack = ab_get32(b + 20);
	d->winnum = ab_get32(b + 24);
	d->bytes = ab_get32(b + 28);
	d->retrans = ab_get32(b + 32);
	d->ackbytes = ab_get32(b + 36);
	d->winbytes = ab_get32(b + 40);
	d->win = ab_get16(b + 44);
	d->flags = b[46];
	d->winshift = b[47];
}

static int d_network(struct dctx *c, unsigned st, const uint8_t *b, size_t n)
{
	struct argus_record *rec = c->rec;
	struct argus_tcp *t = &rec->tcp;

	switch (st) {
	case AB_NET_TCP_PERF:
		if (n < 20)
			return too_short(c, "NETWORK", n);
		t->status = ab_get32(b);
		t->state = ab_get32(b + 4);
		t->options = ab_get32(b + 8);
		t->synack_us = ab_get32(b + 12);
		t->ackdat_us = ab_get32(b + 16);
		if (n >= 20 + AB_TCP_DIR_BYTES)
			get_tcp_dir(b + 20, &t->src);
		if (n >= 20 + 2 * AB_TCP_DIR_BYTES) {
			get_tcp_dir(b + 20 + AB_TCP_DIR_BYTES, &t->dst);
			t->have_dst = 1;
		}
		rec->present |= ARGUS_HAS_TCP;
		break;
	case AB_NET_TCP_INIT:
		if (n < 16)
			return too_short(c, "NETWORK", n);
		t->status = ab_get32(b);
		t->src.seqbase = ab_get32(b + 4);
		t->options = ab_get32(b + 8);
		t->src.win = ab_get16(b + 12);
		t->src.flags = b[14];
		t->src.winshift = b[15];
		rec->present |= ARGUS_HAS_TCP;
		break;
	case AB_NET_TCP_STATUS:
		if (n < 6)
			return too_short(c, "NETWORK", n);
		t->status = ab_get32(b);
		t->src.flags = b[4];
		t->dst.flags = b[5];
		t->have_dst = b[5] != 0;
		rec->present |= ARGUS_HAS_TCP;
		break;
	case AB_NET_ICMP:
		if (n < 24)
			return too_short(c, "NETWORK", n);
		if (!c->icmp_dsr) {
			struct argus_icmp *ic = &rec->icmp;

			ic->type = b[0];
			ic->code = b[1];
			ic->seq = ab_get16le(b + 2);
			ic->osrc = ab_get32le(b + 4);
			ic->odst = ab_get32le(b + 8);
			ic->isrc = ab_get32le(b + 12);
			ic->idst = ab_get32le(b + 16);
			ic->gateway = ab_get32le(b + 20);
		}
		rec->present |= ARGUS_HAS_ICMP;
		break;
	case AB_NET_FRAG: /* argus's fragment state: a memory dump */
		rec->flags |= ARGUS_FLAG_FRAG_ONLY | ARGUS_FLAG_FRAG;
		break;
	default: /* empty, ARP state (a memory dump), ESP ... */
		break;
	}
	rec->present |= ARGUS_HAS_NET;
	return 0;
}

static int d_ipattr(struct dctx *c, unsigned q, const uint8_t *b, size_t n)
{
	struct argus_record *rec = c->rec;
	struct argus_ipattr *a[2] = {&rec->sattr, &rec->dattr};
	static const unsigned obj[2] = {AB_IPATTR_SRC, AB_IPATTR_DST};
	static const unsigned opt[2] = {AB_IPATTR_SRC_OPTS, AB_IPATTR_DST_OPTS};
	size_t off = 0;
	int i;

	for (i = 0; i < 2; i++) {
		if (q & obj[i]) {
			if (n < off + 4)
				return too_short(c, "IPATTR", n);
			a[i]->ttl = b[off];
			a[i]->tos = b[off + 1];
			a[i]->ipid = ab_get16(b + off + 2);
			a[i]->valid = 1;
			off += 4;
			rec->present |= ARGUS_HAS_IPATTR;
		}
		if (q & opt[i]) {
			if (n < off + 4)
				return too_short(c, "IPATTR", n);
			a[i]->options = ab_get32(b + off);
			off += 4;
		}
	}
	if (q & AB_IPATTR_SRC_FRAG)
		rec->sattr.frag = 1;
	if (q & AB_IPATTR_DST_FRAG)
		rec->dattr.frag = 1;
	if (q & (AB_IPATTR_SRC_FRAG | AB_IPATTR_DST_FRAG))
		rec->flags |= ARGUS_FLAG_FRAG;
	return 0;
}

/* One inter-packet time statistics block (XDR int count, four XDR floats). */
static void get_jitter(const uint8_t *b, struct argus_jitter_stats *j)
{
	uint32_t v[4];
	float *f[4] = {&j->min, &j->mean, &j->stddev, &j->max};
	int i;

	j->n = ab_get32(b);
	for (i = 0; i < 4; i++) {
		v[i] = ab_get32(b + 4 + 4 * i);
		memcpy(f[i], &v[i], sizeof *f[i]);
	}
}

static int d_jitter(struct dctx *c, unsigned q, const uint8_t *b, size_t n)
{
	struct argus_record *rec = c->rec;
	static const unsigned bit[4] = {AB_JIT_SRC_ACTIVE, AB_JIT_SRC_IDLE, AB_JIT_DST_ACTIVE,
					AB_JIT_DST_IDLE};
	struct argus_jitter *dir[4] = {&rec->sjit, &rec->sjit, &rec->djit, &rec->djit};
	size_t off = 0;
	int i;

	for (i = 0; i < 4; i++) {
		if (!(q & bit[i]))
			continue;
		if (n < off + AB_JIT_BLOCK_BYTES)
			return too_short(c, "JITTER", n);
		get_jitter(b + off, (i & 1) ? &dir[i]->idle : &dir[i]->active);
		dir[i]->valid |= (uint8_t)((i & 1) ? 0x02u : 0x01u);
		off += AB_JIT_BLOCK_BYTES;
	}
	rec->present |= ARGUS_HAS_JITTER;
	return 0;
}

static uint16_t clip16(uint64_t v)
{
	return v > 0xffffu ? 0xffffu : (uint16_t)v;
}

static int d_psize(struct dctx *c, unsigned q, const uint8_t *b, size_t n)
{
	static const uint8_t width[16] = {0, 1, 2, 4, 8, 1, 2, 4, 8, 1, 2, 4, 8, 0, 0, 0};
	struct argus_record *rec = c->rec;
	unsigned code = q & 0x0fu, w = width[code];
	int src = code <= 8, dst = code <= 4 || code >= 9;

	if (!w) {
		snprintf(c->err, c->errlen, "PSIZE DSR with unknown width qualifier 0x%02x", q);
		return AB_DECODE_CONTENT;
	}
	if (n < 2 * w * (size_t)(src + dst))
		return too_short(c, "PSIZE", n);
	if (src) {
		rec->spsize_min = clip16(get_counter(b, w));
		rec->spsize_max = clip16(get_counter(b + w, w));
		b += 2 * w;
	}
	if (dst) {
		rec->dpsize_min = clip16(get_counter(b, w));
		rec->dpsize_max = clip16(get_counter(b + w, w));
	}
	rec->present |= ARGUS_HAS_PSIZE;
	return 0;
}

static int d_mpls(struct dctx *c, unsigned q, const uint8_t *b, size_t n)
{
	struct argus_record *rec = c->rec;
	size_t ns = q >> 4, nd = q & 0x0fu, i;

	if (n < 4 * (ns + nd))
		return too_short(c, "MPLS", n);
	rec->n_smpls = (uint8_t)(ns < ARGUS_MPLS_MAX ? ns : ARGUS_MPLS_MAX);
	rec->n_dmpls = (uint8_t)(nd < ARGUS_MPLS_MAX ? nd : ARGUS_MPLS_MAX);
	for (i = 0; i < rec->n_smpls; i++)
		rec->smpls[i] = ab_get32(b + 4 * i);
	for (i = 0; i < rec->n_dmpls; i++)
		rec->dmpls[i] = ab_get32(b + 4 * (ns + i));
	rec->present |= ARGUS_HAS_MPLS;
	return 0;
}

static int d_data(struct dctx *c, unsigned st, const uint8_t *b, size_t n)
{
	struct argus_record *rec = c->rec;
	size_t count, keep;

	if (n < 4)
		return too_short(c, "DATA", n);
	count = ab_get16(b + 2);
	if (count > n - 4) {
		snprintf(c->err, c->errlen, "DATA DSR holds %zu bytes but counts %zu", n - 4, count);
		return AB_DECODE_CONTENT;
	}
	keep = count < ARGUS_USERDATA_MAX ? count : ARGUS_USERDATA_MAX;
	if (st & AB_DATA_SRC) {
		memcpy(rec->suser, b + 4, keep);
		rec->suser_len = (uint16_t)keep;
	} else if (st & AB_DATA_DST) {
		memcpy(rec->duser, b + 4, keep);
		rec->duser_len = (uint16_t)keep;
	} else {
		return 0; /* neither direction: nothing to keep */
	}
	rec->present |= ARGUS_HAS_USERDATA;
	return 0;
}

static int d_dsr(struct dctx *c, unsigned type, unsigned st, unsigned q, const uint8_t *b, size_t n)
{
	struct argus_record *rec = c->rec;

	switch (type) {
	case AB_DSR_TRANSPORT:
		return d_transport(c, st, q, b, n);
	case AB_DSR_FLOW:
		return d_flow(c, st, q, b, n);
	case AB_DSR_TIME:
		return d_time(c, st, q, b, n);
	case AB_DSR_METRIC:
		return d_metric(c, st, q, b, n);
	case AB_DSR_AGR:
		if (n < 4)
			return too_short(c, "AGR", n);
		rec->trans = ab_get32(b);
		rec->present |= ARGUS_HAS_AGR;
		return 0;
	case AB_DSR_NETWORK:
		return d_network(c, st, b, n);
	case AB_DSR_IPATTR:
		return d_ipattr(c, q, b, n);
	case AB_DSR_VLAN:
		if (n < 4)
			return too_short(c, "VLAN", n);
		rec->svlan = ab_get16(b);
		rec->dvlan = ab_get16(b + 2);
		rec->vlan_valid = (uint8_t)(q & 0x03u);
		rec->present |= ARGUS_HAS_VLAN;
		return 0;
	case AB_DSR_MAC:
		if (n < 14)
			return too_short(c, "MAC", n);
		memcpy(rec->dmac, b, 6);
		memcpy(rec->smac, b + 6, 6);
		rec->mac_ethertype = ab_get16le(b + 12);
		if (q & 0x03u)
			rec->flags |= ARGUS_FLAG_MULTI_MAC;
		rec->present |= ARGUS_HAS_MAC;
		return 0;
	case AB_DSR_ICMP: {
		struct argus_icmp *ic = &rec->icmp;
		uint32_t *addr[5] = {&ic->osrc, &ic->odst, &ic->isrc, &ic->idst, &ic->gateway};
		size_t i;

		if (n < 4)
			return too_short(c, "ICMP", n);
		memset(ic, 0, sizeof *ic);
		ic->type = b[0];
		ic->code = b[1];
		ic->seq = ab_get16(b + 2);
		for (i = 0; i < 5 && n >= 8 + 4 * i; i++)
			*addr[i] = ab_get32(b + 4 + 4 * i);
		c->icmp_dsr = 1;
		/* ra prints 'U' only when the qualifier says which error was mapped */
		if (q & AB_ICMP_MAPPED_MASK)
			rec->flags |= ARGUS_FLAG_ICMP_MAPPED;
		rec->present |= ARGUS_HAS_ICMP;
		return 0;
	}
	case AB_DSR_ENCAPS:
		if (n < 8)
			return too_short(c, "ENCAPS", n);
		rec->sencaps = ab_get32(b);
		rec->dencaps = ab_get32(b + 4);
		rec->present |= ARGUS_HAS_ENCAPS;
		return 0;
	case AB_DSR_JITTER:
		return d_jitter(c, q, b, n);
	case AB_DSR_PSIZE:
		return d_psize(c, q, b, n);
	case AB_DSR_MPLS:
		return d_mpls(c, q, b, n);
	case AB_DSR_DATA:
		return d_data(c, st, b, n);
	case AB_DSR_EXT: {
		size_t count;
		if (n < 4)
			return too_short(c, "plugin data", n);
		count = ab_get16(b);
		if (count > n - 4 || count > ARGUS_RECORD_EXT_MAX) {
			snprintf(c->err, c->errlen, "plugin data DSR holds %zu bytes but counts %zu",
				 n - 4, count);
			return AB_DECODE_CONTENT;
		}
		memcpy(rec->ext, b + 4, count);
		rec->ext_len = (uint16_t)count;
		return 0;
	}
	default: /* ASN, BEHAVIOR, COR, LABEL ...: no place in the record */
		return 0;
	}
}

/* Flags Argus keeps in the TCP status word. */
static void tcp_flags(struct argus_record *rec)
{
	uint32_t s = rec->tcp.status;

	if (s & ARGUS_TCP_SRC_PKTS_RETRANS)
		rec->flags |= ARGUS_FLAG_SRC_RETRANS;
	if (s & ARGUS_TCP_DST_PKTS_RETRANS)
		rec->flags |= ARGUS_FLAG_DST_RETRANS;
	if (s & ARGUS_TCP_SRC_WINDOW_SHUT)
		rec->flags |= ARGUS_FLAG_SRC_WINSHUT;
	if (s & ARGUS_TCP_DST_WINDOW_SHUT)
		rec->flags |= ARGUS_FLAG_DST_WINSHUT;
	if (s & (ARGUS_TCP_SRC_CONG | ARGUS_TCP_DST_CONG))
		rec->flags |= ARGUS_FLAG_ECN;
	if (s & (ARGUS_TCP_SRC_OUTOFORDER | ARGUS_TCP_DST_OUTOFORDER))
		rec->flags |= ARGUS_FLAG_OUTOFORDER;
	if (!(s & (ARGUS_TCP_SAW_SYN | ARGUS_TCP_SAW_SYN_SENT)))
		rec->flags |= ARGUS_FLAG_MID_STREAM;
}

static void decode_mar(const uint8_t *p, struct argus_record *rec)
{
	struct argus_mar *m = &rec->mar;
	unsigned nibble;

	rec->kind = ARGUS_RECORD_MAR;
	m->status = ab_get32(p + 4);
	m->argusid = ab_get32(p + 8);
	m->localnet = ab_get32(p + 12);
	m->netmask = ab_get32(p + 16);
	m->sequence = ab_get32(p + 20);
	m->start_us = ab_get_time(p + 24, 0);
	m->now_us = ab_get_time(p + 32, 0);
	m->major = p[40];
	m->minor = p[41];
	m->iftype = p[42];
	m->ifstatus = p[43];
	m->flow_interval = ab_get16(p + 44);
	m->mar_interval = ab_get16(p + 46);
	m->pkts_rcvd = ab_get64(p + 48);
	m->bytes_rcvd = ab_get64(p + 56);
	m->drift = (int64_t)ab_get64(p + 64);
	m->records = ab_get32(p + 72);
	m->flows = ab_get32(p + 76);
	m->dropped = ab_get32(p + 80);
	m->queue = ab_get32(p + 84);
	m->output = ab_get32(p + 88);
	m->clients = ab_get32(p + 92);
	m->bufs = ab_get32(p + 96);
	m->bytes = ab_get32(p + 100);
	m->suserlen = ab_get16(p + 104);
	m->duserlen = ab_get16(p + 106);
	m->thisid = ab_get32(p + 120);
	/* later MARs carry the source id where the first has the cookie */
	if (!m->thisid && m->argusid != AB_COOKIE_V3)
		m->thisid = m->argusid;
	rec->present |= ARGUS_HAS_MAR;

	nibble = (m->status >> 20) & 0x0fu;
	if (m->thisid && (nibble == 0x8 || nibble == 0x4 || nibble == 0x2)) {
		struct argus_srcid *id = &rec->srcid;

		id->len = 4;
		if (nibble == 0x4) {
			id->type = ARGUS_SRCID_INT;
			memcpy(id->value, &m->thisid, 4);
		} else {
			id->type = nibble == 0x8 ? ARGUS_SRCID_IPV4 : ARGUS_SRCID_STRING;
			ab_put32(id->value, m->thisid);
			if (nibble == 0x2)
				while (id->len && !id->value[id->len - 1])
					id->len--;
		}
		rec->present |= ARGUS_HAS_TRANSPORT;
	}
}

int argus_binary_decode(const uint8_t *p, size_t len, struct argus_record *rec, char *err,
			size_t errlen)
{
	struct dctx c = {.rec = rec, .err = err, .errlen = errlen};
	size_t off = 4;

	memset(rec, 0, sizeof *rec);
	rec->cause = (uint8_t)(p[1] >> 4);
	rec->trans = 1;
	if ((p[0] & AB_REC_TYPE_MASK) == AB_REC_MAR) {
		if (len < AB_MAR_BYTES) {
			snprintf(err, errlen, "MAR of %zu bytes (Argus 3 MARs have %u)", len,
				 AB_MAR_BYTES);
			return AB_DECODE_FRAMING;
		}
		decode_mar(p, rec);
		return 0;
	}

	rec->kind = ARGUS_RECORD_FLOW;
	while (off < len) {
		size_t left = len - off, dlen;
		unsigned type = p[off], st = p[off + 1], q = 0;
		int rc;

		if (left < 4) {
			snprintf(err, errlen, "DSR header cut by the record end (%zu left)", left);
			return AB_DECODE_FRAMING;
		}
		if (type & 0x80u) { /* immediate: the header is the whole DSR */
			off += 4;
			continue;
		}
		if ((st & 0x80u) || type == AB_DSR_DATA) {
			dlen = (size_t)ab_get16(p + off + 2) * 4;
		} else {
			q = p[off + 2];
			dlen = (size_t)p[off + 3] * 4;
		}
		if (dlen == 0) {
			snprintf(err, errlen, "DSR type 0x%02x at record offset %zu has length 0", type,
				 off);
			return AB_DECODE_FRAMING;
		}
		if (dlen > left) {
			snprintf(err, errlen, "DSR length %zu exceeds record (%zu left)", dlen, left);
			return AB_DECODE_FRAMING;
		}
		rc = d_dsr(&c, type, st, q, p + off + 4, dlen - 4);
		if (rc)
			return rc;
		off += dlen;
	}
	if (rec->present & ARGUS_HAS_TCP)
		tcp_flags(rec);
	return 0;
}

/* ---- the source: plain or gzip ------------------------------------------------ */

static const char *unit(const struct argus_binary_reader *r)
{
	return r->gz == GZ_YES ? " (uncompressed)" : "";
}

__attribute__((format(printf, 2, 3))) static void src_fail(struct argus_binary_reader *r,
							  const char *fmt, ...)
{
	va_list ap;

	if (!r->src_err) {
		va_start(ap, fmt);
		vsnprintf(r->srcmsg, sizeof r->srcmsg, fmt, ap);
		va_end(ap);
		r->src_err = 1;
	}
	r->in_eof = 1;
	r->zpos = r->zend = 0;
}

/* Read from the descriptor into zbuf[zend..); 0 at the end (or on error). */
static size_t raw_refill(struct argus_binary_reader *r)
{
	for (;;) {
		ssize_t n;

		if (r->in_eof || r->zend == sizeof r->zbuf)
			return 0;
		n = read(r->fd, r->zbuf + r->zend, sizeof r->zbuf - r->zend);
		if (n > 0) {
			r->zend += (size_t)n;
			r->raw += (uint64_t)n;
			return (size_t)n;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			src_fail(r, "read failed at byte %" PRIu64 ": %s", r->raw, strerror(errno));
		r->in_eof = 1;
		return 0;
	}
}

/* Make at least NEED (<= sizeof zbuf) raw bytes available unless the input
 * ends first. */
static void raw_need(struct argus_binary_reader *r, size_t need)
{
	if (r->zend - r->zpos >= need)
		return;
	if (r->zpos) {
		memmove(r->zbuf, r->zbuf + r->zpos, r->zend - r->zpos);
		r->zend -= r->zpos;
		r->zpos = 0;
	}
	while (r->zend < need && raw_refill(r))
		;
}

static void sniff(struct argus_binary_reader *r)
{
	int rc;

	raw_need(r, 2);
	if (r->zend - r->zpos < 2 || r->zbuf[r->zpos] != 0x1f || r->zbuf[r->zpos + 1] != 0x8b) {
		r->gz = GZ_NO;
		return;
	}
	r->gz = GZ_YES;
	memset(&r->zs, 0, sizeof r->zs);
	rc = inflateInit2(&r->zs, 16 + MAX_WBITS); /* gzip wrapper only */
	if (rc != Z_OK) {
		src_fail(r, "cannot start gzip decompression at byte 0: %s",
			 rc == Z_MEM_ERROR ? "out of memory" : "zlib error");
		return;
	}
	r->zlive = 1;
	r->zmember = 1;
}

/* Between gzip members: 1 if another member follows, 0 at the end.
 * Trailing zero bytes (tape padding) are ignored, as gzip does. */
static int next_member(struct argus_binary_reader *r)
{
	raw_need(r, 2);
	if (r->zpos == r->zend)
		return 0;
	if (r->zend - r->zpos >= 2 && r->zbuf[r->zpos] == 0x1f && r->zbuf[r->zpos + 1] == 0x8b) {
		if (inflateReset(&r->zs) != Z_OK) {
			src_fail(r, "gzip member at compressed byte %" PRIu64 ": zlib error",
				 r->zused);
			return 0;
		}
		r->zmember = 1;
		return 1;
	}
	for (;;) {
		for (; r->zpos < r->zend; r->zpos++, r->zused++) {
			if (r->zbuf[r->zpos]) {
				src_fail(r,
					 "data after the end of the gzip stream at compressed byte %" PRIu64
					 " is not gzip",
					 r->zused);
				return 0;
			}
		}
		r->zpos = r->zend = 0;
		if (!raw_refill(r))
			return 0;
	}
}

/* Inflate up to CAP bytes into DST; 0 at the end of the input. */
static size_t inflate_some(struct argus_binary_reader *r, uint8_t *dst, size_t cap)
{
	z_stream *zs = &r->zs;

	for (;;) {
		size_t in, used, made;
		int rc;

		if (!r->zmember && !next_member(r))
			return 0;
		if (r->zpos == r->zend) {
			r->zpos = r->zend = 0;
			raw_refill(r);
		}
		in = r->zend - r->zpos;
		zs->next_in = r->zbuf + r->zpos;
		zs->avail_in = (uInt)in;
		zs->next_out = dst;
		zs->avail_out = (uInt)(cap < 0x40000000u ? cap : 0x40000000u);
		made = zs->avail_out;
		rc = inflate(zs, Z_NO_FLUSH);
		used = in - zs->avail_in;
		made -= zs->avail_out;
		r->zpos += used;
		r->zused += used;
		if (rc == Z_STREAM_END) {
			r->zmember = 0;
			if (made)
				return made;
			continue;
		}
		if (rc == Z_OK || rc == Z_BUF_ERROR) {
			if (made)
				return made;
			if (r->zpos == r->zend && r->in_eof) {
				src_fail(r, "gzip data truncated at compressed byte %" PRIu64, r->zused);
				return 0;
			}
			if (!used && r->zpos < r->zend) {
				src_fail(r, "gzip data stuck at compressed byte %" PRIu64, r->zused);
				return 0;
			}
			continue;
		}
		/* what was inflated before the error is still good data */
		src_fail(r, "gzip data corrupt at compressed byte %" PRIu64 ": %s", r->zused,
			 zs->msg ? zs->msg : "zlib error");
		return made;
	}
}

/* Up to CAP bytes of the (inflated) stream into DST; 0 at its end. */
static size_t src_read(struct argus_binary_reader *r, uint8_t *dst, size_t cap)
{
	size_t n;

	if (r->gz == GZ_UNKNOWN)
		sniff(r);
	if (r->gz == GZ_YES)
		return r->src_err ? 0 : inflate_some(r, dst, cap);
	if (r->zpos < r->zend) { /* the bytes read to sniff */
		n = r->zend - r->zpos < cap ? r->zend - r->zpos : cap;
		memcpy(dst, r->zbuf + r->zpos, n);
		r->zpos += n;
		return n;
	}
	for (;;) {
		ssize_t got;

		if (r->in_eof)
			return 0;
		got = read(r->fd, dst, cap);
		if (got > 0) {
			r->raw += (uint64_t)got;
			return (size_t)got;
		}
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			src_fail(r, "read failed at byte %" PRIu64 ": %s", r->raw, strerror(errno));
		r->in_eof = 1;
		return 0;
	}
}

/* ---- the stream ---------------------------------------------------------------- */

static int fatal(struct argus_binary_reader *r, int code, char *err, size_t errlen)
{
	r->fatal = code;
	snprintf(err, errlen, "%s", r->errmsg);
	return code;
}

/* Make at least NEED unread bytes available unless the input ends first. */
static void fill(struct argus_binary_reader *r, size_t need)
{
	if (r->end - r->pos >= need || r->eof)
		return;
	if (r->pos + need > sizeof r->buf) {
		memmove(r->buf, r->buf + r->pos, r->end - r->pos);
		r->base += r->pos;
		r->end -= r->pos;
		r->pos = 0;
	}
	while (r->end - r->pos < need && !r->eof) {
		size_t n = src_read(r, r->buf + r->end, sizeof r->buf - r->end);

		if (n)
			r->end += n;
		else
			r->eof = 1;
	}
}

/* Cheap check that a candidate's DSRs tile it exactly; argus records have
 * a handful of DSRs, so more than AB_RESYNC_MAX_DSRS means garbage (and
 * bounds the work per candidate offset while scanning). */
#define AB_RESYNC_MAX_DSRS 32

static int chain_fits(const uint8_t *p, size_t len)
{
	size_t off = 4, dlen;
	int n = 0;

	while (off < len) {
		if (++n > AB_RESYNC_MAX_DSRS || len - off < 4)
			return 0;
		if (p[off] & 0x80u)
			dlen = 4;
		else if ((p[off + 1] & 0x80u) || p[off] == AB_DSR_DATA)
			dlen = (size_t)ab_get16(p + off + 2) * 4;
		else
			dlen = (size_t)p[off + 3] * 4;
		if (dlen == 0 || dlen > len - off)
			return 0;
		off += dlen;
	}
	return 1;
}

/* Is there a plausible record at r->pos?  1 yes (decoded into REC), 0 no.
 * Only complete, fully decodable records count. */
static int plausible(struct argus_binary_reader *r, struct argus_record *rec)
{
	char scratch[8];
	const uint8_t *p;
	size_t len;
	unsigned cause;

	fill(r, 4);
	if (r->end - r->pos < 4)
		return 0;
	p = r->buf + r->pos;
	if (p[0] != (AB_REC_FAR | AB_VERSION) && p[0] != (AB_REC_MAR | AB_VERSION))
		return 0;
	cause = p[1] >> 4;
	len = (size_t)ab_get16(p + 2) * 4;
	if (cause < 1 || cause > 0x0a)
		return 0;
	if (p[0] == (AB_REC_MAR | AB_VERSION) && len != AB_MAR_BYTES)
		return 0;
	if (p[0] == (AB_REC_FAR | AB_VERSION) && (len < 8 || cause > 8))
		return 0;
	fill(r, len);
	if (r->end - r->pos < len)
		return 0;
	p = r->buf + r->pos;
	if (p[0] == (AB_REC_MAR | AB_VERSION))
		return ab_get32(p + 8) == AB_COOKIE_V3 || p[40] == 3;
	if (!chain_fits(p, len))
		return 0;
	switch (p[4]) { /* the first DSR must be one argus writes */
	case AB_DSR_TRANSPORT:
	case AB_DSR_FLOW:
	case AB_DSR_TIME:
	case AB_DSR_METRIC:
		break;
	default:
		return 0;
	}
	if (argus_binary_decode(p, len, rec, scratch, sizeof scratch))
		return 0;
	return (rec->present & (ARGUS_HAS_FLOW | ARGUS_HAS_TIME | ARGUS_HAS_METRIC)) != 0;
}

/* After bad data at r->pos: scan forward to the next plausible record and
 * finish the message in r->errmsg. */
static void resync(struct argus_binary_reader *r, struct argus_record *rec, int quiet_at_eof)
{
	uint64_t from = r->base + r->pos;
	size_t used = strlen(r->errmsg);

	r->pos++;
	for (;;) {
		if (r->pos >= r->end) {
			fill(r, 1);
			if (r->pos >= r->end) {
				r->done = 1;
				if (!quiet_at_eof)
					snprintf(r->errmsg + used, sizeof r->errmsg - used,
						 "; no record after it");
				return;
			}
		}
		/* quick filter before the full check */
		if ((r->buf[r->pos] == (AB_REC_FAR | AB_VERSION) ||
		     r->buf[r->pos] == (AB_REC_MAR | AB_VERSION)) &&
		    plausible(r, rec))
			break;
		r->pos++;
	}
	snprintf(r->errmsg + used, sizeof r->errmsg - used,
		 "; skipped %" PRIu64 " bytes to the next record at byte %" PRIu64 "%s",
		 r->base + r->pos - from, r->base + r->pos, unit(r));
}

/* Report bad data at the current record (r->errmsg holds the reason) and
 * skip it: by its length when the framing is sound, else by scanning. */
static int skip_bad(struct argus_binary_reader *r, struct argus_record *rec, size_t len,
		    int quiet_at_eof, char *err, size_t errlen)
{
	if (len)
		r->pos += len;
	else
		resync(r, rec, quiet_at_eof);
	snprintf(err, errlen, "%s", r->errmsg);
	return ARGUS_ESKIP;
}

static int check_first(struct argus_binary_reader *r, const uint8_t *p, size_t avail)
{
	uint32_t cookie = avail >= 12 ? ab_get32(p + 8) : 0;
	size_t words = avail >= 4 ? ab_get16(p + 2) : 0;

	if ((p[0] & AB_REC_TYPE_MASK) != AB_REC_MAR || avail < 12 ||
	    (cookie != AB_COOKIE_V3 && cookie != AB_COOKIE_V2 && cookie != AB_COOKIE_V5)) {
		snprintf(r->errmsg, sizeof r->errmsg,
			 "not an Argus 3 stream (no MAR with the V3 cookie at byte 0)");
		return ARGUS_EFORMAT;
	}
	if (cookie != AB_COOKIE_V3) {
		snprintf(r->errmsg, sizeof r->errmsg,
			 "an Argus %d stream (cookie 0x%08" PRIx32 " at byte 8); only Argus 3 is read",
			 cookie == AB_COOKIE_V2 ? 2 : 5, cookie);
		return ARGUS_EFORMAT;
	}
	if (words < AB_MAR_WORDS) {
		snprintf(r->errmsg, sizeof r->errmsg,
			 "the first MAR, at byte 0, is %zu words long (an Argus 3 MAR has %u)", words,
			 AB_MAR_WORDS);
		return ARGUS_EFORMAT;
	}
	return 0;
}

int argus_binary_read_next(void *reader, struct argus_record *rec, char *err, size_t errlen)
{
	struct argus_binary_reader *r = reader;

	if (r->fatal) {
		snprintf(err, errlen, "%s", r->errmsg);
		return r->fatal;
	}
	for (;;) {
		const uint8_t *p;
		char why[128];
		size_t avail, len;
		uint64_t at, recno;
		unsigned type;
		int rc;

		if (!r->done) {
			fill(r, r->started ? 4 : 12);
			if (r->end == r->pos)
				r->done = 1;
		}
		if (r->done || (!r->started && r->src_err && r->end - r->pos < 12)) {
			/* the end: an input error is reported after the records before it */
			r->done = 1;
			if (!r->src_err)
				return 0;
			snprintf(r->errmsg, sizeof r->errmsg, "%s", r->srcmsg);
			return fatal(r, ARGUS_EIO, err, errlen);
		}
		avail = r->end - r->pos;
		p = r->buf + r->pos;
		at = r->base + r->pos;
		recno = ++r->nrec;
		if (!r->started) {
			rc = check_first(r, p, avail);
			if (rc)
				return fatal(r, rc, err, errlen);
			r->started = 1;
		}
		if (avail < 4) {
			snprintf(r->errmsg, sizeof r->errmsg,
				 "truncated record at byte %" PRIu64 "%s (need 4 bytes, have %zu)", at,
				 unit(r), avail);
			r->pos = r->end;
			r->done = 1;
			snprintf(err, errlen, "%s", r->errmsg);
			return ARGUS_ESKIP;
		}
		type = p[0] & AB_REC_TYPE_MASK;
		len = (size_t)ab_get16(p + 2) * 4;
		/* ra ignores the version nibble of MARs and FARs; other Argus
		 * record types (index, event ...) are skipped when they look sane */
		if (len == 0 || (type == AB_REC_MAR && len < AB_MAR_BYTES) ||
		    (type != AB_REC_MAR && type != AB_REC_FAR &&
		     ((p[0] & 0x0fu) != AB_VERSION || type == 0 || type > 0x70u))) {
			snprintf(r->errmsg, sizeof r->errmsg,
				 "record %" PRIu64 " at byte %" PRIu64
				 "%s: bad record header %02x %02x %02x %02x",
				 recno, at, unit(r), p[0], p[1], p[2], p[3]);
			return skip_bad(r, rec, 0, 0, err, errlen);
		}
		fill(r, len);
		avail = r->end - r->pos;
		p = r->buf + r->pos;
		if (avail < len) {
			snprintf(r->errmsg, sizeof r->errmsg,
				 "truncated record at byte %" PRIu64 "%s (need %zu bytes, have %zu)", at,
				 unit(r), len, avail);
			return skip_bad(r, rec, 0, 1, err, errlen);
		}
		if (type != AB_REC_MAR && type != AB_REC_FAR) {
			r->pos += len; /* another Argus record type (event, index ...) */
			continue;
		}
		rc = argus_binary_decode(p, len, rec, why, sizeof why);
		if (rc == 0) {
			r->pos += len;
			return 1;
		}
		snprintf(r->errmsg, sizeof r->errmsg, "record %" PRIu64 " at byte %" PRIu64 "%s: %s",
			 recno, at, unit(r), why);
		return skip_bad(r, rec, rc == AB_DECODE_CONTENT ? len : 0, 0, err, errlen);
	}
}

int argus_binary_read_open(void *state, int fd, const char *name, void **reader, char *err,
			   size_t errlen)
{
	struct argus_binary_reader *r;

	(void)state;
	(void)name;
	*reader = NULL;
	if (fd < 0) {
		snprintf(err, errlen, "no file descriptor to read from");
		return ARGUS_EINVAL;
	}
	r = malloc(sizeof *r);
	if (!r) {
		snprintf(err, errlen, "out of memory for the input buffer");
		return ARGUS_ENOMEM;
	}
	r->fd = fd;
	r->eof = r->started = r->done = r->fatal = 0;
	r->base = r->nrec = 0;
	r->pos = r->end = 0;
	r->errmsg[0] = '\0';
	r->gz = GZ_UNKNOWN;
	r->zlive = r->zmember = r->in_eof = r->src_err = 0;
	r->raw = r->zused = 0;
	r->zpos = r->zend = 0;
	r->srcmsg[0] = '\0';
	*reader = r;
	return 0;
}

/* For progress against the file size: the position in the file, so for
 * gzip input the compressed bytes consumed. */
uint64_t argus_binary_read_offset(void *reader)
{
	const struct argus_binary_reader *r = reader;

	if (r->gz == GZ_YES)
		return r->zused;
	return r->base + r->pos;
}

void argus_binary_read_close(void *reader)
{
	struct argus_binary_reader *r = reader;

	if (r && r->zlive)
		inflateEnd(&r->zs);
	free(r);
}
