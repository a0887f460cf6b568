// SPDX-License-Identifier: MIT
/* The region form of kernels with barriers (codegen_launch.h).
 *
 * Running each work-item on its own fiber costs a context switch per
 * work-item and barrier, and a stack per work-item that the caches cannot
 * hold. Instead, as pocl does, the kernel is cut at its barriers: the code
 * between two barriers (a region) runs as a loop over the group's
 * work-items, which the optimiser treats like the loop form.
 *
 * The kernel, with everything that reaches a barrier inlined into it, is
 * rewritten into a function R(args..., frame, uniform out, state, uniform
 * values...) that starts at region `state` (0: the kernel's entry, k: after
 * barrier k) and returns the next one (the barrier it stopped at, or
 * REGION_DONE). First every value that crosses a block boundary is demoted
 * to an alloca (as LLVM's reg2mem does), or computed again where it is used
 * when it only derives from work-item queries; blocks end at each barrier.
 * Then (codegen_region_slots.c) a liveness analysis over those allocas finds
 * the ones live across a barrier: they move to the work-item's frame in a
 * per-thread buffer of the executor (ctx->scratch), or, when a divergence
 * analysis shows them the same in every work-item (loop counters around
 * barriers), to one copy per group that R gets as loop-invariant arguments.
 * The others stay allocas, which the optimiser turns back into registers.
 *
 * The launcher keeps each work-item's next region: it runs the lowest
 * pending region for every work-item waiting there, until all are done. So
 * a work-item that returns early counts as arrived at every later barrier,
 * as in the fiber form, and even barriers that only some work-items reach
 * (undefined in OpenCL) end. Each region's loop calls R with a constant
 * state, so after inlining it holds that region's code only. */
#include "codegen_regions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- inlining ---- */

bool cg_inline_sync_paths(struct launcher_env *e, LLVMTargetMachineRef tm, char **log)
{
	for (LLVMValueRef f = LLVMGetFirstFunction(e->m); f; f = LLVMGetNextFunction(f)) {
		if (LLVMIsDeclaration(f) || f == e->sync || !cg_reaches_sync(e, f))
			continue;
		LLVMRemoveEnumAttributeAtIndex(f, LLVMAttributeFunctionIndex, cg_attr_kind("optnone"));
		cg_force_inline(e->ctx, f);
	}
	return cg_run_pipeline(e->m, tm, "always-inline,function(sroa,early-cse)", false,
			       "svmgpu: inlining for barriers failed: %s\n", log);
}

/* ---- whether the kernel fits ---- */

static bool is_sync_call(struct regions *r, LLVMValueRef in)
{
	return LLVMIsACallInst(in) && LLVMGetCalledValue(in) == r->e->sync;
}

/* Only direct barriers: no call left that reaches one, no unstructured
 * control flow, every alloca static; and nothing else calls the kernel. */
static bool fits(struct regions *r)
{
	if (LLVMGetFirstUse(r->fn))
		return false;
	for (LLVMBasicBlockRef bb = r->entry; bb; bb = LLVMGetNextBasicBlock(bb))
		for (LLVMValueRef in = LLVMGetFirstInstruction(bb); in;
		     in = LLVMGetNextInstruction(in)) {
			LLVMOpcode op = LLVMGetInstructionOpcode(in);
			LLVMValueRef callee;

			if (op == LLVMInvoke || op == LLVMCallBr || op == LLVMIndirectBr)
				return false;
			if (op == LLVMAlloca && (bb != r->entry ||
						  !LLVMIsAConstantInt(LLVMGetOperand(in, 0))))
				return false;
			if (op != LLVMCall || is_sync_call(r, in))
				continue;
			callee = LLVMGetCalledValue(in);
			if (LLVMIsAInlineAsm(callee))
				continue;
			if (!LLVMIsAFunction(callee))
				return false; /* an indirect call might reach a barrier */
			if (!LLVMIsDeclaration(callee) && cg_reaches_sync(r->e, callee))
				return false;
		}
	return true;
}

/* ---- rewriting into regions ---- */

static LLVMValueRef entry_alloca(struct regions *r, LLVMTypeRef t)
{
	LLVMBuilderRef b = r->e->b;

	LLVMPositionBuilderBefore(b, LLVMGetFirstInstruction(r->entry));
	return LLVMBuildAlloca(b, t, "");
}

/* By-value arguments become the kernel's own copy (the launcher passes the
 * argument's bytes, which every work-item shares). */
