// SPDX-License-Identifier: MIT
/* The cuda device on a real GPU: what it reports, kernels over every kind
 * of memory it offers (buffers, coarse- and fine-grain SVM), __local
 * arguments and barriers, atomics, global offsets, 2-D and non-uniform
 * NDRanges, SVM copies, fills and migrations, program binaries. Skips (exit
 * 77) where no GPU is present. */
#include "testutil.h"

#include <stdint.h>
#include <unistd.h>

#define N 100000

static const char *src =
	"kernel void add(global const float *a, global const float *b, global float *c)\n"
	"{ size_t i = get_global_id(0); c[i] = a[i] + b[i]; }\n"
	"kernel void ids(global ulong *out, ulong w)\n"
	"{ size_t x = get_global_id(0) - get_global_offset(0);\n"
	"  size_t y = get_global_id(1) - get_global_offset(1);\n"
	"  out[y * w + x] = get_global_id(0) * 1000000 + get_global_id(1) * 1000 +\n"
	"                   get_local_size(0) * 10 + get_work_dim(); }\n"
	"kernel void reduce(global const int *in, global int *out, local int *s)\n"
	"{ size_t l = get_local_id(0), n = get_local_size(0);\n"
	"  s[l] = in[get_global_id(0)];\n"
	"  for (size_t k = n / 2; k; k /= 2) { barrier(CLK_LOCAL_MEM_FENCE);\n"
	"    if (l < k) s[l] += s[l + k]; }\n"
	"  if (!l) out[get_group_id(0)] = s[0]; }\n"
	"kernel void count(global int *c) { atomic_inc(c); }\n"
	"kernel void say(int v) { if (get_global_id(0) == 1)\n"
	"  printf(\"svmgpu says %d %.2f %s %ld\\n\", v, 1.5f, \"ok\", (long)get_global_size(0)); }\n"
	"constant int tbl[4] = {1, 2, 3, 4};\n"
	"kernel void scale(constant float *k, global float *o)\n"
	"{ size_t i = get_global_id(0); o[i] = k[i] * (float)tbl[i & 3]; }\n"
	"kernel void mix(global int *out, local int *a, local int *b)\n"
	"{ local int st[64]; size_t l = get_local_id(0);\n"
	"  st[l] = (int)l; a[l] = 1000 + (int)l; b[l] = 100000 * (int)l;\n"
	"  barrier(CLK_LOCAL_MEM_FENCE);\n"
	"  out[get_global_id(0)] = st[(l + 1) % 64] + a[(l + 2) % 64] + b[(l + 3) % 64]; }\n"
	"kernel void edge(global uint *out)\n"
	"{ out[get_global_id(0)] = get_local_size(0) * 100000 + get_group_id(0) * 10 +\n"
	"                          (get_num_groups(0) == 4); }\n";

static cl_device_id find_gpu(cl_platform_id p, bool any)
{
	cl_device_id d[8];
	cl_uint n = 0;
	cl_bool avail = CL_FALSE;

	if (clGetDeviceIDs(p, CL_DEVICE_TYPE_GPU, 8, d, &n) != CL_SUCCESS)
		return NULL;
	for (cl_uint i = 0; i < n; i++) {
		clGetDeviceInfo(d[i], CL_DEVICE_AVAILABLE, sizeof(avail), &avail, NULL);
		if (avail || any)
			return d[i];
	}
	return NULL;
}

/* --build-only: builds this test's programs (for the offline device: fills
 * a program cache for a GPU machine without a compiler) and exits. */
static int build_only(cl_device_id dev)
{
	cl_context ctx = clCreateContext(NULL, 1, &dev, NULL, NULL, NULL);
	const char *opts[] = {NULL, "-cl-std=CL3.0"};
	int rc = 0;

	for (int i = 0; i < 2; i++) {
		cl_program p = clCreateProgramWithSource(ctx, 1, &src, NULL, NULL);

		rc |= clBuildProgram(p, 1, &dev, opts[i], NULL, NULL) != CL_SUCCESS;
		clReleaseProgram(p);
	}
	clReleaseContext(ctx);
	printf("build-only: %s\n", rc ? "failed" : "built");
	return rc;
}

