// SPDX-License-Identifier: MIT
/* Atomics combined per work-group (codegen_launch.h), as GPU compilers do per
 * wavefront (LLVM's AMDGPU atomic optimiser): the work-items of a group run
 * in turn on one thread, so `atomic_inc(counter)` in every work-item is, on
 * the CPU, a locked instruction per work-item on a line every thread
 * fights for. When the address is the same for the whole group and the old
 * value is not used, the loop form accumulates the operands in a register
 * and performs one atomic per group after the loop.
 *
 * Why this is a schedule the kernel allows: it is the one in which every
 * work-item of the group stalls just before its atomic until all have
 * reached it, then all perform theirs back to back. That is only the same
 * program if nothing a work-item does after its atomic could tell the
 * difference: no other atomic or fence, no call that touches memory, no
 * plain access that may reach the same location (a work-item must see its
 * own update). Plain stores elsewhere are fine: another work-item can only
 * look at them race-free after synchronising, which needs an atomic or a
 * fence after the store, or the end of the kernel. */
#include "codegen_atomics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- which kernels to inline into their launchers ---- */

/* Whether fn performs an atomic read-modify-write, itself or through what it
 * calls; those that do become always-inline so that the atomics end up in
 * the launcher's loop. */
static bool reaches_atomic(struct launcher_env *e, LLVMValueRef fn, LLVMValueRef *seen,
			   size_t *nseen, size_t cap)
{
	bool found = false;

	for (size_t i = 0; i < *nseen; i++)
		if (seen[i] == fn)
			return false;
	if (*nseen >= cap)
		return false;
	seen[(*nseen)++] = fn;
	for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb; bb = LLVMGetNextBasicBlock(bb))
		for (LLVMValueRef in = LLVMGetFirstInstruction(bb); in;
		     in = LLVMGetNextInstruction(in)) {
			LLVMValueRef callee;

			if (LLVMIsAAtomicRMWInst(in)) {
				found = true;
				continue;
			}
			if (!LLVMIsACallInst(in))
				continue;
			callee = LLVMGetCalledValue(in);
			if (callee && LLVMIsAFunction(callee) && !LLVMIsDeclaration(callee) &&
			    reaches_atomic(e, callee, seen, nseen, cap))
				found = true;
		}
	if (found)
		cg_force_inline(e->ctx, fn);
	return found;
}

/* ---- the analysis ---- */

LLVMValueRef cg_atomic_strip(LLVMValueRef p)
{
	for (;;) {
		const char *name;

		if (LLVMIsAGetElementPtrInst(p) || LLVMIsABitCastInst(p) ||
		    LLVMIsAAddrSpaceCastInst(p)) {
			p = LLVMGetOperand(p, 0);
		} else if (LLVMIsAConstantExpr(p) &&
			   (LLVMGetConstOpcode(p) == LLVMGetElementPtr ||
			    LLVMGetConstOpcode(p) == LLVMAddrSpaceCast)) {
			p = LLVMGetOperand(p, 0);
		} else if (LLVMIsACallInst(p) && (name = cg_callee_name(p)) &&
			   !strncmp(name, "llvm.threadlocal.address", 24)) {
			p = LLVMGetOperand(p, 0);
		} else {
			return p;
		}
	}
}

static unsigned address_space(LLVMValueRef p)
{
	return LLVMGetPointerAddressSpace(LLVMTypeOf(p));
}

/* Whether an access through q may reach the location the group updates:
 * unless they are provably apart (different variables, private memory,
 * disjoint named address spaces, the runtime's own state). */
static bool may_alias(LLVMValueRef q, LLVMValueRef ptr)
{
	LLVMValueRef uq = cg_atomic_strip(q), up = cg_atomic_strip(ptr);
	unsigned aq = address_space(q), ap = address_space(ptr);
	size_t len;

	if (uq == up)
		return true;
	if (LLVMIsAAllocaInst(uq))
		return false;
	if (LLVMIsAGlobalVariable(uq) && LLVMIsAGlobalVariable(up))
		return false;
	if (LLVMIsAGlobalVariable(uq) && !strncmp(LLVMGetValueName2(uq, &len), "__svmgpu", 8))
		return false;
	if (aq != ap && aq != AS_PRIVATE && aq != AS_GENERIC && ap != AS_PRIVATE &&
	    ap != AS_GENERIC)
		return false;
	return true;
}

