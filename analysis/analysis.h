/*
 * analysis.h - results as tables with named columns, and the writers that
 * print them as an aligned human table, CSV or JSON (one schema, three
 * spellings), plus atomic output files.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef VMSIM_ANALYSIS_H
#define VMSIM_ANALYSIS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "replay.h"

enum col_type {
	COL_STR, /* text; CSV-quoted when needed, JSON string */
	COL_U64, /* unsigned integer */
	COL_F64, /* real number: 6 decimals if exact, else 9 significant digits */
	COL_NUM, /* text that is a number where it parses as one: printed as
		  * given, a JSON number then (else a JSON string) */
};

struct col {
	const char *name;   /* stable column name: what scripts select by */
	enum col_type type; /* how cells are printed */
};

struct cell {
	int set;      /* 0: empty cell (CSV nothing, JSON null) */
	char *s;      /* COL_STR and COL_NUM value, owned */
	uint64_t u;   /* COL_U64 value */
	double f;     /* COL_F64 value */
};

struct table {
	const struct col *cols; /* the schema */
	size_t ncols;           /* columns */
	struct cell *cells;     /* nrows * ncols, row-major */
	size_t nrows;           /* rows used */
	size_t cap;             /* rows allocated */
};

enum report_format { REPORT_TABLE, REPORT_CSV, REPORT_JSON };

void table_init(struct table *t, const struct col *cols, size_t ncols);
void table_free(struct table *t);
size_t table_add_row(struct table *t);            /* index of the new row */
int table_col(const struct table *t, const char *name); /* index or -1 */
void table_set_str(struct table *t, size_t row, const char *col, const char *v);
void table_set_u64(struct table *t, size_t row, const char *col, uint64_t v);
void table_set_f64(struct table *t, size_t row, const char *col, double v);
void table_set_num(struct table *t, size_t row, const char *col, const char *v);
/* Parse "table", "csv", "json"; -1 if unknown. */
int report_format_parse(const char *s);
int table_write(const struct table *t, FILE *f, enum report_format fmt);

/* =====================================================================
 * Curves, figures, batches and checks (result.c, curve.c, csv.c, plot.c,
 * batch_*.c, check.c).  Everything below returns 0 or a negative enum
 * vm_status with the reason in a struct vm_diag, and never prints.
 * ===================================================================== */

#include <stdatomic.h>

struct policy_ops;

/* ------------------------------------------------ result schema (result.c) */

/*
 * The one schema of replay results, shared by `vmsim replay`, `vmsim curve`
 * and every batch cell, so their rows concatenate and compare.  Columns may
 * be appended, never renamed.
 */
extern const struct col result_cols[];
extern const size_t result_ncols;

#define RESULT_NO_WRITEBACKS 0x1u /* result_row flag: leave writebacks empty */

/* Append one row for cfg/st; mode is "stream", "loaded" or "one-pass";
 * trace (a path or a --label) goes into the trace column normalised by
 * result_trace_path().  trace_id is left empty: callers set it (see
 * result_trace_id).  Returns the row index, so callers can fill columns of
 * their own. */
size_t result_row(struct table *t, const char *trace, const struct engine_config *cfg,
		  const struct engine_stats *st, const char *mode, unsigned flags);

/*
 * What a column of a results file is, for check, merge and plot:
 *   RESULT_KEY     configuration: rows are matched by these (trace, policy,
 *                  frames, page_size, seed, lfu_aging, and any column not
 *                  listed as a metric or info)
 *   RESULT_METRIC  a measured value compared against a baseline
 *   RESULT_INFO    provenance that may differ between equal runs (mode, version)
 * A module that adds a metric column adds its name to result.c's list.
 */
enum result_role {
	RESULT_KEY,    /* identifies the configuration */
	RESULT_METRIC, /* measured */
	RESULT_INFO,   /* neither: ignored when matching and comparing */
	RESULT_TRACE_ID, /* trace_id: identifies the trace instead of the trace
			  * column where both rows have one */
};
enum result_role result_col_role(const char *name);
/* path normalised lexically ("./a//b/../c" -> "a/c"; relative stays
 * relative, "-" stays "-"); malloc'd */
