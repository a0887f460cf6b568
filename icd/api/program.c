// SPDX-License-Identifier: MIT
/* Program objects, without a compiler yet: every entry point checks its
 * arguments as the specification says, sources are kept, and builds end with
 * CL_COMPILER_NOT_AVAILABLE (the devices report no compiler), leaving a build
 * log that says so. The compiler issue replaces the build step. */
#include "context.h"
#include "device.h"
#include "info.h"
#include "log.h"
#include "platform.h"
#include "program.h"
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NO_COMPILER_LOG                                                                   \
	"svmgpu: the OpenCL C compiler is not available yet "                             \
	"(CL_DEVICE_COMPILER_AVAILABLE is CL_FALSE)\n"

typedef void(CL_CALLBACK *program_notify_fn)(cl_program, void *);

/* Build state (status, options, log) changes under this lock: builds of one
 * program may race with each other and with clGetProgramBuildInfo. */
static pthread_mutex_t build_lock = PTHREAD_MUTEX_INITIALIZER;

static cl_program program_new(cl_context ctx, cl_uint num_devices, const cl_device_id *devices,
			      cl_int *err)
{
	cl_program p = calloc(1, sizeof(*p));

	if (p)
		p->devices = malloc(num_devices * sizeof(cl_device_id));
	if (!p || !p->devices) {
		free(p);
		*err = SVMGPU_ERR(CL_OUT_OF_HOST_MEMORY, "program");
		return NULL;
	}
	svmgpu_object_init(&p->obj, SVMGPU_MAGIC_PROGRAM);
	memcpy(p->devices, devices, num_devices * sizeof(cl_device_id));
	p->num_devices = num_devices;
	p->context = ctx;
	p->build_status = CL_BUILD_NONE;
	p->binary_type = CL_PROGRAM_BINARY_TYPE_NONE;
	svmgpu_context_retain(ctx);
	*err = CL_SUCCESS;
	return p;
}

static void program_free(cl_program p)
{
	svmgpu_context_release(p->context);
	free(p->devices);
	free(p->source);
	free(p->options);
	free(p->log);
	free(p);
}

