/* argus record model: one flow or management record, in host byte order.
 *
 * This is the in-memory form every component works on: argus fills it from
 * its flow table, the binary output encodes it as an Argus 3 record and
 * decodes Argus 3 records into it, the filter and the text/csv/json outputs
 * read it.  A section is valid only when its ARGUS_HAS_* bit is set in
 * `present`; readers must not look at sections whose bit is clear.
 *
 * Orientation: "src" is the flow's originator (the sender of its first
 * packet), "dst" the responder.  Counters and attributes are per direction.
 */
#ifndef ARGUS_RECORD_H
#define ARGUS_RECORD_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum argus_record_kind {
	ARGUS_RECORD_FLOW = 1,
	ARGUS_RECORD_MAR = 2, /* management (status) record */
};

/* Why the record was written (Argus cause nibble). */
enum argus_cause {
	ARGUS_CAUSE_START = 1,
	ARGUS_CAUSE_STATUS = 2,
	ARGUS_CAUSE_STOP = 3,
	ARGUS_CAUSE_TIMEOUT = 4,
	ARGUS_CAUSE_FLUSH = 5,
	ARGUS_CAUSE_SHUTDOWN = 6,
	ARGUS_CAUSE_CLOSE = 7,
	ARGUS_CAUSE_ERROR = 8,
};

#define ARGUS_HAS_TRANSPORT 0x0001u /* srcid, seq */
#define ARGUS_HAS_FLOW 0x0002u      /* key */
#define ARGUS_HAS_TIME 0x0004u      /* stime, ltime */
#define ARGUS_HAS_METRIC 0x0008u    /* packet and byte counters */
#define ARGUS_HAS_TCP 0x0010u       /* tcp */
#define ARGUS_HAS_IPATTR 0x0020u    /* ttl, tos, ip id */
#define ARGUS_HAS_MAC 0x0040u       /* mac */
#define ARGUS_HAS_VLAN 0x0080u      /* vlan */
#define ARGUS_HAS_ENCAPS 0x0100u    /* encapsulation bitmaps */
#define ARGUS_HAS_ICMP 0x0200u      /* icmp error detail */
#define ARGUS_HAS_NET 0x0400u       /* a protocol-state (NETWORK) section exists */
#define ARGUS_HAS_MAR 0x0800u       /* mar */
#define ARGUS_HAS_APPBYTES 0x1000u  /* metric carries application bytes */
#define ARGUS_HAS_AGR 0x2000u       /* aggregation: trans count */
#define ARGUS_HAS_JITTER 0x4000u    /* sjit, djit */
#define ARGUS_HAS_PSIZE 0x8000u     /* packet size minimum and maximum */
#define ARGUS_HAS_MPLS 0x10000u     /* MPLS label stacks */
#define ARGUS_HAS_USERDATA 0x20000u /* first payload bytes (-U) */

/* Kinds of flow key. */
enum argus_key_family {
	ARGUS_KEY_NONE = 0,
	ARGUS_KEY_IPV4 = 4,
	ARGUS_KEY_IPV6 = 6,
	ARGUS_KEY_ETHER = 1, /* non-IP Ethernet: MACs and ethertype */
	ARGUS_KEY_ARP = 2,   /* ARP / RARP */
	ARGUS_KEY_WLAN = 8,  /* ABI 1.4: an 802.11 frame not carrying IP or ARP:
			      * saddr[0..5] the transmitter (address 2),
			      * daddr[0..5] the receiver (address 1),
			      * saddr[6..11] the BSSID (address 3); one way only;
			      * ABI 1.5: daddr[6..13] argus_wlan_ssid_key() of
			      * the SSID (the record's wlan_ssid) */
	ARGUS_KEY_ISIS = 10, /* ABI 1.5: an IS-IS PDU keyed as Argus keys it
			      * (hello, LSP, CSNP, PSNP); one way only; the
			      * layout is below the key structure */
};

