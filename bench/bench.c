/*
 * bench.c - vmsim-bench, the timed kernels behind `make bench` (bench/run.sh).
 *
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * The driver script generates the inputs and writes the tables; this helper
 * times what a command line cannot isolate: one phase of the work (inflate,
 * decode to dense ids, one policy at one size, a one-pass curve, the TLB
 * model) over a trace already in memory, each beside the baselines the issue
 * asks for, measured in the same run.  It links libvmsim.a and calls the same
 * functions the vmsim commands call; nothing here is a second implementation
 * of anything it measures, except the baselines (raw inflate of the native
 * blocks, fgets + sscanf of Lackey's text), which are written here on purpose
 * as the simplest code that does the same reading.
 *
 * Every kernel runs REPS times (3 by default) and reports its best time: on a
 * shared, noisy machine the minimum is the run least disturbed by others.
 * A kernel whose first run takes longer than --slow seconds runs once (the
 * runs column says so): a long run averages the noise out by itself.
 * Each kernel runs in a child process forked for it, so its peak resident
 * set (getrusage in the child, after its first run) is its own: the decoded
 * trace the parent already holds, plus whatever the kernel allocates.  Output is one CSV row
 * per kernel (no header), columns as in `row_head` below; the driver adds
 * the input's name, the rates and the ratios.
 *
 *   vmsim-bench native FILE [--reps N] [--frames F] [--big-frames F]
 *                           [--threads T] [--only K,K,...] [--slow SECONDS]
 *   vmsim-bench lackey TEXT GZ [--reps N]
 *   vmsim-bench tlb FILE [--reps N]
 *   vmsim-bench exec NAME REFS PAGES BYTES_PER_REF [--reps N] -- CMD [ARGS...]
 *   vmsim-bench sizes PAGES N
 */
#define _DEFAULT_SOURCE /* wait4() */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "analysis.h"
#include "collect.h"
#include "native.h"
#include "policy.h"

extern const struct policy_ops lru_ops, opt_ops; /* policies/lru.c, opt.c */
#include "replay.h"

#define BATCH 4096           /* refs per trace_read() */
#define MAX_SIZES 64         /* memory sizes of a binned curve */

static const char row_head[] =
	"benchmark,refs,pages,frames,seconds_best,runs,peak_rss_kb,bytes_per_ref,"
	"bytes_per_page,threads,note";

struct bench_opts {
	unsigned reps;        /* runs per kernel; the best counts */
	uint32_t frames;      /* one-size kernels: memory size */
	uint32_t big_frames;  /* LFU's second size */
	unsigned threads;     /* curve_run's workers */
	const char *only;     /* comma list of kernels to run, NULL: all */
	double slow;          /* a kernel whose run takes longer runs once */
};

/* What one kernel reports besides its time. */
struct bench_result {
	uint64_t refs;        /* references processed per run */
	uint64_t pages;       /* distinct pages of the input */
	uint32_t frames;      /* memory size, 0 if none */
	unsigned bpr;         /* bytes per reference the kernel keeps resident */
	unsigned threads;     /* threads it used */
	char note[160];       /* what else a reader should know */
};

static long base_rss_kb;     /* this process before it did anything */
static volatile uint64_t sink; /* results the compiler must not drop */

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("vmsim-bench: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static long rss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static void print_row(const char *name, const struct bench_result *r, double best,
		      unsigned runs, long peak_kb, long base_kb)
{
	double bpp = 0;

	if (r->pages)
		bpp = ((double)(peak_kb - base_kb) * 1024.0 - (double)r->bpr * (double)r->refs) /
		      (double)r->pages;
	printf("%s,%" PRIu64 ",%" PRIu64 ",%u,%.6f,%u,%ld,%u,%.1f,%u,%s\n", name, r->refs,
	       r->pages, r->frames, best, runs, peak_kb, r->bpr, bpp, r->threads, r->note);
	fflush(stdout);
}

