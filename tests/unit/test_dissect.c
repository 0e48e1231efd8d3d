/* The dissector on hand-built frames: every layer it handles, and bad
 * lengths that must never lead it past the captured bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <pcap/dlt.h>

#include <argus/plugin.h>

#include "core/dissect.h"
#include "pktbuild.h"

static const uint8_t mac_a[6] = {0, 0x11, 0x22, 0x33, 0x44, 0x55};
static const uint8_t mac_b[6] = {0, 0x11, 0x22, 0x33, 0x44, 0x66};

static void test_ether_ipv4_udp(void **st)
{
	uint8_t f[128];
	struct argus_packet pkt;
	size_t o = pb_ether(f, mac_b, mac_a, -1, 0x0800);
	size_t n = o + pb_udp4(f + o, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 5353, 53, 20);
	(void)st;
	assert_int_equal(argus_dissect(DLT_EN10MB, f, (uint32_t)n, (uint32_t)n, 7, &pkt), ARGUS_DISSECT_IP);
	assert_int_equal(pkt.ip_version, 4);
	assert_int_equal(pkt.proto, 17);
	assert_int_equal(pkt.ttl, 64);
	assert_ptr_equal(pkt.eth_src, f + 6);
	assert_ptr_equal(pkt.l4, f + o + 20);
	assert_int_equal(pkt.l4_len, 28);
	assert_int_equal(pkt.l4_wire_len, 28);
	assert_true(pkt.encaps & ARGUS_ENCAPS_ETHER);
	assert_int_equal(pkt.ts_us, 7);
}

static void test_vlan_and_padding(void **st)
{
	uint8_t f[128];
	struct argus_packet pkt;
	size_t o = pb_ether(f, mac_b, mac_a, 0x2065, 0x0800);
	size_t n = o + pb_udp4(f + o, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 1, 2, 0);
	(void)st;
	memset(f + n, 0, 10); /* Ethernet padding beyond the IP length */
	assert_int_equal(argus_dissect(DLT_EN10MB, f, (uint32_t)n + 10, (uint32_t)n + 10, 0, &pkt),
			 ARGUS_DISSECT_IP);
	assert_true(pkt.flags & ARGUS_PKT_VLAN);
	assert_int_equal(pkt.vlan_tci, 0x2065);
	assert_true(pkt.encaps & ARGUS_ENCAPS_8021Q);
	assert_int_equal(pkt.l4_len, 8); /* padding is not transport data */
	assert_int_equal(pkt.wirelen, n + 10);
}

static void test_ipv6_extension_headers(void **st)
{
	uint8_t p[128];
	struct argus_packet pkt;
	(void)st;
	memset(p, 0, sizeof p);
	p[0] = 0x60;
	p[5] = 8 + 8 + 8; /* payload: hop-by-hop, fragment, UDP */
	p[6] = 0;	  /* hop-by-hop */
	p[7] = 32;
	p[40] = 44; /* next: fragment */
	p[41] = 0;
	p[48] = 17; /* fragment header: next UDP, offset 0, M set */
	p[51] = 1;
	p[54] = 0x12;
	p[55] = 0x34;
	pb_ports(p + 56, 546, 547, 8);
	assert_int_equal(argus_dissect(DLT_RAW, p, 64, 64, 0, &pkt), ARGUS_DISSECT_IP);
	assert_int_equal(pkt.ip_version, 6);
	assert_int_equal(pkt.proto, 17);
	assert_ptr_equal(pkt.l4, p + 56);
	assert_true(pkt.flags & ARGUS_PKT_FRAGMENT);
	assert_true(pkt.flags & ARGUS_PKT_FIRST_FRAGMENT);
	assert_int_equal(pkt.ipid, 0x3412); /* low 16 bits of the id, byte-swapped as Argus */
}

static void test_ipv4_later_fragment_has_no_l4(void **st)
{
	uint8_t p[64];
	struct argus_packet pkt;
	(void)st;
	pb_ipv4(p, IP4(1, 2, 3, 4), IP4(5, 6, 7, 8), 17, 24, 99, 185);
	assert_int_equal(argus_dissect(DLT_RAW, p, 44, 44, 0, &pkt), ARGUS_DISSECT_IP);
	assert_true(pkt.flags & ARGUS_PKT_FRAGMENT);
	assert_false(pkt.flags & ARGUS_PKT_FIRST_FRAGMENT);
	assert_null(pkt.l4);
	assert_int_equal(pkt.frag_offset, 185 * 8);
}

static void test_truncated_and_runts(void **st)
{
	uint8_t f[128];
	struct argus_packet pkt;
	size_t o = pb_ether(f, mac_b, mac_a, -1, 0x0800);
	size_t n = o + pb_udp4(f + o, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 1, 2, 40);
	(void)st;
	/* captured less than the IP length: keyed, flagged, bounded */
	assert_int_equal(argus_dissect(DLT_EN10MB, f, (uint32_t)o + 24, (uint32_t)n, 0, &pkt),
			 ARGUS_DISSECT_IP);
	assert_true(pkt.flags & ARGUS_PKT_TRUNCATED);
	assert_int_equal(pkt.l4_len, 4);
	/* too short for an IP header: as Argus, a flow of Ethernet type 0x0800 */
	assert_int_equal(argus_dissect(DLT_EN10MB, f, (uint32_t)o + 10, (uint32_t)n, 0, &pkt),
			 ARGUS_DISSECT_NONIP);
	assert_int_equal(pkt.ethertype, 0x0800);
	assert_int_equal(pkt.ip_version, 0);
	assert_ptr_equal(pkt.l3, f + o);
	/* ... and without Ethernet addresses to key it by, malformed */
	assert_int_equal(argus_dissect(DLT_RAW, f + o, 10, 10, 0, &pkt), ARGUS_DISSECT_MALFORMED);
	assert_int_equal(argus_dissect(DLT_EN10MB, f, 5, 5, 0, &pkt), ARGUS_DISSECT_MALFORMED);
	assert_int_equal(argus_dissect(DLT_RAW, f, 0, 0, 0, &pkt), ARGUS_DISSECT_MALFORMED);
	/* a total length below 20 (0 with BIG TCP) is no IP header either */
	f[o + 2] = 0;
	f[o + 3] = 0;
	assert_int_equal(argus_dissect(DLT_EN10MB, f, (uint32_t)n, (uint32_t)n, 0, &pkt), ARGUS_DISSECT_NONIP);
	assert_int_equal(pkt.ethertype, 0x0800);
	/* header length beyond the total length */
	f[o] = 0x4f;
	f[o + 2] = 0;
	f[o + 3] = 20;
	assert_int_equal(argus_dissect(DLT_EN10MB, f, (uint32_t)n, (uint32_t)n, 0, &pkt), ARGUS_DISSECT_IP);
	assert_null(pkt.l4);
}

static void test_non_ip(void **st)
{
	uint8_t f[64];
	struct argus_packet pkt;
	size_t o;
	(void)st;
	memset(f, 0, sizeof f);
	o = pb_ether(f, mac_b, mac_a, -1, 0x0806);
	assert_int_equal(argus_dissect(DLT_EN10MB, f, (uint32_t)o + 28, 60, 0, &pkt), ARGUS_DISSECT_NONIP);
	assert_int_equal(pkt.ethertype, 0x0806);
	pb_ether(f, mac_b, mac_a, -1, 38); /* 802.3 length: LLC */
	assert_int_equal(argus_dissect(DLT_EN10MB, f, 60, 60, 0, &pkt), ARGUS_DISSECT_NONIP);
	assert_true(pkt.encaps & ARGUS_ENCAPS_LLC);
}

