// SPDX-License-Identifier: MIT
/* Program objects: creation from source or binary and the program queries
 * (builds: api/program_build.c). A program keeps one build state for all its
 * devices (they all run the CPU device's code). The executable is reference
 * counted (struct svmgpu_exe) so that kernels and queued commands keep the
 * code they run whatever happens to the program afterwards. */
#include "compiler/compiler.h"
#include "context.h"
#include "device.h"
#include "info.h"
#include "log.h"
#include "platform.h"
#include "program.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void(CL_CALLBACK *program_notify_fn)(cl_program, void *);

void svmgpu_exe_retain(struct svmgpu_exe *e)
{
	atomic_fetch_add_explicit(&e->refs, 1, memory_order_relaxed);
}

void svmgpu_exe_release(struct svmgpu_exe *e)
{
	if (!e || atomic_fetch_sub_explicit(&e->refs, 1, memory_order_acq_rel) != 1)
		return;
	for (int i = 0; i < SVMGPU_ISA_COUNT; i++)
		svmgpu_module_free(e->by_isa[i]);
	free(e);
}

cl_program svmgpu_program_new(cl_context ctx, cl_uint num_devices, const cl_device_id *devices,
			      enum svmgpu_program_origin origin, cl_int *err)
{
	cl_program p = calloc(1, sizeof(*p));

	if (p)
		p->devices = malloc(num_devices * sizeof(cl_device_id));
	if (!p || !p->devices || pthread_mutex_init(&p->lock, NULL)) {
		if (p)
			free(p->devices);
		free(p);
		*err = SVMGPU_ERR(CL_OUT_OF_HOST_MEMORY, "program");
		return NULL;
	}
	svmgpu_object_init(&p->obj, SVMGPU_MAGIC_PROGRAM);
	memcpy(p->devices, devices, num_devices * sizeof(cl_device_id));
	p->num_devices = num_devices;
	p->context = ctx;
	p->origin = origin;
	p->build_status = CL_BUILD_NONE;
	p->binary_type = CL_PROGRAM_BINARY_TYPE_NONE;
	svmgpu_context_retain(ctx);
	*err = CL_SUCCESS;
	return p;
}

static void program_free(cl_program p)
{
	svmgpu_exe_release(p->exe);
	free(p->object);
	free(p->kernel_names);
	pthread_mutex_destroy(&p->lock);
	svmgpu_context_release(p->context);
	free(p->devices);
	free(p->source);
	free(p->options);
	free(p->log);
	free(p);
}

bool svmgpu_program_has_device(cl_program p, cl_device_id d)
{
	for (cl_uint i = 0; i < p->num_devices; i++)
		if (p->devices[i] == d)
			return true;
	return false;
}

cl_int svmgpu_program_attach(cl_program p, struct svmgpu_exe **exe)
{
	cl_int err = CL_SUCCESS;

	pthread_mutex_lock(&p->lock);
	if (p->build_status != CL_BUILD_SUCCESS || !p->exe) {
		err = SVMGPU_ERR(CL_INVALID_PROGRAM_EXECUTABLE, "program %p has no executable",
				 (void *)p);
	} else {
		p->num_kernels++;
		svmgpu_exe_retain(p->exe);
		*exe = p->exe;
	}
	pthread_mutex_unlock(&p->lock);
	return err;
}

void svmgpu_program_detach(cl_program p)
{
	pthread_mutex_lock(&p->lock);
	p->num_kernels--;
	pthread_mutex_unlock(&p->lock);
}

