/* argus --threads: the constants of the share function for IP flow keys,
 * shared by the flow table (share_of in flowtable.c) and the kernel fanout
 * program of live capture (capture.c), which must compute the same share.
 * In 32-bit words: each address is the XOR of its big-endian words;
 * x = lower * MUL0 ^ higher; x *= MUL1; x ^= x >> SHIFT1; x *= MUL2;
 * x ^= x >> SHIFT2; share = x % count. */
#ifndef ARGUS_CORE_SHARE_H
#define ARGUS_CORE_SHARE_H

#define ARGUS_SHARE_MUL0 0xcc9e2d51u
#define ARGUS_SHARE_MUL1 0x9e3779b1u
#define ARGUS_SHARE_SHIFT1 15
#define ARGUS_SHARE_MUL2 0x85ebca6bu
#define ARGUS_SHARE_SHIFT2 13

#endif
