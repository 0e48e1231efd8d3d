# Every test speaks TAP through automake's driver, so each assertion counts
# in the summary.  Unit tests: cmocka (CMOCKA_MESSAGE_OUTPUT=TAP).
# Integration tests: shell scripts run the built programs on captures.
LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
TEST_EXTENSIONS = .sh
SH_LOG_DRIVER = $(LOG_DRIVER)
SH_LOG_COMPILER = $(SHELL)
AM_TESTS_ENVIRONMENT = \
	ARGUS_PLUGIN_PATH='$(abs_top_builddir)/plugins'; export ARGUS_PLUGIN_PATH; \
	CMOCKA_MESSAGE_OUTPUT=TAP; export CMOCKA_MESSAGE_OUTPUT; \
	top_srcdir='$(abs_top_srcdir)'; export top_srcdir; \
	top_builddir='$(abs_top_builddir)'; export top_builddir; \
	ARGUS_SHARED_DIR="$${ARGUS_SHARED_DIR:-$(abs_top_srcdir)/../shared}"; export ARGUS_SHARED_DIR;

UNIT_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
UNIT_LDADD = core/libargus.la $(CMOCKA_LIBS)

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_config tests/unit/test_registry \
	tests/unit/test_fieldtab tests/unit/test_outputs tests/unit/test_binary \
	tests/unit/test_filter_ra tests/unit/test_decoders tests/unit/test_dissect \
	tests/unit/test_flowtable tests/unit/test_flowtable_counters tests/unit/test_pcapfile \
	tests/unit/test_fanout
TESTS += tests/unit/test_config tests/unit/test_registry \
	tests/unit/test_fieldtab tests/unit/test_outputs tests/unit/test_binary \
	tests/unit/test_filter_ra tests/unit/test_decoders tests/unit/test_dissect \
	tests/unit/test_flowtable tests/unit/test_flowtable_counters tests/unit/test_pcapfile \
	tests/unit/test_fanout
endif

tests_unit_test_config_SOURCES = tests/unit/test_config.c
tests_unit_test_config_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_config_LDADD = $(UNIT_LDADD)

tests_unit_test_registry_SOURCES = tests/unit/test_registry.c
tests_unit_test_registry_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_registry_LDADD = $(UNIT_LDADD)

tests_unit_test_fieldtab_SOURCES = tests/unit/test_fieldtab.c
tests_unit_test_fieldtab_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_fieldtab_LDADD = $(UNIT_LDADD)

tests_unit_test_outputs_SOURCES = tests/unit/test_outputs.c \
	plugins/outputs/csv/csv.c plugins/outputs/json/json.c plugins/outputs/text/text.c \
	plugins/outputs/common/outbuf.c plugins/outputs/common/outbuf.h \
	plugins/outputs/common/services.c plugins/outputs/common/services.h
tests_unit_test_outputs_CFLAGS = $(UNIT_CFLAGS) $(JANSSON_CFLAGS)
tests_unit_test_outputs_LDADD = $(UNIT_LDADD) $(JANSSON_LIBS)

tests_unit_test_binary_SOURCES = tests/unit/test_binary.c plugins/outputs/binary/binary.c \
	plugins/outputs/binary/encode.c plugins/outputs/binary/decode.c
tests_unit_test_binary_CFLAGS = $(UNIT_CFLAGS) $(ZLIB_CFLAGS)
tests_unit_test_binary_LDADD = $(UNIT_LDADD) $(ZLIB_LIBS)

tests_unit_test_filter_ra_SOURCES = tests/unit/test_filter_ra.c plugins/filters/ra/ra.c \
	plugins/filters/ra/lexer.c plugins/filters/ra/parser.c plugins/filters/ra/eval.c
tests_unit_test_filter_ra_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_filter_ra_LDADD = $(UNIT_LDADD)

tests_unit_test_decoders_SOURCES = tests/unit/test_decoders.c plugins/decoders/tcp/tcp.c \
	plugins/decoders/udp/udp.c plugins/decoders/icmp/icmp.c plugins/decoders/arp/arp.c \
	plugins/decoders/igmp/igmp.c plugins/decoders/esp/esp.c