/* Calls that touch no memory a work-item shares. */
static bool harmless_call(LLVMValueRef call)
{
	static const char *const ok[] = {"llvm.lifetime.", "llvm.dbg.", "llvm.assume",
					 "llvm.threadlocal.address", "llvm.expect",
					 "llvm.experimental.noalias.scope.decl"};
	LLVMValueRef callee = LLVMGetCalledValue(call);
	LLVMAttributeRef mem;
	const char *name = cg_callee_name(call);

	if (!name)
		return false;
	for (size_t i = 0; i < sizeof(ok) / sizeof(*ok); i++)
		if (!strncmp(name, ok[i], strlen(ok[i])))
			return true;
	mem = LLVMGetEnumAttributeAtIndex(callee, LLVMAttributeFunctionIndex,
					  cg_attr_kind("memory"));
	return mem && LLVMGetEnumAttributeValue(mem) == 0; /* memory(none) */
}

/* The candidate group x belongs to, or -1. */
static long group_of(const struct combine *c, LLVMValueRef x)
{
	if (!LLVMIsAAtomicRMWInst(x))
		return -1;
	for (size_t i = 0; i < c->ngroups; i++) {
		const struct combine_group *gr = &c->groups[i];

		for (size_t j = 0; !gr->rejected && j < gr->n; j++)
			if (gr->members[j] == x)
				return (long)i;
	}
	return -1;
}

/* Whether instruction x, which a work-item may run after one of gr's
 * atomics, could tell that the atomic was put off. Another group's atomic
 * is fine, as long as gr's total is applied before that group's (noted in
 * gr->before): that is the schedule in which the work-items run their
 * atomics in lock-step, as the lanes of a GPU do. */
static bool tells(struct combine *c, struct combine_group *gr, LLVMValueRef x)
{
	long other = group_of(c, x);

	if (other >= 0) {
		if (&c->groups[other] != gr)
			gr->before |= 1ull << other;
		return false;
	}
	return cg_may_tell(gr->ptr, x);
}

bool cg_may_tell(LLVMValueRef ptr, LLVMValueRef x)
{
	if (LLVMIsAAtomicRMWInst(x) || LLVMIsAAtomicCmpXchgInst(x) || LLVMIsAFenceInst(x))
		return true;
	if (LLVMIsALoadInst(x))
		return LLVMGetOrdering(x) != LLVMAtomicOrderingNotAtomic ||
		       may_alias(LLVMGetOperand(x, 0), ptr);
	if (LLVMIsAStoreInst(x))
		return LLVMGetOrdering(x) != LLVMAtomicOrderingNotAtomic ||
		       may_alias(LLVMGetOperand(x, 1), ptr);
	if (LLVMIsACallInst(x))
		return !harmless_call(x);
	return LLVMGetInstructionOpcode(x) == LLVMInvoke ||
	       LLVMGetInstructionOpcode(x) == LLVMCallBr;
}

static bool block_tells(struct combine *c, struct combine_group *gr, LLVMValueRef from)
{
	for (LLVMValueRef x = from; x; x = LLVMGetNextInstruction(x))
		if (tells(c, gr, x))
			return true;
	return false;
}

bool cg_body_walk(struct combine *c, size_t from, long avoid, bool include_from,
		  bool (*visit)(struct combine *c, size_t k, void *arg), void *arg)
{
	size_t words = c->g.nb / 64 + 1, top = 0;

	memset(c->seen, 0, words * sizeof(*c->seen));
	if (include_from) {
		set_bit(c->seen, from);
		if (visit(c, from, arg))
			return true;
	}
	c->stack[top++] = from;
	while (top) {
		size_t k = c->stack[--top];

		if (c->g.blocks[k] == c->latch)
			continue;
		for (size_t s = c->g.succ_at[k]; s < c->g.succ_at[k + 1]; s++) {
			size_t t = c->g.succ[s];

			if (!test_bit(c->body, t) || test_bit(c->seen, t) || (long)t == avoid)
				continue;
			set_bit(c->seen, t);
			if (visit(c, t, arg))
				return true;
			c->stack[top++] = t;
		}
	}
	return false;
}

