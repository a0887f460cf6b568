/* SPDX-License-Identifier: MIT */
/* Kernel objects: one kernel of a program's executable and the argument
 * values set so far. An enqueue copies the values (api/enqueue_kernel.c), so
 * later clSetKernelArg calls never reach a queued command. */
#ifndef SVMGPU_KERNEL_H
#define SVMGPU_KERNEL_H

#include "object.h"
#include "program.h"

struct svmgpu_kernel_meta;

enum svmgpu_karg_kind {
	SVMGPU_KARG_UNSET,
	SVMGPU_KARG_VALUE, /* by value: bytes in values[offset] */
	SVMGPU_KARG_MEM,   /* a buffer (mem retained) or a NULL buffer (mem NULL) */
	SVMGPU_KARG_SVM,   /* any pointer, from clSetKernelArgSVMPointer */
	SVMGPU_KARG_LOCAL, /* a __local pointer: local_size bytes per work-group */
};

struct svmgpu_karg {
	enum svmgpu_karg_kind kind;
	cl_mem mem;
	void *ptr;         /* MEM and SVM: the pointer the kernel receives */
	size_t local_size; /* LOCAL */
	size_t offset;     /* VALUE: where the bytes are in values */
};

/* By-value arguments start at this alignment or their size's power of two,
 * whichever is smaller: enough for any OpenCL C type (long16 is 128 bytes). */
#define SVMGPU_KARG_MAX_ALIGN 128

struct _cl_kernel {
	struct svmgpu_object obj;
	cl_program program; /* retained */
	cl_context context;
	struct svmgpu_exe *exe; /* retained: meta lives in it */
	const struct svmgpu_kernel_meta *meta;
	struct svmgpu_karg *args;
	unsigned char *values;  /* SVMGPU_KARG_MAX_ALIGN aligned */
	size_t values_size;
	cl_uint num_unset;
	uint64_t local_args_size; /* sum of the __local arguments' sizes */
	void **svm_ptrs;          /* CL_KERNEL_EXEC_INFO_SVM_PTRS */
	size_t num_svm_ptrs;
	cl_bool svm_fine_grain_system;
};

static inline bool svmgpu_kernel_valid(cl_kernel k)
{
	return svmgpu_object_is(k, SVMGPU_MAGIC_KERNEL);
}

/* CL_KERNEL_WORK_GROUP_SIZE on dev: the device's maximum, or the product of
 * reqd_work_group_size when the kernel gives one. */
size_t svmgpu_kernel_wg_size(cl_kernel k, cl_device_id dev);

#endif
