/* ra filter plugin: parser and code generator.
 *
 * Grammar (Argus 3 ra, checked against ra 3.0.8.2):
 *
 *   expr     := unary { ("and" | "&&" | "or" | "||") unary }   equal precedence,
 *                                                              left to right
 *   unary    := ("not" | "!") unary | "(" expr ")" | primitive
 *   primitive:= protokw [qualified]          tcp, udp, icmp, ip, ipv6, arp ...
 *             | [ip|ipv4|ipv6] (multicast|broadcast)
 *             | [dir] type value             host, net, port, ttl, pkts ...
 *             | [dir] flag                   syn, reset, frag, echo, mpls ...
 *             | [dir] "encaps" name           eth, 802q, llc, mpls ...
 *             | "ether" (host|src|dst [host]) mac | "ether" "proto" type
 *             | "ether" (broadcast|multicast)
 *             | "man" | "srcid" id | field [cmp] value
 *             | [dir] [cmp] value            a bare value: the previous
 *                                            primitive's qualifiers again
 *   dir      := "src" | "dst" | "src or dst" | "src and dst"
 *   cmp      := gt | gte | lt | lte | eq | > | >= | < | <= | = | ==
 *   port value := number | number-number | service name | cmp number
 *
 * The tree lives in a growable array during compilation only; code
 * generation turns it into the branch program of ast.h.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "lexer.h"

enum node_kind { N_PRIM = 1, N_AND, N_OR, N_NOT };

struct node {
	uint8_t kind;
	int32_t l, r; /* children (N_AND, N_OR: both; N_NOT: l) */
	struct argus_rafilter_insn ins;
};

/* What a bare value reuses: the qualifiers of the previous primitive. */
enum ctx_type {
	C_NONE = 0,
	C_HOST,
	C_NET,
	C_PORT,
	C_PROTO,
	C_ETHER,
	C_ETHERTYPE,
	C_SRCID,
	C_FIELD,
	C_ENCAPS
};

struct ctx {
	uint8_t type;
	uint8_t dir;        /* effective direction */
	uint8_t has_prefix; /* qualified by a protocol keyword ("tcp port 80") */
	uint8_t v4_only;    /* C_FIELD: the keyword applies to IPv4 flows only */
	uint32_t absent0;   /* C_FIELD: see argus_rafilter_arg.field.absent0 */
	size_t name_tok;    /* C_FIELD: the token naming the field */
	const struct argus_field *f[2];
	struct argus_rafilter_insn prefix;
};

struct parser {
	const char *s;
	const struct argus_rafilter_token *t;
	size_t i;
	const struct argus_host *host;
	struct node *nodes;
	size_t nn, cap, nprims;
	int depth;
	int rc;
	struct ctx ctx;
	char *err;
	size_t errlen;
};

/* ---- keywords ------------------------------------------------------------ */

enum kw_kind {
	K_NONE = 0,
	K_AND,
	K_OR,
	K_NOT,
	K_SRC,
	K_DST,
	K_MAN,
	K_PROTOKW, /* tcp udp icmp ...: op + ip fields of the entry */
	K_HOST,
	K_NET,
	K_PORT,
	K_PROTO,
	K_ETHER,
	K_SRCID,
	K_MASK,
	K_CMPWORD,  /* gt gte lt lte eq: cmp */
	K_CMPFIELD, /* ttl pkts ...: f0/f1 field names; pair = s/d fields */
	K_FLAG,     /* op, m0/m1 */
	K_LOCAL,
	K_ENCAPS,
	K_MCAST, /* multicast */
	K_BCAST, /* broadcast */
};

struct kw {
	const char *name;
	uint8_t kind;
	uint8_t op;
	uint8_t a, b;    /* K_PROTOKW: fam_mask, proto; K_CMPWORD: cmp; K_CMPFIELD: pair */
	uint32_t m0, m1; /* K_FLAG masks (types bitmap for ICMP) */
	const char *f0, *f1;
};

