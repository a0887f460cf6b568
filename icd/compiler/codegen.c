// SPDX-License-Identifier: MIT
/* Code generation in process, with the LLVM-C API.
 *
 * The front end's module is linked with the built-in library. Each kernel
 * (spir_kernel) gets a launcher with the C calling convention (kernel_abi.h):
 * the loop form sets the work-item state and calls the kernel once per
 * work-item, so that after inlining the optimiser sees a plain loop it can
 * vectorise; the fiber form runs one work-item. __local variables become
 * thread-local. Everything but the launchers is internalised, then the
 * standard O3 pipeline runs and the module is emitted for the host CPU. */
#include "codegen_llvm.h"
#include "builtins_path.h"

#include <llvm-c/BitReader.h>
#include <llvm-c/BitWriter.h>
#include <llvm-c/Core.h>
#include <llvm-c/Linker.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>
#include <llvm-c/Transforms/PassBuilder.h>

#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define LOCAL_AS 3

static pthread_once_t llvm_once = PTHREAD_ONCE_INIT;
static char *host_cpu, *host_features, *host_triple, *codegen_id;

static void llvm_init(void)
{
	unsigned major, minor, patch;
	struct stat st = {0};
	Dl_info self;

	LLVMInitializeNativeTarget();
	LLVMInitializeNativeAsmPrinter();
	host_triple = LLVMGetDefaultTargetTriple();
	host_cpu = LLVMGetHostCPUName();
	host_features = LLVMGetHostCPUFeatures();
	LLVMGetVersion(&major, &minor, &patch);
	/* This plugin's own build too: new code generation means new code. */
	if (dladdr((void *)llvm_init, &self) && self.dli_fname)
		stat(self.dli_fname, &st);
	if (asprintf(&codegen_id, "llvm%u.%u.%u|%s|%s|%s|%lld|%lld", major, minor, patch,
		     host_triple, host_cpu, host_features, (long long)st.st_size,
		     (long long)st.st_mtime) < 0)
		codegen_id = NULL;
}

const char *svmgpu_codegen_id(void)
{
	pthread_once(&llvm_once, llvm_init);
	return codegen_id ? codegen_id : "";
}

/* ---- analysis ---- */

/* Does fn reach the work-group synchronisation of the built-in library? */
static bool reaches_sync(LLVMValueRef fn, LLVMValueRef sync, LLVMValueRef *seen, size_t *nseen,
			 size_t cap)
{
	if (fn == sync)
		return true;
	for (size_t i = 0; i < *nseen; i++)
		if (seen[i] == fn)
			return false;
	if (*nseen < cap)
		seen[(*nseen)++] = fn;
	for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb; bb = LLVMGetNextBasicBlock(bb)) {
		for (LLVMValueRef in = LLVMGetFirstInstruction(bb); in;
		     in = LLVMGetNextInstruction(in)) {
			LLVMValueRef callee;

			if (!LLVMIsACallInst(in))
				continue;
			callee = LLVMGetCalledValue(in);
			if (callee && LLVMIsAFunction(callee) &&
			    (callee == sync || (!LLVMIsDeclaration(callee) &&
						reaches_sync(callee, sync, seen, nseen, cap))))
				return true;
		}
	}
	return false;
}

/* Kernels are called with the C convention from the launchers (and from
 * other kernels). */
static void use_c_convention(LLVMModuleRef m)
{
	for (LLVMValueRef f = LLVMGetFirstFunction(m); f; f = LLVMGetNextFunction(f)) {
		if (LLVMGetFunctionCallConv(f) == SPIR_KERNEL_CC)
			LLVMSetFunctionCallConv(f, LLVMCCallConv);
		for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(f); bb;
		     bb = LLVMGetNextBasicBlock(bb))
			for (LLVMValueRef in = LLVMGetFirstInstruction(bb); in;
			     in = LLVMGetNextInstruction(in))
				if (LLVMIsACallInst(in) &&
				    LLVMGetInstructionCallConv(in) == SPIR_KERNEL_CC)
					LLVMSetInstructionCallConv(in, LLVMCCallConv);
	}
}

/* Every function is compiled for the host CPU, so that the built-ins
 * (compiled for generic x86-64) inline into kernels. */
