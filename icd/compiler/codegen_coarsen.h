/* SPDX-License-Identifier: MIT */
/* Inside the code generator plugin: the state of one kernel's work-item
 * coarsening (codegen_coarsen.c), shared with the masking of its divergent
 * loop (codegen_coarsen_loop.c). */
#ifndef SVMGPU_CODEGEN_COARSEN_H
#define SVMGPU_CODEGEN_COARSEN_H

#include "codegen_cfg.h"
#include "codegen_launch.h"

#include <stdbool.h>
#include <stddef.h>

#define COARSEN 8
/* Instructions in the kernel beyond which coarsening costs more in code
 * size and build time than it gains. */
#define MAX_INSTRUCTIONS 600

enum {
	VARY = 1,   /* may differ between the work-items */
	REPL = 2,   /* done once per work-item */
	ROOT = 4,   /* the local id in x: copy j adds j */
	SKIP = 8,   /* not copied: debug intrinsics, the masked loops' branches */
};

/* A loop whose exit depends on the work-item (a list walk, an iteration
 * until convergence): G runs it while any of its work-items is still in
 * it, each with an `active` flag (codegen_coarsen_loop.c). */
struct masked_loop {
	size_t header, latch, exit; /* blocks of f: H, the exiting latch B, X */
	size_t entry;               /* the one block outside that enters H */
	bool guarded;               /* entry ends in a branch between H and X */
	LLVMValueRef enter[COARSEN], active[COARSEN], next[COARSEN];
	size_t *outs;               /* instructions of L used outside it */
	size_t nouts;
	LLVMValueRef *out_next;     /* per out, COARSEN: its value at the exit */
};

struct coarsen {
	struct launcher_env *e;
	LLVMValueRef f, g;
	struct cg_cfg cfg;
	size_t ni;
	LLVMValueRef *ins;     /* f's instructions, block by block */
	size_t *blk;           /* per instruction: its block */
	struct cg_key *ikeys;  /* the same, sorted */
	unsigned char *flags;  /* per instruction */
	LLVMValueRef *copy;    /* per instruction, COARSEN copies */
	LLVMBasicBlockRef *nb; /* per block of f, G's */
	struct masked_loop *loops; /* the masked loops, one after another */
	size_t nloops;
	long *loop_of;         /* per block of f: its masked loop (index), or -1 */
	const char *why;       /* when the kernel cannot be coarsened */
	LLVMValueRef dummy_in, dummy_out; /* where inactive work-items' loads and
					   * stores go */
};

/* v's instruction number in f, or -1. */
long cg_co_index(const struct coarsen *c, LLVMValueRef v);
/* What copy j of G uses for v of f: its copy of an instruction, G's block,
 * argument. */
LLVMValueRef cg_co_map(const struct coarsen *c, LLVMValueRef v, unsigned j);
/* How many copies instruction i gets: 1 or COARSEN. */
unsigned cg_co_copies(const struct coarsen *c, size_t i);
bool cg_co_pure_call(LLVMValueRef call);
/* Is instruction i a branch or switch whose condition may differ between
 * the copies? */
bool cg_co_varying_branch(const struct coarsen *c, size_t i);

/* codegen_coarsen_loop.c. After the values' variation is known: the
 * branches that depend on the work-item must be the exits of loops (and the
 * branches around them) that can run masked; false otherwise. On success,
 * c->loops lists them (none: no such branch), and the values of each loop
 * used after it are marked varying. */
bool cg_co_find_masked_loops(struct coarsen *c);
/* In G, once its blocks are cloned: the active flags, the loops' exits and
 * the values used after them; cg_co_mask_memory after the operands are set. */
bool cg_co_build_masks(struct coarsen *c);
void cg_co_mask_memory(struct coarsen *c);
/* The value copy j uses for operand v (from block `from` for a phi) of
 * instruction `user`, when v is a masked loop's value used outside it: the
 * loop's value at copy j's exit; NULL: not one. */
LLVMValueRef cg_co_exit_value(const struct coarsen *c, size_t user, LLVMValueRef v,
			      LLVMBasicBlockRef from, unsigned j);
void cg_co_masked_loops_fini(struct coarsen *c);

#endif
