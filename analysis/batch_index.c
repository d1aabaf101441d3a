/*
 * batch_index.c - what a batch leaves for its reader, once the cells are
 * done (or as far as they went):
 *
 *   DIR/results.csv   the done cells merged, in cell order
 *   DIR/figures/      one figure per trace, metric and format (plot.c)
 *   DIR/index.md      the groups that ran, the figures, the best policy per
 *                     trace and page size, every cell with its state, and each
 *                     failure with its message
 *   DIR/status.tsv    one line per cell: index, group, trace, identity, page
 *                     size, state, message (for scripts and other engines);
 *                     no timings, so a batch's folder is the same at any -j
 *
 * Every name a user chose (titles, trace paths, messages that quote them) is
 * escaped for Markdown, so it cannot open a link, an image, an HTML tag or a
 * table cell; links point only at vmsim's own names (cells, figures), which
 * are made of [A-Za-z0-9._-].
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdlib.h>
#include <string.h>

#include "batch_int.h"
#include "policy.h"

/* Best policies of one done cell, for index.md. */
struct best {
	const char *best;     /* policy with the fewest faults summed over sizes */
	double best_rate;     /* its mean hit rate */
	const char *second;   /* the runner-up, or NULL */
	double second_rate;   /* its mean hit rate */
	double opt_rate;      /* OPT's mean hit rate, < 0 if not run */
	size_t sizes;         /* memory sizes */
};

static void cell_best(const struct csv *c, struct best *b)
{
	int pc = csv_col(c, "policy"), fc = csv_col(c, "faults"), hc = csv_col(c, "hit_rate");
	const char *names[CURVE_MAX_POLICIES];
	double faults[CURVE_MAX_POLICIES], rate[CURVE_MAX_POLICIES];
	size_t cnt[CURVE_MAX_POLICIES], np = 0, r, i, best = SIZE_MAX, second = SIZE_MAX;

	memset(b, 0, sizeof *b);
	b->opt_rate = -1;
	for (r = 0; r < c->nrows; r++) {
		const char *p = csv_cell(c, r, pc);
		double f = 0, h = 0;

		for (i = 0; i < np && strcmp(names[i], p); i++)
			;
		if (i == np) {
			if (np == CURVE_MAX_POLICIES)
				continue;
			names[np] = p;
			faults[np] = rate[np] = 0;
			cnt[np++] = 0;
		}
		csv_cell_f64(c, r, fc, &f);
		csv_cell_f64(c, r, hc, &h);
		faults[i] += f;
		rate[i] += h;
		cnt[i]++;
	}
	/* rank by total faults (ties: the order the cell lists them); OPT
	 * needs the future, so it is the bound, not a contender */
	for (i = 0; i < np; i++) {
		const struct policy_ops *ops = policy_find(names[i]);
		double mean = cnt[i] ? rate[i] / (double)cnt[i] : 0;

		b->sizes = cnt[i];
		if (ops && (ops->flags & POLICY_NEEDS_FUTURE)) {
			b->opt_rate = mean;
		} else if (best == SIZE_MAX || faults[i] < faults[best]) {
			second = best;
			best = i;
		} else if (second == SIZE_MAX || faults[i] < faults[second]) {
			second = i;
		}
	}
	if (best != SIZE_MAX) {
		b->best = names[best];
		b->best_rate = cnt[best] ? rate[best] / (double)cnt[best] : 0;
	}
	if (second != SIZE_MAX) {
		b->second = names[second];
		b->second_rate = cnt[second] ? rate[second] / (double)cnt[second] : 0;
	}
}

static void md(FILE *f, const char *s)
{
	struct strbuf b = { 0 };

	sb_markdown(&b, s);
	fputs(b.s ? b.s : "", f);
	free(b.s);
}

static const char *cell_state(const struct batch_cell *c)
{
	return c->done ? "done" : c->failed ? "failed" : "pending";
}

