// SPDX-License-Identifier: MIT
/* Programs: sources kept exactly; builds with the standard options and a log
 * that names the errors; rebuilds and the kernels that forbid them; binaries
 * that load back and run; compile, link and libraries; and every entry point's
 * argument checks. */
#define CL_USE_DEPRECATED_OPENCL_2_2_APIS /* clSetProgramReleaseCallback */
#include "testutil.h"
#include <CL/cl_icd.h>
#include <dirent.h>
#include <unistd.h>

struct fake {
	const cl_icd_dispatch *dispatch;
	cl_uint magic, refcount;
};

static struct tu_env env;
static struct fake fake;

static const char *src_two = "kernel void k(global int *p) { p[0] = 42; }\n"
			     "kernel void k2(global int *p) { p[0] = 43; }\n";

static cl_uint ctx_refs(void)
{
	cl_uint n = 0;

	CHECK_OK(clGetContextInfo(env.context, CL_CONTEXT_REFERENCE_COUNT, sizeof(n), &n, NULL),
		 "context count");
	return n;
}

static cl_uint prog_refs(cl_program p)
{
	cl_uint n = 0;

	CHECK_OK(clGetProgramInfo(p, CL_PROGRAM_REFERENCE_COUNT, sizeof(n), &n, NULL), "refs");
	return n;
}

static cl_program source_program(const char *src)
{
	cl_int err;
	cl_program p = clCreateProgramWithSource(env.context, 1, &src, NULL, &err);

	REQUIRE(p && err == CL_SUCCESS, "program: %s", tu_errname(err));
	return p;
}

static cl_build_status status_of(cl_program p)
{
	cl_build_status st = 42;

	CHECK_OK(clGetProgramBuildInfo(p, env.device, CL_PROGRAM_BUILD_STATUS, sizeof(st), &st,
				       NULL), "build status");
	return st;
}

static cl_program_binary_type type_of(cl_program p)
{
	cl_program_binary_type t = 42;

	CHECK_OK(clGetProgramBuildInfo(p, env.device, CL_PROGRAM_BINARY_TYPE, sizeof(t), &t,
				       NULL), "binary type");
	return t;
}

static const char *log_of(cl_program p)
{
	static char log[16384];

	log[0] = '\0';
	CHECK_OK(clGetProgramBuildInfo(p, env.device, CL_PROGRAM_BUILD_LOG, sizeof(log), log,
				       NULL), "build log");
	return log;
}

/* Runs kernel name(global int *p) of p on one work-item: p[0]. */
static int run1(cl_program p, const char *name)
{
	int v = -1;
	size_t one = 1;
	cl_int err;
	cl_kernel k = clCreateKernel(p, name, &err);
	cl_mem m;

	CHECK(k != NULL, "kernel %s: %s", name, tu_errname(err));
	if (!k)
		return -1;
	m = clCreateBuffer(env.context, CL_MEM_COPY_HOST_PTR, sizeof(v), &v, &err);
	REQUIRE(m != NULL, "buffer: %s", tu_errname(err));
	CHECK_OK(clSetKernelArg(k, 0, sizeof(m), &m), "set arg of %s", name);
	CHECK_OK(clEnqueueNDRangeKernel(env.queue, k, 1, NULL, &one, NULL, 0, NULL, NULL),
		 "run %s", name);
	CHECK_OK(clEnqueueReadBuffer(env.queue, m, CL_TRUE, 0, sizeof(v), &v, 0, NULL, NULL),
		 "read result of %s", name);
	CHECK_OK(clReleaseMemObject(m), "release buffer");
	CHECK_OK(clReleaseKernel(k), "release kernel");
	return v;
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
	CHECK(prog_refs(p) == 1, "one reference");
	CHECK_OK(clRetainProgram(p), "retain");
	CHECK(prog_refs(p) == 2, "two references");
	CHECK_OK(clReleaseProgram(p), "release");
	CHECK_OK(clReleaseProgram(p), "release last");
	CHECK(ctx_refs() == refs, "the context reference is returned");

	p = clCreateProgramWithSource(env.context, 2, parts + 1, NULL, NULL);
	REQUIRE(p != NULL, "program, no lengths, errcode_ret NULL");
	CHECK_OK(clGetProgramInfo(p, CL_PROGRAM_SOURCE, sizeof(buf), buf, NULL), "source");
	CHECK(strcmp(buf, "defghiYY") == 0, "source \"%s\"", buf);
	CHECK_OK(clReleaseProgram(p), "release");

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
	      "not an svmgpu binary: %s / %s", tu_errname(err), tu_errname(st));
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

static int notified;
static cl_program notified_program;
static cl_build_status notified_status;

