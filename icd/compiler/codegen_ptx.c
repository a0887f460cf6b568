// SPDX-License-Identifier: MIT
/* Code generation for the cuda device: LLVM bitcode from the front end
 * (nvptx64-nvidia-cuda) to PTX text, with the LLVM-C API.
 *
 * The program is linked with svmgpu's PTX built-in library first (its
 * definitions are strong, libclc's work-item functions weak, so ours win)
 * and then with libclc's nvptx64--nvidiacl built-ins. Everything but the
 * kernels and the launch geometry (__svmgpu_geom, which the runtime writes
 * before each grid) is internalised, the standard pipeline runs for the GPU
 * (NVPTX registers NVVMReflect and its own passes), and the module is
 * emitted as PTX for the requested architecture. */
#include "codegen_llvm.h"
#include "builtins_path.h"

#include <llvm-c/Linker.h>
#include <llvm-c/Target.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define PTX_TRIPLE "nvptx64-nvidia-cuda"
#define PTX_GEOMETRY_SYMBOL "__svmgpu_geom"
#define PTX_DYNAMIC_SHARED_SYMBOL "__svmgpu_dynamic_local"
#define PTX_LOCAL_AS 3

#ifndef SVMGPU_LIBCLC_NVPTX
#define SVMGPU_LIBCLC_NVPTX "/usr/lib/clc/nvptx64--nvidiacl.bc"
#endif

static pthread_once_t ptx_once = PTHREAD_ONCE_INIT;
static bool ptx_ready;

static void ptx_init(void)
{
	LLVMInitializeNVPTXTargetInfo();
	LLVMInitializeNVPTXTarget();
	LLVMInitializeNVPTXTargetMC();
	LLVMInitializeNVPTXAsmPrinter();
	ptx_ready = true;
}

/* libclc's bitcode: $SVMGPU_LIBCLC, else where Debian's libclc-19 has it. */
static const char *libclc_path(void)
{
	const char *env = getenv("SVMGPU_LIBCLC");

	return env && *env ? env : SVMGPU_LIBCLC_NVPTX;
}

