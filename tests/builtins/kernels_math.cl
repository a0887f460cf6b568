// SPDX-License-Identifier: MIT
// Test wrappers of the math built-ins: plain functions with C names that
// the harness (test_math.c) calls through dlsym.
#include "lists.h"

#define T float
#include "kernels_math_tmpl.h"
#undef T
#define T double
#include "kernels_math_tmpl.h"
#undef T

// half_ and native_: out[k * n + i], half_ then native_ per function.
void t_relaxed(const global float *x, const global float *y, global float *out, int n)
{
	for (int i = 0; i < n; i++) {
		int k = 0;
#define X(name) out[k++ * n + i] = half_##name(x[i]); out[k++ * n + i] = native_##name(x[i]);
		MATH_RELAXED(X)
#undef X
		out[k++ * n + i] = half_divide(x[i], y[i]);
		out[k++ * n + i] = native_divide(x[i], y[i]);
		out[k++ * n + i] = half_recip(x[i]);
		out[k++ * n + i] = native_recip(x[i]);
		out[k++ * n + i] = half_powr(x[i], y[i]);
		out[k++ * n + i] = native_powr(x[i], y[i]);
	}
}

void t_relaxed_v16(const global float *x, const global float *y, global float *out, int n)
{
	for (int i = 0; i < n / 16; i++) {
		float16 a = vload16(i, x), b = vload16(i, y);
		int k = 0;
#define X(name) vstore16(half_##name(a), i, out + k++ * n); \
		vstore16(native_##name(a), i, out + k++ * n);
		MATH_RELAXED(X)
#undef X
		vstore16(half_divide(a, b), i, out + k++ * n);
		vstore16(native_divide(a, b), i, out + k++ * n);
		vstore16(half_recip(a), i, out + k++ * n);
		vstore16(native_recip(a), i, out + k++ * n);
		vstore16(half_powr(a, b), i, out + k++ * n);
		vstore16(native_powr(a, b), i, out + k++ * n);
	}
}

void t_nan(const global uint *c, const global ulong *cl, global float *f, global double *d, int n)
{
	for (int i = 0; i < n; i++) {
		f[i] = nan(c[i]);
		d[i] = nan(cl[i]);
	}
	vstore4(nan(vload4(0, c)), 0, f + n);
	vstore4(nan(vload4(0, cl)), 0, d + n);
}
