/* IS-IS flows as Argus 3.0.8 makes them.  Argus keys each LAN hello, LSP,
 * CSNP and PSNP by its PDU type, sender and a checksum: the LSP's own, or
 * for the others a sum Argus computes over the PDU, so that a hello whose
 * content changes (a new neighbour) starts a new flow.  Point-to-point
 * hellos and PDUs whose fixed header Argus does not accept become Ethernet
 * flows of type 0x83 (the caller's job). */
#include "isis.h"

#include <stdio.h>
#include <string.h>

/* The common header: NLPID, header length, version, id length, PDU type,
 * PDU version, reserved, maximum area addresses. */
#define ISIS_COMMON_LEN 8u
#define ISIS_SYSID_LEN 6u
#define ISIS_NODEID_LEN 7u
#define ISIS_LSPID_LEN 8u

enum {
	PDU_L1_LAN_IIH = 15,
	PDU_L2_LAN_IIH = 16,
	PDU_L1_LSP = 18,
	PDU_L2_LSP = 20,
	PDU_L1_CSNP = 24,
	PDU_L2_CSNP = 25,
	PDU_L1_PSNP = 26,
	PDU_L2_PSNP = 27,
};

/* The header length Argus requires of each PDU type, and the captured
 * bytes the keyed fields need. */
static int pdu_layout(uint8_t type, uint32_t *fixed_len, uint32_t *needed)
{
	switch (type) {
	case PDU_L1_LAN_IIH:
	case PDU_L2_LAN_IIH:
		*fixed_len = ISIS_COMMON_LEN + 19; /* ... source id, ..., LAN id */
		*needed = ISIS_COMMON_LEN + 19;
		return 0;
	case PDU_L1_LSP:
	case PDU_L2_LSP:
		*fixed_len = ISIS_COMMON_LEN + 19; /* ..., LSP id, sequence, checksum, type */
		*needed = ISIS_COMMON_LEN + 18;
		return 0;
	case PDU_L1_CSNP:
	case PDU_L2_CSNP:
		*fixed_len = ISIS_COMMON_LEN + 25; /* length, source id, start and end LSP ids */
		*needed = ISIS_COMMON_LEN + 9;
		return 0;
	case PDU_L1_PSNP:
	case PDU_L2_PSNP:
		*fixed_len = ISIS_COMMON_LEN + 9; /* length, source id */
		*needed = ISIS_COMMON_LEN + 9;
		return 0;
	default:
		return -1;
	}
}

/* Argus 3.0.8's sum over a hello or SNP: 16-bit big-endian words added
 * modulo 0xffff (c0) and the running sum of c0 (c1), the result c0 | c1.
 * Argus starts it at the 8-byte common header's end, but rounded down to
 * an even address; in the buffers libpcap hands it the header sits at an
 * odd offset (Ethernet 14 + LLC 3, plus 4 a VLAN tag), so the sum starts at
 * the header's last byte.  It covers the frame's length from there less
 * the header (the padding after the PDU included) rounded up to whole
 * words; Argus writes 0 unless that much was captured. */
static uint16_t argus_sum(const uint8_t *hdr, uint32_t caplen, uint32_t wirelen)
{
	uint32_t c0 = 0, c1 = 0, tlen, words;

	if (wirelen < ISIS_COMMON_LEN)
		return 0;
	tlen = wirelen - ISIS_COMMON_LEN;
	if (tlen > caplen || tlen + ISIS_COMMON_LEN - 1 > caplen)
		return 0;
	words = (tlen + 1) / 2;
	for (uint32_t i = 0, off = ISIS_COMMON_LEN - 1; i < words; i++, off += 2) {
		uint32_t hi = off < caplen ? hdr[off] : 0, lo = off + 1 < caplen ? hdr[off + 1] : 0;
		c0 = (c0 + (hi << 8 | lo)) % 0xffff;
		c1 = (c1 + c0) % 0xffff;
	}
	return (uint16_t)(c0 | c1);
}

