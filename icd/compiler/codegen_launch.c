// SPDX-License-Identifier: MIT
/* The launchers of the host target (codegen_launch.h, kernel_abi.h). */
#include "codegen_launch.h"

#include <llvm-c/IRReader.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

LLVMValueRef cg_byte_gep(struct launcher_env *e, LLVMValueRef base, size_t offset)
{
	LLVMValueRef idx = LLVMConstInt(e->i64, offset, 0);

	return LLVMBuildGEP2(e->b, e->i8, base, &idx, 1, "");
}

LLVMValueRef cg_load_i64(struct launcher_env *e, LLVMValueRef base, size_t offset)
{
	return LLVMBuildLoad2(e->b, e->i64, cg_byte_gep(e, base, offset), "");
}

/* The constant byte offset a GEP adds, or false. */
static bool gep_offset(struct launcher_env *e, LLVMValueRef gep, long *offset)
{
	LLVMTypeRef t = LLVMGetGEPSourceElementType(gep);
	int n = LLVMGetNumOperands(gep);

	for (int i = 1; i < n; i++) {
		LLVMValueRef idx = LLVMGetOperand(gep, (unsigned)i);
		long k;

		if (!LLVMIsAConstantInt(idx))
			return false;
		k = (long)LLVMConstIntGetSExtValue(idx);
		if (i == 1) {
			*offset += k * (long)LLVMABISizeOfType(e->td, t);
		} else if (LLVMGetTypeKind(t) == LLVMStructTypeKind) {
			*offset += (long)LLVMOffsetOfElement(e->td, t, (unsigned)k);
			t = LLVMStructGetTypeAtIndex(t, (unsigned)k);
		} else if (LLVMGetTypeKind(t) == LLVMArrayTypeKind ||
			   LLVMGetTypeKind(t) == LLVMVectorTypeKind) {
			t = LLVMGetElementType(t);
			*offset += k * (long)LLVMABISizeOfType(e->td, t);
		} else {
			return false;
		}
	}
	return true;
}

bool cg_is_wi_state(struct launcher_env *e, LLVMValueRef p)
{
	return p == e->wi || (LLVMIsACallInst(p) && LLVMGetCalledValue(p) == e->tls_address &&
			      LLVMGetOperand(p, 0) == e->wi);
}

/* The work-item state is written by the launchers only: what is loaded from
 * there is the same wherever the work-item loads it. */
bool cg_in_wi_state(struct launcher_env *e, LLVMValueRef p, long *offset)
{
	bool known = true;
	long off = 0;

	while (LLVMIsAGetElementPtrInst(p)) {
		known = known && gep_offset(e, p, &off);
		p = LLVMGetOperand(p, 0);
	}
	*offset = known ? off : -1;
	return cg_is_wi_state(e, p);
}

void cg_set_host_attributes(struct launcher_env *e, LLVMValueRef f)
{
	LLVMAttributeRef cpu = LLVMCreateStringAttribute(e->ctx, "target-cpu", 10, e->host_cpu,
							  (unsigned)strlen(e->host_cpu));
	LLVMAttributeRef feat = LLVMCreateStringAttribute(e->ctx, "target-features", 15,
							   e->host_features,
							   (unsigned)strlen(e->host_features));

	LLVMAddAttributeAtIndex(f, LLVMAttributeFunctionIndex, cpu);
	LLVMAddAttributeAtIndex(f, LLVMAttributeFunctionIndex, feat);
	/* As clang does for AVX-512 server parts: 256-bit vectors unless code asks
	 * for more. Measured here (AMD EPYC, AVX-512): vecadd 20-25% faster than
	 * with 512-bit vectors, which these cores split in two anyway. */
	LLVMAddAttributeAtIndex(f, LLVMAttributeFunctionIndex,
				LLVMCreateStringAttribute(e->ctx, "prefer-vector-width", 19, "256",
							  3));
}

