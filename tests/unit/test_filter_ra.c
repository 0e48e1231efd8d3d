/* The ra filter plugin: grammar, precedence, qualifier reuse, every
 * primitive family (sections ra reads as 0 when absent, encapsulations,
 * multicast and broadcast), field-table look-ups, error messages with
 * columns, limits, and that match() allocates nothing.  Records are built
 * by hand; a fake host supplies a few fields so the test does not depend on
 * the core's field table.  Expected selections follow what Argus 3.0.8.2's
 * ra selects (man/ra.1 lists where the plugin deliberately differs). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <argus/plugin.h>

const struct argus_plugin *ra_LTX_argus_plugin_entry(void);

/* ---- counting allocator ----------------------------------------------------------
 * Linked with -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free
 * (tests/local.mk), every allocation of the code in this program (the test
 * and the plugin's sources) passes here.  Without those flags the __real_
 * symbols stay unresolved (weak, NULL) and the allocation test says so and
 * passes. */
void *__real_malloc(size_t n) __attribute__((weak));
void *__real_calloc(size_t n, size_t m) __attribute__((weak));
void *__real_realloc(void *p, size_t n) __attribute__((weak));
void __real_free(void *p) __attribute__((weak));
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t m);
void *__wrap_realloc(void *p, size_t n);
void __wrap_free(void *p);

static unsigned long n_allocs;

void *__wrap_malloc(size_t n)
{
	n_allocs++;
	return __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t m)
{
	n_allocs++;
	return __real_calloc(n, m);
}

void *__wrap_realloc(void *p, size_t n)
{
	n_allocs++;
	return __real_realloc(p, n);
}

void __wrap_free(void *p)
{
	__real_free(p);
}

/* ---- fake host: a few fields of its own, counting look-ups ------------------- */

static unsigned find_calls;

static int get_xfoo(const struct argus_record *r, struct argus_value *v)
{
	if (r->ext_len < 1) {
		v->type = ARGUS_VALUE_NONE;
		return 0;
	}
	v->type = ARGUS_VALUE_UINT;
	v->v.u = r->ext[0];
	return 1;
}

static int get_sxbar(const struct argus_record *r, struct argus_value *v)
{
	if (r->ext_len < 3) {
		v->type = ARGUS_VALUE_NONE;
		return 0;
	}
	v->type = ARGUS_VALUE_UINT;
	v->v.u = r->ext[1];
	return 1;
}

static int get_dxbar(const struct argus_record *r, struct argus_value *v)
{
	if (r->ext_len < 3) {
		v->type = ARGUS_VALUE_NONE;
		return 0;
	}
	v->type = ARGUS_VALUE_UINT;
	v->v.u = r->ext[2];
	return 1;
}

static int get_xstate(const struct argus_record *r, struct argus_value *v)
{
	if (r->ext_len < 3) {
		v->type = ARGUS_VALUE_NONE;
		return 0;
	}
	v->type = ARGUS_VALUE_STRING;
	snprintf(v->s, sizeof v->s, "  CON ");
	return 1;
}

/* Like the core's: a direction without IP packets has no TTL. */
static int get_ttl(const struct argus_record *r, struct argus_value *v, int dst)
{
	const struct argus_ipattr *a = dst ? &r->dattr : &r->sattr;
	if (!(r->present & ARGUS_HAS_IPATTR) || !a->valid) {
		v->type = ARGUS_VALUE_NONE;
		return 0;
	}
	v->type = ARGUS_VALUE_UINT;
	v->v.u = a->ttl;
	return 1;
}

static int get_sttl(const struct argus_record *r, struct argus_value *v)
{
	return get_ttl(r, v, 0);
}

static int get_dttl(const struct argus_record *r, struct argus_value *v)
{
	return get_ttl(r, v, 1);
}

/* Like the core's: absent unless the record carries an app-byte counter. */
static int get_appbytes(const struct argus_record *r, struct argus_value *v, int dst)
{
	if (!(r->present & ARGUS_HAS_APPBYTES)) {
		v->type = ARGUS_VALUE_NONE;
		return 0;
	}
	v->type = ARGUS_VALUE_UINT;
	v->v.u = dst ? r->dappbytes : r->sappbytes;
	return 1;
}

static int get_sappbytes(const struct argus_record *r, struct argus_value *v)
{
	return get_appbytes(r, v, 0);
}

static int get_dappbytes(const struct argus_record *r, struct argus_value *v)
{
	return get_appbytes(r, v, 1);
}

static const struct argus_field fake_fields[] = {
	{"xfoo", "XFoo", ARGUS_VALUE_UINT, 4, 0, get_xfoo, "plugin field"},
	{"sxbar", "sXBar", ARGUS_VALUE_UINT, 4, 0, get_sxbar, "plugin field, source"},
	{"dxbar", "dXBar", ARGUS_VALUE_UINT, 4, 0, get_dxbar, "plugin field, destination"},
	{"xstate", "XState", ARGUS_VALUE_STRING, 6, 0, get_xstate, "plugin text field"},
	{"sttl", "sTtl", ARGUS_VALUE_UINT, 4, 0, get_sttl, "source TTL"},
	{"dttl", "dTtl", ARGUS_VALUE_UINT, 4, 0, get_dttl, "destination TTL"},
	{"sappbytes", "SAppBytes", ARGUS_VALUE_UINT, 4, 0, get_sappbytes, "source app bytes"},
	{"dappbytes", "DAppBytes", ARGUS_VALUE_UINT, 4, 0, get_dappbytes, "destination app bytes"},
};

static const struct argus_field *fake_find(const char *name)
{
	find_calls++;
	for (size_t i = 0; i < sizeof fake_fields / sizeof fake_fields[0]; i++)
		if (!strcmp(fake_fields[i].name, name))
			return &fake_fields[i];
	return NULL;
}

