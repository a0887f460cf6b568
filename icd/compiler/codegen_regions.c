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
 * rewritten into a function R(args..., frame, state) that starts at region
 * `state` (0: the kernel's entry, k: after barrier k) and returns the next
 * one (the barrier it stopped at, or DONE). First every value that crosses
 * a block boundary is demoted to an alloca (as LLVM's reg2mem does), and
 * blocks end at each barrier; then a liveness analysis over those allocas
 * finds the ones live across a barrier, and they move to the work-item's
 * frame in a per-thread buffer of the executor (ctx->scratch). The others
 * stay allocas, which the optimiser turns back into registers.
 *
 * The launcher keeps each work-item's next region: it runs the lowest
 * pending region for every work-item waiting there, until all are done. So
 * a work-item that returns early counts as arrived at every later barrier,
 * as in the fiber form, and even barriers that only some work-items reach
 * (undefined in OpenCL) end. Each region's loop calls R with a constant
 * state, so after inlining it holds that region's code only. */
#include "codegen_launch.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DONE 0xffffffffu

struct cut {
	LLVMValueRef call;           /* the barrier */
	LLVMBasicBlockRef before, after;
};

struct slot {
	LLVMValueRef alloca;
	bool escapes; /* used other than by whole loads and stores */
	bool frame;   /* lives across a barrier: in the work-item's frame */
	uint64_t offset;
};

struct regions {
	struct launcher_env *e;
	LLVMValueRef fn;
	LLVMBasicBlockRef entry;
	struct cut *cuts;
	size_t ncuts;
	struct slot *slots;
	size_t nslots;
	uint64_t frame_size;
};

static void *grow(void *p, size_t *cap, size_t n, size_t size)
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

static unsigned attr_kind(const char *name)
{
	return LLVMGetEnumAttributeKindForName(name, strlen(name));
}

/* ---- inlining ---- */

bool cg_inline_sync_paths(struct launcher_env *e, LLVMTargetMachineRef tm, char **log)
{
	LLVMPassBuilderOptionsRef opts;
	LLVMErrorRef err;
	unsigned always = attr_kind("alwaysinline");

	for (LLVMValueRef f = LLVMGetFirstFunction(e->m); f; f = LLVMGetNextFunction(f)) {
		if (LLVMIsDeclaration(f) || f == e->sync || !cg_reaches_sync(e, f))
			continue;
		LLVMRemoveEnumAttributeAtIndex(f, LLVMAttributeFunctionIndex, attr_kind("noinline"));
		LLVMRemoveEnumAttributeAtIndex(f, LLVMAttributeFunctionIndex, attr_kind("optnone"));
		LLVMAddAttributeAtIndex(f, LLVMAttributeFunctionIndex,
					LLVMCreateEnumAttribute(e->ctx, always, 0));
	}
	opts = LLVMCreatePassBuilderOptions();
	err = LLVMRunPasses(e->m, "always-inline,function(sroa,early-cse)", tm, opts);
	LLVMDisposePassBuilderOptions(opts);
	if (err) {
		char *msg = LLVMGetErrorMessage(err);

		cg_append_log(log, "svmgpu: inlining for barriers failed: %s\n", msg);
		LLVMDisposeErrorMessage(msg);
		return false;
	}
	return true;
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
			LLVMValueRef *p = grow(phis, &cap, n, sizeof(*p));

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
			c = grow(r->cuts, &cap, r->ncuts, sizeof(*c));
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

/* Whether p points into the work-item state (kernel_abi.h), which only the
 * launchers write: what is loaded from there is the same wherever it is
 * loaded in the work-item's regions. */
static bool in_wi_state(struct regions *r, LLVMValueRef p)
{
	while (LLVMIsAGetElementPtrInst(p))
		p = LLVMGetOperand(p, 0);
	return p == r->e->wi || (LLVMIsACallInst(p) && LLVMGetCalledValue(p) == r->e->tls_address &&
				 LLVMGetOperand(p, 0) == r->e->wi);
}

#define REMAT_DEPTH 8

/* Whether v can be computed again where it is used (cheaper than keeping it
 * in the frame): arithmetic on arguments, constants and the work-item
 * state, such as get_local_id(0) and what is derived from it. */
static bool rematerialisable(struct regions *r, LLVMValueRef v, int depth)
{
	if (!LLVMIsAInstruction(v))
		return true; /* constants, globals, arguments */
	if (depth > REMAT_DEPTH)
		return false;
	switch (LLVMGetInstructionOpcode(v)) {
	case LLVMLoad:
		if (LLVMGetVolatile(v) || !in_wi_state(r, LLVMGetOperand(v, 0)))
			return false;
		break;
	case LLVMCall:
		return LLVMGetCalledValue(v) == r->e->tls_address &&
		       LLVMGetOperand(v, 0) == r->e->wi;
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
		p = grow(users, &cap, n, sizeof(*p));
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
		for (size_t i = 0; i < n; i++) {
			LLVMValueRef copy = rematerialise(r, in, users[i]);

			for (int k = 0; k < LLVMGetNumOperands(users[i]); k++)
				if (LLVMGetOperand(users[i], (unsigned)k) == in)
					LLVMSetOperand(users[i], (unsigned)k, copy);
		}
		free(users);
		return true;
	}
	slot = entry_alloca(r, LLVMTypeOf(in));
	LLVMPositionBuilderBefore(b, LLVMGetNextInstruction(in));
	LLVMBuildStore(b, in, slot);
	for (size_t i = 0; i < n; i++) {
		LLVMValueRef load;

		LLVMPositionBuilderBefore(b, users[i]);
		load = LLVMBuildLoad2(b, LLVMTypeOf(in), slot, "");
		for (int k = 0; k < LLVMGetNumOperands(users[i]); k++)
			if (LLVMGetOperand(users[i], (unsigned)k) == in)
				LLVMSetOperand(users[i], (unsigned)k, load);
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

/* ---- which allocas live across a barrier ---- */

/* A pointer and what it numbers, sorted by pointer for lookups. */
struct key {
	const void *p;
	size_t index;
};

static int cmp_key(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)((const struct key *)a)->p;
	uintptr_t y = (uintptr_t)((const struct key *)b)->p;

	return x < y ? -1 : x > y;
}

/* The number of p in the sorted keys, or -1. */
static long find(const struct key *keys, size_t n, const void *p)
{
	struct key k = {p, 0};
	const struct key *hit = bsearch(&k, keys, n, sizeof(*keys), cmp_key);

	return hit ? (long)hit->index : -1;
}

static bool is_lifetime(LLVMValueRef in)
{
	LLVMValueRef callee;
	size_t len;
	const char *name;

	if (!LLVMIsACallInst(in))
		return false;
	callee = LLVMGetCalledValue(in);
	if (!LLVMIsAFunction(callee))
		return false;
	name = LLVMGetValueName2(callee, &len);
	return !strncmp(name, "llvm.lifetime.", 14);
}

static bool collect_slots(struct regions *r)
{
	size_t cap = 0;

	for (LLVMValueRef in = LLVMGetFirstInstruction(r->entry); in;
	     in = LLVMGetNextInstruction(in)) {
		struct slot *s;

		if (!LLVMIsAAllocaInst(in))
			continue;
		s = grow(r->slots, &cap, r->nslots, sizeof(*s));
		if (!s)
			return false;
		r->slots = s;
		s = &r->slots[r->nslots++];
		*s = (struct slot){.alloca = in};
		for (LLVMUseRef u = LLVMGetFirstUse(in); u; u = LLVMGetNextUse(u)) {
			LLVMValueRef user = LLVMGetUser(u);

			if (LLVMIsALoadInst(user) || is_lifetime(user) ||
			    (LLVMIsAStoreInst(user) && LLVMGetOperand(user, 0) != in))
				continue;
			s->escapes = true;
		}
	}
	return true;
}

/* Whether a store writes the whole of slot s. */
static bool whole_store(struct regions *r, LLVMValueRef store, const struct slot *s)
{
	LLVMTypeRef t = LLVMGetAllocatedType(s->alloca);
	LLVMValueRef count = LLVMGetOperand(s->alloca, 0);

	return LLVMIsAConstantInt(count) && LLVMConstIntGetZExtValue(count) == 1 &&
	       LLVMABISizeOfType(r->e->td, LLVMTypeOf(LLVMGetOperand(store, 0))) ==
		       LLVMABISizeOfType(r->e->td, t);
}

static inline bool test_bit(const uint64_t *set, size_t i)
{
	return set[i / 64] >> (i % 64) & 1;
}

static inline void set_bit(uint64_t *set, size_t i)
{
	set[i / 64] |= 1ull << (i % 64);
}

/* Upward-exposed loads (gen) and whole stores (kill) of the slots, per block. */
static void local_effects(struct regions *r, LLVMBasicBlockRef bb, const struct key *skeys,
			  uint64_t *gen, uint64_t *kill)
{
	for (LLVMValueRef x = LLVMGetFirstInstruction(bb); x; x = LLVMGetNextInstruction(x)) {
		bool load = LLVMIsALoadInst(x) != NULL, store = LLVMIsAStoreInst(x) != NULL;
		long i;

		if (!load && !store)
			continue;
		i = find(skeys, r->nslots, LLVMGetOperand(x, load ? 0 : 1));
		if (i < 0)
			continue;
		if (load && !test_bit(kill, (size_t)i))
			set_bit(gen, (size_t)i);
		if (store && whole_store(r, x, &r->slots[i]))
			set_bit(kill, (size_t)i);
	}
}

/* Backward liveness of the slots over the blocks; a slot live into the block
 * after a barrier goes to the frame, as does any slot whose address escapes. */
static bool find_frame_slots(struct regions *r)
{
	size_t nb = 0, ns = r->nslots, words = (ns + 63) / 64 + 1;
	LLVMBasicBlockRef *blocks;
	struct key *bkeys, *skeys;
	uint64_t *gen, *kill, *in;
	bool ok = false, changed;

	for (LLVMBasicBlockRef bb = r->entry; bb; bb = LLVMGetNextBasicBlock(bb))
		nb++;
	blocks = calloc(nb, sizeof(*blocks));
	bkeys = calloc(nb, sizeof(*bkeys));
	skeys = calloc(ns + 1, sizeof(*skeys));
	gen = calloc(nb * words, sizeof(*gen));
	kill = calloc(nb * words, sizeof(*kill));
	in = calloc(nb * words, sizeof(*in));
	if (!blocks || !bkeys || !skeys || !gen || !kill || !in)
		goto out;
	nb = 0;
	for (LLVMBasicBlockRef bb = r->entry; bb; bb = LLVMGetNextBasicBlock(bb)) {
		bkeys[nb] = (struct key){bb, nb};
		blocks[nb++] = bb;
	}
	qsort(bkeys, nb, sizeof(*bkeys), cmp_key);
	for (size_t i = 0; i < ns; i++)
		skeys[i] = (struct key){r->slots[i].alloca, i};
	qsort(skeys, ns, sizeof(*skeys), cmp_key);
	for (size_t k = 0; k < nb; k++)
		local_effects(r, blocks[k], skeys, gen + k * words, kill + k * words);

	/* in = gen | (the successors' in) & ~kill, to a fixed point. */
	do {
		changed = false;
		for (size_t k = nb; k-- > 0;) {
			LLVMValueRef term = LLVMGetBasicBlockTerminator(blocks[k]);
			unsigned nsucc = term ? LLVMGetNumSuccessors(term) : 0;

			for (size_t w = 0; w < words; w++) {
				uint64_t out = 0, v;

				for (unsigned s = 0; s < nsucc; s++) {
					long j = find(bkeys, nb, LLVMGetSuccessor(term, s));

					if (j >= 0)
						out |= in[(size_t)j * words + w];
				}
				v = gen[k * words + w] | (out & ~kill[k * words + w]);
				if (v != in[k * words + w]) {
					in[k * words + w] = v;
					changed = true;
				}
			}
		}
	} while (changed);
	for (size_t c = 0; c < r->ncuts; c++) {
		long j = find(bkeys, nb, r->cuts[c].after);

		for (size_t i = 0; j >= 0 && i < ns; i++)
			if (test_bit(in + (size_t)j * words, i))
				r->slots[i].frame = true;
	}
	for (size_t i = 0; i < ns; i++)
		r->slots[i].frame |= r->slots[i].escapes;
	ok = true;
out:
	free(blocks);
	free(bkeys);
	free(skeys);
	free(gen);
	free(kill);
	free(in);
	return ok;
}

/* ---- the region function ---- */

/* Frames follow each other: their size is a multiple of their alignment. */
static void lay_out_frame(struct regions *r)
{
	uint64_t off = 0, frame_align = 4; /* the states after the frames: 4 bytes each */

	for (size_t i = 0; i < r->nslots; i++) {
		struct slot *s = &r->slots[i];
		LLVMTypeRef t = LLVMGetAllocatedType(s->alloca);
		uint64_t count = LLVMConstIntGetZExtValue(LLVMGetOperand(s->alloca, 0));
		uint64_t align = LLVMGetAlignment(s->alloca);

		if (!s->frame)
			continue;
		if (align < LLVMABIAlignmentOfType(r->e->td, t))
			align = LLVMABIAlignmentOfType(r->e->td, t);
		off = (off + align - 1) / align * align;
		s->offset = off;
		off += LLVMABISizeOfType(r->e->td, t) * count;
		if (align > frame_align)
			frame_align = align;
	}
	r->frame_size = (off + frame_align - 1) / frame_align * frame_align;
}

static bool is_enum_attr(LLVMAttributeRef a, const char *name)
{
	return LLVMIsEnumAttribute(a) && LLVMGetEnumAttributeKind(a) == attr_kind(name);
}

static bool is_type_attr(LLVMAttributeRef a, const char *name)
{
	return LLVMIsTypeAttribute(a) && LLVMGetEnumAttributeKind(a) == attr_kind(name);
}

/* The kernel's attributes on R: all but those that would keep it out of
 * its launcher, and byval (R gets the argument's address). */
static void copy_attributes(struct regions *r, LLVMValueRef R)
{
	unsigned n = LLVMCountParams(r->fn);

	for (unsigned idx = 0; idx <= n; idx++) {
		unsigned at = idx ? idx : (unsigned)LLVMAttributeFunctionIndex;
		unsigned count = LLVMGetAttributeCountAtIndex(r->fn, at);
		LLVMAttributeRef *attrs = calloc(count ? count : 1, sizeof(*attrs));

		if (!attrs)
			continue;
		LLVMGetAttributesAtIndex(r->fn, at, attrs);
		for (unsigned a = 0; a < count; a++)
			if (!is_enum_attr(attrs[a], "noinline") && !is_enum_attr(attrs[a], "optnone") &&
			    !is_type_attr(attrs[a], "byval"))
				LLVMAddAttributeAtIndex(R, at, attrs[a]);
		free(attrs);
	}
	LLVMAddAttributeAtIndex(R, LLVMAttributeFunctionIndex,
				LLVMCreateEnumAttribute(r->e->ctx, attr_kind("alwaysinline"), 0));
}

/* The slots into R's dispatch block: frame slots as addresses in the frame
 * (without lifetime markers: a frame outlives each region), others as
 * allocas. */
static void place_slots(struct regions *r, LLVMValueRef frame)
{
	struct launcher_env *e = r->e;

	for (size_t i = 0; i < r->nslots; i++) {
		LLVMValueRef a = r->slots[i].alloca;

		if (!r->slots[i].frame) {
			LLVMInstructionRemoveFromParent(a);
			LLVMInsertIntoBuilder(e->b, a);
			continue;
		}
		for (LLVMUseRef u = LLVMGetFirstUse(a); u;) {
			LLVMValueRef user = LLVMGetUser(u);

			u = LLVMGetNextUse(u);
			if (is_lifetime(user))
				LLVMInstructionEraseFromParent(user);
		}
		LLVMReplaceAllUsesWith(a, cg_byte_gep(e, frame, r->slots[i].offset));
		LLVMInstructionEraseFromParent(a);
	}
}

/* R(args..., frame, state) -> the next state; the kernel's blocks move
 * into it, its returns return DONE and its barriers their number. */
static LLVMValueRef build_region_function(struct regions *r)
{
	struct launcher_env *e = r->e;
	unsigned n = LLVMCountParams(r->fn);
	LLVMTypeRef *pt = calloc(n + 2, sizeof(*pt));
	LLVMBasicBlockRef dispatch, bb;
	LLVMValueRef R, sw;
	size_t len;
	char *name;

	if (!pt)
		return NULL;
	for (unsigned i = 0; i < n; i++)
		pt[i] = LLVMTypeOf(LLVMGetParam(r->fn, i));
	pt[n] = e->ptr;
	pt[n + 1] = e->i32;
	if (asprintf(&name, "__svmgpu_regions.%s", LLVMGetValueName2(r->fn, &len)) < 0) {
		free(pt);
		return NULL;
	}
	R = LLVMAddFunction(e->m, name, LLVMFunctionType(e->i32, pt, n + 2, 0));
	free(name);
	free(pt);
	LLVMSetLinkage(R, LLVMInternalLinkage);
	copy_attributes(r, R);
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
			LLVMBuildRet(e->b, LLVMConstInt(e->i32, DONE, 0));
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
	LLVMPositionBuilderAtEnd(e->b, dispatch);
	place_slots(r, LLVMGetParam(R, n));
	sw = LLVMBuildSwitch(e->b, LLVMGetParam(R, n + 1), r->entry, (unsigned)r->ncuts);
	for (size_t k = 0; k < r->ncuts; k++)
		LLVMAddCase(sw, LLVMConstInt(e->i32, k + 1, 0), r->cuts[k].after);
	return R;
}

/* ---- the launcher ---- */

/* buf = ctx->scratch(ctx, bytes), or return from the launcher on NULL. */
static LLVMValueRef get_scratch(struct regions *r, LLVMValueRef f, LLVMValueRef ctx,
				LLVMValueRef bytes)
{
	struct launcher_env *e = r->e;
	LLVMTypeRef ft = LLVMFunctionType(e->ptr, (LLVMTypeRef[]){e->ptr, e->i64}, 2, 0);
	LLVMValueRef fn = LLVMBuildLoad2(e->b, e->ptr,
					 cg_byte_gep(e, ctx, offsetof(struct svmgpu_wg_ctx, scratch)),
					 "scratch.fn");
	LLVMValueRef buf = LLVMBuildCall2(e->b, ft, fn, (LLVMValueRef[]){ctx, bytes}, 2, "frames");
	LLVMBasicBlockRef fail = LLVMAppendBasicBlockInContext(e->ctx, f, "no.scratch");
	LLVMBasicBlockRef go = LLVMAppendBasicBlockInContext(e->ctx, f, "start");

	LLVMBuildCondBr(e->b, LLVMBuildIsNull(e->b, buf, ""), fail, go);
	LLVMPositionBuilderAtEnd(e->b, fail);
	LLVMBuildRetVoid(e->b);
	LLVMPositionBuilderAtEnd(e->b, go);
	return buf;
}

/* The lowest state of any work-item (DONE when all are), and whether every
 * work-item is in it (*same). */
static LLVMValueRef lowest_state(struct regions *r, LLVMValueRef f, LLVMValueRef resume,
				 LLVMValueRef total, LLVMValueRef *same)
{
	struct launcher_env *e = r->e;
	LLVMBasicBlockRef from = LLVMGetInsertBlock(e->b);
	LLVMBasicBlockRef scan = LLVMAppendBasicBlockInContext(e->ctx, f, "scan");
	LLVMBasicBlockRef out = LLVMAppendBasicBlockInContext(e->ctx, f, "scanned");
	LLVMValueRef i, lo, hi, v, i1, lo1, hi1;

	LLVMBuildBr(e->b, scan);
	LLVMPositionBuilderAtEnd(e->b, scan);
	i = LLVMBuildPhi(e->b, e->i64, "");
	lo = LLVMBuildPhi(e->b, e->i32, "");
	hi = LLVMBuildPhi(e->b, e->i32, "");
	v = LLVMBuildLoad2(e->b, e->i32, LLVMBuildGEP2(e->b, e->i32, resume, &i, 1, ""), "");
	lo1 = LLVMBuildSelect(e->b, LLVMBuildICmp(e->b, LLVMIntULT, v, lo, ""), v, lo, "");
	hi1 = LLVMBuildSelect(e->b, LLVMBuildICmp(e->b, LLVMIntUGT, v, hi, ""), v, hi, "");
	i1 = LLVMBuildAdd(e->b, i, LLVMConstInt(e->i64, 1, 0), "");
	LLVMAddIncoming(i, (LLVMValueRef[]){LLVMConstInt(e->i64, 0, 0), i1},
			(LLVMBasicBlockRef[]){from, scan}, 2);
	LLVMAddIncoming(lo, (LLVMValueRef[]){LLVMConstInt(e->i32, DONE, 0), lo1},
			(LLVMBasicBlockRef[]){from, scan}, 2);
	LLVMAddIncoming(hi, (LLVMValueRef[]){LLVMConstInt(e->i32, 0, 0), hi1},
			(LLVMBasicBlockRef[]){from, scan}, 2);
	LLVMBuildCondBr(e->b, LLVMBuildICmp(e->b, LLVMIntULT, i1, total, ""), scan, out);
	LLVMPositionBuilderAtEnd(e->b, out);
	*same = LLVMBuildICmp(e->b, LLVMIntEQ, lo1, hi1, "uniform");
	return lo1;
}

/* Region `state`'s loop: every work-item waiting there runs it (checked:
 * only those; else all are). */
static void region_loop(struct regions *r, LLVMValueRef f, LLVMValueRef ctx, LLVMValueRef R,
			LLVMValueRef *argv, LLVMValueRef buf, LLVMValueRef resume, unsigned state,
			bool checked, LLVMBasicBlockRef pick)
{
	struct launcher_env *e = r->e;
	unsigned n = LLVMCountParams(R);
	LLVMValueRef *callv = calloc(n, sizeof(*callv)), idx, slot;
	LLVMBasicBlockRef next = NULL;
	struct item_loop lp;

	cg_begin_item_loop(e, f, ctx, &lp);
	idx = LLVMBuildAdd(e->b,
			   LLVMBuildMul(e->b,
					LLVMBuildAdd(e->b, LLVMBuildMul(e->b, lp.iv[2], lp.n[1], ""),
						     lp.iv[1], ""),
					lp.n[0], ""),
			   lp.iv[0], "item");
	slot = LLVMBuildGEP2(e->b, e->i32, resume, &idx, 1, "");
	if (checked) {
		LLVMBasicBlockRef yes = LLVMAppendBasicBlockInContext(e->ctx, f, "run");
		LLVMValueRef run = LLVMBuildICmp(e->b, LLVMIntEQ,
						 LLVMBuildLoad2(e->b, e->i32, slot, ""),
						 LLVMConstInt(e->i32, state, 0), "");

		next = LLVMAppendBasicBlockInContext(e->ctx, f, "next");
		LLVMBuildCondBr(e->b, run, yes, next);
		LLVMPositionBuilderAtEnd(e->b, yes);
	}
	if (callv) {
		for (unsigned i = 0; i + 2 < n; i++)
			callv[i] = argv[i];
		callv[n - 2] = LLVMBuildGEP2(
			e->b, e->i8, buf,
			(LLVMValueRef[]){LLVMBuildMul(e->b, idx,
						      LLVMConstInt(e->i64, r->frame_size, 0), "")},
			1, "frame");
		callv[n - 1] = LLVMConstInt(e->i32, state, 0);
		LLVMBuildStore(e->b, LLVMBuildCall2(e->b, LLVMGlobalGetValueType(R), R, callv, n, ""),
			       slot);
	}
	if (checked) {
		LLVMBuildBr(e->b, next);
		LLVMPositionBuilderAtEnd(e->b, next);
	}
	cg_end_item_loop(e, &lp);
	LLVMBuildBr(e->b, pick);
	free(callv);
}

static void build_launcher_body(struct regions *r, LLVMValueRef f, LLVMValueRef ctx,
				LLVMValueRef R, LLVMValueRef *argv)
{
	struct launcher_env *e = r->e;
	LLVMValueRef total = LLVMConstInt(e->i64, 1, 0), buf, resume, state, same, sw;
	LLVMBasicBlockRef pick, done;

	for (int d = 0; d < 3; d++)
		total = LLVMBuildMul(e->b, total,
				     cg_load_i64(e, ctx, offsetof(struct svmgpu_wg_ctx, local_size) +
								 8 * (size_t)d),
				     "");
	buf = get_scratch(r, f, ctx,
			  LLVMBuildMul(e->b, total, LLVMConstInt(e->i64, r->frame_size + 4, 0), ""));
	resume = LLVMBuildGEP2(
		e->b, e->i8, buf,
		(LLVMValueRef[]){LLVMBuildMul(e->b, total, LLVMConstInt(e->i64, r->frame_size, 0),
					      "")},
		1, "resume");
	LLVMBuildMemSet(e->b, resume, LLVMConstInt(e->i8, 0, 0),
			LLVMBuildMul(e->b, total, LLVMConstInt(e->i64, 4, 0), ""), 4);
	pick = LLVMAppendBasicBlockInContext(e->ctx, f, "pick");
	done = LLVMAppendBasicBlockInContext(e->ctx, f, "done");
	LLVMBuildBr(e->b, pick);
	LLVMPositionBuilderAtEnd(e->b, pick);
	state = lowest_state(r, f, resume, total, &same);
	sw = LLVMBuildSwitch(e->b, state, done, (unsigned)r->ncuts + 1);
	for (unsigned k = 0; k <= r->ncuts; k++) {
		LLVMBasicBlockRef bb = LLVMAppendBasicBlockInContext(e->ctx, f, "region");
		LLVMBasicBlockRef all = LLVMAppendBasicBlockInContext(e->ctx, f, "region.all");
		LLVMBasicBlockRef some = LLVMAppendBasicBlockInContext(e->ctx, f, "region.some");

		LLVMAddCase(sw, LLVMConstInt(e->i32, k, 0), bb);
		LLVMPositionBuilderAtEnd(e->b, bb);
		LLVMBuildCondBr(e->b, same, all, some);
		LLVMPositionBuilderAtEnd(e->b, all);
		region_loop(r, f, ctx, R, argv, buf, resume, k, false, pick);
		LLVMPositionBuilderAtEnd(e->b, some);
		region_loop(r, f, ctx, R, argv, buf, resume, k, true, pick);
	}
	LLVMPositionBuilderAtEnd(e->b, done);
	LLVMBuildRetVoid(e->b);
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
	    !collect_slots(&r) || !find_frame_slots(&r))
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
	build_launcher_body(&r, f, ctx, R, argv);
	LLVMDeleteFunction(kernel);
	info->barriers = (unsigned)r.ncuts;
	info->frame_size = r.frame_size;
	ok = true;
out:
	free(argv);
	free(r.cuts);
	free(r.slots);
	return ok;
}
