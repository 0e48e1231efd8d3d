/* core/pcapfile.c against libpcap: every file here is read by both, and
 * both must hand out the same packets (time stamp, captured and wire
 * length, bytes) and end the same way (end of file, or an error with the
 * same message).  Files libpcap refuses to open are not given to
 * pcapfile; files pcapfile declines stay with libpcap. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <pcap/pcap.h>

#include "core/pcapfile.h"

#define MAGIC_USEC 0xa1b2c3d4u
#define MAGIC_NSEC 0xa1b23c4du
#define MAGIC_KUZNETZOV 0xa1b2cd34u
#define LINKTYPE_ETHERNET 1u
#define LINKTYPE_RAW 101u
#define LINKTYPE_LINUX_SLL 113u
#define LINKTYPE_USB_LINUX_MMAPPED 220u
#define MAX_CAPLEN 262144u

/* ---- building capture files in memory ------------------------------------------ */

struct capbuf {
	uint8_t *bytes;
	size_t len, cap;
	int big_endian; /* the file's byte order (this host is little-endian) */
};

static void cap_append(struct capbuf *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		uint8_t *more;

		while (cap < b->len + n)
			cap *= 2;
		more = realloc(b->bytes, cap);
		assert_non_null(more);
		b->bytes = more;
		b->cap = cap;
	}
	memcpy(b->bytes + b->len, p, n);
	b->len += n;
}

static void cap_u32(struct capbuf *b, uint32_t v)
{
	uint8_t p[4];

	if (b->big_endian)
		v = __builtin_bswap32(v);
	memcpy(p, &v, 4);
	cap_append(b, p, 4);
}

static void cap_u16(struct capbuf *b, uint16_t v)
{
	uint8_t p[2];

	if (b->big_endian)
		v = (uint16_t)(v >> 8 | v << 8);
	memcpy(p, &v, 2);
	cap_append(b, p, 2);
}

static void cap_file_header(struct capbuf *b, uint32_t magic, uint16_t major, uint16_t minor,
			    uint32_t snaplen, uint32_t linktype)
{
	cap_u32(b, magic);
	cap_u16(b, major);
	cap_u16(b, minor);
	cap_u32(b, 0); /* thiszone */
	cap_u32(b, 0); /* sigfigs */
	cap_u32(b, snaplen);
	cap_u32(b, linktype);
}

static struct capbuf cap_new(uint32_t magic, int big_endian, uint32_t snaplen, uint32_t linktype)
{
	struct capbuf b = {.big_endian = big_endian};

	cap_file_header(&b, magic, 2, 4, snaplen, linktype);
	return b;
}

static void cap_record_header(struct capbuf *b, uint32_t sec, uint32_t frac, uint32_t caplen,
			      uint32_t len)
{
	cap_u32(b, sec);
	cap_u32(b, frac);
	cap_u32(b, caplen);
	cap_u32(b, len);
}

/* N bytes of a pattern that differs from packet to packet. */
static void cap_payload(struct capbuf *b, size_t n, unsigned seed)
{
	uint8_t chunk[4096];

	while (n > 0) {
		size_t k = n < sizeof chunk ? n : sizeof chunk;

		for (size_t i = 0; i < k; i++)
			chunk[i] = (uint8_t)(seed * 31u + (unsigned)i * 7u + (unsigned)(i >> 8));
		cap_append(b, chunk, k);
		seed++;
		n -= k;
	}
}

/* A whole record: CAPLEN bytes captured of a LEN-byte packet. */
static void cap_record(struct capbuf *b, uint32_t sec, uint32_t frac, uint32_t caplen, uint32_t len)
{
	cap_record_header(b, sec, frac, caplen, len);
	cap_payload(b, caplen, sec ^ frac ^ caplen);
}

/* ---- reading a file with both readers ------------------------------------------ */

#define KEPT_HEADERS 16

struct outcome {
	int libpcap_opened;
	int taken;      /* what argus_pcapfile_open_fd returned */
	int snapshot;   /* libpcap's */
	size_t packets; /* handed out by both */
	int end;        /* 0 end of file, -1 error */
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr first[KEPT_HEADERS]; /* the first packets' headers */
};