static void test_other_links(void **st)
{
	uint8_t f[128];
	struct argus_packet pkt;
	size_t n;
	(void)st;
	memset(f, 0, sizeof f);
	/* Linux cooked: protocol at 14 */
	f[14] = 0x08;
	n = 16 + pb_udp4(f + 16, IP4(1, 1, 1, 1), IP4(2, 2, 2, 2), 1, 2, 0);
	assert_int_equal(argus_dissect(DLT_LINUX_SLL, f, (uint32_t)n, (uint32_t)n, 0, &pkt), ARGUS_DISSECT_IP);
	assert_int_equal(pkt.proto, 17);
	assert_int_equal(pkt.wirelen, n - 16); /* as Argus: the cooked header is not counted */
	/* BSD loopback, AF_INET in host order of a little-endian writer */
	memset(f, 0, sizeof f);
	f[0] = 2;
	n = 4 + pb_udp4(f + 4, IP4(1, 1, 1, 1), IP4(2, 2, 2, 2), 1, 2, 0);
	assert_int_equal(argus_dissect(DLT_NULL, f, (uint32_t)n, (uint32_t)n, 0, &pkt), ARGUS_DISSECT_IP);
	assert_true(argus_dissect_link_supported(DLT_IEEE802_11));
	assert_true(argus_dissect_link_supported(DLT_IEEE802_11_RADIO));
	assert_false(argus_dissect_link_supported(DLT_FRELAY));
	assert_true(argus_dissect_link_supported(DLT_EN10MB));
	assert_true(argus_dissect_link_supported(DLT_PPP));
	assert_true(argus_dissect_link_supported(DLT_PPP_SERIAL));
	assert_true(argus_dissect_link_supported(DLT_PPP_ETHER));
	assert_true(argus_dissect_link_supported(DLT_C_HDLC));
	assert_true(argus_dissect_link_supported(DLT_SLIP));
	assert_true(argus_dissect_link_supported(DLT_JUNIPER_ETHER));
	/* Solaris ipnet (e1000g.pcap): family 2 or 26 at byte 1, 24-byte
	 * pseudo-header left out of bytes */
	memset(f, 0, sizeof f);
	f[0] = 1, f[1] = 2;
	n = 24 + pb_udp4(f + 24, IP4(1, 1, 1, 1), IP4(2, 2, 2, 2), 1, 2, 0);
	assert_int_equal(argus_dissect(226, f, (uint32_t)n, (uint32_t)n, 0, &pkt), ARGUS_DISSECT_IP);
	assert_int_equal(pkt.proto, 17);
	assert_int_equal(pkt.wirelen, n - 24);
	f[1] = 7;
	assert_int_equal(argus_dissect(226, f, (uint32_t)n, (uint32_t)n, 0, &pkt),
			 ARGUS_DISSECT_MALFORMED);
	assert_int_equal(argus_dissect(226, f, 20, 20, 0, &pkt), ARGUS_DISSECT_MALFORMED);
	/* RFC 1483 and CLIP: LLC/SNAP then IP; anything else has no key */
	memset(f, 0, sizeof f);
	pb_snap(f, 0, 0x0800);
	n = 8 + pb_udp4(f + 8, IP4(1, 1, 1, 1), IP4(2, 2, 2, 2), 1, 2, 0);
	assert_int_equal(argus_dissect(DLT_ATM_RFC1483, f, (uint32_t)n, (uint32_t)n, 0, &pkt),
			 ARGUS_DISSECT_IP);
	assert_true(pkt.encaps & ARGUS_ENCAPS_ATM);
	assert_int_equal(pkt.wirelen, n);
	assert_int_equal(argus_dissect(DLT_ATM_CLIP, f, (uint32_t)n, (uint32_t)n, 0, &pkt),
			 ARGUS_DISSECT_IP);
	pb_llc(f, 0x42, 0x42, 0x03);
	assert_int_equal(argus_dissect(DLT_ATM_RFC1483, f, (uint32_t)n, (uint32_t)n, 0, &pkt),
			 ARGUS_DISSECT_MALFORMED);
	assert_int_equal(argus_dissect(DLT_ATM_CLIP, f, 1, 1, 0, &pkt), ARGUS_DISSECT_MALFORMED);
}

/* ---- IP fields as Argus 3.0.8 holds them ---- */

/* A radiotap header (version, pad, length, presence: flags) of LEN bytes
 * with FLAGS at offset 8. */
static size_t pb_radiotap(uint8_t *p, uint16_t len, uint8_t flags)
{
	memset(p, 0, len);
	p[2] = (uint8_t)len;
	p[3] = (uint8_t)(len >> 8);
	p[4] = 0x02; /* flags present */
	p[8] = flags;
	return len;
}

/* An 802.11 header: frame control FC, then addresses 1 (receiver), 2
 * (transmitter), 3 (BSSID), sequence. */
static size_t pb_80211(uint8_t *p, uint16_t fc, const uint8_t *a1, const uint8_t *a2,
		       const uint8_t *a3)
{
	memset(p, 0, 24);
	p[0] = (uint8_t)fc;
	p[1] = (uint8_t)(fc >> 8);
	memcpy(p + 4, a1, 6);
	memcpy(p + 10, a2, 6);
	memcpy(p + 16, a3, 6);
	return 24;
}

static const uint8_t bssid[6] = {0x02, 0, 0, 0, 0, 0x99};
static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static void test_80211(void **st)
{
	uint8_t f[256];
	struct argus_packet pkt;
	size_t n, rt;
	(void)st;
	/* a deauthentication frame behind radiotap: a WLAN flow of its
	 * addresses, bytes without the radiotap header (as Argus) */
	rt = pb_radiotap(f, 24, 0);
	n = rt + pb_80211(f + rt, 0x00c0, mac_b, mac_a, bssid);
	f[n++] = 7; /* reason code */
	f[n++] = 0;
	assert_int_equal(argus_dissect(DLT_IEEE802_11_RADIO, f, (uint32_t)n, (uint32_t)n, 0, &pkt),
			 ARGUS_DISSECT_NONIP);
	assert_true(pkt.flags & ARGUS_PKT_WLAN);
	assert_true(pkt.encaps & ARGUS_ENCAPS_80211);
	assert_memory_equal(pkt.eth_src, mac_a, 6);
	assert_memory_equal(pkt.eth_dst, mac_b, 6);
	assert_memory_equal(pkt.wlan_bssid, bssid, 6);
	assert_int_equal(pkt.wirelen, n - rt);
	assert_int_equal(pkt.l3_len, 2);
	/* the same frame without radiotap */
	assert_int_equal(argus_dissect(DLT_IEEE802_11, f + rt, (uint32_t)(n - rt), (uint32_t)(n - rt),
				       0, &pkt),
			 ARGUS_DISSECT_NONIP);
	assert_int_equal(pkt.wirelen, n - rt);
	/* a data frame with LLC/SNAP and IPv4: the UDP flow inside */
	rt = pb_radiotap(f, 16, 0);
	n = rt + pb_80211(f + rt, 0x0208, mac_b, mac_a, bssid);
	n += pb_snap(f + n, 0, 0x0800);
	n += pb_udp4(f + n, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 1000, 53, 4);
	assert_int_equal(argus_dissect(DLT_IEEE802_11_RADIO, f, (uint32_t)n, (uint32_t)n, 0, &pkt),
			 ARGUS_DISSECT_IP);
	assert_int_equal(pkt.proto, 17);
	assert_false(pkt.flags & ARGUS_PKT_WLAN);
	assert_int_equal(pkt.wirelen, n - rt);
	/* with the radiotap DATAPAD flag, a QoS data header (26 bytes) is
	 * padded to 28 before the LLC header */
	rt = pb_radiotap(f, 16, 0x20);
	n = rt + pb_80211(f + rt, 0x0288, mac_b, mac_a, bssid);
	f[n++] = 0;
	f[n++] = 0;
	f[n++] = 0xee; /* padding */
	f[n++] = 0xee;
	n += pb_snap(f + n, 0, 0x0800);
	n += pb_udp4(f + n, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 1000, 53, 4);
	assert_int_equal(argus_dissect(DLT_IEEE802_11_RADIO, f, (uint32_t)n, (uint32_t)n, 0, &pkt),
			 ARGUS_DISSECT_IP);
	/* a protected data frame: its payload is not read, a WLAN flow */
	rt = pb_radiotap(f, 16, 0);
	n = rt + pb_80211(f + rt, 0x4208, mac_b, mac_a, bssid);
	n += pb_snap(f + n, 0, 0x0800);
	assert_int_equal(argus_dissect(DLT_IEEE802_11_RADIO, f, (uint32_t)n, (uint32_t)n, 0, &pkt),
			 ARGUS_DISSECT_NONIP);
	assert_true(pkt.flags & ARGUS_PKT_WLAN);
	/* an ACK (10 bytes): a receiver only */
	assert_int_equal(argus_dissect(DLT_IEEE802_11, f + rt, 10, 10, 0, &pkt), ARGUS_DISSECT_NONIP);
	assert_memory_equal(pkt.eth_dst, mac_b, 6);
	assert_null(pkt.wlan_bssid);
	/* a Block Ack: receiver and transmitter, no BSSID (what follows
	 * them is the frame's control and sequence fields) */
	n = pb_80211(f, 0x0094, mac_b, mac_a, bssid);
	assert_int_equal(argus_dissect(DLT_IEEE802_11, f, (uint32_t)n, (uint32_t)n, 0, &pkt),
			 ARGUS_DISSECT_NONIP);
	assert_memory_equal(pkt.eth_src, mac_a, 6);
	assert_null(pkt.wlan_bssid);
	/* broken radiotap headers */
	rt = pb_radiotap(f, 16, 0);
	f[2] = 200; /* longer than the frame */
	assert_int_equal(argus_dissect(DLT_IEEE802_11_RADIO, f, 40, 40, 0, &pkt),
			 ARGUS_DISSECT_MALFORMED);
	f[2] = 4; /* shorter than the fixed part */
	assert_int_equal(argus_dissect(DLT_IEEE802_11_RADIO, f, 40, 40, 0, &pkt),
			 ARGUS_DISSECT_MALFORMED);
	f[2] = 16;
	f[0] = 1; /* an unknown version */
	assert_int_equal(argus_dissect(DLT_IEEE802_11_RADIO, f, 40, 40, 0, &pkt),
			 ARGUS_DISSECT_MALFORMED);
	assert_int_equal(argus_dissect(DLT_IEEE802_11, f, 1, 1, 0, &pkt), ARGUS_DISSECT_MALFORMED);
}

/* The SSID Argus keys association, probe and beacon frames by: after the
 * subtype's fixed fields, walking the elements Argus knows. */
