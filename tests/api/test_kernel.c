// SPDX-License-Identifier: MIT
/* Kernel objects: creation, the kernel, argument and work-group queries,
 * clSetKernelArg for every kind of argument with its errors, SVM pointers and
 * exec info, clones that keep their own argument values, and lifetimes. */
#include "testutil.h"
#include <CL/cl_icd.h>

struct fake {
	const cl_icd_dispatch *dispatch;
	cl_uint magic, refcount;
};

static struct tu_env env;
static struct fake fake;

typedef struct {
	cl_int a;
	cl_float b;
	cl_char c;
	cl_long d;
} S;

static const char *src =
	"typedef struct { int a; float b; char c; long d; } S;\n"
	"kernel void many(global int *out, constant int *cin, local float *scratch,\n"
	"		  int i, float4 v, S s, const global uint *restrict ro,\n"
	"		  volatile global int *vol)\n"
	"{\n"
	"	size_t l = get_local_id(0);\n"
	"	scratch[l] = v.x + (float)l;\n"
	"	barrier(CLK_LOCAL_MEM_FENCE);\n"
	"	if (l == 0 && get_group_id(0) == 0) {\n"
	"		out[0] = i + cin[0];\n"
	"		out[1] = (int)scratch[get_local_size(0) - 1];\n"
	"		out[2] = s.a + (int)s.b + s.c + (int)s.d;\n"
	"		out[3] = ro ? (int)ro[0] : -1;\n"
	"		out[4] = vol ? 1 : 0;\n"
	"	}\n"
	"}\n"
	"kernel __attribute__((reqd_work_group_size(4, 2, 1))) __attribute__((vec_type_hint(double3)))\n"
	"void fixed(global int *p)\n"
	"{\n"
	"	p[get_global_id(1) * get_global_size(0) + get_global_id(0)] =\n"
	"		(int)(get_local_size(0) * 10 + get_local_size(1));\n"
	"}\n"
	"kernel void empty(void) {}\n";

static cl_program program;

static cl_kernel kernel(const char *name)
{
	cl_int err;
	cl_kernel k = clCreateKernel(program, name, &err);

	REQUIRE(k && err == CL_SUCCESS, "kernel %s: %s", name, tu_errname(err));
	return k;
}

static cl_mem buffer(size_t size, void *init)
{
	cl_int err;
	cl_mem m = clCreateBuffer(env.context, init ? CL_MEM_COPY_HOST_PTR : 0, size, init, &err);

	REQUIRE(m && err == CL_SUCCESS, "buffer: %s", tu_errname(err));
	return m;
}

static cl_uint kernel_refs(cl_kernel k)
{
	cl_uint n = 0;

	CHECK_OK(clGetKernelInfo(k, CL_KERNEL_REFERENCE_COUNT, sizeof(n), &n, NULL), "refs");
	return n;
}

static void check_create(void)
{
	cl_kernel ks[4] = {NULL}, k;
	cl_uint n = 0;
	cl_int err;
	char name[32];
	bool seen[3] = {false};

	k = clCreateKernel(program, NULL, &err);
	CHECK(!k && err == CL_INVALID_VALUE, "NULL name: %s", tu_errname(err));
	k = clCreateKernel(program, "nope", &err);
	CHECK(!k && err == CL_INVALID_KERNEL_NAME, "unknown name: %s", tu_errname(err));
	k = clCreateKernel(program, "man", &err);
	CHECK(!k && err == CL_INVALID_KERNEL_NAME, "a prefix of a name: %s", tu_errname(err));
	k = clCreateKernel((cl_program)&fake, "many", &err);
	CHECK(!k && err == CL_INVALID_PROGRAM, "unknown program: %s", tu_errname(err));

	CHECK_OK(clCreateKernelsInProgram(program, 0, NULL, &n), "count kernels");
	CHECK(n == 3, "3 kernels, got %u", n);
	CHECK_ERR(clCreateKernelsInProgram(program, 2, ks, &n), CL_INVALID_VALUE,
		  "an array too small");
	CHECK(ks[0] == NULL, "nothing created on failure");
	CHECK_ERR(clCreateKernelsInProgram((cl_program)&fake, 4, ks, &n), CL_INVALID_PROGRAM,
		  "kernels of an unknown program");
	n = 0;
	CHECK_OK(clCreateKernelsInProgram(program, 4, ks, &n), "create all kernels");
	CHECK(n == 3 && ks[3] == NULL, "3 kernels made");
	for (cl_uint i = 0; i < n && i < 3; i++) {
		CHECK_OK(clGetKernelInfo(ks[i], CL_KERNEL_FUNCTION_NAME, sizeof(name), name, NULL),
			 "name");
		seen[0] |= !strcmp(name, "many");
		seen[1] |= !strcmp(name, "fixed");
		seen[2] |= !strcmp(name, "empty");
		CHECK_OK(clReleaseKernel(ks[i]), "release");
	}
	CHECK(seen[0] && seen[1] && seen[2], "every kernel once");
}

