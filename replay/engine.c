/*
 * engine.c - the replay engine: pages, frames, faults, and the policy seam.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * The engine owns everything a policy must not see: which page is in which
 * frame, which pages were ever touched, dirtiness, the counters and time.  A
 * policy sees frame numbers only (policies/policy.h).
 *
 *   ref ──> vpn = addr >> page_shift ──> id (dense, first-touch order)
 *                                          │
 *            page_frame[id] ───────────────┤
 *              < FRAME_OUT: resident in that frame  ──> hit(frame)
 *              FRAME_OUT:   evicted earlier          ──> fault
 *              FRAME_NEW:   never touched            ──> compulsory fault
 *
 *   on a fault: a free frame while any remain (0, 1, ..., N-1), else
 *   victim() picks one; its page goes to FRAME_OUT, and a dirty frame costs a
 *   write-back; then fill(frame).
 *
 *   frame_page[f]  the id of the page in frame f
 *   frame_dirty[f] 1 if that page was stored to or modified while resident
 *
 * A reference is charged to the page holding its first byte: an access that
 * straddles a page boundary counts once, on the lower page (Lackey reports
 * few such accesses, and the OSTEP-style page-number traces have none).
 * A "modify" is one reference that both reads and dirties its page.
 *
 * Two ways to replay share one step function: streaming (sim_new/sim_refs),
 * which maps vpns through a hash table as refs arrive, so memory grows only
 * with distinct pages; and loaded (sim_run_loaded), over a trace already
 * decoded to dense ids, which is what OPT (needing each reference's next use)
 * and multi-configuration runs use.  Per reference the work is a shift, a
 * lookup, an indirect call and a counter bump; nothing is allocated except
 * when a new page makes the per-page arrays double.
 *
 * Frames beyond the pages.  A memory of more frames than the trace has
 * distinct pages never evicts: every page stays once faulted in, and the
 * result is that of one frame per distinct page.  So per-frame state (the
 * engine's frame_page and frame_dirty, and the policy's own) is sized by
 * frame_cap = min(N, npages_cap), not by N: `-n 2147483647` on a 12-line
 * trace allocates for 1024 frames, not 2^31.  Loaded mode knows the distinct
 * pages before it starts; streaming (and the translation model) learns them
 * as it goes, so when the per-page array doubles, the per-frame arrays grow
 * with it and the policy gets grow() (policies/policy.h).  The invariant is
 *
 *     used <= distinct pages seen <= npages_cap,  used <= N
 *     =>  used <= frame_cap
 *
 * so the step function keeps its one test (used < frames, with the real N)
 * and gains no branch: growth happens where the per-page array already grew,
 * outside the per-reference path.  victim() is called only when used == N,
 * and then frame_cap == N, so the policy sees exactly the memory it would
 * have been created with; grow() is required to leave its state as if it had
 * been created that large (LFU's default aging period is fixed here from the
 * real N, since it depends on it).  The alternative, capping N at the
 * distinct-page count, works only where that count is known (loaded) and
 * would still need growth while streaming; this keeps one rule for both.
 *
 * Every per-page and per-frame array is charged against the memory budget
 * (vm_mem_charge, --mem-limit) before it is allocated; s->charged is what
 * sim_free() gives back.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "replay.h"
#include "replay_int.h"
#include "policy.h"

#define FRAME_NEW UINT32_MAX        /* page_frame[]: never resident */
#define FRAME_OUT (UINT32_MAX - 1u) /* page_frame[]: evicted */
#define SIM_MAX_FRAMES 0x7fffffffu  /* frame numbers fit in 31 bits */
#define SIM_AHEAD 16                /* loaded: prefetch distance, in references */
#define MAP_CHUNK 1024              /* references mapped to ids at a time */

struct sim {
	const struct policy_ops *ops; /* the replacement policy */
	void *pst;                    /* its private state */
	uint32_t frames;              /* N */
	uint32_t used;                /* frames filled so far (<= N) */
	uint32_t page_shift;          /* log2 page size */
	uint64_t now;                 /* reference index: the clock */
	uint32_t *page_frame;         /* per page id: frame or FRAME_NEW/OUT */
	uint32_t npages_cap;          /* allocated length of page_frame */
	uint32_t frame_cap;           /* allocated frames: min(N, npages_cap) */
	uint64_t charged;             /* bytes charged against the memory budget */
	uint32_t *frame_page;         /* per frame: page id */
	uint8_t *frame_dirty;         /* per frame: dirty bit */
	struct pagemap map;           /* streaming only: vpn -> id */
	struct engine_stats st;       /* the counters */
	sim_evict_fn evict_fn;        /* translation model's hook, or NULL */
	void *evict_ctx;              /* its argument */
};

