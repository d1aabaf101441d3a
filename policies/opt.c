/*
 * opt.c - Belady's optimal replacement (MIN).
 *
 * On a fault with memory full, evict the page whose next reference lies
 * furthest in the future; a page never referenced again is infinitely far
 * away and goes first.  No policy can fault less on the same trace and the
 * same number of frames (Belady, "A study of replacement algorithms for a
 * virtual-storage computer", IBM Systems Journal 5(2), 1966; optimality proved
 * by Mattson, Gecsei, Slutz and Traiger, "Evaluation techniques for storage
 * hierarchies", IBM Systems Journal 9(2), 1970, who also show MIN is a stack
 * algorithm: the pages it keeps in N frames are a subset of those it keeps in
 * N+1, so it never shows Belady's anomaly).
 *
 * OPT needs the future, so it runs only in loaded mode: the engine passes,
 * with every hit and fill, the index of the next reference to the same page
 * (POLICY_NEVER if there is none), computed in one backward pass over the
 * trace.  Nothing is approximated.
 *
 * Data structure: a binary max-heap of the N frames keyed by
 * (next_use descending, frame number ascending), with a position index so a
 * hit can find its frame's heap slot in O(1):
 *
 *         heap[0] = frame whose page is needed last  <-- victim()
 *          /                          \
 *     heap[1]                       heap[2]          key(f) = (next[f], -f)
 *      /    \                       /    \           parent key >= child key
 *    ...    ...                   ...    ...
 *
 *     pos[f]  = slot of frame f in heap[], or NOT_IN_HEAP before its first fill
 *     next[f] = next use of the page now in frame f
 *
 * Ties: two resident pages can only share a next_use when both are never used
 * again (every other next_use is a distinct reference index).  Among those the
 * lowest frame number is evicted, so the choice, and with it the write-back
 * count, is deterministic and the same as a linear scan that keeps the first
 * maximum.
 *
 * Cost: hit and fill change one key and sift it up or down, O(log N);
 * victim() reads the root, O(1).  Memory: 16 bytes per frame.
 */
#include <assert.h>
#include <stdlib.h>

#include "policy.h"

#define NOT_IN_HEAP UINT32_MAX /* pos[]: frame not filled yet */

struct opt {
	uint32_t n;      /* frames */
	uint32_t size;   /* frames in the heap (filled so far) */
	uint32_t *heap;  /* heap[slot] = frame; max-heap on key() */
	uint32_t *pos;   /* pos[frame] = slot in heap, or NOT_IN_HEAP */
	uint64_t *next;  /* next[frame] = next use of its page */
};

/* 1 if frame a must sit above frame b: it is needed later, or equally late
 * (never) and has the lower number. */
static int opt_above(const struct opt *o, uint32_t a, uint32_t b)
{
	if (o->next[a] != o->next[b])
		return o->next[a] > o->next[b];
	return a < b;
}

static void opt_place(struct opt *o, uint32_t slot, uint32_t frame)
{
	o->heap[slot] = frame;
	o->pos[frame] = slot;
}

static void opt_sift_up(struct opt *o, uint32_t slot)
{
	uint32_t f = o->heap[slot], parent;

	while (slot > 0) {
		parent = (slot - 1) / 2;
		if (!opt_above(o, f, o->heap[parent]))
			break;
		opt_place(o, slot, o->heap[parent]);
		slot = parent;
	}
	opt_place(o, slot, f);
}

static void opt_sift_down(struct opt *o, uint32_t slot)
{
	uint32_t f = o->heap[slot], child;

	for (;;) {
		child = 2 * slot + 1;
		if (child >= o->size)
			break;
		if (child + 1 < o->size && opt_above(o, o->heap[child + 1], o->heap[child]))
			child++;
		if (!opt_above(o, o->heap[child], f))
			break;
		opt_place(o, slot, o->heap[child]);
		slot = child;
	}
	opt_place(o, slot, f);
}

/* Give frame its new next use, inserting it on its first fill. */
static void opt_set(struct opt *o, uint32_t frame, uint64_t next_use)
{
	uint32_t slot;

	assert(frame < o->n);
	slot = o->pos[frame];
	o->next[frame] = next_use;
	if (slot == NOT_IN_HEAP) {
		slot = o->size++;
		opt_place(o, slot, frame);
	}
	opt_sift_up(o, slot);
	opt_sift_down(o, o->pos[frame]);
}

static int opt_create(void **out, const struct policy_params *p)
{
	struct opt *o = calloc(1, sizeof *o);
	uint32_t i;

	*out = NULL;
	if (!o)
		return POLICY_ERR_NOMEM;
	o->n = p->frames;
	o->heap = malloc((size_t)o->n * sizeof *o->heap);
	o->pos = malloc((size_t)o->n * sizeof *o->pos);
	o->next = malloc((size_t)o->n * sizeof *o->next);
	if (!o->heap || !o->pos || !o->next) {
		free(o->heap);
		free(o->pos);
		free(o->next);
		free(o);
		return POLICY_ERR_NOMEM;
	}
	for (i = 0; i < o->n; i++)
		o->pos[i] = NOT_IN_HEAP;
	*out = o;
	return 0;
}

static void opt_destroy(void *st)
{
	struct opt *o = st;

	if (!o)
		return;
	free(o->heap);
	free(o->pos);
	free(o->next);
	free(o);
}

static void opt_hit(void *st, uint32_t frame, uint64_t now, uint64_t next_use)
{
	(void)now;
	opt_set(st, frame, next_use);
}

static void opt_fill(void *st, uint32_t frame, uint64_t now, uint64_t next_use)
{
	(void)now;
	opt_set(st, frame, next_use);
}

static uint32_t opt_victim(void *st, uint64_t now)
{
	const struct opt *o = st;

	(void)now;
	assert(o->size == o->n);
	return o->heap[0];
}

const struct policy_ops opt_ops = {
	.name = "opt",                                  /* --policy opt */
	.summary = "Belady's optimal: evict the page needed last", /* --help */
	.flags = POLICY_NEEDS_FUTURE | POLICY_STACK,    /* loaded mode only */
	.create = opt_create,                           /* heap of N frames */
	.destroy = opt_destroy,                         /* frees it; NULL ok */
	.hit = opt_hit,                                 /* re-key, O(log N) */
	.fill = opt_fill,                               /* insert/re-key, O(log N) */
	.victim = opt_victim,                           /* heap root, O(1) */
};