static void CL_CALLBACK on_built(cl_program p, void *data)
{
	notified += *(int *)data;
	notified_program = p;
	clGetProgramBuildInfo(p, env.device, CL_PROGRAM_BUILD_STATUS, sizeof(notified_status),
			      &notified_status, NULL);
}

static void check_info_before_build(void)
{
	cl_program p = source_program(src_two);
	char buf[256] = "untouched";
	size_t sz = 7, sizes[2] = {5, 5};
	unsigned char *bins[1] = {NULL};
	cl_uint n = 0;
	cl_bool b = CL_TRUE;

	CHECK(status_of(p) == CL_BUILD_NONE, "CL_BUILD_NONE before any build");
	CHECK(type_of(p) == CL_PROGRAM_BINARY_TYPE_NONE, "no binary");
	CHECK_OK(clGetProgramBuildInfo(p, env.device, CL_PROGRAM_BUILD_OPTIONS, sizeof(buf), buf,
				       &sz), "options");
	CHECK(sz == 1 && buf[0] == '\0', "no options yet");
	CHECK(log_of(p)[0] == '\0', "empty log");
	CHECK_OK(clGetProgramBuildInfo(p, env.device, CL_PROGRAM_BUILD_GLOBAL_VARIABLE_TOTAL_SIZE,
				       0, NULL, &sz), "global variable size");
	CHECK(sz == sizeof(size_t), "global variable size is a size_t");
	CHECK_ERR(clGetProgramBuildInfo(p, (cl_device_id)&fake, CL_PROGRAM_BUILD_STATUS,
					sizeof(n), &n, NULL), CL_INVALID_DEVICE, "unknown device");
	CHECK_ERR(clGetProgramBuildInfo(p, env.device, 0x4242, sizeof(n), &n, NULL),
		  CL_INVALID_VALUE, "unknown build info");
	CHECK_ERR(clGetProgramBuildInfo(p, env.device, CL_PROGRAM_BUILD_STATUS, 1, &n, NULL),
		  CL_INVALID_VALUE, "status into 1 byte");

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
	CHECK_ERR(clGetProgramInfo(p, CL_PROGRAM_SCOPE_GLOBAL_DTORS_PRESENT, sizeof(b), &b, NULL),
		  CL_INVALID_PROGRAM_EXECUTABLE, "no destructor info before a build");
	CHECK_ERR(clGetProgramInfo(p, 0x4242, sizeof(n), &n, NULL), CL_INVALID_VALUE,
		  "unknown program info");
	CHECK_ERR(clGetProgramInfo((cl_program)&fake, CL_PROGRAM_NUM_DEVICES, sizeof(n), &n,
				   NULL), CL_INVALID_PROGRAM, "unknown program");
	CHECK_OK(clReleaseProgram(p), "release");
}

static void check_build(void)
{
	cl_program p = source_program(src_two);
	cl_device_id bad = (cl_device_id)&fake;
	char names[64], opts[64];
	size_t n = 0, sz = 0;
	cl_bool b = CL_TRUE;
	int one = 1;

	/* Argument checks first; refused builds change nothing. */
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
	CHECK(status_of(p) == CL_BUILD_NONE, "refused builds change nothing");

	notified = 0;
	notified_status = 42;
	CHECK_OK(clBuildProgram(p, 1, &env.device, "-DX=1 -cl-fast-relaxed-math", on_built, &one),
		 "build");
	CHECK(notified == 1 && notified_program == p, "pfn_notify called once with the program");
	CHECK(notified_status == CL_BUILD_SUCCESS, "the build was over when notified: %d",
	      notified_status);
	CHECK(status_of(p) == CL_BUILD_SUCCESS, "CL_BUILD_SUCCESS");
	CHECK(type_of(p) == CL_PROGRAM_BINARY_TYPE_EXECUTABLE, "an executable");
	CHECK_OK(clGetProgramBuildInfo(p, env.device, CL_PROGRAM_BUILD_OPTIONS, sizeof(opts),
				       opts, NULL), "options");
	CHECK(strcmp(opts, "-DX=1 -cl-fast-relaxed-math") == 0, "options \"%s\"", opts);
	CHECK_OK(clGetProgramInfo(p, CL_PROGRAM_NUM_KERNELS, sizeof(n), &n, &sz), "num kernels");
	CHECK(n == 2 && sz == sizeof(size_t), "2 kernels (%zu), a size_t", n);
	CHECK_OK(clGetProgramInfo(p, CL_PROGRAM_KERNEL_NAMES, sizeof(names), names, &sz), "names");
	CHECK((!strcmp(names, "k;k2") || !strcmp(names, "k2;k")) && sz == strlen(names) + 1,
	      "kernel names \"%s\"", names);
	CHECK_OK(clGetProgramInfo(p, CL_PROGRAM_BINARY_SIZES, sizeof(n), &n, NULL), "size");
	CHECK(n > 0, "an executable has a binary");
	CHECK_OK(clGetProgramInfo(p, CL_PROGRAM_SCOPE_GLOBAL_CTORS_PRESENT, sizeof(b), &b, NULL),
		 "ctors present");
	CHECK(b == CL_FALSE, "no program scope constructors");
	CHECK(run1(p, "k") == 42 && run1(p, "k2") == 43, "both kernels run");
	CHECK_OK(clBuildProgram(p, 0, NULL, NULL, NULL, NULL), "rebuild, every device");
	CHECK(run1(p, "k") == 42, "the rebuilt program runs");
	CHECK_OK(clReleaseProgram(p), "release");
}

