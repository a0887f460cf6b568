// SPDX-License-Identifier: MIT
/* Kernel objects: creation from a built program, argument values, exec info
 * and the kernel queries. A kernel holds its program (retained and attached:
 * no rebuild while it lives) and the program's executable, whose metadata
 * (compiler/compiler.h) says what each argument is. */
#include "compiler/compiler.h"
#include "context.h"
#include "device.h"
#include "device_desc.h"
#include "info.h"
#include "kernel.h"
#include "log.h"
#include "mem.h"
#include "program.h"
#include <stdlib.h>
#include <string.h>

static size_t value_align(size_t size)
{
	size_t a = 1;

	while (a < size && a < SVMGPU_KARG_MAX_ALIGN)
		a <<= 1;
	return a;
}

static void kernel_free(cl_kernel k)
{
	free(k->args);
	free(k->values);
	free(k->svm_ptrs);
	svmgpu_exe_release(k->exe);
	svmgpu_program_detach(k->program);
	clReleaseProgram(k->program);
	free(k);
}

/* A kernel of the executable exe of program p, to which the caller attached
 * (svmgpu_program_attach): the kernel takes that attachment and reference
 * over, and gives them back itself if it fails. */
static cl_kernel kernel_new(cl_program p, struct svmgpu_exe *exe,
			    const struct svmgpu_kernel_meta *meta, cl_int *err)
{
	cl_kernel k = calloc(1, sizeof(*k));
	size_t off = 0;

	if (!k) {
		svmgpu_exe_release(exe);
		svmgpu_program_detach(p);
		*err = SVMGPU_ERR(CL_OUT_OF_HOST_MEMORY, "kernel");
		return NULL;
	}
	svmgpu_object_init(&k->obj, SVMGPU_MAGIC_KERNEL);
	clRetainProgram(p);
	k->program = p;
	k->context = p->context;
	k->exe = exe;
	k->meta = meta;
	k->num_unset = meta->num_args;
	k->args = calloc(meta->num_args ? meta->num_args : 1, sizeof(*k->args));
	for (cl_uint i = 0; i < meta->num_args; i++) {
		const struct svmgpu_kernel_arg *a = &meta->args[i];

		if (a->is_pointer || a->is_local)
			continue;
		off = (off + value_align(a->size) - 1) & ~(value_align(a->size) - 1);
		if (k->args)
			k->args[i].offset = off;
		off += a->size;
	}
	k->values_size = (off + SVMGPU_KARG_MAX_ALIGN - 1) & ~(size_t)(SVMGPU_KARG_MAX_ALIGN - 1);
	if (k->values_size)
		k->values = aligned_alloc(SVMGPU_KARG_MAX_ALIGN, k->values_size);
	if (!k->args || (k->values_size && !k->values)) {
		kernel_free(k);
		*err = SVMGPU_ERR(CL_OUT_OF_HOST_MEMORY, "kernel arguments");
		return NULL;
	}
	*err = CL_SUCCESS;
	return k;
}

static const struct svmgpu_kernel_meta *find_kernel(struct svmgpu_exe *exe, const char *name)
{
	for (uint32_t i = 0; i < exe->module->num_kernels; i++)
		if (strcmp(exe->module->kernels[i].name, name) == 0)
			return &exe->module->kernels[i];
	return NULL;
}

SVMGPU_API cl_kernel CL_API_CALL clCreateKernel(cl_program program, const char *kernel_name,
						cl_int *errcode_ret)
{
	const struct svmgpu_kernel_meta *meta;
	struct svmgpu_exe *exe;
	cl_kernel k;
	cl_int err;

	if (!svmgpu_program_valid(program))
		return svmgpu_fail(errcode_ret, SVMGPU_ERR(CL_INVALID_PROGRAM,
							   "%p is not a program", (void *)program));
	err = svmgpu_program_attach(program, &exe);
	if (err)
		return svmgpu_fail(errcode_ret, err);
	meta = kernel_name ? find_kernel(exe, kernel_name) : NULL;
	if (!meta) {
		svmgpu_exe_release(exe);
		svmgpu_program_detach(program);
		if (!kernel_name)
			return svmgpu_fail(errcode_ret,
					   SVMGPU_ERR(CL_INVALID_VALUE, "kernel_name is NULL"));
		return svmgpu_fail(errcode_ret, SVMGPU_ERR(CL_INVALID_KERNEL_NAME,
							   "no kernel \"%s\" in the program",
							   kernel_name));
	}
	k = kernel_new(program, exe, meta, &err);
	svmgpu_set_err(errcode_ret, err);
	return k;
}

