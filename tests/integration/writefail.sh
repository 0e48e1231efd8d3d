#!/bin/sh
# Write failures: argus and ra say once which output failed and why, exit 1,
# stop at a closed pipe, and leave a regular file that ends with its last
# whole record (a full disk, a file size limit), readable by both ra.
. "$(dirname "$0")/lib.sh"
plan 20

# More than 64 KiB of records from the shipped captures: every golden
# capture and sample.pcap, with every optional DSR (about 115 KB binary,
# 68 KB csv).
set -- -X -m -A -J -Z -U 256 -r "$DATA/sample.pcap"
for f in "$DATA"/golden/*.pcap; do
	set -- "$@" -r "$f"
done
T=20 # seconds any one run may take

# lines FILE: number of lines
lines() { wc -l < "$1" | tr -d ' '; }
# readable FILE NAME: our ra reads FILE with exit 0, silently, and prints
# records; Debian's ra (if installed) reads it silently too and prints the
# same number of lines
readable() {
	timeout $T "$RA" -r "$1" -n > "$TMP/ra.out" 2> "$TMP/ra.err"
	_rc=$?
	_rn=$(lines "$TMP/ra.out")
	if [ $_rc = 0 ] && [ ! -s "$TMP/ra.err" ] && [ "$_rn" -gt 0 ]; then
		ok "$2: our ra reads it cleanly ($_rn records)"
	else
		not_ok "$2: our ra reads it cleanly"
		{ echo "exit $_rc, $_rn records"; cat "$TMP/ra.err"; } | diag
	fi
	if [ ! -x "$DEBIAN_RA" ]; then
		skip "$2: Debian's ra reads it cleanly (no $DEBIAN_RA)"
		return
	fi
	timeout $T "$DEBIAN_RA" -F "$TMP/empty.rarc" -r "$1" -n > "$TMP/dra.out" 2> "$TMP/dra.err"
	_rc=$?
	_d=$(lines "$TMP/dra.out")
	if [ $_rc = 0 ] && ! grep -qi "trunc\|error\|invalid" "$TMP/dra.err" && [ "$_d" = "$_rn" ]; then
		ok "$2: Debian's ra reads it cleanly ($_d records)"
	else
		not_ok "$2: Debian's ra reads it cleanly"
		{ echo "exit $_rc, $_d records (ours: $_rn)"; cat "$TMP/dra.err"; } | diag
	fi
}
# failed RC ERRFILE NAME REASON DESCRIPTION: exit 1 and exactly one line
# "PROG: NAME: write failed: REASON"
failed() {
	if [ "$1" = 1 ] && [ "$(lines "$2")" = 1 ] &&
		grep -q "^[a-z]*: $3: write failed: $4\$" "$2"; then
		ok "$5"
	else
		not_ok "$5"
		{ echo "exit $1"; cat "$2"; } | diag
	fi
}
# csv_whole FILE NAME: every line has the header's number of separators
csv_whole() {
	_bad=$(tr -d '\r' < "$1" | awk -F, 'NR == 1 { n = NF } NF != n { b++ } END { print b + 0 }')
	_cn=$(lines "$1")
	if [ "$_cn" -gt 1 ] && [ "$_bad" = 0 ] && [ "$(tail -c 1 "$1" | od -An -c | tr -d ' ')" = '\n' ]; then
		ok "$2: $_cn whole lines, each with the header's number of fields"
	else
		not_ok "$2: every line whole"
		diag "$_cn lines, $_bad with another number of fields"
		{ tail -c 200 "$1"; echo; } | diag
	fi
}

timeout $T "$ARGUS" "$@" -w "$TMP/all.argus" 2> "$TMP/all.err"
rc=$?
size=$(wc -c < "$TMP/all.argus" | tr -d ' ')
if [ $rc = 0 ] && [ "$size" -gt 65536 ]; then
	ok "the test input makes more than 64 KiB of records ($size bytes)"
else
	not_ok "the test input makes more than 64 KiB of records"
	{ echo "exit $rc, $size bytes"; cat "$TMP/all.err"; } | diag
fi

# a. a device that is always full
timeout $T "$ARGUS" -X -r "$DATA/sample.pcap" -w /dev/full 2> "$TMP/full.err"
failed $? "$TMP/full.err" /dev/full "No space left on device" \
	"argus -w /dev/full: exit 1, one message naming /dev/full and ENOSPC"
timeout $T "$ARGUS" -X -r "$DATA/sample.pcap" -o json -w /dev/full 2> "$TMP/fullj.err"
failed $? "$TMP/fullj.err" /dev/full "No space left on device" \
	"argus -o json -w /dev/full: exit 1, one message"

# b, c. a small file system that fills up part way through a buffer
if [ "$(id -u)" != 0 ] || ! command -v unshare > /dev/null; then
	tmpfs="needs root and unshare"
else
	mkdir "$TMP/mnt"
	if unshare -m sh -c 'mount -t tmpfs -o size=64k tmpfs "$1"' sh "$TMP/mnt" 2> "$TMP/mnt.err"; then
		tmpfs=
	else
		tmpfs="cannot mount a tmpfs here: $(head -1 "$TMP/mnt.err")"
	fi
fi
# on_tmpfs SIZE FILE ARGS...: argus ARGS -w MNT/FILE on a tmpfs of SIZE in a
# private mount namespace; the file is copied to $TMP/FILE, the exit status
# to $TMP/FILE.rc, standard error to $TMP/FILE.err
on_tmpfs() {
	_size=$1 _f=$2
	shift 2
	timeout $T unshare -m sh -c '
		m=$1 size=$2 f=$3 t=$4
		shift 4
		mount -t tmpfs -o size=$size tmpfs "$m" || exit 99
		"$@" -w "$m/$f" 2> "$t/$f.err"
		echo $? > "$t/$f.rc"
		cp "$m/$f" "$t/$f"' sh "$TMP/mnt" "$_size" "$_f" "$TMP" "$@"
}
if [ -n "$tmpfs" ]; then
	for t in "argus -w FILE on a full 64 KiB tmpfs: exit 1, one ENOSPC message" \
		"the file is smaller than the file system" \
		"full tmpfs: our ra reads it cleanly" "full tmpfs: Debian's ra reads it cleanly" \
		"argus -o csv -w FILE on a full 32 KiB tmpfs: exit 1, one ENOSPC message" \
		"full tmpfs: every csv line whole"; do
		skip "$t ($tmpfs)"
	done
else
	on_tmpfs 64k full.argus "$ARGUS" "$@"
	failed "$(cat "$TMP/full.argus.rc")" "$TMP/full.argus.err" "$TMP/mnt/full.argus" \
		"No space left on device" \
		"argus -w FILE on a full 64 KiB tmpfs: exit 1, one ENOSPC message"
	n=$(wc -c < "$TMP/full.argus" | tr -d ' ')
	if [ "$n" -gt 0 ] && [ "$n" -le 65536 ] && [ "$n" -lt "$size" ]; then
		ok "the file is smaller than the file system ($n bytes)"
	else
		not_ok "the file is smaller than the file system ($n bytes)"
	fi
	readable "$TMP/full.argus" "full tmpfs"
	# 32 KiB: the csv output (68 KB) is well beyond it
	on_tmpfs 32k full.csv "$ARGUS" "$@" -o csv
	failed "$(cat "$TMP/full.csv.rc")" "$TMP/full.csv.err" "$TMP/mnt/full.csv" \
		"No space left on device" \
		"argus -o csv -w FILE on a full 32 KiB tmpfs: exit 1, one ENOSPC message"
	csv_whole "$TMP/full.csv" "full tmpfs"
fi

# The same cut without root: a file size limit (RLIMIT_FSIZE, SIGXFSZ
# ignored) stops the write part way with EFBIG.
# limited FILE ARGS...: ARGS -w $TMP/FILE with files limited to 32 KiB
limited() {
	_f=$1
	shift
	timeout $T sh -c 'trap "" XFSZ; ulimit -f 64 || exit 99; exec "$@"' sh \
		"$@" -w "$TMP/$_f" 2> "$TMP/$_f.err"
}
limited lim.argus "$ARGUS" "$@"
failed $? "$TMP/lim.argus.err" "$TMP/lim.argus" "File too large" \
	"argus -w FILE over the file size limit: exit 1, one EFBIG message"
readable "$TMP/lim.argus" "size limit"
limited lim.csv "$ARGUS" "$@" -o csv
failed $? "$TMP/lim.csv.err" "$TMP/lim.csv" "File too large" \
	"argus -o csv over the file size limit: exit 1, one message"
csv_whole "$TMP/lim.csv" "size limit"
limited lim.json "$ARGUS" "$@" -o json
rc=$?
if ! command -v python3 > /dev/null; then
	skip "size limit: every JSON line parses (no python3)"
elif [ $rc = 1 ] && python3 -c '
import json, sys
data = open(sys.argv[1]).read()
assert data.endswith("\n")
rows = [json.loads(l) for l in data.splitlines()]
assert len(rows) > 0' "$TMP/lim.json" 2> "$TMP/lim.py.err"; then
	ok "argus -o json over the size limit: exit 1, every JSON line parses"
else
	not_ok "argus -o json over the size limit: exit 1, every JSON line parses"
	{ echo "exit $rc"; cat "$TMP/lim.json.err" "$TMP/lim.py.err"; } | diag
fi

# d. a reader that goes away: argus ignores SIGPIPE and must stop at EPIPE
# pipe_closed NAME COMMAND...: COMMAND | head -c 10
pipe_closed() {
	_name=$1
	shift
	{
		timeout $T "$@" 2> "$TMP/pipe.err"
		echo $? > "$TMP/pipe.rc"
	} | head -c 10 > /dev/null
	_rc=$(cat "$TMP/pipe.rc")
	if [ "$_rc" = 1 ] && [ "$(lines "$TMP/pipe.err")" -le 2 ] &&
		grep -q "(stdout): write failed: Broken pipe" "$TMP/pipe.err"; then
		ok "$_name | head -c 10: exit 1, one 'Broken pipe' message"
	else
		not_ok "$_name | head -c 10: exit 1, one 'Broken pipe' message"
		{ echo "exit $_rc (124: timeout)"; cat "$TMP/pipe.err"; } | diag
	fi
}
pipe_closed "argus -w -" "$ARGUS" "$@" -w -
pipe_closed "argus -o csv -w -" "$ARGUS" "$@" -o csv -w -
pipe_closed "ra -r FILE -w -" "$RA" -r "$TMP/all.argus" -w -

# e. ra writing binary records
timeout $T "$RA" -r "$TMP/all.argus" -w /dev/full 2> "$TMP/ra-full.err"
failed $? "$TMP/ra-full.err" /dev/full "No space left on device" \
	"ra -r FILE -w /dev/full: exit 1, one message naming /dev/full and ENOSPC"
timeout $T "$RA" -r "$TMP/all.argus" > /dev/full 2> "$TMP/ra-text.err"
failed $? "$TMP/ra-text.err" "(stdout)" "No space left on device" \
	"ra -r FILE > /dev/full (text): exit 1, one message"
finish
