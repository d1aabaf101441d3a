/*
 * cli/check.c - vmsim check: compare results with a baseline, for CI.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const struct opt check_opts[] = {
	{ "baseline", 'b', "BASE.csv", NULL, "the results to compare against (required)", NULL },
	{ "tolerance", 't', "X", "0",
	  "relative tolerance: 0.01 or 1% lets a value move by 1% of the baseline", NULL },
	{ "abs-tolerance", 0, "A", "0", "absolute tolerance: a move of at most A passes too", NULL },
	{ "key", 0, "COLS", NULL,
	  "columns that identify a row [default: the baseline's configuration columns]", NULL },
	{ "metrics", 0, "COLS", NULL,
	  "columns to compare [default: the baseline's metric columns]", NULL },
	{ "junit", 0, "FILE", NULL, "also write the verdict as JUnit XML to FILE", NULL },
	{ "all", 0, NULL, NULL, "list unchanged values in the diff table too", NULL },
	{ "update", 0, NULL, NULL,
	  "accept RESULT: write it to BASE.csv (atomically; created if missing) after "
	  "showing the differences, and exit 0", NULL },
	OPT_FORMAT,
	OPT_OUTPUT,
	OPT_HELP,
	OPT_END,
};

/* "0.05" or "5%" -> 0.05; -1 if not a non-negative number. */
static double parse_tolerance(const char *s, int percent_ok)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || !isfinite(v) || v < 0)
		return -1;
	if (percent_ok && *end == '%' && end[1] == 0)
		return v / 100;
	return *end ? -1 : v;
}

/* Write res to bpath atomically (a reader, or a crash, sees the old file or
 * the new, never half).  Exit code. */
static int write_baseline(const struct csv *res, const char *bpath)
{
	struct vm_diag d = { 0 };
	struct outfile of;

	if (outfile_open(&of, bpath, &d))
		return cli_fail(&d);
	if (csv_write(res, of.f)) {
		outfile_abort(&of);
		vm_fail(&d, VM_ERR_IO, "%s: write failed", bpath);
		return cli_fail(&d);
	}
	return outfile_commit(&of, &d) ? cli_fail(&d) : 0;
}

/*
 * The comparison: the diff table to --output, the JUnit file, and (without
 * --update) the verdict.  0, 1 (FAIL) or an exit code.
 */
static int report_check(struct args *a, const struct check_report *rp, enum report_format rf,
			int update)
{
	const char *junit = cli_arg(a, "junit");
	struct vm_diag d = { 0 };
	int rc = 0;

	if (rp->diff.nrows || rf != REPORT_TABLE || strcmp(cli_arg(a, "output"), "-"))
		rc = cli_write_table(a, &rp->diff, rf);
	if (!rc && junit && check_junit_write(rp, junit, &d))
		rc = cli_fail(&d);
	if (rc || update)
		return rc;
	fprintf(stderr, "%s: %s: %zu rows, %zu values compared: %zu changed, %zu beyond "
		"tolerance, %zu rows missing, %zu new rows\n", cli_cmd_name,
		rp->failed || rp->missing ? "FAIL" : "ok", rp->rows, rp->values, rp->changed,
		rp->failed, rp->missing, rp->extra);
	return rp->failed || rp->missing ? EXIT_FAILURE : 0;
}

/*
 * --update: RESULT becomes the baseline.  It must be one that check can use
 * (checked against itself: no configuration twice); the old baseline, when
 * there is one that compares, is compared first so the change is on record.
 * One that does not compare (another schema, a broken file) is replaced with
 * a note: accepting a new schema is what --update is for.
 */
static int check_update(struct args *a, const struct csv *res, const struct check_opts *o,
			enum report_format rf)
{
	const char *bpath = cli_arg(a, "baseline");
	struct check_report rp;
	struct vm_diag d = { 0 };
	struct csv base;
	int rc, compared = 0, existed = access(bpath, F_OK) == 0;

