/* SPDX-License-Identifier: MIT */
/* Inside the code generator plugin: an index of a function's control-flow
 * graph (codegen_cfg.c), which the region form's analyses and the atomic
 * combining walk. LLVM's C API has no analyses of its own to offer. */
#ifndef SVMGPU_CODEGEN_CFG_H
#define SVMGPU_CODEGEN_CFG_H

#include <llvm-c/Core.h>

#include <stdbool.h>
#include <stddef.h>

/* p grown to hold more than n elements of size bytes (*cap of them). */
void *cg_grow(void *p, size_t *cap, size_t n, size_t size);

/* A pointer and what it numbers; arrays of them are sorted for lookups. */
struct cg_key {
	const void *p;
	size_t index;
};

void cg_keys_sort(struct cg_key *keys, size_t n);
/* The number of p in the sorted keys, or -1. */
long cg_keys_find(const struct cg_key *keys, size_t n, const void *p);

/* The blocks from entry on in layout order, with their successors (compressed
 * rows: block k's are succ[succ_at[k]] to succ[succ_at[k + 1] - 1]). */
struct cg_cfg {
	size_t nb;
	LLVMBasicBlockRef *blocks;
	struct cg_key *bkeys; /* the blocks, sorted */
	size_t *succ_at;
	size_t *succ;
};

/* False when out of memory (g is then empty). */
bool cg_cfg_init(struct cg_cfg *g, LLVMBasicBlockRef entry);
void cg_cfg_fini(struct cg_cfg *g);
/* bb's number, or -1. */
long cg_cfg_block(const struct cg_cfg *g, LLVMBasicBlockRef bb);

#endif