static void check_info(void)
{
	cl_kernel k = kernel("many"), f = kernel("fixed");
	cl_uint n = 0;
	cl_context c = NULL;
	cl_program p = NULL;
	char buf[256];
	size_t sz = 0;

	CHECK_OK(clGetKernelInfo(k, CL_KERNEL_FUNCTION_NAME, sizeof(buf), buf, &sz), "name");
	CHECK(!strcmp(buf, "many") && sz == 5, "name \"%s\" (%zu)", buf, sz);
	CHECK_ERR(clGetKernelInfo(k, CL_KERNEL_FUNCTION_NAME, 4, buf, NULL), CL_INVALID_VALUE,
		  "name into a short buffer");
	CHECK_OK(clGetKernelInfo(k, CL_KERNEL_NUM_ARGS, sizeof(n), &n, &sz), "num args");
	CHECK(n == 8 && sz == sizeof(cl_uint), "8 arguments, got %u", n);
	CHECK_OK(clGetKernelInfo(k, CL_KERNEL_CONTEXT, sizeof(c), &c, NULL), "context");
	CHECK(c == env.context, "the program's context");
	CHECK_OK(clGetKernelInfo(k, CL_KERNEL_PROGRAM, sizeof(p), &p, NULL), "program");
	CHECK(p == program, "the program");
	CHECK(kernel_refs(k) == 1, "one reference");
	CHECK_OK(clRetainKernel(k), "retain");
	CHECK(kernel_refs(k) == 2, "two references");
	CHECK_OK(clReleaseKernel(k), "release");
	CHECK_OK(clGetKernelInfo(k, CL_KERNEL_ATTRIBUTES, sizeof(buf), buf, NULL), "attributes");
	CHECK(buf[0] == '\0', "no attributes: \"%s\"", buf);
	CHECK_OK(clGetKernelInfo(f, CL_KERNEL_ATTRIBUTES, sizeof(buf), buf, NULL), "attributes");
	CHECK(!strcmp(buf, "reqd_work_group_size(4,2,1) vec_type_hint(double3)"),
	      "attributes \"%s\"", buf);
	CHECK_ERR(clGetKernelInfo(k, 0x4242, sizeof(n), &n, NULL), CL_INVALID_VALUE,
		  "unknown kernel info");
	CHECK_ERR(clGetKernelInfo((cl_kernel)&fake, CL_KERNEL_NUM_ARGS, sizeof(n), &n, NULL),
		  CL_INVALID_KERNEL, "unknown kernel");
	CHECK_ERR(clRetainKernel((cl_kernel)&fake), CL_INVALID_KERNEL, "retain unknown");
	CHECK_ERR(clReleaseKernel((cl_kernel)&fake), CL_INVALID_KERNEL, "release unknown");
	CHECK_OK(clReleaseKernel(k), "release");
	CHECK_OK(clReleaseKernel(f), "release");
}

