/*
 * test_plot.c - the .gp and .dat every figure is drawn from (gnuplot itself
 * runs in tests/cli_plot.sh), and the column labels of labels.c.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 *
 *   series   order (the style table, then configuration values), labels,
 *            page sizes split, LFU's aging does not, a one-set TLB is one
 *            series "full", a sequential palette for one policy's series
 *   ranges   rates in [0, 1], counts from 0, a log axis from the data and
 *            the points it drops counted in a note
 *   ticks    10^k on wide log axes, 250k / 1.5M for counts, KiB / MiB for
 *            memory, never 1e+06 or the SI 100m / 10u
 *   markers  on every point up to 30, then every n-th with a key line;
 *            equal series dashed and keyed "(= OTHER)", shared points
 *            nested (smaller marker scale)
 *   strings  every string is one quoted line whatever it holds; no user
 *            file name in the script; .gp/.dat equal for .png and .pdf
 *   safety   an output that is the input file (by inode) is refused
 *   facets   one panel per value, one key, shared ranges
 *   labels   column -> label and unit
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "analysis.h"
#include "replay.h"
#include "testutil.h"

static char tmpdir[64];
static char out[160], gpp[160], datp[160];

static int make_tmpdir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "/tmp/vmsim-tp.XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(out, sizeof out, "%s/fig.svg", tmpdir);
	snprintf(gpp, sizeof gpp, "%s/fig.gp", tmpdir);
	snprintf(datp, sizeof datp, "%s/fig.dat", tmpdir);
	return 0;
}

static int remove_tmpdir(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void parse_ok(struct csv *c, const char *text)
{
	struct vm_diag d = { 0 };

	if (csv_parse(c, "t.csv", text, strlen(text), &d))
		fail_msg("csv_parse: %s", d.msg);
}

static void has(const char *text, const char *want)
{
	if (!strstr(text, want))
		fail_msg("missing: %s\n--- in ---\n%s", want, text);
}

static void hasnt(const char *text, const char *bad)
{
	if (strstr(text, bad))
		fail_msg("unexpected: %s\n--- in ---\n%s", bad, text);
}

static size_t count(const char *text, const char *what)
{
	size_t n = 0;

	for (; (text = strstr(text, what)); text++)
		n++;
	return n;
}

/* The range "set Xrange [lo:hi]" of the script. */
static void range_of(const char *gp, char xy, double *lo, double *hi)
{
	char key[16];
	const char *s;

	snprintf(key, sizeof key, "set %crange [", xy);
	s = strstr(gp, key);
	assert_non_null(s);
	assert_int_equal(sscanf(s + strlen(key), "%lf:%lf", lo, hi), 2);
}

/* Draw c with o into fig.svg (script only); the script and data. */
static void draw(const struct csv *c, struct plot_opts *o, char **gp, char **dat)
{
	struct vm_diag d = { 0 };

	o->render = 0;
	if (plot_write(c, o, out, &d))
		fail_msg("plot_write: %s", d.msg);
	*gp = slurp(gpp);
	*dat = slurp(datp);
}

static char notes[1024];
static void note_cb(void *ctx, const char *msg)
{
	(void)ctx;
	snprintf(notes + strlen(notes), sizeof notes - strlen(notes), "%s\n", msg);
}

/* ------------------------------------------------------------- series */

