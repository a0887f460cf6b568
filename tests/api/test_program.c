// SPDX-License-Identifier: MIT
/* Programs before the compiler: sources are kept exactly, every creation,
 * build, compile and link entry point checks its arguments, builds fail with
 * CL_COMPILER_NOT_AVAILABLE and say why in the build log (calling pfn_notify
 * all the same), and the kernel entry points refuse what cannot exist. */
#define CL_USE_DEPRECATED_OPENCL_2_2_APIS /* clSetProgramReleaseCallback */
#include "testutil.h"
#include <CL/cl_icd.h>

struct fake {
	const cl_icd_dispatch *dispatch;
	cl_uint magic, refcount;
};

static struct tu_env env;
static const cl_icd_dispatch *disp;
static struct fake fake;

static cl_uint ctx_refs(void)
{
	cl_uint n = 0;

	CHECK_OK(clGetContextInfo(env.context, CL_CONTEXT_REFERENCE_COUNT, sizeof(n), &n, NULL),
		 "context count");
	return n;
}

static cl_program source_program(void)
{
	const char *src = "kernel void k(global int *p) { p[0] = 1; }";
	cl_int err;
	cl_program p = clCreateProgramWithSource(env.context, 1, &src, NULL, &err);

	REQUIRE(p && err == CL_SUCCESS, "program: %s", tu_errname(err));
	return p;
}

static void check_source(void)
{
	const char *parts[] = {"abcXXX", "def", "ghiYY"};
	const size_t lens[] = {3, 0, 3};
	const char *with_null[] = {"a", NULL};
	char buf[64];
	size_t sz = 0;
	cl_uint refs = ctx_refs(), n = 0;
	cl_int err;
	cl_program p;
	cl_context c = NULL;
	cl_device_id d = NULL;

	/* Lengths honoured; a zero length means NUL-terminated. */
	p = clCreateProgramWithSource(env.context, 3, parts, lens, &err);
	REQUIRE(p && err == CL_SUCCESS, "program from 3 strings: %s", tu_errname(err));
	CHECK_OK(clGetProgramInfo(p, CL_PROGRAM_SOURCE, 0, NULL, &sz), "source size");
	CHECK(sz == 10, "source size %zu", sz);
	CHECK_OK(clGetProgramInfo(p, CL_PROGRAM_SOURCE, sizeof(buf), buf, NULL), "source");
	CHECK(strcmp(buf, "abcdefghi") == 0, "source \"%s\"", buf);
	CHECK_ERR(clGetProgramInfo(p, CL_PROGRAM_SOURCE, sz - 1, buf, NULL), CL_INVALID_VALUE,
		  "source into a short buffer");
	CHECK(ctx_refs() == refs + 1, "the program holds a context reference");

	CHECK_OK(clGetProgramInfo(p, CL_PROGRAM_CONTEXT, sizeof(c), &c, NULL), "context");
	CHECK(c == env.context, "program context");
	CHECK_OK(clGetProgramInfo(p, CL_PROGRAM_NUM_DEVICES, sizeof(n), &n, NULL), "devices");
	CHECK_OK(clGetProgramInfo(p, CL_PROGRAM_DEVICES, sizeof(d), &d, &sz), "device list");
	CHECK(n == 1 && d == env.device && sz == sizeof(d), "the context's device");
	CHECK_OK(clGetProgramInfo(p, CL_PROGRAM_REFERENCE_COUNT, sizeof(n), &n, NULL), "refs");
	CHECK(n == 1, "one reference");
	CHECK_OK(clRetainProgram(p), "retain");
	CHECK_OK(clGetProgramInfo(p, CL_PROGRAM_REFERENCE_COUNT, sizeof(n), &n, NULL), "refs");
	CHECK(n == 2, "two references");
	CHECK_OK(clReleaseProgram(p), "release");
	CHECK_OK(clReleaseProgram(p), "release last");
	CHECK(ctx_refs() == refs, "the context reference is returned");

	/* lengths NULL. */
	p = clCreateProgramWithSource(env.context, 2, parts + 1, NULL, NULL);
	REQUIRE(p != NULL, "program, no lengths, errcode_ret NULL");
	CHECK_OK(clGetProgramInfo(p, CL_PROGRAM_SOURCE, sizeof(buf), buf, NULL), "source");
	CHECK(strcmp(buf, "defghiYY") == 0, "source \"%s\"", buf);
	CHECK_OK(clReleaseProgram(p), "release");

	/* Errors. */
	p = clCreateProgramWithSource(env.context, 0, parts, NULL, &err);
	CHECK(!p && err == CL_INVALID_VALUE, "count 0: %s", tu_errname(err));
	p = clCreateProgramWithSource(env.context, 1, NULL, NULL, &err);
	CHECK(!p && err == CL_INVALID_VALUE, "strings NULL: %s", tu_errname(err));
	p = clCreateProgramWithSource(env.context, 2, with_null, NULL, &err);
	CHECK(!p && err == CL_INVALID_VALUE, "strings[1] NULL: %s", tu_errname(err));
	p = clCreateProgramWithSource((cl_context)&fake, 1, parts, NULL, &err);
	CHECK(!p && err == CL_INVALID_CONTEXT, "unknown context: %s", tu_errname(err));
	CHECK(ctx_refs() == refs, "failed creations hold nothing");
}

