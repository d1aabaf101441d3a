/*
 * matmul-blocked.c - blocked (tiled) matrix multiply, C = A x B, N x N doubles.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * The same product as matmul.c, computed one BS x BS tile at a time: the
 * inner loops touch one tile of A, one of B and one of C, about
 * 3 x BS x BS x 8 bytes (6 KiB for BS = 16), so the working set stays a few
 * pages at every moment where the naive loop walks all of B down a column.
 * Replayed beside matmul.vmt, the fault curve's knee moves to far fewer
 * frames.  Usage: matmul-blocked [N [BS]]   (defaults 64 and 16; BS divides N)
 */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 64, bs = argc > 2 ? atoi(argv[2]) : 16;
	int i, j, k, ii, jj, kk;
	double *a, *b, *c, sum = 0;

	if (n <= 0 || n > 4096 || bs <= 0 || n % bs)
		return 2;
	a = malloc(sizeof *a * n * n);
	b = malloc(sizeof *b * n * n);
	c = calloc((size_t)n * n, sizeof *c);
	if (!a || !b || !c)
		return 1;
	for (i = 0; i < n * n; i++) {
		a[i] = i % 7;
		b[i] = i % 5;
	}
	for (ii = 0; ii < n; ii += bs)
		for (kk = 0; kk < n; kk += bs)
			for (jj = 0; jj < n; jj += bs)
				for (i = ii; i < ii + bs; i++)
					for (k = kk; k < kk + bs; k++) {
						double aik = a[i * n + k];

						for (j = jj; j < jj + bs; j++)
							c[i * n + j] += aik * b[k * n + j];
					}
	for (i = 0; i < n * n; i++)
		sum += c[i];
	printf("%g\n", sum);
	free(a);
	free(b);
	free(c);
	return 0;
}
