/* SPDX-License-Identifier: MIT */
/* Program objects. A program holds at most one result of the compiler
 * (compiler/): an executable (one module per ISA its devices run: host code
 * for the CPU device, PTX for cuda devices), or a compiled object or
 * library that clLinkProgram takes as input (host only). The build state is
 * the program's, shared by its devices. */
#ifndef SVMGPU_PROGRAM_H
#define SVMGPU_PROGRAM_H

#include "compiler.h"
#include "object.h"
#include <pthread.h>

/* A loaded executable, shared by the program, its kernels and the commands
 * that run them: a rebuild replaces the program's while kernels created
 * before it and commands still queued keep theirs. */
struct svmgpu_exe {
	atomic_uint refs;
	struct svmgpu_module *by_isa[SVMGPU_ISA_COUNT]; /* owned; NULL where no device needs it */
	/* The first of by_isa: its metadata is the kernels' (every module of
	 * an executable comes from the same source). */
	struct svmgpu_module *module;
	/* Work-groups must be uniform (OpenCL C 1.x, -cl-uniform-work-group-size). */
	bool uniform_wg;
};

void svmgpu_exe_retain(struct svmgpu_exe *e);
void svmgpu_exe_release(struct svmgpu_exe *e);

enum svmgpu_program_origin {
	SVMGPU_PROGRAM_FROM_SOURCE,
	SVMGPU_PROGRAM_FROM_BINARY,
	SVMGPU_PROGRAM_LINKED,
};

struct _cl_program {
	struct svmgpu_object obj;
	cl_context context;
	cl_uint num_devices;
	cl_device_id *devices;
	enum svmgpu_program_origin origin;
	char *source; /* NULL unless created from source; never changes */

	/* The build state, under lock: builds may race with each other, with
	 * clCreateKernel and with the info queries. */
	pthread_mutex_t lock;
	char *options;
	char *log;
	cl_build_status build_status;
	cl_program_binary_type binary_type;
	struct svmgpu_exe *exe; /* binary_type EXECUTABLE */
	void *object;           /* binary_type COMPILED_OBJECT or LIBRARY */
	size_t object_size;
	bool uniform_wg;        /* of the object: what a link passes on */
	char *kernel_names;     /* of exe, ';' separated */
	cl_uint num_kernels;    /* kernel objects attached: no rebuild while any */
};

static inline bool svmgpu_program_valid(cl_program p)
{
	return svmgpu_object_is(p, SVMGPU_MAGIC_PROGRAM);
}

/* Shared by api/program.c and api/program_build.c. */
cl_program svmgpu_program_new(cl_context ctx, cl_uint num_devices, const cl_device_id *devices,
			      enum svmgpu_program_origin origin, cl_int *err);
bool svmgpu_program_has_device(cl_program p, cl_device_id d);
/* CL_INVALID_VALUE / CL_INVALID_DEVICE for a device list that does not fit. */
cl_int svmgpu_check_device_list(cl_context ctx, cl_uint num_devices, const cl_device_id *list,
				bool required);
/* Takes the modules (array of SVMGPU_ISA_COUNT, some NULL, not all). */
struct svmgpu_exe *svmgpu_exe_new(struct svmgpu_module *const *modules, bool uniform_wg);
/* The ISAs the program's devices run, as a bit mask (1 << isa). */
unsigned svmgpu_program_isas(cl_program p);
/* The same for a list of devices. */
unsigned svmgpu_devices_isas(cl_uint n, const cl_device_id *devs);
/* CL_PROGRAM_KERNEL_NAMES of a module, malloc'd. */
char *svmgpu_kernel_names(const struct svmgpu_module *m);

/* For kernel objects: attach one to the program's executable (a new
 * reference to it in *exe), CL_INVALID_PROGRAM_EXECUTABLE when none was
 * built; detach when the kernel goes. */
cl_int svmgpu_program_attach(cl_program p, struct svmgpu_exe **exe);
void svmgpu_program_detach(cl_program p);

#endif
