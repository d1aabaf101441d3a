/*
 * test_policies.c - the replacement policies, alone and through the engine.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 *
 *   registry    policy_find, policy_names, the ops tables and their flags
 *   golden      hand-computed textbook cases, the working in the comments:
 *               Belady's anomaly string for FIFO, OPT, LRU and clock; LFU
 *               with aging; write-backs; the random policy's draw sequence
 *   differential every policy against tests/naive.c on hundreds of random
 *               traces of varied length, page count, frame count and
 *               locality, three ways: the policy's ops driven directly
 *               (fault for fault and frame for frame), the loaded engine
 *               and the streaming engine (totals), and the streaming engine
 *               stepped one reference at a time (fault for fault)
 *   properties  OPT never faults more than any policy; LRU and OPT never
 *               fault more with more frames; compulsory == distinct pages;
 *               hits + faults == refs; random is reproducible from its seed
 *   frames beyond pages  a policy grown frame by frame makes the choices of
 *               one created at full size, victim for victim; any memory of
 *               at least the distinct pages gives the row of exactly the
 *               distinct pages, loaded and streaming, for every policy and
 *               up to 2^31 - 1 frames; streaming across the engine's growth
 *               of per-frame state equals loaded
 *
 * Adding a policy: its name in the extern and policy_table below (and teach
 * naive.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "naive.h"
#include "policy.h"
#include "replay.h"

/* Every policy the tests know, in registry order (policy.h lists none). */
extern const struct policy_ops opt_ops, fifo_ops, random_ops, lru_ops, lfu_ops, clock_ops;
static const struct policy_ops *const policy_table[] = {
	&opt_ops, &fifo_ops, &random_ops, &lru_ops, &lfu_ops, &clock_ops,
};
#define NPOLICIES (sizeof policy_table / sizeof policy_table[0])

/* ------------------------------------------------------------ helpers */

/* The tests' own generator (splitmix64), unrelated to the policies' use of
 * the same algorithm: it only makes traces. */
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

struct trace {
	uint64_t *pages;        /* page numbers (== addresses: page size 1) */
	unsigned char *writes;  /* 1 where the reference stores */
	struct ref *refs;       /* the same as struct ref, for the engine */
	size_t n;               /* references */
	uint32_t distinct;      /* distinct pages */
};

enum mix {
	MIX_UNIFORM,   /* independent uniform picks */
	MIX_LOOP,      /* cyclic scan, occasionally jumping */
	MIX_HOTCOLD,   /* 90% from a hot fifth of the pages */
	MIX_PHASES,    /* a working set that moves every so often */
	MIX_RECENT,    /* mostly re-touch one of the last 8 references */
	MIX_COUNT,
};

static void trace_free(struct trace *tr)
{
	free(tr->pages);
	free(tr->writes);
	free(tr->refs);
	memset(tr, 0, sizeof *tr);
}

/* Turn page indices 0..npages-1 into scattered 64-bit page numbers (an odd
 * multiplier is a bijection), so the engine's page map sees real keys. */
static uint64_t scatter(uint32_t idx, uint64_t salt)
{
	return ((uint64_t)idx * UINT64_C(0x9e3779b97f4a7c15)) ^ salt;
}

static void trace_finish(struct trace *tr)
{
	size_t i, j;

	tr->refs = calloc(tr->n ? tr->n : 1, sizeof *tr->refs);
	assert_non_null(tr->refs);
	tr->distinct = 0;
	for (i = 0; i < tr->n; i++) {
		tr->refs[i].addr = tr->pages[i];
		tr->refs[i].kind = tr->writes[i] ? REF_STORE : REF_LOAD;
		for (j = 0; j < i; j++)
			if (tr->pages[j] == tr->pages[i])
				break;
		tr->distinct += j == i;
	}
}

static void trace_from(struct trace *tr, const uint64_t *pages,
		       const unsigned char *writes, size_t n)
{
	tr->n = n;
	tr->pages = malloc(n * sizeof *tr->pages);
	tr->writes = calloc(n, 1);
	assert_non_null(tr->pages);
	assert_non_null(tr->writes);
	memcpy(tr->pages, pages, n * sizeof *pages);
	if (writes)
		memcpy(tr->writes, writes, n);
	trace_finish(tr);
}

static void trace_gen(struct trace *tr, uint64_t *x, size_t n, uint32_t npages,
		      enum mix mix)
{
	uint64_t salt = trng(x);
	uint32_t hot = npages / 5 ? npages / 5 : 1, cur = 0, base = 0, idx;
	uint32_t wpct = (uint32_t[]){ 0, 30, 100 }[tbelow(x, 3)];
	uint32_t phase = 50 + tbelow(x, 400), wset = 1 + tbelow(x, npages);
	size_t i;

	tr->n = n;
	tr->pages = malloc((n ? n : 1) * sizeof *tr->pages);
	tr->writes = calloc(n ? n : 1, 1);
	assert_non_null(tr->pages);
	assert_non_null(tr->writes);
	for (i = 0; i < n; i++) {
		switch (mix) {
		case MIX_LOOP:
			idx = cur;
			cur = tbelow(x, 50) ? (cur + 1) % npages : tbelow(x, npages);
			break;
		case MIX_HOTCOLD:
			idx = tbelow(x, 10) ? tbelow(x, hot) : tbelow(x, npages);
			break;
		case MIX_PHASES:
			if (i % phase == 0)
				base = tbelow(x, npages);
			idx = (base + tbelow(x, wset)) % npages;
			break;
		case MIX_RECENT:
			if (i > 0 && tbelow(x, 10) < 7) {
				size_t back = 1 + tbelow(x, 8);

				tr->pages[i] = tr->pages[i > back ? i - back : 0];
				tr->writes[i] = tbelow(x, 100) < wpct;
				continue;
			}
			idx = tbelow(x, npages);
			break;
		default:
			idx = tbelow(x, npages);
			break;
		}
		tr->pages[i] = scatter(idx, salt);
		tr->writes[i] = tbelow(x, 100) < wpct;
	}
	trace_finish(tr);
}

static void cfg_make(struct engine_config *c, const struct policy_ops *ops,
		     uint32_t frames, uint64_t seed, uint64_t k)
{
	memset(c, 0, sizeof *c);
	c->policy = ops;
	c->frames = frames;
	c->page_shift = 0;
	c->seed = seed;
	c->lfu_aging = k;
}

/* Decode tr into a loaded trace with next-use times. */
static void load(struct loaded_trace *lt, const struct trace *tr)
{
	struct vm_diag d = { 0 };

	assert_int_equal(loaded_init(lt, 0, &d), 0);
	assert_int_equal(loaded_add(lt, tr->refs, tr->n, &d), 0);
	loaded_finish(lt);
	assert_int_equal(loaded_compute_next(lt, &d), 0);
	assert_int_equal(lt->n, tr->n);
	assert_int_equal(lt->npages, tr->distinct);
}

