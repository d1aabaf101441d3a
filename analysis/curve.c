/*
 * curve.c - whole page-fault curves: every policy at every memory size, from
 * one decoding of the trace.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * A curve is hits and faults as a function of the memory size N.  Replaying
 * the trace once per size costs (sizes x trace); two of the six policies let
 * us do much better, because they are stack algorithms (Mattson, Gecsei,
 * Slutz and Traiger, "Evaluation techniques for storage hierarchies", IBM
 * Systems Journal 9(2), 1970): the pages they keep in N frames are always a
 * subset of those they keep in N+1.  For such a policy there is one ordering
 * of all pages, the stack, such that memory of N frames holds exactly the top
 * N, and a reference hits in N frames exactly when its page's depth in the
 * stack (its stack distance d, 1 = top) is at most N.  One pass that records
 * a histogram of d therefore gives every size at once:
 *
 *     hits(N) = #{references with d <= N}        faults(N) = refs - hits(N)
 *
 * LRU, one pass, O(log V) per reference.  The LRU stack is recency order, so d
 * is 1 + the number of distinct pages referenced since the last reference to
 * the same page.  Following Bennett and Kruskal ("LRU stack processing", IBM
 * J. R&D 19(4), 1975) we count them over time instead of walking the stack:
 * every page keeps one mark, at the position of its latest reference, and d
 * is 1 + the marks after that position.  The marks are a bitmap over
 * positions 1..S, and a Fenwick tree (Fenwick, "A new data structure for
 * cumulative frequency tables", SP&E 24(3), 1994) counts them per block of
 * 64 positions:
 *
 *     positions   1  2  3  4  5  6  7  8  9 ...                     next
 *     marks       .  1  .  .  1  1  .  1  .        bits[pos / 64]     |
 *                    b        c  a     d     <- last[page]            v
 *     blocks      [ 0: 64 positions ][ 1 ][ 2 ] ...  fen[]: marks per block
 *
 *     reference to c:  d = 1 + marks after last[c]
 *                        = 1 + popcount(rest of c's word)
 *                            + seen - (marks in blocks up to c's)   Fenwick
 *                      then move c's mark from last[c] to next, next++
 *
 * A recent position (the common case) counts the few words up to next
 * directly.  Moving a mark changes the block counts along two Fenwick paths
 * that cancel from the first node they share, so short moves are cheap.
 * The bitmap (S/8 bytes) and the tree (S/16) stay in cache; only last[],
 * the write-back state and the counts are touched at random, and last[] is
 * prefetched 16 references ahead.  Positions are not the raw reference index
 * (that would need 4 bytes per reference): S is about twice the distinct
 * pages V, and when next runs past S the live marks (the set bits, found by
 * a scan of the bitmap) are renumbered 1..seen in order (owner[] says which
 * page made each position) and the tree is rebuilt in O(S), at most once
 * every S - V >= V references, O(1) amortised.  Counts are kept only at the
 * requested sizes when there are at most 4096 of them, else per distance
 * (V counters, touched at random).  A distance finds its size's bin in O(1):
 * a table holds the bin of every distance below 4096, and above that a
 * second table the bin of the first distance of each of at most 65536 cells
 * (the distances up to the largest size, cut in equal power-of-two cells),
 * from which a lookup steps past the sizes inside its cell, usually none.
 * Memory: about 24 bytes per distinct page, none per reference.
 *
 * OPT, one pass, O(min(d, M)) per reference.  Belady's MIN is a stack
 * algorithm too, under a priority: a page's priority is the time of its next
 * reference (sooner = higher; never again = lowest).  Mattson et al.'s
 * priority-stack update, which Sugumar and Abraham ("Efficient simulation of
 * caches under optimal replacement with applications to miss
 * characterization", SIGMETRICS 1993) made practical for OPT, runs on each
 * reference to x found at depth k (or not found: k = bottom):
 *
 *     before   [ y1 | y2 | y3 | ... | x  | ... ]     the referenced page x at k
 *     after    [ x  | ?  | ?  | ... | ?  | ... ]     x on top, new priority
 *              carry = y1; for i = 2 .. k-1:
 *                  keep at i whichever of (carry, y_i) is needed sooner,
 *                  carry the other one down
 *              the carry fills the hole at k
 *
 * The next-use times come from loaded_compute_next (one backward pass).  The
 * work is a scan of the top k entries, so we keep only the top M = largest
 * requested size (capped at V): entries below M never influence those above
 * (the scan only carries downwards), so a page not in the top M is simply a
 * miss at every requested size and the carry that falls off the bottom is
 * forgotten.  Cost O(min(d, M)) per reference, 8 bytes per stack entry plus
 * 4 per page; the scan is sequential over a small array, which is fast for
 * the distances real traces have, but it is not O(log V): Bilardi,
 * Ekanadham and Pattnaik's Critical Stack Algorithm (CF'17) is, and is the
 * planned replacement when OPT curves over millions of pages matter.  Until
 * then curve_run weighs the two exact ways (see opt_onepass below): with a
 * deep stack and few sizes, OPT runs once per size, in parallel, like the
 * policies that are not stack algorithms.
 *
 * The other columns, exactly.  compulsory = distinct pages, and evictions =
 * faults - min(N, V) (frames fill once; every later fault evicts), for any
 * policy.  Write-backs for LRU follow from distances too.  At size N a page's
 * residency ends (it is evicted) between two of its references exactly when
 * the second one's distance d exceeds N, and after its last reference exactly
 * when its final depth exceeds N.  Keep per page D = the smallest N at which
 * its current residency is dirty (infinity if no size is):
 *
 *     on a reference with distance d (not its first):
 *         sizes N in [D, d-1] wrote the page back  -> wb[D] += 1, wb[d] -= 1
 *         D = this reference writes ? 1 : max(D, d)
 *             (sizes below d start a clean residency, the rest keep theirs)
 *     on its first reference: D = writes ? 1 : infinity
 *     at the end, final depth s: sizes in [D, s-1] evict it dirty later
 *
 * and writebacks(N) is the prefix sum of wb[] up to N.  For OPT the same
 * bookkeeping would count the live pages right, but which dead page (one
 * never used again) goes first is a tie the engine breaks by frame number,
 * which a stack cannot know, and that decides whether a dirty dead page is
 * written back before the end.  One-pass OPT rows therefore leave writebacks
 * empty rather than print a number that could differ from `vmsim replay`.
 *
 * FIFO, Clock, Random and LFU are not stack algorithms (FIFO shows Belady's
 * anomaly), so they run once per size with the ordinary engine
 * (sim_run_loaded) over the decoded ids.  All the tasks - one per one-pass
 * policy, one per (other policy, size) - go to a pool of threads; each task
 * writes its own slot, so the result does not depend on the thread count or
 * the order tasks finish in.  Nothing is approximated anywhere: every point
 * equals a single `vmsim replay` of that size (tests/test_curve.c checks it).
 */
