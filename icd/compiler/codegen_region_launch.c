// SPDX-License-Identifier: MIT
/* The region form's launcher (codegen_regions.h): per group, the frames and
 * states from ctx->scratch, then region passes until every work-item is done;
 * each pass runs the lowest pending region for the work-items waiting there. */
#include "codegen_regions.h"

#include <stdlib.h>

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

	/* Like malloc's: no kernel pointer reaches the buffer, so frame and
	 * uniform values stay in registers across the kernel's stores. */
	LLVMAddCallSiteAttribute(buf, LLVMAttributeReturnIndex,
				 LLVMCreateEnumAttribute(e->ctx, cg_attr_kind("noalias"), 0));

	LLVMBuildCondBr(e->b, LLVMBuildIsNull(e->b, buf, ""), fail, go);
	LLVMPositionBuilderAtEnd(e->b, fail);
	LLVMBuildRetVoid(e->b);
	LLVMPositionBuilderAtEnd(e->b, go);
	return buf;
}

/* The lowest state of any work-item (REGION_DONE when all are), and whether every
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
	LLVMAddIncoming(lo, (LLVMValueRef[]){LLVMConstInt(e->i32, REGION_DONE, 0), lo1},
			(LLVMBasicBlockRef[]){from, scan}, 2);
	LLVMAddIncoming(hi, (LLVMValueRef[]){LLVMConstInt(e->i32, 0, 0), hi1},
			(LLVMBasicBlockRef[]){from, scan}, 2);
	LLVMBuildCondBr(e->b, LLVMBuildICmp(e->b, LLVMIntULT, i1, total, ""), scan, out);
	LLVMPositionBuilderAtEnd(e->b, out);
	*same = LLVMBuildICmp(e->b, LLVMIntEQ, lo1, hi1, "uniform");
	return lo1;
}

/* What the region loops of a launcher share. */
struct region_launch {
	struct regions *r;
	LLVMValueRef f, ctx, R, *argv;
	LLVMValueRef frames, resume, uniform[2];
	LLVMValueRef phase; /* which uniform block this pass reads */
	LLVMBasicBlockRef pick;
};

/* Region `state`'s loop: every work-item waiting there runs it (checked:
 * only those; else all are). Then the uniform blocks swap. */
static void region_loop(struct region_launch *rl, unsigned state, bool checked)
{
	struct regions *r = rl->r;
	struct launcher_env *e = r->e;
	unsigned n = LLVMCountParams(rl->R), nk = n - 3 - r->nuniform, u = nk + 3;
	LLVMValueRef *callv = calloc(n, sizeof(*callv)), idx, slot, phase, odd, in;
	LLVMBasicBlockRef next = NULL;
	struct item_loop lp;

	phase = LLVMBuildLoad2(e->b, e->i8, rl->phase, "phase");
	odd = LLVMBuildICmp(e->b, LLVMIntNE, phase, LLVMConstInt(e->i8, 0, 0), "");
	in = LLVMBuildSelect(e->b, odd, rl->uniform[1], rl->uniform[0], "uniform.in");
	/* The uniform values, once per pass: loop invariants for the optimiser. */
	for (size_t i = 0; callv && i < r->nslots; i++)
		if (r->slots[i].frame && r->slots[i].uniform)
			callv[u++] = LLVMBuildLoad2(e->b, r->slots[i].type,
						    cg_byte_gep(e, in, r->slots[i].offset), "");
	cg_begin_item_loop(e, rl->f, rl->ctx, &lp);
	idx = LLVMBuildAdd(e->b,
			   LLVMBuildMul(e->b,
					LLVMBuildAdd(e->b, LLVMBuildMul(e->b, lp.iv[2], lp.n[1], ""),
						     lp.iv[1], ""),
					lp.n[0], ""),
			   lp.iv[0], "item");
	slot = LLVMBuildGEP2(e->b, e->i32, rl->resume, &idx, 1, "");
	if (checked) {
		LLVMBasicBlockRef yes = LLVMAppendBasicBlockInContext(e->ctx, rl->f, "run");
		LLVMValueRef cur = LLVMBuildLoad2(e->b, e->i32, slot, "");
		LLVMValueRef run = LLVMBuildICmp(e->b, LLVMIntEQ, cur,
						 LLVMConstInt(e->i32, state, 0), "");

		cg_parallel_access(e, &lp, cur);

		next = LLVMAppendBasicBlockInContext(e->ctx, rl->f, "next");
		LLVMBuildCondBr(e->b, run, yes, next);
		LLVMPositionBuilderAtEnd(e->b, yes);
	}
	if (callv) {
		for (unsigned i = 0; i < nk; i++)
			callv[i] = rl->argv[i];
		callv[nk] = LLVMBuildGEP2(
			e->b, e->i8, rl->frames,
			(LLVMValueRef[]){LLVMBuildMul(e->b, idx,
						      LLVMConstInt(e->i64, r->frame_size, 0), "")},
			1, "frame");
		callv[nk + 1] = LLVMBuildSelect(e->b, odd, rl->uniform[0], rl->uniform[1], "");
		callv[nk + 2] = LLVMConstInt(e->i32, state, 0);
		LLVMValueRef call = LLVMBuildCall2(e->b, LLVMGlobalGetValueType(rl->R), rl->R,
						   callv, n, "");

		cg_parallel_access(e, &lp, call);
		cg_parallel_access(e, &lp, LLVMBuildStore(e->b, call, slot));
	}
	if (checked) {
		LLVMBuildBr(e->b, next);
		LLVMPositionBuilderAtEnd(e->b, next);
	}
	cg_end_item_loop(e, &lp);
	LLVMBuildStore(e->b, LLVMBuildXor(e->b, phase, LLVMConstInt(e->i8, 1, 0), ""), rl->phase);
	LLVMBuildBr(e->b, rl->pick);
	free(callv);
}

