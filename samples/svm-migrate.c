// SPDX-License-Identifier: MIT
/* svm-migrate: clEnqueueSVMMigrateMem around kernels, every command ordered
 * by events alone (on an out-of-order queue where the device has one). Each
 * round: migrate the inputs to the device (the output with
 * CL_MIGRATE_MEM_OBJECT_CONTENT_UNDEFINED: its old contents do not matter),
 * z = a*x + y, then y = z - x in place, migrate z (in two ranges) and y back
 * to the host with CL_MIGRATE_MEM_OBJECT_HOST, then map and check them. */
#include "common.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define N ((size_t)1 << 22) /* 4 Mi ints, 16 MiB per array */
#define ROUNDS 4
#define A 3

static const char *src =
	"kernel void axpy(int a, global const int *x, global const int *y, global int *z)\n"
	"{\n"
	"	size_t i = get_global_id(0);\n"
	"\n"
	"	z[i] = a * x[i] + y[i];\n"
	"}\n"
	"\n"
	"kernel void sub(global const int *z, global const int *x, global int *y)\n"
	"{\n"
	"	size_t i = get_global_id(0);\n"
	"\n"
	"	y[i] = z[i] - x[i];\n"
	"}\n";

static int32_t x_of(size_t i) { return (int32_t)(i % 1000); }
static int32_t y0_of(size_t i) { return (int32_t)(i % 777) - 300; }

static void release(cl_event *ev, size_t n)
{
	for (size_t i = 0; i < n; i++)
		CL_CHECK(clReleaseEvent(ev[i]));
}

