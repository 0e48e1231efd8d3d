/* dns: an example application decoder for argus-ng (plugin ABI 1.3).
 *
 * It rides on the tcp and udp decoders' flows to and from port 53 and adds
 * the first question's name and type and the response code to each flow's
 * record, as three fields: dns_qname, dns_qtype and dns_rcode.  The data
 * travels in the record (argus_record_ext_put), so `ra -F json` shows the
 * fields and `ra - 'dns_qtype eq 28'` filters on them.
 *
 * Built against the installed SDK only (pkg-config argus-ng): see the
 * Makefile beside this file and argus-plugins(7). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <argus/plugin.h>

#define QNAME_MAX 120 /* longer names are cut (field values hold 127 bytes) */

/* What the flow has seen so far. */
struct dns_flow {
	uint8_t have; /* HAVE_* */
	uint8_t rcode;
	uint16_t qtype;
	uint8_t qname_len;
	char qname[QNAME_MAX];
};

#define HAVE_QUESTION 0x01
#define HAVE_RESPONSE 0x02

/* The record data: u8 have, u8 rcode, u16 qtype (big-endian), the name. */
#define DATA_HEADER 4

static const struct argus_app_port dns_ports[] = {
	{17, 53},
	{6, 53},
};

static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

/* The DNS message in PKT, or NULL: after the UDP header, or after the TCP
 * header and the 2-byte length that starts a DNS message over TCP. */
static const uint8_t *dns_message(const struct argus_packet *pkt, size_t *len)
{
	size_t off;

	if (!pkt->l4)
		return NULL;
	if (pkt->proto == 17) {
		off = 8;
	} else {
		if (pkt->l4_len < 20)
			return NULL;
		off = (size_t)(pkt->l4[12] >> 4) * 4 + 2;
	}
	if (pkt->l4_len < off + 12)
		return NULL;
	*len = pkt->l4_len - off;
	return pkt->l4 + off;
}

/* Read the first question (name in dotted form, type).  0 on success. */
static int read_question(const uint8_t *m, size_t len, struct dns_flow *f)
{
	size_t off = 12, n = 0;

	if (rd16(m + 4) == 0) /* no question */
		return -1;
	while (off < len) {
		size_t label = m[off];
		if (label == 0) {
			off++;
			break;
		}
		if (label & 0xc0 || off + 1 + label > len)
			return -1; /* no compression in a first question */
		if (n && n < QNAME_MAX)
			f->qname[n++] = '.';
		for (size_t i = 0; i < label && n < QNAME_MAX; i++) {
			uint8_t c = m[off + 1 + i];
			f->qname[n++] = c > 0x20 && c < 0x7f ? (char)c : '?';
		}
		off += 1 + label;
	}
	if (off + 2 > len)
		return -1;
	if (n == 0)
		f->qname[n++] = '.'; /* the root */
	f->qname_len = (uint8_t)n;
	f->qtype = rd16(m + off);
	f->have |= HAVE_QUESTION;
	return 0;
}

static enum argus_flow_verdict dns_update(void *state, void *flow_state,
					  const struct argus_packet *pkt, int dir)
{
	struct dns_flow *f = flow_state;
	const uint8_t *m;
	size_t len;

	(void)state;
	(void)dir;
	m = dns_message(pkt, &len);
	if (!m)
		return ARGUS_FLOW_CONTINUE;
	if (!(f->have & HAVE_QUESTION))
		read_question(m, len, f);
	if ((m[2] & 0x80) && !(f->have & HAVE_RESPONSE)) { /* QR: a response */
		f->rcode = m[3] & 0x0f;
		f->have |= HAVE_RESPONSE;
	}
	return ARGUS_FLOW_CONTINUE;
}

static void dns_fill(void *state, const void *flow_state, struct argus_record *rec)
{
	const struct dns_flow *f = flow_state;
	uint8_t data[DATA_HEADER + QNAME_MAX];

	(void)state;
	if (!f->have)
		return;
	data[0] = f->have;
	data[1] = f->rcode;
	data[2] = (uint8_t)(f->qtype >> 8);
	data[3] = (uint8_t)f->qtype;
	memcpy(data + DATA_HEADER, f->qname, f->qname_len);
	argus_record_ext_put(rec, "dns", data, DATA_HEADER + (size_t)f->qname_len);
}

