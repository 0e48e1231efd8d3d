/* json: JSON Lines, one object per record.
 *
 * Keys are field names.  Counters are JSON numbers, durations and rates
 * numbers in seconds with microseconds; addresses, names and maps are
 * strings without ra's padding ("dir":"->").  A time is an RFC 3339 UTC
 * string with a sibling "<name>_epoch" number of epoch seconds:
 *   "stime":"2020-06-10T09:21:03.720289Z","stime_epoch":1591780863.720289
 * Fields the record does not carry are left out.  Management records are
 * written only with ARGUS_OUT_SHOW_MAR, as {"type":"man",...} with the
 * MAR's own counters.  Objects are built straight into the output buffer. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <argus/plugin.h>

#include "../common/outbuf.h"

#define VALUE_MAX 128
#define KEY_MAX 40
/* the most one field can add: key, escaped value, "_epoch" sibling */
#define FIELD_MAX (2 * KEY_MAX + 6 * VALUE_MAX + 64)

struct json_state {
	const struct argus_host *host;
	const struct argus_field *srcid, *cause; /* for management records */
};

struct json_field {
	const struct argus_field *f;
	char key[KEY_MAX + 4];       /* "name": */
	char epoch_key[KEY_MAX + 12]; /* ,"name_epoch": */
	size_t key_len, epoch_key_len;
};

struct json_stream {
	const struct json_state *st;
	struct json_field *fields;
	size_t n;
	unsigned flags;
	struct argus_outbuf out;
};

static int json_init(const struct argus_host *host, void **state, char *err, size_t errlen)
{
	struct json_state *s;

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
	s->srcid = host->field_find("srcid");
	s->cause = host->field_find("cause");
	*state = s;
	return 0;
}

static void json_fini(void *state) { free(state); }

static void json_free(struct json_stream *j)
{
	if (!j)
		return;
	free(j->fields);
	argus_outbuf_free(&j->out);
	free(j);
}

static int json_open(void *state, int fd, const struct argus_output_opts *opts, void **stream,
		     char *err, size_t errlen)
{
	static const char *const defaults[] = {"stime", "ltime", "dur", "proto", "saddr", "sport",
					       "dir",   "daddr", "dport", "spkts", "dpkts", "sbytes",
					       "dbytes", "state", "flgs"};
	const struct json_state *s = state;
	struct json_stream *j;
	size_t i;

	j = calloc(1, sizeof *j);
	if (!j)
		goto nomem;
	j->st = s;
	argus_outbuf_init(&j->out, fd);
	j->flags = opts ? opts->flags : 0;
	j->n = opts && opts->n_fields ? opts->n_fields : sizeof defaults / sizeof defaults[0];
	j->fields = calloc(j->n, sizeof *j->fields);
	if (!j->out.buf || !j->fields)
		goto nomem;
	for (i = 0; i < j->n; i++) {
		struct json_field *jf = &j->fields[i];
		const struct argus_field *f =
			opts && opts->n_fields ? opts->fields[i] : s->host->field_find(defaults[i]);

		/* keys go out as they are: nothing in them may need escaping */
		if (!f || !f->get || !f->name || strlen(f->name) > KEY_MAX ||
		    strspn(f->name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") !=
			    strlen(f->name)) {
			snprintf(err, errlen, "json: field %zu is missing or has a bad name", i + 1);
			json_free(j);
			return ARGUS_EINVAL;
		}
		jf->f = f;
		jf->key_len = (size_t)snprintf(jf->key, sizeof jf->key, "\"%s\":", f->name);
		jf->epoch_key_len = (size_t)snprintf(jf->epoch_key, sizeof jf->epoch_key,
						     ",\"%s_epoch\":", f->name);
	}
	*stream = j;
	return 0;
nomem:
	json_free(j);
	snprintf(err, errlen, "out of memory");
	return ARGUS_ENOMEM;
}

/* A JSON string: up to 6 * n + 2 bytes.  Bytes outside ASCII are escaped as
 * \u00XX so the output is valid UTF-8 whatever the record holds. */
static void put_jstring(struct argus_outbuf *o, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char *p = o->buf + o->len;
	size_t i;

	*p++ = '"';
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '"' || ch == '\\') {
			*p++ = '\\';
			*p++ = (char)ch;
		} else if (ch >= 0x20 && ch < 0x7f) {
			*p++ = (char)ch;
		} else {
			memcpy(p, "\\u00", 4);
			p[4] = hex[ch >> 4];
			p[5] = hex[ch & 15];
			p += 6;
		}
	}
	*p++ = '"';
	o->len = (size_t)(p - o->buf);
}

/* Room must have been reserved for the numbers (at most 28 bytes). */
static void put_u64(struct argus_outbuf *o, uint64_t u)
{
	o->len += argus_dec_u64(o->buf + o->len, u);
}

static void put_i64(struct argus_outbuf *o, int64_t i)
{
	if (i < 0) {
		o->buf[o->len++] = '-';
		put_u64(o, (uint64_t)0 - (uint64_t)i);
	} else {
		put_u64(o, (uint64_t)i);
	}
}