#define TCPB(x) ARGUS_TCP_##x
static const struct kw keywords[] = {
	{"and", K_AND, 0, 0, 0, 0, 0, NULL, NULL},
	{"or", K_OR, 0, 0, 0, 0, 0, NULL, NULL},
	{"not", K_NOT, 0, 0, 0, 0, 0, NULL, NULL},
	{"src", K_SRC, 0, 0, 0, 0, 0, NULL, NULL},
	{"dst", K_DST, 0, 0, 0, 0, 0, NULL, NULL},
	{"man", K_MAN, ARGUS_RAFILTER_OP_MAN, 0, 0, 0, 0, NULL, NULL},
	{"local", K_LOCAL, 0, 0, 0, 0, 0, NULL, NULL},
	{"tcp", K_PROTOKW, ARGUS_RAFILTER_OP_PROTO, 3, 6, 0, 0, NULL, NULL},
	{"udp", K_PROTOKW, ARGUS_RAFILTER_OP_PROTO, 3, 17, 0, 0, NULL, NULL},
	{"igmp", K_PROTOKW, ARGUS_RAFILTER_OP_PROTO, 3, 2, 0, 0, NULL, NULL},
	/* ra 3.0.8.2: "icmp" is IPv4 ICMP only; ICMPv6 is "proto 58". */
	{"icmp", K_PROTOKW, ARGUS_RAFILTER_OP_PROTO, 1, 1, 0, 0, NULL, NULL},
	{"icmp6", K_PROTOKW, ARGUS_RAFILTER_OP_PROTO, 2, 58, 0, 0, NULL, NULL},
	{"ip", K_PROTOKW, ARGUS_RAFILTER_OP_FAMILY, 3, 0, 0, 0, NULL, NULL},
	{"ipv4", K_PROTOKW, ARGUS_RAFILTER_OP_FAMILY, 1, 0, 0, 0, NULL, NULL},
	{"ipv6", K_PROTOKW, ARGUS_RAFILTER_OP_FAMILY, 2, 0, 0, 0, NULL, NULL},
	{"arp", K_PROTOKW, ARGUS_RAFILTER_OP_ARP, 0, 0, 0, 0, NULL, NULL},
	{"rarp", K_PROTOKW, ARGUS_RAFILTER_OP_ARP, 0, 0, 0, 0, NULL, NULL},
	{"isis", K_PROTOKW, ARGUS_RAFILTER_OP_ISIS, 0, 0, 0, 0, NULL, NULL},
	{"host", K_HOST, 0, 0, 0, 0, 0, NULL, NULL},
	{"net", K_NET, 0, 0, 0, 0, 0, NULL, NULL},
	{"port", K_PORT, 0, 0, 0, 0, 0, NULL, NULL},
	{"proto", K_PROTO, 0, 0, 0, 0, 0, NULL, NULL},
	{"ether", K_ETHER, 0, 0, 0, 0, 0, NULL, NULL},
	{"srcid", K_SRCID, 0, 0, 0, 0, 0, NULL, NULL},
	{"mask", K_MASK, 0, 0, 0, 0, 0, NULL, NULL},
	{"gt", K_CMPWORD, 0, ARGUS_RAFILTER_GT, 0, 0, 0, NULL, NULL},
	{"gte", K_CMPWORD, 0, ARGUS_RAFILTER_GE, 0, 0, 0, NULL, NULL},
	{"lt", K_CMPWORD, 0, ARGUS_RAFILTER_LT, 0, 0, 0, NULL, NULL},
	{"lte", K_CMPWORD, 0, ARGUS_RAFILTER_LE, 0, 0, 0, NULL, NULL},
	{"eq", K_CMPWORD, 0, ARGUS_RAFILTER_EQ, 0, 0, 0, NULL, NULL},
	/* Without a direction these mean "source or destination value".  ra
	 * 3.0.8.2 compares TTL and TOS of IPv4 flows only (b = 1).  m0: a value
	 * the field table leaves absent counts as 0 when the record has that
	 * section (ra: a direction without packets has TTL 0; no app-byte
	 * counter means 0 app bytes). */
	{"ttl", K_CMPFIELD, 0, 1, 1, ARGUS_HAS_IPATTR, 0, "sttl", "dttl"},
	{"tos", K_CMPFIELD, 0, 1, 1, ARGUS_HAS_IPATTR, 0, "stos", "dtos"},
	{"pkts", K_CMPFIELD, 0, 1, 0, 0, 0, "spkts", "dpkts"},
	{"bytes", K_CMPFIELD, 0, 1, 0, 0, 0, "sbytes", "dbytes"},
	{"appbytes", K_CMPFIELD, 0, 1, 0, ARGUS_HAS_METRIC, 0, "sappbytes", "dappbytes"},
	{"rate", K_CMPFIELD, 0, 1, 0, 0, 0, "srate", "drate"},
	{"load", K_CMPFIELD, 0, 1, 0, 0, 0, "sload", "dload"},
	/* ra: no VLAN tag (MPLS label, loss) reads as 0 */
	{"vid", K_CMPFIELD, 0, 1, 0, ARGUS_RAFILTER_ABSENT0_ALWAYS, 0, "svid", "dvid"},
	{"vpri", K_CMPFIELD, 0, 1, 0, ARGUS_RAFILTER_ABSENT0_ALWAYS, 0, "svpri", "dvpri"},
	{"mid", K_CMPFIELD, 0, 1, 0, ARGUS_RAFILTER_ABSENT0_ALWAYS, 0, "smpls", "dmpls"},
	{"loss", K_CMPFIELD, 0, 1, 0, ARGUS_RAFILTER_ABSENT0_ALWAYS, 0, "sretrans", "dretrans"},
	{"ploss", K_CMPFIELD, 0, 1, 0, 0, 0, "sploss", "dploss"},
	{"dur", K_CMPFIELD, 0, 0, 0, 0, 0, "dur", NULL},
	{"seq", K_CMPFIELD, 0, 0, 0, 0, 0, "seq", NULL},
	{"trans", K_CMPFIELD, 0, 0, 0, 0, 0, "trans", NULL},
	{"syn", K_FLAG, ARGUS_RAFILTER_OP_TCPSTATUS, 0, 0, TCPB(SAW_SYN), TCPB(SAW_SYN), NULL,
	 NULL},
	{"synack", K_FLAG, ARGUS_RAFILTER_OP_TCPSTATUS, 0, 0, TCPB(SAW_SYN_SENT),
	 TCPB(SAW_SYN_SENT), NULL, NULL},
	{"fin", K_FLAG, ARGUS_RAFILTER_OP_TCPSTATUS, 0, 0, TCPB(FIN), TCPB(FIN), NULL, NULL},
	{"finack", K_FLAG, ARGUS_RAFILTER_OP_TCPSTATUS, 0, 0, TCPB(FIN_ACK), TCPB(FIN_ACK), NULL,
	 NULL},
	{"normal", K_FLAG, ARGUS_RAFILTER_OP_TCPSTATUS, 0, 0, TCPB(NORMAL_CLOSE),
	 TCPB(NORMAL_CLOSE), NULL, NULL},
	{"wait", K_FLAG, ARGUS_RAFILTER_OP_TCPSTATUS, 0, 0, TCPB(CLOSE_WAIT), TCPB(CLOSE_WAIT),
	 NULL, NULL},
	{"outoforder", K_FLAG, ARGUS_RAFILTER_OP_TCPSTATUS, 0, 0, TCPB(SRC_OUTOFORDER),
	 TCPB(DST_OUTOFORDER), NULL, NULL},
	{"winshut", K_FLAG, ARGUS_RAFILTER_OP_TCPSTATUS, 0, 0, TCPB(SRC_WINDOW_SHUT),
	 TCPB(DST_WINDOW_SHUT), NULL, NULL},
	{"ecn", K_FLAG, ARGUS_RAFILTER_OP_TCPSTATUS, 0, 0, TCPB(SRC_CONG), TCPB(DST_CONG), NULL,
	 NULL},
	{"reset", K_FLAG, ARGUS_RAFILTER_OP_RESET, 0, 0, 0, 0, NULL, NULL},
	{"retrans", K_FLAG, ARGUS_RAFILTER_OP_RETRANS, 0, 0, 0, 0, NULL, NULL},
	{"frag", K_FLAG, ARGUS_RAFILTER_OP_FRAG, 0, 0, 0, 0, NULL, NULL},
	{"fragonly", K_FLAG, ARGUS_RAFILTER_OP_FLAGS, 0, 0, ARGUS_FLAG_FRAG_ONLY, 0, NULL, NULL},
	{"multipath", K_FLAG, ARGUS_RAFILTER_OP_FLAGS, 0, 0, ARGUS_FLAG_MULTI_MAC, 0, NULL, NULL},
	{"mpls", K_FLAG, ARGUS_RAFILTER_OP_PRESENT, 0, 0, ARGUS_HAS_MPLS, 0, NULL, NULL},
	{"vlan", K_FLAG, ARGUS_RAFILTER_OP_PRESENT, 0, 0, ARGUS_HAS_VLAN, 0, NULL, NULL},
	{"encaps", K_ENCAPS, 0, 0, 0, 0, 0, NULL, NULL},
	{"multicast", K_MCAST, 0, 0, 0, 0, 0, NULL, NULL},
	{"broadcast", K_BCAST, 0, 0, 0, 0, 0, NULL, NULL},
	{"est", K_FLAG, ARGUS_RAFILTER_OP_EST, 0, 0, 0, 0, NULL, NULL},
	{"con", K_FLAG, ARGUS_RAFILTER_OP_EST, 0, 0, 0, 0, NULL, NULL},
	{"timeout", K_FLAG, ARGUS_RAFILTER_OP_CAUSE, 0, 0, ARGUS_CAUSE_TIMEOUT, 0, NULL, NULL},
	{"echo", K_FLAG, ARGUS_RAFILTER_OP_ICMPTYPE, 0, 0, (1u << 0) | (1u << 8), 0, NULL, NULL},
	{"unreach", K_FLAG, ARGUS_RAFILTER_OP_ICMPTYPE, 0, 0, 1u << 3, 1, NULL, NULL},
	{"redirect", K_FLAG, ARGUS_RAFILTER_OP_ICMPTYPE, 0, 0, 1u << 5, 0, NULL, NULL},
	{"timexed", K_FLAG, ARGUS_RAFILTER_OP_ICMPTYPE, 0, 0, 1u << 11, 0, NULL, NULL},
	/* any option seen (ra 3.0.8.2 wants all of them, see man/ra.1) */
	{"tcpopt", K_FLAG, ARGUS_RAFILTER_OP_TCPOPT, 0, 0, 0xfff00000u, 0, NULL, NULL},
	{"mss", K_FLAG, ARGUS_RAFILTER_OP_TCPOPT, 0, 0, TCPB(OPT_MSS), 0, NULL, NULL},
	{"wscale", K_FLAG, ARGUS_RAFILTER_OP_TCPOPT, 0, 0, TCPB(OPT_WSCALE), 0, NULL, NULL},
	{"selackok", K_FLAG, ARGUS_RAFILTER_OP_TCPOPT, 0, 0, TCPB(OPT_SACKOK), 0, NULL, NULL},
	{"selack", K_FLAG, ARGUS_RAFILTER_OP_TCPOPT, 0, 0, TCPB(OPT_SACK), 0, NULL, NULL},
	{"tcpecho", K_FLAG, ARGUS_RAFILTER_OP_TCPOPT, 0, 0, TCPB(OPT_ECHO), 0, NULL, NULL},
	{"tcpechoreply", K_FLAG, ARGUS_RAFILTER_OP_TCPOPT, 0, 0, TCPB(OPT_ECHOREPLY), 0, NULL,
	 NULL},
	{"tcptimestamp", K_FLAG, ARGUS_RAFILTER_OP_TCPOPT, 0, 0, TCPB(OPT_TIMESTAMP), 0, NULL,
	 NULL},
	{"tcpcc", K_FLAG, ARGUS_RAFILTER_OP_TCPOPT, 0, 0, TCPB(OPT_CC), 0, NULL, NULL},
	{"tcpccnew", K_FLAG, ARGUS_RAFILTER_OP_TCPOPT, 0, 0, TCPB(OPT_CCNEW), 0, NULL, NULL},
	{"tcpccecho", K_FLAG, ARGUS_RAFILTER_OP_TCPOPT, 0, 0, TCPB(OPT_CCECHO), 0, NULL, NULL},
	{"secn", K_FLAG, ARGUS_RAFILTER_OP_TCPOPT, 0, 0, TCPB(OPT_SRC_ECN), 0, NULL, NULL},
	{"decn", K_FLAG, ARGUS_RAFILTER_OP_TCPOPT, 0, 0, TCPB(OPT_DST_ECN), 0, NULL, NULL},
};
#undef TCPB

/* IP protocol names (IANA keywords), so the common ones do not depend on
 * /etc/protocols; others are looked up there. */
static const struct {
	const char *name;
	uint8_t num;
} proto_names[] = {
	{"hopopt", 0},      {"icmp", 1},         {"igmp", 2},        {"ggp", 3},
	{"ipencap", 4},     {"st", 5},           {"tcp", 6},         {"egp", 8},
	{"igp", 9},         {"pup", 12},         {"udp", 17},        {"hmp", 20},
	{"xns-idp", 22},    {"rdp", 27},         {"iso-tp4", 29},    {"dccp", 33},
	{"xtp", 36},        {"ddp", 37},         {"idpr-cmtp", 38},  {"ipv6", 41},
	{"ipv6-route", 43}, {"ipv6-frag", 44},   {"idrp", 45},       {"rsvp", 46},
	{"gre", 47},        {"esp", 50},         {"ah", 51},         {"skip", 57},
	{"ipv6-icmp", 58},  {"icmp6", 58},       {"ipv6-nonxt", 59}, {"ipv6-opts", 60},
	{"rspf", 73},       {"vmtp", 81},        {"eigrp", 88},      {"ospf", 89},
	{"ax.25", 93},      {"ipip", 94},        {"etherip", 97},    {"encap", 98},
	{"pim", 103},       {"ipcomp", 108},     {"vrrp", 112},      {"l2tp", 115},
	{"isis", 124},      {"sctp", 132},       {"fc", 133},        {"mobility-header", 135},
	{"udplite", 136},   {"mpls-in-ip", 137}, {"manet", 138},     {"hip", 139},
	{"shim6", 140},     {"wesp", 141},       {"rohc", 142},
};

