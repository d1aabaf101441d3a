/*
 * pagetable.c - radix page tables of 1 to 5 levels: their geometry, walks
 * through the page-walk caches, and how much memory the tables take.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * GEOMETRY.  A virtual address splits into the page offset (page_shift bits)
 * and one index per level; levels count from the leaf (1) to the root (L):
 *
 *   63            va_bits                                         0
 *   |   unused    | root idx | ... | level-2 idx | leaf idx | offset |
 *                   bits[0]          bits[L-2]    bits[L-1]  page_shift
 *
 * --pt-bits lists the index bits root first, as the manuals draw them:
 * 10,10 is 32-bit x86 (4 KiB pages, 4-byte entries), 9,9,9,9 x86-64's four
 * levels (48-bit addresses) and 9,9,9,9,9 its five (LA57, 57 bits; Intel SDM
 * vol. 3A ch. 4).  A table at level l has 2^bits(l) entries of --pte-size
 * bytes; with the defaults a table is exactly one page (4 KiB above 64 KiB
 * pages, see pt_geometry).  An entry at level l
 * maps 2^(page_shift + S(l)) bytes, where S(l) is the sum of the index bits
 * below level l; so a huge page is a leaf one or two levels up: 2 MiB at
 * level 2 and 1 GiB at level 3 of x86-64.  pt_geometry() derives a geometry
 * when none is given (see replay.h).
 *
 * WALKS.  A TLB miss in the last TLB level walks from the root to the leaf of
 * the translation: one memory reference per level, L for a base page, one
 * fewer for each level a huge page saves.  Page-walk caches (--pwc N) keep
 * the N most recently used entries of each upper level (2..L), tagged by
 * address space and by the address bits that select the entry, as Intel's
 * paging-structure caches do; a walk starts below the deepest level whose
 * cache holds its entry, so a hit in the level-2 cache leaves one reference
 * (the leaf).  This is the split translation cache of T. W. Barr, A. L. Cox
 * and S. Rixner, "Translation caching: skip, don't walk (the page table)",
 * ISCA 2010.  The entries a walk reads are inserted into their levels'
 * caches, each a fully associative LRU cache.
 * A switch of address space without ASID tags flushes them with the TLBs; a
 * huge-page promotion drops the cached pointer to the leaf table it frees.
 *
 * What is approximated: a walk's references cost the same whatever level
 * they read and whether the data caches hold them (the cost model's one
 * `walk` latency stands for them all); accessed and dirty bit updates are not
 * counted; a walk that finds the page absent is counted once, before the
 * fault, not again after it.
 *
 * FOOTPRINT.  The tables needed to map a set of translations: per level l, the
 * distinct (address space, address bits above level l) among them; a huge
 * page needs no tables below its leaf level.  A linear (single-level) table
 * for comparison is 2^(sum of bits) entries per address space: 4 MiB for
 * 32-bit addresses with 4 KiB pages and 4-byte entries, 512 GiB for 48 bits
 * with 8-byte entries.
 *
 * Costs: a walk is O(L) with or without walk caches: each cache is a hash
 * and a recency list (see struct pwc), so a lookup, insert or removal costs
 * the same at --pwc 2 as at --pwc 65536, and a flush is O(1) (by
 * generation, as the TLBs flush).  The footprint is one hash insert per
 * translation and level, once, at the end of a run.
 */
#include <stdlib.h>
#include <string.h>

#include "replay.h"
#include "xlate_int.h"

#define PT_GRANULE_MAX_SHIFT 16 /* larger pages are huge pages over 4 KiB tables */

/*
 * One level's walk cache: N entries (asid, key), LRU.  A slot array with a
 * recency list through it (head most recent), and an open-addressing hash
 * (linear probing, at most half full, backward-shift deletion) from (asid,
 * key) to slot, so a lookup, an insert and a removal are O(1) for any N
 * (--pwc allows 65536).  A flush empties the cache in O(1): it moves the
 * cache's generation on; slots of an older generation are free and are
 * handed out again in order (fresh..N-1), each dropping its old hash entry
 * when reused, and a lookup that meets an entry of an older generation drops
 * it.
 */
