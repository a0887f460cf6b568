// SPDX-License-Identifier: MIT
/* Math and common built-ins, table-driven: one kernel per function and type
 * evaluates the function at widths 1, 2, 3, 4, 8 and 16 (vloadn/vstoren over
 * the same inputs, so element e of every width sees the same arguments) and
 * the host checks every result against a long double reference, within the
 * OpenCL 3.0 ULP bounds (full profile). */
#include "diff.h"

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PI_L 3.141592653589793238462643383279502884L

static const int widths[] = {1, 2, 3, 4, 8, 16};
#define NW 6

/* How the integer output q is checked (set by the reference per element). */
enum { Q_EXACT, Q_ANY, Q_ILOGB_SPECIAL, Q_REMQUO, Q_SIGN };
static int qmode;
static bool undef;	/* the result is undefined for these inputs */

#define REF(name) static long double ref_##name(bool d, const long double *x, int k, \
						long double *p, int *q)
#define UNUSED (void)d, (void)x, (void)k, (void)p, (void)q
#define RL1(name, f) REF(name) { UNUSED; return f(x[0]); }
#define RL2(name, f) REF(name) { UNUSED; return f(x[0], x[1]); }
/* Exactly rounded functions: the host's own function of the target type. */
#define RX1(name, ff, fd) REF(name) { UNUSED; return d ? fd((double)x[0]) : ff((float)x[0]); }
#define RX2(name, ff, fd) REF(name) { UNUSED; \
	return d ? fd((double)x[0], (double)x[1]) : ff((float)x[0], (float)x[1]); }

RL1(acos, acosl) RL1(acosh, acoshl) RL1(asin, asinl) RL1(asinh, asinhl) RL1(atan, atanl)
RL2(atan2, atan2l) RL1(atanh, atanhl) RL1(cbrt, cbrtl) RL1(cos, cosl) RL1(cosh, coshl)
RL1(erfc, erfcl) RL1(erf, erfl) RL1(exp, expl) RL1(exp2, exp2l) RL1(exp10, exp10l)
RL1(expm1, expm1l) RL2(hypot, hypotl) RL1(log, logl) RL1(log2, log2l) RL1(log10, log10l)
RL1(log1p, log1pl) RL2(pow, powl) RL1(sin, sinl) RL1(sinh, sinhl) RL1(tan, tanl)
RL1(tanh, tanhl) RL1(tgamma, tgammal) RL1(lgamma, lgammal)
RX1(ceil, ceilf, ceil) RX2(copysign, copysignf, copysign) RX1(fabs, fabsf, fabs)
RX2(fdim, fdimf, fdim) RX1(floor, floorf, floor) RX2(fmax, fmaxf, fmax)
RX2(fmin, fminf, fmin) RX2(fmod, fmodf, fmod) RX1(logb, logbf, logb)
RX2(nextafter, nextafterf, nextafter) RX2(remainder, remainderf, remainder)
RX1(rint, rintf, rint) RX1(round, roundf, round) RX1(trunc, truncf, trunc)

REF(acospi) { UNUSED; return acosl(x[0]) / PI_L; }
REF(asinpi) { UNUSED; return asinl(x[0]) / PI_L; }
REF(atanpi) { UNUSED; return atanl(x[0]) / PI_L; }
REF(atan2pi) { UNUSED; return atan2l(x[0], x[1]) / PI_L; }
REF(rsqrt) { UNUSED; return 1.0L / sqrtl(x[0]); }
REF(sqrt) { UNUSED; return d ? sqrt((double)x[0]) : sqrtl(x[0]); }
REF(add) { UNUSED; return d ? (double)x[0] + (double)x[1] : (float)x[0] + (float)x[1]; }
REF(sub) { UNUSED; return d ? (double)x[0] - (double)x[1] : (float)x[0] - (float)x[1]; }
REF(mul) { UNUSED; return d ? (double)x[0] * (double)x[1] : (float)x[0] * (float)x[1]; }
REF(div) { UNUSED; return d ? (double)x[0] / (double)x[1] : x[0] / x[1]; }
REF(recip) { UNUSED; return d ? 1.0 / (double)x[0] : 1.0L / x[0]; }
REF(fma) { UNUSED; return d ? fma((double)x[0], (double)x[1], (double)x[2])
			    : fmaf((float)x[0], (float)x[1], (float)x[2]); }
REF(mad) { UNUSED; return 0; /* checked by check_mad */ }
REF(ldexp) { UNUSED; return d ? ldexp((double)x[0], k) : ldexpf((float)x[0], k); }
REF(pown) { UNUSED; return powl(x[0], (long double)k); }

/* sin(pi r), reduced exactly to [-1/2, 1/2] first so that the product with pi
 * stays accurate near the zeros. */
static long double sinpi_l(long double v)
{
	long double s = 1, r;

	if (isinf(v) || isnan(v))
		return NAN;
	if (v < 0) {
		v = -v;
		s = -1;
	}
	r = fmodl(v, 2.0L);
	if (r >= 1) {
		r -= 1;
		s = -s;
	}
	if (r > 0.5L)
		r = 1 - r;
	if (r == 0)
		return s * 0.0L;
	return s * sinl(PI_L * r);
}

