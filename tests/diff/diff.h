/* SPDX-License-Identifier: MIT */
/* The differential suite: every kernel of the corpus runs on two platforms in
 * one process (side A, svmgpu by default, and side B, pocl) and each side's
 * results are checked against a reference computed on the host (bit-exact
 * where the OpenCL C specification requires it, within its ULP bounds
 * otherwise). Comparing each side with the reference rather than the two
 * sides with each other tells which one is wrong, and two implementations
 * that are each within N ulp may differ by 2N. */
#ifndef SVMGPU_DIFF_H
#define SVMGPU_DIFF_H

#define CL_TARGET_OPENCL_VERSION 300
#define CL_USE_DEPRECATED_OPENCL_1_2_APIS
#include <CL/cl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct side {
	const char *label;		/* "svmgpu" or "pocl" */
	bool is_pocl;
	cl_platform_id plat;
	cl_device_id dev;
	cl_context ctx;
	cl_command_queue q;
	bool fp64, denorm, denorm_d;	/* float / double denormals kept */
	bool cl20, cl30;		/* OpenCL C 2.0, 3.0 accepted */
	bool generic, pvars, wgcoll;	/* OpenCL C 3.0 optional features */
	bool seq_cst;			/* seq_cst order and device scope (C11 atomics) */
	bool nonuniform;
	bool svm_fine, svm_system;
	int fatal, deviations;		/* counted by rep_end */
	int builds, build_failures;	/* counted by diff_build */
	int run_errors;			/* --build-only: launches refused for another
					 * reason than an offline device */
	int ptx_assembled, ptx_rejected; /* --build-only, where ptxas is installed */
};

#define NSIDES 2
extern struct side sides[NSIDES];
extern int nsamples;	/* inputs per elementwise test, a multiple of 48 */
extern bool quick;

/* --- A growing string, for generated kernel sources. ------------------- */
struct sb {
	char *p;
	size_t n, cap;
};
void sb_printf(struct sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_free(struct sb *b);

/* --- Running kernels. --------------------------------------------------- */
/* NULL and the build log on stdout when the build fails. */
cl_program diff_build(struct side *s, const char *src, const char *opts);

/* ARG_SVM_EXTRA: an SVM pointer the kernel reaches only through other
 * pointers (clSetKernelExecInfo); it takes no argument index. */
enum { ARG_BUF, ARG_VAL, ARG_LOCAL, ARG_SVM, ARG_SVM_EXTRA };
struct darg {
	int kind;
	size_t size;		/* bytes (ARG_LOCAL: the local size) */
	const void *in;		/* ARG_BUF: initial contents (NULL: 0xcd bytes); ARG_VAL: value */
	void *out;		/* ARG_BUF: where the result goes back (may be NULL) */
};
/* Builds nothing: runs `kernel` of `prog` and reads the buffers back.
 * Returns the first error (the kernel's event status included). */
cl_int diff_run(struct side *s, cl_program prog, const char *kernel, int nargs,
		const struct darg *args, cl_uint dim, const size_t *off, const size_t *gws,
		const size_t *lws);
const char *diff_errname(cl_int err);

/* --- Reporting: one line per test and side. ---------------------------- */
struct rep {
	char name[128];
	bool run[NSIDES], skip[NSIDES];
	char why[NSIDES][96];
	long checked[NSIDES], failed[NSIDES];
	double maxerr[NSIDES];	/* ulp (or other unit) seen, reported when >= 0 */
	double bound;		/* < 0: bit-exact test */
	int nmsg[NSIDES];
	char msg[NSIDES][3][320];
	char note[NSIDES][160];	/* printed with the failures (e.g. per-width counts) */
};
void rep_begin(struct rep *r, double bound, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* This side did not run the test (a missing optional feature): not a failure. */
void rep_skip(struct rep *r, int side, const char *why);
/* This side could not build or run the test: a failure. */
void rep_broken(struct rep *r, int side, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void rep_fail(struct rep *r, int side, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void rep_end(struct rep *r);
/* Whether a test of this name is selected (DIFF_FILTER, a substring). */
bool diff_selected(const char *name);

/* --- Inputs. ------------------------------------------------------------ */
uint64_t rnd(void);
void rnd_seed(uint64_t s);
double rnd_unit(void);		/* [0, 1) */

/* --- ULP error of `got` against the exact `ref`, in units of the target type.
 * Infinities count as the next power of two past the largest finite value. */
double ulp_err_f(float got, long double ref);
double ulp_err_d(double got, long double ref);

/* The families. Each adds its tests to the report. */
void fam_math(void);
void fam_common_geom(void);
void fam_integer(void);
void fam_relational(void);
void fam_convert(void);
void fam_vload_half(void);
void fam_workitem(void);
void fam_sync(void);
void fam_atomics(void);
void fam_async_shuffle(void);
void fam_addrspace(void);
void fam_svm(void);

#endif
