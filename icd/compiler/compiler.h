/* SPDX-License-Identifier: MIT */
/* OpenCL C to native code for the CPU device.
 *
 * clang-19 (a child process) turns OpenCL C into LLVM bitcode; the rest runs
 * in process through the LLVM-C API: the built-in library is linked in, each
 * kernel gets its launchers (see kernel_abi.h), __local variables become
 * thread-local, the module is optimised for the host CPU, emitted as an
 * object and linked into a shared object that is loaded with dlopen.
 * Results are cached on disk (SVMGPU_CACHE_DIR). */
#ifndef SVMGPU_COMPILER_H
#define SVMGPU_COMPILER_H

#include "cl_base.h"
#include "kernel_abi.h"
#include <stdbool.h>
#include <stddef.h>

struct svmgpu_kernel_arg {
	char *name;
	char *type_name;                   /* as CL_KERNEL_ARG_TYPE_NAME */
	cl_kernel_arg_address_qualifier address;
	cl_kernel_arg_access_qualifier access;
	cl_kernel_arg_type_qualifier type_qual;
	uint32_t size;   /* by value: the bytes clSetKernelArg must be given */
	bool is_pointer; /* __global or __constant pointer: a cl_mem or an SVM pointer */
	bool is_local;   /* __local pointer: clSetKernelArg gives a size, value NULL */
};

struct svmgpu_kernel_meta {
	char *name;
	uint32_t num_args;
	struct svmgpu_kernel_arg *args;
	uint64_t reqd_work_group_size[3]; /* zeros when not given */
	uint64_t work_group_size_hint[3];
	char *attributes;                 /* CL_KERNEL_ATTRIBUTES */
	bool uses_barrier;                /* runs in the fiber form */
	uint64_t local_mem_size;          /* kernel-scope __local variables */
	uint64_t private_mem_size;
	svmgpu_launcher_fn launcher;      /* the loop or the fiber form */
};

/* A loaded program for the CPU device. */
struct svmgpu_module {
	void *handle;
	uint32_t num_kernels;
	struct svmgpu_kernel_meta *kernels;
	void *binary; /* what CL_PROGRAM_BINARIES returns: loads back with svmgpu_module_load */
	size_t binary_size;
};

/* An OpenCL C header given to clCompileProgram. */
struct svmgpu_header {
	const char *name;
	const char *source;
};

/* Results: CL_SUCCESS, CL_INVALID_BUILD_OPTIONS (or CL_INVALID_COMPILER_OPTIONS
 * / CL_INVALID_LINKER_OPTIONS for the two-step forms), CL_BUILD_PROGRAM_FAILURE
 * (CL_COMPILE_PROGRAM_FAILURE / CL_LINK_PROGRAM_FAILURE), CL_COMPILER_NOT_AVAILABLE,
 * CL_OUT_OF_HOST_MEMORY. *log (when log is not NULL) receives the compiler's
 * diagnostics, malloc'd, possibly empty; the caller frees it. */

bool svmgpu_compiler_available(void);

/* clBuildProgram: source to a loaded module. */
cl_int svmgpu_compile(const char *source, const char *options, struct svmgpu_module **out,
		      char **log);

/* clCompileProgram: source to an object (bitcode, with a small header). */
cl_int svmgpu_compile_object(const char *source, const char *options, size_t num_headers,
			     const struct svmgpu_header *headers, void **object,
			     size_t *object_size, char **log);

/* clLinkProgram: objects to a loaded module, or (with -create-library) to a
 * library object. *module is NULL in the second case. */
cl_int svmgpu_link(size_t num_objects, const void *const *objects, const size_t *sizes,
		   const char *options, struct svmgpu_module **module, void **library,
		   size_t *library_size, char **log);

/* What a binary holds. */
enum svmgpu_binary_kind {
	SVMGPU_BINARY_INVALID,
	SVMGPU_BINARY_OBJECT,     /* CL_PROGRAM_BINARY_TYPE_COMPILED_OBJECT */
	SVMGPU_BINARY_LIBRARY,    /* CL_PROGRAM_BINARY_TYPE_LIBRARY */
	SVMGPU_BINARY_EXECUTABLE, /* CL_PROGRAM_BINARY_TYPE_EXECUTABLE */
};
enum svmgpu_binary_kind svmgpu_binary_kind(const void *binary, size_t size);

/* clCreateProgramWithBinary for an executable: CL_INVALID_BINARY when it is
 * not one of ours. */
cl_int svmgpu_module_load(const void *binary, size_t size, struct svmgpu_module **out);
void svmgpu_module_free(struct svmgpu_module *m);

#endif
