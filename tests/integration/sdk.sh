#!/bin/sh
# Issue 9: the plugin SDK as a third party uses it.  Install the build into
# a staging root (make install DESTDIR=), build the examples under
# examples/plugins out of tree (copies in $TMP) with only pkg-config and the
# installed headers, install them into the staged plugin root with their
# own Makefiles, and check that argus and ra (the build tree's, pointed at
# the staged root with --plugin-dir) load and use them: the kv output, and
# the dns application decoder when its example exists.
. "$(dirname "$0")/lib.sh"

command -v pkg-config > /dev/null 2>&1 || skip_all "pkg-config not found"
command -v cc > /dev/null 2>&1 || skip_all "cc not found"
: "${MAKE:=make}"
command -v "$MAKE" > /dev/null 2>&1 || skip_all "$MAKE not found"
[ -f "$top_srcdir/examples/plugins/kv/kv.c" ] || skip_all "examples/plugins/kv is missing"
plan 21

ROOT="$TMP/root"
EXAMPLES="$top_srcdir/examples/plugins"
# the warnings the project builds with; the examples must be clean too
EX_CFLAGS="-O2 -g -std=c11 -Wall -Wextra -Wshadow -Wconversion -Werror"

# The nested make must not inherit the running make's jobserver or its
# command-line variables (TESTS=...).
(
	unset MAKEFLAGS MFLAGS MAKELEVEL
	"$MAKE" -C "$top_builddir" install DESTDIR="$ROOT"
) > "$TMP/install.log" 2>&1
if [ $? -ne 0 ]; then
	not_ok "make install DESTDIR=... of the build tree"
	tail -30 "$TMP/install.log" | diag
	echo "Bail out! cannot stage an installation"
	exit 1
fi
ok "make install DESTDIR=... of the build tree"

# The installed argus-ng.pc has the configured paths (no DESTDIR in them).
# Building: PKG_CONFIG_SYSROOT_DIR puts the staging root before -I (both
# pkg-config and pkgconf).  Installing: the plain pluginrootdir under
# DESTDIR (pkgconf would also prefix --variable with the sysroot, the
# freedesktop pkg-config would not, so the sysroot is left out there).
pc=$(find "$ROOT" -name argus-ng.pc -path '*/pkgconfig/*' | head -n 1)
if [ -n "$pc" ]; then
	PKG_CONFIG_PATH=$(dirname "$pc")
	export PKG_CONFIG_PATH
	prd=$(pkg-config --variable=pluginrootdir argus-ng)
	cflags=$(PKG_CONFIG_SYSROOT_DIR="$ROOT" pkg-config --cflags argus-ng)
fi
PR="$ROOT${prd:-/nonexistent}"
case "${pc:-}:${cflags:-}" in
*"-I$ROOT/"*)
	if [ -f "$ROOT$(pkg-config --variable=includedir argus-ng)/argus/plugin.h" ] && [ -d "$PR/outputs" ]; then
		ok "the staged argus-ng.pc gives the SDK headers and the plugin root"
	else
		not_ok "the staged argus-ng.pc gives the SDK headers and the plugin root"
		diag "pc: $pc" "cflags: $cflags" "pluginrootdir: $prd"
	fi ;;
*)
	not_ok "the staged argus-ng.pc gives the SDK headers and the plugin root"
	diag "pc: ${pc:-none}" "cflags: ${cflags:-none}" ;;
esac

# build_example NAME: copy examples/plugins/NAME to $TMP, make, make install
build_example() {
	cp -R "$EXAMPLES/$1" "$TMP/$1" && chmod -R u+w "$TMP/$1" &&
		(
			unset MAKEFLAGS MFLAGS MAKELEVEL
			cd "$TMP/$1" && "$MAKE" clean > /dev/null &&
				PKG_CONFIG_SYSROOT_DIR="$ROOT" "$MAKE" CFLAGS="$EX_CFLAGS" &&
				"$MAKE" install DESTDIR="$ROOT"
		) > "$TMP/$1.log" 2>&1
}

if build_example kv; then
	ok "kv builds out of tree, warning-free, and installs with its Makefile"
else
	not_ok "kv builds out of tree, warning-free, and installs with its Makefile"
	diag < "$TMP/kv.log"
fi
mode=$(ls -l "$PR/outputs/kv.so" 2> /dev/null | cut -c1-10)
same "$mode" "-rw-r--r--" "kv.so is in DESTDIR + pluginrootdir/outputs, mode 644"

"$ARGUS" --plugin-dir "$PR" --list-plugins > "$TMP/alist" 2> "$TMP/aerr"
check "argus --list-plugins shows the plain kv.so (no libtool archive)" \
	grep -q "^output *kv *0\.1\.0 *1\.[0-9]* *$PR/outputs/kv\.so\$" "$TMP/alist"
