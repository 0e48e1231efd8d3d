/* Output plugin + file descriptor. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fieldtab.h"
#include "outsink.h"
#include "registry.h"

static const char *const machine_default_fields[] = {
	"srcid", "seq",	  "stime", "ltime", "dur",    "flgs",	"proto",  "saddr", "sport",
	"dir",	 "daddr", "dport", "spkts", "dpkts", "sbytes", "dbytes", "state",
};

int argus_outsink_default_fields(const char *format, const struct argus_field ***out,
				 size_t *nout, char *err, size_t errlen)
{
	const size_t n_machine = sizeof machine_default_fields / sizeof machine_default_fields[0];
	const char *names[sizeof machine_default_fields / sizeof machine_default_fields[0] + 64];
	size_t n = 0;

	if (strcmp(format, "text") == 0)
		return argus_fields_parse(NULL, 0, out, nout, err, errlen);
	/* machine formats: the classic columns and every plugin's fields
	 * (absent ones print empty, and JSON leaves them out) */
	for (; n < n_machine; n++)
		names[n] = machine_default_fields[n];
	for (size_t i = argus_field_builtin_count();
	     i < argus_field_count() && n < sizeof names / sizeof names[0]; i++)
		names[n++] = argus_field_at(i)->name;
	return argus_fields_parse(names, n, out, nout, err, errlen);
}

int argus_outsink_open(struct argus_outsink *s, const char *format, const char *path,
		       const struct argus_output_opts *opts, char *err, size_t errlen)
{
	return argus_outsink_open_mode(s, format, path, opts, 0, err, errlen);
}

int argus_outsink_open_mode(struct argus_outsink *s, const char *format, const char *path,
			    const struct argus_output_opts *opts, int append, char *err,
			    size_t errlen)
{
	const struct argus_module *m;
	char perr[512] = "";
	int rc;

	memset(s, 0, sizeof *s);
	s->fd = -1;
	m = argus_registry_get(ARGUS_PLUGIN_OUTPUT, format, err, errlen);
	if (!m)
		return ARGUS_EINVAL;
	s->ops = m->desc->ops.output;
	s->format = m->desc->name;
	/* the name messages use: "(stdout)" reads better than "-" */
	snprintf(s->path, sizeof s->path, "%s", strcmp(path, "-") == 0 ? "(stdout)" : path);
	if (strcmp(path, "-") == 0) {
		s->fd = STDOUT_FILENO;
	} else {
		s->fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC),
			     0644);
		if (s->fd < 0) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			return ARGUS_EIO;
		}
		s->own_fd = 1;
	}
	rc = s->ops->open(m->state, s->fd, opts, &s->stream, perr, sizeof perr);
	if (rc != 0) {
		snprintf(err, errlen, "%s: %s", s->path, perr[0] ? perr : "cannot open output");
		if (s->own_fd)
			close(s->fd);
		s->fd = -1;
		return rc;
	}
	return 0;
}

int argus_outsink_write(struct argus_outsink *s, const struct argus_record *rec, char *err,
			size_t errlen)
{
	char perr[512];
	int rc;

	if (s->failed)
		return s->failed;
	perr[0] = '\0'; /* once per record: clearing all 512 bytes showed in profiles */
	rc = s->ops->write(s->stream, rec, perr, sizeof perr);
	if (rc < 0) {
		s->failed = rc;
		snprintf(s->errmsg, sizeof s->errmsg, "%s: %s", s->path, perr[0] ? perr : "write failed");
		snprintf(err, errlen, "%s", s->errmsg);
	}
	return rc < 0 ? rc : 0;
}

int argus_outsink_flush(struct argus_outsink *s, char *err, size_t errlen)
{
	char perr[512] = "";
	int rc;

	if (s->failed || !s->ops->flush)
		return s->failed;
	rc = s->ops->flush(s->stream, perr, sizeof perr);
	if (rc < 0) {
		s->failed = rc;
		snprintf(s->errmsg, sizeof s->errmsg, "%s: %s", s->path, perr[0] ? perr : "write failed");
		snprintf(err, errlen, "%s", s->errmsg);
	}
	return rc;
}

int argus_outsink_write_encoded(struct argus_outsink *s, const uint8_t *p, size_t n, char *err,
				size_t errlen)
{
	off_t start;

	if (argus_outsink_flush(s, err, errlen) != 0)
		return s->failed;
	start = lseek(s->fd, 0, SEEK_CUR);
	while (n > 0) {
		ssize_t w = write(s->fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			const char *why = w < 0 ? strerror(errno) : "nothing written";
			s->failed = ARGUS_EIO;
			/* a file keeps whole records only: this batch goes */
			if (start >= 0 && ftruncate(s->fd, start) == 0)
				snprintf(s->errmsg, sizeof s->errmsg,
					 "%s: write failed: %s (the records of the last batch were "
					 "removed)", s->path, why);
			else
				snprintf(s->errmsg, sizeof s->errmsg, "%s: write failed: %s", s->path,
					 why);
			snprintf(err, errlen, "%s", s->errmsg);
			return s->failed;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int argus_outsink_close(struct argus_outsink *s, char *err, size_t errlen)
{
	char perr[512] = "";
	int rc = 0;

	if (s->stream) {
		rc = s->ops->close(s->stream, perr, sizeof perr);
		s->stream = NULL;
		if (rc < 0 && !s->failed)
			snprintf(err, errlen, "%s: %s", s->path, perr[0] ? perr : "write failed");
	}
	if (s->own_fd && s->fd >= 0 && close(s->fd) != 0 && rc == 0 && !s->failed) {
		snprintf(err, errlen, "%s: %s", s->path, strerror(errno));
		rc = ARGUS_EIO;
	}
	s->fd = -1;
	if (s->failed) {
		snprintf(err, errlen, "%s", s->errmsg);
		return s->failed;
	}
	return rc;
}
