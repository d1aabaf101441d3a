/*
 * lfu.c - least frequently used, with aging.
 *
 * SPDX-License-Identifier: BSD-2-Clause
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
 * Data structure: frequency buckets, the O(1) LFU of Shah, Mitra and Matani
 * ("An O(1) algorithm for implementing the LFU cache eviction scheme", 2010).
 * One bucket per count that some resident page has, in a list sorted by
 * count; each bucket holds its frames in a list sorted by last use:
 *
 *     buckets:  [count 1] <-> [count 2] <-> [count 5] <-> ...   ascending
 *                  |             |             |
 *     frames:   f3 <-> f9     f1 <-> f4       f7                oldest first
 *               ^
 *               victim(): the head of the first bucket
 *
 *     fr[f]   frame f: its bucket (NO_BUCKET before its first fill), its
 *             neighbours in that bucket's list, its last use (the reference
 *             index of its last fill or hit)
 *     bk[b]   bucket b: its count, its oldest and newest frame, its
 *             neighbours in the bucket list; unused buckets are chained
 *             through `next` from `free_b`
 *
 * Each is one struct, so a hit touches a cache line per frame or bucket it
 * looks at, not one per field.
 *
 * The lists stay sorted by last use for free: a hit or a fill happens at the
 * newest time there is, so the frame goes to the tail of its new bucket.  A
 * hit moves a frame from the bucket of count c to that of c + 1, which is
 * the next bucket or a new one put right after; a fill puts it in the bucket
 * of count 1, the first or (after aging) the second.  Empty buckets are
 * unlinked at once, so every bucket in the list holds a frame.
 *
 * Halving is lazy.  Rather than touch every counter at each period boundary
 * (including periods in which nothing faults), the policy remembers the epoch
 * its counts are normalised to; at the first operation of a later epoch e
 * every count becomes count >> (e - epoch), which is exactly the result of
 * halving once per boundary crossed.  Halving is monotone, so the buckets
 * stay in order, but neighbours can meet at the same count (2c and 2c + 1
 * both become c): one pass along the bucket list relabels each bucket and
 * merges each such pair, two lists sorted by last use, into one (when
 * several periods passed at once and more than two meet, in rounds of such
 * pairwise merges).
 *
 * Cost: hit, fill and victim O(1); the aging pass O(N) once per epoch that
 * sees any operation, i.e. O(N / K) amortised per reference, which the
 * default K = max(1024, 8 N) makes O(1).  Memory: 24 bytes per frame and
 * 20 per bucket (N + 1 buckets), 44 per frame.
 */
#include <assert.h>
#include <stdlib.h>

#include "policy.h"

#define NO_BUCKET UINT32_MAX     /* bkt[]: frame not filled yet */
#define NIL UINT32_MAX           /* end of a frame or bucket list */
#define LFU_MAX_COUNT UINT32_MAX /* counters saturate here */

struct lfu_frame {
	uint64_t last;  /* reference index of its last fill or hit */
	uint32_t bkt;   /* its bucket, or NO_BUCKET before its first fill */
	uint32_t prev;  /* older frame in its bucket, or NIL */
	uint32_t next;  /* newer frame in its bucket, or NIL */
};

struct lfu_bucket {
	uint32_t count; /* the count of every frame in it */
	uint32_t head;  /* its oldest frame */
	uint32_t tail;  /* its newest frame */
	uint32_t prev;  /* bucket of the next smaller count, or NIL */
	uint32_t next;  /* next larger count, or NIL; for unused buckets, the free chain */
};

struct lfu {
	uint32_t n;               /* frames */
	uint64_t k;               /* aging period K, >= 1 */
	uint64_t epoch;           /* the epoch (now / K) the counts are normalised to */
	uint64_t epoch_end;       /* first reference index of epoch + 1 (saturating) */
	struct lfu_frame *fr;     /* n frames */
	struct lfu_bucket *bk;    /* n + 1 buckets */
	uint32_t first;           /* bucket of the smallest count, or NIL */
	uint32_t free_b;          /* first unused bucket, or NIL */
};

uint64_t lfu_default_aging(uint32_t frames)
{
	uint64_t k = 8 * (uint64_t)frames;

	return k < 1024 ? 1024 : k;
}

/* ------------------------------------------------------------ lists */

/* A new empty bucket of count c, linked after bucket `after` (NIL: first). */
static uint32_t bucket_new(struct lfu *l, uint32_t c, uint32_t after)
{
	uint32_t b = l->free_b, nx;

	assert(b != NIL);
	l->free_b = l->bk[b].next;
	l->bk[b].count = c;
	l->bk[b].head = l->bk[b].tail = NIL;
	nx = after == NIL ? l->first : l->bk[after].next;
	l->bk[b].prev = after;
	l->bk[b].next = nx;
	if (nx != NIL)
		l->bk[nx].prev = b;
	if (after == NIL)
		l->first = b;
	else
		l->bk[after].next = b;
	return b;
}

