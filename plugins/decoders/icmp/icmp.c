/* ICMP and ICMPv6 decoder: the flow key and the ICMP object Argus 3.0.8
 * writes in the NETWORK DSR (type, code, sequence, outer addresses and, for
 * errors, the quoted packet's addresses); for errors also the key of the
 * flow they refer to (related_key).
 *
 * Key: sport = type << 8 | code; dport = Argus's 16-bit identifier as it
 * lies in the FLOW DSR (bytes 12-13 read big-endian, which is what ra 3.0.8
 * prints).  x86 Argus holds the identifier in host order and writes it
 * little-endian, so dport is that value byte-swapped:
 *  - v4 echo: the echo identifier (0x4024 on the wire gives 0x2440);
 *  - v4 port unreachable: the quoted destination port (53 gives 0x3500);
 *    protocol unreachable: the quoted protocol (17 gives 0x1100);
 *  - v4 net/host unreachable and net/host redirect: the first two bytes of
 *    the quoted destination address as they are (Argus copies the address
 *    over its id and ip_id fields), so 10.30.4.4 gives 0x0a1e;
 *  - otherwise 0.  ICMPv6 keys carry no identifier (Argus 3.0.8 keys them
 *    by type and code only, echo included).
 * Argus's second key word (FLOW DSR bytes 14-15) goes into the key's
 * ethertype, which IP keys do not otherwise use and which the host hashes,
 * compares and keeps when it reverses a key; it holds the value as x86
 * Argus holds it (written little-endian): the echo sequence number, so
 * every echo exchange is a flow of its own as in Argus, and the last two
 * bytes of the quoted destination as they lie in memory for net/host
 * errors (10.30.4.4 gives 0x0404, 10.0.0.4 gives 0x0400).
 * Replies are keyed as their request: v4 echo, timestamp, information and
 * mask replies, v6 echo replies (ports swapped, see icmp4_key), and the v6
 * answers Argus folds onto their question (router and neighbour
 * advertisements, MLD reports and done, home agent replies; not swapped, as
 * these are mostly unsolicited).  ICMPv4 queries have code 0 in the key, as
 * in Argus.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <argus/plugin.h>

struct icmp_module {
	const struct argus_host *host;
};

/* The ICMP object of the flow's first packet (Argus keeps it from START). */
struct icmp_flow {
	uint32_t osrc, odst;
	uint32_t isrc, idst;
	uint32_t gw;
	uint16_t seq;
	uint8_t type, code;
	uint8_t started;
	uint8_t have; /* the object exists (enough of the first packet captured) */
};

static const uint8_t icmp_protos[] = { 1, 58 };

static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Little-endian read: a field x86 Argus holds in host order as it appears
 * in its FLOW DSR, or how it sees raw bytes it copied into a u16. */
static inline uint16_t rd16_mem(const uint8_t *p)
{
	return (uint16_t)(p[0] | (unsigned)p[1] << 8);
}

/* Informational (query/answer) ICMPv4 types. */
static inline int icmp4_info(uint8_t t)
{
	return t == 0 || t == 8 || t == 9 || t == 10 || (t >= 13 && t <= 18);
}

static int icmp_init(const struct argus_host *host, void **state, char *err, size_t errlen)
{
	struct icmp_module *m = calloc(1, sizeof(*m));

	if (m == NULL) {
		if (errlen > 0) {
			strncpy(err, "out of memory", errlen - 1);
			err[errlen - 1] = '\0';
		}
		return ARGUS_ENOMEM;
	}
	m->host = host;
	*state = m;
	return ARGUS_OK;
}

static void icmp_fini(void *state)
{
	free(state);
}