/* ------------------------------------------------------------ the input */

struct input {
	const char *path;        /* the trace */
	struct loaded_trace lt;  /* decoded once by the parent */
};

static void load(struct input *in)
{
	struct vm_diag d = { 0 };

	if (loaded_read_file(&in->lt, in->path, NULL, 12, NULL, &d))
		die("%s", d.msg);
}

/* -------------------------------------------------------------- kernels */

/*
 * A kernel is one timed run; setup and teardown run outside the clock.
 * run() returns the references it processed.
 */
struct kernel {
	const char *name;   /* benchmark column */
	int needs_load;     /* runs after the parent decoded the trace */
	uint64_t (*run)(struct input *in, const struct bench_opts *o,
			struct bench_result *r);
	void (*teardown)(struct input *in);  /* after each run, or NULL */
};

/* Raw inflate of every native block, nothing else: read each block the way
 * the reader does (from the file, in order) and inflate it with zlib, no CRC,
 * no Adler-32, no decoding. */
static uint64_t k_inflate(struct input *in, const struct bench_opts *o,
			  struct bench_result *r)
{
	unsigned char h[NATIVE_BLOCK_HEADER_SIZE], *comp = NULL, *raw = NULL;
	size_t ccap = 0, rcap = 0;
	uint64_t refs = 0, rawbytes = 0;
	uint32_t rawlen, clen;
	z_stream z;
	FILE *f;

	(void)o;
	f = fopen(in->path, "rb");
	if (!f || fseek(f, NATIVE_HEADER_SIZE, SEEK_SET))
		die("%s: %s", in->path, strerror(errno));
	memset(&z, 0, sizeof z);
	if (inflateInit(&z) != Z_OK)
		die("inflateInit failed");
	while (fread(h, 1, sizeof h, f) == sizeof h && memcmp(h, NATIVE_BLOCK_MAGIC, 4) == 0) {
		rawlen = (uint32_t)h[4] | (uint32_t)h[5] << 8 | (uint32_t)h[6] << 16 |
			 (uint32_t)h[7] << 24;
		clen = (uint32_t)h[8] | (uint32_t)h[9] << 8 | (uint32_t)h[10] << 16 |
		       (uint32_t)h[11] << 24;
		refs += (uint32_t)h[12] | (uint32_t)h[13] << 8 | (uint32_t)h[14] << 16 |
			(uint32_t)h[15] << 24;
		if (clen > ccap && !(comp = realloc(comp, ccap = clen)))
			die("out of memory");
		if (rawlen > rcap && !(raw = realloc(raw, rcap = rawlen)))
			die("out of memory");
		if (fread(comp, 1, clen, f) != clen)
			die("%s: truncated block", in->path);
		inflateReset(&z);
		inflateValidate(&z, 0);
		z.next_in = comp;
		z.avail_in = clen;
		z.next_out = raw;
		z.avail_out = rawlen;
		if (inflate(&z, Z_FINISH) != Z_STREAM_END)
			die("%s: bad block", in->path);
		rawbytes += rawlen;
	}
	inflateEnd(&z);
	fclose(f);
	free(comp);
	free(raw);
	snprintf(r->note, sizeof r->note, "%.2f raw bytes per ref", (double)rawbytes / (double)refs);
	r->pages = 0;
	return refs;
}

/* The whole decode: file -> inflate -> CRC -> records -> dense page ids. */
static struct loaded_trace k_lt;

static uint64_t k_decode(struct input *in, const struct bench_opts *o,
			 struct bench_result *r)
{
	struct vm_diag d = { 0 };

	(void)o;
	if (loaded_read_file(&k_lt, in->path, NULL, 12, NULL, &d))
		die("%s", d.msg);
	r->pages = k_lt.npages;
	r->bpr = 4;
	return k_lt.n;
}

static void k_decode_free(struct input *in)
{
	(void)in;
	loaded_free(&k_lt);
}

