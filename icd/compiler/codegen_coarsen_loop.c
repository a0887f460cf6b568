// SPDX-License-Identifier: MIT
/* Coarsening across a divergent loop (codegen_coarsen.h).
 *
 * A loop whose exit depends on the work-item (walking a list until NULL,
 * iterating until convergence) would end coarsening, since the work-items no
 * longer take the same branches. Run in lockstep anyway, as a GPU runs a
 * warp, it keeps several of them in flight at once: eight independent
 * pointer chases instead of one.
 *
 * The shape handled: a loop with one latch B that is also its only exit
 * (to X), entered from one block P, which may branch around it to X (the
 * guard that loop rotation leaves). In G each copy j gets a flag active_j,
 * set from P's condition on entry and cleared when B's condition says copy j
 * leaves; the loop runs while any copy is active. An inactive copy still
 * computes, but the loads it makes go to a dummy slot, and the loop may not
 * store, call anything with effects or allocate; so what it computes is
 * thrown away unseen. Each value of the loop used after it is kept, per copy,
 * as it was in the copy's last active iteration; X's phis take, per copy,
 * the loop's value or the value around it. */
#include "codegen_coarsen.h"

#include <stdlib.h>
#include <string.h>

#define DUMMY_BYTES 256

static bool is_cond_br(LLVMValueRef in)
{
	return in && LLVMIsABranchInst(in) && LLVMIsConditional(in);
}

static long block_of(const struct coarsen *c, LLVMBasicBlockRef bb)
{
	return cg_cfg_block(&c->cfg, bb);
}

/* Is `to` reachable from the entry without passing `avoid`? */
static bool reachable_avoiding(const struct coarsen *c, size_t to, size_t avoid, bool *seen)
{
	size_t *stack = malloc((c->cfg.nb + 1) * sizeof(*stack)), top = 0;
	bool found = false;

	if (!stack)
		return true;
	memset(seen, 0, c->cfg.nb);
	if (avoid != 0) {
		stack[top++] = 0;
		seen[0] = true;
	}
	while (top && !found) {
		size_t k = stack[--top];

		found = k == to;
		for (size_t s = c->cfg.succ_at[k]; s < c->cfg.succ_at[k + 1]; s++) {
			size_t n = c->cfg.succ[s];

			if (n != avoid && !seen[n]) {
				seen[n] = true;
				stack[top++] = n;
			}
		}
	}
	free(stack);
	return found;
}

static bool has_edge(const struct coarsen *c, size_t from, size_t to)
{
	for (size_t s = c->cfg.succ_at[from]; s < c->cfg.succ_at[from + 1]; s++)
		if (c->cfg.succ[s] == to)
			return true;
	return false;
}

/* The loop of back edge latch -> header: the blocks that reach the latch
 * without passing the header, and the header. */
static void loop_blocks(const struct coarsen *c, size_t header, size_t latch, bool *in)
{
	bool grew = true;

	memset(in, 0, c->cfg.nb);
	in[header] = in[latch] = true;
	while (grew) {
		grew = false;
		for (size_t k = 0; k < c->cfg.nb; k++) {
			if (in[k])
				continue;
			for (size_t s = c->cfg.succ_at[k]; s < c->cfg.succ_at[k + 1]; s++)
				if (in[c->cfg.succ[s]] && c->cfg.succ[s] != header) {
					in[k] = grew = true;
					break;
				}
		}
	}
}

/* What the loop may hold: nothing a copy that is no longer in it could
 * make visible, nor anything that could trap on the values it computes. */
static bool body_fits(const struct coarsen *c, LLVMTargetDataRef td)
{
	for (size_t i = 0; i < c->ni; i++) {
		LLVMValueRef in = c->ins[i];

		if (!c->ml.in_loop[c->blk[i]] || (c->flags[i] & SKIP))
			continue;
		switch (LLVMGetInstructionOpcode(in)) {
		case LLVMStore: case LLVMAlloca: case LLVMFence: case LLVMUnreachable:
		case LLVMRet: case LLVMSwitch:
			return false;
		case LLVMLoad:
			if (LLVMGetVolatile(in) ||
			    LLVMABISizeOfType(td, LLVMTypeOf(in)) > DUMMY_BYTES)
				return false;
			break;
		case LLVMCall:
			if (!cg_co_pure_call(in))
				return false;
			break;
		default:
			break;
		}
	}
	return true;
}

