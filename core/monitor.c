/* The argus pipeline and its management records. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include <argus/plugin.h>

#include "dissect.h"
#include "monitor.h"

int64_t argus_monitor_wall_us(void)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

static int write_record(struct argus_monitor *m, const struct argus_record *rec)
{
	if (!m->has_out) {
		m->records++;
		return 0;
	}
	if (m->out.failed)
		return -1;
	if (argus_outsink_write(&m->out, rec, m->err, sizeof m->err) < 0)
		return -1;
	m->records++;
	return 0;
}

static int emit_flow_record(void *ctx, const struct argus_record *rec)
{
	struct argus_monitor *m = ctx;

	if (m->tap)
		m->tap(m->tap_ctx, rec);
	if (m->filter && !m->filter_ops->match(m->filter, rec)) {
		m->filtered++;
		return 0;
	}
	return write_record(m, rec);
}

int argus_monitor_write_flow(struct argus_monitor *m, const struct argus_record *rec)
{
	return emit_flow_record(m, rec);
}

int argus_monitor_write_encoded(struct argus_monitor *m, const uint8_t *bytes, size_t len,
				uint64_t n)
{
	if (m->out.failed)
		return -1;
	if (argus_outsink_write_encoded(&m->out, bytes, len, m->err, sizeof m->err) != 0)
		return -1;
	m->records += n;
	return 0;
}

static void fill_mar(const struct argus_monitor *m, enum argus_cause cause, int64_t now_us,
		     const struct argus_flowtable_stats *st, uint64_t records,
		     struct argus_record *out)
{
	memset(out, 0, sizeof *out);
	out->kind = ARGUS_RECORD_MAR;
	out->cause = (uint8_t)cause;
	out->present = ARGUS_HAS_MAR | ARGUS_HAS_TRANSPORT;
	out->srcid = m->srcid;
	out->stime_us = out->ltime_us = now_us;
	out->mar.start_us = m->start_wall_us;
	out->mar.now_us = now_us;
	out->mar.major = 3;
	out->mar.minor = 0;
	out->mar.sequence = m->mar_seq;
	out->mar.flow_interval = (uint16_t)m->flow_interval_s;
	out->mar.mar_interval = (uint16_t)m->mar_interval_s;
	out->mar.pkts_rcvd = m->pcap_received ? m->pcap_received : st->packets;
	out->mar.bytes_rcvd = st->bytes;
	out->mar.records = (uint32_t)records;
	out->mar.flows = (uint32_t)st->live;
	out->mar.dropped = (uint32_t)(m->pcap_dropped + st->evicted);
	if (m->srcid.type == ARGUS_SRCID_IPV4)
		out->mar.thisid = (uint32_t)m->srcid.value[0] << 24 | (uint32_t)m->srcid.value[1] << 16 |
				 (uint32_t)m->srcid.value[2] << 8 | m->srcid.value[3];
	else if (m->srcid.type == ARGUS_SRCID_INT)
		memcpy(&out->mar.thisid, m->srcid.value, 4);
	else if (m->srcid.type == ARGUS_SRCID_STRING)
		out->mar.thisid = (uint32_t)m->srcid.value[0] << 24 | (uint32_t)m->srcid.value[1] << 16 |
				 (uint32_t)m->srcid.value[2] << 8 | m->srcid.value[3];
}

void argus_monitor_build_mar(const struct argus_monitor *m, enum argus_cause cause,
			     int64_t now_us, struct argus_record *out)
{
	struct argus_flowtable_stats total;

	argus_monitor_totals(m, &total);
	fill_mar(m, cause, now_us, &total, m->records, out);
}

static int write_mar(struct argus_monitor *m, struct argus_record *rec)
{
	m->mar_seq++;
	if (m->tap)
		m->tap(m->tap_ctx, rec);
	return write_record(m, rec);
}

static int emit_mar(struct argus_monitor *m, enum argus_cause cause, int64_t now_us)
{
	struct argus_record rec;

	argus_monitor_build_mar(m, cause, now_us, &rec);
	return write_mar(m, &rec);
}

int argus_monitor_write_status_mar(struct argus_monitor *m, int64_t now_us,
				   const struct argus_flowtable_stats *st, uint64_t records)
{
	struct argus_record rec;

	fill_mar(m, ARGUS_CAUSE_STATUS, now_us, st, records, &rec);
	return write_mar(m, &rec);
}

int argus_monitor_start(struct argus_monitor *m, const struct argus_flowtable_config *cfg,
			const char *format, const char *path, char *err, size_t errlen)
{
	struct argus_output_opts *opts = &m->opts;
	const struct argus_field **fields = NULL;
	size_t n_fields = 0;
	int rc;

	if (argus_outsink_default_fields(format, &fields, &n_fields, err, errlen) != 0)
		return ARGUS_EINVAL;
	memset(opts, 0, sizeof *opts);
	opts->fields = fields;
	opts->n_fields = n_fields;
	opts->name = path;
	opts->separator = strcmp(format, "csv") == 0 ? ',' : 0;
	/* the binary stream needs its MARs and text shows them as ra does;
	 * csv, json and other machine formats carry flows only */
	if (strcmp(format, "binary") == 0 || strcmp(format, "text") == 0)
		opts->flags = ARGUS_OUT_SHOW_MAR;
	m->srcid = cfg->srcid;
	m->flow_interval_s = cfg->status_interval_s;
	m->start_wall_us = argus_monitor_wall_us();
	m->next_mar_us = INT64_MIN;
	m->ft = argus_flowtable_new(cfg, emit_flow_record, m, err, errlen);
	if (!m->ft)
		return ARGUS_ENOMEM;
	memset(&m->tables[0], 0, sizeof m->tables[0]);
	m->tables[0].m = m;
	m->tables[0].ft = m->ft;
	m->n_tables = 1;
	m->fields = fields; /* the output may keep opts.fields until it is closed */
	m->has_out = path != NULL;
	rc = path ? argus_outsink_open(&m->out, format, path, opts, err, errlen) : 0;
	if (rc != 0) {
		free(m->fields);
		m->fields = NULL;
		argus_flowtable_free(m->ft);
		m->ft = NULL;
		m->n_tables = 0;
		return ARGUS_EIO;
	}
	if (emit_mar(m, ARGUS_CAUSE_START, m->start_wall_us) != 0) {
		snprintf(err, errlen, "%s", m->err);
		return ARGUS_EIO;
	}
	return 0;
}