static size_t fake_count(void)
{
	return sizeof fake_fields / sizeof fake_fields[0];
}

static const struct argus_field *fake_at(size_t i)
{
	return i < fake_count() ? &fake_fields[i] : NULL;
}

static const struct argus_host fake_host = {
	.abi_major = ARGUS_ABI_MAJOR,
	.abi_minor = ARGUS_ABI_MINOR,
	.size = sizeof(struct argus_host),
	.field_find = fake_find,
	.field_count = fake_count,
	.field_at = fake_at,
};

/* ---- records -------------------------------------------------------------------- */

#define NREC 11
static struct argus_record recs[NREC];

static void ip4(uint8_t *d, unsigned a, unsigned b, unsigned c, unsigned e)
{
	d[0] = (uint8_t)a;
	d[1] = (uint8_t)b;
	d[2] = (uint8_t)c;
	d[3] = (uint8_t)e;
}

static void ip6(uint8_t *d, const uint8_t b[16])
{
	memcpy(d, b, 16);
}

static void mac(uint8_t *d, unsigned a, unsigned b, unsigned c, unsigned e, unsigned f, unsigned g)
{
	d[0] = (uint8_t)a;
	d[1] = (uint8_t)b;
	d[2] = (uint8_t)c;
	d[3] = (uint8_t)e;
	d[4] = (uint8_t)f;
	d[5] = (uint8_t)g;
}

static struct argus_record *flow(int i, uint8_t family, uint8_t proto, uint16_t sport,
				 uint16_t dport, uint64_t spkts, uint64_t dpkts)
{
	struct argus_record *r = &recs[i];

	memset(r, 0, sizeof *r);
	r->kind = ARGUS_RECORD_FLOW;
	r->cause = ARGUS_CAUSE_STOP;
	r->present = ARGUS_HAS_TRANSPORT | ARGUS_HAS_FLOW | ARGUS_HAS_METRIC;
	r->srcid.type = ARGUS_SRCID_IPV4;
	r->srcid.len = 4;
	ip4(r->srcid.value, 192, 0, 2, 1);
	r->seq = (uint32_t)i;
	r->trans = 1;
	r->key.family = family;
	r->key.proto = proto;
	r->key.sport = sport;
	r->key.dport = dport;
	r->spkts = spkts;
	r->dpkts = dpkts;
	return r;
}

static void attr(struct argus_record *r, int sttl, int dttl, uint8_t stos, uint8_t dtos)
{
	r->present |= ARGUS_HAS_IPATTR;
	if (sttl >= 0) {
		r->sattr.valid = 1;
		r->sattr.ttl = (uint8_t)sttl;
		r->sattr.tos = stos;
	}
	if (dttl >= 0) {
		r->dattr.valid = 1;
		r->dattr.ttl = (uint8_t)dttl;
		r->dattr.tos = dtos;
	}
}

/*
 * 0  management record
 * 1  TCP  10.0.0.1:40000 -> 10.0.0.2:80    10/8 pkts, full handshake and FIN, 2.5 s,
 *         400/4000 application bytes
 * 2  UDP  10.0.0.1:5353  -> 192.168.1.1:53  1/1, VLAN 100 (dst priority 1), 1 ms
 * 3  ICMP 10.0.0.3 -> 224.0.0.251 echo      1/1
 * 4  ICMP 192.168.1.1 -> 10.0.0.1 port unreachable, 1/0, to MAC ff:ff:ff:ff:ff:ff
 * 5  UDP  [2001:db8::1]:546 -> [ff02::1:2]:547, 1/0
 * 6  ICMPv6 fe80::1 -> ff02::1 echo, 1/0
 * 7  ARP  10.0.0.1 -> 10.0.0.254, 1/1
 * 8  LLDP 00:19:2f:a7:b2:8d -> 01:80:c2:00:00:0e, 3/0
 * 9  TCP  10.0.0.9:1234 -> 10.0.0.2:443, source reset, retransmissions (1),
 *         fragments from the source, timed out, 5/0
 * 10 UDP  10.0.0.1:7000 -> 10.0.0.5:7001, ICMP error mapped, several MACs,
 *         integer source id 42, plugin data, source MPLS label 100
 * Encapsulations: 1 Ethernet; 2 Ethernet and 802.1Q; 4 Ethernet; 8 Ethernet
 * and LLC from the source only.
 */
