/*
 * test_batch.c - the pieces of vmsim batch that turn names into text other
 * programs read, worked by hand:
 *
 *   markdown  every ASCII punctuation escaped, control bytes and bytes that
 *             are not UTF-8 shown as \xNN, valid UTF-8 kept
 *   json      quotes, backslashes and control characters escaped, bytes that
 *             are not UTF-8 made U+FFFD (the output is always valid UTF-8)
 *   tsv       backslash, tab, newline and CR escaped
 *   utf8      the validator refuses overlongs, surrogates and > U+10FFFF
 *   spec      the new keys (metrics, formats, log-y, cluster keys), the
 *             group "main" beside sections, errors with their line
 *   cells     --cell I and I-J parsing and its limits
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

#include <cmocka.h>

#include "batch_int.h"
#include "testutil.h"

static void expect_md(const char *in, const char *want)
{
	struct strbuf b = { 0 };

	sb_markdown(&b, in);
	assert_string_equal(b.s ? b.s : "", want);
	free(b.s);
}

static void expect_json(const char *in, const char *want)
{
	struct strbuf b = { 0 };

	sb_json_string(&b, in);
	assert_string_equal(b.s, want);
	free(b.s);
}

static void test_markdown(void **state)
{
	(void)state;
	expect_md("plain", "plain");
	expect_md("a.txt", "a\\.txt");
	/* a link, an image and HTML cannot open */
	expect_md("[x](javascript:y)", "\\[x\\]\\(javascript\\:y\\)");
	expect_md("![i](u)", "\\!\\[i\\]\\(u\\)");
	expect_md("<img src=x>", "\\<img src\\=x\\>");
	/* a table cell and a code span cannot close */
	expect_md("a|b`c", "a\\|b\\`c");
	/* a newline is shown, not kept: \x0a with its backslash escaped */
	expect_md("a\nb", "a\\\\x0ab");
	/* bytes that are not UTF-8 likewise; valid UTF-8 stays as it is */
	expect_md("f\xff.", "f\\\\xff\\.");
	expect_md("caf\xc3\xa9", "caf\xc3\xa9");
}

static void test_json(void **state)
{
	(void)state;
	expect_json("a", "\"a\"");
	expect_json("q\"b\\", "\"q\\\"b\\\\\"");
	expect_json("n\nl\x01", "\"n\\u000al\\u0001\"");
	expect_json("f\xff\xfe.txt", "\"f\\ufffd\\ufffd.txt\"");
	expect_json("caf\xc3\xa9", "\"caf\xc3\xa9\"");
	/* a lone continuation byte and a truncated sequence */
	expect_json("\x80" "a\xe2\x82", "\"\\ufffda\\ufffd\\ufffd\"");
}

static void test_tsv_and_hex(void **state)
{
	struct strbuf b = { 0 };

	(void)state;
	sb_tsv_field(&b, "a\tb\nc\\d\re");
	assert_string_equal(b.s, "a\\tb\\nc\\\\d\\re");
	free(b.s);
	memset(&b, 0, sizeof b);
	sb_hex(&b, "A\xff");
	assert_string_equal(b.s, "41ff");
	free(b.s);
}

static void test_utf8(void **state)
{
	(void)state;
	assert_int_equal(batch_utf8_len((const unsigned char *)"a"), 1);
	assert_int_equal(batch_utf8_len((const unsigned char *)"\xc3\xa9"), 2);
	assert_int_equal(batch_utf8_len((const unsigned char *)"\xe2\x82\xac"), 3);
	assert_int_equal(batch_utf8_len((const unsigned char *)"\xf0\x9f\x98\x80"), 4);
	assert_int_equal(batch_utf8_len((const unsigned char *)"\xc0\xaf"), 0);     /* overlong '/' */
	assert_int_equal(batch_utf8_len((const unsigned char *)"\xe0\x80\xaf"), 0); /* overlong */
	assert_int_equal(batch_utf8_len((const unsigned char *)"\xed\xa0\x80"), 0); /* surrogate */
	assert_int_equal(batch_utf8_len((const unsigned char *)"\xf4\x90\x80\x80"), 0); /* > 10FFFF */
	assert_int_equal(batch_utf8_len((const unsigned char *)"\xff"), 0);
}