static void check_info(cl_device_id dev)
{
	char name[256] = "";
	cl_device_svm_capabilities svm = 0;
	cl_uint cus = 0;
	size_t wg = 0;
	cl_ulong mem = 0, local = 0;

	clGetDeviceInfo(dev, CL_DEVICE_NAME, sizeof(name), name, NULL);
	clGetDeviceInfo(dev, CL_DEVICE_SVM_CAPABILITIES, sizeof(svm), &svm, NULL);
	clGetDeviceInfo(dev, CL_DEVICE_MAX_COMPUTE_UNITS, sizeof(cus), &cus, NULL);
	clGetDeviceInfo(dev, CL_DEVICE_MAX_WORK_GROUP_SIZE, sizeof(wg), &wg, NULL);
	clGetDeviceInfo(dev, CL_DEVICE_GLOBAL_MEM_SIZE, sizeof(mem), &mem, NULL);
	clGetDeviceInfo(dev, CL_DEVICE_LOCAL_MEM_SIZE, sizeof(local), &local, NULL);
	printf("# %s: %u compute units, max work-group %zu, %llu MiB, local %llu KiB, "
	       "SVM 0x%llx\n", name, cus, wg, (unsigned long long)(mem >> 20),
	       (unsigned long long)(local >> 10), (unsigned long long)svm);
	CHECK(strstr(name, "cuda") != NULL, "device name %s", name);
	CHECK(cus > 0 && wg >= 256 && mem > 0 && local >= 16384, "real figures");
	CHECK(svm & CL_DEVICE_SVM_COARSE_GRAIN_BUFFER, "coarse-grain SVM");
}

static void run_add(cl_command_queue q, cl_kernel k, float *a, float *b, float *c,
		    const char *what)
{
	size_t g = N, bad = 0;

	for (size_t i = 0; i < N; i++) {
		a[i] = (float)i;
		b[i] = 2.0f * (float)i;
		c[i] = -1;
	}
	CHECK_OK(clSetKernelArgSVMPointer(k, 0, a), "%s arg 0", what);
	CHECK_OK(clSetKernelArgSVMPointer(k, 1, b), "%s arg 1", what);
	CHECK_OK(clSetKernelArgSVMPointer(k, 2, c), "%s arg 2", what);
	CHECK_OK(clEnqueueNDRangeKernel(q, k, 1, NULL, &g, NULL, 0, NULL, NULL), "%s", what);
	CHECK_OK(clFinish(q), "%s finish", what);
	for (size_t i = 0; i < N; i++)
		bad += c[i] != 3.0f * (float)i;
	CHECK(bad == 0, "%s: %zu wrong sums", what, bad);
}

