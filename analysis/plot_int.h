/*
 * plot_int.h - what plot.c (series, axes, looks, layout) and plot_gp.c (the
 * gnuplot script, quoting, running gnuplot) share.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef VMSIM_PLOT_INT_H
#define VMSIM_PLOT_INT_H

#include "analysis_int.h"

#define MARK_ALL 30  /* markers on every point up to this many per series */
#define KEY_WARN 12  /* more series than this in a panel: a note suggests fewer */
#define MAX_TICKS 64 /* ticks on one axis */

struct plot_metric;

struct series {
	char *key;          /* the varying configuration, joined */
	char *label;        /* legend text */
	char *cfg;          /* the varying values, "\x1f"-joined, for ordering */
	size_t panel;       /* facet panel */
	int style;          /* index into plot_styles, or NSTYLES + k for plot_other */
	int sub;            /* 0 for a policy's first series, 1 for its second, ... */
	int nsub;           /* series of its policy (in its panel) */
	size_t *rows;       /* rows of the CSV */
	size_t nrows;       /* how many */
	double *x, *y;      /* the points, sorted by x */
	double *ms;         /* marker scale per point */
	size_t npts;        /* how many */
	char color[8];      /* "#RRGGBB" */
	int pt, dt;         /* point and dash type */
	int same_as;        /* index of an earlier equal series, or -1 */
	size_t every;       /* marker on every n-th point */
	size_t start;       /* from this point (equal series take turns) */
};

struct axis {
	enum col_kind kind;         /* what it shows */
	int log;                    /* logarithmic */
	double lo, hi;              /* range */
	double dlo, dhi;            /* the data's extent */
	double tick[MAX_TICKS];     /* tick positions */
	char tlabel[MAX_TICKS][24]; /* and their labels */
	size_t ntick;               /* how many */
	int enhanced;               /* labels use enhanced text (10^{k}) */
};

struct plot {
	const struct csv *c;       /* the data */
	const struct plot_opts *o; /* what to draw */
	int xcol;                  /* x column, -1 for memory from frames x page_size */
	int frames_col, ps_col;    /* for x = memory */
	int ycol;                  /* metric column, -1 for miss-ratio */
	int faults_col, refs_col, hit_col; /* for miss-ratio */
	int sets_col, ways_col;    /* a TLB's: one set is "full" */
	int facet_col;             /* panels, or -1 */
	const char *xname;         /* the x column's name, "memory" if derived */
	const char *yname;         /* the metric's column name for labels */
	const struct plot_metric *m; /* known metric, or NULL */
	int varying[CSV_MAX_COLS]; /* key columns that vary (policy excluded) */
	size_t nvarying;           /* how many */
	struct series *s;          /* the series, in drawing order */
	size_t ns;                 /* how many */
	char **panels;             /* facet values, in order */
	size_t npanels;            /* how many (1 without a facet) */
	struct axis ax, ay;        /* the axes */
	size_t dropped;            /* points a log axis could not show */
	int key_out;               /* the key goes outside, on the right */
	size_t key_rows;           /* inside, in two columns of this many rows; 0: one */
	const char *key_pos;       /* inside: "top right", ... */
	double key_w;              /* the key's estimated width, inches */
	double w, h;               /* canvas, inches */
	size_t ncols, nrows_p;     /* facet layout */
	char mark_note[64];        /* "markers: every 3rd", or "" */
};

/* plot_axis.c */
/* Range and ticks of a from its data extent (dlo, dhi), at most maxt ticks;
 * y = 1 for the metric axis. */
void plot_axis_setup(struct axis *a, int y, int maxt);
/* As many ticks as fit in room points of axis. */
void plot_axis_fit(struct axis *a, int y, double room);
/* "4 KiB" for a byte count written in decimal (the text itself if not). */
void plot_human_size(char *buf, size_t n, const char *bytes);

/* plot.c: the legend text of value v of configuration column col */
void plot_value_label(struct strbuf *lb, const struct plot *p, int col, const char *v);

/* plot_gp.c */
/* The .dat: one block per series, "x y marker-scale". */
void plot_build_dat(const struct plot *p, struct strbuf *b);
/* The .gp: it names no file but through the variables outfile, datafile. */
void plot_build_gp(const struct plot *p, const char *title, const char *xlabel,
		   const char *ylabel, struct strbuf *b);
/* b's text into path, atomically. */
int plot_write_text(const char *path, const struct strbuf *b, struct vm_diag *d);
/* Run gnuplot on gp, writing the image (imgtype) to out through a temporary. */
int plot_run_gnuplot(const char *prog, const char *gp, const char *dat, const char *out,
		     const char *imgtype, struct vm_diag *d);

#endif