int argus_isis_key(const struct argus_packet *pkt, struct argus_flow_key *k)
{
	const uint8_t *h = pkt->l3;
	uint32_t cap = pkt->l3_frame_caplen, wire, fixed_len, needed;
	uint8_t type;

	if (!(pkt->flags & ARGUS_PKT_OSI) || !h || !pkt->eth_src || !pkt->eth_dst ||
	    cap < ISIS_COMMON_LEN || h[0] != ARGUS_NLPID_ISIS)
		return -1;
	/* version 1, PDU version 1, system ids of 6 bytes (0 means 6) */
	if (h[2] != 1 || h[5] != 1 || (h[3] != ISIS_SYSID_LEN && h[3] != 0))
		return -1;
	type = h[4];
	if (pdu_layout(type, &fixed_len, &needed) != 0 || h[1] != fixed_len || cap < needed)
		return -1;
	/* the frame's bytes from the header on, what was not captured included */
	wire = cap + (pkt->wirelen > pkt->caplen ? pkt->wirelen - pkt->caplen : 0);

	memset(k, 0, sizeof *k);
	k->family = ARGUS_KEY_ISIS;
	k->proto = type;
	k->sport = h[2];
	memcpy(k->saddr, pkt->eth_src, 6);
	memcpy(k->daddr, pkt->eth_dst, 6);
	switch (type) {
	case PDU_L1_LAN_IIH:
	case PDU_L2_LAN_IIH:
		memcpy(k->saddr + 6, h + ISIS_COMMON_LEN + 1, ISIS_SYSID_LEN);
		memcpy(k->daddr + 6, h + ISIS_COMMON_LEN + 12, ISIS_NODEID_LEN);
		k->ethertype = argus_sum(h, cap, wire);
		break;
	case PDU_L1_LSP:
	case PDU_L2_LSP:
		memcpy(k->saddr + 6, h + ISIS_COMMON_LEN + 4, ISIS_LSPID_LEN);
		memcpy(k->daddr + 6, h + ISIS_COMMON_LEN + 12, 4);
		k->ethertype = (uint16_t)(h[ISIS_COMMON_LEN + 16] << 8 | h[ISIS_COMMON_LEN + 17]);
		break;
	default: /* CSNP, PSNP */
		memcpy(k->saddr + 6, h + ISIS_COMMON_LEN + 2, ISIS_NODEID_LEN);
		k->ethertype = argus_sum(h, cap, wire);
		break;
	}
	return 0;
}

const char *argus_isis_pdu_name(uint8_t pdu_type)
{
	switch (pdu_type) {
	case PDU_L1_LAN_IIH: return "L1-IIH";
	case PDU_L2_LAN_IIH: return "L2-IIH";
	case PDU_L1_LSP: return "L1-LSP";
	case PDU_L2_LSP: return "L2-LSP";
	case PDU_L1_CSNP: return "L1-CSNP";
	case PDU_L2_CSNP: return "L2-CSNP";
	case PDU_L1_PSNP: return "L1-PSNP";
	case PDU_L2_PSNP: return "L2-PSNP";
	default: return NULL;
	}
}

/* "xxxx.xxxx.xxxx", then ".yy" for a node id and "-zz" for an LSP id. */
static void id_text(const uint8_t *id, size_t len, char *buf, size_t n)
{
	int w = snprintf(buf, n, "%02x%02x.%02x%02x.%02x%02x", id[0], id[1], id[2], id[3], id[4],
			 id[5]);
	if (len >= ISIS_NODEID_LEN && w > 0 && (size_t)w < n)
		w += snprintf(buf + w, n - (size_t)w, ".%02x", id[6]);
	if (len >= ISIS_LSPID_LEN && w > 0 && (size_t)w < n)
		snprintf(buf + w, n - (size_t)w, "-%02x", id[7]);
}

void argus_isis_src_text(const struct argus_flow_key *k, char *buf, size_t n)
{
	size_t len = ISIS_NODEID_LEN;

	if (k->proto == PDU_L1_LAN_IIH || k->proto == PDU_L2_LAN_IIH)
		len = ISIS_SYSID_LEN;
	else if (k->proto == PDU_L1_LSP || k->proto == PDU_L2_LSP)
		len = ISIS_LSPID_LEN;
	id_text(k->saddr + 6, len, buf, n);
}

void argus_isis_dst_text(const struct argus_flow_key *k, char *buf, size_t n)
{
	const uint8_t *d = k->daddr + 6;

	if (k->proto == PDU_L1_LAN_IIH || k->proto == PDU_L2_LAN_IIH)
		id_text(d, ISIS_NODEID_LEN, buf, n);
	else if (k->proto == PDU_L1_LSP || k->proto == PDU_L2_LSP)
		snprintf(buf, n, "0x%02x%02x%02x%02x", d[0], d[1], d[2], d[3]);
	else if (n)
		buf[0] = '\0';
}
