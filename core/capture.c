/* libpcap packet sources. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <sys/socket.h>
#endif

#include "capture.h"
#include "dissect.h"
#include "share.h"
#include "pcapfile.h"

#define BATCH 512

static int apply_filter(struct argus_capture *c, const char *bpf, int optimize, char *err,
			size_t errlen)
{
	if (!bpf || !*bpf)
		return 0;
	if (pcap_compile(c->pcap, &c->filter, bpf, optimize, PCAP_NETMASK_UNKNOWN) != 0) {
		snprintf(err, errlen, "capture filter '%s': %s", bpf, pcap_geterr(c->pcap));
		return -1;
	}
	c->has_filter = 1;
	if (pcap_setfilter(c->pcap, &c->filter) != 0) {
		snprintf(err, errlen, "capture filter '%s': %s", bpf, pcap_geterr(c->pcap));
		return -1;
	}
	return 0;
}

/* Read a classic pcap file in blocks from here on, when it can be. */
static int take_over_file(struct argus_capture *c, const char *path, char *err, size_t errlen)
{
	const char *reader = getenv("ARGUS_PCAP_READER");
	struct argus_pcapfile *f;
	int fd, rc;

	if (reader && strcmp(reader, "libpcap") == 0)
		return 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0; /* libpcap has it open already */
	if (!(f = malloc(sizeof *f))) {
		close(fd);
		snprintf(err, errlen, "%s: out of memory", c->name);
		return -1;
	}
	rc = argus_pcapfile_open_fd(f, fd, c->dlt, (uint32_t)pcap_snapshot(c->pcap));
	if (rc <= 0) {
		free(f);
		close(fd);
		if (rc < 0)
			snprintf(err, errlen, "%s: out of memory", c->name);
		return rc;
	}
	c->blocks = f;
	return 0;
}

static int check_link(struct argus_capture *c, char *err, size_t errlen)
{
	const char *name, *desc;

	c->dlt = pcap_datalink(c->pcap);
	if (argus_dissect_link_supported(c->dlt))
		return 0;
	name = pcap_datalink_val_to_name(c->dlt);
	desc = pcap_datalink_val_to_description(c->dlt);
	if (name)
		snprintf(err, errlen, "%s: link type %s (%s) is not supported", c->name, name,
			 desc ? desc : "no description");
	else
		snprintf(err, errlen, "%s: link type %d (unknown to libpcap) is not supported",
			 c->name, c->dlt);
	return -1;
}

int argus_capture_open_file(struct argus_capture *c, const char *path, const char *bpf,
			    int optimize, char *err, size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE] = "";
	struct stat st;

	memset(c, 0, sizeof *c);
	c->fd = -1;
	snprintf(c->name, sizeof c->name, "%s", strcmp(path, "-") == 0 ? "(stdin)" : path);
	if (strcmp(path, "-") != 0) {
		if (stat(path, &st) != 0) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			return -1;
		}
		if (S_ISDIR(st.st_mode)) {
			snprintf(err, errlen, "%s: is a directory", path);
			return -1;
		}
		if (S_ISREG(st.st_mode))
			c->file_size = (uint64_t)st.st_size;
	}
	c->pcap = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_MICRO, perr);
	if (!c->pcap) {
		if (strstr(perr, "unknown file format") || strstr(perr, "bad dump file format"))
			snprintf(err, errlen, "%s: not a pcap or pcapng capture (%s)", c->name, perr);
		else
			snprintf(err, errlen, "%s: %s", c->name, perr);
		return -1;
	}
	if (check_link(c, err, errlen) != 0 || apply_filter(c, bpf, optimize, err, errlen) != 0 ||
	    (c->file_size && take_over_file(c, path, err, errlen) != 0)) {
		argus_capture_close(c);
		return -1;
	}
	return 0;
}

