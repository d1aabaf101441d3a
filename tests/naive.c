/*
 * naive.c - the reference simulator behind the differential tests.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Memory is an array of N frames, each remembering its page and everything
 * any policy might ask about it (when it was loaded, when last used, its
 * LFU count, its use bit).  Every reference scans the array for its page;
 * every victim is found by scanning again, from frame 0 up, keeping the first
 * best frame.  Slow (O(N) per reference, O(N * trace) per OPT fault) and
 * meant to be: each rule below can be checked against its definition by eye.
 *
 *   fifo    smallest load time
 *   lru     smallest last-use time
 *   opt     largest next use, found by scanning the trace forward; a page
 *           not used again is infinitely far; ties (only possible between
 *           pages never used again) go to the lowest frame
 *   lfu     smallest count, ties to the smallest last-use time; count = 1 on
 *           load, +1 per hit (saturating at 2^32 - 1); before each reference
 *           t > 0 with t % K == 0 every resident count is halved
 *   clock   written as second chance: a FIFO queue of frames; take the head;
 *           if its use bit is set, clear it and send it to the tail and look
 *           again, else it is the victim (and, refilled, goes to the tail).
 *           The queue read from its head is the clock read from its hand.
 *   random  the draw documented in policies/random.c, reimplemented below
 */
#include <stdlib.h>
#include <string.h>

#include "naive.h"
#include "replay.h"

#define NAIVE_NEVER UINT64_MAX /* opt: next use of a page never used again */

struct nframe {
	uint64_t page;    /* resident page */
	uint64_t loaded;  /* reference index it was faulted in at */
	uint64_t last;    /* reference index of its last use */
	uint64_t count;   /* lfu: decayed use count */
	int use;          /* clock: use bit */
	int dirty;        /* stored to since loaded */
};

struct naive {
	struct nframe *f;        /* the frames, f[0..used) occupied */
	uint32_t nframes;        /* N */
	uint32_t used;           /* frames occupied */
	uint32_t *queue;         /* clock: frames in second-chance order */
	const uint64_t *pages;   /* the whole trace, for opt's forward scan */
	size_t n;                /* its length */
	uint64_t rng;            /* random: splitmix64 state */
};

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z;

	*x += UINT64_C(0x9e3779b97f4a7c15);
	z = *x;
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* Multiply-shift on the high 32 bits; reject products whose low word falls
 * below 2^32 mod frames, the values that would make some frames likelier. */
uint32_t naive_random_draw(uint64_t *x, uint32_t frames)
{
	uint64_t reject_below = (UINT64_C(1) << 32) % frames;
	uint64_t m;

	for (;;) {
		m = (splitmix64(x) >> 32) * frames;
		if ((m & 0xffffffffu) >= reject_below)
			return (uint32_t)(m >> 32);
	}
}

static uint32_t victim_fifo(struct naive *s, size_t t)
{
	uint32_t i, best = 0;

	(void)t;
	for (i = 1; i < s->nframes; i++)
		if (s->f[i].loaded < s->f[best].loaded)
			best = i;
	return best;
}

static uint32_t victim_lru(struct naive *s, size_t t)
{
	uint32_t i, best = 0;

	(void)t;
	for (i = 1; i < s->nframes; i++)
		if (s->f[i].last < s->f[best].last)
			best = i;
	return best;
}

static uint64_t next_use(const struct naive *s, uint64_t page, size_t t)
{
	size_t j;

	for (j = t + 1; j < s->n; j++)
		if (s->pages[j] == page)
			return j;
	return NAIVE_NEVER;
}

static uint32_t victim_opt(struct naive *s, size_t t)
{
	uint32_t i, best = 0;
	uint64_t far = next_use(s, s->f[0].page, t), d;

	for (i = 1; i < s->nframes; i++) {
		d = next_use(s, s->f[i].page, t);
		if (d > far) {
			far = d;
			best = i;
		}
	}
	return best;
}

static uint32_t victim_lfu(struct naive *s, size_t t)
{
	uint32_t i, best = 0;

	(void)t;
	for (i = 1; i < s->nframes; i++)
		if (s->f[i].count < s->f[best].count ||
		    (s->f[i].count == s->f[best].count && s->f[i].last < s->f[best].last))
			best = i;
	return best;
}