#include <assert.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "analysis_int.h"
#include "policy.h"

#define CURVE_CHUNK 65536u          /* references between stop checks */
#define DEPTH_NONE UINT32_MAX       /* OPT pos[]: not in the kept stack */
#define DIRTY_NONE UINT32_MAX       /* D: no size holds the page dirty */

/* ------------------------------------------------------------ sizes */

struct u32vec {
	uint32_t *v;  /* items */
	size_t n;     /* used */
	size_t cap;   /* allocated */
};

static int vec_push(struct u32vec *a, uint32_t x)
{
	if (a->n == a->cap) {
		size_t ncap = a->cap ? a->cap * 2 : 64;
		uint32_t *p = realloc(a->v, ncap * sizeof *p);

		if (!p)
			return VM_ERR_NOMEM;
		a->v = p;
		a->cap = ncap;
	}
	a->v[a->n++] = x;
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* A size: a whole number 1 .. 2^31-1. */
static int parse_frames_num(const char *s, size_t len, uint32_t *out)
{
	char buf[32];
	uint64_t v;

	if (len == 0 || len >= sizeof buf || s[0] == '-' || s[0] == '+')
		return -1;
	memcpy(buf, s, len);
	buf[len] = 0;
	if (parse_u64(buf, &v) || v == 0 || v > 0x7fffffffu)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static int add_auto(struct u32vec *a, uint32_t npages)
{
	uint32_t i;
	int k, rc = 0;

	if (npages <= 100) {
		for (i = 1; i <= npages && !rc; i++)
			rc = vec_push(a, i);
		return rc;
	}
	/* 50 evenly spaced and 50 log-spaced sizes, so both axes look right */
	for (k = 1; k <= 50 && !rc; k++)
		rc = vec_push(a, (uint32_t)llround((double)npages * k / 50.0));
	for (k = 0; k < 50 && !rc; k++) {
		double v = pow((double)npages, k / 49.0);

		rc = vec_push(a, v < 1 ? 1 : (uint32_t)llround(v));
	}
	return rc;
}

static int frames_item(struct u32vec *a, const char *s, size_t len, uint32_t npages)
{
	const char *c1 = memchr(s, ':', len), *c2;
	uint32_t lo, hi, step, v, nv;
	double f, cur;
	char buf[32];
	char *end;

	if (len == 4 && memcmp(s, "auto", 4) == 0)
		return npages ? add_auto(a, npages) : 0;
	if (!c1) {
		if (parse_frames_num(s, len, &lo))
			return VM_ERR_USAGE;
		return vec_push(a, lo);
	}
	c2 = memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - s));
	if (parse_frames_num(s, (size_t)(c1 - s), &lo) ||
	    parse_frames_num(c1 + 1, (size_t)((c2 ? c2 : s + len) - c1 - 1), &hi) || lo > hi)
		return VM_ERR_USAGE;
	if (!c2) {
		step = 1;
	} else if (c2[1] == 'x' || c2[1] == '*') {
		size_t fl = (size_t)(s + len - c2 - 2);

		if (fl == 0 || fl >= sizeof buf)
			return VM_ERR_USAGE;
		memcpy(buf, c2 + 2, fl);
		buf[fl] = 0;
		f = strtod(buf, &end);
		if (*end || !(f > 1.0) || f > 1e6)
			return VM_ERR_USAGE;
		/* geometric: lo, lo*f, lo*f^2, ... rounded (at least one more
		 * than the last, so a factor near 1 cannot spin), then hi */
		for (cur = lo, v = lo;; v = nv) {
			if (vec_push(a, v))
				return VM_ERR_NOMEM;
			if (a->n > CURVE_MAX_SIZES)
				return VM_ERR_LIMIT;
			cur *= f;
			nv = cur >= (double)hi ? hi : (uint32_t)llround(cur);
			if (nv <= v)
				nv = v + 1;
			if (nv >= hi) {
				if (v != hi && vec_push(a, hi))
					return VM_ERR_NOMEM;
				return 0;
			}
		}
	} else if (parse_frames_num(c2 + 1, (size_t)(s + len - c2 - 1), &step)) {
		return VM_ERR_USAGE;
	}
	if ((hi - lo) / step + 1 + a->n > CURVE_MAX_SIZES)
		return VM_ERR_LIMIT;
	for (;; lo += step) {
		if (vec_push(a, lo))
			return VM_ERR_NOMEM;
		if (hi - lo < step)
			break;
	}
	return 0;
}

/* The comma list item at *p: *p and *len are set to it without blanks
 * around it; the comma after it is returned (NULL for the last item). */
static const char *list_item(const char **p, size_t *len)
{
	const char *e = strchr(*p, ',');

	*len = e ? (size_t)(e - *p) : strlen(*p);
	while (*len && (**p == ' ' || **p == '\t')) {
		(*p)++;
		(*len)--;
	}
	while (*len && ((*p)[*len - 1] == ' ' || (*p)[*len - 1] == '\t'))
		(*len)--;
	return e;
}

