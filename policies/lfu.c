/*
 * lfu.c - least frequently used, with aging.
 *
 * Evict the resident page referenced least often, counting recent references
 * more than old ones.  Pure LFU (Coffman and Denning, "Operating Systems
 * Theory", Prentice-Hall 1973) never forgets: a page that was hot an
 * hour ago keeps out the working set of now.  Aging fixes that the way the
 * "aging" variant of NFU does (Tanenbaum, "Modern Operating Systems", page
 * replacement) and Redis's LFU decays its counters (src/evict.c): every K
 * references every counter is halved, so a reference's weight falls by half
 * per period and a counter measures frequency over the last few K references.
 *
 * The counter of one resident page:
 *
 *        fill ──> count = 1          (the faulting reference)
 *        hit  ──> count = count + 1  (saturating at 2^32 - 1)
 *
 *   reference index t:  0 ........ K-1 | K ....... 2K-1 | 2K .......
 *   epoch  t / K:             0        |        1       |     2
 *                                      ^                ^
 *                     before reference K, 2K, ... (t > 0, t % K == 0)
 *                     every resident counter becomes count >> 1
 *
 *   e.g. K = 4:  t:        0   1   2   3 | 4
 *                page:     a   a   b   a | b
 *                count a   1   2   2   3 | 1     3 >> 1
 *                count b   -   -   1   1 | 1     1 >> 1 = 0, then the hit
 *
 * The counter lives with the frame, not the page: it starts at 1 when a page
 * is faulted in and is forgotten when the page is evicted, so a page coming
 * back starts again from 1.  That is the usual in-memory LFU (remembering
 * counts of evicted pages would need per-page state, which a policy here
 * never sees), and it is the first thing this policy approximates; the second
 * is frequency itself, replaced by the exponentially decayed count above.
 *
 * Victim: the smallest count; among equal counts the page least recently
 * referenced (smallest last-use time, set by fill and hit).  Each reference
 * index touches one frame, so last-use times are distinct and the choice is
 * always unique.
 *
 * Data structure: a binary min-heap of frames keyed (count, last_use) with a
 * position index, so a hit finds its frame's slot in O(1):
 *
 *        heap[0] = frame with the smallest (count, last)  <-- victim()
 *         /                         \
 *     heap[1]                     heap[2]           parent key <= child key
 *
 *     pos[f]  slot of frame f, or NOT_IN_HEAP before its first fill
 *     cnt[f]  count of frame f's page, normalised to epoch `epoch`
 *     last[f] reference index of its last fill or hit
 *
 * Halving is lazy.  Rather than touch every counter at each period boundary
 * (including periods in which nothing faults), the heap remembers the epoch
 * its counts are normalised to; at the first operation of a later epoch e
 * every count becomes count >> (e - epoch), which is exactly the result of
 * halving once per boundary crossed.  Halving is monotone but can merge two
 * different counts into a tie, after which last-use decides and the heap
 * order may be wrong, so the heap is then rebuilt bottom-up (Floyd, O(N)).
 * (A per-frame epoch stamp would make the halving itself lazier but not the
 * rebuild, and since the rebuild touches every frame anyway, one stamp for the
 * whole heap is enough.)
 *
 * Cost: hit, fill and victim O(log N), plus O(N) once per epoch that sees any
 * operation, i.e. O(N / K) amortised per reference; with the default
 * K = max(1024, 8 N) that is O(1).  Memory: 20 bytes per frame.
 */
#include <assert.h>
#include <stdlib.h>

#include "policy.h"

#define NOT_IN_HEAP UINT32_MAX /* pos[]: frame not filled yet */
#define LFU_MAX_COUNT UINT32_MAX /* counters saturate here */

struct lfu {
	uint32_t n;         /* frames */
	uint32_t size;      /* frames in the heap (filled so far) */
	uint64_t k;         /* aging period K, >= 1 */
	uint64_t epoch;     /* the epoch (now / K) the counts are normalised to */
	uint64_t epoch_end; /* first reference index of epoch + 1 (saturating) */
	uint32_t *heap;     /* heap[slot] = frame; min-heap on (cnt, last) */
	uint32_t *pos;      /* pos[frame] = slot, or NOT_IN_HEAP */
	uint32_t *cnt;      /* cnt[frame]: decayed reference count */
	uint64_t *last;     /* last[frame]: index of its last reference */
};

uint64_t lfu_default_aging(uint32_t frames)
{
	uint64_t k = 8 * (uint64_t)frames;

	return k < 1024 ? 1024 : k;
}

/* 1 if frame a must sit above frame b: fewer uses, or as few and older. */
static int lfu_below(const struct lfu *l, uint32_t a, uint32_t b)
{
	if (l->cnt[a] != l->cnt[b])
		return l->cnt[a] < l->cnt[b];
	return l->last[a] < l->last[b];
}

static void lfu_place(struct lfu *l, uint32_t slot, uint32_t frame)
{
	l->heap[slot] = frame;
	l->pos[frame] = slot;
}

