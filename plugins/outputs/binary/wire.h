/* binary output: Argus 3 wire constants and helpers shared by the writer
 * (encode.c), the reader (decode.c) and the descriptor (binary.c).
 * The format is described in docs/argus-record-format.md. */
#ifndef ARGUS_BINARY_WIRE_H
#define ARGUS_BINARY_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include <argus/plugin.h>

#define ARGUS_BINARY_HIDDEN __attribute__((visibility("hidden")))

/* Record header. */
#define AB_REC_TYPE_MASK 0xf0u
#define AB_REC_MAR 0x80u
#define AB_REC_FAR 0x10u
#define AB_VERSION 3u
#define AB_COOKIE_V3 0xe5712dcbu
#define AB_COOKIE_V2 0xe5617acbu
#define AB_COOKIE_V5 0xe57150cbu
#define AB_MAR_WORDS 32u
#define AB_MAR_BYTES 128u
#define AB_MAX_RECORD (65535u * 4u) /* the header's 16-bit length in words */

/* DSR types. */
#define AB_DSR_TRANSPORT 0x01u
#define AB_DSR_FLOW 0x02u
#define AB_DSR_TIME 0x03u
#define AB_DSR_METRIC 0x10u
#define AB_DSR_PSIZE 0x12u
#define AB_DSR_ENCAPS 0x20u
#define AB_DSR_NETWORK 0x30u
#define AB_DSR_ICMP 0x34u
#define AB_DSR_VLAN 0x40u
#define AB_DSR_MAC 0x42u
#define AB_DSR_MPLS 0x44u
#define AB_DSR_JITTER 0x46u
#define AB_DSR_IPATTR 0x48u
#define AB_DSR_DATA 0x50u
#define AB_DSR_AGR 0x60u
/* Not Argus 3: plugin data (argus_record_ext_put).  Argus 3 tools skip DSR
 * types they do not know.  Body: u16 byte count, u16 zero, the bytes,
 * zero padding to a word. */
#define AB_DSR_EXT 0x7eu

/* TRANSPORT subtype bits and id qualifiers. */
#define AB_TRANS_SRCID 0x01u
#define AB_TRANS_SEQ 0x02u
#define AB_ID_NONE 0x00u
#define AB_ID_IPV4 0x01u
#define AB_ID_IPV6 0x02u
#define AB_ID_ETHER 0x03u
#define AB_ID_INT 0x20u
#define AB_ID_STRING 0x21u

/* FLOW subtype (key form) and qualifier (address type). */
#define AB_FLOW_CLASSIC 0x01u
#define AB_FLOW_ARP 0x06u
#define AB_FLOW_REVERSE 0x40u
#define AB_ADDR_IPV4 0x01u
#define AB_ADDR_IPV6 0x02u
#define AB_ADDR_ETHER 0x03u
#define AB_ADDR_ARP 0x04u
#define AB_ADDR_RARP 0x05u
#define AB_ADDR_WLAN 0x08u
/* WLAN key: receiver, transmitter, BSSID, then Argus's SSID field (34
 * bytes: the SSID, zero-padded) */
#define AB_WLAN_FLOW_WORDS 14u
/* IS-IS key (struct ArgusIsisFlow): PDU type (32 bits), source and
 * destination MACs, version, 3 pad bytes, 16 bytes of ids (hello: system
 * id, LAN id; LSP: LSP id, then the sequence number little-endian as x86
 * Argus leaves it; SNP: source id), the checksum (16 bits) and 2 pad bytes */
#define AB_ADDR_ISIS 0x0au
#define AB_ISIS_FLOW_WORDS 11u
#define AB_ISIS_IS_HELLO(t) ((t) == 15 || (t) == 16)
#define AB_ISIS_IS_LSP(t) ((t) == 18 || (t) == 20)
#define AB_ADDR_FRAG 0x80u

