/*
 * replay_int.h - internals shared inside replay/ only.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef VMSIM_REPLAY_INT_H
#define VMSIM_REPLAY_INT_H

#include <stdint.h>
#include <stddef.h>

/*
 * pagemap: virtual page number -> dense page id (0, 1, 2, ... in order of
 * first touch).  Open addressing with linear probing over a power-of-two
 * table kept at most half full; 16 bytes per slot, so about 32-64 bytes per
 * distinct page.  Lookups cost a multiply, a shift and usually one cache line.
 */
struct pagemap_slot {
	uint64_t vpn;   /* key */
	uint32_t id1;   /* id + 1; 0 marks an empty slot */
	uint32_t pad;   /* keeps slots 16 bytes */
};

struct pagemap {
	struct pagemap_slot *slots; /* the table, 2^bits slots */
	uint32_t bits;              /* log2 of the table size */
	uint32_t count;             /* ids handed out */
};

int pagemap_init(struct pagemap *m);
void pagemap_free(struct pagemap *m);
/* The id of vpn, assigning the next id when vpn is new (*is_new set to 1).
 * Returns VM_ERR_LIMIT past 2^31 - 1 distinct pages, VM_ERR_NOMEM. */
int pagemap_get(struct pagemap *m, uint64_t vpn, uint32_t *id, int *is_new);
/* ids[i] = the id of vpn[i] for i < n, in order (same errors); prefetches. */
int pagemap_get_many(struct pagemap *m, const uint64_t *vpn, uint32_t *ids, size_t n);

#endif
