/*
 * test_xlate.c - the translation model: TLBs, page tables, walk caches, huge
 * pages, address spaces and the cost model.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 *
 *   options     tlb_parse, pt_parse_bits, pt_geometry, xlate_parse_huge,
 *               xlate_parse_latency, xlate_config_check: good values, derived
 *               geometries, and every bad value with its message
 *   golden      hand-computed cases, the working in the comments: a 10-int
 *               loop on 16-byte pages; walks of exactly `levels` references;
 *               page-walk caches; page-table pages for hand-built address
 *               sets (and the 4 MiB linear table of 32-bit x86); a flush on
 *               every switch vs ASID tags on an interleaved two-process
 *               trace; a shootdown; a THP promotion; the cost model; the
 *               3C split against an LRU and a same-policy (FIFO) reference
 *   differential the TLB (every set organisation and policy, up to millions
 *               of sets) against naive models on random traces: a
 *               linear-scan LRU/FIFO TLB with invalidations and flushes, and
 *               tests/naive.c replaying each set's lookups as a memory of W
 *               frames; the 3C split against a naive fully associative LRU;
 *               flushes by generation against the eager flush (and
 *               generation wraps); the walk caches against a linear-scan
 *               LRU model; tlb-curve's one pass against one TLB per size
 *   property    a fully associative TLB of E >= U entries (U translations)
 *               equals one of U, up to the largest E; default and
 *               levels-only page-table layouts for every page and entry size
 *   engine      a fully associative LRU TLB of E entries misses exactly as
 *               LRU paging with E frames faults (sim_run_loaded, sim_refs);
 *               with E >= frames the TLB misses exactly on the faults, for
 *               every policy (shootdowns); streaming equals loaded; OPT's
 *               next-use times through the translation model
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "naive.h"
#include "policy.h"

/* The policies named below (policies/NAME.c; policy.h lists none). */
extern const struct policy_ops opt_ops, fifo_ops, random_ops, lru_ops, lfu_ops,
	clock_ops;
#include "replay.h"
#include "xlate_int.h"

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

static struct ref mkref(uint64_t addr, int kind, uint32_t asid)
{
	struct ref r;

	memset(&r, 0, sizeof r);
	r.addr = addr;
	r.kind = (uint8_t)kind;
	r.asid = asid;
	return r;
}

/* a translation config with the defaults the CLI uses */
static void xc_init(struct xlate_config *xc, uint32_t page_shift)
{
	memset(xc, 0, sizeof *xc);
	xc->page_shift = page_shift;
	xc->pt.pte_size = 8;
	xc->asid_tagged = 1;
	xc->thp_fraction = 0.5;
	xc->seed = 1;
	xc->lat = xlate_default_latency;
}

static void tlbc(struct tlb_config *c, uint32_t e, uint32_t w, const struct policy_ops *p)
{
	c->entries = e;
	c->ways = w;
	c->policy = p;
}

/* Replay refs through translation + paging, streaming, in batches of
 * varying size (crossing the pipeline's chunks). */
static void xrun(const struct xlate_config *xc, const struct policy_ops *pol,
		 uint32_t frames, const struct ref *refs, size_t n,
		 struct engine_stats *est, struct xlate_stats *xst)
{
	struct engine_config ec = { .policy = pol, .frames = frames,
				    .page_shift = xc->page_shift, .seed = 1 };
	struct vm_diag d = { 0 };
	struct xlate *x = NULL;
	uint64_t rng = n;
	size_t i, m;
	int rc;

	rc = xlate_new(&x, xc, &ec, &d);
	if (rc)
		fail_msg("xlate_new: %d %s", rc, d.msg);
	for (i = 0; i < n; i += m) {
		m = 1 + tbelow(&rng, 9000);
		if (m > n - i)
			m = n - i;
		rc = xlate_refs(x, refs + i, m, &d);
		if (rc)
			fail_msg("xlate_refs: %d %s", rc, d.msg);
	}
	assert_int_equal(xlate_result(x, est, xst, &d), 0);
	xlate_free(x);
}

/* ------------------------------------------------------------- options */

static void test_tlb_parse(void **state)
{
	struct tlb_config c;
	struct vm_diag d = { 0 };
	char buf[64];

	(void)state;
	assert_int_equal(tlb_parse("--tlb", "64:4", &c, &d), 0);
	assert_int_equal(c.entries, 64);
	assert_int_equal(c.ways, 4);
	assert_ptr_equal(c.policy, &lru_ops);
	assert_string_equal(tlb_format(&c, buf, sizeof buf), "64:4:lru");
	assert_int_equal(tlb_parse("--stlb", "1536:12", &c, &d), 0);
	assert_int_equal(c.entries / c.ways, 128);
	assert_int_equal(tlb_parse("--tlb", "64:full:fifo", &c, &d), 0);
	assert_int_equal(c.ways, 64);
	assert_ptr_equal(c.policy, &fifo_ops);
	assert_string_equal(tlb_format(&c, buf, sizeof buf), "64:full:fifo");
	assert_int_equal(tlb_parse("--tlb", "48:4:random", &c, &d), 0); /* 12 sets */
	assert_int_equal(tlb_parse("--tlb", "7:1", &c, &d), 0);         /* direct-mapped */
	assert_int_equal(tlb_parse("--tlb", "1:full", &c, &d), 0);
	assert_int_equal(c.ways, 1);

	assert_int_equal(tlb_parse("--tlb", "64:3", &c, &d), VM_ERR_USAGE);
	assert_non_null(strstr(d.msg, "--tlb 64:3: 3 ways do not divide 64 entries"));
	assert_int_equal(tlb_parse("--dtlb", "64:128", &c, &d), VM_ERR_USAGE);
	assert_non_null(strstr(d.msg, "--dtlb 64:128: more ways (128) than entries (64)"));
	assert_int_equal(tlb_parse("--tlb", "0:1", &c, &d), VM_ERR_USAGE);
	assert_non_null(strstr(d.msg, "entries must be from 1"));
	assert_int_equal(tlb_parse("--tlb", "64:0", &c, &d), VM_ERR_USAGE);
	assert_int_equal(tlb_parse("--tlb", "64x4", &c, &d), VM_ERR_USAGE);
	assert_non_null(strstr(d.msg, "is not ENTRIES:WAYS[:POLICY]"));
	assert_int_equal(tlb_parse("--tlb", "64:-4", &c, &d), VM_ERR_USAGE);
	assert_int_equal(tlb_parse("--tlb", "64:4:lur", &c, &d), VM_ERR_USAGE);
	assert_non_null(strstr(d.msg, "unknown policy 'lur'; known: opt fifo random lru lfu clock"));
	assert_int_equal(tlb_parse("--itlb", "64:4:opt", &c, &d), VM_ERR_USAGE);
	assert_non_null(strstr(d.msg, "needs the future"));
	assert_int_equal(tlb_parse("--tlb", "99999999999:1", &c, &d), VM_ERR_USAGE);
}

static void test_pt_geometry(void **state)
{
	struct pt_config c;
	struct vm_diag d = { 0 };
	char buf[64];

	(void)state;
	/* default at 4K: 48 - 12 = 36 bits, 9 per level (512 8-byte entries
	 * fill a page): x86-64's four levels */
	memset(&c, 0, sizeof c);
	c.pte_size = 8;
	assert_int_equal(pt_geometry(&c, 12, &d), 0);
	assert_int_equal(c.levels, 4);
	assert_string_equal(pt_bits_format(&c, buf, sizeof buf), "9,9,9,9");
	/* --levels 5 alone: LA57 */
	memset(&c, 0, sizeof c);
	c.pte_size = 8;
	c.levels = 5;
	assert_int_equal(pt_geometry(&c, 12, &d), 0);
	assert_string_equal(pt_bits_format(&c, buf, sizeof buf), "9,9,9,9,9");
	/* 32-bit x86: 4-byte entries, two levels of 10 */
	memset(&c, 0, sizeof c);
	c.pte_size = 4;
	c.levels = 2;
	assert_int_equal(pt_geometry(&c, 12, &d), 0);
	assert_string_equal(pt_bits_format(&c, buf, sizeof buf), "10,10");
	/* 16-byte pages: 1 bit a level would need 44 levels; at most 5, the
	 * 44 bits spread as 9 per level and the root takes 44 - 36 = 8 */
	memset(&c, 0, sizeof c);
	c.pte_size = 8;
	assert_int_equal(pt_geometry(&c, 4, &d), 0);
	assert_string_equal(pt_bits_format(&c, buf, sizeof buf), "8,9,9,9,9");
	/* 2M base pages: huge pages over x86-64's 4 KiB tables, 27 bits at 9 a
	 * level: 9,9,9 (the walk stops one level early); 1G: 9,9 */
	memset(&c, 0, sizeof c);
	c.pte_size = 8;
	assert_int_equal(pt_geometry(&c, 21, &d), 0);
	assert_string_equal(pt_bits_format(&c, buf, sizeof buf), "9,9,9");
	memset(&c, 0, sizeof c);
	c.pte_size = 8;
	assert_int_equal(pt_geometry(&c, 30, &d), 0);
	assert_string_equal(pt_bits_format(&c, buf, sizeof buf), "9,9");
	/* 16K and 64K: a table is a page (Arm's granules): 34 bits at 11 is
	 * 1,11,11,11; 32 bits at 13 is 6,13,13 */
	memset(&c, 0, sizeof c);
	c.pte_size = 8;
	assert_int_equal(pt_geometry(&c, 14, &d), 0);
	assert_string_equal(pt_bits_format(&c, buf, sizeof buf), "1,11,11,11");
	memset(&c, 0, sizeof c);
	c.pte_size = 8;
	assert_int_equal(pt_geometry(&c, 16, &d), 0);
	assert_string_equal(pt_bits_format(&c, buf, sizeof buf), "6,13,13");
	/* pages too small for two entries: the 48 - s bits over 5 levels,
	 * ceil((48 - s) / 5) each, the root takes the rest (was 48,0,0,0,0):
	 * 1-byte pages 8,10,10,10,10; 8-byte pages 9,9,9,9,9 */
	memset(&c, 0, sizeof c);
	c.pte_size = 8;
	assert_int_equal(pt_geometry(&c, 0, &d), 0);
	assert_string_equal(pt_bits_format(&c, buf, sizeof buf), "8,10,10,10,10");
	memset(&c, 0, sizeof c);
	c.pte_size = 8;
	assert_int_equal(pt_geometry(&c, 3, &d), 0);
	assert_string_equal(pt_bits_format(&c, buf, sizeof buf), "9,9,9,9,9");
	/* --levels alone at 2M: 4 KiB tables, 9 bits a level */
	memset(&c, 0, sizeof c);
	c.pte_size = 8;
	c.levels = 4;
	assert_int_equal(pt_geometry(&c, 21, &d), 0);
	assert_string_equal(pt_bits_format(&c, buf, sizeof buf), "9,9,9,9");
	/* every page size, entry size and level count: a geometry of 1..5
	 * levels of 1..32 bits within 64 address bits (the default exactly
	 * 48), or a refusal saying what to give */
	{
		uint32_t sh, pl, lv, i, sum;

		for (sh = 0; sh <= 30; sh++) {
			for (pl = 0; pl <= 6; pl++) {
				for (lv = 0; lv <= 5; lv++) {
					memset(&c, 0, sizeof c);
					c.pte_size = 1u << pl;
					c.levels = lv;
					d.msg[0] = 0;
					if (pt_geometry(&c, sh, &d)) {
						assert_true(lv > 0);
						assert_non_null(strstr(d.msg, lv && (sh <= pl) ?
								       "give --pt-bits" : "--"));
						continue;
					}
					assert_true(c.levels >= 1 && c.levels <= 5);
					for (i = 0, sum = 0; i < c.levels; i++) {
						assert_true(c.bits[i] >= 1 && c.bits[i] <= 32);
						sum += c.bits[i];
					}
					assert_true(sum + sh <= 64);
					if (!lv)
						assert_int_equal(sum + sh, 48);
				}
			}
		}
	}

	/* explicit bits, and the errors */
	memset(&c, 0, sizeof c);
	c.pte_size = 8;
	assert_int_equal(pt_parse_bits("9,9,9,9", &c, &d), 0);
	assert_int_equal(c.levels, 4);
	assert_int_equal(pt_geometry(&c, 12, &d), 0);
	assert_int_equal(pt_shift_below(&c, 1), 0);
	assert_int_equal(pt_shift_below(&c, 2), 9);
	assert_int_equal(pt_shift_below(&c, 5), 36);
	memset(&c, 0, sizeof c);
	assert_int_equal(pt_parse_bits("9,9,9,9,9,9", &c, &d), VM_ERR_USAGE);
	assert_non_null(strstr(d.msg, "more than 5 levels"));
	assert_int_equal(pt_parse_bits("9,0", &c, &d), VM_ERR_USAGE);
	assert_non_null(strstr(d.msg, "1 to 32 bits"));
	assert_int_equal(pt_parse_bits("9,,9", &c, &d), VM_ERR_USAGE);
	assert_non_null(strstr(d.msg, "not a comma list"));
	c.levels = 3;
	assert_int_equal(pt_parse_bits("9,9,9,9", &c, &d), VM_ERR_USAGE);
	assert_non_null(strstr(d.msg, "--levels 3 does not match --pt-bits 9,9,9,9"));
	memset(&c, 0, sizeof c);
	c.pte_size = 8;
	assert_int_equal(pt_parse_bits("20,20,20", &c, &d), 0);
	assert_int_equal(pt_geometry(&c, 12, &d), VM_ERR_USAGE);
	assert_non_null(strstr(d.msg, "72-bit address, more than 64"));
	memset(&c, 0, sizeof c);
	c.pte_size = 8;
	c.levels = 6;
	assert_int_equal(pt_geometry(&c, 12, &d), VM_ERR_USAGE);
	assert_non_null(strstr(d.msg, "--levels 6 is out of range"));
	memset(&c, 0, sizeof c);
	c.pte_size = 6;
	assert_int_equal(pt_geometry(&c, 12, &d), VM_ERR_USAGE);
	assert_non_null(strstr(d.msg, "--pte-size 6"));
	memset(&c, 0, sizeof c);
	c.pte_size = 8;
	c.levels = 2;
	assert_int_equal(pt_geometry(&c, 3, &d), VM_ERR_USAGE); /* 8-byte pages hold one entry */
	assert_non_null(strstr(d.msg, "give --pt-bits"));
}

