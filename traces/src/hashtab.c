/*
 * hashtab.c - a chained hash table and a linked list: pointer chasing.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Inserts N keys into a table of N/4 buckets (each node a separate malloc,
 * 32 bytes), looks up 2N keys of which half are present, then walks a linked
 * list of the same nodes threaded in a shuffled order.  The lookups land on
 * random buckets and random nodes: little locality within a page, much
 * across the whole heap.  The list walk visits every node once per round,
 * in an order unrelated to the addresses: a loop over all the pages, with
 * the next page unpredictable.  Fixed seeds: every run makes the same
 * references.  Usage: hashtab [N [ROUNDS]]   (defaults 8192 and 4)
 */
#include <stdio.h>
#include <stdlib.h>

struct node {
	unsigned long key;       /* the key */
	unsigned long value;     /* what is stored */
	struct node *chain;      /* next in the bucket */
	struct node *next;       /* next in the shuffled list */
};

static unsigned long long seed = 88172645463325252ull;

static unsigned long rnd(void)
{
	/* xorshift64 (Marsaglia 2003) */
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return (unsigned long)seed;
}

static unsigned long hash(unsigned long k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdull;
	k ^= k >> 33;
	return k;
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 8192, nb, i, j, r;
	size_t rounds = argc > 2 ? strtoul(argv[2], NULL, 10) : 4;
	struct node **bucket, **all, *p, *head;
	unsigned long found = 0, sum = 0;

	if (n < 4 || n > (1u << 24))
		return 2;
	nb = n / 4;
	bucket = calloc(nb, sizeof *bucket);
	all = malloc(n * sizeof *all);
	if (!bucket || !all)
		return 1;
	for (i = 0; i < n; i++) {
		p = malloc(sizeof *p);
		if (!p)
			return 1;
		p->key = 2 * i;	/* even keys are present, odd ones are not */
		p->value = rnd();
		p->chain = bucket[hash(p->key) % nb];
		bucket[hash(p->key) % nb] = p;
		all[i] = p;
	}
	for (i = 0; i < 2 * n; i++) {
		unsigned long k = rnd() % (2 * n);

		for (p = bucket[hash(k) % nb]; p; p = p->chain)
			if (p->key == k) {
				found++;
				break;
			}
	}
	/* Fisher-Yates, then thread the list in that order */
	for (i = n - 1; i > 0; i--) {
		j = rnd() % (i + 1);
		p = all[i];
		all[i] = all[j];
		all[j] = p;
	}
	for (i = 0; i + 1 < n; i++)
		all[i]->next = all[i + 1];
	all[n - 1]->next = NULL;
	head = all[0];
	for (r = 0; r < rounds; r++)
		for (p = head; p; p = p->next)
			sum += p->value >> 60;
	printf("%lu %lu\n", found, sum);
	for (i = 0; i < n; i++)
		free(all[i]);
	free(all);
	free(bucket);
	return 0;
}
