#!/bin/sh
# The plugin registry: search order, ABI checks, refusal messages.
. "$(dirname "$0")/lib.sh"
plan 5

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
finish