static int setup_records(void **st)
{
	static const uint8_t a6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
	static const uint8_t mc12[16] = {0xff, 0x02, [13] = 1, [15] = 2};
	static const uint8_t ll1[16] = {0xfe, 0x80, [15] = 1};
	static const uint8_t mc1[16] = {0xff, 0x02, [15] = 1};
	struct argus_record *r;
	(void)st;

	memset(&recs[0], 0, sizeof recs[0]);
	recs[0].kind = ARGUS_RECORD_MAR;
	recs[0].present = ARGUS_HAS_MAR | ARGUS_HAS_TRANSPORT;
	recs[0].srcid.type = ARGUS_SRCID_IPV4;
	recs[0].srcid.len = 4;
	ip4(recs[0].srcid.value, 192, 0, 2, 1);

	r = flow(1, ARGUS_KEY_IPV4, 6, 40000, 80, 10, 8);
	ip4(r->key.saddr, 10, 0, 0, 1);
	ip4(r->key.daddr, 10, 0, 0, 2);
	r->sbytes = 1000;
	r->dbytes = 5000;
	r->present |= ARGUS_HAS_TIME | ARGUS_HAS_MAC | ARGUS_HAS_TCP | ARGUS_HAS_NET;
	r->stime_us = 1600000000250000;
	r->ltime_us = 1600000002750000;
	attr(r, 64, 128, 0, 0);
	mac(r->smac, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55);
	mac(r->dmac, 0x00, 0x11, 0x22, 0x33, 0x44, 0x66);
	r->tcp.status = ARGUS_TCP_SAW_SYN | ARGUS_TCP_SAW_SYN_SENT | ARGUS_TCP_ESTABLISHED |
			ARGUS_TCP_FIN | ARGUS_TCP_FIN_ACK;
	r->tcp.options = ARGUS_TCP_OPT_MSS | ARGUS_TCP_OPT_TIMESTAMP;
	r->tcp.src.flags = 0x1b;
	r->tcp.dst.flags = 0x1b;
	r->tcp.have_dst = 1;
	r->present |= ARGUS_HAS_APPBYTES | ARGUS_HAS_ENCAPS;
	r->sencaps = r->dencaps = ARGUS_ENCAPS_ETHER;
	r->sappbytes = 400;
	r->dappbytes = 4000;

	r = flow(2, ARGUS_KEY_IPV4, 17, 5353, 53, 1, 1);
	ip4(r->key.saddr, 10, 0, 0, 1);
	ip4(r->key.daddr, 192, 168, 1, 1);
	r->sbytes = 60;
	r->dbytes = 120;
	r->present |= ARGUS_HAS_TIME | ARGUS_HAS_VLAN;
	r->stime_us = 1600000010000000;
	r->ltime_us = 1600000010001000;
	attr(r, 64, 60, 0x20, 0);
	r->svlan = 100;
	r->dvlan = 0x2000 | 100;
	r->vlan_valid = 3;
	r->present |= ARGUS_HAS_ENCAPS;
	r->sencaps = r->dencaps = ARGUS_ENCAPS_ETHER | ARGUS_ENCAPS_8021Q;

	r = flow(3, ARGUS_KEY_IPV4, 1, 8 << 8, 0x1234, 1, 1);
	ip4(r->key.saddr, 10, 0, 0, 3);
	ip4(r->key.daddr, 224, 0, 0, 251);
	attr(r, 64, 118, 0, 0);

	r = flow(4, ARGUS_KEY_IPV4, 1, 3 << 8 | 3, 0, 1, 0);
	ip4(r->key.saddr, 192, 168, 1, 1);
	ip4(r->key.daddr, 10, 0, 0, 1);
	attr(r, 64, -1, 0, 0);
	r->present |= ARGUS_HAS_MAC | ARGUS_HAS_ENCAPS;
	mac(r->smac, 0x00, 0xaa, 0xbb, 0xcc, 0xdd, 0xee);
	mac(r->dmac, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
	r->sencaps = r->dencaps = ARGUS_ENCAPS_ETHER;

	r = flow(5, ARGUS_KEY_IPV6, 17, 546, 547, 1, 0);
	ip6(r->key.saddr, a6);
	ip6(r->key.daddr, mc12);
	attr(r, 1, -1, 0, 0);

	r = flow(6, ARGUS_KEY_IPV6, 58, 128 << 8, 0, 1, 0);
	ip6(r->key.saddr, ll1);
	ip6(r->key.daddr, mc1);
	attr(r, 255, -1, 0, 0);

	r = flow(7, ARGUS_KEY_ARP, 0, 1, 0, 1, 1);
	r->key.ethertype = 0x0806;
	ip4(r->key.saddr, 10, 0, 0, 1);
	ip4(r->key.daddr, 10, 0, 0, 254);
	r->present |= ARGUS_HAS_MAC;
	mac(r->smac, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0x01);
	mac(r->dmac, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0x02);

	r = flow(8, ARGUS_KEY_ETHER, 0, 0, 0, 3, 0);
	r->key.ethertype = 0x88cc;
	mac(r->key.saddr, 0x00, 0x19, 0x2f, 0xa7, 0xb2, 0x8d);
	mac(r->key.daddr, 0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e);
	r->sbytes = 200;
	r->present |= ARGUS_HAS_ENCAPS;
	r->sencaps = ARGUS_ENCAPS_ETHER | ARGUS_ENCAPS_LLC;

	r = flow(9, ARGUS_KEY_IPV4, 6, 1234, 443, 5, 0);
	ip4(r->key.saddr, 10, 0, 0, 9);
	ip4(r->key.daddr, 10, 0, 0, 2);
	r->sbytes = 400;
	r->cause = ARGUS_CAUSE_TIMEOUT;
	r->present |= ARGUS_HAS_TCP | ARGUS_HAS_NET;
	r->tcp.status = ARGUS_TCP_SRC_RESET | ARGUS_TCP_SRC_PKTS_RETRANS;
	r->tcp.src.flags = 0x14;
	r->tcp.src.retrans = 1;
	r->flags = ARGUS_FLAG_FRAG | ARGUS_FLAG_SRC_RETRANS;
	attr(r, 32, -1, 0, 0);
	r->sattr.frag = 1;

	r = flow(10, ARGUS_KEY_IPV4, 17, 7000, 7001, 2, 2);
	ip4(r->key.saddr, 10, 0, 0, 1);
	ip4(r->key.daddr, 10, 0, 0, 5);
	r->sbytes = 120;
	r->dbytes = 130;
	r->flags = ARGUS_FLAG_ICMP_MAPPED | ARGUS_FLAG_MULTI_MAC;
	attr(r, 64, 64, 0, 0);
	r->srcid.type = ARGUS_SRCID_INT;
	{
		uint32_t id = 42;
		memcpy(r->srcid.value, &id, sizeof id);
	}
	r->present |= ARGUS_HAS_MPLS;
	r->n_smpls = 1;
	r->smpls[0] = 100u << 12 | 0x1ffu;
	r->ext_len = 3;
	r->ext[0] = 7;
	r->ext[1] = 5;
	r->ext[2] = 1;
	return 0;
}

/* ---- helpers ---------------------------------------------------------------------- */

static const struct argus_filter_ops *ops(void)
{
	return ra_LTX_argus_plugin_entry()->ops.filter;
}

static void *state_with(const struct argus_host *host)
{
	void *state = NULL;
	char err[256];

	assert_int_equal(ra_LTX_argus_plugin_entry()->init(host, &state, err, sizeof err),
			 ARGUS_OK);
	return state;
}

/* EXPECT has one '0'/'1' per record (index 0 first). */
static void check_sel(void *state, const char *expr, const char *expect)
{
	void *prog = NULL;
	char err[256] = "";
	char got[NREC + 1];
	int rc = ops()->compile(state, expr, &prog, err, sizeof err);

	if (rc != ARGUS_OK) {
		print_error("'%s': compile failed: %s\n", expr, err);
		fail();
	}
	assert_int_equal(strlen(expect), NREC);
	for (int i = 0; i < NREC; i++)
		got[i] = ops()->match(prog, &recs[i]) ? '1' : '0';
	got[NREC] = '\0';
	ops()->free(prog);
	if (strcmp(got, expect)) {
		print_error("'%s': selected %s, expected %s\n", expr, got, expect);
		fail();
	}
}

static void check_err(void *state, const char *expr, const char *expect)
{
	void *prog = NULL;
	char err[256] = "";
	int rc = ops()->compile(state, expr, &prog, err, sizeof err);

	if (rc != ARGUS_EINVAL || strcmp(err, expect)) {
		print_error("'%.60s': rc %d, message \"%s\", expected \"%s\"\n", expr, rc, err,
			    expect);
		fail();
	}
	assert_null(prog);
}

struct sel {
	const char *expr;
	const char *expect;
};

static void run_table(const struct sel *t, size_t n)
{
	void *state = state_with(&fake_host);

	for (size_t i = 0; i < n; i++)
		check_sel(state, t[i].expr, t[i].expect);
	ra_LTX_argus_plugin_entry()->fini(state);
}

/* ---- tests ---------------------------------------------------------------------------- */

static void test_descriptor(void **st)
{
	const struct argus_plugin *p = ra_LTX_argus_plugin_entry();
	(void)st;

	assert_int_equal(p->abi_major, ARGUS_ABI_MAJOR);
	assert_int_equal(p->abi_minor, ARGUS_ABI_MINOR);
	assert_int_equal(p->size, sizeof(struct argus_plugin));
	assert_int_equal(p->kind, ARGUS_PLUGIN_FILTER);
	assert_string_equal(p->name, "ra");
	assert_non_null(p->ops.filter->compile);
	assert_non_null(p->ops.filter->match);
	assert_non_null(p->ops.filter->free);
}

/*                                          records: 0123456789A */
static const struct sel protocols[] = {
	{"", "11111111111"},
	{"   ", "11111111111"},
	{"local", "11111111111"},
	{"man", "10000000000"},
	{"not man", "01111111111"},
	{"tcp", "01000000010"},
	{"udp", "00100100001"},
	{"icmp", "00011000000"}, /* IPv4 only, as ra 3.0.8.2 */
	{"icmp6", "00000010000"},
	{"ip", "01111110011"},
	{"ipv4", "01111000011"},
	{"ipv6", "00000110000"},
	{"arp", "00000001000"},
	{"rarp", "00000001000"},
	{"not ip", "10000001100"},
	{"proto 17", "00100100001"},
	{"proto udp", "00100100001"},
	{"proto 58", "00000010000"},
	{"proto ipv6-icmp", "00000010000"},
	{"ip proto 1", "00011000000"},
	{"ipv6 proto 17", "00000100000"},
	{"ether proto 0x88cc", "00000000100"},
	{"ether proto 0x0806", "00000001000"},
	{"ether proto ipv6", "00000110000"},
	{"local tcp", "01000000010"},
	{"TCP AND PORT 80", "01000000000"},
};

static void test_protocols(void **st)
{
	(void)st;
	run_table(protocols, sizeof protocols / sizeof protocols[0]);
}

static const struct sel precedence[] = {
	/* and/or: equal precedence, left to right */
	{"tcp or udp and port 53", "00100000000"},
	{"udp and port 53 or tcp", "01100000010"},
	{"port 80 or udp and port 53", "00100000000"},
	{"port 80 or (udp and port 53)", "01100000000"},
	{"not tcp and port 53", "00100000000"},
	{"not (tcp and port 53)", "11111111111"},
	{"!tcp && !udp || man", "10011011100"},
	{"! tcp", "10111111101"},
	{"not not tcp", "01000000010"},
	{"!!tcp", "01000000010"},
	{"((tcp))", "01000000010"},
	{"tcp || udp", "01100100011"},
	{"(udp or tcp) and not (port 53 or port 80)", "00000100011"},
};

static void test_precedence(void **st)
{
	(void)st;
	run_table(precedence, sizeof precedence / sizeof precedence[0]);
}

static const struct sel addresses[] = {
	{"host 10.0.0.1", "01101001001"},
	{"src host 10.0.0.1", "01100001001"},
	{"dst host 10.0.0.1", "00001000000"},
	{"src or dst host 10.0.0.1", "01101001001"},
	{"src and dst host 10.0.0.1", "00000000000"},
	{"host 010.000.000.001", "01101001001"},
	/* a bare value reuses the previous qualifiers */
	{"host 10.0.0.1 or 10.0.0.9", "01101001011"},
	{"src host 10.0.0.9 or 192.168.1.1", "00001000010"},
	{"not host 10.0.0.1 and 10.0.0.2", "00000000010"},
	{"src 10.0.0.9", "00000000010"},
	{"net 10.0.0.0/8", "01111001011"},
	{"net 10.0.0.0 mask 255.0.0.0", "01111001011"},
	{"net 10.0.0.0 mask 255.0.0.0 or 8.8.8.8", "01111001011"},
	{"net 10.0.0.7/24", "01111001011"},
	{"net 10.0.0.0", "00000000000"},
	{"src net 192.168.0.0/16", "00001000000"},
	{"dst net 192.168.0.0/16", "00100000000"},
	{"src and dst net 10.0.0.0/8", "01000001011"},
	{"net 2001:db8::/32", "00000100000"},
	{"dst net ff02::/16", "00000110000"},
	{"host fe80::1", "00000010000"},
	{"host fe80::1 or 2001:db8::1", "00000110000"},
	{"ipv6 and not net fe80::/10", "00000100000"},
	{"ether host 00:11:22:33:44:66", "01000000000"},
	{"ether src 00:19:2f:a7:b2:8d", "00000000100"},
	{"ether dst host 1:80:c2:0:0:e", "00000000100"},
	{"ether src 1:2:3:4:5:6 or aa:bb:cc:dd:ee:01", "00000001000"},
};

static void test_addresses(void **st)
{
	(void)st;
	run_table(addresses, sizeof addresses / sizeof addresses[0]);
}

static const struct sel ports[] = {
	{"port 53", "00100000000"},
	{"port 1-100", "01100000000"},
	{"port 5353-5400", "00100000000"},
	{"src port 40000 or 1234", "01000000010"},
	{"tcp port 443 or 80", "01000000010"},
	{"udp port 443 or 80", "00000000000"},
	{"udp and dst port 53", "00100000000"},
	{"dst port 53 or 547", "00100100000"},
	{"tcp src port 1 or dst 80", "01000000000"},
	{"port 80 or not 53", "11011111111"},
	{"port 2048", "00000000000"}, /* ICMP type/code are not ports */
	{"src port 7000 and dst port 7001", "00000000001"},
	{"src and dst port 7000-7001", "00000000001"},
	{"src port gt 1024", "01100000011"},
	{"dst port lte 53", "00100000000"},
	{"port lt 80 or gte 7001", "01100000001"},
	{"port > 65535", "00000000000"},
	{"port lt 0 or eq 443", "00000000010"},
};

static void test_ports(void **st)
{
	(void)st;
	run_table(ports, sizeof ports / sizeof ports[0]);
}

static const struct sel numbers[] = {
	{"ttl 64", "01111000001"},
	{"ttl gt 100", "01010000000"},
	{"ttl > 100", "01010000000"},
	{"ttl>100", "01010000000"},
	{"ttl gt 100 or lt 40", "01011000010"},
	{"ttl gt 64 and lt 120", "01010000000"},
	{"ttl gt 200 or 128", "01000000000"},
	{"src ttl lt 40", "00000000010"},
	{"src ttl lt 10 or gt 63", "01111000001"},
	{"dst ttl 0", "00001000010"},
	{"ttl eq 0x40", "01111000001"},
	{"tos 0x20", "00100000000"},
	{"src tos 32", "00100000000"},
	{"pkts gt 5", "01000000000"},
	{"pkts gte 5", "01000000010"},
	{"pkts >= 8", "01000000000"},
	{"src pkts 1 and dst pkts 0", "00001110000"},
	{"dst pkts 0", "00001110110"},
	{"src and dst pkts gt 1", "01000000001"},
	{"bytes gte 5000", "01000000000"},
	{"dst bytes lt 100", "00011111110"},
	{"appbytes 0", "00111111111"}, /* absent counts as 0, as in ra */
	{"appbytes gt 1000", "01000000000"},
	{"src appbytes 400", "01000000000"},
	{"dur gt 2", "01000000000"},
	{"dur lt 0.01", "00100000000"},
	{"dur = 2.5", "01000000000"},
	{"rate gt 3", "01000000000"},
	{"src rate gt 3 and dst rate lt 3", "01000000000"},
	{"load gt 10000", "01000000000"},
	{"src load gt 10000", "00000000000"},
	{"vid 100", "00100000000"},
	{"dst vpri 1", "00100000000"},
	{"src vpri 1", "00000000000"},
	{"seq gt 8", "00000000011"},
	{"trans 1", "01111111111"},
	{"srcid 192.0.2.1", "01111111110"},
	{"srcid 0xc0000201", "01111111110"},
	{"srcid 42", "00000000001"},
	/* fields the host registered (a plugin's) */
	{"xfoo 7", "00000000001"},
	{"xfoo gt 100", "00000000000"},
	{"src xbar 5 and dst xbar 1", "00000000001"},
	{"src or dst xbar 1", "00000000001"},
	{"xstate con", "00000000001"},
	{"sttl 32", "00000000010"},
};

static void test_numbers(void **st)
{
	(void)st;
	run_table(numbers, sizeof numbers / sizeof numbers[0]);
}

static const struct sel states[] = {
	{"syn", "01000000000"},
	{"synack and fin and finack", "01000000000"},
	{"normal or wait", "00000000000"},
	{"reset", "00000000010"},
	{"src reset", "00000000010"},
	{"dst reset", "00000000000"},
	{"retrans", "00000000010"},
	{"dst retrans", "00000000000"},
	{"frag", "00000000010"},
	{"src frag", "00000000010"},
	{"dst frag", "00000000000"},
	{"est", "01110000001"},
	{"con", "01110000001"},
	{"timeout", "00000000010"},
	{"echo", "00010000000"},
	{"unreach", "00001000001"},
	{"redirect or timexed", "00000000000"},
	{"multipath", "00000000001"},
	{"fragonly", "00000000000"},
	{"mss", "01000000000"},
	{"tcptimestamp and not selack", "01000000000"},
	{"tcp and not syn", "00000000010"},
};

static void test_states(void **st)
{
	(void)st;
	run_table(states, sizeof states / sizeof states[0]);
}

/* Sections ra reads as 0 when absent, encapsulations, address classes. */
static const struct sel sections[] = {
	{"vid 0", "01011111111"}, /* no VLAN tag reads as VLAN 0, as in ra */
	{"src vid 0 or dst vid 0", "01011111111"},
	{"vid gt 0", "00100000000"},
	{"vpri 0", "01111111111"},
	{"dst vpri 1", "00100000000"},
	{"vlan", "00100000000"},
	{"not vlan", "11011111111"},
	{"mpls", "00000000001"},
	{"mid 100", "00000000001"},
	{"src mid 100", "00000000001"},
	{"dst mid 100", "00000000000"},
	{"mid 0", "01111111111"}, /* rec 10 has no destination label */
	{"src mid 0", "01111111110"},
	{"mid gt 50", "00000000001"},
	{"loss gt 0", "00000000010"},
	{"src loss 1", "00000000010"},
	{"dst loss 0", "01111111111"},
	{"ploss gt 10", "00000000010"},
	{"ploss lt 20 and ploss gt 16", "00000000010"},
	{"encaps eth", "01101000100"},
	{"encaps 802q", "00100000000"},
	{"src encaps llc", "00000000100"},
	{"dst encaps llc", "00000000000"},
	{"src and dst encaps eth", "01101000000"},
	{"encaps llc or 802q", "00100000100"},
	{"not encaps eth", "10010111011"},
	{"ENCAPS ETH", "01101000100"},
	{"ether broadcast", "00001000000"},
	{"ether multicast", "00001000100"},
	{"multicast", "00010000000"},
	{"ip multicast", "00010000000"},
	{"ipv4 multicast", "00010000000"},
	{"ipv6 multicast", "00000110000"},
	{"broadcast", "00000000000"},
	{"ip broadcast or udp", "00100100001"},
	{"tcpopt", "01000000000"},
	{"tcp and not tcpopt", "00000000010"},
};

static void test_sections(void **st)
{
	void *state, *prog = NULL;
	char err[256];
	struct argus_record r = recs[2];
	(void)st;

	run_table(sections, sizeof sections / sizeof sections[0]);
	/* a limited broadcast: IPv4 only, either side */
	state = state_with(&fake_host);
	memset(r.key.daddr, 0xff, 4);
	assert_int_equal(ops()->compile(state, "broadcast", &prog, err, sizeof err), ARGUS_OK);
	assert_true(ops()->match(prog, &r));
	r.key.family = ARGUS_KEY_ARP;
	assert_false(ops()->match(prog, &r));
	ops()->free(prog);
	ra_LTX_argus_plugin_entry()->fini(state);
}

static const struct sel errors[] = {
	{"tcp and hots 10.0.0.1", "column 9: unknown keyword 'hots'"},
	{"hots", "column 1: unknown keyword 'hots'"},
	{"tcp hots", "column 5: unknown keyword 'hots'"},
	{"ttl gt", "column 7: expected a number after 'gt', found end of expression"},
	{"ttl gt x", "column 8: expected a number after 'gt', found 'x'"},
	{"ttl gt 5 and lt", "column 16: expected a number after 'lt', found end of expression"},
	{"(tcp", "column 1: unbalanced parenthesis: '(' is not closed"},
	{"(tcp or (udp)", "column 1: unbalanced parenthesis: '(' is not closed"},
	{"tcp)", "column 4: unbalanced parenthesis: ')' without '('"},
	{"()", "column 2: expected an expression after '(', found ')'"},
	{"tcp and", "column 8: expected an expression after 'and', found end of expression"},
	{"tcp and not", "column 12: expected an expression after 'not', found end of expression"},
	{"or tcp", "column 1: expected an expression, found 'or'"},
	{"tcp udp", "column 5: expected 'and' or 'or' before 'udp'"},
	{"host 10.0.0.256", "column 6: '10.0.0.256' is not an IPv4 or IPv6 address"},
	{"host 3232235787", "column 6: '3232235787' is not an IPv4 or IPv6 address"},
	{"host 10.0.0.0/8",
	 "column 6: '10.0.0.0/8': a host is one address; use 'net' for a prefix"},
	{"net 10.0.0.0/33", "column 5: '10.0.0.0/33': prefix length longer than the address"},
	{"net 10.0.0.0 mask 255.0", "column 19: expected an IPv4 mask after 'mask', found '255.0'"},
	{"port 70000", "column 6: '70000' is not a port number (0-65535) or range"},
	{"port 90-80", "column 6: port range '90-80' is empty"},
	{"port gt x", "column 9: expected a port number after 'gt', found 'x'"},
	{"proto 256", "column 7: protocol number '256' is out of range (0-255)"},
	{"tcp or 53", "column 8: '53' needs a keyword such as 'host' or 'port' before it"},
	{"gt 5", "column 1: comparison 'gt' needs a field such as 'ttl' or 'bytes' before it"},
	{"ether host 1:2:3", "column 12: '1:2:3' is not a MAC address"},
	{"tcp # udp", "column 5: unexpected character '#'"},
	{"tcp & udp", "column 5: unexpected character '&'"},
	{"src", "column 4: expected host, net, port or a field after the direction, "
		"found end of expression"},
	{"xstate gt a", "column 8: 'xstate' can only be compared for equality"},
	{"ttl 5 and src dur 3", "column 15: 'dur' takes no src/dst qualifier"},
	{"src nosuch 3", "column 5: 'nosuch' is not an IPv4 or IPv6 address"},
	{"mask 255.0.0.0", "column 1: 'mask' without 'net' before it"},
	{"tcp and local", "column 9: 'local' is only allowed at the start"},
	/* issue 5's list */
	{"port", "column 5: expected a value after 'port', found end of expression"},
	{"((tcp)", "column 1: unbalanced parenthesis: '(' is not closed"},
	{"bytes gt", "column 9: expected a number after 'gt', found end of expression"},
	{"host 300.1.2.3", "column 6: '300.1.2.3' is not an IPv4 or IPv6 address"},
	{"src src port 80",
	 "column 5: expected host, net, port or a field after the direction, found 'src'"},
	{"encaps", "column 7: expected a value after 'encaps', found end of expression"},
	{"encaps foo", "column 8: unknown encapsulation 'foo' (eth, 802q, llc, mpls, gre, ...)"},
	{"ipv6 broadcast", "column 6: IPv6 has no broadcast address; try 'ipv6 multicast'"},
	{"tcp multicast", "column 5: 'multicast' after 'tcp': only ip, ipv4 and ipv6 go there"},
	{"ether bogus", "column 7: expected host, src, dst, proto, broadcast or multicast after "
			"'ether', found 'bogus'"},
	{"src multicast", "column 5: expected host, net, port or a field after the direction, "
			  "found 'multicast'"},
};

static void test_errors(void **st)
{
	void *state = state_with(&fake_host);
	(void)st;

	for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++)
		check_err(state, errors[i].expr, errors[i].expect);
	ra_LTX_argus_plugin_entry()->fini(state);
}