SVMGPU_API cl_program CL_API_CALL clCreateProgramWithSource(cl_context context, cl_uint count,
							    const char **strings,
							    const size_t *lengths,
							    cl_int *errcode_ret)
{
	size_t total = 0, pos = 0;
	cl_program p;
	cl_int err;

	if (!svmgpu_context_valid(context))
		return svmgpu_fail(errcode_ret, SVMGPU_ERR(CL_INVALID_CONTEXT,
							   "%p is not a context", (void *)context));
	if (count == 0 || !strings)
		return svmgpu_fail(errcode_ret, SVMGPU_ERR(CL_INVALID_VALUE, "count %u, strings %p",
							   count, (void *)strings));
	for (cl_uint i = 0; i < count; i++) {
		size_t len;

		if (!strings[i])
			return svmgpu_fail(errcode_ret,
					   SVMGPU_ERR(CL_INVALID_VALUE, "strings[%u] is NULL", i));
		len = lengths && lengths[i] ? lengths[i] : strlen(strings[i]);
		if (len > SIZE_MAX - 1 - total)
			return svmgpu_fail(errcode_ret, SVMGPU_ERR(CL_OUT_OF_HOST_MEMORY,
								   "source length overflows"));
		total += len;
	}
	p = svmgpu_program_new(context, context->num_devices, context->devices,
			SVMGPU_PROGRAM_FROM_SOURCE, &err);
	if (!p)
		return svmgpu_fail(errcode_ret, err);
	p->source = malloc(total + 1);
	if (!p->source) {
		program_free(p);
		return svmgpu_fail(errcode_ret, SVMGPU_ERR(CL_OUT_OF_HOST_MEMORY, "source"));
	}
	/* A zero length (or no lengths) means a NUL-terminated string. */
	for (cl_uint i = 0; i < count; i++) {
		size_t len = lengths && lengths[i] ? lengths[i] : strlen(strings[i]);

		memcpy(p->source + pos, strings[i], len);
		pos += len;
	}
	p->source[pos] = '\0';
	svmgpu_set_err(errcode_ret, CL_SUCCESS);
	return p;
}

/* Checks a device list against the context: CL_INVALID_VALUE / CL_INVALID_DEVICE. */
cl_int svmgpu_check_device_list(cl_context ctx, cl_uint num_devices, const cl_device_id *list,
				bool required)
{
	if (!list != !num_devices || (required && !list))
		return SVMGPU_ERR(CL_INVALID_VALUE, "device_list %p, num_devices %u", (void *)list,
				  num_devices);
	for (cl_uint i = 0; i < num_devices; i++)
		if (!svmgpu_device_valid(list[i]) || !svmgpu_context_has_device(ctx, list[i]))
			return SVMGPU_ERR(CL_INVALID_DEVICE, "device_list[%u] = %p is not in the "
					  "context", i, (void *)list[i]);
	return CL_SUCCESS;
}

struct svmgpu_exe *svmgpu_exe_new(struct svmgpu_module *const *modules, bool uniform_wg)
{
	struct svmgpu_exe *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	atomic_init(&e->refs, 1);
	for (int i = SVMGPU_ISA_COUNT - 1; i >= 0; i--) {
		e->by_isa[i] = modules[i];
		if (modules[i])
			e->module = modules[i];
	}
	e->uniform_wg = uniform_wg;
	return e;
}

unsigned svmgpu_devices_isas(cl_uint n, const cl_device_id *devs)
{
	unsigned isas = 0;

	for (cl_uint i = 0; i < n; i++)
		isas |= 1u << devs[i]->isa;
	return isas;
}

unsigned svmgpu_program_isas(cl_program p)
{
	return svmgpu_devices_isas(p->num_devices, p->devices);
}

/* CL_PROGRAM_KERNEL_NAMES of a module. */
char *svmgpu_kernel_names(const struct svmgpu_module *m)
{
	size_t len = 1, pos = 0;
	char *s;

	for (uint32_t i = 0; i < m->num_kernels; i++)
		len += strlen(m->kernels[i].name) + 1;
	s = malloc(len);
	if (!s)
		return NULL;
	for (uint32_t i = 0; i < m->num_kernels; i++)
		pos += (size_t)sprintf(s + pos, "%s%s", i ? ";" : "", m->kernels[i].name);
	s[pos] = '\0';
	return s;
}

