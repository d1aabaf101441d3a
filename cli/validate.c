/*
 * cli/validate.c - vmsim validate: one program, measured and simulated side
 * by side.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Runs the program twice: under the collector (a trace of its references),
 * then natively under the counters (page faults, TLB misses, page walks,
 * instructions).  The trace is then replayed through a model resembling the
 * host, and each measured number is printed beside its simulated
 * counterpart:
 *
 *   metric        measured (perf)              simulated (from the trace)
 *   instructions  instructions retired         Lackey's I records
 *   page_faults   software page-faults         first touches of pages (LRU
 *                                              with --frames: plus refaults)
 *   dtlb_misses   L1 dTLB misses               fully associative LRU TLB of
 *   itlb_misses   L1 iTLB misses               --dtlb / --itlb entries over
 *                                              the data / instruction refs
 *   page_walks    dtlb-walks + itlb-walks      LRU of --stlb entries over
 *                                              all references
 *
 * A fully associative LRU TLB of E entries misses exactly when LRU page
 * replacement with E frames faults, so the TLBs are replayed with the
 * engine's LRU.  Real TLBs are set-associative, may hold huge pages and are
 * filled by prefetching and speculation; the second-level TLB is replayed
 * over every reference, not over the first level's misses.  These and the
 * other known reasons the two columns differ are printed below the table.
 * The trace is collected first, so the counted run finds the program's files
 * in the page cache (major faults near 0).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "collect.h"

static const struct opt validate_opts[] = {
	OPT_PAGE_SIZE,
	{ "frames", 'n', "N", "0",
	  "physical memory in page frames; 0 = as many as pages touched (no capacity faults)",
	  NULL },
	{ "dtlb", 0, "N", "64", "data TLB entries (fully associative LRU)", NULL },
	{ "itlb", 0, "N", "128", "instruction TLB entries (fully associative LRU)", NULL },
	{ "stlb", 0, "N", "1536", "second-level TLB entries; its misses are page walks", NULL },
	{ "trace", 0, "FILE", NULL, "keep the collected trace as FILE (default: a temporary)",
	  NULL },
	{ "user-only", 0, NULL, NULL, "count user mode only, as Lackey sees the program", NULL },
	{ "valgrind", 0, "PATH", "valgrind", "the valgrind to run (searched in PATH)", NULL },
	OPT_FORMAT,
	{ "output", 'o', "FILE", NULL,
	  "write the table to FILE (- is stdout) [default: stderr, the program keeps stdout]",
	  NULL },
	{ "quiet", 'q', NULL, NULL, "no progress line and no explanations on stderr", NULL },
	OPT_HELP,
	OPT_END,
};

static const struct col validate_cols[] = {
	{ "program", COL_STR },
	{ "metric", COL_STR },
	{ "measured", COL_U64 },
	{ "simulated", COL_U64 },
	{ "ratio", COL_F64 },
	{ "measured_by", COL_STR },
	{ "simulated_by", COL_STR },
	{ "page_size", COL_U64 },
	{ "frames", COL_U64 },
	{ "dtlb", COL_U64 },
	{ "itlb", COL_U64 },
	{ "stlb", COL_U64 },
	{ "scope", COL_STR },
	{ "version", COL_STR },
};

#define VALIDATE_EVENTS "instructions,page-faults,minor-faults,major-faults," \
			"dtlb-misses,itlb-misses,dtlb-walks,itlb-walks"

struct vcfg {
	uint32_t shift;      /* page size */
	uint64_t frames;     /* 0: no capacity faults */
	uint64_t dtlb;       /* data TLB entries */
	uint64_t itlb;       /* instruction TLB entries */
	uint64_t stlb;       /* second-level TLB entries */
};

struct vsim_result {
	uint64_t instr;      /* instruction fetches in the trace */
	uint64_t faults;     /* page faults (LRU at --frames, or distinct pages) */
	uint64_t dtlb;       /* data TLB misses */
	uint64_t itlb;       /* instruction TLB misses */
	uint64_t walks;      /* second-level TLB misses */
};

static int new_lru(struct sim **s, uint64_t entries, uint32_t shift, struct vm_diag *d)
{
	struct engine_config c;

	memset(&c, 0, sizeof c);
	c.policy = policy_find("lru");
	c.frames = (uint32_t)entries;
	c.page_shift = shift;
	c.seed = 1;
	return sim_new(s, &c, d);
}

