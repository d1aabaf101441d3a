/*
 * cli/merge.c - vmsim merge: join results files (batch cells run elsewhere).
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <glob.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

static const struct opt merge_opts[] = {
	OPT_OUTPUT,
	OPT_HELP,
	OPT_END,
};

/* Expand one argument: a directory gives its *.csv, a pattern its matches
 * (both sorted), anything else itself.  Appends to *paths. */
static int merge_expand(const char *arg, char ***paths, size_t *n)
{
	struct stat sb;
	glob_t g;
	char *pat;
	size_t i, len = strlen(arg);
	int rc;

	if (stat(arg, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		pat = xmalloc(len + 8);
		snprintf(pat, len + 8, "%s/*.csv", arg);
	} else if (strpbrk(arg, "*?[")) {
		pat = xstrdup(arg);
	} else {
		*paths = xrealloc(*paths, (*n + 1) * sizeof **paths);
		(*paths)[(*n)++] = xstrdup(arg);
		return 0;
	}
	rc = glob(pat, 0, NULL, &g);
	free(pat);
	if (rc == GLOB_NOMATCH) {
		fprintf(stderr, "%s: '%s': no CSV files\n", cli_cmd_name, arg);
		return EXIT_FAILURE;
	}
	if (rc) {
		fprintf(stderr, "%s: '%s': cannot list\n", cli_cmd_name, arg);
		return EXIT_FAILURE;
	}
	*paths = xrealloc(*paths, (*n + g.gl_pathc) * sizeof **paths);
	for (i = 0; i < g.gl_pathc; i++)
		(*paths)[(*n)++] = xstrdup(g.gl_pathv[i]);
	globfree(&g);
	return 0;
}

static int merge_run(struct args *a)
{
	struct vm_diag d = { 0 };
	struct csv *in = NULL, out;
	struct outfile of;
	char **paths = NULL;
	size_t n = 0, nread = 0, i;
	int rc = 0;

	for (i = 0; i < (size_t)a->npos && !rc; i++)
		rc = merge_expand(a->pos[i], &paths, &n);
	if (rc)
		goto out;
	in = xcalloc(n + 1, sizeof *in);
	for (nread = 0; nread < n; nread++)
		if (csv_read(&in[nread], paths[nread], &d)) {
			rc = cli_fail(&d);
			goto out;
		}
	if (csv_merge(&out, in, n, &d)) {
		rc = cli_fail(&d);
		goto out;
	}
	if (outfile_open(&of, cli_arg(a, "output"), &d)) {
		rc = cli_fail(&d);
	} else if (csv_write(&out, of.f)) {
		outfile_abort(&of);
		vm_fail(&d, VM_ERR_IO, "%s: write failed", cli_arg(a, "output"));
		rc = cli_fail(&d);
	} else if (outfile_commit(&of, &d)) {
		rc = cli_fail(&d);
	}
	csv_free(&out);
out:
	for (i = 0; i < nread; i++)
		csv_free(&in[i]);
	for (i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	free(in);
	return rc;
}

const struct cmd merge_cmd = {
	.name = "merge",
	.usage = "FILE.csv|DIR|'GLOB'... [-o OUT.csv]",
	.summary = "join results files into one CSV (union of columns, repeats dropped)",
	.details = "Joins CSV results, such as batch cells run on several machines.  Each\n"
		"argument is a file, a directory (all its *.csv) or a quoted glob; files\n"
		"from a directory or glob are taken in name order.  The columns are the union\n"
		"of the inputs' (in order of first appearance; a column a file lacks is\n"
		"empty in its rows), rows keep their order, and a row that repeats another\n"
		"exactly (mode and version aside) is kept once.  Rows match by trace_id,\n"
		"or by the trace path normalised (./a is a) where a row has none.  Two rows with the same configuration but different results are an\n"
		"error naming both files and lines.",
	.opts = merge_opts,
	.min_pos = 1,
	.max_pos = INT_MAX, /* any number */
	.run = merge_run,
};