int curve_frames_parse(const char *spec, uint32_t npages, uint32_t **sizes,
		       size_t *n, struct vm_diag *d)
{
	struct u32vec a = { 0 };
	const char *p = spec, *e;
	size_t i, j, len;
	int rc;

	*sizes = NULL;
	*n = 0;
	for (;;) {
		e = list_item(&p, &len);
		rc = frames_item(&a, p, len, npages);
		if (!rc && a.n > CURVE_MAX_SIZES)
			rc = VM_ERR_LIMIT;
		if (rc) {
			free(a.v);
			if (rc == VM_ERR_NOMEM)
				return vm_fail(d, rc, "out of memory for the memory sizes");
			if (rc == VM_ERR_LIMIT)
				return vm_fail(d, VM_ERR_USAGE, "frames '%s': more than %u sizes",
					       spec, CURVE_MAX_SIZES);
			return vm_fail(d, VM_ERR_USAGE,
				       "frames '%s': '%.*s' is not N, MIN:MAX, MIN:MAX:STEP, "
				       "MIN:MAX:xFACTOR or auto (sizes are whole numbers from 1 "
				       "to 2147483647, MIN <= MAX, FACTOR > 1)",
				       spec, (int)len, p);
		}
		if (!e)
			break;
		p = e + 1;
	}
	if (a.n == 0) {
		free(a.v);
		if (npages == 0 && strstr(spec, "auto"))
			return 0; /* syntax check of "auto" before the trace is read */
		return vm_fail(d, VM_ERR_USAGE, "frames '%s': no sizes%s", spec,
			       strstr(spec, "auto") ? " (the trace touches no pages)" : "");
	}
	qsort(a.v, a.n, sizeof *a.v, cmp_u32);
	for (i = j = 0; i < a.n; i++)
		if (j == 0 || a.v[j - 1] != a.v[i])
			a.v[j++] = a.v[i];
	*sizes = a.v;
	*n = j;
	return 0;
}

/* One memory size of a --memory item: bytes (64K, 1M), or P% of the
 * footprint (footprint 0: the syntax only, 1 frame); in whole frames. */
static int memory_frames(const char *s, size_t len, uint32_t page_shift, uint64_t footprint,
			 uint64_t *frames)
{
	char buf[32], *end;
	uint64_t v;

	if (len == 0 || len >= sizeof buf)
		return -1;
	memcpy(buf, s, len);
	buf[len] = 0;
	if (buf[len - 1] == '%') {
		double f;

		buf[len - 1] = 0;
		f = strtod(buf, &end);
		if (*end || !*buf || !(f > 0) || f > 100000)
			return -1;
		v = footprint ? (uint64_t)ceil(f / 100 * (double)footprint) : 1;
		*frames = v ? v : 1;
		return 0;
	}
	if (buf[0] == '-' || buf[0] == '+' || parse_size(buf, &v) || v >> page_shift == 0)
		return -1;
	*frames = v >> page_shift;
	return 0;
}

int curve_memory_spec(const char *mem, uint32_t page_shift, uint64_t footprint_pages,
		      char **frames, struct vm_diag *d)
{
	struct strbuf b = { 0 };
	const char *p = mem, *e;

	for (;;) {
		const char *c1, *c2, *end;
		size_t len;
		uint64_t lo, hi, step;

		e = list_item(&p, &len);
		end = p + len;
		c1 = memchr(p, ':', len);
		c2 = c1 ? memchr(c1 + 1, ':', (size_t)(end - c1 - 1)) : NULL;
		if (b.n)
			sb_puts(&b, ",");
		if (memory_frames(p, (size_t)((c1 ? c1 : end) - p), page_shift, footprint_pages, &lo) ||
		    (c1 && memory_frames(c1 + 1, (size_t)((c2 ? c2 : end) - c1 - 1), page_shift,
					 footprint_pages, &hi)))
			goto bad;
		sb_printf(&b, "%llu", (unsigned long long)lo);
		if (c1)
			sb_printf(&b, ":%llu", (unsigned long long)hi);
		if (c2 && (c2[1] == 'x' || c2[1] == '*'))
			sb_printf(&b, ":%.*s", (int)(end - c2 - 1), c2 + 1);
		else if (c2 && memory_frames(c2 + 1, (size_t)(end - c2 - 1), page_shift,
					     footprint_pages, &step) == 0)
			sb_printf(&b, ":%llu", (unsigned long long)step);
		else if (c2)
			goto bad;
		if (!e)
			break;
		p = e + 1;
		continue;
bad:
		free(b.s);
		return vm_fail(d, VM_ERR_USAGE,
			       "memory '%s': '%.*s' is not SIZE, MIN:MAX, MIN:MAX:STEP or "
			       "MIN:MAX:xFACTOR (sizes like 64K, 1M, 1G, at least one %llu-byte "
			       "page, or P%% of the footprint)", mem, (int)len, p,
			       1ull << page_shift);
	}
	*frames = sb_take(&b);
	return 0;
}

int curve_policies_parse(const char *list, const struct policy_ops **pols,
			 size_t max, size_t *n, struct vm_diag *d)
{
	const char *p = list, *e;
	char name[64], names[256];
	size_t len, i;

	*n = 0;
	if (strcmp(list, "all") == 0) {
		for (i = 0; policy_registry[i]; i++) {
			if (*n == max)
				return vm_fail(d, VM_ERR_USAGE, "more than %zu policies", max);
			pols[(*n)++] = policy_registry[i];
		}
		return 0;
	}
	for (;;) {
		e = list_item(&p, &len);
		if (len == 0 || len >= sizeof name)
			return vm_fail(d, VM_ERR_USAGE, "policies '%s': an empty or overlong name; "
				       "known: %s", list, policy_names(names, sizeof names, " "));
		memcpy(name, p, len);
		name[len] = 0;
		if (*n == max)
			return vm_fail(d, VM_ERR_USAGE, "policies '%s': more than %zu", list, max);
		pols[*n] = policy_find(name);
		if (!pols[*n])
			return vm_fail(d, VM_ERR_USAGE, "unknown policy '%s'; known: %s", name,
				       policy_names(names, sizeof names, " "));
		for (i = 0; i < *n; i++)
			if (pols[i] == pols[*n])
				return vm_fail(d, VM_ERR_USAGE, "policy '%s' is given twice", name);
		++*n;
		if (!e)
			break;
		p = e + 1;
	}
	return 0;
}

/* ---------------------------------------------------- shared bookkeeping */

