// SPDX-License-Identifier: MIT
/* printf on the cuda device: each call becomes a call of the CUDA driver's
 * device-side vprintf(format, arguments), which the driver links into every
 * module and whose output appears when the launch is synchronised. The
 * variadic arguments (already promoted by clang: float to double, small
 * integers to int) are stored into a private buffer, each at its natural
 * alignment, as vprintf expects; pointers (%s, %p) are passed as generic
 * addresses. OpenCL's vector conversions (%v4f) are not supported there. */
#include "codegen_llvm.h"

#include <stdlib.h>

#define PTX_VPRINTF "vprintf"

/* The printf calls, collected first: lowering removes them. */
static LLVMValueRef *printf_calls(LLVMValueRef fn, size_t *n)
{
	LLVMValueRef *calls = NULL;
	size_t cap = 0;

	*n = 0;
	for (LLVMUseRef u = LLVMGetFirstUse(fn); u; u = LLVMGetNextUse(u)) {
		LLVMValueRef user = LLVMGetUser(u);

		if (!LLVMIsACallInst(user) || LLVMGetCalledValue(user) != fn)
			continue;
		if (*n == cap) {
			LLVMValueRef *more = realloc(calls, (cap = cap ? 2 * cap : 8) * sizeof(*calls));

			if (!more) {
				free(calls);
				*n = 0;
				return NULL;
			}
			calls = more;
		}
		calls[(*n)++] = user;
	}
	return calls;
}

static void lower_call(LLVMContextRef ctx, LLVMTargetDataRef td, LLVMBuilderRef b,
		       LLVMValueRef vprintf, LLVMTypeRef vty, LLVMValueRef call)
{
	LLVMTypeRef ptr = LLVMPointerTypeInContext(ctx, 0), i8 = LLVMInt8TypeInContext(ctx);
	LLVMTypeRef i64 = LLVMInt64TypeInContext(ctx);
	unsigned n = (unsigned)LLVMGetNumArgOperands(call);
	LLVMValueRef fn = LLVMGetBasicBlockParent(LLVMGetInstructionParent(call));
	LLVMBasicBlockRef entry = LLVMGetEntryBasicBlock(fn);
	unsigned long long size = 0, align = 8;
	LLVMValueRef buf = LLVMConstNull(ptr), args[2], repl;

	for (unsigned i = 1; i < n; i++) {
		LLVMTypeRef t = LLVMTypeOf(LLVMGetOperand(call, i));
		unsigned long long s = LLVMGetTypeKind(t) == LLVMPointerTypeKind
					       ? 8 : LLVMABISizeOfType(td, t);
		unsigned long long a = LLVMGetTypeKind(t) == LLVMPointerTypeKind
					       ? 8 : LLVMABIAlignmentOfType(td, t);

		size = (size + a - 1) / a * a + s;
		if (a > align)
			align = a;
	}
	if (size) {
		LLVMPositionBuilderBefore(b, LLVMGetFirstInstruction(entry));
		buf = LLVMBuildAlloca(b, LLVMArrayType2(i8, size), "printf.args");
		LLVMSetAlignment(buf, (unsigned)align);
	}
	LLVMPositionBuilderBefore(b, call);
	size = 0;
	for (unsigned i = 1; i < n; i++) {
		LLVMValueRef v = LLVMGetOperand(call, i), off, slot;
		LLVMTypeRef t = LLVMTypeOf(v);
		bool is_ptr = LLVMGetTypeKind(t) == LLVMPointerTypeKind;
		unsigned long long s = is_ptr ? 8 : LLVMABISizeOfType(td, t);
		unsigned long long a = is_ptr ? 8 : LLVMABIAlignmentOfType(td, t);

		size = (size + a - 1) / a * a;
		if (is_ptr && LLVMGetPointerAddressSpace(t) != 0)
			v = LLVMBuildAddrSpaceCast(b, v, ptr, "");
		off = LLVMConstInt(i64, size, 0);
		slot = LLVMBuildGEP2(b, i8, buf, &off, 1, "");
		LLVMSetAlignment(LLVMBuildStore(b, v, slot), (unsigned)a);
		size += s;
	}
	args[0] = LLVMGetOperand(call, 0);
	if (LLVMGetPointerAddressSpace(LLVMTypeOf(args[0])) != 0)
		args[0] = LLVMBuildAddrSpaceCast(b, args[0], ptr, "");
	args[1] = buf;
	repl = LLVMBuildCall2(b, vty, vprintf, args, 2, "");
	LLVMReplaceAllUsesWith(call, repl);
	LLVMInstructionEraseFromParent(call);
}

bool cg_ptx_lower_printf(LLVMContextRef ctx, LLVMModuleRef m, LLVMTargetDataRef td)
{
	LLVMValueRef fn = LLVMGetNamedFunction(m, "printf"), vprintf, *calls;
	LLVMTypeRef ptr = LLVMPointerTypeInContext(ctx, 0), params[2] = {ptr, ptr}, vty;
	LLVMBuilderRef b;
	size_t n;

	if (!fn)
		return true;
	calls = printf_calls(fn, &n);
	if (!calls)
		return n == 0;
	vty = LLVMFunctionType(LLVMInt32TypeInContext(ctx), params, 2, 0);
	vprintf = LLVMGetNamedFunction(m, PTX_VPRINTF);
	if (!vprintf)
		vprintf = LLVMAddFunction(m, PTX_VPRINTF, vty);
	b = LLVMCreateBuilderInContext(ctx);
	for (size_t i = 0; i < n; i++)
		lower_call(ctx, td, b, vprintf, vty, calls[i]);
	LLVMDisposeBuilder(b);
	free(calls);
	return true;
}
