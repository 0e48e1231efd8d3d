/* ra filter plugin: evaluation of a compiled program over one record.
 * No allocation, no recursion; every jump goes backwards (see ast.h). */
#include <ctype.h>
#include <string.h>

#include "ast.h"

#define TH_RST 0x04

static int is_ip(const struct argus_record *rec)
{
	return (rec->present & ARGUS_HAS_FLOW) &&
	       (rec->key.family == ARGUS_KEY_IPV4 || rec->key.family == ARGUS_KEY_IPV6);
}

static int is_tcp(const struct argus_record *rec)
{
	return is_ip(rec) && rec->key.proto == 6 && (rec->present & ARGUS_HAS_TCP);
}

static int fam_bit(const struct argus_record *rec)
{
	if (!(rec->present & ARGUS_HAS_FLOW))
		return 0;
	return rec->key.family == ARGUS_KEY_IPV4 ? 1 : rec->key.family == ARGUS_KEY_IPV6 ? 2 : 0;
}

/* ARP keys carry the sender / target protocol (IPv4) addresses. */
static const uint8_t *key_addr(const struct argus_record *rec, int fam, int side)
{
	uint8_t kf = rec->key.family;

	if (!(rec->present & ARGUS_HAS_FLOW))
		return NULL;
	if (fam == 4 ? kf != ARGUS_KEY_IPV4 && kf != ARGUS_KEY_ARP : kf != ARGUS_KEY_IPV6)
		return NULL;
	return side ? rec->key.daddr : rec->key.saddr;
}

static int addr_under(const uint8_t *a, const struct argus_rafilter_addr *x)
{
	int n = x->fam == 4 ? 4 : 16;

	for (int k = 0; k < n; k++)
		if ((a[k] & x->mask[k]) != x->bytes[k])
			return 0;
	return 1;
}

static const uint8_t *mac_of(const struct argus_record *rec, int side)
{
	if (rec->present & ARGUS_HAS_MAC)
		return side ? rec->dmac : rec->smac;
	if ((rec->present & ARGUS_HAS_FLOW) && rec->key.family == ARGUS_KEY_ETHER)
		return side ? rec->key.daddr : rec->key.saddr;
	return NULL;
}

static int cmp_result(int c, uint8_t op)
{
	switch (op) {
	case ARGUS_RAFILTER_GT:
		return c > 0;
	case ARGUS_RAFILTER_GE:
		return c >= 0;
	case ARGUS_RAFILTER_LT:
		return c < 0;
	case ARGUS_RAFILTER_LE:
		return c <= 0;
	default:
		return c == 0;
	}
}

#define CMP3(a, b) ((a) < (b) ? -1 : (a) > (b) ? 1 : 0)

static int num_cmp(const struct argus_value *v, const struct argus_rafilter_num *n, uint8_t op)
{
	int c;

	switch (v->type) {
	case ARGUS_VALUE_UINT:
		if (n->is_int)
			c = n->i < 0 ? 1 : CMP3(v->v.u, (uint64_t)n->i);
		else
			c = CMP3((double)v->v.u, n->d);
		break;
	case ARGUS_VALUE_INT:
		c = n->is_int ? CMP3(v->v.i, n->i) : CMP3((double)v->v.i, n->d);
		break;
	case ARGUS_VALUE_DOUBLE:
		if (!(v->v.d <= n->d) && !(v->v.d > n->d))
			return 0; /* NaN compares false */
		c = CMP3(v->v.d, n->d);
		break;
	case ARGUS_VALUE_TIME:
	case ARGUS_VALUE_DURATION:
		c = CMP3(v->v.time_us, n->us);
		break;
	default:
		return 0;
	}
	return cmp_result(c, op);
}

/* Text equality, case-insensitive, ignoring the padding some fields carry. */
static int str_eq(const char *a, const char *b)
{
	size_t la, lb;

	while (*a == ' ')
		a++;
	la = strnlen(a, ARGUS_VALUE_STRMAX);
	while (la && a[la - 1] == ' ')
		la--;
	lb = strlen(b);
	if (la != lb)
		return 0;
	for (size_t k = 0; k < la; k++)
		if (tolower((unsigned char)a[k]) != tolower((unsigned char)b[k]))
			return 0;
	return 1;
}

