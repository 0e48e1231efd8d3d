/* ESP decoder: Argus 3.0.8 keys an ESP flow on its security parameter
 * index (one flow per security association), written where the ports go:
 * sport holds the SPI's high half and dport its low half, so the FLOW
 * section carries the 32-bit SPI as Argus writes it. */
#include <stdint.h>
#include <stdlib.h>

#include <argus/plugin.h>

static const uint8_t esp_protos[] = { 50 };

static int esp_init(const struct argus_host *host, void **state, char *err, size_t errlen)
{
	(void)host;
	(void)err;
	(void)errlen;
	*state = NULL;
	return ARGUS_OK;
}

static void esp_fini(void *state)
{
	(void)state;
}

static int esp_key(void *state, const struct argus_packet *pkt, struct argus_flow_key *key)
{
	(void)state;
	if (pkt->l4 == NULL || pkt->l4_len < 4)
		return ARGUS_EFORMAT;
	key->sport = (uint16_t)(pkt->l4[0] << 8 | pkt->l4[1]);
	key->dport = (uint16_t)(pkt->l4[2] << 8 | pkt->l4[3]);
	return ARGUS_OK;
}

static enum argus_flow_verdict esp_update(void *state, void *flow_state,
					  const struct argus_packet *pkt, int dir)
{
	(void)state;
	(void)flow_state;
	(void)pkt;
	(void)dir;
	return ARGUS_FLOW_CONTINUE;
}

static void esp_fill(void *state, const void *flow_state, struct argus_record *rec)
{
	(void)state;
	(void)flow_state;
	rec->present |= ARGUS_HAS_NET;
}

/* SPI and sequence number: the rest is the (encrypted) payload */
static int esp_payload_offset(void *state, const struct argus_packet *pkt)
{
	(void)state;
	return pkt->l4_len >= 8 ? 8 : -1;
}

static const struct argus_decoder_ops esp_ops = {
	.ip_protos = esp_protos,
	.n_ip_protos = sizeof(esp_protos),
	.flow_state_size = 0,
	.idle_timeout = 30,
	.timeout_config = "ARGUS_IP_TIMEOUT",
	.key = esp_key,
	.update = esp_update,
	.fill_record = esp_fill,
	.report_done = NULL,
	.payload_offset = esp_payload_offset,
};

static const struct argus_plugin esp_plugin = {
	.abi_major = ARGUS_ABI_MAJOR,
	.abi_minor = ARGUS_ABI_MINOR,
	.size = sizeof(struct argus_plugin),
	.kind = ARGUS_PLUGIN_DECODER,
	.name = "esp",
	.version = "0.1.0",
	.summary = "ESP: flows keyed on the SPI, as Argus 3.0.8",
	.init = esp_init,
	.fini = esp_fini,
	.ops.decoder = &esp_ops,
};

ARGUS_PLUGIN_DEFINE(esp, esp_plugin)