static void *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	void *buf = NULL;

	if (!f)
		return NULL;
	if (!fstat(fileno(f), &st) && st.st_size > 0 && (buf = malloc((size_t)st.st_size)) &&
	    fread(buf, 1, (size_t)st.st_size, f) == (size_t)st.st_size) {
		*size = (size_t)st.st_size;
	} else {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

/* The libraries' bitcode, read once per process: cg_link_library keeps
 * an index of each by its address. */
#define MAX_FILES 4
static struct {
	char *path;
	void *bc;
	size_t size;
} files[MAX_FILES];
static pthread_mutex_t files_lock = PTHREAD_MUTEX_INITIALIZER;

static const void *library_file(const char *path, size_t *size)
{
	const void *bc = NULL;
	size_t i;

	pthread_mutex_lock(&files_lock);
	for (i = 0; i < MAX_FILES && files[i].path; i++)
		if (!strcmp(files[i].path, path))
			break;
	if (i < MAX_FILES && !files[i].path) {
		files[i].bc = read_file(path, &files[i].size);
		files[i].path = files[i].bc ? strdup(path) : NULL;
		if (!files[i].path) {
			free(files[i].bc);
			files[i].bc = NULL;
		}
	}
	if (i < MAX_FILES && files[i].path) {
		bc = files[i].bc;
		*size = files[i].size;
	}
	pthread_mutex_unlock(&files_lock);
	return bc;
}

static bool link_file(LLVMContextRef ctx, LLVMModuleRef m, const char *path, const char *what,
		      char **log)
{
	size_t size = 0;
	const void *bc = library_file(path, &size);
	char line[4400];

	if (!bc) {
		snprintf(line, sizeof(line), "%s (%s)", what, path);
		cg_append_log(log, "svmgpu: cannot read %s\n", line);
		return false;
	}
	return cg_link_library(ctx, m, bc, size, log);
}

bool svmgpu_codegen_ptx_available(void)
{
	struct stat st;
	char path[4200];

	svmgpu_builtins_sibling(SVMGPU_PTX_BUILTINS_NAME, path, sizeof(path));
	return stat(libclc_path(), &st) == 0 && stat(path, &st) == 0;
}

static bool link_libraries(LLVMContextRef ctx, LLVMModuleRef m, char **log)
{
	char path[4200];

	svmgpu_builtins_sibling(SVMGPU_PTX_BUILTINS_NAME, path, sizeof(path));
	return link_file(ctx, m, path, "svmgpu's PTX built-in library", log) &&
	       link_file(ctx, m, libclc_path(), "libclc", log);
}

static bool has_local_param(LLVMValueRef f)
{
	for (unsigned i = 0; i < LLVMCountParams(f); i++) {
		LLVMTypeRef t = LLVMTypeOf(LLVMGetParam(f, i));

		if (LLVMGetTypeKind(t) == LLVMPointerTypeKind &&
		    LLVMGetPointerAddressSpace(t) == PTX_LOCAL_AS)
			return true;
	}
	return false;
}

/* A kernel with __local pointer parameters gets an entry of its own that
 * takes, for each of them, an offset into the block's dynamic shared
 * memory (what the runtime passes, devices/cuda/cuda_launch.c) and calls
 * the kernel's body with the address there. Where the dynamic area starts
 * in the shared window is the driver's business, so the PTX asks for it by
 * name (an extern .shared array) instead of the runtime guessing. */
static void wrap_local_params(LLVMContextRef ctx, LLVMModuleRef m, LLVMValueRef body)
{
	LLVMTypeRef fty = LLVMGlobalGetValueType(body), i8 = LLVMInt8TypeInContext(ctx);
	LLVMTypeRef i64 = LLVMInt64TypeInContext(ctx);
	unsigned n = LLVMCountParams(body);
	LLVMValueRef dyn = LLVMGetNamedGlobal(m, PTX_DYNAMIC_SHARED_SYMBOL), entry, call;
	LLVMValueRef *args = calloc(n ? n : 1, sizeof(*args));
	LLVMBuilderRef b;
	size_t len;
	char *name = strdup(LLVMGetValueName2(body, &len)), *body_name;

	if (!args || !name || asprintf(&body_name, "__svmgpu_body_%s", name) < 0) {
		free(args);
		free(name);
		return;
	}
	if (!dyn) {
		dyn = LLVMAddGlobalInAddressSpace(m, LLVMArrayType2(i8, 0),
						  PTX_DYNAMIC_SHARED_SYMBOL, PTX_LOCAL_AS);
		LLVMSetAlignment(dyn, 16);
	}
	LLVMSetValueName2(body, body_name, strlen(body_name));
	entry = LLVMAddFunction(m, name, fty);
	/* Metadata (nvvm.annotations' kernel mark) follows to the entry. */
	LLVMReplaceAllUsesWith(body, entry);
	LLVMSetFunctionCallConv(entry, SPIR_KERNEL_CC);
	LLVMSetFunctionCallConv(body, LLVMCCallConv);
	/* clang marks kernels noinline (another kernel may call them): the body
	 * belongs in its entry. */
	cg_force_inline(ctx, body);
	b = LLVMCreateBuilderInContext(ctx);
	LLVMPositionBuilderAtEnd(b, LLVMAppendBasicBlockInContext(ctx, entry, "entry"));
	for (unsigned i = 0; i < n; i++) {
		LLVMValueRef p = LLVMGetParam(entry, i);
		LLVMTypeRef t = LLVMTypeOf(p);
		LLVMAttributeRef byval = cg_param_attr(body, i, "byval");

		args[i] = p;
		if (byval)
			LLVMAddAttributeAtIndex(entry, i + 1, byval);
		if (LLVMGetTypeKind(t) == LLVMPointerTypeKind &&
		    LLVMGetPointerAddressSpace(t) == PTX_LOCAL_AS) {
			LLVMValueRef off = LLVMBuildPtrToInt(b, p, i64, "offset");

			args[i] = LLVMBuildGEP2(b, i8, dyn, &off, 1, "local");
		}
	}
	call = LLVMBuildCall2(b, fty, body, args, n, "");
	LLVMSetInstructionCallConv(call, LLVMCCallConv);
	for (unsigned i = 0; i < n; i++) {
		LLVMAttributeRef byval = cg_param_attr(body, i, "byval");

		if (byval)
			LLVMAddCallSiteAttribute(call, i + 1, byval);
	}
	LLVMBuildRetVoid(b);
	LLVMDisposeBuilder(b);
	free(args);
	free(name);
	free(body_name);
}

/* The kernels are listed first: the entries made are kernels too. */
static bool wrap_kernels(LLVMContextRef ctx, LLVMModuleRef m)
{
	uint32_t n = 0, nk = cg_count_kernels(m);
	LLVMValueRef *k = calloc(nk ? nk : 1, sizeof(*k));

	if (!k)
		return false;
	for (LLVMValueRef f = LLVMGetFirstFunction(m); f && n < nk; f = LLVMGetNextFunction(f))
		if (cg_is_kernel(f) && has_local_param(f))
			k[n++] = f;
	for (uint32_t i = 0; i < n; i++)
		wrap_local_params(ctx, m, k[i]);
	free(k);
	return true;
}

/* The kernels stay visible, and the launch geometry the runtime writes;
 * declarations (the dynamic shared array among them) are left alone. */
static bool keep_ptx(LLVMValueRef v)
{
	size_t len;

	return LLVMIsAFunction(v) ? cg_is_kernel(v)
				  : !strcmp(LLVMGetValueName2(v, &len), PTX_GEOMETRY_SYMBOL);
}

/* What the GPU cannot call: built-ins neither libclc nor svmgpu define, or
 * any other external function, except the libdevice-style helpers the NVPTX
 * back end lowers itself and the driver's device-side vprintf
 * (codegen_ptx_printf.c). */
static const char *ptx_unresolved(const char *name)
{
	if (!strncmp(name, "__nvvm_", 7) || !strcmp(name, "vprintf"))
		return NULL;
	return "svmgpu: the cuda device has no function %s\n";
}

static LLVMTargetMachineRef ptx_machine(const char *arch, bool optimize)
{
	LLVMTargetRef target;
	char *err = NULL;

	if (LLVMGetTargetFromTriple(PTX_TRIPLE, &target, &err)) {
		LLVMDisposeMessage(err);
		return NULL;
	}
	return LLVMCreateTargetMachine(target, PTX_TRIPLE, arch, "",
				       optimize ? LLVMCodeGenLevelAggressive : LLVMCodeGenLevelNone,
				       LLVMRelocDefault, LLVMCodeModelDefault);
}

cl_int svmgpu_codegen_ptx(size_t n, const void *const *bcs, const size_t *sizes, bool optimize,
			  const char *arch, struct svmgpu_kernel_meta **kernels_out,
			  uint32_t *num_kernels, char **ptx, size_t *ptx_size,
			  uint64_t *globals_size, char **log)
{
	LLVMContextRef ctx;
	LLVMModuleRef m;
	LLVMTargetMachineRef tm = NULL;
	LLVMTargetDataRef td = NULL;
	struct svmgpu_kernel_meta *kernels = NULL;
	uint32_t nk = 0;
	cl_int err = CL_BUILD_PROGRAM_FAILURE;
	char *dl;

	pthread_once(&ptx_once, ptx_init);
	*kernels_out = NULL;
	*num_kernels = 0;
	*ptx = NULL;
	ctx = LLVMContextCreate();
	m = cg_link_all(ctx, n, bcs, sizes, log);
	if (!m)
		goto out;
	tm = ptx_ready ? ptx_machine(arch, optimize) : NULL;
	if (!tm) {
		cg_append_log(log, "svmgpu: LLVM has no NVPTX target for %s\n", arch);
		goto out;
	}
	td = LLVMCreateTargetDataLayout(tm);
	dl = LLVMCopyStringRepOfTargetData(td);
	LLVMSetDataLayout(m, dl);
	LLVMDisposeMessage(dl);
	LLVMSetTarget(m, PTX_TRIPLE);
	err = cg_collect_kernels(ctx, m, td, &kernels, &nk);
	if (err) {
		nk = 0;
		goto out;
	}
	err = CL_BUILD_PROGRAM_FAILURE;
	*globals_size = cg_globals_size(m, td);
	if (!cg_ptx_lower_printf(ctx, m, td)) {
		err = CL_OUT_OF_HOST_MEMORY;
		goto out;
	}
	if (!link_libraries(ctx, m, log))
		goto out;
	if (!wrap_kernels(ctx, m)) {
		err = CL_OUT_OF_HOST_MEMORY;
		goto out;
	}
	cg_internalise(m, keep_ptx);
	err = cg_emit(m, tm, optimize, ptx_unresolved, LLVMAssemblyFile, ptx, ptx_size, log);
	if (err)
		goto out;
	*kernels_out = kernels;
	*num_kernels = nk;
	kernels = NULL;
	err = CL_SUCCESS;
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