	rc = check_run(res, res, o, &rp, &d);
	check_report_free(&rp);
	if (rc) {
		fprintf(stderr, "%s: %s cannot be a baseline: %s\n", cli_cmd_name, res->name,
			d.msg);
		return EXIT_FAILURE;
	}
	if (existed) {
		if (csv_read(&base, bpath, &d) == 0) {
			rc = check_run(res, &base, o, &rp, &d);
			csv_free(&base);
			if (rc == 0) {
				compared = 1;
				rc = report_check(a, &rp, rf, 1);
				if (rc == 0)
					fprintf(stderr, "%s: before the update: %zu changed, %zu beyond "
						"tolerance, %zu rows missing, %zu new rows\n",
						cli_cmd_name, rp.changed, rp.failed, rp.missing, rp.extra);
			}
			check_report_free(&rp);
			if (rc && compared)
				return rc;
		}
		if (!compared)
			fprintf(stderr, "%s: note: not compared with the old baseline (%s); "
				"replacing it\n", cli_cmd_name, d.msg);
	}
	if ((rc = write_baseline(res, bpath)))
		return rc;
	fprintf(stderr, "%s: %s %s: %zu rows\n", cli_cmd_name,
		!existed ? "wrote the new baseline" : compared ? "updated" : "replaced", bpath,
		res->nrows);
	return 0;
}

static int check_cli_run(struct args *a)
{
	struct check_opts o = { 0 };
	struct check_report rp;
	struct vm_diag d = { 0 };
	struct csv res, base;
	enum report_format rf;
	const char *bpath = cli_arg(a, "baseline");
	int rc;

	if (!bpath)
		return cli_usage("--baseline BASE.csv is required");
	if ((rc = cli_report_format(a, &rf)))
		return rc;
	o.tolerance = parse_tolerance(cli_arg(a, "tolerance"), 1);
	o.abs_tolerance = parse_tolerance(cli_arg(a, "abs-tolerance"), 0);
	if (o.tolerance < 0)
		return cli_usage("--tolerance '%s' is not a non-negative number or percentage",
				 cli_arg(a, "tolerance"));
	if (o.abs_tolerance < 0)
		return cli_usage("--abs-tolerance '%s' is not a non-negative number",
				 cli_arg(a, "abs-tolerance"));
	o.keys = cli_arg(a, "key");
	o.metrics = cli_arg(a, "metrics");
	o.all = cli_flag(a, "all");
	if (csv_read(&res, a->pos[0], &d))
		return cli_fail(&d);
	if (cli_flag(a, "update")) {
		rc = check_update(a, &res, &o, rf);
		csv_free(&res);
		return rc;
	}
	if (csv_read(&base, bpath, &d)) {
		csv_free(&res);
		return cli_fail(&d);
	}
	rc = check_run(&res, &base, &o, &rp, &d);
	csv_free(&base);
	csv_free(&res);
	rc = rc ? cli_fail(&d) : report_check(a, &rp, rf, 0);
	check_report_free(&rp);
	return rc;
}

const struct cmd check_cmd = {
	.name = "check",
	.usage = "RESULT.csv --baseline BASE.csv [--tolerance X] [--junit FILE] [--update]",
	.summary = "compare results with a baseline; fail when a metric moved or a row is missing",
	.details = "Rows are matched by their configuration columns (trace, policy, frames,\n"
		"page_size, seed, ...), and their metrics (hits, faults, hit_rate, evictions,\n"
		"writebacks, ...) compared.  The diff table lists every value that changed\n"
		"(FAIL beyond the tolerance, within inside it), every baseline row missing\n"
		"from the result, and every new row; a summary goes to stderr.  A value\n"
		"passes when |result - baseline| <= max(X * |baseline|, A).  Exit status 0\n"
		"when nothing moved beyond the tolerance and no row is missing, 1 otherwise\n"
		"(new rows do not fail), 2 for a bad command line.\n\n"
		"Rows of one trace match by trace_id where both have one, else by the trace\n"
		"path normalised (./t.vmt is t.vmt), so a baseline made in another folder or\n"
		"with another spelling of the path still matches.  --update accepts RESULT:\n"
		"it shows the differences from BASE.csv (where the two compare), writes\n"
		"RESULT to BASE.csv atomically (creating it if missing) and exits 0.",
	.opts = check_opts,
	.min_pos = 1,
	.max_pos = 1,
	.run = check_cli_run,
};
