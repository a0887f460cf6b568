// SPDX-License-Identifier: MIT
/* Work-item coarsening of loop-form kernels (codegen_launch.h).
 *
 * The loop form runs a group's work-items as a loop that LLVM vectorises,
 * but only when the kernel has no loop of its own: the vectoriser works on
 * innermost loops, and LLVM's unroll-and-jam, which would interleave the
 * work-items around the kernel's loop, cannot prove the work-items'
 * accesses independent (it does not read llvm.loop.parallel_accesses). A
 * naive sgemm then runs one dot product at a time, a chain of dependent
 * FMAs, each step a new cache line of B.
 *
 * So, as GPU compilers run a warp: a copy of the kernel, G, runs COARSEN
 * consecutive work-items in x in lockstep. Where all of them compute the same
 * value (uniform: it does not depend on the local id in x) G computes it
 * once; everything else G does once per work-item, one after another,
 * instruction by instruction. Their loops become one loop doing the work of
 * COARSEN, with independent chains that the SLP vectoriser can make vectors.
 * This is a legal schedule of the work-items only where they take the same
 * branches: every branch condition must be uniform, but the exits of loops
 * that run masked (codegen_coarsen_loop.c), or the kernel is left as it is.
 * Lockstep is how a GPU runs them anyway; OpenCL promises no order between
 * the work-items of a group outside barriers and atomics (kernels with
 * atomics are left to cg_combine_atomics).
 *
 * The local id in x, read from the work-item state, is the one root of
 * variation (copy j adds j to it); allocas (private memory) are per
 * work-item; calls that may have side effects happen once per work-item.
 * The launcher calls G for each full step of COARSEN work-items and the
 * kernel itself for the rest of the row. */
#include "codegen_coarsen.h"

#include <llvm-c/DebugInfo.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool cg_co_pure_call(LLVMValueRef call)
{
	unsigned kind = cg_attr_kind("memory");
	LLVMValueRef callee = LLVMGetCalledValue(call);
	LLVMAttributeRef a = LLVMGetCallSiteEnumAttribute(call, LLVMAttributeFunctionIndex, kind);

	if (!a && callee && LLVMIsAFunction(callee))
		a = LLVMGetEnumAttributeAtIndex(callee, LLVMAttributeFunctionIndex, kind);
	return a && LLVMGetEnumAttributeValue(a) == 0;
}

static bool uses_state(struct launcher_env *e, LLVMValueRef in)
{
	for (int k = 0; k < LLVMGetNumOperands(in); k++)
		if (LLVMGetOperand(in, (unsigned)k) == e->wi)
			return true;
	return false;
}

/* What lockstep copies of a call could get wrong: the callee uses the
 * work-item state, performs atomics or reaches the work-group
 * synchronisation. */
static bool unsafe_in_callee(struct launcher_env *e, LLVMValueRef in)
{
	return LLVMIsAAtomicRMWInst(in) || LLVMIsAAtomicCmpXchgInst(in) || uses_state(e, in) ||
	       (LLVMIsACallInst(in) && LLVMGetCalledValue(in) == e->sync);
}

/* Does the kernel have a loop (an edge back to a block on the DFS path)? */
static bool has_loop(const struct cg_cfg *g)
{
	unsigned char *state = calloc(g->nb + 1, 1); /* 1: on the path, 2: done */
	size_t *stack = calloc(g->nb + 1, sizeof(*stack)), *next = calloc(g->nb + 1,
									   sizeof(*next));
	size_t top = 0;
	bool loop = false;

	if (!state || !stack || !next || !g->nb)
		goto out;
	stack[top++] = 0;
	state[0] = 1;
	while (top && !loop) {
		size_t k = stack[top - 1];

		if (g->succ_at[k] + next[k] == g->succ_at[k + 1]) {
			state[k] = 2;
			top--;
			continue;
		}
		size_t s = g->succ[g->succ_at[k] + next[k]++];

		if (state[s] == 1)
			loop = true;
		else if (!state[s]) {
			state[s] = 1;
			stack[top++] = s;
		}
	}
out:
	free(state);
	free(stack);
	free(next);
	return loop;
}

