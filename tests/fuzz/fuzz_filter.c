/* Fuzz target: the ra filter plugin's parser (and its evaluator).
 *
 * Each input is one filter expression (up to its first NUL byte).  Besides
 * memory safety (ASan/UBSan) the target checks:
 *  - compile() either succeeds with a program or fails with EINVAL, no
 *    program, and a message "column N: ..." with N inside the input;
 *  - compiling is deterministic: a second compile gives the same result
 *    and the same selection over a set of records;
 *  - "(E)" selects what E selects and "not (E)" the rest, unless the extra
 *    level is refused for depth, length or a leading 'local'.
 *
 * Built with -DARGUS_FUZZ_LIBFUZZER and -fsanitize=fuzzer it is a libFuzzer
 * target (see tests/fuzz/README.md for the pattern):
 *
 *     clang -g -O1 -fsanitize=fuzzer,address,undefined -DARGUS_FUZZ_LIBFUZZER \
 *         -std=c11 -D_DEFAULT_SOURCE -I$S/include -I$B -I$S -o fuzz_filter \
 *         $S/tests/fuzz/fuzz_filter.c $S/plugins/filters/ra/ra.c \
 *         $S/plugins/filters/ra/lexer.c $S/plugins/filters/ra/parser.c \
 *         $S/plugins/filters/ra/eval.c
 *     mkdir -p work && cp -r $S/tests/fuzz/corpus-filter work
 *     ./fuzz_filter -max_len=512 -timeout=10 -max_total_time=900 work
 *
 * Without it, main() below replays the files and directories named on the
 * command line (by default $top_srcdir/tests/fuzz/corpus-filter, and every
 * line of $top_srcdir/tests/data/filter-exprs.txt as one input) and reports
 * in TAP: `make check` runs it as a regression test. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <argus/plugin.h>

const struct argus_plugin *ra_LTX_argus_plugin_entry(void);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define EXPR_MAX 70000 /* past the filter's own limit (65536) */
#define NREC 8

static const struct argus_filter_ops *ops;
static void *pstate;
static struct argus_record recs[NREC];
static char *expr, *wrapped;
static const char *current = "(none)"; /* the input being run, for crash reports */

static void fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_filter: %s: %s (input %s)\n", what, detail ? detail : "", current);
	abort();
}

static void ip4(uint8_t *d, unsigned a, unsigned b, unsigned c, unsigned e)
{
	d[0] = (uint8_t)a;
	d[1] = (uint8_t)b;
	d[2] = (uint8_t)c;
	d[3] = (uint8_t)e;
}

static struct argus_record *flow(int i, uint8_t family, uint8_t proto, uint16_t sport,
				 uint16_t dport)
{
	struct argus_record *r = &recs[i];

	r->kind = ARGUS_RECORD_FLOW;
	r->cause = ARGUS_CAUSE_STATUS;
	r->present = ARGUS_HAS_TRANSPORT | ARGUS_HAS_FLOW | ARGUS_HAS_METRIC | ARGUS_HAS_TIME;
	r->srcid.type = ARGUS_SRCID_IPV4;
	r->srcid.len = 4;
	ip4(r->srcid.value, 192, 0, 2, 1);
	r->seq = (uint32_t)i;
	r->trans = 1;
	r->key.family = family;
	r->key.proto = proto;
	r->key.sport = sport;
	r->key.dport = dport;
	r->stime_us = 1700000000000000 + i * 1000;
	r->ltime_us = r->stime_us + i * 250000;
	r->spkts = (uint64_t)i + 1;
	r->dpkts = (uint64_t)i;
	r->sbytes = 100 * r->spkts;
	r->dbytes = 90 * r->dpkts;
	return r;
}