/* One curve point from its hit and write-back counts. */
static void point_fill(const struct loaded_trace *lt, struct engine_stats *st,
		       uint32_t frames, uint64_t hits, uint32_t wbs)
{
	memset(st, 0, sizeof *st);
	st->refs = lt->n;
	st->hits = hits;
	st->faults = lt->n - hits;
	st->compulsory = lt->npages;
	st->evictions = st->faults - (frames < lt->npages ? frames : lt->npages);
	st->writebacks = wbs;
	st->distinct_pages = lt->npages;
	memcpy(st->by_kind, lt->by_kind, sizeof st->by_kind);
}

/* Fill st[i] for frames[i] from the distance histogram hist[1..depth] (hits
 * at distance d) and, if wb, the write-back difference array wb[1..depth]. */
static void curve_fill(const struct loaded_trace *lt, const uint32_t *hist,
		       const uint32_t *wb, uint32_t depth, const uint32_t *frames,
		       size_t n, struct engine_stats *st)
{
	uint64_t hits = 0;
	uint32_t wbs = 0, k = 0, upto;
	size_t i;

	for (i = 0; i < n; i++) {
		upto = frames[i] < depth ? frames[i] : depth;
		for (; k < upto; k++) {
			hits += hist[k + 1];
			if (wb)
				wbs += wb[k + 1]; /* mod 2^32: every true value fits */
		}
		point_fill(lt, &st[i], frames[i], hits, wbs);
	}
}

static int stopped(atomic_int *stop)
{
	return stop && atomic_load_explicit(stop, memory_order_relaxed);
}

/* ------------------------------------------------------------ LRU curve */

/*
 * The marks live in a bitmap over positions, with a Fenwick tree over blocks
 * of 64 positions (block counts), so "marks after position p" is one
 * popcount inside p's block plus a Fenwick prefix over S/64 blocks: both
 * arrays are small (S/8 and S/16 bytes) and stay in cache, and only last[],
 * dirty[] and the histogram are touched at random.
 */
struct recency {
	uint64_t *bits;   /* bits[pos / 64] bit pos % 64: a live mark at pos */
	uint32_t *fen;    /* fen[1..nblocks]: Fenwick tree of marks per block */
	uint32_t *owner;  /* owner[pos]: the page whose reference made pos */
	uint32_t *last;   /* last[page]: position of its latest mark, 0 = none */
	uint32_t size;    /* positions 1..size */
	uint32_t nblocks; /* blocks of 64 positions covering 0..size */
	uint32_t next;    /* next free position */
	uint32_t seen;    /* live marks = pages seen */
};

/* Set bits of x.  The builtin is one instruction where the target has one
 * (-mpopcnt); the x86-64 baseline has none, and there GCC calls a libgcc
 * routine, slower than this inline SWAR count. */
static inline uint32_t popcount64(uint64_t x)
{
#ifdef __POPCNT__
	return (uint32_t)__builtin_popcountll(x);
#else
	x = x - ((x >> 1) & UINT64_C(0x5555555555555555));
	x = (x & UINT64_C(0x3333333333333333)) + ((x >> 2) & UINT64_C(0x3333333333333333));
	x = (x + (x >> 4)) & UINT64_C(0x0f0f0f0f0f0f0f0f);
	return (uint32_t)((x * UINT64_C(0x0101010101010101)) >> 56);
#endif
}

/* Marks in blocks 0..b-1 (Fenwick prefix of b blocks). */
static inline uint32_t rc_blocks_before(const struct recency *r, uint32_t b)
{
	uint32_t s = 0;

	for (; b; b &= b - 1)
		s += r->fen[b];
	return s;
}

static inline void rc_block_add(struct recency *r, uint32_t b, uint32_t v)
{
	for (b++; b <= r->nblocks; b += b & (0u - b))
		r->fen[b] += v; /* v is 1 or (uint32_t)-1 */
}

/* Marks at positions after pos.  A recent pos (the common case: most
 * reuse is short) counts the few words up to the newest mark directly. */
static inline uint32_t rc_after(const struct recency *r, uint32_t pos)
{
	uint32_t b = pos >> 6, off = pos & 63, nb = (r->next - 1) >> 6, k, c;
	uint64_t above = off == 63 ? 0 : r->bits[b] & (~UINT64_C(0) << (off + 1));

	c = popcount64(above);
	if (nb - b <= 8) {
		for (k = b + 1; k <= nb; k++)
			c += popcount64(r->bits[k]);
		return c;
	}
	return c + r->seen - rc_blocks_before(r, b + 1);
}

/* Move a mark from position from to position to (> from): the two Fenwick
 * paths (-1 from from's block, +1 from to's) cancel from the first node
 * they share, so only the nodes below it change. */
static inline void rc_move(struct recency *r, uint32_t from, uint32_t to)
{
	uint32_t i = (from >> 6) + 1, j = (to >> 6) + 1;

	r->bits[from >> 6] &= ~(UINT64_C(1) << (from & 63));
	r->bits[to >> 6] |= UINT64_C(1) << (to & 63);
	while (i != j && (i <= r->nblocks || j <= r->nblocks)) {
		if (i < j) {
			r->fen[i]--;
			i += i & (0u - i);
		} else {
			r->fen[j]++;
			j += j & (0u - j);
		}
	}
}

static inline void rc_set(struct recency *r, uint32_t pos)
{
	r->bits[pos >> 6] |= UINT64_C(1) << (pos & 63);
	rc_block_add(r, pos >> 6, 1);
}

/* Renumber the live marks 1..seen in time order and rebuild the tree.  The
 * live positions are exactly the set bits, so a scan of the bitmap finds
 * them in order without asking last[] of every position. */
static void rc_compact(struct recency *r)
{
	uint32_t w, i, k = 0, o, j;
	uint64_t word;

	for (w = 0; w < r->nblocks; w++) {
		for (word = r->bits[w]; word; word &= word - 1) {
			i = w * 64 + (uint32_t)__builtin_ctzll(word);
			o = r->owner[i];
			r->owner[++k] = o; /* k <= i: a slot already read */
			r->last[o] = k;
		}
	}
	assert(k == r->seen);
	/* positions 1..k are marked: set the bits, count blocks, build */
	memset(r->bits, 0, (size_t)r->nblocks * sizeof *r->bits);
	memset(r->fen, 0, ((size_t)r->nblocks + 1) * sizeof *r->fen);
	for (i = 1; i <= k; i++) {
		r->bits[i >> 6] |= UINT64_C(1) << (i & 63);
		r->fen[(i >> 6) + 1]++;
	}
	for (i = 1; i <= r->nblocks; i++) {
		j = i + (i & (0u - i));
		if (j <= r->nblocks)
			r->fen[j] += r->fen[i];
	}
	r->next = k + 1;
}