long cg_co_index(const struct coarsen *c, LLVMValueRef v)
{
	return LLVMIsAInstruction(v) ? cg_keys_find(c->ikeys, c->ni, v) : -1;
}

/* Where the kernel touches the work-item state: only loads, through
 * constant offsets; the local id in x (offset 0) is the root. False when
 * it does anything else with it. */
static bool judge_wi_load(struct coarsen *c, LLVMValueRef in, unsigned char *flags)
{
	long off;
	LLVMTypeRef t = LLVMTypeOf(in);

	if (!cg_in_wi_state(c->e, LLVMGetOperand(in, 0), &off))
		return true;
	if (off < 0 || LLVMGetVolatile(in))
		return false;
	if (off < 8) {
		if (off != 0 || t != c->e->i64)
			return false;
		*flags |= ROOT | VARY;
	}
	return true;
}

static bool wi_address_escapes(struct coarsen *c, LLVMValueRef in)
{
	long off;

	if (!cg_in_wi_state(c->e, in, &off))
		return false;
	for (LLVMUseRef u = LLVMGetFirstUse(in); u; u = LLVMGetNextUse(u)) {
		LLVMValueRef user = LLVMGetUser(u);

		if (!LLVMIsALoadInst(user) && !LLVMIsAGetElementPtrInst(user))
			return true;
	}
	return false;
}

static bool refuse(struct coarsen *c, const char *why)
{
	c->why = why;
	return false;
}

/* Collects the instructions and their first flags; false (c->why says
 * why) when the kernel has something lockstep copies cannot express. */
static bool scan(struct coarsen *c)
{
	size_t cap = 0;

	for (size_t k = 0; k < c->cfg.nb; k++)
		for (LLVMValueRef in = LLVMGetFirstInstruction(c->cfg.blocks[k]); in;
		     in = LLVMGetNextInstruction(in)) {
			unsigned char fl = 0;
			const char *name;

			switch (LLVMGetInstructionOpcode(in)) {
			case LLVMAtomicRMW: case LLVMAtomicCmpXchg:
				return refuse(c, "it performs atomics");
			case LLVMInvoke: case LLVMCallBr: case LLVMIndirectBr: case LLVMLandingPad:
			case LLVMResume: case LLVMVAArg: case LLVMCatchSwitch: case LLVMCatchPad:
			case LLVMCleanupPad: case LLVMCatchRet: case LLVMCleanupRet:
				return refuse(c, "it has indirect branches or exception handling");
			case LLVMLoad:
				if (LLVMGetOrdering(in) != LLVMAtomicOrderingNotAtomic)
					return refuse(c, "it performs atomics");
				if (!judge_wi_load(c, in, &fl))
					return refuse(c, "it reads a work-item query it cannot follow "
						      "(get_local_id of a variable dimension?)");
				if (LLVMGetVolatile(in))
					fl |= VARY | REPL;
				break;
			case LLVMStore:
				if (LLVMGetOrdering(in) != LLVMAtomicOrderingNotAtomic)
					return refuse(c, "it performs atomics");
				fl |= REPL;
				break;
			case LLVMFence:
				fl |= REPL;
				break;
			case LLVMAlloca:
				fl |= VARY | REPL;
				break;
			case LLVMCall:
				name = cg_callee_name(in);
				if (name && !strncmp(name, "llvm.dbg.", 9)) {
					fl = SKIP;
					break;
				}
				if (!name)
					return refuse(c, "it makes an indirect call");
				if (LLVMIsFunctionVarArg(LLVMGlobalGetValueType(LLVMGetCalledValue(in))))
					return refuse(c, "it calls printf");
				if (LLVMGetCalledValue(in) == c->e->sync ||
				    cg_reaches(c->e, LLVMGetCalledValue(in), unsafe_in_callee))
					return refuse(c, "it calls a function that performs atomics or "
						      "reads the work-item state");
				if (!cg_co_pure_call(in))
					fl |= VARY | REPL;
				break;
			default:
				break;
			}
			if (wi_address_escapes(c, in))
				return refuse(c, "it uses the work-item state other than by loads");
			c->ins = cg_grow(c->ins, &cap, c->ni, sizeof(*c->ins));
			c->flags = realloc(c->flags, cap);
			c->ikeys = realloc(c->ikeys, cap * sizeof(*c->ikeys));
			c->blk = realloc(c->blk, cap * sizeof(*c->blk));
			if (!c->ins || !c->flags || !c->ikeys || !c->blk)
				return refuse(c, "out of memory");
			if (c->ni >= MAX_INSTRUCTIONS)
				return refuse(c, "it is too large");
			c->ikeys[c->ni] = (struct cg_key){in, c->ni};
			c->flags[c->ni] = fl;
			c->blk[c->ni] = k;
			c->ins[c->ni++] = in;
		}
	cg_keys_sort(c->ikeys, c->ni);
	return true;
}