static void test_config_check(void **state)
{
	struct xlate_config xc;
	struct xlate_latency l = xlate_default_latency;
	struct vm_diag d = { 0 };
	char buf[128];

	(void)state;
	xc_init(&xc, 12);
	assert_int_equal(xlate_parse_huge("2M", &xc, &d), 0);
	assert_int_equal(xlate_config_check(&xc, &d), 0);
	assert_int_equal(xc.huge_shift, 21);
	xc_init(&xc, 12);
	assert_int_equal(xlate_parse_huge("1G", &xc, &d), 0);
	assert_int_equal(xlate_config_check(&xc, &d), 0);
	xc_init(&xc, 12);
	assert_int_equal(xlate_parse_huge("auto", &xc, &d), 0);
	assert_int_equal(xlate_config_check(&xc, &d), 0);
	assert_int_equal(xc.huge_shift, 21); /* auto promotes to level 2's size */
	xc_init(&xc, 12);
	assert_int_equal(xlate_parse_huge("4M", &xc, &d), 0);
	assert_int_equal(xlate_config_check(&xc, &d), VM_ERR_USAGE);
	assert_non_null(strstr(d.msg, "--huge 4M does not match a page-table level"));
	assert_non_null(strstr(d.msg, "levels 2..4 map 2M, 1G, 512G"));
	/* 32-bit x86 maps 4M at level 2 */
	xc_init(&xc, 12);
	xc.pt.pte_size = 4;
	assert_int_equal(pt_parse_bits("10,10", &xc.pt, &d), 0);
	assert_int_equal(xlate_parse_huge("4M", &xc, &d), 0);
	assert_int_equal(xlate_config_check(&xc, &d), 0);
	assert_int_equal(xlate_parse_huge("3M", &xc, &d), VM_ERR_USAGE);
	assert_non_null(strstr(d.msg, "--huge '3M'"));
	xc_init(&xc, 12);
	xc.pt.levels = 1;
	assert_int_equal(xlate_parse_huge("2M", &xc, &d), 0);
	assert_int_equal(xlate_config_check(&xc, &d), VM_ERR_USAGE);
	assert_non_null(strstr(d.msg, "at least 2 levels"));
	xc_init(&xc, 12);
	xc.huge = XLATE_HUGE_AUTO;
	xc.thp_fraction = 0;
	assert_int_equal(xlate_config_check(&xc, &d), VM_ERR_USAGE);
	assert_non_null(strstr(d.msg, "--thp-fraction"));

	xc_init(&xc, 12);
	tlbc(&xc.tlb, 64, 4, &lru_ops);
	tlbc(&xc.itlb, 64, 4, &lru_ops);
	tlbc(&xc.dtlb, 64, 4, &lru_ops);
	assert_int_equal(xlate_config_check(&xc, &d), VM_ERR_USAGE);
	assert_non_null(strstr(d.msg, "exclude each other"));
	xc_init(&xc, 12);
	tlbc(&xc.itlb, 64, 4, &lru_ops);
	assert_int_equal(xlate_config_check(&xc, &d), VM_ERR_USAGE);
	assert_non_null(strstr(d.msg, "--itlb and --dtlb go together"));
	xc_init(&xc, 12);
	tlbc(&xc.stlb, 1536, 12, &lru_ops);
	assert_int_equal(xlate_config_check(&xc, &d), VM_ERR_USAGE);
	assert_non_null(strstr(d.msg, "--stlb needs an L1 TLB"));

	assert_int_equal(xlate_parse_latency("walk=30,fault=8e6", &l, &d), 0);
	assert_true(l.walk == 30 && l.fault == 8e6 && l.mem == 100);
	assert_string_equal(xlate_latency_format(&l, buf, sizeof buf),
			    "tlb=1,stlb=7,mem=100,walk=30,fault=8e+06,writeback=100000");
	assert_int_equal(xlate_parse_latency("bogus=1", &l, &d), VM_ERR_USAGE);
	assert_non_null(strstr(d.msg, "unknown key 'bogus'"));
	assert_int_equal(xlate_parse_latency("walk=-1", &l, &d), VM_ERR_USAGE);
	assert_int_equal(xlate_parse_latency("walk", &l, &d), VM_ERR_USAGE);
	assert_int_equal(xlate_parse_latency("walk=1x", &l, &d), VM_ERR_USAGE);
}

/* An address beyond the page table's reach is an error naming it. */
static void test_address_range(void **state)
{
	struct xlate_config xc;
	struct engine_config ec = { .policy = &lru_ops, .frames = 4, .page_shift = 12 };
	struct ref r[2] = { mkref(0x1000, REF_LOAD, 0), mkref(0x100000000ull, REF_LOAD, 0) };
	struct vm_diag d = { 0 };
	struct xlate *x;

	(void)state;
	xc_init(&xc, 12);
	xc.pt.pte_size = 4;
	assert_int_equal(pt_parse_bits("10,10", &xc.pt, &d), 0);
	assert_int_equal(xlate_new(&x, &xc, &ec, &d), 0);
	assert_int_equal(xlate_refs(x, r, 2, &d), VM_ERR_LIMIT);
	assert_non_null(strstr(d.msg, "address 0x100000000 (reference 2) is beyond the 32-bit"));
	xlate_free(x);
	/* OPT cannot stream */
	ec.policy = &opt_ops;
	assert_int_equal(xlate_new(&x, &xc, &ec, &d), VM_ERR_USAGE);
	assert_null(x);
}

/* -------------------------------------------------------------- golden */

/*
 * A loop over a 10-int array (4-byte ints) at 0x1000 on 16-byte pages: ints
 * 0-3 on page 0x100, 4-7 on 0x101, 8-9 on 0x102.  A fresh TLB (of any size
 * >= 1: each page is used in one run) misses on the first int of each page:
 * 3 misses, 7 hits, a 70% hit rate.  Each miss walks the default table for
 * 16-byte pages, 5 levels (8,9,9,9,9), so 15 walk references.
 */
static void test_golden_int_loop(void **state)
{
	struct xlate_config xc;
	struct engine_stats est;
	struct xlate_stats xst;
	struct ref r[10];
	int i;

	(void)state;
	for (i = 0; i < 10; i++)
		r[i] = mkref(0x1000 + 4 * (uint64_t)i, REF_LOAD, 0);
	xc_init(&xc, 4);
	tlbc(&xc.tlb, 1, 1, &lru_ops);
	xrun(&xc, &lru_ops, 16, r, 10, &est, &xst);
	assert_int_equal(xst.tlb.hits, 7);
	assert_int_equal(xst.tlb.misses, 3);
	assert_int_equal(xst.tlb.compulsory, 3);
	assert_int_equal(xst.walks, 3);
	assert_int_equal(xst.walk_refs, 15);
	assert_int_equal(est.faults, 3);
	assert_int_equal(est.distinct_pages, 3);
	/* the cost model: 10 lookups at 1 ns, 15 walk references at 100 ns:
	 * 1510 ns to translate; plus 10 accesses at 100 ns (1000) and 3
	 * faults at 100 us (300000): 302510 ns, 30251 ns a reference */
	assert_true(xst.xlate_ns == 1510.0);
	assert_true(xst.access_ns == 302510.0);
}

/*
 * Without walk caches a walk reads one entry per level: walk_refs = walks *
 * levels, for 1 to 5 levels; a huge page at level h saves h - 1 of them.
 */