int main(void)
{
	cl_int err;
	cl_command_queue_properties qcaps;

	sample_init("svm-migrate");
	cl_device_id dev = pick_device(NULL);
	if (!(device_svm_caps(dev, true) & CL_DEVICE_SVM_COARSE_GRAIN_BUFFER)) {
		printf("svm-migrate: the device has no SVM, nothing to do\n");
		return 1;
	}
	CL_CHECK(clGetDeviceInfo(dev, CL_DEVICE_QUEUE_ON_HOST_PROPERTIES, sizeof(qcaps), &qcaps,
				 NULL));
	cl_context ctx = clCreateContext(NULL, 1, &dev, NULL, NULL, &err);
	CL_CHECK_ERR(err);
	int ooo = !!(qcaps & CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE);
	cl_queue_properties qprops[] = {
		CL_QUEUE_PROPERTIES, ooo ? CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE : 0, 0};
	cl_command_queue q = clCreateCommandQueueWithProperties(ctx, dev, qprops, &err);
	CL_CHECK_ERR(err);
	printf("queue: %s\n", ooo ? "out-of-order (only the events order the commands)"
				  : "in-order (the device has no out-of-order queues)");
	cl_program prog = build_program(ctx, dev, src, NULL);
	cl_kernel kaxpy = clCreateKernel(prog, "axpy", &err);
	CL_CHECK_ERR(err);
	cl_kernel ksub = clCreateKernel(prog, "sub", &err);
	CL_CHECK_ERR(err);

	size_t bytes = N * sizeof(int32_t), half = bytes / 2;
	int32_t *x = svm_alloc(ctx, CL_MEM_READ_WRITE, bytes);
	int32_t *y = svm_alloc(ctx, CL_MEM_READ_WRITE, bytes);
	int32_t *z = svm_alloc(ctx, CL_MEM_READ_WRITE, bytes);
	int32_t *yref = malloc(bytes);
	if (!yref)
		sample_die("malloc", CL_OUT_OF_HOST_MEMORY, __FILE__, __LINE__);
	printf("arrays: 3 x %zu ints (%zu MiB each) of coarse-grain SVM\n", N, bytes >> 20);

	/* The host writes x and y; the unmaps start the chain. */
	cl_event ready[2];
	CL_CHECK(clEnqueueSVMMap(q, CL_TRUE, CL_MAP_WRITE_INVALIDATE_REGION, x, bytes, 0, NULL,
				 NULL));
	CL_CHECK(clEnqueueSVMMap(q, CL_TRUE, CL_MAP_WRITE_INVALIDATE_REGION, y, bytes, 0, NULL,
				 NULL));
	for (size_t i = 0; i < N; i++) {
		x[i] = x_of(i);
		y[i] = yref[i] = y0_of(i);
	}
	CL_CHECK(clEnqueueSVMUnmap(q, x, 0, NULL, &ready[0]));
	CL_CHECK(clEnqueueSVMUnmap(q, y, 0, NULL, &ready[1]));

	cl_int a = A;
	CL_CHECK(clSetKernelArg(kaxpy, 0, sizeof(a), &a));
	CL_CHECK(clSetKernelArgSVMPointer(kaxpy, 1, x));
	CL_CHECK(clSetKernelArgSVMPointer(kaxpy, 2, y));
	CL_CHECK(clSetKernelArgSVMPointer(kaxpy, 3, z));
	CL_CHECK(clSetKernelArgSVMPointer(ksub, 0, z));
	CL_CHECK(clSetKernelArgSVMPointer(ksub, 1, x));
	CL_CHECK(clSetKernelArgSVMPointer(ksub, 2, y));

	int failures = 0;
	size_t global = N;
	for (int round = 0; round < ROUNDS && !failures; round++) {
		cl_event in[2], k[2], out, mapped[2];
		double t = now_ms();

		/* To the device: x and y with their contents, z without. */
		const void *in_ptrs[2] = {x, y};
		CL_CHECK(clEnqueueSVMMigrateMem(q, 2, in_ptrs, NULL, 0, 2, ready, &in[0]));
		const void *z_ptr = z;
		CL_CHECK(clEnqueueSVMMigrateMem(q, 1, &z_ptr, NULL,
						CL_MIGRATE_MEM_OBJECT_CONTENT_UNDEFINED, 2, ready,
						&in[1]));
		release(ready, 2);
		CL_CHECK(clEnqueueNDRangeKernel(q, kaxpy, 1, NULL, &global, NULL, 2, in, &k[0]));
		CL_CHECK(clEnqueueNDRangeKernel(q, ksub, 1, NULL, &global, NULL, 1, &k[0], &k[1]));

		/* Back to the host: z in two ranges, y whole (size 0). */
		const void *out_ptrs[3] = {z, (char *)z + half, y};
		size_t out_sizes[3] = {half, bytes - half, 0};
		CL_CHECK(clEnqueueSVMMigrateMem(q, 3, out_ptrs, out_sizes,
						CL_MIGRATE_MEM_OBJECT_HOST, 1, &k[1], &out));
		CL_CHECK(clEnqueueSVMMap(q, CL_FALSE, CL_MAP_READ, z, bytes, 1, &out, &mapped[0]));
		CL_CHECK(clEnqueueSVMMap(q, CL_FALSE, CL_MAP_READ, y, bytes, 1, &out,
					 &mapped[1]));
		CL_CHECK(clWaitForEvents(2, mapped));
		t = now_ms() - t;

		/* z = A*x + y_old, y = z - x = (A-1)*x + y_old. */
		size_t bad = 0, first = 0;
		for (size_t i = 0; i < N; i++) {
			int32_t zi = A * x_of(i) + yref[i];

			yref[i] = zi - x_of(i);
			if (z[i] != zi || y[i] != yref[i]) {
				if (!bad++)
					first = i;
			}
		}
		if (bad) {
			printf("MISMATCH in round %d: %zu elements, first [%zu]: z %d y %d, "
			       "expected %d %d\n", round, bad, first, z[first], y[first],
			       A * x_of(first) + (yref[first] - (A - 1) * x_of(first)),
			       yref[first]);
			failures++;
		} else {
			printf("round %d: migrate in, 2 kernels, migrate out, map: %.2f ms; "
			       "verified z and y\n", round, t);
		}
		CL_CHECK(clEnqueueSVMUnmap(q, z, 0, NULL, &ready[0]));
		CL_CHECK(clEnqueueSVMUnmap(q, y, 0, NULL, &ready[1]));
		release(in, 2);
		release(k, 2);
		release(&out, 1);
		release(mapped, 2);
	}
	CL_CHECK(clWaitForEvents(2, ready));
	release(ready, 2);
	CL_CHECK(clFinish(q));

	clSVMFree(ctx, x);
	clSVMFree(ctx, y);
	clSVMFree(ctx, z);
	free(yref);
	CL_CHECK(clReleaseKernel(kaxpy));
	CL_CHECK(clReleaseKernel(ksub));
	CL_CHECK(clReleaseProgram(prog));
	CL_CHECK(clReleaseCommandQueue(q));
	CL_CHECK(clReleaseContext(ctx));
	if (failures) {
		printf("svm-migrate: FAILED\n");
		return 1;
	}
	printf("svm-migrate: all checks passed (%d rounds)\n", ROUNDS);
	return 0;
}
