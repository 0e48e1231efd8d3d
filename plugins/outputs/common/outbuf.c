/* outbuf: the buffered writer shared by the csv, json and text outputs
 * (see outbuf.h). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <argus/plugin.h>

#include "outbuf.h"

int argus_outbuf_init(struct argus_outbuf *o, int fd)
{
	o->fd = fd;
	o->err = 0;
	o->len = 0;
	o->partial = 0;
	o->errmsg[0] = '\0';
	o->buf = malloc(ARGUS_OUTBUF_SIZE);
	return o->buf ? 0 : ARGUS_ENOMEM;
}

void argus_outbuf_free(struct argus_outbuf *o)
{
	free(o->buf);
	o->buf = NULL;
}

/* Bytes of an unfinished line once P[0..N) is written after PARTIAL such
 * bytes. */
static size_t line_tail(const char *p, size_t n, size_t partial)
{
	size_t i = n;

	while (i > 0)
		if (p[--i] == '\n')
			return n - i - 1;
	return partial + n;
}

/* The write failed with ERR_NO (0: no progress) after DONE bytes of P went
 * out: cut the file back to its last whole line and make the error sticky. */
static int fail(struct argus_outbuf *o, int err_no, const char *p, size_t done)
{
	int cut = argus_out_cut_tail(o->fd, line_tail(p, done, o->partial));
	const char *why = err_no ? strerror(err_no) : "no progress";

	if (cut)
		snprintf(o->errmsg, sizeof o->errmsg,
			 "write failed: %s (cannot remove the incomplete last line: %s)", why,
			 strerror(cut));
	else
		snprintf(o->errmsg, sizeof o->errmsg, "write failed: %s", why);
	o->err = ARGUS_EIO;
	return o->err;
}

int argus_outbuf_write_all(struct argus_outbuf *o, const char *p, size_t n)
{
	size_t done = 0;

	while (done < n) {
		ssize_t w = write(o->fd, p + done, n - done);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				struct pollfd pfd = {o->fd, POLLOUT, 0};

				if (poll(&pfd, 1, -1) >= 0 || errno == EINTR)
					continue;
			}
			return fail(o, errno, p, done);
		}
		if (w == 0)
			return fail(o, 0, p, done);
		done += (size_t)w;
	}
	o->partial = line_tail(p, n, o->partial);
	return 0;
}

int argus_outbuf_flush(struct argus_outbuf *o)
{
	int rc;

	if (o->err)
		return o->err;
	rc = o->len ? argus_outbuf_write_all(o, o->buf, o->len) : 0;
	o->len = 0;
	return rc;
}

int argus_outbuf_append(struct argus_outbuf *o, const char *p, size_t n)
{
	if (o->err)
		return o->err;
	if (o->len + n > ARGUS_OUTBUF_SIZE && argus_outbuf_flush(o) != 0)
		return o->err;
	if (n > ARGUS_OUTBUF_SIZE)
		return argus_outbuf_write_all(o, p, n);
	argus_outbuf_put(o, p, n);
	return 0;
}

int argus_outbuf_error(const struct argus_outbuf *o, char *err, size_t errlen)
{
	if (o->err)
		snprintf(err, errlen, "%s", o->errmsg);
	return o->err;
}