static void test_walk_levels(void **state)
{
	static const char *const geo[] = { "32", "18,18", "12,12,12", "9,9,9,9", "9,9,9,9,9" };
	struct xlate_config xc;
	struct engine_stats est;
	struct xlate_stats xst;
	struct vm_diag d = { 0 };
	struct ref r[3000];
	uint64_t x = 7;
	int i, l;

	(void)state;
	for (i = 0; i < 3000; i++)
		r[i] = mkref((uint64_t)tbelow(&x, 1u << 20) << 12, REF_LOAD, 0);
	for (l = 1; l <= 5; l++) {
		xc_init(&xc, 12);
		assert_int_equal(pt_parse_bits(geo[l - 1], &xc.pt, &d), 0);
		tlbc(&xc.tlb, 8, 2, &lru_ops);
		xrun(&xc, &lru_ops, 64, r, 3000, &est, &xst);
		assert_true(xst.walks > 100);
		assert_int_equal(xst.walks, xst.tlb.misses);
		assert_int_equal(xst.walk_refs, xst.walks * (uint64_t)l);
	}
	/* 2M pages on 9,9,9,9: leaves at level 2, walks of 3 */
	xc_init(&xc, 12);
	assert_int_equal(xlate_parse_huge("2M", &xc, &d), 0);
	tlbc(&xc.tlb, 2, 1, &lru_ops);
	xrun(&xc, &lru_ops, 64, r, 3000, &est, &xst);
	assert_int_equal(xst.walk_refs, xst.walks * 3);
	/* 1G: leaves at level 3, walks of 2; every address is below 4G: 4 regions */
	xc_init(&xc, 12);
	assert_int_equal(xlate_parse_huge("1G", &xc, &d), 0);
	tlbc(&xc.tlb, 1, 1, &lru_ops);
	xrun(&xc, &lru_ops, 64, r, 3000, &est, &xst);
	assert_int_equal(xst.walk_refs, xst.walks * 2);
	assert_int_equal(xst.translations, 4);
	/* no TLB at all: every reference walks */
	xc_init(&xc, 12);
	xrun(&xc, &lru_ops, 64, r, 3000, &est, &xst);
	assert_int_equal(xst.walks, 3000);
	assert_int_equal(xst.walk_refs, 3000 * 4);
}

/*
 * Page-walk caches on 9,9,9,9 with 4K pages, no TLB, so every reference
 * walks.  Keys: level 2 caches vpn >> 9 (the 2M region), level 3 vpn >> 18
 * (1G), level 4 vpn >> 27 (512G).
 *
 *   ref  address        vpn         --pwc 4                    --pwc 1
 *   1    0x0            0           all miss: 4 refs           4 (caches 0,0,0)
 *   2    0x1000         1           L2 hit (key 0): 1          1
 *   3    0x200000       0x200       L2 miss, L3 hit: 2         2 (L2 <- 1)
 *   4    0x40000000     0x40000     L2, L3 miss, L4 hit: 3     3 (L3 <- 1, L2 <- 0x200)
 *   5    0x8000000000   0x8000000   all miss (L4 key 1): 4     4 (all replaced)
 *   6    0x0            0           L2 hit (key 0 kept): 1     all miss: 4
 *                                   total 15, 4 shortened      total 18, 3 shortened
 */
static void test_golden_pwc(void **state)
{
	static const uint64_t a[] = { 0x0, 0x1000, 0x200000, 0x40000000, 0x8000000000ull, 0x0 };
	struct xlate_config xc;
	struct engine_stats est;
	struct xlate_stats xst;
	struct ref r[6];
	int i;

	(void)state;
	for (i = 0; i < 6; i++)
		r[i] = mkref(a[i], REF_LOAD, 0);
	xc_init(&xc, 12);
	xrun(&xc, &lru_ops, 16, r, 6, &est, &xst);
	assert_int_equal(xst.walk_refs, 24);
	xc.pt.pwc = 4;
	xrun(&xc, &lru_ops, 16, r, 6, &est, &xst);
	assert_int_equal(xst.walks, 6);
	assert_int_equal(xst.walk_refs, 15);
	assert_int_equal(xst.pwc_hits, 4);
	xc.pt.pwc = 1;
	xrun(&xc, &lru_ops, 16, r, 6, &est, &xst);
	assert_int_equal(xst.walk_refs, 18);
	assert_int_equal(xst.pwc_hits, 3);
}

/* Table pages to map addrs (asids given) under geometry bits at 4K. */
static void footprint(const char *bits, uint32_t pte, const char *huge,
		      const uint64_t *addrs, const uint32_t *asids, int n,
		      struct xlate_stats *xst)
{
	struct xlate_config xc;
	struct engine_stats est;
	struct vm_diag d = { 0 };
	struct ref r[16];
	int i;

	xc_init(&xc, 12);
	xc.pt.pte_size = pte;
	assert_int_equal(pt_parse_bits(bits, &xc.pt, &d), 0);
	if (huge)
		assert_int_equal(xlate_parse_huge(huge, &xc, &d), 0);
	for (i = 0; i < n; i++)
		r[i] = mkref(addrs[i], REF_STORE, asids ? asids[i] : 0);
	xrun(&xc, &lru_ops, 64, r, (size_t)n, &est, xst);
}

/*
 * Page-table pages for hand-built address sets.  On 9,9,9,9 a leaf table
 * covers 2M, a level-2 table 1G, a level-3 table 512G, the root all 256T.
 */
static void test_golden_footprint(void **state)
{
	static const uint64_t one[] = { 0x0 };
	static const uint64_t near[] = { 0x0, 0x1000, 0x1ff000 };    /* one 2M region */
	static const uint64_t two2m[] = { 0x0, 0x200000 };           /* two leaf tables */
	static const uint64_t two1g[] = { 0x0, 0x40000000 };         /* two of levels 1, 2 */
	static const uint64_t two512g[] = { 0x0, 0x8000000000ull };  /* two of levels 1-3 */
	static const uint64_t x86[] = { 0x0, 0x1000, 0x400000, 0xbffff000 };
	static const uint32_t as2[] = { 0, 1 };
	static const uint64_t same[] = { 0x1000, 0x1000 };
	struct xlate_stats x;

	(void)state;
	footprint("9,9,9,9", 8, NULL, one, NULL, 1, &x);
	assert_int_equal(x.pt_pages, 4);              /* one table per level */
	assert_int_equal(x.pt_bytes, 4 * 4096);       /* 512 entries x 8 bytes each */
	assert_int_equal(x.pt_linear_bytes, 1ull << 39); /* 2^36 entries x 8: 512 GiB */
	footprint("9,9,9,9", 8, NULL, near, NULL, 3, &x);
	assert_int_equal(x.pt_pages, 4);
	footprint("9,9,9,9", 8, NULL, two2m, NULL, 2, &x);
	assert_int_equal(x.pt_level_pages[0], 2);
	assert_int_equal(x.pt_pages, 5);
	footprint("9,9,9,9", 8, NULL, two1g, NULL, 2, &x);
	assert_int_equal(x.pt_level_pages[0], 2);
	assert_int_equal(x.pt_level_pages[1], 2);
	assert_int_equal(x.pt_level_pages[2], 1);
	assert_int_equal(x.pt_pages, 6);
	footprint("9,9,9,9", 8, NULL, two512g, NULL, 2, &x);
	assert_int_equal(x.pt_pages, 7);              /* 2 + 2 + 2 + 1 root */
	/* 32-bit x86: 0x0, 0x1000 share the first leaf table (4M each);
	 * 0x400000 needs the second, 0xbffff000 (index 767) a third: 3 leaf
	 * tables + the directory = 4 pages of 1024 4-byte entries; the linear
	 * table is 2^20 x 4 bytes = 4 MiB */
	footprint("10,10", 4, NULL, x86, NULL, 4, &x);
	assert_int_equal(x.pt_level_pages[0], 3);
	assert_int_equal(x.pt_level_pages[1], 1);
	assert_int_equal(x.pt_bytes, 4 * 4096);
	assert_int_equal(x.pt_linear_bytes, 4u << 20);
	/* two address spaces at the same address: two of everything */
	footprint("9,9,9,9", 8, NULL, same, as2, 2, &x);
	assert_int_equal(x.pt_pages, 8);
	assert_int_equal(x.asids, 2);
	assert_int_equal(x.pt_linear_bytes, 2ull << 39);
	/* 2M pages: no leaf tables */
	footprint("9,9,9,9", 8, "2M", near, NULL, 3, &x);
	assert_int_equal(x.pt_level_pages[0], 0);
	assert_int_equal(x.pt_pages, 3);
	assert_int_equal(x.translations, 1);
	/* 1G pages: root and one level-3 table */
	footprint("9,9,9,9", 8, "1G", two1g, NULL, 2, &x);
	assert_int_equal(x.pt_pages, 2);
	assert_int_equal(x.translations, 2);
}

/*
 * Two processes touch the same two addresses, interleaved two references a
 * turn: A1 A2 B1 B2 A1 A2 B1 B2 (A asid 0, B asid 1): three switches.
 *
 *   4:full, --asid on    the four translations fit: 4 compulsory misses
 *   4:full, --asid off   each switch flushes: every turn misses twice;
 *                        4 compulsory + 4 invalidation misses (the fully
 *                        associative shadow of 4 would have hit)
 *   2:full, either       a cycle of 4 through 2 entries: all 8 miss; the 4
 *                        repeats are capacity (the shadow misses too, which
 *                        takes precedence over the flush)
 * The paging model sees 4 distinct pages either way.
 */
static void test_golden_asid(void **state)
{
	struct xlate_config xc;
	struct engine_stats est;
	struct xlate_stats xst;
	struct ref r[8];
	int i;

	(void)state;
	for (i = 0; i < 8; i++)
		r[i] = mkref(0x1000 * (uint64_t)(1 + i % 2), REF_LOAD, (uint32_t)(i / 2 % 2));
	xc_init(&xc, 12);
	tlbc(&xc.tlb, 4, 4, &lru_ops);
	xrun(&xc, &lru_ops, 16, r, 8, &est, &xst);
	assert_int_equal(xst.tlb.misses, 4);
	assert_int_equal(xst.tlb.compulsory, 4);
	assert_int_equal(xst.switches, 3);
	assert_int_equal(xst.flushes, 0);
	assert_int_equal(xst.asids, 2);
	assert_int_equal(est.distinct_pages, 4);
	assert_int_equal(est.faults, 4);
	xc.asid_tagged = 0;
	xrun(&xc, &lru_ops, 16, r, 8, &est, &xst);
	assert_int_equal(xst.tlb.misses, 8);
	assert_int_equal(xst.tlb.compulsory, 4);
	assert_int_equal(xst.tlb.invalidation, 4);
	assert_int_equal(xst.flushes, 3);
	assert_int_equal(xst.switches, 3);
	tlbc(&xc.tlb, 2, 2, &lru_ops);
	xrun(&xc, &lru_ops, 16, r, 8, &est, &xst);
	assert_int_equal(xst.tlb.misses, 8);
	assert_int_equal(xst.tlb.capacity, 4);
	assert_int_equal(xst.tlb.invalidation, 0);
	xc.asid_tagged = 1;
	xrun(&xc, &lru_ops, 16, r, 8, &est, &xst);
	assert_int_equal(xst.tlb.misses, 8);
	assert_int_equal(xst.tlb.capacity, 4);
}