static int field_side(const struct argus_rafilter_insn *in, const struct argus_record *rec,
		      int side)
{
	const struct argus_field *f = in->a.field.f[side];
	struct argus_value v;

	if (!f)
		return 0;
	v.type = ARGUS_VALUE_NONE;
	if (!f->get(rec, &v) || v.type == ARGUS_VALUE_NONE) {
		if (!(rec->present & in->a.field.absent0) ||
		    in->a.field.mode != ARGUS_RAFILTER_FM_NUM)
			return 0;
		v.type = ARGUS_VALUE_UINT;
		v.v.u = 0;
	}
	switch (in->a.field.mode) {
	case ARGUS_RAFILTER_FM_NUM:
		return num_cmp(&v, &in->a.field.v.num, in->cmp);
	case ARGUS_RAFILTER_FM_STR:
		if (v.type != ARGUS_VALUE_STRING)
			return 0;
		v.s[ARGUS_VALUE_STRMAX - 1] = '\0';
		return str_eq(v.s, in->a.field.v.str);
	case ARGUS_RAFILTER_FM_ADDR:
		return v.type == ARGUS_VALUE_ADDR && v.v.addr.family == in->a.field.v.addr.fam &&
		       addr_under(v.v.addr.bytes, &in->a.field.v.addr);
	case ARGUS_RAFILTER_FM_MAC:
		return v.type == ARGUS_VALUE_MAC && !memcmp(v.v.mac, in->a.field.v.mac, 6);
	default:
		return 0;
	}
}

/* One side (0 source, 1 destination) of a directional primitive. */
static int test_side(const struct argus_rafilter_insn *in, const struct argus_record *rec, int side)
{
	const uint8_t *a;
	uint16_t port;

	switch (in->op) {
	case ARGUS_RAFILTER_OP_HOST:
	case ARGUS_RAFILTER_OP_NET:
		a = key_addr(rec, in->a.addr.fam, side);
		return a && addr_under(a, &in->a.addr);
	case ARGUS_RAFILTER_OP_PORT:
		port = side ? rec->key.dport : rec->key.sport;
		return port >= in->a.port.lo && port <= in->a.port.hi;
	case ARGUS_RAFILTER_OP_ETHER:
		a = mac_of(rec, side);
		return a && !memcmp(a, in->a.mac, 6);
	case ARGUS_RAFILTER_OP_FIELD:
		return field_side(in, rec, side);
	case ARGUS_RAFILTER_OP_TCPSTATUS:
		return (rec->tcp.status & in->a.m[side]) != 0;
	case ARGUS_RAFILTER_OP_RESET:
		/* (a block the record does not carry is zero) */
		return ((side ? rec->tcp.dst.flags : rec->tcp.src.flags) & TH_RST) != 0;
	case ARGUS_RAFILTER_OP_RETRANS:
		if (rec->flags & (side ? ARGUS_FLAG_DST_RETRANS : ARGUS_FLAG_SRC_RETRANS))
			return 1;
		return is_tcp(rec) && (rec->tcp.status & (side ? ARGUS_TCP_DST_PKTS_RETRANS
							       : ARGUS_TCP_SRC_PKTS_RETRANS));
	case ARGUS_RAFILTER_OP_FRAG:
		/* the IP attributes' "fragments seen" bits: ra's "frag" is false
		 * for a flow keyed on unmatched fragments ('f') */
		return (side ? rec->dattr.frag : rec->sattr.frag) != 0;
	case ARGUS_RAFILTER_OP_ENCAPS:
		return (rec->present & ARGUS_HAS_ENCAPS) &&
		       ((side ? rec->dencaps : rec->sencaps) & in->a.m[0]) == in->a.m[0];
	case ARGUS_RAFILTER_OP_ETHERMCAST:
		a = mac_of(rec, side);
		return a && (a[0] & 1u);
	default:
		return 0;
	}
}

