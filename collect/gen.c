/*
 * gen.c - synthetic workloads: seeded, reproducible streams of page
 * references with known statistics (vmsim gen).
 *
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * THE WORKLOADS (P = --pages, page k at address k * page size)
 *
 *   uniform  every reference to a page drawn uniformly from the P: no
 *            locality at all (OSTEP's "no-locality" workload)
 *   hotcold  the first H = round(hot_frac * P) pages are hot: a reference
 *            goes to a uniform hot page with probability hot_refs, else to
 *            a uniform cold page (OSTEP's "80-20" with 0.2 / 0.8)
 *   loop     0, 1, ..., P-1, 0, 1, ...: a sequential loop, LRU's and FIFO's
 *            worst case once P exceeds memory (OSTEP's "looping-sequential")
 *   zipf     page k-1 is the k-th most popular: P(k) = k^-s / sum_j j^-s
 *            (s = zipf_exp; s = 0 is uniform, s ~ 1 is web- and
 *            storage-like popularity)
 *   scan     the hot pages as in hotcold, but the cold references walk the
 *            cold pages in order, H, H+1, ..., P-1, H, ...: a working set
 *            under a sequential scan, the pattern that flushes an LRU
 *            memory and that scan-resistant policies are built for
 *   stride   byte addresses 0, S, 2S, ... modulo P pages (S = stride): a
 *            column walk; S >= page size touches a new page every time,
 *            S < page size gives page size / S references per page
 *   zipfrun  sequential runs from zipf-popular starting points: a run starts
 *            at page k-1 drawn as in zipf and goes on through the next
 *            pages, k, k+1, ... (wrapping at P), for L references, L uniform
 *            in 1 .. 2R-1 (mean R = run_len): popular files read
 *            sequentially, the pattern of storage and buffer-cache traces
 *
 * Each reference is a load, or a store with probability write_frac; sizes
 * are 8 bytes.
 *
 * THE GENERATOR
 *
 * Two splitmix64 streams (Steele, Lea and Flood, "Fast splittable
 * pseudorandom number generators", OOPSLA 2014), one choosing pages and one
 * choosing load or store, both derived from --seed: changing --write-frac
 * therefore leaves the page sequence as it was.  A draw below n is
 * (x * n) >> 64 on the 64-bit output x (Lemire 2019; its bias, at most
 * n / 2^64, is far below anything a trace could show); a real in [0, 1) is
 * the top 53 bits times 2^-53.  Only integer and IEEE double arithmetic is
 * involved, so a configuration gives the same bytes on every run; the zipf
 * table uses pow(), so across C libraries the last bits of a probability
 * (and so, rarely, a page) could differ.
 *
 * COSTS
 *
 * uniform, hotcold, loop, scan, stride: O(1) per reference, O(1) memory.
 * zipf: the cumulative distribution over the P ranks is computed once
 * (8 bytes per page, at most GEN_ZIPF_MAX_PAGES pages) and each reference
 * is one binary search over it, O(log P).  zipfrun: the same table, one
 * search per run, so O(log P / R) per reference.  Walker's alias method (1977)
 * would make a draw O(1) for 16 bytes per page; at the page counts a trace
 * uses the binary search over a table that stays in cache is as fast.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "collect.h"

#define GEN_ZIPF_MAX_PAGES (1ull << 27) /* 1 GiB of table */
#define GEN_REF_SIZE 8                  /* bytes per generated access */
#define GEN_KIND_SALT 0x6b696e6473746f72ull /* separates the kind stream */
#define GEN_MAX_RUN (1ull << 32)        /* zipfrun: longest mean run */