/* Write refs as a text trace into a temporary file; returns its name. */
static char *write_text(const struct ref *r, size_t n)
{
	const char *dir = getenv("TMPDIR");
	char tmpl[4096], *name;
	struct trace_writer *w = NULL;
	struct vm_diag d = { 0 };
	int fd;

	snprintf(tmpl, sizeof tmpl, "%s/vmsim-test-xlate.XXXXXX", dir && *dir ? dir : "/tmp");
	fd = mkstemp(tmpl);
	assert_true(fd >= 0);
	close(fd);
	name = malloc(strlen(tmpl) + 5);
	assert_non_null(name);
	sprintf(name, "%s.txt", tmpl);
	unlink(tmpl);
	assert_int_equal(trace_writer_open(&w, name, trace_format_find("text"), 0, &d), 0);
	assert_int_equal(trace_writer_write(w, r, n), 0);
	assert_int_equal(trace_writer_close(w), 0);
	return name;
}

/*
 * --interleave through files: trace 0 has 5 references, trace 1 has 2;
 * quantum 2 gives a0 a1 b0 b1 a2 a3 a4 (trace 1 is done), with asids
 * a*2 + i: trace 0's asid 0 stays 0, trace 1's asid 0 becomes 1 and its
 * asid 3 becomes 7.
 */
static void test_interleave_source(void **state)
{
	struct ref a[5], b[2], got[16];
	const char *paths[2];
	struct xlate_source *s = NULL;
	struct vm_diag d = { 0 };
	long n, total = 0;
	int i;
	char *pa, *pb;

	(void)state;
	for (i = 0; i < 5; i++)
		a[i] = mkref(0x1000 * (uint64_t)(i + 1), REF_LOAD, 0);
	b[0] = mkref(0xa000, REF_STORE, 0);
	b[1] = mkref(0xb000, REF_INSTR, 3);
	pa = write_text(a, 5);
	pb = write_text(b, 2);
	paths[0] = pa;
	paths[1] = pb;
	assert_int_equal(xlate_source_open(&s, paths, 2, NULL, 0, &d), VM_ERR_USAGE);
	assert_non_null(strstr(d.msg, "need --interleave"));
	assert_int_equal(xlate_source_open(&s, paths, 2, NULL, 2, &d), 0);
	while ((n = xlate_source_read(s, got + total, 16 - (size_t)total)) > 0)
		total += n;
	assert_int_equal(n, 0);
	assert_int_equal(total, 7);
	assert_int_equal(xlate_source_nread(s), 7);
	xlate_source_close(s);
	assert_true(got[0].addr == 0x1000 && got[1].addr == 0x2000);
	assert_true(got[2].addr == 0xa000 && got[2].asid == 1 && got[2].kind == REF_STORE);
	assert_true(got[3].addr == 0xb000 && got[3].asid == 7 && got[3].kind == REF_INSTR);
	assert_true(got[4].addr == 0x3000 && got[4].asid == 0);
	assert_true(got[6].addr == 0x5000);
	unlink(pa);
	unlink(pb);
	free(pa);
	free(pb);
}

/*
 * A shootdown.  A fully associative 4-entry LRU TLB over LRU paging with 2
 * frames; pages p0 p1 p2 p0:
 *   p0, p1   compulsory TLB misses, faults into frames 0, 1
 *   p2       compulsory miss; the fault evicts p0, whose entry is shot down
 *   p0       misses although the 4-entry TLB (and its shadow) had room: an
 *            invalidation miss; the fault evicts p1 (shot down too)
 * 4 misses = 3 compulsory + 1 invalidation; 2 entries invalidated.  Without
 * the shootdown the last reference would have hit a stale translation.
 */
static void test_golden_shootdown(void **state)
{
	struct xlate_config xc;
	struct engine_stats est;
	struct xlate_stats xst;
	struct ref r[4] = { mkref(0x0, REF_LOAD, 0), mkref(0x1000, REF_LOAD, 0),
			    mkref(0x2000, REF_LOAD, 0), mkref(0x0, REF_LOAD, 0) };

	(void)state;
	xc_init(&xc, 12);
	tlbc(&xc.tlb, 4, 4, &lru_ops);
	xrun(&xc, &lru_ops, 2, r, 4, &est, &xst);
	assert_int_equal(est.faults, 4);
	assert_int_equal(est.evictions, 2);
	assert_int_equal(xst.tlb.misses, 4);
	assert_int_equal(xst.tlb.compulsory, 3);
	assert_int_equal(xst.tlb.invalidation, 1);
	assert_int_equal(xst.shootdowns, 2);
	/* with room for every page nothing is shot down: p0 hits */
	xrun(&xc, &lru_ops, 3, r, 4, &est, &xst);
	assert_int_equal(xst.tlb.misses, 3);
	assert_int_equal(xst.shootdowns, 0);
}

/*
 * THP promotion with 16-byte pages and --pt-bits 2,2 (4 pages a region,
 * an 8-bit address), --thp-fraction 0.5: promote at the 2nd distinct page.
 *   0x00 (p0)  base translation: compulsory miss, walk of 2
 *   0x10 (p1)  2nd page of region 0: promote; p0's entry is shot down; p1
 *              uses the new huge translation: compulsory miss, walk of 1
 *              (the leaf is the root's entry)
 *   0x00 (p0)  the huge translation: hit
 *   0x20 (p2)  first touch, but the region is huge already: hit
 * 2 misses, 3 walk references, 1 promotion, 1 entry invalidated; at the end
 * one translation, mapped by the root alone: 1 table page.
 */
static void test_golden_thp(void **state)
{
	struct xlate_config xc;
	struct engine_stats est;
	struct xlate_stats xst;
	struct vm_diag d = { 0 };
	struct ref r[4] = { mkref(0x00, REF_LOAD, 0), mkref(0x10, REF_LOAD, 0),
			    mkref(0x00, REF_LOAD, 0), mkref(0x20, REF_LOAD, 0) };

	(void)state;
	xc_init(&xc, 4);
	assert_int_equal(pt_parse_bits("2,2", &xc.pt, &d), 0);
	assert_int_equal(xlate_parse_huge("auto", &xc, &d), 0);
	tlbc(&xc.tlb, 4, 4, &lru_ops);
	xrun(&xc, &lru_ops, 8, r, 4, &est, &xst);
	assert_int_equal(xst.tlb.hits, 2);
	assert_int_equal(xst.tlb.misses, 2);
	assert_int_equal(xst.tlb.compulsory, 2);
	assert_int_equal(xst.walks, 2);
	assert_int_equal(xst.walk_refs, 3);
	assert_int_equal(xst.promotions, 1);
	assert_int_equal(xst.shootdowns, 1);
	assert_int_equal(xst.translations, 1);
	assert_int_equal(xst.pt_pages, 1);
	assert_int_equal(est.faults, 3); /* the paging model stays in base pages */
	/* fraction 1: all 4 pages needed; never promoted here */
	xc.thp_fraction = 1;
	xrun(&xc, &lru_ops, 8, r, 4, &est, &xst);
	assert_int_equal(xst.promotions, 0);
	assert_int_equal(xst.tlb.misses, 3);
	assert_int_equal(xst.pt_pages, 2);
}

/* ------------------------------------------------------- differential */

/*
 * A naive LRU/FIFO TLB: per set W slots with a time stamp each (last use
 * for LRU, fill time for FIFO) and a valid bit, scanned linearly.  A miss
 * fills the lowest invalid slot, else the smallest stamp.
 */
struct ntlb {
	uint32_t sets, ways;  /* geometry */
	int fifo;             /* 1: FIFO, 0: LRU */
	uint32_t *tag;        /* sets * ways */
	uint64_t *stamp;      /* sets * ways */
	uint8_t *valid;       /* sets * ways */
	uint64_t clock;       /* lookups */
};

static void ntlb_init(struct ntlb *n, uint32_t e, uint32_t w, int fifo)
{
	n->sets = e / w;
	n->ways = w;
	n->fifo = fifo;
	n->tag = calloc(e, sizeof *n->tag);
	n->stamp = calloc(e, sizeof *n->stamp);
	n->valid = calloc(e, 1);
	n->clock = 0;
	assert_true(n->tag && n->stamp && n->valid);
}

static void ntlb_free(struct ntlb *n)
{
	free(n->tag);
	free(n->stamp);
	free(n->valid);
}

static int ntlb_access(struct ntlb *n, uint32_t tid, uint64_t vpn)
{
	uint32_t s = (uint32_t)(vpn % n->sets), w, best = 0;
	size_t b = (size_t)s * n->ways;

	n->clock++;
	for (w = 0; w < n->ways; w++)
		if (n->valid[b + w] && n->tag[b + w] == tid) {
			if (!n->fifo)
				n->stamp[b + w] = n->clock;
			return 1;
		}
	for (w = 0; w < n->ways; w++)
		if (!n->valid[b + w])
			break;
	if (w == n->ways) {
		for (w = 1, best = 0; w < n->ways; w++)
			if (n->stamp[b + w] < n->stamp[b + best])
				best = w;
	} else {
		best = w;
	}
	n->valid[b + best] = 1;
	n->tag[b + best] = tid;
	n->stamp[b + best] = n->clock;
	return 0;
}

static int ntlb_inval(struct ntlb *n, uint32_t tid, uint64_t vpn)
{
	uint32_t s = (uint32_t)(vpn % n->sets), w;
	size_t b = (size_t)s * n->ways;

	for (w = 0; w < n->ways; w++)
		if (n->valid[b + w] && n->tag[b + w] == tid) {
			n->valid[b + w] = 0;
			return 1;
		}
	return 0;
}

/* A random stream of tids over scattered vpns, with locality. */
static void gen_tids(uint64_t *x, uint32_t *tids, size_t n, uint32_t ntids)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i && tbelow(x, 3) == 0)
			tids[i] = tids[i - 1 - tbelow(x, i < 8 ? (uint32_t)i : 8)];
		else if (tbelow(x, 2))
			tids[i] = tbelow(x, ntids / 4 + 1);
		else
			tids[i] = tbelow(x, ntids);
	}
}

static const uint32_t geoms[][2] = {
	{ 1, 1 }, { 4, 1 }, { 4, 4 }, { 8, 2 }, { 12, 4 }, { 16, 16 }, { 48, 4 },
	{ 64, 4 }, { 64, 8 }, { 24, 24 }, { 40, 20 }, { 96, 12 }, { 17, 17 }, { 30, 3 },
	/* more than 65536 sets: slots handed out as sets are first used */
	{ 262144, 2 }, { 300000, 3 }, { 2097152, 32 },
};
#define NGEOMS (sizeof geoms / sizeof geoms[0])

