/*
 * plot.c - figures from results files, drawn by gnuplot.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * A figure is one metric (hit rate, faults, miss ratio, or any numeric
 * column) against one x column (memory size in frames unless told), with one
 * series per policy, and per value of any other configuration column that
 * varies among the rows (page size, trace, seed, TLB ways...).  We never draw
 * pixels: we write two plain files a user can edit and rerun, and run gnuplot
 * on them.
 *
 *   FIG.dat   one block per series, separated by two blank lines (gnuplot's
 *             "index"), each line "x y marker-scale", sorted by x, with a
 *             comment naming it
 *   FIG.gp    the script: the terminal from the variable imgtype (png, pdf,
 *             svg), labels with units, the key, one fixed style per policy,
 *             every line first, then every marker on top
 *   FIG.png   (or .svg, .pdf) what gnuplot makes of them
 *
 * FIG.gp and FIG.dat do not depend on the image type: writing x.png and then
 * x.pdf leaves the same two files, and `gnuplot -e "imgtype='pdf'" x.gp`
 * redraws either.  The script names no file but through variables whose
 * defaults come from its own name (ARG0), so no user-supplied file name is
 * ever part of its text.
 *
 * What a reviewer checks, and how it is kept:
 *
 *   Physical sizes.  3.5 x 2.5 inches, 7-point text, the same lines and
 *   markers in every terminal (plot_gp.c says how).
 *
 *   Equal curves stay visible.  Lines are drawn first, markers after them,
 *   every marker on top of every line.  A marker that coincides with one of
 *   an earlier series is drawn smaller (the .dat's third column), so equal
 *   points show as nested markers; a series equal to an earlier one at every
 *   point is dashed, so the earlier one shows through, its key says "Clock
 *   (= FIFO)", and the equal series' markers take turns along the line.
 *
 *   Axes stay in the possible range.  Rates stay in [0, 1]; counts start at
 *   0 on a linear axis and at the data on a log axis; padding never crosses
 *   either.  Ticks are computed here: 250k and 1.5M for counts, KiB/MiB/GiB
 *   for bytes, 10^k on log axes spanning more than 0.001..10^5.  Points a log
 *   axis cannot show (zero or negative) are left out and counted in a note.
 *
 *   Markers on every measured point; beyond MARK_ALL points a series gets
 *   about MARK_ALL markers, and the key says so.
 *
 *   The key never covers data: it goes in the corner of the plot with the
 *   fewest data points under it, or, if none is free, outside on the right
 *   with the canvas grown to hold it.  Beyond KEY_WARN series a note suggests
 *   --trace, --series or --facet.  --facet COL draws one panel per value of
 *   COL (gnuplot multiplot) with shared axes and one key.
 *
 * Styles are a fixed table keyed by policy, so a policy looks the same in
 * every figure vmsim draws: its colour (the Okabe-Ito palette, readable by
 * colour-blind readers, and in greyscale by its marker) and its marker.  OPT
 * is a bound, not a policy one can build, so it is dashed.  Series of one
 * policy that differ in a configuration column (TLB ways, page size) take
 * colours from a sequential palette in the order of that column's values
 * (when one policy is drawn), or shades of the policy's colour with dash
 * patterns (when several are).  A fully associative TLB (one set) is one
 * series, "full", whatever its entries.
 *
 * Strings reach the script only through plot_gp.c's gp_quote(), which cannot
 * emit a raw newline or control character; every file appears complete or
 * not at all; no output may be the input file itself (same device and
 * inode).
 */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "plot_int.h"
#include "policy.h"

/*
 * The fixed look of each policy, in registry order.  This stays a table keyed
 * by name, not a field of struct policy_ops: a plot reads names from a CSV,
 * which may come from another build or name a policy this one lacks, and a
 * colour is presentation, which policies/ should not know.  A policy without
 * a row here is drawn from plot_other, so adding one needs no edit here.
 */
static const struct plot_style {
	const char *policy;  /* policy name as in the CSV */
	const char *label;   /* legend text */
	const char *color;   /* line colour */
	int pt;              /* gnuplot point type (cairo/svg numbering) */
	int dt;              /* dash type of its first series */
} plot_styles[] = {
	{ "opt", "OPT", "#000000", 7, 2 },      /* black, filled circle, dashed */
	{ "fifo", "FIFO", "#E69F00", 9, 1 },    /* orange, filled triangle up */
	{ "random", "Random", "#009E73", 13, 1 }, /* bluish green, filled diamond */
	{ "lru", "LRU", "#0072B2", 5, 1 },      /* blue, filled square */
	{ "lfu", "LFU", "#D55E00", 11, 1 },     /* vermillion, filled triangle down */
	{ "clock", "Clock", "#56B4E9", 15, 1 }, /* sky blue, filled pentagon */
};
#define NSTYLES (sizeof plot_styles / sizeof plot_styles[0])

/* Policies without an entry, and series without a policy column. */
static const struct plot_style plot_other[] = {
	{ NULL, NULL, "#CC79A7", 3, 1 },  /* reddish purple, star */
	{ NULL, NULL, "#777777", 6, 1 },  /* grey, open circle */
	{ NULL, NULL, "#882255", 12, 1 }, /* wine, open diamond */
	{ NULL, NULL, "#44AA99", 4, 1 },  /* teal, open square */
};
#define NOTHER (sizeof plot_other / sizeof plot_other[0])

