/*
 * native.h - vmsim's own binary trace format ("native", extension .vmt).
 *
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * A native trace is a 64-byte file header, a sequence of independently
 * decodable compressed blocks of references, and an index of the blocks.
 * Every integer is little-endian and is decoded with explicit byte loads, so
 * the format reads the same on any host.  Offsets are from the start of the
 * file (of the decompressed file, should someone gzip a native trace).
 *
 * FILE HEADER (64 bytes, at offset 0)
 *
 *   OFFSET  SIZE  DESCRIPTION
 *        0     8  magic "VMSIMTRC"
 *        8     4  format version, 1 (a reader refuses other versions)
 *       12     4  byte-order mark 0x01020304, stored little-endian: 04 03 02 01
 *       16     4  flags: bit 0 COMPLETE (the counts and index below are valid),
 *                 bit 1 HAS_ASID (some reference has a nonzero asid);
 *                 other bits are zero (a reader refuses unknown bits)
 *       20     4  page-shift hint: log2 of the page size the trace was made
 *                 for, 0 if none
 *       24     8  total references         (valid when COMPLETE)
 *       32     8  number of blocks         (valid when COMPLETE)
 *       40     8  file offset of the index (valid when COMPLETE)
 *       48     4  references per block the writer used (the last block may
 *                 hold fewer); a block never holds more
 *       52    12  reserved, zero
 *
 * The writer writes the header with COMPLETE clear and the counts zero, then
 * the blocks, then the index, then rewrites the header with COMPLETE set.  A
 * trace whose writer was killed therefore has COMPLETE clear: a reader
 * delivers the references of its whole blocks and stops quietly at the first
 * torn block or at the end of the file.  With COMPLETE set, any truncation is
 * an error naming the byte offset, and the counts and the index are checked
 * against what was read.  The counts are promises, never sizes to allocate:
 * a header claiming 2^60 references costs nothing until they turn up.
 *
 * BLOCK (at offset 64 for the first, each right after the previous one)
 *
 *   OFFSET  SIZE  DESCRIPTION
 *        0     4  magic "VBLK"
 *        4     4  raw length: bytes of records after inflating, 1..16 MiB
 *        8     4  compressed length: bytes of payload that follow, at most
 *                 zlib's compressBound(raw length)
 *       12     4  references in the block, 1..raw length (every record takes
 *                 at least one byte) and at most the header's refs per block
 *       16     4  CRC-32 (zlib crc32) of the raw records
 *       20     -  payload: the records as one zlib stream (RFC 1950, what
 *                 zlib's compress2 makes).  Readers may skip its Adler-32
 *                 check, since the CRC-32 covers the same bytes
 *
 * RECORD (inside a block's raw bytes; one per reference)
 *
 *   OFFSET  SIZE  DESCRIPTION
 *        0     1  tag: bits 0-1 kind (enum ref_kind); bit 2 SIZE follows;
 *                 bit 3 ASID follows; bits 4-7 zigzag(delta) if below 15,
 *                 or 15 meaning a varint DELTA follows
 *        1   0-10 DELTA: LEB128 varint of zigzag(delta), if tag bits 4-7 = 15
 *        -   0-3  SIZE: LEB128 varint, at most 65535, if tag bit 2
 *        -   0-5  ASID: LEB128 varint, at most 2^32-1, if tag bit 3
 *
 *   delta = addr - previous addr of the same class, modulo 2^64, read as a
 *   signed 64-bit value; zigzag(d) = (d << 1) ^ (d >> 63) maps small
 *   magnitudes of either sign to small numbers.  The two classes are
 *   instruction fetches and data references (load, store, modify), so the
 *   two interleaved address streams each delta against their own history.
 *   Without the SIZE or ASID bit a record repeats the previous record's size
 *   or asid.  The state (both previous addresses, size, asid) starts at 0 in
 *   every block, so any block decodes on its own.  LEB128: 7 bits per byte,
 *   least significant group first, high bit set on all but the last byte.
 *   The records must account for exactly the block's raw length.
 *
 * INDEX (at the offset in the header, after the last block)
 *
 *   OFFSET  SIZE  DESCRIPTION
 *        0     4  magic "VIDX"
 *        4     8  number of blocks n
 *       12  16*n  per block: file offset of its "VBLK" (8), references (8)
 *
 * The file ends right after the index.  Readers stream blocks in order and do
 * not need the index; it is there so a reader can seek to a block or decode
 * blocks on several cores.
 */
#ifndef VMSIM_NATIVE_H
#define VMSIM_NATIVE_H

#include <stdint.h>

#include "replay.h"

#define NATIVE_MAGIC "VMSIMTRC"        /* file header magic, 8 bytes */
#define NATIVE_VERSION 1u              /* the version this code reads and writes */
#define NATIVE_BOM 0x01020304u         /* byte-order mark */
#define NATIVE_F_COMPLETE (1u << 0)    /* header counts and index are valid */
#define NATIVE_F_HAS_ASID (1u << 1)    /* some reference has a nonzero asid */
#define NATIVE_HEADER_SIZE 64u         /* file header bytes */
#define NATIVE_BLOCK_MAGIC "VBLK"      /* block header magic, 4 bytes */
#define NATIVE_BLOCK_HEADER_SIZE 20u   /* block header bytes */
#define NATIVE_INDEX_MAGIC "VIDX"      /* index magic, 4 bytes */
#define NATIVE_MAX_RAW (16u << 20)     /* largest raw block */
#define NATIVE_MAX_RECORD 19u          /* tag + 10 + 3 + 5 varint bytes */
#define NATIVE_BLOCK_REFS 65536u       /* references per block by default */
#define NATIVE_MAX_BLOCK_REFS (1u << 19) /* so a block stays below NATIVE_MAX_RAW */

extern const struct trace_format native_format;

/*
 * Writer settings, for a writer opened with native_format.  Each returns 0,
 * or VM_ERR_USAGE for another format or a value out of range.  The level
 * (zlib 0..9, default 6) and the page-shift hint (0..63) may be changed until
 * trace_writer_close(); the references per block
 * (1..NATIVE_MAX_BLOCK_REFS) only before the first reference is written.
 */
int native_writer_set_level(struct trace_writer *w, int level);
int native_writer_set_page_shift(struct trace_writer *w, uint32_t shift);
int native_writer_set_block_refs(struct trace_writer *w, uint32_t refs);

#endif