static void write_temp_file(const struct capbuf *b, char *path, size_t pathlen)
{
	const char *dir = getenv("TMPDIR");
	size_t done = 0;
	int fd;

	snprintf(path, pathlen, "%s/test_pcapfile.XXXXXX", dir && *dir ? dir : "/tmp");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	while (done < b->len) {
		ssize_t n = write(fd, b->bytes + done, b->len - done);

		assert_true(n > 0);
		done += (size_t)n;
	}
	assert_int_equal(close(fd), 0);
}

/* Read B with libpcap and, when libpcap opens it, with pcapfile; every
 * packet and the end must agree.  B is freed. */
static void read_both(struct capbuf *b, struct outcome *o)
{
	char path[4096], errbuf[PCAP_ERRBUF_SIZE];
	struct argus_pcapfile f;
	pcap_t *p;
	int fd;

	memset(o, 0, sizeof *o);
	write_temp_file(b, path, sizeof path);
	free(b->bytes);
	b->bytes = NULL;
	b->len = b->cap = 0;

	p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_MICRO, errbuf);
	if (!p) {
		unlink(path);
		return;
	}
	o->libpcap_opened = 1;
	o->snapshot = pcap_snapshot(p);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	unlink(path); /* both readers hold it open now */
	assert_true(fd >= 0);
	o->taken = argus_pcapfile_open_fd(&f, fd, pcap_datalink(p), (uint32_t)pcap_snapshot(p));
	if (o->taken != 1) {
		close(fd);
		pcap_close(p);
		return;
	}
	for (;;) {
		struct pcap_pkthdr *lh, ah;
		const u_char *ldata;
		const uint8_t *adata;
		int lr = pcap_next_ex(p, &lh, &ldata);
		int ar = argus_pcapfile_next(&f, &ah, &adata);

		if (lr == 1) {
			assert_int_equal(ar, 1);
			assert_int_equal(ah.ts.tv_sec, lh->ts.tv_sec);
			assert_int_equal(ah.ts.tv_usec, lh->ts.tv_usec);
			assert_int_equal(ah.caplen, lh->caplen);
			assert_int_equal(ah.len, lh->len);
			assert_memory_equal(adata, ldata, lh->caplen);
			if (o->packets < KEPT_HEADERS)
				o->first[o->packets] = *lh;
			o->packets++;
			continue;
		}
		if (lr == PCAP_ERROR_BREAK) {
			assert_int_equal(ar, 0);
			o->end = 0;
		} else {
			assert_int_equal(lr, PCAP_ERROR);
			assert_int_equal(ar, -1);
			assert_string_equal(f.err, pcap_geterr(p));
			snprintf(o->err, sizeof o->err, "%s", f.err);
			o->end = -1;
		}
		break;
	}
	argus_pcapfile_close(&f);
	pcap_close(p);
}

/* Read B with both; pcapfile must take it. */
static void read_both_taken(struct capbuf *b, struct outcome *o)
{
	read_both(b, o);
	assert_int_equal(o->libpcap_opened, 1);
	assert_int_equal(o->taken, 1);
}

/* Read B with both: pcapfile takes it, both hand out PACKETS packets, then
 * stop with the same error, the one FMT formats. */