static bool reaches(struct launcher_env *e, LLVMValueRef fn,
		    bool (*hit)(struct launcher_env *e, LLVMValueRef in), LLVMValueRef *seen,
		    size_t *nseen, size_t cap)
{
	for (size_t i = 0; i < *nseen; i++)
		if (seen[i] == fn)
			return false;
	if (*nseen >= cap)
		return true; /* too deep to tell: assume the worst */
	seen[(*nseen)++] = fn;
	for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb; bb = LLVMGetNextBasicBlock(bb))
		for (LLVMValueRef in = LLVMGetFirstInstruction(bb); in;
		     in = LLVMGetNextInstruction(in)) {
			LLVMValueRef callee = LLVMIsACallInst(in) ? LLVMGetCalledValue(in) : NULL;

			if (hit(e, in))
				return true;
			if (callee && LLVMIsAFunction(callee) && !LLVMIsDeclaration(callee) &&
			    reaches(e, callee, hit, seen, nseen, cap))
				return true;
		}
	return false;
}

bool cg_reaches(struct launcher_env *e, LLVMValueRef fn,
		bool (*hit)(struct launcher_env *e, LLVMValueRef in))
{
	LLVMValueRef seen[256];
	size_t nseen = 0;

	return reaches(e, fn, hit, seen, &nseen, 256);
}

static bool calls_sync(struct launcher_env *e, LLVMValueRef in)
{
	return LLVMIsACallInst(in) && LLVMGetCalledValue(in) == e->sync;
}

bool cg_reaches_sync(struct launcher_env *e, LLVMValueRef fn)
{
	return e->sync && (fn == e->sync || cg_reaches(e, fn, calls_sync));
}

static LLVMValueRef wi_state(struct launcher_env *e)
{
	LLVMValueRef arg = e->wi;

	return LLVMBuildCall2(e->b, e->tls_address_type, e->tls_address, &arg, 1, "wi");
}

static void set_local_id(struct launcher_env *e, int dim, LLVMValueRef v)
{
	LLVMBuildStore(e->b, v, cg_byte_gep(e, wi_state(e),
					    offsetof(struct svmgpu_wi_state, local_id) +
						    8 * (size_t)dim));
}

/* Calls the kernel with the attributes of its parameters. */
static LLVMValueRef call_kernel(struct launcher_env *e, LLVMValueRef kernel, LLVMValueRef *argv)
{
	unsigned n = LLVMCountParams(kernel);
	LLVMValueRef call = LLVMBuildCall2(e->b, LLVMGlobalGetValueType(kernel), kernel, argv, n, "");

	LLVMSetInstructionCallConv(call, LLVMCCallConv);
	for (unsigned i = 0; i < n; i++) {
		unsigned count = LLVMGetAttributeCountAtIndex(kernel, i + 1);
		LLVMAttributeRef attrs[32];

		if (count > 32)
			count = 32;
		LLVMGetAttributesAtIndex(kernel, i + 1, attrs);
		for (unsigned a = 0; a < count; a++)
			LLVMAddCallSiteAttribute(call, i + 1, attrs[a]);
	}
	return call;
}

LLVMValueRef *cg_load_args(struct launcher_env *e, LLVMValueRef kernel, LLVMValueRef args)
{
	unsigned n = LLVMCountParams(kernel);
	LLVMValueRef *argv = calloc(n ? n : 1, sizeof(*argv));

	if (!argv)
		return NULL;
	for (unsigned i = 0; i < n; i++) {
		LLVMValueRef slot = LLVMBuildGEP2(e->b, e->ptr, args,
						  (LLVMValueRef[]){LLVMConstInt(e->i64, i, 0)}, 1, "");
		LLVMValueRef p = LLVMBuildLoad2(e->b, e->ptr, slot, "");

		if (cg_param_attr(kernel, i, "byval"))
			argv[i] = p; /* the callee copies the bytes */
		else
			argv[i] = LLVMBuildLoad2(e->b, LLVMTypeOf(LLVMGetParam(kernel, i)), p, "");
	}
	return argv;
}