static void icmp4_key(const uint8_t *p, uint32_t n, struct argus_flow_key *key)
{
	uint8_t type = p[0], code = 0;
	uint16_t id = 0, ext = 0;
	int reply = 0;

	if (icmp4_info(type)) {
		switch (type) {
		case 0:
		case 8:
			reply = type == 0;
			type = 8;
			if (n >= 6)
				id = rd16_mem(p + 4);
			if (n >= 8)
				ext = rd16(p + 6);
			break;
		case 14:
		case 16:
		case 18:
			reply = 1;
			type = (uint8_t)(type - 1);
			break;
		default:
			break;
		}
	} else {
		if (n >= 2)
			code = p[1];
		if (n >= 28) {
			const uint8_t *q = p + 8; /* quoted IP header */

			if (type == 3 && code == 2) {
				id = (uint16_t)(q[9] << 8);
			} else if (type == 3 && code == 3) {
				uint32_t hl = (uint32_t)(q[0] & 0x0f) * 4u;

				if (8 + hl + 4 <= n)
					id = rd16_mem(q + hl + 2);
			} else if ((type == 3 || type == 5) && code <= 1) {
				id = rd16(q + 16);
				ext = rd16_mem(q + 18);
			}
		}
	}

	if (reply) {
		/* Key the reply as its request would be, ports swapped: the host
		 * swaps addresses and ports when it tries the reverse direction,
		 * so the reply then finds the request's flow. */
		key->sport = id;
		key->dport = (uint16_t)(type << 8);
	} else {
		key->sport = (uint16_t)(type << 8 | code);
		key->dport = id;
	}
	key->ethertype = ext;
}

static void icmp6_key(const uint8_t *p, uint32_t n, struct argus_flow_key *key)
{
	uint8_t type = p[0], code = n >= 2 ? p[1] : 0;

	switch (type) {
	case 129: /* echo reply: as the request, ports swapped (see icmp4_key) */
		key->sport = 0;
		key->dport = 128 << 8;
		return;
	case 128:
		code = 0;
		break;
	case 131: /* MLD report, done -> query */
	case 132:
		type = 130;
		break;
	case 134: /* router advertisement -> solicitation */
		type = 133;
		break;
	case 136: /* neighbour advertisement -> solicitation */
		type = 135;
		break;
	case 145: /* home agent address discovery reply -> request */
		type = 144;
		break;
	default:
		break;
	}
	key->sport = (uint16_t)(type << 8 | code);
	key->dport = 0;
}

static int icmp_key(void *state, const struct argus_packet *pkt, struct argus_flow_key *key)
{
	(void)state;
	if (pkt->l4 == NULL || pkt->l4_len < 1)
		return ARGUS_EFORMAT;
	if (pkt->proto == 58)
		icmp6_key(pkt->l4, pkt->l4_len, key);
	else
		icmp4_key(pkt->l4, pkt->l4_len, key);
	return ARGUS_OK;
}

static void icmp_first(struct icmp_flow *f, const struct argus_packet *pkt)
{
	const uint8_t *p = pkt->l4;
	uint32_t n = pkt->l4_len;

	if (pkt->proto == 58) {
		if (n < 8)
			return;
		f->type = p[0];
		f->code = p[1];
		f->seq = rd16(p + 2); /* the v6 object carries the checksum here */
		f->have = 1;
		return;
	}
	/* Argus wants a whole struct icmp (28 bytes) before it keeps anything. */
	if (n < 28)
		return;
	f->type = p[0];
	f->code = p[1];
	f->seq = rd16(p + 6);
	if (pkt->ip_version == 4 && pkt->l3 != NULL && pkt->l3_len >= 20) {
		f->osrc = rd32(pkt->l3 + 12);
		f->odst = rd32(pkt->l3 + 16);
	}
	if (!icmp4_info(p[0])) {
		f->isrc = rd32(p + 20);
		f->idst = rd32(p + 24);
		f->gw = rd32(p + 4);
	} else if (p[0] == 18) {
		f->isrc = rd32(p + 8); /* address mask */
	}
	f->have = 1;
}