struct argus_monitor_input *argus_monitor_main_input(struct argus_monitor *m)
{
	return &m->tables[0];
}

struct argus_monitor_input *argus_monitor_add_worker(struct argus_monitor *m,
						     const struct argus_flowtable_config *cfg,
						     argus_emit_fn emit, void *ctx, char *err,
						     size_t errlen)
{
	struct argus_monitor_input *in;

	if (m->n_tables == ARGUS_MONITOR_MAX_TABLES) {
		snprintf(err, errlen, "at most %d flow tables (source ids, threads)",
			 ARGUS_MONITOR_MAX_TABLES);
		return NULL;
	}
	in = &m->tables[m->n_tables];
	memset(in, 0, sizeof *in);
	in->ft = argus_flowtable_new(cfg, emit, ctx, err, errlen);
	if (!in->ft)
		return NULL;
	in->m = m;
	m->n_tables++;
	return in;
}

struct argus_monitor_input *argus_monitor_add_table(struct argus_monitor *m,
						    const struct argus_flowtable_config *cfg,
						    char *err, size_t errlen)
{
	return argus_monitor_add_worker(m, cfg, emit_flow_record, m, err, errlen);
}

void argus_monitor_totals(const struct argus_monitor *m, struct argus_flowtable_stats *out)
{
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < m->n_tables; i++) {
		const struct argus_monitor_input *in = &m->tables[i];
		argus_flowtable_stats_add(out, in->published ? in->published
							     : argus_flowtable_stats(in->ft));
	}
}