struct pwc {
	uint64_t *key;   /* per slot: address bits above the level's entry */
	uint32_t *asid;  /* per slot: address space */
	uint32_t *sgen;  /* per slot: generation it was filled in; 0: never */
	uint32_t *prev;  /* per slot: towards the most recent */
	uint32_t *next;  /* per slot: towards the least recent */
	uint32_t *freel; /* slots freed by removals, a stack */
	uint32_t *ht;    /* 2^hbits hash entries: slot + 1, 0 empty */
	uint32_t hbits;  /* log2 of the hash size (>= 2N) */
	uint32_t head;   /* most recent slot, PWC_NONE if empty */
	uint32_t tail;   /* least recent slot */
	uint32_t n;      /* entries in use */
	uint32_t cap;    /* N */
	uint32_t fresh;  /* slots fresh..N-1 are free in this generation */
	uint32_t nfree;  /* on freel */
	uint32_t gen;    /* the generation, >= 1 */
};

#define PWC_NONE UINT32_MAX

struct pt {
	struct pt_config c;                      /* geometry */
	uint32_t shift[PT_MAX_LEVELS + 2];       /* shift[l] = S(l), l = 1..L+1 */
	struct pwc pwc[PT_MAX_LEVELS + 1];       /* per level 2..L */
	uint64_t walks;                          /* walks */
	uint64_t refs;                           /* their memory references */
	uint64_t pwc_hits;                       /* walks a walk cache shortened */
};

/* v >> s, defined for s >= 64 too */
static inline uint64_t shr(uint64_t v, uint32_t s)
{
	return s >= 64 ? 0 : v >> s;
}

/* ------------------------------------------------------------ geometry */

int pt_parse_bits(const char *s, struct pt_config *c, struct vm_diag *d)
{
	uint32_t bits[PT_MAX_LEVELS + 1], n = 0;
	const char *p = s;
	char *end;
	unsigned long v;

	for (;;) {
		if (*p < '0' || *p > '9')
			goto syntax;
		v = strtoul(p, &end, 10);
		if (n == PT_MAX_LEVELS)
			return vm_fail(d, VM_ERR_USAGE,
				       "--pt-bits %s has more than %d levels; vmsim models 1 to %d",
				       s, PT_MAX_LEVELS, PT_MAX_LEVELS);
		if (v < 1 || v > 32)
			return vm_fail(d, VM_ERR_USAGE,
				       "--pt-bits %s: each level indexes with 1 to 32 bits, not %lu",
				       s, v);
		bits[n++] = (uint32_t)v;
		if (*end == 0)
			break;
		if (*end != ',')
			goto syntax;
		p = end + 1;
	}
	if (c->levels && c->levels != n)
		return vm_fail(d, VM_ERR_USAGE,
			       "--levels %u does not match --pt-bits %s (%u levels); give one or make them agree",
			       c->levels, s, n);
	c->levels = n;
	memcpy(c->bits, bits, n * sizeof *bits);
	return 0;
syntax:
	return vm_fail(d, VM_ERR_USAGE,
		       "--pt-bits '%s' is not a comma list of index bits per level, root first "
		       "(examples: 10,10  9,9,9,9  9,9,9,9,9)", s);
}

