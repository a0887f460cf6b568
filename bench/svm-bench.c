// SPDX-License-Identifier: MIT
/* svm-bench: SVM and runtime figures of svmgpu and pocl side by side, in one
 * run, through the ICD loader (OCL_ICD_VENDORS must name a folder holding
 * both vendor files: bench/run-bench.sh makes one). Bandwidths are compared
 * with this machine's memcpy (the better of one thread and one per CPU) and
 * single-thread memset, measured in the same run.
 * Every figure is the median of several repetitions after a warm-up.
 * A benchmark never fails: a platform that is missing or an operation that
 * errors shows as "-" and the reason goes to stderr. */
#include "bench_util.h"
#include "host_bandwidth.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIB (1024 * 1024)
#define BIG (64 * MIB)

/* Per platform: two BIG coarse-grain SVM buffers. */
struct svm_bufs {
	void *src, *dst;
};

#define SRC(p) (((struct svm_bufs *)(p)->priv)->src)
#define DST(p) (((struct svm_bufs *)(p)->priv)->dst)

/* --- the machine's own bandwidth ---------------------------------------- */

static uint8_t *hdst;
/* Through a volatile pointer so that the compiler keeps every call. */
static void *(*volatile do_memset)(void *, int, size_t) = memset;

static double s_host_memset(struct plat *p)
{
	(void)p;
	double t = now_us();
	do_memset(hdst, 0x5a, BIG);
	return BIG / ((now_us() - t) * 1e3);
}

/* --- figures per platform ------------------------------------------------ */

static double s_alloc_free(struct plat *p)
{
	enum { N = 100 };
	double t = now_us();

	for (int i = 0; i < N; i++) {
		void *m = clSVMAlloc(p->ctx, CL_MEM_READ_WRITE, MIB, 0);
		if (!m) {
			failed(p, "clSVMAlloc(1 MiB)", CL_OUT_OF_RESOURCES);
			return NAN;
		}
		clSVMFree(p->ctx, m);
	}
	return (now_us() - t) / N;
}

static double s_map_unmap(struct plat *p)
{
	enum { N = 10 };
	double t = now_us();

	for (int i = 0; i < N; i++) {
		FAIL_IF(clEnqueueSVMMap(p->q, CL_TRUE, CL_MAP_READ | CL_MAP_WRITE, DST(p), BIG, 0,
					NULL, NULL));
		FAIL_IF(clEnqueueSVMUnmap(p->q, DST(p), 0, NULL, NULL));
		FAIL_IF(clFinish(p->q));
	}
	return (now_us() - t) / N;
}

static double s_memcpy(struct plat *p)
{
	double t = now_us();

	FAIL_IF(clEnqueueSVMMemcpy(p->q, CL_TRUE, DST(p), SRC(p), BIG, 0, NULL, NULL));
	return BIG / ((now_us() - t) * 1e3);
}

static double fill(struct plat *p, size_t psize)
{
	static const uint8_t pattern[128] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
	double t = now_us();

	FAIL_IF(clEnqueueSVMMemFill(p->q, DST(p), pattern, psize, BIG, 0, NULL, NULL));
	FAIL_IF(clFinish(p->q));
	return BIG / ((now_us() - t) * 1e3);
}

static double s_fill4(struct plat *p) { return fill(p, 4); }
static double s_fill64(struct plat *p) { return fill(p, 64); }

static double s_user_event(struct plat *p)
{
	enum { N = 1000 };
	cl_int err;
	double t = now_us();

	for (int i = 0; i < N; i++) {
		cl_event ev = clCreateUserEvent(p->ctx, &err);
		FAIL_IF(err);
		FAIL_IF(clSetUserEventStatus(ev, CL_COMPLETE));
		FAIL_IF(clReleaseEvent(ev));
	}
	return (now_us() - t) / N;
}

static double s_marker_wait(struct plat *p)
{
	enum { N = 200 };
	double t = now_us();

	for (int i = 0; i < N; i++) {
		cl_event ev;
		FAIL_IF(clEnqueueMarkerWithWaitList(p->q, 0, NULL, &ev));
		FAIL_IF(clWaitForEvents(1, &ev));
		FAIL_IF(clReleaseEvent(ev));
	}
	return (now_us() - t) / N;
}

