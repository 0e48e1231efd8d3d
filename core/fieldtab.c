/* The field table: the built-in fields (Argus ra names, labels and column
 * widths) with their getters, the fields plugins register, look-up, and the
 * parsing of ra's -s lists.  The text forms are made in fieldfmt.c.
 *
 * Getters decide presence: a field a record does not carry comes back as
 * ARGUS_VALUE_NONE.  Where Argus ra prints a value in a form the value type
 * cannot express (ICMP ports "0x0008", IP ids "0x3200", float-rounded rates)
 * the getter also leaves that text in v->s, which the ra-compatible styles
 * print; the CSV style prints the plain value.  The ra spellings (states,
 * protocol names, flag letters) were established by feeding hand-made
 * records to Argus 3.0.8.2's ra (see shared/golden/handmade). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <arpa/inet.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <argus/plugin.h>

#include "fieldtab.h"
#include "isis.h"

#define IPPROTO_NUM_ICMP 1
#define IPPROTO_NUM_TCP 6
#define IPPROTO_NUM_UDP 17
#define IPPROTO_NUM_ICMPV6 58
#define IPPROTO_NUM_ESP 50

#define ETHERTYPE_RARP_NUM 0x8035

/* First MAR of a stream carries this cookie where later ones carry the id. */
#define ARGUS_V3_COOKIE 0xE5712DCBu

/* ---- value helpers -------------------------------------------------------- */

static int absent(struct argus_value *v)
{
	v->type = ARGUS_VALUE_NONE;
	v->s[0] = '\0';
	return 0;
}

static int put_uint(struct argus_value *v, uint64_t u)
{
	v->type = ARGUS_VALUE_UINT;
	v->v.u = u;
	v->s[0] = '\0';
	return 1;
}

static int put_double(struct argus_value *v, double d)
{
	v->type = ARGUS_VALUE_DOUBLE;
	v->v.d = d;
	v->s[0] = '\0';
	return 1;
}

static int put_time(struct argus_value *v, int64_t us)
{
	v->type = ARGUS_VALUE_TIME;
	v->v.time_us = us;
	v->s[0] = '\0';
	return 1;
}

static int put_duration(struct argus_value *v, int64_t us)
{
	v->type = ARGUS_VALUE_DURATION;
	v->v.time_us = us;
	v->s[0] = '\0';
	return 1;
}

static int put_string(struct argus_value *v, const char *s)
{
	size_t n = strlen(s);

	if (n >= sizeof v->s)
		n = sizeof v->s - 1;
	v->type = ARGUS_VALUE_STRING;
	v->v.u = 0;
	memcpy(v->s, s, n);
	v->s[n] = '\0';
	return 1;
}

static int is_mar(const struct argus_record *r) { return r->kind == ARGUS_RECORD_MAR; }

static int has(const struct argus_record *r, uint32_t bits) { return (r->present & bits) == bits; }

static int is_ip(const struct argus_record *r)
{
	return has(r, ARGUS_HAS_FLOW) &&
	       (r->key.family == ARGUS_KEY_IPV4 || r->key.family == ARGUS_KEY_IPV6);
}

static int is_ip_proto(const struct argus_record *r, uint8_t proto)
{
	return is_ip(r) && r->key.proto == proto;
}

static int64_t dur_us(const struct argus_record *r)
{
	return has(r, ARGUS_HAS_TIME) ? r->ltime_us - r->stime_us : 0;
}

/* ---- names ra prints ------------------------------------------------------ */

/* IP protocol names, as ra 3.0.8 prints them even with -n. */
static const char *const ip_proto_names[] = {
	"ip", "icmp", "igmp", "ggp", "ipnip", "st2", "tcp", "cbt", "egp", "igp", "bbn-rcc",
	"nvp", "pup", "argus", "emcon", "xnet", "chaos", "udp", "mux", "dcn", "hmp", "prm",
	"xns-idp", "trunk-1", "trunk-2", "leaf-1", "leaf-2", "rdp", "irtp", "iso-tp4", "netblt",
	"mfe-nsp", "merit-inp", "sep", "3pc", "idpr", "xtp", "ddp", "idpr-cmtp", "tp++", "il",
	"ipv6", "sdrp", "ipv6-route", "ipv6-frag", "idrp", "rsvp", "gre", "mhrp", "bna", "esp",
	"ah", "i-nlsp", "swipe", "narp", "mobile", "tlsp", "skip", "ipv6-icmp", "ipv6-no",
	"ipv6-opts", "any", "cftp", "any", "sat-expak", "kryptolan", "rvd", "ippc", "any",
	"sat-mon", "visa", "ipcv", "cpnx", "cphb", "wsn", "pvp", "br-sat-mon", "sun-nd",
	"wb-mon", "wb-expak", "iso-ip", "vmtp", "secure-vmtp", "vines", "ttp", "nsfnet-igp",
	"dgp", "tcf", "eigrp", "ospf", "sprite-rpc", "larp", "mtp", "ax.25", "ipip", "micp",
	"aes-sp3-d", "etherip", "encap", "pri-enc", "gmtp", "ifmp", "pnni", "pim", "aris",
	"scps", "qnx", "a/n", "ipcomp", "snp", "compaq-peer", "ipx-n-ip", "vrrp", "pgm", "zero",
	"l2tp", "ddx", "iatp", "stp", "srp", "uti", "smp", "sm", "ptp", "isis", "fire", "crtp",
	"crudp", "sccopmce", "iplt", "sps", "pipe", "sctp", "fc", "rsvp",
};

static const char *ip_proto_name(uint8_t p)
{
	if (p < sizeof ip_proto_names / sizeof ip_proto_names[0])
		return ip_proto_names[p];
	return p == 253 ? "ib" : "unas";
}

/* Ethertype names ra prints for non-IP flows (ranges, sorted); a type not
 * listed prints as its decimal number. */
struct ether_name {
	uint16_t lo, hi;
	const char *name;
};

