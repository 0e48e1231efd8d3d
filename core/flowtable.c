/* Flow table.
 *
 * Flows live in a pool of fixed-size entries (allocated in chunks, recycled
 * through a free list) and are found through an open-addressing hash table
 * of (hash, index) slots with linear probing.  The hash is symmetric in the
 * two endpoints, so both directions of a flow land on the same slot chain.
 *
 * Timers need no wheel: every flow sits on two intrusive lists, each kept in
 * time order for free.  The activity list of its timeout class (one class
 * per decoder, plus generic IP and non-IP) is ordered by last packet, so its
 * head is the next flow to go idle; the report list is ordered by the start
 * of the current status interval, so its head is the next report due.
 * Advancing time only looks at list heads.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <argus/plugin.h>

#include "flowtable.h"

#define NIL UINT32_MAX
#define CHUNK_SHIFT 12
#define CHUNK_FLOWS (1u << CHUNK_SHIFT)
#define MAX_CLASSES 34 /* generic IP, non-IP, up to 32 decoders */
#define CLASS_IP 0
#define CLASS_NONIP 1
#define MAX_DECODER_STATE 256
#define FRAG_SLOTS 4096

struct list {
	uint32_t head, tail;
};

struct link {
	uint32_t prev, next;
};

struct flow_attr {
	uint8_t ttl, tos;
	uint16_t ipid;
	uint8_t valid, frag;
};

struct flow {
	struct argus_flow_key key;
	uint32_t hash;
	uint32_t serial; /* tells a recycled entry from the flow a fragment refers to */
	struct link act; /* activity list of its class */
	struct link rep; /* report list */
	uint8_t cls;
	uint8_t decoder; /* index + 1, 0 = none */
	uint8_t reported; /* a record of this flow was emitted already */
	uint8_t vlan_valid;
	int64_t stime_us, ltime_us; /* of the current report */
	int64_t last_us;            /* last packet of the flow (for idle) */
	int64_t report_start_us;
	uint64_t spkts, dpkts, sbytes, dbytes, sapp, dapp;
	struct flow_attr sattr, dattr;
	uint8_t smac[6], dmac[6];
	uint16_t svlan, dvlan;
	uint32_t sencaps, dencaps;
	uint32_t flags;
	/* decoder state follows, aligned to 8 */
};

struct decoder_slot {
	const char *name;
	const struct argus_decoder_ops *ops;
	void *state;
};

struct slot {
	uint32_t hash;
	uint32_t idx;
};

struct frag_entry {
	uint8_t saddr[16], daddr[16];
	uint8_t family, proto;
	uint16_t ipid;
	uint32_t flow, serial;
	int64_t expires_us;
};

struct argus_flowtable {
	struct argus_flowtable_config cfg;
	argus_emit_fn emit;
	void *emit_ctx;
	int failed;

	struct decoder_slot decoders[MAX_CLASSES - 2];
	uint8_t n_decoders;
	uint8_t proto_decoder[256]; /* IP protocol -> decoder index + 1 */

	int64_t class_timeout_us[MAX_CLASSES];
	struct list active[MAX_CLASSES];
	struct list reports;

	size_t flow_size;
	uint8_t **chunks;
	uint32_t n_chunks, cap_chunks;
	uint32_t n_alloc; /* entries handed out from chunks */
	uint32_t free_head;
	uint32_t next_serial;

	struct slot *slots;
	uint32_t mask; /* capacity - 1 */
	uint32_t count;

	struct frag_entry *frags;

	int64_t now_us;
	uint32_t seq;
	struct argus_flowtable_stats stats;
	struct argus_record rec; /* scratch for emission */
};

static inline struct flow *flow_at(const struct argus_flowtable *ft, uint32_t idx)
{
	return (struct flow *)(void *)(ft->chunks[idx >> CHUNK_SHIFT] +
				       (size_t)(idx & (CHUNK_FLOWS - 1)) * ft->flow_size);
}

static inline void *flow_state(struct flow *f)
{
	return (uint8_t *)f + ((sizeof(struct flow) + 7) & ~(size_t)7);
}

/* ---- lists ---- */