char *result_trace_path(const char *path);
/* path's trace_ident() id into id, or "" for standard input ("-") or a file
 * without an identity (a pipe, an unreadable file) */
void result_trace_id(const char *path, char id[17]);

/* ----------------------------------------------------------- curves (curve.c) */

#define CURVE_MAX_SIZES (1u << 20)  /* memory sizes in one curve */
#define CURVE_MAX_POLICIES 32       /* policies in one curve */

/*
 * Memory sizes: a comma list of items, each N, MIN:MAX (every size),
 * MIN:MAX:STEP, MIN:MAX:xFACTOR (geometric; MAX always included) or "auto"
 * (every size 1..npages when npages <= 100, else about 100 sizes spread
 * linearly and logarithmically over 1..npages).  The result is sorted and
 * without repeats.  npages == 0 checks the syntax only ("auto" then yields
 * nothing).  *sizes is malloc'd.
 */
int curve_frames_parse(const char *spec, uint32_t npages, uint32_t **sizes,
		       size_t *n, struct vm_diag *d);
/*
 * Memory sizes in bytes as a curve_frames_parse() spec of frames of
 * 2^page_shift bytes: a comma list of SIZE (64K, 1M, 1G), MIN:MAX,
 * MIN:MAX:STEP or MIN:MAX:xFACTOR, where a size may be P% of the footprint
 * (footprint_pages; 0 checks the syntax only).  Sizes round down to whole
 * frames; one below a page is an error.  *frames is malloc'd.
 */
int curve_memory_spec(const char *mem, uint32_t page_shift, uint64_t footprint_pages,
		      char **frames, struct vm_diag *d);
/* "opt,lru,fifo" -> registry entries, in order, no repeats; up to max.
 * "all" is every registered policy in registry order. */
int curve_policies_parse(const char *list, const struct policy_ops **pols,
			 size_t max, size_t *n, struct vm_diag *d);

struct curve_point {
	struct engine_config cfg; /* policy, frames, page size, seed, aging */
	struct engine_stats st;   /* the counters, as sim_run_loaded gives them */
	const char *mode;         /* "one-pass" or "loaded" */
	unsigned flags;           /* RESULT_NO_WRITEBACKS where not computed */
};

/* How OPT's curve is computed; both give the same hits and faults. */
enum curve_opt_method {
	CURVE_OPT_AUTO,     /* one-pass when its stack is cheap enough, else per size */
	CURVE_OPT_ONEPASS,  /* Mattson's priority stack: O(min(d, M)) per reference */
	CURVE_OPT_PERSIZE,  /* one replay per size, in parallel (writebacks filled) */
};

struct curve_opts {
	const struct policy_ops *const *policies; /* policies, in row order */
	size_t npolicies;                         /* how many */
	const uint32_t *frames;                   /* sizes, ascending, distinct */
	size_t nframes;                           /* how many */
	uint64_t seed;                            /* for randomized policies */
	uint64_t lfu_aging;                       /* LFU's K, 0 = default */
	unsigned threads;                         /* workers, >= 1 */
	enum curve_opt_method opt_method;         /* OPT: one pass or per size */
	/* called (serialised) as tasks finish; may be NULL */
	void (*progress)(void *ctx, size_t done, size_t total);
	void *ctx;                                /* for progress */
	atomic_int *stop;                         /* non-zero asks to stop; may be NULL */
};

/*
 * Every (policy, size) of o over the loaded trace, into
 * pts[policy * nframes + size].  LRU takes one pass for all sizes, OPT one
 * pass or one run per size (o->opt_method); the other policies run once per
 * size; the tasks are spread over
 * o->threads threads and the results do not depend on their number.  Next-use
 * times are computed when OPT is asked for.  A stop request returns VM_ERR_IO
 * with "interrupted".
 */
int curve_run(struct loaded_trace *lt, const struct curve_opts *o,
	      struct curve_point *pts, struct vm_diag *d);
