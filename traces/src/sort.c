/*
 * sort.c - sorting N pseudo-random 32-bit keys, by merge sort or heap sort.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 *
 *   merge  bottom-up merge sort with one auxiliary array: log2(N) passes,
 *          each a sequential sweep through both arrays.  Every pass touches
 *          all 2 x N x 4 bytes in order: a looping pattern, and LRU's worst
 *          case once the two arrays no longer fit in memory.
 *   heap   heap sort in place: each sift-down jumps from index i to 2i+1, so
 *          the top of the heap (a few pages) is hot and every sift ends in a
 *          page far down the array: strong reuse of few pages plus a
 *          scattered tail, where frequency-based policies do well.
 *
 * The keys come from a fixed linear congruential generator, so every run
 * makes the same references.  Usage: sort merge|heap [N]   (default 16384)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef unsigned int key;

static void merge_sort(key *a, key *tmp, size_t n)
{
	size_t width, lo, mid, hi, i, j, k;
	key *src = a, *dst = tmp, *t;

	for (width = 1; width < n; width *= 2) {
		for (lo = 0; lo < n; lo += 2 * width) {
			mid = lo + width < n ? lo + width : n;
			hi = lo + 2 * width < n ? lo + 2 * width : n;
			for (i = lo, j = mid, k = lo; k < hi; k++)
				dst[k] = i < mid && (j >= hi || src[i] <= src[j]) ? src[i++] : src[j++];
		}
		t = src;
		src = dst;
		dst = t;
	}
	if (src != a)
		memcpy(a, src, n * sizeof *a);
}

static void sift_down(key *a, size_t i, size_t n)
{
	size_t child;
	key v = a[i];

	while ((child = 2 * i + 1) < n) {
		if (child + 1 < n && a[child + 1] > a[child])
			child++;
		if (a[child] <= v)
			break;
		a[i] = a[child];
		i = child;
	}
	a[i] = v;
}

static void heap_sort(key *a, size_t n)
{
	size_t i;
	key t;

	for (i = n / 2; i-- > 0;)
		sift_down(a, i, n);
	for (i = n; i-- > 1;) {
		t = a[0];
		a[0] = a[i];
		a[i] = t;
		sift_down(a, 0, i);
	}
}

int main(int argc, char **argv)
{
	const char *how = argc > 1 ? argv[1] : "merge";
	size_t n = argc > 2 ? strtoul(argv[2], NULL, 10) : 16384, i;
	unsigned long long x = 12345, check = 0;
	key *a, *tmp;

	if (n == 0 || n > (1u << 26) || (strcmp(how, "merge") && strcmp(how, "heap"))) {
		fprintf(stderr, "usage: sort merge|heap [N]\n");
		return 2;
	}
	a = malloc(n * sizeof *a);
	tmp = malloc(n * sizeof *tmp);
	if (!a || !tmp)
		return 1;
	for (i = 0; i < n; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		a[i] = (key)(x >> 33);
	}
	if (how[0] == 'm')
		merge_sort(a, tmp, n);
	else
		heap_sort(a, n);
	for (i = 1; i < n; i++)
		if (a[i - 1] > a[i])
			return 3;
	for (i = 0; i < n; i += n / 16 + 1)
		check += a[i];
	printf("%llu\n", check);
	free(a);
	free(tmp);
	return 0;
}