static void copy_byval_args(struct regions *r)
{
	struct launcher_env *e = r->e;
	unsigned n = LLVMCountParams(r->fn);

	for (unsigned i = 0; i < n; i++) {
		LLVMAttributeRef a = cg_param_attr(r->fn, i, "byval");
		LLVMValueRef p = LLVMGetParam(r->fn, i), copy;
		LLVMValueRef first;
		LLVMTypeRef t;

		if (!a)
			continue;
		t = LLVMGetTypeAttributeValue(a);
		copy = entry_alloca(r, t);
		LLVMSetAlignment(copy, LLVMABIAlignmentOfType(e->td, t));
		LLVMReplaceAllUsesWith(p, copy);
		first = LLVMGetFirstInstruction(r->entry);
		while (first && LLVMIsAAllocaInst(first))
			first = LLVMGetNextInstruction(first);
		LLVMPositionBuilderBefore(e->b, first);
		LLVMBuildMemCpy(e->b, copy, LLVMGetAlignment(copy), p, 1,
				LLVMConstInt(e->i64, LLVMABISizeOfType(e->td, t), 0));
	}
}

static LLVMValueRef first_non_phi(LLVMBasicBlockRef bb)
{
	LLVMValueRef in = LLVMGetFirstInstruction(bb);

	while (in && LLVMIsAPHINode(in))
		in = LLVMGetNextInstruction(in);
	return in;
}

/* Each phi: stores at the end of its predecessors, a load in its place. */
static bool demote_phis(struct regions *r)
{
	LLVMBuilderRef b = r->e->b;
	LLVMValueRef *phis = NULL;
	size_t n = 0, cap = 0;

	for (LLVMBasicBlockRef bb = r->entry; bb; bb = LLVMGetNextBasicBlock(bb))
		for (LLVMValueRef in = LLVMGetFirstInstruction(bb); in && LLVMIsAPHINode(in);
		     in = LLVMGetNextInstruction(in)) {
			LLVMValueRef *p = cg_grow(phis, &cap, n, sizeof(*p));

			if (!p) {
				free(phis);
				return false;
			}
			phis = p;
			phis[n++] = in;
		}
	for (size_t i = 0; i < n; i++) {
		LLVMValueRef phi = phis[i], slot = entry_alloca(r, LLVMTypeOf(phi)), load;

		for (unsigned k = 0; k < LLVMCountIncoming(phi); k++) {
			LLVMBasicBlockRef pred = LLVMGetIncomingBlock(phi, k);

			LLVMPositionBuilderBefore(b, LLVMGetBasicBlockTerminator(pred));
			LLVMBuildStore(b, LLVMGetIncomingValue(phi, k), slot);
		}
		LLVMPositionBuilderBefore(b, first_non_phi(LLVMGetInstructionParent(phi)));
		load = LLVMBuildLoad2(b, LLVMTypeOf(phi), slot, "");
		LLVMReplaceAllUsesWith(phi, load);
	}
	for (size_t i = 0; i < n; i++)
		LLVMInstructionEraseFromParent(phis[i]);
	free(phis);
	return true;
}

/* Every barrier ends its block: what follows moves to a new block. */
static bool split_at_barriers(struct regions *r)
{
	struct launcher_env *e = r->e;
	size_t cap = 0;

	for (LLVMBasicBlockRef bb = r->entry; bb; bb = LLVMGetNextBasicBlock(bb))
		for (LLVMValueRef in = LLVMGetFirstInstruction(bb); in;
		     in = LLVMGetNextInstruction(in)) {
			LLVMBasicBlockRef next = LLVMGetNextBasicBlock(bb), after;
			LLVMValueRef mv = LLVMGetNextInstruction(in);
			struct cut *c;

			if (!is_sync_call(r, in))
				continue;
			c = cg_grow(r->cuts, &cap, r->ncuts, sizeof(*c));
			if (!c)
				return false;
			r->cuts = c;
			after = next ? LLVMInsertBasicBlockInContext(e->ctx, next, "barrier.after")
				     : LLVMAppendBasicBlockInContext(e->ctx, r->fn, "barrier.after");
			LLVMPositionBuilderAtEnd(e->b, after);
			while (mv) {
				LLVMValueRef following = LLVMGetNextInstruction(mv);

				LLVMInstructionRemoveFromParent(mv);
				LLVMInsertIntoBuilder(e->b, mv);
				mv = following;
			}
			LLVMPositionBuilderAtEnd(e->b, bb);
			LLVMBuildBr(e->b, after);
			r->cuts[r->ncuts++] = (struct cut){in, bb, after};
			break; /* the rest of the block is `after`, the next one visited */
		}
	return true;
}

