// SPDX-License-Identifier: MIT
/* clCompileProgram and clLinkProgram for the cuda device, on any machine:
 * with the offline cuda device (SVMGPU_CUDA_OFFLINE=sm_90) beside the CPU
 * device in one context, objects compiled with an embedded header link into
 * an executable for both (PTX with the kernel's entry for the cuda device;
 * the kernel runs on the CPU device), through a library (-create-library)
 * too, and from object binaries loaded back with clCreateProgramWithBinary.
 * An object compiled for the CPU device only does not link for the cuda
 * device (CL_INVALID_OPERATION) nor load for it (CL_INVALID_BINARY). */
#include "testutil.h"

static const char *header = "float scale(float x);\n";
static const char *lib_src = "#include \"helper.h\"\n"
			     "float scale(float x) { return 2.0f * x + 1.0f; }\n";
static const char *main_src = "#include \"helper.h\"\n"
			      "kernel void twice(global float *p)\n"
			      "{ p[get_global_id(0)] = scale(p[get_global_id(0)]); }\n";

static cl_context ctx;
static cl_device_id devs[2]; /* the CPU device, the cuda device */

static void print_log(cl_program p, cl_device_id d)
{
	char log[8192] = "";

	clGetProgramBuildInfo(p, d, CL_PROGRAM_BUILD_LOG, sizeof(log), log, NULL);
	if (*log)
		printf("# log: %s\n", log);
}

/* src compiled for the devices given (all of the context's when n is 0). */
static cl_program compile(const char *src, cl_uint n, const cl_device_id *list)
{
	cl_int err;
	cl_program p = clCreateProgramWithSource(ctx, 1, &src, NULL, &err);
	cl_program h = clCreateProgramWithSource(ctx, 1, &header, NULL, &err);
	const char *name = "helper.h";

	REQUIRE(p && h, "programs: %s", tu_errname(err));
	err = clCompileProgram(p, n, list, "", 1, &h, &name, NULL, NULL);
	if (err)
		print_log(p, devs[1]);
	CHECK_OK(err, "clCompileProgram for %u devices", n ? n : 2);
	clReleaseProgram(h);
	return p;
}

static cl_program link(const char *opts, cl_uint n, const cl_program *in, cl_int want)
{
	cl_int err;
	cl_program p = clLinkProgram(ctx, 0, NULL, opts, n, in, NULL, NULL, &err);

	if (err != want && p)
		print_log(p, devs[1]);
	CHECK_ERR(err, want, "clLinkProgram \"%s\" of %u inputs", opts, n);
	return p;
}

static unsigned char *binary_of(cl_program p, int dev, size_t *size)
{
	size_t sizes[2] = {0};
	unsigned char *bins[2] = {0};

	CHECK_OK(clGetProgramInfo(p, CL_PROGRAM_BINARY_SIZES, sizeof(sizes), sizes, NULL),
		 "binary sizes");
	for (int i = 0; i < 2; i++) {
		bins[i] = malloc(sizes[i] ? sizes[i] : 1);
		REQUIRE(bins[i] != NULL, "memory");
	}
	CHECK_OK(clGetProgramInfo(p, CL_PROGRAM_BINARIES, sizeof(bins), bins, NULL), "binaries");
	free(bins[1 - dev]);
	*size = sizes[dev];
	return bins[dev];
}

/* The executable: PTX with the kernel's entry for the cuda device, and the
 * kernel gives scale()'s results on the CPU device. */
static void check_executable(cl_program p, const char *how)
{
	cl_build_status st[2] = {CL_BUILD_NONE, CL_BUILD_NONE};
	cl_program_binary_type type = 0;
	size_t size;
	unsigned char *bin;
	float data[64];
	size_t g = 64;
	cl_command_queue q;
	cl_kernel k;
	cl_int err;
	int bad = 0;

	for (int d = 0; d < 2; d++)
		clGetProgramBuildInfo(p, devs[d], CL_PROGRAM_BUILD_STATUS, sizeof(st[d]), &st[d],
				      NULL);
	clGetProgramBuildInfo(p, devs[1], CL_PROGRAM_BINARY_TYPE, sizeof(type), &type, NULL);
	CHECK(st[0] == CL_BUILD_SUCCESS && st[1] == CL_BUILD_SUCCESS,
	      "%s: built for both devices (%d, %d)", how, st[0], st[1]);
	CHECK(type == CL_PROGRAM_BINARY_TYPE_EXECUTABLE, "%s: an executable for cuda", how);
	bin = binary_of(p, 1, &size);
	CHECK(bin && size && memmem(bin, size, ".target sm_90", 13) &&
		      memmem(bin, size, ".entry twice(", 13),
	      "%s: PTX for sm_90 with the kernel's entry", how);
	free(bin);

	for (int i = 0; i < 64; i++)
		data[i] = (float)i;
	q = clCreateCommandQueueWithProperties(ctx, devs[0], NULL, &err);
	k = clCreateKernel(p, "twice", &err);
	REQUIRE(q && k, "%s: queue and kernel: %s", how, tu_errname(err));
	clSetKernelArgSVMPointer(k, 0, data);
	CHECK_OK(clEnqueueNDRangeKernel(q, k, 1, NULL, &g, NULL, 0, NULL, NULL), "%s: run", how);
	clFinish(q);
	for (int i = 0; i < 64; i++)
		bad += data[i] != 2.0f * (float)i + 1.0f;
	CHECK(bad == 0, "%s: the CPU device runs the linked kernel (%d wrong)", how, bad);
	clReleaseKernel(k);
	clReleaseCommandQueue(q);
}

