/* Fuzz target: what a remote client can send argus before it gets any
 * record (core/remotecmd.c) and the access list that decides whether it may
 * connect at all (core/netacl.c).
 *
 * Each input is used twice:
 *  - as the bytes a client sent (at most CMD_MAX, argus's command buffer,
 *    in a heap block of exactly that size so that ASan sees any read past
 *    it), run through argus_remote_cmd_next() the way core/server.c does:
 *    drop the `used` bytes, call again, stop on NONE or GARBAGE;
 *  - as the text of ARGUS_ACCESS_LIST (up to its first NUL, at most
 *    ACL_MAX bytes) for argus_netacl_parse(), then argus_netacl_allows()
 *    for a few fixed peers (IPv4, IPv6, IPv4-mapped IPv6, AF_UNIX) and
 *    two made of the input's last bytes.
 * Besides memory safety (ASan/UBSan) the target checks:
 *  - used <= len; START, FILTER and DONE use at least their word, and only
 *    separators (blank, tab, CR, LF, NUL) come before it; a FILTER
 *    expression lies inside the buffer, right after "FILTER:", holds no
 *    newline or NUL and ends at one or at the end of the buffer; NONE is
 *    separators then nothing or a strict prefix of a word; GARBAGE starts
 *    at a non-separator and with no word; arg is NULL and arglen 0 unless
 *    FILTER; every call is deterministic; the loop ends within len + 1
 *    calls;
 *  - parsing returns 0 with 1 to ARGUS_NETACL_MAX entries of a known family
 *    and prefix length, or -1 with a message (also cut short in a small
 *    buffer, never past it); parsing is deterministic;
 *  - allows() says 0 or 1, what a bit-by-bit reference says, the same for
 *    an IPv4-mapped IPv6 peer as for its IPv4 address, 0 for AF_UNIX when
 *    the list is not empty, and 1 for the address of each IPv4 entry and of
 *    each IPv6 entry that is not IPv4-mapped.
 *
 * Built with -DARGUS_FUZZ_LIBFUZZER and -fsanitize=fuzzer it is a libFuzzer
 * target (see tests/fuzz/README.md):
 *
 *     clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
 *         -DARGUS_FUZZ_LIBFUZZER -std=c11 -D_DEFAULT_SOURCE -I$S/include -I$B -I$S \
 *         -o fuzz_remotecmd $S/tests/fuzz/fuzz_remotecmd.c \
 *         $S/core/remotecmd.c $S/core/netacl.c
 *     mkdir -p work && cp -r $S/tests/fuzz/corpus-remote work
 *     ./fuzz_remotecmd -max_len=4096 -timeout=10 -max_total_time=600 work/corpus-remote
 *
 * Without it, main() below replays the files and directories named on the
 * command line (by default $top_srcdir/tests/fuzz/corpus-remote) and
 * reports in TAP: `make check` runs it as a regression test. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/netacl.h"
#include "core/remotecmd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CMD_MAX 4096 /* core/server.c: a client's command buffer */
#define ACL_MAX 4096 /* an argus.conf line is at most this long */

static const char *current = "(none)"; /* the input being run, for crash reports */

static void fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_remotecmd: %s: %s (input %s)\n", what, detail ? detail : "", current);
	abort();
}

/* ---- remote commands ------------------------------------------------------------ */

static const struct {
	const char *word;
	size_t len;
	enum argus_remote_cmd cmd;
} words[] = {
	{"START:", 6, ARGUS_REMOTE_START},
	{"FILTER:", 7, ARGUS_REMOTE_FILTER},
	{"DONE:", 5, ARGUS_REMOTE_DONE},
};
#define NWORDS (sizeof words / sizeof words[0])

static int is_sep(char c)
{
	return c == '\0' || c == ' ' || c == '\r' || c == '\n' || c == '\t';
}

