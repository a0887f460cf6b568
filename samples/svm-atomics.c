// SPDX-License-Identifier: MIT
/* svm-atomics: the host and a running kernel share memory from
 * clSVMAlloc(CL_MEM_SVM_FINE_GRAIN_BUFFER | CL_MEM_SVM_ATOMICS) and
 * synchronise through C11 atomics on it, OpenCL C atomics with
 * memory_scope_all_svm_devices on the device side, <stdatomic.h> on the host.
 * 1. A shared counter: every work-item adds to it while the host adds to it
 *    too, concurrently; the final count must be exact.
 * 2. A ping-pong: a single work-item kernel and the host hand a flag back
 *    and forth for ROUNDS rounds, each side passing a plain (non-atomic)
 *    value to the other under release/acquire ordering.
 * Every wait is bounded, so a broken runtime fails instead of hanging. */
#include "common.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define ITEMS 4096		/* counter kernel work-items */
#define PER_ITEM 1000		/* increments per work-item */
#define MIN_HOST 100000		/* host increments, at least */
#define ROUNDS 1000		/* ping-pong rounds */
#define TIMEOUT_MS 20000.0	/* for any single wait */
#define ABORT_FLAG (-1)		/* the host gives up: the kernel must return */

static const char *src =
	"kernel void count(global atomic_int *counter, int per_item)\n"
	"{\n"
	"	for (int i = 0; i < per_item; i++)\n"
	"		atomic_fetch_add_explicit(counter, 1, memory_order_relaxed, SCOPE);\n"
	"}\n"
	"\n"
	"/* Round r: wait for the host's flag 1, read what it stored in in[r],\n"
	" * answer in out[r], hand the flag back with 2. */\n"
	"kernel void pingpong(global atomic_int *flag, global const int *in, global int *out,\n"
	"		      int rounds)\n"
	"{\n"
	"	for (int r = 0; r < rounds; r++) {\n"
	"		int f;\n"
	"\n"
	"		while ((f = atomic_load_explicit(flag, memory_order_acquire, SCOPE)) != 1)\n"
	"			if (f == ABORT_FLAG)\n"
	"				return;\n"
	"		out[r] = in[r] * 3 + 1;\n"
	"		atomic_store_explicit(flag, 2, memory_order_release, SCOPE);\n"
	"	}\n"
	"}\n";

static cl_int event_status(cl_event ev)
{
	cl_int st;

	CL_CHECK(clGetEventInfo(ev, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof(st), &st, NULL));
	return st;
}

/* Waits up to TIMEOUT_MS for ev: a kernel that never ends may also block the
 * runtime's teardown, so leave without it. */
static void wait_or_leave(cl_event ev, const char *what)
{
	double t0 = now_ms();
	cl_int st;

	while ((st = event_status(ev)) > CL_COMPLETE) {
		if (now_ms() - t0 > TIMEOUT_MS) {
			printf("TIMEOUT: the %s kernel is still running after %.0f s\n", what,
			       TIMEOUT_MS / 1e3);
			printf("svm-atomics: FAILED\n");
			fflush(stdout);
			_exit(1);
		}
		nanosleep(&(struct timespec){.tv_nsec = 100000}, NULL);
	}
	if (st < 0) {
		printf("the %s kernel ended with error status %d (%s)\n", what, st,
		       cl_errname(st));
		printf("svm-atomics: FAILED\n");
		exit(1);
	}
}

