// SPDX-License-Identifier: MIT
/* cuda-bench: svmgpu's cuda device against NVIDIA's own OpenCL and against
 * CUDA managed memory driven directly, on the same GPU in the same run:
 * launch round trip, vecadd over SVM/managed memory, SVM memcpy, migration
 * by prefetch, SVM allocation and mapping. The CUDA column uses the driver
 * API (libcuda.so.1 through dlopen) with hand-written PTX. Prints "-" where
 * a side is missing (no GPU: nothing to measure). */
#include "bench_util.h"
#include "cuda_api.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VEC_N (16u << 20)                 /* floats */
#define COPY_BYTES ((size_t)64 << 20)
#define MIGRATE_BYTES ((size_t)256 << 20)

static const char *cl_src =
	"kernel void empty(void) {}\n"
	"kernel void vadd(global const float *a, global const float *b, global float *c)\n"
	"{ size_t i = get_global_id(0); c[i] = a[i] + b[i]; }\n";

/* The same two kernels for CUDA, in PTX. */
static const char *ptx_src =
	".version 7.8\n.target sm_90\n.address_size 64\n"
	".visible .entry empty() { ret; }\n"
	".visible .entry vadd(.param .u64 pa, .param .u64 pb, .param .u64 pc)\n"
	"{\n"
	"  .reg .b32 %r<5>; .reg .b64 %rd<8>; .reg .f32 %f<4>;\n"
	"  ld.param.u64 %rd1, [pa]; ld.param.u64 %rd2, [pb]; ld.param.u64 %rd3, [pc];\n"
	"  mov.u32 %r1, %ctaid.x; mov.u32 %r2, %ntid.x; mov.u32 %r3, %tid.x;\n"
	"  mad.lo.s32 %r4, %r1, %r2, %r3;\n"
	"  mul.wide.u32 %rd4, %r4, 4;\n"
	"  add.s64 %rd5, %rd1, %rd4; add.s64 %rd6, %rd2, %rd4; add.s64 %rd7, %rd3, %rd4;\n"
	"  ld.global.f32 %f1, [%rd5]; ld.global.f32 %f2, [%rd6];\n"
	"  add.f32 %f3, %f1, %f2; st.global.f32 [%rd7], %f3;\n"
	"  ret;\n"
	"}\n";

struct cl_side {
	cl_program prog;
	cl_kernel empty, vadd;
	float *a, *b, *c;     /* SVM: fine grain where offered */
	char *src, *dst;      /* COPY_BYTES each */
	char *mig;            /* MIGRATE_BYTES */
	bool fine;
};

struct cuda_side {
	const struct svmgpu_cuda_api *cu;
	CUcontext ctx;
	CUstream s;
	CUmodule mod;
	CUfunction empty, vadd;
	CUdeviceptr a, b, c, src, dst, mig;
	bool ok;
};

static struct cuda_side cuda;

static void *svm(struct plat *p, size_t size)
{
	struct cl_side *s = p->priv;
	cl_svm_mem_flags f = CL_MEM_READ_WRITE | (s->fine ? CL_MEM_SVM_FINE_GRAIN_BUFFER : 0);
	void *m = clSVMAlloc(p->ctx, f, size, 0);

	if (m && !s->fine)
		clEnqueueSVMMap(p->q, CL_TRUE, CL_MAP_WRITE, m, size, 0, NULL, NULL);
	if (m)
		memset(m, 1, size);
	if (m && !s->fine)
		clEnqueueSVMUnmap(p->q, m, 0, NULL, NULL);
	return m;
}

