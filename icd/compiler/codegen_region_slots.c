// SPDX-License-Identifier: MIT
/* Where the region form keeps the kernel's slots (codegen_regions.h): a
 * liveness analysis finds those live across a barrier, which must outlive
 * their region; a divergence analysis finds those among them that hold the
 * same value in every work-item, which need one copy per group. */
#include "codegen_regions.h"

#include <stdlib.h>
#include <string.h>

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
bool cg_find_frame_slots(struct regions *r)
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
bool cg_find_uniform_slots(struct regions *r)
{
	(void)r;
	return true;
}
