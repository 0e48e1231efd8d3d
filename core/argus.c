/* argus: turn packets (capture files or a live interface) into
 * bidirectional flow records. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <argus/plugin.h>

#include "capture.h"
#include "cmdline.h"
#include "conf.h"
#include "daemon.h"
#include "ifspec.h"
#include "log.h"
#include "monitor.h"
#include "netacl.h"
#include "progress.h"
#include "registry.h"
#include "server.h"
#include "srcid.h"
#include "udppush.h"
#include "workers.h"

#define EXIT_USAGE 2
#define OPT_THREADS 1000 /* --threads, a long option only */
#define MAX_INPUTS 256
#define SYSTEM_CONF "/etc/argus.conf"
#define CLIENT_START_TIMEOUT_US 5000000 /* Argus drops clients without START: then */
#define CLIENT_DRAIN_US 2000000 /* at exit, clients get this long for their queue */
#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

/* atomic: the --threads workers read stop_requested too */
static _Atomic int stop_requested, reopen_requested;
static char *bpf; /* the capture filter text, freed at exit */
static struct argus_capture *current_capture;
static struct argus_server *server; /* remote clients (-P PORT), or NULL */
static struct argus_udppush *push;   /* -w argus-udp://HOST:PORT, or NULL */
/* what the push sends of the flow records: the -w filter, or the one of
 * ARGUS_OUTPUT_STREAM="URI FILTER"; NULL: all */
static const void *push_filter;
static const struct argus_filter_ops *push_filter_ops;

/* A live interface and the flow table its packets go to. */
struct live_source {
	struct argus_capture cap;
	struct argus_ifspec spec;
	struct argus_monitor_input *input;
	int64_t retry_at_us; /* capture failed: when to try to open it again */
	uint64_t old_received, old_dropped; /* counts of earlier openings */
};
static struct live_source lives[ARGUS_IFSPEC_MAX];
static size_t n_lives;
/* the output as opened again on SIGHUP (inside the chroot, if any) */
static char reopen_path[PATH_MAX];

static void on_signal(int sig)
{
	int saved_errno = errno;

	if (sig == SIGHUP)
		reopen_requested = 1;
	else
		stop_requested = 1;
	if (current_capture)
		argus_capture_break(current_capture);
	errno = saved_errno;
}

/* SIGHUP: the output file was renamed (logrotate); start a new one. */
static void reopen_output(struct argus_monitor *mon)
{
	char err[1700];

	reopen_requested = 0;
	if (!reopen_path[0] || strcmp(reopen_path, "-") == 0)
		return;
	if (argus_monitor_reopen(mon, reopen_path, err, sizeof err) != 0)
		argus_log(ARGUS_LOG_ERROR, "SIGHUP: %s", err);
	else
		argus_log(ARGUS_LOG_INFO, "SIGHUP: %s reopened", reopen_path);
}

static void free_bpf(void)
{
	free(bpf);
	bpf = NULL;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: argus [options] [-] [capture filter]\n"
		"  -r FILE       read packets from a pcap/pcapng file ('-' = stdin; repeatable)\n"
		"  -i IFACE[/SRCID]  capture live on IFACE (repeatable; 'any', 'all'); an\n"
		"                interface with its own SRCID keeps its own flows\n"
		"  -w FILE [\"FILTER\"]  write records to FILE ('-' = stdout, the default),\n"
		"                only flow records matching the ra FILTER, if one is given\n"
		"  -w argus-udp://HOST:PORT  push each record to a collector in a UDP datagram\n"
		"  -o FORMAT     output module: binary (default), csv, json, text\n"
		"  -P LIST       decoders to load, e.g. tcp,udp,icmp (default: all installed);\n"
		"                -P help lists the decoders\n"
		"  -P PORT       serve the records to ra -S / radium clients on TCP PORT\n"
		"  -B ADDRS      addresses the -P port listens on (default: all)\n"
		"  -S SECS       flow status report interval (default 5)\n"
		"  -M SECS       management record interval (default 60)\n"
		"  -e SRCID      source id: number, IPv4/IPv6 address, short string or host name\n"
		"  -m            put MAC addresses into the records\n"
		"  -A            application byte counts\n"
		"  -J            inter-packet time statistics (jitter)\n"
		"  -Z            packet size range\n"
		"  -U BYTES      keep the first BYTES of payload of each direction (at most 256)\n"
		"  -F FILE       read an argus.conf file\n"
		"  -X            do not read " SYSTEM_CONF "\n"
		"  -s SNAPLEN    live capture length (default 65535)\n"
		"  -p            live capture without promiscuous mode\n"
		"  -O            do not optimize the capture filter\n"
		"  -b            print the compiled capture filter and exit\n"
		"  -q            no progress line\n"
		"  -d            run as a daemon (live capture, needs -w FILE or -P PORT)\n"
		"  -u USER, -g GROUP  run as USER/GROUP once the capture and output are open\n"
		"  -c DIR        chroot to DIR (the output file name is taken inside DIR)\n"
		"  --threads N   read -r files with N threads, each owning a share of the flows\n"
		"                (default 1, or ARGUS_THREADS; at most 16)\n"
		"  -L, --plugin-dir DIR  look for plugins in DIR first\n"
		"  --list-plugins        list the plugins found and exit\n"
		"  -h, --help    this text;  --version  print the version\n"
		"The capture filter (after an optional '-') is a libpcap (BPF) expression.\n"
		"Without -r or -i, argus captures on the first interface that is up.\n");
}

