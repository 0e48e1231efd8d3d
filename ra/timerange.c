/* ra -t: time ranges as Argus 3.0.8's ra takes them (checked against
 * Debian's ra 3.0.8.2 with TZ=UTC; see man/ra.1).
 *
 *   [x][i|n|c] SPEC [ - SPEC | - DURATION | + DURATION ]
 *   -DURATION [ + DURATION ]                     relative to now: the units
 *                                                that end with the current one
 *
 * SPEC: yyyy | yyyy/mm | [yyyy/]mm/dd | [[[yyyy/]mm/]dd.]HH[:MM[:SS[.frac]]]
 *       | epoch seconds (5 digits or more) | units such as 2019y3M21d9h.
 * DURATION: units N{y,M,d,h,m,s}, e.g. 2h5m (M months, m minutes).
 * A lone SPEC covers its finest field (2019/03: the month); "SPEC." is
 * the instant itself.  SPEC-SPEC ends where the second SPEC starts.
 * Unit forms are cut down to their finest unit (-10m starts on a whole
 * minute), as ra does.  Dates are local time, like ra's. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "timerange.h"

#define SPEC_MAX 64

enum gran { G_NONE = 0, G_YEAR, G_MONTH, G_DAY, G_HOUR, G_MIN, G_SEC };

/* A point in local time with its finest given field. */
struct tpoint {
	struct tm tm;
	int64_t frac_us;
	int gran;
};

static int64_t to_us(const struct tpoint *p)
{
	struct tm c = p->tm;

	c.tm_isdst = -1;
	return (int64_t)mktime(&c) * 1000000 + p->frac_us;
}

static void from_us(struct tpoint *p, int64_t us)
{
	time_t t = (time_t)(us >= 0 ? us / 1000000 : (us - 999999) / 1000000);

	localtime_r(&t, &p->tm);
	p->frac_us = us - (int64_t)t * 1000000;
}

/* Fields below G set to their first value. */
static void truncate_to(struct tpoint *p, int g)
{
	if (g < G_SEC)
		p->frac_us = 0;
	switch (g) {
	case G_YEAR:
		p->tm.tm_mon = 0;
		/* fall through */
	case G_MONTH:
		p->tm.tm_mday = 1;
		/* fall through */
	case G_DAY:
		p->tm.tm_hour = 0;
		/* fall through */
	case G_HOUR:
		p->tm.tm_min = 0;
		/* fall through */
	case G_MIN:
		p->tm.tm_sec = 0;
		break;
	default:
		break;
	}
}

/* P moved by N units of G (years and months by the calendar, the rest in
 * seconds, as ra). */
static void add_units(struct tpoint *p, int g, long n)
{
	static const long secs[] = {0, 0, 0, 86400, 3600, 60, 1};

	if (g == G_YEAR || g == G_MONTH) {
		struct tm c = p->tm;
		if (g == G_YEAR)
			c.tm_year += (int)n;
		else
			c.tm_mon += (int)n;
		c.tm_isdst = -1;
		mktime(&c);
		p->tm = c;
	} else {
		from_us(p, to_us(p) + (int64_t)n * secs[g] * 1000000);
	}
}

static int unit_gran(char u)
{
	switch (u) {
	case 'y':
		return G_YEAR;
	case 'M':
		return G_MONTH;
	case 'd':
		return G_DAY;
	case 'h':
		return G_HOUR;
	case 'm':
		return G_MIN;
	case 's':
		return G_SEC;
	default:
		return G_NONE;
	}
}

static int is_unit_form(const char *s)
{
	return isdigit((unsigned char)s[0]) && strpbrk(s, "yMdhms") != NULL;
}

/* The finest unit of "N{unit}..." (G_NONE if malformed). */
static int finest_unit(const char *s)
{
	int finest = G_NONE;

	for (; *s; s++) {
		int g = unit_gran(*s);
		if (g > finest)
			finest = g;
	}
	return finest;
}

/* "N{unit}..." applied to P: SIGN 0 sets the fields (2019y3M), +1/-1 moves
 * P.  The result is cut down to the finest unit. */
static int apply_units(const char *s, int sign, struct tpoint *p, char *err, size_t errlen)
{
	int finest = G_NONE;

	while (*s) {
		char *end;
		long n;
		int g;

		if (!isdigit((unsigned char)*s))
			goto bad;
		n = strtol(s, &end, 10);
		g = unit_gran(*end);
		if (end == s || g == G_NONE || n > 100000)
			goto bad;
		if (sign == 0) {
			switch (g) {
			case G_YEAR:
				if (n < 1900)
					goto bad;
				p->tm.tm_year = (int)(n - 1900);
				break;
			case G_MONTH:
				if (n < 1 || n > 12)
					goto bad;
				p->tm.tm_mon = (int)(n - 1);
				break;
			case G_DAY:
				if (n < 1 || n > 31)
					goto bad;
				p->tm.tm_mday = (int)n;
				break;
			case G_HOUR:
				if (n > 23)
					goto bad;
				p->tm.tm_hour = (int)n;
				break;
			case G_MIN:
				if (n > 59)
					goto bad;
				p->tm.tm_min = (int)n;
				break;
			default:
				if (n > 60)
					goto bad;
				p->tm.tm_sec = (int)n;
				break;
			}
			p->frac_us = 0;
		} else {
			add_units(p, g, sign * n);
		}
		if (g > finest)
			finest = g;
		s = end + 1;
	}
	truncate_to(p, finest);
	p->gran = finest;
	return 0;
bad:
	snprintf(err, errlen, "'%s': expected numbers with units y M d h m s (such as 2h5m)",
		 s);
	return -1;
}