/* ctx's geometry into the thread-local state (struct svmgpu_wi_geometry):
 * work_dim, then six arrays laid out as in the context. */
static void copy_geometry(struct launcher_env *e, LLVMValueRef ctx)
{
	size_t g = offsetof(struct svmgpu_wi_state, g);
	LLVMValueRef dim = LLVMBuildLoad2(e->b, e->i32,
					  cg_byte_gep(e, ctx, offsetof(struct svmgpu_wg_ctx, work_dim)),
					  "");

	LLVMBuildStore(e->b, LLVMBuildZExt(e->b, dim, e->i64, ""),
		       cg_byte_gep(e, wi_state(e),
				   g + offsetof(struct svmgpu_wi_geometry, work_dim)));
	for (size_t i = 0; i < 18; i++)
		LLVMBuildStore(e->b,
			       cg_load_i64(e, ctx,
					   offsetof(struct svmgpu_wg_ctx, global_offset) + 8 * i),
			       cg_byte_gep(e, wi_state(e),
					   g + offsetof(struct svmgpu_wi_geometry, global_offset) +
						   8 * i));
}

LLVMValueRef cg_new_launcher(struct launcher_env *e, LLVMValueRef kernel, const char *prefix,
			     LLVMValueRef *args, LLVMValueRef *ctxp)
{
	LLVMTypeRef params[2] = {e->ptr, e->ptr};
	LLVMTypeRef ft = LLVMFunctionType(e->voidt, params, 2, 0);
	size_t len;
	const char *kname = LLVMGetValueName2(kernel, &len);
	char *name;
	LLVMValueRef f;

	if (asprintf(&name, "%s%.*s", prefix, (int)len, kname) < 0)
		return NULL;
	f = LLVMAddFunction(e->m, name, ft);
	free(name);
	cg_set_host_attributes(e, f);
	LLVMPositionBuilderAtEnd(e->b, LLVMAppendBasicBlockInContext(e->ctx, f, "entry"));
	*args = LLVMGetParam(f, 0);
	*ctxp = LLVMGetParam(f, 1);
	LLVMBuildStore(e->b, *ctxp,
		       cg_byte_gep(e, wi_state(e), offsetof(struct svmgpu_wi_state, ctx)));
	copy_geometry(e, *ctxp);
	return f;
}

/* A fresh access group and a loop id that lists it as parallel. The C API
 * cannot make distinct metadata nodes: they come from a parsed snippet
 * (metadata belongs to the context, not to the snippet's module). */
static void parallel_loop_metadata(struct launcher_env *e, struct item_loop *lp)
{
	static const char ir[] =
		"define void @f(ptr %p) {\n"
		"entry:\n  br label %l\n"
		"l:\n  store i8 0, ptr %p, !llvm.access.group !0\n"
		"  br i1 true, label %l, label %x, !llvm.loop !1\n"
		"x:\n  ret void\n}\n"
		"!0 = distinct !{}\n"
		"!1 = distinct !{!1, !2}\n"
		"!2 = !{!\"llvm.loop.parallel_accesses\", !0}\n";
	LLVMMemoryBufferRef buf = LLVMCreateMemoryBufferWithMemoryRangeCopy(ir, sizeof(ir) - 1,
									   "parallel");
	LLVMModuleRef m = NULL;
	char *err = NULL;
	LLVMValueRef store, br;

	lp->access_group = lp->loop_id = NULL;
	if (LLVMParseIRInContext(e->ctx, buf, &m, &err)) {
		LLVMDisposeMessage(err);
		return;
	}
	store = LLVMGetFirstInstruction(LLVMGetNextBasicBlock(
		LLVMGetFirstBasicBlock(LLVMGetFirstFunction(m))));
	br = LLVMGetNextInstruction(store);
	lp->access_group = LLVMGetMetadata(store, LLVMGetMDKindIDInContext(e->ctx,
									   "llvm.access.group", 17));
	lp->loop_id = LLVMGetMetadata(br, LLVMGetMDKindIDInContext(e->ctx, "llvm.loop", 9));
	LLVMDisposeModule(m);
}

