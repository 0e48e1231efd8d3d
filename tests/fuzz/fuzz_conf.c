/* Fuzz target: the argus.conf parser and every reading argus makes of it.
 *
 * Each input is the text of an argus.conf, written to a file (a memfd) and
 * loaded with argus_config_load_file().  Then every variable argus reads is
 * asked for with the getter argus uses and argus's bounds (core/argus.c:
 * config_text, config_flag, config_number, config_seconds, config_size,
 * argus_flowtable_config_timeouts and each decoder's timeout), the source id
 * (ARGUS_MONITOR_ID) goes through argus_srcid_parse() and the interface list
 * (ARGUS_INTERFACE) through argus_ifspec_parse() (core/ifspec.c, compiled in:
 * it belongs to the argus program, not to libargus), each interface's
 * source id tag through argus_srcid_parse() too; last argus_config_clear().
 * Besides memory safety (ASan/UBSan) the target checks:
 *  - load_file returns 0, ARGUS_EINVAL or ARGUS_ENOMEM (too many
 *    variables), and its message names the file and a line of the input;
 *  - loading is deterministic: a second load gives the same result, message
 *    and values;
 *  - a value holds no newline, is shorter than a line may be, and
 *    argus_config_where() places it on a line of the input;
 *  - a getter that succeeds gives a value in its bounds (a flag 0 or 1, the
 *    same as argus_config_get_bool()), the default when the variable is
 *    unset; one that fails names the variable and, when it came from the
 *    file, the file and line;
 *  - srcid and ifspec results are well formed (types and lengths, at most
 *    ARGUS_IFSPEC_MAX interfaces with non-empty names), or an error message;
 *  - after the queries no variable argus reads is reported as unasked, and
 *    every unasked one was set on a line of the input;
 *  - after argus_config_clear() nothing is left.
 * getaddrinfo() is replaced below so that no host name look-up leaves the
 * process (names ending in ".example" resolve to 192.0.2.x, "localhost" to
 * 127.0.0.1, nothing else).
 *
 * Built with -DARGUS_FUZZ_LIBFUZZER and -fsanitize=fuzzer it is a libFuzzer
 * target (see README.md beside it).  Without it, main() replays files and
 * directories given on the command line (by default
 * $top_srcdir/tests/fuzz/corpus-conf and $top_srcdir/contrib/argus.conf) and
 * reports in TAP: `make check` runs it as a regression test.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <argus/plugin.h>

#include "core/conf.h"
#include "core/flowtable.h"
#include "core/ifspec.h"
#include "core/srcid.h"

const struct argus_plugin *tcp_LTX_argus_plugin_entry(void);
const struct argus_plugin *udp_LTX_argus_plugin_entry(void);
const struct argus_plugin *icmp_LTX_argus_plugin_entry(void);
const struct argus_plugin *arp_LTX_argus_plugin_entry(void);
const struct argus_plugin *igmp_LTX_argus_plugin_entry(void);
const struct argus_plugin *esp_LTX_argus_plugin_entry(void);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CONF_MAX_LINE 4096 /* core/conf.c CONFIG_MAX_LINE */

static const char *current = "(none)"; /* the input being run, for crash reports */
static int conf_fd = -1;
static char conf_path[64];
static unsigned n_lines; /* lines of the current input */

static void fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_conf: %s: %s (input %s)\n", what, detail ? detail : "", current);
	abort();
}

/* ---- no DNS: a getaddrinfo() of our own ---------------------------------------- */

struct fake_ai {
	struct addrinfo ai;
	struct sockaddr_in sin;
};

int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
		struct addrinfo **res)
{
	size_t len = node ? strlen(node) : 0;
	struct fake_ai *f;
	uint8_t last = 0;

