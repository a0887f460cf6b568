/* SPDX-License-Identifier: MIT */
/* The code generators: LLVM bitcode to a native object for the host CPU, or
 * to PTX for NVIDIA GPUs, through the LLVM-C API.
 *
 * They live in a plugin, libsvmgpu-codegen.so (codegen.c, codegen_ptx.c,
 * codegen_meta.c, codegen_plugin.c), that the runtime loads on first use
 * (codegen_loader.c): the OpenCL library itself does not link LLVM, so it
 * loads fast and works where LLVM is missing (building then answers
 * CL_COMPILER_NOT_AVAILABLE; cached programs and binaries still load). */
#ifndef SVMGPU_CODEGEN_H
#define SVMGPU_CODEGEN_H

#include "compiler.h"

/* svmgpu's PTX built-in library: beside svmgpu-builtins.bc. */
#define SVMGPU_PTX_BUILTINS_NAME "svmgpu-ptx-builtins.bc"

/* Links bitcode modules into one (clLinkProgram -create-library). */
cl_int svmgpu_codegen_link_bitcode(size_t n, const void *const *bcs, const size_t *sizes,
				   void **out, size_t *out_size, char **log);

/* Links the modules with the built-in library, adds the launchers and emits
 * an object. *kernels gets the kernels' metadata (launcher not yet set),
 * *globals_size the bytes of the program's program-scope variables
 * (CL_PROGRAM_BUILD_GLOBAL_VARIABLE_TOTAL_SIZE). */
cl_int svmgpu_codegen(size_t n, const void *const *bcs, const size_t *sizes, bool optimize,
		      struct svmgpu_kernel_meta **kernels, uint32_t *num_kernels, void **obj,
		      size_t *obj_size, uint64_t *globals_size, char **log);

/* Links nvptx64 modules with svmgpu's PTX built-in library and libclc and
 * emits PTX for arch ("sm_90"): *ptx is NUL-terminated, *ptx_size without
 * the NUL. */
cl_int svmgpu_codegen_ptx(size_t n, const void *const *bcs, const size_t *sizes, bool optimize,
			  const char *arch, struct svmgpu_kernel_meta **kernels,
			  uint32_t *num_kernels, char **ptx, size_t *ptx_size,
			  uint64_t *globals_size, char **log);

/* Whether the PTX libraries are there. */
bool svmgpu_codegen_ptx_available(void);

/* Identifies the code generator and the host CPU, for cache keys. */
const char *svmgpu_codegen_id(void);

/* Whether the plugin loads (runtime side only). */
bool svmgpu_codegen_available(void);

/* The plugin's one exported symbol, SVMGPU_CODEGEN_PLUGIN_SYMBOL. */
#define SVMGPU_CODEGEN_PLUGIN_SYMBOL "svmgpu_codegen_plugin"
#define SVMGPU_CODEGEN_PLUGIN_NAME "libsvmgpu-codegen.so"
#define SVMGPU_CODEGEN_PLUGIN_VERSION 2

struct svmgpu_codegen_plugin {
	uint32_t version; /* SVMGPU_CODEGEN_PLUGIN_VERSION */
	uint32_t abi;     /* SVMGPU_KERNEL_ABI_VERSION */
	const char *(*id)(void);
	cl_int (*link_bitcode)(size_t n, const void *const *bcs, const size_t *sizes, void **out,
			       size_t *out_size, char **log);
	cl_int (*host)(size_t n, const void *const *bcs, const size_t *sizes, bool optimize,
		       struct svmgpu_kernel_meta **kernels, uint32_t *num_kernels, void **obj,
		       size_t *obj_size, uint64_t *globals_size, char **log);
	cl_int (*ptx)(size_t n, const void *const *bcs, const size_t *sizes, bool optimize,
		      const char *arch, struct svmgpu_kernel_meta **kernels, uint32_t *num_kernels,
		      char **ptx, size_t *ptx_size, uint64_t *globals_size, char **log);
	bool (*ptx_available)(void);
};

#endif