/* The build of src with opts: its result, and *out the value its kernel
 * "k" writes when it built. */
static cl_int build_run(const char *src, const char *opts, int *out)
{
	cl_program p = source_program(src);
	cl_int err = clBuildProgram(p, 0, NULL, opts, NULL, NULL);

	*out = err ? -1 : run1(p, "k");
	CHECK(status_of(p) == (err ? CL_BUILD_ERROR : CL_BUILD_SUCCESS),
	      "status after a build with \"%s\": %s", opts ? opts : "", tu_errname(err));
	CHECK_OK(clReleaseProgram(p), "release");
	return err;
}

static void check_build_options(void)
{
	const char *needs_v = "#ifndef V\n#error V is not defined\n#endif\n"
			      "kernel void k(global int *p) { p[0] = V; }";
	const char *version = "kernel void k(global int *p) { p[0] = __OPENCL_C_VERSION__; }";
	const char *warns = "#warning a warning\nkernel void k(global int *p) { p[0] = 1; }";
	const char *inc = "#include \"svmgpu_test_inc.h\"\nkernel void k(global int *p) "
			  "{ p[0] = INC_VALUE; }";
	char dir[] = "/tmp/svmgpu-inc-XXXXXX", path[128], opts[160];
	cl_program p;
	cl_int err;
	FILE *f;
	int v;

	/* Errors: the status, the code and a log that names the problem. */
	p = source_program("kernel void k(global int *p) { p[0] = undeclared_thing; }");
	CHECK_ERR(clBuildProgram(p, 0, NULL, NULL, NULL, NULL), CL_BUILD_PROGRAM_FAILURE,
		  "a source with an error");
	CHECK(status_of(p) == CL_BUILD_ERROR, "CL_BUILD_ERROR");
	CHECK(strstr(log_of(p), "undeclared_thing") != NULL, "the log names the error: \"%s\"",
	      log_of(p));
	CHECK(type_of(p) == CL_PROGRAM_BINARY_TYPE_NONE, "no binary after a failed build");
	CHECK(clCreateKernel(p, "k", &err) == NULL && err == CL_INVALID_PROGRAM_EXECUTABLE,
	      "no kernel from a failed build: %s", tu_errname(err));
	clReleaseProgram(p);

	/* A built-in defined again is refused, whether the library is linked
	 * whole (the process's first build) or only what the program reaches
	 * (every later one, as here). */
	p = source_program("float __attribute__((overloadable)) fabs(float x) { return x; }\n"
			   "kernel void k(global float *p) { p[0] = fabs(p[0]); }");
	CHECK_ERR(clBuildProgram(p, 0, NULL, NULL, NULL, NULL), CL_BUILD_PROGRAM_FAILURE,
		  "a program that defines fabs again");
	CHECK(strstr(log_of(p), "redefines a built-in") != NULL, "the log says so: \"%s\"",
	      log_of(p));
	CHECK_OK(clReleaseProgram(p), "release");
	CHECK_ERR(build_run(needs_v, NULL, &v), CL_BUILD_PROGRAM_FAILURE, "#error without -D");
	p = source_program(src_two);
	CHECK_ERR(clBuildProgram(p, 0, NULL, "-bogus-option", NULL, NULL),
		  CL_INVALID_BUILD_OPTIONS, "an unknown option");
	CHECK(status_of(p) != CL_BUILD_SUCCESS, "no success with an unknown option");
	CHECK_ERR(clBuildProgram(p, 0, NULL, "-cl-std=CL9.9", NULL, NULL),
		  CL_INVALID_BUILD_OPTIONS, "an unknown OpenCL C version");
	CHECK_ERR(clBuildProgram(p, 0, NULL, "-create-library", NULL, NULL),
		  CL_INVALID_BUILD_OPTIONS, "a link option to a build");
	CHECK_OK(clReleaseProgram(p), "release");

	/* -D, both forms. */
	CHECK_OK(build_run(needs_v, "-DV=5", &v), "-DV=5");
	CHECK(v == 5, "-DV=5 gives %d", v);
	CHECK_OK(build_run(needs_v, "-D V=6 -cl-mad-enable", &v), "-D V=6");
	CHECK(v == 6, "-D V=6 gives %d", v);

	/* -I with a directory of headers. */
	REQUIRE(mkdtemp(dir) != NULL, "temporary directory");
	snprintf(path, sizeof(path), "%s/svmgpu_test_inc.h", dir);
	f = fopen(path, "w");
	REQUIRE(f != NULL, "header file");
	fputs("#define INC_VALUE 77\n", f);
	fclose(f);
	CHECK_ERR(build_run(inc, NULL, &v), CL_BUILD_PROGRAM_FAILURE, "header not found");
	snprintf(opts, sizeof(opts), "-I%s", dir);
	CHECK_OK(build_run(inc, opts, &v), "%s", opts);
	CHECK(v == 77, "the header's value: %d", v);
	snprintf(opts, sizeof(opts), "-w -I %s", dir);
	CHECK_OK(build_run(inc, opts, &v), "%s", opts);
	CHECK(v == 77, "the header's value: %d", v);
	unlink(path);
	rmdir(dir);

	/* OpenCL C versions: 1.2 by default. */
	CHECK_OK(build_run(version, NULL, &v), "no -cl-std");
	CHECK(v == 120, "default version %d", v);
	CHECK_OK(build_run(version, "-cl-std=CL1.2", &v), "-cl-std=CL1.2");
	CHECK(v == 120, "CL1.2 version %d", v);
	CHECK_OK(build_run(version, "-cl-std=CL3.0", &v), "-cl-std=CL3.0");
	CHECK(v == 300, "CL3.0 version %d", v);
	err = build_run(version, "-cl-std=CL2.0", &v);
	CHECK(err == CL_SUCCESS ? v == 200 : err == CL_BUILD_PROGRAM_FAILURE ||
	      err == CL_INVALID_BUILD_OPTIONS, "-cl-std=CL2.0: %s, %d", tu_errname(err), v);

	/* Warnings: -Werror turns them into errors, -w silences them. */
	CHECK_OK(build_run(warns, "-w", &v), "-w");
	CHECK(v == 1, "-w build runs");
	CHECK_ERR(build_run(warns, "-Werror", &v), CL_BUILD_PROGRAM_FAILURE, "-Werror");
	CHECK_OK(build_run(warns, "-cl-opt-disable -cl-kernel-arg-info", &v), "opt-disable");
	CHECK(v == 1, "-cl-opt-disable build runs");
}