static char *repeat(const char *prefix, const char *unit, size_t n, const char *middle,
		    const char *unit2, size_t n2)
{
	size_t len = strlen(prefix) + strlen(unit) * n + strlen(middle) + strlen(unit2) * n2 + 1;
	char *s = malloc(len), *p = s;

	assert_non_null(s);
	p += sprintf(p, "%s", prefix);
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "%s", unit);
	p += sprintf(p, "%s", middle);
	for (size_t i = 0; i < n2; i++)
		p += sprintf(p, "%s", unit2);
	return s;
}

static void test_limits(void **st)
{
	void *state = state_with(&fake_host);
	char *s;
	(void)st;

	/* 100k characters: refused, not parsed */
	s = repeat("", "tcp or ", 100000 / 7, "udp", "", 0);
	check_err(state, s, "column 65537: expression longer than 65536 characters");
	free(s);
	/* just under the limit: a long chain compiles and runs */
	s = repeat("", "tcp or ", 9000, "udp", "", 0);
	assert_true(strlen(s) <= 65536);
	check_sel(state, s, "01100100011");
	free(s);
	s = repeat("", "not tcp and ", 5000, "port 53", "", 0);
	check_sel(state, s, "00100000000");
	free(s);
	/* nesting: 63 parentheses are fine, deeper is an error */
	s = repeat("", "(", 63, "tcp", ")", 63);
	check_sel(state, s, "01000000010");
	free(s);
	s = repeat("", "(", 64, "tcp", ")", 64);
	check_err(state, s, "column 65: expression nested deeper than 64 levels");
	free(s);
	s = repeat("", "(", 100000 / 2, "tcp", ")", 100000 / 2);
	check_err(state, s, "column 65537: expression longer than 65536 characters");
	free(s);
	s = repeat("", "(", 30000, "tcp", ")", 30000);
	check_err(state, s, "column 65: expression nested deeper than 64 levels");
	free(s);
	s = repeat("", "not ", 100, "tcp", "", 0);
	check_err(state, s, "column 257: expression nested deeper than 64 levels");
	free(s);
	s = repeat("", "!", 1000, "tcp", "", 0);
	check_err(state, s, "column 65: expression nested deeper than 64 levels");
	free(s);
	/* a long word is shortened in the message */
	s = repeat("host ", "1", 200, "", "", 0);
	{
		void *prog = NULL;
		char err[128];
		assert_int_equal(ops()->compile(state, s, &prog, err, sizeof err), ARGUS_EINVAL);
		assert_non_null(strstr(err, "column 6: '11111"));
		assert_non_null(strstr(err, "...'"));
	}
	free(s);
	ra_LTX_argus_plugin_entry()->fini(state);
}