static void check_arg_info(void)
{
	static const struct {
		const char *name, *type;
		cl_kernel_arg_address_qualifier addr;
		cl_kernel_arg_type_qualifier qual;
	} want[] = {
		{"out", "int*", CL_KERNEL_ARG_ADDRESS_GLOBAL, CL_KERNEL_ARG_TYPE_NONE},
		{"cin", "int*", CL_KERNEL_ARG_ADDRESS_CONSTANT, CL_KERNEL_ARG_TYPE_CONST},
		{"scratch", "float*", CL_KERNEL_ARG_ADDRESS_LOCAL, CL_KERNEL_ARG_TYPE_NONE},
		{"i", "int", CL_KERNEL_ARG_ADDRESS_PRIVATE, CL_KERNEL_ARG_TYPE_NONE},
		{"v", "float4", CL_KERNEL_ARG_ADDRESS_PRIVATE, CL_KERNEL_ARG_TYPE_NONE},
		{"s", "S", CL_KERNEL_ARG_ADDRESS_PRIVATE, CL_KERNEL_ARG_TYPE_NONE},
		{"ro", "uint*", CL_KERNEL_ARG_ADDRESS_GLOBAL,
		 CL_KERNEL_ARG_TYPE_CONST | CL_KERNEL_ARG_TYPE_RESTRICT},
		{"vol", "int*", CL_KERNEL_ARG_ADDRESS_GLOBAL, CL_KERNEL_ARG_TYPE_VOLATILE},
	};
	cl_kernel k = kernel("many");
	char buf[64];
	size_t sz;

	for (cl_uint i = 0; i < 8; i++) {
		cl_kernel_arg_address_qualifier a = 0;
		cl_kernel_arg_access_qualifier acc = 0;
		cl_kernel_arg_type_qualifier q = 42;

		CHECK_OK(clGetKernelArgInfo(k, i, CL_KERNEL_ARG_NAME, sizeof(buf), buf, &sz),
			 "arg %u name", i);
		CHECK(!strcmp(buf, want[i].name) && sz == strlen(buf) + 1, "arg %u name \"%s\"",
		      i, buf);
		CHECK_OK(clGetKernelArgInfo(k, i, CL_KERNEL_ARG_TYPE_NAME, sizeof(buf), buf, NULL),
			 "arg %u type", i);
		CHECK(!strcmp(buf, want[i].type), "arg %u type \"%s\", want \"%s\"", i, buf,
		      want[i].type);
		CHECK_OK(clGetKernelArgInfo(k, i, CL_KERNEL_ARG_ADDRESS_QUALIFIER, sizeof(a), &a,
					    NULL), "arg %u address", i);
		CHECK(a == want[i].addr, "arg %u address 0x%x", i, (unsigned)a);
		CHECK_OK(clGetKernelArgInfo(k, i, CL_KERNEL_ARG_ACCESS_QUALIFIER, sizeof(acc), &acc,
					    NULL), "arg %u access", i);
		CHECK(acc == CL_KERNEL_ARG_ACCESS_NONE, "arg %u access 0x%x", i, (unsigned)acc);
		CHECK_OK(clGetKernelArgInfo(k, i, CL_KERNEL_ARG_TYPE_QUALIFIER, sizeof(q), &q,
					    NULL), "arg %u qualifier", i);
		CHECK(q == want[i].qual, "arg %u type qualifier 0x%lx, want 0x%lx", i,
		      (unsigned long)q, (unsigned long)want[i].qual);
	}
	CHECK_ERR(clGetKernelArgInfo(k, 8, CL_KERNEL_ARG_NAME, sizeof(buf), buf, NULL),
		  CL_INVALID_ARG_INDEX, "argument 8 of 8");
	CHECK_ERR(clGetKernelArgInfo(k, 0, 0x4242, sizeof(buf), buf, NULL), CL_INVALID_VALUE,
		  "unknown arg info");
	CHECK_ERR(clGetKernelArgInfo(k, 0, CL_KERNEL_ARG_NAME, 2, buf, NULL), CL_INVALID_VALUE,
		  "name into 2 bytes");
	CHECK_ERR(clGetKernelArgInfo((cl_kernel)&fake, 0, CL_KERNEL_ARG_NAME, sizeof(buf), buf,
				     NULL), CL_INVALID_KERNEL, "arg info, unknown kernel");
	CHECK_OK(clReleaseKernel(k), "release");
}

