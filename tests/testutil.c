/*
 * testutil.c - see testutil.h.
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

#include "analysis.h"
#include "testutil.h"

char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = 0;
	fclose(f);
	return buf;
}

void spec_ok(struct batch_spec *s, const char *text)
{
	struct vm_diag d = { 0 };

	if (batch_spec_parse(s, "dir/spec.ini", text, strlen(text), &d))
		fail_msg("batch_spec_parse: %s", d.msg);
}

void spec_bad(const char *text, const char *msg)
{
	struct vm_diag d = { 0 };
	struct batch_spec s;

	assert_true(batch_spec_parse(&s, "spec.ini", text, strlen(text), &d) < 0);
	if (!strstr(d.msg, msg))
		fail_msg("'%s' does not contain '%s'", d.msg, msg);
	assert_null(s.groups);
}