static void test_series(void **state)
{
	struct plot_opts o = { 0 };
	struct csv c;
	char *gp, *dat;

	(void)state;
	/* rows out of order, two page sizes, LFU's aging varying with frames
	 * (which must not split its series), an unknown policy */
	parse_ok(&c, "trace,policy,frames,page_size,refs,faults,hit_rate,lfu_aging,mode\n"
		     "t.vmt,lru,4,4096,100,30,0.7,,one-pass\n"
		     "t.vmt,lru,2,4096,100,50,0.5,,one-pass\n"
		     "t.vmt,lru,2,8192,100,40,0.6,,one-pass\n"
		     "t.vmt,mine,2,4096,100,45,0.55,,loaded\n"
		     "t.vmt,lfu,2,4096,100,60,0.4,1024,loaded\n"
		     "t.vmt,lfu,4,4096,100,35,0.65,2048,loaded\n"
		     "t.vmt,opt,2,4096,100,20,0.8,,one-pass\n");
	o.metric = "miss-ratio";
	o.log_x = 1;
	o.title = "It's a test";
	draw(&c, &o, &gp, &dat);
	has(gp, "set terminal svg");
	has(gp, "set label 100 \"It's a test\" at screen 0.5");
	has(gp, "set title \" \" noenhanced");
	free(gp);
	free(dat);
	/* a title too wide for the canvas breaks at the blank nearest its middle */
	o.title = "a title of many words that is much too wide for one column of a paper, and for a key beside it as well, surely";
	draw(&c, &o, &gp, &dat);
	has(gp, "set title \" \\n \" noenhanced");
	has(gp, "\"a title of many words that is much too wide for one column\\012of a paper, and for a key beside it as well, surely\"");
	o.title = "It's a test";
	has(gp, "set ylabel \"miss ratio (faults / references)\" noenhanced");
	/* page size varies, so the x label has no unit and labels name it */
	has(gp, "set xlabel \"memory size (page frames)\" noenhanced");
	has(gp, "set logscale x 2");
	/* drawing order: the style table (opt fifo random lru lfu clock), then
	 * others; each series a line, then its markers, then a key entry */
	has(gp, "datafile index 0 using 1:2 with lines ls 1 notitle");
	has(gp, "datafile index 4 every 1::0 using 1:2:3 with points ls 5 ps variable notitle");
	has(gp, "keyentry with linespoints ls 1 title \"OPT, 4 KiB pages\"");
	has(gp, "keyentry with linespoints ls 2 title \"LRU, 4 KiB pages\"");
	has(gp, "keyentry with linespoints ls 3 title \"LRU, 8 KiB pages\"");
	has(gp, "keyentry with linespoints ls 4 title \"LFU, 4 KiB pages\"");
	has(gp, "keyentry with linespoints ls 5 title \"mine, 4 KiB pages\"");
	assert_int_equal(count(gp, "keyentry with linespoints"), 5);
	has(gp, "set style line 1 lc rgb \"#000000\" lw 1.25 pt 7 dt 2");
	/* several policies: LRU's two page sizes are shades of its blue */
	has(gp, "set style line 4 lc rgb \"#D55E00\" lw 1.25 pt 11 dt 1");
	hasnt(gp, "index 5");
	/* the data: miss ratio = faults / refs, sorted by x, blocks apart */
	has(dat, "# index 1: LRU, 4 KiB pages\n2 0.5 1\n4 0.29999999999999999 1\n");
	has(dat, "\n\n\n# index 2: LRU, 8 KiB pages\n2 0.40000000000000002 1\n");
	free(gp);
	free(dat);
	csv_free(&c);

	/* one page size: the x label carries the unit; the default title */
	parse_ok(&c, "trace,policy,frames,page_size,faults\ndir/t.vmt,fifo,3,4096,9\n"
		     "dir/t.vmt,fifo,4,4096,10\nother,fifo,3,4096,1\n");
	memset(&o, 0, sizeof o);
	o.metric = "faults";
	o.only_trace = "dir/t.vmt";
	draw(&c, &o, &gp, &dat);
	has(gp, "set xlabel \"memory size (frames of 4 KiB pages)\"");
	has(gp, "set label 100 \"t.vmt: page faults vs memory size\"");
	has(gp, "title \"FIFO\"\n");
	has(dat, "3 9 1\n4 10 1\n");
	hasnt(dat, "3 1 1\n");
	free(gp);
	free(dat);
	/* several traces: the title says so, not the first row's trace */
	o.only_trace = NULL;
	draw(&c, &o, &gp, &dat);
	has(gp, "set label 100 \"page faults vs memory size, several traces\"");
	has(gp, "title \"FIFO, t.vmt\"");
	has(gp, "title \"FIFO, other\"");
	free(gp);
	free(dat);
	csv_free(&c);
}