static int srcid_match(const struct argus_rafilter_insn *in, const struct argus_record *rec)
{
	const struct argus_srcid *s = &rec->srcid;
	uint32_t v;

	if (!(rec->present & ARGUS_HAS_TRANSPORT))
		return 0;
	switch (in->a.srcid.kind) {
	case 0:
		if (s->type == ARGUS_SRCID_IPV4) {
			v = (uint32_t)s->value[0] << 24 | (uint32_t)s->value[1] << 16 |
			    (uint32_t)s->value[2] << 8 | s->value[3];
		} else if (s->type == ARGUS_SRCID_INT) {
			memcpy(&v, s->value, sizeof v);
		} else {
			return 0;
		}
		return v == in->a.srcid.num;
	case 1:
		return s->type == ARGUS_SRCID_IPV6 && !memcmp(s->value, in->a.srcid.bytes, 16);
	default:
		return s->type == ARGUS_SRCID_STRING && s->len == in->a.srcid.len &&
		       !memcmp(s->value, in->a.srcid.bytes, in->a.srcid.len);
	}
}

static uint16_t ethertype_of(const struct argus_record *rec)
{
	switch (rec->key.family) {
	case ARGUS_KEY_IPV4:
		return 0x0800;
	case ARGUS_KEY_IPV6:
		return 0x86dd;
	case ARGUS_KEY_ARP:
		return rec->key.ethertype ? rec->key.ethertype : 0x0806;
	case ARGUS_KEY_ISIS: /* its ethertype holds the checksum */
	case ARGUS_KEY_WLAN:
		return 0;
	default:
		return rec->key.ethertype;
	}
}

static int test(const struct argus_rafilter_insn *in, const struct argus_record *rec)
{
	int s;

	if (in->op == ARGUS_RAFILTER_OP_MAN)
		return rec->kind == ARGUS_RECORD_MAR;
	if (rec->kind != ARGUS_RECORD_FLOW)
		return 0;

	switch (in->op) {
	case ARGUS_RAFILTER_OP_FAMILY:
		return (fam_bit(rec) & in->a.ip.fam_mask) != 0;
	case ARGUS_RAFILTER_OP_PROTO:
		return (fam_bit(rec) & in->a.ip.fam_mask) && rec->key.proto == in->a.ip.proto;
	case ARGUS_RAFILTER_OP_ARP:
		return (rec->present & ARGUS_HAS_FLOW) && rec->key.family == ARGUS_KEY_ARP;
	case ARGUS_RAFILTER_OP_ISIS:
		return (rec->present & ARGUS_HAS_FLOW) &&
		       (rec->key.family == ARGUS_KEY_ISIS ||
			(rec->key.family == ARGUS_KEY_ETHER && rec->key.ethertype == 0x83));
	case ARGUS_RAFILTER_OP_ETHERTYPE:
		return (rec->present & ARGUS_HAS_FLOW) && ethertype_of(rec) == in->a.ethertype;
	case ARGUS_RAFILTER_OP_SRCID:
		return srcid_match(in, rec);
	case ARGUS_RAFILTER_OP_TCPOPT:
		return is_tcp(rec) && (rec->tcp.options & in->a.m[0]);
	case ARGUS_RAFILTER_OP_FLAGS:
		return (rec->flags & in->a.m[0]) != 0;
	case ARGUS_RAFILTER_OP_PRESENT:
		return (rec->present & in->a.m[0]) != 0;
	case ARGUS_RAFILTER_OP_CAUSE:
		return rec->cause == in->a.m[0];
	case ARGUS_RAFILTER_OP_EST:
		if (!is_ip(rec))
			return 0;
		if (is_tcp(rec))
			return (rec->tcp.status & ARGUS_TCP_ESTABLISHED) != 0;
		return (rec->present & ARGUS_HAS_METRIC) && rec->spkts && rec->dpkts;
	case ARGUS_RAFILTER_OP_ICMPTYPE:
		if (in->a.icmp.mapped && (rec->flags & ARGUS_FLAG_ICMP_MAPPED))
			return 1;
		if (!(fam_bit(rec) & 1) || rec->key.proto != 1)
			return 0;
		s = ARGUS_ICMP_TYPE(&rec->key);
		return s < 32 && ((in->a.icmp.types >> s) & 1u);
	case ARGUS_RAFILTER_OP_HOST:
	case ARGUS_RAFILTER_OP_NET:
		break;
	case ARGUS_RAFILTER_OP_PORT:
		if (!is_ip(rec) || (rec->key.proto != 6 && rec->key.proto != 17) ||
		    (in->a.port.proto && rec->key.proto != in->a.port.proto))
			return 0;
		break;
	case ARGUS_RAFILTER_OP_TCPSTATUS:
	case ARGUS_RAFILTER_OP_RESET:
		if (!is_tcp(rec))
			return 0;
		if (in->op == ARGUS_RAFILTER_OP_RESET && in->dir == ARGUS_RAFILTER_DIR_EITHER &&
		    (rec->tcp.status & (ARGUS_TCP_SRC_RESET | ARGUS_TCP_DST_RESET)))
			return 1;
		break;
	default:
		break;
	}

	switch (in->dir) {
	case ARGUS_RAFILTER_DIR_SRC:
		return test_side(in, rec, 0);
	case ARGUS_RAFILTER_DIR_DST:
		return test_side(in, rec, 1);
	case ARGUS_RAFILTER_DIR_BOTH:
		return test_side(in, rec, 0) && test_side(in, rec, 1);
	default:
		return test_side(in, rec, 0) || test_side(in, rec, 1);
	}
}

