/* kv: an example output plugin, built out of tree against the installed
 * argus-ng SDK (only <argus/plugin.h> and the C library).
 *
 * One line per record of space-separated key=value pairs, the form Splunk
 * and many SIEMs index as they are:
 *
 *   stime=2024-05-01T10:00:00.123456Z proto=tcp saddr=192.0.2.1 sport=51000 ...
 *
 * Keys are the field names the host asks for (ra -s, or the default list
 * ra and argus give csv and json); values are the field table's clean text
 * (the csv style: plain numbers, RFC 3339 UTC times).  A value holding a
 * blank, '=', '"', a backslash or a control character is written in double
 * quotes, with '"' and '\' escaped by a backslash and control characters
 * as \n, \r, \t or \xHH, so that a line never breaks and never gains a key
 * (plugin fields may carry text from the wire, e.g. a DNS name).  Absent
 * and empty values are left out.  Management records are written only
 * when the host sets ARGUS_OUT_SHOW_MAR, with type=man first.
 *
 * Writes are buffered; the first write error is kept and returned by every
 * later call.  When a write fails half-way (a full disk), a regular file is
 * cut back to its last newline, so that it never ends in half a line.
 *
 * Build:   cc $(pkg-config --cflags argus-ng) -fPIC -shared -o kv.so kv.c
 * Install: cp kv.so "$(pkg-config --variable=pluginrootdir argus-ng)/outputs/"
 * Use:     ra -r flows.argus -F kv [-s stime saddr daddr ...]
 */
#define _POSIX_C_SOURCE 200809L /* write(2), poll(2) under -std=c11 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <argus/plugin.h>

#define KV_BUFSIZE (64u * 1024u)
#define KV_VALUE_MAX 512

/* Used when the host passes no fields (an older host, or a caller that
 * leaves the choice to the output). */
static const char *const kv_defaults[] = {"stime", "ltime", "dur",    "flgs",	"proto",
					  "saddr", "sport", "dir",    "daddr",	"dport",
					  "spkts", "dpkts", "sbytes", "dbytes", "state"};

struct kv_state {
	const struct argus_host *host;
};

struct kv_stream {
	const struct argus_host *host;
	const struct argus_field **fields;
	size_t n;
	unsigned flags;
	int fd;
	int err;	     /* first write error (ARGUS_EIO), sticky */
	size_t partial;	     /* bytes written to fd since its last newline */
	char errmsg[128];
	size_t len;	     /* bytes in buf */
	char buf[KV_BUFSIZE];
};

static int kv_init(const struct argus_host *host, void **state, char *err, size_t errlen)
{
	struct kv_state *s;

	/* A host of the same major version, at least as new as the members
	 * used here: struct argus_host only grows at its end. */
	if (!host || host->abi_major != ARGUS_ABI_MAJOR ||
	    host->size < offsetof(struct argus_host, field_format) + sizeof host->field_format ||
	    !host->field_find || !host->field_format) {
		snprintf(err, errlen, "host table too old");
		return ARGUS_EINVAL;
	}
	s = calloc(1, sizeof *s);
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return ARGUS_ENOMEM;
	}
	s->host = host;
	*state = s;
	return 0;
}

static void kv_fini(void *state) { free(state); }

static void kv_free(struct kv_stream *k)
{
	if (!k)
		return;
	free(k->fields);
	free(k);
}

static int kv_open(void *state, int fd, const struct argus_output_opts *opts, void **stream,
		   char *err, size_t errlen)
{
	const struct kv_state *s = state;
	struct kv_stream *k;
	int use_opts = opts && opts->n_fields && opts->fields;
	size_t i;

	k = calloc(1, sizeof *k);
	if (!k)
		goto nomem;
	k->host = s->host;
	k->fd = fd;
	k->flags = opts ? opts->flags : 0;
	k->n = use_opts ? opts->n_fields : sizeof kv_defaults / sizeof kv_defaults[0];
	k->fields = calloc(k->n, sizeof *k->fields);
	if (!k->fields)
		goto nomem;
	for (i = 0; i < k->n; i++) {
		k->fields[i] = use_opts ? opts->fields[i] : s->host->field_find(kv_defaults[i]);
		if (!k->fields[i] || !k->fields[i]->name || !k->fields[i]->get) {
			snprintf(err, errlen, "kv: field %zu is missing", i + 1);
			kv_free(k);
			return ARGUS_EINVAL;
		}
	}
	*stream = k;
	return 0;
nomem:
	kv_free(k);
	snprintf(err, errlen, "out of memory");
	return ARGUS_ENOMEM;
}

/* ---- the buffer ---------------------------------------------------------- */

/* Bytes of an unfinished line once P[0..N) follows PARTIAL such bytes. */
static size_t line_tail(const char *p, size_t n, size_t partial)
{
	size_t i = n;

	while (i > 0)
		if (p[--i] == '\n')
			return n - i - 1;
	return partial + n;
}

/* The write failed with ERR_NO (0: no progress) after DONE bytes of the
 * buffer went out: remove the incomplete last line from a regular file,
 * and make the error sticky. */
static int kv_fail(struct kv_stream *k, int err_no, size_t done)
{
	size_t cut = line_tail(k->buf, done, k->partial);
	struct stat st;
	off_t end;
	int fl;

	if (cut && fstat(k->fd, &st) == 0 && S_ISREG(st.st_mode)) {
		fl = fcntl(k->fd, F_GETFL);
		end = lseek(k->fd, 0, fl >= 0 && (fl & O_APPEND) ? SEEK_END : SEEK_CUR);
		if (end >= 0 && (uintmax_t)end >= cut) {
			end -= (off_t)cut;
			if (ftruncate(k->fd, end) == 0)
				(void)lseek(k->fd, end, SEEK_SET);
		}
	}
	snprintf(k->errmsg, sizeof k->errmsg, "write failed: %s",
		 err_no ? strerror(err_no) : "no progress");
	k->err = ARGUS_EIO;
	return k->err;
}