struct after {
	struct combine_group *gr;
};

static bool whole_block_tells(struct combine *c, size_t k, void *arg)
{
	return block_tells(c, ((struct after *)arg)->gr, LLVMGetFirstInstruction(c->g.blocks[k]));
}

/* Everything the work-item may run after `atom` before its iteration ends:
 * the rest of its block, then the body's blocks reachable from there without
 * going round the loop (the whole of atom's block if it is reached again). */
static bool after_tells(struct combine *c, struct combine_group *gr, LLVMValueRef atom)
{
	long k = cg_cfg_block(&c->g, LLVMGetInstructionParent(atom));
	struct after w = {gr};

	if (block_tells(c, gr, LLVMGetNextInstruction(atom)))
		return true;
	return k >= 0 && cg_body_walk(c, (size_t)k, -1, false, whole_block_tells, &w);
}

/* Whether group i must be applied after itself: a work-item may run one of
 * its atomics after one of another group that follows it. */
static bool in_cycle(const struct combine *c, size_t i)
{
	uint64_t reach = c->groups[i].before, done = 0;

	while (reach & ~done) {
		size_t j = (size_t)__builtin_ctzll(reach & ~done);

		done |= 1ull << j;
		if (!c->groups[j].rejected)
			reach |= c->groups[j].before;
	}
	return reach >> i & 1;
}

/* Rejects the groups a work-item could tell apart, to a fixed point: a
 * rejected group's atomics count as any other atomic for the rest. */
static void judge(struct combine *c)
{
	bool changed;

	do {
		changed = false;
		for (size_t i = 0; i < c->ngroups; i++) {
			struct combine_group *gr = &c->groups[i];

			gr->before = 0;
			for (size_t j = 0; j < gr->n && !gr->rejected; j++)
				if (after_tells(c, gr, gr->members[j]))
					changed = gr->rejected = true;
		}
		for (size_t i = 0; !changed && i < c->ngroups; i++)
			if (!c->groups[i].rejected && in_cycle(c, i))
				changed = c->groups[i].rejected = true;
	} while (changed);
}

/* The loop's body: the blocks reachable from its header without leaving
 * through the latch. */
static void find_body(struct combine *c, LLVMBasicBlockRef head)
{
	long h = cg_cfg_block(&c->g, head);
	size_t top = 0;

	if (h < 0)
		return;
	set_bit(c->body, (size_t)h);
	c->stack[top++] = (size_t)h;
	while (top) {
		size_t b = c->stack[--top];

		if (c->g.blocks[b] == c->latch)
			continue;
		for (size_t s = c->g.succ_at[b]; s < c->g.succ_at[b + 1]; s++)
			if (!test_bit(c->body, c->g.succ[s])) {
				set_bit(c->body, c->g.succ[s]);
				c->stack[top++] = c->g.succ[s];
			}
	}
}

/* Whether p is the same for the whole group and can be computed after the
 * loop: arguments, constants, what the launcher's entry computes, and
 * address arithmetic on those. */
bool cg_atomic_invariant(struct combine *c, LLVMValueRef p, LLVMBasicBlockRef entry)
{
	const char *name;

	if (!LLVMIsAInstruction(p))
		return true;
	if (LLVMGetInstructionParent(p) == entry)
		return true;
	if (LLVMIsAGetElementPtrInst(p) || LLVMIsABitCastInst(p) || LLVMIsAAddrSpaceCastInst(p) ||
	    (LLVMIsACallInst(p) && (name = cg_callee_name(p)) &&
	     !strncmp(name, "llvm.threadlocal.address", 24))) {
		unsigned n = LLVMGetNumOperands(p) - (LLVMIsACallInst(p) ? 1 : 0);

		for (unsigned i = 0; i < n; i++)
			if (!cg_atomic_invariant(c, LLVMGetOperand(p, i), entry))
				return false;
		return true;
	}
	(void)c;
	return false;
}