static void check_work_group_info(void)
{
	cl_kernel k = kernel("many"), f = kernel("fixed");
	size_t dev_max = 0, v = 0, v3[3] = {9, 9, 9};
	cl_ulong lm0 = 0, lm1 = 0, pm = 0;
	cl_uint sg = 42;
	cl_int err;

	CHECK_OK(clGetDeviceInfo(env.device, CL_DEVICE_MAX_WORK_GROUP_SIZE, sizeof(dev_max),
				 &dev_max, NULL), "device max work-group size");
	CHECK_OK(clGetKernelWorkGroupInfo(k, env.device, CL_KERNEL_WORK_GROUP_SIZE, sizeof(v), &v,
					  NULL), "work-group size");
	CHECK(v == dev_max, "work-group size %zu, device %zu", v, dev_max);
	CHECK_OK(clGetKernelWorkGroupInfo(f, NULL, CL_KERNEL_WORK_GROUP_SIZE, sizeof(v), &v,
					  NULL), "work-group size, device NULL");
	CHECK(v == 8, "reqd 4x2x1: work-group size %zu", v);
	CHECK_OK(clGetKernelWorkGroupInfo(k, env.device, CL_KERNEL_COMPILE_WORK_GROUP_SIZE,
					  sizeof(v3), v3, NULL), "compile size");
	CHECK(!v3[0] && !v3[1] && !v3[2], "no required size");
	CHECK_OK(clGetKernelWorkGroupInfo(f, env.device, CL_KERNEL_COMPILE_WORK_GROUP_SIZE,
					  sizeof(v3), v3, NULL), "compile size");
	CHECK(v3[0] == 4 && v3[1] == 2 && v3[2] == 1, "required (%zu,%zu,%zu)", v3[0], v3[1],
	      v3[2]);
	CHECK_OK(clGetKernelWorkGroupInfo(k, env.device,
					  CL_KERNEL_PREFERRED_WORK_GROUP_SIZE_MULTIPLE, sizeof(v),
					  &v, NULL), "preferred multiple");
	CHECK(v >= 1 && v <= dev_max, "preferred multiple %zu", v);
	CHECK_OK(clGetKernelWorkGroupInfo(k, env.device, CL_KERNEL_LOCAL_MEM_SIZE, sizeof(lm0),
					  &lm0, NULL), "local memory");
	CHECK_OK(clSetKernelArg(k, 2, 1000, NULL), "a local argument");
	CHECK_OK(clGetKernelWorkGroupInfo(k, env.device, CL_KERNEL_LOCAL_MEM_SIZE, sizeof(lm1),
					  &lm1, NULL), "local memory");
	CHECK(lm1 == lm0 + 1000, "local memory %llu then %llu", (unsigned long long)lm0,
	      (unsigned long long)lm1);
	CHECK_OK(clSetKernelArg(k, 2, 24, NULL), "a smaller local argument");
	CHECK_OK(clGetKernelWorkGroupInfo(k, env.device, CL_KERNEL_LOCAL_MEM_SIZE, sizeof(lm1),
					  &lm1, NULL), "local memory");
	CHECK(lm1 == lm0 + 24, "local memory %llu after resizing", (unsigned long long)lm1);
	CHECK_OK(clGetKernelWorkGroupInfo(k, env.device, CL_KERNEL_PRIVATE_MEM_SIZE, sizeof(pm),
					  &pm, NULL), "private memory");
	CHECK_ERR(clGetKernelWorkGroupInfo(k, env.device, CL_KERNEL_GLOBAL_WORK_SIZE, sizeof(v3),
					   v3, NULL), CL_INVALID_VALUE,
		  "global work size of a kernel that is not built in");
	CHECK_ERR(clGetKernelWorkGroupInfo(k, env.device, 0x4242, sizeof(v), &v, NULL),
		  CL_INVALID_VALUE, "unknown work-group info");
	CHECK_ERR(clGetKernelWorkGroupInfo(k, env.device, CL_KERNEL_WORK_GROUP_SIZE, 1, &v, NULL),
		  CL_INVALID_VALUE, "into 1 byte");
	CHECK_ERR(clGetKernelWorkGroupInfo(k, (cl_device_id)&fake, CL_KERNEL_WORK_GROUP_SIZE,
					   sizeof(v), &v, NULL), CL_INVALID_DEVICE,
		  "unknown device");
	CHECK_ERR(clGetKernelWorkGroupInfo((cl_kernel)&fake, env.device,
					   CL_KERNEL_WORK_GROUP_SIZE, sizeof(v), &v, NULL),
		  CL_INVALID_KERNEL, "unknown kernel");

	/* No sub-groups on the device: the queries are refused. */
	CHECK_OK(clGetDeviceInfo(env.device, CL_DEVICE_MAX_NUM_SUB_GROUPS, sizeof(sg), &sg, NULL),
		 "max sub-groups");
	v = 8;
	err = clGetKernelSubGroupInfo(k, env.device, CL_KERNEL_MAX_SUB_GROUP_SIZE_FOR_NDRANGE,
				      sizeof(v), &v, sizeof(v3), v3, NULL);
	CHECK(sg == 0 ? err == CL_INVALID_OPERATION : err == CL_SUCCESS,
	      "sub-group info with %u sub-groups: %s", sg, tu_errname(err));
	CHECK_ERR(clGetKernelSubGroupInfo((cl_kernel)&fake, env.device,
					  CL_KERNEL_MAX_NUM_SUB_GROUPS, 0, NULL, sizeof(v), &v,
					  NULL), CL_INVALID_KERNEL, "sub-groups, unknown kernel");
	CHECK_OK(clReleaseKernel(k), "release");
	CHECK_OK(clReleaseKernel(f), "release");
}

