/* The field table: look-up, registration, -s parsing, and the values and
 * text forms of the built-in fields.  Expected ra texts come from Argus
 * 3.0.8.2's ra run on hand-made records (shared/golden/handmade) and on the
 * golden captures. */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include <argus/plugin.h>

#include "core/fieldtab.h"

/* ---- helpers --------------------------------------------------------------- */

static void ip4(uint8_t *dst, unsigned a, unsigned b, unsigned c, unsigned d)
{
	dst[0] = (uint8_t)a;
	dst[1] = (uint8_t)b;
	dst[2] = (uint8_t)c;
	dst[3] = (uint8_t)d;
}

static void set_srcid(struct argus_record *r)
{
	r->present |= ARGUS_HAS_TRANSPORT;
	r->srcid.type = ARGUS_SRCID_IPV4;
	r->srcid.len = 4;
	ip4(r->srcid.value, 192, 0, 2, 1);
	r->seq = 1;
}

/* A flow between 10.0.0.1 and 10.0.0.2, times 1600000000.25 .. +2.5 s. */
static void flow(struct argus_record *r, uint8_t proto, uint16_t sport, uint16_t dport,
		 uint64_t spkts, uint64_t sbytes, uint64_t dpkts, uint64_t dbytes)
{
	memset(r, 0, sizeof *r);
	r->kind = ARGUS_RECORD_FLOW;
	r->cause = ARGUS_CAUSE_STOP;
	r->trans = 1;
	set_srcid(r);
	r->present |= ARGUS_HAS_FLOW | ARGUS_HAS_TIME | ARGUS_HAS_METRIC;
	r->key.family = ARGUS_KEY_IPV4;
	r->key.proto = proto;
	r->key.sport = sport;
	r->key.dport = dport;
	ip4(r->key.saddr, 10, 0, 0, 1);
	ip4(r->key.daddr, 10, 0, 0, 2);
	r->stime_us = 1600000000250000;
	r->ltime_us = 1600000002750000;
	r->spkts = spkts;
	r->sbytes = sbytes;
	r->dpkts = dpkts;
	r->dbytes = dbytes;
}

static void tcp_status(struct argus_record *r, uint32_t status)
{
	r->present |= ARGUS_HAS_TCP | ARGUS_HAS_NET;
	r->tcp.status = status;
}

static char text_buf[256];

static const char *fmt(const char *name, const struct argus_record *r, enum argus_format_style st)
{
	const struct argus_field *f = argus_field_find(name);
	struct argus_value v;

	assert_non_null(f);
	memset(&v, 0xa5, sizeof v); /* getters must not rely on a zeroed value */
	if (!f->get(r, &v)) {
		assert_int_equal(v.type, ARGUS_VALUE_NONE);
		text_buf[0] = '\0';
		return text_buf;
	}
	assert_int_not_equal(v.type, ARGUS_VALUE_NONE);
	argus_field_format(f, &v, st, text_buf, sizeof text_buf);
	return text_buf;
}

static const char *ra(const char *name, const struct argus_record *r)
{
	return fmt(name, r, ARGUS_FORMAT_TEXT_UNIX);
}

static const char *csv(const char *name, const struct argus_record *r)
{
	return fmt(name, r, ARGUS_FORMAT_CSV);
}

static int present(const char *name, const struct argus_record *r)
{
	struct argus_value v;
	return argus_field_find(name)->get(r, &v);
}

static int setup_utc(void **st)
{
	(void)st;
	setenv("TZ", "UTC", 1);
	tzset();
	return 0;
}

/* ---- the table --------------------------------------------------------------- */

static void test_table(void **st)
{
	static const char *const names[] = {
		"srcid",     "seq",	"stime",  "ltime",  "dur",	"proto",   "saddr",
		"sport",     "dir",	"daddr",  "dport",  "smac",	"dmac",    "stos",
		"dtos",	     "sttl",	"dttl",	  "sipid",  "dipid",	"svid",	   "dvid",
		"svpri",     "dvpri",	"svlan",  "dvlan",  "pkts",	"spkts",   "dpkts",
		"bytes",     "sbytes",	"dbytes", "appbytes", "sappbytes", "dappbytes", "load",
		"sload",     "dload",	"rate",	  "srate",  "drate",	"state",   "flgs",
		"swin",	     "dwin",	"stcpb",  "dtcpb",  "tcprtt",	"synack",  "ackdat",
		"tcpopt",    "smeansz", "dmeansz", "trans", "cause",	"sretrans", "dretrans",
		"retrans",   "runtime", "mean",	  "stddev", "sum",	"min",	   "max",
		"sdsb",	     "ddsb",	"shops",  "dhops",
		"sintpkt",   "dintpkt", "sintpktact", "dintpktact", "sintpktidl", "dintpktidl",
		"sjit",	     "djit",	"sjitact", "djitact", "sjitidl", "djitidl",
		"smaxsz",    "dmaxsz",	"sminsz", "dminsz", "smpls",	"dmpls",   "suser",
		"duser",
	};
	size_t i, j, n = argus_field_count();
	(void)st;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		const struct argus_field *f = argus_field_find(names[i]);

		assert_non_null(f);
		assert_string_equal(f->name, names[i]);
	}
	assert_null(argus_field_find("nosuchfield"));
	assert_null(argus_field_find(NULL));
	assert_null(argus_field_at(n));
	for (i = 0; i < n; i++) {
		const struct argus_field *f = argus_field_at(i);

		assert_non_null(f);
		assert_non_null(f->label);
		assert_non_null(f->get);
		assert_non_null(f->description);
		assert_true(f->width > 0);
		assert_ptr_equal(argus_field_find(f->name), f);
		for (j = 0; j < i; j++)
			assert_string_not_equal(argus_field_at(j)->name, f->name);
	}
	/* ra's labels */
	assert_string_equal(argus_field_find("stime")->label, "StartTime");
	assert_string_equal(argus_field_find("sretrans")->label, "SrcRetra");
	assert_string_equal(argus_field_find("appbytes")->label, "TotAppByte");
	assert_int_equal(argus_default_field_count, 11);
	assert_string_equal(argus_default_field_names[0], "stime");
	assert_string_equal(argus_default_field_names[10], "state");
}

static int get_const(const struct argus_record *r, struct argus_value *v)
{
	(void)r;
	v->type = ARGUS_VALUE_UINT;
	v->v.u = 42;
	v->s[0] = '\0';
	return 1;
}