	(void)service;
	*res = NULL;
	if (hints && hints->ai_family != AF_INET && hints->ai_family != AF_UNSPEC)
		return EAI_FAMILY;
	if (len >= 8 && strcmp(node + len - 8, ".example") == 0) {
		for (size_t i = 0; i < len; i++)
			last = (uint8_t)(last * 31 + (uint8_t)node[i]);
	} else if (!node || strcmp(node, "localhost") != 0) {
		return EAI_NONAME;
	}
	if (!(f = calloc(1, sizeof *f)))
		return EAI_MEMORY;
	f->sin.sin_family = AF_INET;
	f->sin.sin_addr.s_addr = last ? htonl(0xc0000200u | last) : htonl(0x7f000001u);
	f->ai.ai_family = AF_INET;
	f->ai.ai_socktype = SOCK_STREAM;
	f->ai.ai_addrlen = sizeof f->sin;
	f->ai.ai_addr = (struct sockaddr *)(void *)&f->sin;
	*res = &f->ai;
	return 0;
}

void freeaddrinfo(struct addrinfo *ai)
{
	while (ai) {
		struct addrinfo *next = ai->ai_next;
		free(ai); /* the fake_ai it begins */
		ai = next;
	}
}

/* ---- what argus reads (core/argus.c) ------------------------------------------ */

static const struct {
	const char *key;
	int def;
} flags[] = {
	{"ARGUS_GENERATE_MAC_DATA", 0}, {"ARGUS_GENERATE_APPBYTE_METRIC", 0},
	{"ARGUS_GENERATE_JITTER_DATA", 0}, {"ARGUS_GENERATE_PACKET_SIZE", 0},
	{"ARGUS_TIMEOUT_AT_STATUS", 0}, {"ARGUS_DAEMON", 0}, {"ARGUS_SET_PID", 0},
	{"ARGUS_GO_PROMISCUOUS", 1}, {"ARGUS_FILTER_OPTIMIZER", 1}, {"ARGUS_PCAP_IMMEDIATE", 0},
};

static const struct {
	const char *key;
	long def, min, max;
} numbers[] = {
	{"ARGUS_FLOW_STATUS_INTERVAL", 5, 0, 86400L * 365}, /* config_seconds */
	{"ARGUS_MAR_STATUS_INTERVAL", 60, 0, 86400L * 365},
	{"ARGUS_CAPTURE_DATA_LEN", 0, 0, ARGUS_USERDATA_MAX},
	{"ARGUS_MAX_FLOWS", 1000000, 1, 100000000},
};

static const char *const texts[] = {
	"ARGUS_OUTPUT_FILE", "ARGUS_INTERFACE", "ARGUS_MONITOR_ID", "ARGUS_SETUSER_ID",
	"ARGUS_SETGROUP_ID", "ARGUS_CHROOT_DIR", "ARGUS_FILTER", "ARGUS_PID_PATH",
};

/* Read by argus_flowtable_config_timeouts and the decoders' timeouts. */
static const char *const timeouts[] = {
	"ARGUS_IP_TIMEOUT", "ARGUS_IGMP_TIMEOUT", "ARGUS_OTHER_TIMEOUT", "ARGUS_FRAG_TIMEOUT",
	"ARGUS_TCP_TIMEOUT", "ARGUS_ICMP_TIMEOUT", "ARGUS_ARP_TIMEOUT",
};

static const struct argus_plugin *(*const decoder_entries[])(void) = {
	tcp_LTX_argus_plugin_entry, udp_LTX_argus_plugin_entry, icmp_LTX_argus_plugin_entry,
	arp_LTX_argus_plugin_entry, igmp_LTX_argus_plugin_entry, esp_LTX_argus_plugin_entry,
};
#define N_DECODERS (sizeof decoder_entries / sizeof decoder_entries[0])

/* ---- checks ---------------------------------------------------------------------- */

/* "PATH: line N: " at the start of msg with N a line of the input; 1 if
 * present, 0 if msg does not start with the path. */
static int names_line(const char *msg)
{
	size_t pl = strlen(conf_path);
	unsigned long n;
	char *end;

	if (strncmp(msg, conf_path, pl) != 0)
		return 0;
	if (strncmp(msg + pl, ": line ", 7) != 0)
		fail("a message without the line", msg);
	n = strtoul(msg + pl + 7, &end, 10);
	if (end == msg + pl + 7 || *end != ':' || n < 1 || n > n_lines)
		fail("a message naming a line outside the input", msg);
	return 1;
}

