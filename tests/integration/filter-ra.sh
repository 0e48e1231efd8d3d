#!/bin/sh
# The ra filter language and ra -t against Debian's ra 3.0.8.2, on real
# Argus 3.0.8 output: the golden captures' streams (tests/data/golden), the
# streams in tests/fuzz/corpus/record_reader written by Argus 3.0.8, and,
# with ../shared and Debian's argus, two genpcap captures run through it.
#
# 1. Every expression of tests/data/filter-exprs.txt: our ra selects exactly
#    the records Debian's ra selects (flow records; management records too
#    where the expression names `man`).
# 2. Expressions where Debian's ra contradicts its manual (man/ra.1,
#    "Differences from Argus ra 3.0.8"), or refuses what we accept: our
#    selection equals a formulation Debian's ra gets right (or what its own
#    printed columns say); the Debian difference is printed as a comment.
# 3. Malformed expressions: exit status 2 and a message naming the column and
#    the word, never a crash (what Debian's ra does with them is printed as a
#    comment: it takes some).  Nesting and length are bounded.
# 4. ra -t: absolute, relative and ranges, as Debian's ra selects them.
# Records are compared by seq, times and protocol (which the filter does not
# change), in order.  TZ is UTC for both programs.
. "$(dirname "$0")/lib.sh"

EXPRS="$DATA/filter-exprs.txt"
FIELDS="seq stime ltime proto"
TZ=UTC
export TZ

[ -x "$RA" ] || skip_all "ra not built ($RA)"
[ -x "$DEBIAN_RA" ] || skip_all "Debian's ra (argus-client) not installed"
[ -f "$EXPRS" ] || skip_all "$EXPRS missing"

# ra is a libtool wrapper script, and this test runs it some 400 times: run
# the program it wraps, as the wrapper would (FILTER_RA_WRAPPER=1 keeps the
# wrapper, e.g. to run the test under valgrind).
ours() { "$RA" "$@"; }
if [ -z "${FILTER_RA_WRAPPER:-}" ] && [ -x "$top_builddir/ra/.libs/ra" ] &&
	[ -d "$top_builddir/core/.libs" ]; then
	ours() {
		LD_LIBRARY_PATH="$top_builddir/core/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
			"$top_builddir/ra/.libs/ra" "$@"
	}
fi

