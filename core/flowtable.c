/* Flow table.
 *
 * Flows live in a pool of fixed-size entries (chunks carved from one
 * reservation in huge pages where possible, recycled through a free list)
 * and are found through an open-addressing hash table of (hash, index)
 * slots with linear probing.  The hash is symmetric in the two endpoints,
 * so both directions of a flow land on the same slot chain.  An entry holds
 * what every flow needs, then the decoder's state and the parts the
 * options ask for (-m, -A); the optional metrics (-J, -Z, -U) live in a
 * parallel pool of the same shape, allocated only when one of them is on,
 * and what few flows need (MPLS labels, a mapped ICMP error, the high
 * words of packet counters past 2^32) in side blocks allocated per chunk on
 * first use.
 *
 * Packets may come with a hint (argus_flowtable_prepare): their key and
 * hash found a run ahead, their slot and entry already on the way into the
 * cache, since two cache misses per packet were most of the table's time.
 *
 * Timers need no wheel: flows sit on intrusive lists, each kept in time
 * order for free.  Default timing: every flow is on the activity list of its
 * timeout class (one per decoder, plus generic IP, IGMP, non-IP and ended
 * connections), ordered by last packet, so its head is the next flow to go
 * idle, and on the report list, ordered by the start of the current status
 * interval.  The earliest head deadline is cached, so a packet with nothing
 * due costs one comparison.
 * Argus timing (timeout_at_status): the report list is Argus's status queue
 * and the class lists its timeout queues; a flow is on one of them, as in
 * ArgusProcessQueueTimeout.  Advancing time only looks at list heads.
 */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <argus/plugin.h>

#include "conf.h"
#include "flowmetrics.h"
#include "flowtable.h"
#include "hugemem.h"
#include "isis.h"

#define NIL UINT32_MAX
#define ALIGN8(n) (((n) + 7) & ~(size_t)7)
#define CHUNK_SHIFT 12
#define CHUNK_FLOWS (1u << CHUNK_SHIFT)
#define MAX_DECODERS 32
#define CLASS_IP 0
#define CLASS_NONIP 1
#define CLASS_IGMP 2
#define CLASS_ENDED 3    /* connections a decoder said were over */
#define CLASS_DECODER0 4 /* class of decoder index 0 */
#define ENDED_TIMEOUT_US (10 * SEC) /* Argus's timeout for a closed TCP connection */
#define MAX_CLASSES (CLASS_DECODER0 + MAX_DECODERS)
#define MAX_DECODER_STATE 256
#define MAX_ETHERTYPES 64
#define FRAG_SLOTS 4096
#define NO_TIME INT64_MIN

/* For the per-packet steps with more than one caller (a call and its
 * register saves cost as much as their bodies). */
#if defined(__GNUC__)
#define PACKET_INLINE inline __attribute__((always_inline))
#else
#define PACKET_INLINE inline
#endif

/* A cache line wanted soon.  The empty asm keeps GCC from deleting a loop
 * whose only work is prefetching, as it otherwise does. */
static inline void prefetch_line(const void *p)
{
#if defined(__GNUC__)
	__asm__ volatile("" : : "r"(p));
	__builtin_prefetch(p);
#else
	(void)p;
#endif
}

#define SEC 1000000LL
#define MANAGER_INTERVAL_US 500000 /* Argus's ArgusUpdateInterval */

/* flow.bits */
#define FB_MAC 0x0001       /* smac/dmac hold the flow's first MACs */
#define FB_TCP_RESET 0x0002 /* a TCP flow that began with a reset */
#define FB_SATTR 0x0004     /* sattr holds a packet's IP header values */
#define FB_DATTR 0x0008
#define FB_SFRAG 0x0010     /* fragments in this report, per direction */
#define FB_DFRAG 0x0020
#define FB_REPORTED 0x0040  /* a record of this flow was emitted already */
#define ON_ACT 0x0080       /* on its activity list / timeout queue */
#define ON_REP 0x0100       /* on the report list / status queue */
#define MAPPED_DETAIL 0x0200 /* the flow's extra holds a mapped error's detail */
#define MAPPED_TIME 0x0400  /* that error came after the last packet: extra ltime */
#define PKTS_HIGH 0x0800    /* the flow's extra holds packet counters' high words */

/* flow.tags */
#define TAG_SVLAN 0x01
#define TAG_DVLAN 0x02
#define TAG_SMPLS 0x04
#define TAG_DMPLS 0x08

struct list {
	uint32_t head, tail;
};

struct link {
	uint32_t prev, next;
};

/* the last IP header's; validity and fragment marks are in flow.bits */
struct flow_attr {
	uint8_t ttl, tos;
	uint16_t ipid;
};

/* Packet counters: 32 bits in the entry, the high words in the flow's
 * extra once a counter wraps (PKTS_HIGH).  The unit tests build the table
 * with narrower counters to reach the carry. */
#ifndef FLOW_PKTS_TYPE
#define FLOW_PKTS_TYPE uint32_t
#endif
typedef FLOW_PKTS_TYPE flow_pkts_t;

/* Packed with no holes: a flow entry is the table's memory. */
struct flow {
	struct argus_flow_key key;
	uint32_t serial; /* tells a recycled entry from the flow a fragment refers to */
	struct link act; /* activity list (default) or timeout queue (Argus timing) */
	struct link rep; /* report list (default) or status queue (Argus timing) */
	uint16_t flags;  /* the ARGUS_FLAG_* the table sets (all below 0x1000) */
	uint16_t bits;   /* FB_*, ON_*, MAPPED_*, PKTS_HIGH */
	uint16_t svlan, dvlan; /* full TCI, TAG_SVLAN / TAG_DVLAN */
	uint8_t cls;
	uint8_t decoder; /* index + 1, 0 = none */
	uint8_t tags;    /* TAG_*: the VLAN fields, and what the MPLS block holds */
	uint8_t app;     /* application decoder index + 1, 0 = none */
	/* the current report: first packet of each direction */
	int64_t sstart_us, dstart_us;
	int64_t last_us;  /* last packet of the flow (idle timeout, the record's ltime) */
	int64_t qtime_us; /* start of the status interval; Argus timing: queue time */
	flow_pkts_t spkts, dpkts;
	uint64_t sbytes, dbytes;
	struct flow_attr sattr, dattr;
	uint32_t sencaps, dencaps;
	/* then, each aligned to 8: the decoder's state, the application
	 * decoder's (ft->app_state_off), and what the options ask for
	 * (ft->mac_off, ft->appbytes_off) */
};
_Static_assert(sizeof(flow_pkts_t) != 4 || sizeof(struct flow) == 144,
	       "a flow entry's fixed part has a hole or grew");

/* MPLS labels (a side block) */
struct flow_mpls {
	uint32_t smpls, dmpls; /* outermost label stack entry */
};

/* -m: the flow's first MAC addresses */
struct flow_mac {
	uint8_t smac[6], dmac[6];
	uint16_t type; /* type/length field of the first frame (0: none seen) */
};

/* -A: application bytes of the current report */
struct flow_appbytes {
	uint64_t src, dst;
};

/* Per-flow data few flows need, in blocks parallel to the flow chunks:
 * a block is allocated when a flow of its chunk first needs it. */
struct side_blocks {
	uint8_t **blocks;
	size_t size; /* per flow */
};

/* What few flows need beyond the entry: an extras side block. */
struct flow_extra {
	struct argus_icmp icmp; /* the ICMP error mapped onto the flow (MAPPED_DETAIL) */
	int64_t ltime_us;       /* that error's time (MAPPED_TIME) */
	int64_t icmp_ts_us;     /* the time of the error whose detail is icmp */
	uint32_t spkts_high, dpkts_high; /* PKTS_HIGH */
};

#define MAX_APP_PORTS 64

struct app_port_entry {
	uint8_t proto;
	uint8_t decoder; /* index + 1 */
	uint16_t port;
};

struct decoder_slot {
	const char *name;
	const struct argus_decoder_ops *ops;
	void *state;
	/* ABI 1.2 operations, NULL for older modules */
	int (*payload_offset)(void *state, const struct argus_packet *pkt);
	int (*related_key)(void *state, const struct argus_packet *pkt, struct argus_flow_key *key);
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

struct ethertype_entry {
	uint16_t type;
	uint8_t decoder; /* index + 1 */
};

/* Where the application payload of a packet is (-A, -U). */
struct payload {
	const uint8_t *p;  /* first byte, NULL if nothing to capture */
	uint32_t captured; /* bytes captured from p on */
	uint32_t wire;     /* bytes on the wire from p on */
	uint32_t app;      /* application bytes counted */
};

struct argus_flowtable {
	struct argus_flowtable_config cfg;
	argus_emit_fn emit;
	void *emit_ctx;
	int failed;

	struct decoder_slot decoders[MAX_DECODERS];
	uint8_t n_decoders;
	uint8_t proto_decoder[256]; /* IP protocol -> decoder index + 1 */
	struct app_port_entry app_ports[MAX_APP_PORTS]; /* ABI 1.3 application decoders */
	uint32_t n_app_ports;
	size_t state_size, app_state_size; /* largest per-flow states, aligned */
	size_t app_state_off;
	size_t mac_off, appbytes_off; /* 0: option off */
	int per_packet_options; /* -A, -m, -J, -Z or -U: account_options() */
	struct ethertype_entry ethertypes[MAX_ETHERTYPES];
	uint32_t n_ethertypes;

	int64_t class_timeout_us[MAX_CLASSES];
	struct list active[MAX_CLASSES];
	struct list reports;

	size_t flow_size;
	uint8_t **chunks;
	uint8_t **mchunks; /* metric blocks, parallel to chunks (fm.size > 0) */
	struct side_blocks extras, mpls_blocks;
	uint32_t n_chunks, cap_chunks;
	/* address space reserved for every chunk max_flows can need, chunks
	 * carved from it in order (NULL: each chunk is malloc'd) */
	uint8_t *arena;
	size_t arena_size;
	uint8_t *flow_base; /* the arena while every chunk is in it: entries end to end */
	int arena_tried;
	uint32_t n_alloc; /* entries handed out from chunks */
	uint32_t free_head;
	uint32_t next_serial;
	struct argus_fm fm;

	struct slot *slots;
	uint32_t mask; /* capacity - 1 */
	uint32_t count;

	struct frag_entry *frags;

