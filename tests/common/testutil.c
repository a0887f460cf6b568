// SPDX-License-Identifier: MIT
#include "testutil.h"

#include <time.h>
#include <unistd.h>

int tu_checks, tu_failures;

const char *tu_errname(cl_int err)
{
	switch (err) {
#define E(x) case x: return #x;
	E(CL_SUCCESS) E(CL_DEVICE_NOT_FOUND) E(CL_DEVICE_NOT_AVAILABLE)
	E(CL_COMPILER_NOT_AVAILABLE) E(CL_MEM_OBJECT_ALLOCATION_FAILURE)
	E(CL_OUT_OF_RESOURCES) E(CL_OUT_OF_HOST_MEMORY)
	E(CL_PROFILING_INFO_NOT_AVAILABLE) E(CL_MEM_COPY_OVERLAP)
	E(CL_IMAGE_FORMAT_MISMATCH) E(CL_IMAGE_FORMAT_NOT_SUPPORTED)
	E(CL_BUILD_PROGRAM_FAILURE) E(CL_MAP_FAILURE)
	E(CL_MISALIGNED_SUB_BUFFER_OFFSET)
	E(CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST)
	E(CL_COMPILE_PROGRAM_FAILURE) E(CL_LINKER_NOT_AVAILABLE)
	E(CL_LINK_PROGRAM_FAILURE) E(CL_DEVICE_PARTITION_FAILED)
	E(CL_KERNEL_ARG_INFO_NOT_AVAILABLE) E(CL_INVALID_VALUE)
	E(CL_INVALID_DEVICE_TYPE) E(CL_INVALID_PLATFORM) E(CL_INVALID_DEVICE)
	E(CL_INVALID_CONTEXT) E(CL_INVALID_QUEUE_PROPERTIES)
	E(CL_INVALID_COMMAND_QUEUE) E(CL_INVALID_HOST_PTR)
	E(CL_INVALID_MEM_OBJECT) E(CL_INVALID_IMAGE_FORMAT_DESCRIPTOR)
	E(CL_INVALID_IMAGE_SIZE) E(CL_INVALID_SAMPLER) E(CL_INVALID_BINARY)
	E(CL_INVALID_BUILD_OPTIONS) E(CL_INVALID_PROGRAM)
	E(CL_INVALID_PROGRAM_EXECUTABLE) E(CL_INVALID_KERNEL_NAME)
	E(CL_INVALID_KERNEL_DEFINITION) E(CL_INVALID_KERNEL)
	E(CL_INVALID_ARG_INDEX) E(CL_INVALID_ARG_VALUE) E(CL_INVALID_ARG_SIZE)
	E(CL_INVALID_KERNEL_ARGS) E(CL_INVALID_WORK_DIMENSION)
	E(CL_INVALID_WORK_GROUP_SIZE) E(CL_INVALID_WORK_ITEM_SIZE)
	E(CL_INVALID_GLOBAL_OFFSET) E(CL_INVALID_EVENT_WAIT_LIST)
	E(CL_INVALID_EVENT) E(CL_INVALID_OPERATION) E(CL_INVALID_GL_OBJECT)
	E(CL_INVALID_BUFFER_SIZE) E(CL_INVALID_MIP_LEVEL)
	E(CL_INVALID_GLOBAL_WORK_SIZE) E(CL_INVALID_PROPERTY)
	E(CL_INVALID_IMAGE_DESCRIPTOR) E(CL_INVALID_COMPILER_OPTIONS)
	E(CL_INVALID_LINKER_OPTIONS) E(CL_INVALID_DEVICE_PARTITION_COUNT)
	E(CL_INVALID_PIPE_SIZE) E(CL_INVALID_DEVICE_QUEUE)
	E(CL_INVALID_SPEC_ID) E(CL_MAX_SIZE_RESTRICTION_EXCEEDED)
#undef E
	default: return "?";
	}
}

