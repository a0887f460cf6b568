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

void cg_build_region_loops(struct regions *r, LLVMValueRef f, LLVMValueRef ctx, LLVMValueRef R,
			   LLVMValueRef *argv)
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