# ---- input ---------------------------------------------------------------------------
IN="$TMP/in.argus"
cat "$DATA"/golden/*.argus "$top_srcdir"/tests/fuzz/corpus/record_reader/argus308-*.argus \
	> "$IN" 2> /dev/null
RECENT=""
if have_shared && [ -x "$DEBIAN_ARGUS" ] && command -v cc > /dev/null; then
	if cc -O2 -o "$TMP/genpcap" "$ARGUS_SHARED_DIR/tools/genpcap.c" -lm 2> "$TMP/cc.err" &&
		"$TMP/genpcap" -o "$TMP/gp.pcap" -n 300 -c 50 -6 0.2 --vlan 0.1 --rst 0.1 -s 7 \
			--summary /dev/null &&
		"$DEBIAN_ARGUS" -X -r "$TMP/gp.pcap" -w "$TMP/gp.argus" 2> /dev/null; then
		cat "$TMP/gp.argus" >> "$IN"
		# packets of the last two hours, for relative ranges (-t -1h)
		now=$(date +%s)
		if "$TMP/genpcap" -o "$TMP/recent.pcap" -n 200 -c 20 -r 0.3 \
			--start $((now - 7200)) -s 3 --summary /dev/null &&
			"$DEBIAN_ARGUS" -X -r "$TMP/recent.pcap" -w "$TMP/recent.argus" 2> /dev/null; then
			RECENT="$TMP/recent.argus"
		fi
	else
		{ echo "genpcap capture not made:"; cat "$TMP/cc.err"; } | diag
	fi
fi

# ---- helpers ----------------------------------------------------------------------------
# sel PROGRAM FILE [ra options] [- EXPR]: the selected records, without the
# title line, into $TMP/sel; exit status in $rc, messages in $TMP/err.PROGRAM
sel() {
	_p=$1
	_f=$2
	shift 2
	# shellcheck disable=SC2086 # the field list is split on purpose
	if [ "$_p" = ours ]; then
		ours -n -u -c , -s $FIELDS -r "$_f" "$@" > "$TMP/raw" 2> "$TMP/err.ours"
	else
		debian_ra -n -u -c , -s $FIELDS -r "$_f" "$@" > "$TMP/raw" 2> "$TMP/err.debian"
	fi
	rc=$?
	grep -v '^Seq,' "$TMP/raw" > "$TMP/sel"
}

# refused: did Debian's ra refuse the last expression?
refused() { grep -q 'syntax error\|rejects all records\|Argusgen' "$TMP/err.debian"; }

# flows FILE: drop management records unless KEEP_MAN is set
flows() {
	if [ -n "${KEEP_MAN:-}" ]; then cat "$1"; else awk -F, '$4 != "man"' "$1"; fi
}

# compare DESCRIPTION OURS EXPECTED
compare() {
	if cmp -s "$2" "$3"; then
		ok "$1 ($(wc -l < "$2") records)"
		return 0
	fi
	not_ok "$1"
	diff "$3" "$2" | head -n 6 | diag
	return 1
}

# names_man EXPR: does EXPR mention management records?
names_man() { printf '%s\n' "$1" | grep -qw man; }

# ---- 1. agreement --------------------------------------------------------------------
# (the plan comes at the end)
n_exprs=0
agree=0
while IFS= read -r e; do
	case $e in '#'* | '') continue ;; esac
	n_exprs=$((n_exprs + 1))
	KEEP_MAN=
	names_man "$e" && KEEP_MAN=1
	sel debian "$IN" - "$e"
	if refused; then
		not_ok "'$e': Debian's ra refuses it (test data)"
		head -n 2 "$TMP/err.debian" | diag
		continue
	fi
	flows "$TMP/sel" > "$TMP/deb"
	sel ours "$IN" - "$e"
	if [ "$rc" -ne 0 ]; then
		not_ok "'$e': our ra exited $rc"
		head -n 2 "$TMP/err.ours" | diag
		continue
	fi
	flows "$TMP/sel" > "$TMP/our"
	if compare "'$e' selects what Debian's ra selects" "$TMP/our" "$TMP/deb"; then
		agree=$((agree + 1))
	fi
done < "$EXPRS"
diag "agreement with Debian's ra 3.0.8.2: $agree of $n_exprs expressions"

# ---- 2. Debian's defects and refusals -------------------------------------------------
# defect EXPR ORACLE WHY: ours(EXPR) must equal Debian's ORACLE; WHY and
# Debian's own selection for EXPR go into a comment
defect() {
	KEEP_MAN=
	sel debian "$IN" - "$2"
	flows "$TMP/sel" > "$TMP/deb"
	sel debian "$IN" - "$1"
	_refused=
	refused && _refused=1
	flows "$TMP/sel" | wc -l > "$TMP/debn"
	sel ours "$IN" - "$1"
	flows "$TMP/sel" > "$TMP/our"
	compare "'$1' selects what Debian's ra selects for '$2'" "$TMP/our" "$TMP/deb"
	if [ -n "$_refused" ]; then
		diag "  Debian's ra: $3 (refuses '$1')"
	else
		diag "  Debian's ra: $3 ('$1': $(cat "$TMP/debn") records, ours $(wc -l < "$TMP/our"))"
	fi
}

# columns EXPR AWK WHY: ours(EXPR) must equal the records whose columns, as
# Debian's ra prints them, pass AWK (fields: seq stime ltime proto, then
# flgs tcpopt smac dmac sloss dloss)
columns() {
	# shellcheck disable=SC2086 # the field list is split on purpose
	debian_ra -n -u -c , -s $FIELDS flgs tcpopt smac dmac sloss dloss -r "$IN" - not man \
		2> /dev/null | grep -v '^Seq,' | awk -F, "$2" | cut -d, -f1-4 > "$TMP/deb"
	sel debian "$IN" - "$1"
	flows "$TMP/sel" | wc -l > "$TMP/debn"
	sel ours "$IN" - "$1"
	flows "$TMP/sel" > "$TMP/our"
	compare "'$1' selects the records Debian's ra prints with $4" "$TMP/our" "$TMP/deb"
	diag "  Debian's ra: $3 ('$1': $(cat "$TMP/debn") records, ours $(wc -l < "$TMP/our"))"
}

defect "port 53-215" "src port 53-215 or dst port 53-215" \
	"tests port gte 53 and port lte 215 separately, on either side"
defect "udp port 53-256" "udp and (src port 53-256 or dst port 53-256)" \
	"the same for the man page's example"
defect "ipv6 and not tcp and con" "ipv6 and not tcp and src pkts gt 0 and dst pkts gt 0" \
	"con and est never match IPv6"
defect "udp and est" "udp and src pkts gt 0 and dst pkts gt 0" \
	"est never matches IPv6"
columns "fragonly" 'index($5, "f") > 0' "fragonly matches every record" \
	"flgs f (fragments only)"
columns "multipath" 'substr($5, 2, 1) == "M"' "multipath matches nearly every record" \
	"flgs M"
columns "mss" '$4 == "tcp" && substr($6, 1, 1) == "M"' \
	"the option keywords match every IPv4 flow without TCP state and no IPv6 flow" \
	"tcpopt M"
columns "wscale" '$4 == "tcp" && substr($6, 2, 1) == "w"' "as for mss" "tcpopt w"
columns "tcptimestamp" '$4 == "tcp" && substr($6, 7, 1) == "T"' "as for mss" "tcpopt T"
columns "tcpopt" '$4 == "tcp" && $6 ~ /[^ ]/' "tcpopt wants every option at once" \
	"any tcpopt letter"
columns "loss gt 0" '$9 > 0 || $10 > 0' "loss is a syntax error" "SrcLoss or DstLoss > 0"
columns "ploss gt 0" '$9 > 0 || $10 > 0' "ploss reads 0 on every record" \
	"SrcLoss or DstLoss > 0"
columns "ether multicast" \
	'function g(m) { return m == "Broadcast" || (m != "" && index("13579bdf", substr(m, 2, 1)) > 0) }
	g($7) || g($8)' \
	"ether multicast matches nothing" "a group MAC address"
defect "vid gt 0" "not (src vid 0 and dst vid 0)" "vid ignores gt/lt (vid gt 0 is vid 0)"
defect "vid lt 1" "src vid 0 or dst vid 0" "vid lt 1 is vid 1"
defect "vpri gt 0" "not (src vpri 0 and dst vpri 0)" "vpri ignores gt/lt"
defect "mid gt 0" "not (src mid 0 and dst mid 0)" "mid gt 0 matches every record"
defect "dur gte 0" "dur gt 0 or dur 0" "gte on dur, rate, load is gt"
defect "rate gte 0" "rate gt 0 or rate 0" "gte on rate is gt"
defect "load gte 0" "load gt 0 or load 0" "gte on load is gt"
defect "dur lt 0" "dur lt 0 and not dur 0" "lt on dur, rate, load is lte"
defect "ipv6 multicast" "ipv6 and net ff00::/8" "ipv6 multicast matches every record"
defect "ipv4 multicast" "multicast" "ipv4 multicast matches every record"
# management records: ours match only man (and negations)
KEEP_MAN=1
for e in "bytes lt 100" "pkts lt 1" "vid 0" "encaps eth"; do
	sel debian "$IN" - "$e and not man"
	cp "$TMP/sel" "$TMP/deb"
	sel debian "$IN" - "$e"
	_dm=$(awk -F, '$4 == "man"' "$TMP/sel" | wc -l)
	sel ours "$IN" - "$e"
	compare "'$e' selects no management record" "$TMP/sel" "$TMP/deb"
	diag "  Debian's ra: '$e' also selects $_dm management records"
done
KEEP_MAN=
# Debian's ra refuses these; ours takes them as the manual (or tcpdump) has them
defect "proto udp" "udp" "refuses protocol names after proto"
defect "ip proto tcp" "tcp" "refuses ip proto tcp"
defect "ether proto ip" "ipv4" "refuses ether proto ip (an example of its manual)"
defect "ether proto arp" "arp" "refuses ether proto arp"
defect "ether proto ip and host 10.0.0.1" "ipv4 and host 10.0.0.1" \
	"refuses its manual's example"
defect "host 10.0.0.1 and not port ssh and not port ftp and not port ftp-data" \
	"host 10.0.0.1 and not port ssh and not port ftp and not tcp port 20" \
	"refuses port names with a dash (its manual's example)"
defect "tcp dst port ftp or ftp-data or domain" "tcp dst port 21 or 20 or 53" \
	"refuses port names with a dash (its manual's example)"
defect "ttl > 100" "ttl gt 100" "refuses > < = (not >= <=)"
defect "pkts < 3 or bytes = 60" "pkts lt 3 or bytes eq 60" "refuses > < = (not >= <=)"
defect "TCP AND PORT 443" "tcp and port 443" "keywords are case sensitive"
defect "icmp6" "proto 58" "has no icmp6"
defect "broadcast" "ip broadcast" "refuses broadcast without ip or ether"
defect "encaps mpls" "mpls" "refuses encaps mpls"

# ---- 3. malformed expressions -------------------------------------------------------------
# bad EXPR MESSAGE: refused with exit 2 and exactly MESSAGE (not a crash);
# what Debian's ra does with it goes into a comment
bad() {
	ours -r "$IN" - "$1" > /dev/null 2> "$TMP/err"
	_rc=$?
	_msg=$(head -n 1 "$TMP/err")
	if [ "$_rc" -eq 2 ] && [ "$_msg" = "ra: filter: $2" ]; then
		ok "'$1' refused: $_msg"
	else
		not_ok "'$1' refused with exit 2 and the column (got exit $_rc)"
		diag "got: $_msg" "expected: ra: filter: $2"
	fi
	sel debian "$IN" - "$1"
	if ! refused; then
		diag "  Debian's ra accepts '$1' ($(flows "$TMP/sel" | wc -l) records)"
	fi
}
bad "tcp and" "column 8: expected an expression after 'and', found end of expression"
bad "port" "column 5: expected a value after 'port', found end of expression"
bad "((tcp)" "column 1: unbalanced parenthesis: '(' is not closed"
bad "bytes gt" "column 9: expected a number after 'gt', found end of expression"
bad "net 10.0.0.0/33" "column 5: '10.0.0.0/33': prefix length longer than the address"
bad "host 300.1.2.3" "column 6: '300.1.2.3' is not an IPv4 or IPv6 address"
bad "src src port 80" \
	"column 5: expected host, net, port or a field after the direction, found 'src'"
bad "ptks gt 2" "column 1: unknown keyword 'ptks'"
bad "tcp)" "column 4: unbalanced parenthesis: ')' without '('"
bad "ttl gt x" "column 8: expected a number after 'gt', found 'x'"
bad "port 70000" "column 6: '70000' is not a port number (0-65535) or range"
bad "encaps foo" "column 8: unknown encapsulation 'foo' (eth, 802q, llc, mpls, gre, ...)"

# limits: nesting and length bounded, refused with exit 2
deep() { _i=0; _s=$3; while [ $_i -lt "$1" ]; do _s="$2$_s"; _i=$((_i + 1)); done; printf '%s' "$_s"; }
e63="$(deep 63 '(' tcp)$(deep 63 ')' '')"
e65="$(deep 65 '(' tcp)$(deep 65 ')' '')"
ours -r "$IN" - "$e63" > /dev/null 2>&1
check "63 levels of parentheses are accepted" [ $? -eq 0 ]
ours -r "$IN" - "$e65" > /dev/null 2> "$TMP/err"
_rc=$?
check "65 levels are refused with exit 2 ($(head -c 60 "$TMP/err"))" \
	[ "$_rc" -eq 2 -a -n "$(grep 'nested deeper than 64' "$TMP/err")" ]
long=$(deep 12000 'tcp or ' udp)
ours -r "$IN" - "$long" > /dev/null 2> "$TMP/err"
_rc=$?
check "an expression of 84000 characters is refused with exit 2" \
	[ "$_rc" -eq 2 -a -n "$(grep 'longer than 65536' "$TMP/err")" ]

# ---- 4. ra -t --------------------------------------------------------------------------------
# trange FILE RANGE: ours(-t RANGE) against Debian's.  For the default test
# ("intersects") Debian's ra misses records active throughout the range, so
# the expectation adds its "n" selection to its own (and "x" removes it);
# those are compared as sorted sets, the others in order.  Relative ranges
# are tried twice (the clock may pass a unit between the two programs).
trange_once() {
	KEEP_MAN=1
	sel debian "$1" -t "$2"
	sort "$TMP/sel" > "$TMP/deb.i"
	_mode=plain
	case $2 in
	[nc]* | x[nc]*) cp "$TMP/sel" "$TMP/deb" ;;
	*)
		_mode=sorted
		_base=${2#x}
		sel debian "$1" -t "n${_base#i}"
		sort "$TMP/sel" > "$TMP/deb.n"
		if [ "${2#x}" != "$2" ]; then
			comm -23 "$TMP/deb.i" "$TMP/deb.n" > "$TMP/deb"
		else
			{ cat "$TMP/deb.i"; comm -13 "$TMP/deb.i" "$TMP/deb.n"; } | sort > "$TMP/deb"
		fi
		;;
	esac
	sel ours "$1" -t "$2"
	if [ $_mode = sorted ]; then sort "$TMP/sel" > "$TMP/our"; else cp "$TMP/sel" "$TMP/our"; fi
	[ "$rc" -eq 0 ] && cmp -s "$TMP/our" "$TMP/deb"
}

trange() {
	trange_once "$1" "$2" || { [ "$1" = "$RECENT" ] && trange_once "$1" "$2"; }
	if [ "$rc" -ne 0 ]; then
		not_ok "-t $2: our ra exited $rc"
		head -n 2 "$TMP/err.ours" | diag
	elif cmp -s "$TMP/our" "$TMP/deb"; then
		_extra=$(($(wc -l < "$TMP/our") - $(wc -l < "$TMP/deb.i")))
		if [ $_mode = sorted ] && [ "$_extra" -gt 0 ]; then
			ok "-t $2 selects what Debian's ra selects ($(wc -l < "$TMP/our") records, $_extra of them active throughout the range)"
		elif [ $_mode = sorted ] && [ "$_extra" -lt 0 ]; then
			ok "-t $2 selects what Debian's ra selects ($(wc -l < "$TMP/our") records, not the ${_extra#-} active throughout the range)"
		else
			ok "-t $2 selects what Debian's ra selects ($(wc -l < "$TMP/our") records)"
		fi
	else
		not_ok "-t $2 selects what Debian's ra selects"
		diff "$TMP/deb" "$TMP/our" | head -n 6 | diag
	fi
}

# tdefect FILE RANGE ORACLE WHY: ours(-t RANGE) = Debian's -t ORACLE
tdefect() {
	KEEP_MAN=1
	sel debian "$1" -t "$3"
	cp "$TMP/sel" "$TMP/deb"
	sel debian "$1" -t "$2"
	_dn=$(wc -l < "$TMP/sel")
	sel ours "$1" -t "$2"
	compare "-t $2 selects what Debian's ra selects for -t $3" "$TMP/sel" "$TMP/deb"
	diag "  Debian's ra: $4 (-t $2: $_dn records)"
}

for r in 2019 2019/03 2019/03/21 2019/03/21.09 2019/03/21.09:30 2019/03/21.09:30:44 \
	2013/02/26.22:00:00-2013/02/26.23:00:00 2013/02/25.12:00:00-2013/02/26.13:00:00 \
	2019/03/21.09:30:44-2019/03/21.09:31:00 2019/03-2019/12 2013 2013/02 \
	1553160644+20s 1553160600-1553160700 1553160644-2019/03/21.09:30:50 \
	2019y3M21d9h 2019y3M 2019/03/21.09:30:44+1m 2019/03/21.09:30:44+1h \
	2019/03/21.09:30:44-50s 2019/03/21+1d x2019 i2019 \
	c2019/03/21.09:30-2019/03/21.09:32 n2019/03/21.09:30:50 -100y -1000d \
	2019/03/21.09:30:50-2019/03/21.09:30:51 x2019/03/21.09:30:50-2019/03/21.09:30:51 \
	2023/11/14.22:13:20.1-2023/11/14.22:13:20.2; do
	trange "$IN" "$r"
done
tdefect "$IN" 2013-2015 2013/01/01-2015/01/01 "yyyy-yyyy selects nothing"
tdefect "$IN" 1553160644 1553160644+1s "a lone Unix time covers a year"
if [ -n "$RECENT" ]; then
	for r in -1h -30m -10m -90m+30m -1h+10m x-1h c-1h; do
		trange "$RECENT" "$r"
	done
	tdefect "$RECENT" -2h5m+5m -125m+5m "-2h5m sets the minutes to 5 instead of going back 5"
else
	for r in -1h -30m -10m -90m+30m -1h+10m x-1h c-1h -2h5m+5m; do
		skip "-t $r: no recent capture (needs ../shared and Debian's argus)"
	done
fi

# malformed ranges: exit 2 with a message
tbad() {
	ours -r "$IN" -t "$1" > /dev/null 2> "$TMP/err"
	_rc=$?
	check "-t '$1' refused with exit 2: $(head -n 1 "$TMP/err")" \
		[ "$_rc" -eq 2 -a -n "$(grep -e "-t '$1'" "$TMP/err")" ]
}
tbad bogus
tbad 2019/13
tbad 2019/03/22-2019/03/21
plan $_n
finish
