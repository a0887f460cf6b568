// SPDX-License-Identifier: MIT
/* The implementations behind math.cl, under names of their own: a file
 * that defines a built-in's name hides clang's declarations of all its
 * overloads (the double ones these need), so the two are kept apart. */
#pragma OPENCL EXTENSION cl_khr_fp64 : enable

#define VEC1(name)                                                              \
	float svm_##name##_1(float x) { return (float)name((double)x); }        \
	float2 svm_##name##_2(float2 x) { return convert_float2(name(convert_double2(x))); } \
	float3 svm_##name##_3(float3 x) { return convert_float3(name(convert_double3(x))); } \
	float4 svm_##name##_4(float4 x) { return convert_float4(name(convert_double4(x))); } \
	float8 svm_##name##_8(float8 x) { return convert_float8(name(convert_double8(x))); } \
	float16 svm_##name##_16(float16 x) { return convert_float16(name(convert_double16(x))); }

VEC1(exp)
VEC1(exp2)
VEC1(erfc)
VEC1(tgamma)

/* A float times 2^n, n clamped to where the result is 0 or infinite
 * anyway, is exact in double; one rounding to float. */
#define WIDTHS(M) M(2) M(3) M(4) M(8) M(16)
#define LDEXP(N)                                                                 \
	float##N svm_ldexp_##N(float##N x, int##N n)                            \
	{                                                                        \
		return convert_float##N(ldexp(convert_double##N(x), clamp(n, -400, 400))); \
	}
#define ROOTN(N)                                                                 \
	float##N svm_rootn_##N(float##N x, int##N n)                            \
	{                                                                        \
		return convert_float##N(rootn(convert_double##N(x), n));         \
	}
#define REMQUO(N)                                                                \
	float##N svm_remquo_##N(float##N x, float##N y, int##N *q)              \
	{                                                                        \
		return convert_float##N(remquo(convert_double##N(x), convert_double##N(y), q)); \
	}

float svm_ldexp_1(float x, int n) { return (float)ldexp((double)x, clamp(n, -400, 400)); }
float svm_rootn_1(float x, int n) { return (float)rootn((double)x, n); }
/* The remainder of two floats is a float: exact in double, exact back. */
float svm_remquo_1(float x, float y, int *q) { return (float)remquo((double)x, (double)y, q); }
WIDTHS(LDEXP)
WIDTHS(ROOTN)
WIDTHS(REMQUO)

/* nextafter: one ulp from x towards y, on the bits. */
#define NEXTAFTER(name, T, IT, SIGN)                                             \
	T name(T x, T y)                                                        \
	{                                                                       \
		if (isnan(x) || isnan(y))                                       \
			return x + y;                                           \
		if (x == y)                                                     \
			return y;                                               \
		if (x == (T)0)                                                  \
			return as_##T((as_##IT(y) & (IT)SIGN) | (IT)1);         \
		return as_##T(as_##IT(x) + (((x < y) == (x > (T)0)) ? (IT)1 : (IT)-1)); \
	}
NEXTAFTER(svm_nextafter_1, float, int, 0x80000000)
NEXTAFTER(svm_nextafter_d, double, long, 0x8000000000000000L)

/* Double precision, where libclc 19 is not exact (ldexp, frexp on
 * subnormals) or over the bound (acospi). */

/* x 2^n with one rounding: the exponent is applied in at most three exact
 * steps, arranged (as in the classic scalbn) so that only the last may
 * round, also where the result is subnormal. */
double svm_ldexp_d(double x, int n)
{
	const double down = 0x1p-1022 * 0x1p53;

	if (n > 1023) {
		x *= 0x1p1023;
		n -= 1023;
		if (n > 1023) {
			x *= 0x1p1023;
			n = min(n - 1023, 1023);
		}
	} else if (n < -1022) {
		x *= down;
		n += 1022 - 53;
		if (n < -1022) {
			x *= down;
			n = max(n + 1022 - 53, -1022);
		}
	}
	return x * as_double((long)(0x3ff + n) << 52);
}

/* x = m 2^e with 0.5 <= |m| < 1; 0, inf and NaN come back with e = 0. */
double svm_frexp_d(double x, int *e)
{
	long b = as_long(x);
	int ex = (int)((b >> 52) & 0x7ff);

	*e = 0;
	if (x == 0.0 || ex == 0x7ff)
		return x;
	if (ex == 0) { /* subnormal */
		b = as_long(x * 0x1p64);
		ex = (int)((b >> 52) & 0x7ff) - 64;
	}
	*e = ex - 1022;
	return as_double((b & (long)0x800fffffffffffffUL) | 0x3fe0000000000000L);
}

/* acos is within 4 ulp and exact at -1, 0 and 1; the division by the
 * rounded pi adds one rounding and ~0.1 ulp: within acospi's 5. */
double svm_acospi_d(double x)
{
	return acos(x) / M_PI;
}
