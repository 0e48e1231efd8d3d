/* The field table: every printable and filterable quantity of a record.
 *
 * A field has an Argus ra name ("saddr"), the column label Argus ra prints
 * ("SrcAddr"), a value type and a getter.  The csv, json and text outputs
 * and the filter language all work from this table; plugins may register
 * fields of their own through the host (struct argus_host.field_register).
 */
#ifndef ARGUS_FIELD_H
#define ARGUS_FIELD_H

#include <stddef.h>
#include <stdint.h>

#include <argus/record.h>

#ifdef __cplusplus
extern "C" {
#endif

enum argus_value_type {
	ARGUS_VALUE_NONE = 0, /* absent: prints empty, left out of JSON */
	ARGUS_VALUE_UINT,     /* u */
	ARGUS_VALUE_INT,      /* i */
	ARGUS_VALUE_DOUBLE,   /* d */
	ARGUS_VALUE_TIME,     /* time_us: microseconds since the epoch */
	ARGUS_VALUE_DURATION, /* time_us: microseconds */
	ARGUS_VALUE_ADDR,     /* addr */
	ARGUS_VALUE_MAC,      /* mac */
	ARGUS_VALUE_STRING,   /* s: the field's own text (state, dir, proto, flgs) */
};

struct argus_addr {
	uint8_t family; /* 4 or 6 */
	uint8_t bytes[16]; /* network order */
};

#define ARGUS_VALUE_STRMAX 128

struct argus_value {
	enum argus_value_type type;
	union {
		uint64_t u;
		int64_t i;
		double d;
		int64_t time_us;
		struct argus_addr addr;
		uint8_t mac[6];
	} v;
	/* For ARGUS_VALUE_STRING; for other types, an optional text form the
	 * getter prefers for ra-compatible text (e.g. ICMP "0x0008"). */
	char s[ARGUS_VALUE_STRMAX];
};

enum argus_format_style {
	ARGUS_FORMAT_TEXT = 0,    /* ra-compatible: ra's own padding and spelling */
	ARGUS_FORMAT_CSV = 1,     /* clean, no padding */
	ARGUS_FORMAT_TEXT_UNIX = 2, /* ra -u: times as epoch seconds */
};

#define ARGUS_FIELD_F_NUMERIC_PORT 0x01 /* a port: -n keeps the number */
#define ARGUS_FIELD_F_PAD 0x02          /* value is fixed-width text (flgs, dir) */

struct argus_field {
	const char *name;  /* ra -s name, JSON key, filter word */
	const char *label; /* column title ra prints */
	enum argus_value_type type;
	uint16_t width;    /* default text column width */
	uint16_t flags;    /* ARGUS_FIELD_F_* */
	/* Fill *v for REC; return 1 if the record carries the field, 0 if not
	 * (then v->type is ARGUS_VALUE_NONE).  Must not allocate. */
	int (*get)(const struct argus_record *rec, struct argus_value *v);
	const char *description; /* one line, for --help and man pages */
};

#ifdef __cplusplus
}
#endif
#endif
