/* Classic pcap files read in large blocks (see pcapfile.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pcapfile.h"

#define FILE_HEADER_LEN 24u
#define RECORD_HEADER_LEN 16u
#define MAGIC_USEC 0xa1b2c3d4u
#define MAGIC_NSEC 0xa1b23c4du
/* libpcap's largest sane packet for every link type argus reads */
#define MAX_CAPLEN 262144u

#define swap32 __builtin_bswap32
#define load32 argus_pcapfile_u32

static uint16_t load16(const uint8_t *p, int swapped)
{
	uint16_t v;
	memcpy(&v, p, 2);
	if (swapped)
		v = (uint16_t)(v >> 8 | v << 8);
	return v;
}

/* Link types whose headers libpcap rewrites when the file's byte order is
 * not the host's are left to libpcap; these are known to need nothing. */
static int swap_safe(int dlt)
{
	return dlt == DLT_EN10MB || dlt == DLT_RAW || dlt == DLT_IPV4 || dlt == DLT_IPV6 ||
	       dlt == DLT_PPP || dlt == DLT_PPP_SERIAL || dlt == DLT_C_HDLC;
}

/* Bytes readable at buf[pos], reading more until NEED are there or the
 * file ends; -1 on a read error (message in f->err). */
static ssize_t fill(struct argus_pcapfile *f, size_t need)
{
	if (f->end - f->pos >= need)
		return (ssize_t)(f->end - f->pos);
	if (f->pos > 0) {
		memmove(f->buf, f->buf + f->pos, f->end - f->pos);
		f->end -= f->pos;
		f->pos = 0;
	}
	while (f->end < need) {
		ssize_t n = read(f->fd, f->buf + f->end, ARGUS_PCAPFILE_BUFSIZE - f->end);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(f->err, sizeof f->err, "error reading dump file: %s", strerror(errno));
			return -1;
		}
		if (n == 0)
			break;
		f->end += (size_t)n;
	}
	return (ssize_t)f->end;
}

int argus_pcapfile_open_fd(struct argus_pcapfile *f, int fd, int dlt, uint32_t snapshot)
{
	uint8_t hdr[FILE_HEADER_LEN];
	uint32_t magic;
	int swapped;
	ssize_t n;

	memset(f, 0, sizeof *f);
	f->fd = -1;
	/* libpcap rewrites the wire length of some Linux USB records whatever
	 * the byte order (fixup_pcap_pkthdr) */
	if (dlt == DLT_DBUS || dlt == DLT_USBPCAP || dlt == DLT_EBHSCR ||
	    dlt == DLT_USB_LINUX_MMAPPED || snapshot == 0 || snapshot > MAX_CAPLEN)
		return 0;
	do
		n = pread(fd, hdr, sizeof hdr, 0);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof hdr)
		return 0;
	memcpy(&magic, hdr, 4);
	swapped = magic != MAGIC_USEC && magic != MAGIC_NSEC;
	if (swapped)
		magic = swap32(magic);
	if (magic != MAGIC_USEC && magic != MAGIC_NSEC)
		return 0; /* pcapng, or a header variant libpcap reads its own way */
	/* before 2.4 the two lengths were (or may have been) the other way round */
	if (load16(hdr + 4, swapped) != 2 || load16(hdr + 6, swapped) != 4)
		return 0;
	if (swapped && !swap_safe(dlt))
		return 0;
	if (lseek(fd, FILE_HEADER_LEN, SEEK_SET) != (off_t)FILE_HEADER_LEN)
		return 0;
	if (!(f->buf = malloc(ARGUS_PCAPFILE_BUFSIZE)))
		return -1;
	f->fd = fd;
	f->offset = FILE_HEADER_LEN;
	f->snapshot = snapshot;
	f->max_caplen = MAX_CAPLEN;
	f->swapped = (uint8_t)swapped;
	f->nsec = magic == MAGIC_NSEC;
	return 1;
}

/* Refill the buffer, or a record libpcap would cut or refuse. */
int argus_pcapfile_next_slow(struct argus_pcapfile *f, struct pcap_pkthdr *h,
			     const uint8_t **data)
{
	const uint8_t *r;
	uint32_t caplen;
	int64_t usec;
	ssize_t avail = fill(f, RECORD_HEADER_LEN);

	if (avail < 0)
		return -1;
	if (avail == 0)
		return 0;
	if (avail < (ssize_t)RECORD_HEADER_LEN) {
		snprintf(f->err, sizeof f->err,
			 "truncated dump file; tried to read %u header bytes, only got %zd",
			 RECORD_HEADER_LEN, avail);
		return -1;
	}
	r = f->buf + f->pos;
	h->ts.tv_sec = (time_t)argus_pcapfile_time(r, f->swapped);
	usec = argus_pcapfile_time(r + 4, f->swapped);
	h->ts.tv_usec = (suseconds_t)(f->nsec ? usec / 1000 : usec);
	caplen = load32(r + 8, f->swapped);
	h->len = load32(r + 12, f->swapped);
	if (caplen > f->max_caplen) {
		if (caplen > f->snapshot)
			snprintf(f->err, sizeof f->err,
				 "invalid packet capture length %u, bigger than snaplen of %u", caplen,
				 f->snapshot);
		else
			snprintf(f->err, sizeof f->err,
				 "invalid packet capture length %u, bigger than maximum of %u", caplen,
				 f->max_caplen);
		return -1;
	}
	f->pos += RECORD_HEADER_LEN;
	f->offset += RECORD_HEADER_LEN;
	avail = fill(f, caplen);
	if (avail < 0)
		return -1;
	if ((size_t)avail < caplen) {
		/* libpcap first reads up to the snapshot length, then the rest */
		snprintf(f->err, sizeof f->err,
			 "truncated dump file; tried to read %u captured bytes, only got %zd",
			 caplen > f->snapshot && (size_t)avail < f->snapshot ? f->snapshot : caplen,
			 avail);
		return -1;
	}
	*data = f->buf + f->pos;
	/* a packet longer than the snapshot length is cut to it, as libpcap does */
	h->caplen = caplen > f->snapshot ? f->snapshot : caplen;
	f->pos += caplen;
	f->offset += caplen;
	return 1;
}

void argus_pcapfile_close(struct argus_pcapfile *f)
{
	if (f->fd >= 0)
		close(f->fd);
	free(f->buf);
	f->buf = NULL;
	f->fd = -1;
}