static void cl_setup(struct plat *p, bool ref, struct cl_side *s)
{
	cl_device_svm_capabilities caps = 0;
	cl_int err;

	p->priv = s;
	plat_setup(p, ref);
	if (!p->ok)
		return;
	p->ok = false;
	clGetDeviceInfo(p->dev, CL_DEVICE_SVM_CAPABILITIES, sizeof(caps), &caps, NULL);
	s->fine = caps & CL_DEVICE_SVM_FINE_GRAIN_BUFFER;
	printf("        %s SVM\n", s->fine ? "fine-grain buffer" : "coarse-grain buffer");
	s->prog = clCreateProgramWithSource(p->ctx, 1, &cl_src, NULL, &err);
	if (failed(p, "clBuildProgram", clBuildProgram(s->prog, 1, &p->dev, NULL, NULL, NULL)))
		return;
	s->empty = clCreateKernel(s->prog, "empty", &err);
	s->vadd = clCreateKernel(s->prog, "vadd", &err);
	s->a = svm(p, VEC_N * sizeof(float));
	s->b = svm(p, VEC_N * sizeof(float));
	s->c = svm(p, VEC_N * sizeof(float));
	s->src = svm(p, COPY_BYTES);
	s->dst = svm(p, COPY_BYTES);
	s->mig = svm(p, MIGRATE_BYTES);
	if (!s->empty || !s->vadd || !s->a || !s->b || !s->c || !s->src || !s->dst || !s->mig) {
		fprintf(stderr, "%s: %s: setup failed\n", bench_name, p->label);
		return;
	}
	clSetKernelArgSVMPointer(s->vadd, 0, s->a);
	clSetKernelArgSVMPointer(s->vadd, 1, s->b);
	clSetKernelArgSVMPointer(s->vadd, 2, s->c);
	p->ok = true;
}

static void cl_teardown(struct plat *p)
{
	struct cl_side *s = p->priv;

	if (!s || !p->ctx)
		return;
	clFinish(p->q);
	clSVMFree(p->ctx, s->a);
	clSVMFree(p->ctx, s->b);
	clSVMFree(p->ctx, s->c);
	clSVMFree(p->ctx, s->src);
	clSVMFree(p->ctx, s->dst);
	clSVMFree(p->ctx, s->mig);
	if (s->empty)
		clReleaseKernel(s->empty);
	if (s->vadd)
		clReleaseKernel(s->vadd);
	if (s->prog)
		clReleaseProgram(s->prog);
	plat_teardown(p);
}

static bool cu_ok(CUresult r, const char *what)
{
	if (r == CUDA_SUCCESS)
		return true;
	fprintf(stderr, "%s: cuda: %s: %s\n", bench_name, what, svmgpu_cuda_error(r));
	return false;
}

static void cuda_setup(void)
{
	const struct svmgpu_cuda_api *cu = svmgpu_cuda_api(NULL);
	CUdevice d;
	int n = 0;

	printf("cuda    ");
	if (!cu || cu->DeviceGetCount(&n) != CUDA_SUCCESS || !n) {
		printf("no GPU\n");
		return;
	}
	cuda.cu = cu;
	if (!cu_ok(cu->DeviceGet(&d, 0), "cuDeviceGet") ||
	    !cu_ok(cu->DevicePrimaryCtxRetain(&cuda.ctx, d), "context") ||
	    !cu_ok(cu->CtxSetCurrent(cuda.ctx), "context") ||
	    !cu_ok(cu->StreamCreate(&cuda.s, CU_STREAM_NON_BLOCKING), "stream") ||
	    !cu_ok(cu->ModuleLoadDataEx(&cuda.mod, ptx_src, 0, NULL, NULL), "PTX") ||
	    !cu_ok(cu->ModuleGetFunction(&cuda.empty, cuda.mod, "empty"), "empty") ||
	    !cu_ok(cu->ModuleGetFunction(&cuda.vadd, cuda.mod, "vadd"), "vadd"))
		return;
	CUdeviceptr *bufs[] = {&cuda.a, &cuda.b, &cuda.c, &cuda.src, &cuda.dst, &cuda.mig};
	size_t sizes[] = {VEC_N * 4, VEC_N * 4, VEC_N * 4, COPY_BYTES, COPY_BYTES, MIGRATE_BYTES};

	for (int i = 0; i < 6; i++) {
		if (!cu_ok(cu->MemAllocManaged(bufs[i], sizes[i], CU_MEM_ATTACH_GLOBAL), "managed"))
			return;
		memset((void *)(uintptr_t)*bufs[i], 1, sizes[i]);
	}
	cuda.ok = true;
	printf("CUDA driver API, managed memory, hand-written PTX\n");
}