static void run_loaded(const struct loaded_trace *lt, const struct policy_ops *ops,
		       uint32_t frames, uint64_t seed, uint64_t k,
		       struct engine_stats *st)
{
	struct engine_config c;
	struct vm_diag d = { 0 };
	int rc;

	cfg_make(&c, ops, frames, seed, k);
	rc = sim_run_loaded(lt, &c, st, &d);
	if (rc)
		fail_msg("sim_run_loaded(%s, %u): %d %s", ops->name, frames, rc, d.msg);
}

/* Stream tr through the engine in batches of up to batch refs. */
static void run_stream(const struct trace *tr, const struct policy_ops *ops,
		       uint32_t frames, uint64_t seed, uint64_t k, size_t batch,
		       struct engine_stats *st)
{
	struct engine_config c;
	struct vm_diag d = { 0 };
	struct sim *s = NULL;
	size_t i, m;

	cfg_make(&c, ops, frames, seed, k);
	assert_int_equal(sim_new(&s, &c, &d), 0);
	for (i = 0; i < tr->n; i += m) {
		m = tr->n - i < batch ? tr->n - i : batch;
		assert_int_equal(sim_refs(s, tr->refs + i, m), 0);
	}
	sim_result(s, st);
	sim_free(s);
}

/* Stream one reference at a time, noting which ones faulted. */
static void run_stepwise(const struct trace *tr, const struct policy_ops *ops,
			 uint32_t frames, uint64_t seed, uint64_t k,
			 unsigned char *fault_at, struct engine_stats *st)
{
	struct engine_config c;
	struct vm_diag d = { 0 };
	struct sim *s = NULL;
	uint64_t before;
	size_t i;

	cfg_make(&c, ops, frames, seed, k);
	assert_int_equal(sim_new(&s, &c, &d), 0);
	for (i = 0; i < tr->n; i++) {
		sim_result(s, st);
		before = st->faults;
		assert_int_equal(sim_refs(s, tr->refs + i, 1), 0);
		sim_result(s, st);
		fault_at[i] = (unsigned char)(st->faults - before);
	}
	sim_result(s, st);
	sim_free(s);
}

/*
 * Drive a policy's ops directly: the engine's contract (policy.h) in a few
 * lines with linear scans, so a policy can be checked fault for fault and
 * frame for frame apart from the engine.  Next-use times come from a forward
 * scan, dirtiness and counters as in the engine.
 */
/* When nonzero, drive() creates the policy for this many frames (at most
 * frames) and grows it, doubling, whenever every allocated frame is full and
 * more remain: the engine's way with memories larger than the pages seen. */
static uint32_t drive_start;

static void drive(const struct policy_ops *ops, const struct trace *tr,
		  uint32_t frames, uint64_t seed, uint64_t k, struct naive_result *r)
{
	struct policy_params pp = { .frames = frames, .seed = seed, .lfu_aging = k };
	uint32_t cap = drive_start && drive_start < frames ? drive_start : frames;
	uint64_t *frame_page = calloc(frames, sizeof *frame_page);
	unsigned char *dirty = calloc(frames, 1);
	uint64_t *seen = calloc(tr->n ? tr->n : 1, sizeof *seen), next;
	size_t nseen = 0, t, j;
	uint32_t used = 0, f;
	void *st = NULL;

	assert_non_null(frame_page);
	assert_non_null(dirty);
	assert_non_null(seen);
	r->refs = r->hits = r->faults = r->compulsory = r->evictions = r->writebacks = 0;
	if (!k && (ops->flags & POLICY_AGING))
		pp.lfu_aging = lfu_default_aging(frames); /* as the engine does */
	pp.frames = cap;
	assert_int_equal(ops->create(&st, &pp), 0);
	for (t = 0; t < tr->n; t++) {
		r->refs++;
		next = POLICY_NEVER;
		for (j = t + 1; j < tr->n; j++)
			if (tr->pages[j] == tr->pages[t]) {
				next = j;
				break;
			}
		for (f = 0; f < used; f++)
			if (frame_page[f] == tr->pages[t])
				break;
		if (f < used) {
			r->hits++;
			dirty[f] |= tr->writes[t];
			ops->hit(st, f, t, next);
			if (r->fault_at)
				r->fault_at[t] = 0;
		} else {
			r->faults++;
			for (j = 0; j < nseen && seen[j] != tr->pages[t]; j++)
				;
			if (j == nseen) {
				seen[nseen++] = tr->pages[t];
				r->compulsory++;
			}
			if (used < frames) {
				if (used == cap) {
					cap = cap * 2 < frames ? cap * 2 : frames;
					assert_int_equal(ops->grow(st, cap), 0);
				}
				f = used++;
			} else {
				assert_int_equal(cap, frames);
				f = ops->victim(st, t);
				assert_true(f < frames);
				r->evictions++;
				r->writebacks += dirty[f];
			}
			frame_page[f] = tr->pages[t];
			dirty[f] = tr->writes[t];
			ops->fill(st, f, t, next);
			if (r->fault_at)
				r->fault_at[t] = 1;
		}
		if (r->frame_at)
			r->frame_at[t] = f;
	}
	ops->destroy(st);
	free(frame_page);
	free(dirty);
	free(seen);
}

static void naive(const char *policy, const struct trace *tr, uint32_t frames,
		  uint64_t seed, uint64_t k, struct naive_result *r)
{
	assert_int_equal(naive_run(policy, tr->pages, tr->writes, tr->n, frames,
				   seed, k, r), 0);
}

static void assert_same_totals(const struct naive_result *want,
			       const struct engine_stats *got, const char *what,
			       const char *policy, uint32_t frames, uint64_t k)
{
	if (want->faults != got->faults || want->hits != got->hits ||
	    want->compulsory != got->compulsory ||
	    want->evictions != got->evictions ||
	    want->writebacks != got->writebacks || want->refs != got->refs)
		fail_msg("%s %s frames=%u K=%llu: naive faults/hits/comp/evict/wb "
			 "%llu/%llu/%llu/%llu/%llu, engine %llu/%llu/%llu/%llu/%llu",
			 what, policy, frames, (unsigned long long)k,
			 (unsigned long long)want->faults, (unsigned long long)want->hits,
			 (unsigned long long)want->compulsory,
			 (unsigned long long)want->evictions,
			 (unsigned long long)want->writebacks,
			 (unsigned long long)got->faults, (unsigned long long)got->hits,
			 (unsigned long long)got->compulsory,
			 (unsigned long long)got->evictions,
			 (unsigned long long)got->writebacks);
}

