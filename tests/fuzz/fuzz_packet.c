/* Fuzz target: the dissector, the flow table with every decoder, the
 * optional metrics and the binary writer, as argus runs them on a capture.
 *
 * Input layout (all numbers big-endian):
 *   byte 0   bits 0-3: link type, an index into links[] below (every link
 *                      type argus_dissect_link_supported() accepts);
 *            bits 4-5: -U user data bytes kept: 0, 3, 64, 300 (capped at 256);
 *            bits 6-7: status interval: 0 (none), 1, 5, 60 s;
 *   byte 1   bit 0 -m (MAC), bit 1 -A (application bytes), bit 2 -J
 *            (jitter), bit 3 -Z (packet sizes), bit 4 Argus timing
 *            (ARGUS_TIMEOUT_AT_STATUS), bit 5 packet time may go backwards;
 *            bits 6-7: idle timeouts: Argus's defaults, all 1 s, all 0 s,
 *            all 120 s;
 *   then packets, each
 *     u16    bits 0-13 caplen; bits 14-15 wire length: 0 = caplen,
 *            1 = caplen + the u16 that follows, 2 = caplen / 2, 3 = 0;
 *     [u16]  extra wire bytes (wire mode 1 only);
 *     u8     time step d after the previous packet: d^3 * 8 us (up to
 *            2 min 12 s); when time may go backwards, d is signed and the
 *            step is sign(d) * |d|^3 * 64 us;
 *     caplen bytes of the frame (fewer if the input ends first).
 *
 * Every packet goes through argus_dissect() and argus_flowtable_packet() (every
 * other one through argus_flowtable_prepare() and _packets()) of
 * one flow table holding the tcp, udp, icmp, arp, igmp and esp decoders and
 * at most MAX_FLOWS flows (so eviction runs all the time); then
 * argus_flowtable_flush().  Besides memory safety (ASan/UBSan) the target
 * checks every record the table emits:
 *  - a flow record with a known cause (start or status), the sections every
 *    record has, trans 1, the configured source id, sequence numbers 1, 2, 3...;
 *  - spkts + dpkts >= 1, no bytes in a direction without packets, bytes and
 *    application bytes within what that many packets can carry;
 *  - stime <= ltime, both within the packet times given (when time only
 *    goes forwards);
 *  - a key of a known family with the unused address bytes zero (keys are
 *    compared with memcmp), MPLS, VLAN, user data and packet size sections
 *    within range;
 *  - the binary writer takes it (argus_binary_write to /dev/null), and its
 *    encoding decodes again to the same key, times and counters;
 * and at the end that the flow table never held more than MAX_FLOWS flows,
 * that every packet not refused as malformed is in exactly one record
 * (packets and bytes add up) and that the table is empty.
 *
 * The same packets also go through two tables that each own one share of
 * them (argus --threads), the owner of each packet first: an ICMP error's
 * mapping must have been sent when the quoted flow's table asks for it,
 * and the two together must count every packet once, as the one table
 * did.  And through two live shares (argus --threads -i): the table the
 * kernel's fanout would pick (by the IP addresses) gets the packet, which
 * goes to the owner the tables name (both name the same one); mappings
 * are taken after the packet; again every packet is counted once.
 *
 * Built with -DARGUS_FUZZ_LIBFUZZER and -fsanitize=fuzzer it is a libFuzzer
 * target (see README.md beside it).  Without it, main() replays files and
 * directories given on the command line (by default
 * $top_srcdir/tests/fuzz/corpus-packet) and reports in TAP: `make check`
 * runs it as a regression test.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/dlt.h>

#include <argus/plugin.h>

#include "core/dissect.h"
#include "core/flowtable.h"
#include "core/isis.h"

#include "../../plugins/outputs/binary/wire.h"

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif
#ifndef DLT_IPV4
#define DLT_IPV4 228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6 229
#endif
#ifndef DLT_JUNIPER_ETHER
#define DLT_JUNIPER_ETHER 178
#endif
#ifndef DLT_IPNET
#define DLT_IPNET 226
#endif

const struct argus_plugin *tcp_LTX_argus_plugin_entry(void);
const struct argus_plugin *udp_LTX_argus_plugin_entry(void);
const struct argus_plugin *icmp_LTX_argus_plugin_entry(void);
const struct argus_plugin *arp_LTX_argus_plugin_entry(void);
const struct argus_plugin *igmp_LTX_argus_plugin_entry(void);
const struct argus_plugin *esp_LTX_argus_plugin_entry(void);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_FLOWS 8
#define SEC 1000000LL
#define BASE_TIME_US (1700000000LL * SEC)

/* Index = low nibble of byte 0.  DLT_IPV4, DLT_IPV6 and DLT_ATM_CLIP take
 * the paths of DLT_RAW and DLT_ATM_RFC1483, so they have no slot. */