/* A TLB sweep with --ways 1,2,full: the one-set rows are one series. */
static void test_tlb_full(void **state)
{
	struct plot_opts o = { 0 };
	struct csv c;
	char *gp, *dat;
	struct vm_diag d = { 0 };

	(void)state;
	parse_ok(&c, "trace,policy,entries,ways,sets,tlb_misses,avg_xlate_ns\n"
		     "t,lru,4,1,4,95,3\nt,lru,4,2,2,85,3\nt,lru,4,4,1,80,3\n"
		     "t,lru,8,1,8,90,3\nt,lru,8,2,4,80,3\nt,lru,8,8,1,75,3\n"
		     "t,lru,16,1,16,70,2\nt,lru,16,2,8,60,2\nt,lru,16,16,1,55,2\n");
	o.metric = "tlb_misses";
	o.x = "entries";
	draw(&c, &o, &gp, &dat);
	assert_int_equal(count(gp, "keyentry with linespoints"), 3);
	has(gp, "title \"LRU, 1-way\"");
	has(gp, "title \"LRU, 2-way\"");
	has(gp, "title \"LRU, full\"");
	has(dat, "# index 2: LRU, full\n4 80 1\n8 75 1\n16 55 1\n");
	has(gp, "set ylabel \"TLB misses (count)\"");
	has(gp, "set xlabel \"TLB entries\"");
	/* one policy, three configurations: three colours of a sequential
	 * palette, three markers (not only dashes) */
	has(gp, "set style line 1 lc rgb \"#440154\" lw 1.25 pt 7 dt 1");
	has(gp, "set style line 2 lc rgb \"#2C728E\" lw 1.25 pt 5 dt 1");
	has(gp, "set style line 3 lc rgb \"#9BD93C\" lw 1.25 pt 9 dt 1");
	free(gp);
	free(dat);
	/* --series names the columns instead; a missing one is refused */
	o.series = "sets";
	draw(&c, &o, &gp, &dat);
	has(gp, "title \"LRU, sets 16\"");
	free(gp);
	free(dat);
	o.series = "nonesuch";
	assert_int_equal(plot_write(&c, &o, out, &d), VM_ERR_USAGE);
	o.series = NULL;
	o.metric = "avg_xlate_ns";
	draw(&c, &o, &gp, &dat);
	has(gp, "set ylabel \"average translation time (ns)\"");
	free(gp);
	free(dat);
	csv_free(&c);
}

/* ------------------------------------------------------------- ranges */

static void test_ranges_and_ticks(void **state)
{
	struct plot_opts o = { 0 };
	struct csv c;
	char *gp, *dat;
	double lo, hi;

	(void)state;
	/* a hit rate near 1 and near 0.5: the axis stays in [0, 1] */
	parse_ok(&c, "trace,policy,frames,page_size,refs,faults,hit_rate\n"
		     "t,lru,1,4096,2000000,1000000,0.5\nt,lru,2,4096,2000000,100,0.99995\n"
		     "t,lru,4,4096,2000000,0,1\nt,fifo,1,4096,2000000,1400000,0.3\n"
		     "t,fifo,2,4096,2000000,200000,0.9\nt,fifo,4,4096,2000000,0,1\n");
	o.metric = "hit-rate";
	draw(&c, &o, &gp, &dat);
	range_of(gp, 'y', &lo, &hi);
	assert_true(lo >= 0 && lo <= 0.3);
	assert_true(hi <= 1 && hi >= 1);
	range_of(gp, 'x', &lo, &hi);
	assert_true(lo >= 0 && lo <= 1 && hi >= 4);
	free(gp);
	free(dat);
	/* counts start at 0; ticks in k and M, never 1.4e+06 */
	o.metric = "faults";
	draw(&c, &o, &gp, &dat);
	range_of(gp, 'y', &lo, &hi);
	assert_true(lo == 0 && hi >= 1400000 && hi <= 1500000);
	has(gp, "\"0\" 0");
	has(gp, "M\" ");
	hasnt(gp, "e+0");
	free(gp);
	free(dat);
	/* a log axis starts at the data; zeros are dropped and counted */
	o.log_y = 1;
	o.note = note_cb;
	notes[0] = 0;
	draw(&c, &o, &gp, &dat);
	range_of(gp, 'y', &lo, &hi);
	assert_true(lo > 50 && lo <= 100 && hi >= 1400000 && hi < 2000000);
	has(notes, "2 points with a zero or negative value left out");
	has(gp, "\"10^{6}\" 1000000");
	hasnt(gp, "m\" ");
	free(gp);
	free(dat);
	/* the miss ratio on a log axis never goes above 1 */
	o.metric = "miss-ratio";
	draw(&c, &o, &gp, &dat);
	range_of(gp, 'y', &lo, &hi);
	assert_true(hi <= 1 && lo > 0 && lo <= 0.00005);
	has(gp, "\"10^{-1}\" 0.10000000000000001");
	free(gp);
	free(dat);
	csv_free(&c);
}

