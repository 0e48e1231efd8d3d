/* The host function table handed to plugins. */
#include "config.h"

#include <argus/plugin.h>

#include "conf.h"
#include "fieldtab.h"
#include "host.h"
#include "log.h"

static const struct argus_host host_table = {
	.abi_major = ARGUS_ABI_MAJOR,
	.abi_minor = ARGUS_ABI_MINOR,
	.size = sizeof(struct argus_host),
	.log = argus_log_plugin,
	.config_get = argus_config_get,
	.field_register = argus_field_register,
	.field_find = argus_field_find,
	.field_count = argus_field_count,
	.field_at = argus_field_at,
	.field_format = argus_field_format,
};

const struct argus_host *argus_host_get(void) { return &host_table; }
