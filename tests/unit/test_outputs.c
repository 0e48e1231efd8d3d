/* The csv, json and text output plugins, driven through their descriptors
 * with libargus's real host table.  Records are built equal to flows of the
 * golden captures; the text output with -c , must print what Argus 3.0.8's
 * ra printed for them (shared/golden/NAME.csv), byte for byte. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include <argus/plugin.h>

#include "core/fieldtab.h"
#include "core/host.h"
#include "plugins/outputs/common/services.h"

const struct argus_plugin *csv_LTX_argus_plugin_entry(void);
const struct argus_plugin *json_LTX_argus_plugin_entry(void);
const struct argus_plugin *text_LTX_argus_plugin_entry(void);

#define GOLDEN_FIELDS                                                                            \
	"srcid seq stime ltime dur flgs proto saddr sport dir daddr dport spkts dpkts sbytes "  \
	"dbytes state smac dmac sttl dttl stos dtos sipid dipid svid dvid"

#define GOLDEN_TITLE                                                                             \
	"SrcId,Seq,StartTime,LastTime,Dur,Flgs,Proto,SrcAddr,Sport,Dir,DstAddr,Dport,SrcPkts,"    \
	"DstPkts,SrcBytes,DstBytes,State,SrcMac,DstMac,sTtl,dTtl,sTos,dTos,sIpId,dIpId,sVid,dVid\n"

/* ---- building records ----------------------------------------------------------- */

static void mac(uint8_t *m, const char *s)
{
	unsigned b[6];
	int i;

	assert_int_equal(sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]), 6);
	for (i = 0; i < 6; i++)
		m[i] = (uint8_t)b[i];
}

static void addr(uint8_t *a, int family, const char *s)
{
	memset(a, 0, 16);
	assert_int_equal(inet_pton(family == ARGUS_KEY_IPV6 ? AF_INET6 : AF_INET, s, a), 1);
}

/* The common part: srcid 192.0.2.1, sequence, key, times, counters. */
static void base(struct argus_record *r, uint32_t seq, int family, uint8_t proto, const char *sa,
		 uint16_t sport, const char *da, uint16_t dport, int64_t st, int64_t lt,
		 uint64_t sp, uint64_t dp, uint64_t sb, uint64_t db)
{
	memset(r, 0, sizeof *r);
	r->kind = ARGUS_RECORD_FLOW;
	r->cause = ARGUS_CAUSE_START;
	r->trans = 1;
	r->present = ARGUS_HAS_TRANSPORT | ARGUS_HAS_FLOW | ARGUS_HAS_TIME | ARGUS_HAS_METRIC |
		     ARGUS_HAS_NET;
	r->srcid.type = ARGUS_SRCID_IPV4;
	r->srcid.len = 4;
	memcpy(r->srcid.value, "\xc0\x00\x02\x01", 4);
	r->seq = seq;
	r->key.family = (uint8_t)family;
	r->key.proto = proto;
	r->key.sport = sport;
	r->key.dport = dport;
	if (family == ARGUS_KEY_ETHER) {
		mac(r->key.saddr, sa);
		mac(r->key.daddr, da);
	} else {
		addr(r->key.saddr, family == ARGUS_KEY_IPV6 ? ARGUS_KEY_IPV6 : ARGUS_KEY_IPV4, sa);
		addr(r->key.daddr, family == ARGUS_KEY_IPV6 ? ARGUS_KEY_IPV6 : ARGUS_KEY_IPV4, da);
	}
	r->stime_us = st;
	r->ltime_us = lt;
	r->spkts = sp;
	r->dpkts = dp;
	r->sbytes = sb;
	r->dbytes = db;
}

static void macs(struct argus_record *r, const char *s, const char *d)
{
	r->present |= ARGUS_HAS_MAC;
	mac(r->smac, s);
	mac(r->dmac, d);
}

static void encaps(struct argus_record *r, uint32_t s, uint32_t d)
{
	r->present |= ARGUS_HAS_ENCAPS;
	r->sencaps = s;
	r->dencaps = d;
}

/* ttl < 0: that direction has no IP attributes */
static void attrs(struct argus_record *r, int sttl, unsigned stos, unsigned sipid, int dttl,
		  unsigned dtos, unsigned dipid)
{
	r->present |= ARGUS_HAS_IPATTR;
	if (sttl >= 0)
		r->sattr = (struct argus_ipattr){.ttl = (uint8_t)sttl, .tos = (uint8_t)stos,
						 .ipid = (uint16_t)sipid, .valid = 1};
	if (dttl >= 0)
		r->dattr = (struct argus_ipattr){.ttl = (uint8_t)dttl, .tos = (uint8_t)dtos,
						 .ipid = (uint16_t)dipid, .valid = 1};
}

static void tcp(struct argus_record *r, uint32_t status)
{
	r->present |= ARGUS_HAS_TCP;
	r->tcp.status = status;
}

#define ETH ARGUS_ENCAPS_ETHER

struct golden {
	const char *name;
	void (*build)(struct argus_record *r);
	const char *line; /* what ra printed */
};

static void g_dns_tcp(struct argus_record *r)
{
	base(r, 1, ARGUS_KEY_IPV4, 6, "192.168.1.11", 33779, "209.87.249.18", 53, 1591780863720289,
	     1591780864101256, 6, 5, 402, 520);
	tcp(r, 0x1f);
	r->tcp.have_dst = 1;
	attrs(r, 64, 0, 0, 128, 0, 0x3200);
	macs(r, "00:11:22:33:44:55", "00:11:22:33:44:66");
	encaps(r, ETH, ETH);
}

static void g_dns_udp(struct argus_record *r)
{
	base(r, 1, ARGUS_KEY_IPV4, 17, "192.168.1.11", 43966, "209.87.249.18", 53, 1591780794740079,
	     1591780794870361, 1, 1, 98, 266);
	attrs(r, 64, 0, 0xcd59, 128, 0, 0x2d00);
	macs(r, "00:11:22:33:44:55", "00:11:22:33:44:66");
	encaps(r, ETH, ETH);
}

static void g_dhcp_udp(struct argus_record *r)
{
	base(r, 1, ARGUS_KEY_IPV4, 17, "10.30.1.1", 67, "10.40.2.3", 67, 1553160644514026,
	     1553160699800108, 6, 6, 2052, 1972);
	attrs(r, 64, 0, 0, 64, 0, 0xb74c);
	macs(r, "74:83:ef:07:d0:a9", "a6:82:4b:c9:a1:a7");
	encaps(r, ETH, ETH);
}

static void g_dhcp_echo_urh(struct argus_record *r)
{
	base(r, 2, ARGUS_KEY_IPV4, 1, "10.40.2.3", 8 << 8, "10.30.4.4", 0x2440, 1553160644514702,
	     1553160647583028, 1, 0, 62, 0);
	attrs(r, 64, 0, 0xb461, -1, 0, 0);
	macs(r, "a6:82:4b:c9:a1:a7", "74:83:ef:07:d0:a9");
	encaps(r, ETH, 0);
	r->present |= ARGUS_HAS_ICMP;
	r->flags |= ARGUS_FLAG_ICMP_MAPPED;
	r->icmp.type = 3;
	r->icmp.code = 1;
}

static void g_dhcp_unreach(struct argus_record *r)
{
	base(r, 3, ARGUS_KEY_IPV4, 1, "10.40.1.1", 3 << 8 | 1, "10.40.2.3", 0x0a1e,
	     1553160647583028, 1553160647583028, 1, 0, 90, 0);
	attrs(r, 64, 192, 0x6a9c, -1, 0, 0);
	macs(r, "74:83:ef:07:d0:a9", "a6:82:4b:c9:a1:a7");
	encaps(r, ETH, 0);
	r->present |= ARGUS_HAS_ICMP;
	r->icmp.type = 3;
	r->icmp.code = 1;
}

static void g_dhcp_arp(struct argus_record *r)
{
	base(r, 4, ARGUS_KEY_ARP, 0, "10.40.2.3", 1, "10.40.1.1", 0, 1553160649545424,
	     1553160704840312, 3, 3, 180, 126);
	r->key.ethertype = 0x0806;
	macs(r, "a6:82:4b:c9:a1:a7", "74:83:ef:07:d0:a9");
	encaps(r, ETH, ETH);
}

static void g_dhcp_arp_bcast(struct argus_record *r)
{
	base(r, 10, ARGUS_KEY_ARP, 0, "10.40.2.3", 1, "10.40.1.1", 0, 1553162521306377,
	     1553162521306390, 1, 1, 60, 42);
	r->key.ethertype = 0x0806;
	macs(r, "a6:82:4b:c9:a1:a7", "ff:ff:ff:ff:ff:ff");
	encaps(r, ETH, ETH);
	r->flags |= ARGUS_FLAG_MULTI_MAC;
}

static void g_dhcp_udp_req(struct argus_record *r)
{
	base(r, 1, ARGUS_KEY_IPV4, 17, "10.30.1.1", 67, "10.40.2.3", 67, 1553161060343842,
	     1553161060343842, 1, 0, 340, 0);
	r->cause = ARGUS_CAUSE_STATUS;
	attrs(r, 64, 0, 0, 64, 0, 0xb29b);
	macs(r, "74:83:ef:07:d0:a9", "a6:82:4b:c9:a1:a7");
	encaps(r, ETH, ETH);
}

