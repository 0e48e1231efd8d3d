/* argus.conf-style configuration store: VARIABLE=value, later sets win. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <argus/plugin.h>

#include "conf.h"

#define CONFIG_MAX_ENTRIES 512
#define CONFIG_MAX_LINE 4096

struct config_entry {
	char *key;
	char *value;
};

static struct config_entry entries[CONFIG_MAX_ENTRIES];
static size_t n_entries;

void argus_config_clear(void)
{
	for (size_t i = 0; i < n_entries; i++) {
		free(entries[i].key);
		free(entries[i].value);
	}
	n_entries = 0;
}

int argus_config_set(const char *key, const char *value)
{
	for (size_t i = 0; i < n_entries; i++) {
		if (strcmp(entries[i].key, key) == 0) {
			char *v = strdup(value);
			if (!v)
				return ARGUS_ENOMEM;
			free(entries[i].value);
			entries[i].value = v;
			return 0;
		}
	}
	if (n_entries == CONFIG_MAX_ENTRIES)
		return ARGUS_ENOMEM;
	entries[n_entries].key = strdup(key);
	entries[n_entries].value = strdup(value);
	if (!entries[n_entries].key || !entries[n_entries].value) {
		free(entries[n_entries].key);
		free(entries[n_entries].value);
		return ARGUS_ENOMEM;
	}
	n_entries++;
	return 0;
}

const char *argus_config_get(const char *key)
{
	for (size_t i = 0; i < n_entries; i++)
		if (strcmp(entries[i].key, key) == 0)
			return entries[i].value;
	return NULL;
}

int argus_config_get_bool(const char *key, int def)
{
	const char *v = argus_config_get(key);
	if (!v || !*v)
		return def;
	if (!strcasecmp(v, "yes") || !strcasecmp(v, "true") || !strcasecmp(v, "on") ||
	    !strcmp(v, "1"))
		return 1;
	if (!strcasecmp(v, "no") || !strcasecmp(v, "false") || !strcasecmp(v, "off") ||
	    !strcmp(v, "0"))
		return 0;
	return def;
}

int argus_config_get_long(const char *key, long def, long min, long max, long *out, char *err,
			  size_t errlen)
{
	const char *v = argus_config_get(key);
	char *end;
	long n;

	if (!v || !*v) {
		*out = def;
		return 0;
	}
	errno = 0;
	n = strtol(v, &end, 10);
	while (*end && isspace((unsigned char)*end))
		end++;
	if (errno || end == v || *end || n < min || n > max) {
		snprintf(err, errlen, "%s: '%s' is not a number from %ld to %ld", key, v, min, max);
		return ARGUS_EINVAL;
	}
	*out = n;
	return 0;
}

int argus_config_load_line(const char *line, const char *file, unsigned lineno, char *err,
			   size_t errlen)
{
	char key[128], value[CONFIG_MAX_LINE];
	const char *p = line;
	size_t k = 0, v = 0;

	while (isspace((unsigned char)*p))
		p++;
	if (*p == '\0' || *p == '#')
		return 0;
	if (!(isalpha((unsigned char)*p) || *p == '_'))
		goto malformed;
	while (isalnum((unsigned char)*p) || *p == '_') {
		if (k + 1 >= sizeof key)
			goto malformed;
		key[k++] = *p++;
	}
	key[k] = '\0';
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != '=')
		goto malformed;
	p++;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '"' || *p == '\'') {
		char q = *p++;
		while (*p && *p != q) {
			if (v + 1 >= sizeof value)
				goto malformed;
			value[v++] = *p++;
		}
		if (*p != q)
			goto malformed;
		p++;
		while (isspace((unsigned char)*p))
			p++;
		if (*p && *p != '#')
			goto malformed;
	} else {
		while (*p && *p != '#' && *p != '\n' && *p != '\r') {
			if (v + 1 >= sizeof value)
				goto malformed;
			value[v++] = *p++;
		}
		while (v > 0 && isspace((unsigned char)value[v - 1]))
			v--;
	}
	value[v] = '\0';
	if (argus_config_set(key, value) != 0) {
		snprintf(err, errlen, "%s: line %u: too many configuration variables", file, lineno);
		return ARGUS_ENOMEM;
	}
	return 0;
malformed:
	snprintf(err, errlen, "%s: line %u: expected VARIABLE=value", file, lineno);
	return ARGUS_EINVAL;
}

int argus_config_load_file(const char *path, char *err, size_t errlen)
{
	char line[CONFIG_MAX_LINE];
	unsigned lineno = 0;
	FILE *f = fopen(path, "r");
	int rc = 0;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return ARGUS_EIO;
	}
	while (fgets(line, sizeof line, f)) {
		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			snprintf(err, errlen, "%s: line %u: line too long", path, lineno);
			rc = ARGUS_EINVAL;
			break;
		}
		rc = argus_config_load_line(line, path, lineno, err, errlen);
		if (rc)
			break;
	}
	if (!rc && ferror(f)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		rc = ARGUS_EIO;
	}
	fclose(f);
	return rc;
}
