#!/usr/bin/env python3
"""Make a seed for fuzz_packet from a classic pcap file.

    pcap2seed.py [--opts B1] [--hi N] [--max-packets N] [--max-bytes N]
                 [--snap N] [--skip N] [--as loop|sll2|ppp_ether] IN.pcap OUT

The seed is the input layout fuzz_packet.c describes: byte 0 the link type
index (plus, in its high nibble, --hi: -U length and status interval
choices), byte 1 the option bits (--opts), then each packet as caplen (with
the original length as extra wire bytes when the capture cut it), a time
step and the frame.  Frames longer than --snap bytes are cut like a
snaplen would.  Only link types the dissector supports are accepted.
--as rewrites the frames of an Ethernet capture for a link type no capture
at hand has: BSD loopback, Linux cooked v2, or PPPoE without its Ethernet
header (frames that do not fit are left out).
"""
import argparse
import struct
import sys

# pcap LINKTYPE_ -> index into links[] of fuzz_packet.c
LINKS = {
    1: 0,     # ETHERNET -> DLT_EN10MB
    101: 1,   # RAW -> DLT_RAW
    228: 1,   # IPV4: the dissector reads it as RAW (by the version nibble)
    229: 1,   # IPV6: likewise
    226: 2,   # IPNET (Solaris)
    100: 3,   # ATM_RFC1483 (LLC/SNAP)
    106: 3,   # ATM_CLIP: read as ATM_RFC1483
    0: 4,     # NULL
    108: 5,   # LOOP
    113: 6,   # LINUX_SLL
    276: 7,   # LINUX_SLL2
    9: 8,     # PPP
    50: 9,    # PPP_HDLC -> DLT_PPP_SERIAL
    51: 10,   # PPP_ETHER
    104: 11,  # C_HDLC
    8: 12,    # SLIP
    127: 14,  # IEEE802_11_RADIO (radiotap)
    105: 15,  # IEEE802_11
    178: 13,  # JUNIPER_ETHER
}


def read_pcap(path):
    with open(path, 'rb') as f:
        data = f.read()
    magic = data[:4]
    if magic in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1'):
        e = '<'
    elif magic in (b'\xa1\xb2\xc3\xd4', b'\xa1\xb2\x3c\x4d'):
        e = '>'
    else:
        raise SystemExit('%s: not a classic pcap file' % path)
    nsec = magic in (b'\x4d\x3c\xb2\xa1', b'\xa1\xb2\x3c\x4d')
    linktype = struct.unpack(e + 'I', data[20:24])[0] & 0x0fffffff
    off = 24
    pkts = []
    while off + 16 <= len(data):
        sec, frac, incl, orig = struct.unpack(e + 'IIII', data[off:off + 16])
        off += 16
        frame = data[off:off + incl]
        off += incl
        us = sec * 1000000 + (frac // 1000 if nsec else frac)
        pkts.append((us, orig, frame))
    return linktype, pkts


def relink(kind, frame):
    """An Ethernet frame as a frame of link type KIND, or None."""
    if len(frame) < 14:
        return None
    etype = struct.unpack('>H', frame[12:14])[0]
    body = frame[14:]
    if kind == 'loop':
        af = {0x0800: 2, 0x86dd: 24}.get(etype)
        return None if af is None else struct.pack('>I', af) + body
    if kind == 'sll2':
        pkttype = 1 if frame[0:6] == b'\xff' * 6 else 0
        return (struct.pack('>HHIHBB', etype, 0, 2, 1, pkttype, 6) + frame[6:12] +
                b'\0\0' + body)
    if kind == 'ppp_ether':
        return body if etype in (0x8863, 0x8864) else None
    raise SystemExit('--as: unknown link type ' + kind)


RELINK_INDEX = {'loop': 5, 'sll2': 7, 'ppp_ether': 10}


def step_code(delta_us):
    if delta_us <= 0:
        return 0
    d = round((delta_us / 8.0) ** (1.0 / 3.0))
    return max(0, min(255, d))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--opts', type=lambda s: int(s, 0), default=0)
    ap.add_argument('--hi', type=lambda s: int(s, 0), default=0)
    ap.add_argument('--max-packets', type=int, default=64)
    ap.add_argument('--max-bytes', type=int, default=8192)
    ap.add_argument('--snap', type=int, default=1600)
    ap.add_argument('--skip', type=int, default=0, help='packets to skip first')
    ap.add_argument('--as', dest='relink', choices=sorted(RELINK_INDEX))
    ap.add_argument('input')
    ap.add_argument('output')
    a = ap.parse_args()
    linktype, pkts = read_pcap(a.input)
    if linktype not in LINKS:
        raise SystemExit('%s: link type %d is not one the dissector supports'
                         % (a.input, linktype))
    index = LINKS[linktype]
    if a.relink:
        if linktype != 1:
            raise SystemExit('--as needs an Ethernet capture')
        pkts = [(us, max(0, orig - len(fr) + len(nf)), nf) for us, orig, fr in pkts
                for nf in [relink(a.relink, fr)] if nf is not None]
        index = RELINK_INDEX[a.relink]
    out = bytearray([index | (a.hi & 0xf0), a.opts & 0xff])
    prev = None
    n = 0
    for us, orig, frame in pkts[a.skip:]:
        if n == a.max_packets:
            break
        frame = frame[:min(a.snap, 0x3fff)]
        extra = max(0, orig - len(frame))
        rec = bytearray()
        if extra:
            rec += struct.pack('>HH', 0x4000 | len(frame), min(extra, 0xffff))
        else:
            rec += struct.pack('>H', len(frame))
        rec.append(step_code(us - prev) if prev is not None else 0)
        rec += frame
        if len(out) + len(rec) > a.max_bytes and n > 0:
            break
        out += rec
        prev = us
        n += 1
    with open(a.output, 'wb') as f:
        f.write(out)
    print('%s: %d packets, %d bytes' % (a.output, n, len(out)))


if __name__ == '__main__':
    main()