/* Bytes of state per frame: the engine's two arrays and the policy's. */
static uint64_t frame_bytes(const struct sim *s)
{
	return sizeof *s->frame_page + sizeof *s->frame_dirty + s->ops->frame_bytes;
}

/* Per-frame state for ncap frames (> frame_cap): charged, then the engine's
 * arrays, then the policy's.  0, VM_ERR_NOMEM or VM_ERR_MEMLIMIT. */
static int sim_grow_frames(struct sim *s, uint32_t ncap)
{
	uint64_t more = (uint64_t)(ncap - s->frame_cap) * frame_bytes(s);
	uint32_t *fp;
	uint8_t *fd;

	if (vm_mem_charge(more, "per-frame state"))
		return VM_ERR_MEMLIMIT;
	s->charged += more;
	fp = realloc(s->frame_page, (size_t)ncap * sizeof *fp);
	if (!fp)
		return VM_ERR_NOMEM;
	s->frame_page = fp;
	fd = realloc(s->frame_dirty, ncap);
	if (!fd)
		return VM_ERR_NOMEM;
	s->frame_dirty = fd;
	if (s->ops->grow(s->pst, ncap))
		return VM_ERR_NOMEM;
	s->frame_cap = ncap;
	return 0;
}

static int sim_alloc(struct sim **out, const struct engine_config *cfg,
		     uint32_t npages, struct vm_diag *d)
{
	struct policy_params pp;
	struct sim *s;
	uint64_t bytes;
	int rc;

	*out = NULL;
	if (!cfg->policy)
		return vm_fail(d, VM_ERR_USAGE, "no replacement policy given");
	if (cfg->frames == 0 || cfg->frames > SIM_MAX_FRAMES)
		return vm_fail(d, VM_ERR_USAGE,
			       "frames must be between 1 and %u, not %u",
			       SIM_MAX_FRAMES, cfg->frames);
	if (cfg->page_shift > VM_MAX_PAGE_SHIFT)
		return vm_fail(d, VM_ERR_USAGE,
			       "page size must be at most 1 GiB (shift %u given)",
			       cfg->page_shift);
	s = calloc(1, sizeof *s);
	if (!s)
		goto nomem;
	s->ops = cfg->policy;
	s->frames = cfg->frames;
	s->page_shift = cfg->page_shift;
	s->npages_cap = npages < 1024 ? 1024 : npages;
	s->frame_cap = s->frames < s->npages_cap ? s->frames : s->npages_cap;
	bytes = (uint64_t)s->npages_cap * sizeof *s->page_frame +
		(uint64_t)s->frame_cap * frame_bytes(s);
	if (vm_mem_charge(bytes, "the engine's per-page and per-frame state")) {
		sim_free(s);
		return vm_mem_report(d, NULL);
	}
	s->charged = bytes;
	s->page_frame = malloc((size_t)s->npages_cap * sizeof *s->page_frame);
	s->frame_page = malloc((size_t)s->frame_cap * sizeof *s->frame_page);
	s->frame_dirty = calloc(s->frame_cap, 1);
	if (!s->page_frame || !s->frame_page || !s->frame_dirty)
		goto nomem;
	memset(s->page_frame, 0xff, (size_t)s->npages_cap * sizeof *s->page_frame);
	pp.frames = s->frame_cap;
	pp.seed = cfg->seed;
	/* the real N's default, which a policy made for frame_cap would miss */
	pp.lfu_aging = cfg->lfu_aging ? cfg->lfu_aging : lfu_default_aging(cfg->frames);
	rc = s->ops->create(&s->pst, &pp);
	if (rc)
		goto nomem;
	*out = s;
	return 0;
nomem:
	sim_free(s);
	return vm_fail(d, VM_ERR_NOMEM, "out of memory for %u frames", cfg->frames);
}

