/*
 * matmul.c - naive triple-loop matrix multiply, C = A x B, N x N doubles.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * The inner loop walks B down a column, one row (N * 8 bytes) per step, so
 * with N = 128 every step of k touches a different 4 KiB page of B: a
 * workload whose page-fault curve has a sharp knee where B stops fitting.
 * Usage: matmul [N]   (default 96)
 */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 96, i, j, k;
	double *a, *b, *c, sum = 0;

	if (n <= 0 || n > 4096)
		return 2;
	a = malloc(sizeof *a * n * n);
	b = malloc(sizeof *b * n * n);
	c = malloc(sizeof *c * n * n);
	if (!a || !b || !c)
		return 1;
	for (i = 0; i < n * n; i++) {
		a[i] = i % 7;
		b[i] = i % 5;
	}
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++) {
			double s = 0;

			for (k = 0; k < n; k++)
				s += a[i * n + k] * b[k * n + j];
			c[i * n + j] = s;
		}
	for (i = 0; i < n * n; i++)
		sum += c[i];
	printf("%g\n", sum);
	free(a);
	free(b);
	free(c);
	return 0;
}
