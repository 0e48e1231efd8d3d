/* IS-IS PDUs keyed as Argus 3.0.8 keys them: one one-way flow per PDU
 * type, sender and content (the ARGUS_KEY_ISIS layout is in record.h). */
#ifndef ARGUS_CORE_ISIS_H
#define ARGUS_CORE_ISIS_H

#include <stddef.h>
#include <stdint.h>

#include <argus/packet.h>
#include <argus/record.h>

#define ARGUS_NLPID_ISIS 0x83

/* Key an OSI frame (ARGUS_PKT_OSI, l3 at the NLPID) whose PDU Argus keys
 * as IS-IS: 0 with K filled in.  -1 for anything else (another NLPID, a
 * point-to-point hello, a header Argus does not accept, a capture too
 * short for the fields keyed): Argus keys those as an Ethernet flow. */
int argus_isis_key(const struct argus_packet *pkt, struct argus_flow_key *k);

/* "L1-IIH", "L2-LSP", ... for a PDU type; NULL if not one Argus keys. */
const char *argus_isis_pdu_name(uint8_t pdu_type);

/* Text of the id at saddr[6..] / daddr[6..] of an ISIS key, as ra 3.0.8
 * writes it: "1921.6800.1001" (system id), "1921.6800.1001.02" (LAN or
 * source id), "1921.6800.1001.00-00" (LSP id), "0x00000009" (sequence
 * number); "" where the PDU has none. */
void argus_isis_src_text(const struct argus_flow_key *k, char *buf, size_t n);
void argus_isis_dst_text(const struct argus_flow_key *k, char *buf, size_t n);

#endif