static void test_spec_keys(void **state)
{
	struct batch_spec s;

	(void)state;
	spec_ok(&s, "traces = a.vmt\nmetrics = faults, tlb_misses\nfigure-format = png, pdf\n"
		    "log-y = yes\ncpus = 4\nmem = 2G\ntime = 1:00:00\npartition = short\n"
		    "bundle = 10\n[huge]\npage-sizes = 2M\n");
	assert_string_equal(s.figures, "faults, tlb_misses");
	assert_string_equal(s.figure_format, "png, pdf");
	assert_int_equal(s.log_y, 1);
	assert_int_equal(s.log_x, 0);
	assert_int_equal(s.cpus, 4);
	assert_string_equal(s.mem, "2G");
	assert_string_equal(s.time, "1:00:00");
	assert_string_equal(s.partition, "short");
	assert_int_equal(s.bundle, 10);
	/* the top's traces are "main"; the section runs them at 2M */
	assert_int_equal(s.ngroups, 2);
	assert_string_equal(s.groups[0].name, "main");
	assert_string_equal(s.groups[0].page_sizes, "4K");
	assert_string_equal(s.groups[1].name, "huge");
	assert_string_equal(s.groups[1].page_sizes, "2M");
	assert_string_equal(s.groups[1].traces[0], "a.vmt");
	batch_spec_free(&s);
	/* figures is metrics' old name; none draws nothing */
	spec_ok(&s, "traces = a.vmt\nfigures = none\n");
	assert_string_equal(s.figures, "");
	batch_spec_free(&s);
	/* sections with their own traces and no top traces: no "main" */
	spec_ok(&s, "policies = lru\n[a]\ntraces = x\n[b]\ntraces = y\n");
	assert_int_equal(s.ngroups, 2);
	assert_string_equal(s.groups[0].name, "a");
	batch_spec_free(&s);

	spec_bad("traces = a\nmetrics = faults, speed\n", "spec.ini:2: metrics: unknown metric 'speed'");
	spec_bad("traces = a\nmetrics = trace\n", "spec.ini:2: metrics: unknown metric 'trace'");
	spec_bad("traces = a\nfigure-format = png,,pdf\n", "spec.ini:2: figure-format: '' is not");
	spec_bad("traces = a\nlog-y = maybe\n", "spec.ini:2: log-y: 'maybe' is not yes or no");
	spec_bad("traces = a\ncpus = 0\n", "spec.ini:2: cpus: '0' is not a whole number");
	spec_bad("traces = a\nmem = 4'G\n", "spec.ini:2: mem: '4'G' has a blank, a quote");
	spec_bad("traces = a\n[s]\nbundle = 2\n", "spec.ini:3: bundle applies to the whole batch");
	spec_bad("traces = a\nfigures = faults\nmetrics = faults\n",
		 "spec.ini:3: metrics is given twice (first at line 2)");
	spec_bad("traces = a\n[main]\n", "spec.ini:2: section [main] would clash");
}

static void test_cell_range(void **state)
{
	struct vm_diag d = { 0 };
	size_t a, b;

	(void)state;
	assert_int_equal(batch_cell_range("3", 5, &a, &b, &d), 0);
	assert_int_equal(a, 3);
	assert_int_equal(b, 3);
	assert_int_equal(batch_cell_range("2-5", 5, &a, &b, &d), 0);
	assert_int_equal(a, 2);
	assert_int_equal(b, 5);
	assert_int_equal(batch_cell_range("0", 5, &a, &b, &d), VM_ERR_USAGE);
	assert_int_equal(batch_cell_range("4-2", 5, &a, &b, &d), VM_ERR_USAGE);
	assert_int_equal(batch_cell_range("x", 5, &a, &b, &d), VM_ERR_USAGE);
	assert_int_equal(batch_cell_range("1-", 5, &a, &b, &d), VM_ERR_USAGE);
	assert_int_equal(batch_cell_range("6", 5, &a, &b, &d), VM_ERR_FORMAT);
	assert_non_null(strstr(d.msg, "the spec has 5 cells"));
	assert_int_equal(batch_cell_range("99999999999999999999999999999999999", 5, &a, &b, &d),
			 VM_ERR_USAGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_markdown),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_tsv_and_hex),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_spec_keys),
		cmocka_unit_test(test_cell_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
