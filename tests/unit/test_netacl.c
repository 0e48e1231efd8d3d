/* Access lists of client networks (core/netacl.c): parsing, the messages
 * for bad elements, and which peers (IPv4, IPv6, IPv4-mapped IPv6) pass. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cmocka.h>

#include "core/netacl.h"

/* A peer address, IPv6 when the text holds a ':'. */
union peer {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
	struct sockaddr_storage ss;
};

static const struct sockaddr *peer(union peer *p, const char *text)
{
	memset(p, 0, sizeof *p);
	if (strchr(text, ':')) {
		p->in6.sin6_family = AF_INET6;
		p->in6.sin6_port = htons(40000);
		assert_int_equal(inet_pton(AF_INET6, text, &p->in6.sin6_addr), 1);
	} else {
		p->in.sin_family = AF_INET;
		p->in.sin_port = htons(40000);
		assert_int_equal(inet_pton(AF_INET, text, &p->in.sin_addr), 1);
	}
	return &p->sa;
}

static int allows(const struct argus_netacl *acl, const char *text)
{
	union peer p;
	return argus_netacl_allows(acl, peer(&p, text));
}

/* Parse TEXT, which must be accepted. */
static struct argus_netacl *parse_ok(const char *text)
{
	static struct argus_netacl acl;
	char err[256] = "";

	if (argus_netacl_parse(text, &acl, err, sizeof err) != 0)
		fail_msg("'%s' refused: %s", text, err);
	return &acl;
}

/* Parse TEXT, which must be refused with a message holding WANT. */
static void parse_bad(const char *text, const char *want)
{
	struct argus_netacl acl;
	char err[256] = "";

	assert_int_equal(argus_netacl_parse(text, &acl, err, sizeof err), -1);
	if (!strstr(err, want))
		fail_msg("'%s': message '%s' does not hold '%s'", text, err, want);
}

static void test_single_addresses(void **st)
{
	struct argus_netacl *acl;
	(void)st;
	acl = parse_ok("127.0.0.1");
	assert_int_equal(acl->n, 1);
	assert_int_equal(acl->e[0].family, AF_INET);
	assert_int_equal(acl->e[0].prefix, 32);
	assert_true(allows(acl, "127.0.0.1"));
	assert_false(allows(acl, "127.0.0.2"));
	assert_false(allows(acl, "126.0.0.1"));
	assert_false(allows(acl, "::1"));

	acl = parse_ok("::1");
	assert_int_equal(acl->n, 1);
	assert_int_equal(acl->e[0].family, AF_INET6);
	assert_int_equal(acl->e[0].prefix, 128);
	assert_true(allows(acl, "::1"));
	assert_false(allows(acl, "::2"));
	assert_false(allows(acl, "127.0.0.1"));
}

