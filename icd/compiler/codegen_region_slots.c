// SPDX-License-Identifier: MIT
/* Where the region form keeps the kernel's slots (codegen_regions.h): a
 * liveness analysis finds those live across a barrier, which must outlive
 * their region; a divergence analysis finds those among them that hold the
 * same value in every work-item, which need one copy per group. */
#include "codegen_regions.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

bool cg_is_lifetime(LLVMValueRef in)
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

bool cg_collect_slots(struct regions *r)
{
	size_t cap = 0;

	for (LLVMValueRef in = LLVMGetFirstInstruction(r->entry); in;
	     in = LLVMGetNextInstruction(in)) {
		struct slot *s;

		if (!LLVMIsAAllocaInst(in))
			continue;
		s = cg_grow(r->slots, &cap, r->nslots, sizeof(*s));
		if (!s)
			return false;
		r->slots = s;
		s = &r->slots[r->nslots++];
		*s = (struct slot){.alloca = in};
		for (LLVMUseRef u = LLVMGetFirstUse(in); u; u = LLVMGetNextUse(u)) {
			LLVMValueRef user = LLVMGetUser(u);

			if (LLVMIsALoadInst(user) || cg_is_lifetime(user) ||
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

/* The kernel's control-flow graph and its slots sorted for lookups: what
 * both analyses walk, built once for each. */
struct cfg {
	struct cg_cfg b;
	struct cg_key *skeys;
};

static void cfg_fini(struct cfg *g)
{
	cg_cfg_fini(&g->b);
	free(g->skeys);
	g->skeys = NULL;
}

static bool cfg_init(struct cfg *g, struct regions *r)
{
	size_t ns = r->nslots;

	g->skeys = calloc(ns + 1, sizeof(*g->skeys));
	if (!cg_cfg_init(&g->b, r->entry) || !g->skeys) {
		cfg_fini(g);
		return false;
	}
	for (size_t i = 0; i < ns; i++)
		g->skeys[i] = (struct cg_key){r->slots[i].alloca, i};
	cg_keys_sort(g->skeys, ns);
	return true;
}

/* Upward-exposed loads (gen) and whole stores (kill) of the slots, per block. */
static void local_effects(struct regions *r, LLVMBasicBlockRef bb, const struct cg_key *skeys,
			  uint64_t *gen, uint64_t *kill)
{
	for (LLVMValueRef x = LLVMGetFirstInstruction(bb); x; x = LLVMGetNextInstruction(x)) {
		bool load = LLVMIsALoadInst(x) != NULL, store = LLVMIsAStoreInst(x) != NULL;
		long i;

		if (!load && !store)
			continue;
		i = cg_keys_find(skeys, r->nslots, LLVMGetOperand(x, load ? 0 : 1));
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
bool cg_find_frame_slots(struct regions *r)
{
	size_t ns = r->nslots, words = (ns + 63) / 64 + 1;
	uint64_t *gen = NULL, *kill = NULL, *in = NULL;
	bool ok = false, changed;
	struct cfg g;

	if (!cfg_init(&g, r))
		return false;
	gen = calloc(g.b.nb * words, sizeof(*gen));
	kill = calloc(g.b.nb * words, sizeof(*kill));
	in = calloc(g.b.nb * words, sizeof(*in));
	if (!gen || !kill || !in)
		goto out;
	for (size_t k = 0; k < g.b.nb; k++)
		local_effects(r, g.b.blocks[k], g.skeys, gen + k * words, kill + k * words);

	/* in = gen | (the successors' in) & ~kill, to a fixed point. */
	do {
		changed = false;
		for (size_t k = g.b.nb; k-- > 0;) {
			for (size_t w = 0; w < words; w++) {
				uint64_t out = 0, v;

				for (size_t s = g.b.succ_at[k]; s < g.b.succ_at[k + 1]; s++)
					out |= in[g.b.succ[s] * words + w];
				v = gen[k * words + w] | (out & ~kill[k * words + w]);
				if (v != in[k * words + w]) {
					in[k * words + w] = v;
					changed = true;
				}
			}
		}
	} while (changed);
	for (size_t c = 0; c < r->ncuts; c++) {
		long j = cg_cfg_block(&g.b, r->cuts[c].after);

		for (size_t i = 0; j >= 0 && i < ns; i++)
			if (test_bit(in + (size_t)j * words, i))
				r->slots[i].frame = true;
	}
	for (size_t i = 0; i < ns; i++)
		r->slots[i].frame |= r->slots[i].escapes;
	ok = true;
out:
	cfg_fini(&g);
	free(gen);
	free(kill);
	free(in);
	return ok;
}

/* ---- which frame slots are uniform ---- */

/* Divergence analysis, as GPU compilers do it: values are divergent (may
 * differ between the work-items of a group) when they come from the local
 * id, from memory other than uniform slots, or from calls, or are computed
 * from divergent values; a block is divergently executed when it depends
 * on a divergent branch (or on any branch of such a block); a slot is
 * divergent when a store to it is of a divergent value or in such a block.
 * Starting from every slot uniform, divergence spreads to a fixed point.
 * Barriers are uniform by the specification, so in a correct kernel a
 * uniform slot holds the same value in every work-item at each barrier. */
struct divergence {
	struct regions *r;
	struct cfg g;
	size_t words, ni;
	struct cg_key *ikeys;
	uint64_t *pdom;     /* per block: the blocks that post-dominate it */
	uint64_t *cd;       /* per block: the blocks that depend on its branch */
	uint64_t *div_exec; /* blocks some work-items may skip */
	uint64_t *div;      /* per instruction */
	bool *slot_div;
};

/* pdom(n) = {n} + the intersection of its successors' sets, from all-ones. */
static void post_dominators(struct divergence *d)
{
	size_t w = d->words;
	bool changed;

	memset(d->pdom, 0xff, d->g.b.nb * w * sizeof(uint64_t));
	do {
		changed = false;
		for (size_t k = d->g.b.nb; k-- > 0;) {
			const size_t *succ = d->g.b.succ + d->g.b.succ_at[k];
			size_t ns = d->g.b.succ_at[k + 1] - d->g.b.succ_at[k];
			uint64_t *p = d->pdom + k * w;

			for (size_t i = 0; i < w; i++) {
				uint64_t v = ns ? ~0ull : 0;

				for (size_t s = 0; s < ns; s++)
					v &= d->pdom[succ[s] * w + i];
				if (i == k / 64)
					v |= 1ull << (k % 64);
				if (v != p[i]) {
					p[i] = v;
					changed = true;
				}
			}
		}
	} while (changed);
}

/* cd(c) = the successors' post-dominators that do not strictly
 * post-dominate c. */
static void control_dependence(struct divergence *d)
{
	size_t w = d->words;

	for (size_t k = 0; k < d->g.b.nb; k++) {
		const size_t *succ = d->g.b.succ + d->g.b.succ_at[k];
		size_t ns = d->g.b.succ_at[k + 1] - d->g.b.succ_at[k];
		uint64_t *c = d->cd + k * w;

		for (size_t i = 0; i < w; i++) {
			uint64_t v = 0, strict = d->pdom[k * w + i];

			for (size_t s = 0; s < ns; s++)
				v |= d->pdom[succ[s] * w + i];
			if (i == k / 64)
				strict &= ~(1ull << (k % 64));
			c[i] = v & ~strict;
		}
	}
}

static bool value_divergent(struct divergence *d, LLVMValueRef v)
{
	long i;

	if (!LLVMIsAInstruction(v))
		return false; /* constants, globals, the kernel's arguments */
	i = cg_keys_find(d->ikeys, d->ni, v);
	return i < 0 || test_bit(d->div, (size_t)i);
}

static bool computes_divergent(struct divergence *d, LLVMValueRef x)
{
	long off, s;

	switch (LLVMGetInstructionOpcode(x)) {
	case LLVMLoad:
		if (LLVMGetVolatile(x))
			return true;
		s = cg_keys_find(d->g.skeys, d->r->nslots, LLVMGetOperand(x, 0));
		if (s >= 0)
			return d->slot_div[s];
		/* The state's geometry is the group's; the local id is not. */
		return !cg_in_wi_state(d->r->e, LLVMGetOperand(x, 0), &off) || off < 0 ||
		       off < (long)offsetof(struct svmgpu_wi_state, ctx);
	case LLVMCall:
		return LLVMGetCalledValue(x) != d->r->e->tls_address;
	case LLVMAdd: case LLVMFAdd: case LLVMSub: case LLVMFSub: case LLVMMul: case LLVMFMul:
	case LLVMUDiv: case LLVMSDiv: case LLVMFDiv: case LLVMURem: case LLVMSRem: case LLVMFRem:
	case LLVMShl: case LLVMLShr: case LLVMAShr: case LLVMAnd: case LLVMOr: case LLVMXor:
	case LLVMGetElementPtr: case LLVMTrunc: case LLVMZExt: case LLVMSExt: case LLVMFPToUI:
	case LLVMFPToSI: case LLVMUIToFP: case LLVMSIToFP: case LLVMFPTrunc: case LLVMFPExt:
	case LLVMPtrToInt: case LLVMIntToPtr: case LLVMBitCast: case LLVMAddrSpaceCast:
	case LLVMICmp: case LLVMFCmp: case LLVMSelect: case LLVMExtractElement:
	case LLVMInsertElement: case LLVMShuffleVector: case LLVMExtractValue:
	case LLVMInsertValue: case LLVMFreeze: case LLVMFNeg:
		for (int k = 0; k < LLVMGetNumOperands(x); k++)
			if (value_divergent(d, LLVMGetOperand(x, (unsigned)k)))
				return true;
		return false;
	default:
		return true; /* allocas (a work-item's own address), atomics, ... */
	}
}

static bool spread_values(struct divergence *d)
{
	bool any = false, changed;

	do {
		changed = false;
		for (size_t k = 0; k < d->g.b.nb; k++)
			for (LLVMValueRef x = LLVMGetFirstInstruction(d->g.b.blocks[k]); x;
			     x = LLVMGetNextInstruction(x)) {
				long i;

				if (LLVMGetTypeKind(LLVMTypeOf(x)) == LLVMVoidTypeKind)
					continue;
				i = cg_keys_find(d->ikeys, d->ni, x);
				if (i < 0 || test_bit(d->div, (size_t)i) || !computes_divergent(d, x))
					continue;
				set_bit(d->div, (size_t)i);
				changed = any = true;
			}
	} while (changed);
	return any;
}

static bool branch_divergent(struct divergence *d, size_t k)
{
	LLVMValueRef term = LLVMGetBasicBlockTerminator(d->g.b.blocks[k]);

	if (!term)
		return false;
	if (LLVMGetInstructionOpcode(term) == LLVMBr)
		return LLVMIsConditional(term) && value_divergent(d, LLVMGetCondition(term));
	if (LLVMGetInstructionOpcode(term) == LLVMSwitch)
		return value_divergent(d, LLVMGetOperand(term, 0));
	return false;
}

static void spread_execution(struct divergence *d)
{
	size_t w = d->words;
	bool changed;

	do {
		changed = false;
		for (size_t k = 0; k < d->g.b.nb; k++) {
			if (!branch_divergent(d, k) && !test_bit(d->div_exec, k))
				continue;
			for (size_t i = 0; i < w; i++) {
				uint64_t v = d->div_exec[i] | d->cd[k * w + i];

				changed |= v != d->div_exec[i];
				d->div_exec[i] = v;
			}
		}
	} while (changed);
}

static bool spread_slots(struct divergence *d)
{
	bool changed = false;

	for (size_t k = 0; k < d->g.b.nb; k++)
		for (LLVMValueRef x = LLVMGetFirstInstruction(d->g.b.blocks[k]); x;
		     x = LLVMGetNextInstruction(x)) {
			long s;

			if (!LLVMIsAStoreInst(x))
				continue;
			s = cg_keys_find(d->g.skeys, d->r->nslots, LLVMGetOperand(x, 1));
			if (s < 0 || d->slot_div[s])
				continue;
			if (test_bit(d->div_exec, k) || value_divergent(d, LLVMGetOperand(x, 0))) {
				d->slot_div[s] = true;
				changed = true;
			}
		}
	return changed;
}

static void divergence_fini(struct divergence *d)
{
	cfg_fini(&d->g);
	free(d->ikeys);
	free(d->pdom);
	free(d->cd);
	free(d->div_exec);
	free(d->div);
	free(d->slot_div);
}

static bool divergence_init(struct divergence *d, struct regions *r)
{
	size_t nb;

	*d = (struct divergence){.r = r};
	if (!cfg_init(&d->g, r))
		return false;
	nb = d->g.b.nb;
	for (size_t k = 0; k < nb; k++)
		for (LLVMValueRef x = LLVMGetFirstInstruction(d->g.b.blocks[k]); x;
		     x = LLVMGetNextInstruction(x))
			d->ni++;
	d->words = nb / 64 + 1;
	d->ikeys = calloc(d->ni + 1, sizeof(*d->ikeys));
	d->pdom = calloc(nb * d->words, sizeof(uint64_t));
	d->cd = calloc(nb * d->words, sizeof(uint64_t));
	d->div_exec = calloc(d->words, sizeof(uint64_t));
	d->div = calloc(d->ni / 64 + 1, sizeof(uint64_t));
	d->slot_div = calloc(r->nslots + 1, sizeof(bool));
	if (!d->ikeys || !d->pdom || !d->cd || !d->div_exec || !d->div || !d->slot_div)
		return false;
	d->ni = 0;
	for (size_t k = 0; k < nb; k++)
		for (LLVMValueRef x = LLVMGetFirstInstruction(d->g.b.blocks[k]); x;
		     x = LLVMGetNextInstruction(x)) {
			d->ikeys[d->ni] = (struct cg_key){x, d->ni};
			d->ni++;
		}
	cg_keys_sort(d->ikeys, d->ni);
	/* What escapes may change behind the analysis' back. */
	for (size_t i = 0; i < r->nslots; i++)
		d->slot_div[i] = r->slots[i].escapes;
	return true;
}

bool cg_find_uniform_slots(struct regions *r)
{
	struct divergence d;
	bool ok = divergence_init(&d, r);

	if (ok) {
		post_dominators(&d);
		control_dependence(&d);
		do {
			spread_values(&d);
			spread_execution(&d);
		} while (spread_slots(&d));
		for (size_t i = 0; i < r->nslots; i++)
			r->slots[i].uniform = r->slots[i].frame && !d.slot_div[i];
	}
	divergence_fini(&d);
	return ok;
}