/* The bidirectional flow key, 40 bytes, memcmp-comparable when zeroed first.
 * IPv4 addresses are in saddr[0..3]/daddr[0..3], IPv6 in all 16 bytes,
 * Ethernet addresses in [0..5]; all in network byte order.
 * sport/dport are host-order TCP/UDP ports.  For ICMP, sport holds
 * (type << 8 | code) and dport the FLOW DSR's bytes 12-13 read big-endian,
 * which is what ra 3.0.8 prints: x86 Argus stores its identifier in host
 * order, so the echo id 0x4024 is 0x2440, a port unreachable for port 1027
 * 0x0304, a protocol unreachable for 17 0x1100; net/host unreachable and
 * redirect carry the first two quoted destination bytes as they are
 * (10.30.4.4 -> 0x0a1e); else 0.  ICMPv6 keys carry no identifier (dport 0).
 * An ICMP echo reply is keyed as its request with sport/dport swapped.
 * ETHER (non-IP): saddr/daddr the source/destination MAC, ethertype the
 * Ethernet type (0 for 802.3 + LLC), sport/dport the SSAP/DSAP.
 * ARP: ethertype 0x0806, sport 1 for requests and replies, saddr[0..3] the
 * requester's IPv4 address, daddr[0..3] the requested one, saddr[4..9] the
 * requester's MAC, daddr[4..9] zero; a reply is keyed as its request.
 * RARP: ethertype 0x8035, sport 3, saddr[4..9]/daddr[4..9] Argus's source
 * and target hardware addresses, daddr[0..3] the reply's target address.
 * Fragments without their first fragment (ARGUS_FLAG_FRAG_ONLY): sport 0,
 * dport the IP id (IPv6: low 16 bits of the fragment id). */
/* ISIS: proto the PDU type (15/16 LAN hello, 18/20 LSP, 24/25 CSNP,
 * 26/27 PSNP), sport the protocol version (1), dport 0, ethertype Argus's
 * checksum (the LSP's own checksum; for the others Argus 3.0.8's sum over
 * the PDU, argus_isis_key), saddr[0..5]/daddr[0..5] the frame's source and
 * destination MACs, saddr[6..] the sender's id (hello: 6-byte system id;
 * LSP: 8-byte LSP id; CSNP/PSNP: 7-byte source id), daddr[6..] the hello's
 * 7-byte LAN id or the LSP's sequence number (4 bytes, network order). */
struct argus_flow_key {
	uint8_t family;     /* enum argus_key_family */
	uint8_t proto;      /* IP protocol number (0 for non-IP) */
	/* Host order; for non-IP keys and ARP.  IP keys: a decoder's extra key
	 * word, Argus's bytes 14-15 of the IPv4 FLOW DSR as x86 Argus holds it
	 * (it writes it little-endian): the ICMP echo sequence number, the last
	 * two bytes of the quoted destination for ICMP net/host unreachable
	 * and redirect, the DNS id for IPv4 UDP port 53; else 0.  Hashed and
	 * compared like the rest of the key, not swapped by the reverse key. */
	uint16_t ethertype;
	uint16_t sport;
	uint16_t dport;
	uint8_t saddr[16];
	uint8_t daddr[16];
};

#define ARGUS_ICMP_TYPE(k) ((uint8_t)((k)->sport >> 8))
#define ARGUS_ICMP_CODE(k) ((uint8_t)((k)->sport & 0xff))

/* Flow flag bits (rec.flags): what ra prints in its flgs column. */
#define ARGUS_FLAG_FRAG 0x0001u        /* fragments seen ('F') */
#define ARGUS_FLAG_FRAG_ONLY 0x0002u   /* only fragments, no first fragment ('f') */
#define ARGUS_FLAG_MULTI_MAC 0x0004u   /* several source/destination MACs ('M') */
#define ARGUS_FLAG_ICMP_MAPPED 0x0008u /* an ICMP error refers to this flow ('U') */
#define ARGUS_FLAG_SRC_RETRANS 0x0010u /* 's' */
#define ARGUS_FLAG_DST_RETRANS 0x0020u /* 'd' */
#define ARGUS_FLAG_SRC_WINSHUT 0x0040u
#define ARGUS_FLAG_DST_WINSHUT 0x0080u
#define ARGUS_FLAG_ECN 0x0100u
#define ARGUS_FLAG_OUTOFORDER 0x0200u
#define ARGUS_FLAG_TRUNCATED 0x0400u   /* a packet shorter than its headers */
#define ARGUS_FLAG_MID_STREAM 0x0800u  /* TCP first seen without SYN */

/* Source identifier of the monitor (-e). */
enum argus_srcid_type {
	ARGUS_SRCID_NONE = 0,
	ARGUS_SRCID_IPV4 = 1,
	ARGUS_SRCID_INT = 2,
	ARGUS_SRCID_STRING = 3, /* up to 4 characters on the wire */
	ARGUS_SRCID_IPV6 = 4,
};

struct argus_srcid {
	uint8_t type; /* enum argus_srcid_type */
	uint8_t len;  /* bytes used in value */
	uint8_t value[16]; /* IPv4/IPv6 in network order, INT host order u32 */
};