/* A status MAR is due at packet time TS. */
static inline void mar_at_packet(struct argus_monitor_input *in, int64_t *next, int64_t ts)
{
	struct argus_monitor *m = in->m;

	if (*next == INT64_MIN) {
		*next = ts + (int64_t)m->mar_interval_s * 1000000;
	} else if (ts >= *next) {
		if (in->status_mar)
			in->status_mar(in, ts);
		else
			emit_mar(m, ARGUS_CAUSE_STATUS, ts);
		*next = ts + (int64_t)m->mar_interval_s * 1000000;
	}
}

/* Packets are dissected and their flow keys found a run ahead, so the
 * table's memory for each is on its way before its turn comes. */
#define LOOKAHEAD 32

/* A run of dissected, prepared packets into IN's table, with the status
 * MARs that fall due among them. */
static inline void table_run(struct argus_monitor_input *in, const enum argus_dissect_result *r,
			     const struct argus_packet *pkt, const struct argus_flow_hint *hint,
			     unsigned run)
{
	struct argus_monitor *m = in->m;
	int64_t *next_mar = in->status_mar ? &in->next_mar_us : &m->next_mar_us;

	for (unsigned i = 0; i < run;) {
		/* the table stops at the packet a status MAR is due after */
		int64_t until = !m->mar_interval_s ? INT64_MAX : *next_mar;
		i += argus_flowtable_packets(in->ft, r + i, pkt + i, hint + i, run - i, until);
		if (m->mar_interval_s)
			mar_at_packet(in, next_mar, pkt[i - 1].ts_us);
	}
}

static inline void dissect_run(int dlt, const struct pcap_pkthdr *h, const uint8_t *const *data,
			       unsigned run, enum argus_dissect_result *r, struct argus_packet *pkt)
{
	for (unsigned i = 0; i < run; i++) {
		int64_t ts = (int64_t)h[i].ts.tv_sec * 1000000 + h[i].ts.tv_usec;
		r[i] = argus_dissect(dlt, data[i], h[i].caplen, h[i].len, ts, &pkt[i]);
	}
}

/* argus --threads on live interfaces: keep IN's own packets of the run at
 * its front, hand the others to IN's forward; returns how many are kept. */
static unsigned keep_own(struct argus_monitor_input *in, int dlt, const struct pcap_pkthdr *h,
			 const uint8_t *const *data, enum argus_dissect_result *r,
			 struct argus_packet *pkt, struct argus_flow_hint *hint, unsigned run)
{
	unsigned kept = 0;

	for (unsigned i = 0; i < run; i++) {
		uint32_t owner = argus_flowtable_live_owner(in->ft, r[i], &pkt[i], &hint[i]);
		if (owner != in->share) {
			in->forward(in, owner, dlt, &h[i], data[i]);
			continue;
		}
		if (kept != i) {
			r[kept] = r[i];
			pkt[kept] = pkt[i];
			hint[kept] = hint[i];
		}
		kept++;
	}
	return kept;
}

/* Inlined twice, so that SHARED is a constant in each (GCC would rather
 * call it with the test inside). */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline void packets_in(struct argus_monitor_input *in, int dlt, const struct pcap_pkthdr *h,
			      const uint8_t *const *data, unsigned n, int shared)
{
	struct argus_packet pkt[LOOKAHEAD];
	struct argus_flow_hint hint[LOOKAHEAD];
	enum argus_dissect_result r[LOOKAHEAD];

	while (n > 0) {
		unsigned run = n < LOOKAHEAD ? n : LOOKAHEAD;
		dissect_run(dlt, h, data, run, r, pkt);
		argus_flowtable_prepare(in->ft, r, pkt, hint, run);
		table_run(in, r, pkt, hint,
			  shared ? keep_own(in, dlt, h, data, r, pkt, hint, run) : run);
		h += run;
		data += run;
		n -= run;
	}
}