#define LIST_OPS(field)                                                                      \
	static void list_push_##field(struct argus_flowtable *ft, struct list *l, uint32_t i) \
	{                                                                                    \
		struct flow *f = flow_at(ft, i);                                             \
		f->field.prev = l->tail;                                                     \
		f->field.next = NIL;                                                         \
		if (l->tail != NIL)                                                          \
			flow_at(ft, l->tail)->field.next = i;                                \
		else                                                                         \
			l->head = i;                                                         \
		l->tail = i;                                                                 \
	}                                                                                    \
	static void list_remove_##field(struct argus_flowtable *ft, struct list *l, uint32_t i) \
	{                                                                                    \
		struct flow *f = flow_at(ft, i);                                             \
		if (f->field.prev != NIL)                                                    \
			flow_at(ft, f->field.prev)->field.next = f->field.next;              \
		else                                                                         \
			l->head = f->field.next;                                             \
		if (f->field.next != NIL)                                                    \
			flow_at(ft, f->field.next)->field.prev = f->field.prev;              \
		else                                                                         \
			l->tail = f->field.prev;                                             \
	}
LIST_OPS(act)
LIST_OPS(rep)

/* ---- pool ---- */

static uint32_t pool_get(struct argus_flowtable *ft)
{
	uint32_t idx;

	if (ft->free_head != NIL) {
		idx = ft->free_head;
		ft->free_head = flow_at(ft, idx)->act.next;
		return idx;
	}
	if ((ft->n_alloc & (CHUNK_FLOWS - 1)) == 0 && (ft->n_alloc >> CHUNK_SHIFT) == ft->n_chunks) {
		if (ft->n_chunks == ft->cap_chunks) {
			uint32_t cap = ft->cap_chunks ? ft->cap_chunks * 2 : 16;
			uint8_t **c = realloc(ft->chunks, cap * sizeof *c);
			if (!c)
				return NIL;
			ft->chunks = c;
			ft->cap_chunks = cap;
		}
		ft->chunks[ft->n_chunks] = malloc(CHUNK_FLOWS * ft->flow_size);
		if (!ft->chunks[ft->n_chunks])
			return NIL;
		ft->n_chunks++;
	}
	return ft->n_alloc++;
}

static void pool_put(struct argus_flowtable *ft, uint32_t idx)
{
	flow_at(ft, idx)->act.next = ft->free_head;
	ft->free_head = idx;
}

/* ---- hashing ---- */

static inline uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

static inline uint64_t endpoint_hash(const uint8_t *addr, uint16_t port)
{
	uint64_t a, b;
	memcpy(&a, addr, 8);
	memcpy(&b, addr + 8, 8);
	return mix64(a ^ mix64(b ^ port));
}

static uint32_t key_hash(const struct argus_flow_key *k)
{
	uint64_t h1 = endpoint_hash(k->saddr, k->sport);
	uint64_t h2 = endpoint_hash(k->daddr, k->dport);
	uint64_t lo = h1 < h2 ? h1 : h2, hi = h1 < h2 ? h2 : h1;
	uint64_t h = mix64(lo * 31 + hi + ((uint64_t)k->family << 40 | (uint64_t)k->proto << 32 |
					   k->ethertype));
	return (uint32_t)(h ^ (h >> 32));
}

static void key_reverse(const struct argus_flow_key *k, struct argus_flow_key *r)
{
	*r = *k;
	memcpy(r->saddr, k->daddr, 16);
	memcpy(r->daddr, k->saddr, 16);
	r->sport = k->dport;
	r->dport = k->sport;
}

static int table_grow(struct argus_flowtable *ft)
{
	uint32_t ncap = (ft->mask + 1) * 2;
	struct slot *ns = malloc((size_t)ncap * sizeof *ns);

	if (!ns)
		return -1;
	for (uint32_t i = 0; i < ncap; i++)
		ns[i].idx = NIL;
	for (uint32_t i = 0; i <= ft->mask; i++) {
		uint32_t j;
		if (ft->slots[i].idx == NIL)
			continue;
		j = ft->slots[i].hash & (ncap - 1);
		while (ns[j].idx != NIL)
			j = (j + 1) & (ncap - 1);
		ns[j] = ft->slots[i];
	}
	free(ft->slots);
	ft->slots = ns;
	ft->mask = ncap - 1;
	return 0;
}

