/*
 * fuzz_common.h - what the trace-parser fuzz targets share: each input is
 * written to one scratch file (made once per process), opened as a trace of
 * a given format (NULL = detect, which also exercises gzip), and read to the
 * end.  The parsers must return an error, never crash, hang or leak.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef VMSIM_FUZZ_COMMON_H
#define VMSIM_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

/* Parse data as a trace of format (a registry name, or NULL to detect). */
void fuzz_trace(const char *format, const uint8_t *data, size_t size);

#endif