void cg_parallel_access(struct launcher_env *e, const struct item_loop *lp, LLVMValueRef in)
{
	if (lp->access_group)
		LLVMSetMetadata(in, LLVMGetMDKindIDInContext(e->ctx, "llvm.access.group", 17),
				lp->access_group);
}

/* The loops of dimensions 2 down to `low` (cg_begin_item_loop: all three). */
static void open_loops(struct launcher_env *e, LLVMValueRef f, LLVMValueRef ctx,
		       struct item_loop *lp, int low)
{
	LLVMBasicBlockRef from = LLVMGetInsertBlock(e->b);

	lp->f = f;
	parallel_loop_metadata(e, lp);
	for (int d = 0; d < 3; d++)
		lp->n[d] = cg_load_i64(e, ctx,
				       offsetof(struct svmgpu_wg_ctx, local_size) + 8 * (size_t)d);
	for (int d = 2; d >= low; d--) {
		lp->head[d] = LLVMAppendBasicBlockInContext(e->ctx, f, "head");
		lp->latch[d] = LLVMAppendBasicBlockInContext(e->ctx, f, "latch");
	}
	lp->exit = LLVMAppendBasicBlockInContext(e->ctx, f, "items.done");
	LLVMBuildBr(e->b, lp->head[2]);
	for (int d = 2; d >= low; d--) {
		LLVMPositionBuilderAtEnd(e->b, lp->head[d]);
		lp->iv[d] = LLVMBuildPhi(e->b, e->i64, "lid");
		LLVMAddIncoming(lp->iv[d], (LLVMValueRef[]){LLVMConstInt(e->i64, 0, 0)}, &from, 1);
		set_local_id(e, d, lp->iv[d]);
		from = lp->head[d];
		if (d > low)
			LLVMBuildBr(e->b, lp->head[d - 1]);
	}
}

static void close_loops(struct launcher_env *e, struct item_loop *lp, int low)
{
	LLVMBuildBr(e->b, lp->latch[low]);
	for (int d = low; d < 3; d++) {
		LLVMValueRef next, more, br;

		LLVMPositionBuilderAtEnd(e->b, lp->latch[d]);
		next = LLVMBuildAdd(e->b, lp->iv[d], LLVMConstInt(e->i64, 1, 0), "");
		more = LLVMBuildICmp(e->b, LLVMIntULT, next, lp->n[d], "");
		LLVMAddIncoming(lp->iv[d], &next, &lp->latch[d], 1);
		br = LLVMBuildCondBr(e->b, more, lp->head[d], d < 2 ? lp->latch[d + 1] : lp->exit);
		if (d == 0 && lp->loop_id)
			LLVMSetMetadata(br, LLVMGetMDKindIDInContext(e->ctx, "llvm.loop", 9),
					lp->loop_id);
	}
	LLVMPositionBuilderAtEnd(e->b, lp->exit);
}

void cg_begin_item_loop(struct launcher_env *e, LLVMValueRef f, LLVMValueRef ctx,
			struct item_loop *lp)
{
	open_loops(e, f, ctx, lp, 0);
}

void cg_end_item_loop(struct launcher_env *e, struct item_loop *lp)
{
	close_loops(e, lp, 0);
}

/* A loop in x from `from`: iv = phi(start), body calls fn with local id
 * iv, iv += step while iv + step <= n (step 1: iv < n); the builder is
 * left in its exit block, which the caller branches on from. */