static void test_80211_ssid(void **st)
{
	static const uint8_t beacon_body[] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0x64, 0x00, 0x01, 0x04, /* timestamp, interval, caps */
		0, 4, 'o', 'm', 'u', 's',			    /* SSID */
		1, 2, 0x82, 0x84};				    /* rates */
	uint8_t f[128];
	struct argus_packet pkt;
	size_t n;
	(void)st;

	n = pb_80211(f, 0x0080, bcast, mac_a, bssid); /* beacon */
	memcpy(f + n, beacon_body, sizeof beacon_body);
	n += sizeof beacon_body;
	assert_int_equal(argus_dissect(DLT_IEEE802_11, f, (uint32_t)n, (uint32_t)n, 0, &pkt),
			 ARGUS_DISSECT_NONIP);
	assert_int_equal(pkt.wlan_ssid_len, 4);
	assert_memory_equal(pkt.wlan_ssid, "omus", 4);
	/* a probe request: the SSID comes first, here after rates */
	n = pb_80211(f, 0x0040, bcast, mac_a, bcast);
	memcpy(f + n, beacon_body + 18, 4);
	memcpy(f + n + 4, beacon_body + 12, 6);
	n += 10;
	assert_int_equal(argus_dissect(DLT_IEEE802_11, f, (uint32_t)n, (uint32_t)n, 0, &pkt),
			 ARGUS_DISSECT_NONIP);
	assert_int_equal(pkt.wlan_ssid_len, 4);
	/* an empty (wildcard) SSID is none */
	f[n - 5] = 0;
	assert_int_equal(argus_dissect(DLT_IEEE802_11, f, (uint32_t)n - 4, (uint32_t)n - 4, 0, &pkt),
			 ARGUS_DISSECT_NONIP);
	assert_null(pkt.wlan_ssid);
	assert_int_equal(pkt.wlan_ssid_len, 0);
	/* cut short by the capture, or longer than 32 bytes: none */
	n = pb_80211(f, 0x0080, bcast, mac_a, bssid);
	memcpy(f + n, beacon_body, sizeof beacon_body);
	assert_int_equal(argus_dissect(DLT_IEEE802_11, f, (uint32_t)n + 16, (uint32_t)n + 40, 0, &pkt),
			 ARGUS_DISSECT_NONIP);
	assert_null(pkt.wlan_ssid);
	f[n + 13] = 33;
	memset(f + n + 14, 'x', 33);
	assert_int_equal(argus_dissect(DLT_IEEE802_11, f, (uint32_t)n + 47, (uint32_t)n + 47, 0, &pkt),
			 ARGUS_DISSECT_NONIP);
	assert_null(pkt.wlan_ssid);
	/* a deauthentication frame has none; an element Argus does not know
	 * ends the walk */
	n = pb_80211(f, 0x00c0, mac_b, mac_a, bssid);
	memcpy(f + n, beacon_body + 12, 6);
	assert_int_equal(argus_dissect(DLT_IEEE802_11, f, (uint32_t)n + 6, (uint32_t)n + 6, 0, &pkt),
			 ARGUS_DISSECT_NONIP);
	assert_null(pkt.wlan_ssid);
	n = pb_80211(f, 0x0040, bcast, mac_a, bcast);
	f[n] = 221, f[n + 1] = 0; /* vendor specific */
	memcpy(f + n + 2, beacon_body + 12, 6);
	assert_int_equal(argus_dissect(DLT_IEEE802_11, f, (uint32_t)n + 8, (uint32_t)n + 8, 0, &pkt),
			 ARGUS_DISSECT_NONIP);
	assert_null(pkt.wlan_ssid);
}

static void test_ipid_argus_order(void **st)
{
	uint8_t a[64], b[64];
	struct argus_packet pa, pb;
	(void)st;
	/* golden dns_tcp: id 50 prints as 0x3200 */
	pb_udp4(a, IP4(1, 2, 3, 4), IP4(5, 6, 7, 8), 1, 2, 4);
	a[4] = 0;
	a[5] = 50;
	assert_int_equal(argus_dissect(DLT_RAW, a, 32, 32, 0, &pa), ARGUS_DISSECT_IP);
	assert_int_equal(pa.ipid, 0x3200);
	/* first and later fragment of one datagram carry the same value */
	pb_ipv4(a, IP4(1, 2, 3, 4), IP4(5, 6, 7, 8), 17, 24, 0xe255, 0x2000);
	pb_ipv4(b, IP4(1, 2, 3, 4), IP4(5, 6, 7, 8), 17, 24, 0xe255, 3);
	assert_int_equal(argus_dissect(DLT_RAW, a, 44, 44, 0, &pa), ARGUS_DISSECT_IP);
	assert_int_equal(argus_dissect(DLT_RAW, b, 44, 44, 0, &pb), ARGUS_DISSECT_IP);
	assert_true(pa.flags & ARGUS_PKT_FIRST_FRAGMENT);
	assert_false(pb.flags & ARGUS_PKT_FIRST_FRAGMENT);
	assert_int_equal(pa.ipid, 0x55e2); /* golden afs: wire id 0xe255 prints 0x55e2 */
	assert_int_equal(pb.ipid, pa.ipid);
	assert_int_equal(pb.frag_offset, 24);
}

static void test_ipv6_tos_as_argus(void **st)
{
	/* first words of golden gso-ipv6, dhcpv6-ia-na, ipv6_frag6_negative_len */
	static const uint8_t w[3][4] = {{0x60, 0x06, 0xe4, 0x81}, {0x6c, 0, 0, 0}, {0x65, 0, 0, 0x73}};
	static const uint8_t want[3] = {72, 0, 7};
	uint8_t p[64];
	struct argus_packet pkt;
	(void)st;
	for (int i = 0; i < 3; i++) {
		size_t n = pb_udp6(p, 1, 2, 546, 547, 0);
		memcpy(p, w[i], 4);
		assert_int_equal(argus_dissect(DLT_IPV6, p, (uint32_t)n, (uint32_t)n, 0, &pkt),
				 ARGUS_DISSECT_IP);
		assert_int_equal(pkt.tos, want[i]);
		assert_int_equal(pkt.ipid, 0); /* Argus reports no IP id for IPv6 */
	}
}

static void test_ipv4_ah_skipped(void **st)
{
	uint8_t p[128];
	struct argus_packet pkt;
	size_t o = pb_ipv4(p, IP4(1, 1, 1, 1), IP4(2, 2, 2, 2), 51, 24 + 8, 1, 0);
	(void)st;
	memset(p + o, 0, 24);
	p[o] = 17;	/* next header */
	p[o + 1] = 4; /* (4 + 2) * 4 = 24 bytes with a 96-bit ICV */
	pb_ports(p + o + 24, 500, 4500, 8);
	assert_int_equal(argus_dissect(DLT_RAW, p, (uint32_t)o + 32, (uint32_t)o + 32, 0, &pkt),
			 ARGUS_DISSECT_IP);
	assert_int_equal(pkt.proto, 17);
	assert_ptr_equal(pkt.l4, p + o + 24);
	assert_int_equal(pkt.l4_len, 8);
	assert_true(pkt.encaps & ARGUS_ENCAPS_AH);
	/* an AH header cut short: marked, and the flow is AH's */
	assert_int_equal(argus_dissect(DLT_RAW, p, (uint32_t)o + 12, (uint32_t)o + 32, 0, &pkt),
			 ARGUS_DISSECT_IP);
	assert_int_equal(pkt.proto, 51);
	assert_true(pkt.encaps & ARGUS_ENCAPS_AH);
}

static void test_ipv6_mobility_is_the_protocol(void **st)
{
	uint8_t p[64];
	struct argus_packet pkt;
	size_t n = pb_ipv6(p, 1, 2, 135, 8, 0, 0);
	(void)st;
	memset(p + n, 0, 8);
	p[n] = 59; /* payload proto: none */
	assert_int_equal(argus_dissect(DLT_IPV6, p, (uint32_t)n + 8, (uint32_t)n + 8, 0, &pkt),
			 ARGUS_DISSECT_IP);
	assert_int_equal(pkt.proto, 135); /* Argus keys the mobility header itself */
	assert_ptr_equal(pkt.l4, p + 40);
}

/* ---- non-IP frames ---- */

