/* ra -t: time ranges as Argus 3.0.8's ra takes them. */
#ifndef ARGUS_RA_TIMERANGE_H
#define ARGUS_RA_TIMERANGE_H

#include <stddef.h>
#include <stdint.h>

#include <argus/record.h>

enum ra_time_mode {
	RA_TIME_INTERSECTS = 'i', /* active at some time in the range (default) */
	RA_TIME_INCLUDES = 'n',   /* starts before the range and ends after it */
	RA_TIME_CONTAINED = 'c',  /* starts and ends within the range */
};

struct ra_timerange {
	int64_t start_us, end_us; /* closed interval, microseconds since the epoch */
	uint8_t mode;             /* enum ra_time_mode */
	uint8_t negate;           /* 'x': the opposite */
};

/* Parse ARG, with NOW_US as the present; local time as ra uses it.  Returns
 * 0, or -1 with the reason in ERR. */
int ra_timerange_parse(const char *arg, int64_t now_us, struct ra_timerange *tr, char *err,
		       size_t errlen);

/* Does REC fall in the range?  A management record counts by the time of
 * its report (a start record by its start as well), as in ra. */
int ra_timerange_match(const struct ra_timerange *tr, const struct argus_record *rec);

#endif
