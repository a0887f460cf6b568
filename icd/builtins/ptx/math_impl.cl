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
float svm_nextafter_1(float x, float y)
{
	if (isnan(x) || isnan(y))
		return x + y;
	if (x == y)
		return y;
	if (x == 0.0f)
		return as_float((as_int(y) & (int)0x80000000) | 1);
	return as_float(as_int(x) + (((x < y) == (x > 0.0f)) ? 1 : -1));
}