int argus_rafilter_match(const struct argus_rafilter_program *prog, const struct argus_record *rec)
{
	int32_t i = prog->entry;

	while (i >= 0) {
		const struct argus_rafilter_insn *in = &prog->insn[i];
		i = test(in, rec) ? in->jt : in->jf;
	}
	return i == ARGUS_RAFILTER_ACCEPT;
}

/* ---- built-in fields ------------------------------------------------------------
 * Used when the host's field table has no field by the name (a host without
 * a field table, or the unit test).  Values follow what ra 3.0.8.2 filters
 * on: a direction without packets has TTL/TOS 0, rates count packets after
 * the first. */

static int set_u(struct argus_value *v, uint64_t u)
{
	v->type = ARGUS_VALUE_UINT;
	v->v.u = u;
	v->s[0] = '\0';
	return 1;
}

static int set_d(struct argus_value *v, double d)
{
	v->type = ARGUS_VALUE_DOUBLE;
	v->v.d = d;
	v->s[0] = '\0';
	return 1;
}

static int none(struct argus_value *v)
{
	v->type = ARGUS_VALUE_NONE;
	return 0;
}

#define FLOW_ONLY(rec, bit) ((rec)->kind == ARGUS_RECORD_FLOW && ((rec)->present & (bit)))

static int get_sttl(const struct argus_record *r, struct argus_value *v)
{
	return FLOW_ONLY(r, ARGUS_HAS_IPATTR) ? set_u(v, r->sattr.ttl) : none(v);
}
static int get_dttl(const struct argus_record *r, struct argus_value *v)
{
	return FLOW_ONLY(r, ARGUS_HAS_IPATTR) ? set_u(v, r->dattr.ttl) : none(v);
}
static int get_stos(const struct argus_record *r, struct argus_value *v)
{
	return FLOW_ONLY(r, ARGUS_HAS_IPATTR) ? set_u(v, r->sattr.tos) : none(v);
}
static int get_dtos(const struct argus_record *r, struct argus_value *v)
{
	return FLOW_ONLY(r, ARGUS_HAS_IPATTR) ? set_u(v, r->dattr.tos) : none(v);
}
static int get_spkts(const struct argus_record *r, struct argus_value *v)
{
	return FLOW_ONLY(r, ARGUS_HAS_METRIC) ? set_u(v, r->spkts) : none(v);
}
static int get_dpkts(const struct argus_record *r, struct argus_value *v)
{
	return FLOW_ONLY(r, ARGUS_HAS_METRIC) ? set_u(v, r->dpkts) : none(v);
}
static int get_sbytes(const struct argus_record *r, struct argus_value *v)
{
	return FLOW_ONLY(r, ARGUS_HAS_METRIC) ? set_u(v, r->sbytes) : none(v);
}
static int get_dbytes(const struct argus_record *r, struct argus_value *v)
{
	return FLOW_ONLY(r, ARGUS_HAS_METRIC) ? set_u(v, r->dbytes) : none(v);
}
static int get_sappbytes(const struct argus_record *r, struct argus_value *v)
{
	return FLOW_ONLY(r, ARGUS_HAS_METRIC) ? set_u(v, r->sappbytes) : none(v);
}
static int get_dappbytes(const struct argus_record *r, struct argus_value *v)
{
	return FLOW_ONLY(r, ARGUS_HAS_METRIC) ? set_u(v, r->dappbytes) : none(v);
}

