/* Packet sources through libpcap: capture files (pcap, pcapng, "-" for
 * standard input) and live interfaces, read in batches.  Classic pcap
 * files libpcap has opened are then read in large blocks (pcapfile.h);
 * ARGUS_PCAP_READER=libpcap in the environment keeps libpcap reading. */
#ifndef ARGUS_CORE_CAPTURE_H
#define ARGUS_CORE_CAPTURE_H

#include <pcap/pcap.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

struct argus_pcapfile;

/* A live interface that failed (went down, vanished) is opened again this
 * often. */
#define ARGUS_CAPTURE_REOPEN_US 5000000

struct argus_capture {
	pcap_t *pcap;
	char name[512];
	int live;
	int dlt;
	int fd;             /* live: the descriptor to poll */
	uint64_t file_size; /* 0 if unknown (stdin, live) */
	/* a classic pcap file read in blocks (NULL: libpcap reads it), with
	 * the capture filter run on its packets */
	struct argus_pcapfile *blocks;
	struct bpf_program filter;
	int has_filter;
	volatile sig_atomic_t stop; /* argus_capture_break on a block reader */
};

/* How a live capture is opened (-s, -p, ARGUS_PCAP_BUF_SIZE,
 * ARGUS_PCAP_IMMEDIATE, -O). */
struct argus_live_opts {
	int snaplen;
	int promisc;
	int immediate; /* every packet at once; else TPACKET_V3 blocks, 100 ms */
	int optimize;  /* BPF optimizer */
	long buffer_size;
};

/* N packets in order: headers h[0..n) and bytes data[0..n), all valid
 * until the call returns. */
typedef void (*argus_packets_fn)(void *ctx, int dlt, const struct pcap_pkthdr *h,
				 const uint8_t *const *data, unsigned n);

int argus_capture_open_file(struct argus_capture *c, const char *path, const char *bpf,
			    int optimize, char *err, size_t errlen);
/* A live interface, non-blocking: poll c->fd, then dispatch. */
int argus_capture_open_live(struct argus_capture *c, const char *iface, const char *bpf,
			    const struct argus_live_opts *o, char *err, size_t errlen);
/* argus --threads on a live interface: join C's socket to the kernel's
 * fanout group *GROUP (0: a new one, whose id is stored there), whose
 * program sends each IP packet to the socket of its flow's share among
 * COUNT (argus_flowtable_share_of), and other packets to the first.  When
 * the kernel has no such program, a symmetric hash of the flow picks the
 * socket.  Linux only; 0, or -1 with the message in err. */
int argus_capture_join_fanout(struct argus_capture *c, uint16_t *group, unsigned count, char *err,
			      size_t errlen);
/* That group's program (classic BPF, N instructions; NULL off Linux). */
struct sock_filter;
const struct sock_filter *argus_capture_fanout_program(size_t *n);
/* Print on stdout the BPF program BPF compiles to for this source's link
 * type (argus -b). */
int argus_capture_dump_filter(struct argus_capture *c, const char *bpf, int optimize, char *err,
			      size_t errlen);
/* Read one batch.  Returns packets handled (>= 0), 0 with *eof set at the
 * end of a file, or -1 with the message in err (truncated file, I/O error,
 * interface gone).  Live sources return 0 when nothing is waiting. */
int argus_capture_dispatch(struct argus_capture *c, argus_packets_fn fn, void *ctx, int *eof,
			   char *err, size_t errlen);
/* Bytes of the file read so far (for progress). */
uint64_t argus_capture_offset(const struct argus_capture *c);
/* Stop a dispatch in progress (safe in a signal handler). */
void argus_capture_break(struct argus_capture *c);
/* Packets received and dropped by the kernel (live only; 0 otherwise). */
void argus_capture_stats(struct argus_capture *c, uint64_t *received, uint64_t *dropped);
void argus_capture_close(struct argus_capture *c);

#endif