REF(sinpi) { UNUSED; return sinpi_l(x[0]); }
REF(cospi)
{
	long double r;

	UNUSED;
	if (isinf(x[0]) || isnan(x[0]))
		return NAN;
	r = fmodl(fabsl(x[0]), 2.0L);
	if (r == 0.5L || r == 1.5L)
		return 0;
	return sinpi_l(0.5L - (r > 1 ? 2 - r : r));
}
REF(tanpi)
{
	long double r;

	UNUSED;
	if (isinf(x[0]) || isnan(x[0]))
		return NAN;
	r = fmodl(x[0], 1.0L);
	if (fabsl(r) == 0.5L) {
		long double n = floorl(x[0]);	/* x = n + 1/2 */

		return fmodl(n, 2.0L) == 0 ? INFINITY : -INFINITY;
	}
	return sinpi_l(x[0]) / ref_cospi(d, x, k, p, q);
}
REF(powr)
{
	long double a = x[0], b = x[1];

	UNUSED;
	if (isnan(a) || isnan(b) || a < 0)
		return NAN;
	if (a == 0)	/* powr(+-0, y): the sign of zero does not matter */
		return b < 0 ? INFINITY : b > 0 ? 0.0L : NAN;
	if (isinf(a) && b == 0)
		return NAN;
	if (a == 1 && isinf(b))
		return NAN;
	return powl(a, b);
}
REF(rootn)
{
	long double a = x[0];

	UNUSED;
	if (k == 0 || isnan(a))
		return NAN;
	if (a == 0) {
		if (k < 0)
			return (k & 1) ? copysignl(INFINITY, a) : INFINITY;
		return (k & 1) ? a : 0.0L;
	}
	if (a < 0) {
		if (!(k & 1))
			return NAN;
		return -powl(-a, 1.0L / k);
	}
	return powl(a, 1.0L / k);
}
REF(maxmag)
{
	UNUSED;
	if (fabsl(x[0]) > fabsl(x[1]))
		return x[0];
	if (fabsl(x[1]) > fabsl(x[0]))
		return x[1];
	return fmaxl(x[0], x[1]);
}
REF(minmag)
{
	UNUSED;
	if (fabsl(x[0]) < fabsl(x[1]))
		return x[0];
	if (fabsl(x[1]) < fabsl(x[0]))
		return x[1];
	return fminl(x[0], x[1]);
}
REF(nan) { UNUSED; return NAN; }
REF(fract)
{
	long double fl = floorl(x[0]), r;

	UNUSED;
	*p = fl;
	if (isnan(x[0]))
		return NAN;
	if (isinf(x[0]))
		return 0;
	r = d ? (long double)(double)(x[0] - fl) : (long double)(float)(x[0] - fl);
	return fminl(r, d ? 0x1.fffffffffffffp-1L : 0x1.fffffep-1L);
}
REF(modf)
{
	UNUSED;
	if (d) {
		double ip, r = modf((double)x[0], &ip);

		*p = ip;
		return r;
	}
	float ip, r = modff((float)x[0], &ip);

	*p = ip;
	return r;
}
REF(sincos) { UNUSED; *p = cosl(x[0]); return sinl(x[0]); }
REF(frexp)
{
	int e = 0;
	long double r = frexpl(x[0], &e);

	UNUSED;
	*q = e;
	qmode = isinf(x[0]) || isnan(x[0]) ? Q_ANY : Q_EXACT;
	return r;
}
REF(ilogb)
{
	UNUSED;
	*q = d ? ilogb((double)x[0]) : ilogbf((float)x[0]);
	qmode = x[0] == 0 || isnan(x[0]) ? Q_ILOGB_SPECIAL : Q_EXACT;
	if (isinf(x[0]))
		*q = INT_MAX;
	return 0;
}
REF(lgamma_r)
{
	int s = 1;
	long double r = lgammal_r(x[0], &s);

	UNUSED;
	*q = s;
	qmode = isinf(r) || isnan(r) || r == 0 ? Q_ANY : Q_SIGN;
	return r;
}
REF(remquo)
{
	long double a = x[0], b = x[1], m, rem;

	UNUSED;
	rem = d ? remainder((double)a, (double)b) : remainderf((float)a, (float)b);
	qmode = Q_ANY;
	if (isnan(rem) || isinf(a) || b == 0)
		return rem;
	/* |x| mod 128|y| is exact; its quotient by |y| rounded to even is the
	 * low 7 bits of the integral quotient. */
	m = fmodl(fabsl(a), 128 * fabsl(b));
	if (isinf(128 * fabsl(b)) || isinf(b))
		m = fabsl(a);
	*q = (int)((m - remainderl(m, fabsl(b))) / fabsl(b)) & 127;
	if (signbit(a) != signbit(b))
		*q = -*q;
	qmode = Q_REMQUO;
	return rem;
}