void sim_free(struct sim *s)
{
	if (!s)
		return;
	if (s->ops && s->pst)
		s->ops->destroy(s->pst);
	pagemap_free(&s->map);
	vm_mem_release(s->charged);
	free(s->page_frame);
	free(s->frame_page);
	free(s->frame_dirty);
	free(s);
}

/* One reference to page id; the whole hot path of the engine, inlined into
 * each loop (a call would spill registers on every reference). */
static inline __attribute__((always_inline))
void sim_step(struct sim *s, uint32_t id, unsigned write, uint64_t next)
{
	uint32_t f = s->page_frame[id], old;

	if (f < FRAME_OUT) {
		s->st.hits++;
		s->frame_dirty[f] |= (uint8_t)write;
		s->ops->hit(s->pst, f, s->now, next);
	} else {
		s->st.faults++;
		s->st.compulsory += f == FRAME_NEW;
		if (s->used < s->frames) {
			f = s->used++;
		} else {
			f = s->ops->victim(s->pst, s->now);
			assert(f < s->frames);
			old = s->frame_page[f];
			assert(s->page_frame[old] == f);
			s->page_frame[old] = FRAME_OUT;
			if (s->evict_fn) /* translation model: shoot it down */
				s->evict_fn(s->evict_ctx, old, s->now);
			s->st.evictions++;
			s->st.writebacks += s->frame_dirty[f];
		}
		s->frame_page[f] = id;
		s->frame_dirty[f] = (uint8_t)write;
		s->page_frame[id] = f;
		s->ops->fill(s->pst, f, s->now, next);
	}
	s->now++;
}

/* ------------------------------------------------------------ streaming */

int sim_new(struct sim **out, const struct engine_config *cfg, struct vm_diag *d)
{
	int rc;

	if (cfg->policy && (cfg->policy->flags & POLICY_NEEDS_FUTURE)) {
		*out = NULL;
		return vm_fail(d, VM_ERR_USAGE,
			       "policy '%s' needs the future; replay it in loaded mode",
			       cfg->policy->name);
	}
	rc = sim_alloc(out, cfg, 0, d);
	if (rc)
		return rc;
	if (pagemap_init(&(*out)->map)) {
		sim_free(*out);
		*out = NULL;
		return vm_fail(d, VM_ERR_NOMEM, "out of memory for the page map");
	}
	return 0;
}

/* Double the per-page array, and the per-frame state up to min(N, pages). */
static int sim_grow_pages(struct sim *s)
{
	uint32_t ncap = s->npages_cap * 2u, fcap;
	uint64_t more = (uint64_t)s->npages_cap * sizeof *s->page_frame;
	uint32_t *p;
	int rc;

	if (s->npages_cap > UINT32_MAX / 4)
		return VM_ERR_LIMIT;
	if (vm_mem_charge(more, "the engine's per-page state"))
		return VM_ERR_MEMLIMIT;
	s->charged += more;
	p = realloc(s->page_frame, (size_t)ncap * sizeof *p);
	if (!p)
		return VM_ERR_NOMEM;
	memset(p + s->npages_cap, 0xff, (size_t)(ncap - s->npages_cap) * sizeof *p);
	s->page_frame = p;
	s->npages_cap = ncap;
	fcap = s->frames < ncap ? s->frames : ncap;
	if (fcap > s->frame_cap && (rc = sim_grow_frames(s, fcap)))
		return rc;
	return 0;
}

int sim_refs(struct sim *s, const struct ref *refs, size_t n)
{
	uint64_t vpn[MAP_CHUNK];
	uint32_t ids[MAP_CHUNK];
	size_t i, k, done;
	int rc;

	/* in chunks: map the page numbers all at once (the map overlaps its
	 * cache misses), then step, prefetching each page's frame ahead */
	for (done = 0; done < n; done += k) {
		k = n - done < MAP_CHUNK ? n - done : MAP_CHUNK;
		for (i = 0; i < k; i++)
			vpn[i] = refs[done + i].addr >> s->page_shift;
		rc = pagemap_get_many(&s->map, vpn, ids, k);
		if (rc)
			return rc;
		while (s->map.count > s->npages_cap)
			if ((rc = sim_grow_pages(s)))
				return rc;
		for (i = 0; i < k; i++) {
			unsigned kind = refs[done + i].kind & 3;

			if (i + SIM_AHEAD < k)
				__builtin_prefetch(&s->page_frame[ids[i + SIM_AHEAD]]);
			s->st.by_kind[kind]++;
			sim_step(s, ids[i], REF_IS_WRITE(kind), POLICY_NEVER);
		}
	}
	return 0;
}