/* TCP state bits (Argus NETWORK TCP status word). */
#define ARGUS_TCP_SAW_SYN 0x00000001u
#define ARGUS_TCP_SAW_SYN_SENT 0x00000002u
#define ARGUS_TCP_ESTABLISHED 0x00000004u
#define ARGUS_TCP_FIN 0x00000008u
#define ARGUS_TCP_FIN_ACK 0x00000010u
#define ARGUS_TCP_NORMAL_CLOSE 0x00000020u
#define ARGUS_TCP_CLOSE_WAIT 0x00000040u
#define ARGUS_TCP_SRC_PKTS_RETRANS 0x00000100u
#define ARGUS_TCP_DST_PKTS_RETRANS 0x00000200u
#define ARGUS_TCP_SRC_WINDOW_SHUT 0x00000400u
#define ARGUS_TCP_DST_WINDOW_SHUT 0x00000800u
#define ARGUS_TCP_SRC_RESET 0x00001000u
#define ARGUS_TCP_DST_RESET 0x00002000u
#define ARGUS_TCP_SRC_CONG 0x00004000u
#define ARGUS_TCP_DST_CONG 0x00008000u
#define ARGUS_TCP_SRC_OUTOFORDER 0x00010000u
#define ARGUS_TCP_DST_OUTOFORDER 0x00020000u
#define ARGUS_TCP_SRC_DUPLICATES 0x00040000u
#define ARGUS_TCP_DST_DUPLICATES 0x00080000u
/* TCP option bits (tcp.options). */
#define ARGUS_TCP_OPT_MSS 0x00100000u
#define ARGUS_TCP_OPT_WSCALE 0x00200000u
#define ARGUS_TCP_OPT_SACKOK 0x00400000u
#define ARGUS_TCP_OPT_SACK 0x00800000u
#define ARGUS_TCP_OPT_ECHO 0x01000000u
#define ARGUS_TCP_OPT_ECHOREPLY 0x02000000u
#define ARGUS_TCP_OPT_TIMESTAMP 0x04000000u
#define ARGUS_TCP_OPT_CC 0x08000000u
#define ARGUS_TCP_OPT_CCNEW 0x10000000u
#define ARGUS_TCP_OPT_CCECHO 0x20000000u
#define ARGUS_TCP_OPT_SRC_ECN 0x40000000u
#define ARGUS_TCP_OPT_DST_ECN 0x80000000u

struct argus_tcp_dir {
	int64_t last_time_us; /* time of the direction's last packet */
	uint32_t status;
	uint32_t seqbase;     /* initial sequence number */
	uint32_t seq;         /* highest sequence seen */
	uint32_t ack;         /* last acknowledgement */
	uint32_t winnum;
	uint32_t bytes;       /* payload bytes */
	uint32_t retrans;     /* retransmitted packets */
	uint32_t ackbytes;
	uint32_t winbytes;
	uint16_t win;         /* last advertised window (unscaled) */
	uint8_t flags;        /* OR of all TCP flags seen in this direction */
	uint8_t winshift;     /* window scale option, 0 if none */
};

struct argus_tcp {
	uint32_t status;   /* ARGUS_TCP_* state bits */
	uint32_t state;    /* Argus internal state number (informational) */
	uint32_t options;  /* ARGUS_TCP_OPT_* bits */
	uint32_t synack_us; /* SYN -> SYN/ACK */
	uint32_t ackdat_us; /* SYN/ACK -> ACK */
	/* 1: Argus's full TCP object (30 words, both blocks; dst zero when the
	 * responder sent nothing).  0: the 5-word init object (status, src
	 * seqbase, options, src win/flags/winshift), which Argus writes while
	 * only the flow's first packet was modelled or when the flow began
	 * with a RST; Argus 3.0.8 writes win = 0 in it. */
	uint8_t have_dst;
	struct argus_tcp_dir src, dst;
};

/* ICMP detail (errors: the packet the error refers to). */
struct argus_icmp {
	uint8_t type, code;
	uint16_t seq;
	uint32_t osrc, odst;  /* outer addresses, IPv4 host order */
	uint32_t isrc, idst;  /* inner (quoted) addresses, IPv4 host order */
	uint32_t gateway;
};

struct argus_ipattr {
	uint8_t ttl, tos;
	uint16_t ipid;
	uint8_t valid; /* direction saw an IP packet */
	uint8_t frag;  /* direction saw fragments */
	uint16_t pad;
	uint32_t options; /* IP option bitmap */
};