/* Common functions. */
REF(clamp)
{
	UNUSED;
	if (isnan(x[0]) || isnan(x[1]) || isnan(x[2]))
		undef = true;
	return fminl(fmaxl(x[0], fminl(x[1], x[2])), fmaxl(x[1], x[2]));
}
REF(degrees) { UNUSED; return x[0] * (180.0L / PI_L); }
REF(radians) { UNUSED; return x[0] * (PI_L / 180.0L); }
REF(cmax)
{
	UNUSED;
	if (isnan(x[0]) || isnan(x[1]))
		undef = true;
	return x[0] < x[1] ? x[1] : x[0];
}
REF(cmin)
{
	UNUSED;
	if (isnan(x[0]) || isnan(x[1]))
		undef = true;
	return x[1] < x[0] ? x[1] : x[0];
}
REF(mix)
{
	UNUSED;
	if (!isfinite(x[0]) || !isfinite(x[1]) || !isfinite(x[2]))
		undef = true;
	return x[0] + (x[1] - x[0]) * x[2];
}
REF(step)
{
	UNUSED;
	if (isnan(x[0]) || isnan(x[1]))
		undef = true;
	return x[1] < x[0] ? 0.0L : 1.0L;
}
REF(smoothstep)
{
	long double e0 = fminl(x[1], x[2]), e1 = fmaxl(x[1], x[2]), t;

	UNUSED;
	if (!isfinite(x[0]) || !isfinite(e0) || !isfinite(e1) || e0 == e1)
		undef = true;
	t = (x[0] - e0) / (e1 - e0);
	t = t < 0 ? 0 : t > 1 ? 1 : t;
	return t * t * (3 - 2 * t);
}
REF(sign)
{
	UNUSED;
	if (isnan(x[0]))
		return 0;
	if (x[0] == 0)
		return x[0];
	return x[0] > 0 ? 1 : -1;
}

enum {
	O_R = 1, O_P = 2, O_Q = 4,	/* outputs used */
	F_FONLY = 1,		/* float only (half_, native_) */
	F_DOMAIN = 2,		/* inputs only from [lo, hi]: no specials, no random bits */
	F_ABS = 4,		/* bound is an absolute error */
	F_ZS = 8,		/* the sign of a zero result must match */
	F_MAD = 16,		/* mad: fma or multiply-then-add, both rounded */
	F_NATIVE = 32,		/* implementation-defined accuracy: sanity bound only */
	F_CLASS = 64,		/* unbounded accuracy: only NaN/inf/finite must match */
};

struct mfn {
	const char *fam, *name, *expr;
	int outs;
	float ulp_f, ulp_d;
	long double (*ref)(bool, const long double *, int, long double *, int *);
	double lo, hi;
	int klo, khi;
	unsigned flags;
};

#define M(n, e, o, uf, ud, r, lo, hi, fl) {"math", n, e, o, uf, ud, ref_##r, lo, hi, -20, 20, fl}
#define MK(n, e, uf, ud, r, klo, khi) {"math", n, e, O_R, uf, ud, ref_##r, -100, 100, klo, khi, 0}
#define C(n, e, uf, ud, r, lo, hi, fl) {"common", n, e, O_R, uf, ud, ref_##r, lo, hi, 0, 0, fl}
#define H(n, e, r, lo, hi) {"math", n, e, O_R, 8192, -1, ref_##r, lo, hi, 0, 0, F_FONLY | F_DOMAIN}
#define NV(n, e, r, lo, hi) {"math", n, e, O_R, 8192, -1, ref_##r, lo, hi, 0, 0, \
			     F_FONLY | F_DOMAIN | F_NATIVE}

