/* A module that claims another ABI major version: the registry must refuse
 * it with a message naming the file. */
#include <argus/plugin.h>

static int badabi_init(const struct argus_host *host, void **state, char *err, size_t errlen)
{
	(void)host;
	(void)err;
	(void)errlen;
	*state = 0;
	return 0;
}

static const struct argus_output_ops badabi_ops = {0};

static const struct argus_plugin badabi_plugin = {
	.abi_major = 99,
	.abi_minor = 0,
	.size = sizeof(struct argus_plugin),
	.kind = ARGUS_PLUGIN_OUTPUT,
	.name = "badabi",
	.version = "0",
	.summary = "refused: built for another ABI",
	.init = badabi_init,
	.ops.output = &badabi_ops,
};

ARGUS_PLUGIN_DEFINE(badabi, badabi_plugin)
