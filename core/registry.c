/* Plugin registry on libltdl: finds modules in the plugin roots, loads them
 * by absolute path, checks their descriptors and initialises them. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <ltdl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <argus/plugin.h>

#include "fieldtab.h"
#include "host.h"
#include "log.h"
#include "registry.h"

#ifndef ARGUS_PLUGIN_ROOT
#define ARGUS_PLUGIN_ROOT "/usr/local/lib/argus-ng/plugins"
#endif

#define MAX_ROOTS 32
#define MAX_MODULES 256

static char *roots[MAX_ROOTS];
static size_t n_roots;
static size_t n_cli_roots; /* roots given with --plugin-dir come first */
static struct argus_module modules[MAX_MODULES];
static size_t n_modules;
static int ltdl_ready;

static const char *kind_dir(enum argus_plugin_kind kind)
{
	switch (kind) {
	case ARGUS_PLUGIN_DECODER:
		return "decoders";
	case ARGUS_PLUGIN_OUTPUT:
		return "outputs";
	case ARGUS_PLUGIN_FILTER:
		return "filters";
	}
	return "?";
}

const char *argus_plugin_kind_name(enum argus_plugin_kind kind)
{
	switch (kind) {
	case ARGUS_PLUGIN_DECODER:
		return "decoder";
	case ARGUS_PLUGIN_OUTPUT:
		return "output";
	case ARGUS_PLUGIN_FILTER:
		return "filter";
	}
	return "?";
}

static int valid_name(const char *name)
{
	if (!name || !*name)
		return 0;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return 0;
	return strlen(name) <= 64;
}

static int add_root_at(size_t pos, const char *dir, char *err, size_t errlen)
{
	char abs[PATH_MAX];
	char *copy;

	if (!*dir)
		return 0;
	if (dir[0] == '/') {
		if (strlen(dir) >= sizeof abs)
			goto toolong;
		strcpy(abs, dir);
	} else {
		char cwd[PATH_MAX];
		if (!getcwd(cwd, sizeof cwd) ||
		    (size_t)snprintf(abs, sizeof abs, "%s/%s", cwd, dir) >= sizeof abs)
			goto toolong;
	}
	for (size_t i = 0; i < n_roots; i++)
		if (strcmp(roots[i], abs) == 0)
			return 0;
	if (n_roots == MAX_ROOTS) {
		snprintf(err, errlen, "too many plugin folders (at most %d)", MAX_ROOTS);
		return ARGUS_EINVAL;
	}
	copy = strdup(abs);
	if (!copy)
		return ARGUS_ENOMEM;
	memmove(&roots[pos + 1], &roots[pos], (n_roots - pos) * sizeof roots[0]);
	roots[pos] = copy;
	n_roots++;
	return 0;
toolong:
	snprintf(err, errlen, "plugin folder name too long: %s", dir);
	return ARGUS_EINVAL;
}

static int add_root_list(size_t *pos, const char *list, char *err, size_t errlen)
{
	char buf[PATH_MAX];
	const char *p = list;

	while (*p) {
		const char *colon = strchr(p, ':');
		size_t len = colon ? (size_t)(colon - p) : strlen(p);
		int rc;
		if (len >= sizeof buf) {
			snprintf(err, errlen, "plugin folder name too long");
			return ARGUS_EINVAL;
		}
		memcpy(buf, p, len);
		buf[len] = '\0';
		size_t before = n_roots;
		rc = add_root_at(*pos, buf, err, errlen);
		if (rc)
			return rc;
		*pos += n_roots - before;
		p += len;
		if (*p == ':')
			p++;
	}
	return 0;
}

int argus_registry_add_root(const char *dir, char *err, size_t errlen)
{
	return add_root_list(&n_cli_roots, dir, err, errlen);
}

int argus_registry_init(char *err, size_t errlen)
{
	const char *env = getenv("ARGUS_PLUGIN_PATH");
	size_t pos = n_roots;
	int rc;

	if (!ltdl_ready) {
		if (lt_dlinit() != 0) {
			snprintf(err, errlen, "cannot initialise libltdl: %s", lt_dlerror());
			return ARGUS_EIO;
		}
		ltdl_ready = 1;
	}
	if (env && (rc = add_root_list(&pos, env, err, errlen)) != 0)
		return rc;
	return add_root_list(&pos, ARGUS_PLUGIN_ROOT, err, errlen);
}

