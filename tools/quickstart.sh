#!/bin/sh
# Install what is missing (Debian 12, as root), build, and print the flows
# of the capture shipped in the repository as JSON Lines.
set -eu
cd "$(dirname "$0")/.."
need="build-essential autoconf automake libtool libltdl-dev pkg-config libpcap-dev zlib1g-dev libjansson-dev libcmocka-dev python3"
missing=""
for p in $need; do
	dpkg -s "$p" > /dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "installing:$missing" >&2
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing > /dev/null
fi
[ -x configure ] || autoreconf -fi > /dev/null 2>&1
mkdir -p _build
cd _build
[ -f Makefile ] || ../configure -q
make -j"$(nproc)" -s > /dev/null
# the plugins of the build tree, not an installed copy
export ARGUS_PLUGIN_PATH="$PWD/plugins"
./core/argus -X -r ../tests/data/sample.pcap -w - | ./ra/ra -r - -F json