static int write_index(const struct batch_spec *s, const struct batch_cell *cells, size_t n,
		       const struct csv *cellcsv, const char *dir, int results,
		       char **fig_names, const char **fig_traces, size_t nfig, struct vm_diag *d)
{
	struct strbuf path = { 0 };
	struct outfile of;
	size_t i, g, ndone = 0, nfail = 0;
	char ps[16];
	int rc;

	for (i = 0; i < n; i++) {
		ndone += cells[i].done;
		nfail += !cells[i].done && cells[i].failed;
	}
	sb_printf(&path, "%s/index.md", dir);
	rc = outfile_open(&of, path.s, d);
	free(path.s);
	if (rc)
		return rc;
	fputs("# ", of.f);
	md(of.f, s->title);
	fprintf(of.f, "\n\nMade by vmsim %s from ", VMSIM_VERSION);
	md(of.f, s->path);
	fprintf(of.f, ": %zu of %zu cells done", ndone, n);
	if (nfail)
		fprintf(of.f, ", %zu failed (see below)", nfail);
	if (ndone < n)
		fputs("; run the batch again to finish the rest (failed cells are retried)", of.f);
	if (results)
		fputs(". All rows: [results.csv](results.csv)", of.f);
	else
		fputs(". Not joined: results.csv is written when every cell is done", of.f);
	fputs("; every cell's state: [status.tsv](status.tsv).\n\n", of.f);
	fputs("Groups that ran:", of.f);
	for (g = 0; g < s->ngroups; g++) {
		size_t nc = 0, nd = 0;

		for (i = 0; i < n; i++)
			if (cells[i].group == &s->groups[g]) {
				nc++;
				nd += cells[i].done;
			}
		fprintf(of.f, "%s **", g ? "," : "");
		md(of.f, s->groups[g].name);
		fprintf(of.f, "** (%s, %zu cells, %zu done)",
			s->groups[g].line ? "a section" : "the traces before any section", nc, nd);
	}
	fputs(".\n\n", of.f);
	fputs("## Best policy per trace\n\n"
	      "Policies ranked by page faults summed over the memory sizes (the same sizes "
	      "for every policy of a cell); hit rates are means over those sizes. OPT needs "
	      "the future, so it is shown as the bound, not ranked.\n\n"
	      "| trace | group | page size | sizes | best policy | mean hit rate | runner-up "
	      "| mean hit rate | OPT (bound) |\n|---|---|---|---:|---|---:|---|---:|---:|\n", of.f);
	for (i = 0; i < n; i++) {
		struct best b;

		if (!cells[i].done || !cellcsv[i].name)
			continue;
		cell_best(&cellcsv[i], &b);
		batch_shift_name(ps, sizeof ps, cells[i].page_shift);
		fputs("| ", of.f);
		md(of.f, cells[i].label);
		fputs(" | ", of.f);
		md(of.f, cells[i].group->name);
		fprintf(of.f, " | %s | %zu | **", ps, b.sizes);
		md(of.f, b.best ? b.best : "-");
		fprintf(of.f, "** | %.6f | ", b.best_rate);
		md(of.f, b.second ? b.second : "-");
		if (b.second)
			fprintf(of.f, " | %.6f | ", b.second_rate);
		else
			fputs(" | - | ", of.f);
		if (b.opt_rate >= 0)
			fprintf(of.f, "%.6f |\n", b.opt_rate);
		else
			fputs("- |\n", of.f);
	}
	if (nfig) {
		fputs("\n## Figures\n", of.f);
		for (i = 0; i < nfig; i++) {
			size_t len = strlen(fig_names[i]);

			if (i == 0 || strcmp(fig_traces[i], fig_traces[i - 1])) {
				fputs("\n### ", of.f);
				md(of.f, fig_traces[i]);
				fputs("\n\n", of.f);
			}
			if (len > 4 && strcmp(fig_names[i] + len - 4, ".pdf") == 0)
				fprintf(of.f, "- [%s](figures/%s)\n", fig_names[i], fig_names[i]);
			else
				fprintf(of.f, "![%s](figures/%s)\n", fig_names[i], fig_names[i]);
		}
	}
	fputs("\n## Cells\n\n| # | cell | trace | trace id | page size | state |\n"
	      "|---:|---|---|---|---|---|\n", of.f);
	for (i = 0; i < n; i++) {
		batch_shift_name(ps, sizeof ps, cells[i].page_shift);
		if (cells[i].done)
			fprintf(of.f, "| %zu | [%s](cells/%s.csv) | ", cells[i].index, cells[i].name,
				cells[i].name);
		else
			fprintf(of.f, "| %zu | %s | ", cells[i].index, cells[i].name);
		md(of.f, cells[i].label);
		fprintf(of.f, " | %s | %s | %s |\n", cells[i].ident.id, ps,
			cells[i].done ? "done" : cells[i].failed ? "**failed**" : "pending");
	}
	if (nfail) {
		fputs("\n## Failed cells\n\n", of.f);
		for (i = 0; i < n; i++) {
			if (cells[i].done || !cells[i].failed)
				continue;
			fprintf(of.f, "- %zu, %s: ", cells[i].index, cells[i].name);
			md(of.f, cells[i].message ? cells[i].message : "failed");
			fputs("\n", of.f);
		}
	}
	fputs("\nEach cell is one curve; `vmsim batch SPEC -o DIR --cell I` runs cell I, "
	      "and `--plan=parallel`, `--plan=slurm`, `--plan=tsv` or `--plan=json` hand "
	      "them to other engines.\n", of.f);
	if (ferror(of.f)) {
		outfile_abort(&of);
		return vm_fail(d, VM_ERR_IO, "%s/index.md: write failed", dir);
	}
	return outfile_commit(&of, d);
}

