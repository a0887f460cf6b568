/* SPDX-License-Identifier: MIT */
/* Scalar math built-ins written once for float and double: math.cl
 * includes this file twice, with FT (the floating type), IT and UT (the
 * integer types of its width), S (the suffix of the C library's names: f or
 * empty) and the constants below defined. Vector variants and the
 * address-space overloads of the pointer built-ins are generated. */

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define LIBM(fn) CAT(__builtin_, CAT(fn, S))

OVL CNST FT fdim(FT x, FT y)
{
	/* NaN in, NaN out; otherwise the positive difference or +0. */
	if (x != x || y != y)
		return x + y;
	return x > y ? x - y : (FT)0;
}

OVL CNST FT maxmag(FT x, FT y)
{
	FT ax = LIBM(fabs)(x), ay = LIBM(fabs)(y);

	return ax > ay ? x : ay > ax ? y : LIBM(fmax)(x, y);
}

OVL CNST FT minmag(FT x, FT y)
{
	FT ax = LIBM(fabs)(x), ay = LIBM(fabs)(y);

	return ax < ay ? x : ay < ax ? y : LIBM(fmin)(x, y);
}

OVL CNST FT mad(FT a, FT b, FT c)
{
	/* Any precision is allowed: one fused instruction where the target has it. */
#pragma OPENCL FP_CONTRACT ON
	return a * b + c;
}

OVL CNST int ilogb(FT x)
{
	/* The C library's FP_ILOGBNAN is INT_MIN on x86; OpenCL's is INT_MAX. */
	return x != x ? INT_MAX : LIBM(ilogb)(x);
}

OVL CNST FT ldexp(FT x, int n)
{
	return LIBM(ldexp)(x, n);
}

OVL CNST FT powr(FT x, FT y)
{
	/* pow for x >= 0 only, with its own special cases (powr(0, 0), powr(inf, 0)
	 * and powr(1, inf) are NaN). */
	if (x < 0 || x != x || y != y || (x == 0 && y == 0) ||
	    (LIBM(fabs)(x) == INF && y == 0) || (x == 1 && LIBM(fabs)(y) == INF))
		return NAN_;
	return LIBM(pow)(LIBM(fabs)(x), y);
}

OVL FT __svm_fract(FT x, __private FT *ip)
{
	FT f = LIBM(floor)(x);

	*ip = f;
	if (LIBM(fabs)(x) == INF)
		return LIBM(copysign)((FT)0, x);
	if (x == 0 || x != x) /* fmin below would turn a NaN into FRACT_MAX */
		return x;
	/* The largest value below 1 keeps x - floor(x) < 1 for tiny negative x. */
	return LIBM(fmin)(x - f, FRACT_MAX);
}

OVL FT __svm_modf(FT x, __private FT *ip)
{
	FT t = LIBM(trunc)(x);

	*ip = t;
	return LIBM(fabs)(x) == INF ? LIBM(copysign)((FT)0, x) : LIBM(copysign)(x - t, x);
}

OVL FT __svm_frexp(FT x, __private int *e)
{
	int ex = 0;
	FT m = LIBM(frexp)(x, &ex);

	*e = ex;
	return m;
}

OVL FT __svm_lgamma_r(FT x, __private int *s)
{
	int sg = 0;
	FT r = CAT(lgamma, CAT(S, _r))(x, &sg);

	*s = sg;
	return r;
}

OVL FT __svm_sincos(FT x, __private FT *c)
{
	*c = LIBM(cos)(x);
	return LIBM(sin)(x);
}

/* remainder(x, y) and the low seven bits of the quotient, signed like x/y
 * (the C library gives at least three bits: OpenCL wants seven). Every
 * step is exact: fmod by 128*|y|, then binary long division. */
OVL FT __svm_remquo(FT x, FT y, __private int *quo)
{
	FT ax = LIBM(fabs)(x), ay = LIBM(fabs)(y);
	int neg_q, q = 0;

	if (x != x || y != y || ax == INF || ay == 0) {
		*quo = 0;
		return NAN_;
	}
	neg_q = (as_IT(x) < 0) != (as_IT(y) < 0);
	if (ay == INF) {
		*quo = 0;
		return x;
	}
	if (ay * 128 != INF && ax >= ay * 128)
		ax = LIBM(fmod)(ax, ay * 128);
	for (int k = 64; k >= 1; k >>= 1) {
		FT ky = ay * k;

		if (ax >= ky) {
			ax -= ky;
			q += k;
		}
	}
	/* ax < ay: round the quotient to nearest, ties to even. */
	if (ay < 2 * FT_MIN) {
		if (ax + ax > ay || (ax + ax == ay && (q & 1))) {
			ax -= ay;
			q++;
		}
	} else {
		FT hy = ay * (FT)0.5;

		if (ax > hy || (ax == hy && (q & 1))) {
			ax -= ay;
			q++;
		}
	}
	q &= 0x7f;
	*quo = neg_q ? -q : q;
	return as_IT(x) < 0 ? -ax : ax;
}

OVL CNST FT acospi(FT x)
{
	return (FT)(__builtin_acos((double)x) / M_PI);
}

OVL CNST FT asinpi(FT x)
{
	return (FT)(__builtin_asin((double)x) / M_PI);
}

OVL CNST FT atanpi(FT x)
{
	return (FT)(__builtin_atan((double)x) / M_PI);
}

OVL CNST FT atan2pi(FT y, FT x)
{
	/* Exact quarters where both are infinite (atan2's 3pi/4 over pi is not). */
	if (LIBM(fabs)(x) == INF && LIBM(fabs)(y) == INF)
		return LIBM(copysign)(x > 0 ? (FT)0.25 : (FT)0.75, y);
	return (FT)(__builtin_atan2((double)y, (double)x) / M_PI);
}

#undef CAT_
#undef CAT
#undef LIBM
