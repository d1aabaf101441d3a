/*
 * check.c - compare a results file with a baseline, for CI.
 *
 * Rows are matched by their configuration (key) columns, the metrics of
 * matched rows are compared, and every difference lands in a diff table:
 *
 *   status   row                          metric  baseline  result  delta  rel_change
 *   FAIL     policy=lru frames=16         faults  186468    190001  3533   0.018947
 *   within   policy=clock frames=32       faults  756       757     1      0.001323
 *   missing  policy=opt frames=64         -
 *   new      policy=lfu frames=8          -
 *
 * Columns come from the baseline: its key and metric columns by
 * result_col_role() (or --key / --metrics), each of which the result must
 * have.  A value passes when |result - baseline| <= max(tolerance x
 * |baseline|, abs_tolerance); non-numeric values (and empty cells) must be
 * equal.  A baseline row absent from the result is a failure; a result row
 * absent from the baseline is listed as new and is not (adding a policy to
 * the matrix should not break CI).  Two rows with the same configuration in
 * one file make the comparison ambiguous and are an error naming both lines.
 *
 * The row description names only the key columns whose value varies, so it
 * reads "policy=lru frames=16", not a dozen constant columns.  The JUnit XML
 * has one test case per baseline row, failing with the metrics that moved.
 *
 * Cost: O((R + B) log(R + B)) string comparisons for R result and B baseline
 * rows (both sorted by key, then matched by binary search).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis_int.h"

static const struct col check_cols[] = {
	{ "status", COL_STR },
	{ "row", COL_STR },
	{ "metric", COL_STR },
	{ "baseline", COL_STR },
	{ "result", COL_STR },
	{ "delta", COL_F64 },
	{ "rel_change", COL_F64 },
};

struct keyed {
	char *key;   /* key cells joined */
	size_t row;  /* row in its file */
};

static int cmp_keyed(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c ? c : (x->row > y->row) - (x->row < y->row);
}

/* Key strings of every row of c, sorted; duplicates are an error. */
static int index_rows(const struct csv *c, const int *cols, size_t n, struct keyed **out,
		      struct vm_diag *d)
{
	struct keyed *k = xcalloc(c->nrows + 1, sizeof *k);
	size_t r;

	for (r = 0; r < c->nrows; r++) {
		k[r].key = csv_row_key(c, r, cols, n, "\x1f", 0);
		k[r].row = r;
	}
	qsort(k, c->nrows, sizeof *k, cmp_keyed);
	*out = k;
	for (r = 1; r < c->nrows; r++)
		if (strcmp(k[r].key, k[r - 1].key) == 0) {
			char *desc = csv_row_key(c, k[r].row, cols, n, " ", 1);

			vm_fail(d, VM_ERR_FORMAT, "%s:%llu and line %llu: the same configuration "
				"(%s) twice; name the columns that tell them apart with --key",
				c->name, (unsigned long long)c->line[k[r - 1].row],
				(unsigned long long)c->line[k[r].row], desc);
			free(desc);
			return VM_ERR_FORMAT;
		}
	return 0;
}

static void free_index(struct keyed *k, size_t n)
{
	size_t i;

	for (i = 0; k && i < n; i++)
		free(k[i].key);
	free(k);
}