static const struct ether_name ether_names[] = {
	{0x0000, 0x0000, "llc"}, {0x0064, 0x0064, "ipx"}, {0x0081, 0x0081, "clns"},
	{0x0082, 0x0082, "esis"}, {0x0083, 0x0083, "isis"}, {0x0084, 0x0084, "nullns"},
	{0x0101, 0x0101, "exp"}, {0x0102, 0x0102, "drip"}, {0x0103, 0x01ff, "exp"},
	{0x0200, 0x0200, "pup"}, {0x0201, 0x0201, "pupat"}, {0x0400, 0x0400, "nix"},
	{0x0600, 0x0600, "idp"}, {0x0660, 0x0661, "dlog"}, {0x0800, 0x0800, "ip"},
	{0x0801, 0x0801, "x75"}, {0x0802, 0x0802, "nbs"}, {0x0803, 0x0803, "ecma"},
	{0x0804, 0x0804, "chaos"}, {0x0805, 0x0805, "x25"}, {0x0806, 0x0806, "arp"},
	{0x0807, 0x0807, "xnscp"}, {0x0808, 0x0808, "frarp"}, {0x081c, 0x081c, "symbl"},
	{0x0888, 0x088a, "xyplx"}, {0x0900, 0x0900, "ubdeb"}, {0x0a00, 0x0a00, "pup.3"},
	{0x0a01, 0x0a01, "pupat"}, {0x0bad, 0x0bad, "vines"}, {0x0bae, 0x0bae, "vinlb"},
	{0x0baf, 0x0baf, "vinec"}, {0x1000, 0x1000, "brktn"}, {0x1001, 0x100f, "brkte"},
	{0x1600, 0x1600, "valid"}, {0x1984, 0x1984, "train"}, {0x2000, 0x2000, "cdp"},
	{0x2001, 0x2001, "cgmp"}, {0x2003, 0x2003, "vtp"}, {0x2452, 0x2452, "cent"},
	{0x3c07, 0x3c07, "nbp"}, {0x4242, 0x4242, "pcs"}, {0x5208, 0x5208, "bbn"},
	{0x6000, 0x6000, "decun"}, {0x6001, 0x6001, "decdl"}, {0x6002, 0x6002, "decrc"},
	{0x6003, 0x6003, "decro"}, {0x6004, 0x6004, "lat"}, {0x6005, 0x6005, "decdp"},
	{0x6006, 0x6006, "deccp"}, {0x6007, 0x6007, "lavc"}, {0x6008, 0x6009, "decun"},
	{0x600a, 0x6014, "3com"}, {0x6558, 0x6558, "trans"}, {0x6559, 0x6559, "rawfr"},
	{0x7000, 0x7000, "dbdwn"}, {0x7002, 0x7002, "ubdia"}, {0x7020, 0x7029, "lrt"},
	{0x7030, 0x7030, "prote"}, {0x7034, 0x7034, "cable"}, {0x8003, 0x8003, "cronv"},
	{0x8004, 0x8004, "crond"}, {0x8005, 0x8005, "hppro"}, {0x8006, 0x8006, "nesta"},
	{0x8008, 0x8008, "att"}, {0x8010, 0x8010, "excel"}, {0x8013, 0x8013, "sgid"},
	{0x8014, 0x8014, "sging"}, {0x8015, 0x8015, "sgres"}, {0x8016, 0x8016, "sgibs"},
	{0x8019, 0x8019, "apld"}, {0x802f, 0x802f, "tym"}, {0x8030, 0x8030, "tigan"},
	{0x8035, 0x8035, "rarp"}, {0x8036, 0x8036, "aeon"}, {0x8038, 0x8038, "declb"},
	{0x8039, 0x803c, "decun"}, {0x803d, 0x803d, "decee"}, {0x803e, 0x803e, "decun"},
	{0x803f, 0x803f, "dectm"}, {0x8040, 0x8042, "decun"}, {0x8044, 0x8044, "plan"},
	{0x8046, 0x8047, "att"}, {0x8049, 0x8049, "expd"}, {0x805b, 0x805b, "Vexp"},
	{0x805c, 0x805c, "Vprod"}, {0x805d, 0x805d, "es"}, {0x8060, 0x8060, "ltlm"},
	{0x8062, 0x8062, "count"}, {0x8065, 0x8066, "um"}, {0x8067, 0x8067, "veeco"},
	{0x8068, 0x8068, "gd"}, {0x8069, 0x8069, "att"}, {0x806a, 0x806a, "autop"},
	{0x806c, 0x806c, "comd"}, {0x806d, 0x806d, "comgr"}, {0x806e, 0x8077, "land"},
	{0x807a, 0x807a, "matra"}, {0x807b, 0x807b, "dansk"}, {0x807c, 0x807c, "merit"},
	{0x807d, 0x8080, "vtlnk"}, {0x8081, 0x8083, "count"}, {0x809b, 0x809b, "atalk"},
	{0x809c, 0x809e, "data"}, {0x809f, 0x809f, "spidr"}, {0x80a3, 0x80a3, "nix"},
	{0x80a4, 0x80b3, "siem"}, {0x80c0, 0x80c3, "dcaex"}, {0x80c4, 0x80c5, "ban"},
	{0x80c6, 0x80c6, "pacer"}, {0x80c7, 0x80c7, "appli"}, {0x80c8, 0x80cc, "intrg"},
	{0x80cd, 0x80ce, "haris"}, {0x80cf, 0x80d2, "taylr"}, {0x80d3, 0x80d4, "rose"},
	{0x80d5, 0x80d5, "sna"}, {0x80dd, 0x80dd, "varin"}, {0x80de, 0x80df, "trfs"},
	{0x80e0, 0x80e3, "allen"}, {0x80e4, 0x80f0, "data"}, {0x80f2, 0x80f2, "retix"},
	{0x80f3, 0x80f3, "aarp"}, {0x80f4, 0x80f5, "kinet"}, {0x80f7, 0x80f7, "aplo"},
	{0x80ff, 0x80ff, "wcp"}, {0x8100, 0x8103, "well"}, {0x8107, 0x8109, "symbl"},
	{0x8130, 0x8130, "hayes"}, {0x8131, 0x8131, "vglab"}, {0x8132, 0x8136, "brdg"},
	{0x8137, 0x8138, "ipx/spx"}, {0x8139, 0x813d, "kti"}, {0x8148, 0x8148, "logic"},
	{0x8149, 0x8149, "ncd"}, {0x814a, 0x814a, "alpha"}, {0x814c, 0x814c, "snmp"},
	{0x814d, 0x814d, "biin"}, {0x814f, 0x814f, "elite"}, {0x8150, 0x8150, "ratnl"},
	{0x8151, 0x8153, "qual"}, {0x8154, 0x8156, "cprot"}, {0x8164, 0x8166, "crd"},
	{0x817d, 0x817d, "xtp"}, {0x817e, 0x817e, "sgitw"}, {0x8180, 0x8180, "hippi"},
	{0x8181, 0x8181, "stp"}, {0x8182, 0x8183, "h6400"}, {0x8184, 0x818c, "sgi"},
	{0x818d, 0x818d, "mot"}, {0x819a, 0x81a3, "qual"}, {0x81a4, 0x81a4, "arai"},
	{0x81a5, 0x81ae, "rad"}, {0x81b7, 0x81b9, "xyplx"}, {0x81cc, 0x81d5, "apri"},
	{0x81d6, 0x81dd, "arti"}, {0x81e6, 0x81ef, "poly"}, {0x81f0, 0x81f2, "comst"},
	{0x81f3, 0x81f5, "saic"}, {0x81f6, 0x81f8, "vg"}, {0x81fd, 0x81fd, "ismp"},
	{0x8203, 0x8205, "quant"}, {0x8221, 0x8222, "ascom"}, {0x823e, 0x8240, "aes"},
	{0x8263, 0x826a, "crd"}, {0x827f, 0x8282, "athen"}, {0x829a, 0x829b, "iiit"},
	{0x829c, 0x82ab, "tarus"}, {0x82ac, 0x8693, "wrq"}, {0x8694, 0x869d, "ideac"},
	{0x869e, 0x86a1, "cnt"}, {0x86a3, 0x86ac, "gtway"}, {0x86db, 0x86db, "sectr"},
	{0x86dd, 0x86dd, "ipv6"}, {0x86de, 0x86de, "delta"}, {0x86df, 0x86df, "atom"},
	{0x86e0, 0x86ef, "lgp"}, {0x8700, 0x8710, "mot"}, {0x872d, 0x872d, "cwl"},
	{0x876b, 0x876b, "compr"}, {0x876c, 0x876c, "ipas"}, {0x876d, 0x876d, "sdata"},
	{0x8808, 0x8808, "mac"}, {0x8809, 0x8809, "slow"}, {0x880b, 0x880b, "ppp"},
	{0x8847, 0x8847, "mplsu"}, {0x8848, 0x8848, "mplsm"}, {0x8863, 0x8864, "pppoe"},
	{0x886d, 0x886d, "ans"}, {0x886f, 0x886f, "nlb"}, {0x8881, 0x8881, "cdma"},
	{0x888e, 0x888e, "eapol"}, {0x8892, 0x8892, "prof"}, {0x889a, 0x889a, "hscsi"},
	{0x889b, 0x889b, "csm"}, {0x88a2, 0x88a2, "aoe"}, {0x88ae, 0x88ae, "brd"},
	{0x88b7, 0x88b7, "oui"}, {0x88b8, 0x88ba, "gse"}, {0x88c7, 0x88c7, "rsn"},
	{0x88ca, 0x88ca, "tipc"}, {0x88cc, 0x88cc, "lldp"}, {0x88d2, 0x88d2, "3gpp"},
	{0x8a96, 0x8a97, "invis"}, {0x9000, 0x9000, "loop"}, {0x9001, 0x9001, "xnssm"},
	{0x9002, 0x9002, "3coms"}, {0x9003, 0x9003, "3coml"}, {0x9021, 0x9021, "rtmac"},
	{0x9022, 0x9022, "rtcfg"}, {0xbeef, 0xbeef, "nrludt"}, {0xfcfc, 0xfcfc, "fcft"},
	{0xff00, 0xff0f, "ramo"}, {0xffff, 0xffff, "*"},
};

static const char *ether_name(uint16_t t)
{
	size_t lo = 0, hi = sizeof ether_names / sizeof ether_names[0];

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t < ether_names[mid].lo)
			hi = mid;
		else if (t > ether_names[mid].hi)
			lo = mid + 1;
		else
			return ether_names[mid].name;
	}
	return NULL;
}

static const char *const icmp_unreach_names[16] = {
	"URN",	 "URH",	   "URO",    "URP",    "URF",    "URS",   "URNU",  "URHU",
	"URISO", "URNPRO", "URHPRO", "URNTOS", "URHTOS", "URFIL", "URPRE", "URCUT",
};

/* Types 1, 2 and 7 print nothing. */
static const char *const icmp_type_names[46] = {
	"ECR", "",    "",    NULL,  "SRC", "RED", "AHA", "",    "ECO", "RTA", "RTS", "TXD",
	"PAR", "TST", "TSR", "IRQ", "IRR", "MAS", "MSR", "SEC", "ROB", "ROB", "ROB", "ROB",
	"ROB", "ROB", "ROB", "ROB", "ROB", "ROB", "TRC", "DCE", "MHR", "WAY", "IAH", "MRQ",
	"MRP", "DNQ", "DNP", "SKP", "PHO", "NRS", "NRA", "NNS", "NNA", "PTB",
};

static const char *icmp_state(uint8_t type, uint8_t code)
{
	if (type == 3)
		return code < 16 ? icmp_unreach_names[code] : "UR";
	if (type < sizeof icmp_type_names / sizeof icmp_type_names[0])
		return icmp_type_names[type];
	return "UNK";
}

static const char *icmp6_state(uint8_t type, uint8_t code)
{
	static const char *const unreach[8] = {"URNR", "URAD", "URBS", "URAR",
					       "URP",  "URSF", "URRR", "URES"};
	static const char *const param[3] = {"PPH", "PPNH", "PPO"};

	switch (type) {
	case 1:
		return code < 8 ? unreach[code] : "UNK";
	case 2:
		return "PTB";
	case 3:
		return code == 0 ? "TXT" : code == 1 ? "TXR" : "UNK";
	case 4:
		return code < 3 ? param[code] : "UNK";
	case 128:
		return "ECO";
	case 129:
		return "ECR";
	case 130:
		return "MRQ";
	case 131:
	case 143:
		return "MHR";
	case 133:
		return "NRS";
	case 134:
		return "NRA";
	case 135:
		return "NNS";
	case 136:
		return "NNA";
	case 137:
		return "RED";
	default:
		return "UNK";
	}
}

/* The clean names; fieldfmt.c prints "Unknown" for the causes ra does not
 * name (flush, close). */
static const char *cause_name(uint8_t cause)
{
	static const char *const names[] = {"Unknown", "Start",	   "Status", "Stop", "Timeout",
					    "Flush",   "Shutdown", "Close",  "Error"};
	return cause < sizeof names / sizeof names[0] ? names[cause] : "Unknown";
}

/* ---- getters: identity and time -------------------------------------------- */

static void srcid_text(const struct argus_srcid *id, char *buf, size_t len)
{
	uint32_t u;
	size_t n;

	switch (id->type) {
	case ARGUS_SRCID_IPV6:
		if (!inet_ntop(AF_INET6, id->value, buf, (socklen_t)len))
			snprintf(buf, len, "0.0.0.0");
		break;
	case ARGUS_SRCID_INT:
		memcpy(&u, id->value, sizeof u);
		snprintf(buf, len, "%u", u);
		break;
	case ARGUS_SRCID_STRING:
		n = id->len < sizeof id->value ? id->len : sizeof id->value;
		if (n == 0)
			n = sizeof id->value;
		n = strnlen((const char *)id->value, n);
		if (n >= len)
			n = len - 1;
		memcpy(buf, id->value, n);
		buf[n] = '\0';
		break;
	case ARGUS_SRCID_IPV4:
		snprintf(buf, len, "%u.%u.%u.%u", id->value[0], id->value[1], id->value[2],
			 id->value[3]);
		break;
	default:
		snprintf(buf, len, "0.0.0.0");
		break;
	}
}