void argus_registry_fini(void)
{
	/* registered fields point into module memory */
	argus_fields_reset();
	for (size_t i = n_modules; i-- > 0;) {
		struct argus_module *m = &modules[i];
		if (m->desc && m->desc->fini)
			m->desc->fini(m->state);
		if (m->handle)
			lt_dlclose((lt_dlhandle)m->handle);
		free(m->path);
	}
	n_modules = 0;
	for (size_t i = 0; i < n_roots; i++)
		free(roots[i]);
	n_roots = n_cli_roots = 0;
	if (ltdl_ready) {
		lt_dlexit();
		ltdl_ready = 0;
	}
}

static struct argus_module *find_loaded(enum argus_plugin_kind kind, const char *name)
{
	for (size_t i = 0; i < n_modules; i++)
		if (modules[i].desc->kind == (uint32_t)kind && strcmp(modules[i].desc->name, name) == 0)
			return &modules[i];
	return NULL;
}

/* Path of module NAME in ROOT: the libtool archive if there is one (build
 * tree and default installs), else the shared object. */
static int module_path(const char *root, enum argus_plugin_kind kind, const char *name,
		       char *path, size_t len)
{
	static const char *const exts[] = {".la", ".so"};
	struct stat st;

	for (size_t i = 0; i < 2; i++) {
		if ((size_t)snprintf(path, len, "%s/%s/%s%s", root, kind_dir(kind), name, exts[i]) >= len)
			return 0;
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
			return 1;
	}
	return 0;
}

/* Plugins run as root inside the monitor: a module anyone may replace is a
 * way in. */
static int check_file_trust(const char *path, char *err, size_t errlen);

/* A libtool archive names the shared object libltdl really loads
 * (dlname='x.so', beside it or in .libs/): that file must be safe too. */
static int check_archive_target(const char *la_path, char *err, size_t errlen)
{
	char line[512], dlname[256] = "", dir[PATH_MAX], target[PATH_MAX];
	const char *slash = strrchr(la_path, '/');
	FILE *f = fopen(la_path, "r");
	int rc = 0;

	if (!f)
		return 0; /* the stat in check_file_trust reports it */
	for (int n = 0; n < 400 && fgets(line, sizeof line, f); n++)
		if (sscanf(line, "dlname='%255[^'/]'", dlname) == 1)
			break;
	fclose(f);
	if (!dlname[0] || !slash)
		return 0;
	snprintf(dir, sizeof dir, "%.*s", (int)(slash - la_path), la_path);
	if ((size_t)snprintf(target, sizeof target, "%s/%s", dir, dlname) < sizeof target &&
	    access(target, F_OK) == 0)
		rc = check_file_trust(target, err, errlen);
	if (rc == 0 &&
	    (size_t)snprintf(target, sizeof target, "%s/.libs/%s", dir, dlname) < sizeof target &&
	    access(target, F_OK) == 0)
		rc = check_file_trust(target, err, errlen);
	return rc;
}

static int check_trust(const char *path, char *err, size_t errlen)
{
	size_t len = strlen(path);
	int rc = check_file_trust(path, err, errlen);

	if (rc == 0 && len > 3 && strcmp(path + len - 3, ".la") == 0)
		rc = check_archive_target(path, err, errlen);
	return rc;
}

static int check_file_trust(const char *path, char *err, size_t errlen)
{
	struct stat st;
	char dir[PATH_MAX];
	char *slash;

	if (stat(path, &st) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return ARGUS_EIO;
	}
	if (st.st_mode & S_IWOTH) {
		snprintf(err, errlen, "%s: refused: the file is writable by other users", path);
		return ARGUS_EINVAL;
	}
	snprintf(dir, sizeof dir, "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (stat(dir, &st) == 0 && (st.st_mode & S_IWOTH) && !(st.st_mode & S_ISVTX)) {
			snprintf(err, errlen, "%s: refused: its folder %s is writable by other users",
				 path, dir);
			return ARGUS_EINVAL;
		}
	}
	return 0;
}

