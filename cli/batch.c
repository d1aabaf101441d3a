/*
 * cli/batch.c - vmsim batch: curves over many traces, resumable, in parallel
 * here, or handed cell by cell to GNU Parallel, Slurm or any engine.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 *
 *   vmsim batch SPEC -o DIR              run the pending cells here, then join
 *   vmsim batch SPEC -o DIR --cell I[-J] run cells I..J only (a task of a plan)
 *   vmsim batch SPEC -o DIR --join       join: never computes; exit 1 naming
 *                                        missing and failed cells
 *   vmsim batch SPEC -o DIR --plan[=KIND] print a plan: parallel (the default),
 *                                        slurm, tsv or json
 */
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define BATCH_MAX_JOBS 1024u

static const struct opt batch_opts[] = {
	{ "output", 'o', "DIR", NULL, "results folder [default: results/SPEC-NAME]", NULL },
	{ "jobs", 'j', "N", "0", "cells at once; 0 = one per CPU this process may use "
	  "(affinity, cgroup quota), at most the pending cells; more is capped with a note",
	  NULL },
	{ "threads", 0, "N", "0", "threads per cell; 0 = the CPUs available / jobs", NULL },
	{ "cell", 0, "I[-J]|NAME", NULL, "run only cell I (or cells I to J), numbered from 1 in "
	  "the order the spec defines, or the cell NAME (as in --plan=tsv; the traces of other "
	  "cells need not be there); a done cell is skipped; exit 1 if one fails", NULL },
	{ "join", 0, NULL, NULL, "only join the cells: results.csv, figures, index.md; "
	  "never computes; exit 1 naming missing or failed cells", NULL },
	{ "plan", 0, "[=KIND]", NULL, "print a plan and exit: parallel (a GNU Parallel job "
	  "file, the default), slurm (an sbatch submit script), tsv or json (the cells)", NULL },
	{ "vmsim", 0, "PATH", "vmsim", "the program the plan's commands run", NULL },
	{ "bundle", 0, "N", NULL, "--plan=slurm: cells per array task [default: spec's "
	  "bundle, else 1]", NULL },
	{ "max-array", 0, "N", "1000", "--plan=slurm: tasks per array job, at most the "
	  "cluster's MaxArraySize (scontrol show config)", NULL },
	{ "cpus-per-task", 0, "N", NULL, "--plan=slurm: CPUs per task [default: spec's cpus]",
	  NULL },
	{ "mem", 0, "SIZE", NULL, "--plan=slurm: memory per task, as sbatch --mem [default: "
	  "spec's mem]", NULL },
	{ "time", 0, "T", NULL, "--plan=slurm: time limit per task, as sbatch --time "
	  "[default: spec's time]", NULL },
	{ "partition", 0, "P", NULL, "--plan=slurm: partition [default: spec's partition]",
	  NULL },
	{ "log-dir", 0, "D", NULL, "--plan=slurm: Slurm logs and task scripts [default: "
	  "DIR/slurm]", NULL },
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
		fprintf(stderr, "%s: cell %zu (%s) failed: %s\n", cli_cmd_name, c->index, c->name,
			cd->msg);
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

static int plan_kind(const char *v, enum batch_plan_kind *k)
{
	if (!*v || strcmp(v, "parallel") == 0)
		*k = BATCH_PLAN_PARALLEL;
	else if (strcmp(v, "slurm") == 0)
		*k = BATCH_PLAN_SLURM;
	else if (strcmp(v, "tsv") == 0)
		*k = BATCH_PLAN_TSV;
	else if (strcmp(v, "json") == 0)
		*k = BATCH_PLAN_JSON;
	else
		return cli_usage("--plan=%s: not parallel, slurm, tsv or json", v);
	return 0;
}

/* Print the plan; 0 or an exit status. */
static int batch_print_plan(struct args *a, const struct batch_spec *spec,
			    const struct batch_cell *cells, size_t n, const char *dir,
			    unsigned jobs, unsigned threads)
{
	struct batch_plan_opts po = { 0 };
	struct vm_diag d = { 0 };
	char cwd[4096];
	uint64_t v;
	size_t i, ndone = 0;
	char *logs = NULL;
	int rc;

	if ((rc = plan_kind(cli_arg(a, "plan"), &po.kind)))
		return rc;
	po.spec = a->pos[0];
	po.dir = dir;
	po.vmsim = cli_arg(a, "vmsim");
	po.jobs = jobs;
	po.threads = threads;
	po.bundle = spec->bundle ? spec->bundle : 1;
	if (cli_arg(a, "bundle")) {
		if ((rc = cli_u64(a, "bundle", &v)))
			return rc;
		if (v == 0)
			return cli_usage("--bundle 0: at least one cell per task");
		po.bundle = v;
	}
	po.cpus = spec->cpus;
	if (cli_arg(a, "cpus-per-task")) {
		if ((rc = cli_u64(a, "cpus-per-task", &v)))
			return rc;
		po.cpus = v;
	}
	po.mem = cli_arg(a, "mem") ? cli_arg(a, "mem") : spec->mem;
	po.time = cli_arg(a, "time") ? cli_arg(a, "time") : spec->time;
	po.partition = cli_arg(a, "partition") ? cli_arg(a, "partition") : spec->partition;
	if (cli_arg(a, "log-dir")) {
		logs = xstrdup(cli_arg(a, "log-dir"));
	} else {
		logs = xmalloc(strlen(dir) + sizeof "/slurm");
		sprintf(logs, "%s/slurm", dir);
	}
	po.log_dir = logs;
	if (!getcwd(cwd, sizeof cwd)) {
		free(logs);
		return cli_usage("cannot name the working directory");
	}
	po.cwd = cwd;
	if ((rc = cli_u64(a, "max-array", &v)))
		return rc;
	if (v == 0 || v > 4000000)
		return cli_usage("--max-array: from 1 to 4000000 tasks");
	po.max_array = (unsigned)v;
	if (batch_write_plan(stdout, spec, cells, n, &po, &d)) {
		free(logs);
		return cli_fail(&d);
	}
	free(logs);
	for (i = 0; i < n; i++)
		ndone += cells[i].done;
	if (!cli_flag(a, "quiet")) {
		fprintf(stderr, "%s: %zu cells in groups", cli_cmd_name, n);
		for (i = 0; i < spec->ngroups; i++)
			fprintf(stderr, "%s %s", i ? "," : "", spec->groups[i].name);
		fprintf(stderr, "; %zu done, %zu pending; then 'vmsim batch SPEC -o DIR --join' "
			"joins them\n", ndone, n - ndone);
	}
	return fflush(stdout) ? EXIT_FAILURE : 0;
}

static int batch_cli_run(struct args *a)
{
	struct batch_run_opts ro = { 0 };
	struct batch_select sel = { 0 };
	struct batch_ui ui = { 0 };
	struct batch_spec spec;
	struct batch_cell *cells = NULL;
	struct vm_diag d = { 0 };
	struct sigaction sa;
	uint64_t jobs, maxc, threads;
	size_t n = 0, i, ndone = 0, pending, first = 0, last = 0;
	char *dir = NULL;
	unsigned ncpu = vm_cpus_available();
	int rc, run_rc, join = cli_flag(a, "join"), planning = cli_arg(a, "plan") != NULL;

	if ((rc = cli_u64(a, "jobs", &jobs)) || (rc = cli_u64(a, "max-cells", &maxc)) ||
	    (rc = cli_u64(a, "threads", &threads)))
		return rc;
	if (cli_arg(a, "output") && !*cli_arg(a, "output"))
		return cli_usage("--output '': an empty folder name (an unset variable?)");
	if (join + planning + (cli_arg(a, "cell") != NULL) > 1)
		return cli_usage("--cell, --join and --plan do not go together");
	if (threads > BATCH_MAX_JOBS)
		return cli_usage("--threads %llu: at most %u", (unsigned long long)threads,
				 BATCH_MAX_JOBS);
	if (batch_spec_read(&spec, a->pos[0], &d))
		return cli_fail(&d);
	dir = cli_arg(a, "output") ? xstrdup(cli_arg(a, "output")) : default_dir(a->pos[0]);
	rc = EXIT_FAILURE;
	/* a task identifies only its own cells' traces; the range is checked
	 * against the spec's cells once they are counted */
	if (cli_arg(a, "cell")) {
		const char *c = cli_arg(a, "cell");

		/* I or I-J; a cell's name has at least three '-' */
		if (strspn(c, "0123456789-") == strlen(c) && (!strchr(c, '-') ||
							     strchr(c, '-') == strrchr(c, '-'))) {
			if (batch_cell_range(c, SIZE_MAX, &first, &last, &d)) {
				rc = cli_fail(&d);
				goto out;
			}
			sel.first = first;
			sel.last = last;
		} else {
			sel.name = c;
		}
	}
	/* expand first: a spec whose patterns match nothing leaves no folder behind */
	if (batch_plan_some(&spec, dir, &sel, &cells, &n, &d)) {
		rc = cli_fail(&d);
		goto out;
	}
	if (sel.name) {
		for (i = 0; i < n && !(cells[i].name && strcmp(cells[i].name, sel.name) == 0); i++)
			;
		if (i == n) {
			fprintf(stderr, "%s: no cell named '%s' in %s here (its trace missing, or "
				"planned from another version of the spec or its traces?)\n",
				cli_cmd_name, sel.name, a->pos[0]);
			rc = EXIT_FAILURE;
			goto out;
		}
		first = last = cells[i].index;
	}
	if (planning) {
		/* plans carry what the user asked for: -j 0 stays "count where you run" */
		rc = batch_print_plan(a, &spec, cells, n, dir,
				      jobs > BATCH_MAX_JOBS ? BATCH_MAX_JOBS : (unsigned)jobs,
				      (unsigned)threads);
		goto out;
	}
	if (join) {
		if (batch_check_complete(cells, n, &d)) {
			struct vm_diag wd = { 0 };

			/* say in index.md and status.tsv what is missing, if the folder is there */
			if (access(dir, F_OK) == 0)
				batch_finish(&spec, cells, n, dir, 0, 0, &wd);
			rc = cli_fail(&d);
			goto out;
		}
	}
	if (sel.first && batch_cell_range(cli_arg(a, "cell"), n, &first, &last, &d)) {
		rc = cli_fail(&d);
		goto out;
	}
	if (batch_prepare_dir(dir, &d)) {
		rc = cli_fail(&d);
		goto out;
	}
	for (i = 0; i < n; i++)
		if (!first || (cells[i].index >= first && cells[i].index <= last))
			ndone += cells[i].done;
	pending = (first ? last - first + 1 : n) - ndone;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = batch_on_signal;
	sigemptyset(&sa.sa_mask);
	cli_catch_stop_signals(&sa);

	ui.quiet = cli_flag(a, "quiet");
	ui.tty = !ui.quiet && isatty(STDERR_FILENO);
	if (jobs > ncpu) {
		fprintf(stderr, "%s: note: --jobs %llu capped at the %u CPUs this process may use\n",
			cli_cmd_name, (unsigned long long)jobs, ncpu);
		jobs = ncpu;
	}
	ro.jobs = jobs ? (unsigned)jobs : ncpu;
	if (ro.jobs > pending && pending)
		ro.jobs = (unsigned)pending;
	ro.threads = threads ? (unsigned)threads : ncpu / ro.jobs ? ncpu / ro.jobs : 1;
	ro.max_cells = (size_t)maxc;
	ro.first = first;
	ro.last = last;
	ro.stop = &batch_stop;
	ro.event = batch_event;
	ro.ctx = &ui;
	if (!ui.quiet && !join)
		fprintf(stderr, "%s: %zu cells in %s: %zu done before, %zu to run, %u at a time\n",
			cli_cmd_name, first ? last - first + 1 : n, dir, ndone,
			maxc && maxc < pending ? (size_t)maxc : pending, ro.jobs);
	run_rc = join ? 0 : batch_run(cells, n, &ro, &d);
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
	if (first) {
		/* a task of a plan: its cells only; the join writes the rest */
		rc = run_rc ? cli_fail(&d) : 0;
		goto out;
	}
	if (batch_finish(&spec, cells, n, dir, 1, !cli_flag(a, "script-only"), &d)) {
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
	.usage = "SPEC [-o DIR] [-j N] [--cell I[-J]|NAME | --join | --plan[=parallel|slurm|tsv|json]]",
	.summary = "curves for a matrix of traces and configurations: parallel, resumable",
	.details = "SPEC is a small INI file naming traces (globs, relative to the spec),\n"
		"policies, frames and page sizes (README, 'vmsim batch').  Each trace at\n"
		"each page size is one cell, numbered from 1 in the order the spec defines,\n"
		"whose CSV lands in DIR/cells/ atomically; cells already there are skipped,\n"
		"so an interrupted batch resumes where it stopped, and a failed cell (its\n"
		"message in DIR/cells/NAME.failed) is retried.  Then DIR/results.csv joins\n"
		"the cells, DIR/figures/ holds a figure per trace and metric, DIR/index.md\n"
		"shows them with the best policy per trace, and DIR/status.tsv lists every\n"
		"cell's state.  Beyond one machine (README, 'Beyond one machine'): --cell\n"
		"runs cells of a plan, --join only joins, and --plan prints a GNU Parallel\n"
		"job file (plain --plan), a Slurm submit script, or the cells as TSV/JSON.\n"
		"Exit status 0 when every cell is done, 1 when a cell failed (or, with\n"
		"--join, is missing), 2 for a bad command line, 130 when interrupted.",
	.opts = batch_opts,
	.min_pos = 1,
	.max_pos = 1,
	.run = batch_cli_run,
};
