/* Link and network layer dissection, in place, with no allocation. */
#ifndef ARGUS_CORE_DISSECT_H
#define ARGUS_CORE_DISSECT_H

#include <stdint.h>

#include <argus/packet.h>

enum argus_dissect_result {
	ARGUS_DISSECT_IP = 0,        /* pkt->l3 is an IPv4/IPv6 header */
	ARGUS_DISSECT_NONIP = 1,     /* Ethernet frame of another protocol (ARP, LLDP, ...) */
	ARGUS_DISSECT_MALFORMED = 2, /* too short or inconsistent to key a flow */
};

/* 1 if the dissector handles libpcap link type DLT. */
int argus_dissect_link_supported(int dlt);

/* Dissect one captured packet of link type DLT into *pkt. */
enum argus_dissect_result argus_dissect(int dlt, const uint8_t *data, uint32_t caplen,
					uint32_t wirelen, int64_t ts_us, struct argus_packet *pkt);

#endif