/* The scratch buffer: the two uniform blocks, the frames, the states. */
void cg_build_region_loops(struct regions *r, LLVMValueRef f, LLVMValueRef ctx, LLVMValueRef R,
			   LLVMValueRef *argv)
{
	struct launcher_env *e = r->e;
	struct region_launch rl = {.r = r, .f = f, .ctx = ctx, .R = R, .argv = argv};
	LLVMValueRef total = LLVMConstInt(e->i64, 1, 0), buf, frames_bytes, state, same, sw;
	LLVMBasicBlockRef done;

	rl.phase = LLVMBuildAlloca(e->b, e->i8, "phase");
	LLVMBuildStore(e->b, LLVMConstInt(e->i8, 0, 0), rl.phase);
	for (int d = 0; d < 3; d++)
		total = LLVMBuildMul(e->b, total,
				     cg_load_i64(e, ctx, offsetof(struct svmgpu_wg_ctx, local_size) +
								 8 * (size_t)d),
				     "");
	frames_bytes = LLVMBuildMul(e->b, total, LLVMConstInt(e->i64, r->frame_size, 0), "");
	buf = get_scratch(r, f, ctx,
			  LLVMBuildAdd(e->b,
				       LLVMBuildAdd(e->b, frames_bytes,
						    LLVMBuildMul(e->b, total,
								 LLVMConstInt(e->i64, 4, 0), ""),
						    ""),
				       LLVMConstInt(e->i64, r->frames_offset, 0), ""));
	rl.uniform[0] = buf;
	rl.uniform[1] = cg_byte_gep(e, buf, r->uniform_size);
	rl.frames = cg_byte_gep(e, buf, r->frames_offset);
	rl.resume = LLVMBuildGEP2(e->b, e->i8, rl.frames, &frames_bytes, 1, "resume");
	LLVMBuildMemSet(e->b, rl.resume, LLVMConstInt(e->i8, 0, 0),
			LLVMBuildMul(e->b, total, LLVMConstInt(e->i64, 4, 0), ""), 4);
	rl.pick = LLVMAppendBasicBlockInContext(e->ctx, f, "pick");
	done = LLVMAppendBasicBlockInContext(e->ctx, f, "done");
	LLVMBuildBr(e->b, rl.pick);
	LLVMPositionBuilderAtEnd(e->b, rl.pick);
	state = lowest_state(r, f, rl.resume, total, &same);
	sw = LLVMBuildSwitch(e->b, state, done, (unsigned)r->ncuts + 1);
	for (unsigned k = 0; k <= r->ncuts; k++) {
		LLVMBasicBlockRef bb = LLVMAppendBasicBlockInContext(e->ctx, f, "region");
		LLVMBasicBlockRef all = LLVMAppendBasicBlockInContext(e->ctx, f, "region.all");
		LLVMBasicBlockRef some = LLVMAppendBasicBlockInContext(e->ctx, f, "region.some");

		LLVMAddCase(sw, LLVMConstInt(e->i32, k, 0), bb);
		LLVMPositionBuilderAtEnd(e->b, bb);
		LLVMBuildCondBr(e->b, same, all, some);
		LLVMPositionBuilderAtEnd(e->b, all);
		region_loop(&rl, k, false);
		LLVMPositionBuilderAtEnd(e->b, some);
		region_loop(&rl, k, true);
	}
	LLVMPositionBuilderAtEnd(e->b, done);
	LLVMBuildRetVoid(e->b);
}
