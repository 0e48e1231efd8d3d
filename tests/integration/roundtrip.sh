#!/bin/sh
# Argus 3 wire compatibility, both ways, against Debian's argus-client:
#  - every golden stream copied by our ra (ra -r NAME.argus -w copy.argus)
#    prints exactly NAME.csv in Debian's ra;
#  - our ra reads gzip-compressed streams (a .gz file, gzip on stdin) as the
#    plain stream;
#  - streams Argus 3.0.8 writes with jitter, packet sizes and user data
#    (-J -Z -U 64) copied by our ra print the same in Debian's ra;
#  - what our argus writes for each golden capture is read by Debian's ra,
#    racluster and rasort without error, and every DSR decodes
#    (argus-dump.py from ../shared).
. "$(dirname "$0")/lib.sh"
G="$DATA/golden"
names=$(cat "$G/list.txt")
count=0
for n in $names; do count=$((count + 1)); done
plan $((count * 5))

FIELDS="srcid seq stime ltime dur flgs proto saddr sport dir daddr dport spkts dpkts sbytes dbytes state smac dmac sttl dttl stos dtos sipid dipid svid dvid"
# the new sections as Debian's ra prints them
XFIELDS="stime proto saddr sport dir daddr dport spkts dpkts sjit djit sintpkt dintpkt sjitact sjitidl djitact djitidl sintpktact sintpktidl dintpktact dintpktidl smaxsz dmaxsz sminsz dminsz smeansz dmeansz suser:64 duser:64 smpls dmpls"
DUMP="$ARGUS_SHARED_DIR/tools/argus-dump.py"
have_dump() { [ -f "$DUMP" ] && command -v python3 > /dev/null 2>&1; }
have_gzip() { command -v gzip > /dev/null 2>&1; }

# deb_reads TOOL FILE [ARGS...]: TOOL reads FILE with exit 0, no message
deb_reads() {
	_tool=$1 _file=$2; shift 2
	timeout 20 "$_tool" -F "$TMP/empty.rarc" -n -r "$_file" "$@" > "$TMP/deb.out" 2> "$TMP/deb.err"
	_rc=$?
	if [ $_rc != 0 ] || [ -s "$TMP/deb.err" ]; then
		diag "$_tool: exit $_rc" "$(head -3 "$TMP/deb.err")"
		return 1
	fi
	return 0
}