static void set_all(cl_kernel k, cl_mem out, cl_mem cin, int i, cl_mem ro)
{
	cl_float4 v = {{1.5f, 0, 0, 0}};
	S s = {1, 2.0f, 3, 4};

	CHECK_OK(clSetKernelArg(k, 0, sizeof(out), &out), "out");
	CHECK_OK(clSetKernelArg(k, 1, sizeof(cin), &cin), "cin");
	CHECK_OK(clSetKernelArg(k, 2, 8 * sizeof(float), NULL), "scratch");
	CHECK_OK(clSetKernelArg(k, 3, sizeof(i), &i), "i");
	CHECK_OK(clSetKernelArg(k, 4, sizeof(v), &v), "v");
	CHECK_OK(clSetKernelArg(k, 5, sizeof(s), &s), "s");
	CHECK_OK(clSetKernelArg(k, 6, sizeof(ro), &ro), "ro");
	CHECK_OK(clSetKernelArg(k, 7, sizeof(cl_mem), NULL), "vol: NULL");
}

/* Runs many over 8 work-items in one group; the 5 results. */
static void run_many(cl_kernel k, cl_mem out, int res[5])
{
	size_t g = 8, l = 8;
	int init[5] = {-9, -9, -9, -9, -9};

	CHECK_OK(clEnqueueWriteBuffer(env.queue, out, CL_TRUE, 0, sizeof(init), init, 0, NULL,
				      NULL), "reset");
	CHECK_OK(clEnqueueNDRangeKernel(env.queue, k, 1, NULL, &g, &l, 0, NULL, NULL), "run");
	CHECK_OK(clEnqueueReadBuffer(env.queue, out, CL_TRUE, 0, 5 * sizeof(int), res, 0, NULL,
				     NULL), "read");
}

static void check_set_arg(void)
{
	cl_kernel k = kernel("many");
	int c5 = 5, r7 = 7, res[5], i = 10;
	cl_mem out = buffer(64, NULL), cin = buffer(sizeof(c5), &c5), ro = buffer(4, &r7);
	cl_mem bad = (cl_mem)&fake, other;
	cl_context ctx2;
	cl_int err;
	size_t g = 8;
	S s = {0};

	CHECK_ERR(clEnqueueNDRangeKernel(env.queue, k, 1, NULL, &g, NULL, 0, NULL, NULL),
		  CL_INVALID_KERNEL_ARGS, "no argument set");
	CHECK_ERR(clSetKernelArg((cl_kernel)&fake, 0, sizeof(out), &out), CL_INVALID_KERNEL,
		  "unknown kernel");
	CHECK_ERR(clSetKernelArg(k, 8, sizeof(out), &out), CL_INVALID_ARG_INDEX, "index 8");
	/* Buffers. */
	CHECK_ERR(clSetKernelArg(k, 0, 4, &out), CL_INVALID_ARG_SIZE, "buffer, size 4");
	CHECK_ERR(clSetKernelArg(k, 0, 2 * sizeof(cl_mem), &out), CL_INVALID_ARG_SIZE,
		  "buffer, size 16");
	CHECK_ERR(clSetKernelArg(k, 0, sizeof(bad), &bad), CL_INVALID_MEM_OBJECT,
		  "not a buffer");
	ctx2 = clCreateContext(NULL, 1, &env.device, NULL, NULL, &err);
	REQUIRE(ctx2 != NULL, "second context: %s", tu_errname(err));
	other = clCreateBuffer(ctx2, 0, 64, NULL, &err);
	REQUIRE(other != NULL, "buffer of another context: %s", tu_errname(err));
	CHECK_ERR(clSetKernelArg(k, 0, sizeof(other), &other), CL_INVALID_MEM_OBJECT,
		  "a buffer of another context");
	CHECK_OK(clReleaseMemObject(other), "release");
	CHECK_OK(clReleaseContext(ctx2), "release context");
	/* __local. */
	CHECK_ERR(clSetKernelArg(k, 2, 16, &c5), CL_INVALID_ARG_VALUE, "__local with a value");
	CHECK_ERR(clSetKernelArg(k, 2, 0, NULL), CL_INVALID_ARG_SIZE, "__local of 0 bytes");
	/* By value. */
	CHECK_ERR(clSetKernelArg(k, 3, 8, &i), CL_INVALID_ARG_SIZE, "int, size 8");
	CHECK_ERR(clSetKernelArg(k, 3, 2, &i), CL_INVALID_ARG_SIZE, "int, size 2");
	CHECK_ERR(clSetKernelArg(k, 3, sizeof(int), NULL), CL_INVALID_ARG_VALUE, "int, NULL");
	CHECK_ERR(clSetKernelArg(k, 4, 12, &s), CL_INVALID_ARG_SIZE, "float4, 12 bytes");
	CHECK_ERR(clSetKernelArg(k, 5, sizeof(s) - 1, &s), CL_INVALID_ARG_SIZE,
		  "struct, a byte short");

	set_all(k, out, cin, i, ro);
	run_many(k, out, res);
	CHECK(res[0] == 15, "i + cin[0]: %d", res[0]);
	CHECK(res[1] == 8, "local memory: %d", res[1]);
	CHECK(res[2] == 10, "struct fields: %d", res[2]);
	CHECK(res[3] == 7, "read-only buffer: %d", res[3]);
	CHECK(res[4] == 0, "a NULL buffer argument is a NULL pointer: %d", res[4]);

	/* NULL buffers both ways, and a value replaced. */
	CHECK_OK(clSetKernelArg(k, 6, sizeof(cl_mem), &(cl_mem){NULL}), "ro: pointer to NULL");
	CHECK_OK(clSetKernelArg(k, 7, sizeof(out), &out), "vol: a buffer");
	i = 20;
	CHECK_OK(clSetKernelArg(k, 3, sizeof(i), &i), "i again");
	run_many(k, out, res);
	CHECK(res[0] == 25 && res[3] == -1 && res[4] == 1, "new values: %d %d %d", res[0],
	      res[3], res[4]);

	CHECK_OK(clReleaseKernel(k), "release");
	CHECK_OK(clReleaseMemObject(out), "release");
	CHECK_OK(clReleaseMemObject(cin), "release");
	CHECK_OK(clReleaseMemObject(ro), "release");
}

