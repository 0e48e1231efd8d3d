/* argus plugin SDK: the ABI between the host programs (argus, ra) and the
 * modules they load at run time.
 *
 * Contract:
 *  - A module exports exactly one symbol, made by ARGUS_PLUGIN_DEFINE():
 *    NAME_LTX_argus_plugin_entry, returning a pointer to a static const
 *    struct argus_plugin.  Its name equals the module's file name.
 *  - The host refuses a descriptor whose abi_major differs from its own,
 *    whose abi_minor is newer than its own, or whose size is smaller than
 *    the host's sizeof(struct argus_plugin).  Structures only grow at the end.
 *  - The host calls init() before any operation on the state it makes, and
 *    fini() once for that state at the end.  State created by init is owned
 *    by the module and freed by fini.  A host may make more than one state
 *    (argus --threads N: one per worker thread), each on its own.
 *    Memory is never freed across the boundary.
 *  - Modules never call exit(); they return 0 or a negative ARGUS_E* code
 *    and put a one-line reason (no program name, no newline) into err.
 *  - Operations on one state are called from one thread at a time.
 */
#ifndef ARGUS_PLUGIN_H
#define ARGUS_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#include <argus/record.h>
#include <argus/packet.h>
#include <argus/field.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ARGUS_ABI_MAJOR 1
#define ARGUS_ABI_MINOR 5

/* Return codes (negative). */
#define ARGUS_OK 0
#define ARGUS_EINVAL (-1)   /* bad argument, syntax or configuration */
#define ARGUS_ENOMEM (-2)
#define ARGUS_EIO (-3)      /* read or write failure; errno-style text in err */
#define ARGUS_EFORMAT (-4)  /* malformed input */
#define ARGUS_ENOTSUP (-5)
#define ARGUS_ESKIP (-6)    /* reader: bad data reported in err and skipped */

enum argus_plugin_kind {
	ARGUS_PLUGIN_DECODER = 1,
	ARGUS_PLUGIN_OUTPUT = 2,
	ARGUS_PLUGIN_FILTER = 3,
};

enum argus_log_level {
	ARGUS_LOG_ERROR = 0,
	ARGUS_LOG_WARNING = 1,
	ARGUS_LOG_INFO = 2,
	ARGUS_LOG_DEBUG = 3,
};

/* Functions the host hands to init().  Valid until fini() returns. */
struct argus_host {
	uint16_t abi_major;
	uint16_t abi_minor;
	uint32_t size; /* sizeof(struct argus_host) of the host */

	/* printf-style; the host prefixes program and plugin name. */
	void (*log)(const char *plugin, int level, const char *fmt, ...)
#if defined(__GNUC__)
		__attribute__((format(printf, 3, 4)))
#endif
		;
	/* Configuration value for KEY (argus.conf variable or -X/-F), or NULL. */
	const char *(*config_get)(const char *key);

	/* Field table.  field_register copies nothing: f must stay valid until
	 * the plugin's fini.  Returns 0 or ARGUS_EINVAL (duplicate/bad name). */
	int (*field_register)(const struct argus_field *f, char *err, size_t errlen);
	const struct argus_field *(*field_find)(const char *name);
	size_t (*field_count)(void);
	const struct argus_field *(*field_at)(size_t index);
	/* Format V (of field F) as text in the given style into buf; returns
	 * the length written (always NUL-terminated, truncated to buflen-1). */
	size_t (*field_format)(const struct argus_field *f, const struct argus_value *v,
			       enum argus_format_style style, char *buf, size_t buflen);
};

/* ---- decoders ------------------------------------------------------------
 * A decoder claims IP protocol numbers.  For a packet of such a protocol the
 * host calls key() to complete the flow key (ports or identifiers), then,
 * once the flow exists, update() with the flow's private state (flow_state_size
 * bytes, zeroed when the flow is created, no allocation needed), and
 * fill_record() when a record is emitted.
 */
enum argus_flow_verdict {
	ARGUS_FLOW_CONTINUE = 0,
	ARGUS_FLOW_CLOSE = 1, /* the flow ended (TCP FIN/RST exchange): emit and free it */
	/* (1.1) The connection is over (TCP: both FINs acknowledged, or a
	 * reset) but its stragglers (last or duplicate ACKs, a repeated RST)
	 * still belong to it, as in Argus 3.0.8: keep the flow and emit it
	 * when idle; the host may shorten its idle timeout from now on. */
	ARGUS_FLOW_ENDED = 2,
	/* (1.1) PKT opens a new connection on this key (a SYN after a FIN or
	 * RST exchange): emit and free the flow WITHOUT PKT, then create a new
	 * flow from PKT (key() and update() are called again for it). */
	ARGUS_FLOW_RESTART = 3,
};

