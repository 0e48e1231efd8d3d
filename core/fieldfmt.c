/* Text forms of field values.
 *
 * ARGUS_FORMAT_TEXT, ARGUS_FORMAT_TEXT_UNIX: what Argus 3.0.8's ra prints
 * with -n (and -u): a value's preferred ra text (v->s) when the getter left
 * one, ra's padding of dir and flgs, "Broadcast" for ff:ff:ff:ff:ff:ff,
 * durations and rates rounded to single precision as ra computes them,
 * times as local "HH:MM:SS.uuuuuu" (TEXT) or epoch "sec.usec" (TEXT_UNIX).
 *
 * ARGUS_FORMAT_CSV, the clean machine form used by the csv and json outputs:
 *   numbers plain decimal (IP ids, VLAN tags and ICMP ports too: no "0x");
 *   doubles "%.6f" in double precision; durations exact "sec.usec";
 *   times RFC 3339 in UTC with microseconds, "2020-06-10T09:21:03.720289Z";
 *   MAC addresses always as six hex pairs;
 *   strings without ra's padding: dir "->", "<->", "<?>", "who" ...;
 *   flgs is ra's flag map without its first column (always blank) and
 *   without trailing blanks, so every letter keeps its position: "e",
 *   "eU", "e s", "e    F", "" when no flag is set;
 *   cause spelled out for every cause ("Flush", "Close" where ra says
 *   "Unknown").
 * Absent values are empty in every style. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <argus/field.h>

#include "fieldtab.h"

static size_t put(char *buf, size_t buflen, const char *s, size_t n)
{
	if (n >= buflen)
		n = buflen - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return n;
}

static size_t put_fmt_len(char *buf, size_t buflen, int n)
{
	if (n < 0) {
		buf[0] = '\0';
		return 0;
	}
	return (size_t)n >= buflen ? buflen - 1 : (size_t)n;
}

/* The formats below are written by hand: they run for every field of
 * every record.  Two digits at a time: "00" .. "99". */
static const char digit_pairs[201] = "0001020304050607080910111213141516171819"
				     "2021222324252627282930313233343536373839"
				     "4041424344454647484950515253545556575859"
				     "6061626364656667686970717273747576777879"
				     "8081828384858687888990919293949596979899";

/* Decimal digits of u at p (no NUL); returns the count. */
static size_t dec(char *p, uint64_t u)
{
	uint64_t bound = 10;
	size_t n = 1;
	char *e;

	while (n < 20 && u >= bound) {
		n++;
		if (n < 20)
			bound *= 10;
	}
	e = p + n;
	while (u >= 100) {
		e -= 2;
		memcpy(e, digit_pairs + 2 * (u % 100), 2);
		u /= 100;
	}
	if (u >= 10)
		memcpy(e - 2, digit_pairs + 2 * u, 2);
	else
		e[-1] = (char)('0' + u);
	return n;
}

/* Exactly w digits, zero-padded (the last w digits of a longer u). */
static void dec_w(char *p, unsigned u, int w)
{
	while (w >= 2) {
		w -= 2;
		memcpy(p + w, digit_pairs + 2 * (u % 100), 2);
		u /= 100;
	}
	if (w)
		p[0] = (char)('0' + u % 10);
}

/* Seconds and microseconds of a time, rounding towards minus infinity. */
static void split_us(int64_t us, int64_t *sec, int64_t *frac)
{
	*sec = us / 1000000;
	*frac = us % 1000000;
	if (*frac < 0) {
		*frac += 1000000;
		*sec -= 1;
	}
}