/* No rebuild while kernels are attached; rebuilding is fine otherwise. */
static void check_rebuild(void)
{
	cl_program p = source_program("kernel void k(global int *p) { p[0] = V; }");
	cl_uint refs;
	cl_kernel k;
	cl_int err;

	CHECK_OK(clBuildProgram(p, 0, NULL, "-DV=1", NULL, NULL), "build");
	refs = prog_refs(p);
	k = clCreateKernel(p, "k", &err);
	REQUIRE(k != NULL, "kernel: %s", tu_errname(err));
	CHECK(prog_refs(p) == refs + 1, "a kernel holds its program");
	CHECK_ERR(clBuildProgram(p, 0, NULL, "-DV=2", NULL, NULL), CL_INVALID_OPERATION,
		  "rebuild with a kernel attached");
	CHECK_ERR(clCompileProgram(p, 0, NULL, NULL, 0, NULL, NULL, NULL, NULL),
		  CL_INVALID_OPERATION, "compile with a kernel attached");
	CHECK(status_of(p) == CL_BUILD_SUCCESS, "the executable stays");
	CHECK(run1(p, "k") == 1, "first build runs");
	CHECK_OK(clReleaseKernel(k), "release kernel");
	CHECK(prog_refs(p) == refs, "the kernel let its program go");
	CHECK_OK(clBuildProgram(p, 0, NULL, "-DV=2", NULL, NULL), "rebuild");
	CHECK(run1(p, "k") == 2, "the rebuild's code runs");
	CHECK_ERR(clBuildProgram(p, 0, NULL, NULL, NULL, NULL), CL_BUILD_PROGRAM_FAILURE,
		  "rebuild without V");
	CHECK(clCreateKernel(p, "k", &err) == NULL && err == CL_INVALID_PROGRAM_EXECUTABLE,
	      "a failed rebuild leaves no executable: %s", tu_errname(err));
	CHECK_OK(clReleaseProgram(p), "release");
}

