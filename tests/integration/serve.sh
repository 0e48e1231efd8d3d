#!/bin/sh
# argus -P (issue 10): our argus serves its live records over the Argus 3
# remote protocol on loopback.  Debian's ra -S and radium read it; our ra -S
# with a filter compiled on the server; a client that stops reading loses
# records (counted in its MARs) while capture counts every packet; the
# access list refuses others; garbage and silent clients are dropped.
# Needs root (argus captures on lo) and python3 (the test clients).
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || skip_all "needs root (argus captures on lo)"
command -v python3 > /dev/null || skip_all "python3 is needed for the test clients"
plan 34

port=$((57000 + $$ % 400))
port_radium=$((port + 500))
port_acl=$((port + 1000))
port_udp=$((port - 20000)) # outside the 40000-59999 of the flood below
port_udp2=$((port - 19000))
flood_src=$((port - 18000)) # the flood's source port: other tests on lo do not count
pids=
trap 'kill $pids 2> /dev/null; rm -rf "$TMP"' EXIT

cat > "$TMP/client.py" << 'EOF'
# Test clients of the Argus 3 remote protocol.
import os, random, socket, sys, time

def connect(port, rcvbuf=None):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.connect(("127.0.0.1", port))
    return s

def read_for(s, seconds, quiet=None):
    """What the server sends for SECONDS (or until it closes; QUIET: until
    nothing came for that long)."""
    data, end, last = b"", time.time() + seconds, time.time()
    while time.time() < end:
        s.settimeout(0.2)
        try:
            b = s.recv(65536)
        except socket.timeout:
            if quiet and time.time() - last > quiet:
                break
            continue
        except ConnectionResetError:
            break
        if not b:
            break
        data += b
        last = time.time()
    return data

def closed_within(s, seconds):
    """Seconds until the server closes the connection, or -1."""
    start = time.time()
    s.settimeout(seconds)
    try:
        while True:
            b = s.recv(4096)
            if not b:
                return time.time() - start
    except (socket.timeout, ConnectionResetError):
        return time.time() - start if sys.exc_info()[0] is ConnectionResetError else -1

cmd, port = sys.argv[1], int(sys.argv[2])
if cmd == "wait":          # until the port accepts connections
    for _ in range(100):
        try:
            connect(port).close()
            sys.exit(0)
        except OSError:
            time.sleep(0.1)
    sys.exit(1)
elif cmd == "udp":         # N datagrams to PORT, or to N ports from PORT on [from SRCPORT]
    n, spread = int(sys.argv[3]), sys.argv[4] == "spread"
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    if len(sys.argv) > 5:
        u.bind(("127.0.0.1", int(sys.argv[5])))
    for i in range(n):
        u.sendto(b"argus-ng serve test", ("127.0.0.1", port + i if spread else port))
        if spread and i % 500 == 499:
            time.sleep(0.005)
elif cmd == "filter":      # FILTER: EXPR, print the answer; then START, save what comes
    s = connect(port)
    mar = s.recv(128, socket.MSG_WAITALL)
    s.sendall(("FILTER: " + sys.argv[3]).encode())
    answer = s.recv(2, socket.MSG_WAITALL)
    print(answer.decode(errors="replace"))
    if answer == b"OK":
        s.sendall(b"START: ")
        data = read_for(s, float(sys.argv[5]))
        open(sys.argv[4], "wb").write(mar + data)
elif cmd == "slow":        # START, then read nothing for SECS, then everything
    s = connect(port, rcvbuf=4096)
    mar = s.recv(128, socket.MSG_WAITALL)
    s.sendall(b"START: ")
    open(sys.argv[4], "w").close()
    time.sleep(float(sys.argv[3]))
    data = read_for(s, float(sys.argv[5]))
    s.sendall(b"DONE: ")
    open(sys.argv[4], "wb").write(mar + data)
elif cmd == "v6":          # over ::1: the opening MAR with the Argus 3 cookie
    s = socket.create_connection(("::1", port))
    mar = s.recv(128, socket.MSG_WAITALL)
    print(mar[8:12].hex())
elif cmd == "refused":     # the server closes without a word
    s = connect(port)
    print(len(read_for(s, 3)))
elif cmd == "idle":        # never START: seconds until the server hangs up
    s = connect(port)
    print("%.1f" % closed_within(s, 12))
elif cmd == "garbage":     # each line: how the server treated one bad client
    cases = [b"GET / HTTP/1.0\r\n\r\n", b"\x00\xff\xfe\x01" * 64, b"A" * 9000,
             b"START: \x17\x03\x03garbage", b"FILTER:", b"STARTx", b"FILTER: " + b"(" * 9000,
             b"FILTER: udp\n" * 9]
    rnd = random.Random(10)
    cases += [bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 3000))) for _ in range(40)]
    for c in cases:
        s = connect(port)
        s.recv(128, socket.MSG_WAITALL)
        try:
            s.sendall(c)
            s.shutdown(socket.SHUT_WR) if c == b"FILTER:" else None
        except OSError:
            pass
        t = closed_within(s, 8)
        print("closed" if t >= 0 else "open", repr(c[:12]))
        s.close()