SVMGPU_API cl_int CL_API_CALL clCreateKernelsInProgram(cl_program program, cl_uint num_kernels,
						       cl_kernel *kernels,
						       cl_uint *num_kernels_ret)
{
	struct svmgpu_exe *exe, *e;
	cl_uint n;
	cl_int err;

	if (!svmgpu_program_valid(program))
		return SVMGPU_ERR(CL_INVALID_PROGRAM, "%p is not a program", (void *)program);
	/* Attached for the duration: the executable cannot change meanwhile. */
	err = svmgpu_program_attach(program, &exe);
	if (err)
		return err;
	n = exe->module->num_kernels;
	if (kernels && num_kernels < n) {
		err = SVMGPU_ERR(CL_INVALID_VALUE, "num_kernels %u < %u kernels", num_kernels, n);
		n = 0;
	}
	for (cl_uint i = 0; kernels && i < n && !err; i++) {
		err = svmgpu_program_attach(program, &e);
		if (!err)
			kernels[i] = kernel_new(program, e, &e->module->kernels[i], &err);
		if (err)
			while (i--)
				clReleaseKernel(kernels[i]);
	}
	if (!err && num_kernels_ret)
		*num_kernels_ret = n;
	svmgpu_exe_release(exe);
	svmgpu_program_detach(program);
	return err;
}

SVMGPU_API cl_int CL_API_CALL clRetainKernel(cl_kernel kernel)
{
	if (!svmgpu_kernel_valid(kernel))
		return SVMGPU_ERR(CL_INVALID_KERNEL, "%p is not a kernel", (void *)kernel);
	svmgpu_object_retain(kernel);
	return CL_SUCCESS;
}

SVMGPU_API cl_int CL_API_CALL clReleaseKernel(cl_kernel kernel)
{
	if (!svmgpu_kernel_valid(kernel))
		return SVMGPU_ERR(CL_INVALID_KERNEL, "%p is not a kernel", (void *)kernel);
	if (svmgpu_object_release(kernel))
		kernel_free(kernel);
	return CL_SUCCESS;
}

SVMGPU_API cl_kernel CL_API_CALL clCloneKernel(cl_kernel source_kernel, cl_int *errcode_ret)
{
	cl_kernel s = source_kernel, k;
	struct svmgpu_exe *exe;
	cl_int err;

	if (!svmgpu_kernel_valid(s))
		return svmgpu_fail(errcode_ret, SVMGPU_ERR(CL_INVALID_KERNEL, "%p is not a kernel",
							   (void *)s));
	/* The source is attached: the program still has this executable. */
	err = svmgpu_program_attach(s->program, &exe);
	if (err)
		return svmgpu_fail(errcode_ret, err);
	k = kernel_new(s->program, exe, s->meta, &err);
	if (!k)
		return svmgpu_fail(errcode_ret, err);
	if (s->num_svm_ptrs) {
		k->svm_ptrs = malloc(s->num_svm_ptrs * sizeof(void *));
		if (!k->svm_ptrs) {
			kernel_free(k);
			return svmgpu_fail(errcode_ret, SVMGPU_ERR(CL_OUT_OF_HOST_MEMORY, "clone"));
		}
		memcpy(k->svm_ptrs, s->svm_ptrs, s->num_svm_ptrs * sizeof(void *));
		k->num_svm_ptrs = s->num_svm_ptrs;
	}
	memcpy(k->args, s->args, s->meta->num_args * sizeof(*k->args));
	if (s->values_size)
		memcpy(k->values, s->values, s->values_size);
	k->num_unset = s->num_unset;
	k->local_args_size = s->local_args_size;
	k->svm_fine_grain_system = s->svm_fine_grain_system;
	svmgpu_set_err(errcode_ret, CL_SUCCESS);
	return k;
}

