/*
 * clock.c - the clock algorithm (second chance), one hand.
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
 * bit cleared by the hand was set by one hit or fill).  1 byte per frame.
 */
#include <assert.h>
#include <stdlib.h>

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
	uint32_t v;

	(void)now;
	while (c->use[c->hand]) {
		c->use[c->hand] = 0;
		c->hand = c->hand + 1 == c->n ? 0 : c->hand + 1;
	}
	v = c->hand;
	c->hand = v + 1 == c->n ? 0 : v + 1;
	return v;
}

const struct policy_ops clock_ops = {
	.name = "clock",                         /* --policy clock */
	.summary = "clock (second chance): one hand, a use bit per frame", /* --help */
	.flags = 0,                              /* not a stack algorithm */
	.create = clock_create,                  /* use bits, hand at frame 0 */
	.destroy = clock_destroy,                /* frees it; NULL ok */
	.hit = clock_hit,                        /* set the use bit, O(1) */
	.fill = clock_fill,                      /* set the use bit, O(1) */
	.victim = clock_victim,                  /* sweep, O(1) amortised */
};
