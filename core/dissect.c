/* Dissector: link layers (Ethernet with 802.1Q/QinQ and 802.3 LLC/SNAP,
 * Linux cooked v1/v2, BSD null/loop, raw IP, PPP, PPP in HDLC framing,
 * PPPoE, Cisco HDLC, SLIP, Juniper Ethernet), MPLS, then IPv4 or IPv6 with
 * extension headers, and the tunnels GRE, VXLAN, Geneve and IP in IP, whose
 * inner packet is the one keyed.  Fills the packet view decoders see.
 * Every read is bounded by the captured length; nothing is allocated. */
#include "config.h"

#include <pcap/dlt.h>
#include <string.h>

#include <argus/record.h>

#include "dissect.h"

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_ARP 0x0806
#define ETHERTYPE_VLAN 0x8100
#define ETHERTYPE_QINQ 0x88a8
#define ETHERTYPE_QINQ_OLD 0x9100
#define ETHERTYPE_MPLS 0x8847
#define ETHERTYPE_MPLS_MC 0x8848
#define ETHERTYPE_PPPOE_DISC 0x8863
#define ETHERTYPE_PPPOE_SESS 0x8864
#define ETHERTYPE_TEB 0x6558 /* transparent Ethernet bridging */
#define ETHERTYPE_PPP 0x880b
#define ETHERTYPE_ERSPAN 0x88be
#define ETHERTYPE_ERSPAN3 0x22eb

#define PPP_IPV4 0x0021
#define PPP_IPV6 0x0057
#define PPP_MPLS 0x0281
#define PPP_MPLS_MC 0x0283

#define UDP_PORT_VXLAN 4789
#define UDP_PORT_GENEVE 6081

#define MAX_VLAN_TAGS 4
#define MAX_IPV6_EXT_HEADERS 16
#define MAX_MPLS_ENTRIES 16 /* parsed; the first 4 are kept */
#define MAX_TUNNELS 4

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif
#ifndef DLT_IPV4
#define DLT_IPV4 228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6 229
#endif
#ifndef DLT_JUNIPER_ETHER
#define DLT_JUNIPER_ETHER 178
#endif
#ifndef DLT_IPNET
#define DLT_IPNET 226
#endif

typedef enum argus_dissect_result res_t;

static inline uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int argus_dissect_link_supported(int dlt)
{
	switch (dlt) {
	case DLT_EN10MB:
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
	case DLT_NULL:
	case DLT_LOOP:
	case DLT_LINUX_SLL:
	case DLT_LINUX_SLL2:
	case DLT_PPP:
	case DLT_PPP_SERIAL:
	case DLT_PPP_ETHER:
	case DLT_C_HDLC:
	case DLT_SLIP:
	case DLT_JUNIPER_ETHER:
	case DLT_IEEE802_11:
	case DLT_IEEE802_11_RADIO:
	case DLT_IPNET:
	case DLT_ATM_RFC1483:
	case DLT_ATM_CLIP:
		return 1;
	default:
		return 0;
	}
}

static res_t dissect_type(uint16_t type, const uint8_t *p, uint32_t len, struct argus_packet *pkt,
			  unsigned depth);
static res_t dissect_ether(const uint8_t *p, uint32_t len, struct argus_packet *pkt, unsigned depth);

/* Forget what an IP dissection left, before another attempt. */
static void reset_l3(struct argus_packet *pkt)
{
	pkt->ip_version = 0;
	pkt->proto = 0;
	pkt->ttl = 0;
	pkt->tos = 0;
	pkt->ipid = 0;
	pkt->frag_offset = 0;
	pkt->l3 = NULL;
	pkt->l3_len = 0;
	pkt->l4 = NULL;
	pkt->l4_len = 0;
	pkt->l4_wire_len = 0;
	pkt->l3_frame_caplen = 0;
	pkt->flags &= ~(uint32_t)ARGUS_PKT_OSI;
	pkt->flags &= ~(uint32_t)(ARGUS_PKT_FRAGMENT | ARGUS_PKT_FIRST_FRAGMENT | ARGUS_PKT_TRUNCATED);
}

/* A frame whose network layer is not IP: keyed by its Ethernet addresses,
 * so without them it cannot be a flow. */
static res_t non_ip(uint16_t type, const uint8_t *p, uint32_t len, struct argus_packet *pkt)
{
	reset_l3(pkt);
	pkt->ethertype = type;
	if (!pkt->eth_src)
		return ARGUS_DISSECT_MALFORMED;
	pkt->l3 = p;
	pkt->l3_len = len;
	return ARGUS_DISSECT_NONIP;
}