/* Field look-ups happen while compiling, never while matching. */
static void test_lookup_at_compile(void **st)
{
	void *state = state_with(&fake_host);
	void *prog = NULL;
	char err[256];
	unsigned before;
	int n = 0;
	(void)st;

	assert_int_equal(ops()->compile(state, "xfoo gt 1 or ttl 64 or pkts gt 3 or src xbar 5",
					&prog, err, sizeof err),
			 ARGUS_OK);
	before = find_calls;
	for (int k = 0; k < 1000; k++)
		for (int i = 0; i < NREC; i++)
			n += ops()->match(prog, &recs[i]);
	assert_int_equal(find_calls, before);
	assert_int_equal(n, 1000 * 6);
	ops()->free(prog);
	ra_LTX_argus_plugin_entry()->fini(state);
}

/* match() allocates nothing: every kind of primitive, compiled first, then
 * run over every record many times under the counting allocator. */
static void test_match_allocates_nothing(void **st)
{
	static const char *const exprs[] = {
		"man", "tcp", "ipv6 proto 17", "icmp", "arp", "ether proto 0x88cc",
		"host 10.0.0.1", "net fe80::/10", "src and dst net 10.0.0.0/8", "port 53",
		"tcp port 443 or 80", "port domain", "src port gt 1024", "ether host 0:11:22:33:44:66",
		"ether broadcast", "ether multicast", "multicast", "ipv6 multicast", "broadcast",
		"srcid 42", "srcid 192.0.2.1", "ttl gt 3", "dst ttl 0", "tos 0x20", "pkts gte 5",
		"bytes lt 100", "appbytes 0", "rate gt 3", "load gt 10", "dur lt 0.01", "seq gt 8",
		"trans 1", "vid 0", "vpri 1", "mid 100", "loss gt 0", "ploss gt 1", "vlan", "mpls",
		"encaps eth", "src encaps llc", "syn", "synack", "fin", "normal", "ecn", "reset",
		"dst reset", "retrans", "frag", "fragonly", "multipath", "est", "con", "timeout",
		"echo", "unreach", "redirect", "tcpopt", "mss", "xfoo 7", "src xbar 5",
		"xstate con", "sttl 32", "not (tcp or udp) and !icmp",
	};
	enum { N = sizeof exprs / sizeof exprs[0] };
	void *prog[N];
	void *state;
	char err[256];
	unsigned long before;
	unsigned hits = 0;
	(void)st;

	if (!__real_malloc || !__real_calloc || !__real_realloc || !__real_free) {
		/* not linked with --wrap (cmocka's skip() reads as a failure in TAP) */
		printf("# counting allocator not linked in: allocation check not run\n");
		return;
	}
	state = state_with(&fake_host);
	before = n_allocs;
	for (size_t k = 0; k < N; k++) {
		if (ops()->compile(state, exprs[k], &prog[k], err, sizeof err) != ARGUS_OK) {
			print_error("'%s': %s\n", exprs[k], err);
			fail();
		}
	}
	assert_true(n_allocs > before); /* the counter sees the plugin's allocations */
	before = n_allocs;
	for (int round = 0; round < 200; round++)
		for (size_t k = 0; k < N; k++)
			for (int i = 0; i < NREC; i++)
				hits += (unsigned)ops()->match(prog[k], &recs[i]);
	assert_int_equal(n_allocs, before);
	assert_true(hits > 0);
	for (size_t k = 0; k < N; k++)
		ops()->free(prog[k]);
	ra_LTX_argus_plugin_entry()->fini(state);
}