/* The instructions of the loop used outside it, and the ones outside that
 * use them (varying: each copy left the loop at its own iteration). */
static bool find_outs(struct coarsen *c)
{
	size_t cap = 0;

	for (size_t i = 0; i < c->ni; i++) {
		bool out = false;

		if (!c->ml.in_loop[c->blk[i]])
			continue;
		for (LLVMUseRef u = LLVMGetFirstUse(c->ins[i]); u; u = LLVMGetNextUse(u)) {
			long user = cg_co_index(c, LLVMGetUser(u));

			if (user < 0)
				return false;
			if (!c->ml.in_loop[c->blk[user]]) {
				c->flags[user] |= VARY | REPL;
				out = true;
			}
		}
		if (!out)
			continue;
		c->ml.outs = cg_grow(c->ml.outs, &cap, c->ml.nouts, sizeof(*c->ml.outs));
		if (!c->ml.outs)
			return false;
		c->ml.outs[c->ml.nouts++] = i;
	}
	return true;
}

/* Whether the varying branch at the end of block b is the latch of a loop
 * of the handled shape; fills c->ml. */
static bool match_loop(struct coarsen *c, size_t b, size_t guard_branch_block, bool *seen)
{
	struct masked_loop *ml = &c->ml;
	LLVMValueRef br = LLVMGetBasicBlockTerminator(c->cfg.blocks[b]);
	long s0 = block_of(c, LLVMGetSuccessor(br, 0)), s1 = block_of(c, LLVMGetSuccessor(br, 1));
	size_t h, x, entry = c->cfg.nb, outside_preds = 0, inside_preds = 0;

	if (s0 < 0 || s1 < 0 || s0 == s1)
		return false;
	if (!reachable_avoiding(c, b, (size_t)s0, seen))
		h = (size_t)s0, x = (size_t)s1;
	else if (!reachable_avoiding(c, b, (size_t)s1, seen))
		h = (size_t)s1, x = (size_t)s0;
	else
		return false; /* not a back edge */
	loop_blocks(c, h, b, ml->in_loop);
	if (ml->in_loop[x])
		return false;
	for (size_t k = 0; k < c->cfg.nb; k++) {
		for (size_t s = c->cfg.succ_at[k]; s < c->cfg.succ_at[k + 1]; s++) {
			size_t n = c->cfg.succ[s];

			/* Only B leaves the loop, only to X; only B goes back. */
			if (ml->in_loop[k] && !ml->in_loop[n] && (k != b || n != x))
				return false;
			if (n == h && ml->in_loop[k] && k != b)
				return false;
			if (n == h && !ml->in_loop[k]) {
				entry = k;
				outside_preds++;
			}
			if (n == x)
				inside_preds += ml->in_loop[k];
		}
	}
	if (outside_preds != 1 || inside_preds != 1)
		return false;
	ml->guarded = is_cond_br(LLVMGetBasicBlockTerminator(c->cfg.blocks[entry])) &&
		      has_edge(c, entry, x);
	/* X is reached from B, and from P when P branches around the loop. */
	for (size_t k = 0; k < c->cfg.nb; k++)
		if (has_edge(c, k, x) && k != b && !(ml->guarded && k == entry))
			return false;
	if (guard_branch_block < c->cfg.nb && (!ml->guarded || guard_branch_block != entry))
		return false;
	ml->header = h;
	ml->latch = b;
	ml->exit = x;
	ml->entry = entry;
	return true;
}

static long terminator_index(const struct coarsen *c, size_t block)
{
	return cg_co_index(c, LLVMGetBasicBlockTerminator(c->cfg.blocks[block]));
}