/* Memory on the x axis: bytes from frames x page size, split by page size. */
static void test_memory_axis(void **state)
{
	struct plot_opts o = { 0 };
	struct csv c;
	char *gp, *dat;

	(void)state;
	parse_ok(&c, "trace,policy,frames,page_size,faults\n"
		     "t,lru,16,4096,90\nt,lru,64,4096,50\nt,lru,256,4096,20\n"
		     "t,lru,1,2097152,70\nt,lru,2,2097152,30\n");
	o.metric = "faults";
	o.x = "memory";
	o.log_x = 1;
	draw(&c, &o, &gp, &dat);
	assert_int_equal(count(gp, "keyentry with linespoints"), 2);
	has(gp, "title \"LRU, 4 KiB pages\"");
	has(gp, "title \"LRU, 2 MiB pages\"");
	has(dat, "65536 90 1\n262144 50 1\n1048576 20 1\n");
	has(dat, "2097152 70 1\n4194304 30 1\n");
	has(gp, "\"1 MiB\" 1048576");
	has(gp, "KiB\"");
	has(gp, "set xlabel \"memory size\"");
	free(gp);
	free(dat);
	csv_free(&c);
}

/* ------------------------------------------------------------ markers */

static void test_markers(void **state)
{
	struct plot_opts o = { 0 };
	struct csv c;
	char *gp, *dat;
	struct strbuf_like { char *s; size_t n; } b = { 0 };
	FILE *m;
	int i;

	(void)state;
	/* Belady's string: Clock equals FIFO and LFU equals LRU at every size */
	parse_ok(&c, "trace,policy,frames,faults\n"
		     "b,opt,3,7\nb,opt,4,6\nb,fifo,3,9\nb,fifo,4,10\nb,lru,3,10\nb,lru,4,8\n"
		     "b,lfu,3,10\nb,lfu,4,8\nb,clock,3,9\nb,clock,4,10\n");
	o.metric = "faults";
	draw(&c, &o, &gp, &dat);
	has(gp, "title \"Clock (= FIFO)\"");
	has(gp, "title \"LFU (= LRU)\"");
	/* the equal series are dashed; every policy keeps its colour */
	has(gp, "set style line 5 lc rgb \"#56B4E9\" lw 1.25 pt 15 dt 2");
	has(gp, "set style line 4 lc rgb \"#D55E00\" lw 1.25 pt 11 dt 2");
	has(gp, "#000000");
	has(gp, "#E69F00");
	has(gp, "#0072B2");
	/* every line is drawn before any marker */
	assert_true(strstr(gp, "with points") > strstr(gp, "index 4 using 1:2 with lines"));
	/* equal series take turns with their markers along the shared line:
	 * FIFO marks points 0, 2, ..., Clock 1, 3, ..., both at full size */
	has(gp, "datafile index 1 every 2::0 using 1:2:3 with points ls 2");
	has(gp, "datafile index 4 every 2::1 using 1:2:3 with points ls 5");
	has(dat, "# index 4: Clock (= FIFO)\n3 9 1\n4 10 1\n");
	has(dat, "# index 1: FIFO\n3 9 1\n4 10 1\n");
	/* OPT, alone, has a marker on every point */
	has(gp, "datafile index 0 every 1::0 using");
	free(gp);
	free(dat);
	csv_free(&c);

	/* a point shared with an earlier, different series nests: smaller */
	parse_ok(&c, "trace,policy,frames,faults\nb,opt,3,7\nb,opt,4,6\nb,lru,3,10\nb,lru,4,6\n");
	draw(&c, &o, &gp, &dat);
	has(dat, "# index 1: LRU\n3 10 1\n4 6 0.72\n");
	hasnt(gp, "(= OPT)");
	free(gp);
	free(dat);
	csv_free(&c);

	/* 90 points: a marker on every 3rd, and the key says so */
	m = open_memstream(&b.s, &b.n);
	fputs("trace,policy,frames,faults\n", m);
	for (i = 1; i <= 90; i++)
		fprintf(m, "t,lru,%d,%d\n", i, 1000 - i);
	fclose(m);
	parse_ok(&c, b.s);
	draw(&c, &o, &gp, &dat);
	has(gp, "every 3::0 using 1:2:3");
	has(gp, "title \"markers: every 3rd\"");
	free(gp);
	free(dat);
	free(b.s);
	csv_free(&c);
}

