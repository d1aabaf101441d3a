/*
 * plot_gp.c - the gnuplot side of a figure: the .dat and .gp that plot.c's
 * series, axes and layout become, and running gnuplot on them.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Physical sizes.  The figure is 3.5 x 2.5 inches (one paper column, wider
 * with a key outside or with panels) in every terminal; text is 7 pt, a
 * data line 1.25 pt, a marker about 4.5 pt.  Each terminal is calibrated so
 * that `lw 1` is one point and `ps 1` the same physical size: pdfcairo
 * draws lw 1 as 0.5 pt, scales fonts by 0.5 unless told and draws shorter
 * dashes; pngcairo at 1050 x 750 pixels is 300 dpi, so its fonts and lines
 * are scaled by 300/72; the svg terminal has no pointscale, so it sets the
 * point size.  (Measured by rasterising the PDF at 300 dpi with pdftoppm:
 * markers, lines, dashes and text within a pixel or two of the PNG.)
 *
 * One script for every image type: the terminal comes from the variable
 * imgtype, so x.png and x.pdf share x.gp and x.dat.  The script names no
 * file but through the variables outfile and datafile, whose defaults come
 * from its own name (ARG0); vmsim passes them with -e.
 *
 * Strings: every one that enters a script (titles, keys, labels, tick
 * labels, the file names passed with -e) goes through gp_quote(), which
 * writes a double-quoted gnuplot string with every byte that is not
 * printable ASCII, and the quote, the backslash, the backquote (gnuplot
 * substitutes `cmd` inside double quotes) and '@' (macros), as an octal
 * escape.  It cannot emit a raw newline or control character, so no name
 * can end a string and start a command such as system("...").
 *
 * Atomicity: .gp and .dat go through outfile_* (temporary name, rename), and
 * gnuplot writes the image to a temporary name we rename when it exits
 * successfully with a non-empty file (registered with vm_temp_register, so a
 * signal meanwhile removes it).
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "plot_int.h"

extern char **environ;

/* ------------------------------------------------------------ quoting */

/*
 * s as a gnuplot double-quoted string.  Printable ASCII is copied, except
 * '"', '\\', '`' (gnuplot substitutes `cmd` inside double quotes) and '@'
 * (macros); those and every other byte (control characters, newlines,
 * bytes >= 0x80) are written as \ooo, which gnuplot decodes back to the
 * same byte.  So the script text is printable ASCII, one line per command,
 * whatever s holds.
 */