/* ---- samples: OpenCL ---- */

static double c_launch(struct plat *p)
{
	struct cl_side *s = p->priv;
	size_t one = 1;
	double t = now_us();

	FAIL_IF(clEnqueueNDRangeKernel(p->q, s->empty, 1, NULL, &one, NULL, 0, NULL, NULL));
	FAIL_IF(clFinish(p->q));
	return now_us() - t;
}

static double c_vadd(struct plat *p)
{
	struct cl_side *s = p->priv;
	size_t g = VEC_N, l = 256;
	double t = now_us();

	FAIL_IF(clEnqueueNDRangeKernel(p->q, s->vadd, 1, NULL, &g, &l, 0, NULL, NULL));
	FAIL_IF(clFinish(p->q));
	return 12.0 * VEC_N / ((now_us() - t) * 1e3);
}

static double c_memcpy(struct plat *p)
{
	struct cl_side *s = p->priv;
	double t = now_us();

	FAIL_IF(clEnqueueSVMMemcpy(p->q, CL_TRUE, s->dst, s->src, COPY_BYTES, 0, NULL, NULL));
	return COPY_BYTES / ((now_us() - t) * 1e3);
}

/* The host writes the range (it moves to host memory), then the migration
 * hint brings it to the GPU. */
static double c_migrate(struct plat *p)
{
	struct cl_side *s = p->priv;
	const void *ptr = s->mig;
	size_t size = MIGRATE_BYTES;
	double t;

	if (!s->fine)
		FAIL_IF(clEnqueueSVMMap(p->q, CL_TRUE, CL_MAP_WRITE, s->mig, size, 0, NULL, NULL));
	memset(s->mig, 2, size);
	if (!s->fine)
		FAIL_IF(clEnqueueSVMUnmap(p->q, s->mig, 0, NULL, NULL));
	FAIL_IF(clFinish(p->q));
	t = now_us();
	FAIL_IF(clEnqueueSVMMigrateMem(p->q, 1, &ptr, &size, 0, 0, NULL, NULL));
	FAIL_IF(clFinish(p->q));
	return MIGRATE_BYTES / ((now_us() - t) * 1e3);
}

static double c_alloc(struct plat *p)
{
	double t = now_us();
	void *m = clSVMAlloc(p->ctx, CL_MEM_READ_WRITE, 1 << 20, 0);

	if (!m)
		return NAN;
	clSVMFree(p->ctx, m);
	return now_us() - t;
}

/* ---- samples: CUDA ---- */

static double u_launch(struct plat *p)
{
	double t = now_us();

	(void)p;
	if (cuda.cu->LaunchKernel(cuda.empty, 1, 1, 1, 1, 1, 1, 0, cuda.s, NULL, NULL) ||
	    cuda.cu->StreamSynchronize(cuda.s))
		return NAN;
	return now_us() - t;
}

static double u_vadd(struct plat *p)
{
	void *args[] = {&cuda.a, &cuda.b, &cuda.c};
	double t = now_us();

	(void)p;
	if (cuda.cu->LaunchKernel(cuda.vadd, VEC_N / 256, 1, 1, 256, 1, 1, 0, cuda.s, args,
				  NULL) ||
	    cuda.cu->StreamSynchronize(cuda.s))
		return NAN;
	return 12.0 * VEC_N / ((now_us() - t) * 1e3);
}