static bool program_has_device(cl_program p, cl_device_id d)
{
	for (cl_uint i = 0; i < p->num_devices; i++)
		if (p->devices[i] == d)
			return true;
	return false;
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
	p = program_new(context, context->num_devices, context->devices, &err);
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
static cl_int check_device_list(cl_context ctx, cl_uint num_devices, const cl_device_id *list,
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

/* No binary format exists yet: every binary is invalid for every device. */
SVMGPU_API cl_program CL_API_CALL clCreateProgramWithBinary(
	cl_context context, cl_uint num_devices, const cl_device_id *device_list,
	const size_t *lengths, const unsigned char **binaries, cl_int *binary_status,
	cl_int *errcode_ret)
{
	cl_int err = CL_SUCCESS;

	if (!svmgpu_context_valid(context))
		return svmgpu_fail(errcode_ret, SVMGPU_ERR(CL_INVALID_CONTEXT,
							   "%p is not a context", (void *)context));
	err = check_device_list(context, num_devices, device_list, true);
	if (err)
		return svmgpu_fail(errcode_ret, err);
	if (!lengths || !binaries)
		return svmgpu_fail(errcode_ret, SVMGPU_ERR(CL_INVALID_VALUE,
							   "lengths %p, binaries %p",
							   (void *)lengths, (void *)binaries));
	for (cl_uint i = 0; i < num_devices; i++) {
		cl_int st = CL_INVALID_BINARY;

		if (!lengths[i] || !binaries[i]) {
			st = CL_INVALID_VALUE;
			err = SVMGPU_ERR(CL_INVALID_VALUE, "binary %u is empty", i);
		}
		if (binary_status)
			binary_status[i] = st;
	}
	if (!err)
		err = SVMGPU_ERR(CL_INVALID_BINARY, "svmgpu has no program binary format yet");
	return svmgpu_fail(errcode_ret, err);
}

SVMGPU_API cl_program CL_API_CALL clCreateProgramWithBuiltInKernels(
	cl_context context, cl_uint num_devices, const cl_device_id *device_list,
	const char *kernel_names, cl_int *errcode_ret)
{
	cl_int err;

	if (!svmgpu_context_valid(context))
		return svmgpu_fail(errcode_ret, SVMGPU_ERR(CL_INVALID_CONTEXT,
							   "%p is not a context", (void *)context));
	err = check_device_list(context, num_devices, device_list, true);
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

static char *dup_str(const char *s)
{
	return strdup(s ? s : "");
}

/* The outcome of every build, compile and link until the compiler exists. */
static void build_fail(cl_program p, const char *options)
{
	char *opt = dup_str(options), *log = dup_str(NO_COMPILER_LOG);

	pthread_mutex_lock(&build_lock);
	free(p->options);
	free(p->log);
	p->options = opt;
	p->log = log;
	p->build_status = CL_BUILD_ERROR;
	p->binary_type = CL_PROGRAM_BINARY_TYPE_NONE;
	pthread_mutex_unlock(&build_lock);
}

/* The checks clBuildProgram and clCompileProgram share. */
static cl_int check_build_args(cl_program program, cl_uint num_devices,
			       const cl_device_id *device_list, program_notify_fn pfn_notify,
			       void *user_data)
{
	if (!svmgpu_program_valid(program))
		return SVMGPU_ERR(CL_INVALID_PROGRAM, "%p is not a program", (void *)program);
	if (!device_list != !num_devices)
		return SVMGPU_ERR(CL_INVALID_VALUE, "device_list %p, num_devices %u",
				  (void *)device_list, num_devices);
	if (!pfn_notify && user_data)
		return SVMGPU_ERR(CL_INVALID_VALUE, "user_data without pfn_notify");
	for (cl_uint i = 0; i < num_devices; i++)
		if (!program_has_device(program, device_list[i]))
			return SVMGPU_ERR(CL_INVALID_DEVICE, "device_list[%u] = %p is not a device "
					  "of the program", i, (void *)device_list[i]);
	return CL_SUCCESS;
}

SVMGPU_API cl_int CL_API_CALL clBuildProgram(cl_program program, cl_uint num_devices,
					     const cl_device_id *device_list, const char *options,
					     program_notify_fn pfn_notify, void *user_data)
{
	cl_int err = check_build_args(program, num_devices, device_list, pfn_notify, user_data);

	if (err)
		return err;
	build_fail(program, options);
	/* The build is over (unsuccessfully): tell whoever waits for it. */
	if (pfn_notify)
		pfn_notify(program, user_data);
	return SVMGPU_ERR(CL_COMPILER_NOT_AVAILABLE, "no OpenCL C compiler yet");
}

SVMGPU_API cl_int CL_API_CALL clCompileProgram(cl_program program, cl_uint num_devices,
					       const cl_device_id *device_list,
					       const char *options, cl_uint num_input_headers,
					       const cl_program *input_headers,
					       const char **header_include_names,
					       program_notify_fn pfn_notify, void *user_data)
{
	cl_int err = check_build_args(program, num_devices, device_list, pfn_notify, user_data);

	if (err)
		return err;
	if (num_input_headers == 0 && (input_headers || header_include_names))
		return SVMGPU_ERR(CL_INVALID_VALUE, "headers given with num_input_headers 0");
	if (num_input_headers && (!input_headers || !header_include_names))
		return SVMGPU_ERR(CL_INVALID_VALUE, "%u headers but input_headers %p, names %p",
				  num_input_headers, (void *)input_headers,
				  (void *)header_include_names);
	for (cl_uint i = 0; i < num_input_headers; i++) {
		if (!svmgpu_program_valid(input_headers[i]))
			return SVMGPU_ERR(CL_INVALID_PROGRAM, "input_headers[%u] = %p is not a "
					  "program", i, (void *)input_headers[i]);
		if (!header_include_names[i])
			return SVMGPU_ERR(CL_INVALID_VALUE, "header_include_names[%u] is NULL", i);
	}
	if (!program->source)
		return SVMGPU_ERR(CL_INVALID_OPERATION, "program was not created from source");
	build_fail(program, options);
	if (pfn_notify)
		pfn_notify(program, user_data);
	return SVMGPU_ERR(CL_COMPILER_NOT_AVAILABLE, "no OpenCL C compiler yet");
}

static cl_int check_link_args(cl_context context, cl_uint num_devices,
			      const cl_device_id *device_list, cl_uint num_input_programs,
			      const cl_program *input_programs, program_notify_fn pfn_notify,
			      void *user_data)
{
	cl_int err;

	if (!svmgpu_context_valid(context))
		return SVMGPU_ERR(CL_INVALID_CONTEXT, "%p is not a context", (void *)context);
	err = check_device_list(context, num_devices, device_list, false);
	if (err)
		return err;
	if (num_input_programs == 0 || !input_programs)
		return SVMGPU_ERR(CL_INVALID_VALUE, "num_input_programs %u, input_programs %p",
				  num_input_programs, (void *)input_programs);
	for (cl_uint i = 0; i < num_input_programs; i++)
		if (!svmgpu_program_valid(input_programs[i]) ||
		    input_programs[i]->context != context)
			return SVMGPU_ERR(CL_INVALID_PROGRAM, "input_programs[%u] = %p is not a "
					  "program of the context", i, (void *)input_programs[i]);
	if (!pfn_notify && user_data)
		return SVMGPU_ERR(CL_INVALID_VALUE, "user_data without pfn_notify");
	return CL_SUCCESS;
}

SVMGPU_API cl_program CL_API_CALL clLinkProgram(cl_context context, cl_uint num_devices,
						const cl_device_id *device_list,
						const char *options, cl_uint num_input_programs,
						const cl_program *input_programs,
						program_notify_fn pfn_notify, void *user_data,
						cl_int *errcode_ret)
{
	cl_int err = check_link_args(context, num_devices, device_list, num_input_programs,
				     input_programs, pfn_notify, user_data);

	(void)options;
	/* No program object results, so there is nothing to call pfn_notify
	 * with: the error says it all. */
	if (!err)
		err = SVMGPU_ERR(CL_LINKER_NOT_AVAILABLE, "no linker yet");
	return svmgpu_fail(errcode_ret, err);
}

SVMGPU_API cl_int CL_API_CALL clGetProgramInfo(cl_program program, cl_program_info param_name,
					       size_t param_value_size, void *param_value,
					       size_t *param_value_size_ret)
{
	bool built;

	if (!svmgpu_program_valid(program))
		return SVMGPU_ERR(CL_INVALID_PROGRAM, "%p is not a program", (void *)program);
	pthread_mutex_lock(&build_lock);
	built = program->build_status == CL_BUILD_SUCCESS;
	pthread_mutex_unlock(&build_lock);

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
		return svmgpu_info_str(param_value_size, param_value, param_value_size_ret,
				       program->source ? program->source : "");
	case CL_PROGRAM_IL:
		/* Not created from IL: nothing, and param_value untouched. */
		return svmgpu_info(param_value_size, param_value, param_value_size_ret, NULL, 0);
	case CL_PROGRAM_BINARY_SIZES: {
		size_t sz = program->num_devices * sizeof(size_t);

		if (param_value && param_value_size < sz)
			return SVMGPU_ERR(CL_INVALID_VALUE, "param_value_size %zu < %zu",
					  param_value_size, sz);
		if (param_value)
			memset(param_value, 0, sz); /* no binary for any device */
		if (param_value_size_ret)
			*param_value_size_ret = sz;
		return CL_SUCCESS;
	}
	case CL_PROGRAM_BINARIES: {
		size_t sz = program->num_devices * sizeof(unsigned char *);

		/* An array of buffers the application sized from
		 * CL_PROGRAM_BINARY_SIZES: every size is 0, nothing to copy. */
		if (param_value && param_value_size < sz)
			return SVMGPU_ERR(CL_INVALID_VALUE, "param_value_size %zu < %zu",
					  param_value_size, sz);
		if (param_value_size_ret)
			*param_value_size_ret = sz;
		return CL_SUCCESS;
	}
	case CL_PROGRAM_NUM_KERNELS:
	case CL_PROGRAM_KERNEL_NAMES:
	case CL_PROGRAM_SCOPE_GLOBAL_CTORS_PRESENT:
	case CL_PROGRAM_SCOPE_GLOBAL_DTORS_PRESENT:
		if (!built)
			return SVMGPU_ERR(CL_INVALID_PROGRAM_EXECUTABLE, "program is not built");
		if (param_name == CL_PROGRAM_NUM_KERNELS)
			SVMGPU_INFO_VAL(size_t, 0);
		if (param_name == CL_PROGRAM_KERNEL_NAMES)
			return svmgpu_info_str(param_value_size, param_value,
					       param_value_size_ret, "");
		SVMGPU_INFO_VAL(cl_bool, CL_FALSE);
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
	if (!program_has_device(program, device))
		return SVMGPU_ERR(CL_INVALID_DEVICE, "%p is not a device of the program",
				  (void *)device);

	pthread_mutex_lock(&build_lock);
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
		size_t v = 0; /* nothing was built */

		err = svmgpu_info(param_value_size, param_value, param_value_size_ret, &v,
				  sizeof(v));
		break;
	}
	default:
		err = SVMGPU_ERR(CL_INVALID_VALUE, "unknown param_name 0x%x", param_name);
	}
	pthread_mutex_unlock(&build_lock);
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
	return SVMGPU_ERR(CL_INVALID_PROGRAM, "program %p was not created from IL",
			  (void *)program);
}
