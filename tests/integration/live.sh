#!/bin/sh
# Basic live capture on loopback: argus -i lo sees datagrams sent to
# 127.0.0.1, and SIGINT flushes every flow and ends the stream with exit 0.
# Needs the right to capture (root); skipped otherwise.
. "$(dirname "$0")/lib.sh"
command -v python3 > /dev/null || skip_all "python3 is needed to send test traffic"
[ -e /sys/class/net/lo ] || skip_all "no loopback interface"

"$ARGUS" -X -i lo -w "$TMP/lo.argus" - udp and port 39999 2> "$TMP/err" &
pid=$!
sleep 2 # time to open the capture, also under the sanitizers
if ! kill -0 "$pid" 2> /dev/null; then
	wait "$pid"
	skip_all "cannot capture on lo here: $(head -1 "$TMP/err")"
fi
plan 4
python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(7):
    s.sendto(b"argus-ng live test", ("127.0.0.1", 39999))
'
sleep 1
kill -INT "$pid"
wait "$pid"
same "$?" 0 "SIGINT ends argus -i lo with exit 0"
"$RA" -r "$TMP/lo.argus" -F csv -s proto daddr dport spkts | tr -d '\r' > "$TMP/lo.csv"
same "$(grep -c '^udp,127.0.0.1,39999,7$' "$TMP/lo.csv")" 1 "the 7 datagrams sent to 127.0.0.1:39999 are one flow with 7 packets"
"$RA" -r "$TMP/lo.argus" -n -s proto state - man > "$TMP/mar.txt"
check "the stream starts with a management record" grep -q "man.*STA" "$TMP/mar.txt"
check "the stream ends with the closing management record" sh -c 'tail -1 "$0" | grep -q "man.*STP"' "$TMP/mar.txt"
finish