/* Faults of policy on tr at frames, checked every way that applies. */
static uint64_t faults_all_ways(const char *policy, const struct trace *tr,
				uint32_t frames, uint64_t seed, uint64_t k)
{
	const struct policy_ops *ops = policy_find(policy);
	struct naive_result want = { 0 }, got = { 0 };
	struct loaded_trace lt;
	struct engine_stats st;

	assert_non_null(ops);
	naive(policy, tr, frames, seed, k, &want);
	drive(ops, tr, frames, seed, k, &got);
	assert_int_equal(got.faults, want.faults);
	assert_int_equal(got.writebacks, want.writebacks);
	load(&lt, tr);
	run_loaded(&lt, ops, frames, seed, k, &st);
	loaded_free(&lt);
	assert_same_totals(&want, &st, "loaded", policy, frames, k);
	if (!(ops->flags & POLICY_NEEDS_FUTURE)) {
		run_stream(tr, ops, frames, seed, k, 5, &st);
		assert_same_totals(&want, &st, "stream", policy, frames, k);
	}
	return want.faults;
}

/* ----------------------------------------------------------- registry */

static void test_registry_find(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NPOLICIES; i++) {
		assert_ptr_equal(policy_registry[i], policy_table[i]);
		assert_ptr_equal(policy_find(policy_table[i]->name), policy_table[i]);
	}
	assert_null(policy_registry[NPOLICIES]);
	assert_null(policy_find("lur"));
	assert_null(policy_find("LRU"));   /* case-sensitive */
	assert_null(policy_find("lru "));
	assert_null(policy_find(""));
	assert_null(policy_find(NULL));
}

static void test_registry_names(void **state)
{
	char buf[64], small[10];

	(void)state;
	assert_string_equal(policy_names(buf, sizeof buf, " "),
			    "opt fifo random lru lfu clock");
	assert_string_equal(policy_names(buf, sizeof buf, ", "),
			    "opt, fifo, random, lru, lfu, clock");
	/* truncation keeps whole names: "opt fifo" is 8 bytes + NUL */
	assert_string_equal(policy_names(small, sizeof small, " "), "opt fifo");
	assert_string_equal(policy_names(small, 4, " "), "opt");
	assert_string_equal(policy_names(small, 3, " "), "");
	assert_string_equal(policy_names(small, 1, " "), "");
	small[0] = 'x';
	assert_ptr_equal(policy_names(small, 0, " "), small);
	assert_int_equal(small[0], 'x'); /* n == 0: untouched */
}

static void test_registry_ops(void **state)
{
	struct policy_params pp = { .frames = 1, .seed = 1, .lfu_aging = 0 };
	size_t i, j;
	void *st;

	(void)state;
	for (i = 0; i < NPOLICIES; i++) {
		const struct policy_ops *o = policy_table[i];

		assert_non_null(o->name);
		assert_non_null(o->summary);
		assert_non_null(o->create);
		assert_non_null(o->destroy);
		assert_non_null(o->hit);
		assert_non_null(o->fill);
		assert_non_null(o->victim);
		for (j = 0; j < i; j++)
			assert_string_not_equal(o->name, policy_table[j]->name);
		o->destroy(NULL);
		/* one frame: fill it, hit it, and it is always the victim */
		st = NULL;
		assert_int_equal(o->create(&st, &pp), 0);
		assert_non_null(st);
		o->fill(st, 0, 0, 2);
		o->hit(st, 0, 1, POLICY_NEVER);
		assert_int_equal(o->victim(st, 2), 0);
		o->fill(st, 0, 2, POLICY_NEVER);
		assert_int_equal(o->victim(st, 3), 0);
		o->destroy(st);
	}
	assert_int_equal(opt_ops.flags, POLICY_NEEDS_FUTURE | POLICY_STACK);
	assert_int_equal(lru_ops.flags, POLICY_STACK);
	assert_int_equal(random_ops.flags, POLICY_RANDOMIZED);
	assert_int_equal(fifo_ops.flags, 0);
	assert_int_equal(lfu_ops.flags, POLICY_AGING);
	assert_int_equal(clock_ops.flags, 0);
}

/*
 * LFU when several aging periods pass between two calls (the engine calls
 * every reference, but a TLB set or another caller may not): all the
 * buckets that halve to the same count merge, in last-use order.  Worked by
 * hand, K = 100, four frames:
 *
 *   t   0    1    2    3    4    5    6    7    8    9    10   11
 *       F0   F1   H1   F2   H2   H2   F3   H3   H3   H3   H0   victim, F1
 *
 *   before t = 11: counts f0 2 (last 10), f1 2 (last 2), f2 3 (last 5),
 *   f3 4 (last 9); victim(11) is f1 (fewest, oldest), refilled: count 1.
 *   At t = 1000 ten periods have passed: every count >> 10 = 0, so the
 *   buckets 1, 2, 3 and 4 merge into one, ordered by last use:
 *   f2 (5), f3 (9), f0 (10), f1 (11).  Each victim is refilled (count 1),
 *   so the victims come in that order and then f2 again (count 1, last 1000).
 *
 * Then a partial merge (two periods, counts 4, 5, 6 become 1 and 8 becomes
 * 2): the three merge, and the frame of count 2 outlasts them.
 */
static void test_lfu_aging_jump(void **state)
{
	static const uint32_t want[] = { 2, 3, 0, 1, 2 };
	struct policy_params pp = { .frames = 4, .seed = 1, .lfu_aging = 100 };
	uint64_t t;
	uint32_t i, v;
	void *st = NULL;

	(void)state;
	assert_int_equal(lfu_ops.create(&st, &pp), 0);
	lfu_ops.fill(st, 0, 0, POLICY_NEVER);
	lfu_ops.fill(st, 1, 1, POLICY_NEVER);
	lfu_ops.hit(st, 1, 2, POLICY_NEVER);
	lfu_ops.fill(st, 2, 3, POLICY_NEVER);
	lfu_ops.hit(st, 2, 4, POLICY_NEVER);
	lfu_ops.hit(st, 2, 5, POLICY_NEVER);
	lfu_ops.fill(st, 3, 6, POLICY_NEVER);
	for (t = 7; t <= 9; t++)
		lfu_ops.hit(st, 3, t, POLICY_NEVER);
	lfu_ops.hit(st, 0, 10, POLICY_NEVER);
	assert_int_equal(lfu_ops.victim(st, 11), 1);
	lfu_ops.fill(st, 1, 11, POLICY_NEVER);
	for (i = 0; i < 5; i++) {
		v = lfu_ops.victim(st, 1000 + i);
		if (v != want[i])
			fail_msg("victim %u after the jump: frame %u, wanted %u", i, v, want[i]);
		lfu_ops.fill(st, v, 1000 + i, POLICY_NEVER);
	}
	lfu_ops.destroy(st);

	/* counts 4, 5, 6, 8 (last uses 6, 10, 15, 22), two periods later */
	st = NULL;
	assert_int_equal(lfu_ops.create(&st, &pp), 0);
	for (i = 0; i < 4; i++)
		lfu_ops.fill(st, i, i, POLICY_NEVER);
	for (t = 4; t <= 6; t++)
		lfu_ops.hit(st, 0, t, POLICY_NEVER);
	for (t = 7; t <= 10; t++)
		lfu_ops.hit(st, 1, t, POLICY_NEVER);
	for (t = 11; t <= 15; t++)
		lfu_ops.hit(st, 2, t, POLICY_NEVER);
	for (t = 16; t <= 22; t++)
		lfu_ops.hit(st, 3, t, POLICY_NEVER);
	for (i = 0; i < 4; i++) {
		/* f0, f1, f2 (count 1, in last-use order), then f0 again:
		 * f3 (count 2) is never chosen */
		v = lfu_ops.victim(st, 250 + i);
		assert_int_equal(v, i % 3);
		lfu_ops.fill(st, v, 250 + i, POLICY_NEVER);
	}
	lfu_ops.destroy(st);
}