/* One pass over the trace through the page and TLB models. */
static int simulate(const char *path, const struct vcfg *vc, struct vsim_result *res,
		    struct vm_diag *d)
{
	enum { BATCH = 4096 };
	struct sim *pf = NULL, *dt = NULL, *it = NULL, *st = NULL;
	struct trace_reader *r = NULL;
	struct ref *buf, *ib, *db;
	struct engine_stats es;
	size_t i, ni, nd;
	long got;
	int rc;

	buf = xmalloc(3 * BATCH * sizeof *buf);
	ib = buf + BATCH;
	db = ib + BATCH;
	memset(res, 0, sizeof *res);
	if ((rc = new_lru(&dt, vc->dtlb, vc->shift, d)) ||
	    (rc = new_lru(&it, vc->itlb, vc->shift, d)) ||
	    (rc = new_lru(&st, vc->stlb, vc->shift, d)) ||
	    (vc->frames && (rc = new_lru(&pf, vc->frames, vc->shift, d))) ||
	    (rc = trace_open(&r, path, NULL, d)))
		goto out;
	while ((got = trace_read(r, buf, BATCH)) > 0) {
		ni = nd = 0;
		for (i = 0; i < (size_t)got; i++) {
			if (buf[i].kind == REF_INSTR)
				ib[ni++] = buf[i];
			else
				db[nd++] = buf[i];
		}
		if (sim_refs(st, buf, (size_t)got) || sim_refs(it, ib, ni) ||
		    sim_refs(dt, db, nd) || (pf && sim_refs(pf, buf, (size_t)got))) {
			rc = vm_fail(d, VM_ERR_NOMEM, "%s: out of memory replaying", path);
			goto out;
		}
		cli_progress_refs(r->nread);
	}
	rc = got < 0 ? (int)got : 0;
	if (rc)
		goto out;
	sim_result(st, &es);
	res->walks = es.faults;
	res->faults = es.distinct_pages;
	res->instr = es.by_kind[REF_INSTR];
	sim_result(it, &es);
	res->itlb = es.faults;
	sim_result(dt, &es);
	res->dtlb = es.faults;
	if (pf) {
		sim_result(pf, &es);
		res->faults = es.faults;
	}
out:
	trace_close(r);
	sim_free(pf);
	sim_free(dt);
	sim_free(it);
	sim_free(st);
	free(buf);
	return rc;
}

static const struct ctr_event *find_event(const struct ctr_set *s, const char *name)
{
	size_t i;

	for (i = 0; i < ctr_count(s); i++)
		if (strcmp(ctr_get(s, i)->name, name) == 0)
			return ctr_get(s, i);
	return NULL;
}

/* One row; measured is taken from the events named (summed), if all counted. */
static void add_row(struct table *t, const char *prog, const char *metric,
		    const struct ctr_set *cs, const char *ev1, const char *ev2,
		    int has_sim, uint64_t sim, const char *sim_by, const struct vcfg *vc,
		    const char *scope)
{
	const struct ctr_event *a = find_event(cs, ev1), *b = ev2 ? find_event(cs, ev2) : NULL;
	size_t r = table_add_row(t);
	char by[1100];

	table_set_str(t, r, "program", prog);
	table_set_str(t, r, "metric", metric);
	if (a && a->counted && (!ev2 || (b && b->counted))) {
		uint64_t m = a->value + (b ? b->value : 0);

		table_set_u64(t, r, "measured", m);
		if (has_sim && m)
			table_set_f64(t, r, "ratio", (double)sim / (double)m);
		snprintf(by, sizeof by, "%s%s%s", a->encoding, b ? " + " : "",
			 b ? b->encoding : "");
		table_set_str(t, r, "measured_by", by);
	} else {
		snprintf(by, sizeof by, "unavailable: %s", ev2 ? "page walk events" : ev1);
		table_set_str(t, r, "measured_by", by);
	}
	if (has_sim) {
		table_set_u64(t, r, "simulated", sim);
		table_set_str(t, r, "simulated_by", sim_by);
	}
	table_set_u64(t, r, "page_size", 1ull << vc->shift);
	table_set_u64(t, r, "frames", vc->frames);
	table_set_u64(t, r, "dtlb", vc->dtlb);
	table_set_u64(t, r, "itlb", vc->itlb);
	table_set_u64(t, r, "stlb", vc->stlb);
	table_set_str(t, r, "scope", scope);
	table_set_str(t, r, "version", VMSIM_VERSION);
}