static res_t dissect_ipv4(const uint8_t *p, uint32_t len, struct argus_packet *pkt)
{
	uint32_t ihl, tot;
	uint16_t off;

	if (len < 20 || (p[0] >> 4) != 4)
		return ARGUS_DISSECT_MALFORMED;
	ihl = (uint32_t)(p[0] & 0x0f) * 4;
	tot = rd16(p + 2);
	if (tot < 20) /* 0 too (BIG TCP): Argus does not key it as IP either */
		return ARGUS_DISSECT_MALFORMED;
	pkt->ip_version = 4;
	pkt->tos = p[1];
	/* x86 Argus keeps the id as loaded from the wire, without ntohs */
	pkt->ipid = (uint16_t)(p[5] << 8 | p[4]);
	pkt->ttl = p[8];
	pkt->proto = p[9];
	pkt->l3 = p;
	if (ihl < 20 || tot < ihl) {
		/* addresses are readable: account it, but no transport header */
		pkt->flags |= ARGUS_PKT_TRUNCATED;
		pkt->l3_len = len;
		return ARGUS_DISSECT_IP;
	}
	if (tot < len)
		len = tot; /* Ethernet padding */
	else if (tot > len)
		pkt->flags |= ARGUS_PKT_TRUNCATED;
	pkt->l3_len = len;
	off = rd16(p + 6);
	if (off & 0x3fff) {
		pkt->flags |= ARGUS_PKT_FRAGMENT;
		pkt->frag_offset = (uint16_t)((off & 0x1fff) * 8);
		if ((off & 0x1fff) == 0)
			pkt->flags |= ARGUS_PKT_FIRST_FRAGMENT;
		else
			return ARGUS_DISSECT_IP;
	}
	pkt->l4_wire_len = tot - ihl;
	if (ihl <= len) {
		pkt->l4 = p + ihl;
		pkt->l4_len = len - ihl;
	}
	/* AH is skipped, as Argus does, so the flow is keyed by what it protects */
	if (pkt->proto == 51) {
		pkt->encaps |= ARGUS_ENCAPS_AH;
		if (pkt->l4 && pkt->l4_len >= 8) {
			uint32_t ahl = ((uint32_t)pkt->l4[1] + 2) * 4;
			if (ahl <= pkt->l4_len && ahl <= pkt->l4_wire_len) {
				pkt->proto = pkt->l4[0];
				pkt->l4 += ahl;
				pkt->l4_len -= ahl;
				pkt->l4_wire_len -= ahl;
			}
		}
	}
	return ARGUS_DISSECT_IP;
}

static res_t dissect_ipv6(const uint8_t *p, uint32_t len, struct argus_packet *pkt)
{
	uint32_t plen, off = 40;
	uint8_t nh;

	/* the version nibble is not checked: the Ethernet type (or, on raw
	 * links, that nibble itself) already chose IPv6, and Argus keys a
	 * packet with a wrong version as IPv6 too */
	if (len < 40)
		return ARGUS_DISSECT_MALFORMED;
	pkt->ip_version = 6;
	/* What Argus reports as the IPv6 TOS: bits 4-11 of the first word
	 * (the low traffic-class nibble and the top of the flow label). */
	pkt->tos = (uint8_t)((rd32(p) >> 4) & 0xff);
	pkt->ttl = p[7];
	pkt->l3 = p;
	plen = rd16(p + 4);
	/* a zero payload length is a jumbogram or a TSO/GSO capture: trust caplen */
	if (plen != 0) {
		if (40 + plen < len)
			len = 40 + plen;
		else if (40 + plen > len)
			pkt->flags |= ARGUS_PKT_TRUNCATED;
	}
	pkt->l3_len = len;
	nh = p[6];
	for (int i = 0; i < MAX_IPV6_EXT_HEADERS; i++) {
		uint32_t hlen;
		switch (nh) {
		case 0:   /* hop-by-hop */
		case 43:  /* routing */
		case 60:  /* destination options */
			if (off + 8 > len)
				goto truncated;
			hlen = ((uint32_t)p[off + 1] + 1) * 8;
			break;
		case 51: /* AH */
			if (off + 8 > len)
				goto truncated;
			hlen = ((uint32_t)p[off + 1] + 2) * 4;
			pkt->encaps |= ARGUS_ENCAPS_AH;
			break;
		case 44: /* fragment */
			if (off + 8 > len)
				goto truncated;
			{
				uint16_t fo = rd16(p + off + 2);
				pkt->flags |= ARGUS_PKT_FRAGMENT;
				pkt->frag_offset = (uint16_t)(fo & 0xfff8);
				/* low-order 16 bits of the identification, byte-swapped as for IPv4 */
				pkt->ipid = (uint16_t)(p[off + 7] << 8 | p[off + 6]);
				if ((fo & 0xfff8) == 0)
					pkt->flags |= ARGUS_PKT_FIRST_FRAGMENT;
				nh = p[off];
				off += 8;
				if ((fo & 0xfff8) != 0) {
					pkt->proto = nh;
					return ARGUS_DISSECT_IP;
				}
			}
			continue;
		default: /* the mobility header (135) too: Argus keys it as the protocol */
			goto done;
		}
		nh = p[off];
		off += hlen;
	}
done:
	pkt->proto = nh;
	if (off <= len) {
		pkt->l4 = p + off;
		pkt->l4_len = len - off;
		pkt->l4_wire_len = plen >= off - 40 ? plen - (off - 40) : 0;
		if (plen == 0)
			pkt->l4_wire_len = pkt->l4_len;
	} else {
		pkt->flags |= ARGUS_PKT_TRUNCATED;
	}
	return ARGUS_DISSECT_IP;
truncated:
	pkt->proto = nh;
	pkt->flags |= ARGUS_PKT_TRUNCATED;
	return ARGUS_DISSECT_IP;
}

/* IP whose version is only known from its first nibble. */
static res_t dissect_ip_nibble(const uint8_t *p, uint32_t len, struct argus_packet *pkt,
			       unsigned depth)
{
	if (len < 1)
		return ARGUS_DISSECT_MALFORMED;
	switch (p[0] >> 4) {
	case 4:
		return dissect_type(ETHERTYPE_IPV4, p, len, pkt, depth);
	case 6:
		return dissect_type(ETHERTYPE_IPV6, p, len, pkt, depth);
	default:
		return ARGUS_DISSECT_MALFORMED;
	}
}

