#!/bin/sh
# The programs end to end on the shipped sample capture: plugins, formats,
# filters, decoder selection.
. "$(dirname "$0")/lib.sh"
plan 34

check "argus --version" sh -c '"$0" --version | grep -q "^argus "' "$ARGUS"
check "ra --version" sh -c '"$0" --version | grep -q "^ra "' "$RA"

"$ARGUS" --list-plugins > "$TMP/plugins" 2> "$TMP/plugins.err"
for p in "decoder *tcp" "decoder *udp" "decoder *icmp" "output *binary" "output *csv" \
	 "output *json" "output *text" "filter *ra"; do
	grep -q "^$p " "$TMP/plugins" || diag "--list-plugins does not show $p"
done
if grep -q "^decoder *tcp " "$TMP/plugins" && grep -q "^filter *ra " "$TMP/plugins" &&
	[ "$(grep -cE '^(decoder|output|filter) ' "$TMP/plugins")" -ge 8 ]; then
	ok "--list-plugins lists the 3 decoders, 4 outputs and the ra filter"
else
	not_ok "--list-plugins lists the 3 decoders, 4 outputs and the ra filter"
fi

"$ARGUS" -X -r "$DATA/sample.pcap" -w "$TMP/s.argus" 2> "$TMP/s.err"
same "$?" 0 "argus -r sample.pcap -w FILE exits 0"
check "no progress line when stderr is not a terminal" test ! -s "$TMP/s.err"

"$RA" -r "$TMP/s.argus" -F json > "$TMP/s.json"
same "$?" 0 "ra -F json exits 0"
check "every JSON line is an object with the flow fields" python3 -c '
import json, sys
n = 0
for line in open(sys.argv[1]):
    o = json.loads(line)
    for k in ("stime", "proto", "saddr", "daddr", "spkts", "dpkts", "sbytes", "dbytes", "state"):
        assert k in o, (k, o)
    assert isinstance(o["spkts"], int) and isinstance(o["sbytes"], int)
    n += 1
assert n > 0
' "$TMP/s.json"