static enum svmgpu_isa binary_isa(enum svmgpu_binary_kind k)
{
	return k == SVMGPU_BINARY_PTX ? SVMGPU_ISA_PTX : SVMGPU_ISA_HOST;
}

static bool is_executable(enum svmgpu_binary_kind k)
{
	return k == SVMGPU_BINARY_EXECUTABLE || k == SVMGPU_BINARY_PTX;
}

/* The binaries are checked one by one (binary_status says which is wrong):
 * each must be an executable for its device's ISA, or all the same kind of
 * object or library holding bitcode for its device's ISA. Devices of one ISA
 * share the first such binary; an object program keeps the first binary. */
SVMGPU_API cl_program CL_API_CALL clCreateProgramWithBinary(
	cl_context context, cl_uint num_devices, const cl_device_id *device_list,
	const size_t *lengths, const unsigned char **binaries, cl_int *binary_status,
	cl_int *errcode_ret)
{
	enum svmgpu_binary_kind kind = SVMGPU_BINARY_INVALID;
	struct svmgpu_module *m[SVMGPU_ISA_COUNT] = {0};
	cl_int err;
	cl_program p;

	if (!svmgpu_context_valid(context))
		return svmgpu_fail(errcode_ret, SVMGPU_ERR(CL_INVALID_CONTEXT,
							   "%p is not a context", (void *)context));
	err = svmgpu_check_device_list(context, num_devices, device_list, true);
	if (err)
		return svmgpu_fail(errcode_ret, err);
	if (!lengths || !binaries)
		return svmgpu_fail(errcode_ret, SVMGPU_ERR(CL_INVALID_VALUE,
							   "lengths %p, binaries %p",
							   (void *)lengths, (void *)binaries));
	for (cl_uint i = 0; i < num_devices; i++) {
		cl_int st = CL_SUCCESS;

		if (!lengths[i] || !binaries[i]) {
			st = CL_INVALID_VALUE;
			err = SVMGPU_ERR(CL_INVALID_VALUE, "binary %u is empty", i);
		} else {
			enum svmgpu_binary_kind k = svmgpu_binary_kind(binaries[i], lengths[i]);
			bool exe = is_executable(k);

			if (i == 0)
				kind = k;
			if (k == SVMGPU_BINARY_INVALID || exe != is_executable(kind) ||
			    (!exe && k != kind) ||
			    (exe && binary_isa(k) != device_list[i]->isa) ||
			    (!exe && !(svmgpu_object_isas(binaries[i], lengths[i]) &
				       1u << device_list[i]->isa))) {
				st = CL_INVALID_BINARY;
				if (!err)
					err = SVMGPU_ERR(CL_INVALID_BINARY, "binary %u is not an "
							 "svmgpu binary for device %u", i, i);
			}
		}
		if (binary_status)
			binary_status[i] = st;
	}
	for (cl_uint i = 0; !err && is_executable(kind) && i < num_devices; i++) {
		enum svmgpu_isa isa = device_list[i]->isa;

		if (m[isa])
			continue;
		err = svmgpu_module_load(binaries[i], lengths[i], &m[isa]);
		if (err && binary_status)
			binary_status[i] = err;
		if (err)
			err = SVMGPU_ERR(err, "binary %u does not load", i);
	}
	if (err) {
		for (int i = 0; i < SVMGPU_ISA_COUNT; i++)
			svmgpu_module_free(m[i]);
		return svmgpu_fail(errcode_ret, err);
	}

	p = svmgpu_program_new(context, num_devices, device_list, SVMGPU_PROGRAM_FROM_BINARY, &err);
	if (!p) {
		for (int i = 0; i < SVMGPU_ISA_COUNT; i++)
			svmgpu_module_free(m[i]);
		return svmgpu_fail(errcode_ret, err);
	}
	if (is_executable(kind)) {
		p->exe = svmgpu_exe_new(m, false);
		p->kernel_names = p->exe ? svmgpu_kernel_names(p->exe->module) : NULL;
		p->binary_type = CL_PROGRAM_BINARY_TYPE_EXECUTABLE;
		if (!p->exe)
			for (int i = 0; i < SVMGPU_ISA_COUNT; i++)
				svmgpu_module_free(m[i]);
		err = p->kernel_names ? CL_SUCCESS : CL_OUT_OF_HOST_MEMORY;
	} else {
		p->object = malloc(lengths[0]);
		p->object_size = lengths[0];
		if (p->object)
			memcpy(p->object, binaries[0], lengths[0]);
		p->binary_type = kind == SVMGPU_BINARY_LIBRARY
					 ? CL_PROGRAM_BINARY_TYPE_LIBRARY
					 : CL_PROGRAM_BINARY_TYPE_COMPILED_OBJECT;
		err = p->object ? CL_SUCCESS : CL_OUT_OF_HOST_MEMORY;
	}
	if (err) {
		program_free(p);
		return svmgpu_fail(errcode_ret, SVMGPU_ERR(err, "program from binary"));
	}
	svmgpu_set_err(errcode_ret, CL_SUCCESS);
	return p;
}

