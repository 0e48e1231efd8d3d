/* IGMP decoder: Argus 3.0.8 keys an IGMP flow on the group it is about
 * rather than on the IP destination, so that a host's reports and leaves
 * for one group are one flow whether they went to the group, to 224.0.0.2
 * or to 224.0.0.22.  The group is the 4 bytes at offset 4 of the IGMP
 * message, read that way for every message type but a general query, as
 * Argus does (IGMPv3 reports and mtrace give what those bytes hold). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <argus/plugin.h>

static const uint8_t igmp_protos[] = { 2 };

static int igmp_init(const struct argus_host *host, void **state, char *err, size_t errlen)
{
	(void)host;
	(void)err;
	(void)errlen;
	*state = NULL;
	return ARGUS_OK;
}

static void igmp_fini(void *state)
{
	(void)state;
}

static int igmp_key(void *state, const struct argus_packet *pkt, struct argus_flow_key *key)
{
	static const uint8_t none[4];

	(void)state;
	if (pkt->ip_version != 4 || pkt->l4 == NULL || pkt->l4_len < 8)
		return ARGUS_EFORMAT;
	/* a general query (no group) stays keyed on its destination */
	if (pkt->l4[0] == 0x11 && memcmp(pkt->l4 + 4, none, 4) == 0)
		return ARGUS_OK;
	memcpy(key->daddr, pkt->l4 + 4, 4);
	return ARGUS_OK;
}

static enum argus_flow_verdict igmp_update(void *state, void *flow_state,
					   const struct argus_packet *pkt, int dir)
{
	(void)state;
	(void)flow_state;
	(void)pkt;
	(void)dir;
	return ARGUS_FLOW_CONTINUE;
}

static void igmp_fill(void *state, const void *flow_state, struct argus_record *rec)
{
	(void)state;
	(void)flow_state;
	rec->present |= ARGUS_HAS_NET;
}

static int igmp_payload_offset(void *state, const struct argus_packet *pkt)
{
	(void)state;
	(void)pkt;
	return 0;
}

static const struct argus_decoder_ops igmp_ops = {
	.ip_protos = igmp_protos,
	.n_ip_protos = sizeof(igmp_protos),
	.flow_state_size = 0,
	.idle_timeout = 30,
	.timeout_config = "ARGUS_IGMP_TIMEOUT",
	.key = igmp_key,
	.update = igmp_update,
	.fill_record = igmp_fill,
	.report_done = NULL,
	.payload_offset = igmp_payload_offset,
};

static const struct argus_plugin igmp_plugin = {
	.abi_major = ARGUS_ABI_MAJOR,
	.abi_minor = ARGUS_ABI_MINOR,
	.size = sizeof(struct argus_plugin),
	.kind = ARGUS_PLUGIN_DECODER,
	.name = "igmp",
	.version = "0.1.0",
	.summary = "IGMP: flows keyed on the group, as Argus 3.0.8",
	.init = igmp_init,
	.fini = igmp_fini,
	.ops.decoder = &igmp_ops,
};

ARGUS_PLUGIN_DEFINE(igmp, igmp_plugin)
