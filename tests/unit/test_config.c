/* argus.conf parsing and source ids. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <argus/plugin.h>

#include "core/conf.h"
#include "core/srcid.h"

static void test_lines(void **st)
{
	char err[256];
	(void)st;
	argus_config_clear();
	assert_int_equal(argus_config_load_line("ARGUS_FLOW_TYPE=\"Bidirectional\"", "f", 1, err, sizeof err), 0);
	assert_int_equal(argus_config_load_line("  ARGUS_MONITOR_ID = 192.0.2.1   # the id", "f", 2, err, sizeof err), 0);
	assert_int_equal(argus_config_load_line("# comment", "f", 3, err, sizeof err), 0);
	assert_int_equal(argus_config_load_line("   ", "f", 4, err, sizeof err), 0);
	assert_int_equal(argus_config_load_line("ARGUS_GENERATE_MAC_DATA=yes", "f", 5, err, sizeof err), 0);
	assert_string_equal(argus_config_get("ARGUS_FLOW_TYPE"), "Bidirectional");
	assert_string_equal(argus_config_get("ARGUS_MONITOR_ID"), "192.0.2.1");
	assert_true(argus_config_get_bool("ARGUS_GENERATE_MAC_DATA", 0));
	assert_int_equal(argus_config_get_bool("ARGUS_UNSET", 7), 7);
	assert_null(argus_config_get("ARGUS_UNSET"));
	argus_config_clear();
}

static void test_later_wins(void **st)
{
	char err[256];
	(void)st;
	argus_config_clear();
	assert_int_equal(argus_config_load_line("ARGUS_FLOW_STATUS_INTERVAL=60", "f", 1, err, sizeof err), 0);
	assert_int_equal(argus_config_set("ARGUS_FLOW_STATUS_INTERVAL", "5"), 0);
	assert_string_equal(argus_config_get("ARGUS_FLOW_STATUS_INTERVAL"), "5");
	argus_config_clear();
}

static void test_malformed(void **st)
{
	char err[256];
	(void)st;
	assert_int_equal(argus_config_load_line("this is not a setting", "argus.conf", 12, err, sizeof err),
			 ARGUS_EINVAL);
	assert_string_equal(err, "argus.conf: line 12: expected VARIABLE=value");
	assert_int_equal(argus_config_load_line("ARGUS_X=\"unterminated", "a.conf", 3, err, sizeof err),
			 ARGUS_EINVAL);
	assert_non_null(strstr(err, "a.conf: line 3"));
	assert_int_equal(argus_config_load_line("=value", "a.conf", 4, err, sizeof err), ARGUS_EINVAL);
}

static void test_numbers(void **st)
{
	char err[256];
	long v;
	(void)st;
	argus_config_clear();
	argus_config_set("N", "42");
	argus_config_set("BAD", "4x2");
	assert_int_equal(argus_config_get_long("N", 0, 0, 100, &v, err, sizeof err), 0);
	assert_int_equal(v, 42);
	assert_int_equal(argus_config_get_long("UNSET", 9, 0, 100, &v, err, sizeof err), 0);
	assert_int_equal(v, 9);
	assert_int_equal(argus_config_get_long("BAD", 0, 0, 100, &v, err, sizeof err), ARGUS_EINVAL);
	assert_non_null(strstr(err, "BAD: '4x2'"));
	assert_int_equal(argus_config_get_long("N", 0, 0, 10, &v, err, sizeof err), ARGUS_EINVAL);
	argus_config_clear();
}

static void test_file(void **st)
{
	char path[] = "/tmp/argus-conf-XXXXXX", err[256];
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	(void)st;
	fprintf(f, "# test\nARGUS_OUTPUT_FILE=/var/log/argus/argus.out\n\nARGUS_MAR_STATUS_INTERVAL=60\n"
		   "garbage here\n");
	fclose(f);
	argus_config_clear();
	assert_int_equal(argus_config_load_file(path, err, sizeof err), ARGUS_EINVAL);
	assert_non_null(strstr(err, ": line 5: "));
	assert_string_equal(argus_config_get("ARGUS_OUTPUT_FILE"), "/var/log/argus/argus.out");
	unlink(path);
	assert_int_equal(argus_config_load_file(path, err, sizeof err), ARGUS_EIO);
	assert_non_null(strstr(err, "No such file"));
	argus_config_clear();
}

static void test_srcid(void **st)
{
	struct argus_srcid id;
	char err[256];
	uint32_t v;
	(void)st;
	assert_int_equal(argus_srcid_parse("192.0.2.1", &id, err, sizeof err), 0);
	assert_int_equal(id.type, ARGUS_SRCID_IPV4);
	assert_memory_equal(id.value, "\xc0\x00\x02\x01", 4);
	assert_int_equal(argus_srcid_parse("2001:db8::1", &id, err, sizeof err), 0);
	assert_int_equal(id.type, ARGUS_SRCID_IPV6);
	assert_int_equal(argus_srcid_parse("1234", &id, err, sizeof err), 0);
	assert_int_equal(id.type, ARGUS_SRCID_INT);
	memcpy(&v, id.value, 4);
	assert_int_equal(v, 1234);
	assert_int_equal(argus_srcid_parse("abc", &id, err, sizeof err), 0);
	assert_int_equal(id.type, ARGUS_SRCID_STRING);
	assert_int_equal(argus_srcid_parse("no-such-host.invalid", &id, err, sizeof err), ARGUS_EINVAL);
	assert_int_equal(argus_srcid_parse("", &id, err, sizeof err), ARGUS_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines),   cmocka_unit_test(test_later_wins),
		cmocka_unit_test(test_malformed), cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_file),    cmocka_unit_test(test_srcid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