EOF
client() { python3 "$TMP/client.py" "$@"; }

# ::1 too, where loopback has IPv6
v6=
python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2> /dev/null && v6=",::1"
cat > "$TMP/serve.conf" << EOF
ARGUS_FLOW_STATUS_INTERVAL=1
ARGUS_MAR_STATUS_INTERVAL=2
ARGUS_ACCESS_PORT=$port
ARGUS_BIND_IP="127.0.0.1$v6"
ARGUS_ACCESS_LIST="127.0.0.0/8, ::1"
ARGUS_CLIENT_QUEUE_SIZE=64K
EOF
"$ARGUS" -X -F "$TMP/serve.conf" -i lo -w "$TMP/all.argus" 2> "$TMP/argus.err" &
argus_pid=$!
pids="$pids $argus_pid"
if ! client wait "$port"; then
	diag < "$TMP/argus.err"
	skip_all "our argus did not start serving on 127.0.0.1:$port"
fi
sleep 1

# csv_pkts FILE PORT: packets of the UDP records to PORT in ra csv output
csv_pkts() { tr -d '\r' < "$1" | awk -F, -v p="$2" '$1 == "udp" && $3 == p { n += $4 } END { print n + 0 }'; }

# ---- the port: one argus at a time, IPv6 beside IPv4 ----
timeout 10 "$ARGUS" -X -i lo -P "$port" -B 127.0.0.1 -w /dev/null 2> "$TMP/twice.err"
same "$?:$(cat "$TMP/twice.err")" "1:argus: -P $port: cannot listen on 127.0.0.1 port $port: Address already in use" \
	"a port already taken: exit 1 and a message"
if [ -n "$v6" ]; then
	same "$(client v6 "$port")" e5712dcb "a client over ::1 gets the opening MAR (ARGUS_BIND_IP=\"127.0.0.1,::1\")"
else
	skip "loopback has no IPv6 here"
fi

# ---- Debian's ra and ours at once, and radium, read our argus ----
dra=
if [ -x "$DEBIAN_RA" ]; then
	"$DEBIAN_RA" -S "127.0.0.1:$port" -n -c , -s proto daddr dport pkts - udp and port 39601 \
		> "$TMP/dra.csv" 2> "$TMP/dra.err" &
	dra=$!
fi
"$RA" -S "127.0.0.1:$port" -n -F csv -s proto daddr dport pkts - udp and port 39601 \
	> "$TMP/ra.csv" 2> "$TMP/ra.err" &
ra=$!
sleep 1.5
client udp 39601 5 same
sleep 4
kill -INT $ra $dra 2> /dev/null
wait $ra $dra
if [ -n "$dra" ]; then
	same "$(csv_pkts "$TMP/dra.csv" 39601)" 5 "Debian's ra -S receives our argus's live records (5 datagrams, filter on the server)"
	diag < "$TMP/dra.err"
else
	skip "Debian's ra is not installed"
fi
same "$(csv_pkts "$TMP/ra.csv" 39601)" 5 "our ra -S, a client at the same time, receives them too"
diag < "$TMP/ra.err"
if [ -x /usr/sbin/radium ] && [ -x "$DEBIAN_RA" ]; then
	: > "$TMP/radium.conf"
	/usr/sbin/radium -f "$TMP/radium.conf" -S "127.0.0.1:$port" -P "$port_radium" \
		> "$TMP/radium.out" 2>&1 &
	radium=$!
	pids="$pids $radium"
	client wait "$port_radium"
	sleep 1
	"$DEBIAN_RA" -S "127.0.0.1:$port_radium" -n -c , -s proto daddr dport pkts - udp and port 39602 \
		> "$TMP/radium.csv" 2> "$TMP/radium-ra.err" &
	dra=$!
	sleep 1.5
	client udp 39602 5 same
	sleep 4
	kill -INT $dra 2> /dev/null
	wait $dra
	kill $radium 2> /dev/null
	same "$(csv_pkts "$TMP/radium.csv" 39602)" 5 "Debian's radium attached to our argus re-serves its records to Debian's ra"
	diag < "$TMP/radium.out"
else
	skip "Debian's radium and ra are not installed"
fi

