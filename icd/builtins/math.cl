// SPDX-License-Identifier: MIT
// Scalar math built-ins that the C library lacks or gets wrong for OpenCL
// (its accuracy is within OpenCL's bounds for the rest: those map to it in
// the generated g_math.cl). The float variants of the harder ones compute in
// double and round once, which keeps them well within the bounds.
#include "builtins.h"

// The C library's reentrant lgamma: its name is an OpenCL built-in's.
float __svm_libm_lgammaf_r(float x, __private int *s) __asm__("lgammaf_r");
double __svm_libm_lgamma_r(double x, __private int *s) __asm__("lgamma_r");

#define FT float
#define IT int
#define UT uint
#define S f
#define as_IT as_int
#define INF INFINITY
#define NAN_ NAN
#define FT_MIN FLT_MIN
#define FRACT_MAX 0x1.fffffep-1f
#define lgammaf_r __svm_libm_lgammaf_r
#include "math_tmpl.h"
#undef FT
#undef IT
#undef UT
#undef S
#undef as_IT
#undef INF
#undef NAN_
#undef FT_MIN
#undef FRACT_MAX

#define FT double
#define IT long
#define UT ulong
#define S
#define as_IT as_long
#define INF ((double)INFINITY)
#define NAN_ ((double)NAN)
#define FT_MIN DBL_MIN
#define FRACT_MAX 0x1.fffffffffffffp-1
#define lgamma_r __svm_libm_lgamma_r
#include "math_tmpl.h"
#undef lgamma_r

// sin(pi * r) and cos(pi * r) for r in [0, 0.25]: pi * r is within an ulp
// and sin/cos are well conditioned there.
static double sinpi_kernel(double r)
{
	return __builtin_sin(M_PI * r);
}

static double cospi_kernel(double r)
{
	return __builtin_cos(M_PI * r);
}

OVL CNST double sinpi(double x)
{
	double ax = __builtin_fabs(x), r, v;
	int neg = 0;

	if (ax == INFINITY || x != x)
		return x - x;
	// r = ax mod 2, exactly; every double >= 2^52 is an integer.
	r = ax - 2 * __builtin_floor(ax * 0.5);
	if (r >= 1) {
		r -= 1;
		neg = 1;
	}
	if (r > 0.5)
		r = 1 - r;
	v = r <= 0.25 ? sinpi_kernel(r) : cospi_kernel(0.5 - r);
	if (neg && v != 0)
		v = -v;
	// sinpi(-x) = -sinpi(x); integers give +0 or -0 by the sign of x.
	return x < 0 || (x == 0 && as_long(x) < 0) ? -v : v;
}

OVL CNST double cospi(double x)
{
	double ax = __builtin_fabs(x), r, v;
	int neg = 0;

	if (ax == INFINITY || x != x)
		return x - x;
	r = ax - 2 * __builtin_floor(ax * 0.5);
	if (r > 1)
		r = 2 - r;
	if (r > 0.5) {
		r = 1 - r;
		neg = 1;
	}
	// cospi(n + 0.5) is +0 for every integer n.
	v = r <= 0.25 ? cospi_kernel(r) : sinpi_kernel(0.5 - r);
	return neg ? -v : v;
}

// tan(pi * r) for r in [0, 0.25], with the rounding error of pi * r put
// back (tan' = 1 + tan^2): tanpi(0.25) is 1 exactly.
static double tanpi_kernel(double r)
{
	const double pi_lo = 1.2246467991473532e-16; // pi - M_PI
	double p = M_PI * r, d = __builtin_fma(M_PI, r, -p) + pi_lo * r, t = __builtin_tan(p);

	return t + d * (1 + t * t);
}

OVL CNST double tanpi(double x)
{
	double ax = __builtin_fabs(x), fl, r, v;
	int odd, neg = 0;

	if (ax == INFINITY || x != x)
		return x - x;
	fl = __builtin_floor(ax);
	odd = ax < 0x1p53 ? (int)((long)fl & 1) : 0;
	r = ax - fl;
	if (r == 0) {
		v = odd ? -0.0 : 0.0;
	} else if (r == 0.5) {
		v = odd ? -INFINITY : INFINITY;
	} else {
		if (r > 0.5) {
			r = 1 - r;
			neg = 1;
		}
		v = r <= 0.25 ? tanpi_kernel(r) : 1 / tanpi_kernel(0.5 - r);
		if (neg)
			v = -v;
	}
	return x < 0 || (x == 0 && as_long(x) < 0) ? -v : v;
}