/* A transport protocol and port an application decoder claims. */
struct argus_app_port {
	uint8_t proto; /* IP protocol: 6 TCP, 17 UDP, 132 SCTP */
	uint16_t port;
};

struct argus_decoder_ops {
	const uint8_t *ip_protos; /* IP protocol numbers claimed */
	size_t n_ip_protos;
	size_t flow_state_size;      /* bytes of per-flow state (<= 256) */
	uint32_t idle_timeout;       /* default idle timeout, seconds */
	const char *timeout_config;  /* config variable overriding it, or NULL */

	/* Complete key->sport/dport (and ICMP fields) from pkt.  Set
	 * key->sport/dport in the orientation of the flow's originator when the
	 * packet is recognisably a reply (ICMP echo reply) so that the host's
	 * reverse lookup matches.  A protocol whose flows Argus keys on another
	 * address may replace key->daddr (IGMP: the group).  Return 0, or
	 * ARGUS_EFORMAT if the packet is too short: it is then accounted as a
	 * generic IP flow.  The key must depend on pkt alone, with no side
	 * effects: the host may key a run of packets before it updates flows
	 * with the first of them. */
	int (*key)(void *state, const struct argus_packet *pkt, struct argus_flow_key *key);

	/* Account PKT into the flow's private state.  dir is ARGUS_DIR_SRC when
	 * the packet goes from the flow's originator, ARGUS_DIR_DST otherwise.
	 * Called before the host counts PKT into the flow, so that a RESTART
	 * verdict leaves PKT out of the old flow's record. */
	enum argus_flow_verdict (*update)(void *state, void *flow_state,
					   const struct argus_packet *pkt, int dir);

	/* Fill the decoder's part of REC (rec->tcp, rec->icmp, flags). */
	void (*fill_record)(void *state, const void *flow_state, struct argus_record *rec);

	/* Called after a record was emitted for a flow that goes on (status
	 * report): reset per-report counters.  May be NULL. */
	void (*report_done)(void *state, void *flow_state);

	/* ---- ABI 1.2: read only when the module's abi_minor >= 2 ---- */

	/* Non-IP Ethernet types claimed (ARP 0x0806, RARP 0x8035).  For such a
	 * packet pkt->l3 is the network-layer payload and key() receives a key
	 * the host prefilled as ARGUS_KEY_ETHER (MACs, ethertype); it may
	 * rewrite the whole key (family, addresses, ports), keeping zero bytes
	 * zero so that keys compare with memcmp. */
	const uint16_t *ethertypes;
	size_t n_ethertypes;

	/* Bytes of protocol header before the application payload, counted
	 * from pkt->l4 (IP decoders) or pkt->l3 (ethertype decoders); negative
	 * if PKT carries no payload the decoder can delimit.  Used for
	 * application bytes (-A) and user data capture (-U).  May be NULL: the
	 * host then counts no application bytes for the protocol. */
	int (*payload_offset)(void *state, const struct argus_packet *pkt);

	/* ICMP-style errors.  If PKT quotes a packet of another flow, fill *key
	 * with that flow's key as the quoted packet's sender would have keyed
	 * it (family, proto, addresses, ports, extra key word; zero elsewhere)
	 * and return 1; else return 0.  The host marks the flow found either
	 * way round with ARGUS_FLAG_ICMP_MAPPED and moves its last time to the
	 * error's time; the error itself is still accounted in its own flow.
	 * May be NULL. */
	int (*related_key)(void *state, const struct argus_packet *pkt,
			   struct argus_flow_key *key);

	/* ---- ABI 1.3: read only when the module's abi_minor >= 3 ---- */

	/* Application decoders.  A decoder listing app_ports rides on the
	 * flows of another decoder (tcp, udp): for every flow whose protocol
	 * and source or destination port are listed it gets its own per-flow
	 * state (flow_state_size bytes, zeroed), update() for each packet of
	 * the flow after the transport decoder's (pkt->l4 is the transport
	 * header; its verdict is ignored), fill_record() after the transport
	 * decoder's, and report_done().  key() is not called for these flows
	 * and may be NULL when ip_protos and ethertypes are empty.
	 * fill_record() adds the decoder's data with argus_record_ext_put()
	 * (record.h), and the fields the decoder registers read it back with
	 * argus_record_ext_get(): it travels in the Argus stream, so ra shows
	 * and filters it.  At most one application decoder per flow (the
	 * first registered that matches). */
	const struct argus_app_port *app_ports;
	size_t n_app_ports;
};

/* ---- outputs --------------------------------------------------------------
 * An output writes records to a file descriptor it does not own (the host
 * closes it).  Output formats that can also be read back set the reader ops.
 */
