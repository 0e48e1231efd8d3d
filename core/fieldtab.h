/* The field table (see include/argus/field.h): built-in fields, fields
 * registered by plugins, look-up, formatting and -s list parsing. */
#ifndef ARGUS_CORE_FIELDTAB_H
#define ARGUS_CORE_FIELDTAB_H

#include <stddef.h>

#include <argus/field.h>

/* Names ra prints when no -s is given. */
extern const char *const argus_default_field_names[];
extern const size_t argus_default_field_count;

const struct argus_field *argus_field_find(const char *name);
size_t argus_field_count(void);
const struct argus_field *argus_field_at(size_t index);
/* Fields argus-ng itself defines: argus_field_at(0 .. count-1); plugins'
 * fields follow. */
size_t argus_field_builtin_count(void);
int argus_field_register(const struct argus_field *f, char *err, size_t errlen);
/* Forget every registered field (before the plugins that own them are
 * unloaded; tests).  Built-in fields stay. */
void argus_fields_reset(void);

/* Text for V in STYLE; returns the length (buf always NUL-terminated). */
size_t argus_field_format(const struct argus_field *f, const struct argus_value *v,
			  enum argus_format_style style, char *buf, size_t buflen);

/* Parse ra's -s arguments: WORDS are either comma-separated lists or single
 * names ("-s stime saddr" or "-s stime,saddr").  Argus modifiers: a list
 * whose first item starts with '+' or '-' edits the default list (add at
 * the end / remove).  "name:width" sets nothing here but is accepted.
 * On success *out is a malloc'd array the caller frees. */
int argus_fields_parse(const char *const *words, size_t nwords,
		       const struct argus_field ***out, size_t *nout, char *err, size_t errlen);

#endif
