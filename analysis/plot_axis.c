/*
 * plot_axis.c - the range and the ticks of a figure's axes.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * gnuplot's own autoscaling pads past what a quantity can be (a hit rate
 * from -0.2 to 1.2, faults down to -200000) and labels ticks with SI
 * prefixes (100m, 10u next to 1M) or 1.4e+06.  So vmsim computes both:
 *
 *   range   rates stay within [0, 1]; counts start at 0 on a linear axis
 *           and at the data on a log axis; padding (5% of the span on y,
 *           3% on x, a little in log space) never crosses those limits;
 *           a log axis keeps at least two powers of ten
 *   ticks   1, 2 or 5 x 10^k apart on a linear axis (powers of two for
 *           bytes), powers of ten on a log y axis, powers of two on a log x
 *           axis; as many as fit, the widest label and a space per gap
 *   labels  counts 0, 250, 2500, 25k, 1.5M; bytes 4 KiB, 2 MiB, 1 GiB;
 *           10^{k} (enhanced text) on a log axis beyond 0.001..10^5
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot_int.h"

/* ---------------------------------------------------------- numbers */

/* "4 KiB" for a size in bytes. */
static void fmt_bytes(char *buf, size_t n, double v)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	int u = 0;

	while (u < 5 && fabs(v) >= 1024) {
		v /= 1024;
		u++;
	}
	snprintf(buf, n, "%.4g %s", v, unit[u]);
}

/* "250k", "1.5M" for a count; plain below 10000. */
static void fmt_count(char *buf, size_t n, double v)
{
	double a = fabs(v);

	if (a < 1e4)
		snprintf(buf, n, "%.6g", v);
	else if (a < 1e6)
		snprintf(buf, n, "%.4gk", v / 1e3);
	else if (a < 1e9)
		snprintf(buf, n, "%.4gM", v / 1e6);
	else
		snprintf(buf, n, "%.4gG", v / 1e9);
}

/* The label of "4096" as a page size: "4 KiB pages". */
void plot_human_size(char *buf, size_t n, const char *bytes)
{
	char *end;
	double v = strtod(bytes, &end);

	if (*end || !*bytes)
		snprintf(buf, n, "%s", bytes);
	else
		fmt_bytes(buf, n, v);
}

static void tick_label(const struct axis *a, double v, char *buf, size_t n)
{
	if (a->kind == COL_KIND_BYTES) {
		fmt_bytes(buf, n, v);
	} else if (a->log && a->enhanced) {
		snprintf(buf, n, "10^{%d}", (int)lround(log10(v)));
	} else if (a->kind == COL_KIND_COUNT || a->kind == COL_KIND_SIZE) {
		fmt_count(buf, n, v);
	} else {
		snprintf(buf, n, "%.6g", fabs(v) < 1e-12 ? 0.0 : v);
	}
}

static void add_tick(struct axis *a, double v)
{
	if (a->ntick < MAX_TICKS) {
		a->tick[a->ntick] = v;
		tick_label(a, v, a->tlabel[a->ntick], sizeof a->tlabel[0]);
		a->ntick++;
	}
}

/*
 * The range and the ticks of an axis from the data's extent, at most maxt
 * ticks.  y = 1 for the metric axis (padding at the top; counts from 0).
 */
