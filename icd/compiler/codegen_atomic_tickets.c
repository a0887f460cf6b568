// SPDX-License-Identifier: MIT
/* Tickets combined per work-group (codegen_atomics.h): `slot =
 * atomic_inc(counter)` run once by every work-item takes, on the CPU, a
 * locked instruction per work-item on one contended line. When every
 * work-item of the group runs it exactly once, with the same operand v, one
 * atomic before the loop takes the group's whole range (v times the group's
 * size) and the work-item that the loop runs r-th gets base + r * v: the
 * values the atomics would have returned had the work-items taken their
 * tickets in that order.
 *
 * The schedule: every work-item takes its ticket first, then runs. It is
 * the same program only if nothing a work-item does before its atomic could
 * tell that the atomic came earlier: no other atomic, fence or
 * memory-touching call, no plain access that may reach the counter. What
 * comes after the atomic sees every ticket of the group taken, as it may in
 * the schedule where the work-items stop after their atomics. */
#include "codegen_atomics.h"

static bool is_latch(struct combine *c, size_t k, void *arg)
{
	(void)arg;
	return c->g.blocks[k] == c->latch;
}

static bool is_block(struct combine *c, size_t k, void *arg)
{
	(void)c;
	return k == *(size_t *)arg;
}

/* Whether every iteration runs bb exactly once: the latch cannot be reached
 * from the header without it, nor bb again from bb. */
static bool once_per_item(struct combine *c, size_t head, size_t bb)
{
	if (bb != head && cg_body_walk(c, head, (long)bb, true, is_latch, NULL))
		return false;
	return !cg_body_walk(c, bb, -1, false, is_block, &bb);
}

struct before {
	LLVMValueRef ptr;
	size_t bb;
};

static bool block_tells(struct combine *c, size_t k, void *arg)
{
	struct before *w = arg;

	if (k == w->bb)
		return false;
	for (LLVMValueRef x = LLVMGetFirstInstruction(c->g.blocks[k]); x;
	     x = LLVMGetNextInstruction(x))
		if (cg_may_tell(w->ptr, x))
			return true;
	return false;
}

/* What a work-item may run before atom in its iteration: atom's block up to
 * it, and the blocks reachable from the header without passing atom's. */
static bool before_tells(struct combine *c, size_t head, size_t bb, LLVMValueRef atom)
{
	struct before w = {LLVMGetOperand(atom, 0), bb};

	for (LLVMValueRef x = LLVMGetFirstInstruction(c->g.blocks[bb]); x != atom;
	     x = LLVMGetNextInstruction(x))
		if (cg_may_tell(w.ptr, x))
			return true;
	return bb != head && cg_body_walk(c, head, (long)bb, true, block_tells, &w);
}

/* An operand the launcher's entry can use: a constant, an argument, or a
 * value the entry computes. */
static bool available_in_entry(LLVMValueRef v, LLVMBasicBlockRef entry)
{
	return !LLVMIsAInstruction(v) || LLVMGetInstructionParent(v) == entry;
}

static bool ticket(struct combine *c, LLVMValueRef in, size_t head, size_t bb,
		   LLVMBasicBlockRef entry)
{
	LLVMAtomicRMWBinOp op = LLVMGetAtomicRMWBinOp(in);
	LLVMValueRef ptr = LLVMGetOperand(in, 0);

	return (op == LLVMAtomicRMWBinOpAdd || op == LLVMAtomicRMWBinOpSub) &&
	       LLVMGetFirstUse(in) && LLVMGetTypeKind(LLVMTypeOf(in)) == LLVMIntegerTypeKind &&
	       available_in_entry(LLVMGetOperand(in, 1), entry) &&
	       !LLVMIsAAllocaInst(cg_atomic_strip(ptr)) && cg_atomic_invariant(c, ptr, entry) &&
	       once_per_item(c, head, bb) && !before_tells(c, head, bb, in);
}

/* One atomic in the entry takes the group's range; the work-items count
 * their turns. */
static void rewrite(struct combine *c, const struct item_loop *lp, LLVMValueRef in,
		    LLVMBasicBlockRef entry)
{
	struct launcher_env *e = c->e;
	LLVMBuilderRef b = e->b;
	LLVMTypeRef t = LLVMTypeOf(in);
	LLVMAtomicRMWBinOp op = LLVMGetAtomicRMWBinOp(in);
	LLVMValueRef v = LLVMGetOperand(in, 1), ctx = LLVMGetParam(lp->f, 1);
	LLVMValueRef items = LLVMConstInt(e->i64, 1, 0), base, turn, r, off;

	turn = cg_entry_variable(c, entry, LLVMConstNull(t), "ticket.turn");
	/* The group's size read again: the loop's own loads of it may have
	 * been merged away by the inlining step's clean-up. */
	for (int d = 0; d < 3; d++)
		items = LLVMBuildMul(b, items,
				     cg_load_i64(e, ctx, offsetof(struct svmgpu_wg_ctx, local_size) +
								 8 * (size_t)d),
				     "");
	base = LLVMBuildAtomicRMW(b, op, cg_atomic_materialise(c, LLVMGetOperand(in, 0), entry),
				  LLVMBuildMul(b, LLVMBuildIntCast2(b, items, t, 0, ""), v, ""),
				  LLVMAtomicOrderingSequentiallyConsistent, 0);
	LLVMSetAlignment(base, LLVMGetAlignment(in));
	LLVMSetVolatile(base, LLVMGetVolatile(in));

	LLVMPositionBuilderBefore(b, in);
	r = LLVMBuildLoad2(b, t, turn, "");
	LLVMBuildStore(b, LLVMBuildAdd(b, r, LLVMConstInt(t, 1, 0), ""), turn);
	off = LLVMBuildMul(b, r, v, "");
	LLVMReplaceAllUsesWith(in, op == LLVMAtomicRMWBinOpAdd ? LLVMBuildAdd(b, base, off, "")
							       : LLVMBuildSub(b, base, off, ""));
	LLVMInstructionEraseFromParent(in);
}

long cg_combine_tickets(struct combine *c, const struct item_loop *lp, LLVMBasicBlockRef entry)
{
	long head = cg_cfg_block(&c->g, lp->head[0]);

	/* c->groups is still empty: the groups are collected after. */
	if (head < 0)
		return 0;
	for (size_t k = 0; k < c->g.nb; k++) {
		LLVMValueRef in, next;

		if (!test_bit(c->body, k))
			continue;
		for (in = LLVMGetFirstInstruction(c->g.blocks[k]); in; in = next) {
			next = LLVMGetNextInstruction(in);
			if (!LLVMIsAAtomicRMWInst(in) || !ticket(c, in, (size_t)head, k, entry))
				continue;
			rewrite(c, lp, in, entry);
			/* One per loop: a second one's tickets would be taken in the
			 * entry in block order, which need not be the program's. */
			return 1;
		}
	}
	return 0;
}