static void test_svm(cl_context ctx, cl_command_queue q, cl_program p, cl_device_id dev)
{
	cl_device_svm_capabilities svm = 0;
	cl_kernel k = clCreateKernel(p, "add", NULL);
	size_t bytes = N * sizeof(float);
	float *a = clSVMAlloc(ctx, CL_MEM_READ_WRITE, bytes, 0);
	float *b = clSVMAlloc(ctx, CL_MEM_READ_WRITE, bytes, 0);
	float *c = clSVMAlloc(ctx, CL_MEM_READ_WRITE, bytes, 4096);
	float pat = 7.0f;

	REQUIRE(k && a && b && c, "coarse SVM allocations");
	CHECK(((uintptr_t)c & 4095) == 0, "alignment 4096 honoured");
	/* Coarse grain: map for the host, unmap for the GPU. */
	clEnqueueSVMMap(q, CL_TRUE, CL_MAP_WRITE, a, bytes, 0, NULL, NULL);
	clEnqueueSVMMap(q, CL_TRUE, CL_MAP_WRITE, b, bytes, 0, NULL, NULL);
	clEnqueueSVMMap(q, CL_TRUE, CL_MAP_WRITE, c, bytes, 0, NULL, NULL);
	run_add(q, k, a, b, c, "coarse SVM");
	CHECK_OK(clEnqueueSVMMemFill(q, c, &pat, sizeof(pat), bytes, 0, NULL, NULL), "fill");
	CHECK_OK(clEnqueueSVMMemcpy(q, CL_TRUE, b, c, bytes, 0, NULL, NULL), "memcpy");
	CHECK(b[0] == 7.0f && b[N - 1] == 7.0f, "fill then copy: %g %g", b[0], b[N - 1]);
	{
		const void *ptrs[] = {a, b};
		size_t sizes[] = {bytes, bytes};

		CHECK_OK(clEnqueueSVMMigrateMem(q, 2, ptrs, sizes, 0, 0, NULL, NULL), "to GPU");
		CHECK_OK(clEnqueueSVMMigrateMem(q, 2, ptrs, sizes, CL_MIGRATE_MEM_OBJECT_HOST, 0,
						NULL, NULL), "to host");
		CHECK_OK(clFinish(q), "migrations");
	}
	clSVMFree(ctx, a);
	clSVMFree(ctx, b);
	clSVMFree(ctx, c);

	clGetDeviceInfo(dev, CL_DEVICE_SVM_CAPABILITIES, sizeof(svm), &svm, NULL);
	if (svm & CL_DEVICE_SVM_FINE_GRAIN_BUFFER) {
		cl_svm_mem_flags f = CL_MEM_READ_WRITE | CL_MEM_SVM_FINE_GRAIN_BUFFER;

		a = clSVMAlloc(ctx, f, bytes, 0);
		b = clSVMAlloc(ctx, f, bytes, 0);
		c = clSVMAlloc(ctx, f, bytes, 0);
		REQUIRE(a && b && c, "fine-grain SVM allocations");
		run_add(q, k, a, b, c, "fine-grain SVM, no map");
		clSVMFree(ctx, a);
		clSVMFree(ctx, b);
		clSVMFree(ctx, c);
	} else {
		printf("# no fine-grain buffer SVM on this GPU: not tested\n");
	}
	if (!(svm & CL_DEVICE_SVM_FINE_GRAIN_SYSTEM)) {
		float *m = malloc(16 * sizeof(float));

		CHECK_OK(clSetKernelArgSVMPointer(k, 0, m), "malloc pointer set");
		CHECK_ERR(clEnqueueNDRangeKernel(q, k, 1, NULL, (size_t[]){16}, NULL, 0, NULL, NULL),
			  CL_INVALID_OPERATION, "malloc memory without system SVM is refused");
		free(m);
	}
	clReleaseKernel(k);
}

