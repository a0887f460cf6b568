/* SPDX-License-Identifier: MIT */
/* Lists of built-ins shared by the OpenCL C wrappers (kernels.cl) and the C
 * harness: X(name, float ulps, double ulps). An ulp bound of -1 means that
 * the specification sets none (only special values are compared). The
 * bounds are OpenCL 3.0's for the full profile; sqrt is correctly rounded
 * here (the float bound is 3). */
#ifndef SVMGPU_TEST_LISTS_H
#define SVMGPU_TEST_LISTS_H

#define MATH_UNARY(X)                                                           \
	X(acos, 4, 4) X(acosh, 4, 4) X(acospi, 5, 5) X(asin, 4, 4) X(asinh, 4, 4) \
	X(asinpi, 5, 5) X(atan, 5, 5) X(atanh, 5, 5) X(atanpi, 5, 5)            \
	X(cbrt, 2, 2) X(ceil, 0, 0) X(cos, 4, 4) X(cosh, 4, 4) X(cospi, 4, 4)   \
	X(erf, 16, 16) X(erfc, 16, 16) X(exp, 3, 3) X(exp2, 3, 3)               \
	X(exp10, 3, 3) X(expm1, 3, 3) X(fabs, 0, 0) X(floor, 0, 0)              \
	X(lgamma, -1, -1) X(log, 3, 3) X(log10, 3, 3) X(log1p, 2, 2)            \
	X(log2, 3, 3) X(logb, 0, 0) X(rint, 0, 0) X(round, 0, 0)                \
	X(rsqrt, 2, 2) X(sin, 4, 4) X(sinh, 4, 4) X(sinpi, 4, 4) X(sqrt, 0, 0)  \
	X(tan, 5, 5) X(tanh, 5, 5) X(tanpi, 6, 6) X(tgamma, 16, 16)             \
	X(trunc, 0, 0)

#define MATH_BINARY(X)                                                          \
	X(atan2, 6, 6) X(atan2pi, 6, 6) X(copysign, 0, 0) X(fdim, 0, 0)         \
	X(fmax, 0, 0) X(fmin, 0, 0) X(fmod, 0, 0) X(hypot, 4, 4)                \
	X(maxmag, 0, 0) X(minmag, 0, 0) X(nextafter, 0, 0) X(pow, 16, 16)       \
	X(powr, 16, 16) X(remainder, 0, 0)

/* f(x, int k) */
#define MATH_INTARG(X) X(pown, 16, 16) X(rootn, 16, 16) X(ldexp, 0, 0)

/* half_ and native_ variants (float only): compared bit for bit with the
 * precise function they are here. */
#define MATH_RELAXED(X)                                                         \
	X(cos) X(exp) X(exp10) X(exp2) X(log) X(log10) X(log2) X(rsqrt) X(sin)  \
	X(sqrt) X(tan)

/* Integer functions: X(name, number of arguments). */
#define INT_FUNCS(X)                                                            \
	X(abs, 1) X(abs_diff, 2) X(add_sat, 2) X(sub_sat, 2) X(hadd, 2)         \
	X(rhadd, 2) X(clz, 1) X(ctz, 1) X(popcount, 1) X(mad_hi, 3)             \
	X(mad_sat, 3) X(mul_hi, 2) X(rotate, 2) X(max, 2) X(min, 2)             \
	X(clamp, 3)

#define TEST_N 4800 /* inputs per math function (a multiple of 3 and 16) */

#endif
