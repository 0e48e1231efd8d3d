/* UDP decoder: ports for the flow key.  Argus 3.0.8 keeps no UDP state and
 * writes an empty NETWORK DSR for UDP flows. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <argus/plugin.h>

struct udp_module {
	const struct argus_host *host;
};

static const uint8_t udp_protos[] = { 17 };

static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static int udp_init(const struct argus_host *host, void **state, char *err, size_t errlen)
{
	struct udp_module *m = calloc(1, sizeof(*m));

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

static void udp_fini(void *state)
{
	free(state);
}

static int udp_key(void *state, const struct argus_packet *pkt, struct argus_flow_key *key)
{
	(void)state;
	/* Like Argus: no ports unless the IP payload can hold a UDP header. */
	if (pkt->l4 == NULL || pkt->l4_len < 4 || pkt->l4_wire_len < 8)
		return ARGUS_EFORMAT;
	key->sport = rd16(pkt->l4);
	key->dport = rd16(pkt->l4 + 2);
	/* Argus 3.0.8 keys IPv4 DNS by transaction id as well (one flow per
	 * query/response exchange).  The id goes into the key's otherwise
	 * unused ethertype word, which the host hashes, compares and keeps
	 * when it reverses the key. */
	if (pkt->ip_version == 4 && (key->sport == 53 || key->dport == 53))
		key->ethertype = pkt->l4_len >= 10 ? rd16(pkt->l4 + 8) : 0;
	return ARGUS_OK;
}

static enum argus_flow_verdict udp_update(void *state, void *flow_state,
					  const struct argus_packet *pkt, int dir)
{
	(void)state;
	(void)flow_state;
	(void)pkt;
	(void)dir;
	return ARGUS_FLOW_CONTINUE;
}

static void udp_fill(void *state, const void *flow_state, struct argus_record *rec)
{
	(void)state;
	(void)flow_state;
	rec->present |= ARGUS_HAS_NET;
}

/* Argus counts the IP payload less the 8-byte header as application bytes,
 * whatever the UDP length field says. */
static int udp_payload_offset(void *state, const struct argus_packet *pkt)
{
	(void)state;
	if (pkt->l4 == NULL || pkt->l4_wire_len < 8)
		return -1;
	return 8;
}

static const struct argus_decoder_ops udp_ops = {
	.ip_protos = udp_protos,
	.n_ip_protos = sizeof(udp_protos),
	.flow_state_size = 0,
	.idle_timeout = 30,
	.timeout_config = "ARGUS_IP_TIMEOUT", /* Argus has no UDP variable */
	.key = udp_key,
	.update = udp_update,
	.fill_record = udp_fill,
	.report_done = NULL,
	.ethertypes = NULL,
	.n_ethertypes = 0,
	.payload_offset = udp_payload_offset,
	.related_key = NULL,
};

static const struct argus_plugin udp_plugin = {
	.abi_major = ARGUS_ABI_MAJOR,
	.abi_minor = ARGUS_ABI_MINOR,
	.size = sizeof(struct argus_plugin),
	.kind = ARGUS_PLUGIN_DECODER,
	.name = "udp",
	.version = "0.1.0",
	.summary = "UDP: ports",
	.init = udp_init,
	.fini = udp_fini,
	.ops.decoder = &udp_ops,
};

ARGUS_PLUGIN_DEFINE(udp, udp_plugin)