__attribute__((format(printf, 4, 5))) static void
expect_error(struct capbuf *b, struct outcome *o, size_t packets, const char *fmt, ...)
{
	char want[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(want, sizeof want, fmt, ap);
	va_end(ap);
	read_both_taken(b, o);
	assert_int_equal(o->packets, packets);
	assert_int_equal(o->end, -1);
	assert_string_equal(o->err, want);
}

/* ---- files both read ---------------------------------------------------------- */

static const uint32_t some_sizes[] = {0, 1, 14, 60, 64, 1500, 1514, 9000, 65535};
#define NSIZES (sizeof some_sizes / sizeof some_sizes[0])

static void several_packets(uint32_t magic, int big_endian, uint32_t linktype)
{
	struct capbuf b = cap_new(magic, big_endian, 65535, linktype);
	struct outcome o;

	for (uint32_t i = 0; i < NSIZES; i++)
		cap_record(&b, 1700000000u + i, 1000u * i + 17u, some_sizes[i],
			   some_sizes[i] + (i % 3 == 0 ? 100u : 0u));
	read_both_taken(&b, &o);
	assert_int_equal(o.packets, NSIZES);
	assert_int_equal(o.end, 0);
	assert_int_equal(o.first[7].caplen, 9000);
	assert_int_equal(o.first[6].len, 1614);
}

static void test_usec_little_endian(void **st)
{
	(void)st;
	several_packets(MAGIC_USEC, 0, LINKTYPE_ETHERNET);
	several_packets(MAGIC_USEC, 0, LINKTYPE_RAW);
}

static void test_big_endian(void **st)
{
	(void)st;
	several_packets(MAGIC_USEC, 1, LINKTYPE_ETHERNET);
	several_packets(MAGIC_NSEC, 1, LINKTYPE_ETHERNET);
	several_packets(MAGIC_USEC, 1, LINKTYPE_RAW);
}

static const uint32_t nsec_fractions[] = {999999999u, 1000u, 999u, 0u, 1u, 1999u, 500000000u,
					  1500000000u, 0xffffffffu, 0xfffffc18u /* -1000 */,
					  0x80000000u};

static void nanoseconds(int big_endian)
{
	struct capbuf b = cap_new(MAGIC_NSEC, big_endian, 65535, LINKTYPE_ETHERNET);
	size_t n = sizeof nsec_fractions / sizeof nsec_fractions[0];
	struct outcome o;

	for (size_t i = 0; i < n; i++)
		cap_record(&b, 1700000000u, nsec_fractions[i], 60, 60);
	read_both_taken(&b, &o);
	assert_int_equal(o.packets, n);
	assert_int_equal(o.end, 0);
	assert_int_equal(o.first[0].ts.tv_usec, 999999);
	assert_int_equal(o.first[1].ts.tv_usec, 1);
	assert_int_equal(o.first[2].ts.tv_usec, 0);
	assert_int_equal(o.first[7].ts.tv_usec, 1500000);
	/* signed in the host's byte order, unsigned when libpcap swaps them */
	if (big_endian) {
		assert_true(o.first[8].ts.tv_usec == 4294967);
		assert_true(o.first[9].ts.tv_usec == 4294966);
		assert_true(o.first[10].ts.tv_usec == 2147483);
	} else {
		assert_true(o.first[8].ts.tv_usec == 0);  /* -1 ns */
		assert_true(o.first[9].ts.tv_usec == -1); /* -1000 ns */
		assert_true(o.first[10].ts.tv_usec == -2147483);
	}
}

static void test_nanoseconds(void **st)
{
	(void)st;
	nanoseconds(0);
	nanoseconds(1);
}

/* libpcap 1.10.3 reads a record's times as signed 32-bit numbers in a
 * file of the host's byte order, and as unsigned ones in a byte-swapped
 * file (its SWAPLONG gives an unsigned int). */
static void signed_times(uint32_t magic, int big_endian)
{
	static const uint32_t seconds[] = {0x80000000u, 0xffffffffu, 0x7fffffffu, 0, 0xfffffffeu};
	struct capbuf b = cap_new(magic, big_endian, 65535, LINKTYPE_ETHERNET);
	struct outcome o;

	for (size_t i = 0; i < 5; i++)
		cap_record(&b, seconds[i], i == 1 ? 0xffffffffu : 123456u, 42, 42);
	read_both_taken(&b, &o);
	assert_int_equal(o.packets, 5);
	assert_true(o.first[2].ts.tv_sec == INT32_MAX);
	if (big_endian) {
		assert_true(o.first[0].ts.tv_sec == 0x80000000);
		assert_true(o.first[1].ts.tv_sec == 0xffffffff);
		assert_true(o.first[1].ts.tv_usec == (magic == MAGIC_NSEC ? 4294967 : 0xffffffff));
	} else {
		assert_true(o.first[0].ts.tv_sec == INT32_MIN);
		assert_true(o.first[1].ts.tv_sec == -1);
		assert_true(o.first[1].ts.tv_usec == (magic == MAGIC_NSEC ? 0 : -1));
	}
}

static void test_signed_times(void **st)
{
	(void)st;
	signed_times(MAGIC_USEC, 0);
	signed_times(MAGIC_USEC, 1);
	signed_times(MAGIC_NSEC, 0);
	signed_times(MAGIC_NSEC, 1);
}

static void test_header_only(void **st)
{
	struct capbuf b = cap_new(MAGIC_USEC, 0, 65535, LINKTYPE_ETHERNET);
	struct outcome o;

	(void)st;
	read_both_taken(&b, &o);
	assert_int_equal(o.packets, 0);
	assert_int_equal(o.end, 0);
}

/* libpcap 1.10.3 replaces a snapshot length of 0 or above INT_MAX with
 * 262144 for Ethernet; one in between it keeps, and pcapfile then
 * declines the file. */
static void test_snaplen_adjusted(void **st)
{
	static const uint32_t snaplens[] = {0, 0x80000000u, 0xffffffffu};
	struct outcome o;

	(void)st;
	for (size_t i = 0; i < sizeof snaplens / sizeof snaplens[0]; i++) {
		struct capbuf b = cap_new(MAGIC_USEC, 0, snaplens[i], LINKTYPE_ETHERNET);

		cap_record(&b, 1, 2, 100, 100);
		cap_record(&b, 1, 3, MAX_CAPLEN, MAX_CAPLEN + 10);
		cap_record(&b, 1, 4, 7, 7);
		cap_record_header(&b, 1, 5, MAX_CAPLEN + 1, MAX_CAPLEN + 1);
		cap_payload(&b, MAX_CAPLEN + 1, 5);
		expect_error(&b, &o, 3,
			     "invalid packet capture length 262145, bigger than snaplen of 262144");
		assert_int_equal(o.snapshot, MAX_CAPLEN);
	}

	struct capbuf big = cap_new(MAGIC_USEC, 0, 300000, LINKTYPE_ETHERNET);
	cap_record(&big, 1, 2, 100, 100);
	read_both(&big, &o);
	assert_int_equal(o.libpcap_opened, 1);
	assert_int_equal(o.snapshot, 300000);
	assert_int_equal(o.taken, 0);
}

/* A record longer than the snapshot length (but sane) is cut to it. */
static void test_caplen_over_snaplen_cut(void **st)
{
	static const uint32_t snaplens[] = {1, 64, 100, 1500, 65535};
	struct outcome o;

	(void)st;
	for (size_t i = 0; i < sizeof snaplens / sizeof snaplens[0]; i++) {
		uint32_t snap = snaplens[i];
		struct capbuf b = cap_new(MAGIC_USEC, i % 2 != 0, snap, LINKTYPE_ETHERNET);

		cap_record(&b, 10, 1, snap, snap);
		cap_record(&b, 10, 2, snap + 1, snap + 1);
		cap_record(&b, 10, 3, snap + 5000, snap + 6000);
		cap_record(&b, 10, 4, MAX_CAPLEN, MAX_CAPLEN);
		cap_record(&b, 10, 5, 0, 0);
		cap_record(&b, 10, 6, snap + 50, 20); /* wire length below the captured length */
		read_both_taken(&b, &o);
		assert_int_equal(o.packets, 6);
		assert_int_equal(o.end, 0);
		for (size_t k = 0; k < 6; k++)
			assert_int_equal(o.first[k].caplen, k == 4 ? 0 : snap);
		assert_int_equal(o.first[2].len, snap + 6000);
		assert_int_equal(o.first[5].len, 20);
	}
}

/* Above 262144 bytes a record is an error, not cut. */
static void test_caplen_over_maximum(void **st)
{
	static const uint32_t caplens[] = {MAX_CAPLEN + 1, 1u << 20, 0x7fffffffu, 0xffffffffu};
	struct outcome o;

	(void)st;
	for (size_t i = 0; i < sizeof caplens / sizeof caplens[0]; i++) {
		struct capbuf b = cap_new(MAGIC_USEC, i % 2 != 0, 65535, LINKTYPE_ETHERNET);

		cap_record(&b, 10, 1, 60, 60);
		cap_record_header(&b, 10, 2, caplens[i], 60);
		cap_payload(&b, 300, 9);
		expect_error(&b, &o, 1, "invalid packet capture length %u, bigger than snaplen of 65535",
			     caplens[i]);
	}
}

/* The file ends inside a record header: every cut from 1 to 15 bytes. */
static void test_truncated_record_header(void **st)
{
	struct outcome o;

	(void)st;
	for (size_t cut = 1; cut < 16; cut++) {
		struct capbuf b = cap_new(MAGIC_USEC, cut % 2 == 0, 65535, LINKTYPE_ETHERNET);

		cap_record(&b, 10, 1, 70, 70);
		cap_record(&b, 10, 2, 71, 71);
		cap_record_header(&b, 10, 3, 72, 72);
		b.len -= 16 - cut;
		expect_error(&b, &o, 2, "truncated dump file; tried to read 16 header bytes, only got %zu",
			     cut);
	}
}

/* The file ends inside a record's bytes. */
static void test_truncated_record_data(void **st)
{
	static const uint32_t present[] = {0, 1, 40, 99};
	struct outcome o;

	(void)st;
	for (size_t i = 0; i < sizeof present / sizeof present[0]; i++) {
		struct capbuf b = cap_new(MAGIC_USEC, i % 2 != 0, 65535, LINKTYPE_ETHERNET);

		cap_record(&b, 10, 1, 70, 70);
		cap_record_header(&b, 10, 2, 100, 100);
		cap_payload(&b, present[i], 3);
		expect_error(&b, &o, 1,
			     "truncated dump file; tried to read 100 captured bytes, only got %u",
			     present[i]);
	}
}

/* The file ends inside a record longer than the snapshot length: libpcap
 * names the snapshot length when the cut comes before it, the record's
 * length after (also past its 4096-byte discard chunks). */
static void test_truncated_record_over_snaplen(void **st)
{
	static const struct {
		uint32_t caplen, present, tried;
	} cases[] = {
		{100, 0, 64},	     {100, 30, 64},	   {100, 63, 64},	{100, 64, 100},
		{100, 80, 100},	     {100, 99, 100},	   {10000, 4000, 10000}, {10000, 4160, 10000},
		{10000, 9999, 10000}, {MAX_CAPLEN, 200000, MAX_CAPLEN},
	};
	struct outcome o;

	(void)st;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct capbuf b = cap_new(MAGIC_USEC, i % 2 != 0, 64, LINKTYPE_ETHERNET);

		cap_record(&b, 10, 1, 50, 50);
		cap_record(&b, 10, 2, 70, 70);
		cap_record_header(&b, 10, 3, cases[i].caplen, cases[i].caplen);
		cap_payload(&b, cases[i].present, 3);
		expect_error(&b, &o, 2,
			     "truncated dump file; tried to read %u captured bytes, only got %u",
			     cases[i].tried, cases[i].present);
		assert_int_equal(o.first[1].caplen, 64);
	}
}