/* a and b linked for both devices: a working executable. */
static void link_and_check(cl_program a, cl_program b, const char *how)
{
	cl_program in[2] = {a, b}, exe = link("", 2, in, CL_SUCCESS);

	if (exe) {
		check_executable(exe, how);
		clReleaseProgram(exe);
	}
}

static void check_object_binaries(cl_program lib, cl_program main_obj)
{
	size_t sizes[2];
	unsigned char *bins[2];
	cl_int st[2], err;
	cl_program loaded;

	for (int d = 0; d < 2; d++)
		bins[d] = binary_of(main_obj, d, &sizes[d]);
	loaded = clCreateProgramWithBinary(ctx, 2, devs, sizes, (const unsigned char **)bins, st,
					   &err);
	CHECK_OK(err, "an object's binaries load back for both devices");
	link_and_check(lib, loaded, "linked from loaded object binaries");
	clReleaseProgram(loaded);
	free(bins[0]);
	free(bins[1]);
}

/* Compiled for the CPU device only: nothing for the cuda device. */
static void check_cpu_only(cl_program lib)
{
	cl_program obj = compile(main_src, 1, devs), in[2] = {lib, obj}, p;
	size_t size;
	unsigned char *bin = binary_of(obj, 0, &size);
	const unsigned char *bins[1] = {bin};
	cl_int err, st = 0;

	p = clLinkProgram(ctx, 1, &devs[1], "", 2, in, NULL, NULL, &err);
	CHECK_ERR(err, CL_INVALID_OPERATION, "linking a CPU-only object for the cuda device");
	if (p)
		clReleaseProgram(p);
	p = clLinkProgram(ctx, 1, &devs[0], "", 2, in, NULL, NULL, &err);
	CHECK_OK(err, "the same object links for the CPU device");
	if (p)
		clReleaseProgram(p);
	p = clCreateProgramWithBinary(ctx, 1, &devs[1], &size, bins, &st, &err);
	CHECK_ERR(err, CL_INVALID_BINARY, "a CPU-only object does not load for the cuda device");
	CHECK(st == CL_INVALID_BINARY, "binary_status says so (%d)", st);
	if (p)
		clReleaseProgram(p);
	free(bin);
	clReleaseProgram(obj);
}

int main(void)
{
	cl_platform_id plat = tu_platform(NULL);
	cl_program lib_obj, main_obj, library;
	cl_program_binary_type type = 0;
	cl_int err;

	if (clGetDeviceIDs(plat, CL_DEVICE_TYPE_GPU, 1, &devs[1], NULL) != CL_SUCCESS ||
	    clGetDeviceIDs(plat, CL_DEVICE_TYPE_CPU, 1, &devs[0], NULL) != CL_SUCCESS) {
		printf("skip: no cuda device beside the CPU device (SVMGPU_CUDA_OFFLINE unset?)\n");
		return 77;
	}
	ctx = clCreateContext(NULL, 2, devs, NULL, NULL, &err);
	REQUIRE(ctx, "context on both devices: %s", tu_errname(err));

	lib_obj = compile(lib_src, 0, NULL);
	main_obj = compile(main_src, 0, NULL);
	clGetProgramBuildInfo(main_obj, devs[1], CL_PROGRAM_BINARY_TYPE, sizeof(type), &type,
			      NULL);
	CHECK(type == CL_PROGRAM_BINARY_TYPE_COMPILED_OBJECT, "a compiled object for cuda");

	link_and_check(lib_obj, main_obj, "two objects");

	library = link("-create-library", 1, &lib_obj, CL_SUCCESS);
	clGetProgramBuildInfo(library, devs[1], CL_PROGRAM_BINARY_TYPE, sizeof(type), &type,
			      NULL);
	CHECK(type == CL_PROGRAM_BINARY_TYPE_LIBRARY, "a library for cuda");
	link_and_check(library, main_obj, "a library and an object");

	check_object_binaries(library, main_obj);
	check_cpu_only(lib_obj);

	clReleaseProgram(library);
	clReleaseProgram(lib_obj);
	clReleaseProgram(main_obj);
	clReleaseContext(ctx);
	return tu_done();
}