static int get_srcid(const struct argus_record *r, struct argus_value *v)
{
	char buf[INET6_ADDRSTRLEN];

	if (has(r, ARGUS_HAS_TRANSPORT)) {
		srcid_text(&r->srcid, buf, sizeof buf);
		return put_string(v, buf);
	}
	if (is_mar(r)) {
		/* the first MAR holds the cookie where later ones hold the id */
		uint32_t id = r->mar.thisid ? r->mar.thisid
			      : r->mar.argusid != ARGUS_V3_COOKIE ? r->mar.argusid : 0;
		unsigned idtype = (r->mar.status >> 20) & 0xfu;

		if (idtype == 4)
			snprintf(buf, sizeof buf, "%u", id);
		else if (idtype == 2)
			snprintf(buf, sizeof buf, "%c%c%c%c", (char)(id >> 24), (char)(id >> 16),
				 (char)(id >> 8), (char)id);
		else
			snprintf(buf, sizeof buf, "%u.%u.%u.%u", id >> 24, (id >> 16) & 0xffu,
				 (id >> 8) & 0xffu, id & 0xffu);
		return put_string(v, buf);
	}
	return absent(v);
}

static int get_seq(const struct argus_record *r, struct argus_value *v)
{
	if (is_mar(r))
		return put_uint(v, r->mar.sequence);
	return has(r, ARGUS_HAS_TRANSPORT) ? put_uint(v, r->seq) : absent(v);
}

static int get_stime(const struct argus_record *r, struct argus_value *v)
{
	if (is_mar(r))
		return put_time(v, r->mar.now_us);
	return has(r, ARGUS_HAS_TIME) ? put_time(v, r->stime_us) : absent(v);
}

static int get_ltime(const struct argus_record *r, struct argus_value *v)
{
	if (is_mar(r))
		return put_time(v, r->mar.start_us);
	return has(r, ARGUS_HAS_TIME) ? put_time(v, r->ltime_us) : absent(v);
}

static int get_dur(const struct argus_record *r, struct argus_value *v)
{
	if (is_mar(r))
		return put_duration(v, r->mar.now_us - r->mar.start_us);
	return has(r, ARGUS_HAS_TIME) ? put_duration(v, dur_us(r)) : absent(v);
}

/* Statistics of a record that aggregates nothing: every one is its duration. */
static int get_runtime(const struct argus_record *r, struct argus_value *v)
{
	return !is_mar(r) && has(r, ARGUS_HAS_TIME) ? put_duration(v, dur_us(r)) : absent(v);
}

static int single(const struct argus_record *r)
{
	return !is_mar(r) && has(r, ARGUS_HAS_TIME) && (!has(r, ARGUS_HAS_AGR) || r->trans <= 1);
}

static int get_mean(const struct argus_record *r, struct argus_value *v)
{
	return single(r) ? put_duration(v, dur_us(r)) : absent(v);
}

static int get_stddev(const struct argus_record *r, struct argus_value *v)
{
	return single(r) ? put_duration(v, 0) : absent(v);
}

static int get_trans(const struct argus_record *r, struct argus_value *v)
{
	if (is_mar(r))
		return absent(v);
	return put_uint(v, has(r, ARGUS_HAS_AGR) && r->trans > 1 ? r->trans : 1);
}

static int get_cause(const struct argus_record *r, struct argus_value *v)
{
	put_string(v, cause_name(r->cause));
	v->v.u = r->cause;
	return 1;
}

/* ---- getters: flow key ----------------------------------------------------- */

static int get_proto(const struct argus_record *r, struct argus_value *v)
{
	char buf[8];
	const char *name;
	uint64_t num;

	if (is_mar(r))
		return put_string(v, "man");
	if (!has(r, ARGUS_HAS_FLOW))
		return absent(v);
	switch (r->key.family) {
	case ARGUS_KEY_IPV4:
	case ARGUS_KEY_IPV6:
		name = ip_proto_name(r->key.proto);
		num = r->key.proto;
		break;
	case ARGUS_KEY_ARP:
		name = r->key.ethertype == ETHERTYPE_RARP_NUM ? "rarp" : "arp";
		num = r->key.ethertype;
		break;
	case ARGUS_KEY_ETHER:
		name = ether_name(r->key.ethertype);
		if (!name) {
			snprintf(buf, sizeof buf, "%u", r->key.ethertype);
			name = buf;
		}
		num = r->key.ethertype;
		break;
	case ARGUS_KEY_WLAN:
		name = "wlan";
		num = 0;
		break;
	case ARGUS_KEY_ISIS:
		name = "isis";
		num = ARGUS_NLPID_ISIS;
		break;
	default:
		return absent(v);
	}
	put_string(v, name);
	v->v.u = num; /* the protocol (or ethertype) number, for filters */
	return 1;
}

static int put_addr(struct argus_value *v, const uint8_t *a, int family)
{
	v->s[0] = '\0';
	if (family == ARGUS_KEY_ETHER || family == ARGUS_KEY_WLAN) {
		v->type = ARGUS_VALUE_MAC;
		memcpy(v->v.mac, a, 6);
		return 1;
	}
	v->type = ARGUS_VALUE_ADDR;
	memset(&v->v.addr, 0, sizeof v->v.addr);
	if (family == ARGUS_KEY_IPV6) {
		v->v.addr.family = 6;
		memcpy(v->v.addr.bytes, a, 16);
	} else {
		v->v.addr.family = 4;
		memcpy(v->v.addr.bytes, a, 4);
	}
	return 1;
}

static int get_addr(const struct argus_record *r, struct argus_value *v, int dst)
{
	if (is_mar(r)) /* ra shows the MAR's queue and buffer counts here */
		return put_uint(v, dst ? r->mar.bufs : r->mar.queue);
	if (!has(r, ARGUS_HAS_FLOW))
		return absent(v);
	switch (r->key.family) {
	case ARGUS_KEY_IPV4:
	case ARGUS_KEY_IPV6:
	case ARGUS_KEY_ARP:
	case ARGUS_KEY_ETHER:
	case ARGUS_KEY_WLAN:
		return put_addr(v, dst ? r->key.daddr : r->key.saddr, r->key.family);
	case ARGUS_KEY_ISIS: {
		char id[32];
		if (dst)
			argus_isis_dst_text(&r->key, id, sizeof id);
		else
			argus_isis_src_text(&r->key, id, sizeof id);
		return id[0] ? put_string(v, id) : absent(v);
	}
	default:
		return absent(v);
	}
}

static int get_saddr(const struct argus_record *r, struct argus_value *v)
{
	return get_addr(r, v, 0);
}

static int get_daddr(const struct argus_record *r, struct argus_value *v)
{
	return get_addr(r, v, 1);
}

/* PREFIX then X & 0xffff as four lower-case hex digits, at S (ports are
 * formatted for every record: no printf). */
static void hex16_text(char *s, const char *prefix, unsigned x)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = strlen(prefix);

	memcpy(s, prefix, n);
	s[n] = hex[(x >> 12) & 15];
	s[n + 1] = hex[(x >> 8) & 15];
	s[n + 2] = hex[(x >> 4) & 15];
	s[n + 3] = hex[x & 15];
	s[n + 4] = '\0';
}

/* Ports.  TCP/UDP: the port.  ICMP: sport is type*256+code and dport the
 * identifier, printed by ra as "0x0008"/"0x2440" (type and code swapped:
 * ra prints the two key bytes as a little-endian word).  ICMPv6: ra prints
 * the type as sport and the code as dport, in decimal; so do we.  Non-IP
 * Ethernet: the SSAP/DSAP.  Other protocols have none. */
static int get_port(const struct argus_record *r, struct argus_value *v, int dst)
{
	const struct argus_flow_key *k = &r->key;

	if (is_mar(r))
		return put_uint(v, dst ? r->mar.clients : r->mar.dropped);
	if (!has(r, ARGUS_HAS_FLOW))
		return absent(v);
	if (k->family == ARGUS_KEY_ETHER)
		return put_uint(v, dst ? k->dport : k->sport);
	if (k->family == ARGUS_KEY_ISIS) { /* the checksum the PDU is keyed by */
		if (!dst)
			return absent(v);
		put_string(v, "");
		hex16_text(v->s, "0x", k->ethertype);
		return 1;
	}
	if (!is_ip(r))
		return absent(v);
	switch (k->proto) {
	case IPPROTO_NUM_TCP:
	case IPPROTO_NUM_UDP:
		return put_uint(v, dst ? k->dport : k->sport);
	case IPPROTO_NUM_ICMP:
		if (k->family != ARGUS_KEY_IPV4)
			return absent(v);
		if (dst) {
			put_uint(v, k->dport);
			hex16_text(v->s, "0x", k->dport);
		} else {
			/* machine formats: the ICMP type, as for ICMPv6 */
			put_uint(v, ARGUS_ICMP_TYPE(k));
			hex16_text(v->s, "0x",
				   (unsigned)ARGUS_ICMP_CODE(k) << 8 | (unsigned)ARGUS_ICMP_TYPE(k));
		}
		return 1;
	case IPPROTO_NUM_ICMPV6:
		if (k->family != ARGUS_KEY_IPV6)
			return absent(v);
		return put_uint(v, dst ? ARGUS_ICMP_CODE(k) : ARGUS_ICMP_TYPE(k));
	case IPPROTO_NUM_ESP:
		/* the SPI as dport; ra 3.0.8 prints its high half as 0x2020 */
		if (!dst || k->family != ARGUS_KEY_IPV4)
			return absent(v);
		put_uint(v, (uint32_t)k->sport << 16 | k->dport);
		hex16_text(v->s, "0x2020", k->dport);
		return 1;
	default:
		return absent(v);
	}
}

static int get_sport(const struct argus_record *r, struct argus_value *v)
{
	return get_port(r, v, 0);
}

static int get_dport(const struct argus_record *r, struct argus_value *v)
{
	return get_port(r, v, 1);
}

/* ---- getters: dir, state, flgs ------------------------------------------- */

static int tcp_with_state(const struct argus_record *r)
{
	return is_ip_proto(r, IPPROTO_NUM_TCP) && has(r, ARGUS_HAS_TCP);
}

/* ra's direction column: right-aligned in 5.  TCP with a state section:
 * "->" once a SYN or SYN/ACK was seen, else "?" marks the unknown
 * originator. */
