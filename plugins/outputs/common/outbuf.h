/* outbuf: the buffered writer to a file descriptor shared by the text
 * output plugins (csv, json, text).
 *
 * One buffer of ARGUS_OUTBUF_SIZE bytes, allocated when the stream opens;
 * nothing is allocated per record.  Writers fill buf/len directly after
 * argus_outbuf_reserve() made room, or hand whole pieces to
 * argus_outbuf_append().  The first write error is sticky: it is kept as
 * ARGUS_EIO with the text "write failed: <strerror>", and every later call
 * returns it without writing.  A non-blocking descriptor is waited for with
 * poll(2); EINTR is retried. */
#ifndef ARGUS_PLUGINS_OUTPUTS_OUTBUF_H
#define ARGUS_PLUGINS_OUTPUTS_OUTBUF_H

#include <stddef.h>
#include <string.h>

#define ARGUS_OUTBUF_SIZE (256u * 1024u)

struct argus_outbuf {
	int fd;
	int err; /* first write error, sticky */
	size_t len;
	char *buf;
	char errmsg[160];
};

/* Set O up to write to FD and allocate its buffer; returns 0, or
 * ARGUS_ENOMEM with buf left NULL. */
int argus_outbuf_init(struct argus_outbuf *o, int fd);
/* Free the buffer (does not flush, does not close FD). */
void argus_outbuf_free(struct argus_outbuf *o);
/* Write N bytes at P straight to the descriptor, past the buffer. */
int argus_outbuf_write_all(struct argus_outbuf *o, const char *p, size_t n);
/* Write out what is buffered. */
int argus_outbuf_flush(struct argus_outbuf *o);
/* Append N bytes; data larger than the buffer goes out directly. */
int argus_outbuf_append(struct argus_outbuf *o, const char *p, size_t n);
/* Copy the sticky error's text to ERR; returns the error (0 if none). */
int argus_outbuf_error(const struct argus_outbuf *o, char *err, size_t errlen);

/* Make room for n more bytes (n <= ARGUS_OUTBUF_SIZE). */
static inline int argus_outbuf_reserve(struct argus_outbuf *o, size_t n)
{
	if (o->err)
		return o->err;
	return o->len + n > ARGUS_OUTBUF_SIZE ? argus_outbuf_flush(o) : 0;
}

/* Copy N bytes in; room must have been reserved. */
static inline void argus_outbuf_put(struct argus_outbuf *o, const char *p, size_t n)
{
	memcpy(o->buf + o->len, p, n);
	o->len += n;
}

static inline void argus_outbuf_puts(struct argus_outbuf *o, const char *s)
{
	argus_outbuf_put(o, s, strlen(s));
}

#endif