/* ---- tunnels ---- */

enum inner_kind { INNER_NONE, INNER_ETHER, INNER_IP, INNER_TYPE };

/* The GRE header at p (RFC 2784/2890, RFC 2637's version 1 carrying PPP,
 * ERSPAN types I to III): returns how the payload starts, sets *hlen (GRE
 * and ERSPAN headers) and *type. */
static enum inner_kind parse_gre(const uint8_t *p, uint32_t len, uint32_t *hlen, uint16_t *type)
{
	uint16_t flags;
	uint32_t hl = 4;

	if (len < 4)
		return INNER_NONE;
	flags = rd16(p);
	*type = rd16(p + 2);
	if (flags & 0x4000) /* RFC 1701 source routing: not handled */
		return INNER_NONE;
	switch (flags & 0x0007) {
	case 0:
		if (flags & 0x8000)
			hl += 4; /* checksum, reserved */
		if (flags & 0x2000)
			hl += 4; /* key */
		if (flags & 0x1000)
			hl += 4; /* sequence number */
		break;
	case 1: /* enhanced GRE (PPTP): key always, then sequence, acknowledgment */
		if (*type != ETHERTYPE_PPP || !(flags & 0x2000))
			return INNER_NONE;
		hl += 4;
		if (flags & 0x1000)
			hl += 4;
		if (flags & 0x0080)
			hl += 4;
		break;
	default:
		return INNER_NONE;
	}
	if (hl > len)
		return INNER_NONE;
	*hlen = hl;
	switch (*type) {
	case ETHERTYPE_TEB:
		return INNER_ETHER;
	case ETHERTYPE_ERSPAN: /* type I has no header of its own, type II 8 bytes */
		if (flags & 0x1000)
			hl += 8;
		if (hl > len)
			return INNER_NONE;
		*hlen = hl;
		return INNER_ETHER;
	case ETHERTYPE_ERSPAN3: {
		uint8_t ft;
		if (hl + 12 > len)
			return INNER_NONE;
		ft = (uint8_t)((p[hl + 10] >> 2) & 0x1f);
		if (p[hl + 11] & 1) /* platform-specific subheader */
			hl += 8;
		hl += 12;
		if (hl > len || (ft != 0 && ft != 2))
			return INNER_NONE;
		*hlen = hl;
		return ft == 0 ? INNER_ETHER : INNER_IP;
	}
	case ETHERTYPE_IPV4:
	case ETHERTYPE_IPV6:
	case ETHERTYPE_MPLS:
	case ETHERTYPE_MPLS_MC:
	case ETHERTYPE_PPP:
		return INNER_TYPE;
	default:
		return INNER_NONE;
	}
}

static res_t dissect_ppp(const uint8_t *p, uint32_t len, struct argus_packet *pkt, unsigned depth,
			 uint32_t *hdrlen);

/* pkt holds a good IP packet: if it carries a tunnel and the inner packet
 * dissects, make pkt describe the inner packet; otherwise leave it as it is. */
static res_t try_tunnel(struct argus_packet *pkt, unsigned depth)
{
	struct argus_packet outer;
	const uint8_t *in = pkt->l4;
	uint32_t ilen = pkt->l4_len, hl = 0;
	uint32_t bit = 0;
	uint16_t type = 0;
	enum inner_kind kind;
	res_t r;

	if (depth >= MAX_TUNNELS || !in || (pkt->flags & ARGUS_PKT_FRAGMENT))
		return ARGUS_DISSECT_IP;
	switch (pkt->proto) {
	case 4: /* IPv4 in IP */
		kind = INNER_TYPE;
		type = ETHERTYPE_IPV4;
		bit = pkt->ip_version == 4 ? ARGUS_ENCAPS_IP : ARGUS_ENCAPS_IPV6;
		break;
	case 41: /* IPv6 in IP */
		kind = INNER_TYPE;
		type = ETHERTYPE_IPV6;
		bit = pkt->ip_version == 4 ? ARGUS_ENCAPS_IP : ARGUS_ENCAPS_IPV6;
		break;
	case 47:
		kind = parse_gre(in, ilen, &hl, &type);
		bit = ARGUS_ENCAPS_GRE;
		break;
	case 17: {
		uint16_t dport;
		if (ilen < 16)
			return ARGUS_DISSECT_IP;
		dport = rd16(in + 2);
		in += 8;
		ilen -= 8;
		if (dport == UDP_PORT_VXLAN && (in[0] & 0x08)) {
			kind = INNER_ETHER; /* the I flag: a valid VNI follows */
			hl = 8;
			bit = ARGUS_ENCAPS_VXLAN;
		} else if (dport == UDP_PORT_GENEVE && (in[0] >> 6) == 0) {
			hl = 8 + (uint32_t)(in[0] & 0x3f) * 4;
			type = rd16(in + 2);
			bit = ARGUS_ENCAPS_GENEVE;
			if (hl > ilen)
				kind = INNER_NONE;
			else if (type == ETHERTYPE_TEB)
				kind = INNER_ETHER;
			else if (type == ETHERTYPE_IPV4 || type == ETHERTYPE_IPV6)
				kind = INNER_TYPE;
			else
				kind = INNER_NONE;
		} else {
			return ARGUS_DISSECT_IP;
		}
		break;
	}
	default:
		return ARGUS_DISSECT_IP;
	}
	if (kind == INNER_NONE)
		return ARGUS_DISSECT_IP;

	outer = *pkt;
	in += hl;
	ilen -= hl;
	if (!pkt->outer_l3)
		pkt->outer_l3 = pkt->l3;
	pkt->tunnel_depth++;
	pkt->encaps |= bit;
	reset_l3(pkt);
	if (kind == INNER_ETHER) {
		r = dissect_ether(in, ilen, pkt, depth + 1);
		if (r == ARGUS_DISSECT_NONIP &&
		    (pkt->ethertype == ETHERTYPE_IPV4 || pkt->ethertype == ETHERTYPE_IPV6))
			r = ARGUS_DISSECT_MALFORMED; /* inner IP cut short: keep the outer packet */
	} else {
		uint32_t ph;
		if (kind == INNER_IP)
			r = dissect_ip_nibble(in, ilen, pkt, depth + 1);
		else if (type == ETHERTYPE_PPP)
			r = dissect_ppp(in, ilen, pkt, depth + 1, &ph);
		else
			r = dissect_type(type, in, ilen, pkt, depth + 1);
		if (r == ARGUS_DISSECT_NONIP)
			r = ARGUS_DISSECT_MALFORMED; /* only an inner Ethernet frame keys a non-IP flow */
	}
	if (r == ARGUS_DISSECT_MALFORMED) {
		*pkt = outer; /* a bad tunnel is accounted as the outer packet */
		return ARGUS_DISSECT_IP;
	}
	return r;
}