/* Civil date from days since 1970-01-01 (proleptic Gregorian). */
static void civil(int64_t days, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t z = days + 719468, era, doe, yoe, doy, mp;

	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* The date of the last day formatted is kept per thread, as in
 * fmt_localtime. */
static size_t fmt_rfc3339(int64_t us, char *buf, size_t buflen)
{
	static _Thread_local int64_t cached_days = INT64_MIN;
	static _Thread_local char cached_date[10];
	int64_t sec, frac, days, rem;
	char tmp[40], *p = tmp;
	unsigned hour, min;

	split_us(us, &sec, &frac);
	days = sec / 86400;
	rem = sec % 86400;
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	hour = (unsigned)(rem / 3600);
	min = (unsigned)(rem / 60 % 60);
	if (days != cached_days) {
		int64_t y;
		unsigned mo, d;

		civil(days, &y, &mo, &d);
		if (y < 0 || y > 9999)
			return put_fmt_len(buf, buflen,
					   snprintf(buf, buflen,
						    "%" PRId64 "-%02u-%02uT%02u:%02u:%02u.%06uZ", y, mo,
						    d, hour, min, (unsigned)(rem % 60), (unsigned)frac));
		dec_w(cached_date, (unsigned)y, 4);
		cached_date[4] = '-';
		dec_w(cached_date + 5, mo, 2);
		cached_date[7] = '-';
		dec_w(cached_date + 8, d, 2);
		cached_days = days;
	}
	memcpy(p, cached_date, 10);
	p[10] = 'T';
	dec_w(p + 11, hour, 2);
	p[13] = ':';
	dec_w(p + 14, min, 2);
	p[16] = ':';
	dec_w(p + 17, (unsigned)(rem % 60), 2);
	p[19] = '.';
	dec_w(p + 20, (unsigned)frac, 6);
	p[26] = 'Z';
	return put(buf, buflen, tmp, 27);
}

/* ra's default time format: local "%T" plus microseconds.  The broken-down
 * time of the last second is kept per thread: records come in time order. */
static size_t fmt_localtime(int64_t us, char *buf, size_t buflen)
{
	static _Thread_local int64_t cached_sec = INT64_MIN;
	static _Thread_local char cached[16];
	int64_t sec, frac;

	split_us(us, &sec, &frac);
	if (sec != cached_sec) {
		time_t t = (time_t)sec;
		struct tm tm;

		if (!localtime_r(&t, &tm))
			memset(&tm, 0, sizeof tm);
		snprintf(cached, sizeof cached, "%02u:%02u:%02u", (unsigned)tm.tm_hour & 0x3fu,
			 (unsigned)tm.tm_min & 0x3fu, (unsigned)tm.tm_sec & 0x3fu);
		cached_sec = sec;
	}
	{
		char tmp[16];

		memcpy(tmp, cached, 8);
		tmp[8] = '.';
		dec_w(tmp + 9, (unsigned)frac, 6);
		return put(buf, buflen, tmp, 15);
	}
}

static size_t fmt_epoch(int64_t us, char *buf, size_t buflen)
{
	uint64_t a = us < 0 ? (uint64_t)0 - (uint64_t)us : (uint64_t)us;
	char tmp[32];
	size_t n = 0;

	if (us < 0)
		tmp[n++] = '-';
	n += dec(tmp + n, a / 1000000);
	tmp[n++] = '.';
	dec_w(tmp + n, (unsigned)(a % 1000000), 6);
	return put(buf, buflen, tmp, n + 6);
}

static size_t fmt_mac(const uint8_t *m, int ra, char *buf, size_t buflen)
{
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

	static const char hex[] = "0123456789abcdef";
	char tmp[18];
	int i;

	if (ra && memcmp(m, bcast, 6) == 0)
		return put(buf, buflen, "Broadcast", 9);
	for (i = 0; i < 6; i++) {
		tmp[3 * i] = hex[m[i] >> 4];
		tmp[3 * i + 1] = hex[m[i] & 15];
		tmp[3 * i + 2] = ':';
	}
	return put(buf, buflen, tmp, 17);
}

/* One byte in decimal at p; returns the count. */
static size_t dec_byte(char *p, unsigned b)
{
	if (b >= 100) {
		p[0] = (char)('0' + b / 100);
		memcpy(p + 1, digit_pairs + 2 * (b % 100), 2);
		return 3;
	}
	if (b >= 10) {
		memcpy(p, digit_pairs + 2 * b, 2);
		return 2;
	}
	p[0] = (char)('0' + b);
	return 1;
}

static size_t fmt_ipv4(const uint8_t *b, char *p)
{
	size_t n = dec_byte(p, b[0]);
	int i;

	for (i = 1; i < 4; i++) {
		p[n++] = '.';
		n += dec_byte(p + n, b[i]);
	}
	return n;
}

/* IPv6 text exactly as glibc's inet_ntop(3) writes it: lower-case hex
 * groups without leading zeros; the longest run of two or more zero groups
 * (the first of equal runs) as "::"; the last 32 bits as a dotted quad when
 * the address is IPv4-compatible (::a.b.c.d, first 96 bits zero, not ::1 or
 * ::) or IPv4-mapped (::ffff:a.b.c.d). */
static size_t fmt_ipv6(const uint8_t *b, char *p)
{
	static const char hex[] = "0123456789abcdef";
	unsigned g[8];
	int i, run_at = -1, run_len = 0, at = -1, len = 0;
	size_t n = 0;

	for (i = 0; i < 8; i++)
		g[i] = (unsigned)b[2 * i] << 8 | b[2 * i + 1];
	for (i = 0; i <= 8; i++) {
		if (i < 8 && g[i] == 0) {
			if (at < 0)
				at = i, len = 0;
			len++;
		} else if (at >= 0) {
			if (len > run_len)
				run_at = at, run_len = len;
			at = -1;
		}
	}
	if (run_len < 2)
		run_at = -1;
	for (i = 0; i < 8; i++) {
		unsigned x = g[i];
		int shift;

		if (run_at >= 0 && i >= run_at && i < run_at + run_len) {
			if (i == run_at)
				p[n++] = ':';
			continue;
		}
		if (i)
			p[n++] = ':';
		if (i == 6 && run_at == 0 && (run_len == 6 || (run_len == 5 && g[5] == 0xffff)))
			return n + fmt_ipv4(b + 12, p + n);
		for (shift = 12; shift > 0 && !(x >> shift); shift -= 4)
			;
		for (; shift >= 0; shift -= 4)
			p[n++] = hex[(x >> shift) & 15];
	}
	if (run_at >= 0 && run_at + run_len == 8)
		p[n++] = ':';
	return n;
}

static size_t fmt_addr(const struct argus_addr *a, char *buf, size_t buflen)
{
	char tmp[48];

	if (a->family != 6)
		return put(buf, buflen, tmp, fmt_ipv4(a->bytes, tmp));
	return put(buf, buflen, tmp, fmt_ipv6(a->bytes, tmp));
}

static size_t fmt_string(const struct argus_field *f, const struct argus_value *v,
			 enum argus_format_style style, char *buf, size_t buflen)
{
	const char *s = v->s, *name = f ? f->name : NULL;
	size_t n = strnlen(s, sizeof v->s);

	if (style != ARGUS_FORMAT_CSV) {
		/* ra names no cause beyond these */
		if (name && strcmp(name, "cause") == 0 &&
		    (v->v.u == 0 || v->v.u == 5 || v->v.u == 7 || v->v.u > 8))
			return put(buf, buflen, "Unknown", 7);
		return put(buf, buflen, s, n);
	}
	if (f && (f->flags & ARGUS_FIELD_F_PAD) && name && strcmp(name, "flgs") == 0 && n) {
		s++;
		n--;
	} else {
		while (n && *s == ' ') {
			s++;
			n--;
		}
	}
	while (n && s[n - 1] == ' ')
		n--;
	return put(buf, buflen, s, n);
}

size_t argus_field_format(const struct argus_field *f, const struct argus_value *v,
			  enum argus_format_style style, char *buf, size_t buflen)
{
	int ra = style != ARGUS_FORMAT_CSV;

	if (!buf || buflen == 0)
		return 0;
	buf[0] = '\0';
	if (!v)
		return 0;
	if (ra && v->type != ARGUS_VALUE_STRING && v->s[0])
		return put(buf, buflen, v->s, strnlen(v->s, sizeof v->s));
	switch (v->type) {
	case ARGUS_VALUE_NONE:
		return 0;
	case ARGUS_VALUE_UINT: {
		char tmp[20];
		return put(buf, buflen, tmp, dec(tmp, v->v.u));
	}
	case ARGUS_VALUE_INT:
		return put_fmt_len(buf, buflen, snprintf(buf, buflen, "%" PRId64, v->v.i));
	case ARGUS_VALUE_DOUBLE:
		/* ra computes these in single precision */
		return put_fmt_len(buf, buflen,
				   snprintf(buf, buflen, "%.6f", ra ? (double)(float)v->v.d : v->v.d));
	case ARGUS_VALUE_TIME:
		if (style == ARGUS_FORMAT_TEXT)
			return fmt_localtime(v->v.time_us, buf, buflen);
		if (style == ARGUS_FORMAT_TEXT_UNIX)
			return fmt_epoch(v->v.time_us, buf, buflen);
		return fmt_rfc3339(v->v.time_us, buf, buflen);
	case ARGUS_VALUE_DURATION:
		if (ra)
			return put_fmt_len(buf, buflen,
					   snprintf(buf, buflen, "%.6f",
						    (double)(float)((double)v->v.time_us / 1e6)));
		return fmt_epoch(v->v.time_us, buf, buflen);
	case ARGUS_VALUE_ADDR:
		return fmt_addr(&v->v.addr, buf, buflen);
	case ARGUS_VALUE_MAC:
		return fmt_mac(v->v.mac, ra, buf, buflen);
	case ARGUS_VALUE_STRING:
		return fmt_string(f, v, style, buf, buflen);
	}
	return 0;
}
