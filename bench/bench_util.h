/* SPDX-License-Identifier: MIT */
/* What the benchmarks share: the two platforms (svmgpu and pocl) found
 * through the loader, medians of repeated samples, and the side-by-side
 * table. A benchmark never fails: a figure that errors shows as "-" and the
 * reason goes to stderr. */
#ifndef SVMGPU_BENCH_UTIL_H
#define SVMGPU_BENCH_UTIL_H

#define CL_TARGET_OPENCL_VERSION 300
#include <CL/cl.h>
#include <stdbool.h>
#include <stddef.h>

struct plat {
	const char *label;
	cl_platform_id id;
	cl_device_id dev;
	cl_context ctx;
	cl_command_queue q;
	void *priv; /* the benchmark's own state */
	bool ok;
};

extern int bench_reps;
extern const char *bench_name;

double now_us(void);

/* One sample of a figure: a value, or NAN on error. */
typedef double (*sample_fn)(struct plat *p);
/* The median of bench_reps samples after a warm-up; NAN on error. */
double median_of(sample_fn fn, struct plat *p);

/* Reports a failed call (true) or nothing (false). */
bool failed(struct plat *p, const char *what, cl_int err);
#define FAIL_IF(call)                                                           \
	do {                                                                    \
		if (failed(p, #call, (call)))                                   \
			return NAN;                                             \
	} while (0)

/* Parses -r N; false (after a usage line) on anything else. */
bool bench_args(int argc, char **argv);
/* Platform, default device, context and in-order queue; p->ok on success. */
void plat_setup(struct plat *p, bool want_pocl);
void plat_teardown(struct plat *p);

enum figure_kind { TIME, RATE }; /* lower is better / higher is better */

struct figure {
	const char *name, *unit;
	sample_fn fn;
	enum figure_kind kind;
	double *host; /* a host figure to compare with, or NULL */
	const char *host_name;
};

/* Prints the table: figure, svmgpu, pocl, ratio (> 1: svmgpu is better). */
void print_figures(const struct figure *figs, size_t n, struct plat plats[2]);

#endif
