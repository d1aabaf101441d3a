/*
 * test_analysis.c - the pieces of analysis/ that read and judge results:
 *
 * SPDX-License-Identifier: BSD-2-Clause
 *
 *   csv      the reader (quotes, CRLF, BOM, blank lines, multi-line cells)
 *            and every error with its line; write/parse round trip; merge
 *            (union of columns, exact repeats dropped, conflicts named)
 *   roles    which columns are configuration, metric or provenance
 *   check    identical results pass; a planted regression fails, and passes
 *            within a tolerance; missing rows fail, new rows do not;
 *            duplicate configurations are refused; the JUnit XML
 *   (plot    the .gp and .dat of figures: tests/test_plot.c)
 *   batch    the spec parser (groups, defaults, aliases, quoting) and each
 *            error with its line; the plan (globs, cell names, done cells,
 *            command lines); running cells a few at a time resumes without
 *            redoing any
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
#include "policy.h"
#include "replay.h"
#include "testutil.h"

/* ------------------------------------------------------------ helpers */

static void parse_ok(struct csv *c, const char *text)
{
	struct vm_diag d = { 0 };

	if (csv_parse(c, "t.csv", text, strlen(text), &d))
		fail_msg("csv_parse: %s", d.msg);
}

static void parse_bad(const char *text, size_t len, const char *msg)
{
	struct vm_diag d = { 0 };
	struct csv c;

	assert_true(csv_parse(&c, "t.csv", text, len, &d) < 0);
	if (!strstr(d.msg, msg))
		fail_msg("'%s' does not contain '%s'", d.msg, msg);
	assert_null(c.cells);
}