static void test_buffers_and_ids(cl_context ctx, cl_command_queue q, cl_program p)
{
	cl_kernel k = clCreateKernel(p, "ids", NULL);
	size_t off[2] = {5, 7}, g[2] = {64, 8}, l[2] = {16, 2}, w = 64, bad = 0;
	cl_ulong *out = calloc(64 * 8, sizeof(*out)), width = 64;
	cl_mem buf = clCreateBuffer(ctx, CL_MEM_READ_WRITE, 64 * 8 * sizeof(*out), NULL, NULL);

	REQUIRE(k && buf && out, "ids kernel and buffer");
	clSetKernelArg(k, 0, sizeof(buf), &buf);
	clSetKernelArg(k, 1, sizeof(width), &width);
	CHECK_OK(clEnqueueNDRangeKernel(q, k, 2, off, g, l, 0, NULL, NULL), "2-D with offsets");
	CHECK_OK(clEnqueueReadBuffer(q, buf, CL_TRUE, 0, 64 * 8 * sizeof(*out), out, 0, NULL,
				     NULL), "read back");
	for (size_t y = 0; y < 8; y++)
		for (size_t x = 0; x < w; x++)
			bad += out[y * w + x] != (x + 5) * 1000000 + (y + 7) * 1000 + 16 * 10 + 2;
	CHECK(bad == 0, "2-D ids with offsets: %zu wrong (first %llu)", bad,
	      (unsigned long long)out[0]);
	clReleaseMemObject(buf);
	clReleaseKernel(k);
	free(out);
	{
		/* A __constant pointer argument over an ordinary buffer. */
		float in[64], res[64];
		cl_mem cin, cout;
		size_t n = 64, cbad = 0;

		for (int i = 0; i < 64; i++)
			in[i] = (float)i + 0.5f;
		cin = clCreateBuffer(ctx, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, sizeof(in), in,
				     NULL);
		cout = clCreateBuffer(ctx, CL_MEM_WRITE_ONLY, sizeof(res), NULL, NULL);
		k = clCreateKernel(p, "scale", NULL);
		REQUIRE(k && cin && cout, "scale kernel");
		clSetKernelArg(k, 0, sizeof(cin), &cin);
		clSetKernelArg(k, 1, sizeof(cout), &cout);
		CHECK_OK(clEnqueueNDRangeKernel(q, k, 1, NULL, &n, NULL, 0, NULL, NULL), "scale");
		CHECK_OK(clEnqueueReadBuffer(q, cout, CL_TRUE, 0, sizeof(res), res, 0, NULL, NULL),
			 "read");
		for (int i = 0; i < 64; i++)
			cbad += res[i] != in[i] * (float)(i % 4 + 1);
		CHECK(cbad == 0, "__constant argument and program-scope table: %zu wrong", cbad);
		clReleaseKernel(k);
		clReleaseMemObject(cin);
		clReleaseMemObject(cout);
	}
	{
		/* A buffer over the application's memory: registered with the
		 * driver, written by the GPU, read by the host where it is. */
		size_t n = 4096, hbad = 0;
		float *a = malloc(n * sizeof(float)), *c = malloc(n * sizeof(float));
		cl_mem ba, bc;

		for (size_t i = 0; i < n; i++)
			a[i] = (float)i;
		ba = clCreateBuffer(ctx, CL_MEM_USE_HOST_PTR, n * sizeof(float), a, NULL);
		bc = clCreateBuffer(ctx, CL_MEM_USE_HOST_PTR, n * sizeof(float), c, NULL);
		k = clCreateKernel(p, "add", NULL);
		REQUIRE(k && ba && bc, "USE_HOST_PTR buffers");
		clSetKernelArg(k, 0, sizeof(ba), &ba);
		clSetKernelArg(k, 1, sizeof(ba), &ba);
		clSetKernelArg(k, 2, sizeof(bc), &bc);
		CHECK_OK(clEnqueueNDRangeKernel(q, k, 1, NULL, &n, NULL, 0, NULL, NULL),
			 "kernel over USE_HOST_PTR buffers");
		CHECK_OK(clFinish(q), "finish");
		for (size_t i = 0; i < n; i++)
			hbad += c[i] != 2.0f * (float)i;
		CHECK(hbad == 0, "the GPU wrote the application's memory: %zu wrong", hbad);
		clReleaseKernel(k);
		clReleaseMemObject(ba);
		clReleaseMemObject(bc);
		free(a);
		free(c);
	}
}