	int64_t now_us;
	/* Default timing: no list head is due before this (a lower bound, so
	 * most packets skip the timer scan) */
	int64_t next_due_us;
	int64_t next_manager_us; /* Argus timing: next queue scan */
	uint32_t seq;
	struct argus_flowtable_stats stats;
	struct argus_record rec; /* scratch for emission */
	struct argus_flowtable_share share; /* count 1: every packet is this table's */
	uint64_t packet_no; /* packets seen, with other shares' */
};

static inline struct flow *flow_at(const struct argus_flowtable *ft, uint32_t idx)
{
	if (ft->flow_base)
		return (struct flow *)(void *)(ft->flow_base + (size_t)idx * ft->flow_size);
	return (struct flow *)(void *)(ft->chunks[idx >> CHUNK_SHIFT] +
				       (size_t)(idx & (CHUNK_FLOWS - 1)) * ft->flow_size);
}

static inline void *flow_state(struct flow *f)
{
	return (uint8_t *)f + ALIGN8(sizeof(struct flow));
}

/* A WLAN flow has no decoder: its decoder state area holds its SSID, a
 * length byte and the bytes (the area is at least WLAN_STATE_MIN). */
#define WLAN_STATE_MIN ((1 + ARGUS_WLAN_SSID_MAX + 7) & ~(size_t)7)

static inline void *app_state(const struct argus_flowtable *ft, struct flow *f)
{
	return (uint8_t *)f + ft->app_state_off;
}

static inline struct flow_mac *flow_mac(const struct argus_flowtable *ft, struct flow *f)
{
	return (struct flow_mac *)(void *)((uint8_t *)f + ft->mac_off);
}

static inline struct flow_appbytes *flow_appbytes(const struct argus_flowtable *ft, struct flow *f)
{
	return (struct flow_appbytes *)(void *)((uint8_t *)f + ft->appbytes_off);
}

/* A flow's part of a side block; its block must exist. */
static inline void *side_at(const struct side_blocks *sb, uint32_t idx)
{
	return sb->blocks[idx >> CHUNK_SHIFT] + (size_t)(idx & (CHUNK_FLOWS - 1)) * sb->size;
}

/* A flow's part, its block allocated if need be; NULL if out of memory. */
static void *side_get(struct side_blocks *sb, uint32_t idx)
{
	uint8_t **b = &sb->blocks[idx >> CHUNK_SHIFT];
	if (!*b && !(*b = calloc(CHUNK_FLOWS, sb->size)))
		return NULL;
	return side_at(sb, idx);
}

static inline struct flow_extra *extra_at(const struct argus_flowtable *ft, uint32_t idx)
{
	return side_at(&ft->extras, idx);
}

static inline struct flow_extra *extra_get(struct argus_flowtable *ft, uint32_t idx)
{
	return side_get(&ft->extras, idx);
}

/* Has the flow a packet in its current report? */
static inline int flow_has_packets(const struct flow *f)
{
	return (f->spkts | f->dpkts) != 0 || (f->bits & PKTS_HIGH);
}

/* A packet counter of direction DIR wrapped to 0: carry into its high word.
 * Without memory for the extra the counter stays at its largest value and
 * the packet is counted as lost. */
static void pkts_carry(struct argus_flowtable *ft, uint32_t idx, struct flow *f, int dir)
{
	struct flow_extra *x = extra_get(ft, idx);

	if (!x) {
		*(dir == ARGUS_DIR_SRC ? &f->spkts : &f->dpkts) = (flow_pkts_t)~(flow_pkts_t)0;
		ft->stats.malformed++;
		return;
	}
	if (!(f->bits & PKTS_HIGH)) {
		x->spkts_high = x->dpkts_high = 0;
		f->bits |= PKTS_HIGH;
	}
	if (dir == ARGUS_DIR_SRC)
		x->spkts_high++;
	else
		x->dpkts_high++;
}

/* The chunk table grew to CAP chunks: the side block tables follow. */
static int side_grow(struct side_blocks *sb, uint32_t old_cap, uint32_t cap)
{
	uint8_t **b = realloc(sb->blocks, cap * sizeof *b);
	if (!b)
		return -1;
	memset(b + old_cap, 0, (cap - old_cap) * sizeof *b);
	sb->blocks = b;
	return 0;
}

/* The application decoder for a new flow's key, index + 1 or 0. */
static uint8_t app_decoder_for(const struct argus_flowtable *ft, const struct argus_flow_key *k)
{
	for (uint32_t i = 0; i < ft->n_app_ports; i++) {
		const struct app_port_entry *e = &ft->app_ports[i];
		if (e->proto == k->proto && (e->port == k->sport || e->port == k->dport))
			return e->decoder;
	}
	return 0;
}

static inline void *fm_at(const struct argus_flowtable *ft, uint32_t idx)
{
	return ft->mchunks[idx >> CHUNK_SHIFT] + (size_t)(idx & (CHUNK_FLOWS - 1)) * ft->fm.size;
}

static inline uint8_t decoder_class(uint8_t decoder) /* decoder = index + 1 */
{
	return (uint8_t)(CLASS_DECODER0 + decoder - 1);
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

/* A flow became the head of a list: its deadline may be the next one. */
static inline void due_at(struct argus_flowtable *ft, int64_t due)
{
	if (due < ft->next_due_us)
		ft->next_due_us = due;
}

static inline void act_head_changed(struct argus_flowtable *ft, uint32_t head)
{
	if (head != NIL) {
		const struct flow *h = flow_at(ft, head);
		due_at(ft, h->last_us + ft->class_timeout_us[h->cls]);
	}
}

static inline void rep_head_changed(struct argus_flowtable *ft, uint32_t head)
{
	if (head != NIL)
		due_at(ft, flow_at(ft, head)->qtime_us + (int64_t)ft->cfg.status_interval_s * SEC);
}

static void act_push(struct argus_flowtable *ft, uint32_t idx)
{
	struct flow *f = flow_at(ft, idx);
	struct list *l = &ft->active[f->cls];
	list_push_act(ft, l, idx);
	f->bits |= ON_ACT;
	if (l->head == idx)
		act_head_changed(ft, idx);
}

static void act_remove(struct argus_flowtable *ft, uint32_t idx)
{
	struct flow *f = flow_at(ft, idx);
	if (f->bits & ON_ACT) {
		struct list *l = &ft->active[f->cls];
		int was_head = l->head == idx;
		list_remove_act(ft, l, idx);
		f->bits &= (uint16_t)~ON_ACT;
		if (was_head)
			act_head_changed(ft, l->head);
	}
}

/* A packet for a flow on its activity list: it goes to the tail. */
static PACKET_INLINE void act_touch(struct argus_flowtable *ft, uint32_t idx, struct flow *f)
{
	struct list *l = &ft->active[f->cls];
	uint32_t prev = f->act.prev, next = f->act.next;

	if (!(f->bits & ON_ACT)) {
		act_push(ft, idx);
		return;
	}
	if (next == NIL) {
		/* the tail already; as the head too, a packet time that went
		 * backwards may have brought its deadline forward */
		if (prev == NIL)
			act_head_changed(ft, idx);
		return;
	}
	flow_at(ft, next)->act.prev = prev;
	if (prev == NIL) {
		l->head = next;
		act_head_changed(ft, next);
	} else {
		flow_at(ft, prev)->act.next = next;
	}
	flow_at(ft, l->tail)->act.next = idx;
	f->act.prev = l->tail;
	f->act.next = NIL;
	l->tail = idx;
}

static void rep_push(struct argus_flowtable *ft, uint32_t idx)
{
	list_push_rep(ft, &ft->reports, idx);
	flow_at(ft, idx)->bits |= ON_REP;
	if (ft->reports.head == idx)
		rep_head_changed(ft, idx);
}

static void rep_remove(struct argus_flowtable *ft, uint32_t idx)
{
	struct flow *f = flow_at(ft, idx);
	if (f->bits & ON_REP) {
		int was_head = ft->reports.head == idx;
		list_remove_rep(ft, &ft->reports, idx);
		f->bits &= (uint16_t)~ON_REP;
		if (was_head)
			rep_head_changed(ft, ft->reports.head);
	}
}

/* ---- pool ---- */

/* The largest reservation tried for the flow chunks (address space only). */
#define ARENA_MAX ((size_t)1 << 40)

static int in_arena(const struct argus_flowtable *ft, const uint8_t *p)
{
	return ft->arena && p >= ft->arena && p < ft->arena + ft->arena_size;
}

/* Memory for chunk n_chunks.  The first call reserves room for all the
 * chunks max_flows can need (decoders are registered by then, so the entry
 * size is final); chunks past it, or without it, are malloc'd. */
static uint8_t *chunk_alloc(struct argus_flowtable *ft)
{
	size_t bytes = CHUNK_FLOWS * ft->flow_size;

	if (!ft->arena_tried) {
		size_t n = ((size_t)ft->cfg.max_flows + CHUNK_FLOWS - 1) / CHUNK_FLOWS;
		ft->arena_tried = 1;
		if (n <= ARENA_MAX / bytes) {
			ft->arena_size = n * bytes;
			ft->arena = argus_hugemem_reserve(ft->arena_size);
			if (!ft->arena)
				ft->arena_size = 0;
		}
	}
	if ((size_t)(ft->n_chunks + 1) * bytes <= ft->arena_size) {
		ft->flow_base = ft->arena;
		return ft->arena + (size_t)ft->n_chunks * bytes;
	}
	ft->flow_base = NULL;
	return malloc(bytes);
}

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
			c = realloc(ft->mchunks, cap * sizeof *c);
			if (!c)
				return NIL;
			ft->mchunks = c;
			if (side_grow(&ft->extras, ft->cap_chunks, cap) != 0 ||
			    side_grow(&ft->mpls_blocks, ft->cap_chunks, cap) != 0)
				return NIL;
			ft->cap_chunks = cap;
		}
		ft->chunks[ft->n_chunks] = chunk_alloc(ft);
		if (!ft->chunks[ft->n_chunks])
			return NIL;
		ft->mchunks[ft->n_chunks] = NULL;
		if (ft->fm.size && !(ft->mchunks[ft->n_chunks] = malloc(CHUNK_FLOWS * ft->fm.size))) {
			if (!in_arena(ft, ft->chunks[ft->n_chunks]))
				free(ft->chunks[ft->n_chunks]);
			return NIL;
		}
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

/* Symmetric in the two endpoints: each endpoint folds into one word (an
 * IPv4 address stays as it is, the port and the rest of an IPv6 address
 * come in through a multiply), the pair is ordered, and one xorshift-
 * multiply round mixes the result so that the low bits, which pick the
 * slot, depend on every input bit.  A collision costs a probe, never a
 * wrong match. */
static inline uint64_t endpoint_fold(const uint8_t *addr, uint16_t port)
{
	uint64_t a, b;
	memcpy(&a, addr, 8);
	memcpy(&b, addr + 8, 8);
	return a ^ ((b ^ port) * 0x9e3779b97f4a7c15ULL);
}

static inline uint32_t key_hash(const struct argus_flow_key *k)
{
	uint64_t e1 = endpoint_fold(k->saddr, k->sport);
	uint64_t e2 = endpoint_fold(k->daddr, k->dport);
	uint64_t lo = e1 < e2 ? e1 : e2, hi = e1 < e2 ? e2 : e1;
	uint64_t h = lo * 0xc2b2ae3d27d4eb4fULL ^ hi ^
		     ((uint64_t)k->family << 40 | (uint64_t)k->proto << 32 | k->ethertype);
	h ^= h >> 32;
	h *= 0xff51afd7ed558ccdULL;
	return (uint32_t)(h >> 32);
}

/* Is F the key K seen from the other end? */
static inline int key_is_reverse(const struct argus_flow_key *f, const struct argus_flow_key *k)
{
	return f->family == k->family && f->proto == k->proto && f->ethertype == k->ethertype &&
	       f->sport == k->dport && f->dport == k->sport &&
	       memcmp(f->saddr, k->daddr, sizeof f->saddr) == 0 &&
	       memcmp(f->daddr, k->saddr, sizeof f->daddr) == 0;
}

static int table_grow(struct argus_flowtable *ft)
{
	uint32_t ncap = (ft->mask + 1) * 2;
	struct slot *ns = argus_hugemem_alloc((size_t)ncap * sizeof *ns);

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
	argus_hugemem_free(ft->slots, ((size_t)ft->mask + 1) * sizeof *ft->slots);
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

static PACKET_INLINE uint32_t table_find(const struct argus_flowtable *ft, uint32_t hash,
						 const struct argus_flow_key *k, int *dir)
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
		if (key_is_reverse(&f->key, k)) {
			*dir = ARGUS_DIR_DST;
			return ft->slots[j].idx;
		}
	}
	return NIL;
}