/* Baseline: a sequential pass over the id array, what any replay must do. */
static uint64_t k_scan(struct input *in, const struct bench_opts *o,
		       struct bench_result *r)
{
	const uint32_t *ids = in->lt.ids;
	uint64_t i, s = 0;

	(void)o;
	for (i = 0; i < in->lt.n; i++)
		s += LOADED_ID(ids[i]);
	sink = s;
	r->bpr = 4;
	return in->lt.n;
}

static uint64_t k_next(struct input *in, const struct bench_opts *o,
		       struct bench_result *r)
{
	struct vm_diag d = { 0 };

	(void)o;
	if (loaded_compute_next(&in->lt, &d))
		die("%s", d.msg);
	r->bpr = 8;
	return in->lt.n;
}

static void k_next_free(struct input *in)
{
	free(in->lt.next);
	in->lt.next = NULL;
}

static uint64_t run_policy(struct input *in, const char *name, uint32_t frames,
			   struct bench_result *r)
{
	const struct policy_ops *ops = policy_find(name);
	struct engine_config cfg = { 0 };
	struct engine_stats st;
	struct vm_diag d = { 0 };

	if (!ops)
		die("no policy %s", name);
	if ((ops->flags & POLICY_NEEDS_FUTURE) && loaded_compute_next(&in->lt, &d))
		die("%s", d.msg);
	cfg.policy = ops;
	cfg.frames = frames;
	cfg.page_shift = in->lt.page_shift;
	cfg.seed = 1;
	if (sim_run_loaded(&in->lt, &cfg, &st, &d))
		die("%s", d.msg);
	r->frames = frames;
	r->bpr = in->lt.next ? 8 : 4;
	snprintf(r->note, sizeof r->note, "hit rate %.4f", (double)st.hits / (double)st.refs);
	return st.refs;
}

#define POLICY_KERNEL(fn, name, field)						\
	static uint64_t fn(struct input *in, const struct bench_opts *o,	\
			   struct bench_result *r)				\
	{									\
		return run_policy(in, name, o->field, r);			\
	}
POLICY_KERNEL(k_fifo, "fifo", frames)
POLICY_KERNEL(k_random, "random", frames)
POLICY_KERNEL(k_clock, "clock", frames)
POLICY_KERNEL(k_lru, "lru", frames)
POLICY_KERNEL(k_lfu, "lfu", frames)
POLICY_KERNEL(k_lfu_big, "lfu", big_frames)
POLICY_KERNEL(k_opt, "opt", frames) /* teardown drops next[]: the pass is timed */

/* n sizes spread geometrically over 1..pages, distinct, ascending */
static size_t geo_sizes(uint32_t pages, size_t n, uint32_t *out)
{
	size_t i, k = 0;
	double v;
	uint32_t s;

	for (i = 0; i < n; i++) {
		v = n > 1 ? pow((double)pages, (double)i / (double)(n - 1)) : pages;
		s = (uint32_t)llround(v);
		if (s < 1)
			s = 1;
		if (k == 0 || s > out[k - 1])
			out[k++] = s;
	}
	return k;
}

/* The exact LRU curve counted per distance, so every size: asking for more
 * sizes than curve_lru bins (4096) makes it keep a counter per distance; the
 * 4097 sizes, spread over 1..V, are only what is read out of it. */
static uint64_t k_lru_curve(struct input *in, const struct bench_opts *o,
			    struct bench_result *r)
{
	enum { NS = 4097 };
	struct engine_stats *st = calloc(NS, sizeof *st);
	uint32_t *sizes = malloc(NS * sizeof *sizes), k;
	struct vm_diag d = { 0 };

	(void)o;
	if (!st || !sizes)
		die("out of memory");
	for (k = 0; k < NS; k++)
		sizes[k] = 1 + (uint32_t)((uint64_t)k * in->lt.npages / (NS - 1)) + k;
	if (curve_lru(&in->lt, sizes, NS, st, NULL, &d))
		die("lru curve: %s", d.msg);
	snprintf(r->note, sizeof r->note, "a counter per distance; %d sizes read out", NS);
	free(st);
	free(sizes);
	r->bpr = 4;
	return in->lt.n;
}

