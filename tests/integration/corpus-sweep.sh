#!/bin/sh
# Issue 8: every capture of the tcpdump corpus ($ARGUS_SHARED_DIR/corpus/tcpdump,
# 830 files, many malformed on purpose, some of link types we do not read)
# through our argus with every optional DSR (-m -A -J -Z -U 64), and every
# record stream it writes through our ra in text (aligned with service
# names, and -n -u -c ,), CSV and JSON (with the management records), every
# field.  For every capture: no crash or hang (timeout's 124, or a signal;
# a run with a sanitizer report counts as that instead), no sanitizer report,
# exit status 0 or 1 only, an argus exit 1 says why on stderr (an unsupported
# link type by naming it), and ra reads every stream argus wrote with exit 0
# and no message.  A plain argus run (no options) was left out: over this
# corpus it reaches 1 line of core/ and plugins/ the full run does not (gcov).
# A few TAP lines, one per kind of check, with the counts; a diag names each
# failing capture with the first lines of its stderr.
#
# Cost: a sanitizer build spends most of a run starting and leaving (leak
# check), so argus runs once per capture, in parallel (this script with
# --argus CAPTURE...), and ra reads the streams 50 at a time (--ra STREAM...);
# a batch that fails is read again stream by stream to name the culprit.
# Workers append lines "argus NAME STATUS STATE" (STATE: ok, quiet: exit 1
# without a message, msg: exit 1 with one, lt:TYPE: refused, naming link
# type TYPE) and "ra NAME FORMAT STATUS STATE" (ok, or noisy: something on
# stderr) and "rabatch FIRST FORMAT STATUS ERRFILE" (a failed batch whose
# streams all read well alone) to $SWEEP_OUT/status.PID.

# ra_run FORMAT SECONDS ERRFILE STREAM...: ra on the streams, every field,
# output dropped.  FORMAT: text (aligned columns, service names), text-c
# (-n -u -c ,), csv and json (with the management records).
ra_run() {
	_f=$1 _t=$2 _e=$3
	shift 3
	# shellcheck disable=SC2086 # SWEEP_FIELDS is a list of words
	case $_f in
	text) set -- -r "$@" -s $SWEEP_FIELDS ;;
	text-c) set -- -r "$@" -n -u -c , -s $SWEEP_FIELDS ;;
	csv) set -- -r "$@" -n -F csv --mar -s $SWEEP_FIELDS ;;
	json) set -- -r "$@" -F json --mar -s $SWEEP_FIELDS ;;
	esac
	timeout -k 5 "$_t" "$SWEEP_RA" "$@" > /dev/null 2> "$_e"
}

case ${1:-} in
--argus)
	shift
	for cap; do
		name=${cap##*/}
		e="$SWEEP_OUT/$name.argus.err"
		# -k: a program that ignores SIGTERM is killed (status 137)
		timeout -k 5 20 "$SWEEP_ARGUS" -X -q -m -A -J -Z -U 64 -r "$cap" \
			-w "$SWEEP_OUT/$name.argus" > /dev/null 2> "$e"
		rc=$?
		state=ok
		if [ $rc = 1 ]; then
			state=quiet
			# "argus: FILE: link type NAME (DESCRIPTION) is not supported"
			while IFS= read -r line; do
				case $line in
				*"link type "*)
					line=${line#*link type }
					state="lt:${line%% *}"
					break
					;;
				?*) state=msg ;;
				esac
			done < "$e"
		fi
		echo "argus $name $rc $state"
	done >> "$SWEEP_OUT/status.$$"
	exit 0
	;;
