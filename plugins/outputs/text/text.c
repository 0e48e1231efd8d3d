/* text: Argus ra's classic columns.
 *
 * A title line of ra's labels, then one line per record in ra's layout:
 * each value right-aligned in its field's width (ports, tcpopt, and the
 * already padded dir and flgs left-aligned), too long values cut to width-1 characters plus '*' (flgs,
 * dir and cause are cut without the mark), fields separated by a blank, a
 * source (destination) port joined to the address just before it with '.'
 * ("10.0.0.1.53"), blanks at the end of a line dropped.  With a separator
 * (ra -c) values are joined by it with no padding beyond ra's own (dir,
 * flgs).  Values are the field table's ra-compatible text; times are
 * epoch seconds with ARGUS_OUT_UNIX_TIME.  Without ARGUS_OUT_NUMERIC
 * ports are shown as ra shows them without -n: TCP/UDP by service name,
 * LLC SAPs by name, ICMPv6 type and code in hex, an ethertype without a
 * name as "unknown" (addresses are never looked up).  Management records (with
 * ARGUS_OUT_SHOW_MAR) are printed as ra prints them. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <argus/plugin.h>

#include "../common/outbuf.h"
#include "../common/raview.h"
#include "../common/services.h"

#define VALUE_MAX 128
#define WIDTH_MAX 256

/* Layout of one column. */
enum {
	COL_LEFT = 0x01,   /* value left-aligned */
	COL_CUT = 0x02,    /* too long: cut, no '*' */
	COL_CENTER = 0x04, /* title centred */
	COL_SPORT = 0x08,
	COL_DPORT = 0x10,
	COL_SADDR = 0x20,
	COL_DADDR = 0x40,
	COL_PROTO = 0x80,
	COL_STORED = 0x100, /* from the record as stored, not as ra shows it */
	/* fields Argus 3.0.8.2's ra prints in its own way on flow records: */
	COL_RA_ZERO = 0x200,   /* always 0 (retrans: ra never fills them in) */
	COL_RA_BLANK = 0x400,  /* always empty (ra never prints the VLAN priority) */
	COL_ZERO_METRIC = 0x800, /* 0 when absent but counted (application bytes) */
	COL_ZERO_DUR = 0x1000, /* 0.000000 when absent (TCP set-up times) */
	COL_STIME = 0x2000,    /* one-packet rule (see ra_one_packet) */
	COL_DUR = 0x4000,
};

struct column {
	const struct argus_field *f;
	const char *label;
	unsigned width;
	unsigned kind;
};

struct text_state {
	const struct argus_host *host;
};

struct text_stream {
	const struct argus_host *host;
	struct column *cols;
	size_t n;
	unsigned flags;
	char sep;
	int title_done;
	enum argus_format_style style;
	char *vals;               /* n * VALUE_MAX: this record's texts */
	size_t *lens;
	int mac_names;            /* a smac or dmac column is printed */
	char *line;
	size_t linecap;
	size_t line_width;        /* an aligned line: the widths and the blanks between */
	struct argus_outbuf out;
};

