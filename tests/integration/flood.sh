#!/bin/sh
# A SYN flood from random sources (issue 8): with ARGUS_MAX_FLOWS the flow
# table stays at the cap, the oldest idle flows are emitted early and
# counted in the closing MAR, no packet goes uncounted, and the peak memory
# of argus does not grow with the flood.  The flood comes from
# tests/tools/synflood (300,000 SYNs, one new flow each; 60,000 under the
# sanitizers, where memory is not measured).
. "$(dirname "$0")/lib.sh"
FLOOD="$top_builddir/tests/tools/synflood"
[ -x "$FLOOD" ] || skip_all "tests/tools/synflood is not built"
if [ -n "${ARGUS_TEST_SANITIZER:-}" ]; then n=60000; else n=300000; fi
cap=2000
plan 7

"$FLOOD" "$n" > "$TMP/flood.pcap"
"$FLOOD" "$cap" > "$TMP/small.pcap"
printf 'ARGUS_MAX_FLOWS=%s\n' "$cap" > "$TMP/cap.conf"
printf 'ARGUS_MAX_FLOWS=1000000\n' > "$TMP/nocap.conf"

# run NAME CONF PCAP: argus on PCAP, "exit peak-RSS-KiB" in $TMP/NAME.rss
# (python3 reads the child's peak from wait4; "exit -" without python3)
run() {
	if command -v python3 > /dev/null; then
		python3 -c '
import os, subprocess, sys
p = subprocess.Popen(sys.argv[1:])
_, status, usage = os.wait4(p.pid, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)' \
			"$ARGUS" -X -q -F "$2" -r "$3" -w "$TMP/$1.argus" 2> "$TMP/$1.err" > "$TMP/$1.rss"
	else
		"$ARGUS" -X -q -F "$2" -r "$3" -w "$TMP/$1.argus" 2> "$TMP/$1.err"
		echo "$? -" > "$TMP/$1.rss"
	fi
}
run flood "$TMP/cap.conf" "$TMP/flood.pcap"
read rc flood_rss < "$TMP/flood.rss"
same "$rc" 0 "argus reads a $n-SYN flood with ARGUS_MAX_FLOWS=$cap (exit 0)"
check "it warns that the cap was reached" grep -q "flows emitted early: the flow table cap (ARGUS_MAX_FLOWS) was reached" "$TMP/flood.err"
same "$("$RA" -r "$TMP/flood.argus" -F csv -s pkts | tr -d '\r' | awk 'NR > 1 { n += $1 } END { print n + 0 }')" "$n" \
	"every SYN is counted in a flow record"
dropped=$("$RA" -r "$TMP/flood.argus" --mar -F json - man | sed -n 's/.*"cause":"Stop".*"dropped":\([0-9]*\).*/\1/p')
same "${dropped:-?}" "$((n - cap))" "the closing MAR counts the $((n - cap)) flows the cap emitted early"
check "the flow records are $n distinct flows" \
	sh -c '[ "$("$0" -r "$1" -F csv -s saddr sport | tail -n +2 | sort -u | wc -l)" -eq "$2" ]' "$RA" "$TMP/flood.argus" "$n"

if [ -n "${ARGUS_TEST_SANITIZER:-}" ] || [ "$flood_rss" = - ]; then
	skip "peak memory stays at the cap's size (not measured under the sanitizers or without python3)"
	skip "without the cap the same flood needs much more memory (not measured)"
	finish
fi
run small "$TMP/cap.conf" "$TMP/small.pcap"
read rc small_rss < "$TMP/small.rss"
run nocap "$TMP/nocap.conf" "$TMP/flood.pcap"
read rc nocap_rss < "$TMP/nocap.rss"
diag "peak RSS: $cap SYNs ${small_rss} KiB; $n SYNs capped at $cap ${flood_rss} KiB; $n SYNs uncapped ${nocap_rss} KiB"
check "peak memory stays at the cap's size: the $n-SYN flood uses at most 4 MiB more than $cap SYNs" \
	[ "$flood_rss" -le $((small_rss + 4096)) ]
check "without the cap the same flood needs much more memory (the measure is sensitive)" \
	[ "$nocap_rss" -ge $((flood_rss + 40960)) ]
finish