static void spit(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static char tmpdir[64];

static int make_tmpdir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "/tmp/vmsim-ta.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* ---------------------------------------------------------------- csv */

static void test_csv_parse(void **state)
{
	struct csv c;

	(void)state;
	/* BOM, CRLF, a blank line, quotes with commas, doubled quotes and a
	 * newline, no newline at the end */
	parse_ok(&c, "\xef\xbb\xbf" "a,b,c\r\n1,\"x,y\",\"say \"\"hi\"\"\"\r\n\r\n"
		     "2,\"two\nlines\",\n3,,last");
	assert_int_equal(c.ncols, 3);
	assert_string_equal(c.cols[0], "a");
	assert_string_equal(c.cols[2], "c");
	assert_int_equal(c.nrows, 3);
	assert_string_equal(csv_cell(&c, 0, 1), "x,y");
	assert_string_equal(csv_cell(&c, 0, 2), "say \"hi\"");
	assert_string_equal(csv_cell(&c, 1, 1), "two\nlines");
	assert_string_equal(csv_cell(&c, 1, 2), "");
	assert_string_equal(csv_cell(&c, 2, 2), "last");
	/* lines: header 1, row 2, blank 3, row 4 (two lines), row 6 */
	assert_int_equal(c.line[0], 2);
	assert_int_equal(c.line[1], 4);
	assert_int_equal(c.line[2], 6);
	assert_int_equal(csv_col(&c, "b"), 1);
	assert_int_equal(csv_col(&c, "z"), -1);
	assert_string_equal(csv_cell(&c, 0, -1), "");
	assert_string_equal(csv_cell(&c, 9, 0), "");
	csv_free(&c);

	/* a header alone is a table with no rows */
	parse_ok(&c, "x,y\n");
	assert_int_equal(c.nrows, 0);
	assert_int_equal(c.ncols, 2);
	csv_free(&c);
}

static void test_csv_errors(void **state)
{
	(void)state;
	parse_bad("a,b,c\n1,2,3\n4,5\n", 16, "t.csv:3: 2 cells, but the header has 3");
	parse_bad("a,b\n1,\"open\n2,3\n4,5\n", 20, "t.csv:2: a quoted cell is not closed");
	parse_bad("a,b\n1,\"x\"y\n", 11, "t.csv:2: text after a closing quote");
	parse_bad("a,b,a\n", 6, "t.csv:1: column 'a' appears twice");
	parse_bad("a,,b\n", 5, "t.csv:1: column 2 of the header has no name");
	parse_bad("", 0, "t.csv: empty");
	parse_bad("\n\n", 2, "t.csv: empty");
	parse_bad("a,b\n1,x\"y\n", 10, "t.csv:2: a quote inside an unquoted cell");
	parse_bad("a,b\n1,2\n3,\0\n", 12, "t.csv:3: a NUL byte");
	parse_bad("a,b\n1,2\rx\n", 10, "t.csv:2: a carriage return");
}

static void test_csv_numbers_and_roundtrip(void **state)
{
	struct vm_diag d = { 0 };
	struct csv c, c2;
	char *buf = NULL;
	size_t n = 0, r, k;
	double v;
	FILE *f;

	(void)state;
	parse_ok(&c, "n,s\n1.5,x\n,\"a\"\"b,\nc\"\nnan,1e3\n");
	assert_int_equal(csv_cell_f64(&c, 0, 0, &v), 0);
	assert_true(v == 1.5);
	assert_int_equal(csv_cell_f64(&c, 0, 1, &v), VM_ERR_FORMAT);  /* "x" */
	assert_int_equal(csv_cell_f64(&c, 1, 0, &v), VM_ERR_FORMAT);  /* empty */
	assert_int_equal(csv_cell_f64(&c, 2, 0, &v), VM_ERR_FORMAT);  /* nan */
	assert_int_equal(csv_cell_f64(&c, 2, 1, &v), 0);
	assert_true(v == 1000);
	f = open_memstream(&buf, &n);
	assert_int_equal(csv_write(&c, f), 0);
	fclose(f);
	assert_int_equal(csv_parse(&c2, "again", buf, n, &d), 0);
	assert_int_equal(c2.nrows, c.nrows);
	for (r = 0; r < c.nrows; r++)
		for (k = 0; k < c.ncols; k++)
			assert_string_equal(csv_cell(&c, r, (int)k), csv_cell(&c2, r, (int)k));
	free(buf);
	csv_free(&c);
	csv_free(&c2);
}

/* Found by tests/fuzz/fuzz_csv.c: csv_write must write what csv_parse reads
 * back unchanged, also where an unquoted cell would read differently. */
static void roundtrip(const char *text, size_t len)
{
	struct vm_diag d = { 0 };
	struct csv c, c2;
	char *buf = NULL;
	size_t n = 0, k;
	FILE *f;

	if (csv_parse(&c, "t.csv", text, len, &d))
		fail_msg("csv_parse: %s", d.msg);
	f = open_memstream(&buf, &n);
	assert_int_equal(csv_write(&c, f), 0);
	fclose(f);
	if (csv_parse(&c2, "again", buf, n, &d))
		fail_msg("csv_write wrote what csv_parse refuses: %s", d.msg);
	assert_int_equal(c2.ncols, c.ncols);
	assert_int_equal(c2.nrows, c.nrows);
	for (k = 0; k < c.ncols; k++)
		assert_string_equal(c2.cols[k], c.cols[k]);
	for (k = 0; k < c.nrows * c.ncols; k++)
		assert_string_equal(c2.cells[k], c.cells[k]);
	free(buf);
	csv_free(&c);
	csv_free(&c2);
}

static void test_csv_roundtrip_fuzzed(void **state)
{
	(void)state;
	/* one column, an empty cell: written bare it would be an empty line,
	 * which the reader skips, and the row was lost (csv-crash-1f86d710) */
	roundtrip("a\n\"\"\nx\n", 7);
	/* a first column whose name starts with the bytes of a BOM (quoted in
	 * the input, so they are part of the name): written bare, the reader
	 * would take them for a BOM and drop them */
	roundtrip("\"\xef\xbb\xbf" "a\",b\n1,2\n", 12);
}

static void test_csv_merge(void **state)
{
	struct vm_diag d = { 0 };
	struct csv in[4], out;

	(void)state;
	parse_ok(&in[0], "trace,policy,frames,faults,mode\nt,lru,4,10,one-pass\nt,lru,8,5,one-pass\n");
	/* a column the first lacks; a row that repeats one exactly (mode aside) */
	parse_ok(&in[1], "trace,policy,frames,faults,seed,mode\nt,lru,8,5,,loaded\n"
			 "t,fifo,4,12,1,loaded\n");
	assert_int_equal(csv_merge(&out, in, 2, &d), 0);
	assert_int_equal(out.ncols, 6);
	assert_string_equal(out.cols[4], "mode");
	assert_string_equal(out.cols[5], "seed");
	assert_int_equal(out.nrows, 3);
	assert_string_equal(csv_cell(&out, 0, 2), "4");
	assert_string_equal(csv_cell(&out, 1, 2), "8");
	assert_string_equal(csv_cell(&out, 2, 1), "fifo");
	assert_string_equal(csv_cell(&out, 2, 5), "1");
	assert_string_equal(csv_cell(&out, 0, 5), "");
	csv_free(&out);
	/* a one-pass OPT row (writebacks empty) and a per-size one: compatible,
	 * the fuller row is kept */
	parse_ok(&in[2], "trace,policy,frames,faults,writebacks,mode\nt,opt,4,7,,one-pass\n");
	parse_ok(&in[3], "trace,policy,frames,faults,writebacks,mode\nt,opt,4,7,3,loaded\n");
	assert_int_equal(csv_merge(&out, in + 2, 2, &d), 0);
	assert_int_equal(out.nrows, 1);
	assert_string_equal(csv_cell(&out, 0, 4), "3");
	csv_free(&out);
	assert_int_equal(csv_merge(&out, in + 2, 1, &d), 0);
	assert_string_equal(csv_cell(&out, 0, 4), "");
	csv_free(&out);
	csv_free(&in[2]);
	csv_free(&in[3]);
	/* the same configuration with another result: an error naming both */
	parse_ok(&in[2], "trace,policy,frames,faults\nt,lru,4,11\n");
	in[2].name[0] = 'u';
	assert_int_equal(csv_merge(&out, in, 3, &d), VM_ERR_FORMAT);
	if (!strstr(d.msg, "t.csv:2 and u.csv:2") || !strstr(d.msg, "policy=lru frames=4"))
		fail_msg("merge conflict message: %s", d.msg);
	csv_free(&in[0]);
	csv_free(&in[1]);
	csv_free(&in[2]);
}

static void test_roles(void **state)
{
	(void)state;
	assert_int_equal(result_col_role("trace"), RESULT_KEY);
	assert_int_equal(result_col_role("policy"), RESULT_KEY);
	assert_int_equal(result_col_role("frames"), RESULT_KEY);
	assert_int_equal(result_col_role("lfu_aging"), RESULT_KEY);
	assert_int_equal(result_col_role("tlb"), RESULT_KEY);
	assert_int_equal(result_col_role("faults"), RESULT_METRIC);
	assert_int_equal(result_col_role("hit_rate"), RESULT_METRIC);
	assert_int_equal(result_col_role("writebacks"), RESULT_METRIC);
	assert_int_equal(result_col_role("tlb_misses"), RESULT_METRIC);
	assert_int_equal(result_col_role("stlb_conflict"), RESULT_METRIC);
	assert_int_equal(result_col_role("walks"), RESULT_METRIC);
	assert_int_equal(result_col_role("mode"), RESULT_INFO);
	assert_int_equal(result_col_role("version"), RESULT_INFO);
	assert_int_equal(result_col_role("trace_id"), RESULT_TRACE_ID);
	/* the shared schema: every column has a role, its metrics are metrics */
	assert_int_equal(result_col_role(result_cols[0].name), RESULT_KEY);
	assert_string_equal(result_cols[6].name, "faults");
}

/* -------------------------------------------------------------- check */

static const char base_csv[] =
	"trace,policy,frames,page_size,faults,hit_rate,mode,version\n"
	"a.vmt,lru,16,4096,1000,0.9,one-pass,0.1.0\n"
	"a.vmt,lru,32,4096,500,0.95,one-pass,0.1.0\n"
	"a.vmt,fifo,16,4096,1200,0.88,loaded,0.1.0\n";

static void run_check(const char *result, const struct check_opts *o, struct check_report *r)
{
	struct vm_diag d = { 0 };
	struct csv res, base;

	parse_ok(&base, base_csv);
	parse_ok(&res, result);
	if (check_run(&res, &base, o, r, &d))
		fail_msg("check_run: %s", d.msg);
	csv_free(&res);
	csv_free(&base);
}

static const char *diff_cell(const struct check_report *r, size_t row, const char *col)
{
	int c = table_col(&r->diff, col);

	assert_true(c >= 0 && row < r->diff.nrows);
	return r->diff.cells[row * r->diff.ncols + (size_t)c].s;
}

static void test_check_identical(void **state)
{
	struct check_opts o = { 0 };
	struct check_report r;

	(void)state;
	/* other mode and version, rows in another order: still identical */
	run_check("trace,policy,frames,page_size,faults,hit_rate,mode,version\n"
		  "a.vmt,fifo,16,4096,1200,0.88,loaded,9.9\n"
		  "a.vmt,lru,32,4096,500,0.950000,loaded,9.9\n"
		  "a.vmt,lru,16,4096,1000,0.9,loaded,9.9\n", &o, &r);
	assert_int_equal(r.rows, 3);
	assert_int_equal(r.values, 6);
	assert_int_equal(r.changed, 0);
	assert_int_equal(r.failed, 0);
	assert_int_equal(r.missing, 0);
	assert_int_equal(r.extra, 0);
	assert_int_equal(r.diff.nrows, 0);
	assert_null(r.cases[0].failure);
	check_report_free(&r);
}

static void test_check_regression(void **state)
{
	static const char planted[] =
		"trace,policy,frames,page_size,faults,hit_rate,mode,version\n"
		"a.vmt,lru,16,4096,1100,0.9,one-pass,0.1.0\n"  /* faults +10% */
		"a.vmt,lru,32,4096,500,0.95,one-pass,0.1.0\n"
		"a.vmt,lfu,16,4096,900,0.91,loaded,0.1.0\n";   /* new; fifo missing */
	struct check_opts o = { 0 };
	struct check_report r;
	double rel;

	(void)state;
	run_check(planted, &o, &r);
	assert_int_equal(r.changed, 1);
	assert_int_equal(r.failed, 1);
	assert_int_equal(r.missing, 1);
	assert_int_equal(r.extra, 1);
	/* baseline order: lru 16 (FAIL), fifo 16 (missing); then the new row */
	assert_int_equal(r.diff.nrows, 3);
	assert_string_equal(diff_cell(&r, 0, "status"), "FAIL");
	/* only the varying key columns name the row */
	assert_string_equal(diff_cell(&r, 0, "row"), "policy=lru frames=16");
	assert_string_equal(diff_cell(&r, 0, "metric"), "faults");
	assert_string_equal(diff_cell(&r, 0, "baseline"), "1000");
	assert_string_equal(diff_cell(&r, 0, "result"), "1100");
	rel = r.diff.cells[table_col(&r.diff, "rel_change")].f;
	assert_true(rel > 0.0999 && rel < 0.1001);
	assert_string_equal(diff_cell(&r, 1, "status"), "missing");
	assert_string_equal(diff_cell(&r, 1, "row"), "policy=fifo frames=16");
	assert_string_equal(diff_cell(&r, 2, "status"), "new");
	assert_non_null(strstr(r.cases[0].failure, "faults 1000 -> 1100 (+10%)"));
	assert_null(r.cases[1].failure);
	assert_non_null(strstr(r.cases[2].failure, "missing"));
	check_report_free(&r);

	/* within 20%: listed, not failed */
	o.tolerance = 0.2;
	run_check(planted, &o, &r);
	assert_int_equal(r.failed, 0);
	assert_int_equal(r.changed, 1);
	assert_string_equal(diff_cell(&r, 0, "status"), "within");
	check_report_free(&r);
	/* 5% relative fails, but 100 absolute passes */
	o.tolerance = 0.05;
	o.abs_tolerance = 100;
	run_check(planted, &o, &r);
	assert_int_equal(r.failed, 0);
	check_report_free(&r);
	o.abs_tolerance = 99;
	run_check(planted, &o, &r);
	assert_int_equal(r.failed, 1);
	check_report_free(&r);
	/* --all lists the unchanged values too */
	memset(&o, 0, sizeof o);
	o.all = 1;
	run_check(planted, &o, &r);
	assert_int_equal(r.diff.nrows, 1 + 3 + 1 + 1); /* FAIL, 3 same, missing, new */
	check_report_free(&r);
}

static void test_check_errors_and_options(void **state)
{
	struct check_opts o = { 0 };
	struct check_report r;
	struct vm_diag d = { 0 };
	struct csv res, base;

	(void)state;
	parse_ok(&base, base_csv);
	/* the same configuration twice */
	parse_ok(&res, "trace,policy,frames,page_size,faults,hit_rate\n"
		       "a.vmt,lru,16,4096,1,1\na.vmt,lru,16,4096,2,1\n");
	assert_int_equal(check_run(&res, &base, &o, &r, &d), VM_ERR_FORMAT);
	assert_non_null(strstr(d.msg, "t.csv:2 and line 3: the same configuration"));
	check_report_free(&r);
	csv_free(&res);
	/* a key column the result lacks */
	parse_ok(&res, "trace,policy,frames,faults,hit_rate\na.vmt,lru,16,1,1\n");
	assert_int_equal(check_run(&res, &base, &o, &r, &d), VM_ERR_FORMAT);
	assert_non_null(strstr(d.msg, "has no column 'page_size'"));
	check_report_free(&r);
	/* --key and --metrics by name: compare hit_rate only, match on policy
	 * and frames */
	csv_free(&res);
	parse_ok(&res, "policy,frames,hit_rate,faults\nlru,16,0.9,1\nlru,32,0.95,2\n"
		       "fifo,16,0.88,3\n");
	o.keys = "policy,frames";
	o.metrics = "hit_rate";
	assert_int_equal(check_run(&res, &base, &o, &r, &d), 0);
	assert_int_equal(r.failed, 0);
	assert_int_equal(r.values, 3);
	check_report_free(&r);
	o.keys = "policy,nonesuch";
	assert_int_equal(check_run(&res, &base, &o, &r, &d), VM_ERR_USAGE);
	assert_non_null(strstr(d.msg, "no column 'nonesuch'"));
	check_report_free(&r);
	csv_free(&res);
	csv_free(&base);
}

static void test_check_junit(void **state)
{
	struct check_opts o = { 0 };
	struct check_report r;
	struct vm_diag d = { 0 };
	struct csv res, base;
	char path[128], *x;

	(void)state;
	parse_ok(&base, "trace,policy,frames,faults\nx<&>.vmt,lru,4,10\nx<&>.vmt,lru,8,5\n");
	parse_ok(&res, "trace,policy,frames,faults\nx<&>.vmt,lru,4,10\nx<&>.vmt,lru,8,6\n");
	assert_int_equal(check_run(&res, &base, &o, &r, &d), 0);
	snprintf(path, sizeof path, "%s/junit.xml", tmpdir);
	assert_int_equal(check_junit_write(&r, path, &d), 0);
	x = slurp(path);
	assert_non_null(strstr(x, "<?xml version=\"1.0\""));
	assert_non_null(strstr(x, "<testsuites name=\"vmsim check\" tests=\"2\" failures=\"1\""));
	/* the file name's dot is no package separator */
	assert_non_null(strstr(x, "classname=\"vmsim.check.x&lt;&amp;&gt;_vmt\" "
				  "name=\"frames=4\"/>"));
	assert_non_null(strstr(x, "<failure type=\"regression\" message=\"faults 5 -&gt; 6 "
				  "(+20%)"));
	assert_null(strstr(x, "x<&>"));
	assert_non_null(strstr(x, "<property name=\"vmsim_version\" value=\"" VMSIM_VERSION "\"/>"));
	free(x);
	check_report_free(&r);
	csv_free(&res);
	csv_free(&base);
}

/* -------------------------------------------------------------- batch */

static void test_spec_parse(void **state)
{
	struct batch_spec s;

	(void)state;
	spec_ok(&s, "# a comment\n"
		    "title = Course traces  ; with a comment\n"
		    "traces = a.vmt \"b c.vmt\"\n"
		    "trace = t/*.txt\n"              /* alias, and it accumulates */
		    "policies = lru, opt\n"
		    "frames = 1:8:x2\n"
		    "page_sizes = 4K,2M\n"          /* underscore spelling */
		    "figures = faults\n"
		    "figure-format = svg\n"
		    "log-x = yes\n"
		    "\n"
		    "[small]\n"
		    "frames = 1:4\n"
		    "[big]\n"
		    "traces = big.vmt\n"
		    "seed = 9\n"
		    "lfu-aging = 4096\n");
	assert_string_equal(s.dir, "dir");
	assert_string_equal(s.title, "Course traces");
	assert_string_equal(s.figures, "faults");
	assert_string_equal(s.figure_format, "svg");
	assert_int_equal(s.log_x, 1);
	assert_int_equal(s.ngroups, 3);
	/* the traces before any section are the group "main", with the defaults */
	assert_string_equal(s.groups[0].name, "main");
	assert_int_equal(s.groups[0].line, 0);
	assert_int_equal(s.groups[0].ntraces, 3);
	assert_string_equal(s.groups[0].frames, "1:8:x2");
	/* [small] inherits the top's traces, policies and page sizes */
	assert_string_equal(s.groups[1].name, "small");
	assert_int_equal(s.groups[1].line, 12);
	assert_int_equal(s.groups[1].ntraces, 3);
	assert_string_equal(s.groups[1].traces[1], "b c.vmt");
	assert_string_equal(s.groups[1].traces[2], "t/*.txt");
	assert_int_equal(s.groups[1].trace_line[2], 4);
	assert_string_equal(s.groups[1].frames, "1:4");
	assert_string_equal(s.groups[1].policies, "lru, opt");
	assert_string_equal(s.groups[1].page_sizes, "4K,2M");
	assert_int_equal(s.groups[1].seed, 1);
	/* [big] has its own traces, seed and aging */
	assert_int_equal(s.groups[2].ntraces, 1);
	assert_string_equal(s.groups[2].traces[0], "big.vmt");
	assert_string_equal(s.groups[2].frames, "1:8:x2");
	assert_int_equal(s.groups[2].seed, 9);
	assert_int_equal(s.groups[2].lfu_aging, 4096);
	batch_spec_free(&s);

	/* no sections: one group, "main", with the defaults */
	spec_ok(&s, "traces = x.vmt\n");
	assert_int_equal(s.ngroups, 1);
	assert_string_equal(s.groups[0].name, "main");
	assert_string_equal(s.groups[0].policies, "all");
	assert_string_equal(s.groups[0].frames, "auto");
	assert_string_equal(s.groups[0].page_sizes, "4K");
	assert_string_equal(s.figures, "hit-rate, faults");
	assert_string_equal(s.figure_format, "png");
	assert_int_equal(s.log_x, 0);
	batch_spec_free(&s);
	spec_ok(&s, "traces = x.vmt\nfigures = none\n");
	assert_string_equal(s.figures, "");
	batch_spec_free(&s);
}

static void test_spec_errors(void **state)
{
	(void)state;
	spec_bad("traces = a\n\nframez = 4\n",
		 "spec.ini:3: unknown key 'framez' (known: traces, policies, frames");
	spec_bad("traces = a\njust words\n", "spec.ini:2: expected 'key = value' or [section]");
	spec_bad("traces = a\nframes = 4\nframes = 8\n",
		 "spec.ini:3: frames is given twice (first at line 2)");
	spec_bad("[a]\ntraces = x\n[a]\n", "spec.ini:3: section [a] again (first at line 1)");
	spec_bad("[a b]\n", "spec.ini:1: a section is [NAME]");
	spec_bad("[]\n", "spec.ini:1: a section is [NAME]");
	spec_bad("traces = a\n[s]\ntitle = T\n", "spec.ini:3: title applies to the whole batch");
	spec_bad("traces = a\npolicies = lru,lur\n", "spec.ini:2: policies: unknown policy 'lur'");
	spec_bad("traces = a\nframes = 8:4\n", "spec.ini:2: frames: frames '8:4'");
	spec_bad("traces = a\npage-sizes = 4K, 3K\n", "spec.ini:2: page-sizes: page size '3K'");
	spec_bad("traces = a\nseed = -1\n", "spec.ini:2: seed: '-1'");
	spec_bad("traces = a\nfigures = hit-rate, speed\n", "spec.ini:2: metrics: unknown metric 'speed'");
	spec_bad("traces = a\nfigure-format = gif\n", "spec.ini:2: figure-format: 'gif'");
	spec_bad("traces = a\nlog-x = maybe\n", "spec.ini:2: log-x: 'maybe'");
	spec_bad("traces = a\nframes =\n", "spec.ini:2: frames has no value");
	spec_bad("traces = \"a b\n", "spec.ini:1: a quoted pattern is not closed");
	spec_bad("policies = lru\n[s]\nframes = 4\n", "spec.ini:2: section [s] names no traces");
	spec_bad("policies = lru\n", "spec.ini: names no traces");
	spec_bad("", "spec.ini: names no traces");
	{
		struct vm_diag d = { 0 };
		struct batch_spec s;

		assert_int_equal(batch_spec_parse(&s, "spec.ini", "traces = a\0\n", 12, &d),
				 VM_ERR_FORMAT);
		assert_non_null(strstr(d.msg, "NUL"));
		/* the NUL's line is named (tests/hostile.md) */
		assert_int_equal(batch_spec_parse(&s, "spec.ini", "traces = a\n\nseed = 1\0\n",
						  21, &d), VM_ERR_FORMAT);
		assert_non_null(strstr(d.msg, "spec.ini:3: a NUL byte"));
	}
}

static void test_plan_and_resume(void **state)
{
	char spec[256], dir[128], p[1024], *cmd;
	struct batch_spec s;
	struct batch_cell *cells;
	struct batch_run_opts ro = { 0 };
	struct vm_diag d = { 0 };
	size_t n, i, done;

	(void)state;
	/* three traces (one with a blank in its name), two page sizes */
	snprintf(p, sizeof p, "%s/tr", tmpdir);
	mkdir(p, 0755);
	snprintf(p, sizeof p, "%s/tr/b.txt", tmpdir);
	spit(p, "1\n2\n3\n4\n1\n2\n5\n1\n2\n3\n4\n5\n");
	snprintf(p, sizeof p, "%s/tr/a.txt", tmpdir);
	spit(p, "0x1000\n0x2000\n0x1000\n0x3000\nW 0x1000\n");
	snprintf(p, sizeof p, "%s/tr/c d.txt", tmpdir);
	spit(p, "1\n1\n2\n");
	snprintf(spec, sizeof spec, "%s/spec.ini", tmpdir);
	spit(spec, "traces = tr/*.txt\npolicies = lru,fifo\nframes = 1:3\npage-sizes = 1,4K\n"
		   "figures = none\n");
	snprintf(dir, sizeof dir, "%s/out", tmpdir);
	assert_int_equal(batch_spec_read(&s, spec, &d), 0);
	assert_int_equal(batch_prepare_dir(dir, &d), 0);
	assert_int_equal(batch_plan(&s, dir, &cells, &n, &d), 0);
	assert_int_equal(n, 6);
	/* globs sorted: a, b, "c d"; each at 1 and 4K */
	snprintf(p, sizeof p, "%s/tr/a.txt", tmpdir);
	assert_string_equal(cells[0].trace, p);
	assert_int_equal(cells[0].page_shift, 0);
	assert_int_equal(cells[1].page_shift, 12);
	assert_true(strncmp(cells[1].name, "main-a-4K-", 10) == 0);
	assert_int_equal(strlen(cells[1].name), 18);
	assert_true(strncmp(cells[4].name, "main-c_d-1-", 11) == 0);
	for (i = 0; i < n; i++)
		assert_int_equal(cells[i].done, 0);
	assert_string_equal(cells[4].label, "tr/c d.txt");
	assert_int_equal(cells[4].index, 5);
	{
		struct batch_plan_opts po = { 0 };
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);

		po.kind = BATCH_PLAN_PARALLEL;
		po.spec = "my spec.ini";
		po.dir = "-out";
		po.vmsim = "/opt/vm sim";
		assert_int_equal(batch_write_plan(f, &s, cells, n, &po, &d), 0);
		fclose(f);
		assert_non_null(strstr(buf, "'/opt/vm sim' batch 'my spec.ini' -o ./-out --cell 5 "
				       "-j 1 --threads 1 -q\n"));
		free(buf);
	}

	/* two cells now, then the rest: nothing is redone */
	ro.jobs = 2;
	ro.threads = 1;
	ro.max_cells = 2;
	assert_int_equal(batch_run(cells, n, &ro, &d), 0);
	for (i = done = 0; i < n; i++)
		done += cells[i].done;
	assert_int_equal(done, 2);
	batch_cells_free(cells, n);
	assert_int_equal(batch_plan(&s, dir, &cells, &n, &d), 0);
	for (i = done = 0; i < n; i++)
		done += cells[i].done;
	assert_int_equal(done, 2); /* the files say so */
	{
		struct stat before, after;

		snprintf(p, sizeof p, "%s", cells[0].out);
		assert_int_equal(stat(p, &before), 0);
		ro.max_cells = 0;
		assert_int_equal(batch_run(cells, n, &ro, &d), 0);
		assert_int_equal(stat(p, &after), 0);
		assert_int_equal(before.st_ino, after.st_ino); /* not rewritten */
	}
	for (i = 0; i < n; i++)
		assert_int_equal(cells[i].done, 1);
	assert_int_equal(batch_finish(&s, cells, n, dir, 1, 0, &d), 0);
	{
		struct csv c;

		snprintf(p, sizeof p, "%s/results.csv", dir);
		assert_int_equal(csv_read(&c, p, &d), 0);
		assert_int_equal(c.nrows, 6 * 2 * 3); /* cells x policies x sizes */
		csv_free(&c);
		snprintf(p, sizeof p, "%s/index.md", dir);
		cmd = slurp(p);
		assert_non_null(strstr(cmd, "6 of 6 cells done"));
		assert_non_null(strstr(cmd, "| best policy |"));
		free(cmd);
	}
	batch_cells_free(cells, n);
	batch_spec_free(&s);

	/* a pattern that matches nothing names its line */
	spit(spec, "policies = lru\n\ntraces = tr/*.nope\n");
	assert_int_equal(batch_spec_read(&s, spec, &d), 0);
	assert_int_equal(batch_plan(&s, dir, &cells, &n, &d), VM_ERR_IO);
	assert_non_null(strstr(d.msg, "spec.ini:3: 'tr/*.nope' matches no file"));
	batch_spec_free(&s);
	spit(spec, "traces = tr/a.txt\ntraces = tr/none.txt\n");
	assert_int_equal(batch_spec_read(&s, spec, &d), 0);
	assert_int_equal(batch_plan(&s, dir, &cells, &n, &d), VM_ERR_IO);
	assert_non_null(strstr(d.msg, "spec.ini:2: 'tr/none.txt' does not exist"));
	batch_spec_free(&s);
	snprintf(p, sizeof p, "%s/nonesuch.ini", tmpdir);
	assert_int_equal(batch_spec_read(&s, p, &d), VM_ERR_IO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_parse),
		cmocka_unit_test(test_csv_errors),
		cmocka_unit_test(test_csv_numbers_and_roundtrip),
		cmocka_unit_test(test_csv_roundtrip_fuzzed),
		cmocka_unit_test(test_csv_merge),
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_check_identical),
		cmocka_unit_test(test_check_regression),
		cmocka_unit_test(test_check_errors_and_options),
		cmocka_unit_test(test_check_junit),
		cmocka_unit_test(test_spec_parse),
		cmocka_unit_test(test_spec_errors),
		cmocka_unit_test(test_plan_and_resume),
	};

	return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