/* The same with 32 requested sizes: one bin per size. */
static uint64_t k_lru_curve32(struct input *in, const struct bench_opts *o,
			      struct bench_result *r)
{
	struct engine_stats st[MAX_SIZES];
	struct vm_diag d = { 0 };
	uint32_t sizes[MAX_SIZES];
	size_t n = geo_sizes(in->lt.npages, 32, sizes);

	(void)o;
	if (curve_lru(&in->lt, sizes, n, st, NULL, &d))
		die("lru curve: %s", d.msg);
	snprintf(r->note, sizeof r->note, "%zu sizes binned", n);
	r->bpr = 4;
	return in->lt.n;
}

/* OPT over 32 sizes through curve_run as `vmsim curve -p opt` runs it: the
 * next-use pass included, the method curve_run's rule picks, o->threads. */
static uint64_t k_opt_curve32(struct input *in, const struct bench_opts *o,
			      struct bench_result *r)
{
	const struct policy_ops *pols[1] = { &opt_ops };
	struct curve_point pts[MAX_SIZES];
	struct curve_opts co = { 0 };
	struct vm_diag d = { 0 };
	uint32_t sizes[MAX_SIZES];
	size_t n = geo_sizes(in->lt.npages, 32, sizes);

	co.policies = pols;
	co.npolicies = 1;
	co.frames = sizes;
	co.nframes = n;
	co.seed = 1;
	co.threads = o->threads;
	if (curve_run(&in->lt, &co, pts, &d))
		die("opt curve: %s", d.msg);
	snprintf(r->note, sizeof r->note, "%zu sizes; %s", n, pts[0].mode);
	r->bpr = 8;
	r->threads = o->threads;
	return in->lt.n;
}

static const struct kernel native_kernels[] = {
	{ "inflate", 0, k_inflate, NULL },
	{ "decode", 0, k_decode, k_decode_free },
	{ "scan", 1, k_scan, NULL },
	{ "next-use", 1, k_next, k_next_free },
	{ "fifo", 1, k_fifo, NULL },
	{ "random", 1, k_random, NULL },
	{ "clock", 1, k_clock, NULL },
	{ "lru", 1, k_lru, NULL },
	{ "lfu", 1, k_lfu, NULL },
	{ "lfu-big", 1, k_lfu_big, NULL },
	{ "opt", 1, k_opt, k_next_free },
	{ "lru-curve", 1, k_lru_curve, NULL },
	{ "lru-curve-32", 1, k_lru_curve32, NULL },
	{ "opt-curve-32", 1, k_opt_curve32, k_next_free },
};

static int wanted(const char *only, const char *name)
{
	size_t len = strlen(name);
	const char *p = only;

	if (!only)
		return 1;
	while ((p = strstr(p, name))) {
		if ((p == only || p[-1] == ',') && (p[len] == ',' || p[len] == 0))
			return 1;
		p += len;
	}
	return 0;
}

/* Run k o->reps times in a child process and print its row. */
static void run_kernel(const struct kernel *k, struct input *in, const struct bench_opts *o)
{
	struct bench_result r;
	double best = 0, t;
	unsigned i;
	uint64_t refs;
	pid_t pid;
	int ws;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		/* the peak of the first run: later runs may find memory the
		 * allocator kept from the ones before */
		long peak = 0;

		for (i = 0; i < o->reps; i++) {
			memset(&r, 0, sizeof r);
			r.pages = in->lt.npages;
			r.threads = 1;
			t = now_s();
			refs = k->run(in, o, &r);
			t = now_s() - t;
			r.refs = refs;
			if (i == 0 || t < best)
				best = t;
			if (i == 0)
				peak = rss_kb();
			if (i + 1 < o->reps && t > o->slow)
				break; /* long enough to be steady: once is enough */
			if (k->teardown && i + 1 < o->reps)
				k->teardown(in);
		}
		print_row(k->name, &r, best, i < o->reps ? i + 1 : o->reps, peak, base_rss_kb);
		_exit(0);
	}
	if (waitpid(pid, &ws, 0) < 0 || !WIFEXITED(ws) || WEXITSTATUS(ws))
		die("kernel %s failed", k->name);
}