/* ---- records ---- */

static void fill_attr(struct argus_ipattr *out, const struct flow_attr *a, int valid, int frag)
{
	out->ttl = a->ttl;
	out->tos = a->tos;
	out->ipid = a->ipid;
	out->valid = (uint8_t)(valid != 0);
	out->frag = (uint8_t)(frag != 0);
}

static int64_t whole_seconds(int64_t us)
{
	return us >= 0 ? us / SEC : -((-us + SEC - 1) / SEC);
}

/* The record's start time as Argus 3.0.8 writes it: the earliest of its
 * per-direction times, but ArgusGenerateRecord compares whole seconds only,
 * so within one second the source direction's first time wins. */
static int64_t record_stime(const struct flow *f)
{
	if (f->sstart_us == NO_TIME)
		return f->dstart_us;
	if (f->dstart_us == NO_TIME)
		return f->sstart_us;
	return whole_seconds(f->dstart_us) < whole_seconds(f->sstart_us) ? f->dstart_us
									  : f->sstart_us;
}

/* Ready the scratch record for a flow.  The large payload areas (user
 * data, an application decoder's extension) are read only up to their
 * lengths, so they are left as they are, but for an application decoder,
 * which is handed a clean extension area. */
static void record_clear(struct argus_record *rec, int app)
{
	memset(rec, 0, offsetof(struct argus_record, ext));
	if (app)
		memset(rec->ext, 0, sizeof rec->ext);
	memset(&rec->sjit, 0, offsetof(struct argus_record, suser) - offsetof(struct argus_record, sjit));
	rec->wlan_ssid_len = 0;
	memset(rec->wlan_ssid, 0, sizeof rec->wlan_ssid);
}

static void emit_flow(struct argus_flowtable *ft, uint32_t idx)
{
	struct flow *f = flow_at(ft, idx);
	struct argus_record *rec = &ft->rec;

	if (!flow_has_packets(f))
		return;
	record_clear(rec, f->app != 0);
	rec->kind = ARGUS_RECORD_FLOW;
	rec->cause = (f->bits & FB_REPORTED) ? ARGUS_CAUSE_STATUS : ARGUS_CAUSE_START;
	rec->present = ARGUS_HAS_TRANSPORT | ARGUS_HAS_FLOW | ARGUS_HAS_TIME | ARGUS_HAS_METRIC;
	rec->seq = ++ft->seq;
	rec->srcid = ft->cfg.srcid;
	rec->key = f->key;
	/* Argus stores a non-IP key with the lower MAC address first and flags
	 * it reversed when that is the destination; ra shows it as stored */
	if (f->key.family == ARGUS_KEY_ETHER && memcmp(f->key.saddr, f->key.daddr, 6) > 0)
		rec->reversed = 1;
	rec->stime_us = record_stime(f);
	rec->ltime_us = (f->bits & MAPPED_TIME) ? extra_at(ft, idx)->ltime_us : f->last_us;
	rec->spkts = f->spkts;
	rec->dpkts = f->dpkts;
	if (f->bits & PKTS_HIGH) {
		const struct flow_extra *x = extra_at(ft, idx);
		rec->spkts += (uint64_t)x->spkts_high << (8 * sizeof(flow_pkts_t));
		rec->dpkts += (uint64_t)x->dpkts_high << (8 * sizeof(flow_pkts_t));
	}
	rec->sbytes = f->sbytes;
	rec->dbytes = f->dbytes;
	if (ft->appbytes_off) {
		const struct flow_appbytes *ab = flow_appbytes(ft, f);
		rec->sappbytes = ab->src;
		rec->dappbytes = ab->dst;
		/* Argus writes application bytes only when there are some */
		if (ab->src || ab->dst)
			rec->present |= ARGUS_HAS_APPBYTES;
	}
	rec->flags = f->flags;
	rec->trans = 1;
	if (f->key.family == ARGUS_KEY_IPV4 || f->key.family == ARGUS_KEY_IPV6) {
		rec->present |= ARGUS_HAS_IPATTR;
		fill_attr(&rec->sattr, &f->sattr, f->bits & FB_SATTR, f->bits & FB_SFRAG);
		fill_attr(&rec->dattr, &f->dattr, f->bits & FB_DATTR, f->bits & FB_DFRAG);
	} else {
		rec->present |= ARGUS_HAS_NET;
	}
	if (ft->mac_off && (f->bits & FB_MAC)) {
		const struct flow_mac *mac = flow_mac(ft, f);
		rec->present |= ARGUS_HAS_MAC;
		memcpy(rec->smac, mac->smac, 6);
		memcpy(rec->dmac, mac->dmac, 6);
		/* Argus keeps the first frame's own type field (0x8100 for a
		 * tagged frame, the length of an 802.3 one) */
		rec->mac_ethertype = mac->type ? mac->type :
				     f->key.family == ARGUS_KEY_IPV6 ? 0x86dd :
				     f->key.family == ARGUS_KEY_IPV4 ? 0x0800 : f->key.ethertype;
	}
	if (f->tags & (TAG_SVLAN | TAG_DVLAN)) {
		rec->present |= ARGUS_HAS_VLAN;
		rec->vlan_valid = (uint8_t)(f->tags & (TAG_SVLAN | TAG_DVLAN));
		rec->svlan = (f->tags & TAG_SVLAN) ? f->svlan : 0;
		rec->dvlan = (f->tags & TAG_DVLAN) ? f->dvlan : 0;
	}
	if (f->tags & (TAG_SMPLS | TAG_DMPLS)) {
		/* the MPLS block exists once a label was kept */
		const struct flow_mpls *t = side_at(&ft->mpls_blocks, idx);
		rec->present |= ARGUS_HAS_MPLS;
		/* Argus keeps the outermost entry of each direction */
		if (f->tags & TAG_SMPLS) {
			rec->n_smpls = 1;
			rec->smpls[0] = t->smpls;
		}
		if (f->tags & TAG_DMPLS) {
			rec->n_dmpls = 1;
			rec->dmpls[0] = t->dmpls;
		}
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
	} else if (f->key.family == ARGUS_KEY_WLAN) {
		const uint8_t *ssid = flow_state(f);
		rec->wlan_ssid_len = ssid[0];
		memcpy(rec->wlan_ssid, ssid + 1, ssid[0]);
	}
	if (f->app) {
		const struct decoder_slot *a = &ft->decoders[f->app - 1];
		a->ops->fill_record(a->state, app_state(ft, f), rec);
		if (rec->ext_len > ARGUS_RECORD_EXT_MAX)
			rec->ext_len = 0; /* a decoder wrote past the end: drop it */
	}
	if (f->bits & MAPPED_DETAIL) {
		/* the error's detail replaces the flow's own ICMP object */
		rec->icmp = extra_at(ft, idx)->icmp;
		rec->present |= ARGUS_HAS_ICMP;
	}
	if (ft->fm.size)
		argus_fm_fill(&ft->fm, fm_at(ft, idx), rec);
	ft->stats.records++;
	if (ft->emit(ft->emit_ctx, rec) < 0)
		ft->failed = 1;
	f->bits |= FB_REPORTED;
}

/* A record was emitted and the flow goes on: what Argus's ArgusZeroRecord
 * clears.  IP attributes and the MAC section stay, as in Argus. */
static void flow_reset_report(struct argus_flowtable *ft, uint32_t idx)
{
	struct flow *f = flow_at(ft, idx);

	f->spkts = f->dpkts = 0;
	f->sbytes = f->dbytes = 0;
	if (ft->appbytes_off)
		memset(flow_appbytes(ft, f), 0, sizeof(struct flow_appbytes));
	f->sstart_us = f->dstart_us = NO_TIME;
	f->flags &= ARGUS_FLAG_MID_STREAM | ARGUS_FLAG_MULTI_MAC;
	f->sencaps = f->dencaps = 0;
	f->tags = 0;
	f->bits &= (uint16_t)~(FB_SFRAG | FB_DFRAG | MAPPED_DETAIL | MAPPED_TIME | PKTS_HIGH);
	if (f->decoder) {
		const struct decoder_slot *d = &ft->decoders[f->decoder - 1];
		if (d->ops->report_done)
			d->ops->report_done(d->state, flow_state(f));
	}
	if (f->app) {
		const struct decoder_slot *a = &ft->decoders[f->app - 1];
		if (a->ops->report_done)
			a->ops->report_done(a->state, app_state(ft, f));
	}
	if (ft->fm.size)
		argus_fm_report_done(&ft->fm, fm_at(ft, idx));
}

static void flow_destroy(struct argus_flowtable *ft, uint32_t idx)
{
	struct flow *f = flow_at(ft, idx);

	table_remove(ft, key_hash(&f->key), idx);
	act_remove(ft, idx);
	rep_remove(ft, idx);
	f->serial = 0;
	pool_put(ft, idx);
	ft->stats.live--;
}

