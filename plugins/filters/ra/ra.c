/* ra filter plugin: the Argus 3 ra filter language over records.
 * The expression is compiled once (parser.c) into a branch program that
 * match() runs without allocating (eval.c). */
#include <stdio.h>
#include <stdlib.h>

#include <argus/plugin.h>

#include "ast.h"

struct ra_state {
	const struct argus_host *host;
};

static int ra_init(const struct argus_host *host, void **state, char *err, size_t errlen)
{
	struct ra_state *st = calloc(1, sizeof *st);

	if (!st) {
		snprintf(err, errlen, "out of memory");
		return ARGUS_ENOMEM;
	}
	st->host = host;
	*state = st;
	return ARGUS_OK;
}

static void ra_fini(void *state)
{
	free(state);
}

static int ra_compile(void *state, const char *expr, void **program, char *err, size_t errlen)
{
	const struct ra_state *st = state;
	struct argus_rafilter_program *prog = NULL;
	int rc = argus_rafilter_compile(st ? st->host : NULL, expr, &prog, err, errlen);

	*program = prog;
	return rc;
}

static int ra_match(const void *program, const struct argus_record *rec)
{
	return argus_rafilter_match(program, rec);
}

static void ra_free(void *program)
{
	free(program);
}

static const struct argus_filter_ops ra_ops = {
	.compile = ra_compile,
	.match = ra_match,
	.free = ra_free,
};

static const struct argus_plugin ra_plugin = {
	.abi_major = ARGUS_ABI_MAJOR,
	.abi_minor = ARGUS_ABI_MINOR,
	.size = sizeof(struct argus_plugin),
	.kind = ARGUS_PLUGIN_FILTER,
	.name = "ra",
	.version = "1.0",
	.summary = "Argus ra filter language (host, net, port, proto, flags, field comparisons)",
	.init = ra_init,
	.fini = ra_fini,
	.ops = {.filter = &ra_ops},
};

ARGUS_PLUGIN_DEFINE(ra, ra_plugin)
