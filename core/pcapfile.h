/* Classic pcap files read in large blocks.
 *
 * libpcap reads a savefile with two stdio reads per packet; on a busy
 * capture that costs as much as the whole flow table.  This reader takes
 * over after libpcap has opened the file (libpcap still checks the file
 * header, maps the link type and sets the snapshot length) and hands out
 * packets straight from a 1 MiB buffer.  It only takes files whose
 * packets libpcap would hand out unchanged (pcap 2.4, micro- or nanosecond
 * magic, no pseudo-header byte swapping), and where a record is damaged it
 * does what libpcap does: cut to the snapshot length, or stop with
 * libpcap's own message.  Anything else stays with libpcap. */
#ifndef ARGUS_CORE_PCAPFILE_H
#define ARGUS_CORE_PCAPFILE_H

#include <pcap/pcap.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define ARGUS_PCAPFILE_BUFSIZE (1u << 20)

struct argus_pcapfile {
	int fd;
	uint8_t *buf;
	size_t pos, end;   /* unread bytes: buf[pos..end) */
	uint64_t offset;   /* file offset of buf[pos] */
	uint32_t snapshot; /* libpcap's, for this file */
	uint32_t max_caplen;
	uint8_t swapped, nsec;
	char err[PCAP_ERRBUF_SIZE];
};

/* Take over FD (a classic pcap file positioned at its start) if its header
 * allows it: 1 taken (FD now belongs to F), 0 not taken (FD untouched: let
 * libpcap read it), -1 out of memory.  DLT and SNAPSHOT are what libpcap
 * reported for the same file. */
int argus_pcapfile_open_fd(struct argus_pcapfile *f, int fd, int dlt, uint32_t snapshot);
/* The next packet: 1 (H and DATA set; DATA valid until the next call), 0 at
 * the end of the file, -1 with libpcap's message in f->err. */
int argus_pcapfile_next_slow(struct argus_pcapfile *f, struct pcap_pkthdr *h,
			     const uint8_t **data);

static inline uint32_t argus_pcapfile_u32(const uint8_t *p, int swapped)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return swapped ? __builtin_bswap32(v) : v;
}

/* A record's time field as libpcap 1.10 hands it out: a signed 32-bit
 * number, but unsigned in a byte-swapped file (its byte swap yields an
 * unsigned int). */
static inline int64_t argus_pcapfile_time(const uint8_t *p, int swapped)
{
	uint32_t v = argus_pcapfile_u32(p, swapped);
	return swapped ? (int64_t)v : (int64_t)(int32_t)v;
}

/* The common case inline: a whole, sane record already in the buffer.
 * Returns 1 with H and DATA set, or 0 (nothing read) when the record needs
 * argus_pcapfile_next_slow.  The buffer moves only in the slow path, so
 * the bytes of records taken here stay put until then. */
static inline int argus_pcapfile_take_as(struct argus_pcapfile *f, struct pcap_pkthdr *h,
					 const uint8_t **data, int swapped)
{
	const uint8_t *r = f->buf + f->pos;
	size_t left = f->end - f->pos;
	uint32_t caplen;
	int64_t usec;

	if (left < 16)
		return 0;
	caplen = argus_pcapfile_u32(r + 8, swapped);
	if (caplen > f->snapshot || left - 16 < caplen)
		return 0;
	h->ts.tv_sec = (time_t)argus_pcapfile_time(r, swapped);
	usec = argus_pcapfile_time(r + 4, swapped);
	h->ts.tv_usec = (suseconds_t)(f->nsec ? usec / 1000 : usec);
	h->caplen = caplen;
	h->len = argus_pcapfile_u32(r + 12, swapped);
	*data = r + 16;
	f->pos += 16 + (size_t)caplen;
	f->offset += 16 + (uint64_t)caplen;
	return 1;
}

/* One test of the byte order, then a reader specialised for it. */
static inline int argus_pcapfile_take(struct argus_pcapfile *f, struct pcap_pkthdr *h,
				      const uint8_t **data)
{
	return f->swapped ? argus_pcapfile_take_as(f, h, data, 1)
			  : argus_pcapfile_take_as(f, h, data, 0);
}

static inline int argus_pcapfile_next(struct argus_pcapfile *f, struct pcap_pkthdr *h,
				      const uint8_t **data)
{
	return argus_pcapfile_take(f, h, data) ? 1 : argus_pcapfile_next_slow(f, h, data);
}
void argus_pcapfile_close(struct argus_pcapfile *f);

#endif