static void set_host_attributes(LLVMContextRef ctx, LLVMValueRef f)
{
	LLVMAttributeRef cpu = LLVMCreateStringAttribute(ctx, "target-cpu", 10, host_cpu,
							  (unsigned)strlen(host_cpu));
	LLVMAttributeRef feat = LLVMCreateStringAttribute(ctx, "target-features", 15,
							   host_features,
							   (unsigned)strlen(host_features));

	LLVMAddAttributeAtIndex(f, LLVMAttributeFunctionIndex, cpu);
	LLVMAddAttributeAtIndex(f, LLVMAttributeFunctionIndex, feat);
}

/* Integer division by zero (and INT_MIN / -1) has an undefined result in
 * OpenCL C but must not trap as x86 does: such a divisor becomes 1. */
static bool divisor_is_safe(LLVMValueRef d)
{
	if (!LLVMIsAConstantInt(d))
		return false;
	return LLVMConstIntGetZExtValue(d) != 0 && LLVMConstIntGetSExtValue(d) != -1;
}

static LLVMValueRef splat(LLVMTypeRef t, LLVMValueRef scalar)
{
	unsigned n;
	LLVMValueRef *v, r;

	if (LLVMGetTypeKind(t) != LLVMVectorTypeKind)
		return scalar;
	n = LLVMGetVectorSize(t);
	v = malloc(n * sizeof(*v));
	if (!v)
		return NULL;
	for (unsigned i = 0; i < n; i++)
		v[i] = scalar;
	r = LLVMConstVector(v, n);
	free(v);
	return r;
}

static void guard_division(LLVMBuilderRef b, LLVMValueRef in)
{
	LLVMOpcode op = LLVMGetInstructionOpcode(in);
	bool is_signed = op == LLVMSDiv || op == LLVMSRem;
	LLVMValueRef num = LLVMGetOperand(in, 0), d = LLVMGetOperand(in, 1), bad, one;
	LLVMTypeRef t = LLVMTypeOf(d);
	LLVMTypeRef et = LLVMGetTypeKind(t) == LLVMVectorTypeKind ? LLVMGetElementType(t) : t;
	unsigned bits = LLVMGetIntTypeWidth(et);

	if (divisor_is_safe(d))
		return;
	LLVMPositionBuilderBefore(b, in);
	one = splat(t, LLVMConstInt(et, 1, 0));
	bad = LLVMBuildICmp(b, LLVMIntEQ, d, LLVMConstNull(t), "");
	if (is_signed) {
		LLVMValueRef min = splat(t, LLVMConstInt(et, 1ull << (bits - 1), 0));
		LLVMValueRef ovf = LLVMBuildAnd(b,
			LLVMBuildICmp(b, LLVMIntEQ, d, LLVMConstAllOnes(t), ""),
			LLVMBuildICmp(b, LLVMIntEQ, num, min, ""), "");

		bad = LLVMBuildOr(b, bad, ovf, "");
	}
	LLVMSetOperand(in, 1, LLVMBuildSelect(b, bad, one, d, "safe.divisor"));
}

static void guard_divisions(LLVMModuleRef m, LLVMBuilderRef b)
{
	for (LLVMValueRef f = LLVMGetFirstFunction(m); f; f = LLVMGetNextFunction(f))
		for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(f); bb;
		     bb = LLVMGetNextBasicBlock(bb))
			for (LLVMValueRef in = LLVMGetFirstInstruction(bb); in;
			     in = LLVMGetNextInstruction(in)) {
				LLVMOpcode op = LLVMGetInstructionOpcode(in);

				if (op == LLVMSDiv || op == LLVMUDiv || op == LLVMSRem ||
				    op == LLVMURem)
					guard_division(b, in);
			}
}

/* ---- launchers ---- */

struct launcher_env {
	LLVMContextRef ctx;
	LLVMModuleRef m;
	LLVMBuilderRef b;
	LLVMTypeRef i64, ptr, voidt;
	LLVMValueRef wi;          /* the thread-local work-item state */
	LLVMValueRef tls_address; /* llvm.threadlocal.address.p0 */
	LLVMTypeRef tls_address_type;
};

static LLVMValueRef byte_gep(struct launcher_env *e, LLVMValueRef base, size_t offset)
{
	LLVMValueRef idx = LLVMConstInt(e->i64, offset, 0);

	return LLVMBuildGEP2(e->b, LLVMInt8TypeInContext(e->ctx), base, &idx, 1, "");
}

static LLVMValueRef load_i64(struct launcher_env *e, LLVMValueRef base, size_t offset)
{
	return LLVMBuildLoad2(e->b, e->i64, byte_gep(e, base, offset), "");
}