/* The one-pass algorithms alone: st[i] for frames[i] (ascending).
 * curve_opt needs lt->next; it leaves st[i].writebacks 0 (not computed). */
int curve_lru(const struct loaded_trace *lt, const uint32_t *frames, size_t n,
	      struct engine_stats *st, atomic_int *stop, struct vm_diag *d);
int curve_opt(const struct loaded_trace *lt, const uint32_t *frames, size_t n,
	      struct engine_stats *st, atomic_int *stop, struct vm_diag *d);

/* One whole `vmsim curve`: read the trace once, run, fill a results table. */
struct curve_job {
	const char *trace;               /* path, "-" for stdin */
	const char *label;               /* the trace column; NULL: the path.
					  * trace_id comes from the path */
	const struct trace_format *fmt;  /* NULL: detect */
	uint32_t page_shift;             /* log2 page size */
	const char *policies;            /* comma list */
	const char *frames;              /* curve_frames_parse() syntax */
	const char *memory;              /* curve_memory_spec() syntax; overrides frames */
	uint64_t seed;                   /* for randomized policies */
	uint64_t lfu_aging;              /* LFU's K, 0 = default */
	unsigned threads;                /* workers, >= 1 */
	enum curve_opt_method opt_method; /* OPT: one pass or per size */
	void (*load_progress)(void *ctx, uint64_t refs); /* may be NULL */
	void (*progress)(void *ctx, size_t done, size_t total); /* may be NULL */
	void *ctx;                       /* for the callbacks */
	atomic_int *stop;                /* may be NULL */
};

/* Checks policies and frames before reading anything (VM_ERR_USAGE).  t is
 * initialised with result_cols and left empty on error. */
int curve_job_run(const struct curve_job *j, struct table *t, struct vm_diag *d);

/* ------------------------------------------------------------- CSV (csv.c) */

#define CSV_MAX_COLS 1024          /* columns in one file */
#define CSV_MAX_BYTES (1ull << 30) /* a results file larger than this is refused */

/* A CSV file (RFC 4180) held in memory: a header row, then rows of cells. */
struct csv {
	char *name;       /* file name for messages */
	size_t ncols;     /* columns */
	char **cols;      /* header names */
	size_t nrows;     /* data rows */
	char **cells;     /* nrows * ncols, row-major; never NULL ("" if empty) */
	uint64_t *line;   /* per row: the line it starts on (the header is line 1) */
	char *store;      /* owns the text of every name and cell */
};

/* Parse buf[0..len); errors "NAME:LINE: ...".  Every row must have as many
 * cells as the header; quoted cells may hold commas, quotes and newlines. */
int csv_parse(struct csv *c, const char *name, const char *buf, size_t len,
	      struct vm_diag *d);
/* Read and parse a file ("-" is stdin; gzip is inflated). */
int csv_read(struct csv *c, const char *path, struct vm_diag *d);
void csv_free(struct csv *c);
int csv_col(const struct csv *c, const char *name);    /* index or -1 */
const char *csv_cell(const struct csv *c, size_t row, int col); /* "" if col < 0 */
/* A cell as a number: 0, or VM_ERR_FORMAT when empty or not a number. */
int csv_cell_f64(const struct csv *c, size_t row, int col, double *out);
int csv_write(const struct csv *c, FILE *f);
/*
 * Join results files: the union of their columns (in order of first
 * appearance), every row, rows that repeat exactly kept once (and of two
 * rows that differ only where one has an empty metric cell, the fuller).
 * Two rows with the same configuration (result_col_role) but different
 * metrics are an error naming both files and lines.
 */
int csv_merge(struct csv *out, const struct csv *in, size_t n, struct vm_diag *d);

/* ---------------------------------------------------------- figures (plot.c) */

/* ------------------------------------------------- column labels (labels.c) */

/* How an axis of a column is drawn (labels.c explains each). */
enum col_kind {
	COL_KIND_COUNT, /* events: a linear axis starts at 0 */
	COL_KIND_RATE,  /* a fraction: the axis stays in [0, 1] */
	COL_KIND_BYTES, /* bytes: KiB, MiB, GiB ticks */
	COL_KIND_SIZE,  /* a configuration size: frames, entries, ways */
	COL_KIND_VALUE, /* any other number */
};

