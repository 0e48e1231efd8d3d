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
	assert_int_equal(pkt.ipid, 0x1234);
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
	/* too short for an IP header: malformed */
	assert_int_equal(argus_dissect(DLT_EN10MB, f, (uint32_t)o + 10, (uint32_t)n, 0, &pkt),
			 ARGUS_DISSECT_MALFORMED);
	assert_int_equal(argus_dissect(DLT_EN10MB, f, 5, 5, 0, &pkt), ARGUS_DISSECT_MALFORMED);
	assert_int_equal(argus_dissect(DLT_RAW, f, 0, 0, 0, &pkt), ARGUS_DISSECT_MALFORMED);
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
	assert_false(argus_dissect_link_supported(DLT_IEEE802_11));
	assert_true(argus_dissect_link_supported(DLT_EN10MB));
}

/* Random bytes on every link type: no crash, no read past the buffer (the
 * sanitizer pass checks the second part). */
static void test_random_bytes(void **st)
{
	static const int dlts[] = {DLT_EN10MB, DLT_RAW, DLT_NULL, DLT_LOOP, DLT_LINUX_SLL};
	struct argus_packet pkt;
	uint32_t seed = 12345;
	(void)st;
	for (int i = 0; i < 20000; i++) {
		uint32_t len = seed % 96;
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
		argus_dissect(dlts[i % 5], b, len, len, 0, &pkt);
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
		cmocka_unit_test(test_random_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