static double u_memcpy(struct plat *p)
{
	double t = now_us();

	(void)p;
	if (cuda.cu->Memcpy(cuda.dst, cuda.src, COPY_BYTES))
		return NAN;
	return COPY_BYTES / ((now_us() - t) * 1e3);
}

static double u_migrate(struct plat *p)
{
	CUmemLocation gpu = {CU_MEM_LOCATION_TYPE_DEVICE, 0};
	double t;

	(void)p;
	memset((void *)(uintptr_t)cuda.mig, 2, MIGRATE_BYTES);
	t = now_us();
	if (cuda.cu->MemPrefetchAsync(cuda.mig, MIGRATE_BYTES, gpu, 0, cuda.s) ||
	    cuda.cu->StreamSynchronize(cuda.s))
		return NAN;
	return MIGRATE_BYTES / ((now_us() - t) * 1e3);
}

static double u_alloc(struct plat *p)
{
	CUdeviceptr m;
	double t = now_us();

	(void)p;
	if (cuda.cu->MemAllocManaged(&m, 1 << 20, CU_MEM_ATTACH_GLOBAL))
		return NAN;
	cuda.cu->MemFree(m);
	return now_us() - t;
}

struct gpu_figure {
	const char *name, *unit;
	sample_fn cl, cu;
	bool higher_better;
};

static void fmt(char *buf, double v)
{
	if (isnan(v))
		snprintf(buf, 16, "-");
	else
		snprintf(buf, 16, v >= 100 ? "%.0f" : v >= 10 ? "%.1f" : "%.2f", v);
}

int main(int argc, char **argv)
{
	static struct cl_side sides[2];
	struct plat plats[2] = {{.label = "svmgpu"}, {.label = "nvidia"}};
	const struct gpu_figure figs[] = {
		{"empty kernel launch round trip", "us", c_launch, u_launch, false},
		{"vecadd, 16M floats (12 B/item)", "GB/s", c_vadd, u_vadd, true},
		{"SVM memcpy, 64 MiB", "GB/s", c_memcpy, u_memcpy, true},
		{"migration to the GPU, 256 MiB", "GB/s", c_migrate, u_migrate, true},
		{"SVM alloc+free, 1 MiB", "us", c_alloc, u_alloc, false},
	};

	if (!bench_args(argc, argv))
		return 2;
	/* The reference OpenCL platform is NVIDIA's unless BENCH_REF says. */
	setenv("BENCH_REF", getenv("BENCH_REF") ? getenv("BENCH_REF") : "NVIDIA", 1);
	cl_setup(&plats[0], false, &sides[0]);
	cl_setup(&plats[1], true, &sides[1]);
	cuda_setup();
	printf("median of %d repetitions after a warm-up; svmgpu/x > 1: svmgpu is better\n\n",
	       bench_reps);
	printf("%-34s %-5s %9s %9s %9s %9s %9s\n", "figure", "unit", "svmgpu", "nvidia-cl",
	       "cuda", "vs cl", "vs cuda");
	for (size_t i = 0; i < sizeof(figs) / sizeof(figs[0]); i++) {
		double v[3];
		char s[5][16];

		for (int k = 0; k < 2; k++)
			v[k] = plats[k].ok ? median_of(figs[i].cl, &plats[k]) : NAN;
		v[2] = cuda.ok ? median_of(figs[i].cu, NULL) : NAN;
		for (int k = 0; k < 3; k++)
			fmt(s[k], v[k]);
		for (int k = 1; k < 3; k++) {
			double r = figs[i].higher_better ? v[0] / v[k] : v[k] / v[0];

			if (isnan(r))
				snprintf(s[2 + k], 16, "-");
			else
				snprintf(s[2 + k], 16, "%.2fx", r);
		}
		printf("%-34s %-5s %9s %9s %9s %9s %9s\n", figs[i].name, figs[i].unit, s[0], s[1],
		       s[2], s[3], s[4]);
	}
	cl_teardown(&plats[0]);
	cl_teardown(&plats[1]);
	return 0;
}