/* More than the 1 MiB buffer: records straddle each refill. */
static void test_larger_than_buffer(void **st)
{
	struct capbuf b = cap_new(MAGIC_USEC, 0, 65535, LINKTYPE_ETHERNET);
	struct outcome o;

	(void)st;
	for (uint32_t i = 0; i < 3000; i++)
		cap_record(&b, 1700000000u + i / 100, i * 37u % 1000000u, 1500, 1500 + i % 2);
	read_both_taken(&b, &o);
	assert_int_equal(o.packets, 3000);
	assert_int_equal(o.end, 0);
}

/* Records of the largest size: one whose header is split by the end of
 * the first buffer, then whole 262144-byte records across refills, and
 * a file that ends inside one of them after a refill. */
static void test_straddling_refills(void **st)
{
	struct outcome o;
	/* pcapfile's first read: the buffer's size from just after the file header */
	const size_t first_buffer_end = ARGUS_PCAPFILE_BUFSIZE;

	(void)st;
	for (int damaged = 0; damaged < 2; damaged++) {
		struct capbuf b = cap_new(MAGIC_USEC, damaged, 0, LINKTYPE_ETHERNET);
		size_t body;

		for (uint32_t i = 0; i < 3; i++)
			cap_record(&b, 1, i, MAX_CAPLEN, MAX_CAPLEN);
		/* the next record header starts 8 bytes before the buffer's end */
		body = b.len - 24;
		cap_record(&b, 1, 3, (uint32_t)(first_buffer_end - 8 - body - 16),
			   MAX_CAPLEN);
		assert_int_equal(b.len - 24, first_buffer_end - 8);
		for (uint32_t i = 4; i < 10; i++)
			cap_record(&b, 1, i, MAX_CAPLEN, MAX_CAPLEN);
		cap_record(&b, 1, 10, 77, 77);
		if (damaged) {
			cap_record_header(&b, 1, 11, MAX_CAPLEN, MAX_CAPLEN);
			cap_payload(&b, MAX_CAPLEN - 1, 11);
		}
		read_both_taken(&b, &o);
		assert_int_equal(o.packets, 11);
		assert_int_equal(o.first[3].caplen, first_buffer_end - 8 - (3 * (MAX_CAPLEN + 16)) - 16);
		assert_int_equal(o.end, damaged ? -1 : 0);
		if (damaged)
			assert_string_equal(
				o.err, "truncated dump file; tried to read 262144 captured bytes, only got 262143");
	}
}