/* Digits only, LEN of them, at most MAXLEN. */
static int digits(const char *s, size_t minlen, size_t maxlen, long *out)
{
	size_t n = strlen(s);

	if (n < minlen || n > maxlen || strspn(s, "0123456789") != n)
		return 0;
	*out = strtol(s, NULL, 10);
	return 1;
}

/* yyyy | yyyy/mm | [yyyy/]mm/dd | [[[yyyy/]mm/]dd.]HH[:MM[:SS[.frac]]] | epoch */
static int parse_abs(const char *spec, struct tpoint *p, char *err, size_t errlen)
{
	char buf[SPEC_MAX], *date = NULL, *clock = NULL, *dot;
	long v, y = -1, mo = -1, d = -1, h = -1, mi = -1, s = -1;
	int64_t frac = 0;

	if (strlen(spec) >= sizeof buf)
		goto bad;
	snprintf(buf, sizeof buf, "%s", spec);
	if (digits(buf, 5, 12, &v)) { /* epoch seconds */
		from_us(p, (int64_t)v * 1000000);
		p->gran = G_SEC;
		return 0;
	}
	dot = strchr(buf, '.');
	if (dot && !memchr(buf, ':', (size_t)(dot - buf))) {
		*dot = '\0';
		date = buf;
		clock = dot + 1;
	} else if (strchr(buf, '/') || (digits(buf, 4, 4, &v))) {
		date = buf;
	} else {
		clock = buf;
	}
	if (date) {
		char *a = date, *b = strchr(a, '/'), *c = NULL;
		if (b) {
			*b++ = '\0';
			c = strchr(b, '/');
			if (c)
				*c++ = '\0';
		}
		if (c) { /* yyyy/mm/dd */
			if (!digits(a, 4, 4, &y) || !digits(b, 1, 2, &mo) || !digits(c, 1, 2, &d))
				goto bad;
		} else if (b) { /* yyyy/mm or mm/dd */
			if (digits(a, 4, 4, &y)) {
				if (!digits(b, 1, 2, &mo))
					goto bad;
			} else if (!digits(a, 1, 2, &mo) || !digits(b, 1, 2, &d)) {
				goto bad;
			}
		} else if (!clock && digits(a, 4, 4, &y)) { /* yyyy */
		} else if (!digits(a, 1, 2, &d)) {  /* dd. */
			goto bad;
		}
	}
	if (clock && *clock) {
		char *m = strchr(clock, ':'), *sec = NULL, *f;
		if (m) {
			*m++ = '\0';
			sec = strchr(m, ':');
			if (sec)
				*sec++ = '\0';
		}
		if (sec && (f = strchr(sec, '.'))) {
			size_t k;
			*f++ = '\0';
			if (!*f || strlen(f) > 6 || strspn(f, "0123456789") != strlen(f))
				goto bad;
			for (k = 0; k < 6; k++)
				frac = frac * 10 + (f[k] ? f[k] - '0' : 0);
			if (!f[0])
				goto bad;
		}
		if (!digits(clock, 1, 2, &h) || (m && !digits(m, 1, 2, &mi)) ||
		    (sec && !digits(sec, 1, 2, &s)))
			goto bad;
	} else if (clock) {
		goto bad;
	}
	if ((mo != -1 && (mo < 1 || mo > 12)) || (d != -1 && (d < 1 || d > 31)) || h > 23 ||
	    mi > 59 || s > 60 || (y != -1 && y < 1900))
		goto bad;
	/* the fields given; the larger ones from today, the smaller ones first */
	p->gran = s >= 0 ? G_SEC : mi >= 0 ? G_MIN : h >= 0 ? G_HOUR : d >= 0 ? G_DAY
		: mo >= 0 ? G_MONTH : G_YEAR;
	if (y >= 0)
		p->tm.tm_year = (int)(y - 1900);
	if (mo >= 0)
		p->tm.tm_mon = (int)(mo - 1);
	if (d >= 0)
		p->tm.tm_mday = (int)d;
	if (h >= 0)
		p->tm.tm_hour = (int)h;
	if (mi >= 0)
		p->tm.tm_min = (int)mi;
	if (s >= 0)
		p->tm.tm_sec = (int)s;
	truncate_to(p, p->gran);
	p->frac_us = frac;
	return 0;
bad:
	snprintf(err, errlen, "'%s' is not a time (yyyy/mm/dd.HH:MM:SS, epoch seconds or "
			      "units such as 2019y3M21d)",
		 spec);
	return -1;
}

