/*
 * fifo.c - first in, first out.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Evict the page that has been resident longest, whatever its use since: the
 * order is set when a page is faulted in and never changed by hits.  FIFO is
 * the simplest policy and the classic counter-example: it is not a stack
 * algorithm, so more frames can mean more faults (Belady, Nelson and Shedler,
 * "An anomaly in space-time characteristics of certain programs running in a
 * paging machine", CACM 12(6), 1969; the string 1 2 3 4 1 2 5 1 2 3 4 5 faults
 * 9 times in 3 frames and 10 times in 4, see tests/test_policies.c).
 *
 * Given the engine's contract (frames filled 0, 1, ..., N-1, then each victim
 * refilled at once) a hand cycling over 0..N-1 would give the same answers.
 * The fill order is tracked explicitly instead, for 8 bytes per frame, so the
 * policy stays right even if a caller refills frames in another order:
 *
 *     circular doubly-linked list over frame numbers, sentinel S = N
 *
 *       S <-> oldest <-> ... <-> newest <-> (back to S)
 *              ^                   ^
 *          victim()           fill() links here
 *
 *     next[f], prev[f]  neighbours of frame f; next[f] == UNLINKED before
 *                       frame f's first fill
 *
 * Cost: fill, hit and victim are O(1); victim() only reads the oldest frame,
 * the fill that follows moves it to the newest end.  Nothing is approximated.
 */
#include <assert.h>
#include <stdlib.h>

#include "policy.h"

#define UNLINKED UINT32_MAX /* next[]: frame never filled */

struct fifo {
	uint32_t n;      /* frames; also the sentinel's index */
	uint32_t *next;  /* n + 1 entries: towards newer, S.next = oldest */
	uint32_t *prev;  /* n + 1 entries: towards older, S.prev = newest */
};

static int fifo_create(void **out, const struct policy_params *p)
{
	struct fifo *q = calloc(1, sizeof *q);
	uint32_t i;

	*out = NULL;
	if (!q)
		return POLICY_ERR_NOMEM;
	q->n = p->frames;
	q->next = malloc(((size_t)q->n + 1) * sizeof *q->next);
	q->prev = malloc(((size_t)q->n + 1) * sizeof *q->prev);
	if (!q->next || !q->prev) {
		free(q->next);
		free(q->prev);
		free(q);
		return POLICY_ERR_NOMEM;
	}
	for (i = 0; i < q->n; i++)
		q->next[i] = q->prev[i] = UNLINKED;
	q->next[q->n] = q->prev[q->n] = q->n; /* empty: S alone */
	*out = q;
	return 0;
}

static void fifo_destroy(void *st)
{
	struct fifo *q = st;

	if (!q)
		return;
	free(q->next);
	free(q->prev);
	free(q);
}

/* Room for more frames: the sentinel moves from index n to the new n. */
static int fifo_grow(void *st, uint32_t frames)
{
	struct fifo *q = st;
	uint32_t s = q->n, first, last, i, *p;

	if (frames <= s)
		return 0;
	p = realloc(q->next, ((size_t)frames + 1) * sizeof *p);
	if (!p)
		return POLICY_ERR_NOMEM;
	q->next = p;
	p = realloc(q->prev, ((size_t)frames + 1) * sizeof *p);
	if (!p)
		return POLICY_ERR_NOMEM;
	q->prev = p;
	first = q->next[s];
	last = q->prev[s];
	for (i = s; i < frames; i++)
		q->next[i] = q->prev[i] = UNLINKED;
	if (first == s) {
		q->next[frames] = q->prev[frames] = frames; /* still empty */
	} else {
		q->next[frames] = first;
		q->prev[frames] = last;
		q->prev[first] = frames;
		q->next[last] = frames;
	}
	q->n = frames;
	return 0;
}

static void fifo_hit(void *st, uint32_t frame, uint64_t now, uint64_t next_use)
{
	(void)st;
	(void)frame;
	(void)now;
	(void)next_use;
}

/* Frame now holds a new page: (re)link it at the newest end. */
static void fifo_fill(void *st, uint32_t frame, uint64_t now, uint64_t next_use)
{
	struct fifo *q = st;
	uint32_t s = q->n;

	(void)now;
	(void)next_use;
	assert(frame < q->n);
	if (q->next[frame] != UNLINKED) {
		q->next[q->prev[frame]] = q->next[frame];
		q->prev[q->next[frame]] = q->prev[frame];
	}
	q->prev[frame] = q->prev[s];
	q->next[frame] = s;
	q->next[q->prev[s]] = frame;
	q->prev[s] = frame;
}

static uint32_t fifo_victim(void *st, uint64_t now)
{
	const struct fifo *q = st;

	(void)now;
	assert(q->next[q->n] != q->n);
	return q->next[q->n];
}

const struct policy_ops fifo_ops = {
	.name = "fifo",                          /* --policy fifo */
	.summary = "first in, first out: evict the oldest page", /* --help */
	.flags = 0,                              /* not a stack algorithm */
	.order = POLICY_ORDER_FILL,              /* a TLB keeps it as an ordered set */
	.create = fifo_create,                   /* list of N frames */
	.grow = fifo_grow,                       /* move the sentinel, O(new frames) */
	.frame_bytes = 8,                        /* next[] and prev[] */
	.destroy = fifo_destroy,                 /* frees it; NULL ok */
	.hit = fifo_hit,                         /* nothing: hits do not reorder */
	.fill = fifo_fill,                       /* link at newest end, O(1) */
	.victim = fifo_victim,                   /* oldest frame, O(1) */
};