int argus_capture_open_live(struct argus_capture *c, const char *iface, const char *bpf,
			    const struct argus_live_opts *o, char *err, size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE] = "";
	int rc;

	memset(c, 0, sizeof *c);
	c->fd = -1;
	snprintf(c->name, sizeof c->name, "%s", iface);
	c->live = 1;
	c->pcap = pcap_create(iface, perr);
	if (!c->pcap) {
		snprintf(err, errlen, "%s: %s", iface, perr);
		return -1;
	}
	pcap_set_snaplen(c->pcap, o->snaplen);
	pcap_set_promisc(c->pcap, o->promisc);
	/* without immediate mode libpcap uses TPACKET_V3: the kernel hands
	 * over blocks of packets, at the latest after this timeout */
	pcap_set_timeout(c->pcap, 100);
	pcap_set_immediate_mode(c->pcap, o->immediate);
	if (o->buffer_size > 0)
		pcap_set_buffer_size(c->pcap, (int)o->buffer_size);
	rc = pcap_activate(c->pcap);
	if (rc < 0) {
		if (rc == PCAP_ERROR)
			snprintf(err, errlen, "%s: %s", iface, pcap_geterr(c->pcap));
		else if (rc == PCAP_ERROR_NO_SUCH_DEVICE || rc == PCAP_ERROR_PERM_DENIED)
			snprintf(err, errlen, "%s: %s (%s)", iface, pcap_statustostr(rc),
				 pcap_geterr(c->pcap));
		else
			snprintf(err, errlen, "%s: %s", iface, pcap_statustostr(rc));
		goto fail;
	}
	if (check_link(c, err, errlen) != 0 || apply_filter(c, bpf, o->optimize, err, errlen) != 0)
		goto fail;
	if (pcap_setnonblock(c->pcap, 1, perr) != 0) {
		snprintf(err, errlen, "%s: %s", iface, perr);
		goto fail;
	}
	c->fd = pcap_get_selectable_fd(c->pcap);
	if (c->fd < 0) {
		snprintf(err, errlen, "%s: this capture device cannot be polled", iface);
		goto fail;
	}
	return 0;
fail:
	argus_capture_close(c);
	return -1;
}

#if defined(__linux__) && defined(PACKET_FANOUT_CBPF)
#define FANOUT_INSN(code, jt, jf, k) {(uint16_t)(code), (uint8_t)(jt), (uint8_t)(jf), (uint32_t)(k)}
#define LD_NET(off) FANOUT_INSN(BPF_LD | BPF_W | BPF_ABS, 0, 0, SKF_NET_OFF + (off))
#define XOR_NET(off) FANOUT_INSN(BPF_MISC | BPF_TAX, 0, 0, 0), LD_NET(off), \
	FANOUT_INSN(BPF_ALU | BPF_XOR | BPF_X, 0, 0, 0)

/* argus_flowtable_share_of in classic BPF, on the IP header the kernel
 * found (network-header offsets: the same for packets received and sent,
 * whatever the link header); the kernel takes the result modulo the
 * group's size.  Jumps count the instructions they skip. */
static const struct sock_filter fanout_program[] = {
	FANOUT_INSN(BPF_LD | BPF_W | BPF_ABS, 0, 0, SKF_AD_OFF + SKF_AD_PROTOCOL),
	FANOUT_INSN(BPF_JMP | BPF_JEQ | BPF_K, 2, 0, 0x0800), /* to IPv4 */
	FANOUT_INSN(BPF_JMP | BPF_JEQ | BPF_K, 5, 0, 0x86dd), /* to IPv6 */
	FANOUT_INSN(BPF_RET | BPF_K, 0, 0, 0),
	/* IPv4: X = source, A = destination */
	LD_NET(12), FANOUT_INSN(BPF_MISC | BPF_TAX, 0, 0, 0), LD_NET(16),
	FANOUT_INSN(BPF_JMP | BPF_JA, 0, 0, 22), /* to the pair */
	/* IPv6: each address's four words XORed; X = source, A = destination */
	LD_NET(8), XOR_NET(12), XOR_NET(16), XOR_NET(20),
	FANOUT_INSN(BPF_ST, 0, 0, 1),
	LD_NET(24), XOR_NET(28), XOR_NET(32), XOR_NET(36),
	FANOUT_INSN(BPF_LDX | BPF_W | BPF_MEM, 0, 0, 1),
	/* the pair: lower * MUL0 ^ higher */
	FANOUT_INSN(BPF_JMP | BPF_JGT | BPF_X, 3, 0, 0),
	FANOUT_INSN(BPF_ALU | BPF_MUL | BPF_K, 0, 0, ARGUS_SHARE_MUL0),
	FANOUT_INSN(BPF_ALU | BPF_XOR | BPF_X, 0, 0, 0),
	FANOUT_INSN(BPF_JMP | BPF_JA, 0, 0, 5), /* to the mix */
	FANOUT_INSN(BPF_ST, 0, 0, 0),
	FANOUT_INSN(BPF_MISC | BPF_TXA, 0, 0, 0),
	FANOUT_INSN(BPF_ALU | BPF_MUL | BPF_K, 0, 0, ARGUS_SHARE_MUL0),
	FANOUT_INSN(BPF_LDX | BPF_W | BPF_MEM, 0, 0, 0),
	FANOUT_INSN(BPF_ALU | BPF_XOR | BPF_X, 0, 0, 0),
	/* the mix */
	FANOUT_INSN(BPF_ALU | BPF_MUL | BPF_K, 0, 0, ARGUS_SHARE_MUL1),
	FANOUT_INSN(BPF_MISC | BPF_TAX, 0, 0, 0),
	FANOUT_INSN(BPF_ALU | BPF_RSH | BPF_K, 0, 0, ARGUS_SHARE_SHIFT1),
	FANOUT_INSN(BPF_ALU | BPF_XOR | BPF_X, 0, 0, 0),
	FANOUT_INSN(BPF_ALU | BPF_MUL | BPF_K, 0, 0, ARGUS_SHARE_MUL2),
	FANOUT_INSN(BPF_MISC | BPF_TAX, 0, 0, 0),
	FANOUT_INSN(BPF_ALU | BPF_RSH | BPF_K, 0, 0, ARGUS_SHARE_SHIFT2),
	FANOUT_INSN(BPF_ALU | BPF_XOR | BPF_X, 0, 0, 0),
	FANOUT_INSN(BPF_RET | BPF_A, 0, 0, 0),
};

