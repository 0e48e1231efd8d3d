/* The Argus 3 client commands (core/remotecmd.c): "START: ", "FILTER: EXPR"
 * and "DONE: " over the bytes a server has received so far, consumed the
 * way a server does (drop `used` bytes, call again, stop on NONE). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/hostport.h"
#include "core/remotecmd.h"

/* One call over BUF[0..LEN): checks the pointers it hands back. */
static enum argus_remote_cmd next(const char *buf, size_t len, size_t *used, const char **arg,
				  size_t *arglen)
{
	enum argus_remote_cmd c;

	*used = (size_t)-1;
	*arg = (const char *)buf; /* must be reset */
	*arglen = 12345;
	c = argus_remote_cmd_next(buf, len, used, arg, arglen);
	assert_true(*used <= len);
	if (c == ARGUS_REMOTE_FILTER) {
		assert_non_null(*arg);
		assert_true(*arg >= buf && *arg + *arglen <= buf + len);
		assert_true(*arg + *arglen <= buf + *used);
	} else {
		assert_null(*arg);
		assert_int_equal(*arglen, 0);
	}
	if (c == ARGUS_REMOTE_START || c == ARGUS_REMOTE_FILTER || c == ARGUS_REMOTE_DONE)
		assert_true(*used > 0);
	return c;
}

/* What a server sees: every command in BUF, as a string such as
 * "START|FILTER[ man]|NONE" (the NONE or GARBAGE that ends it last), and
 * *left, the bytes not consumed. */
static const char *drain(const char *buf, size_t len, size_t *left)
{
	static char out[1024];
	size_t o = 0;

	out[0] = '\0';
	for (int guard = 0; guard < 100; guard++) {
		const char *arg;
		size_t used, arglen;
		enum argus_remote_cmd c = next(buf, len, &used, &arg, &arglen);
		const char *name = c == ARGUS_REMOTE_NONE	? "NONE"
				   : c == ARGUS_REMOTE_START	? "START"
				   : c == ARGUS_REMOTE_FILTER	? "FILTER"
				   : c == ARGUS_REMOTE_DONE	? "DONE"
				   : c == ARGUS_REMOTE_GARBAGE ? "GARBAGE"
								: "?";

		o += (size_t)snprintf(out + o, sizeof out - o, "%s%s", o ? "|" : "", name);
		if (c == ARGUS_REMOTE_FILTER)
			o += (size_t)snprintf(out + o, sizeof out - o, "[%.*s]", (int)arglen, arg);
		if (c == ARGUS_REMOTE_GARBAGE) {
			*left = len - used;
			return out;
		}
		buf += used;
		len -= used;
		if (c == ARGUS_REMOTE_NONE) {
			*left = len;
			return out;
		}
	}
	fail_msg("no end after 100 commands");
	return NULL;
}

#define S(lit) (lit), (sizeof(lit) - 1)

static void test_start(void **st)
{
	const char *arg;
	size_t used, arglen, left;
	(void)st;
	/* "START:" is the word; the blank after it goes with the next call */
	assert_int_equal(next(S("START: "), &used, &arg, &arglen), ARGUS_REMOTE_START);
	assert_int_equal(used, 6);
	assert_int_equal(next(S(" "), &used, &arg, &arglen), ARGUS_REMOTE_NONE);
	assert_int_equal(used, 1);
	/* a server draining the buffer consumes all of it */
	assert_string_equal(drain(S("START: "), &left), "START|NONE");
	assert_int_equal(left, 0);
	assert_string_equal(drain(S("START:"), &left), "START|NONE");
	assert_int_equal(left, 0);
	assert_string_equal(drain(S("START: \n"), &left), "START|NONE");
	assert_int_equal(left, 0);
	/* with the NUL a C client sends */
	assert_string_equal(drain("START: ", 8, &left), "START|NONE");
	assert_int_equal(left, 0);
	/* blanks before it count in used */
	assert_int_equal(next(S("\r\n\t START: "), &used, &arg, &arglen), ARGUS_REMOTE_START);
	assert_int_equal(used, 10);
}

static void test_done(void **st)
{
	const char *arg;
	size_t used, arglen, left;
	(void)st;
	assert_int_equal(next(S("DONE: "), &used, &arg, &arglen), ARGUS_REMOTE_DONE);
	assert_int_equal(used, 5);
	assert_string_equal(drain(S("DONE: "), &left), "DONE|NONE");
	assert_int_equal(left, 0);
	assert_string_equal(drain(S("START: DONE: "), &left), "START|DONE|NONE");
	assert_int_equal(left, 0);
}