static bool storable(LLVMValueRef v)
{
	LLVMTypeKind k = LLVMGetTypeKind(LLVMTypeOf(v));

	return k != LLVMVoidTypeKind && k != LLVMTokenTypeKind && k != LLVMMetadataTypeKind &&
	       k != LLVMLabelTypeKind;
}

#define REMAT_DEPTH 8

/* Whether v can be computed again where it is used (cheaper than keeping it
 * in the frame): arithmetic on arguments, constants and the work-item
 * state, such as get_local_id(0) and what is derived from it. */
static bool rematerialisable(struct regions *r, LLVMValueRef v, int depth)
{
	long offset;

	if (!LLVMIsAInstruction(v))
		return true; /* constants, globals, arguments */
	if (depth > REMAT_DEPTH)
		return false;
	switch (LLVMGetInstructionOpcode(v)) {
	case LLVMLoad:
		if (LLVMGetVolatile(v) || !cg_in_wi_state(r->e, LLVMGetOperand(v, 0), &offset))
			return false;
		break;
	case LLVMCall:
		return cg_is_wi_state(r->e, v);
	case LLVMAdd: case LLVMSub: case LLVMMul: case LLVMShl: case LLVMLShr: case LLVMAShr:
	case LLVMAnd: case LLVMOr: case LLVMXor: case LLVMGetElementPtr: case LLVMTrunc:
	case LLVMZExt: case LLVMSExt: case LLVMPtrToInt: case LLVMIntToPtr: case LLVMBitCast:
	case LLVMAddrSpaceCast: case LLVMICmp: case LLVMSelect: case LLVMFreeze:
		break;
	default:
		return false;
	}
	for (int i = 0; i < LLVMGetNumOperands(v); i++)
		if (!rematerialisable(r, LLVMGetOperand(v, (unsigned)i), depth + 1))
			return false;
	return true;
}

/* A copy of v's computation just before `before`. */
static LLVMValueRef rematerialise(struct regions *r, LLVMValueRef v, LLVMValueRef before)
{
	int n = LLVMGetNumOperands(v);
	LLVMValueRef c;

	if (!LLVMIsAInstruction(v))
		return v;
	c = LLVMInstructionClone(v);
	for (int i = 0; i < n; i++) {
		LLVMValueRef op = LLVMGetOperand(v, (unsigned)i);
		LLVMValueRef copy = rematerialise(r, op, before);

		if (copy != op)
			LLVMSetOperand(c, (unsigned)i, copy);
	}
	LLVMPositionBuilderBefore(r->e->b, before);
	LLVMInsertIntoBuilder(r->e->b, c);
	return c;
}

/* user's operands that are `from` become `to`. */
static void replace_operand(LLVMValueRef user, LLVMValueRef from, LLVMValueRef to)
{
	for (int k = 0; k < LLVMGetNumOperands(user); k++)
		if (LLVMGetOperand(user, (unsigned)k) == from)
			LLVMSetOperand(user, (unsigned)k, to);
}

/* A value used outside its block: computed again before each such use where
 * that is cheap, else stored after its definition and loaded before each
 * such use. */
static bool demote_value(struct regions *r, LLVMValueRef in)
{
	LLVMBuilderRef b = r->e->b;
	LLVMBasicBlockRef home = LLVMGetInstructionParent(in);
	LLVMValueRef *users = NULL, slot;
	size_t n = 0, cap = 0;

	for (LLVMUseRef u = LLVMGetFirstUse(in); u; u = LLVMGetNextUse(u)) {
		LLVMValueRef user = LLVMGetUser(u), *p;
		bool seen = false;

		if (LLVMGetInstructionParent(user) == home)
			continue;
		for (size_t i = 0; i < n; i++)
			seen |= users[i] == user;
		if (seen)
			continue;
		p = cg_grow(users, &cap, n, sizeof(*p));
		if (!p) {
			free(users);
			return false;
		}
		users = p;
		users[n++] = user;
	}
	if (!n)
		return true;
	if (rematerialisable(r, in, 0)) {
		for (size_t i = 0; i < n; i++)
			replace_operand(users[i], in, rematerialise(r, in, users[i]));
		free(users);
		return true;
	}
	slot = entry_alloca(r, LLVMTypeOf(in));
	LLVMPositionBuilderBefore(b, LLVMGetNextInstruction(in));
	LLVMBuildStore(b, in, slot);
	for (size_t i = 0; i < n; i++) {
		LLVMPositionBuilderBefore(b, users[i]);
		replace_operand(users[i], in, LLVMBuildLoad2(b, LLVMTypeOf(in), slot, ""));
	}
	free(users);
	return true;
}

