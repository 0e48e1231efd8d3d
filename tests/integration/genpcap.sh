#!/bin/sh
# Exact counts against genpcap's ground truth: every flow, packet and byte,
# read back by Debian's racluster and by our ra.  Needs ../shared/tools and
# Debian's argus-client; skipped otherwise.
. "$(dirname "$0")/lib.sh"
have_shared || skip_all "../shared/tools not present (genpcap, compare-flows.py)"
command -v cc > /dev/null || skip_all "no C compiler for genpcap"
plan 4

T="$ARGUS_SHARED_DIR/tools"
cc -O2 -o "$TMP/genpcap" "$T/genpcap.c" -lm || { not_ok "build genpcap"; exit 0; }
"$TMP/genpcap" -o "$TMP/t.pcap" -n 3000 -c 200 -x 0.01 -6 0.2 --vlan 0.1 \
	--flows-csv "$TMP/t.csv" --summary "$TMP/t.sum" -s 42
"$ARGUS" -X -r "$TMP/t.pcap" -w "$TMP/t.argus"
same "$?" 0 "argus reads the genpcap capture"

if have_debian_argus; then
	"$DEBIAN_RACLUSTER" -F "$TMP/empty.rarc" -r "$TMP/t.argus" -n -c , \
		-s proto saddr sport daddr dport spkts dpkts sbytes dbytes state \
		- not net 198.18.0.0/15 and not man > "$TMP/racluster.csv"
	if python3 "$T/compare-flows.py" "$TMP/t.csv" "$TMP/racluster.csv" > "$TMP/cmp" 2>&1; then
		ok "Debian racluster on our records: every flow, packet and byte matches genpcap"
	else
		not_ok "Debian racluster on our records: every flow, packet and byte matches genpcap"
		head -20 "$TMP/cmp" | diag
	fi
else
	skip "Debian racluster on our records (argus-client not installed)"
fi

"$RA" -r "$TMP/t.argus" -F csv -s proto saddr sport daddr dport spkts dpkts sbytes dbytes \
	- not net 198.18.0.0/15 > "$TMP/ra.csv"
if python3 "$T/compare-flows.py" "$TMP/t.csv" "$TMP/ra.csv" > "$TMP/cmp" 2>&1; then
	ok "our ra on our records: every flow, packet and byte matches genpcap"
else
	not_ok "our ra on our records: every flow, packet and byte matches genpcap"
	head -20 "$TMP/cmp" | diag
fi

# all packets: flows plus the malformed junk, nothing lost
total=$(grep '^packets=' "$TMP/t.sum" | cut -d= -f2)
got=$("$RA" -r "$TMP/t.argus" -F csv -s pkts | tr -d "\r" | tail -n +2 | awk '{ s += $1 } END { print s + 0 }')
malformed=$(grep '^packets_malformed=' "$TMP/t.sum" | cut -d= -f2)
if [ "$got" -le "$total" ] && [ "$got" -ge $((total - malformed)) ]; then
	ok "records hold all $((total - malformed)) flow packets ($got of $total incl. junk)"
else
	not_ok "records hold every flow packet"
	diag "records: $got, capture: $total, malformed: $malformed"
fi
finish
