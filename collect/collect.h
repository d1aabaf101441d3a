/*
 * collect.h - how traces are born: the text trace formats vmsim reads and
 * writes besides its native one; and, in the second half, the collector
 * (programs under Valgrind's Lackey), the perf counters, and synthetic
 * workloads.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 *
 *   lackey_format  Valgrind's Lackey tool, --trace-mem=yes  (lackey.c)
 *   text_format    one reference per line, KIND ADDRESS [ASID]  (text.c)
 *
 * Both are listed in replay/trace.c's registry; callers normally reach them
 * through trace_open() and trace_writer_open() (replay.h) rather than by name.
 * The native format is declared in replay/native.h.
 */
#ifndef VMSIM_COLLECT_H
#define VMSIM_COLLECT_H

#include <sys/types.h>

#include "replay.h"

extern const struct trace_format lackey_format, text_format;

/* ===================================================================
 * Traces from programs and workloads: the collector (collector.c), the
 * hardware and software counters (counters.c), synthetic workloads (gen.c).
 * =================================================================== */

/* ------------------------------------------------------------ programs */

/* Find a program as execvp would: name with a '/' as it is, otherwise the
 * first executable PATH entry.  0 with the path in out, or VM_ERR_IO (not
 * found, or found but not executable) with the reason in d. */
int collect_which(const char *name, char *out, size_t n, struct vm_diag *d);

/* The exit status a wrapper passes on for a wait status: the program's exit
 * code, or 128 + the signal that killed it (as shells report it). */
int collect_exit_code(int wstatus);

/* Forward SIGINT, SIGTERM, SIGHUP and SIGQUIT sent to this process to pid
 * (not those the terminal already sent to the whole foreground group, nor
 * those ignored on entry), until collect_forward_stop(), which restores the
 * previous handlers. */
void collect_forward_start(pid_t pid);
void collect_forward_stop(void);
/* In a forked child, before exec: those signals back to their defaults (the
 * parent's handlers must not run in the child), ignored ones left ignored. */
void collect_child_signals(void);

/* ----------------------------------------------------------- collector */

struct collect_result {
	uint64_t refs;                 /* references written to the trace */
	uint64_t by_kind[REF_NKINDS];  /* of those, per enum ref_kind */
	uint64_t lackey_refs;          /* records Lackey printed (before filters) */
	uint64_t text_bytes;           /* bytes of Lackey's text read */
	uint64_t trace_bytes;          /* bytes of the trace file so far / at the end */
	uint64_t dropped_bytes;        /* a last line cut short by a kill, dropped */
	int wstatus;                   /* valgrind's wait status (the program's) */
	int stopped;                   /* 1: --max-refs reached, the program was stopped */
	int kept;                      /* 1: the output holds a closed trace of refs
					* references (0 after a failed write or close:
					* nothing of this run is left there) */
	double seconds;                /* wall time so far */
};

struct collect_config {
	char *const *argv;             /* program and arguments, NULL-terminated */
	const char *output;            /* the trace to write (atomically) */
	const struct trace_format *fmt; /* its format; NULL means native */
	int gzip;                      /* gzip a text format */
	const char *valgrind;          /* path of valgrind (see collect_which) */
	uint64_t max_refs;             /* stop after this many references, 0 = all */
	uint32_t asid;                 /* address-space id given to every reference */
	int data_only;                 /* drop instruction fetches */
	/* called after each batch with the counts so far; may be NULL */
	void (*progress)(const struct collect_result *so_far, void *arg);
	void *progress_arg;            /* passed to progress */
};

/* The descriptor Lackey's log is written to in the traced process. */
#define COLLECT_LOG_FD 99

/*
 * Run cfg->argv under valgrind --tool=lackey --trace-mem=yes and stream its
 * log into cfg->output.  Returns 0 once the program has ended and the trace
 * is closed, whatever the program's exit status (in res->wstatus); < 0 when
 * the trace could not be written or Lackey's output could not be read (the
 * references before the fault are still kept in a closed trace).
 */
