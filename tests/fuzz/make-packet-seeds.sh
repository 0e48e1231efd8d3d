#!/bin/sh
# Rebuild the seed corpus of fuzz_packet (tests/fuzz/corpus-packet) from
# captures: tests/data and the tcpdump test captures of ../shared/corpus
# (TCPDUMP, or $ARGUS_SHARED_DIR/corpus/tcpdump).  Each seed is one capture
# (its first packets) with one set of flow table options; see pcap2seed.py
# and the input layout at the top of fuzz_packet.c.  Seeds named crash-*
# are regression inputs and are kept.
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
shared=${ARGUS_SHARED_DIR:-$top/../shared}
TCPDUMP=${TCPDUMP:-$shared/corpus/tcpdump}
out=$here/corpus-packet
conv="python3 $here/pcap2seed.py"
mkdir -p "$out"
find "$out" -type f ! -name 'crash-*' -exec rm -f {} +

# seed  capture  options...   (--opts: byte 1, --hi: high nibble of byte 0)
seed() {
	name=$1 file=$2
	shift 2
	case $file in
	/*) ;;
	data/*) file=$top/tests/$file ;;
	*) file=$TCPDUMP/$file ;;
	esac
	$conv "$@" "$file" "$out/$name" >/dev/null
}

# Ethernet: tunnels, shims, IPv6 extension headers, fragments, TCP, non-IP
seed eth-sample data/sample.pcap --opts 0x0f --hi 0xa0 --max-bytes 12000
seed eth-dns-tcp dns_tcp.pcap --opts 0x00 --hi 0x80
seed eth-tcp-http ipv4_tcp_http_xml.pcap --opts 0x03 --hi 0x40 --max-bytes 6000
seed eth-tcp-rst-data tcp_rst_data.pcap --opts 0x1f --hi 0x80
seed eth-dhcp dhcp-rfc4388.pcap --opts 0x0b --hi 0x10 --max-bytes 6000
seed eth-vxlan vxlan.pcap --opts 0x05 --hi 0x20
seed eth-geneve geneve.pcap --opts 0x09 --hi 0xc0 --max-bytes 6000
seed eth-gre various_gre.pcap --opts 0x0f --hi 0x30 --max-bytes 8000
seed eth-erspan-ii erspan-type-ii-2.pcap --opts 0x11 --hi 0x80
seed eth-erspan-iii erspan-type-iii-ft-0.pcap --opts 0x02 --hi 0x00
seed eth-mpls-udp mpls-over-udp.pcap --opts 0x0c --hi 0x80
seed eth-mpls-overflow mpls-label-heapoverflow.pcap --opts 0x0f --hi 0xa0
seed eth-pppoe-session pppoes.pcap --opts 0x01 --hi 0x80
seed eth-pppoe-discovery pppoe.pcap --opts 0x00 --hi 0x00
seed eth-qinq 802.1ad_QinQ.pcap --opts 0x41 --hi 0x80
seed eth-stp-llc 802.1w_rapid_STP.pcap --opts 0x81 --hi 0x40 --max-packets 16
seed eth-lldp-cdp LLDP_and_CDP.pcap --opts 0x0f --hi 0x80 --max-bytes 6000
seed eth-isis ISIS_level1_adjacency.pcap --opts 0x00 --hi 0x80 --skip 7 --max-packets 8
seed eth-isis-ptp isis-areaaddr-oobr-2.pcap --opts 0x01 --hi 0x80 --max-bytes 3000
seed eth-arp-long-tha arp-too-long-tha.pcap --opts 0x13 --hi 0x80
seed eth-ip6-frag ip6_frag_asan.pcap --opts 0x0f --hi 0x20
seed eth-ip6-frag-neg ipv6_frag6_negative_len.pcap --opts 0x02 --hi 0x80
seed eth-ip6-routing ipv6-routing-header.pcap --opts 0x06 --hi 0x80
seed eth-ip6-srh ipv6-srh-ext-header.pcap --opts 0x1a --hi 0x40
seed eth-ip6-jumbo-bad ipv6-too-long-jumbo.pcap --opts 0x0f --hi 0x30
seed eth-ip6-hdr-overflow ipv6hdr-heapoverflow.pcap --opts 0x00 --hi 0x80
seed eth-icmpv6 icmpv6.pcap --opts 0x23 --hi 0x80
seed eth-igmp IGMP_V2.pcap --opts 0x54 --hi 0x80
seed eth-igmpv3 igmpv3-queries.pcap --opts 0x00 --hi 0x40
seed eth-esp 02-sunrise-sunset-esp.pcap --opts 0x0a --hi 0x20
seed eth-esp-udp espudp1.pcap --opts 0x90 --hi 0x80
seed eth-gso-vxlan gso-ipv4-vxlan-ipv4.pcap --opts 0x0f --hi 0x80 --max-bytes 6000
seed eth-bigtcp bigtcp-ipv4.pcap --opts 0x0c --hi 0x80 --max-bytes 6000
seed eth-udp-len-overflow udp-length-heapoverflow.pcap --opts 0x07 --hi 0x80
# other link types
seed raw-mptcp-rst mptcp-tcprst.pcap --opts 0x0f --hi 0xa0
seed raw-ipv6 LINKTYPE_RAW_ipv6.pcap --opts 0x00 --hi 0x80
seed ipv4-link LINKTYPE_IPV4_invalid.pcap --opts 0x00 --hi 0x80
seed ipv6-link LINKTYPE_IPV6.pcap --opts 0x02 --hi 0x80
seed null-dns dns-badcookie.pcap --opts 0x03 --hi 0x80
seed null-tcp-rst tcp_rst_diag_payload.pcap --opts 0x10 --hi 0x80
seed sll-icmp-err icmp-cksum-oobr-1.pcap --opts 0x0f --hi 0x80
seed sll-mptcp mptcp-v1.pcap --opts 0x2e --hi 0x70 --max-bytes 8000
seed ppp-icmp icmp-rfc5837.pcap --opts 0x01 --hi 0x80
seed ppp-mpls mpls-traceroute.pcap --opts 0x0d --hi 0x40
seed ppp-serial-dns ppp_ip_udp_dns.pcap --opts 0x03 --hi 0x80
seed chdlc HDLC.pcap --opts 0x0f --hi 0x80
seed chdlc-slarp chdlc-slarp.pcap --opts 0x00 --hi 0x00
seed slip-ipv6 cve2015-0261-ipv6.pcap --opts 0x00 --hi 0x80
seed slip-bad slip-bad-direction.pcap --opts 0x01 --hi 0x80
seed juniper-ether isis_poi.pcap --opts 0x01 --hi 0x80
seed ipnet-icmp e1000g.pcap --opts 0x03 --hi 0x80
seed atm-llc llc-xid-heapoverflow.pcap --opts 0x00 --hi 0x80
seed juniper-overflow juniper_header-heapoverflow.pcap --opts 0x00 --hi 0x80

# 802.11: radiotap, management frames, plain 802.11
seed wlan-deauth reason_code-0.pcap --opts 0x01 --hi 0x80
seed wlan-exthdr ieee802.11_exthdr.pcap --opts 0x0f --hi 0xa0
seed wlan-meshid ieee802.11_meshid.pcap --opts 0x00 --hi 0x80
seed wlan-plain ieee802.11_tim_ie_oobr.pcap --opts 0x00 --hi 0x80 --max-bytes 3000
# link types no capture at hand has, made from Ethernet frames
seed loop-dns dns_udp.pcap --as loop --opts 0x02 --hi 0x80
seed sll2-tcp dns_tcp.pcap --as sll2 --opts 0x0f --hi 0xa0
seed pppoe-link pppoes.pcap --as ppp_ether --opts 0x01 --hi 0x80
