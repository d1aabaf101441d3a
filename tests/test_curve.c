/*
 * test_curve.c - whole curves (analysis/curve.c) against per-size replays.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 *
 *   parsing      memory-size lists (N, MIN:MAX, :STEP, :xFACTOR, auto) and
 *                policy lists, with their errors
 *   golden       Belady's string worked by hand: the LRU stack distances
 *                and the curve they give; OPT's known points; LRU
 *                write-backs on a four-reference trace
 *   differential the one-pass LRU and OPT curves equal the engine's
 *                per-size replay (sim_run_loaded) at every size 1..V+2, on
 *                hundreds of random traces of several kinds; curve_run
 *                equals per-size replays for all six policies
 *   properties   results do not depend on the thread count; a stop request
 *                stops; an empty trace gives zeros
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analysis.h"
#include "policy.h"

/* The policies named below (policies/NAME.c; policy.h lists none). */
extern const struct policy_ops lru_ops, opt_ops, fifo_ops;
#include "replay.h"

/* ------------------------------------------------------------ helpers */

static uint64_t trng(uint64_t *x)
{
	uint64_t z;

	*x += UINT64_C(0x9e3779b97f4a7c15);
	z = *x;
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static uint32_t tbelow(uint64_t *x, uint32_t n)
{
	return (uint32_t)(trng(x) % n);
}

/* Load pages[] (page size 1: page number == address) as a loaded trace;
 * writes[i] != 0 makes reference i a store. */
static void load_pages(struct loaded_trace *lt, const uint64_t *pages,
		       const unsigned char *writes, size_t n)
{
	struct vm_diag d = { 0 };
	struct ref *r = calloc(n ? n : 1, sizeof *r);
	size_t i;

	assert_non_null(r);
	for (i = 0; i < n; i++) {
		r[i].addr = pages[i];
		r[i].kind = writes && writes[i] ? REF_STORE : REF_LOAD;
	}
	assert_int_equal(loaded_init(lt, 0, &d), 0);
	assert_int_equal(loaded_add(lt, r, n, &d), 0);
	loaded_finish(lt);
	free(r);
}

/* A random trace of one of several kinds (uniform, loops, hot/cold,
 * phases, recency), about a quarter of references stores. */
static size_t gen_trace(uint64_t *x, uint64_t *pages, unsigned char *writes,
			size_t n, uint32_t npages, int kind)
{
	size_t i;
	uint32_t base = 0;

	for (i = 0; i < n; i++) {
		switch (kind) {
		case 0:
			pages[i] = tbelow(x, npages);
			break;
		case 1:
			pages[i] = tbelow(x, 10) ? i % npages : tbelow(x, npages);
			break;
		case 2:
			pages[i] = tbelow(x, 10) ? tbelow(x, npages / 5 + 1) : tbelow(x, npages);
			break;
		case 3:
			if (i % 50 == 0)
				base = tbelow(x, npages);
			pages[i] = (base + tbelow(x, npages / 4 + 1)) % npages;
			break;
		default:
			pages[i] = i > 8 && tbelow(x, 4) ? pages[i - 1 - tbelow(x, 8)]
							 : tbelow(x, npages);
			break;
		}
		writes[i] = tbelow(x, 4) == 0;
	}
	for (i = 0; i < n; i++)
		pages[i] += 1000; /* page ids are assigned, not the numbers */
	return n;
}

static void per_size(const struct loaded_trace *lt, const struct policy_ops *ops,
		     uint32_t frames, struct engine_stats *st)
{
	struct engine_config c = { 0 };
	struct vm_diag d = { 0 };

	c.policy = ops;
	c.frames = frames;
	c.seed = 7;
	c.lfu_aging = 0;
	assert_int_equal(sim_run_loaded(lt, &c, st, &d), 0);
}

static void assert_same_stats(const struct engine_stats *want, const struct engine_stats *got,
			      int writebacks, const char *what, uint32_t frames)
{
	if (want->hits != got->hits || want->faults != got->faults ||
	    want->compulsory != got->compulsory || want->evictions != got->evictions ||
	    want->refs != got->refs || want->distinct_pages != got->distinct_pages ||
	    (writebacks && want->writebacks != got->writebacks) ||
	    memcmp(want->by_kind, got->by_kind, sizeof want->by_kind))
		fail_msg("%s at %u frames: replay hits %llu faults %llu evictions %llu wb %llu; "
			 "curve hits %llu faults %llu evictions %llu wb %llu", what, frames,
			 (unsigned long long)want->hits, (unsigned long long)want->faults,
			 (unsigned long long)want->evictions, (unsigned long long)want->writebacks,
			 (unsigned long long)got->hits, (unsigned long long)got->faults,
			 (unsigned long long)got->evictions, (unsigned long long)got->writebacks);
}

/* ------------------------------------------------------------ parsing */

static void expect_sizes(const char *spec, uint32_t npages, const uint32_t *want, size_t n)
{
	struct vm_diag d = { 0 };
	uint32_t *got;
	size_t k, i;

	assert_int_equal(curve_frames_parse(spec, npages, &got, &k, &d), 0);
	if (k != n)
		fail_msg("'%s': %zu sizes, wanted %zu", spec, k, n);
	for (i = 0; i < n; i++)
		if (got[i] != want[i])
			fail_msg("'%s': size %zu is %u, wanted %u", spec, i, got[i], want[i]);
	free(got);
}

static void expect_bad_sizes(const char *spec, const char *msg)
{
	struct vm_diag d = { 0 };
	uint32_t *got = NULL;
	size_t k;

	assert_int_equal(curve_frames_parse(spec, 10, &got, &k, &d), VM_ERR_USAGE);
	assert_null(got);
	if (!strstr(d.msg, msg))
		fail_msg("'%s': message '%s' lacks '%s'", spec, d.msg, msg);
}

static void test_frames_parse(void **state)
{
	static const uint32_t list[] = { 2, 4, 16, 32, 64 };
	static const uint32_t range[] = { 1, 2, 3, 4, 5 };
	static const uint32_t step[] = { 4, 8, 12, 16, 20 };
	static const uint32_t step_odd[] = { 3, 10, 17 };  /* 24 > 20: not included */
	/* 1 x2 -> 1 2 4 8 16 32 64, then 100 (MAX is always included) */
	static const uint32_t dbl[] = { 1, 2, 4, 8, 16, 32, 64, 100 };
	/* 10 x1.5 -> 10, 15, 22.5 -> 23 (llround), 33.75 -> 34, 50.6 -> 51, 76 */
	static const uint32_t x15[] = { 10, 15, 23, 34, 51, 76, 80 };
	/* a factor near 1 still advances by at least one */
	static const uint32_t tiny[] = { 1, 2, 3, 4 };
	static const uint32_t mix[] = { 1, 2, 3, 5, 7, 9 };
	static const uint32_t autosmall[] = { 1, 2, 3, 4, 5, 6 };
	struct vm_diag d = { 0 };
	uint32_t *got;
	size_t k, i;

	(void)state;
	expect_sizes("64,16,2,32,4,16", 0, list, 5);
	expect_sizes("1:5", 0, range, 5);
	expect_sizes("4:20:4", 0, step, 5);
	expect_sizes("3:20:7", 0, step_odd, 3);
	expect_sizes("1:100:x2", 0, dbl, 8);
	expect_sizes("10:80:x1.5", 0, x15, 7);
	expect_sizes("1:4:x1.0001", 0, tiny, 4);
	expect_sizes(" 1:3 , 5:9:2,3", 0, mix, 6);
	expect_sizes("auto", 6, autosmall, 6);
	expect_sizes("5:5", 0, autosmall + 4, 1);
	/* auto before the trace is known: a valid spec with no sizes yet */
	assert_int_equal(curve_frames_parse("auto", 0, &got, &k, &d), 0);
	assert_int_equal(k, 0);
	free(got);
	/* auto on many pages: ascending, 1 and V included, about 100 sizes */
	assert_int_equal(curve_frames_parse("auto", 100000, &got, &k, &d), 0);
	assert_true(k > 50 && k <= 100);
	assert_int_equal(got[0], 1);
	assert_int_equal(got[k - 1], 100000);
	for (i = 1; i < k; i++)
		assert_true(got[i] > got[i - 1]);
	free(got);

	expect_bad_sizes("0", "'0' is not N");
	expect_bad_sizes("5:1", "MIN <= MAX");
	expect_bad_sizes("abc", "'abc'");
	expect_bad_sizes("1:10:0", "'1:10:0'");
	expect_bad_sizes("1:10:x1", "FACTOR > 1");
	expect_bad_sizes("1:10:x", "'1:10:x'");
	expect_bad_sizes("1:2:3:4", "'1:2:3:4'");
	expect_bad_sizes("", "''");
	expect_bad_sizes("4,,8", "''");
	expect_bad_sizes("-3", "'-3'");
	expect_bad_sizes("2147483648", "2147483647");
	expect_bad_sizes("1:2147483647", "more than");
}

static void test_policies_parse(void **state)
{
	const struct policy_ops *p[CURVE_MAX_POLICIES];
	struct vm_diag d = { 0 };
	size_t n;

	(void)state;
	assert_int_equal(curve_policies_parse("lru, opt ,fifo", p, CURVE_MAX_POLICIES, &n, &d), 0);
	assert_int_equal(n, 3);
	assert_ptr_equal(p[0], &lru_ops);
	assert_ptr_equal(p[1], &opt_ops);
	assert_ptr_equal(p[2], &fifo_ops);
	assert_int_equal(curve_policies_parse("all", p, CURVE_MAX_POLICIES, &n, &d), 0);
	assert_int_equal(n, 6);
	assert_ptr_equal(p[0], policy_registry[0]);
	assert_int_equal(curve_policies_parse("lur", p, CURVE_MAX_POLICIES, &n, &d), VM_ERR_USAGE);
	assert_non_null(strstr(d.msg, "unknown policy 'lur'; known: opt"));
	assert_int_equal(curve_policies_parse("lru,lru", p, CURVE_MAX_POLICIES, &n, &d),
			 VM_ERR_USAGE);
	assert_non_null(strstr(d.msg, "twice"));
	assert_int_equal(curve_policies_parse("lru,", p, CURVE_MAX_POLICIES, &n, &d), VM_ERR_USAGE);
	assert_int_equal(curve_policies_parse("lru,opt", p, 1, &n, &d), VM_ERR_USAGE);
}

/* ------------------------------------------------------------- golden */

/*
 * Belady's string 1 2 3 4 1 2 5 1 2 3 4 5.  LRU stack (top first) and the
 * distance of each reference:
 *
 *   ref  stack before     d        ref  stack before     d
 *    1   -                inf       1   2 5 1 4 3 -> 1 at 3      3
 *    2   1                inf       2   1 5 2 4 3 -> 2 at 3      3
 *    3   2 1              inf       3   2 1 5 4 3 -> 3 at 5      5
 *    4   3 2 1            inf       4   3 2 1 5 4 -> 4 at 5      5
 *    1   4 3 2 1          4         5   4 3 2 1 5 -> 5 at 5      5
 *    2   1 4 3 2          4
 *    5   2 1 4 3          inf
 *
 * Histogram: d=3: 2, d=4: 2, d=5: 3, inf: 5.  hits(N) = references with
 * d <= N: N=1: 0, 2: 0, 3: 2, 4: 4, 5: 7, 6: 7; faults = 12 - hits =
 * 12 12 10 8 5 5 (the textbook 10 at 3 frames and 8 at 4).  Evictions =
 * faults - min(N, 5): 11 10 7 4 0 0.
 * OPT: 3 frames 7 faults, 4 frames 6 (Belady's example, worked in
 * tests/test_policies.c); 1 frame: no reference repeats its predecessor, 12;
 * 5 frames: only the 5 compulsory.
 */
static void test_golden_belady(void **state)
{
	static const uint64_t s[] = { 1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5 };
	static const uint32_t sizes[] = { 1, 2, 3, 4, 5, 6 };
	static const uint64_t lru_faults[] = { 12, 12, 10, 8, 5, 5 };
	static const uint64_t lru_evict[] = { 11, 10, 7, 4, 0, 0 };
	struct engine_stats st[6];
	struct loaded_trace lt;
	struct vm_diag d = { 0 };
	int i;

	(void)state;
	load_pages(&lt, s, NULL, 12);
	assert_int_equal(curve_lru(&lt, sizes, 6, st, NULL, &d), 0);
	for (i = 0; i < 6; i++) {
		assert_int_equal(st[i].faults, lru_faults[i]);
		assert_int_equal(st[i].hits, 12 - lru_faults[i]);
		assert_int_equal(st[i].evictions, lru_evict[i]);
		assert_int_equal(st[i].compulsory, 5);
		assert_int_equal(st[i].writebacks, 0);
		assert_int_equal(st[i].refs, 12);
	}
	assert_int_equal(loaded_compute_next(&lt, &d), 0);
	assert_int_equal(curve_opt(&lt, sizes, 6, st, NULL, &d), 0);
	assert_int_equal(st[0].faults, 12);
	assert_int_equal(st[2].faults, 7);
	assert_int_equal(st[3].faults, 6);
	assert_int_equal(st[4].faults, 5);
	assert_int_equal(st[5].faults, 5);
	loaded_free(&lt);
}

/*
 * Write-backs: W1 R2 R3 R1 (page 1 stored to first).
 *   1 frame:  1 in dirty; 2 evicts 1 (write-back); 3 evicts 2; 1 evicts 3: 1
 *   2 frames: 1, 2; 3 evicts LRU 1 (dirty: write-back); 1 evicts 2: 1
 *   3 frames: nothing is evicted: 0
 * The curve: page 1 starts dirty at every size (D = 1); its second
 * reference has distance 3, so sizes [1, 2] wrote it back.
 */
static void test_golden_writebacks(void **state)
{
	static const uint64_t s[] = { 1, 2, 3, 1 };
	static const unsigned char w[] = { 1, 0, 0, 0 };
	static const uint32_t sizes[] = { 1, 2, 3 };
	struct engine_stats st[3];
	struct loaded_trace lt;
	struct vm_diag d = { 0 };

	(void)state;
	load_pages(&lt, s, w, 4);
	assert_int_equal(curve_lru(&lt, sizes, 3, st, NULL, &d), 0);
	assert_int_equal(st[0].writebacks, 1);
	assert_int_equal(st[1].writebacks, 1);
	assert_int_equal(st[2].writebacks, 0);
	loaded_free(&lt);
}

/* ------------------------------------------------------- differential */

/* One-pass LRU and OPT against per-size replay at every size 1..V+2, and
 * OPT's truncated stack (largest size below V) at a random subset. */
static void test_onepass_every_size(void **state)
{
	enum { MAXN = 3000 };
	uint64_t *pages = malloc(MAXN * sizeof *pages), x = 42;
	unsigned char *writes = malloc(MAXN);
	uint32_t sizes[100], sub[8];
	struct engine_stats st[100], want;
	struct vm_diag d = { 0 };
	int iter, kind;

	(void)state;
	assert_non_null(pages);
	assert_non_null(writes);
	for (iter = 0; iter < 300; iter++) {
		struct loaded_trace lt;
		/* up to 90 pages, every size (binned: the per-distance
		 * histogram, past LRU_MAX_BINS sizes, is test_lru_bins's) */
		uint32_t V, np = 1 + tbelow(&x, 90), k, nsub;
		size_t n = 1 + tbelow(&x, iter < 250 ? 400 : MAXN);

		kind = iter % 5;
		gen_trace(&x, pages, writes, n, np, kind);
		load_pages(&lt, pages, writes, n);
		V = lt.npages;
		for (k = 0; k < V + 2; k++)
			sizes[k] = k + 1;
		assert_int_equal(curve_lru(&lt, sizes, V + 2, st, NULL, &d), 0);
		for (k = 0; k < V + 2; k++) {
			per_size(&lt, &lru_ops, sizes[k], &want);
			assert_same_stats(&want, &st[k], 1, "lru", sizes[k]);
		}
		assert_int_equal(loaded_compute_next(&lt, &d), 0);
		assert_int_equal(curve_opt(&lt, sizes, V + 2, st, NULL, &d), 0);
		for (k = 0; k < V + 2; k++) {
			per_size(&lt, &opt_ops, sizes[k], &want);
			assert_same_stats(&want, &st[k], 0, "opt", sizes[k]);
		}
		/* a few sizes, the largest well below V: the stack is cut at it */
		nsub = 0;
		for (k = 1; k <= V && nsub < 8; k += 1 + tbelow(&x, 4))
			sub[nsub++] = k;
		if (nsub > 1)
			nsub--; /* keep the largest below the top */
		assert_int_equal(curve_opt(&lt, sub, nsub, st, NULL, &d), 0);
		for (k = 0; k < nsub; k++) {
			per_size(&lt, &opt_ops, sub[k], &want);
			assert_same_stats(&want, &st[k], 0, "opt (cut stack)", sub[k]);
		}
		assert_int_equal(curve_lru(&lt, sub, nsub, st, NULL, &d), 0);
		for (k = 0; k < nsub; k++) {
			per_size(&lt, &lru_ops, sub[k], &want);
			assert_same_stats(&want, &st[k], 1, "lru (subset)", sub[k]);
		}
		loaded_free(&lt);
	}
	free(pages);
	free(writes);
}

/* A long trace over few pages makes the Fenwick tree compact itself many
 * times (it has about 2V positions). */
static void test_lru_compaction(void **state)
{
	enum { N = 200000 };
	uint64_t *pages = malloc(N * sizeof *pages), x = 9;
	unsigned char *writes = malloc(N);
	uint32_t sizes[40], k;
	struct engine_stats st[40], want;
	struct loaded_trace lt;
	struct vm_diag d = { 0 };

	(void)state;
	gen_trace(&x, pages, writes, N, 37, 4);
	load_pages(&lt, pages, writes, N);
	for (k = 0; k < 40; k++)
		sizes[k] = k + 1;
	assert_int_equal(curve_lru(&lt, sizes, 40, st, NULL, &d), 0);
	for (k = 0; k < 40; k++) {
		per_size(&lt, &lru_ops, sizes[k], &want);
		assert_same_stats(&want, &st[k], 1, "lru", sizes[k]);
	}
	loaded_free(&lt);
	free(pages);
	free(writes);
}

/* Thousands of pages and long reuse: the counts cross many blocks of the
 * recency bitmap, both histogram modes (32 and 100 sizes). */
static void test_lru_large(void **state)
{
	enum { N = 300000 };
	uint64_t *pages = malloc(N * sizeof *pages), x = 3;
	unsigned char *writes = malloc(N);
	uint32_t sizes[100], k, ns;
	struct engine_stats st[100], want;
	struct loaded_trace lt;
	struct vm_diag d = { 0 };
	int kind;

	(void)state;
	for (kind = 0; kind < 4; kind++) {
		gen_trace(&x, pages, writes, N, 6000, kind == 3 ? 2 : kind);
		load_pages(&lt, pages, writes, N);
		ns = kind & 1 ? 100 : 32;
		for (k = 0; k < ns; k++)
			sizes[k] = 1 + (lt.npages + 200) * k / ns + (kind & 2 ? k : 0);
		assert_int_equal(curve_lru(&lt, sizes, ns, st, NULL, &d), 0);
		for (k = 0; k < ns; k += 1 + (kind & 1) * 6) {
			per_size(&lt, &lru_ops, sizes[k], &want);
			assert_same_stats(&want, &st[k], 1, "lru", sizes[k]);
		}
		loaded_free(&lt);
	}
	free(pages);
	free(writes);
}

/*
 * The two histograms of the LRU curve agree, and agree with replay: 17 sizes
 * (binned) against all of 1..V+2 (more than LRU_MAX_BINS, so one counter per
 * distance), over 150,000 pages so that distances reach past the exact bin
 * table (4096) into coarse cells several distances wide (shift 2 here), with
 * several sizes inside one cell and sizes on each side of every edge.
 */
static void test_lru_bins(void **state)
{
	enum { N = 400000, P = 150000, NS = 17 };
	static const uint32_t sizes[NS] = {
		1, 2, 3, 100, 4095, 4096, 4097, 5000, 70000, 70001, 70002, 70003,
		100000, 131071, 149999, 150000, 200000,
	};
	uint64_t *pages = malloc(N * sizeof *pages), x = 31;
	unsigned char *writes = malloc(N);
	struct engine_stats st[NS], *all, want;
	uint32_t *every, k, V;
	struct loaded_trace lt;
	struct vm_diag d = { 0 };

	(void)state;
	assert_non_null(pages);
	assert_non_null(writes);
	gen_trace(&x, pages, writes, N, P, 0);
	load_pages(&lt, pages, writes, N);
	V = lt.npages;
	assert_true(V > 131072 && V < 150000);
	every = malloc(((size_t)V + 2) * sizeof *every);
	all = malloc(((size_t)V + 2) * sizeof *all);
	assert_non_null(every);
	assert_non_null(all);
	for (k = 0; k < V + 2; k++)
		every[k] = k + 1;
	assert_int_equal(curve_lru(&lt, sizes, NS, st, NULL, &d), 0);
	assert_int_equal(curve_lru(&lt, every, V + 2, all, NULL, &d), 0);
	for (k = 0; k < NS; k++)
		assert_same_stats(&all[(sizes[k] < V + 2 ? sizes[k] : V + 2) - 1], &st[k], 1,
				  "lru binned vs per distance", sizes[k]);
	for (k = 0; k < NS; k += 3) {
		per_size(&lt, &lru_ops, sizes[k], &want);
		assert_same_stats(&want, &st[k], 1, "lru", sizes[k]);
	}
	loaded_free(&lt);
	free(every);
	free(all);
	free(pages);
	free(writes);
}

/* curve_run: all six policies, one-pass and per-size, against replay. */
static void run_all(struct loaded_trace *lt, const uint32_t *sizes, size_t ns,
		    unsigned threads, struct curve_point *pts)
{
	const struct policy_ops *pols[CURVE_MAX_POLICIES];
	struct curve_opts o = { 0 };
	struct vm_diag d = { 0 };
	size_t np;

	assert_int_equal(curve_policies_parse("all", pols, CURVE_MAX_POLICIES, &np, &d), 0);
	o.policies = pols;
	o.npolicies = np;
	o.frames = sizes;
	o.nframes = ns;
	o.seed = 7;
	o.threads = threads;
	assert_int_equal(curve_run(lt, &o, pts, &d), 0);
}

static void test_curve_run_all_policies(void **state)
{
	enum { MAXN = 2000 };
	uint64_t *pages = malloc(MAXN * sizeof *pages), x = 5;
	unsigned char *writes = malloc(MAXN);
	struct curve_point pts[6 * 12];
	struct engine_stats want;
	uint32_t sizes[12];
	int iter;
	size_t p, k, ns;

	(void)state;
	for (iter = 0; iter < 40; iter++) {
		struct loaded_trace lt;
		size_t n = 1 + tbelow(&x, MAXN);

		gen_trace(&x, pages, writes, n, 2 + tbelow(&x, 80), iter % 5);
		load_pages(&lt, pages, writes, n);
		ns = 0;
		for (k = 1 + tbelow(&x, 3); ns < 12 && k <= lt.npages + 3; k += 1 + tbelow(&x, 9))
			sizes[ns++] = (uint32_t)k;
		run_all(&lt, sizes, ns, 1 + iter % 4, pts);
		for (p = 0; p < 6; p++) {
			for (k = 0; k < ns; k++) {
				const struct curve_point *pt = &pts[p * ns + k];
				int onepass = pt->cfg.policy == &lru_ops || pt->cfg.policy == &opt_ops;

				assert_ptr_equal(pt->cfg.policy, policy_registry[p]);
				assert_int_equal(pt->cfg.frames, sizes[k]);
				/* LRU always one pass; OPT one pass unless its stack
				 * would be deep for few sizes (then per size, and
				 * then with write-backs) */
				if (pt->cfg.policy == &lru_ops || !onepass)
					assert_string_equal(pt->mode, onepass ? "one-pass" : "loaded");
				assert_int_equal(pt->flags != 0, pt->cfg.policy == &opt_ops &&
						 strcmp(pt->mode, "one-pass") == 0);
				assert_int_equal(sim_run_loaded(&lt, &pt->cfg, &want,
								&(struct vm_diag){ 0 }), 0);
				assert_same_stats(&want, &pt->st, !(pt->flags & RESULT_NO_WRITEBACKS),
						  pt->cfg.policy->name, sizes[k]);
			}
		}
		loaded_free(&lt);
	}
	free(pages);
	free(writes);
}

/* OPT by either method: the same hits and faults; per size adds the
 * write-backs; auto picks one pass for many sizes, per size for one deep one. */
static void test_opt_methods(void **state)
{
	enum { N = 5000, NS = 6 };
	uint64_t *pages = malloc(N * sizeof *pages), x = 21;
	unsigned char *writes = malloc(N);
	const struct policy_ops *pols[] = { &opt_ops };
	struct curve_point a[NS], b[NS];
	struct curve_opts o = { 0 };
	struct engine_stats want;
	struct loaded_trace lt;
	struct vm_diag d = { 0 };
	uint32_t sizes[NS] = { 1, 3, 10, 30, 100, 200 }, deep[1] = { 500 };
	size_t k;

	(void)state;
	gen_trace(&x, pages, writes, N, 600, 2);
	load_pages(&lt, pages, writes, N);
	o.policies = pols;
	o.npolicies = 1;
	o.frames = sizes;
	o.nframes = NS;
	o.threads = 2;
	o.opt_method = CURVE_OPT_ONEPASS;
	assert_int_equal(curve_run(&lt, &o, a, &d), 0);
	o.opt_method = CURVE_OPT_PERSIZE;
	assert_int_equal(curve_run(&lt, &o, b, &d), 0);
	for (k = 0; k < NS; k++) {
		assert_string_equal(a[k].mode, "one-pass");
		assert_int_equal(a[k].flags, RESULT_NO_WRITEBACKS);
		assert_string_equal(b[k].mode, "loaded");
		assert_int_equal(b[k].flags, 0);
		per_size(&lt, &opt_ops, sizes[k], &want);
		assert_same_stats(&want, &a[k].st, 0, "opt one-pass", sizes[k]);
		assert_same_stats(&want, &b[k].st, 1, "opt per size", sizes[k]);
	}
	/* auto: 200 <= 64 x 6 is one pass; one size of 500 is not */
	o.opt_method = CURVE_OPT_AUTO;
	assert_int_equal(curve_run(&lt, &o, a, &d), 0);
	assert_string_equal(a[0].mode, "one-pass");
	o.frames = deep;
	o.nframes = 1;
	assert_int_equal(curve_run(&lt, &o, a, &d), 0);
	assert_string_equal(a[0].mode, "loaded");
	loaded_free(&lt);
	free(pages);
	free(writes);
}

/* The same points whatever the thread count (each task owns its slot). */
static void test_threads_deterministic(void **state)
{
	enum { N = 20000, NS = 24 };
	uint64_t *pages = malloc(N * sizeof *pages), x = 77;
	unsigned char *writes = malloc(N);
	struct curve_point *a = calloc(6 * NS, sizeof *a), *b = calloc(6 * NS, sizeof *b);
	uint32_t sizes[NS];
	struct loaded_trace lt;
	unsigned th[] = { 2, 3, 8 };
	size_t i, k;

	(void)state;
	gen_trace(&x, pages, writes, N, 300, 2);
	load_pages(&lt, pages, writes, N);
	for (k = 0; k < NS; k++)
		sizes[k] = (uint32_t)(1 + 12 * k);
	run_all(&lt, sizes, NS, 1, a);
	for (i = 0; i < 3; i++) {
		run_all(&lt, sizes, NS, th[i], b);
		for (k = 0; k < 6 * NS; k++) {
			assert_memory_equal(&a[k].st, &b[k].st, sizeof a[k].st);
			assert_memory_equal(&a[k].cfg, &b[k].cfg, sizeof a[k].cfg);
			assert_string_equal(a[k].mode, b[k].mode);
		}
	}
	loaded_free(&lt);
	free(a);
	free(b);
	free(pages);
	free(writes);
}

static void test_stop_and_empty(void **state)
{
	static const uint64_t s[] = { 1, 2, 1 };
	static const uint32_t sizes[] = { 1, 4 };
	const struct policy_ops *pols[] = { &lru_ops, &fifo_ops };
	struct curve_point pts[4];
	struct curve_opts o = { 0 };
	struct engine_stats st[2];
	struct loaded_trace lt;
	struct vm_diag d = { 0 };
	atomic_int stop;

	(void)state;
	atomic_init(&stop, 1);
	load_pages(&lt, s, NULL, 3);
	assert_int_equal(curve_lru(&lt, sizes, 2, st, &stop, &d), VM_ERR_IO);
	assert_non_null(strstr(d.msg, "interrupted"));
	o.policies = pols;
	o.npolicies = 2;
	o.frames = sizes;
	o.nframes = 2;
	o.threads = 2;
	o.stop = &stop;
	assert_int_equal(curve_run(&lt, &o, pts, &d), VM_ERR_IO);
	/* sizes must ascend */
	atomic_store(&stop, 0);
	o.frames = (const uint32_t[]){ 4, 1 };
	assert_int_equal(curve_run(&lt, &o, pts, &d), VM_ERR_USAGE);
	loaded_free(&lt);

	/* an empty trace: no pages, all zero */
	load_pages(&lt, s, NULL, 0);
	assert_int_equal(curve_lru(&lt, sizes, 2, st, NULL, &d), 0);
	assert_int_equal(st[1].refs, 0);
	assert_int_equal(st[1].faults, 0);
	assert_int_equal(loaded_compute_next(&lt, &d), 0);
	assert_int_equal(curve_opt(&lt, sizes, 2, st, NULL, &d), 0);
	assert_int_equal(st[0].hits, 0);
	loaded_free(&lt);
}

/* The one-pass curves charge their stacks against the memory budget: a
 * limit that the loaded trace fits in but the stack does not fails with the
 * limit named, and every charge is given back. */
static void test_mem_budget(void **state)
{
	enum { N = 20000 };
	static const uint32_t sizes[] = { 1, 100, 5000 };
	uint64_t *pages = malloc(N * sizeof *pages), base;
	struct engine_stats st[3];
	struct loaded_trace lt;
	struct vm_diag d = { 0 };
	int i;

	(void)state;
	assert_non_null(pages);
	for (i = 0; i < N; i++)
		pages[i] = (uint64_t)i * 7919 % 9973; /* 9973 distinct pages */
	base = vm_mem_in_use();
	load_pages(&lt, pages, NULL, N);
	assert_int_equal(loaded_compute_next(&lt, &d), 0);
	/* ids and next-use times of 64 KiB-rounded arrays: about 340 KB; the
	 * LRU stack of ~10000 pages needs ~200 KB more, the OPT stack ~120 KB */
	vm_mem_limit_set(vm_mem_in_use() + 64 * 1024);
	assert_int_equal(curve_lru(&lt, sizes, 3, st, NULL, &d), VM_ERR_MEMLIMIT);
	assert_non_null(strstr(d.msg, "the LRU curve's stack needs"));
	assert_non_null(strstr(d.msg, "allows"));
	assert_int_equal(curve_opt(&lt, sizes, 3, st, NULL, &d), VM_ERR_MEMLIMIT);
	assert_non_null(strstr(d.msg, "the OPT curve's stack needs"));
	vm_mem_limit_set(0);
	assert_int_equal(curve_lru(&lt, sizes, 3, st, NULL, &d), 0);
	assert_int_equal(curve_opt(&lt, sizes, 3, st, NULL, &d), 0);
	assert_true(st[2].faults >= 9973); /* at least once per page */
	loaded_free(&lt);
	assert_int_equal(vm_mem_in_use(), base);
	free(pages);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frames_parse),
		cmocka_unit_test(test_policies_parse),
		cmocka_unit_test(test_golden_belady),
		cmocka_unit_test(test_golden_writebacks),
		cmocka_unit_test(test_onepass_every_size),
		cmocka_unit_test(test_lru_compaction),
		cmocka_unit_test(test_lru_large),
		cmocka_unit_test(test_lru_bins),
		cmocka_unit_test(test_curve_run_all_policies),
		cmocka_unit_test(test_opt_methods),
		cmocka_unit_test(test_threads_deterministic),
		cmocka_unit_test(test_stop_and_empty),
		cmocka_unit_test(test_mem_budget),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