static int get_dir(const struct argus_record *r, struct argus_value *v)
{
	uint64_t sp, dp;

	if (is_mar(r))
		return absent(v);
	if (has(r, ARGUS_HAS_FLOW) && r->key.family == ARGUS_KEY_ARP)
		return put_string(v, "  who");
	if (!has(r, ARGUS_HAS_METRIC))
		return absent(v);
	sp = r->spkts;
	dp = r->dpkts;
	if (tcp_with_state(r)) {
		if (r->tcp.status & (ARGUS_TCP_SAW_SYN | ARGUS_TCP_SAW_SYN_SENT))
			return put_string(v, "   ->");
		if (sp && dp)
			return put_string(v, "  <?>");
		if (sp)
			return put_string(v, "   ?>");
		return dp ? put_string(v, "  <?") : absent(v);
	}
	if (sp && dp)
		return put_string(v, "  <->");
	if (sp)
		return put_string(v, "   ->");
	return dp ? put_string(v, "  <-") : absent(v);
}

static const char *tcp_state(const struct argus_record *r)
{
	uint32_t st = r->tcp.status;

	if (st & (ARGUS_TCP_SRC_RESET | ARGUS_TCP_DST_RESET))
		return "RST";
	if (st & (ARGUS_TCP_FIN | ARGUS_TCP_FIN_ACK))
		return "FIN";
	if (st & ARGUS_TCP_NORMAL_CLOSE)
		return "CLO";
	if (st && r->cause >= ARGUS_CAUSE_TIMEOUT && r->cause <= ARGUS_CAUSE_CLOSE)
		return "TIM";
	if (st & ARGUS_TCP_ESTABLISHED)
		return "CON";
	if (st & ARGUS_TCP_SAW_SYN_SENT)
		return "ACC";
	if (st & ARGUS_TCP_SAW_SYN)
		return "REQ";
	return st ? "CON" : NULL;
}

static int get_state(const struct argus_record *r, struct argus_value *v)
{
	const struct argus_flow_key *k = &r->key;
	const char *s = NULL;
	int both, src;

	if (is_mar(r)) {
		switch (r->cause) {
		case ARGUS_CAUSE_START:
			return put_string(v, "STA");
		case ARGUS_CAUSE_STATUS:
			return put_string(v, "CON");
		case ARGUS_CAUSE_STOP:
			return put_string(v, "STP");
		case ARGUS_CAUSE_ERROR:
			return put_string(v, "ERR");
		default:
			return absent(v);
		}
	}
	if (!has(r, ARGUS_HAS_FLOW))
		return absent(v);
	if (r->cause == ARGUS_CAUSE_ERROR)
		return put_string(v, "ERR");
	both = has(r, ARGUS_HAS_METRIC) && r->spkts && r->dpkts;
	src = has(r, ARGUS_HAS_METRIC) && r->spkts && !r->dpkts;
	if (is_ip_proto(r, IPPROTO_NUM_TCP)) {
		if (has(r, ARGUS_HAS_TCP))
			s = tcp_state(r);
		if (!s)
			s = both ? "CON" : "INT";
	} else if (is_ip_proto(r, IPPROTO_NUM_ICMP) && k->family == ARGUS_KEY_IPV4) {
		/* an ICMP error mapped onto this flow names its state */
		if ((r->flags & ARGUS_FLAG_ICMP_MAPPED) && has(r, ARGUS_HAS_ICMP))
			s = icmp_state(r->icmp.type, r->icmp.code);
		else
			s = icmp_state(ARGUS_ICMP_TYPE(k), ARGUS_ICMP_CODE(k));
	} else if (is_ip_proto(r, IPPROTO_NUM_ICMPV6) && k->family == ARGUS_KEY_IPV6) {
		s = icmp6_state(ARGUS_ICMP_TYPE(k), ARGUS_ICMP_CODE(k));
	} else if (k->family == ARGUS_KEY_ARP) {
		s = both ? "CON" : src ? "INT" : "RSP";
	} else if (k->family == ARGUS_KEY_ISIS && argus_isis_pdu_name(k->proto)) {
		s = argus_isis_pdu_name(k->proto);
	} else if (both) {
		s = "CON";
	} else if (src) {
		/* ra: a one-way flow's first report is INT, later ones REQ */
		s = (r->cause & 1) ? "INT" : "REQ";
	} else {
		s = "RSP";
	}
	return s && *s ? put_string(v, s) : absent(v);
}

static int popcount32(uint32_t x)
{
	int n = 0;

	for (; x; x &= x - 1)
		n++;
	return n;
}

static char encaps_letter(uint32_t e)
{
	static const char letters[24] = "mevlpiGaP6HCASFsRwza  T ";
	int i;

	if (!e)
		return ' ';
	if (popcount32(e) > 1)
		return '*';
	for (i = 0; i < 24; i++)
		if (e == (1u << i))
			return letters[i];
	return ' ';
}

/* The encapsulation column: from the ENCAPS section's bits alone; as ra,
 * when they are missing or zero, from the sections the record has (VLAN
 * before MAC before MPLS). */
static char encaps_map(const struct argus_record *r)
{
	uint32_t e = has(r, ARGUS_HAS_ENCAPS) ? r->sencaps | r->dencaps : 0;

	if (e)
		return encaps_letter(e);
	if (has(r, ARGUS_HAS_VLAN))
		return 'v';
	if (has(r, ARGUS_HAS_MAC))
		return 'e';
	return has(r, ARGUS_HAS_MPLS) ? 'm' : ' ';
}

static char pick(int s, int d, char cs, char cd, char both)
{
	return s && d ? both : s ? cs : d ? cd : ' ';
}

/* ra's 10-column flag map:
 *   [1] encapsulation (e Ethernet, v 802.1Q, l LLC, m MPLS, p PPP, S SLL,
 *       ... '*' several; see encaps_map) or M (several MAC addresses)
 *   [2] ICMP error mapped onto the flow: U unreachable, R redirect,
 *       T time exceeded, I other
 *   [3] TCP retransmissions s/d/'*', else out of order i/r/'&'
 *   [4] TCP window shut S/D/'@'     [5] ECN congestion x/t/E
 *   [6] F fragments, f fragments only
 *   [7] IP options (R T + L D S A U for one kind, O for several)
 * [0], [8] and [9] stay blank. */
static void flags_map(const struct argus_record *r, char m[11])
{
	uint32_t f = r->flags, st = tcp_with_state(r) ? r->tcp.status : 0;
	int srx, drx, sooo, dooo;

	memcpy(m, "          ", 11);
	if (is_mar(r))
		return;
	if (f & ARGUS_FLAG_MULTI_MAC)
		m[1] = 'M';
	else
		m[1] = encaps_map(r);
	if (f & ARGUS_FLAG_ICMP_MAPPED) {
		uint8_t t = has(r, ARGUS_HAS_ICMP) ? r->icmp.type : 3;

		m[2] = t == 3 ? 'U' : t == 5 ? 'R' : t == 11 ? 'T' : 'I';
	}
	srx = (st & ARGUS_TCP_SRC_PKTS_RETRANS) || (f & ARGUS_FLAG_SRC_RETRANS);
	drx = (st & ARGUS_TCP_DST_PKTS_RETRANS) || (f & ARGUS_FLAG_DST_RETRANS);
	sooo = (st & ARGUS_TCP_SRC_OUTOFORDER) != 0;
	dooo = (st & ARGUS_TCP_DST_OUTOFORDER) != 0;
	if (srx || drx)
		m[3] = pick(srx, drx, 's', 'd', '*');
	else if (sooo || dooo)
		m[3] = pick(sooo, dooo, 'i', 'r', '&');
	else if (f & ARGUS_FLAG_OUTOFORDER)
		m[3] = '&';
	m[4] = pick((st & ARGUS_TCP_SRC_WINDOW_SHUT) || (f & ARGUS_FLAG_SRC_WINSHUT),
		    (st & ARGUS_TCP_DST_WINDOW_SHUT) || (f & ARGUS_FLAG_DST_WINSHUT), 'S', 'D', '@');
	m[5] = pick((st & ARGUS_TCP_SRC_CONG) != 0, (st & ARGUS_TCP_DST_CONG) != 0, 'x', 't', 'E');
	if (m[5] == ' ' && (f & ARGUS_FLAG_ECN))
		m[5] = 'E';
	if (f & ARGUS_FLAG_FRAG_ONLY)
		m[6] = 'f';
	else if ((f & ARGUS_FLAG_FRAG) ||
		 (has(r, ARGUS_HAS_IPATTR) && (r->sattr.frag || r->dattr.frag)))
		m[6] = 'F';
	if (has(r, ARGUS_HAS_IPATTR)) {
		uint32_t o = r->sattr.options | r->dattr.options;
		static const char opt[8] = {'R', 'T', '+', 'L', 'D', 'S', 'A', 'U'};
		int i;

		if (popcount32(o) > 1)
			m[7] = 'O';
		else
			for (i = 0; i < 8; i++)
				if (o == (1u << i))
					m[7] = opt[i];
	}
}

static int get_flgs(const struct argus_record *r, struct argus_value *v)
{
	char m[11];

	flags_map(r, m);
	return put_string(v, m);
}

/* ---- getters: counters and rates ------------------------------------------- */

static int metric(const struct argus_record *r)
{
	return !is_mar(r) && has(r, ARGUS_HAS_METRIC);
}

/* ra shows the MAR's capture counters in the counter columns. */
static int get_spkts(const struct argus_record *r, struct argus_value *v)
{
	if (is_mar(r))
		return put_uint(v, r->mar.pkts_rcvd);
	return metric(r) ? put_uint(v, r->spkts) : absent(v);
}

static int get_dpkts(const struct argus_record *r, struct argus_value *v)
{
	if (is_mar(r))
		return put_uint(v, r->mar.records);
	return metric(r) ? put_uint(v, r->dpkts) : absent(v);
}

static int get_pkts(const struct argus_record *r, struct argus_value *v)
{
	if (is_mar(r))
		return put_uint(v, r->mar.pkts_rcvd);
	return metric(r) ? put_uint(v, r->spkts + r->dpkts) : absent(v);
}

static int get_sbytes(const struct argus_record *r, struct argus_value *v)
{
	if (is_mar(r))
		return put_uint(v, r->mar.bytes_rcvd);
	return metric(r) ? put_uint(v, r->sbytes) : absent(v);
}

static int get_dbytes(const struct argus_record *r, struct argus_value *v)
{
	if (is_mar(r))
		return put_uint(v, r->mar.dropped);
	return metric(r) ? put_uint(v, r->dbytes) : absent(v);
}