static enum argus_flow_verdict icmp_update(void *state, void *flow_state,
					   const struct argus_packet *pkt, int dir)
{
	struct icmp_flow *f = flow_state;

	(void)state;
	(void)dir;
	if (pkt->l4 == NULL)
		return ARGUS_FLOW_CONTINUE;
	if (!f->started) {
		/* Only the flow's first packet creates the object. */
		f->started = 1;
		icmp_first(f, pkt);
		return ARGUS_FLOW_CONTINUE;
	}
	/* Later v4 requests overwrite the type (Argus does; replies do not). */
	if (f->have && pkt->proto == 1 && pkt->l4_len >= 28) {
		uint8_t t = pkt->l4[0];

		if (t == 8 || t == 13 || t == 15 || t == 17)
			f->type = t;
	}
	return ARGUS_FLOW_CONTINUE;
}

static void icmp_fill(void *state, const void *flow_state, struct argus_record *rec)
{
	const struct icmp_flow *f = flow_state;

	(void)state;
	rec->present |= ARGUS_HAS_NET;
	if (!f->have)
		return;
	rec->icmp.type = f->type;
	rec->icmp.code = f->code;
	rec->icmp.seq = f->seq;
	rec->icmp.osrc = f->osrc;
	rec->icmp.odst = f->odst;
	rec->icmp.isrc = f->isrc;
	rec->icmp.idst = f->idst;
	rec->icmp.gateway = f->gw;
	rec->present |= ARGUS_HAS_ICMP;
}

/* Application bytes.  Argus counts a whole ICMP message (header included)
 * as application bytes.  For a v4 error whose quoted IP header was captured
 * it counts the quoted datagram's IP length less its header length instead
 * (its model re-parses the quoted packet); 8 + quoted header length is the
 * same whenever the error quotes the whole datagram. */
static int icmp_payload_offset(void *state, const struct argus_packet *pkt)
{
	const uint8_t *p = pkt->l4;
	uint32_t off;

	(void)state;
	if (p == NULL || pkt->l4_len < 1)
		return -1;
	if (pkt->proto != 1 || icmp4_info(p[0]) || pkt->l4_len < 28)
		return 0;
	off = 8u + (uint32_t)(p[8] & 0x0f) * 4u;
	return (int)(off < pkt->l4_wire_len ? off : pkt->l4_wire_len);
}

/* ---- ICMP errors: the key of the quoted packet's own flow -----------------
 * The key the host would have built for the quoted packet: addresses and
 * protocol from the quoted IP header, then what the tcp, udp and icmp
 * decoders' key() would add (a key() failure leaves the ports zero, as the
 * host does).  The transport's captured and declared lengths are bounded by
 * what the error carries and by the quoted IP length. */

static void quoted_l4_key(const uint8_t *l4, uint32_t cap, uint32_t wire, int v4,
			  struct argus_flow_key *key)
{
	if (cap > wire)
		cap = wire;
	switch (key->proto) {
	case 6: /* as the tcp decoder */
		if (cap >= 4 && wire >= 20) {
			key->sport = rd16(l4);
			key->dport = rd16(l4 + 2);
		}
		break;
	case 17: /* as the udp decoder, DNS id included */
		if (cap >= 4 && wire >= 8) {
			key->sport = rd16(l4);
			key->dport = rd16(l4 + 2);
			if (v4 && (key->sport == 53 || key->dport == 53))
				key->ethertype = cap >= 10 ? rd16(l4 + 8) : 0;
		}
		break;
	case 1:
		if (v4 && cap >= 1)
			icmp4_key(l4, cap, key);
		break;
	case 58:
		if (!v4 && cap >= 1)
			icmp6_key(l4, cap, key);
		break;
	default:
		break;
	}
}