static void g_gso_ipv6(struct argus_record *r)
{
	base(r, 1, ARGUS_KEY_IPV6, 6, "2604:1380:4091:ce00::b", 36539, "2604:1380:4091:ce00::d",
	     45393, 1759508853363746, 1759508853363746, 1, 0, 7226, 0);
	tcp(r, 0x4);
	attrs(r, 61, 72, 0, -1, 0, 0);
	macs(r, "d4:af:f7:da:e1:73", "b8:ce:f6:04:8b:14");
	encaps(r, ETH, 0);
}

static void g_icmpv6(struct argus_record *r)
{
	base(r, 1, ARGUS_KEY_IPV6, 58, "fe80::b299:28ff:fec8:d66c", 133 << 8, "ff02::1", 0,
	     1334319972631155, 1334319972631155, 1, 0, 230, 0);
	attrs(r, 255, 0, 0, -1, 0, 0);
	macs(r, "b0:99:28:c8:d6:6c", "33:33:00:00:00:01");
	encaps(r, ETH, 0);
}

static void g_llc(struct argus_record *r)
{
	base(r, 1, ARGUS_KEY_ETHER, 0, "00:18:ba:98:68:8f", 0xaa, "01:00:0c:cc:cc:cc", 0xaa,
	     1285988434141848, 1285988434141848, 1, 0, 388, 0);
	macs(r, "00:18:ba:98:68:8f", "01:00:0c:cc:cc:cc");
	encaps(r, ETH | ARGUS_ENCAPS_LLC, 0);
}

static void g_qinq(struct argus_record *r)
{
	base(r, 1, ARGUS_KEY_ETHER, 0, "00:20:d2:5a:fb:3f", 0, "ff:ff:ff:ff:ff:ff", 0,
	     1575842394599412, 1575842394599412, 1, 0, 64, 0);
	r->key.ethertype = 0x88a8;
	macs(r, "00:20:d2:5a:fb:3f", "ff:ff:ff:ff:ff:ff");
	encaps(r, ETH, 0);
}

/* As the reader gives it: a TCP flow first seen mid-stream from port 80
 * (no SYN); ra shows it turned round (argus-record-format.md 6a). */
static void g_http_vlan(struct argus_record *r)
{
	base(r, 1, ARGUS_KEY_IPV4, 6, "10.21.11.94", 80, "10.114.101.120", 5767, 1395173523342266,
	     1395173523342266, 1, 0, 663, 0);
	tcp(r, 0x4);
	r->tcp.src.seqbase = 908588049;
	attrs(r, 128, 0, 0xef59, -1, 0, 0);
	macs(r, "00:50:56:9f:36:9f", "00:03:b2:78:04:17");
	encaps(r, ETH | ARGUS_ENCAPS_8021Q, 0);
	r->present |= ARGUS_HAS_VLAN;
	r->svlan = 0x00a5;
	r->vlan_valid = 0x01;
}

/* The same: a lone RST from port 80, its key stored reversed. */
static void g_tcp_rst(struct argus_record *r)
{
	base(r, 1, ARGUS_KEY_IPV4, 6, "199.204.31.89", 80, "172.16.133.41", 52875, 1361916199190965,
	     1361916199190965, 1, 0, 112, 0);
	r->reversed = 1;
	tcp(r, 0x3000);
	r->tcp.src.seqbase = 1617159968;
	r->tcp.src.flags = 0x14;
	attrs(r, 243, 32, 0x3320, -1, 0, 0);
	macs(r, "00:90:7f:3e:02:d0", "00:21:70:67:6f:50");
	encaps(r, ETH, 0);
}

/* A non-IP Ethernet key stored reversed: the reader turns it round, ra does
 * not (it shows the key as stored). */
static void g_qinq2(struct argus_record *r)
{
	base(r, 2, ARGUS_KEY_ETHER, 0, "00:80:ea:81:88:63", 0, "00:20:d2:5a:fb:3f", 0,
	     1575842394599680, 1575842394599680, 1, 0, 64, 0);
	r->reversed = 1;
	r->key.ethertype = 0x88a8;
	macs(r, "00:80:ea:81:88:63", "00:20:d2:5a:fb:3f");
	encaps(r, ETH, 0);
}

static void g_afs_frag(struct argus_record *r)
{
	base(r, 4, ARGUS_KEY_IPV4, 17, "131.151.32.21", 7001, "131.151.1.146", 7000, 942356808590067,
	     942356851989166, 27, 139, 2783, 195026);
	attrs(r, 64, 0, 0xade2, 254, 0, 0x5f02);
	r->sattr.frag = r->dattr.frag = 1;
	r->flags |= ARGUS_FLAG_FRAG;
	macs(r, "00:60:08:9f:b1:f3", "00:e0:f9:cc:18:00");
	encaps(r, ETH, ETH);
}

static void g_afs_rsp(struct argus_record *r)
{
	base(r, 5, ARGUS_KEY_IPV4, 17, "131.151.32.21", 1792, "131.151.1.59", 7003, 942356878501301,
	     942356901072337, 0, 3, 0, 1362);
	r->cause = ARGUS_CAUSE_STATUS;
	attrs(r, 64, 0, 0x5ee2, 254, 0, 0x2dcc);
	macs(r, "00:60:08:9f:b1:f3", "00:e0:f9:cc:18:00");
	encaps(r, ETH, ETH);
	r->present |= ARGUS_HAS_ICMP;
	r->flags |= ARGUS_FLAG_ICMP_MAPPED;
	r->icmp.type = 3;
	r->icmp.code = 3;
}

static void g_ssh(struct argus_record *r)
{
	base(r, 1, ARGUS_KEY_IPV4, 6, "202.108.87.165", 62146, "223.132.53.222", 22,
	     1545562209891237, 1545562210466614, 30, 24, 7021, 4939);
	tcp(r, 0x11f);
	attrs(r, 64, 32, 0, 54, 72, 0x06e2);
	macs(r, "8c:85:90:3f:77:dd", "d4:ca:6d:2e:7f:67");
	encaps(r, ETH, ETH);
}

static void g_mptcp_rst(struct argus_record *r)
{
	base(r, 1, ARGUS_KEY_IPV4, 6, "192.0.2.1", 55739, "192.168.76.28", 8080, 1620829639175792,
	     1620829639175964, 2, 0, 88, 0);
	tcp(r, 0x3000);
	attrs(r, 255, 0, 0, -1, 0, 0);
}

static void g_frag6(struct argus_record *r)
{
	base(r, 1, ARGUS_KEY_IPV6, 2, "7fff:ffff:c3b2:a102:1305:80:38:2949", 0,
	     "9675:86dd:7300:2c:1c7f:ffff:ffc3:b2a1", 0, 184156160131862, 184156160131862, 1, 0,
	     32896, 0);
	attrs(r, 28, 7, 0, -1, 0, 0);
	macs(r, "62:38:3d:49:96:75", "c0:80:23:a0:00:df");
	encaps(r, ETH, 0);
	r->flags |= ARGUS_FLAG_FRAG | ARGUS_FLAG_FRAG_ONLY;
}