/* Many small files of random records, some damaged at the end. */
static uint32_t rng_state = 12345;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static void test_random_files(void **st)
{
	static const uint32_t snaplens[] = {0, 1, 16, 64, 65535, MAX_CAPLEN, 0x80000000u};
	static const uint32_t linktypes[] = {LINKTYPE_ETHERNET, LINKTYPE_RAW, LINKTYPE_LINUX_SLL};
	struct outcome o;
	unsigned taken = 0;

	(void)st;
	for (int file = 0; file < 200; file++) {
		uint32_t r = rng();
		uint32_t magic = r & 1 ? MAGIC_NSEC : MAGIC_USEC;
		uint32_t snap = snaplens[(r >> 2) % (sizeof snaplens / sizeof snaplens[0])];
		struct capbuf b = cap_new(magic, (r >> 1) & 1, snap, linktypes[(r >> 5) % 3]);
		uint32_t records = rng() % 12;

		for (uint32_t i = 0; i < records; i++) {
			uint32_t caplen = rng() % 8 == 0 ? rng() % 300000u : rng() % 200u;

			cap_record(&b, rng(), rng(), caplen, rng() % 3 == 0 ? rng() : caplen);
		}
		if (b.len > 24 && rng() % 2)
			b.len -= rng() % (b.len - 24);
		read_both(&b, &o);
		assert_int_equal(o.libpcap_opened, 1);
		taken += o.taken == 1;
	}
	assert_true(taken > 100);
}

