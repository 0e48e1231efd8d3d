/* One updating progress line on stderr while reading a large input. */
#ifndef ARGUS_CORE_PROGRESS_H
#define ARGUS_CORE_PROGRESS_H

#include <stdint.h>

struct argus_progress {
	int enabled;
	uint64_t total;     /* bytes of input, 0 if unknown */
	const char *unit;   /* "packets", "records" */
	double started;     /* monotonic seconds */
	double last_draw;
	uint32_t calls;
	int drawn;
};

/* Enabled only if stderr is a terminal and quiet is 0. */
void argus_progress_start(struct argus_progress *p, int quiet, uint64_t total_bytes,
			  const char *unit);
/* Cheap to call per item: draws at most a few times a second. */
void argus_progress_update(struct argus_progress *p, uint64_t bytes_done, uint64_t items);
/* Clear the line. */
void argus_progress_end(struct argus_progress *p);

#endif