static void check_svm_and_exec_info(void)
{
	cl_kernel k = kernel("many");
	cl_device_svm_capabilities caps = 0;
	void *ptrs[2];
	cl_bool yes = CL_TRUE;
	int x = 0, *p = malloc(64);

	REQUIRE(p != NULL, "memory");
	CHECK_OK(clGetDeviceInfo(env.device, CL_DEVICE_SVM_CAPABILITIES, sizeof(caps), &caps,
				 NULL), "SVM capabilities");
	CHECK(caps & CL_DEVICE_SVM_FINE_GRAIN_SYSTEM, "fine-grain system SVM");
	ptrs[0] = p;
	ptrs[1] = p + 3;
	CHECK_OK(clSetKernelArgSVMPointer(k, 0, p), "malloc'd pointer");
	CHECK_OK(clSetKernelArgSVMPointer(k, 6, p + 1), "an interior pointer");
	CHECK_OK(clSetKernelArgSVMPointer(k, 7, NULL), "NULL");
	CHECK_OK(clSetKernelArgSVMPointer(k, 1, (void *)(uintptr_t)0x1000), "any value");
	CHECK_ERR(clSetKernelArgSVMPointer(k, 3, p), CL_INVALID_ARG_VALUE, "a by-value argument");
	CHECK_ERR(clSetKernelArgSVMPointer(k, 2, p), CL_INVALID_ARG_VALUE, "a __local argument");
	CHECK_ERR(clSetKernelArgSVMPointer(k, 8, p), CL_INVALID_ARG_INDEX, "index 8");
	CHECK_ERR(clSetKernelArgSVMPointer((cl_kernel)&fake, 0, p), CL_INVALID_KERNEL,
		  "unknown kernel");

	CHECK_OK(clSetKernelExecInfo(k, CL_KERNEL_EXEC_INFO_SVM_PTRS, sizeof(ptrs), ptrs),
		 "SVM pointer list");
	CHECK_ERR(clSetKernelExecInfo(k, CL_KERNEL_EXEC_INFO_SVM_PTRS, sizeof(ptrs), NULL),
		  CL_INVALID_VALUE, "list NULL");
	CHECK_OK(clSetKernelExecInfo(k, CL_KERNEL_EXEC_INFO_SVM_PTRS, 0, NULL),
		 "an empty list clears the SVM pointers");
	CHECK_ERR(clSetKernelExecInfo(k, CL_KERNEL_EXEC_INFO_SVM_PTRS, 5, ptrs), CL_INVALID_VALUE,
		  "5 bytes of pointers");
	CHECK_OK(clSetKernelExecInfo(k, CL_KERNEL_EXEC_INFO_SVM_FINE_GRAIN_SYSTEM, sizeof(yes),
				     &yes), "fine-grain system");
	CHECK_ERR(clSetKernelExecInfo(k, CL_KERNEL_EXEC_INFO_SVM_FINE_GRAIN_SYSTEM, 1, &yes),
		  CL_INVALID_VALUE, "a 1-byte bool");
	CHECK_ERR(clSetKernelExecInfo(k, CL_KERNEL_EXEC_INFO_SVM_FINE_GRAIN_SYSTEM, sizeof(yes),
				      NULL), CL_INVALID_VALUE, "bool NULL");
	CHECK_ERR(clSetKernelExecInfo(k, 0x4242, sizeof(x), &x), CL_INVALID_VALUE,
		  "unknown exec info");
	CHECK_ERR(clSetKernelExecInfo((cl_kernel)&fake, CL_KERNEL_EXEC_INFO_SVM_PTRS,
				      sizeof(ptrs), ptrs), CL_INVALID_KERNEL, "unknown kernel");
	CHECK_OK(clReleaseKernel(k), "release");
	free(p);
}

