/* ICMP and ICMPv6 decoder: the flow key and the ICMP object Argus 3.0.8
 * writes in the NETWORK DSR (type, code, sequence, outer addresses and, for
 * errors, the quoted packet's addresses).
 *
 * Key: sport = type << 8 | code; dport = Argus's 16-bit identifier, valued
 * as x86 Argus holds it (it writes it little-endian, so ra 3.0.8 shows echo
 * id 0x4024 as 0x2440):
 *  - echo (v4 and v6): the echo identifier;
 *  - v4 port unreachable: the quoted destination port; protocol
 *    unreachable: the quoted protocol; net/host unreachable and net/host
 *    redirect: the first two bytes of the quoted destination address as
 *    they lie in memory (Argus copies the address over its id and ip_id
 *    fields), so 10.30.4.4 gives 0x1e0a and ra shows 0x0a1e;
 *  - otherwise 0.
 * Argus's second key word (FLOW DSR bytes 14-15, same convention) goes into
 * the key's ethertype, which IP keys do not otherwise use and which the host
 * hashes, compares and keeps when it reverses a key: the echo sequence
 * number, so every echo exchange is a flow of its own as in Argus, and the
 * last two bytes of the quoted destination for net/host errors.
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

/* Little-endian read: how x86 Argus sees bytes it copied into a u16. */
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
				id = rd16(p + 4);
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
				id = q[9];
			} else if (type == 3 && code == 3) {
				uint32_t hl = (uint32_t)(q[0] & 0x0f) * 4u;

				if (8 + hl + 4 <= n)
					id = rd16(q + hl + 2);
			} else if ((type == 3 || type == 5) && code <= 1) {
				id = rd16_mem(q + 16);
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
	uint16_t id = 0;

	switch (type) {
	case 129: /* echo reply: as the request, ports swapped (see icmp4_key) */
		key->sport = n >= 6 ? rd16(p + 4) : 0;
		key->dport = 128 << 8;
		return;
	case 128:
		if (n >= 6)
			id = rd16(p + 4);
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
	key->dport = id;
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