int pt_geometry(struct pt_config *c, uint32_t page_shift, struct vm_diag *d)
{
	int pte_l = ilog2_exact(c->pte_size);
	uint32_t i, sum = 0, rem, b, n, tshift;

	if (pte_l < 0 || c->pte_size > 64)
		return vm_fail(d, VM_ERR_USAGE,
			       "--pte-size %u must be a power of two from 1 to 64 bytes",
			       c->pte_size);
	if (c->levels > PT_MAX_LEVELS)
		return vm_fail(d, VM_ERR_USAGE,
			       "--levels %u is out of range: vmsim models 1 to %d levels",
			       c->levels, PT_MAX_LEVELS);
	if (c->pwc > 65536)
		return vm_fail(d, VM_ERR_USAGE, "--pwc %u: at most 65536 entries per level",
			       c->pwc);
	/*
	 * A table fills one page for pages up to 64 KiB (the 4K, 16K and 64K
	 * granules of x86-64 and Arm); a larger page is a huge page over 4 KiB
	 * tables, as x86-64 maps 2 MiB and 1 GiB pages: the walk stops one or
	 * two levels early (9,9,9 above a 2 MiB page, 9,9 above 1 GiB).
	 */
	tshift = page_shift <= PT_GRANULE_MAX_SHIFT ? page_shift : 12;
	b = tshift > (uint32_t)pte_l ? tshift - (uint32_t)pte_l : 0;
	if (c->levels && !c->bits[0]) {
		/* levels only: each table fills one table page */
		if (!b)
			return vm_fail(d, VM_ERR_USAGE,
				       "--levels %u: a %u-byte page holds fewer than 2 entries of "
				       "%u bytes; give --pt-bits", c->levels, 1u << page_shift,
				       c->pte_size);
		for (i = 0; i < c->levels; i++)
			c->bits[i] = b > 32 ? 32 : b;
	} else if (!c->levels) {
		/* a 48-bit address, levels of one table page each, at most five;
		 * pages too small to hold two entries split the bits evenly */
		rem = 48 - page_shift;
		if (!b)
			b = (rem + PT_MAX_LEVELS - 1) / PT_MAX_LEVELS;
		n = (rem + b - 1) / b;
		if (n > PT_MAX_LEVELS) {
			n = PT_MAX_LEVELS;
			b = (rem + n - 1) / n;
		}
		if (n < 1)
			n = 1;
		c->levels = n;
		for (i = 1; i < n; i++)
			c->bits[i] = b;
		c->bits[0] = rem - (n - 1) * b;
	}
	for (i = 0; i < c->levels; i++)
		sum += c->bits[i];
	if (sum + page_shift > 64) {
		char buf[64];

		return vm_fail(d, VM_ERR_USAGE,
			       "--pt-bits %s: %u index bits and %u page-offset bits make a "
			       "%u-bit address, more than 64",
			       pt_bits_format(c, buf, sizeof buf), sum, page_shift,
			       sum + page_shift);
	}
	return 0;
}

const char *pt_bits_format(const struct pt_config *c, char *buf, size_t n)
{
	size_t used = 0;
	uint32_t i;

	buf[0] = 0;
	for (i = 0; i < c->levels && used < n; i++)
		used += (size_t)snprintf(buf + used, n - used, "%s%u", i ? "," : "", c->bits[i]);
	return buf;
}

uint32_t pt_shift_below(const struct pt_config *c, uint32_t level)
{
	uint32_t j, s = 0;

	for (j = 1; j < level && j <= c->levels; j++)
		s += c->bits[c->levels - j];
	return s;
}

/* ---------------------------------------------------------------- walks */


static int pwc_init(struct pwc *w, uint32_t cap)
{
	w->cap = cap;
	w->gen = 1;
	w->head = w->tail = PWC_NONE;
	for (w->hbits = 1; (1u << w->hbits) < 2 * cap; w->hbits++)
		;
	w->key = malloc(cap * sizeof *w->key);
	w->asid = malloc(cap * sizeof *w->asid);
	w->sgen = calloc(cap, sizeof *w->sgen);
	w->prev = malloc(cap * sizeof *w->prev);
	w->next = malloc(cap * sizeof *w->next);
	w->freel = malloc(cap * sizeof *w->freel);
	w->ht = calloc((size_t)1 << w->hbits, sizeof *w->ht);
	return w->key && w->asid && w->sgen && w->prev && w->next && w->freel && w->ht ?
	       0 : VM_ERR_NOMEM;
}

static void pwc_release(struct pwc *w)
{
	free(w->key);
	free(w->asid);
	free(w->sgen);
	free(w->prev);
	free(w->next);
	free(w->freel);
	free(w->ht);
}

static inline uint32_t pwc_hash(const struct pwc *w, uint32_t asid, uint64_t key)
{
	uint64_t h = (key ^ ((uint64_t)asid << 40 | (uint64_t)asid >> 24)) *
		     0x9E3779B97F4A7C15ull;

	return (uint32_t)(h >> (64 - w->hbits));
}

/* the hash position holding slot s's (asid, key), or PWC_NONE */
static uint32_t pwc_pos(const struct pwc *w, uint32_t asid, uint64_t key, uint32_t s)
{
	uint32_t mask = (1u << w->hbits) - 1, j = pwc_hash(w, asid, key), e;

	while ((e = w->ht[j]) != 0) {
		if (s == PWC_NONE ? (w->key[e - 1] == key && w->asid[e - 1] == asid &&
				     w->sgen[e - 1] != 0) : e - 1 == s)
			return j;
		j = (j + 1) & mask;
	}
	return PWC_NONE;
}