static const struct golden goldens[] = {
	{"dns_tcp", g_dns_tcp,
	 "192.0.2.1,1,1591780863.720289,1591780864.101256,0.380967, e        ,tcp,192.168.1.11,"
	 "33779,   ->,209.87.249.18,53,6,5,402,520,FIN,00:11:22:33:44:55,00:11:22:33:44:66,64,"
	 "128,0,0,0x0000,0x3200,,"},
	{"dns_udp", g_dns_udp,
	 "192.0.2.1,1,1591780794.740079,1591780794.870361,0.130282, e        ,udp,192.168.1.11,"
	 "43966,  <->,209.87.249.18,53,1,1,98,266,CON,00:11:22:33:44:55,00:11:22:33:44:66,64,128,"
	 "0,0,0xcd59,0x2d00,,"},
	{"dhcp-rfc4388 1", g_dhcp_udp,
	 "192.0.2.1,1,1553160644.514026,1553160699.800108,55.286083, e        ,udp,10.30.1.1,67,  "
	 "<->,10.40.2.3,67,6,6,2052,1972,CON,74:83:ef:07:d0:a9,a6:82:4b:c9:a1:a7,64,64,0,0,0x0000,"
	 "0xb74c,,"},
	{"dhcp-rfc4388 2", g_dhcp_echo_urh,
	 "192.0.2.1,2,1553160644.514702,1553160647.583028,3.068326, eU       ,icmp,10.40.2.3,"
	 "0x0008,   ->,10.30.4.4,0x2440,1,0,62,0,URH,a6:82:4b:c9:a1:a7,74:83:ef:07:d0:a9,64,,0,,"
	 "0xb461,,,"},
	{"dhcp-rfc4388 3", g_dhcp_unreach,
	 "192.0.2.1,3,1553160647.583028,1553160647.583028,0.000000, e        ,icmp,10.40.1.1,"
	 "0x0103,   ->,10.40.2.3,0x0a1e,1,0,90,0,URH,74:83:ef:07:d0:a9,a6:82:4b:c9:a1:a7,64,,192,,"
	 "0x6a9c,,,"},
	{"dhcp-rfc4388 4", g_dhcp_arp,
	 "192.0.2.1,4,1553160649.545424,1553160704.840312,55.294888, e        ,arp,10.40.2.3,,  "
	 "who,10.40.1.1,,3,3,180,126,CON,a6:82:4b:c9:a1:a7,74:83:ef:07:d0:a9,,,,,,,,"},
	{"dhcp-rfc4388 17", g_dhcp_arp_bcast,
	 "192.0.2.1,10,1553162521.306377,1553162521.306390,0.000013, M        ,arp,10.40.2.3,,  "
	 "who,10.40.1.1,,1,1,60,42,CON,a6:82:4b:c9:a1:a7,Broadcast,,,,,,,,"},
	{"dhcp-rfc4388 14", g_dhcp_udp_req,
	 "192.0.2.1,1,1553161060.343842,1553161060.343842,0.000000, e        ,udp,10.30.1.1,67,   "
	 "->,10.40.2.3,67,1,0,340,0,REQ,74:83:ef:07:d0:a9,a6:82:4b:c9:a1:a7,64,64,0,0,0x0000,"
	 "0xb29b,,"},
	{"gso-ipv6", g_gso_ipv6,
	 "192.0.2.1,1,1759508853.363746,1759508853.363746,0.000000, e        ,tcp,2604:1380:4091:"
	 "ce00::b,36539,   ?>,2604:1380:4091:ce00::d,45393,1,0,7226,0,CON,d4:af:f7:da:e1:73,"
	 "b8:ce:f6:04:8b:14,61,,72,,0x0000,,,"},
	{"icmpv6", g_icmpv6,
	 "192.0.2.1,1,1334319972.631155,1334319972.631155,0.000000, e        ,ipv6-icmp,fe80::b299:"
	 "28ff:fec8:d66c,133,   ->,ff02::1,0,1,0,230,0,NRS,b0:99:28:c8:d6:6c,33:33:00:00:00:01,255,"
	 ",0,,0x0000,,,"},
	{"LLDP_and_CDP", g_llc,
	 "192.0.2.1,1,1285988434.141848,1285988434.141848,0.000000, *        ,llc,00:18:ba:98:68:8f,"
	 "170,   ->,01:00:0c:cc:cc:cc,170,1,0,388,0,INT,00:18:ba:98:68:8f,01:00:0c:cc:cc:cc,,,,,,,,"},
	{"802.1ad_QinQ", g_qinq,
	 "192.0.2.1,1,1575842394.599412,1575842394.599412,0.000000, e        ,34984,00:20:d2:5a:fb:"
	 "3f,0,   ->,Broadcast,0,1,0,64,0,INT,00:20:d2:5a:fb:3f,Broadcast,,,,,,,,"},
	{"tcp_rst_data", g_tcp_rst,
	 "192.0.2.1,1,1361916199.190965,1361916199.190965,0.000000, e        ,tcp,172.16.133.41,"
	 "52875,  <?,199.204.31.89,80,0,1,0,112,RST,00:21:70:67:6f:50,00:90:7f:3e:02:d0,,243,,32,,"
	 "0x3320,,"},
	{"802.1ad_QinQ 2", g_qinq2,
	 "192.0.2.1,2,1575842394.599680,1575842394.599680,0.000000, e        ,34984,00:20:d2:5a:fb:"
	 "3f,0,   ->,00:80:ea:81:88:63,0,1,0,64,0,INT,00:80:ea:81:88:63,00:20:d2:5a:fb:3f,,,,,,,,"},
	{"ipv4_tcp_http_xml", g_http_vlan,
	 "192.0.2.1,1,1395173523.342266,1395173523.342266,0.000000, *        ,tcp,10.114.101.120,"
	 "5767,  <?,10.21.11.94,80,0,1,0,663,CON,00:03:b2:78:04:17,00:50:56:9f:36:9f,,128,,0,,"
	 "0xef59,,165"},
	{"afs 4", g_afs_frag,
	 "192.0.2.1,4,942356808.590067,942356851.989166,43.399097, e    F   ,udp,131.151.32.21,7001,"
	 "  <->,131.151.1.146,7000,27,139,2783,195026,CON,00:60:08:9f:b1:f3,00:e0:f9:cc:18:00,64,"
	 "254,0,0,0xade2,0x5f02,,"},
	{"afs 14", g_afs_rsp,
	 "192.0.2.1,5,942356878.501301,942356901.072337,22.571035, eU       ,udp,131.151.32.21,1792,"
	 "  <-,131.151.1.59,7003,0,3,0,1362,RSP,00:60:08:9f:b1:f3,00:e0:f9:cc:18:00,64,254,0,0,"
	 "0x5ee2,0x2dcc,,"},
	{"ssh", g_ssh,
	 "192.0.2.1,1,1545562209.891237,1545562210.466614,0.575377, e s      ,tcp,202.108.87.165,"
	 "62146,   ->,223.132.53.222,22,30,24,7021,4939,FIN,8c:85:90:3f:77:dd,d4:ca:6d:2e:7f:67,64,"
	 "54,32,72,0x0000,0x06e2,,"},
	{"mptcp-tcprst", g_mptcp_rst,
	 "192.0.2.1,1,1620829639.175792,1620829639.175964,0.000172,          ,tcp,192.0.2.1,55739,"
	 "   ?>,192.168.76.28,8080,2,0,88,0,RST,,,255,,0,,0x0000,,,"},
	{"ipv6_frag6_negative_len", g_frag6,
	 "192.0.2.1,1,184156160.131862,184156160.131862,0.000000, e    f   ,igmp,7fff:ffff:c3b2:"
	 "a102:1305:80:38:2949,,   ->,9675:86dd:7300:2c:1c7f:ffff:ffc3:b2a1,,1,0,32896,0,INT,62:38:"
	 "3d:49:96:75,c0:80:23:a0:00:df,28,,7,,0x0000,,,"},
};

#define NGOLDEN (sizeof goldens / sizeof goldens[0])

/* The first and last MAR of dns_tcp.argus. */
static void mar_start(struct argus_record *r)
{
	memset(r, 0, sizeof *r);
	r->kind = ARGUS_RECORD_MAR;
	r->cause = ARGUS_CAUSE_START;
	r->present = ARGUS_HAS_MAR;
	r->mar.status = 0x00800000;
	r->mar.argusid = 0xE5712DCB;
	r->mar.thisid = 0xc0000201;
	r->mar.major = 3;
	r->mar.flow_interval = 60;
	r->mar.mar_interval = 300;
	r->mar.start_us = 1795789970460345;
	r->mar.now_us = 1795789970464648;
}

static void mar_stop(struct argus_record *r)
{
	mar_start(r);
	r->cause = ARGUS_CAUSE_STOP;
	r->mar.argusid = 0xc0000201;
	r->mar.thisid = 0;
	r->mar.now_us = 1795789971497978;
	r->mar.records = 2;
	r->mar.clients = 1;
	r->mar.bufs = 32;
	r->mar.bytes = 10931224;
}

/* ---- running a plugin ------------------------------------------------------------------- */

struct run {
	const struct argus_plugin *p;
	void *state, *stream;
	FILE *tmp;
	char err[256];
};

static void run_open(struct run *x, const struct argus_plugin *p, const char *fields, char sep,
		     unsigned flags)
{
	const struct argus_field **fv = NULL;
	struct argus_output_opts o;
	size_t nf = 0;

	memset(x, 0, sizeof *x);
	x->p = p;
	if (fields) {
		assert_int_equal(argus_fields_parse(&fields, 1, &fv, &nf, x->err, sizeof x->err), 0);
	}
	assert_int_equal(p->init(argus_host_get(), &x->state, x->err, sizeof x->err), 0);
	x->tmp = tmpfile();
	assert_non_null(x->tmp);
	o = (struct argus_output_opts){fv, nf, sep, flags, "test"};
	assert_int_equal(p->ops.output->open(x->state, fileno(x->tmp), &o, &x->stream, x->err,
					     sizeof x->err),
			 0);
	free(fv); /* the plugin keeps its own copy */
}

static void run_write(struct run *x, const struct argus_record *r)
{
	assert_int_equal(x->p->ops.output->write(x->stream, r, x->err, sizeof x->err), 0);
}

/* Close the stream and return everything written (caller frees). */
static char *run_close(struct run *x)
{
	long n;
	char *buf;

	assert_int_equal(x->p->ops.output->close(x->stream, x->err, sizeof x->err), 0);
	x->p->fini(x->state);
	n = ftell(x->tmp);
	fseek(x->tmp, 0, SEEK_END);
	n = ftell(x->tmp);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	rewind(x->tmp);
	assert_int_equal(fread(buf, 1, (size_t)n, x->tmp), (size_t)n);
	buf[n] = '\0';
	fclose(x->tmp);
	return buf;
}