static void check_value(const char *key, const char *v)
{
	char where[512];

	if (!v)
		return;
	if (strlen(v) >= CONF_MAX_LINE || strchr(v, '\n'))
		fail("a value longer than a line, or with a newline", key);
	if (!argus_config_where(key, where, sizeof where))
		fail("a value from the file without a place", key);
	names_line(where);
}

/* err of a failed getter: names KEY, and the file and line when from it. */
static void check_getter_error(const char *key, const char *err)
{
	char where[512];

	if (!strstr(err, key))
		fail("a getter's message without the variable", err);
	if (argus_config_where(key, where, sizeof where) && !names_line(err))
		fail("a getter's message without the file", err);
}

/* core/argus.c config_size(): ARGUS_PCAP_BUF_SIZE, 64k to 2047M. */
static int config_size(const char *key, long def, long *out)
{
	const char *v = argus_config_get(key);
	char *end;
	long n;

	*out = def;
	if (!v || !*v)
		return 0;
	errno = 0;
	n = strtol(v, &end, 10);
	if (n < 0) /* argus.c shifts it left too: see README.md */
		return -1;
	if (*end == 'k' || *end == 'K')
		n = n > LONG_MAX >> 10 ? -1 : n << 10, end++;
	else if (*end == 'm' || *end == 'M')
		n = n > LONG_MAX >> 20 ? -1 : n << 20, end++;
	else if (*end == 'g' || *end == 'G')
		n = n > LONG_MAX >> 30 ? -1 : n << 30, end++;
	if (errno || end == v || *end || n < 65536 || n > INT_MAX)
		return -1;
	*out = n;
	return 0;
}

static void check_srcid(const char *text, const char *what)
{
	struct argus_srcid id;
	char err[512];
	int rc;

	err[0] = '\0';
	rc = argus_srcid_parse(text, &id, err, sizeof err);
	if (rc == 0) {
		if ((id.type == ARGUS_SRCID_IPV4 && id.len == 4) ||
		    (id.type == ARGUS_SRCID_INT && id.len == 4) ||
		    (id.type == ARGUS_SRCID_IPV6 && id.len == 16) ||
		    (id.type == ARGUS_SRCID_STRING && id.len >= 1 && id.len <= 4))
			return;
		fail("a source id of bad type or length", what);
	}
	if (rc != ARGUS_EINVAL || !err[0])
		fail("a refused source id without ARGUS_EINVAL and a message", what);
}

static void check_ifspec(const char *text)
{
	struct argus_ifspec list[ARGUS_IFSPEC_MAX];
	char err[1024];
	size_t n = 0;

	memset(list, 0, sizeof list);
	err[0] = '\0';
	if (argus_ifspec_parse(text, list, &n, err, sizeof err) != 0) {
		if (!err[0])
			fail("ARGUS_INTERFACE refused without a message", text);
		return;
	}
	if (n < 1 || n > ARGUS_IFSPEC_MAX)
		fail("ARGUS_INTERFACE: a bad interface count", text);
	for (size_t i = 0; i < n; i++) {
		size_t l = strnlen(list[i].name, sizeof list[i].name);
		if (l == 0 || l == sizeof list[i].name || strpbrk(list[i].name, "/, \t") ||
		    strnlen(list[i].srcid, sizeof list[i].srcid) == sizeof list[i].srcid)
			fail("ARGUS_INTERFACE: a malformed entry", text);
		if (list[i].srcid[0])
			check_srcid(list[i].srcid, "an interface's source id");
	}
}

static int is_read_by_argus(const char *key)
{
	for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
		if (strcmp(key, flags[i].key) == 0)
			return 1;
	for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++)
		if (strcmp(key, numbers[i].key) == 0)
			return 1;
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		if (strcmp(key, texts[i]) == 0)
			return 1;
	for (size_t i = 0; i < sizeof timeouts / sizeof timeouts[0]; i++)
		if (strcmp(key, timeouts[i]) == 0)
			return 1;
	return strcmp(key, "ARGUS_PCAP_BUF_SIZE") == 0;
}

