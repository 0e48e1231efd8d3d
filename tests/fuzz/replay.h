/* Replay mode of the fuzz targets (built without libFuzzer): read input
 * files, run one file or every regular file of a directory in name order,
 * and report a crash with the name of the input that caused it. */
#ifndef ARGUS_TESTS_FUZZ_REPLAY_H
#define ARGUS_TESTS_FUZZ_REPLAY_H

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The target's "input being run" variable, named in crash reports. */
static const char *const *replay_name;

static void replay_on_crash(int sig)
{
	static const char msg[] = "not ok - crashed on input ";
	const char *name = *replay_name;

	if (write(STDOUT_FILENO, msg, sizeof msg - 1) < 0 ||
	    write(STDOUT_FILENO, name, strlen(name)) < 0 || write(STDOUT_FILENO, "\n", 1) < 0)
		_exit(128 + sig);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Report a crash as a TAP line naming *NAME, then die of the signal. */
static void replay_catch_crashes(const char *const *name)
{
	static const int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};

	replay_name = name;
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		signal(sigs[i], replay_on_crash);
}

/* Read at most MAX bytes of PATH into *BUF (MAX bytes, allocated on first
 * use; the caller frees it).  0 with the length in *LEN, or -1. */
static int replay_read_file(const char *path, uint8_t **buf, size_t max, size_t *len)
{
	ssize_t n;
	int fd;

	*len = 0;
	if (!*buf && !(*buf = malloc(max)))
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while (*len < max && (n = read(fd, *buf + *len, max - *len)) > 0)
		*len += (size_t)n;
	close(fd);
	return 0;
}

/* Run PATH, a file or every regular file of a directory in name order,
 * through RUN_FILE and count the inputs.  Returns 0, or -1 when a path
 * cannot be read or an input fails. */

static int replay_cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay_path(const char *path, int (*run_file)(const char *), unsigned *count)
{
	struct stat st;
	struct dirent *e;
	char **names = NULL, full[4096];
	size_t n = 0, cap = 0, i;
	DIR *d;
	int rc = 0;

	if (stat(path, &st) != 0)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		if (run_file(path) != 0)
			return -1;
		(*count)++;
		return 0;
	}
	if (!(d = opendir(path)))
		return -1;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			char **more = realloc(names, (cap = cap ? 2 * cap : 64) * sizeof *names);

			if (!more) {
				rc = -1;
				break;
			}
			names = more;
		}
		if (!(names[n] = strdup(e->d_name))) {
			rc = -1;
			break;
		}
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof *names, replay_cmp_names);
	for (i = 0; i < n; i++) {
		snprintf(full, sizeof full, "%s/%s", path, names[i]);
		if (rc == 0 && stat(full, &st) == 0 && S_ISREG(st.st_mode)) {
			if (run_file(full) != 0)
				rc = -1;
			else
				(*count)++;
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

#endif
