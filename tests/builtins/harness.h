/* SPDX-License-Identifier: MIT */
/* The harness of the built-in library tests: the test kernels (kernels*.cl)
 * are compiled with clang-19 like user programs, linked with
 * svmgpu-builtins.bc into a shared object, and their plain C-named
 * wrappers are called here through dlsym. */
#ifndef SVMGPU_TEST_HARNESS_H
#define SVMGPU_TEST_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "kernel_abi.h"

extern int h_checks, h_failures;

/* Counts a check; prints the first failures of each kind (fmt describes
 * the case), then only counts. */
#define CHECK(cond, ...)                                                        \
	do {                                                                    \
		h_checks++;                                                     \
		if (!(cond))                                                    \
			h_fail(__FILE__, __LINE__, __VA_ARGS__);                \
	} while (0)

void h_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Starts a group of checks: failures print up to a limit per group. */
void h_group(const char *name);

/* The wrapper `name` of the test library (the shared object of the
 * kernels), exits 1 when missing. Cast it to its prototype. */
void *h_sym(const char *name);
void *h_sym12(const char *name); /* the OpenCL C 1.2 library */

/* The work-item state of the library (its __svmgpu_wi for this thread)
 * and a fake work-group context: h_wi_set gives both to the library. */
struct svmgpu_wi_state *h_wi(void);
/* Sets wi's context and copies its geometry, as a launcher does. */
void h_attach(struct svmgpu_wi_state *wi, struct svmgpu_wg_ctx *ctx);
void h_ctx_init(struct svmgpu_wg_ctx *ctx, uint32_t dims, const size_t gsize[3],
		const size_t lsize[3], const size_t offset[3], const size_t group[3]);

/* Runs fn(arg, local linear id) once per work-item of ctx's group as
 * fibers, with a barrier that switches between them (ctx->barrier); wi is
 * the work-item state of the library that runs them (h_wi() or the 1.2
 * library's). */
void h_run_group(struct svmgpu_wg_ctx *ctx, struct svmgpu_wi_state *wi,
		 void (*fn)(void *arg, size_t lid), void *arg);

/* xorshift: deterministic random numbers. */
uint64_t h_rand(void);
float h_rand_float_bits(void);
double h_rand_double_bits(void);
double h_rand_uniform(double lo, double hi);

/* Error of `got` against the reference `ref` in ulps of the result type
 * (float when is_float, else double); 0 when both are the same NaN class
 * or infinity, INFINITY for a NaN/non-NaN or infinite mismatch. */
double h_ulp_err(long double ref, double got, bool is_float);

/* Bitwise equality, any NaN equal to any NaN. */
bool h_same_f(float a, float b);
bool h_same_d(double a, double b);

/* The test families (one meson test each). */
int test_math(void);
int test_convert(void);
int test_integer(void);
int test_common(void);
int test_memory(void);
int test_atomic(void);
int test_workitem(void);
int test_workgroup(void);
int test_printf(void);
int test_cl12(void);

#endif