/* Variation spreads from operands to results, to a fixed point (phis close
 * the cycles). */
static void spread(struct coarsen *c)
{
	bool changed = true;

	while (changed) {
		changed = false;
		for (size_t i = 0; i < c->ni; i++) {
			LLVMValueRef in = c->ins[i];

			if (c->flags[i] & (VARY | SKIP))
				continue;
			for (int k = 0; k < LLVMGetNumOperands(in); k++) {
				long j = cg_co_index(c, LLVMGetOperand(in, (unsigned)k));

				if (j >= 0 && (c->flags[j] & VARY)) {
					c->flags[i] |= VARY | REPL;
					changed = true;
					break;
				}
			}
		}
	}
}

bool cg_co_varying_branch(const struct coarsen *c, size_t i)
{
	LLVMValueRef in = c->ins[i];
	long cond;

	if (LLVMIsABranchInst(in) && LLVMIsConditional(in))
		cond = cg_co_index(c, LLVMGetCondition(in));
	else if (LLVMIsASwitchInst(in))
		cond = cg_co_index(c, LLVMGetOperand(in, 0));
	else
		return false;
	return cond >= 0 && (c->flags[cond] & VARY);
}

/* Every branch the same for all the copies, but the masked loops'. */
static bool branches_uniform(struct coarsen *c)
{
	for (size_t i = 0; i < c->ni; i++)
		if (!(c->flags[i] & SKIP) && cg_co_varying_branch(c, i))
			return false;
	return true;
}

LLVMValueRef cg_co_map(const struct coarsen *c, LLVMValueRef v, unsigned j)
{
	long i;

	if (LLVMValueIsBasicBlock(v)) {
		i = cg_cfg_block(&c->cfg, LLVMValueAsBasicBlock(v));
		return i >= 0 ? LLVMBasicBlockAsValue(c->nb[i]) : v;
	}
	if (LLVMIsAArgument(v)) {
		for (unsigned p = 0; p < LLVMCountParams(c->f); p++)
			if (LLVMGetParam(c->f, p) == v)
				return LLVMGetParam(c->g, p);
		return v;
	}
	i = cg_co_index(c, v);
	return i >= 0 ? c->copy[(size_t)i * COARSEN + j] : v;
}

unsigned cg_co_copies(const struct coarsen *c, size_t i)
{
	return (c->flags[i] & REPL) && !(c->flags[i] & ROOT) ? COARSEN : 1;
}

/* G's blocks and instructions, with the operands still f's. */
static void clone_body(struct coarsen *c)
{
	LLVMBuilderRef b = c->e->b;
	size_t i = 0;

	for (size_t k = 0; k < c->cfg.nb; k++)
		c->nb[k] = LLVMAppendBasicBlockInContext(c->e->ctx, c->g, "");
	for (size_t k = 0; k < c->cfg.nb; k++) {
		LLVMPositionBuilderAtEnd(b, c->nb[k]);
		for (LLVMValueRef in = LLVMGetFirstInstruction(c->cfg.blocks[k]); in;
		     in = LLVMGetNextInstruction(in), i++) {
			LLVMValueRef *cp = c->copy + i * COARSEN;
			unsigned n = cg_co_copies(c, i);

			if (c->flags[i] & SKIP)
				continue;
			for (unsigned j = 0; j < n; j++) {
				if (LLVMIsAPHINode(in)) {
					cp[j] = LLVMBuildPhi(b, LLVMTypeOf(in), "");
					continue;
				}
				cp[j] = LLVMInstructionClone(in);
				LLVMInstructionSetDebugLoc(cp[j], NULL);
				LLVMInsertIntoBuilder(b, cp[j]);
			}
			for (unsigned j = n; j < COARSEN; j++)
				cp[j] = c->flags[i] & ROOT
						? LLVMBuildAdd(b, cp[0], LLVMConstInt(c->e->i64, j, 0), "")
						: cp[0];
		}
	}
}

