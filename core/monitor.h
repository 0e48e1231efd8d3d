/* The argus pipeline: packets -> dissector -> flow table -> records ->
 * output, with the management records (MARs) that frame the stream. */
#ifndef ARGUS_CORE_MONITOR_H
#define ARGUS_CORE_MONITOR_H

#include <pcap/pcap.h>
#include <stdint.h>

#include "flowtable.h"
#include "outsink.h"

#define ARGUS_MONITOR_MAX_TABLES 32

struct argus_monitor;
struct argus_workers;

/* One flow table and the monitor it reports to: the context of the packet
 * callback.  Interfaces tagged with their own source id get their own. */
struct argus_monitor_input {
	struct argus_monitor *m;
	struct argus_flowtable *ft;
	/* argus --threads: each worker keeps its own clock for status MARs
	 * and hands a MAR that falls due to status_mar (NULL: the monitor's
	 * clock, and the MAR is written at once) */
	int64_t next_mar_us;
	void (*status_mar)(struct argus_monitor_input *in, int64_t now_us);
	/* argus --threads on live interfaces: the table's share, and where a
	 * packet of another share goes (argus_monitor_packets_shared) */
	uint32_t share;
	void (*forward)(struct argus_monitor_input *in, uint32_t owner, int dlt,
			const struct pcap_pkthdr *h, const uint8_t *data);
	/* argus --threads: the counters as the worker last published them
	 * (under its lock), for the totals other threads read; NULL: the
	 * table's own */
	const struct argus_flowtable_stats *published;
};

struct argus_monitor {
	struct argus_flowtable *ft; /* the first table: -e's source id */
	struct argus_monitor_input tables[ARGUS_MONITOR_MAX_TABLES];
	size_t n_tables;
	struct argus_outsink out;
	struct argus_srcid srcid;
	uint32_t flow_interval_s;
	uint32_t mar_interval_s;
	int64_t start_wall_us;
	int64_t next_mar_us; /* packet time of the next status MAR */
	uint32_t mar_seq;
	uint64_t records;
	uint64_t pcap_received, pcap_dropped;
	const struct argus_field **fields; /* columns of a text output */
	struct argus_output_opts opts;
	/* -w FILE "filter": flow records written only when they match (MARs
	 * always); compiled by a filter plugin, owned by the caller */
	const void *filter;
	const struct argus_filter_ops *filter_ops;
	uint64_t filtered; /* flow records the filter left out */
	/* every record (flows before the -w filter, and MARs) also goes here:
	 * argus's remote clients; NULL for none */
	void (*tap)(void *ctx, const struct argus_record *rec);
	void *tap_ctx;
	int has_out; /* a file or stdout is written (argus -P alone writes none) */
	struct argus_workers *workers; /* argus --threads while they run */
	char err[1600]; /* first output error */
};

/* Open the output (FORMAT to PATH; PATH NULL: records go to the tap
 * only) and write the start MAR. */
int argus_monitor_start(struct argus_monitor *m, const struct argus_flowtable_config *cfg,
			const char *format, const char *path, char *err, size_t errlen);
/* A MAR describing the monitor at NOW_US, as the next status MAR would be
 * (for a remote client's opening MAR). */
void argus_monitor_build_mar(const struct argus_monitor *m, enum argus_cause cause,
			     int64_t now_us, struct argus_record *rec);
/* The input of the first table: the context for argus_monitor_packets. */
struct argus_monitor_input *argus_monitor_main_input(struct argus_monitor *m);
/* Another flow table with CFG (its own source id), before the first packet. */
struct argus_monitor_input *argus_monitor_add_table(struct argus_monitor *m,
						    const struct argus_flowtable_config *cfg,
						    char *err, size_t errlen);
/* A table whose records go to EMIT (argus --threads: a worker's), with the
 * MAR callback of its input set by the caller. */
struct argus_monitor_input *argus_monitor_add_worker(struct argus_monitor *m,
						     const struct argus_flowtable_config *cfg,
						     argus_emit_fn emit, void *ctx, char *err,
						     size_t errlen);
/* A flow record as the tables write theirs: remote clients, -w filter,
 * output.  0, or -1 when the output failed. */
int argus_monitor_write_flow(struct argus_monitor *m, const struct argus_record *rec);
/* N flow records a format's encode() made, BYTES long.  0, or -1 when
 * the output failed. */
int argus_monitor_write_encoded(struct argus_monitor *m, const uint8_t *bytes, size_t len,
				uint64_t n);
/* Write the status MAR that fell due at packet time NOW_US, with the
 * tables' counters then (ST) and the records written before it. */
int argus_monitor_write_status_mar(struct argus_monitor *m, int64_t now_us,
				   const struct argus_flowtable_stats *st, uint64_t records);
/* The capture's callback (argus_packets_fn); ctx is a struct
 * argus_monitor_input. */
void argus_monitor_packets(void *ctx, int dlt, const struct pcap_pkthdr *h,
			   const uint8_t *const *data, unsigned n);
/* argus --threads on live interfaces: argus_monitor_packets for a
 * worker's own packets; those of another share go to ctx's forward. */
void argus_monitor_packets_shared(void *ctx, int dlt, const struct pcap_pkthdr *h,
				  const uint8_t *const *data, unsigned n);
/* ... and its quiet time: the table's timers and status MARs by the
 * wall clock. */
void argus_monitor_input_idle(struct argus_monitor_input *in, int64_t now_us);
/* The wall clock, in microseconds since the epoch. */
int64_t argus_monitor_wall_us(void);
/* The counters of every table added up (a worker's as published). */
void argus_monitor_totals(const struct argus_monitor *m, struct argus_flowtable_stats *out);
/* Live capture with no packets: let wall-clock time run the timers. */
void argus_monitor_idle(struct argus_monitor *m, int64_t now_us);
int argus_monitor_failed(const struct argus_monitor *m);
/* SIGHUP: open PATH anew (the old file was renamed; if it was not, the new
 * stream is appended to it), then flush and close
 * the old stream, and start the new one with a start MAR.  Records pending
 * in the flow table go to the new file, so none is lost or written twice.
 * If PATH cannot be opened the old stream is kept.  PATH must outlive the
 * stream.  0, or -1 with the message in err. */
int argus_monitor_reopen(struct argus_monitor *m, const char *path, char *err, size_t errlen);
/* Flush every flow, write the closing MAR, close the output; returns 0 or
 * the output error (message in err). */
int argus_monitor_finish(struct argus_monitor *m, char *err, size_t errlen);

#endif