static void test_llc_and_snap(void **st)
{
	uint8_t f[128];
	struct argus_packet pkt;
	size_t o = pb_ether(f, mac_b, mac_a, -1, 38);
	(void)st;
	memset(f + o, 0x5a, sizeof f - o);
	/* STP: 42 42 03, 35 bytes of BPDU, padded to 60 */
	pb_llc(f + o, 0x42, 0x42, 0x03);
	assert_int_equal(argus_dissect(DLT_EN10MB, f, 64, 64, 0, &pkt), ARGUS_DISSECT_NONIP);
	assert_int_equal(pkt.llc_dsap, 0x42);
	assert_int_equal(pkt.llc_ssap, 0x42);
	assert_int_equal(pkt.ethertype, 0);
	assert_ptr_equal(pkt.l3, f + o + 3);
	assert_int_equal(pkt.l3_len, 35); /* the length field drops the padding */
	assert_true(pkt.encaps & ARGUS_ENCAPS_LLC);
	/* I-format control: 4-byte LLC header */
	pb_llc(f + o, 0xf0, 0xf0, 0x00);
	assert_int_equal(argus_dissect(DLT_EN10MB, f, 64, 64, 0, &pkt), ARGUS_DISSECT_NONIP);
	assert_ptr_equal(pkt.l3, f + o + 4);
	assert_int_equal(pkt.l3_len, 34);
	/* CDP: SNAP, Cisco OUI, type 0x2000 -- Argus's ports 170/170 */
	pb_snap(f + o, 0x00000c, 0x2000);
	assert_int_equal(argus_dissect(DLT_EN10MB, f, 64, 64, 0, &pkt), ARGUS_DISSECT_NONIP);
	assert_int_equal(pkt.llc_dsap, 170);
	assert_int_equal(pkt.llc_ssap, 170);
	assert_int_equal(pkt.ethertype, 0);
	assert_ptr_equal(pkt.l3, f + o + 8);
	assert_int_equal(pkt.l3_len, 30);
	/* IP over SNAP (RFC 1042) is IP */
	o = pb_ether(f, mac_b, mac_a, -1, 8 + 28);
	pb_snap(f + o, 0, 0x0800);
	pb_udp4(f + o + 8, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 1, 2, 0);
	assert_int_equal(argus_dissect(DLT_EN10MB, f, (uint32_t)o + 36, (uint32_t)o + 36, 0, &pkt),
			 ARGUS_DISSECT_IP);
	assert_int_equal(pkt.ethertype, 0x0800);
	assert_int_equal(pkt.proto, 17);
	assert_true(pkt.encaps & ARGUS_ENCAPS_LLC);
	/* ... but a broken IP header inside SNAP stays an LLC frame */
	f[o + 8] = 0x41;
	assert_int_equal(argus_dissect(DLT_EN10MB, f, (uint32_t)o + 20, (uint32_t)o + 20, 0, &pkt),
			 ARGUS_DISSECT_NONIP);
	assert_int_equal(pkt.ethertype, 0);
	assert_int_equal(pkt.ip_version, 0);
	assert_ptr_equal(pkt.l3, f + o + 8);
	/* an LLC header cut short */
	assert_int_equal(argus_dissect(DLT_EN10MB, f, (uint32_t)o + 2, (uint32_t)o + 2, 0, &pkt),
			 ARGUS_DISSECT_NONIP);
	assert_int_equal(pkt.l3_len, 2);
	assert_false(pkt.encaps & ARGUS_ENCAPS_LLC);
}

/* Cisco ISL (DTP.pcap): a 26-byte header to 01:00:0c:00:00:xx before the
 * tagged frame, which is the one keyed; Argus opens one level of it. */
static void test_isl(void **st)
{
	static const uint8_t isl_dst[6] = {0x01, 0x00, 0x0c, 0x00, 0x00, 0x00};
	static const uint8_t cdp_dst[6] = {0x01, 0x00, 0x0c, 0xcc, 0xcc, 0xcc};
	uint8_t f[128];
	struct argus_packet pkt;
	size_t o = pb_ether(f, isl_dst, mac_a, -1, 76), in;
	(void)st;

	memset(f + o, 0, sizeof f - o);
	f[o] = 0xaa, f[o + 1] = 0xaa, f[o + 2] = 0x03; /* then HSA, VLAN, index */
	in = pb_ether(f + 26, cdp_dst, mac_b, -1, 38);
	pb_snap(f + 26 + in, 0x00000c, 0x2004);
	assert_int_equal(argus_dissect(DLT_EN10MB, f, 90, 90, 0, &pkt), ARGUS_DISSECT_NONIP);
	assert_true(pkt.encaps & ARGUS_ENCAPS_ISL);
	assert_memory_equal(pkt.eth_dst, cdp_dst, 6);
	assert_memory_equal(pkt.eth_src, mac_b, 6);
	assert_int_equal(pkt.llc_dsap, 0xaa);
	assert_int_equal(pkt.wirelen, 90); /* the whole frame counts */
	/* another ISL frame type (high nibble of byte 5) is left as it is */
	f[5] = 0x10;
	assert_int_equal(argus_dissect(DLT_EN10MB, f, 90, 90, 0, &pkt), ARGUS_DISSECT_NONIP);
	assert_false(pkt.encaps & ARGUS_ENCAPS_ISL);
	assert_memory_equal(pkt.eth_src, mac_a, 6);
	/* ... and so is one too short for the inner header */
	f[5] = 0x00;
	assert_int_equal(argus_dissect(DLT_EN10MB, f, 39, 39, 0, &pkt), ARGUS_DISSECT_NONIP);
	assert_false(pkt.encaps & ARGUS_ENCAPS_ISL);
}

static void test_nonip_payload(void **st)
{
	uint8_t f[64];
	struct argus_packet pkt;
	size_t o;
	(void)st;
	memset(f, 0, sizeof f);
	o = pb_ether(f, mac_b, mac_a, 5, 0x88cc); /* LLDP behind a VLAN tag */
	assert_int_equal(argus_dissect(DLT_EN10MB, f, 60, 60, 0, &pkt), ARGUS_DISSECT_NONIP);
	assert_int_equal(pkt.ethertype, 0x88cc);
	assert_ptr_equal(pkt.l3, f + o);
	assert_int_equal(pkt.l3_len, 60 - o);
	o = pb_ether(f, mac_b, mac_a, -1, 0x8863); /* PPPoE discovery */
	assert_int_equal(argus_dissect(DLT_EN10MB, f, 60, 60, 0, &pkt), ARGUS_DISSECT_NONIP);
	assert_int_equal(pkt.ethertype, 0x8863);
	assert_ptr_equal(pkt.l3, f + 14);
	assert_true(pkt.encaps & ARGUS_ENCAPS_PPP); /* as Argus */
}

/* ---- MPLS and PPP ---- */

static void test_mpls(void **st)
{
	uint8_t f[160];
	struct argus_packet pkt;
	size_t o = pb_ether(f, mac_b, mac_a, -1, 0x8847), n;
	(void)st;
	o += pb_mpls(f + o, 100, 1, 64);
	n = o + pb_udp4(f + o, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 1000, 2000, 5);
	assert_int_equal(argus_dissect(DLT_EN10MB, f, (uint32_t)n, (uint32_t)n, 0, &pkt), ARGUS_DISSECT_IP);
	assert_int_equal(pkt.ethertype, 0x0800);
	assert_int_equal(pkt.n_mpls, 1);
	assert_int_equal(pkt.mpls[0], 100u << 12 | 0x100 | 64);
	assert_true(pkt.encaps & ARGUS_ENCAPS_MPLS);
	assert_int_equal(pkt.wirelen, n);
	assert_ptr_equal(pkt.l4, f + o + 20);
	/* a deep multicast stack over IPv6: the first four entries are kept */
	o = pb_ether(f, mac_b, mac_a, -1, 0x8848);
	for (uint32_t i = 0; i < 6; i++)
		o += pb_mpls(f + o, 16 + i, i == 5, 1);
	n = o + pb_udp6(f + o, 1, 2, 1, 2, 0);
	assert_int_equal(argus_dissect(DLT_EN10MB, f, (uint32_t)n, (uint32_t)n, 0, &pkt), ARGUS_DISSECT_IP);
	assert_int_equal(pkt.ip_version, 6);
	assert_int_equal(pkt.n_mpls, 4);
	assert_int_equal(pkt.mpls[3] >> 12, 19);
	/* a pseudowire (neither IPv4 nor IPv6 after the stack): non-IP 0x8847 */
	o = pb_ether(f, mac_b, mac_a, -1, 0x8847);
	pb_mpls(f + o, 100, 1, 64);
	memset(f + o + 4, 0, 20);
	assert_int_equal(argus_dissect(DLT_EN10MB, f, (uint32_t)o + 24, (uint32_t)o + 24, 0, &pkt),
			 ARGUS_DISSECT_NONIP);
	assert_int_equal(pkt.ethertype, 0x8847);
	assert_ptr_equal(pkt.l3, f + o);
	assert_int_equal(pkt.n_mpls, 1);
}

static void test_pppoe(void **st)
{
	uint8_t f[160];
	struct argus_packet pkt;
	size_t o = pb_ether(f, mac_b, mac_a, -1, 0x8864), n;
	(void)st;
	o += pb_pppoe(f + o, 7, 0x0021, 33);
	n = o + pb_udp4(f + o, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 1000, 2000, 5);
	assert_int_equal(argus_dissect(DLT_EN10MB, f, (uint32_t)n, (uint32_t)n, 0, &pkt), ARGUS_DISSECT_IP);
	assert_int_equal(pkt.proto, 17);
	assert_true(pkt.encaps & ARGUS_ENCAPS_PPP);
	assert_true(pkt.encaps & ARGUS_ENCAPS_ETHER);
	assert_int_equal(pkt.wirelen, n); /* as Argus: the whole Ethernet frame */
	o = pb_ether(f, mac_b, mac_a, -1, 0x8864);
	o += pb_pppoe(f + o, 7, 0x0057, 48);
	n = o + pb_udp6(f + o, 1, 2, 546, 547, 0);
	assert_int_equal(argus_dissect(DLT_EN10MB, f, (uint32_t)n, (uint32_t)n, 0, &pkt), ARGUS_DISSECT_IP);
	assert_int_equal(pkt.ip_version, 6);
	/* LCP in a session: a non-IP PPPoE frame */
	o = pb_ether(f, mac_b, mac_a, -1, 0x8864);
	pb_pppoe(f + o, 7, 0xc021, 10);
	assert_int_equal(argus_dissect(DLT_EN10MB, f, (uint32_t)o + 18, (uint32_t)o + 18, 0, &pkt),
			 ARGUS_DISSECT_NONIP);
	assert_int_equal(pkt.ethertype, 0x8864);
	assert_ptr_equal(pkt.l3, f + o);
}

