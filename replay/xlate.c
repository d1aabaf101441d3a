/*
 * xlate.c - the translation pipeline: address spaces, huge pages, the TLB
 * hierarchy, page walks and the cost model, replayed beside the paging model
 * on the same reference stream.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * WHAT IS MODELLED.  Every reference is translated before it touches memory:
 *
 *   ref (asid, addr, kind)
 *     │  page = (asid, addr >> page_shift)           a dense page id (paging)
 *     │  tid  = its current translation              a dense id (TLB tag)
 *     ▼
 *   L1: unified TLB (--tlb), or ITLB for fetches and DTLB for data (--itlb/--dtlb)
 *     │ miss                                          hit: done
 *     ▼
 *   L2: unified STLB (--stlb)                         hit: fill L1, done
 *     │ miss
 *     ▼
 *   walk the radix table, root to leaf, minus what the walk caches hold;
 *   fill L2 and L1 (neither inclusive nor exclusive: an L1 eviction leaves
 *   L2 alone and an L2 eviction leaves L1 alone, as on Intel cores)
 *     │
 *     ▼
 *   the page itself: resident, or a page fault in the paging model (engine.c,
 *   N frames, --policy), which may evict a page and write it back
 *
 * A translation (tid) is one (address space, page size, page number).  With
 * --huge 2M every page maps through its 2 MiB region's translation; with
 * --huge auto a region is promoted, like Linux's transparent huge pages, at
 * the reference that touches the ceil(fraction * 512)-th distinct 4 KiB page
 * of it (the base pages' TLB entries are shot down as khugepaged's collapse
 * does, the walk cache's pointer to the freed leaf table is dropped, and from
 * then on the region translates through one huge entry).  The paging model
 * keeps working in base pages throughout: huge pages change translation
 * reach and walk length, not what a frame holds.
 *
 * Address spaces.  Pages and translations are numbered per (asid, page), so
 * the paging model sees two processes' pages as different pages and TLB tags
 * carry the ASID implicitly.  --asid on keeps entries of every address space
 * (PCID); --asid off flushes every TLB and walk cache when the asid changes
 * between consecutive references, like a CR3 write without PCID.  Switches
 * and flushes are counted either way.  --interleave Q merges several traces
 * round robin, Q references at a time, each its own address space.
 *
 * Evictions.  When the paging model evicts a page, the operating system
 * would invalidate its translation on every TLB (a shootdown, INVLPG): the
 * entry is removed from every level, its way becomes empty and the next miss
 * in that set fills it without evicting anyone.  Walk caches keep their upper
 * entries (the tables stay).  If the evicted page lies in a huge page, the
 * huge translation goes (an approximation: a kernel would split or swap the
 * whole huge page).  So a TLB never holds a translation of a non-resident
 * base page, and with fewer frames than TLB entries the TLB cannot hold more
 * live translations than there are frames.  The order within one reference is
 * the hardware's: look up, walk, fault (evict, shoot down), fill.
 *
 * HOW IT RUNS FAST.  References are processed in chunks of XCHUNK, one model
 * at a time over the whole chunk, each a tight loop over arrays:
 *
 *   1. prepass: page id -> tid, asid switches, THP touches; builds the L1
 *      input lists (idx, tid) and the events it causes (flushes, promotions);
 *   2. the engine replays the chunk's page ids (sim_ids); its eviction hook
 *      records (idx, page) events;
 *   3. the events are merged in reference order (flush, then promotion
 *      invalidations, then shootdowns, for one idx: the order they happen);
 *   4. each TLB level runs over its input list and emits its misses, the
 *      next level's input, applying every event before the reference it
 *      precedes; the walker runs over the last level's misses.
 *
 * Each level sees exactly the state it would see one reference at a time,
 * because a level's behaviour depends only on its own input sequence and the
 * events interleaved with it: whether L2 hits does not change what L1 fills.
 * Per reference the common path is a page-id lookup (a small direct-mapped
 * cache of recent pages in front of the hash map), one engine step and one
 * tag compare in L1; per-reference allocation is none.
 *
 * Two ways to replay, as in the engine: streaming (one configuration; pages
 * numbered as they arrive, memory bounded by distinct pages) and loaded (the
 * source decoded once into page ids, 4 bytes per reference plus a bit for
 * "instruction fetch", then any number of paging configurations over it).
 * The loaded page-id array of engine.c cannot be reused as is: it loses the
 * address space and the kind, so the translation model keeps its own.
 *
 * THE COST MODEL.  Per reference: an L1 lookup (tlb), an L2 lookup on an L1
 * miss (stlb), one walk latency per walk reference (walk), the access itself
 * (mem), plus the page-fault service (fault) and a write-back (writeback)
 * where the paging model counted them.  avg translation cost = translation
 * time / refs; effective access time = all of it / refs (the textbook EAT,
 * e.g. Silberschatz, Galvin and Gagne, "Operating System Concepts", ch. 9,
 * extended with walks and faults).  Latencies are nanoseconds; defaults in
 * replay.h (XLATE_LAT_*) and the README.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "replay.h"
#include "xlate_int.h"
#include "policy.h"

#define XCHUNK 4096 /* references per chunk; a multiple of 64 */

const struct xlate_latency xlate_default_latency = {
	.tlb = XLATE_LAT_TLB, /* the values and their reasons: replay.h */
	.stlb = XLATE_LAT_STLB,
	.mem = XLATE_LAT_MEM,
	.walk = XLATE_LAT_WALK,
	.fault = XLATE_LAT_FAULT,
	.writeback = XLATE_LAT_WRITEBACK,
};

/* -------------------------------------------------------------- id maps */

static inline uint64_t xmap_hash(uint32_t asid, uint64_t key, uint32_t bits)
{
	uint64_t h = (key ^ ((uint64_t)asid << 47 | (uint64_t)asid >> 17)) *
		     0x9E3779B97F4A7C15ull;

	return h >> (64 - bits);
}

/* the slots of a map of 2^bits, as charged against --mem-limit */
static uint64_t xmap_bytes(uint32_t bits)
{
	return ((uint64_t)1 << bits) * sizeof(struct xmap_slot);
}

int xmap_init(struct xmap *m)
{
	m->bits = 10;
	m->count = 0;
	if (vm_mem_charge(xmap_bytes(m->bits), "the translation id map")) {
		m->slots = NULL;
		return VM_ERR_MEMLIMIT;
	}
	m->slots = calloc((size_t)1 << m->bits, sizeof *m->slots);
	if (!m->slots) {
		vm_mem_release(xmap_bytes(m->bits));
		return VM_ERR_NOMEM;
	}
	return 0;
}

void xmap_free(struct xmap *m)
{
	if (m->slots)
		vm_mem_release(xmap_bytes(m->bits));
	free(m->slots);
	m->slots = NULL;
}

static int xmap_grow(struct xmap *m)
{
	uint32_t nbits = m->bits + 1;
	size_t n = (size_t)1 << m->bits, mask = ((size_t)1 << nbits) - 1, i, j;
	struct xmap_slot *ns;

	/* the old table and the new one live together while rehashing */
	if (vm_mem_charge(xmap_bytes(nbits), "the translation id map"))
		return VM_ERR_MEMLIMIT;
	ns = calloc(mask + 1, sizeof *ns);
	if (!ns) {
		vm_mem_release(xmap_bytes(nbits));
		return VM_ERR_NOMEM;
	}
	for (i = 0; i < n; i++) {
		if (!m->slots[i].id1)
			continue;
		j = xmap_hash(m->slots[i].asid, m->slots[i].key, nbits);
		while (ns[j].id1)
			j = (j + 1) & mask;
		ns[j] = m->slots[i];
	}
	free(m->slots);
	vm_mem_release(xmap_bytes(m->bits));
	m->slots = ns;
	m->bits = nbits;
	return 0;
}

