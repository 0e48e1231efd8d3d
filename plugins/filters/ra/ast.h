/* ra filter plugin: declarations shared by the lexer, parser and evaluator.
 *
 * The parser builds a small syntax tree at compile time and then lays it out
 * as a branch program (one instruction per primitive, each with a jump for
 * true and one for false, the way a BPF filter is laid out).  Jumps only go
 * to instructions emitted earlier or to ACCEPT/REJECT, so evaluation is a
 * loop that always ends, needs no stack and stops as soon as the answer is
 * known.  The whole program is one allocation made at compile time.
 */
#ifndef ARGUS_RAFILTER_AST_H
#define ARGUS_RAFILTER_AST_H

#include <stddef.h>
#include <stdint.h>

#include <argus/plugin.h>

#if defined(__GNUC__)
#define ARGUS_RAFILTER_HIDDEN __attribute__((visibility("hidden")))
#else
#define ARGUS_RAFILTER_HIDDEN
#endif

/* Limits: input length and nesting of parentheses / negations. */
#define ARGUS_RAFILTER_MAX_LEN 65536u
#define ARGUS_RAFILTER_MAX_DEPTH 64

/* Jump targets below zero end the program. */
#define ARGUS_RAFILTER_ACCEPT (-1)
#define ARGUS_RAFILTER_REJECT (-2)

/* Direction qualifier of a primitive. */
enum argus_rafilter_dir {
	ARGUS_RAFILTER_DIR_SRC = 1,
	ARGUS_RAFILTER_DIR_DST = 2,
	ARGUS_RAFILTER_DIR_EITHER = 3, /* "src or dst", and no qualifier */
	ARGUS_RAFILTER_DIR_BOTH = 4,   /* "src and dst" */
};

enum argus_rafilter_cmp {
	ARGUS_RAFILTER_EQ = 0,
	ARGUS_RAFILTER_GT,
	ARGUS_RAFILTER_GE,
	ARGUS_RAFILTER_LT,
	ARGUS_RAFILTER_LE,
};

enum argus_rafilter_op {
	ARGUS_RAFILTER_OP_MAN = 1,   /* management record */
	ARGUS_RAFILTER_OP_FAMILY,    /* u.fam: IP family mask (bit 4 / bit 6) */
	ARGUS_RAFILTER_OP_PROTO,     /* IP protocol, optionally one family */
	ARGUS_RAFILTER_OP_ARP,       /* ARP / RARP flow */
	ARGUS_RAFILTER_OP_ETHERTYPE, /* ethernet type of the flow */
	ARGUS_RAFILTER_OP_HOST,      /* address equality */
	ARGUS_RAFILTER_OP_NET,       /* address & mask */
	ARGUS_RAFILTER_OP_PORT,      /* TCP/UDP port range */
	ARGUS_RAFILTER_OP_ETHER,     /* MAC address */
	ARGUS_RAFILTER_OP_SRCID,     /* monitor id */
	ARGUS_RAFILTER_OP_FIELD,     /* field-table value comparison */
	ARGUS_RAFILTER_OP_TCPSTATUS, /* TCP status bits, m[0] source / m[1] destination side */
	ARGUS_RAFILTER_OP_TCPOPT,    /* TCP option bits (any of m[0]) */
	ARGUS_RAFILTER_OP_RESET,     /* TCP reset, per direction */
	ARGUS_RAFILTER_OP_RETRANS,   /* retransmissions, per direction */
	ARGUS_RAFILTER_OP_FRAG,      /* fragments, per direction */
	ARGUS_RAFILTER_OP_FLAGS,     /* record flag bits (any of m[0]) */
	ARGUS_RAFILTER_OP_EST,       /* established / connected */
	ARGUS_RAFILTER_OP_CAUSE,     /* record cause equals m[0] */
	ARGUS_RAFILTER_OP_ICMPTYPE,  /* IPv4 ICMP type set (bitmap over 0..31) */
	ARGUS_RAFILTER_OP_PRESENT,   /* record has any section of m[0] (ARGUS_HAS_*) */
	ARGUS_RAFILTER_OP_ENCAPS,    /* all encapsulation bits m[0], per direction */
	ARGUS_RAFILTER_OP_ETHERMCAST, /* group bit of the MAC, per direction */
	ARGUS_RAFILTER_OP_ISIS,      /* IS-IS flow (by PDU, or Ethernet type 0x83) */
};