static int setup_utc(void **st)
{
	(void)st;
	setenv("TZ", "UTC", 1);
	tzset();
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

/* ---- descriptors ----------------------------------------------------------------------- */

static void test_descriptors(void **st)
{
	const struct argus_plugin *p[3] = {csv_LTX_argus_plugin_entry(),
					   json_LTX_argus_plugin_entry(),
					   text_LTX_argus_plugin_entry()};
	const char *names[3] = {"csv", "json", "text"};
	struct argus_host old = *argus_host_get();
	char err[128];
	void *state;
	int i;
	(void)st;

	old.size = 8;
	for (i = 0; i < 3; i++) {
		assert_int_equal(p[i]->abi_major, ARGUS_ABI_MAJOR);
		assert_int_equal(p[i]->abi_minor, ARGUS_ABI_MINOR);
		assert_int_equal(p[i]->size, sizeof(struct argus_plugin));
		assert_int_equal(p[i]->kind, ARGUS_PLUGIN_OUTPUT);
		assert_string_equal(p[i]->name, names[i]);
		assert_non_null(p[i]->summary);
		assert_non_null(p[i]->ops.output->open);
		assert_non_null(p[i]->ops.output->write);
		assert_non_null(p[i]->ops.output->flush);
		assert_non_null(p[i]->ops.output->close);
		assert_null(p[i]->ops.output->read_open);
		assert_int_equal(p[i]->init(&old, &state, err, sizeof err), ARGUS_EINVAL);
	}
}

/* ---- text ------------------------------------------------------------------------------ */

static void test_text_golden(void **st)
{
	struct run x;
	struct argus_record r;
	char *out, *expect, *p;
	size_t i, len = sizeof GOLDEN_TITLE;
	(void)st;

	for (i = 0; i < NGOLDEN; i++)
		len += strlen(goldens[i].line) + 1;
	expect = malloc(len);
	assert_non_null(expect);
	strcpy(expect, GOLDEN_TITLE);
	run_open(&x, text_LTX_argus_plugin_entry(), GOLDEN_FIELDS, ',',
		 ARGUS_OUT_NUMERIC | ARGUS_OUT_UNIX_TIME);
	for (i = 0; i < NGOLDEN; i++) {
		goldens[i].build(&r);
		run_write(&x, &r);
		strcat(expect, goldens[i].line);
		strcat(expect, "\n");
	}
	mar_start(&r); /* not shown without ARGUS_OUT_SHOW_MAR */
	run_write(&x, &r);
	out = run_close(&x);
	/* line by line first, for a message naming the capture */
	p = out + strlen(GOLDEN_TITLE);
	for (i = 0; i < NGOLDEN; i++) {
		char *nl = strchr(p, '\n');

		assert_non_null(nl);
		*nl = '\0';
		if (strcmp(p, goldens[i].line) != 0)
			fail_msg("%s:\n got    %s\n expect %s", goldens[i].name, p, goldens[i].line);
		*nl = '\n';
		p = nl + 1;
	}
	assert_string_equal(out, expect);
	free(out);
	free(expect);
}

/* When the golden files are at hand (tests/data/golden, or the shared
 * folder), the lines above must be in them. */
static int golden_path(char *path, size_t len, const char *name)
{
	const char *src = getenv("top_srcdir"), *shared = getenv("ARGUS_SHARED_DIR");
	FILE *f;

	if (src) {
		snprintf(path, len, "%s/tests/data/golden/%s.csv", src, name);
		if ((f = fopen(path, "r")) != NULL) {
			fclose(f);
			return 1;
		}
	}
	if (shared) {
		snprintf(path, len, "%s/golden/%s.csv", shared, name);
		if ((f = fopen(path, "r")) != NULL) {
			fclose(f);
			return 1;
		}
	}
	return 0;
}

static void test_text_golden_files(void **st)
{
	char path[1024], line[2048];
	size_t i;
	(void)st;

	for (i = 0; i < NGOLDEN; i++) {
		char name[64];
		FILE *f;
		int found = 0;

		snprintf(name, sizeof name, "%s", goldens[i].name);
		name[strcspn(name, " ")] = '\0';
		if (!golden_path(path, sizeof path, name))
			skip();
		f = fopen(path, "r");
		assert_non_null(f);
		while (fgets(line, sizeof line, f)) {
			line[strcspn(line, "\n")] = '\0';
			if (strcmp(line, goldens[i].line) == 0)
				found = 1;
		}
		fclose(f);
		if (!found)
			fail_msg("%s: line not in %s", goldens[i].name, path);
	}
}

static void test_text_mar(void **st)
{
	struct run x;
	struct argus_record r;
	char *out;
	(void)st;

	run_open(&x, text_LTX_argus_plugin_entry(), GOLDEN_FIELDS, ',',
		 ARGUS_OUT_NUMERIC | ARGUS_OUT_UNIX_TIME | ARGUS_OUT_SHOW_MAR | ARGUS_OUT_NO_HEADER);
	mar_start(&r);
	run_write(&x, &r);
	mar_stop(&r);
	run_write(&x, &r);
	out = run_close(&x);
	assert_string_equal(out, "192.0.2.1,0,1795789970.464648,1795789970.460345,0.004303,          "
				 ",man,0,0,,0,0,0,0,0,0,STA,,,,,,,,,,\n"
				 "192.0.2.1,0,1795789971.497978,1795789970.460345,1.037633,          "
				 ",man,0,0,,32,1,0,2,0,0,STP,,,,,,,,,,\n");
	free(out);
}

/* ra -n -r dns_tcp.argus (TZ=UTC): ra's default columns */
static void test_text_aligned(void **st)
{
	struct run x;
	struct argus_record r;
	char *out;
	(void)st;

	run_open(&x, text_LTX_argus_plugin_entry(), NULL, 0, ARGUS_OUT_NUMERIC | ARGUS_OUT_SHOW_MAR);
	mar_start(&r);
	run_write(&x, &r);
	g_dns_tcp(&r);
	run_write(&x, &r);
	mar_stop(&r);
	run_write(&x, &r);
	out = run_close(&x);
	assert_string_equal(
		out,
		"         StartTime      Flgs  Proto            SrcAddr  Sport   Dir            DstAddr "
		" Dport  TotPkts   TotBytes State \n"
		"   14:32:50.464648              man                  0      0                        0 "
		"     0        0          0   STA\n"
		"   09:21:03.720289  e           tcp       192.168.1.11.33779     ->      209.87.249.18."
		"53           11        922   FIN\n"
		"   14:32:51.497978              man                  0      0                       32 "
		"     1        0   10931224   STP\n");
	free(out);
}

/* ra -n -r dhcp-rfc4388.argus -s GOLDEN_FIELDS - not man (first rows) and
 * ra -n -r gso-ipv6.argus / 802.1ad_QinQ.argus with the default columns */
static void test_text_aligned_more(void **st)
{
	struct run x;
	struct argus_record r;
	char *out;
	(void)st;

	run_open(&x, text_LTX_argus_plugin_entry(), GOLDEN_FIELDS, 0, ARGUS_OUT_NUMERIC);
	g_dhcp_udp(&r);
	run_write(&x, &r);
	g_dhcp_echo_urh(&r);
	run_write(&x, &r);
	g_dhcp_arp(&r);
	run_write(&x, &r);
	out = run_close(&x);
	assert_string_equal(
		out,
		"             SrcId     Seq               StartTime           LastTime        Dur     "
		" Flgs  Proto            SrcAddr  Sport   Dir            DstAddr  Dport  SrcPkts  "
		"DstPkts     SrcBytes     DstBytes State             SrcMac             DstMac sTtl "
		"dTtl  sTos  dTos   sIpId   dIpId   sVid   dVid \n"
		"         192.0.2.1            1    09:30:44.514026    09:31:39.800108  55.286083  e   "
		"        udp          10.30.1.1.67       <->          10.40.2.3.67            6        6 "
		"        2052         1972   CON  74:83:ef:07:d0:a9  a6:82:4b:c9:a1:a7   64   64     0 "
		"    0  0x0000  0xb74c\n"
		"         192.0.2.1            2    09:30:44.514702    09:30:47.583028   3.068326  eU  "
		"       icmp          10.40.2.3.0x0008    ->          10.30.4.4.0x2440        1        0 "
		"          62            0   URH  a6:82:4b:c9:a1:a7  74:83:ef:07:d0:a9   64          0 "
		"       0xb461\n"
		"         192.0.2.1            4    09:30:49.545424    09:31:44.840312  55.294888  e   "
		"        arp          10.40.2.3          who          10.40.1.1               3        3 "
		"         180          126   CON  a6:82:4b:c9:a1:a7  74:83:ef:07:d0:a9\n");
	free(out);

	run_open(&x, text_LTX_argus_plugin_entry(), NULL, 0,
		 ARGUS_OUT_NUMERIC | ARGUS_OUT_NO_HEADER);
	g_gso_ipv6(&r);
	run_write(&x, &r);
	g_qinq(&r);
	run_write(&x, &r);
	g_afs_rsp(&r);
	run_write(&x, &r);
	g_icmpv6(&r);
	run_write(&x, &r);
	out = run_close(&x);
	assert_string_equal(
		out,
		"   16:27:33.363746  e           tcp 2604:1380:4091:ce*.36539     ?> 2604:1380:4091:ce*."
		"45393         1       7226   CON\n"
		"   21:59:54.599412  e         34984  00:20:d2:5a:fb:3f.0         ->  ff:ff:ff:ff:ff:ff."
		"0             1         64   INT\n"
		"   21:47:58.501301  eU          udp      131.151.32.21.1792     <-        131.151.1.59."
		"7003          3       1362   RSP\n"
		"   12:26:12.631155  e        ipv6-* fe80::b299:28ff:f*.133       ->            ff02::1."
		"0             1        230   NRS\n");
	free(out);
}

static void test_text_services(void **st)
{
	struct run x;
	struct argus_record r;
	char *out;
	(void)st;

	/* without -n: service names where the system knows them */
	run_open(&x, text_LTX_argus_plugin_entry(), "sport,dport", ',', ARGUS_OUT_NO_HEADER);
	g_dns_tcp(&r);
	run_write(&x, &r);
	g_dhcp_echo_urh(&r);
	run_write(&x, &r);
	out = run_close(&x);
	{
		struct servent *se = getservbyport(htons(53), "tcp");
		char expect[128];

		snprintf(expect, sizeof expect, "33779,%s\n0x0008,0x2440\n", se ? se->s_name : "53");
		assert_string_equal(out, expect);
	}
	free(out);
}

/* ---- ra's presentation rules (text only) ----------------------------------------------- */

/* A TCP flow 10.0.0.1:SPORT -> 10.0.0.2:DPORT, 2 and 3 packets, TCP state
 * STATUS (0: no TCP section). */
static void mid_tcp(struct argus_record *r, uint16_t sport, uint16_t dport, uint32_t status)
{
	base(r, 1, ARGUS_KEY_IPV4, 6, "10.0.0.1", sport, "10.0.0.2", dport, 1600000000250000,
	     1600000002750000, 2, 3, 200, 300);
	if (status)
		tcp(r, status);
}

static char *text_line(const struct argus_record *r, const char *fields)
{
	struct run x;

	run_open(&x, text_LTX_argus_plugin_entry(), fields, ',',
		 ARGUS_OUT_NUMERIC | ARGUS_OUT_UNIX_TIME | ARGUS_OUT_NO_HEADER);
	run_write(&x, r);
	return run_close(&x);
}

static int tcp_service(unsigned port)
{
	return getservbyport(htons((uint16_t)port), "tcp") != NULL;
}

/* Which mid-stream TCP flows real ra 3.0.8.2 turns round: the source port
 * must look like a server's (below 1024, or a tcp service in the services
 * database) and, when the destination port looks like one too, be the
 * lower.  Checked case by case against Debian's ra. */
static void test_text_swap_rule(void **st)
{
	static const struct {
		uint16_t sport, dport;
		int swapped;
	} cases[] = {
		{80, 5767, 1},	{5767, 80, 0}, {80, 443, 1},   {443, 80, 0},	{1023, 5000, 1},
		{1024, 5000, 0}, {5000, 1024, 0}, {0, 5000, 1},	{5000, 0, 0},	{22, 22, 0},
		{1022, 1023, 1}, {1023, 1022, 0}, {1023, 1024, 1}, {900, 40000, 1}, {65535, 1, 0},
		{49152, 49153, 0},
	};
	struct argus_record r;
	char expect[128], *out;
	size_t i;
	(void)st;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		mid_tcp(&r, cases[i].sport, cases[i].dport, ARGUS_TCP_ESTABLISHED);
		out = text_line(&r, "saddr,sport,dir,daddr,dport,spkts,dpkts");
		if (cases[i].swapped)
			snprintf(expect, sizeof expect, "10.0.0.2,%u,  <?>,10.0.0.1,%u,3,2\n",
				 cases[i].dport, cases[i].sport);
		else
			snprintf(expect, sizeof expect, "10.0.0.1,%u,  <?>,10.0.0.2,%u,2,3\n",
				 cases[i].sport, cases[i].dport);
		if (strcmp(out, expect) != 0)
			fail_msg("%u -> %u:\n got    %s expect %s", cases[i].sport, cases[i].dport, out,
				 expect);
		free(out);
	}

	/* a named service above 1023 counts as a server port (mysql, 3306) */
	if (tcp_service(3306) && !tcp_service(40000)) {
		mid_tcp(&r, 3306, 40000, 0x4);
		out = text_line(&r, "saddr,sport,dir,daddr,dport");
		assert_string_equal(out, "10.0.0.2,40000,  <?>,10.0.0.1,3306\n");
		free(out);
		mid_tcp(&r, 40000, 3306, 0x4);
		out = text_line(&r, "saddr,sport,dir,daddr,dport");
		assert_string_equal(out, "10.0.0.1,40000,  <?>,10.0.0.2,3306\n");
		free(out);
	}

	/* any state without SYN or SYN/ACK: reset, FIN, nothing at all */
	mid_tcp(&r, 80, 5767, ARGUS_TCP_SRC_RESET);
	out = text_line(&r, "saddr,sport,dir,daddr,dport,spkts,dpkts,state");
	assert_string_equal(out, "10.0.0.2,5767,  <?>,10.0.0.1,80,3,2,RST\n");
	free(out);
	r.spkts = 0; /* one-way: the arrow follows the swapped counts */
	out = text_line(&r, "saddr,dir,daddr,spkts,dpkts");
	assert_string_equal(out, "10.0.0.2,   ?>,10.0.0.1,3,0\n");
	free(out);
	r.spkts = 2;
	r.dpkts = 0;
	out = text_line(&r, "saddr,dir,daddr,spkts,dpkts");
	assert_string_equal(out, "10.0.0.2,  <?,10.0.0.1,0,2\n");
	free(out);

	/* never: after a SYN or SYN/ACK, without a TCP section, UDP, IPv6 */
	mid_tcp(&r, 80, 5767, ARGUS_TCP_SAW_SYN_SENT | ARGUS_TCP_ESTABLISHED);
	out = text_line(&r, "saddr,sport,dir,daddr,dport,spkts,dpkts");
	assert_string_equal(out, "10.0.0.1,80,   ->,10.0.0.2,5767,2,3\n");
	free(out);
	mid_tcp(&r, 80, 5767, 0);
	out = text_line(&r, "saddr,sport,dir,daddr,dport,spkts,dpkts");
	assert_string_equal(out, "10.0.0.1,80,  <->,10.0.0.2,5767,2,3\n");
	free(out);
	mid_tcp(&r, 80, 5767, 0);
	r.present |= ARGUS_HAS_NET; /* an empty NETWORK section */
	out = text_line(&r, "saddr,sport,dir,daddr,dport,spkts,dpkts");
	assert_string_equal(out, "10.0.0.1,80,  <->,10.0.0.2,5767,2,3\n");
	free(out);
	mid_tcp(&r, 53, 5767, 0);
	r.key.proto = 17;
	out = text_line(&r, "saddr,sport,dir,daddr,dport,spkts,dpkts");
	assert_string_equal(out, "10.0.0.1,53,  <->,10.0.0.2,5767,2,3\n");
	free(out);
	base(&r, 1, ARGUS_KEY_IPV6, 6, "2001:db8::1", 80, "2001:db8::2", 5767, 1600000000250000,
	     1600000002750000, 2, 3, 200, 300);
	tcp(&r, ARGUS_TCP_ESTABLISHED);
	out = text_line(&r, "saddr,sport,dir,daddr,dport,spkts,dpkts");
	assert_string_equal(out, "2001:db8::1,80,  <?>,2001:db8::2,5767,2,3\n");
	free(out);
}

