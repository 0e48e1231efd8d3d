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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The target's "input being run" variable, named in crash reports. */
static const char **replay_name;

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
static void replay_catch_crashes(const char **name)
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

/* The file buffer of replay_file, and the most it reads of a file (a
 * target whose inputs are larger raises it before replay_main). */
static uint8_t *replay_buf;
static size_t replay_max_input = 1u << 20;

/* One file, one input to the target, named while it runs. */
static inline int replay_file(const char *path)
{
	size_t len;

	if (replay_read_file(path, &replay_buf, replay_max_input, &len) != 0)
		return -1;
	*replay_name = path;
	LLVMFuzzerTestOneInput(replay_buf, len);
	*replay_name = "(none)";
	return 0;
}

/* A file, or every file of a directory, each one input. */
static inline int replay_files(const char *path, unsigned *count)
{
	return replay_path(path, replay_file, count);
}

/* The replay program: one TAP line for each path on the command line, else
 * for each of DEFAULTS (NULL-terminated, under $top_srcdir).  RUN_PATH runs
 * the inputs of a path and counts them; REPORT writes the rest of a passing
 * line ("N inputs parsed consistently").  NAME is the target's
 * input-being-run variable.  Returns the exit status. */
static inline int replay_main(int argc, char **argv, const char *const *defaults,
			      const char **name,
			      int (*run_path)(const char *path, unsigned *count),
			      void (*report)(char *text, size_t len, unsigned count))
{
	const char *top = getenv("top_srcdir");
	int failed = 0, n = 0;

	replay_catch_crashes(name);
	if (argc > 1)
		n = argc - 1;
	else
		while (defaults[n])
			n++;
	printf("1..%d\n", n);
	fflush(stdout);
	for (int i = 0; i < n; i++) {
		char path[4096], text[256];
		unsigned count = 0;

		if (argc > 1)
			snprintf(path, sizeof path, "%s", argv[i + 1]);
		else
			snprintf(path, sizeof path, "%s/%s", top ? top : ".", defaults[i]);
		if (run_path(path, &count) != 0) {
			printf("not ok %d - %s: cannot read it\n", i + 1, path);
			failed = 1;
		} else {
			report(text, sizeof text, count);
			printf("ok %d - %s: %s\n", i + 1, path, text);
		}
		fflush(stdout);
	}
	free(replay_buf);
	replay_buf = NULL;
	return failed;
}

#endif