/* TIME subtypes and qualifiers. */
#define AB_TIME_ONE 0x01u
#define AB_TIME_RANGE 0x02u
#define AB_TIME_SRC_START 0x08u
#define AB_TIME_SRC_END 0x10u
#define AB_TIME_DST_START 0x20u
#define AB_TIME_DST_END 0x40u
#define AB_TIME_USEC 0x18u
#define AB_TIME_NSEC 0x19u

/* METRIC subtypes; the qualifier is a width code (see format doc 5.4). */
#define AB_METRIC_PKTS_BYTES 0x01u
#define AB_METRIC_APP 0x04u

/* NETWORK subtypes. */
#define AB_NET_NONE 0x00u
#define AB_NET_TCP_INIT 0x03u
#define AB_NET_TCP_STATUS 0x04u
#define AB_NET_TCP_PERF 0x05u
#define AB_NET_ICMP 0x34u
#define AB_NET_FRAG 0x45u
#define AB_NET_TCP_PERF_WORDS 30u
#define AB_NET_TCP_PERF_SRC_WORDS 18u
#define AB_TCP_DIR_BYTES 48u

/* IPATTR qualifier bits. */
#define AB_IPATTR_SRC 0x01u
#define AB_IPATTR_DST 0x02u
#define AB_IPATTR_SRC_OPTS 0x04u
#define AB_IPATTR_DST_OPTS 0x08u
#define AB_IPATTR_SRC_FRAG 0x10u
#define AB_IPATTR_DST_FRAG 0x20u

/* MAC qualifier written for ARGUS_FLAG_MULTI_MAC (ra prints 'M'). */
#define AB_MAC_MULTI 0x02u

/* ICMP DSR qualifier: which kind of ICMP error was mapped onto the flow.
 * ra prints 'U' in flgs when any of the three bits is set. */
#define AB_ICMP_UNREACH_MAPPED 0x01u
#define AB_ICMP_REDIRECT_MAPPED 0x02u
#define AB_ICMP_TIMXCED_MAPPED 0x04u
#define AB_ICMP_MAPPED_MASK 0x07u

/* JITTER qualifier bits: one 20-byte block (count, min, mean, stddev, max;
 * XDR int and floats) per bit, in this order. */
#define AB_JIT_SRC_ACTIVE 0x01u
#define AB_JIT_SRC_IDLE 0x02u
#define AB_JIT_DST_ACTIVE 0x04u
#define AB_JIT_DST_IDLE 0x08u
#define AB_JIT_BLOCK_BYTES 20u

/* PSIZE qualifiers (METRIC width codes) argus writes: 2-byte values. */
#define AB_PSIZE_BOTH16 0x02u
#define AB_PSIZE_SRC16 0x06u
#define AB_PSIZE_DST16 0x0au

/* MPLS: subtype bits say which directions have labels, the qualifier's
 * high / low nibble how many label stack entries each has.  Argus 3.0.8
 * keeps one entry per direction and ra reads the src entry at +0 and the
 * dst entry at +4 whatever the counts say, so the writer never writes
 * more than one per direction. */
#define AB_MPLS_SRC 0x01u
#define AB_MPLS_DST 0x02u

/* DATA (user data, -U): always the 16-bit length form (subtype bit 0x80);
 * subtype 0x10 src / 0x20 dst; body: buffer size u16, byte count u16, bytes. */
#define AB_DSR_LEN16 0x80u
#define AB_DATA_SRC 0x10u
#define AB_DATA_DST 0x20u

/* Ethertypes used for ARP keys. */
#define AB_ETHERTYPE_ARP 0x0806u
#define AB_ETHERTYPE_RARP 0x8035u

/* Largest flow record the writer produces (all DSRs at their largest),
 * plus a synthesised MAR in front of it. */
#define AB_MAX_FAR_BYTES 1536u
#define AB_WRITE_RESERVE (AB_MAX_FAR_BYTES + AB_MAR_BYTES)

/* Big-endian (network order) and little-endian accessors. */
static inline void ab_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void ab_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline void ab_put64(uint8_t *p, uint64_t v)
{
	ab_put32(p, (uint32_t)(v >> 32));
	ab_put32(p + 4, (uint32_t)v);
}

