/*
 * fuzz_spec.c - libFuzzer target: the batch spec parser (analysis/batch.c
 * batch_spec_parse), then what a batch does with a parsed spec short of the
 * file system: each group's frames expanded for a trace of 1000 pages, and
 * each pattern turned into a cell's standalone command line.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
			struct batch_cell c = { 0 };
			char *cmd;

			c.group = gr;
			c.trace = gr->traces[t];
			c.page_shift = 12;
			c.out = (char *)"out/cells/x.csv";
			cmd = batch_cell_command(&c, "vmsim");
			free(cmd);
		}
	}
	batch_spec_free(&s);
	return 0;
}
