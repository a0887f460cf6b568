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
 * guard that loop rotation leaves); a kernel may have several, one after
 * another. In G each copy j gets a flag active_j, set from P's condition on
 * entry and cleared when B's condition says copy j leaves; the loop runs
 * while any copy is active. An inactive copy still computes, but its loads
 * and stores go to a dummy slot, and the loop may not call anything with
 * effects or allocate; so what it computes is thrown away unseen. Each value
 * of the loop used after it is kept, per copy, as it was in the copy's last
 * active iteration; X's phis take, per copy, the loop's value or the value
 * around it. */
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

static bool in_loop(const struct coarsen *c, const struct masked_loop *ml, size_t block)
{
	return c->loop_of[block] == ml - c->loops;
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

/* What the loop may hold: nothing an inactive copy could make visible
 * (its loads and stores go to the dummy slot), nor anything that could trap
 * on the values it computes. */
static bool body_fits(const struct coarsen *c, const struct masked_loop *ml)
{
	for (size_t i = 0; i < c->ni; i++) {
		LLVMValueRef in = c->ins[i];

		if (!in_loop(c, ml, c->blk[i]) || (c->flags[i] & SKIP))
			continue;
		switch (LLVMGetInstructionOpcode(in)) {
		case LLVMAlloca: case LLVMFence: case LLVMUnreachable: case LLVMRet:
		case LLVMSwitch:
			return false;
		case LLVMLoad:
			if (LLVMGetVolatile(in) ||
			    LLVMABISizeOfType(c->e->td, LLVMTypeOf(in)) > DUMMY_BYTES)
				return false;
			break;
		case LLVMStore:
			if (LLVMGetVolatile(in) ||
			    LLVMABISizeOfType(c->e->td, LLVMTypeOf(LLVMGetOperand(in, 0))) >
				    DUMMY_BYTES)
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
static bool find_outs(struct coarsen *c, struct masked_loop *ml)
{
	size_t cap = 0;

	for (size_t i = 0; i < c->ni; i++) {
		bool out = false;

		if (!in_loop(c, ml, c->blk[i]))
			continue;
		for (LLVMUseRef u = LLVMGetFirstUse(c->ins[i]); u; u = LLVMGetNextUse(u)) {
			long user = cg_co_index(c, LLVMGetUser(u));

			if (user < 0)
				return false;
			if (!in_loop(c, ml, c->blk[user])) {
				c->flags[user] |= VARY | REPL;
				out = true;
			}
		}
		if (!out)
			continue;
		ml->outs = cg_grow(ml->outs, &cap, ml->nouts, sizeof(*ml->outs));
		if (!ml->outs)
			return false;
		ml->outs[ml->nouts++] = i;
	}
	return true;
}

/* Whether the varying branch at the end of block b is the latch of a loop
 * of the handled shape; fills *ml, and in[] with the loop's blocks. */
static bool match_loop(struct coarsen *c, size_t b, struct masked_loop *ml, bool *in,
		       bool *seen)
{
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
	loop_blocks(c, h, b, in);
	if (in[x])
		return false;
	for (size_t k = 0; k < c->cfg.nb; k++) {
		for (size_t s = c->cfg.succ_at[k]; s < c->cfg.succ_at[k + 1]; s++) {
			size_t n = c->cfg.succ[s];

			/* Only B leaves the loop, only to X; only B goes back. */
			if (in[k] && !in[n] && (k != b || n != x))
				return false;
			if (n == h && in[k] && k != b)
				return false;
			if (n == h && !in[k]) {
				entry = k;
				outside_preds++;
			}
			if (n == x)
				inside_preds += in[k];
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

/* The blocks whose branch depends on the work-item; false for a switch. */
static bool varying_branches(struct coarsen *c, size_t **out, size_t *n)
{
	size_t cap = 0;

	for (size_t i = 0; i < c->ni; i++) {
		if (!cg_co_varying_branch(c, i))
			continue;
		if (LLVMIsASwitchInst(c->ins[i]))
			return false;
		*out = cg_grow(*out, &cap, *n, sizeof(**out));
		if (!*out)
			return false;
		(*out)[(*n)++] = c->blk[i];
	}
	return true;
}

/* Each varying branch the latch of a masked loop or the guard around one;
 * the loops apart from each other. in[], seen[]: scratch, a flag per block. */
static bool assign_branches(struct coarsen *c, const size_t *br, size_t n, bool *in,
			    bool *seen)
{
	for (size_t i = 0; i < n; i++) {
		if (!match_loop(c, br[i], &c->loops[c->nloops], in, seen))
			continue;
		for (size_t k = 0; k < c->cfg.nb; k++) {
			if (!in[k])
				continue;
			if (c->loop_of[k] >= 0)
				return false; /* nested in, or sharing blocks with, another */
			c->loop_of[k] = (long)c->nloops;
		}
		c->nloops++;
	}
	for (size_t i = 0; i < n; i++) {
		bool mine = false;

		for (size_t l = 0; l < c->nloops && !mine; l++)
			mine = br[i] == c->loops[l].latch ||
			       (c->loops[l].guarded && br[i] == c->loops[l].entry);
		if (!mine)
			return false;
	}
	return true;
}

bool cg_co_find_masked_loops(struct coarsen *c)
{
	size_t *br = NULL, n = 0;
	bool *seen = NULL, *in = NULL, ok;

	if (!varying_branches(c, &br, &n))
		goto fail;
	if (!n) {
		free(br);
		return true;
	}
	c->loops = calloc(n, sizeof(*c->loops));
	c->loop_of = malloc(c->cfg.nb * sizeof(*c->loop_of));
	seen = calloc(c->cfg.nb + 1, sizeof(bool));
	in = calloc(c->cfg.nb + 1, sizeof(bool));
	if (!c->loops || !c->loop_of || !seen || !in)
		goto fail;
	for (size_t k = 0; k < c->cfg.nb; k++)
		c->loop_of[k] = -1;
	ok = assign_branches(c, br, n, in, seen);
	for (size_t l = 0; ok && l < c->nloops; l++) {
		struct masked_loop *ml = &c->loops[l];

		ok = body_fits(c, ml) && find_outs(c, ml);
		if (!ok) {
			c->why = "a loop whose exit depends on the work-item calls a function "
				 "with effects or allocates";
			break;
		}
		for (LLVMValueRef in = LLVMGetFirstInstruction(c->cfg.blocks[ml->exit]);
		     in && LLVMIsAPHINode(in); in = LLVMGetNextInstruction(in))
			c->flags[cg_co_index(c, in)] |= VARY | REPL;
		c->flags[terminator_index(c, ml->latch)] = SKIP;
		if (ml->guarded)
			c->flags[terminator_index(c, ml->entry)] = SKIP;
	}
	free(br);
	free(seen);
	free(in);
	return ok;
fail:
	free(br);
	free(seen);
	free(in);
	return false;
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

/* The slots inactive copies read and write instead of memory: globals, not
 * allocas (SROA would turn loads that may read an alloca into a branch per
 * copy and load); one constant slot to read, which leaves the loads free to
 * be reordered (a walk over a writable one ran 2x slower), and one per thread
 * to write (stores to a shared one would bounce its cache line). */
static LLVMValueRef dummy_slot(struct launcher_env *e, bool writable)
{
	const char *name = writable ? "__svmgpu_inactive_out" : "__svmgpu_inactive_in";
	LLVMValueRef g = LLVMGetNamedGlobal(e->m, name);
	LLVMTypeRef t = LLVMArrayType(e->i8, DUMMY_BYTES);

	if (!g) {
		g = LLVMAddGlobal(e->m, t, name);
		LLVMSetInitializer(g, LLVMConstNull(t));
		LLVMSetLinkage(g, LLVMInternalLinkage);
		LLVMSetGlobalConstant(g, !writable);
		LLVMSetThreadLocal(g, writable);
		LLVMSetAlignment(g, 64);
	}
	return writable ? LLVMBuildCall2(e->b, e->tls_address_type, e->tls_address, &g, 1, "")
			: g;
}

static bool build_loop_masks(struct coarsen *c, struct masked_loop *ml)
{
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

bool cg_co_build_masks(struct coarsen *c)
{
	LLVMValueRef first = LLVMGetFirstInstruction(c->nb[0]);

	if (!c->nloops)
		return true;
	if (first)
		LLVMPositionBuilderBefore(c->e->b, first);
	else
		LLVMPositionBuilderAtEnd(c->e->b, c->nb[0]);
	c->dummy_in = dummy_slot(c->e, false);
	c->dummy_out = dummy_slot(c->e, true);
	for (size_t l = 0; l < c->nloops; l++)
		if (!build_loop_masks(c, &c->loops[l]))
			return false;
	return true;
}

static const struct masked_loop *loop_at(const struct coarsen *c, size_t block)
{
	return c->nloops && c->loop_of[block] >= 0 ? &c->loops[c->loop_of[block]] : NULL;
}

LLVMValueRef cg_co_exit_value(const struct coarsen *c, size_t user, LLVMValueRef v,
			      LLVMBasicBlockRef from, unsigned j)
{
	long def = cg_co_index(c, v);
	const struct masked_loop *ml = def >= 0 ? loop_at(c, c->blk[def]) : NULL;
	LLVMValueRef value = NULL, around = NULL, in = c->ins[user];

	if (ml && !in_loop(c, ml, c->blk[user]))
		for (size_t o = 0; o < ml->nouts && !value; o++)
			if (ml->outs[o] == (size_t)def)
				value = ml->out_next[o * COARSEN + j];
	if (!LLVMIsAPHINode(in) || !from)
		return value;
	/* A phi of some loop's X: from P, what goes around the loop (the usual
	 * copy); from B, the loop's value for the copies that entered it. */
	for (size_t l = 0; l < c->nloops; l++) {
		const struct masked_loop *x = &c->loops[l];

		if (c->blk[user] != x->exit || block_of(c, from) != (long)x->latch)
			continue;
		if (!value)
			value = cg_co_map(c, v, j);
		if (!x->guarded)
			return value;
		for (unsigned k = 0; k < LLVMCountIncoming(in); k++)
			if (block_of(c, LLVMGetIncomingBlock(in, k)) == (long)x->entry)
				around = cg_co_map(c, LLVMGetIncomingValue(in, k), j);
		LLVMPositionBuilderBefore(c->e->b, LLVMGetBasicBlockTerminator(c->nb[x->latch]));
		return LLVMBuildSelect(c->e->b, x->enter[j], value, around, "");
	}
	return value;
}

/* Copy j's access at `cp` (its pointer operand `op`) goes to the dummy slot
 * when the copy is inactive. */
static void mask_access(struct coarsen *c, const struct masked_loop *ml, LLVMValueRef cp,
			unsigned op, unsigned j)
{
	LLVMValueRef p = LLVMGetOperand(cp, op);
	LLVMValueRef dummy = LLVMIsAStoreInst(cp) ? c->dummy_out : c->dummy_in;

	LLVMPositionBuilderBefore(c->e->b, cp);
	LLVMSetOperand(cp, op,
		       LLVMBuildSelect(c->e->b, ml->active[j], p,
				       LLVMBuildAddrSpaceCast(c->e->b, dummy, LLVMTypeOf(p), ""),
				       ""));
}

void cg_co_mask_memory(struct coarsen *c)
{
	for (size_t i = 0; i < c->ni; i++) {
		const struct masked_loop *ml = loop_at(c, c->blk[i]);
		long addr;

		if (!ml || (c->flags[i] & SKIP))
			continue;
		if (LLVMIsAStoreInst(c->ins[i])) {
			/* Every copy's, even to a uniform address: the value may
			 * not be the same, nor the copy active. */
			for (unsigned j = 0; j < COARSEN; j++)
				mask_access(c, ml, c->copy[i * COARSEN + j], 1, j);
			continue;
		}
		if (!LLVMIsALoadInst(c->ins[i]))
			continue;
		addr = cg_co_index(c, LLVMGetOperand(c->ins[i], 0));
		if (addr < 0 || !(c->flags[addr] & VARY))
			continue;
		for (unsigned j = 0; j < COARSEN; j++)
			mask_access(c, ml, c->copy[i * COARSEN + j], 0, j);
	}
}

void cg_co_masked_loops_fini(struct coarsen *c)
{
	for (size_t l = 0; l < c->nloops; l++) {
		free(c->loops[l].outs);
		free(c->loops[l].out_next);
	}
	free(c->loops);
	free(c->loop_of);
}