static const struct mfn fns[] = {
	M("add", "x + y", O_R, 0, 0, add, -1e6, 1e6, F_ZS),
	M("sub", "x - y", O_R, 0, 0, sub, -1e6, 1e6, F_ZS),
	M("mul", "x * y", O_R, 0, 0, mul, -1e6, 1e6, F_ZS),
	M("div", "x / y", O_R, 2.5, 0, div, -1e6, 1e6, 0),
	M("recip", "one / x", O_R, 2.5, 0, recip, -1e6, 1e6, 0),
	M("acos", "acos(x)", O_R, 4, 4, acos, -1, 1, 0),
	M("acosh", "acosh(x)", O_R, 4, 4, acosh, 1, 1e4, 0),
	M("acospi", "acospi(x)", O_R, 5, 5, acospi, -1, 1, 0),
	M("asin", "asin(x)", O_R, 4, 4, asin, -1, 1, 0),
	M("asinh", "asinh(x)", O_R, 4, 4, asinh, -1e4, 1e4, 0),
	M("asinpi", "asinpi(x)", O_R, 5, 5, asinpi, -1, 1, 0),
	M("atan", "atan(x)", O_R, 5, 5, atan, -1e4, 1e4, 0),
	M("atan2", "atan2(x, y)", O_R, 6, 6, atan2, -1e3, 1e3, 0),
	M("atanh", "atanh(x)", O_R, 5, 5, atanh, -1, 1, 0),
	M("atanpi", "atanpi(x)", O_R, 5, 5, atanpi, -1e4, 1e4, 0),
	M("atan2pi", "atan2pi(x, y)", O_R, 6, 6, atan2pi, -1e3, 1e3, 0),
	M("cbrt", "cbrt(x)", O_R, 2, 2, cbrt, -1e6, 1e6, 0),
	M("ceil", "ceil(x)", O_R, 0, 0, ceil, -1e3, 1e3, F_ZS),
	M("copysign", "copysign(x, y)", O_R, 0, 0, copysign, -1e3, 1e3, F_ZS),
	M("cos", "cos(x)", O_R, 4, 4, cos, -1e3, 1e3, 0),
	M("cosh", "cosh(x)", O_R, 4, 4, cosh, -80, 80, 0),
	M("cospi", "cospi(x)", O_R, 4, 4, cospi, -1e3, 1e3, 0),
	M("erfc", "erfc(x)", O_R, 16, 16, erfc, -10, 10, 0),
	M("erf", "erf(x)", O_R, 16, 16, erf, -5, 5, 0),
	M("exp", "exp(x)", O_R, 3, 3, exp, -90, 90, 0),
	M("exp2", "exp2(x)", O_R, 3, 3, exp2, -130, 130, 0),
	M("exp10", "exp10(x)", O_R, 3, 3, exp10, -40, 40, 0),
	M("expm1", "expm1(x)", O_R, 3, 3, expm1, -90, 90, 0),
	M("fabs", "fabs(x)", O_R, 0, 0, fabs, -1e3, 1e3, F_ZS),
	M("fdim", "fdim(x, y)", O_R, 0, 0, fdim, -1e3, 1e3, 0),
	M("floor", "floor(x)", O_R, 0, 0, floor, -1e3, 1e3, F_ZS),
	M("fma", "fma(x, y, z)", O_R, 0, 0, fma, -1e3, 1e3, 0),
	M("fmax", "fmax(x, y)", O_R, 0, 0, fmax, -1e3, 1e3, 0),
	M("fmin", "fmin(x, y)", O_R, 0, 0, fmin, -1e3, 1e3, 0),
	M("fmod", "fmod(x, y)", O_R, 0, 0, fmod, -1e3, 1e3, 0),
	M("fract", "fract(x, &p)", O_R | O_P, 0, 0, fract, -1e3, 1e3, 0),
	M("frexp", "frexp(x, &q)", O_R | O_Q, 0, 0, frexp, -1e3, 1e3, 0),
	M("hypot", "hypot(x, y)", O_R, 4, 4, hypot, -1e3, 1e3, 0),
	M("ilogb", "ilogb(x)", O_Q, 0, 0, ilogb, -1e3, 1e3, 0),
	MK("ldexp", "ldexp(x, k)", 0, 0, ldexp, -300, 300),
	M("lgamma", "lgamma(x)", O_R, INFINITY, INFINITY, lgamma, -100, 100, F_CLASS),
	M("lgamma_r", "lgamma_r(x, &q)", O_R | O_Q, INFINITY, INFINITY, lgamma_r, -100, 100,
	  F_CLASS),
	M("log", "log(x)", O_R, 3, 3, log, 0, 1e6, 0),
	M("log2", "log2(x)", O_R, 3, 3, log2, 0, 1e6, 0),
	M("log10", "log10(x)", O_R, 3, 3, log10, 0, 1e6, 0),
	M("log1p", "log1p(x)", O_R, 2, 2, log1p, -1, 1e6, 0),
	M("logb", "logb(x)", O_R, 0, 0, logb, -1e3, 1e3, 0),
	M("mad", "mad(x, y, z)", O_R, INFINITY, INFINITY, mad, -1e3, 1e3, F_MAD),
	M("maxmag", "maxmag(x, y)", O_R, 0, 0, maxmag, -1e3, 1e3, 0),
	M("minmag", "minmag(x, y)", O_R, 0, 0, minmag, -1e3, 1e3, 0),
	M("modf", "modf(x, &p)", O_R | O_P, 0, 0, modf, -1e3, 1e3, 0),
	M("nan", "NAN_OF_X", O_R, 0, 0, nan, -1e3, 1e3, 0),
	M("nextafter", "nextafter(x, y)", O_R, 0, 0, nextafter, -1e3, 1e3, F_ZS),
	M("pow", "pow(x, y)", O_R, 16, 16, pow, -20, 20, 0),
	MK("pown", "pown(x, k)", 16, 16, pown, -20, 20),
	M("powr", "powr(x, y)", O_R, 16, 16, powr, 0, 20, 0),
	M("remainder", "remainder(x, y)", O_R, 0, 0, remainder, -1e3, 1e3, 0),
	M("remquo", "remquo(x, y, &q)", O_R | O_Q, 0, 0, remquo, -1e3, 1e3, 0),
	M("rint", "rint(x)", O_R, 0, 0, rint, -1e3, 1e3, F_ZS),
	MK("rootn", "rootn(x, k)", 16, 16, rootn, -10, 10),
	M("round", "round(x)", O_R, 0, 0, round, -1e3, 1e3, F_ZS),
	M("rsqrt", "rsqrt(x)", O_R, 2, 2, rsqrt, 0, 1e6, 0),
	M("sin", "sin(x)", O_R, 4, 4, sin, -1e3, 1e3, 0),
	M("sincos", "sincos(x, &p)", O_R | O_P, 4, 4, sincos, -1e3, 1e3, 0),
	M("sinh", "sinh(x)", O_R, 4, 4, sinh, -80, 80, 0),
	M("sinpi", "sinpi(x)", O_R, 4, 4, sinpi, -1e3, 1e3, 0),
	M("sqrt", "sqrt(x)", O_R, 3, 0, sqrt, 0, 1e6, 0),
	M("tan", "tan(x)", O_R, 5, 5, tan, -1e3, 1e3, 0),
	M("tanh", "tanh(x)", O_R, 5, 5, tanh, -20, 20, 0),
	M("tanpi", "tanpi(x)", O_R, 6, 6, tanpi, -1e3, 1e3, 0),
	M("tgamma", "tgamma(x)", O_R, 16, 16, tgamma, -30, 30, 0),
	M("trunc", "trunc(x)", O_R, 0, 0, trunc, -1e3, 1e3, F_ZS),
	H("half_cos", "half_cos(x)", cos, -65536, 65536),
	H("half_divide", "half_divide(x, y)", div, 1e-3, 1e3),
	H("half_exp", "half_exp(x)", exp, -80, 80),
	H("half_exp2", "half_exp2(x)", exp2, -120, 120),
	H("half_exp10", "half_exp10(x)", exp10, -35, 35),
	H("half_log", "half_log(x)", log, 1e-30, 1e30),
	H("half_log2", "half_log2(x)", log2, 1e-30, 1e30),
	H("half_log10", "half_log10(x)", log10, 1e-30, 1e30),
	H("half_powr", "half_powr(x, y)", powr, 1e-3, 10),
	H("half_recip", "half_recip(x)", recip, 1e-30, 1e30),
	H("half_rsqrt", "half_rsqrt(x)", rsqrt, 1e-30, 1e30),
	H("half_sin", "half_sin(x)", sin, -65536, 65536),
	H("half_sqrt", "half_sqrt(x)", sqrt, 1e-30, 1e30),
	H("half_tan", "half_tan(x)", tan, -100, 100),
	NV("native_cos", "native_cos(x)", cos, -100, 100),
	NV("native_divide", "native_divide(x, y)", div, 1e-3, 1e3),
	NV("native_exp", "native_exp(x)", exp, -80, 80),
	NV("native_exp2", "native_exp2(x)", exp2, -120, 120),
	NV("native_exp10", "native_exp10(x)", exp10, -35, 35),
	NV("native_log", "native_log(x)", log, 1e-30, 1e30),
	NV("native_log2", "native_log2(x)", log2, 1e-30, 1e30),
	NV("native_log10", "native_log10(x)", log10, 1e-30, 1e30),
	NV("native_powr", "native_powr(x, y)", powr, 1e-3, 10),
	NV("native_recip", "native_recip(x)", recip, 1e-30, 1e30),
	NV("native_rsqrt", "native_rsqrt(x)", rsqrt, 1e-30, 1e30),
	NV("native_sin", "native_sin(x)", sin, -100, 100),
	NV("native_sqrt", "native_sqrt(x)", sqrt, 1e-30, 1e30),
	NV("native_tan", "native_tan(x)", tan, -1.5, 1.5),
	C("clamp", "clamp(x, fmin(y, z), fmax(y, z))", 0, 0, clamp, -1e3, 1e3, 0),
	C("degrees", "degrees(x)", 2, 2, degrees, -1e3, 1e3, 0),
	C("max", "max(x, y)", 0, 0, cmax, -1e3, 1e3, 0),
	C("min", "min(x, y)", 0, 0, cmin, -1e3, 1e3, 0),
	C("mix", "mix(x, y, z)", 1e-3, 1e-3, mix, 0, 1, F_ABS | F_DOMAIN),
	C("radians", "radians(x)", 2, 2, radians, -1e3, 1e3, 0),
	C("step", "step(x, y)", 0, 0, step, -1e3, 1e3, 0),
	C("smoothstep", "smoothstep(fmin(y, z), fmax(y, z), x)", 1e-5, 1e-5, smoothstep, -2, 2,
	  F_ABS | F_DOMAIN),
	C("sign", "sign(x)", 0, 0, sign, -1e3, 1e3, F_ZS),
};
#define NFNS (sizeof(fns) / sizeof(fns[0]))

