/*
 * plot.c - figures from results files, drawn by gnuplot.
 *
 * A figure is one metric (hit rate, faults, miss ratio, or any numeric
 * column) against one x column (memory size in frames unless told), with one
 * series per policy, and per value of any other configuration column that
 * varies among the rows (page size, trace, seed...).  We never draw pixels:
 * we write two plain files a user can edit and rerun, and run gnuplot on them.
 *
 *   FIG.dat   one block per series, separated by two blank lines (gnuplot's
 *             "index"), each line "x y", sorted by x, with a comment naming it
 *   FIG.gp    the script: terminal from the extension (pngcairo, svg,
 *             pdfcairo), labels with units, legend, one fixed line style per
 *             policy, and `plot datafile index i ...` per series
 *   FIG.png   (or .svg, .pdf) what gnuplot makes of them
 *
 * Styles are a fixed table keyed by policy, so a policy looks the same in
 * every figure vmsim draws: its colour (the Okabe-Ito palette, readable by
 * colour-blind readers and in greyscale by its marker) and its marker.  OPT
 * is a bound, not a policy one can build, so it is dashed.  Series of the
 * same policy that differ in something else (page size, say) keep the
 * policy's colour and marker and change the dash pattern.  A curve of
 * hundreds of sizes gets a marker every n-th point (pointinterval), about a
 * dozen per line, so markers identify lines without hiding them.
 *
 * Sizes are chosen for a paper column: the PDF is 3.5 x 2.5 inches with
 * 8-point text, the PNG 1050 x 750 pixels with proportionally large text
 * (3.5 inches at 300 dpi), the SVG 525 x 375 with 10-pixel text.
 *
 * Atomicity: .gp and .dat go through outfile_* (temporary name, rename), and
 * gnuplot writes the image to a temporary name we rename when it exits
 * successfully with a non-empty file (the name is registered with
 * vm_temp_register, so a signal meanwhile removes it); the script reads the
 * names from the variables outfile and datafile, which default to the final
 * names, so `gnuplot FIG.gp` by hand makes the same image.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "analysis_int.h"
#include "policy.h"

extern char **environ;

/* The fixed look of each policy, in registry order. */
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
	{ NULL, NULL, "#F0E442", 8, 1 },  /* yellow, open triangle */
	{ NULL, NULL, "#882255", 12, 1 }, /* wine, open diamond */
};
#define NOTHER (sizeof plot_other / sizeof plot_other[0])

/* How the image types map to gnuplot terminals. */
static const struct plot_term {
	const char *ext;      /* file extension */
	const char *terminal; /* set terminal ... */
} plot_terms[] = {
	{ ".png", "pngcairo size 1050,750 noenhanced font 'Sans,21' linewidth 2.5 rounded" },
	{ ".svg", "svg size 525,375 dynamic noenhanced font 'Sans,10' linewidth 1.2 rounded" },
	{ ".pdf", "pdfcairo size 3.5in,2.5in noenhanced font 'Sans,8' linewidth 1.5 rounded" },
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
	const char *ylabel;   /* axis label with units */
	const char *what;     /* for titles */
	int rising;           /* grows with memory: legend at the bottom */
} plot_metrics[] = {
	{ "hit-rate", "hit_rate", "hit rate (hits / references)", "hit rate", 1 },
	{ "faults", "faults", "page faults (count)", "page faults", 0 },
	{ "miss-ratio", NULL, "miss ratio (faults / references)", "miss ratio", 0 },
};

struct series {
	char *key;          /* the varying configuration, joined */
	char *label;        /* legend text */
	int style;          /* index into plot_styles, or NSTYLES + k for plot_other */
	int sub;            /* 0 for a policy's first series, 1 for its second, ... */
	size_t *rows;       /* rows of the CSV */
	size_t nrows;       /* how many */
	double *x, *y;      /* the points, sorted by x */
	size_t npts;        /* how many */
};

struct plot {
	const struct csv *c;       /* the data */
	const struct plot_opts *o; /* what to draw */
	int xcol;                  /* x column */
	int ycol;                  /* metric column, -1 for miss-ratio */
	int faults_col, refs_col, hit_col; /* for miss-ratio */
	const struct plot_metric *m; /* known metric, or NULL */
	int varying[CSV_MAX_COLS]; /* key columns that vary (policy excluded) */
	size_t nvarying;           /* how many */
	struct series *s;          /* the series, in drawing order */
	size_t ns;                 /* how many */
};

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* "4 KiB" for a page size in bytes. */
static void human_size(char *buf, size_t n, const char *bytes)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB" };
	char *end;
	unsigned long long v = strtoull(bytes, &end, 10);
	int u = 0;

	if (*end || !*bytes) {
		snprintf(buf, n, "%s", bytes);
		return;
	}
	while (u < 3 && v >= 1024 && v % 1024 == 0) {
		v /= 1024;
		u++;
	}
	snprintf(buf, n, "%llu %s", v, unit[u]);
}

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