static int get_bytes(const struct argus_record *r, struct argus_value *v)
{
	if (is_mar(r))
		return put_uint(v, r->mar.bytes);
	return metric(r) ? put_uint(v, r->sbytes + r->dbytes) : absent(v);
}

/* Application bytes only when the record measured them (ra prints 0). */
static int appbytes(const struct argus_record *r)
{
	return metric(r) && has(r, ARGUS_HAS_APPBYTES);
}

static int get_appbytes(const struct argus_record *r, struct argus_value *v)
{
	if (is_mar(r))
		return put_uint(v, r->mar.bytes);
	return appbytes(r) ? put_uint(v, r->sappbytes + r->dappbytes) : absent(v);
}

static int get_sappbytes(const struct argus_record *r, struct argus_value *v)
{
	if (is_mar(r))
		return put_uint(v, r->mar.bufs);
	return appbytes(r) ? put_uint(v, r->sappbytes) : absent(v);
}

static int get_dappbytes(const struct argus_record *r, struct argus_value *v)
{
	if (is_mar(r))
		return put_uint(v, r->mar.queue);
	return appbytes(r) ? put_uint(v, r->dappbytes) : absent(v);
}

/* A rate over the record's duration.  v->d is exact; v->s is what ra
 * prints, computed the way ra does: single precision, over a single
 * precision duration. */
static int put_rate(const struct argus_record *r, struct argus_value *v, double amount)
{
	int64_t us = dur_us(r);
	float fdur = (float)((double)us / 1e6);

	put_double(v, us > 0 ? amount / ((double)us / 1e6) : 0.0);
	snprintf(v->s, sizeof v->s, "%.6f",
		 fdur > 0.0f ? (double)(float)(amount / (double)fdur) : 0.0);
	return 1;
}

/* Load counts the bits of all but one packet per direction (Argus counts
 * from the first packet's arrival). */
static double load_bits(uint64_t pkts, uint64_t bytes)
{
	return pkts > 1 ? (double)((bytes - bytes / pkts) * 8) : 0.0;
}

static int get_load(const struct argus_record *r, struct argus_value *v)
{
	return metric(r) ? put_rate(r, v, load_bits(r->spkts, r->sbytes) +
						  load_bits(r->dpkts, r->dbytes))
			 : absent(v);
}

static int get_sload(const struct argus_record *r, struct argus_value *v)
{
	return metric(r) ? put_rate(r, v, load_bits(r->spkts, r->sbytes)) : absent(v);
}

static int get_dload(const struct argus_record *r, struct argus_value *v)
{
	return metric(r) ? put_rate(r, v, load_bits(r->dpkts, r->dbytes)) : absent(v);
}

static double intervals(uint64_t pkts) { return pkts ? (double)(pkts - 1) : 0.0; }

static int get_rate(const struct argus_record *r, struct argus_value *v)
{
	return metric(r) ? put_rate(r, v, intervals(r->spkts + r->dpkts)) : absent(v);
}

static int get_srate(const struct argus_record *r, struct argus_value *v)
{
	return metric(r) ? put_rate(r, v, intervals(r->spkts)) : absent(v);
}

static int get_drate(const struct argus_record *r, struct argus_value *v)
{
	return metric(r) ? put_rate(r, v, intervals(r->dpkts)) : absent(v);
}

/* 0 for a direction without packets, as ra prints it. */
static double mean_size(uint64_t pkts, uint64_t bytes)
{
	return pkts ? (double)bytes / (double)pkts : 0.0;
}

static int get_smeansz(const struct argus_record *r, struct argus_value *v)
{
	return metric(r) ? put_double(v, mean_size(r->spkts, r->sbytes)) : absent(v);
}

static int get_dmeansz(const struct argus_record *r, struct argus_value *v)
{
	return metric(r) ? put_double(v, mean_size(r->dpkts, r->dbytes)) : absent(v);
}

/* ---- getters: MAC, VLAN, IP attributes -------------------------------------- */

static int put_mac(struct argus_value *v, const uint8_t *mac)
{
	v->type = ARGUS_VALUE_MAC;
	memcpy(v->v.mac, mac, 6);
	v->s[0] = '\0';
	return 1;
}

static int get_smac(const struct argus_record *r, struct argus_value *v)
{
	return !is_mar(r) && has(r, ARGUS_HAS_MAC) ? put_mac(v, r->smac) : absent(v);
}

static int get_dmac(const struct argus_record *r, struct argus_value *v)
{
	return !is_mar(r) && has(r, ARGUS_HAS_MAC) ? put_mac(v, r->dmac) : absent(v);
}

static int is_wlan(const struct argus_record *r)
{
	return !is_mar(r) && has(r, ARGUS_HAS_FLOW) && r->key.family == ARGUS_KEY_WLAN;
}

/* 802.11: the SSID keyed (printable bytes as they are, others as \xHH)
 * and the BSSID. */
static int get_ssid(const struct argus_record *r, struct argus_value *v)
{
	char buf[4 * ARGUS_WLAN_SSID_MAX + 1];
	size_t o = 0;

	if (!is_wlan(r) || !r->wlan_ssid_len)
		return absent(v);
	for (size_t i = 0; i < r->wlan_ssid_len && i < ARGUS_WLAN_SSID_MAX; i++) {
		unsigned char c = (unsigned char)r->wlan_ssid[i];
		if (c >= 0x20 && c < 0x7f && c != '\\')
			buf[o++] = (char)c;
		else
			o += (size_t)snprintf(buf + o, sizeof buf - o, "\\x%02x", c);
	}
	buf[o] = '\0';
	return put_string(v, buf);
}

/* as ra 3.0.8 prints it: always in hex (no "Broadcast") */
static int get_bssid(const struct argus_record *r, struct argus_value *v)
{
	const uint8_t *b = r->key.saddr + 6;
	char buf[18];

	if (!is_wlan(r))
		return absent(v);
	snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3], b[4], b[5]);
	return put_string(v, buf);
}

static int vlan(const struct argus_record *r, int dst)
{
	return !is_mar(r) && has(r, ARGUS_HAS_VLAN) && (r->vlan_valid & (dst ? 0x02 : 0x01));
}

static int get_svid(const struct argus_record *r, struct argus_value *v)
{
	return vlan(r, 0) ? put_uint(v, r->svlan & 0x0fffu) : absent(v);
}

static int get_dvid(const struct argus_record *r, struct argus_value *v)
{
	return vlan(r, 1) ? put_uint(v, r->dvlan & 0x0fffu) : absent(v);
}

static int get_svpri(const struct argus_record *r, struct argus_value *v)
{
	return vlan(r, 0) ? put_uint(v, (unsigned)r->svlan >> 13) : absent(v);
}

static int get_dvpri(const struct argus_record *r, struct argus_value *v)
{
	return vlan(r, 1) ? put_uint(v, (unsigned)r->dvlan >> 13) : absent(v);
}

static int put_hex16(struct argus_value *v, unsigned x)
{
	put_uint(v, x);
	hex16_text(v->s, "0x", x);
	return 1;
}

/* The tags themselves: as ra, also when only the other side was tagged. */
static int get_svlan(const struct argus_record *r, struct argus_value *v)
{
	return vlan(r, 0) || (vlan(r, 1) && r->svlan) ? put_hex16(v, r->svlan) : absent(v);
}

static int get_dvlan(const struct argus_record *r, struct argus_value *v)
{
	return vlan(r, 1) || (vlan(r, 0) && r->dvlan) ? put_hex16(v, r->dvlan) : absent(v);
}

static const struct argus_ipattr *ipattr(const struct argus_record *r, int dst)
{
	const struct argus_ipattr *a = dst ? &r->dattr : &r->sattr;

	return !is_mar(r) && has(r, ARGUS_HAS_IPATTR) && a->valid ? a : NULL;
}

static int get_sttl(const struct argus_record *r, struct argus_value *v)
{
	const struct argus_ipattr *a = ipattr(r, 0);
	return a ? put_uint(v, a->ttl) : absent(v);
}

static int get_dttl(const struct argus_record *r, struct argus_value *v)
{
	const struct argus_ipattr *a = ipattr(r, 1);
	return a ? put_uint(v, a->ttl) : absent(v);
}

static int get_stos(const struct argus_record *r, struct argus_value *v)
{
	const struct argus_ipattr *a = ipattr(r, 0);
	return a ? put_uint(v, a->tos) : absent(v);
}

static int get_dtos(const struct argus_record *r, struct argus_value *v)
{
	const struct argus_ipattr *a = ipattr(r, 1);
	return a ? put_uint(v, a->tos) : absent(v);
}

static int get_sipid(const struct argus_record *r, struct argus_value *v)
{
	const struct argus_ipattr *a = ipattr(r, 0);
	return a ? put_hex16(v, a->ipid) : absent(v);
}

static int get_dipid(const struct argus_record *r, struct argus_value *v)
{
	const struct argus_ipattr *a = ipattr(r, 1);
	return a ? put_hex16(v, a->ipid) : absent(v);
}

/* Hops from the TTL: distance below the next power of two (ra's guess of
 * the initial TTL). */
static unsigned hops(uint8_t ttl)
{
	unsigned p = 1;

	while (p < ttl)
		p <<= 1;
	return p - ttl;
}

static int get_shops(const struct argus_record *r, struct argus_value *v)
{
	const struct argus_ipattr *a = ipattr(r, 0);
	return a ? put_uint(v, hops(a->ttl)) : absent(v);
}

static int get_dhops(const struct argus_record *r, struct argus_value *v)
{
	const struct argus_ipattr *a = ipattr(r, 1);
	return a ? put_uint(v, hops(a->ttl)) : absent(v);
}

/* DiffServ code point name (ra: "%2d" for the unnamed ones). */
static int put_dsb(struct argus_value *v, uint8_t tos)
{
	static const struct {
		uint8_t dscp;
		const char *name;
	} names[] = {
		{0, "cs0"},   {8, "cs1"},   {10, "af11"}, {12, "af12"}, {14, "af13"}, {16, "cs2"},
		{18, "af21"}, {20, "af22"}, {22, "af23"}, {24, "cs3"},	{26, "af31"}, {28, "af32"},
		{30, "af33"}, {32, "cs4"},  {34, "af41"}, {36, "af42"}, {38, "af43"}, {40, "cs5"},
		{46, "ef"},   {48, "cs6"},  {56, "cs7"},
	};
	unsigned dscp = (unsigned)tos >> 2;
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].dscp == dscp)
			return put_string(v, names[i].name);
	put_string(v, "");
	snprintf(v->s, sizeof v->s, "%2u", dscp);
	return 1;
}

