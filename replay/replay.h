/*
 * replay.h - the public face of vmsim's core: references, diagnostics, trace
 * readers and writers, and the replay engine.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Data flow (see DESIGN.md):
 *
 *   file --stream (plain or gzip)--> format reader --struct ref batches--> engine
 *                                                                           |
 *                                       policy (policies/policy.h) <--------+
 *
 * Everything here returns 0 (or a count) on success and a negative enum
 * vm_status on failure; the human-readable reason, with file and line or byte
 * offset, is left in a struct vm_diag supplied by the caller.  Nothing here
 * calls exit().
 */
#ifndef VMSIM_REPLAY_H
#define VMSIM_REPLAY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define VMSIM_VERSION "0.1.0"

/* The largest page: 2^30 bytes (1 GiB).  Every page-size check uses this. */
#define VM_MAX_PAGE_SHIFT 30

/* ---------------------------------------------------------------- status */

enum vm_status {
	VM_OK = 0,
	VM_ERR_IO = -1,     /* open/read/write failed (errno-level trouble) */
	VM_ERR_FORMAT = -2, /* the input is malformed, truncated or corrupt */
	VM_ERR_NOMEM = -3,  /* an allocation failed */
	VM_ERR_USAGE = -4,  /* a bad argument or option value */
	VM_ERR_LIMIT = -5,  /* the input exceeds a documented limit */
	VM_ERR_MEMLIMIT = -6, /* per-page state would pass --mem-limit (vm_mem_charge) */
};

struct vm_diag {
	int code;        /* the last enum vm_status reported, 0 if none */
	char msg[1024];  /* "FILE:LINE: what is wrong" or similar */
};

/* Record an error in d (may be NULL) and return code, so callers can write
 * "return vm_fail(d, VM_ERR_FORMAT, "%s:%lu: ...", ...);". */
