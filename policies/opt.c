/*
 * opt.c - Belady's optimal replacement (MIN).
 *
 * SPDX-License-Identifier: BSD-2-Clause
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
 * Data structure: a 4-ary max-heap of the N frames keyed by
 * (next_use descending, frame number ascending), with a position index so a
 * hit can find its frame's heap slot in O(1):
 *
 *                   heap[0] = frame whose page is needed last  <-- victim()
 *          /          |            |          \
 *     heap[1]     heap[2]      heap[3]      heap[4]    key = (next_use, -frame)
 *     / | | \      ...          ...          ...        parent key >= child keys
 *
 *     heap[s]  = { next_use, frame }: the key lives in the slot, so a sift
 *                compares inside the heap array instead of chasing a
 *                per-frame key; the children of s are 4s+1 .. 4s+4, one
 *                64-byte cache line (the array is aligned so)
 *     pos[f]   = slot of frame f in heap[], or NOT_IN_HEAP before its first fill
 *
 * Four children per node halve the depth of a binary heap; a sift down reads
 * one cache line per level and compares four keys in it.  A hit only ever
 * makes a key larger (the page's next use moves on), so it sifts up; a fill
 * replaces the root's frame and sifts down.
 *
 * Ties: two resident pages can only share a next_use when both are never used
 * again (every other next_use is a distinct reference index).  Among those the
 * lowest frame number is evicted, so the choice, and with it the write-back
 * count, is deterministic and the same as a linear scan that keeps the first
 * maximum.
 *
 * Cost: hit and fill change one key and sift it up or down, O(log N);
 * victim() reads the root, O(1).  Memory: 20 bytes per frame.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

#define NOT_IN_HEAP UINT32_MAX /* pos[]: frame not filled yet */
#define ARITY 4                /* children per heap node */

/* A heap slot: the key is kept in the slot, so a sift compares within the
 * heap array instead of looking up next_use per frame. */
struct opt_node {
	uint64_t next;   /* next use of the page in this frame */
	uint32_t frame;  /* the frame */
	uint32_t pad;    /* keeps nodes 16 bytes: four children in a cache line */
};

struct opt {
	uint32_t n;             /* frames */
	uint32_t size;          /* frames in the heap (filled so far) */
	struct opt_node *heap;  /* max-heap on key(), ARITY children per node */
	struct opt_node *mem;   /* the allocation heap points into (aligned) */
	uint32_t *pos;          /* pos[frame] = slot in heap, or NOT_IN_HEAP */
};

/* 1 if node a must sit above node b: its page is needed later, or equally
 * late (never) and its frame has the lower number. */
static int opt_above(const struct opt_node *a, const struct opt_node *b)
{
	if (a->next != b->next)
		return a->next > b->next;
	return a->frame < b->frame;
}

static void opt_sift_up(struct opt *o, uint32_t slot, struct opt_node x)
{
	uint32_t parent;

	while (slot > 0) {
		parent = (slot - 1) / ARITY;
		if (!opt_above(&x, &o->heap[parent]))
			break;
		o->heap[slot] = o->heap[parent];
		o->pos[o->heap[slot].frame] = slot;
		slot = parent;
	}
	o->heap[slot] = x;
	o->pos[x.frame] = slot;
}

static void opt_sift_down(struct opt *o, uint32_t slot, struct opt_node x)
{
	uint32_t child, best, i, end;

	for (;;) {
		child = ARITY * slot + 1;
		if (child >= o->size)
			break;
		end = child + ARITY < o->size ? child + ARITY : o->size;
		best = child;
		for (i = child + 1; i < end; i++)
			if (opt_above(&o->heap[i], &o->heap[best]))
				best = i;
		if (!opt_above(&o->heap[best], &x))
			break;
		o->heap[slot] = o->heap[best];
		o->pos[o->heap[slot].frame] = slot;
		slot = best;
	}
	o->heap[slot] = x;
	o->pos[x.frame] = slot;
}

/* Give frame its new next use, inserting it on its first fill. */
static void opt_set(struct opt *o, uint32_t frame, uint64_t next_use)
{
	struct opt_node x = { next_use, frame, 0 };
	uint32_t slot;

	assert(frame < o->n);
	slot = o->pos[frame];
	if (slot == NOT_IN_HEAP) {
		slot = o->size++;
		opt_sift_up(o, slot, x);
	} else if (opt_above(&x, &o->heap[slot])) {
		opt_sift_up(o, slot, x);
	} else {
		opt_sift_down(o, slot, x);
	}
}

static int opt_create(void **out, const struct policy_params *p)
{
	struct opt *o = calloc(1, sizeof *o);
	uint32_t i;

	*out = NULL;
	if (!o)
		return POLICY_ERR_NOMEM;
	o->n = p->frames;
	/* one spare cache line to align the heap: sibling groups then share one */
	o->mem = malloc(((size_t)o->n + 4) * sizeof *o->mem);
	o->pos = malloc((size_t)o->n * sizeof *o->pos);
	if (!o->mem || !o->pos) {
		free(o->mem);
		free(o->pos);
		free(o);
		return POLICY_ERR_NOMEM;
	}
	/* children of slot s start at 4s + 1: put slot 1 on a 64-byte line */
	o->heap = o->mem + (4 - (((uintptr_t)(o->mem + 1) & 63) >> 4)) % 4;
	for (i = 0; i < o->n; i++)
		o->pos[i] = NOT_IN_HEAP;
	*out = o;
	return 0;
}

/* Room for more frames, not in the heap; the heap moves with its memory and
 * is aligned again as create() aligns it. */
static int opt_grow(void *st, uint32_t frames)
{
	struct opt *o = st;
	struct opt_node *mem, *heap;
	uint32_t *pos, i;

	if (frames <= o->n)
		return 0;
	mem = malloc(((size_t)frames + 4) * sizeof *mem);
	if (!mem)
		return POLICY_ERR_NOMEM;
	heap = mem + (4 - (((uintptr_t)(mem + 1) & 63) >> 4)) % 4;
	memcpy(heap, o->heap, (size_t)o->size * sizeof *heap);
	free(o->mem);
	o->mem = mem;
	o->heap = heap;
	pos = realloc(o->pos, (size_t)frames * sizeof *pos);
	if (!pos)
		return POLICY_ERR_NOMEM;
	o->pos = pos;
	for (i = o->n; i < frames; i++)
		o->pos[i] = NOT_IN_HEAP;
	o->n = frames;
	return 0;
}

static void opt_destroy(void *st)
{
	struct opt *o = st;

	if (!o)
		return;
	free(o->mem);
	free(o->pos);
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
	return o->heap[0].frame;
}

const struct policy_ops opt_ops = {
	.name = "opt",                                  /* --policy opt */
	.summary = "Belady's optimal: evict the page needed last", /* --help */
	.flags = POLICY_NEEDS_FUTURE | POLICY_STACK,    /* loaded mode only */
	.create = opt_create,                           /* heap of N frames */
	.grow = opt_grow,                               /* more frames, heap kept */
	.frame_bytes = sizeof(struct opt_node) + 4,     /* heap node, pos[] */
	.destroy = opt_destroy,                         /* frees it; NULL ok */
	.hit = opt_hit,                                 /* re-key, O(log N) */
	.fill = opt_fill,                               /* insert/re-key, O(log N) */
	.victim = opt_victim,                           /* heap root, O(1) */
};