int collect_run(const struct collect_config *cfg, struct collect_result *res,
		struct vm_diag *d);

/* ------------------------------------------------------------ counters */

/*
 * Counting events over one run of a program with perf_event_open, events
 * named by vmsim's portable names (ctr_names()) or by any libpfm4 event
 * string.  An event the machine cannot count (no PMU, not permitted) is
 * reported with the reason; an event nobody knows is an error.
 */
struct ctr_event {
	char name[64];         /* as asked: "dtlb-walks", "INST_RETIRED:ANY_P" */
	char encoding[512];    /* what was counted: libpfm4 string(s) or "software:..." */
	char why[256];         /* why it was not counted; "" when it was */
	uint64_t value;        /* the count, scaled up if it was multiplexed */
	double running;        /* fraction of the run the counter was on (1 = all) */
	int counted;           /* 1 when value holds a count */
	int user_only;         /* 1: user mode only (kernel excluded) */
};

struct ctr_set;

/* Default event list: "instructions,dtlb-misses,...,major-faults". */
extern const char ctr_default_events[];
/* vmsim's portable event names, separated by sep, into buf. */
const char *ctr_names(char *buf, size_t n, const char *sep);
/* One line describing a portable name, or NULL if name is not one. */
const char *ctr_describe(const char *name);

/* Parse a comma list of events; an unknown name is VM_ERR_USAGE naming it.
 * user_only excludes the kernel from every count. */
int ctr_new(struct ctr_set **out, const char *list, int user_only, struct vm_diag *d);
/* Run argv (searched in PATH) with the events counting, wait for it and
 * read them.  0 with the wait status in *wstatus, or < 0 if the program
 * could not be started. */
int ctr_run(struct ctr_set *s, char *const argv[], int *wstatus, struct vm_diag *d);
/* Open each event on this process without running anything, to learn what
 * would be counted and why not (for --list). */
void ctr_probe(struct ctr_set *s);
size_t ctr_count(const struct ctr_set *s);
const struct ctr_event *ctr_get(const struct ctr_set *s, size_t i);
void ctr_free(struct ctr_set *s);

/* ----------------------------------------------------------------- gen */

/*
 * Synthetic workloads, seeded and reproducible: the same configuration gives
 * the same references, byte for byte, on the same build.  Workloads are
 * listed once in gen.c's registry.
 */
struct gen_config {
	const char *workload;  /* "uniform", "hotcold", "loop", "zipf", "scan", "stride",
				  "zipfrun" */
	uint64_t pages;        /* P: pages in the address space the workload uses */
	uint64_t refs;         /* references to make */
	uint64_t seed;         /* seed of the generator */
	uint32_t page_shift;   /* log2 of the page size; addresses are page << shift */
	double write_frac;     /* fraction of references that are stores */
	double hot_frac;       /* hotcold, scan: fraction of the pages that are hot */
	double hot_refs;       /* hotcold, scan: fraction of references to hot pages */
	double zipf_exp;       /* zipf: exponent s, P(rank k) ~ 1 / k^s */
	uint64_t stride;       /* stride: bytes between successive references */
	uint64_t run_len;      /* zipfrun: mean run length in pages, >= 1 */
};

struct gen_ops;

struct gen_workload {
	const char *name;           /* what --workload takes */
	const char *summary;        /* one line for --help and the README */
	const struct gen_ops *ops;  /* its generator, private to gen.c */
};

extern const struct gen_workload *const gen_workloads[]; /* NULL-terminated */
/* The workload names, separated by sep, into buf. */
const char *gen_names(char *buf, size_t n, const char *sep);

struct gen;
/* Check cfg (VM_ERR_USAGE naming the bad value) and set up the generator. */
int gen_new(struct gen **out, const struct gen_config *cfg, struct vm_diag *d);
/* Up to cap next references; 0 when cfg->refs have been made. */
size_t gen_read(struct gen *g, struct ref *buf, size_t cap);
void gen_free(struct gen *g);

#endif