/* Epoch seconds with microseconds, as a JSON number. */
static void put_epoch(struct argus_outbuf *o, int64_t us)
{
	uint64_t a = us < 0 ? (uint64_t)0 - (uint64_t)us : (uint64_t)us;
	char *p = o->buf + o->len;
	size_t n = 0;

	if (us < 0)
		p[n++] = '-';
	n += argus_dec_u64(p + n, a / 1000000);
	p[n++] = '.';
	argus_dec_6(p + n, (unsigned)(a % 1000000));
	o->len += n + 6;
}

/* Does a byte of X need escaping: below 0x20, 0x7f or above, '"' or '\\'?
 * Eight bytes at a time: (y - 0x01..) & ~y has a byte's top bit set only if
 * some byte of y is zero (a borrow starts at a zero byte), and
 * (x - 0x20..) & ~x likewise only if some byte of x is below 0x20. */
static int word_needs_escape(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101u, tops = 0x8080808080808080u;
	uint64_t del = x ^ (ones * 0x7f), quote = x ^ (ones * '"'), bslash = x ^ (ones * '\\');
	uint64_t hits = ((x - ones * 0x20) & ~x) | ((del - ones) & ~del) |
			((quote - ones) & ~quote) | ((bslash - ones) & ~bslash) | x;

	return (hits & tops) != 0;
}

/* Does S need no escaping in a JSON string?  (Strings are mostly times and
 * addresses: checked eight bytes at a time.) */
static int json_clean(const char *s, size_t n)
{
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t x;

		memcpy(&x, s + i, 8);
		if (word_needs_escape(x))
			return 0;
	}
	for (; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch < 0x20 || ch >= 0x7f || ch == '"' || ch == '\\')
			return 0;
	}
	return 1;
}

/* The text form of V as a JSON string, formatted in place. */
static void put_text(struct json_stream *j, const struct json_field *jf,
		     const struct argus_value *v)
{
	struct argus_outbuf *o = &j->out;
	char *text = o->buf + o->len + 1; /* after the opening quote */
	size_t n = j->st->host->field_format(jf->f, v, ARGUS_FORMAT_CSV, text, VALUE_MAX);

	if (json_clean(text, n)) {
		o->buf[o->len] = '"';
		o->len += n + 1;
		o->buf[o->len++] = '"';
	} else {
		char copy[VALUE_MAX];

		memcpy(copy, text, n);
		put_jstring(o, copy, n);
	}
}

/* Room for FIELD_MAX bytes must have been reserved: the keys are copied
 * whole (a fixed size the compiler inlines) and the length added. */
static void put_field(struct json_stream *j, const struct json_field *jf,
		      const struct argus_value *v, int *first)
{
	struct argus_outbuf *o = &j->out;

	if (v->type == ARGUS_VALUE_NONE ||
	    (v->type == ARGUS_VALUE_DOUBLE && !isfinite(v->v.d)))
		return;
	if (!*first)
		o->buf[o->len++] = ',';
	*first = 0;
	memcpy(o->buf + o->len, jf->key, sizeof jf->key);
	o->len += jf->key_len;
	switch (v->type) {
	case ARGUS_VALUE_UINT:
		put_u64(o, v->v.u);
		break;
	case ARGUS_VALUE_INT:
		put_i64(o, v->v.i);
		break;
	case ARGUS_VALUE_DURATION:
		put_epoch(o, v->v.time_us);
		break;
	case ARGUS_VALUE_DOUBLE:
		o->len += j->st->host->field_format(jf->f, v, ARGUS_FORMAT_CSV, o->buf + o->len,
						    VALUE_MAX);
		break;
	case ARGUS_VALUE_TIME:
		put_text(j, jf, v);
		memcpy(o->buf + o->len, jf->epoch_key, sizeof jf->epoch_key);
		o->len += jf->epoch_key_len;
		put_epoch(o, v->v.time_us);
		break;
	default: /* addresses, names, maps */
		put_text(j, jf, v);
		break;
	}
}

static void put_key_u64(struct argus_outbuf *o, const char *key, uint64_t u)
{
	o->buf[o->len++] = ',';
	o->buf[o->len++] = '"';
	argus_outbuf_puts(o, key);
	argus_outbuf_put(o, "\":", 2);
	put_u64(o, u);
}

static void put_key_time(struct json_stream *j, const char *key, int64_t us)
{
	struct argus_outbuf *o = &j->out;
	struct argus_value v;
	struct argus_field f = {key, key, ARGUS_VALUE_TIME, 0, 0, NULL, NULL};
	char text[VALUE_MAX];
	size_t n;

	memset(&v, 0, sizeof v);
	v.type = ARGUS_VALUE_TIME;
	v.v.time_us = us;
	n = j->st->host->field_format(&f, &v, ARGUS_FORMAT_CSV, text, sizeof text);
	o->buf[o->len++] = ',';
	o->buf[o->len++] = '"';
	argus_outbuf_puts(o, key);
	argus_outbuf_put(o, "\":", 2);
	put_jstring(o, text, n);
	o->buf[o->len++] = ',';
	o->buf[o->len++] = '"';
	argus_outbuf_puts(o, key);
	argus_outbuf_put(o, "_epoch\":", 8);
	put_epoch(o, us);
}