static void test_ppp_links(void **st)
{
	uint8_t f[160];
	struct argus_packet pkt;
	size_t n;
	(void)st;
	/* DLT_PPP: ff 03 00 21; Argus leaves the 4 header bytes out of bytes */
	memcpy(f, "\xff\x03\x00\x21", 4);
	n = 4 + pb_udp4(f + 4, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 1, 2, 3);
	assert_int_equal(argus_dissect(DLT_PPP, f, (uint32_t)n, (uint32_t)n, 0, &pkt), ARGUS_DISSECT_IP);
	assert_int_equal(pkt.wirelen, n - 4);
	assert_int_equal(pkt.encaps, ARGUS_ENCAPS_PPP);
	assert_null(pkt.eth_src);
	/* compressed protocol field, no address/control */
	f[3] = 0x21;
	assert_int_equal(argus_dissect(DLT_PPP, f + 3, (uint32_t)n - 3, (uint32_t)n - 3, 0, &pkt),
			 ARGUS_DISSECT_IP);
	assert_int_equal(pkt.wirelen, n - 4);
	/* IPv6, and MPLS over PPP */
	memcpy(f, "\xff\x03\x00\x57", 4);
	n = 4 + pb_udp6(f + 4, 1, 2, 1, 2, 0);
	assert_int_equal(argus_dissect(DLT_PPP_SERIAL, f, (uint32_t)n, (uint32_t)n, 0, &pkt), ARGUS_DISSECT_IP);
	assert_int_equal(pkt.ip_version, 6);
	assert_int_equal(pkt.encaps, ARGUS_ENCAPS_PPP | ARGUS_ENCAPS_HDLC); /* as Argus */
	memcpy(f, "\xff\x03\x02\x81", 4);
	pb_mpls(f + 4, 30, 1, 9);
	n = 8 + pb_udp4(f + 8, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 1, 2, 0);
	assert_int_equal(argus_dissect(DLT_PPP, f, (uint32_t)n, (uint32_t)n, 0, &pkt), ARGUS_DISSECT_IP);
	assert_int_equal(pkt.n_mpls, 1);
	assert_int_equal(pkt.wirelen, n - 4);
	/* LCP: nothing to key without Ethernet addresses */
	memcpy(f, "\xff\x03\xc0\x21", 4);
	assert_int_equal(argus_dissect(DLT_PPP, f, 20, 20, 0, &pkt), ARGUS_DISSECT_MALFORMED);
	/* Cisco HDLC framing, on its own link type and on PPP_SERIAL */
	memcpy(f, "\x0f\x00\x08\x00", 4);
	n = 4 + pb_udp4(f + 4, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 1, 2, 0);
	assert_int_equal(argus_dissect(DLT_C_HDLC, f, (uint32_t)n, (uint32_t)n, 0, &pkt), ARGUS_DISSECT_IP);
	assert_int_equal(pkt.encaps, ARGUS_ENCAPS_CHDLC);
	assert_int_equal(pkt.wirelen, n - 4);
	assert_int_equal(argus_dissect(DLT_PPP_SERIAL, f, (uint32_t)n, (uint32_t)n, 0, &pkt), ARGUS_DISSECT_IP);
	assert_int_equal(pkt.encaps, ARGUS_ENCAPS_CHDLC);
	memcpy(f, "\x8f\x00\x80\x35", 4); /* SLARP */
	assert_int_equal(argus_dissect(DLT_C_HDLC, f, 24, 24, 0, &pkt), ARGUS_DISSECT_MALFORMED);
	/* PPPoE without Ethernet */
	n = pb_pppoe(f, 1, 0x0021, 28);
	n += pb_udp4(f + n, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 1, 2, 0);
	assert_int_equal(argus_dissect(DLT_PPP_ETHER, f, (uint32_t)n, (uint32_t)n, 0, &pkt), ARGUS_DISSECT_IP);
	assert_int_equal(pkt.wirelen, n - 8);
	/* SLIP: 16-byte pseudo-header */
	memset(f, 0, 16);
	n = 16 + pb_udp4(f + 16, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 1, 2, 0);
	assert_int_equal(argus_dissect(DLT_SLIP, f, (uint32_t)n, (uint32_t)n, 0, &pkt), ARGUS_DISSECT_IP);
	assert_int_equal(pkt.encaps, ARGUS_ENCAPS_SLIP);
	assert_int_equal(pkt.wirelen, n - 16);
}

static void test_cooked_and_loopback(void **st)
{
	uint8_t f[128];
	struct argus_packet pkt;
	size_t n;
	(void)st;
	/* Linux cooked, outgoing: Argus's made-up Ethernet header */
	memset(f, 0, sizeof f);
	f[1] = 4;
	f[5] = 6;
	memcpy(f + 6, mac_a, 6);
	f[14] = 0x08;
	n = 16 + pb_udp4(f + 16, IP4(1, 1, 1, 1), IP4(2, 2, 2, 2), 1, 2, 0);
	assert_int_equal(argus_dissect(DLT_LINUX_SLL, f, (uint32_t)n, (uint32_t)n, 0, &pkt), ARGUS_DISSECT_IP);
	assert_ptr_equal(pkt.eth_src, f + 6);
	assert_memory_equal(pkt.eth_dst, "\0\0\0\0\0\0", 6);
	assert_int_equal(pkt.encaps, ARGUS_ENCAPS_SLL | ARGUS_ENCAPS_ETHER);
	f[1] = 1; /* broadcast */
	argus_dissect(DLT_LINUX_SLL, f, (uint32_t)n, (uint32_t)n, 0, &pkt);
	assert_memory_equal(pkt.eth_dst, "\xff\xff\xff\xff\xff\xff", 6);
	f[1] = 0; /* to us */
	argus_dissect(DLT_LINUX_SLL, f, (uint32_t)n, (uint32_t)n, 0, &pkt);
	assert_memory_equal(pkt.eth_dst, "\0\0\0\0\0\1", 6);
	/* ARP on a cooked capture is a non-IP flow now that it has addresses */
	f[14] = 0x08;
	f[15] = 0x06;
	assert_int_equal(argus_dissect(DLT_LINUX_SLL, f, 44, 44, 0, &pkt), ARGUS_DISSECT_NONIP);
	assert_int_equal(pkt.ethertype, 0x0806);
	assert_ptr_equal(pkt.l3, f + 16);
	/* cooked v2: protocol first, packet type at 10, address at 12 */
	memset(f, 0, 20);
	f[0] = 0x08;
	f[10] = 2;
	memcpy(f + 12, mac_b, 6);
	n = 20 + pb_udp4(f + 20, IP4(1, 1, 1, 1), IP4(2, 2, 2, 2), 1, 2, 0);
	assert_int_equal(argus_dissect(DLT_LINUX_SLL2, f, (uint32_t)n, (uint32_t)n, 0, &pkt), ARGUS_DISSECT_IP);
	assert_ptr_equal(pkt.eth_src, f + 12);
	assert_int_equal(pkt.eth_dst[0], 1);
	assert_int_equal(pkt.wirelen, n - 20);
	/* BSD loopback: Argus leaves the 4-byte family out of bytes */
	memset(f, 0, 4);
	f[3] = 24; /* network order AF_INET6 (OpenBSD), as DLT_LOOP has it */
	n = 4 + pb_udp6(f + 4, 1, 2, 1, 2, 0);
	assert_int_equal(argus_dissect(DLT_LOOP, f, (uint32_t)n, (uint32_t)n, 0, &pkt), ARGUS_DISSECT_IP);
	assert_int_equal(pkt.ip_version, 6);
	assert_int_equal(pkt.wirelen, n - 4);
}

static void test_juniper_ether(void **st)
{
	uint8_t f[160];
	struct argus_packet pkt;
	size_t o = 22, n;
	(void)st;
	memset(f, 0, o);
	memcpy(f, "MGC\x80\x00\x10", 6); /* extension TLVs: 16 bytes */
	o += pb_ether(f + o, mac_b, mac_a, -1, 0x0800);
	n = o + pb_udp4(f + o, IP4(1, 1, 1, 1), IP4(2, 2, 2, 2), 1, 2, 0);
	assert_int_equal(argus_dissect(DLT_JUNIPER_ETHER, f, (uint32_t)n, (uint32_t)n, 0, &pkt),
			 ARGUS_DISSECT_IP);
	assert_ptr_equal(pkt.eth_src, f + 28);
	assert_int_equal(pkt.encaps, ARGUS_ENCAPS_JUNIPER | ARGUS_ENCAPS_ETHER);
	assert_int_equal(pkt.wirelen, n); /* Argus counts the whole frame */
	f[0] = 'X';
	assert_int_equal(argus_dissect(DLT_JUNIPER_ETHER, f, (uint32_t)n, (uint32_t)n, 0, &pkt),
			 ARGUS_DISSECT_MALFORMED);
}

/* ---- tunnels ---- */

/* Inner UDP 10.9.0.1:1000 -> 10.9.0.2:2000 at P; returns its length. */
static size_t inner_udp(uint8_t *p)
{
	return pb_udp4(p, IP4(10, 9, 0, 1), IP4(10, 9, 0, 2), 1000, 2000, 4);
}