/* ---- files pcapfile leaves to libpcap -------------------------------------------- */

static void assert_declined(struct capbuf *b)
{
	struct outcome o;

	read_both(b, &o);
	assert_int_equal(o.libpcap_opened, 1);
	assert_int_equal(o.taken, 0);
}

static void test_declines_pcapng(void **st)
{
	struct capbuf b = {0};

	(void)st;
	/* section header block */
	cap_u32(&b, 0x0a0d0d0au);
	cap_u32(&b, 28);
	cap_u32(&b, 0x1a2b3c4du);
	cap_u16(&b, 1);
	cap_u16(&b, 0);
	cap_u32(&b, 0xffffffffu); /* section length unknown */
	cap_u32(&b, 0xffffffffu);
	cap_u32(&b, 28);
	/* interface description block: Ethernet, snaplen 65535 */
	cap_u32(&b, 1);
	cap_u32(&b, 20);
	cap_u16(&b, 1);
	cap_u16(&b, 0);
	cap_u32(&b, 65535);
	cap_u32(&b, 20);
	assert_declined(&b);
}

static void test_declines_old_versions(void **st)
{
	(void)st;
	for (uint16_t minor = 0; minor < 4; minor++) {
		struct capbuf b = {0};

		cap_file_header(&b, MAGIC_USEC, 2, minor, 65535, LINKTYPE_ETHERNET);
		cap_record(&b, 1, 2, 60, 80);
		assert_declined(&b);
	}
}