static int get_sdsb(const struct argus_record *r, struct argus_value *v)
{
	const struct argus_ipattr *a = ipattr(r, 0);
	return a ? put_dsb(v, a->tos) : absent(v);
}

static int get_ddsb(const struct argus_record *r, struct argus_value *v)
{
	const struct argus_ipattr *a = ipattr(r, 1);
	return a ? put_dsb(v, a->tos) : absent(v);
}

/* ---- getters: TCP ------------------------------------------------------------- */

static const struct argus_tcp *tcp(const struct argus_record *r, int dst)
{
	if (is_mar(r) || !tcp_with_state(r))
		return NULL;
	return dst && !r->tcp.have_dst ? NULL : &r->tcp;
}

static uint64_t window(const struct argus_tcp_dir *d)
{
	unsigned shift = d->winshift > 14 ? 14 : d->winshift; /* RFC 7323 maximum */
	return (uint64_t)d->win << shift;
}

static int get_swin(const struct argus_record *r, struct argus_value *v)
{
	const struct argus_tcp *t = tcp(r, 0);
	return t ? put_uint(v, window(&t->src)) : absent(v);
}

static int get_dwin(const struct argus_record *r, struct argus_value *v)
{
	const struct argus_tcp *t = tcp(r, 1);
	return t ? put_uint(v, window(&t->dst)) : absent(v);
}

static int get_stcpb(const struct argus_record *r, struct argus_value *v)
{
	const struct argus_tcp *t = tcp(r, 0);
	return t && t->src.seqbase ? put_uint(v, t->src.seqbase) : absent(v);
}

static int get_dtcpb(const struct argus_record *r, struct argus_value *v)
{
	const struct argus_tcp *t = tcp(r, 1);
	return t && t->dst.seqbase ? put_uint(v, t->dst.seqbase) : absent(v);
}

static int get_tcprtt(const struct argus_record *r, struct argus_value *v)
{
	const struct argus_tcp *t = tcp(r, 0);
	return t ? put_duration(v, (int64_t)t->synack_us + t->ackdat_us) : absent(v);
}

static int get_synack(const struct argus_record *r, struct argus_value *v)
{
	const struct argus_tcp *t = tcp(r, 0);
	return t ? put_duration(v, t->synack_us) : absent(v);
}

static int get_ackdat(const struct argus_record *r, struct argus_value *v)
{
	const struct argus_tcp *t = tcp(r, 0);
	return t ? put_duration(v, t->ackdat_us) : absent(v);
}

/* ra's 12-column option map (M w s S e E T c N O, then the src and dst ECN
 * bits as S and D), with trailing blanks cut as ra prints it. */
static int get_tcpopt(const struct argus_record *r, struct argus_value *v)
{
	static const char letters[12] = {'M', 'w', 's', 'S', 'e', 'E', 'T', 'c', 'N', 'O', 'S', 'D'};
	const struct argus_tcp *t = tcp(r, 0);
	char m[13];
	int i, end = 0;

	if (!t || !(t->options & 0xfff00000u))
		return absent(v);
	for (i = 0; i < 12; i++) {
		m[i] = ' ';
		if (t->options & (ARGUS_TCP_OPT_MSS << i)) {
			m[i] = letters[i];
			end = i + 1;
		}
	}
	m[end] = '\0';
	return put_string(v, m);
}

static int get_sretrans(const struct argus_record *r, struct argus_value *v)
{
	const struct argus_tcp *t = tcp(r, 0);
	return t ? put_uint(v, t->src.retrans) : absent(v);
}

static int get_dretrans(const struct argus_record *r, struct argus_value *v)
{
	const struct argus_tcp *t = tcp(r, 1);
	return t ? put_uint(v, t->dst.retrans) : absent(v);
}

static int get_retrans(const struct argus_record *r, struct argus_value *v)
{
	const struct argus_tcp *t = tcp(r, 0);

	if (!t)
		return absent(v);
	return put_uint(v, (uint64_t)t->src.retrans + (t->have_dst ? t->dst.retrans : 0));
}

/* ---- getters: inter-packet times, jitter (Argus -J) --------------------------------
 *
 * Argus keeps, per direction, statistics of the times between packets in two
 * groups, "active" and "idle" (struct argus_jitter, microseconds).  ra prints
 * milliseconds.  v->d is the exact value; v->s what ra 3.0.8.2 prints, which
 * it computes in single precision, and for the jitter of a direction with
 * both groups with a formula that mixes units: sqrt(S / n - m * m) where S
 * is the groups' sum of squares (n * (stddev^2 + mean^2), microseconds
 * squared) divided by 1000 and m is the pooled mean in milliseconds.  We
 * print what ra prints; the machine formats get the pooled standard
 * deviation in milliseconds. */

static const struct argus_jitter *jitter(const struct argus_record *r, int dst)
{
	return !is_mar(r) && has(r, ARGUS_HAS_JITTER) ? (dst ? &r->djit : &r->sjit) : NULL;
}

static int put_ms(struct argus_value *v, double exact_ms, double ra_ms)
{
	put_double(v, exact_ms);
	snprintf(v->s, sizeof v->s, "%.6f", ra_ms);
	return 1;
}

static uint32_t group_n(const struct argus_jitter *j, int idle)
{
	uint8_t bit = idle ? 0x02 : 0x01;

	if (!(j->valid & bit))
		return 0;
	return idle ? j->idle.n : j->active.n;
}

/* Mean time between packets over both groups; nothing (as ra) when the
 * direction has no statistics. */
static int put_intpkt(const struct argus_jitter *j, struct argus_value *v)
{
	uint32_t na, ni, n;
	float sum;
	double exact;

	if (!j)
		return absent(v);
	na = group_n(j, 0);
	ni = group_n(j, 1);
	n = na + ni;
	if (n == 0)
		return absent(v);
	sum = (na ? j->active.mean * (float)na : 0.0f) + (ni ? j->idle.mean * (float)ni : 0.0f);
	exact = ((na ? (double)j->active.mean * na : 0.0) + (ni ? (double)j->idle.mean * ni : 0.0)) /
		n / 1000.0;
	return put_ms(v, exact, (double)(sum / (float)n) / 1000.0);
}

static int get_sintpkt(const struct argus_record *r, struct argus_value *v)
{
	return put_intpkt(jitter(r, 0), v);
}

static int get_dintpkt(const struct argus_record *r, struct argus_value *v)
{
	return put_intpkt(jitter(r, 1), v);
}

/* One group's mean: ra prints 0 for a group the record does not carry. */
static int put_group_mean(const struct argus_jitter *j, int idle, struct argus_value *v)
{
	double m;

	if (!j)
		return absent(v);
	m = group_n(j, idle) ? (double)(idle ? j->idle.mean : j->active.mean) : 0.0;
	return put_ms(v, m / 1000.0, m / 1000.0);
}

static int get_sintpktact(const struct argus_record *r, struct argus_value *v)
{
	return put_group_mean(jitter(r, 0), 0, v);
}

static int get_dintpktact(const struct argus_record *r, struct argus_value *v)
{
	return put_group_mean(jitter(r, 1), 0, v);
}

static int get_sintpktidl(const struct argus_record *r, struct argus_value *v)
{
	return put_group_mean(jitter(r, 0), 1, v);
}

static int get_dintpktidl(const struct argus_record *r, struct argus_value *v)
{
	return put_group_mean(jitter(r, 1), 1, v);
}

static int put_jitter(const struct argus_jitter *j, struct argus_value *v)
{
	uint32_t na, ni, n;
	double exact, shown;

	if (!j)
		return absent(v);
	na = group_n(j, 0);
	ni = group_n(j, 1);
	n = na + ni;
	if (n == 0)
		return absent(v);
	if (na && ni) {
		/* pooled, exact */
		double sa = j->active.stddev, si = j->idle.stddev;
		double ma = j->active.mean, mi = j->idle.mean;
		double mean = (ma * na + mi * ni) / n;
		double sq = (na * (sa * sa + ma * ma) + ni * (si * si + mi * mi)) / n - mean * mean;
		/* as ra: float sums, a sum of squares in microseconds squared over
		 * 1000 against a mean in milliseconds */
		float fa = j->active.mean * (float)na, fi = j->idle.mean * (float)ni;
		float fmean = (float)((double)((fa + fi) / (float)n) / 1000.0);
		double s = (na * sa * sa + (double)fa * fa / na) + (ni * si * si + (double)fi * fi / ni);

		exact = sqrt(sq > 0.0 ? sq : 0.0) / 1000.0;
		s /= 1000.0;
		shown = sqrt(s / n - (double)fmean * fmean);
	} else {
		exact = shown = (double)(na ? j->active.stddev : j->idle.stddev) / 1000.0;
	}
	return put_ms(v, exact, shown);
}

static int get_sjit(const struct argus_record *r, struct argus_value *v)
{
	return put_jitter(jitter(r, 0), v);
}

static int get_djit(const struct argus_record *r, struct argus_value *v)
{
	return put_jitter(jitter(r, 1), v);
}

/* One group's jitter: empty when the group has no samples. */
static int put_group_jitter(const struct argus_jitter *j, int idle, struct argus_value *v)
{
	double s;

	if (!j || !group_n(j, idle))
		return absent(v);
	s = (double)(idle ? j->idle.stddev : j->active.stddev) / 1000.0;
	return put_ms(v, s, s);
}

static int get_sjitact(const struct argus_record *r, struct argus_value *v)
{
	return put_group_jitter(jitter(r, 0), 0, v);
}

static int get_djitact(const struct argus_record *r, struct argus_value *v)
{
	return put_group_jitter(jitter(r, 1), 0, v);
}

static int get_sjitidl(const struct argus_record *r, struct argus_value *v)
{
	return put_group_jitter(jitter(r, 0), 1, v);
}

static int get_djitidl(const struct argus_record *r, struct argus_value *v)
{
	return put_group_jitter(jitter(r, 1), 1, v);
}

/* ---- getters: packet sizes (Argus -Z), MPLS, user data (Argus -U) --------------------- */