/* Check one answer of argus_remote_cmd_next() over B[0..LEN). */
static void check_cmd(const char *b, size_t len, enum argus_remote_cmd c, size_t used,
		      const char *arg, size_t arglen)
{
	size_t skip = 0, rest;

	if (used > len)
		fail("used past the buffer", NULL);
	if (c != ARGUS_REMOTE_FILTER && (arg != NULL || arglen != 0))
		fail("arg set for a command without one", NULL);
	while (skip < len && is_sep(b[skip]))
		skip++;
	rest = len - skip;
	switch (c) {
	case ARGUS_REMOTE_NONE:
		if (used != skip)
			fail("NONE: used is not the separators", NULL);
		if (rest) {
			int prefix = 0;
			for (size_t i = 0; i < NWORDS; i++)
				if (rest < words[i].len && memcmp(b + skip, words[i].word, rest) == 0)
					prefix = 1;
			if (!prefix)
				fail("NONE before bytes that start no word", NULL);
		}
		break;
	case ARGUS_REMOTE_GARBAGE:
		if (used != skip || rest == 0)
			fail("GARBAGE: used is not where the garbage starts", NULL);
		for (size_t i = 0; i < NWORDS; i++)
			if (memcmp(b + skip, words[i].word,
				   rest < words[i].len ? rest : words[i].len) == 0)
				fail("GARBAGE that starts a word", words[i].word);
		break;
	case ARGUS_REMOTE_START:
	case ARGUS_REMOTE_DONE:
	case ARGUS_REMOTE_FILTER: {
		size_t i = 0;
		while (i < NWORDS && words[i].cmd != c)
			i++;
		if (i == NWORDS)
			fail("unknown command", NULL);
		if (used == 0 || rest < words[i].len ||
		    memcmp(b + skip, words[i].word, words[i].len) != 0)
			fail("a command without its word", words[i].word);
		if (c != ARGUS_REMOTE_FILTER) {
			if (used != skip + words[i].len)
				fail("used is not the separators and the word", words[i].word);
			break;
		}
		if (!arg || arg != b + skip + words[i].len || arglen > len ||
		    arg + arglen != b + used)
			fail("FILTER expression not right after the word", NULL);
		if (memchr(arg, '\n', arglen) || memchr(arg, '\0', arglen))
			fail("FILTER expression holds a line end or NUL", NULL);
		if (used < len && b[used] != '\n' && b[used] != '\0')
			fail("FILTER expression ends before a line end, NUL or the end", NULL);
		break;
	}
	default:
		fail("unknown command value", NULL);
	}
}

static void run_commands(const uint8_t *data, size_t size)
{
	size_t len = size > CMD_MAX ? CMD_MAX : size;
	char *buf = malloc(len ? len : 1), *b;
	size_t calls = 0;

	if (!buf)
		abort();
	memcpy(buf, data, len);
	b = buf;
	for (;;) {
		const char *arg = b, *arg2 = NULL;
		size_t used = (size_t)-1, arglen = 7, used2 = 0, arglen2 = 0;
		enum argus_remote_cmd c = argus_remote_cmd_next(b, len, &used, &arg, &arglen);
		enum argus_remote_cmd c2 = argus_remote_cmd_next(b, len, &used2, &arg2, &arglen2);

		if (c != c2 || used != used2 || arg != arg2 || arglen != arglen2)
			fail("two calls over the same bytes differ", NULL);
		check_cmd(b, len, c, used, arg, arglen);
		if (++calls > size + 1)
			fail("the commands never end", NULL);
		if (c == ARGUS_REMOTE_GARBAGE)
			break;
		b += used;
		len -= used;
		if (c == ARGUS_REMOTE_NONE)
			break;
	}
	free(buf);
}

/* ---- access lists --------------------------------------------------------------- */

union peer {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
	struct sockaddr_storage ss;
};

static const char *const fixed_peers[] = {
	"127.0.0.1", "10.1.2.3",	 "192.0.2.1",	      "0.0.0.0",	"255.255.255.255",
	"::1",	     "::ffff:10.1.2.3", "::ffff:127.0.0.1", "fd00::1",	"2001:db8::1",
	"::",	     "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "::10.1.2.3", "a01:203::",
};
#define NPEERS (sizeof fixed_peers / sizeof fixed_peers[0])
static union peer peers[NPEERS + 2];

static void make_peer(union peer *p, int family, const uint8_t *addr)
{
	memset(p, 0, sizeof *p);
	if (family == AF_INET) {
		p->in.sin_family = AF_INET;
		memcpy(&p->in.sin_addr, addr, 4);
	} else {
		p->in6.sin6_family = AF_INET6;
		memcpy(&p->in6.sin6_addr, addr, 16);
	}
}

static void setup_peers(void)
{
	static int done;

	if (done)
		return;
	for (size_t i = 0; i < NPEERS; i++) {
		uint8_t a[16];
		int family = strchr(fixed_peers[i], ':') ? AF_INET6 : AF_INET;
		if (inet_pton(family, fixed_peers[i], a) != 1)
			fail("bad fixed peer", fixed_peers[i]);
		make_peer(&peers[i], family, a);
	}
	done = 1;
}

/* The documented rule, bit by bit. */
static int reference_allows(const struct argus_netacl *acl, const struct sockaddr *sa)
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	uint8_t a[16];
	int family;

	if (acl->n == 0)
		return 1;
	if (sa->sa_family == AF_INET) {
		family = AF_INET;
		memcpy(a, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
	} else if (sa->sa_family == AF_INET6) {
		family = AF_INET6;
		memcpy(a, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, 16);
		if (memcmp(a, mapped, 12) == 0) {
			family = AF_INET;
			memmove(a, a + 12, 4);
		}
	} else {
		return 0;
	}
	for (size_t i = 0; i < acl->n; i++) {
		const struct argus_netacl_entry *e = &acl->e[i];
		unsigned b;

		if (e->family != family)
			continue;
		for (b = 0; b < e->prefix; b++) {
			unsigned bit = 7 - b % 8;
			if (((a[b / 8] >> bit) & 1) != ((e->addr[b / 8] >> bit) & 1))
				break;
		}
		if (b == e->prefix)
			return 1;
	}
	return 0;
}