int vm_fail(struct vm_diag *d, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Allocation that cannot fail: prints the size and aborts on OOM.  The one
 * exit path allowed outside main (STYLE.md 7); use it only where a failure
 * could not be reported sensibly anyway. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

/* ------------------------------------------------------- trace identity */

/*
 * A trace file's identity (traceid.c): a digest of its size and its first
 * and last 64 KiB, the same however the path is spelled and on every machine
 * holding a copy.  Results carry it in a trace_id column; check and batch
 * match by it.  Standard input and other non-regular files have none
 * (VM_ERR_USAGE: name them with --label).
 */
struct trace_ident {
	uint64_t size;    /* bytes */
	int64_t mtime_ns; /* modification time, ns since the epoch (not in id) */
	char id[17];      /* 16 lowercase hex digits */
};
int trace_ident(const char *path, struct trace_ident *ti, struct vm_diag *d);

/* ----------------------------------------------------------- outfiles */

/*
 * Atomic output: write to PATH.tmp.XXXXXX beside PATH and rename it into
 * place on commit, so a reader never sees half a file.  Path "-" or NULL
 * means stdout, and an existing file that is not a regular file (/dev/null,
 * a FIFO) is written in place: renaming onto it would replace it.
 */
struct outfile {
	FILE *f;     /* where to write */
	char *path;  /* final name, NULL for stdout */
	char *tmp;   /* temporary name, NULL when written in place */
	int owned;   /* f must be closed (a device or FIFO written in place) */
};

int outfile_open(struct outfile *o, const char *path, struct vm_diag *d);
int outfile_commit(struct outfile *o, struct vm_diag *d);
void outfile_abort(struct outfile *o);

/*
 * Temporary files that a signal must not leave behind.  Every writer that
 * creates a temporary output registers it until it is renamed or removed;
 * vm_cleanup_on_signals() (called once by main) installs handlers for SIGINT,
 * SIGTERM, SIGHUP and SIGPIPE that unlink the registered files (and remove
 * registered directories, once emptied) and then die of the same signal.
 * At most VM_MAX_TEMPS at once; beyond that a temporary is simply not
 * registered (and would survive a signal).
 */
#define VM_MAX_TEMPS 64
void vm_temp_register(const char *path);
/*
 * Stale temporaries.  A temporary is named PATH.tmp.PID.HOST.XXXXXX: the pid
 * of the process writing it, 8 hex digits hashing this machine's host name,
 * and mkstemp's six characters.  A SIGKILL leaves one behind; the next run
 * writing PATH calls vm_temp_sweep(PATH), which removes exactly the regular
 * files of that pattern beside PATH, owned by this user and made on this host
 * whose process no longer exists (kill(PID, 0) says ESRCH).  A live process's
 * temporary, another host's (a shared disk), and any other name are kept.
 * vm_temp_template(PATH) returns the malloc'd template for mkstemp.
 */
char *vm_temp_template(const char *path);
void vm_temp_sweep(const char *path);
/* mkstemp(tmpl) and vm_temp_register(tmpl) with the cleanup signals blocked
 * in between, so no signal can leave the new file unregistered; the fd or
 * -1 (errno set). */
int vm_temp_create(char *tmpl);
void vm_temp_unregister(const char *path);
void vm_cleanup_on_signals(void);
/* What those handlers do, for a command that catches SIGINT and SIGTERM
 * itself to stop cleanly and must still die at once on a second signal:
 * unlink every registered path, rmdir those that are directories (emptied
 * first), then die of sig.  Async-signal-safe. */
void vm_cleanup_and_die(int sig);


/* ------------------------------------------------------------ references */

enum ref_kind {
	REF_INSTR = 0,  /* instruction fetch (lackey "I", text "I") */
	REF_LOAD = 1,   /* data load (lackey "L", text "R") */
	REF_STORE = 2,  /* data store (lackey "S", text "W") */
	REF_MODIFY = 3, /* load then store of the same datum (lackey "M") */
	REF_NKINDS = 4,
};

/* A store or modify dirties the page it touches. */
#define REF_IS_WRITE(k) ((k) >= REF_STORE)

struct ref {
	uint64_t addr;  /* virtual address of the first byte */
	uint32_t asid;  /* address-space id (0 when the trace has only one) */
	uint16_t size;  /* access size in bytes, 0 when the format has none */
	uint8_t kind;   /* enum ref_kind */
	uint8_t pad;    /* zero */
};

const char *ref_kind_name(int kind); /* "instr", "load", "store", "modify" */

/* ------------------------------------------------------ byte streams */

/*
 * A buffered input stream over a file, transparently inflating gzip (detected
 * from the magic bytes 1f 8b, never from the name).  Readers consume it with
 * stream_fill()/stream_consume(), which hand out a window of buffered bytes,
 * or stream_read() for exact byte counts.  Offsets are positions in the
 * decompressed data.
 */
struct stream;

/* Errors (with the file name and offset or line) go to d, which must outlive
 * the stream; with d NULL they go to a diag inside the stream.  Either way
 * stream_diag() returns where they went.  path "-" is standard input. */
int stream_open(struct stream **out, const char *path, struct vm_diag *d);
void stream_close(struct stream *s);
/* Make at least want bytes available (fewer only at end of input); returns
 * the number available (>= 0) and sets *p to them, or a negative status. */
long stream_fill(struct stream *s, size_t want, const unsigned char **p);
void stream_consume(struct stream *s, size_t n);
/* Read exactly n bytes; returns n, or fewer at end of input, or < 0. */
long stream_read(struct stream *s, void *buf, size_t n);
uint64_t stream_offset(const struct stream *s); /* decompressed position */
const char *stream_path(const struct stream *s);
int stream_is_gzip(const struct stream *s);
struct vm_diag *stream_diag(struct stream *s);
/* Largest line a text reader accepts; longer lines are an error, so a file
 * with no newlines cannot make a reader buffer without bound. */
#define STREAM_MAX_LINE (1u << 20)
/* The next line, without its '\n', in *line and *len (valid until the next call
 * on s); a last line without '\n' counts.  1, 0 at end of input, or < 0
 * (a line longer than STREAM_MAX_LINE is VM_ERR_LIMIT). */
int stream_getline(struct stream *s, const unsigned char **line, size_t *len);
uint64_t stream_lineno(const struct stream *s); /* lines returned so far */
/* line as a short printable quote for error messages: control bytes and NULs
 * escaped, cut with "..." past about 60 bytes; returns buf. */
const char *stream_quote(char *buf, size_t n, const unsigned char *line,
			 size_t len);

/* ------------------------------------------------------- trace readers */

struct trace_reader;
struct trace_writer;

/*
 * One trace format: its ops table, listed once in replay/trace.c's registry.
 * A format gets the opened stream and keeps whatever state it needs in
 * r->state.
 */
/* Traits the trace code tests as bits, never by comparing formats. */
enum trace_format_flags {
	TRACE_FMT_COMPRESSED = 1u << 0, /* compresses itself: never gzipped again */
	TRACE_FMT_SEEKS = 1u << 1,      /* writer completes the header at the end: a file, not stdout */
};

struct trace_format {
	const char *name;     /* "lackey", "text", "native": what --input-format takes */
	const char *summary;  /* one line for --help */
	const char *ext;      /* preferred file extension, used for output naming */
	unsigned flags;       /* enum trace_format_flags */
	/* 1 if the first bytes (decompressed) look like this format, else 0 */
	int (*probe)(const unsigned char *head, size_t n);
	int (*open)(struct trace_reader *r);      /* 0 or < 0; read the header */
	/* fill buf with up to cap refs; count, 0 at end, or < 0 */
	long (*read)(struct trace_reader *r, struct ref *buf, size_t cap);
	void (*close)(struct trace_reader *r);    /* free r->state */
	/* writer side: NULL when the format cannot be written */
	int (*wopen)(struct trace_writer *w);     /* write the header */
	int (*write)(struct trace_writer *w, const struct ref *refs, size_t n);
	int (*wclose)(struct trace_writer *w);    /* flush, write the trailer, free */
};

struct trace_reader {
	const struct trace_format *fmt; /* the detected or forced format */
	struct stream *s;               /* the byte stream, owned */
	void *state;                    /* the format's private state */
	struct vm_diag *diag;           /* where errors go (the caller's) */
	uint64_t nread;                 /* refs delivered so far */
	uint64_t hint_refs;             /* refs the header promises, 0 if unknown */
	uint32_t hint_page_shift;       /* page-size hint from the header, 0 if none */
};

extern const struct trace_format *const trace_formats[]; /* NULL-terminated */
const struct trace_format *trace_format_find(const char *name);
/* "lackey text native" into buf, for help and error messages */
const char *trace_format_names(char *buf, size_t n);

/* Open path; fmt NULL means detect from content.  Errors name the file. */
int trace_open(struct trace_reader **out, const char *path,
	       const struct trace_format *fmt, struct vm_diag *d);
long trace_read(struct trace_reader *r, struct ref *buf, size_t cap);
void trace_close(struct trace_reader *r);

/* ------------------------------------------------------- trace writers */

struct trace_writer {
	const struct trace_format *fmt; /* the output format */
	FILE *f;                        /* the temporary file (or stdout) */
	void *gz;                       /* gzFile when compressing text, else NULL */
	char *path;                     /* final name */
	char *tmp;                      /* temporary name, NULL for stdout */
	void *state;                    /* the format's private state */
	struct vm_diag *diag;           /* where errors go */
	uint64_t nwritten;              /* refs accepted so far */
};

/* Append bytes to the output (through gzip when w->gz); 0 or < 0. */
int trace_sink_write(struct trace_writer *w, const void *p, size_t n);

/*
 * Writers write to a temporary file beside path and rename it into place in
 * trace_writer_close(), so a failed or interrupted run never leaves a partial
 * output.  gzip != 0 compresses text formats (native is always compressed).
 * path "-" writes to stdout (no rename, text formats only).
 */
int trace_writer_open(struct trace_writer **out, const char *path,
		      const struct trace_format *fmt, int gzip, struct vm_diag *d);
int trace_writer_write(struct trace_writer *w, const struct ref *refs, size_t n);
int trace_writer_close(struct trace_writer *w);   /* commit: rename into place */
void trace_writer_abort(struct trace_writer *w);  /* discard the temporary */

/* ------------------------------------------------------------- parsing */

/* "4096", "4K", "4KiB", "2M", "1G" -> bytes; 0 or < 0 on error. */
int parse_size(const char *s, uint64_t *out);
/* Decimal or 0x-hex unsigned integer, whole string, no overflow. */
int parse_u64(const char *s, uint64_t *out);
/* log2 of a power of two, or -1 */
int ilog2_exact(uint64_t v);

/* ------------------------------------------------------------ statistics */

struct trace_stats {
	uint64_t refs;               /* references */
	uint64_t by_kind[REF_NKINDS];/* per enum ref_kind */
	uint64_t distinct_pages;     /* at the page size asked for */
	uint64_t first_addr;         /* address of the first reference */
	uint64_t last_addr;          /* address of the last reference */
	uint64_t min_addr;           /* lowest address seen */
	uint64_t max_addr;           /* highest address seen */
	uint64_t max_asid;           /* highest address-space id seen */
	uint64_t asids;              /* distinct address-space ids seen */
	const char *format;          /* detected format name */
	int gzip;                    /* 1 if the file was gzip-compressed */
};

/* One streaming pass over a trace; memory grows with distinct pages only.
 * progress (may be NULL) is called every batch with the refs so far. */
int trace_stat(const char *path, const struct trace_format *fmt, uint32_t page_shift,
	       struct trace_stats *st, void (*progress)(uint64_t refs),
	       struct vm_diag *d);


/* ---------------------------------------------------------------- engine */

struct policy_ops;

struct engine_config {
	const struct policy_ops *policy; /* replacement policy */
	uint32_t frames;                 /* physical memory size N >= 1 */
	uint32_t page_shift;             /* log2(page size), 0..30 */
	uint64_t seed;                   /* for randomized policies */
	uint64_t lfu_aging;              /* LFU aging period K, 0 = default */
};

struct engine_stats {
	uint64_t refs;           /* references replayed */
	uint64_t hits;           /* references to a resident page */
	uint64_t faults;         /* references to a non-resident page */
	uint64_t compulsory;     /* faults on a page's first touch */
	uint64_t evictions;      /* pages removed to make room */
	uint64_t writebacks;     /* evicted pages that were dirty */
	uint64_t by_kind[REF_NKINDS]; /* refs per enum ref_kind */
	uint64_t distinct_pages; /* pages touched */
};

/*
 * Streaming replay: one configuration, one pass, memory bounded by the number
 * of distinct pages.  Feed batches of refs with sim_refs().  A policy with
 * POLICY_NEEDS_FUTURE cannot stream; sim_new() refuses it with VM_ERR_USAGE.
 */
struct sim;
int sim_new(struct sim **out, const struct engine_config *cfg, struct vm_diag *d);
int sim_refs(struct sim *s, const struct ref *refs, size_t n);
void sim_result(const struct sim *s, struct engine_stats *st);
void sim_free(struct sim *s);
/* Open, replay and close a whole trace file in streaming mode. */
int sim_stream_file(const char *path, const struct trace_format *fmt,
		    const struct engine_config *cfg, struct engine_stats *st,
		    struct vm_diag *d);

/*
 * Loaded mode: the trace decoded once into dense page ids (each distinct page
 * numbered 0..npages-1 in order of first touch), 4 bytes per reference, then
 * any number of configurations replayed over it.  next[] (4 more bytes per
 * reference) is filled by loaded_compute_next() for policies that need the
 * future.
 */
#define LOADED_WRITE 0x80000000u   /* ids[i] bit: reference i writes */
#define LOADED_ID(x) ((x) & 0x7fffffffu)
#define LOADED_NEVER UINT32_MAX    /* next[i]: page never referenced again */
#define LOADED_MAX_REFS (UINT32_MAX - 1u)

struct loaded_trace {
	uint32_t *ids;        /* per reference: page id | LOADED_WRITE */
	uint32_t *next;       /* per reference: index of the next ref to the page */
	uint64_t n;           /* references */
	uint64_t cap;         /* allocated length of ids */
	uint32_t npages;      /* distinct pages */
	uint32_t page_shift;  /* the page size the ids were made at */
	uint64_t by_kind[REF_NKINDS]; /* refs per enum ref_kind */
	void *map;            /* vpn -> id map while loading, freed by loaded_finish */
	uint64_t mem_limit;   /* bytes ids[] + next[] may take; set by loaded_init
			       * to the memory available, callers may change it */
	uint64_t charged;     /* bytes of ids[] and next[] charged (vm_mem_charge) */
};

/* Bytes of memory loaded mode may use: the limit vm_mem_limit_set() gave,
 * else the memory available to this process now (MemAvailable), else
 * UINT64_MAX when it cannot be told. */
uint64_t vm_mem_available(void);
/* A process-wide limit for loaded traces (--mem-limit), in bytes; 0 restores
 * the default (MemAvailable).  Call it before any work starts. */
void vm_mem_limit_set(uint64_t bytes);

/*
 * The memory budget.  Every structure whose size grows with the trace's
 * distinct pages or references (the page map, the engine's per-page and
 * per-frame arrays, policy state, page ids, next-use times, curve stacks) is
 * charged here before it is allocated and released when it is freed, in
 * every mode and across threads.  The budget is --mem-limit when given, else
 * MemAvailable read at the first charge.  vm_mem_charge() returns 0, or
 * VM_ERR_MEMLIMIT with nothing charged; it remembers (per thread) what asked,
 * so a caller without the details can still explain with vm_mem_report().
 */
int vm_mem_charge(uint64_t bytes, const char *what);
void vm_mem_release(uint64_t bytes);
uint64_t vm_mem_in_use(void);
/* "--mem-limit 100M", or "the 812 MiB available (MemAvailable)", into buf */
const char *vm_mem_limit_name(char *buf, size_t n);
/* d: "PREFIX: WHAT needs N MiB more than --mem-limit 100M allows (M MiB of
 * per-page state in use)" for this thread's last failed charge; returns
 * VM_ERR_MEMLIMIT.  prefix may be NULL. */
int vm_mem_report(struct vm_diag *d, const char *prefix);

/* CPUs this process may use (cpus.c): the affinity mask (sched_getaffinity),
 * capped by a cgroup v2 cpu.max quota, at least 1.  -j 0 means this many;
 * --jobs larger than this is capped. */
unsigned vm_cpus_available(void);

int loaded_init(struct loaded_trace *lt, uint32_t page_shift, struct vm_diag *d);
int loaded_add(struct loaded_trace *lt, const struct ref *refs, size_t n,
	       struct vm_diag *d);
void loaded_finish(struct loaded_trace *lt);  /* drop the vpn map */
/* Decode a whole trace file; progress (may be NULL) is called after every
 * batch with the references so far.  On failure lt is freed. */
int loaded_read_file(struct loaded_trace *lt, const char *path,
		     const struct trace_format *fmt, uint32_t page_shift,
		     void (*progress)(uint64_t refs), struct vm_diag *d);
int loaded_compute_next(struct loaded_trace *lt, struct vm_diag *d);
void loaded_free(struct loaded_trace *lt);
int sim_run_loaded(const struct loaded_trace *lt, const struct engine_config *cfg,
		   struct engine_stats *st, struct vm_diag *d);

/* =====================================================================
 * Address translation (issue 3): TLB hierarchies, radix page tables,
 * page-walk caches, huge pages, address spaces and a cost model, replayed
 * beside the paging model on the same reference stream.  Code in
 * replay/tlb.c, replay/pagetable.c and replay/xlate.c; internals shared
 * between them in replay/xlate_int.h.  The essays at the top of those files
 * explain the model; README.md ("Address translation") shows it in use.
 * ===================================================================== */

struct sim;

/* ---- engine hooks the translation model drives the paging model through
 * (replay/engine.c).  The translation model numbers pages itself (per
 * address space), so it feeds the engine dense page ids rather than
 * addresses, and it must hear of every eviction to shoot the victim's
 * translation down. */

/* Called when page `page` leaves memory while reference `now` faults. */
typedef void (*sim_evict_fn)(void *ctx, uint32_t page, uint64_t now);

/* A sim that takes page ids (0, 1, ... in first-touch order, LOADED_WRITE
 * set for a write) instead of addresses, so it keeps no page map.  Unlike
 * sim_new() it accepts policies that need the future: sim_ids() then takes
 * each reference's next-use index (LOADED_NEVER if none; next NULL = none). */
int sim_new_ids(struct sim **out, const struct engine_config *cfg, struct vm_diag *d);
/* 0, VM_ERR_NOMEM or VM_ERR_LIMIT */
int sim_ids(struct sim *s, const uint32_t *ids, const uint32_t *next, size_t n);
void sim_set_evict_hook(struct sim *s, sim_evict_fn fn, void *ctx);

/* ---------------------------------------------------------- configuration */

#define TLB_MAX_ENTRIES (1u << 24) /* entries in one TLB */
#define TLB_MAX_POLICY_WAYS 65536  /* ways of a set under random, clock or lfu
				      (per-way state); lru and fifo take any */
#define PT_MAX_LEVELS 5            /* radix page-table levels, as x86-64 LA57 */
#define XLATE_MAX_TRACES 8         /* traces one --interleave run can merge */

/* The reference a TLB's capacity misses are measured against (--3c-reference):
 * a fully associative TLB of as many entries, LRU or of the TLB's own policy. */
enum tlb_ref3c {
	TLB_REF_LRU,  /* fully associative LRU (the default, vmsim's first definition) */
	TLB_REF_SAME, /* fully associative, the TLB's own policy (Dinero IV) */
};

struct tlb_config {
	uint32_t entries;                /* 0: this TLB is absent */
	uint32_t ways;                   /* associativity; == entries: fully associative */
	const struct policy_ops *policy; /* replacement within a set (NULL: lru) */
	enum tlb_ref3c ref3c;            /* 3C reference (set by xlate_config_check) */
};

/* "ENTRIES:WAYS[:POLICY]" ("64:4", "1536:12", "64:full:fifo", "48:1") into
 * c; opt ("--tlb") names the option in error messages.  Ways must divide the
 * entries; the policy must not need the future (OPT). */
int tlb_parse(const char *opt, const char *spec, struct tlb_config *c,
	      struct vm_diag *d);
/* "64:4:lru", "64:full:fifo", or "" for an absent TLB, into buf */
const char *tlb_format(const struct tlb_config *c, char *buf, size_t n);
/* "lru" or "same" into *r (opt names the option in messages) */
int tlb_parse_ref3c(const char *opt, const char *s, enum tlb_ref3c *r, struct vm_diag *d);
const char *tlb_ref3c_name(enum tlb_ref3c r);
/* 0, or VM_ERR_USAGE naming opt if c's policy cannot have that many ways or
 * its 3C reference (a fully associative TLB of c's policy) that many entries */
int tlb_check(const char *opt, const struct tlb_config *c, struct vm_diag *d);

struct pt_config {
	uint32_t levels;               /* 1..PT_MAX_LEVELS; 0 before pt_geometry() */
	uint32_t bits[PT_MAX_LEVELS];  /* index bits per level, root first */
	uint32_t pte_size;             /* bytes per entry, a power of two (8) */
	uint32_t pwc;                  /* walk-cache entries per upper level, 0: none */
};

/* "9,9,9,9" (root first) into c->bits and c->levels. */
int pt_parse_bits(const char *s, struct pt_config *c, struct vm_diag *d);
/*
 * Complete and check a geometry for base pages of 2^page_shift bytes:
 *   bits given      check 1..5 levels, each 1..32 bits, and that
 *                   page_shift + their sum fits in 64 address bits;
 *   levels only     every level indexes one table page: log2(table page) -
 *                   log2(pte_size) bits each (--levels 5 at 4K: 57-bit LA57);
 *   neither         a 48-bit address: as many such levels as needed, at most
 *                   5 (4K pages: 9,9,9,9; the root takes what is left).
 * A table page is the page up to 64 KiB; above, 4 KiB, as x86-64 maps its
 * huge pages: 2M gives 9,9,9 and 1G 9,9.  Pages too small for two entries
 * split the 48 bits over 5 levels (1-byte pages: 8,10,10,10,10).
 * levels given with bits must agree.  Errors name --levels, --pt-bits,
 * --pte-size.
 */
int pt_geometry(struct pt_config *c, uint32_t page_shift, struct vm_diag *d);
/* "9,9,9,9" into buf */
const char *pt_bits_format(const struct pt_config *c, char *buf, size_t n);

/* The cost model: latencies in nanoseconds (README lists the defaults). */
struct xlate_latency {
	double tlb;       /* an L1 TLB lookup, paid by every reference */
	double stlb;      /* an L2 TLB lookup, paid by every L1 miss */
	double mem;       /* the memory reference itself */
	double walk;      /* one page-table reference during a walk */
	double fault;     /* servicing a page fault */
	double writeback; /* writing a dirty victim back */
};
/* The default latencies, each number written once: xlate_default_latency is
 * built from these and --latency shows XLATE_DEFAULT_LATENCY as its default. */
#define XLATE_LAT_TLB 1            /* L1 TLB lookup: ~2-4 cycles */
#define XLATE_LAT_STLB 7           /* L2 TLB lookup: ~20 cycles */
#define XLATE_LAT_MEM 100          /* a DRAM reference */
#define XLATE_LAT_WALK 100         /* a page-table reference, uncached: as mem */
#define XLATE_LAT_FAULT 100000     /* 100 us: a page read from an SSD */
#define XLATE_LAT_WRITEBACK 100000 /* 100 us: a page written to an SSD */
#define XLATE_STR_(x) #x
#define XLATE_STR(x) XLATE_STR_(x)
#define XLATE_DEFAULT_LATENCY                                                  \
	"tlb=" XLATE_STR(XLATE_LAT_TLB) ",stlb=" XLATE_STR(XLATE_LAT_STLB)     \
	",mem=" XLATE_STR(XLATE_LAT_MEM) ",walk=" XLATE_STR(XLATE_LAT_WALK)    \
	",fault=" XLATE_STR(XLATE_LAT_FAULT)                                   \
	",writeback=" XLATE_STR(XLATE_LAT_WRITEBACK)
extern const struct xlate_latency xlate_default_latency;
/* "walk=30,fault=8e6" over the defaults in l; keys tlb stlb mem walk fault
 * writeback; values >= 0. */
int xlate_parse_latency(const char *s, struct xlate_latency *l, struct vm_diag *d);
/* "tlb=1,stlb=7,..." into buf */
const char *xlate_latency_format(const struct xlate_latency *l, char *buf, size_t n);

enum xlate_huge {
	XLATE_HUGE_OFF,   /* base pages only */
	XLATE_HUGE_FIXED, /* every region mapped at huge_shift */
	XLATE_HUGE_AUTO,  /* transparent huge pages: promote a region once
			     thp_fraction of its base pages have been touched */
};

struct xlate_config {
	struct tlb_config tlb;     /* unified L1 TLB (--tlb) */
	struct tlb_config itlb;    /* split L1: instruction fetches (--itlb) */
	struct tlb_config dtlb;    /* split L1: loads, stores, modifies (--dtlb) */
	struct tlb_config stlb;    /* unified L2 TLB (--stlb) */
	struct pt_config pt;       /* the page table and its walk caches */
	uint32_t page_shift;       /* log2 base page size (--page-size) */
	enum xlate_huge huge;      /* huge-page mode */
	uint32_t huge_shift;       /* log2 huge page size (FIXED, AUTO) */
	double thp_fraction;       /* AUTO: fraction of a region touched, (0, 1] */
	int asid_tagged;           /* 1: entries tagged by ASID; 0: flush on a switch */
	enum tlb_ref3c ref3c;      /* --3c-reference, copied into every TLB */
	uint64_t seed;             /* for random TLB replacement */
	struct xlate_latency lat;  /* the cost model */
	uint32_t interleave;       /* refs per turn when interleaving traces */
	int tlb_only;              /* tlb-curve: no page table, no range check */
};

/* "off", "2M", "1G", "auto" (any size a page-table level maps) into c->huge
 * and c->huge_shift; checked against the geometry by xlate_config_check(). */
int xlate_parse_huge(const char *s, struct xlate_config *c, struct vm_diag *d);
/* Check everything and complete the derived parts (pt geometry, AUTO's huge
 * size).  Errors name the option and what is allowed. */
int xlate_config_check(struct xlate_config *c, struct vm_diag *d);

/* ------------------------------------------------------------- results */

struct tlb_stats {
	uint64_t hits;         /* lookups that found the translation */
	uint64_t misses;       /* lookups that did not */
	uint64_t compulsory;   /* misses on a translation this TLB never saw */
	uint64_t capacity;     /* other misses the 3C reference, a fully
				  associative TLB of the same size (LRU, or the
				  TLB's own policy), would also take */
	uint64_t conflict;     /* misses the fully associative TLB would not take */
	uint64_t invalidation; /* misses on a translation a flush, shootdown or
				  huge-page promotion removed (and that the
				  fully associative TLB holds) */
};

struct xlate_stats {
	struct tlb_stats tlb, itlb, dtlb, stlb; /* per TLB (zero when absent) */
	uint64_t refs;             /* references translated */
	uint64_t walks;            /* page-table walks (misses in the last TLB level) */
	uint64_t walk_refs;        /* memory references the walks made */
	uint64_t pwc_hits;         /* walks shortened by a page-walk cache */
	uint64_t switches;         /* address-space switches */
	uint64_t flushes;          /* TLB flushes (switches without ASID tags) */
	uint64_t shootdowns;       /* TLB entries removed by evictions and promotions,
				      summed over the TLB levels */
	uint64_t promotions;       /* regions promoted to huge pages (AUTO) */
	uint64_t translations;     /* translations mapped at the end (base + huge) */
	uint64_t asids;            /* address spaces seen */
	uint64_t pt_level_pages[PT_MAX_LEVELS]; /* tables per level, leaf first */
	uint64_t pt_pages;         /* tables, all levels, of any size (the column
				      pt_pages and its new name pt_tables) */
	uint64_t pt_bytes;         /* their bytes (2^bits * pte_size each) */
	uint64_t pt_linear_bytes;  /* one linear table per address space;
				      UINT64_MAX when it does not fit 64 bits */
	double xlate_ns;           /* modelled translation time, total */
	double access_ns;          /* modelled time of all references, total */
};

/* -------------------------------------------------------- replaying */

/*
 * Several traces as one stream: QUANTUM references from each in turn
 * (round robin, skipping finished traces); trace i's asid a becomes
 * a * n + i, so each trace is its own address space.  n == 1 passes
 * through (asids unchanged, quantum ignored).
 */
struct xlate_source;
int xlate_source_open(struct xlate_source **out, const char *const *paths, int n,
		      const struct trace_format *fmt, uint32_t quantum,
		      struct vm_diag *d);
long xlate_source_read(struct xlate_source *s, struct ref *buf, size_t cap);
uint64_t xlate_source_nread(const struct xlate_source *s);
void xlate_source_close(struct xlate_source *s);

/* Streaming: one configuration (translation + paging), one pass, memory
 * bounded by the distinct pages. */
struct xlate;
int xlate_new(struct xlate **out, const struct xlate_config *xc,
	      const struct engine_config *ec, struct vm_diag *d);
int xlate_refs(struct xlate *x, const struct ref *refs, size_t n, struct vm_diag *d);
int xlate_result(struct xlate *x, struct engine_stats *est, struct xlate_stats *xst,
		 struct vm_diag *d);
void xlate_free(struct xlate *x);

/* Loaded: the source decoded once into page ids (4 bytes and 1 bit per
 * reference; 4 more with need_next, for OPT), then any number of paging
 * configurations replayed over it, each with the translation model of xc. */
struct xlate_trace;
int xlate_load(struct xlate_trace **out, struct xlate_source *src,
	       const struct xlate_config *xc, int need_next,
	       void (*progress)(uint64_t refs), struct vm_diag *d);
int xlate_run_loaded(const struct xlate_trace *t, const struct engine_config *ec,
		     struct engine_stats *est, struct xlate_stats *xst,
		     struct vm_diag *d);
uint64_t xlate_trace_refs(const struct xlate_trace *t);
void xlate_trace_free(struct xlate_trace *t);

/*
 * tlb-curve: one TLB alone (no paging, no walks, ASID-tagged) at many sizes,
 * streaming src once: LRU points all come from one stack pass (a stack per
 * set for every set count asked, Mattson et al. 1970 / Hill and Smith 1989),
 * other policies run a TLB per point over the same stream.  From xc only the
 * page size, huge pages (off or fixed) and the seed count.
 */
struct tlb_curve_point {
	struct tlb_config tlb;  /* in: entries, ways, policy */
	struct tlb_stats st;    /* out */
	int one_pass;           /* out: 1 if the stack pass computed it */
};
int xlate_tlb_curve(struct xlate_source *src, const struct xlate_config *xc,
		    struct tlb_curve_point *pts, size_t n, void (*progress)(uint64_t refs),
		    struct vm_diag *d);

#endif
