/* synflood: write a pcap of TCP SYNs from pseudo-random IPv4 sources and
 * ports to one server, one new flow per packet, for the flow-table cap
 * test.  usage: synflood COUNT [SEED] > flood.pcap */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static uint16_t ip_checksum(const uint8_t *p, size_t n)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* xorshift32: the same flood for the same seed everywhere */
static uint32_t next_random(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

int main(int argc, char **argv)
{
	/* pcap file header: magic, v2.4, zone, sigfigs, snaplen, Ethernet */
	static const uint8_t file_header[24] = {0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0,
						0,    0,    0,    0,    0xff, 0xff, 0, 0, 1, 0, 0, 0};
	uint8_t rec[16 + 54];
	uint8_t *eth = rec + 16, *ip = eth + 14, *tcp = ip + 20;
	unsigned long count;
	uint32_t seed = 42;

	if (argc < 2 || (count = strtoul(argv[1], NULL, 10)) == 0) {
		fprintf(stderr, "usage: synflood COUNT [SEED] > flood.pcap\n");
		return 2;
	}
	if (argc > 2)
		seed = (uint32_t)strtoul(argv[2], NULL, 10) | 1;
	if (fwrite(file_header, sizeof file_header, 1, stdout) != 1)
		return 1;
	memset(rec, 0, sizeof rec);
	/* record header: caplen and len 54 (little-endian, as the magic says) */
	rec[8] = rec[12] = 54;
	memcpy(eth, "\x00\x00\x5e\x00\x53\x01\x00\x00\x5e\x00\x53\x02\x08\x00", 14);
	for (unsigned long i = 0; i < count; i++) {
		uint32_t t_us = (uint32_t)(i * 10); /* 100,000 SYNs per second */
		uint32_t sec = 1700000000u + t_us / 1000000, usec = t_us % 1000000;
		uint32_t src = next_random(&seed);

		for (int b = 0; b < 4; b++) {
			rec[b] = (uint8_t)(sec >> (8 * b));
			rec[4 + b] = (uint8_t)(usec >> (8 * b));
		}
		memset(ip, 0, 40);
		ip[0] = 0x45;
		put16(ip + 2, 40);
		put16(ip + 4, (uint32_t)i);
		ip[8] = 64;
		ip[9] = 6;
		/* sources in 10.0.0.0/8 and 100.64.0.0/10 alternately */
		put32(ip + 12, (i & 1) ? (0x0a000000u | (src & 0xffffff)) : (0x64400000u | (src & 0x3fffff)));
		put32(ip + 16, 0xc0000201u); /* 192.0.2.1 */
		put16(ip + 10, ip_checksum(ip, 20));
		put16(tcp, 1024 + (next_random(&seed) % 64000));
		put16(tcp + 2, 80);
		put32(tcp + 4, next_random(&seed));
		tcp[12] = 5 << 4;
		tcp[13] = 0x02; /* SYN */
		put16(tcp + 14, 64240);
		if (fwrite(rec, sizeof rec, 1, stdout) != 1)
			return 1;
	}
	return fflush(stdout) == 0 ? 0 : 1;
}