tests_unit_test_decoders_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_decoders_LDADD = $(UNIT_LDADD)

tests_unit_test_dissect_SOURCES = tests/unit/test_dissect.c tests/unit/pktbuild.h
tests_unit_test_dissect_CFLAGS = $(UNIT_CFLAGS) $(PCAP_CFLAGS)
tests_unit_test_dissect_LDADD = $(UNIT_LDADD)

tests_unit_test_flowtable_SOURCES = tests/unit/test_flowtable.c tests/unit/pktbuild.h
tests_unit_test_flowtable_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_flowtable_LDADD = $(UNIT_LDADD)

# argus --threads on live interfaces: the kernel fanout program (core/capture.c)
# computes the flow table's share.
tests_unit_test_fanout_SOURCES = tests/unit/test_fanout.c core/capture.c core/capture.h \
	core/pcapfile.c core/pcapfile.h
tests_unit_test_fanout_CFLAGS = $(UNIT_CFLAGS) $(PCAP_CFLAGS)
tests_unit_test_fanout_LDADD = $(UNIT_LDADD) $(PCAP_LIBS)

# core/flowtable.c again, with 8-bit packet counters to reach their carry.
tests_unit_test_flowtable_counters_SOURCES = tests/unit/test_flowtable_counters.c \
	core/flowtable.c tests/unit/pktbuild.h
tests_unit_test_flowtable_counters_CPPFLAGS = $(AM_CPPFLAGS) -DFLOW_PKTS_TYPE=uint8_t
tests_unit_test_flowtable_counters_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_flowtable_counters_LDADD = $(UNIT_LDADD)

# core/pcapfile.c against libpcap on the same files (differential).
tests_unit_test_pcapfile_SOURCES = tests/unit/test_pcapfile.c core/pcapfile.c core/pcapfile.h
tests_unit_test_pcapfile_CFLAGS = $(UNIT_CFLAGS) $(PCAP_CFLAGS)
tests_unit_test_pcapfile_LDADD = $(CMOCKA_LIBS) $(PCAP_LIBS)

# A module built for another ABI major version: the registry must refuse it.
check_LTLIBRARIES += tests/plugins/badabi/outputs/badabi.la
tests_plugins_badabi_outputs_badabi_la_SOURCES = tests/plugins/badabi.c
tests_plugins_badabi_outputs_badabi_la_LDFLAGS = $(PLUGIN_LDFLAGS) -rpath /nowhere

# Integration tests: the built programs on captures.
TESTS += tests/integration/cli.sh tests/integration/golden.sh \
	tests/integration/genpcap.sh tests/integration/badinput.sh \
	tests/integration/plugins.sh tests/integration/golden-ra.sh tests/integration/live.sh \
	tests/integration/threads.sh tests/integration/live-threads.sh
EXTRA_DIST += tests/integration/lib.sh tests/integration/cli.sh tests/integration/threads.sh \
	tests/integration/live-threads.sh \
	tests/integration/golden.sh tests/integration/genpcap.sh \
	tests/integration/badinput.sh tests/integration/plugins.sh tests/integration/golden-ra.sh \
	tests/integration/live.sh \
	tests/data

# The record reader's fuzz target, built without libFuzzer: it replays the
# seed corpus and the golden and hand-made streams (tests/fuzz/README.md).
check_PROGRAMS += tests/fuzz/fuzz_record_reader
TESTS += tests/fuzz/fuzz_record_reader
tests_fuzz_fuzz_record_reader_SOURCES = tests/fuzz/fuzz_record_reader.c tests/fuzz/replay.h \
	plugins/outputs/binary/binary.c plugins/outputs/binary/encode.c \
	plugins/outputs/binary/decode.c plugins/outputs/binary/wire.h
tests_fuzz_fuzz_record_reader_CFLAGS = $(AM_CFLAGS) $(ZLIB_CFLAGS)
tests_fuzz_fuzz_record_reader_LDADD = $(ZLIB_LIBS)
EXTRA_DIST += tests/fuzz/README.md tests/fuzz/corpus

