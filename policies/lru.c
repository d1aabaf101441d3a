/*
 * lru.c - exact least recently used.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Evict the page whose last reference is oldest.  LRU is a stack algorithm:
 * the N most recently used pages are always a subset of the N+1 most recently
 * used, so its fault count never rises with more frames, and one pass of
 * stack-distance counting gives the whole fault curve (Mattson, Gecsei, Slutz
 * and Traiger, "Evaluation techniques for storage hierarchies", IBM Systems
 * Journal 9(2), 1970).  analysis/ uses that for curves; this file is the
 * per-size policy the engine drives.
 *
 * Real kernels approximate LRU (clock, see clock.c) because a hardware
 * reference cannot afford to update a list.  A simulator can: this is exact
 * LRU, nothing is approximated.
 *
 * Data structure: a circular doubly-linked list of frame numbers in recency
 * order, kept in two uint32 arrays, with a sentinel S = N:
 *
 *       S <-> LRU <-> ... <-> ... <-> MRU <-> (back to S)
 *              ^                       ^
 *          victim()           hit() and fill() move the frame here
 *
 *     next[f], prev[f]  neighbours of frame f; next[f] == UNLINKED before
 *                       frame f's first fill
 *
 * Cost: hit, fill and victim are O(1) (an unlink and a relink); 8 bytes per
 * frame.  victim() only reads the LRU end; the fill that follows moves that
 * frame to the MRU end.
 */
#include <assert.h>
#include <stdlib.h>

#include "policy.h"

#define UNLINKED UINT32_MAX /* next[]: frame never filled */

struct lru {
	uint32_t n;      /* frames; also the sentinel's index */
	uint32_t *next;  /* n + 1 entries: towards MRU, S.next = LRU */
	uint32_t *prev;  /* n + 1 entries: towards LRU, S.prev = MRU */
};

static int lru_create(void **out, const struct policy_params *p)
{
	struct lru *l = calloc(1, sizeof *l);
	uint32_t i;

	*out = NULL;
	if (!l)
		return POLICY_ERR_NOMEM;
	l->n = p->frames;
	l->next = malloc(((size_t)l->n + 1) * sizeof *l->next);
	l->prev = malloc(((size_t)l->n + 1) * sizeof *l->prev);
	if (!l->next || !l->prev) {
		free(l->next);
		free(l->prev);
		free(l);
		return POLICY_ERR_NOMEM;
	}
	for (i = 0; i < l->n; i++)
		l->next[i] = l->prev[i] = UNLINKED;
	l->next[l->n] = l->prev[l->n] = l->n; /* empty: S alone */
	*out = l;
	return 0;
}

static void lru_destroy(void *st)
{
	struct lru *l = st;

	if (!l)
		return;
	free(l->next);
	free(l->prev);
	free(l);
}

/* Room for more frames: the sentinel moves from index n to the new n. */
static int lru_grow(void *st, uint32_t frames)
{
	struct lru *l = st;
	uint32_t s = l->n, first, last, i, *p;

	if (frames <= s)
		return 0;
	p = realloc(l->next, ((size_t)frames + 1) * sizeof *p);
	if (!p)
		return POLICY_ERR_NOMEM;
	l->next = p;
	p = realloc(l->prev, ((size_t)frames + 1) * sizeof *p);
	if (!p)
		return POLICY_ERR_NOMEM;
	l->prev = p;
	first = l->next[s];
	last = l->prev[s];
	for (i = s; i < frames; i++)
		l->next[i] = l->prev[i] = UNLINKED;
	if (first == s) {
		l->next[frames] = l->prev[frames] = frames; /* still empty */
	} else {
		l->next[frames] = first;
		l->prev[frames] = last;
		l->prev[first] = frames;
		l->next[last] = frames;
	}
	l->n = frames;
	return 0;
}

/* Move (or first link) frame to the MRU end. */
static void lru_touch(struct lru *l, uint32_t frame)
{
	uint32_t s = l->n;

	assert(frame < l->n);
	if (l->prev[s] == frame)
		return; /* already MRU */
	if (l->next[frame] != UNLINKED) {
		l->next[l->prev[frame]] = l->next[frame];
		l->prev[l->next[frame]] = l->prev[frame];
	}
	l->prev[frame] = l->prev[s];
	l->next[frame] = s;
	l->next[l->prev[s]] = frame;
	l->prev[s] = frame;
}

static void lru_hit(void *st, uint32_t frame, uint64_t now, uint64_t next_use)
{
	(void)now;
	(void)next_use;
	lru_touch(st, frame);
}

static void lru_fill(void *st, uint32_t frame, uint64_t now, uint64_t next_use)
{
	(void)now;
	(void)next_use;
	lru_touch(st, frame);
}

static uint32_t lru_victim(void *st, uint64_t now)
{
	const struct lru *l = st;

	(void)now;
	assert(l->next[l->n] != l->n);
	return l->next[l->n];
}

const struct policy_ops lru_ops = {
	.name = "lru",                           /* --policy lru */
	.summary = "least recently used (exact)", /* --help */
	.flags = POLICY_STACK,                   /* inclusion property holds */
	.order = POLICY_ORDER_USE,               /* a TLB keeps it as an ordered set */
	.create = lru_create,                    /* recency list of N frames */
	.grow = lru_grow,                        /* move the sentinel, O(new frames) */
	.frame_bytes = 8,                        /* next[] and prev[] */
	.destroy = lru_destroy,                  /* frees it; NULL ok */
	.hit = lru_hit,                          /* move to MRU, O(1) */
	.fill = lru_fill,                        /* link at MRU, O(1) */
	.victim = lru_victim,                    /* LRU end, O(1) */
};