/* Group the selected rows into series and order them. */
static int plot_series(struct plot *p, struct vm_diag *d)
{
	const struct csv *c = p->c;
	int keys[CSV_MAX_COLS], pcol = csv_col(c, "policy");
	size_t nk = csv_cols_by_role(c, RESULT_KEY, keys), k, r, i, j, ng = 0;
	struct grp *grp;
	int other = 0;

	/*
	 * A configuration column splits series when two selected rows of the
	 * same policy at the same x (and the same values of the columns chosen
	 * so far) differ in it: page_size, trace, seed...  Columns are taken
	 * greedily in file order, so one that follows from those (LFU's default
	 * aging period grows with the frames; a TLB's sets follow from its
	 * entries and ways) does not split again.  --series names them instead.
	 */
	if (p->o->series) {
		int *sc = xmalloc((c->ncols + 1) * sizeof *sc);
		size_t nsc;
		int rc = csv_cols_by_name(c, p->o->series, sc, &nsc, d);

		for (k = 0; !rc && k < nsc; k++)
			if (sc[k] != pcol)
				p->varying[p->nvarying++] = sc[k];
		free(sc);
		if (rc)
			return rc;
	} else {
		grp = xmalloc((c->nrows + 1) * sizeof *grp);
		for (k = 0; k < nk; k++) {
			int *cols = xmalloc((p->nvarying + 2) * sizeof *cols);

			if (keys[k] == p->xcol || keys[k] == pcol) {
				free(cols);
				continue;
			}
			/* no policy column: csv_cell gives "" for column -1 */
			cols[0] = pcol;
			cols[1] = p->xcol;
			memcpy(cols + 2, p->varying, p->nvarying * sizeof *cols);
			for (r = 0, ng = 0; r < c->nrows; r++) {
				if (!row_selected(p, r))
					continue;
				grp[ng].row = r;
				grp[ng++].key = csv_row_key(c, r, cols, p->nvarying + 2, "\x1f", 0);
			}
			free(cols);
			qsort(grp, ng, sizeof *grp, cmp_grp);
			for (i = 1; i < ng; i++)
				if (strcmp(grp[i].key, grp[i - 1].key) == 0 &&
				    strcmp(csv_cell(c, grp[i].row, keys[k]),
					   csv_cell(c, grp[i - 1].row, keys[k])) != 0)
					break;
			if (i < ng)
				p->varying[p->nvarying++] = keys[k];
			for (i = 0; i < ng; i++)
				free(grp[i].key);
		}
		free(grp);
	}
	p->s = xcalloc(c->nrows + 1, sizeof *p->s);
	for (r = 0; r < c->nrows; r++) {
		char *key;
		double x, y;

		if (!row_selected(p, r) || csv_cell_f64(c, r, p->xcol, &x) || row_y(p, r, &y))
			continue;
		{
			struct strbuf b = { 0 };

			sb_puts(&b, csv_cell(c, r, pcol));
			sb_add(&b, "\x1f", 1);
			for (k = 0; k < p->nvarying; k++) {
				sb_puts(&b, csv_cell(c, r, p->varying[k]));
				sb_add(&b, "\x1f", 1);
			}
			key = sb_take(&b);
		}
		for (i = 0; i < p->ns && strcmp(p->s[i].key, key); i++)
			;
		if (i == p->ns) {
			struct strbuf lb = { 0 };
			const char *pol = csv_cell(c, r, pcol);
			int st = style_of(pol);
			char hs[64];

			p->s[i].key = key;
			p->s[i].rows = xmalloc((c->nrows + 1) * sizeof *p->s[i].rows);
			p->s[i].style = st >= 0 ? st : (int)NSTYLES + other++;
			sb_puts(&lb, st >= 0 ? plot_styles[st].label : *pol ? pol : "series");
			for (k = 0; k < p->nvarying; k++) {
				const char *nm = c->cols[p->varying[k]];
				const char *v = csv_cell(c, r, p->varying[k]);

				sb_puts(&lb, ", ");
				if (strcmp(nm, "page_size") == 0) {
					human_size(hs, sizeof hs, v);
					sb_printf(&lb, "%s pages", hs);
				} else if (strcmp(nm, "trace") == 0) {
					sb_puts(&lb, base_name(v));
				} else {
					sb_printf(&lb, "%s %s", nm, v);
				}
			}
			p->s[i].label = sb_take(&lb);
			p->ns++;
		} else {
			free(key);
		}
		p->s[i].rows[p->s[i].nrows++] = r;
	}
	if (p->ns == 0)
		return vm_fail(d, VM_ERR_FORMAT, "%s: no rows with a numeric '%s' and %s%s%s",
			       c->name, c->cols[p->xcol], p->o->metric,
			       p->o->only_trace ? " for trace " : "",
			       p->o->only_trace ? p->o->only_trace : "");
	/* drawing order: the style table's order, then first appearance;
	 * a policy's later series get the next dash patterns */
	for (i = 1; i < p->ns; i++) {
		struct series t = p->s[i];

		for (j = i; j > 0 && p->s[j - 1].style > t.style; j--)
			p->s[j] = p->s[j - 1];
		p->s[j] = t;
	}
	for (i = 1; i < p->ns; i++)
		if (p->s[i].style == p->s[i - 1].style)
			p->s[i].sub = p->s[i - 1].sub + 1;
	/* the points, sorted by x */
	for (i = 0; i < p->ns; i++) {
		struct series *s = &p->s[i];
		double *xy = xmalloc(2 * s->nrows * sizeof *xy);

		for (j = 0; j < s->nrows; j++) {
			csv_cell_f64(c, s->rows[j], p->xcol, &xy[2 * j]);
			row_y(p, s->rows[j], &xy[2 * j + 1]);
		}
		qsort(xy, s->nrows, 2 * sizeof *xy, cmp_pts);
		s->x = xmalloc((s->nrows + 1) * sizeof *s->x);
		s->y = xmalloc((s->nrows + 1) * sizeof *s->y);
		for (j = 0; j < s->nrows; j++) {
			s->x[j] = xy[2 * j];
			s->y[j] = xy[2 * j + 1];
		}
		s->npts = s->nrows;
		free(xy);
	}
	return 0;
}

