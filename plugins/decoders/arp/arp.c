/* ARP and RARP decoder: the flow key Argus 3.0.8 builds for them.
 *
 * ARP (opcodes 1 and 2): a request and its reply are one flow, keyed in the
 * request's orientation as Argus does: sender IP, target IP and the
 * requester's hardware address (request: sender hardware address; reply:
 * target hardware address), opcode 1.  A reply is keyed reversed (ports and
 * addresses swapped, see the key() contract) so that the host's reverse
 * lookup finds the request's flow.  The target hardware address of a
 * request is not part of the key (Argus ignores it; it is usually zero).
 *
 * RARP (opcodes 3 and 4): keyed as Argus keys them, which does not pair a
 * request with its reply: request (target HW, sender HW), reply (target IP,
 * sender HW, target HW), opcode 3 for both.
 *
 * Anything else (other opcodes, address lengths other than 6 and 4, fewer
 * than 28 bytes captured) is refused: the host accounts it as a plain
 * Ethernet flow.  Argus 3.0.8 keeps no ARP state the record shows except the
 * replier's address in an opaque NETWORK object; see arp_fill().
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <argus/plugin.h>

#define ARP_HDR_LEN 28u /* struct ether_arp: Ethernet/IPv4 addresses */
#define ETHERTYPE_ARP 0x0806u
#define ETHERTYPE_RARP 0x8035u

struct arp_module {
	const struct argus_host *host;
};

static const uint16_t arp_ethertypes[] = { ETHERTYPE_ARP, ETHERTYPE_RARP };

static inline uint16_t arp_rd16(const uint8_t *p)
{
	return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static int arp_init(const struct argus_host *host, void **state, char *err, size_t errlen)
{
	struct arp_module *m = calloc(1, sizeof(*m));

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

static void arp_fini(void *state)
{
	free(state);
}

static int arp_key(void *state, const struct argus_packet *pkt, struct argus_flow_key *key)
{
	const uint8_t *a = pkt->l3;
	const uint8_t *sha, *spa, *tha, *tpa;
	uint16_t op;

	(void)state;
	if (a == NULL || pkt->l3_len < ARP_HDR_LEN || a[4] != 6 || a[5] != 4)
		return ARGUS_EFORMAT;
	op = arp_rd16(a + 6);
	sha = a + 8;
	spa = a + 14;
	tha = a + 18;
	tpa = a + 24;

	memset(key, 0, sizeof *key);
	key->family = ARGUS_KEY_ARP;
	switch (op) {
	case 1: /* request */
		key->ethertype = ETHERTYPE_ARP;
		key->sport = 1;
		memcpy(key->saddr, spa, 4);
		memcpy(key->saddr + 4, sha, 6);
		memcpy(key->daddr, tpa, 4);
		break;
	case 2: /* reply: the request's key, reversed */
		key->ethertype = ETHERTYPE_ARP;
		key->dport = 1;
		memcpy(key->saddr, spa, 4);
		memcpy(key->daddr, tpa, 4);
		memcpy(key->daddr + 4, tha, 6);
		break;
	case 3: /* RARP request */
		key->ethertype = ETHERTYPE_RARP;
		key->sport = 3;
		memcpy(key->saddr + 4, tha, 6);
		memcpy(key->daddr + 4, sha, 6);
		break;
	case 4: /* RARP reply */
		key->ethertype = ETHERTYPE_RARP;
		key->sport = 3;
		memcpy(key->daddr, tpa, 4);
		memcpy(key->saddr + 4, sha, 6);
		memcpy(key->daddr + 4, tha, 6);
		break;
	default:
		return ARGUS_EFORMAT;
	}
	return ARGUS_OK;
}

static enum argus_flow_verdict arp_update(void *state, void *flow_state,
					  const struct argus_packet *pkt, int dir)
{
	(void)state;
	(void)flow_state;
	(void)pkt;
	(void)dir;
	return ARGUS_FLOW_CONTINUE;
}

/* Argus writes a NETWORK DSR for every ARP flow: empty until a reply was
 * seen, then its opaque ARP object (the replier's hardware address), which
 * the record model has no place for yet. */
static void arp_fill(void *state, const void *flow_state, struct argus_record *rec)
{
	(void)state;
	(void)flow_state;
	rec->present |= ARGUS_HAS_NET;
}

/* The payload follows the 28-byte struct ether_arp.  (Argus 3.0.8 counts
 * the frame length less 28 as application bytes: it subtracts the ARP size
 * from a length that still includes the link header.) */
static int arp_payload_offset(void *state, const struct argus_packet *pkt)
{
	(void)state;
	if (pkt->l3 == NULL || pkt->l3_len < ARP_HDR_LEN)
		return -1;
	return (int)ARP_HDR_LEN;
}

static const struct argus_decoder_ops arp_ops = {
	.ip_protos = NULL,
	.n_ip_protos = 0,
	.flow_state_size = 0,
	.idle_timeout = 5,
	.timeout_config = "ARGUS_ARP_TIMEOUT",
	.key = arp_key,
	.update = arp_update,
	.fill_record = arp_fill,
	.report_done = NULL,
	.ethertypes = arp_ethertypes,
	.n_ethertypes = sizeof(arp_ethertypes) / sizeof(arp_ethertypes[0]),
	.payload_offset = arp_payload_offset,
	.related_key = NULL,
};

static const struct argus_plugin arp_plugin = {
	.abi_major = ARGUS_ABI_MAJOR,
	.abi_minor = ARGUS_ABI_MINOR,
	.size = sizeof(struct argus_plugin),
	.kind = ARGUS_PLUGIN_DECODER,
	.name = "arp",
	.version = "0.1.0",
	.summary = "ARP and RARP: flow keys as Argus 3.0.8 builds them",
	.init = arp_init,
	.fini = arp_fini,
	.ops.decoder = &arp_ops,
};

ARGUS_PLUGIN_DEFINE(arp, arp_plugin)