static void assert_inner(const struct argus_packet *pkt, const uint8_t *outer_ip)
{
	assert_int_equal(pkt->ip_version, 4);
	assert_int_equal(pkt->proto, 17);
	assert_memory_equal(pkt->l3 + 12, "\x0a\x09\x00\x01\x0a\x09\x00\x02", 8);
	assert_int_equal(pkt->l4[1], 1000 & 0xff);
	assert_ptr_equal(pkt->outer_l3, outer_ip);
	assert_int_equal(pkt->tunnel_depth, 1);
}

static void test_gre(void **st)
{
	uint8_t f[256];
	struct argus_packet pkt;
	size_t o = pb_ether(f, mac_b, mac_a, -1, 0x0800), ip = o, g, n;
	(void)st;
	/* checksum, key and sequence present */
	o += 20;
	g = pb_gre(f + o, PB_GRE_CSUM | PB_GRE_KEY | PB_GRE_SEQ, 0x0800);
	n = o + g + inner_udp(f + o + g);
	pb_ipv4(f + ip, IP4(1, 1, 1, 1), IP4(2, 2, 2, 2), 47, (uint16_t)(n - o), 1, 0);
	assert_int_equal(argus_dissect(DLT_EN10MB, f, (uint32_t)n, (uint32_t)n, 0, &pkt), ARGUS_DISSECT_IP);
	assert_inner(&pkt, f + ip);
	assert_int_equal(pkt.encaps, ARGUS_ENCAPS_ETHER | ARGUS_ENCAPS_GRE);
	assert_int_equal(pkt.wirelen, n);
	assert_ptr_equal(pkt.eth_src, f + 6); /* outer MACs: the inner packet has none */
	assert_int_equal(pkt.ipid, 0x0100); /* the inner header's */
	/* an unknown payload type stays the outer GRE packet */
	f[o + 2] = 0x99;
	f[o + 3] = 0x99;
	assert_int_equal(argus_dissect(DLT_EN10MB, f, (uint32_t)n, (uint32_t)n, 0, &pkt), ARGUS_DISSECT_IP);
	assert_int_equal(pkt.proto, 47);
	assert_ptr_equal(pkt.l3, f + ip);
	assert_null(pkt.outer_l3);
	assert_int_equal(pkt.tunnel_depth, 0);
	assert_int_equal(pkt.encaps, ARGUS_ENCAPS_ETHER);
	/* transparent Ethernet bridging: the inner frame's MACs */
	g = pb_gre(f + o, 0, 0x6558);
	g += pb_ether(f + o + g, mac_a, mac_b, 9, 0x0800);
	n = o + g + inner_udp(f + o + g);
	pb_ipv4(f + ip, IP4(1, 1, 1, 1), IP4(2, 2, 2, 2), 47, (uint16_t)(n - o), 1, 0);
	assert_int_equal(argus_dissect(DLT_EN10MB, f, (uint32_t)n, (uint32_t)n, 0, &pkt), ARGUS_DISSECT_IP);
	assert_inner(&pkt, f + ip);
	assert_ptr_equal(pkt.eth_src, f + o + 4 + 6);
	assert_ptr_equal(pkt.l2, f + o + 4);
	assert_int_equal(pkt.vlan_tci, 9);
	/* MPLS over GRE */
	g = pb_gre(f + o, PB_GRE_KEY, 0x8847);
	g += pb_mpls(f + o + g, 77, 1, 5);
	n = o + g + inner_udp(f + o + g);
	pb_ipv4(f + ip, IP4(1, 1, 1, 1), IP4(2, 2, 2, 2), 47, (uint16_t)(n - o), 1, 0);
	assert_int_equal(argus_dissect(DLT_EN10MB, f, (uint32_t)n, (uint32_t)n, 0, &pkt), ARGUS_DISSECT_IP);
	assert_inner(&pkt, f + ip);
	assert_int_equal(pkt.n_mpls, 1);
	assert_true(pkt.encaps & ARGUS_ENCAPS_MPLS);
	/* ... whose payload is not IP: the outer packet, without the labels */
	f[o + g] = 0;
	assert_int_equal(argus_dissect(DLT_EN10MB, f, (uint32_t)n, (uint32_t)n, 0, &pkt), ARGUS_DISSECT_IP);
	assert_int_equal(pkt.proto, 47);
	assert_int_equal(pkt.n_mpls, 0);
	assert_false(pkt.encaps & ARGUS_ENCAPS_MPLS);
	/* enhanced GRE (PPTP): version 1, key, sequence, PPP */
	g = pb_gre(f + o, PB_GRE_KEY | PB_GRE_SEQ | 1, 0x880b);
	memcpy(f + o + g, "\xff\x03\x00\x21", 4);
	g += 4;
	n = o + g + inner_udp(f + o + g);
	pb_ipv4(f + ip, IP4(1, 1, 1, 1), IP4(2, 2, 2, 2), 47, (uint16_t)(n - o), 1, 0);
	assert_int_equal(argus_dissect(DLT_EN10MB, f, (uint32_t)n, (uint32_t)n, 0, &pkt), ARGUS_DISSECT_IP);
	assert_inner(&pkt, f + ip);
	assert_int_equal(pkt.encaps, ARGUS_ENCAPS_ETHER | ARGUS_ENCAPS_GRE | ARGUS_ENCAPS_PPP);
	/* ERSPAN type II (sequence number, 8-byte header) and type I (none) */
	g = pb_gre(f + o, PB_GRE_SEQ, 0x88be);
	memset(f + o + g, 0, 8);
	f[o + g] = 0x10;
	g += 8;
	g += pb_ether(f + o + g, mac_a, mac_b, -1, 0x0800);
	n = o + g + inner_udp(f + o + g);
	pb_ipv4(f + ip, IP4(1, 1, 1, 1), IP4(2, 2, 2, 2), 47, (uint16_t)(n - o), 1, 0);
	assert_int_equal(argus_dissect(DLT_EN10MB, f, (uint32_t)n, (uint32_t)n, 0, &pkt), ARGUS_DISSECT_IP);
	assert_inner(&pkt, f + ip);
	assert_ptr_equal(pkt.eth_src, f + o + 16 + 6);
	g = pb_gre(f + o, 0, 0x88be);
	g += pb_ether(f + o + g, mac_a, mac_b, -1, 0x0800);
	n = o + g + inner_udp(f + o + g);
	pb_ipv4(f + ip, IP4(1, 1, 1, 1), IP4(2, 2, 2, 2), 47, (uint16_t)(n - o), 1, 0);
	assert_int_equal(argus_dissect(DLT_EN10MB, f, (uint32_t)n, (uint32_t)n, 0, &pkt), ARGUS_DISSECT_IP);
	assert_inner(&pkt, f + ip);
	assert_ptr_equal(pkt.eth_src, f + o + 4 + 6);
	/* ERSPAN type III with the optional subheader, frame type Ethernet, then IP */
	g = pb_gre(f + o, PB_GRE_SEQ, 0x22eb);
	memset(f + o + g, 0, 20);
	f[o + g + 11] = 1;
	g += 20;
	g += pb_ether(f + o + g, mac_a, mac_b, -1, 0x0800);
	n = o + g + inner_udp(f + o + g);
	pb_ipv4(f + ip, IP4(1, 1, 1, 1), IP4(2, 2, 2, 2), 47, (uint16_t)(n - o), 1, 0);
	assert_int_equal(argus_dissect(DLT_EN10MB, f, (uint32_t)n, (uint32_t)n, 0, &pkt), ARGUS_DISSECT_IP);
	assert_inner(&pkt, f + ip);
	assert_ptr_equal(pkt.eth_src, f + o + 28 + 6);
	g = pb_gre(f + o, PB_GRE_SEQ, 0x22eb);
	memset(f + o + g, 0, 12);
	f[o + g + 10] = 2 << 2;
	g += 12;
	n = o + g + inner_udp(f + o + g);
	pb_ipv4(f + ip, IP4(1, 1, 1, 1), IP4(2, 2, 2, 2), 47, (uint16_t)(n - o), 1, 0);
	assert_int_equal(argus_dissect(DLT_EN10MB, f, (uint32_t)n, (uint32_t)n, 0, &pkt), ARGUS_DISSECT_IP);
	assert_inner(&pkt, f + ip);
	assert_ptr_equal(pkt.eth_src, f + 6);
	/* a fragment is never opened: the rest of the datagram could not be */
	pb_ipv4(f + ip, IP4(1, 1, 1, 1), IP4(2, 2, 2, 2), 47, (uint16_t)(n - o), 1, 0x2000);
	assert_int_equal(argus_dissect(DLT_EN10MB, f, (uint32_t)n, (uint32_t)n, 0, &pkt), ARGUS_DISSECT_IP);
	assert_int_equal(pkt.proto, 47);
}