cl_platform_id tu_platform(const char *name)
{
	cl_platform_id ps[16];
	cl_uint n = 0;
	char buf[256];

	if (!name)
		name = "svmgpu";
	if (clGetPlatformIDs(16, ps, &n) != CL_SUCCESS || n == 0) {
		printf("not ok - no OpenCL platform (is OCL_ICD_VENDORS set?)\n");
		exit(1);
	}
	for (cl_uint i = 0; i < n && i < 16; i++) {
		if (clGetPlatformInfo(ps[i], CL_PLATFORM_NAME, sizeof(buf), buf, NULL) ==
			    CL_SUCCESS &&
		    strstr(buf, name))
			return ps[i];
	}
	printf("not ok - platform \"%s\" not found among %u\n", name, n);
	exit(1);
}

void tu_env_init(struct tu_env *env, cl_command_queue_properties qprops)
{
	cl_int err;
	cl_queue_properties props[] = {CL_QUEUE_PROPERTIES, qprops, 0};

	env->platform = tu_platform(NULL);
	err = clGetDeviceIDs(env->platform, CL_DEVICE_TYPE_DEFAULT, 1, &env->device, NULL);
	REQUIRE(err == CL_SUCCESS, "default device: %s", tu_errname(err));
	env->context = clCreateContext(NULL, 1, &env->device, NULL, NULL, &err);
	REQUIRE(err == CL_SUCCESS, "context: %s", tu_errname(err));
	env->queue = clCreateCommandQueueWithProperties(env->context, env->device,
							qprops ? props : NULL, &err);
	REQUIRE(err == CL_SUCCESS, "queue: %s", tu_errname(err));
}

void tu_env_fini(struct tu_env *env)
{
	CHECK_OK(clFinish(env->queue), "final clFinish");
	CHECK_OK(clReleaseCommandQueue(env->queue), "release queue");
	CHECK_OK(clReleaseContext(env->context), "release context");
}

unsigned long long tu_xorshift(unsigned long long *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

char *tu_read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (!fseek(f, 0, SEEK_END) && (n = ftell(f)) >= 0 && !fseek(f, 0, SEEK_SET) &&
	    (buf = calloc(1, (size_t)n + 1)) && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

int tu_done(void)
{
	printf("%d checks, %d failed\n", tu_checks, tu_failures);
	return tu_failures ? 1 : 0;
}

cl_kernel tu_kernel(cl_program p, const char *name)
{
	cl_int err;
	cl_kernel k = clCreateKernel(p, name, &err);

	REQUIRE(k != NULL, "kernel %s: %s", name, tu_errname(err));
	return k;
}

cl_program tu_build_said(struct tu_env *env, const char *src, const char *opts, char **said)
{
	static unsigned seq;
	char full[256];
	cl_int err;
	cl_program p = clCreateProgramWithSource(env->context, 1, &src, NULL, &err);
	FILE *tmp = tmpfile();
	int saved = dup(2);
	long len;

	REQUIRE(p && tmp && saved >= 0, "program: %s", tu_errname(err));
	snprintf(full, sizeof(full), "-cl-std=CL3.0 -DNONCE=%ld%u%ld %s", (long)getpid(), seq++,
		 (long)time(NULL), opts);
	fflush(stderr);
	dup2(fileno(tmp), 2);
	setenv("SVMGPU_DEBUG", "1", 1);
	err = clBuildProgram(p, 1, &env->device, full, NULL, NULL);
	unsetenv("SVMGPU_DEBUG");
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	len = ftell(tmp);
	*said = calloc(1, len > 0 ? (size_t)len + 1 : 1);
	REQUIRE(*said != NULL, "memory");
	rewind(tmp);
	if (len > 0 && fread(*said, 1, (size_t)len, tmp) != (size_t)len)
		**said = 0;
	fclose(tmp);
	if (err) {
		static char log[16384];

		clGetProgramBuildInfo(p, env->device, CL_PROGRAM_BUILD_LOG, sizeof(log), log,
				      NULL);
		printf("# build log:\n%s\n", log);
	}
	REQUIRE(err == CL_SUCCESS, "build with \"%s\": %s", opts, tu_errname(err));
	return p;
}
