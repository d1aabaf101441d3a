/*
 * naive.h - an obviously-correct reference simulator for differential tests.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Each policy is written again from its textbook definition, with linear
 * scans over a small array of resident pages and no clever data structure,
 * so that a disagreement with the engine and policies/ points at a bug in one
 * of them.  It follows the same contract as the engine: frames are filled in
 * order 0..N-1 while memory is not full, victims are frame numbers, a page is
 * dirty if stored to while resident and costs a write-back when evicted.
 */
#ifndef VMSIM_TESTS_NAIVE_H
#define VMSIM_TESTS_NAIVE_H

#include <stddef.h>
#include <stdint.h>

struct naive_result {
	uint64_t refs;            /* references replayed */
	uint64_t hits;            /* references to a resident page */
	uint64_t faults;          /* references to a non-resident page */
	uint64_t compulsory;      /* faults on a page's first touch */
	uint64_t evictions;       /* pages removed to make room */
	uint64_t writebacks;      /* evicted pages that were dirty */
	unsigned char *fault_at;  /* in: NULL or n bytes; out: 1 where ref i faulted */
	uint32_t *frame_at;       /* in: NULL or n entries; out: frame holding
				     reference i's page after reference i */
};

/*
 * Replay pages[0..n) (writes[i] != 0: reference i stores; writes may be NULL)
 * through policy ("opt", "fifo", "random", "lru", "lfu", "clock") with frames
 * frames.  seed drives "random"; lfu_aging is LFU's K, 0 meaning the default
 * max(1024, 8 * frames).  Fills *out (keeping its two in-pointers) and
 * returns 0, VM_ERR_USAGE for an unknown policy or frames == 0, or
 * VM_ERR_NOMEM.
 */
int naive_run(const char *policy, const uint64_t *pages,
	      const unsigned char *writes, size_t n, uint32_t frames,
	      uint64_t seed, uint64_t lfu_aging, struct naive_result *out);

/* One draw of the random policy's sequence (see policies/random.c): the next
 * frame in [0, frames) from generator state *x. */
uint32_t naive_random_draw(uint64_t *x, uint32_t frames);

#endif