static LLVMValueRef wi_state(struct launcher_env *e)
{
	LLVMValueRef arg = e->wi;

	return LLVMBuildCall2(e->b, e->tls_address_type, e->tls_address, &arg, 1, "wi");
}

static void set_local_id(struct launcher_env *e, int dim, LLVMValueRef v)
{
	LLVMBuildStore(e->b, v, byte_gep(e, wi_state(e),
					 offsetof(struct svmgpu_wi_state, local_id) + 8 * (size_t)dim));
}

/* Loads the kernel's arguments from args[] and calls it. */
static void call_kernel(struct launcher_env *e, LLVMValueRef kernel, LLVMValueRef *argv)
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
}

static LLVMValueRef *load_args(struct launcher_env *e, LLVMValueRef kernel, LLVMValueRef args)
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
	LLVMValueRef dim = LLVMBuildLoad2(e->b, LLVMInt32TypeInContext(e->ctx),
					  byte_gep(e, ctx, offsetof(struct svmgpu_wg_ctx, work_dim)),
					  "");

	LLVMBuildStore(e->b, LLVMBuildZExt(e->b, dim, e->i64, ""),
		       byte_gep(e, wi_state(e), g + offsetof(struct svmgpu_wi_geometry, work_dim)));
	for (size_t i = 0; i < 18; i++)
		LLVMBuildStore(e->b,
			       load_i64(e, ctx, offsetof(struct svmgpu_wg_ctx, global_offset) + 8 * i),
			       byte_gep(e, wi_state(e),
					g + offsetof(struct svmgpu_wi_geometry, global_offset) + 8 * i));
}

static LLVMValueRef new_launcher(struct launcher_env *e, LLVMValueRef kernel, const char *prefix,
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
	set_host_attributes(e->ctx, f);
	LLVMPositionBuilderAtEnd(e->b, LLVMAppendBasicBlockInContext(e->ctx, f, "entry"));
	*args = LLVMGetParam(f, 0);
	*ctxp = LLVMGetParam(f, 1);
	LLVMBuildStore(e->b, *ctxp, byte_gep(e, wi_state(e), offsetof(struct svmgpu_wi_state, ctx)));
	copy_geometry(e, *ctxp);
	return f;
}

/* for (z) for (y) for (x) { local_id = (x, y, z); kernel(args); } with every
 * local size at least 1. */
static bool build_loop_launcher(struct launcher_env *e, LLVMValueRef kernel)
{
	LLVMValueRef args, wgctx, *argv, n[3], iv[3], f;
	LLVMBasicBlockRef head[3], latch[3], entry, exit;

	f = new_launcher(e, kernel, SVMGPU_LAUNCH_WG_PREFIX, &args, &wgctx);
	if (!f)
		return false;
	argv = load_args(e, kernel, args);
	if (!argv)
		return false;
	for (int d = 0; d < 3; d++)
		n[d] = load_i64(e, wgctx, offsetof(struct svmgpu_wg_ctx, local_size) + 8 * (size_t)d);
	entry = LLVMGetInsertBlock(e->b);
	for (int d = 2; d >= 0; d--) {
		head[d] = LLVMAppendBasicBlockInContext(e->ctx, f, "head");
		latch[d] = LLVMAppendBasicBlockInContext(e->ctx, f, "latch");
	}
	exit = LLVMAppendBasicBlockInContext(e->ctx, f, "exit");
	LLVMBuildBr(e->b, head[2]);
	for (int d = 2; d >= 0; d--) {
		LLVMBasicBlockRef from = d == 2 ? entry : head[d + 1];

		LLVMPositionBuilderAtEnd(e->b, head[d]);
		iv[d] = LLVMBuildPhi(e->b, e->i64, "lid");
		LLVMAddIncoming(iv[d], (LLVMValueRef[]){LLVMConstInt(e->i64, 0, 0)}, &from, 1);
		set_local_id(e, d, iv[d]);
		if (d > 0)
			LLVMBuildBr(e->b, head[d - 1]);
	}
	call_kernel(e, kernel, argv);
	LLVMBuildBr(e->b, latch[0]);
	for (int d = 0; d < 3; d++) {
		LLVMValueRef next, more;

		LLVMPositionBuilderAtEnd(e->b, latch[d]);
		next = LLVMBuildAdd(e->b, iv[d], LLVMConstInt(e->i64, 1, 0), "");
		more = LLVMBuildICmp(e->b, LLVMIntULT, next, n[d], "");
		LLVMAddIncoming(iv[d], &next, &latch[d], 1);
		LLVMBuildCondBr(e->b, more, head[d], d < 2 ? latch[d + 1] : exit);
	}
	LLVMPositionBuilderAtEnd(e->b, exit);
	LLVMBuildRetVoid(e->b);
	free(argv);
	return true;
}

