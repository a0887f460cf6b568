// SPDX-License-Identifier: MIT
/* tgamma for double on the cuda device (libclc 19's is exp(lgamma(x)),
 * hundreds of ulp off for large arguments; OpenCL allows 16).
 *
 * ln|Γ(x)| is computed in double-double and exponentiated once at the end,
 * so the only errors of size are those of one exp and one sinpi:
 * - x >= 20: Stirling's series on ln x in double-double;
 * - 0 < x < 20: Γ(x) = Γ(x + n) / (x (x+1) ... (x+n-1)), the product and the
 *   shifted argument in double-double, x + n >= 20;
 * - x < 0: the reflection Γ(x) = -π / (x sinpi(x) Γ(-x)).
 * Plain OpenCL C on doubles (with fma), so the CPU device runs the same
 * source in test_ptx_math against the host's long double tgammal. */
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#pragma OPENCL FP_CONTRACT OFF

/* A double-double: hi + lo with |lo| <= ulp(hi) / 2. */
typedef struct {
	double hi, lo;
} svm_dd;

static svm_dd dd_two_sum(double a, double b)
{
	double s = a + b, bb = s - a;
	svm_dd r = {s, (a - (s - bb)) + (b - bb)};

	return r;
}

static svm_dd dd_norm(double hi, double lo)
{
	double s = hi + lo;
	svm_dd r = {s, lo - (s - hi)};

	return r;
}

static svm_dd dd_add(svm_dd a, svm_dd b)
{
	svm_dd s = dd_two_sum(a.hi, b.hi);

	return dd_norm(s.hi, s.lo + a.lo + b.lo);
}

static svm_dd dd_mul(svm_dd a, svm_dd b)
{
	double p = a.hi * b.hi;

	return dd_norm(p, fma(a.hi, b.hi, -p) + (a.hi * b.lo + a.lo * b.hi));
}

static svm_dd dd_neg(svm_dd a)
{
	svm_dd r = {-a.hi, -a.lo};

	return r;
}

/* ln v for a positive finite double, to about 2^-60 absolute: v = m 2^k with
 * m in [sqrt(1/2), sqrt(2)), ln m = 2 atanh(s) for s = (m - 1) / (m + 1),
 * |s| < 0.172, whose series needs 12 terms past the first. */
static svm_dd dd_log(double v)
{
	long bits = as_long(v);
	int k = 0;
	double m, num, s, t, tail;
	svm_dd den, sd, r;

	if (v < 0x1p-1022) { /* subnormal: scale into the normal range */
		bits = as_long(v * 0x1p54);
		k = -54;
	}
	k += (int)((bits >> 52) & 0x7ff) - 1023;
	m = as_double((bits & 0x000fffffffffffffL) | 0x3ff0000000000000L);
	if (m > 1.4142135623730951) {
		m *= 0.5;
		k++;
	}
	num = m - 1.0; /* exact (Sterbenz) */
	den = dd_two_sum(m, 1.0);
	s = num / den.hi;
	/* s's remainder: num - s (den.hi + den.lo), the first product exact. */
	sd.hi = s;
	sd.lo = (fma(-s, den.hi, num) - s * den.lo) / den.hi;
	t = s * s;
	tail = 2.0 / 25;
	for (int i = 23; i >= 3; i -= 2)
		tail = tail * t + 2.0 / i;
	tail = s * t * tail + 2.0 * t * sd.lo;
	r = dd_two_sum(k * 0x1.62e42fee00000p-1, 2.0 * sd.hi);
	r.lo += k * 0x1.a39ef35793c76p-33 + 2.0 * sd.lo + tail;
	return dd_norm(r.hi, r.lo);
}

/* ln Γ(z) for z = zh + zl >= 20 (zh < 2^52, so zh - 0.5 is exact): Stirling's
 * series, whose terms past B16 are below 2^-64 there. */
static svm_dd dd_lgamma_stirling(double zh, double zl)
{
	svm_dd lz = dd_log(zh), w = {zh - 0.5, zl}, r;
	double iz = 1.0 / zh, iz2 = iz * iz, series;

	lz = dd_norm(lz.hi, lz.lo + zl / zh);
	r = dd_add(dd_mul(w, lz), dd_neg((svm_dd){zh, zl}));
	series = -3617.0 / 122400;
	series = series * iz2 + 1.0 / 156;
	series = series * iz2 - 691.0 / 360360;
	series = series * iz2 + 1.0 / 1188;
	series = series * iz2 - 1.0 / 1680;
	series = series * iz2 + 1.0 / 1260;
	series = series * iz2 - 1.0 / 360;
	series = series * iz2 + 1.0 / 12;
	/* ln(2 pi) / 2 in double-double, plus the series. */
	r = dd_add(r, (svm_dd){0x1.d67f1c864beb5p-1, -0x1.65b5a1b7ff5dfp-55});
	return dd_norm(r.hi, r.lo + series * iz);
}

/* ln Γ(y) for 2^-54 <= y < 2^52. */
static svm_dd dd_lgamma_positive(double y)
{
	svm_dd p = {1.0, 0.0}, z = {y, 0.0}, lp;

	if (y >= 20.0)
		return dd_lgamma_stirling(y, 0.0);
	for (int i = 0; z.hi < 20.0; i++) {
		p = dd_mul(p, z);
		z = dd_two_sum(y, (double)(i + 1));
	}
	lp = dd_log(p.hi);
	lp = dd_norm(lp.hi, lp.lo + p.lo / p.hi);
	return dd_add(dd_lgamma_stirling(z.hi, z.lo), dd_neg(lp));
}

double svm_tgamma_d(double x)
{
	double sign = 1.0, s, e;
	svm_dd l;

	if (isnan(x))
		return x;
	if (fabs(x) < 0x1p-54) /* Γ(x) = 1/x - γ + O(x); ±inf at ±0 */
		return 1.0 / x - 0.57721566490153286;
	if (x > 172.0)
		return INFINITY;
	if (x > 0.0) {
		l = dd_lgamma_positive(x);
	} else {
		if (x == floor(x)) /* negative integers and -inf */
			return NAN;
		s = sinpi(x);
		sign = s < 0.0 ? -1.0 : 1.0;
		if (x < -190.0) /* |Γ(x)| < 2^-1100: underflows whatever sinpi is */
			return sign * 0.0;
		/* ln|Γ(x)| = ln π - ln|x| - ln|sinpi(x)| - ln Γ(-x) */
		l = dd_add((svm_dd){0x1.250d048e7a1bdp+0, 0x1.7abf2ad8d5088p-57},
			   dd_neg(dd_add(dd_add(dd_log(-x), dd_log(fabs(s))),
					 dd_lgamma_positive(-x))));
	}
	e = exp(l.hi);
	if (isinf(e)) /* e (1 + lo) would be inf - inf for a negative lo */
		return sign * e;
	return sign * fma(e, l.lo, e);
}
