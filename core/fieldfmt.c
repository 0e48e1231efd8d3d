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

#include <arpa/inet.h>
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

/* Decimal digits of u at p (no NUL); returns the count.  The formats below
 * are written by hand: they run for every field of every record. */
static size_t dec(char *p, uint64_t u)
{
	char tmp[20];
	size_t n = 0, i;

	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	for (i = 0; i < n; i++)
		p[i] = tmp[n - 1 - i];
	return n;
}

/* Exactly w digits, zero-padded. */
static void dec_w(char *p, unsigned u, int w)
{
	while (w-- > 0) {
		p[w] = (char)('0' + u % 10);
		u /= 10;
	}
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

static size_t fmt_rfc3339(int64_t us, char *buf, size_t buflen)
{
	int64_t sec, frac, days, rem, y;
	unsigned mo, d;
	char tmp[40], *p = tmp;

	split_us(us, &sec, &frac);
	days = sec / 86400;
	rem = sec % 86400;
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	civil(days, &y, &mo, &d);
	if (y < 0 || y > 9999)
		return put_fmt_len(buf, buflen,
				   snprintf(buf, buflen, "%" PRId64 "-%02u-%02uT%02u:%02u:%02u.%06uZ", y,
					    mo, d, (unsigned)(rem / 3600), (unsigned)(rem / 60 % 60),
					    (unsigned)(rem % 60), (unsigned)frac));
	dec_w(p, (unsigned)y, 4);
	p[4] = '-';
	dec_w(p + 5, mo, 2);
	p[7] = '-';
	dec_w(p + 8, d, 2);
	p[10] = 'T';
	dec_w(p + 11, (unsigned)(rem / 3600), 2);
	p[13] = ':';
	dec_w(p + 14, (unsigned)(rem / 60 % 60), 2);
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

static size_t fmt_addr(const struct argus_addr *a, char *buf, size_t buflen)
{
	char tmp[INET6_ADDRSTRLEN];
	size_t n = 0;
	int i;

	if (a->family != 6) {
		for (i = 0; i < 4; i++) {
			if (i)
				tmp[n++] = '.';
			n += dec(tmp + n, a->bytes[i]);
		}
		return put(buf, buflen, tmp, n);
	}
	if (!inet_ntop(AF_INET6, a->bytes, tmp, sizeof tmp))
		tmp[0] = '\0';
	return put(buf, buflen, tmp, strlen(tmp));
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
