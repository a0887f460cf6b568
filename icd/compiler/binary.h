/* SPDX-License-Identifier: MIT */
/* svmgpu program binaries: a header, the kernels' metadata (executables)
 * and a payload (LLVM bitcode for objects and libraries, a shared object for
 * executables). What clGetProgramInfo(CL_PROGRAM_BINARIES) returns and the
 * on-disk cache stores. */
#ifndef SVMGPU_BINARY_H
#define SVMGPU_BINARY_H

#include "compiler.h"

/* A new binary (malloc'd); NULL when out of memory. */
void *svmgpu_binary_pack(enum svmgpu_binary_kind kind, const struct svmgpu_kernel_meta *k,
			 uint32_t num_kernels, uint64_t globals_size, const void *payload,
			 size_t payload_size, size_t *size);

/* Reads a binary: its payload (pointing into it) and, for executables, the
 * kernels (malloc'd, free with svmgpu_kernel_meta_free) and the size of the
 * program-scope variables (globals_size may be NULL). */
enum svmgpu_binary_kind svmgpu_binary_unpack(const void *binary, size_t size,
					     struct svmgpu_kernel_meta **k, uint32_t *num_kernels,
					     uint64_t *globals_size, const void **payload,
					     size_t *payload_size);

/* binary_object.c: a compiled object or library (kind) holding bitcode for
 * each ISA whose bcs[isa] is not NULL; NULL when out of memory. */
void *svmgpu_object_pack(enum svmgpu_binary_kind kind, const void *const bcs[SVMGPU_ISA_COUNT],
			 const size_t sizes[SVMGPU_ISA_COUNT], size_t *size);
/* An object's or library's bitcode for isa (*bc NULL when it has none);
 * SVMGPU_BINARY_INVALID when the binary is neither or is damaged. */
enum svmgpu_binary_kind svmgpu_object_bitcode(const void *binary, size_t size,
					      enum svmgpu_isa isa, const void **bc,
					      size_t *bc_size);

/* Frees what svmgpu_binary_unpack and the code generators return. */
void svmgpu_kernel_meta_free(struct svmgpu_kernel_meta *k, uint32_t n);

#endif