/* One work-item: the executor has put its local id in ctx->local_id. */
static bool build_fiber_launcher(struct launcher_env *e, LLVMValueRef kernel)
{
	LLVMValueRef args, wgctx, *argv;

	if (!new_launcher(e, kernel, SVMGPU_LAUNCH_WI_PREFIX, &args, &wgctx))
		return false;
	for (int d = 0; d < 3; d++)
		set_local_id(e, d, load_i64(e, wgctx, offsetof(struct svmgpu_wg_ctx, local_id) +
							  8 * (size_t)d));
	argv = load_args(e, kernel, args);
	if (!argv)
		return false;
	call_kernel(e, kernel, argv);
	LLVMBuildRetVoid(e->b);
	free(argv);
	return true;
}

static bool is_launcher(const char *name)
{
	return !strncmp(name, SVMGPU_LAUNCH_WG_PREFIX, strlen(SVMGPU_LAUNCH_WG_PREFIX)) ||
	       !strncmp(name, SVMGPU_LAUNCH_WI_PREFIX, strlen(SVMGPU_LAUNCH_WI_PREFIX));
}

/* Only the launchers stay visible: what the executor looks up. */
static bool keep_launcher(LLVMValueRef v)
{
	size_t len;

	return LLVMIsAFunction(v) && is_launcher(LLVMGetValueName2(v, &len));
}

/* Neither in the program, nor in the built-in library, nor in the C library
 * that the built-ins call (which the shared object links against, and which
 * this process has loaded). */
static const char *host_unresolved(const char *name)
{
	if (!strncmp(name, "_Z", 2))
		return "svmgpu: no built-in function %s\n";
	return dlsym(RTLD_DEFAULT, name) ? NULL : "svmgpu: undefined function %s\n";
}

/* __local variables: one copy per work-group, i.e. per thread. */
static uint64_t localise(LLVMModuleRef m, LLVMTargetDataRef td)
{
	uint64_t total = 0;

	for (LLVMValueRef g = LLVMGetFirstGlobal(m); g; g = LLVMGetNextGlobal(g)) {
		if (LLVMIsDeclaration(g) || LLVMGetPointerAddressSpace(LLVMTypeOf(g)) != LOCAL_AS)
			continue;
		LLVMSetThreadLocal(g, 1);
		total += LLVMABISizeOfType(td, LLVMGlobalGetValueType(g));
	}
	return total;
}

static LLVMTargetMachineRef host_machine(bool optimize)
{
	LLVMTargetRef target;
	char *err = NULL;

	if (LLVMGetTargetFromTriple(host_triple, &target, &err)) {
		LLVMDisposeMessage(err);
		return NULL;
	}
	return LLVMCreateTargetMachine(target, host_triple, host_cpu, host_features,
				       optimize ? LLVMCodeGenLevelAggressive : LLVMCodeGenLevelNone,
				       LLVMRelocPIC, LLVMCodeModelDefault);
}

static bool link_builtins(LLVMContextRef ctx, LLVMModuleRef m, char **log)
{
	size_t size;
	const void *bc = svmgpu_builtins_bitcode(&size);
	LLVMModuleRef lib;

	if (!bc) {
		cg_append_log(log, "svmgpu: the built-in library was not found (%s)\n",
			   svmgpu_builtins_path());
		return false;
	}
	lib = cg_parse(ctx, bc, size, log);
	if (!lib)
		return false;
	LLVMSetTarget(lib, LLVMGetTarget(m));
	if (LLVMLinkModules2(m, lib)) {
		cg_append_log(log, "%s", "svmgpu: the program redefines a built-in function\n");
		return false;
	}
	return true;
}

