/*
 * cli/curve.c - vmsim curve: every policy at every memory size, one reading
 * of the trace.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static const struct opt curve_opts[] = {
	{ "policies", 'p', "P[,P...]", "all",
	  "replacement policies, or all:", cli_policy_choices },
	{ "frames", 'n', "SIZES", "auto",
	  "memory sizes: N, MIN:MAX, MIN:MAX:STEP, MIN:MAX:xFACTOR or auto, comma-separated", NULL },
	{ "memory", 0, "SIZES", NULL,
	  "memory sizes in bytes instead of --frames: 64K,1M,1G, MIN:MAX[:STEP|:xF], or "
	  "fractions of the footprint (1%:100%:x2)", NULL },
	OPT_PAGE_SIZE,
	{ "seed", 0, "S", "1", "seed for randomized policies (random)", NULL },
	{ "lfu-aging", 0, "K", "0",
	  "LFU halves its counters every K references; 0 = max(1024, 8 x frames)", NULL },
	{ "jobs", 'j', "N", "0",
	  "threads; 0 = one per CPU available; more than that is capped with a note", NULL },
	{ "opt-method", 0, "M", "auto",
	  "OPT's curve: one-pass (priority stack), per-size (one replay per size, with "
	  "writebacks) or auto (one-pass while min(largest size, distinct pages) <= 64 x the "
	  "number of sizes)",
	  NULL },
	OPT_FORMAT,
	OPT_OUTPUT,
	OPT_INPUT_FORMAT,
	OPT_QUIET,
	OPT_MEM_LIMIT,
	OPT_LABEL,
	OPT_HELP,
	OPT_END,
};

static atomic_int curve_stop;

/* The first SIGINT or SIGTERM asks the work to stop at its next check (exit
 * 130, nothing written); a second one, when the work is stuck (reading a
 * stalled pipe, say), removes the registered temporaries and dies of it at
 * once, as the other commands do on the first. */
static void curve_on_signal(int sig)
{
	if (atomic_exchange(&curve_stop, 1))
		vm_cleanup_and_die(sig);
}

struct curve_ui {
	int tty;      /* show a progress line */
	int shown;    /* something is on it */
	size_t stop_after; /* VMSIM_TEST_STOP_AFTER: SIGTERM after this run; 0 = never */
};

static void curve_load_progress(void *ctx, uint64_t refs)
{
	(void)ctx;
	cli_progress_refs(refs);
}

static void curve_progress(void *ctx, size_t done, size_t total)
{
	struct curve_ui *ui = ctx;

	/* tests: a stop signal at a chosen run, deterministically (even the last) */
	if (ui->stop_after && done == ui->stop_after)
		raise(SIGTERM);
	if (!ui->tty)
		return;
	fprintf(stderr, "\r%s: %zu/%zu runs   ", cli_cmd_name, done, total);
	ui->shown = 1;
}


/* Create the missing folders above the output path (say, a batch's cells
 * folder on a worker without a shared disk): 0 or the exit status. */
static int make_parents(const char *path)
{
	char *p, *s;

	if (!path || strcmp(path, "-") == 0 || !strchr(path, '/'))
		return 0;
	p = xstrdup(path);
	for (s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		if (mkdir(p, 0755) && errno != EEXIST) {
			fprintf(stderr, "%s: %s: cannot create: %s\n", cli_cmd_name, p,
				strerror(errno));
			free(p);
			return EXIT_FAILURE;
		}
		*s = '/';
	}
	free(p);
	return 0;
}