int xmap_get(struct xmap *m, uint32_t asid, uint64_t key, uint32_t *id, int *is_new)
{
	size_t mask = ((size_t)1 << m->bits) - 1;
	size_t j = xmap_hash(asid, key, m->bits);
	int rc;

	for (;;) {
		struct xmap_slot *sl = &m->slots[j];

		if (!sl->id1)
			break;
		if (sl->key == key && sl->asid == asid) {
			*id = sl->id1 - 1;
			*is_new = 0;
			return 0;
		}
		j = (j + 1) & mask;
	}
	if (m->count >= XL_MAX_IDS)
		return VM_ERR_LIMIT;
	if ((uint64_t)(m->count + 1) * 2 > mask + 1) {
		if ((rc = xmap_grow(m)))
			return rc;
		return xmap_get(m, asid, key, id, is_new);
	}
	m->slots[j].key = key;
	m->slots[j].asid = asid;
	m->slots[j].id1 = ++m->count;
	*id = m->count - 1;
	*is_new = 1;
	return 0;
}

/* -------------------------------------------------------- configuration */

/* "4K", "2M", "512G", "16" for 2^shift bytes */
static const char *size_name(uint32_t shift, char *buf, size_t n)
{
	static const char unit[] = " KMGTPE";
	uint32_t u = shift / 10 < 6 ? shift / 10 : 6;

	if (u)
		snprintf(buf, n, "%llu%c", 1ull << (shift - 10 * u), unit[u]);
	else
		snprintf(buf, n, "%llu", 1ull << shift);
	return buf;
}

static const struct {
	const char *key;                 /* name in --latency */
	size_t off;                      /* field */
} lat_keys[] = {
	{ "tlb", offsetof(struct xlate_latency, tlb) },
	{ "stlb", offsetof(struct xlate_latency, stlb) },
	{ "mem", offsetof(struct xlate_latency, mem) },
	{ "walk", offsetof(struct xlate_latency, walk) },
	{ "fault", offsetof(struct xlate_latency, fault) },
	{ "writeback", offsetof(struct xlate_latency, writeback) },
};
#define NLAT (sizeof lat_keys / sizeof lat_keys[0])

int xlate_parse_latency(const char *s, struct xlate_latency *l, struct vm_diag *d)
{
	const char *p = s, *eq, *comma;
	char *end;
	size_t k, klen;
	double v;

	while (*p) {
		eq = strchr(p, '=');
		comma = strchr(p, ',');
		if (!comma)
			comma = p + strlen(p);
		if (!eq || eq > comma)
			goto syntax;
		klen = (size_t)(eq - p);
		for (k = 0; k < NLAT; k++)
			if (strlen(lat_keys[k].key) == klen && strncmp(p, lat_keys[k].key, klen) == 0)
				break;
		if (k == NLAT)
			return vm_fail(d, VM_ERR_USAGE,
				       "--latency: unknown key '%.*s'; known: tlb stlb mem walk fault writeback",
				       (int)klen, p);
		v = strtod(eq + 1, &end);
		if (end != comma || end == eq + 1 || !(v >= 0) || !isfinite(v))
			return vm_fail(d, VM_ERR_USAGE,
				       "--latency: %.*s needs a number of nanoseconds >= 0, not '%.*s'",
				       (int)klen, p, (int)(comma - eq - 1), eq + 1);
		*(double *)((char *)l + lat_keys[k].off) = v;
		p = *comma ? comma + 1 : comma;
	}
	return 0;
syntax:
	return vm_fail(d, VM_ERR_USAGE,
		       "--latency '%s' is not KEY=NS[,KEY=NS...] (example: walk=30,fault=8e6)", s);
}

const char *xlate_latency_format(const struct xlate_latency *l, char *buf, size_t n)
{
	size_t k, used = 0;

	buf[0] = 0;
	for (k = 0; k < NLAT && used < n; k++)
		used += (size_t)snprintf(buf + used, n - used, "%s%s=%g", k ? "," : "",
					 lat_keys[k].key,
					 *(const double *)((const char *)l + lat_keys[k].off));
	return buf;
}

int xlate_parse_huge(const char *s, struct xlate_config *c, struct vm_diag *d)
{
	uint64_t v;
	int l;

	if (strcmp(s, "off") == 0) {
		c->huge = XLATE_HUGE_OFF;
		return 0;
	}
	if (strcmp(s, "auto") == 0) {
		c->huge = XLATE_HUGE_AUTO;
		return 0;
	}
	if (parse_size(s, &v) || (l = ilog2_exact(v)) < 0)
		return vm_fail(d, VM_ERR_USAGE,
			       "--huge '%s' is not off, auto or a power-of-two page size (2M, 1G)", s);
	c->huge = XLATE_HUGE_FIXED;
	c->huge_shift = (uint32_t)l;
	return 0;
}

int xlate_config_check(struct xlate_config *c, struct vm_diag *d)
{
	uint32_t l, s, top;
	char a[32], b[64], list[160];
	size_t used = 0;
	int rc;

	if (c->page_shift > VM_MAX_PAGE_SHIFT)
		return vm_fail(d, VM_ERR_USAGE, "page size must be at most 1 GiB");
	if (c->tlb.entries && (c->itlb.entries || c->dtlb.entries))
		return vm_fail(d, VM_ERR_USAGE,
			       "--tlb (a unified L1) and --itlb/--dtlb (a split L1) exclude each other");
	if (!c->itlb.entries != !c->dtlb.entries)
		return vm_fail(d, VM_ERR_USAGE,
			       "--itlb and --dtlb go together (a split L1 TLB); give both, or --tlb");
	if (c->stlb.entries && !c->tlb.entries && !c->itlb.entries)
		return vm_fail(d, VM_ERR_USAGE,
			       "--stlb needs an L1 TLB below it: --tlb, or --itlb with --dtlb");
	c->tlb.ref3c = c->itlb.ref3c = c->dtlb.ref3c = c->stlb.ref3c = c->ref3c;
	if ((rc = tlb_check("--tlb", &c->tlb, d)) || (rc = tlb_check("--itlb", &c->itlb, d)) ||
	    (rc = tlb_check("--dtlb", &c->dtlb, d)) || (rc = tlb_check("--stlb", &c->stlb, d)))
		return rc;
	if (!c->pt.pte_size)
		c->pt.pte_size = 8;
	if (!c->tlb_only && (rc = pt_geometry(&c->pt, c->page_shift, d)))
		return rc;
	if (c->huge == XLATE_HUGE_OFF)
		return 0;
	if (c->tlb_only) {
		if (c->huge == XLATE_HUGE_AUTO)
			return vm_fail(d, VM_ERR_USAGE,
				       "--huge auto needs the page table; use vmsim replay");
		if (c->huge_shift <= c->page_shift || c->huge_shift - c->page_shift > 30)
			return vm_fail(d, VM_ERR_USAGE,
				       "--huge %s must be larger than the page size and at most 2^30 pages",
				       size_name(c->huge_shift, a, sizeof a));
		return 0;
	}
	if (c->huge == XLATE_HUGE_AUTO && !(c->thp_fraction > 0 && c->thp_fraction <= 1))
		return vm_fail(d, VM_ERR_USAGE,
			       "--thp-fraction %g must be above 0 and at most 1", c->thp_fraction);
	top = c->pt.levels;
	if (top < 2)
		return vm_fail(d, VM_ERR_USAGE,
			       "--huge needs a page table of at least 2 levels (a huge page is a "
			       "leaf above level 1)");
	if (c->huge == XLATE_HUGE_AUTO) {
		c->huge_shift = c->page_shift + pt_shift_below(&c->pt, 2);
		if (c->huge_shift - c->page_shift > 30)
			return vm_fail(d, VM_ERR_USAGE,
				       "--huge auto: a level-2 page of 2^%u base pages is too large",
				       c->huge_shift - c->page_shift);
		return 0;
	}
	for (l = 2; l <= top; l++) {
		s = c->page_shift + pt_shift_below(&c->pt, l);
		if (s == c->huge_shift && s - c->page_shift <= 30)
			return 0;
		if (s < 64)
			used += (size_t)snprintf(list + used, used < sizeof list ? sizeof list - used : 0,
						 "%s%s", used ? ", " : "", size_name(s, a, sizeof a));
	}
	return vm_fail(d, VM_ERR_USAGE,
		       "--huge %s does not match a page-table level: with --pt-bits %s and "
		       "%llu-byte pages, levels 2..%u map %s",
		       size_name(c->huge_shift, a, sizeof a), pt_bits_format(&c->pt, b, sizeof b),
		       1ull << c->page_shift, top, list);
}

