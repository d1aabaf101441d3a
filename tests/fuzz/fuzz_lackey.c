/*
 * fuzz_lackey.c - libFuzzer target: the lackey trace reader on arbitrary bytes.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_trace("lackey", data, size);
	return 0;
}
