/* argus --threads on a live interface: the kernel's fanout program
 * (core/capture.c) must send every IP packet to the socket of the worker
 * that owns its flow, argus_flowtable_share_of.  The program is run here
 * by a small classic-BPF interpreter with the kernel's meaning of the
 * ancillary protocol load and network-header offsets, then taken modulo
 * the group's size as the kernel does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#ifdef __linux__
#include <linux/filter.h>

#include "core/capture.h"
#include "core/flowtable.h"

struct skb {
	uint16_t protocol;
	const uint8_t *net; /* the network header */
	size_t len;         /* bytes from it */
};

static int load_word(const struct skb *p, uint32_t k, uint32_t *out)
{
	int32_t off = (int32_t)k;

	if (off == SKF_AD_OFF + SKF_AD_PROTOCOL) {
		*out = p->protocol;
		return 0;
	}
	if (off < SKF_NET_OFF || off >= SKF_NET_OFF + 0x10000)
		return -1; /* the program uses no other offsets */
	off -= SKF_NET_OFF;
	if ((size_t)off + 4 > p->len)
		return -1;
	*out = (uint32_t)p->net[off] << 24 | (uint32_t)p->net[off + 1] << 16 |
	       (uint32_t)p->net[off + 2] << 8 | p->net[off + 3];
	return 0;
}

/* The program's result; the kernel's 0 when a load falls outside the
 * packet. */
static uint32_t run(const struct sock_filter *prog, size_t n, const struct skb *p)
{
	uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = {0};

	for (size_t pc = 0; pc < n; pc++) {
		const struct sock_filter *i = &prog[pc];
		uint32_t src = BPF_SRC(i->code) == BPF_X ? x : i->k;
		switch (i->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (load_word(p, i->k, &a) != 0)
				return 0;
			break;
		case BPF_LDX | BPF_W | BPF_MEM:
			x = mem[i->k];
			break;
		case BPF_ST:
			mem[i->k] = a;
			break;
		case BPF_MISC | BPF_TAX:
			x = a;
			break;
		case BPF_MISC | BPF_TXA:
			a = x;
			break;
		case BPF_ALU | BPF_MUL | BPF_K:
		case BPF_ALU | BPF_MUL | BPF_X:
			a *= src;
			break;
		case BPF_ALU | BPF_XOR | BPF_K:
		case BPF_ALU | BPF_XOR | BPF_X:
			a ^= src;
			break;
		case BPF_ALU | BPF_RSH | BPF_K:
			a >>= src;
			break;
		case BPF_JMP | BPF_JA:
			pc += i->k;
			assert_true(pc < n);
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
		case BPF_JMP | BPF_JGT | BPF_X:
			if (BPF_OP(i->code) == BPF_JEQ ? a == src : a > src)
				pc += i->jt;
			else
				pc += i->jf;
			assert_true(pc < n);
			break;
		case BPF_RET | BPF_K:
			return i->k;
		case BPF_RET | BPF_A:
			return a;
		default:
			fail_msg("instruction %zu: code 0x%x not expected", pc, i->code);
		}
	}
	fail_msg("the program ran off its end");
	return 0;
}

static uint32_t rnd_state = 12345;
static uint8_t rnd8(void)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return (uint8_t)(rnd_state >> 16);
}

/* An IP header with random addresses, and its flow key. */
static void random_packet(int v6, uint8_t *hdr, size_t *len, struct argus_flow_key *k)
{
	size_t alen = v6 ? 16 : 4, at = v6 ? 8 : 12;

	memset(hdr, 0, 40);
	memset(k, 0, sizeof *k);
	hdr[0] = v6 ? 0x60 : 0x45;
	for (size_t i = 0; i < 2 * alen; i++)
		hdr[at + i] = rnd8();
	/* structured pairs too: a shared prefix, hosts that differ a little */
	if (rnd8() & 1)
		memcpy(hdr + at + alen, hdr + at, alen - 1);
	k->family = v6 ? ARGUS_KEY_IPV6 : ARGUS_KEY_IPV4;
	k->proto = 17;
	k->sport = rnd8();
	k->dport = rnd8();
	memcpy(k->saddr, hdr + at, alen);
	memcpy(k->daddr, hdr + at + alen, alen);
	*len = v6 ? 40 : 20;
}

static void test_program_is_the_share(void **st)
{
	const struct sock_filter *prog;
	size_t n;
	unsigned seen[4] = {0};

	(void)st;
	prog = argus_capture_fanout_program(&n);
	assert_non_null(prog);
	for (int i = 0; i < 4000; i++) {
		uint8_t hdr[40];
		struct skb p;
		struct argus_flow_key k;
		int v6 = i & 1;
		uint32_t r;
		random_packet(v6, hdr, &p.len, &k);
		p.protocol = v6 ? 0x86dd : 0x0800;
		p.net = hdr;
		r = run(prog, n, &p);
		for (uint32_t count = 2; count <= 5; count++)
			assert_int_equal(r % count, argus_flowtable_share_of(&k, count));
		seen[r % 4]++;
	}
	/* and the shares are even, structured pairs included */
	for (int s = 0; s < 4; s++)
		assert_in_range(seen[s], 900, 1100);
}

static void test_other_packets_go_to_the_first(void **st)
{
	const struct sock_filter *prog;
	uint8_t hdr[40];
	struct skb p = {0x0806, hdr, 28};
	struct argus_flow_key k;
	size_t n;

	(void)st;
	prog = argus_capture_fanout_program(&n);
	random_packet(0, hdr, &p.len, &k);
	assert_int_equal(run(prog, n, &p), 0); /* ARP */
	p.protocol = 0x0800;
	p.len = 19; /* a header cut short: the kernel's 0 */
	assert_int_equal(run(prog, n, &p), 0);
	p.protocol = 0x86dd;
	p.len = 39;
	assert_int_equal(run(prog, n, &p), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_program_is_the_share),
		cmocka_unit_test(test_other_packets_go_to_the_first),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
#else
static void test_skipped(void **st)
{
	(void)st;
	skip();
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_skipped)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
#endif