/* ---- timers ---- */

/* Argus timing, status queue: flows whose report is due are written and
 * wait on their class's timeout queue (or end if the timeout is 0). */
static void status_sweep(struct argus_flowtable *ft, int64_t now_us)
{
	int64_t iv = (int64_t)ft->cfg.status_interval_s * SEC;

	while (ft->reports.head != NIL) {
		uint32_t idx = ft->reports.head;
		struct flow *f = flow_at(ft, idx);
		if (now_us - f->qtime_us < iv)
			break;
		emit_flow(ft, idx);
		flow_reset_report(ft, idx);
		rep_remove(ft, idx);
		if (ft->class_timeout_us[f->cls] > 0) {
			f->qtime_us = now_us;
			act_push(ft, idx);
		} else {
			flow_destroy(ft, idx);
		}
	}
}

/* Argus timing, timeout queues: a flow with no packet since its last record
 * for its class's timeout ends (nothing is left to write). */
static void timeout_sweep(struct argus_flowtable *ft, int64_t now_us)
{
	for (uint32_t c = 0; c < (uint32_t)CLASS_DECODER0 + ft->n_decoders; c++) {
		struct list *l = &ft->active[c];
		while (l->head != NIL) {
			uint32_t idx = l->head;
			if (now_us - flow_at(ft, idx)->qtime_us < ft->class_timeout_us[c])
				break;
			emit_flow(ft, idx);
			flow_destroy(ft, idx);
		}
	}
}

/* Argus's queue manager, run at most every half second of packet time. */
static void run_manager(struct argus_flowtable *ft, int64_t now_us)
{
	if (now_us < ft->next_manager_us)
		return;
	ft->next_manager_us = now_us + MANAGER_INTERVAL_US;
	status_sweep(ft, now_us);
	timeout_sweep(ft, now_us);
}

/* The earliest deadline of any list head (default timing). */
static int64_t next_deadline(const struct argus_flowtable *ft)
{
	int64_t due = INT64_MAX;

	for (uint32_t c = 0; c < (uint32_t)CLASS_DECODER0 + ft->n_decoders; c++) {
		uint32_t h = ft->active[c].head;
		if (h != NIL && flow_at(ft, h)->last_us + ft->class_timeout_us[c] < due)
			due = flow_at(ft, h)->last_us + ft->class_timeout_us[c];
	}
	if (ft->cfg.status_interval_s && ft->reports.head != NIL) {
		int64_t r = flow_at(ft, ft->reports.head)->qtime_us +
			    (int64_t)ft->cfg.status_interval_s * SEC;
		if (r < due)
			due = r;
	}
	return due;
}

void argus_flowtable_advance(struct argus_flowtable *ft, int64_t now_us)
{
	if (now_us > ft->now_us)
		ft->now_us = now_us;
	now_us = ft->now_us;
	if (ft->cfg.timeout_at_status) {
		run_manager(ft, now_us);
		return;
	}
	if (now_us < ft->next_due_us)
		return;
	for (uint32_t c = 0; c < (uint32_t)CLASS_DECODER0 + ft->n_decoders; c++) {
		struct list *l = &ft->active[c];
		int64_t limit = now_us - ft->class_timeout_us[c];
		while (l->head != NIL) {
			uint32_t idx = l->head;
			if (flow_at(ft, idx)->last_us > limit)
				break;
			emit_flow(ft, idx);
			flow_destroy(ft, idx);
		}
	}
	if (ft->cfg.status_interval_s) {
		int64_t limit = now_us - (int64_t)ft->cfg.status_interval_s * SEC;
		while (ft->reports.head != NIL) {
			uint32_t idx = ft->reports.head;
			struct flow *f = flow_at(ft, idx);
			if (f->qtime_us > limit)
				break;
			emit_flow(ft, idx);
			flow_reset_report(ft, idx);
			f->qtime_us = now_us;
			rep_remove(ft, idx);
			rep_push(ft, idx);
		}
	}
	ft->next_due_us = next_deadline(ft);
}

/* Every flow has been written: the table starts over empty.  The chunks
 * stay for reuse; the fragment slots go, since they name flows by index. */
static void table_clear(struct argus_flowtable *ft)
{
	for (uint32_t i = 0; i <= ft->mask; i++)
		ft->slots[i].idx = NIL;
	ft->count = 0;
	for (uint32_t c = 0; c < MAX_CLASSES; c++)
		ft->active[c].head = ft->active[c].tail = NIL;
	ft->reports.head = ft->reports.tail = NIL;
	ft->free_head = NIL;
	ft->n_alloc = 0;
	memset(ft->frags, 0, FRAG_SLOTS * sizeof *ft->frags);
	ft->stats.live = 0;
	ft->next_due_us = INT64_MAX;
}

void argus_flowtable_flush(struct argus_flowtable *ft)
{
	/* oldest first, so records come out in a stable order; the table is
	 * emptied at once afterwards, not flow by flow */
	for (uint32_t idx = ft->reports.head; idx != NIL; idx = flow_at(ft, idx)->rep.next)
		emit_flow(ft, idx);
	/* Argus timing: flows waiting on a timeout queue only */
	for (uint32_t c = 0; c < (uint32_t)CLASS_DECODER0 + ft->n_decoders; c++)
		for (uint32_t idx = ft->active[c].head; idx != NIL; idx = flow_at(ft, idx)->act.next)
			if (!(flow_at(ft, idx)->bits & ON_REP))
				emit_flow(ft, idx);
	table_clear(ft);
}

/* Make room: the least recently active flow is emitted.  With Argus timing
 * a flow waiting on a timeout queue goes first (its record is written). */
