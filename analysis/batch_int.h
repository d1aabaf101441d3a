/*
 * batch_int.h - what the pieces of vmsim batch share inside analysis/:
 * batch_spec.c (the spec file), batch_plan.c (cells, their identity and the
 * plans for other engines), batch_run.c (running cells, failure records)
 * and batch_index.c (results.csv, figures, index.md, status.tsv).
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef VMSIM_BATCH_INT_H
#define VMSIM_BATCH_INT_H

#include <stddef.h>
#include <stdint.h>

#include "analysis_int.h"

/* s without leading and trailing blanks (in place). */
char *batch_trim(char *s);
/* "4K" for a page shift, as --page-size takes it. */
void batch_shift_name(char *buf, size_t n, uint32_t shift);
/* The file stem of a trace: its base name without .gz and one extension,
 * other than [A-Za-z0-9._-] made '_' (malloc'd). */
char *batch_trace_stem(const char *path);
/* mkdir -p path. */
int batch_mkdir_p(const char *path, struct vm_diag *d);
/* Write text to path atomically (outfile_*). */
int batch_write_file(const char *path, const char *text, struct vm_diag *d);

/* A name as Markdown text: ASCII punctuation backslash-escaped, control
 * characters and bytes that are not UTF-8 shown as \xNN, so a file name
 * cannot open a link, an HTML tag, a code span or a table cell. */
void sb_markdown(struct strbuf *b, const char *s);
/* A name as a JSON string value (quotes included): control characters as
 * \u00XX, bytes that are not UTF-8 as U+FFFD, so the JSON is always valid. */
void sb_json_string(struct strbuf *b, const char *s);
/* A name as one TSV field: backslash, tab, newline and carriage return as
 * \\ \t \n \r. */
void sb_tsv_field(struct strbuf *b, const char *s);
/* The bytes of s in lowercase hex. */
void sb_hex(struct strbuf *b, const char *s);
/* The length of the valid UTF-8 sequence at s, 0 if there is none. */
size_t batch_utf8_len(const unsigned char *s);

#endif
