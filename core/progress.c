/* One updating progress line on stderr, only when stderr is a terminal. */
#include "config.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "progress.h"

static double monotonic_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void argus_progress_start(struct argus_progress *p, int quiet, uint64_t total_bytes,
			  const char *unit)
{
	p->enabled = !quiet && isatty(STDERR_FILENO);
	p->total = total_bytes;
	p->unit = unit;
	p->started = p->enabled ? monotonic_seconds() : 0;
	p->last_draw = p->started;
	p->calls = 0;
	p->drawn = 0;
}

void argus_progress_update(struct argus_progress *p, uint64_t bytes_done, uint64_t items)
{
	double now, elapsed, rate;

	if (!p->enabled || (++p->calls & 0xff) != 0)
		return;
	now = monotonic_seconds();
	if (now - p->last_draw < 0.25)
		return;
	p->last_draw = now;
	elapsed = now - p->started;
	rate = elapsed > 0 ? (double)items / elapsed : 0;
	if (p->total > 0)
		fprintf(stderr, "\r%5.1f%%  %llu %s  %.0f %s/s   ",
			100.0 * (double)bytes_done / (double)p->total, (unsigned long long)items,
			p->unit, rate, p->unit);
	else
		fprintf(stderr, "\r%llu %s  %.0f %s/s   ", (unsigned long long)items, p->unit,
			rate, p->unit);
	p->drawn = 1;
}

void argus_progress_end(struct argus_progress *p)
{
	if (p->enabled && p->drawn)
		fputs("\r\033[K", stderr);
	p->drawn = 0;
}