/* ---- link and shim layers ---- */

static res_t dissect_mpls(uint16_t type, const uint8_t *p, uint32_t len, struct argus_packet *pkt,
			  unsigned depth)
{
	uint32_t off = 0;
	int keep = pkt->n_mpls == 0; /* the outermost stack is the one kept */

	pkt->encaps |= ARGUS_ENCAPS_MPLS;
	for (int i = 0;; i++) {
		uint32_t e;
		if (off + 4 > len || i == MAX_MPLS_ENTRIES)
			return non_ip(type, p, len, pkt);
		e = rd32(p + off);
		off += 4;
		if (keep && pkt->n_mpls < 4)
			pkt->mpls[pkt->n_mpls++] = e;
		if (e & 0x100) /* bottom of stack */
			break;
	}
	if (off < len && ((p[off] >> 4) == 4 || (p[off] >> 4) == 6)) {
		if (dissect_ip_nibble(p + off, len - off, pkt, depth) == ARGUS_DISSECT_IP)
			return ARGUS_DISSECT_IP;
	}
	return non_ip(type, p, len, pkt);
}

/* A PPP frame: optional address/control (ff 03), a 1- or 2-byte protocol. */
static res_t dissect_ppp(const uint8_t *p, uint32_t len, struct argus_packet *pkt, unsigned depth,
			 uint32_t *hdrlen)
{
	uint32_t off = 0;
	uint16_t proto;

	*hdrlen = 0;
	if (len >= 2 && p[0] == 0xff && p[1] == 0x03)
		off = 2;
	if (off >= len)
		return ARGUS_DISSECT_MALFORMED;
	if (p[off] & 1) {
		proto = p[off];
		off += 1;
	} else {
		if (off + 2 > len)
			return ARGUS_DISSECT_MALFORMED;
		proto = rd16(p + off);
		off += 2;
	}
	*hdrlen = off;
	pkt->encaps |= ARGUS_ENCAPS_PPP;
	switch (proto) {
	case PPP_IPV4:
		return dissect_type(ETHERTYPE_IPV4, p + off, len - off, pkt, depth);
	case PPP_IPV6:
		return dissect_type(ETHERTYPE_IPV6, p + off, len - off, pkt, depth);
	case PPP_MPLS:
		return dissect_type(ETHERTYPE_MPLS, p + off, len - off, pkt, depth);
	case PPP_MPLS_MC:
		return dissect_type(ETHERTYPE_MPLS_MC, p + off, len - off, pkt, depth);
	default:
		return ARGUS_DISSECT_MALFORMED; /* LCP, IPCP, ...: nothing to key */
	}
}

/* PPPoE session stage (RFC 2516): 6-byte header, then PPP. */
static res_t dissect_pppoe(const uint8_t *p, uint32_t len, struct argus_packet *pkt, unsigned depth,
			   uint32_t *hdrlen)
{
	uint32_t plen, ph;
	res_t r;

	*hdrlen = 0;
	if (len < 6 || p[0] != 0x11 || p[1] != 0)
		return non_ip(ETHERTYPE_PPPOE_SESS, p, len, pkt);
	plen = rd16(p + 4);
	if (plen < len - 6)
		len = 6 + plen; /* Ethernet padding */
	r = dissect_ppp(p + 6, len - 6, pkt, depth, &ph);
	if (r != ARGUS_DISSECT_IP)
		return non_ip(ETHERTYPE_PPPOE_SESS, p, len, pkt);
	*hdrlen = 6 + ph;
	return r;
}

/* 802.2 LLC after an 802.3 length field, with SNAP: LEN bytes up to the
 * length field's end, CAP the bytes captured (the frame's padding too). */
