/*
 * testutil.h - small helpers the cmocka test binaries share (linked into
 * every one, like naive.c).
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef VMSIM_TESTS_TESTUTIL_H
#define VMSIM_TESTS_TESTUTIL_H

struct batch_spec;

/* The whole file, NUL-terminated (malloc'd); fails the test if unreadable. */
char *slurp(const char *path);
/* Parse a spec as dir/spec.ini; fails the test with the message if it is bad. */
void spec_ok(struct batch_spec *s, const char *text);
/* The spec must be refused with a message containing msg, leaving no groups. */
void spec_bad(const char *text, const char *msg);

#endif
