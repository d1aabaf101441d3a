/*
 * tlb.c - set-associative TLBs of any size and associativity, the 3C (+1)
 * classification of their misses, and the one-pass stack simulation behind
 * `vmsim tlb-curve`.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * THE TLB.  A TLB of E entries and W ways has S = E / W sets; a translation
 * goes to set (VPN mod S), where VPN is the page number at the translation's
 * own page size, so E need not be a power of two (1536:12 has 128 sets, 48:4
 * has 12) and W may be 1 (direct-mapped) or E ("full": one set).  Tags are
 * translation ids (tids): xlate.c numbers every distinct (address space, page
 * size, page number) densely, so one 32-bit compare checks the address space
 * and the page at once, and per-translation state is a plain array index.
 *
 * Three organisations of a set, chosen when the TLB is made:
 *
 *   ordered (LRU/FIFO, W <= 16)   list (LRU/FIFO, W > 16)   ops (other policies)
 *
 *   set s: [ t7 | t2 | t9 | -- ]  head[s] -> t7 <-> t2 <-> t9  set s: way 0  way 1  way 2
 *     MRU (LRU) or newest (FIFO)    (ln[tid]: links through       [ t2 | t9 | t7 ] + a
 *     first; cnt[s] = 3              the tids), tail[s] = t9      policy instance for W
 *                                                                 frames, a stack of
 *                                                                 freed ways
 *
 * Ordered sets are what hardware-minded simulators keep: a lookup scans at
 * most W tags in one or two cache lines, an LRU hit moves the tag to the
 * front, a miss shifts the set by one and drops the last tag.  A list set is
 * the same order kept as a doubly linked list through the tids, so a lookup
 * is O(1) at any W and costs no memory per way: a 16 M-entry fully
 * associative TLB holds only the translations the trace has.  Every other
 * policy (random, clock, LFU) reuses the replacement policies of policies/
 * unchanged: each set is a tiny memory of W frames, driven through the same
 * hit/fill/victim seam the engine uses, with way numbers as frame numbers.
 * A TLB must also drop single entries (shootdowns, promotions) and
 * everything (a flush), which the seam has no call for; an emptied way goes
 * on the set's free stack and the next miss in that set fills it without
 * asking for a victim, the way hardware fills an invalid way first.  Every
 * policy in policies/ accepts a fill of a frame it already holds (LRU and
 * FIFO relink it, clock sets its bit, LFU restarts its count, random ignores
 * it), so this stays inside the contract's spirit; the tests check that the
 * organisations agree for LRU and FIFO.  OPT is refused: a TLB does not know
 * the future.  Randomized policies get one generator per set, seeded seed +
 * (set << 32), and every set its own clock (its lookups so far), so LFU ages
 * a set every K lookups of that set: a set is exactly a memory of W frames
 * replaying the lookups that map to it.  Their per-way state limits W to
 * TLB_MAX_POLICY_WAYS (65536).
 *
 * Memory follows the trace, not E (issue 18): up to 65536 sets, per-set
 * arrays are indexed by set number; beyond, a set gets a slot when a tid
 * first maps to it (a hash of the set number, once per tid, kept in
 * setof[]).  An ops set's ways and policy state are made at that moment
 * too.  So every TLB costs O(translations x min(W, 16)) for ordered sets,
 * O(translations) for lists, and O(sets used x W) for ops sets.
 *
 * FLUSHES BY GENERATION.  An address-space switch without ASID tags empties
 * every TLB.  Done entry by entry that is O(E) per switch (a 4096-entry
 * fully associative TLB switched every reference took minutes); instead a
 * flush moves the TLB's generation on, O(1), and every entry carries the
 * generation it was filled in (tt[tid].gen): an entry of an older one is
 * empty.  The stale tags stay where they were until something meets them,
 * and each organisation treats them so that every result equals the eager
 * flush's, which tests/test_xlate.c checks lookup for lookup:
 *
 *   ordered, list  every valid tag was put in front after the last flush,
 *                  so stale tags sit behind the valid ones; a full set drops
 *                  its last tag, which is a stale one while any is left, as
 *                  a set with room would evict nothing;
 *   ops            a set's free ways are the stack of freed ways on top of
 *                  the run fresh..W-1, taken in that order; a set whose
 *                  generation is old catches up when next used (stack
 *                  empty, fresh = 0: ways 0, 1, 2, ... as after a reset),
 *                  and a way taken from the run may hold a stale tag.
 *
 * A stale tag a lookup finds is a miss of the invalidation class, and one
 * that leaves the TLB gets the TF_INVAL mark the eager flush would have
 * set, so the 3C+1 split is exact too.  The 32-bit generation wraps after
 * 2^32 flushes; that one flush is done entry by entry.
 *
 * Cost per lookup: ordered, O(W) compares in the set, usually one; list,
 * O(1); ops, a scan or one array load, then an indirect call; a generation
 * compare on a hit.  The last translation looked up is remembered: looking
 * it up again (the common case: consecutive fetches from one code page)
 * costs one compare, since it is still present and most recent.  Any event
 * (flush, invalidation) forgets it.
 *
 * 3C.  Misses are classified as Hill does for caches (M. D. Hill and A. J.
 * Smith, "Evaluating associativity in CPU caches", IEEE Trans. Computers
 * 38(12), 1989): beside the real TLB runs a fully associative reference TLB
 * of the same size over the same lookups.  A miss is
 *
 *   compulsory    the tid was never looked up here before;
 *   capacity      else, the reference TLB misses too;
 *   invalidation  else, the entry was removed by a flush, shootdown or
 *                 promotion (the "coherence" fourth C) and not refilled;
 *   conflict      else: the set mapping (or the policy) lost it.
 *
 * Which reference (--3c-reference) is a definition, and two are in use:
 *
 *   lru   (default) a fully associative LRU TLB, whatever the TLB's policy:
 *         a doubly linked recency list over tids (tt[].prev/next, O(1) per
 *         lookup).  Capacity misses are then those no LRU TLB of E entries
 *         avoids, and conflict misses include what a worse policy loses: a
 *         fully associative FIFO TLB has conflict misses.  For LRU TLBs it is
 *         Hill's and Dinero IV's definition.
 *   same  a fully associative TLB of the TLB's own policy (and seed), as
 *         Dinero IV computes them for any policy: a second TLB (t->ref,
 *         one set of E ways) looked up beside it.  A fully associative TLB
 *         then has no conflict misses, and conflict counts what the set
 *         mapping loses under that policy.  (A set-associative TLB may also
 *         hit where its reference misses; classes count misses, so that
 *         shows as fewer capacity misses, never as a negative count.)
 *
 * For LRU both are the same reference and the list serves both.  Each miss is
 * classified on its own, so the four always sum to the misses and none is
 * negative.  The reference sees no invalidations: it measures the reference
 * stream, not the operating system.
 *
 * TLB-CURVE.  LRU is a stack algorithm per set: with S sets fixed, a set of W
 * ways holds exactly the W most recent tids of that set, so one pass that
 * records each lookup's depth in its set's recency stack gives the hit count
 * of every W at once (R. L. Mattson, J. Gecsei, D. R. Slutz and I. L.
 * Traiger, "Evaluation techniques for storage hierarchies", IBM Systems J.
 * 9(2), 1970; per-set stacks as in Hill and Smith 1989).  The pass keeps one
 * stack per set for every set count asked (each stack only as deep as the
 * largest W asked for that set count), plus the fully associative stack for
 * the 3C split, and updates them all per reference.  Set stacks are arrays
 * kept MRU first: a lookup at depth d costs O(d <= W), which real traces keep
 * small.  The fully associative stack can be thousands deep, so it is a
 * linked list with a marker at each size asked (tc_fa_touch): a reference
 * costs O(sizes its depth passes), not O(depth).  A lookup of the previous
 * reference's tid costs one compare for all sizes.
 * Other policies are not stack algorithms and replay each size.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "replay.h"
#include "xlate_int.h"
#include "policy.h"

extern const struct policy_ops lru_ops; /* the default (policies/lru.c) */