/* Argus writes the sizes of the directions that have packets; ra prints a
 * single blank for a size of 0 in a direction it has. */
static int put_psize(const struct argus_record *r, struct argus_value *v, uint16_t size, int dst)
{
	uint64_t pkts = dst ? r->dpkts : r->spkts;

	if (is_mar(r) || !has(r, ARGUS_HAS_PSIZE) || (!size && !(has(r, ARGUS_HAS_METRIC) && pkts)))
		return absent(v);
	put_uint(v, size);
	if (size == 0)
		snprintf(v->s, sizeof v->s, " ");
	return 1;
}

static int get_smaxsz(const struct argus_record *r, struct argus_value *v)
{
	return put_psize(r, v, r->spsize_max, 0);
}

static int get_dmaxsz(const struct argus_record *r, struct argus_value *v)
{
	return put_psize(r, v, r->dpsize_max, 1);
}

static int get_sminsz(const struct argus_record *r, struct argus_value *v)
{
	return put_psize(r, v, r->spsize_min, 0);
}

static int get_dminsz(const struct argus_record *r, struct argus_value *v)
{
	return put_psize(r, v, r->dpsize_min, 1);
}

/* The label (top 20 bits) of the first label stack entry of a direction. */
static int get_smpls(const struct argus_record *r, struct argus_value *v)
{
	return !is_mar(r) && has(r, ARGUS_HAS_MPLS) && r->n_smpls ? put_uint(v, r->smpls[0] >> 12)
								   : absent(v);
}

static int get_dmpls(const struct argus_record *r, struct argus_value *v)
{
	return !is_mar(r) && has(r, ARGUS_HAS_MPLS) && r->n_dmpls ? put_uint(v, r->dmpls[0] >> 12)
								   : absent(v);
}

/* ra's default user data column: "s[N]=" and the first N (at most 16)
 * bytes, printable ASCII kept and every other byte shown as '.', trailing
 * blanks dropped (ra 3.0.8.2 does not mask passwords). */
#define USERDATA_SHOWN 16

static int put_user(struct argus_value *v, char tag, const uint8_t *data, size_t len)
{
	char *p;
	size_t i, n = len < USERDATA_SHOWN ? len : USERDATA_SHOWN;
	int pre;

	if (n == 0)
		return absent(v);
	put_string(v, "");
	pre = snprintf(v->s, sizeof v->s, "%c[%zu]=", tag, n);
	p = v->s + pre;
	for (i = 0; i < n; i++)
		p[i] = data[i] >= 0x20 && data[i] < 0x7f ? (char)data[i] : '.';
	p[n] = '\0';
	while (n && p[n - 1] == ' ') /* ra drops trailing blanks */
		p[--n] = '\0';
	return 1;
}

static int get_suser(const struct argus_record *r, struct argus_value *v)
{
	size_t len = r->suser_len < ARGUS_USERDATA_MAX ? r->suser_len : ARGUS_USERDATA_MAX;

	return !is_mar(r) && has(r, ARGUS_HAS_USERDATA) ? put_user(v, 's', r->suser, len)
							: absent(v);
}

static int get_duser(const struct argus_record *r, struct argus_value *v)
{
	size_t len = r->duser_len < ARGUS_USERDATA_MAX ? r->duser_len : ARGUS_USERDATA_MAX;

	return !is_mar(r) && has(r, ARGUS_HAS_USERDATA) ? put_user(v, 'd', r->duser, len)
							: absent(v);
}

/* ---- the table ------------------------------------------------------------------- */

#define PORT ARGUS_FIELD_F_NUMERIC_PORT
#define PAD ARGUS_FIELD_F_PAD
#define T_U ARGUS_VALUE_UINT
#define T_D ARGUS_VALUE_DOUBLE
#define T_TIME ARGUS_VALUE_TIME
#define T_DUR ARGUS_VALUE_DURATION
#define T_A ARGUS_VALUE_ADDR
#define T_MAC ARGUS_VALUE_MAC
#define T_S ARGUS_VALUE_STRING

/* Widths are ra's default column widths. */
static const struct argus_field builtin[] = {
	{"srcid", "SrcId", T_S, 18, 0, get_srcid, "source (monitor) id"},
	{"seq", "Seq", T_U, 12, 0, get_seq, "record sequence number of the monitor"},
	{"stime", "StartTime", T_TIME, 18, 0, get_stime, "time of the first packet"},
	{"ltime", "LastTime", T_TIME, 18, 0, get_ltime, "time of the last packet"},
	{"dur", "Dur", T_DUR, 10, 0, get_dur, "duration, seconds"},
	{"runtime", "RunTime", T_DUR, 10, 0, get_runtime, "time the flow was active, seconds"},
	{"mean", "Mean", T_DUR, 10, 0, get_mean, "mean duration of the aggregated records"},
	{"stddev", "StdDev", T_DUR, 10, 0, get_stddev, "standard deviation of the durations"},
	{"sum", "Sum", T_DUR, 10, 0, get_runtime, "sum of the durations"},
	{"min", "Min", T_DUR, 10, 0, get_mean, "smallest duration"},
	{"max", "Max", T_DUR, 10, 0, get_mean, "largest duration"},
	{"trans", "Trans", T_U, 6, 0, get_trans, "records aggregated into this one"},
	{"cause", "Cause", T_S, 7, 0, get_cause, "why the record was written"},
	{"flgs", "Flgs", T_S, 9, PAD, get_flgs, "ra's flag map"},
	{"proto", "Proto", T_S, 6, 0, get_proto, "protocol name"},
	{"saddr", "SrcAddr", T_A, 18, 0, get_saddr, "source address"},
	{"sport", "Sport", T_U, 6, PORT, get_sport, "source port (ICMP: type and code)"},
	{"dir", "Dir", T_S, 5, PAD, get_dir, "direction of the traffic"},
	{"daddr", "DstAddr", T_A, 18, 0, get_daddr, "destination address"},
	{"dport", "Dport", T_U, 6, PORT, get_dport, "destination port (ICMP: identifier)"},
	{"smac", "SrcMac", T_MAC, 18, 0, get_smac, "source MAC address"},
	{"dmac", "DstMac", T_MAC, 18, 0, get_dmac, "destination MAC address"},
	{"ssid", "Ssid", T_S, 9, 0, get_ssid, "802.11 SSID (wlan flows)"},
	{"bssid", "Bssid", T_S, 18, 0, get_bssid, "802.11 BSSID (wlan flows)"},
	{"stos", "sTos", T_U, 5, 0, get_stos, "source IP TOS byte"},
	{"dtos", "dTos", T_U, 5, 0, get_dtos, "destination IP TOS byte"},
	{"sdsb", "sDSb", T_S, 5, 0, get_sdsb, "source DiffServ code point"},
	{"ddsb", "dDSb", T_S, 5, 0, get_ddsb, "destination DiffServ code point"},
	{"sttl", "sTtl", T_U, 4, 0, get_sttl, "source IP TTL"},
	{"dttl", "dTtl", T_U, 4, 0, get_dttl, "destination IP TTL"},
	{"shops", "sHops", T_U, 5, 0, get_shops, "hops from the source (guessed from the TTL)"},
	{"dhops", "dHops", T_U, 5, 0, get_dhops, "hops from the destination"},
	{"sipid", "sIpId", T_U, 7, 0, get_sipid, "source IP id"},
	{"dipid", "dIpId", T_U, 7, 0, get_dipid, "destination IP id"},
	{"svlan", "sVlan", T_U, 8, 0, get_svlan, "source 802.1Q tag"},
	{"dvlan", "dVlan", T_U, 8, 0, get_dvlan, "destination 802.1Q tag"},
	{"svid", "sVid", T_U, 6, 0, get_svid, "source VLAN id"},
	{"dvid", "dVid", T_U, 6, 0, get_dvid, "destination VLAN id"},
	{"svpri", "sVpri", T_U, 6, 0, get_svpri, "source VLAN priority"},
	{"dvpri", "dVpri", T_U, 6, 0, get_dvpri, "destination VLAN priority"},
	{"pkts", "TotPkts", T_U, 8, 0, get_pkts, "packets, both directions"},
	{"spkts", "SrcPkts", T_U, 8, 0, get_spkts, "packets from the source"},
	{"dpkts", "DstPkts", T_U, 8, 0, get_dpkts, "packets from the destination"},
	{"bytes", "TotBytes", T_U, 10, 0, get_bytes, "bytes, both directions"},
	{"sbytes", "SrcBytes", T_U, 12, 0, get_sbytes, "bytes from the source"},
	{"dbytes", "DstBytes", T_U, 12, 0, get_dbytes, "bytes from the destination"},
	{"appbytes", "TotAppByte", T_U, 10, 0, get_appbytes, "application bytes, both directions"},
	{"sappbytes", "SAppBytes", T_U, 12, 0, get_sappbytes, "application bytes from the source"},
	{"dappbytes", "DAppBytes", T_U, 12, 0, get_dappbytes,
	 "application bytes from the destination"},
	{"load", "Load", T_D, 8, 0, get_load, "bits per second, both directions"},
	{"sload", "SrcLoad", T_D, 8, 0, get_sload, "bits per second from the source"},
	{"dload", "DstLoad", T_D, 8, 0, get_dload, "bits per second from the destination"},
	{"rate", "Rate", T_D, 12, 0, get_rate, "packets per second, both directions"},
	{"srate", "SrcRate", T_D, 12, 0, get_srate, "packets per second from the source"},
	{"drate", "DstRate", T_D, 12, 0, get_drate, "packets per second from the destination"},
	{"smeansz", "sMeanPktSz", T_D, 12, 0, get_smeansz, "mean packet size from the source"},
	{"dmeansz", "dMeanPktSz", T_D, 12, 0, get_dmeansz, "mean packet size from the destination"},
	{"state", "State", T_S, 5, 0, get_state, "flow state"},
	{"swin", "SrcWin", T_U, 6, 0, get_swin, "source TCP window (scaled)"},
	{"dwin", "DstWin", T_U, 6, 0, get_dwin, "destination TCP window (scaled)"},
	{"stcpb", "SrcTCPBase", T_U, 12, 0, get_stcpb, "source initial TCP sequence number"},
	{"dtcpb", "DstTCPBase", T_U, 12, 0, get_dtcpb, "destination initial TCP sequence number"},
	{"tcprtt", "TcpRtt", T_DUR, 12, 0, get_tcprtt, "TCP connection set-up time, seconds"},
	{"synack", "SynAck", T_DUR, 12, 0, get_synack, "SYN to SYN/ACK, seconds"},
	{"ackdat", "AckDat", T_DUR, 12, 0, get_ackdat, "SYN/ACK to ACK, seconds"},
	{"tcpopt", "TcpOpt", T_S, 12, 0, get_tcpopt, "TCP options seen"},
	{"retrans", "Retrans", T_U, 7, 0, get_retrans, "TCP retransmissions, both directions"},
	{"sretrans", "SrcRetra", T_U, 8, 0, get_sretrans, "TCP retransmissions from the source"},
	{"dretrans", "DstRetra", T_U, 8, 0, get_dretrans,
	 "TCP retransmissions from the destination"},
	{"sintpkt", "SIntPkt", T_D, 12, 0, get_sintpkt,
	 "mean time between packets from the source, ms (-J)"},
	{"dintpkt", "DIntPkt", T_D, 12, 0, get_dintpkt,
	 "mean time between packets from the destination, ms (-J)"},
	{"sintpktact", "SIntPktAct", T_D, 12, 0, get_sintpktact,
	 "mean time between active packets from the source, ms"},
	{"dintpktact", "DIntPktAct", T_D, 12, 0, get_dintpktact,
	 "mean time between active packets from the destination, ms"},
	{"sintpktidl", "SIntPktIdl", T_D, 12, 0, get_sintpktidl,
	 "mean time between idle packets from the source, ms"},
	{"dintpktidl", "DIntPktIdl", T_D, 12, 0, get_dintpktidl,
	 "mean time between idle packets from the destination, ms"},
	{"sjit", "SrcJitter", T_D, 12, 0, get_sjit, "jitter of the source's packets, ms (-J)"},
	{"djit", "DstJitter", T_D, 12, 0, get_djit, "jitter of the destination's packets, ms (-J)"},
	{"sjitact", "SrcJitAct", T_D, 12, 0, get_sjitact, "jitter of the source's active packets, ms"},
	{"djitact", "DstJitAct", T_D, 12, 0, get_djitact,
	 "jitter of the destination's active packets, ms"},
	{"sjitidl", "SrcJitIdl", T_D, 12, 0, get_sjitidl, "jitter of the source's idle packets, ms"},
	{"djitidl", "DstJitIdl", T_D, 12, 0, get_djitidl,
	 "jitter of the destination's idle packets, ms"},
	{"smaxsz", "sMaxPktSz", T_U, 12, 0, get_smaxsz, "largest packet from the source (-Z)"},
	{"dmaxsz", "dMaxPktSz", T_U, 12, 0, get_dmaxsz, "largest packet from the destination (-Z)"},
	{"sminsz", "sMinPktSz", T_U, 12, 0, get_sminsz, "smallest packet from the source (-Z)"},
	{"dminsz", "dMinPktSz", T_U, 12, 0, get_dminsz, "smallest packet from the destination (-Z)"},
	{"smpls", "sMpls", T_U, 8, 0, get_smpls, "source MPLS label"},
	{"dmpls", "dMpls", T_U, 8, 0, get_dmpls, "destination MPLS label"},
	{"suser", "srcUdata", T_S, 25, 0, get_suser, "first payload bytes from the source (-U)"},
	{"duser", "dstUdata", T_S, 25, 0, get_duser, "first payload bytes from the destination (-U)"},
};