/* Gives argument i its new kind. A buffer argument is not retained: the
 * application may release it and expect its destructor callbacks (the
 * conformance tests do); an enqueue retains what it uses, and one after the
 * buffer is gone is refused (CL_INVALID_KERNEL_ARGS). */
static void arg_set(cl_kernel k, cl_uint i, enum svmgpu_karg_kind kind, cl_mem mem, void *ptr,
		    size_t local_size)
{
	struct svmgpu_karg *a = &k->args[i];

	if (a->kind == SVMGPU_KARG_UNSET)
		k->num_unset--;
	if (a->kind == SVMGPU_KARG_LOCAL)
		k->local_args_size -= a->local_size;
	a->kind = kind;
	a->mem = mem;
	a->ptr = ptr;
	a->local_size = local_size;
	k->local_args_size += local_size;
}

SVMGPU_API cl_int CL_API_CALL clSetKernelArg(cl_kernel kernel, cl_uint arg_index,
					     size_t arg_size, const void *arg_value)
{
	const struct svmgpu_kernel_arg *a;

	if (!svmgpu_kernel_valid(kernel))
		return SVMGPU_ERR(CL_INVALID_KERNEL, "%p is not a kernel", (void *)kernel);
	if (arg_index >= kernel->meta->num_args)
		return SVMGPU_ERR(CL_INVALID_ARG_INDEX, "argument %u of a %u-argument kernel",
				  arg_index, kernel->meta->num_args);
	a = &kernel->meta->args[arg_index];
	if (a->is_local) {
		if (arg_value)
			return SVMGPU_ERR(CL_INVALID_ARG_VALUE, "argument %u is __local: the value "
					  "must be NULL", arg_index);
		if (!arg_size)
			return SVMGPU_ERR(CL_INVALID_ARG_SIZE, "argument %u is __local: the size "
					  "must not be 0", arg_index);
		arg_set(kernel, arg_index, SVMGPU_KARG_LOCAL, NULL, NULL, arg_size);
	} else if (a->is_pointer) {
		cl_mem m = arg_value ? *(const cl_mem *)arg_value : NULL;

		if (arg_size != sizeof(cl_mem))
			return SVMGPU_ERR(CL_INVALID_ARG_SIZE, "argument %u is a buffer: size %zu "
					  "is not sizeof(cl_mem)", arg_index, arg_size);
		if (m && (!svmgpu_mem_valid(m) || m->type != CL_MEM_OBJECT_BUFFER))
			return SVMGPU_ERR(CL_INVALID_MEM_OBJECT, "argument %u: %p is not a buffer",
					  arg_index, (void *)m);
		if (m && m->context != kernel->context)
			return SVMGPU_ERR(CL_INVALID_MEM_OBJECT, "argument %u: a buffer of another "
					  "context", arg_index);
		/* A sub-buffer's data already starts at its origin. */
		arg_set(kernel, arg_index, SVMGPU_KARG_MEM, m, m ? m->data : NULL, 0);
	} else {
		if (arg_size != a->size)
			return SVMGPU_ERR(CL_INVALID_ARG_SIZE, "argument %u (%s) has %u bytes, not "
					  "%zu", arg_index, a->type_name ? a->type_name : "?",
					  a->size, arg_size);
		if (!arg_value)
			return SVMGPU_ERR(CL_INVALID_ARG_VALUE, "argument %u: value is NULL",
					  arg_index);
		memcpy(kernel->values + kernel->args[arg_index].offset, arg_value, arg_size);
		arg_set(kernel, arg_index, SVMGPU_KARG_VALUE, NULL, NULL, 0);
	}
	return CL_SUCCESS;
}

static bool context_svm_caps(cl_context c, cl_device_svm_capabilities caps)
{
	for (cl_uint i = 0; i < c->num_devices; i++)
		if (c->devices[i]->svm_caps & caps)
			return true;
	return false;
}