enum tlb_kind {
	TLB_K_ORDERED, /* LRU or FIFO, W <= 16: an array, MRU (newest) first */
	TLB_K_LIST,    /* LRU or FIFO, W > 16: a list through the tids */
	TLB_K_OPS,     /* ways as frames of a policy instance per set */
};

#define TLB_PREFETCH 8 /* lookups ahead whose per-tid state is prefetched */
#define TLB_DENSE_SETS 65536 /* more sets get slots as they are first used */

/* per-tid flag bits */
#define TF_SEEN 0x1u  /* looked up here before */
#define TF_FA 0x2u    /* in the fully associative LRU shadow */
#define TF_INVAL 0x4u /* last removed by an invalidation, not refilled since */
#define TF_IN 0x8u    /* list: linked into its set (valid or left by a flush) */

/* What a TLB keeps per translation, together: one cache line to touch. */
struct tlb_tid {
	uint32_t prev;  /* shadow: towards the MRU end */
	uint32_t next;  /* shadow: towards the LRU end */
	uint32_t flag;  /* TF_* */
	uint32_t gen;   /* the generation it was last filled in */
};

/* ops organisation: one set */
struct tlb_oset {
	void *pst;       /* the policy's state; NULL until a tid maps to the set */
	uint32_t *row;   /* 2W: the ways' tags (XL_NONE: empty), then freed ways */
	uint64_t clock;  /* lookups in the set so far (the policy's clock) */
	uint32_t gen;    /* generation its free ways are counted in */
	uint32_t nfree;  /* freed ways on the stack (row[W..]) */
	uint32_t fresh;  /* ways fresh..W-1 are free too */
};

/* list organisation: a tid's neighbours in its set */
struct tlb_link {
	uint32_t prev;  /* towards the head (MRU or newest) */
	uint32_t next;  /* towards the tail (LRU or oldest) */
};

struct tlb {
	uint32_t entries;                /* E */
	uint32_t ways;                   /* W */
	uint32_t sets;                   /* S = E / W */
	uint32_t mask;                   /* S - 1 when S is a power of two */
	int pow2;                        /* S is a power of two */
	enum tlb_kind kind;              /* set organisation */
	int lru;                         /* ordered, list: a hit moves to the front */
	int eager;                       /* TLB_F_EAGER_FLUSH: flush entry by entry */
	uint32_t gen;                    /* the current generation, >= 1 */
	uint32_t gen_max;                /* past it the generation wraps (eager flush) */
	int direct;                      /* set = VPN & mask (else setof[]) */
	uint32_t nslots;                 /* per-set slots allocated (S, or fewer: dense) */
	struct xmap smap;                /* dense: set number -> slot, in first-use order */
	uint32_t *tag;                   /* ordered: nslots * W tids */
	uint32_t *cnt;                   /* ordered, list: tags held per set (valid or stale) */
	uint32_t *head, *tail;           /* list: per set, first and last tid (cnt > 0) */
	struct tlb_link *ln;             /* list: per tid */
	const struct policy_ops *ops;    /* ops: the replacement policy */
	uint64_t seed;                   /* ops: set s draws from seed + (s << 32) */
	struct tlb_oset *os;             /* ops: per set */
	uint32_t *where;                 /* ops, W > 16: per tid, its way or XL_NONE */
	uint32_t *setof;                 /* not direct: per tid, its set's slot */
	struct tlb_tid *tt;              /* per tid: shadow links and flags */
	struct tlb *ref;                 /* --3c-reference same: the reference TLB */
	int noshadow;                    /* this is a reference: no 3C of its own */
	uint32_t fa_mru;                 /* shadow's most recent tid */
	uint32_t fa_lru;                 /* shadow's least recent tid */
	uint32_t fa_n;                   /* tids in the shadow (<= E) */
	uint32_t cap;                    /* length of the per-tid arrays */
	uint32_t nprep;                  /* tids whose set is ready (tlb_reserve) */
	uint32_t last;                   /* tid looked up last; XL_NONE after an event */
	uint32_t last_set;               /* ops: its set */
	uint32_t last_way;               /* ops: its way */
	struct tlb_stats st;             /* counters */
};

/* ------------------------------------------------------------- parsing */

int tlb_parse(const char *opt, const char *spec, struct tlb_config *c,
	      struct vm_diag *d)
{
	char buf[128], *w, *p, names[128];
	uint64_t e, ways;

