/*
 * fuzz_spec.c - libFuzzer target: the batch spec parser (analysis/batch_spec.c
 * batch_spec_parse), then what a batch does with a parsed spec short of the
 * file system: each group's frames expanded for a trace of 1000 pages, and
 * each pattern, as a name, escaped for index.md, the JSON and the TSV plans
 * (analysis/batch_plan.c): Markdown and JSON hold no raw control character
 * and JSON only valid UTF-8; a TSV field holds no tab, newline or CR.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdlib.h>
#include <string.h>

#include "batch_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void must_be_clean(const char *s, int utf8)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t k;

	while (*p) {
		if (*p < 0x20)
			abort(); /* a raw control character escaped nothing */
		k = batch_utf8_len(p);
		if (utf8 && k == 0)
			abort(); /* JSON must be UTF-8 */
		p += k ? k : 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct batch_spec s;
	struct vm_diag d = { 0 };
	size_t g, t, n;
	uint32_t *sizes;

	if (batch_spec_parse(&s, "fuzz/spec.ini", (const char *)data, size, &d))
		return 0;
	for (g = 0; g < s.ngroups; g++) {
		const struct batch_group *gr = &s.groups[g];

		sizes = NULL;
		/* the parser checked the syntax, so this must not fail */
		if (curve_frames_parse(gr->frames, 1000, &sizes, &n, &d))
			abort();
		free(sizes);
		for (t = 0; t < gr->ntraces; t++) {
			struct strbuf md = { 0 }, js = { 0 }, tsv = { 0 };

			sb_markdown(&md, gr->traces[t]);
			sb_json_string(&js, gr->traces[t]);
			sb_tsv_field(&tsv, gr->traces[t]);
			must_be_clean(md.s ? md.s : "", 0);
			must_be_clean(js.s, 1);
			if (tsv.s && strpbrk(tsv.s, "\t\n\r"))
				abort(); /* a TSV field holds no separator */
			free(md.s);
			free(js.s);
			free(tsv.s);
		}
	}
	batch_spec_free(&s);
	return 0;
}