void sim_result(const struct sim *s, struct engine_stats *st)
{
	*st = s->st;
	st->refs = s->now;
	st->distinct_pages = s->map.slots ? s->map.count : 0;
}

int sim_stream_file(const char *path, const struct trace_format *fmt,
		    const struct engine_config *cfg, struct engine_stats *st,
		    struct vm_diag *d)
{
	enum { BATCH = 4096 };
	struct trace_reader *r = NULL;
	struct sim *s = NULL;
	struct ref *buf = NULL;
	long got;
	int rc;

	rc = sim_new(&s, cfg, d);
	if (rc)
		goto out;
	rc = trace_open(&r, path, fmt, d);
	if (rc)
		goto out;
	buf = malloc(BATCH * sizeof *buf);
	if (!buf) {
		rc = vm_fail(d, VM_ERR_NOMEM, "out of memory");
		goto out;
	}
	while ((got = trace_read(r, buf, BATCH)) > 0) {
		rc = sim_refs(s, buf, (size_t)got);
		if (rc) {
			rc = rc == VM_ERR_MEMLIMIT ? vm_mem_report(d, path) :
				vm_fail(d, rc, "%s: %s", path, rc == VM_ERR_LIMIT ?
					"more than 2^31 distinct pages" : "out of memory");
			goto out;
		}
	}
	if (got < 0) {
		rc = (int)got;
		goto out;
	}
	sim_result(s, st);
	rc = 0;
out:
	free(buf);
	trace_close(r);
	sim_free(s);
	return rc;
}

/* --------------------------------------------------------------- loaded */

int loaded_init(struct loaded_trace *lt, uint32_t page_shift, struct vm_diag *d)
{
	struct pagemap *m;

	memset(lt, 0, sizeof *lt);
	if (page_shift > VM_MAX_PAGE_SHIFT)
		return vm_fail(d, VM_ERR_USAGE, "page size must be at most 1 GiB");
	lt->page_shift = page_shift;
	lt->mem_limit = vm_mem_available();
	m = malloc(sizeof *m);
	if (!m || pagemap_init(m)) {
		free(m);
		return vm_fail(d, VM_ERR_NOMEM, "out of memory for the page map");
	}
	lt->map = m;
	return 0;
}

int loaded_add(struct loaded_trace *lt, const struct ref *refs, size_t n,
	       struct vm_diag *d)
{
	struct pagemap *m = lt->map;
	uint64_t vpn[MAP_CHUNK];
	size_t i, k, done;
	int rc;

