/*
 * test_check.c - how check and merge recognise a trace, and what check
 * writes for CI:
 *
 *   paths     result_trace_path, a table worked by hand
 *   identity  rows matched by trace_id whatever the path's spelling; by the
 *             normalised path where a row has none; a regenerated trace is
 *             another trace; ambiguous and duplicate rows are errors; merge
 *             joins rows of one trace from two folders
 *   JUnit     hostile names (markup, quotes, controls, bytes that are not
 *             UTF-8, C1, a backslash) give well-formed UTF-8 XML
 *   JSON      baseline and result as JSON numbers
 *   numbers   decimals of different precision compare at the coarser one
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "analysis.h"

static void parse_ok(struct csv *c, const char *text)
{
	struct vm_diag d = { 0 };

	if (csv_parse(c, "t.csv", text, strlen(text), &d))
		fail_msg("csv_parse: %s", d.msg);
}

static const char *diff_cell(const struct check_report *r, size_t row, const char *col)
{
	int c = table_col(&r->diff, col);

	assert_true(c >= 0 && row < r->diff.nrows);
	return r->diff.cells[row * r->diff.ncols + (size_t)c].s;
}

/* result_trace_path, worked by hand: "." and empty components go, ".."
 * takes the component before it unless there is none to take. */
static void test_trace_path(void **state)
{
	static const char *const cases[][2] = {
		{ "traces/m.vmt", "traces/m.vmt" },
		{ "./traces/m.vmt", "traces/m.vmt" },
		{ "traces//m.vmt", "traces/m.vmt" },
		{ "traces/./x/../m.vmt", "traces/m.vmt" },
		{ "a/../traces/m.vmt", "traces/m.vmt" },
		{ "../traces/m.vmt", "../traces/m.vmt" },   /* relative stays relative */
		{ "a/../../m.vmt", "../m.vmt" },
		{ "../../m.vmt", "../../m.vmt" },
		{ "/home/me/./t/../m.vmt", "/home/me/m.vmt" },
		{ "/../m.vmt", "/m.vmt" },                   /* the root's parent is the root */
		{ "//m.vmt", "/m.vmt" },
		{ "m.vmt/", "m.vmt" },
		{ "./", "." },
		{ "a/..", "." },
		{ "-", "-" },                                /* standard input */
		{ ".hidden/..x", ".hidden/..x" },            /* names that only look like dots */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *p = result_trace_path(cases[i][0]);

		if (strcmp(p, cases[i][1]))
			fail_msg("'%s' -> '%s', wanted '%s'", cases[i][0], p, cases[i][1]);
		free(p);
	}
}

static void check_pair(const char *base_text, const char *res_text, struct check_report *r)
{
	struct check_opts o = { 0 };
	struct vm_diag d = { 0 };
	struct csv res, base;

	parse_ok(&base, base_text);
	parse_ok(&res, res_text);
	if (check_run(&res, &base, &o, r, &d))
		fail_msg("check_run: %s", d.msg);
	csv_free(&res);
	csv_free(&base);
}

