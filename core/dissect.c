/* Dissector: link layers (Ethernet, 802.1Q/QinQ, Linux cooked, BSD null,
 * raw IP), then IPv4 or IPv6 with extension headers, filling the packet view
 * decoders see.  Every read is bounded by the captured length. */
#include "config.h"

#include <pcap/dlt.h>
#include <string.h>

#include <argus/record.h>

#include "dissect.h"

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_VLAN 0x8100
#define ETHERTYPE_QINQ 0x88a8
#define ETHERTYPE_QINQ_OLD 0x9100
#define MAX_VLAN_TAGS 4
#define MAX_IPV6_EXT_HEADERS 16

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif
#ifndef DLT_IPV4
#define DLT_IPV4 228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6 229
#endif

static inline uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

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
		return 1;
	default:
		return 0;
	}
}

static enum argus_dissect_result dissect_ipv4(const uint8_t *p, uint32_t len,
					       struct argus_packet *pkt)
{
	uint32_t ihl, tot;
	uint16_t off;

	if (len < 20 || (p[0] >> 4) != 4)
		return ARGUS_DISSECT_MALFORMED;
	ihl = (uint32_t)(p[0] & 0x0f) * 4;
	tot = rd16(p + 2);
	pkt->ip_version = 4;
	pkt->tos = p[1];
	pkt->ipid = rd16(p + 4);
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
	return ARGUS_DISSECT_IP;
}

static enum argus_dissect_result dissect_ipv6(const uint8_t *p, uint32_t len,
					       struct argus_packet *pkt)
{
	uint32_t plen, off = 40;
	uint8_t nh;

	if (len < 40 || (p[0] >> 4) != 6)
		return ARGUS_DISSECT_MALFORMED;
	pkt->ip_version = 6;
	pkt->tos = (uint8_t)(((p[0] & 0x0f) << 4) | (p[1] >> 4));
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
		case 135: /* mobility */
			if (off + 8 > len)
				goto truncated;
			hlen = ((uint32_t)p[off + 1] + 1) * 8;
			break;
		case 51: /* AH */
			if (off + 8 > len)
				goto truncated;
			hlen = ((uint32_t)p[off + 1] + 2) * 4;
			break;
		case 44: /* fragment */
			if (off + 8 > len)
				goto truncated;
			{
				uint16_t fo = rd16(p + off + 2);
				pkt->flags |= ARGUS_PKT_FRAGMENT;
				pkt->frag_offset = (uint16_t)(fo & 0xfff8);
				pkt->ipid = rd16(p + off + 6);
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
		default:
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

static enum argus_dissect_result dissect_network(uint16_t ethertype, const uint8_t *p,
						  uint32_t len, struct argus_packet *pkt)
{
	pkt->ethertype = ethertype;
	switch (ethertype) {
	case ETHERTYPE_IPV4:
		return dissect_ipv4(p, len, pkt);
	case ETHERTYPE_IPV6:
		return dissect_ipv6(p, len, pkt);
	default:
		return pkt->eth_src ? ARGUS_DISSECT_NONIP : ARGUS_DISSECT_MALFORMED;
	}
}

static enum argus_dissect_result dissect_ether(const uint8_t *p, uint32_t len,
						struct argus_packet *pkt)
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
	if (type <= 1500) {
		/* 802.3 length: LLC frame (STP, CDP, ...) */
		pkt->encaps |= ARGUS_ENCAPS_LLC;
		pkt->ethertype = 0;
		return ARGUS_DISSECT_NONIP;
	}
	return dissect_network(type, p + off, len - off, pkt);
}

enum argus_dissect_result argus_dissect(int dlt, const uint8_t *data, uint32_t caplen,
					uint32_t wirelen, int64_t ts_us, struct argus_packet *pkt)
{
	memset(pkt, 0, sizeof *pkt);
	pkt->ts_us = ts_us;
	pkt->caplen = caplen;
	pkt->wirelen = wirelen;

	switch (dlt) {
	case DLT_EN10MB:
		return dissect_ether(data, caplen, pkt);
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
		if (caplen < 1)
			return ARGUS_DISSECT_MALFORMED;
		return dissect_network((data[0] >> 4) == 6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4, data,
				       caplen, pkt);
	case DLT_NULL:
	case DLT_LOOP: {
		uint32_t af;
		if (caplen < 4)
			return ARGUS_DISSECT_MALFORMED;
		/* DLT_NULL is host order of the capturing machine, DLT_LOOP network order */
		af = (uint32_t)data[0] << 24 | (uint32_t)data[1] << 16 | (uint32_t)data[2] << 8 | data[3];
		if (dlt == DLT_NULL && (af & 0xffff) == 0)
			af >>= 24;
		pkt->l2 = data;
		if (af == 2)
			return dissect_network(ETHERTYPE_IPV4, data + 4, caplen - 4, pkt);
		if (af == 10 || af == 24 || af == 28 || af == 30)
			return dissect_network(ETHERTYPE_IPV6, data + 4, caplen - 4, pkt);
		return ARGUS_DISSECT_MALFORMED;
	}
	case DLT_LINUX_SLL:
		if (caplen < 16)
			return ARGUS_DISSECT_MALFORMED;
		pkt->l2 = data;
		pkt->encaps |= ARGUS_ENCAPS_SLL;
		/* the cooked header was never on the wire: Argus leaves it out of bytes */
		pkt->wirelen = wirelen >= 16 ? wirelen - 16 : 0;
		return dissect_network(rd16(data + 14), data + 16, caplen - 16, pkt);
	case DLT_LINUX_SLL2:
		if (caplen < 20)
			return ARGUS_DISSECT_MALFORMED;
		pkt->l2 = data;
		pkt->encaps |= ARGUS_ENCAPS_SLL;
		pkt->wirelen = wirelen >= 20 ? wirelen - 20 : 0;
		return dissect_network(rd16(data), data + 20, caplen - 20, pkt);
	default:
		return ARGUS_DISSECT_MALFORMED;
	}
}
