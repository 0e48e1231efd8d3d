/* Tiny packet builders for unit tests (IPv4/IPv6 with TCP/UDP/ICMP,
 * optionally behind Ethernet and an 802.1Q tag). */
#ifndef ARGUS_TEST_PKTBUILD_H
#define ARGUS_TEST_PKTBUILD_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline size_t pb_ether(uint8_t *p, const uint8_t *dst, const uint8_t *src, int vlan,
			      uint16_t type)
{
	size_t o = 12;
	memcpy(p, dst, 6);
	memcpy(p + 6, src, 6);
	if (vlan >= 0) {
		p[o++] = 0x81;
		p[o++] = 0x00;
		p[o++] = (uint8_t)(vlan >> 8);
		p[o++] = (uint8_t)vlan;
	}
	p[o++] = (uint8_t)(type >> 8);
	p[o++] = (uint8_t)type;
	return o;
}

/* IPv4 header with addresses a.b.c.d given as uint32 host order. */
static inline size_t pb_ipv4(uint8_t *p, uint32_t src, uint32_t dst, uint8_t proto,
			     uint16_t payload, uint16_t id, uint16_t frag)
{
	uint16_t tot = (uint16_t)(20 + payload);
	memset(p, 0, 20);
	p[0] = 0x45;
	p[2] = (uint8_t)(tot >> 8);
	p[3] = (uint8_t)tot;
	p[4] = (uint8_t)(id >> 8);
	p[5] = (uint8_t)id;
	p[6] = (uint8_t)(frag >> 8);
	p[7] = (uint8_t)frag;
	p[8] = 64;
	p[9] = proto;
	for (int i = 0; i < 4; i++) {
		p[12 + i] = (uint8_t)(src >> (24 - 8 * i));
		p[16 + i] = (uint8_t)(dst >> (24 - 8 * i));
	}
	return 20;
}

static inline size_t pb_ports(uint8_t *p, uint16_t sport, uint16_t dport, size_t hdrlen)
{
	memset(p, 0, hdrlen);
	p[0] = (uint8_t)(sport >> 8);
	p[1] = (uint8_t)sport;
	p[2] = (uint8_t)(dport >> 8);
	p[3] = (uint8_t)dport;
	return hdrlen;
}

/* A raw IPv4 UDP datagram with LEN payload bytes; returns its length. */
static inline size_t pb_udp4(uint8_t *p, uint32_t src, uint32_t dst, uint16_t sport,
			     uint16_t dport, uint16_t len)
{
	size_t o = pb_ipv4(p, src, dst, 17, (uint16_t)(8 + len), 1, 0);
	o += pb_ports(p + o, sport, dport, 8);
	p[o - 4] = (uint8_t)((8 + len) >> 8);
	p[o - 3] = (uint8_t)(8 + len);
	memset(p + o, 0xab, len);
	return o + len;
}

#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

#endif