"$RA" --plugin-dir "$PR" --list-plugins > "$TMP/rlist" 2> "$TMP/rerr"
check "ra --list-plugins shows kind, name, version, ABI and path of kv" \
	grep -q "^output *kv *0\.1\.0 *1\.[0-9]* *$PR/outputs/kv\.so\$" "$TMP/rlist"
check "the staged modules are loaded from the staged root" \
	grep -q "^decoder *tcp .* $PR/decoders/tcp\.\(la\|so\)\$" "$TMP/rlist"

"$ARGUS" -X -r "$DATA/sample.pcap" -w "$TMP/s.argus" 2> "$TMP/err"
"$RA" --plugin-dir "$PR" -r "$TMP/s.argus" -F kv > "$TMP/kv.out" 2> "$TMP/err"
status=$?
"$RA" --plugin-dir "$PR" -r "$TMP/s.argus" -F json > "$TMP/json.out" 2> /dev/null
nkv=$(wc -l < "$TMP/kv.out" | tr -d ' ')
njson=$(wc -l < "$TMP/json.out" | tr -d ' ')
if [ "$status" -eq 0 ] && [ "$nkv" -gt 0 ] && [ "$nkv" = "$njson" ]; then
	ok "ra -F kv writes one line per flow record ($nkv)"
else
	not_ok "ra -F kv writes one line per flow record"
	diag "exit $status, $nkv lines, json $njson lines"
	diag < "$TMP/err"
fi
check "ra -F kv without -s gives the default fields (stime, saddr, proto=tcp...)" \
	sh -c 'grep -q " proto=tcp " "$0" && grep -q "stime=20[^ ]* .*saddr=" "$0"' "$TMP/kv.out"

# the same values as csv: saddr, proto, dport (absent ones left out)
"$RA" --plugin-dir "$PR" -r "$TMP/s.argus" -F kv -s seq saddr proto dport > "$TMP/kv3" 2> /dev/null
"$RA" --plugin-dir "$PR" -r "$TMP/s.argus" -F csv -s seq saddr proto dport 2> /dev/null |
	tr -d '\r' | sed 1d |
	awk -F, '{ s = "seq=" $1 " saddr=" $2 " proto=" $3; if ($4 != "") s = s " dport=" $4; print s }' \
		> "$TMP/csv3"
if cmp -s "$TMP/kv3" "$TMP/csv3" && [ -s "$TMP/kv3" ]; then
	ok "ra -F kv -s seq saddr proto dport has the csv output's values"
else
	not_ok "ra -F kv -s seq saddr proto dport has the csv output's values"
	diff "$TMP/csv3" "$TMP/kv3" | head -10 | diag
fi

n_man=$("$RA" --plugin-dir "$PR" -r "$TMP/s.argus" -F kv --mar 2> /dev/null | grep -c '^type=man ')
n_man0=$(grep -c '^type=man' "$TMP/kv.out")
if [ "$n_man" -gt 0 ] && [ "$n_man0" -eq 0 ]; then
	ok "management records only with --mar, as type=man lines"
else
	not_ok "management records only with --mar, as type=man lines"
	diag "with --mar: $n_man, without: $n_man0"
fi

if [ -w /dev/full ]; then
	"$RA" --plugin-dir "$PR" -r "$TMP/s.argus" -F kv > /dev/full 2> "$TMP/err"
	status=$?
	if [ "$status" -eq 1 ] && [ "$(grep -c 'write failed: No space left on device' "$TMP/err")" -eq 1 ]; then
		ok "a write error is reported once, exit 1"
	else
		not_ok "a write error is reported once, exit 1"
		diag "exit $status"
		diag < "$TMP/err"
	fi
else
	skip "no /dev/full"
fi

# a file size limit stops the write part way (EFBIG): the file keeps whole lines
sh -c 'trap "" XFSZ; ulimit -f 8 || exit 99; exec "$@"' sh \
	"$RA" --plugin-dir "$PR" -r "$TMP/s.argus" -F kv > "$TMP/lim.kv" 2> "$TMP/err"
status=$?
if [ "$status" -eq 99 ]; then
	skip "a file size limit leaves whole lines (ulimit -f not allowed)"
elif [ "$status" -eq 1 ] && [ -s "$TMP/lim.kv" ] && [ "$(tail -c 1 "$TMP/lim.kv" | od -An -c | tr -d ' ')" = '\n' ] &&
	grep -q 'File too large' "$TMP/err"; then
	ok "a file size limit leaves whole lines, exit 1 ($(wc -l < "$TMP/lim.kv" | tr -d ' ') lines)"
else
	not_ok "a file size limit leaves whole lines, exit 1"
	diag "exit $status, $(wc -c < "$TMP/lim.kv") bytes"
	diag < "$TMP/err"
fi