	assert(m);
	if (lt->n + n > LOADED_MAX_REFS)
		return vm_fail(d, VM_ERR_LIMIT,
			       "trace has more than %u references, too many to load; "
			       "replay one streaming policy at a time instead",
			       LOADED_MAX_REFS);
	if (lt->n + n > lt->cap) {
		uint64_t ncap = lt->cap ? lt->cap * 2 : 65536;
		uint32_t *p;

		while (ncap < lt->n + n)
			ncap *= 2;
		if (ncap > LOADED_MAX_REFS)
			ncap = LOADED_MAX_REFS;
		if ((ncap * sizeof *lt->ids > lt->mem_limit ||
		     vm_mem_charge((ncap - lt->cap) * sizeof *lt->ids, "the page ids")) &&
		    lt->n + n > lt->cap) {
			/* fit what is needed exactly before giving up */
			char lim[96];

			ncap = lt->n + n;
			if (ncap * sizeof *lt->ids > lt->mem_limit ||
			    vm_mem_charge((ncap - lt->cap) * sizeof *lt->ids, "the page ids"))
				return vm_fail(d, VM_ERR_MEMLIMIT,
					       "loading the trace needs more than %llu MiB "
					       "(4 bytes per reference), more than %s allows "
					       "(%llu KiB of per-page state in use); replay one "
					       "policy other than opt at one size to stream it "
					       "instead (memory bounded by distinct pages)",
					       (unsigned long long)((ncap * 4 + (1u << 20) - 1) >> 20),
					       vm_mem_limit_name(lim, sizeof lim),
					       (unsigned long long)(vm_mem_in_use() >> 10));
		}
		lt->charged += (ncap - lt->cap) * sizeof *lt->ids;
		p = realloc(lt->ids, (size_t)ncap * sizeof *p);
		if (!p)
			return vm_fail(d, VM_ERR_NOMEM,
				       "out of memory loading %llu references (%llu MiB); "
				       "replay one streaming policy at a time instead",
				       (unsigned long long)ncap,
				       (unsigned long long)(ncap * 4 >> 20));
		lt->ids = p;
		lt->cap = ncap;
	}
	/* in chunks: the page numbers, then all their ids at once (the map
	 * overlaps its cache misses), then the write bits */
	for (done = 0; done < n; done += k) {
		uint32_t *ids = lt->ids + lt->n;

		k = n - done < MAP_CHUNK ? n - done : MAP_CHUNK;
		for (i = 0; i < k; i++)
			vpn[i] = refs[done + i].addr >> lt->page_shift;
		rc = pagemap_get_many(m, vpn, ids, k);
		if (rc)
			return rc == VM_ERR_MEMLIMIT ? vm_mem_report(d, NULL) :
				vm_fail(d, rc, rc == VM_ERR_LIMIT ?
					"more than 2^31 distinct pages" : "out of memory");
		for (i = 0; i < k; i++) {
			unsigned kind = refs[done + i].kind & 3;

			lt->by_kind[kind]++;
			ids[i] |= REF_IS_WRITE(kind) ? LOADED_WRITE : 0;
		}
		lt->n += k;
	}
	lt->npages = m->count;
	return 0;
}

void loaded_finish(struct loaded_trace *lt)
{
	if (lt->map) {
		pagemap_free(lt->map);
		free(lt->map);
		lt->map = NULL;
	}
}

int loaded_read_file(struct loaded_trace *lt, const char *path,
		     const struct trace_format *fmt, uint32_t page_shift,
		     void (*progress)(uint64_t refs), struct vm_diag *d)
{
	enum { BATCH = 4096 };
	struct trace_reader *r = NULL;
	struct ref *buf = NULL;
	long got;
	int rc;

	rc = loaded_init(lt, page_shift, d);
	if (rc)
		return rc;
	rc = trace_open(&r, path, fmt, d);
	if (rc)
		goto fail;
	buf = malloc(BATCH * sizeof *buf);
	if (!buf) {
		rc = vm_fail(d, VM_ERR_NOMEM, "out of memory");
		goto fail;
	}
	while ((got = trace_read(r, buf, BATCH)) > 0) {
		rc = loaded_add(lt, buf, (size_t)got, d);
		if (rc)
			goto fail;
		if (progress)
			progress(r->nread);
	}
	if (got < 0) {
		rc = (int)got;
		goto fail;
	}
	free(buf);
	trace_close(r);
	loaded_finish(lt);
	return 0;
fail:
	free(buf);
	trace_close(r);
	loaded_free(lt);
	return rc;
}

/* One backward pass: next[i] is the index of the next reference to the page
 * of reference i.  Cost: one sequential sweep and 4 bytes per page. */
