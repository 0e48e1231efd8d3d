#!/bin/sh
# Live capture as a sensor needs it (issue 6), in two network namespaces
# this test creates and removes (ngA, ngB joined by veth pairs): the first
# interface that is up when none is named, several -i in one process with
# a source id tag per interface, -i any, an interface that vanishes and
# comes back, status MARs with the kernel's counts and the flow-cap
# evictions, ARGUS_PCAP_IMMEDIATE and ARGUS_PCAP_BUF_SIZE, -b on a live
# interface.  Needs root, `ip netns` and bash (for /dev/udp); skipped
# otherwise.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || skip_all "needs root (network namespaces and capture)"
command -v ip > /dev/null || skip_all "ip (iproute2) is not installed"
command -v bash > /dev/null || skip_all "bash is needed to send test traffic"
NA="ngca$$" NB="ngcb$$"
ip netns add "$NA" 2> "$TMP/probe.err" || skip_all "ip netns is not usable here: $(head -1 "$TMP/probe.err")"
trap 'ip netns del "$NA" 2> /dev/null; ip netns del "$NB" 2> /dev/null; rm -rf "$TMP"' EXIT
ip netns add "$NB"
ip -n "$NA" link set lo up

# link N: a veth pair vNa (in A, 10.250.N.1) <-> vNb (in B, 10.250.N.2)
link() {
	ip link add "v$1a" netns "$NA" type veth peer name "v$1b" netns "$NB" &&
		ip -n "$NA" addr add "10.250.$1.1/24" dev "v$1a" &&
		ip -n "$NB" addr add "10.250.$1.2/24" dev "v$1b" &&
		ip -n "$NA" link set "v$1a" up && ip -n "$NB" link set "v$1b" up
}
# send N LINK: N UDP datagrams from A to B's port 9999 over link LINK, each
# from a new socket (a new source port: a new flow)
send() {
	ip netns exec "$NA" bash -c 'for i in $(seq "$1"); do echo argus-ng > "/dev/udp/10.250.$2.2/9999"; done' \
		sh "$1" "$2" 2> /dev/null
}
# bound PID: argus has a packet socket bound (/proc/net/packet, read in A)
bound() {
	for fd in /proc/"$1"/fd/*; do
		l=$(readlink "$fd" 2> /dev/null) || continue
		case $l in socket:*)
			i=${l#socket:\[}
			i=${i%\]}
			ip netns exec "$NA" awk -v i="$i" '$9 == i { f = 1 } END { exit !f }' /proc/net/packet && return 0 ;;
		esac
	done
	return 1
}
# start NAME ARGS...: argus in A, capturing UDP, once it is bound
start() {
	_name=$1
	shift
	ip netns exec "$NA" "$ARGUS" -X -q "$@" -w "$TMP/$_name.argus" - udp 2> "$TMP/$_name.err" &
	pid=$!
	_i=0
	while ! bound "$pid" && kill -0 "$pid" 2> /dev/null && [ $_i -lt 100 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	sleep 0.3
}
# stop: SIGINT, wait, exit status in $rc
stop() {
	sleep 0.3
	kill -INT "$pid"
	wait "$pid"
	rc=$?
}
# pkts FILE NET: packets of the UDP flows to 10.250.NET.2 in FILE
pkts() {
	"$RA" -r "$1" -F csv -s proto daddr pkts | tr -d '\r' |
		awk -F, -v d="10.250.$2.2" '$1 == "udp" && $2 == d { n += $3 } END { print n + 0 }'
}
# srcids FILE NET: the source ids of the records of link NET
srcids() {
	"$RA" -r "$1" -n -F csv -s srcid proto daddr | tr -d '\r' |
		awk -F, -v d="10.250.$2.2" '$2 == "udp" && $3 == d { print $1 }' | sort -u | tr '\n' ' '
}
mar() { # FILE CAUSE KEY: KEY of the last MAR with CAUSE
	"$RA" -r "$1" --mar -F json - man | sed -n "s/.*\"cause\":\"$2\".*\"$3\":\([0-9]*\).*/\1/p" | tail -1
}

link 0 || skip_all "cannot create veth pairs here"
plan 20

# Nothing named: the first interface that is up (here the only one, v0a).
start default
send 3 0
stop
same "$rc" 0 "with no -i, argus captures and ends on SIGINT with exit 0"
same "$(pkts "$TMP/default.argus" 0)" 3 "with no -i, the first interface up (v0a) is captured: 3 datagrams"
check "nothing is reported on stderr" test ! -s "$TMP/default.err"
diag < "$TMP/default.err"