SVMGPU_API cl_program CL_API_CALL clCreateProgramWithBuiltInKernels(
	cl_context context, cl_uint num_devices, const cl_device_id *device_list,
	const char *kernel_names, cl_int *errcode_ret)
{
	cl_int err;

	if (!svmgpu_context_valid(context))
		return svmgpu_fail(errcode_ret, SVMGPU_ERR(CL_INVALID_CONTEXT,
							   "%p is not a context", (void *)context));
	err = svmgpu_check_device_list(context, num_devices, device_list, true);
	if (err)
		return svmgpu_fail(errcode_ret, err);
	/* CL_DEVICE_BUILT_IN_KERNELS is empty: no name can be supported. */
	return svmgpu_fail(errcode_ret, SVMGPU_ERR(CL_INVALID_VALUE, "no built-in kernel \"%s\"",
						   kernel_names ? kernel_names : "(null)"));
}

SVMGPU_API cl_program CL_API_CALL clCreateProgramWithIL(cl_context context, const void *il,
							size_t length, cl_int *errcode_ret)
{
	if (!svmgpu_context_valid(context))
		return svmgpu_fail(errcode_ret, SVMGPU_ERR(CL_INVALID_CONTEXT,
							   "%p is not a context", (void *)context));
	/* Before CL_INVALID_VALUE for il/length: no device reports an IL. */
	(void)il;
	(void)length;
	return svmgpu_fail(errcode_ret, SVMGPU_ERR(CL_INVALID_OPERATION,
						   "no device supports intermediate languages"));
}

SVMGPU_API cl_int CL_API_CALL clRetainProgram(cl_program program)
{
	if (!svmgpu_program_valid(program))
		return SVMGPU_ERR(CL_INVALID_PROGRAM, "%p is not a program", (void *)program);
	svmgpu_object_retain(program);
	return CL_SUCCESS;
}

SVMGPU_API cl_int CL_API_CALL clReleaseProgram(cl_program program)
{
	if (!svmgpu_program_valid(program))
		return SVMGPU_ERR(CL_INVALID_PROGRAM, "%p is not a program", (void *)program);
	if (svmgpu_object_release(program))
		program_free(program);
	return CL_SUCCESS;
}

/* The binary a program holds for a device (under lock). */
static void program_binary(cl_program p, cl_device_id d, const void **bin, size_t *size)
{
	const struct svmgpu_module *m = p->exe ? p->exe->by_isa[d->isa] : NULL;

	*bin = m ? m->binary : p->exe ? NULL : p->object;
	*size = m ? m->binary_size : !p->exe && p->object ? p->object_size : 0;
}