int loaded_compute_next(struct loaded_trace *lt, struct vm_diag *d)
{
	uint32_t *last;
	uint64_t i;

	uint64_t bytes = (lt->n + lt->npages) * 4;
	char lim[96];

	if (lt->next)
		return 0;
	if ((lt->n + lt->cap) * 4 > lt->mem_limit ||
	    vm_mem_charge(bytes, "next-use times"))
		return vm_fail(d, VM_ERR_MEMLIMIT,
			       "opt needs %llu MiB for next-use times beside the %llu MiB "
			       "of page ids, more than %s allows; try a "
			       "streaming policy (any but opt) at one size",
			       (unsigned long long)(lt->n * 4 >> 20),
			       (unsigned long long)(lt->cap * 4 >> 20),
			       vm_mem_limit_name(lim, sizeof lim));
	lt->next = malloc((size_t)(lt->n ? lt->n : 1) * sizeof *lt->next);
	last = malloc((size_t)(lt->npages ? lt->npages : 1) * sizeof *last);
	if (!lt->next || !last) {
		free(lt->next);
		lt->next = NULL;
		free(last);
		vm_mem_release(bytes);
		return vm_fail(d, VM_ERR_NOMEM,
			       "out of memory for next-use times (%llu MiB)",
			       (unsigned long long)(lt->n * 4 >> 20));
	}
	memset(last, 0xff, (size_t)lt->npages * sizeof *last);
	for (i = lt->n; i-- > 0;) {
		uint32_t id = LOADED_ID(lt->ids[i]);

		lt->next[i] = last[id];
		last[id] = (uint32_t)i;
	}
	free(last);
	vm_mem_release((uint64_t)lt->npages * 4);
	lt->charged += lt->n * 4;
	return 0;
}

void loaded_free(struct loaded_trace *lt)
{
	loaded_finish(lt);
	vm_mem_release(lt->charged);
	free(lt->ids);
	free(lt->next);
	memset(lt, 0, sizeof *lt);
}

int sim_run_loaded(const struct loaded_trace *lt, const struct engine_config *cfg,
		   struct engine_stats *st, struct vm_diag *d)
{
	struct sim *s;
	uint64_t i, seen = 0;
	int rc;

	if (cfg->page_shift != lt->page_shift)
		return vm_fail(d, VM_ERR_USAGE,
			       "loaded trace was made at page shift %u, not %u",
			       lt->page_shift, cfg->page_shift);
	if ((cfg->policy->flags & POLICY_NEEDS_FUTURE) && !lt->next)
		return vm_fail(d, VM_ERR_USAGE,
			       "policy '%s' needs next-use times (loaded_compute_next)",
			       cfg->policy->name);
	rc = sim_alloc(&s, cfg, lt->npages, d);
	if (rc)
		return rc;
	if (lt->next) {
		for (i = 0; i < lt->n; i++) {
			uint32_t x = lt->ids[i], nx = lt->next[i];

			if (i + SIM_AHEAD < lt->n)
				__builtin_prefetch(&s->page_frame[LOADED_ID(lt->ids[i + SIM_AHEAD])]);
			sim_step(s, LOADED_ID(x), x >> 31,
				 nx == LOADED_NEVER ? POLICY_NEVER : nx);
		}
	} else {
		for (i = 0; i < lt->n; i++) {
			uint32_t x = lt->ids[i];

			if (i + SIM_AHEAD < lt->n)
				__builtin_prefetch(&s->page_frame[LOADED_ID(lt->ids[i + SIM_AHEAD])]);
			sim_step(s, LOADED_ID(x), x >> 31, POLICY_NEVER);
		}
	}
	*st = s->st;
	st->refs = s->now;
	memcpy(st->by_kind, lt->by_kind, sizeof st->by_kind);
	for (i = 0; i < lt->npages; i++)
		seen += s->page_frame[i] != FRAME_NEW;
	st->distinct_pages = seen;
	sim_free(s);
	return 0;
}

/* ------------------------------------- hooks for the translation model */

/*
 * The translation model (xlate.c) numbers pages per address space itself and
 * drives the engine with those ids, one batch at a time, before it replays the
 * same batch through the TLBs; the eviction hook tells it which translations
 * to shoot down.  These add no work to the other modes: the hook is tested
 * only on the eviction path.
 */
int sim_new_ids(struct sim **out, const struct engine_config *cfg, struct vm_diag *d)
{
	return sim_alloc(out, cfg, 0, d);
}

void sim_set_evict_hook(struct sim *s, sim_evict_fn fn, void *ctx)
{
	s->evict_fn = fn;
	s->evict_ctx = ctx;
}

int sim_ids(struct sim *s, const uint32_t *ids, const uint32_t *next, size_t n)
{
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		uint32_t id = LOADED_ID(ids[i]);

		while (id >= s->npages_cap)
			if ((rc = sim_grow_pages(s)))
				return rc;
		sim_step(s, id, ids[i] >> 31,
			 !next || next[i] == LOADED_NEVER ? POLICY_NEVER : next[i]);
	}
	return 0;
}