static void evict_oldest(struct argus_flowtable *ft)
{
	uint32_t best = NIL;
	int64_t best_t = 0;
	int at_status = ft->cfg.timeout_at_status;

	for (uint32_t c = 0; c < (uint32_t)CLASS_DECODER0 + ft->n_decoders; c++) {
		uint32_t h = ft->active[c].head;
		int64_t t;
		if (h == NIL)
			continue;
		t = at_status ? flow_at(ft, h)->qtime_us : flow_at(ft, h)->last_us;
		if (best == NIL || t < best_t) {
			best = h;
			best_t = t;
		}
	}
	if (best == NIL)
		best = ft->reports.head;
	if (best == NIL)
		return;
	emit_flow(ft, best);
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

/* Where the application payload is, as Argus counts it: after the decoder's
 * headers (payload_offset), the whole IP payload of a protocol without a
 * decoder.  Argus measures non-IP packets from the frame start: a non-IP
 * flow without a decoder counts whole frames, an ethertype decoder's offset
 * is taken off the frame length (the bytes captured start at l3 + offset).
 * A fragment keyed on its own (no first fragment seen) counts its IP
 * payload, and its captured bytes start at the IP header, as in Argus;
 * later fragments of a known datagram count nothing. */
static void find_payload(const struct argus_flowtable *ft, enum argus_dissect_result kind,
			 uint8_t decoder, const struct argus_packet *pkt, struct payload *pl)
{
	const struct decoder_slot *d = decoder ? &ft->decoders[decoder - 1] : NULL;
	int off;

	memset(pl, 0, sizeof *pl);
	if (kind == ARGUS_DISSECT_NONIP) {
		if (!d) {
			pl->app = pkt->wirelen;
			off = 0;
		} else if (!d->payload_offset || !pkt->l3 ||
			   (off = d->payload_offset(d->state, pkt)) < 0 ||
			   (uint32_t)off >= pkt->wirelen) {
			return;
		} else {
			pl->app = pkt->wirelen - (uint32_t)off;
		}
		pl->wire = pl->app;
		if (pkt->l3 && (uint32_t)off < pkt->l3_len) {
			pl->p = pkt->l3 + off;
			pl->captured = pkt->l3_len - (uint32_t)off;
		}
		return;
	}
	if (!pkt->l4) {
		const uint8_t *ip = pkt->l3;
		uint32_t len;
		if (!(pkt->flags & ARGUS_PKT_FRAGMENT) || !ip)
			return;
		if (pkt->ip_version == 4 && pkt->l3_len >= 20) {
			uint32_t tot = (uint32_t)ip[2] << 8 | ip[3], ihl = (uint32_t)(ip[0] & 0x0f) * 4;
			len = tot > ihl ? tot - ihl : 0;
		} else if (pkt->ip_version == 6 && pkt->l3_len >= 40) {
			uint32_t plen = (uint32_t)ip[4] << 8 | ip[5];
			len = plen > 8 ? plen - 8 : 0; /* less the fragment header */
		} else {
			return;
		}
		pl->app = pl->wire = len;
		pl->p = ip;
		pl->captured = pkt->l3_len;
		return;
	}
	if (!d) {
		pl->p = pkt->l4;
		pl->captured = pkt->l4_len;
		pl->wire = pl->app = pkt->l4_wire_len;
		return;
	}
	if (!d->payload_offset || (off = d->payload_offset(d->state, pkt)) < 0 ||
	    (uint32_t)off >= pkt->l4_wire_len)
		return;
	pl->app = pl->wire = pkt->l4_wire_len - (uint32_t)off;
	if ((uint32_t)off < pkt->l4_len) {
		pl->p = pkt->l4 + off;
		pl->captured = pkt->l4_len - (uint32_t)off;
	}
}

/* Jitter's active/idle split is Argus's "in protocol" verdict, which its
 * TCP model gives (pure ACKs, the first segment of a window, retransmits
 * are idle).  The decoder ABI does not carry it yet, so for TCP the host
 * takes Argus's usual answer: idle, but for a lone SYN and for the packets
 * of a flow that began with a reset (Argus does not model those).  Other
 * protocols are active. */
static int packet_active(struct flow *f, const struct argus_packet *pkt, int first)
{
	uint8_t fl;

	if (pkt->proto != 6 || !pkt->ip_version || !pkt->l4 || pkt->l4_len < 14)
		return 1;
	fl = pkt->l4[13];
	if (first && (fl & 0x04))
		f->bits |= FB_TCP_RESET;
	return (fl & 0x3f) == 0x02 || (f->bits & FB_TCP_RESET);
}

/* What -A, -m, -J, -Z and -U keep per packet (ft->per_packet_options).
 * FIRST: the flow had no packet before this one. */
static void account_options(struct argus_flowtable *ft, uint32_t idx, struct flow *f, int dir,
			    const struct argus_packet *pkt, const struct payload *pl, int first)
{
	if (ft->appbytes_off && pl) {
		struct flow_appbytes *ab = flow_appbytes(ft, f);
		if (dir == ARGUS_DIR_SRC)
			ab->src += pl->app;
		else
			ab->dst += pl->app;
	}
	if (ft->mac_off && pkt->eth_src && pkt->eth_dst && (pkt->encaps & ARGUS_ENCAPS_ETHER)) {
		struct flow_mac *mac = flow_mac(ft, f);
		/* MACs in the originator's orientation, kept for the flow's life
		 * (Argus's MAC section survives status reports) */
		const uint8_t *s = dir == ARGUS_DIR_SRC ? pkt->eth_src : pkt->eth_dst;
		const uint8_t *d = dir == ARGUS_DIR_SRC ? pkt->eth_dst : pkt->eth_src;
		if (!(f->bits & FB_MAC)) {
			memcpy(mac->smac, s, 6);
			memcpy(mac->dmac, d, 6);
			f->bits |= FB_MAC;
			if (pkt->l2 && pkt->eth_src == pkt->l2 + 6 && pkt->caplen >= 14)
				mac->type = (uint16_t)(pkt->l2[12] << 8 | pkt->l2[13]);
		} else if (memcmp(mac->smac, s, 6) != 0 || memcmp(mac->dmac, d, 6) != 0) {
			f->flags |= ARGUS_FLAG_MULTI_MAC;
		}
	}
	if (ft->fm.size && pl)
		argus_fm_packet(&ft->fm, fm_at(ft, idx), dir, pkt->ts_us, pkt->wirelen,
				packet_active(f, pkt, first), pl->p, pl->captured, pl->wire);
}

/* Count PKT into flow F (entry IDX).  pl NULL: a later fragment of a
 * datagram the flow has, which Argus tallies apart (no application bytes,
 * sizes or inter-packet times); pl is read only with per-packet options. */
static PACKET_INLINE void account(struct argus_flowtable *ft, uint32_t idx, struct flow *f,
				   int dir, const struct argus_packet *pkt, const struct payload *pl)
{
	int64_t ts = pkt->ts_us;
	int first = ft->per_packet_options && !(f->bits & FB_REPORTED) && !flow_has_packets(f);
	struct flow_mpls *t;

	f->last_us = ts;
	f->bits &= (uint16_t)~MAPPED_TIME;
	if (dir == ARGUS_DIR_SRC) {
		if (f->sstart_us == NO_TIME)
			f->sstart_us = ts;
		if (++f->spkts == 0)
			pkts_carry(ft, idx, f, dir);
		f->sbytes += pkt->wirelen;
		f->sencaps |= pkt->encaps;
	} else {
		if (f->dstart_us == NO_TIME)
			f->dstart_us = ts;
		if (++f->dpkts == 0)
			pkts_carry(ft, idx, f, dir);
		f->dbytes += pkt->wirelen;
		f->dencaps |= pkt->encaps;
	}
	if (pkt->flags & ARGUS_PKT_VLAN) {
		*(dir == ARGUS_DIR_SRC ? &f->svlan : &f->dvlan) = pkt->vlan_tci;
		f->tags |= dir == ARGUS_DIR_SRC ? TAG_SVLAN : TAG_DVLAN;
	}
	if (pkt->n_mpls && (t = side_get(&ft->mpls_blocks, idx)) != NULL) {
		*(dir == ARGUS_DIR_SRC ? &t->smpls : &t->dmpls) = pkt->mpls[0];
		f->tags |= dir == ARGUS_DIR_SRC ? TAG_SMPLS : TAG_DMPLS;
	}
	if (pkt->ip_version) {
		struct flow_attr *a = dir == ARGUS_DIR_SRC ? &f->sattr : &f->dattr;
		a->ttl = pkt->ttl;
		a->tos = pkt->tos;
		a->ipid = pkt->ip_version == 4 ? pkt->ipid : 0; /* Argus: none for IPv6 */
		f->bits |= dir == ARGUS_DIR_SRC ? FB_SATTR : FB_DATTR;
		if (pkt->flags & ARGUS_PKT_FRAGMENT) {
			f->bits |= dir == ARGUS_DIR_SRC ? FB_SFRAG : FB_DFRAG;
			f->flags |= ARGUS_FLAG_FRAG;
		}
	}
	if (pkt->flags & ARGUS_PKT_TRUNCATED)
		f->flags |= ARGUS_FLAG_TRUNCATED;
	if (ft->per_packet_options)
		account_options(ft, idx, f, dir, pkt, pl, first);
	if (!ft->cfg.timeout_at_status)
		act_touch(ft, idx, f);
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
	f->serial = ++ft->next_serial ? ft->next_serial : ++ft->next_serial;
	f->cls = cls;
	f->decoder = decoder;
	if (decoder && ft->n_app_ports)
		f->app = app_decoder_for(ft, k);
	f->qtime_us = ts_us;
	f->last_us = ts_us;
	f->sstart_us = f->dstart_us = NO_TIME;
	table_insert(ft, hash, idx);
	if (!ft->cfg.timeout_at_status)
		act_push(ft, idx);
	rep_push(ft, idx);
	if (ft->fm.size)
		argus_fm_init(&ft->fm, fm_at(ft, idx));
	ft->stats.flows++;
	ft->stats.live++;
	return idx;
}

/* Argus timing: a packet for a known flow.  A flow waiting on a timeout
 * queue goes back to the status queue; a flow whose report is due is written
 * first (with every report due before it).  Returns NIL if the flow ended
 * (a class timeout of 0). */
static uint32_t touch_at_status(struct argus_flowtable *ft, uint32_t idx, int64_t ts)
{
	struct flow *f = flow_at(ft, idx);
	uint32_t serial = f->serial;

	if ((f->bits & ON_REP) && ts - f->qtime_us >= (int64_t)ft->cfg.status_interval_s * SEC) {
		status_sweep(ft, ts);
		if (f->serial != serial)
			return NIL;
		if (f->bits & ON_REP) {
			/* not reached (packet times went backwards): report it alone */
			emit_flow(ft, idx);
			flow_reset_report(ft, idx);
			rep_remove(ft, idx);
			f->qtime_us = ts;
			rep_push(ft, idx);
			return idx;
		}
	}
	if (f->bits & ON_ACT) {
		act_remove(ft, idx);
		f->qtime_us = ts;
		rep_push(ft, idx);
	}
	return idx;
}

/* An ICMP-style error refers to another flow: mark it and move its last
 * time to the error's, as Argus does (ArgusUpdateICMPState).  Its record
 * then carries the error's ICMP object (the error flow's own, through its
 * decoder's fill_record).  A flow with no packet in its current report is
 * left alone: Argus's next packet would clear the marks anyway. */
/* The detail the error flow ERR_IDX gives the flow it quotes: 1 with it
 * in OUT, 0 for none. */
static int related_detail(struct argus_flowtable *ft, uint32_t err_idx, struct argus_icmp *out)
{
	struct flow *e = flow_at(ft, err_idx);
	struct argus_record *rec = &ft->rec;
	const struct decoder_slot *d;

	if (!e->decoder)
		return 0;
	d = &ft->decoders[e->decoder - 1];
	memset(rec, 0, sizeof *rec);
	rec->key = e->key;
	d->ops->fill_record(d->state, flow_state(e), rec);
	if (!(rec->present & ARGUS_HAS_ICMP))
		return 0;
	*out = rec->icmp;
	return 1;
}

/* Map an ICMP error onto the flow K it quotes: the error's flow is
 * ERR_IDX in this table, or (ERR_IDX NIL) another share's, whose detail
 * came in REMOTE. */
static void map_related(struct argus_flowtable *ft, uint32_t err_idx,
			const struct argus_flow_related *remote, const struct argus_flow_key *k,
			int64_t ts)
{
	struct argus_icmp icmp;
	struct flow *f;
	struct flow_extra *x;
	uint32_t idx;
	int dir, has_icmp;

	idx = table_find(ft, key_hash(k), k, &dir);
	if (idx == NIL || idx == err_idx)
		return;
	f = flow_at(ft, idx);
	if (!flow_has_packets(f))
		return;
	f->flags |= ARGUS_FLAG_ICMP_MAPPED;
	if (remote) {
		has_icmp = remote->has_icmp;
		icmp = remote->icmp;
	} else {
		has_icmp = related_detail(ft, err_idx, &icmp);
	}
	/* live shares take other shares' mappings as they come, out of
	 * order with their own: the latest error's detail stays */
	if (has_icmp && (x = extra_get(ft, idx)) != NULL &&
	    (!ft->share.live || !(f->bits & MAPPED_DETAIL) || ts >= x->icmp_ts_us)) {
		x->icmp = icmp;
		x->icmp_ts_us = ts;
		f->bits |= MAPPED_DETAIL;
	}
	/* Argus puts the error's time into the source direction's times */
	if (f->sstart_us == NO_TIME)
		f->sstart_us = ts;
	if (ts > ((f->bits & MAPPED_TIME) ? extra_at(ft, idx)->ltime_us : f->last_us) &&
	    (x = extra_get(ft, idx)) != NULL) {
		x->ltime_us = ts;
		f->bits |= MAPPED_TIME;
	}
}

static uint8_t ethertype_decoder(const struct argus_flowtable *ft, uint16_t type)
{
	for (uint32_t i = 0; i < ft->n_ethertypes; i++)
		if (ft->ethertypes[i].type == type)
			return ft->ethertypes[i].decoder;
	return 0;
}

static void ether_key(const struct argus_packet *pkt, struct argus_flow_key *k)
{
	memset(k, 0, sizeof *k);
	if (pkt->flags & ARGUS_PKT_WLAN) {
		/* Argus's WLAN flow: receiver, transmitter, BSSID, one way (the
		 * BSSID in saddr alone keeps the reverse key from matching) */
		k->family = ARGUS_KEY_WLAN;
		memcpy(k->saddr, pkt->eth_src, 6);
		memcpy(k->daddr, pkt->eth_dst, 6);
		if (pkt->wlan_bssid)
			memcpy(k->saddr + 6, pkt->wlan_bssid, 6);
		if (pkt->wlan_ssid)
			argus_wlan_ssid_key(pkt->wlan_ssid, pkt->wlan_ssid_len, k->daddr + 6);
		return;
	}
	if ((pkt->flags & ARGUS_PKT_OSI) && argus_isis_key(pkt, k) == 0)
		return;
	k->family = ARGUS_KEY_ETHER;
	memcpy(k->saddr, pkt->eth_src, 6);
	memcpy(k->daddr, pkt->eth_dst, 6);
	if (pkt->encaps & ARGUS_ENCAPS_LLC) {
		k->sport = pkt->llc_ssap;
		k->dport = pkt->llc_dsap;
		/* IS-IS Argus does not key by PDU: an Ethernet flow of type 0x83 */
		if ((pkt->flags & ARGUS_PKT_OSI) && pkt->l3_len && pkt->l3[0] == ARGUS_NLPID_ISIS)
			k->ethertype = ARGUS_NLPID_ISIS;
	} else {
		k->ethertype = pkt->ethertype;
	}
}

/* An IP packet's protocol and addresses. */
static inline void ip_addrs(const struct argus_packet *pkt, struct argus_flow_key *k)
{
	k->proto = pkt->proto;
	if (pkt->ip_version == 4) {
		k->family = ARGUS_KEY_IPV4;
		memcpy(k->saddr, pkt->l3 + 12, 4);
		memcpy(k->daddr, pkt->l3 + 16, 4);
	} else {
		k->family = ARGUS_KEY_IPV6;
		memcpy(k->saddr, pkt->l3 + 8, 16);
		memcpy(k->daddr, pkt->l3 + 24, 16);
	}
}

/* The rest of an IP packet's key, from its protocol's decoder; sets the
 * decoder (index + 1, 0 = none) and the timeout class. */
static inline void ip_ports(const struct argus_flowtable *ft, const struct argus_packet *pkt,
			    struct argus_flow_key *k, uint8_t *decoder, uint8_t *cls)
{
	uint8_t d = ft->proto_decoder[pkt->proto];

	if (d && pkt->l4) {
		const struct decoder_slot *s = &ft->decoders[d - 1];
		if (s->ops->key(s->state, pkt, k) != 0) {
			k->sport = k->dport = 0;
			k->ethertype = 0;
			d = 0;
		}
	} else {
		d = 0;
	}
	*decoder = d;
	*cls = d ? decoder_class(d) : pkt->proto == 2 ? CLASS_IGMP : CLASS_IP;
	if (!d && (pkt->flags & ARGUS_PKT_FRAGMENT) && !(pkt->flags & ARGUS_PKT_FIRST_FRAGMENT))
		k->dport = pkt->ipid; /* unmatched fragments: one flow per datagram */
}

/* One word for an IP address: its 32-bit big-endian words XORed (one for
 * IPv4, four for IPv6). */
static inline uint32_t addr_word(const uint8_t *a, uint8_t family)
{
	uint32_t w = 0;
	for (unsigned i = 0; i < (family == ARGUS_KEY_IPV4 ? 4u : 16u); i += 4)
		w ^= (uint32_t)a[i] << 24 | (uint32_t)a[i + 1] << 16 | (uint32_t)a[i + 2] << 8 | a[i + 3];
	return w;
}

/* Share of the flow with key K among COUNT.  IP keys: the ordered pair of
 * the addresses' words, mixed by multiply-xorshift rounds in 32 bits, so
 * that a live capture's kernel fanout program (capture.c) computes the
 * same share from the IP header; other families: the (symmetric) key
 * hash. */
static inline uint32_t share_of(const struct argus_flow_key *k, uint32_t count)
{
	if (k->family == ARGUS_KEY_IPV4 || k->family == ARGUS_KEY_IPV6) {
		uint32_t s = addr_word(k->saddr, k->family), d = addr_word(k->daddr, k->family);
		uint32_t h = (s < d ? s : d) * ARGUS_SHARE_MUL0 ^ (s < d ? d : s);
		h *= ARGUS_SHARE_MUL1;
		h ^= h >> ARGUS_SHARE_SHIFT1;
		h *= ARGUS_SHARE_MUL2;
		h ^= h >> ARGUS_SHARE_SHIFT2;
		return h % count;
	}
	return (uint32_t)(((mix64(key_hash(k)) >> 32) * count) >> 32);
}

uint32_t argus_flowtable_share_of(const struct argus_flow_key *k, uint32_t count)
{
	return count > 1 ? share_of(k, count) : 0;
}

/* PKT, an ICMP error counted in flow IDX (NIL: it could not be), quotes
 * a flow: map it here, or send the mapping to the share that owns it. */
static void packet_related(struct argus_flowtable *ft, const struct decoder_slot *dec,
			   const struct argus_packet *pkt, uint32_t idx)
{
	struct argus_flow_related out;
	struct argus_flow_key rel;
	uint32_t to;

	memset(&rel, 0, sizeof rel);
	if (dec->related_key(dec->state, pkt, &rel) != 1)
		return;
	if (ft->share.count <= 1 || (to = share_of(&rel, ft->share.count)) == ft->share.index) {
		if (idx != NIL)
			map_related(ft, idx, NULL, &rel, pkt->ts_us);
		return;
	}
	memset(&out, 0, sizeof out);
	out.packet = ft->packet_no;
	if (ft->share.live) {
		out.key = rel;
		out.ts_us = pkt->ts_us;
	}
	out.map = idx != NIL;
	if (idx != NIL)
		out.has_icmp = (uint8_t)related_detail(ft, idx, &out.icmp);
	ft->share.send_related(ft->share.ctx, to, &out);
}

/* PKT with its key K (hash HASH): found or created, updated, counted.  FE:
 * the fragment slot a first fragment fills in, or NULL. */
static PACKET_INLINE void packet_keyed(struct argus_flowtable *ft, enum argus_dissect_result kind,
				       const struct argus_packet *pkt,
				       const struct argus_flow_key *k, uint32_t hash, uint8_t cls,
				       uint8_t decoder, struct frag_entry *fe)
{
	const struct decoder_slot *dec = decoder ? &ft->decoders[decoder - 1] : NULL;
	int at_status = ft->cfg.timeout_at_status;
	enum argus_flow_verdict verdict = ARGUS_FLOW_CONTINUE;
	int dir = ARGUS_DIR_SRC;
	struct payload pl;
	struct flow *f;
	uint32_t idx;

	idx = table_find(ft, hash, k, &dir);
	if (idx != NIL && at_status)
		idx = touch_at_status(ft, idx, pkt->ts_us);
	if (idx != NIL && dec) {
		f = flow_at(ft, idx);
		verdict = dec->ops->update(dec->state, flow_state(f), pkt, dir);
		if (verdict == ARGUS_FLOW_RESTART) {
			/* a new connection on the same key: the old one ends without pkt */
			emit_flow(ft, idx);
			flow_destroy(ft, idx);
			idx = NIL;
		}
	}
	if (verdict == ARGUS_FLOW_ENDED && idx != NIL) {
		/* its stragglers may come for 10 s more, as in Argus */
		act_remove(ft, idx);
		flow_at(ft, idx)->cls = CLASS_ENDED;
	}
	if (idx == NIL) {
		idx = flow_create(ft, k, hash, cls, decoder, pkt->ts_us);
		if (idx == NIL) {
			ft->stats.malformed++; /* out of memory: counted, not silently lost */
			if (dec && dec->related_key && ft->share.count > 1)
				packet_related(ft, dec, pkt, NIL);
			return;
		}
		dir = ARGUS_DIR_SRC;
		if (k->family == ARGUS_KEY_WLAN && pkt->wlan_ssid) {
			uint8_t *ssid = flow_state(flow_at(ft, idx));
			ssid[0] = pkt->wlan_ssid_len;
			memcpy(ssid + 1, pkt->wlan_ssid, pkt->wlan_ssid_len);
		}
		if (!decoder && (pkt->flags & ARGUS_PKT_FRAGMENT) &&
		    !(pkt->flags & ARGUS_PKT_FIRST_FRAGMENT))
			flow_at(ft, idx)->flags |= ARGUS_FLAG_FRAG_ONLY;
		if (dec) {
			verdict = dec->ops->update(dec->state, flow_state(flow_at(ft, idx)), pkt, dir);
			if (verdict == ARGUS_FLOW_ENDED) {
				act_remove(ft, idx);
				flow_at(ft, idx)->cls = CLASS_ENDED;
			}
		}
	}
	f = flow_at(ft, idx);
	if (f->app) {
		const struct decoder_slot *a = &ft->decoders[f->app - 1];
		a->ops->update(a->state, app_state(ft, f), pkt, dir);
	}
	if (fe) {
		memcpy(fe->saddr, k->saddr, 16);
		memcpy(fe->daddr, k->daddr, 16);
		fe->family = k->family;
		fe->proto = k->proto;
		fe->ipid = pkt->ipid;
		fe->flow = idx;
		fe->serial = f->serial;
		fe->expires_us = pkt->ts_us + (int64_t)ft->cfg.frag_timeout_s * SEC;
	}
	/* the payload is looked for only when something counts or keeps it */
	if (ft->per_packet_options)
		find_payload(ft, kind, decoder, pkt, &pl);
	account(ft, idx, f, dir, pkt, &pl);
	if (dec && dec->related_key)
		packet_related(ft, dec, pkt, idx);
	if (verdict == ARGUS_FLOW_CLOSE) {
		emit_flow(ft, idx);
		flow_destroy(ft, idx);
	}
}

/* Time moves on with every packet; timers due run first. */
static PACKET_INLINE void packet_time(struct argus_flowtable *ft, const struct argus_packet *pkt)
{
	if (pkt->ts_us > ft->now_us)
		ft->now_us = pkt->ts_us;
	if (!ft->cfg.timeout_at_status && ft->now_us >= ft->next_due_us)
		argus_flowtable_advance(ft, ft->now_us);
}

/* ... and the totals with every packet of this table's. */
static PACKET_INLINE void packet_begin(struct argus_flowtable *ft, const struct argus_packet *pkt)
{
	ft->stats.packets++;
	ft->stats.bytes += pkt->wirelen;
	packet_time(ft, pkt);
}

/* The key of any packet into H; FE: the fragment slot a first fragment
 * fills in.  Returns 0 when a later fragment of a datagram the table has
 * seen was counted into its first fragment's flow: nothing more to do. */
static int packet_key(struct argus_flowtable *ft, enum argus_dissect_result kind,
		      const struct argus_packet *pkt, struct argus_flow_hint *h,
		      struct frag_entry **fe)
{
	struct argus_flow_key *k = &h->key;

	memset(k, 0, sizeof *k);
	h->cls = CLASS_IP;
	h->decoder = 0;
	*fe = NULL;
	if (kind == ARGUS_DISSECT_NONIP) {
		ether_key(pkt, k);
		h->cls = CLASS_NONIP;
		if (!(pkt->encaps & ARGUS_ENCAPS_LLC) && !(pkt->flags & ARGUS_PKT_WLAN) && pkt->l3 &&
		    (h->decoder = ethertype_decoder(ft, pkt->ethertype)) != 0) {
			const struct decoder_slot *d = &ft->decoders[h->decoder - 1];
			if (d->ops->key(d->state, pkt, k) != 0) {
				ether_key(pkt, k); /* malformed: a plain Ethernet flow */
				h->decoder = 0;
			} else {
				h->cls = decoder_class(h->decoder);
			}
		}
	} else {
		ip_addrs(pkt, k);
		if (pkt->flags & ARGUS_PKT_FRAGMENT) {
			struct frag_entry *e = frag_slot(ft, k, pkt->ipid);
			if (!(pkt->flags & ARGUS_PKT_FIRST_FRAGMENT)) {
				/* a later fragment belongs to its first fragment's flow */
				if (frag_match(e, k, pkt->ipid) && e->expires_us >= pkt->ts_us &&
				    flow_at(ft, e->flow)->serial == e->serial) {
					uint32_t fidx = e->flow;
					struct flow *f = flow_at(ft, fidx);
					int dir = memcmp(f->key.saddr, k->saddr, 16) == 0 ? ARGUS_DIR_SRC
											  : ARGUS_DIR_DST;
					if (ft->cfg.timeout_at_status)
						fidx = touch_at_status(ft, fidx, pkt->ts_us);
					if (fidx != NIL) {
						account(ft, fidx, f, dir, pkt, NULL);
						return 0;
					}
				}
			} else {
				*fe = e;
			}
		}
		ip_ports(ft, pkt, k, &h->decoder, &h->cls);
	}
	h->hash = key_hash(k);
	return 1;
}

/* A prepared key needs the packet alone: IP, not a fragment. */
static inline void hint_prepare(const struct argus_flowtable *ft, enum argus_dissect_result kind,
				const struct argus_packet *pkt, struct argus_flow_hint *hint,
				int shared)
{
	hint->valid = kind == ARGUS_DISSECT_IP && !(pkt->flags & ARGUS_PKT_FRAGMENT);
	hint->foreign = 0;
	if (!hint->valid)
		return;
	memset(&hint->key, 0, sizeof hint->key);
	ip_addrs(pkt, &hint->key);
	ip_ports(ft, pkt, &hint->key, &hint->decoder, &hint->cls);
	if (shared && share_of(&hint->key, ft->share.count) != ft->share.index) {
		/* another table's: its memory is not wanted */
		hint->valid = 0;
		hint->foreign = 1;
		return;
	}
	hint->hash = key_hash(&hint->key);
	prefetch_line(&ft->slots[hint->hash & ft->mask]);
}

/* The slot is on its way or there: fetch the entry it names when its hash
 * is the packet's.  For about three lookups in four the flow sits in its
 * first slot; probing further measured no faster and cost about 15
 * instructions more per packet. */
static inline void hint_prefetch(const struct argus_flowtable *ft,
				 const struct argus_flow_hint *hint)
{
	const struct slot *sl = &ft->slots[hint->hash & ft->mask];

	if (hint->valid && sl->hash == hint->hash && sl->idx != NIL) {
		const uint8_t *f = (const uint8_t *)flow_at(ft, sl->idx);
		prefetch_line(f);
		prefetch_line(f + 64);
		prefetch_line(f + 128);
		prefetch_line(f + 192);
	}
}

void argus_flowtable_prepare(const struct argus_flowtable *ft,
			     const enum argus_dissect_result *kind,
			     const struct argus_packet *pkt, struct argus_flow_hint *hint,
			     unsigned n)
{
	/* two loops, so that one table's has no test for the share */
	if (ft->share.count > 1)
		for (unsigned i = 0; i < n; i++)
			hint_prepare(ft, kind[i], &pkt[i], &hint[i], 1);
	else
		for (unsigned i = 0; i < n; i++)
			hint_prepare(ft, kind[i], &pkt[i], &hint[i], 0);
	/* the first slots asked for have come by now: their entries next */
	for (unsigned i = 0; i < n && i < ARGUS_FLOWTABLE_AHEAD; i++)
		hint_prefetch(ft, &hint[i]);
}

/* Might PKT quote another flow (an ICMP error)? */
static int may_quote(const struct argus_flowtable *ft, const struct argus_packet *pkt)
{
	uint8_t d = ft->proto_decoder[pkt->proto];
	return d && pkt->l4 && ft->decoders[d - 1].related_key;
}

/* K: the packet's key (its addresses at least), whose share is OWNER. */
static void packet_foreign_related(struct argus_flowtable *ft, const struct argus_packet *pkt,
				   struct argus_flow_key *k, uint32_t owner)
{
	struct argus_flow_related in;
	struct argus_flow_key rel;
	const struct decoder_slot *dec;
	uint8_t decoder, cls;

	ip_ports(ft, pkt, k, &decoder, &cls);
	if (!decoder || !(dec = &ft->decoders[decoder - 1])->related_key)
		return;
	memset(&rel, 0, sizeof rel);
	if (dec->related_key(dec->state, pkt, &rel) != 1 ||
	    share_of(&rel, ft->share.count) != ft->share.index)
		return;
	if (ft->share.receive_related(ft->share.ctx, owner, ft->packet_no, &in) && in.map)
		map_related(ft, NIL, &in, &rel, pkt->ts_us);
}

/* The share that owns PKT, with its hint HINT (or NULL); an IP packet's
 * key, its addresses at least, goes into OWN. */
static uint32_t packet_owner(struct argus_flowtable *ft, enum argus_dissect_result kind,
			     const struct argus_packet *pkt, const struct argus_flow_hint *hint,
			     struct argus_flow_key *own)
{
	struct argus_flow_hint h;
	struct frag_entry *fe;

	if (kind == ARGUS_DISSECT_NONIP) {
		packet_key(ft, kind, pkt, &h, &fe);
		return share_of(&h.key, ft->share.count);
	}
	if (hint && hint->valid)
		return ft->share.index; /* prepared only when this share's */
	if (hint && hint->foreign) {
		*own = hint->key; /* found in prepare */
	} else {
		/* The share of the flow's key: a decoder may key other
		 * addresses (IGMP keys the group).  A fragment goes by its IP
		 * addresses, the only ones a later fragment has. */
		memset(own, 0, sizeof *own);
		ip_addrs(pkt, own);
		if (!(pkt->flags & ARGUS_PKT_FRAGMENT))
			ip_ports(ft, pkt, own, &h.decoder, &h.cls);
	}
	return share_of(own, ft->share.count);
}

/* argus --threads on files: is PKT this share's?  Another share's ICMP
 * error may quote a flow of this one: its mapping comes from the error's
 * owner, at this packet. */
static int packet_is_mine(struct argus_flowtable *ft, enum argus_dissect_result kind,
			  const struct argus_packet *pkt, const struct argus_flow_hint *hint)
{
	struct argus_flow_key own;
	uint32_t owner;

	ft->packet_no++;
	if (kind == ARGUS_DISSECT_MALFORMED)
		return ft->share.index == 0;
	owner = packet_owner(ft, kind, pkt, hint, &own);
	if (owner == ft->share.index)
		return 1;
	if (kind == ARGUS_DISSECT_IP && may_quote(ft, pkt))
		packet_foreign_related(ft, pkt, &own, owner);
	return 0;
}

uint32_t argus_flowtable_live_owner(struct argus_flowtable *ft, enum argus_dissect_result kind,
				    const struct argus_packet *pkt,
				    const struct argus_flow_hint *hint)
{
	struct argus_flow_key own;

	if (kind == ARGUS_DISSECT_MALFORMED || ft->share.count <= 1)
		return ft->share.index;
	return packet_owner(ft, kind, pkt, hint, &own);
}

void argus_flowtable_take_related(struct argus_flowtable *ft, const struct argus_flow_related *rel)
{
	if (rel->map)
		map_related(ft, NIL, rel, &rel->key, rel->ts_us);
}

void argus_flowtable_set_share(struct argus_flowtable *ft, const struct argus_flowtable_share *s)
{
	ft->share = *s;
}

/* One packet, with its hint (or NULL) and a later packet's (or NULL),
 * whose entry is fetched meanwhile. */
static PACKET_INLINE void packet_hinted(struct argus_flowtable *ft,
					enum argus_dissect_result kind,
					const struct argus_packet *pkt,
					const struct argus_flow_hint *hint,
					const struct argus_flow_hint *ahead)
{
	struct argus_flow_hint own;
	struct frag_entry *fe = NULL;

	if (ahead)
		hint_prefetch(ft, ahead);
	packet_begin(ft, pkt);
	if (kind == ARGUS_DISSECT_MALFORMED) {
		ft->stats.malformed++;
		goto out;
	}
	if (!hint || !hint->valid) {
		if (!packet_key(ft, kind, pkt, &own, &fe))
			goto out;
		hint = &own;
	}
	packet_keyed(ft, kind, pkt, &hint->key, hint->hash, hint->cls, hint->decoder, fe);
out:
	if (ft->cfg.timeout_at_status)
		run_manager(ft, ft->now_us);
}

/* Kept out of line: the shared road calls it too, for one packet at a
 * time, without a second copy of the packet path. */
static __attribute__((noinline)) unsigned packets_run(struct argus_flowtable *ft,
						      const enum argus_dissect_result *kind,
						      const struct argus_packet *pkt,
						      const struct argus_flow_hint *hint,
						      unsigned n, int64_t until_us)
{
	for (unsigned i = 0; i < n; i++) {
		unsigned a = i + ARGUS_FLOWTABLE_AHEAD;
		packet_hinted(ft, kind[i], &pkt[i], hint ? &hint[i] : NULL,
			      hint && a < n ? &hint[a] : NULL);
		if (pkt[i].ts_us >= until_us)
			return i + 1;
	}
	return n;
}

/* argus --threads: this share's packets are counted; the others move time
 * on (and may bring an ICMP error's mapping). */
static unsigned packets_shared(struct argus_flowtable *ft, const enum argus_dissect_result *kind,
			       const struct argus_packet *pkt, const struct argus_flow_hint *hint,
			       unsigned n, int64_t until_us)
{
	for (unsigned i = 0; i < n; i++) {
		const struct argus_flow_hint *h = hint ? &hint[i] : NULL;
		if (hint && i + ARGUS_FLOWTABLE_AHEAD < n)
			hint_prefetch(ft, &hint[i + ARGUS_FLOWTABLE_AHEAD]);
		if (packet_is_mine(ft, kind[i], &pkt[i], h)) {
			packets_run(ft, &kind[i], &pkt[i], h, 1, INT64_MAX);
		} else {
			packet_time(ft, &pkt[i]);
			if (ft->cfg.timeout_at_status)
				run_manager(ft, ft->now_us);
		}
		if (pkt[i].ts_us >= until_us)
			return i + 1;
	}
	return n;
}

unsigned argus_flowtable_packets(struct argus_flowtable *ft, const enum argus_dissect_result *kind,
				 const struct argus_packet *pkt, const struct argus_flow_hint *hint,
				 unsigned n, int64_t until_us)
{
	if (ft->share.count > 1 && !ft->share.live)
		return packets_shared(ft, kind, pkt, hint, n, until_us);
	return packets_run(ft, kind, pkt, hint, n, until_us);
}

void argus_flowtable_packet(struct argus_flowtable *ft, enum argus_dissect_result kind,
			    const struct argus_packet *pkt)
{
	argus_flowtable_packets(ft, &kind, pkt, NULL, 1, INT64_MAX);
}

/* ---- life cycle ---- */

/* Where each part of a flow entry lies: the decoder states are sized by
 * the largest registered decoder, the option parts only when asked for. */
static void flow_layout(struct argus_flowtable *ft)
{
	size_t off = ALIGN8(sizeof(struct flow)) + ft->state_size;

	ft->app_state_off = off;
	off += ft->app_state_size;
	ft->mac_off = ft->appbytes_off = 0;
	if (ft->cfg.want_mac) {
		ft->mac_off = off;
		off += ALIGN8(sizeof(struct flow_mac));
	}
	if (ft->cfg.want_appbytes) {
		ft->appbytes_off = off;
		off += ALIGN8(sizeof(struct flow_appbytes));
	}
	ft->flow_size = off;
}

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
	ft->class_timeout_us[CLASS_IP] = (int64_t)cfg->ip_timeout_s * SEC;
	ft->class_timeout_us[CLASS_NONIP] = (int64_t)cfg->nonip_timeout_s * SEC;
	ft->class_timeout_us[CLASS_IGMP] = (int64_t)cfg->igmp_timeout_s * SEC;
	ft->class_timeout_us[CLASS_ENDED] = ENDED_TIMEOUT_US;
	ft->state_size = WLAN_STATE_MIN;
	flow_layout(ft);
	ft->extras.size = sizeof(struct flow_extra);
	ft->mpls_blocks.size = sizeof(struct flow_mpls);
	argus_fm_setup(&ft->fm, cfg->want_jitter, cfg->want_psize,
		       cfg->user_len < ARGUS_USERDATA_MAX ? cfg->user_len : ARGUS_USERDATA_MAX,
		       cfg->status_interval_s);
	ft->per_packet_options = cfg->want_mac || cfg->want_appbytes || ft->fm.size;
	ft->now_us = INT64_MIN;
	ft->next_due_us = INT64_MIN;
	ft->next_manager_us = INT64_MIN;
	return ft;
}