static void test_prefixes(void **st)
{
	struct argus_netacl *acl;
	(void)st;
	acl = parse_ok("10.0.0.0/8");
	assert_int_equal(acl->e[0].prefix, 8);
	assert_true(allows(acl, "10.0.0.0"));
	assert_true(allows(acl, "10.255.255.255"));
	assert_true(allows(acl, "10.1.2.3"));
	assert_false(allows(acl, "11.0.0.0"));
	assert_false(allows(acl, "9.255.255.255"));

	/* host bits set in the entry: only the prefix counts */
	acl = parse_ok("10.1.2.3/8");
	assert_true(allows(acl, "10.200.0.1"));
	assert_false(allows(acl, "11.1.2.3"));

	acl = parse_ok("192.0.2.7/32");
	assert_int_equal(acl->e[0].prefix, 32);
	assert_true(allows(acl, "192.0.2.7"));
	assert_false(allows(acl, "192.0.2.6"));
	assert_false(allows(acl, "192.0.2.15"));

	acl = parse_ok("0.0.0.0/0");
	assert_int_equal(acl->e[0].prefix, 0);
	assert_true(allows(acl, "0.0.0.0"));
	assert_true(allows(acl, "255.255.255.255"));
	assert_true(allows(acl, "203.0.113.9"));
	assert_true(allows(acl, "::ffff:203.0.113.9")); /* mapped: an IPv4 peer */
	assert_false(allows(acl, "2001:db8::1"));

	acl = parse_ok("::/0");
	assert_true(allows(acl, "::"));
	assert_true(allows(acl, "2001:db8::1"));
	assert_true(allows(acl, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
	assert_false(allows(acl, "203.0.113.9"));

	acl = parse_ok("2001:db8::1/128");
	assert_int_equal(acl->e[0].prefix, 128);
	assert_true(allows(acl, "2001:db8::1"));
	assert_false(allows(acl, "2001:db8::"));
	assert_false(allows(acl, "2001:db8::3"));

	acl = parse_ok("10.0.0.0/08"); /* leading zero: still 8 bits */
	assert_int_equal(acl->e[0].prefix, 8);
}

static void test_odd_prefixes(void **st)
{
	struct argus_netacl *acl;
	(void)st;
	/* /13: 10.0.0.0 - 10.7.255.255 */
	acl = parse_ok("10.0.0.0/13");
	assert_int_equal(acl->e[0].prefix, 13);
	assert_true(allows(acl, "10.0.0.1"));
	assert_true(allows(acl, "10.7.255.255"));
	assert_false(allows(acl, "10.8.0.0"));
	assert_false(allows(acl, "10.15.0.1"));
	assert_false(allows(acl, "138.0.0.1")); /* differs in the first byte only */

	/* /1, /31 */
	acl = parse_ok("128.0.0.0/1");
	assert_true(allows(acl, "200.1.1.1"));
	assert_false(allows(acl, "127.255.255.255"));
	acl = parse_ok("192.0.2.4/31");
	assert_true(allows(acl, "192.0.2.4"));
	assert_true(allows(acl, "192.0.2.5"));
	assert_false(allows(acl, "192.0.2.6"));
	assert_false(allows(acl, "192.0.2.3"));

	/* /127: 2001:db8::4 and 2001:db8::5 */
	acl = parse_ok("2001:db8::4/127");
	assert_int_equal(acl->e[0].prefix, 127);
	assert_true(allows(acl, "2001:db8::4"));
	assert_true(allows(acl, "2001:db8::5"));
	assert_false(allows(acl, "2001:db8::6"));
	assert_false(allows(acl, "2001:db8::3"));

	/* /28 on IPv6: 2001:db0:: - 2001:dbf:ffff:... */
	acl = parse_ok("2001:db0::/28");
	assert_true(allows(acl, "2001:dbf:ffff::1"));
	assert_false(allows(acl, "2001:dc0::1"));
	assert_false(allows(acl, "2001:da0::1"));
}

static void test_ipv6(void **st)
{
	struct argus_netacl *acl;
	(void)st;
	acl = parse_ok("fd00::/8");
	assert_int_equal(acl->e[0].family, AF_INET6);
	assert_true(allows(acl, "fd00::1"));
	assert_true(allows(acl, "fdff:1234::9"));
	assert_false(allows(acl, "fc00::1"));
	assert_false(allows(acl, "fe80::1"));

	acl = parse_ok("2001:db8:1::/48");
	assert_true(allows(acl, "2001:db8:1:ffff::1"));
	assert_false(allows(acl, "2001:db8:2::1"));
}

static void test_mapped_and_families(void **st)
{
	struct argus_netacl *acl;
	union peer p;
	(void)st;
	/* an IPv4-mapped IPv6 peer is checked as the IPv4 address it is */
	acl = parse_ok("10.0.0.0/8");
	assert_true(allows(acl, "::ffff:10.1.2.3"));
	assert_false(allows(acl, "::ffff:11.1.2.3"));
	/* IPv4-compatible (::10.1.2.3) and other IPv6 peers are not IPv4 */
	assert_false(allows(acl, "::10.1.2.3"));
	assert_false(allows(acl, "::a01:203"));
	assert_false(allows(acl, "a01:203::"));	/* same first bytes, other family */
	assert_false(allows(acl, "::ffff:0:10.1.2.3")); /* SIIT form, not mapped */

	acl = parse_ok("127.0.0.1");
	assert_true(allows(acl, "::ffff:127.0.0.1"));
	assert_false(allows(acl, "::1"));

	/* an IPv6 entry never matches an IPv4 peer, even with equal bytes */
	acl = parse_ok("a00::/8"); /* first byte 0x0a, like 10/8 */
	assert_true(allows(acl, "a00::1"));
	assert_false(allows(acl, "10.1.2.3"));
	assert_false(allows(acl, "::ffff:10.1.2.3"));

	/* an IPv4-mapped entry stands for the IPv4 network */
	acl = parse_ok("::ffff:10.0.0.0/104");
	assert_true(allows(acl, "10.1.2.3"));
	assert_true(allows(acl, "::ffff:10.1.2.3"));
	assert_false(allows(acl, "11.1.2.3"));

	/* every blank separates, as between items */
	acl = parse_ok("10.0.0.1\v10.0.0.2\f");
	assert_int_equal(acl->n, 2);
	assert_true(allows(acl, "10.0.0.2"));

	/* a peer of another family is refused by a non-empty list */
	acl = parse_ok("0.0.0.0/0 ::/0");
	memset(&p, 0, sizeof p);
	p.sa.sa_family = AF_UNIX;
	assert_false(argus_netacl_allows(acl, &p.sa));
}

static void test_empty_allows_all(void **st)
{
	struct argus_netacl acl;
	union peer p;
	(void)st;
	memset(&acl, 0, sizeof acl);
	assert_int_equal(acl.n, 0);
	assert_true(allows(&acl, "10.1.2.3"));
	assert_true(allows(&acl, "2001:db8::1"));
	assert_true(allows(&acl, "::ffff:192.0.2.1"));
	memset(&p, 0, sizeof p);
	p.sa.sa_family = AF_UNIX;
	assert_true(argus_netacl_allows(&acl, &p.sa));
}

static void test_lists_and_separators(void **st)
{
	struct argus_netacl *acl;
	(void)st;
	acl = parse_ok("127.0.0.1, 10.0.0.0/8, ::1, fd00::/8");
	assert_int_equal(acl->n, 4);
	assert_int_equal(acl->e[0].family, AF_INET);
	assert_int_equal(acl->e[1].prefix, 8);
	assert_int_equal(acl->e[2].family, AF_INET6);
	assert_int_equal(acl->e[3].prefix, 8);
	assert_true(allows(acl, "127.0.0.1"));
	assert_true(allows(acl, "10.9.8.7"));
	assert_true(allows(acl, "::1"));
	assert_true(allows(acl, "fd12::34"));
	assert_true(allows(acl, "::ffff:10.0.0.1"));
	assert_false(allows(acl, "192.168.1.1"));
	assert_false(allows(acl, "2001:db8::1"));

	acl = parse_ok("127.0.0.1 10.0.0.0/8\t::1\n fd00::/8\r\n");
	assert_int_equal(acl->n, 4);
	acl = parse_ok(",,127.0.0.1,,, ,10.0.0.0/8,");
	assert_int_equal(acl->n, 2);
	acl = parse_ok("  192.0.2.1  ");
	assert_int_equal(acl->n, 1);
	acl = parse_ok("192.0.2.1,192.0.2.2");
	assert_int_equal(acl->n, 2);
	assert_true(allows(acl, "192.0.2.2"));
	assert_false(allows(acl, "192.0.2.3"));

	/* exactly ARGUS_NETACL_MAX entries fit */
	{
		char text[ARGUS_NETACL_MAX * 16 + 1];
		size_t o = 0;
		for (int i = 0; i < ARGUS_NETACL_MAX; i++)
			o += (size_t)snprintf(text + o, sizeof text - o, "10.0.%d.1, ", i);
		acl = parse_ok(text);
		assert_int_equal(acl->n, ARGUS_NETACL_MAX);
		assert_true(allows(acl, "10.0.63.1"));
		assert_false(allows(acl, "10.0.64.1"));
	}
}

static void test_bad_items(void **st)
{
	(void)st;
	parse_bad("10.0.0.0/33", "'10.0.0.0/33'");
	parse_bad("::/129", "'::/129'");
	parse_bad("1.2.3", "'1.2.3'");
	parse_bad("/8", "'/8'");
	parse_bad("10.0.0.0/", "'10.0.0.0/'");
	parse_bad("10.0.0.0/8x", "'10.0.0.0/8x'");
	parse_bad("10.0.0.0/-1", "'10.0.0.0/-1'");
	parse_bad("10.0.0.0/+8", "'10.0.0.0/+8'");
	parse_bad("10.0.0.0/8/8", "'10.0.0.0/8/8'");
	parse_bad("10.0.0.0/99999999999999999999", "'10.0.0.0/99999999999999999999'");
	parse_bad("localhost", "'localhost'");
	parse_bad("256.0.0.1", "'256.0.0.1'");
	parse_bad("fe80::1%eth0", "'fe80::1%eth0'");
	parse_bad("10.0.0.1;10.0.0.2", "'10.0.0.1;10.0.0.2'");
	/* the bad element is named, not its neighbours */
	parse_bad("127.0.0.1, 10.0.0.0/33, ::1", "'10.0.0.0/33'");
	parse_bad("127.0.0.1 ::1 bogus", "'bogus'");
	/* an address too long for its buffer, and an item too long */
	parse_bad("0000:0000:0000:0000:0000:0000:0000:0000:0000:0000:0000:0001",
		  "'0000:0000:0000:0000:0000:0000:0000:0000:0000:0000:0000:0001'");
	{
		char longitem[300];
		memset(longitem, 'a', sizeof longitem - 1);
		longitem[sizeof longitem - 1] = '\0';
		parse_bad(longitem, "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...'");
	}
}

static void test_empty_text(void **st)
{
	(void)st;
	parse_bad("", "no network");
	parse_bad("   ", "no network");
	parse_bad(" , ,\t\n", "no network");
}

static void test_too_many(void **st)
{
	char text[(ARGUS_NETACL_MAX + 1) * 16 + 1], msg[32];
	size_t o = 0;
	(void)st;
	for (int i = 0; i <= ARGUS_NETACL_MAX; i++)
		o += (size_t)snprintf(text + o, sizeof text - o, "10.0.%d.1 ", i);
	snprintf(msg, sizeof msg, "at most %d", ARGUS_NETACL_MAX);
	parse_bad(text, msg);
}

static void test_small_err_buffer(void **st)
{
	struct argus_netacl acl;
	char err[8];
	(void)st;
	memset(err, 'x', sizeof err);
	assert_int_equal(argus_netacl_parse("10.0.0.0/33", &acl, err, sizeof err), -1);
	assert_int_equal(strlen(err), sizeof err - 1); /* cut, terminated */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_single_addresses), cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_odd_prefixes),	 cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_mapped_and_families), cmocka_unit_test(test_empty_allows_all),
		cmocka_unit_test(test_lists_and_separators), cmocka_unit_test(test_bad_items),
		cmocka_unit_test(test_empty_text),	 cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_small_err_buffer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