/* A sequential palette (viridis without its pale yellow end), dark to
 * light, for series of one policy that differ by a configuration value. */
static const char *const seq_palette[] = {
	"#440154", "#472D7B", "#3B528B", "#2C728E", "#21908C",
	"#27AD81", "#5DC863", "#9BD93C",
};
#define NSEQ (sizeof seq_palette / sizeof seq_palette[0])
/* Markers for those series, so they differ in greyscale too. */
static const int seq_pts[] = { 7, 5, 9, 11, 13, 15, 4, 6, 8, 10, 12, 14 };
#define NSEQPT (sizeof seq_pts / sizeof seq_pts[0])

/* The image types; build_gp() sets each terminal up to the same physical
 * sizes (see the top of the file). */
static const struct plot_term {
	const char *ext;  /* file extension */
	const char *type; /* the script's imgtype */
} plot_terms[] = {
	{ ".png", "png" },
	{ ".svg", "svg" },
	{ ".pdf", "pdf" },
};
#define NTERMS (sizeof plot_terms / sizeof plot_terms[0])

const char *plot_formats(void)
{
	return "png svg pdf";
}

/* What a --metric name means. */
static const struct plot_metric {
	const char *name;     /* --metric value */
	const char *col;      /* column, NULL for miss-ratio (derived) */
	const char *label;    /* labels.c entry for the axis */
	int rising;           /* grows with memory */
} plot_metrics[] = {
	{ "hit-rate", "hit_rate", "hit_rate", 1 },
	{ "faults", "faults", "faults", 0 },
	{ "miss-ratio", NULL, "miss_ratio", 0 },
};

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* ----------------------------------------------------------- series */

static int style_of(const char *policy)
{
	size_t i;

	for (i = 0; i < NSTYLES; i++)
		if (strcmp(plot_styles[i].policy, policy) == 0)
			return (int)i;
	return -1;
}

static const struct plot_style *style_at(int k)
{
	return k < (int)NSTYLES ? &plot_styles[k] : &plot_other[(size_t)(k - (int)NSTYLES) % NOTHER];
}

static int row_selected(const struct plot *p, size_t r)
{
	return !p->o->only_trace ||
	       strcmp(csv_cell(p->c, r, csv_col(p->c, "trace")), p->o->only_trace) == 0;
}

/* The x value of row r, or non-zero when it has none. */
static int row_x(const struct plot *p, size_t r, double *x)
{
	double f, ps;

	if (p->xcol >= 0)
		return csv_cell_f64(p->c, r, p->xcol, x);
	if (csv_cell_f64(p->c, r, p->frames_col, &f) || csv_cell_f64(p->c, r, p->ps_col, &ps))
		return -1;
	*x = f * ps;
	return 0;
}

/* The y value of row r, or non-zero when it has none. */
static int row_y(const struct plot *p, size_t r, double *y)
{
	double f, n;

	if (p->ycol >= 0)
		return csv_cell_f64(p->c, r, p->ycol, y);
	if (!csv_cell_f64(p->c, r, p->faults_col, &f) &&
	    !csv_cell_f64(p->c, r, p->refs_col, &n) && n > 0) {
		*y = f / n;
		return 0;
	}
	if (!csv_cell_f64(p->c, r, p->hit_col, &f)) {
		*y = 1.0 - f;
		return 0;
	}
	return -1;
}

/* A cell as the series see it: a TLB of one set is "full" whatever its ways. */
static const char *series_cell(const struct plot *p, size_t r, int col)
{
	if (col >= 0 && col == p->ways_col && p->sets_col >= 0 &&
	    strcmp(csv_cell(p->c, r, p->sets_col), "1") == 0)
		return "full";
	return csv_cell(p->c, r, col);
}

static int cmp_pts(const void *a, const void *b)
{
	const double *x = a, *y = b;

	return (x[0] > y[0]) - (x[0] < y[0]);
}

struct grp {
	char *key;   /* policy and x, joined */
	size_t row;  /* the row */
};

static int cmp_grp(const void *a, const void *b)
{
	const struct grp *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c ? c : (x->row > y->row) - (x->row < y->row);
}

/* Two configuration values in their natural order: numbers by value,
 * "full" after every number, else as text. */
static int cmp_value(const char *a, const char *b)
{
	char *ea, *eb;
	double x = strtod(a, &ea), y = strtod(b, &eb);
	int na = *a && !*ea, nb = *b && !*eb;

	if (na && nb)
		return (x > y) - (x < y);
	if (na != nb)
		return na ? -1 : 1;
	return strcmp(a, b);
}

static int cmp_cfg(const char *a, const char *b)
{
	while (*a || *b) {
		const char *ea = strchr(a, '\x1f'), *eb = strchr(b, '\x1f');
		char va[256], vb[256];
		int c;

		snprintf(va, sizeof va, "%.*s", (int)(ea ? ea - a : (long)strlen(a)), a);
		snprintf(vb, sizeof vb, "%.*s", (int)(eb ? eb - b : (long)strlen(b)), b);
		if ((c = cmp_value(va, vb)))
			return c;
		a = ea ? ea + 1 : a + strlen(a);
		b = eb ? eb + 1 : b + strlen(b);
	}
	return 0;
}

