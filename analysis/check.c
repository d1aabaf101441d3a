/*
 * check.c - compare a results file with a baseline, for CI.
 *
 * SPDX-License-Identifier: BSD-2-Clause
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
 * equal, and numbers written with more decimals on one side than the other
 * are equal where they agree at the coarser precision (same_number).  A baseline row absent from the result is a failure; a result row
 * absent from the baseline is listed as new and is not (adding a policy to
 * the matrix should not break CI).  Two rows with the same configuration in
 * one file make the comparison ambiguous and are an error naming both lines.
 *
 * Which trace a row comes from is decided apart from the other key columns,
 * so that neither the spelling of a path nor the working directory matters:
 *
 *   both rows have a trace_id   the same trace when the ids are equal (the
 *                               trace column may then differ: "traces/m.vmt"
 *                               made in the top folder, "../traces/m.vmt" in
 *                               a subfolder)
 *   either has none             the same trace when the trace paths are
 *                               equal once normalised (result_trace_path:
 *                               "./traces/m.vmt" is "traces/m.vmt"); old
 *                               baselines without the column, and traces
 *                               read from standard input with --label
 *
 * So each file gets two indexes of "configuration without the trace" +
 * identity: by trace_id (rows that have one) and by normalised path (every
 * row).  A baseline row with an id looks for its id first, then for a result
 * row without an id at its path; a row without an id looks by path.  --key
 * naming the columns turns this off: the columns named are compared as
 * they are (the trace column still normalised).
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
	{ "baseline", COL_NUM },  /* JSON numbers where the values are numbers */
	{ "result", COL_NUM },
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

/* One side of the comparison: a file, its key columns, and its indexes. */
struct side {
	const struct csv *c;    /* the file */
	const int *keys;        /* key columns (indices into c) */
	size_t nk;              /* how many */
	int trace;              /* the trace column, if a key; else -1 */
	int id;                 /* trace_id, when matching by it; else -1 */
	struct keyed *by_id;    /* rows with a trace_id: config + id, sorted */
	size_t nid;             /* how many */
	struct keyed *by_path;  /* every row: config + normalised path, sorted */
};

static int has_id(const struct side *s, size_t r)
{
	return s->id >= 0 && *csv_cell(s->c, r, s->id);
}

/* The row's key: the key columns but the trace, then the trace's identity
 * (its trace_id with by_id, else its normalised path). */
static char *side_key(const struct side *s, size_t r, int by_id)
{
	struct strbuf b = { 0 };
	size_t k;

	for (k = 0; k < s->nk; k++) {
		if (s->keys[k] == s->trace)
			continue;
		sb_puts(&b, csv_cell(s->c, r, s->keys[k]));
		sb_add(&b, "\x1f", 1);
	}
	if (by_id) {
		sb_puts(&b, "#");
		sb_puts(&b, csv_cell(s->c, r, s->id));
	} else if (s->trace >= 0) {
		char *p = result_trace_path(csv_cell(s->c, r, s->trace));

		sb_puts(&b, "@");
		sb_puts(&b, p);
		free(p);
	}
	return sb_take(&b);
}

static void free_index(struct keyed *k, size_t n)
{
	size_t i;

	for (i = 0; k && i < n; i++)
		free(k[i].key);
	free(k);
}

/* Index s's rows; two rows with the same configuration and trace (by id
 * where a row has one, else by path) are an error naming both lines. */
