// SPDX-License-Identifier: MIT
/* Float math that libclc 19's nvptx64--nvidiacl library gets wrong (over the
 * specification's ULP bound: exp, exp2, erfc, tgamma, rootn; not exact:
 * ldexp, remquo, nextafter; found by the differential suite on an H100):
 * done in double precision and rounded once (math_impl.cl), where each of
 * these results is exact or correctly rounded; nextafter on the bits. */
#define OVL __attribute__((overloadable))
#define WIDTHS(M) M(2) M(3) M(4) M(8) M(16)

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

#define NEXT_N(N)                                                               \
	OVL float##N nextafter(float##N x, float##N y)                          \
	{                                                                       \
		float##N r;                                                     \
		for (int i = 0; i < N; i++)                                     \
			((float *)&r)[i] = svm_nextafter_1(((float *)&x)[i], ((float *)&y)[i]); \
		return r;                                                       \
	}
WIDTHS(NEXT_N)