/* ------------------------------------------------------------- lackey */

static uint64_t lk_read(const char *path, const struct trace_format *fmt)
{
	struct trace_reader *tr;
	struct vm_diag d = { 0 };
	struct ref *buf = malloc(BATCH * sizeof *buf);
	uint64_t n = 0, s = 0;
	long got;

	if (!buf || trace_open(&tr, path, fmt, &d))
		die("%s", d.msg);
	while ((got = trace_read(tr, buf, BATCH)) > 0) {
		n += (uint64_t)got;
		s += buf[got - 1].addr;
	}
	if (got < 0)
		die("%s", d.msg);
	sink = s;
	trace_close(tr);
	free(buf);
	return n;
}

/* The baseline parser: what a script in C would write. */
static uint64_t lk_sscanf(const char *path)
{
	char line[512], kind;
	uint64_t n = 0, s = 0, addr;
	unsigned size;
	FILE *f = fopen(path, "r");

	if (!f)
		die("%s: %s", path, strerror(errno));
	while (fgets(line, sizeof line, f))
		if (sscanf(line, " %c %" SCNx64 ",%u", &kind, &addr, &size) == 3) {
			n++;
			s += addr + size + (unsigned char)kind;
		}
	fclose(f);
	sink = s;
	return n;
}

/* The baseline inflate: gzread into a buffer, nothing else. */
static uint64_t gz_inflate(const char *path, uint64_t *bytes)
{
	enum { CHUNK = 1 << 20 };
	char *buf = malloc(CHUNK);
	gzFile g = gzopen(path, "rb");
	int got;

	*bytes = 0;
	if (!buf || !g)
		die("%s: cannot open", path);
	gzbuffer(g, 256 * 1024);
	while ((got = gzread(g, buf, CHUNK)) > 0)
		*bytes += (uint64_t)got;
	if (got < 0)
		die("%s: gzread failed", path);
	gzclose(g);
	free(buf);
	return 0;
}

static void time_best(const char *name, unsigned reps, uint64_t refs, const char *note,
		      uint64_t (*fn)(const char *, const char *), const char *a, const char *b)
{
	struct bench_result r;
	double best = 0, t;
	unsigned i;

	memset(&r, 0, sizeof r);
	for (i = 0; i < reps; i++) {
		t = now_s();
		r.refs = fn(a, b);
		t = now_s() - t;
		if (i == 0 || t < best)
			best = t;
	}
	if (refs)
		r.refs = refs;
	r.threads = 1;
	snprintf(r.note, sizeof r.note, "%s", note);
	print_row(name, &r, best, reps, rss_kb(), base_rss_kb);
}

static uint64_t fn_lk_text(const char *a, const char *b)
{
	(void)b;
	return lk_read(a, &lackey_format);
}

static uint64_t fn_sscanf(const char *a, const char *b)
{
	(void)b;
	return lk_sscanf(a);
}

static uint64_t gz_bytes;

static uint64_t fn_gz(const char *a, const char *b)
{
	(void)b;
	return gz_inflate(a, &gz_bytes);
}