/* ------------------------------------------------------------ strings */

/* Every line of a script is printable ASCII: no string breaks out. */
static void printable(const char *gp)
{
	const unsigned char *p;

	for (p = (const unsigned char *)gp; *p; p++)
		if (*p != '\n' && (*p < 0x20 || *p >= 0x7f))
			fail_msg("byte 0x%02x at offset %ld of the script", *p,
				 (long)(p - (const unsigned char *)gp));
}

static void test_hostile_strings(void **state)
{
	struct plot_opts o = { 0 };
	struct vm_diag d = { 0 };
	struct csv c;
	char *gp, *dat, *gp2, *dat2, hostile[160];

	(void)state;
	/* a trace named with a newline and gnuplot code reaches the key */
	parse_ok(&c, "trace,policy,frames,faults\n"
		     "\"z\nsystem(\"\"id > pwned\"\")\n.txt\",lru,1,5\n"
		     "\"z\nsystem(\"\"id > pwned\"\")\n.txt\",lru,2,3\n"
		     "\"a`touch x`@b\\\\'c\",lru,1,4\n\"a`touch x`@b\\\\'c\",lru,2,2\n");
	o.metric = "faults";
	o.title = "line one\nsystem(\"touch pwned_title\")\r\t\x01\xff end";
	draw(&c, &o, &gp, &dat);
	printable(gp);
	has(gp, "set label 100 \"line one\\012system(\\042touch pwned_title\\042)\\015\\011\\001\\377"
		" end\" at screen");
	has(gp, "title \"LRU, z\\012system(\\042id > pwned\\042)\\012.txt\"");
	/* backquotes (command substitution), '@' (macros), backslashes */
	has(gp, "title \"LRU, a\\140touch x\\140\\100b\\134\\134'c\"");
	/* the .dat's comments cannot start a line of data */
	has(dat, "# index 1: LRU, z?system(\"id > pwned\")?.txt\n");
	/* no file name in the script but through variables */
	hasnt(gp, "fig.");
	has(gp, "datafile = stem.\".dat\"");
	free(gp);
	free(dat);

	/* item 11: x.svg then x.pdf leave the same .gp and .dat */
	o.title = NULL;
	draw(&c, &o, &gp, &dat);
	snprintf(hostile, sizeof hostile, "%s/fig.pdf", tmpdir);
	assert_int_equal(plot_write(&c, &o, hostile, &d), 0);
	gp2 = slurp(gpp);
	dat2 = slurp(datp);
	assert_string_equal(gp, gp2);
	assert_string_equal(dat, dat2);
	free(gp);
	free(dat);
	free(gp2);
	free(dat2);

	/* an output file name with a newline: written as it is, never run */
	snprintf(hostile, sizeof hostile, "%s/n\nsystem(\"touch pwned\")\n.png", tmpdir);
	assert_int_equal(plot_write(&c, &o, hostile, &d), 0);
	snprintf(hostile, sizeof hostile, "%s/n\nsystem(\"touch pwned\")\n.gp", tmpdir);
	gp = slurp(hostile);
	printable(gp);
	free(gp);
	csv_free(&c);
}