/* A program's binary for the one device, malloc'd. */
static unsigned char *binary_of(cl_program p, size_t *size)
{
	unsigned char *bin, *bins[1];

	*size = 0;
	CHECK_OK(clGetProgramInfo(p, CL_PROGRAM_BINARY_SIZES, sizeof(*size), size, NULL), "size");
	REQUIRE(*size > 0, "binary size %zu", *size);
	bin = malloc(*size);
	REQUIRE(bin != NULL, "binary memory");
	bins[0] = bin;
	CHECK_OK(clGetProgramInfo(p, CL_PROGRAM_BINARIES, sizeof(bins), bins, NULL), "binaries");
	return bin;
}

static void check_binaries(void)
{
	cl_program p = source_program(src_two), q;
	unsigned char *bin, *bins[1] = {NULL}, *copy;
	size_t size, size2 = 0;
	cl_int st = 42, err;
	char src[8] = "x";

	CHECK_OK(clBuildProgram(p, 0, NULL, NULL, NULL, NULL), "build");
	bin = binary_of(p, &size);
	CHECK_OK(clGetProgramInfo(p, CL_PROGRAM_BINARIES, sizeof(bins), bins, NULL),
		 "a NULL binary pointer is skipped");
	CHECK_OK(clReleaseProgram(p), "release the source program");

	q = clCreateProgramWithBinary(env.context, 1, &env.device, &size,
				      (const unsigned char **)&bin, &st, &err);
	REQUIRE(q && err == CL_SUCCESS && st == CL_SUCCESS, "program from binary: %s / %s",
		tu_errname(err), tu_errname(st));
	CHECK(type_of(q) == CL_PROGRAM_BINARY_TYPE_EXECUTABLE, "an executable binary");
	CHECK(status_of(q) == CL_BUILD_NONE, "not built yet");
	CHECK(clCreateKernel(q, "k", &err) == NULL && err == CL_INVALID_PROGRAM_EXECUTABLE,
	      "no kernel before clBuildProgram: %s", tu_errname(err));
	CHECK_OK(clGetProgramInfo(q, CL_PROGRAM_SOURCE, sizeof(src), src, &size2), "source");
	CHECK(size2 == 1 && src[0] == '\0', "a binary has no source");
	CHECK_ERR(clCompileProgram(q, 0, NULL, NULL, 0, NULL, NULL, NULL, NULL),
		  CL_INVALID_OPERATION, "compile a binary");
	CHECK_OK(clBuildProgram(q, 1, &env.device, NULL, NULL, NULL), "build the binary");
	CHECK(status_of(q) == CL_BUILD_SUCCESS, "built");
	CHECK(run1(q, "k") == 42 && run1(q, "k2") == 43, "the binary's kernels run");
	copy = binary_of(q, &size2);
	CHECK(size2 == size && !memcmp(copy, bin, size), "the same binary comes back");
	CHECK_OK(clReleaseProgram(q), "release");
	free(copy);

	/* A damaged binary. */
	bin[size / 2] ^= 0x5a;
	bin[0] ^= 0xff;
	q = clCreateProgramWithBinary(env.context, 1, &env.device, &size,
				      (const unsigned char **)&bin, &st, &err);
	CHECK(!q && err == CL_INVALID_BINARY && st == CL_INVALID_BINARY,
	      "a damaged binary: %s / %s", tu_errname(err), tu_errname(st));
	free(bin);
}

