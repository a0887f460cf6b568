// SPDX-License-Identifier: MIT
/* svm-basics: shared virtual memory through OpenCL, the way an application
 * uses it. Picks the svmgpu platform (or the first one), its default device,
 * and walks through SVM allocation, fill, copy, map/unmap, migration and
 * (where the device offers it) plain malloc memory, chaining the commands
 * with events. Every byte is checked at the end; any error or mismatch makes
 * the program exit non-zero. */
#define CL_TARGET_OPENCL_VERSION 300
#include <CL/cl.h>
#include <CL/cl_ext.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MIB (1024 * 1024)
#define SIZE (16 * MIB)

static const char *errname(cl_int err)
{
	switch (err) {
#define E(x) case x: return #x;
	E(CL_SUCCESS) E(CL_DEVICE_NOT_FOUND) E(CL_MEM_OBJECT_ALLOCATION_FAILURE)
	E(CL_OUT_OF_RESOURCES) E(CL_OUT_OF_HOST_MEMORY) E(CL_MEM_COPY_OVERLAP)
	E(CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST) E(CL_INVALID_VALUE)
	E(CL_INVALID_PLATFORM) E(CL_INVALID_DEVICE) E(CL_INVALID_CONTEXT)
	E(CL_INVALID_QUEUE_PROPERTIES) E(CL_INVALID_COMMAND_QUEUE)
	E(CL_INVALID_MEM_OBJECT) E(CL_INVALID_EVENT_WAIT_LIST) E(CL_INVALID_EVENT)
	E(CL_INVALID_OPERATION) E(CL_INVALID_BUFFER_SIZE) E(CL_INVALID_PROPERTY)
	E(CL_PLATFORM_NOT_FOUND_KHR) /* the loader found no platform */
#undef E
	default: return "unknown error";
	}
}

