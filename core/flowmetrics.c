/* Optional per-flow metrics (-J, -Z, -U), computed as Argus 3.0.8 does,
 * arithmetic types included, so that ra prints the same numbers. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "flowmetrics.h"

/* Argus's ArgusTimeStats: float minimum, maximum and sum, integer sum of
 * squares. */
struct fm_stat {
	uint32_t n;
	float min, max, sum;
	int64_t sumsq;
};

struct fm_jitter {
	int64_t last_us[2];       /* last packet of each direction; 0 = none */
	struct fm_stat st[2][2];  /* [direction][active, idle] */
};

struct fm_psize {
	uint16_t min[2], max[2];
};

struct fm_user {
	uint16_t len[2];
	/* then user_len bytes per direction */
};

#define ALIGN8(n) (((n) + 7) & ~(size_t)7)
#define STAT_MIN_INIT 4294967295.0f /* Argus's 0xffffffff in a float */

void argus_fm_setup(struct argus_fm *fm, int jitter, int psize, uint32_t user_len,
		    uint32_t status_interval_s)
{
	size_t off = 0;

	memset(fm, 0, sizeof *fm);
	fm->jitter = jitter != 0;
	fm->psize = psize != 0;
	fm->user_len = user_len;
	fm->jit_limit_us = (int64_t)status_interval_s * 2000000;
	if (fm->jitter) {
		fm->jit_off = off;
		off += ALIGN8(sizeof(struct fm_jitter));
	}
	if (fm->psize) {
		fm->psize_off = off;
		off += ALIGN8(sizeof(struct fm_psize));
	}
	if (user_len) {
		fm->user_off = off;
		off += ALIGN8(sizeof(struct fm_user) + 2 * (size_t)user_len);
	}
	fm->size = off;
}

static void stats_reset(struct fm_jitter *j)
{
	memset(j->st, 0, sizeof j->st);
	for (int d = 0; d < 2; d++)
		for (int a = 0; a < 2; a++)
			j->st[d][a].min = STAT_MIN_INIT;
}

static void psize_reset(struct fm_psize *p)
{
	p->min[0] = p->min[1] = 0xffff;
	p->max[0] = p->max[1] = 0;
}

void argus_fm_init(const struct argus_fm *fm, void *m)
{
	uint8_t *b = m;

	if (!fm->size)
		return;
	memset(m, 0, fm->size);
	if (fm->jitter)
		stats_reset((struct fm_jitter *)(void *)(b + fm->jit_off));
	if (fm->psize)
		psize_reset((struct fm_psize *)(void *)(b + fm->psize_off));
}

static void stat_add(struct fm_stat *s, uint64_t iv)
{
	float f = (float)iv;

	if (s->min > f)
		s->min = f;
	if (s->max < f)
		s->max = f;
	s->sum += f;
	s->sumsq = (int64_t)((double)s->sumsq + (double)iv * (double)iv);
	s->n++;
}

void argus_fm_packet(const struct argus_fm *fm, void *m, int dir, int64_t ts_us, uint32_t wirelen,
		     int active, const uint8_t *payload, uint32_t captured, uint32_t wire)
{
	uint8_t *b = m;
	int d = dir != 0;

	if (fm->psize) {
		struct fm_psize *p = (struct fm_psize *)(void *)(b + fm->psize_off);
		/* Argus compares the int length with its u16 fields */
		if (wirelen > p->max[d])
			p->max[d] = (uint16_t)wirelen;
		if (wirelen < p->min[d])
			p->min[d] = (uint16_t)wirelen;
	}
	if (fm->jitter) {
		struct fm_jitter *j = (struct fm_jitter *)(void *)(b + fm->jit_off);
		if (j->last_us[d] < ts_us) {
			if (j->last_us[d] > 0) {
				uint64_t iv = (uint64_t)(ts_us - j->last_us[d]);
				if ((int64_t)iv < fm->jit_limit_us)
					stat_add(&j->st[d][active ? 0 : 1], iv);
			}
			j->last_us[d] = ts_us;
		}
	}
	if (fm->user_len && payload && wire > 0) {
		struct fm_user *u = (struct fm_user *)(void *)(b + fm->user_off);
		uint32_t room = fm->user_len - u->len[d];
		uint32_t n = room < wire ? room : wire;
		if (n > captured)
			n = captured;
		if (n) {
			uint8_t *dst = b + fm->user_off + sizeof *u + (size_t)d * fm->user_len;
			memcpy(dst + u->len[d], payload, n);
			u->len[d] = (uint16_t)(u->len[d] + n);
		}
	}
}

static void stat_out(const struct fm_stat *s, struct argus_jitter_stats *o)
{
	long long sq = s->sumsq / (long long)s->n; /* Argus divides integers here */
	float mean = s->sum / (float)s->n;

	o->n = s->n;
	o->min = s->min;
	o->max = s->max;
	o->mean = mean;
	o->stddev = (float)sqrt((double)sq - pow((double)mean, 2.0));
}

static void jitter_out(const struct fm_stat st[2], struct argus_jitter *o)
{
	o->valid = 0;
	if (st[0].n) {
		stat_out(&st[0], &o->active);
		o->valid |= 0x01;
	}
	if (st[1].n) {
		stat_out(&st[1], &o->idle);
		o->valid |= 0x02;
	}
}

void argus_fm_fill(const struct argus_fm *fm, const void *m, struct argus_record *rec)
{
	const uint8_t *b = m;

	if (fm->jitter) {
		const struct fm_jitter *j = (const void *)(b + fm->jit_off);
		jitter_out(j->st[0], &rec->sjit);
		jitter_out(j->st[1], &rec->djit);
		if (rec->sjit.valid | rec->djit.valid)
			rec->present |= ARGUS_HAS_JITTER;
	}
	if (fm->psize) {
		const struct fm_psize *p = (const void *)(b + fm->psize_off);
		/* a direction without packets (maximum 0) is left out */
		if (p->max[0]) {
			rec->spsize_min = p->min[0];
			rec->spsize_max = p->max[0];
		}
		if (p->max[1]) {
			rec->dpsize_min = p->min[1];
			rec->dpsize_max = p->max[1];
		}
		if (p->max[0] | p->max[1])
			rec->present |= ARGUS_HAS_PSIZE;
	}
	if (fm->user_len) {
		const struct fm_user *u = (const void *)(b + fm->user_off);
		const uint8_t *data = b + fm->user_off + sizeof *u;
		size_t cap = fm->user_len < ARGUS_USERDATA_MAX ? fm->user_len : ARGUS_USERDATA_MAX;
		rec->suser_len = (uint16_t)(u->len[0] < cap ? u->len[0] : cap);
		rec->duser_len = (uint16_t)(u->len[1] < cap ? u->len[1] : cap);
		memcpy(rec->suser, data, rec->suser_len);
		memcpy(rec->duser, data + fm->user_len, rec->duser_len);
		if (rec->suser_len | rec->duser_len)
			rec->present |= ARGUS_HAS_USERDATA;
	}
}

void argus_fm_report_done(const struct argus_fm *fm, void *m)
{
	uint8_t *b = m;

	if (fm->jitter)
		stats_reset((struct fm_jitter *)(void *)(b + fm->jit_off));
	if (fm->psize)
		psize_reset((struct fm_psize *)(void *)(b + fm->psize_off));
	if (fm->user_len)
		((struct fm_user *)(void *)(b + fm->user_off))->len[0] =
			((struct fm_user *)(void *)(b + fm->user_off))->len[1] = 0;
}
