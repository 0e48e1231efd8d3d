#!/bin/sh
# Corrupt Argus streams: hundreds of damaged variants of the golden streams
# (truncated, bytes changed, a lying record length, a zero-length DSR,
# garbage between records, damaged gzip files), made deterministically.
# Our ra must never crash (exit >= 128 or a sanitizer report) or hang
# (timeout's 124), and whenever it reports damage (exit 1) its messages say
# where: "byte N".  One TAP line per kind of damage.
. "$(dirname "$0")/lib.sh"
G="$DATA/golden"
names=$(cat "$G/list.txt")
command -v python3 > /dev/null 2>&1 || skip_all "python3 is needed to make the variants"
plan 6

FIELDS="srcid seq stime ltime dur flgs proto saddr sport dir daddr dport spkts dpkts sbytes dbytes state smac dmac sttl dttl stos dtos sipid dipid svid dvid"
GARBAGE="$DATA/sample.pcap"

# The libtool wrapper script costs a shell start per run: run the real
# program when the build tree has one.
if [ -x "$top_builddir/ra/.libs/ra" ] && [ -d "$top_builddir/core/.libs" ]; then
	LD_LIBRARY_PATH="$top_builddir/core/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
	export LD_LIBRARY_PATH
	RA_RUN="$top_builddir/ra/.libs/ra"
else
	RA_RUN=$RA
fi

# Make every variant in one python3 process (a fixed linear congruential
# generator: the same variants on every run) into $TMP/v/GROUP/, with a
# manifest line "GROUP FILE MUST_DETECT DESCRIPTION" per variant.
mkdir "$TMP/v"
python3 - "$G" "$GARBAGE" "$TMP/v" $names > "$TMP/manifest" << 'PYEOF' || not_ok "making the variants"
import gzip, os, sys

gdir, garbage_path, out = sys.argv[1], sys.argv[2], sys.argv[3]
names = sys.argv[4:]
seed = 1


def rnd(n):
    global seed
    seed = (seed * 1103515245 + 12345) % 2147483648
    return (seed // 65536) % n


def records(b):
    """(offset, type, length) of each record, and the DSRs of flow records."""
    recs, dsrs, off = [], {}, 0
    while off + 4 <= len(b):
        ln = (b[off + 2] << 8 | b[off + 3]) * 4
        recs.append((off, b[off], ln))
        if ln == 0:
            break
        if b[off] == 0x13:
            o, lst = off + 4, []
            while o + 4 <= min(off + ln, len(b)):
                if b[o] & 0x80:
                    l = 4
                elif b[o + 1] & 0x80 or b[o] == 0x50:
                    l = (b[o + 2] << 8 | b[o + 3]) * 4
                else:
                    l = b[o + 3] * 4
                lst.append((o, b[o]))
                if l == 0:
                    break
                o += l
            dsrs[off] = lst
        off += ln
    return recs, dsrs


garbage = open(garbage_path, "rb").read()
count = {}
# Under the sanitizers every run costs far more: run the first 3 of the 8
# random variants per file (the same random draws are made, so the set is a
# subset of the full one; the placed damage of groups 3-5 stays complete).
reps = 3 if os.environ.get("ARGUS_TEST_SANITIZER") else 8


def emit(group, data, must, what):
    count[group] = count.get(group, 0) + 1
    d = os.path.join(out, group)
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, "%04d.argus%s" % (count[group], ".gz" if group == "gzip" else ""))
    with open(path, "wb") as f:
        f.write(data)
    print(group, path, must, what)