static void check_compile_link(void)
{
	const char *use = "#include \"sub/hv.h\"\nint twice(int x);\n"
			  "kernel void k(global int *p) { p[0] = twice(HV); }\n";
	const char *def = "int twice(int x) { return 2 * x; }\n";
	const char *hdr_src = "#define HV 21\n";
	const char *hname = "sub/hv.h";
	cl_program a = source_program(use), b = source_program(def);
	cl_program h = source_program(hdr_src), inc = source_program("#include \"sub/hv.h\"\n"), l;
	cl_program ab[2], lib, objb, bad = (cl_program)&fake;
	cl_device_id baddev = (cl_device_id)&fake;
	unsigned char *obj;
	const unsigned char *objp;
	size_t size, n;
	cl_int err, st;
	int one = 1;

	/* Compile: an embedded header, a compiled object, no kernels yet. */
	CHECK_ERR(clCompileProgram(a, 0, NULL, NULL, 0, NULL, NULL, NULL, NULL),
		  CL_COMPILE_PROGRAM_FAILURE, "compile without the header");
	CHECK(status_of(a) == CL_BUILD_ERROR && strstr(log_of(a), "hv.h"),
	      "the log names the header: \"%s\"", log_of(a));
	notified = 0;
	CHECK_OK(clCompileProgram(a, 0, NULL, "-DUNUSED", 1, &h, &hname, on_built, &one),
		 "compile with an embedded header");
	CHECK(notified == 1 && notified_program == a, "compile: pfn_notify called");
	CHECK(type_of(a) == CL_PROGRAM_BINARY_TYPE_COMPILED_OBJECT, "a compiled object");
	CHECK(status_of(a) == CL_BUILD_SUCCESS, "compiled");
	CHECK_ERR(clGetProgramInfo(a, CL_PROGRAM_NUM_KERNELS, sizeof(n), &n, NULL),
		  CL_INVALID_PROGRAM_EXECUTABLE, "an object has no kernels");
	CHECK(clCreateKernel(a, "k", &err) == NULL && err == CL_INVALID_PROGRAM_EXECUTABLE,
	      "no kernel from an object: %s", tu_errname(err));
	CHECK_OK(clCompileProgram(inc, 0, NULL, NULL, 1, &h, &hname, NULL, NULL),
		 "a source that only includes");
	CHECK_OK(clCompileProgram(b, 1, &env.device, NULL, 0, NULL, NULL, NULL, NULL), "compile");

	/* Link errors. */
	l = clLinkProgram(env.context, 0, NULL, NULL, 1, &a, NULL, NULL, &err);
	CHECK(l && err == CL_LINK_PROGRAM_FAILURE, "an unresolved function: %s",
	      tu_errname(err));
	if (l) {
		CHECK(status_of(l) == CL_BUILD_ERROR, "failed link: CL_BUILD_ERROR");
		CHECK(strstr(log_of(l), "twice") != NULL, "the log names the function: \"%s\"",
		      log_of(l));
		CHECK_OK(clReleaseProgram(l), "release");
	}
	ab[0] = a;
	ab[1] = source_program(def);
	l = clLinkProgram(env.context, 0, NULL, NULL, 2, ab, NULL, NULL, &err);
	CHECK(!l && err == CL_INVALID_OPERATION, "an input that was not compiled: %s",
	      tu_errname(err));
	CHECK_OK(clReleaseProgram(ab[1]), "release");
	ab[1] = b;
	l = clLinkProgram(env.context, 0, NULL, "-bogus", 2, ab, NULL, NULL, &err);
	CHECK(!l && err == CL_INVALID_LINKER_OPTIONS, "unknown link option: %s", tu_errname(err));
	l = clLinkProgram(env.context, 0, NULL, "-enable-link-options", 2, ab, NULL, NULL, &err);
	CHECK(!l && err == CL_INVALID_LINKER_OPTIONS, "-enable-link-options alone: %s",
	      tu_errname(err));

	/* Link two objects into an executable. */
	notified = 0;
	l = clLinkProgram(env.context, 1, &env.device, NULL, 2, ab, on_built, &one, &err);
	REQUIRE(l && err == CL_SUCCESS, "link: %s", tu_errname(err));
	CHECK(notified == 1 && notified_program == l, "link: pfn_notify with the new program");
	CHECK(type_of(l) == CL_PROGRAM_BINARY_TYPE_EXECUTABLE, "linked: an executable");
	CHECK(run1(l, "k") == 42, "the linked kernel runs");
	CHECK_ERR(clBuildProgram(l, 0, NULL, NULL, NULL, NULL), CL_INVALID_OPERATION,
		  "build a linked program");
	CHECK_OK(clReleaseProgram(l), "release");

	/* A library, and an object that goes through a binary. */
	lib = clLinkProgram(env.context, 0, NULL, "-create-library -enable-link-options", 1, &b,
			    NULL, NULL, &err);
	REQUIRE(lib && err == CL_SUCCESS, "library: %s", tu_errname(err));
	CHECK(type_of(lib) == CL_PROGRAM_BINARY_TYPE_LIBRARY, "a library");
	CHECK_ERR(clGetProgramInfo(lib, CL_PROGRAM_NUM_KERNELS, sizeof(n), &n, NULL),
		  CL_INVALID_PROGRAM_EXECUTABLE, "a library has no kernels");
	obj = binary_of(a, &size);
	objp = obj;
	objb = clCreateProgramWithBinary(env.context, 1, &env.device, &size, &objp, &st, &err);
	REQUIRE(objb && err == CL_SUCCESS, "object from binary: %s", tu_errname(err));
	CHECK(type_of(objb) == CL_PROGRAM_BINARY_TYPE_COMPILED_OBJECT, "an object binary");
	ab[0] = objb;
	ab[1] = lib;
	l = clLinkProgram(env.context, 0, NULL, "-cl-fast-relaxed-math", 2, ab, NULL, NULL, &err);
	REQUIRE(l && err == CL_SUCCESS, "link an object binary and a library: %s",
		tu_errname(err));
	CHECK(run1(l, "k") == 42, "object + library runs");
	CHECK_OK(clReleaseProgram(l), "release");
	free(obj);

	/* Argument checks. */
	l = clLinkProgram(env.context, 0, NULL, NULL, 0, ab, NULL, NULL, &err);
	CHECK(!l && err == CL_INVALID_VALUE, "no input programs: %s", tu_errname(err));
	l = clLinkProgram(env.context, 0, NULL, NULL, 1, NULL, NULL, NULL, &err);
	CHECK(!l && err == CL_INVALID_VALUE, "input_programs NULL: %s", tu_errname(err));
	l = clLinkProgram(env.context, 1, NULL, NULL, 1, &b, NULL, NULL, &err);
	CHECK(!l && err == CL_INVALID_VALUE, "link, device_list NULL: %s", tu_errname(err));
	l = clLinkProgram(env.context, 1, &baddev, NULL, 1, &b, NULL, NULL, &err);
	CHECK(!l && err == CL_INVALID_DEVICE, "link, unknown device: %s", tu_errname(err));
	l = clLinkProgram(env.context, 0, NULL, NULL, 1, &b, NULL, &one, &err);
	CHECK(!l && err == CL_INVALID_VALUE, "link, user_data only: %s", tu_errname(err));
	ab[1] = bad;
	l = clLinkProgram(env.context, 0, NULL, NULL, 2, ab, NULL, NULL, &err);
	CHECK(!l && err == CL_INVALID_PROGRAM, "an invalid input: %s", tu_errname(err));
	l = clLinkProgram((cl_context)&fake, 0, NULL, NULL, 1, &b, NULL, NULL, &err);
	CHECK(!l && err == CL_INVALID_CONTEXT, "link, unknown context: %s", tu_errname(err));
	CHECK_ERR(clCompileProgram(a, 0, NULL, NULL, 0, &h, NULL, NULL, NULL), CL_INVALID_VALUE,
		  "headers with num_input_headers 0");
	CHECK_ERR(clCompileProgram(a, 0, NULL, NULL, 1, &h, NULL, NULL, NULL), CL_INVALID_VALUE,
		  "a header without a name");
	CHECK_ERR(clCompileProgram(a, 0, NULL, NULL, 1, NULL, &hname, NULL, NULL),
		  CL_INVALID_VALUE, "a name without a header");
	CHECK_ERR(clCompileProgram(a, 0, NULL, NULL, 0, NULL, NULL, NULL, &one),
		  CL_INVALID_VALUE, "compile: user_data without pfn_notify");
	CHECK_ERR(clCompileProgram(a, 1, &baddev, NULL, 0, NULL, NULL, NULL, NULL),
		  CL_INVALID_DEVICE, "compile: unknown device");
	CHECK_ERR(clCompileProgram(a, 0, NULL, NULL, 1, &bad, &hname, NULL, NULL),
		  CL_INVALID_PROGRAM, "an invalid header program");
	CHECK_ERR(clCompileProgram(a, 0, NULL, "-bogus", 0, NULL, NULL, NULL, NULL),
		  CL_INVALID_COMPILER_OPTIONS, "an unknown compile option");

	CHECK_OK(clReleaseProgram(objb), "release");
	CHECK_OK(clReleaseProgram(lib), "release");
	CHECK_OK(clReleaseProgram(a), "release");
	CHECK_OK(clReleaseProgram(b), "release");
	CHECK_OK(clReleaseProgram(h), "release");
	CHECK_OK(clReleaseProgram(inc), "release");
}