/* p, recomputed where the builder stands when the loop's copy does not
 * dominate it. */
LLVMValueRef cg_atomic_materialise(struct combine *c, LLVMValueRef p,
				   LLVMBasicBlockRef entry)
{
	LLVMValueRef copy;
	unsigned n;

	if (!LLVMIsAInstruction(p) || LLVMGetInstructionParent(p) == entry)
		return p;
	copy = LLVMInstructionClone(p);
	n = LLVMGetNumOperands(p) - (LLVMIsACallInst(p) ? 1 : 0);
	for (unsigned i = 0; i < n; i++)
		LLVMSetOperand(copy, i, cg_atomic_materialise(c, LLVMGetOperand(p, i), entry));
	LLVMInsertIntoBuilder(c->e->b, copy);
	return copy;
}

static bool combinable_op(LLVMAtomicRMWBinOp op)
{
	switch (op) {
	case LLVMAtomicRMWBinOpAdd: case LLVMAtomicRMWBinOpSub: case LLVMAtomicRMWBinOpAnd:
	case LLVMAtomicRMWBinOpOr: case LLVMAtomicRMWBinOpXor: case LLVMAtomicRMWBinOpMax:
	case LLVMAtomicRMWBinOpMin: case LLVMAtomicRMWBinOpUMax: case LLVMAtomicRMWBinOpUMin:
		return true;
	default:
		return false;
	}
}

static bool add_candidate(struct combine *c, LLVMValueRef in)
{
	LLVMValueRef ptr = LLVMGetOperand(in, 0);
	LLVMAtomicRMWBinOp op = LLVMGetAtomicRMWBinOp(in);
	struct combine_group *gr = NULL;

	for (size_t i = 0; i < c->ngroups; i++)
		if (c->groups[i].ptr == ptr && c->groups[i].op == op)
			gr = &c->groups[i];
	if (!gr) {
		if (c->ngroups == 64)
			return true; /* enough */
		gr = cg_grow(c->groups, &c->gcap, c->ngroups, sizeof(*gr));
		if (!gr)
			return false;
		c->groups = gr;
		gr = &c->groups[c->ngroups++];
		*gr = (struct combine_group){.ptr = ptr, .op = op};
	}
	LLVMValueRef *m = cg_grow(gr->members, &gr->cap, gr->n, sizeof(*m));

	if (!m)
		return false;
	gr->members = m;
	gr->members[gr->n++] = in;
	return true;
}

/* The body's atomics that could be combined, by address and operation. */
static bool collect(struct combine *c, LLVMBasicBlockRef entry)
{
	for (size_t k = 0; k < c->g.nb; k++) {
		if (!test_bit(c->body, k))
			continue;
		for (LLVMValueRef in = LLVMGetFirstInstruction(c->g.blocks[k]); in;
		     in = LLVMGetNextInstruction(in)) {
			LLVMValueRef ptr;

			if (!LLVMIsAAtomicRMWInst(in) || LLVMGetFirstUse(in) ||
			    !combinable_op(LLVMGetAtomicRMWBinOp(in)) ||
			    LLVMGetTypeKind(LLVMTypeOf(in)) != LLVMIntegerTypeKind)
				continue;
			ptr = LLVMGetOperand(in, 0);
			/* Private memory: nothing to contend for. */
			if (LLVMIsAAllocaInst(cg_atomic_strip(ptr)) || !cg_atomic_invariant(c, ptr, entry))
				continue;
			if (!add_candidate(c, in))
				return false;
		}
	}
	return true;
}

/* ---- the rewrite ---- */

LLVMValueRef cg_entry_variable(struct combine *c, LLVMBasicBlockRef entry, LLVMValueRef init,
				const char *name)
{
	LLVMBuilderRef b = c->e->b;
	LLVMValueRef v;

	LLVMPositionBuilderBefore(b, LLVMGetFirstInstruction(entry));
	v = LLVMBuildAlloca(b, LLVMTypeOf(init), name);
	LLVMPositionBuilderBefore(b, LLVMGetBasicBlockTerminator(entry));
	LLVMBuildStore(b, init, v);
	return v;
}