static void test_register(void **st)
{
	static const struct argus_field good = {"x_plugin_field", "XPlug", ARGUS_VALUE_UINT, 6, 0,
						get_const, "test"};
	static const struct argus_field dup_builtin = {"saddr", "S", ARGUS_VALUE_UINT, 6, 0,
						       get_const, "dup"};
	static const char *const bad_names[] = {"Upper", "1abc", "a-b", "", "_x", "a b",
						"abcdefghijabcdefghijabcdefghijabc"};
	static struct argus_field many[300];
	static char many_names[300][16];
	struct argus_field bad = good;
	size_t base = argus_field_count(), i;
	char err[256];
	int rc = 0;
	(void)st;

	argus_fields_reset();
	assert_int_equal(argus_field_register(&good, err, sizeof err), 0);
	assert_int_equal(argus_field_count(), base + 1);
	assert_ptr_equal(argus_field_find("x_plugin_field"), &good);
	assert_ptr_equal(argus_field_at(base), &good);

	assert_int_equal(argus_field_register(&good, err, sizeof err), ARGUS_EINVAL);
	assert_non_null(strstr(err, "already exists"));
	assert_int_equal(argus_field_register(&dup_builtin, err, sizeof err), ARGUS_EINVAL);
	for (i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++) {
		bad.name = bad_names[i];
		assert_int_equal(argus_field_register(&bad, err, sizeof err), ARGUS_EINVAL);
		assert_non_null(strstr(err, "bad field name"));
	}
	bad.name = NULL;
	assert_int_equal(argus_field_register(&bad, err, sizeof err), ARGUS_EINVAL);
	bad.name = "no_getter";
	bad.get = NULL;
	assert_int_equal(argus_field_register(&bad, err, sizeof err), ARGUS_EINVAL);
	assert_int_equal(argus_field_register(NULL, err, sizeof err), ARGUS_EINVAL);

	/* registered fields work in -s lists */
	{
		const char *w[] = {"stime,x_plugin_field"};
		const struct argus_field **out;
		size_t n;

		assert_int_equal(argus_fields_parse(w, 1, &out, &n, err, sizeof err), 0);
		assert_int_equal(n, 2);
		assert_ptr_equal(out[1], &good);
		free(out);
	}

	/* the table is bounded */
	for (i = 0; i < 300 && rc == 0; i++) {
		snprintf(many_names[i], sizeof many_names[i], "many_%zu", i);
		many[i] = good;
		many[i].name = many_names[i];
		rc = argus_field_register(&many[i], err, sizeof err);
	}
	assert_int_equal(rc, ARGUS_EINVAL);
	assert_non_null(strstr(err, "table full"));
	assert_true(i < 300);

	argus_fields_reset();
	assert_int_equal(argus_field_count(), base);
	assert_null(argus_field_find("x_plugin_field"));
}

/* ---- -s ------------------------------------------------------------------------ */

static void expect_list(const char *const *words, size_t nwords, const char *expect)
{
	const struct argus_field **out = NULL;
	size_t n = 0, i;
	char err[256] = "", got[1024] = "";

	assert_int_equal(argus_fields_parse(words, nwords, &out, &n, err, sizeof err), 0);
	for (i = 0; i < n; i++) {
		if (i)
			strcat(got, " ");
		strcat(got, out[i]->name);
	}
	assert_string_equal(got, expect);
	free(out);
}

static void expect_error(const char *const *words, size_t nwords, const char *msg)
{
	const struct argus_field **out = (const struct argus_field **)1;
	size_t n = 99;
	char err[256] = "";

	assert_int_equal(argus_fields_parse(words, nwords, &out, &n, err, sizeof err), ARGUS_EINVAL);
	assert_string_equal(err, msg);
	assert_null(out);
	assert_int_equal(n, 0);
}

static void test_parse(void **st)
{
	const char *const deflt = "stime flgs proto saddr sport dir daddr dport pkts bytes state";
	const char *w1[] = {"stime,saddr,daddr"};
	const char *w2[] = {"stime", "saddr", "daddr"};
	const char *w3[] = {"+load"};
	const char *w4[] = {"-flgs", "-state"};
	const char *w5[] = {"+dur,-proto", "+stime"};
	const char *w6[] = {"stime:20", "saddr:15,dport"};
	const char *w7[] = {"stime,foo"};
	const char *w8[] = {"-stime,-flgs,-proto,-saddr,-sport,-dir,-daddr,-dport,-pkts,-bytes,-state"};
	const char *w9[] = {"dur:x"};
	const char *w10[] = {"stime, saddr", "", " daddr "};
	const char *w11[] = {"-nosuch"};
	(void)st;

	expect_list(NULL, 0, deflt);
	expect_list(w1, 1, "stime saddr daddr");
	expect_list(w2, 3, "stime saddr daddr");
	expect_list(w3, 1, "stime flgs proto saddr sport dir daddr dport pkts bytes state load");
	expect_list(w4, 2, "stime proto saddr sport dir daddr dport pkts bytes");
	expect_list(w5, 2, "stime flgs saddr sport dir daddr dport pkts bytes state dur");
	expect_list(w6, 2, "stime saddr dport");
	expect_list(w10, 3, "stime saddr daddr");
	expect_error(w7, 1, "unknown field 'foo'");
	expect_error(w8, 1, "no fields left to print");
	expect_error(w9, 1, "bad width in 'dur:x'");
	expect_error(w11, 1, "unknown field 'nosuch'");
}

/* ---- values ----------------------------------------------------------------------- */

/* dns_tcp.argus: the one TCP flow (ra -n -u -c , and fields.md) */
static void dns_tcp(struct argus_record *r)
{
	flow(r, 6, 33779, 53, 6, 402, 5, 520);
	r->cause = ARGUS_CAUSE_START;
	ip4(r->key.saddr, 192, 168, 1, 11);
	ip4(r->key.daddr, 209, 87, 249, 18);
	r->stime_us = 1591780863720289;
	r->ltime_us = 1591780864101256;
	tcp_status(r, 0x1f);
	r->tcp.options = 0x04700000;
	r->tcp.synack_us = 126619;
	r->tcp.ackdat_us = 152;
	r->tcp.have_dst = 1;
	r->tcp.src.seqbase = 603899916;
	r->tcp.src.win = 64014;
	r->tcp.src.winshift = 7;
	r->tcp.dst.seqbase = 2043824403;
	r->tcp.dst.win = 64239;
	r->present |= ARGUS_HAS_IPATTR | ARGUS_HAS_MAC | ARGUS_HAS_ENCAPS;
	r->sattr = (struct argus_ipattr){.ttl = 64, .tos = 0, .ipid = 0, .valid = 1};
	r->dattr = (struct argus_ipattr){.ttl = 128, .tos = 0, .ipid = 0x3200, .valid = 1};
	memcpy(r->smac, "\x00\x11\x22\x33\x44\x55", 6);
	memcpy(r->dmac, "\x00\x11\x22\x33\x44\x66", 6);
	r->sencaps = r->dencaps = ARGUS_ENCAPS_ETHER;
}