static res_t dissect_llc(const uint8_t *p, uint32_t len, uint32_t cap, struct argus_packet *pkt,
			 unsigned depth)
{
	uint32_t hl;

	reset_l3(pkt);
	pkt->ethertype = 0;
	if (len < 3) {
		pkt->l3 = p;
		pkt->l3_len = len;
		return ARGUS_DISSECT_NONIP;
	}
	pkt->encaps |= ARGUS_ENCAPS_LLC;
	pkt->llc_dsap = p[0];
	pkt->llc_ssap = p[1];
	hl = (p[2] & 3) == 3 ? 3 : 4; /* U format, or I/S format with a 2-byte control */
	if (p[0] == 0xaa && p[1] == 0xaa && p[2] == 0x03 && len >= 8) {
		uint16_t type = rd16(p + 6);
		hl = 8;
		if (type == ETHERTYPE_IPV4 || type == ETHERTYPE_IPV6) {
			res_t r = dissect_type(type, p + 8, len - 8, pkt, depth);
			if (r == ARGUS_DISSECT_IP)
				return r;
			reset_l3(pkt);
			pkt->ethertype = 0;
		}
	}
	if (hl > len)
		hl = len;
	if (p[0] == 0xfe && p[1] == 0xfe && p[2] == 0x03)
		pkt->flags |= ARGUS_PKT_OSI;
	pkt->l3 = p + hl;
	pkt->l3_len = len - hl;
	pkt->l3_frame_caplen = cap - hl;
	return ARGUS_DISSECT_NONIP;
}

/* The network layer named by an Ethernet type. */
static res_t dissect_type(uint16_t type, const uint8_t *p, uint32_t len, struct argus_packet *pkt,
			  unsigned depth)
{
	res_t r;
	uint32_t hl;

	pkt->ethertype = type;
	switch (type) {
	case ETHERTYPE_IPV4:
		r = dissect_ipv4(p, len, pkt);
		break;
	case ETHERTYPE_IPV6:
		r = dissect_ipv6(p, len, pkt);
		break;
	case ETHERTYPE_MPLS:
	case ETHERTYPE_MPLS_MC:
		return dissect_mpls(type, p, len, pkt, depth);
	case ETHERTYPE_PPPOE_SESS:
		return dissect_pppoe(p, len, pkt, depth, &hl);
	case ETHERTYPE_PPPOE_DISC:
		pkt->encaps |= ARGUS_ENCAPS_PPP; /* as Argus */
		return non_ip(type, p, len, pkt);
	default:
		return non_ip(type, p, len, pkt);
	}
	/* an IP header too broken to key: as Argus, a flow of the Ethernet type */
	if (r == ARGUS_DISSECT_MALFORMED)
		return non_ip(type, p, len, pkt);
	return try_tunnel(pkt, depth);
}

#define ISL_HEADER_LEN 26u

/* An ISL frame: to 01:00:0c:00:00:0x with frame type 0 (Ethernet) in the
 * high nibble of the address's last byte, and room for the inner header. */
static int is_isl(const uint8_t *p, uint32_t len, const struct argus_packet *pkt)
{
	return !(pkt->encaps & ARGUS_ENCAPS_ISL) && len >= ISL_HEADER_LEN + 14 && p[0] == 0x01 &&
	       p[1] == 0x00 && p[2] == 0x0c && p[3] == 0x00 && p[4] == 0x00 && (p[5] >> 4) == 0;
}

static res_t dissect_ether(const uint8_t *p, uint32_t len, struct argus_packet *pkt, unsigned depth)
{
	uint32_t off = 14;
	uint16_t type;

	if (len < 14)
		return ARGUS_DISSECT_MALFORMED;
	pkt->l2 = p;
	pkt->eth_dst = p;
	pkt->eth_src = p + 6;
	pkt->encaps |= ARGUS_ENCAPS_ETHER;
	type = rd16(p + 12);
	for (int tags = 0; (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ ||
			    type == ETHERTYPE_QINQ_OLD) && tags < MAX_VLAN_TAGS; tags++) {
		if (off + 4 > len)
			return ARGUS_DISSECT_MALFORMED;
		if (!(pkt->flags & ARGUS_PKT_VLAN)) {
			pkt->flags |= ARGUS_PKT_VLAN;
			pkt->vlan_tci = rd16(p + off);
		}
		pkt->encaps |= ARGUS_ENCAPS_8021Q;
		type = rd16(p + off + 2);
		off += 4;
	}
	if (type <= 1500 && off == 14 && is_isl(p, len, pkt)) {
		/* Cisco ISL: a 26-byte header before the tagged Ethernet frame,
		 * whose addresses key the flow; Argus reads one level of it */
		pkt->encaps |= ARGUS_ENCAPS_ISL;
		return dissect_ether(p + ISL_HEADER_LEN, len - ISL_HEADER_LEN, pkt, depth);
	}
	if (type <= 1500) {
		/* 802.3 length: an LLC frame (STP, CDP, ...); the length drops the padding */
		uint32_t n = len - off;
		return dissect_llc(p + off, type < n ? type : n, n, pkt, depth);
	}
	return dissect_type(type, p + off, len - off, pkt, depth);
}

/* Linux cooked capture: Argus makes an Ethernet header of it, the source
 * from the link-layer address and a destination from the packet type. */
static const uint8_t sll_dst_unicast[6] = {0, 0, 0, 0, 0, 1};
static const uint8_t sll_dst_broadcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t sll_dst_multicast[6] = {1, 0, 0, 0, 0, 0};
static const uint8_t sll_dst_outgoing[6] = {0, 0, 0, 0, 0, 0};