struct col_label {
	const char *col;     /* column name */
	const char *label;   /* for a person: "TLB misses" */
	const char *unit;    /* "count", "ns", "bytes"...; NULL for none */
	enum col_kind kind;  /* how an axis of it is drawn */
};

/* The table's entry for col, or NULL. */
const struct col_label *col_label_find(const char *col);
/* col's kind, by the table or by its suffix (*_misses, *_rate, *_bytes...). */
enum col_kind col_kind_of(const char *col);
/* "TLB misses (count)" into buf (the column name itself when unknown). */
const char *col_label_text(const char *col, char *buf, size_t n);

struct plot_opts {
	const char *x;          /* x column, or "memory" (memory_bytes, else
				 * frames x page_size); NULL = "frames" */
	const char *metric;     /* "hit-rate", "faults", "miss-ratio" or a column */
	const char *title;      /* NULL: made from the traces and the metric */
	int log_x;              /* logarithmic x axis */
	int log_y;              /* logarithmic y axis */
	const char *only_trace; /* NULL: every row; else rows of this trace only */
	const char *series;     /* comma list of columns that split series; NULL: found */
	int render;             /* 0: write the .gp and .dat only */
	const char *gnuplot;    /* program to run; NULL = "gnuplot" */
	const char *facet;      /* column: one panel per value (multiplot, shared
				 * axes, one key); NULL: one panel */
	/* called with a warning for a person (points a log axis dropped, too
	 * many series); may be NULL */
	void (*note)(void *ctx, const char *msg);
	void *note_ctx;         /* for note */
};

/* The image types plot_write can make, from out's extension: "png svg pdf". */
const char *plot_formats(void);
/*
 * Draw metric against x, one series per policy (and per other configuration
 * column that varies), each policy with its fixed colour and marker.  Writes
 * OUT.gp and OUT.dat beside out (OUT = out without its extension), then runs
 * gnuplot to make out; every file appears complete or not at all.  OUT.gp
 * and OUT.dat do not depend on out's type, so x.png then x.pdf leave the
 * same two files.  An output that is the same file as c's input is refused.
 */
int plot_write(const struct csv *c, const struct plot_opts *o, const char *out,
	       struct vm_diag *d);

/* ------------------------------------------- batches (batch_*.c, batch_int.h) */

/* One group of cells: a [section] of the spec, or "main": the traces named
 * before any section (with no sections, the whole spec). */
struct batch_group {
	char *name;             /* section name, or "main" */
	unsigned line;          /* where it starts in the spec (0 for main) */
	char **traces;          /* patterns as written (globs allowed) */
	unsigned *trace_line;   /* the line of each pattern */
	size_t ntraces;         /* patterns */
	char *policies;         /* comma list, checked when parsed */
	char *frames;           /* curve_frames_parse() syntax, checked */
	char *page_sizes;       /* comma list of sizes, checked */
	uint64_t seed;          /* for randomized policies */
	uint64_t lfu_aging;     /* LFU's K, 0 = default */
};

struct batch_spec {
	char *path;             /* the spec file, for messages */
	char *dir;              /* its directory: patterns are relative to it */
	char *title;            /* title of index.md */
	char *figures;          /* comma list of metrics to draw; "" for none */
	char *figure_format;    /* comma list of png, svg, pdf */
	int log_x;              /* figures with a log2 x axis */
	int log_y;              /* figures with a log y axis */
	uint64_t cpus;          /* cpus per cluster task, 0 = not given */
	char *mem;              /* memory per cluster task (Slurm syntax), or NULL */
	char *time;             /* time limit per cluster task, or NULL */
	char *partition;        /* Slurm partition, or NULL */
	uint64_t bundle;        /* cells per cluster task, 0 = not given */
	struct batch_group *groups; /* the groups, in spec order */
	size_t ngroups;         /* how many */
};

