/* outbuf: the buffered writer to a file descriptor shared by the text
 * output plugins (csv, json, text).
 *
 * One buffer of ARGUS_OUTBUF_SIZE bytes, allocated when the stream opens;
 * nothing is allocated per record.  Writers fill buf/len directly after
 * argus_outbuf_reserve() made room, or hand whole pieces to
 * argus_outbuf_append().  The first write error is sticky: it is kept as
 * ARGUS_EIO with the text "write failed: <strerror>", and every later call
 * returns it without writing.  A non-blocking descriptor is waited for with
 * poll(2); EINTR is retried.
 *
 * Every record ends with a newline.  When a write fails after part of the
 * data went out (a full disk), a regular file is cut back to its last
 * newline, so that it never ends in half a record (argus_out_cut_tail). */
#ifndef ARGUS_PLUGINS_OUTPUTS_OUTBUF_H
#define ARGUS_PLUGINS_OUTPUTS_OUTBUF_H

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ARGUS_OUTBUF_SIZE (256u * 1024u)

struct argus_outbuf {
	int fd;
	int err; /* first write error, sticky */
	size_t len;
	size_t partial; /* bytes written to fd since its last newline */
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

/* After a failed write to FD: remove the last N bytes written (an
 * incomplete record) if FD is a regular file, so that the file ends where
 * its last whole record ends.  A file opened with O_APPEND is cut from its
 * end, others from the descriptor's offset.  Returns 0 or an errno value.
 * Shared with the binary writer. */
static inline int argus_out_cut_tail(int fd, size_t n)
{
	struct stat st;
	off_t end;
	int fl;

	if (n == 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		return 0;
	fl = fcntl(fd, F_GETFL);
	end = lseek(fd, 0, fl >= 0 && (fl & O_APPEND) ? SEEK_END : SEEK_CUR);
	if (end < 0)
		return errno;
	if ((size_t)end < n)
		return 0; /* not what we wrote: leave it alone */
	end -= (off_t)n;
	if (ftruncate(fd, end) != 0 || lseek(fd, end, SEEK_SET) < 0)
		return errno;
	return 0;
}

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

/* Numbers written by hand for every record (printf costs more than the
 * rest of a field): "00" .. "99". */
static inline const char *argus_digit_pairs(void)
{
	static const char pairs[201] = "0001020304050607080910111213141516171819"
				       "2021222324252627282930313233343536373839"
				       "4041424344454647484950515253545556575859"
				       "6061626364656667686970717273747576777879"
				       "8081828384858687888990919293949596979899";
	return pairs;
}

/* The decimal digits of U at P, no NUL; returns the count (at most 20). */
static inline size_t argus_dec_u64(char *p, uint64_t u)
{
	const char *pairs = argus_digit_pairs();
	char tmp[20], *e = tmp + sizeof tmp;
	size_t n;

	while (u >= 100) {
		e -= 2;
		memcpy(e, pairs + 2 * (u % 100), 2);
		u /= 100;
	}
	if (u >= 10) {
		e -= 2;
		memcpy(e, pairs + 2 * u, 2);
	} else {
		*--e = (char)('0' + u);
	}
	n = (size_t)(tmp + sizeof tmp - e);
	memcpy(p, e, n);
	return n;
}

/* Exactly 6 decimal digits of U (< 1000000, zero-padded) at P. */
static inline void argus_dec_6(char *p, unsigned u)
{
	const char *pairs = argus_digit_pairs();

	memcpy(p + 4, pairs + 2 * (u % 100), 2);
	u /= 100;
	memcpy(p + 2, pairs + 2 * (u % 100), 2);
	memcpy(p, pairs + 2 * (u / 100 % 100), 2);
}

#endif