/* encaps TYPE: ra's names and Argus 3.0.8's ENCAPS bits (argus_encapsulations.h;
 * include/argus/record.h names the ones our argus writes). */
static const struct {
	const char *name;
	uint32_t bit;
} encaps_names[] = {
	{"mpls", ARGUS_ENCAPS_MPLS},   {"eth", ARGUS_ENCAPS_ETHER},   {"802q", ARGUS_ENCAPS_8021Q},
	{"llc", ARGUS_ENCAPS_LLC},     {"pppoe", ARGUS_ENCAPS_PPP},   {"isl", ARGUS_ENCAPS_ISL},
	{"gre", ARGUS_ENCAPS_GRE},     {"ah", ARGUS_ENCAPS_AH},       {"ipnip", ARGUS_ENCAPS_IP},
	{"ipnip6", ARGUS_ENCAPS_IPV6}, {"hdlc", ARGUS_ENCAPS_HDLC},   {"chdlc", ARGUS_ENCAPS_CHDLC},
	{"atm", ARGUS_ENCAPS_ATM},       {"sll", ARGUS_ENCAPS_SLL},     {"fddi", ARGUS_ENCAPS_FDDI},
	{"slip", ARGUS_ENCAPS_SLIP},     {"arc", ARGUS_ENCAPS_ARCNET},  {"wlan", ARGUS_ENCAPS_80211},
	{"prism", ARGUS_ENCAPS_PRISM},   {"avs", ARGUS_ENCAPS_AVS},     {"lrh", ARGUS_ENCAPS_IB_LRH},
	{"grh", ARGUS_ENCAPS_IB_GRH},    {"teredo", ARGUS_ENCAPS_TEREDO}, {"udt", ARGUS_ENCAPS_UDT},
	{"ipsec", ARGUS_ENCAPS_SPI},     {"juniper", ARGUS_ENCAPS_JUNIPER},
	{"erspan", ARGUS_ENCAPS_ERSPAN_II}, {"erspan_ii", ARGUS_ENCAPS_ERSPAN_II},
	/* ours: tunnels Argus 3.0.8 does not open */
	{"vxlan", ARGUS_ENCAPS_VXLAN},   {"geneve", ARGUS_ENCAPS_GENEVE},
};

static const struct {
	const char *name;
	uint16_t type;
} ether_names[] = {
	{"ip", 0x0800},   {"ipv4", 0x0800},   {"arp", 0x0806},    {"rarp", 0x8035},
	{"ipv6", 0x86dd}, {"vlan", 0x8100},   {"8021q", 0x8100},  {"qinq", 0x88a8},
	{"mpls", 0x8847}, {"pppoed", 0x8863}, {"pppoes", 0x8864}, {"lldp", 0x88cc},
};

/* ---- helpers --------------------------------------------------------------- */

static const struct argus_rafilter_token *tok(const struct parser *p, size_t k)
{
	return &p->t[k];
}

static const struct argus_rafilter_token *cur(const struct parser *p)
{
	return &p->t[p->i];
}

static int word_eq(const struct parser *p, const struct argus_rafilter_token *t, const char *w)
{
	size_t n = strlen(w);
	if (t->kind != ARGUS_RAFILTER_T_WORD || t->len != n)
		return 0;
	for (size_t k = 0; k < n; k++)
		if (tolower((unsigned char)p->s[t->pos + k]) != w[k])
			return 0;
	return 1;
}

static const struct kw *keyword(const struct parser *p, const struct argus_rafilter_token *t)
{
	if (t->kind != ARGUS_RAFILTER_T_WORD)
		return NULL;
	for (size_t k = 0; k < sizeof keywords / sizeof keywords[0]; k++)
		if (word_eq(p, t, keywords[k].name))
			return &keywords[k];
	return NULL;
}

static uint8_t kw_kind(const struct parser *p, const struct argus_rafilter_token *t)
{
	const struct kw *k = keyword(p, t);
	return k ? k->kind : K_NONE;
}

static int is_and(const struct parser *p, const struct argus_rafilter_token *t)
{
	return t->kind == ARGUS_RAFILTER_T_AND || kw_kind(p, t) == K_AND;
}

static int is_or(const struct parser *p, const struct argus_rafilter_token *t)
{
	return t->kind == ARGUS_RAFILTER_T_OR || kw_kind(p, t) == K_OR;
}

static int is_not(const struct parser *p, const struct argus_rafilter_token *t)
{
	return t->kind == ARGUS_RAFILTER_T_NOT || kw_kind(p, t) == K_NOT;
}

/* The token's text for messages, shortened if long. */
static const char *show(const struct parser *p, const struct argus_rafilter_token *t, char *buf,
			size_t buflen)
{
	if (t->kind == ARGUS_RAFILTER_T_END) {
		snprintf(buf, buflen, "end of expression");
		return buf;
	}
	if (t->len > 32)
		snprintf(buf, buflen, "'%.29s...'", p->s + t->pos);
	else
		snprintf(buf, buflen, "'%.*s'", (int)t->len, p->s + t->pos);
	return buf;
}

#if defined(__GNUC__)
__attribute__((format(printf, 3, 0)))
#endif
static void vfail(struct parser *p, const struct argus_rafilter_token *t, const char *fmt,
		  va_list ap)
{
	int n;

	if (p->rc)
		return; /* keep the first message */
	p->rc = ARGUS_EINVAL;
	n = snprintf(p->err, p->errlen, "column %u: ", (unsigned)t->pos + 1);
	if (n >= 0 && (size_t)n < p->errlen)
		vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
}

/* Record a syntax error at token T; fail() returns -1 (no node), fail0()
 * returns 0 (for the int-returning helpers). */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int
fail(struct parser *p, const struct argus_rafilter_token *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(p, t, fmt, ap);
	va_end(ap);
	return -1;
}

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int
fail0(struct parser *p, const struct argus_rafilter_token *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(p, t, fmt, ap);
	va_end(ap);
	return 0;
}

static int32_t new_node(struct parser *p, uint8_t kind, int32_t l, int32_t r)
{
	struct node *n;

	if (p->nn == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		struct node *nn = realloc(p->nodes, cap * sizeof *nn);
		if (!nn) {
			if (!p->rc) {
				p->rc = ARGUS_ENOMEM;
				snprintf(p->err, p->errlen, "out of memory compiling the filter");
			}
			return -1;
		}
		p->nodes = nn;
		p->cap = cap;
	}
	n = &p->nodes[p->nn];
	memset(n, 0, sizeof *n);
	n->kind = kind;
	n->l = l;
	n->r = r;
	return (int32_t)p->nn++;
}

static int32_t new_prim(struct parser *p, const struct argus_rafilter_insn *ins)
{
	int32_t k = new_node(p, N_PRIM, -1, -1);
	if (k >= 0) {
		p->nodes[k].ins = *ins;
		p->nprims++;
	}
	return k;
}

static int32_t new_bin(struct parser *p, uint8_t kind, int32_t l, int32_t r)
{
	if (l < 0 || r < 0)
		return -1;
	return new_node(p, kind, l, r);
}

static void insn_init(struct argus_rafilter_insn *ins, uint8_t op, uint8_t dir)
{
	memset(ins, 0, sizeof *ins);
	ins->op = op;
	ins->dir = dir;
}

/* Copy a word into buf (NUL-terminated); 0 if it does not fit. */
static int word_copy(const struct parser *p, const struct argus_rafilter_token *t, char *buf,
		     size_t buflen)
{
	if (t->kind != ARGUS_RAFILTER_T_WORD || t->len + 1 > buflen)
		return 0;
	memcpy(buf, p->s + t->pos, t->len);
	buf[t->len] = '\0';
	return 1;
}

/* ---- literals ---------------------------------------------------------------- */

/* Unsigned decimal or 0x hexadecimal, whole string, up to max. */
static int parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	int base = 10, any = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (; *s; s++) {
		unsigned d;
		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (base == 16 && isxdigit((unsigned char)*s))
			d = (unsigned)(tolower((unsigned char)*s) - 'a' + 10);
		else
			return 0;
		if (v > (max - d) / (uint64_t)base)
			return 0;
		v = v * (uint64_t)base + d;
		any = 1;
	}
	if (!any)
		return 0;
	*out = v;
	return 1;
}

/* Dotted decimal; leading zeros are decimal, as in ra.  (ra 3.0.8.2 also
 * takes a bare 32-bit number but then matches unrelated flows, so a number
 * is refused here.) */
static int parse_ipv4(const char *s, uint8_t out[4])
{
	int parts = 0;
	const char *q = s;

	while (parts < 4) {
		unsigned n = 0;
		int digits = 0;
		while (*q >= '0' && *q <= '9') {
			n = n * 10 + (unsigned)(*q - '0');
			if (++digits > 3)
				return 0;
			q++;
		}
		if (!digits || n > 255)
			return 0;
		out[parts++] = (uint8_t)n;
		if (parts < 4) {
			if (*q != '.')
				return 0;
			q++;
		}
	}
	return *q == '\0';
}

