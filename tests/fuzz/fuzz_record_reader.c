/* Fuzz target: the Argus 3 record reader of the binary plugin.
 *
 * Each input is a whole stream (plain or gzip-compressed) handed to the
 * reader through a file descriptor, as ra does, and read to its end.
 * Besides memory safety (ASan/UBSan) the target checks:
 *  - the reader always ends: every call either returns a record or consumes
 *    input, so the number of calls is bounded by the input size;
 *  - every reported problem names a byte offset ("byte N");
 *  - read_offset() never goes backwards;
 *  - decode -> encode -> decode -> encode is a fixed point: the writer's
 *    output for any record the reader accepts decodes again, and encodes to
 *    the same bytes.
 *
 * Built with -DARGUS_FUZZ_LIBFUZZER and -fsanitize=fuzzer it is a libFuzzer
 * target (see README.md beside it).  Without it, main() below replays files
 * and directories given on the command line (by default the seed corpus and
 * the golden and hand-made streams under $top_srcdir/tests) through the
 * target once and reports in TAP: `make check` runs it as a regression test.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <argus/plugin.h>

#include "../../plugins/outputs/binary/wire.h"

const struct argus_plugin *binary_LTX_argus_plugin_entry(void);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct argus_output_ops *ops;
static void *pstate;
static int in_fd = -1;
static const char *current = "(none)"; /* the input being run, for crash reports */

static void fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_record_reader: %s: %s (input %s)\n", what, detail ? detail : "",
		current);
	abort();
}

static void setup(void)
{
	const struct argus_plugin *p = binary_LTX_argus_plugin_entry();
	char err[256];

	if (!p || p->init(NULL, &pstate, err, sizeof err) != 0)
		fail("plugin init", err);
	ops = p->ops.output;
#ifdef MFD_CLOEXEC
	in_fd = memfd_create("fuzz_record_reader", MFD_CLOEXEC);
#endif
	if (in_fd < 0) {
		FILE *f = tmpfile();

		if (!f)
			fail("tmpfile", strerror(errno));
		in_fd = dup(fileno(f));
		fclose(f);
		if (in_fd < 0)
			fail("dup", strerror(errno));
	}
}

/* The input as a file at offset 0. */
static void load(const uint8_t *data, size_t size)
{
	size_t off = 0;

	if (ftruncate(in_fd, 0) != 0)
		fail("ftruncate", strerror(errno));
	while (off < size) {
		ssize_t n = pwrite(in_fd, data + off, size - off, (off_t)off);

		if (n <= 0)
			fail("pwrite", strerror(errno));
		off += (size_t)n;
	}
	if (lseek(in_fd, 0, SEEK_SET) != 0)
		fail("lseek", strerror(errno));
}

static size_t encode(const struct argus_record *rec, uint8_t *out)
{
	if (rec->kind == ARGUS_RECORD_MAR)
		return argus_binary_encode_mar(rec, 0, out);
	return argus_binary_encode_far(rec, out);
}

/* decode -> encode -> decode -> encode: a fixed point after one round. */
static void check_reencode(const struct argus_record *rec)
{
	static uint8_t a[AB_MAX_FAR_BYTES], b[AB_MAX_FAR_BYTES];
	static struct argus_record again;
	char err[256];
	size_t la, lb;
	int rc;

	if (rec->kind != ARGUS_RECORD_FLOW && rec->kind != ARGUS_RECORD_MAR)
		fail("reader returned a record of unknown kind", NULL);
	la = encode(rec, a);
	if (la < 4 || la > AB_MAX_FAR_BYTES || la % 4 || (size_t)ab_get16(a + 2) * 4 != la)
		fail("encoder wrote a bad record length", NULL);
	rc = argus_binary_decode(a, la, &again, err, sizeof err);
	if (rc != 0)
		fail("the encoder's output does not decode", err);
	if (again.kind != rec->kind)
		fail("record kind changed by re-encoding", NULL);
	lb = encode(&again, b);
	if (la != lb || memcmp(a, b, la) != 0)
		fail("encode(decode(encode(record))) differs from encode(record)", NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct argus_record rec;
	char err[512];
	void *reader;
	uint64_t calls = 0, last = 0, off;
	int rc;

	if (!ops)
		setup();
	load(data, size);
	err[0] = '\0';
	if (ops->read_open(pstate, in_fd, "fuzz", &reader, err, sizeof err) != 0)
		fail("read_open", err);
	for (;;) {
		err[0] = '\0';
		rc = ops->read_next(reader, &rec, err, sizeof err);
		/* every call returns a record or moves on; a gzip input can
		 * inflate to far more than its size, hence the generous bound */
		if (++calls > 1024 + 2 * (uint64_t)size * 1032)
			fail("the reader does not end", NULL);
		off = ops->read_offset(reader);
		if (off < last)
			fail("read_offset went backwards", NULL);
		last = off;
		if (rc == 1) {
			check_reencode(&rec);
			continue;
		}
		if (rc == 0)
			break;
		if (!strstr(err, "byte "))
			fail("a reader message names no byte offset", err);
		if (rc != ARGUS_ESKIP) {
			/* a fatal error is repeated, then nothing more */
			char again[512];

			if (ops->read_next(reader, &rec, again, sizeof again) != rc ||
			    strcmp(again, err) != 0)
				fail("a fatal error did not stick", err);
			break;
		}
	}
	ops->read_close(reader);
	return 0;
}

#ifndef ARGUS_FUZZ_LIBFUZZER
#include "replay.h"
/* ---- replay: a plain program for make check -------------------------------------- */

static void report(char *text, size_t len, unsigned count)
{
	snprintf(text, len, "%u inputs read to the end, re-encoded consistently", count);
}

int main(int argc, char **argv)
{
	static const char *const defaults[] = {"tests/fuzz/corpus/record_reader", "tests/data/golden",
					       "tests/data/handmade", NULL};

	replay_max_input = 8u << 20; /* whole capture-sized streams */
	return replay_main(argc, argv, defaults, &current, replay_files, report);
}
#endif
