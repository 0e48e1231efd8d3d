/* The flow table's packet counters past the width of the entry's fields.
 * This test builds core/flowtable.c with 8-bit counters (FLOW_PKTS_TYPE),
 * so a few hundred packets reach the carry into the flow's extra that
 * 2^32 packets reach in argus. */
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

#define MAX_RECS 8
#define SEC 1000000LL
#define A IP4(10, 0, 0, 1)
#define B IP4(10, 0, 0, 2)

static struct argus_record recs[MAX_RECS];
static size_t n_recs;

static int collect(void *ctx, const struct argus_record *rec)
{
	(void)ctx;
	if (n_recs < MAX_RECS)
		recs[n_recs++] = *rec;
	return 0;
}

/* A table with no decoders: UDP packets make plain IP flows. */
static struct argus_flowtable *new_table(uint32_t status_interval_s)
{
	struct argus_flowtable_config cfg;
	struct argus_flowtable *ft;
	char err[256];

	memset(&cfg, 0, sizeof cfg);
	cfg.status_interval_s = status_interval_s;
	cfg.max_flows = 100;
	cfg.ip_timeout_s = 30;
	cfg.igmp_timeout_s = 30;
	cfg.nonip_timeout_s = 30;
	cfg.frag_timeout_s = 5;
	n_recs = 0;
	ft = argus_flowtable_new(&cfg, collect, NULL, err, sizeof err);
	assert_non_null(ft);
	return ft;
}

static void send_n(struct argus_flowtable *ft, int64_t t, uint32_t src, uint32_t dst, int n)
{
	uint8_t b[64];
	struct argus_packet pkt;
	size_t len = pb_udp4(b, src, dst, 5000, 53, 10);

	for (int i = 0; i < n; i++) {
		enum argus_dissect_result r =
			argus_dissect(DLT_RAW, b, (uint32_t)len, (uint32_t)len, t + i, &pkt);
		argus_flowtable_packet(ft, r, &pkt);
	}
}

static void test_counts_past_the_field(void **st)
{
	struct argus_flowtable *ft = new_table(0);
	(void)st;
	send_n(ft, SEC, A, B, 700);
	send_n(ft, 2 * SEC, B, A, 5);
	argus_flowtable_flush(ft);
	assert_int_equal(n_recs, 1);
	assert_int_equal(recs[0].spkts, 700);
	assert_int_equal(recs[0].dpkts, 5);
	assert_int_equal(recs[0].sbytes, 700 * 38);
	assert_int_equal(argus_flowtable_stats(ft)->malformed, 0);
	argus_flowtable_free(ft);
}

/* 256 packets leave the 8-bit field at 0: the flow still has packets. */
static void test_wrapped_to_zero_is_not_empty(void **st)
{
	struct argus_flowtable *ft = new_table(0);
	(void)st;
	send_n(ft, SEC, A, B, 256);
	argus_flowtable_flush(ft);
	assert_int_equal(n_recs, 1);
	assert_int_equal(recs[0].spkts, 256);
	assert_int_equal(recs[0].dpkts, 0);
	argus_flowtable_free(ft);
}

/* A status report starts the counts over, high words included; a flow in
 * the entry that held the carry starts from nothing too. */
static void test_report_clears_the_carry(void **st)
{
	struct argus_flowtable *ft = new_table(5);
	(void)st;
	send_n(ft, SEC, A, B, 300);
	send_n(ft, 7 * SEC, A, B, 2);
	argus_flowtable_flush(ft);
	assert_int_equal(n_recs, 2);
	assert_int_equal(recs[0].spkts, 300);
	assert_int_equal(recs[1].spkts, 2);
	assert_int_equal(recs[1].cause, ARGUS_CAUSE_STATUS);

	/* the flushed table reuses the entry: a new flow there counts from 0 */
	n_recs = 0;
	send_n(ft, 20 * SEC, A, B, 3);
	argus_flowtable_flush(ft);
	assert_int_equal(n_recs, 1);
	assert_int_equal(recs[0].spkts, 3);
	assert_int_equal(recs[0].cause, ARGUS_CAUSE_START);
	argus_flowtable_free(ft);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts_past_the_field),
		cmocka_unit_test(test_wrapped_to_zero_is_not_empty),
		cmocka_unit_test(test_report_clears_the_carry),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