/* Requested sizes up to this many are counted in bins of their own (found
 * through the tables of struct size_bins, which stay in cache); more are
 * counted per distance and folded at the end. */
#define LRU_MAX_BINS 4096
#define BIN_EXACT 4096u   /* distances below this have a table slot each */
#define BIN_CELLS 65536u  /* cells of the coarse table, at most */

/* The bin of distance v: the first j with frames[j] >= v, n if none.
 * Branch-free (the halving step compiles to a conditional move), because
 * distances are unpredictable and a mispredicted branch per step costs more
 * than the search itself (Khuong and Morin, "Array layouts for
 * comparison-based searching", 2017). */
static inline uint32_t size_bin(const uint32_t *frames, size_t n, uint32_t v)
{
	const uint32_t *base = frames;
	size_t len = n, half;

	if (n == 0)
		return 0;
	while (len > 1) {
		half = len / 2;
		base += half & (0 - (size_t)(base[half - 1] < v));
		len -= half;
	}
	return (uint32_t)(base - frames) + (*base < v);
}

/*
 * The bin of a distance in O(1), for the binned histogram.  Small distances,
 * the common ones, look their bin up directly; a larger one looks up the bin
 * of the first distance of its cell (a range of 2^shift distances, so that
 * the cells up to the largest size fit BIN_CELLS) and steps past the sizes
 * that lie inside the cell before it, usually none.
 */
struct size_bins {
	const uint32_t *frames; /* the sizes, ascending */
	uint32_t n;             /* how many; bin n means beyond the largest */
	uint32_t top;           /* frames[n - 1] */
	uint32_t shift;         /* the cell of a distance v: v >> shift */
	uint16_t *exact;        /* exact[v]: the bin of v, v < BIN_EXACT */
	uint16_t *coarse;       /* coarse[c]: the bin of c << shift */
};

static int bins_init(struct size_bins *b, const uint32_t *frames, size_t n)
{
	uint32_t v, c, ncells;

	memset(b, 0, sizeof *b);
	if (n == 0 || n > LRU_MAX_BINS)
		return 0;
	b->frames = frames;
	b->n = (uint32_t)n;
	b->top = frames[n - 1];
	while ((b->top >> b->shift) >= BIN_CELLS)
		b->shift++;
	ncells = (b->top >> b->shift) + 1;
	b->exact = malloc(BIN_EXACT * sizeof *b->exact);
	b->coarse = malloc(ncells * sizeof *b->coarse);
	if (!b->exact || !b->coarse)
		return VM_ERR_NOMEM;
	for (v = 0; v < BIN_EXACT; v++)
		b->exact[v] = (uint16_t)size_bin(frames, n, v);
	for (c = 0; c < ncells; c++)
		b->coarse[c] = (uint16_t)size_bin(frames, n, c << b->shift);
	return 0;
}

static void bins_free(struct size_bins *b)
{
	free(b->exact);
	free(b->coarse);
}

static inline uint32_t bin_of(const struct size_bins *b, uint32_t v)
{
	uint32_t j;

	if (v < BIN_EXACT)
		return b->exact[v];
	if (v > b->top)
		return b->n;
	for (j = b->coarse[v >> b->shift]; b->frames[j] < v; j++)
		;
	return j;
}

int curve_lru(const struct loaded_trace *lt, const uint32_t *frames, size_t n,
	      struct engine_stats *st, atomic_int *stop, struct vm_diag *d)
{
	enum { AHEAD = 16 }; /* prefetch distance, in references */
	uint32_t V = lt->npages, *hist, *wb, *dirty, x, p, lp, dist, s, nbins;
	struct recency f = { 0 };
	struct size_bins bins = { 0 };
	uint64_t t, end, bytes;
	size_t i;
	int rc = 0, direct = n > LRU_MAX_BINS;

	f.size = V + (V > 64 ? V : 64);
	f.nblocks = (f.size >> 6) + 1;
	nbins = direct ? V + 2 : (uint32_t)n + 2;
	bytes = (uint64_t)f.nblocks * sizeof *f.bits + ((uint64_t)f.nblocks + 1) * sizeof *f.fen +
		((uint64_t)f.size + 1) * sizeof *f.owner + ((uint64_t)V + 1) * sizeof *f.last +
		((uint64_t)V + 1) * sizeof *dirty + 2 * (uint64_t)nbins * sizeof *hist;
	if (vm_mem_charge(bytes, "the LRU curve's stack"))
		return vm_mem_report(d, NULL);
	f.bits = calloc(f.nblocks, sizeof *f.bits);
	f.fen = calloc((size_t)f.nblocks + 1, sizeof *f.fen);
	f.owner = malloc(((size_t)f.size + 1) * sizeof *f.owner);
	f.last = calloc((size_t)V + 1, sizeof *f.last);
	dirty = malloc(((size_t)V + 1) * sizeof *dirty);
	/* counts per distance (direct), or per requested size (binned) */
	hist = calloc(nbins, sizeof *hist);
	wb = calloc(nbins, sizeof *wb);
	if (!f.bits || !f.fen || !f.owner || !f.last || !dirty || !hist || !wb ||
	    bins_init(&bins, frames, n)) {
		rc = vm_fail(d, VM_ERR_NOMEM, "out of memory for the LRU curve of %u pages", V);
		goto out;
	}
	f.next = 1;
	for (t = 0; t < lt->n; t = end) {
		end = lt->n - t > CURVE_CHUNK ? t + CURVE_CHUNK : lt->n;
		if (stopped(stop)) {
			rc = vm_fail(d, VM_ERR_IO, "interrupted");
			goto out;
		}
		for (; t < end; t++) {
			if (t + AHEAD < lt->n) {
				uint32_t q = LOADED_ID(lt->ids[t + AHEAD]);

				__builtin_prefetch(&f.last[q]);
				__builtin_prefetch(&dirty[q]);
			}
			x = lt->ids[t];
			p = LOADED_ID(x);
			if (f.next > f.size)
				rc_compact(&f);
			lp = f.last[p];
			if (lp) {
				dist = rc_after(&f, lp) + 1;
				hist[direct ? dist : bin_of(&bins, dist)]++;
				if (dirty[p] < dist) {
					wb[direct ? dirty[p] : bin_of(&bins, dirty[p])]++;
					wb[direct ? dist : bin_of(&bins, dist)]--;
				}
				dirty[p] = (x & LOADED_WRITE) ? 1 : dirty[p] > dist ? dirty[p] : dist;
				rc_move(&f, lp, f.next);
			} else {
				f.seen++;
				dirty[p] = (x & LOADED_WRITE) ? 1 : DIRTY_NONE;
				rc_set(&f, f.next);
			}
			f.owner[f.next] = p;
			f.last[p] = f.next++;
		}
	}
	/* pages not resident at the end at sizes below their final depth */
	for (p = 0; p < V; p++) {
		if (!f.last[p])
			continue;
		s = rc_after(&f, f.last[p]) + 1;
		if (dirty[p] < s) {
			wb[direct ? dirty[p] : bin_of(&bins, dirty[p])]++;
			wb[direct ? s : bin_of(&bins, s)]--;
		}
	}
	if (direct) {
		curve_fill(lt, hist, wb, V, frames, n, st);
	} else {
		/* bin j holds the distances in (frames[j-1], frames[j]] */
		uint64_t hits = 0;
		uint32_t wbs = 0;

		for (i = 0; i < n; i++) {
			hits += hist[i];
			wbs += wb[i];
			point_fill(lt, &st[i], frames[i], hits, wbs);
		}
	}
out:
	vm_mem_release(bytes);
	bins_free(&bins);
	free(f.bits);
	free(f.fen);
	free(f.owner);
	free(f.last);
	free(dirty);
	free(hist);
	free(wb);
	return rc;
}