/* ---------------------------------------------------------- the id space */

/*
 * Pages and translations, numbered densely in first-touch order.  Shared
 * read-only by every run over a loaded trace; grown as references arrive when
 * streaming.
 *
 *   pages   (asid, vpn) -> page id      ptid[page]: its translation at rest
 *                                       (its own, or its region's with FIXED)
 *   regions (asid, vpn >> rs) -> rid    rtid[rid]: the huge translation;
 *                                       AUTO: rfirst/pnext list its pages
 *   tids    tvpn, tlevel, tasid         what a TLB and the walker need
 */
/*
 * A direct-mapped cache of recently numbered pages in front of the hash map:
 * slot (vpn ^ asid) mod XPC_SLOTS.  A working set of a few hundred pages is
 * numbered without touching the map (8 KiB, in the L1 data cache).
 */
#define XPC_SLOTS 512
struct xpc_slot {
	uint64_t vpn;   /* page number */
	uint32_t asid;  /* address space */
	uint32_t id;    /* page id, XL_NONE if the slot is empty */
};

struct xspace {
	uint32_t page_shift;        /* log2 base page size */
	enum xlate_huge huge;       /* huge-page mode */
	uint32_t region_shift;      /* log2 base pages per huge page */
	uint32_t huge_level;        /* page-table level of a huge leaf */
	uint64_t vpn_limit;         /* base page numbers must be below; 0: unchecked */
	const struct xlate_config *cfg; /* for messages */
	struct xmap pages;          /* (asid, vpn) -> page id */
	struct xmap regions;        /* (asid, vpn >> region_shift) -> region id */
	struct xmap asids;          /* distinct address spaces */
	uint32_t pcap;              /* per-page arrays' length */
	uint32_t *ptid;             /* per page: translation at rest */
	uint32_t *preg;             /* AUTO: per page: region */
	uint32_t *pnext;            /* AUTO: per page: next page of its region */
	uint32_t rcap;              /* per-region arrays' length */
	uint32_t *rtid;             /* per region: huge translation */
	uint32_t *rfirst;           /* AUTO: per region: its newest page */
	uint32_t ntids;             /* translations */
	uint32_t tcap;              /* per-tid arrays' length */
	uint64_t *tvpn;             /* per tid: page number at its size */
	uint8_t *tlevel;            /* per tid: leaf level */
	uint32_t *tasid;            /* per tid: address space */
	struct xpc_slot *pc;        /* XPC_SLOTS recently numbered pages */
	uint64_t refs;              /* references numbered */
	uint64_t by_kind[REF_NKINDS]; /* references per kind */
};

static int xspace_init(struct xspace *sp, const struct xlate_config *c)
{
	uint32_t bits;

	memset(sp, 0, sizeof *sp);
	sp->cfg = c;
	sp->page_shift = c->page_shift;
	sp->huge = c->huge;
	sp->pc = malloc(XPC_SLOTS * sizeof *sp->pc);
	if (!sp->pc)
		return VM_ERR_NOMEM;
	memset(sp->pc, 0xff, XPC_SLOTS * sizeof *sp->pc);
	if (c->huge != XLATE_HUGE_OFF) {
		sp->region_shift = c->huge_shift - c->page_shift;
		sp->huge_level = 2;
		if (!c->tlb_only)
			for (sp->huge_level = 2; sp->huge_level < c->pt.levels; sp->huge_level++)
				if (pt_shift_below(&c->pt, sp->huge_level) == sp->region_shift)
					break;
	}
	if (!c->tlb_only) {
		bits = pt_shift_below(&c->pt, c->pt.levels + 1);
		sp->vpn_limit = bits + c->page_shift >= 64 || bits >= 64 ? 0 : 1ull << bits;
	}
	if (xmap_init(&sp->pages) || xmap_init(&sp->regions) || xmap_init(&sp->asids))
		return VM_ERR_NOMEM;
	return 0;
}

static void xspace_free(struct xspace *sp)
{
	xmap_free(&sp->pages);
	xmap_free(&sp->regions);
	xmap_free(&sp->asids);
	free(sp->pc);
	free(sp->ptid);
	free(sp->preg);
	free(sp->pnext);
	free(sp->rtid);
	free(sp->rfirst);
	free(sp->tvpn);
	free(sp->tlevel);
	free(sp->tasid);
	memset(sp, 0, sizeof *sp);
}

/* grow an array of elements of size sz from old to n elements */
static int grow(void *pp, uint32_t old, uint32_t n, size_t sz)
{
	void **p = pp;
	char *q = realloc(*p, (size_t)n * sz);

	if (!q)
		return VM_ERR_NOMEM;
	memset(q + (size_t)old * sz, 0, (size_t)(n - old) * sz);
	*p = q;
	return 0;
}

static uint32_t next_cap(uint32_t cap, uint32_t need)
{
	uint32_t n = cap ? cap : 1024;

	while (n < need)
		n *= 2;
	return n;
}

static int xspace_new_tid(struct xspace *sp, uint64_t vpn, uint32_t level, uint32_t asid,
			  uint32_t *tid)
{
	uint32_t n;

	if (sp->ntids >= XL_MAX_IDS)
		return VM_ERR_LIMIT;
	if (sp->ntids == sp->tcap) {
		n = next_cap(sp->tcap, sp->ntids + 1);
		if (grow(&sp->tvpn, sp->tcap, n, sizeof *sp->tvpn) ||
		    grow(&sp->tlevel, sp->tcap, n, sizeof *sp->tlevel) ||
		    grow(&sp->tasid, sp->tcap, n, sizeof *sp->tasid))
			return VM_ERR_NOMEM;
		sp->tcap = n;
	}
	sp->tvpn[sp->ntids] = vpn;
	sp->tlevel[sp->ntids] = (uint8_t)level;
	sp->tasid[sp->ntids] = asid;
	*tid = sp->ntids++;
	return 0;
}