/*
 * LRU and FIFO, both organisations (ordered for <= 16 ways, and the
 * policy-ops one forced), against the naive TLB, with random invalidations
 * and flushes between lookups, in random chunks; hit for hit, and the 3C+1
 * split against a classification computed naively (first use; a naive fully
 * associative LRU of E, which ignores invalidations; the slot last removed
 * by an invalidation).
 */
static void test_diff_ordered(void **state)
{
	enum { N = 6000, NT = 300 };
	static uint32_t tids[N];
	static uint64_t tvpn[NT];
	static struct xref in[N], miss[N];
	static struct xevent ev[N];
	static unsigned char fa_fault[N], nmiss[N], tmiss[N];
	static uint64_t fa_pages[N];
	uint64_t x = 11;
	size_t g;
	int fifo, generic, rep;

	(void)state;
	for (rep = 0; rep < 6; rep++) {
		for (g = 0; g < NGEOMS; g++) {
			for (fifo = 0; fifo < 2; fifo++) {
				for (generic = 0; generic < 2; generic++) {
					struct tlb_config c = { geoms[g][0], geoms[g][1],
								fifo ? &fifo_ops : &lru_ops, TLB_REF_LRU };
					struct tlb *t = NULL;
					struct ntlb nt;
					struct tlb_stats st, want = { 0 };
					struct naive_result fr = { 0 };
					uint8_t seen[NT] = { 0 }, inval[NT] = { 0 };
					size_t i, k = 0, off, m, nev, nm, e;
					uint32_t idx;

					for (i = 0; i < NT; i++)
						tvpn[i] = trng(&x) >> tbelow(&x, 60);
					gen_tids(&x, tids, N, NT);
					assert_int_equal(tlb_new(&t, &c, 1, generic), 0);
					assert_int_equal(tlb_reserve(t, NT, tvpn), 0);
					ntlb_init(&nt, c.entries, c.ways, fifo);
					for (i = 0; i < N; i++)
						fa_pages[i] = tids[i];
					fr.fault_at = fa_fault;
					assert_int_equal(naive_run("lru", fa_pages, NULL, N, c.entries,
								   1, 0, &fr), 0);
					for (off = 0; off < N; off += m) {
						m = 1 + tbelow(&x, 700);
						if (m > N - off)
							m = N - off;
						nev = 0;
						for (i = 0; i < m; i++) {
							idx = (uint32_t)i;
							/* events before lookup i */
							while (tbelow(&x, 16) == 0) {
								ev[nev].idx = idx;
								if (tbelow(&x, 20) == 0) {
									uint32_t s;

									ev[nev].kind = XEV_FLUSH;
									for (s = 0; s < NT; s++)
										if (ntlb_inval(&nt, s, tvpn[s]))
											inval[s] = 1;
								} else {
									uint32_t v = tids[off + i - (i ? tbelow(&x, (uint32_t)i) : 0)];

									ev[nev].kind = XEV_INVAL;
									ev[nev].arg = v;
									if (ntlb_inval(&nt, v, tvpn[v]))
										inval[v] = 1;
								}
								nev++;
							}
							in[i].idx = idx;
							in[i].tid = tids[off + i];
							nmiss[i] = 1;
							if (ntlb_access(&nt, tids[off + i], tvpn[tids[off + i]])) {
								nmiss[i] = 0;
								want.hits++;
							} else {
								uint32_t v = tids[off + i];

								want.misses++;
								if (!seen[v])
									want.compulsory++;
								else if (fa_fault[off + i])
									want.capacity++;
								else if (inval[v])
									want.invalidation++;
								else
									want.conflict++;
								inval[v] = 0;
							}
							seen[tids[off + i]] = 1;
						}
						nm = tlb_run(t, in, m, miss, ev, nev, tvpn, NULL);
						/* lookup for lookup, the misses are the naive ones */
						memset(tmiss, 0, m);
						for (e = 0; e < nm; e++) {
							assert_int_equal(miss[e].tid, in[miss[e].idx].tid);
							assert_true(!e || miss[e].idx > miss[e - 1].idx);
							tmiss[miss[e].idx] = 1;
						}
						assert_memory_equal(tmiss, nmiss, m);
						k += nm;
					}
					tlb_get_stats(t, &st);
					if (memcmp(&st, &want, sizeof st))
						fail_msg("%s %u:%u %s: hits %llu/%llu misses %llu/%llu "
							 "comp %llu/%llu cap %llu/%llu conf %llu/%llu inval %llu/%llu",
							 fifo ? "fifo" : "lru", c.entries, c.ways,
							 generic ? "ops" : "ordered",
							 (unsigned long long)st.hits, (unsigned long long)want.hits,
							 (unsigned long long)st.misses, (unsigned long long)want.misses,
							 (unsigned long long)st.compulsory, (unsigned long long)want.compulsory,
							 (unsigned long long)st.capacity, (unsigned long long)want.capacity,
							 (unsigned long long)st.conflict, (unsigned long long)want.conflict,
							 (unsigned long long)st.invalidation, (unsigned long long)want.invalidation);
					assert_int_equal(k, st.misses);
					tlb_free(t);
					ntlb_free(&nt);
				}
			}
		}
	}
}

/*
 * Every policy: a TLB is S independent memories of W frames; replaying each
 * set's own lookups through tests/naive.c (seed + (set << 32), the set's
 * own clock) must give the TLB's hits and misses, lookup for lookup.
 */
static void test_diff_policies(void **state)
{
	static const struct policy_ops *const pols[] = {
		&fifo_ops, &random_ops, &lru_ops, &lfu_ops, &clock_ops,
	};
	enum { N = 5000, NT = 200 };
	static uint32_t tids[N], pos[N], used[NT];
	static uint64_t tvpn[NT], sub[N];
	static unsigned char want_miss[N], fault[N], got_miss[N];
	static struct xref in[N], miss[N];
	uint64_t x = 5;
	size_t g, p, i, m, nm, u, nu;
	uint32_t s;
	int rep;

	(void)state;
	for (rep = 0; rep < 3; rep++) {
		for (g = 0; g < NGEOMS; g++) {
			for (p = 0; p < sizeof pols / sizeof pols[0]; p++) {
				struct tlb_config c = { geoms[g][0], geoms[g][1], pols[p], TLB_REF_LRU };
				uint32_t sets = c.entries / c.ways;
				uint64_t seed = trng(&x);
				struct tlb *t = NULL;

				for (i = 0; i < NT; i++)
					tvpn[i] = trng(&x) >> tbelow(&x, 62);
				gen_tids(&x, tids, N, NT);
				/* the sets some tid maps to (there may be millions) */
				for (i = 0, nu = 0; i < NT; i++) {
					for (u = 0; u < nu && used[u] != tvpn[i] % sets; u++)
						;
					if (u == nu)
						used[nu++] = (uint32_t)(tvpn[i] % sets);
				}
				for (u = 0; u < nu; u++) {
					struct naive_result r = { 0 };

					s = used[u];
					for (i = 0, m = 0; i < N; i++)
						if (tvpn[tids[i]] % sets == s) {
							pos[m] = (uint32_t)i;
							sub[m++] = tids[i];
						}
					r.fault_at = fault;
					assert_int_equal(naive_run(pols[p]->name, sub, NULL, m, c.ways,
								   seed + ((uint64_t)s << 32), 0, &r), 0);
					for (i = 0; i < m; i++)
						want_miss[pos[i]] = fault[i];
				}
				assert_int_equal(tlb_new(&t, &c, seed, 0), 0);
				assert_int_equal(tlb_reserve(t, NT, tvpn), 0);
				for (i = 0; i < N; i++) {
					in[i].idx = (uint32_t)i;
					in[i].tid = tids[i];
				}
				nm = tlb_run(t, in, N, miss, NULL, 0, tvpn, NULL);
				memset(got_miss, 0, sizeof got_miss);
				for (i = 0; i < nm; i++)
					got_miss[miss[i].idx] = 1;
				for (i = 0; i < N; i++)
					if (got_miss[i] != want_miss[i])
						fail_msg("%s %u:%u: lookup %zu %s, naive %s", pols[p]->name,
							 c.entries, c.ways, i, got_miss[i] ? "missed" : "hit",
							 want_miss[i] ? "missed" : "hit");
				tlb_free(t);
			}
		}
	}
}

/*
 * Flush by generation against the flush as it reads (entry by entry,
 * TLB_F_EAGER_FLUSH: the behaviour before generations), every policy and
 * organisation, on random lookups with many flushes (one before about one
 * lookup in six, so sets are often full of stale tags) and shootdowns, in
 * random chunks: the same misses, lookup for lookup, the same 3C+1 split and
 * the same shootdown count.  A third TLB wraps its generation every 3
 * flushes, which takes the eager path now and then.
 */
static void test_diff_flush_generation(void **state)
{
	static const struct policy_ops *const pols[] = {
		&lru_ops, &fifo_ops, &random_ops, &lfu_ops, &clock_ops,
	};
	enum { N = 4000, NT = 150, NV = 3 };
	static uint32_t tids[N];
	static uint64_t tvpn[NT];
	static struct xref in[N], miss[NV][N];
	static struct xevent ev[2 * N];
	uint64_t x = 23;
	size_t g, p, off, m, i, nev, nm[NV];
	int generic, v;

	(void)state;
	for (g = 0; g < NGEOMS; g++) {
		for (p = 0; p < sizeof pols / sizeof pols[0]; p++) {
			for (generic = 0; generic < 2; generic++) {
				struct tlb_config c = { geoms[g][0], geoms[g][1], pols[p], TLB_REF_LRU };
				static const int flags[NV] = { TLB_F_EAGER_FLUSH, 0, 0 };
				struct tlb *t[NV];
				struct tlb_stats st[NV];
				uint64_t shot[NV] = { 0 }, seed = trng(&x);

				if (generic && pols[p] != &lru_ops && pols[p] != &fifo_ops)
					continue; /* other policies have one organisation */
				for (i = 0; i < NT; i++)
					tvpn[i] = trng(&x) >> tbelow(&x, 60);
				gen_tids(&x, tids, N, NT);
				for (v = 0; v < NV; v++) {
					assert_int_equal(tlb_new(&t[v], &c, seed,
								 flags[v] | (generic ? TLB_F_GENERIC : 0)), 0);
					assert_int_equal(tlb_reserve(t[v], NT, tvpn), 0);
				}
				tlb_set_gen_max(t[2], 3);
				for (off = 0; off < N; off += m) {
					m = 1 + tbelow(&x, 500);
					if (m > N - off)
						m = N - off;
					nev = 0;
					for (i = 0; i < m; i++) {
						while (tbelow(&x, 5) == 0 && nev < 2 * N) {
							ev[nev].idx = (uint32_t)i;
							ev[nev].kind = tbelow(&x, 2) ? XEV_FLUSH : XEV_INVAL;
							ev[nev].arg = tids[off + i - (i ? tbelow(&x, (uint32_t)i) : 0)];
							nev++;
						}
						in[i].idx = (uint32_t)i;
						in[i].tid = tids[off + i];
					}
					for (v = 0; v < NV; v++)
						nm[v] = tlb_run(t[v], in, m, miss[v], ev, nev, tvpn, &shot[v]);
					for (v = 1; v < NV; v++) {
						assert_int_equal(nm[v], nm[0]);
						for (i = 0; i < nm[0]; i++)
							assert_int_equal(miss[v][i].idx, miss[0][i].idx);
					}
				}
				for (v = 0; v < NV; v++)
					tlb_get_stats(t[v], &st[v]);
				for (v = 1; v < NV; v++) {
					if (memcmp(&st[v], &st[0], sizeof st[0]) || shot[v] != shot[0])
						fail_msg("%s %u:%u%s variant %d: misses %llu/%llu inval %llu/%llu "
							 "conflict %llu/%llu shot %llu/%llu", pols[p]->name,
							 c.entries, c.ways, generic ? " ops" : "", v,
							 (unsigned long long)st[v].misses,
							 (unsigned long long)st[0].misses,
							 (unsigned long long)st[v].invalidation,
							 (unsigned long long)st[0].invalidation,
							 (unsigned long long)st[v].conflict,
							 (unsigned long long)st[0].conflict,
							 (unsigned long long)shot[v], (unsigned long long)shot[0]);
				}
				assert_true(st[0].invalidation > 0 || c.entries == 1);
				for (v = 0; v < NV; v++)
					tlb_free(t[v]);
			}
		}
	}
}