/* Does key column col split the selected rows of one policy at one x? */
static int col_splits(struct plot *p, int col, struct grp *grp)
{
	const struct csv *c = p->c;
	int pcol = csv_col(c, "policy");
	size_t r, i, ng = 0;
	struct strbuf b = { 0 };
	double x;

	for (r = 0; r < c->nrows; r++) {
		size_t k;

		if (!row_selected(p, r) || row_x(p, r, &x))
			continue;
		sb_puts(&b, csv_cell(c, r, pcol));
		sb_printf(&b, "\x1f%.17g\x1f%s", x, csv_cell(c, r, p->facet_col));
		for (k = 0; k < p->nvarying; k++) {
			sb_add(&b, "\x1f", 1);
			sb_puts(&b, series_cell(p, r, p->varying[k]));
		}
		grp[ng].row = r;
		grp[ng++].key = sb_take(&b);
	}
	qsort(grp, ng, sizeof *grp, cmp_grp);
	for (i = 1; i < ng; i++)
		if (strcmp(grp[i].key, grp[i - 1].key) == 0 &&
		    strcmp(series_cell(p, grp[i].row, col), series_cell(p, grp[i - 1].row, col)))
			break;
	for (r = 0; r < ng; r++)
		free(grp[r].key);
	return i < ng;
}

/* Does col take more than one value among the selected rows? */
static int col_varies(const struct plot *p, int col)
{
	const char *first = NULL;
	size_t r;

	for (r = 0; col >= 0 && r < p->c->nrows; r++) {
		if (!row_selected(p, r))
			continue;
		if (!first)
			first = csv_cell(p->c, r, col);
		else if (strcmp(first, csv_cell(p->c, r, col)))
			return 1;
	}
	return 0;
}

/* Which configuration columns split series. */
static int find_varying(struct plot *p, struct vm_diag *d)
{
	const struct csv *c = p->c;
	int keys[CSV_MAX_COLS], pcol = csv_col(c, "policy");
	int mem_col = csv_col(c, "memory_bytes");
	size_t nk = csv_cols_by_role(c, RESULT_KEY, keys), k;
	struct grp *grp;

	if (p->o->series) {
		int *sc = xmalloc((c->ncols + 1) * sizeof *sc);
		size_t nsc;
		int rc = csv_cols_by_name(c, p->o->series, sc, &nsc, d);

		for (k = 0; !rc && k < nsc; k++)
			if (sc[k] != pcol && sc[k] != p->facet_col)
				p->varying[p->nvarying++] = sc[k];
		free(sc);
		return rc;
	}
	/*
	 * The page size always splits when it varies: a frames or memory axis
	 * mixing page sizes would draw a zig-zag.  Other configuration columns
	 * split series when two selected rows of the same policy at the same x
	 * (and the same values of the columns chosen so far) differ in them:
	 * trace, seed, ways...  Columns are taken greedily in file order, so one
	 * that follows from those (LFU's default aging grows with the frames; a
	 * TLB's sets follow from its entries and ways) does not split again.
	 */
	if (p->ps_col >= 0 && p->ps_col != p->facet_col && col_varies(p, p->ps_col))
		p->varying[p->nvarying++] = p->ps_col;
	grp = xmalloc((c->nrows + 1) * sizeof *grp);
	for (k = 0; k < nk; k++) {
		int col = keys[k];

		if (col == p->xcol || col == pcol || col == p->facet_col || col == p->ps_col ||
		    col == mem_col || (p->xcol < 0 && col == p->frames_col) ||
		    (col == p->sets_col && p->ways_col >= 0))
			continue;
		if (col_splits(p, col, grp))
			p->varying[p->nvarying++] = col;
	}
	free(grp);
	return 0;
}

/* The legend text of a varying value. */
void plot_value_label(struct strbuf *lb, const struct plot *p, int col, const char *v)
{
	const char *nm = p->c->cols[col];
	char hs[64];

	if (strcmp(nm, "page_size") == 0) {
		plot_human_size(hs, sizeof hs, v);
		sb_printf(lb, "%s pages", hs);
	} else if (strcmp(nm, "trace") == 0) {
		sb_puts(lb, base_name(v));
	} else if (strcmp(nm, "ways") == 0) {
		if (strcmp(v, "full") == 0)
			sb_puts(lb, "full");
		else
			sb_printf(lb, "%s-way", v);
	} else {
		sb_printf(lb, "%s %s", nm, v);
	}
}

static size_t panel_of(struct plot *p, size_t r)
{
	const char *v = csv_cell(p->c, r, p->facet_col);
	size_t i;

	for (i = 0; i < p->npanels; i++)
		if (strcmp(p->panels[i], v) == 0)
			return i;
	p->panels = xrealloc(p->panels, (p->npanels + 1) * sizeof *p->panels);
	p->panels[p->npanels] = xstrdup(v);
	return p->npanels++;
}