static int index_side(struct side *s, struct vm_diag *d)
{
	const struct csv *c = s->c;
	struct keyed *prim = xcalloc(c->nrows + 1, sizeof *prim);
	size_t r;
	int rc = 0;

	s->by_id = xcalloc(c->nrows + 1, sizeof *s->by_id);
	s->by_path = xcalloc(c->nrows + 1, sizeof *s->by_path);
	for (r = 0; r < c->nrows; r++) {
		s->by_path[r].key = side_key(s, r, 0);
		s->by_path[r].row = r;
		prim[r].row = r;
		if (has_id(s, r)) {
			s->by_id[s->nid].key = side_key(s, r, 1);
			s->by_id[s->nid++].row = r;
			prim[r].key = xstrdup(s->by_id[s->nid - 1].key);
		} else {
			prim[r].key = xstrdup(s->by_path[r].key);
		}
	}
	qsort(s->by_id, s->nid, sizeof *s->by_id, cmp_keyed);
	qsort(s->by_path, c->nrows, sizeof *s->by_path, cmp_keyed);
	qsort(prim, c->nrows, sizeof *prim, cmp_keyed);
	for (r = 1; r < c->nrows && !rc; r++)
		if (strcmp(prim[r].key, prim[r - 1].key) == 0) {
			char *desc = csv_row_key(c, prim[r].row, s->keys, s->nk, " ", 1);
			size_t x = prim[r - 1].row, y = prim[r].row;
			/* copies of one trace under two names are one trace */
			int copies = has_id(s, y) && strcmp(csv_cell(c, x, s->trace),
							     csv_cell(c, y, s->trace));

			rc = vm_fail(d, VM_ERR_FORMAT, "%s:%llu and line %llu: the same configuration "
				     "(%s) twice%s%s%s; name the columns that tell them apart with "
				     "--key", c->name, (unsigned long long)c->line[x],
				     (unsigned long long)c->line[y], desc,
				     copies ? " (the same trace_id " : "",
				     copies ? csv_cell(c, y, s->id) : "", copies ? ": copies of one trace)" : "");
			free(desc);
		}
	free_index(prim, c->nrows);
	return rc;
}

static void free_side(struct side *s)
{
	free_index(s->by_id, s->nid);
	free_index(s->by_path, s->by_path ? s->c->nrows : 0);
}