static const struct keyed *find_row(const struct keyed *k, size_t n, const char *key)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(k[mid].key, key);

		if (c == 0)
			return &k[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The key columns (indices into c) worth showing: those that vary in c or
 * between c and other; all of them when none varies. */
static size_t shown_cols(const struct csv *c, const int *keys, size_t nk,
			 const struct csv *other, const int *okeys, int *out)
{
	size_t k, r, n = 0;

	for (k = 0; k < nk; k++) {
		const char *v0 = c->nrows ? csv_cell(c, 0, keys[k]) : "";
		int varies = 0;

		for (r = 1; r < c->nrows && !varies; r++)
			varies = strcmp(csv_cell(c, r, keys[k]), v0) != 0;
		for (r = 0; r < other->nrows && !varies; r++)
			varies = strcmp(csv_cell(other, r, okeys[k]), v0) != 0;
		if (varies)
			out[n++] = keys[k];
	}
	if (n == 0)
		for (k = 0; k < nk; k++)
			out[n++] = keys[k];
	return n;
}

static void diff_row(struct check_report *rp, const char *status, const char *row,
		     const char *metric, const char *b, const char *r, double delta,
		     double rel, int have_delta)
{
	size_t i = table_add_row(&rp->diff);

	table_set_str(&rp->diff, i, "status", status);
	table_set_str(&rp->diff, i, "row", row);
	table_set_str(&rp->diff, i, "metric", metric);
	table_set_str(&rp->diff, i, "baseline", b);
	table_set_str(&rp->diff, i, "result", r);
	if (have_delta) {
		table_set_f64(&rp->diff, i, "delta", delta);
		if (isfinite(rel))
			table_set_f64(&rp->diff, i, "rel_change", rel);
	}
}

static int resolve_cols(const struct csv *base, const struct csv *res, const char *names,
			enum result_role role, int *bcols, int *rcols, size_t *n,
			struct vm_diag *d)
{
	size_t k;
	int rc;

	if (names) {
		if ((rc = csv_cols_by_name(base, names, bcols, n, d)))
			return rc;
	} else {
		*n = csv_cols_by_role(base, role, bcols);
	}
	for (k = 0; k < *n; k++) {
		rcols[k] = csv_col(res, base->cols[bcols[k]]);
		if (rcols[k] < 0)
			return vm_fail(d, VM_ERR_FORMAT, "%s has no column '%s', which the "
				       "baseline %s has", res->name, base->cols[bcols[k]],
				       base->name);
	}
	return 0;
}

int check_run(const struct csv *result, const struct csv *base,
	      const struct check_opts *o, struct check_report *rp, struct vm_diag *d)
{
	int *bk = xmalloc((base->ncols + 1) * sizeof *bk);
	int *rk = xmalloc((base->ncols + 1) * sizeof *rk);
	int *bm = xmalloc((base->ncols + 1) * sizeof *bm);
	int *rm = xmalloc((base->ncols + 1) * sizeof *rm);
	int *show = xmalloc((base->ncols + 1) * sizeof *show);
	int *rshow = xmalloc((base->ncols + 1) * sizeof *rshow);
	struct keyed *bi = NULL, *ri = NULL;
	unsigned char *matched = NULL;
	size_t nk, nm, ns, r, k;
	int rc;

	memset(rp, 0, sizeof *rp);
	table_init(&rp->diff, check_cols, sizeof check_cols / sizeof check_cols[0]);
	rp->result_name = xstrdup(result->name);
	rp->baseline_name = xstrdup(base->name);
	if ((rc = resolve_cols(base, result, o->keys, RESULT_KEY, bk, rk, &nk, d)) ||
	    (rc = resolve_cols(base, result, o->metrics, RESULT_METRIC, bm, rm, &nm, d)))
		goto out;
	if (nm == 0) {
		rc = vm_fail(d, VM_ERR_FORMAT, "%s has no metric columns to compare "
			     "(name them with --metrics)", base->name);
		goto out;
	}
	if ((rc = index_rows(base, bk, nk, &bi, d)) || (rc = index_rows(result, rk, nk, &ri, d)))
		goto out;
	ns = shown_cols(base, bk, nk, result, rk, show);
	for (k = 0; k < ns; k++)
		for (r = 0; r < nk; r++)
			if (bk[r] == show[k])
				rshow[k] = rk[r];
	matched = xcalloc(result->nrows + 1, 1);
	rp->cases = xcalloc(base->nrows + 1, sizeof *rp->cases);
	for (r = 0; r < base->nrows; r++) {
		char *key = csv_row_key(base, r, bk, nk, "\x1f", 0);
		char *desc = csv_row_key(base, r, show, ns, " ", 1);
		const struct keyed *hit = find_row(ri, result->nrows, key);
		struct check_case *cs = &rp->cases[rp->ncases++];
		struct strbuf why = { 0 };

		free(key);
		rp->rows++;
		cs->name = desc;
		cs->trace = xstrdup(csv_cell(base, r, csv_col(base, "trace")));
		if (!hit) {
			rp->missing++;
			diff_row(rp, "missing", desc, "-", "", "", 0, 0, 0);
			sb_printf(&why, "missing from %s", result->name);
			cs->failure = sb_take(&why);
			continue;
		}
		matched[hit->row] = 1;
		for (k = 0; k < nm; k++) {
			const char *bv = csv_cell(base, r, bm[k]);
			const char *rv = csv_cell(result, hit->row, rm[k]);
			double x, y, delta, rel, lim;
			int numeric, beyond;

			rp->values++;
			numeric = !csv_cell_f64(base, r, bm[k], &x) &&
				  !csv_cell_f64(result, hit->row, rm[k], &y);
			if (numeric ? x == y : strcmp(bv, rv) == 0) {
				if (o->all)
					diff_row(rp, "same", desc, base->cols[bm[k]], bv, rv, 0, 0,
						 numeric);
				continue;
			}
			rp->changed++;
			delta = numeric ? y - x : 0;
			rel = numeric && x != 0 ? delta / fabs(x) : (double)INFINITY;
			lim = fabs(x) * o->tolerance;
			if (lim < o->abs_tolerance)
				lim = o->abs_tolerance;
			beyond = !numeric || fabs(delta) > lim;
			rp->failed += beyond;
			diff_row(rp, beyond ? "FAIL" : "within", desc, base->cols[bm[k]], bv, rv,
				 delta, rel, numeric);
			if (beyond) {
				sb_printf(&why, "%s%s %s -> %s", why.n ? "; " : "",
					  base->cols[bm[k]], *bv ? bv : "(empty)", *rv ? rv : "(empty)");
				if (numeric && isfinite(rel))
					sb_printf(&why, " (%+.3g%%)", 100 * rel);
			}
		}
		if (why.n) {
			sb_printf(&why, ", beyond the tolerance (%g relative, %g absolute)",
				  o->tolerance, o->abs_tolerance);
			cs->failure = sb_take(&why);
		}
	}
	for (r = 0; r < result->nrows; r++) {
		char *desc;

		if (matched[r])
			continue;
		rp->extra++;
		desc = csv_row_key(result, r, rshow, ns, " ", 1);
		diff_row(rp, "new", desc, "-", "", "", 0, 0, 0);
		free(desc);
	}
	rc = 0;
out:
	free_index(bi, bi ? base->nrows : 0);
	free_index(ri, ri ? result->nrows : 0);
	free(matched);
	free(bk);
	free(rk);
	free(bm);
	free(rm);
	free(show);
	free(rshow);
	return rc;
}

void check_report_free(struct check_report *r)
{
	size_t i;

	table_free(&r->diff);
	for (i = 0; i < r->ncases; i++) {
		free(r->cases[i].name);
		free(r->cases[i].trace);
		free(r->cases[i].failure);
	}
	free(r->cases);
	free(r->result_name);
	free(r->baseline_name);
	memset(r, 0, sizeof *r);
}

static void xml_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '&')
			fputs("&amp;", f);
		else if (ch == '<')
			fputs("&lt;", f);
		else if (ch == '>')
			fputs("&gt;", f);
		else if (ch == '"')
			fputs("&quot;", f);
		else if (ch < 0x20 && ch != '\t' && ch != '\n')
			fputc(' ', f); /* not allowed in XML 1.0 */
		else
			fputc(ch, f);
	}
}

