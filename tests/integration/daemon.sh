#!/bin/sh
# Daemon operation (issue 6): argus -d returns at once with the capture
# running, writes and removes its pid file, flushes every flow on SIGTERM,
# starts a new output file on SIGHUP with no packet lost or counted twice,
# and runs as nobody after -u.  Needs root and the right to capture on lo.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || skip_all "needs root (capture and privilege drop)"
command -v python3 > /dev/null || skip_all "python3 is needed to send test traffic"
[ -e /sys/class/net/lo ] || skip_all "no loopback interface"

# Can we capture on lo at all?  (the same probe as live.sh)
"$ARGUS" -X -i lo -w "$TMP/probe.argus" - udp and port 39200 2> "$TMP/err" &
probe=$!
sleep 2
if ! kill -0 "$probe" 2> /dev/null; then
	wait "$probe"
	skip_all "cannot capture on lo here: $(head -1 "$TMP/err")"
fi
kill -TERM "$probe"
wait "$probe"

plan 19

# send N PORT: N UDP datagrams to 127.0.0.1:PORT
send() {
	python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(int(sys.argv[1])):
    s.sendto(b"argus-ng daemon test", ("127.0.0.1", int(sys.argv[2])))
' "$1" "$2"
}
# pkts FILE PORT: packets of the UDP flow to 127.0.0.1:PORT in FILE
pkts() {
	"$RA" -r "$1" -F csv -s proto daddr dport pkts | tr -d '\r' |
		awk -F, -v p="$2" '$1 == "udp" && $2 == "127.0.0.1" && $3 == p { n += $4 } END { print n + 0 }'
}
# gone PID: wait up to 10 s for PID to end
gone() {
	_i=0
	while kill -0 "$1" 2> /dev/null; do
		_i=$((_i + 1))
		[ $_i -le 100 ] || return 1
		sleep 0.1
	done
}
# start_daemon NAME PORT [OPTIONS...]: argus -d (or ARGUS_DAEMON=yes when
# $conf_daemon is set) with a pid file in $TMP/NAME.run
start_daemon() {
	_name=$1 _port=$2
	shift 2
	mkdir -p "$TMP/$_name.run"
	printf 'ARGUS_SET_PID=yes\nARGUS_PID_PATH=%s\n' "$TMP/$_name.run" > "$TMP/$_name.conf"
	if [ -n "${conf_daemon:-}" ]; then
		echo ARGUS_DAEMON=yes >> "$TMP/$_name.conf"
	else
		set -- -d "$@"
	fi
	_t0=$(date +%s)
	"$ARGUS" -X -F "$TMP/$_name.conf" "$@" -i lo -w "${out:-$TMP/$_name.argus}" - udp and port "$_port" \
		> "$TMP/$_name.out" 2> "$TMP/$_name.err"
	rc=$?
	elapsed=$(($(date +%s) - _t0))
	pidfile="$TMP/$_name.run/argus.lo.pid"
	pid=$(cat "$pidfile" 2> /dev/null || echo none)
	sleep 1 # the capture is open already; leave libpcap a moment
}

# (a) detach, pid file, SIGTERM flushes every flow
start_daemon a 39201
same "$rc" 0 "argus -d exits 0"
check "argus -d returns within 5 s" [ "$elapsed" -le 5 ]
check "the pid file names a running argus" sh -c 'grep -q argus "/proc/$0/cmdline"' "$pid"
check "the daemon left the terminal session" sh -c \
	'[ "$(ps -o sid= -p "$0" | tr -d " ")" != "$(ps -o sid= -p $$ | tr -d " ")" ]' "$pid"
same "$(readlink "/proc/$pid/fd/2" 2> /dev/null)" /dev/null "the daemon's stderr is /dev/null"
send 50 39201
sleep 1
kill -TERM "$pid" 2> /dev/null
check "SIGTERM ends the daemon" gone "$pid"
same "$(pkts "$TMP/a.argus" 39201)" 50 "the 50 datagrams sent are in the file"
check "the pid file is removed" test ! -e "$pidfile"
"$RA" -r "$TMP/a.argus" -n -s proto state - man > "$TMP/a.mar"
check "the stream ends with the closing management record" sh -c 'tail -1 "$0" | grep -q "man.*STP"' "$TMP/a.mar"

# errors before detaching reach the terminal with the exit status
"$ARGUS" -X -d -i lo -w - > /dev/null 2> "$TMP/e1"
same "$?" 2 "-d with -w - is a usage error"
"$ARGUS" -X -d -i no-such-if0 -w "$TMP/e2.argus" 2> "$TMP/e2"
rc=$?
check "a capture that cannot open fails with exit 1 and a message" \
	sh -c '[ "$0" = 1 ] && grep -q "no-such-if0" "$1"' "$rc" "$TMP/e2"

# (b) SIGHUP: FILE renamed, a new FILE started, nothing lost or doubled
conf_daemon=yes
start_daemon b 39202
conf_daemon=
same "$rc" 0 "ARGUS_DAEMON=yes starts argus as a daemon for the rotation test"
"$ARGUS" -X -F "$TMP/b.conf" -d -i lo -w "$TMP/b2.argus" 2> "$TMP/b2.err"
rc2=$?
check "a second argus is refused while the pid file names a live one" \
	sh -c '[ "$0" = 1 ] && grep -q "already running" "$1"' "$rc2" "$TMP/b2.err"
send 20 39202
sleep 1
mv "$TMP/b.argus" "$TMP/b.argus.1"
kill -HUP "$pid"
sleep 1
send 30 39202
sleep 1
kill -TERM "$pid" 2> /dev/null
gone "$pid"
n1=$(pkts "$TMP/b.argus.1" 39202)
n2=$(pkts "$TMP/b.argus" 39202)
same "$((n1 + n2))" 50 "packets in the rotated file plus the new file equal the 50 sent"
check "the new file was written after SIGHUP" [ "$n2" -ge 30 ]
"$RA" -r "$TMP/b.argus" -n -s proto state - man > "$TMP/b.mar"
check "the new file starts with a management record" sh -c 'sed -n 2p "$0" | grep -q "man.*STA"' "$TMP/b.mar"

# (c) -u nobody: running as nobody, the capture still works
if ! nobody_uid=$(id -u nobody 2> /dev/null); then
	skip "no user nobody"
	skip "no user nobody"
	skip "no user nobody"
else
	# nobody may remove the pid file and reopen the output in c.dir
	mkdir -p "$TMP/c.run" "$TMP/c.dir"
	chown nobody "$TMP/c.run" "$TMP/c.dir"
	chmod 711 "$TMP"
	out="$TMP/c.dir/c.argus"
	start_daemon c 39203 -u nobody
	uid=$(awk '/^Uid:/ { print $2 "," $3 "," $4 "," $5 }' "/proc/$pid/status" 2> /dev/null)
	same "$uid" "$nobody_uid,$nobody_uid,$nobody_uid,$nobody_uid" "the daemon runs as nobody (real, effective, saved, fs uid)"
	send 12 39203
	sleep 1
	kill -HUP "$pid" # no rename: the new stream is appended
	sleep 1
	send 8 39203
	sleep 1
	kill -TERM "$pid" 2> /dev/null
	gone "$pid"
	same "$(pkts "$out" 39203)" 20 "packets sent after dropping privileges are recorded, also across a SIGHUP"
	check "nobody removed the pid file in its own folder" test ! -e "$pidfile"
fi
finish