static void test_dns_tcp(void **st)
{
	struct argus_record r;
	(void)st;

	dns_tcp(&r);
	/* the values fields.md lists */
	assert_string_equal(ra("srcid", &r), "192.0.2.1");
	assert_string_equal(ra("seq", &r), "1");
	assert_string_equal(fmt("stime", &r, ARGUS_FORMAT_TEXT), "09:21:03.720289");
	assert_string_equal(fmt("ltime", &r, ARGUS_FORMAT_TEXT), "09:21:04.101256");
	assert_string_equal(ra("stime", &r), "1591780863.720289");
	assert_string_equal(ra("dur", &r), "0.380967");
	assert_string_equal(ra("runtime", &r), "0.380967");
	assert_string_equal(ra("mean", &r), "0.380967");
	assert_string_equal(ra("stddev", &r), "0.000000");
	assert_string_equal(ra("trans", &r), "1");
	assert_string_equal(ra("cause", &r), "Start");
	assert_string_equal(ra("saddr", &r), "192.168.1.11");
	assert_string_equal(ra("daddr", &r), "209.87.249.18");
	assert_string_equal(ra("proto", &r), "tcp");
	assert_string_equal(ra("sport", &r), "33779");
	assert_string_equal(ra("dport", &r), "53");
	assert_string_equal(ra("dir", &r), "   ->");
	assert_string_equal(ra("smac", &r), "00:11:22:33:44:55");
	assert_string_equal(ra("dmac", &r), "00:11:22:33:44:66");
	assert_string_equal(ra("stos", &r), "0");
	assert_string_equal(ra("sdsb", &r), "cs0");
	assert_string_equal(ra("sttl", &r), "64");
	assert_string_equal(ra("dttl", &r), "128");
	assert_string_equal(ra("shops", &r), "0");
	assert_string_equal(ra("dhops", &r), "0");
	assert_string_equal(ra("sipid", &r), "0x0000");
	assert_string_equal(ra("dipid", &r), "0x3200");
	assert_string_equal(ra("svlan", &r), "");
	assert_string_equal(ra("svid", &r), "");
	assert_string_equal(ra("pkts", &r), "11");
	assert_string_equal(ra("spkts", &r), "6");
	assert_string_equal(ra("dpkts", &r), "5");
	assert_string_equal(ra("bytes", &r), "922");
	assert_string_equal(ra("sbytes", &r), "402");
	assert_string_equal(ra("dbytes", &r), "520");
	assert_string_equal(ra("load", &r), "15770.395508");
	assert_string_equal(ra("sload", &r), "7034.729980");
	assert_string_equal(ra("dload", &r), "8735.665039");
	assert_string_equal(ra("rate", &r), "26.248993");
	assert_string_equal(ra("srate", &r), "13.124496");
	assert_string_equal(ra("drate", &r), "10.499598");
	assert_string_equal(ra("swin", &r), "8193792");
	assert_string_equal(ra("dwin", &r), "64239");
	assert_string_equal(ra("stcpb", &r), "603899916");
	assert_string_equal(ra("dtcpb", &r), "2043824403");
	assert_string_equal(ra("tcprtt", &r), "0.126771");
	assert_string_equal(ra("synack", &r), "0.126619");
	assert_string_equal(ra("ackdat", &r), "0.000152");
	assert_string_equal(ra("tcpopt", &r), "Mws   T");
	assert_string_equal(ra("smeansz", &r), "67.000000");
	assert_string_equal(ra("dmeansz", &r), "104.000000");
	assert_string_equal(ra("state", &r), "FIN");
	assert_string_equal(ra("flgs", &r), " e        ");
	assert_string_equal(ra("retrans", &r), "0");

	/* the clean forms */
	assert_string_equal(csv("stime", &r), "2020-06-10T09:21:03.720289Z");
	assert_string_equal(csv("dur", &r), "0.380967");
	assert_string_equal(csv("dir", &r), "->");
	assert_string_equal(csv("flgs", &r), "e");
	assert_string_equal(csv("dipid", &r), "12800");
	assert_string_equal(csv("load", &r), "15770.394811");
	assert_string_equal(csv("tcpopt", &r), "Mws   T");
}

static void test_times(void **st)
{
	struct argus_record r;
	(void)st;

	flow(&r, 17, 1, 2, 3, 60, 2, 60);
	/* ra computes durations in single precision; CSV is exact */
	r.stime_us = 1600000000111111;
	r.ltime_us = 1600012345789012;
	assert_string_equal(ra("dur", &r), "12345.677734");
	assert_string_equal(csv("dur", &r), "12345.677901");
	r.ltime_us = 1600000300222222;
	assert_string_equal(ra("dur", &r), "300.111115");
	assert_string_equal(fmt("stime", &r, ARGUS_FORMAT_TEXT), "12:26:40.111111");
	assert_string_equal(csv("ltime", &r), "2020-09-13T12:31:40.222222Z");
	/* before the epoch and in leap years */
	r.stime_us = -1500000;
	assert_string_equal(csv("stime", &r), "1969-12-31T23:59:58.500000Z");
	assert_string_equal(ra("stime", &r), "-1.500000");
	r.stime_us = 951782400000001; /* 2000-02-29 */
	assert_string_equal(csv("stime", &r), "2000-02-29T00:00:00.000001Z");
	r.stime_us = 4107542399999999; /* 2100-02-28T23:59:59.999999 */
	assert_string_equal(csv("stime", &r), "2100-02-28T23:59:59.999999Z");
	r.present &= ~ARGUS_HAS_TIME;
	assert_false(present("stime", &r));
	assert_false(present("dur", &r));
	assert_string_equal(csv("ltime", &r), "");
}

static const char *tcp_state_of(uint32_t status, uint8_t cause, uint64_t sp, uint64_t dp)
{
	static struct argus_record r;

	flow(&r, 6, 40000, 1234, sp, sp * 60, dp, dp * 60);
	tcp_status(&r, status);
	r.cause = cause;
	return ra("state", &r);
}

static void test_tcp_state(void **st)
{
	struct argus_record r;
	(void)st;

	assert_string_equal(tcp_state_of(0x3f, ARGUS_CAUSE_STOP, 10, 8), "FIN");
	assert_string_equal(tcp_state_of(0x1007, ARGUS_CAUSE_STOP, 10, 8), "RST");
	assert_string_equal(tcp_state_of(0x100f, ARGUS_CAUSE_STOP, 10, 8), "RST");
	assert_string_equal(tcp_state_of(0x1, ARGUS_CAUSE_START, 1, 0), "REQ");
	assert_string_equal(tcp_state_of(0x3, ARGUS_CAUSE_START, 1, 1), "ACC");
	assert_string_equal(tcp_state_of(0x7, ARGUS_CAUSE_STATUS, 10, 8), "CON");
	assert_string_equal(tcp_state_of(0x20, ARGUS_CAUSE_START, 10, 8), "CLO");
	assert_string_equal(tcp_state_of(0x7, ARGUS_CAUSE_TIMEOUT, 10, 8), "TIM");
	assert_string_equal(tcp_state_of(0x7, ARGUS_CAUSE_SHUTDOWN, 10, 8), "TIM");
	assert_string_equal(tcp_state_of(0x3f, ARGUS_CAUSE_TIMEOUT, 10, 8), "FIN");
	assert_string_equal(tcp_state_of(0x0, ARGUS_CAUSE_TIMEOUT, 1, 0), "INT");
	assert_string_equal(tcp_state_of(0x0, ARGUS_CAUSE_START, 10, 8), "CON");
	assert_string_equal(tcp_state_of(0x0, ARGUS_CAUSE_START, 0, 1), "INT");
	assert_string_equal(tcp_state_of(0x4, ARGUS_CAUSE_START, 1, 0), "CON");
	assert_string_equal(tcp_state_of(0x7, ARGUS_CAUSE_ERROR, 10, 8), "ERR");

	/* direction: '?' without a handshake */
	flow(&r, 6, 40000, 80, 10, 600, 8, 480);
	tcp_status(&r, 0x1000);
	assert_string_equal(ra("dir", &r), "  <?>");
	r.dpkts = 0;
	assert_string_equal(ra("dir", &r), "   ?>");
	r.spkts = 0;
	r.dpkts = 1;
	assert_string_equal(ra("dir", &r), "  <?");
	assert_string_equal(csv("dir", &r), "<?");
	r.tcp.status = 0x1001;
	assert_string_equal(ra("dir", &r), "   ->");
	/* without a state section TCP looks like any other protocol */
	r.present &= ~ARGUS_HAS_TCP;
	r.spkts = 3;
	assert_string_equal(ra("dir", &r), "  <->");
	assert_string_equal(ra("state", &r), "CON");
	assert_false(present("swin", &r));
	assert_false(present("tcprtt", &r));
	assert_false(present("tcpopt", &r));
}

