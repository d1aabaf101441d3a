/*
 * xlate_int.h - internals shared by the translation model's files only:
 * tlb.c (TLBs, 3C classification, the tlb-curve stack pass), pagetable.c
 * (geometry, walks through the page-walk caches, footprint) and xlate.c (the
 * pipeline that numbers translations and drives them, and the paging engine).
 *
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * The pipeline works a batch ("chunk") of references at a time and runs each
 * TLB level over the whole chunk before the next level (see xlate.c):
 *
 *   chunk of page ids ──> engine (faults; evictions become events)
 *        │
 *        └─> xref (idx, tid) lists ──> L1 TLB(s) ──misses──> L2 TLB ──misses──> walker
 *                                         ▲                    ▲                  ▲
 *   events (idx-ordered: flush, invalidate, walk-cache invalidate) applied by each level
 *   in reference order, so a level sees exactly the state it would see one
 *   reference at a time.
 */
#ifndef VMSIM_XLATE_INT_H
#define VMSIM_XLATE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "replay.h"

#define XL_NONE UINT32_MAX  /* no tid, no slot, no set */

/* ------------------------------------------------------------- id maps */

/*
 * (asid, key) -> dense id, 0, 1, 2, ... in order of first insertion.  Open
 * addressing, linear probing, at most half full; 16 bytes a slot.  Used for
 * pages, huge regions, address spaces and page-table pages.
 */
struct xmap_slot {
	uint64_t key;   /* page number, region number, table number, ... */
	uint32_t asid;  /* address space */
	uint32_t id1;   /* id + 1; 0 marks an empty slot */
};

struct xmap {
	struct xmap_slot *slots; /* 2^bits slots */
	uint32_t bits;           /* log2 of the table size */
	uint32_t count;          /* ids handed out */
};

int xmap_init(struct xmap *m);
void xmap_free(struct xmap *m);
/* 0 (and *is_new), VM_ERR_NOMEM, or VM_ERR_LIMIT past 2^30 ids */
int xmap_get(struct xmap *m, uint32_t asid, uint64_t key, uint32_t *id, int *is_new);

#define XL_MAX_IDS (1u << 30) /* pages and translations: ids fit in 30 bits */

/* ------------------------------------------------ references and events */

/* One reference as a pipeline level sees it. */
struct xref {
	uint32_t idx;  /* index in the chunk */
	uint32_t tid;  /* translation id: the TLB tag */
};

enum xev_kind {
	XEV_FLUSH,     /* address-space switch without ASID tags: flush all */
	XEV_INVAL,     /* invalidate translation `tid` (shootdown, promotion) */
	XEV_PWC_INVAL, /* drop walk-cache entry (level, asid, key) */
};

struct xevent {
	uint32_t idx;   /* applies before the reference with this chunk index */
	uint32_t kind;  /* enum xev_kind */
	uint32_t arg;   /* XEV_INVAL: tid; XEV_PWC_INVAL: level */
	uint32_t asid;  /* XEV_PWC_INVAL: address space */
	uint64_t key;   /* XEV_PWC_INVAL: the entry's key (vpn >> shift) */
};

/* What every level may read about a translation id. */
struct xtids {
	const uint64_t *vpn;   /* page number at the translation's own size */
	const uint8_t *level;  /* page-table level of its leaf (1: base page) */
	const uint32_t *asid;  /* its address space */
	uint32_t n;            /* translations so far */
};

/* ----------------------------------------------------------------- tlb.c */

#define TLB_SCAN_MAX 16 /* ways searched by a scan; more use a per-tid index */

struct tlb;

/* tlb_new flags */
#define TLB_F_GENERIC 0x1     /* the policy-ops organisation even for LRU and FIFO
				 (tests compare the organisations) */
#define TLB_F_EAGER_FLUSH 0x2 /* flush entry by entry, not by generation (tests) */
#define TLB_F_REFERENCE 0x4   /* a 3C reference TLB: no 3C split of its own */

int tlb_new(struct tlb **out, const struct tlb_config *c, uint64_t seed, int flags);
void tlb_free(struct tlb *t);
/* make room for translation ids 0..ntids-1, whose page numbers tvpn[] holds
 * (each tid's set is made ready once); 0 or VM_ERR_NOMEM */
int tlb_reserve(struct tlb *t, uint32_t ntids, const uint64_t *tvpn);
/* tests: let the generation wrap after max flushes (UINT32_MAX normally) */
void tlb_set_gen_max(struct tlb *t, uint32_t max);
/*
 * Look up in[0..n) in order, after applying every event at or before each
 * reference's idx; fill on a miss and copy the missing reference to miss[]
 * (which may not alias in); return how many missed.  All events in ev are
 * applied by the end.  shot (may be NULL) counts invalidations that removed
 * an entry.
 */
size_t tlb_run(struct tlb *t, const struct xref *in, size_t n, struct xref *miss,
	       const struct xevent *ev, size_t nev, const uint64_t *tvpn, uint64_t *shot);
void tlb_get_stats(const struct tlb *t, struct tlb_stats *st);

/* the tlb-curve pass over a stream of tids */
struct tlb_curve;
int tlb_curve_new(struct tlb_curve **out, struct tlb_curve_point *pts, size_t n,
		  uint64_t seed);
int tlb_curve_feed(struct tlb_curve *c, const uint32_t *tids, size_t n,
		   const uint64_t *tvpn, uint32_t ntids);
void tlb_curve_finish(struct tlb_curve *c); /* results into the points */
void tlb_curve_free(struct tlb_curve *c);

/* ----------------------------------------------------------- pagetable.c */

struct pt;

int pt_new(struct pt **out, const struct pt_config *c);
void pt_free(struct pt *p);
/* index bits below level l (1 = leaf): 0 for l = 1; the sum of all bits for
 * l = levels + 1 */
uint32_t pt_shift_below(const struct pt_config *c, uint32_t level);
/* walk for every in[] after the events before it, like tlb_run */
void pt_run(struct pt *p, const struct xref *in, size_t n, const struct xevent *ev,
	    size_t nev, const struct xtids *t);
void pt_get_stats(const struct pt *p, uint64_t *walks, uint64_t *refs,
		  uint64_t *pwc_hits);
/* Table pages per level (leaf first) to map translations tids[0..n). */
int pt_footprint(const struct pt_config *c, const uint32_t *tids, size_t n,
		 const struct xtids *t, uint64_t pages[PT_MAX_LEVELS]);

#endif
