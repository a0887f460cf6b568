/* SPDX-License-Identifier: MIT */
/* LLVM bitcode to a native object for the host CPU, through the LLVM-C API:
 * link, kernel metadata, launchers, optimisation, code generation. */
#ifndef SVMGPU_CODEGEN_H
#define SVMGPU_CODEGEN_H

#include "compiler.h"

/* Links bitcode modules into one (clLinkProgram -create-library). */
cl_int svmgpu_codegen_link_bitcode(size_t n, const void *const *bcs, const size_t *sizes,
				   void **out, size_t *out_size, char **log);

/* Links the modules with the built-in library, adds the launchers and emits
 * an object. *kernels gets the kernels' metadata (launcher not yet set). */
cl_int svmgpu_codegen(size_t n, const void *const *bcs, const size_t *sizes, bool optimize,
		      struct svmgpu_kernel_meta **kernels, uint32_t *num_kernels, void **obj,
		      size_t *obj_size, char **log);

/* Identifies the code generator and the host CPU, for cache keys. */
const char *svmgpu_codegen_id(void);

void svmgpu_kernel_meta_free(struct svmgpu_kernel_meta *k, uint32_t n);

#endif