static int series_before(const struct series *a, const struct series *b)
{
	int c;

	if (a->panel != b->panel)
		return a->panel < b->panel;
	if (a->style != b->style)
		return a->style < b->style;
	c = cmp_cfg(a->cfg, b->cfg);
	return c < 0;
}

/* Group the selected rows into series and order them. */
static int plot_series(struct plot *p, struct vm_diag *d)
{
	const struct csv *c = p->c;
	int pcol = csv_col(c, "policy"), other = 0;
	size_t k, r, i, j;
	int rc;

	if ((rc = find_varying(p, d)))
		return rc;
	p->s = xcalloc(c->nrows + 1, sizeof *p->s);
	for (r = 0; r < c->nrows; r++) {
		struct strbuf b = { 0 }, cb = { 0 };
		size_t panel;
		char *key;
		double x, y;

		if (!row_selected(p, r) || row_x(p, r, &x) || row_y(p, r, &y))
			continue;
		panel = p->facet_col >= 0 ? panel_of(p, r) : 0;
		sb_printf(&b, "%zu\x1f", panel);
		sb_puts(&b, csv_cell(c, r, pcol));
		for (k = 0; k < p->nvarying; k++) {
			sb_add(&b, "\x1f", 1);
			sb_puts(&b, series_cell(p, r, p->varying[k]));
			if (k)
				sb_add(&cb, "\x1f", 1);
			sb_puts(&cb, series_cell(p, r, p->varying[k]));
		}
		key = sb_take(&b);
		for (i = 0; i < p->ns && strcmp(p->s[i].key, key); i++)
			;
		if (i == p->ns) {
			struct strbuf lb = { 0 };
			const char *pol = csv_cell(c, r, pcol);
			int st = style_of(pol);

			p->s[i].key = key;
			p->s[i].cfg = sb_take(&cb);
			p->s[i].panel = panel;
			p->s[i].same_as = -1;
			p->s[i].rows = xmalloc((c->nrows + 1) * sizeof *p->s[i].rows);
			if (st >= 0) {
				p->s[i].style = st;
			} else {
				/* one style per unknown policy name */
				for (j = 0; j < i; j++)
					if (p->s[j].style >= (int)NSTYLES &&
					    strcmp(csv_cell(c, p->s[j].rows[0], pcol), pol) == 0)
						break;
				p->s[i].style = j < i ? p->s[j].style : (int)NSTYLES + other++;
			}
			sb_puts(&lb, st >= 0 ? plot_styles[st].label : *pol ? pol : "series");
			for (k = 0; k < p->nvarying; k++) {
				sb_puts(&lb, ", ");
				plot_value_label(&lb, p, p->varying[k], series_cell(p, r, p->varying[k]));
			}
			p->s[i].label = sb_take(&lb);
			p->ns++;
		} else {
			free(key);
			free(sb_take(&cb));
		}
		p->s[i].rows[p->s[i].nrows++] = r;
	}
	if (p->ns == 0)
		return vm_fail(d, VM_ERR_FORMAT, "%s: no rows with a numeric '%s' and %s%s%s",
			       c->name, p->xname, p->o->metric,
			       p->o->only_trace ? " for trace " : "",
			       p->o->only_trace ? p->o->only_trace : "");
	if (p->npanels == 0)
		p->npanels = 1;
	/* drawing order: panel, the style table's order, then the values */
	for (i = 1; i < p->ns; i++) {
		struct series t = p->s[i];

		for (j = i; j > 0 && series_before(&t, &p->s[j - 1]); j--)
			p->s[j] = p->s[j - 1];
		p->s[j] = t;
	}
	for (i = 1; i < p->ns; i++)
		if (p->s[i].style == p->s[i - 1].style && p->s[i].panel == p->s[i - 1].panel)
			p->s[i].sub = p->s[i - 1].sub + 1;
	for (i = p->ns; i-- > 0;)
		p->s[i].nsub = i + 1 < p->ns && p->s[i + 1].style == p->s[i].style &&
			       p->s[i + 1].panel == p->s[i].panel ? p->s[i + 1].nsub : p->s[i].sub + 1;
	/* the points, sorted by x, without repeats; a log axis drops <= 0 */
	for (i = 0; i < p->ns; i++) {
		struct series *s = &p->s[i];
		double *xy = xmalloc(2 * s->nrows * sizeof *xy);
		size_t n = 0;

		for (j = 0; j < s->nrows; j++) {
			double x, y;

			row_x(p, s->rows[j], &x);
			row_y(p, s->rows[j], &y);
			if ((p->o->log_x && x <= 0) || (p->o->log_y && y <= 0) ||
			    !isfinite(x) || !isfinite(y)) {
				p->dropped++;
				continue;
			}
			xy[2 * n] = x;
			xy[2 * n + 1] = y;
			n++;
		}
		qsort(xy, n, 2 * sizeof *xy, cmp_pts);
		s->x = xmalloc((n + 1) * sizeof *s->x);
		s->y = xmalloc((n + 1) * sizeof *s->y);
		s->ms = xmalloc((n + 1) * sizeof *s->ms);
		for (j = 0; j < n; j++) {
			if (s->npts && s->x[s->npts - 1] == xy[2 * j] && s->y[s->npts - 1] == xy[2 * j + 1])
				continue;
			s->x[s->npts] = xy[2 * j];
			s->y[s->npts] = xy[2 * j + 1];
			s->ms[s->npts++] = 1.0;
		}
		free(xy);
	}
	return 0;
}