	memset(c, 0, sizeof *c);
	if (strlen(spec) >= sizeof buf)
		return vm_fail(d, VM_ERR_USAGE, "%s '%.40s...' is too long", opt, spec);
	strcpy(buf, spec);
	w = strchr(buf, ':');
	if (!w)
		goto syntax;
	*w++ = 0;
	p = strchr(w, ':');
	if (p)
		*p++ = 0;
	if (buf[0] == '-' || parse_u64(buf, &e))
		goto syntax;
	if (e < 1 || e > TLB_MAX_ENTRIES)
		return vm_fail(d, VM_ERR_USAGE, "%s %s: entries must be from 1 to %u",
			       opt, spec, TLB_MAX_ENTRIES);
	if (strcmp(w, "full") == 0)
		ways = e;
	else if (w[0] == '-' || parse_u64(w, &ways))
		goto syntax;
	if (ways < 1)
		return vm_fail(d, VM_ERR_USAGE, "%s %s: ways must be at least 1 (or full)",
			       opt, spec);
	if (ways > e)
		return vm_fail(d, VM_ERR_USAGE,
			       "%s %s: more ways (%llu) than entries (%llu); at most %llu, or full",
			       opt, spec, (unsigned long long)ways, (unsigned long long)e,
			       (unsigned long long)e);
	if (e % ways)
		return vm_fail(d, VM_ERR_USAGE,
			       "%s %s: %llu ways do not divide %llu entries; use a divisor of %llu, or full",
			       opt, spec, (unsigned long long)ways, (unsigned long long)e,
			       (unsigned long long)e);
	c->entries = (uint32_t)e;
	c->ways = (uint32_t)ways;
	c->policy = &lru_ops;
	if (p) {
		c->policy = policy_find(p);
		if (!c->policy)
			return vm_fail(d, VM_ERR_USAGE, "%s %s: unknown policy '%s'; known: %s",
				       opt, spec, p, policy_names(names, sizeof names, " "));
		if (c->policy->flags & POLICY_NEEDS_FUTURE)
			return vm_fail(d, VM_ERR_USAGE,
				       "%s %s: policy '%s' needs the future, which a TLB does not know; "
				       "use lru, fifo, random, lfu or clock", opt, spec, p);
	}
	return tlb_check(opt, c, d);
syntax:
	return vm_fail(d, VM_ERR_USAGE,
		       "%s '%s' is not ENTRIES:WAYS[:POLICY] (examples: 64:4, 1536:12, 64:full, 64:4:fifo)",
		       opt, spec);
}

static int tlb_per_way_policy(const struct policy_ops *p)
{
	return p && p->order == POLICY_ORDER_NONE;
}

int tlb_check(const char *opt, const struct tlb_config *c, struct vm_diag *d)
{
	char b[64];

	if (!c->entries || !tlb_per_way_policy(c->policy))
		return 0;
	if (c->ways > TLB_MAX_POLICY_WAYS)
		return vm_fail(d, VM_ERR_USAGE,
			       "%s %s: policy %s keeps state per way; at most %u ways "
			       "(lru and fifo take any number)", opt, tlb_format(c, b, sizeof b),
			       c->policy->name, TLB_MAX_POLICY_WAYS);
	if (c->ref3c == TLB_REF_SAME && c->entries > TLB_MAX_POLICY_WAYS)
		return vm_fail(d, VM_ERR_USAGE,
			       "%s %s with --3c-reference same needs a fully associative %s "
			       "TLB of %u entries; at most %u (or --3c-reference lru)", opt,
			       tlb_format(c, b, sizeof b), c->policy->name, c->entries,
			       TLB_MAX_POLICY_WAYS);
	return 0;
}

int tlb_parse_ref3c(const char *opt, const char *s, enum tlb_ref3c *r, struct vm_diag *d)
{
	if (strcmp(s, "lru") == 0)
		*r = TLB_REF_LRU;
	else if (strcmp(s, "same") == 0)
		*r = TLB_REF_SAME;
	else
		return vm_fail(d, VM_ERR_USAGE,
			       "%s '%s' must be lru (a fully associative LRU TLB) or same "
			       "(a fully associative TLB of the TLB's own policy)", opt, s);
	return 0;
}

const char *tlb_ref3c_name(enum tlb_ref3c r)
{
	return r == TLB_REF_SAME ? "same" : "lru";
}

const char *tlb_format(const struct tlb_config *c, char *buf, size_t n)
{
	const char *pol = c->policy ? c->policy->name : "lru";

	if (!c->entries)
		snprintf(buf, n, "%s", "");
	else if (c->ways == c->entries && c->entries > 1)
		snprintf(buf, n, "%u:full:%s", c->entries, pol);
	else
		snprintf(buf, n, "%u:%u:%s", c->entries, c->ways, pol);
	return buf;
}

/* ---------------------------------------------------------- life cycle */

void tlb_free(struct tlb *t)
{
	uint32_t s;

	if (!t)
		return;
	if (t->os) {
		for (s = 0; s < t->nslots; s++) {
			t->ops->destroy(t->os[s].pst);
			free(t->os[s].row);
		}
		free(t->os);
	}
	tlb_free(t->ref);
	xmap_free(&t->smap);
	free(t->tag);
	free(t->cnt);
	free(t->head);
	free(t->tail);
	free(t->ln);
	free(t->where);
	free(t->setof);
	free(t->tt);
	free(t);
}

/* make room for n per-set slots (zeroed: empty sets); 0 or VM_ERR_NOMEM */
static int tlb_grow_sets(struct tlb *t, uint32_t n)
{
	uint32_t o = t->nslots;
	void *p;

#define TLB_GROW(f, per)                                                        \
	do {                                                                    \
		p = realloc(t->f, (size_t)n * (per) * sizeof *t->f);            \
		if (!p)                                                         \
			return VM_ERR_NOMEM;                                    \
		t->f = p;                                                       \
		memset(t->f + (size_t)o * (per), 0, (size_t)(n - o) * (per) * sizeof *t->f); \
	} while (0)
	switch (t->kind) {
	case TLB_K_ORDERED:
		TLB_GROW(tag, t->ways);
		TLB_GROW(cnt, 1);
		break;
	case TLB_K_LIST:
		TLB_GROW(cnt, 1);
		TLB_GROW(head, 1);
		TLB_GROW(tail, 1);
		break;
	case TLB_K_OPS:
		TLB_GROW(os, 1);
		break;
	}
#undef TLB_GROW
	t->nslots = n;
	return 0;
}

