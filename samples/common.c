// SPDX-License-Identifier: MIT
/* Host helpers shared by the samples (see common.h). */
#include "common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *sample_name = "sample";

void sample_init(const char *name)
{
	sample_name = name;
	setvbuf(stdout, NULL, _IOLBF, 0);
}

const char *cl_errname(cl_int err)
{
	switch (err) {
#define E(x) case x: return #x;
	E(CL_SUCCESS) E(CL_DEVICE_NOT_FOUND) E(CL_DEVICE_NOT_AVAILABLE)
	E(CL_COMPILER_NOT_AVAILABLE) E(CL_MEM_OBJECT_ALLOCATION_FAILURE)
	E(CL_OUT_OF_RESOURCES) E(CL_OUT_OF_HOST_MEMORY)
	E(CL_PROFILING_INFO_NOT_AVAILABLE) E(CL_MEM_COPY_OVERLAP)
	E(CL_BUILD_PROGRAM_FAILURE) E(CL_MAP_FAILURE)
	E(CL_MISALIGNED_SUB_BUFFER_OFFSET) E(CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST)
	E(CL_COMPILE_PROGRAM_FAILURE) E(CL_LINKER_NOT_AVAILABLE) E(CL_LINK_PROGRAM_FAILURE)
	E(CL_INVALID_VALUE) E(CL_INVALID_DEVICE_TYPE) E(CL_INVALID_PLATFORM)
	E(CL_INVALID_DEVICE) E(CL_INVALID_CONTEXT) E(CL_INVALID_QUEUE_PROPERTIES)
	E(CL_INVALID_COMMAND_QUEUE) E(CL_INVALID_HOST_PTR) E(CL_INVALID_MEM_OBJECT)
	E(CL_INVALID_BINARY) E(CL_INVALID_BUILD_OPTIONS) E(CL_INVALID_PROGRAM)
	E(CL_INVALID_PROGRAM_EXECUTABLE) E(CL_INVALID_KERNEL_NAME)
	E(CL_INVALID_KERNEL_DEFINITION) E(CL_INVALID_KERNEL) E(CL_INVALID_ARG_INDEX)
	E(CL_INVALID_ARG_VALUE) E(CL_INVALID_ARG_SIZE) E(CL_INVALID_KERNEL_ARGS)
	E(CL_INVALID_WORK_DIMENSION) E(CL_INVALID_WORK_GROUP_SIZE)
	E(CL_INVALID_WORK_ITEM_SIZE) E(CL_INVALID_GLOBAL_OFFSET)
	E(CL_INVALID_EVENT_WAIT_LIST) E(CL_INVALID_EVENT) E(CL_INVALID_OPERATION)
	E(CL_INVALID_BUFFER_SIZE) E(CL_INVALID_GLOBAL_WORK_SIZE) E(CL_INVALID_PROPERTY)
	E(CL_INVALID_COMPILER_OPTIONS) E(CL_INVALID_LINKER_OPTIONS)
	E(CL_INVALID_DEVICE_QUEUE)
#undef E
	case -1001: return "CL_PLATFORM_NOT_FOUND_KHR (the loader found no platform)";
	default: return "unknown error";
	}
}

_Noreturn void sample_die(const char *what, cl_int err, const char *file, int line)
{
	fprintf(stderr, "%s: %s failed: %s (%d) at %s:%d\n", sample_name, what,
		cl_errname(err), err, file, line);
	exit(1);
}

cl_device_id pick_device(cl_platform_id *platform)
{
	cl_platform_id ps[16];
	cl_uint n = 0;
	char name[256], version[256];
	cl_device_id dev;

	CL_CHECK(clGetPlatformIDs(16, ps, &n));
	if (n == 0)
		sample_die("clGetPlatformIDs (no platform)", CL_DEVICE_NOT_FOUND, __FILE__,
			   __LINE__);
	cl_platform_id p = ps[0];
	for (cl_uint i = 0; i < n && i < 16; i++) {
		CL_CHECK(clGetPlatformInfo(ps[i], CL_PLATFORM_NAME, sizeof(name), name, NULL));
		if (strcmp(name, "svmgpu") == 0) {
			p = ps[i];
			break;
		}
	}
	CL_CHECK(clGetPlatformInfo(p, CL_PLATFORM_NAME, sizeof(name), name, NULL));
	CL_CHECK(clGetPlatformInfo(p, CL_PLATFORM_VERSION, sizeof(version), version, NULL));
	printf("platform: %s (%s)\n", name, version);
	CL_CHECK(clGetDeviceIDs(p, CL_DEVICE_TYPE_DEFAULT, 1, &dev, NULL));
	CL_CHECK(clGetDeviceInfo(dev, CL_DEVICE_NAME, sizeof(name), name, NULL));
	printf("device:   %s\n", name);
	if (platform)
		*platform = p;
	return dev;
}

