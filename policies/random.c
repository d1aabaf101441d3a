/*
 * random.c - evict a frame chosen uniformly at random.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * The policy with no memory at all: every fault with memory full evicts one of
 * the N frames, each with probability 1/N, independently of the past.  It is
 * the baseline any policy using the past should beat, and immune to the
 * pathological loops that defeat LRU (a cyclic scan of N+1 pages faults every
 * time under LRU and FIFO, but only sometimes under random).  Belady 1966
 * ("A study of replacement algorithms for a virtual-storage computer", IBM
 * Systems Journal 5(2)) already used it as the yardstick.
 *
 * Reproducibility: the generator is private to each instance and seeded from
 * policy_params.seed, never rand(), so the same seed, trace and size give the
 * same result byte for byte, and many instances can run side by side.
 *
 * The random sequence is a contract (tests/naive.c replays it independently,
 * so change both or neither):
 *
 *   generator  splitmix64 (Steele, Lea and Flood, "Fast splittable
 *              pseudorandom number generators", OOPSLA 2014), 64-bit state
 *              x, initially x = seed:
 *                  x += 0x9e3779b97f4a7c15
 *                  z  = x
 *                  z  = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
 *                  z  = (z ^ (z >> 27)) * 0x94d049bb133111eb
 *                  return z ^ (z >> 31)
 *
 *   one draw   per victim() call, a frame in [0, N), by Lemire's multiply-
 *              shift with rejection ("Fast random integer generation in an
 *              interval", ACM TOMACS 29(1), 2019), on 32-bit words:
 *                  r = high 32 bits of the next splitmix64 output
 *                  m = r * N                      (64-bit product)
 *                  if low 32 bits of m < (2^32 mod N): reject, draw again
 *                  frame = high 32 bits of m
 *              The rejection makes every frame exactly equally likely; it
 *              happens with probability (2^32 mod N) / 2^32 < N / 2^32, and
 *              2^32 mod N is computed only when the low word is < N (as in
 *              Lemire's paper), so the common case costs one multiply.
 *
 *   nothing else consumes the generator: hit() and fill() do nothing.
 *
 * Cost: victim() O(1) expected; hit and fill O(1); 8 bytes of state.
 * Nothing is approximated, but the result is one sample: compare policies
 * over several seeds.
 */
#include <stdlib.h>

#include "policy.h"

struct rnd {
	uint32_t n;      /* frames */
	uint64_t x;      /* splitmix64 state */
};

static uint64_t rnd_next(struct rnd *r)
{
	uint64_t z;

	r->x += 0x9e3779b97f4a7c15u;
	z = r->x;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

/* Uniform in [0, n), Lemire's method; see the contract above. */
static uint32_t rnd_below(struct rnd *r, uint32_t n)
{
	uint64_t m = (rnd_next(r) >> 32) * (uint64_t)n;
	uint32_t low = (uint32_t)m, t;

	if (low < n) {
		t = (uint32_t)(-n) % n; /* 2^32 mod n */
		while (low < t) {
			m = (rnd_next(r) >> 32) * (uint64_t)n;
			low = (uint32_t)m;
		}
	}
	return (uint32_t)(m >> 32);
}

static int rnd_create(void **out, const struct policy_params *p)
{
	struct rnd *r = malloc(sizeof *r);

	*out = NULL;
	if (!r)
		return POLICY_ERR_NOMEM;
	r->n = p->frames;
	r->x = p->seed;
	*out = r;
	return 0;
}

/* Draws come only from victim(): more frames is only a larger range. */
static int rnd_grow(void *st, uint32_t frames)
{
	struct rnd *r = st;

	if (frames > r->n)
		r->n = frames;
	return 0;
}

static void rnd_destroy(void *st)
{
	free(st);
}

static void rnd_hit(void *st, uint32_t frame, uint64_t now, uint64_t next_use)
{
	(void)st;
	(void)frame;
	(void)now;
	(void)next_use;
}

static void rnd_fill(void *st, uint32_t frame, uint64_t now, uint64_t next_use)
{
	(void)st;
	(void)frame;
	(void)now;
	(void)next_use;
}

static uint32_t rnd_victim(void *st, uint64_t now)
{
	struct rnd *r = st;

	(void)now;
	return rnd_below(r, r->n);
}

const struct policy_ops random_ops = {
	.name = "random",                        /* --policy random */
	.summary = "evict a uniformly random frame (seeded)", /* --help */
	.flags = POLICY_RANDOMIZED,              /* result depends on --seed */
	.create = rnd_create,                    /* generator seeded from p->seed */
	.grow = rnd_grow,                        /* a larger range, O(1) */
	.frame_bytes = 0,                        /* none */
	.destroy = rnd_destroy,                  /* frees it; NULL ok */
	.hit = rnd_hit,                          /* nothing */
	.fill = rnd_fill,                        /* nothing */
	.victim = rnd_victim,                    /* one draw in [0, N) */
};