static int cmd_lackey(const char *text, const char *gz, const struct bench_opts *o)
{
	uint64_t refs = lk_read(text, &lackey_format);
	char note[96];

	time_best("lackey-fgets-sscanf", o->reps, 0, "fgets + sscanf, the baseline",
		  fn_sscanf, text, NULL);
	time_best("lackey-parse", o->reps, 0, "uncompressed text", fn_lk_text, text, NULL);
	gz_inflate(gz, &gz_bytes);
	snprintf(note, sizeof note, "gzread only; %.1f text bytes per line",
		 (double)gz_bytes / (double)refs);
	time_best("lackey-inflate", o->reps, refs, note, fn_gz, gz, NULL);
	time_best("lackey-gz", o->reps, 0, "gzip'd text, zlib", fn_lk_text, gz, NULL);
	return 0;
}

/* ------------------------------------------------------------------ TLB */

struct refs_mem {
	struct ref *v;   /* every reference of a trace */
	uint64_t n;      /* how many */
};

static void refs_load(const char *path, struct refs_mem *m)
{
	struct trace_reader *tr;
	struct vm_diag d = { 0 };
	uint64_t cap = 1 << 20;
	long got;

	m->n = 0;
	m->v = malloc(cap * sizeof *m->v);
	if (!m->v || trace_open(&tr, path, NULL, &d))
		die("%s", d.msg);
	for (;;) {
		if (m->n + BATCH > cap && !(m->v = realloc(m->v, (cap *= 2) * sizeof *m->v)))
			die("out of memory");
		got = trace_read(tr, m->v + m->n, BATCH);
		if (got <= 0)
			break;
		m->n += (uint64_t)got;
	}
	if (got < 0)
		die("%s", d.msg);
	trace_close(tr);
}

static void xlate_cfg(struct xlate_config *xc, int tlb_only)
{
	struct vm_diag d = { 0 };

	memset(xc, 0, sizeof *xc);
	xc->page_shift = 12;
	xc->seed = 1;
	xc->lat = xlate_default_latency;
	xc->thp_fraction = 0.5;
	xc->asid_tagged = 1;
	xc->tlb_only = tlb_only;
	if (tlb_only)
		return;
	xc->pt.pte_size = 8;
	xc->pt.pwc = 32;
	if (tlb_parse("--tlb", "64:4", &xc->tlb, &d) ||
	    tlb_parse("--stlb", "1536:12", &xc->stlb, &d) || xlate_config_check(xc, &d))
		die("%s", d.msg);
}

/* 64:4 L1 + 1536:12 L2 + 32-entry walk caches + LRU paging with room for
 * every page, from references already in memory. */
static double tlb_model(const struct refs_mem *m)
{
	struct engine_config ec = { 0 };
	struct engine_stats est;
	struct xlate_stats xst;
	struct xlate_config xc;
	struct vm_diag d = { 0 };
	struct xlate *x;
	uint64_t i;
	double t;

	xlate_cfg(&xc, 0);
	ec.policy = &lru_ops;
	ec.frames = 1u << 20;
	ec.page_shift = 12;
	ec.seed = 1;
	t = now_s();
	if (xlate_new(&x, &xc, &ec, &d))
		die("%s", d.msg);
	for (i = 0; i < m->n; i += BATCH)
		if (xlate_refs(x, m->v + i, m->n - i < BATCH ? m->n - i : BATCH, &d))
			die("%s", d.msg);
	if (xlate_result(x, &est, &xst, &d))
		die("%s", d.msg);
	t = now_s() - t;
	sink = xst.walks;
	xlate_free(x);
	return t;
}

/* Baseline for the model: a pass over the same refs in memory. */
static double refs_scan(const struct refs_mem *m)
{
	uint64_t i, s = 0;
	double t = now_s();

	for (i = 0; i < m->n; i++)
		s += m->v[i].addr >> 12;
	sink = s;
	return now_s() - t;
}