static void table_insert(struct argus_flowtable *ft, uint32_t hash, uint32_t idx)
{
	uint32_t j = hash & ft->mask;
	while (ft->slots[j].idx != NIL)
		j = (j + 1) & ft->mask;
	ft->slots[j].hash = hash;
	ft->slots[j].idx = idx;
	ft->count++;
}

/* Backward-shift deletion keeps probe chains intact without tombstones. */
static void table_remove(struct argus_flowtable *ft, uint32_t hash, uint32_t idx)
{
	uint32_t i = hash & ft->mask, j;

	while (ft->slots[i].idx != idx) {
		if (ft->slots[i].idx == NIL)
			return;
		i = (i + 1) & ft->mask;
	}
	j = i;
	for (;;) {
		uint32_t k;
		j = (j + 1) & ft->mask;
		if (ft->slots[j].idx == NIL)
			break;
		k = ft->slots[j].hash & ft->mask;
		if ((j > i && (k <= i || k > j)) || (j < i && k <= i && k > j)) {
			ft->slots[i] = ft->slots[j];
			i = j;
		}
	}
	ft->slots[i].idx = NIL;
	ft->count--;
}

static uint32_t table_find(const struct argus_flowtable *ft, uint32_t hash,
			   const struct argus_flow_key *k, const struct argus_flow_key *rk, int *dir)
{
	uint32_t j = hash & ft->mask;

	for (; ft->slots[j].idx != NIL; j = (j + 1) & ft->mask) {
		const struct flow *f;
		if (ft->slots[j].hash != hash)
			continue;
		f = flow_at(ft, ft->slots[j].idx);
		if (memcmp(&f->key, k, sizeof *k) == 0) {
			*dir = ARGUS_DIR_SRC;
			return ft->slots[j].idx;
		}
		if (memcmp(&f->key, rk, sizeof *rk) == 0) {
			*dir = ARGUS_DIR_DST;
			return ft->slots[j].idx;
		}
	}
	return NIL;
}

/* ---- records ---- */

static void fill_attr(struct argus_ipattr *out, const struct flow_attr *a)
{
	out->ttl = a->ttl;
	out->tos = a->tos;
	out->ipid = a->ipid;
	out->valid = a->valid;
	out->frag = a->frag;
}

static void emit_flow(struct argus_flowtable *ft, struct flow *f)
{
	struct argus_record *rec = &ft->rec;

	if (f->spkts + f->dpkts == 0)
		return;
	memset(rec, 0, sizeof *rec);
	rec->kind = ARGUS_RECORD_FLOW;
	rec->cause = f->reported ? ARGUS_CAUSE_STATUS : ARGUS_CAUSE_START;
	rec->present = ARGUS_HAS_TRANSPORT | ARGUS_HAS_FLOW | ARGUS_HAS_TIME | ARGUS_HAS_METRIC;
	rec->seq = ++ft->seq;
	rec->srcid = ft->cfg.srcid;
	rec->key = f->key;
	rec->stime_us = f->stime_us;
	rec->ltime_us = f->ltime_us;
	rec->spkts = f->spkts;
	rec->dpkts = f->dpkts;
	rec->sbytes = f->sbytes;
	rec->dbytes = f->dbytes;
	rec->sappbytes = f->sapp;
	rec->dappbytes = f->dapp;
	rec->flags = f->flags;
	rec->trans = 1;
	if (f->key.family == ARGUS_KEY_IPV4 || f->key.family == ARGUS_KEY_IPV6) {
		rec->present |= ARGUS_HAS_IPATTR;
		fill_attr(&rec->sattr, &f->sattr);
		fill_attr(&rec->dattr, &f->dattr);
	} else {
		rec->present |= ARGUS_HAS_NET;
	}
	if (ft->cfg.want_mac && (f->sencaps | f->dencaps) & ARGUS_ENCAPS_ETHER) {
		rec->present |= ARGUS_HAS_MAC;
		memcpy(rec->smac, f->smac, 6);
		memcpy(rec->dmac, f->dmac, 6);
		rec->mac_ethertype = f->key.family == ARGUS_KEY_IPV6 ? 0x86dd :
				     f->key.family == ARGUS_KEY_IPV4 ? 0x0800 : f->key.ethertype;
	}
	if (f->vlan_valid) {
		rec->present |= ARGUS_HAS_VLAN;
		rec->vlan_valid = f->vlan_valid;
		rec->svlan = f->svlan;
		rec->dvlan = f->dvlan;
	}
	if (f->sencaps | f->dencaps) {
		rec->present |= ARGUS_HAS_ENCAPS;
		rec->sencaps = f->sencaps;
		rec->dencaps = f->dencaps;
	}
	if (f->decoder) {
		const struct decoder_slot *d = &ft->decoders[f->decoder - 1];
		d->ops->fill_record(d->state, flow_state(f), rec);
	} else if (f->key.family == ARGUS_KEY_IPV4 || f->key.family == ARGUS_KEY_IPV6) {
		rec->present |= ARGUS_HAS_NET;
	}
	ft->stats.records++;
	if (ft->emit(ft->emit_ctx, rec) < 0)
		ft->failed = 1;
	f->reported = 1;
}