static void test_check_trace_id(void **state)
{
	static const char base[] =
		"trace,policy,frames,faults,trace_id\n"
		"traces/m.vmt,lru,4,10,00000000000000aa\n"
		"traces/m.vmt,lru,8,5,00000000000000aa\n"
		"traces/s.vmt,lru,4,7,00000000000000bb\n";
	struct check_report r;
	struct vm_diag d = { 0 };
	struct csv b, x;
	struct check_opts o = { 0 };

	(void)state;
	/* another spelling, another folder: the ids match */
	check_pair(base, "trace,policy,frames,faults,trace_id\n"
			 "../traces/m.vmt,lru,4,10,00000000000000aa\n"
			 "../traces/m.vmt,lru,8,5,00000000000000aa\n"
			 "./traces/s.vmt,lru,4,7,00000000000000bb\n", &r);
	assert_int_equal(r.missing, 0);
	assert_int_equal(r.extra, 0);
	assert_int_equal(r.values, 3);
	check_report_free(&r);
	/* one trace in both, spelt two ways: it does not name the cases */
	check_pair("trace,policy,frames,faults,trace_id\ntraces/m.vmt,lru,4,10,0a\n"
		   "traces/m.vmt,lru,8,5,0a\n",
		   "trace,policy,frames,faults,trace_id\n./traces/m.vmt,lru,4,10,0a\n"
		   "./traces/m.vmt,lru,8,6,0a\n", &r);
	assert_string_equal(r.cases[0].name, "frames=4");
	assert_int_equal(r.failed, 1);
	check_report_free(&r);
	/* the same path, another id: another trace (regenerated), so missing */
	check_pair(base, "trace,policy,frames,faults,trace_id\n"
			 "traces/m.vmt,lru,4,10,00000000000000cc\n"
			 "traces/m.vmt,lru,8,5,00000000000000aa\n"
			 "traces/s.vmt,lru,4,7,00000000000000bb\n", &r);
	assert_int_equal(r.missing, 1);
	assert_int_equal(r.extra, 1);
	check_report_free(&r);
	/* an old baseline without trace_id: by the path, normalised */
	check_pair("trace,policy,frames,faults\n./traces/m.vmt,lru,4,10\n"
		   "traces//m.vmt,lru,8,5\ntraces/s.vmt,lru,4,7\n", base, &r);
	assert_int_equal(r.missing, 0);
	assert_int_equal(r.extra, 0);
	assert_int_equal(r.values, 3);
	check_report_free(&r);
	/* a result from standard input (--label, no id) against ids: by path */
	check_pair(base, "trace,policy,frames,faults,trace_id\n"
			 "traces/m.vmt,lru,4,10,\ntraces/m.vmt,lru,8,6,\n"
			 "traces/s.vmt,lru,4,7,00000000000000bb\n", &r);
	assert_int_equal(r.missing, 0);
	assert_int_equal(r.failed, 1);
	check_report_free(&r);
	/* without ids the paths decide: a different folder is a different trace */
	check_pair("trace,policy,frames,faults\ntraces/m.vmt,lru,4,10\n",
		   "trace,policy,frames,faults\n../traces/m.vmt,lru,4,10\n", &r);
	assert_int_equal(r.missing, 1);
	check_report_free(&r);
	/* two rows of one configuration and one id in a file: ambiguous */
	parse_ok(&b, base);
	parse_ok(&x, "trace,policy,frames,faults,trace_id\n"
		     "traces/m.vmt,lru,4,10,00000000000000aa\n"
		     "other/m.vmt,lru,4,10,00000000000000aa\n");
	assert_int_equal(check_run(&x, &b, &o, &r, &d), VM_ERR_FORMAT);
	assert_non_null(strstr(d.msg, "t.csv:2 and line 3: the same configuration"));
	assert_non_null(strstr(d.msg, "(the same trace_id 00000000000000aa: copies of one trace)"));
	check_report_free(&r);
	csv_free(&x);
	/* an id-less baseline row, and two result rows at its path with two ids */
	csv_free(&b);
	parse_ok(&b, "trace,policy,frames,faults\nt.vmt,lru,4,10\n");
	parse_ok(&x, "trace,policy,frames,faults,trace_id\nt.vmt,lru,4,10,01\n"
		     "t.vmt,lru,4,11,02\n");
	assert_int_equal(check_run(&x, &b, &o, &r, &d), VM_ERR_FORMAT);
	assert_non_null(strstr(d.msg, "matches 2 rows"));
	check_report_free(&r);
	csv_free(&x);
	csv_free(&b);
}

static void test_merge_trace_id(void **state)
{
	struct vm_diag d = { 0 };
	struct csv in[2], out;

	(void)state;
	/* two spellings of one path join; the same content under two names
	 * stays two traces (copies in a batch must not lose a name's rows) */
	parse_ok(&in[0], "trace,policy,frames,faults,trace_id\ntraces/t.vmt,lru,4,10,00aa\n");
	parse_ok(&in[1], "trace,policy,frames,faults,trace_id\n./traces/t.vmt,lru,4,10,00aa\n"
			 "copy/t.vmt,lru,4,10,00aa\n./traces/u.vmt,lru,4,3,\n");
	assert_int_equal(csv_merge(&out, in, 2, &d), 0);
	assert_int_equal(out.nrows, 3);
	assert_string_equal(csv_cell(&out, 0, 0), "traces/t.vmt");
	assert_string_equal(csv_cell(&out, 1, 0), "copy/t.vmt");
	csv_free(&out);
	csv_free(&in[1]);
	/* one path and id, other results: a conflict */
	parse_ok(&in[1], "trace,policy,frames,faults,trace_id\n./traces/t.vmt,lru,4,11,00aa\n");
	assert_int_equal(csv_merge(&out, in, 2, &d), VM_ERR_FORMAT);
	assert_non_null(strstr(d.msg, "different results"));
	csv_free(&in[1]);
	/* the same path, another id: two traces, both kept */
	parse_ok(&in[1], "trace,policy,frames,faults,trace_id\ntraces/t.vmt,lru,4,11,00bb\n");
	assert_int_equal(csv_merge(&out, in, 2, &d), 0);
	assert_int_equal(out.nrows, 2);
	csv_free(&out);
	csv_free(&in[0]);
	csv_free(&in[1]);
}

/* 1 if s is well-formed UTF-8 without C0 controls other than \t \n \r */
static int xml_clean(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	while (*s) {
		int n = *s < 0x80 ? 1 : *s >= 0xc2 && *s <= 0xdf ? 2 : *s >= 0xe0 && *s <= 0xef ? 3
			: *s >= 0xf0 && *s <= 0xf4 ? 4 : 0;

		if (n == 0 || (*s < 0x20 && *s != '\t' && *s != '\n' && *s != '\r'))
			return 0;
		for (int i = 1; i < n; i++)
			if ((s[i] & 0xc0) != 0x80)
				return 0;
		s += n;
	}
	return 1;
}