#define TRY(call)                                                               \
	do {                                                                    \
		cl_int err__ = (call);                                          \
		if (err__ != CL_SUCCESS)                                        \
			die(#call, err__);                                      \
	} while (0)

static void die(const char *what, cl_int err)
{
	fprintf(stderr, "svm-basics: %s failed: %s (%d)\n", what, errname(err), err);
	fprintf(stderr, "svm-basics: SVMGPU_DEBUG=1 explains errors of the svmgpu platform\n");
	exit(1);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double gbps(size_t bytes, double ms)
{
	return ms > 0 ? bytes / (ms * 1e6) : 0;
}

/* The first offset in [off, off+len) whose byte differs from the expected
 * value, or -1. */
static long first_mismatch(const uint8_t *p, size_t off, size_t len,
			   uint8_t (*expect)(size_t i))
{
	for (size_t i = off; i < off + len; i++)
		if (p[i] != expect(i))
			return (long)i;
	return -1;
}

/* The contents the buffers go through: a 4-byte fill pattern, then a
 * position-dependent sequence written by the host. */
static const uint8_t fill4[4] = {0x0d, 0xf0, 0xc3, 0xa5}; /* 0xa5c3f00d */
static const uint8_t fill64_base = 0x40;                  /* bytes 0x40..0x7f */

static uint8_t expect_fill4(size_t i) { return fill4[i % 4]; }
static uint8_t expect_seq(size_t i) { return (uint8_t)(i * 7 + (i >> 12)); }
static uint8_t expect_fill64(size_t i) { return (uint8_t)(fill64_base + i % 64); }

static int failures;

static void verify(const char *what, const void *p, size_t off, size_t len,
		   uint8_t (*expect)(size_t i))
{
	long bad = first_mismatch(p, off, len, expect);

	if (bad < 0) {
		printf("  verified %zu bytes of %s\n", len, what);
		return;
	}
	printf("  MISMATCH in %s at byte %ld: 0x%02x, expected 0x%02x\n", what, bad,
	       ((const uint8_t *)p)[bad], expect((size_t)bad));
	failures++;
}

static cl_platform_id pick_platform(void)
{
	cl_platform_id ps[16];
	cl_uint n = 0;
	char name[256];

	TRY(clGetPlatformIDs(16, ps, &n));
	if (n == 0)
		die("clGetPlatformIDs (no platform)", CL_DEVICE_NOT_FOUND);
	for (cl_uint i = 0; i < n && i < 16; i++) {
		TRY(clGetPlatformInfo(ps[i], CL_PLATFORM_NAME, sizeof(name), name, NULL));
		if (strcmp(name, "svmgpu") == 0)
			return ps[i];
	}
	return ps[0];
}

static void print_svm_caps(cl_device_svm_capabilities caps)
{
	printf("SVM capabilities: 0x%llx%s%s%s%s\n", (unsigned long long)caps,
	       caps & CL_DEVICE_SVM_COARSE_GRAIN_BUFFER ? " coarse-grain-buffer" : "",
	       caps & CL_DEVICE_SVM_FINE_GRAIN_BUFFER ? " fine-grain-buffer" : "",
	       caps & CL_DEVICE_SVM_FINE_GRAIN_SYSTEM ? " fine-grain-system" : "",
	       caps & CL_DEVICE_SVM_ATOMICS ? " atomics" : "");
}

static int completions;

static void CL_CALLBACK on_complete(cl_event ev, cl_int status, void *user)
{
	(void)ev;
	(void)user;
	if (status == CL_COMPLETE)
		__atomic_fetch_add(&completions, 1, __ATOMIC_SEQ_CST);
}

int main(void)
{
	cl_platform_id platform = pick_platform();
	cl_device_id dev;
	cl_device_svm_capabilities caps = 0;
	char pname[256], vendor[256], dname[256], version[256];
	cl_int err;
	double t;

	setvbuf(stdout, NULL, _IOLBF, 0);
	TRY(clGetPlatformInfo(platform, CL_PLATFORM_NAME, sizeof(pname), pname, NULL));
	TRY(clGetPlatformInfo(platform, CL_PLATFORM_VERSION, sizeof(version), version, NULL));
	TRY(clGetDeviceIDs(platform, CL_DEVICE_TYPE_DEFAULT, 1, &dev, NULL));
	TRY(clGetDeviceInfo(dev, CL_DEVICE_NAME, sizeof(dname), dname, NULL));
	TRY(clGetDeviceInfo(dev, CL_DEVICE_VENDOR, sizeof(vendor), vendor, NULL));
	printf("platform: %s (%s)\n", pname, version);
	printf("device:   %s (%s)\n", dname, vendor);
	TRY(clGetDeviceInfo(dev, CL_DEVICE_SVM_CAPABILITIES, sizeof(caps), &caps, NULL));
	print_svm_caps(caps);
	if (!(caps & CL_DEVICE_SVM_COARSE_GRAIN_BUFFER)) {
		printf("the device has no SVM: nothing to show\n");
		return 1;
	}

	cl_context ctx = clCreateContext(NULL, 1, &dev, NULL, NULL, &err);
	TRY(err);
	cl_command_queue q = clCreateCommandQueueWithProperties(ctx, dev, NULL, &err);
	TRY(err);

	/* 1. Coarse-grain SVM: the host touches it only between map and unmap. */
	uint8_t *coarse = clSVMAlloc(ctx, CL_MEM_READ_WRITE, SIZE, 0);
	if (!coarse)
		die("clSVMAlloc (coarse-grain)", CL_OUT_OF_RESOURCES);
	printf("allocated 16 MiB coarse-grain SVM at %p\n", (void *)coarse);

	/* The first commands wait for a user event: nothing may run before the
	 * host releases it. */
	cl_event gate = clCreateUserEvent(ctx, &err);
	TRY(err);
	cl_event ev_fill, ev_map, ev_unmap;
	t = now_ms();
	TRY(clEnqueueSVMMemFill(q, coarse, fill4, sizeof(fill4), SIZE, 1, &gate, &ev_fill));
	TRY(clSetEventCallback(ev_fill, CL_COMPLETE, on_complete, NULL));
	cl_int st;
	TRY(clGetEventInfo(ev_fill, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof(st), &st, NULL));
	if (st == CL_COMPLETE) {
		printf("  ERROR: the fill completed before its user event was set\n");
		failures++;
	}
	printf("fill waits for a user event (status %s)\n",
	       st == CL_QUEUED ? "queued" : st == CL_SUBMITTED ? "submitted" : "other");
	TRY(clSetUserEventStatus(gate, CL_COMPLETE));
	TRY(clWaitForEvents(1, &ev_fill));
	t = now_ms() - t;
	printf("filled 16 MiB with pattern 0xa5c3f00d (4 bytes) in %.2f ms (%.1f GB/s, "
	       "first touch of its pages)\n", t,
	       gbps(SIZE, t));

	/* 2. Map for reading, check, then map for writing and store a sequence. */
	t = now_ms();
	TRY(clEnqueueSVMMap(q, CL_TRUE, CL_MAP_READ, coarse, SIZE, 0, NULL, NULL));
	printf("mapped coarse-grain SVM for reading in %.3f ms\n", now_ms() - t);
	verify("the 4-byte fill", coarse, 0, SIZE, expect_fill4);
	TRY(clEnqueueSVMUnmap(q, coarse, 0, NULL, NULL));
	TRY(clEnqueueSVMMap(q, CL_FALSE, CL_MAP_WRITE_INVALIDATE_REGION, coarse, SIZE, 0, NULL,
			    &ev_map));
	TRY(clWaitForEvents(1, &ev_map));
	for (size_t i = 0; i < SIZE; i++)
		coarse[i] = expect_seq(i);
	TRY(clEnqueueSVMUnmap(q, coarse, 0, NULL, &ev_unmap));
	printf("wrote a byte sequence through a write map, unmapped\n");

	/* 3. Fine-grain buffer SVM (the host reads it directly once the commands
	 * that wrote it are complete), or a second coarse buffer. */
	int fine_grain = !!(caps & CL_DEVICE_SVM_FINE_GRAIN_BUFFER);
	cl_svm_mem_flags fflags = CL_MEM_READ_WRITE |
				  (fine_grain ? CL_MEM_SVM_FINE_GRAIN_BUFFER : 0);
	uint8_t *fine = clSVMAlloc(ctx, fflags, SIZE, 0);
	if (!fine)
		die("clSVMAlloc (fine-grain)", CL_OUT_OF_RESOURCES);
	printf("allocated 16 MiB %s SVM at %p\n", fine_grain ? "fine-grain" : "coarse-grain",
	       (void *)fine);

	cl_event ev_copy;
	t = now_ms();
	TRY(clEnqueueSVMMemcpy(q, CL_FALSE, fine, coarse, SIZE, 1, &ev_unmap, &ev_copy));
	TRY(clSetEventCallback(ev_copy, CL_COMPLETE, on_complete, NULL));
	TRY(clWaitForEvents(1, &ev_copy));
	t = now_ms() - t;
	printf("copied 16 MiB coarse -> %s with clEnqueueSVMMemcpy in %.2f ms (%.1f GB/s, "
	       "first touch of the destination)\n",
	       fine_grain ? "fine" : "coarse", t, gbps(SIZE, t));
	if (!fine_grain)
		TRY(clEnqueueSVMMap(q, CL_TRUE, CL_MAP_READ, fine, SIZE, 0, NULL, NULL));
	verify("the copy", fine, 0, SIZE, expect_seq);
	if (!fine_grain)
		TRY(clEnqueueSVMUnmap(q, fine, 0, NULL, NULL));

	/* 4. A 64-byte pattern over an interior range (pointer and size are
	 * multiples of the pattern), leaving the rest untouched. */
	uint8_t fill64[64];
	for (int i = 0; i < 64; i++)
		fill64[i] = (uint8_t)(fill64_base + i);
	size_t off = 1 * MIB, len = 4 * MIB;
	t = now_ms();
	TRY(clEnqueueSVMMemFill(q, fine + off, fill64, sizeof(fill64), len, 0, NULL, NULL));
	TRY(clFinish(q));
	t = now_ms() - t;
	printf("filled 4 MiB at offset 1 MiB with a 64-byte pattern in %.2f ms (%.1f GB/s)\n", t,
	       gbps(len, t));

	/* 5. Migration is a hint: to the device, then back to the host. */
	const void *ptrs[2] = {coarse, fine};
	size_t sizes[2] = {SIZE, 0}; /* 0: the whole allocation */
	cl_event ev_mig;
	t = now_ms();
	TRY(clEnqueueSVMMigrateMem(q, 2, ptrs, sizes, 0, 0, NULL, NULL));
	TRY(clEnqueueSVMMigrateMem(q, 2, ptrs, sizes, CL_MIGRATE_MEM_OBJECT_HOST, 0, NULL,
				   &ev_mig));
	TRY(clWaitForEvents(1, &ev_mig));
	printf("migrated both allocations to the device and back in %.3f ms\n", now_ms() - t);

	/* 6. Fine-grain system SVM: memory from plain malloc is used directly. */
	uint8_t *sys = NULL;
	if (caps & CL_DEVICE_SVM_FINE_GRAIN_SYSTEM) {
		sys = malloc(SIZE);
		if (!sys)
			die("malloc", CL_OUT_OF_HOST_MEMORY);
		/* Fill all of it, then copy the first half over the fill: the
		 * event orders the two commands. */
		cl_event ev_sysfill, ev_syscopy;
		t = now_ms();
		TRY(clEnqueueSVMMemFill(q, sys, fill4, sizeof(fill4), SIZE, 0, NULL,
					&ev_sysfill));
		TRY(clEnqueueSVMMemcpy(q, CL_FALSE, sys, fine, SIZE / 2, 1, &ev_sysfill,
				       &ev_syscopy));
		TRY(clWaitForEvents(1, &ev_syscopy));
		t = now_ms() - t;
		printf("filled 16 MiB of malloc memory at %p, copied 8 MiB into it in %.2f ms\n",
		       (void *)sys, t);
		TRY(clReleaseEvent(ev_sysfill));
		TRY(clReleaseEvent(ev_syscopy));
	} else {
		printf("the device does not report fine-grain system SVM: malloc step skipped\n");
	}

	/* 7. Final check of every byte. */
	TRY(clFinish(q));
	printf("final check of every byte:\n");
	TRY(clEnqueueSVMMap(q, CL_TRUE, CL_MAP_READ, coarse, SIZE, 0, NULL, NULL));
	verify("coarse-grain SVM", coarse, 0, SIZE, expect_seq);
	TRY(clEnqueueSVMUnmap(q, coarse, 0, NULL, NULL));
	if (!fine_grain)
		TRY(clEnqueueSVMMap(q, CL_TRUE, CL_MAP_READ, fine, SIZE, 0, NULL, NULL));
	verify("fine-grain SVM before the 64-byte fill", fine, 0, off, expect_seq);
	verify("fine-grain SVM, 64-byte fill", fine, off, len, expect_fill64);
	verify("fine-grain SVM after the 64-byte fill", fine, off + len, SIZE - off - len,
	       expect_seq);
	if (!fine_grain)
		TRY(clEnqueueSVMUnmap(q, fine, 0, NULL, NULL));
	if (sys) {
		verify("malloc memory (copied, first part)", sys, 0, off, expect_seq);
		verify("malloc memory (copied, 64-byte fill)", sys, off, len, expect_fill64);
		verify("malloc memory (copied, last part)", sys, off + len, SIZE / 2 - off - len,
		       expect_seq);
		verify("malloc memory (4-byte fill)", sys, SIZE / 2, SIZE / 2, expect_fill4);
	}
	TRY(clFinish(q));
	/* Callbacks run asynchronously: give them a moment. */
	for (int i = 0; i < 2000 && __atomic_load_n(&completions, __ATOMIC_SEQ_CST) < 2; i++)
		nanosleep(&(struct timespec){.tv_nsec = 1000000}, NULL);
	if (__atomic_load_n(&completions, __ATOMIC_SEQ_CST) != 2) {
		printf("  ERROR: %d completion callbacks ran, expected 2\n", completions);
		failures++;
	}

	TRY(clReleaseEvent(gate));
	TRY(clReleaseEvent(ev_fill));
	TRY(clReleaseEvent(ev_map));
	TRY(clReleaseEvent(ev_unmap));
	TRY(clReleaseEvent(ev_copy));
	TRY(clReleaseEvent(ev_mig));
	/* clEnqueueSVMFree hands the frees to the queue, after the work above. */
	void *frees[2] = {coarse, fine};
	TRY(clEnqueueSVMFree(q, 2, frees, NULL, NULL, 0, NULL, NULL));
	TRY(clFinish(q));
	free(sys);
	TRY(clReleaseCommandQueue(q));
	TRY(clReleaseContext(ctx));

	if (failures) {
		printf("svm-basics: %d check(s) FAILED\n", failures);
		return 1;
	}
	printf("svm-basics: all checks passed\n");
	return 0;
}