static int text_init(const struct argus_host *host, void **state, char *err, size_t errlen)
{
	struct text_state *s;

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

static void text_fini(void *state)
{
	argus_services_release();
	free(state);
}

static void text_free(struct text_stream *t)
{
	if (!t)
		return;
	free(t->cols);
	free(t->vals);
	free(t->lens);
	free(t->line);
	argus_outbuf_free(&t->out);
	free(t);
}

static unsigned column_kind(const struct argus_field *f)
{
	unsigned k = 0;

	/* flgs and dir come padded already ("  <-" stays "  <- " in a column) */
	if (f->flags & ARGUS_FIELD_F_PAD)
		k |= COL_CUT | COL_LEFT;
	if (strcmp(f->name, "sport") == 0)
		k |= COL_SPORT | COL_LEFT;
	else if (strcmp(f->name, "dport") == 0)
		k |= COL_DPORT | COL_LEFT;
	else if (strcmp(f->name, "saddr") == 0)
		k |= COL_SADDR;
	else if (strcmp(f->name, "daddr") == 0)
		k |= COL_DADDR;
	else if (strcmp(f->name, "tcpopt") == 0)
		k |= COL_LEFT;
	else if (strcmp(f->name, "proto") == 0)
		k |= COL_PROTO;
	else if (strcmp(f->name, "cause") == 0)
		k |= COL_CUT;
	else if (strcmp(f->name, "seq") == 0)
		k |= COL_CENTER;
	else if (strcmp(f->name, "suser") == 0 || strcmp(f->name, "duser") == 0)
		k |= COL_CENTER | COL_LEFT;
	else if (strcmp(f->name, "sload") == 0 || strcmp(f->name, "dload") == 0)
		k |= COL_STORED; /* ra computes the loads before its display swap */
	else if (strcmp(f->name, "retrans") == 0 || strcmp(f->name, "sretrans") == 0 ||
		 strcmp(f->name, "dretrans") == 0)
		k |= COL_RA_ZERO;
	else if (strcmp(f->name, "svpri") == 0 || strcmp(f->name, "dvpri") == 0)
		k |= COL_RA_BLANK;
	else if (strcmp(f->name, "appbytes") == 0 || strcmp(f->name, "sappbytes") == 0 ||
		 strcmp(f->name, "dappbytes") == 0)
		k |= COL_ZERO_METRIC;
	else if (strcmp(f->name, "tcprtt") == 0 || strcmp(f->name, "synack") == 0 ||
		 strcmp(f->name, "ackdat") == 0)
		k |= COL_ZERO_DUR;
	else if (strcmp(f->name, "stime") == 0)
		k |= COL_STIME;
	else if (strcmp(f->name, "dur") == 0)
		k |= COL_DUR;
	else if (f->flags & ARGUS_FIELD_F_NUMERIC_PORT)
		k |= COL_LEFT;
	return k;
}

static int text_open(void *state, int fd, const struct argus_output_opts *opts, void **stream,
		     char *err, size_t errlen)
{
	static const char *const defaults[] = {"stime", "flgs", "proto", "saddr", "sport", "dir",
					       "daddr", "dport", "pkts",  "bytes", "state"};
	const struct text_state *s = state;
	struct text_stream *t;
	size_t i;

	t = calloc(1, sizeof *t);
	if (!t)
		goto nomem;
	t->host = s->host;
	argus_outbuf_init(&t->out, fd);
	t->flags = opts ? opts->flags : 0;
	t->sep = opts ? opts->separator : 0;
	if (t->sep == '\n' || t->sep == '\r') {
		snprintf(err, errlen, "text: the separator cannot be a line break");
		text_free(t);
		return ARGUS_EINVAL;
	}
	t->style = (t->flags & ARGUS_OUT_UNIX_TIME) ? ARGUS_FORMAT_TEXT_UNIX : ARGUS_FORMAT_TEXT;
	t->n = opts && opts->n_fields ? opts->n_fields : sizeof defaults / sizeof defaults[0];
	t->cols = calloc(t->n, sizeof *t->cols);
	t->vals = malloc(t->n * VALUE_MAX);
	t->lens = calloc(t->n, sizeof *t->lens);
	t->linecap = t->n * (WIDTH_MAX + VALUE_MAX + 2) + 4;
	t->line = malloc(t->linecap);
	if (!t->cols || !t->vals || !t->lens || !t->line || !t->out.buf)
		goto nomem;
	for (i = 0; i < t->n; i++) {
		struct column *c = &t->cols[i];
		const struct argus_field *f =
			opts && opts->n_fields ? opts->fields[i] : s->host->field_find(defaults[i]);

		if (!f || !f->get || !f->name) {
			snprintf(err, errlen, "text: field %zu is missing", i + 1);
			text_free(t);
			return ARGUS_EINVAL;
		}
		c->f = f;
		c->label = f->label ? f->label : f->name;
		c->width = f->width ? f->width : (unsigned)strlen(c->label);
		if (c->width == 0)
			c->width = 1;
		if (c->width > WIDTH_MAX)
			c->width = WIDTH_MAX;
		c->kind = column_kind(f);
		t->line_width += c->width + (i ? 1 : 0);
		if (strcmp(f->name, "smac") == 0 || strcmp(f->name, "dmac") == 0)
			t->mac_names = 1;
	}
	*stream = t;
	return 0;
nomem:
	text_free(t);
	snprintf(err, errlen, "out of memory");
	return ARGUS_ENOMEM;
}

/* S, longer than its column of width w, at p: cut, and marked with '*'
 * unless kind says COL_CUT. */
static void put_cut(char *p, const char *s, unsigned w, unsigned kind)
{
	if (kind & COL_CUT) {
		memcpy(p, s, w);
	} else {
		memcpy(p, s, w - 1);
		p[w - 1] = '*';
	}
}

/* Lay S (n bytes) out in width w at p; returns the bytes written.  (The
 * records' lines use place_value.) */
static size_t layout(char *p, const char *s, size_t n, unsigned w, unsigned kind)
{
	size_t pad;

	if (n > w) {
		put_cut(p, s, w, kind);
		return w;
	}
	pad = w - n;
	if (kind & COL_CENTER) {
		memset(p, ' ', pad / 2);
		memcpy(p + pad / 2, s, n);
		memset(p + pad / 2 + n, ' ', pad - pad / 2);
	} else if (kind & COL_LEFT) {
		memcpy(p, s, n);
		memset(p + n, ' ', pad);
	} else {
		memset(p, ' ', pad);
		memcpy(p + pad, s, n);
	}
	return w;
}

/* Put S (n bytes) in its column of width w at p, over blanks already there;
 * returns w. */
static size_t place_value(char *p, const char *s, size_t n, unsigned w, unsigned kind)
{
	if (n > w)
		put_cut(p, s, w, kind);
	else
		memcpy((kind & COL_LEFT) ? p : p + (w - n), s, n);
	return w;
}

/* Copy the constant S to VAL; returns its length. */
static size_t set_text(char *val, const char *s)
{
	size_t n = strlen(s);

	memcpy(val, s, n + 1);
	return n;
}

/* A MAC address as six hex pairs, at VAL; returns 17. */
static size_t mac_text(char *val, const uint8_t *m)
{
	static const char hex[] = "0123456789abcdef";
	int i;

	for (i = 0; i < 6; i++) {
		val[3 * i] = hex[m[i] >> 4];
		val[3 * i + 1] = hex[m[i] & 15];
		val[3 * i + 2] = ':';
	}
	val[17] = '\0';
	return 17;
}

static int write_title(struct text_stream *t)
{
	char *p = t->line;
	size_t i;

	t->title_done = 1;
	if (t->flags & ARGUS_OUT_NO_HEADER)
		return 0;
	for (i = 0; i < t->n; i++) {
		const struct column *c = &t->cols[i];
		size_t n = strnlen(c->label, VALUE_MAX);

		if (t->sep) {
			if (i)
				*p++ = t->sep;
			memcpy(p, c->label, n);
			p += n;
		} else {
			/* labels are cut, never marked */
			p += layout(p, c->label, n, c->width, (c->kind & COL_CENTER) | COL_CUT);
			*p++ = ' ';
		}
	}
	*p++ = '\n';
	return argus_outbuf_append(&t->out, t->line, (size_t)(p - t->line));
}

/* LLC SAP names ra shows without -n ("" for the null SAP). */
static const char *sap_name(unsigned sap, char *buf, size_t len)
{
	static const struct {
		uint8_t sap;
		const char *name;
	} names[] = {
		{0x02, "gsap"},	  {0x03, "isap"},   {0x04, "snapath"}, {0x06, "ipsap"}, {0x08, "sna1"},
		{0x0c, "sna2"},	  {0x0e, "p-nm"},   {0x18, "ti"},      {0x42, "stp"},	{0x4e, "eia"},
		{0x7e, "x25"},	  {0x80, "xns"},    {0x86, "nestar"},  {0x8e, "p-aslm"}, {0x98, "arp"},
		{0xaa, "snap"},	  {0xba, "vine1"},  {0xbc, "vine2"},   {0xe0, "netware"},
		{0xf0, "netbios"}, {0xf4, "ibmnm"}, {0xf8, "rpl1"},    {0xfa, "ub"},	{0xfc, "rpl2"},
		{0xfe, "clns"},	  {0xff, "gbl"},
	};
	size_t i;

	if (sap == 0)
		return "";
	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].sap == sap)
			return names[i].name;
	snprintf(buf, len, "0x%02x", sap & 0xffu);
	return buf;
}