static void check_allows(const struct argus_netacl *acl, const struct sockaddr *sa)
{
	int r = argus_netacl_allows(acl, sa);

	if (r != 0 && r != 1)
		fail("allows() is not 0 or 1", NULL);
	if (r != reference_allows(acl, sa))
		fail("allows() differs from the reference", NULL);
	if (sa->sa_family == AF_INET) {
		/* the same address as an IPv4-mapped IPv6 peer */
		union peer m;
		uint8_t a[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
		memcpy(a + 12, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
		make_peer(&m, AF_INET6, a);
		if (argus_netacl_allows(acl, &m.sa) != r)
			fail("IPv4-mapped peer not treated as its IPv4 address", NULL);
	}
}

static void run_acl(const uint8_t *data, size_t size)
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	static struct argus_netacl acl, acl2;
	static char text[ACL_MAX + 1];
	char err[256], err2[256], small[32];
	size_t n = size > ACL_MAX ? ACL_MAX : size, errlen;
	union peer p;
	int rc;

	memcpy(text, data, n);
	text[n] = '\0';
	memset(err, 0, sizeof err);
	memset(err2, 0, sizeof err2);
	rc = argus_netacl_parse(text, &acl, err, sizeof err);
	if (rc != 0 && rc != -1)
		fail("parse() is not 0 or -1", err);
	if (argus_netacl_parse(text, &acl2, err2, sizeof err2) != rc ||
	    (rc == 0 && (acl2.n != acl.n || memcmp(acl2.e, acl.e, acl.n * sizeof acl.e[0]) != 0)) ||
	    (rc != 0 && strcmp(err, err2) != 0))
		fail("parsing twice gave different results", text);

	/* a message cut to a small buffer stays inside it */
	errlen = 1 + (size ? data[0] % 16 : 0);
	memset(small, '#', sizeof small);
	if (argus_netacl_parse(text, &acl2, small, errlen) != rc)
		fail("parse() result depends on the message buffer", text);
	for (size_t i = errlen; i < sizeof small; i++)
		if (small[i] != '#')
			fail("message written past its buffer", text);
	if (rc != 0 && memchr(small, '\0', errlen) == NULL)
		fail("cut message not terminated", text);

	if (rc != 0) {
		if (err[0] == '\0' || memchr(err, '\0', sizeof err) == NULL)
			fail("refused without a message", text);
		return;
	}
	if (acl.n == 0 || acl.n > ARGUS_NETACL_MAX)
		fail("accepted list with a bad number of entries", text);
	for (size_t i = 0; i < acl.n; i++) {
		const struct argus_netacl_entry *e = &acl.e[i];
		if (!((e->family == AF_INET && e->prefix <= 32) ||
		      (e->family == AF_INET6 && e->prefix <= 128)))
			fail("entry of a bad family or prefix length", text);
		if (e->family == AF_INET6 && memcmp(e->addr, mapped, 12) == 0)
			continue; /* never matches: such peers are checked as IPv4 */
		make_peer(&p, e->family, e->addr);
		if (argus_netacl_allows(&acl, &p.sa) != 1)
			fail("an entry's own address is refused", text);
	}

	setup_peers();
	for (size_t i = 0; i < NPEERS; i++)
		check_allows(&acl, &peers[i].sa);
	if (size >= 16) {
		make_peer(&peers[NPEERS], AF_INET, data + size - 4);
		make_peer(&peers[NPEERS + 1], AF_INET6, data + size - 16);
		check_allows(&acl, &peers[NPEERS].sa);
		check_allows(&acl, &peers[NPEERS + 1].sa);
	}
	memset(&p, 0, sizeof p);
	p.sa.sa_family = AF_UNIX;
	if (argus_netacl_allows(&acl, &p.sa) != 0)
		fail("an AF_UNIX peer passes a non-empty list", text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	run_commands(data, size);
	run_acl(data, size);
	return 0;
}

#ifndef ARGUS_FUZZ_LIBFUZZER
#include "replay.h"
/* ---- replay: a plain program for make check -------------------------------------- */

static void report(char *text, size_t len, unsigned count)
{
	snprintf(text, len, "%u inputs parsed consistently", count);
}

int main(int argc, char **argv)
{
	static const char *const defaults[] = {"tests/fuzz/corpus-remote", NULL};

	return replay_main(argc, argv, defaults, &current, replay_files, report);
}
#endif