/* A clone has the source's values; changing either later leaves the other. */
static void check_clone(void)
{
	cl_kernel k = kernel("many"), c, c2;
	int c5 = 5, r7 = 7, res[5], i = 1;
	cl_mem out = buffer(64, NULL), out2 = buffer(64, NULL), cin = buffer(sizeof(c5), &c5);
	cl_mem ro = buffer(4, &r7);
	cl_int err;
	char name[16];

	c2 = clCloneKernel(k, &err);
	REQUIRE(c2 && err == CL_SUCCESS, "clone without values: %s", tu_errname(err));
	set_all(k, out, cin, i, ro);
	c = clCloneKernel(k, &err);
	REQUIRE(c && err == CL_SUCCESS, "clone: %s", tu_errname(err));
	CHECK(c != k && kernel_refs(c) == 1, "a new kernel");
	CHECK_OK(clGetKernelInfo(c, CL_KERNEL_FUNCTION_NAME, sizeof(name), name, NULL), "name");
	CHECK(!strcmp(name, "many"), "the clone's name \"%s\"", name);
	i = 100;
	CHECK_OK(clSetKernelArg(k, 3, sizeof(i), &i), "change the source");
	CHECK_OK(clSetKernelArg(c, 0, sizeof(out2), &out2), "change the clone");
	run_many(c, out2, res);
	CHECK(res[0] == 6 && res[2] == 10 && res[3] == 7, "the clone's values: %d %d %d",
	      res[0], res[2], res[3]);
	run_many(k, out, res);
	CHECK(res[0] == 105, "the source's values: %d", res[0]);
	CHECK_ERR(clEnqueueTask(env.queue, c2, 0, NULL, NULL), CL_INVALID_KERNEL_ARGS,
		  "an early clone has no values");
	CHECK(clCloneKernel((cl_kernel)&fake, &err) == NULL && err == CL_INVALID_KERNEL,
	      "clone an unknown kernel: %s", tu_errname(err));
	CHECK_OK(clReleaseKernel(k), "release");
	CHECK_OK(clReleaseKernel(c), "release");
	CHECK_OK(clReleaseKernel(c2), "release");
	CHECK_OK(clReleaseMemObject(out), "release");
	CHECK_OK(clReleaseMemObject(out2), "release");
	CHECK_OK(clReleaseMemObject(cin), "release");
	CHECK_OK(clReleaseMemObject(ro), "release");
}

/* A kernel keeps its program: released by the application, it still runs. */
static int buffers_gone;

static void CL_CALLBACK buffer_gone(cl_mem m, void *data)
{
	(void)m;
	(void)data;
	buffers_gone++;
}