/* The figure never overwrites its input, however it is named. */
static void test_same_file(void **state)
{
	struct plot_opts o = { 0 };
	struct vm_diag d = { 0 };
	struct csv c;
	char in[200], link2[200], png[200];
	FILE *f;

	(void)state;
	snprintf(in, sizeof in, "%s/self.dat", tmpdir);
	f = fopen(in, "w");
	assert_non_null(f);
	fputs("trace,policy,frames,faults\nb,lru,1,5\nb,lru,2,3\n", f);
	fclose(f);
	assert_int_equal(csv_read(&c, in, &d), 0);
	o.metric = "faults";
	snprintf(png, sizeof png, "%s/self.png", tmpdir);
	assert_int_equal(plot_write(&c, &o, png, &d), VM_ERR_USAGE);
	has(d.msg, "is the input");
	/* a hard link to it under another name: the same inode */
	snprintf(link2, sizeof link2, "%s/other.gp", tmpdir);
	assert_int_equal(link(in, link2), 0);
	snprintf(png, sizeof png, "%s/other.svg", tmpdir);
	assert_int_equal(plot_write(&c, &o, png, &d), VM_ERR_USAGE);
	/* the input is untouched */
	{
		char *t = slurp(in);

		assert_string_equal(t, "trace,policy,frames,faults\nb,lru,1,5\nb,lru,2,3\n");
		free(t);
	}
	/* elsewhere it is fine */
	snprintf(png, sizeof png, "%s/fine.svg", tmpdir);
	assert_int_equal(plot_write(&c, &o, png, &d), 0);
	csv_free(&c);
}

/* ------------------------------------------------------------- facets */

static void test_facet(void **state)
{
	struct plot_opts o = { 0 };
	struct vm_diag d = { 0 };
	struct csv c;
	char *gp, *dat;
	double lo, hi;

	(void)state;
	parse_ok(&c, "trace,policy,frames,faults\n"
		     "a.vmt,lru,1,50\na.vmt,lru,2,30\na.vmt,fifo,1,50\na.vmt,fifo,2,35\n"
		     "b.vmt,lru,1,500\nb.vmt,lru,2,300\nb.vmt,fifo,1,500\nb.vmt,fifo,2,350\n"
		     "c.vmt,lru,1,5\nc.vmt,lru,2,3\nc.vmt,fifo,1,5\nc.vmt,fifo,2,4\n");
	o.metric = "faults";
	o.facet = "trace";
	draw(&c, &o, &gp, &dat);
	has(gp, "set multiplot title \"page faults vs memory size, per trace\"");
	has(gp, "layout 1,3");
	assert_int_equal(count(gp, "\nplot "), 3);
	has(gp, "set title \"a.vmt\"");
	has(gp, "set title \"c.vmt\"");
	/* one key: the first panel's; the others have none */
	assert_int_equal(count(gp, "keyentry"), 2);
	assert_int_equal(count(gp, "unset key"), 2);
	/* shared axes: every panel has the range of all the data */
	range_of(gp, 'y', &lo, &hi);
	assert_true(lo == 0 && hi >= 500);
	assert_int_equal(count(gp, "set yrange"), 3);
	has(gp, "unset multiplot");
	free(gp);
	free(dat);
	o.facet = "nonesuch";
	assert_int_equal(plot_write(&c, &o, out, &d), VM_ERR_USAGE);
	has(d.msg, "no column 'nonesuch' to draw panels by");
	csv_free(&c);
}

/* ------------------------------------------------------------- errors */

static void test_errors(void **state)
{
	struct plot_opts o = { 0 };
	struct vm_diag d = { 0 };
	struct csv c;
	char p[160];

	(void)state;
	parse_ok(&c, "trace,policy,frames,page_size,faults\ndir/t.vmt,fifo,3,4096,9\n");
	o.metric = "faults";
	snprintf(p, sizeof p, "%s/fig.jpg", tmpdir);
	assert_int_equal(plot_write(&c, &o, p, &d), VM_ERR_USAGE);
	has(d.msg, ".png, .svg or .pdf");
	snprintf(p, sizeof p, "%s/fig.png", tmpdir);
	o.metric = "nonesuch";
	assert_int_equal(plot_write(&c, &o, p, &d), VM_ERR_USAGE);
	has(d.msg, "no column 'nonesuch'");
	o.metric = "faults";
	o.x = "nothere";
	assert_int_equal(plot_write(&c, &o, p, &d), VM_ERR_USAGE);
	o.x = NULL;
	o.only_trace = "absent";
	assert_int_equal(plot_write(&c, &o, p, &d), VM_ERR_FORMAT);
	has(d.msg, "no rows");
	csv_free(&c);
	parse_ok(&c, "trace,policy,faults\nt,lru,9\n");
	o.only_trace = NULL;
	o.x = "memory";
	assert_int_equal(plot_write(&c, &o, p, &d), VM_ERR_USAGE);
	has(d.msg, "--x memory needs");
	csv_free(&c);
}