/* IPv4 or IPv6 address; *fam = 4 or 6. */
static int parse_addr(const char *s, uint8_t *fam, uint8_t bytes[16])
{
	memset(bytes, 0, 16);
	if (strchr(s, ':')) {
		if (inet_pton(AF_INET6, s, bytes) != 1)
			return 0;
		*fam = 6;
		return 1;
	}
	if (!parse_ipv4(s, bytes))
		return 0;
	*fam = 4;
	return 1;
}

static void prefix_mask(uint8_t mask[16], unsigned bits)
{
	memset(mask, 0, 16);
	for (unsigned k = 0; k < 16 && bits; k++) {
		unsigned b = bits >= 8 ? 8 : bits;
		mask[k] = (uint8_t)(0xff00u >> b);
		bits -= b;
	}
}

/* "addr" or "addr/len" into a (pre-masked) address; 0 with a message. */
static int parse_cidr(struct parser *p, const struct argus_rafilter_token *t, int allow_len,
		      struct argus_rafilter_addr *a)
{
	char buf[64], sh[48];
	char *slash;
	uint64_t bits = 0;
	int has_len = 0;

	if (!word_copy(p, t, buf, sizeof buf))
		return fail0(p, t, "%s is not an IPv4 or IPv6 address", show(p, t, sh, sizeof sh));
	slash = strchr(buf, '/');
	if (slash) {
		if (!allow_len)
			return fail0(p, t, "%s: a host is one address; use 'net' for a prefix",
				     show(p, t, sh, sizeof sh));
		*slash = '\0';
		if (!parse_uint(slash + 1, 128, &bits))
			return fail0(p, t, "%s: bad prefix length", show(p, t, sh, sizeof sh));
		has_len = 1;
	}
	if (!parse_addr(buf, &a->fam, a->bytes))
		return fail0(p, t, "%s is not an IPv4 or IPv6 address", show(p, t, sh, sizeof sh));
	if (!has_len)
		bits = a->fam == 4 ? 32 : 128;
	if (bits > (a->fam == 4 ? 32u : 128u))
		return fail0(p, t, "%s: prefix length longer than the address",
			     show(p, t, sh, sizeof sh));
	prefix_mask(a->mask, (unsigned)bits);
	for (int k = 0; k < 16; k++)
		a->bytes[k] &= a->mask[k];
	return 1;
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	for (int k = 0; k < 6; k++) {
		unsigned v = 0;
		int digits = 0;
		while (isxdigit((unsigned char)*s) && digits < 2) {
			v = v * 16 + (unsigned)(isdigit((unsigned char)*s)
							? *s - '0'
							: tolower((unsigned char)*s) - 'a' + 10);
			s++;
			digits++;
		}
		if (!digits)
			return 0;
		mac[k] = (uint8_t)v;
		if (k < 5) {
			if (*s != ':' && *s != '-')
				return 0;
			s++;
		}
	}
	return *s == '\0';
}

/* A number literal: integer (decimal, 0x hex, optional sign) or decimal
 * fraction. */
static int parse_number(const char *s, struct argus_rafilter_num *n)
{
	uint64_t u;
	int neg = 0;
	const char *q = s;
	char *end;

	memset(n, 0, sizeof *n);
	if (*q == '-' || *q == '+') {
		neg = *q == '-';
		q++;
	}
	if (parse_uint(q, neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX, &u)) {
		n->is_int = 1;
		n->i = neg ? (int64_t)(0 - u) : (int64_t)u;
		n->d = (double)n->i;
	} else {
		for (const char *c = q; *c; c++)
			if (!isdigit((unsigned char)*c) && *c != '.' && *c != 'e' && *c != 'E' &&
			    *c != '-' && *c != '+')
				return 0;
		if (!isdigit((unsigned char)*q) && *q != '.')
			return 0;
		errno = 0;
		n->d = strtod(s, &end);
		if (*end || errno)
			return 0;
	}
	if (n->d > -9.2e12 && n->d < 9.2e12)
		n->us = (int64_t)(n->d * 1e6 + (n->d < 0 ? -0.5 : 0.5));
	else
		n->us = n->d < 0 ? INT64_MIN : INT64_MAX;
	return 1;
}

/* ---- fields ------------------------------------------------------------------ */

static const struct argus_field *find_field(const struct parser *p, const char *name)
{
	const struct argus_field *f = NULL;

	if (p->host &&
	    p->host->size >= offsetof(struct argus_host, field_find) + sizeof p->host->field_find &&
	    p->host->field_find)
		f = p->host->field_find(name);
	if (!f)
		f = argus_rafilter_builtin_field(name);
	return f;
}

/* Is NAME a field (or, with a direction, does it have s/d forms)? */
static int has_field(const struct parser *p, const char *name, int dir_given)
{
	char n[72];

	if (find_field(p, name))
		return 1;
	if (!dir_given)
		return 0;
	snprintf(n, sizeof n, "s%s", name);
	if (find_field(p, n))
		return 1;
	snprintf(n, sizeof n, "d%s", name);
	return find_field(p, n) != NULL;
}

static uint8_t field_mode(const struct argus_field *f)
{
	switch (f->type) {
	case ARGUS_VALUE_UINT:
	case ARGUS_VALUE_INT:
	case ARGUS_VALUE_DOUBLE:
	case ARGUS_VALUE_TIME:
	case ARGUS_VALUE_DURATION:
		return ARGUS_RAFILTER_FM_NUM;
	case ARGUS_VALUE_STRING:
		return ARGUS_RAFILTER_FM_STR;
	case ARGUS_VALUE_ADDR:
		return ARGUS_RAFILTER_FM_ADDR;
	case ARGUS_VALUE_MAC:
		return ARGUS_RAFILTER_FM_MAC;
	default:
		return 0;
	}
}

/* Resolve the field(s) of token NT for DIR into the context.  For an ra
 * keyword (kw != NULL) with a pair, no direction means either side; for any
 * other field name a direction selects "s<name>" / "d<name>". */
static int resolve_field(struct parser *p, size_t nt, const struct kw *k, int dir_given,
			 uint8_t dir)
{
	const struct argus_rafilter_token *t = tok(p, nt);
	char base[64], name[72], sh[48];
	const struct argus_field *fs = NULL, *fd = NULL;
	uint8_t m;

	if (k) {
		snprintf(base, sizeof base, "%s", k->f0);
	} else if (!word_copy(p, t, base, sizeof base)) {
		return fail0(p, t, "unknown keyword %s", show(p, t, sh, sizeof sh));
	}
	if (k && !k->a) {
		/* A single field: directions do not apply. */
		if (dir_given)
			return fail0(p, t, "%s takes no src/dst qualifier",
				     show(p, t, sh, sizeof sh));
		fs = find_field(p, k->f0);
		dir = ARGUS_RAFILTER_DIR_SRC;
	} else if (k) {
		if (!dir_given)
			dir = ARGUS_RAFILTER_DIR_EITHER;
		fs = find_field(p, k->f0);
		fd = find_field(p, k->f1);
		if (!fs || !fd)
			return fail0(p, t, "field for %s is not available",
				     show(p, t, sh, sizeof sh));
	} else if (!dir_given) {
		fs = find_field(p, base);
		dir = ARGUS_RAFILTER_DIR_SRC;
	} else {
		if (dir != ARGUS_RAFILTER_DIR_DST) {
			snprintf(name, sizeof name, "s%s", base);
			fs = find_field(p, name);
			if (!fs)
				return fail0(p, t, "%s has no source field '%s'",
					     show(p, t, sh, sizeof sh), name);
		}
		if (dir != ARGUS_RAFILTER_DIR_SRC) {
			snprintf(name, sizeof name, "d%s", base);
			fd = find_field(p, name);
			if (!fd)
				return fail0(p, t, "%s has no destination field '%s'",
					     show(p, t, sh, sizeof sh), name);
		}
	}
	if (!fs && !fd)
		return fail0(p, t, "unknown field %s", show(p, t, sh, sizeof sh));
	m = field_mode(fs ? fs : fd);
	if (!m || (fs && fd && field_mode(fd) != m))
		return fail0(p, t, "field %s cannot be compared", show(p, t, sh, sizeof sh));
	p->ctx.type = C_FIELD;
	p->ctx.dir = dir;
	p->ctx.has_prefix = 0;
	p->ctx.v4_only = k && k->b;
	p->ctx.absent0 = k ? k->m0 : 0;
	p->ctx.name_tok = nt;
	p->ctx.f[0] = fs; /* source side, or the only field */
	p->ctx.f[1] = fd; /* destination side */
	return 1;
}