void argus_monitor_packets(void *ctx, int dlt, const struct pcap_pkthdr *h,
			   const uint8_t *const *data, unsigned n)
{
	packets_in(ctx, dlt, h, data, n, 0);
}

void argus_monitor_packets_shared(void *ctx, int dlt, const struct pcap_pkthdr *h,
				  const uint8_t *const *data, unsigned n)
{
	packets_in(ctx, dlt, h, data, n, 1);
}

void argus_monitor_input_idle(struct argus_monitor_input *in, int64_t now_us)
{
	struct argus_monitor *m = in->m;
	int64_t interval = (int64_t)m->mar_interval_s * 1000000;

	argus_flowtable_advance(in->ft, now_us);
	if (!m->mar_interval_s || !in->status_mar)
		return;
	if (in->next_mar_us == INT64_MIN)
		in->next_mar_us = m->start_wall_us + interval;
	if (now_us >= in->next_mar_us) {
		in->status_mar(in, now_us);
		in->next_mar_us = now_us + interval;
	}
}

void argus_monitor_idle(struct argus_monitor *m, int64_t now_us)
{
	for (size_t i = 0; i < m->n_tables; i++)
		argus_flowtable_advance(m->tables[i].ft, now_us);
	/* a quiet link still reports: the first status MAR is due one
	 * interval after the start, packets or not */
	if (m->mar_interval_s && m->next_mar_us == INT64_MIN)
		m->next_mar_us = m->start_wall_us + (int64_t)m->mar_interval_s * 1000000;
	if (m->mar_interval_s && now_us >= m->next_mar_us) {
		emit_mar(m, ARGUS_CAUSE_STATUS, now_us);
		m->next_mar_us = now_us + (int64_t)m->mar_interval_s * 1000000;
	}
	if (m->has_out)
		argus_outsink_flush(&m->out, m->err, sizeof m->err);
}

int argus_monitor_failed(const struct argus_monitor *m) { return m->out.failed != 0; }

int argus_monitor_reopen(struct argus_monitor *m, const char *path, char *err, size_t errlen)
{
	struct argus_outsink next;
	const char *old_name = m->opts.name;
	char cerr[1600] = "";
	int rc;

	if (!m->has_out)
		return 0;
	if (m->out.failed) {
		snprintf(err, errlen, "%s", m->err);
		return -1;
	}
	m->opts.name = path;
	/* append: a SIGHUP without a rename must not wipe the file */
	if (argus_outsink_open_mode(&next, m->out.format, path, &m->opts, 1, err, errlen) != 0) {
		m->opts.name = old_name;
		return -1;
	}
	rc = argus_outsink_close(&m->out, cerr, sizeof cerr);
	m->out = next;
	if (emit_mar(m, ARGUS_CAUSE_START, argus_monitor_wall_us()) != 0) {
		snprintf(err, errlen, "%s", m->err);
		return -1;
	}
	if (rc != 0) {
		/* the new file is fine; say what happened to the old one */
		snprintf(err, errlen, "closing the previous output: %s", cerr);
		return -1;
	}
	return 0;
}

int argus_monitor_finish(struct argus_monitor *m, char *err, size_t errlen)
{
	int rc;

	if (!m->ft)
		return 0;
	for (size_t i = 0; i < m->n_tables; i++)
		argus_flowtable_flush(m->tables[i].ft);
	emit_mar(m, ARGUS_CAUSE_STOP, argus_monitor_wall_us());
	rc = m->has_out ? argus_outsink_close(&m->out, err, errlen) : 0;
	if (m->out.failed && m->err[0])
		snprintf(err, errlen, "%s", m->err);
	for (size_t i = 0; i < m->n_tables; i++)
		argus_flowtable_free(m->tables[i].ft);
	m->n_tables = 0;
	m->ft = NULL;
	free(m->fields);
	m->fields = NULL;
	return m->out.failed ? m->out.failed : rc;
}