for n in names:
    orig = open(os.path.join(gdir, n + ".argus"), "rb").read()
    size = len(orig)
    # 1. truncated anywhere: the last byte missing, then random cuts
    for i in range(8):
        cut = size - 1 if i == 0 else rnd(size - 1) + 1
        if i < reps:
            emit("cut", orig[:cut], 0, "%s cut at %d" % (n, cut))
    # 2. one to four bytes changed (xor with a non-zero mask)
    for i in range(8):
        b = bytearray(orig)
        what = []
        for k in range(rnd(4) + 1):
            off, mask = rnd(size), rnd(255) + 1
            b[off] ^= mask
            what.append("%d^%d" % (off, mask))
        if i < reps:
            emit("flip", bytes(b), 0, "%s bytes changed: %s" % (n, " ".join(what)))
    # 3-5. damage at known places in flow records, always to be reported
    recs, dsrs = records(orig)
    fars = [r for r in recs if r[1] == 0x13]
    for i in range(2 if fars else 0):
        at, _, ln = fars[rnd(len(fars))]
        words = rnd(200) + 1
        if words * 4 == ln:
            words += 1
        b = bytearray(orig)
        b[at + 2:at + 4] = bytes((words >> 8, words & 0xff))
        emit("length", bytes(b), 1, "%s record at %d: length %d -> %d words" % (n, at, ln // 4, words))
    for i in range(2 if fars else 0):
        at = fars[rnd(len(fars))][0]
        o, t = dsrs[at][rnd(len(dsrs[at]))]
        b = bytearray(orig)
        if t == 0x50:
            b[o + 2] = 0
        b[o + 3] = 0
        emit("dsr0", bytes(b), 1, "%s record at %d: DSR at %d (type 0x%02x) length 0" % (n, at, o, t))
    for i in range(2 if fars else 0):
        at = fars[rnd(len(fars))][0]
        glen = rnd(200) + 1
        g0 = rnd(len(garbage) - glen)
        emit("garbage", orig[:at] + garbage[g0:g0 + glen] + orig[at:], 1,
             "%s: %d bytes of garbage before the record at %d" % (n, glen, at))
    # 6. gzip-compressed, cut short or with a byte changed
    z = gzip.compress(orig, 6, mtime=0)
    for i in range(4):
        if i < 2:
            cut = rnd(len(z) - 1) + 1
            emit("gzip", z[:cut], 0, "%s.gz cut at %d" % (n, cut))
        else:
            b = bytearray(z)
            off, mask = rnd(len(z)), rnd(255) + 1
            b[off] ^= mask
            emit("gzip", bytes(b), 0, "%s.gz byte %d ^ %d" % (n, off, mask))
PYEOF

# Group counters, reset by group_start and reported by group_end.
group_start() { g_total=0 g_damaged=0 g_clean=0 g_bad=0 && : > "$TMP/bad"; }
# try VARIANT DESCRIPTION MUST_DETECT: run our ra on it and judge
try() {
	g_total=$((g_total + 1))
	timeout 10 "$RA_RUN" -r "$1" -n -u -c , -s $FIELDS > "$TMP/out" 2> "$TMP/err"
	_rc=$?
	_why=
	if [ $_rc = 124 ]; then
		_why="hang (timeout)"
	elif [ $_rc -ge 128 ]; then
		_why="crash (exit $_rc)"
	elif [ -s "$TMP/err" ] && grep -q "Sanitizer\|runtime error" "$TMP/err"; then
		_why="sanitizer report"
	elif [ $_rc = 1 ]; then
		g_damaged=$((g_damaged + 1))
		if ! grep -q "byte [0-9]" "$TMP/err"; then
			_why="damage reported without a byte offset"
		fi
	elif [ $_rc = 0 ]; then
		g_clean=$((g_clean + 1))
		if [ "$3" = 1 ]; then
			_why="damage not reported"
		fi
	else
		_why="unexpected exit $_rc"
	fi
	if [ -n "$_why" ]; then
		g_bad=$((g_bad + 1))
		{
			echo "$2: $_why"
			head -2 "$TMP/err"
		} >> "$TMP/bad"
	fi
}
group_end() { # group_end DESCRIPTION
	if [ $g_bad = 0 ] && [ $g_total -gt 0 ]; then
		ok "$g_total $1: no crash, no hang, damage located ($g_damaged reported, $g_clean read clean)"
	else
		not_ok "$g_total $1: no crash, no hang, damage located"
		diag "$g_bad bad of $g_total:"
		head -20 "$TMP/bad" | diag
	fi
}

for group in cut flip length dsr0 garbage gzip; do
	group_start
	grep "^$group " "$TMP/manifest" > "$TMP/list"
	while read -r _g file must what; do
		try "$file" "$what" "$must"
	done < "$TMP/list"
	case $group in
	cut) group_end "truncated variants" ;;
	flip) group_end "byte-flipped variants" ;;
	length) group_end "variants with a lying record length" ;;
	dsr0) group_end "variants with a zero-length DSR" ;;
	garbage) group_end "variants with garbage between records" ;;
	gzip) group_end "damaged gzip variants (cut short, a byte changed)" ;;
	esac
done
finish
