/* The flow table: bidirectional keys, timers driven by packet time, closes,
 * the flow cap, fragments and generic IP accounting. */
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
#include "core/flowtable.h"
#include "pktbuild.h"

#define MAX_RECS 64
#define SEC 1000000LL

static struct argus_record recs[MAX_RECS];
static size_t n_recs;

static int collect(void *ctx, const struct argus_record *rec)
{
	(void)ctx;
	if (n_recs < MAX_RECS)
		recs[n_recs++] = *rec;
	return 0;
}

/* A UDP decoder that closes a flow when it sees destination port 9 ("end")
 * and restarts it on a second packet to port 10. */
static const uint8_t udp_protos[] = {17};
static int fake_key(void *s, const struct argus_packet *p, struct argus_flow_key *k)
{
	(void)s;
	if (p->l4_len < 8)
		return ARGUS_EFORMAT;
	k->sport = (uint16_t)(p->l4[0] << 8 | p->l4[1]);
	k->dport = (uint16_t)(p->l4[2] << 8 | p->l4[3]);
	return 0;
}
static enum argus_flow_verdict fake_update(void *s, void *fs, const struct argus_packet *p, int dir)
{
	uint32_t *n = fs;
	uint32_t before = (*n)++;
	int dport = p->l4[2] << 8 | p->l4[3];
	(void)s;
	(void)dir;
	if (dport == 9)
		return ARGUS_FLOW_CLOSE;
	if (dport == 10 && before > 0)
		return ARGUS_FLOW_RESTART; /* like a SYN after a finished connection */
	return ARGUS_FLOW_CONTINUE;
}
static void fake_fill(void *s, const void *fs, struct argus_record *rec)
{
	(void)s;
	rec->trans = *(const uint32_t *)fs; /* smuggle the decoder's count out */
}
static const struct argus_decoder_ops fake_udp = {
	.ip_protos = udp_protos,
	.n_ip_protos = 1,
	.flow_state_size = sizeof(uint32_t),
	.idle_timeout = 30,
	.key = fake_key,
	.update = fake_update,
	.fill_record = fake_fill,
};

static struct argus_flowtable *new_table(uint32_t status, uint32_t max_flows)
{
	struct argus_flowtable_config cfg;
	char err[256];
	struct argus_flowtable *ft;

	memset(&cfg, 0, sizeof cfg);
	cfg.status_interval_s = status;
	cfg.max_flows = max_flows;
	cfg.ip_timeout_s = 30;
	cfg.nonip_timeout_s = 30;
	cfg.frag_timeout_s = 5;
	n_recs = 0;
	ft = argus_flowtable_new(&cfg, collect, NULL, err, sizeof err);
	assert_non_null(ft);
	assert_int_equal(argus_flowtable_add_decoder(ft, "udp", &fake_udp, NULL, 30, err, sizeof err), 0);
	return ft;
}

static void send_udp(struct argus_flowtable *ft, int64_t t, uint32_t src, uint32_t dst,
		     uint16_t sport, uint16_t dport, uint16_t len)
{
	uint8_t b[256];
	struct argus_packet pkt;
	size_t n = pb_udp4(b, src, dst, sport, dport, len);
	enum argus_dissect_result r = argus_dissect(DLT_RAW, b, (uint32_t)n, (uint32_t)n, t, &pkt);
	argus_flowtable_packet(ft, r, &pkt);
}