cl_device_svm_capabilities device_svm_caps(cl_device_id dev, bool print)
{
	cl_device_svm_capabilities caps = 0;

	CL_CHECK(clGetDeviceInfo(dev, CL_DEVICE_SVM_CAPABILITIES, sizeof(caps), &caps, NULL));
	if (print)
		printf("SVM:      %s%s%s%s\n",
		       caps & CL_DEVICE_SVM_COARSE_GRAIN_BUFFER ? "coarse-grain-buffer " : "",
		       caps & CL_DEVICE_SVM_FINE_GRAIN_BUFFER ? "fine-grain-buffer " : "",
		       caps & CL_DEVICE_SVM_FINE_GRAIN_SYSTEM ? "fine-grain-system " : "",
		       caps & CL_DEVICE_SVM_ATOMICS ? "atomics" : "");
	return caps;
}

/* CL_DEVICE_OPENCL_C_FEATURES or CL_DEVICE_OPENCL_C_ALL_VERSIONS, malloc'd. */
static cl_name_version *name_versions(cl_device_id dev, cl_device_info what, size_t *count)
{
	size_t size = 0;
	cl_name_version *nv;

	CL_CHECK(clGetDeviceInfo(dev, what, 0, NULL, &size));
	nv = malloc(size ? size : 1);
	if (!nv)
		sample_die("malloc", CL_OUT_OF_HOST_MEMORY, __FILE__, __LINE__);
	CL_CHECK(clGetDeviceInfo(dev, what, size, nv, NULL));
	*count = size / sizeof(*nv);
	return nv;
}

bool device_has_c_feature(cl_device_id dev, const char *name)
{
	size_t n;
	cl_name_version *nv = name_versions(dev, CL_DEVICE_OPENCL_C_FEATURES, &n);
	bool found = false;

	for (size_t i = 0; i < n && !found; i++)
		found = strcmp(nv[i].name, name) == 0;
	free(nv);
	return found;
}

bool device_has_c_version(cl_device_id dev, unsigned major, unsigned minor)
{
	size_t n;
	cl_name_version *nv = name_versions(dev, CL_DEVICE_OPENCL_C_ALL_VERSIONS, &n);
	bool found = false;

	for (size_t i = 0; i < n && !found; i++)
		found = CL_VERSION_MAJOR(nv[i].version) == major &&
			CL_VERSION_MINOR(nv[i].version) == minor;
	free(nv);
	return found;
}

cl_program build_program(cl_context ctx, cl_device_id dev, const char *src,
			 const char *options)
{
	cl_int err;
	cl_program prog = clCreateProgramWithSource(ctx, 1, &src, NULL, &err);
	double t;

	CL_CHECK_ERR(err);
	t = now_ms();
	err = clBuildProgram(prog, 1, &dev, options, NULL, NULL);
	t = now_ms() - t;
	if (err != CL_SUCCESS) {
		size_t size = 0;
		char *log;

		fprintf(stderr, "%s: clBuildProgram(\"%s\") failed: %s (%d)\n", sample_name,
			options ? options : "", cl_errname(err), err);
		if (clGetProgramBuildInfo(prog, dev, CL_PROGRAM_BUILD_LOG, 0, NULL, &size) ==
			    CL_SUCCESS && size > 1 && (log = malloc(size))) {
			if (clGetProgramBuildInfo(prog, dev, CL_PROGRAM_BUILD_LOG, size, log,
						  NULL) == CL_SUCCESS)
				fprintf(stderr, "build log:\n%s\n", log);
			free(log);
		} else {
			fprintf(stderr, "(no build log)\n");
		}
		exit(1);
	}
	printf("built the program (%s) in %.1f ms\n", options && *options ? options : "no options",
	       t);
	return prog;
}

void *svm_alloc(cl_context ctx, cl_svm_mem_flags flags, size_t size)
{
	void *p = clSVMAlloc(ctx, flags, size, 0);

	if (!p) {
		fprintf(stderr, "%s: clSVMAlloc(flags 0x%llx, %zu bytes) returned NULL\n",
			sample_name, (unsigned long long)flags, size);
		exit(1);
	}
	return p;
}

double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

double event_ms(cl_event ev)
{
	cl_ulong start, end;

	CL_CHECK(clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_START, sizeof(start), &start,
					 NULL));
	CL_CHECK(clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_END, sizeof(end), &end, NULL));
	return (end - start) / 1e6;
}