int argus_flowtable_add_decoder(struct argus_flowtable *ft, const char *name,
				const struct argus_decoder_ops *ops, unsigned abi_minor, void *state,
				uint32_t idle_timeout_s, char *err, size_t errlen)
{
	size_t n_app = abi_minor >= 3 ? ops->n_app_ports : 0;
	size_t state_bytes = (ops->flow_state_size + 7) & ~(size_t)7;
	struct decoder_slot *d;
	uint8_t id;

	if (ft->n_chunks) {
		snprintf(err, errlen, "decoder %s: added after the first packet", name);
		return ARGUS_EINVAL;
	}
	if (ft->n_decoders == MAX_DECODERS) {
		snprintf(err, errlen, "decoder %s: too many decoders (at most %d)", name,
			 MAX_DECODERS);
		return ARGUS_EINVAL;
	}
	if ((!ops->key && !n_app) || !ops->update || !ops->fill_record) {
		snprintf(err, errlen, "decoder %s: missing operations", name);
		return ARGUS_EINVAL;
	}
	if (n_app && (ops->n_ip_protos || (abi_minor >= 2 && ops->n_ethertypes))) {
		snprintf(err, errlen,
			 "decoder %s: an application decoder (app_ports) cannot also claim "
			 "protocols or ethertypes",
			 name);
		return ARGUS_EINVAL;
	}
	if (n_app && (!ops->app_ports || ft->n_app_ports + n_app > MAX_APP_PORTS)) {
		snprintf(err, errlen, "decoder %s: %s", name,
			 ops->app_ports ? "too many application ports claimed" : "app_ports missing");
		return ARGUS_EINVAL;
	}
	if (ops->flow_state_size > MAX_DECODER_STATE) {
		snprintf(err, errlen, "decoder %s: per-flow state of %zu bytes (at most %d)", name,
			 ops->flow_state_size, MAX_DECODER_STATE);
		return ARGUS_EINVAL;
	}
	if (abi_minor >= 2 && ops->n_ethertypes &&
	    (!ops->ethertypes || ft->n_ethertypes + ops->n_ethertypes > MAX_ETHERTYPES)) {
		snprintf(err, errlen, "decoder %s: %s", name,
			 ops->ethertypes ? "too many ethertypes claimed" : "ethertype list missing");
		return ARGUS_EINVAL;
	}
	d = &ft->decoders[ft->n_decoders++];
	id = ft->n_decoders;
	memset(d, 0, sizeof *d);
	d->name = name;
	d->ops = ops;
	d->state = state;
	ft->class_timeout_us[decoder_class(id)] = (int64_t)idle_timeout_s * SEC;
	for (size_t i = 0; i < ops->n_ip_protos; i++)
		if (!ft->proto_decoder[ops->ip_protos[i]])
			ft->proto_decoder[ops->ip_protos[i]] = id;
	/* ABI 1.2 members exist only in modules built for 1.2 or later */
	if (abi_minor >= 2) {
		d->payload_offset = ops->payload_offset;
		d->related_key = ops->related_key;
		for (size_t i = 0; i < ops->n_ethertypes; i++)
			if (!ethertype_decoder(ft, ops->ethertypes[i])) {
				ft->ethertypes[ft->n_ethertypes].type = ops->ethertypes[i];
				ft->ethertypes[ft->n_ethertypes].decoder = id;
				ft->n_ethertypes++;
			}
	}
	/* ABI 1.3: an application decoder rides on other decoders' flows */
	for (size_t i = 0; i < n_app; i++) {
		ft->app_ports[ft->n_app_ports].proto = ops->app_ports[i].proto;
		ft->app_ports[ft->n_app_ports].port = ops->app_ports[i].port;
		ft->app_ports[ft->n_app_ports].decoder = id;
		ft->n_app_ports++;
	}
	/* entry: struct flow, the largest transport state, the largest
	 * application state */
	if (n_app && state_bytes > ft->app_state_size)
		ft->app_state_size = state_bytes;
	else if (!n_app && state_bytes > ft->state_size)
		ft->state_size = state_bytes;
	flow_layout(ft);
	return 0;
}