/* opts and the fields array stay valid until close() returns. */
struct argus_output_opts {
	const struct argus_field *const *fields; /* columns for text/csv/json */
	size_t n_fields;
	char separator;     /* text: 0 = aligned columns; csv: ',' by default */
	unsigned flags;     /* ARGUS_OUT_* */
	const char *name;   /* the output's name for messages ("out.argus", "-") */
};

#define ARGUS_OUT_NUMERIC 0x01   /* -n: no name look-ups (ports, protocols) */
#define ARGUS_OUT_UNIX_TIME 0x02 /* -u: times as epoch seconds */
#define ARGUS_OUT_NO_HEADER 0x04 /* no title line */
#define ARGUS_OUT_SHOW_MAR 0x08  /* print management records too */

struct argus_output_ops {
	int (*open)(void *state, int fd, const struct argus_output_opts *opts,
		    void **stream, char *err, size_t errlen);
	int (*write)(void *stream, const struct argus_record *rec, char *err, size_t errlen);
	/* Push buffered data to the descriptor (called on status reports). */
	int (*flush)(void *stream, char *err, size_t errlen);
	/* Flush and free the stream; returns the first write error, if any. */
	int (*close)(void *stream, char *err, size_t errlen);

	/* Reading (optional, NULL if the format cannot be read). */
	int (*read_open)(void *state, int fd, const char *name, void **reader,
			 char *err, size_t errlen);
	/* 1 = a record in *rec, 0 = end of input, ARGUS_ESKIP = bad data was
	 * skipped (reason in err, reading may go on), other negative = fatal. */
	int (*read_next)(void *reader, struct argus_record *rec, char *err, size_t errlen);
	/* Bytes consumed so far (for progress and messages). */
	uint64_t (*read_offset)(void *reader);
	void (*read_close)(void *reader);

	/* ABI 1.4, optional (the host reads it only from a module of ABI minor
	 * 4 or later): the bytes write() would put out for REC, encoded into
	 * BUF of CAP bytes without any stream; FIRST says REC opens a stream
	 * (a binary stream's first MAR carries the format cookie).  argus
	 * serves its remote clients with it, each client its own stream.
	 * Returns the length, 0 if the format writes nothing for REC, or a
	 * negative ARGUS_E* code (ARGUS_EINVAL when CAP is too small). */
	long (*encode)(void *state, const struct argus_record *rec, int first, uint8_t *buf,
		       size_t cap);
};

/* Room enough for any record encode() makes in the binary format. */
#define ARGUS_ENCODE_MAX 4096

/* ---- filters -------------------------------------------------------------- */
struct argus_filter_ops {
	/* Compile EXPR.  On error return ARGUS_EINVAL with err like
	 * "column 9: expected a number after 'gt'". */
	int (*compile)(void *state, const char *expr, void **program, char *err, size_t errlen);
	/* 1 if REC matches, 0 if not.  Must not allocate. */
	int (*match)(const void *program, const struct argus_record *rec);
	void (*free)(void *program);
};

/* ---- the descriptor -------------------------------------------------------- */
struct argus_plugin {
	uint16_t abi_major;
	uint16_t abi_minor;
	uint32_t size; /* sizeof(struct argus_plugin) the module was built with */
	uint32_t kind; /* enum argus_plugin_kind */
	const char *name;    /* [a-z0-9_]+, equals the module file name */
	const char *version; /* module version string */
	const char *summary; /* one line */

	int (*init)(const struct argus_host *host, void **state, char *err, size_t errlen);
	void (*fini)(void *state);

	union {
		const struct argus_decoder_ops *decoder;
		const struct argus_output_ops *output;
		const struct argus_filter_ops *filter;
	} ops;
};

typedef const struct argus_plugin *(*argus_plugin_entry_fn)(void);

#define ARGUS_PLUGIN_ENTRY_SYMBOL "argus_plugin_entry"

/* ARGUS_PLUGIN_DEFINE(tcp, descriptor) defines tcp_LTX_argus_plugin_entry.
 * libltdl strips the NAME_LTX_ prefix when the module is dlopened, and keeps
 * symbols distinct when modules are preloaded into one binary. */
#define ARGUS_PLUGIN_CAT_(a, b) a##_LTX_argus_plugin_entry
#define ARGUS_PLUGIN_CAT(a, b) ARGUS_PLUGIN_CAT_(a, b)
#define ARGUS_PLUGIN_DEFINE(modname, descriptor)                                     \
	const struct argus_plugin *ARGUS_PLUGIN_CAT(modname, x)(void);                  \
	__attribute__((visibility("default"))) const struct argus_plugin *            \
	ARGUS_PLUGIN_CAT(modname, x)(void) { return &(descriptor); }

#ifdef __cplusplus
}
#endif
#endif