const struct sock_filter *argus_capture_fanout_program(size_t *n)
{
	*n = sizeof fanout_program / sizeof fanout_program[0];
	return fanout_program;
}

int argus_capture_join_fanout(struct argus_capture *c, uint16_t *group, unsigned count, char *err,
			      size_t errlen)
{
	struct sock_fprog prog = {(unsigned short)(sizeof fanout_program / sizeof fanout_program[0]),
				  (struct sock_filter *)(uintptr_t)fanout_program};
	int fd = pcap_fileno(c->pcap);
	int mode = PACKET_FANOUT_CBPF, arg;
	socklen_t len = sizeof arg;

	(void)count; /* the kernel divides by the group's size */
	for (;;) {
		arg = (*group ? *group : 0) | (mode << 16);
		if (!*group)
			arg |= PACKET_FANOUT_FLAG_UNIQUEID << 16;
		if (setsockopt(fd, SOL_PACKET, PACKET_FANOUT, &arg, sizeof arg) == 0)
			break;
		if (mode == PACKET_FANOUT_CBPF && errno == EINVAL) {
			mode = PACKET_FANOUT_HASH; /* a kernel before 4.3 */
			continue;
		}
		snprintf(err, errlen, "%s: joining the threads' fanout group: %s", c->name,
			 strerror(errno));
		return -1;
	}
	if (!*group) {
		if (getsockopt(fd, SOL_PACKET, PACKET_FANOUT, &arg, &len) != 0) {
			snprintf(err, errlen, "%s: the threads' fanout group: %s", c->name,
				 strerror(errno));
			return -1;
		}
		*group = (uint16_t)(arg & 0xffff);
	}
	/* every member sets it: the group outlives any one of them */
	if (mode == PACKET_FANOUT_CBPF &&
	    setsockopt(fd, SOL_PACKET, PACKET_FANOUT_DATA, &prog, sizeof prog) != 0) {
		snprintf(err, errlen, "%s: the threads' fanout program: %s", c->name,
			 strerror(errno));
		return -1;
	}
	return 0;
}
#else
const struct sock_filter *argus_capture_fanout_program(size_t *n)
{
	*n = 0;
	return NULL;
}

int argus_capture_join_fanout(struct argus_capture *c, uint16_t *group, unsigned count, char *err,
			      size_t errlen)
{
	(void)group;
	(void)count;
	snprintf(err, errlen, "%s: this system has no packet fanout for threads", c->name);
	return -1;
}
#endif