static void bucket_free(struct lfu *l, uint32_t b)
{
	uint32_t p = l->bk[b].prev, nx = l->bk[b].next;

	if (p == NIL)
		l->first = nx;
	else
		l->bk[p].next = nx;
	if (nx != NIL)
		l->bk[nx].prev = p;
	l->bk[b].next = l->free_b;
	l->free_b = b;
}

/* Take frame f out of its bucket (left in place even if it empties). */
static void frame_unlink(struct lfu *l, uint32_t f)
{
	uint32_t b = l->fr[f].bkt, p = l->fr[f].prev, nx = l->fr[f].next;

	if (p == NIL)
		l->bk[b].head = nx;
	else
		l->fr[p].next = nx;
	if (nx == NIL)
		l->bk[b].tail = p;
	else
		l->fr[nx].prev = p;
}

/* Put frame f at the tail (newest end) of bucket b. */
static void frame_append(struct lfu *l, uint32_t f, uint32_t b)
{
	uint32_t t = l->bk[b].tail;

	l->fr[f].bkt = b;
	l->fr[f].prev = t;
	l->fr[f].next = NIL;
	if (t == NIL)
		l->bk[b].head = f;
	else
		l->fr[t].next = f;
	l->bk[b].tail = f;
}

/* ------------------------------------------------------------ aging */

/* Bucket `into` takes every frame of bucket `from` (both sorted by last use),
 * and stays sorted; `from` is freed. */
static void bucket_merge2(struct lfu *l, uint32_t into, uint32_t from)
{
	uint32_t a = l->bk[into].head, b = l->bk[from].head, t = NIL, f;

	l->bk[into].head = NIL;
	while (a != NIL || b != NIL) {
		if (b == NIL || (a != NIL && l->fr[a].last < l->fr[b].last)) {
			f = a;
			a = l->fr[a].next;
		} else {
			f = b;
			b = l->fr[b].next;
		}
		l->fr[f].bkt = into;
		l->fr[f].prev = t;
		if (t == NIL)
			l->bk[into].head = f;
		else
			l->fr[t].next = f;
		t = f;
	}
	l->fr[t].next = NIL;
	l->bk[into].tail = t;
	bucket_free(l, from);
}

/* Merge the buckets from `into` to `last_b` (a run along the list) into
 * `into`, in rounds that merge neighbours pairwise: O(m log k) for m frames
 * in k buckets.  Only a jump of several periods at once makes k > 2. */
static void bucket_merge_many(struct lfu *l, uint32_t into, uint32_t last_b)
{
	uint32_t b, nx, after;

	while (into != last_b) {
		for (b = into; b != last_b; b = after) {
			nx = l->bk[b].next;
			after = l->bk[nx].next;
			bucket_merge2(l, b, nx);
			if (nx == last_b) {
				last_b = b;
				break;
			}
		}
	}
}

/* Bring the counts to now's epoch: halve once per boundary crossed, merging
 * the buckets that come to share a count. */
static void lfu_age(struct lfu *l, uint64_t now)
{
	uint64_t e, shift, start;
	uint32_t b, nx, c, run_end, cnt;

	if (now < l->epoch_end)
		return;
	e = now / l->k;
	assert(e > l->epoch);
	shift = e - l->epoch;
	for (b = l->first; b != NIL; b = nx) {
		c = shift >= 32 ? 0 : l->bk[b].count >> shift;
		/* the run of buckets after b that meet it at c */
		run_end = b;
		cnt = 1;
		while (l->bk[run_end].next != NIL &&
		       (shift >= 32 ? 0 : l->bk[l->bk[run_end].next].count >> shift) == c) {
			run_end = l->bk[run_end].next;
			cnt++;
		}
		nx = l->bk[run_end].next;
		l->bk[b].count = c;
		if (cnt == 2)
			bucket_merge2(l, b, run_end);
		else if (cnt > 2)
			bucket_merge_many(l, b, run_end);
	}
	l->epoch = e;
	start = e * l->k; /* <= now, cannot overflow */
	l->epoch_end = start > UINT64_MAX - l->k ? UINT64_MAX : start + l->k;
}

/* ------------------------------------------------------------ the policy */

static void lfu_destroy(void *st);