static void visit_unasked(void *ctx, const char *key, const char *value, const char *file,
			  unsigned line)
{
	(void)ctx;
	(void)value;
	if (is_read_by_argus(key))
		fail("a variable argus read is reported as unasked", key);
	if (!file || strcmp(file, conf_path) != 0 || line < 1 || line > n_lines)
		fail("an unasked variable from no line of the input", key);
}

/* Every reading argus makes; a digest of the results for the determinism
 * check. */
static uint64_t query_all(void)
{
	uint64_t h = UINT64_C(1469598103934665603);
	char err[1024];
	long v;
	int b;

#define MIX(x) (h = (h ^ (uint64_t)(x)) * UINT64_C(1099511628211))
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		const char *t = argus_config_get(texts[i]);
		check_value(texts[i], t);
		for (const char *p = t; p && *p; p++)
			MIX((uint8_t)*p);
		MIX(t ? 1 : 2);
	}
	for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
		check_value(flags[i].key, argus_config_get(flags[i].key));
		err[0] = '\0';
		if (argus_config_get_bool_checked(flags[i].key, flags[i].def, &b, err, sizeof err) ==
		    0) {
			if (b != 0 && b != 1)
				fail("a flag neither 0 nor 1", flags[i].key);
			const char *t = argus_config_get(flags[i].key);
			if (t && *t && argus_config_get_bool(flags[i].key, !b) != b)
				fail("get_bool and get_bool_checked disagree", flags[i].key);
			if ((!t || !*t) && b != flags[i].def)
				fail("an unset flag without its default", flags[i].key);
			MIX(b);
		} else {
			check_getter_error(flags[i].key, err);
			MIX(7);
		}
	}
	for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++) {
		check_value(numbers[i].key, argus_config_get(numbers[i].key));
		err[0] = '\0';
		if (argus_config_get_long(numbers[i].key, numbers[i].def, numbers[i].min,
					  numbers[i].max, &v, err, sizeof err) == 0) {
			if (v < numbers[i].min || v > numbers[i].max)
				fail("a number outside its bounds", numbers[i].key);
			const char *t = argus_config_get(numbers[i].key);
			if ((!t || !*t) && v != numbers[i].def)
				fail("an unset number without its default", numbers[i].key);
			MIX(v);
		} else {
			check_getter_error(numbers[i].key, err);
			MIX(-1);
		}
	}
	check_value("ARGUS_PCAP_BUF_SIZE", argus_config_get("ARGUS_PCAP_BUF_SIZE"));
	if (config_size("ARGUS_PCAP_BUF_SIZE", 32L << 20, &v) == 0) {
		if (v < 65536 || v > INT_MAX)
			fail("a buffer size outside its bounds", NULL);
		MIX(v);
	}
	{
		struct argus_flowtable_config cfg;
		memset(&cfg, 0, sizeof cfg);
		err[0] = '\0';
		if (argus_flowtable_config_timeouts(&cfg, err, sizeof err) == 0) {
			if (cfg.ip_timeout_s > 65534 || cfg.igmp_timeout_s > 65534 ||
			    cfg.nonip_timeout_s > 65534 || cfg.frag_timeout_s > 65534)
				fail("a timeout above 65534 s", NULL);
			MIX(cfg.ip_timeout_s);
			MIX(cfg.frag_timeout_s);
		} else if (!strstr(err, "_TIMEOUT")) {
			fail("a timeout message without the variable", err);
		}
	}
	for (size_t i = 0; i < N_DECODERS; i++) {
		const struct argus_plugin *pl = decoder_entries[i]();
		uint32_t t = 0;
		err[0] = '\0';
		if (argus_flowtable_decoder_timeout(pl->ops.decoder, pl->abi_minor, &t, err,
						    sizeof err) == 0) {
			if (t > 65534)
				fail("a decoder timeout above 65534 s", pl->name);
			MIX(t);
		} else if (!strstr(err, "_TIMEOUT")) {
			fail("a decoder timeout message without the variable", err);
		}
	}
	for (size_t i = 0; i < sizeof timeouts / sizeof timeouts[0]; i++)
		check_value(timeouts[i], argus_config_get(timeouts[i]));
	{
		const char *t = argus_config_get("ARGUS_INTERFACE");
		if (t && *t)
			check_ifspec(t);
		t = argus_config_get("ARGUS_MONITOR_ID");
		if (t && *t) {
			char host[256];
			if (strcmp(t, "`hostname`") == 0 && gethostname(host, sizeof host) == 0) {
				host[sizeof host - 1] = '\0';
				t = host;
			}
			check_srcid(t, "ARGUS_MONITOR_ID");
		}
	}