/* Ports as ra shows them without -n; NULL to keep the field's own text. */
static const char *named_port(const struct argus_record *rec, const struct argus_value *v,
			      char *buf, size_t len)
{
	const struct argus_flow_key *k = &rec->key;

	if (v->type != ARGUS_VALUE_UINT || !(rec->present & ARGUS_HAS_FLOW))
		return NULL;
	if (k->family == ARGUS_KEY_ETHER)
		return sap_name((unsigned)v->v.u, buf, len);
	if (k->family == ARGUS_KEY_IPV6 && k->proto == 58) {
		snprintf(buf, len, "0x%04x", (unsigned)(v->v.u & 0xffffu)); /* type, code */
		return buf;
	}
	if ((k->family == ARGUS_KEY_IPV4 || k->family == ARGUS_KEY_IPV6) &&
	    (k->proto == 6 || k->proto == 17))
		return argus_service_name(k->proto, (unsigned)v->v.u);
	return NULL;
}

/* ---- ra's presentation rules ------------------------------------------------------
 *
 * What Argus 3.0.8's ra shows is not always the record as stored.  Rules
 * 1-3 (mid-stream TCP shown turned round, non-IP keys as stored, no TIME
 * section as times of 0) are those of ../common/raview.h, which the ra
 * program's filter applies too; they work on a copy of the record on the
 * stack.  The text output adds its own:
 *
 * 1a. On a record turned round by rule 1 the dir column reads "<?>", "<?"
 *    or "?>" from the swapped counts, and the loads are those of the stored
 *    record (ra computes them before it swaps).
 * 4. A flow record of one packet shows its last time as its start time
 *    and a duration of 0 in the stime and dur columns (not in runtime,
 *    mean ...), whatever its TIME section says, unless an ICMP error was
 *    mapped onto it (real ra keeps the start when the record has an ICMP
 *    section; argus writes one only for mapped errors, which the reader
 *    marks with ARGUS_FLAG_ICMP_MAPPED).
 * 5. Fields ra prints as constants on flow records: retrans, sretrans and
 *    dretrans always 0; svpri and dvpri always empty; the application
 *    bytes 0 when not measured; tcprtt, synack and ackdat 0.000000 when
 *    the record has no TCP timing (UDP, ICMP ...).  The true values are in
 *    the csv and json outputs. */