#define ANY_SVM (CL_DEVICE_SVM_COARSE_GRAIN_BUFFER | CL_DEVICE_SVM_FINE_GRAIN_BUFFER | \
		 CL_DEVICE_SVM_FINE_GRAIN_SYSTEM)

/* Any pointer value goes: the devices share the host's address space and
 * report fine-grain system SVM, so even interior or malloc'd pointers (or
 * ones the kernel never dereferences) are valid arguments. */
SVMGPU_API cl_int CL_API_CALL clSetKernelArgSVMPointer(cl_kernel kernel, cl_uint arg_index,
						       const void *arg_value)
{
	if (!svmgpu_kernel_valid(kernel))
		return SVMGPU_ERR(CL_INVALID_KERNEL, "%p is not a kernel", (void *)kernel);
	if (arg_index >= kernel->meta->num_args)
		return SVMGPU_ERR(CL_INVALID_ARG_INDEX, "argument %u of a %u-argument kernel",
				  arg_index, kernel->meta->num_args);
	if (!kernel->meta->args[arg_index].is_pointer)
		return SVMGPU_ERR(CL_INVALID_ARG_VALUE, "argument %u is not a global or constant "
				  "pointer", arg_index);
	if (!context_svm_caps(kernel->context, ANY_SVM))
		return SVMGPU_ERR(CL_INVALID_OPERATION, "no device of the context supports SVM");
	arg_set(kernel, arg_index, SVMGPU_KARG_SVM, NULL, (void *)arg_value, 0);
	return CL_SUCCESS;
}

/* Kernels reach every SVM pointer directly: the list is kept for the
 * queries' sake, nothing else needs it. */
SVMGPU_API cl_int CL_API_CALL clSetKernelExecInfo(cl_kernel kernel,
						  cl_kernel_exec_info param_name,
						  size_t param_value_size,
						  const void *param_value)
{
	void **ptrs = NULL;
	size_t n;

	if (!svmgpu_kernel_valid(kernel))
		return SVMGPU_ERR(CL_INVALID_KERNEL, "%p is not a kernel", (void *)kernel);
	switch (param_name) {
	case CL_KERNEL_EXEC_INFO_SVM_PTRS:
		/* An empty list (0, NULL) clears the one set before (as the
		 * conformance tests expect). */
		if ((!param_value && param_value_size) || param_value_size % sizeof(void *))
			return SVMGPU_ERR(CL_INVALID_VALUE, "SVM pointer list %p of %zu bytes",
					  param_value, param_value_size);
		if (!context_svm_caps(kernel->context, ANY_SVM))
			return SVMGPU_ERR(CL_INVALID_OPERATION, "no device of the context "
					  "supports SVM");
		n = param_value_size / sizeof(void *);
		if (n && !(ptrs = malloc(param_value_size)))
			return SVMGPU_ERR(CL_OUT_OF_HOST_MEMORY, "SVM pointer list");
		if (n)
			memcpy(ptrs, param_value, param_value_size);
		free(kernel->svm_ptrs);
		kernel->svm_ptrs = ptrs;
		kernel->num_svm_ptrs = n;
		return CL_SUCCESS;
	case CL_KERNEL_EXEC_INFO_SVM_FINE_GRAIN_SYSTEM: {
		cl_bool v;

		if (!param_value || param_value_size != sizeof(cl_bool))
			return SVMGPU_ERR(CL_INVALID_VALUE, "a cl_bool is expected");
		memcpy(&v, param_value, sizeof(v));
		if (v && !context_svm_caps(kernel->context, CL_DEVICE_SVM_FINE_GRAIN_SYSTEM))
			return SVMGPU_ERR(CL_INVALID_OPERATION, "no device of the context "
					  "supports fine-grain system SVM");
		kernel->svm_fine_grain_system = v ? CL_TRUE : CL_FALSE;
		return CL_SUCCESS;
	}
	default:
		return SVMGPU_ERR(CL_INVALID_VALUE, "unknown param_name 0x%x", param_name);
	}
}