/* tlb-curve from the file: 64 sets, every associativity 1..16, LRU, one pass. */
static double tlb_curve(const char *path)
{
	struct tlb_curve_point pts[16];
	struct xlate_source *src;
	struct xlate_config xc;
	struct vm_diag d = { 0 };
	double t;
	int w;

	xlate_cfg(&xc, 1);
	memset(pts, 0, sizeof pts);
	for (w = 1; w <= 16; w++) {
		pts[w - 1].tlb.entries = 64u * (uint32_t)w;
		pts[w - 1].tlb.ways = (uint32_t)w;
		pts[w - 1].tlb.policy = &lru_ops;
	}
	t = now_s();
	if (xlate_source_open(&src, &path, 1, NULL, 0, &d) ||
	    xlate_tlb_curve(src, &xc, pts, 16, NULL, &d))
		die("%s", d.msg);
	xlate_source_close(src);
	t = now_s() - t;
	sink = pts[0].st.misses;
	return t;
}

/* Baseline for the curve: reading the same file's references. */
static double read_time(const char *path)
{
	double t = now_s();

	sink = lk_read(path, NULL);
	return now_s() - t;
}

static int cmd_tlb(const char *file, const struct bench_opts *o)
{
	enum { SCAN, MODEL, READ, CURVE, NKINDS };
	static const char *const names[NKINDS] = { "tlb-ref-scan", "tlb", "tlb-read",
						    "tlb-curve" };
	static const char *const notes[NKINDS] = {
		"refs in memory; baseline of tlb",
		"64:4 + 1536:12 + pwc 32 + LRU paging; refs in memory",
		"trace_read of the file; baseline of tlb-curve",
		"64 sets x ways 1..16 LRU in one pass; from the file",
	};
	struct bench_result r;
	struct refs_mem m;
	double best = 0, t;
	unsigned i;
	int k;

	refs_load(file, &m);
	for (k = 0; k < NKINDS; k++) {
		for (i = 0; i < o->reps; i++) {
			t = k == SCAN ? refs_scan(&m) : k == MODEL ? tlb_model(&m) :
			    k == READ ? read_time(file) : tlb_curve(file);
			if (i == 0 || t < best)
				best = t;
		}
		memset(&r, 0, sizeof r);
		r.refs = m.n;
		r.threads = 1;
		snprintf(r.note, sizeof r.note, "%s", notes[k]);
		print_row(names[k], &r, best, o->reps, rss_kb(), base_rss_kb);
	}
	free(m.v);
	return 0;
}

/* ----------------------------------------------------------------- exec */

/* Run argv reps times, stdout to /dev/null; the best wall time and the
 * largest peak RSS of a run. */
static int cmd_exec(const char *name, uint64_t refs, uint64_t pages, unsigned bpr,
		    char **argv, const struct bench_opts *o)
{
	struct bench_result r;
	struct rusage ru;
	double best = 0, t;
	long peak = 0;
	unsigned i;
	pid_t pid;
	int ws, fd;

	for (i = 0; i < o->reps; i++) {
		fflush(stdout);
		t = now_s();
		pid = fork();
		if (pid < 0)
			die("fork: %s", strerror(errno));
		if (pid == 0) {
			fd = open("/dev/null", O_WRONLY);
			if (fd < 0 || dup2(fd, 1) < 0)
				_exit(127);
			execvp(argv[0], argv);
			fprintf(stderr, "vmsim-bench: %s: %s\n", argv[0], strerror(errno));
			_exit(127);
		}
		if (wait4(pid, &ws, 0, &ru) < 0)
			die("wait4: %s", strerror(errno));
		t = now_s() - t;
		if (!WIFEXITED(ws) || WEXITSTATUS(ws))
			die("%s: %s failed (status %d)", name, argv[0], ws);
		if (i == 0 || t < best)
			best = t;
		if (ru.ru_maxrss > peak)
			peak = ru.ru_maxrss;
	}
	memset(&r, 0, sizeof r);
	r.refs = refs;
	r.pages = pages;
	r.bpr = bpr;
	r.threads = 0;
	snprintf(r.note, sizeof r.note, "end to end");
	for (i = 0; argv[i]; i++)
		if (strcmp(argv[i], "-j") == 0 && argv[i + 1])
			r.threads = (unsigned)atoi(argv[i + 1]);
	print_row(name, &r, best, o->reps, peak, 0);
	return 0;
}