static res_t dissect_sll(const uint8_t *data, uint32_t caplen, uint32_t hlen, uint16_t pkttype,
			 const uint8_t *addr, uint16_t proto, struct argus_packet *pkt)
{
	pkt->l2 = data;
	pkt->encaps |= ARGUS_ENCAPS_SLL | ARGUS_ENCAPS_ETHER;
	pkt->eth_src = addr;
	switch (pkttype) {
	case 1:
		pkt->eth_dst = sll_dst_broadcast;
		break;
	case 2:
		pkt->eth_dst = sll_dst_multicast;
		break;
	case 4:
		pkt->eth_dst = sll_dst_outgoing;
		break;
	default:
		pkt->eth_dst = sll_dst_unicast;
		break;
	}
	/* the cooked header was never on the wire: Argus leaves it out of bytes */
	pkt->wirelen = pkt->wirelen >= hlen ? pkt->wirelen - hlen : 0;
	if (proto == 0x0004) /* LINUX_SLL_P_802_2: an LLC frame follows */
		return dissect_llc(data + hlen, caplen - hlen, caplen - hlen, pkt, 0);
	return dissect_type(proto, data + hlen, caplen - hlen, pkt, 0);
}

/* ---- 802.11 ------------------------------------------------------------------- */

static const uint8_t wlan_no_address[6];

#define WLAN_TYPE_MGMT 0
#define WLAN_TYPE_CTRL 1
#define WLAN_TYPE_DATA 2
#define RADIOTAP_F_DATAPAD 0x20 /* data frames: header padded to 32 bits */

/* The 802.11 header's length as Argus reckons it (0 for the control
 * frames it does not know). */
static uint32_t wlan_header_len(uint16_t fc)
{
	unsigned subtype = (fc >> 4) & 0xfu;

	switch ((fc >> 2) & 3u) {
	case WLAN_TYPE_MGMT:
		return 24;
	case WLAN_TYPE_CTRL:
		switch (subtype) {
		case 10: /* PS-Poll */
		case 11: /* RTS */
		case 14: /* CF-End */
		case 15: /* CF-End + CF-Ack */
			return 16;
		case 12: /* CTS */
		case 13: /* ACK */
			return 10;
		default:
			return 0;
		}
	case WLAN_TYPE_DATA:
		/* four addresses; QoS control; +HTC (order bit on QoS data) */
		return ((fc & 0x0300u) == 0x0300u ? 30u : 24u) + ((subtype & 0x8u) ? 2u : 0u) +
		       ((subtype & 0x8u) && (fc & 0x8000u) ? 4u : 0u);
	default:
		return 0;
	}
}

/* An 802.11 frame.  Data frames whose LLC/SNAP header carries IP or ARP
 * are those flows, as Argus makes them; every other frame is a one-way
 * WLAN flow of its addresses (what the frame does not have is zero). */
/* The SSID of an association, probe or beacon frame, found as Argus finds
 * it: after the subtype's fixed fields, walking SSID, challenge, rates, DS,
 * CF and TIM elements up to the first other one; an SSID too long or cut
 * short by the capture is none. */
static void wlan_ssid(const uint8_t *body, uint32_t blen, unsigned subtype,
		      struct argus_packet *pkt)
{
	uint32_t off;

	switch (subtype) {
	case 0: /* association request: capabilities, listen interval */
		off = 4;
		break;
	case 1: /* (re)association response: capabilities, status, AID */
	case 3:
		off = 6;
		break;
	case 2: /* reassociation request: ..., current AP (Argus: 4) */
		off = 10;
		break;
	case 4: /* probe request */
		off = 0;
		break;
	case 5: /* probe response, beacon: timestamp, interval, capabilities */
	case 8:
		off = 12;
		break;
	default:
		return;
	}
	while (off + 2 <= blen) {
		uint32_t elen = body[off + 1];
		switch (body[off]) {
		case 0: /* SSID */
			if (elen > ARGUS_WLAN_SSID_MAX || off + 2 + elen > blen)
				return;
			pkt->wlan_ssid = elen ? body + off + 2 : NULL;
			pkt->wlan_ssid_len = (uint8_t)elen;
			off += 2 + elen;
			break;
		case 16: /* challenge text */
			if (elen > 253)
				return;
			off += 2 + elen;
			break;
		case 1: /* rates */
			if (elen > 16)
				return;
			off += 2 + elen;
			break;
		case 3: /* DS parameter set: Argus takes 3 bytes whatever its length */
			off += 3;
			break;
		case 4: /* CF parameter set */
			off += 8;
			break;
		case 5: /* TIM */
			off += 5 + (elen > 3 ? elen - 3 : 0);
			break;
		default:
			return;
		}
	}
}