cl_int svmgpu_codegen(size_t n, const void *const *bcs, const size_t *sizes, bool optimize,
		      struct svmgpu_kernel_meta **kernels_out, uint32_t *num_kernels, void **obj,
		      size_t *obj_size, uint64_t *globals_size, char **log)
{
	LLVMContextRef ctx;
	LLVMModuleRef m;
	LLVMTargetMachineRef tm = NULL;
	LLVMTargetDataRef td = NULL;
	struct svmgpu_kernel_meta *kernels = NULL;
	uint32_t nk = 0;
	cl_int err = CL_BUILD_PROGRAM_FAILURE;
	struct launcher_env e = {0};
	LLVMValueRef sync, seen[256];
	uint64_t local_total;
	char *dl;
	size_t len;

	pthread_once(&llvm_once, llvm_init);
	*kernels_out = NULL;
	*num_kernels = 0;
	*obj = NULL;
	ctx = LLVMContextCreate();
	m = cg_link_all(ctx, n, bcs, sizes, log);
	if (!m)
		goto out;
	LLVMSetTarget(m, host_triple);
	if (!link_builtins(ctx, m, log))
		goto out;
	tm = host_machine(optimize);
	if (!tm)
		goto out;
	td = LLVMCreateTargetDataLayout(tm);
	dl = LLVMCopyStringRepOfTargetData(td);
	LLVMSetDataLayout(m, dl);
	LLVMDisposeMessage(dl);

	err = cg_collect_kernels(ctx, m, td, &kernels, &nk);
	if (err) {
		nk = 0;
		goto out;
	}
	err = CL_BUILD_PROGRAM_FAILURE;
	sync = LLVMGetNamedFunction(m, SVMGPU_WG_SYNC_SYMBOL);
	for (uint32_t i = 0; i < nk; i++) {
		size_t nseen = 0;
		LLVMValueRef f = LLVMGetNamedFunction(m, kernels[i].name);

		kernels[i].uses_barrier = sync && reaches_sync(f, sync, seen, &nseen, 256);
	}
	*globals_size = cg_globals_size(m, td);
	local_total = localise(m, td);
	cg_add_local_var_query(ctx, m, td);
	use_c_convention(m);
	for (LLVMValueRef f = LLVMGetFirstFunction(m); f; f = LLVMGetNextFunction(f))
		if (!LLVMIsDeclaration(f))
			set_host_attributes(ctx, f);

	e.ctx = ctx;
	e.m = m;
	e.b = LLVMCreateBuilderInContext(ctx);
	e.i64 = LLVMInt64TypeInContext(ctx);
	e.ptr = LLVMPointerTypeInContext(ctx, 0);
	e.voidt = LLVMVoidTypeInContext(ctx);
	e.wi = LLVMGetNamedGlobal(m, SVMGPU_WI_STATE_SYMBOL);
	if (!e.wi) {
		cg_append_log(log, "%s", "svmgpu: the built-in library has no work-item state\n");
		goto out_builder;
	}
	e.tls_address = LLVMGetIntrinsicDeclaration(
		m, LLVMLookupIntrinsicID("llvm.threadlocal.address", 24), &e.ptr, 1);
	e.tls_address_type = LLVMIntrinsicGetType(
		ctx, LLVMLookupIntrinsicID("llvm.threadlocal.address", 24), &e.ptr, 1);
	for (uint32_t i = 0; i < nk; i++) {
		LLVMValueRef f = LLVMGetNamedFunction(m, kernels[i].name);
		bool ok = kernels[i].uses_barrier ? build_fiber_launcher(&e, f)
						  : build_loop_launcher(&e, f);

		kernels[i].local_mem_size = local_total;
		if (!ok) {
			err = CL_OUT_OF_HOST_MEMORY;
			goto out_builder;
		}
	}
	guard_divisions(m, e.b);
	cg_internalise(m, keep_launcher);
	err = cg_emit(m, tm, optimize, host_unresolved, LLVMObjectFile, (char **)obj, obj_size,
		      log);
	if (err)
		goto out_builder;
	*kernels_out = kernels;
	*num_kernels = nk;
	kernels = NULL;
	err = CL_SUCCESS;
out_builder:
	LLVMDisposeBuilder(e.b);
out:
	(void)len;
	if (td)
		LLVMDisposeTargetData(td);
	if (tm)
		LLVMDisposeTargetMachine(tm);
	if (m)
		LLVMDisposeModule(m);
	LLVMContextDispose(ctx);
	svmgpu_kernel_meta_free(kernels, nk);
	return err;
}

/* copy_geometry relies on the context's arrays being laid out as the state's. */
_Static_assert(offsetof(struct svmgpu_wg_ctx, group_id) -
		       offsetof(struct svmgpu_wg_ctx, global_offset) ==
		       offsetof(struct svmgpu_wi_geometry, group_id) -
		       offsetof(struct svmgpu_wi_geometry, global_offset),
	       "context and work-item geometry layouts differ");