static void test_other_state(void **st)
{
	struct argus_record r;
	(void)st;

	flow(&r, 17, 5353, 53, 10, 1000, 8, 5000);
	assert_string_equal(ra("state", &r), "CON");
	assert_string_equal(ra("dir", &r), "  <->");
	r.dpkts = r.dbytes = 0;
	r.cause = ARGUS_CAUSE_START;
	assert_string_equal(ra("state", &r), "INT");
	assert_string_equal(ra("dir", &r), "   ->");
	r.cause = ARGUS_CAUSE_STATUS;
	assert_string_equal(ra("state", &r), "REQ");
	r.cause = ARGUS_CAUSE_TIMEOUT;
	assert_string_equal(ra("state", &r), "REQ");
	r.cause = ARGUS_CAUSE_STOP;
	assert_string_equal(ra("state", &r), "INT");
	r.spkts = 0;
	r.dpkts = 3;
	assert_string_equal(ra("state", &r), "RSP");
	assert_string_equal(ra("dir", &r), "  <-");
	r.dpkts = 0;
	assert_string_equal(ra("state", &r), "RSP");
	assert_false(present("dir", &r));
	r.cause = ARGUS_CAUSE_ERROR;
	assert_string_equal(ra("state", &r), "ERR");
	assert_string_equal(ra("cause", &r), "Error");

	/* causes ra does not name */
	r.cause = ARGUS_CAUSE_CLOSE;
	assert_string_equal(ra("cause", &r), "Unknown");
	assert_string_equal(csv("cause", &r), "Close");
	r.cause = ARGUS_CAUSE_FLUSH;
	assert_string_equal(ra("cause", &r), "Unknown");
	assert_string_equal(csv("cause", &r), "Flush");

	/* other IP protocols: names, no ports */
	flow(&r, 47, 0, 0, 1, 60, 0, 0);
	assert_string_equal(ra("proto", &r), "gre");
	assert_false(present("sport", &r));
	r.key.proto = 200;
	assert_string_equal(ra("proto", &r), "unas");
	r.key.proto = 33;
	assert_string_equal(ra("proto", &r), "sep");
	r.key.proto = 253;
	assert_string_equal(ra("proto", &r), "ib");

	/* no flow key: no state, no proto, but counts */
	r.present &= ~ARGUS_HAS_FLOW;
	assert_false(present("state", &r));
	assert_false(present("proto", &r));
	assert_string_equal(ra("dir", &r), "   ->");
	/* no metric: counts absent */
	flow(&r, 6, 1, 2, 1, 60, 0, 0);
	r.present &= ~ARGUS_HAS_METRIC;
	assert_false(present("spkts", &r));
	assert_false(present("load", &r));
	assert_false(present("dir", &r));
	assert_string_equal(ra("state", &r), "INT");
}

static void test_icmp(void **st)
{
	struct argus_record r;
	(void)st;

	/* dhcp-rfc4388: an echo with an unreachable mapped onto it */
	flow(&r, 1, 8 << 8, 0x2440, 1, 62, 0, 0);
	assert_string_equal(ra("sport", &r), "0x0008");
	assert_string_equal(ra("dport", &r), "0x2440");
	assert_string_equal(csv("sport", &r), "8"); /* the type */
	assert_string_equal(csv("dport", &r), "9280");
	assert_string_equal(ra("state", &r), "ECO");
	r.present |= ARGUS_HAS_ICMP | ARGUS_HAS_ENCAPS;
	r.sencaps = ARGUS_ENCAPS_ETHER;
	r.flags |= ARGUS_FLAG_ICMP_MAPPED;
	r.icmp.type = 3;
	r.icmp.code = 1;
	assert_string_equal(ra("state", &r), "URH");
	assert_string_equal(ra("flgs", &r), " eU       ");
	assert_string_equal(csv("flgs", &r), "eU");
	r.icmp.type = 11;
	assert_string_equal(ra("state", &r), "TXD");
	assert_string_equal(ra("flgs", &r), " eT       ");
	r.icmp.type = 5;
	assert_string_equal(ra("flgs", &r), " eR       ");
	r.icmp.type = 12;
	assert_string_equal(ra("flgs", &r), " eI       ");

	/* the unreachable itself: type 3 code 1 prints as 0x0103 */
	flow(&r, 1, 3 << 8 | 1, 0x0a1e, 1, 90, 0, 0);
	assert_string_equal(ra("sport", &r), "0x0103");
	assert_string_equal(ra("dport", &r), "0x0a1e");
	assert_string_equal(ra("state", &r), "URH");
	r.key.sport = 3 << 8 | 3;
	assert_string_equal(ra("state", &r), "URP");
	r.key.sport = 3 << 8 | 9;
	assert_string_equal(ra("state", &r), "URNPRO");
	r.key.sport = 3 << 8 | 16;
	assert_string_equal(ra("state", &r), "UR");
	r.key.sport = 0;
	assert_string_equal(ra("state", &r), "ECR");
	r.key.sport = 11 << 8;
	assert_string_equal(ra("state", &r), "TXD");
	r.key.sport = 1 << 8; /* ra prints nothing for types 1, 2, 7 */
	assert_false(present("state", &r));
	r.key.sport = 45 << 8;
	assert_string_equal(ra("state", &r), "PTB");
	r.key.sport = 46 << 8;
	assert_string_equal(ra("state", &r), "UNK");

	/* ICMPv6: type and code in decimal */
	flow(&r, 58, 133 << 8, 0, 1, 230, 0, 0);
	r.key.family = ARGUS_KEY_IPV6;
	assert_string_equal(ra("proto", &r), "ipv6-icmp");
	assert_string_equal(ra("sport", &r), "133");
	assert_string_equal(ra("dport", &r), "0");
	assert_string_equal(ra("state", &r), "NRS");
	r.key.sport = 143 << 8;
	assert_string_equal(ra("state", &r), "MHR");
	r.key.sport = 130 << 8;
	assert_string_equal(ra("state", &r), "MRQ");
	r.key.sport = 128 << 8;
	assert_string_equal(ra("state", &r), "ECO");
	r.key.sport = 1 << 8 | 4;
	assert_string_equal(ra("state", &r), "URP");
	assert_string_equal(ra("dport", &r), "4");
	r.key.sport = 132 << 8;
	assert_string_equal(ra("state", &r), "UNK");
}

