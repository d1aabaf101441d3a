/*
 * cli/plot.c - vmsim plot: a figure from a results file, drawn by gnuplot.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

static const struct opt plot_opts[] = {
	{ "output", 'o', "FIG", NULL,
	  "the image to write (required): FIG.png, FIG.svg or FIG.pdf; FIG.gp and FIG.dat "
	  "are written beside it", NULL },
	{ "metric", 'm', "M", "hit-rate",
	  "y axis: hit-rate, faults, miss-ratio, or any numeric column", NULL },
	{ "x", 0, "COL", "frames", "x axis column; memory is memory_bytes (or frames x page_size) "
	  "with KiB/MiB/GiB ticks", NULL },
	{ "log-x", 0, NULL, NULL, "logarithmic x axis (base 2)", NULL },
	{ "log-y", 0, NULL, NULL, "logarithmic y axis (base 10)", NULL },
	{ "title", 't', "TEXT", NULL, "figure title [default: what is drawn, e.g. TRACE: page "
	  "faults vs memory size]", NULL },
	{ "trace", 0, "TRACE", NULL, "only the rows of this trace (as in the trace column)", NULL },
	{ "series", 0, "COLS", NULL, "columns that tell lines of one policy apart [default: "
	  "those that vary at one x]", NULL },
	{ "facet", 0, "COL", NULL, "one panel per value of COL (trace, page_size...), with shared "
	  "axes and one key", NULL },
	{ "script-only", 0, NULL, NULL, "write FIG.gp and FIG.dat but do not run gnuplot", NULL },
	OPT_HELP,
	OPT_END,
};

static void plot_note(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "vmsim plot: note: %s\n", msg);
}

static int plot_run(struct args *a)
{
	struct plot_opts o = { 0 };
	struct vm_diag d = { 0 };
	struct csv c;
	const char *out = cli_arg(a, "output");
	int rc;

	if (!out)
		return cli_usage("--output FIG.png|FIG.svg|FIG.pdf is required");
	o.metric = cli_arg(a, "metric");
	o.x = cli_arg(a, "x");
	o.title = cli_arg(a, "title");
	o.log_x = cli_flag(a, "log-x");
	o.log_y = cli_flag(a, "log-y");
	o.only_trace = cli_arg(a, "trace");
	o.series = cli_arg(a, "series");
	o.facet = cli_arg(a, "facet");
	o.render = !cli_flag(a, "script-only");
	o.note = plot_note;
	if (csv_read(&c, a->pos[0], &d))
		return cli_fail(&d);
	rc = plot_write(&c, &o, out, &d);
	csv_free(&c);
	return rc ? cli_fail(&d) : 0;
}

const struct cmd plot_cmd = {
	.name = "plot",
	.usage = "RESULT.csv -o FIG.{png,svg,pdf} [--metric M] [options]",
	.summary = "draw a results file with gnuplot: one line per policy against memory size",
	.details = "Reads a CSV written by replay, curve, tlb-curve, merge or batch and draws\n"
		"--metric against --x, one series per policy (and per value of any other\n"
		"configuration column that varies, such as page_size, trace or a TLB's ways;\n"
		"a one-set TLB is the series \"full\").  Every policy has one fixed colour and\n"
		"marker in every figure; OPT, a bound, is dashed; series of one policy that\n"
		"differ by a configuration value take a sequential palette.  Every measured\n"
		"point has a marker (beyond 30 points, about 30, as the key says); where\n"
		"series meet, markers nest and an equal series is dashed and keyed \"(=\n"
		"OTHER)\".  Rates stay in [0, 1], counts start at 0 (at the data on a log\n"
		"axis); points a log axis cannot show are counted in a note.  The key goes in\n"
		"a free corner, or outside on the right.  The figure is 3.5 x 2.5 in with\n"
		"7-point text in every format (PNG at 300 dpi).  The image type comes from\n"
		"the extension (png: pngcairo, svg, pdf: pdfcairo).  FIG.gp and FIG.dat are\n"
		"written beside the image, the same for every type, so 'gnuplot FIG.gp' or\n"
		"'gnuplot -e \"imgtype='pdf'\" FIG.gp' redraws it.  No output may be the input\n"
		"file.  Every file appears complete or not at all.",
	.opts = plot_opts,
	.min_pos = 1,
	.max_pos = 1,
	.run = plot_run,
};
