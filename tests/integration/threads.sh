#!/bin/sh
# argus --threads N: the records one thread writes, in another order and
# numbered as written; status MARs with the same counts.  On the golden
# captures and the sample (and a genpcap capture when ../shared is there),
# with and without the per-packet options and with 1-second MARs.
. "$(dirname "$0")/lib.sh"
plan 12

# every field ra knows but seq, which numbers records in the order written
FIELDS="srcid stime ltime dur runtime mean stddev sum min max trans cause flgs proto
saddr sport dir daddr dport smac dmac ssid bssid stos dtos sdsb ddsb sttl dttl shops dhops
sipid dipid svlan dvlan svid dvid svpri dvpri pkts spkts dpkts bytes sbytes dbytes appbytes
sappbytes dappbytes load sload dload rate srate drate smeansz dmeansz state swin dwin stcpb
dtcpb tcprtt synack ackdat tcpopt retrans sretrans dretrans sintpkt dintpkt sintpktact
dintpktact sintpktidl dintpktidl sjit djit sjitact djitact sjitidl djitidl smaxsz dmaxsz
sminsz dminsz smpls dmpls suser duser"

# flows FILE: its flow records, one line each, sorted
flows() {
	# shellcheck disable=SC2086
	"$RA" -n -u -c '|' -s $FIELDS -r "$1" - not man 2> /dev/null | tail -n +2 | LC_ALL=C sort
}
# status_mars FILE: its status MARs, in order, without the wall-clock start
status_mars() {
	"$RA" -n --mar -F json -r "$1" - man 2> /dev/null | grep '"cause":"Status"' |
		sed 's/"start":"[^"]*","start_epoch":[0-9.]*,//'
}