static const int links[16] = {
	DLT_EN10MB,   DLT_RAW,    DLT_IPNET,      DLT_ATM_RFC1483, DLT_NULL, DLT_LOOP,
	DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_PPP,   DLT_PPP_SERIAL, DLT_PPP_ETHER, DLT_C_HDLC,
	DLT_SLIP,     DLT_JUNIPER_ETHER, DLT_IEEE802_11_RADIO, DLT_IEEE802_11,
};

struct decoder {
	const char *name;
	const struct argus_plugin *(*entry)(void);
	const struct argus_plugin *pl;
	void *state;
};

static struct decoder decoders[] = {
	{"tcp", tcp_LTX_argus_plugin_entry, NULL, NULL},
	{"udp", udp_LTX_argus_plugin_entry, NULL, NULL},
	{"icmp", icmp_LTX_argus_plugin_entry, NULL, NULL},
	{"arp", arp_LTX_argus_plugin_entry, NULL, NULL},
	{"igmp", igmp_LTX_argus_plugin_entry, NULL, NULL},
	{"esp", esp_LTX_argus_plugin_entry, NULL, NULL},
};
#define N_DECODERS (sizeof decoders / sizeof decoders[0])

static const char *current = "(none)"; /* the input being run, for crash reports */
static int null_fd = -1;
static int ready;

/* What the current input has fed and what the table has emitted. */
struct run {
	struct argus_flowtable_config cfg;
	void *writer;
	int backwards;      /* packet time may go backwards: no time checks */
	int64_t first_us, last_us;
	uint64_t pkts_in, bytes_in; /* packets the table keyed (not malformed) */
	uint32_t max_wire;  /* largest wire length given */
	uint64_t recs, pkts_out, bytes_out;
	uint64_t n_packets;  /* given to the table */
};

static struct run run;
static uint64_t total_pkts, total_recs; /* over every input, for the replay's report */

/* Two tables with a share each, and the ICMP error mappings between them. */
#define SHARES 2
static struct shared {
	struct argus_flowtable *ft[SHARES];
	uint64_t pkts_out, bytes_out;
	struct argus_flow_related mail[SHARES]; /* to each table, at most one */
	int has_mail[SHARES];
} shared;

/* ... and two live shares. */
static struct live_shared {
	struct argus_flowtable *ft[SHARES];
	uint64_t pkts_out, bytes_out;
	struct argus_flow_related mail[SHARES];
	int has_mail[SHARES];
} live;

static void fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_packet: %s: %s (input %s)\n", what, detail ? detail : "", current);
	abort();
}

static void fake_log(const char *plugin, int level, const char *fmt, ...)
{
	(void)plugin;
	(void)level;
	(void)fmt;
}

static const char *fake_config_get(const char *key)
{
	(void)key;
	return NULL;
}

static const struct argus_host fake_host = {
	.abi_major = ARGUS_ABI_MAJOR,
	.abi_minor = ARGUS_ABI_MINOR,
	.size = sizeof(struct argus_host),
	.log = fake_log,
	.config_get = fake_config_get,
};