"$ARGUS" --plugin-dir "$PR" -P help > "$TMP/phelp" 2> "$TMP/err"
status=$?
if [ "$status" -eq 0 ] && grep -q "^tcp *0\.1\.0 *TCP" "$TMP/phelp" && ! grep -q "^kv " "$TMP/phelp"; then
	ok "argus -P help lists the decoders (name, version, summary), not the outputs"
else
	not_ok "argus -P help lists the decoders (name, version, summary), not the outputs"
	diag "exit $status"
	diag < "$TMP/phelp"
fi

# ---- the dns application decoder (ABI 1.3) ----
GOLDEN_DNS="$DATA/golden/dns_udp.pcap"
if [ ! -f "$EXAMPLES/dns/Makefile" ]; then
	for t in "dns builds and installs" "argus -P help lists dns" \
		"argus --list-plugins lists dns" "argus writes dns_udp.pcap with dns" \
		"ra -F json shows dns_qname" "ra - 'dns_qtype eq 1' selects records" \
		"a dns_qtype no record has selects none"; do
		skip "$t (no examples/plugins/dns)"
	done
	finish
fi

if build_example dns && [ -f "$PR/decoders/dns.so" ]; then
	ok "dns builds out of tree, warning-free, and installs into pluginrootdir/decoders"
else
	not_ok "dns builds out of tree, warning-free, and installs into pluginrootdir/decoders"
	diag < "$TMP/dns.log"
fi
"$ARGUS" --plugin-dir "$PR" -P help > "$TMP/phelp" 2> "$TMP/err"
check "argus -P help lists dns" grep -q "^dns " "$TMP/phelp"
"$ARGUS" --plugin-dir "$PR" --list-plugins > "$TMP/alist" 2> "$TMP/aerr"
if grep -q "^decoder *dns .* $PR/decoders/dns\.so\$" "$TMP/alist"; then
	ok "argus --list-plugins lists dns"
else
	not_ok "argus --list-plugins lists dns"
	diag < "$TMP/alist"
	diag < "$TMP/aerr"
fi

if [ ! -f "$GOLDEN_DNS" ]; then
	for t in "argus writes dns_udp.pcap with dns" "ra -F json shows dns_qname" \
		"ra - 'dns_qtype eq 1' selects records" "a dns_qtype no record has selects none"; do
		skip "$t (no $GOLDEN_DNS)"
	done
	finish
fi
"$ARGUS" --plugin-dir "$PR" -X -r "$GOLDEN_DNS" -w "$TMP/dns.argus" 2> "$TMP/err"
status=$?
if [ "$status" -eq 0 ] && [ -s "$TMP/dns.argus" ]; then
	ok "argus with the dns decoder writes dns_udp.pcap's flows"
else
	not_ok "argus with the dns decoder writes dns_udp.pcap's flows"
	diag "exit $status"
	diag < "$TMP/err"
fi
"$RA" --plugin-dir "$PR" -r "$TMP/dns.argus" -F json > "$TMP/dns.json" 2> "$TMP/err"
n_q=$(grep -c '"dns_qname":' "$TMP/dns.json")
n_53=$(grep -c '"dport":53[,}]' "$TMP/dns.json")
if [ "$n_q" -gt 0 ] && [ "$n_q" -le "$n_53" ]; then
	ok "ra -F json shows dns_qname for DNS flows ($n_q of $n_53 to port 53)"
else
	not_ok "ra -F json shows dns_qname for DNS flows"
	diag "dns_qname in $n_q records, port 53 in $n_53"
	head -5 "$TMP/dns.json" | diag
	diag < "$TMP/err"
fi
"$RA" --plugin-dir "$PR" -r "$TMP/dns.argus" -F kv -s dns_qtype - 'dns_qtype eq 1' \
	> "$TMP/sel" 2> "$TMP/err"
status=$?
n_sel=$(wc -l < "$TMP/sel" | tr -d ' ')
n_bad=$(grep -vc '^dns_qtype=1$' "$TMP/sel")
if [ "$status" -eq 0 ] && [ "$n_sel" -gt 0 ] && [ "$n_bad" -eq 0 ]; then
	ok "ra - 'dns_qtype eq 1' selects the A queries ($n_sel records)"
else
	not_ok "ra - 'dns_qtype eq 1' selects the A queries"
	diag "exit $status, $n_sel records, $n_bad not dns_qtype=1"
	diag < "$TMP/err"
fi
"$RA" --plugin-dir "$PR" -r "$TMP/dns.argus" -F kv - 'dns_qtype eq 65535' > "$TMP/sel" 2> "$TMP/err"
status=$?
if [ "$status" -eq 0 ] && [ ! -s "$TMP/sel" ]; then
	ok "a dns_qtype no record has selects none"
else
	not_ok "a dns_qtype no record has selects none"
	diag "exit $status"
	diag < "$TMP/err"
fi
finish