static void check_other_creations(void)
{
	const unsigned char bin[] = {0x7f, 'E', 'L', 'F', 1, 2, 3, 4};
	const unsigned char *bins[] = {bin};
	const unsigned char *nobins[] = {NULL};
	size_t len = sizeof(bin), zero = 0;
	cl_int st = 0, err;
	cl_device_id bad = (cl_device_id)&fake;
	cl_program p;
	cl_uint refs = ctx_refs();

	p = clCreateProgramWithBinary(env.context, 1, &env.device, &len, bins, &st, &err);
	CHECK(!p && err == CL_INVALID_BINARY && st == CL_INVALID_BINARY,
	      "no binary format yet: %s / %s", tu_errname(err), tu_errname(st));
	p = clCreateProgramWithBinary(env.context, 1, &env.device, &zero, bins, &st, &err);
	CHECK(!p && err == CL_INVALID_VALUE && st == CL_INVALID_VALUE, "empty binary: %s / %s",
	      tu_errname(err), tu_errname(st));
	p = clCreateProgramWithBinary(env.context, 1, &env.device, &len, nobins, &st, &err);
	CHECK(!p && err == CL_INVALID_VALUE && st == CL_INVALID_VALUE, "NULL binary: %s / %s",
	      tu_errname(err), tu_errname(st));
	p = clCreateProgramWithBinary(env.context, 1, &env.device, NULL, bins, NULL, &err);
	CHECK(!p && err == CL_INVALID_VALUE, "lengths NULL: %s", tu_errname(err));
	p = clCreateProgramWithBinary(env.context, 1, &env.device, &len, NULL, NULL, &err);
	CHECK(!p && err == CL_INVALID_VALUE, "binaries NULL: %s", tu_errname(err));
	p = clCreateProgramWithBinary(env.context, 0, &env.device, &len, bins, NULL, &err);
	CHECK(!p && err == CL_INVALID_VALUE, "num_devices 0: %s", tu_errname(err));
	p = clCreateProgramWithBinary(env.context, 1, NULL, &len, bins, NULL, &err);
	CHECK(!p && err == CL_INVALID_VALUE, "device_list NULL: %s", tu_errname(err));
	p = clCreateProgramWithBinary(env.context, 1, &bad, &len, bins, NULL, &err);
	CHECK(!p && err == CL_INVALID_DEVICE, "unknown device: %s", tu_errname(err));
	p = clCreateProgramWithBinary((cl_context)&fake, 1, &env.device, &len, bins, NULL, &err);
	CHECK(!p && err == CL_INVALID_CONTEXT, "binary, unknown context: %s", tu_errname(err));

	p = clCreateProgramWithBuiltInKernels(env.context, 1, &env.device, "k", &err);
	CHECK(!p && err == CL_INVALID_VALUE, "no built-in kernels: %s", tu_errname(err));
	p = clCreateProgramWithBuiltInKernels(env.context, 1, &env.device, NULL, &err);
	CHECK(!p && err == CL_INVALID_VALUE, "kernel_names NULL: %s", tu_errname(err));
	p = clCreateProgramWithBuiltInKernels(env.context, 0, NULL, "k", &err);
	CHECK(!p && err == CL_INVALID_VALUE, "built-in, no devices: %s", tu_errname(err));
	p = clCreateProgramWithBuiltInKernels(env.context, 1, &bad, "k", &err);
	CHECK(!p && err == CL_INVALID_DEVICE, "built-in, unknown device: %s", tu_errname(err));

	p = clCreateProgramWithIL(env.context, bin, sizeof(bin), &err);
	CHECK(!p && err == CL_INVALID_OPERATION, "no IL support: %s", tu_errname(err));
	p = clCreateProgramWithIL((cl_context)&fake, bin, sizeof(bin), &err);
	CHECK(!p && err == CL_INVALID_CONTEXT, "IL, unknown context: %s", tu_errname(err));
	CHECK(ctx_refs() == refs, "failed creations hold nothing");
}