/* The operation's identity: what the accumulator starts from. */
static LLVMValueRef identity(LLVMTypeRef t, LLVMAtomicRMWBinOp op)
{
	unsigned bits = LLVMGetIntTypeWidth(t);

	switch (op) {
	case LLVMAtomicRMWBinOpAnd: case LLVMAtomicRMWBinOpUMin:
		return LLVMConstAllOnes(t);
	case LLVMAtomicRMWBinOpMin: /* the largest signed value */
		return LLVMConstInt(t, ~0ull >> (65 - bits), 0);
	case LLVMAtomicRMWBinOpMax: /* the smallest */
		return LLVMConstInt(t, 1ull << (bits - 1), 0);
	default:
		return LLVMConstNull(t);
	}
}

static LLVMValueRef accumulate(LLVMBuilderRef b, LLVMAtomicRMWBinOp op, LLVMValueRef a,
			       LLVMValueRef v)
{
	LLVMIntPredicate keep_a;

	switch (op) {
	case LLVMAtomicRMWBinOpAdd: case LLVMAtomicRMWBinOpSub:
		return LLVMBuildAdd(b, a, v, "");
	case LLVMAtomicRMWBinOpAnd:
		return LLVMBuildAnd(b, a, v, "");
	case LLVMAtomicRMWBinOpOr:
		return LLVMBuildOr(b, a, v, "");
	case LLVMAtomicRMWBinOpXor:
		return LLVMBuildXor(b, a, v, "");
	case LLVMAtomicRMWBinOpMax: keep_a = LLVMIntSGT; break;
	case LLVMAtomicRMWBinOpMin: keep_a = LLVMIntSLT; break;
	case LLVMAtomicRMWBinOpUMax: keep_a = LLVMIntUGT; break;
	default: keep_a = LLVMIntULT; break;
	}
	return LLVMBuildSelect(b, LLVMBuildICmp(b, keep_a, a, v, ""), a, v, "");
}

/* A block after `exit` that takes over its instructions; exit is left empty. */
static LLVMBasicBlockRef split_off(struct combine *c, LLVMBasicBlockRef exit, const char *name)
{
	LLVMBasicBlockRef rest = LLVMAppendBasicBlockInContext(c->e->ctx,
							       LLVMGetBasicBlockParent(exit), name);
	LLVMValueRef in;

	LLVMPositionBuilderAtEnd(c->e->b, rest);
	while ((in = LLVMGetFirstInstruction(exit))) {
		LLVMInstructionRemoveFromParent(in);
		LLVMInsertIntoBuilder(c->e->b, in);
	}
	return rest;
}

/* gr's atomics accumulate into a variable of the launcher; after the loop,
 * one atomic applies the total (none when nothing changed it). Returns the
 * block that now follows the loop. */
static LLVMBasicBlockRef rewrite(struct combine *c, struct combine_group *gr,
				 LLVMBasicBlockRef entry, LLVMBasicBlockRef exit)
{
	LLVMBuilderRef b = c->e->b;
	LLVMValueRef first = gr->members[0], acc, total, atom;
	LLVMTypeRef t = LLVMTypeOf(first);
	LLVMValueRef id = identity(t, gr->op);
	unsigned align = LLVMGetAlignment(first);
	bool is_volatile = LLVMGetVolatile(first);
	LLVMBasicBlockRef apply, rest;

	acc = cg_entry_variable(c, entry, id, "group.acc");
	for (size_t i = 0; i < gr->n; i++) {
		LLVMValueRef in = gr->members[i];

		LLVMPositionBuilderBefore(b, in);
		LLVMBuildStore(b, accumulate(b, gr->op, LLVMBuildLoad2(b, t, acc, ""),
					     LLVMGetOperand(in, 1)),
			       acc);
		LLVMInstructionEraseFromParent(in);
	}
	rest = split_off(c, exit, "combined.after");
	apply = LLVMAppendBasicBlockInContext(c->e->ctx, LLVMGetBasicBlockParent(exit),
					      "combined.apply");
	LLVMPositionBuilderAtEnd(b, exit);
	total = LLVMBuildLoad2(b, t, acc, "");
	LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntNE, total, id, ""), apply, rest);
	LLVMPositionBuilderAtEnd(b, apply);
	/* The strongest ordering of all: the members may differ. */
	atom = LLVMBuildAtomicRMW(b, gr->op, cg_atomic_materialise(c, gr->ptr, entry), total,
				  LLVMAtomicOrderingSequentiallyConsistent, 0);
	LLVMSetAlignment(atom, align);
	LLVMSetVolatile(atom, is_volatile);
	LLVMBuildBr(b, rest);
	return rest;
}