static void test_reduce_and_atomics(cl_context ctx, cl_command_queue q, cl_program p)
{
	enum { GROUPS = 64, LOCAL = 256 };
	cl_kernel k = clCreateKernel(p, "reduce", NULL), kc = clCreateKernel(p, "count", NULL);
	int *in = clSVMAlloc(ctx, CL_MEM_READ_WRITE, GROUPS * LOCAL * sizeof(int), 0);
	int *out = clSVMAlloc(ctx, CL_MEM_READ_WRITE, GROUPS * sizeof(int), 0);
	size_t g = GROUPS * LOCAL, l = LOCAL, bad = 0, big = 1 << 20;

	REQUIRE(k && kc && in && out, "reduce setup");
	clEnqueueSVMMap(q, CL_TRUE, CL_MAP_WRITE, in, GROUPS * LOCAL * sizeof(int), 0, NULL, NULL);
	for (int i = 0; i < GROUPS * LOCAL; i++)
		in[i] = i % 7;
	clSetKernelArgSVMPointer(k, 0, in);
	clSetKernelArgSVMPointer(k, 1, out);
	CHECK_OK(clSetKernelArg(k, 2, LOCAL * sizeof(int), NULL), "local argument");
	CHECK_OK(clEnqueueNDRangeKernel(q, k, 1, NULL, &g, &l, 0, NULL, NULL), "reduce");
	clEnqueueSVMMap(q, CL_TRUE, CL_MAP_READ, out, GROUPS * sizeof(int), 0, NULL, NULL);
	for (int gi = 0; gi < GROUPS; gi++) {
		int want = 0;

		for (int i = 0; i < LOCAL; i++)
			want += (gi * LOCAL + i) % 7;
		bad += out[gi] != want;
	}
	CHECK(bad == 0, "local-memory reduction: %zu groups wrong", bad);
	{
		/* Kernel-scope __local next to two __local arguments: each its own. */
		cl_kernel km = clCreateKernel(p, "mix", NULL);
		size_t mg = 256, ml = 64, mbad = 0;

		clSetKernelArgSVMPointer(km, 0, in);
		clSetKernelArg(km, 1, 64 * sizeof(int), NULL);
		clSetKernelArg(km, 2, 64 * sizeof(int), NULL);
		CHECK_OK(clEnqueueNDRangeKernel(q, km, 1, NULL, &mg, &ml, 0, NULL, NULL), "mix");
		clEnqueueSVMMap(q, CL_TRUE, CL_MAP_READ, in, 256 * sizeof(int), 0, NULL, NULL);
		for (int i = 0; i < 256; i++) {
			int l = i % 64;

			mbad += in[i] != (l + 1) % 64 + 1000 + (l + 2) % 64 + 100000 * ((l + 3) % 64);
		}
		CHECK(mbad == 0, "__local variables and arguments apart: %zu wrong", mbad);
		clReleaseKernel(km);
	}
	out[0] = 0;
	clSetKernelArgSVMPointer(kc, 0, out);
	CHECK_OK(clEnqueueNDRangeKernel(q, kc, 1, NULL, &big, NULL, 0, NULL, NULL), "atomics");
	clEnqueueSVMMap(q, CL_TRUE, CL_MAP_READ, out, sizeof(int), 0, NULL, NULL);
	CHECK(out[0] == (int)big, "atomic_inc from 2^20 work-items: %d", out[0]);
	clSVMFree(ctx, in);
	clSVMFree(ctx, out);
	clReleaseKernel(k);
	clReleaseKernel(kc);
}

static void test_non_uniform(cl_context ctx, cl_command_queue q, cl_device_id dev)
{
	cl_program p = clCreateProgramWithSource(ctx, 1, &src, NULL, NULL);
	cl_kernel k;
	cl_uint *out = clSVMAlloc(ctx, CL_MEM_READ_WRITE, 1000 * sizeof(cl_uint), 0);
	size_t g = 1000, l = 256, bad = 0;

	CHECK_OK(clBuildProgram(p, 1, &dev, "-cl-std=CL3.0", NULL, NULL), "OpenCL C 3.0 build");
	k = clCreateKernel(p, "edge", NULL);
	REQUIRE(k && out, "edge kernel");
	clSetKernelArgSVMPointer(k, 0, out);
	CHECK_OK(clEnqueueNDRangeKernel(q, k, 1, NULL, &g, &l, 0, NULL, NULL), "1000 by 256");
	clEnqueueSVMMap(q, CL_TRUE, CL_MAP_READ, out, 1000 * sizeof(cl_uint), 0, NULL, NULL);
	for (size_t i = 0; i < 1000; i++)
		bad += out[i] != (i < 768 ? 256 : 232) * 100000 + (i / 256) * 10 + 1;
	CHECK(bad == 0, "non-uniform edge group: %zu wrong (out[999] = %u)", bad, out[999]);
	clSVMFree(ctx, out);
	clReleaseKernel(k);
	clReleaseProgram(p);
}