/* delete hash position j, shifting later entries of its run back */
static void pwc_hdel(struct pwc *w, uint32_t j)
{
	uint32_t mask = (1u << w->hbits) - 1, k = j, h, e;

	for (;;) {
		w->ht[j] = 0;
		for (;;) {
			k = (k + 1) & mask;
			if ((e = w->ht[k]) == 0)
				return;
			h = pwc_hash(w, w->asid[e - 1], w->key[e - 1]);
			/* move e back to j unless its home lies in (j, k] */
			if (j <= k ? (h <= j || h > k) : (h <= j && h > k))
				break;
		}
		w->ht[j] = e;
		j = k;
	}
}

static void pwc_unlink(struct pwc *w, uint32_t s)
{
	if (w->prev[s] != PWC_NONE)
		w->next[w->prev[s]] = w->next[s];
	else
		w->head = w->next[s];
	if (w->next[s] != PWC_NONE)
		w->prev[w->next[s]] = w->prev[s];
	else
		w->tail = w->prev[s];
}

static void pwc_push(struct pwc *w, uint32_t s)
{
	w->prev[s] = PWC_NONE;
	w->next[s] = w->head;
	if (w->head != PWC_NONE)
		w->prev[w->head] = s;
	else
		w->tail = s;
	w->head = s;
}

/* the valid slot holding (asid, key), or PWC_NONE; drops a stale match */
static uint32_t pwc_find(struct pwc *w, uint32_t asid, uint64_t key)
{
	uint32_t j = pwc_pos(w, asid, key, PWC_NONE), s;

	if (j == PWC_NONE)
		return PWC_NONE;
	s = w->ht[j] - 1;
	if (w->sgen[s] == w->gen)
		return s;
	pwc_hdel(w, j); /* left by a flush */
	w->sgen[s] = 0;
	return PWC_NONE;
}

/* 1 if (asid, key) is cached, and make it most recent */
static int pwc_touch(struct pwc *w, uint32_t asid, uint64_t key)
{
	uint32_t s = pwc_find(w, asid, key);

	if (s == PWC_NONE)
		return 0;
	if (w->head != s) {
		pwc_unlink(w, s);
		pwc_push(w, s);
	}
	return 1;
}

/* insert an absent entry as most recent, dropping the least recent */
static void pwc_insert(struct pwc *w, uint32_t asid, uint64_t key)
{
	uint32_t s, j;

	if (w->nfree) {
		s = w->freel[--w->nfree];
	} else if (w->fresh < w->cap) {
		s = w->fresh++;
		if (w->sgen[s] && (j = pwc_pos(w, w->asid[s], w->key[s], s)) != PWC_NONE)
			pwc_hdel(w, j); /* its entry from an older generation */
	} else {
		s = w->tail;
		pwc_unlink(w, s);
		pwc_hdel(w, pwc_pos(w, w->asid[s], w->key[s], s));
		w->n--;
	}
	w->key[s] = key;
	w->asid[s] = asid;
	w->sgen[s] = w->gen;
	j = pwc_hash(w, asid, key);
	while (w->ht[j])
		j = (j + 1) & ((1u << w->hbits) - 1);
	w->ht[j] = s + 1;
	pwc_push(w, s);
	w->n++;
}

static void pwc_remove(struct pwc *w, uint32_t asid, uint64_t key)
{
	uint32_t s = pwc_find(w, asid, key);

	if (s == PWC_NONE)
		return;
	pwc_hdel(w, pwc_pos(w, asid, key, s));
	pwc_unlink(w, s);
	w->sgen[s] = 0;
	w->freel[w->nfree++] = s;
	w->n--;
}

static void pwc_flush(struct pwc *w)
{
	if (!w->cap)
		return;
	if (w->gen == UINT32_MAX) {
		/* once in 2^32 flushes: forget every entry */
		memset(w->ht, 0, ((size_t)1 << w->hbits) * sizeof *w->ht);
		memset(w->sgen, 0, w->cap * sizeof *w->sgen);
		w->gen = 0;
	}
	w->gen++;
	w->head = w->tail = PWC_NONE;
	w->n = 0;
	w->fresh = 0;
	w->nfree = 0;
}


