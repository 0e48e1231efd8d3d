/* An output plugin bound to a file: what argus -w and ra -w/stdout share. */
#ifndef ARGUS_CORE_OUTSINK_H
#define ARGUS_CORE_OUTSINK_H

#include <stddef.h>
#include <stdint.h>

#include <argus/plugin.h>

struct argus_outsink {
	const struct argus_output_ops *ops;
	const char *format; /* plugin name */
	void *stream;
	int fd;
	int own_fd; /* opened by us: close it */
	char path[1024]; /* for messages: the file name, or "(stdout)" */
	int failed;
	char errmsg[1600]; /* the first failure */
};

/* Open PATH ("-" = standard output) with output plugin FORMAT.  Message in
 * err on failure ("out.argus: Permission denied", "no output module 'x'"). */
int argus_outsink_open(struct argus_outsink *s, const char *format, const char *path,
		       const struct argus_output_opts *opts, char *err, size_t errlen);
/* The same; APPEND keeps what PATH holds (a reopen on SIGHUP) instead of
 * replacing it. */
int argus_outsink_open_mode(struct argus_outsink *s, const char *format, const char *path,
			    const struct argus_output_opts *opts, int append, char *err,
			    size_t errlen);
int argus_outsink_write(struct argus_outsink *s, const struct argus_record *rec, char *err,
			size_t errlen);
int argus_outsink_flush(struct argus_outsink *s, char *err, size_t errlen);
/* Bytes the format's encode() made (argus --threads), after what the
 * stream holds: the stream is flushed first. */
int argus_outsink_write_encoded(struct argus_outsink *s, const uint8_t *p, size_t n, char *err,
				size_t errlen);
/* Close; returns the first error of the stream's life (also when it was
 * already reported by write). */
int argus_outsink_close(struct argus_outsink *s, char *err, size_t errlen);

/* The columns a format prints when the user names none: ra's classic
 * columns for text, a fuller set for csv and json.  *out is malloc'd. */
int argus_outsink_default_fields(const char *format, const struct argus_field ***out,
				 size_t *nout, char *err, size_t errlen);

#endif