static double s_finish_empty(struct plat *p)
{
	enum { N = 1000 };
	double t = now_us();

	for (int i = 0; i < N; i++)
		FAIL_IF(clFinish(p->q));
	return (now_us() - t) / N;
}

static double s_marker_rate(struct plat *p)
{
	enum { N = 1000 };
	double t = now_us();

	for (int i = 0; i < N; i++)
		FAIL_IF(clEnqueueMarkerWithWaitList(p->q, 0, NULL, NULL));
	FAIL_IF(clFinish(p->q));
	return N / (now_us() - t); /* millions per second */
}

/* --- setup --------------------------------------------------------------- */

static void setup(struct plat *p, bool want_pocl, struct svm_bufs *b)
{
	static const uint8_t pat = 0x11;

	p->priv = b;
	plat_setup(p, want_pocl);
	if (!p->ok)
		return;
	p->ok = false;
	b->src = clSVMAlloc(p->ctx, CL_MEM_READ_WRITE, BIG, 0);
	b->dst = clSVMAlloc(p->ctx, CL_MEM_READ_WRITE, BIG, 0);
	if (!b->src || !b->dst) {
		failed(p, "clSVMAlloc(64 MiB)", CL_OUT_OF_RESOURCES);
		return;
	}
	/* Touch every page once so that no figure pays for first faults. */
	if (failed(p, "clEnqueueSVMMemFill", clEnqueueSVMMemFill(p->q, b->src, &pat, 1, BIG,
								   0, NULL, NULL)) ||
	    failed(p, "clEnqueueSVMMemFill", clEnqueueSVMMemFill(p->q, b->dst, &pat, 1, BIG,
								   0, NULL, NULL)) ||
	    failed(p, "clFinish", clFinish(p->q)))
		return;
	p->ok = true;
}

static void teardown(struct plat *p, struct svm_bufs *b)
{
	if (p->q)
		clFinish(p->q);
	if (b->src)
		clSVMFree(p->ctx, b->src);
	if (b->dst)
		clSVMFree(p->ctx, b->dst);
	plat_teardown(p);
}

int main(int argc, char **argv)
{
	struct svm_bufs bufs[2] = {{0}};

	if (!bench_args(argc, argv))
		return 2;
	struct host_bandwidth bw;

	hdst = malloc(BIG);
	if (!hdst || !host_bandwidth_measure(BIG, &bw))
		return 1;
	memset(hdst, 0x44, BIG);

	struct plat plats[2] = {{.label = "svmgpu"}, {.label = "pocl"}};

	setup(&plats[0], false, &bufs[0]);
	setup(&plats[1], true, &bufs[1]);

	double host_memcpy = host_bandwidth_best(&bw);
	double host_memset = median_of(s_host_memset, NULL);
	printf("host    memcpy %.1f GB/s one thread, %.1f GB/s %d threads; memset %.1f GB/s one "
	       "thread (64 MiB)\n", bw.one_thread, bw.all_threads, bw.threads, host_memset);
	printf("median of %d repetitions after a warm-up; ratio > 1: svmgpu is better\n\n",
	       bench_reps);

	const struct figure figs[] = {
		{"clSVMAlloc+clSVMFree, 1 MiB", "us", s_alloc_free, TIME, NULL, NULL},
		{"SVM map+unmap, 64 MiB, blocking", "us", s_map_unmap, TIME, NULL, NULL},
		{"clEnqueueSVMMemcpy, 64 MiB", "GB/s", s_memcpy, RATE, &host_memcpy, "memcpy"},
		{"clEnqueueSVMMemFill, 4-byte pattern", "GB/s", s_fill4, RATE, &host_memset,
		 "memset"},
		{"clEnqueueSVMMemFill, 64-byte pattern", "GB/s", s_fill64, RATE, &host_memset,
		 "memset"},
		{"user event create+set+release", "us", s_user_event, TIME, NULL, NULL},
		{"marker enqueue+wait", "us", s_marker_wait, TIME, NULL, NULL},
		{"clFinish, empty queue", "us", s_finish_empty, TIME, NULL, NULL},
		{"marker enqueue throughput", "M/s", s_marker_rate, RATE, NULL, NULL},
	};

	print_figures(figs, sizeof(figs) / sizeof(figs[0]), plats);

	teardown(&plats[0], &bufs[0]);
	teardown(&plats[1], &bufs[1]);
	free(hdst);
	return 0;
}