static int lfu_create(void **out, const struct policy_params *p)
{
	struct lfu *l = calloc(1, sizeof *l);
	size_t nb;
	uint32_t i;

	*out = NULL;
	if (!l)
		return POLICY_ERR_NOMEM;
	l->n = p->frames;
	l->k = p->lfu_aging ? p->lfu_aging : lfu_default_aging(p->frames);
	l->epoch = 0;
	l->epoch_end = l->k;
	nb = (size_t)l->n + 1;
	l->fr = malloc((size_t)l->n * sizeof *l->fr);
	l->bk = malloc(nb * sizeof *l->bk);
	if (!l->fr || !l->bk) {
		lfu_destroy(l);
		return POLICY_ERR_NOMEM;
	}
	for (i = 0; i < l->n; i++)
		l->fr[i].bkt = NO_BUCKET;
	for (i = 0; i < nb; i++)
		l->bk[i].next = i + 1 < nb ? i + 1 : NIL;
	l->free_b = 0;
	l->first = NIL;
	*out = l;
	return 0;
}

/* Room for more frames (never filled) and one more bucket per frame, put on
 * the free chain.  Which bucket slot holds which count changes nothing. */
static int lfu_grow(void *st, uint32_t frames)
{
	struct lfu *l = st;
	struct lfu_frame *fr;
	struct lfu_bucket *bk;
	uint32_t i;

	if (frames <= l->n)
		return 0;
	fr = realloc(l->fr, (size_t)frames * sizeof *fr);
	if (!fr)
		return POLICY_ERR_NOMEM;
	l->fr = fr;
	bk = realloc(l->bk, ((size_t)frames + 1) * sizeof *bk);
	if (!bk)
		return POLICY_ERR_NOMEM;
	l->bk = bk;
	for (i = l->n; i < frames; i++)
		l->fr[i].bkt = NO_BUCKET;
	for (i = frames + 1; i-- > l->n + 1;) {
		l->bk[i].next = l->free_b;
		l->free_b = i;
	}
	l->n = frames;
	return 0;
}

static void lfu_destroy(void *st)
{
	struct lfu *l = st;

	if (!l)
		return;
	free(l->fr);
	free(l->bk);
	free(l);
}

static void lfu_hit(void *st, uint32_t frame, uint64_t now, uint64_t next_use)
{
	struct lfu *l = st;
	uint32_t b, nb, c;

	(void)next_use;
	assert(frame < l->n && l->fr[frame].bkt != NO_BUCKET);
	lfu_age(l, now);
	l->fr[frame].last = now;
	b = l->fr[frame].bkt;
	c = l->bk[b].count;
	if (c == LFU_MAX_COUNT) {
		/* saturated: only its last use changes */
		frame_unlink(l, frame);
		frame_append(l, frame, b);
		return;
	}
	if (l->bk[b].head == frame && l->bk[b].tail == frame &&
	    (l->bk[b].next == NIL || l->bk[l->bk[b].next].count != c + 1)) {
		l->bk[b].count = c + 1; /* alone in its bucket: relabel it */
		return;
	}
	nb = l->bk[b].next;
	if (nb == NIL || l->bk[nb].count != c + 1)
		nb = bucket_new(l, c + 1, b);
	frame_unlink(l, frame);
	frame_append(l, frame, nb);
	if (l->bk[b].head == NIL)
		bucket_free(l, b);
}

static void lfu_fill(void *st, uint32_t frame, uint64_t now, uint64_t next_use)
{
	struct lfu *l = st;
	uint32_t b, after = NIL;

	(void)next_use;
	assert(frame < l->n);
	lfu_age(l, now);
	l->fr[frame].last = now;
	if (l->fr[frame].bkt != NO_BUCKET) {
		b = l->fr[frame].bkt;
		frame_unlink(l, frame);
		if (l->bk[b].head == NIL)
			bucket_free(l, b);
	}
	/* the bucket of count 1: first, or second after a bucket of count 0 */
	b = l->first;
	if (b != NIL && l->bk[b].count == 0) {
		after = b;
		b = l->bk[b].next;
	}
	if (b == NIL || l->bk[b].count != 1)
		b = bucket_new(l, 1, after);
	frame_append(l, frame, b);
}

static uint32_t lfu_victim(void *st, uint64_t now)
{
	struct lfu *l = st;

	lfu_age(l, now);
	assert(l->first != NIL && l->bk[l->first].head != NIL);
	return l->bk[l->first].head;
}

const struct policy_ops lfu_ops = {
	.name = "lfu",                           /* --policy lfu */
	.summary = "least frequently used, counts halved every K refs", /* --help */
	.flags = POLICY_AGING,                   /* takes --lfu-aging; not a stack algorithm */
	.create = lfu_create,                    /* buckets for N frames, K from params */
	.grow = lfu_grow,                        /* more frames and buckets */
	.frame_bytes = sizeof(struct lfu_frame) + sizeof(struct lfu_bucket), /* fr[], bk[] */
	.destroy = lfu_destroy,                  /* frees it; NULL ok */
	.hit = lfu_hit,                          /* count + 1: next bucket, O(1) */
	.fill = lfu_fill,                        /* count = 1: bucket 1, O(1) */
	.victim = lfu_victim,                    /* first bucket's oldest, O(1) */
};