/* --------------------------------------------------------- the look */

/* c mixed with white (t > 0) or black (t < 0) by |t|. */
static void shade(char out[8], const char *c, double t)
{
	unsigned v = (unsigned)strtoul(c + 1, NULL, 16), rgb[3], i;

	rgb[0] = v >> 16 & 255;
	rgb[1] = v >> 8 & 255;
	rgb[2] = v & 255;
	for (i = 0; i < 3; i++)
		rgb[i] = (unsigned)lround(t >= 0 ? rgb[i] + (255 - rgb[i]) * t : rgb[i] * (1 + t));
	snprintf(out, 8, "#%02X%02X%02X", rgb[0] & 255, rgb[1] & 255, rgb[2] & 255);
}

static int same_point(double a, double b)
{
	return a == b || fabs(a - b) <= 1e-12 * fmax(fabs(a), fabs(b));
}

/* Colours, markers and dashes; nested markers and dashes where series meet. */
static void plot_look(struct plot *p)
{
	size_t i, j, a, b, npol = 0;
	int last = -1;

	for (i = 0; i < p->ns; i++)
		if (p->s[i].style != last) {
			last = p->s[i].style;
			npol++;
		}
	for (i = 0; i < p->ns; i++) {
		struct series *s = &p->s[i];
		const struct plot_style *st = style_at(s->style);

		if (s->nsub > 1 && npol <= p->npanels) {
			/* one policy, several configurations: a sequential palette */
			size_t k = s->nsub <= 1 ? 0
				   : (size_t)lround((double)s->sub * (NSEQ - 1) /
						    (double)(s->nsub - 1 > (int)NSEQ - 1 ? s->nsub - 1
										       : (int)NSEQ - 1));

			if (s->nsub <= (int)NSEQ)
				k = (size_t)s->sub * (NSEQ - 1) / (size_t)(s->nsub - 1 ? s->nsub - 1 : 1);
			snprintf(s->color, sizeof s->color, "%s", seq_palette[k % NSEQ]);
			s->pt = seq_pts[(size_t)s->sub % NSEQPT];
			s->dt = st->dt;
		} else if (s->nsub > 1) {
			/* several policies: the policy's colour, darker to lighter */
			shade(s->color, st->color, -0.35 + 0.7 * s->sub / (s->nsub - 1));
			s->pt = st->pt;
			s->dt = st->dt + s->sub;
		} else {
			snprintf(s->color, sizeof s->color, "%s", st->color);
			s->pt = st->pt;
			s->dt = st->dt;
		}
		s->every = s->npts > MARK_ALL ? (s->npts + MARK_ALL - 1) / MARK_ALL : 1;
	}
	/* the key says when markers are thinned */
	{
		size_t every = 0;
		int all = 1;

		for (i = 0; i < p->ns; i++) {
			every = p->s[i].every > every ? p->s[i].every : every;
			all &= p->s[i].every > 1;
		}
		if (every > 1)
			snprintf(p->mark_note, sizeof p->mark_note, "%s every %zu%s",
				 all ? "markers:" : "long lines:", every,
				 every == 2 ? "nd" : every == 3 ? "rd" : "th");
	}
	/* where series meet: nested markers; equal series dashed and named */
	for (i = 0; i < p->ns; i++) {
		struct series *s = &p->s[i];

		for (j = 0; j < i; j++) {
			struct series *e = &p->s[j];
			size_t shared = 0;

			if (e->panel != s->panel)
				continue;
			for (a = 0, b = 0; a < s->npts && b < e->npts;) {
				if (s->x[a] < e->x[b]) {
					a++;
				} else if (s->x[a] > e->x[b]) {
					b++;
				} else {
					if (same_point(s->y[a], e->y[b])) {
						s->ms[a] *= 0.72;
						shared++;
					}
					a++;
					b++;
				}
			}
			if (s->same_as < 0 && shared == s->npts && shared == e->npts && shared > 1)
				s->same_as = (int)j;
		}
		for (a = 0; a < s->npts; a++)
			if (s->ms[a] < 0.4)
				s->ms[a] = 0.4;
		if (s->same_as >= 0) {
			char *l = s->label;
			struct strbuf b2 = { 0 };

			sb_printf(&b2, "%s (= %s)", l, p->s[s->same_as].label);
			s->label = sb_take(&b2);
			free(l);
			s->dt = s->dt == 2 ? 3 : 2;
		}
	}
	/*
	 * Equal series share one line, so their markers take turns along it:
	 * in a group of m, the k-th marks every (thin x m)-th point from point
	 * k x thin, at full size (undoing the nesting among themselves).  Every
	 * point keeps a marker, and each series shows its own.
	 */
	for (i = 0; i < p->ns; i++) {
		struct series *s = &p->s[i];
		size_t root = s->same_as >= 0 ? (size_t)s->same_as : i, m = 1, rank = 0, thin = s->every;

		for (j = 0; j < p->ns; j++)
			if (j != root && p->s[j].same_as == (int)root) {
				m++;
				rank += j <= i && i != root;
			}
		if (m == 1)
			continue;
		s->every = thin * m;
		s->start = rank * thin;
		for (a = 0; a < s->npts; a++)
			s->ms[a] = fmin(1, fmax(0.4, s->ms[a] / pow(0.72, (double)rank)));
	}
}