static void test_lfu_default_aging(void **state)
{
	(void)state;
	assert_int_equal(lfu_default_aging(1), 1024);
	assert_int_equal(lfu_default_aging(128), 1024);
	assert_int_equal(lfu_default_aging(129), 1032);
	assert_int_equal(lfu_default_aging(1u << 20), 8u << 20);
	assert_true(lfu_default_aging(UINT32_MAX) == 8 * (uint64_t)UINT32_MAX);
}

/* ------------------------------------------------------------- golden */

/* Belady, Nelson and Shedler's string (CACM 1969). */
static const uint64_t belady[] = { 1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5 };
#define NBELADY (sizeof belady / sizeof belady[0])

static void golden(const char *policy, const uint64_t *pages,
		   const unsigned char *writes, size_t n, uint32_t frames,
		   uint64_t k, const char *faults, uint64_t writebacks)
{
	struct naive_result want = { 0 }, got = { 0 };
	unsigned char fa[64], fb[64], fs[64];
	struct engine_stats st;
	struct trace tr = { 0 };
	uint64_t nf = 0;
	size_t i;

	assert_true(n <= sizeof fa && strlen(faults) == n);
	for (i = 0; i < n; i++)
		nf += faults[i] == 'F';
	trace_from(&tr, pages, writes, n);
	want.fault_at = fa;
	naive(policy, &tr, frames, 1, k, &want);
	got.fault_at = fb;
	drive(policy_find(policy), &tr, frames, 1, k, &got);
	for (i = 0; i < n; i++) {
		if (fa[i] != (faults[i] == 'F'))
			fail_msg("%s/%u naive: ref %zu %s", policy, frames, i,
				 fa[i] ? "faulted" : "hit");
		if (fb[i] != (faults[i] == 'F'))
			fail_msg("%s/%u policy: ref %zu %s", policy, frames, i,
				 fb[i] ? "faulted" : "hit");
	}
	assert_int_equal(want.faults, nf);
	assert_int_equal(want.writebacks, writebacks);
	assert_int_equal(got.writebacks, writebacks);
	assert_int_equal(faults_all_ways(policy, &tr, frames, 1, k), nf);
	if (strcmp(policy, "opt") != 0) {
		run_stepwise(&tr, policy_find(policy), frames, 1, k, fs, &st);
		assert_memory_equal(fs, fa, n);
	}
	trace_free(&tr);
}

/*
 * FIFO, 3 frames: 9 faults.          FIFO, 4 frames: 10 faults.
 *   ref  1 2 3 4 1 2 5 1 2 3 4 5       ref  1 2 3 4 1 2 5 1 2 3 4 5
 *   f0   1 1 1 4 4 4 5 5 5 5 5 5       f0   1 1 1 1 1 1 5 5 5 5 4 4
 *   f1     2 2 2 1 1 1 1 1 3 3 3       f1     2 2 2 2 2 2 1 1 1 1 5
 *   f2       3 3 3 2 2 2 2 2 4 4       f2       3 3 3 3 3 3 2 2 2 2
 *        F F F F F F F . . F F .       f3         4 4 4 4 4 4 3 3 3
 *                                           F F F F . . F F F F F F
 * More frames, more faults: Belady's anomaly.
 */
static void test_golden_fifo(void **state)
{
	(void)state;
	golden("fifo", belady, NULL, NBELADY, 3, 0, "FFFFFFF..FF.", 0);
	golden("fifo", belady, NULL, NBELADY, 4, 0, "FFFF..FFFFFF", 0);
}

/*
 * OPT, 3 frames: 7 faults.  Next uses at each eviction in brackets.
 *   t3  4: 1[4] 2[5] 3[9]          evict 3 (f2)        -> 1 2 4
 *   t6  5: 1[7] 2[8] 4[10]         evict 4 (f2)        -> 1 2 5
 *   t9  3: 1[-] 2[-] 5[11]         tie, lowest frame f0 -> 3 2 5
 *   t10 4: 3[-] 2[-] 5[11]         tie, lowest frame f0 -> 4 2 5
 *   faults at t0 t1 t2 t3 t6 t9 t10
 * OPT, 4 frames: 6 faults.
 *   t6  5: 1[7] 2[8] 3[9] 4[10]    evict 4 (f3)        -> 1 2 3 5
 *   t10 4: 1[-] 2[-] 3[-] 5[11]    tie, lowest frame f0 -> 4 2 3 5
 *   faults at t0 t1 t2 t3 t6 t10
 */
static void test_golden_opt(void **state)
{
	(void)state;
	golden("opt", belady, NULL, NBELADY, 3, 0, "FFFF..F..FF.", 0);
	golden("opt", belady, NULL, NBELADY, 4, 0, "FFFF..F...F.", 0);
}

/*
 * LRU, 3 frames: 10 faults.  Last uses in brackets.
 *   t3  4: evict 1[0]  t4 1: evict 2[1]  t5 2: evict 3[2]  t6 5: evict 4[3]
 *   t7 1, t8 2 hit
 *   t9  3: 5[6] 1[7] 2[8] evict 5     t10 4: 3[9] 1[7] 2[8] evict 1
 *   t11 5: 3[9] 4[10] 2[8] evict 2
 * LRU, 4 frames: 8 faults.
 *   t4 1, t5 2 hit; t6 5: evict 3[2]; t7 1, t8 2 hit
 *   t9  3: 1[7] 2[8] 5[6] 4[3] evict 4   t10 4: 1[7] 2[8] 5[6] 3[9] evict 5
 *   t11 5: 1[7] 2[8] 4[10] 3[9] evict 1
 */