static void plot_free(struct plot *p)
{
	size_t i;

	for (i = 0; p->s && i < p->ns; i++) {
		free(p->s[i].key);
		free(p->s[i].label);
		free(p->s[i].rows);
		free(p->s[i].x);
		free(p->s[i].y);
	}
	free(p->s);
}

/* s as a gnuplot single-quoted string ('' is a quote; no other escapes). */
static void gp_str(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("''", f);
		else if (*s == '\n' || *s == '\r')
			fputc(' ', f);
		else
			fputc(*s, f);
	}
	fputc('\'', f);
}

static int write_dat(const struct plot *p, const char *path, struct vm_diag *d)
{
	struct outfile of;
	size_t i, j;
	int rc;

	if ((rc = outfile_open(&of, path, d)))
		return rc;
	fprintf(of.f, "# vmsim %s plot data: columns %s %s; one block per series\n",
		VMSIM_VERSION, p->c->cols[p->xcol], p->o->metric);
	for (i = 0; i < p->ns; i++) {
		fprintf(of.f, "%s# index %zu: %s\n", i ? "\n\n" : "", i, p->s[i].label);
		for (j = 0; j < p->s[i].npts; j++)
			fprintf(of.f, "%.17g %.17g\n", p->s[i].x[j], p->s[i].y[j]);
	}
	if (ferror(of.f)) {
		outfile_abort(&of);
		return vm_fail(d, VM_ERR_IO, "%s: write failed", path);
	}
	return outfile_commit(&of, d);
}