static void check_kernels(cl_program p);

static int notified;
static cl_program notified_program;

static void CL_CALLBACK on_built(cl_program p, void *data)
{
	notified += *(int *)data;
	notified_program = p;
}

static void check_info_before_build(cl_program p)
{
	cl_build_status st = 42;
	cl_program_binary_type bt = 42;
	char buf[256] = "untouched";
	size_t sz = 7, sizes[2] = {5, 5};
	unsigned char *bins[1] = {NULL};
	cl_uint n = 0;

	CHECK_OK(clGetProgramBuildInfo(p, env.device, CL_PROGRAM_BUILD_STATUS, sizeof(st), &st,
				       &sz), "status");
	CHECK(st == CL_BUILD_NONE && sz == sizeof(st), "CL_BUILD_NONE before any build");
	CHECK_OK(clGetProgramBuildInfo(p, env.device, CL_PROGRAM_BINARY_TYPE, sizeof(bt), &bt,
				       NULL), "binary type");
	CHECK(bt == CL_PROGRAM_BINARY_TYPE_NONE, "no binary");
	CHECK_OK(clGetProgramBuildInfo(p, env.device, CL_PROGRAM_BUILD_OPTIONS, sizeof(buf), buf,
				       &sz), "options");
	CHECK(sz == 1 && buf[0] == '\0', "no options yet");
	CHECK_OK(clGetProgramBuildInfo(p, env.device, CL_PROGRAM_BUILD_LOG, sizeof(buf), buf,
				       &sz), "log");
	CHECK(sz == 1 && buf[0] == '\0', "empty log");
	CHECK_OK(clGetProgramBuildInfo(p, env.device, CL_PROGRAM_BUILD_GLOBAL_VARIABLE_TOTAL_SIZE,
				       0, NULL, &sz), "global variable size");
	CHECK(sz == sizeof(size_t), "global variable size is a size_t");
	CHECK_ERR(clGetProgramBuildInfo(p, (cl_device_id)&fake, CL_PROGRAM_BUILD_STATUS,
					sizeof(st), &st, NULL),
		  CL_INVALID_DEVICE, "unknown device");
	CHECK_ERR(clGetProgramBuildInfo(p, env.device, 0x4242, sizeof(st), &st, NULL),
		  CL_INVALID_VALUE, "unknown build info");
	CHECK_ERR(clGetProgramBuildInfo(p, env.device, CL_PROGRAM_BUILD_STATUS, 1, &st, NULL),
		  CL_INVALID_VALUE, "status into 1 byte");

	/* No IL: size 0, param_value untouched. */
	sz = 9;
	strcpy(buf, "untouched");
	CHECK_OK(clGetProgramInfo(p, CL_PROGRAM_IL, sizeof(buf), buf, &sz), "IL");
	CHECK(sz == 0 && strcmp(buf, "untouched") == 0, "no IL");
	CHECK_OK(clGetProgramInfo(p, CL_PROGRAM_BINARY_SIZES, sizeof(sizes), sizes, &sz), "sizes");
	CHECK(sz == sizeof(size_t) && sizes[0] == 0, "binary size 0");
	CHECK_OK(clGetProgramInfo(p, CL_PROGRAM_BINARIES, sizeof(bins), bins, &sz), "binaries");
	CHECK(sz == sizeof(bins), "one binary pointer");
	CHECK_ERR(clGetProgramInfo(p, CL_PROGRAM_BINARIES, 1, bins, NULL), CL_INVALID_VALUE,
		  "binaries into 1 byte");
	CHECK_ERR(clGetProgramInfo(p, CL_PROGRAM_NUM_KERNELS, sizeof(sz), &sz, NULL),
		  CL_INVALID_PROGRAM_EXECUTABLE, "no kernels before a build");
	CHECK_ERR(clGetProgramInfo(p, CL_PROGRAM_KERNEL_NAMES, sizeof(buf), buf, NULL),
		  CL_INVALID_PROGRAM_EXECUTABLE, "no kernel names before a build");
	CHECK_ERR(clGetProgramInfo(p, 0x4242, sizeof(n), &n, NULL), CL_INVALID_VALUE,
		  "unknown program info");
	CHECK_ERR(clGetProgramInfo((cl_program)&fake, CL_PROGRAM_NUM_DEVICES, sizeof(n), &n,
				   NULL), CL_INVALID_PROGRAM, "unknown program");
}