/* page id `id` is new: give it its translations */
static int xspace_new_page(struct xspace *sp, uint32_t asid, uint64_t vpn, uint32_t id)
{
	uint32_t rid = 0, n, x;
	int is_new, rc;

	if (id >= sp->pcap) {
		n = next_cap(sp->pcap, id + 1);
		if (grow(&sp->ptid, sp->pcap, n, sizeof *sp->ptid) ||
		    (sp->huge == XLATE_HUGE_AUTO &&
		     (grow(&sp->preg, sp->pcap, n, sizeof *sp->preg) ||
		      grow(&sp->pnext, sp->pcap, n, sizeof *sp->pnext))))
			return VM_ERR_NOMEM;
		sp->pcap = n;
	}
	if ((rc = xmap_get(&sp->asids, asid, 0, &x, &is_new)))
		return rc;
	if (sp->huge != XLATE_HUGE_OFF) {
		if ((rc = xmap_get(&sp->regions, asid, vpn >> sp->region_shift, &rid, &is_new)))
			return rc;
		if (is_new) {
			if (rid >= sp->rcap) {
				n = next_cap(sp->rcap, rid + 1);
				if (grow(&sp->rtid, sp->rcap, n, sizeof *sp->rtid) ||
				    grow(&sp->rfirst, sp->rcap, n, sizeof *sp->rfirst))
					return VM_ERR_NOMEM;
				sp->rcap = n;
			}
			rc = xspace_new_tid(sp, vpn >> sp->region_shift, sp->huge_level, asid,
					    &sp->rtid[rid]);
			if (rc)
				return rc;
			sp->rfirst[rid] = XL_NONE;
		}
	}
	if (sp->huge == XLATE_HUGE_FIXED) {
		sp->ptid[id] = sp->rtid[rid];
		return 0;
	}
	if ((rc = xspace_new_tid(sp, vpn, 1, asid, &sp->ptid[id])))
		return rc;
	if (sp->huge == XLATE_HUGE_AUTO) {
		sp->preg[id] = rid;
		sp->pnext[id] = sp->rfirst[rid];
		sp->rfirst[rid] = id;
	}
	return 0;
}

static int xspace_page(struct xspace *sp, const struct ref *r, uint64_t vpn, uint64_t index,
		       uint32_t *id, struct vm_diag *d)
{
	char b[64];
	int is_new, rc;

	rc = xmap_get(&sp->pages, r->asid, vpn, id, &is_new);
	if (!rc && is_new) {
		if (sp->vpn_limit && vpn >= sp->vpn_limit)
			return vm_fail(d, VM_ERR_LIMIT,
				       "address 0x%llx (reference %llu) is beyond the %u-bit virtual "
				       "address space of the page table (--pt-bits %s, %llu-byte pages); "
				       "give more index bits or levels",
				       (unsigned long long)r->addr, (unsigned long long)index + 1,
				       pt_shift_below(&sp->cfg->pt, sp->cfg->pt.levels + 1) + sp->page_shift,
				       pt_bits_format(&sp->cfg->pt, b, sizeof b),
				       1ull << sp->page_shift);
		rc = xspace_new_page(sp, r->asid, vpn, *id);
	}
	if (rc == VM_ERR_MEMLIMIT)
		return vm_mem_report(d, NULL);
	if (rc)
		return vm_fail(d, rc, rc == VM_ERR_LIMIT ?
			       "more than 2^30 distinct pages or translations" : "out of memory");
	return 0;
}

/* Number refs[0..n): ids[i] = page | LOADED_WRITE, instruction fetches as
 * bits bit0 + i of ibits (which must be zero there). */
static int xspace_add(struct xspace *sp, const struct ref *refs, size_t n, uint32_t *ids,
		      uint64_t *ibits, uint64_t bit0, struct vm_diag *d)
{
	uint64_t kinds[REF_NKINDS] = { 0 };
	size_t i, k;
	int rc;

	for (i = 0; i < n; i++) {
		const struct ref *r = &refs[i];
		uint64_t vpn = r->addr >> sp->page_shift, b;
		struct xpc_slot *pc = &sp->pc[(vpn ^ r->asid) & (XPC_SLOTS - 1)];
		uint32_t id = pc->id;

		if (vpn != pc->vpn || r->asid != pc->asid || id == XL_NONE) {
			rc = xspace_page(sp, r, vpn, sp->refs + i, &id, d);
			if (rc)
				return rc;
			pc->vpn = vpn;
			pc->asid = r->asid;
			pc->id = id;
		}
		ids[i] = id | (REF_IS_WRITE(r->kind) ? LOADED_WRITE : 0);
		b = bit0 + i;
		ibits[b >> 6] |= (uint64_t)(r->kind == REF_INSTR) << (b & 63);
		kinds[r->kind & 3]++;
	}
	for (k = 0; k < REF_NKINDS; k++)
		sp->by_kind[k] += kinds[k];
	sp->refs += n;
	return 0;
}

/* -------------------------------------------------------- one configuration */

struct xevict {
	uint32_t idx;   /* chunk index of the faulting reference */
	uint32_t page;  /* the evicted page */
};

struct xrun {
	const struct xspace *sp;    /* the id space */
	struct xlate_config cfg;    /* the translation model */
	struct sim *sim;            /* the paging model */
	struct tlb *l1, *l1i, *l1d; /* unified, or split, L1; NULL when absent */
	struct tlb *l2;             /* STLB or NULL */
	struct pt *pt;              /* walker and walk caches */
	uint32_t *cur;              /* AUTO: per page: current translation */
	uint32_t *rtouch;           /* AUTO: per region: distinct pages touched */
	uint64_t *rprom;            /* AUTO: per region: index promoted at, or UINT64_MAX */
	uint32_t pcap;              /* length of cur */
	uint32_t rcap;              /* length of rtouch, rprom */
	uint32_t thr;               /* AUTO: pages touched that promote a region */
	uint32_t nseen;             /* pages seen so far (ids are first-touch order) */
	uint32_t cur_asid;          /* asid of the last reference */
	int have_asid;              /* cur_asid is valid */
	uint64_t now;               /* references replayed */
	uint64_t switches;          /* asid changes */
	uint64_t flushes;           /* flushes they caused */
	uint64_t promotions;        /* AUTO promotions */
	uint64_t shot;              /* entries invalidated, over all TLBs */
	struct xref *u;             /* chunk: unified L1 (or walker) input */
	struct xref *iref, *dref;   /* chunk: split L1 inputs */
	struct xref *mi, *md;       /* chunk: split L1 misses */
	struct xref *m1, *m2;       /* chunk: L1 misses, L2 misses */
	struct xevent *evp;         /* chunk: prepass events */
	size_t nevp, capp;          /* their count and room */
	struct xevict *eve;         /* chunk: evictions (<= XCHUNK) */
	size_t neve;                /* their count */
	struct xevent *ev;          /* chunk: all events, merged */
	size_t capev;               /* its room */
};

static void xrun_evicted(void *ctx, uint32_t page, uint64_t now)
{
	struct xrun *r = ctx;

	r->eve[r->neve].idx = (uint32_t)(now - r->now);
	r->eve[r->neve].page = page;
	r->neve++;
}