/* [cmp] value for the field in the context. */
static int32_t parse_field_value(struct parser *p)
{
	struct argus_rafilter_insn ins;
	const struct argus_rafilter_token *t = cur(p), *optok = NULL;
	const struct argus_rafilter_token *nametok = tok(p, p->ctx.name_tok);
	const struct kw *k;
	char buf[ARGUS_RAFILTER_STRMAX + 16], sh[48], sh2[48];
	uint8_t cmp = ARGUS_RAFILTER_EQ;

	insn_init(&ins, ARGUS_RAFILTER_OP_FIELD, p->ctx.dir);
	ins.a.field.f[0] = p->ctx.f[0];
	ins.a.field.f[1] = p->ctx.f[1];
	ins.a.field.mode = field_mode(p->ctx.f[0] ? p->ctx.f[0] : p->ctx.f[1]);
	ins.a.field.absent0 = p->ctx.absent0;
	if (t->kind == ARGUS_RAFILTER_T_CMP) {
		cmp = t->cmp;
		optok = t;
		p->i++;
	} else if ((k = keyword(p, t)) && k->kind == K_CMPWORD) {
		cmp = k->a;
		optok = t;
		p->i++;
	}
	t = cur(p);
	ins.cmp = cmp;
	if (t->kind != ARGUS_RAFILTER_T_WORD || kw_kind(p, t) == K_AND || kw_kind(p, t) == K_OR ||
	    kw_kind(p, t) == K_NOT) {
		const struct argus_rafilter_token *after = optok ? optok : nametok;
		return fail(p, t, "expected a %s after %s, found %s",
			    ins.a.field.mode == ARGUS_RAFILTER_FM_NUM ? "number" : "value",
			    show(p, after, sh, sizeof sh), show(p, t, sh2, sizeof sh2));
	}
	switch (ins.a.field.mode) {
	case ARGUS_RAFILTER_FM_NUM:
		if (!word_copy(p, t, buf, sizeof buf) || !parse_number(buf, &ins.a.field.v.num))
			return fail(p, t, "expected a number after %s, found %s",
				    show(p, optok ? optok : nametok, sh, sizeof sh),
				    show(p, t, sh2, sizeof sh2));
		break;
	case ARGUS_RAFILTER_FM_STR:
		if (cmp != ARGUS_RAFILTER_EQ)
			return fail(p, optok, "%s can only be compared for equality",
				    show(p, nametok, sh, sizeof sh));
		if (!word_copy(p, t, ins.a.field.v.str, sizeof ins.a.field.v.str))
			return fail(p, t, "%s is too long", show(p, t, sh, sizeof sh));
		break;
	case ARGUS_RAFILTER_FM_ADDR:
		if (cmp != ARGUS_RAFILTER_EQ)
			return fail(p, optok, "%s can only be compared for equality",
				    show(p, nametok, sh, sizeof sh));
		if (!parse_cidr(p, t, 1, &ins.a.field.v.addr))
			return -1;
		break;
	case ARGUS_RAFILTER_FM_MAC:
		if (cmp != ARGUS_RAFILTER_EQ)
			return fail(p, optok, "%s can only be compared for equality",
				    show(p, nametok, sh, sizeof sh));
		if (!word_copy(p, t, buf, sizeof buf) || !parse_mac(buf, ins.a.field.v.mac))
			return fail(p, t, "%s is not a MAC address", show(p, t, sh, sizeof sh));
		break;
	default:
		return fail(p, nametok, "field %s cannot be compared",
			    show(p, nametok, sh, sizeof sh));
	}
	p->i++;
	if (p->ctx.v4_only) {
		struct argus_rafilter_insn v4;
		insn_init(&v4, ARGUS_RAFILTER_OP_FAMILY, ARGUS_RAFILTER_DIR_SRC);
		v4.a.ip.fam_mask = 1;
		return new_bin(p, N_AND, new_prim(p, &v4), new_prim(p, &ins));
	}
	return new_prim(p, &ins);
}

/* ---- value primitives ---------------------------------------------------------- */

static int lookup_service(const char *name, const char *proto, uint16_t *port)
{
	struct servent se, *res = NULL;
	char buf[2048];

	if (getservbyname_r(name, proto, &se, buf, sizeof buf, &res) != 0 || !res)
		return 0;
	*port = ntohs((uint16_t)res->s_port);
	return 1;
}

static int32_t port_prim(struct parser *p, uint8_t dir, uint16_t lo, uint16_t hi, uint8_t proto)
{
	struct argus_rafilter_insn ins;

	insn_init(&ins, ARGUS_RAFILTER_OP_PORT, dir);
	ins.a.port.lo = lo;
	ins.a.port.hi = hi;
	ins.a.port.proto = proto;
	return new_prim(p, &ins);
}

/* "port gt 1024": a comparison becomes a range. */
static int32_t parse_port_cmp(struct parser *p, uint8_t dir, uint8_t cmp)
{
	const struct argus_rafilter_token *op = tok(p, p->i - 1), *t = cur(p);
	char buf[64], sh[48], sh2[48];
	uint64_t v;

	if (!word_copy(p, t, buf, sizeof buf) || !parse_uint(buf, 65535, &v))
		return fail(p, t, "expected a port number after %s, found %s",
			    show(p, op, sh, sizeof sh), show(p, t, sh2, sizeof sh2));
	p->i++;
	switch (cmp) {
	case ARGUS_RAFILTER_GT: /* lo > hi: matches nothing */
		return v == 65535 ? port_prim(p, dir, 1, 0, 0)
				  : port_prim(p, dir, (uint16_t)(v + 1), 65535, 0);
	case ARGUS_RAFILTER_GE:
		return port_prim(p, dir, (uint16_t)v, 65535, 0);
	case ARGUS_RAFILTER_LT:
		return v == 0 ? port_prim(p, dir, 1, 0, 0)
			      : port_prim(p, dir, 0, (uint16_t)(v - 1), 0);
	case ARGUS_RAFILTER_LE:
		return port_prim(p, dir, 0, (uint16_t)v, 0);
	default:
		return port_prim(p, dir, (uint16_t)v, (uint16_t)v, 0);
	}
}

static int32_t parse_port_value(struct parser *p, uint8_t dir)
{
	const struct argus_rafilter_token *t = cur(p);
	const struct kw *k = keyword(p, t);
	char buf[64], sh[48];
	char *dash;
	uint64_t lo, hi;
	uint16_t tp, up;
	int has_t, has_u;

	if (t->kind == ARGUS_RAFILTER_T_CMP || (k && k->kind == K_CMPWORD)) {
		p->i++;
		return parse_port_cmp(p, dir, t->kind == ARGUS_RAFILTER_T_CMP ? t->cmp : k->a);
	}
	if (!word_copy(p, t, buf, sizeof buf))
		return fail(p, t, "expected a port after 'port', found %s",
			    show(p, t, sh, sizeof sh));
	p->i++;
	if (parse_uint(buf, 65535, &lo))
		return port_prim(p, dir, (uint16_t)lo, (uint16_t)lo, 0);
	dash = strchr(buf + 1, '-');
	if (dash && isdigit((unsigned char)buf[0])) {
		*dash = '\0';
		if (parse_uint(buf, 65535, &lo) && parse_uint(dash + 1, 65535, &hi)) {
			if (lo > hi)
				return fail(p, t, "port range %s is empty",
					    show(p, t, sh, sizeof sh));
			return port_prim(p, dir, (uint16_t)lo, (uint16_t)hi, 0);
		}
		*dash = '-';
	}
	if (isdigit((unsigned char)buf[0]))
		return fail(p, t, "%s is not a port number (0-65535) or range",
			    show(p, t, sh, sizeof sh));
	/* A service name: check the protocol as well as the number. */
	has_t = lookup_service(buf, "tcp", &tp);
	has_u = lookup_service(buf, "udp", &up);
	if (has_t && has_u && tp == up)
		return port_prim(p, dir, tp, tp, 0);
	if (has_t && has_u)
		return new_bin(p, N_OR, port_prim(p, dir, tp, tp, 6),
			       port_prim(p, dir, up, up, 17));
	if (has_t)
		return port_prim(p, dir, tp, tp, 6);
	if (has_u)
		return port_prim(p, dir, up, up, 17);
	return fail(p, t, "unknown port name %s", show(p, t, sh, sizeof sh));
}