# every packet of the capture is in some record
pk=$(python3 -c '
import json, sys
print(sum(o["spkts"] + o["dpkts"] for o in map(json.loads, open(sys.argv[1]))))' "$TMP/s.json")
same "$pk" 234 "the records count all 234 packets of sample.pcap"

"$RA" -r "$TMP/s.argus" -F csv | tr -d "\r" > "$TMP/s.csv"
same "$(head -1 "$TMP/s.csv" | cut -d, -f3-7)" "stime,ltime,dur,flgs,proto" "ra -F csv starts with a header line"

cat "$TMP/s.argus" | "$RA" -r - -F csv -s proto - tcp | tr -d "\r" > "$TMP/tcp.csv"
n_tcp=$(tail -n +2 "$TMP/tcp.csv" | grep -c '^tcp$')
n_all=$(tail -n +2 "$TMP/tcp.csv" | wc -l)
n_tcp_json=$(grep -c '"proto":"tcp"' "$TMP/s.json")
if [ "$n_tcp" -gt 0 ] && [ "$n_tcp" = "$n_all" ] && [ "$n_tcp" = "$n_tcp_json" ]; then
	ok "cat | ra -r - - tcp prints every TCP flow ($n_tcp) and nothing else"
else
	not_ok "cat | ra -r - - tcp prints every TCP flow and nothing else"
	diag "tcp lines: $n_tcp, all lines: $n_all, tcp flows in json: $n_tcp_json"
fi

"$ARGUS" -X -r "$DATA/sample.pcap" -P tcp,icmp -w - | "$RA" -r - -F json > "$TMP/ti.json"
pk2=$(python3 -c '
import json, sys
print(sum(o["spkts"] + o["dpkts"] for o in map(json.loads, open(sys.argv[1]))))' "$TMP/ti.json")
same "$pk2" "$pk" "with -P tcp,icmp every packet is still counted"
check "with -P tcp,icmp UDP traffic becomes generic IP flows without ports" \
	sh -c '! grep -q "\"proto\":\"udp\".*\"sport\":[1-9]" "$0"' "$TMP/ti.json"

"$ARGUS" -X -r "$DATA/sample.pcap" -w - - udp | "$RA" -r - -F csv -s proto | tr -d "\r" > "$TMP/udp.csv"
same "$(tail -n +2 "$TMP/udp.csv" | sort -u | tr '\n' ' ')" "udp " "a trailing BPF filter (udp) keeps only UDP packets"

"$RA" -r "$TMP/s.argus" -n -s stime saddr daddr proto > "$TMP/text"
check "ra text output has Argus labels" grep -q "StartTime.*SrcAddr.*DstAddr.*Proto" "$TMP/text"

"$ARGUS" -X -r "$DATA/sample.pcap" -o json -w "$TMP/direct.json"
check "argus -o json writes JSON Lines directly" python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert sum(r["spkts"] + r["dpkts"] for r in rows) == 234' "$TMP/direct.json"
# Argus's per-output filter: -w FILE "filter" keeps the matching flow records
"$ARGUS" -X -r "$DATA/sample.pcap" -w "$TMP/f.argus" "tcp and dst port 80"
same "$?" 0 "argus -w FILE \"tcp and dst port 80\" exits 0"
"$RA" -r "$TMP/f.argus" -n -c , -s proto dport - not man | tail -n +2 | sort -u > "$TMP/f.txt"
same "$(tr '\n' ' ' < "$TMP/f.txt")" "tcp,80 " "only the tcp flows to port 80 are written"
check "the filtered file still has its MARs" sh -c '"$0" -r "$1" - man | grep -q man' "$RA" "$TMP/f.argus"
"$ARGUS" -X -r "$DATA/sample.pcap" -w "$TMP/g.argus" "tcp and bytes gt" 2> "$TMP/g.err"
same "$?" 2 "a malformed -w filter is a usage error (exit 2)"
diag < "$TMP/g.err"
# argus.conf: unknown variables and Argus 3 variables we do not implement are
# named with file and line and ignored; malformed lines and values stop argus.
cat > "$TMP/c.conf" << 'EOF'
# a sensor
ARGUS_FLOW_TYPE="Bidirectional"
ARGUS_FLOW_KEY="CLASSIC_5_TUPLE"
ARGUS_TRACK_DUPLICATES=yes
ARGUS_FLOW_STAUTS_INTERVAL=5
ARGUS_PCAP_BUF_SIZE=8M
EOF
"$ARGUS" -X -F "$TMP/c.conf" -r "$DATA/sample.pcap" -w "$TMP/c.argus" 2> "$TMP/c.err"
same "$?" 0 "a configuration with unknown variables still runs (exit 0)"
check "an unknown variable is named with its file and line" \
	grep -q "c.conf: line 5: unknown variable ARGUS_FLOW_STAUTS_INTERVAL, ignored" "$TMP/c.err"
check "an Argus 3 variable this argus does not implement is named with file and line" \
	grep -q "c.conf: line 4: ARGUS_TRACK_DUPLICATES is not supported by this argus, ignored" "$TMP/c.err"
same "$(wc -l < "$TMP/c.err" | tr -d ' ')" 2 "nothing else is reported (Argus's usual FLOW_TYPE and FLOW_KEY are accepted)"
printf 'ARGUS_PCAP_BUF_SIZE=lots\n' > "$TMP/d.conf"
"$ARGUS" -X -F "$TMP/d.conf" -r "$DATA/sample.pcap" -w "$TMP/d.argus" 2> "$TMP/d.err"
same "$?:$(cat "$TMP/d.err")" "2:argus: $TMP/d.conf: line 1: ARGUS_PCAP_BUF_SIZE: 'lots' is not a size from 64k to 2047M" \
	"a malformed value: usage error naming file, line and variable"
printf '# ok\nARGUS_DAEMON yes\n' > "$TMP/e.conf"
"$ARGUS" -X -F "$TMP/e.conf" -r "$DATA/sample.pcap" -w "$TMP/e.argus" 2> "$TMP/e.err"
same "$?:$(cat "$TMP/e.err")" "2:argus: $TMP/e.conf: line 2: expected VARIABLE=value" \
	"a malformed line: usage error naming file and line"
# -P PORT (the record server): bad ports and settings are usage errors,
# found before anything is captured
timeout 10 "$ARGUS" -X -P 0 -i lo 2> "$TMP/p0.err"
same "$?:$(cat "$TMP/p0.err")" "2:argus: -P 0: a port is a number from 1 to 65535" "-P 0 is a usage error"
"$ARGUS" -X -P 56100 -r "$DATA/sample.pcap" 2> "$TMP/pr.err"
same "$?:$(cat "$TMP/pr.err")" "2:argus: -P 56100: records are served from live capture (-i), not from files (-r)" \
	"-P with -r is a usage error"
printf 'ARGUS_ACCESS_PORT=56100\nARGUS_ACCESS_LIST="127.0.0.1, 10.0.0.0/33"\n' > "$TMP/acl.conf"
timeout 10 "$ARGUS" -X -F "$TMP/acl.conf" -i lo 2> "$TMP/acl.err"
same "$?:$(cat "$TMP/acl.err")" "2:argus: $TMP/acl.conf: line 2: ARGUS_ACCESS_LIST: '10.0.0.0/33' is not an address or network (ADDR or ADDR/BITS)" \
	"a bad ARGUS_ACCESS_LIST: usage error naming file, line and element"
printf 'ARGUS_ACCESS_PORT=http\n' > "$TMP/port.conf"
timeout 10 "$ARGUS" -X -F "$TMP/port.conf" -i lo 2> "$TMP/port.err"
same "$?" 2 "a port that is not a number in ARGUS_ACCESS_PORT is a usage error"
diag < "$TMP/port.err"
# -w argus-udp://HOST:PORT pushes binary records only, to a HOST:PORT
"$ARGUS" -X -r "$DATA/sample.pcap" -o csv -w argus-udp://127.0.0.1:9 2> "$TMP/u1.err"
same "$?:$(cat "$TMP/u1.err")" "2:argus: -w argus-udp://127.0.0.1:9: records are pushed in the binary format only" \
	"-w argus-udp:// with -o csv is a usage error"
"$ARGUS" -X -r "$DATA/sample.pcap" -w argus-udp://127.0.0.1 2> "$TMP/u2.err"
same "$?:$(cat "$TMP/u2.err")" "1:argus: -w argus-udp://127.0.0.1: expected argus-udp://HOST:PORT" \
	"-w argus-udp:// without a port: exit 1 and a message"
printf 'ARGUS_OUTPUT_STREAM="udp://127.0.0.1:9"\n' > "$TMP/s1.conf"
"$ARGUS" -X -F "$TMP/s1.conf" -r "$DATA/sample.pcap" -w /dev/null 2> "$TMP/s1.err"
same "$?:$(cat "$TMP/s1.err")" "2:argus: $TMP/s1.conf: line 1: ARGUS_OUTPUT_STREAM: expected \"argus-udp://HOST:PORT [filter]\"" \
	"a malformed ARGUS_OUTPUT_STREAM: usage error naming file and line"
printf 'ARGUS_OUTPUT_STREAM="argus-udp://127.0.0.1:9 tcp and"\n' > "$TMP/s2.conf"
"$ARGUS" -X -F "$TMP/s2.conf" -r "$DATA/sample.pcap" -w /dev/null 2> "$TMP/s2.err"
same "$?" 2 "a malformed ARGUS_OUTPUT_STREAM filter is a usage error"
diag < "$TMP/s2.err"
# -b: the compiled capture filter, as tcpdump -d prints it; -O unoptimized
"$ARGUS" -X -b -r "$DATA/sample.pcap" - tcp port 80 or tcp port 80 > "$TMP/b1.txt"
"$ARGUS" -X -O -b -r "$DATA/sample.pcap" - tcp port 80 or tcp port 80 > "$TMP/b2.txt"
check "-b prints the BPF program, -O leaves it unoptimized (longer)" \
	sh -c 'grep -q "^(000) ldh *\[12\]" "$0" && [ $(wc -l < "$1") -gt $(wc -l < "$0") ]' "$TMP/b1.txt" "$TMP/b2.txt"
finish