static void test_l2(void **st)
{
	struct argus_record r;
	(void)st;

	/* ARP (dhcp-rfc4388): who, IP addresses, no ports */
	flow(&r, 0, 1, 0, 1, 60, 1, 42);
	r.key.family = ARGUS_KEY_ARP;
	r.key.ethertype = 0x0806;
	ip4(r.key.saddr, 10, 40, 2, 3);
	ip4(r.key.daddr, 10, 40, 1, 1);
	r.present |= ARGUS_HAS_MAC;
	memcpy(r.smac, "\xa6\x82\x4b\xc9\xa1\xa7", 6);
	memset(r.dmac, 0xff, 6);
	r.flags |= ARGUS_FLAG_MULTI_MAC;
	assert_string_equal(ra("proto", &r), "arp");
	assert_string_equal(ra("dir", &r), "  who");
	assert_string_equal(csv("dir", &r), "who");
	assert_string_equal(ra("saddr", &r), "10.40.2.3");
	assert_false(present("sport", &r));
	assert_string_equal(ra("state", &r), "CON");
	assert_string_equal(ra("dmac", &r), "Broadcast");
	assert_string_equal(csv("dmac", &r), "ff:ff:ff:ff:ff:ff");
	assert_string_equal(ra("flgs", &r), " M        ");
	assert_false(present("sttl", &r));
	r.dpkts = 0;
	r.cause = ARGUS_CAUSE_STATUS;
	assert_string_equal(ra("state", &r), "INT");

	/* non-IP Ethernet (LLDP_and_CDP, 802.1ad_QinQ) */
	flow(&r, 0, 0xaa, 0xaa, 1, 388, 0, 0);
	r.key.family = ARGUS_KEY_ETHER;
	r.key.ethertype = 0;
	memcpy(r.key.saddr, "\x00\x18\xba\x98\x68\x8f", 6);
	memcpy(r.key.daddr, "\x01\x00\x0c\xcc\xcc\xcc", 6);
	r.present |= ARGUS_HAS_ENCAPS;
	r.sencaps = ARGUS_ENCAPS_ETHER | ARGUS_ENCAPS_LLC;
	assert_string_equal(ra("proto", &r), "llc");
	assert_string_equal(ra("saddr", &r), "00:18:ba:98:68:8f");
	assert_string_equal(ra("sport", &r), "170");
	assert_string_equal(ra("flgs", &r), " *        ");
	assert_string_equal(ra("state", &r), "INT");
	r.cause = ARGUS_CAUSE_STATUS;
	assert_string_equal(ra("state", &r), "REQ");
	r.key.ethertype = 0x88cc;
	assert_string_equal(ra("proto", &r), "lldp");
	r.key.ethertype = 0x88a8;
	assert_string_equal(ra("proto", &r), "34984");
	r.key.ethertype = 0x0026;
	assert_string_equal(ra("proto", &r), "38");
	r.key.ethertype = 0x8137;
	assert_string_equal(ra("proto", &r), "ipx/spx");
	r.key.ethertype = 0xffff;
	assert_string_equal(ra("proto", &r), "*");
	memset(r.key.daddr, 0xff, 6);
	assert_string_equal(ra("daddr", &r), "Broadcast");
	assert_string_equal(csv("daddr", &r), "ff:ff:ff:ff:ff:ff");

	/* 802.11 (ieee802.11_exthdr): SSID and BSSID */
	flow(&r, 0, 0, 0, 1, 100, 0, 0);
	r.key.family = ARGUS_KEY_WLAN;
	memset(r.key.saddr + 6, 0xff, 6);
	memcpy(r.wlan_ssid, "omus\x01", 5);
	r.wlan_ssid_len = 5;
	assert_string_equal(ra("proto", &r), "wlan");
	assert_string_equal(csv("ssid", &r), "omus\\x01");
	assert_string_equal(csv("bssid", &r), "ff:ff:ff:ff:ff:ff");
	r.wlan_ssid_len = 0;
	assert_false(present("ssid", &r));
	r.key.family = ARGUS_KEY_ETHER;
	assert_false(present("bssid", &r));

	/* IS-IS (ISIS_level1_adjacency): as ra 3.0.8 prints them, but the
	 * LSP sequence number in its true byte order */
	flow(&r, 15, 1, 0, 4, 6056, 0, 0);
	r.key.family = ARGUS_KEY_ISIS;
	r.key.ethertype = 0xfddf;
	memset(r.key.saddr + 6, 0x22, 6);
	memset(r.key.daddr + 6, 0x22, 6);
	r.key.daddr[12] = 0x01;
	assert_string_equal(ra("proto", &r), "isis");
	assert_string_equal(ra("saddr", &r), "2222.2222.2222");
	assert_false(present("sport", &r));
	assert_string_equal(ra("daddr", &r), "2222.2222.2222.01");
	assert_string_equal(ra("dport", &r), "0xfddf");
	assert_string_equal(ra("state", &r), "L1-IIH");
	r.key.proto = 18;
	memset(r.key.daddr + 6, 0, 7);
	r.key.daddr[9] = 9;
	assert_string_equal(ra("saddr", &r), "2222.2222.2222.00-00");
	assert_string_equal(ra("daddr", &r), "0x00000009");
	assert_string_equal(ra("state", &r), "L1-LSP");
	r.key.proto = 25;
	assert_string_equal(ra("saddr", &r), "2222.2222.2222.00");
	assert_false(present("daddr", &r));
	assert_string_equal(ra("state", &r), "L2-CSNP");

	/* IPv6 (gso-ipv6) */
	flow(&r, 6, 36539, 45393, 1, 7226, 0, 0);
	r.key.family = ARGUS_KEY_IPV6;
	memcpy(r.key.saddr, "\x26\x04\x13\x80\x40\x91\xce\x00\0\0\0\0\0\0\0\x0b", 16);
	assert_string_equal(ra("saddr", &r), "2604:1380:4091:ce00::b");
}