static void flow_reset_report(struct argus_flowtable *ft, struct flow *f)
{
	f->spkts = f->dpkts = f->sbytes = f->dbytes = f->sapp = f->dapp = 0;
	f->flags &= ARGUS_FLAG_MID_STREAM;
	if (f->decoder) {
		const struct decoder_slot *d = &ft->decoders[f->decoder - 1];
		if (d->ops->report_done)
			d->ops->report_done(d->state, flow_state(f));
	}
}

static void flow_destroy(struct argus_flowtable *ft, uint32_t idx)
{
	struct flow *f = flow_at(ft, idx);

	table_remove(ft, f->hash, idx);
	list_remove_act(ft, &ft->active[f->cls], idx);
	list_remove_rep(ft, &ft->reports, idx);
	f->serial = 0;
	pool_put(ft, idx);
	ft->stats.live--;
}

/* ---- timers ---- */

void argus_flowtable_advance(struct argus_flowtable *ft, int64_t now_us)
{
	if (now_us > ft->now_us)
		ft->now_us = now_us;
	now_us = ft->now_us;
	for (uint32_t c = 0; c < (uint32_t)ft->n_decoders + 2; c++) {
		struct list *l = &ft->active[c];
		int64_t limit = now_us - ft->class_timeout_us[c];
		while (l->head != NIL) {
			struct flow *f = flow_at(ft, l->head);
			if (f->last_us > limit)
				break;
			emit_flow(ft, f);
			flow_destroy(ft, l->head);
		}
	}
	if (ft->cfg.status_interval_s) {
		int64_t limit = now_us - (int64_t)ft->cfg.status_interval_s * 1000000;
		while (ft->reports.head != NIL) {
			uint32_t idx = ft->reports.head;
			struct flow *f = flow_at(ft, idx);
			if (f->report_start_us > limit)
				break;
			emit_flow(ft, f);
			flow_reset_report(ft, f);
			f->report_start_us = now_us;
			list_remove_rep(ft, &ft->reports, idx);
			list_push_rep(ft, &ft->reports, idx);
		}
	}
}

void argus_flowtable_flush(struct argus_flowtable *ft)
{
	/* oldest first, so records come out in a stable order */
	while (ft->reports.head != NIL) {
		uint32_t idx = ft->reports.head;
		emit_flow(ft, flow_at(ft, idx));
		flow_destroy(ft, idx);
	}
}

/* Emit the least recently active flow of all classes to make room. */
static void evict_oldest(struct argus_flowtable *ft)
{
	uint32_t best = NIL;
	int64_t best_t = 0;

	for (uint32_t c = 0; c < (uint32_t)ft->n_decoders + 2; c++) {
		uint32_t h = ft->active[c].head;
		if (h != NIL && (best == NIL || flow_at(ft, h)->last_us < best_t)) {
			best = h;
			best_t = flow_at(ft, h)->last_us;
		}
	}
	if (best == NIL)
		return;
	emit_flow(ft, flow_at(ft, best));
	flow_destroy(ft, best);
	ft->stats.evicted++;
}

/* ---- fragments ---- */

static struct frag_entry *frag_slot(struct argus_flowtable *ft, const struct argus_flow_key *k,
				    uint16_t ipid)
{
	uint64_t h = endpoint_hash(k->saddr, ipid) ^ mix64(endpoint_hash(k->daddr, k->proto));
	return &ft->frags[h & (FRAG_SLOTS - 1)];
}