static void print_reasons(const struct ctr_set *cs, const struct vcfg *vc)
{
	size_t i;
	int any = 0;

	for (i = 0; i < ctr_count(cs); i++) {
		const struct ctr_event *ev = ctr_get(cs, i);

		if (ev->counted)
			continue;
		if (!any)
			fprintf(stderr, "\nNot measured here:\n");
		any = 1;
		fprintf(stderr, "  %-13s %s\n", ev->name, ev->why);
	}
	fprintf(stderr, "\nWhy measured and simulated differ (known reasons):\n"
		"  - Lackey sees user space only: the kernel's own references (system calls,\n"
		"    read() filling buffers, page-table walks) are in no trace, yet their faults\n"
		"    and TLB misses are counted unless --user-only.\n"
		"  - Under Valgrind the loader and libraries are laid out differently and the\n"
		"    stack and heap sit elsewhere, so pages and their neighbours differ.\n"
		"  - The kernel faults less than one per page touched: it maps file pages\n"
		"    around a fault (fault-around, 16 pages), may back memory with 2M pages\n"
		"    (THP), and maps zero pages for reads of untouched anonymous memory;\n"
		"    pages already mapped (vDSO) never fault.  The model faults once per %llu-byte\n"
		"    page touched%s.\n"
		"  - Real TLBs are set-associative (the model: fully associative LRU of %llu /\n"
		"    %llu / %llu entries), hold 2M pages, are filled by prefetch and\n"
		"    speculation, and are flushed by context switches; the second-level model\n"
		"    sees every reference, not only the first level's misses, and page-walk\n"
		"    caches are not modelled.  Generic dTLB-load-misses counts loads only.\n"
		"  - Instructions: the same program counted twice; it differs by the kernel's\n"
		"    share and by whatever the program does differently on each run.\n",
		1ull << vc->shift, vc->frames ? ", plus refaults in the given frames" : "",
		(unsigned long long)vc->dtlb, (unsigned long long)vc->itlb,
		(unsigned long long)vc->stlb);
}

static int check_entries(const struct args *a, const char *name, uint64_t *v, int zero_ok)
{
	int rc = cli_u64(a, name, v);

	if (rc)
		return rc;
	if ((*v == 0 && !zero_ok) || *v > UINT32_MAX)
		return cli_usage("--%s %s must be between %d and %u", name, cli_arg(a, name),
				   zero_ok ? 0 : 1, UINT32_MAX);
	return 0;
}