static bool demote_values(struct regions *r)
{
	for (LLVMBasicBlockRef bb = r->entry; bb; bb = LLVMGetNextBasicBlock(bb))
		for (LLVMValueRef in = LLVMGetFirstInstruction(bb); in;
		     in = LLVMGetNextInstruction(in)) {
			if ((bb == r->entry && LLVMIsAAllocaInst(in)) || !storable(in) ||
			    LLVMIsATerminatorInst(in))
				continue;
			if (!demote_value(r, in))
				return false;
		}
	return true;
}

/* ---- the region function ---- */

/* Frames follow each other: their size is a multiple of their alignment. */
#define UNIFORM_ALIGN 64 /* the uniform blocks' alignment in the scratch buffer */

static void lay_out_frame(struct regions *r)
{
	uint64_t off = 0, uoff = 0, frame_align = 4; /* the states after the frames: 4 bytes each */

	for (size_t i = 0; i < r->nslots; i++) {
		struct slot *s = &r->slots[i];
		LLVMTypeRef t = LLVMGetAllocatedType(s->alloca);
		uint64_t count = LLVMConstIntGetZExtValue(LLVMGetOperand(s->alloca, 0));
		uint64_t align = LLVMGetAlignment(s->alloca);
		uint64_t *at = s->uniform ? &uoff : &off;

		s->type = t;
		if (!s->frame)
			continue;
		if (align < LLVMABIAlignmentOfType(r->e->td, t))
			align = LLVMABIAlignmentOfType(r->e->td, t);
		if (align > UNIFORM_ALIGN)
			s->uniform = false, at = &off;
		*at = (*at + align - 1) / align * align;
		s->offset = *at;
		*at += LLVMABISizeOfType(r->e->td, t) * count;
		r->nuniform += s->uniform;
		if (!s->uniform && align > frame_align)
			frame_align = align;
	}
	r->frame_size = (off + frame_align - 1) / frame_align * frame_align;
	r->uniform_size = (uoff + UNIFORM_ALIGN - 1) / UNIFORM_ALIGN * UNIFORM_ALIGN;
	if (frame_align < UNIFORM_ALIGN)
		frame_align = UNIFORM_ALIGN;
	r->frames_offset = (2 * r->uniform_size + frame_align - 1) / frame_align * frame_align;
}

static bool is_enum_attr(LLVMAttributeRef a, const char *name)
{
	return LLVMIsEnumAttribute(a) && LLVMGetEnumAttributeKind(a) == cg_attr_kind(name);
}

static bool is_type_attr(LLVMAttributeRef a, const char *name)
{
	return LLVMIsTypeAttribute(a) && LLVMGetEnumAttributeKind(a) == cg_attr_kind(name);
}

/* The kernel's attributes on R: all but those that would keep it out of
 * its launcher, and byval (R gets the argument's address). */
static bool keep_on_r(LLVMAttributeRef a)
{
	return !is_enum_attr(a, "noinline") && !is_enum_attr(a, "optnone") &&
	       !is_type_attr(a, "byval");
}

static void copy_attributes(struct regions *r, LLVMValueRef R)
{
	cg_copy_attributes(r->fn, R, keep_on_r);
	cg_force_inline(r->e->ctx, R);
}

/* The slots into R's dispatch block: frame slots as addresses in the frame
 * (without lifetime markers: a frame outlives each region), others as
 * allocas. */
static void drop_lifetime_markers(LLVMValueRef a)
{
	for (LLVMUseRef u = LLVMGetFirstUse(a); u;) {
		LLVMValueRef user = LLVMGetUser(u);

		u = LLVMGetNextUse(u);
		if (cg_is_lifetime(user))
			LLVMInstructionEraseFromParent(user);
	}
}

/* A uniform slot: a register of R, given on entry (the launcher reads it
 * from the group's uniform block before the pass) and written to the other
 * block `out` before each return (every work-item writes the same value;
 * the launcher swaps the blocks between passes, so no work-item reads what
 * another wrote in the same pass). */