/* ---- fields ---- */

static const uint8_t *dns_data(const struct argus_record *rec, size_t *len)
{
	const uint8_t *d = argus_record_ext_get(rec, "dns", len);
	return d && *len >= DATA_HEADER ? d : NULL;
}

static int none(struct argus_value *v)
{
	v->type = ARGUS_VALUE_NONE;
	return 0;
}

static int get_qname(const struct argus_record *rec, struct argus_value *v)
{
	size_t len, n;
	const uint8_t *d = dns_data(rec, &len);

	if (!d || !(d[0] & HAVE_QUESTION))
		return none(v);
	n = len - DATA_HEADER < sizeof v->s - 1 ? len - DATA_HEADER : sizeof v->s - 1;
	v->type = ARGUS_VALUE_STRING;
	memcpy(v->s, d + DATA_HEADER, n);
	v->s[n] = '\0';
	return 1;
}

static int get_qtype(const struct argus_record *rec, struct argus_value *v)
{
	size_t len;
	const uint8_t *d = dns_data(rec, &len);

	if (!d || !(d[0] & HAVE_QUESTION))
		return none(v);
	v->type = ARGUS_VALUE_UINT;
	v->v.u = rd16(d + 2);
	v->s[0] = '\0';
	return 1;
}

static int get_rcode(const struct argus_record *rec, struct argus_value *v)
{
	size_t len;
	const uint8_t *d = dns_data(rec, &len);

	if (!d || !(d[0] & HAVE_RESPONSE))
		return none(v);
	v->type = ARGUS_VALUE_UINT;
	v->v.u = d[1];
	v->s[0] = '\0';
	return 1;
}

static const struct argus_field dns_fields[] = {
	{"dns_qname", "DnsQname", ARGUS_VALUE_STRING, 24, 0, get_qname,
	 "DNS: name of the first question"},
	{"dns_qtype", "DnsQtype", ARGUS_VALUE_UINT, 8, 0, get_qtype,
	 "DNS: type of the first question (1 A, 28 AAAA, ...)"},
	{"dns_rcode", "DnsRcode", ARGUS_VALUE_UINT, 8, 0, get_rcode,
	 "DNS: response code of the first response (0 NOERROR, 3 NXDOMAIN, ...)"},
};

static int dns_init(const struct argus_host *host, void **state, char *err, size_t errlen)
{
	if (host->abi_minor < 3) {
		strncpy(err, "needs a host with plugin ABI 1.3 (application decoders)", errlen - 1);
		err[errlen - 1] = '\0';
		return ARGUS_ENOTSUP;
	}
	for (size_t i = 0; i < sizeof dns_fields / sizeof dns_fields[0]; i++) {
		int rc = host->field_register(&dns_fields[i], err, errlen);
		if (rc != 0)
			return rc;
	}
	*state = NULL;
	return ARGUS_OK;
}

static void dns_fini(void *state)
{
	(void)state;
}

static const struct argus_decoder_ops dns_ops = {
	.flow_state_size = sizeof(struct dns_flow),
	.update = dns_update,
	.fill_record = dns_fill,
	.app_ports = dns_ports,
	.n_app_ports = sizeof dns_ports / sizeof dns_ports[0],
};

static const struct argus_plugin dns_plugin = {
	.abi_major = ARGUS_ABI_MAJOR,
	.abi_minor = 3,
	.size = sizeof(struct argus_plugin),
	.kind = ARGUS_PLUGIN_DECODER,
	.name = "dns",
	.version = "1.0",
	.summary = "DNS over UDP and TCP port 53: first question name and type, response code",
	.init = dns_init,
	.fini = dns_fini,
	.ops.decoder = &dns_ops,
};

ARGUS_PLUGIN_DEFINE(dns, dns_plugin)