static void test_vxlan_geneve(void **st)
{
	uint8_t f[256];
	struct argus_packet pkt;
	size_t o = pb_ether(f, mac_b, mac_a, -1, 0x0800), ip = o, t, n;
	(void)st;
	/* VXLAN: inner Ethernet */
	t = pb_vxlan(f + ip + 28, 42);
	t += pb_ether(f + ip + 28 + t, mac_a, mac_b, -1, 0x0800);
	t += inner_udp(f + ip + 28 + t);
	pb_udp4_hdr(f + ip, IP4(1, 1, 1, 1), IP4(2, 2, 2, 2), 4789, (uint16_t)t);
	n = ip + 28 + t;
	assert_int_equal(argus_dissect(DLT_EN10MB, f, (uint32_t)n, (uint32_t)n, 0, &pkt), ARGUS_DISSECT_IP);
	assert_inner(&pkt, f + ip);
	assert_int_equal(pkt.encaps, ARGUS_ENCAPS_ETHER | ARGUS_ENCAPS_VXLAN);
	assert_ptr_equal(pkt.eth_src, f + ip + 36 + 6);
	assert_int_equal(pkt.wirelen, n);
	/* inner ARP: a non-IP flow of the inner frame */
	f[ip + 36 + 12] = 0x08;
	f[ip + 36 + 13] = 0x06;
	assert_int_equal(argus_dissect(DLT_EN10MB, f, (uint32_t)n, (uint32_t)n, 0, &pkt), ARGUS_DISSECT_NONIP);
	assert_int_equal(pkt.ethertype, 0x0806);
	assert_ptr_equal(pkt.eth_src, f + ip + 36 + 6);
	assert_ptr_equal(pkt.outer_l3, f + ip);
	/* I flag clear: plain UDP to port 4789 */
	f[ip + 28] = 0;
	assert_int_equal(argus_dissect(DLT_EN10MB, f, (uint32_t)n, (uint32_t)n, 0, &pkt), ARGUS_DISSECT_IP);
	assert_int_equal(pkt.proto, 17);
	assert_ptr_equal(pkt.l3, f + ip);
	assert_int_equal(pkt.tunnel_depth, 0);

	/* Geneve with two option words, inner Ethernet */
	t = pb_geneve(f + ip + 28, 0x6558, 5, 2);
	t += pb_ether(f + ip + 28 + t, mac_a, mac_b, -1, 0x0800);
	t += inner_udp(f + ip + 28 + t);
	pb_udp4_hdr(f + ip, IP4(1, 1, 1, 1), IP4(2, 2, 2, 2), 6081, (uint16_t)t);
	n = ip + 28 + t;
	assert_int_equal(argus_dissect(DLT_EN10MB, f, (uint32_t)n, (uint32_t)n, 0, &pkt), ARGUS_DISSECT_IP);
	assert_inner(&pkt, f + ip);
	assert_int_equal(pkt.encaps, ARGUS_ENCAPS_ETHER | ARGUS_ENCAPS_GENEVE);
	assert_ptr_equal(pkt.eth_src, f + ip + 28 + 16 + 6);
	/* Geneve carrying IPv4 directly */
	t = pb_geneve(f + ip + 28, 0x0800, 5, 0);
	t += inner_udp(f + ip + 28 + t);
	pb_udp4_hdr(f + ip, IP4(1, 1, 1, 1), IP4(2, 2, 2, 2), 6081, (uint16_t)t);
	n = ip + 28 + t;
	assert_int_equal(argus_dissect(DLT_EN10MB, f, (uint32_t)n, (uint32_t)n, 0, &pkt), ARGUS_DISSECT_IP);
	assert_inner(&pkt, f + ip);
	assert_ptr_equal(pkt.eth_src, f + 6);
	/* an unknown version, and options longer than the packet: the outer UDP */
	f[ip + 28] = 0x40;
	assert_int_equal(argus_dissect(DLT_EN10MB, f, (uint32_t)n, (uint32_t)n, 0, &pkt), ARGUS_DISSECT_IP);
	assert_int_equal(pkt.tunnel_depth, 0);
	f[ip + 28] = 0x3f;
	assert_int_equal(argus_dissect(DLT_EN10MB, f, (uint32_t)n, (uint32_t)n, 0, &pkt), ARGUS_DISSECT_IP);
	assert_int_equal(pkt.tunnel_depth, 0);
	assert_int_equal(pkt.proto, 17);
}

static void test_ip_in_ip(void **st)
{
	uint8_t f[256];
	struct argus_packet pkt;
	size_t n, i;
	(void)st;
	/* 4 in 4 */
	i = pb_ipv4(f, IP4(1, 1, 1, 1), IP4(2, 2, 2, 2), 4, 32, 1, 0);
	n = i + inner_udp(f + i);
	assert_int_equal(argus_dissect(DLT_RAW, f, (uint32_t)n, (uint32_t)n, 0, &pkt), ARGUS_DISSECT_IP);
	assert_inner(&pkt, f);
	assert_int_equal(pkt.encaps, ARGUS_ENCAPS_IP);
	/* 6 in 4 */
	i = pb_ipv4(f, IP4(1, 1, 1, 1), IP4(2, 2, 2, 2), 41, 48, 1, 0);
	n = i + pb_udp6(f + i, 1, 2, 1, 2, 0);
	assert_int_equal(argus_dissect(DLT_RAW, f, (uint32_t)n, (uint32_t)n, 0, &pkt), ARGUS_DISSECT_IP);
	assert_int_equal(pkt.ip_version, 6);
	assert_int_equal(pkt.encaps, ARGUS_ENCAPS_IP);
	assert_ptr_equal(pkt.outer_l3, f);
	/* 4 in 6 */
	i = pb_ipv6(f, 1, 2, 4, 32, 0, 0);
	n = i + inner_udp(f + i);
	assert_int_equal(argus_dissect(DLT_RAW, f, (uint32_t)n, (uint32_t)n, 0, &pkt), ARGUS_DISSECT_IP);
	assert_inner(&pkt, f);
	assert_int_equal(pkt.encaps, ARGUS_ENCAPS_IPV6);
	/* the inner header is not IPv4 after all: the outer packet */
	f[i] = 0x65;
	assert_int_equal(argus_dissect(DLT_RAW, f, (uint32_t)n, (uint32_t)n, 0, &pkt), ARGUS_DISSECT_IP);
	assert_int_equal(pkt.ip_version, 6);
	assert_int_equal(pkt.proto, 4);
	assert_int_equal(pkt.tunnel_depth, 0);
}

static void test_tunnel_depth_bound(void **st)
{
	uint8_t f[256];
	struct argus_packet pkt;
	size_t n = 0;
	(void)st;
	/* six IPv4-in-IPv4 layers, then UDP: four are opened */
	for (int i = 0; i < 6; i++)
		n += pb_ipv4(f + n, IP4(1, 1, 1, (uint32_t)i), IP4(2, 2, 2, 2), 4,
			     (uint16_t)(20 * (5 - i) + 32), 1, 0);
	n += inner_udp(f + n);
	assert_int_equal(argus_dissect(DLT_RAW, f, (uint32_t)n, (uint32_t)n, 0, &pkt), ARGUS_DISSECT_IP);
	assert_int_equal(pkt.tunnel_depth, 4);
	assert_ptr_equal(pkt.l3, f + 80);
	assert_int_equal(pkt.proto, 4);
	assert_ptr_equal(pkt.outer_l3, f);
}

/* ---- every frame above, cut at every length ---- */

struct sample {
	int dlt;
	uint8_t b[192];
	size_t n;
};

