// SPDX-License-Identifier: MIT
#include "bench_util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int bench_reps = 15;
const char *bench_name = "bench";

double now_us(void)
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

double median_of(sample_fn fn, struct plat *p)
{
	double v[64];
	int n = bench_reps < 64 ? bench_reps : 64;

	if (p && !p->ok)
		return NAN;
	/* Both platforms live in this process: let the other's threads, which
	 * may spin a while after their last command, go to sleep first, so
	 * that they do not take the cores from this one's figure. */
	nanosleep(&(struct timespec){.tv_nsec = 50 * 1000 * 1000}, NULL);
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

bool failed(struct plat *p, const char *what, cl_int err)
{
	if (err == CL_SUCCESS)
		return false;
	fprintf(stderr, "%s: %s: %s failed: error %d\n", bench_name, p->label, what, err);
	return true;
}

bool bench_args(int argc, char **argv)
{
	bench_name = argv[0];
	for (int i = 1; i < argc; i++) {
		if ((strcmp(argv[i], "-r") == 0 || strcmp(argv[i], "--reps") == 0) &&
		    i + 1 < argc) {
			bench_reps = atoi(argv[++i]);
			if (bench_reps < 1)
				bench_reps = 1;
		} else {
			fprintf(stderr, "usage: %s [-r REPETITIONS]\n", argv[0]);
			return false;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	return true;
}

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
		/* BENCH_REF names another reference platform (a substring of
		 * its name or vendor: "NVIDIA" on a GPU machine). */
		const char *ref = getenv("BENCH_REF");
		bool pocl = ref && *ref ? strstr(name, ref) || strstr(vendor, ref)
					: strstr(name, "Portable Computing Language") ||
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

void plat_setup(struct plat *p, bool want_pocl)
{
	cl_int err;
	char dname[256] = "";

	p->ok = false;
	if (!find_platform(p, want_pocl)) {
		fprintf(stderr, "%s: no %s platform (is OCL_ICD_VENDORS a folder with both "
				"vendor files? see bench/run-bench.sh)\n", bench_name, p->label);
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
	p->ok = true;
}

void plat_teardown(struct plat *p)
{
	if (p->q) {
		clFinish(p->q);
		clReleaseCommandQueue(p->q);
	}
	if (p->ctx)
		clReleaseContext(p->ctx);
}

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

void print_figures(const struct figure *figs, size_t nfigs, struct plat plats[2])
{
	printf("%-38s %-5s %9s %9s %7s   %s\n", "figure", "unit", "svmgpu",
	       getenv("BENCH_REF") && *getenv("BENCH_REF") ? "ref" : "pocl", "ratio",
	       "svmgpu / pocl of host");
	for (size_t i = 0; i < nfigs; i++) {
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
}
