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
#include "codegen_launch.h"
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
/* Kernels with barriers in the region form (else as fibers): SVMGPU_BARRIERS=fibers
 * turns it off, to compare the two. */
static bool use_regions = true;
/* Loop-form kernels with loops run work-items in lockstep (codegen_coarsen.c):
 * SVMGPU_COARSEN=0 turns it off, to compare. */
static bool use_coarsening = true;

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
	if (getenv("SVMGPU_BARRIERS") && !strcmp(getenv("SVMGPU_BARRIERS"), "fibers"))
		use_regions = false;
	if (getenv("SVMGPU_COARSEN") && !strcmp(getenv("SVMGPU_COARSEN"), "0"))
		use_coarsening = false;
	/* This plugin's own build too: new code generation means new code. */
	if (dladdr((void *)llvm_init, &self) && self.dli_fname)
		stat(self.dli_fname, &st);
	if (asprintf(&codegen_id, "llvm%u.%u.%u|%s|%s|%s|%lld|%lld|%s%s", major, minor, patch,
		     host_triple, host_cpu, host_features, (long long)st.st_size,
		     (long long)st.st_mtime, use_regions ? "regions" : "fibers",
		     use_coarsening ? "" : "|plain") < 0)
		codegen_id = NULL;
}

const char *svmgpu_codegen_id(void)
{
	pthread_once(&llvm_once, llvm_init);
	return codegen_id ? codegen_id : "";
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

/* SVMGPU_DEBUG: how each kernel with barriers runs (the plugin has no access
 * to the runtime's log, which writes to stderr as well). */
static void debug_form(const char *kernel, const struct region_info *ri)
{
	if (!cg_debugging())
		return;
	if (ri)
		fprintf(stderr, "svmgpu: kernel %s: region form, %u barriers, %llu bytes per "
			"work-item and %llu per group (uniform) across them\n", kernel,
			ri->barriers, (unsigned long long)ri->frame_size,
			(unsigned long long)ri->uniform_size);
	else
		fprintf(stderr, "svmgpu: kernel %s: fiber form\n", kernel);
}

/* SVMGPU_DEBUG: which kernels with loops run coarsened, and why not. */
static void debug_coarsened(const char *kernel, unsigned factor, const char *why)
{
	if (!cg_debugging())
		return;
	if (factor)
		fprintf(stderr, "svmgpu: kernel %s: %u work-items in lockstep (coarsened)\n",
			kernel, factor);
	else if (why)
		fprintf(stderr, "svmgpu: kernel %s: not coarsened: %s\n", kernel, why);
}

/* What the launchers will need besides the kernels: the runtime's own
 * symbols of the built-in library (work-item state, synchronisation). */
static bool keep_kernel_or_runtime(LLVMValueRef v)
{
	size_t len;
	const char *name = LLVMGetValueName2(v, &len);

	return (LLVMIsAFunction(v) && LLVMGetFunctionCallConv(v) == SPIR_KERNEL_CC) ||
	       !strncmp(name, "__svmgpu", 8);
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

	if (!bc) {
		cg_append_log(log, "svmgpu: the built-in library was not found (%s)\n",
			      svmgpu_builtins_path());
		return false;
	}
	return cg_link_library(ctx, m, bc, size, log);
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
	bool any_barrier = false, regions;
	struct item_loop *loops = NULL;
	LLVMValueRef *looped = NULL;
	size_t nloops = 0;
	uint64_t local_total;
	char *dl;

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
	*globals_size = cg_globals_size(m, td); /* used or not */
	err = CL_BUILD_PROGRAM_FAILURE;
	/* Most of the built-in library is not used: dropped before any pass
	 * walks it (verifying and optimising it cost more than the program). */
	cg_internalise(m, keep_kernel_or_runtime);
	if (!cg_run_pipeline(m, tm, "globaldce", false, "svmgpu: dead code removal failed: %s\n",
			     log))
		goto out;
	e.ctx = ctx;
	e.m = m;
	e.td = td;
	e.b = LLVMCreateBuilderInContext(ctx);
	e.i8 = LLVMInt8TypeInContext(ctx);
	e.i32 = LLVMInt32TypeInContext(ctx);
	e.i64 = LLVMInt64TypeInContext(ctx);
	e.ptr = LLVMPointerTypeInContext(ctx, 0);
	e.voidt = LLVMVoidTypeInContext(ctx);
	e.host_cpu = host_cpu;
	e.host_features = host_features;
	e.sync = LLVMGetNamedFunction(m, SVMGPU_WG_SYNC_SYMBOL);
	for (uint32_t i = 0; i < nk; i++) {
		kernels[i].uses_barrier =
			cg_reaches_sync(&e, LLVMGetNamedFunction(m, kernels[i].name));
		any_barrier |= kernels[i].uses_barrier;
	}
	local_total = localise(m, td);
	cg_add_local_var_query(ctx, m, td);
	use_c_convention(m);
	for (LLVMValueRef f = LLVMGetFirstFunction(m); f; f = LLVMGetNextFunction(f))
		if (!LLVMIsDeclaration(f))
			cg_set_host_attributes(&e, f);

	e.wi = LLVMGetNamedGlobal(m, SVMGPU_WI_STATE_SYMBOL);
	if (!e.wi) {
		cg_append_log(log, "%s", "svmgpu: the built-in library has no work-item state\n");
		goto out_builder;
	}
	e.tls_address = LLVMGetIntrinsicDeclaration(
		m, LLVMLookupIntrinsicID("llvm.threadlocal.address", 24), &e.ptr, 1);
	e.tls_address_type = LLVMIntrinsicGetType(
		ctx, LLVMLookupIntrinsicID("llvm.threadlocal.address", 24), &e.ptr, 1);
	regions = optimize && any_barrier && use_regions &&
		  cg_inline_sync_paths(&e, tm, log);
	loops = calloc(nk + 1, sizeof(*loops));
	looped = calloc(nk + 1, sizeof(*looped));
	if (!loops || !looped) {
		err = CL_OUT_OF_HOST_MEMORY;
		goto out_builder;
	}
	/* Loop launchers first: combining atomics inlines their kernels with
	 * the always-inliner, which need not reach the region functions: the
	 * optimiser inlines those after simplifying them (inlined early, their
	 * work-item loops had stopped vectorising, see unify_returns). */
	for (uint32_t i = 0; i < nk; i++)
		if (!kernels[i].uses_barrier)
			looped[nloops++] = LLVMGetNamedFunction(m, kernels[i].name);
	if (optimize && use_coarsening && !cg_prepare_coarsening(&e, tm, looped, nloops, log))
		goto out_builder;
	nloops = 0;
	for (uint32_t i = 0; i < nk; i++) {
		LLVMValueRef f = LLVMGetNamedFunction(m, kernels[i].name), coarse = NULL;
		unsigned factor = 0;
		const char *why = NULL;

		kernels[i].local_mem_size = local_total;
		if (kernels[i].uses_barrier)
			continue;
		if (optimize && use_coarsening)
			coarse = cg_coarsen_kernel(&e, f, &factor, &why);
		looped[nloops] = f;
		if (!cg_build_loop_launcher(&e, f, coarse, factor, &loops[nloops])) {
			err = CL_OUT_OF_HOST_MEMORY;
			goto out_builder;
		}
		/* Atomics are combined in the plain loops only (coarsening
		 * leaves kernels with atomics alone). */
		debug_coarsened(kernels[i].name, factor, why);
		if (!coarse)
			nloops++;
	}
	if (optimize && !cg_combine_atomics(&e, tm, loops, looped, nloops, log))
		goto out_builder;
	for (uint32_t i = 0; i < nk; i++) {
		LLVMValueRef f = LLVMGetNamedFunction(m, kernels[i].name);
		struct region_info ri;
		bool ok;

		if (!kernels[i].uses_barrier)
			continue;
		if (regions && cg_build_region_launcher(&e, f, &ri)) {
			ok = true;
			kernels[i].uses_barrier = false;
			debug_form(kernels[i].name, &ri);
		} else {
			ok = cg_build_fiber_launcher(&e, f);
			debug_form(kernels[i].name, NULL);
		}
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
	free(loops);
	free(looped);
out:
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
