// SPDX-License-Identifier: MIT
/* The cuda device's host side against the mock CUDA driver (mock/), on any
 * machine: what it reports from the driver's figures, the SVM it claims for
 * each combination of driver capabilities, managed allocations and their
 * reuse, copies, fills and migration as driver calls, buffers over
 * application memory registered with the driver, and NDRanges as CUDA
 * grids: blocks, the non-uniform edges as extra grids, the geometry written
 * before each, __local arguments as offsets into dynamic shared memory,
 * parameters as the PTX entry declares them; a program linked from an
 * object and a library loads and launches the same way. Driver failures (launch,
 * module load, allocation) run in child processes with the mock told to
 * fail; copies, fills and prefetches the driver declines fall back to the
 * CPU. Kernels do not run: test_cuda_device does that on a GPU.
 *
 * usage: test_cuda_mock [--child caps|launch-fails|module-fails|alloc-fails|copies-fail] */
#include "testutil.h"
#include "mock_cuda.h"

#include <dlfcn.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

static struct mock_cuda_record *rec;
static void (*rec_reset)(void);

static const char kernel_src[] =
	"kernel void fill(global int *out, local int *a, local float *b, int v)\n"
	"{\n"
	"\tsize_t i = get_global_id(1) * get_global_size(0) + get_global_id(0);\n"
	"\ta[get_local_id(0)] = v;\n"
	"\tb[get_local_id(1)] = v;\n"
	"\tbarrier(CLK_LOCAL_MEM_FENCE);\n"
	"\tout[i] = a[0] + (int)b[0];\n"
	"}\n"
	"kernel void walk(global int *p) { p[get_global_id(0)] += 1; }\n";

/* builtins/ptx/workitem.cl's geometry, as the mock saw it at a launch. */
struct geometry {
	uint32_t work_dim, reserved;
	uint64_t global_offset[3], global_size[3], enqueued_local_size[3], num_groups[3];
	uint64_t group_offset[3];
};

static cl_device_id gpu_device(void)
{
	cl_platform_id plat = tu_platform(NULL);
	cl_device_id dev = NULL;

	if (clGetDeviceIDs(plat, CL_DEVICE_TYPE_GPU, 1, &dev, NULL) != CL_SUCCESS)
		return NULL;
	return dev;
}

static void find_record(void)
{
	void *h = dlopen("libcuda.so.1", RTLD_NOW | RTLD_NOLOAD);

	REQUIRE(h, "the mock driver is loaded");
	rec = ((struct mock_cuda_record * (*)(void)) dlsym(h, "mock_cuda_record"))();
	*(void **)&rec_reset = dlsym(h, "mock_cuda_reset");
	REQUIRE(rec && rec_reset, "the loaded libcuda.so.1 is the mock");
}

static cl_program build(cl_context ctx, cl_device_id dev)
{
	cl_int err;
	cl_program p = clCreateProgramWithSource(ctx, 1, (const char *[]){kernel_src}, NULL, &err);

	/* OpenCL C 3.0: non-uniform work-groups allowed. */
	err = clBuildProgram(p, 1, &dev, "-cl-std=CL3.0", NULL, NULL);
	if (err) {
		char log[8192] = "";

		clGetProgramBuildInfo(p, dev, CL_PROGRAM_BUILD_LOG, sizeof(log), log, NULL);
		printf("# build log:\n%s\n", log);
	}
	REQUIRE(err == CL_SUCCESS, "build for the mock GPU");
	return p;
}