static void test_flags_and_attrs(void **st)
{
	struct argus_record r;
	(void)st;

	flow(&r, 6, 1, 2, 3, 60, 2, 60);
	assert_string_equal(ra("flgs", &r), "          ");
	assert_string_equal(csv("flgs", &r), "");
	r.present |= ARGUS_HAS_ENCAPS;
	r.sencaps = ARGUS_ENCAPS_ETHER;
	tcp_status(&r, 0x107);
	assert_string_equal(ra("flgs", &r), " e s      ");
	assert_string_equal(csv("flgs", &r), "e s");
	r.tcp.status = 0x307 | 0xc00 | 0x4000;
	assert_string_equal(ra("flgs", &r), " e *@x    ");
	r.tcp.status = 0x20007 | 0x8000;
	assert_string_equal(ra("flgs", &r), " e r t    ");
	r.tcp.status = 0x30207; /* retransmissions win over order */
	assert_string_equal(ra("flgs", &r), " e d      ");
	r.tcp.status = 7;
	r.flags = ARGUS_FLAG_FRAG;
	assert_string_equal(ra("flgs", &r), " e    F   ");
	r.flags = ARGUS_FLAG_FRAG | ARGUS_FLAG_FRAG_ONLY;
	assert_string_equal(ra("flgs", &r), " e    f   ");
	assert_string_equal(csv("flgs", &r), "e    f");
	r.flags = 0;
	r.sencaps = 0x2002; /* Ethernet and SLL */
	assert_string_equal(ra("flgs", &r), " *        ");
	r.sencaps = ARGUS_ENCAPS_SLL;
	assert_string_equal(ra("flgs", &r), " S        ");
	r.sencaps = 0;
	r.present |= ARGUS_HAS_IPATTR;
	r.sattr = (struct argus_ipattr){.ttl = 200, .tos = 0x28, .ipid = 0x1234, .valid = 1, .options = 0x2};
	r.dattr = (struct argus_ipattr){.ttl = 33, .tos = 0x02, .ipid = 0xffff, .valid = 1};
	assert_string_equal(ra("flgs", &r), "       T  ");
	assert_string_equal(csv("flgs", &r), "      T");
	r.dattr.options = 0x1;
	assert_string_equal(ra("flgs", &r), "       O  ");
	assert_string_equal(ra("shops", &r), "56");
	assert_string_equal(ra("dhops", &r), "31");
	assert_string_equal(ra("sdsb", &r), "af11");
	assert_string_equal(ra("ddsb", &r), "cs0");
	r.sattr.tos = 0x04;
	assert_string_equal(ra("sdsb", &r), " 1");
	assert_string_equal(csv("sdsb", &r), "1");
	assert_string_equal(ra("sipid", &r), "0x1234");
	assert_string_equal(ra("dipid", &r), "0xffff");
	assert_string_equal(csv("dipid", &r), "65535");
	r.dattr.valid = 0; /* no packet back: no destination attributes */
	assert_false(present("dttl", &r));
	assert_false(present("dipid", &r));
	assert_false(present("dtos", &r));
	assert_string_equal(ra("sttl", &r), "200");

	/* VLAN (ipv4_tcp_http_xml: the tag on the destination side) */
	r.present |= ARGUS_HAS_VLAN;
	r.dvlan = 0xe0a5;
	r.vlan_valid = 0x02;
	assert_false(present("svid", &r));
	assert_string_equal(ra("dvid", &r), "165");
	assert_string_equal(ra("dvpri", &r), "7");
	assert_string_equal(ra("dvlan", &r), "0xe0a5");
	assert_string_equal(csv("dvlan", &r), "57509");

	/* TCP options, windows */
	r.tcp.options = 0xfff00000;
	assert_string_equal(ra("tcpopt", &r), "MwsSeETcNOSD");
	r.tcp.options = 0x40000000;
	assert_string_equal(ra("tcpopt", &r), "          S");
	r.tcp.options = 0;
	assert_false(present("tcpopt", &r));
	r.tcp.src.win = 4096;
	r.tcp.src.winshift = 6;
	r.tcp.src.retrans = 2;
	assert_string_equal(ra("swin", &r), "262144");
	assert_false(present("dwin", &r));
	assert_false(present("stcpb", &r));
	assert_string_equal(ra("sretrans", &r), "2");
	assert_false(present("dretrans", &r));
	assert_string_equal(ra("retrans", &r), "2");
}

static void test_rates(void **st)
{
	struct argus_record r;
	(void)st;

	/* checked against ra 3.0.8 on hand-made records */
	flow(&r, 17, 1, 2, 123456, 98765432, 3, 1000);
	r.ltime_us = r.stime_us + 3600000000;
	assert_string_equal(ra("load", &r), "219478.437500");
	assert_string_equal(ra("sload", &r), "219476.953125");
	assert_string_equal(ra("dload", &r), "1.482222");
	assert_string_equal(ra("rate", &r), "34.293888");
	assert_string_equal(ra("drate", &r), "0.000556");
	assert_string_equal(ra("smeansz", &r), "800.005127");
	assert_string_equal(ra("dmeansz", &r), "333.333344");
	assert_string_equal(csv("smeansz", &r), "800.005119");
	flow(&r, 17, 1, 2, 7, 1234, 13, 98765);
	r.ltime_us = r.stime_us + 10017;
	assert_string_equal(ra("load", &r), "73655584.000000");
	assert_string_equal(ra("sload", &r), "844963.562500");
	assert_string_equal(ra("srate", &r), "598.981750");
	/* one packet, or no time: zero */
	flow(&r, 17, 1, 2, 1, 60, 1, 70);
	assert_string_equal(ra("load", &r), "0.000000");
	assert_string_equal(ra("rate", &r), "0.400000");
	r.ltime_us = r.stime_us;
	assert_string_equal(ra("rate", &r), "0.000000");
	assert_string_equal(csv("rate", &r), "0.000000");
	r.spkts = 0;
	assert_string_equal(ra("smeansz", &r), "0.000000");
}