static void test_filter(void **st)
{
	const char *arg;
	size_t used, arglen, left;
	(void)st;
	/* alone, to the end of the buffer (the expression keeps its blank) */
	assert_int_equal(next(S("FILTER: man or (udp)"), &used, &arg, &arglen),
			 ARGUS_REMOTE_FILTER);
	assert_int_equal(used, 20);
	assert_int_equal(arglen, 13);
	assert_memory_equal(arg, " man or (udp)", 13);

	/* ended by a newline: the newline is left for the next call */
	assert_int_equal(next(S("FILTER: man or (udp)\n"), &used, &arg, &arglen),
			 ARGUS_REMOTE_FILTER);
	assert_int_equal(used, 20);
	assert_int_equal(arglen, 13);
	assert_memory_equal(arg, " man or (udp)", 13);
	assert_string_equal(drain(S("FILTER: man or (udp)\n"), &left), "FILTER[ man or (udp)]|NONE");
	assert_int_equal(left, 0);

	/* ended by a NUL (the string with its terminator) */
	assert_int_equal(next("FILTER: man or (udp)", 21, &used, &arg, &arglen),
			 ARGUS_REMOTE_FILTER);
	assert_int_equal(used, 20);
	assert_int_equal(arglen, 13);
	assert_string_equal(drain("FILTER: man or (udp)", 21, &left), "FILTER[ man or (udp)]|NONE");
	assert_int_equal(left, 0);

	/* an empty expression */
	assert_int_equal(next(S("FILTER:"), &used, &arg, &arglen), ARGUS_REMOTE_FILTER);
	assert_int_equal(used, 7);
	assert_int_equal(arglen, 0);
	assert_string_equal(drain(S("FILTER:\n"), &left), "FILTER[]|NONE");

	/* a carriage return stays in the expression (only \n and NUL end it) */
	assert_string_equal(drain(S("FILTER: tcp\r\n"), &left), "FILTER[ tcp\r]|NONE");
}

static void test_filter_then_start(void **st)
{
	size_t left;
	(void)st;
	assert_string_equal(drain("FILTER: man or (udp and port 53)\0START: ", 40, &left),
			    "FILTER[ man or (udp and port 53)]|START|NONE");
	assert_int_equal(left, 0);
	assert_string_equal(drain(S("FILTER: tcp\nSTART: "), &left), "FILTER[ tcp]|START|NONE");
	assert_int_equal(left, 0);
	assert_string_equal(drain(S("START: FILTER: icmp\nDONE: "), &left),
			    "START|FILTER[ icmp]|DONE|NONE");
	assert_int_equal(left, 0);
	/* without a separator START: takes the rest as the expression */
	assert_string_equal(drain(S("FILTER: tcp START: "), &left), "FILTER[ tcp START: ]|NONE");
	/* two filters, the second one replaces the first in a server */
	assert_string_equal(drain(S("FILTER: tcp\nFILTER: udp\n"), &left),
			    "FILTER[ tcp]|FILTER[ udp]|NONE");
	assert_int_equal(left, 0);
}

static void test_partial(void **st)
{
	const char *arg;
	size_t used, arglen, left;
	static const char *const parts[] = {"S",     "ST", "STA", "STAR", "START", "F",	  "FI",
					    "FILT", "FILTE", "FILTER", "D", "DO", "DON", "DONE"};
	(void)st;
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		size_t n = strlen(parts[i]);
		if (next(parts[i], n, &used, &arg, &arglen) != ARGUS_REMOTE_NONE)
			fail_msg("'%s' is not NONE", parts[i]);
		assert_int_equal(used, 0);
	}
	/* blanks before a partial word are consumed, the word is kept */
	assert_int_equal(next(S("  STA"), &used, &arg, &arglen), ARGUS_REMOTE_NONE);
	assert_int_equal(used, 2);
	/* after a complete command, the start of the next one waits */
	assert_string_equal(drain(S("START: FILT"), &left), "START|NONE");
	assert_int_equal(left, 4);
	/* once the rest arrives it parses */
	assert_string_equal(drain(S("FILTER: udp\n"), &left), "FILTER[ udp]|NONE");
	/* a prefix that turns wrong is garbage, not a wait */
	assert_int_equal(next(S("STX"), &used, &arg, &arglen), ARGUS_REMOTE_GARBAGE);
	assert_int_equal(next(S("STA\n"), &used, &arg, &arglen), ARGUS_REMOTE_GARBAGE);
	assert_int_equal(next(S("start:"), &used, &arg, &arglen), ARGUS_REMOTE_GARBAGE);
	assert_int_equal(next(S("FILTERS:"), &used, &arg, &arglen), ARGUS_REMOTE_GARBAGE);
	assert_int_equal(next(S("DONE;"), &used, &arg, &arglen), ARGUS_REMOTE_GARBAGE);
}