static void test_golden_lru(void **state)
{
	(void)state;
	golden("lru", belady, NULL, NBELADY, 3, 0, "FFFFFFF..FFF", 0);
	golden("lru", belady, NULL, NBELADY, 4, 0, "FFFF..F..FFF", 0);
}

/*
 * Clock, fill sets the use bit, hand starts at f0.  [pages] use bits, ^hand.
 * 3 frames: 9 faults.
 *   t0-2   fill f0 f1 f2            [1 2 3] 111 ^0
 *   t3  4  sweep clears all, evict f0 [4 2 3] 100 ^1
 *   t4  1  f1 clear: evict f1         [4 1 3] 110 ^2
 *   t5  2  f2 clear: evict f2         [4 1 2] 111 ^0
 *   t6  5  sweep clears all, evict f0 [5 1 2] 100 ^1
 *   t7 1, t8 2 hit                    [5 1 2] 111 ^1
 *   t9  3  clear f1 f2 f0, evict f1   [5 3 2] 010 ^2
 *   t10 4  f2 clear: evict f2         [5 3 4] 011 ^0
 *   t11 5  hit
 * 4 frames: 10 faults.
 *   t0-3   fill                       [1 2 3 4] 1111 ^0
 *   t4 1, t5 2 hit (bits already set)
 *   t6  5  sweep clears all, evict f0 [5 2 3 4] 1000 ^1
 *   t7  1  evict f1                   [5 1 3 4] 1100 ^2
 *   t8  2  evict f2                   [5 1 2 4] 1110 ^3
 *   t9  3  evict f3                   [5 1 2 3] 1111 ^0
 *   t10 4  sweep clears all, evict f0 [4 1 2 3] 1000 ^1
 *   t11 5  evict f1                   [4 5 2 3] 1100 ^2
 * Here clock shows Belady's anomaly just as FIFO does: the only hits (t4,
 * t5 at 4 frames) re-set bits the fills had set already.
 */
static void test_golden_clock(void **state)
{
	(void)state;
	golden("clock", belady, NULL, NBELADY, 3, 0, "FFFFFFF..FF.", 0);
	golden("clock", belady, NULL, NBELADY, 4, 0, "FFFF..FFFFFF", 0);
}

/*
 * LFU with aging K = 4, 3 frames.  (count, last use) per page; halving
 * before t = 4 and t = 8.
 *   t0  1  fill f0             1:(1,0)
 *   t1  1  hit                 1:(2,1)
 *   t2  1  hit                 1:(3,2)
 *   t3  2  fill f1             2:(1,3)
 *   -- halve: 1:(3>>1=1,2) 2:(1>>1=0,3)
 *   t4  3  fill f2             3:(1,4)
 *   t5  2  hit                 2:(0+1=1,5)
 *   t6  4  all count 1: least recent is 1 (last 2) -> evict f0, 4:(1,6)
 *   t7  3  hit                 3:(2,7)
 *   -- halve: 4:(0,6) 2:(0,5) 3:(1,7)
 *   t8  2  hit                 2:(1,8)
 *   t9  5  4:(0,6) is smallest -> evict f0, 5:(1,9)
 *   t10 1  5:(1,9) 2:(1,8) 3:(1,7) -> evict 3 (f2), 1:(1,10)
 *   t11 4  5:(1,9) 2:(1,8) 1:(1,10) -> evict 2 (f1)
 *   faults F..FF.F..FFF = 7
 * Without aging (K = 1000) page 1 keeps count 3 and stays:
 *   t6  4  1:3 2:2 3:1 -> evict 3 (f2)   t7 3: 1:3 2:2 4:1 -> evict 4 (f2)
 *   t8 2 hit (3), t9 5: 1:(3,2) 2:(3,8) 3:(1,7) -> evict 3; t10 1 hit
 *   t11 4: 1:4 2:3 5:1 -> evict 5        faults F..FF.FF.F.F = 7
 * Small K (down to 1, halving before every reference) is left to the
 * differential tests.
 */
static void test_golden_lfu(void **state)
{
	static const uint64_t s[] = { 1, 1, 1, 2, 3, 2, 4, 3, 2, 5, 1, 4 };

	(void)state;
	golden("lfu", s, NULL, 12, 3, 4, "F..FF.F..FFF", 0);
	golden("lfu", s, NULL, 12, 3, 1000, "F..FF.FF.F.F", 0);
	golden("lfu", s, NULL, 12, 3, 0, "F..FF.FF.F.F", 0); /* default K 1024 */
}

/*
 * Write-backs: a page is dirty once stored to while resident, and costs one
 * write-back when evicted (not at the end of the trace).
 *   ref   1W 2  1  3  2W 1  4W 3
 * FIFO, 2 frames:
 *   t0 1W fill f0 dirty      t1 2 fill f1        t2 1 hit
 *   t3 3  evict f0 (1, dirty: wb 1), f0 = 3 clean
 *   t4 2W hit, f1 dirty
 *   t5 1  evict f1 (2, dirty: wb 2), f1 = 1 clean
 *   t6 4W evict f0 (3, clean), f0 = 4 dirty
 *   t7 3  evict f1 (1, clean)                    6 faults, 2 write-backs
 *                                                (4 stays dirty: no wb)
 * LRU, 2 frames:
 *   t3 3  LRU is 2 (clean), f1 = 3
 *   t4 2W LRU is 1 (dirty: wb 1), f0 = 2 dirty
 *   t5 1  LRU is 3 (clean), f1 = 1
 *   t6 4W LRU is 2 (dirty: wb 2), f0 = 4 dirty
 *   t7 3  LRU is 1 (clean)                       7 faults, 2 write-backs
 * OPT, 2 frames: t3 3: 1[5] 2[4] -> evict 1 (dirty: wb 1);
 *   t5 1: 3[7] 2[-] -> evict 2 (dirty since t4: wb 2);
 *   t6 4W: 3[7] 1[-] -> evict 1 (clean)          5 faults, 2 write-backs
 */
static void test_golden_writeback(void **state)
{
	static const uint64_t s[] = { 1, 2, 1, 3, 2, 1, 4, 3 };
	static const unsigned char w[] = { 1, 0, 0, 0, 1, 0, 1, 0 };
	struct engine_stats st;
	struct trace tr = { 0 };
	struct loaded_trace lt;

	(void)state;
	golden("fifo", s, w, 8, 2, 0, "FF.F.FFF", 2);
	golden("lru", s, w, 8, 2, 0, "FF.FFFFF", 2);
	golden("opt", s, w, 8, 2, 0, "FF.F.FF.", 2);

	/* a modify dirties its page just as a store does */
	trace_from(&tr, s, w, 8);
	tr.refs[4].kind = REF_MODIFY;
	load(&lt, &tr);
	run_loaded(&lt, &fifo_ops, 2, 0, 0, &st);
	assert_int_equal(st.writebacks, 2);
	loaded_free(&lt);
	run_stream(&tr, &fifo_ops, 2, 0, 0, 3, &st);
	assert_int_equal(st.writebacks, 2);
	trace_free(&tr);
}