# -b on a live interface: the BPF program for its link type
ip netns exec "$NA" "$ARGUS" -X -b -i v0a - udp > "$TMP/bpf.txt" 2> "$TMP/bpf.err"
check "-b prints the compiled capture filter of a live interface and exits 0" \
	grep -q '^(000) ldh *\[12\]' "$TMP/bpf.txt"

# Two interfaces in one process: v0a untagged (the -e id), v1a tagged "l1".
link 1
start two -e 7 -M 1 -i v0a -i 'v1a/"l1"'
send 5 0
send 3 1
sleep 0.5
ip -n "$NA" link del v1a
_i=0
while ! grep -q 'v1a:.*trying to reopen' "$TMP/two.err" && [ $_i -lt 50 ]; do sleep 0.1; _i=$((_i + 1)); done
check "a vanished interface is reported" grep -q 'v1a: .*capture stopped, trying to reopen v1a every 5 s' "$TMP/two.err"
check "argus keeps running when one of its interfaces vanishes" kill -0 "$pid"
send 2 0
link 1
_i=0
while ! grep -q 'v1a: capture reopened' "$TMP/two.err" && [ $_i -lt 100 ]; do sleep 0.1; _i=$((_i + 1)); done
check "the interface is captured again once it is back" grep -q 'v1a: capture reopened' "$TMP/two.err"
send 4 1
stop
diag < "$TMP/two.err"
same "$rc" 0 "SIGINT ends the two-interface argus with exit 0"
same "$(pkts "$TMP/two.argus" 0)" 7 "v0a: all 7 datagrams counted, also while v1a was gone"
same "$(pkts "$TMP/two.argus" 1)" 7 "v1a: the 3 datagrams before it vanished and the 4 after it came back"
same "$(srcids "$TMP/two.argus" 0)" "7 " "records of the untagged interface carry the -e source id"
same "$(srcids "$TMP/two.argus" 1)" "l1 " "records of v1a carry its tag l1"
received=$(mar "$TMP/two.argus" Stop pkts_rcvd)
check "the closing MAR counts what the kernel delivered on both interfaces (${received:-?} >= 14)" \
	[ "${received:-0}" -ge 14 ]
nstatus=$("$RA" -r "$TMP/two.argus" --mar -F json - man | grep -c '"cause":"Status"')
check "status MARs every second with -M 1 ($nstatus)" [ "$nstatus" -ge 3 ]

# -i any: both links through libpcap's any device, in immediate mode with a
# 1 MiB kernel buffer
printf 'ARGUS_PCAP_IMMEDIATE=yes\nARGUS_PCAP_BUF_SIZE=1M\n' > "$TMP/any.conf"
start any -F "$TMP/any.conf" -i any
send 2 0
send 3 1
stop
same "$rc" 0 "-i any (immediate mode, 1M buffer) ends with exit 0"
same "$(pkts "$TMP/any.argus" 0)/$(pkts "$TMP/any.argus" 1)" 2/3 "-i any captures both links"
check "nothing is reported on stderr" test ! -s "$TMP/any.err"
diag < "$TMP/any.err"

# ARGUS_INTERFACE with Argus's ind: syntax
printf 'ARGUS_INTERFACE=ind:v0a/"l0",v1a/"l1"\n' > "$TMP/ind.conf"
start ind -F "$TMP/ind.conf"
send 1 0
send 1 1
stop
same "$(srcids "$TMP/ind.argus" 0)$(srcids "$TMP/ind.argus" 1)" "l0 l1 " \
	"ARGUS_INTERFACE=ind:v0a/\"l0\",v1a/\"l1\" tags each interface's records"

# The flow cap: 6 flows with ARGUS_MAX_FLOWS=2 are emitted early, counted
# in the MARs, and no packet is lost.
printf 'ARGUS_MAX_FLOWS=2\n' > "$TMP/cap.conf"
start cap -F "$TMP/cap.conf" -i v0a
send 6 0
stop
same "$(pkts "$TMP/cap.argus" 0)" 6 "with ARGUS_MAX_FLOWS=2 every one of 6 datagrams is still counted"
dropped=$(mar "$TMP/cap.argus" Stop dropped)
check "the closing MAR reports the flows emitted early by the cap (${dropped:-?} >= 4)" [ "${dropped:-0}" -ge 4 ]
finish
