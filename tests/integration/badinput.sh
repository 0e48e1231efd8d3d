#!/bin/sh
# Bad input: a clear one-line message naming the program and the input, a
# non-zero exit, never a crash or a hang, and no loss of what was produced.
. "$(dirname "$0")/lib.sh"
plan 16

# run_bad DESCRIPTION EXPECTED_STATUS PATTERN COMMAND...
run_bad() {
	_desc=$1 _want=$2 _pat=$3; shift 3
	timeout 60 "$@" > "$TMP/out" 2> "$TMP/err"
	_rc=$?
	if [ "$_rc" = "$_want" ] && grep -q -- "$_pat" "$TMP/err" && [ "$(wc -l < "$TMP/err")" -le 2 ]; then
		ok "$_desc"
	else
		not_ok "$_desc"
		diag "exit $_rc (want $_want)" "stderr:" "$(cat "$TMP/err")"
	fi
}

printf 'this is a text file\nnot a capture\n' > "$TMP/notes.txt"
run_bad "a text file as a capture: exit 1 and a message" 1 "argus: .*notes.txt: not a pcap" \
	"$ARGUS" -X -r "$TMP/notes.txt" -w "$TMP/o.argus"
run_bad "a text file as an argus stream: exit 1 and a message" 1 "ra: .*notes.txt: .*not an Argus" \
	"$RA" -r "$TMP/notes.txt"
run_bad "a missing capture file" 1 "argus: .*nosuch.pcap: No such file" \
	"$ARGUS" -X -r "$TMP/nosuch.pcap" -w "$TMP/o.argus"
run_bad "a missing argus file" 1 "ra: .*nosuch.argus: No such file" "$RA" -r "$TMP/nosuch.argus"
run_bad "an unknown decoder name: usage error" 2 "argus: -P: no decoder module 'smtpx'" \
	"$ARGUS" -X -r "$DATA/sample.pcap" -P tcp,smtpx -w "$TMP/o.argus"
run_bad "an unknown output format" 2 "argus: .*no output module 'xml'" \
	"$ARGUS" -X -r "$DATA/sample.pcap" -o xml -w "$TMP/o.argus"

"$ARGUS" -X -r "$DATA/sample.pcap" -w "$TMP/s.argus"
run_bad "an unknown field: usage error" 2 "ra: -s: unknown field 'bogus'" \
	"$RA" -r "$TMP/s.argus" -s stime bogus
run_bad "a bad filter names the column: usage error" 2 "ra: filter: column" \
	"$RA" -r "$TMP/s.argus" - 'tcp and hots 10.0.0.1'
run_bad "a bad capture filter" 2 "capture filter" \
	"$ARGUS" -X -r "$DATA/sample.pcap" -w "$TMP/o.argus" - 'not a bpf ((('
run_bad "an unknown option" 2 "" "$RA" -Y
run_bad "-F with neither a format nor a file" 2 "ra: -F nosuch" "$RA" -r "$TMP/s.argus" -F nosuch

# a capture cut in the middle of a packet: the flows up to the cut are written
size=$(wc -c < "$DATA/sample.pcap")
head -c $((size * 2 / 3)) "$DATA/sample.pcap" > "$TMP/cut.pcap"
run_bad "a truncated capture: exit 1 and a message" 1 "argus: .*cut.pcap: .*truncated" \
	"$ARGUS" -X -r "$TMP/cut.pcap" -w "$TMP/cut.argus"
n=$("$RA" -r "$TMP/cut.argus" -F csv -s pkts | tr -d "\r" | tail -n +2 | awk '{s += $1} END {print s + 0}')
if [ -n "$n" ] && [ "$n" -gt 100 ]; then ok "the flows before the cut are written ($n packets)"; else not_ok "the flows before the cut are written"; diag "packets: $n"; fi

# a stream cut in the middle of a record: earlier records still print
asize=$(wc -c < "$TMP/s.argus")
head -c $((asize - 50)) "$TMP/s.argus" > "$TMP/cut.argus"
"$RA" -r "$TMP/cut.argus" -F csv -s seq > "$TMP/out" 2> "$TMP/err"
rc=$?
if [ $rc = 1 ] && grep -q "truncated" "$TMP/err" && [ "$(tail -n +2 "$TMP/out" | wc -l)" -gt 10 ]; then
	ok "a truncated argus stream: records before the cut print, exit 1"
else
	not_ok "a truncated argus stream: records before the cut print, exit 1"
	diag "exit $rc" "$(cat "$TMP/err")"
fi

# garbage in the middle of a stream: reported with its offset, reading goes on
head -c 1024 "$TMP/s.argus" > "$TMP/g.argus"
head -c 300 /dev/urandom >> "$TMP/g.argus"
tail -c +1025 "$TMP/s.argus" >> "$TMP/g.argus"
timeout 60 "$RA" -r "$TMP/g.argus" -F csv -s seq > "$TMP/out" 2> "$TMP/err"
rc=$?
total=$("$RA" -r "$TMP/s.argus" -F csv -s seq | tr -d "\r" | tail -n +2 | wc -l)
got=$(tail -n +2 "$TMP/out" | wc -l)
if [ $rc = 1 ] && grep -q "byte" "$TMP/err" && [ "$got" -ge $((total - 3)) ]; then
	ok "garbage inside a stream: reported with the byte offset, $got of $total records still read"
else
	not_ok "garbage inside a stream is skipped with a message"
	diag "exit $rc, $got of $total records" "$(head -3 "$TMP/err")"
fi

"$RA" -r /dev/null > "$TMP/out" 2> "$TMP/err"
rc=$?
if [ $rc = 0 ] && [ ! -s "$TMP/out" ] && [ ! -s "$TMP/err" ]; then
	ok "an empty argus file (nothing written yet) prints nothing and exits 0"
else
	not_ok "an empty argus file (nothing written yet) prints nothing and exits 0"
	diag "exit $rc" "$(cat "$TMP/err")"
fi
finish
