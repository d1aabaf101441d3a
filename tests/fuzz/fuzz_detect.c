/* fuzz_detect.c - libFuzzer target: format detection (and gzip) on arbitrary
 * bytes, then whichever reader it picks.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_trace(NULL, data, size);
	return 0;
}
