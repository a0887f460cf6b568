// SPDX-License-Identifier: MIT
/* The control-flow graph index (codegen_cfg.h). */
#include "codegen_cfg.h"

#include <stdint.h>
#include <stdlib.h>

void *cg_grow(void *p, size_t *cap, size_t n, size_t size)
{
	void *q;
	size_t c;

	if (n < *cap)
		return p;
	c = *cap ? 2 * *cap : 16;
	q = realloc(p, c * size);
	if (q)
		*cap = c;
	return q;
}

static int cmp_key(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)((const struct cg_key *)a)->p;
	uintptr_t y = (uintptr_t)((const struct cg_key *)b)->p;

	return x < y ? -1 : x > y;
}

void cg_keys_sort(struct cg_key *keys, size_t n)
{
	qsort(keys, n, sizeof(*keys), cmp_key);
}

long cg_keys_find(const struct cg_key *keys, size_t n, const void *p)
{
	struct cg_key k = {p, 0};
	const struct cg_key *hit = bsearch(&k, keys, n, sizeof(*keys), cmp_key);

	return hit ? (long)hit->index : -1;
}

void cg_cfg_fini(struct cg_cfg *g)
{
	free(g->blocks);
	free(g->bkeys);
	free(g->succ_at);
	free(g->succ);
	*g = (struct cg_cfg){0};
}

long cg_cfg_block(const struct cg_cfg *g, LLVMBasicBlockRef bb)
{
	return cg_keys_find(g->bkeys, g->nb, bb);
}

bool cg_cfg_init(struct cg_cfg *g, LLVMBasicBlockRef entry)
{
	size_t nsucc = 0;

	*g = (struct cg_cfg){0};
	for (LLVMBasicBlockRef bb = entry; bb; bb = LLVMGetNextBasicBlock(bb)) {
		LLVMValueRef term = LLVMGetBasicBlockTerminator(bb);

		g->nb++;
		nsucc += term ? LLVMGetNumSuccessors(term) : 0;
	}
	g->blocks = calloc(g->nb + 1, sizeof(*g->blocks));
	g->bkeys = calloc(g->nb + 1, sizeof(*g->bkeys));
	g->succ_at = calloc(g->nb + 1, sizeof(*g->succ_at));
	g->succ = calloc(nsucc + 1, sizeof(*g->succ));
	if (!g->blocks || !g->bkeys || !g->succ_at || !g->succ) {
		cg_cfg_fini(g);
		return false;
	}
	g->nb = 0;
	for (LLVMBasicBlockRef bb = entry; bb; bb = LLVMGetNextBasicBlock(bb)) {
		g->bkeys[g->nb] = (struct cg_key){bb, g->nb};
		g->blocks[g->nb++] = bb;
	}
	cg_keys_sort(g->bkeys, g->nb);
	nsucc = 0;
	for (size_t k = 0; k < g->nb; k++) {
		LLVMValueRef term = LLVMGetBasicBlockTerminator(g->blocks[k]);
		unsigned n = term ? LLVMGetNumSuccessors(term) : 0;

		g->succ_at[k] = nsucc;
		for (unsigned i = 0; i < n; i++) {
			long j = cg_cfg_block(g, LLVMGetSuccessor(term, i));

			if (j >= 0)
				g->succ[nsucc++] = (size_t)j;
		}
	}
	g->succ_at[g->nb] = nsucc;
	return true;
}