#undef MIX
	return h;
}

/* ---- the target ------------------------------------------------------------------ */

static void setup(void)
{
#ifdef MFD_CLOEXEC
	conf_fd = memfd_create("fuzz_conf", MFD_CLOEXEC);
#endif
	if (conf_fd >= 0) {
		snprintf(conf_path, sizeof conf_path, "/proc/self/fd/%d", conf_fd);
		if (access(conf_path, R_OK) != 0) {
			close(conf_fd);
			conf_fd = -1;
		}
	}
	if (conf_fd < 0) {
		const char *tmp = getenv("TMPDIR");
		snprintf(conf_path, sizeof conf_path, "%s/fuzz_conf.XXXXXX",
			 tmp && strlen(tmp) < 40 ? tmp : "/tmp");
		conf_fd = mkstemp(conf_path);
		if (conf_fd < 0)
			fail("mkstemp", strerror(errno));
	}
}

static void load(const uint8_t *data, size_t size)
{
	size_t off = 0;

	if (ftruncate(conf_fd, 0) != 0)
		fail("ftruncate", strerror(errno));
	while (off < size) {
		ssize_t n = pwrite(conf_fd, data + off, size - off, (off_t)off);
		if (n <= 0)
			fail("pwrite", strerror(errno));
		off += (size_t)n;
	}
	n_lines = 1;
	for (size_t i = 0; i < size; i++)
		if (data[i] == '\n')
			n_lines++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[1024], err2[1024];
	uint64_t h1, h2;
	int rc, rc2;

	if (conf_fd < 0)
		setup();
	load(data, size);

	argus_config_clear();
	err[0] = '\0';
	rc = argus_config_load_file(conf_path, err, sizeof err);
	if (rc != 0 && rc != ARGUS_EINVAL && rc != ARGUS_ENOMEM)
		fail("load_file returned an unexpected status", err);
	if (rc != 0 && !names_line(err))
		fail("a load error without the file", err);
	h1 = query_all();
	argus_config_foreach_unasked(visit_unasked, NULL);

	/* again, from nothing: the same */
	argus_config_clear();
	err2[0] = '\0';
	rc2 = argus_config_load_file(conf_path, err2, sizeof err2);
	if (rc2 != rc || (rc != 0 && strcmp(err, err2) != 0))
		fail("loading twice gave different results", err2);
	h2 = query_all();
	if (h1 != h2)
		fail("loading twice gave different values", NULL);

	argus_config_clear();
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		if (argus_config_get(texts[i]))
			fail("a variable left after argus_config_clear", texts[i]);
	return 0;
}

#ifndef ARGUS_FUZZ_LIBFUZZER
#include "replay.h"
/* ---- replay: a plain program for make check -------------------------------------- */

static void report(char *text, size_t len, unsigned count)
{
	snprintf(text, len, "%u configurations loaded and read consistently", count);
}

int main(int argc, char **argv)
{
	static const char *const defaults[] = {"tests/fuzz/corpus-conf", "contrib/argus.conf", NULL};
	int failed = replay_main(argc, argv, defaults, &current, replay_files, report);

	if (conf_fd >= 0) {
		close(conf_fd);
		if (strncmp(conf_path, "/proc/", 6) != 0)
			unlink(conf_path);
	}
	return failed;
}
#endif