# Issue 3: damaged streams and round trips through Debian's Argus tools.
TESTS += tests/integration/corrupt.sh tests/integration/roundtrip.sh
EXTRA_DIST += tests/integration/corrupt.sh tests/integration/roundtrip.sh

# Issue 4: agreement with Argus 3.0.8 on the golden captures (golden rows
# through Debian's ra, and 5-tuple flows through Debian's racluster).  The
# longer run over the tcpdump corpus is `make interop-corpus` (Makefile.am).
TESTS += tests/interop/golden.sh
EXTRA_DIST += tests/interop/agree tests/interop/golden.sh tests/interop/golden.conf \
	tests/interop/known-differences.txt tests/interop/timing-differences.txt \
	tests/interop/corpus-report.txt \
	tests/interop/README.md

# Issue 5: the ra filter language against Debian's ra, the parser's fuzz
# target (replaying its seeds without libFuzzer), no allocation in match().
tests_unit_test_filter_ra_LDFLAGS = -Wl,--wrap=malloc -Wl,--wrap=calloc \
	-Wl,--wrap=realloc -Wl,--wrap=free
TESTS += tests/integration/filter-ra.sh tests/fuzz/fuzz_filter
EXTRA_DIST += tests/integration/filter-ra.sh tests/fuzz/corpus-filter
check_PROGRAMS += tests/fuzz/fuzz_filter
tests_fuzz_fuzz_filter_SOURCES = tests/fuzz/fuzz_filter.c tests/fuzz/replay.h plugins/filters/ra/ra.c \
	plugins/filters/ra/lexer.c plugins/filters/ra/parser.c plugins/filters/ra/eval.c \
	plugins/filters/ra/ast.h plugins/filters/ra/lexer.h
tests_fuzz_fuzz_filter_CFLAGS = $(AM_CFLAGS)

# Issue 6: daemon operation (-d, pid file, SIGHUP rotation, -u nobody); root only.
TESTS += tests/integration/daemon.sh
EXTRA_DIST += tests/integration/daemon.sh

# Issue 6: live capture in ../shared/tools/netns-lab.sh beside tcpdump (root).
TESTS += tests/integration/netns.sh
EXTRA_DIST += tests/integration/netns.sh

# Issue 6: several interfaces with source id tags, -i any, the default
# interface, an interface that vanishes and returns, the flow cap in MARs
# (namespaces the test creates; root).
TESTS += tests/integration/capture.sh
EXTRA_DIST += tests/integration/capture.sh

# Issue 8: a SYN flood against the flow-table cap (tests/tools/synflood
# writes the capture).
check_PROGRAMS += tests/tools/synflood
tests_tools_synflood_SOURCES = tests/tools/synflood.c
TESTS += tests/integration/flood.sh
EXTRA_DIST += tests/integration/flood.sh

# Issues 6 and 8: write failures (full disk, file size limit, closed pipe)
# leave whole records only, with one message and exit 1.
TESTS += tests/integration/writefail.sh
EXTRA_DIST += tests/integration/writefail.sh

# Issue 8: every capture of ../shared/corpus/tcpdump through argus and ra
# (in the sanitizer pass: under ASan and UBSan); skipped without ../shared.
TESTS += tests/integration/corpus-sweep.sh
EXTRA_DIST += tests/integration/corpus-sweep.sh

# Issue 8: fuzz targets of the dissector and flow table (every decoder, the
# binary writer) and of argus.conf, replaying their seeds without libFuzzer
# (tests/fuzz/README.md); `make fuzz` runs every target under libFuzzer.
check_PROGRAMS += tests/fuzz/fuzz_packet tests/fuzz/fuzz_conf
TESTS += tests/fuzz/fuzz_packet tests/fuzz/fuzz_conf
tests_fuzz_fuzz_packet_SOURCES = tests/fuzz/fuzz_packet.c tests/fuzz/replay.h \
	plugins/decoders/tcp/tcp.c plugins/decoders/udp/udp.c plugins/decoders/icmp/icmp.c \
	plugins/decoders/arp/arp.c plugins/decoders/igmp/igmp.c plugins/decoders/esp/esp.c \
	plugins/outputs/binary/binary.c plugins/outputs/binary/encode.c \
	plugins/outputs/binary/decode.c plugins/outputs/binary/wire.h