static int parse_seconds(const char *opt, const char *text, uint32_t *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno || end == text || *end || v > 86400 * 365) {
		argus_log(ARGUS_LOG_ERROR, "%s: '%s' is not a number of seconds", opt, text);
		return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

/* A text variable; an empty value counts as not set. */
static const char *config_text(const char *key)
{
	const char *v = argus_config_get(key);
	return v && *v ? v : NULL;
}

static int config_number(const char *key, long def, long min, long max, long *out)
{
	char err[1024];

	if (argus_config_get_long(key, def, min, max, out, err, sizeof err) != 0) {
		argus_log(ARGUS_LOG_ERROR, "%s", err);
		return -1;
	}
	return 0;
}

static int config_seconds(const char *key, uint32_t def, uint32_t *out)
{
	long v;

	if (config_number(key, def, 0, 86400L * 365, &v) != 0)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static int config_flag(const char *key, int def, int *out)
{
	char err[1024];

	if (argus_config_get_bool_checked(key, def, out, err, sizeof err) != 0) {
		argus_log(ARGUS_LOG_ERROR, "%s", err);
		return -1;
	}
	return 0;
}

/* Load the decoder modules: the named ones (-P) or every one installed. */
static int load_decoders(const char *list)
{
	char err[1024];

	if (!list) {
		size_t refused;
		argus_registry_load_all(ARGUS_PLUGIN_DECODER, &refused);
	} else {
		char *copy = strdup(list), *save = NULL;
		if (!copy)
			return -1;
		for (char *name = strtok_r(copy, ", ", &save); name; name = strtok_r(NULL, ", ", &save)) {
			if (!argus_registry_get(ARGUS_PLUGIN_DECODER, name, err, sizeof err)) {
				argus_log(ARGUS_LOG_ERROR, "-P: %s", err);
				free(copy);
				return -1;
			}
		}
		free(copy);
	}
	return 0;
}

/* Module states made for the second and later --threads workers (each
 * uses its own), freed once their tables and outputs are. */
#define MAX_WORKER_STATES 1024
static struct {
	const struct argus_module *m;
	void *state;
} worker_states[MAX_WORKER_STATES];
static size_t n_worker_states;

/* A new state of M for a worker into *STATE (which may be NULL: a module
 * without state), kept to be freed; 0, or -1 (reported). */
static int new_worker_state(const struct argus_module *m, void **state)
{
	char err[1024];

	if (n_worker_states == MAX_WORKER_STATES) {
		argus_log(ARGUS_LOG_ERROR, "too many module states for --threads");
		return -1;
	}
	if (argus_registry_new_state(m, state, err, sizeof err) != 0) {
		argus_log(ARGUS_LOG_ERROR, "%s", err);
		return -1;
	}
	worker_states[n_worker_states].m = m;
	worker_states[n_worker_states++].state = *state;
	return 0;
}

static void free_worker_states(void)
{
	while (n_worker_states > 0) {
		n_worker_states--;
		argus_registry_free_state(worker_states[n_worker_states].m,
					  worker_states[n_worker_states].state);
	}
}

/* Give FT every decoder loaded: the modules' own states, or (OWN_STATES)
 * new ones. */
static int attach_decoders(struct argus_flowtable *ft, int warn_if_none, int own_states)
{
	char err[1024];
	size_t n = 0;

	for (size_t i = 0; i < argus_registry_count(); i++) {
		const struct argus_module *m = argus_registry_at(i);
		const struct argus_decoder_ops *ops;
		void *state = m->state;
		uint32_t timeout;
		if (m->desc->kind != ARGUS_PLUGIN_DECODER)
			continue;
		if (own_states && new_worker_state(m, &state) != 0)
			return -1;
		ops = m->desc->ops.decoder;
		if (argus_flowtable_decoder_timeout(ops, m->desc->abi_minor, &timeout, err,
						    sizeof err) != 0) {
			argus_log(ARGUS_LOG_ERROR, "%s", err);
			return -1;
		}
		if (argus_flowtable_add_decoder(ft, m->desc->name, ops, m->desc->abi_minor, state,
						timeout, err, sizeof err) != 0) {
			argus_log(ARGUS_LOG_ERROR, "%s", err);
			return -1;
		}
		n++;
	}
	if (n == 0 && warn_if_none)
		argus_log(ARGUS_LOG_WARNING,
			  "no decoder plugins found: every flow is accounted as generic IP");
	return 0;
}

/* Read one capture file to its end; 0 ok, 1 input error (reported). */
static int run_file(struct argus_monitor *mon, struct argus_capture *cap, int quiet)
{
	struct argus_progress prog;
	char err[1024];
	uint64_t packets = 0;
	int status = 0;

	argus_progress_start(&prog, quiet, cap->file_size, "packets");
	current_capture = cap;
	while (!stop_requested && !argus_monitor_failed(mon)) {
		int eof;
		if (reopen_requested)
			reopen_output(mon);
		int n = argus_capture_dispatch(cap, argus_monitor_packets, argus_monitor_main_input(mon),
					       &eof, err, sizeof err);
		if (n < 0) {
			argus_progress_end(&prog);
			argus_log(ARGUS_LOG_ERROR, "%s", err);
			status = 1;
			break;
		}
		if (eof)
			break;
		packets += (uint64_t)n;
		argus_progress_update(&prog, argus_capture_offset(cap), packets);
	}
	current_capture = NULL;
	argus_progress_end(&prog);
	return status;
}

/* --threads: worker 0 shows the progress and takes a SIGHUP between
 * blocks, with the output locked. */
static struct argus_progress worker_prog;
static size_t worker_prog_file = SIZE_MAX;
static int worker_prog_quiet;

static void worker_between_blocks(void *ctx, size_t file, uint64_t offset, uint64_t packets,
				  uint64_t file_size)
{
	if (reopen_requested)
		reopen_output(ctx);
	if (file != worker_prog_file) {
		if (worker_prog_file != SIZE_MAX)
			argus_progress_end(&worker_prog);
		argus_progress_start(&worker_prog, worker_prog_quiet, file_size, "packets");
		worker_prog_file = file;
	}
	argus_progress_update(&worker_prog, offset, packets);
}

static int attach_worker_decoders(void *ctx, struct argus_flowtable *ft, unsigned worker)
{
	(void)ctx;
	return attach_decoders(ft, 0, worker > 0);
}

/* --threads: the binary output's state for a worker to encode with (the
 * first uses the module's own); 0, or -1 (reported). */
static int worker_encoder(void *ctx, unsigned worker, void **state)
{
	const struct argus_module *bin;
	char err[1024];

	(void)ctx;
	if (!(bin = argus_registry_get(ARGUS_PLUGIN_OUTPUT, "binary", err, sizeof err))) {
		argus_log(ARGUS_LOG_ERROR, "%s", err);
		return -1;
	}
	if (worker > 0)
		return new_worker_state(bin, state);
	*state = bin->state;
	return 0;
}

/* The kernel's counts over every interface and every opening of it. */
static void update_capture_counts(struct argus_monitor *mon)
{
	uint64_t received = 0, dropped = 0;

	for (size_t i = 0; i < n_lives; i++) {
		uint64_t r, d;
		argus_capture_stats(&lives[i].cap, &r, &d);
		received += lives[i].old_received + r;
		dropped += lives[i].old_dropped + d;
	}
	mon->pcap_received = received;
	mon->pcap_dropped = dropped;
}

/* An interface failed (went down, vanished): keep what it counted, close
 * it and try again later; the other interfaces and the flows go on. */
static void live_source_failed(struct live_source *src, const char *why, int64_t now_us)
{
	uint64_t r, d;

	argus_capture_stats(&src->cap, &r, &d);
	src->old_received += r;
	src->old_dropped += d;
	argus_capture_close(&src->cap);
	src->retry_at_us = now_us + ARGUS_CAPTURE_REOPEN_US;
	argus_log(ARGUS_LOG_ERROR, "%s; capture stopped, trying to reopen %s every %d s", why,
		  src->spec.name, ARGUS_CAPTURE_REOPEN_US / 1000000);
}

static void live_source_retry(struct live_source *src, const struct argus_live_opts *o,
			      int64_t now_us)
{
	char err[1024];

	if (argus_capture_open_live(&src->cap, src->spec.name, bpf, o, err, sizeof err) != 0) {
		src->retry_at_us = now_us + ARGUS_CAPTURE_REOPEN_US;
		return;
	}
	src->retry_at_us = 0;
	argus_log(ARGUS_LOG_WARNING, "%s: capture reopened", src->spec.name);
}

/* Capture on every live interface until a signal stops us or the output
 * fails; 0, or 1 if waiting for packets failed (reported). */
static int run_live(struct argus_monitor *mon, const struct argus_live_opts *o)
{
	struct pollfd pfd[ARGUS_IFSPEC_MAX + ARGUS_SERVER_MAX_FDS];
	size_t which[ARGUS_IFSPEC_MAX];
	int64_t last_idle = argus_monitor_wall_us();
	char err[1024];

	while (!stop_requested && !argus_monitor_failed(mon)) {
		int64_t now = argus_monitor_wall_us();
		nfds_t nfds = 0, n_capture;
		size_t n_server = 0;
		int got = 0;

		if (reopen_requested)
			reopen_output(mon);
		for (size_t i = 0; i < n_lives; i++) {
			if (!lives[i].cap.pcap && now >= lives[i].retry_at_us)
				live_source_retry(&lives[i], o, now);
			if (lives[i].cap.pcap) {
				pfd[nfds].fd = lives[i].cap.fd;
				pfd[nfds].events = POLLIN;
				pfd[nfds].revents = 0;
				which[nfds++] = i;
			}
		}
		n_capture = nfds;
		if (server)
			n_server = argus_server_pollfds(server, pfd + nfds);
		nfds += n_server;
		if (poll(pfd, nfds, 100) < 0 && errno != EINTR) {
			argus_log(ARGUS_LOG_ERROR, "waiting for packets: %s", strerror(errno));
			return 1;
		}
		for (nfds_t k = 0; k < n_capture; k++) {
			struct live_source *src = &lives[which[k]];
			int eof, n;
			if (!pfd[k].revents)
				continue;
			n = argus_capture_dispatch(&src->cap, argus_monitor_packets, src->input, &eof,
						   err, sizeof err);
			if (n < 0)
				live_source_failed(src, err, argus_monitor_wall_us());
			else
				got += n;
		}
		/* after the capture: its records are queued for the clients */
		if (server)
			argus_server_serve(server, pfd + n_capture, n_server, argus_monitor_wall_us());
		update_capture_counts(mon);
		/* quiet interfaces' flows must time out while others are busy */
		now = argus_monitor_wall_us();
		if (got == 0 || now - last_idle >= 1000000) {
			argus_monitor_idle(mon, now);
			last_idle = now;
		}
	}
	return 0;
}

/* --threads on live interfaces: the workers capture; this thread serves
 * remote clients, takes SIGHUP, keeps the kernel's counts for the MARs
 * and flushes the output.  0, or 1 if waiting failed (reported). */
static int run_live_threads(struct argus_monitor *mon, struct argus_workers *g)
{
	struct pollfd pfd[ARGUS_SERVER_MAX_FDS];

	while (!stop_requested && !argus_workers_failed(g)) {
		size_t n_server;
		argus_workers_lock(g);
		n_server = server ? argus_server_pollfds(server, pfd) : 0;
		argus_workers_unlock(g);
		if (poll(pfd, (nfds_t)n_server, 100) < 0 && errno != EINTR) {
			argus_log(ARGUS_LOG_ERROR, "waiting for clients: %s", strerror(errno));
			return 1;
		}
		argus_workers_lock(g);
		if (reopen_requested)
			reopen_output(mon);
		if (server)
			argus_server_serve(server, pfd, n_server, argus_monitor_wall_us());
		argus_workers_capture_stats(g, &mon->pcap_received, &mon->pcap_dropped);
		if (mon->has_out)
			argus_outsink_flush(&mon->out, mon->err, sizeof mon->err);
		argus_workers_unlock(g);
	}
	return 0;
}

static int config_size(const char *key, long def, long *out)
{
	const char *v = argus_config_get(key);
	char *end, where[512];
	long n;

	*out = def;
	if (!v || !*v)
		return 0;
	errno = 0;
	n = strtol(v, &end, 10);
	if (n < 0)
		n = -1; /* refused below; never shifted */
	else if (*end == 'k' || *end == 'K')
		n = n > LONG_MAX >> 10 ? -1 : n << 10, end++;
	else if (*end == 'm' || *end == 'M')
		n = n > LONG_MAX >> 20 ? -1 : n << 20, end++;
	else if (*end == 'g' || *end == 'G')
		n = n > LONG_MAX >> 30 ? -1 : n << 30, end++;
	if (errno || end == v || *end || n < 65536 || n > INT_MAX) {
		argus_config_where(key, where, sizeof where);
		argus_log(ARGUS_LOG_ERROR, "%s%s: '%s' is not a size from 64k to 2047M", where, key,
			  v);
		return -1;
	}
	*out = n;
	return 0;
}

/* argus -b: the compiled capture filter for the first source's link type. */
static int print_capture_filter(const char *source, int live_mode,
				const struct argus_live_opts *o)
{
	struct argus_capture cap;
	char err[1024];
	int rc;

	rc = live_mode ? argus_capture_open_live(&cap, source, NULL, o, err, sizeof err)
		       : argus_capture_open_file(&cap, source, NULL, o->optimize, err, sizeof err);
	if (rc != 0) {
		argus_log(ARGUS_LOG_ERROR, "%s", err);
		return 1;
	}
	rc = argus_capture_dump_filter(&cap, bpf, o->optimize, err, sizeof err);
	if (rc != 0)
		argus_log(ARGUS_LOG_ERROR, "%s", err);
	argus_capture_close(&cap);
	return rc != 0 ? EXIT_USAGE : 0;
}

/* One flow table per source id: interfaces without a tag share the main
 * one (-e), like Argus's bonded interfaces. */
static int add_live_sources(struct argus_monitor *mon, const struct argus_flowtable_config *cfg,
			    const struct argus_ifspec *ifaces, size_t n_ifaces)
{
	char err[1024];

	for (size_t i = 0; i < n_ifaces; i++) {
		struct live_source *src = &lives[n_lives];
		memset(src, 0, sizeof *src);
		src->cap.fd = -1;
		src->spec = ifaces[i];
		src->input = argus_monitor_main_input(mon);
		for (size_t j = 0; j < n_lives && ifaces[i].srcid[0]; j++)
			if (strcmp(lives[j].spec.srcid, ifaces[i].srcid) == 0)
				src->input = lives[j].input;
		if (ifaces[i].srcid[0] && src->input == argus_monitor_main_input(mon)) {
			struct argus_flowtable_config tagged = *cfg;
			if (argus_srcid_parse(ifaces[i].srcid, &tagged.srcid, err, sizeof err) != 0) {
				argus_log(ARGUS_LOG_ERROR, "-i %s: %s", ifaces[i].name, err);
				return -1;
			}
			src->input = argus_monitor_add_table(mon, &tagged, err, sizeof err);
			if (!src->input) {
				argus_log(ARGUS_LOG_ERROR, "-i %s: %s", ifaces[i].name, err);
				return -1;
			}
			if (attach_decoders(src->input->ft, 0, 0) != 0)
				return -1;
		}
		n_lives++;
	}
	return 0;
}

/* Argus 3 variables this argus has no use for. */
static const char *const argus3_unimplemented[] = {
	"ARGUS_GENERATE_TCP_PERF_METRIC", "ARGUS_GENERATE_BIDIRECTIONAL_TIMESTAMPS",
	"ARGUS_GENERATE_RESPONSE_TIME_DATA", "ARGUS_CAPTURE_FULL_CONTROL_DATA",
	"ARGUS_TRACK_DUPLICATES", "ARGUS_SELF_SYNCHRONIZE", "ARGUS_KEYSTROKE",
	"ARGUS_KEYSTROKE_CONF", "ARGUS_EVENT_DATA", "ARGUS_ENV", "ARGUS_MIN_SSF",
	"ARGUS_MAX_SSF", "ARGUS_PACKET_CAPTURE_FILE", "ARGUS_PACKET_CAPTURE_ON_ERROR",
	"ARGUS_TUNNEL_DISCOVERY", "ARGUS_DEBUG_LEVEL", "ARGUS_GENERATE_START_RECORDS",
	"ARGUS_COLLECTOR", "ARGUS_JITTER_HISTOGRAM",
};

/* Variables argus reads in some modes only, so a run in another mode has
 * not asked for them. */
static const char *const argus_variables[] = {
	"ARGUS_INTERFACE", "ARGUS_OUTPUT_FILE", "ARGUS_FLOW_STATUS_INTERVAL",
	"ARGUS_MAR_STATUS_INTERVAL", "ARGUS_MONITOR_ID", "ARGUS_GENERATE_MAC_DATA",
	"ARGUS_GENERATE_APPBYTE_METRIC", "ARGUS_GENERATE_JITTER_DATA",
	"ARGUS_GENERATE_PACKET_SIZE", "ARGUS_CAPTURE_DATA_LEN", "ARGUS_DAEMON", "ARGUS_SET_PID",
	"ARGUS_PID_PATH", "ARGUS_SETUSER_ID", "ARGUS_SETGROUP_ID", "ARGUS_CHROOT_DIR",
	"ARGUS_FILTER", "ARGUS_GO_PROMISCUOUS", "ARGUS_FILTER_OPTIMIZER", "ARGUS_PCAP_IMMEDIATE",
	"ARGUS_PCAP_BUF_SIZE", "ARGUS_MAX_FLOWS", "ARGUS_TIMEOUT_AT_STATUS", "ARGUS_ACCESS_PORT",
	"ARGUS_BIND_IP", "ARGUS_ACCESS_LIST", "ARGUS_CLIENT_QUEUE_SIZE", "ARGUS_OUTPUT_STREAM",
	"ARGUS_THREADS",
};

static int in_list(const char *key, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(key, list[i]) == 0)
			return 1;
	return 0;
}

static void warn_unasked_variable(void *ctx, const char *key, const char *value,
				  const char *file, unsigned line)
{
	(void)ctx;
	if (in_list(key, argus_variables, sizeof argus_variables / sizeof argus_variables[0]))
		return;
	/* what every Argus 3 argus.conf says, and what this argus does */
	if ((strcmp(key, "ARGUS_FLOW_TYPE") == 0 && strcasecmp(value, "Bidirectional") == 0) ||
	    (strcmp(key, "ARGUS_FLOW_KEY") == 0 && strcasecmp(value, "CLASSIC_5_TUPLE") == 0))
		return;
	if (in_list(key, argus3_unimplemented,
		    sizeof argus3_unimplemented / sizeof argus3_unimplemented[0]) ||
	    strcmp(key, "ARGUS_FLOW_TYPE") == 0 || strcmp(key, "ARGUS_FLOW_KEY") == 0)
		argus_log(ARGUS_LOG_WARNING, "%s: line %u: %s is not supported by this argus, ignored",
			  file, line, key);
	else
		argus_log(ARGUS_LOG_WARNING, "%s: line %u: unknown variable %s, ignored", file, line,
			  key);
}

static void free_out_filter(const struct argus_module *mod, void *prog)
{
	if (prog)
		mod->desc->ops.filter->free(prog);
}

/* Every record the monitor makes: to the remote clients, and to the UDP
 * collector when it passes the -w filter. */
static void tap_record(void *ctx, const struct argus_record *rec)
{
	(void)ctx;
	if (server)
		argus_server_record(server, rec);
	if (push && (rec->kind != ARGUS_RECORD_FLOW || !push_filter ||
		     push_filter_ops->match(push_filter, rec)))
		argus_udppush_record(push, rec);
}

/* ARGUS_OUTPUT_STREAM="argus-udp://HOST:PORT [FILTER]" into URL and the
 * filter text (NULL: none).  0, or the exit status (reported). */
static int output_stream_setting(char *url, size_t urllen, const char **filter)
{
	const char *v = config_text("ARGUS_OUTPUT_STREAM");
	char where[512];
	size_t n;

	*filter = NULL;
	url[0] = '\0';
	if (!v)
		return 0;
	v += strspn(v, " \t");
	n = strcspn(v, " \t");
	argus_config_where("ARGUS_OUTPUT_STREAM", where, sizeof where);
	if (!argus_udppush_is_url(v) || n >= urllen) {
		argus_log(ARGUS_LOG_ERROR, "%sARGUS_OUTPUT_STREAM: expected \"argus-udp://HOST:PORT "
					   "[filter]\"",
			  where);
		return EXIT_USAGE;
	}
	memcpy(url, v, n);
	url[n] = '\0';
	v += n;
	v += strspn(v, " \t");
	if (*v)
		*filter = v;
	return 0;
}

/* The binary output's encode(), which remote clients and the UDP push
 * are served with.  0, or -1 with the message in err. */
static int binary_encoder(argus_udppush_encode_fn *fn, void **state, char *err, size_t errlen)
{
	const struct argus_module *bin = argus_registry_get(ARGUS_PLUGIN_OUTPUT, "binary", err,
							     errlen);

	if (!bin)
		return -1;
	if (bin->desc->abi_minor < 4 || !bin->desc->ops.output->encode) {
		snprintf(err, errlen, "the binary output module is too old (plugin ABI 1.4 needed)");
		return -1;
	}
	*fn = bin->desc->ops.output->encode;
	*state = bin->state;
	return 0;
}

/* -w argus-udp://HOST:PORT; 0 or -1 (reported). */
static int start_push(const char *url, int live_mode)
{
	argus_udppush_encode_fn fn;
	void *state;
	char err[1024];

	if (binary_encoder(&fn, &state, err, sizeof err) != 0 ||
	    !(push = argus_udppush_open(url, fn, state, !live_mode, err, sizeof err))) {
		argus_log(ARGUS_LOG_ERROR, "-w %s", err);
		return -1;
	}
	return 0;
}

static void build_mar(void *ctx, enum argus_cause cause, int64_t now_us, struct argus_record *out)
{
	argus_monitor_build_mar(ctx, cause, now_us, out);
}

/* The -P port's settings from the command line and argus.conf; 0, or the
 * exit status (reported). */
static int server_settings(const char *port_text, const char *bind, struct argus_netacl *acl,
			   struct argus_server_config *sc)
{
	char err[512], where[512];
	long port, queue;
	const char *acl_text = config_text("ARGUS_ACCESS_LIST");

	memset(sc, 0, sizeof *sc);
	if (port_text) {
		char *end;
		errno = 0;
		port = strtol(port_text, &end, 10);
		if (errno || *end || port < 1 || port > 65535) {
			argus_log(ARGUS_LOG_ERROR, "-P %s: a port is a number from 1 to 65535",
				  port_text);
			return EXIT_USAGE;
		}
	} else if (config_number("ARGUS_ACCESS_PORT", 0, 0, 65535, &port) != 0) {
		return EXIT_USAGE;
	}
	if (port == 0)
		return 0;
	if (config_size("ARGUS_CLIENT_QUEUE_SIZE", 8L << 20, &queue) != 0)
		return EXIT_USAGE;
	acl->n = 0;
	if (acl_text && argus_netacl_parse(acl_text, acl, err, sizeof err) != 0) {
		argus_config_where("ARGUS_ACCESS_LIST", where, sizeof where);
		argus_log(ARGUS_LOG_ERROR, "%sARGUS_ACCESS_LIST: %s", where, err);
		return EXIT_USAGE;
	}
	sc->port = (unsigned)port;
	sc->bind = bind ? bind : config_text("ARGUS_BIND_IP");
	sc->access = acl;
	sc->queue_bytes = (size_t)queue;
	sc->max_clients = ARGUS_SERVER_MAX_CLIENTS;
	sc->start_timeout_us = CLIENT_START_TIMEOUT_US;
	return 0;
}

/* Open the -P port: the binary output encodes, the ra filter compiles the
 * clients' FILTER: expressions.  0 or -1 (reported). */
static int start_server(struct argus_server_config *sc, struct argus_monitor *mon)
{
	const struct argus_module *flt;
	char err[1024];

	if (binary_encoder(&sc->encode, &sc->encode_state, err, sizeof err) != 0) {
		argus_log(ARGUS_LOG_ERROR, "-P %u: %s", sc->port, err);
		return -1;
	}
	flt = argus_registry_get(ARGUS_PLUGIN_FILTER, "ra", err, sizeof err);
	if (flt) {
		sc->filter_ops = flt->desc->ops.filter;
		sc->filter_state = flt->state;
	} else {
		argus_log(ARGUS_LOG_WARNING, "-P %u: %s: client filters will be refused", sc->port,
			  err);
	}
	sc->mar = build_mar;
	sc->mar_ctx = mon;
	server = argus_server_open(sc, err, sizeof err);
	if (!server) {
		argus_log(ARGUS_LOG_ERROR, "-P %u: %s", sc->port, err);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{"list-plugins", no_argument, NULL, 'l'},
		{"plugin-dir", required_argument, NULL, 'L'},
		{"threads", required_argument, NULL, OPT_THREADS},
		{NULL, 0, NULL, 0},
	};
	const char *inputs[MAX_INPUTS];
	size_t n_inputs = 0;
	struct argus_ifspec ifaces[ARGUS_IFSPEC_MAX];
	size_t n_ifaces = 0;
	const char *outpath = NULL, *format = "binary", *decoders = NULL;
	const char *srcid_text = NULL, *conf_files[16], *out_filter = NULL;
	const char *user = NULL, *group = NULL, *chroot_dir = NULL, *open_path;
	const char *port_text = NULL, *bind_text = NULL, *push_url = NULL, *stream_filter = NULL;
	char stream_url[512];
	void *stream_prog = NULL;
	struct argus_server_config server_cfg;
	struct argus_netacl access_list;
	char pid_path[PATH_MAX] = "", open_buf[PATH_MAX];
	int daemon_mode = -1, set_pid = 0, ready_fd = -1, setup_failed;
	struct argus_ids ids;
	struct argus_live_opts live_opts;
	const struct argus_module *filter_mod = NULL;
	void *filter_prog = NULL;
	size_t n_conf = 0;
	int no_system_conf = 0, list_plugins = 0, quiet = 0, promisc = -1, want_mac = -1;
	int optimize = -1, immediate = 0, dump_filter = 0, live_mode;
	long pcap_buffer = 0;
	int want_app = -1, want_jitter = -1, want_psize = -1, at_status = 0;
	long user_len = -1, threads = -1;
	const char *iface_names[ARGUS_IFSPEC_MAX];
	struct argus_workers_config live_wc;
	struct argus_workers *live_workers = NULL;
	uint32_t status_interval = 0, mar_interval = 0, snaplen = 65535;
	int have_status = 0, have_mar = 0;
	char err[1024];
	struct argus_flowtable_config cfg;
	struct argus_monitor mon;
	struct sigaction sa;
	int opt, status = 0;

	argus_log_set_program(argv[0]);
	atexit(free_bpf);
	while ((opt = getopt_long(argc, argv, "+r:i:w:o:P:S:M:e:mF:Xs:pqL:hdJAZU:u:g:c:ObB:", longopts,
				  NULL)) != -1) {
		switch (opt) {
		case 'r':
			if (n_inputs == MAX_INPUTS) {
				argus_log(ARGUS_LOG_ERROR, "-r: at most %d files", MAX_INPUTS);
				return EXIT_USAGE;
			}
			inputs[n_inputs++] = optarg;
			break;
		case 'i':
			if (argus_ifspec_parse(optarg, ifaces, &n_ifaces, err, sizeof err) != 0) {
				argus_log(ARGUS_LOG_ERROR, "-i %s", err);
				return EXIT_USAGE;
			}
			break;
		case 'O':
			optimize = 0;
			break;
		case 'b':
			dump_filter = 1;
			break;
		case 'w':
			outpath = optarg;
			/* Argus: -w FILE ["filter"], a ra filter on what is written */
			if (optind < argc && argv[optind][0] != '-')
				out_filter = argv[optind++];
			break;
		case 'o':
			format = optarg;
			break;
		case 'P':
			/* -P help: list the decoders found, once the registry
			 * knows every plugin folder (after the options) */
			if (strcmp(optarg, "help") == 0) {
				list_plugins = 2;
				break;
			}
			/* Argus 3: a number is the port clients read from */
			if (optarg[0] >= '0' && optarg[0] <= '9')
				port_text = optarg;
			else
				decoders = optarg;
			break;
		case 'B':
			bind_text = optarg;
			break;
		case 'S':
			if (parse_seconds("-S", optarg, &status_interval) != 0)
				return EXIT_USAGE;
			have_status = 1;
			break;
		case 'M':
			if (parse_seconds("-M", optarg, &mar_interval) != 0)
				return EXIT_USAGE;
			have_mar = 1;
			break;
		case 'e':
			srcid_text = optarg;
			break;
		case 'm':
			want_mac = 1;
			break;
		case 'F':
			if (n_conf == sizeof conf_files / sizeof conf_files[0]) {
				argus_log(ARGUS_LOG_ERROR, "-F: too many configuration files");
				return EXIT_USAGE;
			}
			conf_files[n_conf++] = optarg;
			break;
		case 'X':
			no_system_conf = 1;
			break;
		case 's':
			if (parse_seconds("-s", optarg, &snaplen) != 0 || snaplen < 64 ||
			    snaplen > 262144) {
				argus_log(ARGUS_LOG_ERROR, "-s: capture length from 64 to 262144");
				return EXIT_USAGE;
			}
			break;
		case 'p':
			promisc = 0;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'L':
			if (argus_registry_add_root(optarg, err, sizeof err) != 0) {
				argus_log(ARGUS_LOG_ERROR, "%s", err);
				return EXIT_USAGE;
			}
			break;
		case 'l':
			list_plugins = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("argus (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
			return 0;
		case 'A':
			want_app = 1;
			break;
		case 'J':
			want_jitter = 1;
			break;
		case 'Z':
			want_psize = 1;
			break;
		case 'U': {
			char *end;
			errno = 0;
			user_len = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || user_len < 0 ||
			    user_len > ARGUS_USERDATA_MAX) {
				argus_log(ARGUS_LOG_ERROR, "-U: '%s' is not a number of bytes from 0 to %d",
					  optarg, ARGUS_USERDATA_MAX);
				return EXIT_USAGE;
			}
			break;
		}
		case 'd':
			daemon_mode = 1;
			break;
		case OPT_THREADS: {
			char *end;
			errno = 0;
			threads = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || threads < 1 ||
			    threads > ARGUS_WORKERS_MAX) {
				argus_log(ARGUS_LOG_ERROR,
					  "--threads: '%s' is not a number of threads from 1 to %d",
					  optarg, ARGUS_WORKERS_MAX);
				return EXIT_USAGE;
			}
			break;
		}
		case 'u':
			user = optarg;
			break;
		case 'g':
			group = optarg;
			break;
		case 'c':
			chroot_dir = optarg;
			break;
		default:
			fprintf(stderr, "Try 'argus --help' for the options.\n");
			return EXIT_USAGE;
		}
	}
	if (argus_trailing_expression(argc, argv, optind, &bpf) != 0) {
		argus_log(ARGUS_LOG_ERROR, "out of memory");
		return 1;
	}

	if (argus_registry_init(err, sizeof err) != 0) {
		argus_log(ARGUS_LOG_ERROR, "%s", err);
		return 1;
	}
	if (list_plugins == 2) {
		/* -P help: the decoders -P accepts, as --list-plugins shows them */
		size_t refused = 0, found;

		found = argus_registry_load_all(ARGUS_PLUGIN_DECODER, &refused);
		printf("%-10s %-8s %s\n", "DECODER", "VERSION", "SUMMARY");
		for (size_t i = 0; i < argus_registry_count(); i++) {
			const struct argus_plugin *d = argus_registry_at(i)->desc;
			if (d->kind == ARGUS_PLUGIN_DECODER)
				printf("%-10s %-8s %s\n", d->name, d->version ? d->version : "-",
				       d->summary ? d->summary : "");
		}
		if (found == 0)
			argus_log(ARGUS_LOG_WARNING,
				  "no decoder found%s (argus --list-plugins shows the folders searched)",
				  refused ? " that could be loaded" : "");
		argus_registry_fini();
		return 0;
	}
	if (list_plugins) {
		argus_registry_print_all(stdout);
		argus_registry_fini();
		return 0;
	}

	/* configuration files first, the command line wins */
	if (!no_system_conf && access(SYSTEM_CONF, R_OK) == 0 &&
	    argus_config_load_file(SYSTEM_CONF, err, sizeof err) != 0) {
		argus_log(ARGUS_LOG_ERROR, "%s", err);
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < n_conf; i++)
		if (argus_config_load_file(conf_files[i], err, sizeof err) != 0) {
			argus_log(ARGUS_LOG_ERROR, "%s", err);
			return EXIT_USAGE;
		}
	if (!have_status && config_seconds("ARGUS_FLOW_STATUS_INTERVAL", 5, &status_interval) != 0)
		return EXIT_USAGE;
	if (!have_mar && config_seconds("ARGUS_MAR_STATUS_INTERVAL", 60, &mar_interval) != 0)
		return EXIT_USAGE;
	if (!outpath)
		outpath = config_text("ARGUS_OUTPUT_FILE");
	if ((status = server_settings(port_text, bind_text, &access_list, &server_cfg)) != 0 ||
	    (status = output_stream_setting(stream_url, sizeof stream_url, &stream_filter)) != 0)
		return status;
	if (argus_udppush_is_url(outpath) && stream_url[0]) {
		argus_log(ARGUS_LOG_ERROR, "-w %s and ARGUS_OUTPUT_STREAM: one push stream at a time",
			  outpath);
		return EXIT_USAGE;
	}
	push_url = argus_udppush_is_url(outpath) ? outpath : stream_url[0] ? stream_url : NULL;
	/* Argus: records go to the clients only, unless a file is named too */
	if (!outpath && !server_cfg.port)
		outpath = "-";
	if (n_ifaces == 0 && n_inputs == 0 && config_text("ARGUS_INTERFACE")) {
		if (argus_ifspec_parse(config_text("ARGUS_INTERFACE"), ifaces, &n_ifaces, err,
				       sizeof err) != 0) {
			char where[512];
			argus_config_where("ARGUS_INTERFACE", where, sizeof where);
			argus_log(ARGUS_LOG_ERROR, "%sARGUS_INTERFACE: %s", where, err);
			return EXIT_USAGE;
		}
	}
	if (!srcid_text)
		srcid_text = config_text("ARGUS_MONITOR_ID");
	if ((want_mac < 0 && config_flag("ARGUS_GENERATE_MAC_DATA", 0, &want_mac) != 0) ||
	    (want_app < 0 && config_flag("ARGUS_GENERATE_APPBYTE_METRIC", 0, &want_app) != 0) ||
	    (want_jitter < 0 && config_flag("ARGUS_GENERATE_JITTER_DATA", 0, &want_jitter) != 0) ||
	    (want_psize < 0 && config_flag("ARGUS_GENERATE_PACKET_SIZE", 0, &want_psize) != 0) ||
	    config_flag("ARGUS_TIMEOUT_AT_STATUS", 0, &at_status) != 0)
		return EXIT_USAGE;
	if (user_len < 0 &&
	    config_number("ARGUS_CAPTURE_DATA_LEN", 0, 0, ARGUS_USERDATA_MAX, &user_len) != 0)
		return EXIT_USAGE;
	if (daemon_mode < 0 && config_flag("ARGUS_DAEMON", 0, &daemon_mode) != 0)
		return EXIT_USAGE;
	if (threads < 0 && config_number("ARGUS_THREADS", 1, 1, ARGUS_WORKERS_MAX, &threads) != 0)
		return EXIT_USAGE;
	if (config_flag("ARGUS_SET_PID", 0, &set_pid) != 0)
		return EXIT_USAGE;
	if (!user)
		user = config_text("ARGUS_SETUSER_ID");
	if (!group)
		group = config_text("ARGUS_SETGROUP_ID");
	if (!chroot_dir)
		chroot_dir = config_text("ARGUS_CHROOT_DIR");
	if (!bpf && config_text("ARGUS_FILTER"))
		bpf = strdup(config_text("ARGUS_FILTER"));
	if ((promisc < 0 && config_flag("ARGUS_GO_PROMISCUOUS", 1, &promisc) != 0) ||
	    (optimize < 0 && config_flag("ARGUS_FILTER_OPTIMIZER", 1, &optimize) != 0) ||
	    config_flag("ARGUS_PCAP_IMMEDIATE", 0, &immediate) != 0 ||
	    config_size("ARGUS_PCAP_BUF_SIZE", 32L << 20, &pcap_buffer) != 0)
		return EXIT_USAGE;
	if (n_inputs > 0 && n_ifaces > 0) {
		argus_log(ARGUS_LOG_ERROR, "-r and -i cannot be combined");
		return EXIT_USAGE;
	}
	live_mode = n_inputs == 0;
	for (size_t i = 0; i < n_inputs && threads > 1; i++)
		if (strcmp(inputs[i], "-") == 0) {
			argus_log(ARGUS_LOG_WARNING,
				  "--threads %ld: standard input is read by one thread", threads);
			threads = 1;
		}
	/* Argus: with nothing named, the first interface that is up */
	if (live_mode && argus_ifspec_resolve(ifaces, &n_ifaces, err, sizeof err) != 0) {
		argus_log(ARGUS_LOG_ERROR, "%s", err);
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < n_ifaces; i++)
		for (size_t j = 0; j < i; j++)
			if (strcmp(ifaces[i].name, ifaces[j].name) == 0) {
				argus_log(ARGUS_LOG_ERROR, "-i: interface %s named twice",
					  ifaces[i].name);
				return EXIT_USAGE;
			}
	for (size_t i = 0; i < n_ifaces && threads > 1; i++)
		if (ifaces[i].srcid[0]) {
			argus_log(ARGUS_LOG_WARNING,
				  "--threads %ld: interfaces with their own source id (-i %s/%s) are "
				  "captured by one thread",
				  threads, ifaces[i].name, ifaces[i].srcid);
			threads = 1;
		}
	for (size_t i = 0; i < n_ifaces; i++)
		iface_names[i] = ifaces[i].name;
	if (daemon_mode && (!live_mode || (outpath && strcmp(outpath, "-") == 0))) {
		argus_log(ARGUS_LOG_ERROR, "-d: a daemon captures live (not -r) and needs -w FILE "
					   "(not stdout) or -P PORT");
		return EXIT_USAGE;
	}
	if (server_cfg.port && !live_mode) {
		argus_log(ARGUS_LOG_ERROR,
			  "-P %u: records are served from live capture (-i), not from files (-r)",
			  server_cfg.port);
		return EXIT_USAGE;
	}
	if (chroot_dir && !live_mode) {
		argus_log(ARGUS_LOG_ERROR, "-c: chroot is supported with live capture (-i) only");
		return EXIT_USAGE;
	}
	if (chroot_dir && chroot_dir[0] != '/') {
		argus_log(ARGUS_LOG_ERROR, "-c %s: the chroot folder must be an absolute path",
			  chroot_dir);
		return EXIT_USAGE;
	}
	if (argus_ids_lookup(user, group, &ids, err, sizeof err) != 0) {
		argus_log(ARGUS_LOG_ERROR, "%s", err);
		return EXIT_USAGE;
	}
	memset(&live_opts, 0, sizeof live_opts);
	live_opts.snaplen = (int)snaplen;
	live_opts.promisc = promisc;
	live_opts.immediate = immediate;
	live_opts.optimize = optimize;
	live_opts.buffer_size = pcap_buffer;
	if (dump_filter)
		return print_capture_filter(live_mode ? ifaces[0].name : inputs[0], live_mode,
					    &live_opts);
	/* where the output is opened now, and again on SIGHUP once chdir'd to
	 * / or chroot'ed (Argus: -w names are taken inside the chroot) */
	if (argus_udppush_is_url(outpath) && strcmp(format, "binary") != 0) {
		argus_log(ARGUS_LOG_ERROR, "-w %s: records are pushed in the binary format only",
			  outpath);
		return EXIT_USAGE;
	}
	open_path = outpath;
	if (!outpath || argus_udppush_is_url(outpath)) {
		open_path = NULL; /* no file: records go to clients or the collector */
		reopen_path[0] = '\0';
	} else if (strcmp(outpath, "-") != 0) {
		char cwd[PATH_MAX];
		int n;
		if (chroot_dir) {
			n = snprintf(reopen_path, sizeof reopen_path, "%s%s",
				     outpath[0] == '/' ? "" : "/", outpath);
			if (n > 0 && (size_t)n < sizeof reopen_path)
				n = snprintf(open_buf, sizeof open_buf, "%s%s", chroot_dir, reopen_path);
			open_path = open_buf;
		} else if (outpath[0] != '/' && getcwd(cwd, sizeof cwd)) {
			n = snprintf(reopen_path, sizeof reopen_path, "%s/%s", cwd, outpath);
		} else {
			n = snprintf(reopen_path, sizeof reopen_path, "%s", outpath);
		}
		if (n < 0 || (size_t)n >= sizeof reopen_path) {
			argus_log(ARGUS_LOG_ERROR, "-w %s: path too long", outpath);
			return EXIT_USAGE;
		}
	} else {
		snprintf(reopen_path, sizeof reopen_path, "-");
	}
	if (set_pid) {
		const char *dir = config_text("ARGUS_PID_PATH");
		int n;
		if (!dir)
			dir = "/var/run";
		/* Argus's name: argus.IFACE.pid */
		n = live_mode ? snprintf(pid_path, sizeof pid_path, "%s/argus.%s.pid", dir,
					 ifaces[0].name)
			      : snprintf(pid_path, sizeof pid_path, "%s/argus.pid", dir);
		if (n < 0 || (size_t)n >= sizeof pid_path || (live_mode && strchr(ifaces[0].name, '/'))) {
			argus_log(ARGUS_LOG_ERROR, "ARGUS_PID_PATH: bad pid file name");
			return EXIT_USAGE;
		}
		if (argus_pidfile_check(pid_path, err, sizeof err) != 0) {
			argus_log(ARGUS_LOG_ERROR, "%s", err);
			return 1;
		}
	}
	if (daemon_mode)
		umask(027);
	if (outpath && strcmp(outpath, "-") == 0 && strcmp(format, "binary") == 0 &&
	    isatty(STDOUT_FILENO)) {
		argus_log(ARGUS_LOG_ERROR,
			  "will not write binary records to a terminal: use -w FILE, or pipe into ra");
		return EXIT_USAGE;
	}

	/* a bad capture filter is a usage error, found before any input is read */
	if (bpf) {
		pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);
		struct bpf_program prog;
		if (dead && pcap_compile(dead, &prog, bpf, optimize, PCAP_NETMASK_UNKNOWN) != 0) {
			argus_log(ARGUS_LOG_ERROR, "capture filter '%s': %s", bpf, pcap_geterr(dead));
			pcap_close(dead);
			return EXIT_USAGE;
		}
		if (dead) {
			pcap_freecode(&prog);
			pcap_close(dead);
		}
	}

	memset(&cfg, 0, sizeof cfg);
	cfg.status_interval_s = status_interval;
	cfg.want_mac = want_mac;
	cfg.want_appbytes = want_app;
	cfg.want_jitter = want_jitter;
	cfg.want_psize = want_psize;
	cfg.user_len = (uint32_t)user_len;
	cfg.timeout_at_status = at_status;
	{
		long v;
		if (config_number("ARGUS_MAX_FLOWS", 1000000, 1, 100000000, &v) != 0)
			return EXIT_USAGE;
		cfg.max_flows = (uint32_t)v;
		if (argus_flowtable_config_timeouts(&cfg, err, sizeof err) != 0) {
			argus_log(ARGUS_LOG_ERROR, "%s", err);
			return EXIT_USAGE;
		}
	}
	if (srcid_text) {
		char host[256];
		if (strcmp(srcid_text, "`hostname`") == 0 && gethostname(host, sizeof host) == 0) {
			host[sizeof host - 1] = '\0';
			srcid_text = host;
		}
		if (argus_srcid_parse(srcid_text, &cfg.srcid, err, sizeof err) != 0) {
			argus_log(ARGUS_LOG_ERROR, "-e: %s", err);
			return EXIT_USAGE;
		}
	}

	/* decoders first: the fields they register are columns of the output
	 * and words of the -w filter */
	if (load_decoders(decoders) != 0) {
		argus_registry_fini();
		return EXIT_USAGE;
	}
	memset(&mon, 0, sizeof mon);
	mon.mar_interval_s = mar_interval;
	if (out_filter) {
		char ferr[512] = "";
		filter_mod = argus_registry_get(ARGUS_PLUGIN_FILTER, "ra", err, sizeof err);
		if (!filter_mod) {
			argus_log(ARGUS_LOG_ERROR, "-w filter: %s", err);
			return 1;
		}
		if (filter_mod->desc->ops.filter->compile(filter_mod->state, out_filter, &filter_prog,
							  ferr, sizeof ferr) != 0) {
			argus_log(ARGUS_LOG_ERROR, "-w filter: %s", ferr[0] ? ferr : "syntax error");
			argus_registry_fini();
			return EXIT_USAGE;
		}
		mon.filter = filter_prog;
		mon.filter_ops = filter_mod->desc->ops.filter;
		if (argus_udppush_is_url(outpath)) {
			push_filter = filter_prog;
			push_filter_ops = filter_mod->desc->ops.filter;
		}
	}
	if (stream_filter) {
		char ferr[512] = "";
		const struct argus_module *m = argus_registry_get(ARGUS_PLUGIN_FILTER, "ra", err,
								  sizeof err);
		if (!m || m->desc->ops.filter->compile(m->state, stream_filter, &stream_prog, ferr,
						       sizeof ferr) != 0) {
			argus_log(ARGUS_LOG_ERROR, "ARGUS_OUTPUT_STREAM filter: %s",
				  m ? (ferr[0] ? ferr : "syntax error") : err);
			free_out_filter(filter_mod, filter_prog);
			argus_registry_fini();
			return EXIT_USAGE;
		}
		push_filter = stream_prog;
		push_filter_ops = m->desc->ops.filter;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (argus_monitor_start(&mon, &cfg, format, open_path, err, sizeof err) != 0) {
		argus_log(ARGUS_LOG_ERROR, "%s", err);
		free_out_filter(filter_mod, filter_prog);
		argus_registry_fini();
		return strstr(err, "no output module") ? EXIT_USAGE : 1;
	}
	if (attach_decoders(mon.ft, 1, 0) != 0 || add_live_sources(&mon, &cfg, ifaces, n_ifaces) != 0) {
		argus_monitor_finish(&mon, err, sizeof err);
		free_out_filter(filter_mod, filter_prog);
		argus_registry_fini();
		return EXIT_USAGE;
	}
	/* before chroot and -u: the port may be a privileged one (561) */
	if (server_cfg.port && start_server(&server_cfg, &mon) != 0)
		status = 1;
	if (status == 0 && push_url) {
		if (start_push(push_url, live_mode) != 0) {
			status = 1;
		} else {
			/* the collector's stream opens as a file does */
			struct argus_record opening;
			argus_monitor_build_mar(&mon, ARGUS_CAUSE_START, argus_monitor_wall_us(), &opening);
			argus_udppush_record(push, &opening);
		}
	}
	if (server || push) {
		mon.tap = tap_record;
		mon.tap_ctx = &mon;
	}
	argus_config_foreach_unasked(warn_unasked_variable, NULL);

	if (live_mode && threads > 1 && status == 0) {
		memset(&live_wc, 0, sizeof live_wc);
		live_wc.threads = (unsigned)threads;
		live_wc.ifaces = iface_names;
		live_wc.n_ifaces = n_ifaces;
		live_wc.live = &live_opts;
		live_wc.bpf = bpf;
		live_wc.stop = &stop_requested;
		live_wc.attach = attach_worker_decoders;
		live_wc.ctx = &mon;
		if (!(live_workers = argus_workers_open_live(&mon, &cfg, &live_wc)))
			status = 1;
	}
	for (size_t i = 0; i < n_lives && status == 0 && !live_workers; i++)
		if (argus_capture_open_live(&lives[i].cap, lives[i].spec.name, bpf, &live_opts, err,
					    sizeof err) != 0) {
			argus_log(ARGUS_LOG_ERROR, "%s", err);
			status = 1;
		}
	/* everything is open: detach, pid file, chroot, drop privileges;
	 * until the daemon reports ready its errors still reach the terminal */
	if (status == 0 && daemon_mode) {
		if (argus_daemon_detach(&ready_fd, err, sizeof err) != 0) {
			argus_log(ARGUS_LOG_ERROR, "%s", err);
			status = 1;
		} else {
			argus_log_open_syslog();
		}
	}
	if (status == 0 && set_pid && argus_pidfile_write(pid_path, err, sizeof err) != 0) {
		argus_log(ARGUS_LOG_ERROR, "%s", err);
		status = 1;
	}
	if (status == 0 && chroot_dir && argus_chroot(chroot_dir, err, sizeof err) != 0) {
		argus_log(ARGUS_LOG_ERROR, "%s", err);
		status = 1;
	}
	if (status == 0 && argus_drop_privileges(&ids, err, sizeof err) != 0) {
		argus_log(ARGUS_LOG_ERROR, "%s", err);
		status = 1;
	}
	if (ready_fd >= 0) {
		argus_daemon_ready(ready_fd, status);
		if (status == 0)
			argus_log_use_syslog(1);
	}
	setup_failed = status != 0;
	if (live_workers) {
		if (status == 0 && argus_workers_start(live_workers) == 0)
			status |= run_live_threads(&mon, live_workers);
		stop_requested = 1; /* whatever ended it: the workers too */
		status |= argus_workers_finish(live_workers) != 0;
	} else if (live_mode && status == 0) {
		status |= run_live(&mon, &live_opts);
	}
	for (size_t i = 0; i < n_lives; i++)
		argus_capture_close(&lives[i].cap);
	if (threads > 1 && !setup_failed && n_inputs > 0) {
		struct argus_workers_config wc;
		memset(&wc, 0, sizeof wc);
		wc.threads = (unsigned)threads;
		wc.inputs = inputs;
		wc.n_inputs = n_inputs;
		wc.bpf = bpf;
		wc.optimize = optimize;
		wc.stop = &stop_requested;
		wc.attach = attach_worker_decoders;
		wc.between_blocks = worker_between_blocks;
		wc.ctx = &mon;
		/* the binary stream, written whole: the workers encode */
		if (strcmp(format, "binary") == 0 && mon.has_out && !mon.filter && !mon.tap) {
			argus_udppush_encode_fn fn;
			void *state;
			if (binary_encoder(&fn, &state, err, sizeof err) == 0) {
				wc.encode = fn;
				wc.encoder_state = worker_encoder;
			}
		}
		worker_prog_quiet = quiet;
		status |= argus_workers_run(&mon, &cfg, &wc) != 0;
		if (worker_prog_file != SIZE_MAX)
			argus_progress_end(&worker_prog);
		n_inputs = 0; /* read */
	}
	for (size_t i = 0; i < n_inputs && !setup_failed && !stop_requested &&
			   !argus_monitor_failed(&mon); i++) {
		struct argus_capture cap;
		if (argus_capture_open_file(&cap, inputs[i], bpf, optimize, err, sizeof err) != 0) {
			argus_log(ARGUS_LOG_ERROR, "%s", err);
			status = 1;
			continue;
		}
		status |= run_file(&mon, &cap, quiet);
		argus_capture_close(&cap);
	}

	{
		struct argus_flowtable_stats st;
		uint64_t malformed, evicted;
		argus_monitor_totals(&mon, &st);
		malformed = st.malformed;
		evicted = st.evicted;
		if (argus_monitor_finish(&mon, err, sizeof err) != 0) {
			argus_log(ARGUS_LOG_ERROR, "%s", err);
			status = 1;
		}
		/* the clients get the closing MAR too */
		argus_server_close(server, CLIENT_DRAIN_US);
		server = NULL;
		if (push && argus_udppush_lost(push))
			argus_log(ARGUS_LOG_WARNING,
				  "%s: %llu of %llu records could not be sent (no collector, or "
				  "sending faster than the socket takes)",
				  push_url, (unsigned long long)argus_udppush_lost(push),
				  (unsigned long long)(argus_udppush_lost(push) +
						       argus_udppush_sent(push)));
		argus_udppush_close(push);
		push = NULL;
		if (malformed)
			argus_log(ARGUS_LOG_INFO, "%llu packets too malformed to key a flow",
				  (unsigned long long)malformed);
		if (evicted)
			argus_log(ARGUS_LOG_WARNING,
				  "%llu flows emitted early: the flow table cap (ARGUS_MAX_FLOWS) was reached",
				  (unsigned long long)evicted);
	}
	free_out_filter(filter_mod, filter_prog);
	if (stream_prog)
		push_filter_ops->free(stream_prog);
	free_worker_states();
	argus_registry_fini();
	argus_config_clear();
	argus_pidfile_remove();
	return status;
}
