#!/bin/bash
# Build every fuzz target with clang's libFuzzer, ASan and UBSan, and run
# each on a copy of its seed corpus (tests/fuzz/README.md).
#
#   run-fuzz.sh SRCDIR BUILDDIR [TARGET...]
#
# SRCDIR is the source tree, BUILDDIR a configured build directory (for
# config.h); TARGETs are among record_reader filter packet conf remotecmd
# pcapfile (default: all).  Environment:
#   FUZZ_SECONDS  seconds per target (60)
#   FUZZ_WORKDIR  where binaries, corpus copies, logs and crash inputs go
#                 (BUILDDIR/fuzz-work)
#   CLANG         the compiler (clang-14, else clang)
#   FUZZ_FLAGS    more libFuzzer options
# Prints per target the number of executions; fails (status 1) when a
# target crashes, finds a bug or cannot be built, keeping the crash input
# in FUZZ_WORKDIR/TARGET/crashes/.  Without clang or libFuzzer it says so
# and exits 0.
set -u

if [ $# -lt 2 ]; then
	echo "usage: $0 SRCDIR BUILDDIR [record_reader|filter|packet|conf|remotecmd|pcapfile ...]" >&2
	exit 2
fi
S=$(cd "$1" && pwd) || exit 2
B=$(cd "$2" && pwd) || exit 2
shift 2
targets=${*:-record_reader filter packet conf remotecmd pcapfile}
seconds=${FUZZ_SECONDS:-60}
work=${FUZZ_WORKDIR:-$B/fuzz-work}

if [ ! -f "$B/config.h" ]; then
	echo "run-fuzz: $B/config.h not found: give a configured build directory" >&2
	exit 2
fi

cc=${CLANG:-}
if [ -z "$cc" ]; then
	for c in clang-14 clang; do
		if command -v "$c" > /dev/null 2>&1; then
			cc=$c
			break
		fi
	done
fi
if [ -z "$cc" ] || ! command -v "$cc" > /dev/null 2>&1; then
	echo "run-fuzz: SKIP: no clang found (set CLANG, or install clang-14 and libclang-rt-14-dev)"
	exit 0
fi
san="-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined"
mkdir -p "$work/bin" || exit 1
probe=$work/bin/probe
printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
	'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
	'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }' \
	> "$probe.c"
# shellcheck disable=SC2086 # $san is a list of options
if ! "$cc" $san -o "$probe" "$probe.c" > "$probe.log" 2>&1; then
	echo "run-fuzz: SKIP: $cc cannot build a libFuzzer target with ASan and UBSan" \
		"(libclang-rt-14-dev missing?):"
	sed 's/^/  /' "$probe.log" | head -5
	exit 0
fi
rm -f "$probe" "$probe.c" "$probe.log"

cflags="-g -O1 $san -DARGUS_FUZZ_LIBFUZZER -std=c11 -D_DEFAULT_SOURCE -I$S/include -I$B -I$S"
decoders="$S/plugins/decoders/tcp/tcp.c $S/plugins/decoders/udp/udp.c
	$S/plugins/decoders/icmp/icmp.c $S/plugins/decoders/arp/arp.c
	$S/plugins/decoders/igmp/igmp.c $S/plugins/decoders/esp/esp.c"
binary="$S/plugins/outputs/binary/binary.c $S/plugins/outputs/binary/encode.c
	$S/plugins/outputs/binary/decode.c"

# sources, libraries, seed corpus and libFuzzer's -max_len of each target
describe() {
	case $1 in
	record_reader)
		srcs="$binary" libs="-lz" corpus=$S/tests/fuzz/corpus/record_reader maxlen=16384 ;;
	filter)
		srcs="$S/plugins/filters/ra/ra.c $S/plugins/filters/ra/lexer.c
			$S/plugins/filters/ra/parser.c $S/plugins/filters/ra/eval.c"
		libs="" corpus=$S/tests/fuzz/corpus-filter maxlen=512 ;;
	packet)
		srcs="$S/core/dissect.c $S/core/isis.c $S/core/hugemem.c $S/core/flowtable.c $S/core/flowmetrics.c $S/core/conf.c
			$decoders $binary"
		libs="-lz -lm" corpus=$S/tests/fuzz/corpus-packet maxlen=16384 ;;
	conf)
		srcs="$S/core/conf.c $S/core/srcid.c $S/core/ifspec.c $S/core/isis.c $S/core/hugemem.c $S/core/flowtable.c
			$S/core/flowmetrics.c $decoders"
		libs="-lpcap -lm" corpus=$S/tests/fuzz/corpus-conf maxlen=16384 ;;
	remotecmd)
		srcs="$S/core/remotecmd.c $S/core/netacl.c"
		libs="" corpus=$S/tests/fuzz/corpus-remote maxlen=4096 ;;
	pcapfile)
		srcs="$S/core/pcapfile.c"
		libs="-lpcap" corpus=$S/tests/fuzz/corpus-pcapfile maxlen=65536 ;;
	*)
		return 1 ;;
	esac
}

status=0
summary=
for t in $targets; do
	if ! describe "$t"; then
		echo "run-fuzz: unknown target $t (record_reader, filter, packet, conf, remotecmd, pcapfile)" >&2
		status=1
		continue
	fi
	bin=$work/bin/fuzz_$t
	dir=$work/$t
	echo "run-fuzz: building fuzz_$t"
	# shellcheck disable=SC2086 # word splitting of the source lists is meant
	if ! "$cc" $cflags -o "$bin" "$S/tests/fuzz/fuzz_$t.c" $srcs $libs > "$work/bin/fuzz_$t.log" 2>&1; then
		echo "run-fuzz: fuzz_$t: build failed:"
		sed 's/^/  /' "$work/bin/fuzz_$t.log" | head -20
		summary="$summary
fuzz_$t: BUILD FAILED"
		status=1
		continue
	fi
	rm -rf "$dir/corpus"
	mkdir -p "$dir/corpus" "$dir/crashes"
	cp "$corpus"/* "$dir/corpus/"
	echo "run-fuzz: fuzz_$t for $seconds s on a copy of $corpus"
	# shellcheck disable=SC2086
	(cd "$dir" && "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		-max_len="$maxlen" -print_final_stats=1 -artifact_prefix=crashes/ \
		${FUZZ_FLAGS:-} corpus > fuzz.log 2>&1)
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/fuzz.log" | tail -1)
	done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$dir/fuzz.log" | tail -1)
	if [ -z "$execs" ]; then
		execs=$(grep -oE '^#[0-9]+' "$dir/fuzz.log" | tail -1 | tr -d '#')
	fi
	if [ "$rc" -eq 0 ]; then
		line="fuzz_$t: ${execs:-?} executions in $seconds s, no crash${done_line:+ ($done_line)}"
	else
		arts=$(find "$dir/crashes" -type f -printf '%f ' 2> /dev/null)
		line="fuzz_$t: FAILED (status $rc) after ${execs:-?} executions; log $dir/fuzz.log; crash input: ${arts:-none} in $dir/crashes"
		grep -E 'ERROR: |runtime error|fuzz_[a-z_]*: ' "$dir/fuzz.log" | head -5 | sed 's/^/  /'
		status=1
	fi
	echo "$line"
	summary="$summary
$line"
done
echo "run-fuzz: summary:$summary"
exit $status
