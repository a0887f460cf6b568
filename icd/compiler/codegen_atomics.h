/* SPDX-License-Identifier: MIT */
/* Inside the code generator plugin: combining atomics per work-group, the
 * state of one loop launcher's analysis, shared by codegen_atomics.c
 * (atomics whose old value is unused: applied once after the loop) and
 * codegen_atomic_tickets.c (whose old value is used: taken once before). */
#ifndef SVMGPU_CODEGEN_ATOMICS_H
#define SVMGPU_CODEGEN_ATOMICS_H

#include "codegen_cfg.h"
#include "codegen_launch.h"

#include <stdbool.h>
#include <stdint.h>

/* clang's address spaces for OpenCL with -ffake-address-space-map. */
enum { AS_PRIVATE = 0, AS_GLOBAL = 1, AS_CONSTANT = 2, AS_LOCAL = 3, AS_GENERIC = 4 };

/* One loop's candidates: atomics on the same address with the same operation. */
struct combine_group {
	LLVMValueRef ptr;
	LLVMAtomicRMWBinOp op;
	LLVMValueRef *members;
	size_t n, cap;
	bool rejected, applied;
	uint64_t before; /* the groups whose totals must be applied after this one's */
};

struct combine {
	struct launcher_env *e;
	struct cg_cfg g;
	uint64_t *body; /* bit per block: one work-item's code (the loop's body) */
	uint64_t *seen;
	size_t *stack;
	LLVMBasicBlockRef latch;
	struct combine_group *groups;
	size_t ngroups, gcap;
};

static inline bool test_bit(const uint64_t *set, size_t i)
{
	return set[i / 64] >> (i % 64) & 1;
}

static inline void set_bit(uint64_t *set, size_t i)
{
	set[i / 64] |= 1ull << (i % 64);
}

/* Whether instruction x, run by a work-item on the same side of an atomic
 * on ptr as the atomic is moved past, could tell: another atomic, a fence, a
 * call that touches memory, a plain access that may reach ptr. */
bool cg_may_tell(LLVMValueRef ptr, LLVMValueRef x);
/* The object p points into (address arithmetic and casts stripped). */
LLVMValueRef cg_atomic_strip(LLVMValueRef p);
/* Whether p is the same for the whole group and computable outside the
 * loop: arguments, constants, the launcher entry's values, arithmetic on
 * those; cg_atomic_materialise recomputes it where the builder stands. */
bool cg_atomic_invariant(struct combine *c, LLVMValueRef p, LLVMBasicBlockRef entry);
LLVMValueRef cg_atomic_materialise(struct combine *c, LLVMValueRef p, LLVMBasicBlockRef entry);

/* Depth-first from block `from` over the loop's body, never round the loop
 * through the latch and never into block `avoid` (-1: none); visit(c, k,
 * arg) for each block reached (and `from` itself when include_from), until
 * it returns true. Whether it did. */
bool cg_body_walk(struct combine *c, size_t from, long avoid, bool include_from,
		  bool (*visit)(struct combine *c, size_t k, void *arg), void *arg);
/* A variable of the launcher (init's type), set to init in its entry. */
LLVMValueRef cg_entry_variable(struct combine *c, LLVMBasicBlockRef entry, LLVMValueRef init,
				const char *name);

/* codegen_atomic_tickets.c: the loop's tickets combined (atomic add/sub
 * whose old value is used, run once by every work-item with an operand the
 * same for all); the number, or -1 when out of memory. */
long cg_combine_tickets(struct combine *c, const struct item_loop *lp, LLVMBasicBlockRef entry);

#endif