int tlb_new(struct tlb **out, const struct tlb_config *c, uint64_t seed, int flags)
{
	struct tlb_config rc;
	struct tlb *t;
	int rv;

	*out = NULL;
	assert(c->entries && c->ways && c->entries % c->ways == 0);
	t = calloc(1, sizeof *t);
	if (!t)
		return VM_ERR_NOMEM;
	t->entries = c->entries;
	t->ways = c->ways;
	t->sets = c->entries / c->ways;
	t->pow2 = (t->sets & (t->sets - 1)) == 0;
	t->mask = t->sets - 1;
	t->ops = c->policy ? c->policy : &lru_ops;
	t->seed = seed;
	t->eager = (flags & TLB_F_EAGER_FLUSH) != 0;
	t->noshadow = (flags & TLB_F_REFERENCE) != 0;
	t->gen = 1;
	t->gen_max = UINT32_MAX;
	t->last = t->fa_mru = t->fa_lru = XL_NONE;
	t->lru = t->ops->order == POLICY_ORDER_USE;
	if ((flags & TLB_F_GENERIC) || t->ops->order == POLICY_ORDER_NONE)
		t->kind = TLB_K_OPS;
	else if (t->ways <= TLB_SCAN_MAX)
		t->kind = TLB_K_ORDERED;
	else
		t->kind = TLB_K_LIST;
	/*
	 * Memory follows what the trace uses, not E: beyond TLB_DENSE_SETS sets,
	 * sets get slots in order of first use (a hash of the set number), and
	 * an ops set's ways and policy state are made when a tid first maps
	 * to it.  So --tlb 16777216:1 on a 12-reference trace takes kilobytes.
	 */
	t->direct = t->pow2 && t->sets <= TLB_DENSE_SETS;
	if (t->sets > TLB_DENSE_SETS) {
		if (xmap_init(&t->smap))
			goto nomem;
	} else if (tlb_grow_sets(t, t->sets)) {
		goto nomem;
	}
	if (!t->noshadow && c->ref3c == TLB_REF_SAME && !t->lru) {
		/* a fully associative TLB of the same policy (for LRU the shadow is one) */
		rc = *c;
		rc.ways = rc.entries;
		if ((rv = tlb_new(&t->ref, &rc, seed, TLB_F_REFERENCE))) {
			tlb_free(t);
			return rv;
		}
	}
	*out = t;
	return 0;
nomem:
	tlb_free(t);
	return VM_ERR_NOMEM;
}

static int grow32(uint32_t **p, uint32_t old, uint32_t n, int fill)
{
	uint32_t *q = realloc(*p, (size_t)n * sizeof *q);

	if (!q)
		return VM_ERR_NOMEM;
	memset(q + old, fill, (size_t)(n - old) * sizeof *q);
	*p = q;
	return 0;
}

/* ops: slot s's policy state and empty ways, for set number `set`, when a
 * tid first maps to it */
static int tlb_ops_make_set(struct tlb *t, uint32_t s, uint64_t set)
{
	struct policy_params pp = { 0 };
	struct tlb_oset *o = &t->os[s];
	uint32_t w;

	if (o->pst)
		return 0;
	o->row = malloc(2 * (size_t)t->ways * sizeof *o->row);
	if (!o->row)
		return VM_ERR_NOMEM;
	for (w = 0; w < t->ways; w++)
		o->row[w] = XL_NONE;
	pp.frames = t->ways;
	pp.seed = t->seed + (set << 32);
	if (t->ops->create(&o->pst, &pp))
		return VM_ERR_NOMEM;
	return 0;
}

int tlb_reserve(struct tlb *t, uint32_t ntids, const uint64_t *tvpn)
{
	uint32_t n = t->cap ? t->cap : 1024, i, s;
	uint64_t set;
	int is_new;
	struct tlb_tid *tt;
	struct tlb_link *ln;

	if (ntids > t->cap) {
		while (n < ntids)
			n *= 2;
		tt = realloc(t->tt, (size_t)n * sizeof *tt);
		if (!tt)
			return VM_ERR_NOMEM;
		for (i = t->cap; i < n; i++) {
			tt[i].prev = tt[i].next = XL_NONE;
			tt[i].flag = 0;
			tt[i].gen = 0;
		}
		t->tt = tt;
		if (t->kind == TLB_K_LIST) {
			ln = realloc(t->ln, (size_t)n * sizeof *ln);
			if (!ln)
				return VM_ERR_NOMEM;
			t->ln = ln;
		}
		if (t->kind == TLB_K_OPS && t->ways > TLB_SCAN_MAX &&
		    grow32(&t->where, t->cap, n, 0xff))
			return VM_ERR_NOMEM;
		if (!t->direct && grow32(&t->setof, t->cap, n, 0xff))
			return VM_ERR_NOMEM;
		t->cap = n;
	}
	for (i = t->nprep; i < ntids; i++) {
		set = t->pow2 ? tvpn[i] & t->mask : tvpn[i] % t->sets;
		s = (uint32_t)set;
		if (t->sets > TLB_DENSE_SETS) {
			if (xmap_get(&t->smap, 0, set, &s, &is_new))
				return VM_ERR_NOMEM;
			if (s >= t->nslots &&
			    tlb_grow_sets(t, s < t->sets / 2 ? 2 * s + 1 : t->sets))
				return VM_ERR_NOMEM;
		}
		if (!t->direct)
			t->setof[i] = s;
		if (t->kind == TLB_K_OPS && tlb_ops_make_set(t, s, set))
			return VM_ERR_NOMEM;
	}
	if (ntids > t->nprep)
		t->nprep = ntids;
	return t->ref ? tlb_reserve(t->ref, ntids, tvpn) : 0;
}

void tlb_get_stats(const struct tlb *t, struct tlb_stats *st)
{
	*st = t->st;
}

void tlb_set_gen_max(struct tlb *t, uint32_t max)
{
	t->gen_max = max;
	if (t->ref)
		tlb_set_gen_max(t->ref, max);
}

/* ------------------------------------------------------------ the model */

static inline uint32_t tlb_set(const struct tlb *t, uint32_t tid, const uint64_t *tvpn)
{
	return t->direct ? (uint32_t)tvpn[tid] & t->mask : t->setof[tid];
}

/* tid, which holds a way, was filled in this generation (not left by a
 * flush); generation 1 has no older tags (no flush yet, or all removed at a
 * wrap), which spares the plain path the load */
static inline int tlb_valid(const struct tlb *t, uint32_t tid)
{
	return t->gen == 1 || t->tt[tid].gen == t->gen;
}

/* Look tid up in the fully associative LRU shadow and make it most recent;
 * 1 if it was there. */
static inline int tlb_fa_touch(struct tlb *t, uint32_t tid)
{
	uint32_t p, n, v;
	int was;

	if (tid == t->fa_mru)
		return 1;
	was = (t->tt[tid].flag & TF_FA) != 0;
	if (was) {
		p = t->tt[tid].prev; /* not the MRU, so p exists */
		n = t->tt[tid].next;
		t->tt[p].next = n;
		if (n != XL_NONE)
			t->tt[n].prev = p;
		else
			t->fa_lru = p;
	} else if (t->fa_n == t->entries) {
		v = t->fa_lru;
		t->fa_lru = t->tt[v].prev;
		if (t->fa_lru != XL_NONE)
			t->tt[t->fa_lru].next = XL_NONE;
		else
			t->fa_mru = XL_NONE;
		t->tt[v].flag &= ~TF_FA;
	} else {
		t->fa_n++;
	}
	t->tt[tid].prev = XL_NONE;
	t->tt[tid].next = t->fa_mru;
	if (t->fa_mru != XL_NONE)
		t->tt[t->fa_mru].prev = tid;
	else
		t->fa_lru = tid;
	t->fa_mru = tid;
	t->tt[tid].flag |= TF_FA;
	return was;
}

