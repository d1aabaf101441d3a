/*
 * policy.h - the seam between the replay engine and the replacement policies.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * The engine owns pages, the page-to-frame map, the counters and time.  A
 * policy sees only frame numbers 0..N-1 and answers three things:
 *
 *     hit(f)      the page in frame f was referenced again
 *     fill(f)     frame f now holds a newly faulted-in page
 *     victim()    which frame should be emptied for the next fault?
 *
 * The engine fills frames 0, 1, ..., N-1 in that order while memory is not yet
 * full, and calls victim() only when all N frames are occupied.  victim() may
 * change the policy's state (clock moves its hand, random draws a number), and
 * every victim() is followed by exactly one fill() of the frame it returned.  Time ("now") is the index of the
 * current reference, counted from 0: aging happens every K references, never
 * every K seconds.  Policies that need the future (OPT) get, with each hit and
 * fill, the index of the next reference to the same page (POLICY_NEVER if
 * there is none); the others ignore it.
 *
 * A policy's state is private to it, allocated by create() for N frames and
 * freed by destroy(), which accepts NULL.  The engine may create a policy for
 * fewer frames than the memory has (no more than the pages it has seen) and
 * grow() it as new pages appear: a policy grown from m to N frames must then
 * behave exactly as one created for N that saw the same hits and fills, so
 * victim(), which comes only once every frame is full, finds it at N.  This
 * bounds per-frame state by the trace's distinct pages (see replay/engine.c).  There is no global state, so one
 * process can run many policies and sizes at once.  Randomness comes from the
 * seed in struct policy_params, never from rand().
 */
#ifndef VMSIM_POLICY_H
#define VMSIM_POLICY_H

#include <stdint.h>

#define POLICY_NEVER UINT64_MAX /* next_use of a page never referenced again */

/* Traits callers test as bits, never by comparing names. */
enum policy_flags {
	POLICY_NEEDS_FUTURE = 1u << 0, /* needs next_use: replay in loaded mode */
	POLICY_RANDOMIZED = 1u << 1,   /* result depends on the seed */
	POLICY_STACK = 1u << 2,        /* inclusion property: one pass gives all sizes */
	POLICY_AGING = 1u << 3,        /* uses policy_params.lfu_aging */
};

/*
 * Whether the victim is the oldest frame of one list, and what orders it.  A
 * TLB keeps such a policy as an ordered set without calling its ops, and
 * takes USE (LRU) as its default, its 3C reference and its curve's one pass
 * (replay/tlb.c); the others it runs through their ops.
 */
enum policy_order {
	POLICY_ORDER_NONE = 0, /* no such list (clock, LFU, random, OPT) */
	POLICY_ORDER_FILL,     /* ordered by fill; a hit changes nothing (FIFO) */
	POLICY_ORDER_USE,      /* ordered by last use (LRU) */
};

/* create() returns 0 or this (equal to VM_ERR_NOMEM in replay.h) */
#define POLICY_ERR_NOMEM (-3)

struct policy_params {
	uint32_t frames;     /* N >= 1 */
	uint64_t seed;       /* for POLICY_RANDOMIZED policies */
	uint64_t lfu_aging;  /* LFU: halve counters every K references; 0 = default */
};

struct policy_ops {
	const char *name;    /* what --policy takes */
	const char *summary; /* one line for --help */
	unsigned flags;      /* enum policy_flags */
	enum policy_order order; /* 0 unless one list orders the victims */
	/* allocate state for p->frames frames into *out; 0 or POLICY_ERR_NOMEM */
	int (*create)(void **out, const struct policy_params *p);
	/* room for frames (> the current count) frames, the state otherwise
	 * unchanged; only before the first victim(); 0 or POLICY_ERR_NOMEM */
	int (*grow)(void *st, uint32_t frames);
	unsigned frame_bytes; /* state per frame, charged against --mem-limit */
	void (*destroy)(void *st);
	void (*hit)(void *st, uint32_t frame, uint64_t now, uint64_t next_use);
	void (*fill)(void *st, uint32_t frame, uint64_t now, uint64_t next_use);
	uint32_t (*victim)(void *st, uint64_t now);
};

extern const struct policy_ops *const policy_registry[]; /* NULL-terminated */
const struct policy_ops *policy_find(const char *name);
/* "opt fifo random lru lfu clock" into buf (sep between names) */
const char *policy_names(char *buf, unsigned n, const char *sep);

/* The LFU aging period used when policy_params.lfu_aging is 0. */
uint64_t lfu_default_aging(uint32_t frames);

/*
 * There is no list of the ops tables here: registry.c declares the ones it
 * lists, and a file that needs one policy by name (the TLB's LRU default, the
 * curve's one-pass LRU and OPT, a test) declares that one itself.
 */

#endif