static int write_gp(const struct plot *p, const char *path, const char *dat,
		    const char *img, const struct plot_term *term, struct vm_diag *d)
{
	const struct plot_opts *o = p->o;
	const char *xname = p->c->cols[p->xcol];
	char title[512], xlabel[256], hs[64];
	struct outfile of;
	size_t i;
	int rc, ps_col = csv_col(p->c, "page_size");

	/* the x label: memory size with its unit when the page size is one */
	if (strcmp(xname, "frames") == 0) {
		int one_ps = ps_col >= 0;

		for (i = 0; one_ps && i < p->nvarying; i++)
			one_ps = p->varying[i] != ps_col;
		if (one_ps && p->s[0].nrows) {
			human_size(hs, sizeof hs, csv_cell(p->c, p->s[0].rows[0], ps_col));
			snprintf(xlabel, sizeof xlabel, "memory size (frames of %s pages)", hs);
		} else {
			snprintf(xlabel, sizeof xlabel, "memory size (page frames)");
		}
	} else {
		snprintf(xlabel, sizeof xlabel, "%s", xname);
	}
	if (o->title) {
		snprintf(title, sizeof title, "%s", o->title);
	} else {
		const char *tr = o->only_trace ? o->only_trace
			: csv_col(p->c, "trace") >= 0 && p->s[0].nrows
			? csv_cell(p->c, p->s[0].rows[0], csv_col(p->c, "trace")) : "";
		int many = 0;

		for (i = 0; i < p->nvarying; i++)
			many |= strcmp(p->c->cols[p->varying[i]], "trace") == 0;
		snprintf(title, sizeof title, "%s%s%s vs %s", many ? "" : base_name(tr),
			 many || !*tr ? "" : ": ", p->m ? p->m->what : o->metric,
			 strcmp(xname, "frames") == 0 ? "memory size" : xname);
	}
	if ((rc = outfile_open(&of, path, d)))
		return rc;
	fprintf(of.f, "# vmsim %s figure: %s\n", VMSIM_VERSION, title);
	fprintf(of.f, "# The data is in %s: one block per series (gnuplot 'index'),\n"
		"# columns %s and %s.  Restyle freely, then: gnuplot %s\n",
		base_name(dat), xname, o->metric, base_name(path));
	fputs("if (!exists(\"outfile\")) outfile = ", of.f);
	gp_str(of.f, base_name(img));
	fputs("\nif (!exists(\"datafile\")) datafile = ", of.f);
	gp_str(of.f, base_name(dat));
	fprintf(of.f, "\nset terminal %s\nset output outfile\n", term->terminal);
	fputs("set title ", of.f);
	gp_str(of.f, title);
	fputs("\nset xlabel ", of.f);
	gp_str(of.f, xlabel);
	fputs("\nset ylabel ", of.f);
	gp_str(of.f, p->m ? p->m->ylabel : o->metric);
	fprintf(of.f, "\nset key %s right box opaque samplen 2.5 spacing 1.1\n",
		p->m && p->m->rising ? "bottom" : "top");
	fputs("set grid lc rgb '#dddddd' lt 1\nset border 3\nset tics nomirror out\n"
	      "set pointsize 1.6\nset offsets 0, 0, graph 0.05, graph 0.05\n",
	      of.f);
	if (o->log_x)
		fputs("set logscale x 2\nset format x '%g'\n", of.f);
	if (o->log_y)
		fputs("set logscale y 10\nset format y '%.0s%c'\n", of.f);
	for (i = 0; i < p->ns; i++) {
		const struct plot_style *st = style_at(p->s[i].style);

		fprintf(of.f, "set style line %zu lc rgb '%s' lw 1.4 pt %d dt %d\n", i + 1,
			st->color, st->pt, st->dt + p->s[i].sub);
	}
	fputs("plot \\\n", of.f);
	for (i = 0; i < p->ns; i++) {
		size_t pi = (p->s[i].npts + 11) / 12;

		fprintf(of.f, "    datafile index %zu using 1:2 with linespoints ls %zu pi %zu title ",
			i, i + 1, pi ? pi : 1);
		gp_str(of.f, p->s[i].label);
		fputs(i + 1 < p->ns ? ", \\\n" : "\n", of.f);
	}
	if (ferror(of.f)) {
		outfile_abort(&of);
		return vm_fail(d, VM_ERR_IO, "%s: write failed", path);
	}
	return outfile_commit(&of, d);
}

static void sb_gp_str(struct strbuf *b, const char *s)
{
	sb_puts(b, "'");
	for (; *s; s++) {
		if (*s == '\'')
			sb_puts(b, "''");
		else
			sb_add(b, s, 1);
	}
	sb_puts(b, "'");
}

/* Run gnuplot on gp, writing the image to out through a temporary name. */
static int run_gnuplot(const char *prog, const char *gp, const char *dat, const char *out,
		       struct vm_diag *d)
{
	posix_spawn_file_actions_t fa;
	struct strbuf e = { 0 }, err = { 0 };
	char *tmp, *cmd, *argv[5], buf[4096];
	int pfd[2], fd, status = 0, rc = 0;
	struct stat sb;
	size_t n;
	pid_t pid;
	ssize_t got;