static int parse_proto_number(struct parser *p, const struct argus_rafilter_token *t, uint8_t *out)
{
	char buf[64], sh[48];
	uint64_t v;
	struct protoent pe, *res = NULL;
	char pbuf[1024];

	if (!word_copy(p, t, buf, sizeof buf))
		return fail0(p, t, "expected a protocol after 'proto', found %s",
			     show(p, t, sh, sizeof sh));
	if (isdigit((unsigned char)buf[0])) {
		if (!parse_uint(buf, 255, &v))
			return fail0(p, t, "protocol number %s is out of range (0-255)",
				     show(p, t, sh, sizeof sh));
		*out = (uint8_t)v;
		return 1;
	}
	for (char *c = buf; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	for (size_t k = 0; k < sizeof proto_names / sizeof proto_names[0]; k++) {
		if (!strcmp(buf, proto_names[k].name)) {
			*out = proto_names[k].num;
			return 1;
		}
	}
	if (getprotobyname_r(buf, &pe, pbuf, sizeof pbuf, &res) == 0 && res && res->p_proto >= 0 &&
	    res->p_proto <= 255) {
		*out = (uint8_t)res->p_proto;
		return 1;
	}
	return fail0(p, t, "unknown protocol %s", show(p, t, sh, sizeof sh));
}

static int parse_ethertype(struct parser *p, const struct argus_rafilter_token *t, uint16_t *out)
{
	char buf[64], sh[48];
	uint64_t v;

	if (!word_copy(p, t, buf, sizeof buf))
		return fail0(p, t, "expected an ethernet type after 'proto', found %s",
			     show(p, t, sh, sizeof sh));
	if (isdigit((unsigned char)buf[0])) {
		if (!parse_uint(buf, 0xffff, &v))
			return fail0(p, t, "ethernet type %s is out of range",
				     show(p, t, sh, sizeof sh));
		*out = (uint16_t)v;
		return 1;
	}
	for (char *c = buf; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	for (size_t k = 0; k < sizeof ether_names / sizeof ether_names[0]; k++) {
		if (!strcmp(buf, ether_names[k].name)) {
			*out = ether_names[k].type;
			return 1;
		}
	}
	return fail0(p, t, "unknown ethernet type %s", show(p, t, sh, sizeof sh));
}

static int32_t parse_srcid_value(struct parser *p)
{
	const struct argus_rafilter_token *t = cur(p);
	struct argus_rafilter_insn ins;
	char buf[64], sh[48];
	uint8_t fam, bytes[16];
	uint64_t v;

	insn_init(&ins, ARGUS_RAFILTER_OP_SRCID, ARGUS_RAFILTER_DIR_SRC);
	if (!word_copy(p, t, buf, sizeof buf) || kw_kind(p, t) == K_AND || kw_kind(p, t) == K_OR)
		return fail(p, t, "expected a source id after 'srcid', found %s",
			    show(p, t, sh, sizeof sh));
	if (parse_uint(buf, 0xffffffffu, &v)) {
		ins.a.srcid.kind = 0;
		ins.a.srcid.num = (uint32_t)v;
	} else if (parse_addr(buf, &fam, bytes)) {
		if (fam == 4) {
			ins.a.srcid.kind = 0;
			ins.a.srcid.num = (uint32_t)bytes[0] << 24 | (uint32_t)bytes[1] << 16 |
					  (uint32_t)bytes[2] << 8 | bytes[3];
		} else {
			ins.a.srcid.kind = 1;
			memcpy(ins.a.srcid.bytes, bytes, 16);
		}
	} else if (t->len <= sizeof ins.a.srcid.bytes) {
		ins.a.srcid.kind = 2;
		ins.a.srcid.len = (uint8_t)t->len;
		memcpy(ins.a.srcid.bytes, buf, t->len);
	} else {
		return fail(p, t, "%s is not a source id", show(p, t, sh, sizeof sh));
	}
	p->i++;
	return new_prim(p, &ins);
}

static void set_ctx(struct parser *p, uint8_t type, uint8_t dir)
{
	p->ctx.type = type;
	p->ctx.dir = dir;
	p->ctx.has_prefix = 0;
}

/* encaps TYPE (the value token is current). */
static int32_t parse_encaps_value(struct parser *p, uint8_t dir)
{
	const struct argus_rafilter_token *t = cur(p);
	struct argus_rafilter_insn ins;
	char buf[16], sh[48];

	if (!word_copy(p, t, buf, sizeof buf))
		return fail(p, t, "unknown encapsulation %s (eth, 802q, llc, mpls, gre, ...)",
			    show(p, t, sh, sizeof sh));
	for (char *c = buf; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	for (size_t k = 0; k < sizeof encaps_names / sizeof encaps_names[0]; k++) {
		if (!strcmp(buf, encaps_names[k].name)) {
			insn_init(&ins, ARGUS_RAFILTER_OP_ENCAPS, dir);
			ins.a.m[0] = encaps_names[k].bit;
			p->i++;
			return new_prim(p, &ins);
		}
	}
	return fail(p, t, "unknown encapsulation %s (eth, 802q, llc, mpls, gre, ...)",
		    show(p, t, sh, sizeof sh));
}

/* [ip|ipv4|ipv6] multicast / broadcast (the keyword is current); FAM 6 for
 * IPv6, else IPv4 as in ra. */
static int32_t parse_addr_class(struct parser *p, const struct kw *k, int fam)
{
	struct argus_rafilter_insn f, ins;

	if (k->kind == K_BCAST && fam == 6)
		return fail(p, cur(p), "IPv6 has no broadcast address; try 'ipv6 multicast'");
	insn_init(&f, ARGUS_RAFILTER_OP_FAMILY, ARGUS_RAFILTER_DIR_SRC);
	f.a.ip.fam_mask = fam == 6 ? 2 : 1;
	insn_init(&ins, k->kind == K_BCAST ? ARGUS_RAFILTER_OP_HOST : ARGUS_RAFILTER_OP_NET,
		  ARGUS_RAFILTER_DIR_EITHER);
	ins.a.addr.fam = fam == 6 ? 6 : 4;
	if (k->kind == K_BCAST) { /* 255.255.255.255 */
		memset(ins.a.addr.bytes, 0xff, 4);
		memset(ins.a.addr.mask, 0xff, 4);
	} else if (fam == 6) { /* ff00::/8 */
		ins.a.addr.bytes[0] = 0xff;
		ins.a.addr.mask[0] = 0xff;
	} else { /* 224.0.0.0/4 */
		ins.a.addr.bytes[0] = 0xe0;
		ins.a.addr.mask[0] = 0xf0;
	}
	p->i++;
	set_ctx(p, C_NONE, ARGUS_RAFILTER_DIR_EITHER);
	return new_bin(p, N_AND, new_prim(p, &f), new_prim(p, &ins));
}

/* The value of a primitive of context type TYPE (the value token is current). */
static int32_t parse_typed_value(struct parser *p, uint8_t type, uint8_t dir)
{
	const struct argus_rafilter_token *t = cur(p);
	struct argus_rafilter_insn ins;
	char buf[64], sh[48];

	if ((t->kind != ARGUS_RAFILTER_T_WORD &&
	     !(type == C_PORT && t->kind == ARGUS_RAFILTER_T_CMP)) ||
	    (type != C_FIELD && (is_and(p, t) || is_or(p, t)))) {
		const struct argus_rafilter_token *prev = p->i ? tok(p, p->i - 1) : t;
		char sh2[48];
		return fail(p, t, "expected a value after %s, found %s",
			    show(p, prev, sh, sizeof sh), show(p, t, sh2, sizeof sh2));
	}
	switch (type) {
	case C_HOST:
		insn_init(&ins, ARGUS_RAFILTER_OP_HOST, dir);
		if (!parse_cidr(p, t, 0, &ins.a.addr))
			return -1;
		p->i++;
		break;
	case C_NET:
		insn_init(&ins, ARGUS_RAFILTER_OP_NET, dir);
		if (!parse_cidr(p, t, 1, &ins.a.addr))
			return -1;
		p->i++;
		if (kw_kind(p, cur(p)) == K_MASK) {
			const struct argus_rafilter_token *mt = tok(p, p->i + 1);
			uint8_t fam, m[16];
			if (memchr(p->s + t->pos, '/', t->len))
				return fail(p, cur(p), "'mask' after a prefix length");
			if (!word_copy(p, mt, buf, sizeof buf) || !parse_addr(buf, &fam, m) ||
			    fam != ins.a.addr.fam)
				return fail(p, mt, "expected an %s mask after 'mask', found %s",
					    ins.a.addr.fam == 4 ? "IPv4" : "IPv6",
					    show(p, mt, sh, sizeof sh));
			memcpy(ins.a.addr.mask, m, 16);
			for (int k = 0; k < 16; k++)
				ins.a.addr.bytes[k] &= m[k];
			p->i += 2;
		}
		break;
	case C_PORT:
		return parse_port_value(p, dir);
	case C_PROTO:
		insn_init(&ins, ARGUS_RAFILTER_OP_PROTO, ARGUS_RAFILTER_DIR_SRC);
		ins.a.ip.fam_mask = 3;
		if (!parse_proto_number(p, t, &ins.a.ip.proto))
			return -1;
		p->i++;
		break;
	case C_ETHER:
		insn_init(&ins, ARGUS_RAFILTER_OP_ETHER, dir);
		if (!word_copy(p, t, buf, sizeof buf) || !parse_mac(buf, ins.a.mac))
			return fail(p, t, "%s is not a MAC address", show(p, t, sh, sizeof sh));
		p->i++;
		break;
	case C_ETHERTYPE:
		insn_init(&ins, ARGUS_RAFILTER_OP_ETHERTYPE, ARGUS_RAFILTER_DIR_SRC);
		if (!parse_ethertype(p, t, &ins.a.ethertype))
			return -1;
		p->i++;
		break;
	case C_SRCID:
		return parse_srcid_value(p);
	case C_FIELD:
		return parse_field_value(p);
	case C_ENCAPS:
		return parse_encaps_value(p, dir);
	default:
		return fail(p, t, "%s needs a keyword such as 'host' or 'port' before it",
			    show(p, t, sh, sizeof sh));
	}
	return new_prim(p, &ins);
}

/* ---- primitives ------------------------------------------------------------------ */

/* "src", "dst", "src or dst", "src and dst" at the current token. */
static int parse_dir(struct parser *p, uint8_t *dir)
{
	uint8_t first = kw_kind(p, cur(p));
	const struct argus_rafilter_token *op = tok(p, p->i + 1);

	if (first != K_SRC && first != K_DST)
		return 0;
	*dir = first == K_SRC ? ARGUS_RAFILTER_DIR_SRC : ARGUS_RAFILTER_DIR_DST;
	p->i++;
	if ((is_or(p, op) || is_and(p, op)) && op->kind != ARGUS_RAFILTER_T_END) {
		uint8_t second = kw_kind(p, tok(p, p->i + 1));
		if ((second == K_SRC || second == K_DST) && second != first) {
			*dir = is_or(p, op) ? ARGUS_RAFILTER_DIR_EITHER : ARGUS_RAFILTER_DIR_BOTH;
			p->i += 2;
		}
	}
	return 1;
}

static int32_t parse_flag(struct parser *p, const struct kw *k, uint8_t dir)
{
	struct argus_rafilter_insn ins;

	insn_init(&ins, k->op, dir);
	ins.a.m[0] = k->m0;
	ins.a.m[1] = k->m1;
	if (k->op == ARGUS_RAFILTER_OP_ICMPTYPE) {
		ins.a.icmp.types = k->m0;
		ins.a.icmp.mapped = (uint8_t)k->m1;
	}
	p->i++;
	set_ctx(p, C_NONE, dir);
	return new_prim(p, &ins);
}

static int32_t parse_bare(struct parser *p, int dir_given, uint8_t dir);

/* A primitive after an optional direction. */
static int32_t parse_qualified(struct parser *p, int dir_given, uint8_t dir)
{
	const struct argus_rafilter_token *t = cur(p);
	const struct kw *k = keyword(p, t);
	uint8_t d = dir_given ? dir : ARGUS_RAFILTER_DIR_EITHER;
	char sh[48];

	if (k) {
		switch (k->kind) {
		case K_HOST:
		case K_NET:
		case K_PORT: {
			uint8_t type = C_PORT;
			if (k->kind == K_HOST)
				type = C_HOST;
			else if (k->kind == K_NET)
				type = C_NET;
			p->i++;
			set_ctx(p, type, d);
			return parse_typed_value(p, type, d);
		}
		case K_CMPFIELD:
			if (!resolve_field(p, p->i, k, dir_given, dir))
				return -1;
			p->i++;
			return parse_field_value(p);
		case K_FLAG:
			return parse_flag(p, k, d);
		case K_ENCAPS:
			p->i++;
			set_ctx(p, C_ENCAPS, d);
			return parse_typed_value(p, C_ENCAPS, d);
		case K_CMPWORD:
			return parse_bare(p, dir_given, dir);
		default:
			break;
		}
		if (dir_given)
			return fail(
				p, t,
				"expected host, net, port or a field after the direction, found %s",
				show(p, t, sh, sizeof sh));
		return fail(p, t, "unexpected %s", show(p, t, sh, sizeof sh));
	}
	if (t->kind == ARGUS_RAFILTER_T_CMP)
		return parse_bare(p, dir_given, dir);
	if (t->kind == ARGUS_RAFILTER_T_WORD) {
		char buf[64];
		if (word_copy(p, t, buf, sizeof buf) && has_field(p, buf, dir_given)) {
			if (!resolve_field(p, p->i, NULL, dir_given, dir))
				return -1;
			p->i++;
			return parse_field_value(p);
		}
		return parse_bare(p, dir_given, dir);
	}
	return fail(p, t, "expected host, net, port or a field after the direction, found %s",
		    show(p, t, sh, sizeof sh));
}

/* A value (or comparison and value) with no keyword: the previous
 * primitive's qualifiers again.  A new direction replaces the old one and
 * drops a protocol qualifier, as ra does. */
static int32_t parse_bare(struct parser *p, int dir_given, uint8_t dir)
{
	const struct argus_rafilter_token *t = cur(p);
	char sh[48];
	uint8_t type = p->ctx.type;
	int32_t n;

	if (type == C_NONE && dir_given && t->kind == ARGUS_RAFILTER_T_WORD &&
	    kw_kind(p, t) != K_CMPWORD) {
		type = C_HOST;
		set_ctx(p, C_HOST, dir);
	}
	if (type == C_NONE) {
		if (t->kind == ARGUS_RAFILTER_T_CMP || kw_kind(p, t) == K_CMPWORD)
			return fail(
				p, t,
				"comparison %s needs a field such as 'ttl' or 'bytes' before it",
				show(p, t, sh, sizeof sh));
		if (t->kind == ARGUS_RAFILTER_T_WORD &&
		    (isdigit((unsigned char)p->s[t->pos]) || memchr(p->s + t->pos, ':', t->len) ||
		     memchr(p->s + t->pos, '.', t->len)))
			return fail(p, t, "%s needs a keyword such as 'host' or 'port' before it",
				    show(p, t, sh, sizeof sh));
		return fail(p, t, "unknown keyword %s", show(p, t, sh, sizeof sh));
	}
	if (type != C_FIELD && type != C_PORT &&
	    (t->kind == ARGUS_RAFILTER_T_CMP || kw_kind(p, t) == K_CMPWORD))
		return fail(p, t, "comparison %s needs a field such as 'ttl' or 'bytes' before it",
			    show(p, t, sh, sizeof sh));
	if (dir_given) {
		p->ctx.has_prefix = 0;
		if (type == C_FIELD) {
			const struct kw *k = keyword(p, tok(p, p->ctx.name_tok));
			if (!resolve_field(p, p->ctx.name_tok,
					   k && k->kind == K_CMPFIELD ? k : NULL, 1, dir))
				return -1;
		}
		p->ctx.dir = dir;
	}
	n = parse_typed_value(p, type, p->ctx.dir);
	if (n >= 0 && p->ctx.has_prefix)
		n = new_bin(p, N_AND, new_prim(p, &p->ctx.prefix), n);
	return n;
}

static int32_t parse_ether(struct parser *p)
{
	const struct argus_rafilter_token *t = cur(p);
	uint8_t kind = kw_kind(p, t), dir;
	char sh[48];

	if (kind == K_PROTO) {
		p->i++;
		set_ctx(p, C_ETHERTYPE, ARGUS_RAFILTER_DIR_SRC);
		return parse_typed_value(p, C_ETHERTYPE, ARGUS_RAFILTER_DIR_SRC);
	}
	if (kind == K_BCAST || kind == K_MCAST) {
		struct argus_rafilter_insn ins;
		insn_init(&ins, kind == K_BCAST ? ARGUS_RAFILTER_OP_ETHER : ARGUS_RAFILTER_OP_ETHERMCAST,
			  ARGUS_RAFILTER_DIR_EITHER);
		memset(ins.a.mac, 0xff, sizeof ins.a.mac);
		p->i++;
		set_ctx(p, C_NONE, ARGUS_RAFILTER_DIR_EITHER);
		return new_prim(p, &ins);
	}
	if (kind == K_HOST) {
		p->i++;
		dir = ARGUS_RAFILTER_DIR_EITHER;
	} else if (parse_dir(p, &dir)) {
		if (kw_kind(p, cur(p)) == K_HOST)
			p->i++;
	} else {
		return fail(p, t,
			    "expected host, src, dst, proto, broadcast or multicast after 'ether', "
			    "found %s",
			    show(p, t, sh, sizeof sh));
	}
	set_ctx(p, C_ETHER, dir);
	return parse_typed_value(p, C_ETHER, dir);
}

static int32_t parse_primitive(struct parser *p)
{
	const struct argus_rafilter_token *t = cur(p);
	const struct kw *k = keyword(p, t);
	struct argus_rafilter_insn ins;
	uint8_t dir;
	char sh[48], sh2[48];

	if (!k)
		return parse_qualified(p, 0, 0);
	switch (k->kind) {
	case K_MAN:
		insn_init(&ins, ARGUS_RAFILTER_OP_MAN, ARGUS_RAFILTER_DIR_SRC);
		p->i++;
		set_ctx(p, C_NONE, ARGUS_RAFILTER_DIR_EITHER);
		return new_prim(p, &ins);
	case K_PROTOKW: {
		int32_t pn, q;
		uint8_t next;
		insn_init(&ins, k->op, ARGUS_RAFILTER_DIR_SRC);
		ins.a.ip.fam_mask = k->a;
		ins.a.ip.proto = k->b;
		p->i++;
		set_ctx(p, C_NONE, ARGUS_RAFILTER_DIR_EITHER);
		next = kw_kind(p, cur(p));
		if (next == K_MCAST || next == K_BCAST) {
			if (k->op != ARGUS_RAFILTER_OP_FAMILY)
				return fail(p, cur(p), "%s after %s: only ip, ipv4 and ipv6 go there",
					    show(p, cur(p), sh, sizeof sh),
					    show(p, t, sh2, sizeof sh2));
			return parse_addr_class(p, keyword(p, cur(p)), k->a == 2 ? 6 : 4);
		}
		pn = new_prim(p, &ins);
		if (next != K_SRC && next != K_DST && next != K_HOST && next != K_NET &&
		    next != K_PORT && next != K_PROTO)
			return pn;
		/* "tcp port 80", "ip proto 17", "udp dst port 53": the protocol
		 * qualifies the primitive and its bare values. */
		if (next == K_PROTO) {
			p->i++;
			set_ctx(p, C_PROTO, ARGUS_RAFILTER_DIR_SRC);
			q = parse_typed_value(p, C_PROTO, ARGUS_RAFILTER_DIR_SRC);
		} else if (next == K_SRC || next == K_DST) {
			parse_dir(p, &dir);
			q = parse_qualified(p, 1, dir);
		} else {
			q = parse_qualified(p, 0, 0);
		}
		if (q < 0)
			return -1;
		if (p->ctx.type != C_NONE) {
			p->ctx.has_prefix = 1;
			p->ctx.prefix = ins;
		}
		return new_bin(p, N_AND, pn, q);
	}
	case K_SRC:
	case K_DST:
		parse_dir(p, &dir);
		return parse_qualified(p, 1, dir);
	case K_HOST:
	case K_NET:
	case K_PORT:
	case K_CMPFIELD:
	case K_FLAG:
	case K_CMPWORD:
		return parse_qualified(p, 0, 0);
	case K_PROTO:
		p->i++;
		set_ctx(p, C_PROTO, ARGUS_RAFILTER_DIR_SRC);
		return parse_typed_value(p, C_PROTO, ARGUS_RAFILTER_DIR_SRC);
	case K_ETHER:
		p->i++;
		return parse_ether(p);
	case K_SRCID:
		p->i++;
		set_ctx(p, C_SRCID, ARGUS_RAFILTER_DIR_SRC);
		return parse_typed_value(p, C_SRCID, ARGUS_RAFILTER_DIR_SRC);
	case K_ENCAPS:
		return parse_qualified(p, 0, 0);
	case K_MCAST:
	case K_BCAST:
		return parse_addr_class(p, k, 4);
	case K_MASK:
		return fail(p, t, "'mask' without 'net' before it");
	case K_LOCAL:
		return fail(p, t, "'local' is only allowed at the start");
	default:
		return fail(p, t, "unexpected %s", show(p, t, sh, sizeof sh));
	}
}

/* ---- expressions ---------------------------------------------------------------- */

static int32_t parse_expr(struct parser *p);

static int32_t parse_unary(struct parser *p)
{
	const struct argus_rafilter_token *t = cur(p);
	char sh[48], sh2[48];
	int32_t n;

	if (++p->depth > ARGUS_RAFILTER_MAX_DEPTH) {
		fail(p, t, "expression nested deeper than %d levels", ARGUS_RAFILTER_MAX_DEPTH);
		return -1;
	}
	if (is_not(p, t)) {
		p->i++;
		n = parse_unary(p);
		n = n < 0 ? -1 : new_node(p, N_NOT, n, -1);
	} else if (t->kind == ARGUS_RAFILTER_T_LPAREN) {
		p->i++;
		n = parse_expr(p);
		if (n >= 0) {
			if (cur(p)->kind != ARGUS_RAFILTER_T_RPAREN) {
				if (cur(p)->kind == ARGUS_RAFILTER_T_END)
					fail(p, t, "unbalanced parenthesis: '(' is not closed");
				else
					fail(p, cur(p), "expected 'and', 'or' or ')' before %s",
					     show(p, cur(p), sh, sizeof sh));
				n = -1;
			} else {
				p->i++;
			}
		}
	} else if (t->kind == ARGUS_RAFILTER_T_END || t->kind == ARGUS_RAFILTER_T_RPAREN ||
		   is_and(p, t) || is_or(p, t)) {
		if (p->i == 0)
			fail(p, t, "expected an expression, found %s", show(p, t, sh, sizeof sh));
		else
			fail(p, t, "expected an expression after %s, found %s",
			     show(p, tok(p, p->i - 1), sh, sizeof sh), show(p, t, sh2, sizeof sh2));
		n = -1;
	} else {
		n = parse_primitive(p);
	}
	p->depth--;
	return n;
}

static int32_t parse_expr(struct parser *p)
{
	int32_t n = parse_unary(p);

	while (n >= 0) {
		const struct argus_rafilter_token *t = cur(p);
		uint8_t kind;
		if (is_and(p, t))
			kind = N_AND;
		else if (is_or(p, t))
			kind = N_OR;
		else
			break;
		p->i++;
		n = new_bin(p, kind, n, parse_unary(p));
	}
	return n;
}

/* ---- code generation -------------------------------------------------------------- */

/* Lay out NODE so that it continues at T when true and F when false; returns
 * its entry.  Instructions are appended, so every jump goes to an earlier
 * instruction or ends the program.  Left operands are walked in a loop
 * (chains like "a or b or c" are left-deep); only right operands recurse,
 * and their depth is bounded by the parser's nesting limit. */
static int32_t gen(const struct parser *p, struct argus_rafilter_program *prog, int32_t node,
		   int32_t t, int32_t f)
{
	for (;;) {
		const struct node *n = &p->nodes[node];
		int32_t e, tmp;
		switch (n->kind) {
		case N_PRIM:
			prog->insn[prog->n] = n->ins;
			prog->insn[prog->n].jt = t;
			prog->insn[prog->n].jf = f;
			return (int32_t)prog->n++;
		case N_NOT:
			tmp = t;
			t = f;
			f = tmp;
			node = n->l;
			break;
		case N_AND:
			e = gen(p, prog, n->r, t, f);
			t = e;
			node = n->l;
			break;
		default: /* N_OR */
			e = gen(p, prog, n->r, t, f);
			f = e;
			node = n->l;
			break;
		}
	}
}

int argus_rafilter_compile(const struct argus_host *host, const char *expr,
			   struct argus_rafilter_program **out, char *err, size_t errlen)
{
	struct parser p;
	struct argus_rafilter_token *toks;
	struct argus_rafilter_program *prog;
	size_t len, ntok;
	int32_t root = -1;
	char sh[48];

	*out = NULL;
	if (errlen)
		err[0] = '\0';
	if (!expr)
		expr = "";
	len = strnlen(expr, ARGUS_RAFILTER_MAX_LEN + 1);
	if (len > ARGUS_RAFILTER_MAX_LEN) {
		snprintf(err, errlen, "column %u: expression longer than %u characters",
			 ARGUS_RAFILTER_MAX_LEN + 1, ARGUS_RAFILTER_MAX_LEN);
		return ARGUS_EINVAL;
	}
	toks = malloc((len + 1) * sizeof *toks);
	if (!toks) {
		snprintf(err, errlen, "out of memory compiling the filter");
		return ARGUS_ENOMEM;
	}
	ntok = argus_rafilter_lex(expr, len, toks, err, errlen);
	if (!ntok) {
		free(toks);
		return ARGUS_EINVAL;
	}

	memset(&p, 0, sizeof p);
	p.s = expr;
	p.t = toks;
	p.host = host;
	p.err = err;
	p.errlen = errlen;
	if (kw_kind(&p, cur(&p)) == K_LOCAL)
		p.i++; /* "local": filter here, not at a remote argus; same thing for us */
	if (cur(&p)->kind != ARGUS_RAFILTER_T_END) {
		root = parse_expr(&p);
		if (root >= 0 && cur(&p)->kind != ARGUS_RAFILTER_T_END) {
			const struct argus_rafilter_token *t = cur(&p);
			if (t->kind == ARGUS_RAFILTER_T_RPAREN)
				fail(&p, t, "unbalanced parenthesis: ')' without '('");
			else if (t->kind == ARGUS_RAFILTER_T_WORD && !keyword(&p, t) &&
				 !isdigit((unsigned char)expr[t->pos]))
				fail(&p, t, "unknown keyword %s", show(&p, t, sh, sizeof sh));
			else
				fail(&p, t, "expected 'and' or 'or' before %s",
				     show(&p, t, sh, sizeof sh));
			root = -1;
		}
		if (root < 0) {
			if (!p.rc) {
				p.rc = ARGUS_EINVAL;
				snprintf(err, errlen, "column 1: syntax error");
			}
			free(p.nodes);
			free(toks);
			return p.rc;
		}
	}
	free(toks);

	prog = malloc(sizeof *prog + p.nprims * sizeof prog->insn[0]);
	if (!prog) {
		free(p.nodes);
		snprintf(err, errlen, "out of memory compiling the filter");
		return ARGUS_ENOMEM;
	}
	prog->n = 0;
	prog->entry = root < 0 ? ARGUS_RAFILTER_ACCEPT
			       : gen(&p, prog, root, ARGUS_RAFILTER_ACCEPT, ARGUS_RAFILTER_REJECT);
	free(p.nodes);
	*out = prog;
	return ARGUS_OK;
}