static int frag_match(const struct frag_entry *e, const struct argus_flow_key *k, uint16_t ipid)
{
	return e->family == k->family && e->proto == k->proto && e->ipid == ipid &&
	       memcmp(e->saddr, k->saddr, 16) == 0 && memcmp(e->daddr, k->daddr, 16) == 0;
}

/* ---- packets ---- */

static void account(struct argus_flowtable *ft, uint32_t idx, int dir,
		    const struct argus_packet *pkt)
{
	struct flow *f = flow_at(ft, idx);
	struct flow_attr *a = dir == ARGUS_DIR_SRC ? &f->sattr : &f->dattr;
	uint32_t app = pkt->l4_wire_len;

	if (f->spkts + f->dpkts == 0)
		f->stime_us = pkt->ts_us;
	f->ltime_us = pkt->ts_us;
	f->last_us = pkt->ts_us;
	if (dir == ARGUS_DIR_SRC) {
		f->spkts++;
		f->sbytes += pkt->wirelen;
		f->sapp += app;
		f->sencaps |= pkt->encaps;
		if (pkt->flags & ARGUS_PKT_VLAN) {
			f->svlan = pkt->vlan_tci;
			f->vlan_valid |= 0x01;
		}
	} else {
		f->dpkts++;
		f->dbytes += pkt->wirelen;
		f->dapp += app;
		f->dencaps |= pkt->encaps;
		if (pkt->flags & ARGUS_PKT_VLAN) {
			f->dvlan = pkt->vlan_tci;
			f->vlan_valid |= 0x02;
		}
	}
	if (pkt->ip_version) {
		a->ttl = pkt->ttl;
		a->tos = pkt->tos;
		a->ipid = pkt->ipid;
		a->valid = 1;
		if (pkt->flags & ARGUS_PKT_FRAGMENT) {
			a->frag = 1;
			f->flags |= ARGUS_FLAG_FRAG;
		}
	}
	if (pkt->flags & ARGUS_PKT_TRUNCATED)
		f->flags |= ARGUS_FLAG_TRUNCATED;
	if (pkt->eth_src && (f->sencaps | f->dencaps) & ARGUS_ENCAPS_ETHER) {
		/* MACs in the originator's orientation */
		const uint8_t *s = dir == ARGUS_DIR_SRC ? pkt->eth_src : pkt->eth_dst;
		const uint8_t *d = dir == ARGUS_DIR_SRC ? pkt->eth_dst : pkt->eth_src;
		if (f->spkts + f->dpkts == 1) {
			memcpy(f->smac, s, 6);
			memcpy(f->dmac, d, 6);
		} else if (memcmp(f->smac, s, 6) != 0 || memcmp(f->dmac, d, 6) != 0) {
			f->flags |= ARGUS_FLAG_MULTI_MAC;
		}
	}
	list_remove_act(ft, &ft->active[f->cls], idx);
	list_push_act(ft, &ft->active[f->cls], idx);
}

static uint32_t flow_create(struct argus_flowtable *ft, const struct argus_flow_key *k,
			    uint32_t hash, uint8_t cls, uint8_t decoder, int64_t ts_us)
{
	uint32_t idx;
	struct flow *f;

	if (ft->stats.live >= ft->cfg.max_flows)
		evict_oldest(ft);
	if ((ft->count + 1) * 2 > ft->mask + 1 && table_grow(ft) != 0)
		return NIL;
	idx = pool_get(ft);
	if (idx == NIL)
		return NIL;
	f = flow_at(ft, idx);
	memset(f, 0, ft->flow_size);
	f->key = *k;
	f->hash = hash;
	f->serial = ++ft->next_serial ? ft->next_serial : ++ft->next_serial;
	f->cls = cls;
	f->decoder = decoder;
	f->report_start_us = ts_us;
	f->last_us = ts_us;
	table_insert(ft, hash, idx);
	list_push_act(ft, &ft->active[cls], idx);
	list_push_rep(ft, &ft->reports, idx);
	ft->stats.flows++;
	ft->stats.live++;
	return idx;
}