static void combine_fini(struct combine *c)
{
	for (size_t i = 0; i < c->ngroups; i++)
		free(c->groups[i].members);
	free(c->groups);
	free(c->body);
	free(c->seen);
	free(c->stack);
	cg_cfg_fini(&c->g);
}

/* One launcher's loop: the number of atomics combined, or -1 when out of memory. */
static long combine_loop(struct launcher_env *e, const struct item_loop *lp)
{
	struct combine c = {.e = e, .latch = lp->latch[0]};
	LLVMBasicBlockRef entry = LLVMGetEntryBasicBlock(lp->f), exit = lp->exit;
	long combined = -1;
	size_t words;

	if (!cg_cfg_init(&c.g, entry))
		return -1;
	words = c.g.nb / 64 + 1;
	c.body = calloc(words, sizeof(*c.body));
	c.seen = calloc(words, sizeof(*c.seen));
	c.stack = calloc(c.g.nb + 1, sizeof(*c.stack));
	if (!c.body || !c.seen || !c.stack)
		goto out;
	find_body(&c, lp->head[0]);
	/* Tickets first: a group's atomics, once rewritten, no longer look
	 * like atomics to the tickets' checks. */
	combined = cg_combine_tickets(&c, lp, entry);
	if (combined < 0 || !collect(&c, entry)) {
		combined = -1;
		goto out;
	}
	judge(&c);
	/* In an order where each group comes before those it must precede. */
	for (bool progress = true; progress;) {
		progress = false;
		for (size_t i = 0; i < c.ngroups; i++) {
			struct combine_group *gr = &c.groups[i];
			bool ready = !gr->rejected && !gr->applied;

			for (size_t j = 0; ready && j < c.ngroups; j++)
				ready = c.groups[j].rejected || c.groups[j].applied ||
					!(c.groups[j].before >> i & 1);
			if (!ready)
				continue;
			combined += (long)gr->n;
			exit = rewrite(&c, gr, entry, exit);
			gr->applied = progress = true;
		}
	}
out:
	combine_fini(&c);
	return combined;
}

static void debug_combined(LLVMValueRef kernel, long n)
{
	size_t len;

	if (cg_debugging() && n > 0)
		fprintf(stderr, "svmgpu: kernel %s: %ld atomics combined per work-group\n",
			LLVMGetValueName2(kernel, &len), n);
}

bool cg_combine_atomics(struct launcher_env *e, LLVMTargetMachineRef tm,
			const struct item_loop *loops, const LLVMValueRef *kernels, size_t n,
			char **log)
{
	LLVMValueRef seen[256];
	bool any = false;

	for (size_t i = 0; i < n; i++) {
		size_t nseen = 0;

		any |= reaches_atomic(e, kernels[i], seen, &nseen, 256);
	}
	if (!any)
		return true;
	if (!cg_run_pipeline(e->m, tm, "always-inline,function(sroa,early-cse)", false,
			     "svmgpu: inlining for atomics failed: %s\n", log))
		return false;
	for (size_t i = 0; i < n; i++) {
		long combined = combine_loop(e, &loops[i]);

		if (combined < 0)
			return false;
		debug_combined(kernels[i], combined);
	}
	return true;
}