struct gen {
	struct gen_config cfg;      /* the configuration (workload name not owned) */
	const struct gen_workload *wl; /* the workload */
	uint64_t made;              /* references made so far */
	uint64_t rng;               /* splitmix64 state: pages */
	uint64_t krng;              /* splitmix64 state: load or store */
	uint64_t nhot;              /* hotcold, scan: hot pages H */
	uint64_t cursor;            /* loop, scan: next page; stride: next address */
	uint64_t span;              /* stride: bytes covered, P << shift (0 = 2^64) */
	uint64_t step;              /* stride: the stride reduced modulo span */
	double *cdf;                /* zipf, zipfrun: cdf[k] = P(rank <= k + 1) */
	uint64_t run_left;          /* zipfrun: references left in this run */
};

struct gen_ops {
	int (*init)(struct gen *g, struct vm_diag *d); /* 0 or < 0 */
	uint64_t (*next)(struct gen *g);               /* the next address */
};

static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* uniform in [0, n), n >= 1 */
static uint64_t below(uint64_t *s, uint64_t n)
{
	return (uint64_t)(((unsigned __int128)splitmix64(s) * n) >> 64);
}

/* uniform in [0, 1) */
static double unit(uint64_t *s)
{
	return (double)(splitmix64(s) >> 11) * (1.0 / 9007199254740992.0);
}

static uint64_t page_addr(const struct gen *g, uint64_t page)
{
	return page << g->cfg.page_shift;
}

/* -------------------------------------------------------- workloads */

static int init_none(struct gen *g, struct vm_diag *d)
{
	(void)g;
	(void)d;
	return 0;
}

static uint64_t next_uniform(struct gen *g)
{
	return page_addr(g, below(&g->rng, g->cfg.pages));
}

static int check_frac(struct vm_diag *d, const char *name, double v, int zero_ok)
{
	if (!(v >= 0.0 && v <= 1.0) || (!zero_ok && v == 0.0))
		return vm_fail(d, VM_ERR_USAGE, "--%s %g is not a fraction in %s, 1]", name, v,
			       zero_ok ? "[0" : "(0");
	return 0;
}

static int init_hot(struct gen *g, struct vm_diag *d)
{
	double h;
	int rc;

	if ((rc = check_frac(d, "hot-frac", g->cfg.hot_frac, 0)) ||
	    (rc = check_frac(d, "hot-refs", g->cfg.hot_refs, 1)))
		return rc;
	h = floor(g->cfg.hot_frac * (double)g->cfg.pages + 0.5);
	g->nhot = h < 1.0 ? 1 : h >= (double)g->cfg.pages ? g->cfg.pages : (uint64_t)h;
	return 0;
}

static uint64_t next_hotcold(struct gen *g)
{
	uint64_t cold = g->cfg.pages - g->nhot;

	if (cold == 0 || unit(&g->rng) < g->cfg.hot_refs)
		return page_addr(g, below(&g->rng, g->nhot));
	return page_addr(g, g->nhot + below(&g->rng, cold));
}

static uint64_t next_scan(struct gen *g)
{
	uint64_t cold = g->cfg.pages - g->nhot, page;

	if (cold == 0 || unit(&g->rng) < g->cfg.hot_refs)
		return page_addr(g, below(&g->rng, g->nhot));
	page = g->nhot + g->cursor;
	if (++g->cursor == cold)
		g->cursor = 0;
	return page_addr(g, page);
}

static uint64_t next_loop(struct gen *g)
{
	uint64_t page = g->cursor;

	if (++g->cursor == g->cfg.pages)
		g->cursor = 0;
	return page_addr(g, page);
}