/* misses of tids[0..n) (page number = tid) through c, with the 3C split */
static void run3c(const struct tlb_config *c, const uint32_t *tids, size_t n,
		  struct tlb_stats *st)
{
	static uint64_t tvpn[64];
	struct xref in[64], miss[64];
	struct tlb *t = NULL;
	size_t i;

	assert_true(n <= 64);
	for (i = 0; i < 64; i++)
		tvpn[i] = i;
	for (i = 0; i < n; i++) {
		in[i].idx = (uint32_t)i;
		in[i].tid = tids[i];
	}
	assert_int_equal(tlb_new(&t, c, 1, 0), 0);
	assert_int_equal(tlb_reserve(t, 64, tvpn), 0);
	tlb_run(t, in, n, miss, NULL, 0, tvpn, NULL);
	tlb_get_stats(t, st);
	tlb_free(t);
}

/*
 * --3c-reference, worked by hand for FIFO, where the two references differ.
 *
 * Fully associative FIFO, 2 entries, A B A C A (A=1, B=2, C=3):
 *   A miss (compulsory) [A]; B miss (compulsory) [B A]; A hit; C miss
 *   (compulsory), evicts the oldest, A: [C B]; A miss.
 *   lru:  an LRU TLB of 2 holds A at the end (A was used after B; C evicted
 *         B), so the last miss is a conflict: capacity 0, conflict 1.
 *   same: the reference is the TLB itself (fully associative FIFO of 2), so
 *         it is a capacity miss: capacity 1, conflict 0 (Dinero IV's way:
 *         a fully associative cache has no conflict misses).
 *
 * 4 entries, 2 ways (2 sets, set = page mod 2), FIFO, pages 0 2 4 0 6 8 0
 * (all in set 0):
 *   set 0 (newest first): 0 m [0]; 2 m [2 0]; 4 m [4 2]; 0 m [0 4];
 *   6 m [6 0]; 8 m [8 6]; 0 m [0 8]: 7 misses, 5 compulsory.
 *   FA FIFO of 4: 0 2 4 miss, 0 hits, 6 miss [6 4 2 0], 8 miss evicts 0,
 *   0 misses: the 4th reference is a conflict, the 7th a capacity miss.
 *   FA LRU of 4: 0 2 4, 0 hits [0 4 2], 6 [6 0 4 2], 8 evicts 2 [8 6 0 4],
 *   0 hits: both are conflicts.
 *   lru: capacity 0, conflict 2; same: capacity 1, conflict 1.
 */
static void test_golden_3c_reference(void **state)
{
	static const uint32_t abaca[] = { 1, 2, 1, 3, 1 };
	static const uint32_t evens[] = { 0, 2, 4, 0, 6, 8, 0 };
	static const struct policy_ops *const pols[] = {
		&lru_ops, &fifo_ops, &random_ops, &lfu_ops, &clock_ops,
	};
	struct tlb_config c = { 2, 2, &fifo_ops, TLB_REF_LRU };
	struct tlb_stats st;
	uint32_t tids[64];
	uint64_t x = 3;
	size_t p, i;

	(void)state;
	run3c(&c, abaca, 5, &st);
	assert_int_equal(st.misses, 4);
	assert_int_equal(st.compulsory, 3);
	assert_int_equal(st.capacity, 0);
	assert_int_equal(st.conflict, 1);
	c.ref3c = TLB_REF_SAME;
	run3c(&c, abaca, 5, &st);
	assert_int_equal(st.misses, 4);
	assert_int_equal(st.compulsory, 3);
	assert_int_equal(st.capacity, 1);
	assert_int_equal(st.conflict, 0);

	c.entries = 4;
	c.ref3c = TLB_REF_LRU;
	run3c(&c, evens, 7, &st);
	assert_int_equal(st.misses, 7);
	assert_int_equal(st.compulsory, 5);
	assert_int_equal(st.capacity, 0);
	assert_int_equal(st.conflict, 2);
	c.ref3c = TLB_REF_SAME;
	run3c(&c, evens, 7, &st);
	assert_int_equal(st.misses, 7);
	assert_int_equal(st.compulsory, 5);
	assert_int_equal(st.capacity, 1);
	assert_int_equal(st.conflict, 1);

	/* property: with its own policy as the reference, a fully associative
	 * TLB has no conflict misses, whatever the policy (random: the same
	 * seed); and for LRU both references are the same */
	for (p = 0; p < sizeof pols / sizeof pols[0]; p++) {
		struct tlb_stats a, b;

		for (i = 0; i < 64; i++)
			tids[i] = tbelow(&x, 12);
		c.entries = c.ways = 5;
		c.policy = pols[p];
		c.ref3c = TLB_REF_SAME;
		run3c(&c, tids, 64, &a);
		assert_int_equal(a.conflict, 0);
		assert_true(a.capacity > 0);
		c.entries = 6;
		c.ways = 2;
		run3c(&c, tids, 64, &a);
		c.ref3c = TLB_REF_LRU;
		run3c(&c, tids, 64, &b);
		assert_int_equal(a.misses, b.misses);
		assert_int_equal(a.compulsory, b.compulsory);
		assert_int_equal(a.capacity + a.conflict, b.capacity + b.conflict);
		if (pols[p] == &lru_ops)
			assert_memory_equal(&a, &b, sizeof a);
	}
}

/*
 * Property (issue 18, item 4): a fully associative TLB of E >= U entries,
 * U the distinct translations, behaves exactly as one of U entries, for
 * every policy, with flushes and shootdowns between lookups; up to the
 * largest E allowed, which must cost memory by U, not by E.
 */
static void test_fa_beyond_footprint(void **state)
{
	static const struct policy_ops *const pols[] = {
		&lru_ops, &fifo_ops, &random_ops, &lfu_ops, &clock_ops,
	};
	enum { N = 3000, NT = 90 };
	static uint32_t tids[N];
	static uint64_t tvpn[NT];
	static struct xref in[N], miss[N];
	static struct xevent ev[N];
	uint64_t x = 77;
	size_t p, i, nev = 0, k;

	(void)state;
	for (i = 0; i < NT; i++)
		tvpn[i] = trng(&x) >> tbelow(&x, 60);
	gen_tids(&x, tids, N, NT);
	for (i = 0; i < N; i++) {
		in[i].idx = (uint32_t)i;
		in[i].tid = tids[i];
		if (tbelow(&x, 40) == 0) {
			ev[nev].idx = (uint32_t)i;
			ev[nev].kind = tbelow(&x, 2) ? XEV_FLUSH : XEV_INVAL;
			ev[nev++].arg = tids[tbelow(&x, (uint32_t)i + 1)];
		}
	}
	for (p = 0; p < sizeof pols / sizeof pols[0]; p++) {
		const uint32_t big = pols[p] == &lru_ops || pols[p] == &fifo_ops ?
				     TLB_MAX_ENTRIES : TLB_MAX_POLICY_WAYS;
		const uint32_t es[] = { NT, NT + 1, 2 * NT + 7, 4096, big };
		struct tlb_stats want = { 0 }, st;
		uint64_t shot0 = 0, shot;
		size_t nm0 = 0, nm;
		int r;

		for (r = 0; r < 2; r++) {
			for (k = 0; k < sizeof es / sizeof es[0]; k++) {
				struct tlb_config c = { es[k], es[k], pols[p],
							r ? TLB_REF_SAME : TLB_REF_LRU };
				struct tlb *t = NULL;

				assert_int_equal(tlb_new(&t, &c, 9, 0), 0);
				assert_int_equal(tlb_reserve(t, NT, tvpn), 0);
				shot = 0;
				nm = tlb_run(t, in, N, miss, ev, nev, tvpn, &shot);
				tlb_get_stats(t, &st);
				tlb_free(t);
				if (k == 0) {
					want = st;
					nm0 = nm;
					shot0 = shot;
					assert_int_equal(st.capacity, 0);
					assert_int_equal(st.conflict, 0);
					assert_true(st.invalidation > 0);
					continue;
				}
				assert_int_equal(nm, nm0);
				assert_int_equal(shot, shot0);
				assert_memory_equal(&st, &want, sizeof st);
			}
		}
	}
}

/*
 * The page-walk caches (a hash and a recency list per level, flushed by
 * generation) against a naive model: per level an array of (asid, key) kept
 * most recent first, scanned linearly, emptied by a flush; random walks of
 * base and level-2 (huge) translations in three address spaces, with
 * flushes and single removals between them, in random chunks; walks, walk
 * references and walk-cache hits must agree.
 */
struct npwc {
	uint64_t key[64];  /* most recent first */
	uint32_t asid[64]; /* its address space */
	uint32_t n, cap;   /* in use, N */
};

static int npwc_find(const struct npwc *w, uint32_t asid, uint64_t key)
{
	uint32_t i;

	for (i = 0; i < w->n; i++)
		if (w->key[i] == key && w->asid[i] == asid)
			return (int)i;
	return -1;
}

static void npwc_del(struct npwc *w, int i)
{
	memmove(w->key + i, w->key + i + 1, (w->n - (uint32_t)i - 1) * sizeof *w->key);
	memmove(w->asid + i, w->asid + i + 1, (w->n - (uint32_t)i - 1) * sizeof *w->asid);
	w->n--;
}

static void npwc_front(struct npwc *w, uint32_t asid, uint64_t key)
{
	if (w->n == w->cap)
		w->n--;
	memmove(w->key + 1, w->key, w->n * sizeof *w->key);
	memmove(w->asid + 1, w->asid, w->n * sizeof *w->asid);
	w->key[0] = key;
	w->asid[0] = asid;
	w->n++;
}