/*
 * The random policy's sequence (contract in policies/random.c).  splitmix64
 * from seed 0 gives 0xe220a8397b1dcdaf, 0x6e789e6aa1b965f4,
 * 0x06c45d188009454f (the published test vector); with 16 frames
 * 2^32 mod 16 = 0, nothing is rejected and the frame is the top 4 bits:
 * 14, 6, 0.  With 3 frames the first draw is (0xe220a839 * 3) >> 32 = 2.
 */
static void test_golden_random(void **state)
{
	struct policy_params pp = { .frames = 16, .seed = 0 };
	uint64_t x, x0;
	void *st;
	uint32_t f, v;
	int i;

	(void)state;
	assert_int_equal(random_ops.create(&st, &pp), 0);
	for (f = 0; f < 16; f++)
		random_ops.fill(st, f, f, POLICY_NEVER);
	assert_int_equal(random_ops.victim(st, 16), 14);
	random_ops.fill(st, 14, 16, POLICY_NEVER);
	assert_int_equal(random_ops.victim(st, 17), 6);
	random_ops.hit(st, 3, 18, POLICY_NEVER);
	assert_int_equal(random_ops.victim(st, 19), 0);
	random_ops.destroy(st);
	x = 0;
	assert_int_equal(naive_random_draw(&x, 16), 14);
	assert_int_equal(naive_random_draw(&x, 16), 6);
	assert_int_equal(naive_random_draw(&x, 16), 0);
	x = 0;
	assert_int_equal(naive_random_draw(&x, 3), 2);
	pp.frames = 3;
	assert_int_equal(random_ops.create(&st, &pp), 0);
	assert_int_equal(random_ops.victim(st, 0), 2);
	random_ops.destroy(st);

	/*
	 * 2^31 + 1 frames: 2^32 mod N = 2^31 - 1, so about half the draws are
	 * rejected; the policy must consume exactly as the naive draw does.
	 * (The random policy's state does not grow with N.)
	 */
	pp.frames = 0x80000001u;
	pp.seed = 42;
	x = x0 = 42;
	assert_int_equal(random_ops.create(&st, &pp), 0);
	for (i = 0; i < 1000; i++) {
		v = random_ops.victim(st, (uint64_t)i);
		assert_int_equal(v, naive_random_draw(&x, pp.frames));
		assert_true(v < pp.frames);
	}
	random_ops.destroy(st);
	/* more than 1000 generator steps were taken: rejection happened */
	assert_true(x != x0 + 1000 * UINT64_C(0x9e3779b97f4a7c15));
}

/* ------------------------------------------------------- differential */

struct diffbuf {
	unsigned char *fa, *fb;  /* per-ref fault flags: naive, policy */
	uint32_t *ra, *rb;       /* per-ref frames: naive, policy */
};

/* One policy, size and K on one trace: naive vs the ops, fault for fault and
 * frame for frame, then naive vs the loaded and streaming engines. */
static void diff_one(const struct trace *tr, const struct loaded_trace *lt,
		     const struct policy_ops *o, uint32_t frames, uint64_t seed,
		     uint64_t k, size_t batch, const struct diffbuf *b, int i)
{
	struct naive_result want = { .fault_at = b->fa, .frame_at = b->ra };
	struct naive_result got = { .fault_at = b->fb, .frame_at = b->rb };
	struct engine_stats st;

	naive(o->name, tr, frames, seed, k, &want);
	drive(o, tr, frames, seed, k, &got);
	if (memcmp(b->fa, b->fb, tr->n) || memcmp(b->ra, b->rb, tr->n * sizeof *b->ra))
		fail_msg("trace %d %s frames=%u K=%llu: policy differs from naive",
			 i, o->name, frames, (unsigned long long)k);
	assert_int_equal(got.writebacks, want.writebacks);
	assert_int_equal(got.evictions, want.evictions);
	assert_int_equal(got.compulsory, want.compulsory);

	run_loaded(lt, o, frames, seed, k, &st);
	assert_same_totals(&want, &st, "loaded", o->name, frames, k);
	if (o->flags & POLICY_NEEDS_FUTURE)
		return;
	run_stream(tr, o, frames, seed, k, batch, &st);
	assert_same_totals(&want, &st, "stream", o->name, frames, k);
}

/*
 * Hundreds of random traces: lengths 1..3000 (the first 30 short), 1..60
 * pages, five locality mixes, 0%, 30% or 100% stores; frames 1..70 twice
 * plus the sizes around the number of distinct pages.  Each policy (LFU
 * with the default K and with a random K in 1..64, random with a per-trace
 * seed) runs through diff_one.
 */
static void test_differential(void **state)
{
	enum { TRACES = 300, MAXN = 3000 };
	uint64_t x = 20240601, seed, ks[2];
	struct diffbuf b;
	struct loaded_trace lt;
	struct trace tr;
	uint32_t frames[5];
	size_t n, p, s, kk;
	int i;

	(void)state;
	b.fa = malloc(MAXN);
	b.fb = malloc(MAXN);
	b.ra = malloc(MAXN * sizeof *b.ra);
	b.rb = malloc(MAXN * sizeof *b.rb);
	assert_true(b.fa && b.fb && b.ra && b.rb);
	for (i = 0; i < TRACES; i++) {
		uint32_t npages;

		n = 1 + tbelow(&x, i < 30 ? 40 : MAXN);
		npages = 1 + tbelow(&x, 60);
		seed = trng(&x);
		ks[0] = 0;
		ks[1] = 1 + tbelow(&x, 64);
		memset(&tr, 0, sizeof tr);
		trace_gen(&tr, &x, n, npages, (enum mix)(i % MIX_COUNT));
		load(&lt, &tr);
		frames[0] = 1 + tbelow(&x, 70);
		frames[1] = 1 + tbelow(&x, 70);
		frames[2] = tr.distinct > 1 ? tr.distinct - 1 : 1;
		frames[3] = tr.distinct;
		frames[4] = tr.distinct + 1;
		for (s = 0; s < 5; s++)
			for (p = 0; p < NPOLICIES; p++)
				for (kk = 0; kk < (policy_table[p] == &lfu_ops ? 2u : 1u); kk++)
					diff_one(&tr, &lt, policy_table[p], frames[s], seed,
						 ks[kk], 1 + tbelow(&x, 700), &b, i);
		loaded_free(&lt);
		trace_free(&tr);
	}
	free(b.fa);
	free(b.fb);
	free(b.ra);
	free(b.rb);
}