static int kv_flush_buf(struct kv_stream *k)
{
	size_t done = 0;

	if (k->err)
		return k->err;
	while (done < k->len) {
		ssize_t w = write(k->fd, k->buf + done, k->len - done);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				/* a non-blocking descriptor: wait until it takes more */
				struct pollfd pfd = {k->fd, POLLOUT, 0};

				if (poll(&pfd, 1, -1) >= 0 || errno == EINTR)
					continue;
			}
			return kv_fail(k, errno, done);
		}
		if (w == 0)
			return kv_fail(k, 0, done);
		done += (size_t)w;
	}
	k->partial = line_tail(k->buf, k->len, k->partial);
	k->len = 0;
	return 0;
}

static void kv_putc(struct kv_stream *k, char c)
{
	if (k->len == sizeof k->buf && kv_flush_buf(k) != 0)
		return;
	k->buf[k->len++] = c;
}

static void kv_puts(struct kv_stream *k, const char *s)
{
	while (*s && !k->err)
		kv_putc(k, *s++);
}

static int kv_error(const struct kv_stream *k, char *err, size_t errlen)
{
	if (k->err)
		snprintf(err, errlen, "%s", k->errmsg);
	return k->err;
}

/* ---- values -------------------------------------------------------------- */

static int is_special(unsigned char c)
{
	return c <= ' ' || c == 0x7f || c == '=' || c == '"' || c == '\\';
}

static void kv_put_value(struct kv_stream *k, const char *v, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;
	int quote = 0;

	for (i = 0; i < n && !quote; i++)
		quote = is_special((unsigned char)v[i]);
	if (!quote) {
		for (i = 0; i < n; i++)
			kv_putc(k, v[i]);
		return;
	}
	kv_putc(k, '"');
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c == '"' || c == '\\') {
			kv_putc(k, '\\');
			kv_putc(k, (char)c);
		} else if (c == '\n') {
			kv_puts(k, "\\n");
		} else if (c == '\r') {
			kv_puts(k, "\\r");
		} else if (c == '\t') {
			kv_puts(k, "\\t");
		} else if (c < ' ' || c == 0x7f) {
			kv_puts(k, "\\x");
			kv_putc(k, hex[c >> 4]);
			kv_putc(k, hex[c & 15]);
		} else {
			kv_putc(k, (char)c);
		}
	}
	kv_putc(k, '"');
}

/* ---- operations ---------------------------------------------------------- */

static int kv_write(void *stream, const struct argus_record *rec, char *err, size_t errlen)
{
	struct kv_stream *k = stream;
	char text[KV_VALUE_MAX];
	int first = 1;
	size_t i;

	if (k->err)
		return kv_error(k, err, errlen);
	if (rec->kind == ARGUS_RECORD_MAR) {
		if (!(k->flags & ARGUS_OUT_SHOW_MAR))
			return 0;
		kv_puts(k, "type=man");
		first = 0;
	}
	for (i = 0; i < k->n; i++) {
		const struct argus_field *f = k->fields[i];
		struct argus_value v;
		size_t len;

		memset(&v, 0, sizeof v);
		if (!f->get(rec, &v) || v.type == ARGUS_VALUE_NONE)
			continue; /* absent: left out */
		len = k->host->field_format(f, &v, ARGUS_FORMAT_CSV, text, sizeof text);
		if (len >= sizeof text)
			len = sizeof text - 1;
		if (len == 0)
			continue; /* nothing to say (e.g. no flags): left out too */
		if (!first)
			kv_putc(k, ' ');
		first = 0;
		kv_puts(k, f->name);
		kv_putc(k, '=');
		kv_put_value(k, text, len);
	}
	kv_putc(k, '\n');
	return kv_error(k, err, errlen);
}

static int kv_flush(void *stream, char *err, size_t errlen)
{
	struct kv_stream *k = stream;

	kv_flush_buf(k);
	return kv_error(k, err, errlen);
}

static int kv_close(void *stream, char *err, size_t errlen)
{
	struct kv_stream *k = stream;
	int rc;

	if (!k)
		return 0;
	kv_flush_buf(k);
	rc = kv_error(k, err, errlen);
	kv_free(k);
	return rc;
}

static const struct argus_output_ops kv_ops = {
	.open = kv_open,
	.write = kv_write,
	.flush = kv_flush,
	.close = kv_close,
	/* write-only: no reader */
	.read_open = NULL,
	.read_next = NULL,
	.read_offset = NULL,
	.read_close = NULL,
};

static const struct argus_plugin kv_plugin = {
	.abi_major = ARGUS_ABI_MAJOR,
	.abi_minor = ARGUS_ABI_MINOR,
	.size = sizeof(struct argus_plugin),
	.kind = ARGUS_PLUGIN_OUTPUT,
	.name = "kv", /* must equal the file name: kv.so (or kv.la) */
	.version = "0.1.0",
	.summary = "key=value lines for Splunk and other SIEMs (SDK example)",
	.init = kv_init,
	.fini = kv_fini,
	.ops.output = &kv_ops,
};

/* Exports kv_LTX_argus_plugin_entry, the module's only symbol. */
ARGUS_PLUGIN_DEFINE(kv, kv_plugin)