static void xrun_free(struct xrun *r)
{
	if (!r)
		return;
	sim_free(r->sim);
	tlb_free(r->l1);
	tlb_free(r->l1i);
	tlb_free(r->l1d);
	tlb_free(r->l2);
	pt_free(r->pt);
	free(r->cur);
	free(r->rtouch);
	free(r->rprom);
	free(r->u);
	free(r->iref);
	free(r->dref);
	free(r->mi);
	free(r->md);
	free(r->m1);
	free(r->m2);
	free(r->evp);
	free(r->eve);
	free(r->ev);
	free(r);
}

static int xrun_new(struct xrun **out, const struct xspace *sp, const struct xlate_config *xc,
		    const struct engine_config *ec, struct vm_diag *d)
{
	struct xrun *r = calloc(1, sizeof *r);
	const size_t xs = XCHUNK * sizeof(struct xref);
	double thr;
	int rc;

	*out = NULL;
	if (!r)
		return vm_fail(d, VM_ERR_NOMEM, "out of memory");
	r->sp = sp;
	r->cfg = *xc;
	rc = sim_new_ids(&r->sim, ec, d);
	if (rc)
		goto fail;
	sim_set_evict_hook(r->sim, xrun_evicted, r);
	rc = VM_ERR_NOMEM;
	if ((xc->tlb.entries && tlb_new(&r->l1, &xc->tlb, xc->seed, 0)) ||
	    (xc->itlb.entries && tlb_new(&r->l1i, &xc->itlb, xc->seed, 0)) ||
	    (xc->dtlb.entries && tlb_new(&r->l1d, &xc->dtlb, xc->seed, 0)) ||
	    (xc->stlb.entries && tlb_new(&r->l2, &xc->stlb, xc->seed, 0)) ||
	    pt_new(&r->pt, &xc->pt))
		goto nomem;
	r->u = malloc(xs);
	r->iref = malloc(xs);
	r->dref = malloc(xs);
	r->mi = malloc(xs);
	r->md = malloc(xs);
	r->m1 = malloc(xs);
	r->m2 = malloc(xs);
	r->eve = malloc(XCHUNK * sizeof *r->eve);
	r->capp = r->capev = 2 * XCHUNK;
	r->evp = malloc(r->capp * sizeof *r->evp);
	r->ev = malloc(r->capev * sizeof *r->ev);
	if (!r->u || !r->iref || !r->dref || !r->mi || !r->md || !r->m1 || !r->m2 ||
	    !r->eve || !r->evp || !r->ev)
		goto nomem;
	if (xc->huge == XLATE_HUGE_AUTO) {
		thr = ceil(xc->thp_fraction * (double)(1ull << sp->region_shift));
		r->thr = thr < 1 ? 1 : (uint32_t)thr;
	}
	*out = r;
	return 0;
nomem:
	rc = vm_fail(d, VM_ERR_NOMEM, "out of memory for the translation model");
fail:
	xrun_free(r);
	return rc;
}

/* make room for every page, region and translation the space has now */
static int xrun_grow(struct xrun *r)
{
	const struct xspace *sp = r->sp;
	uint32_t n, i, np = sp->pages.count, nr = sp->regions.count;

	if (r->l1 && tlb_reserve(r->l1, sp->ntids, sp->tvpn))
		return VM_ERR_NOMEM;
	if (r->l1i && (tlb_reserve(r->l1i, sp->ntids, sp->tvpn) ||
			 tlb_reserve(r->l1d, sp->ntids, sp->tvpn)))
		return VM_ERR_NOMEM;
	if (r->l2 && tlb_reserve(r->l2, sp->ntids, sp->tvpn))
		return VM_ERR_NOMEM;
	if (sp->huge != XLATE_HUGE_AUTO)
		return 0;
	if (np > r->pcap) {
		n = next_cap(r->pcap, np);
		if (grow(&r->cur, r->pcap, n, sizeof *r->cur))
			return VM_ERR_NOMEM;
		for (i = r->pcap; i < n; i++)
			r->cur[i] = XL_NONE; /* set when the page is first seen */
		r->pcap = n;
	}
	if (nr > r->rcap) {
		n = next_cap(r->rcap, nr);
		if (grow(&r->rtouch, r->rcap, n, sizeof *r->rtouch) ||
		    grow(&r->rprom, r->rcap, n, sizeof *r->rprom))
			return VM_ERR_NOMEM;
		for (i = r->rcap; i < n; i++)
			r->rprom[i] = UINT64_MAX;
		r->rcap = n;
	}
	return 0;
}

static int xrun_push(struct xrun *r, uint32_t idx, uint32_t kind, uint32_t arg,
		     uint32_t asid, uint64_t key)
{
	struct xevent *e;

	if (r->nevp == r->capp) {
		e = realloc(r->evp, 2 * r->capp * sizeof *e);
		if (!e)
			return VM_ERR_NOMEM;
		r->evp = e;
		r->capp *= 2;
	}
	e = &r->evp[r->nevp++];
	e->idx = idx;
	e->kind = kind;
	e->arg = arg;
	e->asid = asid;
	e->key = key;
	return 0;
}

/* AUTO: page is touched for the first time at chunk index i */
static int xrun_touch(struct xrun *r, uint32_t page, uint32_t i)
{
	const struct xspace *sp = r->sp;
	uint32_t rid = sp->preg[page], p, htid = sp->rtid[rid];
	int rc;

	if (r->rprom[rid] != UINT64_MAX) {
		r->cur[page] = htid;
		return 0;
	}
	r->cur[page] = sp->ptid[page];
	if (++r->rtouch[rid] < r->thr)
		return 0;
	/* promote: shoot the base translations down, drop the cached pointer
	 * to the leaf table the collapse frees */
	r->rprom[rid] = r->now + i;
	r->promotions++;
	for (p = sp->rfirst[rid]; p != XL_NONE; p = sp->pnext[p]) {
		if (p < r->nseen && r->cur[p] != XL_NONE && r->cur[p] != htid &&
		    (rc = xrun_push(r, i, XEV_INVAL, r->cur[p], 0, 0)))
			return rc;
		r->cur[p] = htid;
	}
	return xrun_push(r, i, XEV_PWC_INVAL, sp->huge_level, sp->tasid[htid], sp->tvpn[htid]);
}

/* the translation page had at chunk index idx */
static uint32_t xrun_tid_at(const struct xrun *r, uint32_t page, uint32_t idx)
{
	const struct xspace *sp = r->sp;
	uint32_t rid;

	if (sp->huge != XLATE_HUGE_AUTO)
		return sp->ptid[page];
	rid = sp->preg[page];
	return r->rprom[rid] <= r->now + idx ? sp->rtid[rid] : sp->ptid[page];
}

/* merge prepass events and evictions, in reference order */
static int xrun_merge_events(struct xrun *r, size_t *nev)
{
	size_t a = 0, b = 0, k = 0, need = r->nevp + r->neve;
	struct xevent *e;

	if (need > r->capev) {
		e = realloc(r->ev, need * sizeof *e);
		if (!e)
			return VM_ERR_NOMEM;
		r->ev = e;
		r->capev = need;
	}
	while (a < r->nevp || b < r->neve) {
		if (b == r->neve || (a < r->nevp && r->evp[a].idx <= r->eve[b].idx)) {
			r->ev[k++] = r->evp[a++];
		} else {
			e = &r->ev[k++];
			e->idx = r->eve[b].idx;
			e->kind = XEV_INVAL;
			e->arg = xrun_tid_at(r, r->eve[b].page, r->eve[b].idx);
			e->asid = 0;
			e->key = 0;
			b++;
		}
	}
	*nev = k;
	return 0;
}