# every capture in one run (each program start costs the libtool wrapper)
INPUTS=""
for c in "$DATA"/golden/*.pcap "$DATA/sample.pcap" "$DATA/igmp-v2.pcap"; do
	INPUTS="$INPUTS -r $c"
done

# compare THREADS OPTIONS...: one thread against THREADS on every capture
compare() {
	n=$1
	shift
	bad=""
	# shellcheck disable=SC2086
	"$ARGUS" "$@" $INPUTS -w "$TMP/one.argus" 2> /dev/null
	# shellcheck disable=SC2086
	"$ARGUS" "$@" --threads "$n" $INPUTS -w "$TMP/n.argus" 2> "$TMP/n.err" ||
		bad="$bad exit status $?"
	[ -s "$TMP/n.err" ] && bad="$bad says: $(head -1 "$TMP/n.err")"
	flows "$TMP/one.argus" > "$TMP/one.f"
	flows "$TMP/n.argus" > "$TMP/n.f"
	status_mars "$TMP/one.argus" > "$TMP/one.m"
	status_mars "$TMP/n.argus" > "$TMP/n.m"
	if [ ! -s "$TMP/one.f" ] || ! cmp -s "$TMP/one.f" "$TMP/n.f"; then
		bad="$bad flows"
		diff "$TMP/one.f" "$TMP/n.f" | head -4 | diag
	fi
	cmp -s "$TMP/one.m" "$TMP/n.m" || bad="$bad MARs"
	counts="$(wc -l < "$TMP/one.f") flows, $(wc -l < "$TMP/one.m") status MARs"
}
# report DESCRIPTION: ok or not after compare
report() {
	if [ -z "$bad" ]; then
		ok "$1"
	else
		not_ok "$1"
		diag "differ:$bad"
	fi
}

compare 2 -X
report "--threads 2: one thread's records ($counts)"
# the sanitizer pass runs fewer of the same checks (CI time)
if [ -n "${ARGUS_TEST_SANITIZER:-}" ]; then
	skip "--threads 3 (sanitizer build: the other thread counts run)"
else
	compare 3 -X
	report "--threads 3: one thread's records ($counts)"
fi
compare 4 -X -A -m -J -Z -U 16 -S 1 -M 1
report "--threads 4 -A -m -J -Z -U 16 -S 1 -M 1: one thread's records ($counts)"
# Packet times go back where one capture ends and the next begins: a
# flow's timer may then come due at another packet (each table checks its
# timer lists from their heads), which Argus's timing shows in the live
# flow count of status MARs.  So these captures go one at a time.
printf 'ARGUS_TIMEOUT_AT_STATUS=yes\n' > "$TMP/at-status.conf"
all=$INPUTS
failed=""
mars=0
each="golden/dhcp-rfc4388 golden/mptcp-v0 golden/dns_tcp golden/ipv4_tcp_http_xml golden/tftp
golden/ssh igmp-v2"
[ -z "${ARGUS_TEST_SANITIZER:-}" ] || each="golden/dhcp-rfc4388 golden/mptcp-v0 igmp-v2"
for c in $each; do
	INPUTS="-r $DATA/$c.pcap"
	compare 3 -X -F "$TMP/at-status.conf" -M 1
	[ -z "$bad" ] || failed="$failed $(basename "$c"):$bad"
	mars=$((mars + $(wc -l < "$TMP/one.m")))
done
INPUTS=$all
bad=$failed
report "--threads 3 with ARGUS_TIMEOUT_AT_STATUS and -M 1, $(echo $each | wc -w) captures: one thread's records ($mars status MARs)"

# records are numbered 1, 2, 3... (in the order made, not written)
"$ARGUS" -X --threads 3 -r "$DATA/sample.pcap" -w "$TMP/seq.argus"
seqs=$("$RA" -n -s seq -c , -r "$TMP/seq.argus" - not man | tail -n +2 | tr -d ' ' | sort -n |
	tr '\n' ' ')
want=$(seq 1 "$(echo "$seqs" | wc -w)" | tr '\n' ' ')
same "$seqs" "$want" "flow records are numbered 1 to $(echo "$seqs" | wc -w), once each"

# one capture alone
"$ARGUS" -X -r "$DATA/golden/dhcp-rfc4388.pcap" -w "$TMP/dhcp.1"
"$ARGUS" -X --threads 2 -r "$DATA/golden/dhcp-rfc4388.pcap" -w "$TMP/dhcp.n"
flows "$TMP/dhcp.1" > "$TMP/dhcp.f1"
flows "$TMP/dhcp.n" > "$TMP/dhcp.fn"
check "one capture with --threads 2: one thread's records" cmp -s "$TMP/dhcp.f1" "$TMP/dhcp.fn"

# ARGUS_THREADS in a configuration file does what --threads does
printf 'ARGUS_THREADS=3\n' > "$TMP/threads.conf"
"$ARGUS" -X -F "$TMP/threads.conf" -r "$DATA/sample.pcap" -w "$TMP/conf.argus" 2> "$TMP/conf.err"
flows "$TMP/conf.argus" > "$TMP/conf.f"
"$ARGUS" -X -r "$DATA/sample.pcap" -w "$TMP/sample.argus"
flows "$TMP/sample.argus" > "$TMP/sample.f"
check "ARGUS_THREADS=3: one thread's records, no warning" \
	sh -c "cmp -s '$TMP/conf.f' '$TMP/sample.f' && [ ! -s '$TMP/conf.err' ]"

# bad counts are refused, before anything is read
"$ARGUS" -X --threads 0 -r "$DATA/sample.pcap" -w "$TMP/zero.argus" 2> "$TMP/zero.err"
same "$?" 2 "--threads 0 is a usage error"
check "--threads 0 says what is accepted" grep -q "from 1 to 16" "$TMP/zero.err"
"$ARGUS" -X --threads 17 -r "$DATA/sample.pcap" -w "$TMP/many.argus" 2> /dev/null
same "$?" 2 "--threads 17 is a usage error"

# standard input is read by one thread, with a warning
"$ARGUS" -X --threads 2 -r - -w "$TMP/stdin.argus" < "$DATA/sample.pcap" 2> "$TMP/stdin.err"
flows "$TMP/stdin.argus" > "$TMP/stdin.f"
check "--threads 2 -r -: one thread reads standard input, and says so" \
	sh -c "cmp -s '$TMP/stdin.f' '$TMP/sample.f' && grep -q 'standard input' '$TMP/stdin.err'"

# a larger capture with many concurrent flows, when genpcap is there
if have_shared && command -v cc > /dev/null &&
	cc -O2 -o "$TMP/genpcap" "$ARGUS_SHARED_DIR/tools/genpcap.c" -lm 2> /dev/null; then
	"$TMP/genpcap" -o "$TMP/big.pcap" -n 20000 -c 2000 -x 0.01 -6 0.2 --vlan 0.1 -s 7 \
		> /dev/null 2>&1
	"$ARGUS" -X -r "$TMP/big.pcap" -w "$TMP/big.1"
	"$ARGUS" -X --threads 4 -r "$TMP/big.pcap" -w "$TMP/big.n"
	flows "$TMP/big.1" > "$TMP/big.f1"
	flows "$TMP/big.n" > "$TMP/big.fn"
	check "genpcap, 20000 flows, --threads 4: one thread's records" \
		sh -c "[ -s '$TMP/big.f1' ] && cmp -s '$TMP/big.f1' '$TMP/big.fn'"
else
	skip "genpcap capture (needs ../shared/tools and a C compiler)"
fi
finish