/* ------------------------------------------------------------ OPT curve */

struct opt_entry {
	uint32_t next;  /* the page's next reference (LOADED_NEVER: none) */
	uint32_t page;  /* page id */
};

int curve_opt(const struct loaded_trace *lt, const uint32_t *frames, size_t n,
	      struct engine_stats *st, atomic_int *stop, struct vm_diag *d)
{
	uint32_t V = lt->npages, M, filled = 0, *pos = NULL, *hist = NULL, p, k, lim, i;
	struct opt_entry *stk = NULL, carry, tmp;
	uint64_t t, end, bytes;
	int rc = 0;

	if (!lt->next)
		return vm_fail(d, VM_ERR_USAGE, "the OPT curve needs next-use times");
	M = n && frames[n - 1] < V ? frames[n - 1] : V;
	bytes = ((uint64_t)M + 1) * sizeof *stk + ((uint64_t)V + 1) * sizeof *pos +
		((uint64_t)M + 2) * sizeof *hist;
	if (vm_mem_charge(bytes, "the OPT curve's stack"))
		return vm_mem_report(d, NULL);
	stk = malloc(((size_t)M + 1) * sizeof *stk);
	pos = malloc(((size_t)V + 1) * sizeof *pos);
	hist = calloc((size_t)M + 2, sizeof *hist);
	if (!stk || !pos || !hist) {
		rc = vm_fail(d, VM_ERR_NOMEM, "out of memory for the OPT curve of %u pages", V);
		goto out;
	}
	memset(pos, 0xff, ((size_t)V + 1) * sizeof *pos);
	for (t = 0; t < lt->n; t = end) {
		end = lt->n - t > CURVE_CHUNK ? t + CURVE_CHUNK : lt->n;
		if (stopped(stop)) {
			rc = vm_fail(d, VM_ERR_IO, "interrupted");
			goto out;
		}
		for (; t < end; t++) {
			p = LOADED_ID(lt->ids[t]);
			k = pos[p];
			if (k == 0) {
				hist[1]++;
				stk[0].next = lt->next[t];
				continue;
			}
			if (k != DEPTH_NONE)
				hist[k + 1]++;
			if (filled == 0) {
				stk[0].next = lt->next[t];
				stk[0].page = p;
				pos[p] = 0;
				filled = 1;
				continue;
			}
			carry = stk[0];
			stk[0].next = lt->next[t];
			stk[0].page = p;
			pos[p] = 0;
			lim = k != DEPTH_NONE ? k : filled;
			for (i = 1; i < lim; i++) {
				if (stk[i].next > carry.next) {
					tmp = stk[i];
					stk[i] = carry;
					pos[carry.page] = i;
					carry = tmp;
				}
			}
			if (k != DEPTH_NONE) {
				stk[k] = carry;
				pos[carry.page] = k;
			} else if (filled < M) {
				stk[filled] = carry;
				pos[carry.page] = filled++;
			} else {
				pos[carry.page] = DEPTH_NONE;
			}
		}
	}
	curve_fill(lt, hist, NULL, M, frames, n, st);
out:
	vm_mem_release(bytes);
	free(stk);
	free(pos);
	free(hist);
	return rc;
}

/* ------------------------------------------------------------- the pool */

typedef int (*curve_onepass_fn)(const struct loaded_trace *, const uint32_t *, size_t,
				struct engine_stats *, atomic_int *, struct vm_diag *);

/* Policies with a one-pass algorithm; the others run once per size. */
extern const struct policy_ops lru_ops, opt_ops; /* policies/lru.c, opt.c */
static const struct curve_method {
	const struct policy_ops *ops; /* the policy */
	curve_onepass_fn run;         /* its all-sizes algorithm */
	unsigned flags;               /* result_row flags for its rows */
} curve_methods[] = {
	{ &lru_ops, curve_lru, 0 },
	{ &opt_ops, curve_opt, RESULT_NO_WRITEBACKS },
};

/*
 * OPT's stack scan costs about 0.25 ns per entry (M entries at worst per
 * reference), a per-size OPT replay about 30 ns per reference per size on
 * one thread (both measured on a miss-heavy Zipf trace).  With two threads
 * the one-pass curve is the cheaper while M <= 64 x sizes, so that is the
 * rule; past it (deep stacks, few sizes) the sizes run in parallel instead.
 * The rule ignores the actual thread count on purpose: the choice shows in
 * the mode and writebacks columns, and output must not depend on -j.
 */