/* Management record contents. */
struct argus_mar {
	int64_t start_us;    /* monitor start time (wall clock) */
	int64_t now_us;      /* time of this report */
	uint32_t status;
	uint32_t sequence;   /* next MAR sequence number */
	uint16_t flow_interval; /* seconds */
	uint16_t mar_interval;  /* seconds */
	uint8_t major, minor;
	uint8_t iftype, ifstatus;
	uint32_t localnet, netmask;
	uint64_t pkts_rcvd;
	uint64_t bytes_rcvd;
	int64_t drift;
	uint32_t records, flows, dropped, queue, output, clients, bufs, bytes;
	uint16_t suserlen, duserlen;
	uint32_t argusid; /* first MAR: the V3 cookie; later MARs: the source id */
	uint32_t thisid;  /* the source id as the big-endian u32 on the wire
			   * (192.0.2.1 -> 0xc0000201, string "ab" -> 0x61620000) */
};

/* Inter-packet time statistics of one direction (Argus -J), microseconds. */
struct argus_jitter_stats {
	uint32_t n;
	float min, mean, stddev, max;
};

struct argus_jitter {
	struct argus_jitter_stats active, idle;
	uint8_t valid; /* 0x01 active, 0x02 idle */
};

#define ARGUS_MPLS_MAX 4
#define ARGUS_USERDATA_MAX 256
#define ARGUS_WLAN_SSID_MAX 32 /* bytes of an 802.11 SSID */

/* Plugin data carried with a record (rec->ext, ext_len bytes): entries of
 *   1 byte name length N, N bytes of the plugin's name,
 *   1 byte data length L, L bytes of data (the plugin's own layout),
 * written by a decoder's fill_record() with argus_record_ext_put() and read
 * by its registered fields with argus_record_ext_get().  The host copies
 * the bytes as they are: the binary output carries them in a section
 * Argus 3 tools skip, and reading a stream restores them. */
#define ARGUS_RECORD_EXT_MAX 256

struct argus_record {
	uint8_t kind;   /* enum argus_record_kind */
	uint8_t cause;  /* enum argus_cause */
	uint16_t ext_len;
	uint32_t present; /* ARGUS_HAS_* */
	uint32_t flags;   /* ARGUS_FLAG_* */
	uint32_t seq;     /* record sequence number of the monitor */
	struct argus_srcid srcid;

	struct argus_flow_key key;
	int64_t stime_us; /* first packet, microseconds since the epoch */
	int64_t ltime_us; /* last packet */

	uint64_t spkts, dpkts;
	uint64_t sbytes, dbytes;       /* wire bytes (frame length) */
	uint64_t sappbytes, dappbytes; /* application (payload) bytes */

	struct argus_ipattr sattr, dattr;

	uint8_t smac[6], dmac[6]; /* source / destination MAC of the originator's packets */
	uint16_t mac_ethertype;

	uint16_t svlan, dvlan; /* full TCI */
	uint8_t vlan_valid;    /* 0x01 src tag, 0x02 dst tag */
	uint8_t reversed;      /* reader: stored key was reversed (Argus subtype 0x40) */
	uint16_t pad;

	uint32_t sencaps, dencaps; /* ARGUS_ENCAPS_* */

	uint32_t trans; /* records aggregated into this one (1 if none) */

	struct argus_tcp tcp;
	struct argus_icmp icmp;
	struct argus_mar mar;

	uint8_t ext[ARGUS_RECORD_EXT_MAX];

	struct argus_jitter sjit, djit;
	uint16_t spsize_min, spsize_max; /* wire lengths, ARGUS_HAS_PSIZE */
	uint16_t dpsize_min, dpsize_max;
	uint8_t n_smpls, n_dmpls;       /* label stack entries, ARGUS_HAS_MPLS */
	uint32_t smpls[ARGUS_MPLS_MAX], dmpls[ARGUS_MPLS_MAX];
	uint16_t suser_len, duser_len;  /* bytes in suser/duser, ARGUS_HAS_USERDATA */
	uint8_t suser[ARGUS_USERDATA_MAX], duser[ARGUS_USERDATA_MAX];

	/* ---- ABI 1.5 ----
	 * WLAN flows: the SSID Argus keys association, probe and beacon frames
	 * by, NUL-terminated ("" for none; it may hold other NULs). */
	uint8_t wlan_ssid_len;
	char wlan_ssid[ARGUS_WLAN_SSID_MAX + 1];
};

/* The 8 bytes an SSID puts in a WLAN key (daddr[6..13]): its FNV-1a 64-bit
 * hash, big-endian; zeros for no SSID. */