/* A host without a field table (or an older, smaller one): the filter's own
 * fields still serve the ra keywords. */
static void test_no_field_table(void **st)
{
	struct argus_host small = fake_host;
	void *state;
	(void)st;

	small.size = (uint32_t)offsetof(struct argus_host, field_register);
	state = state_with(&small);
	check_sel(state, "ttl 64", "01111000001");
	check_sel(state, "dst ttl 0", "00001000010");
	check_sel(state, "pkts gt 5 or dur lt 0.01", "01100000000");
	check_err(state, "xfoo 7", "column 1: unknown keyword 'xfoo'");
	ra_LTX_argus_plugin_entry()->fini(state);

	state = state_with(NULL);
	check_sel(state, "udp and port 53", "00100000000");
	ra_LTX_argus_plugin_entry()->fini(state);
}

/* Random token soup: every input compiles or fails with a column; nothing
 * crashes (run under the sanitizers). */
static void test_fuzz(void **st)
{
	static const char *const words[] = {
		"tcp",     "udp",    "icmp",  "ip",       "ipv6",       "arp",  "man",
		"not",     "!",      "and",   "or",       "&&",         "||",   "(",
		")",       "host",   "net",   "port",     "proto",      "src",  "dst",
		"ether",   "ttl",    "pkts",  "bytes",    "gt",         "lte",  "eq",
		">",       "<=",     "=",     "10.0.0.1", "10.0.0.0/8", "mask", "255.0.0.0",
		"fe80::1", "53",     "1-100", "syn",      "reset",      "frag", "echo",
		"xfoo",    "xstate", "srcid", "0x10",     "-1",         "2.5",  "aa:bb:cc:dd:ee:01",
		"domain",  "local",  "dur",   "vid",      "#",          "&",    "|",
		"",        "1.2.3",  "x",
	};
	void *state = state_with(&fake_host);
	uint32_t seed = 12345;
	char expr[512];
	(void)st;

	for (int iter = 0; iter < 20000; iter++) {
		size_t len = 0;
		int n;
		void *prog = NULL;
		char err[256] = "";
		int rc;

		seed = seed * 1103515245u + 12345u;
		n = (int)(seed >> 16) % 12 + 1;
		expr[0] = '\0';
		for (int k = 0; k < n; k++) {
			const char *w;
			seed = seed * 1103515245u + 12345u;
			w = words[(seed >> 16) % (sizeof words / sizeof words[0])];
			len += (size_t)snprintf(expr + len, sizeof expr - len, "%s%s", k ? " " : "",
						w);
		}
		rc = ops()->compile(state, expr, &prog, err, sizeof err);
		if (rc == ARGUS_OK) {
			assert_non_null(prog);
			for (int i = 0; i < NREC; i++)
				(void)ops()->match(prog, &recs[i]);
			ops()->free(prog);
		} else {
			if (rc != ARGUS_EINVAL || strncmp(err, "column ", 7)) {
				print_error("'%s': rc %d \"%s\"\n", expr, rc, err);
				fail();
			}
			assert_null(prog);
		}
	}
	ra_LTX_argus_plugin_entry()->fini(state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_descriptor),     cmocka_unit_test(test_protocols),
		cmocka_unit_test(test_precedence),     cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_ports),          cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_states),         cmocka_unit_test(test_errors),
		cmocka_unit_test(test_limits),         cmocka_unit_test(test_lookup_at_compile),
		cmocka_unit_test(test_no_field_table), cmocka_unit_test(test_fuzz),
		cmocka_unit_test(test_sections),       cmocka_unit_test(test_match_allocates_nothing),
	};
	return cmocka_run_group_tests(tests, setup_records, NULL);
}