/* Copy j's value for operand v of instruction i (from: a phi's block). */
static LLVMValueRef operand(struct coarsen *c, size_t i, LLVMValueRef v, LLVMBasicBlockRef from,
			    unsigned j)
{
	LLVMValueRef exit = cg_co_exit_value(c, i, v, from, j);

	return exit ? exit : cg_co_map(c, v, j);
}

/* The copies' operands: copy j's of the values they use. */
static void remap(struct coarsen *c)
{
	for (size_t i = 0; i < c->ni; i++) {
		LLVMValueRef in = c->ins[i];
		unsigned n = cg_co_copies(c, i);

		if (c->flags[i] & SKIP)
			continue;
		for (unsigned j = 0; j < n; j++) {
			LLVMValueRef cp = c->copy[i * COARSEN + j];

			if (LLVMIsAPHINode(in)) {
				for (unsigned k = 0; k < LLVMCountIncoming(in); k++) {
					LLVMBasicBlockRef from = LLVMGetIncomingBlock(in, k);
					LLVMValueRef v = operand(c, i, LLVMGetIncomingValue(in, k),
								 from, j);
					LLVMBasicBlockRef bb = LLVMValueAsBasicBlock(
						cg_co_map(c, LLVMBasicBlockAsValue(from), j));

					LLVMAddIncoming(cp, &v, &bb, 1);
				}
				continue;
			}
			for (int k = 0; k < LLVMGetNumOperands(in); k++)
				LLVMSetOperand(cp, (unsigned)k,
					       operand(c, i, LLVMGetOperand(in, (unsigned)k), NULL, j));
		}
	}
}

static void coarsen_fini(struct coarsen *c)
{
	cg_cfg_fini(&c->cfg);
	free(c->ins);
	free(c->ikeys);
	free(c->flags);
	free(c->copy);
	free(c->nb);
	free(c->blk);
	cg_co_masked_loops_fini(c);
}

LLVMValueRef cg_coarsen_kernel(struct launcher_env *e, LLVMValueRef kernel, unsigned *factor,
			       const char **why)
{
	struct coarsen c = {.e = e, .f = kernel,
			    .why = "a branch depends on the work-item other than at the exit of "
				   "a loop it can mask"};
	size_t len;
	const char *name = LLVMGetValueName2(kernel, &len);
	char *gname = NULL;

	*factor = 0;
	*why = NULL;
	if (!cg_cfg_init(&c.cfg, LLVMGetEntryBasicBlock(kernel)) || !has_loop(&c.cfg))
		goto out_quiet; /* the plain loop form vectorises */
	if (!scan(&c))
		goto out;
	spread(&c);
	if (!cg_co_find_masked_loops(&c))
		goto out;
	spread(&c); /* what the loops' values reach after them */
	if (!branches_uniform(&c))
		goto out;
	c.why = "out of memory";
	c.copy = calloc(c.ni * COARSEN + 1, sizeof(*c.copy));
	c.nb = calloc(c.cfg.nb + 1, sizeof(*c.nb));
	if (!c.copy || !c.nb || asprintf(&gname, "%.*s.x%d", (int)len, name, COARSEN) < 0) {
		gname = NULL;
		goto out;
	}
	c.g = LLVMAddFunction(e->m, gname, LLVMGlobalGetValueType(kernel));
	LLVMSetLinkage(c.g, LLVMInternalLinkage);
	LLVMSetFunctionCallConv(c.g, LLVMGetFunctionCallConv(kernel));
	cg_copy_attributes(kernel, c.g, NULL);
	clone_body(&c);
	if (!cg_co_build_masks(&c)) {
		LLVMDeleteFunction(c.g);
		c.g = NULL;
		goto out;
	}
	remap(&c);
	cg_co_mask_memory(&c);
	*factor = COARSEN;
out:
	if (!c.g)
		*why = c.why;
out_quiet:
	free(gname);
	coarsen_fini(&c);
	return c.g;
}