# ---- a filter compiled on the server ----
client filter "$port" "man or (udp and port 39604)" "$TMP/filtered.argus" 6 > "$TMP/filter.answer" &
fc=$!
sleep 1.5
client udp 39604 4 same
client udp 39605 3 same
wait $fc
same "$(cat "$TMP/filter.answer")" OK "FILTER: with a valid expression is answered OK"
"$RA" -r "$TMP/filtered.argus" -n -F csv -s proto daddr dport pkts > "$TMP/filtered.csv" 2>&1
same "$(csv_pkts "$TMP/filtered.csv" 39604)/$(tail -n +2 "$TMP/filtered.csv" | tr -d '\r' | grep -vc ',39604,')" "4/0" \
	"the server applies the client's filter: its 4 datagrams and no other flow"
check "the served stream is a valid Argus stream for Debian's ra (opening MAR first)" \
	sh -c '! [ -x "$0" ] || "$0" -r "$1" -n -s proto dport - udp | grep -q 39604' "$DEBIAN_RA" "$TMP/filtered.argus"
same "$(client filter "$port" "udp and nosuchword 7" "$TMP/bad.argus" 1)" ER "FILTER: with a bad expression is answered ER"
check "argus logs the refused filter" grep -q "filter 'udp and nosuchword 7' refused" "$TMP/argus.err"

# ---- a client that stops reading ----
client slow "$port" 6 "$TMP/slow.argus" 4 &
slow=$!
sleep 1
client udp 40000 20000 spread "$flood_src"
wait $slow
"$RA" -r "$TMP/slow.argus" -n -s stime proto daddr dport > "$TMP/slow.txt" 2>&1
lost=$(awk '$2 == "man" && $3 + 0 > m { m = $3 + 0 } END { print m + 0 }' "$TMP/slow.txt")
check "the MARs the slow client gets count the records it lost ($lost)" [ "$lost" -gt 0 ]
[ "$lost" -gt 0 ] || grep man "$TMP/slow.txt" | diag
check "argus says the client is not keeping up" grep -q "is not keeping up: its queue of 65536 bytes is full" "$TMP/argus.err"
check "argus stays up" kill -0 $argus_pid

# ---- access list, garbage, silent clients ----
cat > "$TMP/acl.conf" << EOF
ARGUS_FLOW_STATUS_INTERVAL=1
ARGUS_ACCESS_LIST=10.0.0.0/8
EOF
"$ARGUS" -X -F "$TMP/acl.conf" -i lo -P "$port_acl" -B 127.0.0.1 -w /dev/null 2> "$TMP/acl.err" &
acl_pid=$!
pids="$pids $acl_pid"
client wait "$port_acl"
same "$(client refused "$port_acl")" 0 "a client outside ARGUS_ACCESS_LIST is closed without a byte"
check "argus logs the refusal" grep -q "client 127.0.0.1:[0-9]* refused: not in ARGUS_ACCESS_LIST" "$TMP/acl.err"
if [ -x "$DEBIAN_RA" ]; then
	timeout 5 "$DEBIAN_RA" -S "127.0.0.1:$port_acl" -n > "$TMP/acl-dra.out" 2>&1
	check "Debian's ra refused by the access list ends ($?) and prints no record" \
		sh -c '! grep -q "tcp\|udp" "$0"' "$TMP/acl-dra.out"
else
	skip "Debian's ra is not installed"
fi
kill -INT $acl_pid
wait $acl_pid

client garbage "$port" > "$TMP/garbage.txt"
check "every client that sends garbage is closed (48 of 48)" \
	sh -c '[ "$(grep -c ^closed "$0")" = 48 ]' "$TMP/garbage.txt"
grep -v ^closed "$TMP/garbage.txt" | diag
check "argus names what was wrong" grep -q "not the Argus protocol ('GET / HTTP/1.0" "$TMP/argus.err"
check "a client sending filter after filter is closed" grep -q "too many FILTER: commands, closed" "$TMP/argus.err"
check "a filter longer than argus takes is refused, then the connection closed" \
	grep -q "filter '((((.*' refused" "$TMP/argus.err"
t=$(client idle "$port")
check "a client that never sends START: is dropped after about 5 s ($t s)" \
	awk -v t="$t" 'BEGIN { exit !(t >= 4 && t <= 8) }'
check "... and logged" grep -q "never started: timed out" "$TMP/argus.err"
check "argus is still up after the garbage" kill -0 $argus_pid
"$RA" -S "127.0.0.1:$port" -n -F csv -s proto daddr dport pkts - udp and \( port 39606 or port 39607 \) \
	> "$TMP/after.csv" 2> "$TMP/after.err" &
ra=$!
pids="$pids $ra"
sleep 1.5
client udp 39606 3 same
sleep 4
same "$(csv_pkts "$TMP/after.csv" 39606)" 3 "and still serves a good client"

# ---- push mode: -w argus-udp://, one record per datagram ----
if [ -x "$DEBIAN_RA" ]; then
	"$DEBIAN_RA" -S "argus-udp://127.0.0.1:$port_udp" -n -c , -s proto daddr dport pkts \
		> "$TMP/udp-dra.csv" 2> "$TMP/udp-dra.err" &
	dra=$!
	pids="$pids $dra"