/* ---- configuration ---- */

#define MAX_TIMEOUT_S 65534L /* Argus's limit */

static int config_timeout(const char *key, uint32_t def, uint32_t *out, char *err, size_t errlen)
{
	long v;

	if (argus_config_get_long(key, def, 0, MAX_TIMEOUT_S, &v, err, errlen) != 0)
		return ARGUS_EINVAL;
	*out = (uint32_t)v;
	return 0;
}

int argus_flowtable_config_timeouts(struct argus_flowtable_config *cfg, char *err, size_t errlen)
{
	if (config_timeout("ARGUS_IP_TIMEOUT", 30, &cfg->ip_timeout_s, err, errlen) != 0 ||
	    config_timeout("ARGUS_IGMP_TIMEOUT", 30, &cfg->igmp_timeout_s, err, errlen) != 0 ||
	    config_timeout("ARGUS_OTHER_TIMEOUT", 30, &cfg->nonip_timeout_s, err, errlen) != 0 ||
	    config_timeout("ARGUS_FRAG_TIMEOUT", 5, &cfg->frag_timeout_s, err, errlen) != 0)
		return ARGUS_EINVAL;
	return 0;
}

static const char *argus_timeout_name(const struct argus_decoder_ops *ops, unsigned abi_minor)
{
	for (size_t i = 0; i < ops->n_ip_protos; i++) {
		switch (ops->ip_protos[i]) {
		case 6:
			return "ARGUS_TCP_TIMEOUT";
		case 1:
		case 58:
			return "ARGUS_ICMP_TIMEOUT";
		case 2:
			return "ARGUS_IGMP_TIMEOUT";
		default:
			break;
		}
	}
	if (ops->n_ip_protos)
		return "ARGUS_IP_TIMEOUT"; /* UDP too, as in Argus */
	if (abi_minor >= 2 && ops->ethertypes)
		for (size_t i = 0; i < ops->n_ethertypes; i++)
			if (ops->ethertypes[i] == 0x0806 || ops->ethertypes[i] == 0x8035)
				return "ARGUS_ARP_TIMEOUT";
	return "ARGUS_OTHER_TIMEOUT";
}