SVMGPU_API cl_int CL_API_CALL clGetKernelInfo(cl_kernel kernel, cl_kernel_info param_name,
					      size_t param_value_size, void *param_value,
					      size_t *param_value_size_ret)
{
	if (!svmgpu_kernel_valid(kernel))
		return SVMGPU_ERR(CL_INVALID_KERNEL, "%p is not a kernel", (void *)kernel);
	switch (param_name) {
	case CL_KERNEL_FUNCTION_NAME:
		return svmgpu_info_str(param_value_size, param_value, param_value_size_ret,
				       kernel->meta->name);
	case CL_KERNEL_NUM_ARGS:
		SVMGPU_INFO_VAL(cl_uint, kernel->meta->num_args);
	case CL_KERNEL_REFERENCE_COUNT:
		SVMGPU_INFO_VAL(cl_uint, svmgpu_object_refcount(kernel));
	case CL_KERNEL_CONTEXT:
		SVMGPU_INFO_VAL(cl_context, kernel->context);
	case CL_KERNEL_PROGRAM:
		SVMGPU_INFO_VAL(cl_program, kernel->program);
	case CL_KERNEL_ATTRIBUTES:
		return svmgpu_info_str(param_value_size, param_value, param_value_size_ret,
				       kernel->meta->attributes ? kernel->meta->attributes : "");
	default:
		return SVMGPU_ERR(CL_INVALID_VALUE, "unknown param_name 0x%x", param_name);
	}
}

/* The metadata always carries the argument information (the compiler asks
 * clang for it whatever the options), so -cl-kernel-arg-info is not needed. */
SVMGPU_API cl_int CL_API_CALL clGetKernelArgInfo(cl_kernel kernel, cl_uint arg_index,
						 cl_kernel_arg_info param_name,
						 size_t param_value_size, void *param_value,
						 size_t *param_value_size_ret)
{
	const struct svmgpu_kernel_arg *a;

	if (!svmgpu_kernel_valid(kernel))
		return SVMGPU_ERR(CL_INVALID_KERNEL, "%p is not a kernel", (void *)kernel);
	if (arg_index >= kernel->meta->num_args)
		return SVMGPU_ERR(CL_INVALID_ARG_INDEX, "argument %u of a %u-argument kernel",
				  arg_index, kernel->meta->num_args);
	a = &kernel->meta->args[arg_index];
	switch (param_name) {
	case CL_KERNEL_ARG_ADDRESS_QUALIFIER:
		SVMGPU_INFO_VAL(cl_kernel_arg_address_qualifier, a->address);
	case CL_KERNEL_ARG_ACCESS_QUALIFIER:
		SVMGPU_INFO_VAL(cl_kernel_arg_access_qualifier, a->access);
	case CL_KERNEL_ARG_TYPE_QUALIFIER:
		SVMGPU_INFO_VAL(cl_kernel_arg_type_qualifier, a->type_qual);
	case CL_KERNEL_ARG_TYPE_NAME:
	case CL_KERNEL_ARG_NAME: {
		const char *s = param_name == CL_KERNEL_ARG_NAME ? a->name : a->type_name;

		if (!s)
			return SVMGPU_ERR(CL_KERNEL_ARG_INFO_NOT_AVAILABLE, "no argument info");
		return svmgpu_info_str(param_value_size, param_value, param_value_size_ret, s);
	}
	default:
		return SVMGPU_ERR(CL_INVALID_VALUE, "unknown param_name 0x%x", param_name);
	}
}

/* The device a work-group or sub-group query is about: NULL is allowed when
 * the program has a single device. */
static cl_int query_device(cl_kernel k, cl_device_id *dev)
{
	cl_program p = k->program;

	if (!*dev) {
		if (p->num_devices != 1)
			return SVMGPU_ERR(CL_INVALID_DEVICE, "device is NULL and the program has "
					  "%u devices", p->num_devices);
		*dev = p->devices[0];
		return CL_SUCCESS;
	}
	for (cl_uint i = 0; i < p->num_devices; i++)
		if (p->devices[i] == *dev)
			return CL_SUCCESS;
	return SVMGPU_ERR(CL_INVALID_DEVICE, "%p is not a device of the kernel's program",
			  (void *)*dev);
}