static uint32_t victim_clock(struct naive *s, size_t t)
{
	uint32_t head;

	(void)t;
	for (;;) {
		head = s->queue[0];
		memmove(s->queue, s->queue + 1, (s->nframes - 1) * sizeof *s->queue);
		s->queue[s->nframes - 1] = head;
		if (!s->f[head].use)
			return head;
		s->f[head].use = 0;
	}
}

static uint32_t victim_random(struct naive *s, size_t t)
{
	(void)t;
	return naive_random_draw(&s->rng, s->nframes);
}

static const struct {
	const char *name;                             /* policy name */
	uint32_t (*victim)(struct naive *s, size_t t); /* choose a full frame */
} naive_policies[] = {
	{ "opt", victim_opt },
	{ "fifo", victim_fifo },
	{ "random", victim_random },
	{ "lru", victim_lru },
	{ "lfu", victim_lfu },
	{ "clock", victim_clock },
};

int naive_run(const char *policy, const uint64_t *pages,
	      const unsigned char *writes, size_t n, uint32_t frames,
	      uint64_t seed, uint64_t lfu_aging, struct naive_result *out)
{
	uint32_t (*victim)(struct naive *s, size_t t) = NULL;
	struct naive s = { 0 };
	uint64_t *seen = NULL, k;
	size_t nseen = 0, t, j;
	uint32_t i, f;
	int w, found, rc = 0;
	unsigned char *fault_at = out->fault_at;
	uint32_t *frame_at = out->frame_at;

	for (j = 0; j < sizeof naive_policies / sizeof naive_policies[0]; j++)
		if (strcmp(naive_policies[j].name, policy) == 0)
			victim = naive_policies[j].victim;
	if (!victim || frames == 0)
		return VM_ERR_USAGE;
	memset(out, 0, sizeof *out);
	out->fault_at = fault_at;
	out->frame_at = frame_at;
	k = lfu_aging ? lfu_aging : (8 * (uint64_t)frames > 1024 ? 8 * (uint64_t)frames : 1024);

	s.f = calloc(frames, sizeof *s.f);
	s.queue = calloc(frames, sizeof *s.queue);
	seen = calloc(n ? n : 1, sizeof *seen);
	if (!s.f || !s.queue || !seen) {
		rc = VM_ERR_NOMEM;
		goto out;
	}
	s.nframes = frames;
	s.pages = pages;
	s.n = n;
	s.rng = seed;

	for (t = 0; t < n; t++) {
		w = writes && writes[t];
		out->refs++;
		if (t > 0 && t % k == 0)
			for (i = 0; i < s.used; i++)
				s.f[i].count /= 2;

		found = 0;
		for (i = 0; i < s.used; i++)
			if (s.f[i].page == pages[t]) {
				found = 1;
				break;
			}
		if (found) {
			out->hits++;
			s.f[i].last = t;
			if (s.f[i].count < UINT32_MAX)
				s.f[i].count++;
			s.f[i].use = 1;
			s.f[i].dirty |= w;
			if (fault_at)
				fault_at[t] = 0;
			if (frame_at)
				frame_at[t] = i;
			continue;
		}

		out->faults++;
		if (fault_at)
			fault_at[t] = 1;
		for (j = 0; j < nseen; j++)
			if (seen[j] == pages[t])
				break;
		if (j == nseen) {
			seen[nseen++] = pages[t];
			out->compulsory++;
		}
		if (s.used < frames) {
			f = s.used++;
			s.queue[f] = f; /* frames join the clock queue in fill order */
		} else {
			f = victim(&s, t);
			out->evictions++;
			out->writebacks += (uint64_t)s.f[f].dirty;
		}
		if (frame_at)
			frame_at[t] = f;
		s.f[f].page = pages[t];
		s.f[f].loaded = t;
		s.f[f].last = t;
		s.f[f].count = 1;
		s.f[f].use = 1;
		s.f[f].dirty = w;
	}
out:
	free(s.f);
	free(s.queue);
	free(seen);
	return rc;
}
