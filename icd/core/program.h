/* SPDX-License-Identifier: MIT */
/* Program objects. Compilation for the devices arrives with the compiler
 * (compiler/); until then the device reports no compiler and builds fail with
 * CL_COMPILER_NOT_AVAILABLE. */
#ifndef SVMGPU_PROGRAM_H
#define SVMGPU_PROGRAM_H

#include "object.h"

struct _cl_program {
	struct svmgpu_object obj;
	cl_context context;
	cl_uint num_devices;
	cl_device_id *devices;
	char *source;
	char *options;
	char *log;
	cl_build_status build_status;
	cl_program_binary_type binary_type;
};

static inline bool svmgpu_program_valid(cl_program p)
{
	return svmgpu_object_is(p, SVMGPU_MAGIC_PROGRAM);
}

#endif