static inline void ab_put16le(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void ab_put32le(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static inline uint16_t ab_get16(const uint8_t *p)
{
	return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static inline uint32_t ab_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t ab_get64(const uint8_t *p)
{
	return (uint64_t)ab_get32(p) << 32 | ab_get32(p + 4);
}

static inline uint16_t ab_get16le(const uint8_t *p)
{
	return (uint16_t)((unsigned)p[1] << 8 | p[0]);
}

static inline uint32_t ab_get32le(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* Microseconds since the epoch <-> (seconds, microseconds) on the wire. */
static inline void ab_put_time(uint8_t *p, int64_t us)
{
	int64_t sec = us / 1000000;
	int64_t frac = us % 1000000;

	if (frac < 0) {
		frac += 1000000;
		sec--;
	}
	ab_put32(p, (uint32_t)sec);
	ab_put32(p + 4, (uint32_t)frac);
}

static inline int64_t ab_get_time(const uint8_t *p, int nsec)
{
	uint32_t frac = ab_get32(p + 4);

	return (int64_t)ab_get32(p) * 1000000 + (nsec ? frac / 1000 : frac);
}

/* ---- writer (encode.c) ---------------------------------------------------- */

#define AB_WRITE_BUFSIZE (256u * 1024u)

struct argus_binary_writer {
	int fd;
	int error;        /* first write error (sticky), 0 if none */
	uint64_t nmar;    /* MARs written so far (the first carries the cookie) */
	size_t len;       /* bytes buffered */
	char errmsg[160]; /* text of the sticky error */
	uint8_t buf[AB_WRITE_BUFSIZE];
};

/* Encode one record at OUT (room for AB_MAX_FAR_BYTES or a MAR); returns
 * the bytes written.  FIRST_MAR selects the stream-opening MAR layout. */
ARGUS_BINARY_HIDDEN size_t argus_binary_encode_far(const struct argus_record *rec, uint8_t *out);
ARGUS_BINARY_HIDDEN size_t argus_binary_encode_mar(const struct argus_record *rec, int first_mar,
						   uint8_t *out);

ARGUS_BINARY_HIDDEN long argus_binary_encode(void *state, const struct argus_record *rec, int first,
					     uint8_t *buf, size_t cap);

ARGUS_BINARY_HIDDEN int argus_binary_open(void *state, int fd, const struct argus_output_opts *opts,
					  void **stream, char *err, size_t errlen);
ARGUS_BINARY_HIDDEN int argus_binary_write(void *stream, const struct argus_record *rec, char *err,
					   size_t errlen);
ARGUS_BINARY_HIDDEN int argus_binary_flush(void *stream, char *err, size_t errlen);
ARGUS_BINARY_HIDDEN int argus_binary_close(void *stream, char *err, size_t errlen);

/* ---- reader (decode.c) ---------------------------------------------------- */

/* Decode one complete record P[0..LEN) (header included) into REC.
 * Returns 0, or AB_DECODE_FRAMING (the DSR chain does not fit the record
 * length: the length is not to be trusted) or AB_DECODE_CONTENT (a DSR is
 * malformed but the record framing is sound), with the reason in err. */
#define AB_DECODE_FRAMING (-1)
#define AB_DECODE_CONTENT (-2)
ARGUS_BINARY_HIDDEN int argus_binary_decode(const uint8_t *p, size_t len, struct argus_record *rec,
					    char *err, size_t errlen);

ARGUS_BINARY_HIDDEN int argus_binary_read_open(void *state, int fd, const char *name, void **reader,
					       char *err, size_t errlen);
ARGUS_BINARY_HIDDEN int argus_binary_read_next(void *reader, struct argus_record *rec, char *err,
					       size_t errlen);
ARGUS_BINARY_HIDDEN uint64_t argus_binary_read_offset(void *reader);
ARGUS_BINARY_HIDDEN void argus_binary_read_close(void *reader);

#endif