static size_t sample_frames(struct sample *s)
{
	size_t k = 0, o, t;
	/* Ethernet: IPv4 UDP in MPLS, PPPoE, SNAP; VXLAN, Geneve, GRE, IPIP */
	s[k].dlt = DLT_EN10MB;
	o = pb_ether(s[k].b, mac_b, mac_a, 3, 0x8847);
	o += pb_mpls(s[k].b + o, 1, 0, 1);
	o += pb_mpls(s[k].b + o, 2, 1, 1);
	s[k].n = o + pb_udp6(s[k].b + o, 1, 2, 1, 2, 4);
	k++;
	s[k].dlt = DLT_EN10MB;
	o = pb_ether(s[k].b, mac_b, mac_a, -1, 0x8864);
	o += pb_pppoe(s[k].b + o, 1, 0x0021, 32);
	s[k].n = o + inner_udp(s[k].b + o);
	k++;
	s[k].dlt = DLT_EN10MB;
	o = pb_ether(s[k].b, mac_b, mac_a, -1, 40);
	o += pb_snap(s[k].b + o, 0, 0x0800);
	s[k].n = o + inner_udp(s[k].b + o);
	k++;
	s[k].dlt = DLT_EN10MB;
	o = pb_ether(s[k].b, mac_b, mac_a, -1, 0x0800);
	t = pb_vxlan(s[k].b + o + 28, 1);
	t += pb_ether(s[k].b + o + 28 + t, mac_a, mac_b, 4, 0x0800);
	t += inner_udp(s[k].b + o + 28 + t);
	pb_udp4_hdr(s[k].b + o, IP4(1, 1, 1, 1), IP4(2, 2, 2, 2), 4789, (uint16_t)t);
	s[k].n = o + 28 + t;
	k++;
	s[k].dlt = DLT_EN10MB;
	o = pb_ether(s[k].b, mac_b, mac_a, -1, 0x0800);
	t = pb_geneve(s[k].b + o + 28, 0x6558, 1, 3);
	t += pb_ether(s[k].b + o + 28 + t, mac_a, mac_b, -1, 0x0800);
	t += inner_udp(s[k].b + o + 28 + t);
	pb_udp4_hdr(s[k].b + o, IP4(1, 1, 1, 1), IP4(2, 2, 2, 2), 6081, (uint16_t)t);
	s[k].n = o + 28 + t;
	k++;
	s[k].dlt = DLT_EN10MB;
	o = pb_ether(s[k].b, mac_b, mac_a, -1, 0x86dd);
	t = pb_gre(s[k].b + o + 40, PB_GRE_CSUM | PB_GRE_KEY | PB_GRE_SEQ, 0x8847);
	t += pb_mpls(s[k].b + o + 40 + t, 5, 1, 1);
	t += inner_udp(s[k].b + o + 40 + t);
	pb_ipv6(s[k].b + o, 1, 2, 47, (uint16_t)t, 0, 0);
	s[k].n = o + 40 + t;
	k++;
	s[k].dlt = DLT_RAW;
	o = pb_ipv4(s[k].b, IP4(1, 1, 1, 1), IP4(2, 2, 2, 2), 41, 48, 1, 0);
	s[k].n = o + pb_udp6(s[k].b + o, 1, 2, 1, 2, 0);
	k++;
	s[k].dlt = DLT_RAW;
	o = pb_ipv4(s[k].b, IP4(1, 1, 1, 1), IP4(2, 2, 2, 2), 47, 60, 1, 0);
	o += pb_gre(s[k].b + o, PB_GRE_KEY | PB_GRE_SEQ | 1, 0x880b);
	memcpy(s[k].b + o, "\xff\x03\x00\x21", 4);
	s[k].n = o + 4 + inner_udp(s[k].b + o + 4);
	k++;
	s[k].dlt = DLT_EN10MB;
	o = pb_ether(s[k].b, mac_b, mac_a, -1, 0x0800);
	t = pb_gre(s[k].b + o + 20, PB_GRE_SEQ, 0x22eb);
	memset(s[k].b + o + 20 + t, 0, 20);
	s[k].b[o + 20 + t + 11] = 1;
	t += 20;
	t += pb_ether(s[k].b + o + 20 + t, mac_a, mac_b, -1, 0x0800);
	t += inner_udp(s[k].b + o + 20 + t);
	pb_ipv4(s[k].b + o, IP4(1, 1, 1, 1), IP4(2, 2, 2, 2), 47, (uint16_t)t, 1, 0);
	s[k].n = o + 20 + t;
	k++;
	/* other link types */
	s[k].dlt = DLT_PPP;
	memcpy(s[k].b, "\xff\x03\x02\x81", 4);
	o = 4 + pb_mpls(s[k].b + 4, 1, 1, 1);
	s[k].n = o + inner_udp(s[k].b + o);
	k++;
	s[k].dlt = DLT_PPP_SERIAL;
	memcpy(s[k].b, "\x0f\x00\x86\xdd", 4);
	s[k].n = 4 + pb_udp6(s[k].b + 4, 1, 2, 1, 2, 0);
	k++;
	s[k].dlt = DLT_PPP_ETHER;
	o = pb_pppoe(s[k].b, 1, 0x0057, 48);
	s[k].n = o + pb_udp6(s[k].b + o, 1, 2, 1, 2, 0);
	k++;
	s[k].dlt = DLT_C_HDLC;
	memcpy(s[k].b, "\x0f\x00\x08\x00", 4);
	s[k].n = 4 + inner_udp(s[k].b + 4);
	k++;
	s[k].dlt = DLT_SLIP;
	memset(s[k].b, 0, 16);
	s[k].n = 16 + inner_udp(s[k].b + 16);
	k++;
	s[k].dlt = DLT_LINUX_SLL2;
	memset(s[k].b, 0, 20);
	s[k].b[0] = 0x86;
	s[k].b[1] = 0xdd;
	s[k].n = 20 + pb_udp6(s[k].b + 20, 1, 2, 1, 2, 0);
	k++;
	s[k].dlt = DLT_JUNIPER_ETHER;
	memset(s[k].b, 0, 10);
	memcpy(s[k].b, "MGC\x81\x00\x04", 6);
	o = 10 + pb_ether(s[k].b + 10, mac_b, mac_a, -1, 0x0800);
	s[k].n = o + inner_udp(s[k].b + o);
	k++;
	return k;
}

/* Each sample in a buffer of exactly its captured length (so the sanitizer
 * sees any read past it), at every length: never a pointer outside, and a
 * tunnel cut short is still accounted as its outer packet. */
static void test_truncated_every_length(void **st)
{
	static struct sample s[20];
	size_t k = sample_frames(s);
	(void)st;
	assert_true(k <= 20);
	for (size_t i = 0; i < k; i++) {
		struct argus_packet full;
		assert_true(s[i].n <= sizeof s[i].b);
		assert_int_equal(argus_dissect(s[i].dlt, s[i].b, (uint32_t)s[i].n, (uint32_t)s[i].n, 0, &full),
				 ARGUS_DISSECT_IP);
		assert_false(full.flags & ARGUS_PKT_TRUNCATED);
		assert_int_equal(full.proto, 17);
		assert_non_null(full.l4);
		for (size_t len = 0; len <= s[i].n; len++) {
			struct argus_packet pkt;
			uint8_t *b = malloc(len ? len : 1);
			enum argus_dissect_result r;
			memcpy(b, s[i].b, len);
			r = argus_dissect(s[i].dlt, b, (uint32_t)len, (uint32_t)s[i].n, 0, &pkt);
			if (pkt.l3) {
				assert_true(pkt.l3 >= b && pkt.l3 + pkt.l3_len <= b + len);
			}
			if (pkt.l4) {
				assert_true(pkt.l4 >= b && pkt.l4 + pkt.l4_len <= b + len);
			}
			if (pkt.outer_l3) {
				assert_true(pkt.outer_l3 >= b && pkt.outer_l3 < b + len);
			}
			assert_true(pkt.n_mpls <= 4);
			assert_true(pkt.tunnel_depth <= full.tunnel_depth);
			if (r == ARGUS_DISSECT_IP && pkt.tunnel_depth < full.tunnel_depth) {
				assert_null(pkt.outer_l3); /* fell back to the outer packet */
			}
			if (full.tunnel_depth && len >= (size_t)(full.outer_l3 - s[i].b) + 20 &&
			    s[i].b[full.outer_l3 - s[i].b] >> 4 == 4) {
				assert_int_equal(r, ARGUS_DISSECT_IP); /* never dropped */
			}
			if (len < s[i].n) {
				assert_true(r != ARGUS_DISSECT_IP || (pkt.flags & ARGUS_PKT_TRUNCATED) ||
					    pkt.tunnel_depth < full.tunnel_depth);
			}
			free(b);
		}
	}
}

/* Random bytes on every link type: no crash, no read past the buffer (the
 * sanitizer pass checks the second part). */
static void test_random_bytes(void **st)
{
	static const int dlts[] = {DLT_EN10MB, DLT_RAW,  DLT_NULL,	DLT_LOOP,	    DLT_LINUX_SLL,
				   DLT_LINUX_SLL2, DLT_PPP, DLT_PPP_SERIAL, DLT_PPP_ETHER, DLT_C_HDLC,
				   DLT_SLIP,	   DLT_JUNIPER_ETHER};
	struct argus_packet pkt;
	uint32_t seed = 12345;
	(void)st;
	const int ndlt = (int)(sizeof dlts / sizeof dlts[0]);
	for (int i = 0; i < 40000; i++) {
		uint32_t len = seed % 160;
		uint8_t *b = malloc(len ? len : 1);
		for (uint32_t j = 0; j < len; j++) {
			seed = seed * 1103515245u + 12345u;
			b[j] = (uint8_t)(seed >> 16);
		}
		if (len > 14 && (i & 1)) {
			b[12] = 0x08;
			b[13] = 0;
			b[14] = (uint8_t)(0x40 | (b[14] & 0x0f));
		}
		argus_dissect(dlts[i % ndlt], b, len, len, 0, &pkt);
		if (pkt.l4)
			assert_true(pkt.l4 + pkt.l4_len <= b + len);
		free(b);
		seed = seed * 1103515245u + 12345u;
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ether_ipv4_udp),
		cmocka_unit_test(test_vlan_and_padding),
		cmocka_unit_test(test_ipv6_extension_headers),
		cmocka_unit_test(test_ipv4_later_fragment_has_no_l4),
		cmocka_unit_test(test_truncated_and_runts),
		cmocka_unit_test(test_non_ip),
		cmocka_unit_test(test_other_links),
		cmocka_unit_test(test_80211),
		cmocka_unit_test(test_80211_ssid),
		cmocka_unit_test(test_ipid_argus_order),
		cmocka_unit_test(test_ipv6_tos_as_argus),
		cmocka_unit_test(test_ipv4_ah_skipped),
		cmocka_unit_test(test_ipv6_mobility_is_the_protocol),
		cmocka_unit_test(test_llc_and_snap),
		cmocka_unit_test(test_isl),
		cmocka_unit_test(test_nonip_payload),
		cmocka_unit_test(test_mpls),
		cmocka_unit_test(test_pppoe),
		cmocka_unit_test(test_ppp_links),
		cmocka_unit_test(test_cooked_and_loopback),
		cmocka_unit_test(test_juniper_ether),
		cmocka_unit_test(test_gre),
		cmocka_unit_test(test_vxlan_geneve),
		cmocka_unit_test(test_ip_in_ip),
		cmocka_unit_test(test_tunnel_depth_bound),
		cmocka_unit_test(test_truncated_every_length),
		cmocka_unit_test(test_random_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