static void gen_kernel(struct sb *b, const struct mfn *f, bool dbl)
{
	const char *T = dbl ? "double" : "float", *U = dbl ? "ulong" : "uint";

	sb_printf(b, "__kernel void k_%s(__global const %s *a, __global const %s *b, "
		  "__global const %s *c, __global const int *kk, __global %s *o, "
		  "__global %s *o2, __global int *oi, uint n)\n{\n\tsize_t i = "
		  "get_global_id(0);\n", f->name, T, T, T, T, T);
	for (int s = 0; s < NW; s++) {
		int w = widths[s];
		char VT[32], IT[32], W[12] = "";
		char expr[128];

		if (w > 1)
			snprintf(W, sizeof(W), "%d", w);
		snprintf(VT, sizeof(VT), "%s%s", T, W);
		snprintf(IT, sizeof(IT), "int%s", W);
		if (!strcmp(f->expr, "NAN_OF_X"))
			snprintf(expr, sizeof(expr), "nan(as_%s%s(x))", U, W);
		else
			snprintf(expr, sizeof(expr), "%s", f->expr);
		if (w == 1)
			sb_printf(b, "\tif (i < n) {\n\t\t%s x = a[i], y = b[i], z = c[i]; "
				  "int k = kk[i];\n", T);
		else
			sb_printf(b, "\tif (i < n / %d) {\n\t\t%s x = vload%d(i, a), y = "
				  "vload%d(i, b), z = vload%d(i, c);\n\t\t%s k = vload%d(i, kk);\n",
				  w, VT, w, w, w, IT, w);
		sb_printf(b, "\t\t%s p = (%s)(0), r = (%s)(0), one = (%s)(1); %s q = (%s)(0);\n",
			  VT, VT, VT, VT, IT, IT);
		sb_printf(b, "\t\t%s = %s;\n", (f->outs & O_R) ? "r" : "q", expr);
		if (w == 1)
			sb_printf(b, "\t\to[%d * n + i] = r; o2[%d * n + i] = p; "
				  "oi[%d * n + i] = q;\n\t}\n", s, s, s);
		else
			sb_printf(b, "\t\tvstore%d(r, i, o + %d * n); vstore%d(p, i, o2 + %d * n); "
				  "vstore%d(q, i, oi + %d * n);\n\t}\n", w, s, w, s, w, s);
	}
	sb_printf(b, "}\n");
}