void pt_free(struct pt *p)
{
	uint32_t l;

	if (!p)
		return;
	for (l = 0; l <= PT_MAX_LEVELS; l++)
		pwc_release(&p->pwc[l]);
	free(p);
}

int pt_new(struct pt **out, const struct pt_config *c)
{
	struct pt *p = calloc(1, sizeof *p);
	uint32_t l;

	*out = NULL;
	if (!p)
		return VM_ERR_NOMEM;
	p->c = *c;
	for (l = 1; l <= c->levels + 1; l++)
		p->shift[l] = pt_shift_below(c, l);
	for (l = 2; c->pwc && l <= c->levels; l++) {
		if (pwc_init(&p->pwc[l], c->pwc)) {
			pt_free(p);
			return VM_ERR_NOMEM;
		}
	}
	*out = p;
	return 0;
}

static void pt_event(struct pt *p, const struct xevent *e)
{
	uint32_t l;

	if (e->kind == XEV_FLUSH) {
		for (l = 2; l <= p->c.levels; l++)
			pwc_flush(&p->pwc[l]);
	} else if (e->kind == XEV_PWC_INVAL && e->arg >= 2 && e->arg <= p->c.levels &&
		   p->pwc[e->arg].cap) {
		pwc_remove(&p->pwc[e->arg], e->asid, e->key);
	}
}

static void pt_walk(struct pt *p, uint32_t tid, const struct xtids *t)
{
	uint32_t lc = t->level[tid], top = p->c.levels, l, j, end;
	uint64_t v = t->vpn[tid];
	uint32_t a = t->asid[tid];

	p->walks++;
	if (!p->c.pwc || lc >= top) {
		p->refs += top - lc + 1;
		return;
	}
	for (l = lc + 1; l <= top; l++)
		if (pwc_touch(&p->pwc[l], a, shr(v, p->shift[l] - p->shift[lc])))
			break;
	if (l <= top) {
		p->pwc_hits++;
		p->refs += l - lc;   /* read levels l-1 .. lc */
		end = l;
	} else {
		p->refs += top - lc + 1;
		end = top + 1;
	}
	for (j = lc + 1; j < end; j++)
		pwc_insert(&p->pwc[j], a, shr(v, p->shift[j] - p->shift[lc]));
}

void pt_run(struct pt *p, const struct xref *in, size_t n, const struct xevent *ev,
	    size_t nev, const struct xtids *t)
{
	size_t k, e = 0;

	for (k = 0; k < n; k++) {
		for (; e < nev && ev[e].idx <= in[k].idx; e++)
			pt_event(p, &ev[e]);
		pt_walk(p, in[k].tid, t);
	}
	for (; e < nev; e++)
		pt_event(p, &ev[e]);
}

void pt_get_stats(const struct pt *p, uint64_t *walks, uint64_t *refs,
		  uint64_t *pwc_hits)
{
	*walks = p->walks;
	*refs = p->refs;
	*pwc_hits = p->pwc_hits;
}

/* ------------------------------------------------------------ footprint */

int pt_footprint(const struct pt_config *c, const uint32_t *tids, size_t n,
		 const struct xtids *t, uint64_t pages[PT_MAX_LEVELS])
{
	struct xmap m[PT_MAX_LEVELS + 1];
	uint32_t shift[PT_MAX_LEVELS + 2], l, id;
	size_t i;
	int rc = 0, is_new;

	memset(m, 0, sizeof m);
	memset(pages, 0, PT_MAX_LEVELS * sizeof *pages);
	for (l = 1; l <= c->levels + 1; l++)
		shift[l] = pt_shift_below(c, l);
	for (l = 1; l <= c->levels; l++)
		if ((rc = xmap_init(&m[l])))
			goto out;
	for (i = 0; i < n; i++) {
		uint32_t tid = tids[i], lc = t->level[tid];

		for (l = lc; l <= c->levels; l++) {
			rc = xmap_get(&m[l], t->asid[tid],
				      shr(t->vpn[tid], shift[l + 1] - shift[lc]), &id, &is_new);
			if (rc)
				goto out;
		}
	}
	for (l = 1; l <= c->levels; l++)
		pages[l - 1] = m[l].count;
out:
	for (l = 1; l <= c->levels; l++)
		xmap_free(&m[l]);
	return rc;
}