int batch_spec_parse(struct batch_spec *s, const char *name, const char *text,
		     size_t len, struct vm_diag *d);
int batch_spec_read(struct batch_spec *s, const char *path, struct vm_diag *d);
void batch_spec_free(struct batch_spec *s);

/* One cell: one curve over one trace at one page size. */
struct batch_cell {
	const struct batch_group *group; /* where it comes from */
	size_t index;           /* 1-based, the order the spec defines: --cell I */
	char *trace;            /* the path vmsim opens (spec folder + expanded pattern) */
	char *label;            /* the path relative to the spec's folder: the rows' trace */
	struct trace_ident ident; /* size, mtime and digest of the trace */
	uint32_t page_shift;    /* log2 page size */
	char *name;             /* file stem, unique in the batch */
	char *out;              /* DIR/cells/NAME.csv */
	char *fail_path;        /* DIR/cells/NAME.failed: why the last run failed */
	int done;               /* the output exists: skip */
	int failed;             /* the last run failed (fail_path exists) */
	char *message;          /* its message, or NULL */
	double seconds;         /* wall time of its run */
};

/* mkdir -p DIR/cells (and DIR); an empty DIR is an error. */
int batch_prepare_dir(const char *dir, struct vm_diag *d);
/* Expand the spec into cells (globs sorted; a pattern matching nothing is
 * an error with its spec line), name each after what determines its result
 * (options, version, the trace's path from the spec's folder, size and
 * digest), and mark those whose output exists or whose last run failed. */
int batch_plan(const struct batch_spec *s, const char *dir, struct batch_cell **cells,
	       size_t *n, struct vm_diag *d);
/* Which cells a task wants: others get index, trace and label only (no
 * identity read, no name), so a task reads its own traces, not every one. */
struct batch_select {
	size_t first, last;     /* cells first..last (1-based); 0 = all */
	const char *name;       /* or the cell of this name (NULL = by index); then
				 * files the patterns no longer find are skipped, as
				 * on a worker that holds only this cell's trace */
};
int batch_plan_some(const struct batch_spec *s, const char *dir, const struct batch_select *sel,
		    struct batch_cell **cells, size_t *n, struct vm_diag *d);
void batch_cells_free(struct batch_cell *cells, size_t n);

/* What other engines get (batch_plan.c). */
enum batch_plan_kind {
	BATCH_PLAN_PARALLEL, /* one `vmsim batch SPEC -o DIR --cell I` per line */
	BATCH_PLAN_SLURM,    /* a POSIX sh script: sbatch arrays and a join job */
	BATCH_PLAN_TSV,      /* the cells as a table */
	BATCH_PLAN_JSON,     /* the cells as JSON */
};

struct batch_plan_opts {
	enum batch_plan_kind kind; /* what to write */
	const char *spec;       /* the spec path as given (relative to cwd) */
	const char *dir;        /* the output folder as given */
	const char *vmsim;      /* the program the lines run */
	const char *cwd;        /* absolute working directory (Slurm --chdir) */
	unsigned jobs;          /* -j in the lines (0 = the CPUs the task may use) */
	unsigned threads;       /* --threads in the lines (0 = CPUs / jobs) */
	uint64_t bundle;        /* cells per Slurm task, >= 1 */
	uint64_t cpus;          /* --cpus-per-task, 0 = leave out */
	const char *mem;        /* --mem, NULL = leave out */
	const char *time;       /* --time, NULL = leave out */
	const char *partition;  /* --partition, NULL = leave out */
	const char *log_dir;    /* Slurm logs and task scripts */
	unsigned max_array;     /* tasks per array job (below MaxArraySize) */
};

/* Write the plan for every cell (parallel: the pending ones) to f.  A name
 * that cannot be written safely (a newline in a line-per-command file) is
 * VM_ERR_USAGE naming it. */
int batch_write_plan(FILE *f, const struct batch_spec *s, const struct batch_cell *cells,
		     size_t n, const struct batch_plan_opts *o, struct vm_diag *d);