/* DIFF_FILTER matches the reported name, "math/float/sin". */
static bool fn_selected(const struct mfn *f, bool dbl)
{
	char name[96];

	snprintf(name, sizeof(name), "%s/%s/%s", f->fam, dbl ? "double" : "float", f->name);
	return diff_selected(name);
}

static char *gen_source(bool dbl, int only)
{
	struct sb b = {0};

	if (dbl)
		sb_printf(&b, "#pragma OPENCL EXTENSION cl_khr_fp64 : enable\n");
	for (size_t i = 0; i < NFNS; i++)
		if ((only < 0 || (size_t)only == i) && !(dbl && (fns[i].flags & F_FONLY)) &&
		    fn_selected(&fns[i], dbl))
			gen_kernel(&b, &fns[i], dbl);
	return b.p;
}

/* Special values first, every pair of them for binary functions, then random
 * bit patterns and random values from the function's natural domain. */
static const float fspec[] = {
	0.0f, -0.0f, 1.0f, -1.0f, 0.5f, -0.5f, 2.0f, -2.0f, 3.0f, -3.0f, 1.5f, 2.5f, -2.5f,
	10.0f, 100.0f, -100.0f, 1e10f, -1e10f, 1e30f, FLT_MAX, -FLT_MAX, FLT_MIN, -FLT_MIN,
	0x1p-149f, -0x1p-149f, 0x1.fffffcp-127f, INFINITY, -INFINITY, NAN, -NAN,
	3.14159265f, -3.14159265f, 1.57079633f, 0.1f, 1e-10f, 88.7f, -103.0f, 127.5f,
	0x1.fffffep-1f, 0x1.000002p+0f, 16777216.0f, 0x1p31f, -0x1p31f, 0x1p-20f, 0.75f, -7.0f,
};
static const double dspec[] = {
	0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 3.0, -3.0, 1.5, 2.5, -2.5, 10.0, 100.0,
	-100.0, 1e10, -1e10, 1e300, DBL_MAX, -DBL_MAX, DBL_MIN, -DBL_MIN, 0x1p-1074, -0x1p-1074,
	0x0.fffffffffffffp-1022, INFINITY, -INFINITY, NAN, -NAN, 3.14159265358979312,
	-3.14159265358979312, 1.57079632679489656, 0.1, 1e-10, 709.7, -745.0, 1023.5,
	0x1.fffffffffffffp-1, 0x1.0000000000001p+0, 9007199254740992.0, 0x1p63, -0x1p63,
	0x1p-40, 0.75, -7.0,
};
static const int kspec[] = {0, 1, -1, 2, -2, 3, -3, 100, -100, 127, 128, -126, -149, 1023,
			    -1074, INT_MAX, INT_MIN, 5, 7, -9};
#define NKSPEC (int)(sizeof(kspec) / sizeof(kspec[0]))

static long double gen_val(const struct mfn *f, bool dbl, int i, int arg, int n)
{
	int ns = dbl ? (int)(sizeof(dspec) / sizeof(dspec[0]))
		     : (int)(sizeof(fspec) / sizeof(fspec[0]));
	int ncross = ns * ns < n / 2 ? ns * ns : n / 2;
	uint64_t r;

	if (!(f->flags & F_DOMAIN) && i < ncross) {
		int idx = arg == 0 ? i % ns : arg == 1 ? (i / ns) % ns : (i * 7 + i / ns) % ns;

		return dbl ? (long double)dspec[idx] : (long double)fspec[idx];
	}
	r = rnd();
	if (!(f->flags & F_DOMAIN) && (r & 3) == 0) {
		if (dbl) {
			double v;
			uint64_t bits = rnd();

			memcpy(&v, &bits, 8);
			return v;
		}
		float v;
		uint32_t bits = (uint32_t)rnd();

		memcpy(&v, &bits, 4);
		return v;
	}
	double v = f->lo + (f->hi - f->lo) * rnd_unit();

	/* Half-integers and integers stress the rounding functions. */
	if ((r & 0x30) == 0)
		v = (double)(long)(v * 2) / 2;
	return dbl ? (long double)v : (long double)(float)v;
}

static bool is_denorm(long double v, bool dbl)
{
	return v != 0 && isfinite(v) && fabsl(v) < (dbl ? DBL_MIN : FLT_MIN);
}

static void fmt_val(char *buf, size_t n, long double v, bool dbl)
{
	if (dbl) {
		double d = (double)v;
		uint64_t bits;

		memcpy(&bits, &d, 8);
		snprintf(buf, n, "%a (0x%016llx)", d, (unsigned long long)bits);
	} else {
		float f = (float)v;
		uint32_t bits;

		memcpy(&bits, &f, 4);
		snprintf(buf, n, "%a (0x%08x)", (double)f, bits);
	}
}

struct mref {
	long double r, p;
	int q, qmode;
	bool undef;
};

static void eval_ref(const struct mfn *f, bool dbl, const long double *x, int k, struct mref *m)
{
	m->p = 0;
	m->q = 0;
	qmode = Q_EXACT;
	undef = false;
	m->r = f->ref(dbl, x, k, &m->p, &m->q);
	m->qmode = qmode;
	m->undef = undef;
}

