/* The dissected-packet view a decoder receives.  The host's dissector fills
 * it in place from the captured bytes (no copies); every pointer refers into
 * the capture buffer and is valid only for the duration of the call.
 * Lengths are bounded by what was captured: never read past l4 + l4_len.
 */
#ifndef ARGUS_PACKET_H
#define ARGUS_PACKET_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ARGUS_PKT_FRAGMENT 0x01       /* IP fragment (any) */
#define ARGUS_PKT_FIRST_FRAGMENT 0x02 /* fragment with offset 0 */
#define ARGUS_PKT_TRUNCATED 0x04      /* capture shorter than the IP length */
#define ARGUS_PKT_VLAN 0x08           /* carried an 802.1Q tag */

struct argus_packet {
	int64_t ts_us;       /* capture time, microseconds since the epoch */
	uint32_t caplen;     /* bytes captured */
	uint32_t wirelen;    /* bytes on the wire (what Argus counts as bytes) */
	uint32_t flags;      /* ARGUS_PKT_* */
	uint32_t encaps;     /* ARGUS_ENCAPS_* bits of the layers seen */

	const uint8_t *l2;   /* link header, or NULL */
	const uint8_t *eth_src; /* Ethernet source address (6 bytes), or NULL */
	const uint8_t *eth_dst; /* Ethernet destination address, or NULL */
	uint16_t ethertype;  /* of the network layer */
	uint16_t vlan_tci;   /* outermost 802.1Q tag, if ARGUS_PKT_VLAN */

	uint8_t ip_version;  /* 4 or 6; 0 for non-IP */
	uint8_t proto;       /* IP protocol of the transport header (after IPv6 extension headers) */
	uint8_t ttl;         /* TTL / hop limit */
	uint8_t tos;         /* TOS / traffic class */
	uint16_t ipid;       /* IPv4 identification (low 16 bits of the IPv6 fragment id) */
	uint16_t frag_offset; /* in bytes */
	const uint8_t *l3;   /* IP header */
	uint32_t l3_len;     /* captured bytes from l3 on, bounded by the IP length */
	const uint8_t *l4;   /* transport header, NULL for non-first fragments */
	uint32_t l4_len;     /* captured bytes from l4 on, bounded by the IP length */
	uint32_t l4_wire_len; /* transport length according to the IP header */

	/* ---- ABI 1.2 ----
	 * Non-IP packets (ARGUS_DISSECT_NONIP): l3/l3_len are the bytes after
	 * the Ethernet type (or after the LLC header for 802.3 frames). */
	uint8_t llc_dsap, llc_ssap; /* 802.3 LLC SAPs (ARGUS_ENCAPS_LLC) */
	uint8_t n_mpls;             /* MPLS label stack entries kept in mpls[] */
	uint8_t tunnel_depth;       /* tunnels (GRE, VXLAN, Geneve, IP in IP) passed */
	uint32_t mpls[4];           /* label stack entries as on the wire, outermost first */
	const uint8_t *outer_l3;    /* outermost IP header when tunnelled, else NULL */
};

#ifdef __cplusplus
}
#endif
#endif
