/* argus -w argus-udp://HOST:PORT: push every record to a collector in a
 * UDP datagram of its own, as Argus 3 does (the first one is the stream's
 * opening MAR); Argus 3's ra -S argus-udp://HOST:PORT reads them. */
#ifndef ARGUS_CORE_UDPPUSH_H
#define ARGUS_CORE_UDPPUSH_H

#include <stddef.h>
#include <stdint.h>

#include <argus/plugin.h>

#define ARGUS_UDPPUSH_SCHEME "argus-udp://"

struct argus_udppush;

typedef long (*argus_udppush_encode_fn)(void *state, const struct argus_record *rec, int first,
					uint8_t *buf, size_t cap);

/* 1 if PATH names a UDP collector rather than a file. */
int argus_udppush_is_url(const char *path);
/* Resolve and connect to the collector in URL (argus-udp://HOST:PORT,
 * IPv6 in brackets).  BLOCKING: wait when the socket buffer is full (file
 * input) instead of dropping the record (live capture).  NULL with a
 * message on failure. */
struct argus_udppush *argus_udppush_open(const char *url, argus_udppush_encode_fn encode,
					 void *encode_state, int blocking, char *err,
					 size_t errlen);
/* Send REC; a datagram the kernel refuses is counted, not retried. */
void argus_udppush_record(struct argus_udppush *p, const struct argus_record *rec);
/* Datagrams sent, and records lost (socket full, collector unreachable). */
uint64_t argus_udppush_sent(const struct argus_udppush *p);
uint64_t argus_udppush_lost(const struct argus_udppush *p);
void argus_udppush_close(struct argus_udppush *p);

#endif