static void check_callbacks_and_il(void)
{
	cl_program p = source_program(src_two);
	int one = 1;

	CHECK_ERR(clSetProgramReleaseCallback(p, on_built, NULL), CL_INVALID_OPERATION,
		  "no program scope destructors");
	CHECK_ERR(clSetProgramReleaseCallback(p, NULL, NULL), CL_INVALID_VALUE,
		  "NULL release callback");
	CHECK_ERR(clSetProgramReleaseCallback((cl_program)&fake, on_built, NULL),
		  CL_INVALID_PROGRAM, "release callback, unknown program");
	CHECK_ERR(clSetProgramSpecializationConstant(p, 0, sizeof(int), &one),
		  CL_INVALID_OPERATION, "no device supports IL programs");
	CHECK_ERR(clSetProgramSpecializationConstant((cl_program)&fake, 0, sizeof(int), &one),
		  CL_INVALID_PROGRAM, "specialization, unknown program");
	CHECK_OK(clReleaseProgram(p), "release");
	CHECK_ERR(clRetainProgram((cl_program)&fake), CL_INVALID_PROGRAM, "retain unknown");
	CHECK_ERR(clReleaseProgram((cl_program)&fake), CL_INVALID_PROGRAM, "release unknown");
}

/* Kernel names have no length limit (the CTS builds one of 1024 characters;
 * the launcher's symbol is longer still): such kernels build, are found by
 * name, report it whole, and run. */
