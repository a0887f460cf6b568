/* SPDX-License-Identifier: MIT */
/* Inside the code generator plugin (libsvmgpu-codegen.so): helpers the host
 * and PTX code generators share (codegen_meta.c). */
#ifndef SVMGPU_CODEGEN_LLVM_H
#define SVMGPU_CODEGEN_LLVM_H

#include "binary.h"
#include "codegen.h"

#include <llvm-c/Core.h>
#include <llvm-c/TargetMachine.h>
#include <llvm-c/Transforms/PassBuilder.h>

/* clang gives OpenCL kernels this calling convention on every target. */
#define SPIR_KERNEL_CC 76

static inline bool cg_is_kernel(LLVMValueRef f)
{
	return LLVMGetFunctionCallConv(f) == SPIR_KERNEL_CC && !LLVMIsDeclaration(f);
}

/* Appends fmt (one %s: arg) to *log. */
void cg_append_log(char **log, const char *fmt, const char *arg);
/* Bitcode to a module of ctx; NULL (and a log line) when it is not bitcode. */
LLVMModuleRef cg_parse(LLVMContextRef ctx, const void *bc, size_t size, char **log);
/* Links every module into the first; LLVM's errors go to *log. NULL on failure. */
LLVMModuleRef cg_link_all(LLVMContextRef ctx, size_t n, const void *const *bcs,
			  const size_t *sizes, char **log);
/* codegen_library.c: links the bitcode library bc (which must stay in
 * memory for the process) into m: the functions m can reach only, once the
 * library has been seen whole by an earlier link in the process. */
bool cg_link_library(LLVMContextRef ctx, LLVMModuleRef m, const void *bc, size_t size,
		     char **log);
/* The kind of the enum or type attribute `name` ("noalias", "byval"...). */
unsigned cg_attr_kind(const char *name);
/* Parameter i's enum attribute `name` of fn, or NULL. */
LLVMAttributeRef cg_param_attr(LLVMValueRef fn, unsigned i, const char *name);
/* SVMGPU_DEBUG is set: the plugin says on stderr how it compiled each kernel
 * (it has no access to the runtime's log). */
bool cg_debugging(void);
/* fn marked alwaysinline (and no longer noinline), for the always-inliner. */
void cg_force_inline(LLVMContextRef ctx, LLVMValueRef fn);
/* from's function, return and parameter attributes on to (same parameter
 * list), those keep() accepts (keep NULL: all). */
void cg_copy_attributes(LLVMValueRef from, LLVMValueRef to, bool (*keep)(LLVMAttributeRef a));
/* The name of the function a call calls directly, or NULL. */
const char *cg_callee_name(LLVMValueRef call);
/* One kernel's metadata; false when out of memory. */
bool cg_fill_meta(LLVMContextRef ctx, LLVMTargetDataRef td, LLVMValueRef fn,
		  struct svmgpu_kernel_meta *k);
uint32_t cg_count_kernels(LLVMModuleRef m);
/* Every kernel's metadata, in module order. */
cl_int cg_collect_kernels(LLVMContextRef ctx, LLVMModuleRef m, LLVMTargetDataRef td,
			  struct svmgpu_kernel_meta **out, uint32_t *num);
/* printf calls to the CUDA driver's vprintf (codegen_ptx_printf.c); false
 * when out of memory. */
bool cg_ptx_lower_printf(LLVMContextRef ctx, LLVMModuleRef m, LLVMTargetDataRef td);
/* Defines the module's SVMGPU_LOCAL_VAR_SYMBOL (codegen_local.c), after
 * its __local variables became thread-local. */
void cg_add_local_var_query(LLVMContextRef ctx, LLVMModuleRef m, LLVMTargetDataRef td);
/* The bytes of the program's own program-scope variables in the global
 * address space (1 on both targets), before any library is linked. */
uint64_t cg_globals_size(LLVMModuleRef m, LLVMTargetDataRef td);
/* Every definition internal but those keep() accepts. */
void cg_internalise(LLVMModuleRef m, bool (*keep)(LLVMValueRef v));
/* Functions called and defined nowhere: unresolved(name) gives a log line
 * format (one %s: the name) for those the target cannot resolve, NULL for
 * the others. False when any could not be. */
bool cg_check_unresolved(LLVMModuleRef m, const char *(*unresolved)(const char *name),
			 char **log);
/* The last steps of both code generators: verifies the module, optimises it,
 * checks what stays unresolved, emits it as `type` into *out (malloc'd,
 * NUL-terminated after *size bytes). CL_SUCCESS, CL_BUILD_PROGRAM_FAILURE
 * (the log says why) or CL_OUT_OF_HOST_MEMORY. */
cl_int cg_emit(LLVMModuleRef m, LLVMTargetMachineRef tm, bool optimize,
	       const char *(*unresolved)(const char *name), LLVMCodeGenFileType type,
	       char **out, size_t *size, char **log);
/* LLVM's pass pipeline `pipeline` over m; on failure, a log line made of
 * `failed` (one %s: LLVM's message). */
bool cg_run_pipeline(LLVMModuleRef m, LLVMTargetMachineRef tm, const char *pipeline,
		     bool vectorize, const char *failed, char **log);
/* The standard O3 (or O0) pipeline for tm's target. */
bool cg_run_passes(LLVMModuleRef m, LLVMTargetMachineRef tm, bool optimize, char **log);

#endif
