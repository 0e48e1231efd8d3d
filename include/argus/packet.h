/* The dissected-packet view a decoder receives.  The host's dissector fills
 * it in place from the captured bytes (no copies); every pointer refers into
 * the capture buffer (but for eth_dst of Linux cooked captures, see below)
 * and is valid only for the duration of the call.
 * Lengths are bounded by what was captured: never read past l4 + l4_len.
 * Tunnels (GRE, VXLAN, Geneve, IP in IP) are opened: the IP and transport
 * fields describe the innermost packet, which is the one keyed.
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
#define ARGUS_PKT_WLAN 0x10           /* ABI 1.4: an 802.11 frame keyed by its
				       * addresses (ARGUS_DISSECT_NONIP) */
#define ARGUS_PKT_OSI 0x20            /* ABI 1.5: an 802.3 frame with LLC
				       * 0xfe 0xfe UI: l3 is an OSI network
				       * PDU (IS-IS, ES-IS, CLNP) */

struct argus_packet {
	int64_t ts_us;       /* capture time, microseconds since the epoch */
	uint32_t caplen;     /* bytes captured */
	uint32_t wirelen;    /* bytes as Argus counts them: the whole frame, tunnel
			      * headers included; less the link header on Linux cooked,
			      * null/loop, PPP, Cisco HDLC and SLIP links */
	uint32_t flags;      /* ARGUS_PKT_* */
	uint32_t encaps;     /* ARGUS_ENCAPS_* bits of the layers seen */

	const uint8_t *l2;   /* link header, or NULL; with eth_src, the Ethernet (or
			      * Linux cooked) header the addresses are in */
	const uint8_t *eth_src; /* Ethernet source address (6 bytes), or NULL; the inner
				 * frame's when a tunnel carries Ethernet, else the outer's;
				 * Linux cooked: the link-layer address */
	const uint8_t *eth_dst; /* Ethernet destination address, or NULL; Linux cooked:
				 * made up from the packet type as Argus does (static) */
	uint16_t ethertype;  /* of the network layer keyed; non-IP: the type whose
			      * payload l3 is (0 for 802.3 LLC frames) */
	uint16_t vlan_tci;   /* outermost 802.1Q tag, if ARGUS_PKT_VLAN */

	uint8_t ip_version;  /* 4 or 6; 0 for non-IP */
	uint8_t proto;       /* IP protocol of the transport header (after IPv6 extension headers) */
	uint8_t ttl;         /* TTL / hop limit */
	uint8_t tos;         /* IPv4 TOS byte; IPv6: what Argus reports, bits 4-11 of
			      * the first word (low traffic-class nibble, top of the flow label) */
	uint16_t ipid;       /* IPv4 id as x86 Argus holds it: the wire bytes swapped
			      * (id 50 is 0x3200); IPv6: the low 16 bits of the fragment
			      * id swapped alike, 0 if unfragmented (Argus reports 0) */
	uint16_t frag_offset; /* in bytes */
	const uint8_t *l3;   /* IP header */
	uint32_t l3_len;     /* captured bytes from l3 on, bounded by the IP length */
	const uint8_t *l4;   /* transport header, NULL for non-first fragments */
	uint32_t l4_len;     /* captured bytes from l4 on, bounded by the IP length */
	uint32_t l4_wire_len; /* transport length according to the IP header */

	/* ---- ABI 1.2 ----
	 * Non-IP packets (ARGUS_DISSECT_NONIP): l3/l3_len are the bytes after
	 * the Ethernet type (after the LLC header, SNAP included, for 802.3
	 * frames, bounded by their length field); for MPLS or PPPoE session
	 * frames not carrying IP, the label stack or the PPPoE header. */
	uint8_t llc_dsap, llc_ssap; /* 802.3 LLC SAPs (ARGUS_ENCAPS_LLC), e.g. 0xaa for SNAP */
	uint8_t n_mpls;             /* MPLS label stack entries kept in mpls[] (at most 4) */
	uint8_t tunnel_depth;       /* tunnels (GRE, VXLAN, Geneve, IP in IP) passed, at most 4 */
	uint32_t mpls[4];           /* outermost stack: label << 12 | TC << 9 | S << 8 | TTL, top first */
	const uint8_t *outer_l3;    /* outermost IP header when tunnelled, else NULL */

	/* ---- ABI 1.4 ----
	 * 802.11 (ARGUS_ENCAPS_80211): eth_dst and eth_src are addresses 1 and 2
	 * of the 802.11 header, wlan_bssid address 3 (NULL when the frame is
	 * too short to have one). */
	const uint8_t *wlan_bssid;

	/* ---- ABI 1.5 ----
	 * 802.3 LLC frames: the bytes captured from l3 to the end of the
	 * frame, its padding included (l3_len stops at the 802.3 length). */
	uint32_t l3_frame_caplen;
	/* 802.11 association, probe and beacon frames: the SSID element's
	 * bytes (wlan_ssid_len of them, at most 32), or NULL. */
	const uint8_t *wlan_ssid;
	uint8_t wlan_ssid_len;
};

#ifdef __cplusplus
}
#endif
#endif