/* Error of one floating-point result, in ulp (or absolute), INFINITY when wrong. */
static double fp_err(const struct mfn *f, bool dbl, long double got, long double ref,
		     double bound)
{
	if (f->flags & F_CLASS) {
		long double rr = dbl ? (long double)(double)ref : (long double)(float)ref;

		if (isnan(rr) != isnan(got) || isinf(rr) != isinf(got) ||
		    (isinf(rr) && signbit(rr) != signbit(got)))
			return INFINITY;
		return 0;
	}
	if (f->flags & F_ABS) {
		if (isnan(ref) || isnan(got))
			return isnan(ref) && isnan(got) ? 0 : INFINITY;
		return (double)fabsl(got - ref);
	}
	double e = dbl ? ulp_err_d((double)got, ref) : ulp_err_f((float)got, ref);

	if (bound == 0 && e == 0 && (f->flags & F_ZS) && got == 0 &&
	    signbit(got) != signbit(ref))
		return INFINITY;
	if ((f->flags & F_NATIVE) && e > bound && fabsl(got - ref) <= 0x1p-12L)
		return 0;	/* native_: implementation-defined; an absolute sanity bound */
	return e;
}

static bool check_mad(bool dbl, const long double *x, long double got)
{
	long double a, b;

	if (dbl) {
		a = fma((double)x[0], (double)x[1], (double)x[2]);
		volatile double t = (double)x[0] * (double)x[1];
		b = t + (double)x[2];
	} else {
		a = fmaf((float)x[0], (float)x[1], (float)x[2]);
		volatile float t = (float)x[0] * (float)x[1];
		b = t + (float)x[2];
	}
	if (isnan(a) || isnan(b))
		return isnan(got) || got == a || got == b;
	return got == a || got == b;
}

static bool check_q(int got, const struct mref *m)
{
	switch (m->qmode) {
	case Q_ANY: return true;
	case Q_EXACT: return got == m->q;
	case Q_ILOGB_SPECIAL: return got == INT_MIN || got == INT_MAX || got == -INT_MAX;
	case Q_SIGN: return (got < 0) == (m->q < 0);
	case Q_REMQUO:
		if (m->q == 0)
			return (abs(got) & 127) == 0;
		return (got < 0) == (m->q < 0) && (abs(got) & 127) == abs(m->q);
	}
	return false;
}

