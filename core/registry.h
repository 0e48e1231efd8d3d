/* Plugin registry on libltdl.  Modules are found in plugin roots (each with
 * decoders/, outputs/, filters/), searched in order: the --plugin-dir
 * folders, then ARGUS_PLUGIN_PATH (colon-separated), then the installed
 * root.  A module is loaded only by absolute path. */
#ifndef ARGUS_CORE_REGISTRY_H
#define ARGUS_CORE_REGISTRY_H

#include <stddef.h>
#include <stdio.h>

#include <argus/plugin.h>

struct argus_module {
	const struct argus_plugin *desc;
	void *state; /* from desc->init */
	char *path;  /* absolute path of the file loaded */
	void *handle;
};

/* Add a root searched before the environment and the installed root
 * (--plugin-dir, repeatable; a colon-separated list is accepted). */
int argus_registry_add_root(const char *dir, char *err, size_t errlen);
int argus_registry_init(char *err, size_t errlen);
void argus_registry_fini(void);

/* Load (once) and initialise the module NAME of KIND.  NULL with a message
 * in err ("no output module 'xml' (looked in ...)") if it cannot. */
const struct argus_module *argus_registry_get(enum argus_plugin_kind kind, const char *name,
					      char *err, size_t errlen);
/* Load every module of KIND found in the roots.  Modules that are refused
 * (wrong ABI, bad name, duplicates) are reported through the log and
 * counted in *refused; returns the number loaded. */
size_t argus_registry_load_all(enum argus_plugin_kind kind, size_t *refused);
size_t argus_registry_count(void);
/* Another state of the loaded module M, from init() again, for a second
 * thread (argus --threads); freed with argus_registry_free_state. */
int argus_registry_new_state(const struct argus_module *m, void **state, char *err,
			     size_t errlen);
void argus_registry_free_state(const struct argus_module *m, void *state);
const struct argus_module *argus_registry_at(size_t index);
/* Print the loaded modules: name, kind, version, ABI, path. */
void argus_registry_print(FILE *out);
/* Load every module of every kind, then print them (--list-plugins). */
void argus_registry_print_all(FILE *out);
const char *argus_plugin_kind_name(enum argus_plugin_kind kind);

#endif