/* Everything per direction turns round with the flow, except the TCP status
 * word, the encapsulations and (ra computes them first) the loads.  The
 * expected lines are what Debian's ra printed for the same records. */
static void rich(struct argus_record *r, uint16_t sport, uint16_t dport)
{
	base(r, 1, ARGUS_KEY_IPV4, 6, "10.0.0.1", sport, "10.0.0.2", dport, 1600000000250000,
	     1600000002750000, 3, 5, 300, 700);
	attrs(r, 64, 0x20, 0x1111, 128, 0x48, 0x2222);
	r->sattr.options = 1;
	macs(r, "00:11:22:33:44:55", "00:aa:bb:cc:dd:ee");
	r->present |= ARGUS_HAS_VLAN;
	r->svlan = 0x2005;
	r->vlan_valid = 0x01;
	encaps(r, ETH | ARGUS_ENCAPS_8021Q, ETH);
	tcp(r, ARGUS_TCP_ESTABLISHED);
	r->tcp.options = ARGUS_TCP_OPT_MSS | ARGUS_TCP_OPT_WSCALE | ARGUS_TCP_OPT_SACKOK;
	r->tcp.synack_us = 1000;
	r->tcp.ackdat_us = 2000;
	r->tcp.have_dst = 1;
	r->tcp.src = (struct argus_tcp_dir){.seqbase = 1000, .win = 1000, .winshift = 2};
	r->tcp.dst = (struct argus_tcp_dir){.seqbase = 7000, .win = 3000, .winshift = 3};
	/* jitter (-J), sizes (-Z), MPLS, user data (-U) */
	r->present |= ARGUS_HAS_JITTER | ARGUS_HAS_PSIZE | ARGUS_HAS_MPLS | ARGUS_HAS_USERDATA;
	r->sjit.valid = 0x03;
	r->sjit.active = (struct argus_jitter_stats){1, 1.0f, 1.0f, 0.0f, 1.0f};
	r->sjit.idle = (struct argus_jitter_stats){27, 87.0f, 20931.333984375f, 26674.16796875f,
						   115169.0f};
	r->djit.valid = 0x02;
	r->djit.idle = (struct argus_jitter_stats){23, 1.0f, 23899.826171875f, 25899.046875f,
						   94256.0f};
	r->spsize_min = 60;
	r->spsize_max = 1514;
	r->dpsize_min = 66;
	r->dpsize_max = 1158;
	r->n_smpls = r->n_dmpls = 1;
	r->smpls[0] = 0x00064140; /* label 100 */
	r->dmpls[0] = 0x000c8140; /* label 200 */
	r->suser_len = 26;
	memcpy(r->suser, "USER anon\r\nPASS secret1 x", 26);
	r->duser_len = 17;
	memcpy(r->duser, "220 ftp.example\x01\x02", 17);
}

#define RICH_FIELDS                                                                              \
	"srcid seq flgs proto saddr sport dir daddr dport smac dmac stos dtos sdsb ddsb sttl dttl " \
	"shops dhops sipid dipid svlan dvlan svid dvid pkts spkts dpkts bytes sbytes dbytes load " \
	"sload dload rate srate drate smeansz dmeansz state swin dwin stcpb dtcpb tcprtt synack "  \
	"ackdat tcpopt"
#define RICH_FIELDS2                                                                             \
	"saddr sport dir daddr dport spkts dpkts sintpkt dintpkt sintpktact dintpktact sjit djit " \
	"sjitact djitact sjitidl djitidl smaxsz dmaxsz sminsz dminsz smpls dmpls suser duser"

