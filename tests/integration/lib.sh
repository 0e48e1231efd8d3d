# TAP helpers and locations shared by the integration tests (sourced).
# The test harness exports top_srcdir, top_builddir and ARGUS_PLUGIN_PATH.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${ARGUS_SHARED_DIR:=$top_srcdir/../shared}"
ARGUS="$top_builddir/core/argus"
RA="$top_builddir/ra/ra"
DATA="$top_srcdir/tests/data"
DEBIAN_ARGUS=/usr/sbin/argus
DEBIAN_RA=/usr/bin/ra
DEBIAN_RACLUSTER=/usr/bin/racluster
export ARGUS_PLUGIN_PATH="${ARGUS_PLUGIN_PATH:-$top_builddir/plugins}"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/argus-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
_n=0
_failed=0

plan() { echo "1..$1"; }
skip_all() { echo "1..0 # SKIP $*"; exit 0; }
ok() { _n=$((_n + 1)); echo "ok $_n - $*"; }
not_ok() { _n=$((_n + 1)); _failed=$((_failed + 1)); echo "not ok $_n - $*"; }
skip() { _n=$((_n + 1)); echo "ok $_n - $* # SKIP"; }
# diag TEXT...: TAP comment lines; without arguments, standard input
diag() {
	if [ $# -gt 0 ]; then printf '%s\n' "$@" | sed 's/^/# /'; else sed 's/^/# /'; fi
}
# check DESCRIPTION COMMAND...: ok if the command succeeds
check() {
	_d=$1; shift
	if "$@"; then ok "$_d"; else not_ok "$_d"; fi
}
# same VALUE EXPECTED DESCRIPTION
same() {
	if [ "$1" = "$2" ]; then ok "$3"; else not_ok "$3"; diag "got: $1" "expected: $2"; fi
}
have_debian_argus() { [ -x "$DEBIAN_ARGUS" ] && [ -x "$DEBIAN_RA" ] && [ -x "$DEBIAN_RACLUSTER" ]; }
have_shared() { [ -d "$ARGUS_SHARED_DIR/tools" ]; }
# An empty rarc keeps ~/.rarc out of Debian ra's output.
: > "$TMP/empty.rarc"
debian_ra() { "$DEBIAN_RA" -F "$TMP/empty.rarc" "$@"; }
finish() { exit 0; }
