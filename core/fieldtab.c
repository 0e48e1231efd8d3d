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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <argus/plugin.h>

#include "fieldtab.h"

#define IPPROTO_NUM_ICMP 1
#define IPPROTO_NUM_TCP 6
#define IPPROTO_NUM_UDP 17
#define IPPROTO_NUM_ICMPV6 58

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