static void check_long_names(void)
{
	static const size_t lengths[] = {1023, 1024, 4096};

	for (size_t i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++) {
		size_t len = lengths[i], sz = 0;
		char *name = malloc(len + 1), *src = NULL, *got = malloc(len + 1);
		cl_program p;
		cl_kernel k;
		cl_int err;

		REQUIRE(name && got, "memory for a name");
		for (size_t j = 0; j < len; j++)
			name[j] = "abcdefghijklmnopqrstuvwxyz_0123456789"[j % 37];
		name[len] = '\0';
		REQUIRE(asprintf(&src, "kernel void %s(global int *p) { p[0] = %zu; }", name,
				 len) > 0, "source");
		p = source_program(src);
		CHECK_OK(clBuildProgram(p, 0, NULL, NULL, NULL, NULL), "build, name of %zu", len);
		k = clCreateKernel(p, name, &err);
		CHECK(k != NULL, "kernel with a name of %zu: %s", len, tu_errname(err));
		if (k) {
			CHECK_OK(clGetKernelInfo(k, CL_KERNEL_FUNCTION_NAME, len + 1, got, &sz),
				 "name");
			CHECK(sz == len + 1 && !strcmp(got, name), "the name whole (%zu)", sz);
			CHECK_OK(clReleaseKernel(k), "release kernel");
		}
		CHECK(run1(p, name) == (int)len, "the kernel of a %zu-character name runs", len);
		CHECK_OK(clReleaseProgram(p), "release");
		free(src);
		free(name);
		free(got);
	}
}

/* The compiler's scratch files (the object, the linked program that dlopen
 * maps) go to $TMPDIR when it is set: where /tmp is mounted noexec, that is
 * how a user makes builds work. None is left behind; a TMPDIR that does not
 * exist fails the build with a log that names it. */
static void check_tmpdir(void)
{
	char dir[] = "/tmp/svmgpu-test-tmpdir-XXXXXX", src[128], log[4096] = "";
	const char *old = getenv("TMPDIR");
	char *saved = old ? strdup(old) : NULL;
	cl_program p;
	DIR *d;
	struct dirent *e;
	int left = 0;

	REQUIRE(mkdtemp(dir) != NULL, "a scratch directory");
	/* A source of its own: a cached build would not link again. */
	snprintf(src, sizeof(src), "kernel void k(global int *p) { p[0] = %ld; }",
		 (long)getpid() % 100000);
	setenv("TMPDIR", dir, 1);
	p = source_program(src);
	CHECK_OK(clBuildProgram(p, 0, NULL, NULL, NULL, NULL), "build with TMPDIR set");
	CHECK(run1(p, "k") == (int)(getpid() % 100000), "it runs");
	CHECK_OK(clReleaseProgram(p), "release");
	d = opendir(dir);
	REQUIRE(d != NULL, "open the scratch directory");
	while ((e = readdir(d)))
		left += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	CHECK(left == 0, "nothing left in TMPDIR (%d entries)", left);
	CHECK(rmdir(dir) == 0, "the scratch directory is empty");

	setenv("TMPDIR", "/nonexistent-svmgpu-tmpdir", 1);
	p = source_program(src);
	CHECK_ERR(clBuildProgram(p, 0, NULL, "-DAGAIN", NULL, NULL), CL_BUILD_PROGRAM_FAILURE,
		  "build with a TMPDIR that does not exist");
	CHECK_OK(clGetProgramBuildInfo(p, env.device, CL_PROGRAM_BUILD_LOG, sizeof(log), log,
				       NULL), "build log");
	CHECK(strstr(log, "/nonexistent-svmgpu-tmpdir") != NULL, "the log names it: \"%s\"", log);
	CHECK_OK(clReleaseProgram(p), "release");
	if (saved)
		setenv("TMPDIR", saved, 1);
	else
		unsetenv("TMPDIR");
	free(saved);
}

int main(void)
{
	cl_bool compiler = CL_FALSE, linker = CL_FALSE;

	tu_env_init(&env, 0);
	fake.dispatch = *(const cl_icd_dispatch **)env.platform;
	fake.refcount = 1;
	CHECK_OK(clGetDeviceInfo(env.device, CL_DEVICE_COMPILER_AVAILABLE, sizeof(compiler),
				 &compiler, NULL), "compiler available");
	CHECK_OK(clGetDeviceInfo(env.device, CL_DEVICE_LINKER_AVAILABLE, sizeof(linker), &linker,
				 NULL), "linker available");
	REQUIRE(compiler && linker, "the device has a compiler and a linker");

	check_source();
	check_other_creations();
	check_info_before_build();
	check_build();
	check_long_names();
	check_tmpdir();
	check_build_options();
	check_rebuild();
	check_binaries();
	check_compile_link();
	check_callbacks_and_il();
	tu_env_fini(&env);
	return tu_done();
}
