/*
 * clock.c - the clock algorithm (second chance), one hand.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * The frames sit on a circle, each with a use bit that the hardware sets on
 * every reference.  To find a victim the hand sweeps the circle: a frame with
 * its bit set gets a second chance (the bit is cleared and the hand moves on);
 * the first frame found with its bit clear is evicted, and the hand stops just
 * past it.  It approximates LRU with one bit per frame and no work on a hit
 * beyond setting that bit, which is why real kernels use it (Corbató, "A
 * paging experiment with the Multics system", MIT Project MAC MAC-M-384, 1968;
 * Linux's two-list variant is explained in mm/workingset.c).
 *
 *                 hand
 *                  v
 *          +---+---+---+---+---+---+
 *   use[]  | 1 | 0 | 1 | 1 | 0 | 1 |     frames 0 .. N-1, circular
 *          +---+---+---+---+---+---+
 *
 *   victim(): while use[hand]: use[hand] = 0, hand = hand + 1 (mod N)
 *             v = hand; hand = v + 1 (mod N); return v
 *   hit(f):   use[f] = 1
 *   fill(f):  use[f] = 1         (the faulting reference uses the page)
 *
 * The hand starts at frame 0 and fills of empty frames do not move it.  Since
 * victim() clears every bit it passes, a sweep ends after at most N+1 steps
 * (all bits set: one full turn clears them and the start frame is taken).
 *
 * What is approximated: recency is kept to one bit, so among pages referenced
 * since the hand last passed, clock cannot tell old from new; with every bit
 * set it degrades to FIFO.  Clock is not a stack algorithm.
 *
 * Cost: hit and fill O(1); victim() O(N) worst case, O(1) amortised (each
 * bit cleared by the hand was set by one hit or fill).  The sweep reads the
 * bits eight at a time and clears a run of eight set bits with one store,
 * which is the same sweep, faster.  1 byte per frame.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

struct clock {
	uint32_t n;          /* frames */
	uint32_t hand;       /* next frame the sweep examines */
	unsigned char *use;  /* use[f]: referenced since the hand last passed */
};

static int clock_create(void **out, const struct policy_params *p)
{
	struct clock *c = calloc(1, sizeof *c);

	*out = NULL;
	if (!c)
		return POLICY_ERR_NOMEM;
	c->n = p->frames;
	c->hand = 0;
	c->use = calloc(c->n ? c->n : 1, 1);
	if (!c->use) {
		free(c);
		return POLICY_ERR_NOMEM;
	}
	*out = c;
	return 0;
}

/* Room for more frames, their use bits clear.  The hand has not moved: it
 * moves only in victim(), which comes after the last grow(). */
static int clock_grow(void *st, uint32_t frames)
{
	struct clock *c = st;
	unsigned char *u;

	if (frames <= c->n)
		return 0;
	u = realloc(c->use, frames);
	if (!u)
		return POLICY_ERR_NOMEM;
	memset(u + c->n, 0, frames - c->n);
	c->use = u;
	c->n = frames;
	return 0;
}

static void clock_destroy(void *st)
{
	struct clock *c = st;

	if (!c)
		return;
	free(c->use);
	free(c);
}

static void clock_hit(void *st, uint32_t frame, uint64_t now, uint64_t next_use)
{
	struct clock *c = st;

	(void)now;
	(void)next_use;
	assert(frame < c->n);
	c->use[frame] = 1;
}

static void clock_fill(void *st, uint32_t frame, uint64_t now, uint64_t next_use)
{
	struct clock *c = st;

	(void)now;
	(void)next_use;
	assert(frame < c->n);
	c->use[frame] = 1;
}

static uint32_t clock_victim(void *st, uint64_t now)
{
	struct clock *c = st;
	unsigned char *use = c->use;
	uint32_t hand = c->hand, n = c->n;

	(void)now;
	/* locals: a store through use[] (a char) could alias c, so the
	 * compiler would reload c->hand and c->n on every step */
	for (;;) {
		uint64_t w;

		/* eight frames in use in a row: clear them in one store */
		if (n - hand >= 8) {
			memcpy(&w, use + hand, 8);
			if (((w - UINT64_C(0x0101010101010101)) & ~w &
			     UINT64_C(0x8080808080808080)) == 0) {
				memset(use + hand, 0, 8);
				hand = hand + 8 == n ? 0 : hand + 8;
				continue;
			}
		}
		if (!use[hand])
			break;
		use[hand] = 0;
		hand = hand + 1 == n ? 0 : hand + 1;
	}
	c->hand = hand + 1 == n ? 0 : hand + 1;
	return hand;
}

const struct policy_ops clock_ops = {
	.name = "clock",                         /* --policy clock */
	.summary = "clock (second chance): one hand, a use bit per frame", /* --help */
	.flags = 0,                              /* not a stack algorithm */
	.create = clock_create,                  /* use bits, hand at frame 0 */
	.grow = clock_grow,                      /* more use bits, clear */
	.frame_bytes = 1,                        /* use[] */
	.destroy = clock_destroy,                /* frees it; NULL ok */
	.hit = clock_hit,                        /* set the use bit, O(1) */
	.fill = clock_fill,                      /* set the use bit, O(1) */
	.victim = clock_victim,                  /* sweep, O(1) amortised */
};