static void test_srcid(void **st)
{
	struct argus_record r;
	(void)st;

	flow(&r, 17, 1, 2, 1, 60, 0, 0);
	r.srcid.type = ARGUS_SRCID_INT;
	r.srcid.len = 4;
	{
		uint32_t v = 12345;
		memcpy(r.srcid.value, &v, 4);
	}
	assert_string_equal(ra("srcid", &r), "12345");
	r.srcid.type = ARGUS_SRCID_STRING;
	memset(r.srcid.value, 0, sizeof r.srcid.value);
	memcpy(r.srcid.value, "ab", 2);
	r.srcid.len = 2;
	assert_string_equal(ra("srcid", &r), "ab");
	r.srcid.type = ARGUS_SRCID_IPV6;
	memcpy(r.srcid.value, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x07", 16);
	assert_string_equal(ra("srcid", &r), "2001:db8::7");
	r.srcid.type = ARGUS_SRCID_NONE;
	assert_string_equal(ra("srcid", &r), "0.0.0.0");
	r.present &= ~ARGUS_HAS_TRANSPORT;
	assert_false(present("srcid", &r));
	assert_false(present("seq", &r));
}

/* the first MAR of dns_tcp.argus as ra prints it */
static void test_mar(void **st)
{
	struct argus_record r;
	(void)st;

	memset(&r, 0, sizeof r);
	r.kind = ARGUS_RECORD_MAR;
	r.cause = ARGUS_CAUSE_START;
	r.present = ARGUS_HAS_MAR;
	r.mar.status = 0x00800000;
	r.mar.argusid = 0xE5712DCB;
	r.mar.thisid = 0xc0000201;
	r.mar.start_us = 1795789970460345;
	r.mar.now_us = 1795789970464648;
	assert_string_equal(ra("srcid", &r), "192.0.2.1");
	assert_string_equal(ra("seq", &r), "0");
	assert_string_equal(ra("stime", &r), "1795789970.464648");
	assert_string_equal(ra("ltime", &r), "1795789970.460345");
	assert_string_equal(ra("dur", &r), "0.004303");
	assert_string_equal(ra("flgs", &r), "          ");
	assert_string_equal(ra("proto", &r), "man");
	assert_string_equal(ra("saddr", &r), "0");
	assert_string_equal(ra("sport", &r), "0");
	assert_false(present("dir", &r));
	assert_string_equal(ra("state", &r), "STA");
	assert_false(present("smac", &r));
	assert_false(present("sttl", &r));
	assert_false(present("load", &r));
	r.cause = ARGUS_CAUSE_STOP;
	r.mar.records = 2;
	r.mar.clients = 1;
	r.mar.bufs = 32;
	r.mar.bytes = 10931224;
	assert_string_equal(ra("state", &r), "STP");
	assert_string_equal(ra("daddr", &r), "32");
	assert_string_equal(ra("dport", &r), "1");
	assert_string_equal(ra("dpkts", &r), "2");
	assert_string_equal(ra("bytes", &r), "10931224");
	r.cause = ARGUS_CAUSE_STATUS;
	assert_string_equal(ra("state", &r), "CON");
	r.cause = ARGUS_CAUSE_TIMEOUT;
	assert_false(present("state", &r));
}

static void test_format_edges(void **st)
{
	const struct argus_field *f = argus_field_find("saddr");
	struct argus_value v;
	struct argus_record r;
	char small[6];
	(void)st;

	flow(&r, 17, 1, 2, 1, 60, 0, 0);
	assert_true(f->get(&r, &v));
	assert_int_equal(argus_field_format(f, &v, ARGUS_FORMAT_CSV, small, sizeof small), 5);
	assert_string_equal(small, "10.0.");
	assert_int_equal(argus_field_format(f, &v, ARGUS_FORMAT_CSV, small, 0), 0);
	assert_int_equal(argus_field_format(f, &v, ARGUS_FORMAT_CSV, small, 1), 0);
	assert_string_equal(small, "");
	memset(&v, 0, sizeof v);
	assert_int_equal(argus_field_format(f, &v, ARGUS_FORMAT_TEXT, small, sizeof small), 0);
	assert_string_equal(small, "");
	v.type = ARGUS_VALUE_INT;
	v.v.i = -42;
	assert_int_equal(argus_field_format(f, &v, ARGUS_FORMAT_CSV, small, sizeof small), 3);
	assert_string_equal(small, "-42");
}

/* The hand-written number, address and time formats against libc's. */
static uint64_t next_random(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static void test_formats_against_libc(void **st)
{
	static const char *const v6[] = {
		"::",	       "::1",	       "::2",		"1::",		"1::1",
		"::ffff:1.2.3.4", "::1.2.3.4",  "::0.0.1.0",	"::ffff:0:1.2.3.4", "::fffe:1.2.3.4",
		"0:0:0:1::",   "1:0:0:2::3",   "1::2:0:0:3",	"1:0:1:0:1:0:1:0", "fe80::1:0:0:0",
		"2001:db8::ff00:42:8329", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "1:2:3:4:5:6:7:8",
		"a:b:c:d:e:f:0:1", "0:1:2:3:4:5:6:7", "1:2:3:4:5:6:7:0",
	};
	const struct argus_field *f = argus_field_find("saddr");
	struct argus_value v;
	char want[64], got[64];
	uint64_t x = 0x9e3779b97f4a7c15u;
	size_t i;
	int k;
	(void)st;

	memset(&v, 0, sizeof v);
	v.type = ARGUS_VALUE_ADDR;
	v.v.addr.family = 6;
	for (i = 0; i < sizeof v6 / sizeof v6[0]; i++) {
		assert_int_equal(inet_pton(AF_INET6, v6[i], v.v.addr.bytes), 1);
		assert_non_null(inet_ntop(AF_INET6, v.v.addr.bytes, want, sizeof want));
		argus_field_format(f, &v, ARGUS_FORMAT_CSV, got, sizeof got);
		assert_string_equal(got, want);
	}
	/* groups zero or not at random, so that every shape of zero run shows */
	for (k = 0; k < 20000; k++) {
		unsigned zeros = (unsigned)next_random(&x);

		for (i = 0; i < 16; i += 2) {
			uint64_t r = next_random(&x);
			unsigned g = (zeros >> (i / 2)) & 1 ? 0 : (r & 1 ? 0xffffu : (unsigned)(r >> 8) & 0xffffu);

			if (k % 4 == 0)
				g = (unsigned)(r >> 16) % 3; /* small groups, small IPv4 bytes */
			v.v.addr.bytes[i] = (uint8_t)(g >> 8);
			v.v.addr.bytes[i + 1] = (uint8_t)g;
		}
		v.v.addr.family = 6;
		assert_non_null(inet_ntop(AF_INET6, v.v.addr.bytes, want, sizeof want));
		argus_field_format(f, &v, ARGUS_FORMAT_TEXT, got, sizeof got);
		assert_string_equal(got, want);
		v.v.addr.family = 4;
		assert_non_null(inet_ntop(AF_INET, v.v.addr.bytes, want, sizeof want));
		argus_field_format(f, &v, ARGUS_FORMAT_TEXT, got, sizeof got);
		assert_string_equal(got, want);
	}

	/* counters */
	f = argus_field_find("pkts");
	memset(&v, 0, sizeof v);
	v.type = ARGUS_VALUE_UINT;
	for (k = 0; k < 200000; k++) {
		uint64_t r = next_random(&x);

		v.v.u = k < 64 ? (k < 20 ? (uint64_t)k : UINT64_MAX >> (k - 20)) : r >> (r % 64);
		if (k == 64)
			v.v.u = 10000000000000000000u;
		snprintf(want, sizeof want, "%llu", (unsigned long long)v.v.u);
		assert_int_equal(argus_field_format(f, &v, ARGUS_FORMAT_CSV, got, sizeof got),
				 strlen(want));
		assert_string_equal(got, want);
	}

	/* RFC 3339 times, days alternating (the date is cached) */
	f = argus_field_find("stime");
	memset(&v, 0, sizeof v);
	v.type = ARGUS_VALUE_TIME;
	for (k = 0; k < 20000; k++) {
		int64_t us = (int64_t)(next_random(&x) % 500000000000000000u) - 150000000000000000;
		int64_t sec, frac;
		time_t t;
		struct tm tm;

		if (k % 3 == 1)
			us = v.v.time_us + 86400000000 * (int64_t)(next_random(&x) % 3) - 1;
		sec = us / 1000000;
		frac = us % 1000000;
		if (frac < 0) {
			frac += 1000000;
			sec--;
		}
		t = (time_t)sec;
		assert_non_null(gmtime_r(&t, &tm));
		if (tm.tm_year + 1900 > 9999 || tm.tm_year + 1900 < 0)
			continue;
		snprintf(want, sizeof want, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)frac);
		v.v.time_us = us;
		argus_field_format(f, &v, ARGUS_FORMAT_CSV, got, sizeof got);
		assert_string_equal(got, want);
	}
}

/* ---- jitter, packet sizes, MPLS, user data ------------------------------------------ */

/* Statistics of ssh.pcap's TCP flow and mptcp-v0.pcap's first flow as argus
 * -J wrote them; the ra texts are what Debian's ra printed for them. */
static void jitter_ssh(struct argus_record *r)
{
	flow(r, 6, 62146, 22, 30, 7021, 24, 4939);
	r->present |= ARGUS_HAS_JITTER;
	r->sjit.valid = 0x03;
	r->sjit.active = (struct argus_jitter_stats){1, 1.0f, 1.0f, 0.0f, 1.0f};
	r->sjit.idle = (struct argus_jitter_stats){27, 87.0f, 20931.333984375f, 26674.16796875f,
						   115169.0f};
	r->djit.valid = 0x02;
	r->djit.idle = (struct argus_jitter_stats){23, 1.0f, 23899.826171875f, 25899.046875f,
						   94256.0f};
}

static void test_jitter(void **st)
{
	struct argus_record r;
	(void)st;

	jitter_ssh(&r);
	/* both groups: the mean over both; ra's jitter formula (see fieldtab.c) */
	assert_string_equal(ra("sintpkt", &r), "20.183822");
	assert_string_equal(ra("sintpktact", &r), "0.001000");
	assert_string_equal(ra("sintpktidl", &r), "20.931334");
	assert_string_equal(ra("sjit", &r), "1052.694771");
	assert_string_equal(ra("sjitact", &r), "0.000000");
	assert_string_equal(ra("sjitidl", &r), "26.674168");
	/* the machine formats: the pooled standard deviation */
	assert_string_equal(csv("sjit", &r), "26.479936");
	assert_string_equal(csv("sintpkt", &r), "20.183822");
	/* one group: its own statistics; a missing group's mean prints 0 */
	assert_string_equal(ra("dintpkt", &r), "23.899826");
	assert_string_equal(ra("dintpktact", &r), "0.000000");
	assert_string_equal(ra("dintpktidl", &r), "23.899826");
	assert_string_equal(ra("djit", &r), "25.899047");
	assert_string_equal(ra("djitact", &r), "");
	assert_false(present("djitact", &r));
	assert_string_equal(ra("djitidl", &r), "25.899047");

	/* mptcp-v0: the destination's active and idle groups */
	r.djit.valid = 0x03;
	r.djit.active = (struct argus_jitter_stats){6, 140.0f, 1575.5f, 2910.792236328125f, 8080.0f};
	r.djit.idle = (struct argus_jitter_stats){73, 181.0f, 80329.421875f, 164668.09375f,
						  1246338.0f};
	assert_string_equal(ra("dintpkt", &r), "74.348117");
	assert_string_equal(csv("dintpkt", &r), "74.348111"); /* ra: single precision */
	assert_string_equal(ra("djit", &r), "5569.039719");
	assert_string_equal(csv("djit", &r), "159.662422");
	assert_string_equal(ra("djitact", &r), "2.910792");

	/* a direction without statistics, a record without -J */
	r.djit.valid = 0;
	assert_false(present("dintpkt", &r));
	assert_false(present("djit", &r));
	assert_string_equal(ra("dintpktact", &r), "0.000000");
	r.present &= ~ARGUS_HAS_JITTER;
	assert_false(present("sintpkt", &r));
	assert_false(present("sjit", &r));
	assert_false(present("sintpktact", &r));
	assert_false(present("sjitidl", &r));

	assert_string_equal(argus_field_find("sjit")->label, "SrcJitter");
	assert_string_equal(argus_field_find("djitidl")->label, "DstJitIdl");
	assert_string_equal(argus_field_find("dintpktact")->label, "DIntPktAct");
}

static void test_psize_mpls(void **st)
{
	struct argus_record r;
	(void)st;

	flow(&r, 6, 62146, 22, 30, 7021, 24, 4939);
	assert_false(present("smaxsz", &r));
	r.present |= ARGUS_HAS_PSIZE;
	r.spsize_min = 54;
	r.spsize_max = 1514;
	r.dpsize_min = 66;
	r.dpsize_max = 1158;
	assert_string_equal(ra("smaxsz", &r), "1514");
	assert_string_equal(ra("sminsz", &r), "54");
	assert_string_equal(ra("dmaxsz", &r), "1158");
	assert_string_equal(ra("dminsz", &r), "66");
	/* a size of 0 in a direction with packets: ra prints one blank */
	r.dpsize_max = 0;
	assert_string_equal(ra("dmaxsz", &r), " ");
	assert_string_equal(csv("dmaxsz", &r), "0");
	/* a direction without packets has no sizes (argus writes none) */
	r.dpkts = 0;
	r.dpsize_min = 0;
	assert_false(present("dminsz", &r));

	assert_false(present("smpls", &r));
	r.present |= ARGUS_HAS_MPLS;
	assert_false(present("smpls", &r));
	r.n_smpls = 2;
	r.smpls[0] = 0x00064140; /* label 100, the top of the stack */
	r.smpls[1] = 0x0012c140;
	assert_string_equal(ra("smpls", &r), "100");
	assert_string_equal(csv("smpls", &r), "100");
	assert_false(present("dmpls", &r));
	r.n_dmpls = 1;
	r.dmpls[0] = 0xfffff000;
	assert_string_equal(ra("dmpls", &r), "1048575");
	/* without ENCAPS bits ra's flag map names the sections the record has:
	 * VLAN before MAC before MPLS (Debian's ra on hand-made records) */
	r.present &= ~(uint32_t)ARGUS_HAS_ENCAPS;
	assert_string_equal(ra("flgs", &r), " m        ");
	r.present |= ARGUS_HAS_MAC;
	assert_string_equal(ra("flgs", &r), " e        ");
	r.present |= ARGUS_HAS_VLAN;
	assert_string_equal(ra("flgs", &r), " v        ");
	r.present |= ARGUS_HAS_ENCAPS; /* its bits alone when it has any */
	r.sencaps = ARGUS_ENCAPS_ETHER;
	assert_string_equal(ra("flgs", &r), " e        ");
	r.dencaps = ARGUS_ENCAPS_8021Q;
	assert_string_equal(ra("flgs", &r), " *        ");
	assert_string_equal(argus_field_find("smaxsz")->label, "sMaxPktSz");
	assert_string_equal(argus_field_find("dmpls")->label, "dMpls");
}

static void test_userdata(void **st)
{
	struct argus_record r;
	(void)st;

	flow(&r, 6, 62146, 22, 30, 7021, 24, 4939);
	assert_false(present("suser", &r));
	r.present |= ARGUS_HAS_USERDATA;
	assert_false(present("suser", &r)); /* no bytes */
	/* the first 16 bytes, '.' for what is not printable ASCII */
	r.suser_len = 32;
	memcpy(r.suser, "SSH-2.0-OpenSSH_7.8\r\n\0\0\0\x05l\x04\x14\xab\x01\xf5\xe1*", 32);
	assert_string_equal(ra("suser", &r), "s[16]=SSH-2.0-OpenSSH_");
	r.suser_len = 24;
	memcpy(r.suser, "\0\0\0\x14\x06\"\0\0\x04\0\0\0\x04\0\0\0 \x7f\x80", 19);
	assert_string_equal(ra("suser", &r), "s[16]=.....\"..........");
	/* trailing blanks dropped, the count kept; no password masking */
	r.duser_len = 6;
	memcpy(r.duser, "abc   ", 6);
	assert_string_equal(ra("duser", &r), "d[6]=abc");
	r.duser_len = 3;
	memcpy(r.duser, "   ", 3);
	assert_string_equal(ra("duser", &r), "d[3]=");
	r.duser_len = 14;
	memcpy(r.duser, "PASS hunter2\r\n", 14);
	assert_string_equal(ra("duser", &r), "d[14]=PASS hunter2..");
	assert_string_equal(csv("duser", &r), "d[14]=PASS hunter2..");
	r.duser_len = 2000; /* more than the record holds: what it holds */
	memset(r.duser, 'a', sizeof r.duser);
	assert_string_equal(ra("duser", &r), "d[16]=aaaaaaaaaaaaaaaa");
	assert_string_equal(argus_field_find("suser")->label, "srcUdata");
	assert_string_equal(argus_field_find("duser")->label, "dstUdata");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),	     cmocka_unit_test(test_register),
		cmocka_unit_test(test_parse),	     cmocka_unit_test(test_dns_tcp),
		cmocka_unit_test(test_times),	     cmocka_unit_test(test_tcp_state),
		cmocka_unit_test(test_other_state),  cmocka_unit_test(test_icmp),
		cmocka_unit_test(test_l2),	     cmocka_unit_test(test_flags_and_attrs),
		cmocka_unit_test(test_rates),	     cmocka_unit_test(test_srcid),
		cmocka_unit_test(test_mar),	     cmocka_unit_test(test_format_edges),
		cmocka_unit_test(test_jitter),	     cmocka_unit_test(test_psize_mpls),
		cmocka_unit_test(test_userdata),     cmocka_unit_test(test_formats_against_libc),
	};
	return cmocka_run_group_tests(tests, setup_utc, NULL);
}
