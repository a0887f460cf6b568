// SPDX-License-Identifier: MIT
/* int __svmgpu_is_local_var(const void *p) for a host module: whether p
 * points into one of the module's kernel-scope __local variables, which
 * codegen.c made thread-local (the copies of the group this thread runs).
 * to_local, to_global, to_private and get_fence ask it first
 * (builtins/workitem.c); the executor knows the rest (kernel_abi.h). */
#include "codegen_llvm.h"

#include <string.h>

#define LOCAL_AS 3

void cg_add_local_var_query(LLVMContextRef ctx, LLVMModuleRef m, LLVMTargetDataRef td)
{
	LLVMTypeRef i32 = LLVMInt32TypeInContext(ctx), i64 = LLVMInt64TypeInContext(ctx);
	LLVMTypeRef ptr = LLVMPointerTypeInContext(ctx, 0);
	LLVMTypeRef fty = LLVMFunctionType(i32, &ptr, 1, 0);
	LLVMValueRef fn = LLVMGetNamedFunction(m, SVMGPU_LOCAL_VAR_SYMBOL), p, result;
	LLVMBuilderRef b;

	if (!fn)
		fn = LLVMAddFunction(m, SVMGPU_LOCAL_VAR_SYMBOL, fty);
	/* The built-in library's weak default gives way to this module's. */
	while (LLVMGetFirstBasicBlock(fn))
		LLVMDeleteBasicBlock(LLVMGetFirstBasicBlock(fn));
	LLVMSetLinkage(fn, LLVMExternalLinkage);
	b = LLVMCreateBuilderInContext(ctx);
	LLVMPositionBuilderAtEnd(b, LLVMAppendBasicBlockInContext(ctx, fn, "entry"));
	p = LLVMBuildPtrToInt(b, LLVMGetParam(fn, 0), i64, "p");
	result = LLVMConstInt(i32, 0, 0);
	for (LLVMValueRef g = LLVMGetFirstGlobal(m); g; g = LLVMGetNextGlobal(g)) {
		LLVMTypeRef gty = LLVMTypeOf(g);
		unsigned id = LLVMLookupIntrinsicID("llvm.threadlocal.address", 24);
		LLVMValueRef addr, lo, hi, in;

		if (LLVMIsDeclaration(g) || !LLVMIsThreadLocal(g) ||
		    LLVMGetPointerAddressSpace(gty) != LOCAL_AS)
			continue;
		addr = LLVMBuildCall2(b, LLVMIntrinsicGetType(ctx, id, &gty, 1),
				      LLVMGetIntrinsicDeclaration(m, id, &gty, 1), &g, 1, "");
		lo = LLVMBuildPtrToInt(b, addr, i64, "");
		hi = LLVMBuildAdd(b, lo, LLVMConstInt(i64, LLVMABISizeOfType(td,
						      LLVMGlobalGetValueType(g)), 0), "");
		in = LLVMBuildAnd(b, LLVMBuildICmp(b, LLVMIntUGE, p, lo, ""),
				  LLVMBuildICmp(b, LLVMIntULT, p, hi, ""), "");
		result = LLVMBuildOr(b, result, LLVMBuildZExt(b, in, i32, ""), "");
	}
	LLVMBuildRet(b, result);
	LLVMDisposeBuilder(b);
}