static void check_build(void)
{
	cl_program p = source_program(), hdr = source_program(), out;
	cl_device_id bad = (cl_device_id)&fake;
	const char *names[] = {"h.h"};
	cl_build_status st = 42;
	char log[512], opts[64];
	int one = 1;
	cl_int err;

	check_info_before_build(p);

	/* Argument checks first. */
	CHECK_ERR(clBuildProgram(p, 1, NULL, NULL, NULL, NULL), CL_INVALID_VALUE,
		  "num_devices 1, device_list NULL");
	CHECK_ERR(clBuildProgram(p, 0, &env.device, NULL, NULL, NULL), CL_INVALID_VALUE,
		  "num_devices 0, device_list given");
	CHECK_ERR(clBuildProgram(p, 0, NULL, NULL, NULL, &one), CL_INVALID_VALUE,
		  "user_data without pfn_notify");
	CHECK_ERR(clBuildProgram(p, 1, &bad, NULL, NULL, NULL), CL_INVALID_DEVICE,
		  "a device not of the program");
	CHECK_ERR(clBuildProgram((cl_program)&fake, 0, NULL, NULL, NULL, NULL),
		  CL_INVALID_PROGRAM, "unknown program");
	CHECK_OK(clGetProgramBuildInfo(p, env.device, CL_PROGRAM_BUILD_STATUS, sizeof(st), &st,
				       NULL), "status");
	CHECK(st == CL_BUILD_NONE, "refused builds change nothing");

	/* The build itself: no compiler, a log that says so, the callback. */
	notified = 0;
	CHECK_ERR(clBuildProgram(p, 1, &env.device, "-DX=1 -cl-fast-relaxed-math", on_built,
				 &one), CL_COMPILER_NOT_AVAILABLE, "build");
	CHECK(notified == 1 && notified_program == p, "pfn_notify called once with the program");
	CHECK_OK(clGetProgramBuildInfo(p, env.device, CL_PROGRAM_BUILD_STATUS, sizeof(st), &st,
				       NULL), "status");
	CHECK(st == CL_BUILD_ERROR, "CL_BUILD_ERROR after the build");
	CHECK_OK(clGetProgramBuildInfo(p, env.device, CL_PROGRAM_BUILD_LOG, sizeof(log), log,
				       NULL), "log");
	CHECK(strstr(log, "compiler") && strstr(log, "not available"), "log: \"%s\"", log);
	CHECK_OK(clGetProgramBuildInfo(p, env.device, CL_PROGRAM_BUILD_OPTIONS, sizeof(opts),
				       opts, NULL), "options");
	CHECK(strcmp(opts, "-DX=1 -cl-fast-relaxed-math") == 0, "options \"%s\"", opts);
	CHECK_ERR(clBuildProgram(p, 0, NULL, NULL, NULL, NULL), CL_COMPILER_NOT_AVAILABLE,
		  "build for every device, no callback");
	CHECK_ERR(clGetProgramInfo(p, CL_PROGRAM_NUM_KERNELS, sizeof(size_t), opts, NULL),
		  CL_INVALID_PROGRAM_EXECUTABLE, "a failed build has no kernels");

	/* Compile. */
	notified = 0;
	CHECK_ERR(clCompileProgram(p, 0, NULL, "-DY", 1, &hdr, names, on_built, &one),
		  CL_COMPILER_NOT_AVAILABLE, "compile");
	CHECK(notified == 1, "compile: pfn_notify called");
	CHECK_ERR(clCompileProgram(p, 0, NULL, NULL, 0, &hdr, NULL, NULL, NULL), CL_INVALID_VALUE,
		  "headers with num_input_headers 0");
	CHECK_ERR(clCompileProgram(p, 0, NULL, NULL, 1, &hdr, NULL, NULL, NULL), CL_INVALID_VALUE,
		  "a header without a name");
	CHECK_ERR(clCompileProgram(p, 0, NULL, NULL, 1, NULL, names, NULL, NULL),
		  CL_INVALID_VALUE, "a name without a header");
	CHECK_ERR(clCompileProgram(p, 0, NULL, NULL, 0, NULL, NULL, NULL, &one),
		  CL_INVALID_VALUE, "compile: user_data without pfn_notify");
	CHECK_ERR(clCompileProgram(p, 1, &bad, NULL, 0, NULL, NULL, NULL, NULL),
		  CL_INVALID_DEVICE, "compile: unknown device");
	{
		cl_program badhdr = (cl_program)&fake;

		CHECK_ERR(clCompileProgram(p, 0, NULL, NULL, 1, &badhdr, names, NULL, NULL),
			  CL_INVALID_PROGRAM, "an invalid header program");
	}

	/* Link. */
	notified = 0;
	out = clLinkProgram(env.context, 0, NULL, NULL, 1, &p, on_built, &one, &err);
	CHECK(!out && err == CL_LINKER_NOT_AVAILABLE, "link: %s", tu_errname(err));
	out = clLinkProgram(env.context, 0, NULL, NULL, 0, &p, NULL, NULL, &err);
	CHECK(!out && err == CL_INVALID_VALUE, "no input programs: %s", tu_errname(err));
	out = clLinkProgram(env.context, 0, NULL, NULL, 1, NULL, NULL, NULL, &err);
	CHECK(!out && err == CL_INVALID_VALUE, "input_programs NULL: %s", tu_errname(err));
	out = clLinkProgram(env.context, 1, NULL, NULL, 1, &p, NULL, NULL, &err);
	CHECK(!out && err == CL_INVALID_VALUE, "link, device_list NULL: %s", tu_errname(err));
	out = clLinkProgram(env.context, 1, &bad, NULL, 1, &p, NULL, NULL, &err);
	CHECK(!out && err == CL_INVALID_DEVICE, "link, unknown device: %s", tu_errname(err));
	out = clLinkProgram(env.context, 0, NULL, NULL, 1, &p, NULL, &one, &err);
	CHECK(!out && err == CL_INVALID_VALUE, "link, user_data only: %s", tu_errname(err));
	{
		cl_program two[2] = {p, (cl_program)&fake};

		out = clLinkProgram(env.context, 0, NULL, NULL, 2, two, NULL, NULL, &err);
		CHECK(!out && err == CL_INVALID_PROGRAM, "an invalid input: %s", tu_errname(err));
	}
	out = clLinkProgram((cl_context)&fake, 0, NULL, NULL, 1, &p, NULL, NULL, &err);
	CHECK(!out && err == CL_INVALID_CONTEXT, "link, unknown context: %s", tu_errname(err));

	/* Release callbacks and specialization constants. */
	CHECK_ERR(clSetProgramReleaseCallback(p, on_built, NULL), CL_INVALID_OPERATION,
		  "no program scope destructors");
	CHECK_ERR(clSetProgramReleaseCallback(p, NULL, NULL), CL_INVALID_VALUE,
		  "NULL release callback");
	CHECK_ERR(clSetProgramReleaseCallback((cl_program)&fake, on_built, NULL),
		  CL_INVALID_PROGRAM, "release callback, unknown program");
	CHECK_ERR(clSetProgramSpecializationConstant(p, 0, sizeof(int), &one), CL_INVALID_PROGRAM,
		  "not created from IL");
	CHECK_ERR(clSetProgramSpecializationConstant((cl_program)&fake, 0, sizeof(int), &one),
		  CL_INVALID_PROGRAM, "specialization, unknown program");

	check_kernels(p);
	CHECK_OK(clReleaseProgram(hdr), "release header");
	CHECK_OK(clReleaseProgram(p), "release");
	CHECK_ERR(clRetainProgram((cl_program)&fake), CL_INVALID_PROGRAM, "retain unknown");
	CHECK_ERR(clReleaseProgram((cl_program)&fake), CL_INVALID_PROGRAM, "release unknown");
}

