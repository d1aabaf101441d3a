/*
 * registry.c - the one list of replacement policies.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Adding a policy touches its own file, one line here (and its name in the
 * extern below), and the tests (tests/test_policies.c's policy_table and
 * tests/naive.c).  Help text, error messages ("unknown policy 'lur'; known:
 * opt fifo random lru lfu clock") and batch matrices are generated from this
 * array, never typed twice.
 */
#include <stdio.h>
#include <string.h>

#include "policy.h"

/* Defined in policies/NAME.c; no header lists them (see policy.h). */
extern const struct policy_ops opt_ops, fifo_ops, random_ops, lru_ops, lfu_ops, clock_ops;

const struct policy_ops *const policy_registry[] = {
	&opt_ops,
	&fifo_ops,
	&random_ops,
	&lru_ops,
	&lfu_ops,
	&clock_ops,
	NULL,
};

const struct policy_ops *policy_find(const char *name)
{
	const struct policy_ops *const *p;

	if (!name)
		return NULL;
	for (p = policy_registry; *p; p++)
		if (strcmp((*p)->name, name) == 0)
			return *p;
	return NULL;
}

/*
 * The names joined by sep into buf (n bytes).  Always NUL-terminated when
 * n > 0; on truncation buf holds as many whole names as fit, so a short
 * buffer never shows half a name.
 */
const char *policy_names(char *buf, unsigned n, const char *sep)
{
	const struct policy_ops *const *p;
	size_t len = 0;
	int w;

	if (!buf || n == 0)
		return buf;
	buf[0] = '\0';
	if (!sep)
		sep = " ";
	for (p = policy_registry; *p; p++) {
		w = snprintf(buf + len, n - len, "%s%s",
			     p == policy_registry ? "" : sep, (*p)->name);
		if (w < 0 || (size_t)w >= n - len) {
			buf[len] = '\0'; /* drop the partial name */
			break;
		}
		len += (size_t)w;
	}
	return buf;
}