static void check_queries(cl_device_id dev)
{
	char name[256] = "", driver[128] = "";
	cl_uint cus = 0, clock = 0;
	cl_ulong mem = 0, local = 0, cache = 0;
	size_t wg = 0, items[3] = {0};
	cl_bool avail = CL_FALSE, ecc = CL_FALSE, compiler = CL_FALSE, linker = CL_FALSE;

	clGetDeviceInfo(dev, CL_DEVICE_NAME, sizeof(name), name, NULL);
	clGetDeviceInfo(dev, CL_DRIVER_VERSION, sizeof(driver), driver, NULL);
	clGetDeviceInfo(dev, CL_DEVICE_MAX_COMPUTE_UNITS, sizeof(cus), &cus, NULL);
	clGetDeviceInfo(dev, CL_DEVICE_MAX_CLOCK_FREQUENCY, sizeof(clock), &clock, NULL);
	clGetDeviceInfo(dev, CL_DEVICE_GLOBAL_MEM_SIZE, sizeof(mem), &mem, NULL);
	clGetDeviceInfo(dev, CL_DEVICE_LOCAL_MEM_SIZE, sizeof(local), &local, NULL);
	clGetDeviceInfo(dev, CL_DEVICE_GLOBAL_MEM_CACHE_SIZE, sizeof(cache), &cache, NULL);
	clGetDeviceInfo(dev, CL_DEVICE_MAX_WORK_GROUP_SIZE, sizeof(wg), &wg, NULL);
	clGetDeviceInfo(dev, CL_DEVICE_MAX_WORK_ITEM_SIZES, sizeof(items), items, NULL);
	clGetDeviceInfo(dev, CL_DEVICE_AVAILABLE, sizeof(avail), &avail, NULL);
	clGetDeviceInfo(dev, CL_DEVICE_ERROR_CORRECTION_SUPPORT, sizeof(ecc), &ecc, NULL);
	CHECK(!strcmp(name, "svmgpu cuda (Mock GPU 0)"), "name from the driver: %s", name);
	CHECK(strstr(driver, "CUDA 13.0") != NULL, "driver version: %s", driver);
	CHECK(cus == 132 && clock == 1980, "multiprocessors and clock: %u, %u MHz", cus, clock);
	CHECK(mem == (cl_ulong)8 << 30, "global memory: %llu", (unsigned long long)mem);
	CHECK(local == 232448, "local memory is the opt-in shared memory: %llu",
	      (unsigned long long)local);
	CHECK(cache == 52428800, "L2 as the global cache: %llu", (unsigned long long)cache);
	CHECK(wg == 1024 && items[0] == 1024 && items[1] == 1024 && items[2] == 64,
	      "work-group limits: %zu (%zu, %zu, %zu)", wg, items[0], items[1], items[2]);
	CHECK(avail && ecc, "available, ECC as the driver says");
	clGetDeviceInfo(dev, CL_DEVICE_COMPILER_AVAILABLE, sizeof(compiler), &compiler, NULL);
	clGetDeviceInfo(dev, CL_DEVICE_LINKER_AVAILABLE, sizeof(linker), &linker, NULL);
	CHECK(compiler && linker, "compiler and linker available (clLinkProgram builds PTX)");
}

/* Runs this program as `--child mode` with one variable of the mock's
 * configuration set; its wait status. */
static int run_child(const char *self, const char *var, const char *value, const char *mode)
{
	int status = -1;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		setenv(var, value, 1);
		execl(self, self, "--child", mode, (char *)NULL);
		_exit(99);
	}
	if (pid > 0)
		waitpid(pid, &status, 0);
	return status;
}

/* The SVM capabilities claimed under each combination of what the driver
 * reports (managed memory 83, concurrent managed access 89, pageable
 * memory access 88, host-native atomics 86), from a child process. */
static void check_svm_caps(const char *self)
{
	static const struct {
		const char *attrs;
		int want;
	} cases[] = {
		{"", 1 | 2},          /* an H100: coarse and fine-grain buffers */
		{"89=0", 1},          /* no concurrent access: coarse only */
		{"88=1", 1 | 2 | 4},  /* pageable memory access (HMM): system SVM */
		{"86=1", 1 | 2 | 8},  /* host-native atomics: SVM atomics */
		{"89=0,86=1", 1},     /* atomics only with fine grain */
		{"83=0", 0},          /* no managed memory: no SVM */
		{"41=0", 0},          /* no unified addressing: no SVM */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int status = run_child(self, "MOCK_CUDA_ATTRS", cases[i].attrs, "caps");

		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == cases[i].want,
		      "driver attributes \"%s\": SVM capabilities %d, want %d", cases[i].attrs,
		      WIFEXITED(status) ? WEXITSTATUS(status) : -1, cases[i].want);
	}
}