static struct argus_module *load_file(const char *path, enum argus_plugin_kind kind,
				      const char *name, char *err, size_t errlen)
{
	lt_dlhandle h;
	argus_plugin_entry_fn entry;
	const struct argus_plugin *d;
	struct argus_module *m;
	void *state = NULL;
	char perr[256] = "";
	int rc;

	if (n_modules == MAX_MODULES) {
		snprintf(err, errlen, "%s: too many modules", path);
		return NULL;
	}
	if (check_trust(path, err, errlen) != 0)
		return NULL;
	h = lt_dlopen(path);
	if (!h) {
		snprintf(err, errlen, "%s: cannot load: %s", path, lt_dlerror());
		return NULL;
	}
	/* libltdl looks up NAME_LTX_argus_plugin_entry first */
	entry = (argus_plugin_entry_fn)(uintptr_t)lt_dlsym(h, ARGUS_PLUGIN_ENTRY_SYMBOL);
	if (!entry) {
		snprintf(err, errlen, "%s: refused: no %s_LTX_%s symbol", path, name,
			 ARGUS_PLUGIN_ENTRY_SYMBOL);
		goto fail;
	}
	d = entry();
	if (!d) {
		snprintf(err, errlen, "%s: refused: no descriptor", path);
		goto fail;
	}
	if (d->abi_major != ARGUS_ABI_MAJOR || d->abi_minor > ARGUS_ABI_MINOR) {
		snprintf(err, errlen, "%s: refused: built for plugin ABI %u.%u, this program has %u.%u",
			 path, d->abi_major, d->abi_minor, ARGUS_ABI_MAJOR, ARGUS_ABI_MINOR);
		goto fail;
	}
	if (d->size < sizeof(struct argus_plugin)) {
		snprintf(err, errlen, "%s: refused: descriptor of %u bytes, expected at least %zu",
			 path, d->size, sizeof(struct argus_plugin));
		goto fail;
	}
	if (d->kind != (uint32_t)kind) {
		snprintf(err, errlen, "%s: refused: a %s module in the %s folder", path,
			 argus_plugin_kind_name((enum argus_plugin_kind)d->kind), kind_dir(kind));
		goto fail;
	}
	if (!valid_name(d->name) || strcmp(d->name, name) != 0) {
		snprintf(err, errlen, "%s: refused: declares the name '%s', expected '%s'", path,
			 d->name ? d->name : "(null)", name);
		goto fail;
	}
	if (find_loaded(kind, name)) {
		snprintf(err, errlen, "%s: refused: a %s module named '%s' is already loaded", path,
			 argus_plugin_kind_name(kind), name);
		goto fail;
	}
	if (!d->init || !d->ops.decoder) {
		snprintf(err, errlen, "%s: refused: descriptor without init or operations", path);
		goto fail;
	}
	rc = d->init(argus_host_get(), &state, perr, sizeof perr);
	if (rc != 0) {
		snprintf(err, errlen, "%s: %s", name, perr[0] ? perr : "initialisation failed");
		goto fail;
	}
	m = &modules[n_modules++];
	m->desc = d;
	m->state = state;
	m->handle = h;
	m->path = strdup(path);
	return m;
fail:
	lt_dlclose(h);
	return NULL;
}

int argus_registry_new_state(const struct argus_module *m, void **state, char *err,
			     size_t errlen)
{
	char perr[512] = "";

	*state = NULL;
	if (m->desc->init(argus_host_get(), state, perr, sizeof perr) != 0) {
		snprintf(err, errlen, "%s: %s", m->desc->name, perr[0] ? perr : "initialisation failed");
		return -1;
	}
	return 0;
}

void argus_registry_free_state(const struct argus_module *m, void *state)
{
	if (m->desc->fini)
		m->desc->fini(state);
}