static void test_bidirectional(void **st)
{
	struct argus_flowtable *ft = new_table(0, 1000);
	(void)st;
	send_udp(ft, 1 * SEC, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 5000, 53, 10);
	send_udp(ft, 1 * SEC + 10, IP4(10, 0, 0, 2), IP4(10, 0, 0, 1), 53, 5000, 100);
	send_udp(ft, 1 * SEC + 20, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 5000, 53, 10);
	assert_int_equal(argus_flowtable_stats(ft)->live, 1);
	argus_flowtable_flush(ft);
	assert_int_equal(n_recs, 1);
	assert_int_equal(recs[0].spkts, 2);
	assert_int_equal(recs[0].dpkts, 1);
	assert_int_equal(recs[0].sbytes, 2 * 38);
	assert_int_equal(recs[0].dbytes, 128);
	assert_int_equal(recs[0].key.sport, 5000);
	assert_int_equal(recs[0].key.dport, 53);
	assert_int_equal(recs[0].stime_us, 1 * SEC);
	assert_int_equal(recs[0].ltime_us, 1 * SEC + 20);
	assert_int_equal(recs[0].trans, 3);
	assert_int_equal(recs[0].cause, ARGUS_CAUSE_START);
	assert_int_equal(recs[0].seq, 1);
	assert_int_equal(argus_flowtable_stats(ft)->live, 0);
	argus_flowtable_free(ft);
}

static void test_idle_timeout_fires_on_time(void **st)
{
	struct argus_flowtable *ft = new_table(0, 1000);
	(void)st;
	send_udp(ft, 100 * SEC, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 5000, 53, 10);
	argus_flowtable_advance(ft, 129 * SEC);
	assert_int_equal(n_recs, 0);
	argus_flowtable_advance(ft, 130 * SEC);
	assert_int_equal(n_recs, 1);
	/* the same tuple later is a new flow */
	send_udp(ft, 200 * SEC, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 5000, 53, 10);
	argus_flowtable_flush(ft);
	assert_int_equal(n_recs, 2);
	assert_int_equal(recs[1].stime_us, 200 * SEC);
	assert_int_equal(argus_flowtable_stats(ft)->flows, 2);
	argus_flowtable_free(ft);
}

static void test_status_reports_carry_interval_counts(void **st)
{
	struct argus_flowtable *ft = new_table(5, 1000);
	(void)st;
	for (int i = 0; i < 12; i++)
		send_udp(ft, i * SEC, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 5000, 53, 10);
	argus_flowtable_flush(ft);
	assert_int_equal(n_recs, 3);
	assert_int_equal(recs[0].spkts, 5); /* 0..4 s */
	assert_int_equal(recs[0].cause, ARGUS_CAUSE_START);
	assert_int_equal(recs[1].spkts + recs[2].spkts, 7);
	assert_int_equal(recs[1].cause, ARGUS_CAUSE_STATUS);
	assert_int_equal(recs[0].seq + 1, recs[1].seq);
	argus_flowtable_free(ft);
}

static void test_decoder_close(void **st)
{
	struct argus_flowtable *ft = new_table(0, 1000);
	(void)st;
	send_udp(ft, SEC, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 7, 9, 1);
	assert_int_equal(n_recs, 1);
	assert_int_equal(argus_flowtable_stats(ft)->live, 0);
	argus_flowtable_free(ft);
}

static void test_decoder_restart(void **st)
{
	struct argus_flowtable *ft = new_table(0, 1000);
	(void)st;
	send_udp(ft, 1 * SEC, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 7, 10, 1);
	send_udp(ft, 2 * SEC, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 7, 10, 1);
	assert_int_equal(n_recs, 1); /* the old connection, without the new packet */
	assert_int_equal(recs[0].spkts, 1);
	assert_int_equal(recs[0].ltime_us, 1 * SEC);
	argus_flowtable_flush(ft);
	assert_int_equal(n_recs, 2);
	assert_int_equal(recs[1].spkts, 1);
	assert_int_equal(recs[1].stime_us, 2 * SEC);
	assert_int_equal(argus_flowtable_stats(ft)->flows, 2);
	argus_flowtable_free(ft);
}