static cl_int binaries_info(cl_program p, cl_program_info param_name, size_t param_value_size,
			    void *param_value, size_t *param_value_size_ret)
{
	size_t sz = p->num_devices * (param_name == CL_PROGRAM_BINARY_SIZES ? sizeof(size_t)
									   : sizeof(void *));
	const void *bin;
	size_t bin_size;

	if (param_value && param_value_size < sz)
		return SVMGPU_ERR(CL_INVALID_VALUE, "param_value_size %zu < %zu",
				  param_value_size, sz);
	if (param_value_size_ret)
		*param_value_size_ret = sz;
	if (!param_value)
		return CL_SUCCESS;
	pthread_mutex_lock(&p->lock);
	for (cl_uint i = 0; i < p->num_devices; i++) {
		program_binary(p, p->devices[i], &bin, &bin_size);
		if (param_name == CL_PROGRAM_BINARY_SIZES) {
			((size_t *)param_value)[i] = bin_size;
		} else {
			/* Buffers the application sized from CL_PROGRAM_BINARY_SIZES;
			 * NULL ones are skipped. */
			unsigned char *dst = ((unsigned char **)param_value)[i];

			if (dst && bin_size)
				memcpy(dst, bin, bin_size);
		}
	}
	pthread_mutex_unlock(&p->lock);
	return CL_SUCCESS;
}

SVMGPU_API cl_int CL_API_CALL clGetProgramInfo(cl_program program, cl_program_info param_name,
					       size_t param_value_size, void *param_value,
					       size_t *param_value_size_ret)
{
	cl_int err = CL_SUCCESS;

	if (!svmgpu_program_valid(program))
		return SVMGPU_ERR(CL_INVALID_PROGRAM, "%p is not a program", (void *)program);

	switch (param_name) {
	case CL_PROGRAM_REFERENCE_COUNT:
		SVMGPU_INFO_VAL(cl_uint, svmgpu_object_refcount(program));
	case CL_PROGRAM_CONTEXT:
		SVMGPU_INFO_VAL(cl_context, program->context);
	case CL_PROGRAM_NUM_DEVICES:
		SVMGPU_INFO_VAL(cl_uint, program->num_devices);
	case CL_PROGRAM_DEVICES:
		return svmgpu_info(param_value_size, param_value, param_value_size_ret,
				   program->devices, program->num_devices * sizeof(cl_device_id));
	case CL_PROGRAM_SOURCE:
		/* Binaries do not carry their source: a null string. */
		return svmgpu_info_str(param_value_size, param_value, param_value_size_ret,
				       program->source ? program->source : "");
	case CL_PROGRAM_IL:
		/* Not created from IL: nothing, and param_value untouched. */
		return svmgpu_info(param_value_size, param_value, param_value_size_ret, NULL, 0);
	case CL_PROGRAM_BINARY_SIZES:
	case CL_PROGRAM_BINARIES:
		return binaries_info(program, param_name, param_value_size, param_value,
				     param_value_size_ret);
	case CL_PROGRAM_NUM_KERNELS:
	case CL_PROGRAM_KERNEL_NAMES:
	case CL_PROGRAM_SCOPE_GLOBAL_CTORS_PRESENT:
	case CL_PROGRAM_SCOPE_GLOBAL_DTORS_PRESENT:
		pthread_mutex_lock(&program->lock);
		if (program->build_status != CL_BUILD_SUCCESS || !program->exe) {
			err = SVMGPU_ERR(CL_INVALID_PROGRAM_EXECUTABLE, "no executable");
		} else if (param_name == CL_PROGRAM_SCOPE_GLOBAL_CTORS_PRESENT ||
			   param_name == CL_PROGRAM_SCOPE_GLOBAL_DTORS_PRESENT) {
			/* OpenCL C has no constructors or destructors of program
			 * scope variables (C++ for OpenCL would). */
			cl_bool no = CL_FALSE;

			err = svmgpu_info(param_value_size, param_value, param_value_size_ret, &no,
					  sizeof(no));
		} else if (param_name == CL_PROGRAM_KERNEL_NAMES) {
			err = svmgpu_info_str(param_value_size, param_value, param_value_size_ret,
					      program->kernel_names);
		} else {
			size_t n = program->exe->module->num_kernels;

			err = svmgpu_info(param_value_size, param_value, param_value_size_ret, &n,
					  sizeof(n));
		}
		pthread_mutex_unlock(&program->lock);
		return err;
	default:
		return SVMGPU_ERR(CL_INVALID_VALUE, "unknown param_name 0x%x", param_name);
	}
}