static void setup(void)
{
	char err[256];

	for (size_t i = 0; i < N_DECODERS; i++) {
		struct decoder *d = &decoders[i];
		err[0] = '\0';
		d->pl = d->entry();
		if (!d->pl || d->pl->kind != ARGUS_PLUGIN_DECODER ||
		    d->pl->init(&fake_host, &d->state, err, sizeof err) != 0)
			fail("decoder init", d->name);
	}
	null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (null_fd < 0)
		fail("open", "/dev/null");
	ready = 1;
}

static int all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

/* The invariants of one emitted record. */
static void check_record(const struct argus_record *rec)
{
	const uint32_t need = ARGUS_HAS_TRANSPORT | ARGUS_HAS_FLOW | ARGUS_HAS_TIME |
			      ARGUS_HAS_METRIC;
	const struct argus_flow_key *k = &rec->key;
	uint64_t wire_max = (uint64_t)run.max_wire, app_max;
	uint32_t ucap = run.cfg.user_len < ARGUS_USERDATA_MAX ? run.cfg.user_len
							      : ARGUS_USERDATA_MAX;

	if (rec->kind != ARGUS_RECORD_FLOW)
		fail("a record that is not a flow record", NULL);
	if (rec->cause != ARGUS_CAUSE_START && rec->cause != ARGUS_CAUSE_STATUS)
		fail("a record with an unexpected cause", NULL);
	if ((rec->present & need) != need)
		fail("a record without its transport, flow, time or metric section", NULL);
	if (rec->seq != run.recs)
		fail("record sequence numbers are not 1, 2, 3, ...", NULL);
	if (rec->trans != 1)
		fail("a flow record with trans != 1", NULL);
	if (memcmp(&rec->srcid, &run.cfg.srcid, sizeof rec->srcid) != 0)
		fail("a record with another source id", NULL);

	/* counters */
	if (rec->spkts + rec->dpkts < 1)
		fail("a record without packets", NULL);
	if ((rec->spkts == 0 && (rec->sbytes || rec->sappbytes)) ||
	    (rec->dpkts == 0 && (rec->dbytes || rec->dappbytes)))
		fail("bytes in a direction without packets", NULL);
	if (rec->sbytes > rec->spkts * wire_max || rec->dbytes > rec->dpkts * wire_max)
		fail("more bytes than the packets can carry", NULL);
	/* application bytes come from IP lengths (at most 65535 a packet) or
	 * from the frame length */
	app_max = wire_max > 65535 ? wire_max : 65535;
	if (rec->sappbytes > rec->spkts * app_max || rec->dappbytes > rec->dpkts * app_max)
		fail("more application bytes than the packets can carry", NULL);

	/* times */
	if (rec->stime_us > rec->ltime_us && !run.backwards)
		fail("stime after ltime", NULL);
	if (!run.backwards && (rec->stime_us < run.first_us || rec->ltime_us > run.last_us))
		fail("record times outside the packet times given", NULL);

	/* key */
	switch (k->family) {
	case ARGUS_KEY_IPV4:
		if (!all_zero(k->saddr + 4, 12) || !all_zero(k->daddr + 4, 12))
			fail("an IPv4 key with bytes past its addresses", NULL);
		break;
	case ARGUS_KEY_IPV6:
		break;
	case ARGUS_KEY_ETHER:
		if (k->proto || !all_zero(k->saddr + 6, 10) || !all_zero(k->daddr + 6, 10))
			fail("an Ethernet key with a protocol or bytes past its MACs", NULL);
		if ((k->sport | k->dport) > 0xff)
			fail("an Ethernet key with SAPs above 255", NULL);
		break;
	case ARGUS_KEY_ARP:
		if (k->proto || !all_zero(k->saddr + 10, 6) || !all_zero(k->daddr + 10, 6))
			fail("an ARP key with a protocol or bytes past its addresses", NULL);
		if (k->ethertype != 0x0806 && k->ethertype != 0x8035)
			fail("an ARP key of another ethertype", NULL);
		break;
	case ARGUS_KEY_WLAN:
		if (k->proto || k->ethertype || k->sport || k->dport || !all_zero(k->saddr + 12, 4) ||
		    !all_zero(k->daddr + 14, 2))
			fail("a WLAN key with more than its three addresses and SSID", NULL);
		if (rec->wlan_ssid_len > ARGUS_WLAN_SSID_MAX)
			fail("a WLAN record with an SSID over 32 bytes", NULL);
		break;
	case ARGUS_KEY_ISIS:
		if (k->sport != 1 || k->dport || !all_zero(k->saddr + 14, 2) ||
		    !all_zero(k->daddr + 13, 3))
			fail("an IS-IS key with bytes past its ids", NULL);
		if (!argus_isis_pdu_name(k->proto))
			fail("an IS-IS key of a PDU type Argus does not key", NULL);
		break;
	default:
		fail("a key of unknown family", NULL);
	}

	/* optional sections */
	if ((rec->present & ARGUS_HAS_MAC) && !run.cfg.want_mac)
		fail("a MAC section without -m", NULL);
	if ((rec->present & ARGUS_HAS_APPBYTES) && !run.cfg.want_appbytes)
		fail("application bytes without -A", NULL);
	if ((rec->present & ARGUS_HAS_JITTER) && !run.cfg.want_jitter)
		fail("jitter without -J", NULL);
	if ((rec->present & ARGUS_HAS_PSIZE) && !run.cfg.want_psize)
		fail("packet sizes without -Z", NULL);
	if ((rec->present & ARGUS_HAS_USERDATA) && !ucap)
		fail("user data without -U", NULL);
	if (rec->suser_len > ucap || rec->duser_len > ucap)
		fail("more user data than -U asks for", NULL);
	if (rec->n_smpls > ARGUS_MPLS_MAX || rec->n_dmpls > ARGUS_MPLS_MAX)
		fail("too many MPLS entries", NULL);
	if (rec->vlan_valid > 3)
		fail("VLAN validity bits beyond src and dst", NULL);
	if (rec->present & ARGUS_HAS_JITTER) {
		const struct argus_jitter *j[2] = {&rec->sjit, &rec->djit};
		for (int d = 0; d < 2; d++) {
			if (j[d]->valid > 3)
				fail("jitter validity bits beyond active and idle", NULL);
			if (((j[d]->valid & 1) && (!j[d]->active.n || j[d]->active.min > j[d]->active.max)) ||
			    ((j[d]->valid & 2) && (!j[d]->idle.n || j[d]->idle.min > j[d]->idle.max)))
				fail("jitter statistics without intervals or minimum above maximum", NULL);
		}
	}
	/* Argus compares the frame length with its 16-bit fields, so longer
	 * frames may leave min > max, as in Argus */
	if ((rec->present & ARGUS_HAS_PSIZE) && run.max_wire <= 0xffff &&
	    ((rec->spsize_max && rec->spsize_min > rec->spsize_max) ||
	     (rec->dpsize_max && rec->dpsize_min > rec->dpsize_max)))
		fail("packet size minimum above maximum", NULL);
}

