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
	o->errmsg[0] = '\0';
	o->buf = malloc(ARGUS_OUTBUF_SIZE);
	return o->buf ? 0 : ARGUS_ENOMEM;
}

void argus_outbuf_free(struct argus_outbuf *o)
{
	free(o->buf);
	o->buf = NULL;
}

int argus_outbuf_write_all(struct argus_outbuf *o, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(o->fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				struct pollfd pfd = {o->fd, POLLOUT, 0};

				if (poll(&pfd, 1, -1) >= 0 || errno == EINTR)
					continue;
			}
			snprintf(o->errmsg, sizeof o->errmsg, "write failed: %s", strerror(errno));
			o->err = ARGUS_EIO;
			return o->err;
		}
		p += w;
		n -= (size_t)w;
	}
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
