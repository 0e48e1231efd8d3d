/* The floor for bench/run: read a capture with libpcap and count its
 * packets, nothing else.  Built by bench/run, not by make.
 *
 *   cc -O2 -o pcaploop pcaploop.c -lpcap
 *   pcaploop FILE      prints the number of packets read
 */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>

static void count_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	(void)h;
	(void)bytes;
	++*(uint64_t *)(void *)user;
}

int main(int argc, char **argv)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	uint64_t packets = 0;
	pcap_t *p;
	int n;

	if (argc != 2) {
		fprintf(stderr, "usage: pcaploop FILE\n");
		return 2;
	}
	p = pcap_open_offline(argv[1], errbuf);
	if (!p) {
		fprintf(stderr, "pcaploop: %s: %s\n", argv[1], errbuf);
		return 1;
	}
	while ((n = pcap_dispatch(p, -1, count_packet, (u_char *)&packets)) > 0)
		;
	if (n == PCAP_ERROR) {
		fprintf(stderr, "pcaploop: %s: %s\n", argv[1], pcap_geterr(p));
		pcap_close(p);
		return 1;
	}
	pcap_close(p);
	printf("%llu\n", (unsigned long long)packets);
	return 0;
}