size_t svmgpu_kernel_wg_size(cl_kernel k, cl_device_id dev)
{
	const uint64_t *r = k->meta->reqd_work_group_size;
	size_t max = dev->desc->max_work_group_size;

	if (r[0] && r[1] && r[2] && r[0] * r[1] * r[2] <= max)
		return (size_t)(r[0] * r[1] * r[2]);
	return max;
}

SVMGPU_API cl_int CL_API_CALL clGetKernelWorkGroupInfo(cl_kernel kernel, cl_device_id device,
						       cl_kernel_work_group_info param_name,
						       size_t param_value_size, void *param_value,
						       size_t *param_value_size_ret)
{
	cl_int err;

	if (!svmgpu_kernel_valid(kernel))
		return SVMGPU_ERR(CL_INVALID_KERNEL, "%p is not a kernel", (void *)kernel);
	err = query_device(kernel, &device);
	if (err)
		return err;
	switch (param_name) {
	case CL_KERNEL_GLOBAL_WORK_SIZE:
		return SVMGPU_ERR(CL_INVALID_VALUE, "CL_KERNEL_GLOBAL_WORK_SIZE is for custom "
				  "devices and built-in kernels only");
	case CL_KERNEL_WORK_GROUP_SIZE:
		SVMGPU_INFO_VAL(size_t, svmgpu_kernel_wg_size(kernel, device));
	case CL_KERNEL_COMPILE_WORK_GROUP_SIZE: {
		size_t v[3];

		for (int i = 0; i < 3; i++)
			v[i] = (size_t)kernel->meta->reqd_work_group_size[i];
		return svmgpu_info(param_value_size, param_value, param_value_size_ret, v,
				   sizeof(v));
	}
	case CL_KERNEL_LOCAL_MEM_SIZE:
		SVMGPU_INFO_VAL(cl_ulong, kernel->meta->local_mem_size + kernel->local_args_size);
	case CL_KERNEL_PREFERRED_WORK_GROUP_SIZE_MULTIPLE: {
		size_t m = device->desc->preferred_work_group_size_multiple;
		size_t max = svmgpu_kernel_wg_size(kernel, device);

		SVMGPU_INFO_VAL(size_t, m && m <= max ? m : 1);
	}
	case CL_KERNEL_PRIVATE_MEM_SIZE:
		SVMGPU_INFO_VAL(cl_ulong, kernel->meta->private_mem_size);
	default:
		return SVMGPU_ERR(CL_INVALID_VALUE, "unknown param_name 0x%x", param_name);
	}
}

SVMGPU_API cl_int CL_API_CALL clGetKernelSubGroupInfo(cl_kernel kernel, cl_device_id device,
						      cl_kernel_sub_group_info param_name,
						      size_t input_value_size,
						      const void *input_value,
						      size_t param_value_size, void *param_value,
						      size_t *param_value_size_ret)
{
	cl_int err;

	(void)param_name;
	(void)input_value_size;
	(void)input_value;
	(void)param_value_size;
	(void)param_value;
	(void)param_value_size_ret;
	if (!svmgpu_kernel_valid(kernel))
		return SVMGPU_ERR(CL_INVALID_KERNEL, "%p is not a kernel", (void *)kernel);
	err = query_device(kernel, &device);
	if (err)
		return err;
	/* CL_DEVICE_MAX_NUM_SUB_GROUPS is 0: the device has no sub-groups.
	 * (Should it report some, the queries belong here.) */
	return SVMGPU_ERR(CL_INVALID_OPERATION, "%s supports no sub-groups",
			  device->desc->max_num_sub_groups ? "this runtime" : "the device");
}

SVMGPU_API cl_int CL_API_CALL clGetKernelSubGroupInfoKHR(cl_kernel kernel, cl_device_id device,
							 cl_kernel_sub_group_info param_name,
							 size_t input_value_size,
							 const void *input_value,
							 size_t param_value_size,
							 void *param_value,
							 size_t *param_value_size_ret)
{
	return clGetKernelSubGroupInfo(kernel, device, param_name, input_value_size, input_value,
				       param_value_size, param_value, param_value_size_ret);
}