fi
sleep 1
# ARGUS_OUTPUT_STREAM (-w argus-udp:// on the command line) beside a file
cat > "$TMP/push.conf" << EOF
ARGUS_FLOW_STATUS_INTERVAL=1
ARGUS_MAR_STATUS_INTERVAL=2
ARGUS_OUTPUT_STREAM="argus-udp://127.0.0.1:$port_udp udp and ( port 39610 or port 39611 )"
EOF
"$ARGUS" -X -F "$TMP/push.conf" -i lo -w "$TMP/push.argus" 2> "$TMP/push.err" &
push_pid=$!
pids="$pids $push_pid"
sleep 1
client udp 39610 4 same
sleep 3
if [ -x "$DEBIAN_RA" ]; then
	kill -INT $dra
	wait $dra
	same "$(csv_pkts "$TMP/udp-dra.csv" 39610)" 4 "Debian's ra -S argus-udp:// receives the records our argus pushes"
	diag < "$TMP/udp-dra.err"
else
	skip "Debian's ra is not installed"
fi
"$RA" -S "argus-udp://127.0.0.1:$port_udp" -n -F csv -s proto daddr dport pkts > "$TMP/udp-ra.csv" 2> "$TMP/udp-ra.err" &
ra_udp=$!
pids="$pids $ra_udp"
sleep 1
client udp 39611 3 same
sleep 3
kill -INT $ra_udp
wait $ra_udp
same "$(csv_pkts "$TMP/udp-ra.csv" 39611)/$(tr -d '\r' < "$TMP/udp-ra.csv" | grep -c '^udp,.*,39610,')" "3/0" \
	"our ra -S argus-udp:// joins the pushed stream late and gets the new records"
kill -INT $push_pid
wait $push_pid
same "$?" 0 "the pushing argus exits 0"
diag < "$TMP/push.err"
"$RA" -r "$TMP/push.argus" -n -F csv -s proto daddr dport pkts > "$TMP/push-file.csv" 2>&1
same "$(csv_pkts "$TMP/push-file.csv" 39610)/$(csv_pkts "$TMP/push-file.csv" 39611)" "4/3" \
	"the -w file beside the stream has the same flows"
# file input: argus waits for the socket rather than dropping
"$RA" -S "argus-udp://127.0.0.1:$port_udp2" -n -F csv -s proto saddr sport daddr dport pkts bytes \
	> "$TMP/udp-file.csv" 2> "$TMP/udp-file.err" &
ra_udp=$!
pids="$pids $ra_udp"
sleep 1
"$ARGUS" -X -r "$DATA/sample.pcap" -w "argus-udp://127.0.0.1:$port_udp2"
sleep 1
kill -INT $ra_udp
wait $ra_udp
"$ARGUS" -X -r "$DATA/sample.pcap" -w - | "$RA" -r - -n -F csv -s proto saddr sport daddr dport pkts bytes \
	> "$TMP/file.csv"
same "$(sort "$TMP/udp-file.csv" | cksum)" "$(sort "$TMP/file.csv" | cksum)" \
	"argus -r FILE -w argus-udp:// pushes the very records the file gives ($(($(wc -l < "$TMP/file.csv") - 1)))"

# ---- every packet counted; ra -S comes back when argus does ----
kill -INT $argus_pid
wait $argus_pid
same "$?" 0 "argus exits 0 on SIGINT"
sleep 1
"$ARGUS" -X -F "$TMP/serve.conf" -i lo -w /dev/null 2> "$TMP/argus2.err" &
pids="$pids $!"
client wait "$port"
sleep 4 # ra's backoff: 1 s, then 2 s
client udp 39607 2 same
sleep 4
kill -INT $ra
wait $ra
same "$(csv_pkts "$TMP/after.csv" 39607)" 2 "our ra -S reconnects when argus is back and prints the new records"
check "... and says so" grep -q "connected again" "$TMP/after.err"
diag < "$TMP/after.err"
"$RA" -r "$TMP/all.argus" -n -F csv -s proto daddr dport spkts - udp and src port $flood_src and dst port gt 39999 and dst port lt 60000 \
	> "$TMP/all.csv" 2> "$TMP/all.err"
same "$(tr -d '\r' < "$TMP/all.csv" | awk -F, 'NR > 1 { n += $4 } END { print n + 0 }')" 20000 \
	"capture was not slowed by the slow client: all 20000 datagrams are in argus's records"
"$RA" -r "$TMP/all.argus" -n -s sport - man > "$TMP/mars.txt" 2>&1
same "$(tail -1 "$TMP/mars.txt" | awk '{ print $NF }')" 0 "the closing MAR reports no packet dropped by the capture"
grep -v "not the Argus protocol" "$TMP/argus.err" | diag
finish