/* Rule 4: a record of one packet shows start = last in stime and dur. */
static int ra_one_packet(const struct argus_record *r)
{
	return r->kind == ARGUS_RECORD_FLOW && (r->present & ARGUS_HAS_TIME) &&
	       (r->present & ARGUS_HAS_METRIC) && r->spkts + r->dpkts == 1 &&
	       r->stime_us != r->ltime_us && !(r->flags & ARGUS_FLAG_ICMP_MAPPED);
}

static int text_write(void *stream, const struct argus_record *rec, char *err, size_t errlen)
{
	struct text_stream *t = stream;
	int mar = rec->kind == ARGUS_RECORD_MAR;
	int named_ports = !(t->flags & ARGUS_OUT_NUMERIC) && !mar;
	char *line, *p;
	const struct argus_record *stored = rec;
	struct argus_record view;
	int one_packet;
	size_t i;

	if (t->out.err)
		return argus_outbuf_error(&t->out, err, errlen);
	if (mar && !(t->flags & ARGUS_OUT_SHOW_MAR))
		return 0;
	if (!t->title_done && write_title(t) != 0)
		return argus_outbuf_error(&t->out, err, errlen);
	rec = argus_raview_of(rec, &view);
	one_packet = ra_one_packet(rec);

	for (i = 0; i < t->n; i++) {
		const struct column *c = &t->cols[i];
		char *val = t->vals + i * VALUE_MAX;
		struct argus_value v;

		t->lens[i] = 0;
		val[0] = '\0';
		if (!mar && (c->kind & (COL_RA_ZERO | COL_RA_BLANK))) {
			if (c->kind & COL_RA_ZERO)
				t->lens[i] = set_text(val, "0");
			continue;
		}
		if (!c->f->get((c->kind & COL_STORED) ? stored : rec, &v)) {
			if (mar)
				continue;
			/* ra's address columns of a flow record without a key,
			 * with -c (aligned, ra leaves them blank) */
			if (t->sep && (c->kind & (COL_SADDR | COL_DADDR)) &&
			    !(rec->present & ARGUS_HAS_FLOW))
				t->lens[i] = set_text(val, "(null)");
			else if ((c->kind & COL_ZERO_METRIC) && (rec->present & ARGUS_HAS_METRIC))
				t->lens[i] = set_text(val, "0");
			else if (c->kind & COL_ZERO_DUR)
				t->lens[i] = set_text(val, "0.000000");
			continue;
		}
		if (one_packet && (c->kind & COL_STIME) && v.type == ARGUS_VALUE_TIME)
			v.v.time_us = rec->ltime_us;
		if (one_packet && (c->kind & COL_DUR) && v.type == ARGUS_VALUE_DURATION)
			v.v.time_us = 0;
		if (v.type == ARGUS_VALUE_MAC && (c->kind & (COL_SADDR | COL_DADDR)) && !t->mac_names) {
			/* ra names ff:ff:ff:ff:ff:ff "Broadcast" in address columns only
			 * when a MAC column is printed too */
			t->lens[i] = mac_text(val, v.v.mac);
			continue;
		}
		if (named_ports && (c->kind & (COL_SPORT | COL_DPORT))) {
			char buf[16];
			const char *name = named_port(rec, &v, buf, sizeof buf);

			if (name) {
				size_t n = strlen(name);

				t->lens[i] = n < VALUE_MAX ? n : VALUE_MAX - 1;
				memcpy(val, name, t->lens[i]);
				continue;
			}
		}
		t->lens[i] = t->host->field_format(c->f, &v, t->style, val, VALUE_MAX);
		/* without -n ra calls an ethertype it cannot name "unknown" */
		if (named_ports && (c->kind & COL_PROTO) && rec->key.family == ARGUS_KEY_ETHER &&
		    t->lens[i] && strspn(val, "0123456789") == t->lens[i])
			t->lens[i] = set_text(val, "unknown");
	}

	/* the line goes straight into the output buffer when it surely fits */
	if (t->linecap <= ARGUS_OUTBUF_SIZE) {
		if (argus_outbuf_reserve(&t->out, t->linecap) != 0)
			return argus_outbuf_error(&t->out, err, errlen);
		line = t->out.buf + t->out.len;
	} else {
		line = t->line;
	}
	p = line;
	if (t->sep) {
		for (i = 0; i < t->n; i++) {
			if (i)
				*p++ = t->sep;
			memcpy(p, t->vals + i * VALUE_MAX, t->lens[i]);
			p += t->lens[i];
		}
	} else {
		/* blanks first, then each value in its place */
		memset(p, ' ', t->line_width);
		for (i = 0; i < t->n; i++) {
			const struct column *c = &t->cols[i];
			const char *val = t->vals + i * VALUE_MAX;
			unsigned kind = c->kind;

			if (i) {
				/* "addr.port": ra joins a port to the address before it */
				const struct column *prev = &t->cols[i - 1];
				int join = !mar && t->lens[i] &&
					   (((kind & COL_SPORT) && (prev->kind & COL_SADDR)) ||
					    ((kind & COL_DPORT) && (prev->kind & COL_DADDR)));
				if (join)
					*p = '.';
				p++;
			}
			if (mar && (kind & (COL_SPORT | COL_DPORT)))
				kind &= ~(unsigned)COL_LEFT;
			p += place_value(p, val, t->lens[i], c->width, kind);
		}
		while (p > line && p[-1] == ' ')
			p--;
	}
	*p++ = '\n';
	if (line != t->line) {
		t->out.len += (size_t)(p - line);
		return 0;
	}
	if (argus_outbuf_append(&t->out, line, (size_t)(p - line)) != 0)
		return argus_outbuf_error(&t->out, err, errlen);
	return 0;
}

static int text_flush(void *stream, char *err, size_t errlen)
{
	struct text_stream *t = stream;

	argus_outbuf_flush(&t->out);
	return argus_outbuf_error(&t->out, err, errlen);
}

static int text_close(void *stream, char *err, size_t errlen)
{
	struct text_stream *t = stream;
	int rc;

	if (!t)
		return 0;
	argus_outbuf_flush(&t->out);
	rc = argus_outbuf_error(&t->out, err, errlen);
	text_free(t);
	return rc;
}

static const struct argus_output_ops text_ops = {
	.open = text_open,
	.write = text_write,
	.flush = text_flush,
	.close = text_close,
};

static const struct argus_plugin text_plugin = {
	.abi_major = ARGUS_ABI_MAJOR,
	.abi_minor = ARGUS_ABI_MINOR,
	.size = sizeof(struct argus_plugin),
	.kind = ARGUS_PLUGIN_OUTPUT,
	.name = "text",
	.version = "0.1.0",
	.summary = "Argus ra's columns (aligned, or joined by a separator)",
	.init = text_init,
	.fini = text_fini,
	.ops.output = &text_ops,
};

ARGUS_PLUGIN_DEFINE(text, text_plugin)
