// SPDX-License-Identifier: MIT
/* svm-reduce: a work-group reduction with local memory and barriers over
 * SVM data. Each work-item accumulates a strided share of the input, then
 * its group reduces the partial sums in a __local buffer passed as a kernel
 * argument and the maximum in a kernel-scope __local array, both as trees
 * with a barrier per level. The host sums the group results and checks them
 * against the exact sum and maximum, computed on the host. */
#include "common.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define N (((size_t)1 << 24) + 12345) /* not a multiple of anything useful */
#define MAX_GROUPS 1024
#define RUNS 3

static const char *src =
	"/* WG, the work-group size, is a power of two set at build time: the\n"
	" * kernel-scope __local array needs a constant size. */\n"
	"kernel __attribute__((reqd_work_group_size(WG, 1, 1)))\n"
	"void reduce(global const int *in, ulong n, local long *sums,\n"
	"	    global long *group_sum, global int *group_max)\n"
	"{\n"
	"	local int maxes[WG];\n"
	"	size_t lid = get_local_id(0);\n"
	"	long s = 0;\n"
	"	int m = INT_MIN;\n"
	"\n"
	"	for (size_t i = get_global_id(0); i < n; i += get_global_size(0)) {\n"
	"		s += in[i];\n"
	"		m = max(m, in[i]);\n"
	"	}\n"
	"	sums[lid] = s;\n"
	"	maxes[lid] = m;\n"
	"	barrier(CLK_LOCAL_MEM_FENCE);\n"
	"	for (size_t step = WG / 2; step > 0; step /= 2) {\n"
	"		if (lid < step) {\n"
	"			sums[lid] += sums[lid + step];\n"
	"			maxes[lid] = max(maxes[lid], maxes[lid + step]);\n"
	"		}\n"
	"		barrier(CLK_LOCAL_MEM_FENCE);\n"
	"	}\n"
	"	if (lid == 0) {\n"
	"		group_sum[get_group_id(0)] = sums[0];\n"
	"		group_max[get_group_id(0)] = maxes[0];\n"
	"	}\n"
	"}\n";

/* Values with both signs, and a single maximum somewhere in the middle. */
static int32_t value_of(size_t i)
{
	uint32_t h = (uint32_t)i * 2654435761u;

	if (i == N / 3 + 17)
		return 1 << 28;
	return (int32_t)(h >> 8) % 100000 - 40000;
}