/* Kernels with barriers (already prepared for the region form) are kept
 * out of the pipeline below: unrolled, a loop around a barrier would make
 * as many regions as it has iterations. */
struct frozen {
	LLVMValueRef f;
	bool had_noinline;
};

static bool freeze(struct launcher_env *e, LLVMValueRef f, struct frozen **fz, size_t *n,
		   size_t *cap)
{
	unsigned optnone = cg_attr_kind("optnone"), noinline = cg_attr_kind("noinline");

	if (LLVMGetEnumAttributeAtIndex(f, LLVMAttributeFunctionIndex, optnone))
		return true;
	*fz = cg_grow(*fz, cap, *n, sizeof(**fz));
	if (!*fz)
		return false;
	(*fz)[*n].f = f;
	(*fz)[*n].had_noinline = LLVMGetEnumAttributeAtIndex(f, LLVMAttributeFunctionIndex,
							     noinline) != NULL;
	(*n)++;
	LLVMAddAttributeAtIndex(f, LLVMAttributeFunctionIndex,
				LLVMCreateEnumAttribute(e->ctx, optnone, 0));
	LLVMAddAttributeAtIndex(f, LLVMAttributeFunctionIndex,
				LLVMCreateEnumAttribute(e->ctx, noinline, 0));
	return true;
}

static void thaw(struct frozen *fz, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		LLVMRemoveEnumAttributeAtIndex(fz[i].f, LLVMAttributeFunctionIndex,
					       cg_attr_kind("optnone"));
		if (!fz[i].had_noinline)
			LLVMRemoveEnumAttributeAtIndex(fz[i].f, LLVMAttributeFunctionIndex,
						       cg_attr_kind("noinline"));
	}
	free(fz);
}

/* Before the analysis: whatever reads the work-item state (get_global_id
 * and the functions that call it) inlined into the kernels that have loops,
 * and their variables in registers (clang's unoptimised IR keeps them in
 * allocas, which would look like per-work-item memory). */
bool cg_prepare_coarsening(struct launcher_env *e, LLVMTargetMachineRef tm,
			   const LLVMValueRef *kernels, size_t n, char **log)
{
	struct frozen *frozen = NULL;
	size_t nfrozen = 0, cap = 0;
	bool any = false, ok;

	for (size_t i = 0; i < n; i++) {
		struct cg_cfg g;
		bool loop;

		if (!cg_cfg_init(&g, LLVMGetEntryBasicBlock(kernels[i])))
			return false;
		loop = has_loop(&g);
		cg_cfg_fini(&g);
		any |= loop;
	}
	if (!any)
		return true;
	for (LLVMValueRef f = LLVMGetFirstFunction(e->m); f; f = LLVMGetNextFunction(f)) {
		if (LLVMIsDeclaration(f))
			continue;
		if (cg_reaches_sync(e, f)) {
			if (!freeze(e, f, &frozen, &nfrozen, &cap)) {
				thaw(frozen, nfrozen);
				return false;
			}
			continue;
		}
		if (!cg_reaches(e, f, uses_state))
			continue;
		cg_force_inline(e->ctx, f);
	}
	ok = cg_run_pipeline(e->m, tm,
			     "always-inline,function(sroa,early-cse,simplifycfg,"
			     "loop(loop-rotate,indvars,loop-unroll-full),simplifycfg)",
			     false, "svmgpu: inlining for coarsening failed: %s\n", log);
	thaw(frozen, nfrozen);
	return ok;
}