int argus_capture_dump_filter(struct argus_capture *c, const char *bpf, int optimize, char *err,
			      size_t errlen)
{
	struct bpf_program prog;

	if (pcap_compile(c->pcap, &prog, bpf ? bpf : "", optimize, PCAP_NETMASK_UNKNOWN) != 0) {
		snprintf(err, errlen, "capture filter '%s': %s", bpf ? bpf : "",
			 pcap_geterr(c->pcap));
		return -1;
	}
	fflush(stdout);
	bpf_dump(&prog, 1); /* on stdout, as tcpdump -d */
	fflush(stdout);
	pcap_freecode(&prog);
	return 0;
}

struct dispatch_ctx {
	argus_packets_fn fn;
	void *ctx;
	int dlt;
};

static void dispatch_one(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
	const struct dispatch_ctx *d = (const struct dispatch_ctx *)(void *)user;
	d->fn(d->ctx, d->dlt, h, &data, 1);
}

/* Packets go to FN in runs of up to RUN, taken from the block reader's
 * buffer without moving it; a record that needs the slow path (a refill,
 * a damaged header) ends the run and goes alone. */
#define RUN 32

static int dispatch_blocks(struct argus_capture *c, argus_packets_fn fn, void *ctx, int *eof,
			   char *err, size_t errlen)
{
	struct pcap_pkthdr h[RUN];
	const uint8_t *data[RUN];
	int n = 0;

	while (n < BATCH) {
		unsigned got = 0;
		int r;
		if (c->stop) {
			c->stop = 0;
			return n;
		}
		while (got < RUN && argus_pcapfile_take(c->blocks, &h[got], &data[got]))
			if (!c->has_filter || pcap_offline_filter(&c->filter, &h[got], data[got]))
				got++;
		if (got > 0) {
			fn(ctx, c->dlt, h, data, got);
			n += (int)got;
			continue;
		}
		r = argus_pcapfile_next_slow(c->blocks, &h[0], &data[0]);
		if (r == 0) {
			*eof = n == 0;
			return n;
		}
		if (r < 0) {
			snprintf(err, errlen, "%s: %s", c->name, c->blocks->err);
			return -1;
		}
		if (c->has_filter && !pcap_offline_filter(&c->filter, &h[0], data[0]))
			continue;
		fn(ctx, c->dlt, h, data, 1);
		n++;
	}
	return n;
}

int argus_capture_dispatch(struct argus_capture *c, argus_packets_fn fn, void *ctx, int *eof,
			   char *err, size_t errlen)
{
	struct dispatch_ctx d = {fn, ctx, c->dlt};
	int n;

	*eof = 0;
	if (c->blocks)
		return dispatch_blocks(c, fn, ctx, eof, err, errlen);
	n = pcap_dispatch(c->pcap, BATCH, dispatch_one, (u_char *)(void *)&d);
	if (n == PCAP_ERROR) {
		snprintf(err, errlen, "%s: %s", c->name, pcap_geterr(c->pcap));
		return -1;
	}
	if (n == PCAP_ERROR_BREAK)
		return 0;
	if (n == 0 && !c->live)
		*eof = 1;
	return n;
}

uint64_t argus_capture_offset(const struct argus_capture *c)
{
	FILE *f;
	long off;

	if (c->blocks)
		return c->blocks->offset;
	if (c->live || !c->pcap || !(f = pcap_file(c->pcap)))
		return 0;
	off = ftell(f);
	return off > 0 ? (uint64_t)off : 0;
}

void argus_capture_break(struct argus_capture *c)
{
	c->stop = 1;
	if (c->pcap)
		pcap_breakloop(c->pcap);
}

void argus_capture_stats(struct argus_capture *c, uint64_t *received, uint64_t *dropped)
{
	struct pcap_stat ps;

	*received = *dropped = 0;
	if (c->live && c->pcap && pcap_stats(c->pcap, &ps) == 0) {
		*received = ps.ps_recv;
		*dropped = (uint64_t)ps.ps_drop + ps.ps_ifdrop;
	}
}

void argus_capture_close(struct argus_capture *c)
{
	if (c->blocks) {
		argus_pcapfile_close(c->blocks);
		free(c->blocks);
		c->blocks = NULL;
	}
	if (c->has_filter)
		pcap_freecode(&c->filter);
	c->has_filter = 0;
	if (c->pcap)
		pcap_close(c->pcap);
	c->pcap = NULL;
	c->fd = -1;
}