/* DIR/status.tsv: every cell, its identity and its state. */
static int write_status(const struct batch_cell *cells, size_t n, const char *dir,
			struct vm_diag *d)
{
	struct strbuf b = { 0 }, path = { 0 };
	char ps[16];
	size_t i;
	int rc;

	sb_puts(&b, "index\tgroup\tcell\ttrace\ttrace_id\ttrace_bytes\ttrace_mtime_ns\t"
		"page_size\tstate\tmessage\n");
	for (i = 0; i < n; i++) {
		const struct batch_cell *c = &cells[i];

		batch_shift_name(ps, sizeof ps, c->page_shift);
		sb_printf(&b, "%zu\t%s\t%s\t", c->index, c->group->name, c->name);
		sb_tsv_field(&b, c->label);
		sb_printf(&b, "\t%s\t%llu\t%lld\t%s\t%s\t", c->ident.id,
			  (unsigned long long)c->ident.size, (long long)c->ident.mtime_ns, ps,
			  cell_state(c));
		if (!c->done && c->failed && c->message)
			sb_tsv_field(&b, c->message);
		sb_add(&b, "\n", 1);
	}
	sb_printf(&path, "%s/status.tsv", dir);
	rc = batch_write_file(path.s, b.s, d);
	free(path.s);
	free(b.s);
	return rc;
}

/* A trace name with control characters (a newline) never reaches a gnuplot
 * script as it is: the figure's title is the name with each made '?' (NULL:
 * the name is clean, plot makes its own title). */