static void test_check_junit_hostile(void **state)
{
	/* a quote, an apostrophe, a tab, a backslash, ESC, a stray continuation byte, a lone
	 * lead byte, an overlong '/', a surrogate, a C1 control (NEL) and a
	 * valid e-acute */
	static const char base[] =
		"trace,policy,frames,faults\n"
		"\"q\"\"'\tx\\\x1b[31m\x80\xff\xc0\xaf\xed\xa0\x80\xc2\x85\xc3\xa9.vmt\",lru,4,10\n"
		"\"q\"\"'\tx\\\x1b[31m\x80\xff\xc0\xaf\xed\xa0\x80\xc2\x85\xc3\xa9.vmt\",lru,8,5\n";
	static const char res[] =
		"trace,policy,frames,faults\n"
		"\"q\"\"'\tx\\\x1b[31m\x80\xff\xc0\xaf\xed\xa0\x80\xc2\x85\xc3\xa9.vmt\",lru,4,10\n"
		"\"q\"\"'\tx\\\x1b[31m\x80\xff\xc0\xaf\xed\xa0\x80\xc2\x85\xc3\xa9.vmt\",lru,8,<&>\n";
	struct check_report r;
	struct vm_diag d = { 0 };
	char path[] = "/tmp/vmsim-tc.XXXXXX", *x;
	FILE *f;
	long n;
	int fd;

	(void)state;
	check_pair(base, res, &r);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(check_junit_write(&r, path, &d), 0);
	f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	x = calloc((size_t)n + 1, 1);
	assert_int_equal(fread(x, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	unlink(path);
	assert_true(xml_clean(x));
	assert_non_null(strstr(x, "classname=\"vmsim.check.q&quot;&apos;&#9;x\\x5c\\x1b[31m"
				  "\\x80\\xff\\xc0\\xaf\\xed\\xa0\\x80\\xc2\\x85\xc3\xa9_vmt\""));
	assert_non_null(strstr(x, "message=\"faults 5 -&gt; &lt;&amp;&gt;, beyond"));
	free(x);
	check_report_free(&r);
}

/* A baseline of six decimals against a result of nine digits: equal at the
 * coarser precision (0.992198 is 0.992197760 rounded), unequal beyond it. */
static void test_check_precision(void **state)
{
	struct check_report r;

	(void)state;
	check_pair("trace,policy,frames,faults,hit_rate\nt,lru,4,10,0.992198\n"
		   "t,lru,8,5,0.500000\nt,lru,16,2,0.250000\nt,lru,32,1,1\n",
		   "trace,policy,frames,faults,hit_rate\nt,lru,4,10,0.992197760\n"
		   "t,lru,8,5,0.5\nt,lru,16,2,0.250000600\nt,lru,32,1,1.4\n", &r);
	assert_int_equal(r.changed, 2);
	/* 0.250000600 rounds to 0.250001, not 0.250000 */
	assert_string_equal(diff_cell(&r, 0, "result"), "0.250000600");
	/* an integer against a decimal: exactly (1 is not 1.4 rounded) */
	assert_string_equal(diff_cell(&r, 1, "result"), "1.4");
	check_report_free(&r);
}

static void test_check_json_numbers(void **state)
{
	struct check_report r;
	char *buf = NULL;
	size_t n = 0;
	FILE *f;

	(void)state;
	check_pair("trace,policy,frames,faults,hit_rate,tlb\nt,lru,4,10,0.5,64:4\n"
		   "t,lru,8,1e3,0.25,64:4\nt,lru,16,7,,64:4\n",
		   "trace,policy,frames,faults,hit_rate,tlb\nt,lru,4,11,0.500000,64:4\n"
		   "t,lru,8,+1001,0.25,64:4\nt,lru,16,x,,64:4\n", &r);
	f = open_memstream(&buf, &n);
	assert_int_equal(table_write(&r.diff, f, REPORT_JSON), 0);
	fclose(f);
	/* numbers as JSON numbers, spelt as in the files where JSON spells
	 * them so ("1e3"), else as the number ("+1001"); no number ("x") stays
	 * a string */
	assert_non_null(strstr(buf, "\"metric\": \"faults\", \"baseline\": 10, \"result\": 11,"));
	assert_non_null(strstr(buf, "\"baseline\": 1e3, \"result\": 1001,"));
	assert_non_null(strstr(buf, "\"baseline\": 7, \"result\": \"x\""));
	free(buf);
	check_report_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trace_path),
		cmocka_unit_test(test_check_trace_id),
		cmocka_unit_test(test_merge_trace_id),
		cmocka_unit_test(test_check_junit_hostile),
		cmocka_unit_test(test_check_json_numbers),
		cmocka_unit_test(test_check_precision),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
