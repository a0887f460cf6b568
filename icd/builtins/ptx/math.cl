// SPDX-License-Identifier: MIT
/* Math that libclc 19's nvptx64--nvidiacl library gets wrong, found by the
 * differential suite on an H100. Float (over the specification's ULP bound:
 * exp, exp2, erfc, tgamma, rootn; not exact: ldexp, remquo, nextafter): done
 * in double precision and rounded once (math_impl.cl), where each of these
 * results is exact or correctly rounded; nextafter on the bits. Double
 * (acospi and tgamma over the bound; ldexp, frexp, nextafter, nan not
 * exact): math_impl.cl and gamma_impl.cl, which test_ptx_math runs on the
 * CPU device. */
#define OVL __attribute__((overloadable))
#define WIDTHS(M) M(2) M(3) M(4) M(8) M(16)

/* T##N name params, element i of the result being expr. */
#define PER_ELEMENT(T, N, name, params, expr)                                   \
	OVL T##N name params                                                    \
	{                                                                       \
		T##N r;                                                         \
		for (int i = 0; i < N; i++)                                     \
			((T *)&r)[i] = expr;                                    \
		return r;                                                       \
	}

#define VEC1(name)                                                              \
	float svm_##name##_1(float);                                           \
	OVL float name(float x) { return svm_##name##_1(x); }                  \
	VEC1_N(name, 2) VEC1_N(name, 3) VEC1_N(name, 4) VEC1_N(name, 8) VEC1_N(name, 16)
#define VEC1_N(name, N)                                                         \
	float##N svm_##name##_##N(float##N);                                   \
	OVL float##N name(float##N x) { return svm_##name##_##N(x); }

VEC1(exp)
VEC1(exp2)
VEC1(erfc)
VEC1(tgamma)

float svm_ldexp_1(float, int);
float svm_rootn_1(float, int);
float svm_remquo_1(float, float, int *);
float svm_nextafter_1(float, float);
OVL float ldexp(float x, int n) { return svm_ldexp_1(x, n); }
OVL float rootn(float x, int n) { return svm_rootn_1(x, n); }
OVL float nextafter(float x, float y) { return svm_nextafter_1(x, y); }

#define INT_ARGS(N)                                                             \
	float##N svm_ldexp_##N(float##N, int##N);                              \
	float##N svm_rootn_##N(float##N, int##N);                              \
	OVL float##N ldexp(float##N x, int##N n) { return svm_ldexp_##N(x, n); } \
	OVL float##N ldexp(float##N x, int n) { return svm_ldexp_##N(x, (int##N)n); } \
	OVL float##N rootn(float##N x, int##N n) { return svm_rootn_##N(x, n); }
WIDTHS(INT_ARGS)

/* remquo in each address space the quotient may be in. */
#define REMQUO_AS(N, AS)                                                        \
	OVL float##N remquo(float##N x, float##N y, AS int##N *q)              \
	{                                                                       \
		int##N qq;                                                      \
		float##N r = svm_remquo_##N(x, y, &qq);                         \
		*q = qq;                                                        \
		return r;                                                       \
	}
#define REMQUO(N)                                                               \
	float##N svm_remquo_##N(float##N, float##N, int##N *);                 \
	REMQUO_AS(N, global) REMQUO_AS(N, local) REMQUO_AS(N, private)
#define int1 int
#define float1 float
REMQUO_AS(1, global)
REMQUO_AS(1, local)
REMQUO_AS(1, private)
WIDTHS(REMQUO)

#define NEXT_N(N) PER_ELEMENT(float, N, nextafter, (float##N x, float##N y), \
				     svm_nextafter_1(x[i], y[i]))
WIDTHS(NEXT_N)

/* Double precision: scalars from math_impl.cl and gamma_impl.cl, vectors
 * element by element. */
#pragma OPENCL EXTENSION cl_khr_fp64 : enable

double svm_acospi_d(double);
double svm_tgamma_d(double);
double svm_ldexp_d(double, int);
double svm_nextafter_d(double, double);
double svm_frexp_d(double, int *);

OVL double acospi(double x) { return svm_acospi_d(x); }
OVL double tgamma(double x) { return svm_tgamma_d(x); }
OVL double ldexp(double x, int n) { return svm_ldexp_d(x, n); }
OVL double nextafter(double x, double y) { return svm_nextafter_d(x, y); }
OVL double nan(ulong code) { return as_double(0x7ff8000000000000UL | code); }

#define DOUBLE_N(N)                                                             \
	PER_ELEMENT(double, N, acospi, (double##N x), svm_acospi_d(x[i]))       \
	PER_ELEMENT(double, N, tgamma, (double##N x), svm_tgamma_d(x[i]))       \
	PER_ELEMENT(double, N, ldexp, (double##N x, int##N n), svm_ldexp_d(x[i], n[i])) \
	PER_ELEMENT(double, N, ldexp, (double##N x, int n), svm_ldexp_d(x[i], n)) \
	PER_ELEMENT(double, N, nextafter, (double##N x, double##N y),           \
		    svm_nextafter_d(x[i], y[i]))                                \
	OVL double##N nan(ulong##N code)                                        \
	{                                                                       \
		return as_double##N((ulong##N)0x7ff8000000000000UL | code);     \
	}
WIDTHS(DOUBLE_N)

/* frexp in each address space the exponent may be in. */
#define FREXP_AS(AS)                                                            \
	OVL double frexp(double x, AS int *e)                                   \
	{                                                                       \
		int ee;                                                         \
		double r = svm_frexp_d(x, &ee);                                 \
		*e = ee;                                                        \
		return r;                                                       \
	}                                                                       \
	FREXP_N_AS(2, AS) FREXP_N_AS(3, AS) FREXP_N_AS(4, AS) FREXP_N_AS(8, AS) \
	FREXP_N_AS(16, AS)
#define FREXP_N_AS(N, AS)                                                       \
	OVL double##N frexp(double##N x, AS int##N *e)                          \
	{                                                                       \
		double##N r;                                                    \
		int##N ee;                                                      \
		for (int i = 0; i < N; i++)                                     \
			((double *)&r)[i] = svm_frexp_d(x[i], (int *)&ee + i);  \
		*e = ee;                                                        \
		return r;                                                       \
	}
FREXP_AS(global)
FREXP_AS(local)
FREXP_AS(private)
