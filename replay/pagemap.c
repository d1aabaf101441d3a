/*
 * pagemap.c - virtual page number to dense page id.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Every later stage works on dense ids so that per-page state is a plain
 * array index instead of a hash chain.  The table doubles when half full; a
 * doubling is amortised over the pages that caused it, so the cost per
 * reference is one hash probe and no allocation.
 */
#include <stdlib.h>
#include <string.h>

#include "replay.h"
#include "replay_int.h"

#define PAGEMAP_MIN_BITS 10
#define PAGEMAP_MAX_IDS 0x7fffffffu /* ids must fit in 31 bits (LOADED_WRITE) */

static inline uint64_t pagemap_hash(uint64_t vpn, uint32_t bits)
{
	/* Fibonacci hashing: the golden-ratio multiply spreads strides well */
	return (vpn * 0x9E3779B97F4A7C15ull) >> (64 - bits);
}

/* The table's bytes, charged against the memory budget while it lives. */
static uint64_t pagemap_bytes(uint32_t bits)
{
	return ((uint64_t)1 << bits) * sizeof(struct pagemap_slot);
}

int pagemap_init(struct pagemap *m)
{
	m->bits = PAGEMAP_MIN_BITS;
	m->count = 0;
	m->slots = NULL;
	if (vm_mem_charge(pagemap_bytes(m->bits), "the page map"))
		return VM_ERR_MEMLIMIT;
	m->slots = calloc((size_t)1 << m->bits, sizeof *m->slots);
	if (!m->slots)
		vm_mem_release(pagemap_bytes(m->bits));
	return m->slots ? 0 : VM_ERR_NOMEM;
}

void pagemap_free(struct pagemap *m)
{
	if (m->slots)
		vm_mem_release(pagemap_bytes(m->bits));
	free(m->slots);
	m->slots = NULL;
}

static int pagemap_grow(struct pagemap *m)
{
	uint32_t nbits = m->bits + 1;
	size_t n = (size_t)1 << m->bits, mask = ((size_t)1 << nbits) - 1, i, j;
	struct pagemap_slot *ns;

	if (vm_mem_charge(pagemap_bytes(nbits), "the page map"))
		return VM_ERR_MEMLIMIT;
	ns = calloc(mask + 1, sizeof *ns);
	if (!ns) {
		vm_mem_release(pagemap_bytes(nbits));
		return VM_ERR_NOMEM;
	}
	for (i = 0; i < n; i++) {
		if (!m->slots[i].id1)
			continue;
		j = pagemap_hash(m->slots[i].vpn, nbits);
		while (ns[j].id1)
			j = (j + 1) & mask;
		ns[j] = m->slots[i];
	}
	free(m->slots);
	vm_mem_release(pagemap_bytes(m->bits));
	m->slots = ns;
	m->bits = nbits;
	return 0;
}

int pagemap_get(struct pagemap *m, uint64_t vpn, uint32_t *id, int *is_new)
{
	size_t mask = ((size_t)1 << m->bits) - 1;
	size_t j = pagemap_hash(vpn, m->bits);
	int rc;

	for (;;) {
		struct pagemap_slot *sl = &m->slots[j];

		if (!sl->id1)
			break;
		if (sl->vpn == vpn) {
			*id = sl->id1 - 1;
			*is_new = 0;
			return 0;
		}
		j = (j + 1) & mask;
	}
	if (m->count >= PAGEMAP_MAX_IDS)
		return VM_ERR_LIMIT;
	if ((uint64_t)(m->count + 1) * 2 > mask + 1) {
		rc = pagemap_grow(m);
		if (rc)
			return rc;
		return pagemap_get(m, vpn, id, is_new);
	}
	m->slots[j].vpn = vpn;
	m->slots[j].id1 = ++m->count;
	*id = m->count - 1;
	*is_new = 1;
	return 0;
}

/*
 * n lookups at once, as n calls of pagemap_get() would make them, but with
 * the slot of the lookup PAGEMAP_AHEAD places on prefetched: once the table
 * outgrows the caches, each lookup is a memory access, and these overlap.
 * (The prefetch uses the table's size now; a doubling in between only makes
 * a hint miss.)
 */
#define PAGEMAP_AHEAD 32

int pagemap_get_many(struct pagemap *m, const uint64_t *vpn, uint32_t *ids, size_t n)
{
	const struct pagemap_slot *sl;
	size_t i, j, mask;
	int is_new, rc;

	for (i = 0; i < n; i++) {
		if (i + PAGEMAP_AHEAD < n)
			__builtin_prefetch(&m->slots[pagemap_hash(vpn[i + PAGEMAP_AHEAD], m->bits)]);
		/* the page of the reference before (a run of instruction
		 * fetches, a loop over an array) costs no probe at all */
		if (i > 0 && vpn[i] == vpn[i - 1]) {
			ids[i] = ids[i - 1];
			continue;
		}
		/* a page seen before: probe here, without a call */
		mask = ((size_t)1 << m->bits) - 1;
		for (j = pagemap_hash(vpn[i], m->bits);; j = (j + 1) & mask) {
			sl = &m->slots[j];
			if (!sl->id1 || sl->vpn == vpn[i])
				break;
		}
		if (sl->id1) {
			ids[i] = sl->id1 - 1;
			continue;
		}
		rc = pagemap_get(m, vpn[i], &ids[i], &is_new); /* a new page */
		if (rc)
			return rc;
	}
	return 0;
}