static void test_text_swap_all(void **st)
{
	struct argus_record r;
	char *out;
	(void)st;

	rich(&r, 80, 5767); /* turned round */
	out = text_line(&r, RICH_FIELDS);
	assert_string_equal(
		out, "192.0.2.1,1, *     R  ,tcp,10.0.0.2,5767,  <?>,10.0.0.1,80,00:aa:bb:cc:dd:ee,"
		     "00:11:22:33:44:55,72,32,af21,cs1,128,64,0,0,0x2222,0x1111,,0x2005,,5,8,5,3,1000,"
		     "700,300,2432.000000,640.000000,1792.000000,2.800000,1.600000,0.800000,140.000000,"
		     "100.000000,CON,24000,4000,7000,1000,0.003000,0.001000,0.002000,Mws\n");
	free(out);
	out = text_line(&r, RICH_FIELDS2);
	assert_string_equal(out, "10.0.0.2,5767,  <?>,10.0.0.1,80,5,3,23.899826,20.183822,0.000000,"
				 "0.001000,25.899047,1052.694771,,0.000000,25.899047,26.674168,1158,"
				 "1514,66,60,200,100,s[16]=220 ftp.example.,d[16]=USER anon..PASS\n");
	free(out);

	rich(&r, 5767, 80); /* as stored */
	out = text_line(&r, RICH_FIELDS);
	assert_string_equal(
		out, "192.0.2.1,1, *     R  ,tcp,10.0.0.1,5767,  <?>,10.0.0.2,80,00:11:22:33:44:55,"
		     "00:aa:bb:cc:dd:ee,32,72,cs1,af21,64,128,0,0,0x1111,0x2222,0x2005,,5,,8,3,5,1000,"
		     "300,700,2432.000000,640.000000,1792.000000,2.800000,0.800000,1.600000,100.000000,"
		     "140.000000,CON,4000,24000,1000,7000,0.003000,0.001000,0.002000,Mws\n");
	free(out);
	out = text_line(&r, RICH_FIELDS2);
	assert_string_equal(out, "10.0.0.1,5767,  <?>,10.0.0.2,80,3,5,20.183822,23.899826,0.001000,"
				 "0.000000,1052.694771,25.899047,0.000000,,26.674168,25.899047,1514,"
				 "1158,60,66,100,200,s[16]=USER anon..PASS,d[16]=220 ftp.example.\n");
	free(out);

	/* the text output works on a copy: the record is untouched */
	{
		struct argus_record before;

		rich(&r, 80, 5767);
		before = r;
		free(text_line(&r, RICH_FIELDS));
		assert_memory_equal(&before, &r, sizeof r);
	}
}

/* csv and json stay our clean formats: the record as stored. */
static void test_clean_formats_do_not_swap(void **st)
{
	struct argus_record r;
	struct run x;
	char *out;
	(void)st;

	rich(&r, 80, 5767);
	run_open(&x, csv_LTX_argus_plugin_entry(), "saddr,sport,daddr,dport,spkts,dpkts,smac,sttl",
		 ',', ARGUS_OUT_NUMERIC | ARGUS_OUT_NO_HEADER);
	run_write(&x, &r);
	out = run_close(&x);
	assert_string_equal(out, "10.0.0.1,80,10.0.0.2,5767,3,5,00:11:22:33:44:55,64\r\n");
	free(out);

	run_open(&x, json_LTX_argus_plugin_entry(), "saddr,sport,dir,spkts", 0, ARGUS_OUT_NUMERIC);
	run_write(&x, &r);
	out = run_close(&x);
	assert_non_null(strstr(out, "\"saddr\":\"10.0.0.1\""));
	assert_non_null(strstr(out, "\"sport\":80"));
	assert_non_null(strstr(out, "\"spkts\":3"));
	free(out);

	g_qinq2(&r); /* the reversed Ethernet key: as the reader turned it round */
	run_open(&x, csv_LTX_argus_plugin_entry(), "saddr,daddr", ',',
		 ARGUS_OUT_NUMERIC | ARGUS_OUT_NO_HEADER);
	run_write(&x, &r);
	out = run_close(&x);
	assert_string_equal(out, "00:80:ea:81:88:63,00:20:d2:5a:fb:3f\r\n");
	free(out);
}

/* Records without a key or a time section (shared/golden/handmade f_, g_),
 * and of one packet. */
static void test_text_missing_sections(void **st)
{
	static const char fields[] =
		"stime ltime dur proto saddr sport dir daddr dport spkts dpkts sbytes dbytes state";
	struct argus_record r;
	char *out;
	(void)st;

	base(&r, 1, ARGUS_KEY_IPV4, 6, "10.0.0.1", 40000, "10.0.0.2", 80, 1600000000250000,
	     1600000002750000, 10, 8, 1000, 5000);
	r.present = ARGUS_HAS_TIME | ARGUS_HAS_METRIC;
	out = text_line(&r, fields);
	assert_string_equal(out, "1600000000.250000,1600000002.750000,2.500000,,(null),,  <->,"
				 "(null),,10,8,1000,5000,\n");
	free(out);
	{
		/* aligned, ra leaves the addresses blank */
		struct run x;

		run_open(&x, text_LTX_argus_plugin_entry(), "saddr,dir,daddr", 0,
			 ARGUS_OUT_NUMERIC | ARGUS_OUT_NO_HEADER);
		run_write(&x, &r);
		out = run_close(&x);
		assert_string_equal(out, "                     <->\n");
		free(out);
	}

	r.present = ARGUS_HAS_FLOW | ARGUS_HAS_METRIC;
	out = text_line(&r, fields);
	assert_string_equal(out, "0.000000,0.000000,0.000000,tcp,10.0.0.1,40000,  <->,10.0.0.2,80,"
				 "10,8,1000,5000,CON\n");
	free(out);
	{
		struct run x;

		run_open(&x, csv_LTX_argus_plugin_entry(), "stime,saddr", ',',
			 ARGUS_OUT_NO_HEADER);
		run_write(&x, &r);
		r.present = ARGUS_HAS_TIME | ARGUS_HAS_METRIC;
		run_write(&x, &r);
		out = run_close(&x);
		assert_string_equal(out, ",10.0.0.1\r\n2020-09-13T12:26:40.250000Z,\r\n");
		free(out);
	}

	/* one packet: ra shows the last time as the start time too ... */
	base(&r, 1, ARGUS_KEY_IPV4, 17, "10.0.0.1", 5000, "10.0.0.2", 6000, 1600000000250000,
	     1600000002750000, 0, 1, 0, 100);
	out = text_line(&r, "stime,ltime,dur,spkts,dpkts");
	assert_string_equal(out, "1600000002.750000,1600000002.750000,0.000000,0,1\n");
	free(out);
	/* ... unless an ICMP error was mapped onto the flow */
	r.flags |= ARGUS_FLAG_ICMP_MAPPED;
	out = text_line(&r, "stime,ltime,dur");
	assert_string_equal(out, "1600000000.250000,1600000002.750000,2.500000\n");
	free(out);
	r.flags = 0;
	r.dpkts = 2;
	out = text_line(&r, "stime,ltime,dur");
	assert_string_equal(out, "1600000000.250000,1600000002.750000,2.500000\n");
	free(out);
}

/* Columns ra 3.0.8.2 prints as constants on flow records (checked against
 * Debian's ra, also for records with retransmissions and VLAN priorities);
 * csv keeps the values. */
static void test_text_ra_constants(void **st)
{
	static const char fields[] = "retrans,sretrans,dretrans,svpri,dvpri,appbytes,sappbytes,"
				     "dappbytes,tcprtt,synack,ackdat";
	struct argus_record r;
	struct run x;
	char *out;
	(void)st;

	base(&r, 1, ARGUS_KEY_IPV4, 17, "10.0.0.1", 5000, "10.0.0.2", 53, 1600000000250000,
	     1600000002750000, 3, 5, 300, 700);
	r.present |= ARGUS_HAS_VLAN;
	r.svlan = 0xe005;
	r.dvlan = 0xa006;
	r.vlan_valid = 0x03;
	out = text_line(&r, fields);
	assert_string_equal(out, "0,0,0,,,0,0,0,0.000000,0.000000,0.000000\n");
	free(out);

	rich(&r, 5767, 80);
	r.tcp.src.retrans = 2;
	r.tcp.dst.retrans = 1;
	out = text_line(&r, fields);
	assert_string_equal(out, "0,0,0,,,0,0,0,0.003000,0.001000,0.002000\n");
	free(out);
	run_open(&x, csv_LTX_argus_plugin_entry(), "retrans,sretrans,dretrans,svpri,appbytes", ',',
		 ARGUS_OUT_NO_HEADER);
	run_write(&x, &r);
	out = run_close(&x);
	assert_string_equal(out, "3,2,1,1,\r\n");
	free(out);
}

/* ra -n -u -r (aligned) with the new columns: widths, the user data column
 * left-aligned under a centred title (Debian's ra on a -J -Z -U 32 file). */
static void test_text_aligned_new_fields(void **st)
{
	struct argus_record r;
	struct run x;
	char *out;
	(void)st;

	rich(&r, 5767, 80);
	run_open(&x, text_LTX_argus_plugin_entry(), "sintpkt sjit sjitact dmaxsz smpls suser duser",
		 0, ARGUS_OUT_NUMERIC | ARGUS_OUT_UNIX_TIME);
	run_write(&x, &r);
	r.present &= ~(uint32_t)(ARGUS_HAS_JITTER | ARGUS_HAS_MPLS);
	run_write(&x, &r);
	out = run_close(&x);
	assert_string_equal(out,
			    "     SIntPkt    SrcJitter    SrcJitAct    dMaxPktSz    sMpls         "
			    "srcUdata                  dstUdata          \n"
			    "   20.183822  1052.694771     0.000000         1158      100 "
			    "s[16]=USER anon..PASS     d[16]=220 ftp.example.\n"
			    "                                               1158          "
			    "s[16]=USER anon..PASS     d[16]=220 ftp.example.\n");
	free(out);
}