/*
 * The streaming engine stepped one reference at a time (sim_refs with n = 1,
 * faults read before and after) against naive's per-reference fault flags.
 */
static void test_fault_by_fault(void **state)
{
	enum { TRACES = 60 };
	uint64_t x = 777;
	struct naive_result want = { 0 };
	struct engine_stats st;
	struct trace tr;
	unsigned char *fa, *fs;
	size_t j;
	int i, p;

	(void)state;
	fa = malloc(1500);
	fs = malloc(1500);
	assert_true(fa && fs);
	for (i = 0; i < TRACES; i++) {
		size_t n = 1 + tbelow(&x, 1500);
		uint32_t npages = 1 + tbelow(&x, 60);
		uint32_t frames = 1 + tbelow(&x, 70);
		uint64_t seed = trng(&x), k = tbelow(&x, 2) ? 0 : 1 + tbelow(&x, 32);

		memset(&tr, 0, sizeof tr);
		trace_gen(&tr, &x, n, npages, (enum mix)(i % MIX_COUNT));
		for (p = 0; p < (int)NPOLICIES; p++) {
			const struct policy_ops *o = policy_table[p];

			if (o->flags & POLICY_NEEDS_FUTURE)
				continue; /* cannot stream; covered by drive() */
			want.fault_at = fa;
			want.frame_at = NULL;
			naive(o->name, &tr, frames, seed, k, &want);
			run_stepwise(&tr, o, frames, seed, k, fs, &st);
			for (j = 0; j < tr.n; j++)
				if (fa[j] != fs[j])
					fail_msg("trace %d %s frames=%u: ref %zu naive %s, "
						 "engine %s", i, o->name, frames, j,
						 fa[j] ? "fault" : "hit",
						 fs[j] ? "fault" : "hit");
			assert_same_totals(&want, &st, "stepwise", o->name, frames, k);
		}
		trace_free(&tr);
	}
	free(fa);
	free(fs);
}

/* --------------------------------------------------------- properties */

/* What every run of every policy must satisfy, whatever it evicts. */
static void check_invariants(const struct engine_stats *st, const struct trace *tr,
			     uint32_t frames)
{
	uint32_t fills = frames < tr->distinct ? frames : tr->distinct;

	assert_int_equal(st->refs, tr->n);
	assert_int_equal(st->hits + st->faults, tr->n);
	assert_int_equal(st->compulsory, tr->distinct);
	assert_int_equal(st->distinct_pages, tr->distinct);
	assert_int_equal(st->evictions, st->faults - fills);
	assert_true(st->writebacks <= st->evictions);
	if (frames >= tr->distinct)
		assert_int_equal(st->faults, tr->distinct);
}

/*
 * For every size from 1 to one past the distinct pages: OPT faults no more
 * than any policy (random over three seeds); LRU and OPT faults never rise
 * with frames; every policy's compulsory faults equal the distinct pages,
 * hits + faults == refs, evictions == faults - min(frames, distinct),
 * write-backs <= evictions, and with all pages fitting only compulsory
 * faults remain.
 */
static void test_properties(void **state)
{
	enum { TRACES = 150 };
	uint64_t x = 31337, prev_opt, prev_lru, opt, seed, k;
	struct engine_stats st;
	struct loaded_trace lt;
	struct trace tr;
	uint32_t f;
	int i, p, s, seeds;

	(void)state;
	for (i = 0; i < TRACES; i++) {
		size_t n = 1 + tbelow(&x, 800);
		uint32_t npages = 1 + tbelow(&x, 40);

		memset(&tr, 0, sizeof tr);
		trace_gen(&tr, &x, n, npages, (enum mix)(i % MIX_COUNT));
		load(&lt, &tr);
		prev_opt = prev_lru = UINT64_MAX;
		for (f = 1; f <= tr.distinct + 1; f++) {
			run_loaded(&lt, &opt_ops, f, 0, 0, &st);
			opt = st.faults;
			if (opt > prev_opt)
				fail_msg("trace %d: OPT %llu faults at %u frames, %llu at %u",
					 i, (unsigned long long)opt, f,
					 (unsigned long long)prev_opt, f - 1);
			prev_opt = opt;
			for (p = 0; p < (int)NPOLICIES; p++) {
				const struct policy_ops *o = policy_table[p];

				seeds = o->flags & POLICY_RANDOMIZED ? 3 : 1;
				k = 1 + (uint64_t)i % 16; /* LFU: short aging periods */
				for (s = 0; s < seeds; s++) {
					seed = (uint64_t)s * 1000 + 1;
					run_loaded(&lt, o, f, seed, k, &st);
					check_invariants(&st, &tr, f);
					if (st.faults < opt)
						fail_msg("trace %d frames %u: %s %llu faults < OPT %llu",
							 i, f, o->name,
							 (unsigned long long)st.faults,
							 (unsigned long long)opt);
					if (o == &lru_ops && st.faults > prev_lru)
						fail_msg("trace %d: LRU rises at %u frames", i, f);
					if (o == &lru_ops)
						prev_lru = st.faults;
				}
			}
		}
		loaded_free(&lt);
		trace_free(&tr);
	}
}

/* Same seed, same run, fault for fault; different seeds differ somewhere. */
static void test_random_seeds(void **state)
{
	uint64_t x = 99, faults[8];
	unsigned char *a, *b;
	struct engine_stats s1, s2;
	struct trace tr = { 0 };
	int i, j, differ = 0;

	(void)state;
	trace_gen(&tr, &x, 2000, 40, MIX_UNIFORM);
	a = malloc(tr.n);
	b = malloc(tr.n);
	assert_true(a && b);
	for (i = 0; i < 8; i++) {
		run_stepwise(&tr, &random_ops, 20, (uint64_t)i, 0, a, &s1);
		run_stepwise(&tr, &random_ops, 20, (uint64_t)i, 0, b, &s2);
		assert_memory_equal(a, b, tr.n);
		assert_int_equal(s1.faults, s2.faults);
		assert_int_equal(s1.writebacks, s2.writebacks);
		faults[i] = s1.faults;
		for (j = 0; j < i; j++)
			differ += faults[j] != faults[i];
	}
	assert_true(differ > 0);
	free(a);
	free(b);
	trace_free(&tr);
}

/* OPT needs the future: streaming refuses it, loaded mode without next[]
 * refuses it, and neither crashes. */
static void test_opt_needs_future(void **state)
{
	struct engine_config c;
	struct vm_diag d = { 0 };
	struct loaded_trace lt;
	struct engine_stats st;
	struct sim *s = NULL;
	struct ref r = { .addr = 1, .kind = REF_LOAD };

	(void)state;
	cfg_make(&c, &opt_ops, 4, 0, 0);
	assert_int_equal(sim_new(&s, &c, &d), VM_ERR_USAGE);
	assert_null(s);
	assert_int_equal(loaded_init(&lt, 0, &d), 0);
	assert_int_equal(loaded_add(&lt, &r, 1, &d), 0);
	loaded_finish(&lt);
	assert_int_equal(sim_run_loaded(&lt, &c, &st, &d), VM_ERR_USAGE);
	loaded_free(&lt);
}

