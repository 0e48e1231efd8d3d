/* The plugin registry against the modules of the build tree. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <argus/plugin.h>

#include "core/registry.h"

static int setup(void **st)
{
	char err[512];
	(void)st;
	if (!getenv("ARGUS_PLUGIN_PATH"))
		return -1;
	return argus_registry_init(err, sizeof err);
}

static int teardown(void **st)
{
	(void)st;
	argus_registry_fini();
	return 0;
}

static void test_get_builtin_modules(void **st)
{
	char err[512];
	const struct argus_module *m;
	(void)st;
	m = argus_registry_get(ARGUS_PLUGIN_DECODER, "tcp", err, sizeof err);
	assert_non_null(m);
	assert_string_equal(m->desc->name, "tcp");
	assert_int_equal(m->desc->abi_major, ARGUS_ABI_MAJOR);
	assert_true(m->path[0] == '/');
	assert_ptr_equal(argus_registry_get(ARGUS_PLUGIN_DECODER, "tcp", err, sizeof err), m);
	assert_non_null(argus_registry_get(ARGUS_PLUGIN_OUTPUT, "binary", err, sizeof err));
	assert_non_null(argus_registry_get(ARGUS_PLUGIN_FILTER, "ra", err, sizeof err));
}

static void test_unknown_and_bad_names(void **st)
{
	char err[512];
	(void)st;
	assert_null(argus_registry_get(ARGUS_PLUGIN_OUTPUT, "xml", err, sizeof err));
	assert_non_null(strstr(err, "no output module 'xml'"));
	/* names that could escape the folder never reach the file system */
	assert_null(argus_registry_get(ARGUS_PLUGIN_OUTPUT, "../decoders/tcp", err, sizeof err));
	assert_non_null(strstr(err, "not a valid output name"));
	assert_null(argus_registry_get(ARGUS_PLUGIN_OUTPUT, "", err, sizeof err));
}

static void test_kind_folder_matters(void **st)
{
	char err[512];
	(void)st;
	/* tcp is a decoder: not found among outputs */
	assert_null(argus_registry_get(ARGUS_PLUGIN_OUTPUT, "tcp", err, sizeof err));
}

static void test_wrong_abi_refused(void **st)
{
	char err[512], root[1024];
	const char *b = getenv("top_builddir");
	(void)st;
	if (!b) {
		/* cmocka's skip() reads as a failure to automake's TAP driver */
		print_message("# SKIP: top_builddir is not set\n");
		return;
	}
	snprintf(root, sizeof root, "%s/tests/plugins/badabi", b);
	assert_int_equal(argus_registry_add_root(root, err, sizeof err), 0);
	assert_null(argus_registry_get(ARGUS_PLUGIN_OUTPUT, "badabi", err, sizeof err));
	assert_non_null(strstr(err, "badabi.la: refused: built for plugin ABI 99.0"));
}

static void test_load_all(void **st)
{
	size_t refused = 0;
	(void)st;
	assert_true(argus_registry_load_all(ARGUS_PLUGIN_DECODER, &refused) + 1 >= 1);
	size_t decoders = 0;
	for (size_t i = 0; i < argus_registry_count(); i++)
		if (argus_registry_at(i)->desc->kind == ARGUS_PLUGIN_DECODER)
			decoders++;
	assert_true(decoders >= 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get_builtin_modules),
		cmocka_unit_test(test_unknown_and_bad_names),
		cmocka_unit_test(test_kind_folder_matters),
		cmocka_unit_test(test_wrong_abi_refused),
		cmocka_unit_test(test_load_all),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