static int child_caps(void)
{
	cl_device_id dev = gpu_device();
	cl_device_svm_capabilities caps = 0;

	if (!dev)
		return 98;
	clGetDeviceInfo(dev, CL_DEVICE_SVM_CAPABILITIES, sizeof(caps), &caps, NULL);
	return (int)((caps & CL_DEVICE_SVM_COARSE_GRAIN_BUFFER ? 1 : 0) |
		     (caps & CL_DEVICE_SVM_FINE_GRAIN_BUFFER ? 2 : 0) |
		     (caps & CL_DEVICE_SVM_FINE_GRAIN_SYSTEM ? 4 : 0) |
		     (caps & CL_DEVICE_SVM_ATOMICS ? 8 : 0));
}

static bool all_bytes(const unsigned char *p, size_t n, const unsigned char *pat, size_t m)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != pat[i % m])
			return false;
	return true;
}

static void check_memory(cl_context ctx, cl_command_queue q)
{
	const size_t n = 1 << 20;
	unsigned char *a, *b, *again, pat16[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
	unsigned char byte = 0x5a, word[4] = {9, 8, 7, 6}, host[4096];
	unsigned copies;
	cl_mem buf;
	cl_int err;

	rec_reset();
	a = clSVMAlloc(ctx, CL_MEM_SVM_FINE_GRAIN_BUFFER, n, 4096);
	b = clSVMAlloc(ctx, CL_MEM_SVM_FINE_GRAIN_BUFFER, n, 0);
	REQUIRE(a && b, "fine-grain SVM on managed memory");
	CHECK(((uintptr_t)a & 4095) == 0, "alignment honoured");
	CHECK(rec->managed_allocs == 2, "one managed allocation each (%u)", rec->managed_allocs);
	for (size_t i = 0; i < n; i++)
		a[i] = (unsigned char)(i * 7);
	CHECK_OK(clEnqueueSVMMemcpy(q, CL_TRUE, b, a, n, 0, NULL, NULL), "SVM memcpy");
	CHECK(!memcmp(a, b, n) && rec->memcpys == 1, "copied by the driver (%u cuMemcpy)",
	      rec->memcpys);
	CHECK_OK(clEnqueueSVMMemFill(q, b, &byte, 1, n, 0, NULL, NULL), "fill, 1 byte");
	clFinish(q);
	CHECK(all_bytes(b, n, &byte, 1) && rec->memsets8 == 1, "byte fill by cuMemsetD8");
	CHECK_OK(clEnqueueSVMMemFill(q, b, word, 4, n, 0, NULL, NULL), "fill, 4 bytes");
	clFinish(q);
	CHECK(all_bytes(b, n, word, 4) && rec->memsets32 == 1, "word fill by cuMemsetD32");
	copies = rec->memcpys;
	CHECK_OK(clEnqueueSVMMemFill(q, b, pat16, 16, n, 0, NULL, NULL), "fill, 16 bytes");
	clFinish(q);
	CHECK(all_bytes(b, n, pat16, 16), "16-byte pattern everywhere");
	/* The pattern, then 16 copies doubling the filled part to 1 MiB. */
	CHECK(rec->memcpys - copies == 17, "16-byte fill by doubling copies (%u)",
	      rec->memcpys - copies);

	CHECK_OK(clEnqueueSVMMigrateMem(q, 1, (const void **)&a, &n, 0, 0, NULL, NULL),
		 "migrate to the device");
	clFinish(q);
	CHECK(rec->prefetch_device == 1 && rec->last_prefetch_ptr == (uintptr_t)a &&
	      rec->last_prefetch_size == n, "a prefetch of the range to the GPU");
	CHECK_OK(clEnqueueSVMMigrateMem(q, 1, (const void **)&a, NULL, CL_MIGRATE_MEM_OBJECT_HOST,
					0, NULL, NULL), "migrate to the host");
	clFinish(q);
	CHECK(rec->prefetch_host == 1 && rec->last_prefetch_ptr == (uintptr_t)a &&
	      rec->last_prefetch_size == n, "a prefetch of the whole allocation to the host");

	clSVMFree(ctx, b);
	CHECK(rec->managed_frees == 0, "a freed allocation is kept for reuse");
	again = clSVMAlloc(ctx, CL_MEM_SVM_FINE_GRAIN_BUFFER, n, 0);
	CHECK(again && rec->managed_allocs == 2, "the same size again comes from the kept one");
	clSVMFree(ctx, again);
	clSVMFree(ctx, a);

	buf = clCreateBuffer(ctx, CL_MEM_USE_HOST_PTR, sizeof(host), host, &err);
	CHECK_OK(err, "buffer over application memory");
	CHECK(rec->host_registers == 1, "registered with the driver");
	clReleaseMemObject(buf);
	CHECK(rec->host_unregisters == 1, "unregistered when released");
}

static void check_geometry(const struct mock_cuda_launch *l, const size_t *off,
			   const size_t *gs, const size_t *ls, const uint64_t *group_off)
{
	struct geometry g;

	memcpy(&g, l->geometry, sizeof(g));
	CHECK(g.work_dim == 2, "geometry: work_dim %u", g.work_dim);
	for (int d = 0; d < 2; d++) {
		uint64_t groups = (gs[d] + ls[d] - 1) / ls[d];

		CHECK(g.global_offset[d] == off[d] && g.global_size[d] == gs[d] &&
		      g.enqueued_local_size[d] == ls[d] && g.num_groups[d] == groups &&
		      g.group_offset[d] == group_off[d],
		      "geometry, dimension %d: offset %llu size %llu local %llu groups %llu first "
		      "group %llu", d, (unsigned long long)g.global_offset[d],
		      (unsigned long long)g.global_size[d],
		      (unsigned long long)g.enqueued_local_size[d],
		      (unsigned long long)g.num_groups[d], (unsigned long long)g.group_offset[d]);
	}
}

static void check_launch(cl_context ctx, cl_command_queue q, cl_device_id dev)
{
	const size_t off[2] = {3, 5}, gs[2] = {100, 10}, ls[2] = {16, 4};
	/* Full groups, the edge of x, the edge of y, the corner. */
	static const unsigned grid[4][2] = {{6, 2}, {1, 2}, {6, 1}, {1, 1}};
	static const unsigned block[4][2] = {{16, 4}, {4, 4}, {16, 2}, {4, 2}};
	static const uint64_t first[4][2] = {{0, 0}, {6, 0}, {0, 2}, {6, 2}};
	cl_program p = build(ctx, dev);
	cl_kernel k = tu_kernel(p, "fill"), w = tu_kernel(p, "walk");
	int *svm = clSVMAlloc(ctx, CL_MEM_SVM_FINE_GRAIN_BUFFER, 4096, 0), v = 7, *heap;
	size_t n64 = 64, l32 = 32;
	cl_event ev;
	cl_int st = 1;

	REQUIRE(svm, "SVM for the kernels");
	rec_reset();
	clSetKernelArgSVMPointer(k, 0, svm);
	clSetKernelArg(k, 1, 100, NULL);
	clSetKernelArg(k, 2, 64, NULL);
	clSetKernelArg(k, 3, sizeof(v), &v);
	CHECK_OK(clEnqueueNDRangeKernel(q, k, 2, off, gs, ls, 0, NULL, &ev), "2-D NDRange");
	CHECK_OK(clWaitForEvents(1, &ev), "wait");
	clGetEventInfo(ev, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof(st), &st, NULL);
	clReleaseEvent(ev);
	CHECK(st == CL_COMPLETE, "the launch completed");
	CHECK(rec->modules_loaded == 1, "the module loaded once (%u)", rec->modules_loaded);
	REQUIRE(rec->num_launches == 4, "four grids for a 2-D non-uniform NDRange (%u)",
		rec->num_launches);
	CHECK(rec->geometry_writes == 4, "the geometry written before each grid (%u)",
	      rec->geometry_writes);
	for (int i = 0; i < 4; i++) {
		const struct mock_cuda_launch *l = &rec->launch[i];

		CHECK(!strcmp(l->entry, "fill") && l->grid[0] == grid[i][0] &&
		      l->grid[1] == grid[i][1] && l->grid[2] == 1 && l->block[0] == block[i][0] &&
		      l->block[1] == block[i][1] && l->block[2] == 1,
		      "grid %d: %s (%u, %u, %u) blocks of (%u, %u, %u)", i, l->entry, l->grid[0],
		      l->grid[1], l->grid[2], l->block[0], l->block[1], l->block[2]);
		/* 100 bytes rounded up to 16, then 64: 176 bytes of dynamic
		 * shared memory; the __local arguments get their offsets. */
		CHECK(l->shared == 176 && l->num_params == 4 && l->param[0] == (uintptr_t)svm &&
		      l->param[1] == 0 && l->param[2] == 112 && l->param_size[3] == 4 &&
		      (int)l->param[3] == 7,
		      "grid %d: %u shared bytes, %u parameters (%llx, %llu, %llu, %llu)", i,
		      l->shared, l->num_params, (unsigned long long)l->param[0],
		      (unsigned long long)l->param[1], (unsigned long long)l->param[2],
		      (unsigned long long)l->param[3]);
		check_geometry(l, off, gs, ls, first[i]);
	}

	/* A uniform 1-D NDRange twice: one grid each, the geometry written
	 * once (the variable still holds it). */
	rec_reset();
	clSetKernelArgSVMPointer(w, 0, svm);
	CHECK_OK(clEnqueueNDRangeKernel(q, w, 1, NULL, &n64, &l32, 0, NULL, NULL), "1-D");
	CHECK_OK(clEnqueueNDRangeKernel(q, w, 1, NULL, &n64, &l32, 0, NULL, NULL), "1-D again");
	clFinish(q);
	CHECK(rec->num_launches == 2 && rec->launch[1].grid[0] == 2 &&
	      rec->launch[1].block[0] == 32 && rec->geometry_writes == 1,
	      "uniform: %u grids, geometry written %u times", rec->num_launches,
	      rec->geometry_writes);

	/* Beyond the 48 KiB default, the kernel is allowed more (opt-in). */
	rec_reset();
	clSetKernelArg(k, 1, 100 * 1024, NULL);
	CHECK_OK(clEnqueueNDRangeKernel(q, k, 2, off, gs, ls, 0, NULL, NULL), "100 KiB local");
	clFinish(q);
	CHECK(rec->num_launches == 4 && rec->launch[0].shared == 100 * 1024 + 64 &&
	      rec->launch[0].dynamic_shared_limit >= 100 * 1024 + 64,
	      "opt-in shared memory: %u bytes, limit %d", rec->launch[0].shared,
	      rec->launch[0].dynamic_shared_limit);

	/* malloc'd memory: no pageable memory access on this GPU. */
	heap = malloc(4096);
	clSetKernelArgSVMPointer(w, 0, heap);
	CHECK_ERR(clEnqueueNDRangeKernel(q, w, 1, NULL, &n64, &l32, 0, NULL, NULL),
		  CL_INVALID_OPERATION, "a malloc pointer without system SVM");
	free(heap);
	clReleaseKernel(k);
	clReleaseKernel(w);
	clReleaseProgram(p);
	clSVMFree(ctx, svm);
}

/* A program from clCompileProgram + clLinkProgram (an object and a
 * library of another): its PTX loads with the kernel's entry and the
 * geometry variable, and launches. */
static void check_linked(cl_context ctx, cl_command_queue q, cl_device_id dev)
{
	const char *lib_src = "int twice(int x) { return 2 * x; }\n";
	const char *main_src = "int twice(int x);\n"
			       "kernel void dbl(global int *p) { p[get_global_id(0)] = "
			       "twice(p[get_global_id(0)]); }\n";
	cl_program objs[2], lib, exe;
	cl_kernel k;
	cl_int err;
	int *svm = clSVMAlloc(ctx, CL_MEM_SVM_FINE_GRAIN_BUFFER, 1024, 0);
	size_t n = 256;

	objs[0] = clCreateProgramWithSource(ctx, 1, &main_src, NULL, &err);
	objs[1] = clCreateProgramWithSource(ctx, 1, &lib_src, NULL, &err);
	CHECK_OK(clCompileProgram(objs[0], 1, &dev, "", 0, NULL, NULL, NULL, NULL), "compile");
	CHECK_OK(clCompileProgram(objs[1], 1, &dev, "", 0, NULL, NULL, NULL, NULL), "compile");
	lib = clLinkProgram(ctx, 1, &dev, "-create-library", 1, &objs[1], NULL, NULL, &err);
	CHECK_OK(err, "library");
	exe = clLinkProgram(ctx, 1, &dev, "", 1, (cl_program[]){objs[0]}, NULL, NULL, &err);
	CHECK_ERR(err, CL_LINK_PROGRAM_FAILURE, "without the library, twice is missing");
	if (exe)
		clReleaseProgram(exe);
	exe = clLinkProgram(ctx, 1, &dev, "", 2, (cl_program[]){objs[0], lib}, NULL, NULL, &err);
	REQUIRE(exe && err == CL_SUCCESS, "linked executable: %s", tu_errname(err));
	k = tu_kernel(exe, "dbl");
	rec_reset();
	clSetKernelArgSVMPointer(k, 0, svm);
	CHECK_OK(clEnqueueNDRangeKernel(q, k, 1, NULL, &n, NULL, 0, NULL, NULL), "launch");
	CHECK_OK(clFinish(q), "finish");
	CHECK(rec->modules_loaded == 1 && rec->num_launches >= 1 &&
	      !strcmp(rec->launch[0].entry, "dbl") && rec->launch[0].num_params == 1 &&
	      rec->launch[0].param[0] == (uintptr_t)svm && rec->geometry_writes >= 1,
	      "linked PTX: module, entry, parameter and geometry");
	clReleaseKernel(k);
	clReleaseProgram(exe);
	clReleaseProgram(lib);
	clReleaseProgram(objs[0]);
	clReleaseProgram(objs[1]);
	clSVMFree(ctx, svm);
}

/* In a child whose mock fails one kind of call: the error reaches the
 * application as the specification's code, and nothing crashes. */
static int child_failure(const char *what)
{
	cl_device_id dev = gpu_device();
	cl_context ctx;
	cl_command_queue q;
	cl_int err, st = 0;

	REQUIRE(dev, "the mock GPU");
	ctx = clCreateContext(NULL, 1, &dev, NULL, NULL, &err);
	q = clCreateCommandQueueWithProperties(ctx, dev, NULL, &err);
	REQUIRE(ctx && q, "context and queue");
	if (!strcmp(what, "copies-fail")) {
		/* The driver declines copies, fills and prefetches: the CPU
		 * does them (managed memory is host memory too); a migration
		 * is a hint that still completes. */
		const size_t n = 1 << 16;
		unsigned char *a = clSVMAlloc(ctx, CL_MEM_SVM_FINE_GRAIN_BUFFER, n, 0);
		unsigned char *b = clSVMAlloc(ctx, CL_MEM_SVM_FINE_GRAIN_BUFFER, n, 0);
		unsigned char pat[8] = {1, 2, 3, 4, 5, 6, 7, 8}, byte = 0xa5;
		bool ok = true;

		REQUIRE(a && b, "SVM");
		for (size_t i = 0; i < n; i++)
			a[i] = (unsigned char)(i * 31);
		CHECK_OK(clEnqueueSVMMemcpy(q, CL_TRUE, b, a, n, 0, NULL, NULL), "memcpy");
		CHECK(!memcmp(a, b, n), "copied by the CPU");
		CHECK_OK(clEnqueueSVMMemFill(q, a, &byte, 1, n / 2, 0, NULL, NULL), "fill 1");
		CHECK_OK(clEnqueueSVMMemFill(q, a + n / 2, pat, 8, n / 2, 0, NULL, NULL), "fill 8");
		CHECK_OK(clEnqueueSVMMigrateMem(q, 1, (const void **)&b, NULL, 0, 0, NULL, NULL),
			 "migrate");
		CHECK_OK(clFinish(q), "finish");
		for (size_t i = 0; i < n; i++)
			ok &= a[i] == (i < n / 2 ? byte : pat[i % 8]);
		CHECK(ok, "filled by the CPU");
		clSVMFree(ctx, a);
		clSVMFree(ctx, b);
	} else if (!strcmp(what, "alloc-fails")) {
		cl_mem m = clCreateBuffer(ctx, 0, 4096, NULL, &err);

		CHECK(clSVMAlloc(ctx, 0, 4096, 0) == NULL, "clSVMAlloc fails cleanly");
		CHECK(!m && err == CL_MEM_OBJECT_ALLOCATION_FAILURE,
		      "clCreateBuffer: %s", tu_errname(err));
	} else {
		cl_program p = build(ctx, dev);
		cl_kernel w = tu_kernel(p, "walk");
		int *svm = clSVMAlloc(ctx, CL_MEM_SVM_FINE_GRAIN_BUFFER, 4096, 0);
		size_t n = 64;
		cl_event ev;

		clSetKernelArgSVMPointer(w, 0, svm);
		CHECK_OK(clEnqueueNDRangeKernel(q, w, 1, NULL, &n, NULL, 0, NULL, &ev), "enqueue");
		CHECK_ERR(clWaitForEvents(1, &ev), CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST,
			  "%s: the wait reports the failed command", what);
		clGetEventInfo(ev, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof(st), &st, NULL);
		CHECK(st == CL_OUT_OF_RESOURCES, "%s: the event's status is %d", what, st);
		clReleaseEvent(ev);
		clReleaseKernel(w);
		clReleaseProgram(p);
		clSVMFree(ctx, svm);
	}
	clReleaseCommandQueue(q);
	clReleaseContext(ctx);
	return tu_done();
}

static void check_failures(const char *self)
{
	static const struct {
		const char *what, *fail;
	} cases[] = {{"launch-fails", "launch=719"}, {"module-fails", "module=218"},
		     {"alloc-fails", "alloc=2"},
		     {"copies-fail", "copy=1,memset=1,prefetch=1"}};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int status = run_child(self, "MOCK_CUDA_FAIL", cases[i].fail, cases[i].what);

		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s (MOCK_CUDA_FAIL=%s)",
		      cases[i].what, cases[i].fail);
	}
}

int main(int argc, char **argv)
{
	cl_device_id dev;
	cl_context ctx;
	cl_command_queue q;
	cl_int err;

	if (argc == 3 && !strcmp(argv[1], "--child"))
		return !strcmp(argv[2], "caps") ? child_caps() : child_failure(argv[2]);
	dev = gpu_device();
	REQUIRE(dev, "the cuda device on the mock driver (LD_LIBRARY_PATH holds it)");
	find_record();
	check_queries(dev);
	check_svm_caps(argv[0]);
	ctx = clCreateContext(NULL, 1, &dev, NULL, NULL, &err);
	q = clCreateCommandQueueWithProperties(ctx, dev, NULL, &err);
	REQUIRE(ctx && q, "context and queue on the mock GPU");
	check_memory(ctx, q);
	check_launch(ctx, q, dev);
	check_linked(ctx, q, dev);
	clReleaseCommandQueue(q);
	clReleaseContext(ctx);
	check_failures(argv[0]);
	return tu_done();
}
