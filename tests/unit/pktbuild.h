/* Tiny packet builders for unit tests (IPv4/IPv6 with TCP/UDP/ICMP,
 * optionally behind Ethernet and an 802.1Q tag; MPLS, PPPoE, LLC/SNAP,
 * GRE, VXLAN and Geneve headers).  Each returns the bytes it wrote. */
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

static inline void pb_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void pb_put32(uint8_t *p, uint32_t v)
{
	pb_put16(p, (uint16_t)(v >> 16));
	pb_put16(p + 2, (uint16_t)v);
}

/* IPv6 header; addresses are 2001:db8::SRC and 2001:db8::DST. */
static inline size_t pb_ipv6(uint8_t *p, uint8_t src, uint8_t dst, uint8_t nh, uint16_t payload,
			     uint8_t tclass, uint32_t flowlabel)
{
	memset(p, 0, 40);
	pb_put32(p, 6u << 28 | (uint32_t)tclass << 20 | (flowlabel & 0xfffff));
	pb_put16(p + 4, payload);
	p[6] = nh;
	p[7] = 64;
	p[8] = 0x20;
	p[9] = 0x01;
	p[10] = 0x0d;
	p[11] = 0xb8;
	memcpy(p + 24, p + 8, 4);
	p[23] = src;
	p[39] = dst;
	return 40;
}

/* A raw IPv6 UDP datagram with LEN payload bytes. */
static inline size_t pb_udp6(uint8_t *p, uint8_t src, uint8_t dst, uint16_t sport, uint16_t dport,
			     uint16_t len)
{
	size_t o = pb_ipv6(p, src, dst, 17, (uint16_t)(8 + len), 0, 0);
	o += pb_ports(p + o, sport, dport, 8);
	pb_put16(p + o - 4, (uint16_t)(8 + len));
	memset(p + o, 0xcd, len);
	return o + len;
}

/* One MPLS label stack entry. */
static inline size_t pb_mpls(uint8_t *p, uint32_t label, int bottom, uint8_t ttl)
{
	pb_put32(p, label << 12 | (bottom ? 0x100u : 0) | ttl);
	return 4;
}

/* PPPoE session header and the 2-byte PPP protocol; PAYLOAD follows. */
static inline size_t pb_pppoe(uint8_t *p, uint16_t session, uint16_t ppp_proto, uint16_t payload)
{
	p[0] = 0x11;
	p[1] = 0;
	pb_put16(p + 2, session);
	pb_put16(p + 4, (uint16_t)(payload + 2));
	pb_put16(p + 6, ppp_proto);
	return 8;
}

/* 802.2 LLC header (3 bytes; 4 if CTRL is an I/S-format control). */
static inline size_t pb_llc(uint8_t *p, uint8_t dsap, uint8_t ssap, uint8_t ctrl)
{
	p[0] = dsap;
	p[1] = ssap;
	p[2] = ctrl;
	if ((ctrl & 3) != 3) {
		p[3] = 0;
		return 4;
	}
	return 3;
}

/* LLC/SNAP header: aa aa 03, OUI, type. */
static inline size_t pb_snap(uint8_t *p, uint32_t oui, uint16_t type)
{
	pb_llc(p, 0xaa, 0xaa, 0x03);
	p[3] = (uint8_t)(oui >> 16);
	p[4] = (uint8_t)(oui >> 8);
	p[5] = (uint8_t)oui;
	pb_put16(p + 6, type);
	return 8;
}

#define PB_GRE_CSUM 0x8000
#define PB_GRE_KEY 0x2000
#define PB_GRE_SEQ 0x1000

/* GRE version 0 header with the optional fields FLAGS asks for. */
static inline size_t pb_gre(uint8_t *p, uint16_t flags, uint16_t proto)
{
	size_t o = 4;
	pb_put16(p, flags);
	pb_put16(p + 2, proto);
	if (flags & PB_GRE_CSUM) {
		pb_put32(p + o, 0);
		o += 4;
	}
	if (flags & PB_GRE_KEY) {
		pb_put32(p + o, 0x1234);
		o += 4;
	}
	if (flags & PB_GRE_SEQ) {
		pb_put32(p + o, 1);
		o += 4;
	}
	return o;
}

static inline size_t pb_vxlan(uint8_t *p, uint32_t vni)
{
	memset(p, 0, 8);
	p[0] = 0x08;
	pb_put32(p + 4, vni << 8);
	return 8;
}

/* Geneve header with OPTWORDS 4-byte words of (zero) options. */
static inline size_t pb_geneve(uint8_t *p, uint16_t proto, uint32_t vni, uint8_t optwords)
{
	memset(p, 0, 8 + (size_t)optwords * 4);
	p[0] = optwords & 0x3f;
	pb_put16(p + 2, proto);
	pb_put32(p + 4, vni << 8);
	return 8 + (size_t)optwords * 4;
}

/* An outer IPv4 UDP header (no payload written) for a tunnel to DPORT;
 * INNER is the length of what follows the UDP header. */
static inline size_t pb_udp4_hdr(uint8_t *p, uint32_t src, uint32_t dst, uint16_t dport,
				 uint16_t inner)
{
	size_t o = pb_ipv4(p, src, dst, 17, (uint16_t)(8 + inner), 7, 0);
	o += pb_ports(p + o, 40000, dport, 8);
	pb_put16(p + o - 4, (uint16_t)(8 + inner));
	return o;
}

#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

#endif