/* The encoder's view: the record encodes, and decodes back to it. */
static void check_encoding(const struct argus_record *rec)
{
	static uint8_t buf[AB_MAX_FAR_BYTES];
	static struct argus_record back;
	char err[256];
	size_t len;

	err[0] = '\0';
	if (argus_binary_write(run.writer, rec, err, sizeof err) != 0)
		fail("the binary writer refused a record", err);
	len = argus_binary_encode_far(rec, buf);
	if (len < 4 || len > AB_MAX_FAR_BYTES || len % 4 || (size_t)ab_get16(buf + 2) * 4 != len)
		fail("the encoder wrote a bad record length", NULL);
	if (argus_binary_decode(buf, len, &back, err, sizeof err) != 0)
		fail("the encoding of a flow table record does not decode", err);
	if (back.kind != ARGUS_RECORD_FLOW || back.spkts != rec->spkts ||
	    back.dpkts != rec->dpkts || back.sbytes != rec->sbytes || back.dbytes != rec->dbytes)
		fail("counters changed by encoding and decoding", NULL);
	if (back.stime_us != rec->stime_us || back.ltime_us != rec->ltime_us)
		fail("times changed by encoding and decoding", NULL);
	if (back.key.family != rec->key.family || back.key.proto != rec->key.proto)
		fail("key changed by encoding and decoding", NULL);
}