/* A few records covering every section the filter reads. */
static void setup_records(void)
{
	struct argus_record *r;

	memset(recs, 0, sizeof recs);
	recs[0].kind = ARGUS_RECORD_MAR;
	recs[0].present = ARGUS_HAS_MAR | ARGUS_HAS_TRANSPORT;

	r = flow(1, ARGUS_KEY_IPV4, 6, 40000, 80);
	ip4(r->key.saddr, 10, 0, 0, 1);
	ip4(r->key.daddr, 10, 0, 0, 2);
	r->present |= ARGUS_HAS_TCP | ARGUS_HAS_NET | ARGUS_HAS_IPATTR | ARGUS_HAS_MAC |
		      ARGUS_HAS_ENCAPS | ARGUS_HAS_APPBYTES;
	r->tcp.status = ARGUS_TCP_SAW_SYN | ARGUS_TCP_SAW_SYN_SENT | ARGUS_TCP_ESTABLISHED |
			ARGUS_TCP_SRC_RESET;
	r->tcp.options = ARGUS_TCP_OPT_MSS | ARGUS_TCP_OPT_WSCALE;
	r->tcp.src.flags = 0x16;
	r->tcp.src.retrans = 2;
	r->tcp.have_dst = 1;
	r->sattr.valid = r->dattr.valid = 1;
	r->sattr.ttl = 64;
	r->dattr.ttl = 128;
	r->sattr.tos = 0x20;
	r->smac[0] = 0x02;
	memset(r->dmac, 0xff, 6);
	r->sencaps = r->dencaps = ARGUS_ENCAPS_ETHER;
	r->sappbytes = 300;

	r = flow(2, ARGUS_KEY_IPV4, 17, 5353, 53);
	ip4(r->key.saddr, 10, 0, 0, 1);
	ip4(r->key.daddr, 224, 0, 0, 251);
	r->present |= ARGUS_HAS_VLAN | ARGUS_HAS_MPLS | ARGUS_HAS_ENCAPS;
	r->svlan = 0x2000 | 100;
	r->vlan_valid = 1;
	r->n_smpls = 1;
	r->smpls[0] = 16u << 12;
	r->sencaps = ARGUS_ENCAPS_ETHER | ARGUS_ENCAPS_8021Q | ARGUS_ENCAPS_MPLS;

	r = flow(3, ARGUS_KEY_IPV4, 1, 3 << 8 | 3, 53);
	ip4(r->key.saddr, 192, 168, 1, 1);
	ip4(r->key.daddr, 255, 255, 255, 255);
	r->flags = ARGUS_FLAG_ICMP_MAPPED | ARGUS_FLAG_FRAG;
	r->sattr.frag = 1;

	r = flow(4, ARGUS_KEY_IPV6, 17, 546, 547);
	r->key.saddr[0] = 0xfe;
	r->key.saddr[1] = 0x80;
	r->key.saddr[15] = 1;
	r->key.daddr[0] = 0xff;
	r->key.daddr[1] = 0x02;
	r->key.daddr[15] = 2;

	r = flow(5, ARGUS_KEY_ARP, 0, 1, 0);
	r->key.ethertype = 0x0806;
	ip4(r->key.saddr, 10, 0, 0, 1);
	ip4(r->key.daddr, 10, 0, 0, 254);

	r = flow(6, ARGUS_KEY_ETHER, 0, 0x42, 0x42);
	r->key.saddr[0] = 0x00;
	r->key.daddr[0] = 0x01;
	r->key.daddr[1] = 0x80;
	r->key.daddr[2] = 0xc2;

	r = flow(7, ARGUS_KEY_IPV6, 6, 443, 50000);
	r->key.saddr[0] = 0x20;
	r->key.daddr[0] = 0x20;
	r->present |= ARGUS_HAS_TCP;
	r->cause = ARGUS_CAUSE_TIMEOUT;
	r->flags = ARGUS_FLAG_FRAG_ONLY | ARGUS_FLAG_MULTI_MAC;
	r->srcid.type = ARGUS_SRCID_STRING;
	r->srcid.len = 2;
	memcpy(r->srcid.value, "ab", 2);
}

static void setup(void)
{
	const struct argus_plugin *p = ra_LTX_argus_plugin_entry();
	char err[256];

	if (!p || p->init(NULL, &pstate, err, sizeof err) != 0)
		fail("plugin init", err);
	ops = p->ops.filter;
	expr = malloc(EXPR_MAX + 1);
	wrapped = malloc(EXPR_MAX + 16);
	if (!expr || !wrapped)
		fail("setup", "out of memory");
	setup_records();
}

/* Compile S; on success the selection as a bit mask in *SEL.  Checks the
 * error convention.  Returns the compile status. */