static int init_zipf(struct gen *g, struct vm_diag *d)
{
	double s = g->cfg.zipf_exp, sum = 0.0;
	uint64_t k, p = g->cfg.pages;

	if (!(s >= 0.0) || !isfinite(s))
		return vm_fail(d, VM_ERR_USAGE, "--zipf-exp %g must be a finite number >= 0", s);
	if (p > GEN_ZIPF_MAX_PAGES)
		return vm_fail(d, VM_ERR_LIMIT, "zipf over %llu pages: at most %llu (its table "
			       "takes 8 bytes per page)", (unsigned long long)p,
			       (unsigned long long)GEN_ZIPF_MAX_PAGES);
	g->cdf = malloc(p * sizeof *g->cdf);
	if (!g->cdf)
		return vm_fail(d, VM_ERR_NOMEM, "zipf: out of memory for %llu pages",
			       (unsigned long long)p);
	for (k = 0; k < p; k++) {
		sum += pow((double)(k + 1), -s);
		g->cdf[k] = sum;
	}
	for (k = 0; k < p; k++)
		g->cdf[k] /= sum;
	g->cdf[p - 1] = 1.0; /* whatever the rounding, every draw lands */
	return 0;
}

/* A zipf-distributed page: rank k is page k-1. */
static uint64_t zipf_page(struct gen *g)
{
	double u = unit(&g->rng);
	uint64_t lo = 0, hi = g->cfg.pages - 1, mid;

	/* the first rank whose cumulative probability exceeds u */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (g->cdf[mid] > u)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static uint64_t next_zipf(struct gen *g)
{
	return page_addr(g, zipf_page(g));
}

static int init_zipfrun(struct gen *g, struct vm_diag *d)
{
	if (g->cfg.run_len < 1 || g->cfg.run_len > GEN_MAX_RUN)
		return vm_fail(d, VM_ERR_USAGE, "--run-len %llu must be from 1 to %llu",
			       (unsigned long long)g->cfg.run_len,
			       (unsigned long long)GEN_MAX_RUN);
	return init_zipf(g, d);
}

static uint64_t next_zipfrun(struct gen *g)
{
	if (g->run_left == 0) {
		/* a new run: its start, then its length, 1 .. 2R-1 (no draw
		 * for R = 1, so that zipfrun with runs of one is zipf) */
		g->cursor = zipf_page(g);
		g->run_left = g->cfg.run_len == 1 ? 1 : 1 + below(&g->rng, 2 * g->cfg.run_len - 1);
	} else if (++g->cursor == g->cfg.pages) {
		g->cursor = 0;
	}
	g->run_left--;
	return page_addr(g, g->cursor);
}

static int init_stride(struct gen *g, struct vm_diag *d)
{
	if (g->cfg.stride == 0)
		return vm_fail(d, VM_ERR_USAGE, "--stride must be at least 1 byte");
	/* P << shift is 2^64 at most (checked by gen_new); 0 stands for 2^64 */
	g->span = g->cfg.pages << g->cfg.page_shift;
	g->step = g->span ? g->cfg.stride % g->span : g->cfg.stride;
	return 0;
}

static uint64_t next_stride(struct gen *g)
{
	uint64_t a = g->cursor;

	if (g->span == 0)
		g->cursor += g->step; /* modulo 2^64 by itself */
	else if (g->cursor >= g->span - g->step)
		g->cursor -= g->span - g->step;
	else
		g->cursor += g->step;
	return a;
}

static const struct gen_ops uniform_ops = { init_none, next_uniform };
static const struct gen_ops hotcold_ops = { init_hot, next_hotcold };
static const struct gen_ops loop_ops = { init_none, next_loop };
static const struct gen_ops zipf_ops = { init_zipf, next_zipf };
static const struct gen_ops scan_ops = { init_hot, next_scan };
static const struct gen_ops stride_ops = { init_stride, next_stride };
static const struct gen_ops zipfrun_ops = { init_zipfrun, next_zipfrun };

static const struct gen_workload wl_uniform = {
	.name = "uniform",
	.summary = "each reference to a uniformly random page: no locality",
	.ops = &uniform_ops,
};
static const struct gen_workload wl_hotcold = {
	.name = "hotcold",
	.summary = "--hot-refs of the references go to the first --hot-frac of the pages",
	.ops = &hotcold_ops,
};
static const struct gen_workload wl_loop = {
	.name = "loop",
	.summary = "pages 0, 1, ..., P-1 over and over: a sequential loop",
	.ops = &loop_ops,
};
static const struct gen_workload wl_zipf = {
	.name = "zipf",
	.summary = "page k-1 drawn with probability proportional to 1/k^s (--zipf-exp s)",
	.ops = &zipf_ops,
};
static const struct gen_workload wl_scan = {
	.name = "scan",
	.summary = "hot pages as in hotcold; the cold references scan the cold pages in order",
	.ops = &scan_ops,
};
static const struct gen_workload wl_stride = {
	.name = "stride",
	.summary = "addresses 0, S, 2S, ... (--stride S bytes) wrapping over the P pages",
	.ops = &stride_ops,
};

static const struct gen_workload wl_zipfrun = {
	.name = "zipfrun",
	.summary = "sequential runs (mean --run-len pages) starting at zipf-popular pages",
	.ops = &zipfrun_ops,
};

const struct gen_workload *const gen_workloads[] = {
	&wl_uniform, &wl_hotcold, &wl_loop, &wl_zipf, &wl_scan, &wl_stride, &wl_zipfrun,
	NULL,
};

const char *gen_names(char *buf, size_t n, const char *sep)
{
	size_t i, used = 0;

	if (n)
		buf[0] = 0;
	for (i = 0; gen_workloads[i] && used < n; i++)
		used += (size_t)snprintf(buf + used, n - used, "%s%s", i ? sep : "",
					 gen_workloads[i]->name);
	return buf;
}

/* ------------------------------------------------------------ public */

int gen_new(struct gen **out, const struct gen_config *cfg, struct vm_diag *d)
{
	const struct gen_workload *wl = NULL;
	struct gen *g;
	char names[128];
	size_t i;
	int rc;

	*out = NULL;
	for (i = 0; cfg->workload && gen_workloads[i]; i++)
		if (strcmp(gen_workloads[i]->name, cfg->workload) == 0)
			wl = gen_workloads[i];
	if (!wl)
		return vm_fail(d, VM_ERR_USAGE, "unknown workload '%s'; known: %s",
			       cfg->workload ? cfg->workload : "",
			       gen_names(names, sizeof names, " "));
	if (cfg->pages == 0)
		return vm_fail(d, VM_ERR_USAGE, "--pages must be at least 1");
	if (cfg->page_shift > 63 || (cfg->pages - 1) > (UINT64_MAX >> cfg->page_shift))
		return vm_fail(d, VM_ERR_USAGE, "%llu pages of 2^%u bytes do not fit in 64-bit "
			       "addresses", (unsigned long long)cfg->pages, cfg->page_shift);
	rc = check_frac(d, "write-frac", cfg->write_frac, 1);
	if (rc)
		return rc;
	g = calloc(1, sizeof *g);
	if (!g)
		return vm_fail(d, VM_ERR_NOMEM, "out of memory");
	g->cfg = *cfg;
	g->wl = wl;
	g->rng = cfg->seed;
	g->krng = cfg->seed ^ GEN_KIND_SALT;
	rc = wl->ops->init(g, d);
	if (rc) {
		gen_free(g);
		return rc;
	}
	*out = g;
	return 0;
}

size_t gen_read(struct gen *g, struct ref *buf, size_t cap)
{
	uint64_t (*next)(struct gen *) = g->wl->ops->next;
	double wf = g->cfg.write_frac;
	size_t i, n;

	n = g->cfg.refs - g->made < cap ? (size_t)(g->cfg.refs - g->made) : cap;
	for (i = 0; i < n; i++) {
		buf[i].addr = next(g);
		buf[i].asid = 0;
		buf[i].size = GEN_REF_SIZE;
		buf[i].kind = wf > 0.0 && unit(&g->krng) < wf ? REF_STORE : REF_LOAD;
		buf[i].pad = 0;
	}
	g->made += n;
	return n;
}

void gen_free(struct gen *g)
{
	if (!g)
		return;
	free(g->cdf);
	free(g);
}