bool cg_co_find_masked_loop(struct coarsen *c)
{
	size_t varying[2], n = 0;
	bool *seen;

	for (size_t i = 0; i < c->ni; i++) {
		LLVMValueRef in = c->ins[i];
		long cond;

		if (LLVMIsASwitchInst(in))
			cond = cg_co_index(c, LLVMGetOperand(in, 0));
		else if (is_cond_br(in))
			cond = cg_co_index(c, LLVMGetCondition(in));
		else
			continue;
		if (cond < 0 || !(c->flags[cond] & VARY))
			continue;
		if (n == 2 || LLVMIsASwitchInst(in))
			return false;
		varying[n++] = c->blk[i];
	}
	if (!n)
		return true;
	c->ml.in_loop = calloc(c->cfg.nb + 1, sizeof(bool));
	seen = calloc(c->cfg.nb + 1, sizeof(bool));
	if (!c->ml.in_loop || !seen) {
		free(seen);
		return false;
	}
	/* One of them the latch, the other (if any) the guard. */
	c->ml.found = match_loop(c, varying[0], n == 2 ? varying[1] : c->cfg.nb, seen) ||
		      (n == 2 && match_loop(c, varying[1], varying[0], seen));
	free(seen);
	if (!c->ml.found || !body_fits(c, c->e->td) || !find_outs(c))
		return c->ml.found = false;
	for (LLVMValueRef in = LLVMGetFirstInstruction(c->cfg.blocks[c->ml.exit]);
	     in && LLVMIsAPHINode(in); in = LLVMGetNextInstruction(in))
		c->flags[cg_co_index(c, in)] |= VARY | REPL;
	c->flags[terminator_index(c, c->ml.latch)] = SKIP;
	if (c->ml.guarded)
		c->flags[terminator_index(c, c->ml.entry)] = SKIP;
	return true;
}

/* OR of the copies' flags, to branch on. */
static LLVMValueRef any_of(struct launcher_env *e, LLVMValueRef *flags)
{
	LLVMValueRef v = flags[0];

	for (unsigned j = 1; j < COARSEN; j++)
		v = LLVMBuildOr(e->b, v, flags[j], "");
	return v;
}

/* Copy j's condition for going to `to` at the end of f's block k. */
static LLVMValueRef goes_to(struct coarsen *c, size_t k, size_t to, unsigned j)
{
	LLVMValueRef br = LLVMGetBasicBlockTerminator(c->cfg.blocks[k]);
	LLVMValueRef cond = cg_co_map(c, LLVMGetCondition(br), j);

	return block_of(c, LLVMGetSuccessor(br, 0)) == (long)to ? cond
								: LLVMBuildNot(c->e->b, cond, "");
}

bool cg_co_build_masks(struct coarsen *c)
{
	struct masked_loop *ml = &c->ml;
	struct launcher_env *e = c->e;
	LLVMTypeRef i1 = LLVMInt1TypeInContext(e->ctx);
	LLVMBasicBlockRef hdr = c->nb[ml->header], latch = c->nb[ml->latch];
	LLVMBasicBlockRef entry = c->nb[ml->entry], exit = c->nb[ml->exit];
	LLVMValueRef *outs;

	ml->out_next = calloc(ml->nouts * COARSEN + 1, sizeof(*ml->out_next));
	outs = calloc(ml->nouts * COARSEN + 1, sizeof(*outs));
	if (!ml->out_next || !outs) {
		free(outs);
		return false;
	}
	/* A global, not an alloca: SROA would turn the loads that may read
	 * the alloca into branches, one per copy and load. */
	ml->dummy = LLVMGetNamedGlobal(e->m, "__svmgpu_inactive");
	if (!ml->dummy) {
		LLVMTypeRef t = LLVMArrayType(e->i8, DUMMY_BYTES);

		ml->dummy = LLVMAddGlobal(e->m, t, "__svmgpu_inactive");
		LLVMSetInitializer(ml->dummy, LLVMConstNull(t));
		LLVMSetGlobalConstant(ml->dummy, 1);
		LLVMSetLinkage(ml->dummy, LLVMInternalLinkage);
		LLVMSetAlignment(ml->dummy, 64);
	}

	LLVMPositionBuilderAtEnd(e->b, entry);
	for (unsigned j = 0; j < COARSEN; j++)
		ml->enter[j] = ml->guarded ? goes_to(c, ml->entry, ml->header, j)
					   : LLVMConstInt(i1, 1, 0);
	if (ml->guarded)
		LLVMBuildCondBr(e->b, any_of(e, ml->enter), hdr, exit);

	LLVMPositionBuilderBefore(e->b, LLVMGetFirstInstruction(hdr));
	for (unsigned j = 0; j < COARSEN; j++) {
		ml->active[j] = LLVMBuildPhi(e->b, i1, "active");
		for (size_t o = 0; o < ml->nouts; o++)
			outs[o * COARSEN + j] = LLVMBuildPhi(e->b, LLVMTypeOf(c->ins[ml->outs[o]]), "");
	}

	LLVMPositionBuilderAtEnd(e->b, latch);
	for (unsigned j = 0; j < COARSEN; j++) {
		ml->next[j] = LLVMBuildAnd(e->b, ml->active[j],
					   goes_to(c, ml->latch, ml->header, j), "");
		for (size_t o = 0; o < ml->nouts; o++)
			ml->out_next[o * COARSEN + j] =
				LLVMBuildSelect(e->b, ml->active[j],
						cg_co_map(c, c->ins[ml->outs[o]], j),
						outs[o * COARSEN + j], "");
	}
	LLVMBuildCondBr(e->b, any_of(e, ml->next), hdr, exit);

	for (unsigned j = 0; j < COARSEN; j++) {
		LLVMAddIncoming(ml->active[j], (LLVMValueRef[]){ml->enter[j], ml->next[j]},
				(LLVMBasicBlockRef[]){entry, latch}, 2);
		for (size_t o = 0; o < ml->nouts; o++) {
			LLVMValueRef phi = outs[o * COARSEN + j];

			LLVMAddIncoming(phi, (LLVMValueRef[]){LLVMGetPoison(LLVMTypeOf(phi)),
							      ml->out_next[o * COARSEN + j]},
					(LLVMBasicBlockRef[]){entry, latch}, 2);
		}
	}
	free(outs);
	return true;
}

