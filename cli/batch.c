/*
 * cli/batch.c - vmsim batch: curves over many traces, resumable, in parallel
 * or as a plan of command lines for other machines.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const struct opt batch_opts[] = {
	{ "output", 'o', "DIR", NULL, "results folder [default: results/SPEC-NAME]", NULL },
	{ "jobs", 'j', "N", "0", "cells at once; 0 = one per core (at most the pending cells)",
	  NULL },
	{ "plan", 0, NULL, NULL,
	  "print each pending cell as a 'vmsim curve' command line and exit", NULL },
	{ "vmsim", 0, "PATH", "vmsim", "the program named in --plan command lines", NULL },
	{ "max-cells", 0, "N", "0", "run at most N cells this time (0 = all), then write "
	  "the results so far", NULL },
	{ "script-only", 0, NULL, NULL, "write the figures' .gp and .dat, but do not run gnuplot",
	  NULL },
	OPT_QUIET,
	OPT_HELP,
	OPT_END,
};

static atomic_int batch_stop;

/* The first SIGINT or SIGTERM asks the work to stop at its next check (exit
 * 130, nothing partial written); a second one, when the work is stuck (a
 * stalled pipe, a slow gnuplot), removes the registered temporaries and
 * dies of it at once, as the other commands do on the first. */
static void batch_on_signal(int sig)
{
	if (atomic_exchange(&batch_stop, 1))
		vm_cleanup_and_die(sig);
}

struct batch_ui {
	int quiet;    /* -q */
	int tty;      /* stderr is a terminal: one line, rewritten */
	int shown;    /* the line has something on it */
};

static void batch_event(void *ctx, const struct batch_cell *c, enum batch_event ev,
			const struct vm_diag *cd, size_t done, size_t todo)
{
	struct batch_ui *ui = ctx;

	if (ev == BATCH_FAILED) {
		if (ui->shown)
			fputc('\n', stderr);
		ui->shown = 0;
		fprintf(stderr, "%s: cell %s failed: %s\n", cli_cmd_name, c->name, cd->msg);
		return;
	}
	if (ui->quiet)
		return;
	if (ui->tty) {
		fprintf(stderr, "\r%s: [%zu/%zu] %s %-40.40s", cli_cmd_name,
			done, todo, ev == BATCH_START ? "running" : "done", c->name);
		ui->shown = 1;
	} else if (ev == BATCH_DONE) {
		fprintf(stderr, "%s: [%zu/%zu] done %s (%.1f s)\n", cli_cmd_name, done, todo,
			c->name, c->seconds);
	}
}

/* results/NAME for spec path .../NAME.ext */
static char *default_dir(const char *spec)
{
	const char *b = strrchr(spec, '/');
	char *name = xstrdup(b ? b + 1 : spec), *dot = strrchr(name, '.'), *out;
	size_t n;

	if (dot && dot != name)
		*dot = 0;
	n = strlen(name) + sizeof "results/";
	out = xmalloc(n);
	snprintf(out, n, "results/%s", name);
	free(name);
	return out;
}