static double dur_s(const struct argus_record *r)
{
	return (r->present & ARGUS_HAS_TIME) && r->ltime_us > r->stime_us
		       ? (double)(r->ltime_us - r->stime_us) / 1e6
		       : 0.0;
}

static double rate_of(const struct argus_record *r, uint64_t pkts)
{
	double d = dur_s(r);
	return pkts > 1 && d > 0 ? (double)(pkts - 1) / d : 0.0;
}

static double load_of(const struct argus_record *r, uint64_t pkts, uint64_t bytes)
{
	double d = dur_s(r);
	/* ra counts the bytes after the first packet's share */
	return pkts > 1 && d > 0 ? (double)((bytes - bytes / pkts) * 8) / d : 0.0;
}

static int get_srate(const struct argus_record *r, struct argus_value *v)
{
	return FLOW_ONLY(r, ARGUS_HAS_METRIC) ? set_d(v, rate_of(r, r->spkts)) : none(v);
}
static int get_drate(const struct argus_record *r, struct argus_value *v)
{
	return FLOW_ONLY(r, ARGUS_HAS_METRIC) ? set_d(v, rate_of(r, r->dpkts)) : none(v);
}
static int get_sload(const struct argus_record *r, struct argus_value *v)
{
	return FLOW_ONLY(r, ARGUS_HAS_METRIC) ? set_d(v, load_of(r, r->spkts, r->sbytes)) : none(v);
}
static int get_dload(const struct argus_record *r, struct argus_value *v)
{
	return FLOW_ONLY(r, ARGUS_HAS_METRIC) ? set_d(v, load_of(r, r->dpkts, r->dbytes)) : none(v);
}
static int get_svid(const struct argus_record *r, struct argus_value *v)
{
	return FLOW_ONLY(r, ARGUS_HAS_VLAN) ? set_u(v, r->svlan & 0x0fffu) : none(v);
}
static int get_dvid(const struct argus_record *r, struct argus_value *v)
{
	return FLOW_ONLY(r, ARGUS_HAS_VLAN) ? set_u(v, r->dvlan & 0x0fffu) : none(v);
}
static int get_svpri(const struct argus_record *r, struct argus_value *v)
{
	return FLOW_ONLY(r, ARGUS_HAS_VLAN) ? set_u(v, (unsigned)r->svlan >> 13) : none(v);
}
static int get_dvpri(const struct argus_record *r, struct argus_value *v)
{
	return FLOW_ONLY(r, ARGUS_HAS_VLAN) ? set_u(v, (unsigned)r->dvlan >> 13) : none(v);
}
static int get_dur(const struct argus_record *r, struct argus_value *v)
{
	if (!FLOW_ONLY(r, ARGUS_HAS_TIME))
		return none(v);
	v->type = ARGUS_VALUE_DURATION;
	v->v.time_us = r->ltime_us > r->stime_us ? r->ltime_us - r->stime_us : 0;
	v->s[0] = '\0';
	return 1;
}
static int get_seq(const struct argus_record *r, struct argus_value *v)
{
	return FLOW_ONLY(r, ARGUS_HAS_TRANSPORT) ? set_u(v, r->seq) : none(v);
}
static int get_smpls(const struct argus_record *r, struct argus_value *v)
{
	return FLOW_ONLY(r, ARGUS_HAS_MPLS) && r->n_smpls ? set_u(v, r->smpls[0] >> 12) : none(v);
}
static int get_dmpls(const struct argus_record *r, struct argus_value *v)
{
	return FLOW_ONLY(r, ARGUS_HAS_MPLS) && r->n_dmpls ? set_u(v, r->dmpls[0] >> 12) : none(v);
}
static uint64_t lost(const struct argus_record *r, int dst)
{
	if (!(r->present & ARGUS_HAS_TCP))
		return 0;
	return dst ? (r->tcp.have_dst ? r->tcp.dst.retrans : 0) : r->tcp.src.retrans;
}
static int get_sretrans(const struct argus_record *r, struct argus_value *v)
{
	return FLOW_ONLY(r, ARGUS_HAS_TCP) ? set_u(v, lost(r, 0)) : none(v);
}
static int get_dretrans(const struct argus_record *r, struct argus_value *v)
{
	return FLOW_ONLY(r, ARGUS_HAS_TCP) && r->tcp.have_dst ? set_u(v, lost(r, 1)) : none(v);
}
/* percent of a direction's packets lost (retransmitted), as ra's pSrcLoss */
static int ploss(const struct argus_record *r, int dst, struct argus_value *v)
{
	uint64_t l = lost(r, dst), n = (dst ? r->dpkts : r->spkts) + l;

	if (r->kind != ARGUS_RECORD_FLOW)
		return none(v);
	return set_d(v, n ? (double)l * 100.0 / (double)n : 0.0);
}
static int get_sploss(const struct argus_record *r, struct argus_value *v)
{
	return ploss(r, 0, v);
}
static int get_dploss(const struct argus_record *r, struct argus_value *v)
{
	return ploss(r, 1, v);
}
static int get_trans(const struct argus_record *r, struct argus_value *v)
{
	return r->kind == ARGUS_RECORD_FLOW ? set_u(v, r->trans ? r->trans : 1) : none(v);
}

