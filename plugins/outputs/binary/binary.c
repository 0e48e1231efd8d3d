/* binary output: the Argus 3 binary record stream (argus -w, ra -r/-w),
 * byte compatible with Argus 3.0.8.  Writer in encode.c, reader in decode.c. */
#include <stdio.h>
#include <stdlib.h>

#include "wire.h"

struct binary_state {
	const struct argus_host *host;
};

static int binary_init(const struct argus_host *host, void **state, char *err, size_t errlen)
{
	struct binary_state *s;

	*state = NULL;
	if (host && host->abi_major != ARGUS_ABI_MAJOR) {
		snprintf(err, errlen, "host ABI %u, plugin built for %u", (unsigned)host->abi_major,
			 (unsigned)ARGUS_ABI_MAJOR);
		return ARGUS_EINVAL;
	}
	s = malloc(sizeof *s);
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return ARGUS_ENOMEM;
	}
	s->host = host;
	*state = s;
	return 0;
}

static void binary_fini(void *state)
{
	free(state);
}

static const struct argus_output_ops binary_ops = {
	.open = argus_binary_open,
	.write = argus_binary_write,
	.flush = argus_binary_flush,
	.close = argus_binary_close,
	.read_open = argus_binary_read_open,
	.read_next = argus_binary_read_next,
	.read_offset = argus_binary_read_offset,
	.read_close = argus_binary_read_close,
	.encode = argus_binary_encode,
};

static const struct argus_plugin binary_plugin = {
	.abi_major = ARGUS_ABI_MAJOR,
	.abi_minor = ARGUS_ABI_MINOR,
	.size = sizeof(struct argus_plugin),
	.kind = ARGUS_PLUGIN_OUTPUT,
	.name = "binary",
	.version = "1.0",
	.summary = "Argus 3 binary record stream (read and write, Argus 3.0.8 compatible)",
	.init = binary_init,
	.fini = binary_fini,
	.ops.output = &binary_ops,
};

ARGUS_PLUGIN_DEFINE(binary, binary_plugin)