/* argus_rafilter_arg.field.absent0: a missing value counts as 0 on every
 * flow record (ra's VLAN, MPLS and loss values). */
#define ARGUS_RAFILTER_ABSENT0_ALWAYS 0xffffffffu

/* How an OP_FIELD compares. */
enum argus_rafilter_fmode {
	ARGUS_RAFILTER_FM_NUM = 1, /* numbers (uint, int, double, time, duration) */
	ARGUS_RAFILTER_FM_STR,     /* text, equality, case-insensitive */
	ARGUS_RAFILTER_FM_ADDR,    /* address under a mask */
	ARGUS_RAFILTER_FM_MAC,     /* MAC equality */
};

struct argus_rafilter_addr {
	uint8_t fam; /* 4 or 6 */
	uint8_t bytes[16];
	uint8_t mask[16];
};

struct argus_rafilter_num {
	double d;   /* the literal */
	int64_t i;  /* the literal if it is an integer (is_int) */
	int64_t us; /* the literal in microseconds, for times */
	uint8_t is_int;
};

#define ARGUS_RAFILTER_STRMAX 48

union argus_rafilter_arg {
	struct {
		uint8_t fam_mask; /* OP_FAMILY / OP_PROTO: 0x1 IPv4, 0x2 IPv6 */
		uint8_t proto;
	} ip;
	uint16_t ethertype;
	struct argus_rafilter_addr addr;
	struct {
		uint16_t lo, hi;
		uint8_t proto; /* 0: TCP or UDP; else only this protocol */
	} port;
	uint8_t mac[6];
	struct {
		uint8_t kind; /* 0 number / IPv4, 1 IPv6, 2 string */
		uint8_t len;
		uint8_t bytes[16];
		uint32_t num;
	} srcid;
	struct {
		const struct argus_field *f[2]; /* src (or the only) and dst field */
		uint8_t mode;                   /* enum argus_rafilter_fmode */
		/* ARGUS_HAS_* bits: a side whose field is absent counts as 0 when
		 * the record has this section (ra's TTL, TOS, VLAN, app bytes) */
		uint32_t absent0;
		union {
			struct argus_rafilter_num num;
			struct argus_rafilter_addr addr;
			uint8_t mac[6];
			char str[ARGUS_RAFILTER_STRMAX];
		} v;
	} field;
	uint32_t m[2]; /* bit masks: source side, destination side */
	struct {
		uint32_t types; /* bit n = ICMP type n */
		uint8_t mapped; /* also flows with an ICMP error mapped to them */
	} icmp;
};

struct argus_rafilter_insn {
	uint8_t op;  /* enum argus_rafilter_op */
	uint8_t dir; /* enum argus_rafilter_dir */
	uint8_t cmp; /* enum argus_rafilter_cmp */
	uint8_t pad;
	int32_t jt, jf; /* next instruction when true / false */
	union argus_rafilter_arg a;
};

struct argus_rafilter_program {
	uint32_t n;
	int32_t entry;
	struct argus_rafilter_insn insn[];
};

/* parser.c: compile EXPR; on error return ARGUS_EINVAL/ARGUS_ENOMEM with the
 * reason in err ("column N: ..."). */
ARGUS_RAFILTER_HIDDEN int argus_rafilter_compile(const struct argus_host *host, const char *expr,
						 struct argus_rafilter_program **out, char *err,
						 size_t errlen);

/* eval.c */
ARGUS_RAFILTER_HIDDEN int argus_rafilter_match(const struct argus_rafilter_program *prog,
					       const struct argus_record *rec);
/* Fields the filter knows itself, used when the host has none by that name. */
ARGUS_RAFILTER_HIDDEN const struct argus_field *argus_rafilter_builtin_field(const char *name);

#endif