void plot_axis_setup(struct axis *a, int y, int maxt)
{
	double lo = a->dlo, hi = a->dhi, span = hi - lo, step, v;
	int k, k0, k1, s;

	a->ntick = 0;
	a->enhanced = 0;
	if (a->log) {
		int base2 = !y || a->kind == COL_KIND_BYTES;

		if (base2) {
			double f = span > 0 ? pow(hi / lo, 0.03) : 2;

			a->lo = lo / f;
			a->hi = hi * f;
			k0 = (int)ceil(log2(a->lo) - 1e-9);
			k1 = (int)floor(log2(a->hi) + 1e-9);
			s = 1;
			while ((k1 - k0) / s + 1 > maxt)
				s++;
			for (k = k0; k <= k1; k++)
				if (((k % s) + s) % s == 0)
					add_tick(a, ldexp(1, k));
			return;
		}
		/* start at the data, padded a little; at least two powers of 10 */
		{
			double f = span > 0 ? fmin(1.3, fmax(1.1, pow(hi / lo, 0.02))) : 2;

			a->lo = lo / f;
			a->hi = hi * f;
		}
		if (a->kind == COL_KIND_RATE && a->hi > 1)
			a->hi = 1;
		k0 = (int)ceil(log10(a->lo) - 1e-9);
		k1 = (int)floor(log10(a->hi) + 1e-9);
		if (k1 - k0 < 1) {
			k0 = (int)floor(log10(lo) + 1e-9);
			k1 = (int)ceil(log10(hi) - 1e-9);
			if (k1 == k0)
				k1++;
			if (a->kind == COL_KIND_RATE && k1 > 0) {
				k1 = 0;
				k0 = k0 < 0 ? k0 : -1;
			}
			a->lo = fmin(a->lo, pow(10, k0));
			a->hi = fmax(a->hi, pow(10, k1));
			if (a->kind == COL_KIND_RATE && a->hi > 1)
				a->hi = 1;
		}
		a->enhanced = pow(10, k0) < 1e-3 || pow(10, k1) > 1e5;
		s = 1;
		while ((k1 - k0) / s + 1 > maxt)
			s++;
		for (k = k0; k <= k1; k++)
			if (((k - k0) % s) == 0)
				add_tick(a, pow(10, k));
		return;
	}
	/* linear */
	if (y) {
		double pad = span > 0 ? 0.05 * span : hi != 0 ? 0.05 * fabs(hi) : 1;

		switch (a->kind) {
		case COL_KIND_COUNT:
		case COL_KIND_BYTES:
		case COL_KIND_SIZE:
			a->lo = lo >= 0 ? 0 : lo - pad;
			a->hi = hi + pad;
			if (a->hi <= a->lo)
				a->hi = a->lo + 1;
			break;
		case COL_KIND_RATE:
			a->lo = lo - pad < 0 ? 0 : lo - pad;
			a->hi = hi + pad > 1 ? 1 : hi + pad;
			if (a->hi <= a->lo) {
				a->lo = 0;
				a->hi = 1;
			}
			break;
		default:
			a->lo = lo >= 0 && lo - pad < 0 ? 0 : lo - pad;
			a->hi = hi + pad;
			break;
		}
	} else {
		double pad = span > 0 ? 0.03 * span : 1;

		a->lo = lo >= 0 && lo - pad < 0 ? 0 : lo - pad;
		a->hi = hi + pad;
	}
	span = a->hi - a->lo;
	if (a->kind == COL_KIND_BYTES) {
		step = ldexp(1, (int)ceil(log2(span / (maxt - 1))));
	} else {
		double raw = span / (maxt - 1), mag = pow(10, floor(log10(raw))), r = raw / mag;

		step = (r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10) * mag;
		if ((a->kind == COL_KIND_SIZE || a->kind == COL_KIND_COUNT) && step < 1)
			step = 1;
	}
	for (v = ceil(a->lo / step - 1e-9) * step; v <= a->hi + 1e-9 * step; v += step)
		add_tick(a, fabs(v) < 1e-9 * step ? 0 : v);
}

/* As many ticks as fit in room points of axis (labels of 7-point text). */
void plot_axis_fit(struct axis *a, int y, double room)
{
	int maxt;

	for (maxt = y ? 7 : 9; maxt >= 2; maxt--) {
		double widest = 0, need;
		size_t i;

		plot_axis_setup(a, y, maxt);
		for (i = 0; i < a->ntick; i++)
			widest = fmax(widest, (double)strlen(a->tlabel[i]) * 4.6);
		/* ticks are evenly spaced (on a log axis, powers are): each gap
		 * holds the widest label and a space */
		need = y ? (double)a->ntick * 11 : (double)(a->ntick ? a->ntick - 1 : 0) * (widest + 8);
		if (need <= room)
			return;
	}
}