static char *control_free_title(const char *label)
{
	const char *b = strrchr(label, '/');
	char *t, *c;
	int dirty = 0;

	for (c = (char *)label; *c; c++)
		dirty |= (unsigned char)*c < 0x20 || *c == 0x7f;
	if (!dirty)
		return NULL;
	t = xstrdup(b ? b + 1 : label);
	for (c = t; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	return t;
}

/* The figures drawn so far, for index.md: file name and the heading
 * (trace) each goes under. */
struct figlist {
	char **names;         /* figures/NAME */
	const char **traces;  /* heading of each */
	size_t n;             /* how many */
};

/* One figure per metric and format of the spec, DIR/figures/STEM-METRIC.FMT,
 * drawn with *base (facet, trace filter, title) and the spec's axes. */
static int draw_figures(const struct batch_spec *s, const struct csv *merged,
			const struct plot_opts *base, const char *dir, const char *stem,
			const char *heading, int render, struct figlist *figs,
			struct vm_diag *d)
{
	char *fig = xstrdup(s->figures), *tok, *save = NULL;
	int rc = 0;

	for (tok = strtok_r(fig, ",", &save); tok && !rc; tok = strtok_r(NULL, ",", &save)) {
		char *fmts = xstrdup(s->figure_format), *fmt, *save2 = NULL;

		tok = batch_trim(tok);
		for (fmt = strtok_r(fmts, ",", &save2); fmt && !rc;
		     fmt = strtok_r(NULL, ",", &save2)) {
			struct plot_opts po = *base;
			struct strbuf fn = { 0 }, fp = { 0 };

			fmt = batch_trim(fmt);
			sb_printf(&fn, "%s-%s.%s", stem, tok, fmt);
			sb_printf(&fp, "%s/figures/%s", dir, fn.s);
			po.metric = tok;
			po.log_x = s->log_x;
			po.log_y = s->log_y;
			po.render = render;
			rc = plot_write(merged, &po, fp.s, d);
			free(fp.s);
			if (rc) {
				free(fn.s);
				break;
			}
			figs->names = xrealloc(figs->names, (figs->n + 1) * sizeof *figs->names);
			figs->traces = xrealloc(figs->traces, (figs->n + 1) * sizeof *figs->traces);
			figs->names[figs->n] = sb_take(&fn);
			figs->traces[figs->n++] = heading;
		}
		free(fmts);
	}
	free(fig);
	return rc;
}

/* how many distinct traces have a finished cell */
static size_t ntraces_drawn(const struct batch_cell *cells, size_t n)
{
	size_t i, j, k = 0;

	for (i = 0; i < n; i++) {
		if (!cells[i].done)
			continue;
		for (j = 0; j < i; j++)
			if (cells[j].done && strcmp(cells[j].label, cells[i].label) == 0)
				break;
		if (j == i)
			k++;
	}
	return k;
}

int batch_finish(const struct batch_spec *s, const struct batch_cell *cells, size_t n,
		 const char *dir, int results, int render, struct vm_diag *d)
{
	struct csv *cellcsv = xcalloc(n + 1, sizeof *cellcsv), *ins = xcalloc(n + 1, sizeof *ins);
	struct csv merged = { 0 };
	struct figlist figs = { 0 };
	char **stems = NULL, *safe_title = NULL;
	size_t i, j, nin = 0, nstems = 0;
	struct strbuf b = { 0 };
	struct outfile of;
	int rc = 0, have_merged = 0;

	if ((rc = write_status(cells, n, dir, d)))
		goto out;
	for (i = 0; i < n && results; i++) {
		if (!cells[i].done)
			continue;
		if ((rc = csv_read(&cellcsv[i], cells[i].out, d)))
			goto out;
		ins[nin++] = cellcsv[i];
	}
	if (!results)
		goto index;
	if ((rc = csv_merge(&merged, ins, nin, d)))
		goto out;
	have_merged = 1;
	sb_printf(&b, "%s/results.csv", dir);
	if ((rc = outfile_open(&of, b.s, d)))
		goto out;
	if (csv_write(&merged, of.f)) {
		outfile_abort(&of);
		rc = vm_fail(d, VM_ERR_IO, "%s: write failed", b.s);
		goto out;
	}
	if ((rc = outfile_commit(&of, d)))
		goto out;
	/* one figure per trace, metric and format */
	if (*s->figures && nin) {
		free(b.s);
		b.s = NULL;
		b.n = b.cap = 0;
		sb_printf(&b, "%s/figures", dir);
		if ((rc = batch_mkdir_p(b.s, d)))
			goto out;
		/* several traces: first an overview, one panel per trace with
		 * shared axes (plot's facets), then one figure per trace */
		stems = xrealloc(stems, (nstems + 1) * sizeof *stems);
		stems[nstems++] = xstrdup("overview");
		if (ntraces_drawn(cells, n) > 1) {
			struct plot_opts po = { 0 };

			po.facet = "trace";
			if ((rc = draw_figures(s, &merged, &po, dir, "overview", "All traces",
					       render, &figs, d)))
				goto out;
		}
		for (i = 0; i < n; i++) {
			struct plot_opts po = { 0 };
			char *stem;
			size_t k;

			if (!cells[i].done)
				continue;
			for (j = 0; j < i; j++)
				if (cells[j].done && strcmp(cells[j].label, cells[i].label) == 0)
					break;
			if (j < i)
				continue; /* this trace is drawn already */
			stem = batch_trace_stem(cells[i].label);
			for (k = 0; k < nstems; k++)
				if (strcmp(stems[k], stem) == 0)
					break;
			stems = xrealloc(stems, (nstems + 1) * sizeof *stems);
			if (k < nstems) { /* two traces with one name: number them */
				struct strbuf u = { 0 };

				sb_printf(&u, "%s-%zu", stem, nstems + 1);
				free(stem);
				stem = sb_take(&u);
			}
			stems[nstems++] = stem;
			free(safe_title);
			safe_title = control_free_title(cells[i].label);
			po.only_trace = cells[i].label;
			po.title = safe_title;
			if ((rc = draw_figures(s, &merged, &po, dir, stem, cells[i].label, render,
					       &figs, d)))
				goto out;
		}
	}
index:
	rc = write_index(s, cells, n, cellcsv, dir, results, figs.names, figs.traces, figs.n, d);
out:
	free(b.s);
	for (i = 0; i < n; i++)
		if (cellcsv[i].name)
			csv_free(&cellcsv[i]);
	free(cellcsv);
	free(ins);
	if (have_merged)
		csv_free(&merged);
	for (i = 0; i < figs.n; i++)
		free(figs.names[i]);
	free(figs.names);
	free(figs.traces);
	for (i = 0; i < nstems; i++)
		free(stems[i]);
	free(stems);
	free(safe_title);
	return rc;
}