/* ---- csv -------------------------------------------------------------------------------- */

/* An RFC 4180 reader: fields of each line into cells; returns lines. */
static size_t parse_csv(const char *s, char sep, char cells[][16][128], size_t maxlines,
			size_t *ncells)
{
	size_t line = 0, cell = 0, k = 0;
	int quoted = 0, started = 0;

	while (*s && line < maxlines) {
		char c = *s++;

		if (quoted) {
			if (c == '"' && *s == '"') {
				cells[line][cell][k++] = '"';
				s++;
			} else if (c == '"') {
				quoted = 0;
			} else {
				cells[line][cell][k++] = c;
			}
			continue;
		}
		if (c == '"' && !started) {
			quoted = started = 1;
		} else if (c == sep) {
			cells[line][cell][k] = '\0';
			cell++;
			k = 0;
			started = 0;
		} else if (c == '\r' && *s == '\n') {
			s++;
			cells[line][cell][k] = '\0';
			ncells[line++] = cell + 1;
			cell = k = 0;
			started = 0;
		} else {
			assert_true(c != '\n' && c != '"'); /* bare LF or stray quote */
			cells[line][cell][k++] = c;
			started = 1;
		}
		assert_true(cell < 16 && k < 127);
	}
	assert_true(cell == 0 && k == 0); /* ends with CRLF */
	return line;
}

static void test_csv(void **st)
{
	static char cells[8][16][128];
	size_t ncells[8], n;
	struct run x;
	struct argus_record r;
	char *out;
	(void)st;

	run_open(&x, csv_LTX_argus_plugin_entry(),
		 "srcid,stime,dur,proto,saddr,sport,dir,daddr,dport,spkts,dttl,state,flgs,dipid", 0, 0);
	g_dns_tcp(&r);
	run_write(&x, &r);
	g_dhcp_echo_urh(&r);
	memcpy(r.srcid.value, "a,\"b", 4); /* a value to quote */
	r.srcid.type = ARGUS_SRCID_STRING;
	run_write(&x, &r);
	mar_start(&r);
	run_write(&x, &r);
	out = run_close(&x);
	n = parse_csv(out, ',', cells, 8, ncells);
	assert_int_equal(n, 3);
	assert_int_equal(ncells[0], 14);
	assert_string_equal(cells[0][0], "srcid");
	assert_string_equal(cells[0][13], "dipid");
	assert_int_equal(ncells[1], 14);
	assert_string_equal(cells[1][0], "192.0.2.1");
	assert_string_equal(cells[1][1], "2020-06-10T09:21:03.720289Z");
	assert_string_equal(cells[1][2], "0.380967");
	assert_string_equal(cells[1][3], "tcp");
	assert_string_equal(cells[1][6], "->");
	assert_string_equal(cells[1][10], "128");
	assert_string_equal(cells[1][12], "e");
	assert_string_equal(cells[1][13], "12800");
	assert_string_equal(cells[2][0], "a,\"b");
	assert_string_equal(cells[2][5], "8");
	assert_string_equal(cells[2][10], ""); /* absent */
	assert_string_equal(cells[2][12], "eU");
	assert_non_null(strstr(out, "\"a,\"\"b\""));
	free(out);

	/* another separator; MARs on request; header off */
	run_open(&x, csv_LTX_argus_plugin_entry(), "srcid,state,proto", ';',
		 ARGUS_OUT_SHOW_MAR | ARGUS_OUT_NO_HEADER);
	g_dhcp_echo_urh(&r);
	memcpy(r.srcid.value, "a,b", 4);
	r.srcid.type = ARGUS_SRCID_STRING;
	run_write(&x, &r);
	mar_start(&r);
	run_write(&x, &r);
	out = run_close(&x);
	assert_string_equal(out, "a,b;URH;icmp\r\n192.0.2.1;STA;man\r\n");
	free(out);

	/* no records: still a header */
	run_open(&x, csv_LTX_argus_plugin_entry(), "stime,saddr", 0, 0);
	out = run_close(&x);
	assert_string_equal(out, "stime,saddr\r\n");
	free(out);
}

/* ---- json ------------------------------------------------------------------------------- */

static json_t *parse_line(const char **p)
{
	const char *nl = strchr(*p, '\n');
	json_error_t e;
	json_t *o;

	assert_non_null(nl);
	o = json_loadb(*p, (size_t)(nl - *p), JSON_REJECT_DUPLICATES, &e);
	if (!o)
		fail_msg("bad JSON (%s): %.*s", e.text, (int)(nl - *p), *p);
	assert_true(json_is_object(o));
	*p = nl + 1;
	return o;
}

static int rfc3339(const char *s)
{
	unsigned y, mo, d, h, mi, sec, us;
	char z;

	return strlen(s) == 27 &&
	       sscanf(s, "%4u-%2u-%2uT%2u:%2u:%2u.%6u%c", &y, &mo, &d, &h, &mi, &sec, &us, &z) == 8 &&
	       z == 'Z';
}

static void test_json(void **st)
{
	struct run x;
	struct argus_record r;
	const char *p;
	char *out;
	json_t *o;
	size_t i;
	(void)st;

	/* the default JSON list the lead passes, plus some */
	run_open(&x, json_LTX_argus_plugin_entry(),
		 "srcid,seq,stime,ltime,dur,proto,saddr,sport,dir,daddr,dport,spkts,dpkts,sbytes,"
		 "dbytes,state,flgs,sttl,dttl,smac,dmac,load,tcprtt,tcpopt,cause",
		 0, 0);
	for (i = 0; i < NGOLDEN; i++) {
		goldens[i].build(&r);
		run_write(&x, &r);
	}
	mar_start(&r); /* skipped */
	run_write(&x, &r);
	g_dns_udp(&r); /* a string to escape */
	r.srcid.type = ARGUS_SRCID_STRING;
	memcpy(r.srcid.value, "\"\\\x01\xe9", 4);
	run_write(&x, &r);
	out = run_close(&x);

	p = out;
	o = parse_line(&p); /* dns_tcp */
	assert_string_equal(json_string_value(json_object_get(o, "srcid")), "192.0.2.1");
	assert_true(json_is_integer(json_object_get(o, "seq")));
	assert_true(rfc3339(json_string_value(json_object_get(o, "stime"))));
	assert_string_equal(json_string_value(json_object_get(o, "stime")),
			    "2020-06-10T09:21:03.720289Z");
	assert_true(json_is_real(json_object_get(o, "stime_epoch")));
	assert_true(json_real_value(json_object_get(o, "stime_epoch")) > 1591780863.72028);
	assert_true(json_real_value(json_object_get(o, "stime_epoch")) < 1591780863.72030);
	assert_true(json_is_real(json_object_get(o, "dur")));
	assert_true(json_real_value(json_object_get(o, "dur")) > 0.380966);
	assert_string_equal(json_string_value(json_object_get(o, "proto")), "tcp");
	assert_string_equal(json_string_value(json_object_get(o, "saddr")), "192.168.1.11");
	assert_int_equal(json_integer_value(json_object_get(o, "sport")), 33779);
	assert_string_equal(json_string_value(json_object_get(o, "dir")), "->");
	assert_int_equal(json_integer_value(json_object_get(o, "spkts")), 6);
	assert_int_equal(json_integer_value(json_object_get(o, "dbytes")), 520);
	assert_string_equal(json_string_value(json_object_get(o, "state")), "FIN");
	assert_string_equal(json_string_value(json_object_get(o, "flgs")), "e");
	assert_int_equal(json_integer_value(json_object_get(o, "dttl")), 128);
	assert_string_equal(json_string_value(json_object_get(o, "smac")), "00:11:22:33:44:55");
	assert_true(json_is_real(json_object_get(o, "load")));
	assert_true(json_is_number(json_object_get(o, "tcprtt")));
	assert_string_equal(json_string_value(json_object_get(o, "cause")), "Start");
	json_decref(o);

	for (i = 1; i < NGOLDEN; i++) {
		o = parse_line(&p);
		assert_true(rfc3339(json_string_value(json_object_get(o, "ltime"))));
		assert_true(json_is_integer(json_object_get(o, "spkts")));
		if (strcmp(goldens[i].name, "dhcp-rfc4388 2") == 0) {
			/* one-way: no destination attributes; not TCP: no TCP fields */
			assert_null(json_object_get(o, "dttl"));
			assert_null(json_object_get(o, "tcprtt"));
			assert_int_equal(json_integer_value(json_object_get(o, "sport")), 8); /* ICMP: the type */
			assert_string_equal(json_string_value(json_object_get(o, "flgs")), "eU");
		}
		if (strcmp(goldens[i].name, "dhcp-rfc4388 4") == 0) {
			assert_null(json_object_get(o, "sport"));
			assert_string_equal(json_string_value(json_object_get(o, "dir")), "who");
		}
		if (strcmp(goldens[i].name, "802.1ad_QinQ") == 0)
			assert_string_equal(json_string_value(json_object_get(o, "daddr")),
					    "ff:ff:ff:ff:ff:ff");
		if (strcmp(goldens[i].name, "mptcp-tcprst") == 0) {
			assert_string_equal(json_string_value(json_object_get(o, "flgs")), "");
			assert_null(json_object_get(o, "smac"));
		}
		json_decref(o);
	}
	o = parse_line(&p); /* the escaped srcid; the MAR before it was skipped */
	assert_string_equal(json_string_value(json_object_get(o, "srcid")), "\"\\\x01\xc3\xa9");
	json_decref(o);
	assert_string_equal(p, "");
	free(out);

	/* management records on request */
	run_open(&x, json_LTX_argus_plugin_entry(), NULL, 0, ARGUS_OUT_SHOW_MAR);
	mar_stop(&r);
	run_write(&x, &r);
	g_dns_tcp(&r);
	run_write(&x, &r);
	out = run_close(&x);
	p = out;
	o = parse_line(&p);
	assert_string_equal(json_string_value(json_object_get(o, "type")), "man");
	assert_string_equal(json_string_value(json_object_get(o, "srcid")), "192.0.2.1");
	assert_string_equal(json_string_value(json_object_get(o, "cause")), "Stop");
	assert_string_equal(json_string_value(json_object_get(o, "stime")),
			    "2026-11-27T14:32:51.497978Z");
	assert_int_equal(json_integer_value(json_object_get(o, "records")), 2);
	assert_int_equal(json_integer_value(json_object_get(o, "bytes")), 10931224);
	json_decref(o);
	o = parse_line(&p); /* the built-in default list */
	assert_string_equal(json_string_value(json_object_get(o, "state")), "FIN");
	assert_null(json_object_get(o, "type"));
	json_decref(o);
	free(out);
}