static void place_uniform(struct regions *r, struct slot *s, LLVMValueRef in, LLVMValueRef out,
			  LLVMValueRef R)
{
	struct launcher_env *e = r->e;
	LLVMTypeRef t = s->type;
	LLVMValueRef local = LLVMBuildAlloca(e->b, t, "");
	LLVMBasicBlockRef here = LLVMGetInsertBlock(e->b);

	LLVMBuildStore(e->b, in, local);
	drop_lifetime_markers(s->alloca);
	LLVMReplaceAllUsesWith(s->alloca, local);
	LLVMInstructionEraseFromParent(s->alloca);
	for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(R); bb; bb = LLVMGetNextBasicBlock(bb)) {
		LLVMValueRef term = LLVMGetBasicBlockTerminator(bb);

		if (!term || LLVMGetInstructionOpcode(term) != LLVMRet)
			continue;
		LLVMPositionBuilderBefore(e->b, term);
		LLVMBuildStore(e->b, LLVMBuildLoad2(e->b, t, local, ""),
			       cg_byte_gep(e, out, s->offset));
	}
	LLVMPositionBuilderAtEnd(e->b, here);
}

/* The slots into R's dispatch block: frame slots as addresses in the frame
 * (without lifetime markers: a frame outlives each region), uniform ones
 * through the uniform blocks, others as allocas. */
static void place_slots(struct regions *r, LLVMValueRef R, unsigned n)
{
	struct launcher_env *e = r->e;
	LLVMValueRef frame = LLVMGetParam(R, n);
	unsigned u = n + 3;

	for (size_t i = 0; i < r->nslots; i++) {
		LLVMValueRef a = r->slots[i].alloca;

		if (!r->slots[i].frame) {
			LLVMInstructionRemoveFromParent(a);
			LLVMInsertIntoBuilder(e->b, a);
		} else if (r->slots[i].uniform) {
			place_uniform(r, &r->slots[i], LLVMGetParam(R, u++), LLVMGetParam(R, n + 1), R);
		} else {
			drop_lifetime_markers(a);
			LLVMReplaceAllUsesWith(a, cg_byte_gep(e, frame, r->slots[i].offset));
			LLVMInstructionEraseFromParent(a);
		}
	}
}

/* R's returns become branches to one return block, so that the uniform
 * values are stored once. With a store before each return, InstCombine
 * merged the stores of R inlined early (into the launcher, before the
 * optimiser) and dropped their access group on the way: the work-item loop
 * then no longer counted as parallel and did not vectorise. */
static void unify_returns(struct regions *r, LLVMValueRef R)
{
	struct launcher_env *e = r->e;
	LLVMBasicBlockRef exit = LLVMAppendBasicBlockInContext(e->ctx, R, "regions.return");
	LLVMValueRef phi;

	LLVMPositionBuilderAtEnd(e->b, exit);
	phi = LLVMBuildPhi(e->b, e->i32, "next");
	LLVMBuildRet(e->b, phi);
	for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(R); bb != exit;
	     bb = LLVMGetNextBasicBlock(bb)) {
		LLVMValueRef term = LLVMGetBasicBlockTerminator(bb), v;

		if (!term || LLVMGetInstructionOpcode(term) != LLVMRet)
			continue;
		v = LLVMGetOperand(term, 0);
		LLVMPositionBuilderBefore(e->b, term);
		LLVMBuildBr(e->b, exit);
		LLVMInstructionEraseFromParent(term);
		LLVMAddIncoming(phi, &v, &bb, 1);
	}
}

/* R(args..., frame, uniform out, state, uniform values...) -> the next state; the kernel's blocks move
 * into it, its returns return REGION_DONE and its barriers their number. */
