/* The flow table: bidirectional keys, timers driven by packet time, closes,
 * the flow cap, fragments and generic IP accounting; ethertype decoders,
 * LLC ports, ICMP-error mapping, the optional metrics (-A -J -Z -U),
 * timeouts from the configuration and Argus's timing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <pcap/dlt.h>

#include <argus/plugin.h>

#include "core/conf.h"
#include "core/dissect.h"
#include "core/flowtable.h"
#include "core/isis.h"
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
static int fake_payload_offset(void *s, const struct argus_packet *p)
{
	(void)s;
	return p->l4_len >= 8 ? 8 : -1;
}
static const struct argus_decoder_ops fake_udp = {
	.ip_protos = udp_protos,
	.n_ip_protos = 1,
	.flow_state_size = sizeof(uint32_t),
	.idle_timeout = 30,
	.timeout_config = "ARGUS_UDP_TIMEOUT",
	.key = fake_key,
	.update = fake_update,
	.fill_record = fake_fill,
	.payload_offset = fake_payload_offset,
};

static struct argus_flowtable_config base_cfg(uint32_t status, uint32_t max_flows)
{
	struct argus_flowtable_config cfg;

	memset(&cfg, 0, sizeof cfg);
	cfg.status_interval_s = status;
	cfg.max_flows = max_flows;
	cfg.ip_timeout_s = 30;
	cfg.igmp_timeout_s = 30;
	cfg.nonip_timeout_s = 30;
	cfg.frag_timeout_s = 5;
	return cfg;
}

/* A table with the fake UDP decoder (idle timeout udp_timeout). */
static struct argus_flowtable *table_with(const struct argus_flowtable_config *cfg,
					  uint32_t udp_timeout)
{
	char err[256];
	struct argus_flowtable *ft;

	n_recs = 0;
	ft = argus_flowtable_new(cfg, collect, NULL, err, sizeof err);
	assert_non_null(ft);
	assert_int_equal(argus_flowtable_add_decoder(ft, "udp", &fake_udp, ARGUS_ABI_MINOR, NULL,
						     udp_timeout, err, sizeof err),
			 0);
	return ft;
}

