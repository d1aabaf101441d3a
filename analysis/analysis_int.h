/*
 * analysis_int.h - internals shared inside analysis/ only.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef VMSIM_ANALYSIS_INT_H
#define VMSIM_ANALYSIS_INT_H

#include <stddef.h>
#include <stdint.h>

#include "analysis.h"

/* A growing NUL-terminated string; xrealloc'd (out of memory aborts). */
struct strbuf {
	char *s;     /* the text, NUL-terminated once anything was added */
	size_t n;    /* length */
	size_t cap;  /* allocated */
};

void sb_add(struct strbuf *b, const char *s, size_t n);
void sb_puts(struct strbuf *b, const char *s);
void sb_printf(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* s as one shell word: unchanged when it is safe, else in single quotes */
void sb_shell_word(struct strbuf *b, const char *s);
char *sb_take(struct strbuf *b); /* the string (never NULL); b is emptied */

/* Join the cells cols[0..n) of a row with sep; with names, "name=value"
 * and empty cells left out. */
char *csv_row_key(const struct csv *c, size_t row, const int *cols, size_t n,
		  const char *sep, int names);
/* Indices of c's columns of the given role into out (room for c->ncols). */
size_t csv_cols_by_role(const struct csv *c, enum result_role role, int *out);
/* Indices of the comma list names in c (a missing name is VM_ERR_USAGE). */
int csv_cols_by_name(const struct csv *c, const char *names, int *out, size_t *n,
		     struct vm_diag *d);

/* 32-bit FNV-1a: names files after their configuration. */
uint32_t fnv1a(const char *s, uint32_t h);
#define FNV1A_INIT 2166136261u

#endif