--ra)
	shift
	for fmt in text text-c csv json; do
		err="$SWEEP_OUT/batch.$$.$fmt.err"
		ra_run $fmt 120 "$err" "$@"
		rc=$?
		if [ $rc = 0 ] && [ ! -s "$err" ]; then
			for st; do
				name=${st##*/}
				echo "ra ${name%.argus} $fmt 0 ok"
			done
			rm -f "$err"
			continue
		fi
		bad=0
		for st; do
			name=${st##*/}
			name=${name%.argus}
			e="$SWEEP_OUT/$name.$fmt.err"
			ra_run $fmt 20 "$e" "$st"
			rc1=$?
			state=ok
			[ -s "$e" ] && state=noisy
			[ $rc1 = 0 ] && [ $state = ok ] || bad=1
			echo "ra $name $fmt $rc1 $state"
		done
		first=${1##*/}
		if [ $bad = 0 ]; then echo "rabatch ${first%.argus} $fmt $rc $err"; else rm -f "$err"; fi
	done >> "$SWEEP_OUT/status.$$"
	exit 0
	;;
esac

. "$(dirname "$0")/lib.sh"
CORPUS="$ARGUS_SHARED_DIR/corpus/tcpdump"
[ -d "$CORPUS" ] || skip_all "no tcpdump corpus at $CORPUS (set ARGUS_SHARED_DIR)"
command -v timeout > /dev/null 2>&1 || skip_all "timeout(1) is needed"
find "$CORPUS" -maxdepth 1 -type f \( -name '*.pcap' -o -name '*.pcapng' \) | LC_ALL=C sort > "$TMP/list"
total=$(wc -l < "$TMP/list" | tr -d ' ')
[ "$total" -gt 0 ] || skip_all "no captures in $CORPUS"
plan 6

# Every field ra knows (core/fieldtab.c, Argus ra's names).
SWEEP_FIELDS="srcid seq stime ltime dur runtime mean stddev sum min max trans cause flgs proto
saddr sport dir daddr dport smac dmac stos dtos sdsb ddsb sttl dttl shops dhops sipid dipid
svlan dvlan svid dvid svpri dvpri pkts spkts dpkts bytes sbytes dbytes appbytes sappbytes
dappbytes load sload dload rate srate drate smeansz dmeansz state swin dwin stcpb dtcpb tcprtt
synack ackdat tcpopt retrans sretrans dretrans sintpkt dintpkt sintpktact dintpktact
sintpktidl dintpktidl sjit djit sjitact djitact sjitidl djitidl smaxsz dmaxsz sminsz dminsz
smpls dmpls suser duser"
# shellcheck disable=SC2086
nfields=$(echo $SWEEP_FIELDS | wc -w | tr -d ' ')

# The libtool wrapper scripts cost a shell start per run: run the real
# programs when the build tree has them.
SWEEP_ARGUS=$ARGUS SWEEP_RA=$RA
if [ -x "$top_builddir/core/.libs/argus" ]; then SWEEP_ARGUS="$top_builddir/core/.libs/argus"; fi
if [ -x "$top_builddir/ra/.libs/ra" ]; then SWEEP_RA="$top_builddir/ra/.libs/ra"; fi
if [ -d "$top_builddir/core/.libs" ]; then
	LD_LIBRARY_PATH="$top_builddir/core/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
	export LD_LIBRARY_PATH
fi
SWEEP_OUT="$TMP/out"
mkdir "$SWEEP_OUT"
export SWEEP_OUT SWEEP_ARGUS SWEEP_RA SWEEP_FIELDS

jobs=${ARGUS_TEST_JOBS:-$(nproc 2> /dev/null || echo 2)}
t0=$(date +%s)
tr '\n' '\0' < "$TMP/list" | xargs -0 -n 8 -P "$jobs" sh "$0" --argus
t1=$(date +%s)
find "$SWEEP_OUT" -name '*.argus' -type f | LC_ALL=C sort | tr '\n' '\0' |
	xargs -0 -n 50 -P "$jobs" sh "$0" --ra
t2=$(date +%s)
diag "$total captures: argus $((t1 - t0)) s, ra $((t2 - t1)) s, $jobs at a time"

cat "$SWEEP_OUT"/status.* > "$TMP/results" 2> /dev/null
# sanitizer reports: one grep over every stderr kept
find "$SWEEP_OUT" -name '*.err' -type f -exec grep -l -e "ERROR: AddressSanitizer" \
	-e "ERROR: LeakSanitizer" -e "runtime error:" -e "WARNING: AddressSanitizer" {} + \
	> "$TMP/san" 2> /dev/null
# failures, as "KIND LABEL RC ERRFILE", into $TMP/fail
awk -v out="$SWEEP_OUT" '
	FILENAME == ARGV[1] {
		# OUT/NAME.RUN.err (RUN: argus, or a FORMAT of ra)
		san[$0] = 1
		n = $0
		sub(".*/", "", n)
		sub("[.]err$", "", n)
		r = n
		sub(".*[.]", "", r)
		sub("[.][^.]*$", "", n)
		print "san", n " (" (r == "argus" ? r : "ra " r) ")", "-", $0
		next
	}
	$1 == "argus" { err = out "/" $2 ".argus.err"; run = "argus" }
	$1 == "ra" { err = out "/" $2 "." $3 ".err"; run = "ra " $3; rc = $4 }
	$1 == "argus" { rc = $3 }
	$1 == "rabatch" { print "ra", "batch from " $2 " (" $3 "), every stream alone fine", $4, $5; next }
	{
		label = $2 " (" run ")"
		if (err in san) next
		if (rc == 124 || rc >= 128) print "crash", label, rc, err
		else if (rc > 1) print "status", label, rc, err
		if ($1 == "argus" && rc == 1 && $4 == "quiet") print "quiet", label, rc, err
		if ($1 == "ra" && (rc != 0 || $5 != "ok")) print "ra", label, rc, err
	}' "$TMP/san" "$TMP/results" | sort -k1,2 > "$TMP/fail"
cnt() { awk -v k="$1" '$1 == k { n++ } END { print n + 0 }' "$2"; }
ran=$(cnt argus "$TMP/results")
exit0=$(awk '$1 == "argus" && $3 == 0 { n++ } END { print n + 0 }' "$TMP/results")
exit1=$(awk '$1 == "argus" && $3 == 1 { n++ } END { print n + 0 }' "$TMP/results")
refused=$(awk '$1 == "argus" && $3 == 1 && $4 ~ /^lt:/ { n++ } END { print n + 0 }' "$TMP/results")
damaged=$(awk '$1 == "argus" && $3 == 1 && $4 == "msg" { n++ } END { print n + 0 }' "$TMP/results")
streams=$(awk '$1 == "ra" && !seen[$2]++ { n++ } END { print n + 0 }' "$TMP/results")

# report KIND: diag lines for the first 20 failures of a kind, with the
# first lines of their stderr (of a sanitizer report: 40 lines, the stack)
report() {
	_lines=8
	[ "$1" = san ] && _lines=40
	awk -v k="$1" '$1 == k { $1 = ""; print substr($0, 2) }' "$TMP/fail" > "$TMP/f"
	head -n 20 "$TMP/f" | while read -r _label; do
		_err=${_label##* }
		_label=${_label% *}
		case $_label in
		*" -") diag "${_label% *}:" ;;
		*) diag "${_label% *}: exit ${_label##* }" ;;
		esac
		[ -f "$_err" ] && head -n $_lines "$_err" | diag
	done
	_more=$(($(wc -l < "$TMP/f") - 20))
	[ "$_more" -le 0 ] || diag "... and $_more more"
}

if [ "$ran" = "$total" ]; then
	ok "all $total captures of corpus/tcpdump run through argus ($exit0 exit 0, $exit1 exit 1), $streams streams through ra"
else
	not_ok "all $total captures of corpus/tcpdump run through argus: only $ran"
	awk '$1 == "argus" { print $2 }' "$TMP/results" | sort > "$TMP/done"
	sed 's|.*/||' "$TMP/list" | sort | comm -23 - "$TMP/done" | head -n 20 | diag
fi

if [ "${ARGUS_TEST_SANITIZER:-}" = 1 ]; then kind="ASan+UBSan build"; else kind="not a sanitizer build"; fi
n=$(cnt san "$TMP/fail")
if [ "$n" = 0 ]; then ok "$total captures: 0 sanitizer reports ($kind)"; else not_ok "$total captures: $n sanitizer reports ($kind)"; report san; fi

n=$(cnt crash "$TMP/fail")
if [ "$n" = 0 ]; then ok "$total captures: 0 crashes or hangs (argus and ra)"; else not_ok "$total captures: $n crashes or hangs (argus and ra)"; report crash; fi

n=$(cnt status "$TMP/fail")
if [ "$n" = 0 ]; then ok "$total captures: argus and ra exit 0 or 1 only"; else not_ok "$total captures: $n runs exit with another status"; report status; fi

n=$(cnt quiet "$TMP/fail")
if [ "$n" = 0 ]; then
	ok "$refused refused: unsupported link type, each with a message naming it; $damaged other exit 1, each with a message"
	types=$(awk '$1 == "argus" && $4 ~ /^lt:/ { print substr($4, 4) }' "$TMP/results" | sort | uniq -c |
		sort -k1,1nr -k2 | awk '{ printf "%s%s x%s", (NR > 1 ? ", " : ""), $2, $1 }')
	[ -z "$types" ] || diag "refused link types: $types"
else
	not_ok "$n captures: argus exits 1 without a message"
	report quiet
fi

n=$(cnt ra "$TMP/fail")
if [ "$n" = 0 ]; then
	ok "ra read every argus output ($streams streams; text, text -c, csv and json, all $nfields fields): 0 failures"
else
	not_ok "ra read every argus output ($streams streams): $n failures"
	report ra
fi
finish