static LLVMValueRef build_region_function(struct regions *r)
{
	struct launcher_env *e = r->e;
	unsigned n = LLVMCountParams(r->fn);
	unsigned np = n + 3 + r->nuniform, u = n + 3;
	LLVMTypeRef *pt = calloc(np, sizeof(*pt));
	LLVMBasicBlockRef dispatch, bb;
	LLVMValueRef R, sw;
	size_t len;
	char *name;

	if (!pt)
		return NULL;
	for (unsigned i = 0; i < n; i++)
		pt[i] = LLVMTypeOf(LLVMGetParam(r->fn, i));
	pt[n] = pt[n + 1] = e->ptr;
	pt[n + 2] = e->i32;
	for (size_t i = 0; i < r->nslots; i++)
		if (r->slots[i].frame && r->slots[i].uniform)
			pt[u++] = r->slots[i].type;
	if (asprintf(&name, "__svmgpu_regions.%s", LLVMGetValueName2(r->fn, &len)) < 0) {
		free(pt);
		return NULL;
	}
	R = LLVMAddFunction(e->m, name, LLVMFunctionType(e->i32, pt, np, 0));
	free(name);
	free(pt);
	LLVMSetLinkage(R, LLVMInternalLinkage);
	copy_attributes(r, R);
	/* The frame and the uniform blocks are not marked noalias here, though
	 * nothing else reaches them: inlined, noalias parameters leave
	 * llvm.experimental.noalias.scope.decl calls in the work-item loop, which
	 * have no access group, so the loop no longer counts as parallel and
	 * does not vectorise (the local-memory reduction ran 1.4x slower). Once
	 * R is inlined, the scratch buffer they point into is a malloc-like
	 * noalias call result that no kernel pointer reaches: the optimiser
	 * knows as much from that. */
	dispatch = LLVMAppendBasicBlockInContext(e->ctx, R, "dispatch");
	while ((bb = LLVMGetFirstBasicBlock(r->fn))) {
		LLVMRemoveBasicBlockFromParent(bb);
		LLVMAppendExistingBasicBlock(R, bb);
	}
	for (unsigned i = 0; i < n; i++)
		LLVMReplaceAllUsesWith(LLVMGetParam(r->fn, i), LLVMGetParam(R, i));

	for (bb = LLVMGetFirstBasicBlock(R); bb; bb = LLVMGetNextBasicBlock(bb)) {
		LLVMValueRef term = LLVMGetBasicBlockTerminator(bb);

		if (term && LLVMGetInstructionOpcode(term) == LLVMRet) {
			LLVMPositionBuilderBefore(e->b, term);
			LLVMBuildRet(e->b, LLVMConstInt(e->i32, REGION_DONE, 0));
			LLVMInstructionEraseFromParent(term);
		}
	}
	for (size_t k = 0; k < r->ncuts; k++) {
		LLVMValueRef br = LLVMGetBasicBlockTerminator(r->cuts[k].before);

		LLVMPositionBuilderBefore(e->b, br);
		LLVMBuildRet(e->b, LLVMConstInt(e->i32, k + 1, 0));
		LLVMInstructionEraseFromParent(br);
		LLVMInstructionEraseFromParent(r->cuts[k].call);
	}
	unify_returns(r, R);
	LLVMPositionBuilderAtEnd(e->b, dispatch);
	place_slots(r, R, n);
	sw = LLVMBuildSwitch(e->b, LLVMGetParam(R, n + 2), r->entry, (unsigned)r->ncuts);
	for (size_t k = 0; k < r->ncuts; k++)
		LLVMAddCase(sw, LLVMConstInt(e->i32, k + 1, 0), r->cuts[k].after);
	return R;
}

bool cg_build_region_launcher(struct launcher_env *e, LLVMValueRef kernel,
			      struct region_info *info)
{
	struct regions r = {.e = e, .fn = kernel, .entry = LLVMGetEntryBasicBlock(kernel)};
	LLVMValueRef f, args, ctx, *argv = NULL, R;
	LLVMBasicBlockRef resume_at;
	bool ok = false;

	if (!e->sync || !fits(&r))
		return false;
	copy_byval_args(&r);
	if (!demote_phis(&r) || !split_at_barriers(&r) || !demote_values(&r) ||
	    !cg_collect_slots(&r) || !cg_find_frame_slots(&r) ||
	    !cg_find_uniform_slots(&r))
		goto out;
	lay_out_frame(&r);
	f = cg_new_launcher(e, kernel, SVMGPU_LAUNCH_WG_PREFIX, &args, &ctx);
	if (!f)
		goto out;
	argv = cg_load_args(e, kernel, args);
	resume_at = LLVMGetInsertBlock(e->b);
	R = argv ? build_region_function(&r) : NULL;
	if (!R) {
		LLVMDeleteFunction(f);
		goto out;
	}
	cg_set_host_attributes(e, R);
	LLVMPositionBuilderAtEnd(e->b, resume_at);
	cg_build_region_loops(&r, f, ctx, R, argv);
	LLVMDeleteFunction(kernel);
	info->barriers = (unsigned)r.ncuts;
	info->frame_size = r.frame_size;
	info->uniform_size = r.uniform_size;
	ok = true;
out:
	free(argv);
	free(r.cuts);
	free(r.slots);
	return ok;
}