/* ------------------------------------------------------------- memory */

/* --memory SIZES as frames: worked by hand for 4 KiB pages (shift 12). */
static void test_memory_spec(void **state)
{
	struct vm_diag d = { 0 };
	char *f = NULL;

	(void)state;
	assert_int_equal(curve_memory_spec("64K,1M", 12, 0, &f, &d), 0);
	assert_string_equal(f, "16,256"); /* 65536 / 4096, 1048576 / 4096 */
	free(f);
	assert_int_equal(curve_memory_spec("4K:64K:x2, 8K:32K:8K", 12, 0, &f, &d), 0);
	assert_string_equal(f, "1:16:x2,2:8:2");
	free(f);
	/* 6 KiB is one and a half pages: whole frames, rounded down */
	assert_int_equal(curve_memory_spec("6K", 12, 0, &f, &d), 0);
	assert_string_equal(f, "1");
	free(f);
	/* fractions of a 174-page footprint: ceil(1.74) = 2, 174 */
	assert_int_equal(curve_memory_spec("1%:100%:x2", 12, 174, &f, &d), 0);
	assert_string_equal(f, "2:174:x2");
	free(f);
	/* 2 MiB pages */
	assert_int_equal(curve_memory_spec("1G", 21, 0, &f, &d), 0);
	assert_string_equal(f, "512");
	free(f);
	assert_int_equal(curve_memory_spec("1K", 12, 0, &f, &d), VM_ERR_USAGE);
	has(d.msg, "at least one 4096-byte page");
	assert_int_equal(curve_memory_spec("-4K", 12, 0, &f, &d), VM_ERR_USAGE);
	assert_int_equal(curve_memory_spec("4K:", 12, 0, &f, &d), VM_ERR_USAGE);
	assert_int_equal(curve_memory_spec("0%", 12, 100, &f, &d), VM_ERR_USAGE);
	assert_int_equal(curve_memory_spec("lots", 12, 0, &f, &d), VM_ERR_USAGE);
}

/* ------------------------------------------------------------- labels */

static void test_labels(void **state)
{
	char b[128];

	(void)state;
	assert_string_equal(col_label_text("tlb_misses", b, sizeof b), "TLB misses (count)");
	assert_string_equal(col_label_text("avg_xlate_ns", b, sizeof b),
			    "average translation time (ns)");
	assert_string_equal(col_label_text("entries", b, sizeof b), "TLB entries");
	assert_string_equal(col_label_text("hit_rate", b, sizeof b), "hit rate (hits / references)");
	assert_string_equal(col_label_text("itlb_misses", b, sizeof b), "ITLB misses (count)");
	assert_string_equal(col_label_text("l2_hit_rate", b, sizeof b), "L2 hit rate");
	assert_string_equal(col_label_text("whatever", b, sizeof b), "whatever");
	assert_int_equal(col_kind_of("miss_rate"), COL_KIND_RATE);
	assert_int_equal(col_kind_of("faults"), COL_KIND_COUNT);
	assert_int_equal(col_kind_of("pt_bytes"), COL_KIND_BYTES);
	assert_int_equal(col_kind_of("stlb_conflict"), COL_KIND_COUNT);
	assert_null(col_label_find("whatever"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_series),
		cmocka_unit_test(test_tlb_full),
		cmocka_unit_test(test_ranges_and_ticks),
		cmocka_unit_test(test_memory_axis),
		cmocka_unit_test(test_markers),
		cmocka_unit_test(test_hostile_strings),
		cmocka_unit_test(test_same_file),
		cmocka_unit_test(test_facet),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_memory_spec),
		cmocka_unit_test(test_labels),
	};

	return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