/* Graph coordinates (0..1) of a data point. */
static double to_graph(const struct axis *a, double v)
{
	if (a->log)
		return (log(v) - log(a->lo)) / (log(a->hi) - log(a->lo));
	return (v - a->lo) / (a->hi - a->lo);
}

/* Data points (and the lines between them) inside a box of the graph. */
static size_t points_in(const struct plot *p, double x0, double x1, double y0, double y1)
{
	size_t i, j, n = 0, t;

	for (i = 0; i < p->ns; i++) {
		const struct series *s = &p->s[i];

		for (j = 0; j < s->npts; j++) {
			double gx = to_graph(&p->ax, s->x[j]), gy = to_graph(&p->ay, s->y[j]);

			for (t = 0; t < (j + 1 < s->npts ? 8u : 1u); t++) {
				double hx = gx, hy = gy;

				if (t) {
					double f = t / 8.0;

					hx += f * (to_graph(&p->ax, s->x[j + 1]) - gx);
					hy += f * (to_graph(&p->ay, s->y[j + 1]) - gy);
				}
				n += hx >= x0 && hx <= x1 && hy >= y0 && hy <= y1;
			}
		}
	}
	return n;
}

/* Where the key goes, and how large the canvas is. */
static void plot_layout(struct plot *p)
{
	static const struct { const char *pos; double x0, y0; } corners[] = {
		{ "top right", 1, 1 }, { "bottom right", 1, 0 },
		{ "top left", 0, 1 }, { "bottom left", 0, 0 },
	};
	size_t i, maxc = 0, nkey = 0, best = 0, bestn = (size_t)-1, cols;
	double plotw, ploth, fw, fh;

	for (i = 0; i < p->ns; i++) {
		size_t l = strlen(p->s[i].label);

		if (p->s[i].panel == 0)
			nkey++;
		maxc = l > maxc ? l : maxc;
	}
	if (p->mark_note[0]) {
		nkey++;
		maxc = maxc < strlen(p->mark_note) ? strlen(p->mark_note) : maxc;
	}
	/* 7-point text in gnuplot's estimate (measured on its output): a key
	 * line is 11 pt, a character 4.9 pt, the sample and the gaps 0.67 in */
	p->key_w = (double)maxc * 4.9 / 72 + 0.67;
	p->w = 3.5;
	p->h = 2.5;
	if (p->npanels > 1) {
		/* panels of 2 x 1.6 in, 0.25 in apart across and 0.4 in down (a
		 * panel title); 0.75 in on the left and 0.6 in below for the
		 * shared tick labels and axis labels, 0.5 in on top for the title */
		p->ncols = p->npanels <= 3 ? p->npanels : (size_t)ceil(sqrt((double)p->npanels));
		p->nrows_p = (p->npanels + p->ncols - 1) / p->ncols;
		p->w = 0.75 + 2.0 * (double)p->ncols + 0.25 * (double)(p->ncols - 1) + p->key_w + 0.15;
		p->h = 0.6 + 0.6 + 1.6 * (double)p->nrows_p + 0.4 * (double)(p->nrows_p - 1);
		p->key_out = 1;
		return;
	}
	plotw = p->w - 0.9;
	ploth = p->h - 0.98;
	/* one column, else two, in the corner with no data under it (with a
	 * margin for markers and lines near the key's edge) */
	for (cols = 1; cols <= 2 && bestn; cols++) {
		size_t rows = (nkey + cols - 1) / cols;

		fw = ((double)cols * p->key_w - 0.3 * (double)(cols - 1) + 0.15) / plotw;
		fh = ((double)rows * 11.0 / 72 + 0.08 + 0.15) / ploth;
		if (fw >= 0.85 || fh >= 0.92 || (cols == 2 && nkey < 4))
			continue;
		for (i = 0; i < sizeof corners / sizeof corners[0] && bestn; i++) {
			double x0 = corners[i].x0 ? 1 - fw : 0, y0 = corners[i].y0 ? 1 - fh : 0;

			if (points_in(p, x0, x0 + fw, y0, y0 + fh) == 0) {
				bestn = 0;
				best = i;
				p->key_rows = cols > 1 ? rows : 0;
			}
		}
	}
	if (bestn == 0) {
		p->key_pos = corners[best].pos;
	} else {
		/* gnuplot's estimate of text widths cannot lay a key out in
		 * columns below the plot reliably; on the right it can */
		p->key_out = 1;
		p->w += p->key_w + 0.1;
	}
}

static void plot_free(struct plot *p)
{
	size_t i;

	for (i = 0; p->s && i < p->ns; i++) {
		free(p->s[i].key);
		free(p->s[i].label);
		free(p->s[i].cfg);
		free(p->s[i].rows);
		free(p->s[i].x);
		free(p->s[i].y);
		free(p->s[i].ms);
	}
	free(p->s);
	for (i = 0; p->panels && i < p->npanels; i++)
		free(p->panels[i]);
	free(p->panels);
}

