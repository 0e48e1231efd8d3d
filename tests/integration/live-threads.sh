#!/bin/sh
# argus --threads 3 -i lo: the workers' sockets share the interface through
# the kernel's fanout, and the records equal those of one thread capturing
# the same traffic at the same time.  The traffic has what the fanout
# program cannot place and a worker must pass to another: ARP frames (not
# IP), IP-in-IP packets (keyed by the inner addresses) and ICMP errors from
# a third address quoting UDP flows (the mapping crosses shares); and 400
# UDP flows spread over the shares, whose port-unreachable errors come back.
# Needs root (packet and raw sockets on lo); skipped otherwise.
. "$(dirname "$0")/lib.sh"
command -v python3 > /dev/null || skip_all "python3 is needed to send test traffic"
[ -e /sys/class/net/lo ] || skip_all "no loopback interface"

# only this test's traffic: other tests send on lo at the same time
FILTER='(udp and dst net 127.1.0.0/16) or (icmp and (src net 127.1.0.0/16 or src net 127.2.0.0/16 or src net 127.3.0.0/16)) or arp or ip proto 4'
"$ARGUS" -X -i lo -w "$TMP/one.argus" - "$FILTER" 2> "$TMP/one.err" &
one=$!
"$ARGUS" -X -i lo --threads 3 -w "$TMP/three.argus" - "$FILTER" 2> "$TMP/three.err" &
three=$!
sleep 2 # time to open the captures, also under the sanitizers
if ! kill -0 "$one" 2> /dev/null || ! kill -0 "$three" 2> /dev/null; then
	kill -INT "$one" "$three" 2> /dev/null
	wait
	skip_all "cannot capture on lo here: $(cat "$TMP/one.err" "$TMP/three.err" | head -1)"
fi
python3 - > "$TMP/send.out" 2>&1 << 'EOF'
import socket, struct, time

def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    s += s >> 16
    return ~s & 0xffff

def ipv4(src, dst, proto, payload, ident=1):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, 0, 64, proto, 0,
                    socket.inet_aton(src), socket.inet_aton(dst))
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + payload

def udp(sport, dport, data):
    return struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data

# 400 UDP flows, three datagrams each; nobody listens, so each brings an
# ICMP port unreachable back
flows = []
for i in range(400):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    src = "127.0.%d.%d" % (i // 250, 1 + i % 250)
    s.bind((src, 0))
    flows.append((s, src, s.getsockname()[1], "127.1.%d.%d" % (i % 7, 1 + i // 7), 40000 + i))
for rep in range(3):
    for s, src, sport, dst, dport in flows:
        s.sendto(b"x" * (8 + rep + (dport % 50)), (dst, dport))
    time.sleep(0.05)

raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
# time exceeded from a router, 127.2.0.1, quoting the first 40 UDP flows
for s, src, sport, dst, dport in flows[:40]:
    quoted = ipv4(src, dst, 17, udp(sport, dport, b"x" * 8))[:28]
    icmp = struct.pack("!BBHI", 11, 0, 0, 0) + quoted
    icmp = icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
    raw.sendto(ipv4("127.2.0.1", src, 1, icmp), (src, 0))
# IP in IP between two tunnel ends, carrying 20 inner UDP flows
for i in range(20):
    inner = ipv4("10.9.%d.1" % i, "10.8.%d.2" % i, 17, udp(5000 + i, 40500 + i, b"tunnel"))
    for rep in range(2):
        raw.sendto(ipv4("127.3.0.1", "127.3.0.2", 4, inner, ident=i), ("127.3.0.2", 0))
# ARP requests from 30 hosts
pkt = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
pkt.bind(("lo", 0))
for i in range(30):
    mac = bytes([2, 0, 0, 0, 1, i])
    arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, mac,
                      socket.inet_aton("192.0.2.%d" % (i + 1)), b"\0" * 6,
                      socket.inet_aton("192.0.2.200"))
    pkt.send(b"\xff" * 6 + mac + b"\x08\x06" + arp)
print("sent")
EOF
sent=$?
sleep 1
kill -INT "$one" "$three"
wait "$one"
rc_one=$?
wait "$three"
rc_three=$?
[ "$sent" = 0 ] || { diag < "$TMP/send.out"; skip_all "could not send the test traffic"; }
plan 8
same "$rc_three" 0 "SIGINT ends argus --threads 3 -i lo with exit 0"
same "$rc_one" 0 "... and the one-thread argus beside it"
diag < "$TMP/three.err"

flows() { # the flow records of $1, sorted, without times or sequence numbers
	"$RA" -r "$1" -n -s proto saddr sport daddr dport spkts dpkts sbytes dbytes state flgs \
		- not man | sort
}
flows "$TMP/one.argus" > "$TMP/one.txt"
flows "$TMP/three.argus" > "$TMP/three.txt"
if cmp -s "$TMP/one.txt" "$TMP/three.txt"; then
	ok "--threads 3: the records of one thread ($(wc -l < "$TMP/one.txt") flows)"
else
	not_ok "--threads 3: the records of one thread"
	diff "$TMP/one.txt" "$TMP/three.txt" | head -20 | diag
fi
# ra prints address.port: $2 source, $3 destination, $4 source packets,
# $NF the flags (the ICMP mapping's kind: U unreachable, T time exceeded)
counted() { awk "$1" "$TMP/three.txt" | wc -l; }
same "$(counted '$1 == "udp" && $2 ~ /^127\.0\./ && $4 == 3 && $NF ~ /U/'):$(counted \
	'$1 == "udp" && $2 ~ /^127\.0\./ && $4 == 3 && $NF ~ /T/')" 360:40 \
	"400 UDP flows of 3 datagrams, marked by the latest ICMP error: 40 the router's"
same "$(counted '$1 == "icmp" && $2 ~ /^127\.1\./ && $4 == 3')" 400 "400 flows of 3 port unreachables"
same "$(counted '$1 == "icmp" && $2 ~ /^127\.2\.0\.1\./ && $4 == 1')" 40 \
	"40 time-exceeded errors from the router"
same "$(counted '$1 == "udp" && $2 ~ /^10\.9\./ && $4 == 2')" 20 \
	"20 tunnelled flows, keyed by their inner addresses, of 2 packets each"
same "$(counted '$1 == "arp" && $4 == 1')" 30 "30 ARP flows of one request each"
finish