void argus_flowtable_packet(struct argus_flowtable *ft, enum argus_dissect_result kind,
			    const struct argus_packet *pkt)
{
	struct argus_flow_key k, rk;
	uint8_t cls = CLASS_IP, decoder = 0;
	uint32_t hash, idx;
	int dir = ARGUS_DIR_SRC;
	enum argus_flow_verdict verdict = ARGUS_FLOW_CONTINUE;
	struct frag_entry *fe = NULL;

	ft->stats.packets++;
	ft->stats.bytes += pkt->wirelen;
	argus_flowtable_advance(ft, pkt->ts_us);
	if (kind == ARGUS_DISSECT_MALFORMED) {
		ft->stats.malformed++;
		return;
	}

	memset(&k, 0, sizeof k);
	if (kind == ARGUS_DISSECT_NONIP) {
		k.family = ARGUS_KEY_ETHER;
		k.ethertype = pkt->ethertype;
		memcpy(k.saddr, pkt->eth_src, 6);
		memcpy(k.daddr, pkt->eth_dst, 6);
		cls = CLASS_NONIP;
	} else {
		k.proto = pkt->proto;
		if (pkt->ip_version == 4) {
			k.family = ARGUS_KEY_IPV4;
			memcpy(k.saddr, pkt->l3 + 12, 4);
			memcpy(k.daddr, pkt->l3 + 16, 4);
		} else {
			k.family = ARGUS_KEY_IPV6;
			memcpy(k.saddr, pkt->l3 + 8, 16);
			memcpy(k.daddr, pkt->l3 + 24, 16);
		}
		if (pkt->flags & ARGUS_PKT_FRAGMENT) {
			fe = frag_slot(ft, &k, pkt->ipid);
			if (!(pkt->flags & ARGUS_PKT_FIRST_FRAGMENT)) {
				/* a later fragment belongs to its first fragment's flow */
				if (frag_match(fe, &k, pkt->ipid) && fe->expires_us >= pkt->ts_us &&
				    flow_at(ft, fe->flow)->serial == fe->serial) {
					struct flow *f = flow_at(ft, fe->flow);
					dir = memcmp(f->key.saddr, k.saddr, 16) == 0 ? ARGUS_DIR_SRC
										     : ARGUS_DIR_DST;
					account(ft, fe->flow, dir, pkt);
					return;
				}
				fe = NULL;
			}
		}
		decoder = ft->proto_decoder[pkt->proto];
		if (decoder && pkt->l4) {
			const struct decoder_slot *d = &ft->decoders[decoder - 1];
			if (d->ops->key(d->state, pkt, &k) != 0) {
				k.sport = k.dport = 0;
				decoder = 0;
			}
		} else {
			decoder = 0;
		}
		cls = decoder ? (uint8_t)(decoder + 1) : CLASS_IP;
		if (!decoder && (pkt->flags & ARGUS_PKT_FRAGMENT) &&
		    !(pkt->flags & ARGUS_PKT_FIRST_FRAGMENT))
			k.dport = pkt->ipid; /* unmatched fragments: one flow per datagram */
	}

	key_reverse(&k, &rk);
	hash = key_hash(&k);
	idx = table_find(ft, hash, &k, &rk, &dir);
	if (idx != NIL && decoder) {
		const struct decoder_slot *d = &ft->decoders[decoder - 1];
		struct flow *f = flow_at(ft, idx);
		verdict = d->ops->update(d->state, flow_state(f), pkt, dir);
		if (verdict == ARGUS_FLOW_RESTART) {
			/* a new connection on the same key: the old one ends without pkt */
			emit_flow(ft, f);
			flow_destroy(ft, idx);
			idx = NIL;
		}
	}
	if (idx == NIL) {
		idx = flow_create(ft, &k, hash, cls, decoder, pkt->ts_us);
		if (idx == NIL) {
			ft->stats.malformed++; /* out of memory: counted, not silently lost */
			return;
		}
		dir = ARGUS_DIR_SRC;
		if (!decoder && (pkt->flags & ARGUS_PKT_FRAGMENT) &&
		    !(pkt->flags & ARGUS_PKT_FIRST_FRAGMENT))
			flow_at(ft, idx)->flags |= ARGUS_FLAG_FRAG_ONLY;
		if (decoder) {
			const struct decoder_slot *d = &ft->decoders[decoder - 1];
			verdict = d->ops->update(d->state, flow_state(flow_at(ft, idx)), pkt, dir);
		}
	}
	if (fe) {
		memcpy(fe->saddr, k.saddr, 16);
		memcpy(fe->daddr, k.daddr, 16);
		fe->family = k.family;
		fe->proto = k.proto;
		fe->ipid = pkt->ipid;
		fe->flow = idx;
		fe->serial = flow_at(ft, idx)->serial;
		fe->expires_us = pkt->ts_us + (int64_t)ft->cfg.frag_timeout_s * 1000000;
	}
	account(ft, idx, dir, pkt);
	if (verdict == ARGUS_FLOW_CLOSE) {
		emit_flow(ft, flow_at(ft, idx));
		flow_destroy(ft, idx);
	}
}