/* printf output, read back from a file standing in for stdout. */
static void test_printf(cl_command_queue q, cl_program p)
{
	char path[] = "/tmp/svmgpu-printf-XXXXXX", text[256] = "";
	int fd = mkstemp(path), saved = dup(1);
	cl_kernel k = clCreateKernel(p, "say", NULL);
	cl_int v = 42;
	size_t g = 4;
	FILE *f;

	REQUIRE(fd >= 0 && saved >= 0 && k, "printf setup");
	clSetKernelArg(k, 0, sizeof(v), &v);
	fflush(stdout);
	dup2(fd, 1);
	CHECK_OK(clEnqueueNDRangeKernel(q, k, 1, NULL, &g, NULL, 0, NULL, NULL), "printf kernel");
	CHECK_OK(clFinish(q), "printf finish");
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	f = fdopen(fd, "r");
	rewind(f);
	(void)!fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	unlink(path);
	CHECK(!strcmp(text, "svmgpu says 42 1.50 ok 4\n"), "printf output: \"%s\"", text);
	clReleaseKernel(k);
}

static void test_binary(cl_context ctx, cl_device_id dev, cl_program p)
{
	size_t size = 0;
	unsigned char *bin;
	cl_int st = -1, err;
	cl_program p2;

	clGetProgramInfo(p, CL_PROGRAM_BINARY_SIZES, sizeof(size), &size, NULL);
	bin = malloc(size);
	REQUIRE(bin && size, "binary size %zu", size);
	clGetProgramInfo(p, CL_PROGRAM_BINARIES, sizeof(bin), &bin, NULL);
	CHECK(memmem(bin, size, ".target sm_", 11) != NULL, "the binary holds PTX");
	p2 = clCreateProgramWithBinary(ctx, 1, &dev, &size, (const unsigned char **)&bin, &st,
				       &err);
	CHECK_OK(err, "binary loads back");
	CHECK_OK(clBuildProgram(p2, 1, &dev, NULL, NULL, NULL), "build from binary");
	clReleaseProgram(p2);
	free(bin);
}

int main(int argc, char **argv)
{
	bool only = argc > 1 && !strcmp(argv[1], "--build-only");
	cl_platform_id plat = tu_platform(NULL);
	cl_device_id dev = find_gpu(plat, only);
	cl_context ctx;
	cl_command_queue q;
	cl_program p;
	cl_int err;

	if (!dev) {
		printf("skip: no cuda device here (no NVIDIA GPU or no libcuda.so.1)\n");
		return 77;
	}
	if (only)
		return build_only(dev);
	check_info(dev);
	ctx = clCreateContext(NULL, 1, &dev, NULL, NULL, &err);
	q = clCreateCommandQueueWithProperties(ctx, dev, NULL, &err);
	p = clCreateProgramWithSource(ctx, 1, &src, NULL, &err);
	err = clBuildProgram(p, 1, &dev, NULL, NULL, NULL);
	if (err) {
		char log[8192] = "";

		clGetProgramBuildInfo(p, dev, CL_PROGRAM_BUILD_LOG, sizeof(log), log, NULL);
		printf("# build log: %s\n", log);
	}
	REQUIRE(err == CL_SUCCESS, "build for the GPU");
	test_svm(ctx, q, p, dev);
	test_buffers_and_ids(ctx, q, p);
	test_reduce_and_atomics(ctx, q, p);
	test_non_uniform(ctx, q, dev);
	test_printf(q, p);
	test_binary(ctx, dev, p);
	clReleaseProgram(p);
	clReleaseCommandQueue(q);
	clReleaseContext(ctx);
	return tu_done();
}