static int quoted_key4(const uint8_t *q, uint32_t n, struct argus_flow_key *key)
{
	uint32_t hl, len;

	if (n < 20 || (q[0] >> 4) != 4)
		return 0;
	/* a later fragment's flow is not keyed by its ports */
	if ((rd16(q + 6) & 0x1fff) != 0)
		return 0;
	hl = (uint32_t)(q[0] & 0x0f) * 4u;
	len = rd16(q + 2);
	key->family = ARGUS_KEY_IPV4;
	key->proto = q[9];
	memcpy(key->saddr, q + 12, 4);
	memcpy(key->daddr, q + 16, 4);
	if (hl >= 20 && len >= hl && n >= hl)
		quoted_l4_key(q + hl, n - hl, len - hl, 1, key);
	return 1;
}

static int quoted_key6(const uint8_t *q, uint32_t n, struct argus_flow_key *key)
{
	uint32_t off = 40, end;
	uint8_t nh;

	if (n < 40 || (q[0] >> 4) != 6)
		return 0;
	end = rd16(q + 4) != 0 ? 40u + rd16(q + 4) : n; /* 0: jumbogram or GSO */
	nh = q[6];
	key->family = ARGUS_KEY_IPV6;
	memcpy(key->saddr, q + 8, 16);
	memcpy(key->daddr, q + 24, 16);
	/* extension headers, as the dissector walks them */
	for (int i = 0; i < 16; i++) {
		uint32_t len;

		if (nh != 0 && nh != 43 && nh != 44 && nh != 51 && nh != 60 && nh != 135)
			break;
		if (off + 8 > n) {
			key->proto = nh; /* truncated: no transport header */
			return 1;
		}
		if (nh == 44) {
			if ((rd16(q + off + 2) & 0xfff8) != 0)
				return 0; /* a later fragment */
			len = 8;
		} else if (nh == 51) {
			len = ((uint32_t)q[off + 1] + 2u) * 4u;
		} else {
			len = ((uint32_t)q[off + 1] + 1u) * 8u;
		}
		nh = q[off];
		off += len;
	}
	key->proto = nh;
	if (off <= n)
		quoted_l4_key(q + off, n - off, end > off ? end - off : 0, 0, key);
	return 1;
}

static int icmp_related_key(void *state, const struct argus_packet *pkt,
			    struct argus_flow_key *key)
{
	const uint8_t *p = pkt->l4;
	uint32_t n = pkt->l4_len;
	uint8_t t;

	(void)state;
	if (p == NULL || n < 8)
		return 0;
	t = p[0];
	memset(key, 0, sizeof *key);
	if (pkt->proto == 1) {
		if (t == 3 || t == 4 || t == 5 || t == 11 || t == 12)
			return quoted_key4(p + 8, n - 8, key);
	} else if (pkt->proto == 58) {
		if (t >= 1 && t <= 4)
			return quoted_key6(p + 8, n - 8, key);
	}
	return 0;
}

static const struct argus_decoder_ops icmp_ops = {
	.ip_protos = icmp_protos,
	.n_ip_protos = sizeof(icmp_protos),
	.flow_state_size = sizeof(struct icmp_flow),
	.idle_timeout = 5,
	.timeout_config = "ARGUS_ICMP_TIMEOUT",
	.key = icmp_key,
	.update = icmp_update,
	.fill_record = icmp_fill,
	.report_done = NULL,
	.ethertypes = NULL,
	.n_ethertypes = 0,
	.payload_offset = icmp_payload_offset,
	.related_key = icmp_related_key,
};

static const struct argus_plugin icmp_plugin = {
	.abi_major = ARGUS_ABI_MAJOR,
	.abi_minor = ARGUS_ABI_MINOR,
	.size = sizeof(struct argus_plugin),
	.kind = ARGUS_PLUGIN_DECODER,
	.name = "icmp",
	.version = "0.1.0",
	.summary = "ICMP and ICMPv6: type, code and identifier; error details",
	.init = icmp_init,
	.fini = icmp_fini,
	.ops.decoder = &icmp_ops,
};

ARGUS_PLUGIN_DEFINE(icmp, icmp_plugin)