/* merge two idx-ordered lists */
static size_t xref_merge(const struct xref *a, size_t na, const struct xref *b, size_t nb,
			 struct xref *out)
{
	size_t i = 0, j = 0, k = 0;

	while (i < na && j < nb)
		out[k++] = a[i].idx < b[j].idx ? a[i++] : b[j++];
	while (i < na)
		out[k++] = a[i++];
	while (j < nb)
		out[k++] = b[j++];
	return k;
}

/* One chunk: ids[0..n) (page | LOADED_WRITE), instruction bits at ibits from
 * bit0, next-use times or NULL. */
static int xrun_chunk(struct xrun *r, const uint32_t *ids, const uint64_t *ibits,
		      uint64_t bit0, const uint32_t *next, size_t n, struct vm_diag *d)
{
	const struct xspace *sp = r->sp;
	const int multi = sp->asids.count > 1, tagged = r->cfg.asid_tagged;
	const int autoh = sp->huge == XLATE_HUGE_AUTO, split = r->l1i != NULL;
	struct xtids tv;
	struct xref *walk;
	size_t i, ni = 0, nd = 0, nev = 0, nw, n1;
	int rc;

	if (xrun_grow(r))
		return vm_fail(d, VM_ERR_NOMEM, "out of memory for the translation model");
	r->nevp = r->neve = 0;
	/* 1. prepass */
	for (i = 0; i < n; i++) {
		uint32_t page = LOADED_ID(ids[i]), tid;

		if (multi) {
			uint32_t a = sp->tasid[sp->ptid[page]];

			if (a != r->cur_asid || !r->have_asid) {
				if (r->have_asid) {
					r->switches++;
					if (!tagged) {
						r->flushes++;
						if ((rc = xrun_push(r, (uint32_t)i, XEV_FLUSH, 0, 0, 0)))
							goto nomem;
					}
				}
				r->cur_asid = a;
				r->have_asid = 1;
			}
		}
		if (page >= r->nseen) {
			r->nseen = page + 1;
			if (autoh && (rc = xrun_touch(r, page, (uint32_t)i)))
				goto nomem;
		}
		tid = autoh ? r->cur[page] : sp->ptid[page];
		if (!split) {
			r->u[i].idx = (uint32_t)i;
			r->u[i].tid = tid;
		} else if (ibits[(bit0 + i) >> 6] >> ((bit0 + i) & 63) & 1) {
			r->iref[ni].idx = (uint32_t)i;
			r->iref[ni++].tid = tid;
		} else {
			r->dref[nd].idx = (uint32_t)i;
			r->dref[nd++].tid = tid;
		}
	}
	if (!multi && n) {
		r->cur_asid = sp->tasid[sp->ptid[LOADED_ID(ids[n - 1])]];
		r->have_asid = 1;
	}
	/* 2. the paging model */
	rc = sim_ids(r->sim, ids, next, n);
	if (rc == VM_ERR_MEMLIMIT)
		return vm_mem_report(d, NULL);
	if (rc)
		return vm_fail(d, rc, rc == VM_ERR_LIMIT ? "more than 2^31 distinct pages"
							 : "out of memory");
	/* 3. events in order */
	if ((rc = xrun_merge_events(r, &nev)))
		goto nomem;
	/* 4. the TLB levels and the walker */
	tv.vpn = sp->tvpn;
	tv.level = sp->tlevel;
	tv.asid = sp->tasid;
	tv.n = sp->ntids;
	if (split) {
		ni = tlb_run(r->l1i, r->iref, ni, r->mi, r->ev, nev, sp->tvpn, &r->shot);
		nd = tlb_run(r->l1d, r->dref, nd, r->md, r->ev, nev, sp->tvpn, &r->shot);
		n1 = xref_merge(r->mi, ni, r->md, nd, r->m1);
		walk = r->m1;
	} else if (r->l1) {
		n1 = tlb_run(r->l1, r->u, n, r->m1, r->ev, nev, sp->tvpn, &r->shot);
		walk = r->m1;
	} else {
		n1 = n;
		walk = r->u;
	}
	nw = n1;
	if (r->l2) {
		nw = tlb_run(r->l2, walk, n1, r->m2, r->ev, nev, sp->tvpn, &r->shot);
		walk = r->m2;
	}
	pt_run(r->pt, walk, nw, r->ev, nev, &tv);
	r->now += n;
	return 0;
nomem:
	return vm_fail(d, VM_ERR_NOMEM, "out of memory for the translation model");
}

static void tlb_stats_of(const struct tlb *t, struct tlb_stats *st)
{
	if (t)
		tlb_get_stats(t, st);
	else
		memset(st, 0, sizeof *st);
}

static int xrun_result(struct xrun *r, struct engine_stats *est, struct xlate_stats *xst,
		       struct vm_diag *d)
{
	const struct xspace *sp = r->sp;
	const struct xlate_latency *lat = &r->cfg.lat;
	struct xtids tv = { sp->tvpn, sp->tlevel, sp->tasid, sp->ntids };
	uint32_t *list = NULL, p, nl = 0, l, sum;
	uint8_t *mark = NULL;
	uint64_t l1miss;
	int rc = 0;