tests_fuzz_fuzz_packet_CFLAGS = $(AM_CFLAGS) $(PCAP_CFLAGS) $(ZLIB_CFLAGS)
tests_fuzz_fuzz_packet_LDADD = core/libargus.la $(ZLIB_LIBS)
tests_fuzz_fuzz_conf_SOURCES = tests/fuzz/fuzz_conf.c tests/fuzz/replay.h \
	core/ifspec.c core/ifspec.h \
	plugins/decoders/tcp/tcp.c plugins/decoders/udp/udp.c plugins/decoders/icmp/icmp.c \
	plugins/decoders/arp/arp.c plugins/decoders/igmp/igmp.c plugins/decoders/esp/esp.c
tests_fuzz_fuzz_conf_CFLAGS = $(AM_CFLAGS) $(PCAP_CFLAGS)
tests_fuzz_fuzz_conf_LDADD = core/libargus.la $(PCAP_LIBS)
EXTRA_DIST += tests/fuzz/corpus-packet tests/fuzz/corpus-conf tests/fuzz/pcap2seed.py \
	tests/fuzz/make-packet-seeds.sh tests/fuzz/run-fuzz.sh

# Issue 9: the plugin SDK out of tree (examples/plugins built against a
# staged make install) and the manual pages.
TESTS += tests/integration/sdk.sh tests/integration/manpages.sh
EXTRA_DIST += tests/integration/sdk.sh tests/integration/manpages.sh

# Issue 10 (first part): ra -S reads Debian argus's live records (root).
TESTS += tests/integration/remote.sh
EXTRA_DIST += tests/integration/remote.sh

# Issue 10: argus -P.  The access list (ARGUS_ACCESS_LIST) and the client
# commands (START:, FILTER:, DONE:); core/netacl.c and core/remotecmd.c
# belong to the argus program, not to libargus.  serve.sh runs argus as a
# server on loopback for Debian's ra and radium, our ra and test clients.
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_netacl tests/unit/test_remotecmd
TESTS += tests/unit/test_netacl tests/unit/test_remotecmd
endif
tests_unit_test_netacl_SOURCES = tests/unit/test_netacl.c core/netacl.c core/netacl.h
tests_unit_test_netacl_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_netacl_LDADD = $(UNIT_LDADD)
tests_unit_test_remotecmd_SOURCES = tests/unit/test_remotecmd.c core/remotecmd.c core/remotecmd.h
tests_unit_test_remotecmd_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_remotecmd_LDADD = $(UNIT_LDADD)

# Their fuzz target, replaying its seeds without libFuzzer (tests/fuzz/README.md).
check_PROGRAMS += tests/fuzz/fuzz_remotecmd
TESTS += tests/fuzz/fuzz_remotecmd
tests_fuzz_fuzz_remotecmd_SOURCES = tests/fuzz/fuzz_remotecmd.c tests/fuzz/replay.h \
	core/remotecmd.c core/remotecmd.h core/netacl.c core/netacl.h
tests_fuzz_fuzz_remotecmd_CFLAGS = $(AM_CFLAGS)
EXTRA_DIST += tests/fuzz/corpus-remote

TESTS += tests/integration/serve.sh
EXTRA_DIST += tests/integration/serve.sh

# core/pcapfile.c against libpcap on arbitrary files: its fuzz target,
# replaying its seeds without libFuzzer (tests/fuzz/README.md).
check_PROGRAMS += tests/fuzz/fuzz_pcapfile
TESTS += tests/fuzz/fuzz_pcapfile
tests_fuzz_fuzz_pcapfile_SOURCES = tests/fuzz/fuzz_pcapfile.c tests/fuzz/replay.h \
	core/pcapfile.c core/pcapfile.h
tests_fuzz_fuzz_pcapfile_CFLAGS = $(AM_CFLAGS) $(PCAP_CFLAGS)
tests_fuzz_fuzz_pcapfile_LDADD = $(PCAP_LIBS)
EXTRA_DIST += tests/fuzz/corpus-pcapfile