/* A miss on tid: count it in its class.  fa_hit: the reference TLB holds
 * it; stale: a flush removed it (its tag is still there, of an old
 * generation). */
static inline void tlb_classify(struct tlb *t, uint32_t tid, int fa_hit, int stale)
{
	uint32_t f = t->tt[tid].flag;

	t->st.misses++;
	if (!(f & TF_SEEN))
		t->st.compulsory++;
	else if (!fa_hit)
		t->st.capacity++;
	else if ((f & TF_INVAL) || stale)
		t->st.invalidation++;
	else
		t->st.conflict++;
	t->tt[tid].flag = (f | TF_SEEN) & ~TF_INVAL;
	t->tt[tid].gen = t->gen;
}

/* A tag of an old generation leaves the TLB: the flush removed it. */
static inline void tlb_drop_stale(struct tlb *t, uint32_t x)
{
	if (!tlb_valid(t, x))
		t->tt[x].flag |= TF_INVAL;
}

/*
 * Ordered sets: 1 on a hit; on a miss, classify and fill.  Tags of an old
 * generation are entries a flush removed; every valid tag was put in front
 * since that flush, so they sit behind the valid ones and the tag dropped
 * from a full set is a stale one while any is left (no valid entry is
 * evicted while the set had room).
 */
static inline __attribute__((always_inline)) int
tlb_ordered_access(struct tlb *t, uint32_t tid, uint32_t s, int fa)
{
	uint32_t *row = t->tag + (size_t)s * t->ways, nv = t->cnt[s], d;
	int stale = 0;

	for (d = 0; d < nv; d++)
		if (row[d] == tid)
			break;
	if (d < nv) {
		if (tlb_valid(t, tid)) {
			if (t->lru) {
				for (; d > 0; d--)
					row[d] = row[d - 1];
				row[0] = tid;
			}
			return 1;
		}
		stale = 1; /* drop the flushed copy; refill in front */
		for (; d + 1 < nv; d++)
			row[d] = row[d + 1];
		nv--;
	}
	tlb_classify(t, tid, fa, stale);
	if (nv < t->ways) {
		t->cnt[s] = nv + 1;
		d = nv;
	} else {
		d = t->ways - 1; /* drop the LRU (oldest) tag */
		tlb_drop_stale(t, row[d]);
	}
	for (; d > 0; d--)
		row[d] = row[d - 1];
	row[0] = tid;
	return 0;
}

static inline void tlb_list_unlink(struct tlb *t, uint32_t s, uint32_t x)
{
	uint32_t p = t->ln[x].prev, n = t->ln[x].next;

	if (p != XL_NONE)
		t->ln[p].next = n;
	else
		t->head[s] = n;
	if (n != XL_NONE)
		t->ln[n].prev = p;
	else
		t->tail[s] = p;
	t->tt[x].flag &= ~TF_IN;
	t->cnt[s]--;
}

static inline void tlb_list_push(struct tlb *t, uint32_t s, uint32_t x)
{
	t->ln[x].prev = XL_NONE;
	if (t->cnt[s]) {
		t->ln[x].next = t->head[s];
		t->ln[t->head[s]].prev = x;
	} else {
		t->ln[x].next = XL_NONE;
		t->tail[s] = x;
	}
	t->head[s] = x;
	t->tt[x].flag |= TF_IN;
	t->cnt[s]++;
}

/* List sets (LRU, FIFO beyond 16 ways): the ordered set as a linked list
 * through the tids, O(1) a lookup and no per-way memory. */
static inline int tlb_list_access(struct tlb *t, uint32_t tid, uint32_t s, int fa)
{
	int stale = 0;
	uint32_t x;

	if (t->tt[tid].flag & TF_IN) {
		if (tlb_valid(t, tid)) {
			if (t->lru && t->head[s] != tid) {
				tlb_list_unlink(t, s, tid);
				tlb_list_push(t, s, tid);
			}
			return 1;
		}
		stale = 1;
		tlb_list_unlink(t, s, tid);
	}
	tlb_classify(t, tid, fa, stale);
	if (t->cnt[s] == t->ways) {
		x = t->tail[s];
		tlb_drop_stale(t, x);
		tlb_list_unlink(t, s, x);
	}
	tlb_list_push(t, s, tid);
	return 0;
}

static inline uint32_t tlb_ops_find(const struct tlb *t, uint32_t tid, uint32_t s)
{
	const uint32_t *row = t->os[s].row;
	uint32_t w;

	if (t->where)
		return t->where[tid];
	for (w = 0; w < t->ways; w++)
		if (row[w] == tid)
			return w;
	return XL_NONE;
}

/*
 * Ops sets keep their empty ways as a stack of freed ways on top of the
 * run fresh..W-1, popped in that order: after a flush every way is empty
 * and fills take ways 0, 1, 2, ... as a full reset of the stack would.  A
 * flush only moves the generation on; a set catches up (fresh = 0, stack
 * empty) when next used, and a way taken from the fresh run may still hold
 * a tag of an old generation, which the flush removed.
 */
static inline void tlb_ops_sync(struct tlb *t, uint32_t s)
{
	struct tlb_oset *o = &t->os[s];

	if (o->gen != t->gen) {
		o->gen = t->gen;
		o->nfree = 0;
		o->fresh = 0;
	}
}

static inline uint32_t tlb_ops_pop(struct tlb *t, uint32_t s)
{
	struct tlb_oset *o = &t->os[s];
	uint32_t w, *slot;

	if (o->nfree)
		return o->row[t->ways + --o->nfree];
	if (o->fresh == t->ways)
		return XL_NONE;
	w = o->fresh++;
	slot = &o->row[w];
	if (*slot != XL_NONE) {
		t->tt[*slot].flag |= TF_INVAL; /* left by a flush */
		if (t->where)
			t->where[*slot] = XL_NONE;
		*slot = XL_NONE;
	}
	return w;
}

static inline int tlb_ops_access(struct tlb *t, uint32_t tid, uint32_t s, int fa)
{
	struct tlb_oset *o = &t->os[s];
	uint32_t *row = o->row, w, old;
	uint64_t now;
	void *ps = o->pst;
	int stale = 0;

	tlb_ops_sync(t, s);
	w = tlb_ops_find(t, tid, s);
	now = o->clock++;
	t->last_set = s;
	if (w != XL_NONE) {
		if (tlb_valid(t, tid)) {
			t->last_way = w;
			t->ops->hit(ps, w, now, POLICY_NEVER);
			return 1;
		}
		stale = 1; /* its way is free (in the fresh run): forget the tag */
		row[w] = XL_NONE;
		if (t->where)
			t->where[tid] = XL_NONE;
	}
	tlb_classify(t, tid, fa, stale);
	w = tlb_ops_pop(t, s);
	if (w == XL_NONE) {
		w = t->ops->victim(ps, now);
		assert(w < t->ways);
		old = row[w];
		if (t->where)
			t->where[old] = XL_NONE;
	}
	row[w] = tid;
	if (t->where)
		t->where[tid] = w;
	t->last_way = w;
	t->ops->fill(ps, w, now, POLICY_NEVER);
	return 0;
}