static void run_fn(const struct mfn *f, bool dbl, cl_program prog[NSIDES])
{
	int n = nsamples, es = dbl ? 8 : 4;
	double bound = dbl ? f->ulp_d : f->ulp_f;
	struct rep rep;
	char kname[64];
	long double (*x)[3] = malloc(sizeof(*x) * (size_t)n);
	int *k = malloc(sizeof(int) * (size_t)n);
	struct mref *ref = malloc(sizeof(*ref) * (size_t)n);
	unsigned char *in[3];
	size_t osz = (size_t)n * NW;

	rep_begin(&rep, (f->flags & (F_MAD | F_CLASS)) ? -1 : bound, "%s/%s/%s%s", f->fam,
		  dbl ? "double" : "float", f->name, (f->flags & F_NATIVE) ? " (sanity)" : "");
	rnd_seed((uint64_t)(f - fns) * 131 + dbl);
	for (int a = 0; a < 3; a++)
		in[a] = malloc((size_t)n * (size_t)es);
	for (int i = 0; i < n; i++) {
		for (int a = 0; a < 3; a++) {
			x[i][a] = gen_val(f, dbl, i, a, n);
			if (dbl) {
				double v = (double)x[i][a];
				memcpy(in[a] + (size_t)i * 8, &v, 8);
			} else {
				float v = (float)x[i][a];
				memcpy(in[a] + (size_t)i * 4, &v, 4);
			}
		}
		k[i] = i < NKSPEC * 4 ? kspec[i % NKSPEC]
			: f->klo + (int)(rnd() % (uint64_t)(f->khi - f->klo + 1));
		eval_ref(f, dbl, x[i], k[i], &ref[i]);
	}
	snprintf(kname, sizeof(kname), "k_%s", f->name);
	for (int s = 0; s < NSIDES; s++) {
		struct side *sd = &sides[s];
		unsigned char *o = malloc(osz * (size_t)es), *o2 = malloc(osz * (size_t)es);
		int *oi = malloc(osz * sizeof(int));
		cl_uint un = (cl_uint)n;
		size_t gws = (size_t)n;
		bool denorm = dbl ? sd->denorm_d : sd->denorm;

		if (dbl && !sd->fp64) {
			rep_skip(&rep, s, "no fp64");
			goto next;
		}
		if (!prog[s]) {
			rep_broken(&rep, s, "program did not build");
			goto next;
		}
		struct darg args[] = {
			{ARG_BUF, (size_t)n * es, in[0], NULL}, {ARG_BUF, (size_t)n * es, in[1], NULL},
			{ARG_BUF, (size_t)n * es, in[2], NULL}, {ARG_BUF, (size_t)n * 4, k, NULL},
			{ARG_BUF, osz * es, NULL, o}, {ARG_BUF, osz * es, NULL, o2},
			{ARG_BUF, osz * 4, NULL, oi}, {ARG_VAL, sizeof(un), &un, NULL},
		};
		cl_int err = diff_run(sd, prog[s], kname, 8, args, 1, NULL, &gws, NULL);

		if (err != CL_SUCCESS) {
			rep_broken(&rep, s, "run: %s", diff_errname(err));
			goto next;
		}
		rep.maxerr[s] = (f->flags & (F_MAD | F_CLASS)) ? -1 : 0;
		long wfail[NW] = {0};
		for (int w = 0; w < NW; w++) {
			long before = rep.failed[s];

			for (int i = 0; i < n; i++) {
				size_t j = (size_t)w * (size_t)n + (size_t)i;
				long double gr, gp;
				const struct mref *m = &ref[i];
				struct mref flushed;
				double e = 0, ep = 0;
				bool qok = true, ok;

				if (m->undef)
					continue;
				if (dbl) {
					double t;
					memcpy(&t, o + j * 8, 8); gr = t;
					memcpy(&t, o2 + j * 8, 8); gp = t;
				} else {
					float t;
					memcpy(&t, o + j * 4, 4); gr = t;
					memcpy(&t, o2 + j * 4, 4); gp = t;
				}
			again:
				if (f->flags & F_MAD) {
					ok = check_mad(dbl, x[i], gr);
				} else {
					if (f->outs & O_R)
						e = fp_err(f, dbl, gr, m->r, bound);
					if (f->outs & O_P)
						ep = fp_err(f, dbl, gp, m->p, bound);
					if (f->outs & O_Q)
						qok = check_q(oi[j], m);
					ok = e <= bound && ep <= bound && qok;
				}
				if (!ok && !denorm && m != &flushed &&
				    (is_denorm(x[i][0], dbl) || is_denorm(x[i][1], dbl) ||
				     is_denorm(x[i][2], dbl) || is_denorm(m->r, dbl) ||
				     (gr == 0 && fabsl(m->r) < (dbl ? DBL_MIN : FLT_MIN)))) {
					/* Denormals may be flushed to zero on this device. */
					long double fx[3];

					for (int a = 0; a < 3; a++)
						fx[a] = is_denorm(x[i][a], dbl) ? copysignl(0, x[i][a])
										: x[i][a];
					eval_ref(f, dbl, fx, k[i], &flushed);
					if (is_denorm(flushed.r, dbl) && gr == 0)
						flushed.r = gr;
					m = &flushed;
					goto again;
				}
				if (ok) {
					if (e > rep.maxerr[s] && rep.maxerr[s] >= 0)
						rep.maxerr[s] = e;
					if (ep > rep.maxerr[s] && rep.maxerr[s] >= 0)
						rep.maxerr[s] = ep;
					continue;
				}
				m = &ref[i];
				char sx[3][64], se[64], sg[64];

				for (int a = 0; a < 3; a++)
					fmt_val(sx[a], sizeof(sx[a]), x[i][a], dbl);
				if (!qok) {
					rep_fail(&rep, s, "%s w=%d x=%s y=%s k=%d: int output "
						 "expected %d got %d", f->name, widths[w], sx[0],
						 sx[1], k[i], m->q, oi[j]);
					continue;
				}
				bool onp = (f->outs & O_P) && !(ep <= bound);
				fmt_val(se, sizeof(se), onp ? m->p : m->r, dbl);
				fmt_val(sg, sizeof(sg), onp ? gp : gr, dbl);
				rep_fail(&rep, s, "%s%s w=%d x=%s y=%s z=%s k=%d: expected %s got %s "
					 "(%.3g %s)", f->name, onp ? " (pointer output)" : "",
					 widths[w], sx[0], sx[1], sx[2], k[i], se, sg, onp ? ep : e,
					 (f->flags & F_ABS) ? "abs" : "ulp");
			}
			wfail[w] = rep.failed[s] - before;
		}
		if (rep.failed[s]) {
			int pos = snprintf(rep.note[s], sizeof(rep.note[s]), "wrong per width:");

			for (int w = 0; w < NW && pos < (int)sizeof(rep.note[s]); w++)
				pos += snprintf(rep.note[s] + pos, sizeof(rep.note[s]) - (size_t)pos,
						" w%d %ld", widths[w], wfail[w]);
		}
	next:
		free(o);
		free(o2);
		free(oi);
	}
	rep_end(&rep);
	for (int a = 0; a < 3; a++)
		free(in[a]);
	free(x);
	free(k);
	free(ref);
}

static void run_type(bool dbl)
{
	cl_program prog[NSIDES] = {0};
	char *src = gen_source(dbl, -1);
	bool any_fp64 = false;

	if (!src)
		return;	/* nothing selected */
	for (int s = 0; s < NSIDES; s++) {
		if (dbl && !sides[s].fp64)
			continue;
		any_fp64 = true;
		prog[s] = diff_build(&sides[s], src, "-cl-std=CL1.2");
	}
	free(src);
	(void)any_fp64;
	for (size_t i = 0; i < NFNS; i++) {
		cl_program one[NSIDES] = {0};

		if ((dbl && (fns[i].flags & F_FONLY)) || !fn_selected(&fns[i], dbl))
			continue;
		/* A side whose whole program failed: build this function alone, so the
		 * report names the built-ins that are missing. */
		for (int s = 0; s < NSIDES; s++) {
			one[s] = prog[s];
			if (!prog[s] && (!dbl || sides[s].fp64)) {
				char *s1 = gen_source(dbl, (int)i);

				one[s] = diff_build(&sides[s], s1, "-cl-std=CL1.2");
				free(s1);
			}
		}
		run_fn(&fns[i], dbl, one);
		for (int s = 0; s < NSIDES; s++)
			if (one[s] && one[s] != prog[s])
				clReleaseProgram(one[s]);
	}
	for (int s = 0; s < NSIDES; s++)
		if (prog[s])
			clReleaseProgram(prog[s]);
}

void fam_math(void)
{
	run_type(false);
	run_type(true);
}