/* Strings are checked for escapes eight bytes at a time: a byte to escape
 * in every position of a 16-byte srcid, and clean ones of whole words. */
static void test_json_escape_positions(void **st)
{
	static const unsigned char bad[] = {'"', '\\', 0x01, 0x1f, 0x7f, 0x80, 0xe9, 0xff};
	struct run x;
	struct argus_record r;
	const char *p;
	char *out;
	size_t pos, b;
	(void)st;

	run_open(&x, json_LTX_argus_plugin_entry(), "srcid", 0, 0);
	g_dns_udp(&r);
	r.srcid.type = ARGUS_SRCID_STRING;
	r.srcid.len = 16;
	for (pos = 0; pos < 16; pos++)
		for (b = 0; b < sizeof bad; b++) {
			memset(r.srcid.value, 'a', 16);
			r.srcid.value[pos] = bad[b];
			run_write(&x, &r);
		}
	for (pos = 1; pos <= 16; pos++) {
		memset(r.srcid.value, 0, 16);
		memset(r.srcid.value, 'z', pos);
		r.srcid.len = (uint8_t)pos;
		run_write(&x, &r);
	}
	out = run_close(&x);

	p = out;
	for (pos = 0; pos < 16; pos++)
		for (b = 0; b < sizeof bad; b++) {
			json_t *o = parse_line(&p);
			char want[40];
			size_t n = 0, i;

			for (i = 0; i < 16; i++) {
				unsigned ch = i == pos ? bad[b] : 'a';

				if (ch >= 0x80) { /* \u00XX: that code point in UTF-8 */
					want[n++] = (char)(0xc0 | ch >> 6);
					want[n++] = (char)(0x80 | (ch & 0x3f));
				} else {
					want[n++] = (char)ch;
				}
			}
			want[n] = '\0';
			assert_string_equal(json_string_value(json_object_get(o, "srcid")), want);
			json_decref(o);
		}
	for (pos = 1; pos <= 16; pos++) {
		json_t *o = parse_line(&p);
		char want[17];

		memset(want, 'z', pos);
		want[pos] = '\0';
		assert_string_equal(json_string_value(json_object_get(o, "srcid")), want);
		json_decref(o);
	}
	assert_string_equal(p, "");
	free(out);
}

/* The services table read once gives what getservbyport(3) gives. */
static void test_services_table(void **st)
{
	static const char *const protos[2] = {"tcp", "udp"};
	unsigned port;
	int i, round;
	(void)st;

	for (round = 0; round < 2; round++) {
		/* then after a release, the well-known ports again */
		for (port = 0; port < (round ? 1024u : 65536u); port += port < 1200 ? 1 : 7) {
			for (i = 0; i < 2; i++) {
				struct servent *se = getservbyport(htons((uint16_t)port), protos[i]);
				const char *name = argus_service_name(i ? 17 : 6, port);

				if (se)
					assert_string_equal(name, se->s_name);
				else
					assert_null(name);
			}
		}
		argus_services_release();
	}
	assert_null(argus_service_name(1, 53));
	assert_null(argus_service_name(6, 65536));
	argus_services_release();
}

/* ---- buffering and errors -------------------------------------------------------------- */

static void test_many_records(void **st)
{
	const struct argus_plugin *p[3] = {csv_LTX_argus_plugin_entry(),
					   json_LTX_argus_plugin_entry(),
					   text_LTX_argus_plugin_entry()};
	struct argus_record r;
	int i, k;
	(void)st;

	g_dns_tcp(&r);
	for (k = 0; k < 3; k++) {
		struct run x;
		size_t lines = 0;
		char *out, *s;

		run_open(&x, p[k], GOLDEN_FIELDS, 0, ARGUS_OUT_NUMERIC);
		for (i = 0; i < 20000; i++) {
			r.seq = (uint32_t)i;
			run_write(&x, &r);
			if (i == 7000)
				assert_int_equal(p[k]->ops.output->flush(x.stream, x.err, sizeof x.err), 0);
		}
		out = run_close(&x);
		assert_true(strlen(out) > 1024 * 1024); /* several buffers */
		for (s = out; *s; s++)
			lines += *s == '\n';
		assert_int_equal(lines, k == 1 ? 20000 : 20001);
		free(out);
	}
}

static void test_write_errors(void **st)
{
	const struct argus_plugin *p[3] = {csv_LTX_argus_plugin_entry(),
					   json_LTX_argus_plugin_entry(),
					   text_LTX_argus_plugin_entry()};
	struct argus_record r;
	int k;
	(void)st;

	g_dns_tcp(&r);
	for (k = 0; k < 3; k++) {
		struct argus_output_opts o = {NULL, 0, 0, 0, "ro"};
		void *state, *stream;
		char err[256] = "";
		int fd = open("/dev/null", O_RDONLY);

		assert_true(fd >= 0);
		assert_int_equal(p[k]->init(argus_host_get(), &state, err, sizeof err), 0);
		assert_int_equal(p[k]->ops.output->open(state, fd, &o, &stream, err, sizeof err), 0);
		assert_int_equal(p[k]->ops.output->write(stream, &r, err, sizeof err), 0);
		assert_int_equal(p[k]->ops.output->flush(stream, err, sizeof err), ARGUS_EIO);
		assert_string_equal(err, "write failed: Bad file descriptor");
		err[0] = '\0';
		assert_int_equal(p[k]->ops.output->write(stream, &r, err, sizeof err), ARGUS_EIO);
		assert_string_equal(err, "write failed: Bad file descriptor");
		assert_int_equal(p[k]->ops.output->close(stream, err, sizeof err), ARGUS_EIO);
		p[k]->fini(state);
		close(fd);
	}

	/* a pipe whose reader went away */
	for (k = 0; k < 3; k++) {
		struct argus_output_opts o = {NULL, 0, 0, 0, "pipe"};
		void *state, *stream;
		char err[256] = "";
		int fds[2];

		assert_int_equal(pipe(fds), 0);
		close(fds[0]);
		assert_int_equal(p[k]->init(argus_host_get(), &state, err, sizeof err), 0);
		assert_int_equal(p[k]->ops.output->open(state, fds[1], &o, &stream, err, sizeof err), 0);
		assert_int_equal(p[k]->ops.output->write(stream, &r, err, sizeof err), 0);
		assert_int_equal(p[k]->ops.output->close(stream, err, sizeof err), ARGUS_EIO);
		assert_string_equal(err, "write failed: Broken pipe");
		p[k]->fini(state);
		close(fds[1]);
	}
}

static void test_bad_options(void **st)
{
	struct argus_output_opts o = {NULL, 0, '"', 0, "x"};
	const struct argus_plugin *c = csv_LTX_argus_plugin_entry();
	const struct argus_plugin *t = text_LTX_argus_plugin_entry();
	void *state, *stream = NULL;
	char err[256];
	(void)st;

	assert_int_equal(c->init(argus_host_get(), &state, err, sizeof err), 0);
	assert_int_equal(c->ops.output->open(state, 1, &o, &stream, err, sizeof err), ARGUS_EINVAL);
	c->fini(state);
	o.separator = '\n';
	assert_int_equal(t->init(argus_host_get(), &state, err, sizeof err), 0);
	assert_int_equal(t->ops.output->open(state, 1, &o, &stream, err, sizeof err), ARGUS_EINVAL);
	t->fini(state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_descriptors),	  cmocka_unit_test(test_text_golden),
		cmocka_unit_test(test_text_golden_files), cmocka_unit_test(test_text_mar),
		cmocka_unit_test(test_text_aligned),	  cmocka_unit_test(test_text_aligned_more),
		cmocka_unit_test(test_text_services),	  cmocka_unit_test(test_text_swap_rule),
		cmocka_unit_test(test_text_swap_all),	  cmocka_unit_test(test_clean_formats_do_not_swap),
		cmocka_unit_test(test_text_missing_sections), cmocka_unit_test(test_text_ra_constants),
		cmocka_unit_test(test_text_aligned_new_fields), cmocka_unit_test(test_csv),
		cmocka_unit_test(test_json),		  cmocka_unit_test(test_many_records),
		cmocka_unit_test(test_write_errors),	  cmocka_unit_test(test_bad_options),
		cmocka_unit_test(test_json_escape_positions), cmocka_unit_test(test_services_table),
	};
	return cmocka_run_group_tests(tests, setup_utc, NULL);
}
