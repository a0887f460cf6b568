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

/* What code a module holds: native code for the host CPU (the CPU device,
 * a shared object) or PTX for NVIDIA GPUs (the cuda device). */
enum svmgpu_isa {
	SVMGPU_ISA_HOST,
	SVMGPU_ISA_PTX,
	SVMGPU_ISA_COUNT,
};

/* A device's loaded form of a PTX module (devices/cuda/), created on first
 * use and freed with the module. */
struct svmgpu_module_dev {
	void (*free)(struct svmgpu_module_dev *d);
};

/* A built program for one ISA. */
struct svmgpu_module {
	enum svmgpu_isa isa;
	char arch[16]; /* PTX: the GPU architecture it was built for ("sm_90") */
	void *handle;  /* host: the shared object (dlopen) */
	struct svmgpu_module_dev *dev; /* PTX: the device's loaded module, or NULL */
	uint32_t num_kernels;
	struct svmgpu_kernel_meta *kernels;
	void *binary; /* what CL_PROGRAM_BINARIES returns: loads back with svmgpu_module_load */
	const char *ptx; /* PTX: the NUL-terminated PTX text, inside binary */
	uint64_t globals_size; /* CL_PROGRAM_BUILD_GLOBAL_VARIABLE_TOTAL_SIZE */
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

/* more (malloc'd, may be NULL) appended to *log and freed; nothing kept
 * when log is NULL. */
void svmgpu_log_join(char **log, char *more);

/* Whether programs can be built for isa here: the code generator (LLVM,
 * loaded on first use) and what the ISA links (built-in library, libclc). */
bool svmgpu_compiler_available_for(enum svmgpu_isa isa);

/* clBuildProgram: source to a loaded module. arch: the PTX architecture
 * ("sm_90"), ignored for the host. */
cl_int svmgpu_compile(const char *source, const char *options, enum svmgpu_isa isa,
		      const char *arch, struct svmgpu_module **out, char **log);

/* clCompileProgram: source to an object holding bitcode for each ISA in
 * isas (bit 1 << isa), with a small header. */
cl_int svmgpu_compile_object(const char *source, const char *options, unsigned isas,
			     size_t num_headers, const struct svmgpu_header *headers,
			     void **object, size_t *object_size, char **log);

/* clLinkProgram: objects to a loaded module for each ISA in isas
 * (modules[isa]; arch: the PTX architecture), or (with -create-library) to a
 * library object holding each ISA's linked bitcode, modules all NULL then.
 * CL_INVALID_OPERATION (the log says which) when an object lacks an ISA. */
cl_int svmgpu_link(size_t num_objects, const void *const *objects, const size_t *sizes,
		   const char *options, unsigned isas, const char *arch,
		   struct svmgpu_module **modules, void **library, size_t *library_size,
		   char **log);

/* What a binary holds. */
enum svmgpu_binary_kind {
	SVMGPU_BINARY_INVALID,
	SVMGPU_BINARY_OBJECT,     /* CL_PROGRAM_BINARY_TYPE_COMPILED_OBJECT */
	SVMGPU_BINARY_LIBRARY,    /* CL_PROGRAM_BINARY_TYPE_LIBRARY */
	SVMGPU_BINARY_EXECUTABLE, /* CL_PROGRAM_BINARY_TYPE_EXECUTABLE, host code */
	SVMGPU_BINARY_PTX,        /* CL_PROGRAM_BINARY_TYPE_EXECUTABLE, PTX */
};
enum svmgpu_binary_kind svmgpu_binary_kind(const void *binary, size_t size);
/* The ISAs a compiled object or library holds bitcode for (bit 1 << isa;
 * 0 for anything else). */
unsigned svmgpu_object_isas(const void *binary, size_t size);

/* clCreateProgramWithBinary for an executable (host or PTX):
 * CL_INVALID_BINARY when it is not one of ours. */
cl_int svmgpu_module_load(const void *binary, size_t size, struct svmgpu_module **out);
void svmgpu_module_free(struct svmgpu_module *m);

#endif