static int curve_cli_run(struct args *a)
{
	struct curve_job j = { 0 };
	struct curve_ui ui = { 0 };
	struct vm_diag d = { 0 };
	struct sigaction sa;
	enum report_format rf;
	uint64_t jobs;
	struct table t;
	long ncpu;
	int rc;

	if ((rc = cli_page_shift(a, &j.page_shift)) || (rc = cli_report_format(a, &rf)) ||
	    (rc = cli_input_format(a, &j.fmt)) || (rc = cli_u64(a, "seed", &j.seed)) ||
	    (rc = cli_u64(a, "lfu-aging", &j.lfu_aging)) || (rc = cli_u64(a, "jobs", &jobs)) ||
	    (rc = cli_mem_limit(a)))
		return rc;
	ncpu = vm_cpus_available();
	if (jobs > (uint64_t)ncpu) {
		if (!cli_flag(a, "quiet"))
			fprintf(stderr, "%s: --jobs %llu: capped at the %ld CPUs available\n",
				cli_cmd_name, (unsigned long long)jobs, ncpu);
		jobs = (uint64_t)ncpu;
	}
	j.threads = jobs ? (unsigned)jobs : (unsigned)ncpu;
	{
		const char *m = cli_arg(a, "opt-method");

		if (strcmp(m, "auto") == 0)
			j.opt_method = CURVE_OPT_AUTO;
		else if (strcmp(m, "one-pass") == 0)
			j.opt_method = CURVE_OPT_ONEPASS;
		else if (strcmp(m, "per-size") == 0)
			j.opt_method = CURVE_OPT_PERSIZE;
		else
			return cli_usage("--opt-method '%s' is not auto, one-pass or per-size", m);
	}
	j.trace = a->pos[0];
	j.label = cli_arg(a, "label");
	j.policies = cli_arg(a, "policies");
	j.frames = cli_arg(a, "frames");
	j.memory = cli_arg(a, "memory");
	j.load_progress = curve_load_progress;
	j.progress = curve_progress;
	j.ctx = &ui;
	j.stop = &curve_stop;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = curve_on_signal;
	sigemptyset(&sa.sa_mask);
	cli_catch_stop_signals(&sa);

	ui.tty = !cli_flag(a, "quiet") && isatty(STDERR_FILENO);
	if (getenv("VMSIM_TEST_STOP_AFTER"))
		ui.stop_after = strtoul(getenv("VMSIM_TEST_STOP_AFTER"), NULL, 10);
	cli_progress_start(j.trace, cli_flag(a, "quiet"));
	rc = curve_job_run(&j, &t, &d);
	cli_progress_done();
	if (ui.shown)
		fprintf(stderr, "\r%*s\r", 60, "");
	if (rc || atomic_load(&curve_stop)) {
		if (!rc)
			table_free(&t);
		if (atomic_load(&curve_stop)) {
			fprintf(stderr, "%s: interrupted; nothing written\n", cli_cmd_name);
			return 130;
		}
		return cli_fail(&d);
	}
	rc = make_parents(cli_arg(a, "output"));
	if (!rc)
		rc = cli_write_table(a, &t, rf);
	table_free(&t);
	return rc;
}

const struct cmd curve_cmd = {
	.name = "curve",
	.usage = "TRACE [--policies P,...] [--frames SIZES] [options]",
	.summary = "hits and faults of every policy at every memory size, reading the trace once",
	.details = "One row per (policy, frames), the same columns as 'vmsim replay', and every\n"
		"row equals what 'vmsim replay' gives for that single size.  The trace is\n"
		"decoded once into page ids.  LRU and OPT are stack algorithms: one pass gives\n"
		"every size (LRU by stack distances in a Fenwick tree, O(log pages) per\n"
		"reference; OPT by Mattson's priority stack, or per size when that stack\n"
		"would be deep, see --opt-method).  FIFO, Clock, Random and LFU replay once\n"
		"per size, the sizes spread over --jobs threads; the result does not depend\n"
		"on the thread count.  One-pass OPT rows (mode one-pass) leave writebacks\n"
		"empty: which dead page OPT evicts first is a tie only a per-size replay\n"
		"settles.\n"
		"\n"
		"SIZES examples: 16,32,64   1:64 (every size)   8:512:8 (step 8)\n"
		"1:4096:x2 (doubling, 4096 included)   auto (1 to the distinct pages: every\n"
		"size up to 100 pages, else about 100 sizes spread linearly and geometrically)",
	.opts = curve_opts,
	.min_pos = 1,
	.max_pos = 1,
	.run = curve_cli_run,
};