static void test_diff_walk_caches(void **state)
{
	enum { N = 5000, NT = 400 };
	static const char *const bits[] = { "9,9,9,9", "2,2,2", "3,1,2,2,3" };
	static const uint32_t caps[] = { 1, 2, 3, 8, 64 };
	static uint64_t vpn[NT];
	static uint8_t level[NT];
	static uint32_t asid[NT];
	static struct xref in[N];
	static struct xevent ev[N];
	struct npwc nw[PT_MAX_LEVELS + 1];
	uint64_t x = 99;
	size_t b, k, i, off, m, nev;

	(void)state;
	for (b = 0; b < sizeof bits / sizeof bits[0]; b++) {
		for (k = 0; k < sizeof caps / sizeof caps[0]; k++) {
			struct pt_config c = { 0 };
			struct xtids tv = { vpn, level, asid, NT };
			struct vm_diag d = { 0 };
			struct pt *p = NULL;
			uint64_t walks = 0, refs = 0, hits = 0, gw, gr, gh, v;
			uint32_t top, l, lc, j, a, end;
			int e;

			c.pte_size = 8;
			c.pwc = caps[k];
			assert_int_equal(pt_parse_bits(bits[b], &c, &d), 0);
			assert_int_equal(pt_geometry(&c, 12, &d), 0);
			top = c.levels;
			for (i = 0; i < NT; i++) {
				/* few upper-level entries, so the caches hit and overflow */
				vpn[i] = (trng(&x) & 0xff) << tbelow(&x, 4 * top) | tbelow(&x, 64);
				vpn[i] &= (1ull << pt_shift_below(&c, top + 1)) - 1;
				level[i] = (uint8_t)(tbelow(&x, 5) == 0 ? 2 : 1);
				if (level[i] == 2)
					vpn[i] >>= pt_shift_below(&c, 2);
				asid[i] = tbelow(&x, 3);
			}
			for (l = 0; l <= PT_MAX_LEVELS; l++) {
				nw[l].n = 0;
				nw[l].cap = caps[k];
			}
			assert_int_equal(pt_new(&p, &c), 0);
			for (off = 0; off < N; off += m) {
				m = 1 + tbelow(&x, 600);
				if (m > N - off)
					m = N - off;
				nev = 0;
				for (i = 0; i < m; i++) {
					uint32_t tid = tbelow(&x, NT);

					while (tbelow(&x, 12) == 0) {
						struct xevent *q = &ev[nev++];

						q->idx = (uint32_t)i;
						if (tbelow(&x, 3) == 0) {
							q->kind = XEV_FLUSH;
							for (l = 2; l <= top; l++)
								nw[l].n = 0;
						} else {
							uint32_t u = tbelow(&x, NT);

							q->kind = XEV_PWC_INVAL;
							q->arg = 2 + tbelow(&x, top);
							q->asid = asid[u];
							q->key = level[u] == 1 ? vpn[u] >> pt_shift_below(&c, q->arg) :
								 vpn[u];
							if (q->arg <= top &&
							    (e = npwc_find(&nw[q->arg], q->asid, q->key)) >= 0)
								npwc_del(&nw[q->arg], e);
						}
					}
					in[i].idx = (uint32_t)i;
					in[i].tid = tid;
					/* the naive walk, as pagetable.c's essay reads */
					lc = level[tid];
					v = vpn[tid];
					a = asid[tid];
					walks++;
					if (lc >= top) {
						refs += top - lc + 1;
						continue;
					}
					for (l = lc + 1; l <= top; l++) {
						uint64_t key = v >> (pt_shift_below(&c, l) - pt_shift_below(&c, lc));

						if ((e = npwc_find(&nw[l], a, key)) >= 0) {
							npwc_del(&nw[l], e);
							npwc_front(&nw[l], a, key);
							break;
						}
					}
					if (l <= top) {
						hits++;
						refs += l - lc;
						end = l;
					} else {
						refs += top - lc + 1;
						end = top + 1;
					}
					for (j = lc + 1; j < end; j++)
						npwc_front(&nw[j], a,
							   v >> (pt_shift_below(&c, j) - pt_shift_below(&c, lc)));
				}
				pt_run(p, in, m, ev, nev, &tv);
			}
			pt_get_stats(p, &gw, &gr, &gh);
			if (gw != walks || gr != refs || gh != hits)
				fail_msg("--pt-bits %s --pwc %u: walks %llu/%llu refs %llu/%llu hits %llu/%llu",
					 bits[b], caps[k], (unsigned long long)gw,
					 (unsigned long long)walks, (unsigned long long)gr,
					 (unsigned long long)refs, (unsigned long long)gh,
					 (unsigned long long)hits);
			assert_true(hits > 0 && hits < walks);
			pt_free(p);
		}
	}
}

/* tlb-curve's one pass (LRU) and its per-size replays against one TLB per
 * point, fed in random chunks. */
static void test_diff_curve(void **state)
{
	enum { N = 20000, NT = 400 };
	static uint32_t tids[N];
	static uint64_t tvpn[NT];
	static struct xref in[N], miss[N];
	static const uint32_t pts_def[][2] = {
		{ 1, 1 }, { 8, 1 }, { 8, 2 }, { 8, 8 }, { 16, 2 }, { 16, 4 }, { 32, 4 }, { 32, 32 },
		{ 48, 4 }, { 64, 4 }, { 64, 64 }, { 128, 8 }, { 256, 256 }, { 12, 12 }, { 96, 8 },
		{ 24, 2 }, { 512, 4 }, { 2, 2 }, { 3, 3 }, { 5, 5 }, { 100, 100 }, { 300, 300 },
		{ 1000, 1000 }, { 4, 1 }, { 40, 40 }, { 33, 33 },
	};
	enum { NP = sizeof pts_def / sizeof pts_def[0] };
	struct tlb_curve_point pts[2 * NP];
	uint64_t x = 99;
	size_t i, j, off, m;
	int rep;

	(void)state;
	for (rep = 0; rep < 4; rep++) {
		struct tlb_curve *c = NULL;

		for (i = 0; i < NT; i++)
			tvpn[i] = rep & 1 ? i * 3 : trng(&x) >> tbelow(&x, 60);
		gen_tids(&x, tids, N, NT);
		memset(pts, 0, sizeof pts);
		for (j = 0; j < NP; j++) {
			tlbc(&pts[j].tlb, pts_def[j][0], pts_def[j][1], &lru_ops);
			tlbc(&pts[NP + j].tlb, pts_def[j][0], pts_def[j][1],
			     j % 2 ? &fifo_ops : &random_ops);
		}
		assert_int_equal(tlb_curve_new(&c, pts, 2 * NP, 3), 0);
		for (off = 0; off < N; off += m) {
			m = 1 + tbelow(&x, 5000);
			if (m > N - off)
				m = N - off;
			assert_int_equal(tlb_curve_feed(c, tids + off, m, tvpn, NT), 0);
		}
		tlb_curve_finish(c);
		tlb_curve_free(c);
		for (j = 0; j < 2 * NP; j++) {
			struct tlb *t = NULL;
			struct tlb_stats st;

			assert_int_equal(pts[j].one_pass, j < NP);
			assert_int_equal(tlb_new(&t, &pts[j].tlb, 3, 0), 0);
			assert_int_equal(tlb_reserve(t, NT, tvpn), 0);
			for (i = 0; i < N; i++) {
				in[i].idx = (uint32_t)i;
				in[i].tid = tids[i];
			}
			tlb_run(t, in, N, miss, NULL, 0, tvpn, NULL);
			tlb_get_stats(t, &st);
			if (memcmp(&st, &pts[j].st, sizeof st))
				fail_msg("curve %u:%u %s: misses %llu vs %llu, capacity %llu vs %llu, "
					 "conflict %llu vs %llu", pts[j].tlb.entries, pts[j].tlb.ways,
					 pts[j].tlb.policy->name,
					 (unsigned long long)pts[j].st.misses, (unsigned long long)st.misses,
					 (unsigned long long)pts[j].st.capacity, (unsigned long long)st.capacity,
					 (unsigned long long)pts[j].st.conflict, (unsigned long long)st.conflict);
			assert_int_equal(st.misses, st.compulsory + st.capacity + st.conflict);
			tlb_free(t);
		}
		/* sizes smaller than the tids in use, so the fully associative stack
		 * fills and drops its deepest tid: only 1-entry TLBs, then up to 128 */
		{
			static const uint32_t small[][2] = { { 1, 1 }, { 16, 16 }, { 64, 64 },
							     { 128, 128 }, { 32, 4 }, { 48, 4 } };
			struct tlb_curve_point sp[6];
			size_t ns, q;

			for (ns = 1; ns <= 6; ns += 5) {
				struct tlb_curve *c1 = NULL;

				memset(sp, 0, sizeof sp);
				for (q = 0; q < ns; q++)
					tlbc(&sp[q].tlb, small[q][0], small[q][1], &lru_ops);
				assert_int_equal(tlb_curve_new(&c1, sp, ns, 3), 0);
				assert_int_equal(tlb_curve_feed(c1, tids, N, tvpn, NT), 0);
				tlb_curve_finish(c1);
				tlb_curve_free(c1);
				for (q = 0; q < ns; q++) {
					struct tlb *t = NULL;
					struct tlb_stats st;

					assert_int_equal(tlb_new(&t, &sp[q].tlb, 3, 0), 0);
					assert_int_equal(tlb_reserve(t, NT, tvpn), 0);
					for (i = 0; i < N; i++) {
						in[i].idx = (uint32_t)i;
						in[i].tid = tids[i];
					}
					tlb_run(t, in, N, miss, NULL, 0, tvpn, NULL);
					tlb_get_stats(t, &st);
					assert_memory_equal(&st, &sp[q].st, sizeof st);
					tlb_free(t);
				}
			}
		}
		/* inclusion: for LRU at a fixed set count, more ways never miss more */
		assert_true(pts[1].st.misses >= pts[2].st.misses); /* 8:1 vs 16:2 (8 sets) */
		assert_true(pts[2].st.misses >= pts[6].st.misses); /* 16:2... 32:4 (8 sets) */
	}
}

/* ------------------------------------------------------------ engine */

/* a random trace at 4K pages over npages pages (several kinds, one asid) */
static void gen_refs(uint64_t *x, struct ref *r, size_t n, uint32_t npages, uint32_t nasids)
{
	uint64_t salt = trng(x) & 0xffff;
	size_t i;

	for (i = 0; i < n; i++) {
		uint32_t p;

		if (i && tbelow(x, 4))
			p = (uint32_t)((r[i - 1 - tbelow(x, i < 16 ? (uint32_t)i : 16)].addr >> 12) - salt);
		else
			p = tbelow(x, npages);
		r[i] = mkref(((uint64_t)(p + salt) << 12) + tbelow(x, 4096),
			     (int)tbelow(x, REF_NKINDS), nasids > 1 ? tbelow(x, nasids) : 0);
	}
}

