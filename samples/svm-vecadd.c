// SPDX-License-Identifier: MIT
/* svm-vecadd: c = a + b on coarse-grain SVM. The host writes the inputs and
 * reads the result only between clEnqueueSVMMap and clEnqueueSVMUnmap, the
 * kernel gets the very same pointers through clSetKernelArgSVMPointer, and
 * the runtime picks the work-group size (NULL local size). Every element is
 * checked; any error or mismatch makes the program exit non-zero. */
#include "common.h"

#include <stdio.h>
#include <stdlib.h>

#define N ((size_t)1 << 24) /* 16 Mi floats, 64 MiB per vector */
#define RUNS 3

static const char *src =
	"kernel void vecadd(global const float *a, global const float *b,\n"
	"		    global float *c, uint n)\n"
	"{\n"
	"	size_t i = get_global_id(0);\n"
	"\n"
	"	if (i < n)\n"
	"		c[i] = a[i] + b[i];\n"
	"}\n";

/* Exactly representable inputs, so the sums are exact too. */
static float in_a(size_t i) { return (float)(i % 4096); }
static float in_b(size_t i) { return (float)(i / 4096) * 0.5f; }

int main(void)
{
	cl_int err;

	sample_init("svm-vecadd");
	cl_device_id dev = pick_device(NULL);
	if (!(device_svm_caps(dev, true) & CL_DEVICE_SVM_COARSE_GRAIN_BUFFER)) {
		printf("svm-vecadd: the device has no SVM, nothing to do\n");
		return 1;
	}
	cl_context ctx = clCreateContext(NULL, 1, &dev, NULL, NULL, &err);
	CL_CHECK_ERR(err);
	cl_queue_properties qprops[] = {CL_QUEUE_PROPERTIES, CL_QUEUE_PROFILING_ENABLE, 0};
	cl_command_queue q = clCreateCommandQueueWithProperties(ctx, dev, qprops, &err);
	CL_CHECK_ERR(err);
	cl_program prog = build_program(ctx, dev, src, NULL);
	cl_kernel k = clCreateKernel(prog, "vecadd", &err);
	CL_CHECK_ERR(err);

	/* Coarse-grain SVM: no fine-grain flag. */
	size_t bytes = N * sizeof(float);
	float *a = svm_alloc(ctx, CL_MEM_READ_ONLY, bytes);
	float *b = svm_alloc(ctx, CL_MEM_READ_ONLY, bytes);
	float *c = svm_alloc(ctx, CL_MEM_WRITE_ONLY, bytes);
	printf("vectors: %zu floats (%zu MiB each), coarse-grain SVM at %p %p %p\n", N,
	       bytes >> 20, (void *)a, (void *)b, (void *)c);

	/* The host writes the inputs through write maps. */
	double t = now_ms();
	CL_CHECK(clEnqueueSVMMap(q, CL_TRUE, CL_MAP_WRITE_INVALIDATE_REGION, a, bytes, 0, NULL,
				 NULL));
	CL_CHECK(clEnqueueSVMMap(q, CL_TRUE, CL_MAP_WRITE_INVALIDATE_REGION, b, bytes, 0, NULL,
				 NULL));
	for (size_t i = 0; i < N; i++) {
		a[i] = in_a(i);
		b[i] = in_b(i);
	}
	CL_CHECK(clEnqueueSVMUnmap(q, a, 0, NULL, NULL));
	CL_CHECK(clEnqueueSVMUnmap(q, b, 0, NULL, NULL));
	printf("host wrote the inputs through map/unmap in %.1f ms\n", now_ms() - t);

	cl_uint n = (cl_uint)N;
	CL_CHECK(clSetKernelArgSVMPointer(k, 0, a));
	CL_CHECK(clSetKernelArgSVMPointer(k, 1, b));
	CL_CHECK(clSetKernelArgSVMPointer(k, 2, c));
	CL_CHECK(clSetKernelArg(k, 3, sizeof(n), &n));

	/* The first run also touches c's pages for the first time: run a few
	 * and report each. */
	size_t global = N;
	for (int run = 0; run < RUNS; run++) {
		cl_event ev;

		t = now_ms();
		CL_CHECK(clEnqueueNDRangeKernel(q, k, 1, NULL, &global, NULL, 0, NULL, &ev));
		CL_CHECK(clWaitForEvents(1, &ev));
		t = now_ms() - t;
		double kt = event_ms(ev);
		printf("run %d: kernel %.2f ms (%.1f GB/s moved), enqueue-to-finish %.2f ms\n",
		       run, kt, kt > 0 ? 3.0 * bytes / (kt * 1e6) : 0.0, t);
		CL_CHECK(clReleaseEvent(ev));
	}

	/* The host reads the result through a read map. */
	CL_CHECK(clEnqueueSVMMap(q, CL_TRUE, CL_MAP_READ, c, bytes, 0, NULL, NULL));
	size_t bad = 0, first = 0;
	for (size_t i = 0; i < N; i++) {
		if (c[i] != in_a(i) + in_b(i)) {
			if (!bad++)
				first = i;
		}
	}
	if (bad)
		printf("MISMATCH: %zu elements wrong, first c[%zu] = %g, expected %g\n", bad,
		       first, (double)c[first], (double)(in_a(first) + in_b(first)));
	else
		printf("verified %zu sums through a read map\n", N);
	CL_CHECK(clEnqueueSVMUnmap(q, c, 0, NULL, NULL));
	CL_CHECK(clFinish(q));

	clSVMFree(ctx, a);
	clSVMFree(ctx, b);
	clSVMFree(ctx, c);
	CL_CHECK(clReleaseKernel(k));
	CL_CHECK(clReleaseProgram(prog));
	CL_CHECK(clReleaseCommandQueue(q));
	CL_CHECK(clReleaseContext(ctx));
	if (bad) {
		printf("svm-vecadd: FAILED\n");
		return 1;
	}
	printf("svm-vecadd: all checks passed\n");
	return 0;
}