static res_t dissect_80211(const uint8_t *p, uint32_t len, int datapad, struct argus_packet *pkt)
{
	uint16_t fc;
	uint32_t hl;

	if (len < 2)
		return ARGUS_DISSECT_MALFORMED;
	fc = (uint16_t)(p[0] | p[1] << 8);
	pkt->l2 = p;
	pkt->encaps |= ARGUS_ENCAPS_80211;
	hl = wlan_header_len(fc);
	/* address 1 always; control frames have address 2 only when their
	 * header is 16 bytes (PS-Poll, RTS, CF-End) or they are block-ack
	 * frames, and no address 3 (a BSSID read there would be the frame's
	 * sequence fields) */
	pkt->eth_dst = len >= 10 ? p + 4 : wlan_no_address;
	pkt->eth_src = len >= 16 ? p + 10 : wlan_no_address;
	pkt->wlan_bssid = len >= 22 ? p + 16 : NULL;
	if (((fc >> 2) & 3u) == WLAN_TYPE_CTRL) {
		unsigned subtype = (fc >> 4) & 0xfu;
		if (hl != 16 && subtype != 8 && subtype != 9)
			pkt->eth_src = wlan_no_address;
		pkt->wlan_bssid = NULL;
	}
	/* a data frame with data, not protected: its LLC header */
	if (((fc >> 2) & 3u) == WLAN_TYPE_DATA && !(fc & 0x0040u) && !(fc & 0x4000u)) {
		if (datapad)
			hl = (hl + 3) & ~3u;
		if (hl + 8 <= len && p[hl] == 0xaa && p[hl + 1] == 0xaa && p[hl + 2] == 0x03) {
			uint16_t type = rd16(p + hl + 6);
			if (type == ETHERTYPE_IPV4 || type == ETHERTYPE_IPV6 || type == ETHERTYPE_ARP) {
				res_t r;
				pkt->encaps |= ARGUS_ENCAPS_LLC;
				r = dissect_type(type, p + hl + 8, len - hl - 8, pkt, 0);
				if (r != ARGUS_DISSECT_MALFORMED)
					return r;
				reset_l3(pkt);
				pkt->encaps &= ~(uint32_t)ARGUS_ENCAPS_LLC;
			}
		}
	}
	reset_l3(pkt);
	pkt->ethertype = 0;
	pkt->flags |= ARGUS_PKT_WLAN;
	if (hl > len)
		hl = len;
	pkt->l3 = p + hl;
	pkt->l3_len = len - hl;
	if (((fc >> 2) & 3u) == WLAN_TYPE_MGMT)
		wlan_ssid(pkt->l3, pkt->l3_len, (fc >> 4) & 0xfu, pkt);
	return ARGUS_DISSECT_NONIP;
}

/* The radiotap header before an 802.11 frame: its length, and whether the
 * frame's header is padded (the flags field). */
static res_t dissect_radiotap(const uint8_t *data, uint32_t caplen, struct argus_packet *pkt)
{
	uint32_t rtlen, off = 8, present;
	int datapad = 0;

	if (caplen < 8 || data[0] != 0)
		return ARGUS_DISSECT_MALFORMED;
	rtlen = (uint32_t)(data[2] | data[3] << 8);
	if (rtlen < 8 || rtlen > caplen)
		return ARGUS_DISSECT_MALFORMED;
	present = (uint32_t)data[4] | (uint32_t)data[5] << 8 | (uint32_t)data[6] << 16 |
		  (uint32_t)data[7] << 24;
	/* further presence words follow while bit 31 is set */
	for (uint32_t w = present; (w & 0x80000000u) && off + 4 <= rtlen; off += 4)
		w = (uint32_t)data[off + 3] << 24;
	if (present & 0x02u) { /* flags, after the 8-byte aligned TSFT if present */
		if (present & 0x01u)
			off = ((off + 7) & ~7u) + 8;
		if (off < rtlen)
			datapad = (data[off] & RADIOTAP_F_DATAPAD) != 0;
	}
	/* the radiotap header was never on the air: Argus leaves it out of bytes */
	pkt->wirelen = pkt->wirelen >= rtlen ? pkt->wirelen - rtlen : 0;
	return dissect_80211(data + rtlen, caplen - rtlen, datapad, pkt);
}

/* Point-to-point links: Argus does not count the link header in bytes. */
static res_t strip_link(res_t r, uint32_t hlen, struct argus_packet *pkt)
{
	pkt->wirelen = pkt->wirelen >= hlen ? pkt->wirelen - hlen : 0;
	return r;
}

/* Solaris ipnet: a 24-byte pseudo-header (version, address family, ...)
 * before an IP packet; not on the wire, so not counted. */
#define IPNET_HEADER_LEN 24u
#define IPNET_AF_INET 2
#define IPNET_AF_INET6 26

static res_t dissect_ipnet(const uint8_t *data, uint32_t caplen, struct argus_packet *pkt)
{
	uint16_t type;

	if (caplen < IPNET_HEADER_LEN)
		return ARGUS_DISSECT_MALFORMED;
	if (data[1] == IPNET_AF_INET)
		type = ETHERTYPE_IPV4;
	else if (data[1] == IPNET_AF_INET6)
		type = ETHERTYPE_IPV6;
	else
		return ARGUS_DISSECT_MALFORMED;
	pkt->l2 = data;
	return strip_link(dissect_type(type, data + IPNET_HEADER_LEN, caplen - IPNET_HEADER_LEN, pkt, 0),
			  IPNET_HEADER_LEN, pkt);
}

/* RFC 1483 / Linux CLIP over ATM: the AAL5 payload starts with LLC/SNAP.
 * Only IP makes a flow: there are no MAC addresses to key anything else. */
static res_t dissect_atm_llc(const uint8_t *data, uint32_t caplen, struct argus_packet *pkt)
{
	res_t r;

	pkt->l2 = data;
	pkt->encaps |= ARGUS_ENCAPS_ATM;
	r = dissect_llc(data, caplen, caplen, pkt, 0);
	return r == ARGUS_DISSECT_IP ? r : ARGUS_DISSECT_MALFORMED;
}