/* Remove tid if present; 1 if it was (a tag a flush left is not). */
static int tlb_invalidate(struct tlb *t, uint32_t tid, const uint64_t *tvpn)
{
	uint32_t s, *row, nv, d, w;
	int valid;

	if (tid >= t->cap || !(t->tt[tid].flag & TF_SEEN))
		return 0; /* never looked up here, so not present */
	s = tlb_set(t, tid, tvpn);
	valid = tlb_valid(t, tid);
	switch (t->kind) {
	case TLB_K_ORDERED:
		row = t->tag + (size_t)s * t->ways;
		nv = t->cnt[s];
		for (d = 0; d < nv && row[d] != tid; d++)
			;
		if (d == nv)
			return 0;
		for (; d + 1 < nv; d++)
			row[d] = row[d + 1];
		t->cnt[s] = nv - 1;
		break;
	case TLB_K_LIST:
		if (!(t->tt[tid].flag & TF_IN))
			return 0;
		tlb_list_unlink(t, s, tid);
		break;
	case TLB_K_OPS:
		tlb_ops_sync(t, s);
		w = tlb_ops_find(t, tid, s);
		if (w == XL_NONE)
			return 0;
		t->os[s].row[w] = XL_NONE;
		if (t->where)
			t->where[tid] = XL_NONE;
		if (valid) /* a stale tag's way is in the fresh run already */
			t->os[s].row[t->ways + t->os[s].nfree++] = w;
		break;
	}
	t->tt[tid].flag |= TF_INVAL;
	return valid;
}

/* The flush as it reads: every entry removed now, O(S + E). */
static void tlb_flush_eager(struct tlb *t)
{
	uint32_t s, d, x, *row;

	for (s = 0; s < t->nslots; s++) {
		switch (t->kind) {
		case TLB_K_ORDERED:
			row = t->tag + (size_t)s * t->ways;
			for (d = 0; d < t->cnt[s]; d++)
				t->tt[row[d]].flag |= TF_INVAL;
			t->cnt[s] = 0;
			break;
		case TLB_K_LIST:
			while (t->cnt[s]) {
				x = t->head[s];
				tlb_list_unlink(t, s, x);
				t->tt[x].flag |= TF_INVAL;
			}
			break;
		case TLB_K_OPS:
			if (!t->os[s].pst)
				break; /* never used */
			row = t->os[s].row;
			for (d = 0; d < t->ways; d++) {
				x = row[d];
				if (x == XL_NONE)
					continue;
				t->tt[x].flag |= TF_INVAL;
				if (t->where)
					t->where[x] = XL_NONE;
				row[d] = XL_NONE;
			}
			t->os[s].gen = t->gen;
			t->os[s].nfree = 0;
			t->os[s].fresh = 0;
			break;
		}
	}
}

/*
 * A flush (an address-space switch without ASID tags) in O(1): the
 * generation moves on, and every entry filled in an older one counts as
 * empty (see the essay).  When the 32-bit generation would wrap, once in
 * 2^32 flushes, the flush is done entry by entry instead and the count
 * restarts.
 */
static void tlb_flush(struct tlb *t)
{
	if (t->eager) {
		tlb_flush_eager(t);
		return;
	}
	if (t->gen < t->gen_max) {
		t->gen++;
		return;
	}
	t->gen = 1;
	tlb_flush_eager(t); /* removes every tag, stale or not; sets caught up */
}

/* Apply events ev[e..) with idx <= upto; returns the next unapplied one. */
static size_t tlb_events(struct tlb *t, const struct xevent *ev, size_t e, size_t nev,
			 uint32_t upto, const uint64_t *tvpn, uint64_t *shot)
{
	for (; e < nev && ev[e].idx <= upto; e++) {
		if (ev[e].kind == XEV_FLUSH)
			tlb_flush(t);
		else if (ev[e].kind == XEV_INVAL && tlb_invalidate(t, ev[e].arg, tvpn) && shot)
			(*shot)++;
	}
	t->last = XL_NONE;
	return e;
}

static int tlb_ref_lookup(struct tlb *r, uint32_t tid, const uint64_t *tvpn);

/* One lookup of tid, after the events before it; 1 on a hit.  Inlined into
 * tlb_run; the reference TLB's lookups go through tlb_ref_lookup, a call,
 * so the plain path stays one loop. */
static inline __attribute__((always_inline)) int tlb_lookup(struct tlb *t, uint32_t tid,
							    const uint64_t *tvpn)
{
	uint32_t s;
	int fa = 1, hit;

	if (tid == t->last) {
		/* still present and most recent, here and in the shadow */
		t->st.hits++;
		if (t->kind == TLB_K_OPS)
			t->ops->hit(t->os[t->last_set].pst, t->last_way,
				    t->os[t->last_set].clock++, POLICY_NEVER);
		if (__builtin_expect(t->ref != NULL, 0))
			tlb_ref_lookup(t->ref, tid, tvpn);
		return 1;
	}
	if (__builtin_expect(t->ref != NULL, 0))
		fa = tlb_ref_lookup(t->ref, tid, tvpn);
	else if (!t->noshadow)
		fa = tlb_fa_touch(t, tid);
	s = tlb_set(t, tid, tvpn);
	if (t->kind == TLB_K_ORDERED)
		hit = tlb_ordered_access(t, tid, s, fa);
	else if (t->kind == TLB_K_LIST)
		hit = tlb_list_access(t, tid, s, fa);
	else
		hit = tlb_ops_access(t, tid, s, fa);
	t->last = tid;
	if (hit)
		t->st.hits++;
	return hit;
}

static __attribute__((noinline)) int tlb_ref_lookup(struct tlb *r, uint32_t tid,
						     const uint64_t *tvpn)
{
	return tlb_lookup(r, tid, tvpn);
}

size_t tlb_run(struct tlb *t, const struct xref *in, size_t n, struct xref *miss,
	       const struct xevent *ev, size_t nev, const uint64_t *tvpn, uint64_t *shot)
{
	size_t k, e = 0, m = 0;

	for (k = 0; k < n; k++) {
		assert(in[k].tid < t->nprep);
		if (k + TLB_PREFETCH < n) /* the batch knows what comes next */
			__builtin_prefetch(&t->tt[in[k + TLB_PREFETCH].tid]);
		if (e < nev && ev[e].idx <= in[k].idx)
			e = tlb_events(t, ev, e, nev, in[k].idx, tvpn, shot);
		if (!tlb_lookup(t, in[k].tid, tvpn))
			miss[m++] = in[k];
	}
	if (e < nev)
		tlb_events(t, ev, e, nev, UINT32_MAX, tvpn, shot);
	return m;
}