static int compile_select(const char *s, unsigned *sel, char *err, size_t errlen)
{
	void *prog = (void *)&prog; /* must come back NULL on failure */
	int rc = ops->compile(pstate, s, &prog, err, errlen);

	*sel = 0;
	if (rc == ARGUS_OK) {
		if (!prog)
			fail("compile succeeded without a program", s);
		for (int i = 0; i < NREC; i++) {
			int m = ops->match(prog, &recs[i]);
			if (m != 0 && m != 1)
				fail("match returned neither 0 nor 1", s);
			*sel |= (unsigned)m << i;
		}
		ops->free(prog);
		return rc;
	}
	if (rc != ARGUS_EINVAL)
		fail("compile failed other than with EINVAL", err);
	if (prog)
		fail("failed compile left a program", err);
	{
		unsigned long col;
		char *end;
		if (strncmp(err, "column ", 7) != 0)
			fail("message without a column", err);
		col = strtoul(err + 7, &end, 10);
		if (end == err + 7 || strncmp(end, ": ", 2) != 0 || col < 1 ||
		    col > strlen(s) + 1)
			fail("message with a bad column", err);
	}
	return rc;
}

/* A failure of the wrapped form the extra level explains. */
static int explained(const char *err)
{
	return strstr(err, "nested deeper") || strstr(err, "longer than") ||
	       strstr(err, "'local'");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512], err2[512];
	unsigned sel, sel2;
	size_t n;
	int rc;

	if (!ops)
		setup();
	n = size > EXPR_MAX ? EXPR_MAX : size;
	memcpy(expr, data, n);
	expr[n] = '\0';

	rc = compile_select(expr, &sel, err, sizeof err);
	if (compile_select(expr, &sel2, err2, sizeof err2) != rc || sel != sel2 ||
	    (rc != ARGUS_OK && strcmp(err, err2) != 0))
		fail("compiling twice gave different results", expr);
	if (rc != ARGUS_OK || strspn(expr, " \t\n\r\f\v") == strlen(expr))
		return 0; /* refused, or empty: "()" is no expression */

	snprintf(wrapped, EXPR_MAX + 16, "(%s)", expr);
	if (compile_select(wrapped, &sel2, err2, sizeof err2) == ARGUS_OK) {
		if (sel2 != sel)
			fail("(E) selects other records than E", expr);
	} else if (!explained(err2)) {
		fail("(E) refused", err2);
	}
	snprintf(wrapped, EXPR_MAX + 16, "not (%s)", expr);
	if (compile_select(wrapped, &sel2, err2, sizeof err2) == ARGUS_OK) {
		if (sel2 != (~sel & ((1u << NREC) - 1)))
			fail("not (E) is not the complement of E", expr);
	} else if (!explained(err2)) {
		fail("not (E) refused", err2);
	}
	return 0;
}

#ifndef ARGUS_FUZZ_LIBFUZZER
#include "replay.h"
/* ---- replay: a plain program for make check -------------------------------------- */

/* Every line of PATH not starting with '#' as one input (the expression
 * list of the integration test). */
static int run_lines(const char *path, unsigned *count)
{
	static char where[4200];
	size_t len, i = 0;

	if (replay_read_file(path, &replay_buf, replay_max_input, &len) != 0)
		return -1;
	while (i < len) {
		size_t j = i;
		while (j < len && replay_buf[j] != '\n')
			j++;
		if (j > i && replay_buf[i] != '#') {
			snprintf(where, sizeof where, "%s line starting at byte %zu", path, i);
			current = where;
			LLVMFuzzerTestOneInput(replay_buf + i, j - i);
			current = "(none)";
			(*count)++;
		}
		i = j + 1;
	}
	return 0;
}

/* Run PATH: a .txt file line by line, else a file or every file in a
 * directory; count the inputs. */
static int run_path(const char *path, unsigned *count)
{
	size_t l = strlen(path);

	if (l > 4 && strcmp(path + l - 4, ".txt") == 0)
		return run_lines(path, count);
	return replay_files(path, count);
}

static void report(char *text, size_t len, unsigned count)
{
	snprintf(text, len, "%u expressions compiled or refused consistently", count);
}

int main(int argc, char **argv)
{
	static const char *const defaults[] = {"tests/fuzz/corpus-filter",
					       "tests/data/filter-exprs.txt", NULL};

	return replay_main(argc, argv, defaults, &current, run_path, report);
}
#endif