static int batch_cli_run(struct args *a)
{
	struct batch_run_opts ro = { 0 };
	struct batch_ui ui = { 0 };
	struct batch_spec spec;
	struct batch_cell *cells = NULL;
	struct vm_diag d = { 0 };
	struct sigaction sa;
	uint64_t jobs, maxc;
	size_t n = 0, i, ndone = 0, pending;
	char *dir = NULL;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int rc, run_rc;

	if ((rc = cli_u64(a, "jobs", &jobs)) || (rc = cli_u64(a, "max-cells", &maxc)))
		return rc;
	if (jobs > 1024)
		return cli_usage("--jobs %llu: at most 1024", (unsigned long long)jobs);
	if (ncpu < 1)
		ncpu = 1;
	if (batch_spec_read(&spec, a->pos[0], &d))
		return cli_fail(&d);
	dir = cli_arg(a, "output") ? xstrdup(cli_arg(a, "output")) : default_dir(a->pos[0]);
	rc = EXIT_FAILURE;
	/* plan first: a spec whose patterns match nothing leaves no folder behind */
	if (batch_plan(&spec, dir, &cells, &n, &d) || batch_prepare_dir(dir, &d)) {
		rc = cli_fail(&d);
		goto out;
	}
	for (i = 0; i < n; i++)
		ndone += cells[i].done;
	pending = n - ndone;
	if (cli_flag(a, "plan")) {
		for (i = 0; i < n; i++) {
			char *cmd;

			if (cells[i].done)
				continue;
			cmd = batch_cell_command(&cells[i], cli_arg(a, "vmsim"));
			printf("%s\n", cmd);
			free(cmd);
		}
		fprintf(stderr, "%s: %zu cells, %zu done, %zu printed; then 'vmsim batch %s -o %s' "
			"(or 'vmsim merge %s/cells') joins them\n", cli_cmd_name, n, ndone, pending,
			a->pos[0], dir, dir);
		rc = fflush(stdout) ? EXIT_FAILURE : 0;
		goto out;
	}

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = batch_on_signal;
	sigemptyset(&sa.sa_mask);
	cli_catch_stop_signals(&sa);

	ui.quiet = cli_flag(a, "quiet");
	ui.tty = !ui.quiet && isatty(STDERR_FILENO);
	ro.jobs = jobs ? (unsigned)jobs : (unsigned)ncpu;
	if (ro.jobs > pending && pending)
		ro.jobs = (unsigned)pending;
	ro.threads = (unsigned)ncpu / ro.jobs ? (unsigned)ncpu / ro.jobs : 1;
	ro.max_cells = (size_t)maxc;
	ro.stop = &batch_stop;
	ro.event = batch_event;
	ro.ctx = &ui;
	if (!ui.quiet)
		fprintf(stderr, "%s: %zu cells in %s: %zu done before, %zu to run, %u at a time\n",
			cli_cmd_name, n, dir, ndone, maxc && maxc < pending ? (size_t)maxc : pending,
			ro.jobs);
	run_rc = batch_run(cells, n, &ro, &d);
	if (ui.shown)
		fprintf(stderr, "\r%*s\r", 78, "");
	if (atomic_load(&batch_stop)) {
		for (i = 0, ndone = 0; i < n; i++)
			ndone += cells[i].done;
		fprintf(stderr, "%s: interrupted: %zu of %zu cells done; run the same command "
			"again to resume\n", cli_cmd_name, ndone, n);
		rc = 130;
		goto out;
	}
	if (batch_finish(&spec, cells, n, dir, !cli_flag(a, "script-only"), &d)) {
		if (atomic_load(&batch_stop)) {
			/* Ctrl-C reached gnuplot too; what was written is whole */
			fprintf(stderr, "%s: interrupted while writing the results (%s); run the "
				"same command again to finish them\n", cli_cmd_name, d.msg);
			rc = 130;
		} else {
			rc = cli_fail(&d);
		}
		goto out;
	}
	for (i = 0, ndone = 0; i < n; i++)
		ndone += cells[i].done;
	if (!ui.quiet)
		fprintf(stderr, "%s: %zu of %zu cells done; see %s/index.md and %s/results.csv\n",
			cli_cmd_name, ndone, n, dir, dir);
	if (run_rc) {
		rc = cli_fail(&d);
		goto out;
	}
	rc = 0;
out:
	batch_cells_free(cells, n);
	batch_spec_free(&spec);
	free(dir);
	return rc;
}

const struct cmd batch_cmd = {
	.name = "batch",
	.usage = "SPEC [-j N] [-o DIR] [--plan]",
	.summary = "curves for a matrix of traces and configurations: parallel, resumable",
	.details = "SPEC is a small INI file naming traces (globs, relative to the spec),\n"
		"policies, frames and page sizes (see README, 'Batch runs').  Each trace at\n"
		"each page size is one cell, one 'vmsim curve' run, whose CSV lands in\n"
		"DIR/cells/ atomically; cells already there are skipped, so an interrupted\n"
		"batch resumes where it stopped.  Then DIR/results.csv joins the cells,\n"
		"DIR/figures/ holds a figure per trace and metric, and DIR/index.md shows\n"
		"them with the best policy per trace.  --plan prints the pending cells as\n"
		"command lines for GNU Parallel or a Slurm array; a later run (or 'vmsim\n"
		"merge DIR/cells') joins what they wrote.  Exit status 0 when every cell is\n"
		"done, 1 when a cell failed, 130 when interrupted.",
	.opts = batch_opts,
	.min_pos = 1,
	.max_pos = 1,
	.run = batch_cli_run,
};