static void put_named(struct json_stream *j, const char *key, const struct argus_field *f,
		      const struct argus_record *rec)
{
	struct argus_value v;
	char text[VALUE_MAX];
	size_t n;

	if (!f || !f->get(rec, &v) || v.type == ARGUS_VALUE_NONE)
		return;
	n = j->st->host->field_format(f, &v, ARGUS_FORMAT_CSV, text, sizeof text);
	j->out.buf[j->out.len++] = ',';
	j->out.buf[j->out.len++] = '"';
	argus_outbuf_puts(&j->out, key);
	argus_outbuf_put(&j->out, "\":", 2);
	put_jstring(&j->out, text, n);
}

/* Management record: its own keys, not the flow columns (ra maps MAR
 * counters onto flow columns, which makes no sense as JSON). */
static void put_mar(struct json_stream *j, const struct argus_record *rec)
{
	const struct argus_mar *m = &rec->mar;
	struct argus_outbuf *o = &j->out;
	char ver[16];

	argus_outbuf_puts(o, "{\"type\":\"man\"");
	put_named(j, "srcid", j->st->srcid, rec);
	put_named(j, "cause", j->st->cause, rec);
	put_key_time(j, "stime", m->now_us);
	put_key_time(j, "start", m->start_us);
	snprintf(ver, sizeof ver, "%u.%u", m->major, m->minor);
	argus_outbuf_puts(o, ",\"version\":");
	put_jstring(o, ver, strlen(ver));
	put_key_u64(o, "seq", m->sequence);
	put_key_u64(o, "flow_interval", m->flow_interval);
	put_key_u64(o, "mar_interval", m->mar_interval);
	put_key_u64(o, "pkts_rcvd", m->pkts_rcvd);
	put_key_u64(o, "bytes_rcvd", m->bytes_rcvd);
	argus_outbuf_puts(o, ",\"drift\":");
	put_i64(o, m->drift);
	put_key_u64(o, "records", m->records);
	put_key_u64(o, "flows", m->flows);
	put_key_u64(o, "dropped", m->dropped);
	put_key_u64(o, "queue", m->queue);
	put_key_u64(o, "output", m->output);
	put_key_u64(o, "clients", m->clients);
	put_key_u64(o, "bufs", m->bufs);
	put_key_u64(o, "bytes", m->bytes);
	argus_outbuf_put(o, "}\n", 2);
}

static int json_write(void *stream, const struct argus_record *rec, char *err, size_t errlen)
{
	struct json_stream *j = stream;
	int first = 1;
	size_t i;

	if (j->out.err)
		return argus_outbuf_error(&j->out, err, errlen);
	if (rec->kind == ARGUS_RECORD_MAR) {
		if (!(j->flags & ARGUS_OUT_SHOW_MAR))
			return 0;
		if (argus_outbuf_reserve(&j->out, 4096) != 0)
			return argus_outbuf_error(&j->out, err, errlen);
		put_mar(j, rec);
		return 0;
	}
	if (argus_outbuf_reserve(&j->out, 2) != 0)
		return argus_outbuf_error(&j->out, err, errlen);
	j->out.buf[j->out.len++] = '{';
	for (i = 0; i < j->n; i++) {
		struct argus_value v;

		if (!j->fields[i].f->get(rec, &v))
			continue;
		if (argus_outbuf_reserve(&j->out, FIELD_MAX) != 0)
			return argus_outbuf_error(&j->out, err, errlen);
		put_field(j, &j->fields[i], &v, &first);
	}
	if (argus_outbuf_reserve(&j->out, 2) != 0)
		return argus_outbuf_error(&j->out, err, errlen);
	argus_outbuf_put(&j->out, "}\n", 2);
	return 0;
}

static int json_flush(void *stream, char *err, size_t errlen)
{
	struct json_stream *j = stream;

	argus_outbuf_flush(&j->out);
	return argus_outbuf_error(&j->out, err, errlen);
}

static int json_close(void *stream, char *err, size_t errlen)
{
	struct json_stream *j = stream;
	int rc;

	if (!j)
		return 0;
	argus_outbuf_flush(&j->out);
	rc = argus_outbuf_error(&j->out, err, errlen);
	json_free(j);
	return rc;
}

static const struct argus_output_ops json_ops = {
	.open = json_open,
	.write = json_write,
	.flush = json_flush,
	.close = json_close,
};

static const struct argus_plugin json_plugin = {
	.abi_major = ARGUS_ABI_MAJOR,
	.abi_minor = ARGUS_ABI_MINOR,
	.size = sizeof(struct argus_plugin),
	.kind = ARGUS_PLUGIN_OUTPUT,
	.name = "json",
	.version = "0.1.0",
	.summary = "JSON Lines, one object per record",
	.init = json_init,
	.fini = json_fini,
	.ops.output = &json_ops,
};

ARGUS_PLUGIN_DEFINE(json, json_plugin)