const struct argus_module *argus_registry_get(enum argus_plugin_kind kind, const char *name,
					      char *err, size_t errlen)
{
	char path[PATH_MAX];
	struct argus_module *m = find_loaded(kind, name);

	if (m)
		return m;
	if (!valid_name(name)) {
		snprintf(err, errlen, "'%s' is not a valid %s name", name, argus_plugin_kind_name(kind));
		return NULL;
	}
	for (size_t i = 0; i < n_roots; i++)
		if (module_path(roots[i], kind, name, path, sizeof path))
			return load_file(path, kind, name, err, errlen);
	{
		size_t off = (size_t)snprintf(err, errlen, "no %s module '%s' (looked in",
					      argus_plugin_kind_name(kind), name);
		for (size_t i = 0; i < n_roots && off < errlen; i++)
			off += (size_t)snprintf(err + off, errlen - off, "%s %s/%s", i ? "," : "",
						roots[i], kind_dir(kind));
		if (off < errlen)
			snprintf(err + off, errlen - off, ")");
	}
	return NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

size_t argus_registry_load_all(enum argus_plugin_kind kind, size_t *refused)
{
	size_t loaded = 0;

	if (refused)
		*refused = 0;
	for (size_t r = 0; r < n_roots; r++) {
		char dirpath[PATH_MAX], path[PATH_MAX];
		char *names[MAX_MODULES];
		size_t n = 0;
		DIR *dir;
		struct dirent *de;

		snprintf(dirpath, sizeof dirpath, "%s/%s", roots[r], kind_dir(kind));
		dir = opendir(dirpath);
		if (!dir)
			continue;
		while ((de = readdir(dir)) != NULL && n < MAX_MODULES) {
			size_t len = strlen(de->d_name);
			if (len < 4 || (strcmp(de->d_name + len - 3, ".la") != 0 &&
					strcmp(de->d_name + len - 3, ".so") != 0))
				continue;
			names[n] = strndup(de->d_name, len - 3);
			if (names[n])
				n++;
		}
		closedir(dir);
		qsort(names, n, sizeof names[0], cmp_str);
		for (size_t i = 0; i < n; i++) {
			char err[512];
			if ((i > 0 && strcmp(names[i], names[i - 1]) == 0) ||
			    find_loaded(kind, names[i]))
				continue; /* same module as .la and .so, or shadowed by an earlier root */
			if (!module_path(roots[r], kind, names[i], path, sizeof path))
				continue;
			if (load_file(path, kind, names[i], err, sizeof err)) {
				loaded++;
			} else {
				argus_log(ARGUS_LOG_WARNING, "%s", err);
				if (refused)
					(*refused)++;
			}
		}
		for (size_t i = 0; i < n; i++)
			free(names[i]);
	}
	return loaded;
}

size_t argus_registry_count(void) { return n_modules; }

const struct argus_module *argus_registry_at(size_t index)
{
	return index < n_modules ? &modules[index] : NULL;
}

void argus_registry_print(FILE *out)
{
	static const enum argus_plugin_kind kinds[] = {ARGUS_PLUGIN_DECODER, ARGUS_PLUGIN_OUTPUT,
						       ARGUS_PLUGIN_FILTER};
	fprintf(out, "%-8s %-10s %-8s %-5s %s\n", "KIND", "NAME", "VERSION", "ABI", "PATH");
	for (size_t k = 0; k < 3; k++)
		for (size_t i = 0; i < n_modules; i++) {
			const struct argus_plugin *d = modules[i].desc;
			if (d->kind != (uint32_t)kinds[k])
				continue;
			fprintf(out, "%-8s %-10s %-8s %u.%-3u %s\n", argus_plugin_kind_name(kinds[k]),
				d->name, d->version ? d->version : "-", d->abi_major, d->abi_minor,
				modules[i].path);
			if (d->summary)
				fprintf(out, "%-8s %-10s %s\n", "", "", d->summary);
		}
	fprintf(out, "plugin folders searched:");
	for (size_t i = 0; i < n_roots; i++)
		fprintf(out, " %s", roots[i]);
	fputc('\n', out);
}

void argus_registry_print_all(FILE *out)
{
	argus_registry_load_all(ARGUS_PLUGIN_DECODER, NULL);
	argus_registry_load_all(ARGUS_PLUGIN_OUTPUT, NULL);
	argus_registry_load_all(ARGUS_PLUGIN_FILTER, NULL);
	argus_registry_print(out);
}