/* ---- life cycle ---- */

struct argus_flowtable *argus_flowtable_new(const struct argus_flowtable_config *cfg,
					    argus_emit_fn emit, void *ctx, char *err, size_t errlen)
{
	struct argus_flowtable *ft = calloc(1, sizeof *ft);
	uint32_t cap = 1024;

	if (!ft || !(ft->slots = malloc(cap * sizeof *ft->slots)) ||
	    !(ft->frags = calloc(FRAG_SLOTS, sizeof *ft->frags))) {
		if (ft)
			free(ft->slots);
		free(ft);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	ft->cfg = *cfg;
	if (ft->cfg.max_flows == 0)
		ft->cfg.max_flows = 1;
	ft->emit = emit;
	ft->emit_ctx = ctx;
	for (uint32_t i = 0; i < cap; i++)
		ft->slots[i].idx = NIL;
	ft->mask = cap - 1;
	ft->free_head = NIL;
	for (uint32_t c = 0; c < MAX_CLASSES; c++)
		ft->active[c].head = ft->active[c].tail = NIL;
	ft->reports.head = ft->reports.tail = NIL;
	ft->class_timeout_us[CLASS_IP] = (int64_t)cfg->ip_timeout_s * 1000000;
	ft->class_timeout_us[CLASS_NONIP] = (int64_t)cfg->nonip_timeout_s * 1000000;
	ft->flow_size = (sizeof(struct flow) + 7) & ~(size_t)7;
	ft->now_us = INT64_MIN;
	return ft;
}

int argus_flowtable_add_decoder(struct argus_flowtable *ft, const char *name,
				const struct argus_decoder_ops *ops, void *state,
				uint32_t idle_timeout_s, char *err, size_t errlen)
{
	size_t need;
	struct decoder_slot *d;

	if (ft->n_chunks) {
		snprintf(err, errlen, "decoder %s: added after the first packet", name);
		return ARGUS_EINVAL;
	}
	if (ft->n_decoders == MAX_CLASSES - 2) {
		snprintf(err, errlen, "decoder %s: too many decoders (at most %d)", name,
			 MAX_CLASSES - 2);
		return ARGUS_EINVAL;
	}
	if (!ops->key || !ops->update || !ops->fill_record) {
		snprintf(err, errlen, "decoder %s: missing operations", name);
		return ARGUS_EINVAL;
	}
	if (ops->flow_state_size > MAX_DECODER_STATE) {
		snprintf(err, errlen, "decoder %s: per-flow state of %zu bytes (at most %d)", name,
			 ops->flow_state_size, MAX_DECODER_STATE);
		return ARGUS_EINVAL;
	}
	d = &ft->decoders[ft->n_decoders++];
	d->name = name;
	d->ops = ops;
	d->state = state;
	ft->class_timeout_us[ft->n_decoders + 1] = (int64_t)idle_timeout_s * 1000000;
	for (size_t i = 0; i < ops->n_ip_protos; i++)
		if (!ft->proto_decoder[ops->ip_protos[i]])
			ft->proto_decoder[ops->ip_protos[i]] = ft->n_decoders;
	need = ((sizeof(struct flow) + 7) & ~(size_t)7) + ((ops->flow_state_size + 7) & ~(size_t)7);
	if (need > ft->flow_size)
		ft->flow_size = need;
	return 0;
}

const struct argus_flowtable_stats *argus_flowtable_stats(const struct argus_flowtable *ft)
{
	return &ft->stats;
}

int argus_flowtable_failed(const struct argus_flowtable *ft) { return ft->failed; }

void argus_flowtable_free(struct argus_flowtable *ft)
{
	if (!ft)
		return;
	for (uint32_t i = 0; i < ft->n_chunks; i++)
		free(ft->chunks[i]);
	free(ft->chunks);
	free(ft->slots);
	free(ft->frags);
	free(ft);
}