/* ------------------------------------------------------------ tlb-curve */

/* All LRU points of one set count. */
struct tc_group {
	uint32_t sets;     /* S */
	uint32_t maxw;     /* deepest stack needed: the largest W of its points */
	uint32_t mask;     /* S - 1 */
	int pow2;          /* S is a power of two */
	uint32_t *stack;   /* S * maxw tids, MRU first (unused when S == 1) */
	uint32_t *cnt;     /* per set: depth in use */
	size_t *pts;       /* its points, by increasing ways */
	size_t npts;       /* how many */
};

struct tlb_curve {
	struct tlb_curve_point *pts; /* the caller's points */
	size_t n;                    /* how many */
	uint64_t seed;               /* for randomized policies */
	struct tc_group *g;          /* LRU points by set count */
	size_t ng;                   /* groups */
	uint32_t *fe;                /* distinct E of the LRU points, increasing */
	uint32_t nz;                 /* how many; zones are 0..nz */
	size_t *pz;                  /* per point: j with fe[j] == its entries */
	uint32_t *bnd;               /* per j: the tid at depth fe[j] - 1 */
	uint32_t nb;                 /* boundaries that exist (fe[j] <= len) */
	uint32_t *lprev, *lnext;     /* per tid: the fully associative stack's links */
	uint32_t *zone;              /* per tid: its zone; nz = not in the stack */
	uint32_t head;               /* most recent tid, XL_NONE if empty */
	uint32_t tail;               /* deepest tid kept */
	uint32_t len;                /* tids in the stack (<= fe[nz - 1]) */
	uint8_t *seen;               /* per tid: looked up before */
	uint32_t seen_cap;           /* length of the per-tid arrays */
	uint32_t last;               /* previous tid */
	uint64_t refs;               /* references fed */
	struct tlb **tl;             /* non-LRU points: a TLB each, else NULL */
	struct xref *in;             /* scratch: a chunk as xrefs */
	struct xref *miss;           /* scratch: their misses */
	size_t scratch;              /* scratch length */
};

void tlb_curve_free(struct tlb_curve *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->ng; i++) {
		free(c->g[i].stack);
		free(c->g[i].cnt);
		free(c->g[i].pts);
	}
	free(c->g);
	if (c->tl)
		for (i = 0; i < c->n; i++)
			tlb_free(c->tl[i]);
	free(c->tl);
	free(c->fe);
	free(c->pz);
	free(c->bnd);
	free(c->lprev);
	free(c->lnext);
	free(c->zone);
	free(c->seen);
	free(c->in);
	free(c->miss);
	free(c);
}

static int tc_is_lru(const struct tlb_curve_point *p)
{
	return !p->tlb.policy || p->tlb.policy->order == POLICY_ORDER_USE;
}

int tlb_curve_new(struct tlb_curve **out, struct tlb_curve_point *pts, size_t n,
		  uint64_t seed)
{
	struct tlb_curve *c = calloc(1, sizeof *c);
	size_t i, j, k;

	*out = NULL;
	if (!c)
		return VM_ERR_NOMEM;
	c->pts = pts;
	c->n = n;
	c->seed = seed;
	c->last = XL_NONE;
	c->head = c->tail = XL_NONE;
	c->g = calloc(n ? n : 1, sizeof *c->g);
	c->tl = calloc(n ? n : 1, sizeof *c->tl);
	c->fe = malloc((n ? n : 1) * sizeof *c->fe);
	c->pz = calloc(n ? n : 1, sizeof *c->pz);
	c->bnd = malloc((n ? n : 1) * sizeof *c->bnd);
	if (!c->g || !c->tl || !c->fe || !c->pz || !c->bnd)
		goto nomem;
	for (i = 0; i < n; i++) {
		struct tlb_curve_point *p = &pts[i];
		uint32_t sets = p->tlb.entries / p->tlb.ways;

		memset(&p->st, 0, sizeof p->st);
		p->one_pass = tc_is_lru(p);
		if (!p->one_pass) {
			if (tlb_new(&c->tl[i], &p->tlb, seed, 0))
				goto nomem;
			continue;
		}
		/* insert E into fe, keeping it sorted and without repeats */
		for (k = 0; k < c->nz && c->fe[k] < p->tlb.entries; k++)
			;
		if (k == c->nz || c->fe[k] != p->tlb.entries) {
			memmove(c->fe + k + 1, c->fe + k, (c->nz - k) * sizeof *c->fe);
			c->fe[k] = p->tlb.entries;
			c->nz++;
		}
		for (j = 0; j < c->ng && c->g[j].sets != sets; j++)
			;
		if (j == c->ng) {
			c->ng++;
			c->g[j].sets = sets;
			c->g[j].pow2 = (sets & (sets - 1)) == 0;
			c->g[j].mask = sets - 1;
			c->g[j].pts = malloc(n * sizeof *c->g[j].pts);
			if (!c->g[j].pts)
				goto nomem;
		}
		/* insert by increasing ways */
		for (k = c->g[j].npts; k > 0 && pts[c->g[j].pts[k - 1]].tlb.ways > p->tlb.ways; k--)
			c->g[j].pts[k] = c->g[j].pts[k - 1];
		c->g[j].pts[k] = i;
		c->g[j].npts++;
		if (p->tlb.ways > c->g[j].maxw)
			c->g[j].maxw = p->tlb.ways;
	}
	for (j = 0; j < c->ng; j++) {
		struct tc_group *g = &c->g[j];

		if (g->sets == 1)
			continue; /* the fully associative stack serves it */
		g->stack = malloc((size_t)g->sets * g->maxw * sizeof *g->stack);
		g->cnt = calloc(g->sets, sizeof *g->cnt);
		if (!g->stack || !g->cnt)
			goto nomem;
	}
	for (i = 0; i < n; i++) {
		if (!pts[i].one_pass)
			continue;
		for (k = 0; c->fe[k] != pts[i].tlb.entries; k++)
			;
		c->pz[i] = k;
	}
	for (k = 0; k < c->nz; k++)
		c->bnd[k] = XL_NONE;
	*out = c;
	return 0;
nomem:
	tlb_curve_free(c);
	return VM_ERR_NOMEM;
}

/* Depth of tid in an MRU-first stack of at most cap entries (UINT32_MAX if
 * absent), and make it the top. */