static void check_lifetime(void)
{
	const char *s = "kernel void k(global int *p) { p[get_global_id(0)] = 3; }";
	cl_program p = clCreateProgramWithSource(env.context, 1, &s, NULL, NULL), q = NULL;
	cl_mem m = buffer(16 * sizeof(int), NULL);
	int res[16] = {0};
	size_t g = 16;
	cl_kernel k;
	cl_int err;

	REQUIRE(p != NULL, "program");
	CHECK_OK(clBuildProgram(p, 0, NULL, NULL, NULL, NULL), "build");
	k = clCreateKernel(p, "k", &err);
	REQUIRE(k != NULL, "kernel: %s", tu_errname(err));
	CHECK_OK(clReleaseProgram(p), "release the program");
	CHECK_OK(clGetKernelInfo(k, CL_KERNEL_PROGRAM, sizeof(q), &q, NULL), "program");
	CHECK(q == p, "the program is still there");
	CHECK_OK(clSetKernelArg(k, 0, sizeof(m), &m), "arg");
	CHECK_OK(clEnqueueNDRangeKernel(env.queue, k, 1, NULL, &g, NULL, 0, NULL, NULL), "run");
	/* Released while queued: the command keeps what it needs. */
	CHECK_OK(clReleaseKernel(k), "release the kernel");
	CHECK_OK(clEnqueueReadBuffer(env.queue, m, CL_TRUE, 0, sizeof(res), res, 0, NULL, NULL),
		 "read");
	CHECK(res[0] == 3 && res[15] == 3, "ran: %d %d", res[0], res[15]);
	CHECK_OK(clReleaseMemObject(m), "release");

	/* A kernel argument does not keep its buffer: released, the buffer
	 * goes (its destructor callback runs) while the kernel lives on. */
	p = clCreateProgramWithSource(env.context, 1, &s, NULL, NULL);
	CHECK_OK(clBuildProgram(p, 0, NULL, NULL, NULL, NULL), "build");
	k = clCreateKernel(p, "k", &err);
	REQUIRE(k != NULL, "kernel: %s", tu_errname(err));
	m = buffer(16 * sizeof(int), NULL);
	CHECK_OK(clSetMemObjectDestructorCallback(m, buffer_gone, NULL), "destructor callback");
	CHECK_OK(clSetKernelArg(k, 0, sizeof(m), &m), "arg");
	buffers_gone = 0;
	CHECK_OK(clReleaseMemObject(m), "release the buffer");
	CHECK(buffers_gone == 1, "the buffer went though a kernel argument named it");
	CHECK_OK(clReleaseKernel(k), "release the kernel");
	CHECK_OK(clReleaseProgram(p), "release the program");
}

/* Kernel names that the runtime's own symbols could have taken. */
static void check_reserved_names(void)
{
	static const char *names_src =
		"__kernel void sync(__global int *o) { o[get_global_id(0)] = 1; }\n"
		"__kernel void scratch(__global int *o) { barrier(CLK_GLOBAL_MEM_FENCE);"
		" o[get_global_id(0)] += 2; }\n";
	cl_int err, out[4] = {0};
	size_t n = 4;
	cl_program p = clCreateProgramWithSource(env.context, 1, &names_src, NULL, &err);
	cl_mem m = buffer(sizeof(out), out);

	CHECK_OK(clBuildProgram(p, 0, NULL, NULL, NULL, NULL), "kernels named sync and scratch");
	for (int i = 0; i < 2; i++) {
		cl_kernel k = clCreateKernel(p, i ? "scratch" : "sync", &err);

		CHECK_OK(err, "kernel %d", i);
		CHECK_OK(clSetKernelArg(k, 0, sizeof(m), &m), "arg");
		CHECK_OK(clEnqueueNDRangeKernel(env.queue, k, 1, NULL, &n, NULL, 0, NULL, NULL),
			 "run %d", i);
		clReleaseKernel(k);
	}
	CHECK_OK(clEnqueueReadBuffer(env.queue, m, CL_TRUE, 0, sizeof(out), out, 0, NULL, NULL),
		 "read");
	CHECK(out[0] == 3 && out[3] == 3, "both kernels ran: %d %d", out[0], out[3]);
	clReleaseMemObject(m);
	clReleaseProgram(p);
}

int main(void)
{
	cl_int err;

	tu_env_init(&env, 0);
	fake.dispatch = *(const cl_icd_dispatch **)env.platform;
	fake.refcount = 1;
	program = clCreateProgramWithSource(env.context, 1, &src, NULL, &err);
	REQUIRE(program != NULL, "program: %s", tu_errname(err));
	err = clBuildProgram(program, 0, NULL, NULL, NULL, NULL);
	if (err) {
		char log[4096] = "";

		clGetProgramBuildInfo(program, env.device, CL_PROGRAM_BUILD_LOG, sizeof(log), log,
				      NULL);
		printf("# build log:\n%s\n", log);
	}
	REQUIRE(err == CL_SUCCESS, "build: %s", tu_errname(err));

	check_create();
	check_reserved_names();
	check_info();
	check_arg_info();
	check_work_group_info();
	check_set_arg();
	check_svm_and_exec_info();
	check_clone();
	check_lifetime();
	CHECK_OK(clReleaseProgram(program), "release program");
	tu_env_fini(&env);
	return tu_done();
}