static int emit(void *ctx, const struct argus_record *rec)
{
	(void)ctx;
	run.recs++;
	check_record(rec);
	check_encoding(rec);
	run.pkts_out += rec->spkts + rec->dpkts;
	run.bytes_out += rec->sbytes + rec->dbytes;
	return 0;
}

static int emit_shared(void *ctx, const struct argus_record *rec)
{
	(void)ctx;
	if (rec->kind != ARGUS_RECORD_FLOW || rec->spkts + rec->dpkts < 1)
		fail("a share's table emitted a record without packets", NULL);
	shared.pkts_out += rec->spkts + rec->dpkts;
	shared.bytes_out += rec->sbytes + rec->dbytes;
	return 0;
}

static int emit_live(void *ctx, const struct argus_record *rec)
{
	(void)ctx;
	if (rec->kind != ARGUS_RECORD_FLOW || rec->spkts + rec->dpkts < 1)
		fail("a live share's table emitted a record without packets", NULL);
	live.pkts_out += rec->spkts + rec->dpkts;
	live.bytes_out += rec->sbytes + rec->dbytes;
	return 0;
}

static void send_live_related(void *ctx, uint32_t to, const struct argus_flow_related *rel)
{
	if (to >= SHARES || to == (uint32_t)(uintptr_t)ctx || live.has_mail[to])
		fail("a live ICMP mapping sent to no other share, or twice for one packet", NULL);
	live.mail[to] = *rel;
	live.has_mail[to] = 1;
}

static void send_related(void *ctx, uint32_t to, const struct argus_flow_related *rel)
{
	(void)ctx;
	if (to >= SHARES || shared.has_mail[to])
		fail("an ICMP mapping sent to no share, or twice for one packet", NULL);
	shared.mail[to] = *rel;
	shared.has_mail[to] = 1;
}

static int receive_related(void *ctx, uint32_t from, uint64_t packet,
			   struct argus_flow_related *rel)
{
	uint32_t me = (uint32_t)(uintptr_t)ctx;
	(void)from;
	if (!shared.has_mail[me] || shared.mail[me].packet != packet)
		fail("a share waits for an ICMP mapping its owner did not send", NULL);
	*rel = shared.mail[me];
	shared.has_mail[me] = 0;
	return 1;
}

/* The share of PKT's IP addresses, which owns an ICMP error's flow: the
 * table that sends the error's mapping goes first. */
static uint32_t packet_owner(enum argus_dissect_result r, const struct argus_packet *pkt)
{
	struct argus_flow_key k;

	if (r != ARGUS_DISSECT_IP)
		return 0;
	memset(&k, 0, sizeof k);
	k.family = pkt->ip_version == 4 ? ARGUS_KEY_IPV4 : ARGUS_KEY_IPV6;
	memcpy(k.saddr, pkt->l3 + (pkt->ip_version == 4 ? 12 : 8), pkt->ip_version == 4 ? 4 : 16);
	memcpy(k.daddr, pkt->l3 + (pkt->ip_version == 4 ? 16 : 24), pkt->ip_version == 4 ? 4 : 16);
	return argus_flowtable_share_of(&k, SHARES);
}

static void shared_packet(enum argus_dissect_result r, const struct argus_packet *pkt)
{
	uint32_t first = packet_owner(r, pkt);

	for (uint32_t i = 0; i < SHARES; i++)
		argus_flowtable_packet(shared.ft[(first + i) % SHARES], r, pkt);
	for (uint32_t i = 0; i < SHARES; i++)
		if (shared.has_mail[i])
			fail("an ICMP mapping nobody asked for", NULL);
}