static inline uint32_t tc_touch(uint32_t *st, uint32_t *cnt, uint32_t cap, uint32_t tid)
{
	uint32_t n = *cnt, d, depth;

	for (d = 0; d < n; d++)
		if (st[d] == tid)
			break;
	depth = d;
	if (d == n) {
		depth = UINT32_MAX;
		if (n < cap)
			*cnt = n + 1;
		else
			d = cap - 1;
	}
	memmove(st + 1, st, (size_t)d * sizeof *st);
	st[0] = tid;
	return depth;
}

/*
 * The fully associative stack as a linked list with a boundary at each size
 * asked: bnd[j] is the tid at depth fe[j] - 1, and a tid's zone is how many
 * sizes its depth reaches (zone j: fe[j-1] <= depth < fe[j]), so a fully
 * associative TLB of fe[j] entries misses it exactly when its zone exceeds j.
 * Making tid the most recent pushes the last tid of every zone it passes
 * one zone down and moves that zone's boundary one step up: O(1) for a
 * reference in zone 0, O(zones passed) at worst, never O(depth).  The stack
 * keeps the fe[nz-1] most recent tids; deeper ones fall out (zone nz).
 * Returns tid's zone before the reference.
 */
static uint32_t tc_fa_touch(struct tlb_curve *c, uint32_t tid)
{
	uint32_t z = c->zone[tid], j, x, p, nx, lim = z < c->nb ? z : c->nb;

	if (tid == c->head)
		return 0;
	for (j = 0; j < lim; j++) {
		x = c->bnd[j];
		c->zone[x] = j + 1;
		c->bnd[j] = c->fe[j] >= 2 ? c->lprev[x] : tid;
	}
	if (z < c->nz && c->bnd[z] == tid)
		c->bnd[z] = c->fe[z] >= 2 ? c->lprev[tid] : tid;
	if (z < c->nz) {
		/* unlink tid (not the head, so it has a predecessor) */
		p = c->lprev[tid];
		nx = c->lnext[tid];
		c->lnext[p] = nx;
		if (nx != XL_NONE)
			c->lprev[nx] = p;
		else
			c->tail = p;
	} else if (c->len == c->fe[c->nz - 1]) {
		/* full: the tid pushed past the largest size falls out */
		x = c->tail;
		c->tail = c->lprev[x];
		if (c->tail != XL_NONE)
			c->lnext[c->tail] = XL_NONE;
		else
			c->head = XL_NONE; /* the largest size is 1 */
		c->zone[x] = c->nz;
	} else {
		c->len++;
	}
	c->lprev[tid] = XL_NONE;
	c->lnext[tid] = c->head;
	if (c->head != XL_NONE)
		c->lprev[c->head] = tid;
	else
		c->tail = tid;
	c->head = tid;
	c->zone[tid] = 0;
	if (c->nb < c->nz && c->len == c->fe[c->nb])
		c->bnd[c->nb++] = c->tail; /* the stack just reached that size */
	return z;
}

static void tc_lru_ref(struct tlb_curve *c, uint32_t tid, const uint64_t *tvpn)
{
	uint32_t zf, ds, s;
	size_t j, k;
	int first = !c->seen[tid];

	c->seen[tid] = 1;
	zf = tc_fa_touch(c, tid);
	for (j = 0; j < c->ng; j++) {
		struct tc_group *g = &c->g[j];

		if (g->sets == 1) {
			/* fully associative: W = E; a miss when the zone passes E */
			for (k = 0; k < g->npts; k++) {
				struct tlb_curve_point *p = &c->pts[g->pts[k]];

				if (zf <= c->pz[g->pts[k]])
					break;
				p->st.misses++;
				if (first)
					p->st.compulsory++;
				else
					p->st.capacity++;
			}
			continue;
		}
		s = g->pow2 ? (uint32_t)tvpn[tid] & g->mask : (uint32_t)(tvpn[tid] % g->sets);
		ds = tc_touch(g->stack + (size_t)s * g->maxw, &g->cnt[s], g->maxw, tid);
		for (k = 0; k < g->npts; k++) {
			struct tlb_curve_point *p = &c->pts[g->pts[k]];

			if (ds < p->tlb.ways)
				break; /* hits here and at every larger W */
			p->st.misses++;
			if (first)
				p->st.compulsory++;
			else if (zf > c->pz[g->pts[k]])
				p->st.capacity++;
			else
				p->st.conflict++;
		}
	}
}

int tlb_curve_feed(struct tlb_curve *c, const uint32_t *tids, size_t n,
		   const uint64_t *tvpn, uint32_t ntids)
{
	size_t i, k;

	if (ntids > c->seen_cap) {
		uint32_t cap = c->seen_cap ? c->seen_cap : 1024, t;
		uint8_t *p;
		uint32_t *z;

		while (cap < ntids)
			cap *= 2;
		p = realloc(c->seen, cap);
		if (!p)
			return VM_ERR_NOMEM;
		memset(p + c->seen_cap, 0, cap - c->seen_cap);
		c->seen = p;
		z = realloc(c->zone, (size_t)cap * sizeof *z);
		if (!z)
			return VM_ERR_NOMEM;
		c->zone = z;
		for (t = c->seen_cap; t < cap; t++)
			z[t] = c->nz;
		if (grow32(&c->lprev, c->seen_cap, cap, 0xff) ||
		    grow32(&c->lnext, c->seen_cap, cap, 0xff))
			return VM_ERR_NOMEM;
		c->seen_cap = cap;
	}
	if (c->ng) {
		for (i = 0; i < n; i++) {
			if (tids[i] == c->last)
				continue; /* depth 0 everywhere: a hit for every size */
			c->last = tids[i];
			tc_lru_ref(c, tids[i], tvpn);
		}
	}
	for (k = 0; k < c->n; k++) {
		if (!c->tl[k])
			continue;
		if (n > c->scratch) {
			free(c->in);
			free(c->miss);
			c->in = malloc(n * sizeof *c->in);
			c->miss = malloc(n * sizeof *c->miss);
			if (!c->in || !c->miss)
				return VM_ERR_NOMEM;
			c->scratch = n;
			for (i = 0; i < n; i++)
				c->in[i].idx = (uint32_t)i;
		}
		for (i = 0; i < n; i++)
			c->in[i].tid = tids[i];
		if (tlb_reserve(c->tl[k], ntids, tvpn))
			return VM_ERR_NOMEM;
		tlb_run(c->tl[k], c->in, n, c->miss, NULL, 0, tvpn, NULL);
	}
	c->refs += n;
	return 0;
}

void tlb_curve_finish(struct tlb_curve *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		struct tlb_curve_point *p = &c->pts[i];

		if (c->tl[i])
			tlb_get_stats(c->tl[i], &p->st);
		else
			p->st.hits = c->refs - p->st.misses;
	}
}