/* ----------------------------------------------------------------- main */

static uint64_t num(const char *s)
{
	uint64_t v;

	if (parse_u64(s, &v))
		die("'%s' is not a number", s);
	return v;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: vmsim-bench native FILE [--reps N] [--frames F] [--big-frames F]\n"
		"                          [--threads T] [--only K,...] [--slow SECONDS]\n"
		"       vmsim-bench lackey TEXT GZ [--reps N]\n"
		"       vmsim-bench tlb FILE [--reps N]\n"
		"       vmsim-bench exec NAME REFS PAGES BYTES_PER_REF [--reps N] -- CMD...\n"
		"       vmsim-bench sizes PAGES N\n"
		"       vmsim-bench header | zlib\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct bench_opts o = { 3, 65536, 524288, 2, NULL, 1e9 };
	char *pos[16];
	int npos = 0, i;
	size_t k;

	base_rss_kb = rss_kb();
	if (argc < 2)
		usage();
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (strncmp(argv[i], "--", 2) == 0 && i + 1 >= argc)
			usage();
		if (strcmp(argv[i], "--reps") == 0)
			o.reps = (unsigned)num(argv[++i]);
		else if (strcmp(argv[i], "--frames") == 0)
			o.frames = (uint32_t)num(argv[++i]);
		else if (strcmp(argv[i], "--big-frames") == 0)
			o.big_frames = (uint32_t)num(argv[++i]);
		else if (strcmp(argv[i], "--threads") == 0)
			o.threads = (unsigned)num(argv[++i]);
		else if (strcmp(argv[i], "--only") == 0)
			o.only = argv[++i];
		else if (strcmp(argv[i], "--slow") == 0)
			o.slow = (double)num(argv[++i]);
		else if (npos < 16)
			pos[npos++] = argv[i];
		else
			usage();
	}
	if (o.reps < 1 || o.frames < 1 || o.big_frames < 1 || o.threads < 1)
		die("--reps, --frames, --big-frames and --threads must be at least 1");
	if (strcmp(argv[1], "header") == 0) {
		puts(row_head);
	} else if (strcmp(argv[1], "zlib") == 0) {
		puts(zlibVersion());
	} else if (strcmp(argv[1], "native") == 0 && npos == 1) {
		struct input in = { pos[0], { 0 } };
		int loaded = 0;

		for (k = 0; k < sizeof native_kernels / sizeof native_kernels[0]; k++) {
			if (!wanted(o.only, native_kernels[k].name))
				continue;
			if (native_kernels[k].needs_load && !loaded) {
				load(&in);
				loaded = 1;
			}
			run_kernel(&native_kernels[k], &in, &o);
		}
		loaded_free(&in.lt);
	} else if (strcmp(argv[1], "lackey") == 0 && npos == 2) {
		return cmd_lackey(pos[0], pos[1], &o);
	} else if (strcmp(argv[1], "tlb") == 0 && npos == 1) {
		return cmd_tlb(pos[0], &o);
	} else if (strcmp(argv[1], "exec") == 0 && npos == 4 && i < argc) {
		return cmd_exec(pos[0], num(pos[1]), num(pos[2]), (unsigned)num(pos[3]),
				argv + i, &o);
	} else if (strcmp(argv[1], "sizes") == 0 && npos == 2) {
		uint32_t sizes[MAX_SIZES];
		size_t n = num(pos[1]) > MAX_SIZES ? MAX_SIZES : (size_t)num(pos[1]);

		n = geo_sizes((uint32_t)num(pos[0]), n, sizes);
		for (k = 0; k < n; k++)
			printf("%s%u", k ? "," : "", sizes[k]);
		putchar('\n');
	} else {
		usage();
	}
	return 0;
}