#define BF(n, t, g)                                                                                \
	{                                                                                          \
		n, n, t, 0, 0, g, "ra filter built-in"                                             \
	}
static const struct argus_field builtin_fields[] = {
	BF("sttl", ARGUS_VALUE_UINT, get_sttl),
	BF("dttl", ARGUS_VALUE_UINT, get_dttl),
	BF("stos", ARGUS_VALUE_UINT, get_stos),
	BF("dtos", ARGUS_VALUE_UINT, get_dtos),
	BF("spkts", ARGUS_VALUE_UINT, get_spkts),
	BF("dpkts", ARGUS_VALUE_UINT, get_dpkts),
	BF("sbytes", ARGUS_VALUE_UINT, get_sbytes),
	BF("dbytes", ARGUS_VALUE_UINT, get_dbytes),
	BF("sappbytes", ARGUS_VALUE_UINT, get_sappbytes),
	BF("dappbytes", ARGUS_VALUE_UINT, get_dappbytes),
	BF("srate", ARGUS_VALUE_DOUBLE, get_srate),
	BF("drate", ARGUS_VALUE_DOUBLE, get_drate),
	BF("sload", ARGUS_VALUE_DOUBLE, get_sload),
	BF("dload", ARGUS_VALUE_DOUBLE, get_dload),
	BF("svid", ARGUS_VALUE_UINT, get_svid),
	BF("dvid", ARGUS_VALUE_UINT, get_dvid),
	BF("svpri", ARGUS_VALUE_UINT, get_svpri),
	BF("dvpri", ARGUS_VALUE_UINT, get_dvpri),
	BF("dur", ARGUS_VALUE_DURATION, get_dur),
	BF("seq", ARGUS_VALUE_UINT, get_seq),
	BF("trans", ARGUS_VALUE_UINT, get_trans),
	BF("smpls", ARGUS_VALUE_UINT, get_smpls),
	BF("dmpls", ARGUS_VALUE_UINT, get_dmpls),
	BF("sretrans", ARGUS_VALUE_UINT, get_sretrans),
	BF("dretrans", ARGUS_VALUE_UINT, get_dretrans),
	BF("sploss", ARGUS_VALUE_DOUBLE, get_sploss),
	BF("dploss", ARGUS_VALUE_DOUBLE, get_dploss),
};
#undef BF

const struct argus_field *argus_rafilter_builtin_field(const char *name)
{
	for (size_t k = 0; k < sizeof builtin_fields / sizeof builtin_fields[0]; k++)
		if (!strcmp(builtin_fields[k].name, name))
			return &builtin_fields[k];
	return NULL;
}
