/* csv: RFC 4180 comma-separated values.
 *
 * A header line of field names (unless ARGUS_OUT_NO_HEADER), then one line
 * per record; lines end in CRLF as RFC 4180 says.  Values are the field
 * table's clean form (ARGUS_FORMAT_CSV: plain numbers, RFC 3339 UTC times,
 * no ra padding); absent values are empty.  A value holding the separator,
 * a double quote, CR or LF is quoted, with its quotes doubled.  Management
 * records are written only with ARGUS_OUT_SHOW_MAR. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <argus/plugin.h>

#include "../common/outbuf.h"

#define VALUE_MAX 128
#define EOL "\r\n"

struct csv_state {
	const struct argus_host *host;
};

struct csv_stream {
	const struct argus_host *host;
	const struct argus_field **fields;
	size_t n;
	unsigned flags;
	char sep;
	int header_done;
	struct argus_outbuf out;
};

static int csv_init(const struct argus_host *host, void **state, char *err, size_t errlen)
{
	struct csv_state *s;

	if (!host || host->size < sizeof(struct argus_host) || !host->field_format ||
	    !host->field_find) {
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

static void csv_fini(void *state) { free(state); }

static void csv_free(struct csv_stream *c)
{
	if (!c)
		return;
	free(c->fields);
	argus_outbuf_free(&c->out);
	free(c);
}

static int csv_open(void *state, int fd, const struct argus_output_opts *opts, void **stream,
		    char *err, size_t errlen)
{
	static const char *const defaults[] = {"stime", "ltime", "dur", "proto", "saddr", "sport",
					       "dir",   "daddr", "dport", "spkts", "dpkts", "sbytes",
					       "dbytes", "state", "flgs"};
	struct csv_state *s = state;
	struct csv_stream *c;
	size_t i;

	c = calloc(1, sizeof *c);
	if (!c)
		goto nomem;
	c->host = s->host;
	argus_outbuf_init(&c->out, fd);
	c->flags = opts ? opts->flags : 0;
	c->sep = opts && opts->separator ? opts->separator : ',';
	if (c->sep == '"' || c->sep == '\r' || c->sep == '\n') {
		snprintf(err, errlen, "csv: the separator cannot be a quote or a line break");
		csv_free(c);
		return ARGUS_EINVAL;
	}
	c->n = opts && opts->n_fields ? opts->n_fields : sizeof defaults / sizeof defaults[0];
	c->fields = calloc(c->n, sizeof *c->fields);
	if (!c->out.buf || !c->fields)
		goto nomem;
	for (i = 0; i < c->n; i++) {
		c->fields[i] = opts && opts->n_fields ? opts->fields[i] : s->host->field_find(defaults[i]);
		if (!c->fields[i] || !c->fields[i]->get || !c->fields[i]->name) {
			snprintf(err, errlen, "csv: field %zu is missing", i + 1);
			csv_free(c);
			return ARGUS_EINVAL;
		}
	}
	*stream = c;
	return 0;
nomem:
	csv_free(c);
	snprintf(err, errlen, "out of memory");
	return ARGUS_ENOMEM;
}

static int needs_quotes(const char *s, size_t n, char sep)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == sep || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
			return 1;
	return 0;
}

/* Up to 2 * n + 3 bytes. */
static void put_value(struct argus_outbuf *o, const char *s, size_t n, char sep)
{
	size_t i;

	if (!needs_quotes(s, n, sep)) {
		argus_outbuf_put(o, s, n);
		return;
	}
	o->buf[o->len++] = '"';
	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			o->buf[o->len++] = '"';
		o->buf[o->len++] = s[i];
	}
	o->buf[o->len++] = '"';
}

static int write_header(struct csv_stream *c)
{
	size_t i;

	c->header_done = 1;
	if (c->flags & ARGUS_OUT_NO_HEADER)
		return 0;
	for (i = 0; i < c->n; i++) {
		size_t len = strnlen(c->fields[i]->name, VALUE_MAX);

		if (argus_outbuf_reserve(&c->out, 2 * len + 8) != 0)
			return c->out.err;
		if (i)
			c->out.buf[c->out.len++] = c->sep;
		put_value(&c->out, c->fields[i]->name, len, c->sep);
	}
	if (argus_outbuf_reserve(&c->out, 2) != 0)
		return c->out.err;
	argus_outbuf_put(&c->out, EOL, 2);
	return 0;
}

static int csv_write(void *stream, const struct argus_record *rec, char *err, size_t errlen)
{
	struct csv_stream *c = stream;
	struct argus_outbuf *o = &c->out;
	size_t i;

	if (o->err)
		return argus_outbuf_error(o, err, errlen);
	if (rec->kind == ARGUS_RECORD_MAR && !(c->flags & ARGUS_OUT_SHOW_MAR))
		return 0;
	if (!c->header_done && write_header(c) != 0)
		return argus_outbuf_error(o, err, errlen);
	for (i = 0; i < c->n; i++) {
		const struct argus_field *f = c->fields[i];
		struct argus_value v;
		char *text;
		size_t len;

		/* the separator, the value quoted with every byte doubled, a NUL */
		if (argus_outbuf_reserve(o, 2 * VALUE_MAX + 4) != 0)
			return argus_outbuf_error(o, err, errlen);
		if (i)
			o->buf[o->len++] = c->sep;
		if (!f->get(rec, &v))
			continue;
		/* formatted in place; moved aside only when it must be quoted */
		text = o->buf + o->len;
		len = c->host->field_format(f, &v, ARGUS_FORMAT_CSV, text, VALUE_MAX);
		if (needs_quotes(text, len, c->sep)) {
			char copy[VALUE_MAX];

			memcpy(copy, text, len);
			put_value(o, copy, len, c->sep);
		} else {
			o->len += len;
		}
	}
	if (argus_outbuf_reserve(o, 2) != 0)
		return argus_outbuf_error(o, err, errlen);
	argus_outbuf_put(o, EOL, 2);
	return 0;
}

static int csv_flush(void *stream, char *err, size_t errlen)
{
	struct csv_stream *c = stream;

	argus_outbuf_flush(&c->out);
	return argus_outbuf_error(&c->out, err, errlen);
}

static int csv_close(void *stream, char *err, size_t errlen)
{
	struct csv_stream *c = stream;
	int rc;

	if (!c)
		return 0;
	/* a header even when no record came, so the file names its columns */
	if (!c->header_done && !c->out.err)
		write_header(c);
	argus_outbuf_flush(&c->out);
	rc = argus_outbuf_error(&c->out, err, errlen);
	csv_free(c);
	return rc;
}

static const struct argus_output_ops csv_ops = {
	.open = csv_open,
	.write = csv_write,
	.flush = csv_flush,
	.close = csv_close,
};

static const struct argus_plugin csv_plugin = {
	.abi_major = ARGUS_ABI_MAJOR,
	.abi_minor = ARGUS_ABI_MINOR,
	.size = sizeof(struct argus_plugin),
	.kind = ARGUS_PLUGIN_OUTPUT,
	.name = "csv",
	.version = "0.1.0",
	.summary = "comma-separated values (RFC 4180) with a header line",
	.init = csv_init,
	.fini = csv_fini,
	.ops.output = &csv_ops,
};

ARGUS_PLUGIN_DEFINE(csv, csv_plugin)