#define OPT_ONEPASS_RATIO 64

static int opt_onepass(const struct loaded_trace *lt, const struct curve_opts *o)
{
	uint64_t m;

	if (o->opt_method != CURVE_OPT_AUTO)
		return o->opt_method == CURVE_OPT_ONEPASS;
	if (!o->nframes)
		return 1;
	m = o->frames[o->nframes - 1] < lt->npages ? o->frames[o->nframes - 1] : lt->npages;
	return m <= (uint64_t)OPT_ONEPASS_RATIO * o->nframes;
}

/* The one-pass method for ops under these options, or NULL: per size. */
static const struct curve_method *method_of(const struct policy_ops *ops,
					    const struct loaded_trace *lt,
					    const struct curve_opts *o)
{
	size_t i;

	for (i = 0; i < sizeof curve_methods / sizeof curve_methods[0]; i++)
		if (curve_methods[i].ops == ops) {
			if (curve_methods[i].run == curve_opt && !opt_onepass(lt, o))
				return NULL;
			return &curve_methods[i];
		}
	return NULL;
}

struct curve_task {
	uint32_t pol;    /* policy index */
	uint32_t frame;  /* size index; UINT32_MAX for a one-pass task */
};

struct curve_pool {
	struct loaded_trace *lt;       /* the trace */
	const struct curve_opts *o;    /* what to run */
	struct curve_point *pts;       /* results */
	struct curve_task *tasks;      /* the work, in a fixed order */
	size_t ntasks;                 /* how many */
	size_t next;                   /* next task to hand out */
	size_t done;                   /* tasks finished */
	size_t err_task;               /* lowest failed task, SIZE_MAX if none */
	struct vm_diag err;            /* its message */
	atomic_int abort;              /* a task failed: stop early */
	pthread_mutex_t mu;            /* guards next, done, err_*, progress */
};

static int pool_run_task(struct curve_pool *pl, const struct curve_task *tk,
			 struct vm_diag *d)
{
	const struct curve_opts *o = pl->o;
	const struct policy_ops *ops = o->policies[tk->pol];
	struct curve_point *row = &pl->pts[(size_t)tk->pol * o->nframes];
	struct engine_stats *st;
	size_t j;
	int rc;

	if (tk->frame == UINT32_MAX) {
		const struct curve_method *m = method_of(ops, pl->lt, o);

		st = malloc(o->nframes * sizeof *st);
		if (!st)
			return vm_fail(d, VM_ERR_NOMEM, "out of memory");
		rc = m->run(pl->lt, o->frames, o->nframes, st,
			    o->stop ? o->stop : &pl->abort, d);
		for (j = 0; !rc && j < o->nframes; j++) {
			row[j].st = st[j];
			row[j].mode = "one-pass";
			row[j].flags = m->flags;
		}
		free(st);
		return rc;
	}
	row += tk->frame;
	rc = sim_run_loaded(pl->lt, &row->cfg, &row->st, d);
	row->mode = "loaded";
	row->flags = 0;
	return rc;
}

static void *pool_worker(void *arg)
{
	struct curve_pool *pl = arg;
	struct vm_diag d = { 0 };
	size_t i;
	int rc;

	for (;;) {
		pthread_mutex_lock(&pl->mu);
		i = pl->next < pl->ntasks && !atomic_load(&pl->abort) && !stopped(pl->o->stop)
			? pl->next++ : SIZE_MAX;
		pthread_mutex_unlock(&pl->mu);
		if (i == SIZE_MAX)
			break;
		rc = pool_run_task(pl, &pl->tasks[i], &d);
		pthread_mutex_lock(&pl->mu);
		if (rc && i < pl->err_task) {
			pl->err_task = i;
			pl->err = d;
			pl->err.code = rc;
			atomic_store(&pl->abort, 1);
		}
		pl->done++;
		if (!rc && pl->o->progress)
			pl->o->progress(pl->o->ctx, pl->done, pl->ntasks);
		pthread_mutex_unlock(&pl->mu);
	}
	return NULL;
}

int curve_run(struct loaded_trace *lt, const struct curve_opts *o,
	      struct curve_point *pts, struct vm_diag *d)
{
	struct curve_pool pl;
	pthread_t *th = NULL;
	size_t i, j, nthreads, started = 0, first_full;
	int rc = 0, need_next = 0;

	memset(&pl, 0, sizeof pl);
	for (i = 0; i < o->npolicies; i++)
		need_next |= (o->policies[i]->flags & POLICY_NEEDS_FUTURE) != 0;
	for (j = 1; j < o->nframes; j++)
		if (o->frames[j] <= o->frames[j - 1])
			return vm_fail(d, VM_ERR_USAGE, "curve sizes must ascend");
	if (o->nframes && o->frames[0] == 0)
		return vm_fail(d, VM_ERR_USAGE, "frames must be at least 1");
	if (need_next && (rc = loaded_compute_next(lt, d)))
		return rc;

	/* the tasks: one-pass policies first (the longest), then per size */
	pl.tasks = malloc((o->npolicies * o->nframes + o->npolicies + 1) * sizeof *pl.tasks);
	if (!pl.tasks)
		return vm_fail(d, VM_ERR_NOMEM, "out of memory");
	for (i = 0; i < o->npolicies; i++) {
		for (j = 0; j < o->nframes; j++) {
			struct curve_point *pt = &pts[i * o->nframes + j];

			memset(pt, 0, sizeof *pt);
			pt->cfg.policy = o->policies[i];
			pt->cfg.frames = o->frames[j];
			pt->cfg.page_shift = lt->page_shift;
			pt->cfg.seed = o->seed;
			pt->cfg.lfu_aging = o->lfu_aging;
		}
		if (method_of(o->policies[i], lt, o) && o->nframes)
			pl.tasks[pl.ntasks++] = (struct curve_task){ (uint32_t)i, UINT32_MAX };
	}
	/* a memory of at least the distinct pages never evicts, so it gives the
	 * row of the smallest such size (only frames differs): that size runs,
	 * the larger ones are copied from it below (see replay/engine.c) */
	for (j = 0; j < o->nframes && o->frames[j] < lt->npages; j++)
		;
	first_full = j;
	for (i = 0; i < o->npolicies; i++)
		for (j = 0; !method_of(o->policies[i], lt, o) && j < o->nframes &&
			    j <= first_full; j++)
			pl.tasks[pl.ntasks++] = (struct curve_task){ (uint32_t)i, (uint32_t)j };

