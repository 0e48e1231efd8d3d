#!/bin/sh
# The plugin registry: search order, ABI checks, refusal messages.
. "$(dirname "$0")/lib.sh"
plan 8

BAD="$top_builddir/tests/plugins/badabi"
if [ ! -f "$BAD/outputs/badabi.la" ]; then
	skip_all "the ABI test module was not built"
fi

"$ARGUS" --plugin-dir "$BAD" --list-plugins > "$TMP/list" 2> "$TMP/err"
check "a module for another ABI major is refused with a message naming its file" \
	grep -q "badabi.la: refused: built for plugin ABI 99" "$TMP/err"
check "the refused module is not listed" sh -c '! grep -q "^output *badabi" "$0"' "$TMP/list"
check "the other modules still load" grep -q "^output *json " "$TMP/list"

"$RA" --plugin-dir "$BAD" -r /dev/null -F badabi > "$TMP/out" 2> "$TMP/err"
check "asking for the refused module fails with the reason" grep -q "refused: built for plugin ABI 99" "$TMP/err"

env ARGUS_PLUGIN_PATH=/nonexistent "$ARGUS" -L "$top_builddir/plugins" --list-plugins > "$TMP/list2"
check "--plugin-dir is searched before ARGUS_PLUGIN_PATH" grep -q "^decoder *tcp .*$top_builddir/plugins/decoders/tcp" "$TMP/list2"

# Plugins run inside argus with its privileges: one that other users may
# replace is refused (the libtool archive, the shared object it names, or
# the folder holding either).
mkdir -p "$TMP/pl/decoders"
cp -R "$top_builddir/plugins/decoders/tcp.la" "$top_builddir/plugins/decoders/.libs" "$TMP/pl/decoders/"
chmod 755 "$TMP/pl" "$TMP/pl/decoders" "$TMP/pl/decoders/.libs"
chmod o+w "$TMP/pl/decoders/.libs/tcp.so"
"$ARGUS" -L "$TMP/pl" -P tcp -X -r "$DATA/sample.pcap" -w "$TMP/x.argus" 2> "$TMP/err"
same "$?" 2 "argus refuses to run with a world-writable decoder (exit 2)"
check "the message names the writable shared object" grep -q "tcp.so: refused: the file is writable by other users" "$TMP/err"
chmod o-w "$TMP/pl/decoders/.libs/tcp.so"
chmod 777 "$TMP/pl/decoders"
"$ARGUS" -L "$TMP/pl" -P tcp -X -r "$DATA/sample.pcap" -w "$TMP/x.argus" 2> "$TMP/err"
check "a plugin in a folder writable by others is refused with a message" \
	grep -q "tcp.la: refused: its folder .* is writable by other users" "$TMP/err"
finish
