// SPDX-License-Identifier: MIT
/* svm-bench: SVM and runtime figures of svmgpu and pocl side by side, in one
 * run, through the ICD loader (OCL_ICD_VENDORS must name a folder holding
 * both vendor files: bench/run-bench.sh makes one). Bandwidths are compared
 * with this machine's single-thread memcpy/memset measured in the same run.
 * Every figure is the median of several repetitions after a warm-up.
 * A benchmark never fails: a platform that is missing or an operation that
 * errors shows as "-" and the reason goes to stderr. */
#define CL_TARGET_OPENCL_VERSION 300
#include <CL/cl.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MIB (1024 * 1024)
#define BIG (64 * MIB)

static int reps = 15;

struct plat {
	const char *label;
	cl_platform_id id;
	cl_device_id dev;
	cl_context ctx;
	cl_command_queue q;
	void *src, *dst; /* BIG coarse-grain SVM each */
	bool ok;
};

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* One sample of a figure: a value, or NAN on error. */
typedef double (*sample_fn)(struct plat *p);

static double median_of(sample_fn fn, struct plat *p)
{
	double v[64];
	int n = reps < 64 ? reps : 64;

	if (p && !p->ok)
		return NAN;
	if (isnan(fn(p))) /* warm-up; an error ends the figure */
		return NAN;
	for (int i = 0; i < n; i++) {
		v[i] = fn(p);
		if (isnan(v[i]))
			return NAN;
	}
	qsort(v, n, sizeof(v[0]), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static bool failed(struct plat *p, const char *what, cl_int err)
{
	if (err == CL_SUCCESS)
		return false;
	fprintf(stderr, "svm-bench: %s: %s failed: error %d\n", p->label, what, err);
	return true;
}

#define FAIL_IF(call)                                                           \
	do {                                                                    \
		if (failed(p, #call, (call)))                                   \
			return NAN;                                             \
	} while (0)

/* --- the machine's own bandwidth ---------------------------------------- */

static uint8_t *hsrc, *hdst;
/* Through volatile pointers so that the compiler keeps every call. */
static void *(*volatile do_memcpy)(void *, const void *, size_t) = memcpy;
static void *(*volatile do_memset)(void *, int, size_t) = memset;

static double s_host_memcpy(struct plat *p)
{
	(void)p;
	double t = now_us();
	do_memcpy(hdst, hsrc, BIG);
	return BIG / ((now_us() - t) * 1e3); /* GB/s */
}

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
		FAIL_IF(clEnqueueSVMMap(p->q, CL_TRUE, CL_MAP_READ | CL_MAP_WRITE, p->dst, BIG, 0,
					NULL, NULL));
		FAIL_IF(clEnqueueSVMUnmap(p->q, p->dst, 0, NULL, NULL));
		FAIL_IF(clFinish(p->q));
	}
	return (now_us() - t) / N;
}

static double s_memcpy(struct plat *p)
{
	double t = now_us();

	FAIL_IF(clEnqueueSVMMemcpy(p->q, CL_TRUE, p->dst, p->src, BIG, 0, NULL, NULL));
	return BIG / ((now_us() - t) * 1e3);
}

static double fill(struct plat *p, size_t psize)
{
	static const uint8_t pattern[128] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
	double t = now_us();

	FAIL_IF(clEnqueueSVMMemFill(p->q, p->dst, pattern, psize, BIG, 0, NULL, NULL));
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

/* --- setup and the table ------------------------------------------------- */

static bool find_platform(struct plat *p, bool want_pocl)
{
	cl_platform_id ids[16];
	cl_uint n = 0;

	if (clGetPlatformIDs(16, ids, &n) != CL_SUCCESS)
		return false;
	for (cl_uint i = 0; i < n && i < 16; i++) {
		char name[256] = "", vendor[256] = "", version[256] = "";
		clGetPlatformInfo(ids[i], CL_PLATFORM_NAME, sizeof(name), name, NULL);
		clGetPlatformInfo(ids[i], CL_PLATFORM_VENDOR, sizeof(vendor), vendor, NULL);
		clGetPlatformInfo(ids[i], CL_PLATFORM_VERSION, sizeof(version), version, NULL);
		bool pocl = strstr(name, "Portable Computing Language") ||
			    strstr(vendor, "pocl") || strstr(version, "pocl");
		bool ours = strcmp(name, "svmgpu") == 0;
		if (want_pocl ? pocl : ours) {
			p->id = ids[i];
			printf("%-7s %s, %s\n", p->label, name, version);
			return true;
		}
	}
	return false;
}

static void setup(struct plat *p, bool want_pocl)
{
	static const uint8_t pat = 0x11;
	cl_int err;
	char dname[256] = "";

	p->ok = false;
	if (!find_platform(p, want_pocl)) {
		fprintf(stderr, "svm-bench: no %s platform (is OCL_ICD_VENDORS a folder with "
				"both vendor files? see bench/run-bench.sh)\n", p->label);
		return;
	}
	if (failed(p, "clGetDeviceIDs",
		   clGetDeviceIDs(p->id, CL_DEVICE_TYPE_DEFAULT, 1, &p->dev, NULL)))
		return;
	clGetDeviceInfo(p->dev, CL_DEVICE_NAME, sizeof(dname), dname, NULL);
	printf("        device: %s\n", dname);
	p->ctx = clCreateContext(NULL, 1, &p->dev, NULL, NULL, &err);
	if (failed(p, "clCreateContext", err))
		return;
	p->q = clCreateCommandQueueWithProperties(p->ctx, p->dev, NULL, &err);
	if (failed(p, "clCreateCommandQueueWithProperties", err))
		return;
	p->src = clSVMAlloc(p->ctx, CL_MEM_READ_WRITE, BIG, 0);
	p->dst = clSVMAlloc(p->ctx, CL_MEM_READ_WRITE, BIG, 0);
	if (!p->src || !p->dst) {
		failed(p, "clSVMAlloc(64 MiB)", CL_OUT_OF_RESOURCES);
		return;
	}
	/* Touch every page once so that no figure pays for first faults. */
	if (failed(p, "clEnqueueSVMMemFill", clEnqueueSVMMemFill(p->q, p->src, &pat, 1, BIG,
								   0, NULL, NULL)) ||
	    failed(p, "clEnqueueSVMMemFill", clEnqueueSVMMemFill(p->q, p->dst, &pat, 1, BIG,
								   0, NULL, NULL)) ||
	    failed(p, "clFinish", clFinish(p->q)))
		return;
	p->ok = true;
}

static void teardown(struct plat *p)
{
	if (p->q)
		clFinish(p->q);
	if (p->src)
		clSVMFree(p->ctx, p->src);
	if (p->dst)
		clSVMFree(p->ctx, p->dst);
	if (p->q)
		clReleaseCommandQueue(p->q);
	if (p->ctx)
		clReleaseContext(p->ctx);
}

enum kind { TIME, RATE }; /* lower is better / higher is better */

struct figure {
	const char *name, *unit;
	sample_fn fn;
	enum kind kind;
	double *host; /* bandwidth to compare with, or NULL */
	const char *host_name;
};

static void fmt(char *buf, size_t n, double v)
{
	if (isnan(v))
		snprintf(buf, n, "-");
	else if (v >= 100)
		snprintf(buf, n, "%.0f", v);
	else if (v >= 10)
		snprintf(buf, n, "%.1f", v);
	else
		snprintf(buf, n, "%.2f", v);
}

static void pct(char *buf, size_t n, double v, double host)
{
	if (isnan(v) || isnan(host) || host <= 0)
		snprintf(buf, n, "-");
	else
		snprintf(buf, n, "%.0f%%", 100 * v / host);
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if ((strcmp(argv[i], "-r") == 0 || strcmp(argv[i], "--reps") == 0) &&
		    i + 1 < argc) {
			reps = atoi(argv[++i]);
			if (reps < 1)
				reps = 1;
		} else {
			fprintf(stderr, "usage: %s [-r REPETITIONS]\n", argv[0]);
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);

	hsrc = malloc(BIG);
	hdst = malloc(BIG);
	if (!hsrc || !hdst)
		return 1;
	memset(hsrc, 0x33, BIG);
	memset(hdst, 0x44, BIG);

	struct plat plats[2] = {{.label = "svmgpu"}, {.label = "pocl"}};
	setup(&plats[0], false);
	setup(&plats[1], true);

	double host_memcpy = median_of(s_host_memcpy, NULL);
	double host_memset = median_of(s_host_memset, NULL);
	printf("host    memcpy %.1f GB/s, memset %.1f GB/s (64 MiB, one thread)\n", host_memcpy,
	       host_memset);
	printf("median of %d repetitions after a warm-up; ratio > 1: svmgpu is better\n\n", reps);

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

	printf("%-38s %-5s %9s %9s %7s   %s\n", "figure", "unit", "svmgpu", "pocl", "ratio",
	       "svmgpu / pocl of host");
	for (size_t i = 0; i < sizeof(figs) / sizeof(figs[0]); i++) {
		const struct figure *f = &figs[i];
		double a = median_of(f->fn, &plats[0]);
		double b = median_of(f->fn, &plats[1]);
		double ratio = f->kind == TIME ? b / a : a / b;
		char sa[32], sb[32], sr[32], pa[32] = "", pb[32] = "";

		fmt(sa, sizeof(sa), a);
		fmt(sb, sizeof(sb), b);
		if (isnan(ratio) || isinf(ratio))
			snprintf(sr, sizeof(sr), "-");
		else
			snprintf(sr, sizeof(sr), "%.2fx", ratio);
		printf("%-38s %-5s %9s %9s %7s", f->name, f->unit, sa, sb, sr);
		if (f->host) {
			pct(pa, sizeof(pa), a, *f->host);
			pct(pb, sizeof(pb), b, *f->host);
			printf("   %s / %s of %s", pa, pb, f->host_name);
		}
		printf("\n");
	}

	teardown(&plats[0]);
	teardown(&plats[1]);
	free(hsrc);
	free(hdst);
	return 0;
}