	sim_result(r->sim, est);
	est->distinct_pages = r->nseen;
	memcpy(est->by_kind, sp->by_kind, sizeof est->by_kind);
	memset(xst, 0, sizeof *xst);
	xst->refs = r->now;
	tlb_stats_of(r->l1, &xst->tlb);
	tlb_stats_of(r->l1i, &xst->itlb);
	tlb_stats_of(r->l1d, &xst->dtlb);
	tlb_stats_of(r->l2, &xst->stlb);
	pt_get_stats(r->pt, &xst->walks, &xst->walk_refs, &xst->pwc_hits);
	xst->switches = r->switches;
	xst->flushes = r->flushes;
	xst->promotions = r->promotions;
	xst->shootdowns = r->shot;
	xst->asids = sp->asids.count;
	/* the final mapping: each seen page's translation, once */
	mark = calloc(sp->ntids ? sp->ntids : 1, 1);
	list = malloc((sp->ntids ? sp->ntids : 1) * sizeof *list);
	if (!mark || !list) {
		rc = vm_fail(d, VM_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (p = 0; p < r->nseen; p++) {
		uint32_t t = sp->huge == XLATE_HUGE_AUTO ? r->cur[p] : sp->ptid[p];

		if (!mark[t]) {
			mark[t] = 1;
			list[nl++] = t;
		}
	}
	xst->translations = nl;
	if (!r->cfg.tlb_only) {
		const struct pt_config *pc = &r->cfg.pt;

		if ((rc = pt_footprint(pc, list, nl, &tv, xst->pt_level_pages))) {
			rc = vm_fail(d, rc, "out of memory counting page-table pages");
			goto out;
		}
		for (l = 1; l <= pc->levels; l++) {
			uint64_t bytes = (uint64_t)pc->pte_size << pc->bits[pc->levels - l];
			uint64_t n = xst->pt_level_pages[l - 1];

			xst->pt_pages += n;
			/* up to 2^30 tables of up to 2^38 bytes: saturate, never wrap */
			if (n && bytes > (UINT64_MAX - xst->pt_bytes) / n)
				xst->pt_bytes = UINT64_MAX;
			else
				xst->pt_bytes += n * bytes;
		}
		sum = pt_shift_below(pc, pc->levels + 1);
		if (sum + (uint32_t)ilog2_exact(pc->pte_size) >= 64 ||
		    (xst->asids && (UINT64_MAX >> (sum + (uint32_t)ilog2_exact(pc->pte_size))) <
				   xst->asids))
			xst->pt_linear_bytes = UINT64_MAX;
		else
			xst->pt_linear_bytes = xst->asids * ((uint64_t)pc->pte_size << sum);
	}
	/* the cost model */
	l1miss = r->l1i ? xst->itlb.misses + xst->dtlb.misses : xst->tlb.misses;
	xst->xlate_ns = (r->l1 || r->l1i ? (double)xst->refs * lat->tlb : 0) +
			(r->l2 ? (double)l1miss * lat->stlb : 0) +
			(double)xst->walk_refs * lat->walk;
	xst->access_ns = xst->xlate_ns + (double)xst->refs * lat->mem +
			 (double)est->faults * lat->fault +
			 (double)est->writebacks * lat->writeback;
out:
	free(mark);
	free(list);
	return rc;
}

/* ------------------------------------------------------------ streaming */

struct xlate {
	struct xlate_config cfg;  /* the translation model, checked */
	struct xspace sp;         /* pages and translations so far */
	struct xrun *run;         /* the configuration */
	uint32_t *ids;            /* chunk: page ids */
	uint64_t *ibits;          /* chunk: instruction bits */
};

void xlate_free(struct xlate *x)
{
	if (!x)
		return;
	xrun_free(x->run);
	xspace_free(&x->sp);
	free(x->ids);
	free(x->ibits);
	free(x);
}

int xlate_new(struct xlate **out, const struct xlate_config *xc,
	      const struct engine_config *ec, struct vm_diag *d)
{
	struct xlate *x;
	int rc;

	*out = NULL;
	if (ec->policy && (ec->policy->flags & POLICY_NEEDS_FUTURE))
		return vm_fail(d, VM_ERR_USAGE,
			       "policy '%s' needs the future; replay it in loaded mode",
			       ec->policy->name);
	if (ec->page_shift != xc->page_shift)
		return vm_fail(d, VM_ERR_USAGE, "paging and translation page sizes differ");
	x = calloc(1, sizeof *x);
	if (!x)
		return vm_fail(d, VM_ERR_NOMEM, "out of memory");
	x->cfg = *xc;
	if ((rc = xlate_config_check(&x->cfg, d)))
		goto fail;
	x->ids = malloc(XCHUNK * sizeof *x->ids);
	x->ibits = malloc(XCHUNK / 8);
	if (!x->ids || !x->ibits || xspace_init(&x->sp, &x->cfg)) {
		rc = vm_fail(d, VM_ERR_NOMEM, "out of memory");
		goto fail;
	}
	if ((rc = xrun_new(&x->run, &x->sp, &x->cfg, ec, d)))
		goto fail;
	*out = x;
	return 0;
fail:
	xlate_free(x);
	return rc;
}

int xlate_refs(struct xlate *x, const struct ref *refs, size_t n, struct vm_diag *d)
{
	size_t off, m;
	int rc;

	for (off = 0; off < n; off += m) {
		m = n - off < XCHUNK ? n - off : XCHUNK;
		memset(x->ibits, 0, XCHUNK / 8);
		if ((rc = xspace_add(&x->sp, refs + off, m, x->ids, x->ibits, 0, d)) ||
		    (rc = xrun_chunk(x->run, x->ids, x->ibits, 0, NULL, m, d)))
			return rc;
	}
	return 0;
}

int xlate_result(struct xlate *x, struct engine_stats *est, struct xlate_stats *xst,
		 struct vm_diag *d)
{
	return xrun_result(x->run, est, xst, d);
}

/* ---------------------------------------------------------- interleaving */

struct xlate_source {
	struct trace_reader *r[XLATE_MAX_TRACES]; /* the traces; NULL once finished */
	int n;                  /* how many */
	int alive;              /* not yet finished */
	int cur;                /* whose turn */
	uint32_t quantum;       /* references per turn */
	uint32_t left;          /* left in this turn */
	uint64_t nread;         /* references delivered */
	struct vm_diag *d;      /* where errors go */
};

void xlate_source_close(struct xlate_source *s)
{
	int i;

	if (!s)
		return;
	for (i = 0; i < s->n; i++)
		trace_close(s->r[i]);
	free(s);
}

int xlate_source_open(struct xlate_source **out, const char *const *paths, int n,
		      const struct trace_format *fmt, uint32_t quantum,
		      struct vm_diag *d)
{
	struct xlate_source *s;
	int i, rc;

	*out = NULL;
	if (n < 1 || n > XLATE_MAX_TRACES)
		return vm_fail(d, VM_ERR_USAGE, "between 1 and %d traces can be interleaved",
			       XLATE_MAX_TRACES);
	if (n > 1 && quantum == 0)
		return vm_fail(d, VM_ERR_USAGE,
			       "%d traces need --interleave QUANTUM (references per turn, >= 1)", n);
	s = calloc(1, sizeof *s);
	if (!s)
		return vm_fail(d, VM_ERR_NOMEM, "out of memory");
	s->n = n;
	s->quantum = n > 1 ? quantum : 0;
	s->left = s->quantum;
	s->d = d;
	for (i = 0; i < n; i++) {
		if ((rc = trace_open(&s->r[i], paths[i], fmt, d))) {
			xlate_source_close(s);
			return rc;
		}
	}
	s->alive = n;
	*out = s;
	return 0;
}

long xlate_source_read(struct xlate_source *s, struct ref *buf, size_t cap)
{
	long got;
	size_t want, i;
	uint64_t a;

	while (s->alive) {
		if (s->n == 1)
			return trace_read(s->r[0], buf, cap);
		if (!s->r[s->cur]) {
			s->cur = (s->cur + 1) % s->n;
			continue;
		}
		want = cap < s->left ? cap : s->left;
		got = trace_read(s->r[s->cur], buf, want);
		if (got < 0)
			return got;
		if (got == 0) {
			trace_close(s->r[s->cur]);
			s->r[s->cur] = NULL;
			s->alive--;
			s->left = s->quantum;
			continue;
		}
		for (i = 0; i < (size_t)got; i++) {
			a = (uint64_t)buf[i].asid * (uint64_t)s->n + (uint64_t)s->cur;
			if (a > UINT32_MAX)
				return vm_fail(s->d, VM_ERR_LIMIT,
					       "trace %d: asid %u is too large to interleave %d traces",
					       s->cur + 1, buf[i].asid, s->n);
			buf[i].asid = (uint32_t)a;
		}
		s->left -= (uint32_t)got;
		if (!s->left) {
			s->left = s->quantum;
			s->cur = (s->cur + 1) % s->n;
		}
		s->nread += (uint64_t)got;
		return got;
	}
	return 0;
}

uint64_t xlate_source_nread(const struct xlate_source *s)
{
	return s->n == 1 ? s->r[0]->nread : s->nread;
}

/* ---------------------------------------------------------------- loaded */

struct xlate_trace {
	struct xlate_config cfg;  /* the translation model, checked */
	struct xspace sp;         /* every page and translation */
	uint32_t *ids;            /* per reference: page | LOADED_WRITE */
	uint64_t *ibits;          /* per reference: instruction fetch bit */
	uint32_t *next;           /* per reference: next use, or NULL */
	uint64_t n;               /* references */
	uint64_t cap;             /* room in ids (a multiple of 64) */
};

void xlate_trace_free(struct xlate_trace *t)
{
	if (!t)
		return;
	xspace_free(&t->sp);
	free(t->ids);
	free(t->ibits);
	free(t->next);
	free(t);
}

uint64_t xlate_trace_refs(const struct xlate_trace *t)
{
	return t->n;
}

static int xlate_compute_next(struct xlate_trace *t, struct vm_diag *d)
{
	uint32_t *last, np = t->sp.pages.count;
	uint64_t i;

	t->next = malloc((size_t)(t->n ? t->n : 1) * sizeof *t->next);
	last = malloc((size_t)(np ? np : 1) * sizeof *last);
	if (!t->next || !last) {
		free(last);
		return vm_fail(d, VM_ERR_NOMEM, "out of memory for next-use times (%llu MiB)",
			       (unsigned long long)(t->n * 4 >> 20));
	}
	memset(last, 0xff, (size_t)np * sizeof *last);
	for (i = t->n; i-- > 0;) {
		uint32_t p = LOADED_ID(t->ids[i]);

		t->next[i] = last[p];
		last[p] = (uint32_t)i;
	}
	free(last);
	return 0;
}

int xlate_load(struct xlate_trace **out, struct xlate_source *src,
	       const struct xlate_config *xc, int need_next,
	       void (*progress)(uint64_t refs), struct vm_diag *d)
{
	enum { BATCH = 4096 };
	struct xlate_trace *t;
	struct ref *buf = NULL;
	long got;
	int rc;

	*out = NULL;
	t = calloc(1, sizeof *t);
	if (!t)
		return vm_fail(d, VM_ERR_NOMEM, "out of memory");
	t->cfg = *xc;
	if ((rc = xlate_config_check(&t->cfg, d)))
		goto fail;
	buf = malloc(BATCH * sizeof *buf);
	if (!buf || xspace_init(&t->sp, &t->cfg)) {
		rc = vm_fail(d, VM_ERR_NOMEM, "out of memory");
		goto fail;
	}
	while ((got = xlate_source_read(src, buf, BATCH)) > 0) {
		if (t->n + (uint64_t)got > LOADED_MAX_REFS) {
			rc = vm_fail(d, VM_ERR_LIMIT,
				     "trace has more than %u references, too many to load; "
				     "replay one streaming policy at a time instead",
				     LOADED_MAX_REFS);
			goto fail;
		}
		if (t->n + (uint64_t)got > t->cap) {
			uint64_t ncap = t->cap ? t->cap * 2 : 65536;
			uint32_t *p;
			uint64_t *q;

			while (ncap < t->n + (uint64_t)got)
				ncap *= 2;
			p = realloc(t->ids, (size_t)ncap * sizeof *p);
			if (p)
				t->ids = p;
			q = realloc(t->ibits, (size_t)ncap / 8);
			if (q)
				t->ibits = q;
			if (!p || !q) {
				rc = vm_fail(d, VM_ERR_NOMEM,
					     "out of memory loading %llu references (%llu MiB); "
					     "replay one streaming policy at a time instead",
					     (unsigned long long)ncap,
					     (unsigned long long)(ncap * 4 >> 20));
				goto fail;
			}
			memset(t->ibits + t->cap / 64, 0, (size_t)(ncap - t->cap) / 8);
			t->cap = ncap;
		}
		if ((rc = xspace_add(&t->sp, buf, (size_t)got, t->ids + t->n, t->ibits, t->n, d)))
			goto fail;
		t->n += (uint64_t)got;
		if (progress)
			progress(t->n);
	}
	if (got < 0) {
		rc = (int)got;
		goto fail;
	}
	if (need_next && (rc = xlate_compute_next(t, d)))
		goto fail;
	free(buf);
	*out = t;
	return 0;
fail:
	free(buf);
	xlate_trace_free(t);
	return rc;
}

int xlate_run_loaded(const struct xlate_trace *t, const struct engine_config *ec,
		     struct engine_stats *est, struct xlate_stats *xst,
		     struct vm_diag *d)
{
	struct xrun *r = NULL;
	uint64_t off;
	size_t m;
	int rc;

	if (ec->page_shift != t->cfg.page_shift)
		return vm_fail(d, VM_ERR_USAGE, "paging and translation page sizes differ");
	if (ec->policy && (ec->policy->flags & POLICY_NEEDS_FUTURE) && !t->next)
		return vm_fail(d, VM_ERR_USAGE,
			       "policy '%s' needs next-use times (xlate_load with need_next)",
			       ec->policy->name);
	if ((rc = xrun_new(&r, &t->sp, &t->cfg, ec, d)))
		return rc;
	for (off = 0; off < t->n; off += m) {
		m = t->n - off < XCHUNK ? (size_t)(t->n - off) : XCHUNK;
		rc = xrun_chunk(r, t->ids + off, t->ibits, off, t->next ? t->next + off : NULL,
				m, d);
		if (rc)
			goto out;
	}
	rc = xrun_result(r, est, xst, d);
out:
	xrun_free(r);
	return rc;
}

int xlate_tlb_curve(struct xlate_source *src, const struct xlate_config *xc,
		    struct tlb_curve_point *pts, size_t n, void (*progress)(uint64_t refs),
		    struct vm_diag *d)
{
	enum { BATCH = 4096 };
	struct xlate_config cfg = *xc;
	struct tlb_curve *c = NULL;
	struct xspace sp;
	struct ref *buf = NULL;
	uint32_t *ids = NULL;
	uint64_t *ibits = NULL;
	long got, i;
	int rc;

	memset(&sp, 0, sizeof sp);
	cfg.tlb_only = 1;
	if ((rc = xlate_config_check(&cfg, d)))
		return rc;
	buf = malloc(BATCH * sizeof *buf);
	ids = malloc(BATCH * sizeof *ids);
	ibits = malloc(BATCH / 8);
	if (!buf || !ids || !ibits || xspace_init(&sp, &cfg) ||
	    tlb_curve_new(&c, pts, n, cfg.seed)) {
		rc = vm_fail(d, VM_ERR_NOMEM, "out of memory for the TLB curve");
		goto out;
	}
	while ((got = xlate_source_read(src, buf, BATCH)) > 0) {
		memset(ibits, 0, BATCH / 8);
		if ((rc = xspace_add(&sp, buf, (size_t)got, ids, ibits, 0, d)))
			goto out;
		for (i = 0; i < got; i++)
			ids[i] = sp.ptid[LOADED_ID(ids[i])];
		if (tlb_curve_feed(c, ids, (size_t)got, sp.tvpn, sp.ntids)) {
			rc = vm_fail(d, VM_ERR_NOMEM, "out of memory for the TLB curve");
			goto out;
		}
		if (progress)
			progress(sp.refs);
	}
	rc = got < 0 ? (int)got : 0;
	if (!rc)
		tlb_curve_finish(c);
out:
	tlb_curve_free(c);
	xspace_free(&sp);
	free(buf);
	free(ids);
	free(ibits);
	return rc;
}