/* An output that is the input itself (same device and inode) is refused. */
static int same_file_check(const char *in, const char *const *outs, size_t n,
			   struct vm_diag *d)
{
	struct stat si, so;
	size_t i;

	if (!in || strcmp(in, "-") == 0 || stat(in, &si))
		return 0;
	for (i = 0; i < n; i++)
		if (!stat(outs[i], &so) && so.st_dev == si.st_dev && so.st_ino == si.st_ino)
			return vm_fail(d, VM_ERR_USAGE, "%s is the input %s: refusing to overwrite "
				       "it (the figure writes %s, %s and %s)", outs[i], in,
				       outs[0], outs[1], outs[2]);
	return 0;
}

static void note(const struct plot_opts *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void note(const struct plot_opts *o, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (!o->note)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	o->note(o->note_ctx, buf);
}

/* The labels and the default title. */
static void plot_labels(const struct plot *p, char *title, size_t tn, char *xl, size_t xn,
			char *yl, size_t yn)
{
	const struct plot_opts *o = p->o;
	char what[256], xwhat[256], hs[64];
	const struct col_label *l;
	int tcol = csv_col(p->c, "trace"), one_ps = p->ps_col >= 0;
	size_t i, ntr = 0, r;
	const char *tr = NULL;

	col_label_text(p->yname, yl, yn);
	l = col_label_find(p->yname);
	snprintf(what, sizeof what, "%s", l ? l->label : p->yname);
	for (i = 0; one_ps && i < p->nvarying; i++)
		one_ps = p->varying[i] != p->ps_col;
	if (p->facet_col >= 0 && p->facet_col == p->ps_col)
		one_ps = 0;
	if (strcmp(p->xname, "frames") == 0) {
		if (one_ps) {
			plot_human_size(hs, sizeof hs, csv_cell(p->c, p->s[0].rows[0], p->ps_col));
			snprintf(xl, xn, "memory size (frames of %s pages)", hs);
		} else {
			snprintf(xl, xn, "memory size (page frames)");
		}
		snprintf(xwhat, sizeof xwhat, "memory size");
	} else if (p->xcol < 0 || strcmp(p->xname, "memory_bytes") == 0) {
		snprintf(xl, xn, "memory size");
		snprintf(xwhat, sizeof xwhat, "memory size");
	} else {
		col_label_text(p->xname, xl, xn);
		l = col_label_find(p->xname);
		snprintf(xwhat, sizeof xwhat, "%s", l ? l->label : p->xname);
	}
	if (o->title) {
		snprintf(title, tn, "%s", o->title);
		return;
	}
	for (r = 0; tcol >= 0 && r < p->c->nrows; r++) {
		if (!row_selected(p, r))
			continue;
		if (!tr) {
			tr = csv_cell(p->c, r, tcol);
			ntr = 1;
		} else if (strcmp(tr, csv_cell(p->c, r, tcol))) {
			ntr = 2;
			break;
		}
	}
	if (p->facet_col >= 0 && p->facet_col == tcol)
		snprintf(title, tn, "%.120s vs %.120s, per trace", what, xwhat);
	else if (ntr == 1 && *tr)
		snprintf(title, tn, "%.200s: %.120s vs %.120s", base_name(tr), what, xwhat);
	else if (ntr > 1)
		snprintf(title, tn, "%.120s vs %.120s, several traces", what, xwhat);
	else
		snprintf(title, tn, "%.120s vs %.120s", what, xwhat);
}

int plot_write(const struct csv *c, const struct plot_opts *o, const char *out,
	       struct vm_diag *d)
{
	const struct plot_term *term = NULL;
	const char *ext = strrchr(base_name(out), '.');
	struct plot p;
	struct strbuf b = { 0 }, sdat = { 0 }, sgp = { 0 };
	char *gp = NULL, *dat = NULL, col[128], title[512], xl[256], yl[256];
	const char *outs[3];
	size_t i;
	int rc;

	memset(&p, 0, sizeof p);
	p.c = c;
	p.o = o;
	for (i = 0; ext && i < NTERMS; i++)
		if (strcmp(ext, plot_terms[i].ext) == 0)
			term = &plot_terms[i];
	if (!term)
		return vm_fail(d, VM_ERR_USAGE, "%s: the image type comes from the extension: "
			       ".png, .svg or .pdf", out);
	p.frames_col = csv_col(c, "frames");
	p.ps_col = csv_col(c, "page_size");
	p.sets_col = csv_col(c, "sets");
	p.ways_col = csv_col(c, "ways");
	p.xname = o->x ? o->x : "frames";
	if (strcmp(p.xname, "memory") == 0) {
		p.xcol = csv_col(c, "memory_bytes");
		if (p.xcol < 0 && (p.frames_col < 0 || p.ps_col < 0))
			return vm_fail(d, VM_ERR_USAGE, "%s: --x memory needs a column memory_bytes, "
				       "or frames and page_size", c->name);
		if (p.xcol >= 0)
			p.xname = "memory_bytes";
	} else {
		p.xcol = csv_col(c, p.xname);
		if (p.xcol < 0)
			return vm_fail(d, VM_ERR_USAGE, "%s has no column '%s' for the x axis",
				       c->name, p.xname);
	}
	p.facet_col = -1;
	if (o->facet && (p.facet_col = csv_col(c, o->facet)) < 0)
		return vm_fail(d, VM_ERR_USAGE, "%s has no column '%s' to draw panels by (--facet)",
			       c->name, o->facet);
	for (i = 0; i < sizeof plot_metrics / sizeof plot_metrics[0]; i++)
		if (strcmp(o->metric, plot_metrics[i].name) == 0)
			p.m = &plot_metrics[i];
	p.faults_col = csv_col(c, "faults");
	p.refs_col = csv_col(c, "refs");
	p.hit_col = csv_col(c, "hit_rate");
	if (p.m && !p.m->col) {
		p.ycol = -1;
		if ((p.faults_col < 0 || p.refs_col < 0) && p.hit_col < 0)
			return vm_fail(d, VM_ERR_USAGE, "%s: the miss ratio needs the columns "
				       "faults and refs, or hit_rate", c->name);
		p.yname = p.m->label;
	} else {
		snprintf(col, sizeof col, "%s", p.m ? p.m->col : o->metric);
		for (i = 0; col[i]; i++)
			col[i] = col[i] == '-' ? '_' : col[i];
		p.ycol = csv_col(c, col);
		if (p.ycol < 0)
			return vm_fail(d, VM_ERR_USAGE, "%s has no column '%s' (metrics: hit-rate, "
				       "faults, miss-ratio, or a column name)", c->name, col);
		p.yname = c->cols[p.ycol];
	}
	sb_add(&b, out, (size_t)(ext - out));
	sb_puts(&b, ".gp");
	gp = sb_take(&b);
	sb_add(&b, out, (size_t)(ext - out));
	sb_puts(&b, ".dat");
	dat = sb_take(&b);
	outs[0] = out;
	outs[1] = gp;
	outs[2] = dat;
	if ((rc = same_file_check(c->name, outs, 3, d)))
		goto out;
	rc = plot_series(&p, d);
	if (rc)
		goto out;
	/* the axes, from every point drawn */
	p.ax.kind = p.xcol < 0 ? COL_KIND_BYTES : col_kind_of(p.xname);
	p.ay.kind = col_kind_of(p.yname);
	p.ax.log = o->log_x;
	p.ay.log = o->log_y;
	p.ax.dlo = p.ay.dlo = INFINITY;
	p.ax.dhi = p.ay.dhi = -INFINITY;
	for (i = 0; i < p.ns; i++) {
		size_t j;

		for (j = 0; j < p.s[i].npts; j++) {
			p.ax.dlo = fmin(p.ax.dlo, p.s[i].x[j]);
			p.ax.dhi = fmax(p.ax.dhi, p.s[i].x[j]);
			p.ay.dlo = fmin(p.ay.dlo, p.s[i].y[j]);
			p.ay.dhi = fmax(p.ay.dhi, p.s[i].y[j]);
		}
	}
	if (!isfinite(p.ax.dlo)) {
		rc = vm_fail(d, VM_ERR_FORMAT, "%s: no point can be drawn on a log axis (%zu "
			     "have a zero or negative value)", c->name, p.dropped);
		goto out;
	}
	if (p.dropped)
		note(o, "%s: %zu point%s with a zero or negative value left out (a log axis "
		     "cannot show them)", out, p.dropped, p.dropped == 1 ? "" : "s");
	{
		size_t most = 0, k, n;

		for (k = 0; k < (p.npanels ? p.npanels : 1); k++) {
			for (i = 0, n = 0; i < p.ns; i++)
				n += p.s[i].panel == k;
			most = n > most ? n : most;
		}
		if (most > KEY_WARN)
			note(o, "%s: %zu series in one panel; choose fewer with --trace or --series, "
			     "or one panel per value with --facet COL", out, most);
	}
	/* the key's place decides the room for ticks, and the ticks the key's
	 * corner: lay out with generous ticks, then fit them */
	plot_axis_setup(&p.ax, 0, 9);
	plot_axis_setup(&p.ay, 1, 7);
	plot_look(&p);
	plot_layout(&p);
	plot_axis_fit(&p.ax, 0, (p.npanels > 1 ? 2.0 : p.w - (p.key_out ? p.key_w + 0.1 : 0) - 0.9) * 72);
	plot_axis_fit(&p.ay, 1, (p.npanels > 1 ? 1.6 : p.h - 0.98) * 72);
	plot_labels(&p, title, sizeof title, xl, sizeof xl, yl, sizeof yl);
	plot_build_dat(&p, &sdat);
	plot_build_gp(&p, title, xl, yl, &sgp);
	if ((rc = plot_write_text(dat, &sdat, d)) || (rc = plot_write_text(gp, &sgp, d)))
		goto out;
	if (o->render)
		rc = plot_run_gnuplot(o->gnuplot ? o->gnuplot : "gnuplot", gp, dat, out, term->type, d);
out:
	plot_free(&p);
	free(sdat.s);
	free(sgp.s);
	free(gp);
	free(dat);
	return rc;
}