	pl.lt = lt;
	pl.o = o;
	pl.pts = pts;
	pl.err_task = SIZE_MAX;
	atomic_init(&pl.abort, 0);
	pthread_mutex_init(&pl.mu, NULL);
	nthreads = o->threads ? o->threads : 1;
	if (nthreads > pl.ntasks)
		nthreads = pl.ntasks ? pl.ntasks : 1;
	if (nthreads > 1) {
		th = malloc((nthreads - 1) * sizeof *th);
		for (i = 0; th && i + 1 < nthreads; i++, started++)
			if (pthread_create(&th[i], NULL, pool_worker, &pl))
				break;
	}
	pool_worker(&pl); /* this thread works too */
	for (i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	free(th);
	pthread_mutex_destroy(&pl.mu);
	free(pl.tasks);
	if (pl.err_task != SIZE_MAX) {
		rc = pl.err.code;
		vm_fail(d, rc, "%s", pl.err.msg);
	} else if (stopped(o->stop)) {
		/* even after the last task: a stop asked for is a stop */
		rc = vm_fail(d, VM_ERR_IO, "interrupted");
	}
	for (i = 0; !rc && i < o->npolicies; i++)
		for (j = first_full + 1; !method_of(o->policies[i], lt, o) && j < o->nframes; j++) {
			struct curve_point *pt = &pts[i * o->nframes + j];
			const struct curve_point *full = &pts[i * o->nframes + first_full];

			pt->st = full->st;
			pt->mode = full->mode;
			pt->flags = full->flags;
		}
	return rc;
}

/* ------------------------------------------------------------ the job */

static int curve_load(const struct curve_job *j, struct loaded_trace *lt, struct vm_diag *d)
{
	enum { BATCH = 4096 };
	struct trace_reader *r = NULL;
	struct ref *buf = NULL;
	long got;
	int rc;

	rc = loaded_init(lt, j->page_shift, d);
	if (rc)
		return rc;
	rc = trace_open(&r, j->trace, j->fmt, d);
	if (rc)
		goto out;
	buf = malloc(BATCH * sizeof *buf);
	if (!buf) {
		rc = vm_fail(d, VM_ERR_NOMEM, "out of memory");
		goto out;
	}
	while ((got = trace_read(r, buf, BATCH)) > 0) {
		rc = loaded_add(lt, buf, (size_t)got, d);
		if (rc)
			goto out;
		if (j->load_progress)
			j->load_progress(j->ctx, r->nread);
		if (stopped(j->stop)) {
			rc = vm_fail(d, VM_ERR_IO, "interrupted");
			goto out;
		}
	}
	rc = got < 0 ? (int)got : 0;
out:
	free(buf);
	trace_close(r);
	loaded_finish(lt);
	if (rc)
		loaded_free(lt);
	return rc;
}

int curve_job_run(const struct curve_job *j, struct table *t, struct vm_diag *d)
{
	const struct policy_ops *pols[CURVE_MAX_POLICIES];
	struct loaded_trace lt = { 0 };
	struct curve_point *pts = NULL;
	struct curve_opts o = { 0 };
	uint32_t *sizes = NULL;
	char *memf = NULL;
	size_t npols, nsizes, i;
	char id[17];
	int rc;

	table_init(t, result_cols, result_ncols);
	if (j->memory && (rc = curve_memory_spec(j->memory, j->page_shift, 0, &memf, d)))
		return rc;
	if ((rc = curve_policies_parse(j->policies, pols, CURVE_MAX_POLICIES, &npols, d)) ||
	    (rc = curve_frames_parse(memf ? memf : j->frames, 0, &sizes, &nsizes, d))) {
		free(memf);
		return rc;
	}
	free(memf);
	memf = NULL;
	free(sizes);
	sizes = NULL;
	if (j->page_shift > VM_MAX_PAGE_SHIFT)
		return vm_fail(d, VM_ERR_USAGE, "page size must be at most 1 GiB");
	result_trace_id(j->trace, id); /* before reading: the id of what is read */
	rc = curve_load(j, &lt, d);
	if (rc)
		return rc;
	/* --memory: bytes (or fractions of the footprint) as frames */
	if (j->memory && (rc = curve_memory_spec(j->memory, j->page_shift, lt.npages, &memf, d)))
		goto out;
	rc = curve_frames_parse(memf ? memf : j->frames, lt.npages, &sizes, &nsizes, d);
	if (rc)
		goto out;
	pts = malloc(npols * nsizes * sizeof *pts);
	if (!pts) {
		rc = vm_fail(d, VM_ERR_NOMEM, "out of memory for %zu curve points",
			     npols * nsizes);
		goto out;
	}
	o.policies = pols;
	o.npolicies = npols;
	o.frames = sizes;
	o.nframes = nsizes;
	o.seed = j->seed;
	o.lfu_aging = j->lfu_aging;
	o.threads = j->threads;
	o.opt_method = j->opt_method;
	o.progress = j->progress;
	o.ctx = j->ctx;
	o.stop = j->stop;
	rc = curve_run(&lt, &o, pts, d);
	if (!rc && stopped(j->stop))
		rc = vm_fail(d, VM_ERR_IO, "interrupted");
	if (rc)
		goto out;
	for (i = 0; i < npols * nsizes; i++) {
		size_t row = result_row(t, j->label ? j->label : j->trace, &pts[i].cfg,
					&pts[i].st, pts[i].mode, pts[i].flags);

		if (*id)
			table_set_str(t, row, "trace_id", id);
	}
out:
	if (rc) {
		table_free(t);
		table_init(t, result_cols, result_ncols);
	}
	free(pts);
	free(sizes);
	free(memf);
	loaded_free(&lt);
	return rc;
}