static void live_packet(enum argus_dissect_result r, const struct argus_packet *pkt)
{
	uint32_t got = packet_owner(r, pkt);
	uint32_t owner = argus_flowtable_live_owner(live.ft[got], r, pkt, NULL);

	if (r != ARGUS_DISSECT_MALFORMED &&
	    owner != argus_flowtable_live_owner(live.ft[(got + 1) % SHARES], r, pkt, NULL))
		fail("two live shares name different owners for a packet", NULL);
	argus_flowtable_packet(live.ft[owner], r, pkt);
	for (uint32_t i = 0; i < SHARES; i++)
		if (live.has_mail[i]) {
			live.has_mail[i] = 0;
			argus_flowtable_take_related(live.ft[i], &live.mail[i]);
		}
}

/* SHARES tables, each owning a share, with their records going to TO. */
static void shares_open(struct argus_flowtable **ft, argus_emit_fn to, int is_live,
			uint32_t *decoder_timeout)
{
	char err[256];

	for (uint32_t s = 0; s < SHARES; s++) {
		struct argus_flowtable_share share;
		err[0] = '\0';
		ft[s] = argus_flowtable_new(&run.cfg, to, NULL, err, sizeof err);
		if (!ft[s])
			fail("argus_flowtable_new", err);
		for (size_t i = 0; i < N_DECODERS; i++) {
			const struct argus_plugin *pl = decoders[i].pl;
			if (argus_flowtable_add_decoder(ft[s], decoders[i].name, pl->ops.decoder,
							pl->abi_minor, decoders[i].state,
							decoder_timeout[i], err, sizeof err) != 0)
				fail("argus_flowtable_add_decoder", err);
		}
		memset(&share, 0, sizeof share);
		share.index = s;
		share.count = SHARES;
		share.live = is_live;
		share.ctx = (void *)(uintptr_t)s;
		share.send_related = is_live ? send_live_related : send_related;
		share.receive_related = receive_related;
		argus_flowtable_set_share(ft[s], &share);
	}
}

static void shared_open(uint32_t *decoder_timeout)
{
	memset(&shared, 0, sizeof shared);
	memset(&live, 0, sizeof live);
	shares_open(shared.ft, emit_shared, 0, decoder_timeout);
	shares_open(live.ft, emit_live, 1, decoder_timeout);
}

/* The SHARES tables FT (WHAT) together counted every packet once, as the
 * one table did (ONE), and their records (counted in *PKTS_OUT and
 * *BYTES_OUT, the flush's too) hold the one table's packets and bytes. */
static void shares_close(struct argus_flowtable **ft, const uint64_t *pkts_out,
			 const uint64_t *bytes_out, const struct argus_flowtable_stats *one,
			 const char *what)
{
	uint64_t packets = 0, malformed = 0;

	for (uint32_t s = 0; s < SHARES; s++) {
		const struct argus_flowtable_stats *st;
		argus_flowtable_flush(ft[s]);
		st = argus_flowtable_stats(ft[s]);
		if (st->live != 0)
			fail("flows left in a share's table after the flush", what);
		packets += st->packets;
		malformed += st->malformed;
		argus_flowtable_free(ft[s]);
	}
	if (packets != one->packets || malformed != one->malformed)
		fail("the shares counted other packets than the one table", what);
	if (*pkts_out != run.pkts_out || *bytes_out != run.bytes_out)
		fail("the shares' records hold other packets or bytes than the one table's", what);
}