	n = strlen(out) + sizeof ".tmp.XXXXXX";
	tmp = xmalloc(n);
	snprintf(tmp, n, "%s.tmp.XXXXXX", out);
	fd = mkstemp(tmp);
	if (fd < 0) {
		rc = vm_fail(d, VM_ERR_IO, "%s: cannot create: %s", out, strerror(errno));
		free(tmp);
		return rc;
	}
	vm_temp_register(tmp); /* a signal while gnuplot draws must not leave it */
	fchmod(fd, 0644); /* an ordinary file, like every other vmsim output */
	close(fd);
	/* outfile and datafile as gnuplot strings */
	sb_puts(&e, "outfile = ");
	sb_gp_str(&e, tmp);
	sb_puts(&e, "; datafile = ");
	sb_gp_str(&e, dat);
	cmd = sb_take(&e);
	argv[0] = (char *)prog;
	argv[1] = (char *)"-e";
	argv[2] = cmd;
	argv[3] = (char *)gp;
	argv[4] = NULL;
	if (pipe(pfd)) {
		rc = vm_fail(d, VM_ERR_IO, "pipe: %s", strerror(errno));
		goto out;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], 2);
	posix_spawn_file_actions_addclose(&fa, pfd[0]);
	posix_spawn_file_actions_addclose(&fa, pfd[1]);
	rc = posix_spawnp(&pid, prog, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pfd[1]);
	if (rc) {
		close(pfd[0]);
		rc = vm_fail(d, VM_ERR_IO, "cannot run %s: %s (install gnuplot-nox); %s and %s "
			     "are written: run 'gnuplot %s' where gnuplot is installed",
			     prog, strerror(rc), gp, dat, gp);
		goto out;
	}
	while ((got = read(pfd[0], buf, sizeof buf)) != 0) {
		if (got < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (err.n < 2000)
			sb_add(&err, buf, (size_t)got);
	}
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		char *m = err.s ? err.s : (char *)"";

		while (*m == '\n' || *m == ' ')
			m++;
		rc = vm_fail(d, VM_ERR_IO, "%s failed on %s (%s %d): %.600s", prog, gp,
			     WIFEXITED(status) ? "exit status" : "signal",
			     WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), m);
		goto out;
	}
	if (stat(tmp, &sb) || sb.st_size == 0) {
		rc = vm_fail(d, VM_ERR_IO, "%s made no image from %s", prog, gp);
		goto out;
	}
	if (rename(tmp, out)) {
		rc = vm_fail(d, VM_ERR_IO, "%s: cannot write: %s", out, strerror(errno));
		goto out;
	}
	vm_temp_unregister(tmp);
	free(tmp);
	tmp = NULL;
out:
	if (tmp) {
		unlink(tmp);
		vm_temp_unregister(tmp);
		free(tmp);
	}
	free(cmd);
	free(err.s);
	return rc;
}

int plot_write(const struct csv *c, const struct plot_opts *o, const char *out,
	       struct vm_diag *d)
{
	const struct plot_term *term = NULL;
	const char *ext = strrchr(base_name(out), '.');
	struct plot p;
	struct strbuf b = { 0 };
	char *gp = NULL, *dat = NULL, col[128];
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
	p.xcol = csv_col(c, o->x ? o->x : "frames");
	if (p.xcol < 0)
		return vm_fail(d, VM_ERR_USAGE, "%s has no column '%s' for the x axis", c->name,
			       o->x ? o->x : "frames");
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
	} else {
		snprintf(col, sizeof col, "%s", p.m ? p.m->col : o->metric);
		for (i = 0; col[i]; i++)
			col[i] = col[i] == '-' ? '_' : col[i];
		p.ycol = csv_col(c, col);
		if (p.ycol < 0)
			return vm_fail(d, VM_ERR_USAGE, "%s has no column '%s' (metrics: hit-rate, "
				       "faults, miss-ratio, or a column name)", c->name, col);
	}
	rc = plot_series(&p, d);
	if (rc)
		goto out;
	sb_add(&b, out, (size_t)(ext - out));
	sb_puts(&b, ".gp");
	gp = sb_take(&b);
	sb_add(&b, out, (size_t)(ext - out));
	sb_puts(&b, ".dat");
	dat = sb_take(&b);
	if ((rc = write_dat(&p, dat, d)) || (rc = write_gp(&p, gp, dat, out, term, d)))
		goto out;
	if (o->render)
		rc = run_gnuplot(o->gnuplot ? o->gnuplot : "gnuplot", gp, dat, out, d);
out:
	plot_free(&p);
	free(gp);
	free(dat);
	return rc;
}