/* Parse "I" or "I-J" (1-based, within 1..n). */
int batch_cell_range(const char *s, size_t n, size_t *first, size_t *last,
		     struct vm_diag *d);

/* Run one cell in this process; its CSV is written atomically to c->out. */
int batch_run_cell(const struct batch_cell *c, unsigned threads, atomic_int *stop,
		   struct vm_diag *d);
/* Record a cell's failure in c->fail_path (atomically), or clear it. */
int batch_record_failure(struct batch_cell *c, const char *msg, struct vm_diag *d);

enum batch_event {
	BATCH_START,  /* a cell starts */
	BATCH_DONE,   /* a cell finished and its file is in place */
	BATCH_FAILED, /* a cell failed; the message is in the callback's diag */
};

struct batch_run_opts {
	unsigned jobs;          /* cells at once, >= 1 */
	unsigned threads;       /* threads per cell, >= 1 */
	size_t max_cells;       /* run at most this many cells, 0 = all */
	size_t first, last;     /* run only cells first..last (1-based); 0 = all */
	atomic_int *stop;       /* non-zero: start no more cells, abandon running ones */
	/* called (serialised) for every event; may be NULL */
	void (*event)(void *ctx, const struct batch_cell *c, enum batch_event ev,
		      const struct vm_diag *cd, size_t done, size_t todo);
	void *ctx;              /* for event */
};

/* Run the cells not done, o->jobs at a time.  Returns 0 when every cell it
 * ran succeeded (failed cells are marked, recorded in their fail_path and
 * reported through event). */
int batch_run(struct batch_cell *cells, size_t n, const struct batch_run_opts *o,
	      struct vm_diag *d);
/* 0 when every cell is done; else VM_ERR_FORMAT naming the missing and
 * failed cells (by index and name, with the first failure's message). */
int batch_check_complete(const struct batch_cell *cells, size_t n, struct vm_diag *d);
/*
 * After the cells: DIR/results.csv (every done cell merged), figures per
 * trace, metric and format under DIR/figures/, DIR/index.md (the groups, the
 * figures, the best policy per trace, every cell's state, failures with their
 * message) and DIR/status.tsv (one line per cell).  With results = 0 only
 * index.md and status.tsv are written.  render = 0 writes the figures' .gp
 * and .dat only.
 */
int batch_finish(const struct batch_spec *s, const struct batch_cell *cells, size_t n,
		 const char *dir, int results, int render, struct vm_diag *d);

/* ----------------------------------------------------------- checks (check.c) */

struct check_opts {
	double tolerance;       /* relative: |new - old| <= tolerance * |old| passes */
	double abs_tolerance;   /* ... or |new - old| <= abs_tolerance */
	const char *keys;       /* comma list of key columns; NULL = by role */
	const char *metrics;    /* comma list of metric columns; NULL = by role */
	int all;                /* list unchanged values in the diff table too */
};

/* One row of the baseline (or a new row of the result), as a JUnit case. */
struct check_case {
	char *name;             /* "policy=lru frames=16 ..." */
	char *trace;            /* its trace column, or "" */
	char *failure;          /* NULL if it passed; else why */
};

struct check_report {
	struct table diff;      /* status, row, metric, baseline, result, delta, rel_change */
	size_t rows;            /* baseline rows */
	size_t values;          /* metric values compared */
	size_t changed;         /* values that differ at all */
	size_t failed;          /* values beyond tolerance */
	size_t missing;         /* baseline rows absent from the result */
	size_t extra;           /* result rows absent from the baseline (not a failure) */
	struct check_case *cases; /* one per baseline row */
	size_t ncases;          /* how many */
	char *result_name;      /* for the JUnit suite name */
	char *baseline_name;    /* likewise */
};

/* Compare result against base.  Returns 0 when the comparison could be made
 * (look at r->failed and r->missing for the verdict), < 0 on bad input. */
int check_run(const struct csv *result, const struct csv *base,
	      const struct check_opts *o, struct check_report *r, struct vm_diag *d);
int check_junit_write(const struct check_report *r, const char *path, struct vm_diag *d);
void check_report_free(struct check_report *r);

#endif