/* The first entry of k[0..n) with this key, and how many follow with it. */
static const struct keyed *find_range(const struct keyed *k, size_t n, const char *key,
				      size_t *count)
{
	size_t lo = 0, hi = n, e;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(k[mid].key, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (e = lo; e < n && strcmp(k[e].key, key) == 0; e++)
		;
	*count = e - lo;
	return *count ? &k[lo] : NULL;
}

/*
 * The result row that baseline row r stands for, or -1; -2 (with the reason
 * in d) when several result rows could be it.
 */
static long match_row(const struct side *b, size_t r, const struct side *res,
		      struct vm_diag *d)
{
	const struct keyed *k;
	size_t n, i, pick = 0, npick = 0;
	char *key;

	if (has_id(b, r)) {
		key = side_key(b, r, 1);
		k = find_range(res->by_id, res->nid, key, &n);
		free(key);
		if (k)
			return (long)k[0].row; /* unique: index_side saw to it */
	}
	key = side_key(b, r, 0);
	k = find_range(res->by_path, res->c->nrows, key, &n);
	free(key);
	/* an id-less baseline row takes any row at its path; one with an id
	 * only a row without one (a different id is a different trace) */
	for (i = 0; i < n; i++)
		if (!has_id(res, k[i].row) || !has_id(b, r)) {
			pick = k[i].row;
			npick++;
		}
	if (npick > 1) {
		/* rows of one path with several ids: prefer the one without */
		for (i = 0, npick = 0; i < n; i++)
			if (!has_id(res, k[i].row)) {
				pick = k[i].row;
				npick++;
			}
		if (npick != 1) {
			char *desc = csv_row_key(b->c, r, b->keys, b->nk, " ", 1);

			vm_fail(d, VM_ERR_FORMAT, "%s:%llu (%s) matches %zu rows of %s: the same "
				"trace path with different trace_id; name the columns to match "
				"with --key", b->c->name, (unsigned long long)b->c->line[r], desc,
				n, res->c->name);
			free(desc);
			return -2;
		}
	}
	return npick ? (long)pick : -1;
}

/* A row's trace as matching sees it: "#" and its trace_id, else "@" and its
 * normalised path (malloc'd). */
static char *trace_identity(const struct side *s, size_t r)
{
	struct strbuf b = { 0 };

	if (has_id(s, r)) {
		sb_puts(&b, "#");
		sb_puts(&b, csv_cell(s->c, r, s->id));
	} else {
		char *p = result_trace_path(csv_cell(s->c, r, s->trace));

		sb_puts(&b, "@");
		sb_puts(&b, p);
		free(p);
	}
	return sb_take(&b);
}

/* 1 if key k has another value in some row of s than v0 (the trace: another
 * identity, so that "./t.vmt" and "t.vmt" of one trace do not count). */
static int key_varies(const struct side *s, size_t k, const char *v0)
{
	size_t r;
	int varies = 0;

	for (r = 0; r < s->c->nrows && !varies; r++) {
		if (s->keys[k] == s->trace) {
			char *t = trace_identity(s, r);

			varies = strcmp(t, v0) != 0;
			free(t);
		} else {
			varies = strcmp(csv_cell(s->c, r, s->keys[k]), v0) != 0;
		}
	}
	return varies;
}

/* The key columns (indices into b's file) worth showing: those that vary in
 * b or between b and o; all of them when none varies.  Case names stay the
 * same when only the spelling of a trace's path changes. */
static size_t shown_cols(const struct side *b, const struct side *o, int *out)
{
	size_t k, n = 0;

	for (k = 0; k < b->nk; k++) {
		char *v0 = !b->c->nrows ? xstrdup("")
			: b->keys[k] == b->trace ? trace_identity(b, 0)
			: xstrdup(csv_cell(b->c, 0, b->keys[k]));

		if (key_varies(b, k, v0) || key_varies(o, k, v0))
			out[n++] = b->keys[k];
		free(v0);
	}
	if (n == 0)
		for (k = 0; k < b->nk; k++)
			out[n++] = b->keys[k];
	return n;
}

/* Digits after the decimal point of a number written as d.ddd (no
 * exponent); -1 for any other spelling. */
static int decimals(const char *s)
{
	const char *dot = strchr(s, '.');

	if (!dot || strpbrk(s, "eE"))
		return -1;
	return (int)strspn(dot + 1, "0123456789");
}

/*
 * Two numbers written as decimals with different numbers of digits are equal
 * when they agree at the coarser precision: each is the exact value rounded,
 * so they differ by at most half a unit in the last place of each.  A
 * baseline written when rates had six decimals (0.992198) still matches a
 * result written with nine digits (0.992197760).  Integers, and numbers
 * written alike, compare exactly.
 */
static int same_number(const char *bs, double x, const char *rs, double y)
{
	int db = decimals(bs), dr = decimals(rs);

	if (x == y)
		return 1;
	if (db < 0 || dr < 0 || db == dr)
		return 0;
	return fabs(x - y) <= 0.5 * (pow(10, -db) + pow(10, -dr)) * (1 + 1e-9);
}

static void diff_row(struct check_report *rp, const char *status, const char *row,
		     const char *metric, const char *b, const char *r, double delta,
		     double rel, int have_delta)
{
	size_t i = table_add_row(&rp->diff);

	table_set_str(&rp->diff, i, "status", status);
	table_set_str(&rp->diff, i, "row", row);
	table_set_str(&rp->diff, i, "metric", metric);
	table_set_num(&rp->diff, i, "baseline", b);
	table_set_num(&rp->diff, i, "result", r);
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
	struct side bs = { 0 }, rs = { 0 };
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
	bs.c = base;
	bs.keys = bk;
	rs.c = result;
	rs.keys = rk;
	bs.nk = rs.nk = nk;
	bs.trace = rs.trace = bs.id = rs.id = -1;
	for (k = 0; k < nk; k++)
		if (strcmp(base->cols[bk[k]], "trace") == 0) {
			bs.trace = bk[k];
			rs.trace = rk[k];
		}
	if (bs.trace >= 0 && !o->keys) {
		bs.id = csv_col(base, "trace_id");
		rs.id = csv_col(result, "trace_id");
	}
	if ((rc = index_side(&bs, d)) || (rc = index_side(&rs, d)))
		goto out;
	ns = shown_cols(&bs, &rs, show);
	for (k = 0; k < ns; k++)
		for (r = 0; r < nk; r++)
			if (bk[r] == show[k])
				rshow[k] = rk[r];
	matched = xcalloc(result->nrows + 1, 1);
	rp->cases = xcalloc(base->nrows + 1, sizeof *rp->cases);
	for (r = 0; r < base->nrows; r++) {
		long hit = match_row(&bs, r, &rs, d);
		char *desc;
		struct check_case *cs;
		struct strbuf why = { 0 };

		if (hit == -2) {
			rc = VM_ERR_FORMAT;
			goto out;
		}
		desc = csv_row_key(base, r, show, ns, " ", 1);
		cs = &rp->cases[rp->ncases++];
		rp->rows++;
		cs->name = desc;
		cs->trace = xstrdup(csv_cell(base, r, csv_col(base, "trace")));
		if (hit < 0) {
			rp->missing++;
			diff_row(rp, "missing", desc, "-", "", "", 0, 0, 0);
			sb_printf(&why, "missing from %s", result->name);
			cs->failure = sb_take(&why);
			continue;
		}
		matched[hit] = 1;
		for (k = 0; k < nm; k++) {
			const char *bv = csv_cell(base, r, bm[k]);
			const char *rv = csv_cell(result, (size_t)hit, rm[k]);
			double x, y, delta, rel, lim;
			int numeric, beyond;

			rp->values++;
			numeric = !csv_cell_f64(base, r, bm[k], &x) &&
				  !csv_cell_f64(result, (size_t)hit, rm[k], &y);
			if (numeric ? same_number(bv, x, rv, y) : strcmp(bv, rv) == 0) {
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
	free_side(&bs);
	free_side(&rs);
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

/*
 * XML text and attribute values.  What XML 1.0 cannot carry at all (control
 * characters other than tab, newline and carriage return; bytes that are not
 * UTF-8; U+FFFE and U+FFFF) is written as the four characters \xNN, so the
 * file is always well-formed UTF-8 and the reader still sees which byte it
 * was.  DEL and the C1 controls (U+0080-U+009F), allowed in XML but not
 * harmless on a terminal that shows a report, are written that way too, and
 * so is the backslash itself, so that \xNN always means a byte: as the human
 * table (report.c) shows them.
 */
static size_t utf8_xml_len(const unsigned char *s)
{
	uint32_t cp;
	size_t n, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1fu;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		cp = s[0] & 0x0fu;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07u;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) /* also stops at the NUL */
			return 0;
		cp = cp << 6 | (s[i] & 0x3fu);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfffe || cp == 0xffff ||
	    (cp >= 0x80 && cp <= 0x9f))
		return 0; /* overlong, beyond Unicode, a surrogate, a non-character, C1 */
	return n;
}

static void xml_text(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	while (*s) {
		size_t n;

		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		case '\\': fputs("\\x5c", f); break; /* so \xNN is unambiguous */
		/* as references, so attribute values keep them */
		case '\t': fputs("&#9;", f); break;
		case '\n': fputs("&#10;", f); break;
		case '\r': fputs("&#13;", f); break;
		default:
			if (*s < 0x20 || *s == 0x7f) {
				fprintf(f, "\\x%02x", *s);
			} else if (*s < 0x80) {
				fputc(*s, f);
			} else if ((n = utf8_xml_len(s)) != 0) {
				fwrite(s, 1, n, f);
				s += n;
				continue;
			} else {
				fprintf(f, "\\x%02x", *s);
			}
		}
		s++;
	}
}

/*
 * JUnit's classname is "vmsim.check." and the trace's file name with its
 * dots made underscores: Jenkins and GitLab read the dots of a classname as
 * packages, so "matmul.vmt" would show as a package "matmul" holding a class
 * "vmt".  As "vmsim.check.matmul_vmt" the report groups the cases by trace
 * under one package vmsim.check.  The test case's name is the row ("policy=
 * lru frames=16", with "trace=PATH" where several traces are compared), so
 * two traces whose names differ only in '.' against '_' still have distinct
 * cases.
 */
static void junit_classname(FILE *f, const char *trace)
{
	const char *tb = strrchr(trace, '/');
	char *name = xstrdup(tb ? tb + 1 : trace), *p;

	for (p = name; *p; p++)
		if (*p == '.')
			*p = '_';
	fputs("vmsim.check", f);
	if (*name) {
		fputc('.', f);
		xml_text(f, name);
	}
	free(name);
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

		fputs("    <testcase classname=\"", of.f);
		junit_classname(of.f, c->trace);
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