int main(void)
{
	cl_int err;
	int failures = 0;
	char options[256];

	sample_init("svm-atomics");
	cl_device_id dev = pick_device(NULL);
	cl_device_svm_capabilities caps = device_svm_caps(dev, true);
	if (!(caps & CL_DEVICE_SVM_FINE_GRAIN_BUFFER) || !(caps & CL_DEVICE_SVM_ATOMICS)) {
		printf("svm-atomics: SKIPPED: the device does not report fine-grain buffer SVM "
		       "with atomics\n");
		return 0;
	}
	/* memory_scope_all_svm_devices is what makes device atomics coherent with
	 * the host's. OpenCL C 3.0 has it with the feature
	 * __opencl_c_atomic_scope_all_devices, OpenCL C 2.0 always. A device that
	 * offers neither gets device scope, which it must then honour for the
	 * host too. */
	const char *std, *scope = "memory_scope_all_svm_devices";
	if (device_has_c_feature(dev, "__opencl_c_atomic_scope_all_devices")) {
		std = "-cl-std=CL3.0";
	} else if (device_has_c_version(dev, 2, 0)) {
		std = "-cl-std=CL2.0";
	} else {
		std = "-cl-std=CL3.0";
		scope = "memory_scope_device";
		printf("note: the device reports neither __opencl_c_atomic_scope_all_devices nor "
		       "OpenCL C 2.0: using memory_scope_device\n");
	}
	snprintf(options, sizeof(options), "%s -DSCOPE=%s -DABORT_FLAG=(%d)", std, scope,
		 ABORT_FLAG);

	cl_context ctx = clCreateContext(NULL, 1, &dev, NULL, NULL, &err);
	CL_CHECK_ERR(err);
	cl_command_queue q = clCreateCommandQueueWithProperties(ctx, dev, NULL, &err);
	CL_CHECK_ERR(err);
	cl_program prog = build_program(ctx, dev, src, options);
	cl_kernel kcount = clCreateKernel(prog, "count", &err);
	CL_CHECK_ERR(err);
	cl_kernel kping = clCreateKernel(prog, "pingpong", &err);
	CL_CHECK_ERR(err);

	cl_svm_mem_flags fg = CL_MEM_READ_WRITE | CL_MEM_SVM_FINE_GRAIN_BUFFER;
	atomic_int *shared = svm_alloc(ctx, fg | CL_MEM_SVM_ATOMICS, 2 * sizeof(atomic_int));
	atomic_int *counter = &shared[0], *flag = &shared[1];
	int *in = svm_alloc(ctx, fg, ROUNDS * sizeof(int));
	int *out = svm_alloc(ctx, fg, ROUNDS * sizeof(int));
	atomic_init(counter, 0);
	atomic_init(flag, 0);

	/* 1. The counter. The host adds while the kernel runs (it checks the
	 * kernel's status every 256 increments) and at least MIN_HOST times. */
	int per_item = PER_ITEM;
	size_t items = ITEMS;
	cl_event ev;
	CL_CHECK(clSetKernelArgSVMPointer(kcount, 0, counter));
	CL_CHECK(clSetKernelArg(kcount, 1, sizeof(per_item), &per_item));
	double t = now_ms();
	CL_CHECK(clEnqueueNDRangeKernel(q, kcount, 1, NULL, &items, NULL, 0, NULL, &ev));
	CL_CHECK(clFlush(q));
	long host_adds = 0, during = 0;
	int seen_kernel = 0;
	for (;;) {
		for (int i = 0; i < 256; i++) {
			int old = atomic_fetch_add_explicit(counter, 1, memory_order_relaxed);

			seen_kernel |= old != host_adds + i;
		}
		host_adds += 256;
		if (event_status(ev) > CL_COMPLETE)
			during = host_adds;
		else if (host_adds >= MIN_HOST)
			break;
		if (now_ms() - t > TIMEOUT_MS)
			break;
	}
	wait_or_leave(ev, "counter");
	t = now_ms() - t;
	CL_CHECK(clReleaseEvent(ev));
	long expect = (long)ITEMS * PER_ITEM + host_adds;
	long got = atomic_load(counter);
	printf("counter: %d work-items x %d device increments + %ld host increments (%ld "
	       "while the kernel ran, kernel increments seen by the host: %s) in %.1f ms\n",
	       ITEMS, PER_ITEM, host_adds, during, seen_kernel ? "yes" : "no", t);
	if (got != expect) {
		printf("MISMATCH: counter = %ld, expected %ld (%ld lost)\n", got, expect,
		       expect - got);
		failures++;
	} else {
		printf("counter = %ld, exact\n", got);
	}

	/* 2. The ping-pong: one work-item, enqueued without blocking; the host
	 * plays its part while the kernel runs. */
	int rounds = ROUNDS;
	CL_CHECK(clSetKernelArgSVMPointer(kping, 0, flag));
	CL_CHECK(clSetKernelArgSVMPointer(kping, 1, in));
	CL_CHECK(clSetKernelArgSVMPointer(kping, 2, out));
	CL_CHECK(clSetKernelArg(kping, 3, sizeof(rounds), &rounds));
	for (int r = 0; r < ROUNDS; r++)
		in[r] = out[r] = 0;
	size_t one = 1;
	t = now_ms();
	CL_CHECK(clEnqueueNDRangeKernel(q, kping, 1, NULL, &one, &one, 0, NULL, &ev));
	CL_CHECK(clFlush(q));
	int r, bad_round = -1;
	for (r = 0; r < ROUNDS; r++) {
		double t0 = now_ms();
		int f;

		in[r] = r * 7 + 5;
		atomic_store_explicit(flag, 1, memory_order_release);
		while ((f = atomic_load_explicit(flag, memory_order_acquire)) != 2) {
			if (f != 1) {
				printf("round %d: flag is %d, expected 1 or 2\n", r, f);
				break;
			}
			if (now_ms() - t0 > TIMEOUT_MS) {
				printf("TIMEOUT: round %d: no answer from the kernel in %.0f s "
				       "(kernel status %d)\n", r, TIMEOUT_MS / 1e3,
				       event_status(ev));
				break;
			}
		}
		if (f != 2)
			break;
		if (out[r] != in[r] * 3 + 1 && bad_round < 0)
			bad_round = r;
	}
	if (r < ROUNDS) {
		/* Tell the kernel to give up, then see whether it does. */
		atomic_store(flag, ABORT_FLAG);
		failures++;
	}
	wait_or_leave(ev, "ping-pong");
	t = now_ms() - t;
	CL_CHECK(clReleaseEvent(ev));
	if (r == ROUNDS)
		printf("ping-pong: %d rounds in %.1f ms (%.2f us per round trip)\n", ROUNDS, t,
		       t * 1e3 / ROUNDS);
	if (bad_round >= 0) {
		printf("MISMATCH: round %d: the kernel answered %d, expected %d\n", bad_round,
		       out[bad_round], in[bad_round] * 3 + 1);
		failures++;
	} else if (r == ROUNDS) {
		printf("ping-pong: every answer the kernel passed under the flag was right\n");
	}

	clSVMFree(ctx, shared);
	clSVMFree(ctx, in);
	clSVMFree(ctx, out);
	CL_CHECK(clReleaseKernel(kcount));
	CL_CHECK(clReleaseKernel(kping));
	CL_CHECK(clReleaseProgram(prog));
	CL_CHECK(clReleaseCommandQueue(q));
	CL_CHECK(clReleaseContext(ctx));
	if (failures) {
		printf("svm-atomics: FAILED\n");
		return 1;
	}
	printf("svm-atomics: all checks passed\n");
	return 0;
}