for n in $names; do
	# 1. our copy of Argus's stream prints exactly as Argus's own
	if [ ! -x "$DEBIAN_RA" ]; then
		skip "$n: Debian ra prints our copy exactly as NAME.csv (argus-client not installed)"
	elif ! "$RA" -r "$G/$n.argus" -w "$TMP/copy.argus" 2> "$TMP/err"; then
		not_ok "$n: our ra copies the stream"
		head -3 "$TMP/err" | diag
	else
		timeout 20 "$DEBIAN_RA" -F "$TMP/empty.rarc" -n -u -c , -r "$TMP/copy.argus" \
			-s $FIELDS - not man > "$TMP/copy.csv" 2> "$TMP/err"
		if cmp -s "$TMP/copy.csv" "$G/$n.csv"; then
			ok "$n: Debian ra prints our copy exactly as NAME.csv"
		else
			not_ok "$n: Debian ra prints our copy exactly as NAME.csv"
			diff "$G/$n.csv" "$TMP/copy.csv" | head -6 | diag
			head -3 "$TMP/err" | diag
		fi
	fi

	# 2. gzip: a .gz file and a gzip stream on stdin read as the plain file
	if ! have_gzip; then
		skip "$n: our ra reads it gzip-compressed (no gzip program)"
	else
		"$RA" -r "$G/$n.argus" -F csv -s $FIELDS > "$TMP/plain.csv" 2>&1
		gzip -c < "$G/$n.argus" > "$TMP/$n.argus.gz"
		"$RA" -r "$TMP/$n.argus.gz" -F csv -s $FIELDS > "$TMP/gz.csv" 2>&1
		rc1=$?
		gzip -c < "$G/$n.argus" | "$RA" -r - -F csv -s $FIELDS > "$TMP/gzin.csv" 2>&1
		rc2=$?
		if [ $rc1 = 0 ] && [ $rc2 = 0 ] && cmp -s "$TMP/plain.csv" "$TMP/gz.csv" &&
			cmp -s "$TMP/plain.csv" "$TMP/gzin.csv"; then
			ok "$n: our ra reads it gzip-compressed, from a file and from stdin"
		else
			not_ok "$n: our ra reads it gzip-compressed, from a file and from stdin"
			diag "exit $rc1 (file), $rc2 (stdin)"
			diff "$TMP/plain.csv" "$TMP/gz.csv" | head -4 | diag
		fi
	fi

	if [ ! -f "$G/$n.pcap" ]; then
		skip "$n: -J -Z -U sections survive our copy (capture not shipped)"
		skip "$n: Debian ra, racluster and rasort read our argus's output (capture not shipped)"
		skip "$n: every DSR of our argus's output decodes (capture not shipped)"
		continue
	fi

	# 3. jitter, packet size, MPLS and user data DSRs survive our copy
	if ! have_debian_argus; then
		skip "$n: -J -Z -U sections survive our copy (argus not installed)"
	else
		rm -f "$TMP/jzu.argus"
		printf 'ARGUS_MONITOR_ID=192.0.2.1\nARGUS_GENERATE_MAC_DATA=yes\nARGUS_FLOW_STATUS_INTERVAL=60\n' > "$TMP/jzu.conf"
		timeout 60 "$DEBIAN_ARGUS" -X -F "$TMP/jzu.conf" -J -Z -U 64 -r "$G/$n.pcap" \
			-w "$TMP/jzu.argus" 2> /dev/null
		"$RA" -r "$TMP/jzu.argus" -w "$TMP/jzu-copy.argus" 2> "$TMP/err"
		rc=$?
		timeout 20 "$DEBIAN_RA" -F "$TMP/empty.rarc" -n -u -c , -r "$TMP/jzu.argus" \
			-s $XFIELDS - not man > "$TMP/jzu.csv" 2>&1
		timeout 20 "$DEBIAN_RA" -F "$TMP/empty.rarc" -n -u -c , -r "$TMP/jzu-copy.argus" \
			-s $XFIELDS - not man > "$TMP/jzu-copy.csv" 2>&1
		if [ $rc = 0 ] && [ -s "$TMP/jzu.csv" ] && cmp -s "$TMP/jzu.csv" "$TMP/jzu-copy.csv"; then
			ok "$n: -J -Z -U sections survive our copy (jitter, sizes, MPLS, user data)"
		else
			not_ok "$n: -J -Z -U sections survive our copy (jitter, sizes, MPLS, user data)"
			diag "our ra: exit $rc"
			head -3 "$TMP/err" | diag
			diff "$TMP/jzu.csv" "$TMP/jzu-copy.csv" | head -6 | diag
		fi
	fi

	# 4. what our argus writes is read by Argus's own tools
	"$ARGUS" -X -m -e 192.0.2.1 -r "$G/$n.pcap" -w "$TMP/ours.argus" 2> "$TMP/err"
	rc=$?
	if [ ! -x "$DEBIAN_RA" ] || [ ! -x "$DEBIAN_RACLUSTER" ] || [ ! -x /usr/bin/rasort ]; then
		skip "$n: Debian ra, racluster and rasort read our argus's output (argus-client not installed)"
	elif [ $rc != 0 ]; then
		not_ok "$n: Debian ra, racluster and rasort read our argus's output"
		diag "our argus: exit $rc" "$(head -3 "$TMP/err")"
	elif deb_reads "$DEBIAN_RA" "$TMP/ours.argus" -s $FIELDS &&
		[ "$(wc -l < "$TMP/deb.out")" -gt 1 ] &&
		deb_reads "$DEBIAN_RACLUSTER" "$TMP/ours.argus" -s $FIELDS &&
		deb_reads /usr/bin/rasort "$TMP/ours.argus" -m stime -s $FIELDS; then
		ok "$n: Debian ra, racluster and rasort read our argus's output"
	else
		not_ok "$n: Debian ra, racluster and rasort read our argus's output"
	fi

	# 5. and every DSR in it decodes
	if ! have_dump; then
		skip "$n: every DSR of our argus's output decodes (no ../shared/tools/argus-dump.py)"
	elif [ $rc = 0 ] && python3 "$DUMP" "$TMP/ours.argus" > "$TMP/dump" 2>&1; then
		ok "$n: every DSR of our argus's output decodes"
	else
		not_ok "$n: every DSR of our argus's output decodes"
		grep -i -m 3 "error\|malformed\|bad" "$TMP/dump" | diag
	fi
done
finish