static void gp_quote(struct strbuf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	sb_puts(b, "\"");
	for (; *p; p++) {
		if (*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\' && *p != '`' && *p != '@')
			sb_add(b, (const char *)p, 1);
		else
			sb_printf(b, "\\%03o", *p);
	}
	sb_puts(b, "\"");
}

/* Text for a comment line: control bytes (and with ascii, every byte
 * beyond ASCII) become '?', so a comment stays one line. */
static void sb_comment(struct strbuf *b, const char *s, int ascii)
{
	for (; *s; s++) {
		unsigned char u = (unsigned char)*s;

		sb_add(b, u < 0x20 || u == 0x7f || (ascii && u >= 0x80) ? "?" : s, 1);
	}
}

/* ------------------------------------------------------------ files */

int plot_write_text(const char *path, const struct strbuf *b, struct vm_diag *d)
{
	struct outfile of;
	int rc;

	if ((rc = outfile_open(&of, path, d)))
		return rc;
	if (b->n)
		fwrite(b->s, 1, b->n, of.f);
	if (ferror(of.f)) {
		outfile_abort(&of);
		return vm_fail(d, VM_ERR_IO, "%s: write failed", path);
	}
	return outfile_commit(&of, d);
}

void plot_build_dat(const struct plot *p, struct strbuf *b)
{
	size_t i, j;

	sb_printf(b, "# vmsim %s plot data: columns %s, %s, marker scale; one block per "
		  "series\n", VMSIM_VERSION, p->xname, p->o->metric);
	for (i = 0; i < p->ns; i++) {
		sb_printf(b, "%s# index %zu: ", i ? "\n\n" : "", i);
		sb_comment(b, p->s[i].label, 0);
		sb_puts(b, "\n");
		for (j = 0; j < p->s[i].npts; j++)
			sb_printf(b, "%.17g %.17g %.3g\n", p->s[i].x[j], p->s[i].y[j], p->s[i].ms[j]);
	}
}

/* An axis: its scale, range and ticks (labelled unless labels is 0). */
static void gp_axis(struct strbuf *b, const struct axis *a, char xy, int labels)
{
	size_t i;

	if (a->log)
		sb_printf(b, "set logscale %c %d\n", xy, xy == 'x' || a->kind == COL_KIND_BYTES ? 2 : 10);
	sb_printf(b, "set %crange [%.17g:%.17g]\n", xy, a->lo, a->hi);
	sb_printf(b, "set %ctics (", xy);
	for (i = 0; i < a->ntick; i++) {
		sb_puts(b, i ? ", " : "");
		gp_quote(b, labels ? a->tlabel[i] : "");
		sb_printf(b, " %.17g", a->tick[i]);
	}
	sb_puts(b, ")\n");
	if (a->log && !(xy == 'x' || a->kind == COL_KIND_BYTES))
		sb_printf(b, "set m%ctics 10\n", xy);
}

/* The script.  It names no file but through outfile and datafile. */
void plot_build_gp(const struct plot *p, const char *title, const char *xlabel,
		   const char *ylabel, struct strbuf *b)
{
	double w = p->w, h = p->h;
	size_t i, pn;

	sb_puts(b, "# vmsim " VMSIM_VERSION " figure: ");
	sb_comment(b, title, 1);
	sb_printf(b, "\n# The data is in the .dat beside this script: one block per series "
		  "(gnuplot 'index'),\n# columns %s, %s and a marker scale.  Restyle freely, "
		  "then redraw with\n#   gnuplot FIG.gp                        (FIG.png)\n"
		  "#   gnuplot -e \"imgtype='pdf'\" FIG.gp   (FIG.pdf; or svg)\n",
		  p->xname, p->o->metric);
	sb_puts(b, "if (!exists(\"stem\")) stem = strlen(ARG0) > 3 ? ARG0[1:strlen(ARG0)-3] : "
		"\"figure\"\n"
		"if (!exists(\"imgtype\")) imgtype = \"png\"\n"
		"if (!exists(\"datafile\")) datafile = stem.\".dat\"\n"
		"if (!exists(\"outfile\")) outfile = stem.\".\".imgtype\n");
	/* one physical size in every terminal: lw 1 = 1 pt, 7-point text */
	sb_printf(b, "if (imgtype eq \"pdf\") {\n"
		  "    set terminal pdfcairo size %.3fin,%.3fin enhanced font \"Sans,7\" "
		  "fontscale 1 linewidth 2 dashlength 2 pointscale 0.63 rounded\n"
		  "} else { if (imgtype eq \"svg\") {\n"
		  "    set terminal svg size %.0f,%.0f dynamic enhanced font \"Sans,7\" "
		  "fontscale 2.0833 linewidth 2.0833 rounded\n"
		  "    set pointsize 1.9  # the svg terminal has no pointscale\n"
		  "} else {\n"
		  "    set terminal pngcairo size %.0f,%.0f enhanced font \"Sans,7\" "
		  "fontscale 4.1667 linewidth 4.1667 pointscale 2.6 rounded\n"
		  "}}\nset output outfile\n",
		  w, h, w * 150, h * 150, w * 300, h * 300);
	sb_puts(b, "set encoding utf8\nset border 3 lw 0.6\nset tics nomirror out scale 0.6\n"
		"set grid lc rgb \"#dddddd\" lw 0.5 lt 1\n"
		"set key noenhanced box lw 0.5 opaque samplen 3 spacing 1.05 width 1\n");
	if (p->key_out)
		sb_puts(b, "set key outside right top vertical Left reverse\n");
	else if (p->key_rows)
		sb_printf(b, "set key inside %s Left reverse vertical maxrows %zu\n", p->key_pos,
			  p->key_rows);
	else
		sb_printf(b, "set key inside %s Left reverse vertical\n", p->key_pos);
	for (i = 0; i < p->ns; i++)
		sb_printf(b, "set style line %zu lc rgb \"%s\" lw 1.25 pt %d dt %d\n", i + 1,
			  p->s[i].color, p->s[i].pt, p->s[i].dt);

	if (p->npanels > 1) {
		double right = 1 - (p->key_w + 0.15) / w;

		sb_puts(b, "set multiplot title ");
		gp_quote(b, title);
		sb_printf(b, " noenhanced layout %zu,%zu margins %.4f,%.4f,%.4f,%.4f spacing "
			  "%.4f,%.4f\n", p->nrows_p, p->ncols, 0.75 / w, right, 0.6 / h,
			  1 - 0.6 / h, 0.25 / w, 0.4 / h);
		/* one x label and one y label for all the panels (drawn once) */
		sb_puts(b, "set label 101 ");
		gp_quote(b, xlabel);
		sb_printf(b, " at screen %.4f, screen %.4f center noenhanced\n",
			  (0.75 / w + right) / 2, 0.12 / h);
		sb_puts(b, "set label 102 ");
		gp_quote(b, ylabel);
		sb_printf(b, " at screen %.4f, screen %.4f center rotate by 90 noenhanced\n",
			  0.15 / w, (0.6 / h + 1 - 0.6 / h) / 2);
		sb_puts(b, "unset xlabel\nunset ylabel\n");
	} else {
		/*
		 * The title is centred on the canvas, not on the plot (which a key
		 * outside pushes left, and a long title with it off the canvas):
		 * a label at the top, with blank title lines keeping its room.
		 * One too wide for the canvas (7-point text: about 3.9 pt a
		 * character) breaks at the blank nearest its middle.
		 */
		size_t n = strlen(title), cut = 0, k;
		char *t = xstrdup(title);

		if ((double)n * 3.9 / 72 > w - 0.3)
			for (k = 0; k < n; k++)
				if (t[k] == ' ' && (!cut || labs((long)k - (long)n / 2) <
							    labs((long)cut - (long)n / 2)))
					cut = k;
		if (cut)
			t[cut] = '\n';
		sb_puts(b, cut ? "set title \" \\n \" noenhanced\n" : "set title \" \" noenhanced\n");
		sb_puts(b, "set label 100 ");
		gp_quote(b, t);
		sb_printf(b, " at screen 0.5, screen %.4f center front noenhanced\n", 1 - 0.12 / h);
		free(t);
	}
	for (pn = 0; pn < p->npanels; pn++) {
		int first = 1;

		if (p->npanels > 1) {
			struct strbuf t = { 0 };
			size_t col = pn % p->ncols, below = pn + p->ncols;

			plot_value_label(&t, p, p->facet_col, p->panels[pn]);
			sb_puts(b, pn ? "unset label 101\nunset label 102\nset title " : "set title ");
			gp_quote(b, t.s ? t.s : "");
			sb_puts(b, " noenhanced\n");
			free(t.s);
			gp_axis(b, &p->ax, 'x', below >= p->npanels);
			gp_axis(b, &p->ay, 'y', col == 0);
			if (pn == 0)
				sb_printf(b, "set key at screen %.4f, screen %.4f top left\n",
					  1 - (p->key_w + 0.1) / w, 1 - 0.6 / h);
			else
				sb_puts(b, "unset key\n");
		} else {
			gp_axis(b, &p->ax, 'x', 1);
			gp_axis(b, &p->ay, 'y', 1);
			sb_puts(b, "set xlabel ");
			gp_quote(b, xlabel);
			sb_puts(b, " noenhanced\nset ylabel ");
			gp_quote(b, ylabel);
			sb_puts(b, " noenhanced\n");
		}
		/* every line first, then every marker on top, then the key */
		sb_puts(b, "plot \\\n");
		for (i = 0; i < p->ns; i++)
			if (p->s[i].panel == pn) {
				sb_printf(b, "%s    datafile index %zu using 1:2 with lines ls %zu notitle",
					  first ? "" : ", \\\n", i, i + 1);
				first = 0;
			}
		for (i = 0; i < p->ns; i++)
			if (p->s[i].panel == pn) {
				sb_printf(b, ", \\\n    datafile index %zu every %zu::%zu using 1:2:3 with "
					  "points ls %zu ps variable notitle", i, p->s[i].every,
					  p->s[i].start, i + 1);
			}
		if (pn == 0) {
			for (i = 0; i < p->ns; i++) {
				if (p->s[i].panel != 0 && p->npanels > 1) {
					size_t j;

					/* a series only in a later panel: its key entry too */
					for (j = 0; j < i; j++)
						if (strcmp(p->s[j].label, p->s[i].label) == 0)
							break;
					if (j < i)
						continue;
				}
				sb_printf(b, ", \\\n    keyentry with linespoints ls %zu title ", i + 1);
				gp_quote(b, p->s[i].label);
			}
			if (p->mark_note[0]) {
				sb_puts(b, ", \\\n    keyentry with lines lt nodraw title ");
				gp_quote(b, p->mark_note);
			}
		}
		sb_puts(b, "\n");
	}
	if (p->npanels > 1)
		sb_puts(b, "unset multiplot\n");
}

/* Run gnuplot on gp, writing the image to out through a temporary name. */
int plot_run_gnuplot(const char *prog, const char *gp, const char *dat, const char *out,
		     const char *imgtype, struct vm_diag *d)
{
	posix_spawn_file_actions_t fa;
	struct strbuf e = { 0 }, err = { 0 };
	char *tmp, *cmd, *gparg = NULL, *argv[5], buf[4096];
	int pfd[2], fd, status = 0, rc = 0;
	struct stat sb;
	pid_t pid;
	ssize_t got;

	/* OUT.tmp.PID.HOST.XXXXXX, registered before any signal can leave it
	 * behind (a signal while gnuplot draws removes it); a SIGKILLed run's
	 * leftovers of that pattern are swept first */
	vm_temp_sweep(out);
	tmp = vm_temp_template(out);
	fd = vm_temp_create(tmp);
	if (fd < 0) {
		rc = vm_fail(d, VM_ERR_IO, "%s: cannot create: %s", out, strerror(errno));
		free(tmp);
		return rc;
	}
	fchmod(fd, 0644); /* an ordinary file, like every other vmsim output */
	close(fd);
	/* the names as gnuplot strings: no byte of them is read as code */
	sb_puts(&e, "outfile = ");
	gp_quote(&e, tmp);
	sb_puts(&e, "; datafile = ");
	gp_quote(&e, dat);
	sb_puts(&e, "; imgtype = ");
	gp_quote(&e, imgtype);
	cmd = sb_take(&e);
	/* a script named -x.gp would be read as an option: ./-x.gp */
	if (gp[0] == '-') {
		sb_puts(&e, "./");
		sb_puts(&e, gp);
		gparg = sb_take(&e);
	}
	argv[0] = (char *)prog;
	argv[1] = (char *)"-e";
	argv[2] = cmd;
	argv[3] = gparg ? gparg : (char *)gp;
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
	free(gparg);
	free(err.s);
	return rc;
}