static void test_cap_emits_oldest(void **st)
{
	struct argus_flowtable *ft = new_table(0, 2);
	(void)st;
	send_udp(ft, 1 * SEC, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 1, 53, 10);
	send_udp(ft, 2 * SEC, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 2, 53, 10);
	send_udp(ft, 3 * SEC, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 1, 53, 10); /* 1 is now newer */
	send_udp(ft, 4 * SEC, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 3, 53, 10);
	assert_int_equal(n_recs, 1);
	assert_int_equal(recs[0].key.sport, 2);
	assert_int_equal(argus_flowtable_stats(ft)->evicted, 1);
	assert_int_equal(argus_flowtable_stats(ft)->live, 2);
	argus_flowtable_flush(ft);
	assert_int_equal(n_recs, 3);
	argus_flowtable_free(ft);
}

static void test_generic_ip_and_fragments(void **st)
{
	struct argus_flowtable *ft = new_table(0, 1000);
	uint8_t b[128];
	struct argus_packet pkt;
	size_t n;
	(void)st;
	/* GRE (47): no decoder, a generic IP flow */
	n = pb_ipv4(b, IP4(1, 1, 1, 1), IP4(2, 2, 2, 2), 47, 8, 1, 0);
	memset(b + n, 0, 8);
	argus_flowtable_packet(ft, argus_dissect(DLT_RAW, b, (uint32_t)n + 8, (uint32_t)n + 8, SEC, &pkt), &pkt);
	/* a UDP datagram in two fragments: both in one flow */
	n = pb_ipv4(b, IP4(3, 3, 3, 3), IP4(4, 4, 4, 4), 17, 16, 77, 0x2000);
	pb_ports(b + n, 1000, 2000, 16);
	argus_flowtable_packet(ft, argus_dissect(DLT_RAW, b, (uint32_t)n + 16, (uint32_t)n + 16, SEC, &pkt), &pkt);
	n = pb_ipv4(b, IP4(3, 3, 3, 3), IP4(4, 4, 4, 4), 17, 8, 77, 2);
	argus_flowtable_packet(ft, argus_dissect(DLT_RAW, b, (uint32_t)n + 8, (uint32_t)n + 8, SEC + 1, &pkt), &pkt);
	argus_flowtable_flush(ft);
	assert_int_equal(n_recs, 2);
	assert_int_equal(recs[0].key.proto, 47);
	assert_int_equal(recs[0].key.sport, 0);
	assert_int_equal(recs[1].key.sport, 1000);
	assert_int_equal(recs[1].spkts, 2);
	assert_true(recs[1].flags & ARGUS_FLAG_FRAG);
	argus_flowtable_free(ft);
}

static void test_many_flows(void **st)
{
	struct argus_flowtable *ft = new_table(0, 100000);
	uint64_t pk = 0;
	(void)st;
	for (uint32_t i = 0; i < 20000; i++) {
		send_udp(ft, SEC + i, IP4(10, 0, 0, 1) + i, IP4(172, 16, 0, 1), (uint16_t)(i + 1000), 53, 1);
		send_udp(ft, SEC + i, IP4(172, 16, 0, 1), IP4(10, 0, 0, 1) + i, 53, (uint16_t)(i + 1000), 1);
	}
	assert_int_equal(argus_flowtable_stats(ft)->live, 20000);
	/* the records buffer keeps only the first few: count packets via stats */
	argus_flowtable_flush(ft);
	pk = argus_flowtable_stats(ft)->packets;
	assert_int_equal(pk, 40000);
	assert_int_equal(argus_flowtable_stats(ft)->records, 20000);
	assert_int_equal(recs[0].spkts, 1);
	assert_int_equal(recs[0].dpkts, 1);
	argus_flowtable_free(ft);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bidirectional),
		cmocka_unit_test(test_idle_timeout_fires_on_time),
		cmocka_unit_test(test_status_reports_carry_interval_counts),
		cmocka_unit_test(test_decoder_close),
		cmocka_unit_test(test_decoder_restart),
		cmocka_unit_test(test_cap_emits_oldest),
		cmocka_unit_test(test_generic_ip_and_fragments),
		cmocka_unit_test(test_many_flows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