static struct argus_flowtable *new_table(uint32_t status, uint32_t max_flows)
{
	struct argus_flowtable_config cfg = base_cfg(status, max_flows);
	return table_with(&cfg, 30);
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

/* ABI 1.3: an application decoder on port 53 rides on the fake UDP
 * decoder's flows with its own state, and its data reaches the record. */
struct fake_app_state {
	uint32_t packets;
	uint32_t from_dst;
};
static const struct argus_app_port app_ports[] = {{17, 53}};
static enum argus_flow_verdict app_update(void *s, void *fs, const struct argus_packet *p, int dir)
{
	struct fake_app_state *a = fs;
	(void)s;
	(void)p;
	a->packets++;
	if (dir == ARGUS_DIR_DST)
		a->from_dst++;
	return ARGUS_FLOW_CLOSE; /* ignored for application decoders */
}
static void app_fill(void *s, const void *fs, struct argus_record *rec)
{
	const struct fake_app_state *a = fs;
	(void)s;
	assert_int_equal(argus_record_ext_put(rec, "app", a, sizeof *a), 0);
}
static const struct argus_decoder_ops fake_app = {
	.flow_state_size = sizeof(struct fake_app_state),
	.update = app_update,
	.fill_record = app_fill,
	.app_ports = app_ports,
	.n_app_ports = 1,
};

static void test_app_decoder(void **st)
{
	struct argus_flowtable_config cfg = base_cfg(0, 1000);
	struct argus_flowtable *ft;
	struct fake_app_state got;
	const uint8_t *data;
	size_t len;
	char err[256];
	(void)st;
	n_recs = 0;
	ft = argus_flowtable_new(&cfg, collect, NULL, err, sizeof err);
	assert_non_null(ft);
	/* registered before the transport decoder: the layout must not care */
	assert_int_equal(argus_flowtable_add_decoder(ft, "app", &fake_app, 3, NULL, 0, err, sizeof err), 0);
	assert_int_equal(argus_flowtable_add_decoder(ft, "udp", &fake_udp, ARGUS_ABI_MINOR, NULL, 30,
						     err, sizeof err),
			 0);
	send_udp(ft, 1 * SEC, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 5000, 53, 10);
	send_udp(ft, 1 * SEC + 10, IP4(10, 0, 0, 2), IP4(10, 0, 0, 1), 53, 5000, 100);
	send_udp(ft, 1 * SEC + 20, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 5000, 53, 10);
	send_udp(ft, 1 * SEC + 30, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 5001, 54, 10);
	argus_flowtable_flush(ft);
	assert_int_equal(n_recs, 2);
	/* the transport decoder's state is untouched by the application's */
	assert_int_equal(recs[0].trans, 3);
	assert_int_equal(recs[0].spkts + recs[0].dpkts, 3);
	data = argus_record_ext_get(&recs[0], "app", &len);
	assert_non_null(data);
	assert_int_equal(len, sizeof got);
	memcpy(&got, data, sizeof got);
	assert_int_equal(got.packets, 3);
	assert_int_equal(got.from_dst, 1);
	/* port 54: no application decoder, no plugin data */
	assert_int_equal(recs[1].key.dport, 54);
	assert_int_equal(recs[1].ext_len, 0);
	assert_null(argus_record_ext_get(&recs[1], "app", &len));
	argus_flowtable_free(ft);
}

static void test_app_decoder_refused(void **st)
{
	struct argus_flowtable_config cfg = base_cfg(0, 1000);
	struct argus_decoder_ops both = fake_udp;
	struct argus_flowtable *ft;
	char err[256];
	(void)st;
	ft = argus_flowtable_new(&cfg, collect, NULL, err, sizeof err);
	both.app_ports = app_ports;
	both.n_app_ports = 1;
	assert_int_equal(argus_flowtable_add_decoder(ft, "both", &both, 3, NULL, 30, err, sizeof err),
			 ARGUS_EINVAL);
	assert_non_null(strstr(err, "cannot also claim"));
	/* a 1.2 module's descriptor has no app_ports: they are not read */
	assert_int_equal(argus_flowtable_add_decoder(ft, "old", &both, 2, NULL, 30, err, sizeof err), 0);
	argus_flowtable_free(ft);
}

static void test_record_ext(void **st)
{
	struct argus_record rec;
	uint8_t big[255];
	size_t len;
	const uint8_t *d;
	(void)st;
	memset(&rec, 0, sizeof rec);
	memset(big, 7, sizeof big);
	assert_int_equal(argus_record_ext_put(&rec, "a", "xy", 2), 0);
	assert_int_equal(argus_record_ext_put(&rec, "bb", "", 0), 0);
	assert_int_equal(argus_record_ext_put(&rec, "c", big, sizeof big), ARGUS_RECORD_EXT_FULL);
	assert_int_equal(rec.ext_len, 2 + 1 + 2 + 2 + 2 + 0);
	d = argus_record_ext_get(&rec, "a", &len);
	assert_non_null(d);
	assert_int_equal(len, 2);
	assert_memory_equal(d, "xy", 2);
	assert_non_null(argus_record_ext_get(&rec, "bb", &len));
	assert_int_equal(len, 0);
	assert_null(argus_record_ext_get(&rec, "b", &len));
	assert_null(argus_record_ext_get(&rec, "abc", &len));
	/* damaged data (a length past the end) finds nothing and reads nothing past it */
	rec.ext[0] = 200;
	assert_null(argus_record_ext_get(&rec, "a", &len));
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

/* Packet time going backwards: a flow's last packet is earlier than the
 * newest time seen, so it is idle past its timeout at the next packet,
 * whether it sits alone on its timer list or behind others. */
static void test_idle_timeout_after_time_goes_back(void **st)
{
	struct argus_flowtable *ft = new_table(0, 1000);
	(void)st;
	send_udp(ft, 10000 * SEC, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 5000, 53, 10);
	send_udp(ft, 1000 * SEC, IP4(10, 0, 0, 2), IP4(10, 0, 0, 1), 53, 5000, 10);
	assert_int_equal(n_recs, 0);
	send_udp(ft, 1000 * SEC + 1, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 5000, 53, 10);
	assert_int_equal(n_recs, 1);
	assert_int_equal(recs[0].spkts, 1);
	assert_int_equal(recs[0].dpkts, 1);
	/* each new flow at the old time is idle by the next packet */
	send_udp(ft, 1000 * SEC + 2, IP4(10, 0, 0, 3), IP4(10, 0, 0, 4), 6000, 53, 10);
	send_udp(ft, 1000 * SEC + 3, IP4(10, 0, 0, 5), IP4(10, 0, 0, 6), 7000, 53, 10);
	assert_int_equal(n_recs, 3);
	argus_flowtable_flush(ft);
	assert_int_equal(n_recs, 4);
	assert_int_equal(argus_flowtable_stats(ft)->flows, 4);
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

/* Keys prepared a run ahead (the monitor's way) give the records the
 * packet-by-packet path gives, though the packets before each one close,
 * restart, evict and create flows. */
#define AHEAD_N 12
static void send_ahead(struct argus_flowtable *ft, int hinted)
{
	static const uint16_t dports[AHEAD_N] = {53, 10, 9, 53, 10, 54, 10, 55, 53, 9, 56, 53};
	uint8_t b[AHEAD_N][64];
	struct argus_packet pkt[AHEAD_N];
	struct argus_flow_hint hint[AHEAD_N];
	enum argus_dissect_result r[AHEAD_N];

	for (int i = 0; i < AHEAD_N; i++) {
		uint32_t src = IP4(10, 0, 0, 1 + (i & 1)), dst = IP4(10, 0, 0, 2 - (i & 1));
		uint16_t sport = i & 1 ? dports[i] : 7, dport = i & 1 ? 7 : dports[i];
		size_t n = pb_udp4(b[i], src, dst, sport, dport, 10);
		r[i] = argus_dissect(DLT_RAW, b[i], (uint32_t)n, (uint32_t)n, (i + 1) * SEC, &pkt[i]);
	}
	if (hinted) {
		argus_flowtable_prepare(ft, r, pkt, hint, AHEAD_N);
		assert_int_equal(argus_flowtable_packets(ft, r, pkt, hint, AHEAD_N, INT64_MAX), AHEAD_N);
	} else {
		for (int i = 0; i < AHEAD_N; i++)
			argus_flowtable_packet(ft, r[i], &pkt[i]);
	}
	argus_flowtable_flush(ft);
}

/* A and B are the same flow record, sequence number apart. */
static void assert_same_flow(const struct argus_record *a, const struct argus_record *b)
{
	assert_memory_equal(&a->key, &b->key, sizeof b->key);
	assert_int_equal(a->stime_us, b->stime_us);
	assert_int_equal(a->ltime_us, b->ltime_us);
	assert_int_equal(a->spkts, b->spkts);
	assert_int_equal(a->dpkts, b->dpkts);
	assert_int_equal(a->sbytes, b->sbytes);
	assert_int_equal(a->dbytes, b->dbytes);
	assert_int_equal(a->trans, b->trans);
	assert_int_equal(a->flags, b->flags);
	assert_int_equal(a->cause, b->cause);
}

static void test_keys_prepared_ahead(void **st)
{
	struct argus_record plain[MAX_RECS];
	size_t n_plain;
	struct argus_flowtable *ft = new_table(0, 3);
	(void)st;
	send_ahead(ft, 0);
	argus_flowtable_free(ft);
	n_plain = n_recs;
	memcpy(plain, recs, sizeof plain);
	assert_true(n_plain >= 5);

	ft = new_table(0, 3);
	send_ahead(ft, 1);
	argus_flowtable_free(ft);
	assert_int_equal(n_recs, n_plain);
	for (size_t i = 0; i < n_plain; i++)
		assert_same_flow(&recs[i], &plain[i]);
}

/* argus --threads: a share is a symmetric function of the two IP addresses
 * alone (ports and protocol apart), spread evenly. */
static void test_share_of_key(void **st)
{
	uint32_t seen[4] = {0, 0, 0, 0}, x = 12345;
	(void)st;
	for (int i = 0; i < 4000; i++) {
		struct argus_flow_key k, r;
		memset(&k, 0, sizeof k);
		k.family = ARGUS_KEY_IPV4;
		k.proto = i & 1 ? 6 : 17;
		for (int b = 0; b < 4; b++) {
			x = x * 1103515245u + 12345u;
			k.saddr[b] = (uint8_t)(x >> 16);
			x = x * 1103515245u + 12345u;
			k.daddr[b] = (uint8_t)(x >> 16);
		}
		k.sport = (uint16_t)x;
		k.dport = (uint16_t)(x >> 8);
		r = k;
		memcpy(r.saddr, k.daddr, 16);
		memcpy(r.daddr, k.saddr, 16);
		r.sport = k.dport;
		r.dport = k.sport;
		for (uint32_t n = 2; n <= 4; n++)
			assert_int_equal(argus_flowtable_share_of(&k, n), argus_flowtable_share_of(&r, n));
		/* a later fragment's key, an ICMP error between the same hosts */
		r = k;
		r.proto = 1;
		r.sport = 0;
		r.dport = 4242;
		assert_int_equal(argus_flowtable_share_of(&k, 3), argus_flowtable_share_of(&r, 3));
		assert_int_equal(argus_flowtable_share_of(&k, 1), 0);
		seen[argus_flowtable_share_of(&k, 4)]++;
	}
	for (int i = 0; i < 4; i++)
		assert_in_range(seen[i], 900, 1100);
}

/* Two tables, each given every packet and owning one share, emit together
 * what one table emits, and count every packet once. */
static int no_relay(void *ctx, uint32_t from, uint64_t packet, struct argus_flow_related *rel)
{
	(void)ctx;
	(void)from;
	(void)packet;
	(void)rel;
	fail_msg("no ICMP error was sent");
	return 0;
}

static void send_shared(struct argus_flowtable **ft, size_t n, int64_t t, const uint8_t *b,
			size_t len)
{
	for (size_t i = 0; i < n; i++) {
		struct argus_packet pkt;
		enum argus_dissect_result r =
			argus_dissect(DLT_RAW, b, (uint32_t)len, (uint32_t)len, t, &pkt);
		argus_flowtable_packet(ft[i], r, &pkt);
	}
}

static void send_mix(struct argus_flowtable **ft, size_t n)
{
	uint8_t b[128];
	size_t len;

	for (int i = 0; i < 12; i++) {
		uint32_t a = IP4(10, 0, 0, (uint8_t)(1 + i)), z = IP4(10, 0, 1, (uint8_t)(1 + i % 5));
		len = pb_udp4(b, a, z, (uint16_t)(1000 + i), 53, 20);
		send_shared(ft, n, (1 + i) * SEC, b, len);
		len = pb_udp4(b, z, a, 53, (uint16_t)(1000 + i), 40); /* the reply */
		send_shared(ft, n, (1 + i) * SEC + 1000, b, len);
	}
	/* a datagram in two fragments; the second alone keys no ports */
	len = pb_ipv4(b, IP4(3, 3, 3, 3), IP4(4, 4, 4, 4), 17, 16, 77, 0x2000);
	pb_ports(b + len, 1000, 2000, 16);
	send_shared(ft, n, 20 * SEC, b, len + 16);
	len = pb_ipv4(b, IP4(3, 3, 3, 3), IP4(4, 4, 4, 4), 17, 8, 77, 2);
	memset(b + len, 0, 8);
	send_shared(ft, n, 20 * SEC + 1, b, len + 8);
	/* a malformed packet: share 0 counts it */
	memset(b, 0x45, 10);
	send_shared(ft, n, 21 * SEC, b, 10);
	/* 40 s on, the first flows have timed out in every table */
	len = pb_udp4(b, IP4(9, 9, 9, 9), IP4(8, 8, 8, 8), 7, 7, 10);
	send_shared(ft, n, 61 * SEC, b, len);
}

static void test_shares_emit_one_tables_flows(void **st)
{
	struct argus_record one[MAX_RECS];
	struct argus_flowtable *ft[2];
	struct argus_flowtable_stats total;
	size_t n_one;
	uint64_t pkts = 0, malformed = 0;
	(void)st;

	ft[0] = new_table(5, 1000);
	send_mix(ft, 1);
	argus_flowtable_flush(ft[0]);
	total = *argus_flowtable_stats(ft[0]);
	argus_flowtable_free(ft[0]);
	n_one = n_recs;
	memcpy(one, recs, sizeof one);
	assert_true(n_one >= 14);

	ft[0] = new_table(5, 1000);
	ft[1] = new_table(5, 1000);
	for (uint32_t i = 0; i < 2; i++) {
		struct argus_flowtable_share share;
		memset(&share, 0, sizeof share);
		share.index = i;
		share.count = 2;
		share.receive_related = no_relay;
		argus_flowtable_set_share(ft[i], &share);
	}
	n_recs = 0;
	send_mix(ft, 2);
	for (int i = 0; i < 2; i++) {
		argus_flowtable_flush(ft[i]);
		pkts += argus_flowtable_stats(ft[i])->packets;
		malformed += argus_flowtable_stats(ft[i])->malformed;
		assert_true(argus_flowtable_stats(ft[i])->records > 0); /* both have flows */
		argus_flowtable_free(ft[i]);
	}
	assert_int_equal(pkts, total.packets);
	assert_int_equal(malformed, total.malformed);
	assert_int_equal(n_recs, n_one);
	for (size_t i = 0; i < n_one; i++) {
		size_t j = 0;
		while (j < n_recs && (memcmp(&recs[j].key, &one[i].key, sizeof one[i].key) != 0 ||
				      recs[j].stime_us != one[i].stime_us))
			j++;
		assert_true(j < n_recs);
		assert_same_flow(&recs[j], &one[i]);
		recs[j].stime_us = -1; /* matched */
	}
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

/* ---- non-IP frames built by hand (the dissector's view of them) ---- */

static const uint8_t mac1[6] = {2, 0, 0, 0, 0, 1};
static const uint8_t mac2[6] = {2, 0, 0, 0, 0, 2};

/* An Ethernet II frame of TYPE (llc < 0) or an 802.3 LLC frame with SAPs
 * llc >> 8 (DSAP) and llc & 0xff (SSAP). */
static void send_frame(struct argus_flowtable *ft, int64_t t, const uint8_t *src,
		       const uint8_t *dst, uint16_t type, int llc, const uint8_t *body, size_t len)
{
	uint8_t f[256];
	struct argus_packet pkt;
	size_t hl = llc >= 0 ? 17 : 14;

	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = (uint8_t)((llc >= 0 ? len + 3 : type) >> 8);
	f[13] = (uint8_t)(llc >= 0 ? len + 3 : type);
	if (llc >= 0) {
		f[14] = (uint8_t)(llc >> 8);
		f[15] = (uint8_t)llc;
		f[16] = 3;
	}
	memcpy(f + hl, body, len);
	memset(&pkt, 0, sizeof pkt);
	pkt.ts_us = t;
	pkt.caplen = pkt.wirelen = (uint32_t)(hl + len);
	pkt.l2 = f;
	pkt.eth_dst = f;
	pkt.eth_src = f + 6;
	pkt.encaps = ARGUS_ENCAPS_ETHER | (llc >= 0 ? ARGUS_ENCAPS_LLC : 0);
	pkt.ethertype = llc >= 0 ? 0 : type;
	if (llc >= 0) {
		pkt.llc_dsap = (uint8_t)(llc >> 8);
		pkt.llc_ssap = (uint8_t)llc;
	}
	pkt.l3 = f + hl;
	pkt.l3_len = (uint32_t)len;
	argus_flowtable_packet(ft, ARGUS_DISSECT_NONIP, &pkt);
}

/* An ethertype decoder for 0x88b5: keys on the first 8 payload bytes (two
 * "addresses"), which it needs; 2 bytes of header before the payload. */
static const uint16_t stub_types[] = {0x88b5};
static int stub_key(void *s, const struct argus_packet *p, struct argus_flow_key *k)
{
	(void)s;
	if (p->l3_len < 8)
		return ARGUS_EFORMAT;
	memset(k, 0, sizeof *k);
	k->family = ARGUS_KEY_ARP;
	k->ethertype = 0x88b5;
	memcpy(k->saddr, p->l3, 4);
	memcpy(k->daddr, p->l3 + 4, 4);
	return 0;
}
static enum argus_flow_verdict stub_update(void *s, void *fs, const struct argus_packet *p, int dir)
{
	(void)s;
	(void)fs;
	(void)p;
	(void)dir;
	return ARGUS_FLOW_CONTINUE;
}
static void stub_fill(void *s, const void *fs, struct argus_record *rec)
{
	(void)s;
	(void)fs;
	rec->trans = 77; /* marks the decoder's records */
}
static int stub_payload_offset(void *s, const struct argus_packet *p)
{
	(void)s;
	(void)p;
	return 2;
}
static const struct argus_decoder_ops stub_ether = {
	.flow_state_size = 8,
	.idle_timeout = 5,
	.key = stub_key,
	.update = stub_update,
	.fill_record = stub_fill,
	.ethertypes = stub_types,
	.n_ethertypes = 1,
	.payload_offset = stub_payload_offset,
};

static struct argus_flowtable *ether_table(unsigned minor, int appbytes)
{
	struct argus_flowtable_config cfg = base_cfg(0, 1000);
	char err[256];
	struct argus_flowtable *ft;

	cfg.want_appbytes = appbytes;
	ft = table_with(&cfg, 30);
	assert_int_equal(argus_flowtable_add_decoder(ft, "stub", &stub_ether, minor, NULL, 5, err,
						     sizeof err),
			 0);
	return ft;
}

static void test_ethertype_decoder(void **st)
{
	static const uint8_t a[10] = {10, 0, 0, 1, 10, 0, 0, 2, 0xee, 0xff};
	static const uint8_t b[10] = {10, 0, 0, 2, 10, 0, 0, 1, 0xee, 0xff};
	struct argus_flowtable *ft = ether_table(ARGUS_ABI_MINOR, 1);
	(void)st;
	send_frame(ft, 1 * SEC, mac1, mac2, 0x88b5, -1, a, sizeof a);
	send_frame(ft, 1 * SEC + 5, mac2, mac1, 0x88b5, -1, b, sizeof b); /* the reply */
	send_frame(ft, 1 * SEC + 9, mac1, mac2, 0x88b5, -1, a, 3);        /* too short */
	send_frame(ft, 1 * SEC + 9, mac1, mac2, 0x88b6, -1, a, sizeof a); /* not claimed */
	assert_int_equal(argus_flowtable_stats(ft)->live, 3);
	/* the decoder's timeout (5 s) ends its flow; plain Ethernet ones wait 30 s */
	argus_flowtable_advance(ft, 6 * SEC + 5);
	assert_int_equal(n_recs, 1);
	assert_int_equal(recs[0].key.family, ARGUS_KEY_ARP);
	assert_int_equal(recs[0].key.saddr[3], 1);
	assert_int_equal(recs[0].spkts, 1);
	assert_int_equal(recs[0].dpkts, 1);
	assert_int_equal(recs[0].trans, 77);
	/* application bytes: the frame less the decoder's offset */
	assert_true(recs[0].present & ARGUS_HAS_APPBYTES);
	assert_int_equal(recs[0].sappbytes, 14 + 10 - 2);
	argus_flowtable_flush(ft);
	assert_int_equal(n_recs, 3);
	for (size_t i = 1; i < 3; i++) {
		assert_int_equal(recs[i].key.family, ARGUS_KEY_ETHER);
		assert_int_equal(recs[i].trans, 1);
		/* no decoder: the whole frame */
		assert_int_equal(recs[i].sappbytes, recs[i].sbytes);
	}
	assert_int_equal(recs[1].key.ethertype, 0x88b5);
	assert_int_equal(recs[2].key.ethertype, 0x88b6);
	argus_flowtable_free(ft);
}

static void test_ethertype_needs_abi_1_2(void **st)
{
	static const uint8_t a[10] = {10, 0, 0, 1, 10, 0, 0, 2, 0, 0};
	struct argus_flowtable *ft = ether_table(1, 0); /* a 1.1 module: no ethertypes */
	(void)st;
	send_frame(ft, SEC, mac1, mac2, 0x88b5, -1, a, sizeof a);
	argus_flowtable_flush(ft);
	assert_int_equal(n_recs, 1);
	assert_int_equal(recs[0].key.family, ARGUS_KEY_ETHER);
	assert_false(recs[0].present & ARGUS_HAS_APPBYTES);
	argus_flowtable_free(ft);
}

static void test_llc_ports(void **st)
{
	static const uint8_t body[20] = {1, 2, 3};
	struct argus_flowtable *ft = new_table(0, 1000);
	(void)st;
	/* DSAP 0x42, SSAP 0x43; the answer has them the other way round */
	send_frame(ft, SEC, mac1, mac2, 0, 0x4243, body, sizeof body);
	send_frame(ft, SEC + 1, mac2, mac1, 0, 0x4342, body, sizeof body);
	send_frame(ft, SEC + 2, mac1, mac2, 0, 0xaaaa, body, sizeof body);
	argus_flowtable_flush(ft);
	assert_int_equal(n_recs, 2);
	assert_int_equal(recs[0].key.sport, 0x43);
	assert_int_equal(recs[0].key.dport, 0x42);
	assert_int_equal(recs[0].key.ethertype, 0);
	assert_int_equal(recs[0].spkts, 1);
	assert_int_equal(recs[0].dpkts, 1);
	assert_int_equal(recs[1].key.sport, 0xaa);
	assert_int_equal(recs[1].key.dport, 0xaa);
	argus_flowtable_free(ft);
}

/* ABI 1.4: 802.11 frames (dissected for real) make one-way WLAN flows
 * keyed by receiver, transmitter and BSSID, as Argus's. */
static void send_80211(struct argus_flowtable *ft, int64_t t, const uint8_t *a1, const uint8_t *a2,
		       const uint8_t *a3)
{
	uint8_t f[40];
	struct argus_packet pkt;

	memset(f, 0, sizeof f);
	f[0] = 0xc0; /* deauthentication */
	memcpy(f + 4, a1, 6);
	memcpy(f + 10, a2, 6);
	memcpy(f + 16, a3, 6);
	assert_int_equal(argus_dissect(DLT_IEEE802_11, f, 26, 26, t, &pkt), ARGUS_DISSECT_NONIP);
	argus_flowtable_packet(ft, ARGUS_DISSECT_NONIP, &pkt);
}

static void test_wlan_one_way(void **st)
{
	static const uint8_t bss1[6] = {2, 0, 0, 0, 0, 0x10};
	static const uint8_t bss2[6] = {2, 0, 0, 0, 0, 0x20};
	struct argus_flowtable *ft = new_table(0, 1000);
	(void)st;
	send_80211(ft, SEC, mac2, mac1, bss1);
	send_80211(ft, SEC + 1, mac2, mac1, bss1); /* the same flow */
	send_80211(ft, SEC + 2, mac1, mac2, bss1); /* the answer: a flow of its own */
	send_80211(ft, SEC + 3, mac2, mac1, bss2); /* another BSS */
	argus_flowtable_flush(ft);
	assert_int_equal(n_recs, 3);
	for (size_t i = 0; i < n_recs; i++) {
		assert_int_equal(recs[i].key.family, ARGUS_KEY_WLAN);
		assert_int_equal(recs[i].dpkts, 0);
		assert_int_equal(recs[i].reversed, 0);
	}
	assert_memory_equal(recs[0].key.saddr, mac1, 6);
	assert_memory_equal(recs[0].key.daddr, mac2, 6);
	assert_memory_equal(recs[0].key.saddr + 6, bss1, 6);
	assert_int_equal(recs[0].spkts, 2);
	assert_int_equal(recs[0].sbytes, 52);
	assert_memory_equal(recs[1].key.saddr, mac2, 6);
	assert_memory_equal(recs[2].key.saddr + 6, bss2, 6);
	argus_flowtable_free(ft);
}

/* A probe request from A2 for SSID (none if NULL). */
static void send_probe(struct argus_flowtable *ft, int64_t t, const uint8_t *a2, const char *ssid)
{
	uint8_t f[80];
	struct argus_packet pkt;
	size_t n = 24, len = ssid ? strlen(ssid) : 0;

	memset(f, 0, sizeof f);
	f[0] = 0x40; /* probe request */
	memset(f + 4, 0xff, 6);
	memcpy(f + 10, a2, 6);
	memset(f + 16, 0xff, 6);
	f[n++] = 0; /* SSID element */
	f[n++] = (uint8_t)len;
	if (len)
		memcpy(f + n, ssid, len);
	n += len;
	assert_int_equal(argus_dissect(DLT_IEEE802_11, f, (uint32_t)n, (uint32_t)n, t, &pkt),
			 ARGUS_DISSECT_NONIP);
	argus_flowtable_packet(ft, ARGUS_DISSECT_NONIP, &pkt);
}

/* Argus keys association, probe and beacon frames by their SSID too. */
static void test_wlan_ssid(void **st)
{
	struct argus_flowtable *ft = new_table(0, 1000);
	uint8_t k[8];
	(void)st;

	send_probe(ft, SEC, mac1, "eduroam");
	send_probe(ft, SEC + 1, mac1, "eduroam");
	send_probe(ft, SEC + 2, mac1, "guest");
	send_probe(ft, SEC + 3, mac1, NULL); /* wildcard: no SSID */
	argus_flowtable_flush(ft);
	assert_int_equal(n_recs, 3);
	assert_int_equal(recs[0].spkts, 2);
	assert_int_equal(recs[0].wlan_ssid_len, 7);
	assert_string_equal(recs[0].wlan_ssid, "eduroam");
	argus_wlan_ssid_key((const uint8_t *)"eduroam", 7, k);
	assert_memory_equal(recs[0].key.daddr + 6, k, 8);
	assert_string_equal(recs[1].wlan_ssid, "guest");
	assert_int_equal(recs[2].wlan_ssid_len, 0);
	memset(k, 0, sizeof k);
	assert_memory_equal(recs[2].key.daddr + 6, k, 8);
	argus_flowtable_free(ft);
}

/* ---- IS-IS (Argus keys each PDU; checksums are what Argus 3.0.8 wrote) ---- */

/* An 802.3 frame to 01:80:c2:00:00:14 with LLC fe fe 03 and PDU; an
 * optional 802.1Q tag; FILL bytes of 0xaa padding after it. */
static size_t isis_frame(uint8_t *f, const uint8_t *src, int vlan, const uint8_t *pdu, size_t n,
			 size_t fill)
{
	static const uint8_t isis_dst[6] = {0x01, 0x80, 0xc2, 0x00, 0x00, 0x14};
	size_t o = 12;

	memcpy(f, isis_dst, 6);
	memcpy(f + 6, src, 6);
	if (vlan) {
		f[o++] = 0x81, f[o++] = 0x00, f[o++] = 0, f[o++] = (uint8_t)vlan;
	}
	f[o++] = (uint8_t)((n + 3) >> 8), f[o++] = (uint8_t)(n + 3);
	f[o++] = 0xfe, f[o++] = 0xfe, f[o++] = 0x03;
	memcpy(f + o, pdu, n);
	memset(f + o + n, 0xaa, fill);
	return o + n + fill;
}

static void isis_send(struct argus_flowtable *ft, int64_t t, const uint8_t *f, size_t cap,
		      size_t wire)
{
	struct argus_packet pkt;
	assert_int_equal(argus_dissect(DLT_EN10MB, f, (uint32_t)cap, (uint32_t)wire, t, &pkt),
			 ARGUS_DISSECT_NONIP);
	argus_flowtable_packet(ft, ARGUS_DISSECT_NONIP, &pkt);
}

/* Dissect frame F (CAP bytes captured of WIRE) and key it as IS-IS. */
static void isis_key_of(const uint8_t *f, size_t cap, size_t wire, struct argus_flow_key *k)
{
	struct argus_packet pkt;
	assert_int_equal(argus_dissect(DLT_EN10MB, f, (uint32_t)cap, (uint32_t)wire, SEC, &pkt),
			 ARGUS_DISSECT_NONIP);
	assert_int_equal(argus_isis_key(&pkt, k), 0);
}

static const uint8_t isis_r1[6] = {0xc2, 0x01, 0x29, 0x98, 0x00, 0x00};

/* ISIS_level1_adjacency.pcap, frame 1: an L1 LAN hello padded to 1514
 * bytes with padding TLVs (8, 255 zero bytes). */
static size_t isis_hello(uint8_t *f, uint8_t lan_last)
{
	static const uint8_t head[] = {
		0x83, 0x1b, 0x01, 0x00, 0x0f, 0x01, 0x00, 0x00, 0x01, 0x22, 0x22, 0x22, 0x22,
		0x22, 0x22, 0x00, 0x1e, 0x05, 0xd9, 0x40, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22,
		0x01, 0x81, 0x01, 0xcc, 0x01, 0x04, 0x03, 0x49, 0x00, 0x0a, 0x84, 0x04, 0x0a,
		0x00, 0x0a, 0x02, 0xd3, 0x03, 0x00, 0x00, 0x00};
	uint8_t pdu[1497];

	memset(pdu, 0, sizeof pdu);
	memcpy(pdu, head, sizeof head);
	pdu[26] = lan_last;
	for (size_t o = 47; o + 2 <= sizeof pdu; o += 257) {
		pdu[o] = 8;
		pdu[o + 1] = o + 257 <= sizeof pdu ? 0xff : 0xa3;
	}
	return isis_frame(f, isis_r1, 0, pdu, sizeof pdu, 0);
}

static void test_isis_hello_key(void **st)
{
	static const uint8_t sysid[6] = {0x22, 0x22, 0x22, 0x22, 0x22, 0x22};
	static const uint8_t lanid[7] = {0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x01};
	uint8_t f[1600];
	size_t n = isis_hello(f, 0x01);
	struct argus_flowtable *ft = new_table(0, 1000);
	(void)st;

	assert_int_equal(n, 1514);
	isis_send(ft, SEC, f, n, n);
	isis_send(ft, SEC + 1, f, n, n);
	f[17 + 26] = 0x02; /* another LAN id: another flow */
	isis_send(ft, SEC + 2, f, n, n);
	argus_flowtable_flush(ft);
	assert_int_equal(n_recs, 2);
	assert_int_equal(recs[0].key.family, ARGUS_KEY_ISIS);
	assert_int_equal(recs[0].key.proto, 15);
	assert_int_equal(recs[0].key.sport, 1);
	assert_int_equal(recs[0].key.ethertype, 0xfddf);
	assert_memory_equal(recs[0].key.saddr, isis_r1, 6);
	assert_memory_equal(recs[0].key.saddr + 6, sysid, 6);
	assert_memory_equal(recs[0].key.daddr + 6, lanid, 7);
	assert_int_equal(recs[0].spkts, 2);
	assert_int_equal(recs[0].sbytes, 2 * 1514);
	assert_int_equal(recs[0].dpkts, 0);
	assert_int_equal(recs[1].key.daddr[12], 0x02);
	assert_int_not_equal(recs[1].key.ethertype, 0xfddf);
	argus_flowtable_free(ft);
}

/* ISIS_level1_adjacency.pcap, frame 9: an LSP keyed by LSP id, sequence
 * number and its own checksum. */
static void test_isis_lsp_key(void **st)
{
	static const uint8_t lsp[] = {
		0x83, 0x1b, 0x01, 0x00, 0x12, 0x01, 0x00, 0x00, 0x00, 0x56, 0x04, 0xaf, 0x22, 0x22,
		0x22, 0x22, 0x22, 0x22, 0x00, 0x00, 0x00, 0x00, 0x00, 0x09, 0x63, 0x0b, 0x01, 0x01,
		0x04, 0x03, 0x49, 0x00, 0x0a, 0x81, 0x01, 0xcc, 0x89, 0x02, 0x52, 0x32, 0x84, 0x04,
		0xc0, 0xa8, 0x0a, 0x01, 0x80, 0x18, 0x0a, 0x80, 0x80, 0x80, 0x0a, 0x00, 0x0a, 0x00,
		0xff, 0xff, 0xff, 0xfc, 0x0a, 0x80, 0x80, 0x80, 0xc0, 0xa8, 0x0a, 0x00, 0xff, 0xff,
		0xff, 0x00, 0x02, 0x0c, 0x00, 0x0a, 0x80, 0x80, 0x80, 0x33, 0x33, 0x33, 0x33, 0x33,
		0x33, 0x02};
	static const uint8_t lspid[8] = {0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0, 0};
	static const uint8_t seq[4] = {0, 0, 0, 9};
	uint8_t f[128];
	size_t n = isis_frame(f, isis_r1, 0, lsp, sizeof lsp, 0);
	struct argus_flow_key k;
	(void)st;

	assert_int_equal(n, 103);
	isis_key_of(f, n, n, &k);
	assert_int_equal(k.proto, 18);
	assert_int_equal(k.ethertype, 0x630b);
	assert_memory_equal(k.saddr + 6, lspid, 8);
	assert_memory_equal(k.daddr + 6, seq, 4);
	/* the LSP's checksum is read from its header: a short capture keeps it */
	isis_key_of(f, 60, n, &k);
	assert_int_equal(k.ethertype, 0x630b);
}

/* Hand-made PDUs run through Debian's argus 3.0.8 for the checksums: a
 * PSNP padded to 60 bytes (the padding counts), a hello in a VLAN. */
static void test_isis_padding_and_vlan(void **st)
{
	static const uint8_t psnp[] = {
		0x83, 0x11, 0x01, 0x00, 0x1a, 0x01, 0x00, 0x00, 0x00, 0x23, 0x33, 0x33,
		0x33, 0x33, 0x33, 0x33, 0x00, 0x09, 0x10, 0x04, 0xaf, 0x22, 0x22, 0x22,
		0x22, 0x22, 0x22, 0x00, 0x00, 0x00, 0x00, 0x00, 0x09, 0x63, 0x0b};
	static const uint8_t hello[] = {
		0x83, 0x1b, 0x01, 0x00, 0x0f, 0x01, 0x00, 0x00, 0x01, 0x22, 0x22, 0x22, 0x22,
		0x22, 0x22, 0x00, 0x1e, 0x00, 0x24, 0x40, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22,
		0x01, 0x81, 0x01, 0xcc, 0x01, 0x04, 0x03, 0x49, 0x00, 0x0a};
	uint8_t f[128];
	size_t n = isis_frame(f, isis_r1, 0, psnp, sizeof psnp, 8);
	struct argus_flow_key k;
	(void)st;

	assert_int_equal(n, 60);
	isis_key_of(f, n, n, &k);
	assert_int_equal(k.proto, 26);
	assert_int_equal(k.ethertype, 0xbfff);
	assert_int_equal(k.saddr[6 + 6], 0x00);

	n = isis_frame(f, isis_r1, 5, hello, sizeof hello, 0);
	memset(f + n, 0, 80 - n); /* zero padding to 80 bytes */
	n = 80;
	isis_key_of(f, n, n, &k);
	assert_int_equal(k.ethertype, 0xbd5f);
	/* captured short of the sum's end: Argus writes 0 */
	isis_key_of(f, 70, n, &k);
	assert_int_equal(k.ethertype, 0);
}

/* What Argus does not key by PDU: a point-to-point hello or a bad version
 * is an Ethernet flow of type 0x83 (ra: "isis"); ES-IS stays LLC. */
static void test_isis_fallbacks(void **st)
{
	static const uint8_t mac3[6] = {2, 0, 0, 0, 0, 3};
	uint8_t pdu[32], f[64];
	size_t n;
	struct argus_flowtable *ft = new_table(0, 1000);
	(void)st;

	memset(pdu, 0, sizeof pdu);
	pdu[0] = 0x83, pdu[1] = 20, pdu[2] = 1, pdu[4] = 17, pdu[5] = 1; /* PTP hello */
	n = isis_frame(f, mac1, 0, pdu, 28, 0);
	isis_send(ft, SEC, f, n, n);
	pdu[1] = 27, pdu[2] = 2, pdu[4] = 15; /* version 2 */
	n = isis_frame(f, mac2, 0, pdu, 28, 0);
	isis_send(ft, SEC, f, n, n);
	pdu[0] = 0x82; /* ES-IS */
	n = isis_frame(f, mac3, 0, pdu, 28, 0);
	isis_send(ft, SEC, f, n, n);
	argus_flowtable_flush(ft);
	assert_int_equal(n_recs, 3);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(recs[i].key.family, ARGUS_KEY_ETHER);
		assert_int_equal(recs[i].key.sport, 0xfe);
		assert_int_equal(recs[i].key.ethertype, i < 2 ? 0x83 : 0);
	}
	argus_flowtable_free(ft);
}

/* ---- ICMP-style errors ---- */

/* IP protocol 253 "errors": byte 0 is the type; type 3 quotes a UDP packet
 * (addresses at 4 and 8, ports at 12 and 14). */
static const uint8_t err_protos[] = {253};
static int err_key(void *s, const struct argus_packet *p, struct argus_flow_key *k)
{
	(void)s;
	if (p->l4_len < 16)
		return ARGUS_EFORMAT;
	k->sport = (uint16_t)(p->l4[0] << 8);
	return 0;
}
static enum argus_flow_verdict err_update(void *s, void *fs, const struct argus_packet *p, int dir)
{
	(void)s;
	(void)dir;
	*(uint8_t *)fs = p->l4[0];
	return ARGUS_FLOW_CONTINUE;
}
static void err_fill(void *s, const void *fs, struct argus_record *rec)
{
	(void)s;
	rec->icmp.type = *(const uint8_t *)fs;
	rec->icmp.code = 3;
	rec->icmp.isrc = 0x0a000001;
	rec->present |= ARGUS_HAS_ICMP;
}
static int err_related(void *s, const struct argus_packet *p, struct argus_flow_key *k)
{
	(void)s;
	if (p->l4[0] != 3)
		return 0;
	k->family = ARGUS_KEY_IPV4;
	k->proto = 17;
	memcpy(k->saddr, p->l4 + 4, 4);
	memcpy(k->daddr, p->l4 + 8, 4);
	k->sport = (uint16_t)(p->l4[12] << 8 | p->l4[13]);
	k->dport = (uint16_t)(p->l4[14] << 8 | p->l4[15]);
	return 1;
}
static const struct argus_decoder_ops err_ops = {
	.ip_protos = err_protos,
	.n_ip_protos = 1,
	.flow_state_size = 1,
	.idle_timeout = 5,
	.key = err_key,
	.update = err_update,
	.fill_record = err_fill,
	.related_key = err_related,
};

static void send_error(struct argus_flowtable *ft, int64_t t, uint32_t from, uint32_t to,
		       uint8_t type, uint32_t qsrc, uint32_t qdst, uint16_t qsport, uint16_t qdport)
{
	uint8_t b[64];
	struct argus_packet pkt;
	size_t n = pb_ipv4(b, from, to, 253, 16, 9, 0);
	memset(b + n, 0, 16);
	b[n] = type;
	for (int i = 0; i < 4; i++) {
		b[n + 4 + i] = (uint8_t)(qsrc >> (24 - 8 * i));
		b[n + 8 + i] = (uint8_t)(qdst >> (24 - 8 * i));
	}
	b[n + 12] = (uint8_t)(qsport >> 8);
	b[n + 13] = (uint8_t)qsport;
	b[n + 14] = (uint8_t)(qdport >> 8);
	b[n + 15] = (uint8_t)qdport;
	argus_flowtable_packet(ft, argus_dissect(DLT_RAW, b, (uint32_t)n + 16, (uint32_t)n + 16, t, &pkt),
			       &pkt);
}

static struct argus_flowtable *error_table(uint32_t status)
{
	struct argus_flowtable_config cfg = base_cfg(status, 1000);
	char err[256];
	struct argus_flowtable *ft = table_with(&cfg, 30);
	assert_int_equal(argus_flowtable_add_decoder(ft, "err", &err_ops, ARGUS_ABI_MINOR, NULL, 5,
						     err, sizeof err),
			 0);
	return ft;
}

static const struct argus_record *find_proto(uint8_t proto, size_t from)
{
	for (size_t i = from; i < n_recs; i++)
		if (recs[i].key.proto == proto)
			return &recs[i];
	return NULL;
}

static void test_related_key_maps_flow(void **st)
{
	struct argus_flowtable *ft = error_table(0);
	const struct argus_record *u, *e;
	(void)st;
	send_udp(ft, 1 * SEC, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 5000, 53, 10);
	send_udp(ft, 1 * SEC + 100, IP4(10, 0, 0, 2), IP4(10, 0, 0, 1), 53, 5000, 10);
	/* the error quotes the flow the other way round: found all the same */
	send_error(ft, 2 * SEC, IP4(10, 0, 0, 9), IP4(10, 0, 0, 2), 3, IP4(10, 0, 0, 2),
		   IP4(10, 0, 0, 1), 53, 5000);
	/* an error quoting no known flow changes nothing */
	send_error(ft, 2 * SEC + 1, IP4(10, 0, 0, 9), IP4(10, 0, 0, 2), 3, IP4(10, 0, 0, 7),
		   IP4(10, 0, 0, 1), 53, 5000);
	argus_flowtable_flush(ft);
	assert_int_equal(n_recs, 2);
	u = find_proto(17, 0);
	e = find_proto(253, 0);
	assert_non_null(u);
	assert_non_null(e);
	assert_true(u->flags & ARGUS_FLAG_ICMP_MAPPED);
	assert_true(u->present & ARGUS_HAS_ICMP);
	assert_int_equal(u->icmp.type, 3); /* the error flow's ICMP object */
	assert_int_equal(u->icmp.isrc, 0x0a000001);
	assert_int_equal(u->stime_us, 1 * SEC);
	assert_int_equal(u->ltime_us, 2 * SEC); /* moved to the error's time */
	assert_int_equal(u->spkts + u->dpkts, 2);
	/* the error is still a flow of its own, not marked */
	assert_int_equal(e->spkts, 2);
	assert_false(e->flags & ARGUS_FLAG_ICMP_MAPPED);
	argus_flowtable_free(ft);
}

static void test_related_key_source_time(void **st)
{
	struct argus_flowtable *ft = error_table(5);
	const struct argus_record *u;
	(void)st;
	send_udp(ft, 1 * SEC, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 5000, 53, 10);
	argus_flowtable_advance(ft, 6 * SEC); /* status report */
	assert_int_equal(n_recs, 1);
	/* the next report has only a reply, then the error in the same second:
	 * Argus puts the error's time into the source times, and its start
	 * time picks the source's within one second */
	send_udp(ft, 7 * SEC, IP4(10, 0, 0, 2), IP4(10, 0, 0, 1), 53, 5000, 10);
	send_error(ft, 7 * SEC + 200000, IP4(10, 0, 0, 9), IP4(10, 0, 0, 1), 3, IP4(10, 0, 0, 1),
		   IP4(10, 0, 0, 2), 5000, 53);
	argus_flowtable_flush(ft);
	u = find_proto(17, 1);
	assert_non_null(u);
	assert_int_equal(u->cause, ARGUS_CAUSE_STATUS);
	assert_int_equal(u->dpkts, 1);
	assert_true(u->flags & ARGUS_FLAG_ICMP_MAPPED);
	assert_int_equal(u->stime_us, 7 * SEC + 200000);
	assert_int_equal(u->ltime_us, 7 * SEC + 200000);
	argus_flowtable_free(ft);
}

/* argus --threads on live interfaces: a share takes another's mapping
 * when it comes, out of order with its own, and keeps the latest error's
 * detail; the mapping it sends carries the quoted key and the time. */
static struct argus_flow_related live_sent;
static uint32_t live_sent_to, live_n_sent;
static void live_send(void *ctx, uint32_t to, const struct argus_flow_related *rel)
{
	(void)ctx;
	live_sent = *rel;
	live_sent_to = to;
	live_n_sent++;
}

static void test_live_share_takes_latest_mapping(void **st)
{
	struct argus_flowtable *ft = error_table(0);
	struct argus_flowtable_share share;
	struct argus_flow_related rel;
	struct argus_flow_key k, q;
	const struct argus_record *u;
	uint32_t mine, qdst = IP4(10, 0, 1, 1);
	(void)st;
	memset(&k, 0, sizeof k);
	k.family = ARGUS_KEY_IPV4;
	k.proto = 17;
	memcpy(k.saddr, (const uint8_t[]){10, 0, 0, 1}, 4);
	memcpy(k.daddr, (const uint8_t[]){10, 0, 0, 2}, 4);
	k.sport = 5000;
	k.dport = 53;
	mine = argus_flowtable_share_of(&k, 2);
	/* a flow of the other share, for an error this share counts to quote */
	q = k;
	for (;; qdst++) {
		for (int i = 0; i < 4; i++)
			q.daddr[i] = (uint8_t)(qdst >> (24 - 8 * i));
		if (argus_flowtable_share_of(&q, 2) != mine)
			break;
	}
	memset(&share, 0, sizeof share);
	share.index = mine;
	share.count = 2;
	share.live = 1;
	share.send_related = live_send;
	argus_flowtable_set_share(ft, &share);
	live_n_sent = 0;

	send_udp(ft, 1 * SEC, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 5000, 53, 10);
	/* the other share's error, of 3 s, comes first */
	memset(&rel, 0, sizeof rel);
	rel.map = 1;
	rel.has_icmp = 1;
	rel.icmp.type = 11;
	rel.key = k;
	rel.ts_us = 3 * SEC;
	argus_flowtable_take_related(ft, &rel);
	/* then this share's own, of 2 s, between the flow's hosts */
	send_error(ft, 2 * SEC, IP4(10, 0, 0, 2), IP4(10, 0, 0, 1), 3, IP4(10, 0, 0, 1),
		   IP4(10, 0, 0, 2), 5000, 53);
	assert_int_equal(live_n_sent, 0);
	/* an error between this share's hosts quoting the other share's flow */
	send_error(ft, 4 * SEC, IP4(10, 0, 0, 2), IP4(10, 0, 0, 1), 3, IP4(10, 0, 0, 1), qdst,
		   5000, 53);
	assert_int_equal(live_n_sent, 1);
	assert_int_equal(live_sent_to, 1 - mine);
	assert_true(live_sent.map && live_sent.has_icmp);
	assert_int_equal(live_sent.icmp.type, 3);
	assert_int_equal(live_sent.ts_us, 4 * SEC);
	assert_memory_equal(&live_sent.key.daddr, &q.daddr, 4);
	assert_int_equal(live_sent.key.dport, 53);
	argus_flowtable_flush(ft);
	u = find_proto(17, 0);
	assert_non_null(u);
	assert_true(u->flags & ARGUS_FLAG_ICMP_MAPPED);
	assert_int_equal(u->icmp.type, 11); /* the latest error's, though it came first */
	assert_int_equal(u->ltime_us, 3 * SEC);
	argus_flowtable_free(ft);
}

static void test_start_time_whole_seconds(void **st)
{
	struct argus_flowtable *ft = new_table(5, 1000);
	(void)st;
	send_udp(ft, 1 * SEC, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 5000, 53, 10);
	argus_flowtable_advance(ft, 6 * SEC);
	/* reply first, request later in the same second: Argus shows the request's */
	send_udp(ft, 10 * SEC + 100000, IP4(10, 0, 0, 2), IP4(10, 0, 0, 1), 53, 5000, 10);
	send_udp(ft, 10 * SEC + 500000, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 5000, 53, 10);
	argus_flowtable_advance(ft, 16 * SEC);
	/* in different seconds the earlier one */
	send_udp(ft, 19 * SEC + 900000, IP4(10, 0, 0, 2), IP4(10, 0, 0, 1), 53, 5000, 10);
	send_udp(ft, 20 * SEC + 200000, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 5000, 53, 10);
	argus_flowtable_flush(ft);
	assert_int_equal(n_recs, 3);
	assert_int_equal(recs[1].stime_us, 10 * SEC + 500000);
	assert_int_equal(recs[1].ltime_us, 10 * SEC + 500000);
	assert_int_equal(recs[2].stime_us, 19 * SEC + 900000);
	argus_flowtable_free(ft);
}

/* ---- optional metrics ---- */

static void send_udp_data(struct argus_flowtable *ft, int64_t t, int reply, const char *data)
{
	uint8_t b[256];
	struct argus_packet pkt;
	uint16_t len = (uint16_t)strlen(data);
	size_t n = reply ? pb_udp4(b, IP4(10, 0, 0, 2), IP4(10, 0, 0, 1), 53, 5000, len)
			 : pb_udp4(b, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 5000, 53, len);
	memcpy(b + n - len, data, len);
	argus_flowtable_packet(ft, argus_dissect(DLT_RAW, b, (uint32_t)n, (uint32_t)n, t, &pkt), &pkt);
}

static void test_appbytes(void **st)
{
	struct argus_flowtable_config cfg = base_cfg(0, 1000);
	struct argus_flowtable *ft;
	uint8_t b[128];
	struct argus_packet pkt;
	size_t n;
	(void)st;
	cfg.want_appbytes = 1;
	ft = table_with(&cfg, 30);
	send_udp_data(ft, SEC, 0, "hello");
	send_udp_data(ft, SEC + 1, 1, "hi");
	/* no decoder: the IP payload */
	n = pb_ipv4(b, IP4(1, 1, 1, 1), IP4(2, 2, 2, 2), 47, 12, 1, 0);
	memset(b + n, 0, 12);
	argus_flowtable_packet(ft, argus_dissect(DLT_RAW, b, (uint32_t)n + 12, (uint32_t)n + 12, SEC + 2, &pkt), &pkt);
	/* a UDP datagram in two fragments: the later one counts nothing */
	n = pb_ipv4(b, IP4(3, 3, 3, 3), IP4(4, 4, 4, 4), 17, 24, 77, 0x2000);
	pb_ports(b + n, 1000, 2000, 8);
	memset(b + n + 8, 0, 16);
	argus_flowtable_packet(ft, argus_dissect(DLT_RAW, b, (uint32_t)n + 24, (uint32_t)n + 24, SEC + 3, &pkt), &pkt);
	n = pb_ipv4(b, IP4(3, 3, 3, 3), IP4(4, 4, 4, 4), 17, 40, 77, 3);
	memset(b + n, 0, 40);
	argus_flowtable_packet(ft, argus_dissect(DLT_RAW, b, (uint32_t)n + 40, (uint32_t)n + 40, SEC + 4, &pkt), &pkt);
	/* an empty datagram: no application bytes, none written */
	send_udp(ft, SEC + 5, IP4(5, 5, 5, 5), IP4(6, 6, 6, 6), 1, 2, 0);
	argus_flowtable_flush(ft);
	assert_int_equal(n_recs, 4);
	assert_true(recs[0].present & ARGUS_HAS_APPBYTES);
	assert_int_equal(recs[0].sappbytes, 5);
	assert_int_equal(recs[0].dappbytes, 2);
	assert_int_equal(recs[1].key.proto, 47);
	assert_int_equal(recs[1].sappbytes, 12);
	assert_int_equal(recs[2].spkts, 2);
	assert_int_equal(recs[2].sappbytes, 16);
	assert_false(recs[3].present & ARGUS_HAS_APPBYTES);
	argus_flowtable_free(ft);
}

static void test_jitter(void **st)
{
	struct argus_flowtable_config cfg = base_cfg(5, 1000);
	struct argus_flowtable *ft;
	(void)st;
	cfg.want_jitter = 1;
	ft = table_with(&cfg, 30);
	send_udp_data(ft, 100 * SEC, 0, "a");
	send_udp_data(ft, 101 * SEC, 0, "a");
	send_udp_data(ft, 103 * SEC, 0, "a");
	send_udp_data(ft, 103 * SEC + 500000, 1, "b");
	argus_flowtable_advance(ft, 105 * SEC); /* report */
	/* the time since the last packet of the previous report counts; an
	 * interval of twice the status interval or more does not */
	send_udp_data(ft, 106 * SEC, 0, "a");
	send_udp_data(ft, 108 * SEC, 0, "a");
	send_udp_data(ft, 120 * SEC, 0, "a");
	argus_flowtable_flush(ft);
	assert_int_equal(n_recs, 3);
	assert_true(recs[0].present & ARGUS_HAS_JITTER);
	assert_int_equal(recs[0].sjit.valid, 0x01);
	assert_int_equal(recs[0].sjit.active.n, 2);
	assert_true(recs[0].sjit.active.min == 1e6f);
	assert_true(recs[0].sjit.active.max == 2e6f);
	assert_true(recs[0].sjit.active.mean == 1.5e6f);
	assert_true(recs[0].sjit.active.stddev == 5e5f);
	assert_int_equal(recs[0].djit.valid, 0); /* one packet: no interval */
	assert_int_equal(recs[1].sjit.active.n, 2);
	assert_true(recs[1].sjit.active.mean == 2.5e6f);
	assert_int_equal(recs[2].spkts, 1);
	assert_int_equal(recs[2].sjit.valid, 0);
	assert_false(recs[2].present & ARGUS_HAS_JITTER);
	argus_flowtable_free(ft);
}

static void test_packet_sizes(void **st)
{
	struct argus_flowtable_config cfg = base_cfg(5, 1000);
	struct argus_flowtable *ft;
	(void)st;
	cfg.want_psize = 1;
	ft = table_with(&cfg, 30);
	send_udp_data(ft, 1 * SEC, 0, "aaaa");
	send_udp_data(ft, 2 * SEC, 0, "a");
	send_udp_data(ft, 3 * SEC, 0, "aaaaaaaa");
	argus_flowtable_advance(ft, 6 * SEC);
	send_udp_data(ft, 7 * SEC, 1, "bb");
	argus_flowtable_flush(ft);
	assert_int_equal(n_recs, 2);
	assert_true(recs[0].present & ARGUS_HAS_PSIZE);
	assert_int_equal(recs[0].spsize_min, 29);
	assert_int_equal(recs[0].spsize_max, 36);
	assert_int_equal(recs[0].dpsize_max, 0);
	/* per report */
	assert_int_equal(recs[1].spsize_max, 0);
	assert_int_equal(recs[1].dpsize_min, 30);
	assert_int_equal(recs[1].dpsize_max, 30);
	argus_flowtable_free(ft);
}

static void test_user_data(void **st)
{
	struct argus_flowtable_config cfg = base_cfg(5, 1000);
	struct argus_flowtable *ft;
	(void)st;
	cfg.user_len = 8;
	ft = table_with(&cfg, 30);
	send_udp_data(ft, 1 * SEC, 0, "abcde");
	send_udp_data(ft, 2 * SEC, 0, "fghij");
	send_udp_data(ft, 2 * SEC + 1, 1, "xyz");
	argus_flowtable_advance(ft, 6 * SEC);
	send_udp_data(ft, 7 * SEC, 0, "klm");
	argus_flowtable_flush(ft);
	assert_int_equal(n_recs, 2);
	assert_true(recs[0].present & ARGUS_HAS_USERDATA);
	assert_int_equal(recs[0].suser_len, 8);
	assert_memory_equal(recs[0].suser, "abcdefgh", 8);
	assert_int_equal(recs[0].duser_len, 3);
	assert_memory_equal(recs[0].duser, "xyz", 3);
	/* each report starts again */
	assert_int_equal(recs[1].suser_len, 3);
	assert_memory_equal(recs[1].suser, "klm", 3);
	assert_int_equal(recs[1].duser_len, 0);
	argus_flowtable_free(ft);
}

static void test_mpls_and_encaps(void **st)
{
	struct argus_flowtable *ft = new_table(5, 1000);
	uint8_t b[128];
	struct argus_packet pkt;
	size_t n = pb_udp4(b, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 5000, 53, 4);
	(void)st;
	argus_dissect(DLT_RAW, b, (uint32_t)n, (uint32_t)n, SEC, &pkt);
	pkt.n_mpls = 2;
	pkt.mpls[0] = 100u << 12 | 64;
	pkt.mpls[1] = 200u << 12 | 0x100 | 64;
	pkt.encaps |= ARGUS_ENCAPS_MPLS;
	argus_flowtable_packet(ft, ARGUS_DISSECT_IP, &pkt);
	argus_flowtable_advance(ft, 6 * SEC);
	send_udp(ft, 7 * SEC, IP4(10, 0, 0, 2), IP4(10, 0, 0, 1), 53, 5000, 4);
	argus_flowtable_flush(ft);
	assert_int_equal(n_recs, 2);
	assert_true(recs[0].present & ARGUS_HAS_MPLS);
	assert_int_equal(recs[0].n_smpls, 1); /* Argus keeps the outermost entry */
	assert_int_equal(recs[0].smpls[0], 100u << 12 | 64);
	assert_int_equal(recs[0].n_dmpls, 0);
	assert_int_equal(recs[0].sencaps & ARGUS_ENCAPS_MPLS, ARGUS_ENCAPS_MPLS);
	/* both are per report */
	assert_false(recs[1].present & ARGUS_HAS_MPLS);
	assert_int_equal(recs[1].sencaps | recs[1].dencaps, 0);
	argus_flowtable_free(ft);
}

/* ---- timeouts from the configuration ---- */

static void test_timeouts_from_config(void **st)
{
	static const uint8_t icmp_proto[] = {1};
	struct argus_decoder_ops icmp_like = err_ops;
	struct argus_flowtable_config cfg = base_cfg(0, 1000);
	struct argus_flowtable *ft;
	char err[256];
	uint32_t t;
	uint8_t b[64];
	struct argus_packet pkt;
	size_t n;
	(void)st;
	argus_config_clear();
	assert_int_equal(argus_config_set("ARGUS_IP_TIMEOUT", "12"), 0);
	assert_int_equal(argus_config_set("ARGUS_IGMP_TIMEOUT", "3"), 0);
	assert_int_equal(argus_flowtable_config_timeouts(&cfg, err, sizeof err), 0);
	assert_int_equal(cfg.ip_timeout_s, 12);
	assert_int_equal(cfg.igmp_timeout_s, 3);
	assert_int_equal(cfg.nonip_timeout_s, 30); /* ARGUS_OTHER_TIMEOUT's default */
	assert_int_equal(cfg.frag_timeout_s, 5);
	/* decoders: Argus's variable for what they claim, then their own */
	assert_int_equal(argus_flowtable_decoder_timeout(&fake_udp, 2, &t, err, sizeof err), 0);
	assert_int_equal(t, 12);
	assert_int_equal(argus_config_set("ARGUS_UDP_TIMEOUT", "9"), 0);
	assert_int_equal(argus_flowtable_decoder_timeout(&fake_udp, 2, &t, err, sizeof err), 0);
	assert_int_equal(t, 9);
	assert_int_equal(argus_flowtable_decoder_timeout(&stub_ether, 2, &t, err, sizeof err), 0);
	assert_int_equal(t, 5); /* ARGUS_OTHER_TIMEOUT unset: the default */
	assert_int_equal(argus_config_set("ARGUS_OTHER_TIMEOUT", "40"), 0);
	assert_int_equal(argus_flowtable_decoder_timeout(&stub_ether, 2, &t, err, sizeof err), 0);
	assert_int_equal(t, 40);
	/* bad values name the file and line */
	assert_int_equal(argus_config_load_line("ARGUS_FRAG_TIMEOUT=5s", "t.conf", 3, err, sizeof err), 0);
	assert_int_equal(argus_flowtable_config_timeouts(&cfg, err, sizeof err), ARGUS_EINVAL);
	assert_non_null(strstr(err, "t.conf: line 3: ARGUS_FRAG_TIMEOUT: '5s'"));
	assert_int_equal(argus_config_load_line("ARGUS_ICMP_TIMEOUT=70000", "t.conf", 4, err, sizeof err), 0);
	icmp_like.ip_protos = icmp_proto;
	assert_int_equal(argus_flowtable_decoder_timeout(&icmp_like, 2, &t, err, sizeof err), ARGUS_EINVAL);
	assert_non_null(strstr(err, "t.conf: line 4: ARGUS_ICMP_TIMEOUT"));
	argus_config_clear();

	/* the classes use them: generic IP 12 s, IGMP 3 s */
	ft = table_with(&cfg, 30);
	n = pb_ipv4(b, IP4(1, 1, 1, 1), IP4(2, 2, 2, 2), 47, 8, 1, 0);
	memset(b + n, 0, 8);
	argus_flowtable_packet(ft, argus_dissect(DLT_RAW, b, (uint32_t)n + 8, (uint32_t)n + 8, SEC, &pkt), &pkt);
	n = pb_ipv4(b, IP4(1, 1, 1, 1), IP4(224, 0, 0, 1), 2, 8, 1, 0);
	memset(b + n, 0, 8);
	argus_flowtable_packet(ft, argus_dissect(DLT_RAW, b, (uint32_t)n + 8, (uint32_t)n + 8, SEC, &pkt), &pkt);
	argus_flowtable_advance(ft, 4 * SEC);
	assert_int_equal(n_recs, 1);
	assert_int_equal(recs[0].key.proto, 2);
	argus_flowtable_advance(ft, 13 * SEC - 1);
	assert_int_equal(n_recs, 1);
	argus_flowtable_advance(ft, 13 * SEC);
	assert_int_equal(n_recs, 2);
	argus_flowtable_free(ft);
}

/* ---- Argus timing ---- */

static struct argus_flowtable *at_status_table(uint32_t udp_timeout)
{
	struct argus_flowtable_config cfg = base_cfg(60, 1000);
	cfg.timeout_at_status = 1;
	return table_with(&cfg, udp_timeout);
}

static void test_at_status_keeps_idle_flow(void **st)
{
	struct argus_flowtable *ft = at_status_table(5);
	(void)st;
	/* packets 10 s apart with a 5 s timeout: one flow until its report */
	for (int i = 0; i < 6; i++)
		send_udp(ft, (100 + 10 * i) * SEC, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 5000, 53, 1);
	argus_flowtable_advance(ft, 159 * SEC);
	assert_int_equal(n_recs, 0);
	argus_flowtable_advance(ft, 160 * SEC);
	assert_int_equal(n_recs, 1);
	assert_int_equal(recs[0].spkts, 6);
	/* written, then ended 5 s later at a queue scan: nothing more to write */
	argus_flowtable_advance(ft, 165 * SEC);
	assert_int_equal(argus_flowtable_stats(ft)->live, 0);
	send_udp(ft, 166 * SEC, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 5000, 53, 1);
	argus_flowtable_flush(ft);
	assert_int_equal(n_recs, 2);
	assert_int_equal(recs[1].cause, ARGUS_CAUSE_START);
	assert_int_equal(argus_flowtable_stats(ft)->flows, 2);
	argus_flowtable_free(ft);
}

static void test_at_status_report_on_packet(void **st)
{
	struct argus_flowtable *ft = at_status_table(30);
	(void)st;
	/* the next packet comes just after the report fell due, before any
	 * scan: the report is written first and the flow goes on */
	send_udp(ft, 100 * SEC, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 5000, 53, 1);
	send_udp(ft, 160 * SEC + 2000, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 5000, 53, 1);
	assert_int_equal(n_recs, 1);
	assert_int_equal(recs[0].spkts, 1);
	assert_int_equal(recs[0].ltime_us, 100 * SEC);
	argus_flowtable_flush(ft);
	assert_int_equal(n_recs, 2);
	assert_int_equal(recs[1].cause, ARGUS_CAUSE_STATUS);
	assert_int_equal(recs[1].stime_us, 160 * SEC + 2000);
	assert_int_equal(argus_flowtable_stats(ft)->flows, 1);
	argus_flowtable_free(ft);
}

static void test_at_status_revives_waiting_flow(void **st)
{
	struct argus_flowtable *ft = at_status_table(5);
	(void)st;
	send_udp(ft, 100 * SEC, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 5000, 53, 1);
	argus_flowtable_advance(ft, 160 * SEC); /* report written, waiting 5 s */
	assert_int_equal(n_recs, 1);
	/* more than 5 s later, but the queues were not scanned in between
	 * (every half second of packet time at most): still the same flow */
	send_udp(ft, 165 * SEC + 100000, IP4(10, 0, 0, 2), IP4(10, 0, 0, 1), 53, 5000, 1);
	argus_flowtable_flush(ft);
	assert_int_equal(n_recs, 2);
	assert_int_equal(recs[1].cause, ARGUS_CAUSE_STATUS);
	assert_int_equal(recs[1].dpkts, 1);
	assert_int_equal(argus_flowtable_stats(ft)->flows, 1);
	argus_flowtable_free(ft);
}

static void test_at_status_off_by_default(void **st)
{
	struct argus_flowtable *ft = new_table(60, 1000);
	(void)st;
	/* default timing: the same packets 40 s apart are two flows (30 s timeout) */
	send_udp(ft, 100 * SEC, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 5000, 53, 1);
	send_udp(ft, 140 * SEC, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2), 5000, 53, 1);
	argus_flowtable_flush(ft);
	assert_int_equal(n_recs, 2);
	assert_int_equal(argus_flowtable_stats(ft)->flows, 2);
	argus_flowtable_free(ft);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bidirectional),
		cmocka_unit_test(test_idle_timeout_fires_on_time),
		cmocka_unit_test(test_idle_timeout_after_time_goes_back),
		cmocka_unit_test(test_status_reports_carry_interval_counts),
		cmocka_unit_test(test_decoder_close),
		cmocka_unit_test(test_decoder_restart),
		cmocka_unit_test(test_keys_prepared_ahead),
		cmocka_unit_test(test_cap_emits_oldest),
		cmocka_unit_test(test_generic_ip_and_fragments),
		cmocka_unit_test(test_many_flows),
		cmocka_unit_test(test_ethertype_decoder),
		cmocka_unit_test(test_ethertype_needs_abi_1_2),
		cmocka_unit_test(test_llc_ports),
		cmocka_unit_test(test_wlan_one_way),
		cmocka_unit_test(test_wlan_ssid),
		cmocka_unit_test(test_isis_hello_key),
		cmocka_unit_test(test_isis_lsp_key),
		cmocka_unit_test(test_isis_padding_and_vlan),
		cmocka_unit_test(test_isis_fallbacks),
		cmocka_unit_test(test_related_key_maps_flow),
		cmocka_unit_test(test_related_key_source_time),
		cmocka_unit_test(test_live_share_takes_latest_mapping),
		cmocka_unit_test(test_start_time_whole_seconds),
		cmocka_unit_test(test_appbytes),
		cmocka_unit_test(test_jitter),
		cmocka_unit_test(test_packet_sizes),
		cmocka_unit_test(test_user_data),
		cmocka_unit_test(test_mpls_and_encaps),
		cmocka_unit_test(test_timeouts_from_config),
		cmocka_unit_test(test_at_status_keeps_idle_flow),
		cmocka_unit_test(test_at_status_report_on_packet),
		cmocka_unit_test(test_at_status_revives_waiting_flow),
		cmocka_unit_test(test_at_status_off_by_default),
		cmocka_unit_test(test_app_decoder),
		cmocka_unit_test(test_app_decoder_refused),
		cmocka_unit_test(test_record_ext),
		cmocka_unit_test(test_share_of_key),
		cmocka_unit_test(test_shares_emit_one_tables_flows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