/* A policy created small and grown as frames fill chooses exactly as one
 * created at full size: the same frame for every reference. */
static void test_grow_equals_create(void **state)
{
	enum { TRACES = 40 };
	static const uint32_t starts[] = { 1, 3, 16 };
	uint64_t x = 4242;
	struct naive_result a, b;
	struct trace tr;
	uint32_t frames;
	size_t i, p, s;

	(void)state;
	for (i = 0; i < TRACES; i++) {
		size_t n = 1 + tbelow(&x, 1500);
		uint32_t npages = 1 + tbelow(&x, 120);

		memset(&tr, 0, sizeof tr);
		trace_gen(&tr, &x, n, npages, (enum mix)(i % MIX_COUNT));
		frames = 1 + tbelow(&x, npages + 10);
		for (p = 0; p < NPOLICIES; p++)
			for (s = 0; s < sizeof starts / sizeof starts[0]; s++) {
				memset(&a, 0, sizeof a);
				memset(&b, 0, sizeof b);
				a.frame_at = calloc(n, sizeof *a.frame_at);
				b.frame_at = calloc(n, sizeof *b.frame_at);
				assert_non_null(a.frame_at);
				assert_non_null(b.frame_at);
				drive_start = 0;
				drive(policy_table[p], &tr, frames, 7, 0, &a);
				drive_start = starts[s];
				drive(policy_table[p], &tr, frames, 7, 0, &b);
				drive_start = 0;
				if (memcmp(a.frame_at, b.frame_at, n * sizeof *a.frame_at))
					fail_msg("trace %zu %s frames=%u: grown from %u chooses "
						 "other frames than created at full size", i,
						 policy_table[p]->name, frames, starts[s]);
				assert_int_equal(a.faults, b.faults);
				free(a.frame_at);
				free(b.frame_at);
			}
		trace_free(&tr);
	}
}

static void assert_same_stats(const struct engine_stats *want,
			      const struct engine_stats *got, const char *what,
			      const char *policy, uint32_t frames)
{
	if (want->refs != got->refs || want->hits != got->hits ||
	    want->faults != got->faults || want->compulsory != got->compulsory ||
	    want->evictions != got->evictions || want->writebacks != got->writebacks ||
	    want->distinct_pages != got->distinct_pages ||
	    memcmp(want->by_kind, got->by_kind, sizeof want->by_kind))
		fail_msg("%s %s frames=%u: faults/evictions/writebacks %llu/%llu/%llu, "
			 "want %llu/%llu/%llu", what, policy, frames,
			 (unsigned long long)got->faults, (unsigned long long)got->evictions,
			 (unsigned long long)got->writebacks,
			 (unsigned long long)want->faults, (unsigned long long)want->evictions,
			 (unsigned long long)want->writebacks);
}

/*
 * Property: for any frames >= the distinct pages D, the row equals the row at
 * D (only the frames column, and lfu_aging derived from it, differ: they are
 * not in engine_stats), for every policy, loaded and streaming, up to the
 * largest memory the engine takes.  D above 1024 makes streaming grow its
 * per-frame state while running; there streaming must also equal loaded at
 * sizes below D, where the policy is grown and then evicts.
 */
static void test_frames_beyond_pages(void **state)
{
	static const uint32_t pages[] = { 5, 300, 2600 };
	uint64_t x = 777;
	struct engine_stats at_d, st;
	struct loaded_trace lt;
	struct trace tr;
	size_t i, p, f;

	(void)state;
	for (i = 0; i < sizeof pages / sizeof pages[0]; i++) {
		uint32_t D;

		memset(&tr, 0, sizeof tr);
		trace_gen(&tr, &x, pages[i] * 6, pages[i], (enum mix)(i % MIX_COUNT));
		D = tr.distinct;
		load(&lt, &tr);
		for (p = 0; p < NPOLICIES; p++) {
			const struct policy_ops *o = policy_table[p];
			const uint32_t beyond[] = { D + 1, 2 * D + 3, 1u << 20, 0x7fffffffu };
			const uint32_t below[] = { 1100, 2049, D > 1 ? D - 1 : 1 };

			run_loaded(&lt, o, D, 3, 0, &at_d);
			assert_int_equal(at_d.faults, D);
			for (f = 0; f < sizeof beyond / sizeof beyond[0]; f++) {
				run_loaded(&lt, o, beyond[f], 3, 0, &st);
				assert_same_stats(&at_d, &st, "loaded", o->name, beyond[f]);
				if (o->flags & POLICY_NEEDS_FUTURE)
					continue;
				run_stream(&tr, o, beyond[f], 3, 0, 1000, &st);
				assert_same_stats(&at_d, &st, "stream", o->name, beyond[f]);
			}
			if (o->flags & POLICY_NEEDS_FUTURE)
				continue;
			run_stream(&tr, o, D, 3, 0, 4096, &st);
			assert_same_stats(&at_d, &st, "stream at D", o->name, D);
			for (f = 0; D > 1024 && f < sizeof below / sizeof below[0]; f++) {
				struct engine_stats want;

				run_loaded(&lt, o, below[f], 3, 0, &want);
				run_stream(&tr, o, below[f], 3, 0, 333, &st);
				assert_same_stats(&want, &st, "stream (grown) vs loaded", o->name,
						  below[f]);
			}
		}
		loaded_free(&lt);
		trace_free(&tr);
	}
	/* nothing stays charged against the memory budget */
	assert_int_equal(vm_mem_in_use(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry_find),
		cmocka_unit_test(test_registry_names),
		cmocka_unit_test(test_registry_ops),
		cmocka_unit_test(test_lfu_default_aging),
		cmocka_unit_test(test_lfu_aging_jump),
		cmocka_unit_test(test_golden_fifo),
		cmocka_unit_test(test_golden_opt),
		cmocka_unit_test(test_golden_lru),
		cmocka_unit_test(test_golden_clock),
		cmocka_unit_test(test_golden_lfu),
		cmocka_unit_test(test_golden_writeback),
		cmocka_unit_test(test_golden_random),
		cmocka_unit_test(test_differential),
		cmocka_unit_test(test_fault_by_fault),
		cmocka_unit_test(test_properties),
		cmocka_unit_test(test_random_seeds),
		cmocka_unit_test(test_opt_needs_future),
		cmocka_unit_test(test_grow_equals_create),
		cmocka_unit_test(test_frames_beyond_pages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