SVMGPU_API cl_int CL_API_CALL clGetProgramBuildInfo(cl_program program, cl_device_id device,
						    cl_program_build_info param_name,
						    size_t param_value_size, void *param_value,
						    size_t *param_value_size_ret)
{
	cl_int err;

	if (!svmgpu_program_valid(program))
		return SVMGPU_ERR(CL_INVALID_PROGRAM, "%p is not a program", (void *)program);
	if (!svmgpu_program_has_device(program, device))
		return SVMGPU_ERR(CL_INVALID_DEVICE, "%p is not a device of the program",
				  (void *)device);

	pthread_mutex_lock(&program->lock);
	switch (param_name) {
	case CL_PROGRAM_BUILD_STATUS: {
		cl_build_status v = program->build_status;

		err = svmgpu_info(param_value_size, param_value, param_value_size_ret, &v,
				  sizeof(v));
		break;
	}
	case CL_PROGRAM_BUILD_OPTIONS:
		err = svmgpu_info_str(param_value_size, param_value, param_value_size_ret,
				      program->options ? program->options : "");
		break;
	case CL_PROGRAM_BUILD_LOG:
		err = svmgpu_info_str(param_value_size, param_value, param_value_size_ret,
				      program->log ? program->log : "");
		break;
	case CL_PROGRAM_BINARY_TYPE: {
		cl_program_binary_type v = program->binary_type;

		err = svmgpu_info(param_value_size, param_value, param_value_size_ret, &v,
				  sizeof(v));
		break;
	}
	case CL_PROGRAM_BUILD_GLOBAL_VARIABLE_TOTAL_SIZE: {
		/* The program-scope variables of the device's module. */
		const struct svmgpu_module *m = program->exe ? program->exe->by_isa[device->isa]
							     : NULL;
		size_t v = m ? (size_t)m->globals_size : 0;

		err = svmgpu_info(param_value_size, param_value, param_value_size_ret, &v,
				  sizeof(v));
		break;
	}
	default:
		err = SVMGPU_ERR(CL_INVALID_VALUE, "unknown param_name 0x%x", param_name);
	}
	pthread_mutex_unlock(&program->lock);
	return err;
}

SVMGPU_API cl_int CL_API_CALL clSetProgramReleaseCallback(cl_program program,
							  program_notify_fn pfn_notify,
							  void *user_data)
{
	(void)user_data;
	if (!svmgpu_program_valid(program))
		return SVMGPU_ERR(CL_INVALID_PROGRAM, "%p is not a program", (void *)program);
	if (!pfn_notify)
		return SVMGPU_ERR(CL_INVALID_VALUE, "pfn_notify is NULL");
	/* No device supports destructors for program scope global variables. */
	return SVMGPU_ERR(CL_INVALID_OPERATION, "program release callbacks are not supported");
}

SVMGPU_API cl_int CL_API_CALL clSetProgramSpecializationConstant(cl_program program,
								 cl_uint spec_id, size_t spec_size,
								 const void *spec_value)
{
	(void)spec_id;
	(void)spec_size;
	(void)spec_value;
	/* Only programs created from IL have specialization constants, and no
	 * device accepts IL. */
	if (!svmgpu_program_valid(program))
		return SVMGPU_ERR(CL_INVALID_PROGRAM, "%p is not a program", (void *)program);
	return SVMGPU_ERR(CL_INVALID_OPERATION, "no device of program %p supports IL programs",
			  (void *)program);
}