static res_t dissect_chdlc(const uint8_t *data, uint32_t caplen, struct argus_packet *pkt)
{
	if (caplen < 4)
		return ARGUS_DISSECT_MALFORMED;
	pkt->l2 = data;
	pkt->encaps |= ARGUS_ENCAPS_CHDLC;
	/* SLARP, CDP, ...: no Ethernet addresses to key a flow by */
	return strip_link(dissect_type(rd16(data + 2), data + 4, caplen - 4, pkt, 0), 4, pkt);
}

enum argus_dissect_result argus_dissect(int dlt, const uint8_t *data, uint32_t caplen,
					uint32_t wirelen, int64_t ts_us, struct argus_packet *pkt)
{
	/* copied rather than memset: the copy compiles to a few vector moves,
	 * the memset of this size to a string instruction that costs more */
	static const struct argus_packet empty;
	uint32_t hl;
	res_t r;

	*pkt = empty;
	pkt->ts_us = ts_us;
	pkt->caplen = caplen;
	pkt->wirelen = wirelen;

	switch (dlt) {
	case DLT_EN10MB:
		return dissect_ether(data, caplen, pkt, 0);
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
		return dissect_ip_nibble(data, caplen, pkt, 0);
	case DLT_NULL:
	case DLT_LOOP: {
		uint32_t af;
		if (caplen < 4)
			return ARGUS_DISSECT_MALFORMED;
		/* DLT_NULL is host order of the capturing machine, DLT_LOOP network order */
		af = rd32(data);
		if (dlt == DLT_NULL && (af & 0xffff) == 0)
			af >>= 24;
		pkt->l2 = data;
		if (af == 2)
			r = dissect_type(ETHERTYPE_IPV4, data + 4, caplen - 4, pkt, 0);
		else if (af == 10 || af == 24 || af == 28 || af == 30)
			r = dissect_type(ETHERTYPE_IPV6, data + 4, caplen - 4, pkt, 0);
		else
			return ARGUS_DISSECT_MALFORMED;
		return strip_link(r, 4, pkt);
	}
	case DLT_LINUX_SLL:
		if (caplen < 16)
			return ARGUS_DISSECT_MALFORMED;
		return dissect_sll(data, caplen, 16, rd16(data), data + 6, rd16(data + 14), pkt);
	case DLT_LINUX_SLL2:
		if (caplen < 20)
			return ARGUS_DISSECT_MALFORMED;
		return dissect_sll(data, caplen, 20, data[10], data + 12, rd16(data), pkt);
	case DLT_PPP:
		pkt->l2 = data;
		r = dissect_ppp(data, caplen, pkt, 0, &hl);
		return strip_link(r, hl, pkt);
	case DLT_PPP_SERIAL:
		/* PPP in HDLC-like framing, or Cisco HDLC framing on the same link */
		if (caplen >= 1 && (data[0] == 0x0f || data[0] == 0x8f))
			return dissect_chdlc(data, caplen, pkt);
		pkt->l2 = data;
		pkt->encaps |= ARGUS_ENCAPS_HDLC;
		r = dissect_ppp(data, caplen, pkt, 0, &hl);
		return strip_link(r, hl, pkt);
	case DLT_PPP_ETHER:
		pkt->l2 = data;
		r = dissect_pppoe(data, caplen, pkt, 0, &hl);
		return strip_link(r, hl, pkt);
	case DLT_C_HDLC:
		return dissect_chdlc(data, caplen, pkt);
	case DLT_SLIP:
		/* 16-byte pseudo-header: direction and a copy of a compressed header */
		if (caplen < 16)
			return ARGUS_DISSECT_MALFORMED;
		pkt->l2 = data;
		pkt->encaps |= ARGUS_ENCAPS_SLIP;
		return strip_link(dissect_ip_nibble(data + 16, caplen - 16, pkt, 0), 16, pkt);
	case DLT_JUNIPER_ETHER:
		/* "MGC", flags, optional extension TLVs; Argus counts the whole frame */
		if (caplen < 4 || data[0] != 'M' || data[1] != 'G' || data[2] != 'C')
			return ARGUS_DISSECT_MALFORMED;
		hl = 4;
		if (data[3] & 0x80) {
			if (caplen < 6)
				return ARGUS_DISSECT_MALFORMED;
			hl = 6 + rd16(data + 4);
		}
		if (hl > caplen)
			return ARGUS_DISSECT_MALFORMED;
		pkt->encaps |= ARGUS_ENCAPS_JUNIPER;
		if (data[3] & 0x02) /* no layer 2 header: a 4-byte cookie, then IP */
			return hl + 4 <= caplen ? dissect_ip_nibble(data + hl + 4, caplen - hl - 4, pkt, 0)
						: ARGUS_DISSECT_MALFORMED;
		return dissect_ether(data + hl, caplen - hl, pkt, 0);
	case DLT_IPNET:
		return dissect_ipnet(data, caplen, pkt);
	case DLT_ATM_RFC1483:
	case DLT_ATM_CLIP:
		return dissect_atm_llc(data, caplen, pkt);
	case DLT_IEEE802_11:
		return dissect_80211(data, caplen, 0, pkt);
	case DLT_IEEE802_11_RADIO:
		return dissect_radiotap(data, caplen, pkt);
	default:
		return ARGUS_DISSECT_MALFORMED;
	}
}