int argus_flowtable_decoder_timeout(const struct argus_decoder_ops *ops, unsigned abi_minor,
				    uint32_t *out, char *err, size_t errlen)
{
	const char *name = argus_timeout_name(ops, abi_minor);

	*out = ops->idle_timeout;
	if (config_timeout(name, *out, out, err, errlen) != 0)
		return ARGUS_EINVAL;
	if (ops->timeout_config && strcmp(ops->timeout_config, name) != 0 &&
	    config_timeout(ops->timeout_config, *out, out, err, errlen) != 0)
		return ARGUS_EINVAL;
	return 0;
}

void argus_flowtable_stats_add(struct argus_flowtable_stats *to,
			       const struct argus_flowtable_stats *st)
{
	to->packets += st->packets;
	to->bytes += st->bytes;
	to->malformed += st->malformed;
	to->flows += st->flows;
	to->live += st->live;
	to->records += st->records;
	to->evicted += st->evicted;
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
	for (uint32_t i = 0; i < ft->n_chunks; i++) {
		if (!in_arena(ft, ft->chunks[i]))
			free(ft->chunks[i]);
		if (ft->mchunks)
			free(ft->mchunks[i]);
		if (ft->extras.blocks)
			free(ft->extras.blocks[i]);
		if (ft->mpls_blocks.blocks)
			free(ft->mpls_blocks.blocks[i]);
	}
	free(ft->chunks);
	free(ft->mchunks);
	free(ft->extras.blocks);
	free(ft->mpls_blocks.blocks);
	argus_hugemem_free(ft->arena, ft->arena_size);
	argus_hugemem_free(ft->slots, ((size_t)ft->mask + 1) * sizeof *ft->slots);
	free(ft->frags);
	free(ft);
}
