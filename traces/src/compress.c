/*
 * compress.c - a small LZ77 compressor with hash chains (the scheme of
 * deflate's longest-match search, without the Huffman stage).
 *
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * The input is N bytes of pseudo-text made from a fixed vocabulary, so it
 * repeats the way prose does.  At each position the three next bytes are
 * hashed into head[] (16 K entries), whose chain of earlier positions with
 * the same hash (prev[], one entry per position) is searched, at most DEPTH
 * candidates back and never further than the 32 KiB window, for the longest
 * match.  The references: a sequential sweep through the input, random
 * probes into head[], and jumps back into the window along the chains: a
 * sliding working set of a few dozen pages.  Fixed seed.
 * Usage: compress [N [DEPTH]]   (defaults 49152 and 8)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HASH_BITS 14
#define WINDOW 32768
#define MIN_MATCH 3
#define MAX_MATCH 258

static const char *const words[] = {
	"the", "page", "frame", "memory", "of", "a", "policy", "replacement",
	"least", "recently", "used", "clock", "hand", "fault", "and", "to",
	"virtual", "address", "translation", "buffer", "is", "in", "table",
	"walk", "cache", "line", "working", "set", "locality", "reference",
};

static unsigned hash3(const unsigned char *p)
{
	return ((unsigned)p[0] << 10 ^ (unsigned)p[1] << 5 ^ p[2]) & ((1u << HASH_BITS) - 1);
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 49152;
	int depth = argc > 2 ? atoi(argv[2]) : 8;
	unsigned long long x = 42;
	unsigned char *in, *out;
	int *head, *prev;
	size_t i = 0, o = 0, len;

	if (n < 16 || n > (1u << 26) || depth < 1)
		return 2;
	in = malloc(n + MAX_MATCH);
	out = malloc(2 * n + 16);
	head = malloc(sizeof *head << HASH_BITS);
	prev = malloc(n * sizeof *prev);
	if (!in || !out || !head || !prev)
		return 1;
	while (i < n) {
		const char *w;

		x = x * 6364136223846793005ull + 1442695040888963407ull;
		w = words[(x >> 33) % (sizeof words / sizeof words[0])];
		len = strlen(w);
		memcpy(in + i, w, len < n - i ? len : n - i);
		i += len;
		if (i < n)
			in[i++] = (x >> 20) % 11 ? ' ' : '\n';
	}
	memset(in + n, 0, MAX_MATCH);
	memset(head, -1, sizeof *head << HASH_BITS);
	for (i = 0; i < n;) {
		size_t best = 0, dist = 0, limit = n - i < MAX_MATCH ? n - i : MAX_MATCH;
		int cand, d;

		if (limit >= MIN_MATCH) {
			unsigned h = hash3(in + i);

			for (cand = head[h], d = 0; cand >= 0 && d < depth &&
			     i - (size_t)cand <= WINDOW; cand = prev[cand], d++) {
				size_t l = 0;

				while (l < limit && in[cand + l] == in[i + l])
					l++;
				if (l > best) {
					best = l;
					dist = i - (size_t)cand;
				}
			}
			prev[i] = head[h];
			head[h] = (int)i;
		}
		if (best >= MIN_MATCH) {
			/* a (length, distance) pair, 3 bytes */
			out[o++] = 0x80 | (unsigned char)((best - MIN_MATCH) >> 1);
			out[o++] = (unsigned char)(dist >> 8);
			out[o++] = (unsigned char)dist;
			for (len = 1; len < best; len++) {
				if (i + len + MIN_MATCH <= n) {
					unsigned h = hash3(in + i + len);

					prev[i + len] = head[h];
					head[h] = (int)(i + len);
				}
			}
			i += best;
		} else {
			out[o++] = in[i++] & 0x7f;
		}
	}
	printf("%zu -> %zu bytes\n", n, o);
	free(in);
	free(out);
	free(head);
	free(prev);
	return 0;
}
