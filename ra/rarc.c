/* ra configuration files: the same VARIABLE=value syntax as argus.conf. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <argus/plugin.h>

#include "core/conf.h"
#include "rarc.h"

int ra_rarc_load(const char *path, struct ra_settings *s, char *err, size_t errlen)
{
	const char *v;
	int rc = argus_config_load_file(path, err, errlen);

	if (rc != 0)
		return rc;
	if ((v = argus_config_get("RA_FIELD_SPECIFIER")) && *v)
		s->fields = v;
	if ((v = argus_config_get("RA_FIELD_DELIMITER")) && *v) {
		if (strlen(v) != 1 && strcmp(v, "\\t") != 0) {
			snprintf(err, errlen, "%s: RA_FIELD_DELIMITER must be one character", path);
			return ARGUS_EINVAL;
		}
		s->separator = strcmp(v, "\\t") == 0 ? '\t' : v[0];
	}
	if (argus_config_get_bool("RA_PRINT_UNIX_TIME", 0))
		s->unix_time = 1;
	if ((v = argus_config_get("RA_TIME_FORMAT")) && strcmp(v, "%s") == 0)
		s->unix_time = 1;
	if (!argus_config_get_bool("RA_PRINT_HOSTNAMES", 0))
		s->numeric = 1;
	return 0;
}
