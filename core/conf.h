/* Configuration: argus.conf-style VARIABLE=value pairs.  Later sets win, so
 * load the file first and apply command-line options after it. */
#ifndef ARGUS_CORE_CONF_H
#define ARGUS_CORE_CONF_H

#include <stddef.h>

/* Parse an argus.conf file.  Unknown variables are kept (plugins may ask for
 * them); a malformed line is an error naming file and line.  Returns 0 or
 * ARGUS_EINVAL/ARGUS_EIO with the message in err. */
int argus_config_load_file(const char *path, char *err, size_t errlen);
/* Parse one "VAR=value" text (quotes and comments as in argus.conf). */
int argus_config_load_line(const char *line, const char *file, unsigned lineno,
			   char *err, size_t errlen);
int argus_config_set(const char *key, const char *value);
const char *argus_config_get(const char *key);
/* "FILE: line N: " where KEY was set into buf (empty if not from a file);
 * returns 1 if it was set from a file. */
int argus_config_where(const char *key, char *buf, size_t buflen);
/* yes/no/true/false/1/0/on/off; def if unset; -1 never returned */
int argus_config_get_bool(const char *key, int def);
/* The same, strict: ARGUS_EINVAL with "FILE: line N: KEY: ..." in err for
 * any other value. */
int argus_config_get_bool_checked(const char *key, int def, int *out, char *err, size_t errlen);
/* def if unset; ARGUS_EINVAL if not a number in [min, max] (the message
 * names the file and line the value came from). */
int argus_config_get_long(const char *key, long def, long min, long max, long *out,
			  char *err, size_t errlen);
void argus_config_clear(void);
/* Every variable set in a file that neither the program nor a plugin has
 * looked up (argus_config_get) so far: for "unknown variable" warnings. */
typedef void (*argus_config_visit_fn)(void *ctx, const char *key, const char *value,
				      const char *file, unsigned line);
void argus_config_foreach_unasked(argus_config_visit_fn fn, void *ctx);

#endif