static LLVMValueRef x_loop(struct launcher_env *e, LLVMValueRef f, LLVMValueRef start,
			   unsigned step, LLVMValueRef n, LLVMValueRef fn, LLVMValueRef *argv)
{
	struct item_loop md;
	LLVMBasicBlockRef from = LLVMGetInsertBlock(e->b);
	LLVMBasicBlockRef head = LLVMAppendBasicBlockInContext(e->ctx, f, "x.head");
	LLVMBasicBlockRef body = LLVMAppendBasicBlockInContext(e->ctx, f, "x.body");
	LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(e->ctx, f, "x.done");
	LLVMValueRef iv, next, br;

	parallel_loop_metadata(e, &md);
	LLVMBuildBr(e->b, head);
	LLVMPositionBuilderAtEnd(e->b, head);
	iv = LLVMBuildPhi(e->b, e->i64, "lid");
	next = LLVMBuildAdd(e->b, iv, LLVMConstInt(e->i64, step, 0), "");
	LLVMBuildCondBr(e->b,
			step == 1 ? LLVMBuildICmp(e->b, LLVMIntULT, iv, n, "")
				  : LLVMBuildICmp(e->b, LLVMIntULE, next, n, ""),
			body, done);
	LLVMPositionBuilderAtEnd(e->b, body);
	set_local_id(e, 0, iv);
	cg_parallel_access(e, &md, call_kernel(e, fn, argv));
	br = LLVMBuildBr(e->b, head);
	if (md.loop_id)
		LLVMSetMetadata(br, LLVMGetMDKindIDInContext(e->ctx, "llvm.loop", 9), md.loop_id);
	LLVMAddIncoming(iv, &start, &from, 1);
	LLVMAddIncoming(iv, &next, &body, 1);
	LLVMPositionBuilderAtEnd(e->b, done);
	return iv;
}

/* for (z) for (y) for (x) { local_id = (x, y, z); kernel(args); }, or with
 * a coarsened copy: for (z) for (y) { for (x = 0; x + K <= n; x += K)
 * coarse(x..x+K-1); for (; x < n; x++) kernel(x); } */
bool cg_build_loop_launcher(struct launcher_env *e, LLVMValueRef kernel, LLVMValueRef coarse,
			    unsigned factor, struct item_loop *lp)
{
	LLVMValueRef args, wgctx, *argv, f, x;

	f = cg_new_launcher(e, kernel, SVMGPU_LAUNCH_WG_PREFIX, &args, &wgctx);
	if (!f)
		return false;
	argv = cg_load_args(e, kernel, args);
	if (!argv)
		return false;
	open_loops(e, f, wgctx, lp, coarse ? 1 : 0);
	if (coarse) {
		x = x_loop(e, f, LLVMConstInt(e->i64, 0, 0), factor, lp->n[0], coarse, argv);
		x_loop(e, f, x, 1, lp->n[0], kernel, argv);
	} else {
		cg_parallel_access(e, lp, call_kernel(e, kernel, argv));
	}
	close_loops(e, lp, coarse ? 1 : 0);
	LLVMBuildRetVoid(e->b);
	free(argv);
	return true;
}

/* One work-item: the executor has put its local id in ctx->local_id. */
bool cg_build_fiber_launcher(struct launcher_env *e, LLVMValueRef kernel)
{
	LLVMValueRef args, wgctx, *argv;

	if (!cg_new_launcher(e, kernel, SVMGPU_LAUNCH_WI_PREFIX, &args, &wgctx))
		return false;
	for (int d = 0; d < 3; d++)
		set_local_id(e, d, cg_load_i64(e, wgctx, offsetof(struct svmgpu_wg_ctx, local_id) +
								 8 * (size_t)d));
	argv = cg_load_args(e, kernel, args);
	if (!argv)
		return false;
	call_kernel(e, kernel, argv);
	LLVMBuildRetVoid(e->b);
	free(argv);
	return true;
}