#define NBUILTIN (sizeof builtin / sizeof builtin[0])

/* Fields registered by plugins: pointers into the plugins' own storage. */
#define MAX_REGISTERED 256

static const struct argus_field *registered[MAX_REGISTERED];
static size_t nregistered;

const char *const argus_default_field_names[] = {
	"stime", "flgs", "proto", "saddr", "sport", "dir",
	"daddr", "dport", "pkts",  "bytes", "state",
};
const size_t argus_default_field_count =
	sizeof argus_default_field_names / sizeof argus_default_field_names[0];

size_t argus_field_count(void) { return NBUILTIN + nregistered; }

size_t argus_field_builtin_count(void) { return NBUILTIN; }

const struct argus_field *argus_field_at(size_t index)
{
	if (index < NBUILTIN)
		return &builtin[index];
	index -= NBUILTIN;
	return index < nregistered ? registered[index] : NULL;
}

const struct argus_field *argus_field_find(const char *name)
{
	size_t i;

	if (!name)
		return NULL;
	for (i = 0; i < NBUILTIN; i++)
		if (strcmp(builtin[i].name, name) == 0)
			return &builtin[i];
	for (i = 0; i < nregistered; i++)
		if (strcmp(registered[i]->name, name) == 0)
			return registered[i];
	return NULL;
}

#define NAME_MAX_LEN 32

static int valid_name(const char *s)
{
	size_t n;

	if (!s || !(*s >= 'a' && *s <= 'z'))
		return 0;
	for (n = 0; s[n]; n++)
		if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9') || s[n] == '_'))
			return 0;
	return n <= NAME_MAX_LEN;
}

int argus_field_register(const struct argus_field *f, char *err, size_t errlen)
{
	if (!f || !f->get) {
		snprintf(err, errlen, "field without a getter");
		return ARGUS_EINVAL;
	}
	if (!valid_name(f->name)) {
		snprintf(err, errlen, "bad field name '%.40s' (want [a-z][a-z0-9_]*, at most %d)",
			 f->name ? f->name : "(null)", NAME_MAX_LEN);
		return ARGUS_EINVAL;
	}
	if (f->type > ARGUS_VALUE_STRING) {
		snprintf(err, errlen, "field '%s': bad value type %d", f->name, (int)f->type);
		return ARGUS_EINVAL;
	}
	if (argus_field_find(f->name)) {
		snprintf(err, errlen, "field '%s' already exists", f->name);
		return ARGUS_EINVAL;
	}
	if (nregistered >= MAX_REGISTERED) {
		snprintf(err, errlen, "field '%s': table full (%d registered fields)", f->name,
			 MAX_REGISTERED);
		return ARGUS_EINVAL;
	}
	registered[nregistered++] = f;
	return 0;
}

void argus_fields_reset(void)
{
	memset(registered, 0, sizeof registered);
	nregistered = 0;
}

/* ---- -s lists ------------------------------------------------------------------- */

struct field_list {
	const struct argus_field **v;
	size_t n, cap;
};

static int list_add(struct field_list *l, const struct argus_field *f)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		const struct argus_field **nv = realloc(l->v, cap * sizeof *nv);

		if (!nv)
			return ARGUS_ENOMEM;
		l->v = nv;
		l->cap = cap;
	}
	l->v[l->n++] = f;
	return 0;
}

static void list_remove(struct field_list *l, const struct argus_field *f)
{
	size_t i, j = 0;

	for (i = 0; i < l->n; i++)
		if (l->v[i] != f)
			l->v[j++] = l->v[i];
	l->n = j;
}

static int list_has(const struct field_list *l, const struct argus_field *f)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i] == f)
			return 1;
	return 0;
}

/* One item: [+|-]name[:width].  Returns the field, or NULL with err set. */
static const struct argus_field *parse_item(const char *item, size_t len, char *op, char *err,
					    size_t errlen)
{
	char name[NAME_MAX_LEN + 2];
	const struct argus_field *f;
	size_t n, i;

	*op = 0;
	if (len && (item[0] == '+' || item[0] == '-')) {
		*op = item[0];
		item++;
		len--;
	}
	for (n = 0; n < len && item[n] != ':'; n++)
		;
	if (n < len) {
		/* a column width: digits only; ra's layout widths are fixed here */
		for (i = n + 1; i < len; i++)
			if (item[i] < '0' || item[i] > '9')
				break;
		if (i == n + 1 || i < len) {
			snprintf(err, errlen, "bad width in '%.*s'", (int)(len > 60 ? 60 : len), item);
			return NULL;
		}
	}
	if (n == 0) {
		snprintf(err, errlen, "empty field name");
		return NULL;
	}
	if (n > NAME_MAX_LEN) {
		snprintf(err, errlen, "unknown field '%.*s'", 60, item);
		return NULL;
	}
	memcpy(name, item, n);
	name[n] = '\0';
	f = argus_field_find(name);
	if (!f)
		snprintf(err, errlen, "unknown field '%s'", name);
	return f;
}

static int is_sep(char c) { return c == ',' || c == ' ' || c == '\t'; }

int argus_fields_parse(const char *const *words, size_t nwords,
		       const struct argus_field ***out, size_t *nout, char *err, size_t errlen)
{
	struct field_list l = {NULL, 0, 0};
	int first = 1, rc = 0;
	size_t w, i;

	*out = NULL;
	*nout = 0;
	for (w = 0; w < nwords && rc == 0; w++) {
		const char *s = words[w];

		if (!s)
			continue;
		while (*s && rc == 0) {
			const struct argus_field *f;
			size_t len;
			char op = 0;

			while (is_sep(*s))
				s++;
			for (len = 0; s[len] && !is_sep(s[len]); len++)
				;
			if (len == 0)
				break;
			if (first && (s[0] == '+' || s[0] == '-')) {
				/* the list edits ra's default list */
				for (i = 0; i < argus_default_field_count && rc == 0; i++)
					rc = list_add(&l, argus_field_find(argus_default_field_names[i]));
			}
			first = 0;
			f = rc == 0 ? parse_item(s, len, &op, err, errlen) : NULL;
			if (!f && rc == 0)
				rc = ARGUS_EINVAL;
			else if (f && op == '-')
				list_remove(&l, f);
			else if (f && !(op == '+' && list_has(&l, f)))
				rc = list_add(&l, f);
			s += len;
		}
	}
	if (rc == 0 && first) {
		for (i = 0; i < argus_default_field_count && rc == 0; i++)
			rc = list_add(&l, argus_field_find(argus_default_field_names[i]));
	}
	if (rc == 0 && l.n == 0) {
		snprintf(err, errlen, "no fields left to print");
		rc = ARGUS_EINVAL;
	}
	if (rc == ARGUS_ENOMEM)
		snprintf(err, errlen, "out of memory");
	if (rc != 0) {
		free(l.v);
		return rc;
	}
	*out = l.v;
	*nout = l.n;
	return 0;
}