/* libpcap refuses these; pcapfile never sees them. */
static void test_libpcap_refuses(void **st)
{
	static const uint16_t versions[][2] = {{1, 4}, {2, 5}, {3, 0}, {543, 1}};
	struct outcome o;

	(void)st;
	for (size_t i = 0; i < sizeof versions / sizeof versions[0]; i++) {
		struct capbuf b = {0};

		cap_file_header(&b, MAGIC_USEC, versions[i][0], versions[i][1], 65535, 1);
		read_both(&b, &o);
		assert_int_equal(o.libpcap_opened, 0);
	}
	for (size_t len = 0; len < 24; len++) {
		struct capbuf b = cap_new(MAGIC_USEC, 0, 65535, LINKTYPE_ETHERNET);

		b.len = len;
		read_both(&b, &o);
		assert_int_equal(o.libpcap_opened, 0);
	}
}

static void test_declines_kuznetzov(void **st)
{
	(void)st;
	for (int big_endian = 0; big_endian < 2; big_endian++) {
		struct capbuf b = cap_new(MAGIC_KUZNETZOV, big_endian, 65535, LINKTYPE_RAW);
		struct capbuf e = cap_new(MAGIC_KUZNETZOV, big_endian, 65535, LINKTYPE_ETHERNET);

		assert_declined(&b);
		assert_declined(&e);
	}
}

/* libpcap rewrites the cooked header of a byte-swapped Linux SLL file. */
static void test_declines_swapped_sll(void **st)
{
	struct capbuf b = cap_new(MAGIC_USEC, 1, 65535, LINKTYPE_LINUX_SLL);

	(void)st;
	cap_record(&b, 1, 2, 60, 60);
	assert_declined(&b);

	struct capbuf same_order = cap_new(MAGIC_USEC, 0, 65535, LINKTYPE_LINUX_SLL);
	struct outcome o;
	cap_record(&same_order, 1, 2, 60, 60);
	read_both_taken(&same_order, &o);
	assert_int_equal(o.packets, 1);
}

/* libpcap corrects the wire length of some Linux USB (memory-mapped)
 * records even in a file of the host's byte order: an incoming
 * isochronous completion whose length was computed from the URB length
 * gets the length its descriptors give. */
static void test_usb_mmapped_length_fixup(void **st)
{
	struct capbuf b = cap_new(MAGIC_USEC, 0, 65535, LINKTYPE_USB_LINUX_MMAPPED);
	uint8_t usb[64 + 16];
	uint32_t v;
	struct outcome o;

	(void)st;
	memset(usb, 0, sizeof usb);
	usb[8] = 'C';	/* event_type: complete */
	usb[9] = 0;	/* transfer_type: isochronous */
	usb[10] = 0x81; /* endpoint 1, in */
	usb[15] = 0;	/* data_flag: data present */
	v = 100;
	memcpy(usb + 32, &v, 4); /* urb_len */
	v = 1;
	memcpy(usb + 60, &v, 4); /* ndesc */
	v = 0;
	memcpy(usb + 64 + 4, &v, 4); /* descriptor 0: offset */
	v = 200;
	memcpy(usb + 64 + 8, &v, 4); /* descriptor 0: len */
	cap_record_header(&b, 1, 2, sizeof usb, 64 + 16 + 100);
	cap_append(&b, usb, sizeof usb);
	read_both(&b, &o);
	assert_int_equal(o.libpcap_opened, 1);
	/* libpcap reports 280 as the wire length, not the file's 180 */
	assert_int_equal(o.taken, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_usec_little_endian),
		cmocka_unit_test(test_big_endian),
		cmocka_unit_test(test_nanoseconds),
		cmocka_unit_test(test_signed_times),
		cmocka_unit_test(test_header_only),
		cmocka_unit_test(test_snaplen_adjusted),
		cmocka_unit_test(test_caplen_over_snaplen_cut),
		cmocka_unit_test(test_caplen_over_maximum),
		cmocka_unit_test(test_truncated_record_header),
		cmocka_unit_test(test_truncated_record_data),
		cmocka_unit_test(test_truncated_record_over_snaplen),
		cmocka_unit_test(test_larger_than_buffer),
		cmocka_unit_test(test_straddling_refills),
		cmocka_unit_test(test_random_files),
		cmocka_unit_test(test_declines_pcapng),
		cmocka_unit_test(test_declines_old_versions),
		cmocka_unit_test(test_libpcap_refuses),
		cmocka_unit_test(test_declines_kuznetzov),
		cmocka_unit_test(test_declines_swapped_sll),
		cmocka_unit_test(test_usb_mmapped_length_fixup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