static int validate_run(struct args *a)
{
	enum report_format rf = REPORT_TABLE;
	struct collect_config cc;
	struct collect_result cres;
	struct vsim_result sres;
	struct ctr_set *cs = NULL;
	struct vm_diag d = { 0 };
	struct table t;
	struct vcfg vc;
	const char *trace = cli_arg(a, "trace"), *prog;
	char vpath[4096], tmpdir[256] = "", tmptrace[300], simby[4][160];
	int rc, wstatus, quiet = cli_flag(a, "quiet");

	if (a->nrest == 0)
		return cli_usage("no program given: vmsim validate [options] [--] PROGRAM [ARGS...]");
	memset(&vc, 0, sizeof vc);
	if ((rc = cli_report_format(a, &rf)) || (rc = cli_page_shift(a, &vc.shift)) ||
	    (rc = check_entries(a, "frames", &vc.frames, 1)) ||
	    (rc = check_entries(a, "dtlb", &vc.dtlb, 0)) ||
	    (rc = check_entries(a, "itlb", &vc.itlb, 0)) ||
	    (rc = check_entries(a, "stlb", &vc.stlb, 0)))
		return rc;
	if (trace && !cli_format_from_name(trace))
		return cli_usage("--trace '%s': name it .vmt (or .lackey, .txt)", trace);
	prog = a->rest[0];
	if ((rc = cli_collect_check_tools(cli_arg(a, "valgrind"), vpath, sizeof vpath, prog)))
		return rc;
	if (ctr_new(&cs, VALIDATE_EVENTS, cli_flag(a, "user-only"), &d))
		return cli_fail(&d);
	if (!trace) {
		const char *tmp = getenv("TMPDIR");

		if (!tmp || !*tmp || strlen(tmp) > sizeof tmpdir - 32)
			tmp = "/tmp";
		snprintf(tmpdir, sizeof tmpdir, "%s/vmsim-validate.XXXXXX", tmp);
		if (!mkdtemp(tmpdir)) {
			perror("vmsim validate: mkdtemp");
			ctr_free(cs);
			return EXIT_FAILURE;
		}
		snprintf(tmptrace, sizeof tmptrace, "%s/trace.vmt", tmpdir);
		trace = tmptrace;
		/* a signal (in the counted run, say) must not leave them in /tmp */
		vm_temp_register(tmptrace);
		vm_temp_register(tmpdir);
	}

	/* 1. the trace */
	memset(&cc, 0, sizeof cc);
	cc.argv = a->rest;
	cc.output = trace;
	cc.fmt = cli_format_from_name(trace);
	cc.valgrind = vpath;
	if (!quiet)
		fprintf(stderr, "%s: 1/3 recording %s under valgrind lackey\n", cli_cmd_name, prog);
	rc = collect_run(&cc, &cres, &d);
	if (rc) {
		rc = cli_fail(&d);
		goto out;
	}
	/* 2. the counts */
	if (!quiet)
		fprintf(stderr, "%s: 2/3 counting %s natively (%s %s)\n", cli_cmd_name, prog,
			prog, collect_exit_code(cres.wstatus) ? "failed under valgrind" : "ran");
	rc = ctr_run(cs, a->rest, &wstatus, &d);
	if (rc) {
		rc = cli_fail(&d);
		goto out;
	}
	/* 3. the model */
	if (!quiet)
		fprintf(stderr, "%s: 3/3 replaying %llu references\n", cli_cmd_name,
			(unsigned long long)cres.refs);
	cli_progress_start(trace, quiet);
	rc = simulate(trace, &vc, &sres, &d);
	cli_progress_done();
	if (rc) {
		rc = cli_fail(&d);
		goto out;
	}

	snprintf(simby[0], sizeof simby[0], "%s instruction fetches", "Lackey's");
	if (vc.frames)
		snprintf(simby[1], sizeof simby[1], "LRU, %llu frames", (unsigned long long)vc.frames);
	else
		snprintf(simby[1], sizeof simby[1], "pages touched");
	snprintf(simby[2], sizeof simby[2], "LRU TLB, %llu entries, data refs",
		 (unsigned long long)vc.dtlb);
	snprintf(simby[3], sizeof simby[3], "LRU TLB, %llu entries, instr refs",
		 (unsigned long long)vc.itlb);
	table_init(&t, validate_cols, sizeof validate_cols / sizeof validate_cols[0]);
	{
		const char *scope = find_event(cs, "page-faults")->user_only ? "user"
									    : "user+kernel";
		char walkby[160];

		snprintf(walkby, sizeof walkby, "LRU TLB, %llu entries, all refs",
			 (unsigned long long)vc.stlb);
		add_row(&t, prog, "instructions", cs, "instructions", NULL, 1, sres.instr,
			simby[0], &vc, scope);
		add_row(&t, prog, "page_faults", cs, "page-faults", NULL, 1, sres.faults,
			simby[1], &vc, scope);
		add_row(&t, prog, "minor_faults", cs, "minor-faults", NULL, 0, 0, NULL, &vc, scope);
		add_row(&t, prog, "major_faults", cs, "major-faults", NULL, 0, 0, NULL, &vc, scope);
		add_row(&t, prog, "dtlb_misses", cs, "dtlb-misses", NULL, 1, sres.dtlb,
			simby[2], &vc, scope);
		add_row(&t, prog, "itlb_misses", cs, "itlb-misses", NULL, 1, sres.itlb,
			simby[3], &vc, scope);
		add_row(&t, prog, "page_walks", cs, "dtlb-walks", "itlb-walks", 1, sres.walks,
			walkby, &vc, scope);
	}
	rc = cli_write_table_or_stderr(a, &t, rf);
	table_free(&t);
	if (!rc && !quiet && rf == REPORT_TABLE)
		print_reasons(cs, &vc);
	if (!rc)
		rc = collect_exit_code(wstatus);
out:
	ctr_free(cs);
	if (tmpdir[0]) {
		unlink(tmptrace);
		rmdir(tmpdir);
		vm_temp_unregister(tmptrace);
		vm_temp_unregister(tmpdir);
	}
	return rc;
}

const struct cmd validate_cmd = {
	.name = "validate",
	.usage = "[options] [--] PROGRAM [ARGS...]",
	.summary = "measured page faults and TLB misses of a program beside simulated ones",
	.details = "Runs the program under the collector (vmsim collect), then natively under\n"
		"the counters (vmsim counters), replays the trace through a host-like model\n"
		"(page size, TLB sizes and memory from the options) and prints each measured\n"
		"number beside its simulated counterpart, then the known reasons they differ.\n"
		"The table goes to stderr unless -o is given; vmsim exits with the program's\n"
		"status.  Needs valgrind (Debian package 'valgrind').",
	.opts = validate_opts,
	.command = 1,
	.run = validate_run,
};