LLVMValueRef cg_co_exit_value(const struct coarsen *c, size_t user, LLVMValueRef v,
			      LLVMBasicBlockRef from, unsigned j)
{
	const struct masked_loop *ml = &c->ml;
	long def = cg_co_index(c, v);
	LLVMValueRef value = NULL, around = NULL, in = c->ins[user];

	if (!ml->found || ml->in_loop[c->blk[user]])
		return NULL;
	if (def >= 0 && ml->in_loop[c->blk[def]])
		for (size_t o = 0; o < ml->nouts && !value; o++)
			if (ml->outs[o] == (size_t)def)
				value = ml->out_next[o * COARSEN + j];
	if (!LLVMIsAPHINode(in) || c->blk[user] != ml->exit)
		return value;
	/* X's phi: from P, what goes around the loop (the usual copy); from
	 * B, the loop's value for the copies that entered it. */
	if (block_of(c, from) != (long)ml->latch)
		return NULL;
	if (!value)
		value = cg_co_map(c, v, j);
	if (!ml->guarded)
		return value;
	for (unsigned k = 0; k < LLVMCountIncoming(in); k++)
		if (block_of(c, LLVMGetIncomingBlock(in, k)) == (long)ml->entry)
			around = cg_co_map(c, LLVMGetIncomingValue(in, k), j);
	LLVMPositionBuilderBefore(c->e->b, LLVMGetBasicBlockTerminator(c->nb[ml->latch]));
	return LLVMBuildSelect(c->e->b, ml->enter[j], value, around, "");
}

void cg_co_mask_loads(struct coarsen *c)
{
	const struct masked_loop *ml = &c->ml;

	if (!ml->found)
		return;
	for (size_t i = 0; i < c->ni; i++) {
		long addr;

		if (!ml->in_loop[c->blk[i]] || !LLVMIsALoadInst(c->ins[i]))
			continue;
		addr = cg_co_index(c, LLVMGetOperand(c->ins[i], 0));
		if (addr < 0 || !(c->flags[addr] & VARY))
			continue;
		for (unsigned j = 0; j < COARSEN; j++) {
			LLVMValueRef cp = c->copy[i * COARSEN + j], p = LLVMGetOperand(cp, 0);

			LLVMPositionBuilderBefore(c->e->b, cp);
			LLVMSetOperand(cp, 0,
				       LLVMBuildSelect(c->e->b, ml->active[j], p,
						       LLVMBuildAddrSpaceCast(c->e->b, ml->dummy,
									      LLVMTypeOf(p), ""),
						       ""));
		}
	}
}

void cg_co_masked_loop_fini(struct coarsen *c)
{
	free(c->ml.in_loop);
	free(c->ml.outs);
	free(c->ml.out_next);
}
