#!/bin/sh
# ra -S (issue 10, first part): our ra reads the live records of Debian's
# argus over the Argus 3 remote protocol on loopback, with the filter sent
# to the server (FILTER: ... answered OK) or kept local ("local ...").
# Needs root (argus captures on lo) and Debian's argus-server.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || skip_all "needs root (Debian's argus captures on lo)"
[ -x "$DEBIAN_ARGUS" ] || skip_all "Debian's argus ($DEBIAN_ARGUS) is not installed"
command -v python3 > /dev/null || skip_all "python3 is needed to send test traffic"
port=$((56200 + $$ % 500))
printf 'ARGUS_FLOW_STATUS_INTERVAL=1\nARGUS_MAR_STATUS_INTERVAL=2\n' > "$TMP/fast.conf"
"$DEBIAN_ARGUS" -X -F "$TMP/fast.conf" -i lo -P "$port" -B 127.0.0.1 -w /dev/null 2> "$TMP/argus.err" &
da=$!
trap 'kill $da 2> /dev/null; rm -rf "$TMP"' EXIT
i=0
while ! grep -q "interface lo is up" "$TMP/argus.err" && kill -0 $da 2> /dev/null && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
sleep 1
kill -0 $da 2> /dev/null || skip_all "Debian's argus did not start: $(tail -1 "$TMP/argus.err")"
plan 5

# send N PORT: N UDP datagrams to 127.0.0.1:PORT
send() {
	python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(int(sys.argv[1])):
    s.sendto(b"argus-ng remote test", ("127.0.0.1", int(sys.argv[2])))' "$1" "$2"
}
# client NAME FILTER...: our ra -S for 6 s while 5 datagrams go to PORT
client() {
	_name=$1
	shift
	"$RA" -S "127.0.0.1:$port" -n -F csv -s proto daddr dport pkts - "$@" > "$TMP/$_name.csv" 2> "$TMP/$_name.err" &
	_ra=$!
	sleep 1.5
	send 5 "$cport"
	sleep 4.5
	kill -INT $_ra
	wait $_ra
	echo $? > "$TMP/$_name.rc"
}
pkts() { tr -d '\r' < "$1" | awk -F, -v p="$2" '$1 == "udp" && $3 == p { n += $4 } END { print n + 0 }'; }

cport=39561
client server udp and port $cport
same "$(cat "$TMP/server.rc")" 0 "ra -S exits 0 on SIGINT"
same "$(pkts "$TMP/server.csv" $cport)" 5 "ra -S receives Debian argus's live records: the 5 datagrams, filter sent to the server"
check "the server accepted the filter" sh -c '! [ -s "$0" ]' "$TMP/server.err"
diag < "$TMP/server.err"

cport=39562
client local local udp and port $cport
same "$(pkts "$TMP/local.csv" $cport)/$(tail -n +2 "$TMP/local.csv" | tr -d '\r' | awk -F, '$3 != '"$cport" | wc -l | tr -d ' ')" "5/0" \
	"a 'local' filter is applied by ra alone: the 5 datagrams and nothing else"

"$RA" -S 127.0.0.1:1 -n > /dev/null 2> "$TMP/refused.err"
rc=$?
check "a server that is not there: exit 1 and a message ($rc)" \
	sh -c '[ "$0" = 1 ] && grep -q "127.0.0.1:1: Connection refused" "$1"' "$rc" "$TMP/refused.err"
finish