int check_junit_write(const struct check_report *r, const char *path, struct vm_diag *d)
{
	struct outfile of;
	size_t i, fails = 0;
	int rc;

	for (i = 0; i < r->ncases; i++)
		fails += r->cases[i].failure != NULL;
	if ((rc = outfile_open(&of, path, d)))
		return rc;
	fprintf(of.f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<testsuites name=\"vmsim check\" tests=\"%zu\" failures=\"%zu\" errors=\"0\">\n"
		"  <testsuite name=\"", r->ncases, fails);
	xml_text(of.f, r->result_name);
	fputs(" against ", of.f);
	xml_text(of.f, r->baseline_name);
	fprintf(of.f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"0\">\n",
		r->ncases, fails);
	/* what made the verdict, as every vmsim result records it */
	fprintf(of.f, "    <properties>\n"
		"      <property name=\"vmsim_version\" value=\"%s\"/>\n"
		"    </properties>\n", VMSIM_VERSION);
	for (i = 0; i < r->ncases; i++) {
		const struct check_case *c = &r->cases[i];
		const char *tb = strrchr(c->trace, '/');

		fputs("    <testcase classname=\"vmsim.check", of.f);
		if (*c->trace) {
			fputc('.', of.f);
			xml_text(of.f, tb ? tb + 1 : c->trace);
		}
		fputs("\" name=\"", of.f);
		xml_text(of.f, c->name);
		if (!c->failure) {
			fputs("\"/>\n", of.f);
			continue;
		}
		fputs("\">\n      <failure type=\"regression\" message=\"", of.f);
		xml_text(of.f, c->failure);
		fputs("\">", of.f);
		xml_text(of.f, c->failure);
		fputs("</failure>\n    </testcase>\n", of.f);
	}
	fputs("  </testsuite>\n</testsuites>\n", of.f);
	if (ferror(of.f)) {
		outfile_abort(&of);
		return vm_fail(d, VM_ERR_IO, "%s: write failed", path);
	}
	return outfile_commit(&of, d);
}