static inline void argus_wlan_ssid_key(const uint8_t *ssid, size_t len, uint8_t out[8])
{
	uint64_t h = 0xcbf29ce484222325u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ ssid[i]) * 0x100000001b3u;
	for (int i = 0; i < 8; i++)
		out[i] = (uint8_t)(len ? h >> (56 - 8 * i) : 0);
}

/* Encapsulation bits (Argus ENCAPS DSR). */
#define ARGUS_ENCAPS_MPLS 0x0001u
#define ARGUS_ENCAPS_ETHER 0x0002u
#define ARGUS_ENCAPS_8021Q 0x0004u
#define ARGUS_ENCAPS_LLC 0x0008u
#define ARGUS_ENCAPS_PPP 0x0010u
#define ARGUS_ENCAPS_ISL 0x0020u
#define ARGUS_ENCAPS_GRE 0x0040u
#define ARGUS_ENCAPS_AH 0x0080u
#define ARGUS_ENCAPS_IP 0x0100u
#define ARGUS_ENCAPS_IPV6 0x0200u
#define ARGUS_ENCAPS_HDLC 0x0400u
#define ARGUS_ENCAPS_CHDLC 0x0800u
#define ARGUS_ENCAPS_SLL 0x2000u
#define ARGUS_ENCAPS_ATM 0x1000u
#define ARGUS_ENCAPS_FDDI 0x4000u
#define ARGUS_ENCAPS_SLIP 0x8000u
#define ARGUS_ENCAPS_ARCNET 0x10000u
#define ARGUS_ENCAPS_80211 0x20000u
#define ARGUS_ENCAPS_PRISM 0x40000u
#define ARGUS_ENCAPS_AVS 0x80000u
#define ARGUS_ENCAPS_IB_LRH 0x100000u
#define ARGUS_ENCAPS_IB_GRH 0x200000u
#define ARGUS_ENCAPS_TEREDO 0x400000u
#define ARGUS_ENCAPS_UDT 0x800000u
#define ARGUS_ENCAPS_SPI 0x1000000u
#define ARGUS_ENCAPS_JUNIPER 0x2000000u
#define ARGUS_ENCAPS_ERSPAN_II 0x4000000u
/* Not in Argus 3.0.8.  Geneve has later Argus's value; later Argus gives
 * VXLAN 0x4000000, which is ERSPAN II for 3.0.8 readers, so ours differs. */
#define ARGUS_ENCAPS_GENEVE 0x10000000u
#define ARGUS_ENCAPS_VXLAN 0x20000000u

#define ARGUS_DIR_SRC 0
#define ARGUS_DIR_DST 1

/* Add NAME's DATA (at most 255 bytes) to the record's plugin data.
 * Returns 0, or ARGUS_RECORD_EXT_FULL when it does not fit (nothing is
 * added). */
#define ARGUS_RECORD_EXT_FULL (-1)
static inline int argus_record_ext_put(struct argus_record *rec, const char *name,
				       const void *data, size_t len)
{
	size_t n = 0, need;

	while (name[n] && n < 256)
		n++;
	need = 2 + n + len;
	if (n == 0 || n > 255 || len > 255 || rec->ext_len + need > ARGUS_RECORD_EXT_MAX)
		return ARGUS_RECORD_EXT_FULL;
	rec->ext[rec->ext_len] = (uint8_t)n;
	for (size_t i = 0; i < n; i++)
		rec->ext[rec->ext_len + 1 + i] = (uint8_t)name[i];
	rec->ext[rec->ext_len + 1 + n] = (uint8_t)len;
	for (size_t i = 0; i < len; i++)
		rec->ext[rec->ext_len + 2 + n + i] = ((const uint8_t *)data)[i];
	rec->ext_len = (uint16_t)(rec->ext_len + need);
	return 0;
}

/* NAME's data in the record, with its length in *len; NULL if it has none
 * (or the plugin data is damaged). */
static inline const uint8_t *argus_record_ext_get(const struct argus_record *rec,
						  const char *name, size_t *len)
{
	size_t off = 0, total = rec->ext_len <= ARGUS_RECORD_EXT_MAX ? rec->ext_len : 0;

	while (off + 2 <= total) {
		size_t n = rec->ext[off], l, i;
		if (off + 2 + n > total)
			break;
		l = rec->ext[off + 1 + n];
		if (off + 2 + n + l > total)
			break;
		for (i = 0; i < n && name[i] && name[i] == (char)rec->ext[off + 1 + i]; i++)
			;
		if (i == n && name[n] == '\0') {
			*len = l;
			return &rec->ext[off + 2 + n];
		}
		off += 2 + n + l;
	}
	*len = 0;
	return NULL;
}

#ifdef __cplusplus
}
#endif
#endif