int main(void)
{
	cl_int err;
	size_t dev_wg, kern_wg;
	cl_ulong local_mem;
	cl_uint units;
	char options[64];
	cl_program prog = NULL;
	cl_kernel k = NULL;
	size_t wg;

	sample_init("svm-reduce");
	cl_device_id dev = pick_device(NULL);
	if (!(device_svm_caps(dev, true) & CL_DEVICE_SVM_COARSE_GRAIN_BUFFER)) {
		printf("svm-reduce: the device has no SVM, nothing to do\n");
		return 1;
	}
	CL_CHECK(clGetDeviceInfo(dev, CL_DEVICE_MAX_WORK_GROUP_SIZE, sizeof(dev_wg), &dev_wg,
				 NULL));
	CL_CHECK(clGetDeviceInfo(dev, CL_DEVICE_LOCAL_MEM_SIZE, sizeof(local_mem), &local_mem,
				 NULL));
	CL_CHECK(clGetDeviceInfo(dev, CL_DEVICE_MAX_COMPUTE_UNITS, sizeof(units), &units, NULL));
	cl_context ctx = clCreateContext(NULL, 1, &dev, NULL, NULL, &err);
	CL_CHECK_ERR(err);
	cl_queue_properties qprops[] = {CL_QUEUE_PROPERTIES, CL_QUEUE_PROFILING_ENABLE, 0};
	cl_command_queue q = clCreateCommandQueueWithProperties(ctx, dev, qprops, &err);
	CL_CHECK_ERR(err);

	/* The largest power of two up to 256 that the device, its local memory
	 * and then the compiled kernel accept. */
	for (wg = 256; wg > dev_wg || wg * 12 > local_mem; wg /= 2)
		;
	for (;;) {
		snprintf(options, sizeof(options), "-DWG=%zu", wg);
		prog = build_program(ctx, dev, src, options);
		k = clCreateKernel(prog, "reduce", &err);
		CL_CHECK_ERR(err);
		CL_CHECK(clGetKernelWorkGroupInfo(k, dev, CL_KERNEL_WORK_GROUP_SIZE,
						  sizeof(kern_wg), &kern_wg, NULL));
		if (kern_wg >= wg || wg == 1)
			break;
		CL_CHECK(clReleaseKernel(k));
		CL_CHECK(clReleaseProgram(prog));
		wg /= 2;
	}
	/* Enough groups to fill the device several times over, each work-item
	 * then loops over its share. */
	size_t groups = units * 16;
	if (groups > MAX_GROUPS)
		groups = MAX_GROUPS;
	size_t global = groups * wg;

	/* Coarse-grain SVM: written and read by the host through maps. */
	int32_t *in = svm_alloc(ctx, CL_MEM_READ_ONLY, N * sizeof(*in));
	int64_t *gsum = svm_alloc(ctx, CL_MEM_WRITE_ONLY, groups * sizeof(*gsum));
	int32_t *gmax = svm_alloc(ctx, CL_MEM_WRITE_ONLY, groups * sizeof(*gmax));
	CL_CHECK(clEnqueueSVMMap(q, CL_TRUE, CL_MAP_WRITE_INVALIDATE_REGION, in, N * sizeof(*in),
				 0, NULL, NULL));
	int64_t want_sum = 0;
	int32_t want_max = INT32_MIN;
	for (size_t i = 0; i < N; i++) {
		in[i] = value_of(i);
		want_sum += in[i];
		want_max = in[i] > want_max ? in[i] : want_max;
	}
	CL_CHECK(clEnqueueSVMUnmap(q, in, 0, NULL, NULL));
	printf("input: %zu ints (%.1f MiB) in coarse-grain SVM; %zu groups of %zu work-items, "
	       "%zu bytes of local memory per group\n", N, N * sizeof(*in) / 1048576.0, groups,
	       wg, wg * (sizeof(int64_t) + sizeof(int32_t)));

	cl_ulong n = N;
	CL_CHECK(clSetKernelArgSVMPointer(k, 0, in));
	CL_CHECK(clSetKernelArg(k, 1, sizeof(n), &n));
	CL_CHECK(clSetKernelArg(k, 2, wg * sizeof(cl_long), NULL)); /* the __local buffer */
	CL_CHECK(clSetKernelArgSVMPointer(k, 3, gsum));
	CL_CHECK(clSetKernelArgSVMPointer(k, 4, gmax));

	int failures = 0;
	for (int run = 0; run < RUNS; run++) {
		cl_event ev;

		CL_CHECK(clEnqueueNDRangeKernel(q, k, 1, NULL, &global, &wg, 0, NULL, &ev));
		CL_CHECK(clEnqueueSVMMap(q, CL_TRUE, CL_MAP_READ, gsum, groups * sizeof(*gsum), 1,
					 &ev, NULL));
		CL_CHECK(clEnqueueSVMMap(q, CL_TRUE, CL_MAP_READ, gmax, groups * sizeof(*gmax), 0,
					 NULL, NULL));
		double kt = event_ms(ev);
		int64_t sum = 0;
		int32_t mx = INT32_MIN;
		for (size_t g = 0; g < groups; g++) {
			sum += gsum[g];
			mx = gmax[g] > mx ? gmax[g] : mx;
		}
		CL_CHECK(clEnqueueSVMUnmap(q, gsum, 0, NULL, NULL));
		CL_CHECK(clEnqueueSVMUnmap(q, gmax, 0, NULL, NULL));
		printf("run %d: kernel %.2f ms (%.1f GB/s), sum %lld, max %d\n", run, kt,
		       kt > 0 ? N * sizeof(*in) / (kt * 1e6) : 0.0, (long long)sum, mx);
		if (sum != want_sum || mx != want_max) {
			printf("MISMATCH: expected sum %lld, max %d\n", (long long)want_sum,
			       want_max);
			failures++;
		}
		CL_CHECK(clReleaseEvent(ev));
		/* Clear the results so that the next run proves itself. */
		CL_CHECK(clEnqueueSVMMemFill(q, gsum, &(int64_t){-1}, sizeof(int64_t),
					     groups * sizeof(*gsum), 0, NULL, NULL));
		CL_CHECK(clEnqueueSVMMemFill(q, gmax, &(int32_t){INT32_MIN}, sizeof(int32_t),
					     groups * sizeof(*gmax), 0, NULL, NULL));
	}
	CL_CHECK(clFinish(q));
	if (!failures)
		printf("verified the exact sum (%lld) and maximum (%d) in %d runs\n",
		       (long long)want_sum, want_max, RUNS);

	clSVMFree(ctx, in);
	clSVMFree(ctx, gsum);
	clSVMFree(ctx, gmax);
	CL_CHECK(clReleaseKernel(k));
	CL_CHECK(clReleaseProgram(prog));
	CL_CHECK(clReleaseCommandQueue(q));
	CL_CHECK(clReleaseContext(ctx));
	if (failures) {
		printf("svm-reduce: FAILED\n");
		return 1;
	}
	printf("svm-reduce: all checks passed\n");
	return 0;
}