OVL CNST float sinpi(float x)
{
	return (float)sinpi((double)x);
}

OVL CNST float cospi(float x)
{
	return (float)cospi((double)x);
}

OVL CNST float tanpi(float x)
{
	return (float)tanpi((double)x);
}

OVL CNST double pown(double x, int n)
{
	// n is exact in double; pow's special cases are pown's.
	return __builtin_pow(x, (double)n);
}

OVL CNST float pown(float x, int n)
{
	return (float)__builtin_pow((double)x, (double)n);
}

// |x|^(1/n) for y in [0.5, 2^64), n in [2, 64): pow's estimate, then one
// Newton step that removes the error of rounding 1/n.
static double root_kernel(double y, int n)
{
	double r = __builtin_pow(y, 1.0 / n);
	double t = __builtin_pow(r, (double)n) / y - 1;

	return r - r * t / n;
}

OVL CNST double rootn(double x, int n)
{
	double ax = __builtin_fabs(x), r;
	int odd = n & 1, e, q, rem, neg = as_long(x) < 0;

	if (n == 0 || x != x || (neg && x != 0 && !odd))
		return NAN;
	if (x == 0) {
		if (n > 0)
			return odd ? x : 0.0;
		return odd ? __builtin_copysign(INFINITY, x) : INFINITY;
	}
	if (ax == INFINITY) {
		r = n > 0 ? INFINITY : 0.0;
		return odd ? __builtin_copysign(r, x) : r;
	}
	if (n == 1 || n == -1) {
		r = ax;
	} else if (n >= 64 || n <= -64) {
		// 1/n's rounding error costs at most a few ulps this far.
		r = __builtin_pow(ax, 1.0 / (n < 0 ? -(double)n : (double)n));
	} else {
		int an = n < 0 ? -n : n;
		double m = __builtin_frexp(ax, &e);

		// ax = m * 2^rem * 2^(an*q): the root of the first part, scaled.
		q = e >= 0 ? e / an : -((-e + an - 1) / an);
		rem = e - q * an;
		r = __builtin_ldexp(root_kernel(__builtin_ldexp(m, rem), an), q);
	}
	if (n < 0)
		r = 1 / r;
	return neg ? -r : r;
}

OVL CNST float rootn(float x, int n)
{
	return (float)rootn((double)x, n);
}

// glibc's cbrt is off by up to 4 ulps (OpenCL allows 2): one Newton step on
// its estimate, with the residual r^3 - x computed exactly through fma,
// away from the ends of the range where r^3 would leave it.
OVL CNST double cbrt(double x)
{
	double ax = __builtin_fabs(x), scale = 1, r, r2, r2l, r3, r3l, e;

	if (ax == 0 || ax == INFINITY || x != x)
		return x;
	if (ax < 0x1p-900) {
		x *= 0x1p999;
		scale = 0x1p-333;
	} else if (ax > 0x1p900) {
		x *= 0x1p-999;
		scale = 0x1p333;
	}
	r = __builtin_cbrt(x);
	r2 = r * r;
	r2l = __builtin_fma(r, r, -r2);
	r3 = r2 * r;
	r3l = __builtin_fma(r2, r, -r3) + r2l * r;
	e = (r3 - x) + r3l;
	return (r - e / (3 * r2)) * scale;
}

OVL CNST float rsqrt(float x)
{
	return (float)(1.0 / __builtin_sqrt((double)x));
}

OVL CNST double rsqrt(double x)
{
	return 1.0 / __builtin_sqrt(x);
}

OVL CNST float nan(uint code)
{
	return as_float(0x7fc00000u | code);
}

OVL CNST double nan(ulong code)
{
	return as_double(0x7ff8000000000000ul | code);
}