/*
 * A fully associative LRU TLB of E entries misses exactly as often as LRU
 * page replacement with E frames faults: both keep the E most recently used
 * pages (with enough frames for the paging model beside the TLB that nothing
 * is evicted, so nothing is shot down).  Checked against the engine in
 * loaded and streaming mode, for E on both sides of 16 (both organisations).
 */
static void test_fa_equals_lru_paging(void **state)
{
	enum { N = 12000 };
	static struct ref r[N];
	static const uint32_t es[] = { 1, 2, 3, 7, 16, 17, 32, 61, 100 };
	struct xlate_config xc;
	struct engine_stats est, lst, sst;
	struct xlate_stats xst;
	struct loaded_trace lt;
	struct engine_config ec = { .policy = &lru_ops, .page_shift = 12 };
	struct vm_diag d = { 0 };
	struct sim *s = NULL;
	uint64_t x = 3;
	size_t i;
	int rep;

	(void)state;
	for (rep = 0; rep < 4; rep++) {
		gen_refs(&x, r, N, 40 + 60 * (uint32_t)rep, 1);
		assert_int_equal(loaded_init(&lt, 12, &d), 0);
		assert_int_equal(loaded_add(&lt, r, N, &d), 0);
		loaded_finish(&lt);
		for (i = 0; i < sizeof es / sizeof es[0]; i++) {
			xc_init(&xc, 12);
			tlbc(&xc.tlb, es[i], es[i], &lru_ops);
			xrun(&xc, &lru_ops, 100000, r, N, &est, &xst);
			assert_int_equal(est.evictions, 0);
			ec.frames = es[i];
			assert_int_equal(sim_run_loaded(&lt, &ec, &lst, &d), 0);
			assert_int_equal(sim_new(&s, &ec, &d), 0);
			assert_int_equal(sim_refs(s, r, N), 0);
			sim_result(s, &sst);
			sim_free(s);
			assert_int_equal(xst.tlb.misses, lst.faults);
			assert_int_equal(xst.tlb.misses, sst.faults);
			assert_int_equal(xst.tlb.conflict, 0); /* it is its own shadow */
			assert_int_equal(xst.tlb.compulsory, lst.compulsory);
		}
		loaded_free(&lt);
	}
}

/*
 * With shootdowns a TLB holds translations of resident pages only, so a fully
 * associative TLB with at least as many entries as frames never replaces
 * anything: it misses exactly on the faults, whatever the paging policy.
 */
static void test_tlb_tracks_residency(void **state)
{
	enum { N = 8000 };
	static struct ref r[N];
	static const struct policy_ops *const pols[] = {
		&fifo_ops, &random_ops, &lru_ops, &lfu_ops, &clock_ops,
	};
	struct xlate_config xc;
	struct engine_stats est;
	struct xlate_stats xst;
	uint64_t x = 17;
	size_t p;
	uint32_t f;

	(void)state;
	gen_refs(&x, r, N, 120, 2);
	for (p = 0; p < sizeof pols / sizeof pols[0]; p++) {
		for (f = 1; f <= 40; f += 13) {
			xc_init(&xc, 12);
			tlbc(&xc.tlb, f + p, f + p, &lru_ops);
			xrun(&xc, pols[p], f, r, N, &est, &xst);
			assert_true(est.evictions > 0);
			assert_int_equal(xst.tlb.misses, est.faults);
			/* fewer entries than frames: at least the faults */
			tlbc(&xc.tlb, 1, 1, &lru_ops);
			xrun(&xc, pols[p], f + 1, r, N, &est, &xst);
			assert_true(xst.tlb.misses >= est.faults);
		}
	}
}

static void assert_same(const struct engine_stats *a, const struct xlate_stats *xa,
			const struct engine_stats *b, const struct xlate_stats *xb)
{
	assert_int_equal(a->faults, b->faults);
	assert_int_equal(a->hits, b->hits);
	assert_int_equal(a->writebacks, b->writebacks);
	assert_int_equal(a->distinct_pages, b->distinct_pages);
	if (memcmp(xa, xb, sizeof *xa))
		fail_msg("translation stats differ: tlb misses %llu vs %llu, walks %llu vs %llu, "
			 "stlb %llu vs %llu", (unsigned long long)xa->tlb.misses,
			 (unsigned long long)xb->tlb.misses, (unsigned long long)xa->walks,
			 (unsigned long long)xb->walks, (unsigned long long)xa->stlb.misses,
			 (unsigned long long)xb->stlb.misses);
}

/*
 * Streaming (xlate_refs in random batches) and loaded (xlate_load from a
 * file, runs over the ids) agree on everything, for random combinations of
 * split or unified L1, STLB, walk caches, huge pages, ASIDs and policies;
 * OPT's next-use times through the translation model give the engine's OPT.
 */
static void test_stream_equals_loaded(void **state)
{
	enum { N = 15000 };
	static struct ref r[N];
	static const struct policy_ops *const pols[] = { &lru_ops, &fifo_ops, &clock_ops };
	struct xlate_config xc;
	struct engine_config ec = { .page_shift = 12, .seed = 1 };
	struct engine_stats e1, e2;
	struct xlate_stats x1, x2;
	struct xlate_source *src;
	struct xlate_trace *xt;
	struct loaded_trace lt;
	struct vm_diag d = { 0 };
	uint64_t x = 23;
	const char *paths[1];
	char *path;
	int rep;

	(void)state;
	for (rep = 0; rep < 12; rep++) {
		gen_refs(&x, r, N, 300 + 2000 * (uint32_t)(rep % 3), 1 + (uint32_t)(rep % 3));
		path = write_text(r, N);
		xc_init(&xc, 12);
		if (rep % 2) {
			tlbc(&xc.itlb, 16, 4, &lru_ops);
			tlbc(&xc.dtlb, 32, 32, rep % 4 == 1 ? &clock_ops : &lru_ops);
		} else {
			tlbc(&xc.tlb, 24, 3, rep % 4 ? &fifo_ops : &lru_ops);
		}
		if (rep % 3)
			tlbc(&xc.stlb, 96, 6, &lru_ops);
		xc.pt.pwc = rep % 4 ? 4 : 0;
		xc.asid_tagged = rep % 5 != 0;
		xc.huge = (enum xlate_huge)(rep % 3);
		xc.huge_shift = 21;
		xc.thp_fraction = 0.02;
		ec.policy = pols[rep % 3];
		ec.frames = 50 + 10 * (uint32_t)rep;
		xrun(&xc, ec.policy, ec.frames, r, N, &e1, &x1);
		paths[0] = path;
		assert_int_equal(xlate_source_open(&src, paths, 1, NULL, 0, &d), 0);
		assert_int_equal(xlate_load(&xt, src, &xc, 1, NULL, &d), 0);
		xlate_source_close(src);
		assert_int_equal(xlate_trace_refs(xt), N);
		assert_int_equal(xlate_run_loaded(xt, &ec, &e2, &x2, &d), 0);
		assert_same(&e1, &x1, &e2, &x2);
		if (xc.huge == XLATE_HUGE_AUTO && rep % 3 == 2)
			assert_true(x1.promotions > 0);
		/* OPT: single address space, so the engine's own page ids agree */
		if (rep % 3 == 0) {
			ec.policy = &opt_ops;
			assert_int_equal(xlate_run_loaded(xt, &ec, &e2, &x2, &d), 0);
			assert_int_equal(loaded_init(&lt, 12, &d), 0);
			assert_int_equal(loaded_add(&lt, r, N, &d), 0);
			loaded_finish(&lt);
			assert_int_equal(loaded_compute_next(&lt, &d), 0);
			assert_int_equal(sim_run_loaded(&lt, &ec, &e1, &d), 0);
			assert_int_equal(e1.faults, e2.faults);
			assert_int_equal(e1.writebacks, e2.writebacks);
			loaded_free(&lt);
		}
		xlate_trace_free(xt);
		unlink(path);
		free(path);
	}
}

/* Properties of walks and caches on random traces. */
static void test_properties(void **state)
{
	enum { N = 10000 };
	static struct ref r[N];
	struct xlate_config xc;
	struct engine_stats est;
	struct xlate_stats a, b;
	uint64_t x = 31;
	int rep;

	(void)state;
	for (rep = 0; rep < 6; rep++) {
		gen_refs(&x, r, N, 5000, 1 + (uint32_t)(rep % 2));
		xc_init(&xc, 12);
		tlbc(&xc.tlb, 16, 4, &lru_ops);
		tlbc(&xc.stlb, 64, 8, &lru_ops);
		xc.asid_tagged = rep % 2;
		xrun(&xc, &lru_ops, 4000, r, N, &est, &a);
		xc.pt.pwc = 1 + (uint32_t)rep * 8;
		xrun(&xc, &lru_ops, 4000, r, N, &est, &b);
		/* walk caches change what a walk costs, never whether it happens */
		assert_int_equal(a.walks, b.walks);
		assert_int_equal(a.walk_refs, a.walks * 4);
		assert_true(b.walk_refs < a.walk_refs);
		assert_true(b.walk_refs >= b.walks);
		/* the STLB sees exactly the L1 misses; walks are its misses */
		assert_int_equal(a.stlb.hits + a.stlb.misses, a.tlb.misses);
		assert_int_equal(a.walks, a.stlb.misses);
		assert_int_equal(a.tlb.hits + a.tlb.misses, N);
		assert_int_equal(a.tlb.misses, a.tlb.compulsory + a.tlb.capacity +
				 a.tlb.conflict + a.tlb.invalidation);
		assert_int_equal(a.stlb.misses, a.stlb.compulsory + a.stlb.capacity +
				 a.stlb.conflict + a.stlb.invalidation);
		if (!xc.asid_tagged && a.asids > 1)
			assert_true(a.flushes > 0 && a.flushes == a.switches);
		/* the cost model adds up */
		assert_true(a.xlate_ns == N * 1.0 + (double)a.tlb.misses * 7 +
					  (double)a.walk_refs * 100);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tlb_parse),
		cmocka_unit_test(test_pt_geometry),
		cmocka_unit_test(test_config_check),
		cmocka_unit_test(test_address_range),
		cmocka_unit_test(test_golden_int_loop),
		cmocka_unit_test(test_walk_levels),
		cmocka_unit_test(test_golden_pwc),
		cmocka_unit_test(test_golden_footprint),
		cmocka_unit_test(test_golden_asid),
		cmocka_unit_test(test_interleave_source),
		cmocka_unit_test(test_golden_shootdown),
		cmocka_unit_test(test_golden_thp),
		cmocka_unit_test(test_diff_ordered),
		cmocka_unit_test(test_diff_policies),
		cmocka_unit_test(test_diff_flush_generation),
		cmocka_unit_test(test_golden_3c_reference),
		cmocka_unit_test(test_fa_beyond_footprint),
		cmocka_unit_test(test_diff_walk_caches),
		cmocka_unit_test(test_diff_curve),
		cmocka_unit_test(test_fa_equals_lru_paging),
		cmocka_unit_test(test_tlb_tracks_residency),
		cmocka_unit_test(test_stream_equals_loaded),
		cmocka_unit_test(test_properties),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