static void shared_close(const struct argus_flowtable_stats *one)
{
	shares_close(shared.ft, &shared.pkts_out, &shared.bytes_out, one, "files");
	shares_close(live.ft, &live.pkts_out, &live.bytes_out, one, "live");
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void configure(uint8_t b0, uint8_t b1, uint32_t *decoder_timeout)
{
	static const uint32_t user_lens[4] = {0, 3, 64, 300};
	static const uint32_t intervals[4] = {0, 1, 5, 60};
	static const uint32_t timeouts[4] = {0, 1, 0, 120};
	struct argus_flowtable_config *c = &run.cfg;
	uint32_t t = timeouts[b1 >> 6];

	memset(c, 0, sizeof *c);
	c->user_len = user_lens[(b0 >> 4) & 3];
	c->status_interval_s = intervals[b0 >> 6];
	c->want_mac = b1 & 0x01;
	c->want_appbytes = (b1 >> 1) & 1;
	c->want_jitter = (b1 >> 2) & 1;
	c->want_psize = (b1 >> 3) & 1;
	c->timeout_at_status = (b1 >> 4) & 1;
	run.backwards = (b1 >> 5) & 1;
	c->max_flows = MAX_FLOWS;
	c->srcid.type = ARGUS_SRCID_IPV4;
	c->srcid.len = 4;
	c->srcid.value[0] = 192;
	c->srcid.value[2] = 2;
	c->srcid.value[3] = 1;
	if ((b1 >> 6) == 0) { /* Argus's defaults; the decoders' own */
		c->ip_timeout_s = c->igmp_timeout_s = c->nonip_timeout_s = 30;
		c->frag_timeout_s = 5;
		for (size_t i = 0; i < N_DECODERS; i++)
			decoder_timeout[i] = decoders[i].pl->ops.decoder->idle_timeout;
	} else {
		c->ip_timeout_s = c->igmp_timeout_s = c->nonip_timeout_s = c->frag_timeout_s = t;
		for (size_t i = 0; i < N_DECODERS; i++)
			decoder_timeout[i] = t;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t decoder_timeout[N_DECODERS];
	const struct argus_flowtable_stats *st;
	struct argus_flowtable *ft;
	struct argus_packet pkt;
	char err[256];
	size_t off = 2;
	int64_t now = BASE_TIME_US;
	int dlt;

	if (!ready)
		setup();
	if (size < 2)
		return 0;
	memset(&run, 0, sizeof run);
	dlt = links[data[0] & 0x0f];
	if (!argus_dissect_link_supported(dlt))
		fail("a link type the dissector does not support", NULL);
	configure(data[0], data[1], decoder_timeout);
	run.first_us = INT64_MAX;
	run.last_us = INT64_MIN;

	err[0] = '\0';
	ft = argus_flowtable_new(&run.cfg, emit, NULL, err, sizeof err);
	if (!ft)
		fail("argus_flowtable_new", err);
	for (size_t i = 0; i < N_DECODERS; i++) {
		const struct argus_plugin *pl = decoders[i].pl;
		if (argus_flowtable_add_decoder(ft, decoders[i].name, pl->ops.decoder, pl->abi_minor,
						decoders[i].state, decoder_timeout[i], err,
						sizeof err) != 0)
			fail("argus_flowtable_add_decoder", err);
	}
	if (argus_binary_open(NULL, null_fd, NULL, &run.writer, err, sizeof err) != 0)
		fail("argus_binary_open", err);
	shared_open(decoder_timeout);

	while (off + 3 <= size) {
		uint16_t h = get16(data + off);
		uint32_t caplen = h & 0x3fffu, wirelen;
		uint8_t d;
		enum argus_dissect_result r;

		off += 2;
		switch (h >> 14) {
		case 0:
			wirelen = caplen;
			break;
		case 1:
			if (off + 3 > size)
				goto end;
			wirelen = caplen + get16(data + off);
			off += 2;
			break;
		case 2:
			wirelen = caplen / 2;
			break;
		default:
			wirelen = 0;
			break;
		}
		d = data[off++];
		if (run.backwards) {
			int64_t v = (int8_t)d;
			now += (v < 0 ? -1 : 1) * v * v * v * 64;
		} else {
			now += (int64_t)d * d * d * 8;
		}
		if (caplen > size - off) {
			uint32_t cut = (uint32_t)(size - off);
			if (wirelen == caplen)
				wirelen = cut;
			caplen = cut;
		}
		r = argus_dissect(dlt, data + off, caplen, wirelen, now, &pkt);
		off += caplen;
		if (r != ARGUS_DISSECT_IP && r != ARGUS_DISSECT_NONIP && r != ARGUS_DISSECT_MALFORMED)
			fail("argus_dissect returned an unknown result", NULL);
		if (pkt.wirelen > wirelen || pkt.caplen != caplen || pkt.ts_us != now)
			fail("the dissector changed the packet's lengths or time", NULL);
		if (r != ARGUS_DISSECT_MALFORMED) {
			if (r == ARGUS_DISSECT_IP &&
			    (!pkt.l3 || (pkt.ip_version != 4 && pkt.ip_version != 6) ||
			     pkt.l3 < data + off - caplen || pkt.l3 + pkt.l3_len > data + off ||
			     pkt.l3_len < (pkt.ip_version == 4 ? 20u : 40u)))
				fail("an IP packet without a sound network header", NULL);
			if (pkt.l4 && (pkt.l4 < data + off - caplen || pkt.l4 + pkt.l4_len > data + off))
				fail("the transport header is outside the packet", NULL);
			if (r == ARGUS_DISSECT_NONIP && (!pkt.eth_src || !pkt.eth_dst))
				fail("a non-IP packet without Ethernet addresses", NULL);
			run.pkts_in++;
			run.bytes_in += pkt.wirelen;
		}
		if (wirelen > run.max_wire)
			run.max_wire = wirelen;
		if (now < run.first_us)
			run.first_us = now;
		if (now > run.last_us)
			run.last_us = now;
		/* every other packet by the monitor's road: its key prepared
		 * (and its memory prefetched) first */
		if (++run.n_packets & 1) {
			struct argus_flow_hint hint;
			argus_flowtable_prepare(ft, &r, &pkt, &hint, 1);
			argus_flowtable_packets(ft, &r, &pkt, &hint, 1, INT64_MAX);
		} else {
			argus_flowtable_packet(ft, r, &pkt);
		}
		shared_packet(r, &pkt);
		live_packet(r, &pkt);
		if (argus_flowtable_stats(ft)->live > MAX_FLOWS)
			fail("more live flows than ARGUS_MAX_FLOWS", NULL);
	}
end:
	argus_flowtable_flush(ft);
	st = argus_flowtable_stats(ft);
	if (st->live != 0)
		fail("flows left in the table after the flush", NULL);
	if (st->records != run.recs)
		fail("the record count differs from the records emitted", NULL);
	if (st->malformed + run.pkts_in != st->packets)
		fail("malformed packets miscounted", NULL);
	if (run.pkts_out != run.pkts_in)
		fail("packets keyed and packets in records differ", NULL);
	if (run.bytes_out != run.bytes_in)
		fail("bytes keyed and bytes in records differ", NULL);
	if (argus_flowtable_failed(ft))
		fail("the flow table reports an output failure", NULL);
	shared_close(st);
	total_pkts += st->packets;
	total_recs += run.recs;
	argus_flowtable_free(ft);
	if (argus_binary_close(run.writer, err, sizeof err) != 0)
		fail("argus_binary_close", err);
	return 0;
}

#ifndef ARGUS_FUZZ_LIBFUZZER
#include "replay.h"
/* ---- replay: a plain program for make check -------------------------------------- */

/* A path's captures, with the packets and records they gave. */
static int run_path(const char *path, unsigned *count)
{
	total_pkts = total_recs = 0;
	return replay_files(path, count);
}

static void report(char *text, size_t len, unsigned count)
{
	snprintf(text, len, "%u captures, %llu packets, %llu records, all sane", count,
		 (unsigned long long)total_pkts, (unsigned long long)total_recs);
}

int main(int argc, char **argv)
{
	static const char *const defaults[] = {"tests/fuzz/corpus-packet", NULL};
	int failed = replay_main(argc, argv, defaults, &current, run_path, report);

	for (size_t i = 0; i < N_DECODERS; i++)
		if (decoders[i].pl && decoders[i].pl->fini)
			decoders[i].pl->fini(decoders[i].state);
	if (null_fd >= 0)
		close(null_fd);
	return failed;
}
#endif