static void test_blanks(void **st)
{
	const char *arg;
	size_t used, arglen;
	(void)st;
	assert_int_equal(next("", 0, &used, &arg, &arglen), ARGUS_REMOTE_NONE);
	assert_int_equal(used, 0);
	assert_int_equal(next(S(" \t\r\n "), &used, &arg, &arglen), ARGUS_REMOTE_NONE);
	assert_int_equal(used, 5);
	assert_int_equal(next("\0\0\0", 3, &used, &arg, &arglen), ARGUS_REMOTE_NONE);
	assert_int_equal(used, 3);
	assert_int_equal(next("\n\0 \0", 4, &used, &arg, &arglen), ARGUS_REMOTE_NONE);
	assert_int_equal(used, 4);
}

static void test_garbage(void **st)
{
	const char *arg;
	size_t used, arglen, left;
	static const unsigned char binary[] = {0x80, 0x01, 0x00, 0x20, 0xff, 0xfe};
	(void)st;
	assert_int_equal(next(S("GET / HTTP/1.0\r\n\r\n"), &used, &arg, &arglen),
			 ARGUS_REMOTE_GARBAGE);
	assert_int_equal(used, 0);
	assert_int_equal(next((const char *)binary, sizeof binary, &used, &arg, &arglen),
			 ARGUS_REMOTE_GARBAGE);
	assert_int_equal(used, 0);
	/* garbage after blanks: used is where it starts */
	assert_int_equal(next(S("  \nhello"), &used, &arg, &arglen), ARGUS_REMOTE_GARBAGE);
	assert_int_equal(used, 3);
	/* garbage after a good command */
	assert_string_equal(drain(S("START: hello"), &left), "START|GARBAGE");
	assert_int_equal(left, 5);
	/* right after the colon (no separator) the rest is another word */
	assert_string_equal(drain(S("START:x"), &left), "START|GARBAGE");
	assert_int_equal(left, 1);
	assert_string_equal(drain(S("DONE:DONE:"), &left), "DONE|DONE|NONE");
	/* a single high byte, and a byte that is a prefix of nothing */
	assert_int_equal(next("\xff", 1, &used, &arg, &arglen), ARGUS_REMOTE_GARBAGE);
	assert_int_equal(next("X", 1, &used, &arg, &arglen), ARGUS_REMOTE_GARBAGE);
}

/* The address forms of ra -S and -w argus-udp:// (core/hostport.c). */
static void test_hostport(void **st)
{
	char host[64], port[8];
	(void)st;
	assert_int_equal(argus_hostport_split("sensor", "561", host, sizeof host, port, sizeof port), 0);
	assert_string_equal(host, "sensor");
	assert_string_equal(port, "561");
	assert_int_equal(argus_hostport_split("10.0.0.1:5000", "561", host, sizeof host, port,
					      sizeof port),
			 0);
	assert_string_equal(host, "10.0.0.1");
	assert_string_equal(port, "5000");
	assert_int_equal(argus_hostport_split("[::1]:5000", NULL, host, sizeof host, port, sizeof port),
			 0);
	assert_string_equal(host, "::1");
	assert_string_equal(port, "5000");
	assert_int_equal(argus_hostport_split("::1", "561", host, sizeof host, port, sizeof port), 0);
	assert_string_equal(host, "::1");
	assert_string_equal(port, "561");
	assert_int_equal(argus_hostport_split("[::1]", "561", host, sizeof host, port, sizeof port), 0);
	assert_string_equal(host, "::1");
	/* without a default, a port is needed */
	assert_int_equal(argus_hostport_split("sensor", NULL, host, sizeof host, port, sizeof port), -1);
	assert_int_equal(argus_hostport_split("::1", NULL, host, sizeof host, port, sizeof port), -1);
	/* malformed */
	assert_int_equal(argus_hostport_split("host:", "561", host, sizeof host, port, sizeof port), -1);
	assert_int_equal(argus_hostport_split("host:http", "561", host, sizeof host, port, sizeof port),
			 -1);
	assert_int_equal(argus_hostport_split(":561", "561", host, sizeof host, port, sizeof port), -1);
	assert_int_equal(argus_hostport_split("[::1", "561", host, sizeof host, port, sizeof port), -1);
	assert_int_equal(argus_hostport_split("[::1]x", "561", host, sizeof host, port, sizeof port), -1);
	assert_int_equal(argus_hostport_split("h:123456789", "561", host, sizeof host, port, sizeof port),
			 -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_start),	  cmocka_unit_test(test_done),
		cmocka_unit_test(test_filter),	  cmocka_unit_test(test_filter_then_start),
		cmocka_unit_test(test_partial),	  cmocka_unit_test(test_blanks),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_hostport),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
