/* Fuzz target: core/pcapfile.c against libpcap on the same bytes.
 *
 * Each input is a whole capture file, written to a memfd.  libpcap opens it
 * by its /proc/self/fd path (an input it refuses is done with); then
 * argus_pcapfile_open_fd() gets a second, independent descriptor of the
 * same file with libpcap's link type and snapshot length, as
 * core/capture.c gives it.  When pcapfile takes the file, both read it to
 * the end side by side, and the target aborts unless
 *  - each packet has the same time stamp, captured length, wire length
 *    and bytes;
 *  - both end on the same record, both at the end of the file or both with
 *    an error, and then with the same message.
 * Besides that ASan and UBSan watch pcapfile's buffer handling.
 *
 * Built with -DARGUS_FUZZ_LIBFUZZER and -fsanitize=fuzzer it is a libFuzzer
 * target (see tests/fuzz/README.md):
 *
 *     clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
 *         -DARGUS_FUZZ_LIBFUZZER -std=c11 -D_DEFAULT_SOURCE -I$S/include -I$B -I$S \
 *         -o fuzz_pcapfile $S/tests/fuzz/fuzz_pcapfile.c $S/core/pcapfile.c -lpcap
 *     mkdir -p work && cp -r $S/tests/fuzz/corpus-pcapfile work
 *     ./fuzz_pcapfile -max_len=65536 -timeout=10 -max_total_time=600 work/corpus-pcapfile
 *
 * Without it, main() below replays the files and directories named on the
 * command line (by default $top_srcdir/tests/fuzz/corpus-pcapfile) and
 * reports in TAP: `make check` runs it as a regression test. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "core/pcapfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *current = "(none)"; /* the input being run, for crash reports */

static void fail(size_t packet, const char *what, long long pcapfile_value, long long libpcap_value)
{
	fprintf(stderr, "fuzz_pcapfile: packet %zu: %s: pcapfile %lld, libpcap %lld (input %s)\n",
		packet, what, pcapfile_value, libpcap_value, current);
	abort();
}

static void fail_text(size_t packet, const char *what, const char *pcapfile_text,
		      const char *libpcap_text)
{
	fprintf(stderr, "fuzz_pcapfile: packet %zu: %s: pcapfile \"%s\", libpcap \"%s\" (input %s)\n",
		packet, what, pcapfile_text, libpcap_text, current);
	abort();
}

/* Both readers, record by record, to the end of the file or an error. */
static void compare(pcap_t *p, struct argus_pcapfile *f)
{
	for (size_t packet = 0;; packet++) {
		struct pcap_pkthdr *lh, ah;
		const u_char *ldata;
		const uint8_t *adata;
		int lr = pcap_next_ex(p, &lh, &ldata);
		int ar = argus_pcapfile_next(f, &ah, &adata);

		if (lr == 1) {
			if (ar != 1)
				fail(packet, "result (libpcap has a packet)", ar, lr);
			if (ah.ts.tv_sec != lh->ts.tv_sec)
				fail(packet, "seconds", (long long)ah.ts.tv_sec, (long long)lh->ts.tv_sec);
			if (ah.ts.tv_usec != lh->ts.tv_usec)
				fail(packet, "microseconds", (long long)ah.ts.tv_usec,
				     (long long)lh->ts.tv_usec);
			if (ah.caplen != lh->caplen)
				fail(packet, "captured length", ah.caplen, lh->caplen);
			if (ah.len != lh->len)
				fail(packet, "wire length", ah.len, lh->len);
			if (memcmp(adata, ldata, lh->caplen) != 0)
				fail(packet, "packet bytes differ; caplen", ah.caplen, lh->caplen);
			continue;
		}
		if (lr == PCAP_ERROR_BREAK) {
			if (ar != 0)
				fail(packet, "result (libpcap at the end of the file)", ar, lr);
		} else {
			if (ar != -1)
				fail(packet, "result (libpcap failed)", ar, lr);
			if (strcmp(f->err, pcap_geterr(p)) != 0)
				fail_text(packet, "error message", f->err, pcap_geterr(p));
		}
		return;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], errbuf[PCAP_ERRBUF_SIZE];
	struct argus_pcapfile f;
	size_t done = 0;
	pcap_t *p;
	int fd, rfd, taken;

	fd = memfd_create("fuzz_pcapfile", MFD_CLOEXEC);
	if (fd < 0) {
		perror("fuzz_pcapfile: memfd_create");
		abort();
	}
	while (done < size) {
		ssize_t n = write(fd, data + done, size - done);

		if (n <= 0) {
			perror("fuzz_pcapfile: write");
			abort();
		}
		done += (size_t)n;
	}
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_MICRO, errbuf);
	if (!p) {
		close(fd);
		return 0;
	}
	/* a new open file description: its own offset, from the start */
	rfd = open(path, O_RDONLY | O_CLOEXEC);
	if (rfd < 0) {
		perror("fuzz_pcapfile: open");
		abort();
	}
	taken = argus_pcapfile_open_fd(&f, rfd, pcap_datalink(p), (uint32_t)pcap_snapshot(p));
	if (taken < 0) {
		fprintf(stderr, "fuzz_pcapfile: out of memory (input %s)\n", current);
		abort();
	}
	if (taken == 0)
		close(rfd);
	else {
		compare(p, &f);
		argus_pcapfile_close(&f);
	}
	pcap_close(p);
	close(fd);
	return 0;
}

#ifndef ARGUS_FUZZ_LIBFUZZER
#include "replay.h"
/* ---- replay: a plain program for make check -------------------------------------- */

static void report(char *text, size_t len, unsigned count)
{
	snprintf(text, len, "%u inputs read alike by pcapfile and libpcap", count);
}

int main(int argc, char **argv)
{
	static const char *const defaults[] = {"tests/fuzz/corpus-pcapfile", NULL};

	return replay_main(argc, argv, defaults, &current, replay_files, report);
}
#endif