static void lfu_sift_up(struct lfu *l, uint32_t slot)
{
	uint32_t f = l->heap[slot], parent;

	while (slot > 0) {
		parent = (slot - 1) / 2;
		if (!lfu_below(l, f, l->heap[parent]))
			break;
		lfu_place(l, slot, l->heap[parent]);
		slot = parent;
	}
	lfu_place(l, slot, f);
}

static void lfu_sift_down(struct lfu *l, uint32_t slot)
{
	uint32_t f = l->heap[slot], child;

	for (;;) {
		child = 2 * slot + 1;
		if (child >= l->size)
			break;
		if (child + 1 < l->size && lfu_below(l, l->heap[child + 1], l->heap[child]))
			child++;
		if (!lfu_below(l, l->heap[child], f))
			break;
		lfu_place(l, slot, l->heap[child]);
		slot = child;
	}
	lfu_place(l, slot, f);
}

/* Bring the counts to now's epoch: halve once per boundary crossed, then
 * rebuild the heap, whose order halving may have broken. */
static void lfu_age(struct lfu *l, uint64_t now)
{
	uint64_t e, shift, start;
	uint32_t i;

	if (now < l->epoch_end)
		return;
	e = now / l->k;
	assert(e > l->epoch);
	shift = e - l->epoch;
	for (i = 0; i < l->size; i++) {
		uint32_t f = l->heap[i];

		l->cnt[f] = shift >= 32 ? 0 : l->cnt[f] >> shift;
	}
	for (i = l->size / 2; i-- > 0;)
		lfu_sift_down(l, i);
	l->epoch = e;
	start = e * l->k; /* <= now, cannot overflow */
	l->epoch_end = start > UINT64_MAX - l->k ? UINT64_MAX : start + l->k;
}

static int lfu_create(void **out, const struct policy_params *p)
{
	struct lfu *l = calloc(1, sizeof *l);
	uint32_t i;

	*out = NULL;
	if (!l)
		return POLICY_ERR_NOMEM;
	l->n = p->frames;
	l->k = p->lfu_aging ? p->lfu_aging : lfu_default_aging(p->frames);
	l->epoch = 0;
	l->epoch_end = l->k;
	l->heap = malloc((size_t)l->n * sizeof *l->heap);
	l->pos = malloc((size_t)l->n * sizeof *l->pos);
	l->cnt = malloc((size_t)l->n * sizeof *l->cnt);
	l->last = malloc((size_t)l->n * sizeof *l->last);
	if (!l->heap || !l->pos || !l->cnt || !l->last) {
		free(l->heap);
		free(l->pos);
		free(l->cnt);
		free(l->last);
		free(l);
		return POLICY_ERR_NOMEM;
	}
	for (i = 0; i < l->n; i++)
		l->pos[i] = NOT_IN_HEAP;
	*out = l;
	return 0;
}

static void lfu_destroy(void *st)
{
	struct lfu *l = st;

	if (!l)
		return;
	free(l->heap);
	free(l->pos);
	free(l->cnt);
	free(l->last);
	free(l);
}

static void lfu_hit(void *st, uint32_t frame, uint64_t now, uint64_t next_use)
{
	struct lfu *l = st;

	(void)next_use;
	assert(frame < l->n && l->pos[frame] != NOT_IN_HEAP);
	lfu_age(l, now);
	if (l->cnt[frame] < LFU_MAX_COUNT)
		l->cnt[frame]++;
	l->last[frame] = now;
	lfu_sift_down(l, l->pos[frame]); /* the key only grew */
}

static void lfu_fill(void *st, uint32_t frame, uint64_t now, uint64_t next_use)
{
	struct lfu *l = st;
	uint32_t slot;

	(void)next_use;
	assert(frame < l->n);
	lfu_age(l, now);
	l->cnt[frame] = 1;
	l->last[frame] = now;
	slot = l->pos[frame];
	if (slot == NOT_IN_HEAP) {
		slot = l->size++;
		lfu_place(l, slot, frame);
	}
	lfu_sift_up(l, slot);
	lfu_sift_down(l, l->pos[frame]);
}

static uint32_t lfu_victim(void *st, uint64_t now)
{
	struct lfu *l = st;

	assert(l->size == l->n);
	lfu_age(l, now);
	return l->heap[0];
}

const struct policy_ops lfu_ops = {
	.name = "lfu",                           /* --policy lfu */
	.summary = "least frequently used, counts halved every K refs", /* --help */
	.flags = POLICY_AGING,                   /* takes --lfu-aging; not a stack algorithm */
	.create = lfu_create,                    /* heap of N frames, K from params */
	.destroy = lfu_destroy,                  /* frees it; NULL ok */
	.hit = lfu_hit,                          /* count + 1, O(log N) */
	.fill = lfu_fill,                        /* count = 1, O(log N) */
	.victim = lfu_victim,                    /* smallest (count, last), O(1) */
};