static void CL_CALLBACK native(void *args)
{
	(void)args;
}

/* Kernels cannot exist without a built program. */
static void check_kernels(cl_program p)
{
	cl_kernel k, bad = (cl_kernel)&fake, ks[4];
	cl_command_queue badq = (cl_command_queue)&fake;
	size_t gws = 64, sz;
	cl_uint n = 9;
	cl_int err;
	int arg = 0;

	k = clCreateKernel(p, "k", &err);
	CHECK(!k && err == CL_INVALID_PROGRAM_EXECUTABLE, "kernel of an unbuilt program: %s",
	      tu_errname(err));
	k = clCreateKernel((cl_program)&fake, "k", &err);
	CHECK(!k && err == CL_INVALID_PROGRAM, "kernel of an unknown program: %s",
	      tu_errname(err));
	CHECK_ERR(clCreateKernelsInProgram(p, 4, ks, &n), CL_INVALID_PROGRAM_EXECUTABLE,
		  "kernels in an unbuilt program");
	CHECK_ERR(clCreateKernelsInProgram((cl_program)&fake, 4, ks, &n), CL_INVALID_PROGRAM,
		  "kernels in an unknown program");

	CHECK_ERR(clRetainKernel(bad), CL_INVALID_KERNEL, "retain");
	CHECK_ERR(clReleaseKernel(bad), CL_INVALID_KERNEL, "release");
	CHECK_ERR(clSetKernelArg(bad, 0, sizeof(arg), &arg), CL_INVALID_KERNEL, "set arg");
	CHECK_ERR(clSetKernelArgSVMPointer(bad, 0, &arg), CL_INVALID_KERNEL, "set SVM arg");
	CHECK_ERR(clSetKernelExecInfo(bad, CL_KERNEL_EXEC_INFO_SVM_FINE_GRAIN_SYSTEM,
				      sizeof(cl_bool), &arg), CL_INVALID_KERNEL, "exec info");
	CHECK_ERR(clGetKernelInfo(bad, CL_KERNEL_NUM_ARGS, sizeof(n), &n, NULL),
		  CL_INVALID_KERNEL, "kernel info");
	CHECK_ERR(clGetKernelWorkGroupInfo(bad, env.device, CL_KERNEL_WORK_GROUP_SIZE,
					   sizeof(sz), &sz, NULL),
		  CL_INVALID_KERNEL, "work-group info");
	CHECK_ERR(clGetKernelArgInfo(bad, 0, CL_KERNEL_ARG_NAME, sizeof(sz), &sz, NULL),
		  CL_INVALID_KERNEL, "arg info");
	CHECK_ERR(clGetKernelSubGroupInfo(bad, env.device, CL_KERNEL_MAX_NUM_SUB_GROUPS, 0, NULL,
					  sizeof(sz), &sz, NULL),
		  CL_INVALID_KERNEL, "sub-group info");
	CHECK(clCloneKernel(bad, &err) == NULL && err == CL_INVALID_KERNEL, "clone: %s",
	      tu_errname(err));
	CHECK_ERR(clEnqueueNDRangeKernel(env.queue, bad, 1, NULL, &gws, NULL, 0, NULL, NULL),
		  CL_INVALID_KERNEL, "ND-range of an invalid kernel");
	CHECK_ERR(clEnqueueTask(env.queue, bad, 0, NULL, NULL), CL_INVALID_KERNEL, "task");
	CHECK_ERR(disp->clEnqueueNDRangeKernel(badq, bad, 1, NULL, &gws, NULL, 0, NULL, NULL),
		  CL_INVALID_COMMAND_QUEUE, "ND-range on an unknown queue");

	CHECK_ERR(clEnqueueNativeKernel(env.queue, native, NULL, 0, 0, NULL, NULL, 0, NULL, NULL),
		  CL_INVALID_OPERATION, "no native kernels");
	CHECK_ERR(clEnqueueNativeKernel(env.queue, NULL, NULL, 0, 0, NULL, NULL, 0, NULL, NULL),
		  CL_INVALID_VALUE, "native kernel NULL");
	CHECK_ERR(clEnqueueNativeKernel(env.queue, native, &arg, 0, 0, NULL, NULL, 0, NULL, NULL),
		  CL_INVALID_VALUE, "args with cb_args 0");
	CHECK_ERR(clEnqueueNativeKernel(env.queue, native, &arg, sizeof(arg), 1, NULL, NULL, 0,
					NULL, NULL), CL_INVALID_VALUE, "mem objects without list");
	CHECK_ERR(disp->clEnqueueNativeKernel(badq, native, NULL, 0, 0, NULL, NULL, 0, NULL,
					      NULL), CL_INVALID_COMMAND_QUEUE,
		  "native kernel, unknown queue");
}

int main(void)
{
	tu_env_init(&env, 0);
	disp = *(const cl_icd_dispatch **)env.platform;
	fake.dispatch = disp;
	fake.refcount = 1;

	check_source();
	check_other_creations();
	check_build();
	tu_env_fini(&env);
	return tu_done();
}