int ra_timerange_parse(const char *arg, int64_t now_us, struct ra_timerange *tr, char *err,
		       size_t errlen)
{
	char buf[2 * SPEC_MAX], *body, *sep, *spec2 = NULL, sepc = 0, msg[160];
	struct tpoint now, a, b, end_rel;
	int relative, instant = 0;

	memset(tr, 0, sizeof *tr);
	tr->mode = RA_TIME_INTERSECTS;
	if (strlen(arg) >= sizeof buf) {
		snprintf(err, errlen, "-t: time range too long");
		return -1;
	}
	snprintf(buf, sizeof buf, "%s", arg);
	body = buf;
	if (*body == 'x') {
		tr->negate = 1;
		body++;
	}
	if (*body == 'i' || *body == 'n' || *body == 'c')
		tr->mode = (uint8_t)*body++;
	if (!*body) {
		snprintf(err, errlen, "-t '%s': no time given", arg);
		return -1;
	}
	if (strchr(body, '*')) {
		snprintf(err, errlen, "-t '%s': wildcards ('*') are not supported", arg);
		return -1;
	}
	from_us(&now, now_us);
	end_rel = now;
	relative = *body == '-';
	if (relative)
		body++;
	sep = strpbrk(body, "+-");
	if (sep) {
		sepc = *sep;
		*sep = '\0';
		spec2 = sep + 1;
		if (!*spec2 || !*body) {
			snprintf(err, errlen, "-t '%s': nothing %s '%c'", arg,
				 *body ? "after" : "before", sepc);
			return -1;
		}
	}
	a = now;
	if (relative) {
		/* as ra: the current unit counts in whole, so -10m is the 10
		 * minutes that end with this one, -1M this month */
		int g = finest_unit(body);
		truncate_to(&a, g);
		add_units(&a, g, 1);
		end_rel = a;
		if (!is_unit_form(body) || apply_units(body, -1, &a, msg, sizeof msg) != 0) {
			snprintf(err, errlen, "-t '%s': a relative time is units such as -10m or -2h5m",
				 arg);
			return -1;
		}
	} else {
		size_t n = strlen(body);
		if (n > 1 && body[n - 1] == '.') { /* "SPEC.": the instant */
			body[n - 1] = '\0';
			instant = 1;
		}
		if ((is_unit_form(body) ? apply_units(body, 0, &a, msg, sizeof msg)
					: parse_abs(body, &a, msg, sizeof msg)) != 0) {
			snprintf(err, errlen, "-t '%s': %s", arg, msg);
			return -1;
		}
	}
	b = a;
	if (spec2 && is_unit_form(spec2)) {
		if (apply_units(spec2, sepc == '+' ? 1 : -1, &b, msg, sizeof msg) != 0) {
			snprintf(err, errlen, "-t '%s': %s", arg, msg);
			return -1;
		}
		if (sepc == '-') { /* SPEC-DURATION: the time before SPEC */
			struct tpoint t = a;
			a = b;
			b = t;
		}
	} else if (spec2) {
		b = now;
		if (sepc == '+') {
			snprintf(err, errlen, "-t '%s': '+' takes a duration such as 20s or 1h", arg);
			return -1;
		}
		if (parse_abs(spec2, &b, msg, sizeof msg) != 0) {
			snprintf(err, errlen, "-t '%s': %s", arg, msg);
			return -1;
		}
	} else if (relative) {
		b = end_rel;
	} else if (!instant) {
		add_units(&b, a.gran, 1);
	}
	tr->start_us = to_us(&a);
	tr->end_us = to_us(&b);
	if (tr->end_us < tr->start_us) {
		snprintf(err, errlen, "-t '%s': the range ends before it starts", arg);
		return -1;
	}
	return 0;
}

int ra_timerange_match(const struct ra_timerange *tr, const struct argus_record *rec)
{
	int64_t s, l;
	int in;

	if (rec->kind == ARGUS_RECORD_MAR) {
		s = rec->mar.start_us;
		l = rec->mar.now_us;
		in = l >= tr->start_us && l <= tr->end_us &&
		     (rec->cause != ARGUS_CAUSE_START || s >= tr->start_us);
		return in != tr->negate;
	}
	if (!(rec->present & ARGUS_HAS_TIME))
		return tr->negate;
	s = rec->stime_us;
	l = rec->ltime_us;
	switch (tr->mode) {
	case RA_TIME_INCLUDES:
		in = s <= tr->start_us && l >= tr->end_us;
		break;
	case RA_TIME_CONTAINED:
		in = s >= tr->start_us && l <= tr->end_us;
		break;
	default:
		in = s <= tr->end_us && l >= tr->start_us;
		break;
	}
	return in != tr->negate;
}
