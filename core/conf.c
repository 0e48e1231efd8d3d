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
	char *file;     /* where it was set, NULL if not from a file */
	unsigned line;
	int asked;      /* looked up by the program or a plugin */
};

static struct config_entry entries[CONFIG_MAX_ENTRIES];
static size_t n_entries;

void argus_config_clear(void)
{
	for (size_t i = 0; i < n_entries; i++) {
		free(entries[i].key);
		free(entries[i].value);
		free(entries[i].file);
	}
	n_entries = 0;
}

static int config_set_at(const char *key, const char *value, const char *file, unsigned line)
{
	char *v = strdup(value), *f = file ? strdup(file) : NULL;
	struct config_entry *e = NULL;

	if (!v || (file && !f))
		goto nomem;
	for (size_t i = 0; i < n_entries; i++)
		if (strcmp(entries[i].key, key) == 0)
			e = &entries[i];
	if (!e) {
		char *k;
		if (n_entries == CONFIG_MAX_ENTRIES || !(k = strdup(key)))
			goto nomem;
		e = &entries[n_entries++];
		e->key = k;
		e->value = NULL;
		e->file = NULL;
	}
	free(e->value);
	free(e->file);
	e->value = v;
	e->file = f;
	e->line = line;
	e->asked = 0;
	return 0;
nomem:
	free(v);
	free(f);
	return ARGUS_ENOMEM;
}

int argus_config_set(const char *key, const char *value)
{
	return config_set_at(key, value, NULL, 0);
}

static struct config_entry *config_find(const char *key)
{
	for (size_t i = 0; i < n_entries; i++)
		if (strcmp(entries[i].key, key) == 0)
			return &entries[i];
	return NULL;
}

const char *argus_config_get(const char *key)
{
	struct config_entry *e = config_find(key);

	if (!e)
		return NULL;
	e->asked = 1;
	return e->value;
}

void argus_config_foreach_unasked(argus_config_visit_fn fn, void *ctx)
{
	for (size_t i = 0; i < n_entries; i++)
		if (!entries[i].asked && entries[i].file)
			fn(ctx, entries[i].key, entries[i].value, entries[i].file, entries[i].line);
}

int argus_config_where(const char *key, char *buf, size_t buflen)
{
	const struct config_entry *e = config_find(key);

	if (buflen)
		buf[0] = '\0';
	if (!e || !e->file)
		return 0;
	snprintf(buf, buflen, "%s: line %u: ", e->file, e->line);
	return 1;
}

static int parse_bool(const char *v)
{
	if (!strcasecmp(v, "yes") || !strcasecmp(v, "true") || !strcasecmp(v, "on") ||
	    !strcmp(v, "1"))
		return 1;
	if (!strcasecmp(v, "no") || !strcasecmp(v, "false") || !strcasecmp(v, "off") ||
	    !strcmp(v, "0"))
		return 0;
	return -1;
}

int argus_config_get_bool(const char *key, int def)
{
	const char *v = argus_config_get(key);
	int b;

	if (!v || !*v)
		return def;
	b = parse_bool(v);
	return b < 0 ? def : b;
}

int argus_config_get_bool_checked(const char *key, int def, int *out, char *err, size_t errlen)
{
	const char *v = argus_config_get(key);
	int b;

	if (!v || !*v) {
		*out = def;
		return 0;
	}
	if ((b = parse_bool(v)) < 0) {
		char where[CONFIG_MAX_LINE / 4];
		argus_config_where(key, where, sizeof where);
		snprintf(err, errlen, "%s%s: '%s' is not yes or no", where, key, v);
		return ARGUS_EINVAL;
	}
	*out = b;
	return 0;
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
		char where[CONFIG_MAX_LINE / 4];
		argus_config_where(key, where, sizeof where);
		snprintf(err, errlen, "%s%s: '%s' is not a number from %ld to %ld", where, key, v, min,
			 max);
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
	if (config_set_at(key, value, file, lineno) != 0) {
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
