/*
 * fuzz_common.c - see fuzz_common.h.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "replay.h"

static char fuzz_path[] = "/tmp/vmsim-fuzz.XXXXXX";
static int fuzz_fd = -1;

void fuzz_trace(const char *format, const uint8_t *data, size_t size)
{
	struct trace_reader *r = NULL;
	struct vm_diag d = { 0 };
	struct ref buf[256];
	const struct trace_format *fmt = format ? trace_format_find(format) : NULL;

	if (fuzz_fd < 0) {
		fuzz_fd = mkstemp(fuzz_path);
		if (fuzz_fd < 0)
			abort();
		unlink(fuzz_path); /* stays reachable through /proc/self/fd */
		snprintf(fuzz_path, sizeof fuzz_path, "/dev/fd/%d", fuzz_fd);
	}
	if (ftruncate(fuzz_fd, 0) || pwrite(fuzz_fd, data, size, 0) != (ssize_t)size)
		abort();
	if (trace_open(&r, fuzz_path, fmt, &d) == 0) {
		while (trace_read(r, buf, 256) > 0)
			;
		trace_close(r);
	}
}

